/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Issue 17: 10,000 l3route nodes on a random geometric graph of mean
 * degree 8 (l3rgg.h), flaps as in sim_l3_rgg1000 scaled with the links
 * (one per 20 nodes: 500 over 60 s); a placement that is not connected
 * gets the fewest and shortest extra links that join it. The cores'
 * originator tables are made room for every node (l3_max_nodes, 1024 by
 * default, would cap them and churn: nothing would converge). Passes when every pair is routed,
 * before and after the flaps, with no loop seen, in under 10 minutes of
 * real time; prints peak RSS and memory per simulated node. Suite 'scale'
 * (not in the default test setup).
 *
 * The loop checker walks every changed route after every virtual ms, as
 * in sim_l3_rgg1000; that finds every loop. The all-pairs check, O(n^2)
 * per run, is a second opinion here every 10 virtual s (and in each
 * progress line and at the end), and "every pair routed" is judged once
 * per virtual second, stopping at the first pair unrouted.
 *
 * The run stops (FAIL) when its resident set passes 85 % of the memory
 * available at the start ($L3RGG_RSS_LIMIT_MB sets another limit): a mesh
 * that does not fit must not wake the machine's OOM killer.
 *
 * An argument sets another node count (sim_l3_rgg10k 3000), to see how
 * time and memory grow.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/sim/l3rgg.h"
#include "tests/sim/simbase.h"

#define NODES 10000
#define WALL_LIMIT_MS (10 * 60 * 1000.0)
#define RSS_SHARE_PCT 85

static uint64_t rss_limit_kb(void)
{
	const char *e = getenv("L3RGG_RSS_LIMIT_MB");

	if (e && *e)
		return strtoull(e, NULL, 0) * 1024;
	return sb_mem_available_kb() * RSS_SHARE_PCT / 100;
}

int main(int argc, char **argv)
{
	struct l3rgg_cfg c = {
		.name = "sim_l3_rgg10k",
		.nodes = NODES,
		.mean_degree = 8,
		.bridge = true,
		.seed = 1,
		.converge_ms = 120000,
		.reconverge_ms = 60000,
		.step_ms = 1000,
		.full_check_ms = 10000,
		.quick_routed = true,
		.metrics = false,
		.wall_limit_ms = WALL_LIMIT_MS,
		.poll_ms = 20,
	};

	/* line by line: a run stopped from outside keeps what it printed */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1)
		c.nodes = (unsigned)strtoul(argv[1], NULL, 0);
	c.flaps = c.nodes / 20;
	c.max_nodes = c.nodes + c.nodes / 8;
	c.rss_limit_kb = rss_limit_kb();
	printf("  RSS limit %.0f MB\n", (double)c.rss_limit_kb / 1024);
	return l3rgg_run(&c);
}
