/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meshctl's argument parsing (args.h). getopt_long does the splitting:
 * optind = 0 makes it start afresh on each argv (glibc and musl both
 * honour that), opterr = 0 keeps it quiet so that the message is ours,
 * and a leading ':' in the option string tells a missing value (':')
 * from an unknown option ('?').
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/meshctl/args.h"

#define DAY_S 86400.0

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int mc_args_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int mc_args_seconds(const char *s, double min_s, double max_s, double *out)
{
	const char *dot = strchr(s, '.');
	char *end;
	double v;

	/* digits and at most one '.': no sign, exponent, hex, inf or nan */
	if (strspn(s, "0123456789.") != strlen(s) || strspn(s, ".") == strlen(s) ||
	    (dot && strchr(dot + 1, '.')))
		return -EINVAL;
	v = strtod(s, &end);
	if (*end || v < min_s || v > max_s)
		return -EINVAL;
	*out = v;
	return 0;
}

static const struct option global_longopts[] = {
	{ "rundir", required_argument, NULL, 'r' },
	{ "json", no_argument, NULL, 'j' },
	{ "timeout", required_argument, NULL, 't' },
	{ "bat-hosts", required_argument, NULL, 'B' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

/* One option of a command: c is getopt's letter, arg its value (or NULL). */
typedef int opt_fn(void *a, int c, const char *arg, char *err, size_t len);

/*
 * Runs getopt_long over argv with the command's own options; operands
 * are left from *first on (getopt moved them there). -h is help for
 * every command.
 */
static int parse_opts(int argc, char **argv, const char *shortopts,
		      const struct option *longopts, opt_fn *fn, void *a,
		      char *err, size_t len, int *first)
{
	const char *who = longopts == global_longopts ? "meshctl" : argv[0];
	char name[3] = "-?";
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == 'h')
			return MC_ARGS_HELP;
		name[1] = (char)optopt;
		if (c == '?')
			return fail(err, len, "%s: unknown option '%s'", who,
				    optopt ? name : argv[optind - 1]);
		if (c == ':')
			return fail(err, len, "%s: option '%s' needs a value", who,
				    optopt ? name : argv[optind - 1]);
		if ((rc = fn(a, c, optarg, err, len)) < 0)
			return rc;
	}
	*first = optind;
	return 0;
}

/* ------------------------------------------------------------ global */

static int global_opt(void *p, int c, const char *arg, char *err, size_t len)
{
	struct mc_args_global *g = p;
	long ms;

	switch (c) {
	case 'r': g->rundir = arg; return 0;
	case 'j': g->json = true; return 0;
	case 'B': g->bat_hosts = arg; return 0;
	case 't':
		if (mc_args_long(arg, 1, 3600 * 1000, &ms) < 0)
			return fail(err, len, "meshctl: bad --timeout '%s' (milliseconds, 1 to 3600000)",
				    arg);
		g->timeout_ms = (int)ms;
		return 0;
	}
	return -EINVAL;
}

int mc_args_global(int argc, char **argv, struct mc_args_global *g, char *err, size_t len)
{
	memset(g, 0, sizeof(*g));
	/* '+': stop at the command, whose options are its own */
	return parse_opts(argc, argv, "+:r:jt:h", global_longopts, global_opt, g, err, len,
			  &g->cmd);
}

/* ------------------------------------------------------------- plain */

static const struct option json_longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};
/* batctl's ping and traceroute have short options only */
static const struct option help_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static int plain_opt(void *p, int c, const char *arg, char *err, size_t len)
{
	((struct mc_args_plain *)p)->json = true;	/* 'j', the only one */
	return 0;
}

int mc_args_plain(int argc, char **argv, struct mc_args_plain *a, char *err, size_t len)
{
	memset(a, 0, sizeof(*a));
	return parse_opts(argc, argv, ":jh", json_longopts, plain_opt, a, err, len, &a->first);
}

/* ----------------------------------------------------------- monitor */

static int monitor_opt(void *p, int c, const char *arg, char *err, size_t len)
{
	if (mc_args_long(arg, 1, LONG_MAX, &((struct mc_args_monitor *)p)->count) < 0)
		return fail(err, len, "monitor: bad count '%s' (a whole number from 1)", arg);
	return 0;
}

int mc_args_monitor(int argc, char **argv, struct mc_args_monitor *a, char *err, size_t len)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int rc;

	memset(a, 0, sizeof(*a));
	rc = parse_opts(argc, argv, ":c:h", longopts, monitor_opt, a, err, len, &a->first);
	if (rc == 0 && a->first >= argc)
		return fail(err, len, "monitor: which daemon?");
	return rc;
}

/* ------------------------------------------------------ ping, trace */

static int ttl_opt(const char *cmd, const char *arg, unsigned *ttl, char *err, size_t len)
{
	long v;

	if (mc_args_long(arg, 1, 255, &v) < 0)
		return fail(err, len, "%s: bad TTL '%s' (1 to 255)", cmd, arg);
	*ttl = (unsigned)v;
	return 0;
}

static int ping_opt(void *p, int c, const char *arg, char *err, size_t len)
{
	struct mc_args_ping *a = p;

	switch (c) {
	case 'c':
		if (mc_args_long(arg, 1, INT_MAX, &a->count) < 0)
			return fail(err, len, "ping: bad count '%s' (a whole number from 1)", arg);
		return 0;
	case 'i':
		if (mc_args_seconds(arg, 0.001, DAY_S, &a->interval_s) < 0)
			return fail(err, len, "ping: bad interval '%s' (seconds, 0.001 to 86400)", arg);
		return 0;
	case 't':
		if (mc_args_seconds(arg, 0.001, DAY_S, &a->timeout_s) < 0)
			return fail(err, len, "ping: bad timeout '%s' (seconds, 0.001 to 86400)", arg);
		return 0;
	case 'm': return ttl_opt("ping", arg, &a->ttl, err, len);
	case 'T': a->no_translate = true; return 0;
	case 'R':
		return fail(err, len, "ping: -R (record route) is not supported: l2meshd's "
			    "ping_send carries no route record");
	}
	return -EINVAL;
}

/* Exactly one operand, the target. */
static int one_target(int argc, char **argv, int first, const char **target,
		      char *err, size_t len)
{
	if (first >= argc)
		return fail(err, len, "%s: no target (a MAC address, bat-hosts name or IP "
			    "address)", argv[0]);
	if (first + 1 < argc)
		return fail(err, len, "%s: one target only, not also '%s'", argv[0], argv[first + 1]);
	*target = argv[first];
	return 0;
}

int mc_args_ping(int argc, char **argv, struct mc_args_ping *a, char *err, size_t len)
{
	int first, rc;

	memset(a, 0, sizeof(*a));
	a->timeout_s = MC_PING_TIMEOUT_S;
	a->ttl = MC_PING_TTL;
	rc = parse_opts(argc, argv, ":c:i:t:m:RTh", help_longopts, ping_opt, a, err, len,
			&first);
	return rc ? rc : one_target(argc, argv, first, &a->target, err, len);
}

static int trace_opt(void *p, int c, const char *arg, char *err, size_t len)
{
	struct mc_args_trace *a = p;

	switch (c) {
	case 'n': a->numeric = true; return 0;
	case 'T': a->no_translate = true; return 0;
	case 'm': return ttl_opt("traceroute", arg, &a->max_ttl, err, len);
	}
	return -EINVAL;
}

int mc_args_trace(int argc, char **argv, struct mc_args_trace *a, char *err, size_t len)
{
	int first, rc;

	memset(a, 0, sizeof(*a));
	a->max_ttl = MC_PING_TTL;
	rc = parse_opts(argc, argv, ":nTm:h", help_longopts, trace_opt, a, err, len, &first);
	return rc ? rc : one_target(argc, argv, first, &a->target, err, len);
}

/* ---------------------------------------------------------------- gw */

int mc_args_gw(int argc, char **argv, struct mc_args_gw *a, char *err, size_t len)
{
	struct mc_args_plain p;
	int rc = mc_args_plain(argc, argv, &p, err, len), n = argc - p.first;
	char **op = argv + p.first;

	memset(a, 0, sizeof(*a));
	if (rc)
		return rc;
	a->json = p.json;
	if (n == 0)
		return 0;
	if (n == 2 && !strcmp(op[0], "prefer")) {
		a->action = MC_GW_PREFER;
		a->who = op[1];
		return 0;
	}
	if (n == 1 && !strcmp(op[0], "reset")) {
		a->action = MC_GW_RESET;
		return 0;
	}
	if (!strcmp(op[0], "prefer"))
		return fail(err, len, "%s: prefer takes one name (a gateway's hostname or hex id "
			    "prefix, or auto)", argv[0]);
	if (!strcmp(op[0], "reset"))
		return fail(err, len, "%s: reset takes no operand", argv[0]);
	return fail(err, len, "%s: unknown subcommand '%s' (prefer NAME|auto, reset)", argv[0], op[0]);
}
