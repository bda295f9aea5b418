/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz the batman-adv codec with whole Ethernet frames: Ethernet (+ one
 * VLAN tag), common header, the per-type header, TVLV containers and the
 * payloads l2mesh understands. Whatever decodes is encoded again and must
 * (a) give back the input bytes, reserved fields aside, and (b) decode to
 * the same values. Any difference abort()s.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "l2mesh/core/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) abort(); } while (0)
#define SAME(a, b, f) ENSURE(memcmp(&(a)->f, &(b)->f, sizeof((a)->f)) == 0)

/* Encoded header equals the input with reserved bytes/bits cleared. */
static void same_bytes(const uint8_t *in, const uint8_t *out, size_t len,
		       const size_t *rsv, size_t nrsv, uint8_t rsv_bits)
{
	uint8_t want[L2_ICMP_RR_HLEN];

	ENSURE(len <= sizeof(want));
	memcpy(want, in, len);
	for (size_t i = 0; i < nrsv; i++)
		want[rsv[i]] = 0;
	if (rsv_bits)		/* frag byte 3, reserved low bit */
		want[3] &= (uint8_t)~rsv_bits;
	ENSURE(memcmp(want, out, len) == 0);
}

/* ---- TVLV payloads ---------------------------------------------------------- */

/* The TVLV after re-encoding: the first one in buf. */
static void reread(const uint8_t *buf, size_t len, struct l2_tvlv *tv)
{
	struct mc_rd r;

	mc_rd_init(&r, buf, len);
	ENSURE(l2_tvlv_next(&r, tv) == 1);
}

static void fuzz_gw(const struct l2_tvlv *tv)
{
	struct l2_tvlv_gw a, b;
	struct l2_tvlv t2;
	uint8_t buf[64];
	struct mc_wr w;

	if (l2_tvlv_gw_decode(tv, &a) < 0)
		return;
	mc_wr_init(&w, buf, sizeof(buf));
	ENSURE(l2_tvlv_gw_encode(&w, &a) == 0);
	reread(buf, mc_wr_len(&w), &t2);
	ENSURE(l2_tvlv_gw_decode(&t2, &b) == 0);
	ENSURE(a.bw_down_100kbps == b.bw_down_100kbps);
	ENSURE(a.bw_up_100kbps == b.bw_up_100kbps);
}

static void fuzz_roam(const struct l2_tvlv *tv)
{
	struct l2_tvlv_roam a, b;
	struct l2_tvlv t2;
	uint8_t buf[64];
	struct mc_wr w;

	if (l2_tvlv_roam_decode(tv, &a) < 0)
		return;
	mc_wr_init(&w, buf, sizeof(buf));
	ENSURE(l2_tvlv_roam_encode(&w, &a) == 0);
	reread(buf, mc_wr_len(&w), &t2);
	ENSURE(l2_tvlv_roam_decode(&t2, &b) == 0);
	SAME(&a, &b, client);
	ENSURE(a.vid == b.vid);
}

static void fuzz_mcast(const struct l2_tvlv *tv)
{
	struct l2_tvlv_mcast a, b;
	struct l2_tvlv t2;
	uint8_t buf[64];
	struct mc_wr w;

	if (l2_tvlv_mcast_decode(tv, &a) < 0)
		return;
	mc_wr_init(&w, buf, sizeof(buf));
	ENSURE(l2_tvlv_mcast_encode(&w, &a) == 0);
	reread(buf, mc_wr_len(&w), &t2);
	ENSURE(l2_tvlv_mcast_decode(&t2, &b) == 0);
	ENSURE(a.flags == b.flags);
}

/* The largest possible TVLV value bounds both lists. */
static struct l2_tt_vlan tt_vlans[UINT16_MAX / L2_TT_VLAN_LEN];
static struct l2_tt_change tt_changes[UINT16_MAX / L2_TT_CHANGE_LEN];
static uint8_t tt_buf[L2_TVLV_HLEN + UINT16_MAX];

static void tt_compare(const struct l2_tvlv_tt *a, const struct l2_tvlv *t2)
{
	struct l2_tvlv_tt b;
	struct l2_tt_vlan v;
	struct l2_tt_change c;

	ENSURE(l2_tvlv_tt_decode(t2, &b) == 0);
	ENSURE(a->data.flags == b.data.flags && a->data.ttvn == b.data.ttvn);
	ENSURE(a->data.num_vlan == b.data.num_vlan);
	ENSURE(a->num_changes == b.num_changes);
	for (size_t i = 0; i < b.data.num_vlan; i++) {
		ENSURE(l2_tt_vlan_next(&b.vlans, &v) == 1);
		ENSURE(v.crc == tt_vlans[i].crc && v.vid == tt_vlans[i].vid);
	}
	ENSURE(l2_tt_vlan_next(&b.vlans, &v) == 0);
	for (size_t i = 0; i < b.num_changes; i++) {
		ENSURE(l2_tt_change_next(&b.changes, &c) == 1);
		ENSURE(c.flags == tt_changes[i].flags && c.vid == tt_changes[i].vid);
		SAME(&c, &tt_changes[i], addr);
	}
	ENSURE(l2_tt_change_next(&b.changes, &c) == 0);
}

static void fuzz_tt(const struct l2_tvlv *tv)
{
	struct l2_tvlv_tt a;
	struct l2_tvlv t2;
	struct mc_wr w;
	size_t n = 0;

	if (l2_tvlv_tt_decode(tv, &a) < 0)
		return;
	while (l2_tt_vlan_next(&a.vlans, &tt_vlans[n]) == 1)
		n++;
	ENSURE(n == a.data.num_vlan);
	n = 0;
	while (l2_tt_change_next(&a.changes, &tt_changes[n]) == 1)
		n++;
	ENSURE(n == a.num_changes);
	mc_wr_init(&w, tt_buf, sizeof(tt_buf));
	ENSURE(l2_tvlv_tt_encode(&w, &a.data, tt_vlans, tt_changes, n) == 0);
	ENSURE(mc_wr_len(&w) == L2_TVLV_HLEN + (size_t)tv->len);
	reread(tt_buf, mc_wr_len(&w), &t2);
	tt_compare(&a, &t2);
}

static void fuzz_tvlvs(struct mc_rd *tvlvs)
{
	struct l2_tvlv tv;

	while (l2_tvlv_next(tvlvs, &tv) == 1) {
		ENSURE(tv.len == 0 || tv.value != NULL);
		switch (tv.type) {
		case L2_TVLV_GW: fuzz_gw(&tv); break;
		case L2_TVLV_ROAM: fuzz_roam(&tv); break;
		case L2_TVLV_MCAST: fuzz_mcast(&tv); break;
		case L2_TVLV_TT: fuzz_tt(&tv); break;
		default: break;	/* unknown: skipped, never an error */
		}
	}
}

/* ---- headers ------------------------------------------------------------------- */

static void fuzz_ogms(struct mc_rd *r)
{
	static const size_t rsv[] = { 20 };
	struct l2_ogm a, b;
	struct mc_rd tvlvs;
	const uint8_t *start = mc_rd_cur(r);
	uint8_t buf[L2_OGM_HLEN];
	struct mc_wr w;
	struct mc_rd r2;

	while (l2_ogm_next(r, &a, &tvlvs) == 1) {
		mc_wr_init(&w, buf, sizeof(buf));
		ENSURE(l2_ogm_encode(&w, &a) == 0);
		same_bytes(start, buf, L2_OGM_HLEN, rsv, 1, 0);
		mc_rd_init(&r2, buf, sizeof(buf));
		ENSURE(l2_ogm_decode(&r2, &b) == 0);
		ENSURE(a.ttl == b.ttl && a.flags == b.flags && a.seqno == b.seqno);
		ENSURE(a.tq == b.tq && a.tvlv_len == b.tvlv_len);
		SAME(&a, &b, orig);
		SAME(&a, &b, prev_sender);
		fuzz_tvlvs(&tvlvs);
		start = mc_rd_cur(r);
	}
}

static void fuzz_bcast(struct mc_rd *r)
{
	static const size_t rsv[] = { 3 };
	const uint8_t *in = mc_rd_cur(r);
	struct l2_bcast a, b;
	uint8_t buf[L2_BCAST_HLEN];
	struct mc_wr w;
	struct mc_rd r2;

	if (l2_bcast_decode(r, &a) < 0)
		return;
	mc_wr_init(&w, buf, sizeof(buf));
	ENSURE(l2_bcast_encode(&w, &a) == 0);
	same_bytes(in, buf, sizeof(buf), rsv, 1, 0);
	mc_rd_init(&r2, buf, sizeof(buf));
	ENSURE(l2_bcast_decode(&r2, &b) == 0);
	ENSURE(a.ttl == b.ttl && a.seqno == b.seqno);
	SAME(&a, &b, orig);
}

static void unicast_same(const struct l2_unicast *a, const struct l2_unicast *b)
{
	ENSURE(a->ttl == b->ttl && a->ttvn == b->ttvn);
	SAME(a, b, dest);
}

static void fuzz_unicast(struct mc_rd *r)
{
	const uint8_t *in = mc_rd_cur(r);
	struct l2_unicast a, b;
	uint8_t buf[L2_UNICAST_HLEN];
	struct mc_wr w;
	struct mc_rd r2;

	if (l2_unicast_decode(r, &a) < 0)
		return;
	mc_wr_init(&w, buf, sizeof(buf));
	ENSURE(l2_unicast_encode(&w, &a) == 0);
	same_bytes(in, buf, sizeof(buf), NULL, 0, 0);
	mc_rd_init(&r2, buf, sizeof(buf));
	ENSURE(l2_unicast_decode(&r2, &b) == 0);
	unicast_same(&a, &b);
}

static void fuzz_4addr(struct mc_rd *r)
{
	static const size_t rsv[] = { 17 };
	const uint8_t *in = mc_rd_cur(r);
	struct l2_unicast_4addr a, b;
	uint8_t buf[L2_UNICAST_4ADDR_HLEN];
	struct mc_wr w;
	struct mc_rd r2;

	if (l2_unicast_4addr_decode(r, &a) < 0)
		return;
	mc_wr_init(&w, buf, sizeof(buf));
	ENSURE(l2_unicast_4addr_encode(&w, &a) == 0);
	same_bytes(in, buf, sizeof(buf), rsv, 1, 0);
	mc_rd_init(&r2, buf, sizeof(buf));
	ENSURE(l2_unicast_4addr_decode(&r2, &b) == 0);
	unicast_same(&a.u, &b.u);
	ENSURE(a.subtype == b.subtype);
	SAME(&a, &b, src);
}

static void fuzz_frag(struct mc_rd *r)
{
	const uint8_t *in = mc_rd_cur(r);
	struct l2_frag a, b;
	uint8_t buf[L2_FRAG_HLEN];
	struct mc_wr w;
	struct mc_rd r2;

	if (l2_frag_decode(r, &a) < 0)
		return;
	ENSURE(a.no <= 15 && a.priority <= 7);
	mc_wr_init(&w, buf, sizeof(buf));
	ENSURE(l2_frag_encode(&w, &a) == 0);
	same_bytes(in, buf, sizeof(buf), NULL, 0, 0x01);
	mc_rd_init(&r2, buf, sizeof(buf));
	ENSURE(l2_frag_decode(&r2, &b) == 0);
	ENSURE(a.ttl == b.ttl && a.no == b.no && a.priority == b.priority);
	ENSURE(a.seqno == b.seqno && a.total_size == b.total_size);
	SAME(&a, &b, dest);
	SAME(&a, &b, orig);
}

static void fuzz_icmp(struct mc_rd *r)
{
	static const size_t rsv[] = { 17 };
	const uint8_t *in = mc_rd_cur(r);
	struct l2_icmp a, b;
	uint8_t buf[L2_ICMP_RR_HLEN];
	struct mc_wr w;
	struct mc_rd r2;

	if (l2_icmp_decode(r, &a) < 0)
		return;
	mc_wr_init(&w, buf, sizeof(buf));
	ENSURE(l2_icmp_encode(&w, &a) == 0);
	ENSURE(mc_wr_len(&w) == (a.has_rr ? L2_ICMP_RR_HLEN : L2_ICMP_HLEN));
	same_bytes(in, buf, mc_wr_len(&w), rsv, a.has_rr ? 0 : 1, 0);
	mc_rd_init(&r2, buf, mc_wr_len(&w));
	ENSURE(l2_icmp_decode(&r2, &b) == 0);
	ENSURE(a.ttl == b.ttl && a.msg_type == b.msg_type && a.uid == b.uid);
	ENSURE(a.seqno == b.seqno && a.has_rr == b.has_rr && a.rr_cur == b.rr_cur);
	SAME(&a, &b, dst);
	SAME(&a, &b, orig);
	SAME(&a, &b, rr);
}

static void fuzz_unicast_tvlv(struct mc_rd *r)
{
	static const size_t rsv[] = { 3, 18, 19 };
	const uint8_t *in = mc_rd_cur(r);
	struct l2_unicast_tvlv a, b;
	uint8_t buf[L2_UNICAST_TVLV_HLEN];
	struct mc_wr w;
	struct mc_rd r2, tvlvs;

	if (l2_unicast_tvlv_decode(r, &a) < 0)
		return;
	mc_wr_init(&w, buf, sizeof(buf));
	ENSURE(l2_unicast_tvlv_encode(&w, &a) == 0);
	same_bytes(in, buf, sizeof(buf), rsv, 3, 0);
	mc_rd_init(&r2, buf, sizeof(buf));
	ENSURE(l2_unicast_tvlv_decode(&r2, &b) == 0);
	ENSURE(a.ttl == b.ttl && a.tvlv_len == b.tvlv_len);
	SAME(&a, &b, dst);
	SAME(&a, &b, src);
	if (l2_tvlv_container(r, a.tvlv_len, &tvlvs) == 0)
		fuzz_tvlvs(&tvlvs);
}

/* The payload behind BCAST/UNICAST/4ADDR is a client Ethernet frame. */
static void fuzz_inner_eth(struct mc_rd *r)
{
	struct l2_eth e;

	(void)l2_eth_decode(r, &e);
}

static void fuzz_eth(struct mc_rd *r, struct l2_eth *e)
{
	const uint8_t *in = mc_rd_cur(r);
	uint8_t buf[L2_ETH_HLEN + L2_VLAN_TAG_LEN];
	struct mc_wr w;

	mc_wr_init(&w, buf, sizeof(buf));
	ENSURE(l2_eth_encode(&w, e) == 0);
	ENSURE(mc_wr_len(&w) == L2_ETH_HLEN + (e->tagged ? L2_VLAN_TAG_LEN : 0));
	ENSURE(memcmp(in - mc_wr_len(&w), buf, mc_wr_len(&w)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mc_rd r;
	struct l2_eth eth;
	struct l2_hdr h;

	mc_rd_init(&r, data, size);
	if (l2_eth_decode(&r, &eth) < 0)
		return 0;
	fuzz_eth(&r, &eth);
	if (eth.ethertype != L2_ETHERTYPE_BATMAN)
		return 0;
	if (l2_hdr_peek(&r, &h) < 0)
		return 0;
	switch (h.type) {
	case L2_PT_IV_OGM: fuzz_ogms(&r); break;
	case L2_PT_BCAST: fuzz_bcast(&r); fuzz_inner_eth(&r); break;
	case L2_PT_UNICAST: fuzz_unicast(&r); fuzz_inner_eth(&r); break;
	case L2_PT_UNICAST_4ADDR: fuzz_4addr(&r); fuzz_inner_eth(&r); break;
	case L2_PT_UNICAST_FRAG: fuzz_frag(&r); break;
	case L2_PT_ICMP: fuzz_icmp(&r); break;
	case L2_PT_UNICAST_TVLV: fuzz_unicast_tvlv(&r); break;
	default: abort();	/* peek accepted a type we do not decode */
	}
	return 0;
}
