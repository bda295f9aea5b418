/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The options more than one daemon reads: the node's identity and logging
 * (lime 'system'), the cloud and its addresses, the gateway offer (lime
 * 'network'), and the ports (net sections). A daemon's own options sit in
 * its own table (l2mesh/l2conf.c, l3route/l3conf.c); schemas/schemas.c
 * lists them all. Option order here is the print order.
 */
#include "common/conf_int.h"

static const char *const roles[] = { "mesh", "lan", "wan", NULL };

static const struct mc_conf_opt system_opts[] = {
	{ .name = "hostname", .type = MC_CONF_T_HOSTNAME, .def = "LiMe-%M4%M5%M6" },
	{ .name = "domain", .type = MC_CONF_T_DOMAIN, .def = "thisnode.info" },
	{ .name = "primary_interface", .type = MC_CONF_T_IFNAME, .def = "eth0",
	  .flags = MC_CONF_F_LITERAL },
	{ .name = "primary_mac", .type = MC_CONF_T_MAC, .flags = MC_CONF_F_LITERAL },
	{ .name = "rundir", .type = MC_CONF_T_PATH, .def = "/run/softmesh" },
	/* started as root, the daemons run on as this user (common/privdrop.c);
	 * empty: they stay root */
	{ .name = "user", .type = MC_CONF_T_STR, .min = 0, .max = 32, .def = "softmesh",
	  .flags = MC_CONF_F_LITERAL },
	{ .name = "log_level", .type = MC_CONF_T_ENUM, .words = mc_conf_log_levels,
	  .def = "info", .flags = MC_CONF_F_LIVE },
	{ .name = "debug", .type = MC_CONF_T_DEBUG, .def = "", .flags = MC_CONF_F_LIVE },
};

static const struct mc_conf_opt network_opts[] = {
	{ .name = "ap_ssid", .type = MC_CONF_T_STR, .min = 1, .max = 32,
	  .def = "LibreMesh.org", .flags = MC_CONF_F_LITERAL },
	{ .name = "main_ipv4_address", .type = MC_CONF_T_IPV4,
	  .def = "10.%N1.%M5.%M6/16" },
	{ .name = "main_ipv6_address", .type = MC_CONF_T_IPV6,
	  .def = "fd%N1:%N2%N3:%N4%N5::%M5%M6/64" },
	{ .name = "anygw_ipv4", .type = MC_CONF_T_IPV4, .def = "10.%N1.0.1/16" },
	{ .name = "anygw_ipv6", .type = MC_CONF_T_IPV6,
	  .def = "fd%N1:%N2%N3:%N4%N5::1/64" },
	{ .name = "anygw_mac", .type = MC_CONF_T_MAC, .def = "aa:aa:aa:%N1:%N2:aa" },
	/* 'auto': 29 + ((N1 - 13) mod 256), LibreMesh's (mc_conf_cloud_vid) */
	{ .name = "batadv_vlan", .type = MC_CONF_T_INT_AUTO, .min = 0, .max = 4094,
	  .def = "auto" },
	/* LibreMesh's list protocols: what runs (batadv, anygw, softmesh's
	 * l3route; empty: all of softmesh), batadv:VID the cloud VLAN
	 * (conf_finish.c) */
	{ .name = "protocols", .type = MC_CONF_T_STR, .min = 1, .max = 32,
	  .flags = MC_CONF_F_LIST | MC_CONF_F_LITERAL },
	/* l3routed announces the offer, l2meshd puts it in batman's GW TVLV */
	{ .name = "gateway", .type = MC_CONF_T_BOOL, .def = "0" },
	/* the WAN check (common/wancheck.c) of l3routed's offer and of
	 * l2meshd's babeld default route */
	{ .name = "gateway_check", .type = MC_CONF_T_ADDR, .def = "",
	  .flags = MC_CONF_F_LIVE },
	/* batman-adv's default offer; 'auto' in a file means this default */
	{ .name = "gateway_bandwidth", .type = MC_CONF_T_GWBW,
	  .def = "10mbit/2mbit", .flags = MC_CONF_F_LIVE },
};

static const struct mc_conf_opt net_opts[] = {
	{ .name = "linux_name", .type = MC_CONF_T_IFNAME, .flags = MC_CONF_F_REQUIRED },
	/* without it, LibreMesh's protocols give it (conf_finish.c) */
	{ .name = "role", .type = MC_CONF_T_ENUM, .words = roles },
	/* LibreMesh's per-port protocols (batadv:%N1, babeld:17, lan, wan...) */
	{ .name = "protocols", .type = MC_CONF_T_STR, .min = 1, .max = 32,
	  .flags = MC_CONF_F_LIST | MC_CONF_F_LITERAL },
	{ .name = "wireless", .type = MC_CONF_T_BOOL, .def = "0" },
	/* l2meshd: TCP super-frames may cross this mesh port whole (a veth
	 * to another softmesh node; doc/l2meshd.md#data-path) */
	{ .name = "super_frames", .type = MC_CONF_T_BOOL, .def = "0" },
	{ .name = "rate", .type = MC_CONF_T_RATE },
	{ .name = "mtu", .type = MC_CONF_T_INT, .min = 576, .max = 9000 },
};

static const struct mc_conf_sec shared_secs[] = {
	{ "lime", "system", system_opts, CONF_ARRAY_LEN(system_opts) },
	{ "lime", "network", network_opts, CONF_ARRAY_LEN(network_opts) },
	{ "net", NULL, net_opts, CONF_ARRAY_LEN(net_opts) },
};

const struct mc_conf_part mc_conf_part_shared = {
	.name = "shared", .secs = shared_secs, .nsecs = CONF_ARRAY_LEN(shared_secs),
};
