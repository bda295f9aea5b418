/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-originator data-plane state: the broadcast dedup window and the
 * fragment buckets that batman-adv keeps in its orig_node. The routing
 * plane owns the originators; this table only follows them, keyed by
 * MAC, created on the first broadcast or fragment of a known originator
 * and dropped after the originator timeout without traffic. One
 * allocation per originator, none per packet.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "l2mesh/core/data.h"

#define DORIG_HASH_ORDER 4	/* 16 slots to start with; grows */

struct l2_dorigs {
	struct mc_hash h;
	uint32_t seed;		/* from env.rand: originators cannot aim at one cluster */
};

int l2_dorigs_init(struct l2_node *n)
{
	struct l2_dorigs *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->seed = n->env.rand ? n->env.rand(n->env.user) : 0;
	n->data->dorigs = t;
	return mc_hash_init(&t->h, DORIG_HASH_ORDER);
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
	struct l2_dorig *o = mc_container_of(e, struct l2_dorig, hnode);

	if (!c->all && c->now_ms < o->seen_ms + L2_DORIG_TIMEOUT_MS)
		return;
	mc_hash_del(&c->n->data->dorigs->h, e);
	c->release(c->n, o);
	free(o);
}

void l2_dorigs_free(struct l2_node *n, l2_dorig_release_fn release)
{
	struct l2_dorigs *t = n->data->dorigs;
	struct purge_ctx c = { n, 0, true, release };

	if (!t)
		return;
	if (t->h.tab)
		mc_hash_walk(&t->h, purge_one, &c);
	mc_hash_free(&t->h);
	free(t);
	n->data->dorigs = NULL;
}

void l2_dorigs_purge(struct l2_node *n, uint64_t now_ms, l2_dorig_release_fn release)
{
	struct purge_ctx c = { n, now_ms, false, release };

	mc_hash_walk(&n->data->dorigs->h, purge_one, &c);
}

struct l2_dorig *l2_dorig_get(struct l2_node *n, const uint8_t orig[6])
{
	struct l2_dorigs *t = n->data->dorigs;
	uint32_t hv = mc_hash_mac_seeded(t->seed, orig, 0);
	struct mc_hash_iter it;
	struct mc_hnode *e;
	struct l2_dorig *o;

	for (e = mc_hash_first(&t->h, hv, &it); e; e = mc_hash_next(&it)) {
		o = mc_container_of(e, struct l2_dorig, hnode);
		if (l2_mac_eq(o->mac, orig)) {
			o->seen_ms = n->now_ms;
			return o;
		}
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	memcpy(o->mac, orig, 6);
	o->seen_ms = n->now_ms;
	if (mc_hash_add(&t->h, &o->hnode, hv) < 0) {
		free(o);
		return NULL;
	}
	return o;
}
