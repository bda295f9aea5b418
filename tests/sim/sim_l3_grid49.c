/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Byte efficiency: a 7x7 grid of equal wired links with the default
 * timers (hello 1 s, full table every 60 s). Once converged and past the
 * start-up bursts, control traffic is measured over MEASURE_MS (two full
 * refresh periods) from the cores' own L3_ST_TX_BYTES.
 *
 * The budget is what the protocol needs in steady state, doubled: per
 * interface one packet per hello interval (header, HELLO, an IHU every
 * L3_IHU_EVERY hellos) and per update interval the whole table (one
 * UPDATE per node, packed into L3_PKT_MAX packets). Anything repeated
 * more often than that (descriptions, triggered updates without cause)
 * shows up against it. Routes must stay the cheapest, and loop-free.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/sim/l3sim.h"

#define W 7
#define H 7
#define SEED 1
#define CONVERGE_MS 20000
#define WARMUP_MS 70000		/* past the first full refresh */
#define MEASURE_MS 120000
#define IHU_EVERY 3		/* hellos per IHU, as the core does */
#define UDP6_OVERHEAD 48	/* IPv6 + UDP headers, not in TX_BYTES */

/* Steady-state bytes per second for one interface, see above. */
static double if_budget(const struct l3_config *cfg, unsigned nodes)
{
	double hello = L3_HDR_LEN + L3_TLV_HDR_LEN + L3_HELLO_LEN +
		       (double)(L3_TLV_HDR_LEN + L3_IHU_LEN) / IHU_EVERY;
	double upd = L3_TLV_HDR_LEN + L3_UPDATE_LEN;
	unsigned per_pkt = (L3_PKT_MAX - L3_HDR_LEN) / (unsigned)upd;
	double table = nodes * upd + L3_HDR_LEN * (double)((nodes + per_pkt - 1) / per_pkt);

	return hello * 1000 / cfg->hello_interval_ms + table * 1000 / cfg->update_interval_ms;
}

/* A W x H grid of 1 ms wired links; NULL if it could not be built. */
static struct l3sim *build(const struct l3_config *cfg)
{
	struct l3sim *s = l3sim_new(l3sim_seed(SEED));
	unsigned x, y;

	for (x = 0; s && x < W * H; x++)
		if (l3sim_node_add(s, cfg) < 0)
			goto fail;
	for (y = 0; s && y < H; y++) {
		for (x = 0; x < W; x++) {
			unsigned i = y * W + x;

			if (x + 1 < W && l3sim_link(s, i, i + 1, 1, 0, 0) < 0)
				goto fail;
			if (y + 1 < H && l3sim_link(s, i, i + W, 1, 0, 0) < 0)
				goto fail;
		}
	}
	return s;
fail:
	l3sim_free(s);
	return NULL;
}

/* Control bytes and packets per node per second from WARMUP_MS on. */
static void measure(struct l3sim *s, double *bytes, double *pkts)
{
	uint64_t b0, p0;

	l3sim_run(s, WARMUP_MS);
	b0 = l3sim_stat_sum(s, L3_ST_TX_BYTES);
	p0 = l3sim_stat_sum(s, L3_ST_TX_PKT);
	l3sim_run(s, WARMUP_MS + MEASURE_MS);
	*bytes = (double)(l3sim_stat_sum(s, L3_ST_TX_BYTES) - b0) / (W * H) /
		 (MEASURE_MS / 1000.0);
	*pkts = (double)(l3sim_stat_sum(s, L3_ST_TX_PKT) - p0) / (W * H) /
		(MEASURE_MS / 1000.0);
}

/* The steady state against the budget, the routes, the loop checker. */
static int judge(struct l3sim *s, const struct l3_config *cfg)
{
	unsigned ifs = 2 * l3sim_links(s);
	double per_node, pkts_node, budget = 2 * if_budget(cfg, W * H) * ifs / (W * H);
	int rc = 0;

	measure(s, &per_node, &pkts_node);
	printf("  steady state over %u s: %.0f control bytes per node per second "
	       "(%.0f with IPv6+UDP headers), %.2f packets per node per second\n",
	       MEASURE_MS / 1000, per_node, per_node + UDP6_OVERHEAD * pkts_node, pkts_node);
	printf("  budget %.0f bytes per node per second (%.2f interfaces per node)\n",
	       budget, (double)ifs / (W * H));
	if (per_node > budget) {
		printf("FAIL: over budget\n");
		rc = 1;
	}
	if (l3sim_unrouted_pairs(s) || l3sim_metric_check(s, 0, true)) {
		printf("FAIL: routes lost or not the cheapest in steady state\n");
		rc = 1;
	}
	l3sim_check_loops(s);
	if (l3sim_errors(s)) {
		printf("FAIL: loops or kernel-table misuse\n");
		rc = 1;
	}
	return rc;
}

int main(void)
{
	struct l3_config cfg;
	struct l3sim *s;
	uint64_t t;
	int rc;

	printf("sim_l3_grid49: %ux%u grid, default timers\n", W, H);
	l3_config_defaults(&cfg);
	cfg.chain_len = 256;
	if (!(s = build(&cfg)))
		return 1;
	t = l3sim_run_until(s, l3sim_all_routed, NULL, 50, CONVERGE_MS);
	if (t == UINT64_MAX) {
		printf("FAIL: not every pair routed after %u s\n", CONVERGE_MS / 1000);
		l3sim_free(s);
		return 1;
	}
	printf("  every pair routed after %.2f s\n", (double)t / 1000);
	rc = judge(s, &cfg);
	l3sim_free(s);
	if (!rc)
		printf("ok\n");
	return rc;
}
