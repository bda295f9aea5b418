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

#include "l2mesh/core/data.h"

#define DORIG_BUCKETS 256	/* power of two */

struct l2_dorigs {
	struct l2_dorig *bucket[DORIG_BUCKETS];
	uint32_t seed;		/* from env.rand: chains cannot be aimed at */
};

static unsigned dorig_hash(const struct l2_dorigs *t, const uint8_t mac[6])
{
	uint32_t h = t->seed;

	for (int i = 0; i < 6; i++)
		h = (h ^ mac[i]) * 16777619u;	/* FNV-1a step */
	return (h ^ (h >> 15)) & (DORIG_BUCKETS - 1);
}

int l2_dorigs_init(struct l2_node *n)
{
	struct l2_dorigs *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->seed = n->env.rand ? n->env.rand(n->env.user) : 0;
	n->data->dorigs = t;
	return 0;
}

void l2_dorigs_free(struct l2_node *n, l2_dorig_release_fn release)
{
	struct l2_dorigs *t = n->data->dorigs;

	if (!t)
		return;
	for (unsigned i = 0; i < DORIG_BUCKETS; i++) {
		while (t->bucket[i]) {
			struct l2_dorig *o = t->bucket[i];

			t->bucket[i] = o->next;
			release(n, o);
			free(o);
		}
	}
	free(t);
	n->data->dorigs = NULL;
}

struct l2_dorig *l2_dorig_get(struct l2_node *n, const uint8_t orig[6])
{
	struct l2_dorigs *t = n->data->dorigs;
	unsigned b = dorig_hash(t, orig);
	struct l2_dorig *o;

	for (o = t->bucket[b]; o; o = o->next) {
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
	o->next = t->bucket[b];
	t->bucket[b] = o;
	return o;
}

void l2_dorigs_purge(struct l2_node *n, uint64_t now_ms, l2_dorig_release_fn release)
{
	struct l2_dorigs *t = n->data->dorigs;

	for (unsigned i = 0; i < DORIG_BUCKETS; i++) {
		struct l2_dorig **pp = &t->bucket[i];

		while (*pp) {
			struct l2_dorig *o = *pp;

			if (now_ms < o->seen_ms + L2_DORIG_TIMEOUT_MS) {
				pp = &o->next;
				continue;
			}
			*pp = o->next;
			release(n, o);
			free(o);
		}
	}
}
