/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The commands every daemon answers (help, status, topics, subscribe,
 * unsubscribe, log) and the "log" topic: log lines as events, each
 * subscriber choosing the highest level it wants.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/ctl_int.h"
#include "common/log.h"

const struct mc_ctl_topic ctl_log_topic = {
	.name = "log",
	.help = "log lines {level, msg}; subscribe with \"log_level\" (default info)",
};

/* The server whose log topic the sink feeds (one server per process). */
static struct mc_ctl_server *log_srv;

static void log_sink(void *user, int level, const char *line)
{
	struct mc_ctl_server *srv = user;
	json_object *ev = NULL;

	ctl_busy(srv);
	for (struct mc_ctl_conn *c = srv->conns; c; c = c->next) {
		if (level > c->log_level || !ctl_conn_subscribed(c, ctl_log_topic.name))
			continue;
		if (!ev) {
			json_object *d = json_object_new_object();
			json_object_object_add(d, "level", json_object_new_string(
				mc_log_level_name(level)));
			json_object_object_add(d, "msg", json_object_new_string(line));
			ev = mc_ctl_event(ctl_log_topic.name, d);
		}
		ctl_conn_send(c, json_object_get(ev));
	}
	ctl_unbusy(srv);
	json_object_put(ev);
}

void ctl_subs_changed(struct mc_ctl_server *srv)
{
	int level = 0;

	for (struct mc_ctl_conn *c = srv->conns; c; c = c->next)
		if (!c->dead && ctl_conn_subscribed(c, ctl_log_topic.name) &&
		    c->log_level > level)
			level = c->log_level;
	if (level) {
		log_srv = srv;
		mc_log_set_sink(log_sink, srv, level);
	} else if (log_srv == srv) {
		mc_log_set_sink(NULL, NULL, 0);
	}
	ctl_tables_sync(srv);
}

static int sub_add(struct mc_ctl_conn *c, json_object *t, const char **err)
{
	const char *topic = json_object_get_string(t);

	if (!json_object_is_type(t, json_type_string) || !*topic ||
	    strlen(topic) >= MC_CTL_TOPIC_MAX) {
		*err = "topics must be non-empty strings under 32 bytes";
		return -EINVAL;
	}
	if (strcmp(topic, "*") && !ctl_topic_find(c->srv, topic)) {
		*err = "unknown topic (the topics command lists them)";
		return -ENOENT;
	}
	for (unsigned i = 0; i < c->nsubs; i++)
		if (!strcmp(c->subs[i], topic))
			return 0;
	if (c->nsubs == MC_CTL_SUBS_MAX) {
		*err = "too many subscriptions";
		return -ENOSPC;
	}
	strcpy(c->subs[c->nsubs++], topic);
	return 0;
}

static int sub_topics(struct mc_ctl_conn *c, json_object *req, const char **err)
{
	json_object *t;

	if (json_object_object_get_ex(req, "topic", &t))
		return sub_add(c, t, err);
	if (!json_object_object_get_ex(req, "topics", &t) ||
	    !json_object_is_type(t, json_type_array)) {
		*err = "subscribe needs \"topic\" or \"topics\"";
		return -EINVAL;
	}
	for (size_t i = 0; i < json_object_array_length(t); i++) {
		int rc = sub_add(c, json_object_array_get_idx(t, i), err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * {"cmd":"subscribe","topics":["a","b"]} or "topic":"a"; "*" is every
 * topic. "log_level" sets the highest level of log events this client
 * gets (default info). Replies with every topic the client now has.
 */
static int cmd_subscribe(struct mc_ctl_conn *c, json_object *req, json_object **data,
			 const char **err)
{
	json_object *v;
	int level = c->log_level, rc;

	if (json_object_object_get_ex(req, "log_level", &v) &&
	    (level = mc_log_level_parse(json_object_get_string(v))) < 0) {
		*err = "log_level must be error, warning, notice, info or debug";
		return -EINVAL;
	}
	if ((rc = sub_topics(c, req, err)) < 0) {
		ctl_subs_changed(c->srv);
		return rc;
	}
	c->log_level = level;
	ctl_subs_changed(c->srv);
	json_object *arr = json_object_new_array();
	for (unsigned i = 0; i < c->nsubs; i++)
		json_object_array_add(arr, json_object_new_string(c->subs[i]));
	*data = arr;
	return 0;
}

static int cmd_unsubscribe(struct mc_ctl_conn *c, json_object *req, json_object **data,
			   const char **err)
{
	c->nsubs = 0;
	ctl_subs_changed(c->srv);
	return 0;
}

static int cmd_log(struct mc_ctl_conn *c, json_object *req, json_object **data,
		   const char **err)
{
	json_object *v;
	char dbg[128];

	if (json_object_object_get_ex(req, "debug", &v)) {
		uint32_t mask;
		if (!json_object_is_type(v, json_type_string) ||
		    mc_log_debug_parse(json_object_get_string(v), &mask) < 0) {
			*err = "unknown debug category (batman, routes, tt, bcast, frag, ctl, conf, l3, gw, dhcp, alfred, kernel, all, none)";
			return -EINVAL;
		}
		mc_log_set_debug(mask);
	}
	if (json_object_object_get_ex(req, "level", &v)) {
		int lvl = mc_log_level_parse(json_object_get_string(v));
		if (lvl < 0) {
			*err = "level must be error, warning, notice, info or debug";
			return -EINVAL;
		}
		mc_log_set_level(lvl);
	}
	*data = json_object_new_object();
	json_object_object_add(*data, "level", json_object_new_string(
		mc_log_level_name(mc_log_level())));
	json_object_object_add(*data, "debug", json_object_new_string(
		mc_log_debug_format(mc_log_debug(), dbg, sizeof(dbg))));
	return 0;
}

static int cmd_status(struct mc_ctl_conn *c, json_object *req, json_object **data,
		      const char **err)
{
	struct mc_ctl_server *srv = c->srv;
	json_object *o = json_object_new_object();
	char dbg[128];

	json_object_object_add(o, "daemon", json_object_new_string(srv->cfg.daemon));
	json_object_object_add(o, "version", json_object_new_string(srv->cfg.version));
	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	json_object_object_add(o, "uptime_s",
			       json_object_new_int64(time(NULL) - srv->started));
	json_object_object_add(o, "debug", json_object_new_string(
		mc_log_debug_format(mc_log_debug(), dbg, sizeof(dbg))));
	if (srv->cfg.status)
		srv->cfg.status(o, srv->cfg.user);
	*data = o;
	return 0;
}

static int cmd_topics(struct mc_ctl_conn *c, json_object *req, json_object **data,
		      const char **err)
{
	*data = ctl_topics_json(c->srv);
	return 0;
}

static int cmd_help(struct mc_ctl_conn *c, json_object *req, json_object **data,
		    const char **err);

static const struct {
	const char *name;
	ctl_builtin_fn *fn;
	const char *help;
} builtins[] = {
	{ "help", cmd_help, "list commands" },
	{ "status", cmd_status, "daemon, version, pid, uptime and state" },
	{ "topics", cmd_topics, "event topics: what each carries, and for tables the dump command and row key" },
	{ "subscribe", cmd_subscribe, "stream events: {\"topics\":[...]} (\"*\" for all), \"log_level\" for log events" },
	{ "unsubscribe", cmd_unsubscribe, "stop every event stream" },
	{ "log", cmd_log, "show or set {\"level\":...,\"debug\":\"batman,tt\"}" },
};
#define N_BUILTINS (sizeof(builtins) / sizeof(builtins[0]))

static int cmd_help(struct mc_ctl_conn *c, json_object *req, json_object **data,
		    const char **err)
{
	const struct mc_ctl_server_cfg *cfg = &c->srv->cfg;
	json_object *o = json_object_new_object();

	for (size_t i = 0; i < N_BUILTINS; i++)
		json_object_object_add(o, builtins[i].name,
				       json_object_new_string(builtins[i].help));
	for (unsigned i = 0; i < cfg->ncmds; i++)
		json_object_object_add(o, cfg->cmds[i].name, json_object_new_string(
			cfg->cmds[i].help ? cfg->cmds[i].help : ""));
	*data = o;
	return 0;
}

ctl_builtin_fn *ctl_builtin_find(const char *name)
{
	for (size_t i = 0; i < N_BUILTINS; i++)
		if (!strcmp(name, builtins[i].name))
			return builtins[i].fn;
	return NULL;
}
