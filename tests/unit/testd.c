/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A test fixture, not a product: the smallest daemon built on
 * mc_daemon_main, so meshctl and the daemon skeleton (-n, -nv, control
 * socket, signals) are tested before the real daemons exist.
 */
#include <errno.h>

#include "common/daemon.h"
#include "schemas/schemas.h"

static int cmd_echo(json_object *req, json_object **data, const char **err, void *user)
{
	json_object *v;

	if (!json_object_object_get_ex(req, "arg", &v)) {
		*err = "echo needs arg";
		return -EINVAL;
	}
	*data = json_object_get(v);
	return 0;
}

static int cmd_emit(json_object *req, json_object **data, const char **err, void *user)
{
	struct mc_daemon *d = user;

	mc_ctl_publish(d->ctl, "t", json_object_new_string("tick"));
	return 0;
}

/* A table, as daemons will answer one: rows of flat objects. */
static int cmd_rows(json_object *req, json_object **data, const char **err, void *user)
{
	json_object *rows = json_object_new_array();

	for (int i = 1; i <= 3; i++) {
		json_object *r = json_object_new_object();
		json_object_object_add(r, "name", json_object_new_string(i == 2 ? "longer-name" : "n"));
		json_object_object_add(r, "value", json_object_new_int(i * 100));
		json_object_array_add(rows, r);
	}
	*data = rows;
	return 0;
}

static void status(struct mc_daemon *d, json_object *st)
{
	json_object_object_add(st, "hostname", json_object_new_string(
		mc_conf_get_str(mc_conf_section(d->conf, "system"), "hostname")));
}

static const struct mc_ctl_cmd cmds[] = {
	{ "echo", cmd_echo, "returns arg" },
	{ "emit", cmd_emit, "publishes an event on topic t" },
	{ "rows", cmd_rows, "a three-row table" },
};

static const struct mc_ctl_topic topics[] = {
	{ .name = "t", .help = "what emit publishes" },
};

static const struct mc_daemon_ops ops = {
	.name = "testd",
	.cmds = cmds,
	.ncmds = sizeof(cmds) / sizeof(cmds[0]),
	.topics = topics,
	.ntopics = 1,
	.conf_parts = sm_conf_parts,
	.status = status,
};

int main(int argc, char **argv)
{
	return mc_daemon_main(argc, argv, &ops);
}
