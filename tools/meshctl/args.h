/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MESHCTL_ARGS_H
#define MESHCTL_ARGS_H

/*
 * meshctl's command lines as pure functions: argv in, a struct of parsed
 * options (or an error message) out, no I/O, so that
 * tests/unit/test_meshctl_args.c reaches every flag.
 *
 * Global options are only those before the command (getopt stops at the
 * first operand); each command then parses its own argv, argv[0] being
 * the command's name. A command's flags may come before or after its
 * operands ("meshctl ping MAC -c 2"), as batctl's do.
 *
 * Every parser returns 0, MC_ARGS_HELP (-h was given: print the usage,
 * exit 0), or -EINVAL with a message for a person in err.
 */

#include <stdbool.h>
#include <stddef.h>

enum { MC_ARGS_HELP = 1 };

#define MC_ARGS_ERRLEN 192

/* meshctl [-r DIR] [-j] [-t MS] [-H FILE] [-h] COMMAND ... */
struct mc_args_global {
	const char *rundir;	/* NULL: not given */
	const char *bat_hosts;	/* NULL: not given */
	bool json;
	int timeout_ms;		/* 0: not given */
	int cmd;		/* index of the command in argv; argc when none */
};
int mc_args_global(int argc, char **argv, struct mc_args_global *g, char *err, size_t len);

/* A command whose only flag is --json: operands argv[first .. argc). */
struct mc_args_plain {
	bool json;
	int first;
};
int mc_args_plain(int argc, char **argv, struct mc_args_plain *a, char *err, size_t len);

/* monitor [-c N] DAEMON [TOPIC...] */
struct mc_args_monitor {
	long count;		/* stop after this many events; 0: never */
	int first;
};
int mc_args_monitor(int argc, char **argv, struct mc_args_monitor *a, char *err, size_t len);

/* batctl's limits: 50 hops, 1 s to wait for each reply */
#define MC_PING_TTL 50
#define MC_PING_TIMEOUT_S 1.0

/* ping [-c COUNT] [-i INTERVAL] [-t TIMEOUT] [-m TTL] [-T] TARGET */
struct mc_args_ping {
	long count;		/* 0: until interrupted (batctl's default) */
	double interval_s;	/* start to start; 0: not given (one per timeout) */
	double timeout_s;	/* wait for each reply */
	unsigned ttl;		/* 1..255 */
	bool no_translate;	/* -T: the target's MAC as it is, no TT lookup */
	const char *target;
};
int mc_args_ping(int argc, char **argv, struct mc_args_ping *a, char *err, size_t len);

/* traceroute [-n] [-T] [-m MAXTTL] TARGET */
struct mc_args_trace {
	unsigned max_ttl;
	bool numeric;		/* -n: hops as MACs, no bat-hosts names */
	bool no_translate;
	const char *target;
};
int mc_args_trace(int argc, char **argv, struct mc_args_trace *a, char *err, size_t len);

/* gateways|gw [--json] [prefer NAME|auto | reset] */
enum mc_gw_action { MC_GW_SHOW, MC_GW_PREFER, MC_GW_RESET };
struct mc_args_gw {
	bool json;
	enum mc_gw_action action;
	const char *who;	/* MC_GW_PREFER */
};
int mc_args_gw(int argc, char **argv, struct mc_args_gw *a, char *err, size_t len);

/*
 * Seconds as a decimal number in [min_s, max_s] ("0.2", "3"); 0 or
 * -EINVAL. Also used for the interval and the timeouts.
 */
int mc_args_seconds(const char *s, double min_s, double max_s, double *out);
/* A whole number in [min, max]; 0 or -EINVAL. */
int mc_args_long(const char *s, long min, long max, long *out);

#endif
