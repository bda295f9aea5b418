/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meshctl: the one CLI of softmesh. It talks only to the daemons' control
 * sockets ($rundir/<daemon>.sock, doc/control.md) and prints batctl /
 * bmx7 -c style tables, or the daemons' JSON with --json.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
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
		if (known_daemon(name))
			continue;
		json_object_array_add(rows, status_row(o, name, running));
		(*total)++;
	}
	closedir(d);
}

static int cmd_status(const struct opts *o, int argc, char **argv)
{
	json_object *rows = json_object_new_array();
	int running = 0;
	size_t total = N_DAEMONS;

	for (size_t i = 0; i < N_DAEMONS; i++)
		json_object_array_add(rows, status_row(o, daemons[i], &running));
	status_extra(o, rows, &running, &total);
	if (o->json) {
		mc_print_json(rows);
	} else {
		printf("rundir %s: %d of %zu daemons running\n", o->rundir, running, total);
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

/* meshctl log DAEMON [LEVEL] [debug CATEGORIES] */
static int cmd_log(const struct opts *o, int argc, char **argv)
{
	json_object *req, *data;
	int rc;

	if (argc < 2 || !daemon_arg_ok(argv[1])) {
		fprintf(stderr, "usage: meshctl log DAEMON [LEVEL] [debug CATEGORIES]\n");
		return EXIT_USAGE;
	}
	req = mc_request("log");
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "debug") && i + 1 < argc)
			json_object_object_add(req, "debug", json_object_new_string(argv[++i]));
		else
			json_object_object_add(req, "level", json_object_new_string(argv[i]));
	}
	rc = mc_call(o, argv[1], req, &data, false);
	json_object_put(req);
	if (rc == 0) {
		if (o->json)
			mc_print_json(data);
		else
			printf("%s: level %s, debug %s\n", argv[1],
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
	int rc;

	if (argc != 3 || !daemon_arg_ok(argv[1])) {
		fprintf(stderr, "usage: meshctl raw DAEMON JSON\n");
		return EXIT_USAGE;
	}
	req = json_tokener_parse(argv[2]);
	if (!req || !json_object_is_type(req, json_type_object)) {
		fprintf(stderr, "meshctl: raw: not a JSON object: %s\n", argv[2]);
		json_object_put(req);
		return EXIT_USAGE;
	}
	rc = mc_call(o, argv[1], req, &data, false);
	json_object_put(req);
	if (rc == 0)
		mc_print_json(data ? data : json_object_new_null());
	json_object_put(data);
	return rc;
}

/* meshctl monitor DAEMON [TOPIC...]: print events as they come. */
static int cmd_monitor(const struct opts *o, int argc, char **argv)
{
	struct mc_ctl_client *c;
	json_object *req, *msg = NULL, *topics = json_object_new_array();
	int rc;

	if (argc < 2 || !daemon_arg_ok(argv[1])) {
		fprintf(stderr, "usage: meshctl monitor DAEMON [TOPIC...]\n");
		json_object_put(topics);
		return EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++)
		json_object_array_add(topics, json_object_new_string(argv[i]));
	if (argc == 2)
		json_object_array_add(topics, json_object_new_string("*"));
	req = mc_request("subscribe");
	json_object_object_add(req, "topics", topics);
	if ((rc = mc_ctl_client_open(&c, o->rundir, argv[1])) < 0) {
		fprintf(stderr, "meshctl: %s: %s\n", argv[1], mc_open_error(rc));
		json_object_put(req);
		return EXIT_NOT_RUNNING;
	}
	rc = mc_ctl_client_call(c, req, &msg, o->timeout_ms);
	json_object_put(req);
	for (long n = 0; rc == 0 && (!o->count || n < o->count); n++) {
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
		mc_print_json(rows ? rows : json_object_new_array());
	} else if (rc == 0) {
		if (banner)
			banner(o);
		tbl_print(stdout, t->cols, t->ncols, rows);
	}
	json_object_put(rows);
	return rc;
}

static const struct {
	const char *name, *alias;
	int (*fn)(const struct opts *, int, char **);
	const char *usage;
} commands[] = {
	{ "status", "st", cmd_status, "status                          state of each daemon" },
	{ "log", NULL, cmd_log, "log DAEMON [LEVEL] [debug CATS]  show/set log level and debug categories" },
	{ "monitor", "mon", cmd_monitor, "monitor DAEMON [TOPIC...]       stream a daemon's events" },
	{ "raw", NULL, cmd_raw, "raw DAEMON JSON                 send one request, print the reply" },
	{ "reload", NULL, cmd_reload, "reload [DAEMON]                 re-read the config files; show what applied, what needs a restart" },
	{ "statistics", "s", cmd_statistics, "statistics                      l2mesh counters, drops by reason" },
	{ "ping", "p", cmd_ping, "ping [-c N] [-i MS] [-t TTL] MAC  batman ICMP echo to an originator or client" },
	{ "traceroute", "tr", cmd_traceroute, "traceroute MAC                  hops to an originator or client" },
	/* before l2's tables: "gateways" is l3's; batman's list stays as gwl */
	{ "gateways", "gw", cmd_gw, "gateways [prefer NAME|auto | reset]  smart gateways: offers ranked, the choice and why" },
	{ "l3", NULL, cmd_l3, "l3 originators|o|status|links|routes|descriptions  l3routed tables and state" },
	{ "help", NULL, cmd_help, "help                            this list" },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int cmd_help(const struct opts *o, int argc, char **argv)
{
	printf("Usage: meshctl [--rundir DIR] [--json] [--timeout MS] COMMAND [ARGS]\n\n"
	       "Commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		printf("  %s%s%s%s\n", commands[i].usage,
		       commands[i].alias ? " (" : "",
		       commands[i].alias ? commands[i].alias : "",
		       commands[i].alias ? ")" : "");
	for (unsigned i = 0; i < l2_ntables; i++) {
		bool shadowed = false;	/* a command of that name wins: only the alias works */
		for (size_t k = 0; k < N_COMMANDS; k++)
			shadowed |= !strcmp(commands[k].name, l2_tables[i].name);
		printf("  %-31s %s%s%s%s\n", shadowed ? l2_tables[i].alias : l2_tables[i].name,
		       l2_tables[i].help, shadowed ? "" : " (",
		       shadowed ? "" : l2_tables[i].alias, shadowed ? "" : ")");
	}
	for (unsigned i = 0; i < l3_ntables; i++)
		if (!l3_tables[i].alias)	/* the others only under "l3" */
			printf("  %-31s %s\n", l3_tables[i].name, l3_tables[i].help);
	printf("\nrundir: --rundir, else $SOFTMESH_RUNDIR, else /run/softmesh\n");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rundir", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct opts o = { .rundir = mc_ctl_default_rundir(), .timeout_ms = CALL_TIMEOUT_MS };
	int c;

	/* options may come after the command too: "meshctl o --json" */
	while ((c = getopt_long(argc, argv, "r:jt:c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o.rundir = optarg; break;
		case 'j': o.json = true; break;
		case 't': o.timeout_ms = atoi(optarg) > 0 ? atoi(optarg) : CALL_TIMEOUT_MS; break;
		case 'c': o.count = atol(optarg); break;
		case 'h': return cmd_help(&o, 0, NULL);
		default: return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cmd_help(&o, 0, NULL), EXIT_USAGE;
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (!strcmp(argv[optind], commands[i].name) ||
		    (commands[i].alias && !strcmp(argv[optind], commands[i].alias)))
			return commands[i].fn(&o, argc - optind, argv + optind);
	}
	for (unsigned i = 0; i < l2_ntables; i++) {
		if (!strcmp(argv[optind], l2_tables[i].name) ||
		    !strcmp(argv[optind], l2_tables[i].alias))
			return run_table(&o, "l2meshd", &l2_tables[i], l2_banner);
	}
	for (unsigned i = 0; i < l3_ntables; i++) {
		if (!l3_tables[i].alias && !strcmp(argv[optind], l3_tables[i].name))
			return l3_run_table(&o, &l3_tables[i]);
	}
	fprintf(stderr, "meshctl: unknown command '%s' (see meshctl help)\n", argv[optind]);
	return EXIT_USAGE;
}
