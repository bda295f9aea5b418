/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/hash: the MAC hashes against values worked out independently
 * (Jenkins' one-at-a-time; murmur3's 64-bit finaliser), and the table (add, find, delete with backward
 * shift, growth, walks) against a plain array that says what it holds.
 */
#include <stdlib.h>

#include "common/hash.h"
#include "tests/unit/check.h"

#define N 3000

struct item {
	struct mc_hnode hnode;
	uint32_t key;
	bool in;	/* in the table */
	unsigned seen;	/* visits by a walk */
};

static struct item items[N];

static void mac_of(uint32_t key, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0;
	mac[2] = (uint8_t)(key >> 24);
	mac[3] = (uint8_t)(key >> 16);
	mac[4] = (uint8_t)(key >> 8);
	mac[5] = (uint8_t)key;
}

/* The item's hash; with few_bits, only 3 bits of it vary: long clusters. */
static uint32_t hash_of(uint32_t key, bool few_bits)
{
	uint8_t mac[6];

	mac_of(key, mac);
	return few_bits ? mc_hash_mac(mac, 0) & 0x70000007u : mc_hash_mac(mac, 0);
}

static struct item *find(const struct mc_hash *h, uint32_t key, bool few_bits)
{
	struct mc_hash_iter it;
	struct mc_hnode *e;

	for (e = mc_hash_first(h, hash_of(key, few_bits), &it); e; e = mc_hash_next(&it)) {
		struct item *x = mc_container_of(e, struct item, hnode);

		if (x->key == key)
			return x;
	}
	return NULL;
}

static void items_reset(void)
{
	for (uint32_t i = 0; i < N; i++)
		items[i] = (struct item){ .key = i * 7919u };
}

/* Every item the table should hold is found, and no other. */
static void check_contents(const struct mc_hash *h, bool few_bits)
{
	size_t in = 0, bad = 0;

	for (unsigned i = 0; i < N; i++) {
		struct item *x = find(h, items[i].key, few_bits);

		in += items[i].in;
		bad += items[i].in ? x != &items[i] : x != NULL;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(h->count, in);
}

static void test_mac_hash(void)
{
	const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

	CHECK_INT(mc_hash_mac(mac, 0), 0x71d12728u);
	CHECK_INT(mc_hash_mac(mac, 0x8001), 0xbfc73f10u);
	CHECK_INT(mc_hash_mac_seeded(0, mac, 0), 0x93cf7d1bu);
	CHECK_INT(mc_hash_mac_seeded(0x12345678u, mac, 0), 0xc48cdbc5u);
	CHECK_INT(mc_hash_mac_seeded(0x12345678u, mac, 0x8001), 0x2450beb9u);
}

static void run_add_del(bool few_bits)
{
	struct mc_hash h;

	items_reset();
	CHECK_INT(mc_hash_init(&h, 1), 0);
	for (unsigned i = 0; i < N; i++) {
		CHECK_INT(mc_hash_add(&h, &items[i].hnode, hash_of(items[i].key, few_bits)), 0);
		items[i].in = true;
	}
	CHECK(h.mask + 1 >= 2 * N);	/* grew, at most half full */
	check_contents(&h, few_bits);
	/* every third goes: the clusters close up behind them */
	for (unsigned i = 0; i < N; i += 3) {
		mc_hash_del(&h, &items[i].hnode);
		items[i].in = false;
	}
	check_contents(&h, few_bits);
	for (unsigned i = 0; i < N; i++)
		if (items[i].in) {
			mc_hash_del(&h, &items[i].hnode);
			items[i].in = false;
		}
	check_contents(&h, few_bits);
	mc_hash_free(&h);
}

static void test_add_del(void)
{
	run_add_del(false);
}

/* Eight hash values for 3000 items: one cluster wrapping round the end. */
static void test_clusters(void)
{
	run_add_del(true);
}

struct walk_ctx {
	struct mc_hash *h;
	unsigned calls;
};

/* Visits; deletes every even key's item. */
static void walk_one(struct mc_hnode *e, void *arg)
{
	struct walk_ctx *c = arg;
	struct item *x = mc_container_of(e, struct item, hnode);

	c->calls++;
	x->seen++;
	if (!(x->key & 1)) {
		mc_hash_del(c->h, e);
		x->in = false;
	}
}

static void test_walks(void)
{
	struct mc_hash h;
	struct walk_ctx c = { &h, 0 };
	struct mc_hnode *e;
	unsigned once = 0, reads = 0;
	uint32_t i;

	items_reset();
	CHECK_INT(mc_hash_init(&h, 4), 0);
	for (i = 0; i < N; i++) {
		CHECK_INT(mc_hash_add(&h, &items[i].hnode, hash_of(items[i].key, true)), 0);
		items[i].in = true;
	}
	mc_hash_walk(&h, walk_one, &c);
	CHECK_INT(c.calls, N);
	for (i = 0; i < N; i++)
		once += items[i].seen == 1;
	CHECK_INT(once, N);
	check_contents(&h, true);
	mc_hash_for_each(&h, i, e) {
		struct item *x = mc_container_of(e, struct item, hnode);

		reads++;
		CHECK(x->in && (x->key & 1));
	}
	CHECK_INT(reads, h.count);
	mc_hash_free(&h);
	reads = 0;
	mc_hash_for_each(&h, i, e)	/* a freed table holds nothing */
		reads++;
	CHECK_INT(reads, 0);
}

int main(void)
{
	RUN(test_mac_hash);
	RUN(test_add_del);
	RUN(test_clusters);
	RUN(test_walks);
	return check_exit();
}
