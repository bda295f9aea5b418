/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The global table (tt_int.h has the map of the TT files): the clients
 * behind other originators and, per originator, its TT state; where a
 * client is (lookups, TEMP sightings, the unicast TTVN check), and the
 * global half of the queries. Calls only tt_local.c, whose entry for a
 * client goes when another originator announces it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "l2mesh/core/tt_int.h"

/* ---- originators and links ------------------------------------------------------ */

struct tt_orig *tt_orig_find(struct l2_tt *t, const uint8_t *mac)
{
	struct l2_mackey *e = l2_mackey_find(&t->origs, t->seed, mac, 0);

	return e ? mc_container_of(e, struct tt_orig, h) : NULL;
}

struct tt_orig *tt_orig_get(struct l2_node *n, const uint8_t *mac)
{
	struct tt_orig *o = tt_orig_find(n->tt, mac);

	if (o)
		return o;
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	memcpy(o->h.mac, mac, 6);
	if (l2_mackey_add(&n->tt->origs, n->tt->seed, &o->h) < 0) {
		free(o);
		return NULL;
	}
	return o;
}

struct tt_global *tt_global_find(struct l2_tt *t, const uint8_t *mac, uint16_t vid)
{
	struct l2_mackey *e = l2_mackey_find(&t->global, t->seed, mac, vid);

	return e ? mc_container_of(e, struct tt_global, h) : NULL;
}

static struct tt_oe *oe_find(const struct tt_global *g, const struct tt_orig *o)
{
	struct tt_oe *oe;

	for (oe = g->origs; oe && oe->o != o; oe = oe->g_next)
		;
	return oe;
}

/* ---- caps (tt.h) ---------------------------------------------------------------- */

/* The TEMP entries, oldest first: a full table drops the head. */
static void temp_link(struct l2_tt *t, struct tt_global *g)
{
	g->temp_prev = t->temp_tail;
	g->temp_next = NULL;
	if (t->temp_tail)
		t->temp_tail->temp_next = g;
	else
		t->temp_head = g;
	t->temp_tail = g;
}

static void temp_unlink(struct l2_tt *t, struct tt_global *g)
{
	if (g->temp_prev)
		g->temp_prev->temp_next = g->temp_next;
	else
		t->temp_head = g->temp_next;
	if (g->temp_next)
		g->temp_next->temp_prev = g->temp_prev;
	else
		t->temp_tail = g->temp_prev;
	g->temp_prev = g->temp_next = NULL;
}

/* A row refused: caps, or out of memory. */
static void link_refused(struct l2_node *n, const struct tt_orig *o, bool temp)
{
	l2_count(n, temp ? L2_STAT_TT_TEMP_REFUSED : L2_STAT_TT_GLOBAL_REFUSED, 1);
	tt_warn(n, temp ? "too many sightings, ignoring one from" :
		"global table full, refusing a client of", o->h.mac);
}

static bool temp_room(struct l2_node *n, const struct tt_orig *o)
{
	const struct l2_tt *t = n->tt;

	if (o->ntemp < L2_TT_ORIG_TEMP_MAX && t->ntemp < L2_TT_TEMP_MAX &&
	    t->nlinks < L2_TT_GLOBAL_MAX)
		return true;
	link_refused(n, o, true);
	return false;
}

/*
 * Whether o may have one more row (temp: a sighting), checked before it
 * is allocated. Rows held stay: a full table refuses the newcomer, except
 * that an announcement takes the place of the oldest sighting.
 */
static bool link_room(struct l2_node *n, const struct tt_orig *o, bool temp)
{
	struct l2_tt *t = n->tt;

	if (temp)
		return temp_room(n, o);
	if (o->nclients < L2_TT_ORIG_CLIENTS_MAX) {
		if (t->nlinks >= L2_TT_GLOBAL_MAX && t->temp_head)
			tt_global_free(n, t->temp_head);
		if (t->nlinks < L2_TT_GLOBAL_MAX)
			return true;
	}
	link_refused(n, o, false);
	return false;
}

static void link_counted(struct l2_tt *t, struct tt_oe *oe, int v)
{
	t->nlinks += (unsigned)v;
	if (oe->temp) {
		oe->o->ntemp += (unsigned)v;
		t->ntemp += (unsigned)v;
	} else {
		oe->o->nclients += (unsigned)v;
	}
}

/* ---- links ------------------------------------------------------------------------ */

/* Links o to g (or refreshes the link's TTVN); -ENOSPC beyond the caps. */
static int oe_add(struct l2_node *n, struct tt_global *g, struct tt_orig *o,
		  uint8_t ttvn)
{
	struct tt_oe *oe = oe_find(g, o);

	if (oe) {
		oe->ttvn = ttvn;
		return 0;
	}
	if (!link_room(n, o, g->flags & F_TEMP))
		return -ENOSPC;
	oe = calloc(1, sizeof(*oe));
	if (!oe) {
		link_refused(n, o, g->flags & F_TEMP);
		return -ENOMEM;
	}
	oe->g = g;
	oe->o = o;
	oe->temp = g->flags & F_TEMP;
	oe->ttvn = ttvn;
	oe->added_ms = n->now_ms;
	oe->g_next = g->origs;
	g->origs = oe;
	oe->o_next = o->entries;
	if (o->entries)
		o->entries->o_prev = oe;
	o->entries = oe;
	link_counted(n->tt, oe, 1);
	return 0;
}

static void oe_free(struct l2_node *n, struct tt_oe *oe)
{
	struct l2_mackey k = oe->g->h;

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
	link_counted(n->tt, oe, -1);
	free(oe);
	tt_changed(n, L2_CHANGE_TT_GLOBAL, &k);
}

void tt_global_free(struct l2_node *n, struct tt_global *g)
{
	struct l2_mackey k = g->h;

	while (g->origs)
		oe_free(n, g->origs);
	if (g->flags & F_TEMP)
		temp_unlink(n->tt, g);
	mc_hash_del(&n->tt->global, &g->h.hnode);
	free(g);
	tt_changed(n, L2_CHANGE_TT_GLOBAL, &k);
}

void tt_orig_del_entries(struct l2_node *n, struct tt_orig *o)
{
	while (o->entries) {
		struct tt_global *g = o->entries->g;

		oe_free(n, o->entries);
		if (!g->origs)
			tt_global_free(n, g);
	}
}

void tt_orig_free(struct l2_node *n, struct tt_orig *o)
{
	tt_orig_del_entries(n, o);
	mc_hash_del(&n->tt->origs, &o->h.hnode);
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

void tt_orig_crc_update(struct tt_orig *o)
{
	unsigned k = 0, i;

	for (const struct tt_oe *oe = o->entries; oe; oe = oe->o_next) {
		const struct tt_global *g = oe->g;

		if (g->flags & (F_ROAM | F_TEMP))
			continue;
		for (i = 0; i < k && o->crc[i].vid != g->h.vid; i++)
			;
		if (i == k) {
			if (k == L2_TT_VLANS_MAX) {
				o->ncrc = L2_TT_VLANS_MAX + 1;
				return;
			}
			o->crc[k].vid = g->h.vid;
			o->crc[k++].crc = 0;
		}
		o->crc[i].crc ^= l2_tt_crc_entry(g->h.mac, g->h.vid, g->flags);
	}
	o->ncrc = k;
}

/*
 * Every VLAN must match and we must hold no VLAN o did not list
 * (batman-adv's check_crc, against the CRCs stored at the last update).
 * ROAM and TEMP clients are not part of o's table.
 */
bool tt_orig_crc_ok(const struct tt_orig *o, const struct mc_rd *vlans)
{
	struct l2_tt_vlan v;
	struct mc_rd r = *vlans;
	unsigned listed = 0, i;

	if (o->ncrc > L2_TT_VLANS_MAX)
		return false;
	while (l2_tt_vlan_next(&r, &v) == 1) {
		uint32_t have = 0;

		for (i = 0; i < o->ncrc; i++)
			if (o->crc[i].vid == v.vid) {
				have = o->crc[i].crc;
				listed++;
				break;
			}
		if (have != v.crc)
			return false;
	}
	/* a VLAN we hold clients in that o did not list */
	return listed == o->ncrc;
}

/* ---- global table ---------------------------------------------------------------- */

static struct tt_global *global_new(struct l2_node *n, const struct tt_orig *o,
				    const uint8_t *mac, uint16_t vid, uint16_t flags)
{
	struct tt_global *g = calloc(1, sizeof(*g));

	if (!g)
		goto fail;
	memcpy(g->h.mac, mac, 6);
	g->h.vid = vid;
	g->flags = flags;
	g->added_ms = n->now_ms;
	if (flags & F_ROAM)
		g->roam_at_ms = n->now_ms;
	if (l2_mackey_add(&n->tt->global, n->tt->seed, &g->h) < 0)
		goto fail;
	if (flags & F_TEMP)
		temp_link(n->tt, g);
	return g;
fail:
	free(g);
	link_refused(n, o, flags & F_TEMP);
	return NULL;
}

enum merge { MERGE_REFUSE, MERGE_HAVE, MERGE_ADD };

/* An announcement, a ROAM_ADV or a TEMP sighting for a client we hold. */
static enum merge global_merge(struct l2_node *n, struct tt_global *g, struct tt_orig *o,
			       uint16_t flags)
{
	if (flags & F_TEMP) {
		/* a sighting never overrides an announcement */
		if (!(g->flags & F_TEMP))
			return MERGE_REFUSE;
		if (oe_find(g, o))
			return MERGE_HAVE;
		while (g->origs)
			oe_free(n, g->origs);
		return MERGE_ADD;
	}
	/* an announcement replaces a sighting or claims a roaming client; a
	 * ROAM_ADV makes its sender the only location */
	if ((g->flags & (F_TEMP | F_ROAM)) || (flags & F_ROAM)) {
		while (g->origs)
			oe_free(n, g->origs);
		if (g->flags & F_TEMP)
			temp_unlink(n->tt, g);
		g->flags &= (uint16_t)~(F_TEMP | F_ROAM);
		g->roam_at_ms = 0;
	}
	g->flags = (uint16_t)((g->flags & ~L2_TT_SYNC_MASK) | (flags & L2_TT_SYNC_MASK));
	return MERGE_ADD;
}

/*
 * batman-adv's tt_global_add. A local entry for the client goes: it is
 * not ours any more (marked ROAM when it roamed).
 */
bool tt_global_add(struct l2_node *n, struct tt_orig *o, const uint8_t *mac,
		       uint16_t vid, uint16_t flags, uint8_t ttvn)
{
	struct l2_tt *t = n->tt;
	struct tt_global *g = tt_global_find(t, mac, vid);
	struct tt_local *l = tt_local_find(t, mac, vid);
	enum merge m = MERGE_ADD;

	if ((flags & F_TEMP) && l && !(l->flags & F_NEW))
		return false;
	if (g)
		m = global_merge(n, g, o, flags);
	else if (link_room(n, o, flags & F_TEMP))
		g = global_new(n, o, mac, vid, flags & (L2_TT_REMOTE_MASK | F_TEMP));
	if (!g || m == MERGE_REFUSE)
		return false;
	if (m == MERGE_ADD && oe_add(n, g, o, ttvn) < 0) {
		if (!g->origs)
			tt_global_free(n, g);
		return false;
	}
	/* the client is not ours any more -- unless this is an ADD of o's
	 * made before our ROAM_ADV reached o (the client came back to us
	 * while o still announced it): o's DEL|ROAM follows and settles it,
	 * and taking the client from us now would lose its frames (and
	 * spend one of its five ROAM_ADVs when it speaks again) */
	if (l && !l2_mac_is_multicast(mac) &&
	    ((flags & F_ROAM) || !tt_local_is_mine(l) ||
	     !tt_roam_adv_recent(n, mac, o->h.mac)))
		tt_local_delete(n, l, flags & F_ROAM);
	tt_changed(n, L2_CHANGE_TT_GLOBAL, &g->h);
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
	struct tt_global *g = tt_global_find(n->tt, mac, vid);
	struct tt_oe *oe;
	bool only = true;

	if (!g)
		return;
	/* it roamed to us -- unless it left us again since: a ROAM_ADV
	 * from o made our entry ROAM, and this is o's DEL of an older visit
	 * (o's OGM came the long way round); o's ROAM entry still names
	 * where the client is */
	if (roaming && tt_local_is_mine(tt_local_find(n->tt, mac, vid))) {
		tt_global_free(n, g);
		return;
	}
	for (oe = g->origs; oe; oe = oe->g_next)
		only &= oe->o == o;
	if (roaming && only) {
		g->flags |= F_ROAM;
		g->roam_at_ms = n->now_ms;
		tt_changed(n, L2_CHANGE_TT_GLOBAL, &g->h);
		return;
	}
	oe = oe_find(g, o);
	if (oe)
		oe_free(n, oe);
	if (!g->origs)
		tt_global_free(n, g);
}

int tt_changes_apply(struct l2_node *n, struct tt_orig *o, const struct mc_rd *changes,
		     uint8_t ttvn)
{
	struct mc_rd r = *changes;
	struct l2_tt_change c;

	while (l2_tt_change_next(&r, &c) == 1) {
		if (c.flags & F_DEL)
			global_del(n, o, c.addr, c.vid, c.flags & F_ROAM);
		else if (!tt_global_add(n, o, c.addr, c.vid, c.flags, ttvn))
			return -ENOMEM;
	}
	return 0;
}

void tt_orig_buff_save(struct tt_orig *o, const struct mc_rd *changes)
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

/*
 * The TTVN a packet sent by oe carries: its originator's last, or, for an
 * entry a ROAM_ADV made, the version the sender will announce the client
 * in, when our copy of its table lags behind that. A relay that heard
 * the sender's newer OGMs would otherwise take a packet we reroute there
 * for stale, and send it back by its own table to the client's old node,
 * which is us: the two bounce it until its TTL runs out (l2_roam_udp).
 */
static uint8_t oe_stamp(const struct tt_oe *oe)
{
	uint8_t last = oe->o->last_ttvn;

	/* one ahead, no more: an ADD's version 129 or more commits old
	 * reads as ahead of the last too, and a far one would be stale */
	return (uint8_t)(oe->ttvn - last) == 1 ? oe->ttvn : last;
}

int l2_tt_global_lookup(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
			uint8_t orig_r[6], uint8_t *ttvn_r)
{
	struct tt_global *g = tt_global_find(n->tt, mac, tt_vid(vid));
	struct tt_oe *oe = g ? global_best(n, g) : NULL;

	if (!oe)
		return -ENOENT;
	memcpy(orig_r, oe->o->h.mac, 6);
	*ttvn_r = oe_stamp(oe);
	return 0;
}

void l2_tt_temp_seen(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
		     const uint8_t orig[6])
{
	struct tt_orig *o;

	if (l2_mac_is_multicast(mac) || l2_node_is_me(n, orig) ||
	    l2_mac_eq(mac, n->cfg.anygw_mac) || !l2_orig_known(n, orig))
		return;
	o = tt_orig_get(n, orig);
	if (o)
		tt_global_add(n, o, mac, tt_vid(vid), F_TEMP, o->last_ttvn);
}

void l2_tt_orig_gone(struct l2_node *n, const uint8_t orig[6])
{
	struct tt_orig *o = tt_orig_find(n->tt, orig);

	if (o)
		tt_orig_free(n, o);
}

/* ---- unicast TTVN check --------------------------------------------------------------- */

/* Points the packet at the client's current location; false if unchanged. */
static bool reroute(struct l2_node *n, uint8_t *hdr, const uint8_t *client, uint16_t vid,
		    const struct tt_local *l)
{
	struct l2_tt *t = n->tt;
	const uint8_t *to = n->cfg.mac;
	uint8_t ttvn = t->ttvn;

	if (!tt_local_is_mine(l)) {
		struct tt_global *g = tt_global_find(t, client, vid);
		struct tt_oe *oe = g ? global_best(n, g) : NULL;

		if (!oe || l2_mac_eq(oe->o->h.mac, hdr + TT_UC_DEST_OFF))
			return false;
		to = oe->o->h.mac;
		ttvn = oe_stamp(oe);
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

	/* a multicast frame in a unicast packet (a gateway client's DHCP
	 * sent to its gateway) names no client to reroute by: as
	 * batadv_check_unicast_ttvn, it is delivered where it was sent */
	if (client[0] & 1)
		return l2_node_is_me(n, dest);
	vid = tt_vid(vid);
	l = tt_local_find(t, client, vid);
	/* the client roamed away from us: we know where it went */
	if (l && (l->flags & F_ROAM)) {
		reroute(n, hdr, client, vid, l);
		return l2_node_is_me(n, dest);
	}
	if (!l2_node_is_me(n, dest)) {
		struct tt_orig *o = tt_orig_find(t, dest);

		if (!o || !o->has_tt)
			return false;
		cur = o->last_ttvn;
	}
	/* beyond batman-adv, which delivers such a packet to its soft
	 * interface: one addressed to us, with a current TTVN, for a client
	 * that is not ours (it left and our deletion is already committed)
	 * goes where the global table places it: the sender did not hear our
	 * DEL yet, nor the client's new node its ADD. Two nodes that each
	 * place it at the other bounce it until its TTL runs out. */
	if (tt_ttvn_before(hdr[TT_UC_TTVN_OFF], cur) ||
	    (l2_node_is_me(n, dest) && !tt_local_is_mine(l)))
		reroute(n, hdr, client, vid, l);
	return l2_node_is_me(n, dest);
}

/* ---- timers and queries ------------------------------------------------------------- */

static void global_purge_one(struct mc_hnode *e, void *arg)
{
	const struct tt_walk_ctx *c = arg;
	struct tt_global *g = mc_container_of(e, struct tt_global, h.hnode);

	if (((g->flags & F_ROAM) &&
	     tt_expired(g->roam_at_ms, L2_TT_ROAM_TIMEOUT_MS, c->now_ms)) ||
	    ((g->flags & F_TEMP) &&
	     tt_expired(g->added_ms, L2_TT_TEMP_TIMEOUT_MS, c->now_ms)))
		tt_global_free(c->n, g);
}

void tt_global_purge(struct l2_node *n, uint64_t now_ms)
{
	struct tt_walk_ctx c = { n, now_ms };

	mc_hash_walk(&n->tt->global, global_purge_one, &c);
}

static int global_rows(struct l2_mackey *k, void *arg)
{
	static const uint16_t bits[4] = { F_ROAM, F_WIFI, F_ISOLA, F_TEMP };
	const struct tt_query *q = arg;
	const struct tt_global *g = mc_container_of(k, struct tt_global, h);
	const struct tt_oe *best = global_best(q->n, g);
	int rc;

	for (const struct tt_oe *oe = g->origs; oe; oe = oe->g_next) {
		struct l2_tt_global_info i = {
			.vid = g->h.vid, .flags = g->flags, .ttvn = oe->ttvn,
			.orig_ttvn = oe->o->last_ttvn, .best = oe == best,
			.crc = orig_vlan_crc(oe->o, g->h.vid),
		};

		memcpy(i.mac, g->h.mac, 6);
		memcpy(i.orig, oe->o->h.mac, 6);
		tt_flags_fmt(i.flags_str, g->flags, "RWIT", bits, 4);
		rc = q->global_cb(&i, q->user);
		if (rc)
			return rc;
	}
	return 0;
}

int l2_tt_global_foreach_of(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
			    l2_tt_global_cb cb, void *user)
{
	struct tt_query q = { .n = n, .global_cb = cb, .user = user };
	struct tt_global *g = tt_global_find(n->tt, mac, vid);

	return g ? global_rows(&g->h, &q) : 0;
}

int l2_tt_global_clients_of(struct l2_node *n, const uint8_t orig[6], l2_tt_client_cb cb,
			    void *user)
{
	struct tt_orig *o = tt_orig_find(n->tt, orig);
	int rc = 0;

	for (struct tt_oe *oe = o ? o->entries : NULL; oe && !rc; oe = oe->o_next)
		rc = cb(oe->g->h.mac, oe->g->h.vid, user);
	return rc;
}

int l2_tt_global_foreach(struct l2_node *n, l2_tt_global_cb cb, void *user)
{
	struct tt_query q = { .n = n, .global_cb = cb, .user = user };

	return tt_each(&n->tt->global, global_rows, &q);
}
