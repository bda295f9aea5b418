/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 1000 nodes: a 40x25 grid of wired links, orig_interval 1000 ms, no
 * loss. The grid is 63 hops across, beyond BATMAN IV's reach: with hop
 * penalty 30 an OGM's TQ reaches 0 after 32 hops, and while the windows
 * fill it dies sooner. So "converged" here means: every node routes to
 * every node at most REACH_HOPS away. The run must take under a minute of
 * real time. Peak RSS and memory per simulated node are printed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "l2mesh/core/node.h"
#include "tests/sim/sim.h"

#define W 40
#define H 25
#define SEED 1
#define REACH_HOPS 20
#define DEADLINE_MS 45000	/* about 26 s with fast start */
#define STEP_MS 2000
#define WALL_LIMIT_MS 60000.0

static unsigned dist(unsigned a, unsigned b)
{
	return (unsigned)(abs((int)(a % W) - (int)(b % W)) + abs((int)(a / W) - (int)(b / W)));
}

static bool routed(struct sim *s, unsigned from, unsigned to)
{
	uint8_t mac[6];

	sim_node_mac(to, mac);
	return l2_orig_router(sim_l2(s, from), mac, NULL, NULL) == 0;
}

/* Every pair within reach has a route; stops at the first that has not. */
static bool within_reach(struct sim *s, void *arg)
{
	unsigned i, j;

	for (i = 0; i < W * H; i++)
		for (j = 0; j < W * H; j++)
			if (i != j && dist(i, j) <= REACH_HOPS && !routed(s, i, j))
				return false;
	return true;
}

static void report(struct sim *s, double t0)
{
	unsigned long pairs = 0, ok = 0;
	unsigned i, j, far = 0;

	for (i = 0; i < W * H; i++) {
		for (j = 0; j < W * H; j++) {
			if (i == j)
				continue;
			pairs++;
			if (routed(s, i, j)) {
				ok++;
				if (dist(i, j) > far)
					far = dist(i, j);
			}
		}
	}
	printf("  %5.1f s: %5.1f%% of all pairs routed, farthest %u hops, %.1f s real\n",
	       (double)sim_now(s) / 1000, 100.0 * (double)ok / (double)pairs, far,
	       (sim_wall_ms() - t0) / 1000);
}

/*
 * Memory per simulated node: the peak resident set over the nodes, and
 * the heap (mallinfo2, 0 under ASan) from before the grid to the end:
 * the cores, the simulator's segments and the frames in flight.
 */
static void print_memory(uint64_t heap0, uint64_t heap1)
{
	sb_print_peak_rss(W * H);
	if (heap1 > heap0)
		printf("  memory: heap %.1f MB at the end, %.1f kB per node\n",
		       (double)(heap1 - heap0) / (1024 * 1024),
		       (double)(heap1 - heap0) / 1024 / (W * H));
}

int main(void)
{
	uint64_t heap0 = sb_heap_bytes();
	struct sim *s = sim_new(sim_seed(SEED));
	struct sim_stats st;
	uint64_t conv = UINT64_MAX;
	double t0 = sim_wall_ms(), wall;
	int rc = 0;

	printf("sim_1000: %ux%u grid, orig_interval 1000 ms, no loss (%s)\n", W, H,
	       sim_stubs_note());
	if (!s || sim_grid(s, W, H, NULL, 0.0, 1) < 0)
		return 1;
	while (sim_now(s) < DEADLINE_MS && conv == UINT64_MAX) {
		sim_run(s, sim_now(s) + STEP_MS);
		if (within_reach(s, NULL))
			conv = sim_now(s);
		if (sim_now(s) % 10000 == 0 || conv != UINT64_MAX)
			report(s, t0);
	}
	wall = sim_wall_ms() - t0;
	sim_stats(s, &st);
	printf("  %llu events, %llu frames, %.0f MB delivered, %.0f events/s real\n",
	       (unsigned long long)st.events, (unsigned long long)st.frames,
	       (double)st.bytes / 1e6, (double)st.events / (wall / 1000));
	if (conv == UINT64_MAX) {
		printf("FAIL: pairs within %u hops not all routed by %u s\n", REACH_HOPS,
		       DEADLINE_MS / 1000);
		rc = 1;
	} else {
		printf("  converged: all pairs within %u hops routed after %.0f s "
		       "simulated, %.1f s real\n", REACH_HOPS, (double)conv / 1000,
		       wall / 1000);
	}
	print_memory(heap0, sb_heap_bytes());
	printf("  %.1f s real in all\n", wall / 1000);
	if (wall > WALL_LIMIT_MS) {
		printf("FAIL: took %.1f s of real time, limit %.0f\n", wall / 1000,
		       WALL_LIMIT_MS / 1000);
		rc = 1;
	}
	sim_free(s);
	return rc;
}
