/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_DAEMON_H
#define MC_DAEMON_H

/*
 * What every softmesh daemon shares: the command line, loading the layered
 * config (never starting half-configured), -n/-nv, logging, the libev
 * loop, signals and the control socket. A daemon's main() is
 *
 *	return mc_daemon_main(argc, argv, &l2meshd_ops);
 *
 * Usage: DAEMON [-c FILE]... [-R RUNDIR] [-n [-v]] [-d CATEGORIES] [-s]
 */

#include <ev.h>
#include <json-c/json.h>

#include "common/conf.h"
#include "common/ctl.h"
#include "common/evloop.h"

struct mc_daemon {
	const struct mc_daemon_ops *ops;
	struct ev_loop *loop;
	struct mc_conf *conf;
	const struct mc_conf_schema *schema;	/* of ops->conf_parts */
	const char *const *files;	/* the -c files */
	size_t nfiles;
	struct mc_ctl_server *ctl;
	const char *rundir;
	struct mc_ev_signals sig;
	void *priv;	/* the daemon's own state, set by start */
};

struct mc_daemon_ops {
	const char *name;		/* "l2meshd": log ident and socket name */
	const struct mc_ctl_cmd *cmds;	/* handlers get the struct mc_daemon * */
	unsigned ncmds;
	/* Every config schema part, NULL-terminated: schemas/schemas.h's
	 * sm_conf_parts, so every daemon accepts the same files. */
	const struct mc_conf_part *const *conf_parts;
	/* Adds the daemon's fields to "status" (may be NULL). */
	void (*status)(struct mc_daemon *d, json_object *status);
	/* Sets up sockets and timers; a negative errno aborts start-up. */
	int (*start)(struct mc_daemon *d);
	/* Undoes start (removes TAPs, routes...) before the loop ends. */
	void (*stop)(struct mc_daemon *d);
};

int mc_daemon_main(int argc, char **argv, const struct mc_daemon_ops *ops);

#endif
