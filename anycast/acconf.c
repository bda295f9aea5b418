/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * anycastd's own options (doc/config.md, doc/anycastd.md). The addresses
 * it serves are l2meshd's (anygw_ipv4, anygw_ipv6, anygw_mac) and the
 * domain is the shared `domain` of lime system.
 */
#include "anycast/acconf.h"

static const struct mc_conf_opt network_opts[] = {
	/* LibreMesh's anygw dnsmasq: leasetime 1h */
	{ .name = "dhcp_lease_time", .type = MC_CONF_T_INT, .min = 120, .max = 604800,
	  .def = "3600" },
	/* option 26 and the RA's MTU option; LibreMesh's 1350 leaves room
	 * for the mesh's headers on 1500-byte links; IPv6 needs 1280 */
	{ .name = "client_mtu", .type = MC_CONF_T_INT, .min = 1280, .max = 9000,
	  .def = "1350" },
	/* how long an ARP probe of a new address waits (0: no probe) */
	{ .name = "dhcp_probe_ms", .type = MC_CONF_T_INT, .min = 0, .max = 5000,
	  .def = "300" },
	/* addresses never leased, besides the anycast and node addresses:
	 * meshlab's static clients sit in 10.N1.250.0/24 */
	{ .name = "dhcp_reserved", .type = MC_CONF_T_PREFIX },
	/* LibreMesh's DHCP range: the pool is network + start ..
	 * network + start + limit - 1; limit 0 runs to the last address
	 * before the broadcast (checked against the network in conf_finish.c) */
	{ .name = "anygw_dhcp_start", .type = MC_CONF_T_INT, .min = 1, .max = 16777214,
	  .def = "2" },
	{ .name = "anygw_dhcp_limit", .type = MC_CONF_T_INT, .min = 0, .max = 16777214,
	  .def = "0" },
	/* MaxRtrAdvInterval, seconds (RFC 4861: 4..1800) */
	{ .name = "ra_interval", .type = MC_CONF_T_INT, .min = 4, .max = 1800,
	  .def = "600" },
	/* resolvers names are forwarded to; none: those of /etc/resolv.conf */
	{ .name = "dns_upstream", .type = MC_CONF_T_ADDR, .flags = MC_CONF_F_LIST },
	/* where the leases survive a restart (anycastd.leases) */
	{ .name = "anycast_state_dir", .type = MC_CONF_T_PATH,
	  .def = "/var/lib/softmesh" },
};

static const struct mc_conf_sec ac_secs[] = {
	{ "lime", "network", network_opts, sizeof(network_opts) / sizeof(network_opts[0]) },
};

const struct mc_conf_part ac_conf_part = {
	.name = "anycastd", .secs = ac_secs, .nsecs = sizeof(ac_secs) / sizeof(ac_secs[0]),
};
