/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/hash: the intrusive open-addressing table and its hash functions.
 * The MAC hashes are checked against values worked out independently.
 * Collisions and clusters are forced by handing the table chosen hash
 * values (the table never computes one itself); a random mix of adds and
 * deletes is checked against a plain array after every step.
 */
#include <stdbool.h>
#include <stdint.h>

#include "common/hash.h"
#include "tests/unit/check.h"

#define NENT 2000

struct ent {
	struct mc_hnode hn;
	unsigned key;
	bool in;		/* in the table, as far as the test knows */
	unsigned seen;		/* visits by the walk under test */
};

static struct ent ents[NENT];

static void ents_reset(void)
{
	for (unsigned i = 0; i < NENT; i++) {
		memset(&ents[i], 0, sizeof(ents[i]));
		ents[i].key = i;
	}
}

static struct ent *ent_of(struct mc_hnode *e)
{
	return mc_container_of(e, struct ent, hn);
}

/* The entry with key among those of hash value hv, or NULL. */
static struct ent *find(const struct mc_hash *h, uint32_t hv, unsigned key)
{
	struct mc_hash_iter it;
	struct mc_hnode *e;

	for (e = mc_hash_first(h, hv, &it); e; e = mc_hash_next(&it))
		if (ent_of(e)->key == key)
			return ent_of(e);
	return NULL;
}

/* How many entries of hash value hv first/next yield. */
static unsigned count_hv(const struct mc_hash *h, uint32_t hv)
{
	struct mc_hash_iter it;
	unsigned n = 0;

	for (struct mc_hnode *e = mc_hash_first(h, hv, &it); e; e = mc_hash_next(&it))
		n++;
	return n;
}

static void test_add_find_del(void)
{
	struct mc_hash h;

	ents_reset();
	CHECK_INT(mc_hash_init(&h, 4), 0);
	CHECK(!find(&h, 7, 7));
	for (unsigned i = 0; i < 100; i++)
		CHECK_INT(mc_hash_add(&h, &ents[i].hn, mc_hash_bytes(&i, sizeof(i), 1)), 0);
	CHECK_INT(h.count, 100);
	for (unsigned i = 0; i < 100; i++)
		CHECK(find(&h, mc_hash_bytes(&i, sizeof(i), 1), i) == &ents[i]);
	for (unsigned i = 0; i < 100; i += 2)
		mc_hash_del(&h, &ents[i].hn);
	CHECK_INT(h.count, 50);
	for (unsigned i = 0; i < 100; i++)
		CHECK((find(&h, mc_hash_bytes(&i, sizeof(i), 1), i) != NULL) == (i % 2 == 1));
	mc_hash_free(&h);
	CHECK(h.tab == NULL);
}

/* Every entry with one hash value: one long probe run. */
static void test_collisions(void)
{
	const uint32_t hv = 0x1234;
	struct mc_hash h;
	unsigned i;

	ents_reset();
	CHECK_INT(mc_hash_init(&h, 1), 0);
	for (i = 0; i < 300; i++)
		CHECK_INT(mc_hash_add(&h, &ents[i].hn, hv), 0);
	CHECK_INT(count_hv(&h, hv), 300);
	CHECK_INT(count_hv(&h, hv + 1), 0);
	for (i = 0; i < 300; i += 3)
		mc_hash_del(&h, &ents[i].hn);
	CHECK_INT(count_hv(&h, hv), 200);
	for (i = 0; i < 300; i++)
		CHECK((find(&h, hv, i) != NULL) == (i % 3 != 0));
	/* deleting one that is not in the table changes nothing */
	mc_hash_del(&h, &ents[0].hn);
	CHECK_INT(h.count, 200);
	mc_hash_free(&h);
}

/* A run that starts in the last slots wraps to slot 0; deletions in it
 * must move the wrapped entries back without losing any. */
static void test_wraparound(void)
{
	struct mc_hash h;
	uint32_t last;
	unsigned i;

	ents_reset();
	CHECK_INT(mc_hash_init(&h, 5), 0);	/* 32 slots: 10 entries stay below half */
	last = h.mask;
	for (i = 0; i < 6; i++)
		CHECK_INT(mc_hash_add(&h, &ents[i].hn, last), 0);
	for (i = 6; i < 10; i++)
		CHECK_INT(mc_hash_add(&h, &ents[i].hn, 0), 0);	/* home: slot 0, taken */
	CHECK_INT(h.mask, last);			/* no growth happened */
	mc_hash_del(&h, &ents[0].hn);
	mc_hash_del(&h, &ents[3].hn);
	for (i = 0; i < 10; i++) {
		bool want = i != 0 && i != 3;

		CHECK((find(&h, i < 6 ? last : 0, i) != NULL) == want);
	}
	CHECK_INT(count_hv(&h, last), 4);
	CHECK_INT(count_hv(&h, 0), 4);
	mc_hash_free(&h);
}

static void test_growth(void)
{
	struct mc_hash h;
	unsigned i, found = 0;

	ents_reset();
	CHECK_INT(mc_hash_init(&h, 1), 0);
	CHECK_INT(h.mask, 1);
	for (i = 0; i < NENT; i++)
		CHECK_INT(mc_hash_add(&h, &ents[i].hn, i * 7919u), 0);
	CHECK_INT(h.count, NENT);
	CHECK(2 * h.count <= (size_t)h.mask + 1);	/* at most half full */
	CHECK(h.mask + 1 >= 2 * NENT && h.mask + 1 <= 4 * NENT);
	for (i = 0; i < NENT; i++)
		found += find(&h, i * 7919u, i) == &ents[i];
	CHECK_INT(found, NENT);
	mc_hash_free(&h);
}

struct walk_ctx {
	struct mc_hash *h;
	unsigned visits;
	unsigned del_mod;	/* delete the entries whose key % del_mod == 0 */
};

static void walk_one(struct mc_hnode *e, void *arg)
{
	struct walk_ctx *c = arg;
	struct ent *x = ent_of(e);

	x->seen++;
	c->visits++;
	if (c->del_mod && x->key % c->del_mod == 0) {
		mc_hash_del(c->h, e);
		x->in = false;
	}
}

/* Fills h with n entries whose hash values crowd into few homes, so that
 * deletions during a walk shift entries across slots. */
static void fill_crowded(struct mc_hash *h, unsigned n)
{
	ents_reset();
	for (unsigned i = 0; i < n; i++) {
		CHECK_INT(mc_hash_add(h, &ents[i].hn, i % 5), 0);
		ents[i].in = true;
	}
}

static void check_walk(unsigned n, unsigned del_mod)
{
	struct mc_hash h;
	struct walk_ctx c = { &h, 0, del_mod };
	unsigned i, once = 0, left = 0;

	CHECK_INT(mc_hash_init(&h, 3), 0);
	fill_crowded(&h, n);
	mc_hash_walk(&h, walk_one, &c);
	CHECK_INT(c.visits, n);
	for (i = 0; i < n; i++) {
		once += ents[i].seen == 1;
		left += ents[i].in;
		if (ents[i].in)
			CHECK(find(&h, i % 5, i) == &ents[i]);
	}
	CHECK_INT(once, n);
	CHECK_INT(h.count, left);
	mc_hash_free(&h);
}

static void test_walk_delete(void)
{
	check_walk(200, 0);	/* a plain walk */
	check_walk(200, 2);	/* every other entry */
	check_walk(200, 1);	/* all of them */
	check_walk(7, 3);
}

/* the read-only walk: every entry once; a freed table holds nothing */
static void test_for_each(void)
{
	struct mc_hash h;
	struct mc_hnode *e;
	uint32_t i;
	unsigned n = 0, once = 0;

	CHECK_INT(mc_hash_init(&h, 2), 0);
	mc_hash_for_each(&h, i, e)
		n++;
	CHECK_INT(n, 0);
	fill_crowded(&h, 150);
	mc_hash_for_each(&h, i, e) {
		ent_of(e)->seen++;
		n++;
	}
	for (unsigned k = 0; k < 150; k++)
		once += ents[k].seen == 1;
	CHECK_INT(n, 150);
	CHECK_INT(once, 150);
	mc_hash_free(&h);
	n = 0;
	mc_hash_for_each(&h, i, e)
		n++;
	CHECK_INT(n, 0);
}

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Random adds and deletes over a few crowded hash values, checked after
 * every step against what the test knows is in the table. */
static void test_random_ops(void)
{
	uint32_t rs = 42;
	struct mc_hash h;
	unsigned step, bad = 0;

	ents_reset();
	CHECK_INT(mc_hash_init(&h, 1), 0);
	for (step = 0; step < 20000; step++) {
		struct ent *x = &ents[lcg(&rs) % 300];
		size_t count = 0;

		if (x->in)
			mc_hash_del(&h, &x->hn);
		else
			CHECK_INT(mc_hash_add(&h, &x->hn, x->key % 17 * 3), 0);
		x->in = !x->in;
		for (unsigned i = 0; i < 300; i++) {
			count += ents[i].in;
			if ((find(&h, ents[i].key % 17 * 3, ents[i].key) != NULL) != ents[i].in)
				bad++;
		}
		if (count != h.count)
			bad++;
	}
	CHECK_INT(bad, 0);
	mc_hash_free(&h);
}

/*
 * 4096 keys into 1024 buckets by the low bits, as a table masks: 4 each
 * on average, about 19 buckets empty and none over 14 when the spread is
 * good. Keys are 16 bytes, all zero but for word `word`, which counts
 * up shifted by `shift` bits: a hash that leaves some key bits out of the
 * low bits piles these keys up.
 */
static bool spread_ok(const unsigned bucket[1024])
{
	unsigned i, max = 0, empty = 0;

	for (i = 0; i < 1024; i++) {
		max = bucket[i] > max ? bucket[i] : max;
		empty += !bucket[i];
	}
	return max <= 14 && empty < 60;
}

static bool spreads(unsigned word, unsigned shift)
{
	unsigned bucket[1024] = { 0 }, i;
	uint32_t key[4] = { 0 };

	for (i = 0; i < 4096; i++) {
		key[word] = i << shift;
		bucket[mc_hash_bytes(key, sizeof(key), 7) & 1023]++;
	}
	return spread_ok(bucket);
}

/* The same for keys of len bytes whose last two bytes count up: the
 * part of a key past its last whole 8-byte word. */
static bool tail_spreads(size_t len)
{
	unsigned bucket[1024] = { 0 }, i;
	uint8_t key[16] = { 0 };

	for (i = 0; i < 4096; i++) {
		key[len - 2] = (uint8_t)i;
		key[len - 1] = (uint8_t)(i >> 8);
		bucket[mc_hash_bytes(key, len, 7) & 1023]++;
	}
	return spread_ok(bucket);
}

static void test_hash_bytes(void)
{
	static const uint8_t ab[3] = { 'a', 'b', 0 };
	unsigned i, seed_same = 0;

	CHECK(mc_hash_bytes(ab, 2, 0) == mc_hash_bytes("ab", 2, 0));
	CHECK(mc_hash_bytes(ab, 2, 0) != mc_hash_bytes(ab, 3, 0));	/* length counts */
	CHECK(mc_hash_bytes(ab, 0, 0) != mc_hash_bytes(ab, 0, 1));
	for (i = 0; i < 4; i++) {
		CHECK(spreads(i, 0));
		CHECK(spreads(i, 20));	/* only high bits differ */
	}
	for (i = 2; i <= 15; i++)
		CHECK(tail_spreads(i));
	/* the seed changes the value of nearly every key */
	for (i = 0; i < 1000; i++)
		seed_same += mc_hash_bytes(&i, sizeof(i), 1) == mc_hash_bytes(&i, sizeof(i), 2);
	CHECK(seed_same < 3);
}

/* against values worked out independently: Jenkins' one-at-a-time
 * (mc_hash_mac); the key as one word through a multiply-xor-shift round
 * and mix32's two (mc_hash_mac_seeded) */
static void test_hash_mac(void)
{
	const uint8_t a[6] = { 2, 0, 0, 0, 0, 1 }, b[6] = { 2, 0, 0, 0, 0, 2 };

	CHECK(mc_hash_mac(a, 0) != mc_hash_mac(b, 0));
	CHECK(mc_hash_mac(a, 0) != mc_hash_mac(a, 1));
	CHECK_INT(mc_hash_mac(a, 0), 0x71d12728u);
	CHECK_INT(mc_hash_mac(a, 0x8001), 0xbfc73f10u);
	CHECK_INT(mc_hash_mac_seeded(0, a, 0), 0xc076967au);
	CHECK_INT(mc_hash_mac_seeded(0x12345678u, a, 0), 0x3b40de1fu);
	CHECK_INT(mc_hash_mac_seeded(0x12345678u, a, 0x8001), 0x958125a2u);
}

int main(void)
{
	RUN(test_add_find_del);
	RUN(test_collisions);
	RUN(test_wraparound);
	RUN(test_growth);
	RUN(test_walk_delete);
	RUN(test_for_each);
	RUN(test_random_ops);
	RUN(test_hash_bytes);
	RUN(test_hash_mac);
	return check_exit();
}
