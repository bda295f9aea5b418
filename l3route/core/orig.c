/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Originators (every node we know of), their descriptions and the trust
 * list. Descriptions are verified once, kept as a refcounted blob shared
 * by every node in the process (the simulator runs a thousand nodes that
 * all hold the same thousand descriptions), spread to the neighbours when
 * a newer one is accepted, and fetched on demand when an update names a
 * description we lack.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "l3route/core/node.h"

/* ---- shared description blobs ---- */

#define DREF_BUCKETS 4096
static struct l3_dref *dref_tab[DREF_BUCKETS];

static unsigned dref_bucket(const uint8_t hash[L3_ID_LEN])
{
	return (unsigned)(hash[0] | hash[1] << 8) % DREF_BUCKETS;
}

struct l3_dref *l3_dref_new(const uint8_t *blob, size_t len, const struct l3_desc *d)
{
	unsigned b = dref_bucket(d->hash);
	struct l3_dref *r;

	for (r = dref_tab[b]; r; r = r->next) {
		if (r->len == len && !memcmp(r->blob, blob, len)) {
			r->refs++;
			return r;
		}
	}
	r = malloc(sizeof(*r) + len);
	if (!r)
		return NULL;
	r->refs = 1;
	r->d = *d;
	r->len = len;
	memcpy(r->blob, blob, len);
	r->next = dref_tab[b];
	dref_tab[b] = r;
	return r;
}

void l3_dref_put(struct l3_dref *r)
{
	struct l3_dref **pp;

	if (!r || --r->refs)
		return;
	for (pp = &dref_tab[dref_bucket(r->d.hash)]; *pp != r; pp = &(*pp)->next)
		;
	*pp = r->next;
	free(r);
}

/* ---- originator table ---- */

static unsigned id_hash(const uint8_t id[L3_ID_LEN], unsigned size)
{
	return (unsigned)(id[0] | id[1] << 8 | id[2] << 16) & (size - 1);
}

struct l3_orig *l3_orig_find(const struct l3_node *n, const uint8_t id[L3_ID_LEN])
{
	if (!n->otab)
		return NULL;
	for (struct l3_orig *o = n->otab[id_hash(id, n->otab_size)]; o; o = o->hnext)
		if (!memcmp(o->id, id, L3_ID_LEN))
			return o;
	return NULL;
}

/* By node address (fd5e::/16 + the id's first 14 bytes), or NULL. */
struct l3_orig *l3_orig_by_addr(const struct l3_node *n, const struct in6_addr *a)
{
	uint8_t id[L3_ID_LEN] = { 0 };

	if (a->s6_addr[0] != 0xfd || a->s6_addr[1] != 0x5e || !n->otab)
		return NULL;
	memcpy(id, a->s6_addr + 2, 14);	/* id_hash reads only the first 3 */
	for (struct l3_orig *o = n->otab[id_hash(id, n->otab_size)]; o; o = o->hnext)
		if (!memcmp(o->id, id, 14))
			return o;
	return NULL;
}

static int otab_grow(struct l3_node *n)
{
	unsigned size = n->otab_size ? n->otab_size * 2 : 64;
	struct l3_orig **t = calloc(size, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (unsigned i = 0; i < n->otab_size; i++) {
		struct l3_orig *o = n->otab[i], *nx;

		for (; o; o = nx) {
			unsigned h = id_hash(o->id, size);

			nx = o->hnext;
			o->hnext = t[h];
			t[h] = o;
		}
	}
	free(n->otab);
	n->otab = t;
	n->otab_size = size;
	return 0;
}

struct l3_orig *l3_orig_get_or_add(struct l3_node *n, const uint8_t id[L3_ID_LEN])
{
	struct l3_orig *o = l3_orig_find(n, id);
	unsigned h;

	if (o)
		return o;
	if (n->norigs >= n->otab_size && otab_grow(n) < 0)
		return NULL;
	if (!(o = calloc(1, sizeof(*o))))
		return NULL;
	memcpy(o->id, id, L3_ID_LEN);
	o->trust = l3_trust(n, id);
	o->metric = L3_METRIC_INF;
	h = id_hash(id, n->otab_size);
	o->hnext = n->otab[h];
	n->otab[h] = o;
	n->norigs++;
	return o;
}

static void orig_free(struct l3_orig *o)
{
	struct l3_rt *rt, *nx;

	for (rt = o->routes; rt; rt = nx) {
		nx = rt->next;
		free(rt);
	}
	l3_dref_put(o->d);
	free(o);
}

void l3_orig_free_all(struct l3_node *n)
{
	for (unsigned i = 0; i < n->otab_size; i++) {
		struct l3_orig *o = n->otab[i], *nx;

		for (; o; o = nx) {
			nx = o->hnext;
			orig_free(o);
		}
	}
	free(n->otab);
	n->otab = NULL;
	n->otab_size = n->norigs = 0;
}

enum l3_trust_state l3_trust(const struct l3_node *n, const uint8_t id[L3_ID_LEN])
{
	if (!n->cfg.ntrusted)
		return L3_TRUST_OPEN;
	if (!memcmp(id, n->id, L3_ID_LEN))
		return L3_TRUST_YES;
	for (unsigned i = 0; i < n->cfg.ntrusted; i++)
		if (!memcmp(id, n->cfg.trusted[i].id, n->cfg.trusted[i].len))
			return L3_TRUST_YES;
	return L3_TRUST_NO;
}

/* ---- descriptions ---- */

int l3_self_desc_make(struct l3_node *n, uint32_t dseq)
{
	uint8_t seed[L3_ELEM_LEN], blob[L3_DESC_MAX];
	struct l3_chain chain;
	struct l3_desc d;
	struct l3_dref *r, *old = n->self;
	int len;

	n->env.random(n->env.user, seed, sizeof(seed));
	if (l3_chain_make(&chain, seed, n->id, n->cfg.chain_len) < 0)
		return -ENOMEM;
	memset(&d, 0, sizeof(d));
	d.dseq = dseq;
	memcpy(d.anchor, l3_chain_anchor(&chain), L3_ELEM_LEN);
	d.chain_len = chain.len;
	memcpy(d.hostname, n->cfg.hostname, sizeof(d.hostname));
	d.nprefix = n->cfg.nprefix;
	memcpy(d.prefix, n->cfg.prefix, n->cfg.nprefix * sizeof(d.prefix[0]));
	d.ngw = n->cfg.ngw;
	memcpy(d.gw, n->cfg.gw, n->cfg.ngw * sizeof(d.gw[0]));
	len = l3_desc_build(blob, sizeof(blob), &d, n->cfg.sk);
	if (len < 0 || !(r = l3_dref_new(blob, (size_t)len, &d))) {
		l3_chain_free(&chain);
		return len < 0 ? len : -ENOMEM;
	}
	l3_chain_free(&n->chain);
	n->chain = chain;
	n->seqno = 0;
	n->self = r;
	n->self_pending = true;
	l3_pfx_own_set(n, old, r);
	l3_dref_put(old);
	return 0;
}

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
		      struct l3_desc *d)
{
	int r = l3_desc_parse(blob, len, d);

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

void l3_desc_rx(struct l3_node *n, struct l3_nbr *from, const uint8_t *blob, size_t len,
		uint64_t now)
{
	struct l3_dref *old, *r;
	struct l3_orig *o;
	struct l3_desc d;
	int st = desc_known(n, blob, len);

	(void)from;
	if (!st)
		st = desc_check(n, blob, len, &d);
	if (st) {
		if (st > 0) {
			n->stats[st]++;
			l3_dbg(n, "l3: description refused: %s", l3_stat_names[st]);
		}
		return;
	}
	if (!(o = l3_orig_get_or_add(n, d.id)) || !(r = l3_dref_new(blob, len, &d)))
		return;
	n->stats[L3_ST_DESC_ACCEPTED]++;
	old = o->d;
	o->d = r;
	o->desc_rx_ms = now;
	l3_chain_ver_init(&o->ver, d.anchor, d.chain_len);
	/* spread it: our neighbours learn it without asking */
	l3_xmit_all(n, &(struct l3_msg){ .type = L3_TLV_DESC,
		.u.desc = { r->blob, r->len } }, now);
	l3_xmit_soon(n, now);
	l3_route_desc_changed(n, o, old, now);
	l3_dref_put(old);
}

/* Forget nodes that have been unreachable for long (their FD with them). */
void l3_orig_house(struct l3_node *n, uint64_t now)
{
	for (unsigned i = 0; i < n->otab_size; i++) {
		struct l3_orig **pp = &n->otab[i];

		while (*pp) {
			struct l3_orig *o = *pp;
			struct l3_dref *old = o->d;

			uint64_t last = o->unreach_ms > o->desc_rx_ms ?
					o->unreach_ms : o->desc_rx_ms;

			if (o->sel || o->routes || o->pending || now - last < L3_ORIG_GC_MS) {
				pp = &o->hnext;
				continue;
			}
			*pp = o->hnext;
			o->d = NULL;
			l3_route_desc_changed(n, o, old, now);
			l3_dref_put(old);
			n->norigs--;
			orig_free(o);
		}
	}
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

	for (unsigned i = 0; i < n->otab_size; i++) {
		for (const struct l3_orig *o = n->otab[i]; o; o = o->hnext) {
			orig_info(n, o, &oi, now);
			cb(arg, &oi);
		}
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
