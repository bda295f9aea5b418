/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meshctl's l2mesh commands, in batctl's shapes: the tables (o, n, tl, tg,
 * gwl, if) and statistics. ping and traceroute are in probe.c.
 */
#include <stdio.h>

#include "tools/meshctl/meshctl.h"

static const struct tbl_col orig_cols[] = {
	{ " ", "best", TBL_BOOL_STAR },
	{ "Originator", "originator", TBL_STR },
	{ "last-seen", "last_seen_ms", TBL_SECS },
	{ "(#/255)", "tq", TBL_TQ },
	{ "Nexthop", "nexthop", TBL_STR },
	{ "[outgoingIF]", "ifname", TBL_STR },
};

static const struct tbl_col neigh_cols[] = {
	{ "IF", "ifname", TBL_STR },
	{ "Neighbor", "neighbor", TBL_STR },
	{ "last-seen", "last_seen_ms", TBL_SECS },
};

static const struct tbl_col tl_cols[] = {
	{ "Client", "client", TBL_STR },
	{ "VID", "vid", TBL_INT },
	{ "Flags", "flags", TBL_STR },
	{ "Last seen", "last_seen_ms", TBL_SECS },
	{ "(CRC       )", "crc", TBL_STR },
};

static const struct tbl_col tg_cols[] = {
	{ " ", "best", TBL_BOOL_STAR },
	{ "Client", "client", TBL_STR },
	{ "VID", "vid", TBL_INT },
	{ "Flags", "flags", TBL_STR },
	{ "Last ttvn", "last_ttvn", TBL_INT },
	{ "Via", "originator", TBL_STR },
	{ "ttvn", "orig_ttvn", TBL_INT },
	{ "(CRC       )", "crc", TBL_STR },
};

static const struct tbl_col gw_cols[] = {
	{ " ", "best", TBL_BOOL_STAR },
	{ "Router", "router", TBL_STR },
	{ "( TQ)", "tq", TBL_TQ },
	{ "Next Hop", "nexthop", TBL_STR },
	{ "[outgoingIf]", "ifname", TBL_STR },
	{ "Bandwidth", "bandwidth", TBL_STR },
};

static const struct tbl_col if_cols[] = {
	{ "IF", "ifname", TBL_STR },
	{ "role", "role", TBL_STR },
	{ "status", "status", TBL_STR },
	{ "MTU", "mtu", TBL_INT },
	{ "VLAN", "vid", TBL_INT },
	{ "MAC", "mac", TBL_STR },
	{ "rx", "rx_frames", TBL_INT },
	{ "tx", "tx_frames", TBL_INT },
	{ "rxDropped", "rx_dropped", TBL_INT },
	{ "txErrors", "tx_errors", TBL_INT },
};

#define COLS(c) c, sizeof(c) / sizeof(c[0])

const struct mc_table l2_tables[] = {
	{ "originators", "o", "originators", COLS(orig_cols), "originators (BATMAN IV): * marks the best next hop" },
	{ "neighbors", "n", "neighbors", COLS(neigh_cols), "one-hop neighbours per mesh port" },
	{ "translocal", "tl", "translocal", COLS(tl_cols), "local translation table (clients of this node)" },
	{ "transglobal", "tg", "transglobal", COLS(tg_cols), "global translation table (clients of other nodes)" },
	{ "gateways", "gwl", "gateways", COLS(gw_cols), "batman gateways (GW TVLV)" },
	{ "interface", "if", "interface", COLS(if_cols), "mesh and local ports" },
};
const unsigned l2_ntables = sizeof(l2_tables) / sizeof(l2_tables[0]);

/* The batctl banner over every l2 table, from l2meshd's status. */
void l2_banner(const struct opts *o)
{
	json_object *req = mc_request("status"), *st = NULL, *v;
	char buf[160] = "";

	if (mc_call(o, "l2meshd", req, &st, true) == 0) {
		snprintf(buf, sizeof(buf), "[softmesh %s, MainIF/MAC: bat0/%s (vid %d, BATMAN_IV)]",
			 json_object_object_get_ex(st, "version", &v) ? json_object_get_string(v) : "?",
			 json_object_object_get_ex(st, "originator", &v) ? json_object_get_string(v) : "?",
			 json_object_object_get_ex(st, "vid", &v) ? json_object_get_int(v) : 0);
		puts(buf);
	}
	json_object_put(st);
	json_object_put(req);
}

int cmd_statistics(const struct opts *o, int argc, char **argv)
{
	return mc_run_counters(o, argc, argv, "l2meshd", "statistics");
}
