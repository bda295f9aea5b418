/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Builds one frame of every batman-adv type l2mesh emits with the l2mesh
 * encoders, each plain and behind an 802.1ad tag, and writes:
 *   argv[1]  a pcap file (linktype 1, Ethernet) for tshark to dissect;
 *   argv[2]  the expectations: lines "<frame> <tshark field> <value>", the
 *            values as tshark -T fields prints them;
 *   argv[3]  optional: a directory to drop each frame into as a fuzz seed.
 * With -x first, every TT VLAN CRC is off by one: a control run showing
 * that tshark's CRC check can fail, so its "Good" means something.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2mesh/core/packet.h"

#define FRAME_MAX 1600
#define CLOUD_VID 29		/* LibreMesh cloud VLAN for N1 = 13 (ssid LibreMesh.org) */
#define FRAG_PAYLOAD 200	/* ICMP data bytes in the fragmented packet */

static const uint8_t BCAST_MAC[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t NODE_A[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x0a };
static const uint8_t NODE_B[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x0b };
static const uint8_t NODE_C[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x0c };
static const uint8_t CLIENT_1[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x01 };
static const uint8_t CLIENT_2[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x02 };

struct gen {
	bool bad_crc;		/* -x */
	FILE *pcap;
	FILE *expect;
	const char *corpus;
	unsigned frame;		/* pcap frame number, 1-based */
	bool tagged;		/* current variant */
	uint8_t buf[FRAME_MAX];
	struct mc_wr w;
	const char *name;
};

static int die(const char *what)
{
	fprintf(stderr, "l2_pcapgen: %s: %s\n", what, strerror(errno));
	return 1;
}

static void check(int rc, const char *what)
{
	if (rc < 0) {
		fprintf(stderr, "l2_pcapgen: encoding %s failed: %d\n", what, rc);
		exit(1);
	}
}

/* ---- pcap ---------------------------------------------------------------- */

static void put_u32(FILE *f, uint32_t v) { fwrite(&v, 4, 1, f); }
static void put_u16(FILE *f, uint16_t v) { fwrite(&v, 2, 1, f); }

/* Host byte order throughout: readers go by the magic. */
static void pcap_header(FILE *f)
{
	put_u32(f, 0xa1b2c3d4);		/* magic, microsecond timestamps */
	put_u16(f, 2);			/* version 2.4 */
	put_u16(f, 4);
	put_u32(f, 0);			/* thiszone */
	put_u32(f, 0);			/* sigfigs */
	put_u32(f, 65535);		/* snaplen */
	put_u32(f, 1);			/* LINKTYPE_ETHERNET */
}

static void pcap_record(FILE *f, unsigned n, const uint8_t *p, size_t len)
{
	put_u32(f, 1700000000u + n);	/* fixed times: reproducible output */
	put_u32(f, 0);
	put_u32(f, (uint32_t)len);
	put_u32(f, (uint32_t)len);
	fwrite(p, 1, len, f);
}

/* ---- frame assembly ---------------------------------------------------------- */

static void expect(struct gen *g, const char *field, const char *fmt, ...)
{
	va_list ap;

	fprintf(g->expect, "%u %s ", g->frame + 1, field);
	va_start(ap, fmt);
	vfprintf(g->expect, fmt, ap);
	va_end(ap);
	fputc('\n', g->expect);
}

static void mac_str(const uint8_t m[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* Starts a frame: the outer Ethernet header, tagged in the second pass. */
static void frame_begin(struct gen *g, const char *name, const uint8_t dst[6],
			const uint8_t src[6])
{
	struct l2_eth eth = { .ethertype = L2_ETHERTYPE_BATMAN };

	g->name = name;
	memcpy(eth.dst, dst, 6);
	memcpy(eth.src, src, 6);
	if (g->tagged) {
		eth.tagged = true;
		eth.tpid = L2_ETHERTYPE_8021AD;
		eth.tci = CLOUD_VID;
		expect(g, "ieee8021ad.id", "%u", CLOUD_VID);
	}
	mc_wr_init(&g->w, g->buf, sizeof(g->buf));
	check(l2_eth_encode(&g->w, &eth), "eth");
}

static void frame_end(struct gen *g)
{
	char path[4096];
	FILE *f;

	check(mc_wr_ok(&g->w) ? 0 : -EMSGSIZE, g->name);
	g->frame++;
	pcap_record(g->pcap, g->frame, g->buf, mc_wr_len(&g->w));
	if (!g->corpus)
		return;
	snprintf(path, sizeof(path), "%s/%02u-%s%s.bin", g->corpus, g->frame,
		 g->name, g->tagged ? "-8021ad" : "");
	f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(g->buf, 1, mc_wr_len(&g->w), f);
	fclose(f);
}

/* ---- inner frames ---------------------------------------------------------------- */

/* A client's Ethernet frame with an IPv4 ICMP echo request of n data bytes. */
static void inner_icmp(struct mc_wr *w, size_t n)
{
	struct l2_eth eth = { .ethertype = 0x0800 };
	uint8_t *ip, *icmp;
	size_t ip_len = 20 + 8 + n;

	memcpy(eth.dst, CLIENT_2, 6);
	memcpy(eth.src, CLIENT_1, 6);
	l2_eth_encode(w, &eth);
	if (mc_wr_reserve(w, &ip, ip_len) < 0)
		return;
	memset(ip, 0, ip_len);
	ip[0] = 0x45;
	mc_put_u16(ip + 2, (uint16_t)ip_len);
	mc_put_u16(ip + 4, 0x1234);	/* id */
	ip[8] = 64;			/* TTL */
	ip[9] = 1;			/* ICMP */
	memcpy(ip + 12, (const uint8_t[]){ 10, 0, 0, 1, 10, 0, 0, 2 }, 8);
	mc_put_u16(ip + 10, mc_csum_fold(mc_csum_add(0, ip, 20)));
	icmp = ip + 20;
	icmp[0] = 8;			/* echo request */
	mc_put_u16(icmp + 4, 0x0042);	/* id */
	mc_put_u16(icmp + 6, 1);	/* seq */
	for (size_t i = 0; i < n; i++)
		icmp[8 + i] = (uint8_t)i;
	mc_put_u16(icmp + 2, mc_csum_fold(mc_csum_add(0, icmp, 8 + n)));
}

/* A broadcast ARP request from CLIENT_1 for 10.0.0.2. */
static void inner_arp(struct mc_wr *w)
{
	struct l2_eth eth = { .ethertype = 0x0806 };

	memcpy(eth.dst, BCAST_MAC, 6);
	memcpy(eth.src, CLIENT_1, 6);
	l2_eth_encode(w, &eth);
	mc_wr_u16(w, 1);		/* Ethernet */
	mc_wr_u16(w, 0x0800);		/* IPv4 */
	mc_wr_u8(w, 6);
	mc_wr_u8(w, 4);
	mc_wr_u16(w, 1);		/* request */
	mc_wr_bytes(w, CLIENT_1, 6);
	mc_wr_bytes(w, (const uint8_t[]){ 10, 0, 0, 1 }, 4);
	mc_wr_zero(w, 6);
	mc_wr_bytes(w, (const uint8_t[]){ 10, 0, 0, 2 }, 4);
}

/* ---- TT data shared by the OGM and the TT response ---------------------------------- */

/*
 * Three clients untagged and one on VLAN 42. An odd count per VLAN
 * matters: XOR-ing an even number of same-length CRCs cancels any error
 * in the seed or the final inversion, and would hide it from the check.
 */
#define TT_TAGGED_VID (L2_VLAN_HAS_TAG | 42)
#define TT_NCLIENTS 4

static const struct l2_tt_change TT_CLIENTS[TT_NCLIENTS] = {
	{ 0, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x01 }, 0 },
	{ L2_TT_CLIENT_WIFI, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x02 }, 0 },
	{ L2_TT_CLIENT_ISOLA, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x03 }, 0 },
	{ 0, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x04 }, TT_TAGGED_VID },
};

static uint32_t tt_vlan_crc(const struct gen *g, uint16_t vid)
{
	uint32_t crc = 0;

	for (size_t i = 0; i < TT_NCLIENTS; i++)
		if (TT_CLIENTS[i].vid == vid)
			crc ^= l2_tt_crc_entry(TT_CLIENTS[i].addr, vid,
					       TT_CLIENTS[i].flags);
	return g->bad_crc ? crc + 1 : crc;
}

static void tt_tvlv(struct gen *g, uint8_t flags, uint8_t ttvn, size_t nchanges)
{
	struct l2_tt_data d = { flags, ttvn, 2 };
	struct l2_tt_vlan v[2] = { { tt_vlan_crc(g, 0), 0 },
				   { tt_vlan_crc(g, TT_TAGGED_VID), TT_TAGGED_VID } };

	check(l2_tvlv_tt_encode(&g->w, &d, v, TT_CLIENTS, nchanges), "tt");
	expect(g, "batadv.tvlv.tt.ttvn", "%u", ttvn);
	expect(g, "batadv.tvlv.tt.num_vlan", "2");
	expect(g, "batadv.tvlv.tt.vlan.crc", "0x%08x,0x%08x", v[0].crc, v[1].crc);
}

/* ---- the frames -------------------------------------------------------------------- */

/* One OGM at the writer; TVLVs by mask: 1 GW, 2 TT, 4 DAT, 8 MCAST. */
static void ogm_put(struct gen *g, uint32_t seqno, const uint8_t orig[6],
		    unsigned tvlvs)
{
	struct l2_ogm o = { .ttl = 50, .flags = L2_OGM_F_DIRECTLINK,
			    .seqno = seqno, .tq = L2_TQ_MAX };
	struct l2_tvlv_gw gw = { 100, 20 };
	struct l2_tvlv_mcast m = { L2_MCAST_WANT_ALL_UNSNOOPABLES |
				   L2_MCAST_WANT_NO_RTR4 | L2_MCAST_WANT_NO_RTR6 };
	size_t off = mc_wr_len(&g->w);

	memcpy(o.orig, orig, 6);
	memcpy(o.prev_sender, orig, 6);
	check(l2_ogm_encode(&g->w, &o), "ogm");
	if (tvlvs & 1)
		check(l2_tvlv_gw_encode(&g->w, &gw), "gw");
	if (tvlvs & 2)
		tt_tvlv(g, L2_TT_OGM_DIFF, 3, TT_NCLIENTS);
	if (tvlvs & 4)
		check(l2_tvlv_encode(&g->w, L2_TVLV_DAT, L2_TVLV_DAT_VERSION,
				     NULL, 0), "dat");
	if (tvlvs & 8)
		check(l2_tvlv_mcast_encode(&g->w, &m), "mcast");
	check(l2_ogm_tvlv_finish(&g->w, off), "ogm tvlv_len");
}

static void gen_ogm(struct gen *g)
{
	char mac[18];

	frame_begin(g, "ogm-tt-gw", BCAST_MAC, NODE_A);
	ogm_put(g, 4660, NODE_A, 1 | 2 | 4 | 8);
	mac_str(NODE_A, mac);
	expect(g, "batadv.iv_ogm.version", "15");
	expect(g, "batadv.iv_ogm.seq", "4660");
	expect(g, "batadv.iv_ogm.orig", "%s", mac);
	expect(g, "batadv.iv_ogm.tq", "255");
	expect(g, "batadv.iv_ogm.ttl", "50");
	expect(g, "batadv.tvlv.gw.dl_speed", "100");	/* raw: units of 100 kbit/s */
	expect(g, "batadv.tvlv.gw.ul_speed", "20");
	frame_end(g);
}

static void gen_ogm_aggregated(struct gen *g)
{
	char a[18], b[18], c[18];

	frame_begin(g, "ogm-aggr", BCAST_MAC, NODE_A);
	ogm_put(g, 100, NODE_A, 1 | 2);
	ogm_put(g, 200, NODE_B, 0);
	ogm_put(g, 300, NODE_C, 8);
	mac_str(NODE_A, a);
	mac_str(NODE_B, b);
	mac_str(NODE_C, c);
	expect(g, "batadv.iv_ogm.seq", "100,200,300");
	expect(g, "batadv.iv_ogm.orig", "%s,%s,%s", a, b, c);
	frame_end(g);
}

static void gen_bcast(struct gen *g)
{
	struct l2_bcast b = { .ttl = 49, .seqno = 7 };
	char mac[18];

	frame_begin(g, "bcast-arp", BCAST_MAC, NODE_B);
	memcpy(b.orig, NODE_B, 6);
	check(l2_bcast_encode(&g->w, &b), "bcast");
	inner_arp(&g->w);
	mac_str(NODE_B, mac);
	expect(g, "batadv.bcast.version", "15");
	expect(g, "batadv.bcast.seq", "7");
	expect(g, "batadv.bcast.orig", "%s", mac);
	expect(g, "arp.dst.proto_ipv4", "10.0.0.2");
	frame_end(g);
}

static void gen_unicast(struct gen *g)
{
	struct l2_unicast u = { .ttl = 49, .ttvn = 3 };
	char mac[18];

	frame_begin(g, "unicast-icmp", NODE_A, NODE_B);
	memcpy(u.dest, NODE_A, 6);
	check(l2_unicast_encode(&g->w, &u), "unicast");
	inner_icmp(&g->w, 8);
	mac_str(NODE_A, mac);
	expect(g, "batadv.unicast.version", "15");
	expect(g, "batadv.unicast.ttvn", "3");
	expect(g, "batadv.unicast.dst", "%s", mac);
	expect(g, "icmp.type", "8");
	expect(g, "ip.checksum.status", "2");
	frame_end(g);
}

static void gen_4addr(struct gen *g)
{
	struct l2_unicast_4addr u = { .u = { .ttl = 49, .ttvn = 4 },
				      .subtype = L2_4ADDR_DATA };
	char mac[18];

	frame_begin(g, "unicast-4addr", NODE_A, NODE_B);
	memcpy(u.u.dest, NODE_A, 6);
	memcpy(u.src, NODE_B, 6);
	check(l2_unicast_4addr_encode(&g->w, &u), "4addr");
	inner_icmp(&g->w, 8);
	mac_str(NODE_B, mac);
	expect(g, "batadv.unicast_4addr.version", "15");
	expect(g, "batadv.unicast_4addr.ttvn", "4");
	expect(g, "batadv.unicast_4addr.src", "%s", mac);
	expect(g, "batadv.unicast_4addr.subtype", "1");
	expect(g, "icmp.type", "8");
	frame_end(g);
}

/*
 * A unicast packet too big for the link, cut in two as fragmentation.c
 * does: fragments are eaten from the tail, so no 0 carries the tail and
 * goes out first, and the highest no carries the head.
 */
static void gen_frag_pair(struct gen *g)
{
	uint8_t whole[FRAME_MAX];
	struct mc_wr w;
	struct l2_unicast u = { .ttl = 49, .ttvn = 3 };
	struct l2_frag f = { .ttl = 50, .priority = 0 };
	size_t half;

	mc_wr_init(&w, whole, sizeof(whole));
	memcpy(u.dest, NODE_A, 6);
	l2_unicast_encode(&w, &u);
	inner_icmp(&w, FRAG_PAYLOAD);
	check(mc_wr_ok(&w) ? 0 : -EMSGSIZE, "frag inner");
	half = mc_wr_len(&w) / 2;
	memcpy(f.dest, NODE_A, 6);
	memcpy(f.orig, NODE_B, 6);
	f.seqno = g->tagged ? 78 : 77;	/* two reassemblies, not one */
	f.total_size = (uint16_t)mc_wr_len(&w);
	for (uint8_t no = 0; no < 2; no++) {
		size_t from = no ? 0 : half, to = no ? half : mc_wr_len(&w);

		frame_begin(g, no ? "frag-1-head" : "frag-0-tail", NODE_A, NODE_B);
		f.no = no;
		check(l2_frag_encode(&g->w, &f), "frag");
		mc_wr_bytes(&g->w, whole + from, to - from);
		expect(g, "batadv.unicast_frag.version", "15");
		expect(g, "batadv.unicast_frag.no", "%u", no);
		expect(g, "batadv.unicast_frag.seq", "%u", f.seqno);
		expect(g, "batadv.unicast_frag.total_size", "%u", f.total_size);
		if (no)
			expect(g, "icmp.type", "8");
		frame_end(g);
	}
}

static void gen_icmp(struct gen *g, bool rr)
{
	struct l2_icmp ic = { .ttl = 50, .msg_type = L2_ICMP_ECHO_REQUEST,
			      .uid = 5, .seqno = 1 };
	char mac[18];

	frame_begin(g, rr ? "icmp-rr" : "icmp-echo", NODE_A, NODE_B);
	memcpy(ic.dst, NODE_A, 6);
	memcpy(ic.orig, NODE_B, 6);
	if (rr) {
		ic.has_rr = true;
		ic.rr_cur = 1;
		memcpy(ic.rr[0], NODE_B, 6);
	}
	check(l2_icmp_encode(&g->w, &ic), "icmp");
	mac_str(NODE_A, mac);
	expect(g, "batadv.icmp.version", "15");
	expect(g, "batadv.icmp.msg_type", "8");
	expect(g, "batadv.icmp.dst", "%s", mac);
	expect(g, "batadv.icmp.seq", "1");
	if (rr)
		expect(g, "batadv.icmp.rr_pointer", "1");
	frame_end(g);
}

static void utvlv_begin(struct gen *g, const char *name, size_t *off)
{
	struct l2_unicast_tvlv u = { .ttl = 50 };
	char mac[18];

	frame_begin(g, name, NODE_A, NODE_B);
	memcpy(u.dst, NODE_A, 6);
	memcpy(u.src, NODE_B, 6);
	*off = mc_wr_len(&g->w);
	check(l2_unicast_tvlv_encode(&g->w, &u), "unicast tvlv");
	mac_str(NODE_B, mac);
	expect(g, "batadv.unicast_tvlv.version", "15");
	expect(g, "batadv.unicast_tvlv.src", "%s", mac);
}

static void gen_tt_request_roam(struct gen *g)
{
	struct l2_tvlv_roam ro = { .vid = 0 };
	char mac[18];
	size_t off;

	utvlv_begin(g, "utvlv-ttreq-roam", &off);
	tt_tvlv(g, L2_TT_REQUEST | L2_TT_FULL_TABLE, 3, 0);
	memcpy(ro.client, CLIENT_2, 6);
	check(l2_tvlv_roam_encode(&g->w, &ro), "roam");
	check(l2_unicast_tvlv_finish(&g->w, off), "utvlv len");
	expect(g, "batadv.unicast_tvlv.len", "%u", 4 + 4 + 2 * 8 + 4 + 8);
	mac_str(CLIENT_2, mac);
	expect(g, "batadv.batman.addr", "%s", mac);
	frame_end(g);
}

static void gen_tt_response(struct gen *g)
{
	size_t off;

	utvlv_begin(g, "utvlv-ttresp", &off);
	tt_tvlv(g, L2_TT_RESPONSE | L2_TT_FULL_TABLE, 3, TT_NCLIENTS);
	check(l2_unicast_tvlv_finish(&g->w, off), "utvlv len");
	/* Wireshark recomputes a full table's CRC: 1 Good, 0 Bad */
	expect(g, "batadv.tvlv.tt.vlan.crc.status", g->bad_crc ? "0,0" : "1,1");
	frame_end(g);
}

static void gen_all(struct gen *g)
{
	gen_ogm(g);
	gen_ogm_aggregated(g);
	gen_bcast(g);
	gen_unicast(g);
	gen_4addr(g);
	gen_frag_pair(g);
	gen_icmp(g, false);
	gen_icmp(g, true);
	gen_tt_request_roam(g);
	gen_tt_response(g);
}

int main(int argc, char **argv)
{
	static struct gen g;

	if (argc > 1 && !strcmp(argv[1], "-x")) {
		g.bad_crc = true;
		argc--;
		argv++;
	}
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: l2_pcapgen [-x] out.pcap out.expect [corpus-dir]\n");
		return 2;
	}
	g.pcap = fopen(argv[1], "wb");
	if (!g.pcap)
		return die(argv[1]);
	g.expect = fopen(argv[2], "w");
	if (!g.expect)
		return die(argv[2]);
	g.corpus = argc == 4 ? argv[3] : NULL;
	pcap_header(g.pcap);
	for (int tagged = 0; tagged < 2; tagged++) {
		g.tagged = tagged;
		gen_all(&g);
	}
	if (fclose(g.pcap) || fclose(g.expect))
		return die("close");
	printf("%u frames\n", g.frame);
	return 0;
}
