/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meshctl's l3route commands, in the spirit of bmx7 -c: links, originators,
 * routes, descriptions, status and the smart gateways (gw) over l3routed's
 * control socket. --json
 * prints the daemon's rows as they came; the plain tables add display
 * columns (bandwidth from cost, "name/ifname" next hops) on this side.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tools/meshctl/meshctl.h"

#define L3D "l3routed"

static const struct tbl_col link_cols[] = {
	{ "ifname", "ifname", TBL_STR },
	{ "neighbour", "short_id", TBL_STR },
	{ "name", "hostname", TBL_STR },
	{ "linkLocal", "link_local", TBL_STR },
	{ "rq", "rq", TBL_INT },
	{ "tq", "tq", TBL_INT },
	{ "rate", "_rate", TBL_STR },
	{ "bandwidth", "_bw", TBL_STR },
	{ "lastSeen", "last_seen_ms", TBL_SECS },
};

static const struct tbl_col orig_cols[] = {
	{ "shortId", "short_id", TBL_STR },
	{ "name", "hostname", TBL_STR },
	{ "trust", "trust", TBL_STR },
	{ "dseq", "dseq", TBL_INT },
	{ "seqno", "seqno", TBL_INT },
	{ "metric", "_bw", TBL_STR },
	{ "hops", "hops", TBL_INT },
	{ "viaNode", "_via", TBL_STR },
	{ "descAge", "desc_age_ms", TBL_SECS },
};

static const struct tbl_col route_cols[] = {
	{ "dst", "dst", TBL_STR },
	{ "announcer", "_name", TBL_STR },
	{ "metric", "_bw", TBL_STR },
	{ "dev", "ifname", TBL_STR },
	{ "nextHop", "via", TBL_STR },
	{ "flags", "_flags", TBL_STR },
};

static const struct tbl_col desc_cols[] = {
	{ "shortId", "short_id", TBL_STR },
	{ "name", "hostname", TBL_STR },
	{ "dseq", "dseq", TBL_INT },
	{ "size", "size", TBL_INT },
	{ "prefixes", "_prefixes", TBL_STR },
	{ "gateways", "_gateways", TBL_STR },
};

#define COLS(c) c, sizeof(c) / sizeof(c[0])

const struct mc_table l3_tables[] = {
	{ "links", NULL, "links", COLS(link_cols), "l3route one-hop links (bmx7 links)" },
	{ "originators", "o", "originators", COLS(orig_cols), "l3route nodes: trust, metric, next hop (meshctl l3 o)" },
	{ "routes", NULL, "routes", COLS(route_cols), "l3route routes in the kernel table" },
	{ "descriptions", NULL, "descriptions", COLS(desc_cols), "signed node descriptions: prefixes, gateway offers" },
};
const unsigned l3_ntables = sizeof(l3_tables) / sizeof(l3_tables[0]);

/* kbit/s as "812M", "54M", "5.5M", "1G": bmx7's way of showing bandwidth. */
static void fmt_kbit(char *buf, size_t len, double kbit)
{
	static const char *const unit[] = { "K", "M", "G", "T" };
	unsigned u = 0;

	while (kbit >= 1000.0 && u < 3) {
		kbit /= 1000.0;
		u++;
	}
	snprintf(buf, len, kbit >= 99.95 ? "%.0f%s" : "%.3g%s", kbit, unit[u]);
}

/* s NULL (the reply lacks the field it comes from): the cell shows "-". */
static void set_str(json_object *row, const char *key, const char *s)
{
	if (s)
		json_object_object_add(row, key, json_object_new_string(s));
}

/* A path cost is 1e9 / bandwidth in kbit/s (doc/l3route-routing.md). */
static void add_bw(json_object *row, const char *key)
{
	json_object *v;
	char buf[32];

	if (!json_object_object_get_ex(row, key, &v) || !json_object_is_type(v, json_type_int))
		return;
	int64_t cost = json_object_get_int64(v);
	if (cost <= 0)
		snprintf(buf, sizeof(buf), "inf");
	else
		fmt_kbit(buf, sizeof(buf), 1e9 / (double)cost);
	set_str(row, "_bw", buf);
}

static const char *get_str(json_object *row, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(row, key, &v) ? json_object_get_string(v) : NULL;
}

static void fix_link(json_object *row)
{
	json_object *v;
	char buf[32];

	add_bw(row, "cost");
	if (json_object_object_get_ex(row, "rate_kbit", &v)) {
		fmt_kbit(buf, sizeof(buf), (double)json_object_get_int64(v));
		set_str(row, "_rate", buf);
	}
}

static void fix_orig(json_object *row)
{
	const char *via = get_str(row, "via"), *dev = get_str(row, "ifname");
	char buf[96];

	add_bw(row, "metric");
	if (via && dev) {
		snprintf(buf, sizeof(buf), "%s/%s", via, dev);
		set_str(row, "_via", buf);
	}
}

static void fix_route(json_object *row)
{
	const char *name = get_str(row, "hostname");
	json_object *v;
	char flags[96] = "";

	add_bw(row, "metric");
	set_str(row, "_name", name && *name ? name : get_str(row, "short_id"));
	if (json_object_object_get_ex(row, "anycast", &v) && json_object_get_boolean(v))
		strcat(flags, "anycast ");
	if (json_object_object_get_ex(row, "installed", &v) && !json_object_get_boolean(v))
		strcat(flags, "not-installed ");
	if (json_object_object_get_ex(row, "conflict", &v)) {
		/* "conflict:thief" (+N when more nodes claim it) */
		const char *who = get_str(v, "hostname");
		int more = json_object_get_int(json_object_object_get(v, "others")) - 1;
		size_t off = strlen(flags);

		off += (size_t)snprintf(flags + off, sizeof(flags) - off, "conflict:%s",
					who && *who ? who : "?");
		if (more > 0 && off < sizeof(flags))
			snprintf(flags + off, sizeof(flags) - off, "+%d", more);
	}
	set_str(row, "_flags", flags);
}

/* "10.13.11.12, 10.13.0.0/16*" (* = anycast); gateways "0.0.0.0/0 10M/2M". */
static void join_list(json_object *row, const char *key, const char *out, bool gw)
{
	json_object *a;
	char buf[512] = "", one[96], d[16], u[16];
	size_t off = 0;

	if (!json_object_object_get_ex(row, key, &a) || !json_object_is_type(a, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(a) && off < sizeof(buf); i++) {
		json_object *e = json_object_array_get_idx(a, i), *v;
		const char *p = get_str(e, "prefix");
		if (gw) {
			fmt_kbit(d, sizeof(d), (double)json_object_get_int64(json_object_object_get(e, "down_kbit")));
			fmt_kbit(u, sizeof(u), (double)json_object_get_int64(json_object_object_get(e, "up_kbit")));
			snprintf(one, sizeof(one), "%s %s/%s", p ? p : "?", d, u);
		} else {
			bool any = json_object_object_get_ex(e, "anycast", &v) && json_object_get_boolean(v);
			snprintf(one, sizeof(one), "%s%s", p ? p : "?", any ? "*" : "");
		}
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? ", " : "", one);
	}
	set_str(row, out, off ? buf : "-");
}

static void fix_desc(json_object *row)
{
	join_list(row, "prefixes", "_prefixes", false);
	join_list(row, "gateways", "_gateways", true);
}

static void fix_rows(const struct mc_table *t, json_object *rows)
{
	void (*fix)(json_object *) = t->cols == link_cols ? fix_link :
				     t->cols == orig_cols ? fix_orig :
				     t->cols == route_cols ? fix_route : fix_desc;

	for (size_t i = 0; i < json_object_array_length(rows); i++)
		if (json_object_is_type(json_object_array_get_idx(rows, i), json_type_object))
			fix(json_object_array_get_idx(rows, i));
}

int l3_run_table(const struct opts *o, const struct mc_table *t)
{
	json_object *req = mc_request(t->cmd), *rows = NULL;
	int rc = mc_call(o, L3D, req, &rows, false);

	json_object_put(req);
	if (rc == 0 && !json_object_is_type(rows, json_type_array)) {
		json_object_put(rows);
		rows = json_object_new_array();
	}
	if (rc == 0 && o->json) {
		mc_print_json(rows);
	} else if (rc == 0) {
		fix_rows(t, rows);
		tbl_print(stdout, t->cols, t->ncols, rows);
	}
	json_object_put(rows);
	return rc;
}

static void print_field(json_object *st, const char *label, const char *key)
{
	json_object *v;

	if (json_object_object_get_ex(st, key, &v))
		printf("%-14s %s\n", label, json_object_get_string(v));
}

static const struct tbl_col port_cols[] = {
	{ "port", "ifname", TBL_STR },
	{ "state", "state", TBL_STR },
	{ "rx", "rx_packets", TBL_INT },
	{ "tx", "tx_packets", TBL_INT },
	{ "txErrors", "tx_errors", TBL_INT },
	{ "rxNotLinkLocal", "rx_not_link_local", TBL_INT },
};

/* meshctl l3 status: bmx7 -c status's facts, the ports and every counter. */
static int l3_status(const struct opts *o)
{
	static const char *const f[][2] = {
		{ "id", "id" }, { "shortId", "short_id" }, { "name", "hostname" },
		{ "address", "address" }, { "dseq", "dseq" }, { "seqno", "seqno" },
		{ "chainLen", "chain_len" }, { "links", "links" },
		{ "originators", "originators" }, { "routes", "routes" },
		{ "kernelRoutes", "kernel_routes" }, { "table", "table" },
		{ "udpPort", "udp_port" }, { "version", "version" }, { "uptime_s", "uptime_s" },
	};
	json_object *req = mc_request("status"), *st = NULL, *v;
	int rc = mc_call(o, L3D, req, &st, false);

	json_object_put(req);
	if (rc == 0 && o->json) {
		mc_print_json(st);
	} else if (rc == 0) {
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			print_field(st, f[i][0], f[i][1]);
		if (json_object_object_get_ex(st, "tunnel", &v))
			print_field(v, "tunnel", "state");
		if (json_object_object_get_ex(st, "offer", &v))
			print_field(v, "gatewayOffer", "state");
		if (json_object_object_get_ex(st, "ports", &v)) {
			putchar('\n');
			tbl_print(stdout, COLS(port_cols), v);
		}
		if (json_object_object_get_ex(st, "stats", &v) &&
		    json_object_is_type(v, json_type_object)) {
			printf("\ncounters:\n");
			json_object_object_foreach(v, key, val)
				printf("\t%s: %lld\n", key, (long long)json_object_get_int64(val));
		}
	}
	json_object_put(st);
	return rc;
}

/* ------------------------------------------------------ smart gateways */

static const struct tbl_col gw_cols[] = {
	{ "sel", "selected", TBL_BOOL_STAR },
	{ "family", "family", TBL_STR },
	{ "shortId", "short_id", TBL_STR },
	{ "name", "hostname", TBL_STR },
	{ "down", "_down", TBL_STR },
	{ "up", "_up", TBL_STR },
	{ "path", "_path", TBL_STR },
	{ "score", "_score", TBL_STR },
	{ "rank", "_rank", TBL_STR },
	{ "txPkts", "tx_packets", TBL_INT },
	{ "why", "why", TBL_STR },
};

static void set_kbit(json_object *row, const char *key, const char *out)
{
	json_object *v;
	char buf[32] = "-";

	if (json_object_object_get_ex(row, key, &v) && json_object_is_type(v, json_type_int))
		fmt_kbit(buf, sizeof(buf), (double)json_object_get_int64(v));
	set_str(row, out, buf);
}

static void fix_gw(json_object *row)
{
	json_object *v;
	bool self = json_object_object_get_ex(row, "self", &v) && json_object_get_boolean(v);
	int64_t rank = json_object_object_get_ex(row, "rank", &v) ? json_object_get_int64(v) : 0;
	char buf[16];

	set_kbit(row, "down_kbit", "_down");
	set_kbit(row, "up_kbit", "_up");
	set_kbit(row, "path_kbit", "_path");
	set_kbit(row, "score", "_score");
	if (self)
		set_str(row, "_path", "self");
	else if (json_object_object_get_ex(row, "path_kbit", &v) && !v)
		set_str(row, "_path", "unreach");
	snprintf(buf, sizeof(buf), "%lld", (long long)rank);
	set_str(row, "_rank", rank ? buf : "-");
	if (!rank)
		set_str(row, "_score", "-");
}

static const char *jget(json_object *o, const char *k, const char *def)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) && v ? json_object_get_string(v) : def;
}

/* "preference auto (config); tunnel smtun up: IPv4 via g1, IPv6 none" */
static void gw_header(json_object *d)
{
	json_object *t = json_object_object_get(d, "tunnel");
	json_object *of = json_object_object_get(d, "offer"), *v;
	char d_[16], u_[16];

	const char *g4 = jget(t, "ipv4", NULL), *g6 = jget(t, "ipv6", NULL);

	printf("preference %s (%s); tunnel %s %s: IPv4 %s%s, IPv6 %s%s\n",
	       jget(d, "preference", "?"), jget(d, "preference_source", "?"),
	       jget(t, "device", "?"), jget(t, "state", "?"), g4 ? "via " : "none",
	       g4 ? g4 : "", g6 ? "via " : "none", g6 ? g6 : "");
	if (!json_object_object_get_ex(of, "gateway", &v) || !json_object_get_boolean(v)) {
		printf("offer: off (not a gateway)\n");
		return;
	}
	fmt_kbit(d_, sizeof(d_), (double)json_object_get_int64(json_object_object_get(of, "down_kbit")));
	fmt_kbit(u_, sizeof(u_), (double)json_object_get_int64(json_object_object_get(of, "up_kbit")));
	printf("offer: %s %s/%s%s, WAN %s%s%s: %s\n", jget(of, "state", "?"), d_, u_,
	       json_object_get_boolean(json_object_object_get(of, "ipv6")) ? " (IPv4+IPv6)" : "",
	       json_object_to_json_string_ext(json_object_object_get(of, "wan"),
					      JSON_C_TO_STRING_PLAIN),
	       *jget(of, "check", "") ? ", check " : "", jget(of, "check", ""),
	       jget(of, "why", ""));
}

static int gw_show(const struct opts *o)
{
	json_object *req = mc_request("gateways"), *d = NULL, *rows;
	int rc = mc_call(o, L3D, req, &d, false);

	json_object_put(req);
	if (rc == 0 && o->json) {
		mc_print_json(d);
	} else if (rc == 0) {
		gw_header(d);
		if (!json_object_object_get_ex(d, "gateways", &rows) ||
		    !json_object_is_type(rows, json_type_array))
			rows = NULL;
		for (size_t i = 0; rows && i < json_object_array_length(rows); i++)
			if (json_object_is_type(json_object_array_get_idx(rows, i), json_type_object))
				fix_gw(json_object_array_get_idx(rows, i));
		if (rows && json_object_array_length(rows))
			tbl_print(stdout, COLS(gw_cols), rows);
		else
			printf("no gateway offers known\n");
	}
	json_object_put(d);
	return rc;
}

/* l3routed's warning (a known node that offers no gateway now) on stderr */
static void gw_warning(json_object *d)
{
	const char *w = jget(d, "warning", NULL);

	if (w)
		fprintf(stderr, "meshctl: warning: %s\n", w);
}

static int gw_prefer(const struct opts *o, const char *who)
{
	json_object *req = mc_request("gw_prefer"), *d = NULL;
	int rc;

	if (who)
		json_object_object_add(req, "who", json_object_new_string(who));
	else
		json_object_object_add(req, "reset", json_object_new_boolean(true));
	rc = mc_call(o, L3D, req, &d, false);
	json_object_put(req);
	if (rc == 0)
		gw_warning(d);
	if (rc == 0 && o->json)
		mc_print_json(d);
	else if (rc == 0)
		printf("preference %s (%s)\n", jget(d, "preference", "?"),
		       jget(d, "preference_source", "?"));
	json_object_put(d);
	return rc;
}

/* meshctl gateways|gw [--json] [prefer NAME|auto | reset] */
int cmd_gw(const struct opts *o, int argc, char **argv)
{
	struct mc_args_gw a;
	char err[MC_ARGS_ERRLEN];
	struct opts lo = *o;
	int rc = mc_args_gw(argc, argv, &a, err, sizeof(err));

	if ((rc = mc_args_exit(rc, err, argv[0])) >= 0)
		return rc;
	lo.json |= a.json;
	switch (a.action) {
	case MC_GW_PREFER: return gw_prefer(&lo, a.who);
	case MC_GW_RESET: return gw_prefer(&lo, NULL);
	default: return gw_show(&lo);
	}
}

/* meshctl l3 originators|o|status|links|routes|descriptions [--json] */
int cmd_l3(const struct opts *o, int argc, char **argv)
{
	char err[MC_ARGS_ERRLEN];
	struct opts lo;
	int rc, first;

	if ((rc = mc_args_simple(o, argc, argv, 1, 1, &lo, &first)) >= 0)
		return rc;
	if (!strcmp(argv[first], "status"))
		return l3_status(&lo);
	for (unsigned i = 0; i < l3_ntables; i++)
		if (!strcmp(argv[first], l3_tables[i].name) ||
		    (l3_tables[i].alias && !strcmp(argv[first], l3_tables[i].alias)))
			return l3_run_table(&lo, &l3_tables[i]);
	snprintf(err, sizeof(err), "l3: unknown table '%s'", argv[first]);
	return mc_args_exit(-EINVAL, err, argv[0]);
}
