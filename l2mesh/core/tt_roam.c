/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clients seen on our local ports and roaming (tt_int.h has the map of
 * the TT files): a client that appears here while the global table
 * places it at other originators makes us tell them (ROAM_ADV, at most 5
 * per client in 20 s); a ROAM_ADV received makes its sender the client's
 * only location. Calls tt_local.c, tt_global.c and the data plane's send.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "l2mesh/core/tt_int.h"

/* batman-adv's check_roam_count: 5 ROAM_ADVs per client per 20 s. */
static struct tt_roam *roam_allowed(struct l2_node *n, const uint8_t *mac)
{
	struct l2_tt *t = n->tt;
	struct tt_roam *r = tt_roam_find(t, mac);

	if (r && n->now_ms - r->first_ms < L2_TT_ROAMING_MAX_TIME_MS) {
		if (!r->left)
			return NULL;
		r->left--;
		return r;
	}
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return NULL;
		memcpy(r->h.mac, mac, 6);
		if (l2_mackey_add(&t->roams, t->seed, &r->h) < 0) {
			free(r);
			return NULL;
		}
	}
	r->first_ms = n->now_ms;
	r->left = L2_TT_ROAMING_MAX_COUNT - 1;
	return r;
}

static void roam_adv_send(struct l2_node *n, const uint8_t *orig, const uint8_t *mac,
			  uint16_t vid)
{
	uint8_t buf[L2_TVLV_HLEN + L2_TVLV_ROAM_LEN];
	struct l2_tvlv_roam r = { .vid = vid };
	struct tt_roam *rr;
	struct mc_wr w;
	char a[18], b[18];

	if (l2_node_is_me(n, orig) || !(rr = roam_allowed(n, mac)))
		return;
	memcpy(rr->adv_to, orig, 6);
	rr->adv_ms = n->now_ms ? n->now_ms : 1;
	memcpy(r.client, mac, 6);
	mc_wr_init(&w, buf, sizeof(buf));
	if (l2_tvlv_roam_encode(&w, &r) < 0)
		return;
	l2_log(n, MC_LOG_DEBUG, MC_DBG_TT, "tt: ROAM_ADV to %s for %s",
	       tt_mac_str(orig, a), tt_mac_str(mac, b));
	l2_count(n, L2_STAT_TT_ROAM_ADV_TX, 1);
	l2_send_unicast_tvlv(n, orig, buf, mc_wr_len(&w));
}

/*
 * A client appeared here (or came back): if the global table places it at
 * other originators, tell them (ROAM_ADV) and keep the global entry as
 * ROAM until the announcements settle. A client that roamed back to us
 * (its local entry was ROAM) drops the global entry: it is ours again.
 *
 * batman-adv tells them only when the entry is not ROAM yet ("already
 * handled"); but an entry made ROAM by a ROAM_ADV we received names where
 * the client went, and a client back here before that node announced it
 * would be rerouted there until its announcement came and went (seen as
 * up to 60 lost frames a move in l2_roam_udp): it is told at every new
 * appearance, which roam_allowed() limits as batman-adv does.
 */
static void roam_check(struct l2_node *n, const uint8_t *mac, uint16_t vid,
		       bool roamed_back)
{
	uint8_t to[TT_ROAM_FANOUT][6];
	struct tt_global *g;
	unsigned k = 0;

	if (l2_mac_is_multicast(mac))
		return;
	g = tt_global_find(n->tt, mac, vid);
	if (!g)
		return;
	for (struct tt_oe *oe = g->origs; oe && k < TT_ROAM_FANOUT; oe = oe->g_next)
		memcpy(to[k++], oe->o->h.mac, 6);
	if (roamed_back) {
		tt_global_free(n, g);
	} else if (!(g->flags & F_ROAM)) {
		g->flags |= F_ROAM;
		g->roam_at_ms = n->now_ms;
		tt_changed(n, L2_CHANGE_TT_GLOBAL, &g->h);
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
		tt_local_event(n, l, 0);
	else
		tt_changed(n, L2_CHANGE_TT_LOCAL, &l->h);
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
	l = tt_local_find(n->tt, mac, vid);
	if (!l) {
		l = tt_local_new(n, mac, vid, lport);
		if (!l)
			return;
		tt_local_event(n, l, 0);
		roam_check(n, mac, vid, false);
		return;
	}
	l->last_seen_ms = n->now_ms;
	if (l->flags & (F_PENDING | F_ROAM))
		local_revive(n, l);
	tt_local_set_wifi(n, l, tt_lport_wireless(n, lport));
}

/*
 * No local port is known for a restored client (port numbers need not
 * survive a restart): the bridge floods a frame for it to every local
 * port until it speaks and is learnt, as it does for any unlearnt MAC.
 */
#define RESTORE_LPORT UINT_MAX

int l2_tt_local_restore(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
			uint16_t flags, uint64_t age_ms)
{
	struct tt_local *l;

	if (age_ms >= L2_TT_LOCAL_TIMEOUT_MS)
		return -ESTALE;
	if (l2_mac_is_multicast(mac) || l2_mac_is_zero(mac) ||
	    l2_mac_eq(mac, n->cfg.anygw_mac))
		return -EINVAL;
	vid = tt_vid(vid);
	if (tt_local_find(n->tt, mac, vid))
		return -EEXIST;
	l = tt_local_new(n, mac, vid, RESTORE_LPORT);
	if (!l)
		return -ENOSPC;
	/* a clock younger than the age: the client expires a bit early */
	l->last_seen_ms = n->now_ms > age_ms ? n->now_ms - age_ms : 0;
	l->flags |= flags & (F_WIFI | F_ISOLA);
	tt_local_event(n, l, 0);
	roam_check(n, mac, vid, false);
	return 0;
}

void tt_host_ensure(struct l2_node *n)
{
	for (unsigned i = 0; i < n->nlocals; i++) {
		const struct l2_local *lp = &n->locals[i];
		struct tt_local *l;

		if (lp->kind != L2_LOCAL_HOST)
			continue;
		l = tt_local_find(n->tt, lp->mac, 0);
		if (!l || (l->flags & F_PENDING))
			l2_tt_local_seen(n, lp->mac, 0, i);
	}
}

/* batman-adv's roam handler: the client now sits behind src. */
void tt_roam_rx(struct l2_node *n, const uint8_t *src, const struct l2_tvlv *tv)
{
	struct l2_tvlv_roam r;
	struct tt_orig *o;
	char a[18], b[18];

	if (l2_tvlv_roam_decode(tv, &r) < 0 || l2_node_is_me(n, src) || !l2_orig_known(n, src)) {
		l2_count(n, L2_STAT_DROP_TT, 1);
		return;
	}
	l2_count(n, L2_STAT_TT_ROAM_ADV_RX, 1);
	o = tt_orig_get(n, src);
	if (!o)
		return;
	l2_log(n, MC_LOG_DEBUG, MC_DBG_TT, "tt: ROAM_ADV from %s for %s",
	       tt_mac_str(src, a), tt_mac_str(r.client, b));
	tt_global_add(n, o, r.client, r.vid, F_ROAM, (uint8_t)(o->last_ttvn + 1));
}

static void roam_purge_one(struct mc_hnode *e, void *arg)
{
	const struct tt_walk_ctx *c = arg;
	struct tt_roam *r = mc_container_of(e, struct tt_roam, h.hnode);

	if (tt_expired(r->first_ms, L2_TT_ROAMING_MAX_TIME_MS, c->now_ms)) {
		mc_hash_del(&c->n->tt->roams, e);
		free(r);
	}
}

void tt_roam_purge(struct l2_node *n, uint64_t now_ms)
{
	struct tt_walk_ctx c = { n, now_ms };

	mc_hash_walk(&n->tt->roams, roam_purge_one, &c);
}
