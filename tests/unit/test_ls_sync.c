/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The leasesync core on a simulated link: several nodes, every datagram
 * delivered (multicast to all others, unicast to the EUI-64 owner), time
 * stepped by hand. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "leasesync/core/alfred.h"
#include "leasesync/core/ls.h"
#include "tests/unit/check.h"

#define NN 4
#define QMAX 4096

struct pkt {
	int from;
	bool mcast;
	uint8_t dst[16];
	size_t len;
	uint8_t *p;
};

static struct ls_node *nodes[NN];
static uint8_t macs[NN][6];
static struct pkt q[QMAX];
static unsigned nq;
static uint64_t now;
static uint32_t rnd = 12345;
static int done_calls, done_ok;
static int changes[NN];
static bool cut0;		/* node 0 hears nobody and nobody hears it */

static void env_send(void *user, const uint8_t *dst, const uint8_t *p, size_t len)
{
	int from = (int)(intptr_t)user;

	if (nq >= QMAX)
		return;
	q[nq].from = from;
	q[nq].mcast = !dst;
	if (dst)
		memcpy(q[nq].dst, dst, 16);
	q[nq].len = len;
	q[nq].p = malloc(len);
	memcpy(q[nq].p, p, len);
	nq++;
}

static uint32_t env_rand(void *user)
{
	rnd = rnd * 1103515245u + 12345u;
	return rnd >> 8;
}

static void env_changed(void *user, uint8_t type, const uint8_t source[6],
			const struct ls_rec *rec)
{
	changes[(int)(intptr_t)user]++;
}

static void env_done(void *user, void *client, bool ok)
{
	done_calls++;
	done_ok += ok;
}

static void deliver(void)
{
	for (unsigned i = 0; i < nq; i++) {
		uint8_t src[16];

		ls_mac_to_ipv6(macs[q[i].from], src);
		for (int j = 0; j < NN; j++) {
			uint8_t ip[16];

			if (!nodes[j] || j == q[i].from || (cut0 && (j == 0 || q[i].from == 0)))
				continue;
			ls_mac_to_ipv6(macs[j], ip);
			if (q[i].mcast || !memcmp(ip, q[i].dst, 16))
				ls_rx(nodes[j], now, src, q[i].p, q[i].len);
		}
		free(q[i].p);
	}
	nq = 0;
}

/* Runs the link for ms, in 10 ms steps. */
static void run(uint64_t ms)
{
	uint64_t end = now + ms;

	for (; now < end; now += 10) {
		for (int i = 0; i < NN; i++)
			if (nodes[i])
				ls_tick(nodes[i], now);
		/* deliveries may queue answers: until quiet */
		for (int k = 0; k < 8 && nq; k++)
			deliver();
	}
}

static void setup(const bool primary[NN], void (*tweak)(struct ls_config *c))
{
	now = 1000000;
	nq = 0;
	done_calls = done_ok = 0;
	memset(changes, 0, sizeof(changes));
	for (int i = 0; i < NN; i++) {
		struct ls_config c;
		struct ls_env e = { .user = (void *)(intptr_t)i, .send = env_send,
				    .rand = env_rand, .changed = env_changed,
				    .request_done = env_done };
		uint8_t m[6] = { 0x02, 0x5e, 0, 0, 1, (uint8_t)(i + 1) };

		memcpy(macs[i], m, 6);
		ls_config_defaults(&c, m);
		c.primary = primary[i];
		if (tweak)
			tweak(&c);
		nodes[i] = NULL;
		CHECK_INT(ls_new(&nodes[i], &c, &e, now), 0);
	}
}

static void teardown(void)
{
	for (int i = 0; i < NN; i++) {
		ls_free(nodes[i]);
		nodes[i] = NULL;
	}
	for (unsigned i = 0; i < nq; i++)
		free(q[i].p);
	nq = 0;
}

static const struct ls_rec *get(int at, int src, uint8_t type)
{
	return ls_get(nodes[at], macs[src], type);
}

static bool has(int at, int src, uint8_t type, const char *data)
{
	const struct ls_rec *r = get(at, src, type);

	return r && r->len == strlen(data) && !memcmp(r->data, data, r->len);
}

static const bool ALL_PRIMARY[NN] = { true, true, true, true };

/* A change reaches every primary at once, not at the next 10 s round. */
static void test_primaries_push_at_once(void)
{
	setup(ALL_PRIMARY, NULL);
	run(2000);		/* everyone announced */
	CHECK_INT(ls_set(nodes[0], now, NULL, 66, 1, (const uint8_t *)"lease-a", 7), 0);
	run(300);
	for (int i = 1; i < NN; i++) {
		CHECK(has(i, 0, 66, "lease-a"));
		CHECK(get(i, 0, 66) && get(i, 0, 66)->origin == LS_FIRST_HAND);
		CHECK(get(i, 0, 66) && get(i, 0, 66)->version == 1);
	}
	CHECK(get(0, 0, 66)->origin == LS_LOCAL);
	CHECK_INT(ls_stats(nodes[0])->pushes_now, 1);
	/* a new version too */
	CHECK_INT(ls_set(nodes[0], now, NULL, 66, 1, (const uint8_t *)"lease-b", 7), 0);
	run(300);
	CHECK(has(3, 0, 66, "lease-b"));
	/* setting the same again pushes nothing new */
	CHECK_INT(ls_set(nodes[0], now, NULL, 66, 1, (const uint8_t *)"lease-b", 7), 0);
	run(300);
	CHECK_INT(ls_stats(nodes[0])->pushes_now, 2);
	teardown();
}

/* A record set before anyone was heard reaches each primary as it is
 * first heard, not at the next round. */
static void test_welcome(void)
{
	setup(ALL_PRIMARY, NULL);
	CHECK_INT(ls_set(nodes[0], now, NULL, 66, 0, (const uint8_t *)"early", 5), 0);
	run(1100);		/* the first rounds are within 1 s */
	for (int i = 1; i < NN; i++)
		CHECK(has(i, 0, 66, "early"));
	CHECK(ls_stats(nodes[1])->pushes_welcome >= 1);
	teardown();
}

/* A partition heals: the shell pokes the core (l2meshd hears the other
 * side again) and the records cross at once, not at the next round. */
static void test_poke(void)
{
	setup(ALL_PRIMARY, NULL);
	run(2000);
	cut0 = true;
	CHECK_INT(ls_set(nodes[0], now, NULL, 66, 0, (const uint8_t *)"cut", 3), 0);
	run(15000);
	CHECK(!get(1, 0, 66));
	cut0 = false;
	run(20);	/* a round may fall here by chance: then poking is moot */
	if (!get(1, 0, 66)) {
		ls_poke(nodes[0], now);
		ls_poke(nodes[1], now);
		run(500);
		CHECK(has(1, 0, 66, "cut"));
		CHECK(has(3, 0, 66, "cut"));
		CHECK(ls_stats(nodes[0])->pokes == 1);
	}
	/* a second poke within LS_POKE_MIN_MS waits for it */
	ls_poke(nodes[0], now);
	CHECK(ls_tick(nodes[0], now) >= now + LS_POKE_DELAY_MS + 100);
	teardown();
}

static void no_push(struct ls_config *c)
{
	c->push_min_ms = 1000000000;	/* only rounds, as stock alfred */
}

/* Without the push, the round carries it (alfred's behaviour). */
static void test_rounds(void)
{
	setup(ALL_PRIMARY, no_push);
	run(2000);
	ls_set(nodes[0], now, NULL, 66, 0, (const uint8_t *)"x", 1);
	run(500);
	/* the push is held back... */
	CHECK(!get(1, 0, 66));
	run(10000);
	/* ...and the round took it */
	CHECK(has(1, 0, 66, "x"));
	CHECK(ls_stats(nodes[0])->syncs >= 2);
	teardown();
}

static const bool ONE_SECONDARY[NN] = { false, true, true, true };

/* A secondary's record goes to its best primary at once, which passes it
 * on to the other primaries at once; its request is answered by one. */
static void test_secondary(void)
{
	setup(ONE_SECONDARY, NULL);
	run(2000);
	CHECK_INT(ls_set(nodes[0], now, NULL, 66, 0, (const uint8_t *)"s", 1), 0);
	run(500);
	for (int i = 1; i < NN; i++)
		CHECK(has(i, 0, 66, "s"));
	/* a secondary may not set another source's record */
	CHECK_INT(ls_set(nodes[0], now, macs[2], 66, 0, (const uint8_t *)"t", 1), -EINVAL);
	/* a primary's own record, read on the secondary */
	ls_set(nodes[3], now, NULL, 66, 0, (const uint8_t *)"p", 1);
	run(500);
	CHECK(!get(0, 3, 66));		/* secondaries are not pushed to */
	CHECK_INT(ls_request(nodes[0], now, 66, 77, (void *)1), 0);
	run(100);
	CHECK_INT(done_calls, 1);
	CHECK_INT(done_ok, 1);
	CHECK(has(0, 3, 66, "p"));
	CHECK_INT(ls_count(nodes[0], 66), 4 - 2);	/* its own and p's... */
	teardown();
}

/* A request nobody answers fails after the transaction timeout. */
static void test_request_timeout(void)
{
	setup(ONE_SECONDARY, NULL);
	run(2000);
	for (int i = 1; i < NN; i++) {	/* the primaries vanish */
		ls_free(nodes[i]);
		nodes[i] = NULL;
	}
	CHECK_INT(ls_request(nodes[0], now, 66, 5, (void *)1), 0);
	run(11000);
	CHECK_INT(done_calls, 1);
	CHECK_INT(done_ok, 0);
	CHECK_INT(ls_stats(nodes[0])->tx_timeout, 1);
	/* a primary answers at once from its store */
	ls_set_primary(nodes[0], now, true);
	CHECK_INT(ls_request(nodes[0], now, 66, 6, (void *)1), 1);
	teardown();
}

/* Ours stays ours: another primary's copy of our source is not taken. */
static void test_local_kept(void)
{
	setup(ALL_PRIMARY, NULL);
	run(2000);
	ls_set(nodes[1], now, NULL, 66, 0, (const uint8_t *)"mine", 4);
	CHECK_INT(ls_set(nodes[0], now, macs[1], 66, 0, (const uint8_t *)"fake", 4), 0);
	run(500);
	CHECK(has(1, 1, 66, "mine"));
	CHECK(ls_stats(nodes[1])->rec_local_kept >= 1);
	teardown();
}

/* Records not heard again for 600 s go. */
static void test_expiry(void)
{
	setup(ALL_PRIMARY, NULL);
	run(2000);
	ls_set(nodes[0], now, NULL, 66, 0, (const uint8_t *)"e", 1);
	run(500);
	CHECK(has(1, 0, 66, "e"));
	ls_free(nodes[0]);
	nodes[0] = NULL;
	run(590000);
	CHECK(has(1, 0, 66, "e"));	/* the others keep passing it round... */
	run(640000);	/* (expiry is checked each round) */
	/* ...but only first-hand records are, and these are from node 0 */
	CHECK(!get(1, 0, 66));
	CHECK(ls_stats(nodes[1])->rec_expired >= 1);
	teardown();
}

static void small_caps(struct ls_config *c)
{
	c->max_per_type = 2;
	c->max_record_len = 100;
}

static void test_caps(void)
{
	uint8_t big[101] = { 0 };

	setup(ALL_PRIMARY, small_caps);
	run(2000);
	CHECK_INT(ls_set(nodes[0], now, NULL, 66, 0, big, sizeof(big)), -E2BIG);
	ls_set(nodes[0], now, NULL, 66, 0, (const uint8_t *)"0", 1);
	ls_set(nodes[1], now, NULL, 66, 0, (const uint8_t *)"1", 1);
	run(500);
	ls_set(nodes[2], now, NULL, 66, 0, (const uint8_t *)"2", 1);	/* its own slot */
	run(500);
	CHECK_INT(ls_count(nodes[0], 66), 2);
	CHECK(ls_stats(nodes[0])->rec_refused >= 1);
	CHECK(!get(0, 2, 66));
	CHECK(has(2, 2, 66, "2"));
	teardown();
}

/* Transactions: applied only when complete; duplicates and unasked
 * pushes at a secondary are ignored; one peer cannot flood. */
static void test_transactions(void)
{
	static const bool prim[NN] = { true, false, true, true };
	uint8_t src[16], b[64], end[8];
	struct ls_data d = { .type = 70, .len = 2, .data = (const uint8_t *)"hi" };
	struct mc_wr w;
	size_t n;

	setup(prim, NULL);
	ls_mac_to_ipv6(macs[2], src);
	memcpy(d.source, macs[2], 6);
	mc_wr_init(&w, b, sizeof(b));
	ls_push_begin(&w, 9, 0);
	ls_push_add(&w, &d);
	n = ls_push_end(&w);
	CHECK_INT(ls_rx(nodes[0], now, src, b, n), 0);
	CHECK_INT(ls_rx(nodes[0], now, src, b, n), 0);	/* again */
	CHECK_INT(ls_stats(nodes[0])->rx_duplicate, 1);
	CHECK(!ls_get(nodes[0], macs[2], 70));		/* no TXEND yet */
	CHECK_INT(ls_rx(nodes[0], now, src, end, ls_enc_txend(end, 9, 1)), 0);
	CHECK(ls_get(nodes[0], macs[2], 70));
	CHECK_INT(ls_stats(nodes[0])->tx_done, 1);
	/* a secondary takes no push it did not ask for */
	CHECK_INT(ls_rx(nodes[1], now, src, b, n), -EPERM);
	/* a TXEND for 2 with one packet: not applied, then timed out */
	mc_wr_init(&w, b, sizeof(b));
	ls_push_begin(&w, 10, 0);
	d.type = 71;
	ls_push_add(&w, &d);
	n = ls_push_end(&w);
	ls_rx(nodes[0], now, src, b, n);
	ls_rx(nodes[0], now, src, end, ls_enc_txend(end, 10, 2));
	CHECK(!ls_get(nodes[0], macs[2], 71));
	ls_tick(nodes[0], now + 11000);
	CHECK_INT(ls_stats(nodes[0])->tx_timeout, 1);
	/* a burst over the bucket is dropped */
	for (int i = 0; i < 400; i++)
		ls_rx(nodes[3], now + 11000, src, end, ls_enc_announce(end));
	CHECK(ls_stats(nodes[3])->rx_rate_limited >= 100);
	teardown();
}

/* A sender without an EUI-64 address is taken (its MAC unknown): a
 * secondary's push is first-hand, junk is counted. */
static void test_not_eui64(void)
{
	uint8_t src[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
			    0xde, 0xf0 };
	uint8_t b[64], end[8];
	struct ls_data d = { .type = 66, .len = 1, .data = (const uint8_t *)"r" };
	struct mc_wr w;
	size_t n;

	setup(ALL_PRIMARY, NULL);
	memcpy(d.source, (const uint8_t[6]){ 0x02, 0xaa, 0, 0, 0, 9 }, 6);
	mc_wr_init(&w, b, sizeof(b));
	ls_push_begin(&w, 3, 0);
	ls_push_add(&w, &d);
	n = ls_push_end(&w);
	ls_rx(nodes[0], now, src, b, n);
	ls_rx(nodes[0], now, src, end, ls_enc_txend(end, 3, 1));
	CHECK(ls_get(nodes[0], d.source, 66) &&
	      ls_get(nodes[0], d.source, 66)->origin == LS_FIRST_HAND);
	CHECK_INT(ls_stats(nodes[0])->rx_not_eui64, 2);
	b[1] = 1;
	CHECK_INT(ls_rx(nodes[0], now, src, b, n), -EPROTO);
	CHECK_INT(ls_rx(nodes[0], now, src, b, 3), -EMSGSIZE);
	CHECK_INT(ls_stats(nodes[0])->rx_bad_version, 1);
	CHECK_INT(ls_stats(nodes[0])->rx_malformed, 1);
	teardown();
}

int main(void)
{
	RUN(test_primaries_push_at_once);
	RUN(test_welcome);
	RUN(test_poke);
	RUN(test_rounds);
	RUN(test_secondary);
	RUN(test_request_timeout);
	RUN(test_local_kept);
	RUN(test_expiry);
	RUN(test_caps);
	RUN(test_transactions);
	RUN(test_not_eui64);
	return check_exit();
}
