/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-originator data-plane state: the broadcast dedup window and the
 * fragment buckets that batman-adv keeps in its orig_node. The routing
 * plane owns the originators; this table only follows them, keyed by
 * MAC, created on the first broadcast or fragment of a known originator
 * and dropped after the originator timeout without traffic. One
 * allocation per originator, none per packet.
 */
#include <stdlib.h>
#include <string.h>

#include "l2mesh/core/data.h"

#define DORIG_HASH_ORDER 4	/* 16 slots to start with; grows */

int l2_dorigs_init(struct l2_node *n)
{
	n->data->dorig_seed = l2_seed(n);
	return mc_hash_init(&n->data->dorigs, DORIG_HASH_ORDER);
}

struct l2_dorig *l2_dorig_get(struct l2_node *n, const uint8_t orig[6])
{
	struct l2_data *d = n->data;
	struct l2_mackey *k = l2_mackey_find(&d->dorigs, d->dorig_seed, orig, 0);
	struct l2_dorig *o;

	if (k) {
		o = mc_container_of(k, struct l2_dorig, key);
		o->seen_ms = n->now_ms;
		return o;
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	memcpy(o->key.mac, orig, 6);
	o->seen_ms = n->now_ms;
	if (l2_mackey_add(&d->dorigs, d->dorig_seed, &o->key) < 0) {
		free(o);
		return NULL;
	}
	return o;
}

struct purge_ctx {
	struct l2_node *n;
	uint64_t now_ms;
	bool all;
	l2_dorig_release_fn release;
};

static void purge_one(struct mc_hnode *e, void *arg)
{
	const struct purge_ctx *c = arg;
	struct l2_dorig *o = mc_container_of(e, struct l2_dorig, key.hnode);

	if (!c->all && c->now_ms < o->seen_ms + L2_DORIG_TIMEOUT_MS)
		return;
	mc_hash_del(&c->n->data->dorigs, e);
	c->release(c->n, o);
	free(o);
}

void l2_dorigs_free(struct l2_node *n, l2_dorig_release_fn release)
{
	struct purge_ctx c = { n, 0, true, release };

	if (!n->data->dorigs.tab)
		return;
	mc_hash_walk(&n->data->dorigs, purge_one, &c);
	mc_hash_free(&n->data->dorigs);
}

void l2_dorigs_purge(struct l2_node *n, uint64_t now_ms, l2_dorig_release_fn release)
{
	struct purge_ctx c = { n, now_ms, false, release };

	mc_hash_walk(&n->data->dorigs, purge_one, &c);
}
