/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data plane on real l2_node instances, with the routing plane and TT
 * faked (tests/l2stubs) and an env that captures every frame: the soft
 * switch and its learning, unicast to TT clients, forwarding, TTL,
 * broadcast dedup/rebroadcast/suppression, the anycast filter in both
 * directions, fragmentation and reassembly between two nodes, ICMP,
 * unicast TVLVs, and malformed input counted once and dropped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "l2mesh/core/data.h"
#include "tests/l2stubs/fake.h"
#include "tests/unit/check.h"

/* ---- the test bench ---------------------------------------------------------- */

enum { CAP_MESH, CAP_LOCAL };
#define CAP_MAX 64

struct cap {
	int kind;
	unsigned port;
	size_t len;
	uint64_t t;
	uint8_t buf[L2_FRAME_MAX];
};

struct tnode {
	struct l2_node *n;
	struct stub_node *s;
	struct cap cap[CAP_MAX];
	unsigned ncap;
	struct l2_icmp_result icmp[8];
	unsigned nicmp;
};

static uint64_t now = 1000000;
static struct tnode ta, tb;

/* node A: originator, bat0 */
static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0x00, 0x0a };
static const uint8_t A_P0[6] = { 0x02, 0, 0, 0, 0x01, 0x0a };	/* wired */
static const uint8_t A_P1[6] = { 0x02, 0, 0, 0, 0x02, 0x0a };	/* wireless */
static const uint8_t MAC_B[6] = { 0x02, 0, 0, 0, 0x00, 0x0b };
static const uint8_t B_P0[6] = { 0x02, 0, 0, 0, 0x01, 0x0b };
static const uint8_t B_P1[6] = { 0x02, 0, 0, 0, 0x02, 0x0b };
/* other originators and their ports towards us */
static const uint8_t O1[6] = { 0x02, 0, 0, 0, 0x00, 0x01 };
static const uint8_t N1[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
static const uint8_t O2[6] = { 0x02, 0, 0, 0, 0x00, 0x02 };
static const uint8_t N2[6] = { 0x02, 0, 0, 0, 0x02, 0x02 };
static const uint8_t O3[6] = { 0x02, 0, 0, 0, 0x00, 0x03 };
/* clients */
static const uint8_t C1[6] = { 0x52, 0, 0, 0, 0, 0x01 };	/* A's lan1 */
static const uint8_t C2[6] = { 0x52, 0, 0, 0, 0, 0x02 };	/* A's lan2 */
static const uint8_t C9[6] = { 0x52, 0, 0, 0, 0, 0x09 };	/* at O1 */
static const uint8_t CB[6] = { 0x52, 0, 0, 0, 0, 0x0b };	/* at B */
static const uint8_t CX[6] = { 0x52, 0, 0, 0, 0, 0xee };	/* nobody's */
static const uint8_t ANYGW[6] = { 0xaa, 0x00, 0x00, 0xaa, 0xaa, 0xaa };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t LAN1[6] = { 0x02, 0, 0, 0, 0x03, 0x01 };
static const uint8_t LAN2[6] = { 0x02, 0, 0, 0, 0x03, 0x02 };

/* local ports, in l2_local_add order */
enum { LP_BAT0, LP_ANYGW, LP_LAN1, LP_LAN2, LP_COUNT };
/* mesh ports */
enum { MP_WIRED, MP_WIFI };

static void cap_add(struct tnode *t, int kind, unsigned port, const uint8_t *f,
		    size_t len)
{
	struct cap *c;

	if (t->ncap == CAP_MAX || len > L2_FRAME_MAX) {
		fprintf(stderr, "capture overflow\n");
		abort();
	}
	c = &t->cap[t->ncap++];
	c->kind = kind;
	c->port = port;
	c->len = len;
	c->t = now;
	memcpy(c->buf, f, len);
}

static void env_mesh(void *u, unsigned port, const uint8_t *f, size_t len)
{
	cap_add(u, CAP_MESH, port, f, len);
}

static void env_local(void *u, unsigned lport, const uint8_t *f, size_t len)
{
	cap_add(u, CAP_LOCAL, lport, f, len);
}

static uint32_t env_rand(void *u)
{
	return 0x12345678;
}

static void env_icmp(void *u, const struct l2_icmp_result *res)
{
	struct tnode *t = u;

	if (t->nicmp < 8)
		t->icmp[t->nicmp++] = *res;
}

static void tnode_up(struct tnode *t, const uint8_t mac[6], const uint8_t p0[6],
		     const uint8_t p1[6])
{
	struct l2_config cfg;
	struct l2_env env = {
		.user = t, .mesh_send = env_mesh, .local_send = env_local,
		.rand = env_rand, .icmp = env_icmp,
	};

	memset(t, 0, sizeof(*t));
	l2_config_defaults(&cfg, mac);
	memcpy(cfg.anygw_mac, ANYGW, 6);
	inet_pton(AF_INET, "10.13.0.1", &cfg.anygw_ip4);
	inet_pton(AF_INET6, "fd0d:fe46:8ce8::1", &cfg.anygw_ip6);
	t->s = stub_add(mac);
	t->n = l2_node_new(&cfg, &env, now);
	CHECK(t->n != NULL);
	/* in TT's place: its unicast TVLVs recorded */
	CHECK_INT(stub_tvlv_record(t->n, L2_TVLV_TT, L2_TVLV_TT_VERSION), 0);
	CHECK_INT(stub_tvlv_record(t->n, L2_TVLV_ROAM, L2_TVLV_ROAM_VERSION), 0);
	CHECK_INT(l2_port_add(t->n, "mesh0", p0, 1500, false), MP_WIRED);
	CHECK_INT(l2_port_add(t->n, "wlan0", p1, 1500, true), MP_WIFI);
	CHECK_INT(l2_local_add(t->n, "bat0", L2_LOCAL_HOST, mac), LP_BAT0);
	CHECK_INT(l2_local_add(t->n, "anygw", L2_LOCAL_ANYGW, ANYGW), LP_ANYGW);
	CHECK_INT(l2_local_add(t->n, "lan1", L2_LOCAL_LAN, LAN1), LP_LAN1);
	CHECK_INT(l2_local_add(t->n, "lan2", L2_LOCAL_LAN, LAN2), LP_LAN2);
}

/* Two nodes A and B, each with a neighbour on both ports. */
static void bench_up(void)
{
	now = 1000000;
	stub_reset();
	tnode_up(&ta, MAC_A, A_P0, A_P1);
	tnode_up(&tb, MAC_B, B_P0, B_P1);
	stub_neigh_add(ta.s, MP_WIRED, N1);
	stub_neigh_add(ta.s, MP_WIRED, B_P0);
	stub_neigh_add(ta.s, MP_WIFI, N2);
	stub_neigh_add(ta.s, MP_WIFI, B_P1);
	stub_route_add(ta.s, O1, MP_WIRED, N1);
	stub_route_add(ta.s, O2, MP_WIFI, N2);
	stub_route_add(ta.s, MAC_B, MP_WIRED, B_P0);
	stub_route_add(tb.s, MAC_A, MP_WIRED, A_P0);
	stub_client_add(ta.s, C9, 0, O1, 7);
	stub_client_add(ta.s, CB, 0, MAC_B, 3);
}

static void bench_down(void)
{
	l2_node_free(ta.n);
	l2_node_free(tb.n);
}

static void clear(struct tnode *t)
{
	t->ncap = 0;
	t->nicmp = 0;
}

static unsigned ncaps(const struct tnode *t, int kind, int port)
{
	unsigned k = 0;

	for (unsigned i = 0; i < t->ncap; i++)
		if (t->cap[i].kind == kind && (port < 0 || t->cap[i].port == (unsigned)port))
			k++;
	return k;
}

/* The i-th capture of kind on port (any port for -1). */
static const struct cap *capn(const struct tnode *t, int kind, int port, unsigned i)
{
	for (unsigned j = 0; j < t->ncap; j++)
		if (t->cap[j].kind == kind && (port < 0 || t->cap[j].port == (unsigned)port))
			if (i-- == 0)
				return &t->cap[j];
	return NULL;
}

static uint64_t stat(const struct tnode *t, enum l2_stat s)
{
	return t->n->stats[s];
}

/* Every drop counter and tx_dropped together. */
static uint64_t drops(const struct tnode *t)
{
	uint64_t sum = stat(t, L2_STAT_TX_DROPPED);

	for (int s = 0; s < L2_STAT_COUNT; s++)
		if (!strncmp(l2_stat_name((enum l2_stat)s), "drop_", 5))
			sum += t->n->stats[s];
	return sum;
}

static void rx_mesh(struct tnode *t, unsigned port, const uint8_t *f, size_t len)
{
	l2_rx_mesh(t->n, port, f, len, now);
}

static void rx_local(struct tnode *t, unsigned lport, const uint8_t *f, size_t len)
{
	l2_rx_local(t->n, lport, f, len, now);
}

/* ---- frame builders ---------------------------------------------------------------- */

static void put_eth(struct mc_wr *w, const uint8_t dst[6], const uint8_t src[6],
		    uint16_t type)
{
	struct l2_eth e = { .ethertype = type };

	memcpy(e.dst, dst, 6);
	memcpy(e.src, src, 6);
	l2_eth_encode(w, &e);
}

/* A client frame of total bytes: Ethernet, then a counting pattern. */
static size_t client_frame(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6],
			   uint16_t type, size_t total)
{
	struct mc_wr w;

	mc_wr_init(&w, buf, L2_FRAME_MAX);
	put_eth(&w, dst, src, type);
	for (size_t i = L2_ETH_HLEN; i < total; i++)
		mc_wr_u8(&w, (uint8_t)(i * 7 + 3));
	return mc_wr_len(&w);
}

static size_t arp_frame(uint8_t *buf, const uint8_t src[6], const char *sip,
			const char *tip, uint16_t oper)
{
	struct mc_wr w;
	uint8_t ip[4];

	mc_wr_init(&w, buf, L2_FRAME_MAX);
	put_eth(&w, BCAST, src, 0x0806);
	mc_wr_u16(&w, 1);
	mc_wr_u16(&w, 0x0800);
	mc_wr_u8(&w, 6);
	mc_wr_u8(&w, 4);
	mc_wr_u16(&w, oper);
	mc_wr_bytes(&w, src, 6);
	inet_pton(AF_INET, sip, ip);
	mc_wr_bytes(&w, ip, 4);
	mc_wr_zero(&w, 6);
	inet_pton(AF_INET, tip, ip);
	mc_wr_bytes(&w, ip, 4);
	mc_wr_zero(&w, 18);	/* Ethernet padding */
	return mc_wr_len(&w);
}

/* IPv4/UDP from src (broadcast) with the given ports. */
static size_t udp4_frame(uint8_t *buf, const uint8_t src[6], uint16_t sport,
			 uint16_t dport)
{
	struct mc_wr w;

	mc_wr_init(&w, buf, L2_FRAME_MAX);
	put_eth(&w, BCAST, src, 0x0800);
	mc_wr_u8(&w, 0x45);
	mc_wr_u8(&w, 0);
	mc_wr_u16(&w, 20 + 8 + 240);
	mc_wr_zero(&w, 4);		/* id, flags/offset */
	mc_wr_u8(&w, 64);
	mc_wr_u8(&w, 17);
	mc_wr_zero(&w, 2 + 4);		/* checksum, 0.0.0.0 */
	mc_wr_u32(&w, 0xffffffff);
	mc_wr_u16(&w, sport);
	mc_wr_u16(&w, dport);
	mc_wr_u16(&w, 8 + 240);
	mc_wr_zero(&w, 2 + 240);
	return mc_wr_len(&w);
}

/* IPv6 to dst with next header nh; the caller appends the payload. */
static void ip6_begin(struct mc_wr *w, uint8_t *buf, const uint8_t dst[6],
		      const uint8_t src[6], uint8_t nh, uint16_t plen)
{
	mc_wr_init(w, buf, L2_FRAME_MAX);
	put_eth(w, dst, src, 0x86dd);
	mc_wr_u32(w, 0x60000000);
	mc_wr_u16(w, plen);
	mc_wr_u8(w, nh);
	mc_wr_u8(w, 255);
	mc_wr_u16(w, 0xfe80);
	mc_wr_zero(w, 14);
	mc_wr_u16(w, 0xff02);
	mc_wr_zero(w, 13);
	mc_wr_u8(w, 2);
}

static size_t rs_frame(uint8_t *buf, const uint8_t src[6])
{
	static const uint8_t all_routers[6] = { 0x33, 0x33, 0, 0, 0, 0x02 };
	struct mc_wr w;

	ip6_begin(&w, buf, all_routers, src, 58, 8);
	mc_wr_u8(&w, 133);
	mc_wr_zero(&w, 7);
	return mc_wr_len(&w);
}

static size_t ns_frame(uint8_t *buf, const uint8_t src[6], const char *target)
{
	static const uint8_t solicited[6] = { 0x33, 0x33, 0xff, 0, 0, 0x01 };
	struct mc_wr w;
	uint8_t t6[16];

	ip6_begin(&w, buf, solicited, src, 58, 24);
	mc_wr_u8(&w, 135);
	mc_wr_zero(&w, 7);
	inet_pton(AF_INET6, target, t6);
	mc_wr_bytes(&w, t6, 16);
	return mc_wr_len(&w);
}

static size_t dhcp6_frame(uint8_t *buf, const uint8_t src[6])
{
	static const uint8_t all_dhcp[6] = { 0x33, 0x33, 0, 0x01, 0, 0x02 };
	struct mc_wr w;

	ip6_begin(&w, buf, all_dhcp, src, 17, 12);
	mc_wr_u16(&w, 546);
	mc_wr_u16(&w, 547);
	mc_wr_u16(&w, 12);
	mc_wr_zero(&w, 6);
	return mc_wr_len(&w);
}

/* BCAST from orig via neighbour `from`, carrying the client frame. */
static size_t bcast_pkt(uint8_t *buf, const uint8_t from[6], const uint8_t orig[6],
			uint32_t seqno, uint8_t ttl, const uint8_t *frame, size_t len)
{
	struct l2_bcast b = { .ttl = ttl, .seqno = seqno };
	struct mc_wr w;

	memcpy(b.orig, orig, 6);
	mc_wr_init(&w, buf, L2_FRAME_MAX);
	put_eth(&w, BCAST, from, L2_ETHERTYPE_BATMAN);
	l2_bcast_encode(&w, &b);
	mc_wr_bytes(&w, frame, len);
	return mc_wr_len(&w);
}

static size_t unicast_pkt(uint8_t *buf, const uint8_t to[6], const uint8_t from[6],
			  const uint8_t dest[6], uint8_t ttl, uint8_t ttvn,
			  const uint8_t *frame, size_t len)
{
	struct l2_unicast u = { .ttl = ttl, .ttvn = ttvn };
	struct mc_wr w;

	memcpy(u.dest, dest, 6);
	mc_wr_init(&w, buf, L2_FRAME_MAX);
	put_eth(&w, to, from, L2_ETHERTYPE_BATMAN);
	l2_unicast_encode(&w, &u);
	mc_wr_bytes(&w, frame, len);
	return mc_wr_len(&w);
}

static size_t icmp_pkt(uint8_t *buf, const uint8_t to[6], const uint8_t from[6],
		       const struct l2_icmp *ic)
{
	struct mc_wr w;

	mc_wr_init(&w, buf, L2_FRAME_MAX);
	put_eth(&w, to, from, L2_ETHERTYPE_BATMAN);
	l2_icmp_encode(&w, ic);
	return mc_wr_len(&w);
}

/* Decodes the batman header after a captured frame's Ethernet header. */
static struct mc_rd cap_batman(const struct cap *c, struct l2_eth *eth)
{
	struct mc_rd r;

	mc_rd_init(&r, c->buf, c->len);
	CHECK_INT(l2_eth_decode(&r, eth), 0);
	CHECK_INT(eth->ethertype, L2_ETHERTYPE_BATMAN);
	return r;
}

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

	/* our own: TTL 49, seqno 1 then 2, orig = node MAC */
	clear(&ta);
	len = arp_frame(f, C1, "10.13.0.51", "10.13.0.9", 1);
	rx_local(&ta, LP_LAN1, f, len);
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIRED), 2);
	r = cap_batman(capn(&ta, CAP_MESH, MP_WIRED, 1), &eth);
	CHECK_INT(l2_bcast_decode(&r, &b), 0);
	CHECK_INT(b.ttl, 49);
	CHECK_INT(b.seqno, 2);
	CHECK(l2_mac_eq(b.orig, MAC_A));
	CHECK(!memcmp(mc_rd_cur(&r), f, len));
	CHECK_INT(stat(&ta, L2_STAT_BCAST_TX), 2);
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

	/* wired: the one neighbour is the originator */
	clear(&ta);
	s->nneigh[MP_WIRED] = 0;
	stub_neigh_add(s, MP_WIRED, O1);
	len = bcast_pkt(f, N2, O1, 1, 20, inner, ilen);
	rx_mesh(&ta, MP_WIFI, f, len);
	CHECK_INT(ncaps(&ta, CAP_MESH, -1), 0);

	/* two neighbours: sent, even back on the port it came from */
	clear(&ta);
	stub_neigh_add(s, MP_WIRED, N1);
	len = bcast_pkt(f, N1, O1, 2, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIRED), 1);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIFI), 0);

	/* too big for a port: dropped there, never fragmented */
	clear(&ta);
	ta.n->ports[MP_WIRED].mtu = 60;	/* the BCAST is 14 + 60 */
	len = bcast_pkt(f, N1, O1, 3, 20, inner, ilen);
	rx_mesh(&ta, MP_WIRED, f, len);
	CHECK_INT(ncaps(&ta, CAP_MESH, -1), 0);
	CHECK_INT(stat(&ta, L2_STAT_DROP_TOO_BIG), 1);
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

	/* ordinary ARP and NS still reach the mesh */
	clear(&ta);
	len = arp_frame(f, C1, "10.13.0.51", "10.13.0.2", 1);
	rx_local(&ta, LP_LAN1, f, len);
	len = ns_frame(f, C1, "fd0d:fe46:8ce8::2");
	rx_local(&ta, LP_LAN1, f, len);
	CHECK_INT(ncaps(&ta, CAP_MESH, MP_WIRED), 2);
	CHECK_INT(stat(&ta, L2_STAT_ANYCAST_FILTERED), 8);
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
	RUN(test_switch_learning);
	RUN(test_switch_unknown_unicast);
	RUN(test_unicast_to_tt_client);
	RUN(test_unicast_forward);
	RUN(test_unicast_deliver);
	RUN(test_bcast_dedup);
	RUN(test_bcast_rebroadcast);
	RUN(test_bcast_suppression);
	RUN(test_anycast_from_local);
	RUN(test_anycast_from_mesh);
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
