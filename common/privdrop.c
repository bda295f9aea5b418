/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Root no longer than needed (doc/deploy.md "Privileges"): a daemon
 * started as root opens its devices and sockets, then runs on as lime
 * 'system' user (default softmesh) with only the capabilities its
 * systemd unit grants, in the ambient set too, so that what it runs
 * (babeld, nft) and a `meshctl restart` have them. Under systemd it is
 * started as that user already and this does nothing.
 */
#include "common/daemon.h"

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/capability.h>

#include "common/log.h"

/* Gives a root-owned directory to the user: it writes there after the
 * drop (state files are replaced by rename, so the directory is enough). */
static void give_dir(const char *dir, uid_t uid, gid_t gid)
{
	struct stat st;

	if (!dir || !*dir || !strcmp(dir, "/") || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	if (st.st_uid != 0)
		return;		/* someone's own: left alone */
	if (chown(dir, uid, gid) < 0)
		log_warn("drop root: chown %s: %s", dir, strerror(errno));
}

static void give_state(const struct mc_daemon *d, uid_t uid, gid_t gid)
{
	const struct mc_conf_section *net = mc_conf_section(d->conf, "network");

	give_dir(d->rundir, uid, gid);
	if (d->ops->writes_node_file && d->nfiles) {
		char buf[256];

		snprintf(buf, sizeof(buf), "%s", d->files[d->nfiles - 1]);
		give_dir(dirname(buf), uid, gid);
	}
	for (const char *const *o = d->ops->state_opts; o && *o; o++) {
		const char *v = mc_conf_get_str(net, *o);
		char buf[256];
		size_t n = strlen(*o);

		if (!v || !*v)
			continue;
		snprintf(buf, sizeof(buf), "%s", v);
		give_dir(n > 4 && !strcmp(*o + n - 4, "_dir") ? buf : dirname(buf), uid, gid);
	}
}

static int set_caps(const int *keep, unsigned n)
{
	cap_value_t v[16];
	cap_t c = cap_init();
	int rc = 0;

	if (!c || n > 16)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++)
		v[i] = keep[i];
	if ((n && (cap_set_flag(c, CAP_PERMITTED, (int)n, v, CAP_SET) < 0 ||
		   cap_set_flag(c, CAP_EFFECTIVE, (int)n, v, CAP_SET) < 0 ||
		   cap_set_flag(c, CAP_INHERITABLE, (int)n, v, CAP_SET) < 0)) ||
	    cap_set_proc(c) < 0)
		rc = -errno;
	cap_free(c);
	for (unsigned i = 0; !rc && i < n; i++)
		if (cap_set_ambient(v[i], CAP_SET) < 0)
			rc = -errno;
	return rc;
}

/* "running as softmesh (uid 995) with cap_net_admin,cap_net_raw=eip" */
static void say_who(void)
{
	struct passwd *pw = getpwuid(geteuid());
	cap_t c = cap_get_proc();
	char *t = c ? cap_to_text(c, NULL) : NULL;

	log_notice("running as %s (uid %u) with %s", pw ? pw->pw_name : "?",
		   (unsigned)geteuid(), t && *t && strcmp(t, "=") ? t : "no capabilities");
	cap_free(t);
	cap_free(c);
}

int mc_daemon_drop_root(struct mc_daemon *d)
{
	const char *user = mc_conf_get_str(mc_conf_section(d->conf, "system"), "user");
	const struct mc_daemon_ops *o = d->ops;
	struct passwd *pw;
	int rc;

	if (geteuid() != 0) {	/* systemd's User=, or a restart after the drop */
		say_who();
		return 0;
	}
	if (!user || !*user)
		return 0;
	if (!(pw = getpwnam(user))) {
		log_notice("running as root: no user '%s' (systemd-sysusers makes it from "
			   "the installed sysusers.d entry; option user '' keeps root quietly)", user);
		return 0;
	}
	give_state(d, pw->pw_uid, pw->pw_gid);
	/* out of the bounding set: what a later exec could ever get back */
	for (int c = 0; c <= CAP_LAST_CAP; c++) {
		bool kept = false;

		for (unsigned i = 0; i < o->ncaps; i++)
			kept |= o->caps[i] == c;
		if (!kept && cap_drop_bound(c) < 0 && errno != EINVAL) {
			rc = -errno;
			log_err("drop root: bounding set: %s", strerror(-rc));
			return rc;
		}
	}
	if (prctl(PR_SET_KEEPCAPS, 1) < 0 || setgroups(0, NULL) < 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0) {
		rc = -errno;
		log_err("drop root: becoming %s: %s", user, strerror(-rc));
		return rc;
	}
	if ((rc = set_caps(o->caps, o->ncaps)) < 0) {
		log_err("drop root: capabilities: %s", strerror(-rc));
		return rc;
	}
	say_who();
	return 0;
}
