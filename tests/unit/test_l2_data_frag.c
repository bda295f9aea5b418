/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data plane on real l2_node instances (l2_data_bench.h), continued
 * from test_l2_data.c: fragmentation and reassembly between two nodes,
 * ICMP, unicast TVLVs, and malformed input counted once and dropped.
 */
#include <errno.h>
#include <stdint.h>

#include "tests/unit/l2_data_bench.h"

/* ---- fragmentation ------------------------------------------------------------------------ */

struct frags {
	uint8_t f[2][L2_FRAME_MAX];
	size_t len[2];
};

/* A sends a 1514-byte IPv4 frame (precedence 5) to CB at B: 2 fragments. */
static size_t make_frags(struct frags *fr, uint8_t *frame)
{
	size_t len = client_frame(frame, CB, C1, 0x0800, 1514);

	frame[14] = 0x45;
	frame[15] = 0xa0;	/* ToS: precedence 5 */
	clear(&ta);
	rx_local(&ta, LP_LAN1, frame, len);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIRED), 2);
	for (unsigned i = 0; i < 2 && i < ta.ncap; i++) {
		memcpy(fr->f[i], ta.cap[i].buf, ta.cap[i].len);
		fr->len[i] = ta.cap[i].len;
	}
	return len;
}

/* Rewrites a fragment's total_size. */
static void frag_total(uint8_t *buf, size_t len, uint16_t total)
{
	struct l2_frag fh;
	struct l2_eth eth;
	struct mc_rd r;
	struct mc_wr w;

	mc_rd_init(&r, buf, len);
	l2_eth_decode(&r, &eth);
	l2_frag_decode(&r, &fh);
	fh.total_size = total;
	mc_wr_init(&w, buf + L2_ETH_HLEN, L2_FRAG_HLEN);
	l2_frag_encode(&w, &fh);
}

static bool b_got(const uint8_t *frame, size_t len)
{
	const struct cap *c = capn(&tb, CAP_LOCAL, LP_BAT0, 0);

	return c && c->len == len && !memcmp(c->buf, frame, len);
}

static void test_frag_send(void)
{
	uint8_t frame[L2_FRAME_MAX];
	struct frags fr;
	struct l2_frag fh[2];
	struct l2_eth eth;
	struct mc_rd r[2];
	size_t len;

	bench_up();
	len = make_frags(&fr, frame);
	for (int i = 0; i < 2; i++) {
		CHECK_INT(fr.len[i], L2_ETH_HLEN + L2_FRAG_HLEN + 762);
		mc_rd_init(&r[i], fr.f[i], fr.len[i]);
		CHECK_INT(l2_eth_decode(&r[i], &eth), 0);
		CHECK(l2_mac_eq(eth.dst, B_P0));
		CHECK(l2_mac_eq(eth.src, A_P0));
		CHECK_INT(l2_frag_decode(&r[i], &fh[i]), 0);
		CHECK_INT(fh[i].no, i);
		CHECK_INT(fh[i].ttl, 50);
		CHECK_INT(fh[i].priority, 5);
		CHECK_INT(fh[i].total_size, L2_UNICAST_HLEN + len);
		CHECK(l2_mac_eq(fh[i].dest, MAC_B));
		CHECK(l2_mac_eq(fh[i].orig, MAC_A));
	}
	CHECK_INT(fh[0].seqno, fh[1].seqno);
	/* fragment 1 holds the start: the UNICAST header to B, TTVN 3 */
	CHECK_INT(mc_rd_cur(&r[1])[0], L2_PT_UNICAST);
	CHECK_INT(mc_rd_cur(&r[1])[3], 3);
	CHECK(!memcmp(mc_rd_cur(&r[1]) + L2_UNICAST_HLEN, frame, 762 - L2_UNICAST_HLEN));
	/* fragment 0 the end */
	CHECK(!memcmp(mc_rd_cur(&r[0]), frame + len - 762, 762));
	CHECK_INT(stat(&ta, L2_STAT_FRAG_TX), 2);
	CHECK_INT(stat(&ta, L2_STAT_FRAG_TX_BYTES), 2 * fr.len[0]);
	CHECK_INT(stat(&ta, L2_STAT_TX), 1);

	/* the next packet takes the next seqno */
	make_frags(&fr, frame);
	mc_rd_init(&r[0], fr.f[0], fr.len[0]);
	l2_eth_decode(&r[0], &eth);
	l2_frag_decode(&r[0], &fh[1]);
	CHECK_INT(fh[1].seqno, fh[0].seqno + 1);

	/* more than 16 fragments: not sent */
	clear(&ta);
	ta.n->ports[MP_WIRED].mtu = 100;
	rx_local(&ta, LP_LAN1, frame, len);
	CHECK_INT(ta.ncap, 0);
	CHECK_INT(stat(&ta, L2_STAT_TX_DROPPED), 1);
	bench_down();
}

static void test_frag_reassembly(void)
{
	uint8_t frame[L2_FRAME_MAX];
	struct frags fr;
	size_t len;

	bench_up();
	/* in order */
	len = make_frags(&fr, frame);
	rx_mesh(&tb, MP_WIRED, fr.f[0], fr.len[0]);
	CHECK_INT(tb.ncap, 0);
	rx_mesh(&tb, MP_WIRED, fr.f[1], fr.len[1]);
	CHECK(b_got(frame, len));
	CHECK_INT(ncaps(&tb, CAP_LOCAL, -1), LP_COUNT);
	CHECK_INT(stat(&tb, L2_STAT_FRAG_RX), 2);
	CHECK_INT(stat(&tb, L2_STAT_RX), 1);

	/* out of order */
	clear(&tb);
	len = make_frags(&fr, frame);
	rx_mesh(&tb, MP_WIRED, fr.f[1], fr.len[1]);
	rx_mesh(&tb, MP_WIRED, fr.f[0], fr.len[0]);
	CHECK(b_got(frame, len));

	/* a duplicate fragment, and a late copy after the merge */
	clear(&tb);
	len = make_frags(&fr, frame);
	rx_mesh(&tb, MP_WIRED, fr.f[0], fr.len[0]);
	rx_mesh(&tb, MP_WIRED, fr.f[0], fr.len[0]);
	CHECK_INT(stat(&tb, L2_STAT_DROP_DUPLICATE), 1);
	rx_mesh(&tb, MP_WIRED, fr.f[1], fr.len[1]);
	CHECK(b_got(frame, len));
	rx_mesh(&tb, MP_WIRED, fr.f[1], fr.len[1]);
	CHECK_INT(stat(&tb, L2_STAT_DROP_DUPLICATE), 2);
	CHECK_INT(ncaps(&tb, CAP_LOCAL, -1), LP_COUNT);
	CHECK_INT(stat(&tb, L2_STAT_RX), 3);
	bench_down();
}

static void test_frag_timeout_and_lies(void)
{
	uint8_t frame[L2_FRAME_MAX];
	struct frags fr;

	bench_up();
	/* one fragment, then 10 s of silence */
	make_frags(&fr, frame);
	rx_mesh(&tb, MP_WIRED, fr.f[0], fr.len[0]);
	now += L2_FRAG_TIMEOUT_MS + 1;
	l2_tick(tb.n, now);
	CHECK_INT(stat(&tb, L2_STAT_DROP_FRAG_TIMEOUT), 1);
	rx_mesh(&tb, MP_WIRED, fr.f[1], fr.len[1]);
	CHECK_INT(tb.ncap, 0);		/* the head alone waits in vain */
	now += L2_FRAG_TIMEOUT_MS + 1;
	l2_tick(tb.n, now);
	CHECK_INT(stat(&tb, L2_STAT_DROP_FRAG_TIMEOUT), 2);

	/* fragments that disagree on total_size: the chain goes */
	make_frags(&fr, frame);
	rx_mesh(&tb, MP_WIRED, fr.f[0], fr.len[0]);
	frag_total(fr.f[1], fr.len[1], 1600);
	rx_mesh(&tb, MP_WIRED, fr.f[1], fr.len[1]);
	CHECK_INT(stat(&tb, L2_STAT_DROP_FRAG_INVALID), 2);

	/* total_size smaller than what arrives, zero, or beyond a frame */
	make_frags(&fr, frame);
	frag_total(fr.f[0], fr.len[0], 700);
	rx_mesh(&tb, MP_WIRED, fr.f[0], fr.len[0]);
	frag_total(fr.f[0], fr.len[0], 0);
	rx_mesh(&tb, MP_WIRED, fr.f[0], fr.len[0]);
	frag_total(fr.f[0], fr.len[0], 20000);
	rx_mesh(&tb, MP_WIRED, fr.f[0], fr.len[0]);
	CHECK_INT(stat(&tb, L2_STAT_DROP_FRAG_INVALID), 5);
	CHECK_INT(tb.ncap, 0);
	bench_down();
}

static void test_frag_forward(void)
{
	uint8_t frame[L2_FRAME_MAX];
	struct frags fr;
	struct l2_frag fh;
	struct l2_eth eth;
	struct mc_rd r;

	bench_up();
	/* A reaches CB's originator O3 through B; B relays the fragments
	 * as they are, TTL - 1 */
	stub_route_add(ta.s, O3, MP_WIRED, B_P0);
	memcpy(ta.s->global[1].orig, O3, 6);		/* CB */
	stub_route_add(tb.s, O3, MP_WIFI, N2);
	make_frags(&fr, frame);
	rx_mesh(&tb, MP_WIRED, fr.f[0], fr.len[0]);
	CHECK_INT(tb.ncap, 1);
	CHECK_INT(ncaps(&tb, CAP_MESH, MP_WIFI), 1);
	CHECK_INT(stat(&tb, L2_STAT_FRAG_FWD), 1);
	CHECK_INT(stat(&tb, L2_STAT_FRAG_FWD_BYTES), fr.len[0]);
	CHECK_INT(stat(&tb, L2_STAT_FRAG_RX), 0);
	mc_rd_init(&r, tb.cap[0].buf, tb.cap[0].len);
	l2_eth_decode(&r, &eth);
	CHECK(l2_mac_eq(eth.dst, N2));
	CHECK(l2_mac_eq(eth.src, B_P1));
	CHECK_INT(l2_frag_decode(&r, &fh), 0);
	CHECK_INT(fh.ttl, 49);
	CHECK_INT(fh.no, 0);
	CHECK(l2_mac_eq(fh.dest, O3));
	CHECK(l2_mac_eq(fh.orig, MAC_A));
	CHECK_INT(tb.cap[0].len, fr.len[0]);
	CHECK(!memcmp(mc_rd_cur(&r), fr.f[0] + L2_ETH_HLEN + L2_FRAG_HLEN,
		      fr.len[0] - L2_ETH_HLEN - L2_FRAG_HLEN));
	bench_down();
}

/* ---- ICMP ------------------------------------------------------------------------------------ */

static void icmp_to(struct l2_icmp *ic, uint8_t type, const uint8_t dst[6],
		    const uint8_t orig[6], uint8_t ttl)
{
	memset(ic, 0, sizeof(*ic));
	ic->msg_type = type;
	ic->ttl = ttl;
	ic->uid = 42;
	ic->seqno = 1234;
	memcpy(ic->dst, dst, 6);
	memcpy(ic->orig, orig, 6);
}

static const struct cap *icmp_out(struct tnode *t, int port, struct l2_eth *eth,
				  struct l2_icmp *ic)
{
	const struct cap *c = capn(t, CAP_MESH, port, 0);
	struct mc_rd r;

	CHECK(c != NULL);
	if (!c)
		return NULL;
	r = cap_batman(c, eth);
	CHECK_INT(l2_icmp_decode(&r, ic), 0);
	return c;
}

static void test_icmp(void)
{
	uint8_t f[L2_FRAME_MAX];
	struct l2_icmp ic, out;
	struct l2_eth eth;
	size_t len;

	bench_up();
	/* echo request for us: the reply goes back to O1 */
	icmp_to(&ic, L2_ICMP_ECHO_REQUEST, MAC_A, O1, 30);
	len = icmp_pkt(f, A_P0, N1, &ic);
	rx_mesh(&ta, MP_WIRED, f, len);
	if (icmp_out(&ta, MP_WIRED, &eth, &out)) {
		CHECK(l2_mac_eq(eth.dst, N1));
		CHECK_INT(out.msg_type, L2_ICMP_ECHO_REPLY);
		CHECK(l2_mac_eq(out.dst, O1));
		CHECK(l2_mac_eq(out.orig, MAC_A));
		CHECK_INT(out.ttl, 50);
		CHECK_INT(out.uid, 42);
		CHECK_INT(out.seqno, 1234);
	}
	CHECK_INT(stat(&ta, L2_STAT_ICMP_RX), 1);
	CHECK_INT(stat(&ta, L2_STAT_ICMP_TX), 1);

	/* echo reply for us: to the shell */
	clear(&ta);
	icmp_to(&ic, L2_ICMP_ECHO_REPLY, MAC_A, O1, 44);
	len = icmp_pkt(f, A_P0, N1, &ic);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ta.nicmp, 1);
	CHECK_INT(ta.icmp[0].msg_type, L2_ICMP_ECHO_REPLY);
	CHECK_INT(ta.icmp[0].uid, 42);
	CHECK_INT(ta.icmp[0].seqno, 1234);
	CHECK_INT(ta.icmp[0].ttl, 44);
	CHECK(l2_mac_eq(ta.icmp[0].from, O1));

	/* traceroute through us with TTL 1: TTL exceeded back to O1 */
	clear(&ta);
	icmp_to(&ic, L2_ICMP_ECHO_REQUEST, O2, O1, 1);
	len = icmp_pkt(f, A_P0, N1, &ic);
	rx_mesh(&ta, MP_WIRED, f, len);
	if (icmp_out(&ta, MP_WIRED, &eth, &out)) {
		CHECK_INT(out.msg_type, L2_ICMP_TTL_EXCEEDED);
		CHECK(l2_mac_eq(out.dst, O1));
		CHECK(l2_mac_eq(out.orig, MAC_A));
		CHECK_INT(out.seqno, 1234);
	}
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIFI), 0);
	CHECK_INT(stat(&ta, L2_STAT_DROP_TTL), 1);

	/* forwarded otherwise, TTL - 1 */
	clear(&ta);
	icmp_to(&ic, L2_ICMP_ECHO_REQUEST, O2, O1, 9);
	len = icmp_pkt(f, A_P0, N1, &ic);
	rx_mesh(&ta, MP_WIRED, f, len);
	if (icmp_out(&ta, MP_WIFI, &eth, &out)) {
		CHECK(l2_mac_eq(eth.dst, N2));
		CHECK_INT(out.ttl, 8);
		CHECK_INT(out.msg_type, L2_ICMP_ECHO_REQUEST);
	}
	CHECK_INT(stat(&ta, L2_STAT_FORWARD), 1);

	/* route record: our receiving port is added to the reply */
	clear(&ta);
	icmp_to(&ic, L2_ICMP_ECHO_REQUEST, MAC_A, O1, 30);
	ic.has_rr = true;
	ic.rr_cur = 1;
	memcpy(ic.rr[0], O1, 6);
	len = icmp_pkt(f, A_P0, N1, &ic);
	rx_mesh(&ta, MP_WIRED, f, len);
	if (icmp_out(&ta, MP_WIRED, &eth, &out)) {
		CHECK(out.has_rr);
		CHECK_INT(out.rr_cur, 2);
		CHECK(l2_mac_eq(out.rr[1], A_P0));
	}
	bench_down();
}

static void test_icmp_ping(void)
{
	struct l2_icmp out;
	struct l2_eth eth;

	bench_up();
	CHECK_INT(l2_ping(ta.n, O2, 7, 3, 50, now), 0);
	if (icmp_out(&ta, MP_WIFI, &eth, &out)) {
		CHECK(l2_mac_eq(eth.dst, N2));
		CHECK(l2_mac_eq(eth.src, A_P1));
		CHECK_INT(out.msg_type, L2_ICMP_ECHO_REQUEST);
		CHECK(l2_mac_eq(out.dst, O2));
		CHECK(l2_mac_eq(out.orig, MAC_A));
		CHECK_INT(out.uid, 7);
		CHECK_INT(out.seqno, 3);
		CHECK_INT(out.ttl, 50);
		CHECK(!out.has_rr);
	}
	CHECK_INT(capn(&ta, CAP_MESH, MP_WIFI, 0)->len, L2_ETH_HLEN + L2_ICMP_HLEN);
	CHECK_INT(stat(&ta, L2_STAT_ICMP_TX), 1);
	CHECK_INT(l2_ping(ta.n, O3, 7, 4, 50, now), -ENOENT);
	CHECK_INT(l2_ping(ta.n, O2, 7, 4, 0, now), -EINVAL);
	CHECK_INT(ta.ncap, 1);
	bench_down();
}

/* ---- UNICAST_TVLV ---------------------------------------------------------------------------- */

static size_t utvlv_pkt(uint8_t *buf, const uint8_t dst[6], uint8_t ttl,
			const uint8_t *tvlvs, size_t tlen)
{
	struct l2_unicast_tvlv u = { .ttl = ttl };
	struct mc_wr w;

	memcpy(u.dst, dst, 6);
	memcpy(u.src, O1, 6);
	mc_wr_init(&w, buf, L2_FRAME_MAX);
	put_eth(&w, A_P0, N1, L2_ETHERTYPE_BATMAN);
	l2_unicast_tvlv_encode(&w, &u);
	mc_wr_bytes(&w, tvlvs, tlen);
	l2_unicast_tvlv_finish(&w, L2_ETH_HLEN);
	return mc_wr_len(&w);
}

static void test_utvlv(void)
{
	uint8_t f[L2_FRAME_MAX], tv[64];
	struct l2_tvlv_roam roam = { .vid = 0x8001 };
	struct l2_unicast_tvlv u;
	struct l2_eth eth;
	struct mc_wr w;
	struct mc_rd r;
	size_t len;

	bench_up();
	/* a third feature's type; 0x7d has no handler and is skipped */
	CHECK_INT(stub_tvlv_record(ta.n, 0x7e, 9), 0);
	memcpy(roam.client, C1, 6);
	mc_wr_init(&w, tv, sizeof(tv));
	l2_tvlv_encode(&w, L2_TVLV_TT, 1, "\x02\x05\x00\x00", 4);
	l2_tvlv_roam_encode(&w, &roam);
	l2_tvlv_encode(&w, 0x7e, 9, "", 0);
	l2_tvlv_encode(&w, 0x7d, 1, "", 0);
	len = utvlv_pkt(f, MAC_A, 50, tv, mc_wr_len(&w));
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ta.s->ntvlv, 3);
	CHECK_INT(ta.s->tvlv[0].type, L2_TVLV_TT);
	CHECK_INT(ta.s->tvlv[0].len, 4);
	CHECK_INT(ta.s->tvlv[0].value[1], 5);
	CHECK(l2_mac_eq(ta.s->tvlv[0].src, O1));
	CHECK_INT(ta.s->tvlv[1].type, L2_TVLV_ROAM);
	CHECK(!memcmp(ta.s->tvlv[1].value, C1, 6));
	CHECK_INT(ta.s->tvlv[2].type, 0x7e);
	CHECK_INT(ta.ncap, 0);

	/* for O2: forwarded whole, TTL - 1 */
	len = utvlv_pkt(f, O2, 50, tv, mc_wr_len(&w));
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ta.s->ntvlv, 3);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIFI), 1);
	r = cap_batman(capn(&ta, CAP_MESH, MP_WIFI, 0), &eth);
	CHECK_INT(l2_unicast_tvlv_decode(&r, &u), 0);
	CHECK_INT(u.ttl, 49);
	CHECK_INT(u.tvlv_len, mc_wr_len(&w));
	CHECK(!memcmp(mc_rd_cur(&r), tv, mc_wr_len(&w)));

	/* a TVLV running past its container: those before it still count */
	len = utvlv_pkt(f, MAC_A, 50, tv, mc_wr_len(&w));
	f[L2_ETH_HLEN + L2_UNICAST_TVLV_HLEN + 8 + 2] = 0x40;	/* ROAM len */
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ta.s->ntvlv, 4);
	CHECK_INT(stat(&ta, L2_STAT_DROP_TVLV), 1);

	/* sending one */
	clear(&ta);
	CHECK_INT(l2_send_unicast_tvlv(ta.n, O1, tv, 8), 0);
	r = cap_batman(capn(&ta, CAP_MESH, MP_WIRED, 0), &eth);
	CHECK(l2_mac_eq(eth.dst, N1));
	CHECK_INT(l2_unicast_tvlv_decode(&r, &u), 0);
	CHECK(l2_mac_eq(u.dst, O1));
	CHECK(l2_mac_eq(u.src, MAC_A));
	CHECK_INT(u.ttl, 50);
	CHECK_INT(u.tvlv_len, 8);
	CHECK(!memcmp(mc_rd_cur(&r), tv, 8));
	CHECK_INT(l2_send_unicast_tvlv(ta.n, O1, tv, 7), -EINVAL);
	CHECK_INT(l2_send_unicast_tvlv(ta.n, O3, tv, 8), -ENOENT);
	CHECK_INT(ta.ncap, 1);
	bench_down();
}

/* ---- malformed input -------------------------------------------------------------------------- */

/* Feeds a bad frame: exactly one drop counted, nothing sent or delivered. */
static void bad_at(struct tnode *t, const uint8_t *f, size_t len, const char *what)
{
	uint64_t before = drops(t);

	clear(t);
	rx_mesh(t, MP_WIRED, f, len);
	if (drops(t) != before + 1 || t->ncap) {
		fprintf(stderr, "  bad frame %s (%zu bytes): %llu drops, %u sent\n", what,
			len, (unsigned long long)(drops(t) - before), t->ncap);
		check_failures++;
	}
}

static void bad_mesh(const uint8_t *f, size_t len, const char *what)
{
	bad_at(&ta, f, len, what);
}

static void bad_local(const uint8_t *f, size_t len, const char *what)
{
	uint64_t before = drops(&ta);

	clear(&ta);
	rx_local(&ta, LP_LAN1, f, len);
	if (drops(&ta) != before + 1 || ta.ncap) {
		fprintf(stderr, "  bad local frame %s: %llu drops, %u sent\n", what,
			(unsigned long long)(drops(&ta) - before), ta.ncap);
		check_failures++;
	}
}

static void test_malformed_truncated(void)
{
	uint8_t inner[L2_FRAME_MAX], tv[16] = { 0 };
	struct l2_icmp ic;
	size_t ilen = client_frame(inner, C1, C9, 0x0800, 60);
	struct {
		const char *name;
		size_t len;
		size_t hlen;
		uint8_t buf[L2_FRAME_MAX];
	} t[5];

	bench_up();
	t[0].name = "bcast";
	t[0].len = bcast_pkt(t[0].buf, N1, O1, 5, 9, inner, ilen);
	t[0].hlen = L2_BCAST_HLEN + L2_ETH_HLEN;
	t[1].name = "unicast";
	t[1].len = unicast_pkt(t[1].buf, A_P0, N1, MAC_A, 9, 0, inner, ilen);
	t[1].hlen = L2_UNICAST_HLEN + L2_ETH_HLEN;
	t[2].name = "icmp";
	icmp_to(&ic, L2_ICMP_ECHO_REQUEST, MAC_A, O1, 9);
	t[2].len = icmp_pkt(t[2].buf, A_P0, N1, &ic);
	t[2].hlen = t[2].len;
	t[3].name = "utvlv";
	t[3].len = utvlv_pkt(t[3].buf, MAC_A, 9, tv, 0);
	t[3].hlen = t[3].len;
	t[4].name = "frag";
	memcpy(t[4].buf, t[1].buf, t[1].len);
	t[4].buf[L2_ETH_HLEN] = L2_PT_UNICAST_FRAG;
	t[4].len = L2_ETH_HLEN + L2_FRAG_HLEN + 10;
	t[4].hlen = L2_ETH_HLEN + L2_FRAG_HLEN;
	/* every cut short of the header, from no Ethernet header on */
	for (size_t i = 0; i < 5; i++)
		for (size_t cut = 0; cut < t[i].hlen; cut++)
			bad_mesh(t[i].buf, cut, t[i].name);
	/* a unicast header with less than an Ethernet header behind it */
	for (size_t cut = t[1].hlen; cut < t[1].hlen + L2_ETH_HLEN; cut++)
		bad_mesh(t[1].buf, cut, "unicast inner");
	bench_down();
}

static void test_malformed_fields(void)
{
	uint8_t f[3000], inner[L2_FRAME_MAX], nested[L2_FRAME_MAX], tv[16] = { 0 };
	struct l2_icmp ic;
	struct mc_wr w;
	size_t len, ilen = client_frame(inner, C1, C9, 0x0800, 60);
	size_t nlen = client_frame(nested, C1, C9, L2_ETHERTYPE_BATMAN, 40);

	bench_up();
	len = unicast_pkt(f, A_P0, N1, O2, 0, 0, inner, ilen);
	bad_mesh(f, len, "unicast ttl 0");
	len = bcast_pkt(f, N1, O1, 5, 0, inner, ilen);
	bad_mesh(f, len, "bcast ttl 0");
	len = unicast_pkt(f, A_P0, N1, MAC_A, 9, 0, inner, ilen);
	f[L2_ETH_HLEN] = 0x7f;
	bad_mesh(f, len, "unknown type");
	f[L2_ETH_HLEN] = L2_PT_MCAST;
	bad_mesh(f, len, "unsupported type");
	f[L2_ETH_HLEN] = L2_PT_UNICAST;
	f[L2_ETH_HLEN + 1] = 14;
	bad_mesh(f, len, "version 14");
	len = unicast_pkt(f, BCAST, N1, MAC_A, 9, 0, inner, ilen);
	bad_mesh(f, len, "unicast to broadcast");
	len = unicast_pkt(f, B_P0, N1, MAC_A, 9, 0, inner, ilen);
	bad_mesh(f, len, "unicast for another port");
	len = bcast_pkt(f, N1, O1, 5, 9, inner, ilen);
	f[0] = 0x02;
	bad_mesh(f, len, "bcast to unicast");
	len = bcast_pkt(f, N1, O1, 5, 9, inner, 10);
	bad_mesh(f, len, "bcast short inner");
	len = bcast_pkt(f, N1, O1, 6, 9, nested, nlen);
	bad_mesh(f, len, "bcast batman inner");
	len = utvlv_pkt(f, MAC_A, 9, tv, 8);
	f[L2_ETH_HLEN + 16] = 0xff;
	f[L2_ETH_HLEN + 17] = 0xff;
	bad_mesh(f, len, "utvlv huge tvlv_len");
	f[L2_ETH_HLEN + 16] = 0;
	f[L2_ETH_HLEN + 17] = 7;
	bad_mesh(f, len, "utvlv odd tvlv_len");
	icmp_to(&ic, L2_ICMP_ECHO_REQUEST, MAC_A, O1, 9);
	ic.has_rr = true;
	len = icmp_pkt(f, A_P0, N1, &ic);
	f[L2_ETH_HLEN + 17] = 17;
	bad_mesh(f, len, "icmp rr_cur 17");
	f[L2_ETH_HLEN + 17] = 16;
	bad_mesh(f, len, "icmp rr full");
	icmp_to(&ic, L2_ICMP_TP, MAC_A, O1, 9);
	len = icmp_pkt(f, A_P0, N1, &ic);
	bad_mesh(f, len, "icmp tp for us");
	icmp_to(&ic, L2_ICMP_ECHO_REQUEST, MAC_A, O3, 9);
	len = icmp_pkt(f, A_P0, N1, &ic);
	bad_mesh(f, len, "echo from nowhere");
	memset(f, 0, sizeof(f));
	mc_wr_init(&w, f, sizeof(f));
	put_eth(&w, A_P0, N1, L2_ETHERTYPE_BATMAN);
	l2_unicast_encode(&w, &(struct l2_unicast){ .ttl = 9, .dest = { 2, 0, 0, 0, 0, 0x0a } });
	bad_mesh(f, sizeof(f), "3000 bytes");
	len = client_frame(f, A_P0, N1, 0x0800, 60);
	bad_mesh(f, len, "not batman");

	client_frame(f, C2, C1, 0x0800, 60);
	bad_local(f, 10, "runt");
	len = client_frame(f, C2, BCAST, 0x0800, 60);
	bad_local(f, len, "group source");
	len = client_frame(f, C2, C1, L2_ETHERTYPE_BATMAN, 60);
	bad_local(f, len, "batman from a client");
	len = client_frame(f, C2, C1, 0x0800, L2_CLIENT_FRAME_MAX + 1);
	bad_local(f, len, "too big");
	len = client_frame(f, C2, MAC_A, 0x0800, 60);
	bad_local(f, len, "bat0's MAC from a LAN port");
	bench_down();
}

static void test_malformed_frag(void)
{
	uint8_t frame[L2_FRAME_MAX];
	struct frags fr;

	bench_up();
	make_frags(&fr, frame);
	frag_total(fr.f[0], fr.len[0], 65535);
	bad_at(&tb, fr.f[0], fr.len[0], "frag total 65535");
	frag_total(fr.f[0], fr.len[0], 1524);
	bad_at(&tb, fr.f[0], L2_ETH_HLEN + L2_FRAG_HLEN, "frag without payload");
	bad_at(&ta, fr.f[0], fr.len[0], "frag for B arriving at A");
	tb.s->nroutes = 0;	/* B forgets A */
	bad_at(&tb, fr.f[0], fr.len[0], "frag from an unknown originator");
	bench_down();
}

/* A merged packet that is not unicast-class, or a fragment of fragments. */
static void test_malformed_merge(void)
{
	uint8_t f[L2_FRAME_MAX], pkt[64];
	struct l2_frag fh = { .ttl = 9, .seqno = 77, .total_size = 40 };
	struct mc_wr w;
	uint64_t before;

	bench_up();
	memcpy(fh.dest, MAC_B, 6);
	memcpy(fh.orig, MAC_A, 6);
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = L2_PT_UNICAST_FRAG;
	pkt[1] = 15;
	pkt[2] = 9;
	mc_wr_init(&w, f, sizeof(f));
	put_eth(&w, B_P0, A_P0, L2_ETHERTYPE_BATMAN);
	l2_frag_encode(&w, &fh);
	mc_wr_bytes(&w, pkt, 40);
	before = drops(&tb);
	rx_mesh(&tb, MP_WIRED, f, mc_wr_len(&w));
	CHECK_INT(drops(&tb), before + 1);
	CHECK_INT(stat(&tb, L2_STAT_DROP_FRAG_INVALID), 1);
	CHECK_INT(tb.ncap, 0);
	bench_down();
}

int main(void)
{
	RUN(test_frag_send);
	RUN(test_frag_reassembly);
	RUN(test_frag_timeout_and_lies);
	RUN(test_frag_forward);
	RUN(test_icmp);
	RUN(test_icmp_ping);
	RUN(test_utvlv);
	RUN(test_malformed_truncated);
	RUN(test_malformed_fields);
	RUN(test_malformed_frag);
	RUN(test_malformed_merge);
	return check_exit();
}
