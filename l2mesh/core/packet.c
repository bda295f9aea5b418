/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * batman-adv v15 wire codec. Every header is read field by field through
 * mc_rd after checking that its whole length is there, so a failing
 * decoder consumes nothing. Layout sizes are pinned below as sums of
 * their fields in wire order; doc/l2mesh-wire.md has the offsets.
 */
#include "l2mesh/core/packet.h"

#include <errno.h>
#include <string.h>

#define MAC L2_ETH_ALEN

/* type version ttl flags seqno orig prev_sender reserved tq tvlv_len */
_Static_assert(1 + 1 + 1 + 1 + 4 + MAC + MAC + 1 + 1 + 2 == L2_OGM_HLEN, "ogm");
/* type version ttl reserved seqno orig */
_Static_assert(1 + 1 + 1 + 1 + 4 + MAC == L2_BCAST_HLEN, "bcast");
/* type version ttl ttvn dest */
_Static_assert(1 + 1 + 1 + 1 + MAC == L2_UNICAST_HLEN, "unicast");
/* unicast, src subtype reserved */
_Static_assert(L2_UNICAST_HLEN + MAC + 1 + 1 == L2_UNICAST_4ADDR_HLEN, "4addr");
/* type version ttl no|priority|reserved dest orig seqno total_size */
_Static_assert(1 + 1 + 1 + 1 + MAC + MAC + 2 + 2 == L2_FRAG_HLEN, "frag");
/* type version ttl msg_type dst orig uid reserved|rr_cur seqno */
_Static_assert(1 + 1 + 1 + 1 + MAC + MAC + 1 + 1 + 2 == L2_ICMP_HLEN, "icmp");
_Static_assert(L2_ICMP_RR_HLEN == 116, "icmp rr");
/* type version ttl reserved dst src tvlv_len align */
_Static_assert(1 + 1 + 1 + 1 + MAC + MAC + 2 + 2 == L2_UNICAST_TVLV_HLEN, "utvlv");
/* type version len */
_Static_assert(1 + 1 + 2 == L2_TVLV_HLEN, "tvlv");
_Static_assert(4 + 4 == L2_TVLV_GW_LEN, "gw");
_Static_assert(MAC + 2 == L2_TVLV_ROAM_LEN, "roam");
_Static_assert(1 + 3 == L2_TVLV_MCAST_LEN, "mcast");
/* flags ttvn num_vlan | crc vid reserved | flags reserved addr vid */
_Static_assert(1 + 1 + 2 == L2_TT_DATA_LEN, "tt_data");
_Static_assert(4 + 2 + 2 == L2_TT_VLAN_LEN, "tt_vlan");
_Static_assert(1 + 3 + MAC + 2 == L2_TT_CHANGE_LEN, "tt_change");
_Static_assert(L2_MAX_HEADER_LEN == 32, "max header");
/* Headers in front of a client frame are 4n+2 so its payload is aligned. */
_Static_assert(L2_UNICAST_HLEN % 4 == 2 && L2_UNICAST_4ADDR_HLEN % 4 == 2 &&
	       L2_BCAST_HLEN % 4 == 2, "4n+2");

/* Bits of the frag header's byte 3, most significant first. */
#define FRAG_NO_SHIFT 4
#define FRAG_PRIO_SHIFT 1
#define FRAG_NO_MAX 15
#define FRAG_PRIO_MAX 7

/* Offsets of fields patched after the fact. */
#define OGM_TVLV_LEN_OFF 22
#define UTVLV_TVLV_LEN_OFF 16
#define ICMP_RR_CUR_OFF 17

/* ---- Ethernet ------------------------------------------------------------ */

static bool eth_tpid_is_vlan(uint16_t t)
{
	return t == L2_ETHERTYPE_8021Q || t == L2_ETHERTYPE_8021AD;
}

int l2_eth_decode(struct mc_rd *r, struct l2_eth *out)
{
	const uint8_t *p = mc_rd_cur(r);
	size_t left = mc_rd_left(r);
	size_t need = L2_ETH_HLEN;

	if (left < need)
		return -EMSGSIZE;
	out->tagged = eth_tpid_is_vlan(mc_get_u16(p + 2 * MAC));
	if (out->tagged)
		need += L2_VLAN_TAG_LEN;
	if (left < need)
		return -EMSGSIZE;
	mc_rd_bytes(r, out->dst, MAC);
	mc_rd_bytes(r, out->src, MAC);
	out->tpid = 0;
	out->tci = 0;
	if (out->tagged) {
		mc_rd_u16(r, &out->tpid);
		mc_rd_u16(r, &out->tci);
	}
	mc_rd_u16(r, &out->ethertype);
	return 0;
}

int l2_eth_encode(struct mc_wr *w, const struct l2_eth *eth)
{
	if (eth->tagged && !eth_tpid_is_vlan(eth->tpid))
		return -EINVAL;
	mc_wr_bytes(w, eth->dst, MAC);
	mc_wr_bytes(w, eth->src, MAC);
	if (eth->tagged) {
		mc_wr_u16(w, eth->tpid);
		mc_wr_u16(w, eth->tci);
	}
	mc_wr_u16(w, eth->ethertype);
	return mc_wr_ok(w) ? 0 : -EMSGSIZE;
}

/* ---- common header --------------------------------------------------------- */

enum ptype_class { PT_UNKNOWN, PT_DECODED, PT_COUNTED };

static enum ptype_class ptype_class(uint8_t type)
{
	switch (type) {
	case L2_PT_IV_OGM:
	case L2_PT_BCAST:
	case L2_PT_UNICAST:
	case L2_PT_UNICAST_FRAG:
	case L2_PT_UNICAST_4ADDR:
	case L2_PT_ICMP:
	case L2_PT_UNICAST_TVLV:
		return PT_DECODED;
	case L2_PT_CODED:
	case L2_PT_ELP:
	case L2_PT_OGM2:
	case L2_PT_MCAST:
		return PT_COUNTED;
	default:
		return PT_UNKNOWN;
	}
}

const char *l2_ptype_name(uint8_t type)
{
	switch (type) {
	case L2_PT_IV_OGM: return "IV_OGM";
	case L2_PT_BCAST: return "BCAST";
	case L2_PT_CODED: return "CODED";
	case L2_PT_ELP: return "ELP";
	case L2_PT_OGM2: return "OGM2";
	case L2_PT_MCAST: return "MCAST";
	case L2_PT_UNICAST: return "UNICAST";
	case L2_PT_UNICAST_FRAG: return "UNICAST_FRAG";
	case L2_PT_UNICAST_4ADDR: return "UNICAST_4ADDR";
	case L2_PT_ICMP: return "ICMP";
	case L2_PT_UNICAST_TVLV: return "UNICAST_TVLV";
	default: return "UNKNOWN";
	}
}

int l2_hdr_peek(const struct mc_rd *r, struct l2_hdr *out)
{
	const uint8_t *p = mc_rd_cur(r);

	if (mc_rd_left(r) < L2_COMMON_HLEN)
		return -EMSGSIZE;
	out->type = p[0];
	out->version = p[1];
	/* ELP has no TTL: byte 2 is the first byte of its originator. */
	out->ttl = p[0] == L2_PT_ELP ? 0 : p[2];
	if (out->version != L2_COMPAT_VERSION)
		return -EPROTONOSUPPORT;
	switch (ptype_class(out->type)) {
	case PT_DECODED:
		return 0;
	case PT_COUNTED:
		return -EOPNOTSUPP;
	default:
		return -ENOMSG;
	}
}

/* Every per-type decoder starts here: whole header there, right version and type. */
static int hdr_check(const struct mc_rd *r, uint8_t type, size_t hlen)
{
	const uint8_t *p = mc_rd_cur(r);

	if (mc_rd_left(r) < hlen)
		return -EMSGSIZE;
	if (p[1] != L2_COMPAT_VERSION)
		return -EPROTONOSUPPORT;
	if (p[0] != type)
		return -EBADMSG;
	return 0;
}

/* hdr_check(), then consumes type and version and reads the TTL. */
static int hdr_take(struct mc_rd *r, uint8_t type, size_t hlen, uint8_t *ttl)
{
	int rc = hdr_check(r, type, hlen);

	if (rc < 0)
		return rc;
	mc_rd_skip(r, 2);
	mc_rd_u8(r, ttl);
	return 0;
}

static void hdr_put(struct mc_wr *w, uint8_t type, uint8_t ttl)
{
	mc_wr_u8(w, type);
	mc_wr_u8(w, L2_COMPAT_VERSION);
	mc_wr_u8(w, ttl);
}

static int wr_result(const struct mc_wr *w)
{
	return mc_wr_ok(w) ? 0 : -EMSGSIZE;
}

/* ---- IV OGM ---------------------------------------------------------------- */

int l2_ogm_decode(struct mc_rd *r, struct l2_ogm *out)
{
	int rc = hdr_take(r, L2_PT_IV_OGM, L2_OGM_HLEN, &out->ttl);

	if (rc < 0)
		return rc;
	mc_rd_u8(r, &out->flags);
	mc_rd_u32(r, &out->seqno);
	mc_rd_bytes(r, out->orig, MAC);
	mc_rd_bytes(r, out->prev_sender, MAC);
	mc_rd_skip(r, 1);
	mc_rd_u8(r, &out->tq);
	mc_rd_u16(r, &out->tvlv_len);
	return 0;
}

int l2_ogm_encode(struct mc_wr *w, const struct l2_ogm *ogm)
{
	hdr_put(w, L2_PT_IV_OGM, ogm->ttl);
	mc_wr_u8(w, ogm->flags);
	mc_wr_u32(w, ogm->seqno);
	mc_wr_bytes(w, ogm->orig, MAC);
	mc_wr_bytes(w, ogm->prev_sender, MAC);
	mc_wr_u8(w, 0);
	mc_wr_u8(w, ogm->tq);
	mc_wr_u16(w, ogm->tvlv_len);
	return wr_result(w);
}

int l2_tvlv_container(struct mc_rd *r, uint16_t tvlv_len, struct mc_rd *tvlvs)
{
	if (tvlv_len > mc_rd_left(r))
		return -EMSGSIZE;
	if (tvlv_len & 1)
		return -EBADMSG;
	return mc_rd_sub(r, tvlvs, tvlv_len);
}

int l2_ogm_next(struct mc_rd *r, struct l2_ogm *ogm, struct mc_rd *tvlvs)
{
	struct mc_rd probe = *r;
	int rc;

	if (mc_rd_left(r) < L2_OGM_HLEN)
		return 0;
	rc = l2_ogm_decode(&probe, ogm);
	if (rc < 0)
		return rc;
	rc = l2_tvlv_container(&probe, ogm->tvlv_len, tvlvs);
	if (rc < 0)
		return rc;
	*r = probe;
	return 1;
}

/* Sets the 16-bit length at hdr_off + field_off to what follows the header. */
static int tvlv_len_patch(struct mc_wr *w, size_t hdr_off, size_t hlen,
			  size_t field_off)
{
	size_t len;

	if (!mc_wr_ok(w))
		return -EMSGSIZE;
	if (hdr_off > w->off || w->off - hdr_off < hlen)
		return -EINVAL;
	len = w->off - hdr_off - hlen;
	if (len > UINT16_MAX)
		return -EMSGSIZE;
	if (len & 1)
		return -EINVAL;
	mc_put_u16(w->p + hdr_off + field_off, (uint16_t)len);
	return 0;
}

int l2_ogm_tvlv_finish(struct mc_wr *w, size_t hdr_off)
{
	return tvlv_len_patch(w, hdr_off, L2_OGM_HLEN, OGM_TVLV_LEN_OFF);
}

int l2_unicast_tvlv_finish(struct mc_wr *w, size_t hdr_off)
{
	return tvlv_len_patch(w, hdr_off, L2_UNICAST_TVLV_HLEN, UTVLV_TVLV_LEN_OFF);
}

/* ---- BCAST, UNICAST, 4ADDR ----------------------------------------------------- */

int l2_bcast_decode(struct mc_rd *r, struct l2_bcast *out)
{
	int rc = hdr_take(r, L2_PT_BCAST, L2_BCAST_HLEN, &out->ttl);

	if (rc < 0)
		return rc;
	mc_rd_skip(r, 1);
	mc_rd_u32(r, &out->seqno);
	mc_rd_bytes(r, out->orig, MAC);
	return 0;
}

int l2_bcast_encode(struct mc_wr *w, const struct l2_bcast *b)
{
	hdr_put(w, L2_PT_BCAST, b->ttl);
	mc_wr_u8(w, 0);
	mc_wr_u32(w, b->seqno);
	mc_wr_bytes(w, b->orig, MAC);
	return wr_result(w);
}

static int unicast_take(struct mc_rd *r, uint8_t type, size_t hlen,
			struct l2_unicast *out)
{
	int rc = hdr_take(r, type, hlen, &out->ttl);

	if (rc < 0)
		return rc;
	mc_rd_u8(r, &out->ttvn);
	mc_rd_bytes(r, out->dest, MAC);
	return 0;
}

static void unicast_put(struct mc_wr *w, uint8_t type, const struct l2_unicast *u)
{
	hdr_put(w, type, u->ttl);
	mc_wr_u8(w, u->ttvn);
	mc_wr_bytes(w, u->dest, MAC);
}

int l2_unicast_decode(struct mc_rd *r, struct l2_unicast *out)
{
	return unicast_take(r, L2_PT_UNICAST, L2_UNICAST_HLEN, out);
}

int l2_unicast_encode(struct mc_wr *w, const struct l2_unicast *u)
{
	unicast_put(w, L2_PT_UNICAST, u);
	return wr_result(w);
}

int l2_unicast_4addr_decode(struct mc_rd *r, struct l2_unicast_4addr *out)
{
	int rc = unicast_take(r, L2_PT_UNICAST_4ADDR, L2_UNICAST_4ADDR_HLEN,
			      &out->u);

	if (rc < 0)
		return rc;
	mc_rd_bytes(r, out->src, MAC);
	mc_rd_u8(r, &out->subtype);
	mc_rd_skip(r, 1);
	return 0;
}

int l2_unicast_4addr_encode(struct mc_wr *w, const struct l2_unicast_4addr *u)
{
	unicast_put(w, L2_PT_UNICAST_4ADDR, &u->u);
	mc_wr_bytes(w, u->src, MAC);
	mc_wr_u8(w, u->subtype);
	mc_wr_u8(w, 0);
	return wr_result(w);
}

/* ---- FRAG -------------------------------------------------------------------- */

int l2_frag_decode(struct mc_rd *r, struct l2_frag *out)
{
	uint8_t bits;
	int rc = hdr_take(r, L2_PT_UNICAST_FRAG, L2_FRAG_HLEN, &out->ttl);

	if (rc < 0)
		return rc;
	/* no:4 | priority:3 | reserved:1, most significant bit first */
	mc_rd_u8(r, &bits);
	out->no = bits >> FRAG_NO_SHIFT;
	out->priority = (bits >> FRAG_PRIO_SHIFT) & FRAG_PRIO_MAX;
	mc_rd_bytes(r, out->dest, MAC);
	mc_rd_bytes(r, out->orig, MAC);
	mc_rd_u16(r, &out->seqno);
	mc_rd_u16(r, &out->total_size);
	return 0;
}

int l2_frag_encode(struct mc_wr *w, const struct l2_frag *f)
{
	if (f->no > FRAG_NO_MAX || f->priority > FRAG_PRIO_MAX)
		return -EINVAL;
	hdr_put(w, L2_PT_UNICAST_FRAG, f->ttl);
	mc_wr_u8(w, (uint8_t)(f->no << FRAG_NO_SHIFT |
			      f->priority << FRAG_PRIO_SHIFT));
	mc_wr_bytes(w, f->dest, MAC);
	mc_wr_bytes(w, f->orig, MAC);
	mc_wr_u16(w, f->seqno);
	mc_wr_u16(w, f->total_size);
	return wr_result(w);
}

/* ---- ICMP -------------------------------------------------------------------- */

static bool icmp_is_echo(uint8_t msg_type)
{
	return msg_type == L2_ICMP_ECHO_REQUEST || msg_type == L2_ICMP_ECHO_REPLY;
}

int l2_icmp_decode(struct mc_rd *r, struct l2_icmp *out)
{
	const uint8_t *p = mc_rd_cur(r);
	int rc = hdr_check(r, L2_PT_ICMP, L2_ICMP_HLEN);

	if (rc < 0)
		return rc;
	out->has_rr = icmp_is_echo(p[3]) && mc_rd_left(r) >= L2_ICMP_RR_HLEN;
	out->rr_cur = out->has_rr ? p[ICMP_RR_CUR_OFF] : 0;
	if (out->rr_cur > L2_ICMP_RR_SLOTS)
		return -EBADMSG;
	hdr_take(r, L2_PT_ICMP, L2_ICMP_HLEN, &out->ttl);
	mc_rd_u8(r, &out->msg_type);
	mc_rd_bytes(r, out->dst, MAC);
	mc_rd_bytes(r, out->orig, MAC);
	mc_rd_u8(r, &out->uid);
	mc_rd_skip(r, 1);	/* reserved, or rr_cur read above */
	mc_rd_u16(r, &out->seqno);
	memset(out->rr, 0, sizeof(out->rr));
	if (out->has_rr)
		mc_rd_bytes(r, out->rr, sizeof(out->rr));
	return 0;
}

int l2_icmp_encode(struct mc_wr *w, const struct l2_icmp *icmp)
{
	if (icmp->has_rr && (!icmp_is_echo(icmp->msg_type) ||
			     icmp->rr_cur > L2_ICMP_RR_SLOTS))
		return -EINVAL;
	hdr_put(w, L2_PT_ICMP, icmp->ttl);
	mc_wr_u8(w, icmp->msg_type);
	mc_wr_bytes(w, icmp->dst, MAC);
	mc_wr_bytes(w, icmp->orig, MAC);
	mc_wr_u8(w, icmp->uid);
	mc_wr_u8(w, icmp->has_rr ? icmp->rr_cur : 0);
	mc_wr_u16(w, icmp->seqno);
	if (icmp->has_rr)
		mc_wr_bytes(w, icmp->rr, sizeof(icmp->rr));
	return wr_result(w);
}

/* ---- UNICAST_TVLV ---------------------------------------------------------------- */

int l2_unicast_tvlv_decode(struct mc_rd *r, struct l2_unicast_tvlv *out)
{
	int rc = hdr_take(r, L2_PT_UNICAST_TVLV, L2_UNICAST_TVLV_HLEN, &out->ttl);

	if (rc < 0)
		return rc;
	mc_rd_skip(r, 1);
	mc_rd_bytes(r, out->dst, MAC);
	mc_rd_bytes(r, out->src, MAC);
	mc_rd_u16(r, &out->tvlv_len);
	mc_rd_skip(r, 2);
	return 0;
}

int l2_unicast_tvlv_encode(struct mc_wr *w, const struct l2_unicast_tvlv *u)
{
	hdr_put(w, L2_PT_UNICAST_TVLV, u->ttl);
	mc_wr_u8(w, 0);
	mc_wr_bytes(w, u->dst, MAC);
	mc_wr_bytes(w, u->src, MAC);
	mc_wr_u16(w, u->tvlv_len);
	mc_wr_u16(w, 0);
	return wr_result(w);
}

/* ---- TVLV container --------------------------------------------------------------- */

int l2_tvlv_next(struct mc_rd *tvlvs, struct l2_tvlv *out)
{
	const uint8_t *p = mc_rd_cur(tvlvs);
	size_t left = mc_rd_left(tvlvs);
	uint16_t len;

	if (!mc_rd_ok(tvlvs))
		return -EMSGSIZE;
	if (left == 0)
		return 0;
	if (left < L2_TVLV_HLEN)
		return -EMSGSIZE;
	len = mc_get_u16(p + 2);
	if (len > left - L2_TVLV_HLEN)
		return -EMSGSIZE;
	if (len & 1)
		return -EBADMSG;
	out->type = p[0];
	out->version = p[1];
	out->len = len;
	out->value = p + L2_TVLV_HLEN;
	mc_rd_skip(tvlvs, L2_TVLV_HLEN + (size_t)len);
	return 1;
}

/* A TVLV header; its len value bytes are the caller's to write. */
static void tvlv_head(struct mc_wr *w, uint8_t type, uint8_t version, uint16_t len)
{
	mc_wr_u8(w, type);
	mc_wr_u8(w, version);
	mc_wr_u16(w, len);
}

int l2_tvlv_encode(struct mc_wr *w, uint8_t type, uint8_t version,
		   const void *value, uint16_t len)
{
	if (len & 1)
		return -EINVAL;
	tvlv_head(w, type, version, len);
	mc_wr_bytes(w, value, len);
	return wr_result(w);
}

int l2_tvlv_begin(struct mc_wr *w, uint8_t type, uint8_t version, size_t *mark)
{
	*mark = w->off;
	return l2_tvlv_encode(w, type, version, NULL, 0);
}

int l2_tvlv_end(struct mc_wr *w, size_t mark)
{
	/* the TVLV's own len field sits 2 bytes into its 4-byte header */
	return tvlv_len_patch(w, mark, L2_TVLV_HLEN, 2);
}

/* ---- TVLV payloads ------------------------------------------------------------------ */

/* Checks type/version/minimum length and opens a reader on the value. */
static int tvlv_open(const struct l2_tvlv *tv, uint8_t type, uint8_t version,
		     size_t min_len, struct mc_rd *r)
{
	if (tv->type != type)
		return -EBADMSG;
	if (tv->version != version)
		return -EPROTONOSUPPORT;
	if (tv->len < min_len)
		return -EMSGSIZE;
	mc_rd_init(r, tv->value, tv->len);
	return 0;
}

int l2_tvlv_gw_decode(const struct l2_tvlv *tv, struct l2_tvlv_gw *out)
{
	struct mc_rd r;
	int rc = tvlv_open(tv, L2_TVLV_GW, L2_TVLV_GW_VERSION, L2_TVLV_GW_LEN, &r);

	if (rc < 0)
		return rc;
	mc_rd_u32(&r, &out->bw_down_100kbps);
	mc_rd_u32(&r, &out->bw_up_100kbps);
	return 0;
}

int l2_tvlv_gw_encode(struct mc_wr *w, const struct l2_tvlv_gw *gw)
{
	tvlv_head(w, L2_TVLV_GW, L2_TVLV_GW_VERSION, L2_TVLV_GW_LEN);
	mc_wr_u32(w, gw->bw_down_100kbps);
	mc_wr_u32(w, gw->bw_up_100kbps);
	return wr_result(w);
}

int l2_tvlv_roam_decode(const struct l2_tvlv *tv, struct l2_tvlv_roam *out)
{
	struct mc_rd r;
	int rc = tvlv_open(tv, L2_TVLV_ROAM, L2_TVLV_ROAM_VERSION,
			   L2_TVLV_ROAM_LEN, &r);

	if (rc < 0)
		return rc;
	mc_rd_bytes(&r, out->client, MAC);
	mc_rd_u16(&r, &out->vid);
	return 0;
}

int l2_tvlv_roam_encode(struct mc_wr *w, const struct l2_tvlv_roam *roam)
{
	tvlv_head(w, L2_TVLV_ROAM, L2_TVLV_ROAM_VERSION, L2_TVLV_ROAM_LEN);
	mc_wr_bytes(w, roam->client, MAC);
	mc_wr_u16(w, roam->vid);
	return wr_result(w);
}

/* The kernel reads only the flags byte, so that is all it takes. */
int l2_tvlv_mcast_decode(const struct l2_tvlv *tv, struct l2_tvlv_mcast *out)
{
	struct mc_rd r;
	int rc = tvlv_open(tv, L2_TVLV_MCAST, L2_TVLV_MCAST_VERSION, 1, &r);

	if (rc < 0)
		return rc;
	mc_rd_u8(&r, &out->flags);
	return 0;
}

int l2_tvlv_mcast_encode(struct mc_wr *w, const struct l2_tvlv_mcast *m)
{
	tvlv_head(w, L2_TVLV_MCAST, L2_TVLV_MCAST_VERSION, L2_TVLV_MCAST_LEN);
	mc_wr_u8(w, m->flags);
	mc_wr_zero(w, 3);
	return wr_result(w);
}

/* ---- TT ---------------------------------------------------------------------------- */

int l2_tvlv_tt_decode(const struct l2_tvlv *tv, struct l2_tvlv_tt *out)
{
	struct mc_rd r;
	size_t vlan_bytes, rest;
	int rc = tvlv_open(tv, L2_TVLV_TT, L2_TVLV_TT_VERSION, L2_TT_DATA_LEN, &r);

	if (rc < 0)
		return rc;
	mc_rd_u8(&r, &out->data.flags);
	mc_rd_u8(&r, &out->data.ttvn);
	mc_rd_u16(&r, &out->data.num_vlan);
	vlan_bytes = (size_t)out->data.num_vlan * L2_TT_VLAN_LEN;
	if (vlan_bytes > mc_rd_left(&r))
		return -EMSGSIZE;
	rest = mc_rd_left(&r) - vlan_bytes;
	if (rest % L2_TT_CHANGE_LEN)
		return -EMSGSIZE;
	out->num_changes = (uint16_t)(rest / L2_TT_CHANGE_LEN);
	mc_rd_sub(&r, &out->vlans, vlan_bytes);
	mc_rd_sub(&r, &out->changes, rest);
	return 0;
}

/* Whether an entry of len bytes follows: 1, 0 at the end, -EMSGSIZE for
 * a partial one (or a reader already in error). */
static int entry_next(const struct mc_rd *r, size_t len)
{
	if (!mc_rd_ok(r))
		return -EMSGSIZE;
	if (mc_rd_left(r) == 0)
		return 0;
	return mc_rd_left(r) < len ? -EMSGSIZE : 1;
}

int l2_tt_vlan_next(struct mc_rd *vlans, struct l2_tt_vlan *out)
{
	int rc = entry_next(vlans, L2_TT_VLAN_LEN);

	if (rc <= 0)
		return rc;
	mc_rd_u32(vlans, &out->crc);
	mc_rd_u16(vlans, &out->vid);
	mc_rd_skip(vlans, 2);
	return 1;
}

int l2_tt_change_next(struct mc_rd *changes, struct l2_tt_change *out)
{
	int rc = entry_next(changes, L2_TT_CHANGE_LEN);

	if (rc <= 0)
		return rc;
	mc_rd_u8(changes, &out->flags);
	mc_rd_skip(changes, 3);
	mc_rd_bytes(changes, out->addr, MAC);
	mc_rd_u16(changes, &out->vid);
	return 1;
}

int l2_tt_data_encode(struct mc_wr *w, const struct l2_tt_data *data)
{
	mc_wr_u8(w, data->flags);
	mc_wr_u8(w, data->ttvn);
	mc_wr_u16(w, data->num_vlan);
	return wr_result(w);
}

int l2_tt_vlan_encode(struct mc_wr *w, const struct l2_tt_vlan *vlan)
{
	mc_wr_u32(w, vlan->crc);
	mc_wr_u16(w, vlan->vid);
	mc_wr_u16(w, 0);
	return wr_result(w);
}

int l2_tt_change_encode(struct mc_wr *w, const struct l2_tt_change *change)
{
	mc_wr_u8(w, change->flags);
	mc_wr_zero(w, 3);
	mc_wr_bytes(w, change->addr, MAC);
	mc_wr_u16(w, change->vid);
	return wr_result(w);
}

int l2_tvlv_tt_encode(struct mc_wr *w, const struct l2_tt_data *data,
		      const struct l2_tt_vlan *vlans,
		      const struct l2_tt_change *changes, size_t num_changes)
{
	size_t mark;
	int rc = l2_tvlv_begin(w, L2_TVLV_TT, L2_TVLV_TT_VERSION, &mark);

	if (rc < 0)
		return rc;
	l2_tt_data_encode(w, data);
	for (size_t i = 0; i < data->num_vlan; i++)
		l2_tt_vlan_encode(w, &vlans[i]);
	for (size_t i = 0; i < num_changes; i++)
		l2_tt_change_encode(w, &changes[i]);
	return l2_tvlv_end(w, mark);
}

/* ---- CRC32C ------------------------------------------------------------------------- */

/* Reflected Castagnoli table: entry i is i run through 8 shifts of 0x82f63b78. */
static const uint32_t crc32c_table[256] = {
	0x00000000u, 0xf26b8303u, 0xe13b70f7u, 0x1350f3f4u,
	0xc79a971fu, 0x35f1141cu, 0x26a1e7e8u, 0xd4ca64ebu,
	0x8ad958cfu, 0x78b2dbccu, 0x6be22838u, 0x9989ab3bu,
	0x4d43cfd0u, 0xbf284cd3u, 0xac78bf27u, 0x5e133c24u,
	0x105ec76fu, 0xe235446cu, 0xf165b798u, 0x030e349bu,
	0xd7c45070u, 0x25afd373u, 0x36ff2087u, 0xc494a384u,
	0x9a879fa0u, 0x68ec1ca3u, 0x7bbcef57u, 0x89d76c54u,
	0x5d1d08bfu, 0xaf768bbcu, 0xbc267848u, 0x4e4dfb4bu,
	0x20bd8edeu, 0xd2d60dddu, 0xc186fe29u, 0x33ed7d2au,
	0xe72719c1u, 0x154c9ac2u, 0x061c6936u, 0xf477ea35u,
	0xaa64d611u, 0x580f5512u, 0x4b5fa6e6u, 0xb93425e5u,
	0x6dfe410eu, 0x9f95c20du, 0x8cc531f9u, 0x7eaeb2fau,
	0x30e349b1u, 0xc288cab2u, 0xd1d83946u, 0x23b3ba45u,
	0xf779deaeu, 0x05125dadu, 0x1642ae59u, 0xe4292d5au,
	0xba3a117eu, 0x4851927du, 0x5b016189u, 0xa96ae28au,
	0x7da08661u, 0x8fcb0562u, 0x9c9bf696u, 0x6ef07595u,
	0x417b1dbcu, 0xb3109ebfu, 0xa0406d4bu, 0x522bee48u,
	0x86e18aa3u, 0x748a09a0u, 0x67dafa54u, 0x95b17957u,
	0xcba24573u, 0x39c9c670u, 0x2a993584u, 0xd8f2b687u,
	0x0c38d26cu, 0xfe53516fu, 0xed03a29bu, 0x1f682198u,
	0x5125dad3u, 0xa34e59d0u, 0xb01eaa24u, 0x42752927u,
	0x96bf4dccu, 0x64d4cecfu, 0x77843d3bu, 0x85efbe38u,
	0xdbfc821cu, 0x2997011fu, 0x3ac7f2ebu, 0xc8ac71e8u,
	0x1c661503u, 0xee0d9600u, 0xfd5d65f4u, 0x0f36e6f7u,
	0x61c69362u, 0x93ad1061u, 0x80fde395u, 0x72966096u,
	0xa65c047du, 0x5437877eu, 0x4767748au, 0xb50cf789u,
	0xeb1fcbadu, 0x197448aeu, 0x0a24bb5au, 0xf84f3859u,
	0x2c855cb2u, 0xdeeedfb1u, 0xcdbe2c45u, 0x3fd5af46u,
	0x7198540du, 0x83f3d70eu, 0x90a324fau, 0x62c8a7f9u,
	0xb602c312u, 0x44694011u, 0x5739b3e5u, 0xa55230e6u,
	0xfb410cc2u, 0x092a8fc1u, 0x1a7a7c35u, 0xe811ff36u,
	0x3cdb9bddu, 0xceb018deu, 0xdde0eb2au, 0x2f8b6829u,
	0x82f63b78u, 0x709db87bu, 0x63cd4b8fu, 0x91a6c88cu,
	0x456cac67u, 0xb7072f64u, 0xa457dc90u, 0x563c5f93u,
	0x082f63b7u, 0xfa44e0b4u, 0xe9141340u, 0x1b7f9043u,
	0xcfb5f4a8u, 0x3dde77abu, 0x2e8e845fu, 0xdce5075cu,
	0x92a8fc17u, 0x60c37f14u, 0x73938ce0u, 0x81f80fe3u,
	0x55326b08u, 0xa759e80bu, 0xb4091bffu, 0x466298fcu,
	0x1871a4d8u, 0xea1a27dbu, 0xf94ad42fu, 0x0b21572cu,
	0xdfeb33c7u, 0x2d80b0c4u, 0x3ed04330u, 0xccbbc033u,
	0xa24bb5a6u, 0x502036a5u, 0x4370c551u, 0xb11b4652u,
	0x65d122b9u, 0x97baa1bau, 0x84ea524eu, 0x7681d14du,
	0x2892ed69u, 0xdaf96e6au, 0xc9a99d9eu, 0x3bc21e9du,
	0xef087a76u, 0x1d63f975u, 0x0e330a81u, 0xfc588982u,
	0xb21572c9u, 0x407ef1cau, 0x532e023eu, 0xa145813du,
	0x758fe5d6u, 0x87e466d5u, 0x94b49521u, 0x66df1622u,
	0x38cc2a06u, 0xcaa7a905u, 0xd9f75af1u, 0x2b9cd9f2u,
	0xff56bd19u, 0x0d3d3e1au, 0x1e6dcdeeu, 0xec064eedu,
	0xc38d26c4u, 0x31e6a5c7u, 0x22b65633u, 0xd0ddd530u,
	0x0417b1dbu, 0xf67c32d8u, 0xe52cc12cu, 0x1747422fu,
	0x49547e0bu, 0xbb3ffd08u, 0xa86f0efcu, 0x5a048dffu,
	0x8ecee914u, 0x7ca56a17u, 0x6ff599e3u, 0x9d9e1ae0u,
	0xd3d3e1abu, 0x21b862a8u, 0x32e8915cu, 0xc083125fu,
	0x144976b4u, 0xe622f5b7u, 0xf5720643u, 0x07198540u,
	0x590ab964u, 0xab613a67u, 0xb831c993u, 0x4a5a4a90u,
	0x9e902e7bu, 0x6cfbad78u, 0x7fab5e8cu, 0x8dc0dd8fu,
	0xe330a81au, 0x115b2b19u, 0x020bd8edu, 0xf0605beeu,
	0x24aa3f05u, 0xd6c1bc06u, 0xc5914ff2u, 0x37faccf1u,
	0x69e9f0d5u, 0x9b8273d6u, 0x88d28022u, 0x7ab90321u,
	0xae7367cau, 0x5c18e4c9u, 0x4f48173du, 0xbd23943eu,
	0xf36e6f75u, 0x0105ec76u, 0x12551f82u, 0xe03e9c81u,
	0x34f4f86au, 0xc69f7b69u, 0xd5cf889du, 0x27a40b9eu,
	0x79b737bau, 0x8bdcb4b9u, 0x988c474du, 0x6ae7c44eu,
	0xbe2da0a5u, 0x4c4623a6u, 0x5f16d052u, 0xad7d5351u,
};

uint32_t l2_crc32c_update(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len--)
		crc = crc32c_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

uint32_t l2_crc32c(const void *buf, size_t len)
{
	return ~l2_crc32c_update(~0u, buf, len);
}

uint32_t l2_tt_crc_entry(const uint8_t addr[L2_ETH_ALEN], uint16_t vid,
			 uint16_t flags)
{
	uint8_t vid_be[2];
	uint8_t sync = (uint8_t)(flags & L2_TT_SYNC_MASK);
	uint32_t crc;

	mc_put_u16(vid_be, vid);
	crc = l2_crc32c_update(0, vid_be, sizeof(vid_be));
	crc = l2_crc32c_update(crc, &sync, 1);
	return l2_crc32c_update(crc, addr, L2_ETH_ALEN);
}

/* ---- VLAN interfaces -------------------------------------------------------- */

long l2_vlan_pop(uint8_t *buf, size_t n, bool tag_in_frame, uint16_t *csum_start,
		 size_t *start)
{
	*start = 0;
	if (!tag_in_frame)
		return n < L2_ETH_HLEN ? -1 : (long)n;
	if (n < L2_ETH_HLEN + 4)
		return -1;
	memmove(buf + 4, buf, 2 * MAC);
	*start = 4;
	if (csum_start && *csum_start >= 2 * MAC + 4)
		*csum_start = (uint16_t)(*csum_start - 4);
	return (long)n - 4;
}

long l2_vlan_push(uint8_t *buf, size_t n, uint16_t vid, uint16_t *csum_start)
{
	if (n < L2_ETH_HLEN)
		return -1;
	memmove(buf, buf + 4, 2 * MAC);
	mc_put_u16(buf + 2 * MAC, L2_ETHERTYPE_8021AD);
	mc_put_u16(buf + 2 * MAC + 2, vid & 0x0fff);
	/* past the addresses (where the tag goes) it moves */
	if (csum_start && *csum_start >= 2 * MAC && *csum_start <= UINT16_MAX - 4)
		*csum_start = (uint16_t)(*csum_start + 4);
	return (long)n + 4;
}
