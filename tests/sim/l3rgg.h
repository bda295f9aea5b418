/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L3RGG_H
#define L3RGG_H

/*
 * The random-geometric-graph scenario of the l3route simulator, for any
 * number of nodes (sim_l3_rgg1000, sim_l3_rgg10k): uniform points in the
 * unit square, a link between two points closer than r, with r chosen so
 * that the mean degree is mean_degree (the n * mean_degree / 2 shortest
 * pairs); a placement that is not connected is drawn again, or with
 * `bridge` joined by the next shortest pairs that join components (a
 * 10,000-node placement of mean degree 8 is seldom connected: near the
 * edges a point is alone about once in 1000). A link's rate
 * falls with its length (54 Mbit/s when the points touch, 6 Mbit/s at r)
 * and its delay is 1-5 ms.
 *
 * 1. Every node gets a route to every other node's address (the fake
 *    kernel tables, followed hop by hop). Virtual and real time printed.
 * 2. `flaps` links flap over 60 s of virtual time (half pulled, both ends
 *    told; half silent, found by the link timeout), each down for 2-10 s.
 * 3. With every link back, every pair is routed again within a bound.
 * 4. (metrics) Routes are near the cheapest path over the costs the cores
 *    see. O(nodes^2 * diameter * links): for small meshes only.
 * The loop checker walks every changed route after every virtual ms in
 * which a route changed (l3sim.h); any loop fails the test. Real time,
 * peak RSS and memory per node are printed; with wall_limit_ms the run
 * fails when it took longer.
 */

#include <stdbool.h>
#include <stdint.h>

struct l3rgg_cfg {
	const char *name;
	unsigned nodes;			/* at most 65536 */
	unsigned mean_degree;
	bool bridge;			/* join a placement's components */
	/* The cores' originator table (l3_config.max_nodes, which holds
	 * L3_MAX_NODES by default: a larger mesh needs more); 0: default. */
	uint32_t max_nodes;
	uint64_t seed;			/* placement seed ($SIM_SEED overrides) */
	unsigned flaps;
	uint32_t converge_ms;		/* bound on the first convergence */
	uint32_t reconverge_ms;		/* and on the one after the flaps */
	uint32_t step_ms;		/* how often "every pair routed" is judged */
	uint32_t full_check_ms;		/* the all-pairs loop check (l3sim_set_full_check) */
	bool quick_routed;		/* judge with l3sim_all_routed_quick */
	bool metrics;			/* step 4 */
	double wall_limit_ms;		/* 0: real time reported, not judged */
	/* Stops the run (FAIL) when the resident set passes this many kB,
	 * polled every poll_ms of virtual time; 0: no limit. A run that
	 * would not fit must not push the machine into its OOM killer. */
	uint64_t rss_limit_kb;
	uint32_t poll_ms;
};

/* Runs the scenario; the process's exit status (0 passed). */
int l3rgg_run(const struct l3rgg_cfg *c);

#endif
