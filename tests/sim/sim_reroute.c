/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A ring of 8 nodes whose ports have MACs of their own (so each also
 * sends batman-adv's secondary-interface OGMs). Once the routes have
 * settled, one link is cut, its port going down on both ends; we measure
 * how long until every node again reaches every other without the cut
 * link.
 *
 * The ends of the cut drop their routes over it at once (l2_iv_port_changed).
 * Nodes further away hold on to routes through them until their TQ
 * average decays: batman-adv IV keeps a stale next hop until newer OGMs
 * by another way have pushed zeros through its 5-slot TQ ring, and a node
 * only repeats OGMs from its own best next hop, so the fix travels one
 * ring decay per hop away from the cut (doc/l2mesh-routing.md).
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/sim/sim.h"

#define N 8
#define SEED 1
#define SETTLE_MS 70000		/* windows full: the steady state */
#define LIMIT_MS 15000		/* 7-11 s with the stale-router rule (doc/l2mesh-routing.md) */

struct cut {
	int seg;
};

/* Every pair connected, and no path crossing the cut segment. */
static bool rerouted(void *sim, void *arg)
{
	struct sim *s = sim;
	const struct cut *c = arg;
	unsigned i, j;

	for (i = 0; i < N; i++)
		for (j = 0; j < N; j++)
			if (i != j && sim_path(s, i, j, 2 * N, c->seg) < 0)
				return false;
	return true;
}

static unsigned count_bad(struct sim *s, int seg)
{
	unsigned i, j, bad = 0;

	for (i = 0; i < N; i++)
		for (j = 0; j < N; j++)
			if (i != j && sim_path(s, i, j, 2 * N, seg) < 0)
				bad++;
	return bad;
}

int main(void)
{
	struct sim *s = sim_new(sim_seed(SEED));
	int segs[N], rc = 0;
	struct cut c;
	uint64_t t_cut, t_ok;
	unsigned i;

	printf("sim_reroute: ring of %u, own port MACs (%s)\n", N, sim_stubs_note());
	if (!s)
		return 1;
	sim_set_port_macs(s, true);
	for (i = 0; i < N; i++)
		if (sim_node_add(s, NULL) < 0)
			return 1;
	for (i = 0; i < N; i++)
		if ((segs[i] = sim_link(s, i, (i + 1) % N, 0.0, 1)) < 0)
			return 1;
	c.seg = -1;
	t_ok = sim_run_until(s, rerouted, &c, 100, SETTLE_MS);
	if (t_ok == UINT64_MAX) {
		printf("FAIL: the ring did not converge in %u s\n", SETTLE_MS / 1000);
		return 1;
	}
	printf("  converged after %.1f s\n", (double)t_ok / 1000);
	sim_run(s, SETTLE_MS);
	c.seg = segs[0];	/* the link between nodes 0 and 1 */
	printf("  at %.1f s: cut 0-1; %u of %u paths crossed it\n",
	       (double)SETTLE_MS / 1000, count_bad(s, c.seg), N * (N - 1));
	sim_seg_set_up(s, (unsigned)c.seg, false);
	t_cut = sim_now(s);
	printf("  right after the cut: %u paths broken or crossing it\n",
	       count_bad(s, c.seg));
	t_ok = sim_run_until(s, rerouted, &c, 10, t_cut + 60000);
	if (t_ok == UINT64_MAX) {
		printf("FAIL: not rerouted within 60 s\n");
		rc = 1;
	} else {
		printf("  rerouted: every path avoids the cut after %.2f s\n",
		       (double)(t_ok - t_cut) / 1000);
		if (t_ok - t_cut > LIMIT_MS) {
			printf("FAIL: rerouting took over %u s\n", LIMIT_MS / 1000);
			rc = 1;
		}
	}
	sim_free(s);
	return rc;
}
