/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l3routed's own options (doc/config.md, doc/l3route-gateways.md): one
 * table, listed in schemas/schemas.c so that every program knows them.
 * Defaults that are the core's come from its constants. Option order is
 * the print order.
 */
#include "l3route/l3conf.h"
#include "l3route/core/l3.h"

static const struct mc_conf_opt network_opts[] = {
	{ .name = "l3_port", .type = MC_CONF_T_PORT, .min = 1, .max = 65535,
	  .def = "6240" },
	{ .name = "l3_key", .type = MC_CONF_T_PATH,
	  .def = "/var/lib/softmesh/l3route.key" },
	/* 253..255 are the kernel's default, main and local tables, and
	 * l3_table + 1 is the gateway tunnel's (doc/l3route-gateways.md) */
	{ .name = "l3_table", .type = MC_CONF_T_INT, .min = 1, .max = 251,
	  .def = "201" },
	{ .name = "l3_hello_interval", .type = MC_CONF_T_INT, .min = 100,
	  .max = 60000, .def = MC_CONF_NUM(L3_HELLO_INTERVAL_MS) },
	{ .name = "l3_link_timeout", .type = MC_CONF_T_INT, .min = 300,
	  .max = 600000, .def = MC_CONF_NUM(L3_LINK_TIMEOUT_MS) },
	{ .name = "l3_update_interval", .type = MC_CONF_T_INT, .min = 1000,
	  .max = 3600000, .def = MC_CONF_NUM(L3_UPDATE_INTERVAL_MS) },
	{ .name = "l3_prefix", .type = MC_CONF_T_PREFIX, .flags = MC_CONF_F_LIST },
	/* a choice made with meshctl gw prefer wins over this, also on reload */
	{ .name = "preferred_gateway", .type = MC_CONF_T_STR, .min = 0, .max = 64,
	  .def = "", .flags = MC_CONF_F_LIVE },
	/* '1kbit' lets every offer through */
	{ .name = "gateway_min_bandwidth", .type = MC_CONF_T_RATE, .def = "1kbit",
	  .flags = MC_CONF_F_LIVE },
	{ .name = "gateway_hysteresis", .type = MC_CONF_T_INT, .min = 0, .max = 1000,
	  .def = MC_CONF_NUM(L3_GW_HYST_PCT), .flags = MC_CONF_F_LIVE },
	{ .name = "trusted_nodes", .type = MC_CONF_T_HEXID, .min = 8, .max = 2 * L3_ID_LEN,
	  .flags = MC_CONF_F_LIST },
	{ .name = "nat", .type = MC_CONF_T_BOOL, .def = "0" },
	/* nodes held at most: a flood of made-up ones stops here */
	{ .name = "l3_max_nodes", .type = MC_CONF_T_INT, .min = 16, .max = 65536,
	  .def = MC_CONF_NUM(L3_MAX_NODES) },
};

static const struct mc_conf_sec l3_secs[] = {
	{ "lime", "network", network_opts, sizeof(network_opts) / sizeof(network_opts[0]) },
};

const struct mc_conf_part l3_conf_part = {
	.name = "l3routed", .secs = l3_secs, .nsecs = sizeof(l3_secs) / sizeof(l3_secs[0]),
};
