/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2_DATA_BENCH_H
#define L2_DATA_BENCH_H

/*
 * The data plane's test bench, shared by test_l2_data.c and
 * test_l2_data_frag.c (each a test of its own): two real l2_node
 * instances A and B whose routing plane and TT are the stand-ins of
 * tests/l2stubs, an env that captures every frame, and frame builders.
 * Everything is static (inline) so that the CHECKs below count in the
 * test that includes this, after tests/unit/check.h.
 */

#include <arpa/inet.h>
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

static inline void cap_add(struct tnode *t, int kind, unsigned port, const uint8_t *f,
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

static inline void env_mesh(void *u, unsigned port, const uint8_t *f, size_t len)
{
	cap_add(u, CAP_MESH, port, f, len);
}

static inline void env_local(void *u, unsigned lport, const uint8_t *f, size_t len)
{
	cap_add(u, CAP_LOCAL, lport, f, len);
}

static inline uint32_t env_rand(void *u)
{
	return 0x12345678;
}

static inline void env_icmp(void *u, const struct l2_icmp_result *res)
{
	struct tnode *t = u;

	if (t->nicmp < 8)
		t->icmp[t->nicmp++] = *res;
}

/* a kept broadcast seqno for the nodes bench_up makes (l2meshd.seqno) */
static bool bench_bcast_kept;
static uint32_t bench_bcast_start;

static inline void tnode_up(struct tnode *t, const uint8_t mac[6], const uint8_t p0[6],
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
	if (bench_bcast_kept) {
		cfg.bcast_seqno_kept = true;
		cfg.bcast_seqno_start = bench_bcast_start;
	}
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
static inline void bench_up(void)
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

static inline void bench_down(void)
{
	l2_node_free(ta.n);
	l2_node_free(tb.n);
}

static inline void clear(struct tnode *t)
{
	t->ncap = 0;
	t->nicmp = 0;
}

static inline unsigned ncaps(const struct tnode *t, int kind, int port)
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

static inline uint64_t stat(const struct tnode *t, enum l2_stat s)
{
	return t->n->stats[s];
}

/* Every drop counter and tx_dropped together. */
static inline uint64_t drops(const struct tnode *t)
{
	uint64_t sum = stat(t, L2_STAT_TX_DROPPED);

	for (int s = 0; s < L2_STAT_COUNT; s++)
		if (!strncmp(l2_stat_name((enum l2_stat)s), "drop_", 5))
			sum += t->n->stats[s];
	return sum;
}

static inline void rx_mesh(struct tnode *t, unsigned port, const uint8_t *f, size_t len)
{
	l2_rx_mesh(t->n, port, f, len, now);
}

static inline void rx_local(struct tnode *t, unsigned lport, const uint8_t *f, size_t len)
{
	l2_rx_local(t->n, lport, f, len, now);
}

/* ---- frame builders ---------------------------------------------------------------- */

static inline void put_eth(struct mc_wr *w, const uint8_t dst[6], const uint8_t src[6],
		    uint16_t type)
{
	struct l2_eth e = { .ethertype = type };

	memcpy(e.dst, dst, 6);
	memcpy(e.src, src, 6);
	l2_eth_encode(w, &e);
}

/* A client frame of total bytes: Ethernet, then a counting pattern. */
static inline size_t client_frame(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6],
			   uint16_t type, size_t total)
{
	struct mc_wr w;

	mc_wr_init(&w, buf, L2_FRAME_MAX);
	put_eth(&w, dst, src, type);
	for (size_t i = L2_ETH_HLEN; i < total; i++)
		mc_wr_u8(&w, (uint8_t)(i * 7 + 3));
	return mc_wr_len(&w);
}

static inline size_t arp_frame(uint8_t *buf, const uint8_t src[6], const char *sip,
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
static inline size_t udp4_frame(uint8_t *buf, const uint8_t src[6], uint16_t sport,
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
static inline void ip6_begin(struct mc_wr *w, uint8_t *buf, const uint8_t dst[6],
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

static inline size_t rs_frame(uint8_t *buf, const uint8_t src[6])
{
	static const uint8_t all_routers[6] = { 0x33, 0x33, 0, 0, 0, 0x02 };
	struct mc_wr w;

	ip6_begin(&w, buf, all_routers, src, 58, 8);
	mc_wr_u8(&w, 133);
	mc_wr_zero(&w, 7);
	return mc_wr_len(&w);
}

static inline size_t ns_frame(uint8_t *buf, const uint8_t src[6], const char *target)
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

static inline size_t dhcp6_frame(uint8_t *buf, const uint8_t src[6])
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
static inline size_t bcast_pkt(uint8_t *buf, const uint8_t from[6], const uint8_t orig[6],
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

static inline size_t unicast_pkt(uint8_t *buf, const uint8_t to[6], const uint8_t from[6],
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

static inline size_t icmp_pkt(uint8_t *buf, const uint8_t to[6], const uint8_t from[6],
		       const struct l2_icmp *ic)
{
	struct mc_wr w;

	mc_wr_init(&w, buf, L2_FRAME_MAX);
	put_eth(&w, to, from, L2_ETHERTYPE_BATMAN);
	l2_icmp_encode(&w, ic);
	return mc_wr_len(&w);
}

/* Decodes the batman header after a captured frame's Ethernet header. */
static inline struct mc_rd cap_batman(const struct cap *c, struct l2_eth *eth)
{
	struct mc_rd r;

	mc_rd_init(&r, c->buf, c->len);
	CHECK_INT(l2_eth_decode(&r, eth), 0);
	CHECK_INT(eth->ethertype, L2_ETHERTYPE_BATMAN);
	return r;
}

#endif
