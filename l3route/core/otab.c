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

#include "common/log.h"
#include "l3route/core/node.h"

/* ---- shared description blobs ---- */

/* The memo, by the descriptions' own hash (BLAKE2b of the signed blob, so
 * already spread; no seed needed: only accepted descriptions get in). It
 * exists while some description does. */
static struct mc_hash dref_tab;

static uint32_t dref_hash(const struct l3_desc *d)
{
	return mc_hash_bytes(d->hash, L3_ID_LEN, 0);
}

static struct l3_dref *dref_find(const uint8_t *blob, size_t len, uint32_t hv)
{
	struct mc_hash_iter it;
	struct mc_hnode *e;

	if (!dref_tab.tab)
		return NULL;
	for (e = mc_hash_first(&dref_tab, hv, &it); e; e = mc_hash_next(&it)) {
		struct l3_dref *r = mc_container_of(e, struct l3_dref, hn);

		if (r->len == len && !memcmp(r->blob, blob, len))
			return r;
	}
	return NULL;
}

struct l3_dref *l3_dref_new(const uint8_t *blob, size_t len, const struct l3_desc *d)
{
	uint32_t hv = dref_hash(d);
	struct l3_dref *r = dref_find(blob, len, hv);

	if (r) {
		r->refs++;
		return r;
	}
	if (!dref_tab.tab && mc_hash_init(&dref_tab, 8) < 0)
		return NULL;
	if (!(r = malloc(sizeof(*r) + len)))
		return NULL;
	r->refs = 1;
	r->d = *d;
	r->len = len;
	memcpy(r->blob, blob, len);
	if (mc_hash_add(&dref_tab, &r->hn, hv) < 0) {
		free(r);
		return NULL;
	}
	return r;
}

void l3_dref_put(struct l3_dref *r)
{
	if (!r || --r->refs)
		return;
	mc_hash_del(&dref_tab, &r->hn);
	free(r);
	if (!dref_tab.count)
		mc_hash_free(&dref_tab);
}

/* ---- originator table ---- */

/* A node address holds only the first 14 bytes of its id, so those are
 * what a lookup by address compares. The hash reads the first 8: ids are
 * BLAKE2b output, and two that hash alike under every seed would need
 * the same 8 bytes (2^64 keys to try). */
#define ID_ADDR_LEN 14
#define ID_HASH_LEN 8

static struct l3_orig *orig_lookup(const struct l3_node *n, const uint8_t *id,
				   size_t len)
{
	struct mc_hash_iter it;
	struct mc_hnode *e;
	uint32_t hv = mc_hash_bytes(id, ID_HASH_LEN, n->hseed);

	for (e = mc_hash_first(&n->otab, hv, &it); e; e = mc_hash_next(&it)) {
		struct l3_orig *o = mc_container_of(e, struct l3_orig, hn);

		/* constant lengths: compiled inline, no call */
		if (!memcmp(o->id, id, ID_ADDR_LEN) &&
		    (len == ID_ADDR_LEN || !memcmp(o->id + ID_ADDR_LEN, id + ID_ADDR_LEN,
						   L3_ID_LEN - ID_ADDR_LEN)))
			return o;
	}
	return NULL;
}

struct l3_orig *l3_orig_find(const struct l3_node *n, const uint8_t id[L3_ID_LEN])
{
	return orig_lookup(n, id, L3_ID_LEN);
}

/* By node address (fd5e::/16 + the id's first 14 bytes), or NULL. */
struct l3_orig *l3_orig_by_addr(const struct l3_node *n, const struct in6_addr *a)
{
	if (a->s6_addr[0] != 0xfd || a->s6_addr[1] != 0x5e)
		return NULL;
	return orig_lookup(n, a->s6_addr + 2, ID_ADDR_LEN);
}

bool l3_otab_full(const struct l3_node *n)
{
	return n->otab.count >= n->cfg.max_nodes;
}

struct l3_orig *l3_orig_get_or_add(struct l3_node *n, const uint8_t id[L3_ID_LEN])
{
	struct l3_orig *o = l3_orig_find(n, id);

	if (o)
		return o;
	if (l3_otab_full(n)) {
		if (n->stats[L3_ST_ORIG_REFUSED]++ % 1000 == 0)
			l3_logf(n, MC_LOG_WARN, "l3: %u nodes known, the table is full "
				"(l3_max_nodes): new ones refused (%llu so far)", n->cfg.max_nodes,
				(unsigned long long)n->stats[L3_ST_ORIG_REFUSED]);
		return NULL;
	}
	if (!(o = calloc(1, sizeof(*o))))
		return NULL;
	o->serial = ++n->orig_serial;
	memcpy(o->id, id, L3_ID_LEN);
	o->trust = l3_trust(n, id);
	o->metric = L3_METRIC_INF;
	if (mc_hash_add(&n->otab, &o->hn, mc_hash_bytes(id, ID_HASH_LEN, n->hseed)) < 0) {
		free(o);
		return NULL;
	}
	l3_changed(n, L3_CHANGE_ORIG, id, NULL);
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
	uint8_t id[L3_ID_LEN];

	memcpy(id, o->id, L3_ID_LEN);
	mc_hash_del(&n->otab, &o->hn);
	orig_free(o);
	/* its description went before (l3_orig_set_desc NULL), with news */
	l3_changed(n, L3_CHANGE_ORIG, id, NULL);
}

struct orig_walk {
	struct l3_node *n;
	l3_orig_fn *fn;
	void *arg;
	uint64_t now;
};

static void orig_walk_one(struct mc_hnode *e, void *arg)
{
	struct orig_walk *w = arg;

	w->fn(w->n, mc_container_of(e, struct l3_orig, hn), w->arg, w->now);
}

void l3_origs_walk(struct l3_node *n, l3_orig_fn *fn, void *arg, uint64_t now)
{
	struct orig_walk w = { n, fn, arg, now };

	mc_hash_walk(&n->otab, orig_walk_one, &w);
}

static void orig_del_one(struct l3_node *n, struct l3_orig *o, void *arg, uint64_t now)
{
	(void)arg;
	(void)now;
	l3_orig_del(n, o);
}

void l3_orig_free_all(struct l3_node *n)
{
	if (!n->otab.tab)
		return;
	l3_origs_walk(n, orig_del_one, NULL, 0);
	mc_hash_free(&n->otab);
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
	l3_changed(n, L3_CHANGE_DESC, n->id, NULL);
	return 0;
}
