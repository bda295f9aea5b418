/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The originator table (every node we know of, by id), the descriptions
 * as data and the trust list. Descriptions are verified once, kept as a
 * refcounted blob shared by every node in the process (the simulator runs
 * a thousand nodes that all hold the same thousand descriptions). This is
 * the engine's bottom layer: it calls no other module of it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

void l3_orig_del(struct l3_node *n, struct l3_orig *o)
{
	struct l3_orig **pp = &n->otab[id_hash(o->id, n->otab_size)];

	while (*pp != o)
		pp = &(*pp)->hnext;
	*pp = o->hnext;
	n->norigs--;
	orig_free(o);
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

/* ---- own description ---- */

/*
 * A new own description (dseq) with a new hash chain, signed; *old gets
 * the one it replaces (the caller puts it, once its prefixes are moved).
 */
int l3_self_desc_make(struct l3_node *n, uint32_t dseq, struct l3_dref **old)
{
	uint8_t seed[L3_ELEM_LEN], blob[L3_DESC_MAX];
	struct l3_chain chain;
	struct l3_desc d;
	struct l3_dref *r;
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
	*old = n->self;
	n->self = r;
	n->self_pending = true;
	return 0;
}
