/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The feasibility condition and seqno requests, on a ring of 6.
 *
 * n1 reaches n0 over their direct link (metric c, so n1's feasibility
 * distance for n0 is c). When that link goes, n1's only other way is
 * around the ring, 5 hops, whose metric is larger than c: unfeasible for
 * the same seqno. n2 is in the same position one hop further (FD 2c, the
 * way around is 4c). Routes may only come back once n0 has made a fresher
 * seqno, which it does when a seqno request reaches it; the same holds
 * for n1 seen from n0. So the test requires, after the cut:
 *   - every pair routed again within a bound, no loop at any step;
 *   - unfeasible updates counted, seqno requests sent by the nodes that
 *     lost their route and received by n0 and n1;
 *   - n0's and n1's (description seqno, seqno) moved forward;
 *   - once settled, every route is the cheapest again.
 * Run once with the link pulled (both ends told at once) and once with it
 * gone silent (found by the link timeout).
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/sim/l3sim.h"

#define RING 6
#define SEED 1
#define CONVERGE_MS 15000
#define SETTLE_MS 5000
#define PULLED_LIMIT_MS 3000	/* retraction, requests, answers: tens of ms each */
#define SILENT_LIMIT_MS 6000	/* the same after link_timeout (2500 ms) */

static int failed;

static void fail(const char *what)
{
	printf("FAIL: %s\n", what);
	failed = 1;
}

static uint64_t seq_of(struct l3sim *s, unsigned node)
{
	struct l3_self_info si;

	l3_self(l3sim_l3(s, node), &si);
	return (uint64_t)si.dseq << 16 | si.seqno;
}

static uint64_t stat_of(struct l3sim *s, unsigned node, enum l3_stat st)
{
	return l3_stats(l3sim_l3(s, node))[st];
}

struct snap {
	uint64_t seq0, seq1, unfeasible, req_tx, req_rx0, req_rx1, req_tx1;
};

static void snap_take(struct l3sim *s, struct snap *p)
{
	p->seq0 = seq_of(s, 0);
	p->seq1 = seq_of(s, 1);
	p->unfeasible = l3sim_stat_sum(s, L3_ST_UPD_UNFEASIBLE);
	p->req_tx = l3sim_stat_sum(s, L3_ST_SEQREQ_TX);
	p->req_tx1 = stat_of(s, 1, L3_ST_SEQREQ_TX);
	p->req_rx0 = stat_of(s, 0, L3_ST_SEQREQ_RX);
	p->req_rx1 = stat_of(s, 1, L3_ST_SEQREQ_RX);
}

static struct l3sim *build(void)
{
	struct l3sim *s = l3sim_new(l3sim_seed(SEED));
	unsigned i;

	for (i = 0; s && i < RING; i++)
		if (l3sim_node_add(s, NULL) != (int)i)
			return NULL;
	for (i = 0; s && i < RING; i++)
		if (l3sim_link(s, i, (i + 1) % RING, 1 + (uint32_t)(l3sim_rand(s) % 5), 0,
			       0) != (int)i)
			return NULL;
	return s;
}

static void check_counters(struct l3sim *s, const struct snap *a, const struct snap *b)
{
	printf("  n0 seqno %llu/%llu -> %llu/%llu, n1 %llu/%llu -> %llu/%llu\n",
	       (unsigned long long)(a->seq0 >> 16), (unsigned long long)(a->seq0 & 0xffff),
	       (unsigned long long)(b->seq0 >> 16), (unsigned long long)(b->seq0 & 0xffff),
	       (unsigned long long)(a->seq1 >> 16), (unsigned long long)(a->seq1 & 0xffff),
	       (unsigned long long)(b->seq1 >> 16), (unsigned long long)(b->seq1 & 0xffff));
	printf("  during the cut: %llu unfeasible updates, %llu seqno requests sent "
	       "(%llu by n1), received by n0 %llu, by n1 %llu\n",
	       (unsigned long long)(b->unfeasible - a->unfeasible),
	       (unsigned long long)(b->req_tx - a->req_tx),
	       (unsigned long long)(b->req_tx1 - a->req_tx1),
	       (unsigned long long)(b->req_rx0 - a->req_rx0),
	       (unsigned long long)(b->req_rx1 - a->req_rx1));
	if (b->unfeasible == a->unfeasible)
		fail("no unfeasible update counted");
	if (b->req_tx1 == a->req_tx1)
		fail("n1 sent no seqno request");
	if (b->req_rx0 == a->req_rx0 || b->req_rx1 == a->req_rx1)
		fail("a seqno request did not reach its originator");
	if (b->seq0 <= a->seq0 || b->seq1 <= a->seq1)
		fail("an originator did not make a fresher seqno");
}

/* Settled after the cut: the cheapest routes, no loop, a clean kernel table. */
static void finish(struct l3sim *s)
{
	struct l3sim_stats st;

	l3sim_run(s, l3sim_now(s) + SETTLE_MS);
	if (l3sim_metric_check(s, 0, true))
		fail("routes not the cheapest once settled");
	l3sim_check_loops(s);
	l3sim_stats(s, &st);
	printf("  loop checker: %llu walks, %llu all-pairs checks, %llu loops, "
	       "%llu kernel-table errors\n", (unsigned long long)st.loop_checks,
	       (unsigned long long)st.full_checks, (unsigned long long)st.loops,
	       (unsigned long long)st.errors);
	if (l3sim_errors(s))
		fail("loops or kernel-table misuse");
	l3sim_free(s);
}

static void scenario(bool tell, uint64_t limit_ms)
{
	struct l3sim *s = build();
	struct snap a, b;
	uint64_t t0, t;

	printf("ring of %u, link n0-n1 %s:\n", RING, tell ? "pulled" : "silent");
	if (!s) {
		fail("setup");
		return;
	}
	t = l3sim_run_until(s, l3sim_all_routed, NULL, 10, CONVERGE_MS);
	if (t == UINT64_MAX) {
		fail("no convergence");
		l3sim_free(s);
		return;
	}
	printf("  converged after %.2f s\n", (double)t / 1000);
	l3sim_run(s, t + SETTLE_MS);
	snap_take(s, &a);
	l3sim_link_set_up(s, 0, false, tell);	/* link 0 is n0-n1 */
	t0 = l3sim_now(s);
	t = l3sim_run_until(s, l3sim_all_routed, NULL, 10, t0 + limit_ms);
	snap_take(s, &b);
	if (t == UINT64_MAX) {
		printf("  %lu pairs still unrouted after %.1f s\n", l3sim_unrouted_pairs(s),
		       (double)limit_ms / 1000);
		fail("routes did not recover");
	} else {
		printf("  every pair routed again %.3f s after the cut (limit %.1f)\n",
		       (double)(t - t0) / 1000, (double)limit_ms / 1000);
	}
	check_counters(s, &a, &b);
	finish(s);
}

int main(void)
{
	printf("sim_l3_feasible: seed %llu\n", (unsigned long long)l3sim_seed(SEED));
	scenario(true, PULLED_LIMIT_MS);
	scenario(false, SILENT_LIMIT_MS);
	if (!failed)
		printf("ok\n");
	return failed;
}
