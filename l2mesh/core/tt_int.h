/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2_TT_INT_H
#define L2_TT_INT_H

/*
 * Inside the translation table (doc/l2mesh-tt.md). Four tables, all in
 * common/hash keyed by MAC and VID, and five files that call downwards
 * only:
 *
 *   tt.c           life cycle, timers, the handlers it registers (top)
 *   tt_exchange.c  the TT TVLV: own OGMs, other OGMs, requests, responses
 *   tt_roam.c      clients seen on local ports, ROAM_ADV out and in
 *   tt_global.c    the global table: clients behind other originators,
 *                  one entry per client with a list of (originator, ttvn)
 *                  links, each link also on its originator's list so
 *                  per-originator work never scans the table; per-
 *                  originator TT state (TTVN, last diff, pending request)
 *   tt_local.c     the local table: clients behind our local ports, the
 *                  changes queued since the last commit (the OGM diff),
 *                  the commit, our VLANs and CRCs; helpers the others use
 *
 * Nothing here reads a clock: time is n->now_ms of the call being served.
 * Sends (requests, responses, ROAM_ADV) happen last in each handler, after
 * the tables are consistent, because a test harness (or a future loopback)
 * may deliver them before the call returns.
 */

#include "common/hash.h"
#include "common/log.h"
#include "l2mesh/core/node.h"
#include "l2mesh/core/tt.h"

#define TT_HASH_ORDER 6		/* 64 slots per table to start with; grows */
#define TT_MTU_DEFAULT 1500u	/* port MTU assumed when no port is up */
#define TT_ROAM_FANOUT 8u	/* ROAM_ADVs sent for one client sighting */
#define TT_UC_TTVN_OFF 3	/* unicast header: ttvn ... */
#define TT_UC_DEST_OFF 4	/* ... and dest */

#define F_DEL L2_TT_CLIENT_DEL
#define F_ROAM L2_TT_CLIENT_ROAM
#define F_WIFI L2_TT_CLIENT_WIFI
#define F_ISOLA L2_TT_CLIENT_ISOLA
#define F_NOPURGE L2_TT_CLIENT_NOPURGE
#define F_NEW L2_TT_CLIENT_NEW
#define F_PENDING L2_TT_CLIENT_PENDING
#define F_TEMP L2_TT_CLIENT_TEMP

/* ---- state ----------------------------------------------------------------- */

/*
 * Every entry starts with its key (node.h's l2_mackey): MAC and VID, vid 0
 * for origs and roams. The tables hash with the seed in struct l2_tt.
 */
struct tt_local {
	struct l2_mackey h;
	uint16_t flags;
	uint64_t last_seen_ms;
};

struct tt_orig;
struct tt_global;

/* One originator announcing one client: on both their lists. */
struct tt_oe {
	struct tt_global *g;
	struct tt_orig *o;
	struct tt_oe *g_next;
	struct tt_oe *o_prev, *o_next;
	uint8_t ttvn;		/* the originator's TTVN when it announced */
	bool temp;		/* a sighting's (its entry is TEMP while it lives) */
	uint64_t added_ms;
};

struct tt_global {
	struct l2_mackey h;
	uint16_t flags;
	uint64_t roam_at_ms;
	uint64_t added_ms;
	struct tt_oe *origs;	/* never empty while the entry lives */
	struct tt_global *temp_prev, *temp_next;	/* TEMP entries, oldest first */
};

struct tt_orig {
	struct l2_mackey h;	/* vid 0 */
	uint8_t last_ttvn;
	bool has_tt;		/* a table was applied: diffs may follow */
	bool req_pending;
	uint64_t req_at_ms;
	struct tt_oe *entries;
	unsigned nclients;	/* links announced (or ROAM) ... */
	unsigned ntemp;		/* ... and TEMP: tt.h's caps */
	uint8_t *buff;		/* its last diff as raw tt_change entries */
	size_t buff_len;
	/* the CRC of each VLAN of our copy, as it was when its last diff or
	 * table was applied (batman-adv's orig_vlan crc): a client we flag
	 * ROAM afterwards (it appeared here) does not make o's next OGM at
	 * the same TTVN look inconsistent and ask for a table that would
	 * place the client back at o */
	struct { uint16_t vid; uint32_t crc; } crc[L2_TT_VLANS_MAX];
	unsigned ncrc;		/* L2_TT_VLANS_MAX + 1: more VLANs than that */
};

/* Roaming flap limit, per client MAC (vid 0) as batman-adv counts it. */
struct tt_roam {
	struct l2_mackey h;
	uint64_t first_ms;
	unsigned left;
	uint8_t adv_to[6];	/* the last ROAM_ADV we sent for it ... */
	uint64_t adv_ms;	/* ... and when */
};

struct tt_vlan {
	uint16_t vid;
	uint32_t crc;
	unsigned count;
};

struct l2_tt {
	struct mc_hash local, global, origs, roams;
	unsigned nlinks, ntemp;		/* global rows, TEMP ones: tt.h's caps */
	struct tt_global *temp_head, *temp_tail;	/* TEMP entries, oldest first */
	uint32_t seed;			/* from env.rand: for the tables' hashes */
	uint8_t ttvn;
	struct l2_tt_change *changes;	/* queued since the last commit */
	size_t nchanges, cap;
	struct l2_tt_change *diff;	/* the last commit's, for requests */
	size_t ndiff;
	unsigned append_left;		/* own OGMs still to carry diff */
	struct tt_vlan own[L2_TT_VLANS_MAX];	/* as committed and announced */
	unsigned nown;
	struct tt_vlan live[L2_TT_VLANS_MAX];	/* every local entry, any state */
	unsigned nlive;
	uint64_t next_work_ms;
	struct mc_ratelimit rl;
};

/* tt.c frees entries through their key: it must come first */
_Static_assert(offsetof(struct tt_local, h) == 0, "key first");
_Static_assert(offsetof(struct tt_global, h) == 0, "key first");
_Static_assert(offsetof(struct tt_orig, h) == 0, "key first");
_Static_assert(offsetof(struct tt_roam, h) == 0, "key first");

/* ---- keys and tables ----------------------------------------------------- */

/* a is an older TTVN than b (batman-adv's seq_before on 8 bits). */
/* The client keyed k shows otherwise now (tl or tg: what). k may be a
 * copy: the entry itself may be gone. */
static inline void tt_changed(struct l2_node *n, enum l2_change what,
			      const struct l2_mackey *k)
{
	l2_changed(n, what, k->mac, k->vid, 0);
}

static inline bool tt_ttvn_before(uint8_t a, uint8_t b)
{
	return (uint8_t)(a - b) & 0x80;
}

/*
 * The table keys VLANs as the wire does: 0 untagged, else HAS_TAG | vid.
 * Callers may pass either that or a bare 802.1Q VID (0 = untagged).
 */
static inline uint16_t tt_vid(uint16_t vid)
{
	if (vid & L2_VLAN_HAS_TAG)
		return vid & (L2_VLAN_HAS_TAG | L2_VLAN_VID_MASK);
	return vid ? (uint16_t)(vid | L2_VLAN_HAS_TAG) : 0;
}

/* What the purges' mc_hash_walk() callbacks get. */
struct tt_walk_ctx {
	struct l2_node *n;
	uint64_t now_ms;
};

/* since_ms + timeout_ms has come. */
static inline bool tt_expired(uint64_t since_ms, uint64_t timeout_ms, uint64_t now_ms)
{
	return since_ms + timeout_ms <= now_ms;
}

/* ---- helpers (tt_local.c) ---------------------------------------------------- */

/* Calls fn on every entry of h, for reading, until one returns non-zero,
 * which is returned. */
int tt_each(struct mc_hash *h, int (*fn)(struct l2_mackey *k, void *arg), void *arg);

/* A query's rows, for tt_each(). */
struct tt_query {
	struct l2_node *n;
	l2_tt_local_cb local_cb;
	l2_tt_global_cb global_cb;
	void *user;
};

/* Rate-limited warning about a client or originator. */
void tt_warn(struct l2_node *n, const char *what, const uint8_t *mac);
/* The smallest MTU of the ports that are up (TT_MTU_DEFAULT if none). */
unsigned tt_min_mtu(const struct l2_node *n);
/* The largest TT message: what 16 fragments of the smallest port carry. */
size_t tt_packet_size_max(const struct l2_node *n);
/* A MAC for the logs (buf of 18). */
const char *tt_mac_str(const uint8_t *mac, char *buf);
/* batctl's flag letters: letters[i] where flags has bits[i], else '.'. */
void tt_flags_fmt(char *out, uint16_t flags, const char *letters, const uint16_t *bits,
		  unsigned k);

/* ---- local table (tt_local.c) ------------------------------------------------- */

struct tt_roam *tt_roam_find(struct l2_tt *t, const uint8_t *mac);
/* We told orig (ROAM_ADV) that client mac is ours within the last three
 * OGM intervals: an ADD of orig's may be older than that. */
bool tt_roam_adv_recent(struct l2_node *n, const uint8_t *mac, const uint8_t *orig);
struct tt_local *tt_local_find(struct l2_tt *t, const uint8_t *mac, uint16_t vid);
/* Served here: neither leaving (PENDING) nor roamed away (ROAM). */
bool tt_local_is_mine(const struct tt_local *l);
/* A new client (NEW) on lport, not yet queued; NULL when it cannot be
 * listed (table full, too many VLANs, no memory). */
struct tt_local *tt_local_new(struct l2_node *n, const uint8_t *mac, uint16_t vid,
			      unsigned lport);
/* Queues an ADD (ev 0) or DEL (ev F_DEL, with F_ROAM) of l for the commit. */
void tt_local_event(struct l2_node *n, struct tt_local *l, uint16_t ev);
/* Takes a client out: announced ones stay PENDING until the commit. */
void tt_local_delete(struct l2_node *n, struct tt_local *l, uint16_t ev);
/* Whether a client seen on lport is wireless (WIFI flag). */
bool tt_lport_wireless(const struct l2_node *n, unsigned lport);
void tt_local_set_wifi(struct l2_node *n, struct tt_local *l, bool wifi);
/* Silent clients go (not NOPURGE or PENDING ones). */
void tt_local_purge(struct l2_node *n, uint64_t now_ms);
/* Commits the queued changes: TTVN + 1, the diff for the next OGMs. */
void tt_commit(struct l2_node *n);
/* Our announced VLANs and CRCs, as TT VLAN entries. */
void tt_vlans_put(struct mc_wr *w, const struct l2_tt *t);
/* Every committed client as a TT change entry (a full table). */
void tt_local_entries_put(struct mc_wr *w, struct l2_tt *t);

/* ---- global table (tt_global.c) ------------------------------------------------ */

struct tt_orig *tt_orig_find(struct l2_tt *t, const uint8_t *mac);
/* Finds or creates (NULL only when out of memory). */
struct tt_orig *tt_orig_get(struct l2_node *n, const uint8_t *mac);
/* Drops every client o announces (a full table replaces them). */
void tt_orig_del_entries(struct l2_node *n, struct tt_orig *o);
void tt_orig_free(struct l2_node *n, struct tt_orig *o);
/* Keeps o's latest diff so we can answer requests for it. */
void tt_orig_buff_save(struct tt_orig *o, const struct mc_rd *changes);
/* Stores the CRCs of our copy of o's table (after a diff or a table). */
void tt_orig_crc_update(struct tt_orig *o);
/* The stored CRCs against the VLAN CRCs o announced. */
bool tt_orig_crc_ok(const struct tt_orig *o, const struct mc_rd *vlans);
struct tt_global *tt_global_find(struct l2_tt *t, const uint8_t *mac, uint16_t vid);
/* Takes the entry out and frees it with its links. */
void tt_global_free(struct l2_node *n, struct tt_global *g);
/* o serves client mac (flags from the wire, or ROAM, or TEMP); a local
 * entry for it goes. false when refused or out of memory. */
bool tt_global_add(struct l2_node *n, struct tt_orig *o, const uint8_t *mac,
		   uint16_t vid, uint16_t flags, uint8_t ttvn);
/* Applies a diff (or a full table's entries) from o at ttvn. */
int tt_changes_apply(struct l2_node *n, struct tt_orig *o, const struct mc_rd *changes,
		     uint8_t ttvn);
/* ROAM entries nobody claimed and TEMP entries never announced go. */
void tt_global_purge(struct l2_node *n, uint64_t now_ms);

/* ---- roaming (tt_roam.c) ---------------------------------------------------------- */

/* bat0's own MAC is always a client (batman-adv adds it per VLAN). */
void tt_host_ensure(struct l2_node *n);
/* A ROAM_ADV TVLV from src. */
void tt_roam_rx(struct l2_node *n, const uint8_t *src, const struct l2_tvlv *tv);
/* Flap counters whose window ended go. */
void tt_roam_purge(struct l2_node *n, uint64_t now_ms);

/* ---- exchange (tt_exchange.c) ------------------------------------------------------ */

/* A TT TVLV from a UNICAST_TVLV addressed to us (request, response). */
void tt_exchange_rx(struct l2_node *n, const uint8_t *src, const struct l2_tvlv *tv);

#endif
