/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_DAEMON_H
#define MC_DAEMON_H

/*
 * What every softmesh daemon shares: the command line, loading the layered
 * config (never starting half-configured), -n/-nv, logging, the libev
 * loop, signals, the control socket, and reloading the config (SIGHUP or
 * the built-in control command "reload"). A daemon's main() is
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
	/* The running config. A reload replaces it (the old one is freed
	 * after ops->reload): keep no pointer into it across loop turns. */
	struct mc_conf *conf;
	const struct mc_conf_schema *schema;	/* of ops->conf_parts */
	const char *const *files;	/* the -c files a reload reads again */
	size_t nfiles;
	struct mc_ctl_server *ctl;
	const char *rundir;
	struct mc_ev_signals sig;
	void *priv;	/* the daemon's own state, set by start */
};

struct mc_daemon_ops {
	const char *name;		/* "l2meshd": log ident and socket name */
	/* The word of lime 'network' list protocols that runs it ("batadv");
	 * a list without it and the daemon does not start (exit 0). NULL:
	 * it always runs. */
	const char *protocol;
	const struct mc_ctl_cmd *cmds;	/* handlers get the struct mc_daemon * */
	unsigned ncmds;
	const struct mc_ctl_topic *topics;	/* its event topics (doc/control.md) */
	unsigned ntopics;
	/* Every config schema part, NULL-terminated: schemas/schemas.h's
	 * sm_conf_parts, so every daemon accepts the same files. */
	const struct mc_conf_part *const *conf_parts;
	/* This daemon's own part (NULL: none). A reload reports changes to
	 * it and to mc_conf_part_shared; the rest is other daemons'. */
	const struct mc_conf_part *conf_own;
	/* Adds the daemon's fields to "status" (may be NULL). */
	void (*status)(struct mc_daemon *d, json_object *status);
	/* Sets up sockets and timers; a negative errno aborts start-up. */
	int (*start)(struct mc_daemon *d);
	/* Undoes start (removes TAPs, routes...) before the loop ends. */
	void (*stop)(struct mc_daemon *d);
	/*
	 * A reload was accepted and changed live options (MC_CONF_F_LIVE)
	 * of this daemon's parts: apply them. d->conf is the new config
	 * already; old is the one it replaces, freed after the call.
	 * log_level and debug are applied before (may be NULL).
	 */
	void (*reload)(struct mc_daemon *d, const struct mc_conf *old);
	/*
	 * Started as root, the daemon runs on as lime 'system' user after
	 * start with these capabilities only (CAP_* numbers; its systemd
	 * unit's AmbientCapabilities), NULL-free: ncaps of them.
	 */
	const int *caps;
	unsigned ncaps;
	/* lime 'network' options naming what it writes after start: a
	 * directory (the name ends in _dir) or a file (its directory);
	 * given to the user before the drop. NULL-terminated. */
	const char *const *state_opts;
	bool writes_node_file;		/* the last -c file's directory too */
};

/*
 * Reads d->files again, as at start. A config with any error is refused:
 * each error is logged as "file:line: message", the running config stays
 * entirely, and *err holds the messages (returns -EINVAL, or the negative
 * errno of an unreadable file). Otherwise the new config replaces the
 * running one, its live changes are applied, and *data is
 * {"applied":[...],"restart":[...]}: the changed options applied now and
 * those that take effect at the next start (both are logged too). *err
 * stays valid until the next call.
 */
int mc_daemon_reload(struct mc_daemon *d, json_object **data, const char **err);
/* Started as root: on as lime 'system' user with ops->caps only
 * (common/privdrop.c); 0 when there is nothing to drop. */
int mc_daemon_drop_root(struct mc_daemon *d);

/*
 * Stops the daemon (as SIGTERM does) about 100 ms from now, then executes
 * it again with the same command line and pid; what the control command
 * "restart" does.
 */
void mc_daemon_restart(struct mc_daemon *d);

int mc_daemon_main(int argc, char **argv, const struct mc_daemon_ops *ops);
/* softmesh's version, as "status" reports it. */
const char *mc_daemon_version(void);

#endif
