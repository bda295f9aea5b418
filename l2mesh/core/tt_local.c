/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The local table (tt_int.h has the map of the TT files): clients behind
 * our local ports, the changes queued since the last commit, the commit
 * (TTVN + 1, the diff our next OGMs carry), our VLANs and CRCs, the
 * local half of the queries; and the key and size helpers every TT file
 * uses. It calls no other TT file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "l2mesh/core/tt_int.h"

/* ---- helpers ----------------------------------------------------------------- */

const char *tt_mac_str(const uint8_t *mac, char *buf)
{
	return mc_mac_format(mac, buf, 18);
}

unsigned tt_min_mtu(const struct l2_node *n)
{
	unsigned mtu = 0;

	for (unsigned i = 0; i < n->nports; i++)
		if (n->ports[i].up && (!mtu || n->ports[i].mtu < mtu))
			mtu = n->ports[i].mtu;
	return mtu ? mtu : TT_MTU_DEFAULT;
}

size_t tt_packet_size_max(const struct l2_node *n)
{
	unsigned mtu = tt_min_mtu(n);

	if (mtu > L2_TT_FRAG_SIZE_MAX)
		mtu = L2_TT_FRAG_SIZE_MAX;
	if (mtu <= L2_FRAG_HLEN)
		return 0;
	return (size_t)(mtu - L2_FRAG_HLEN) * L2_TT_FRAG_MAX;
}

void tt_warn(struct l2_node *n, const char *what, const uint8_t *mac)
{
	unsigned skipped = 0;
	char m[18];

	if (mc_ratelimit_ok(&n->tt->rl, n->now_ms, &skipped))
		l2_log(n, MC_LOG_WARN, MC_DBG_TT, "tt: %s %s (%u similar skipped)",
		       what, tt_mac_str(mac, m), skipped);
}

void tt_flags_fmt(char *out, uint16_t flags, const char *letters, const uint16_t *bits,
		  unsigned k)
{
	for (unsigned i = 0; i < k; i++)
		out[i] = (flags & bits[i]) ? letters[i] : '.';
	out[k] = '\0';
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

/* The roaming flap counter of a client (tt_roam.c keeps it). */
struct tt_roam *tt_roam_find(struct l2_tt *t, const uint8_t *mac)
{
	struct l2_mackey *e = l2_mackey_find(&t->roams, t->seed, mac, 0);

	return e ? mc_container_of(e, struct tt_roam, h) : NULL;
}

bool tt_roam_adv_recent(struct l2_node *n, const uint8_t *mac, const uint8_t *orig)
{
	const struct tt_roam *r = tt_roam_find(n->tt, mac);

	return r && r->adv_ms && l2_mac_eq(r->adv_to, orig) &&
	       n->now_ms - r->adv_ms < 3ull * n->cfg.orig_interval_ms;
}

/* ---- local table --------------------------------------------------------------- */

struct tt_local *tt_local_find(struct l2_tt *t, const uint8_t *mac, uint16_t vid)
{
	struct l2_mackey *e = l2_mackey_find(&t->local, t->seed, mac, vid);

	return e ? mc_container_of(e, struct tt_local, h) : NULL;
}

bool tt_local_is_mine(const struct tt_local *l)
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
bool tt_lport_wireless(const struct l2_node *n, unsigned lport)
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
void tt_local_event(struct l2_node *n, struct tt_local *l, uint16_t ev)
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
	tt_changed(n, L2_CHANGE_TT_LOCAL, &l->h);
}

static void local_free(struct l2_node *n, struct tt_local *l)
{
	struct l2_mackey k = l->h;

	mc_hash_del(&n->tt->local, &l->h.hnode);
	live_dec(n->tt, l->h.vid);
	free(l);
	tt_changed(n, L2_CHANGE_TT_LOCAL, &k);
}

/*
 * Takes a client out. An announced one stays as PENDING until the commit
 * (a full table sent before then must still list it: the CRC does); one
 * never announced (NEW) goes at once.
 */
void tt_local_delete(struct l2_node *n, struct tt_local *l, uint16_t ev)
{
	l->flags |= ev & F_ROAM;
	tt_local_event(n, l, F_DEL | ev);
	if (l->flags & F_NEW) {
		local_free(n, l);
	} else {
		l->flags |= F_PENDING;
		tt_changed(n, L2_CHANGE_TT_LOCAL, &l->h);
	}
}

static size_t local_table_size(const struct l2_tt *t, size_t extra)
{
	return L2_UNICAST_TVLV_HLEN + L2_TVLV_HLEN + L2_TT_DATA_LEN +
	       t->nlive * L2_TT_VLAN_LEN +
	       (t->local.count + extra) * L2_TT_CHANGE_LEN;
}

struct tt_local *tt_local_new(struct l2_node *n, const uint8_t *mac, uint16_t vid,
			      unsigned lport)
{
	struct l2_tt *t = n->tt;
	struct tt_local *l;

	/* a client we could not list in a full table response is ignored
	 * (batman-adv's rule: it bounds the table to 1677 clients at most) */
	if (local_table_size(t, 1) > tt_packet_size_max(n)) {
		tt_warn(n, "local table full, ignoring", mac);
		goto refused;
	}
	if (live_inc(t, vid) < 0) {
		tt_warn(n, "too many VLANs, ignoring", mac);
		goto refused;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		goto fail;
	memcpy(l->h.mac, mac, 6);
	l->h.vid = vid;
	l->flags = F_NEW;
	if (is_host_mac(n, mac) || l2_mac_is_multicast(mac))
		l->flags |= F_NOPURGE;
	if (tt_lport_wireless(n, lport))
		l->flags |= F_WIFI;
	l->last_seen_ms = n->now_ms;
	if (l2_mackey_add(&t->local, t->seed, &l->h) == 0)
		return l;
	free(l);
fail:
	live_dec(t, vid);
refused:
	l2_count(n, L2_STAT_TT_LOCAL_REFUSED, 1);
	return NULL;
}

void tt_local_set_wifi(struct l2_node *n, struct tt_local *l, bool wifi)
{
	if (!!(l->flags & F_WIFI) == wifi)
		return;
	l->flags ^= F_WIFI;
	tt_local_event(n, l, 0);
}

static void local_purge_one(struct mc_hnode *e, void *arg)
{
	const struct tt_walk_ctx *c = arg;
	struct tt_local *l = mc_container_of(e, struct tt_local, h.hnode);

	if (l->flags & (F_NOPURGE | F_PENDING) ||
	    !tt_expired(l->last_seen_ms, L2_TT_LOCAL_TIMEOUT_MS, c->now_ms))
		return;
	tt_local_delete(c->n, l, 0);
}

void tt_local_purge(struct l2_node *n, uint64_t now_ms)
{
	struct tt_walk_ctx c = { n, now_ms };

	mc_hash_walk(&n->tt->local, local_purge_one, &c);
}

bool l2_tt_local_has(struct l2_node *n, const uint8_t mac[6], uint16_t vid)
{
	return tt_local_is_mine(tt_local_find(n->tt, mac, tt_vid(vid)));
}

/* ---- commit ---------------------------------------------------------------------- */

/* By VID, so the TVLV does not depend on hash order. */
static void own_vlans_sort(struct l2_tt *t)
{
	for (unsigned i = 1; i < t->nown; i++)
		for (unsigned j = i; j > 0 && t->own[j - 1].vid > t->own[j].vid; j--) {
			struct tt_vlan x = t->own[j];

			t->own[j] = t->own[j - 1];
			t->own[j - 1] = x;
		}
}

/* The announced VLANs and their CRCs, from the (all committed) local table. */
static void own_vlans_update(struct l2_tt *t)
{
	struct mc_hnode *e;
	uint32_t i;

	t->nown = 0;
	mc_hash_for_each(&t->local, i, e) {
		const struct tt_local *l = mc_container_of(e, struct tt_local, h.hnode);
		struct tt_vlan *v = vlan_find(t->own, t->nown, l->h.vid);

		if (!v) {
			if (t->nown == L2_TT_VLANS_MAX)
				continue;	/* cannot happen: live has the same cap */
			v = &t->own[t->nown++];
			*v = (struct tt_vlan){ .vid = l->h.vid };
		}
		v->crc ^= l2_tt_crc_entry(l->h.mac, l->h.vid, l->flags);
		v->count++;
	}
	own_vlans_sort(t);
}

/* Bytes of changes an OGM can carry on the smallest port. */
static size_t diff_budget(const struct l2_node *n)
{
	size_t fixed = L2_OGM_HLEN + L2_TVLV_HLEN + L2_TT_DATA_LEN +
		       n->tt->nown * L2_TT_VLAN_LEN + L2_TT_OGM_SPARE;
	size_t mtu = tt_min_mtu(n);

	return mtu > fixed ? mtu - fixed : 0;
}

/* Leaving clients go; new ones are announced from now on. */
static void commit_one(struct mc_hnode *e, void *arg)
{
	struct tt_local *l = mc_container_of(e, struct tt_local, h.hnode);

	if (l->flags & F_PENDING) {
		local_free(arg, l);
	} else if (l->flags & F_NEW) {
		l->flags &= (uint16_t)~F_NEW;
		tt_changed(arg, L2_CHANGE_TT_LOCAL, &l->h);
	}
}

void tt_commit(struct l2_node *n)
{
	struct l2_tt *t = n->tt;

	mc_hash_walk(&t->local, commit_one, n);
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

void tt_vlans_put(struct mc_wr *w, const struct l2_tt *t)
{
	for (unsigned i = 0; i < t->nown; i++) {
		struct l2_tt_vlan x = { t->own[i].crc, t->own[i].vid };

		l2_tt_vlan_encode(w, &x);
	}
}

/* NEW clients are left out: they are not in the CRC yet. */
void tt_local_entries_put(struct mc_wr *w, struct l2_tt *t)
{
	struct mc_hnode *e;
	uint32_t i;

	mc_hash_for_each(&t->local, i, e) {
		const struct tt_local *l = mc_container_of(e, struct tt_local, h.hnode);
		struct l2_tt_change c = { (uint8_t)(l->flags & L2_TT_REMOTE_MASK), { 0 },
					  l->h.vid };

		if (l->flags & F_NEW)
			continue;
		memcpy(c.addr, l->h.mac, 6);
		l2_tt_change_encode(w, &c);
	}
}

/* ---- queries ------------------------------------------------------------------------- */

int tt_each(struct mc_hash *h, int (*fn)(struct l2_mackey *k, void *arg), void *arg)
{
	struct mc_hnode *e;
	uint32_t i;
	int rc;

	mc_hash_for_each(h, i, e) {
		rc = fn(mc_container_of(e, struct l2_mackey, hnode), arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int local_row(struct l2_mackey *k, void *arg)
{
	static const uint16_t bits[6] = { F_ROAM, F_NOPURGE, F_NEW, F_PENDING, F_WIFI, F_ISOLA };
	const struct tt_query *q = arg;
	const struct tt_local *l = mc_container_of(k, struct tt_local, h);
	struct l2_tt *t = q->n->tt;
	const struct tt_vlan *v = vlan_find(t->own, t->nown, l->h.vid);
	struct l2_tt_local_info i = { .vid = l->h.vid, .flags = l->flags };
	uint64_t now_ms = q->n->now_ms;

	memcpy(i.mac, l->h.mac, 6);
	tt_flags_fmt(i.flags_str, l->flags, "RPNXWI", bits, 6);
	if (!(l->flags & F_NOPURGE) && now_ms > l->last_seen_ms)
		i.last_seen_ms = now_ms - l->last_seen_ms;
	i.crc = v ? v->crc : 0;
	return q->local_cb(&i, q->user);
}

int l2_tt_local_foreach(struct l2_node *n, l2_tt_local_cb cb, void *user)
{
	struct tt_query q = { .n = n, .local_cb = cb, .user = user };

	return tt_each(&n->tt->local, local_row, &q);
}

int l2_tt_local_foreach_of(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
			   l2_tt_local_cb cb, void *user)
{
	struct tt_query q = { .n = n, .local_cb = cb, .user = user };
	struct tt_local *l = tt_local_find(n->tt, mac, vid);

	return l ? local_row(&l->h, &q) : 0;
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
