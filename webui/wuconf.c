/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * webuid's own options (doc/config.md, doc/webui.md), in lime network next
 * to the other daemons'. The settings it edits are the shared ones
 * (hostname, ap_ssid, gateway, gateway_bandwidth) and l3routed's
 * preferred_gateway.
 */
#include "webui/wuconf.h"

static const struct mc_conf_opt network_opts[] = {
	/* addresses it listens on; none: the cloud's (anygw_ipv4/ipv6,
	 * main_ipv4/ipv6_address) and loopback, never the WAN's */
	{ .name = "webui_listen", .type = MC_CONF_T_ADDR, .flags = MC_CONF_F_LIST },
	{ .name = "webui_port", .type = MC_CONF_T_INT, .min = 1, .max = 65535, .def = "80" },
	/* where the admin password's hash is kept (webui.passwd, mode 0600) */
	{ .name = "webui_state_dir", .type = MC_CONF_T_PATH, .def = "/var/lib/softmesh" },
	/* connections at once (all sources), and from one address */
	{ .name = "webui_max_clients", .type = MC_CONF_T_INT, .min = 4, .max = 4096,
	  .def = "128" },
	{ .name = "webui_max_clients_per_ip", .type = MC_CONF_T_INT, .min = 1, .max = 4096,
	  .def = "64" },
	/* a session unused this long ends (logout is at once) */
	{ .name = "webui_session_idle_s", .type = MC_CONF_T_INT, .min = 60, .max = 604800,
	  .def = "3600" },
};

static const struct mc_conf_sec wu_secs[] = {
	{ "lime", "network", network_opts, sizeof(network_opts) / sizeof(network_opts[0]) },
};

const struct mc_conf_part wu_conf_part = {
	.name = "webuid", .secs = wu_secs, .nsecs = sizeof(wu_secs) / sizeof(wu_secs[0]),
};
