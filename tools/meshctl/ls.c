/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meshctl's leasesyncd command (doc/leasesync.md): `meshctl sync` shows
 * what `alfred -S` does and what it holds; `sync peers` the nodes heard;
 * `sync records [TYPE]` the records, as `alfred -r` would print the data;
 * `sync counters` its counters (batctl statistics' shape).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/meshctl/meshctl.h"

static const struct tbl_col peer_cols[] = {
	{ "Address", "address", TBL_STR },
	{ "MAC", "mac", TBL_STR },
	{ "P", "primary", TBL_BOOL_STAR },
	{ "Best", "best", TBL_BOOL_STAR },
	{ "Last-seen", "last_rx_ms", TBL_SECS },
	{ "Packets", "rx_packets", TBL_INT },
	{ "Records", "rx_records", TBL_INT },
};

static const struct tbl_col rec_cols[] = {
	{ "Source", "source", TBL_STR },
	{ "Type", "type", TBL_INT },
	{ "Ver", "version", TBL_INT },
	{ "Origin", "origin", TBL_STR },
	{ "Age", "age_ms", TBL_SECS },
	{ "Len", "len", TBL_INT },
	{ "Data", "data", TBL_STR },
};

static const char *str(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

static long long num(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? (long long)json_object_get_int64(v) : 0;
}

static void print_summary(json_object *d)
{
	json_object *types, *v;
	bool first = true;

	printf("leasesyncd on %s (%s): %s", str(d, "interface"),
	       json_object_object_get_ex(d, "active", &v) && json_object_get_boolean(v) ?
	       "active" : "waiting for it", str(d, "mode"));
	if (*str(d, "mac"))
		printf(", source %s, from %s", str(d, "mac"), str(d, "address"));
	printf("\nsocket: %s\n", str(d, "socket"));
	printf("records: %lld (%lld bytes)", num(d, "records"), num(d, "bytes"));
	if (json_object_object_get_ex(d, "types", &types) &&
	    json_object_is_type(types, json_type_object)) {
		json_object_object_foreach(types, k, n) {
			printf("%s type %s: %lld", first ? " -" : ",", k,
			       (long long)json_object_get_int64(n));
			first = false;
		}
	}
	printf("\npeers: %lld, primaries: %lld\n", num(d, "peers"), num(d, "primaries"));
}

static void print_counters(json_object *d)
{
	json_object *c;

	if (!json_object_object_get_ex(d, "counters", &c) ||
	    !json_object_is_type(c, json_type_object))
		return;
	json_object_object_foreach(c, k, v)
		printf("\t%s: %lld\n", k, (long long)json_object_get_int64(v));
}

/* meshctl sync [peers|records [TYPE]|counters] [--json] */
int cmd_sync(const struct opts *o, int argc, char **argv)
{
	char err[MC_ARGS_ERRLEN];
	const char *what;
	json_object *req, *data = NULL;
	struct opts lo;
	int rc, first;
	long type = -1;

	if ((rc = mc_args_simple(o, argc, argv, 0, 2, &lo, &first)) >= 0)
		return rc;
	what = first < argc ? argv[first] : "";
	if (first + 1 < argc) {
		char *end;

		type = strtol(argv[first + 1], &end, 0);
		if (strcmp(what, "records") || *end || type < 0 || type > 255) {
			snprintf(err, sizeof(err), "sync: '%s' is no record type (0..255)",
				 argv[first + 1]);
			return mc_args_exit(-EINVAL, err, argv[0]);
		}
	}
	if (!*what || !strcmp(what, "counters")) {
		req = mc_request("sync");
	} else if (!strcmp(what, "peers")) {
		req = mc_request("peers");
	} else if (!strcmp(what, "records")) {
		req = mc_request("records");
		if (type >= 0)
			json_object_object_add(req, "type", json_object_new_int((int)type));
	} else {
		snprintf(err, sizeof(err), "sync: unknown view '%s'", what);
		return mc_args_exit(-EINVAL, err, argv[0]);
	}
	rc = mc_call(&lo, "leasesyncd", req, &data, false);
	json_object_put(req);
	if (rc == 0 && !data)
		data = json_object_new_object();
	if (rc == 0 && lo.json)
		mc_print_json(data);
	else if (rc == 0 && !*what)
		print_summary(data);
	else if (rc == 0 && !strcmp(what, "counters"))
		print_counters(data);
	else if (rc == 0 && !strcmp(what, "peers"))
		tbl_print(stdout, peer_cols, sizeof(peer_cols) / sizeof(peer_cols[0]), data);
	else if (rc == 0)
		tbl_print(stdout, rec_cols, sizeof(rec_cols) / sizeof(rec_cols[0]), data);
	json_object_put(data);
	return rc;
}
