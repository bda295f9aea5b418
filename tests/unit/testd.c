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

/* A table, as daemons answer one: rows of flat objects, keyed by name;
 * set and del change it and publish the change on topic "row". */
static json_object *table;

static json_object *row_new(const char *name, int value)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "name", json_object_new_string(name));
	json_object_object_add(r, "value", json_object_new_int(value));
	return r;
}

static void table_init(void)
{
	table = json_object_new_object();
	json_object_object_add(table, "n", row_new("n", 100));
	json_object_object_add(table, "longer-name", row_new("longer-name", 200));
	json_object_object_add(table, "m", row_new("m", 300));
}

static int cmd_rows(json_object *req, json_object **data, const char **err, void *user)
{
	json_object *rows = json_object_new_array();

	json_object_object_foreach(table, k, r) {
		(void)k;
		json_object_array_add(rows, json_object_get(r));
	}
	*data = rows;
	return 0;
}

static const char *name_arg(json_object *req, const char **err)
{
	json_object *v;

	if (!json_object_object_get_ex(req, "name", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		*err = "needs a string name";
		return NULL;
	}
	return json_object_get_string(v);
}

/* {"name":..,"value":..} */
static int cmd_set(json_object *req, json_object **data, const char **err, void *user)
{
	struct mc_daemon *d = user;
	const char *name = name_arg(req, err);
	json_object *r;

	if (!name)
		return -EINVAL;
	r = row_new(name, json_object_get_int(json_object_object_get(req, "value")));
	json_object_object_add(table, name, json_object_get(r));
	mc_ctl_row_put(d->ctl, "row", r);
	return 0;
}

static int cmd_del(json_object *req, json_object **data, const char **err, void *user)
{
	struct mc_daemon *d = user;
	const char *name = name_arg(req, err);

	if (!name)
		return -EINVAL;
	json_object_object_del(table, name);
	mc_ctl_row_del(d->ctl, "row", json_object_get(req));
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
	{ "rows", cmd_rows, "a table of name/value rows" },
	{ "set", cmd_set, "{name,value}: sets a row" },
	{ "del", cmd_del, "{name}: deletes a row" },
};

static const char *const row_key[] = { "name", NULL };

static const struct mc_ctl_topic topics[] = {
	{ .name = "t", .help = "what emit publishes" },
	{ .name = "row", .help = "the rows table", .dump = "rows", .key = row_key },
};

static const struct mc_daemon_ops ops = {
	.name = "testd",
	.cmds = cmds,
	.ncmds = sizeof(cmds) / sizeof(cmds[0]),
	.topics = topics,
	.ntopics = 2,
	.conf_parts = sm_conf_parts,
	.status = status,
};

int main(int argc, char **argv)
{
	table_init();
	return mc_daemon_main(argc, argv, &ops);
}
