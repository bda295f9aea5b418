/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * leasesyncd's own options (doc/config.md, doc/leasesync.md), in lime
 * network next to the other daemons'. alfred's command line maps to them:
 * -m to leasesync_mode, -i to leasesync_interface, -u to leasesync_socket,
 * -p to leasesync_sync_period_ms.
 */
#include "leasesync/lsconf.h"

static const char *const modes[] = { "primary", "secondary", NULL };

static const struct mc_conf_opt network_opts[] = {
	/* alfred's -m: a primary keeps the cloud's records and syncs them
	 * with the other primaries; a secondary only pushes its own to one */
	{ .name = "leasesync_mode", .type = MC_CONF_T_ENUM, .words = modes,
	  .def = "primary" },
	/* the interface the cloud is reached on (ff02::1 there) */
	{ .name = "leasesync_interface", .type = MC_CONF_T_IFNAME, .def = "bat0" },
	/* alfred's unix socket, where `alfred -s/-r/-E...` finds it */
	{ .name = "leasesync_socket", .type = MC_CONF_T_PATH,
	  .def = "/var/run/alfred.sock" },
	/* alfred's -p (ALFRED_INTERVAL 10 s) */
	{ .name = "leasesync_sync_period_ms", .type = MC_CONF_T_INT, .min = 100,
	  .max = 600000, .def = "10000" },
	/* a change is pushed at once, but at most this often (0: at once) */
	{ .name = "leasesync_push_min_ms", .type = MC_CONF_T_INT, .min = 0, .max = 60000,
	  .def = "200" },
	/* records kept in all, and the data bytes of one */
	{ .name = "leasesync_max_records", .type = MC_CONF_T_INT, .min = 16,
	  .max = 1000000, .def = "8192" },
	{ .name = "leasesync_max_record_len", .type = MC_CONF_T_INT, .min = 64,
	  .max = 65000, .def = "16384" },
	/* where this node's own records survive a restart (leasesyncd.records) */
	{ .name = "leasesync_state_dir", .type = MC_CONF_T_PATH,
	  .def = "/var/lib/softmesh" },
};

static const struct mc_conf_sec ls_secs[] = {
	{ "lime", "network", network_opts, sizeof(network_opts) / sizeof(network_opts[0]) },
};

const struct mc_conf_part ls_conf_part = {
	.name = "leasesyncd", .secs = ls_secs, .nsecs = sizeof(ls_secs) / sizeof(ls_secs[0]),
};
