/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The translation table: batman-adv's translation-table.c rewritten for
 * the softmesh core (doc/l2mesh-tt.md; tt_int.h has the map of its
 * files). This one is the top: the life cycle, the timers, and what TT
 * registers with the rest of the core, its TT and ROAM TVLV handlers
 * (tvlv.c) and the routing plane's purge hook.
 */
#include <errno.h>
#include <stdlib.h>

#include "l2mesh/core/originator.h"
#include "l2mesh/core/tt_int.h"

void l2_tt_unicast_tvlv_rx(struct l2_node *n, const uint8_t src[6],
			   const struct l2_tvlv *tv)
{
	if (tv->type == L2_TVLV_ROAM)
		tt_roam_rx(n, src, tv);
	else if (tv->type == L2_TVLV_TT)
		tt_exchange_rx(n, src, tv);
}

uint64_t l2_tt_tick(struct l2_node *n, uint64_t now_ms)
{
	struct l2_tt *t = n->tt;

	if (now_ms >= t->next_work_ms) {
		tt_host_ensure(n);
		tt_local_purge(n, now_ms);
		tt_global_purge(n, now_ms);
		tt_roam_purge(n, now_ms);
		t->next_work_ms = now_ms + L2_TT_WORK_PERIOD_MS;
	}
	return t->next_work_ms + L2_HOUSEKEEPING_SLACK_MS;
}

/* ---- what TT registers --------------------------------------------------------- */

static void tt_ogm_rx(struct l2_node *n, struct l2_orig *o, const struct l2_tvlv *tv)
{
	l2_tt_ogm_rx(n, o->addr, tv);
}

/* A request passing through may be answered here; the rest is dst's. */
static bool tt_unicast_rx(struct l2_node *n, const uint8_t src[6], const uint8_t dst[6],
			  const struct l2_tvlv *tv)
{
	if (!l2_node_is_me(n, dst))
		return l2_tt_unicast_tvlv_transit(n, src, dst, tv);
	l2_tt_unicast_tvlv_rx(n, src, tv);
	return true;
}

static int tt_register(struct l2_node *n)
{
	static const struct l2_tvlv_handler tt = {
		.type = L2_TVLV_TT, .version = L2_TVLV_TT_VERSION, .name = "TT",
		.ogm_rx = tt_ogm_rx, .ogm_append = l2_tt_ogm_append,
		.unicast_rx = tt_unicast_rx,
	};
	static const struct l2_tvlv_handler roam = {
		.type = L2_TVLV_ROAM, .version = L2_TVLV_ROAM_VERSION, .name = "ROAM",
		.unicast_rx = tt_unicast_rx,
	};

	if (l2_tvlv_register(n, &tt) < 0 || l2_tvlv_register(n, &roam) < 0)
		return -EEXIST;
	return l2_origs_on_gone(n, l2_tt_orig_gone);
}

/* ---- life cycle ----------------------------------------------------------------- */

static void free_one(struct mc_hnode *e, void *arg)
{
	mc_hash_del(arg, e);
	free(mc_container_of(e, struct l2_mackey, hnode));
}

static void orig_free_one(struct mc_hnode *e, void *arg)
{
	tt_orig_free(arg, mc_container_of(e, struct tt_orig, h.hnode));
}

/* Frees the table's entries and slots (entries are plain allocations
 * that own nothing, but for origs). */
static void table_free(struct mc_hash *h)
{
	if (!h->tab)
		return;
	mc_hash_walk(h, free_one, h);
	mc_hash_free(h);
}

static void tt_destroy(struct l2_node *n, struct l2_tt *t)
{
	/* every global entry hangs off an originator and goes with it */
	if (t->origs.tab)
		mc_hash_walk(&t->origs, orig_free_one, n);
	table_free(&t->global);
	table_free(&t->origs);
	table_free(&t->local);
	table_free(&t->roams);
	free(t->changes);
	free(t->diff);
	free(t);
}

int l2_tt_init(struct l2_node *n)
{
	struct l2_tt *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	n->tt = t;
	if (n->env.rand) {
		/* two draws, so the node's later draws (the simulator's runs
		 * with them) are what they were with a 64-bit seed */
		t->seed = n->env.rand(n->env.user);
		t->seed ^= n->env.rand(n->env.user) << 1;
	}
	if (mc_hash_init(&t->local, TT_HASH_ORDER) < 0 ||
	    mc_hash_init(&t->global, TT_HASH_ORDER) < 0 ||
	    mc_hash_init(&t->origs, TT_HASH_ORDER) < 0 ||
	    mc_hash_init(&t->roams, TT_HASH_ORDER) < 0) {
		l2_tt_free(n);
		return -ENOMEM;
	}
	t->next_work_ms = n->now_ms + L2_TT_WORK_PERIOD_MS;
	t->rl = (struct mc_ratelimit)MC_RATELIMIT_INIT(10000, 5);
	return tt_register(n);
}

void l2_tt_free(struct l2_node *n)
{
	if (!n->tt)
		return;
	tt_destroy(n, n->tt);
	n->tt = NULL;
}
