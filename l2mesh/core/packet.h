/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2_PACKET_H
#define L2_PACKET_H

/*
 * batman-adv wire format, compat version 15: the one place its layouts
 * live (doc/l2mesh-wire.md walks through them). Decoders read through an
 * mc_rd positioned at the batman header and leave it just after the header,
 * at the payload or the TVLVs; encoders append to an mc_wr. No decoder
 * allocates, logs, or keeps a pointer past the call except where a struct
 * says so (TVLV values and TT sub-readers point into the frame).
 *
 * Results: 0 (or 1/0 for iterators), or a negative errno:
 *   -EMSGSIZE         truncated: fewer bytes than the layout needs, or a
 *                     declared length/count runs past its container
 *   -EPROTONOSUPPORT  compat version is not 15 (or a TVLV version we do
 *                     not decode: callers skip that TVLV, as the kernel does)
 *   -ENOMSG           packet type not defined by batman-adv
 *   -EOPNOTSUPP       packet type defined (ELP, OGM2, MCAST, CODED) but not
 *                     implemented by l2mesh
 *   -EBADMSG          a field is inconsistent (type does not match the
 *                     decoder, odd TVLV length, route record overflow)
 *   -EINVAL           (encoders) a value does not fit its field
 * A decoder that fails consumes nothing.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* Ethernet */
#define L2_ETH_ALEN 6
#define L2_ETH_HLEN 14			/* dst, src, ethertype */
#define L2_VLAN_TAG_LEN 4		/* TPID + TCI */
#define L2_ETHERTYPE_BATMAN 0x4305
#define L2_ETHERTYPE_8021Q 0x8100
#define L2_ETHERTYPE_8021AD 0x88a8
#define L2_VLAN_VID_MASK 0x0fff

/* batman-adv */
#define L2_COMPAT_VERSION 15
#define L2_TQ_MAX 255

enum l2_ptype {
	L2_PT_IV_OGM = 0x00,
	L2_PT_BCAST = 0x01,
	L2_PT_CODED = 0x02,		/* removed in 2025.4; counted only */
	L2_PT_ELP = 0x03,		/* B.A.T.M.A.N. V; counted only */
	L2_PT_OGM2 = 0x04,		/* B.A.T.M.A.N. V; counted only */
	L2_PT_MCAST = 0x05,		/* counted only */
	L2_PT_UNICAST = 0x40,
	L2_PT_UNICAST_FRAG = 0x41,
	L2_PT_UNICAST_4ADDR = 0x42,
	L2_PT_ICMP = 0x43,
	L2_PT_UNICAST_TVLV = 0x44,
};
/* 0x40-0x7f route like unicast: ttl at byte 2, destination at byte 4. */
#define L2_PT_UNICAST_MIN 0x40
#define L2_PT_UNICAST_MAX 0x7f

/* Header lengths in bytes. */
#define L2_COMMON_HLEN 3		/* type, version, ttl */
#define L2_OGM_HLEN 24
#define L2_BCAST_HLEN 14
#define L2_UNICAST_HLEN 10
#define L2_UNICAST_4ADDR_HLEN 18
#define L2_FRAG_HLEN 20
#define L2_ICMP_HLEN 20
#define L2_ICMP_RR_SLOTS 16
#define L2_ICMP_RR_HLEN (L2_ICMP_HLEN + L2_ICMP_RR_SLOTS * L2_ETH_ALEN)
#define L2_UNICAST_TVLV_HLEN 20
#define L2_CODED_HLEN 46
#define L2_ELP_HLEN 16
#define L2_OGM2_HLEN 20
#define L2_MCAST_HLEN 6
#define L2_TVLV_HLEN 4
/* Encapsulation overhead on a hard interface: the largest header put in
 * front of a client frame (4ADDR, 18) plus that frame's Ethernet header. */
#define L2_MAX_HEADER_LEN (L2_UNICAST_4ADDR_HLEN + L2_ETH_HLEN)

/* IV OGM flags */
#define L2_OGM_F_NOT_BEST_NEXT_HOP 0x01
#define L2_OGM_F_PRIMARIES_FIRST_HOP 0x02	/* unused by the kernel */
#define L2_OGM_F_DIRECTLINK 0x04

/* ICMP msg_type */
#define L2_ICMP_ECHO_REPLY 0
#define L2_ICMP_DEST_UNREACH 3
#define L2_ICMP_ECHO_REQUEST 8
#define L2_ICMP_TTL_EXCEEDED 11
#define L2_ICMP_PARAMETER_PROBLEM 12
#define L2_ICMP_TP 15			/* throughput meter, 28-byte layout */

/* UNICAST_4ADDR subtype */
#define L2_4ADDR_DATA 1
#define L2_4ADDR_DAT_DHT_GET 2
#define L2_4ADDR_DAT_DHT_PUT 3
#define L2_4ADDR_DAT_CACHE_REPLY 4

/* TVLV types and the versions l2mesh speaks */
#define L2_TVLV_GW 0x01
#define L2_TVLV_DAT 0x02
#define L2_TVLV_NC 0x03
#define L2_TVLV_TT 0x04
#define L2_TVLV_ROAM 0x05
#define L2_TVLV_MCAST 0x06
#define L2_TVLV_MCAST_TRACKER 0x07
#define L2_TVLV_GW_VERSION 1
#define L2_TVLV_DAT_VERSION 1
#define L2_TVLV_TT_VERSION 1
#define L2_TVLV_ROAM_VERSION 1
#define L2_TVLV_MCAST_VERSION 2
/*
 * softmesh's own, unknown to batman-adv (which skips unknown TVLVs): first
 * in the TVLVs of a node's own OGMs, no value. It says that the sender
 * reads aggregates to the end of the frame, not only their first 512
 * bytes as the kernel does (bat_iv.c, doc/l2mesh-wire.md).
 */
#define L2_TVLV_LONG_AGG 0xf0
#define L2_TVLV_LONG_AGG_VERSION 1

/* TVLV payload sizes in bytes */
#define L2_TVLV_GW_LEN 8
#define L2_TVLV_ROAM_LEN 8
#define L2_TVLV_MCAST_LEN 4
#define L2_TT_DATA_LEN 4
#define L2_TT_VLAN_LEN 8
#define L2_TT_CHANGE_LEN 12

/* GW bandwidth unit: one step of bandwidth_down/up is 100 kbit/s. */
#define L2_GW_BW_UNIT_KBPS 100

/* MCAST TVLV flags */
#define L2_MCAST_WANT_ALL_UNSNOOPABLES 0x01
#define L2_MCAST_WANT_ALL_IPV4 0x02
#define L2_MCAST_WANT_ALL_IPV6 0x04
#define L2_MCAST_WANT_NO_RTR4 0x08
#define L2_MCAST_WANT_NO_RTR6 0x10
#define L2_MCAST_HAVE_MC_PTYPE_CAPA 0x20

/* tt_data.flags: the low nibble is the message type */
#define L2_TT_TYPE_MASK 0x0f
#define L2_TT_OGM_DIFF 0x01
#define L2_TT_REQUEST 0x02
#define L2_TT_RESPONSE 0x04
#define L2_TT_FULL_TABLE 0x10

/* TT client flags. Bits 0-7 travel in tt_change.flags; bits 4-7 of those
 * must agree on every node and enter the CRC; bits 8-15 never leave. */
#define L2_TT_CLIENT_DEL 0x0001
#define L2_TT_CLIENT_ROAM 0x0002
#define L2_TT_CLIENT_WIFI 0x0010
#define L2_TT_CLIENT_ISOLA 0x0020
#define L2_TT_CLIENT_NOPURGE 0x0100
#define L2_TT_CLIENT_NEW 0x0200
#define L2_TT_CLIENT_PENDING 0x0400
#define L2_TT_CLIENT_TEMP 0x0800
#define L2_TT_REMOTE_MASK 0x00ff
#define L2_TT_SYNC_MASK 0x00f0

/* VID fields (TT, ROAM): bit 15 set means the client frame is 802.1Q
 * tagged with VID & 0x0fff; an untagged client is VID 0. */
#define L2_VLAN_HAS_TAG 0x8000

/* ---- Ethernet ---------------------------------------------------------- */

struct l2_eth {
	uint8_t dst[L2_ETH_ALEN];
	uint8_t src[L2_ETH_ALEN];
	bool tagged;		/* one 802.1Q or 802.1ad tag present */
	uint16_t tpid;		/* L2_ETHERTYPE_8021Q or _8021AD when tagged */
	uint16_t tci;		/* PCP(3) DEI(1) VID(12) when tagged */
	uint16_t ethertype;	/* the one after the tag */
};

/* Reads dst, src and at most one VLAN tag; leaves r at the payload. */
int l2_eth_decode(struct mc_rd *r, struct l2_eth *out);
int l2_eth_encode(struct mc_wr *w, const struct l2_eth *eth);

/* ---- common header ----------------------------------------------------- */

struct l2_hdr {
	uint8_t type;
	uint8_t version;
	uint8_t ttl;		/* 0 for ELP, which has none */
};

/*
 * Looks at the first bytes without consuming them: -EMSGSIZE below 3
 * bytes, then -EPROTONOSUPPORT for another compat version (checked before
 * the type: type numbers differ between versions), then -EOPNOTSUPP or
 * -ENOMSG for types l2mesh does not decode. *out is filled in every case
 * where the bytes are there, so callers can count by type and version.
 */
int l2_hdr_peek(const struct mc_rd *r, struct l2_hdr *out);
/* "IV_OGM", "UNICAST", ... or "UNKNOWN", for logs and counters. */
const char *l2_ptype_name(uint8_t type);

/* ---- per-type headers --------------------------------------------------- */

struct l2_ogm {
	uint8_t ttl;
	uint8_t flags;		/* L2_OGM_F_* */
	uint32_t seqno;
	uint8_t orig[L2_ETH_ALEN];
	uint8_t prev_sender[L2_ETH_ALEN];
	uint8_t tq;		/* 0..L2_TQ_MAX */
	uint16_t tvlv_len;	/* TVLV bytes following this header */
};

struct l2_bcast {
	uint8_t ttl;
	uint32_t seqno;
	uint8_t orig[L2_ETH_ALEN];
};

struct l2_unicast {
	uint8_t ttl;
	uint8_t ttvn;		/* destination's TT version as the sender knew it */
	uint8_t dest[L2_ETH_ALEN];
};

struct l2_unicast_4addr {
	struct l2_unicast u;
	uint8_t src[L2_ETH_ALEN];
	uint8_t subtype;	/* L2_4ADDR_* */
};

struct l2_frag {
	uint8_t ttl;
	uint8_t no;		/* fragment number, 0..15 */
	uint8_t priority;	/* 0..7, from IP precedence or 802.1p */
	uint8_t dest[L2_ETH_ALEN];
	uint8_t orig[L2_ETH_ALEN];
	uint16_t seqno;
	uint16_t total_size;	/* bytes of the merged packet */
};

struct l2_icmp {
	uint8_t ttl;
	uint8_t msg_type;	/* L2_ICMP_* */
	uint8_t dst[L2_ETH_ALEN];
	uint8_t orig[L2_ETH_ALEN];
	uint8_t uid;
	uint16_t seqno;		/* for L2_ICMP_TP this is the session id */
	bool has_rr;		/* 116-byte route-record variant */
	uint8_t rr_cur;		/* RR slots in use, 0..16 */
	uint8_t rr[L2_ICMP_RR_SLOTS][L2_ETH_ALEN];
};

struct l2_unicast_tvlv {
	uint8_t ttl;
	uint8_t dst[L2_ETH_ALEN];
	uint8_t src[L2_ETH_ALEN];
	uint16_t tvlv_len;
};

int l2_ogm_decode(struct mc_rd *r, struct l2_ogm *out);
int l2_ogm_encode(struct mc_wr *w, const struct l2_ogm *ogm);
int l2_bcast_decode(struct mc_rd *r, struct l2_bcast *out);
int l2_bcast_encode(struct mc_wr *w, const struct l2_bcast *b);
int l2_unicast_decode(struct mc_rd *r, struct l2_unicast *out);
int l2_unicast_encode(struct mc_wr *w, const struct l2_unicast *u);
int l2_unicast_4addr_decode(struct mc_rd *r, struct l2_unicast_4addr *out);
int l2_unicast_4addr_encode(struct mc_wr *w, const struct l2_unicast_4addr *u);
int l2_frag_decode(struct mc_rd *r, struct l2_frag *out);
int l2_frag_encode(struct mc_wr *w, const struct l2_frag *f);
/*
 * ICMP: the RR variant is recognised as the kernel does, by an echo
 * request/reply with at least 116 bytes; rr_cur above 16 is -EBADMSG.
 * For msg_type TP only the first 20 bytes are decoded.
 */
int l2_icmp_decode(struct mc_rd *r, struct l2_icmp *out);
int l2_icmp_encode(struct mc_wr *w, const struct l2_icmp *icmp);
int l2_unicast_tvlv_decode(struct mc_rd *r, struct l2_unicast_tvlv *out);
int l2_unicast_tvlv_encode(struct mc_wr *w, const struct l2_unicast_tvlv *u);

/*
 * Carves the tvlv_len bytes that follow an OGM or UNICAST_TVLV header out
 * of r as their own reader: -EMSGSIZE if they run past r, -EBADMSG if
 * tvlv_len is odd (the kernel drops those since 2026: the next header
 * would be misaligned).
 */
int l2_tvlv_container(struct mc_rd *r, uint16_t tvlv_len, struct mc_rd *tvlvs);

/*
 * Iterates the OGMs aggregated in one frame, r positioned at the first
 * OGM header. Returns 1 with *ogm and *tvlvs (its TVLV container) filled,
 * 0 once fewer than L2_OGM_HLEN bytes remain (Ethernet padding), or a
 * negative errno for a malformed OGM, after which the rest of the frame
 * is to be dropped (OGMs already returned stay valid).
 */
int l2_ogm_next(struct mc_rd *r, struct l2_ogm *ogm, struct mc_rd *tvlvs);

/*
 * Builders write a header with tvlv_len 0, append TVLVs, then call these
 * to set tvlv_len to the bytes written since the header at hdr_off.
 */
int l2_ogm_tvlv_finish(struct mc_wr *w, size_t hdr_off);
int l2_unicast_tvlv_finish(struct mc_wr *w, size_t hdr_off);

/* ---- TVLV --------------------------------------------------------------- */

struct l2_tvlv {
	uint8_t type;
	uint8_t version;
	uint16_t len;
	const uint8_t *value;	/* len bytes inside the frame */
};

/*
 * Next TVLV of a container: 1 and *out, 0 at the end, -EMSGSIZE when a
 * header or a value runs past the container (1-3 stray bytes included),
 * -EBADMSG for an odd length. Unknown types are returned like any other;
 * the caller skips them. On error, TVLVs already returned stay valid.
 */
int l2_tvlv_next(struct mc_rd *tvlvs, struct l2_tvlv *out);
/* A whole TVLV; len must be even. */
int l2_tvlv_encode(struct mc_wr *w, uint8_t type, uint8_t version,
		   const void *value, uint16_t len);
/* A TVLV whose value is written piecewise: begin, write, end. */
int l2_tvlv_begin(struct mc_wr *w, uint8_t type, uint8_t version, size_t *mark);
int l2_tvlv_end(struct mc_wr *w, size_t mark);

/* GW: 0 in either direction means "not a gateway". */
struct l2_tvlv_gw {
	uint32_t bw_down_100kbps;
	uint32_t bw_up_100kbps;
};

struct l2_tvlv_roam {
	uint8_t client[L2_ETH_ALEN];
	uint16_t vid;		/* with L2_VLAN_HAS_TAG */
};

struct l2_tvlv_mcast {
	uint8_t flags;		/* L2_MCAST_* */
};

struct l2_tt_data {
	uint8_t flags;		/* L2_TT_* type | L2_TT_FULL_TABLE */
	uint8_t ttvn;
	uint16_t num_vlan;
};

struct l2_tt_vlan {
	uint32_t crc;		/* see l2_tt_crc_entry() */
	uint16_t vid;		/* with L2_VLAN_HAS_TAG */
};

struct l2_tt_change {
	uint8_t flags;		/* wire client flags, bits 0-7 */
	uint8_t addr[L2_ETH_ALEN];
	uint16_t vid;		/* with L2_VLAN_HAS_TAG */
};

struct l2_tvlv_tt {
	struct l2_tt_data data;
	uint16_t num_changes;	/* implicit: what follows the VLAN list / 12 */
	struct mc_rd vlans;	/* data.num_vlan entries: l2_tt_vlan_next() */
	struct mc_rd changes;	/* num_changes entries: l2_tt_change_next() */
};

/*
 * Payload decoders check type and version (-EPROTONOSUPPORT for another
 * version) and a minimum length; longer values are accepted and the extra
 * bytes ignored, as the kernel does.
 */
int l2_tvlv_gw_decode(const struct l2_tvlv *tv, struct l2_tvlv_gw *out);
int l2_tvlv_roam_decode(const struct l2_tvlv *tv, struct l2_tvlv_roam *out);
int l2_tvlv_mcast_decode(const struct l2_tvlv *tv, struct l2_tvlv_mcast *out);
/* -EMSGSIZE when num_vlan entries do not fit, or the change list does not
 * divide into 12-byte entries. */
int l2_tvlv_tt_decode(const struct l2_tvlv *tv, struct l2_tvlv_tt *out);
int l2_tt_vlan_next(struct mc_rd *vlans, struct l2_tt_vlan *out);
int l2_tt_change_next(struct mc_rd *changes, struct l2_tt_change *out);

/* Payload encoders write the TVLV header too. */
int l2_tvlv_gw_encode(struct mc_wr *w, const struct l2_tvlv_gw *gw);
int l2_tvlv_roam_encode(struct mc_wr *w, const struct l2_tvlv_roam *roam);
int l2_tvlv_mcast_encode(struct mc_wr *w, const struct l2_tvlv_mcast *m);
int l2_tvlv_tt_encode(struct mc_wr *w, const struct l2_tt_data *data,
		      const struct l2_tt_vlan *vlans,
		      const struct l2_tt_change *changes, size_t num_changes);
/* Pieces for a TT TVLV streamed from a table (between begin and end). */
int l2_tt_data_encode(struct mc_wr *w, const struct l2_tt_data *data);
int l2_tt_vlan_encode(struct mc_wr *w, const struct l2_tt_vlan *vlan);
int l2_tt_change_encode(struct mc_wr *w, const struct l2_tt_change *change);

/* ---- VLAN interfaces (l2mesh/shell/vport.c) ------------------------------ */

/*
 * A frame that came in on a port, buf[0..n): its 802.1ad tag still at
 * byte 12 (tag_in_frame), or already taken off by the kernel. The
 * untagged frame is buf[*start .. *start + the length returned), the
 * addresses moved over the tag; *csum_start (a virtio-net header's
 * offset of a checksum still to fill in; NULL: none) moves with it.
 * -1: too short for an Ethernet header after the tag.
 */
long l2_vlan_pop(uint8_t *buf, size_t n, bool tag_in_frame, uint16_t *csum_start,
		 size_t *start);
/*
 * A frame of n bytes at buf + 4, out through a port with the tag vid:
 * buf[0 .. the length returned) is the frame with the 802.1ad tag after
 * its addresses; *csum_start (NULL: none) moves with it when it lies
 * past the addresses. -1: n < 14.
 */
long l2_vlan_push(uint8_t *buf, size_t n, uint16_t vid, uint16_t *csum_start);

/* ---- CRC32C --------------------------------------------------------------- */

/*
 * Castagnoli CRC, reflected polynomial 0x82f63b78. _update() is the raw
 * register update with no inversion at either end, which is what the
 * kernel's crc32c(seed, buf, len) computes; l2_crc32c() is the standard
 * check value form, ~update(~0, buf).
 */
uint32_t l2_crc32c_update(uint32_t crc, const void *buf, size_t len);
uint32_t l2_crc32c(const void *buf, size_t len);

/*
 * One client's contribution to its VLAN's TT CRC, as batman-adv computes
 * it (batadv_tt_local_crc / batadv_tt_global_crc):
 *   c = crc32c(0, vid as 2 bytes big-endian, HAS_TAG bit included)
 *   c = crc32c(c, 1 byte: flags & L2_TT_SYNC_MASK)
 *   c = crc32c(c, the 6-byte MAC)
 * with the kernel's uninverted crc32c. A VLAN's CRC is the XOR of its
 * clients' values (0 for none), so order does not matter. Which clients
 * count is the caller's business: locally NEW ones are left out, and
 * ROAM or TEMP ones in the global table.
 */
uint32_t l2_tt_crc_entry(const uint8_t addr[L2_ETH_ALEN], uint16_t vid,
			 uint16_t flags);

#endif
