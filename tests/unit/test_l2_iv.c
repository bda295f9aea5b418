/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The routing plane (bat_iv.c, originator.c, gw.c) alone: a node with fake
 * env callbacks, driven by hand-made OGM frames and a hand-turned clock,
 * its tables read through originator.h. TT and the data plane are the
 * stand-ins of tests/l2stubs; in TT's place the test registers a TT TVLV
 * handler and a purge hook of its own that record what they get.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "l2mesh/core/bat_iv.h"
#include "l2mesh/core/originator.h"
#include "tests/l2stubs/fake.h"
#include "tests/unit/check.h"

static const uint8_t ME[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t ME_P1[6] = { 0x02, 0x00, 0x00, 0x00, 0x01, 0x01 };
static const uint8_t NB_A[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t NB_B[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
static const uint8_t NB_C[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0c };
static const uint8_t FAR_X[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x58 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* ---- TT stub state -------------------------------------------------------- */

static struct {
	unsigned ogm_rx;		/* calls */
	unsigned ogm_rx_null;		/* ... of which without a TT TVLV */
	uint16_t last_len;
	uint8_t last_orig[6];
	unsigned gone;
	uint8_t gone_orig[6];
	bool append;			/* put a TT TVLV in own OGMs */
	uint16_t append_len;		/* its value length (default 4) */
} tt;

static int tt_ogm_append(struct l2_node *n, struct mc_wr *w)
{
	static const uint8_t val[1024] = { 0, 1, 0, 0 };

	if (!tt.append)
		return 0;
	return l2_tvlv_encode(w, L2_TVLV_TT, L2_TVLV_TT_VERSION, val,
			      tt.append_len ? tt.append_len : 4);
}

static void tt_ogm_rx(struct l2_node *n, struct l2_orig *o, const struct l2_tvlv *tv)
{
	tt.ogm_rx++;
	if (!tv) {
		tt.ogm_rx_null++;
		return;
	}
	tt.last_len = tv->len;
	memcpy(tt.last_orig, o->addr, 6);
}

static void tt_gone(struct l2_node *n, const uint8_t orig_[6])
{
	tt.gone++;
	memcpy(tt.gone_orig, orig_, 6);
}

/* In TT's place: its TVLV in and out of OGMs, told of the absent ones. */
static void tt_register(struct l2_node *n)
{
	static const struct l2_tvlv_handler h = {
		.type = L2_TVLV_TT, .version = L2_TVLV_TT_VERSION, .name = "TT",
		.ogm_rx = tt_ogm_rx, .ogm_absent = true, .ogm_append = tt_ogm_append,
	};

	CHECK_INT(l2_tvlv_register(n, &h), 0);
	CHECK_INT(l2_origs_on_gone(n, tt_gone), 0);
}

/* ---- fake env ----------------------------------------------------------------- */

#define SENT_MAX 512

struct sent {
	unsigned port;
	size_t len;
	uint8_t data[L2_FRAME_MAX];
};

static struct sent sent[SENT_MAX];
static unsigned nsent;
static uint32_t rand_state = 12345;
static uint32_t rand_fixed;	/* non-zero: what fake_rand returns */

static void fake_send(void *user, unsigned port, const uint8_t *frame, size_t len)
{
	if (nsent == SENT_MAX || len > L2_FRAME_MAX)
		return;
	sent[nsent].port = port;
	sent[nsent].len = len;
	memcpy(sent[nsent].data, frame, len);
	nsent++;
}

static void fake_local(void *user, unsigned lport, const uint8_t *frame, size_t len)
{
}

static uint32_t fake_rand(void *user)
{
	if (rand_fixed)
		return rand_fixed;
	rand_state ^= rand_state << 13;
	rand_state ^= rand_state >> 17;
	rand_state ^= rand_state << 5;
	return rand_state;
}

struct fx {
	struct l2_node *n;
	uint64_t now;
	uint32_t seq[4];	/* next OGM seqno of NB_A, NB_B, NB_C, FAR_X */
};

static struct l2_node *node_new(struct fx *f, const struct l2_config *cfg,
				unsigned ports, const uint8_t *port_mac)
{
	struct l2_env env = { .mesh_send = fake_send, .local_send = fake_local,
			      .rand = fake_rand };
	struct l2_config c;
	unsigned p;

	memset(f, 0, sizeof(*f));
	memset(&tt, 0, sizeof(tt));
	nsent = 0;
	if (cfg)
		c = *cfg;
	else
		l2_config_defaults(&c, ME);
	f->now = 1000000;
	f->n = l2_node_new(&c, &env, f->now);
	if (f->n)
		tt_register(f->n);
	for (p = 0; f->n && p < ports; p++)
		l2_port_add(f->n, p ? "eth1" : "eth0", port_mac ? port_mac : ME, 1500, false);
	f->seq[0] = 100;
	f->seq[1] = 5000;
	f->seq[2] = 70000;
	f->seq[3] = 4000000000u;
	return f->n;
}

/* Runs the node's timers up to t. */
static void run_to(struct fx *f, uint64_t t)
{
	uint64_t due = l2_tick(f->n, f->now);

	while (due <= t) {
		f->now = due > f->now ? due : f->now + 1;
		due = l2_tick(f->n, f->now);
	}
	f->now = t;
	l2_tick(f->n, t);
}

/* ---- frames ------------------------------------------------------------------- */

struct ogm_spec {
	const uint8_t *orig;
	const uint8_t *prev;	/* NULL: orig */
	uint32_t seqno;
	uint8_t ttl;
	uint8_t tq;
	uint8_t flags;
	const uint8_t *tvlv;	/* raw TVLV bytes */
	uint16_t tvlv_len;
};

static void frame_begin(struct mc_wr *w, uint8_t *buf, size_t cap,
			const uint8_t *src, const uint8_t *dst)
{
	struct l2_eth eth = { .ethertype = L2_ETHERTYPE_BATMAN };

	memcpy(eth.dst, dst, 6);
	memcpy(eth.src, src, 6);
	mc_wr_init(w, buf, cap);
	l2_eth_encode(w, &eth);
}

static void frame_ogm(struct mc_wr *w, const struct ogm_spec *s)
{
	struct l2_ogm o = { .ttl = s->ttl, .flags = s->flags, .seqno = s->seqno,
			    .tq = s->tq, .tvlv_len = s->tvlv_len };

	memcpy(o.orig, s->orig, 6);
	memcpy(o.prev_sender, s->prev ? s->prev : s->orig, 6);
	l2_ogm_encode(w, &o);
	if (s->tvlv)
		mc_wr_bytes(w, s->tvlv, s->tvlv_len);
}

/* One OGM in a frame from src, delivered on port. */
static void rx_ogm(struct fx *f, unsigned port, const uint8_t *src,
		   const struct ogm_spec *s)
{
	uint8_t buf[L2_FRAME_MAX];
	struct mc_wr w;

	frame_begin(&w, buf, sizeof(buf), src, BCAST);
	frame_ogm(&w, s);
	l2_rx_mesh(f->n, port, buf, mc_wr_len(&w), f->now);
}

static void rx_raw(struct fx *f, unsigned port, const uint8_t *buf, size_t len)
{
	l2_rx_mesh(f->n, port, buf, len, f->now);
}

/* The k-th OGM of sent frame i; false if it has none. */
static bool sent_ogm(unsigned i, unsigned k, struct l2_ogm *ogm, struct mc_rd *tvlvs)
{
	struct l2_eth eth;
	struct mc_rd r;

	mc_rd_init(&r, sent[i].data, sent[i].len);
	if (l2_eth_decode(&r, &eth) < 0)
		return false;
	do {
		if (l2_ogm_next(&r, ogm, tvlvs) != 1)
			return false;
	} while (k--);
	return true;
}

static unsigned sent_count(unsigned i)
{
	struct l2_ogm ogm;
	struct mc_rd tv;
	unsigned k = 0;

	while (sent_ogm(i, k, &ogm, &tv))
		k++;
	return k;
}

/* Runs until the node sends its next own primary OGM; returns its seqno. */
static uint32_t next_own(struct fx *f)
{
	struct l2_ogm ogm;
	struct mc_rd tv;
	unsigned from, i;

	if (nsent > SENT_MAX / 2)	/* the tests look at what comes next */
		nsent = 0;
	for (from = nsent;;) {
		run_to(f, f->now + 1);
		for (i = from; i < nsent; i++)
			if (sent_ogm(i, 0, &ogm, &tv) && l2_mac_eq(ogm.orig, ME) &&
			    ogm.ttl == L2_TTL)
				return ogm.seqno;
		from = nsent;
	}
}

/* A neighbour: its MAC, its index in fx.seq, the port it is on. */
struct nbr {
	const uint8_t *mac;
	unsigned ni;
	unsigned port;
};

static const struct nbr A0 = { NB_A, 0, 0 };

/* The TVLVs the neighbours' own OGMs in links_round carry (none: a kernel's
 * without GW or TT) */
static const uint8_t *nb_tvlv;
static uint16_t nb_tvlv_len;
static const uint8_t LONG_TVLV[] = { L2_TVLV_LONG_AGG, L2_TVLV_LONG_AGG_VERSION, 0, 0 };

/* A round of perfect links: our OGM goes out, each neighbour echoes it,
 * then each neighbour's own OGM comes in. */
static void links_round(struct fx *f, const struct nbr *nb, unsigned n)
{
	struct ogm_spec echo = { .orig = ME, .prev = ME, .ttl = 49,
				 .flags = L2_OGM_F_DIRECTLINK };
	struct ogm_spec own = { .ttl = 50, .tq = 255, .tvlv = nb_tvlv,
				.tvlv_len = nb_tvlv_len };
	unsigned i;

	echo.seqno = next_own(f);
	for (i = 0; i < n; i++)
		rx_ogm(f, nb[i].port, nb[i].mac, &echo);
	for (i = 0; i < n; i++) {
		own.orig = nb[i].mac;
		own.seqno = f->seq[nb[i].ni]++;
		rx_ogm(f, nb[i].port, nb[i].mac, &own);
	}
}

static void links_up(struct fx *f, const struct nbr *nb, unsigned n, unsigned rounds)
{
	while (rounds--)
		links_round(f, nb, n);
}

static void link_up(struct fx *f, unsigned rounds)
{
	links_up(f, &A0, 1, rounds);
}

static struct l2_orig *orig(struct fx *f, const uint8_t *mac)
{
	return l2_orig_find(f->n, mac);
}

static int route_tq(struct fx *f, const uint8_t *mac)
{
	struct l2_orig *o = orig(f, mac);

	return o && o->router ? o->router->tq_avg : -1;
}

/* ---- arithmetic ----------------------------------------------------------------- */

static void test_tq_arithmetic(void)
{
	uint8_t ring[5] = { 0, 200, 0, 100, 0 };

	CHECK_INT(l2_iv_hop_penalty(255, 30), 225);
	CHECK_INT(l2_iv_hop_penalty(100, 30), 88);
	CHECK_INT(l2_iv_hop_penalty(255, 0), 255);
	/* full windows, perfect link: the TQ goes through untouched */
	CHECK_INT(l2_iv_tq_calc(255, 64, 64, 255), 255);
	CHECK_INT(l2_iv_tq_calc(200, 64, 64, 255), 200);
	/* no echo or nothing received: not bidirectional */
	CHECK_INT(l2_iv_tq_calc(255, 0, 64, 255), 0);
	CHECK_INT(l2_iv_tq_calc(255, 64, 0, 255), 0);
	/* half the echoes: tq_own 127 */
	CHECK_INT(l2_iv_tq_calc(255, 32, 64, 255), 127);
	/* more echoes than received counts as received (no more than 100%) */
	CHECK_INT(l2_iv_tq_calc(255, 64, 32, 255), l2_iv_tq_calc(255, 32, 32, 255));
	/* asymmetry: 1 of 64 heard: 255 - 255*63^3/64^3 = 12 */
	CHECK_INT(l2_iv_tq_calc(255, 1, 1, 255), 12);
	/* 32 of 64: 255 - 255/8 = 224 */
	CHECK_INT(l2_iv_tq_calc(255, 32, 32, 255), 224);
	/* the half-duplex penalty multiplies in */
	CHECK_INT(l2_iv_tq_calc(255, 64, 64, 225), 225);
	/* the kernel's integer path: 255*255*255*225 / 255^3, rounded down */
	CHECK_INT(l2_iv_tq_calc(100, 64, 64, 225), 88);
	CHECK_INT(l2_iv_ring_avg(ring, 5), 150);
	memset(ring, 0, sizeof(ring));
	CHECK_INT(l2_iv_ring_avg(ring, 5), 0);
}

static void test_windows(void)
{
	uint64_t bits = 0;

	/* newer by one: slide and mark bit 0 */
	CHECK(l2_iv_window_update(&bits, 1, true));
	CHECK(bits == 1);
	CHECK(l2_iv_window_update(&bits, 2, true));
	CHECK(bits == 5);		/* 0b101 */
	/* older inside the window: marks, does not move */
	CHECK(!l2_iv_window_update(&bits, -1, true));
	CHECK(bits == 7);
	/* the same seqno again: nothing moves */
	CHECK(!l2_iv_window_update(&bits, 0, true));
	CHECK(bits == 7);
	/* test: last 10, bits 0..2 mean 10, 9, 8 */
	CHECK(l2_iv_window_test(bits, 10, 10));
	CHECK(l2_iv_window_test(bits, 10, 8));
	CHECK(!l2_iv_window_test(bits, 10, 7));
	CHECK(!l2_iv_window_test(bits, 10, 11));	/* newer: not a duplicate */
	CHECK(!l2_iv_window_test(bits, 10, 10 - 64));
	/* sliding without marking (our own window, every round) */
	CHECK(l2_iv_window_update(&bits, 1, false));
	CHECK(bits == 14);
	/* 63 ahead still slides; 64 or more (or far behind) starts over */
	CHECK(l2_iv_window_update(&bits, 63, false));
	CHECK(bits == (uint64_t)14 << 63);
	bits = 0xff;
	CHECK(l2_iv_window_update(&bits, 64, true));
	CHECK(bits == 1);
	bits = 0xff;
	CHECK(l2_iv_window_update(&bits, -64, true));
	CHECK(bits == 1);
	/* wrap-around of the 32-bit seqno */
	bits = 1;
	CHECK(l2_iv_window_update(&bits, (int32_t)(3u - 0xfffffffeu), true));
	CHECK(bits == 0x21);		/* ...fffe to 3 is 5 steps */
	CHECK(l2_iv_window_test(bits, 3, 0xfffffffeu));
	bits = 0;
	l2_iv_window_set(&bits, 64);
	l2_iv_window_set(&bits, -1);
	CHECK(bits == 0);
}

/* ---- own OGMs ---------------------------------------------------------------------- */

static void test_own_ogm(void)
{
	struct l2_config cfg;
	struct l2_ogm ogm;
	struct l2_eth eth;
	struct l2_tvlv tv;
	struct l2_tvlv_gw gw;
	struct mc_rd r, tvlvs;
	struct fx f;
	uint32_t s1, s2;
	uint64_t t1, t2;
	unsigned i, frames = 0;

	l2_config_defaults(&cfg, ME);
	cfg.gw_down_kbit = 10000;	/* batman-adv's default 10/2 Mbit offer */
	node_new(&f, &cfg, 2, NULL);
	tt.append = true;
	s1 = next_own(&f);
	t1 = f.now;
	s2 = next_own(&f);
	t2 = f.now;
	CHECK_INT(s2, s1 + 1);
	/* interval 1000 ms +- 20 ms of jitter */
	CHECK(t2 - t1 >= 980 && t2 - t1 < 1020);
	for (i = 0; i < nsent; i++) {
		if (!sent_ogm(i, 0, &ogm, &tvlvs) || ogm.seqno != s2)
			continue;
		frames++;
		mc_rd_init(&r, sent[i].data, sent[i].len);
		CHECK(l2_eth_decode(&r, &eth) == 0);
		CHECK(l2_mac_eq(eth.dst, BCAST));
		CHECK(l2_mac_eq(eth.src, ME));
		CHECK_INT(ogm.ttl, 50);
		CHECK_INT(ogm.tq, 255);
		CHECK_INT(ogm.flags, 0);
		CHECK(l2_mac_eq(ogm.orig, ME) && l2_mac_eq(ogm.prev_sender, ME));
		/* softmesh's long-aggregate TVLV, empty, first; then the GW
		 * TVLV in 100 kbit/s units, up a fifth of down; then TT's */
		CHECK(l2_tvlv_next(&tvlvs, &tv) == 1);
		CHECK_INT(tv.type, L2_TVLV_LONG_AGG);
		CHECK_INT(tv.version, L2_TVLV_LONG_AGG_VERSION);
		CHECK_INT(tv.len, 0);
		CHECK(l2_tvlv_next(&tvlvs, &tv) == 1);
		CHECK(l2_tvlv_gw_decode(&tv, &gw) == 0);
		CHECK_INT(gw.bw_down_100kbps, 100);
		CHECK_INT(gw.bw_up_100kbps, 20);
		CHECK(l2_tvlv_next(&tvlvs, &tv) == 1);
		CHECK_INT(tv.type, L2_TVLV_TT);
		CHECK(l2_tvlv_next(&tvlvs, &tv) == 0);
	}
	CHECK_INT(frames, 2);	/* one per port */
	CHECK(f.n->stats[L2_STAT_MGMT_TX] >= 4);
	l2_node_free(f.n);
}

/*
 * With aggregation our own OGMs leave at the aggregation slot nearest
 * their drawn time (one wake-up with the forwarded ones); without, at
 * the drawn time, jitter and all.
 */
static void test_own_on_slots(void)
{
	struct l2_config cfg;
	struct fx f;
	unsigned i, off_slot = 0;
	uint64_t t0;

	l2_config_defaults(&cfg, ME);
	cfg.agg_phase = 37;
	node_new(&f, &cfg, 1, NULL);
	next_own(&f);
	for (i = 0; i < 20; i++) {
		t0 = f.now;
		next_own(&f);
		CHECK_INT(f.now % L2_MAX_AGGREGATION_MS, 37);
		CHECK_INT(f.now - t0, 1000);
	}
	l2_node_free(f.n);
	cfg.aggregation = false;
	node_new(&f, &cfg, 1, NULL);
	next_own(&f);
	for (i = 0; i < 20; i++) {
		t0 = f.now;
		next_own(&f);
		CHECK(f.now - t0 >= 980 && f.now - t0 < 1020);
		off_slot += f.now % L2_MAX_AGGREGATION_MS != 37;
	}
	CHECK(off_slot > 10);
	l2_node_free(f.n);
}

/* A TT TVLV too big for the smallest port is left out, not the OGM. */
static void test_own_tt_too_big(void)
{
	struct l2_ogm ogm;
	struct mc_rd tv;
	struct fx f;
	unsigned i, seen = 0;

	node_new(&f, NULL, 1, NULL);
	l2_port_add(f.n, "small", ME, 300, false);
	tt.append = true;
	tt.append_len = 500;
	next_own(&f);
	next_own(&f);
	for (i = 0; i < nsent; i++) {
		CHECK(sent[i].len <= L2_ETH_HLEN + 300);
		if (sent_ogm(i, 0, &ogm, &tv) && l2_mac_eq(ogm.orig, ME)) {
			seen++;
			CHECK_INT(ogm.tvlv_len, L2_TVLV_HLEN);	/* the long-aggregate one */
		}
	}
	CHECK(seen >= 2);
	CHECK_INT(f.n->stats[L2_STAT_DROP_TOO_BIG], 0);
	/* room enough: it goes in */
	tt.append_len = 200;
	nsent = 0;
	next_own(&f);
	next_own(&f);
	CHECK(sent_ogm(nsent - 1, 0, &ogm, &tv));
	CHECK_INT(ogm.tvlv_len, L2_TVLV_HLEN + L2_TVLV_HLEN + 200);
	l2_node_free(f.n);
}

/* A port whose MAC is not the node's also sends a TTL-2 OGM of its own. */
static void test_own_secondary(void)
{
	struct l2_ogm ogm;
	struct mc_rd tv;
	struct fx f;
	unsigned i, prim = 0, sec = 0;

	node_new(&f, NULL, 1, ME_P1);
	next_own(&f);
	next_own(&f);
	for (i = 0; i < nsent; i++) {
		CHECK(sent_ogm(i, 0, &ogm, &tv));
		CHECK_INT(sent_count(i), 1);
		if (l2_mac_eq(ogm.orig, ME)) {
			prim++;
			CHECK_INT(ogm.ttl, 50);
		} else {
			sec++;
			CHECK(l2_mac_eq(ogm.orig, ME_P1));
			CHECK_INT(ogm.ttl, 2);
			CHECK_INT(ogm.tvlv_len, L2_TVLV_HLEN);	/* long aggregates */
		}
	}
	CHECK(prim >= 2 && sec >= 1);
	l2_node_free(f.n);
}

/* ---- links, echoes, TQ ----------------------------------------------------------------- */

static void test_link_ramp(void)
{
	struct l2_orig *a;
	struct l2_neigh *nb;
	struct fx f;

	node_new(&f, NULL, 1, NULL);
	link_up(&f, 1);
	/* one OGM: nothing heard before it, so no TQ and no route yet */
	CHECK_INT(route_tq(&f, NB_A), -1);
	link_up(&f, 1);
	/* 1 heard: the kernel would judge it over 64 (TQ 12); fast start
	 * judges it over L2_TQ_FAST_START_MIN = 4 seqnos: 255 - 255*27/64 */
	CHECK_INT(route_tq(&f, NB_A), 148);
	CHECK_INT(l2_iv_tq_calc(255, 1, 1, 255), 12);
	CHECK_INT(l2_iv_tq_calc_win(255, 1, 1, 4, 255), 148);
	CHECK_INT(l2_iv_span(0), 4);
	CHECK_INT(l2_iv_span(0x1), 4);
	CHECK_INT(l2_iv_span(0x3ff), 10);		/* 10 heard in a row */
	CHECK_INT(l2_iv_span(0x155), 9);		/* every other one of 9 */
	CHECK_INT(l2_iv_span(~0ull), 64);
	/* a lossy new link keeps its loss: 5 of 9 heard, judged over 9 */
	CHECK(l2_iv_tq_calc_win(255, 5, 5, 9, 255) < 255);
	CHECK(l2_iv_tq_calc_win(255, 5, 5, 9, 255) > l2_iv_tq_calc(255, 5, 5, 255));
	link_up(&f, 70);
	a = orig(&f, NB_A);
	CHECK(a && a->router);
	nb = l2_orig_neigh_find(a, NB_A, 0);
	CHECK(nb && nb->real_count == 64);
	CHECK(a->echo && a->echo[0].sum == 64);
	CHECK_INT(route_tq(&f, NB_A), 255);
	CHECK(l2_neigh_on_port(f.n, 0, NB_A));
	CHECK_INT(l2_port_neigh_count(f.n, 0), 1);
	CHECK(l2_orig_known(f.n, NB_A));
	l2_node_free(f.n);
}

/* Echoes count only with DIRECTLINK and our own address of that port. */
static void test_echo_rules(void)
{
	struct ogm_spec e = { .orig = ME, .prev = ME, .ttl = 49 };
	struct l2_orig *a;
	struct fx f;

	node_new(&f, NULL, 1, NULL);
	e.seqno = next_own(&f);
	rx_ogm(&f, 0, NB_A, &e);	/* no DIRECTLINK */
	a = orig(&f, NB_A);
	CHECK(!a || !a->echo || !a->echo[0].sum);
	CHECK_INT(f.n->stats[L2_STAT_DROP_OWN], 1);
	e.flags = L2_OGM_F_DIRECTLINK;
	rx_ogm(&f, 0, NB_A, &e);
	a = orig(&f, NB_A);
	CHECK(a && a->echo && a->echo[0].sum == 1);
	/* the same echo twice is one bit */
	rx_ogm(&f, 0, NB_A, &e);
	CHECK_INT(a->echo[0].sum, 1);
	/* an echo of an OGM 64 rounds old is outside the window */
	e.seqno -= 64;
	rx_ogm(&f, 0, NB_A, &e);
	CHECK_INT(a->echo[0].sum, 1);
	l2_node_free(f.n);
}

/* ---- receive rules ---------------------------------------------------------------------- */

/* Node with links to nb[] fully up and X known two hops away through A. */
static void setup_far(struct fx *f, unsigned ports, const struct nbr *nb, unsigned n)
{
	struct ogm_spec x = { .orig = FAR_X, .prev = FAR_X, .ttl = 49, .tq = 200 };

	node_new(f, NULL, ports, NULL);
	links_up(f, nb, n, 70);
	x.seqno = f->seq[3]++;
	rx_ogm(f, 0, NB_A, &x);
}

static const struct nbr AB0[] = { { NB_A, 0, 0 }, { NB_B, 1, 0 } };

static unsigned forwarded_of(const uint8_t *o_mac, unsigned from, unsigned port,
			     struct l2_ogm *out)
{
	struct l2_ogm ogm;
	struct mc_rd tv;
	unsigned i, k, n = 0;

	for (i = from; i < nsent; i++) {
		if (sent[i].port != port)
			continue;
		for (k = 0; sent_ogm(i, k, &ogm, &tv); k++) {
			if (l2_mac_eq(ogm.orig, o_mac)) {
				n++;
				if (out)
					*out = ogm;
			}
		}
	}
	return n;
}

static void test_multihop_forward(void)
{
	struct ogm_spec x = { .orig = FAR_X, .prev = FAR_X, .ttl = 49, .tq = 200 };
	struct l2_ogm out;
	struct fx f;
	unsigned from;

	from = nsent;
	setup_far(&f, 2, &A0, 1);
	CHECK_INT(route_tq(&f, FAR_X), 200);
	/* the OGM that made NB_A our router is repeated at once (softmesh;
	 * the kernel repeats only the next one, an interval per hop later) */
	run_to(&f, f.now + 160);
	CHECK_INT(forwarded_of(FAR_X, from, 0, &out), 1);
	CHECK_INT(forwarded_of(FAR_X, from, 1, &out), 1);
	from = nsent;
	x.seqno = f.seq[3]++;
	rx_ogm(&f, 0, NB_A, &x);
	run_to(&f, f.now + 160);	/* 0..9 ms + 50..150 ms to the aggregation slot */
	CHECK_INT(forwarded_of(FAR_X, from, 0, &out), 1);
	CHECK_INT(out.ttl, 48);
	CHECK_INT(out.tq, 176);			/* 200 * 225 / 255 */
	CHECK(l2_mac_eq(out.prev_sender, NB_A));
	CHECK_INT(out.flags, 0);
	CHECK_INT(forwarded_of(FAR_X, from, 1, &out), 1);
	l2_node_free(f.n);
}

static void test_direct_forward(void)
{
	struct ogm_spec a = { .orig = NB_A, .ttl = 50, .tq = 255 };
	struct l2_ogm out;
	struct fx f;
	unsigned from;

	node_new(&f, NULL, 2, NULL);
	link_up(&f, 70);
	run_to(&f, f.now + 200);
	from = nsent;
	a.seqno = f.seq[0]++;
	rx_ogm(&f, 0, NB_A, &a);
	run_to(&f, f.now + 160);
	/* a neighbour's OGM: DIRECTLINK only back out the port it came by */
	CHECK_INT(forwarded_of(NB_A, from, 0, &out), 1);
	CHECK_INT(out.flags & L2_OGM_F_DIRECTLINK, L2_OGM_F_DIRECTLINK);
	CHECK_INT(out.tq, 225);
	CHECK_INT(forwarded_of(NB_A, from, 1, &out), 1);
	CHECK_INT(out.flags & L2_OGM_F_DIRECTLINK, 0);
	/* a new neighbour: repeated all the same (it counts our echoes), but
	 * flagged as not our best next hop, and with the TQ it has for us: 0 */
	from = nsent;
	a.orig = NB_C;
	a.seqno = 1;
	rx_ogm(&f, 0, NB_C, &a);
	run_to(&f, f.now + 160);
	CHECK_INT(forwarded_of(NB_C, from, 0, &out), 1);
	CHECK_INT(out.flags, L2_OGM_F_DIRECTLINK | L2_OGM_F_NOT_BEST_NEXT_HOP);
	CHECK_INT(out.tq, 0);
	l2_node_free(f.n);
}

/*
 * An OGM read late (l2meshd reads OGMs at its slots, l2_rx_mesh_heard)
 * is forwarded at the slot its hearing gave it: at once when that slot
 * has come, not a slot later; heard "after now" counts as now.
 */
static void test_heard_forward(void)
{
	struct ogm_spec a = { .orig = NB_A, .ttl = 50, .tq = 255 };
	struct l2_config cfg;
	uint8_t buf[L2_FRAME_MAX];
	struct mc_wr w;
	struct l2_ogm out;
	struct fx f;
	uint64_t slot;
	unsigned from;

	l2_config_defaults(&cfg, ME);
	cfg.agg_phase = 0;
	node_new(&f, &cfg, 1, NULL);
	link_up(&f, 70);
	run_to(&f, f.now + 200);
	rand_fixed = 5;		/* every forwarding delay 5 ms */
	slot = (f.now / 100 + 2) * 100;

	/* heard now, at a slot: 5 ms + at least 50 ms to go, the next slot */
	run_to(&f, slot);
	from = nsent;
	a.seqno = f.seq[0]++;
	frame_begin(&w, buf, sizeof(buf), NB_A, BCAST);
	frame_ogm(&w, &a);
	l2_rx_mesh(f.n, 0, buf, mc_wr_len(&w), f.now);
	l2_tick(f.n, f.now);
	CHECK_INT(forwarded_of(NB_A, from, 0, &out), 0);
	run_to(&f, slot + 99);
	CHECK_INT(forwarded_of(NB_A, from, 0, &out), 0);
	run_to(&f, slot + 100);
	CHECK_INT(forwarded_of(NB_A, from, 0, &out), 1);

	/* heard 120 ms before it was read at the next slot: that slot's */
	run_to(&f, slot + 200);
	from = nsent;
	a.seqno = f.seq[0]++;
	frame_begin(&w, buf, sizeof(buf), NB_A, BCAST);
	frame_ogm(&w, &a);
	l2_rx_mesh_heard(f.n, 0, buf, mc_wr_len(&w), f.now, f.now - 120);
	l2_tick(f.n, f.now);
	CHECK_INT(forwarded_of(NB_A, from, 0, &out), 1);
	CHECK_INT(out.flags & L2_OGM_F_DIRECTLINK, L2_OGM_F_DIRECTLINK);

	/* heard "later" than now: as if now */
	run_to(&f, slot + 400);
	from = nsent;
	a.seqno = f.seq[0]++;
	frame_begin(&w, buf, sizeof(buf), NB_A, BCAST);
	frame_ogm(&w, &a);
	l2_rx_mesh_heard(f.n, 0, buf, mc_wr_len(&w), f.now, f.now + 5000);
	l2_tick(f.n, f.now);
	CHECK_INT(forwarded_of(NB_A, from, 0, &out), 0);
	run_to(&f, slot + 500);
	CHECK_INT(forwarded_of(NB_A, from, 0, &out), 1);
	rand_fixed = 0;
	/* the slots: phase 0, every 100 ms, strictly after now */
	CHECK_INT(l2_slot_next(f.n, slot), slot + 100);
	CHECK_INT(l2_slot_next(f.n, slot - 1), slot);
	CHECK_INT(l2_slot_next(f.n, slot + 1), slot + 100);
	CHECK_INT(l2_slot_next(f.n, slot + 99), slot + 100);
	l2_node_free(f.n);
	cfg.aggregation = false;
	node_new(&f, &cfg, 1, NULL);
	CHECK_INT(l2_slot_next(f.n, f.now), 0);
	l2_node_free(f.n);
}

/* Half duplex: going back out the WiFi port it came in costs twice. */
static void test_wifi_penalty(void)
{
	struct ogm_spec x = { .orig = FAR_X, .prev = FAR_X, .ttl = 49, .tq = 200 };
	struct l2_ogm out;
	struct fx f;
	unsigned from;

	node_new(&f, NULL, 0, NULL);
	l2_port_add(f.n, "wlan0", ME, 1500, true);
	l2_port_add(f.n, "eth0", ME, 1500, false);
	link_up(&f, 70);
	x.seqno = f.seq[3]++;
	rx_ogm(&f, 0, NB_A, &x);
	run_to(&f, f.now + 160);	/* the route-making OGM's repeat goes first */
	from = nsent;
	x.seqno = f.seq[3]++;
	rx_ogm(&f, 0, NB_A, &x);
	run_to(&f, f.now + 160);
	CHECK_INT(forwarded_of(FAR_X, from, 1, &out), 1);
	CHECK_INT(out.tq, 176);			/* 200, one hop penalty */
	CHECK_INT(forwarded_of(FAR_X, from, 0, &out), 1);
	CHECK_INT(out.tq, l2_iv_hop_penalty(l2_iv_tq_calc(200, 64, 64, 225), 30));
	CHECK_INT(out.tq, 155);
	l2_node_free(f.n);
}

static void test_drop_rules(void)
{
	struct ogm_spec x = { .orig = FAR_X, .prev = FAR_X, .ttl = 49, .tq = 200 };
	struct ogm_spec c = { .orig = NB_C, .ttl = 49, .tq = 200 };
	uint64_t *st, own;
	struct fx f;
	unsigned from;

	setup_far(&f, 1, &A0, 1);
	st = f.n->stats;
	own = st[L2_STAT_DROP_OWN];	/* the echoes so far */
	/* TTL 1: ranked, not repeated */
	run_to(&f, f.now + 160);	/* the route-making OGM's repeat goes first */
	from = nsent;
	x.ttl = 1;
	x.seqno = f.seq[3]++;
	rx_ogm(&f, 0, NB_A, &x);
	run_to(&f, f.now + 160);
	CHECK_INT(forwarded_of(FAR_X, from, 0, NULL), 0);
	CHECK_INT(st[L2_STAT_DROP_TTL], 1);
	/* TTL 0 never comes from a batman node: dropped outright */
	x.ttl = 0;
	x.seqno = f.seq[3]++;
	rx_ogm(&f, 0, NB_A, &x);
	CHECK_INT(st[L2_STAT_DROP_TTL], 2);
	x.ttl = 49;
	/* TQ 0 */
	x.tq = 0;
	x.seqno = f.seq[3]++;
	rx_ogm(&f, 0, NB_A, &x);
	CHECK_INT(st[L2_STAT_DROP_TQ_ZERO], 1);
	x.tq = 200;
	/* the same OGM twice from the same neighbour */
	x.seqno = f.seq[3]++;
	rx_ogm(&f, 0, NB_A, &x);
	rx_ogm(&f, 0, NB_A, &x);
	CHECK_INT(st[L2_STAT_DROP_DUPLICATE], 1);
	/* multi-hop via a sender we have no route to */
	rx_ogm(&f, 0, NB_B, &x);
	CHECK_INT(st[L2_STAT_DROP_NOT_NEIGH], 1);
	/* flagged by a neighbour as not its best next hop */
	c.flags = L2_OGM_F_NOT_BEST_NEXT_HOP;
	c.prev = NB_C;
	c.seqno = 1;
	rx_ogm(&f, 0, NB_A, &c);
	CHECK_INT(st[L2_STAT_DROP_NOT_BEST_HOP], 1);
	CHECK_INT(st[L2_STAT_DROP_DUPLICATE], 1);
	CHECK(route_tq(&f, NB_C) < 0);
	/* our own: as sender, as originator (echo), as previous sender */
	x.seqno = f.seq[3]++;
	rx_ogm(&f, 0, ME, &x);
	x.prev = ME;
	rx_ogm(&f, 0, NB_A, &x);
	x.orig = ME;
	rx_ogm(&f, 0, NB_A, &x);
	CHECK_INT(st[L2_STAT_DROP_OWN], own + 3);
	l2_node_free(f.n);
}

/* The neighbour we route by repeated what it had from ... our router. */
static void test_loop_guard(void)
{
	struct ogm_spec x = { .orig = FAR_X, .prev = NB_A, .ttl = 48, .tq = 150 };
	struct fx f;

	setup_far(&f, 1, AB0, 2);
	x.seqno = f.seq[3]++;
	rx_ogm(&f, 0, NB_B, &x);
	CHECK_INT(f.n->stats[L2_STAT_DROP_LOOP], 1);
	CHECK_INT(f.n->stats[L2_STAT_DROP_DUPLICATE], 0);
	CHECK(!l2_orig_neigh_find(orig(&f, FAR_X), NB_B, 0));
	l2_node_free(f.n);
}

/* A duplicate from another neighbour with the same seqno and a similar
 * TTL still ranks that neighbour; one with a much lower TTL does not. */
static void test_same_seqno_ranking(void)
{
	struct ogm_spec x = { .orig = FAR_X, .prev = FAR_X, .ttl = 49, .tq = 200 };
	struct l2_orig *o;
	struct fx f;

	setup_far(&f, 1, AB0, 2);
	x.seqno = f.seq[3]++;
	rx_ogm(&f, 0, NB_A, &x);
	x.ttl = 46;		/* 49 - 3: still similar */
	x.tq = 250;
	rx_ogm(&f, 0, NB_B, &x);
	o = orig(&f, FAR_X);
	CHECK(l2_orig_neigh_find(o, NB_B, 0) != NULL);
	CHECK(o->router && l2_mac_eq(o->router->addr, NB_B));
	x.seqno = f.seq[3]++;
	x.ttl = 49;
	x.tq = 200;
	rx_ogm(&f, 0, NB_A, &x);
	x.ttl = 45;		/* too far behind: ignored for ranking */
	rx_ogm(&f, 0, NB_C, &x);
	CHECK(l2_orig_neigh_find(o, NB_C, 0) == NULL);
	l2_node_free(f.n);
}

static void test_seqno_protection(void)
{
	struct ogm_spec x = { .orig = FAR_X, .prev = FAR_X, .ttl = 49, .tq = 200 };
	struct l2_orig *o;
	struct fx f;
	uint32_t restart;

	setup_far(&f, 1, &A0, 1);
	x.seqno = f.seq[3]++;
	rx_ogm(&f, 0, NB_A, &x);
	o = orig(&f, FAR_X);
	/* the originator restarts with an older seqno: believed once ... */
	run_to(&f, f.now + 31000);
	restart = f.seq[3] - 1000;
	x.seqno = restart;
	rx_ogm(&f, 0, NB_A, &x);
	CHECK_INT(f.n->stats[L2_STAT_DROP_SEQNO_RESET], 0);
	CHECK_INT(o->last_real_seqno, restart);
	/* ... then another jump within 30 s is ignored */
	run_to(&f, f.now + 5000);
	x.seqno = restart + 100000;
	rx_ogm(&f, 0, NB_A, &x);
	CHECK_INT(f.n->stats[L2_STAT_DROP_SEQNO_RESET], 1);
	CHECK_INT(o->last_real_seqno, restart);
	x.seqno = restart - 64;
	rx_ogm(&f, 0, NB_A, &x);
	CHECK_INT(f.n->stats[L2_STAT_DROP_SEQNO_RESET], 2);
	/* a step inside the window is fine */
	x.seqno = restart + 5;
	rx_ogm(&f, 0, NB_A, &x);
	CHECK_INT(o->last_real_seqno, restart + 5);
	/* 30 s on, a jump is believed again */
	run_to(&f, f.now + 30001);
	x.seqno = restart + 100000;
	rx_ogm(&f, 0, NB_A, &x);
	CHECK_INT(f.n->stats[L2_STAT_DROP_SEQNO_RESET], 2);
	CHECK_INT(o->last_real_seqno, restart + 100000);
	l2_node_free(f.n);
}

/* ---- aggregation ---------------------------------------------------------------------------- */

static void test_aggregation(void)
{
	struct ogm_spec x = { .prev = NULL, .ttl = 49, .tq = 200 };
	uint8_t origs[30][6];
	struct l2_ogm ogm;
	struct mc_rd tv;
	struct fx f;
	unsigned i, k, from, frames = 0, ogms = 0;

	node_new(&f, NULL, 1, NULL);
	link_up(&f, 70);
	for (i = 0; i < 30; i++) {
		memcpy(origs[i], FAR_X, 6);
		origs[i][4] = (uint8_t)i;
		x.orig = origs[i];
		x.seqno = 10;
		rx_ogm(&f, 0, NB_A, &x);	/* creates the routes */
	}
	/* one forwarding delay for all: a frame takes later OGMs only while
	 * it is due no later than they are plus 100 ms */
	rand_fixed = 5;
	run_to(&f, f.now + 160);	/* the route-making OGM's repeat goes first */
	from = nsent;
	for (i = 0; i < 30; i++) {
		x.orig = origs[i];
		x.seqno = 11;
		rx_ogm(&f, 0, NB_A, &x);
	}
	run_to(&f, f.now + 160);
	rand_fixed = 0;
	for (i = from; i < nsent; i++) {
		if (!sent_ogm(i, 0, &ogm, &tv) || l2_mac_eq(ogm.orig, ME) ||
		    l2_mac_eq(ogm.orig, NB_A))
			continue;
		frames++;
		ogms += sent_count(i);
		CHECK(sent[i].len <= L2_ETH_HLEN + L2_MAX_AGGREGATION_BYTES);
	}
	/* 30 OGMs of 24 bytes: 21 fit in 512 bytes, the rest in a second frame */
	CHECK_INT(ogms, 30);
	CHECK_INT(frames, 2);
	/* our own OGM never rides behind another's */
	for (i = 0; i < nsent; i++)
		for (k = 1; sent_ogm(i, k, &ogm, &tv); k++)
			CHECK(!l2_mac_eq(ogm.orig, ME));
	l2_node_free(f.n);

	/* without aggregation: one OGM per frame, no holding back */
	{
		struct l2_config cfg;

		l2_config_defaults(&cfg, ME);
		cfg.aggregation = false;
		node_new(&f, &cfg, 1, NULL);
		link_up(&f, 10);
		for (i = 0; i < nsent; i++)
			CHECK_INT(sent_count(i), 1);
		l2_node_free(f.n);
	}
}

/*
 * A wired port whose neighbours all say in their own OGMs that they read
 * long aggregates gets aggregates up to its MTU; a neighbour without the
 * TVLV (a kernel) takes it back to 512 bytes, as does radio. The TVLV
 * speaks for one hop: it is never repeated, and one a neighbour only
 * repeated does not count for it.
 */
static unsigned far_round(struct fx *f, uint8_t (*origs)[6], unsigned n, uint32_t seqno,
			  const uint8_t *tvlv, uint16_t tvlv_len, size_t *longest)
{
	struct ogm_spec x = { .prev = NULL, .ttl = 49, .tq = 200, .tvlv = tvlv,
			      .tvlv_len = tvlv_len };
	struct l2_ogm ogm;
	struct mc_rd tv;
	unsigned i, from = nsent, ogms = 0;

	for (i = 0; i < n; i++) {
		x.orig = origs[i];
		x.seqno = seqno;
		rx_ogm(f, 0, NB_A, &x);
	}
	run_to(f, f->now + 160);
	*longest = 0;
	for (i = from; i < nsent; i++) {
		if (!sent_ogm(i, 0, &ogm, &tv) || l2_mac_eq(ogm.orig, ME) ||
		    l2_mac_eq(ogm.orig, NB_A))
			continue;
		if (sent[i].len > *longest)
			*longest = sent[i].len;
		for (unsigned k = 0; sent_ogm(i, k, &ogm, &tv); k++) {
			if (ogm.orig[3] != 0x77)
				continue;	/* a neighbour's echo */
			ogms++;
			/* ours is gone from the repeat, the TT TVLV behind it is not */
			CHECK_INT(ogm.tvlv_len, tvlv_len == 12 ? 8 : tvlv_len);
		}
	}
	return ogms;
}

static void test_long_aggregates(void)
{
	uint8_t origs[60][6], with_tt[12];
	struct ogm_spec b = { .orig = NB_B, .ttl = 50, .tq = 255, .seqno = 9 };
	struct l2_ogm ogm;
	struct mc_rd tv;
	struct mc_wr w;
	size_t longest;
	struct fx f;
	unsigned i, echoes = 0;

	mc_wr_init(&w, with_tt, sizeof(with_tt));
	mc_wr_bytes(&w, LONG_TVLV, sizeof(LONG_TVLV));
	l2_tvlv_encode(&w, L2_TVLV_TT, L2_TVLV_TT_VERSION, (const uint8_t *)"abcd", 4);
	CHECK_INT(mc_wr_len(&w), 12);
	for (i = 0; i < 60; i++) {
		memcpy(origs[i], FAR_X, 6);
		origs[i][3] = 0x77;
		origs[i][4] = (uint8_t)i;
	}
	/* NB_A a softmesh node */
	nb_tvlv = LONG_TVLV;
	nb_tvlv_len = sizeof(LONG_TVLV);
	node_new(&f, NULL, 1, NULL);
	CHECK_INT(l2_port_agg_max(f.n, 0), L2_MAX_AGGREGATION_BYTES);	/* nobody known */
	link_up(&f, 70);
	CHECK_INT(l2_port_agg_max(f.n, 0), 1500);
	/* its OGMs are echoed without our TVLV */
	for (i = 0; i < nsent; i++)
		for (unsigned k = 0; sent_ogm(i, k, &ogm, &tv); k++)
			if (l2_mac_eq(ogm.orig, NB_A)) {
				echoes++;
				CHECK_INT(ogm.tvlv_len, 0);
			}
	CHECK(echoes > 0);
	rand_fixed = 5;
	far_round(&f, origs, 60, 10, with_tt, 12, &longest);	/* makes the routes */
	/* 60 OGMs of 24 + 8 bytes: 46 in one frame of 1472 bytes, 14 in a second */
	CHECK_INT(far_round(&f, origs, 60, 11, with_tt, 12, &longest), 60);
	CHECK_INT(longest, L2_ETH_HLEN + 46 * 32);
	/* a kernel neighbour appears on the port: 512 from its first OGM on */
	rx_ogm(&f, 0, NB_B, &b);
	CHECK_INT(l2_port_agg_max(f.n, 0), L2_MAX_AGGREGATION_BYTES);
	CHECK_INT(far_round(&f, origs, 60, 12, NULL, 0, &longest), 60);
	CHECK(longest <= L2_ETH_HLEN + L2_MAX_AGGREGATION_BYTES);
	/* ... and it keeps it there until it says otherwise itself: its repeat
	 * of a softmesh node's OGM, TVLV and all, does not count */
	b.orig = FAR_X;
	b.ttl = 40;
	b.seqno = 100;
	b.tvlv = LONG_TVLV;
	b.tvlv_len = sizeof(LONG_TVLV);
	rx_ogm(&f, 0, NB_B, &b);
	CHECK_INT(l2_port_agg_max(f.n, 0), L2_MAX_AGGREGATION_BYTES);
	b.orig = NB_B;
	b.ttl = 50;
	b.seqno = 10;
	rx_ogm(&f, 0, NB_B, &b);
	CHECK_INT(l2_port_agg_max(f.n, 0), 1500);
	rand_fixed = 0;
	l2_node_free(f.n);

	/* radio: short aggregates whoever listens */
	node_new(&f, NULL, 0, NULL);
	l2_port_add(f.n, "wlan0", ME, 1500, true);
	link_up(&f, 10);
	CHECK_INT(l2_port_agg_max(f.n, 0), L2_MAX_AGGREGATION_BYTES);
	l2_node_free(f.n);
	nb_tvlv = NULL;
	nb_tvlv_len = 0;
}

/* ---- purges and ports -------------------------------------------------------------------------- */

static void test_purge(void)
{
	struct fx f;

	setup_far(&f, 1, &A0, 1);
	CHECK(route_tq(&f, NB_A) > 0 && route_tq(&f, FAR_X) > 0);
	run_to(&f, f.now + 199000);
	CHECK(route_tq(&f, NB_A) > 0);
	/* 200 s without a word: the last hops go, and the routes with them */
	run_to(&f, f.now + 3000);
	CHECK_INT(route_tq(&f, NB_A), -1);
	CHECK_INT(route_tq(&f, FAR_X), -1);
	CHECK_INT(l2_port_neigh_count(f.n, 0), 0);
	CHECK(l2_orig_known(f.n, FAR_X));
	CHECK_INT(tt.gone, 0);
	/* 400 s: the originators themselves */
	run_to(&f, f.now + 200000);
	CHECK(!l2_orig_known(f.n, FAR_X));
	CHECK(!l2_orig_known(f.n, NB_A));
	CHECK_INT(tt.gone, 2);
	l2_node_free(f.n);
}

static void test_port_down(void)
{
	uint8_t nh[6];
	unsigned port;
	struct fx f;

	static const struct nbr ab[] = { { NB_A, 0, 0 }, { NB_B, 1, 1 } };

	node_new(&f, NULL, 2, NULL);
	links_up(&f, ab, 2, 70);
	CHECK_INT(l2_port_neigh_count(f.n, 0), 1);
	l2_port_set_up(f.n, 0, false, f.now);
	/* at once, not at the next purge */
	CHECK_INT(l2_orig_router(f.n, NB_A, &port, nh), -ENOENT);
	CHECK_INT(l2_port_neigh_count(f.n, 0), 0);
	CHECK(!l2_neigh_on_port(f.n, 0, NB_A));
	CHECK_INT(l2_orig_router(f.n, NB_B, &port, nh), 0);
	CHECK_INT(port, 1);
	CHECK(l2_mac_eq(nh, NB_B));
	/* nothing goes out of the down port any more */
	nsent = 0;
	run_to(&f, f.now + 3000);
	for (port = 0; port < nsent; port++)
		CHECK_INT(sent[port].port, 1);
	/* back up: it joins the next round prepared, so within 2 intervals */
	l2_port_set_up(f.n, 0, true, f.now);
	run_to(&f, f.now + 2100);
	CHECK(forwarded_of(ME, 0, 0, NULL) >= 1);
	l2_node_free(f.n);
}

/* A better last hop takes over; an equal one only with more echoes. */
static void test_router_choice(void)
{
	struct ogm_spec x = { .orig = FAR_X, .prev = FAR_X, .ttl = 49, .tq = 200 };
	struct l2_orig *o;
	struct fx f;

	node_new(&f, NULL, 1, NULL);
	links_up(&f, AB0, 2, 70);
	x.seqno = f.seq[3]++;
	rx_ogm(&f, 0, NB_A, &x);
	o = orig(&f, FAR_X);
	CHECK(o->router && l2_mac_eq(o->router->addr, NB_A));
	/* B, same TQ, as many echoes: A stays */
	rx_ogm(&f, 0, NB_B, &x);
	CHECK(l2_mac_eq(o->router->addr, NB_A));
	/* B better */
	x.seqno = f.seq[3]++;
	x.tq = 240;
	rx_ogm(&f, 0, NB_B, &x);
	CHECK(l2_mac_eq(o->router->addr, NB_B));
	l2_node_free(f.n);
}

/* ---- TVLVs --------------------------------------------------------------------------------------- */

static void gw_row(void *user, const struct l2_gw_entry *e)
{
	*(struct l2_gw_entry *)user = *e;
}

static void test_tvlvs(void)
{
	uint8_t tvlv[64];
	struct ogm_spec a = { .orig = NB_A, .ttl = 50, .tq = 255, .tvlv = tvlv };
	struct l2_tvlv_gw gw = { 50, 10 };
	struct l2_gw_entry row;
	struct l2_orig_stats st;
	struct mc_wr w;
	struct fx f;
	uint8_t tt_val[4] = { 1, 2, 3, 4 };
	unsigned before;

	node_new(&f, NULL, 1, NULL);
	link_up(&f, 5);
	CHECK(tt.ogm_rx >= 4 && tt.ogm_rx == tt.ogm_rx_null);
	/* unknown type 0x42, then GW, then TT */
	mc_wr_init(&w, tvlv, sizeof(tvlv));
	l2_tvlv_encode(&w, 0x42, 1, tt_val, 2);
	l2_tvlv_gw_encode(&w, &gw);
	l2_tvlv_encode(&w, L2_TVLV_TT, L2_TVLV_TT_VERSION, tt_val, 4);
	a.tvlv_len = (uint16_t)mc_wr_len(&w);
	a.seqno = f.seq[0]++;
	before = tt.ogm_rx_null;
	rx_ogm(&f, 0, NB_A, &a);
	CHECK_INT(tt.ogm_rx_null, before);
	CHECK_INT(tt.last_len, 4);
	CHECK(l2_mac_eq(tt.last_orig, NB_A));
	memset(&row, 0, sizeof(row));
	l2_gw_foreach(f.n, gw_row, &row);
	CHECK(l2_mac_eq(row.orig, NB_A));
	CHECK_INT(row.down_kbit, 5000);
	CHECK_INT(row.up_kbit, 1000);
	CHECK(l2_mac_eq(row.nexthop, NB_A));
	CHECK_STR(row.port_name, "eth0");
	l2_orig_stats(f.n, &st);
	CHECK_INT(st.gateways, 1);
	/* an OGM without the GW TVLV withdraws the gateway */
	a.tvlv_len = 0;
	a.seqno = f.seq[0]++;
	rx_ogm(&f, 0, NB_A, &a);
	l2_orig_stats(f.n, &st);
	CHECK_INT(st.gateways, 0);
	CHECK_INT(tt.ogm_rx_null, before + 1);
	/* a broken TVLV: counted, the OGM itself still ranks */
	mc_wr_init(&w, tvlv, sizeof(tvlv));
	l2_tvlv_gw_encode(&w, &gw);
	mc_wr_u8(&w, L2_TVLV_TT);
	mc_wr_u8(&w, 1);
	mc_wr_u16(&w, 40);	/* runs past the container */
	a.tvlv_len = (uint16_t)mc_wr_len(&w);
	a.seqno = f.seq[0]++;
	rx_ogm(&f, 0, NB_A, &a);
	CHECK_INT(f.n->stats[L2_STAT_DROP_TVLV], 1);
	l2_orig_stats(f.n, &st);
	CHECK_INT(st.gateways, 1);
	CHECK_INT(orig(&f, NB_A)->last_real_seqno, a.seqno);
	l2_node_free(f.n);
}

/* ---- malformed input ---------------------------------------------------------------------------- */

/* 20,000 forged source MACs, each its own originator: the tables stop at
 * their caps, the refusals are counted, and the real neighbour's route
 * keeps working. */
static void test_forged_flood(void)
{
	struct ogm_spec own = { .ttl = 50, .tq = 255, .seqno = 1 };
	uint8_t fake[6] = { 0x06, 0xf0, 0, 0, 0, 0 };
	struct fx f;

	node_new(&f, NULL, 1, NULL);
	link_up(&f, 20);
	CHECK(route_tq(&f, NB_A) > 0);
	for (unsigned i = 0; i < 20000; i++) {
		fake[3] = (uint8_t)(i >> 16);
		fake[4] = (uint8_t)(i >> 8);
		fake[5] = (uint8_t)i;
		own.orig = fake;
		rx_ogm(&f, 0, fake, &own);
	}
	CHECK(f.n->origs->origs.count <= L2_ORIGS_MAX);
	CHECK(f.n->origs->port_neighs[0] <= L2_PORT_NEIGHS_MAX);
	CHECK(f.n->stats[L2_STAT_ORIG_REFUSED] >= 20000 - L2_ORIGS_MAX);
	CHECK(f.n->stats[L2_STAT_NEIGH_REFUSED] > 0);
	link_up(&f, 5);
	CHECK(route_tq(&f, NB_A) > 0);
	l2_node_free(f.n);
}

static void test_malformed(void)
{
	struct ogm_spec a = { .orig = NB_A, .ttl = 50, .tq = 255 };
	uint8_t buf[L2_FRAME_MAX];
	uint64_t *st;
	struct mc_wr w;
	struct fx f;
	size_t len;

	node_new(&f, NULL, 1, NULL);
	st = f.n->stats;
	/* truncated: a whole frame shorter than one OGM */
	frame_begin(&w, buf, sizeof(buf), NB_A, BCAST);
	a.seqno = 1;
	frame_ogm(&w, &a);
	for (len = L2_ETH_HLEN + 3; len < L2_ETH_HLEN + L2_OGM_HLEN; len++)
		rx_raw(&f, 0, buf, len);
	CHECK_INT(st[L2_STAT_DROP_SHORT], L2_OGM_HLEN - 3);
	/* a tvlv_len running far past the frame */
	a.tvlv_len = 60000;
	frame_begin(&w, buf, sizeof(buf), NB_A, BCAST);
	frame_ogm(&w, &a);	/* writes no TVLV bytes: tvlv is NULL */
	rx_raw(&f, 0, buf, mc_wr_len(&w));
	CHECK_INT(st[L2_STAT_DROP_MALFORMED], 1);
	/* odd tvlv_len */
	a.tvlv_len = 3;
	frame_begin(&w, buf, sizeof(buf), NB_A, BCAST);
	frame_ogm(&w, &a);
	mc_wr_zero(&w, 3);
	rx_raw(&f, 0, buf, mc_wr_len(&w));
	CHECK_INT(st[L2_STAT_DROP_MALFORMED], 2);
	a.tvlv_len = 0;
	/* a good OGM, then one of another compat version: the first stands */
	frame_begin(&w, buf, sizeof(buf), NB_A, BCAST);
	frame_ogm(&w, &a);
	len = mc_wr_len(&w);
	a.seqno = 2;
	frame_ogm(&w, &a);
	buf[len + 1] = 14;	/* version byte of the second */
	rx_raw(&f, 0, buf, mc_wr_len(&w));
	CHECK_INT(st[L2_STAT_DROP_VERSION], 1);
	CHECK(l2_orig_known(f.n, NB_A));
	/* Ethernet padding after the last OGM is fine */
	frame_begin(&w, buf, sizeof(buf), NB_A, BCAST);
	a.seqno = 3;
	frame_ogm(&w, &a);
	mc_wr_zero(&w, 20);
	rx_raw(&f, 0, buf, mc_wr_len(&w));
	CHECK_INT(st[L2_STAT_DROP_MALFORMED] + st[L2_STAT_DROP_SHORT], 2 + L2_OGM_HLEN - 3);
	/* TTL 0 */
	a.ttl = 0;
	a.seqno = 4;
	rx_ogm(&f, 0, NB_A, &a);
	CHECK_INT(st[L2_STAT_DROP_TTL], 1);
	a.ttl = 50;
	/* unicast destination, multicast source */
	frame_begin(&w, buf, sizeof(buf), NB_A, NB_B);
	frame_ogm(&w, &a);
	rx_raw(&f, 0, buf, mc_wr_len(&w));
	CHECK_INT(st[L2_STAT_DROP_NOT_FOR_US], 1);
	frame_begin(&w, buf, sizeof(buf), BCAST, BCAST);
	frame_ogm(&w, &a);
	rx_raw(&f, 0, buf, mc_wr_len(&w));
	CHECK_INT(st[L2_STAT_DROP_MALFORMED], 3);
	/* a bad port index, and garbage of every length */
	l2_rx_mesh(f.n, 7, buf, mc_wr_len(&w), f.now);
	for (len = 0; len < 200; len++) {
		unsigned i;

		for (i = L2_ETH_HLEN + 3; i < len; i++)
			buf[i] = (uint8_t)fake_rand(NULL);
		buf[L2_ETH_HLEN] = L2_PT_IV_OGM;
		buf[L2_ETH_HLEN + 1] = L2_COMPAT_VERSION;
		rx_raw(&f, 0, buf, len);
	}
	CHECK(st[L2_STAT_MGMT_RX] > 0);
	l2_node_free(f.n);
}

/* ---- query API ------------------------------------------------------------------------------------ */

struct rows {
	unsigned n, best;
	struct l2_orig_entry last;
};

static void orig_row(void *user, const struct l2_orig_entry *e)
{
	struct rows *r = user;

	r->n++;
	r->best += e->best;
	if (l2_mac_eq(e->orig, FAR_X))
		r->last = *e;
}

static void neigh_row(void *user, const struct l2_neigh_entry *e)
{
	(*(unsigned *)user)++;
	CHECK_STR(e->port_name, "eth0");
	CHECK(e->last_seen_ms < 2000);
}

static void test_query(void)
{
	struct ogm_spec x = { .orig = FAR_X, .prev = FAR_X, .ttl = 49, .tq = 100 };
	struct l2_orig_stats st;
	struct rows r = { 0 };
	unsigned nn = 0;
	struct fx f;

	setup_far(&f, 1, AB0, 2);
	x.seqno = f.seq[3] - 1;
	rx_ogm(&f, 0, NB_B, &x);	/* a second, worse candidate for X */
	l2_orig_foreach(f.n, f.now + 500, orig_row, &r);
	CHECK_INT(r.n, 4);		/* A, B, X via A, X via B */
	CHECK_INT(r.best, 3);
	CHECK(l2_mac_eq(r.last.orig, FAR_X));
	CHECK_INT(r.last.last_seen_ms, 500);
	l2_neigh_foreach(f.n, f.now, neigh_row, &nn);
	CHECK_INT(nn, 2);
	l2_orig_stats(f.n, &st);
	CHECK_INT(st.originators, 3);
	CHECK_INT(st.neighbours, 2);
	CHECK(st.known >= 3);
	l2_node_free(f.n);
}

int main(void)
{
	RUN(test_tq_arithmetic);
	RUN(test_windows);
	RUN(test_own_ogm);
	RUN(test_own_tt_too_big);
	RUN(test_own_secondary);
	RUN(test_link_ramp);
	RUN(test_echo_rules);
	RUN(test_multihop_forward);
	RUN(test_direct_forward);
	RUN(test_heard_forward);
	RUN(test_wifi_penalty);
	RUN(test_drop_rules);
	RUN(test_loop_guard);
	RUN(test_same_seqno_ranking);
	RUN(test_seqno_protection);
	RUN(test_aggregation);
	RUN(test_long_aggregates);
	RUN(test_own_on_slots);
	RUN(test_purge);
	RUN(test_port_down);
	RUN(test_router_choice);
	RUN(test_tvlvs);
	RUN(test_forged_flood);
	RUN(test_malformed);
	RUN(test_query);
	return check_exit();
}
