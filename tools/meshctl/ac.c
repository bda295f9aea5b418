/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meshctl's anycastd commands: the leases table, and the dhcp, dns and ra
 * counters (dnsmasq has no such view; the shapes follow batctl's
 * statistics).
 */
#include <stdio.h>

#include "tools/meshctl/meshctl.h"

static const struct tbl_col lease_cols[] = {
	{ "MAC", "mac", TBL_STR },
	{ "IP", "ip", TBL_STR },
	{ "Hostname", "hostname", TBL_STR },
	{ "Expires", "expires_s", TBL_DURATION },
	{ "State", "state", TBL_STR },
	{ "Node", "node", TBL_STR },
};

const struct mc_table ac_tables[] = {
	{ "leases", "dl", "leases", lease_cols, sizeof(lease_cols) / sizeof(lease_cols[0]),
	  "DHCP leases this node gave (anycastd)" },
};
const unsigned ac_ntables = sizeof(ac_tables) / sizeof(ac_tables[0]);

/* "\tname: value" per counter, a list as "a, b" (batctl statistics).
 * A reply without an object (a daemon of another version) shows none. */
static void print_counters(json_object *data)
{
	if (!json_object_is_type(data, json_type_object))
		return;
	json_object_object_foreach(data, key, val) {
		if (json_object_is_type(val, json_type_array)) {
			printf("\t%s:", key);
			for (size_t i = 0; i < json_object_array_length(val); i++)
				printf("%s %s", i ? "," : "",
				       json_object_get_string(json_object_array_get_idx(val, i)));
			printf("%s\n", json_object_array_length(val) ? "" : " none");
		} else {
			printf("\t%s: %lld\n", key, (long long)json_object_get_int64(val));
		}
	}
}

int mc_run_counters(const struct opts *o, int argc, char **argv, const char *daemon,
		    const char *cmd)
{
	json_object *req, *data = NULL;
	struct opts lo;
	int rc, first;

	if ((rc = mc_args_simple(o, argc, argv, 0, 0, &lo, &first)) >= 0)
		return rc;
	req = mc_request(cmd);
	rc = mc_call(&lo, daemon, req, &data, false);
	json_object_put(req);
	if (rc == 0 && lo.json)
		mc_print_json(data);
	else if (rc == 0)
		print_counters(data);
	json_object_put(data);
	return rc;
}

/* meshctl dhcp|dns|ra [--json]: anycastd's command of that name. */
int cmd_ac_counters(const struct opts *o, int argc, char **argv)
{
	return mc_run_counters(o, argc, argv, "anycastd", argv[0]);
}
