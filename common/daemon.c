/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/daemon.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/sdnotify.h"

#define FILES_MAX 8
/* Error text a refused reload returns: MC_CONF_MAX_ERRORS lines and more. */
#define RELOAD_ERR_MAX 4096

#ifndef SOFTMESH_VERSION
#define SOFTMESH_VERSION "0.1.0"
#endif

const char *mc_daemon_version(void)
{
	return SOFTMESH_VERSION;
}

struct args {
	const char *files[FILES_MAX];
	size_t nfiles;
	const char *rundir;
	const char *debug;
	bool check, verbose, syslog;
};

static void usage(FILE *f, const char *name)
{
	fprintf(f,
		"usage: %s [-c FILE]... [-R RUNDIR] [-n [-v]] [-d CATEGORIES] [-s]\n"
		"  -c FILE        config layer after the built-in defaults (community, then node)\n"
		"  -R RUNDIR      control socket directory (default: config rundir, $SOFTMESH_RUNDIR)\n"
		"  -n             check the config and exit; with -v print the effective config\n"
		"  -d CATEGORIES  debug categories (batman,routes,tt,...,all)\n"
		"  -s             log to syslog instead of stderr\n", name);
}

static int parse_args(int argc, char **argv, const char *name, struct args *a)
{
	int c;

	while ((c = getopt(argc, argv, "c:R:nvd:sh")) != -1) {
		switch (c) {
		case 'c':
			if (a->nfiles == FILES_MAX) {
				fprintf(stderr, "%s: at most %d -c files\n", name, FILES_MAX);
				return -EINVAL;
			}
			a->files[a->nfiles++] = optarg;
			break;
		case 'R': a->rundir = optarg; break;
		case 'n': a->check = true; break;
		case 'v': a->verbose = true; break;
		case 'd': a->debug = optarg; break;
		case 's': a->syslog = true; break;
		case 'h': usage(stdout, name); exit(0);
		default: usage(stderr, name); return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", name, argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/*
 * The MAC that %M templates expand from, when the config sets no
 * primary_mac: the config library asks for the merged primary_interface's.
 */
/* The MAC of the config's primary_interface, from sysfs (the namespace's
 * own: ip netns exec mounts it), so that reading a config needs no
 * netlink: webuid links no libnl at all. */
static int primary_mac(const char *ifname, uint8_t mac[6], void *user)
{
	char path[64], line[64];
	unsigned b[6];
	FILE *f;
	int rc = -ENODEV;

	if (!ifname || !*ifname || strchr(ifname, '/') || strlen(ifname) > 15)
		return -ENODEV;
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifname);
	f = fopen(path, "re");
	if (!f)
		return -ENODEV;
	if (fgets(line, sizeof(line), f) &&
	    sscanf(line, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) == 6) {
		for (int i = 0; i < 6; i++)
			mac[i] = (uint8_t)b[i];
		rc = 0;
	}
	fclose(f);
	if (rc == 0 && !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		rc = -EADDRNOTAVAIL;	/* lo and TUN have no MAC */
	return rc;
}

static int load_config(struct mc_daemon *d, struct mc_conf **out, FILE *errf)
{
	return mc_conf_load_cb(out, d->schema, d->files, d->nfiles, primary_mac,
			       NULL, errf);
}

static uint64_t mono_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---------------------------------------------------------------- reload */

static char reload_err[RELOAD_ERR_MAX];

/* Logs each line of errs and keeps them, under a heading, for the reply. */
static void reload_refused(const char *errs, int rc)
{
	size_t off = (size_t)snprintf(reload_err, sizeof(reload_err),
				      "config refused, the running config is kept");

	for (const char *p = errs; *p;) {
		size_t n = strcspn(p, "\n");

		log_err("reload: %.*s", (int)n, p);
		if (off < sizeof(reload_err))
			off += (size_t)snprintf(reload_err + off, sizeof(reload_err) - off,
						"\n%.*s", (int)n, p);
		p += n + (p[n] == '\n');
	}
	if (!*errs)
		log_err("reload: %s", strerror(-rc));
	log_err("reload: config refused, the running config is kept");
}

static bool changed(const struct mc_conf_changes *ch, const char *opt)
{
	for (size_t i = 0; i < ch->nlive; i++)
		if (!strcmp(ch->live[i], opt))
			return true;
	return false;
}

/* The live options every daemon has: the log threshold and categories. */
static void reload_log(const struct mc_conf *c, const struct mc_conf_changes *ch)
{
	uint32_t mask = 0;

	if (changed(ch, "log_level"))
		mc_log_set_level(mc_conf_log_level(c));
	if (changed(ch, "debug") &&
	    mc_log_debug_parse(mc_conf_get_str(mc_conf_section(c, "system"), "debug"),
			       &mask) == 0)
		mc_log_set_debug(mask);
}

static json_object *names_json(char *const *v, size_t n, char *line, size_t len)
{
	json_object *a = json_object_new_array();
	size_t off = 0;

	line[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		json_object_array_add(a, json_object_new_string(v[i]));
		if (off < len)
			off += (size_t)snprintf(line + off, len - off, "%s%s",
						i ? ", " : "", v[i]);
	}
	return a;
}

/* The reply, and one log line saying what changed. */
static json_object *reload_report(const struct mc_conf_changes *ch)
{
	json_object *o = json_object_new_object();
	char live[512], restart[512];

	json_object_object_add(o, "applied", names_json(ch->live, ch->nlive,
							live, sizeof(live)));
	json_object_object_add(o, "restart", names_json(ch->restart, ch->nrestart,
							restart, sizeof(restart)));
	if (!ch->nlive && !ch->nrestart)
		log_notice("reload: config unchanged");
	else
		log_notice("reload: config accepted; applied: %s; needs a restart: %s",
			   ch->nlive ? live : "nothing", ch->nrestart ? restart : "nothing");
	return o;
}

/* Swaps in c and applies what changed live. */
static int reload_apply(struct mc_daemon *d, struct mc_conf *c, json_object **data)
{
	const struct mc_conf_part *const mine[] = {
		&mc_conf_part_shared, d->ops->conf_own, NULL,
	};
	struct mc_conf_changes ch;
	struct mc_conf *old = d->conf;

	if (mc_conf_changes(&ch, old, c, mine) < 0) {
		mc_conf_free(c);
		return -ENOMEM;
	}
	*data = reload_report(&ch);	/* logged before a new log_level holds */
	d->conf = c;
	reload_log(c, &ch);
	if (ch.nlive && d->ops->reload)
		d->ops->reload(d, old);
	mc_conf_free(old);
	mc_conf_changes_free(&ch);
	return 0;
}

int mc_daemon_reload(struct mc_daemon *d, json_object **data, const char **err)
{
	struct mc_conf *c = NULL;
	char *errs = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&errs, &len);
	int rc;

	if (!f)
		return -ENOMEM;
	/* systemctl reload waits for READY=1 (Type=notify-reload is newer
	 * than Debian 12's systemd; ExecReload sends SIGHUP) */
	mc_sd_notify("RELOADING=1\nMONOTONIC_USEC=%" PRIu64, mono_usec());
	log_notice("reload: reading the config again");
	rc = load_config(d, &c, f);
	fclose(f);
	if (rc < 0) {
		reload_refused(errs ? errs : "", rc);
		*err = reload_err;
	} else {
		rc = reload_apply(d, c, data);
	}
	free(errs);
	mc_sd_notify("READY=1\nSTATUS=%s", rc < 0 ? "running; the last reload was refused" :
		   "running");
	return rc;
}

static void on_hup(void *user)
{
	json_object *data = NULL;
	const char *err;

	mc_daemon_reload(user, &data, &err);
	json_object_put(data);
}

static int cmd_reload(json_object *req, json_object **data, const char **err,
		      void *user)
{
	return mc_daemon_reload(user, data, err);
}

/*
 * "restart": the daemon stops as on SIGTERM (its stop hook undoes what
 * start did and saves its state), then executes itself again with the
 * same command line: same pid (pid files and supervisors stay right), a
 * fresh start with the config files as they are now. webuid uses it for
 * options a reload cannot apply. The reply goes out before the loop ends.
 */
static bool restart_wanted;
static struct mc_timer restart_timer;

/*
 * Heap pages freed inside the heap (a burst of events, a reload, a big
 * reply) stay resident until given back: every TRIM_EVERY_S the free
 * pages go back to the kernel (malloc_trim: madvise on whole free pages
 * anywhere in the heap, not only at its top). A daemon's heap is a few
 * hundred KB, so a pass costs microseconds; measured in tests/bench/memory.
 */
#define TRIM_FIRST_S 5.0
#define TRIM_EVERY_S 30.0
static ev_timer trim_timer;

static void on_trim(struct ev_loop *loop, ev_timer *w, int revents)
{
	malloc_trim(0);
}

static void on_restart(void *user)
{
	struct mc_daemon *d = user;

	log_notice("restarting (asked on the control socket)");
	ev_break(d->loop, EVBREAK_ALL);
}

void mc_daemon_restart(struct mc_daemon *d)
{
	restart_wanted = true;
	mc_timer_init(&restart_timer, on_restart, d);
	mc_timer_arm(d->loop, &restart_timer, 100);	/* the reply is sent first */
}

static int cmd_restart(json_object *req, json_object **data, const char **err,
		       void *user)
{
	mc_daemon_restart(user);
	return 0;
}

/* The daemon's commands and the built-ins "reload" and "restart" (kept
 * here, with the rest of reloading, rather than among the control
 * server's builtins). */
static struct mc_ctl_cmd *cmds_with_reload(const struct mc_daemon_ops *ops)
{
	struct mc_ctl_cmd *v = calloc(ops->ncmds + 2, sizeof(*v));

	if (!v)
		return NULL;
	if (ops->ncmds)
		memcpy(v, ops->cmds, ops->ncmds * sizeof(*v));
	v[ops->ncmds] = (struct mc_ctl_cmd){ "reload", cmd_reload,
		"read the config files again; apply what can change live" };
	v[ops->ncmds + 1] = (struct mc_ctl_cmd){ "restart", cmd_restart,
		"stop, then start again with the same command line" };
	return v;
}

/* ------------------------------------------------------------------ run */

static void on_stop(void *user)
{
	struct mc_daemon *d = user;

	log_notice("stopping");
	ev_break(d->loop, EVBREAK_ALL);
}

static void status_hook(json_object *st, void *user)
{
	struct mc_daemon *d = user;

	if (d->ops->status)
		d->ops->status(d, st);
}

static int setup_log(struct mc_daemon *d, const struct args *a)
{
	uint32_t mask = 0;
	const char *dbg = a->debug ? a->debug :
			  mc_conf_get_str(mc_conf_section(d->conf, "system"), "debug");

	mc_log_set_level(mc_conf_log_level(d->conf));
	if (dbg && mc_log_debug_parse(dbg, &mask) < 0) {
		log_err("unknown debug category in '%s'", dbg);
		return -EINVAL;
	}
	mc_log_set_debug(mask);
	return 0;
}

/* -R, $SOFTMESH_RUNDIR, else the config's rundir: copied, since a reload
 * frees the config (a changed rundir takes effect at the next start). */
static const char *rundir_of(const struct mc_daemon *d, const struct args *a)
{
	static char copy[256];
	const char *r = a->rundir ? a->rundir : getenv("SOFTMESH_RUNDIR");

	if (r && *r)
		return r;
	snprintf(copy, sizeof(copy), "%s",
		 mc_conf_get_str(mc_conf_section(d->conf, "system"), "rundir"));
	return copy;
}

static int run(struct mc_daemon *d, const struct args *a)
{
	struct mc_ctl_cmd *cmds = cmds_with_reload(d->ops);
	struct mc_ctl_server_cfg cc = {
		.daemon = d->ops->name, .version = mc_daemon_version(),
		.cmds = cmds, .ncmds = d->ops->ncmds + 2, .user = d,
		.topics = d->ops->topics, .ntopics = d->ops->ntopics,
		.status = status_hook,
	};
	int rc;

	if (!cmds)
		return -ENOMEM;
	d->rundir = rundir_of(d, a);
	if ((rc = setup_log(d, a)) < 0)
		goto out;
	d->loop = ev_default_loop(EVFLAG_AUTO);
	rc = mc_ctl_server_open(&d->ctl, d->loop, d->rundir, &cc);
	if (rc < 0) {
		log_err("control socket in %s: %s", d->rundir,
		       rc == -EADDRINUSE ? "another instance is running" : strerror(-rc));
		goto out;
	}
	d->sig = (struct mc_ev_signals){ .stop = on_stop, .reload = on_hup, .user = d };
	mc_ev_signals_start(d->loop, &d->sig);
	ev_timer_init(&trim_timer, on_trim, TRIM_FIRST_S, TRIM_EVERY_S);
	ev_timer_start(d->loop, &trim_timer);
	rc = d->ops->start ? d->ops->start(d) : 0;
	if (rc >= 0 && (rc = mc_daemon_drop_root(d)) < 0 && d->ops->stop)
		d->ops->stop(d);	/* never on as root by mistake */
	if (rc < 0) {
		log_err("start failed: %s", strerror(-rc));
	} else {
		log_notice("running, control socket %s", mc_ctl_server_path(d->ctl));
		mc_sd_notify("READY=1\nSTATUS=running, control socket %s",
			   mc_ctl_server_path(d->ctl));
		ev_run(d->loop, 0);
		mc_sd_notify("STOPPING=1");
		if (d->ops->stop)
			d->ops->stop(d);
	}
	mc_timer_stop(d->loop, &restart_timer);
	ev_timer_stop(d->loop, &trim_timer);
	mc_ev_signals_stop(d->loop, &d->sig);
	mc_ctl_server_close(d->ctl);
out:
	free(cmds);
	return rc;
}

/*
 * Descriptors inherited from whoever started us (a script's lock file, a
 * terminal's extra fds) would be held for the daemon's whole life: only
 * stdin, stdout and stderr stay. Everything the daemon opens itself is
 * close-on-exec, so the programs it runs (nft) inherit nothing either.
 */
static void close_inherited(void)
{
	if (close_range(3, ~0u, 0) == 0)
		return;
	for (int fd = 3; fd < 1024; fd++)	/* kernels before 5.9 */
		close(fd);
}

/* The config's first reading: its notices and errors on stderr as they
 * are, or through the log with their levels when stderr is the journal. */
static int load_config_logged(struct mc_daemon *d)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = mc_log_journal() ? open_memstream(&buf, &len) : NULL;
	int rc = load_config(d, &d->conf, f ? f : stderr);

	if (!f)
		return rc;
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		mc_log(strstr(line, ": notice: ") ? MC_LOG_NOTICE : MC_LOG_ERR, "%s", line);
	free(buf);
	return rc;
}

int mc_daemon_main(int argc, char **argv, const struct mc_daemon_ops *ops)
{
	struct args a = { 0 };
	struct mc_daemon d = { .ops = ops };
	struct mc_conf_schema *schema;
	int rc;

	close_inherited();
	if (parse_args(argc, argv, ops->name, &a) < 0)
		return 2;
	mc_log_init(ops->name, a.syslog);
	if (mc_conf_schema_new(&schema, ops->conf_parts, stderr) < 0) {
		fprintf(stderr, "%s: broken config schema (a bug in the build)\n", ops->name);
		return 1;
	}
	d.schema = schema;
	d.files = a.files;
	d.nfiles = a.nfiles;
	rc = load_config_logged(&d);
	if (rc < 0) {
		if (rc != -EINVAL)
			fprintf(stderr, "%s: cannot read config: %s\n", ops->name, strerror(-rc));
		fprintf(stderr, "%s: config refused, not starting\n", ops->name);
		mc_conf_schema_free(schema);
		return 1;
	}
	/* LibreMesh's list protocols says what a node runs */
	bool off = ops->protocol && !mc_conf_proto_wanted(d.conf, ops->protocol);

	if (off) {
		if (a.check)
			fprintf(stderr, "%s: lime 'network' list protocols names no '%s': "
				"%s would not start\n", ops->name, ops->protocol, ops->name);
		else {
			log_notice("not started: lime 'network' list protocols names no '%s'",
				   ops->protocol);
			/* a unit of Type=notify that exits 0 unready is a failure */
			mc_sd_notify("READY=1\nSTATUS=not started: list protocols names no '%s'",
				   ops->protocol);
		}
	}
	if (a.check) {
		if (a.verbose)
			mc_conf_print(stdout, d.conf, true);
	} else if (off) {
		rc = 0;
	} else {
		rc = run(&d, &a);
	}
	mc_conf_free(d.conf);
	mc_conf_schema_free(schema);
	if (restart_wanted && rc >= 0) {
		fflush(NULL);
		execv("/proc/self/exe", argv);
		fprintf(stderr, "%s: restart failed: %s\n", ops->name, strerror(errno));
		return 1;
	}
	return rc < 0 ? 1 : 0;
}
