/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MESHCTL_H
#define MESHCTL_H

#include <stdbool.h>

#include "common/ctl.h"
#include "tools/meshctl/args.h"
#include "tools/meshctl/table.h"
#include "tools/meshctl/target.h"

enum { EXIT_USAGE = 2, EXIT_NOT_RUNNING = 3 };

struct opts {
	const char *rundir;
	const char *bat_hosts;	/* --bat-hosts FILE, read after the usual ones */
	bool json;
	int timeout_ms;
};

/* A table command: one request to a daemon, rows shown under cols. */
struct mc_table {
	const char *name, *alias;
	const char *cmd;	/* the daemon's command */
	const struct tbl_col *cols;
	unsigned ncols;
	const char *help;
};

json_object *mc_request(const char *cmd);
/* Calls daemon; *data gets the reply's data. quiet: no error message. */
int mc_call(const struct opts *o, const char *daemon, json_object *req,
	    json_object **data, bool quiet);
void mc_print_json(json_object *o);
const char *mc_open_error(int rc);
/*
 * After command cmd's argument parser returned rc: -1 to go on; else the
 * exit code, cmd's usage printed (0 after -h; EXIT_USAGE after an error,
 * with err).
 */
int mc_args_exit(int rc, const char *err, const char *cmd);
/*
 * A command with --json as its only flag and min..max operands: *lo is
 * o with the command's --json, operands from argv[*first]. -1 to go on,
 * else the exit code.
 */
int mc_args_simple(const struct opts *o, int argc, char **argv, int min, int max,
		   struct opts *lo, int *first);

/* reload.c: meshctl reload [DAEMON] */
int cmd_reload(const struct opts *o, int argc, char **argv);

/* ac.c: anycastd */
extern const struct mc_table ac_tables[];
extern const unsigned ac_ntables;
int cmd_ac_counters(const struct opts *o, int argc, char **argv);
/* A daemon's counters object, one "\tname: value" line each (batctl
 * statistics), or as JSON with --json. */
int mc_run_counters(const struct opts *o, int argc, char **argv, const char *daemon,
		    const char *cmd);

/* l2.c */
extern const struct mc_table l2_tables[];
extern const unsigned l2_ntables;
void l2_banner(const struct opts *o);
int cmd_statistics(const struct opts *o, int argc, char **argv);

/* probe.c: batman ICMP over l2meshd's ping_send */
int cmd_ping(const struct opts *o, int argc, char **argv);
int cmd_traceroute(const struct opts *o, int argc, char **argv);

/* neigh.c: an mc_neigh_fn over the kernel's neighbour table (user unused) */
int mc_neigh_resolve(void *user, const struct mc_ip *ip, uint8_t mac[6]);

/* l3.c: l3routed's tables; "originators" is l2's at top level, "l3 o" here */
extern const struct mc_table l3_tables[];
extern const unsigned l3_ntables;
int l3_run_table(const struct opts *o, const struct mc_table *t);
int cmd_l3(const struct opts *o, int argc, char **argv);

/* ls.c: meshctl sync (leasesyncd) */
int cmd_sync(const struct opts *o, int argc, char **argv);

/* watch.c */
int cmd_watch(const struct opts *o, int argc, char **argv);
/* meshctl gateways|gw: l3routed's smart gateways (l2's batman list is gwl) */
int cmd_gw(const struct opts *o, int argc, char **argv);

#endif
