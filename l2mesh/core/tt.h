/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2_TT_H
#define L2_TT_H

/*
 * The translation table (batman-adv's TT): which clients sit behind this
 * node (local table) and behind every other originator (global table),
 * versioned by an 8-bit TTVN and checked by per-VLAN CRCs.
 * doc/l2mesh-tt.md describes the protocol and this module.
 *
 * The contracts the rest of the core calls live in node.h (l2_tt_*); this
 * header adds the timers, the query API the shell prints as batctl's
 * `tl`/`tg`, and the handlers TT registers for its TVLVs (tvlv.c) and
 * for the routing plane's purges.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "l2mesh/core/packet.h"

struct l2_node;

/* batman-adv's main.h values. */
#define L2_TT_LOCAL_TIMEOUT_MS 600000u	/* a silent local client goes */
#define L2_TT_ROAM_TIMEOUT_MS 600000u	/* a ROAM global entry nobody claimed */
#define L2_TT_TEMP_TIMEOUT_MS 600000u	/* a TEMP global entry never announced */
#define L2_TT_REQUEST_TIMEOUT_MS 3000u	/* one pending TT_REQUEST per originator */
#define L2_TT_ROAMING_MAX_TIME_MS 20000u /* flap window ... */
#define L2_TT_ROAMING_MAX_COUNT 5u	/* ... and ROAM_ADVs allowed in it */
#define L2_TT_WORK_PERIOD_MS 5000u	/* purge period */
#define L2_TT_OGM_APPEND_MAX 3u		/* OGMs that carry each diff */
/* VLANs per table (ours, or one originator's); more is dropped as DROP_TT. */
#define L2_TT_VLANS_MAX 16u
/* Room the TT diff leaves in an OGM for the other TVLVs (GW, DAT, MCAST). */
#define L2_TT_OGM_SPARE 32u
/* batman-adv's fragments: a TT message is at most 16 of 1280 bytes. */
#define L2_TT_FRAG_SIZE_MAX 1280u
#define L2_TT_FRAG_MAX 16u
#define L2_TT_PACKET_SIZE_MAX ((L2_TT_FRAG_SIZE_MAX - L2_FRAG_HLEN) * L2_TT_FRAG_MAX)

/*
 * Caps (doc/l2mesh-tt.md, "Caps"). The local table has batman-adv's: a
 * client that would not fit a full-table response is not added. The
 * global table has none in batman-adv; ours are counted in rows, one per
 * (client, originator) link, each new row checked before it is allocated.
 *
 * ORIG_CLIENTS_MAX is what one full-table response of a single VLAN can
 * carry at the largest packet size any batman-adv node uses (1677): a
 * node holds no more local clients than that, so more from one
 * originator is forged. Refusals count tt_global_refused; a full global
 * table makes room for an announcement by dropping its oldest sighting
 * (TEMP), never a row announced.
 *
 * Sightings (TEMP rows, made from frames before any announcement) have
 * their own, smaller caps, per originator and in all; beyond them a
 * sighting is ignored (tt_temp_refused) and the client waits for its
 * announcement, as it would in batman-adv without the sighting.
 */
#define L2_TT_ORIG_CLIENTS_MAX \
	((L2_TT_PACKET_SIZE_MAX - L2_UNICAST_TVLV_HLEN - L2_TVLV_HLEN - L2_TT_DATA_LEN - \
	  L2_TT_VLAN_LEN) / L2_TT_CHANGE_LEN)
#define L2_TT_GLOBAL_MAX 16384u		/* rows, all originators */
#define L2_TT_ORIG_TEMP_MAX 256u	/* TEMP rows of one originator */
#define L2_TT_TEMP_MAX 2048u		/* TEMP rows, all originators */

/* ---- query API (meshctl tl / tg) ------------------------------------------ */

struct l2_tt_local_info {
	uint8_t mac[6];
	uint16_t vid;		/* 0 untagged, else L2_VLAN_HAS_TAG | vid */
	uint16_t flags;		/* L2_TT_CLIENT_* */
	char flags_str[7];	/* batctl tl order: R P N X W I, '.' when clear */
	uint64_t last_seen_ms;	/* ms since last seen; 0 for NOPURGE entries */
	uint32_t crc;		/* the VLAN's CRC as last committed */
};

struct l2_tt_global_info {
	uint8_t mac[6];
	uint16_t vid;
	uint16_t flags;		/* L2_TT_CLIENT_* */
	char flags_str[5];	/* batctl tg order: R W I T */
	uint8_t ttvn;		/* the originator's TTVN when it announced the client */
	uint8_t orig[6];	/* via this originator */
	uint8_t orig_ttvn;	/* that originator's current TTVN */
	uint32_t crc;		/* that originator's CRC for the VLAN */
	bool best;		/* the originator lookups use */
};

/* One row per call; a non-zero return stops the walk and is returned. */
typedef int (*l2_tt_local_cb)(const struct l2_tt_local_info *e, void *user);
typedef int (*l2_tt_global_cb)(const struct l2_tt_global_info *e, void *user);

int l2_tt_local_foreach(struct l2_node *n, l2_tt_local_cb cb, void *user);
/* One row per (client, originator) pair. */
int l2_tt_global_foreach(struct l2_node *n, l2_tt_global_cb cb, void *user);
/* The row(s) of one client (mac, vid) only; none when it is unknown. */
int l2_tt_local_foreach_of(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
			   l2_tt_local_cb cb, void *user);
int l2_tt_global_foreach_of(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
			    l2_tt_global_cb cb, void *user);
/* Every client (mac, vid) that originator orig announces. */
typedef int (*l2_tt_client_cb)(const uint8_t mac[6], uint16_t vid, void *user);
int l2_tt_global_clients_of(struct l2_node *n, const uint8_t orig[6], l2_tt_client_cb cb,
			    void *user);
/*
 * A local client this node knew before a restart (the shell's state file,
 * doc/l2meshd.md): added as if seen age_ms ago, queued for the next commit
 * so our next OGM announces it. flags: only L2_TT_CLIENT_WIFI and _ISOLA
 * are taken. -ESTALE when age_ms is past the local timeout, -EEXIST when
 * the client is known already, -ENOSPC/-ENOMEM when the table refuses it.
 */
int l2_tt_local_restore(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
			uint16_t flags, uint64_t age_ms);
/* This node's TTVN. */
uint8_t l2_tt_ttvn(struct l2_node *n);
/* This node's announced VLANs and CRCs (up to max); returns how many. */
size_t l2_tt_vlans(struct l2_node *n, struct l2_tt_vlan *out, size_t max);

/* ---- the TVLV handlers l2_tt_init registers (exported for the unit test) -- */

/*
 * Own OGM: commits pending local changes (TTVN+1 when any) and appends the
 * TT TVLV (with the diff on L2_TT_OGM_APPEND_MAX OGMs after a change).
 */
int l2_tt_ogm_append(struct l2_node *n, struct mc_wr *w);
/* An originator's OGM carried this TT TVLV (tv NULL: none, ignored). */
void l2_tt_ogm_rx(struct l2_node *n, const uint8_t orig[6], const struct l2_tvlv *tv);
/* A UNICAST_TVLV TVLV addressed to us (TT request/response, ROAM). */
void l2_tt_unicast_tvlv_rx(struct l2_node *n, const uint8_t src[6],
			   const struct l2_tvlv *tv);
/* The routing plane purged an originator: its clients go. */
void l2_tt_orig_gone(struct l2_node *n, const uint8_t orig[6]);

/* ---- transit ---------------------------------------------------------------- */

/*
 * A UNICAST_TVLV from src to dst that is passing through this node (dst is
 * not us): batman-adv lets any relay answer a TT_REQUEST for dst's table
 * when it holds an up-to-date copy (send_other_tt_response). Returns true
 * when the request was answered: the data plane then drops the packet
 * instead of forwarding it. Everything else returns false.
 */
bool l2_tt_unicast_tvlv_transit(struct l2_node *n, const uint8_t src[6],
				const uint8_t dst[6], const struct l2_tvlv *tv);

#endif
