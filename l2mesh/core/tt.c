/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The translation table: batman-adv's translation-table.c rewritten for
 * the softmesh core (doc/l2mesh-tt.md). Three tables, all keyed by MAC and
 * VID in the chained hash below:
 *
 *   local   clients behind our local ports; changes since the last commit
 *           queue up as tt_change entries and go out as the OGM diff
 *   global  clients behind other originators; one entry per client with a
 *           list of (originator, ttvn) links, each link also on its
 *           originator's list so per-originator work never scans the table
 *   origs   per-originator TT state: last TTVN, its last diff (to answer
 *           requests for it), the pending request
 *
 * Nothing here reads a clock: time is n->now_ms of the call being served.
 * Sends (requests, responses, ROAM_ADV) happen last in each handler, after
 * the tables are consistent, because a test harness (or a future loopback)
 * may deliver them before the call returns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "l2mesh/core/originator.h"
#include "l2mesh/core/tt.h"

#define TT_HASH_MIN 64u		/* buckets at start; doubles at load 2 */
#define TT_MTU_DEFAULT 1500u	/* port MTU assumed when no port is up */
#define TT_FRAG_SIZE_MAX 1280u	/* batman-adv fragments: size cap ... */
#define TT_FRAG_MAX 16u		/* ... and count */
#define TT_TTL 50		/* BATADV_TTL, for answers relayed for others */
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

/* ---- hash ------------------------------------------------------------------ */

/* Embedded first in every entry, so a node pointer is the entry pointer. */
struct tt_hnode {
	struct tt_hnode *next;
	uint8_t mac[6];
	uint16_t vid;
};

struct tt_hash {
	struct tt_hnode **b;
	size_t size;		/* buckets, a power of two */
	size_t count;
	uint64_t seed;		/* from env.rand: chains are not predictable */
};

/* Walks every node; the body may free the current node, nothing else. */
#define HASH_FOR_EACH(h, e, tmp) \
	for (size_t i_ = 0; i_ < (h)->size; i_++) \
		for ((e) = (h)->b[i_]; (e) && ((tmp) = (e)->next, 1); (e) = (tmp))

static size_t hash_idx(const struct tt_hash *h, const uint8_t mac[6], uint16_t vid)
{
	uint64_t k = vid;

	for (int i = 0; i < 6; i++)
		k = k << 8 | mac[i];
	k ^= h->seed;
	/* murmur3's 64-bit finaliser */
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return (size_t)k & (h->size - 1);
}

static int hash_init(struct tt_hash *h, uint64_t seed)
{
	h->b = calloc(TT_HASH_MIN, sizeof(*h->b));
	if (!h->b)
		return -ENOMEM;
	h->size = TT_HASH_MIN;
	h->count = 0;
	h->seed = seed;
	return 0;
}

static struct tt_hnode *hash_find(const struct tt_hash *h, const uint8_t mac[6],
				  uint16_t vid)
{
	struct tt_hnode *e = h->b[hash_idx(h, mac, vid)];

	while (e && (e->vid != vid || !l2_mac_eq(e->mac, mac)))
		e = e->next;
	return e;
}

/* A failed resize keeps the old buckets: longer chains, still correct. */
static void hash_grow(struct tt_hash *h)
{
	struct tt_hash nh = { NULL, h->size * 2, h->count, h->seed };
	struct tt_hnode *e, *tmp;

	nh.b = calloc(nh.size, sizeof(*nh.b));
	if (!nh.b)
		return;
	HASH_FOR_EACH(h, e, tmp) {
		size_t j = hash_idx(&nh, e->mac, e->vid);

		e->next = nh.b[j];
		nh.b[j] = e;
	}
	free(h->b);
	*h = nh;
}

static void hash_add(struct tt_hash *h, struct tt_hnode *e)
{
	size_t i;

	if (h->count >= 2 * h->size)
		hash_grow(h);
	i = hash_idx(h, e->mac, e->vid);
	e->next = h->b[i];
	h->b[i] = e;
	h->count++;
}

static void hash_del(struct tt_hash *h, struct tt_hnode *e)
{
	struct tt_hnode **pp = &h->b[hash_idx(h, e->mac, e->vid)];

	while (*pp && *pp != e)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = e->next;
		h->count--;
	}
}

/* ---- state ----------------------------------------------------------------- */

struct tt_local {
	struct tt_hnode h;
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
	uint64_t added_ms;
};

struct tt_global {
	struct tt_hnode h;
	uint16_t flags;
	uint64_t roam_at_ms;
	uint64_t added_ms;
	struct tt_oe *origs;	/* never empty while the entry lives */
};

struct tt_orig {
	struct tt_hnode h;	/* vid 0 */
	uint8_t last_ttvn;
	bool has_tt;		/* a table was applied: diffs may follow */
	bool req_pending;
	uint64_t req_at_ms;
	struct tt_oe *entries;
	uint8_t *buff;		/* its last diff as raw tt_change entries */
	size_t buff_len;
};

/* Roaming flap limit, per client MAC (vid 0) as batman-adv counts it. */
struct tt_roam {
	struct tt_hnode h;
	uint64_t first_ms;
	unsigned left;
};

struct tt_vlan {
	uint16_t vid;
	uint32_t crc;
	unsigned count;
};

struct l2_tt {
	struct tt_hash local, global, origs, roams;
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

/* ---- helpers ----------------------------------------------------------------- */

static bool is_mcast(const uint8_t *mac)
{
	return mac[0] & 1;
}

/* a is an older TTVN than b (batman-adv's seq_before on 8 bits). */
static bool ttvn_before(uint8_t a, uint8_t b)
{
	return (uint8_t)(a - b) & 0x80;
}

/*
 * The table keys VLANs as the wire does: 0 untagged, else HAS_TAG | vid.
 * Callers may pass either that or a bare 802.1Q VID (0 = untagged).
 */
static uint16_t tt_vid(uint16_t vid)
{
	if (vid & L2_VLAN_HAS_TAG)
		return vid & (L2_VLAN_HAS_TAG | L2_VLAN_VID_MASK);
	return vid ? (uint16_t)(vid | L2_VLAN_HAS_TAG) : 0;
}


static const char *mac_str(const uint8_t *m, char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

static unsigned min_mtu(const struct l2_node *n)
{
	unsigned mtu = 0;

	for (unsigned i = 0; i < n->nports; i++)
		if (n->ports[i].up && (!mtu || n->ports[i].mtu < mtu))
			mtu = n->ports[i].mtu;
	return mtu ? mtu : TT_MTU_DEFAULT;
}

/* The largest TT message: what 16 fragments of the smallest port carry. */
static size_t packet_size_max(const struct l2_node *n)
{
	unsigned mtu = min_mtu(n);

	if (mtu > TT_FRAG_SIZE_MAX)
		mtu = TT_FRAG_SIZE_MAX;
	if (mtu <= L2_FRAG_HLEN)
		return 0;
	return (size_t)(mtu - L2_FRAG_HLEN) * TT_FRAG_MAX;
}

static void tt_warn(struct l2_node *n, const char *what, const uint8_t *mac)
{
	unsigned skipped = 0;
	char m[18];

	if (mc_ratelimit_ok(&n->tt->rl, n->now_ms, &skipped))
		l2_log(n, MC_LOG_WARN, MC_DBG_TT, "tt: %s %s (%u similar skipped)",
		       what, mac_str(mac, m), skipped);
}

static struct tt_vlan *vlan_find(struct tt_vlan *v, unsigned nv, uint16_t vid)
{
	for (unsigned i = 0; i < nv; i++)
		if (v[i].vid == vid)
			return &v[i];
	return NULL;
}

static int live_inc(struct l2_tt *t, uint16_t vid)
{
	struct tt_vlan *v = vlan_find(t->live, t->nlive, vid);

	if (!v) {
		if (t->nlive == L2_TT_VLANS_MAX)
			return -ENOSPC;
		v = &t->live[t->nlive++];
		v->vid = vid;
		v->count = 0;
	}
	v->count++;
	return 0;
}

static void live_dec(struct l2_tt *t, uint16_t vid)
{
	struct tt_vlan *v = vlan_find(t->live, t->nlive, vid);

	if (v && --v->count == 0)
		*v = t->live[--t->nlive];
}

/* ---- originators and links ------------------------------------------------------ */

static struct tt_orig *orig_find(struct l2_tt *t, const uint8_t *mac)
{
	return (struct tt_orig *)hash_find(&t->origs, mac, 0);
}

static struct tt_orig *orig_get(struct l2_node *n, const uint8_t *mac)
{
	struct tt_orig *o = orig_find(n->tt, mac);

	if (o)
		return o;
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	memcpy(o->h.mac, mac, 6);
	hash_add(&n->tt->origs, &o->h);
	return o;
}

static struct tt_global *global_find(struct l2_tt *t, const uint8_t *mac, uint16_t vid)
{
	return (struct tt_global *)hash_find(&t->global, mac, vid);
}

static struct tt_oe *oe_find(const struct tt_global *g, const struct tt_orig *o)
{
	struct tt_oe *oe;

	for (oe = g->origs; oe && oe->o != o; oe = oe->g_next)
		;
	return oe;
}

/* Links o to g (or refreshes the link's TTVN). */
static int oe_add(struct l2_node *n, struct tt_global *g, struct tt_orig *o,
		  uint8_t ttvn)
{
	struct tt_oe *oe = oe_find(g, o);

	if (oe) {
		oe->ttvn = ttvn;
		return 0;
	}
	oe = calloc(1, sizeof(*oe));
	if (!oe)
		return -ENOMEM;
	oe->g = g;
	oe->o = o;
	oe->ttvn = ttvn;
	oe->added_ms = n->now_ms;
	oe->g_next = g->origs;
	g->origs = oe;
	oe->o_next = o->entries;
	if (o->entries)
		o->entries->o_prev = oe;
	o->entries = oe;
	return 0;
}

static void oe_free(struct tt_oe *oe)
{
	struct tt_oe **pp = &oe->g->origs;

	while (*pp != oe)
		pp = &(*pp)->g_next;
	*pp = oe->g_next;
	if (oe->o_prev)
		oe->o_prev->o_next = oe->o_next;
	else
		oe->o->entries = oe->o_next;
	if (oe->o_next)
		oe->o_next->o_prev = oe->o_prev;
	free(oe);
}

static void global_free(struct l2_node *n, struct tt_global *g)
{
	while (g->origs)
		oe_free(g->origs);
	hash_del(&n->tt->global, &g->h);
	free(g);
}

/* Drops every client o announces (a full table replaces them). */
static void orig_del_entries(struct l2_node *n, struct tt_orig *o)
{
	while (o->entries) {
		struct tt_global *g = o->entries->g;

		oe_free(o->entries);
		if (!g->origs)
			global_free(n, g);
	}
}

static void orig_free(struct l2_node *n, struct tt_orig *o)
{
	orig_del_entries(n, o);
	hash_del(&n->tt->origs, &o->h);
	free(o->buff);
	free(o);
}

/* Whether the routing plane has a next hop towards orig. */
static bool orig_routed(struct l2_node *n, const uint8_t *orig)
{
	unsigned port;
	uint8_t nexthop[6];

	return l2_orig_router(n, orig, &port, nexthop) == 0;
}

/*
 * The originator lookups use. batman-adv picks the best router metric;
 * node.h gives no metric, so: one with a route, the latest announcement
 * first (after a roam the new location is the latest). NULL: none routed.
 */
static struct tt_oe *global_best(struct l2_node *n, const struct tt_global *g)
{
	struct tt_oe *best = NULL;

	for (struct tt_oe *oe = g->origs; oe; oe = oe->g_next) {
		if (best && oe->added_ms <= best->added_ms)
			continue;
		if (orig_routed(n, oe->o->h.mac))
			best = oe;
	}
	return best;
}

/* One originator's CRC for one VLAN, from our copy of its table. */
static uint32_t orig_vlan_crc(const struct tt_orig *o, uint16_t vid)
{
	uint32_t crc = 0;

	for (const struct tt_oe *oe = o->entries; oe; oe = oe->o_next) {
		const struct tt_global *g = oe->g;

		if (g->h.vid == vid && !(g->flags & (F_ROAM | F_TEMP)))
			crc ^= l2_tt_crc_entry(g->h.mac, vid, g->flags);
	}
	return crc;
}

/*
 * Our copy of o's table against the VLAN CRCs o announced: every VLAN must
 * match and we must hold no VLAN it did not list (batman-adv's
 * check_crc). ROAM and TEMP clients are not part of o's table.
 */
static bool orig_crc_ok(const struct tt_orig *o, const struct mc_rd *vlans)
{
	struct { uint16_t vid; uint32_t want, have; } s[L2_TT_VLANS_MAX];
	struct mc_rd r = *vlans;
	struct l2_tt_vlan v;
	unsigned k = 0, i;

	while (l2_tt_vlan_next(&r, &v) == 1) {
		if (k == L2_TT_VLANS_MAX)
			return false;
		s[k].vid = v.vid;
		s[k].want = v.crc;
		s[k++].have = 0;
	}
	for (const struct tt_oe *oe = o->entries; oe; oe = oe->o_next) {
		const struct tt_global *g = oe->g;

		if (g->flags & (F_ROAM | F_TEMP))
			continue;
		for (i = 0; i < k && s[i].vid != g->h.vid; i++)
			;
		if (i == k)
			return false;
		s[i].have ^= l2_tt_crc_entry(g->h.mac, g->h.vid, g->flags);
	}
	for (i = 0; i < k; i++)
		if (s[i].have != s[i].want)
			return false;
	return true;
}

/* ---- local table --------------------------------------------------------------- */

static struct tt_local *local_find(struct l2_tt *t, const uint8_t *mac, uint16_t vid)
{
	return (struct tt_local *)hash_find(&t->local, mac, vid);
}

/* Served here: neither leaving (PENDING) nor roamed away (ROAM). */
static bool local_is_mine(const struct tt_local *l)
{
	return l && !(l->flags & (F_PENDING | F_ROAM));
}

static bool is_host_mac(const struct l2_node *n, const uint8_t *mac)
{
	for (unsigned i = 0; i < n->nlocals; i++)
		if (n->locals[i].kind == L2_LOCAL_HOST && l2_mac_eq(n->locals[i].mac, mac))
			return true;
	return false;
}

/*
 * Local ports are bat0, anygw and pcap LAN ports, none wireless so far
 * (struct l2_local has no such field): the WIFI flag is plumbed through
 * so a wireless local port only needs this to answer true.
 */
static bool lport_wireless(const struct l2_node *n, unsigned lport)
{
	(void)n;
	(void)lport;
	return false;
}

static int change_append(struct l2_tt *t, const struct l2_tt_change *c)
{
	if (t->nchanges == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct l2_tt_change *p = realloc(t->changes, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		t->changes = p;
		t->cap = cap;
	}
	t->changes[t->nchanges++] = *c;
	return 0;
}

/*
 * Queues an ADD (ev 0) or DEL for the next commit, folding it into a
 * change already queued for the client: the same kind takes the newer
 * flags; ADD then DEL of a client never announced (NEW) cancel out, as do
 * DEL then ADD of one that came back; ADD then DEL of an announced client
 * leaves the DEL (batman-adv cancels that too, and loses the DEL).
 */
static void local_event(struct l2_node *n, struct tt_local *l, uint16_t ev)
{
	struct l2_tt *t = n->tt;
	struct l2_tt_change c = { .flags = (uint8_t)((l->flags | ev) & L2_TT_REMOTE_MASK),
				  .vid = l->h.vid };
	bool del = c.flags & F_DEL;

	memcpy(c.addr, l->h.mac, 6);
	for (size_t i = 0; i < t->nchanges; i++) {
		struct l2_tt_change *q = &t->changes[i];

		if (q->vid != c.vid || !l2_mac_eq(q->addr, c.addr))
			continue;
		if (del == !!(q->flags & F_DEL) || (del && !(l->flags & F_NEW)))
			q->flags = c.flags;
		else
			t->changes[i] = t->changes[--t->nchanges];
		return;
	}
	if (change_append(t, &c) < 0)
		tt_warn(n, "no memory for change of", l->h.mac);
}

static void local_free(struct l2_node *n, struct tt_local *l)
{
	hash_del(&n->tt->local, &l->h);
	live_dec(n->tt, l->h.vid);
	free(l);
}

/*
 * Takes a client out. An announced one stays as PENDING until the commit
 * (a full table sent before then must still list it: the CRC does); one
 * never announced (NEW) goes at once.
 */
static void local_delete(struct l2_node *n, struct tt_local *l, uint16_t ev)
{
	l->flags |= ev & F_ROAM;
	local_event(n, l, F_DEL | ev);
	if (l->flags & F_NEW)
		local_free(n, l);
	else
		l->flags |= F_PENDING;
}

static size_t local_table_size(const struct l2_tt *t, size_t extra)
{
	return L2_UNICAST_TVLV_HLEN + L2_TVLV_HLEN + L2_TT_DATA_LEN +
	       t->nlive * L2_TT_VLAN_LEN +
	       (t->local.count + extra) * L2_TT_CHANGE_LEN;
}

static struct tt_local *local_new(struct l2_node *n, const uint8_t *mac, uint16_t vid,
				  unsigned lport)
{
	struct l2_tt *t = n->tt;
	struct tt_local *l;

	/* a client we could not list in a full table response is ignored */
	if (local_table_size(t, 1) > packet_size_max(n)) {
		tt_warn(n, "local table full, ignoring", mac);
		return NULL;
	}
	if (live_inc(t, vid) < 0) {
		tt_warn(n, "too many VLANs, ignoring", mac);
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		live_dec(t, vid);
		return NULL;
	}
	memcpy(l->h.mac, mac, 6);
	l->h.vid = vid;
	l->flags = F_NEW;
	if (is_host_mac(n, mac) || is_mcast(mac))
		l->flags |= F_NOPURGE;
	if (lport_wireless(n, lport))
		l->flags |= F_WIFI;
	l->last_seen_ms = n->now_ms;
	hash_add(&t->local, &l->h);
	return l;
}

static void local_set_wifi(struct l2_node *n, struct tt_local *l, bool wifi)
{
	if (!!(l->flags & F_WIFI) == wifi)
		return;
	l->flags ^= F_WIFI;
	local_event(n, l, 0);
}

/* ---- roaming ------------------------------------------------------------------ */

/* batman-adv's check_roam_count: 5 ROAM_ADVs per client per 20 s. */
static bool roam_allowed(struct l2_node *n, const uint8_t *mac)
{
	struct l2_tt *t = n->tt;
	struct tt_roam *r = (struct tt_roam *)hash_find(&t->roams, mac, 0);

	if (r && n->now_ms - r->first_ms < L2_TT_ROAMING_MAX_TIME_MS) {
		if (!r->left)
			return false;
		r->left--;
		return true;
	}
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return false;
		memcpy(r->h.mac, mac, 6);
		hash_add(&t->roams, &r->h);
	}
	r->first_ms = n->now_ms;
	r->left = L2_TT_ROAMING_MAX_COUNT - 1;
	return true;
}

static void roam_adv_send(struct l2_node *n, const uint8_t *orig, const uint8_t *mac,
			  uint16_t vid)
{
	uint8_t buf[L2_TVLV_HLEN + L2_TVLV_ROAM_LEN];
	struct l2_tvlv_roam r = { .vid = vid };
	struct mc_wr w;
	char a[18], b[18];

	if (l2_node_is_me(n, orig) || !roam_allowed(n, mac))
		return;
	memcpy(r.client, mac, 6);
	mc_wr_init(&w, buf, sizeof(buf));
	if (l2_tvlv_roam_encode(&w, &r) < 0)
		return;
	l2_log(n, MC_LOG_DEBUG, MC_DBG_TT, "tt: ROAM_ADV to %s for %s",
	       mac_str(orig, a), mac_str(mac, b));
	l2_count(n, L2_STAT_TT_ROAM_ADV_TX, 1);
	l2_send_unicast_tvlv(n, orig, buf, mc_wr_len(&w));
}

/*
 * A client appeared here (or came back): if the global table places it at
 * other originators, tell them (ROAM_ADV) and keep the global entry as
 * ROAM until the announcements settle. A client that roamed back to us
 * (its local entry was ROAM) drops the global entry: it is ours again.
 */
static void roam_check(struct l2_node *n, const uint8_t *mac, uint16_t vid,
		       bool roamed_back)
{
	uint8_t to[TT_ROAM_FANOUT][6];
	struct tt_global *g;
	unsigned k = 0;

	if (is_mcast(mac))
		return;
	g = global_find(n->tt, mac, vid);
	if (!g)
		return;
	if (!(g->flags & F_ROAM) || roamed_back)
		for (struct tt_oe *oe = g->origs; oe && k < TT_ROAM_FANOUT; oe = oe->g_next)
			memcpy(to[k++], oe->o->h.mac, 6);
	if (roamed_back) {
		global_free(n, g);
	} else if (!(g->flags & F_ROAM)) {
		g->flags |= F_ROAM;
		g->roam_at_ms = n->now_ms;
	}
	for (unsigned i = 0; i < k; i++)
		roam_adv_send(n, to[i], mac, vid);
}

/* A known client that was leaving (PENDING) or roamed away is back. */
static void local_revive(struct l2_node *n, struct tt_local *l)
{
	bool roamed_back = l->flags & F_ROAM;
	bool pending = l->flags & F_PENDING;

	l->flags &= (uint16_t)~(F_PENDING | F_ROAM);
	if (pending)
		local_event(n, l, 0);
	roam_check(n, l->h.mac, l->h.vid, roamed_back);
}

void l2_tt_local_seen(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
		      unsigned lport)
{
	struct tt_local *l;

	/* the data plane filters the anycast MAC first; never announce it */
	if (l2_mac_eq(mac, n->cfg.anygw_mac))
		return;
	vid = tt_vid(vid);
	l = local_find(n->tt, mac, vid);
	if (!l) {
		l = local_new(n, mac, vid, lport);
		if (!l)
			return;
		local_event(n, l, 0);
		roam_check(n, mac, vid, false);
		return;
	}
	l->last_seen_ms = n->now_ms;
	if (l->flags & (F_PENDING | F_ROAM))
		local_revive(n, l);
	local_set_wifi(n, l, lport_wireless(n, lport));
}

bool l2_tt_local_has(struct l2_node *n, const uint8_t mac[6], uint16_t vid)
{
	return local_is_mine(local_find(n->tt, mac, tt_vid(vid)));
}

/* bat0's own MAC is always a client (batman-adv adds it per VLAN). */
static void host_ensure(struct l2_node *n)
{
	for (unsigned i = 0; i < n->nlocals; i++) {
		const struct l2_local *lp = &n->locals[i];
		struct tt_local *l;

		if (lp->kind != L2_LOCAL_HOST)
			continue;
		l = local_find(n->tt, lp->mac, 0);
		if (!l || (l->flags & F_PENDING))
			l2_tt_local_seen(n, lp->mac, 0, i);
	}
}

/* ---- global table ---------------------------------------------------------------- */

static struct tt_global *global_new(struct l2_node *n, const uint8_t *mac, uint16_t vid,
				    uint16_t flags)
{
	struct tt_global *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	memcpy(g->h.mac, mac, 6);
	g->h.vid = vid;
	g->flags = flags;
	g->added_ms = n->now_ms;
	if (flags & F_ROAM)
		g->roam_at_ms = n->now_ms;
	hash_add(&n->tt->global, &g->h);
	return g;
}

enum merge { MERGE_REFUSE, MERGE_HAVE, MERGE_ADD };

/* An announcement, a ROAM_ADV or a TEMP sighting for a client we hold. */
static enum merge global_merge(struct tt_global *g, struct tt_orig *o, uint16_t flags)
{
	if (flags & F_TEMP) {
		/* a sighting never overrides an announcement */
		if (!(g->flags & F_TEMP))
			return MERGE_REFUSE;
		if (oe_find(g, o))
			return MERGE_HAVE;
		while (g->origs)
			oe_free(g->origs);
		return MERGE_ADD;
	}
	/* an announcement replaces a sighting or claims a roaming client; a
	 * ROAM_ADV makes its sender the only location */
	if ((g->flags & (F_TEMP | F_ROAM)) || (flags & F_ROAM)) {
		while (g->origs)
			oe_free(g->origs);
		g->flags &= (uint16_t)~(F_TEMP | F_ROAM);
		g->roam_at_ms = 0;
	}
	g->flags = (uint16_t)((g->flags & ~L2_TT_SYNC_MASK) | (flags & L2_TT_SYNC_MASK));
	return MERGE_ADD;
}

/*
 * batman-adv's tt_global_add: o serves client mac (flags from the wire,
 * or ROAM for a ROAM_ADV, or TEMP for a sighting). A local entry for the
 * client goes: it is not ours any more (marked ROAM when it roamed).
 */
static bool global_add(struct l2_node *n, struct tt_orig *o, const uint8_t *mac,
		       uint16_t vid, uint16_t flags, uint8_t ttvn)
{
	struct l2_tt *t = n->tt;
	struct tt_global *g = global_find(t, mac, vid);
	struct tt_local *l = local_find(t, mac, vid);
	enum merge m = MERGE_ADD;

	if ((flags & F_TEMP) && l && !(l->flags & F_NEW))
		return false;
	if (!g)
		g = global_new(n, mac, vid, flags & (L2_TT_REMOTE_MASK | F_TEMP));
	else
		m = global_merge(g, o, flags);
	if (!g || m == MERGE_REFUSE)
		return false;
	if (m == MERGE_ADD && oe_add(n, g, o, ttvn) < 0) {
		if (!g->origs)
			global_free(n, g);
		return false;
	}
	if (l && !is_mcast(mac))
		local_delete(n, l, flags & F_ROAM);
	return true;
}

/*
 * batman-adv's tt_global_del. A DEL with ROAM (the client roamed away
 * from o): if it roamed to us the entry goes; if o was its only location
 * it stays, marked ROAM, so traffic still reaches o (which re-routes it)
 * until the new location announces it or the ROAM timeout.
 */
static void global_del(struct l2_node *n, struct tt_orig *o, const uint8_t *mac,
		       uint16_t vid, bool roaming)
{
	struct tt_global *g = global_find(n->tt, mac, vid);
	struct tt_oe *oe;
	bool only = true;

	if (!g)
		return;
	if (roaming && local_find(n->tt, mac, vid)) {
		global_free(n, g);
		return;
	}
	for (oe = g->origs; oe; oe = oe->g_next)
		only &= oe->o == o;
	if (roaming && only) {
		g->flags |= F_ROAM;
		g->roam_at_ms = n->now_ms;
		return;
	}
	oe = oe_find(g, o);
	if (oe)
		oe_free(oe);
	if (!g->origs)
		global_free(n, g);
}

static int changes_apply(struct l2_node *n, struct tt_orig *o,
			 const struct mc_rd *changes, uint8_t ttvn)
{
	struct mc_rd r = *changes;
	struct l2_tt_change c;

	while (l2_tt_change_next(&r, &c) == 1) {
		if (c.flags & F_DEL)
			global_del(n, o, c.addr, c.vid, c.flags & F_ROAM);
		else if (!global_add(n, o, c.addr, c.vid, c.flags, ttvn))
			return -ENOMEM;
	}
	return 0;
}

/* Keeps o's latest diff so we can answer requests for it. */
static void orig_buff_save(struct tt_orig *o, const struct mc_rd *changes)
{
	size_t len = mc_rd_left(changes);
	uint8_t *p;

	if (!len)
		return;
	p = malloc(len);
	free(o->buff);
	o->buff = p;
	o->buff_len = p ? len : 0;
	if (p)
		memcpy(p, mc_rd_cur(changes), len);
}

int l2_tt_global_lookup(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
			uint8_t orig_r[6], uint8_t *ttvn_r)
{
	struct tt_global *g = global_find(n->tt, mac, tt_vid(vid));
	struct tt_oe *oe = g ? global_best(n, g) : NULL;

	if (!oe)
		return -ENOENT;
	memcpy(orig_r, oe->o->h.mac, 6);
	*ttvn_r = oe->o->last_ttvn;
	return 0;
}

void l2_tt_temp_seen(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
		     const uint8_t orig[6])
{
	struct tt_orig *o;

	if (is_mcast(mac) || l2_node_is_me(n, orig) || l2_mac_eq(mac, n->cfg.anygw_mac) ||
	    !l2_orig_known(n, orig))
		return;
	o = orig_get(n, orig);
	if (o)
		global_add(n, o, mac, tt_vid(vid), F_TEMP, o->last_ttvn);
}

void l2_tt_orig_gone(struct l2_node *n, const uint8_t orig[6])
{
	struct tt_orig *o = orig_find(n->tt, orig);

	if (o)
		orig_free(n, o);
}

/* ---- TT TVLV writing --------------------------------------------------------------- */

static void vlans_put(struct mc_wr *w, const struct tt_vlan *v, unsigned nv)
{
	for (unsigned i = 0; i < nv; i++) {
		struct l2_tt_vlan x = { v[i].crc, v[i].vid };

		l2_tt_vlan_encode(w, &x);
	}
}

static int own_tvlv_write(struct l2_tt *t, struct mc_wr *w, uint8_t flags, uint8_t ttvn,
			  const struct l2_tt_change *c, size_t nc)
{
	struct l2_tt_data d = { flags, ttvn, (uint16_t)t->nown };
	size_t mark;

	if (l2_tvlv_begin(w, L2_TVLV_TT, L2_TVLV_TT_VERSION, &mark) < 0)
		return -EMSGSIZE;
	l2_tt_data_encode(w, &d);
	vlans_put(w, t->own, t->nown);
	for (size_t i = 0; i < nc; i++)
		l2_tt_change_encode(w, &c[i]);
	return l2_tvlv_end(w, mark);
}

/* ---- commit and own OGM ---------------------------------------------------------------- */

/* The announced VLANs and their CRCs, from the (all committed) local table. */
static void own_vlans_update(struct l2_tt *t)
{
	struct tt_hnode *e, *tmp;

	t->nown = 0;
	HASH_FOR_EACH(&t->local, e, tmp) {
		struct tt_vlan *v = vlan_find(t->own, t->nown, e->vid);

		if (!v) {
			if (t->nown == L2_TT_VLANS_MAX)
				continue;	/* cannot happen: live has the same cap */
			v = &t->own[t->nown++];
			*v = (struct tt_vlan){ .vid = e->vid };
		}
		v->crc ^= l2_tt_crc_entry(e->mac, e->vid, ((struct tt_local *)e)->flags);
		v->count++;
	}
	/* sorted by VID, so the TVLV does not depend on hash order */
	for (unsigned i = 1; i < t->nown; i++)
		for (unsigned j = i; j > 0 && t->own[j - 1].vid > t->own[j].vid; j--) {
			struct tt_vlan x = t->own[j];

			t->own[j] = t->own[j - 1];
			t->own[j - 1] = x;
		}
}

/* Bytes of changes an OGM can carry on the smallest port. */
static size_t diff_budget(const struct l2_node *n)
{
	size_t fixed = L2_OGM_HLEN + L2_TVLV_HLEN + L2_TT_DATA_LEN +
		       n->tt->nown * L2_TT_VLAN_LEN + L2_TT_OGM_SPARE;
	size_t mtu = min_mtu(n);

	return mtu > fixed ? mtu - fixed : 0;
}

static void commit(struct l2_node *n)
{
	struct l2_tt *t = n->tt;
	struct tt_hnode *e, *tmp;

	HASH_FOR_EACH(&t->local, e, tmp) {
		struct tt_local *l = (struct tt_local *)e;

		if (l->flags & F_PENDING)
			local_free(n, l);
		else
			l->flags &= (uint16_t)~F_NEW;
	}
	own_vlans_update(t);
	t->ttvn++;
	free(t->diff);
	t->diff = NULL;
	t->ndiff = 0;
	/* too big for an OGM: send none, peers will request */
	if (t->nchanges * L2_TT_CHANGE_LEN <= diff_budget(n)) {
		t->diff = t->changes;
		t->ndiff = t->nchanges;
		t->changes = NULL;
		t->cap = 0;
	}
	l2_log(n, MC_LOG_DEBUG, MC_DBG_TT, "tt: committed %zu changes, ttvn %u%s",
	       t->nchanges, t->ttvn, t->ndiff ? "" : " (diff too big)");
	t->nchanges = 0;
	t->append_left = L2_TT_OGM_APPEND_MAX;
}

int l2_tt_ogm_append(struct l2_node *n, struct mc_wr *w)
{
	struct l2_tt *t = n->tt;
	struct mc_wr save = *w;
	bool diff;

	host_ensure(n);
	if (t->nchanges)
		commit(n);
	diff = t->append_left && t->ndiff;
	if (t->append_left)
		t->append_left--;
	if (diff && own_tvlv_write(t, w, L2_TT_OGM_DIFF, t->ttvn, t->diff, t->ndiff) == 0)
		return 0;
	/* no room for the diff in this frame: the version alone */
	*w = save;
	if (own_tvlv_write(t, w, L2_TT_OGM_DIFF, t->ttvn, NULL, 0) == 0)
		return 0;
	*w = save;
	return -EMSGSIZE;
}

/* ---- requests and responses --------------------------------------------------------- */

/*
 * Asks o for its table (or, full false, for its last diff). One pending
 * request per originator; it blocks others for L2_TT_REQUEST_TIMEOUT_MS
 * unless a response clears it. The VLAN CRCs o announced go along so a
 * relay holding that exact table may answer.
 */
static void tt_request(struct l2_node *n, struct tt_orig *o,
		       const struct l2_tvlv_tt *tt, bool full)
{
	uint8_t buf[L2_TVLV_HLEN + L2_TT_DATA_LEN + L2_TT_VLANS_MAX * L2_TT_VLAN_LEN];
	struct l2_tt_data d = { (uint8_t)(L2_TT_REQUEST | (full ? L2_TT_FULL_TABLE : 0)),
				tt->data.ttvn, tt->data.num_vlan };
	struct mc_rd r = tt->vlans;
	struct l2_tt_vlan v;
	struct mc_wr w;
	size_t mark;
	char m[18];

	if (o->req_pending && n->now_ms - o->req_at_ms < L2_TT_REQUEST_TIMEOUT_MS)
		return;
	mc_wr_init(&w, buf, sizeof(buf));
	l2_tvlv_begin(&w, L2_TVLV_TT, L2_TVLV_TT_VERSION, &mark);
	l2_tt_data_encode(&w, &d);
	while (l2_tt_vlan_next(&r, &v) == 1)
		l2_tt_vlan_encode(&w, &v);
	if (l2_tvlv_end(&w, mark) < 0)
		return;
	o->req_pending = true;
	o->req_at_ms = n->now_ms;
	l2_log(n, MC_LOG_DEBUG, MC_DBG_TT, "tt: TT_REQUEST to %s ttvn %u [%c]",
	       mac_str(o->h.mac, m), d.ttvn, full ? 'F' : '.');
	l2_count(n, L2_STAT_TT_REQUEST_TX, 1);
	l2_send_unicast_tvlv(n, o->h.mac, buf, mc_wr_len(&w));
}

/* Every committed client (NEW ones are not in the CRC yet). */
static void local_entries_put(struct mc_wr *w, struct l2_tt *t)
{
	struct tt_hnode *e, *tmp;

	HASH_FOR_EACH(&t->local, e, tmp) {
		uint16_t flags = ((struct tt_local *)e)->flags;
		struct l2_tt_change c = { (uint8_t)(flags & L2_TT_REMOTE_MASK), { 0 }, e->vid };

		if (flags & F_NEW)
			continue;
		memcpy(c.addr, e->mac, 6);
		l2_tt_change_encode(w, &c);
	}
}

/* Our table as a response: the last diff, or every committed client. */
static void own_response_send(struct l2_node *n, const uint8_t *dst, bool full,
			      uint8_t req_ttvn)
{
	struct l2_tt *t = n->tt;
	size_t cap = L2_TVLV_HLEN + L2_TT_DATA_LEN + t->nown * L2_TT_VLAN_LEN +
		     (full ? t->local.count : t->ndiff) * L2_TT_CHANGE_LEN;
	struct l2_tt_data d = { (uint8_t)(L2_TT_RESPONSE | (full ? L2_TT_FULL_TABLE : 0)),
				full ? t->ttvn : req_ttvn, (uint16_t)t->nown };
	struct mc_wr w;
	uint8_t *buf;
	size_t mark;

	buf = malloc(cap);
	if (!buf)
		return;
	mc_wr_init(&w, buf, cap);
	l2_tvlv_begin(&w, L2_TVLV_TT, L2_TVLV_TT_VERSION, &mark);
	l2_tt_data_encode(&w, &d);
	vlans_put(&w, t->own, t->nown);
	if (full)
		local_entries_put(&w, t);
	for (size_t i = 0; !full && i < t->ndiff; i++)
		l2_tt_change_encode(&w, &t->diff[i]);
	if (l2_tvlv_end(&w, mark) == 0 &&
	    L2_UNICAST_TVLV_HLEN + mc_wr_len(&w) <= packet_size_max(n)) {
		l2_count(n, L2_STAT_TT_RESPONSE_TX, 1);
		l2_send_unicast_tvlv(n, dst, buf, mc_wr_len(&w));
	} else {
		tt_warn(n, "TT_RESPONSE too big for", dst);
	}
	free(buf);
}

/* A request addressed to us (batman-adv's send_my_tt_response). */
static void tt_request_rx(struct l2_node *n, const uint8_t *src, const struct l2_tvlv_tt *tt)
{
	struct l2_tt *t = n->tt;
	bool full = (tt->data.flags & L2_TT_FULL_TABLE) || tt->data.ttvn != t->ttvn ||
		    !t->ndiff;

	if (l2_node_is_me(n, src) || !l2_orig_known(n, src))
		return;
	own_response_send(n, src, full, tt->data.ttvn);
}

/* o's table as we hold it: its last diff, or every client it announced. */
static size_t other_response_build(const struct tt_orig *o, const struct l2_tvlv_tt *tt,
				   bool full, uint8_t *buf, size_t cap)
{
	struct l2_tt_data d = { (uint8_t)(L2_TT_RESPONSE | (full ? L2_TT_FULL_TABLE : 0)),
				tt->data.ttvn, tt->data.num_vlan };
	struct mc_rd r = tt->vlans;
	struct l2_tt_vlan v;
	struct mc_wr w;
	size_t mark;

	mc_wr_init(&w, buf, cap);
	l2_tvlv_begin(&w, L2_TVLV_TT, L2_TVLV_TT_VERSION, &mark);
	l2_tt_data_encode(&w, &d);
	/* orig_crc_ok() proved the requested VLANs equal ours */
	while (l2_tt_vlan_next(&r, &v) == 1)
		l2_tt_vlan_encode(&w, &v);
	if (!full)
		mc_wr_bytes(&w, o->buff, o->buff_len);
	for (const struct tt_oe *oe = o->entries; full && oe; oe = oe->o_next) {
		const struct tt_global *g = oe->g;
		struct l2_tt_change c = { (uint8_t)(g->flags & L2_TT_REMOTE_MASK),
					  { 0 }, g->h.vid };

		if (g->flags & (F_ROAM | F_TEMP))
			continue;
		memcpy(c.addr, g->h.mac, 6);
		l2_tt_change_encode(&w, &c);
	}
	return l2_tvlv_end(&w, mark) == 0 ? mc_wr_len(&w) : 0;
}

static size_t orig_entry_count(const struct tt_orig *o)
{
	size_t k = 0;

	for (const struct tt_oe *oe = o->entries; oe; oe = oe->o_next)
		k++;
	return k;
}

/*
 * A request from req_src for req_dst's table, passing through us
 * (send_other_tt_response): answered on req_dst's behalf only when our
 * copy is at the requested TTVN and matches the requested CRCs.
 */
static bool other_response_send(struct l2_node *n, const uint8_t *req_src,
				const uint8_t *req_dst, const struct l2_tvlv_tt *tt)
{
	struct tt_orig *o = orig_find(n->tt, req_dst);
	bool full, ok = false;
	size_t cap, len;
	uint8_t *buf;

	if (!o || !o->has_tt || l2_node_is_me(n, req_src) || !l2_orig_known(n, req_src) ||
	    tt->data.ttvn != o->last_ttvn || !orig_crc_ok(o, &tt->vlans))
		return false;
	full = (tt->data.flags & L2_TT_FULL_TABLE) || !o->buff;
	cap = L2_TVLV_HLEN + L2_TT_DATA_LEN + tt->data.num_vlan * L2_TT_VLAN_LEN +
	      (full ? orig_entry_count(o) * L2_TT_CHANGE_LEN : o->buff_len);
	buf = malloc(cap);
	if (!buf)
		return false;
	len = other_response_build(o, tt, full, buf, cap);
	if (len && L2_UNICAST_TVLV_HLEN + len <= packet_size_max(n) &&
	    l2_send_unicast_tvlv_from(n, req_dst, req_src, buf, len) == 0) {
		l2_count(n, L2_STAT_TT_RESPONSE_TX, 1);
		ok = true;
	}
	free(buf);
	return ok;
}

/* A response for src's table: a diff to apply, or a table to replace ours. */
static void tt_response_rx(struct l2_node *n, const uint8_t *src,
			   const struct l2_tvlv_tt *tt)
{
	struct tt_orig *o = orig_find(n->tt, src);
	char m[18];

	if (!o) {
		l2_count(n, L2_STAT_DROP_TT, 1);
		return;
	}
	if (tt->data.flags & L2_TT_FULL_TABLE) {
		orig_del_entries(n, o);
		free(o->buff);
		o->buff = NULL;
		o->buff_len = 0;
		changes_apply(n, o, &tt->changes, tt->data.ttvn);
	} else {
		changes_apply(n, o, &tt->changes, tt->data.ttvn);
		orig_buff_save(o, &tt->changes);
	}
	o->last_ttvn = tt->data.ttvn;
	o->has_tt = true;
	o->req_pending = false;
	l2_log(n, MC_LOG_DEBUG, MC_DBG_TT, "tt: TT_RESPONSE from %s ttvn %u, %u entries [%c]",
	       mac_str(src, m), tt->data.ttvn, tt->num_changes,
	       (tt->data.flags & L2_TT_FULL_TABLE) ? 'F' : '.');
}

/* ---- receive -------------------------------------------------------------------- */

/* Decodes a TT TVLV from the network; malformed ones are counted. */
static bool tt_decode(struct l2_node *n, const struct l2_tvlv *tv, struct l2_tvlv_tt *tt)
{
	if (l2_tvlv_tt_decode(tv, tt) < 0 || tt->data.num_vlan > L2_TT_VLANS_MAX) {
		l2_count(n, L2_STAT_DROP_TT, 1);
		return false;
	}
	return true;
}

/*
 * batman-adv's tt_update_orig. The next TTVN with its diff: apply it and
 * check the CRCs. Anything else that does not leave us at o's TTVN with
 * matching CRCs (a skipped version, a missing diff, a mismatch, no table
 * yet) asks o for its table. The wrap from 255 to 0 is the next version
 * (the kernel requests a full table there instead).
 */
static void orig_update(struct l2_node *n, struct tt_orig *o, const struct l2_tvlv_tt *tt)
{
	uint8_t ttvn = tt->data.ttvn;
	bool next = o->has_tt ? (uint8_t)(ttvn - o->last_ttvn) == 1 : ttvn == 1;

	if (next) {
		if (!tt->num_changes) {
			tt_request(n, o, tt, false);
			return;
		}
		changes_apply(n, o, &tt->changes, ttvn);
		orig_buff_save(o, &tt->changes);
		o->last_ttvn = ttvn;
		o->has_tt = true;
		if (!orig_crc_ok(o, &tt->vlans))
			tt_request(n, o, tt, true);
		return;
	}
	if (!o->has_tt || ttvn != o->last_ttvn || !orig_crc_ok(o, &tt->vlans))
		tt_request(n, o, tt, true);
}

void l2_tt_ogm_rx(struct l2_node *n, const uint8_t orig[6], const struct l2_tvlv *tv)
{
	struct l2_tvlv_tt tt;
	struct tt_orig *o;

	if (!tv || l2_node_is_me(n, orig) || !tt_decode(n, tv, &tt))
		return;
	o = orig_get(n, orig);
	if (o)
		orig_update(n, o, &tt);
}

/* batman-adv's roam handler: the client now sits behind src. */
static void roam_rx(struct l2_node *n, const uint8_t *src, const struct l2_tvlv *tv)
{
	struct l2_tvlv_roam r;
	struct tt_orig *o;
	char a[18], b[18];

	if (l2_tvlv_roam_decode(tv, &r) < 0 || l2_node_is_me(n, src) || !l2_orig_known(n, src)) {
		l2_count(n, L2_STAT_DROP_TT, 1);
		return;
	}
	l2_count(n, L2_STAT_TT_ROAM_ADV_RX, 1);
	o = orig_get(n, src);
	if (!o)
		return;
	l2_log(n, MC_LOG_DEBUG, MC_DBG_TT, "tt: ROAM_ADV from %s for %s",
	       mac_str(src, a), mac_str(r.client, b));
	global_add(n, o, r.client, r.vid, F_ROAM, (uint8_t)(o->last_ttvn + 1));
}

void l2_tt_unicast_tvlv_rx(struct l2_node *n, const uint8_t src[6],
			   const struct l2_tvlv *tv)
{
	struct l2_tvlv_tt tt;

	if (tv->type == L2_TVLV_ROAM) {
		roam_rx(n, src, tv);
		return;
	}
	if (tv->type != L2_TVLV_TT || !tt_decode(n, tv, &tt))
		return;
	switch (tt.data.flags & L2_TT_TYPE_MASK) {
	case L2_TT_REQUEST:
		l2_count(n, L2_STAT_TT_REQUEST_RX, 1);
		tt_request_rx(n, src, &tt);
		break;
	case L2_TT_RESPONSE:
		l2_count(n, L2_STAT_TT_RESPONSE_RX, 1);
		if (l2_node_is_me(n, src))
			l2_count(n, L2_STAT_DROP_TT, 1);
		else
			tt_response_rx(n, src, &tt);
		break;
	default:
		l2_count(n, L2_STAT_DROP_TT, 1);
	}
}

bool l2_tt_unicast_tvlv_transit(struct l2_node *n, const uint8_t src[6],
				const uint8_t dst[6], const struct l2_tvlv *tv)
{
	struct l2_tvlv_tt tt;

	/* not ours to judge: the destination counts what is malformed */
	if (tv->type != L2_TVLV_TT || l2_tvlv_tt_decode(tv, &tt) < 0 ||
	    tt.data.num_vlan > L2_TT_VLANS_MAX || l2_node_is_me(n, dst) ||
	    (tt.data.flags & L2_TT_TYPE_MASK) != L2_TT_REQUEST)
		return false;
	l2_count(n, L2_STAT_TT_REQUEST_RX, 1);
	return other_response_send(n, src, dst, &tt);
}

/* ---- unicast TTVN check --------------------------------------------------------------- */

/* Points the packet at the client's current location; false if unchanged. */
static bool reroute(struct l2_node *n, uint8_t *hdr, const uint8_t *client, uint16_t vid,
		    const struct tt_local *l)
{
	struct l2_tt *t = n->tt;
	const uint8_t *to = n->cfg.mac;
	uint8_t ttvn = t->ttvn;

	if (!local_is_mine(l)) {
		struct tt_global *g = global_find(t, client, vid);
		struct tt_oe *oe = g ? global_best(n, g) : NULL;

		if (!oe || l2_mac_eq(oe->o->h.mac, hdr + TT_UC_DEST_OFF))
			return false;
		to = oe->o->h.mac;
		ttvn = oe->o->last_ttvn;
	}
	memcpy(hdr + TT_UC_DEST_OFF, to, 6);
	hdr[TT_UC_TTVN_OFF] = ttvn;
	return true;
}

/*
 * batman-adv's check_unicast_ttvn. Where the kernel drops (destination
 * unknown, or stale and the client nowhere), this leaves the header alone
 * and answers by its destination: the data plane then routes or delivers
 * it as addressed.
 */
bool l2_tt_check_unicast(struct l2_node *n, uint8_t *hdr, const uint8_t client[6],
			 uint16_t vid)
{
	struct l2_tt *t = n->tt;
	struct tt_local *l;
	const uint8_t *dest = hdr + TT_UC_DEST_OFF;
	uint8_t cur = t->ttvn;

	vid = tt_vid(vid);
	l = local_find(t, client, vid);
	/* the client roamed away from us: we know where it went */
	if (l && (l->flags & F_ROAM)) {
		reroute(n, hdr, client, vid, l);
		return l2_node_is_me(n, dest);
	}
	if (!l2_node_is_me(n, dest)) {
		struct tt_orig *o = orig_find(t, dest);

		if (!o || !o->has_tt)
			return false;
		cur = o->last_ttvn;
	}
	if (ttvn_before(hdr[TT_UC_TTVN_OFF], cur))
		reroute(n, hdr, client, vid, l);
	return l2_node_is_me(n, dest);
}

/* ---- timers ------------------------------------------------------------------------ */

static bool expired(uint64_t since_ms, uint64_t timeout_ms, uint64_t now_ms)
{
	return since_ms + timeout_ms <= now_ms;
}

static void local_purge(struct l2_node *n, uint64_t now_ms)
{
	struct tt_hnode *e, *tmp;

	HASH_FOR_EACH(&n->tt->local, e, tmp) {
		struct tt_local *l = (struct tt_local *)e;

		if (l->flags & (F_NOPURGE | F_PENDING) ||
		    !expired(l->last_seen_ms, L2_TT_LOCAL_TIMEOUT_MS, now_ms))
			continue;
		local_delete(n, l, 0);
	}
}

static void global_purge(struct l2_node *n, uint64_t now_ms)
{
	struct tt_hnode *e, *tmp;

	HASH_FOR_EACH(&n->tt->global, e, tmp) {
		struct tt_global *g = (struct tt_global *)e;

		if (((g->flags & F_ROAM) &&
		     expired(g->roam_at_ms, L2_TT_ROAM_TIMEOUT_MS, now_ms)) ||
		    ((g->flags & F_TEMP) &&
		     expired(g->added_ms, L2_TT_TEMP_TIMEOUT_MS, now_ms)))
			global_free(n, g);
	}
}

static void roam_purge(struct l2_node *n, uint64_t now_ms)
{
	struct tt_hnode *e, *tmp;

	HASH_FOR_EACH(&n->tt->roams, e, tmp) {
		struct tt_roam *r = (struct tt_roam *)e;

		if (expired(r->first_ms, L2_TT_ROAMING_MAX_TIME_MS, now_ms)) {
			hash_del(&n->tt->roams, e);
			free(r);
		}
	}
}

uint64_t l2_tt_tick(struct l2_node *n, uint64_t now_ms)
{
	struct l2_tt *t = n->tt;

	if (now_ms >= t->next_work_ms) {
		host_ensure(n);
		local_purge(n, now_ms);
		global_purge(n, now_ms);
		roam_purge(n, now_ms);
		t->next_work_ms = now_ms + L2_TT_WORK_PERIOD_MS;
	}
	return t->next_work_ms;
}

/* ---- life cycle ----------------------------------------------------------------------- */

static void hash_free_all(struct tt_hash *h)
{
	struct tt_hnode *e, *tmp;

	if (!h->b)
		return;
	HASH_FOR_EACH(h, e, tmp)
		free(e);
	free(h->b);
	h->b = NULL;
}

static void tt_ogm_rx(struct l2_node *n, struct l2_orig *o, const struct l2_tvlv *tv)
{
	l2_tt_ogm_rx(n, o->addr, tv);
}

/* A request passing through may be answered here; the rest is dst's. */
static bool tt_unicast_rx(struct l2_node *n, const uint8_t src[6], const uint8_t dst[6],
			  const struct l2_tvlv *tv)
{
	if (!l2_node_is_me(n, dst))
		return l2_tt_unicast_tvlv_transit(n, src, dst, tv);
	l2_tt_unicast_tvlv_rx(n, src, tv);
	return true;
}

static int tt_register(struct l2_node *n)
{
	static const struct l2_tvlv_handler tt = {
		.type = L2_TVLV_TT, .version = L2_TVLV_TT_VERSION, .name = "TT",
		.ogm_rx = tt_ogm_rx, .ogm_append = l2_tt_ogm_append,
		.unicast_rx = tt_unicast_rx,
	};
	static const struct l2_tvlv_handler roam = {
		.type = L2_TVLV_ROAM, .version = L2_TVLV_ROAM_VERSION, .name = "ROAM",
		.unicast_rx = tt_unicast_rx,
	};

	if (l2_tvlv_register(n, &tt) < 0 || l2_tvlv_register(n, &roam) < 0)
		return -EEXIST;
	return l2_origs_on_gone(n, l2_tt_orig_gone);
}

static void tt_destroy(struct l2_node *n, struct l2_tt *t)
{
	struct tt_hnode *e, *tmp;

	if (t->origs.b)
		HASH_FOR_EACH(&t->origs, e, tmp)
			orig_free(n, (struct tt_orig *)e);
	/* every global entry hung off an originator and is gone with it */
	hash_free_all(&t->global);
	hash_free_all(&t->origs);
	hash_free_all(&t->local);
	hash_free_all(&t->roams);
	free(t->changes);
	free(t->diff);
	free(t);
}

int l2_tt_init(struct l2_node *n)
{
	struct l2_tt *t = calloc(1, sizeof(*t));
	uint64_t seed = 0;

	if (!t)
		return -ENOMEM;
	if (n->env.rand)
		seed = (uint64_t)n->env.rand(n->env.user) << 32 | n->env.rand(n->env.user);
	n->tt = t;
	if (hash_init(&t->local, seed) < 0 || hash_init(&t->global, seed) < 0 ||
	    hash_init(&t->origs, seed) < 0 || hash_init(&t->roams, seed) < 0) {
		l2_tt_free(n);
		return -ENOMEM;
	}
	t->next_work_ms = n->now_ms + L2_TT_WORK_PERIOD_MS;
	t->rl = (struct mc_ratelimit)MC_RATELIMIT_INIT(10000, 5);
	return tt_register(n);
}

void l2_tt_free(struct l2_node *n)
{
	if (!n->tt)
		return;
	tt_destroy(n, n->tt);
	n->tt = NULL;
}

/* ---- queries ------------------------------------------------------------------------- */

static void flags_fmt(char *out, uint16_t flags, const char *letters, const uint16_t *bits,
		      unsigned k)
{
	for (unsigned i = 0; i < k; i++)
		out[i] = (flags & bits[i]) ? letters[i] : '.';
	out[k] = '\0';
}

int l2_tt_local_foreach(struct l2_node *n, l2_tt_local_cb cb, void *user)
{
	static const uint16_t bits[6] = { F_ROAM, F_NOPURGE, F_NEW, F_PENDING, F_WIFI, F_ISOLA };
	struct l2_tt *t = n->tt;
	struct tt_hnode *e, *tmp;
	int rc;

	HASH_FOR_EACH(&t->local, e, tmp) {
		const struct tt_local *l = (const struct tt_local *)e;
		const struct tt_vlan *v = vlan_find(t->own, t->nown, e->vid);
		struct l2_tt_local_info i = { .vid = e->vid, .flags = l->flags };

		memcpy(i.mac, e->mac, 6);
		flags_fmt(i.flags_str, l->flags, "RPNXWI", bits, 6);
		if (!(l->flags & F_NOPURGE) && n->now_ms > l->last_seen_ms)
			i.last_seen_ms = n->now_ms - l->last_seen_ms;
		i.crc = v ? v->crc : 0;
		rc = cb(&i, user);
		if (rc)
			return rc;
	}
	return 0;
}

static int global_rows(struct l2_node *n, const struct tt_global *g, l2_tt_global_cb cb,
		       void *user)
{
	static const uint16_t bits[4] = { F_ROAM, F_WIFI, F_ISOLA, F_TEMP };
	const struct tt_oe *best = global_best(n, g);
	int rc;

	for (const struct tt_oe *oe = g->origs; oe; oe = oe->g_next) {
		struct l2_tt_global_info i = {
			.vid = g->h.vid, .flags = g->flags, .ttvn = oe->ttvn,
			.orig_ttvn = oe->o->last_ttvn, .best = oe == best,
			.crc = orig_vlan_crc(oe->o, g->h.vid),
		};

		memcpy(i.mac, g->h.mac, 6);
		memcpy(i.orig, oe->o->h.mac, 6);
		flags_fmt(i.flags_str, g->flags, "RWIT", bits, 4);
		rc = cb(&i, user);
		if (rc)
			return rc;
	}
	return 0;
}

int l2_tt_global_foreach(struct l2_node *n, l2_tt_global_cb cb, void *user)
{
	struct tt_hnode *e, *tmp;
	int rc;

	HASH_FOR_EACH(&n->tt->global, e, tmp) {
		rc = global_rows(n, (const struct tt_global *)e, cb, user);
		if (rc)
			return rc;
	}
	return 0;
}

uint8_t l2_tt_ttvn(struct l2_node *n)
{
	return n->tt->ttvn;
}

size_t l2_tt_vlans(struct l2_node *n, struct l2_tt_vlan *out, size_t max)
{
	const struct l2_tt *t = n->tt;
	size_t k = t->nown < max ? t->nown : max;

	for (size_t i = 0; i < k; i++) {
		out[i].crc = t->own[i].crc;
		out[i].vid = t->own[i].vid;
	}
	return k;
}
