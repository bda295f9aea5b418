/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l2meshd's own options (doc/config.md): one table, listed in
 * schemas/schemas.c so that every program knows them. Defaults that are
 * the core's come from its constants. Option order is the print order.
 */
#include "l2mesh/l2conf.h"
#include "l2mesh/core/l2.h"

static const struct mc_conf_opt network_opts[] = {
	/* the next own OGM goes out at the new interval */
	{ .name = "orig_interval", .type = MC_CONF_T_INT, .min = 100, .max = 60000,
	  .def = MC_CONF_NUM(L2_ORIG_INTERVAL_MS), .flags = MC_CONF_F_LIVE },
	{ .name = "hop_penalty", .type = MC_CONF_T_INT, .min = 0, .max = 255,
	  .def = MC_CONF_NUM(L2_HOP_PENALTY), .flags = MC_CONF_F_LIVE },
	{ .name = "bat0_mtu", .type = MC_CONF_T_INT, .min = 1280, .max = 9000,
	  .def = "1500" },
	/* µs of polling after a light wake-up (doc/l2meshd.md#latency) */
	/* LibreMesh's babeld-auto-gw-mode (l2mesh/shell/autogw.c) */
	{ .name = "babeld_auto_gw", .type = MC_CONF_T_BOOL, .def = "1" },
	{ .name = "busy_poll", .type = MC_CONF_T_INT, .min = 0, .max = 100000,
	  .def = "0", .flags = MC_CONF_F_LIVE },
};

static const struct mc_conf_sec l2_secs[] = {
	{ "lime", "network", network_opts, sizeof(network_opts) / sizeof(network_opts[0]) },
};

const struct mc_conf_part l2_conf_part = {
	.name = "l2meshd", .secs = l2_secs, .nsecs = sizeof(l2_secs) / sizeof(l2_secs[0]),
};
