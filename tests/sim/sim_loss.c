/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 10x10 grid again, with every copy of every frame lost with 5%
 * probability. It must still converge (later: lost OGMs slow the window
 * ramp-up), and the TQ of direct links must show the loss: a neighbour's
 * OGM arrives 95% of the time and our echoed OGM makes the round trip
 * 90%, so tq_own = 255 * 0.90 / 0.95 ~ 242 instead of 255.
 */
#include <stdio.h>
#include <stdlib.h>

#include "l2mesh/core/originator.h"
#include "tests/sim/sim.h"

#define W 10
#define H 10
#define SEED 1
#define LOSS 0.05
#define DEADLINE_MS 120000
#define SETTLE_MS 70000		/* full windows before TQ is judged */

struct tq_sum {
	struct sim *s;
	unsigned node;
	double sum;
	unsigned count;
};

/* Averages the best-next-hop TQ towards each direct neighbour. */
static void neigh_tq(void *user, const struct l2_orig_entry *e)
{
	struct tq_sum *t = user;
	int who = sim_node_by_mac(t->s, e->orig);

	if (!e->best || who < 0 || !l2_mac_eq(e->orig, e->neigh))
		return;
	t->sum += e->tq;
	t->count++;
}

static double direct_tq(struct sim *s)
{
	struct tq_sum t = { .s = s };

	for (t.node = 0; t.node < W * H; t.node++)
		l2_orig_foreach(sim_l2(s, t.node), sim_now(s), neigh_tq, &t);
	return t.count ? t.sum / t.count : 0;
}

/* Runs a grid with the given loss; returns its convergence time. */
static uint64_t run(double loss, double *tq)
{
	struct sim *s = sim_new(sim_seed(SEED));
	uint64_t conv;

	if (!s || sim_grid(s, W, H, NULL, loss, 1) < 0)
		return UINT64_MAX;
	conv = sim_run_until(s, sim_all_routes, NULL, 100, DEADLINE_MS);
	sim_run(s, conv == UINT64_MAX ? DEADLINE_MS : conv > SETTLE_MS ? conv : SETTLE_MS);
	*tq = direct_tq(s);
	sim_free(s);
	return conv;
}

int main(void)
{
	double tq_clean, tq_lossy;
	uint64_t clean, lossy;
	int rc = 0;

	printf("sim_loss: %ux%u grid, %.0f%% loss per frame copy (%s)\n", W, H,
	       LOSS * 100, sim_stubs_note());
	clean = run(0.0, &tq_clean);
	lossy = run(LOSS, &tq_lossy);
	printf("  no loss: converged after %.1f s, direct-link TQ %.1f\n",
	       (double)clean / 1000, tq_clean);
	if (lossy == UINT64_MAX) {
		printf("FAIL: %.0f%% loss: not converged by %u s\n", LOSS * 100,
		       DEADLINE_MS / 1000);
		return 1;
	}
	printf("  %.0f%% loss: converged after %.1f s, direct-link TQ %.1f\n",
	       LOSS * 100, (double)lossy / 1000, tq_lossy);
	if (tq_clean < 250) {
		printf("FAIL: a lossless link should have a TQ near 255\n");
		rc = 1;
	}
	/* 242 expected; the 5-sample average and window noise spread it */
	if (tq_lossy < 215 || tq_lossy > 250) {
		printf("FAIL: 5%% loss should give a direct-link TQ near 242\n");
		rc = 1;
	}
	return rc;
}
