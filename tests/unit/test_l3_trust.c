/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The l3route core against one misbehaving neighbour (issue 12): one core,
 * driven with packets built here as a neighbour would send them.
 *
 * - a description from a sender without a two-way link is refused;
 * - a neighbour's new descriptions go through a bucket (a burst, then a
 *   rate), and a failed signature empties it faster; a blob that failed
 *   once is not checked again;
 * - the originator table holds max_nodes: a node with a route stays, the
 *   newest unreachable one makes room, and made-up nodes leave in a minute;
 * - an address announced by two nodes stays with the first, across the
 *   first's new descriptions, and the route shows the rival.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <sodium.h>

#include "l3route/core/chain.h"
#include "l3route/core/l3.h"
#include "tests/unit/check.h"

struct peer {
	uint8_t pk[L3_PK_LEN], sk[L3_SK_LEN], id[L3_ID_LEN];
	struct in6_addr ll;
	struct l3_chain chain;
	uint16_t hello_seq;
	uint32_t dseq;
};

static uint64_t now;
static unsigned routes_added;

static void env_send(void *user, unsigned ifidx, const struct in6_addr *dst,
		     const uint8_t *pkt, size_t len)
{
	(void)user; (void)ifidx; (void)dst; (void)pkt; (void)len;
}

static void env_route(void *user, bool add, const struct l3_kroute *r)
{
	(void)user; (void)r;
	routes_added += add;
}

static void env_random(void *user, void *buf, size_t len)
{
	(void)user;
	randombytes_buf(buf, len);
}

static const struct l3_env env = {
	.send = env_send, .route = env_route, .random = env_random,
};

static struct l3_node *node_new(uint32_t max_nodes)
{
	struct l3_config cfg;
	uint8_t seed[32] = { 'v', 'i', 'c', 't', 'i', 'm' }, pk[L3_PK_LEN];
	struct l3_node *n;

	l3_config_defaults(&cfg);
	cfg.max_nodes = max_nodes;
	l3_key_from_seed(seed, pk, cfg.sk);
	snprintf(cfg.hostname, sizeof(cfg.hostname), "victim");
	now = 1000;
	n = l3_node_new(&cfg, &env, now);
	l3_if_add(n, "m0", 0, false);
	l3_if_set_up(n, 0, true, now);
	return n;
}

/* every chain made, freed at the end (peers are re-made in loops) */
static struct l3_chain made[8192];
static unsigned nmade;

static void chains_free(void)
{
	for (unsigned i = 0; i < nmade; i++)
		l3_chain_free(&made[i]);
	nmade = 0;
}

static void peer_init(struct peer *p, unsigned k)
{
	uint8_t seed[32] = { 'p', 'e', 'e', 'r' };

	memset(p, 0, sizeof(*p));
	memcpy(seed + 4, &k, sizeof(k));
	l3_key_from_seed(seed, p->pk, p->sk);
	l3_id_from_pk(p->pk, p->id);
	inet_pton(AF_INET6, "fe80::1", &p->ll);
	p->ll.s6_addr[14] = (uint8_t)(k >> 8);
	p->ll.s6_addr[15] = (uint8_t)k;
	l3_chain_make(&p->chain, seed, p->id, 64);
	if (nmade < sizeof(made) / sizeof(made[0]))
		made[nmade++] = p->chain;
	p->dseq = 1;
}

/* p's description announcing the given prefixes ("" none), hostname h */
static int desc_of(struct peer *p, const char *h, const char *pfx, uint8_t *out)
{
	struct l3_desc d;

	memset(&d, 0, sizeof(d));
	d.dseq = p->dseq;
	memcpy(d.anchor, l3_chain_anchor(&p->chain), L3_ELEM_LEN);
	d.chain_len = p->chain.len;
	snprintf(d.hostname, sizeof(d.hostname), "%s", h);
	if (*pfx) {
		mc_ip_parse(pfx, &d.prefix[0].ip);
		d.nprefix = 1;
	}
	return l3_desc_build(out, L3_DESC_MAX, &d, p->sk);
}

static void pkt_send(struct l3_node *n, const struct peer *from, const struct l3_msg *m,
		 unsigned nm)
{
	uint8_t buf[L3_PKT_MAX];
	struct l3_pkt_builder b;

	l3_pkt_init(&b, buf, sizeof(buf), from->id);
	for (unsigned i = 0; i < nm; i++)
		CHECK(l3_pkt_add(&b, &m[i]) == 0);
	l3_rx(n, 0, &from->ll, buf, l3_pkt_finish(&b), now);
}

/* a hello, and with ihu an IHU saying p hears the node well */
static void hello(struct l3_node *n, struct peer *p, bool ihu)
{
	struct l3_msg m[2] = { { .type = L3_TLV_HELLO }, { .type = L3_TLV_IHU } };
	struct l3_self_info si;

	l3_self(n, &si);
	m[0].u.hello.seqno = ++p->hello_seq;
	m[0].u.hello.interval_cs = 100;
	m[1].u.ihu.rxq = 255;
	m[1].u.ihu.interval_cs = 300;
	memcpy(m[1].u.ihu.id, si.id, L3_ID_LEN);
	pkt_send(n, p, m, ihu ? 2 : 1);
}

static void send_desc(struct l3_node *n, const struct peer *from, const uint8_t *blob,
		      size_t len)
{
	struct l3_msg m = { .type = L3_TLV_DESC, .u.desc = { blob, len } };

	pkt_send(n, from, &m, 1);
}

/* from passes on owner's route: metric, hops, the chain element of seqno 1 */
static void send_update(struct l3_node *n, const struct peer *from, const struct peer *owner,
			uint32_t metric)
{
	struct l3_msg m = { .type = L3_TLV_UPDATE };

	memcpy(m.u.update.id, owner->id, L3_ID_LEN);
	m.u.update.dseq = owner->dseq;
	m.u.update.seqno = 1;
	m.u.update.metric = metric;
	m.u.update.hops = metric ? 1 : 0;
	memcpy(m.u.update.elem, l3_chain_elem(&owner->chain, 1), L3_ELEM_LEN);
	pkt_send(n, from, &m, 1);
}

static uint64_t stat(struct l3_node *n, enum l3_stat s)
{
	return l3_stats(n)[s];
}

static unsigned norigs(struct l3_node *n)
{
	struct l3_self_info si;

	l3_self(n, &si);
	return si.norigs;
}

static bool known(struct l3_node *n, const struct peer *p)
{
	struct l3_orig_info oi;

	return l3_orig_get(n, p->id, &oi, now) == 0 && oi.desc;
}

static void tick(struct l3_node *n, uint64_t ms)
{
	uint64_t end = now + ms;

	while (now < end) {
		now += 100 < end - now ? 100 : end - now;
		l3_tick(n, now);
	}
}

static void one_way_refused(void)
{
	struct l3_node *n = node_new(L3_MAX_NODES);
	uint8_t blob[L3_DESC_MAX];
	struct peer a, stranger;
	int len;

	peer_init(&a, 1);
	peer_init(&stranger, 2);
	len = desc_of(&a, "a", "", blob);
	send_desc(n, &a, blob, (size_t)len);		/* never heard */
	CHECK(!known(n, &a));
	hello(n, &a, false);				/* heard, one way */
	send_desc(n, &a, blob, (size_t)len);
	CHECK(!known(n, &a));
	CHECK_INT(stat(n, L3_ST_DESC_NO_LINK), 2);
	hello(n, &a, true);				/* both ways */
	send_desc(n, &a, blob, (size_t)len);
	CHECK(known(n, &a));
	/* a packet under another id from a's address: not a's link */
	len = desc_of(&stranger, "s", "", blob);
	memcpy(&stranger.ll, &a.ll, sizeof(a.ll));
	send_desc(n, &stranger, blob, (size_t)len);
	CHECK(!known(n, &stranger));
	CHECK_INT(stat(n, L3_ST_DESC_NO_LINK), 3);
	l3_node_free(n);
}

static void bucket(void)
{
	struct l3_node *n = node_new(100000);
	uint8_t blob[L3_DESC_MAX];
	struct peer a, fake;
	unsigned k;
	int len;

	peer_init(&a, 1);
	hello(n, &a, true);
	for (k = 0; k < L3_DESC_BURST + 50; k++) {
		peer_init(&fake, 1000 + k);
		len = desc_of(&fake, "fake", "", blob);
		send_desc(n, &a, blob, (size_t)len);
	}
	CHECK_INT(stat(n, L3_ST_DESC_ACCEPTED), L3_DESC_BURST);
	CHECK_INT(stat(n, L3_ST_DESC_RATE_LIMITED), 50);
	/* one second refills L3_DESC_RATE */
	now += 1000;
	hello(n, &a, true);
	for (; k < L3_DESC_BURST + 50 + 2 * L3_DESC_RATE; k++) {
		peer_init(&fake, 1000 + k);
		len = desc_of(&fake, "fake", "", blob);
		send_desc(n, &a, blob, (size_t)len);
	}
	CHECK_INT(stat(n, L3_ST_DESC_ACCEPTED), L3_DESC_BURST + L3_DESC_RATE);
	l3_node_free(n);
}

static void bad_signatures(void)
{
	struct l3_node *n = node_new(L3_MAX_NODES);
	uint8_t blob[L3_DESC_MAX];
	struct peer a, b, fake;
	unsigned k;
	int len;

	peer_init(&a, 1);
	peer_init(&b, 2);
	hello(n, &a, true);
	hello(n, &b, true);
	/* one bad blob, many times: checked once */
	peer_init(&fake, 5000);
	len = desc_of(&fake, "bad", "", blob);
	blob[len - 1] ^= 1;
	for (k = 0; k < 100; k++)
		send_desc(n, &a, blob, (size_t)len);
	CHECK_INT(stat(n, L3_ST_DESC_BAD_SIG), 1);
	CHECK_INT(stat(n, L3_ST_DESC_BAD_SIG_KNOWN), 99);
	/* new bad blobs: each failure costs L3_DESC_FAIL_COST, so the
	 * bucket is empty after burst / cost of them */
	for (k = 0; k < 200; k++) {
		blob[len - 2] = (uint8_t)k;
		blob[len - 3] = (uint8_t)(k >> 8) + 1;
		send_desc(n, &a, blob, (size_t)len);
	}
	CHECK(stat(n, L3_ST_DESC_BAD_SIG) <= L3_DESC_BURST / L3_DESC_FAIL_COST + 1);
	CHECK(stat(n, L3_ST_DESC_RATE_LIMITED) >= 200 - L3_DESC_BURST / L3_DESC_FAIL_COST);
	/* spread over time, however they are timed: L3_DESC_RATE /
	 * L3_DESC_FAIL_COST checks a second */
	uint64_t bad0 = stat(n, L3_ST_DESC_BAD_SIG);
	for (k = 0; k < 100; k++) {
		now += 100;
		hello(n, &a, true);
		for (unsigned j = 0; j < 20; j++) {
			randombytes_buf(blob + len - 64, 64);
			send_desc(n, &a, blob, (size_t)len);
		}
	}
	CHECK(stat(n, L3_ST_DESC_BAD_SIG) - bad0 <= 10 * L3_DESC_RATE / L3_DESC_FAIL_COST + 1);
	/* the other neighbour is served all the same */
	len = desc_of(&b, "b", "", blob);
	send_desc(n, &b, blob, (size_t)len);
	CHECK(known(n, &b));
	l3_node_free(n);
}

static void table_cap(void)
{
	struct l3_node *n = node_new(20);
	uint8_t blob[L3_DESC_MAX];
	struct peer a, fake;
	struct l3_orig_info oi;
	int len;

	peer_init(&a, 1);
	for (int i = 0; i < 4; i++) {
		hello(n, &a, true);
		now += 100;
	}
	len = desc_of(&a, "a", "", blob);
	send_desc(n, &a, blob, (size_t)len);
	send_update(n, &a, &a, 0);
	CHECK(l3_orig_get(n, a.id, &oi, now) == 0 && oi.reachable);
	for (unsigned k = 0; k < 100; k++) {
		peer_init(&fake, 2000 + k);
		len = desc_of(&fake, "fake", "", blob);
		send_desc(n, &a, blob, (size_t)len);
	}
	CHECK_INT(norigs(n), 20);
	CHECK_INT(stat(n, L3_ST_ORIG_EVICTED), 81);
	CHECK(l3_orig_get(n, a.id, &oi, now) == 0 && oi.reachable);
	/* the newest got in (the newest before it made room) */
	CHECK(known(n, &fake));
	/* never reachable: gone within a minute and a bit */
	for (int i = 0; i < 700; i++) {
		now += 100;
		if (i % 10 == 0) {
			hello(n, &a, true);
			send_update(n, &a, &a, 0);
		}
		l3_tick(n, now);
	}
	CHECK_INT(norigs(n), 1);
	l3_node_free(n);
}

/* The route to dst: 0 and *ri, or -ENOENT. */
static int route(struct l3_node *n, const char *dst, struct l3_route_info *ri)
{
	struct mc_ip ip;

	mc_ip_parse(dst, &ip);
	return l3_route_get(n, &ip, ri);
}

/* the owner's own update says it is far (as if it came over many hops) */
#define FAR 100000

/* p's description (dseq) with one prefix ("" none), and its own route */
static void announce(struct l3_node *n, struct peer *p, uint32_t dseq, const char *h,
		     const char *pfx, uint32_t metric)
{
	uint8_t blob[L3_DESC_MAX];
	int len;

	p->dseq = dseq;
	len = desc_of(p, h, pfx, blob);
	send_desc(n, p, blob, (size_t)len);
	send_update(n, p, p, metric);
	tick(n, 200);
}

static void unique_prefix(void)
{
	struct l3_node *n = node_new(L3_MAX_NODES);
	struct l3_route_info ri;
	struct peer owner, thief;

	peer_init(&owner, 1);
	peer_init(&thief, 2);
	for (int i = 0; i < 4; i++) {
		hello(n, &owner, true);
		hello(n, &thief, true);
		now += 100;
	}
	announce(n, &owner, 1, "owner", "10.13.0.7/32", FAR);
	CHECK(route(n, "10.13.0.7/32", &ri) == 0 && !memcmp(ri.id, owner.id, L3_ID_LEN));
	/* the thief is nearer */
	announce(n, &thief, 1, "thief", "10.13.0.7/32", 0);
	CHECK_INT(stat(n, L3_ST_PFX_CONFLICT), 1);
	CHECK(route(n, "10.13.0.7/32", &ri) == 0 && !memcmp(ri.id, owner.id, L3_ID_LEN));
	CHECK_INT(ri.nrivals, 1);
	CHECK(!memcmp(ri.rival_id, thief.id, L3_ID_LEN));
	CHECK_STR(ri.rival_hostname, "thief");
	/* the owner's next description keeps it first */
	announce(n, &owner, 2, "owner", "10.13.0.7/32", FAR);
	CHECK(route(n, "10.13.0.7/32", &ri) == 0 && !memcmp(ri.id, owner.id, L3_ID_LEN));
	/* when the owner lets it go, the next one has it */
	announce(n, &owner, 3, "owner", "", FAR);
	CHECK(route(n, "10.13.0.7/32", &ri) == 0 && !memcmp(ri.id, thief.id, L3_ID_LEN));
	CHECK_INT(ri.nrivals, 0);
	l3_node_free(n);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(one_way_refused);
	RUN(bucket);
	RUN(bad_signatures);
	RUN(table_cap);
	RUN(unique_prefix);
	chains_free();
	return check_exit();
}
