/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 1000 l3route nodes on a random geometric graph of mean degree 8 (the
 * scenario is l3rgg.h's). 50 links flap over 60 s; every pair must be
 * routed within 60 s at the start and 30 s after the flaps, routes must
 * be near the cheapest paths once settled, and the loop checker runs
 * after every virtual ms in which a route changed, with all pairs checked
 * every virtual second; any loop fails the test. Real time and memory are
 * reported, not judged: the machine's speed is no property of the routing
 * (meson's timeout still stops a run that hangs).
 */
#include "tests/sim/l3rgg.h"

int main(void)
{
	const struct l3rgg_cfg c = {
		.name = "sim_l3_rgg1000",
		.nodes = 1000,
		.mean_degree = 8,
		.seed = 1,
		.flaps = 50,
		.converge_ms = 60000,
		.reconverge_ms = 30000,
		.step_ms = 250,
		.full_check_ms = 1000,
		.metrics = true,
	};

	return l3rgg_run(&c);
}
