/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A 10x10 grid of wired point-to-point links, orig_interval 1000 ms, no
 * loss: every node must get a route to every other one, the routes must
 * be loop-free, and once settled they must follow shortest hop paths.
 *
 * With the kernel's asymmetry penalty, 255 - 255*(64-n)^3/64^3 for n OGMs
 * heard so far, an 18-hop path (the grid's diameter) carried a non-zero TQ
 * only after some 40 OGM intervals (50-65 s). softmesh's fast start judges
 * a new link over the seqnos since it was first heard (bat_iv.c), and it
 * repeats the OGM that makes its sender the router at once instead of the
 * next one, which took an interval per hop: every node has a route after
 * about 5 intervals and every route leads to its originator after about 9
 * (doc/l2mesh-routing.md). The deadline guards that: 12 intervals.
 */
#include <stdio.h>
#include <stdlib.h>

#include "l2mesh/core/node.h"
#include "tests/sim/sim.h"

#define W 10
#define H 10
#define SEED 1
#define DEADLINE_MS 12000	/* see above: about 5-9 s expected */
#define SETTLE_MS 10000

static unsigned manhattan(unsigned a, unsigned b)
{
	return (unsigned)(abs((int)(a % W) - (int)(b % W)) + abs((int)(a / W) - (int)(b / W)));
}

/* Pairs with no working path, and pairs whose path is not a shortest one. */
static void count_paths(struct sim *s, unsigned *broken, unsigned *longer)
{
	unsigned i, j;

	*broken = *longer = 0;
	for (i = 0; i < W * H; i++) {
		for (j = 0; j < W * H; j++) {
			int hops = i == j ? 0 : sim_path(s, i, j, 4 * W * H, -1);

			if (hops < 0)
				(*broken)++;
			else if ((unsigned)hops != manhattan(i, j))
				(*longer)++;
		}
	}
}

static bool all_paths(void *sim, void *arg)
{
	struct sim *s = sim;
	unsigned broken, longer;

	count_paths(s, &broken, &longer);
	return !broken;
}

/* Records, per hop distance d, when every pair at most d apart had a route. */
static bool note_reach(void *sim, void *arg)
{
	struct sim *s = sim;
	uint64_t *reach = arg;
	unsigned i, j, d, missing[W + H] = { 0 };
	uint8_t mac[6];

	for (j = 0; j < W * H; j++) {
		sim_node_mac(j, mac);
		for (i = 0; i < W * H; i++)
			if (i != j && l2_orig_router(sim_l2(s, i), mac, NULL, NULL) < 0)
				missing[manhattan(i, j)]++;
	}
	for (d = 1, i = 0; d < W + H - 1; d++) {
		i += missing[d];	/* pairs up to d apart without a route */
		if (!i && reach[d] == UINT64_MAX)
			reach[d] = sim_now(s);
	}
	return !i;
}

static void print_reach(const uint64_t *reach)
{
	unsigned d;

	printf("  all pairs up to d hops apart routed at (s):");
	for (d = 1; d < W + H - 1; d++)
		printf("%s d%u %.0f", d % 6 == 1 && d > 1 ? "\n   " : "", d,
		       (double)reach[d] / 1000);
	printf("\n");
}

int main(void)
{
	struct sim *s = sim_new(sim_seed(SEED));
	uint64_t routes, paths, reach[W + H];
	unsigned broken, longer, d;
	struct sim_stats st;
	double t0;
	int rc = 0;

	printf("sim_grid100: %ux%u grid, orig_interval 1000 ms, no loss (%s)\n", W, H,
	       sim_stubs_note());
	if (!s || sim_grid(s, W, H, NULL, 0.0, 1) < 0)
		return 1;
	for (d = 0; d < W + H; d++)
		reach[d] = UINT64_MAX;
	t0 = sim_wall_ms();
	routes = sim_run_until(s, note_reach, reach, 100, DEADLINE_MS);
	paths = routes == UINT64_MAX ? routes :
		sim_all_routes(s, NULL) && all_paths(s, NULL) ? routes :
		sim_run_until(s, all_paths, NULL, 100, DEADLINE_MS);
	if (paths == UINT64_MAX) {
		printf("FAIL: not converged by %.0f s\n", DEADLINE_MS / 1000.0);
		sim_free(s);
		return 1;
	}
	print_reach(reach);
	printf("  every node has a route to every other after %.1f s simulated\n",
	       (double)routes / 1000);
	printf("  converged (every route leads there) after %.1f s simulated, "
	       "%.0f ms real\n", (double)paths / 1000, sim_wall_ms() - t0);
	sim_run(s, paths + SETTLE_MS);
	count_paths(s, &broken, &longer);
	printf("  %u s later: %u broken paths, %u longer than shortest\n",
	       SETTLE_MS / 1000, broken, longer);
	if (broken || longer) {
		printf("FAIL: routes not loop-free shortest paths once settled\n");
		rc = 1;
	}
	sim_stats(s, &st);
	printf("  %llu events, %llu frames, %.1f MB delivered\n",
	       (unsigned long long)st.events, (unsigned long long)st.frames,
	       (double)st.bytes / 1e6);
	sim_free(s);
	return rc;
}
