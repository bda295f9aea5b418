/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meshctl watch DAEMON TOPIC: keeps one of a daemon's tables from a dump
 * plus its topic's events (doc/control.md#events), printing each change as
 * it comes ("+" add, "~" change, "-" del, then the row). With --verify it
 * ends by asking for a fresh dump on the same connection and comparing:
 * the proof that the events tell everything. On the libev client, so
 * replies and events interleave freely.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "common/ctl_aclient.h"
#include "common/ctl_view.h"
#include "tools/meshctl/args.h"
#include "tools/meshctl/meshctl.h"

struct watch {
	struct ev_loop *loop;
	struct mc_ctl_aclient *c;
	struct mc_ctl_view *view;
	const char *daemon, *topic;
	char dump[64];
	bool loaded, verify, json, stopping;
	long events;
	int rc;
	ev_timer stop_timer;
	ev_signal sigint, sigterm;
};

static void finish(struct watch *w, int rc)
{
	if (w->rc < 0)
		w->rc = rc;
	ev_break(w->loop, EVBREAK_ALL);
}

static bool reply_ok(struct watch *w, json_object *reply, const char *what)
{
	json_object *v;

	if (!reply) {
		fprintf(stderr, "meshctl: %s: connection lost during %s\n", w->daemon, what);
		finish(w, 1);
		return false;
	}
	if (json_object_object_get_ex(reply, "ok", &v) && json_object_get_boolean(v))
		return true;
	fprintf(stderr, "meshctl: %s: %s: %s\n", w->daemon, what,
		json_object_get_string(json_object_object_get(reply, "error")));
	finish(w, 1);
	return false;
}

static void on_event(void *user, const char *topic, json_object *data)
{
	struct watch *w = user;
	const char *action;

	if (strcmp(topic, w->topic) || !w->loaded)
		return;		/* before the dump's reply: the dump holds it */
	if (mc_ctl_view_apply(w->view, data) < 0) {
		fprintf(stderr, "meshctl: %s: malformed %s event\n", w->daemon, topic);
		return;
	}
	w->events++;
	if (w->json)
		return;
	action = json_object_get_string(json_object_object_get(data, "action"));
	printf("%c %s\n", !strcmp(action, "add") ? '+' : !strcmp(action, "del") ? '-' : '~',
	       json_object_to_json_string_ext(json_object_object_get(data, "row"),
					      JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
}

static void on_closed(void *user, int err)
{
	struct watch *w = user;

	if (!w->stopping)
		fprintf(stderr, "meshctl: %s: connection lost: %s\n", w->daemon, strerror(-err));
	finish(w, 1);
}

static void call(struct watch *w, const char *cmd, mc_ctl_reply_fn *fn)
{
	json_object *req = mc_request(cmd);

	if (mc_ctl_aclient_call(w->c, req, fn, w) < 0)
		finish(w, 1);
	json_object_put(req);
}

static void print_end(struct watch *w)
{
	json_object *rows = mc_ctl_view_rows(w->view);

	if (w->json)
		mc_print_json(rows);
	json_object_put(rows);
}

static void on_verify(void *user, json_object *reply)
{
	struct watch *w = user;
	char diff[512];

	if (!reply_ok(w, reply, w->dump))
		return;
	if (mc_ctl_view_compare(w->view, json_object_object_get(reply, "data"), diff,
				sizeof(diff)) < 0) {
		fprintf(stderr, "meshctl: %s %s: the table kept from events differs from a fresh "
			"dump: %s\n", w->daemon, w->topic, diff);
		finish(w, 1);
		return;
	}
	fprintf(stderr, "%s %s: %zu rows kept from one dump and %ld events equal a fresh dump\n",
		w->daemon, w->topic, mc_ctl_view_count(w->view), w->events);
	print_end(w);
	finish(w, 0);
}

static void stop(struct watch *w)
{
	if (w->stopping)
		return;
	w->stopping = true;
	if (!w->loaded) {
		finish(w, 1);
	} else if (w->verify) {
		call(w, w->dump, on_verify);
	} else {
		print_end(w);
		finish(w, 0);
	}
}

static void on_stop_timer(struct ev_loop *loop, ev_timer *t, int revents)
{
	stop(t->data);
}

static void on_signal(struct ev_loop *loop, ev_signal *s, int revents)
{
	stop(s->data);
}

static void on_dump(void *user, json_object *reply)
{
	struct watch *w = user;
	json_object *rows;

	if (!reply_ok(w, reply, w->dump))
		return;
	rows = json_object_object_get(reply, "data");
	mc_ctl_view_load(w->view, rows);
	w->loaded = true;
	if (!w->json)
		printf("%s %s: %zu rows (the %s table); changes follow\n", w->daemon, w->topic,
		       mc_ctl_view_count(w->view), w->dump);
	fflush(stdout);
}

static void on_subscribed(void *user, json_object *reply)
{
	struct watch *w = user;

	if (reply_ok(w, reply, "subscribe"))
		call(w, w->dump, on_dump);
}

/* The topic's entry in "topics": a table's, with its dump command. */
static void on_topics(void *user, json_object *reply)
{
	struct watch *w = user;
	json_object *info, *dump, *req;

	if (!reply_ok(w, reply, "topics"))
		return;
	info = json_object_object_get(json_object_object_get(reply, "data"), w->topic);
	if (!info || !json_object_object_get_ex(info, "dump", &dump) ||
	    mc_ctl_view_new(&w->view, info) < 0) {
		fprintf(stderr, "meshctl: %s has no table topic '%s' (meshctl raw %s "
			"'{\"cmd\":\"topics\"}' lists them)\n", w->daemon, w->topic, w->daemon);
		finish(w, EXIT_USAGE);
		return;
	}
	snprintf(w->dump, sizeof(w->dump), "%s", json_object_get_string(dump));
	req = mc_request("subscribe");
	json_object_object_add(req, "topic", json_object_new_string(w->topic));
	if (mc_ctl_aclient_call(w->c, req, on_subscribed, w) < 0)
		finish(w, 1);
	json_object_put(req);
}

static void watch_run(struct watch *w, const struct mc_args_watch *a)
{
	ev_signal_init(&w->sigint, on_signal, SIGINT);
	ev_signal_init(&w->sigterm, on_signal, SIGTERM);
	w->sigint.data = w->sigterm.data = w;
	ev_signal_start(w->loop, &w->sigint);
	ev_signal_start(w->loop, &w->sigterm);
	if (a->seconds > 0) {
		ev_timer_init(&w->stop_timer, on_stop_timer, a->seconds, 0.);
		w->stop_timer.data = w;
		ev_timer_start(w->loop, &w->stop_timer);
	}
	call(w, "topics", on_topics);
	ev_run(w->loop, 0);
	ev_timer_stop(w->loop, &w->stop_timer);
	ev_signal_stop(w->loop, &w->sigint);
	ev_signal_stop(w->loop, &w->sigterm);
}

int cmd_watch(const struct opts *o, int argc, char **argv)
{
	static const struct mc_ctl_aclient_ops ops = { on_event, on_closed, NULL };
	struct mc_ctl_aclient_ops wops = ops;
	struct mc_args_watch a;
	struct watch w = { .rc = -1 };
	char err[MC_ARGS_ERRLEN];
	int rc = mc_args_watch(argc, argv, &a, err, sizeof(err));

	if ((rc = mc_args_exit(rc, err, argv[0])) >= 0)
		return rc;
	w = (struct watch){ .loop = ev_default_loop(0), .daemon = argv[a.first],
			    .topic = argv[a.first + 1], .verify = a.verify,
			    .json = a.json || o->json, .rc = -1 };
	wops.user = &w;
	if ((rc = mc_ctl_aclient_open(&w.c, w.loop, o->rundir, w.daemon, &wops)) < 0) {
		fprintf(stderr, "meshctl: %s: %s\n", w.daemon, mc_open_error(rc));
		return EXIT_NOT_RUNNING;
	}
	watch_run(&w, &a);
	mc_ctl_aclient_close(w.c);
	mc_ctl_view_free(w.view);
	return w.rc < 0 ? 1 : w.rc;
}
