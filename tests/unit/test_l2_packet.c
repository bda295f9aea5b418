/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * batman-adv v15 codec: known-byte vectors written out by hand from the
 * layouts in batadv_packet.h (offsets in the comments), round trips,
 * truncation at every length, and the TT CRC as the kernel computes it.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "l2mesh/core/packet.h"
#include "tests/unit/check.h"

static const uint8_t MAC_A[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t MAC_B[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

/* ---- vectors ------------------------------------------------------------- */

static const uint8_t OGM_BYTES[24] = {
	0x00, 0x0f, 0x32, 0x05,			/* type, version, ttl 50, flags */
	0x12, 0x34, 0x56, 0x78,			/* 4: seqno */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* 8: orig */
	0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,	/* 14: prev_sender */
	0x00, 0xc8, 0x00, 0x0c,			/* 20: reserved, tq 200, tvlv_len 12 */
};

static const uint8_t BCAST_BYTES[14] = {
	0x01, 0x0f, 0x31, 0x00,			/* ttl 49 */
	0x00, 0x00, 0x01, 0x02,			/* 4: seqno 258 */
	0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,	/* 8: orig */
};

static const uint8_t UNICAST_BYTES[10] = {
	0x40, 0x0f, 0x31, 0x07,			/* ttl 49, ttvn 7 */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* 4: dest */
};

static const uint8_t UNICAST_4ADDR_BYTES[18] = {
	0x42, 0x0f, 0x31, 0x09,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* 4: dest */
	0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,	/* 10: src */
	0x03, 0x00,				/* 16: subtype DHT_PUT, reserved */
};

static const uint8_t FRAG_BYTES[20] = {
	0x41, 0x0f, 0x32, 0x3a,			/* no 3, priority 5: 0011 101 0 */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* 4: dest */
	0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,	/* 10: orig */
	0xbe, 0xef, 0x05, 0xdc,			/* 16: seqno, total_size 1500 */
};

static const uint8_t ICMP_BYTES[20] = {
	0x43, 0x0f, 0x32, 0x08,			/* echo request */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* 4: dst */
	0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,	/* 10: orig */
	0x11, 0x00, 0x01, 0x02,			/* 16: uid, reserved, seqno 258 */
};

static const uint8_t UTVLV_BYTES[20] = {
	0x44, 0x0f, 0x32, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* 4: dst */
	0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,	/* 10: src */
	0x00, 0x10, 0x00, 0x00,			/* 16: tvlv_len 16, align */
};

/* ---- helpers -------------------------------------------------------------- */

typedef int (*decode_fn)(struct mc_rd *r, void *out);

/* Decoders with a void * out so one loop can drive them all. */
static int dec_ogm(struct mc_rd *r, void *o) { return l2_ogm_decode(r, o); }
static int dec_bcast(struct mc_rd *r, void *o) { return l2_bcast_decode(r, o); }
static int dec_uni(struct mc_rd *r, void *o) { return l2_unicast_decode(r, o); }
static int dec_4addr(struct mc_rd *r, void *o) { return l2_unicast_4addr_decode(r, o); }
static int dec_frag(struct mc_rd *r, void *o) { return l2_frag_decode(r, o); }
static int dec_icmp(struct mc_rd *r, void *o) { return l2_icmp_decode(r, o); }
static int dec_utvlv(struct mc_rd *r, void *o) { return l2_unicast_tvlv_decode(r, o); }

struct hdr_case {
	const char *name;
	const uint8_t *bytes;
	size_t len;
	decode_fn decode;
};

static const struct hdr_case HDR_CASES[] = {
	{ "ogm", OGM_BYTES, sizeof(OGM_BYTES), dec_ogm },
	{ "bcast", BCAST_BYTES, sizeof(BCAST_BYTES), dec_bcast },
	{ "unicast", UNICAST_BYTES, sizeof(UNICAST_BYTES), dec_uni },
	{ "4addr", UNICAST_4ADDR_BYTES, sizeof(UNICAST_4ADDR_BYTES), dec_4addr },
	{ "frag", FRAG_BYTES, sizeof(FRAG_BYTES), dec_frag },
	{ "icmp", ICMP_BYTES, sizeof(ICMP_BYTES), dec_icmp },
	{ "utvlv", UTVLV_BYTES, sizeof(UTVLV_BYTES), dec_utvlv },
};
#define N_HDR_CASES (sizeof(HDR_CASES) / sizeof(HDR_CASES[0]))

/* Big enough for any decoded header struct. */
union any_hdr {
	struct l2_ogm ogm;
	struct l2_bcast bcast;
	struct l2_unicast uni;
	struct l2_unicast_4addr u4;
	struct l2_frag frag;
	struct l2_icmp icmp;
	struct l2_unicast_tvlv utvlv;
};

/* ---- Ethernet --------------------------------------------------------------- */

static void test_eth_untagged(void)
{
	static const uint8_t b[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x43, 0x05, 0x00, 0x0f,
	};
	struct l2_eth e;
	struct mc_rd r;
	uint8_t out[32];
	struct mc_wr w;

	mc_rd_init(&r, b, sizeof(b));
	CHECK_INT(l2_eth_decode(&r, &e), 0);
	CHECK(!e.tagged);
	CHECK_INT(e.ethertype, L2_ETHERTYPE_BATMAN);
	CHECK(!memcmp(e.src, MAC_A, 6));
	CHECK_INT(r.off, 14);
	mc_wr_init(&w, out, sizeof(out));
	CHECK_INT(l2_eth_encode(&w, &e), 0);
	CHECK_INT(mc_wr_len(&w), 14);
	CHECK(!memcmp(out, b, 14));
	for (size_t n = 0; n < 14; n++) {
		mc_rd_init(&r, b, n);
		CHECK_INT(l2_eth_decode(&r, &e), -EMSGSIZE);
		CHECK_INT(r.off, 0);
	}
}

static void test_eth_tagged(void)
{
	static const uint8_t b[18] = {
		0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x88, 0xa8, 0x20, 0x64,			/* 12: 802.1ad, PCP 1, VID 100 */
		0x43, 0x05,				/* 16: batman */
	};
	uint8_t q[18];
	struct l2_eth e;
	struct mc_rd r;
	uint8_t out[32];
	struct mc_wr w;

	mc_rd_init(&r, b, sizeof(b));
	CHECK_INT(l2_eth_decode(&r, &e), 0);
	CHECK(e.tagged);
	CHECK_INT(e.tpid, L2_ETHERTYPE_8021AD);
	CHECK_INT(e.tci & L2_VLAN_VID_MASK, 100);
	CHECK_INT(e.tci >> 13, 1);
	CHECK_INT(e.ethertype, L2_ETHERTYPE_BATMAN);
	CHECK_INT(r.off, 18);
	mc_wr_init(&w, out, sizeof(out));
	CHECK_INT(l2_eth_encode(&w, &e), 0);
	CHECK_INT(mc_wr_len(&w), 18);
	CHECK(!memcmp(out, b, 18));
	for (size_t n = 0; n < 18; n++) {
		mc_rd_init(&r, b, n);
		CHECK_INT(l2_eth_decode(&r, &e), -EMSGSIZE);
	}
	memcpy(q, b, sizeof(q));
	q[12] = 0x81;
	q[13] = 0x00;
	mc_rd_init(&r, q, sizeof(q));
	CHECK_INT(l2_eth_decode(&r, &e), 0);
	CHECK_INT(e.tpid, L2_ETHERTYPE_8021Q);
	e.tpid = 0x9100;	/* not a TPID we emit */
	mc_wr_init(&w, out, sizeof(out));
	CHECK_INT(l2_eth_encode(&w, &e), -EINVAL);
}

/* ---- common header ------------------------------------------------------------ */

static int peek_bytes(uint8_t type, uint8_t version, size_t len, struct l2_hdr *h)
{
	uint8_t b[3] = { type, version, 42 };
	struct mc_rd r;

	mc_rd_init(&r, b, len);
	return l2_hdr_peek(&r, h);
}

static void test_hdr_peek(void)
{
	static const uint8_t ok[] = { 0x00, 0x01, 0x40, 0x41, 0x42, 0x43, 0x44 };
	static const uint8_t counted[] = { 0x02, 0x03, 0x04, 0x05 };
	static const uint8_t unknown[] = { 0x06, 0x3f, 0x45, 0x7f, 0x80, 0xff };
	struct l2_hdr h;

	for (size_t i = 0; i < sizeof(ok); i++) {
		CHECK_INT(peek_bytes(ok[i], 15, 3, &h), 0);
		CHECK_INT(h.type, ok[i]);
		CHECK_INT(h.ttl, 42);
	}
	for (size_t i = 0; i < sizeof(counted); i++)
		CHECK_INT(peek_bytes(counted[i], 15, 3, &h), -EOPNOTSUPP);
	for (size_t i = 0; i < sizeof(unknown); i++)
		CHECK_INT(peek_bytes(unknown[i], 15, 3, &h), -ENOMSG);
	CHECK_INT(peek_bytes(0x00, 14, 3, &h), -EPROTONOSUPPORT);
	CHECK_INT(h.version, 14);
	CHECK_INT(peek_bytes(0x00, 16, 3, &h), -EPROTONOSUPPORT);
	/* version is judged before type: v14 numbered its types differently */
	CHECK_INT(peek_bytes(0x09, 14, 3, &h), -EPROTONOSUPPORT);
	for (size_t n = 0; n < 3; n++)
		CHECK_INT(peek_bytes(0x00, 15, n, &h), -EMSGSIZE);
	CHECK_INT(peek_bytes(L2_PT_ELP, 15, 3, &h), -EOPNOTSUPP);
	CHECK_INT(h.ttl, 0);
	for (size_t i = 0; i < sizeof(ok); i++)
		CHECK(strcmp(l2_ptype_name(ok[i]), "UNKNOWN") != 0);
	for (size_t i = 0; i < sizeof(counted); i++)
		CHECK(strcmp(l2_ptype_name(counted[i]), "UNKNOWN") != 0);
	CHECK_STR(l2_ptype_name(0x44), "UNICAST_TVLV");
	CHECK_STR(l2_ptype_name(0x99), "UNKNOWN");
}

/* ---- headers: known bytes --------------------------------------------------------- */

static void test_ogm_vector(void)
{
	struct l2_ogm o;
	struct mc_rd r;
	uint8_t out[24];
	struct mc_wr w;

	/* the offsets the reference gives, read straight from the bytes */
	CHECK_INT(mc_get_u32(OGM_BYTES + 4), 0x12345678);
	CHECK_INT(OGM_BYTES[21], 200);
	CHECK_INT(mc_get_u16(OGM_BYTES + 22), 12);
	mc_rd_init(&r, OGM_BYTES, sizeof(OGM_BYTES));
	CHECK_INT(l2_ogm_decode(&r, &o), 0);
	CHECK_INT(r.off, 24);
	CHECK_INT(o.ttl, 50);
	CHECK_INT(o.flags, L2_OGM_F_NOT_BEST_NEXT_HOP | L2_OGM_F_DIRECTLINK);
	CHECK_INT(o.seqno, 0x12345678);
	CHECK(!memcmp(o.orig, MAC_A, 6));
	CHECK(!memcmp(o.prev_sender, MAC_B, 6));
	CHECK_INT(o.tq, 200);
	CHECK_INT(o.tvlv_len, 12);
	mc_wr_init(&w, out, sizeof(out));
	CHECK_INT(l2_ogm_encode(&w, &o), 0);
	CHECK_INT(mc_wr_len(&w), 24);
	CHECK(!memcmp(out, OGM_BYTES, 24));
}

static void test_bcast_unicast_vectors(void)
{
	struct l2_bcast b;
	struct l2_unicast u;
	struct l2_unicast_4addr u4;
	struct mc_rd r;
	uint8_t out[32];
	struct mc_wr w;

	mc_rd_init(&r, BCAST_BYTES, sizeof(BCAST_BYTES));
	CHECK_INT(l2_bcast_decode(&r, &b), 0);
	CHECK_INT(b.ttl, 49);
	CHECK_INT(b.seqno, 258);
	CHECK(!memcmp(b.orig, MAC_B, 6));
	mc_wr_init(&w, out, sizeof(out));
	CHECK_INT(l2_bcast_encode(&w, &b), 0);
	CHECK(mc_wr_len(&w) == 14 && !memcmp(out, BCAST_BYTES, 14));

	mc_rd_init(&r, UNICAST_BYTES, sizeof(UNICAST_BYTES));
	CHECK_INT(l2_unicast_decode(&r, &u), 0);
	CHECK_INT(u.ttl, 49);
	CHECK_INT(u.ttvn, 7);
	CHECK(!memcmp(u.dest, MAC_A, 6));
	mc_wr_init(&w, out, sizeof(out));
	CHECK_INT(l2_unicast_encode(&w, &u), 0);
	CHECK(mc_wr_len(&w) == 10 && !memcmp(out, UNICAST_BYTES, 10));

	mc_rd_init(&r, UNICAST_4ADDR_BYTES, sizeof(UNICAST_4ADDR_BYTES));
	CHECK_INT(l2_unicast_4addr_decode(&r, &u4), 0);
	CHECK_INT(u4.u.ttvn, 9);
	CHECK(!memcmp(u4.u.dest, MAC_A, 6));
	CHECK(!memcmp(u4.src, MAC_B, 6));
	CHECK_INT(u4.subtype, L2_4ADDR_DAT_DHT_PUT);
	mc_wr_init(&w, out, sizeof(out));
	CHECK_INT(l2_unicast_4addr_encode(&w, &u4), 0);
	CHECK(mc_wr_len(&w) == 18 && !memcmp(out, UNICAST_4ADDR_BYTES, 18));
}

static void test_frag_vector(void)
{
	struct l2_frag f;
	struct mc_rd r;
	uint8_t out[32], b[20];
	struct mc_wr w;

	mc_rd_init(&r, FRAG_BYTES, sizeof(FRAG_BYTES));
	CHECK_INT(l2_frag_decode(&r, &f), 0);
	CHECK_INT(f.no, 3);
	CHECK_INT(f.priority, 5);
	CHECK(!memcmp(f.dest, MAC_A, 6));
	CHECK(!memcmp(f.orig, MAC_B, 6));
	CHECK_INT(f.seqno, 0xbeef);
	CHECK_INT(f.total_size, 1500);
	mc_wr_init(&w, out, sizeof(out));
	CHECK_INT(l2_frag_encode(&w, &f), 0);
	CHECK(mc_wr_len(&w) == 20 && !memcmp(out, FRAG_BYTES, 20));
	/* extremes of the bit fields; the reserved low bit is ignored */
	memcpy(b, FRAG_BYTES, 20);
	b[3] = 0xff;
	mc_rd_init(&r, b, 20);
	CHECK_INT(l2_frag_decode(&r, &f), 0);
	CHECK_INT(f.no, 15);
	CHECK_INT(f.priority, 7);
	mc_wr_init(&w, out, sizeof(out));
	CHECK_INT(l2_frag_encode(&w, &f), 0);
	CHECK_INT(out[3], 0xfe);
	f.no = 16;
	CHECK_INT(l2_frag_encode(&w, &f), -EINVAL);
	f.no = 0;
	f.priority = 8;
	CHECK_INT(l2_frag_encode(&w, &f), -EINVAL);
}

static void test_icmp_vector(void)
{
	struct l2_icmp ic;
	struct mc_rd r;
	uint8_t out[128];
	struct mc_wr w;

	mc_rd_init(&r, ICMP_BYTES, sizeof(ICMP_BYTES));
	CHECK_INT(l2_icmp_decode(&r, &ic), 0);
	CHECK_INT(r.off, 20);
	CHECK_INT(ic.msg_type, L2_ICMP_ECHO_REQUEST);
	CHECK(!memcmp(ic.dst, MAC_A, 6));
	CHECK(!memcmp(ic.orig, MAC_B, 6));
	CHECK_INT(ic.uid, 0x11);
	CHECK_INT(ic.seqno, 258);
	CHECK(!ic.has_rr);
	mc_wr_init(&w, out, sizeof(out));
	CHECK_INT(l2_icmp_encode(&w, &ic), 0);
	CHECK(mc_wr_len(&w) == 20 && !memcmp(out, ICMP_BYTES, 20));
}

static void test_icmp_rr(void)
{
	uint8_t b[L2_ICMP_RR_HLEN];
	struct l2_icmp ic;
	struct mc_rd r;
	uint8_t out[128];
	struct mc_wr w;

	memset(b, 0, sizeof(b));
	memcpy(b, ICMP_BYTES, 20);
	b[17] = 2;			/* rr_cur */
	memcpy(b + 20, MAC_A, 6);	/* rr[0] */
	memcpy(b + 26, MAC_B, 6);	/* rr[1] */
	mc_rd_init(&r, b, sizeof(b));
	CHECK_INT(l2_icmp_decode(&r, &ic), 0);
	CHECK(ic.has_rr);
	CHECK_INT(ic.rr_cur, 2);
	CHECK(!memcmp(ic.rr[1], MAC_B, 6));
	CHECK_INT(r.off, 116);
	mc_wr_init(&w, out, sizeof(out));
	CHECK_INT(l2_icmp_encode(&w, &ic), 0);
	CHECK(mc_wr_len(&w) == 116 && !memcmp(out, b, 116));
	/* one byte short of the RR layout: the plain header */
	mc_rd_init(&r, b, sizeof(b) - 1);
	CHECK_INT(l2_icmp_decode(&r, &ic), 0);
	CHECK(!ic.has_rr);
	CHECK_INT(r.off, 20);
	/* a TTL-exceeded with trailing bytes is not RR */
	b[3] = L2_ICMP_TTL_EXCEEDED;
	mc_rd_init(&r, b, sizeof(b));
	CHECK_INT(l2_icmp_decode(&r, &ic), 0);
	CHECK(!ic.has_rr);
	ic.has_rr = true;
	mc_wr_init(&w, out, sizeof(out));
	CHECK_INT(l2_icmp_encode(&w, &ic), -EINVAL);
	/* route record overflow */
	b[3] = L2_ICMP_ECHO_REPLY;
	b[17] = 17;
	mc_rd_init(&r, b, sizeof(b));
	CHECK_INT(l2_icmp_decode(&r, &ic), -EBADMSG);
	CHECK_INT(r.off, 0);
	b[17] = 16;
	mc_rd_init(&r, b, sizeof(b));
	CHECK_INT(l2_icmp_decode(&r, &ic), 0);
}

static void test_utvlv_vector(void)
{
	struct l2_unicast_tvlv u;
	struct mc_rd r;
	uint8_t out[32];
	struct mc_wr w;

	mc_rd_init(&r, UTVLV_BYTES, sizeof(UTVLV_BYTES));
	CHECK_INT(l2_unicast_tvlv_decode(&r, &u), 0);
	CHECK_INT(u.ttl, 50);
	CHECK(!memcmp(u.dst, MAC_A, 6));
	CHECK(!memcmp(u.src, MAC_B, 6));
	CHECK_INT(u.tvlv_len, 16);
	mc_wr_init(&w, out, sizeof(out));
	CHECK_INT(l2_unicast_tvlv_encode(&w, &u), 0);
	CHECK(mc_wr_len(&w) == 20 && !memcmp(out, UTVLV_BYTES, 20));
}

/* ---- headers: failures ------------------------------------------------------------- */

static void test_truncation(void)
{
	union any_hdr h;
	struct mc_rd r;

	for (size_t c = 0; c < N_HDR_CASES; c++) {
		const struct hdr_case *hc = &HDR_CASES[c];

		for (size_t n = 0; n < hc->len; n++) {
			mc_rd_init(&r, hc->bytes, n);
			if (hc->decode(&r, &h) != -EMSGSIZE || r.off != 0)
				fprintf(stderr, "  %s at %zu bytes\n", hc->name, n);
			CHECK_INT(hc->decode(&r, &h), -EMSGSIZE);
			CHECK_INT(r.off, 0);
		}
		mc_rd_init(&r, hc->bytes, hc->len);
		CHECK_INT(hc->decode(&r, &h), 0);
		CHECK_INT(r.off, hc->len);
	}
}

static void test_wrong_version_and_type(void)
{
	uint8_t b[32];
	union any_hdr h;
	struct mc_rd r;

	for (size_t c = 0; c < N_HDR_CASES; c++) {
		const struct hdr_case *hc = &HDR_CASES[c];

		memcpy(b, hc->bytes, hc->len);
		b[1] = 14;
		mc_rd_init(&r, b, hc->len);
		CHECK_INT(hc->decode(&r, &h), -EPROTONOSUPPORT);
		CHECK_INT(r.off, 0);
		b[1] = 15;
		b[0] = 0x45;	/* a unicast-range type nobody defined */
		mc_rd_init(&r, b, hc->len);
		CHECK_INT(hc->decode(&r, &h), -EBADMSG);
		CHECK_INT(r.off, 0);
	}
}

static void test_encode_overrun(void)
{
	struct l2_ogm o = { .ttl = 1 };
	struct l2_icmp ic = { .msg_type = L2_ICMP_ECHO_REQUEST, .has_rr = true };
	uint8_t out[116];
	struct mc_wr w;

	mc_wr_init(&w, out, 23);
	CHECK_INT(l2_ogm_encode(&w, &o), -EMSGSIZE);
	mc_wr_init(&w, out, 115);
	CHECK_INT(l2_icmp_encode(&w, &ic), -EMSGSIZE);
	mc_wr_init(&w, out, 116);
	CHECK_INT(l2_icmp_encode(&w, &ic), 0);
}

/* ---- round trips ---------------------------------------------------------------------- */

static void test_round_trip(void)
{
	uint8_t buf[256];
	struct mc_wr w;
	struct mc_rd r;
	struct l2_ogm o = { 1, 7, 0xfffffffe, { 1, 2, 3, 4, 5, 6 },
			    { 6, 5, 4, 3, 2, 1 }, 255, 0 }, o2;
	struct l2_bcast b = { 2, 1, { 9, 9, 9, 9, 9, 9 } }, b2;
	struct l2_unicast_4addr u = { { 3, 255, { 1, 1, 1, 1, 1, 1 } },
				      { 2, 2, 2, 2, 2, 2 }, 4 }, u2;
	struct l2_frag f = { 4, 15, 7, { 1 }, { 2 }, 65535, 65535 }, f2;
	struct l2_unicast_tvlv t = { 5, { 7 }, { 8 }, 0 }, t2;

	mc_wr_init(&w, buf, sizeof(buf));
	CHECK_INT(l2_ogm_encode(&w, &o), 0);
	CHECK_INT(l2_bcast_encode(&w, &b), 0);
	CHECK_INT(l2_unicast_4addr_encode(&w, &u), 0);
	CHECK_INT(l2_frag_encode(&w, &f), 0);
	CHECK_INT(l2_unicast_tvlv_encode(&w, &t), 0);
	CHECK_INT(mc_wr_len(&w), 24 + 14 + 18 + 20 + 20);
	mc_rd_init(&r, buf, mc_wr_len(&w));
	CHECK_INT(l2_ogm_decode(&r, &o2), 0);
	CHECK(o2.seqno == o.seqno && o2.flags == 7 && o2.tq == 255 &&
	      !memcmp(o2.orig, o.orig, 6) && !memcmp(o2.prev_sender, o.prev_sender, 6));
	CHECK_INT(l2_bcast_decode(&r, &b2), 0);
	CHECK(b2.ttl == 2 && b2.seqno == 1 && !memcmp(b2.orig, b.orig, 6));
	CHECK_INT(l2_unicast_4addr_decode(&r, &u2), 0);
	CHECK(u2.u.ttvn == 255 && u2.subtype == 4 && !memcmp(u2.src, u.src, 6));
	CHECK_INT(l2_frag_decode(&r, &f2), 0);
	CHECK(f2.no == 15 && f2.priority == 7 && f2.seqno == 65535 &&
	      f2.total_size == 65535 && f2.dest[0] == 1 && f2.orig[0] == 2);
	CHECK_INT(l2_unicast_tvlv_decode(&r, &t2), 0);
	CHECK(t2.ttl == 5 && t2.dst[0] == 7 && t2.src[0] == 8);
	CHECK_INT(mc_rd_left(&r), 0);
}

/* ---- TVLV ------------------------------------------------------------------------------ */

static void test_tvlv_walk(void)
{
	static const uint8_t c[] = {
		0x01, 0x01, 0x00, 0x08,			/* GW v1, 8 bytes */
		0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x14,
		0x42, 0x07, 0x00, 0x02, 0xab, 0xcd,	/* unknown type 0x42 */
		0x02, 0x01, 0x00, 0x00,			/* DAT v1, empty */
		0x06, 0x02, 0x00, 0x04, 0x23, 0, 0, 0,	/* MCAST v2 */
	};
	struct l2_tvlv tv;
	struct l2_tvlv_gw gw;
	struct l2_tvlv_mcast m;
	struct mc_rd r;

	mc_rd_init(&r, c, sizeof(c));
	CHECK_INT(l2_tvlv_next(&r, &tv), 1);
	CHECK(tv.type == L2_TVLV_GW && tv.version == 1 && tv.len == 8);
	CHECK(tv.value == c + 4);
	CHECK_INT(l2_tvlv_gw_decode(&tv, &gw), 0);
	CHECK_INT(gw.bw_down_100kbps, 100);	/* 10.0 Mbit/s */
	CHECK_INT(gw.bw_up_100kbps, 20);
	CHECK_INT(l2_tvlv_next(&r, &tv), 1);
	CHECK(tv.type == 0x42 && tv.version == 7 && tv.len == 2);
	CHECK_INT(tv.value[1], 0xcd);
	CHECK_INT(l2_tvlv_gw_decode(&tv, &gw), -EBADMSG);
	CHECK_INT(l2_tvlv_next(&r, &tv), 1);
	CHECK(tv.type == L2_TVLV_DAT && tv.len == 0);
	CHECK_INT(l2_tvlv_next(&r, &tv), 1);
	CHECK_INT(l2_tvlv_mcast_decode(&tv, &m), 0);
	CHECK_INT(m.flags, L2_MCAST_WANT_ALL_UNSNOOPABLES |
		  L2_MCAST_WANT_ALL_IPV4 | L2_MCAST_HAVE_MC_PTYPE_CAPA);
	CHECK_INT(l2_tvlv_next(&r, &tv), 0);
	CHECK_INT(l2_tvlv_next(&r, &tv), 0);

	/* an empty container */
	mc_rd_init(&r, c, 0);
	CHECK_INT(l2_tvlv_next(&r, &tv), 0);
}

static void test_tvlv_bad_lengths(void)
{
	uint8_t c[16] = { 0x01, 0x01, 0x00, 0x08, 0, 0, 0, 1, 0, 0, 0, 2 };
	struct l2_tvlv tv;
	struct mc_rd r;

	/* the value runs one byte past the container */
	mc_rd_init(&r, c, 11);
	CHECK_INT(l2_tvlv_next(&r, &tv), -EMSGSIZE);
	/* 1-3 stray bytes after a good TVLV */
	for (size_t extra = 1; extra < 4; extra++) {
		mc_rd_init(&r, c, 12 + extra);
		CHECK_INT(l2_tvlv_next(&r, &tv), 1);
		CHECK_INT(l2_tvlv_next(&r, &tv), -EMSGSIZE);
	}
	/* len 0xffff in a 16-byte container */
	c[2] = 0xff;
	c[3] = 0xff;
	mc_rd_init(&r, c, sizeof(c));
	CHECK_INT(l2_tvlv_next(&r, &tv), -EMSGSIZE);
	/* odd length, though it fits */
	c[2] = 0;
	c[3] = 7;
	mc_rd_init(&r, c, sizeof(c));
	CHECK_INT(l2_tvlv_next(&r, &tv), -EBADMSG);
	/* the encoder refuses odd lengths too */
	{
		uint8_t out[16];
		struct mc_wr w;

		mc_wr_init(&w, out, sizeof(out));
		CHECK_INT(l2_tvlv_encode(&w, 9, 1, c, 3), -EINVAL);
	}
}

static void test_tvlv_payloads(void)
{
	uint8_t buf[64];
	struct mc_wr w;
	struct mc_rd r;
	struct l2_tvlv tv;
	struct l2_tvlv_gw gw = { 100, 20 }, gw2;
	struct l2_tvlv_roam ro = { { 2, 0xaa, 0xbb, 0xcc, 0xdd, 0xee },
				   L2_VLAN_HAS_TAG | 5 }, ro2;
	struct l2_tvlv_mcast m = { 0x1f }, m2;
	static const uint8_t expect[] = {
		0x01, 0x01, 0x00, 0x08, 0, 0, 0, 100, 0, 0, 0, 20,
		0x05, 0x01, 0x00, 0x08, 2, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x80, 0x05,
		0x06, 0x02, 0x00, 0x04, 0x1f, 0, 0, 0,
	};

	mc_wr_init(&w, buf, sizeof(buf));
	CHECK_INT(l2_tvlv_gw_encode(&w, &gw), 0);
	CHECK_INT(l2_tvlv_roam_encode(&w, &ro), 0);
	CHECK_INT(l2_tvlv_mcast_encode(&w, &m), 0);
	CHECK_INT(mc_wr_len(&w), sizeof(expect));
	CHECK(!memcmp(buf, expect, sizeof(expect)));
	mc_rd_init(&r, buf, mc_wr_len(&w));
	CHECK_INT(l2_tvlv_next(&r, &tv), 1);
	CHECK_INT(l2_tvlv_gw_decode(&tv, &gw2), 0);
	CHECK(gw2.bw_down_100kbps == 100 && gw2.bw_up_100kbps == 20);
	CHECK_INT(l2_tvlv_next(&r, &tv), 1);
	CHECK_INT(l2_tvlv_roam_decode(&tv, &ro2), 0);
	CHECK(ro2.vid == 0x8005 && !memcmp(ro2.client, ro.client, 6));
	/* short value, other version, longer value */
	tv.len = 7;
	CHECK_INT(l2_tvlv_roam_decode(&tv, &ro2), -EMSGSIZE);
	tv.len = 8;
	tv.version = 2;
	CHECK_INT(l2_tvlv_roam_decode(&tv, &ro2), -EPROTONOSUPPORT);
	CHECK_INT(l2_tvlv_next(&r, &tv), 1);
	CHECK_INT(l2_tvlv_mcast_decode(&tv, &m2), 0);
	CHECK_INT(m2.flags, 0x1f);
	tv.version = 1;		/* MCAST v1 predates 2019: not decoded */
	CHECK_INT(l2_tvlv_mcast_decode(&tv, &m2), -EPROTONOSUPPORT);
	tv.version = 2;
	tv.len = 0;
	CHECK_INT(l2_tvlv_mcast_decode(&tv, &m2), -EMSGSIZE);
	tv = (struct l2_tvlv){ L2_TVLV_GW, 1, 12, buf };	/* 4 extra bytes */
	CHECK_INT(l2_tvlv_gw_decode(&tv, &gw2), 0);
}

/* ---- TT ------------------------------------------------------------------------------------ */

static void test_tt_vector(void)
{
	const struct l2_tt_data d = { L2_TT_OGM_DIFF, 5, 2 };
	const struct l2_tt_vlan v[2] = { { 0x11223344, 0 },
					 { 0xa1b2c3d4, L2_VLAN_HAS_TAG | 10 } };
	const struct l2_tt_change ch[3] = {
		{ 0, { 2, 0, 0, 0, 0, 1 }, 0 },
		{ L2_TT_CLIENT_WIFI, { 2, 0, 0, 0, 0, 2 }, L2_VLAN_HAS_TAG | 10 },
		{ L2_TT_CLIENT_DEL, { 2, 0, 0, 0, 0, 3 }, 0 },
	};
	uint8_t buf[128];
	struct mc_wr w;
	struct mc_rd r;
	struct l2_tvlv tv;
	struct l2_tvlv_tt tt;
	struct l2_tt_vlan v2;
	struct l2_tt_change c2;

	mc_wr_init(&w, buf, sizeof(buf));
	CHECK_INT(l2_tvlv_tt_encode(&w, &d, v, ch, 3), 0);
	CHECK_INT(mc_wr_len(&w), 4 + 4 + 2 * 8 + 3 * 12);
	/* TVLV header, tt_data, then vlan 1 at 16 and change 2 at 36 */
	CHECK(buf[0] == 4 && buf[1] == 1 && mc_get_u16(buf + 2) == 56);
	CHECK(buf[4] == 0x01 && buf[5] == 5 && mc_get_u16(buf + 6) == 2);
	CHECK_INT(mc_get_u32(buf + 16), 0xa1b2c3d4);
	CHECK_INT(mc_get_u16(buf + 20), 0x800a);
	CHECK(buf[22] == 0 && buf[23] == 0);
	CHECK_INT(buf[36], L2_TT_CLIENT_WIFI);
	CHECK(buf[37] == 0 && buf[38] == 0 && buf[39] == 0);
	CHECK_INT(buf[45], 2);			/* last MAC byte */
	CHECK_INT(mc_get_u16(buf + 46), 0x800a);

	mc_rd_init(&r, buf, mc_wr_len(&w));
	CHECK_INT(l2_tvlv_next(&r, &tv), 1);
	CHECK_INT(l2_tvlv_tt_decode(&tv, &tt), 0);
	CHECK(tt.data.flags == 1 && tt.data.ttvn == 5 && tt.data.num_vlan == 2);
	CHECK_INT(tt.num_changes, 3);
	for (int i = 0; i < 2; i++) {
		CHECK_INT(l2_tt_vlan_next(&tt.vlans, &v2), 1);
		CHECK(v2.crc == v[i].crc && v2.vid == v[i].vid);
	}
	CHECK_INT(l2_tt_vlan_next(&tt.vlans, &v2), 0);
	for (int i = 0; i < 3; i++) {
		CHECK_INT(l2_tt_change_next(&tt.changes, &c2), 1);
		CHECK(c2.flags == ch[i].flags && c2.vid == ch[i].vid &&
		      !memcmp(c2.addr, ch[i].addr, 6));
	}
	CHECK_INT(l2_tt_change_next(&tt.changes, &c2), 0);
}

static int tt_decode_raw(const uint8_t *value, uint16_t len, struct l2_tvlv_tt *tt)
{
	struct l2_tvlv tv = { L2_TVLV_TT, 1, len, value };

	return l2_tvlv_tt_decode(&tv, tt);
}

static void test_tt_counts(void)
{
	uint8_t v[64];
	struct l2_tvlv_tt tt;

	memset(v, 0, sizeof(v));
	v[0] = L2_TT_REQUEST | L2_TT_FULL_TABLE;
	/* num_vlan 2 needs 4 + 16 bytes */
	mc_put_u16(v + 2, 2);
	CHECK_INT(tt_decode_raw(v, 19, &tt), -EMSGSIZE);
	CHECK_INT(tt_decode_raw(v, 20, &tt), 0);
	CHECK_INT(tt.num_changes, 0);
	/* 2 VLANs and a change list that is not whole 12-byte entries */
	CHECK_INT(tt_decode_raw(v, 30, &tt), -EMSGSIZE);
	CHECK_INT(tt_decode_raw(v, 32, &tt), 0);
	CHECK_INT(tt.num_changes, 1);
	/* a count whose bytes would overflow a 16-bit length */
	mc_put_u16(v + 2, 0xffff);
	CHECK_INT(tt_decode_raw(v, 64, &tt), -EMSGSIZE);
	/* below the tt_data header */
	for (uint16_t n = 0; n < 4; n++)
		CHECK_INT(tt_decode_raw(v, n, &tt), -EMSGSIZE);
	/* a TT request carries VLAN CRCs and no changes */
	mc_put_u16(v + 2, 0);
	CHECK_INT(tt_decode_raw(v, 4, &tt), 0);
	CHECK_INT(tt.data.flags & L2_TT_TYPE_MASK, L2_TT_REQUEST);
}

static void test_tt_streamed(void)
{
	const struct l2_tt_data d = { L2_TT_RESPONSE | L2_TT_FULL_TABLE, 9, 1 };
	const struct l2_tt_vlan v = { 0xdeadbeef, 0 };
	const struct l2_tt_change c = { 0, { 2, 0, 0, 0, 0, 9 }, 0 };
	uint8_t a[64], b[64];
	struct mc_wr wa, wb;
	size_t mark;

	mc_wr_init(&wa, a, sizeof(a));
	CHECK_INT(l2_tvlv_tt_encode(&wa, &d, &v, &c, 1), 0);
	mc_wr_init(&wb, b, sizeof(b));
	CHECK_INT(l2_tvlv_begin(&wb, L2_TVLV_TT, L2_TVLV_TT_VERSION, &mark), 0);
	CHECK_INT(l2_tt_data_encode(&wb, &d), 0);
	CHECK_INT(l2_tt_vlan_encode(&wb, &v), 0);
	CHECK_INT(l2_tt_change_encode(&wb, &c), 0);
	CHECK_INT(l2_tvlv_end(&wb, mark), 0);
	CHECK_INT(mc_wr_len(&wb), mc_wr_len(&wa));
	CHECK(!memcmp(a, b, mc_wr_len(&wa)));
	/* overrun while streaming leaves the writer failed */
	mc_wr_init(&wb, b, 20);
	l2_tvlv_begin(&wb, L2_TVLV_TT, 1, &mark);
	l2_tt_data_encode(&wb, &d);
	l2_tt_vlan_encode(&wb, &v);
	l2_tt_change_encode(&wb, &c);
	CHECK_INT(l2_tvlv_end(&wb, mark), -EMSGSIZE);
}

/* ---- OGM with TVLVs, aggregation ------------------------------------------------------------- */

/* One OGM with a GW TVLV (and an optional DAT one) at w's position. */
static void put_ogm(struct mc_wr *w, uint32_t seqno, bool dat)
{
	struct l2_ogm o = { .ttl = 50, .seqno = seqno, .tq = 255 };
	struct l2_tvlv_gw gw = { 100, 20 };
	size_t off = mc_wr_len(w);

	memcpy(o.orig, MAC_A, 6);
	l2_ogm_encode(w, &o);
	l2_tvlv_gw_encode(w, &gw);
	if (dat)
		l2_tvlv_encode(w, L2_TVLV_DAT, 1, NULL, 0);
	CHECK_INT(l2_ogm_tvlv_finish(w, off), 0);
}

static void test_ogm_aggregation(void)
{
	uint8_t buf[256];
	struct mc_wr w;
	struct mc_rd r, tvlvs;
	struct l2_ogm o;
	struct l2_tvlv tv;
	int n = 0, rc;

	mc_wr_init(&w, buf, sizeof(buf));
	put_ogm(&w, 1, false);
	put_ogm(&w, 2, true);
	put_ogm(&w, 3, false);
	CHECK_INT(mc_get_u16(buf + 22), 12);		/* first tvlv_len */
	CHECK_INT(mc_get_u16(buf + 36 + 22), 16);	/* second */
	mc_wr_zero(&w, 23);				/* padding: no OGM fits */
	mc_rd_init(&r, buf, mc_wr_len(&w));
	while ((rc = l2_ogm_next(&r, &o, &tvlvs)) == 1) {
		int k = 0;

		n++;
		CHECK_INT(o.seqno, n);
		while (l2_tvlv_next(&tvlvs, &tv) == 1)
			k++;
		CHECK_INT(k, n == 2 ? 2 : 1);
	}
	CHECK_INT(rc, 0);
	CHECK_INT(n, 3);
	CHECK_INT(mc_rd_left(&r), 23);

	/* the second OGM claims more TVLV bytes than the frame has */
	mc_put_u16(buf + 36 + 22, 200);
	mc_rd_init(&r, buf, 36 + 40 + 36);
	CHECK_INT(l2_ogm_next(&r, &o, &tvlvs), 1);
	CHECK_INT(l2_ogm_next(&r, &o, &tvlvs), -EMSGSIZE);
	CHECK_INT(r.off, 36);
	/* odd tvlv_len */
	mc_put_u16(buf + 36 + 22, 15);
	mc_rd_init(&r, buf, 36 + 40 + 36);
	CHECK_INT(l2_ogm_next(&r, &o, &tvlvs), 1);
	CHECK_INT(l2_ogm_next(&r, &o, &tvlvs), -EBADMSG);
	/* a non-OGM aggregated behind an OGM */
	mc_put_u16(buf + 36 + 22, 16);
	buf[36] = L2_PT_BCAST;
	mc_rd_init(&r, buf, 36 + 40 + 36);
	CHECK_INT(l2_ogm_next(&r, &o, &tvlvs), 1);
	CHECK_INT(l2_ogm_next(&r, &o, &tvlvs), -EBADMSG);
}

static void test_tvlv_finish(void)
{
	uint8_t buf[64];
	struct mc_wr w;
	struct l2_unicast_tvlv u = { .ttl = 50 };
	struct l2_tvlv_roam ro = { { 2, 0, 0, 0, 0, 7 }, 0 };
	struct l2_ogm o = { .ttl = 1 };

	mc_wr_init(&w, buf, sizeof(buf));
	mc_wr_u8(&w, 0xee);		/* the header need not start at 0 */
	l2_unicast_tvlv_encode(&w, &u);
	l2_tvlv_roam_encode(&w, &ro);
	CHECK_INT(l2_unicast_tvlv_finish(&w, 1), 0);
	CHECK_INT(mc_get_u16(buf + 1 + 16), 12);
	CHECK_INT(l2_unicast_tvlv_finish(&w, 40), -EINVAL);
	mc_wr_init(&w, buf, sizeof(buf));
	l2_ogm_encode(&w, &o);
	mc_wr_u8(&w, 0);		/* one odd byte */
	CHECK_INT(l2_ogm_tvlv_finish(&w, 0), -EINVAL);
}

/* ---- CRC ------------------------------------------------------------------------------------- */

static void test_crc32c(void)
{
	const char *s = "123456789";
	uint32_t c;

	CHECK_INT(l2_crc32c(s, 9), 0xE3069283u);
	CHECK_INT(l2_crc32c(s, 0), 0);
	CHECK_INT(l2_crc32c_update(0, s, 0), 0);
	/* chaining equals one pass */
	c = l2_crc32c_update(~0u, s, 4);
	c = l2_crc32c_update(c, s + 4, 5);
	CHECK_INT(~c, 0xE3069283u);
	/* the kernel form has no inversion: different from the standard one */
	CHECK(l2_crc32c_update(0, s, 9) != 0xE3069283u);
}

static void test_tt_crc(void)
{
	static const uint8_t C[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
	uint32_t a, b, vlan;

	/*
	 * Reference values from an independent bit-at-a-time CRC32C (the
	 * kernel's uninverted form, seed 0) over vid_be || flags&0xf0 || mac.
	 */
	a = l2_tt_crc_entry(MAC_A, 0, 0);
	b = l2_tt_crc_entry(MAC_B, 0, L2_TT_CLIENT_WIFI);
	CHECK_INT(a, 0x29e723c0u);
	CHECK_INT(b, 0x21b7e5e6u);
	vlan = a ^ b;
	CHECK_INT(vlan, 0x0850c626u);
	CHECK_INT(b ^ a, vlan);
	/* only bits 4-7 count: ROAM (bit 1) and NEW (bit 9) do not */
	CHECK_INT(l2_tt_crc_entry(C, L2_VLAN_HAS_TAG | 5,
				  L2_TT_CLIENT_ISOLA | L2_TT_CLIENT_ROAM |
				  L2_TT_CLIENT_NEW), 0xac847306u);
	CHECK_INT(l2_tt_crc_entry(C, L2_VLAN_HAS_TAG | 5, L2_TT_CLIENT_ISOLA),
		  0xac847306u);
	/* the HAS_TAG bit is part of the hashed VID */
	CHECK(l2_tt_crc_entry(C, 5, L2_TT_CLIENT_ISOLA) != 0xac847306u);
}

/*
 * The table of tests/interop/l2_pcapgen.c, whose CRCs Wireshark 4.0.17's
 * batadv dissector (its own CRC code) recomputes and reports correct.
 */
static void test_tt_crc_wireshark(void)
{
	static const uint8_t M[4][6] = {
		{ 0x52, 0x54, 0x00, 0x12, 0x34, 0x01 },
		{ 0x52, 0x54, 0x00, 0x12, 0x34, 0x02 },
		{ 0x52, 0x54, 0x00, 0x12, 0x34, 0x03 },
		{ 0x52, 0x54, 0x00, 0x12, 0x34, 0x04 },
	};
	uint32_t untagged = l2_tt_crc_entry(M[0], 0, 0) ^
			    l2_tt_crc_entry(M[1], 0, L2_TT_CLIENT_WIFI) ^
			    l2_tt_crc_entry(M[2], 0, L2_TT_CLIENT_ISOLA);

	CHECK_INT(untagged, 0xddbb5b18u);
	CHECK_INT(l2_tt_crc_entry(M[3], L2_VLAN_HAS_TAG | 42, 0), 0xc00a2bfau);
}

int main(void)
{
	RUN(test_eth_untagged);
	RUN(test_eth_tagged);
	RUN(test_hdr_peek);
	RUN(test_ogm_vector);
	RUN(test_bcast_unicast_vectors);
	RUN(test_frag_vector);
	RUN(test_icmp_vector);
	RUN(test_icmp_rr);
	RUN(test_utvlv_vector);
	RUN(test_truncation);
	RUN(test_wrong_version_and_type);
	RUN(test_encode_overrun);
	RUN(test_round_trip);
	RUN(test_tvlv_walk);
	RUN(test_tvlv_bad_lengths);
	RUN(test_tvlv_payloads);
	RUN(test_tt_vector);
	RUN(test_tt_counts);
	RUN(test_tt_streamed);
	RUN(test_ogm_aggregation);
	RUN(test_tvlv_finish);
	RUN(test_crc32c);
	RUN(test_tt_crc);
	RUN(test_tt_crc_wireshark);
	return check_exit();
}
