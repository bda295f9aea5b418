/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meshctl: the one CLI of softmesh. It talks only to the daemons' control
 * sockets ($rundir/<daemon>.sock, doc/control.md) and prints batctl /
 * bmx7 -c style tables, or the daemons' JSON with --json.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/meshctl/meshctl.h"

#define CALL_TIMEOUT_MS 5000

static const char *const daemons[] = {
	"l2meshd", "l3routed", "anycastd", "leasesyncd", "webuid",
};
#define N_DAEMONS (sizeof(daemons) / sizeof(daemons[0]))

void mc_print_json(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
}

const char *mc_open_error(int rc)
{
	switch (-rc) {
	case ENOENT: return "not running (no control socket)";
	case ECONNREFUSED: return "not running (stale control socket)";
	case EACCES: return "permission denied on control socket";
	default: return strerror(-rc);
	}
}

/*
 * Sends req to daemon and returns its reply's "data" in *data (a new
 * reference) or prints the error. Exit code style return.
 */
int mc_call(const struct opts *o, const char *daemon, json_object *req,
	    json_object **data, bool quiet)
{
	struct mc_ctl_client *c;
	json_object *reply = NULL, *ok, *v;
	int rc = mc_ctl_client_open(&c, o->rundir, daemon);

	*data = NULL;
	if (rc < 0) {
		if (!quiet)
			fprintf(stderr, "meshctl: %s: %s\n", daemon, mc_open_error(rc));
		return EXIT_NOT_RUNNING;
	}
	rc = mc_ctl_client_call(c, req, &reply, o->timeout_ms);
	mc_ctl_client_close(c);
	if (rc < 0) {
		fprintf(stderr, "meshctl: %s: %s\n", daemon,
			rc == -ETIMEDOUT ? "no answer (timeout)" : strerror(-rc));
		return 1;
	}
	if (!json_object_object_get_ex(reply, "ok", &ok) || !json_object_get_boolean(ok)) {
		fprintf(stderr, "meshctl: %s: %s\n", daemon,
			json_object_object_get_ex(reply, "error", &v) ?
			json_object_get_string(v) : "malformed reply");
		json_object_put(reply);
		return 1;
	}
	if (json_object_object_get_ex(reply, "data", &v))
		*data = json_object_get(v);
	json_object_put(reply);
	return 0;
}

json_object *mc_request(const char *cmd)
{
	json_object *req = json_object_new_object();

	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	return req;
}

static const struct tbl_col status_cols[] = {
	{ "daemon", "daemon", TBL_STR },
	{ "state", "state", TBL_STR },
	{ "pid", "pid", TBL_INT },
	{ "uptime", "uptime_s", TBL_DURATION },
	{ "version", "version", TBL_STR },
	{ "debug", "debug", TBL_STR },
};

/* One row per known daemon: its own status, or why it is not running. */
static json_object *status_row(const struct opts *o, const char *daemon, int *running)
{
	struct mc_ctl_client *c;
	json_object *req = mc_request("status"), *reply = NULL, *row = NULL, *v;
	int rc = mc_ctl_client_open(&c, o->rundir, daemon);

	if (rc == 0) {
		rc = mc_ctl_client_call(c, req, &reply, o->timeout_ms);
		mc_ctl_client_close(c);
	}
	json_object_put(req);
	if (rc == 0 && json_object_object_get_ex(reply, "data", &v) &&
	    json_object_is_type(v, json_type_object)) {
		row = json_object_get(v);
		json_object_object_add(row, "state", json_object_new_string("running"));
		(*running)++;
	} else {
		row = json_object_new_object();
		json_object_object_add(row, "daemon", json_object_new_string(daemon));
		json_object_object_add(row, "state", json_object_new_string(
			rc == -ENOENT || rc == -ECONNREFUSED ? "stopped" :
			rc == -ETIMEDOUT ? "hung" : "error"));
		if (rc < 0 && rc != -ENOENT && rc != -ECONNREFUSED)
			json_object_object_add(row, "error",
					       json_object_new_string(mc_open_error(rc)));
	}
	json_object_put(reply);
	return row;
}

static bool known_daemon(const char *name);

/* Sockets in rundir that are not softmesh's five (another tool's, a test's). */
static void status_extra(const struct opts *o, json_object *rows, int *running,
			 size_t *total)
{
	DIR *d = opendir(o->rundir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char name[256];
		if (len <= 5 || len >= sizeof(name) || strcmp(de->d_name + len - 5, ".sock"))
			continue;
		memcpy(name, de->d_name, len - 5);
		name[len - 5] = '\0';
		/* leasesyncd's alfred socket speaks alfred, not JSON (the lab
		 * puts it in the rundir) */
		if (known_daemon(name) || !strcmp(name, "alfred"))
			continue;
		json_object_array_add(rows, status_row(o, name, running));
		(*total)++;
	}
	closedir(d);
}

static int cmd_status(const struct opts *o, int argc, char **argv)
{
	json_object *rows;
	int running = 0, first, ex;
	size_t total = N_DAEMONS;
	struct opts lo;

	if ((ex = mc_args_simple(o, argc, argv, 0, 0, &lo, &first)) >= 0)
		return ex;
	rows = json_object_new_array();
	for (size_t i = 0; i < N_DAEMONS; i++)
		json_object_array_add(rows, status_row(&lo, daemons[i], &running));
	status_extra(&lo, rows, &running, &total);
	if (lo.json) {
		mc_print_json(rows);
	} else {
		printf("rundir %s: %d of %zu daemons running\n", lo.rundir, running, total);
		tbl_print(stdout, status_cols, sizeof(status_cols) / sizeof(status_cols[0]), rows);
	}
	json_object_put(rows);
	return 0;
}

static bool known_daemon(const char *name)
{
	for (size_t i = 0; i < N_DAEMONS; i++)
		if (!strcmp(name, daemons[i]))
			return true;
	return false;
}

/* A daemon argument: one of the five, or any socket name in rundir. */
static bool daemon_arg_ok(const char *name)
{
	return *name && !strchr(name, '/') && strlen(name) < 64;
}

/* A command on DAEMON [ARGS]: mc_args_simple, then argv[*first] must be a daemon. */
static int daemon_cmd_args(const struct opts *o, int argc, char **argv, int min, int max,
			   struct opts *lo, int *first)
{
	char err[MC_ARGS_ERRLEN];
	int ex = mc_args_simple(o, argc, argv, min, max, lo, first);

	if (ex >= 0 || daemon_arg_ok(argv[*first]))
		return ex;
	snprintf(err, sizeof(err), "%s: bad daemon name '%s'", argv[0], argv[*first]);
	return mc_args_exit(-EINVAL, err, argv[0]);
}

/* meshctl log DAEMON [LEVEL] [debug CATEGORIES] */
static int cmd_log(const struct opts *o, int argc, char **argv)
{
	json_object *req, *data;
	struct opts lo;
	int rc, first;

	if ((rc = daemon_cmd_args(o, argc, argv, 1, 4, &lo, &first)) >= 0)
		return rc;
	req = mc_request("log");
	for (int i = first + 1; i < argc; i++) {
		if (!strcmp(argv[i], "debug") && i + 1 < argc)
			json_object_object_add(req, "debug", json_object_new_string(argv[++i]));
		else
			json_object_object_add(req, "level", json_object_new_string(argv[i]));
	}
	rc = mc_call(&lo, argv[first], req, &data, false);
	json_object_put(req);
	if (rc == 0) {
		if (lo.json)
			mc_print_json(data);
		else
			printf("%s: level %s, debug %s\n", argv[first],
			       json_object_get_string(json_object_object_get(data, "level")),
			       json_object_get_string(json_object_object_get(data, "debug")));
	}
	json_object_put(data);
	return rc;
}

/* meshctl raw DAEMON '{"cmd":...}': one request, the reply as it came. */
static int cmd_raw(const struct opts *o, int argc, char **argv)
{
	json_object *req, *data;
	struct opts lo;
	int rc, first;

	if ((rc = daemon_cmd_args(o, argc, argv, 2, 2, &lo, &first)) >= 0)
		return rc;
	req = json_tokener_parse(argv[first + 1]);
	if (!req || !json_object_is_type(req, json_type_object)) {
		fprintf(stderr, "meshctl: raw: not a JSON object: %s\n", argv[first + 1]);
		json_object_put(req);
		return EXIT_USAGE;
	}
	rc = mc_call(&lo, argv[first], req, &data, false);
	json_object_put(req);
	if (rc == 0)
		mc_print_json(data ? data : json_object_new_null());
	json_object_put(data);
	return rc;
}

static json_object *monitor_request(int ntopics, char **topics)
{
	json_object *req = mc_request("subscribe"), *arr = json_object_new_array();

	for (int i = 0; i < ntopics; i++)
		json_object_array_add(arr, json_object_new_string(topics[i]));
	if (!ntopics)
		json_object_array_add(arr, json_object_new_string("*"));
	json_object_object_add(req, "topics", arr);
	return req;
}

/* meshctl monitor [-c N] DAEMON [TOPIC...]: print events as they come. */
static int cmd_monitor(const struct opts *o, int argc, char **argv)
{
	struct mc_args_monitor a;
	struct mc_ctl_client *c;
	char err[MC_ARGS_ERRLEN];
	json_object *req, *msg = NULL;
	int rc = mc_args_monitor(argc, argv, &a, err, sizeof(err));

	if (rc == 0 && !daemon_arg_ok(argv[a.first])) {
		snprintf(err, sizeof(err), "monitor: bad daemon name '%s'", argv[a.first]);
		rc = -EINVAL;
	}
	if ((rc = mc_args_exit(rc, err, argv[0])) >= 0)
		return rc;
	if ((rc = mc_ctl_client_open(&c, o->rundir, argv[a.first])) < 0) {
		fprintf(stderr, "meshctl: %s: %s\n", argv[a.first], mc_open_error(rc));
		return EXIT_NOT_RUNNING;
	}
	req = monitor_request(argc - a.first - 1, argv + a.first + 1);
	rc = mc_ctl_client_call(c, req, &msg, o->timeout_ms);
	json_object_put(req);
	for (long n = 0; rc == 0 && (!a.count || n < a.count); n++) {
		json_object_put(msg);
		rc = mc_ctl_client_read(c, &msg, 1 << 30);
		if (rc == 0) {
			puts(json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN));
			fflush(stdout);
		}
	}
	json_object_put(msg);
	mc_ctl_client_close(c);
	return rc < 0 ? 1 : 0;
}

static int cmd_help(const struct opts *o, int argc, char **argv);

/* A table command: rows from the daemon, plain or --json. */
static int run_table(const struct opts *o, const char *daemon, const struct mc_table *t,
		     void (*banner)(const struct opts *))
{
	json_object *req = mc_request(t->cmd), *rows = NULL;
	int rc = mc_call(o, daemon, req, &rows, false);

	json_object_put(req);
	if (rc == 0 && o->json) {
		if (!rows)	/* "data": null, or none */
			rows = json_object_new_array();
		mc_print_json(rows);
	} else if (rc == 0) {
		if (banner)
			banner(o);
		tbl_print(stdout, t->cols, t->ncols, rows);
	}
	json_object_put(rows);
	return rc;
}

static const struct command {
	const char *name, *alias;
	int (*fn)(const struct opts *, int, char **);
	const char *synopsis, *help;
	const char *details;	/* -h: the flags, one per line */
} commands[] = {
	{ "status", "st", cmd_status, "status [--json]", "state of each daemon", NULL },
	{ "log", NULL, cmd_log, "log DAEMON [LEVEL] [debug CATS] [--json]",
	  "show/set log level and debug categories", NULL },
	{ "monitor", "mon", cmd_monitor, "monitor [-c COUNT] DAEMON [TOPIC...]",
	  "stream a daemon's events (stop after COUNT)", NULL },
	{ "watch", NULL, cmd_watch, "watch [-s SECS] [--verify] [--json] DAEMON TOPIC",
	  "keep a table from a dump plus its events, print each change",
	  "  -s SECS     stop after SECS seconds (default: when interrupted)\n"
	  "  --verify    at the end, compare the table kept with a fresh dump (exit 1 if they differ)\n"
	  "  --json      at the end, print the table kept\n" },
	{ "raw", NULL, cmd_raw, "raw DAEMON JSON", "send one request, print the reply", NULL },
	{ "reload", NULL, cmd_reload, "reload [DAEMON] [--json]",
	  "re-read the config files; show what was applied, what needs a restart", NULL },
	{ "statistics", "s", cmd_statistics, "statistics [--json]",
	  "l2mesh counters, drops by reason", NULL },
	{ "ping", "p", cmd_ping, "ping [-c COUNT] [-i SECS] [-t SECS] [-m TTL] [-T] MAC|NAME|IP",
	  "batman ICMP echo to an originator, or to the one serving a client",
	  "  -c COUNT  send COUNT requests (default: until interrupted)\n"
	  "  -i SECS   start one request every SECS seconds (fractions allowed; default: -t)\n"
	  "  -t SECS   wait SECS seconds for each reply (default 1)\n"
	  "  -m TTL    hops a request may take (1..255, default 50)\n"
	  "  -T        no translation table lookup: the target must be an originator\n" },
	{ "traceroute", "tr", cmd_traceroute, "traceroute [-n] [-T] [-m MAXTTL] MAC|NAME|IP",
	  "hops to an originator, or to the one serving a client",
	  "  -n         show hops as MAC addresses, not bat-hosts names\n"
	  "  -T         no translation table lookup: the target must be an originator\n"
	  "  -m MAXTTL  give up after MAXTTL hops (1..255, default 50)\n" },
	/* before l2's tables: "gateways" is l3's; batman's list stays as gwl */
	{ "gateways", "gw", cmd_gw, "gateways [--json] [prefer NAME|auto | reset]",
	  "smart gateways: ranked offers, the choice and why; preference", NULL },
	{ "dhcp", NULL, cmd_ac_counters, "dhcp [--json]",
	  "anycastd's DHCP counters, pool size and use", NULL },
	{ "dns", NULL, cmd_ac_counters, "dns [--json]",
	  "anycastd's DNS counters and upstream resolvers", NULL },
	{ "ra", NULL, cmd_ac_counters, "ra [--json]",
	  "anycastd's router advertisement counters", NULL },
	{ "sync", NULL, cmd_sync, "sync [peers|records [TYPE]|counters] [--json]",
	  "leasesyncd: mode, records per type; the peers, records or counters", NULL },
	{ "l3", NULL, cmd_l3, "l3 originators|o|status|links|routes|descriptions [--json]",
	  "l3routed tables and state", NULL },
	{ "help", NULL, cmd_help, "help", "this list", NULL },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(name, commands[i].name) ||
		    (commands[i].alias && !strcmp(name, commands[i].alias)))
			return &commands[i];
	return NULL;
}

/* The usage line of a command (or table) by the name it was called with. */
static const char *mc_usage(const char *name)
{
	static char table[64];
	const struct command *c = command_find(name);

	if (c)
		return c->synopsis;
	snprintf(table, sizeof(table), "%s [--json]", name);
	return table;
}

int mc_args_exit(int rc, const char *err, const char *cmd)
{
	const struct command *c = command_find(cmd);

	if (rc == 0)
		return -1;
	if (rc == MC_ARGS_HELP) {
		printf("usage: meshctl %s\n%s", mc_usage(cmd), c && c->details ? c->details : "");
		return 0;
	}
	fprintf(stderr, "meshctl: %s\nusage: meshctl %s\n", err, mc_usage(cmd));
	return EXIT_USAGE;
}

int mc_args_simple(const struct opts *o, int argc, char **argv, int min, int max,
		   struct opts *lo, int *first)
{
	struct mc_args_plain a;
	char err[MC_ARGS_ERRLEN];
	int rc = mc_args_plain(argc, argv, &a, err, sizeof(err)), n = argc - a.first;

	if (rc == 0 && n < min)
		snprintf(err, sizeof(err), "%s: missing operand", argv[0]);
	else if (rc == 0 && n > max)
		snprintf(err, sizeof(err), "%s: unexpected operand '%s'", argv[0],
			 argv[a.first + max]);
	if (rc == 0 && (n < min || n > max))
		rc = -EINVAL;
	*lo = *o;
	lo->json |= a.json;
	*first = a.first;
	return mc_args_exit(rc, err, argv[0]);
}

/* "  SYNOPSIS  help", the help under a synopsis too long for the column */
static void help_line(const char *synopsis, const char *alias, const char *help)
{
	char syn[96];

	snprintf(syn, sizeof(syn), "%s%s%s%s", synopsis, alias ? " (" : "",
		 alias ? alias : "", alias ? ")" : "");
	if (strlen(syn) <= 34)
		printf("  %-34s %s\n", syn, help);
	else
		printf("  %s\n  %-34s %s\n", syn, "", help);
}

static int cmd_help(const struct opts *o, int argc, char **argv)
{
	printf("Usage: meshctl [--rundir DIR] [--json] [--timeout MS] [--bat-hosts FILE] "
	       "COMMAND [ARGS]\n\nCommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		help_line(commands[i].synopsis, commands[i].alias, commands[i].help);
	for (unsigned i = 0; i < l2_ntables; i++) {
		/* a command of that name wins: only the alias works */
		bool shadowed = command_find(l2_tables[i].name) != NULL;
		help_line(shadowed ? l2_tables[i].alias : l2_tables[i].name,
			  shadowed ? NULL : l2_tables[i].alias, l2_tables[i].help);
	}
	for (unsigned i = 0; i < l3_ntables; i++)
		if (!l3_tables[i].alias)	/* the others only under "l3" */
			help_line(l3_tables[i].name, NULL, l3_tables[i].help);
	for (unsigned i = 0; i < ac_ntables; i++)
		help_line(ac_tables[i].name, ac_tables[i].alias, ac_tables[i].help);
	printf("\nOptions before COMMAND are meshctl's; after it, the command's own (tables: "
	       "--json).\nrundir: --rundir, else $SOFTMESH_RUNDIR, else /run/softmesh\n"
	       "Targets: a MAC, a name from /etc/bat-hosts, ~/bat-hosts, ./bat-hosts, "
	       "RUNDIR/bat-hosts\nor --bat-hosts FILE, or an IP address (MAC from the "
	       "neighbour table).\n");
	return 0;
}

static int l2_table(const struct opts *o, const struct mc_table *t)
{
	return run_table(o, "l2meshd", t, l2_banner);
}

static int ac_table(const struct opts *o, const struct mc_table *t)
{
	return run_table(o, "anycastd", t, NULL);
}

/* A daemon's table (run shows it), with --json as its only flag. */
static int table_cmd(const struct opts *o, int argc, char **argv, const struct mc_table *t,
		     int (*run)(const struct opts *, const struct mc_table *))
{
	struct opts lo;
	int first, ex;

	if ((ex = mc_args_simple(o, argc, argv, 0, 0, &lo, &first)) >= 0)
		return ex;
	return run(&lo, t);
}

static int dispatch(const struct opts *o, int argc, char **argv)
{
	const struct command *c = command_find(argv[0]);

	if (c)
		return c->fn(o, argc, argv);
	for (unsigned i = 0; i < l2_ntables; i++)
		if (!strcmp(argv[0], l2_tables[i].name) || !strcmp(argv[0], l2_tables[i].alias))
			return table_cmd(o, argc, argv, &l2_tables[i], l2_table);
	for (unsigned i = 0; i < l3_ntables; i++)
		if (!l3_tables[i].alias && !strcmp(argv[0], l3_tables[i].name))
			return table_cmd(o, argc, argv, &l3_tables[i], l3_run_table);
	for (unsigned i = 0; i < ac_ntables; i++)
		if (!strcmp(argv[0], ac_tables[i].name) || !strcmp(argv[0], ac_tables[i].alias))
			return table_cmd(o, argc, argv, &ac_tables[i], ac_table);
	fprintf(stderr, "meshctl: unknown command '%s' (see meshctl help)\n", argv[0]);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	struct mc_args_global g;
	char err[MC_ARGS_ERRLEN];
	int rc = mc_args_global(argc, argv, &g, err, sizeof(err));
	struct opts o = {
		.rundir = g.rundir ? g.rundir : mc_ctl_default_rundir(),
		.bat_hosts = g.bat_hosts,
		.json = g.json,
		.timeout_ms = g.timeout_ms ? g.timeout_ms : CALL_TIMEOUT_MS,
	};

	if (rc == MC_ARGS_HELP)
		return cmd_help(&o, 0, NULL);
	if (rc < 0) {
		fprintf(stderr, "%s (see meshctl help)\n", err);
		return EXIT_USAGE;
	}
	if (g.cmd >= argc)
		return cmd_help(&o, 0, NULL), EXIT_USAGE;
	return dispatch(&o, argc - g.cmd, argv + g.cmd);
}
