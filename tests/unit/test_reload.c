/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reloading a daemon's config (common/daemon.c, mc_daemon_reload) without
 * a loop: a refused config leaves the running one entirely in place and
 * says why; an accepted one replaces it, applies log_level and debug,
 * calls the daemon's hook only for live changes, and reports what needs a
 * restart. The lab test conf_reload.sh does the same to real daemons.
 */
#include "common/daemon.h"
#include "common/log.h"
#include "l2mesh/l2conf.h"
#include "schemas/schemas.h"
#include "tests/unit/check.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static char path[] = "/tmp/sm-reload-XXXXXX";

/* What the daemon's reload hook saw. */
static struct {
	int calls;
	const struct mc_conf *old, *now;
} hook;

static void on_reload(struct mc_daemon *d, const struct mc_conf *old)
{
	hook.calls++;
	hook.old = old;
	hook.now = d->conf;
}

static const struct mc_daemon_ops ops = {
	.name = "testreload",
	.conf_parts = sm_conf_parts,
	.conf_own = &l2_conf_part,
	.reload = on_reload,
};

static void file_write(const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

#define BASE "config lime system\n\toption primary_mac '02:00:00:00:00:07'\n"

/* A daemon with path as its one -c file, loaded as at start. */
static void daemon_init(struct mc_daemon *d, const char **files, const char *text)
{
	memset(d, 0, sizeof(*d));
	d->ops = &ops;
	d->schema = sm_conf_schema();
	files[0] = path;
	d->files = files;
	d->nfiles = 1;
	file_write(text);
	CHECK_INT(mc_conf_load(&d->conf, d->schema, files, 1, NULL, stderr), 0);
	memset(&hook, 0, sizeof(hook));
	mc_log_set_level(MC_LOG_INFO);
	mc_log_set_debug(0);
}

/* data's list `key` joined with ",". */
static const char *list_str(json_object *data, const char *key)
{
	static char out[256];
	json_object *a = json_object_object_get(data, key);
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; a && i < json_object_array_length(a); i++)
		off += (size_t)snprintf(out + off, sizeof(out) - off, "%s%s", i ? "," : "",
					json_object_get_string(json_object_array_get_idx(a, i)));
	return out;
}

static void test_reload_applies(void)
{
	struct mc_daemon d;
	const char *files[1], *err = NULL;
	json_object *data = NULL;
	struct mc_conf *before;
	long v = 0;

	daemon_init(&d, files, BASE);
	before = d.conf;
	file_write(BASE "\toption log_level debug\n\toption debug tt\n"
		   "\toption hostname renamed\n"
		   "config lime network\n\toption hop_penalty 44\n"
		   "\toption l3_hello_interval 500\n");
	CHECK_INT(mc_daemon_reload(&d, &data, &err), 0);
	CHECK(d.conf != before);
	CHECK_INT(hook.calls, 1);
	CHECK(hook.old == before && hook.now == d.conf);
	CHECK_INT(mc_conf_get_int(mc_conf_section(d.conf, "network"), "hop_penalty", &v), 0);
	CHECK_INT(v, 44);
	CHECK_INT(mc_log_level(), MC_LOG_DEBUG);
	CHECK_INT(mc_log_debug(), MC_DBG_TT);
	/* l3_hello_interval is l3routed's: not this daemon's to report */
	CHECK_STR(list_str(data, "applied"), "log_level,debug,hop_penalty");
	CHECK_STR(list_str(data, "restart"), "hostname");
	json_object_put(data);
	mc_conf_free(d.conf);
}

static void test_reload_refused(void)
{
	struct mc_daemon d;
	const char *files[1], *err = NULL;
	json_object *data = NULL;
	struct mc_conf *before;
	char want[512];
	long v = 0;

	daemon_init(&d, files, BASE "config lime network\n\toption hop_penalty 12\n");
	before = d.conf;
	file_write(BASE "\toption log_level debug\n"
		   "config lime network\n\toption hop_penalty 300\n");
	CHECK_INT(mc_daemon_reload(&d, &data, &err), -EINVAL);
	CHECK(d.conf == before);
	CHECK(data == NULL);
	CHECK_INT(hook.calls, 0);
	CHECK_INT(mc_log_level(), MC_LOG_INFO);	/* not even the good line */
	CHECK_INT(mc_conf_get_int(mc_conf_section(d.conf, "network"), "hop_penalty", &v), 0);
	CHECK_INT(v, 12);
	snprintf(want, sizeof(want), "config refused, the running config is kept\n"
		 "%s:5: invalid value '300' for hop_penalty: expected 0..255", path);
	CHECK_STR(err, want);

	unlink(path);	/* unreadable: refused the same way */
	CHECK_INT(mc_daemon_reload(&d, &data, &err), -ENOENT);
	CHECK(d.conf == before);
	snprintf(want, sizeof(want), "config refused, the running config is kept\n"
		 "%s: No such file or directory", path);
	CHECK_STR(err, want);
	mc_conf_free(d.conf);
}

/* Nothing live changed: the hook is not called; restart-only is reported. */
static void test_reload_restart_only(void)
{
	struct mc_daemon d;
	const char *files[1], *err = NULL;
	json_object *data = NULL;

	daemon_init(&d, files, BASE);
	CHECK_INT(mc_daemon_reload(&d, &data, &err), 0);
	CHECK_STR(list_str(data, "applied"), "");
	CHECK_STR(list_str(data, "restart"), "");
	json_object_put(data);
	file_write(BASE "config lime network\n\toption bat0_mtu 1400\n"
		   "config net wan\n\toption linux_name eth1\n\toption role wan\n");
	CHECK_INT(mc_daemon_reload(&d, &data, &err), 0);
	CHECK_INT(hook.calls, 0);
	CHECK_STR(list_str(data, "applied"), "");
	CHECK_STR(list_str(data, "restart"), "bat0_mtu,wan");
	json_object_put(data);
	mc_conf_free(d.conf);
}

int main(void)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return 1;
	close(fd);
	mc_log_init("test_reload", false);
	RUN(test_reload_applies);
	RUN(test_reload_refused);
	RUN(test_reload_restart_only);
	unlink(path);
	return check_exit();
}
