/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulator's own checks must be able to fail: on a converged line of
 * 4 (n0-n1-n2-n3), route operations are fed into the fake kernel tables
 * as if a core had made them, and each must be caught:
 *   - n2 pointing n0's address back at n3 while n3 points it at n2: a
 *     loop, found by the walk after the change;
 *   - a delete of a route that is not there (one no core made: deleting
 *     a core's route behind its back would only make its own delete fail);
 *   - a next hop that is not the peer on that interface;
 *   - a route over an interface its core was told is down.
 * The loop is also seen by l3sim_path() and by the all-pairs check.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "tests/sim/l3sim.h"

#define SEED 1

static int failed;

static void expect(struct l3sim *s, const char *what, uint64_t loops, uint64_t errors)
{
	struct l3sim_stats st;

	l3sim_stats(s, &st);
	printf("  %s: %llu loops, %llu errors\n", what, (unsigned long long)st.loops,
	       (unsigned long long)st.errors);
	if (st.loops != loops || st.errors != errors) {
		printf("FAIL: %s: expected %llu loops, %llu errors\n", what,
		       (unsigned long long)loops, (unsigned long long)errors);
		failed = 1;
	}
}

/* n's route to dst's address via its interface ifidx (peer's side pidx). */
static void route(struct l3sim *s, unsigned n, unsigned dst, unsigned ifidx,
		  unsigned peer, unsigned pidx, bool add)
{
	struct l3_kroute r = { .dst = { .family = AF_INET6, .plen = 128 },
			       .ifidx = ifidx, .metric = 1 };

	memcpy(r.dst.a, l3sim_node_addr(s, dst), 16);
	l3sim_ll(peer, pidx, &r.via);
	l3sim_inject(s, n, add, &r);
}

int main(void)
{
	struct l3sim *s = l3sim_new(l3sim_seed(SEED));
	struct l3_kroute never = { 0 };
	unsigned i;

	printf("sim_l3_checker: the simulator's checks fail when they should\n");
	for (i = 0; i < 4; i++)
		l3sim_node_add(s, NULL);
	/* links 0..2; interfaces: n0 if0, n1 if0|if1, n2 if0|if1, n3 if0 */
	for (i = 0; i < 3; i++)
		l3sim_link(s, i, i + 1, 1, 0, 0);
	if (l3sim_run_until(s, l3sim_all_routed, NULL, 10, 10000) == UINT64_MAX) {
		printf("FAIL: no convergence\n");
		return 1;
	}
	expect(s, "converged", 0, 0);
	route(s, 3, 0, 0, 2, 1, true);		/* n3 -> n2, as it should be */
	route(s, 2, 0, 1, 3, 0, true);		/* n2 -> n3: a loop n2 n3 n2 */
	expect(s, "loop", 1, 0);
	if (l3sim_path(s, 3, 0, NULL) != L3SIM_LOOP) {
		printf("FAIL: l3sim_path does not see the loop\n");
		failed = 1;
	}
	if (l3sim_check_loops(s) == 0) {
		printf("FAIL: the all-pairs check does not see the loop\n");
		failed = 1;
	}
	route(s, 2, 0, 0, 1, 1, true);		/* mended by hand */
	never.ifidx = 0;
	mc_ip_parse("10.1.2.0/24", &never.dst);	/* a delete of what is not there */
	l3sim_ll(1, 0, &never.via);
	l3sim_inject(s, 0, false, &never);
	route(s, 1, 3, 1, 0, 0, true);		/* via n0 on n1's if1: n2's side */
	l3sim_link_set_up(s, 0, false, true);
	route(s, 0, 2, 0, 1, 0, true);		/* over n0's if0, told down */
	expect(s, "bad kernel operations", 2, 3);
	l3sim_free(s);
	if (!failed)
		printf("ok\n");
	return failed;
}
