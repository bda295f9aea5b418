/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data plane on real l2_node instances, with the routing plane and TT
 * faked (tests/l2stubs) and an env that captures every frame
 * (l2_data_bench.h): the soft switch and its learning, unicast to TT
 * clients, forwarding, TTL, broadcast dedup/rebroadcast/suppression and
 * the anycast filter in both directions. test_l2_data_frag.c has the rest.
 */
#include <errno.h>
#include <stdint.h>

#include "tests/unit/l2_data_bench.h"

/* ---- the soft switch ---------------------------------------------------------------- */

static void test_switch_learning(void)
{
	uint8_t f[L2_FRAME_MAX];
	size_t len;

	bench_up();
	/* a broadcast from C1 on lan1: every other local port and the mesh */
	len = arp_frame(f, C1, "10.13.0.51", "10.13.0.52", 1);
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), 3);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, LP_LAN1), 0);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIRED), 1);
	CHECK_INT(stat(&ta, L2_STAT_TX), 1);
	CHECK_INT(stat(&ta, L2_STAT_TX_BYTES), len);
	CHECK_INT(ta.s->local_seen, 1);
	CHECK(l2_mac_eq(ta.s->last_local_seen.mac, C1));
	CHECK_INT(ta.s->last_local_seen.vid, 0);
	CHECK_INT(ta.s->last_local_seen.lport, LP_LAN1);

	/* C2 on lan2 to C1: learnt on lan1, delivered there only */
	clear(&ta);
	len = client_frame(f, C1, C2, 0x0800, 100);
	rx_local(&ta, LP_LAN2, f, len);
	CHECK_INT(ta.ncap, 1);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, LP_LAN1), 1);
	CHECK_INT(capn(&ta, CAP_LOCAL, LP_LAN1, 0)->len, len);
	CHECK(!memcmp(capn(&ta, CAP_LOCAL, LP_LAN1, 0)->buf, f, len));
	CHECK_INT(stat(&ta, L2_STAT_TX), 1);
	CHECK_INT(ta.s->last_local_seen.lport, LP_LAN2);

	/* and back: C1 to C2, now learnt on lan2 */
	clear(&ta);
	len = client_frame(f, C2, C1, 0x0800, 80);
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ta.ncap, 1);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, LP_LAN2), 1);

	/* to bat0's MAC: the host only */
	clear(&ta);
	len = client_frame(f, MAC_A, C1, 0x0800, 80);
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ta.ncap, 1);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, LP_BAT0), 1);

	/* an 802.1Q-tagged client: VID 5 with HAS_TAG for TT */
	clear(&ta);
	len = client_frame(f, C1, C2, 0x8100, 80);
	f[14] = 0x00;
	f[15] = 0x05;
	f[16] = 0x08;
	f[17] = 0x00;
	rx_local(&ta, LP_LAN2, f, len);
	CHECK_INT(ta.s->last_local_seen.vid, 0x8005);

	/* the learnt port ages out after 300 s: flooded again */
	clear(&ta);
	now += L2_FDB_AGING_MS + 1;
	l2_tick(ta.n, now);
	len = client_frame(f, C1, MAC_A, 0x0800, 80);
	rx_local(&ta, LP_BAT0, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), 3);
	bench_down();
}

static void test_switch_unknown_unicast(void)
{
	uint8_t f[L2_FRAME_MAX];
	size_t len;

	bench_up();
	/* batman-adv drops it at bat0; the bridge part floods it locally */
	len = client_frame(f, CX, C1, 0x0800, 90);
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), 3);
	CHECK_INT(ncaps(&ta, CAP_MESH, -1), 0);
	CHECK_INT(stat(&ta, L2_STAT_TX_DROPPED), 1);
	CHECK_INT(stat(&ta, L2_STAT_TX), 0);

	/* with flooding on it goes out as our BCAST too */
	clear(&ta);
	ta.n->data->flood_unknown_unicast = true;
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), 3);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIRED), 1);
	CHECK_INT(capn(&ta, CAP_MESH, MP_WIRED, 0)->buf[L2_ETH_HLEN], L2_PT_BCAST);
	CHECK_INT(stat(&ta, L2_STAT_TX), 1);
	bench_down();
}

static void test_unicast_to_tt_client(void)
{
	uint8_t f[L2_FRAME_MAX];
	struct l2_unicast u;
	struct l2_eth eth;
	struct mc_rd r;
	const struct cap *c;
	size_t len;

	bench_up();
	len = client_frame(f, C9, C1, 0x0800, 60);
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), 0);
	CHECK_INT(ncaps(&ta, CAP_MESH, -1), 1);
	c = capn(&ta, CAP_MESH, MP_WIRED, 0);
	CHECK(c != NULL);
	if (!c)
		goto out;
	CHECK_INT(c->len, L2_ETH_HLEN + L2_UNICAST_HLEN + len);
	r = cap_batman(c, &eth);
	CHECK(l2_mac_eq(eth.dst, N1));
	CHECK(l2_mac_eq(eth.src, A_P0));
	/* type UNICAST, version 15, TTL 50, O1's TTVN 7, dest O1 */
	CHECK_INT(c->buf[14], 0x40);
	CHECK_INT(c->buf[15], 0x0f);
	CHECK_INT(c->buf[16], 50);
	CHECK_INT(c->buf[17], 7);
	CHECK_INT(l2_unicast_decode(&r, &u), 0);
	CHECK(l2_mac_eq(u.dest, O1));
	CHECK(!memcmp(mc_rd_cur(&r), f, len));
	CHECK_INT(stat(&ta, L2_STAT_TX), 1);
	CHECK_INT(stat(&ta, L2_STAT_TX_BYTES), len);

	/* no route to the client's originator: tx_dropped */
	clear(&ta);
	stub_client_add(ta.s, CX, 0, O3, 1);
	len = client_frame(f, CX, C1, 0x0800, 60);
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ta.ncap, 0);
	CHECK_INT(stat(&ta, L2_STAT_TX_DROPPED), 1);
out:
	bench_down();
}

/* ---- unicast receive ------------------------------------------------------------------- */

static void test_unicast_forward(void)
{
	uint8_t f[L2_FRAME_MAX], inner[L2_FRAME_MAX];
	struct l2_eth eth;
	struct l2_unicast u;
	struct mc_rd r;
	const struct cap *c;
	size_t len, ilen;

	bench_up();
	ilen = client_frame(inner, C9, C1, 0x0800, 70);
	len = unicast_pkt(f, A_P0, N1, O2, 5, 4, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ta.ncap, 1);
	c = capn(&ta, CAP_MESH, MP_WIFI, 0);
	CHECK(c != NULL);
	if (c) {
		r = cap_batman(c, &eth);
		CHECK(l2_mac_eq(eth.dst, N2));
		CHECK(l2_mac_eq(eth.src, A_P1));
		CHECK_INT(l2_unicast_decode(&r, &u), 0);
		CHECK_INT(u.ttl, 4);
		CHECK_INT(u.ttvn, 4);
		CHECK(l2_mac_eq(u.dest, O2));
		CHECK_INT(mc_rd_left(&r), ilen);
		CHECK(!memcmp(mc_rd_cur(&r), inner, ilen));
	}
	CHECK_INT(stat(&ta, L2_STAT_FORWARD), 1);
	CHECK_INT(stat(&ta, L2_STAT_FORWARD_BYTES), len);
	CHECK_INT(ta.s->check_unicast, 1);

	/* TTL 1 cannot be forwarded; no ICMP for data */
	clear(&ta);
	len = unicast_pkt(f, A_P0, N1, O2, 1, 4, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ta.ncap, 0);
	CHECK_INT(stat(&ta, L2_STAT_DROP_TTL), 1);

	/* no route to the destination */
	len = unicast_pkt(f, A_P0, N1, O3, 5, 4, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ta.ncap, 0);
	CHECK_INT(stat(&ta, L2_STAT_DROP_NO_ROUTE), 1);

	/* for us, but TT redirects the client to O2 with TTVN 9 */
	clear(&ta);
	stub_redirect_add(ta.s, C9, O2, 9);
	len = unicast_pkt(f, A_P0, N1, MAC_A, 5, 2, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	c = capn(&ta, CAP_MESH, MP_WIFI, 0);
	CHECK(c != NULL);
	if (c) {
		r = cap_batman(c, &eth);
		CHECK_INT(l2_unicast_decode(&r, &u), 0);
		CHECK(l2_mac_eq(u.dest, O2));
		CHECK_INT(u.ttvn, 9);
		CHECK_INT(u.ttl, 4);
	}
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), 0);
	bench_down();
}

static void test_unicast_deliver(void)
{
	uint8_t f[L2_FRAME_MAX], inner[L2_FRAME_MAX];
	struct l2_unicast_4addr u4 = { .u = { .ttl = 5 }, .subtype = L2_4ADDR_DATA };
	struct mc_wr w;
	size_t len, ilen;

	bench_up();
	/* C1 is learnt on lan1: the frame for it goes there alone */
	len = client_frame(f, C2, C1, 0x0800, 60);
	rx_local(&ta, LP_LAN1, f, len);
	clear(&ta);
	ilen = client_frame(inner, C1, C9, 0x0800, 70);
	len = unicast_pkt(f, A_P0, N1, MAC_A, 5, 0, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ta.ncap, 1);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, LP_LAN1), 1);
	CHECK(!memcmp(capn(&ta, CAP_LOCAL, LP_LAN1, 0)->buf, inner, ilen));
	CHECK_INT(stat(&ta, L2_STAT_RX), 1);
	CHECK_INT(stat(&ta, L2_STAT_RX_BYTES), ilen);
	/* plain UNICAST does not say who sent it: no TEMP entry */
	CHECK_INT(ta.s->temp_seen, 0);

	/* 4ADDR DATA from O1 with an unknown client: TEMP, once */
	clear(&ta);
	memcpy(u4.u.dest, MAC_A, 6);
	memcpy(u4.src, O1, 6);
	ilen = client_frame(inner, BCAST, CX, 0x0800, 70);
	mc_wr_init(&w, f, sizeof(f));
	put_eth(&w, A_P0, N1, L2_ETHERTYPE_BATMAN);
	l2_unicast_4addr_encode(&w, &u4);
	mc_wr_bytes(&w, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, mc_wr_len(&w));
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), LP_COUNT);
	CHECK_INT(ta.s->temp_seen, 1);
	CHECK(l2_mac_eq(ta.s->last_temp.mac, CX));
	CHECK(l2_mac_eq(ta.s->last_temp.orig, O1));
	rx_mesh(&ta, MP_WIRED, f, mc_wr_len(&w));
	CHECK_INT(ta.s->temp_seen, 1);

	/* a client that roamed to the mesh is no longer switched locally */
	clear(&ta);
	ilen = client_frame(inner, MAC_A, C1, 0x0800, 70);
	len = unicast_pkt(f, A_P0, N1, MAC_A, 5, 0, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	clear(&ta);
	len = client_frame(f, C1, C2, 0x0800, 60);
	rx_local(&ta, LP_LAN2, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), 3);	/* unknown again: flooded */
	bench_down();
}

/* ---- broadcast ----------------------------------------------------------------------------- */

static void test_bcast_dedup(void)
{
	uint8_t f[L2_FRAME_MAX], inner[L2_FRAME_MAX];
	size_t len, ilen;

	bench_up();
	ilen = arp_frame(inner, CX, "10.13.0.9", "10.13.0.51", 1);
	len = bcast_pkt(f, N1, O1, 10, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), LP_COUNT);
	CHECK(!memcmp(capn(&ta, CAP_LOCAL, LP_BAT0, 0)->buf, inner, ilen));
	CHECK_INT(stat(&ta, L2_STAT_BCAST_RX), 1);
	CHECK_INT(ta.s->temp_seen, 1);		/* CX, unknown to TT, is at O1 */

	/* the same seqno again, over the other port: dropped */
	clear(&ta);
	len = bcast_pkt(f, N2, O1, 10, 20, inner, ilen);
	rx_mesh(&ta, MP_WIFI, f, len);
	CHECK_INT(ta.ncap, 0);
	CHECK_INT(stat(&ta, L2_STAT_DROP_DUPLICATE), 1);

	/* an older one inside the window is new; then a duplicate of it */
	len = bcast_pkt(f, N1, O1, 9, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), LP_COUNT);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(stat(&ta, L2_STAT_DROP_DUPLICATE), 2);

	/* 100 ahead restarts the window at 110; 65 back from there looks
	 * like a restart of O1: taken once, it arms the 30 s protection */
	clear(&ta);
	len = bcast_pkt(f, N1, O1, 110, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), LP_COUNT);
	len = bcast_pkt(f, N1, O1, 45, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), 2 * LP_COUNT);
	CHECK_INT(stat(&ta, L2_STAT_DROP_SEQNO_RESET), 0);

	/* a second jump within 30 s is ignored, accepted after */
	len = bcast_pkt(f, N1, O1, 200000, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(stat(&ta, L2_STAT_DROP_SEQNO_RESET), 1);
	now += L2_RESET_PROTECTION_MS;
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(stat(&ta, L2_STAT_DROP_SEQNO_RESET), 1);
	CHECK_INT(stat(&ta, L2_STAT_BCAST_RX), 5);

	/* own, unknown originator, TTL 1 */
	clear(&ta);
	len = bcast_pkt(f, N1, MAC_A, 1, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(stat(&ta, L2_STAT_DROP_OWN), 1);
	len = bcast_pkt(f, N1, O3, 1, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(stat(&ta, L2_STAT_DROP_NO_ROUTE), 1);
	len = bcast_pkt(f, N1, O1, 200001, 1, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(stat(&ta, L2_STAT_DROP_TTL), 1);
	CHECK_INT(ta.ncap, 0);
	bench_down();
}

static void test_bcast_rebroadcast(void)
{
	uint8_t f[L2_FRAME_MAX], inner[L2_FRAME_MAX];
	struct l2_bcast b;
	struct l2_eth eth;
	struct mc_rd r;
	uint64_t t0, next;
	size_t len, ilen;

	bench_up();
	stub_neigh_add(ta.s, MP_WIRED, O3);	/* 3 neighbours: no suppression */
	ilen = arp_frame(inner, C9, "10.13.0.9", "10.13.0.51", 1);
	len = bcast_pkt(f, N1, O1, 77, 20, inner, ilen);
	t0 = now;
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIRED), 1);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIFI), 1);
	r = cap_batman(capn(&ta, CAP_MESH, MP_WIFI, 0), &eth);
	CHECK(l2_mac_eq(eth.dst, BCAST));
	CHECK(l2_mac_eq(eth.src, A_P1));
	CHECK_INT(l2_bcast_decode(&r, &b), 0);
	CHECK_INT(b.ttl, 19);
	CHECK_INT(b.seqno, 77);
	CHECK(l2_mac_eq(b.orig, O1));

	/* the wireless copies follow 5 ms apart, driven by the tick */
	next = l2_tick(ta.n, now);
	CHECK_INT(next, t0 + 5);
	now = next;
	next = l2_tick(ta.n, now);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIFI), 2);
	CHECK_INT(next, t0 + 10);
	now = next;
	next = l2_tick(ta.n, now);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIFI), 3);
	CHECK(next > t0 + 10);
	now += 100;
	l2_tick(ta.n, now);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIFI), 3);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIRED), 1);
	CHECK_INT(capn(&ta, CAP_MESH, MP_WIFI, 1)->t, t0 + 5);
	CHECK_INT(capn(&ta, CAP_MESH, MP_WIFI, 2)->t, t0 + 10);
	CHECK_INT(capn(&ta, CAP_MESH, MP_WIFI, 2)->len, len);
	CHECK(!memcmp(capn(&ta, CAP_MESH, MP_WIFI, 2)->buf,
		      capn(&ta, CAP_MESH, MP_WIFI, 0)->buf, len));

	/* our own: TTL 49, consecutive seqnos from a random start (no kept
	 * one in this config), orig = node MAC */
	clear(&ta);
	uint32_t start = l2_bcast_seqno(ta.n);
	len = arp_frame(f, C1, "10.13.0.51", "10.13.0.9", 1);
	rx_local(&ta, LP_LAN1, f, len);
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIRED), 2);
	r = cap_batman(capn(&ta, CAP_MESH, MP_WIRED, 0), &eth);
	CHECK_INT(l2_bcast_decode(&r, &b), 0);
	CHECK(b.seqno == start + 1);
	r = cap_batman(capn(&ta, CAP_MESH, MP_WIRED, 1), &eth);
	CHECK_INT(l2_bcast_decode(&r, &b), 0);
	CHECK_INT(b.ttl, 49);
	CHECK(b.seqno == start + 2 && l2_bcast_seqno(ta.n) == start + 2);
	CHECK(l2_mac_eq(b.orig, MAC_A));
	CHECK(!memcmp(mc_rd_cur(&r), f, len));
	CHECK_INT(stat(&ta, L2_STAT_BCAST_TX), 2);
	bench_down();
}

/* A kept broadcast seqno (l2meshd.seqno) is carried on from, across the
 * 32-bit wrap too. */
static void test_bcast_seqno_kept(void)
{
	uint8_t f[L2_FRAME_MAX];
	struct l2_eth eth;
	struct l2_bcast b;
	struct mc_rd r;
	size_t len;

	bench_bcast_kept = true;
	bench_bcast_start = UINT32_MAX;
	bench_up();
	bench_bcast_kept = false;
	CHECK(l2_bcast_seqno(ta.n) == UINT32_MAX);
	len = arp_frame(f, C1, "10.13.0.51", "10.13.0.9", 1);
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIRED), 1);
	r = cap_batman(capn(&ta, CAP_MESH, MP_WIRED, 0), &eth);
	CHECK_INT(l2_bcast_decode(&r, &b), 0);
	CHECK(b.seqno == 0);
	CHECK(l2_bcast_seqno(ta.n) == 0);
	bench_down();
}

static void test_bcast_suppression(void)
{
	uint8_t f[L2_FRAME_MAX], inner[L2_FRAME_MAX];
	struct stub_node *s;
	size_t len, ilen;

	bench_up();
	s = ta.s;
	ilen = arp_frame(inner, C9, "10.13.0.9", "10.13.0.51", 1);
	/* wired: the one neighbour is the sender; wifi: none */
	s->nneigh[MP_WIRED] = 0;
	s->nneigh[MP_WIFI] = 0;
	stub_neigh_add(s, MP_WIRED, N1);
	len = bcast_pkt(f, N1, O2, 1, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ncaps(&ta, CAP_MESH, -1), 0);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), LP_COUNT);

	/* wired: the one neighbour is the originator (another frame: the
	 * same one from another originator this soon is a backbone copy) */
	clear(&ta);
	s->nneigh[MP_WIRED] = 0;
	stub_neigh_add(s, MP_WIRED, O1);
	ilen = arp_frame(inner, C9, "10.13.0.9", "10.13.0.52", 1);
	len = bcast_pkt(f, N2, O1, 1, 20, inner, ilen);
	rx_mesh(&ta, MP_WIFI, f, len);
	CHECK_INT(ncaps(&ta, CAP_MESH, -1), 0);

	/* two neighbours: sent, even back on the port it came from */
	clear(&ta);
	stub_neigh_add(s, MP_WIRED, N1);
	ilen = arp_frame(inner, C9, "10.13.0.9", "10.13.0.53", 1);
	len = bcast_pkt(f, N1, O1, 2, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIRED), 1);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIFI), 0);

	/* too big for a port: dropped there, never fragmented */
	clear(&ta);
	ta.n->ports[MP_WIRED].mtu = 60;	/* the BCAST is 14 + 60 */
	ilen = arp_frame(inner, C9, "10.13.0.9", "10.13.0.54", 1);
	len = bcast_pkt(f, N1, O1, 3, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ncaps(&ta, CAP_MESH, -1), 0);
	CHECK_INT(stat(&ta, L2_STAT_DROP_TOO_BIG), 1);
	bench_down();
}

/* batman-adv's broadcast duplicate list (bridge loop avoidance): the
 * same frame from a second originator within 500 ms is dropped, neither
 * resent nor delivered; from the same originator again it is not a copy */
static void test_bcast_duplist(void)
{
	uint8_t f[L2_FRAME_MAX], inner[L2_FRAME_MAX];
	size_t len, ilen;

	bench_up();
	stub_neigh_add(ta.s, MP_WIRED, N1);
	stub_neigh_add(ta.s, MP_WIRED, N2);
	ilen = arp_frame(inner, C9, "10.13.0.9", "10.13.0.61", 1);
	len = bcast_pkt(f, N1, O1, 1, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), LP_COUNT);
	clear(&ta);
	/* the LAN's other backbone gateway O2 put the same frame in */
	len = bcast_pkt(f, N2, O2, 1, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), 0);
	CHECK_INT(ncaps(&ta, CAP_MESH, -1), 0);
	CHECK_INT(stat(&ta, L2_STAT_DROP_BCAST_DUP), 1);
	clear(&ta);
	/* O1 sending it again (a new seqno) is the client repeating itself */
	len = bcast_pkt(f, N1, O1, 2, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), LP_COUNT);
	bench_down();
}

/* ---- the anycast filter ------------------------------------------------------------------ */

static void test_anycast_from_local(void)
{
	uint8_t f[L2_FRAME_MAX];
	size_t len;

	bench_up();
	/* ARP for the anygw address: the anygw port alone */
	len = arp_frame(f, C1, "10.13.0.51", "10.13.0.1", 1);
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ta.ncap, 1);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, LP_ANYGW), 1);
	CHECK_INT(stat(&ta, L2_STAT_ANYCAST_FILTERED), 1);
	CHECK_INT(stat(&ta, L2_STAT_TX), 0);

	/* DHCP discover: the anygw and the other LAN ports, not the host
	 * (bat0) and not the mesh */
	clear(&ta);
	len = udp4_frame(f, C1, 68, 67);
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), 2);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, LP_ANYGW), 1);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, LP_LAN2), 1);
	CHECK_INT(ncaps(&ta, CAP_MESH, -1), 0);
	CHECK_INT(stat(&ta, L2_STAT_ANYCAST_FILTERED), 2);

	/* router solicitation, DHCPv6 solicit: the same */
	clear(&ta);
	len = rs_frame(f, C1);
	rx_local(&ta, LP_LAN1, f, len);
	len = dhcp6_frame(f, C1);
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), 4);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, LP_BAT0), 0);
	CHECK_INT(ncaps(&ta, CAP_MESH, -1), 0);

	/* the gateway's broadcast offer: the LAN ports only */
	clear(&ta);
	len = udp4_frame(f, ANYGW, 67, 68);
	rx_local(&ta, LP_ANYGW, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), 2);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, LP_BAT0), 0);
	CHECK_INT(ncaps(&ta, CAP_MESH, -1), 0);

	/* neighbour solicitation for the anygw IPv6 address: anygw only */
	clear(&ta);
	len = ns_frame(f, C1, "fd0d:fe46:8ce8::1");
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ta.ncap, 1);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, LP_ANYGW), 1);

	/* unicast to the anygw MAC: anygw only */
	clear(&ta);
	len = client_frame(f, ANYGW, C1, 0x0800, 80);
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ta.ncap, 1);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, LP_ANYGW), 1);

	/* the gateway's answer to C1: to C1's port, never the mesh or TT */
	clear(&ta);
	len = client_frame(f, C1, ANYGW, 0x0800, 80);
	rx_local(&ta, LP_ANYGW, f, len);
	CHECK_INT(ta.ncap, 1);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, LP_LAN1), 1);
	CHECK(!l2_mac_eq(ta.s->last_local_seen.mac, ANYGW));
	CHECK_INT(stat(&ta, L2_STAT_ANYCAST_FILTERED), 8);

	/* bat0 asking for a client in the anycast address's name: it would
	 * teach the client the node's MAC for its gateway; and a client's NA
	 * for the anycast IPv6 address: both dropped, nowhere */
	clear(&ta);
	len = arp_frame(f, O1, "10.13.0.1", "10.13.0.51", 1);
	rx_local(&ta, LP_BAT0, f, len);
	len = ns_frame(f, C1, "fd0d:fe46:8ce8::1");
	f[54] = 136;	/* NS -> NA, same target */
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ta.ncap, 0);
	CHECK_INT(stat(&ta, L2_STAT_ANYCAST_CLAIM), 2);
	CHECK_INT(stat(&ta, L2_STAT_ANYCAST_FILTERED), 10);

	/* ordinary ARP and NS still reach the mesh */
	clear(&ta);
	len = arp_frame(f, C1, "10.13.0.51", "10.13.0.2", 1);
	rx_local(&ta, LP_LAN1, f, len);
	len = ns_frame(f, C1, "fd0d:fe46:8ce8::2");
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIRED), 2);
	CHECK_INT(stat(&ta, L2_STAT_ANYCAST_FILTERED), 10);
	CHECK_INT(stat(&ta, L2_STAT_TX), 2);
	bench_down();
}

static void test_anycast_from_mesh(void)
{
	uint8_t f[L2_FRAME_MAX], inner[L2_FRAME_MAX];
	size_t len, ilen;

	bench_up();
	/* a remote client's DHCP discover: rebroadcast, never delivered */
	ilen = udp4_frame(inner, C9, 68, 67);
	len = bcast_pkt(f, N1, O1, 1, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), 0);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIRED), 1);
	CHECK_INT(stat(&ta, L2_STAT_DROP_ANYCAST), 1);
	CHECK_INT(stat(&ta, L2_STAT_RX), 0);

	/* ARP for the anygw address, and a router advertisement */
	ilen = arp_frame(inner, C9, "10.13.0.9", "10.13.0.1", 1);
	len = bcast_pkt(f, N1, O1, 2, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	ilen = rs_frame(inner, C9);
	inner[L2_ETH_HLEN + 40] = 134;
	len = bcast_pkt(f, N1, O1, 3, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(stat(&ta, L2_STAT_DROP_ANYCAST), 3);

	/* a remote gateway's frame (source anygw) in a UNICAST for us */
	ilen = client_frame(inner, C1, ANYGW, 0x0800, 80);
	len = unicast_pkt(f, A_P0, N1, MAC_A, 5, 0, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(stat(&ta, L2_STAT_DROP_ANYCAST), 4);
	CHECK_INT(ncaps(&ta, CAP_LOCAL, -1), 0);
	bench_down();
}

int main(void)
{
	RUN(test_switch_learning);
	RUN(test_switch_unknown_unicast);
	RUN(test_unicast_to_tt_client);
	RUN(test_unicast_forward);
	RUN(test_unicast_deliver);
	RUN(test_bcast_dedup);
	RUN(test_bcast_rebroadcast);
	RUN(test_bcast_seqno_kept);
	RUN(test_bcast_suppression);
	RUN(test_bcast_duplist);
	RUN(test_anycast_from_local);
	RUN(test_anycast_from_mesh);
	return check_exit();
}
