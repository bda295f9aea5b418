/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Descriptions as the protocol moves them: a received one is checked
 * (signature, trust, freshness), taken and spread to the neighbours; an
 * originator unreachable for long is forgotten; and the read-only views
 * of the originators. The table itself is otab.c.
 */
#include <errno.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "l3route/core/node.h"

/* 0 when d may replace what o holds; else the counter to bump. */
static int desc_newer(const struct l3_orig *o, const struct l3_desc *d)
{
	if (!o || !o->d)
		return 0;
	if (d->dseq < o->d->d.dseq)
		return L3_ST_DESC_STALE;
	if (d->dseq > o->d->d.dseq)
		return 0;
	if (!memcmp(d->hash, o->d->d.hash, L3_ID_LEN))
		return -1;		/* the one we have: nothing to count */
	return L3_ST_DESC_CONFLICT;
}

static int desc_check(struct l3_node *n, const uint8_t *blob, size_t len,
		      struct l3_desc *d, const uint8_t *key)
{
	int r = l3_desc_parse_key(blob, len, d, key);

	if (r == -EKEYREJECTED)
		return L3_ST_DESC_BAD_SIG;
	if (r < 0)
		return L3_ST_DESC_MALFORMED;
	if (!memcmp(d->id, n->id, L3_ID_LEN))
		return -1;		/* our own, echoed back */
	if (l3_trust(n, d->id) == L3_TRUST_NO)
		return L3_ST_DESC_UNTRUSTED;
	return desc_newer(l3_orig_find(n, d->id), d);
}

/*
 * Most descriptions that arrive are the one we hold (every neighbour passes
 * a new one on): recognise those by id and bytes before parsing, hashing
 * and verifying. An older dseq is a replay whatever its signature.
 * Returns 0 to go on with the full check, -1 to drop silently, or a counter.
 */
static int desc_known(struct l3_node *n, const uint8_t *blob, size_t len)
{
	uint8_t id[L3_ID_LEN];
	const struct l3_orig *o;
	uint32_t dseq;

	if (len < L3_DESC_HDR_LEN + L3_SIG_LEN)
		return 0;
	l3_id_from_pk(blob + 4, id);
	if (!(o = l3_orig_find(n, id)) || !o->d)
		return 0;
	dseq = mc_get_u32(blob + 36);
	if (dseq < o->d->d.dseq)
		return L3_ST_DESC_STALE;
	if (dseq == o->d->d.dseq && len == o->d->len && !memcmp(blob, o->d->blob, len))
		return -1;
	return 0;
}

/*
 * The neighbour's description bucket, in 1/1000 tokens: a burst of
 * desc_burst, refilled at desc_rate a second. A description we lack
 * needs a whole token; a failed signature check then costs the rest of
 * L3_DESC_FAIL_COST even if that leaves a debt, so such a neighbour gets
 * desc_rate / L3_DESC_FAIL_COST checks a second, however it times them.
 */
static void desc_refill(struct l3_node *n, struct l3_nbr *nb, uint64_t now)
{
	int64_t cap = (int64_t)n->cfg.desc_burst * 1000;

	nb->desc_milli += (int64_t)(now - nb->desc_ms) * n->cfg.desc_rate;
	if (nb->desc_milli > cap)
		nb->desc_milli = cap;
	nb->desc_ms = now;
}

static bool desc_take(struct l3_node *n, struct l3_nbr *nb, uint64_t now)
{
	desc_refill(n, nb, now);
	if (nb->desc_milli < 1000)
		return false;
	nb->desc_milli -= 1000;
	return true;
}

static void desc_fine(struct l3_node *n, struct l3_nbr *nb, uint64_t now)
{
	int64_t floor = -(int64_t)L3_DESC_FAIL_COST * 1000;

	desc_refill(n, nb, now);
	nb->desc_milli -= (L3_DESC_FAIL_COST - 1) * 1000;
	if (nb->desc_milli < floor)
		nb->desc_milli = floor;
}

/*
 * Room for one more originator, when the table is full: the newest one
 * that never had a route, or has none now, goes (a flood of made-up nodes
 * then churns one slot; nodes with a route stay). false: all are in use.
 */
static bool make_room(struct l3_node *n, uint64_t now)
{
	struct l3_orig *o, *victim = NULL;
	uint32_t pos = 0;

	while ((o = l3_orig_next(n, &pos)))
		if (!o->sel && !o->pending && (!victim || o->serial > victim->serial))
			victim = o;
	if (!victim)
		return false;
	n->stats[L3_ST_ORIG_EVICTED]++;
	l3_orig_set_desc(n, victim, NULL, now);
	l3_orig_del(n, victim);
	return true;
}

/* Who may hand us a description we lack, and at what rate. 0, or a counter. */
static int desc_gate(struct l3_node *n, struct l3_nbr *from, const uint8_t *blob,
		     size_t len, uint64_t now, uint8_t key[L3_DESC_KEY_LEN])
{
	int sig;

	if (!from)
		return L3_ST_DESC_NO_LINK;
	sig = l3_desc_sig_state_key(blob, len, key);
	if (sig == -EKEYREJECTED)
		return L3_ST_DESC_BAD_SIG_KNOWN;
	if (!desc_take(n, from, now))
		return L3_ST_DESC_RATE_LIMITED;
	return 0;
}

void l3_desc_rx(struct l3_node *n, struct l3_nbr *from, const uint8_t *blob, size_t len,
		uint64_t now)
{
	struct l3_dref *r;
	struct l3_orig *o;
	struct l3_desc d;
	uint8_t key[L3_DESC_KEY_LEN];	/* the blob's hash: made once */
	int st = desc_known(n, blob, len);

	if (!st)
		st = desc_gate(n, from, blob, len, now, key);
	if (!st) {
		st = desc_check(n, blob, len, &d, key);
		if (st == L3_ST_DESC_BAD_SIG)	/* failures empty the bucket faster */
			desc_fine(n, from, now);
	}
	if (st) {
		if (st > 0) {
			n->stats[st]++;
			l3_dbg(n, "l3: description refused: %s", l3_stat_names[st]);
		}
		return;
	}
	if (!(o = l3_orig_find(n, d.id)) && l3_otab_full(n) && !make_room(n, now))
		return;
	if (!(o = l3_orig_get_or_add(n, d.id)) || !(r = l3_dref_new(blob, len, &d)))
		return;
	n->stats[L3_ST_DESC_ACCEPTED]++;
	o->desc_rx_ms = now;
	l3_chain_ver_init(&o->ver, d.anchor, d.chain_len);
	/* spread it: our neighbours learn it without asking */
	l3_xmit_all(n, &(struct l3_msg){ .type = L3_TLV_DESC,
		.u.desc = { r->blob, r->len } }, now);
	l3_xmit_soon(n, now);
	l3_orig_set_desc(n, o, r, now);
}

/*
 * The one place where the description an originator holds changes (d
 * NULL: forgotten): its prefixes and routes follow. Takes the reference
 * on d; drops the one on the description it replaces.
 */
void l3_orig_set_desc(struct l3_node *n, struct l3_orig *o, struct l3_dref *d,
		      uint64_t now)
{
	struct l3_dref *old = o->d;

	o->d = d;
	l3_route_desc_changed(n, o, old, now);
	l3_dref_put(old);
	l3_changed(n, L3_CHANGE_DESC, o->id, NULL);
	l3_changed(n, L3_CHANGE_ORIG, o->id, NULL);
	l3_changed(n, L3_CHANGE_LINK, o->id, NULL);	/* links show its hostname */
}

/* Unreachable for long, and nothing of ours refers to it. A node never
 * reachable goes sooner: made-up nodes of a flood leave in a minute. */
static bool orig_stale(const struct l3_orig *o, uint64_t now)
{
	uint64_t last = o->unreach_ms > o->desc_rx_ms ? o->unreach_ms : o->desc_rx_ms;

	return !o->sel && !o->routes && !o->pending &&
	       now - last >= (o->was_reachable ? L3_ORIG_GC_MS : L3_ORIG_NEW_GC_MS);
}

static void forget_one(struct l3_node *n, struct l3_orig *o, void *arg, uint64_t now)
{
	(void)arg;
	if (!orig_stale(o, now))
		return;
	l3_orig_set_desc(n, o, NULL, now);
	l3_orig_del(n, o);
}

/*
 * Housekeeping: each originator's routes (route.c); then nodes stale for
 * long are forgotten, their FD with them. A scan is cheaper than a walk
 * that may delete, and most rounds forget nobody.
 */
void l3_orig_house(struct l3_node *n, uint64_t now)
{
	struct l3_orig *o;
	uint32_t pos = 0;
	bool stale = false;

	while ((o = l3_orig_next(n, &pos))) {
		l3_route_house(n, o, now);
		stale = stale || orig_stale(o, now);
	}
	if (stale)
		l3_origs_walk(n, forget_one, NULL, now);
}

static void orig_info(const struct l3_node *n, const struct l3_orig *o,
		      struct l3_orig_info *oi, uint64_t now)
{
	memset(oi, 0, sizeof(*oi));
	memcpy(oi->id, o->id, L3_ID_LEN);
	oi->desc = o->d ? &o->d->d : NULL;
	oi->desc_size = o->d ? o->d->len : 0;
	oi->desc_age_ms = o->d ? now - o->desc_rx_ms : 0;
	oi->trust = o->trust;
	oi->reachable = o->sel && o->metric != L3_METRIC_INF;
	oi->metric = oi->reachable ? o->metric : L3_METRIC_INF;
	oi->dseq = o->d ? o->d->d.dseq : 0;
	if (o->sel) {
		oi->hops = (uint8_t)(o->sel->hops + 1);
		oi->dseq = (uint32_t)(o->sel->seq >> 16);
		oi->seqno = (uint16_t)o->sel->seq;
		oi->ifidx = o->sel->nbr->ifidx;
		oi->via = o->sel->nbr->ll;
		memcpy(oi->via_id, o->sel->nbr->id, L3_ID_LEN);
	}
	(void)n;
}

void l3_origs_foreach(const struct l3_node *n, l3_orig_cb *cb, void *arg, uint64_t now)
{
	struct l3_orig_info oi;
	const struct l3_orig *o;
	uint32_t pos = 0;

	while ((o = l3_orig_next(n, &pos))) {
		orig_info(n, o, &oi, now);
		cb(arg, &oi);
	}
}

int l3_orig_get(const struct l3_node *n, const uint8_t id[L3_ID_LEN],
		struct l3_orig_info *out, uint64_t now)
{
	const struct l3_orig *o = l3_orig_find(n, id);

	if (!o)
		return -ENOENT;
	orig_info(n, o, out, now);
	return 0;
}
