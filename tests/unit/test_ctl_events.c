/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Events over a real control socket: a forked child serves a small table
 * (topics "tab", keyed by k, and "grp", rows grouped by g) and logs on
 * request; the test keeps the table with the libev client and a view, and
 * checks that the view ends equal to a fresh dump. Also the "log" topic
 * and its per-subscriber level, "topics", and unknown topics refused.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/ctl.h"
#include "common/ctl_aclient.h"
#include "common/ctl_view.h"
#include "common/log.h"
#include "tests/unit/check.h"

static char rundir[] = "/tmp/sm-test-ctlev-XXXXXX";
static pid_t server_pid;
static struct mc_ctl_server *srv;
static json_object *tab;	/* the child's table: k -> row */
static json_object *grp;	/* the child's grouped table: g -> rows */

static const char *str_arg(json_object *req, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(req, k, &v) ? json_object_get_string(v) : NULL;
}

/* {"k":..,"v":..,"age":..}: sets row k */
static int cmd_tset(json_object *req, json_object **data, const char **err, void *user)
{
	json_object *row = json_object_new_object();

	json_object_object_foreach(req, name, v)
		if (strcmp(name, "cmd"))
			json_object_object_add(row, name, json_object_get(v));
	json_object_object_add(tab, str_arg(req, "k"), json_object_get(row));
	mc_ctl_row_put(srv, "tab", row);
	return 0;
}

static int cmd_tdel(json_object *req, json_object **data, const char **err, void *user)
{
	json_object_object_del(tab, str_arg(req, "k"));
	mc_ctl_row_del(srv, "tab", json_object_get(req));
	return 0;
}

static int cmd_tdump(json_object *req, json_object **data, const char **err, void *user)
{
	json_object *rows = json_object_new_array();

	json_object_object_foreach(tab, k, row) {
		(void)k;
		json_object_array_add(rows, json_object_get(row));
	}
	*data = rows;
	return 0;
}

/* {"g":..,"rows":[...]}: group g's rows now */
static int cmd_gset(json_object *req, json_object **data, const char **err, void *user)
{
	json_object *rows = json_object_object_get(req, "rows");

	json_object_object_add(grp, str_arg(req, "g"), json_object_get(rows));
	mc_ctl_group_put(srv, "grp", json_object_get(req), json_object_get(rows));
	return 0;
}

static int cmd_gdump(json_object *req, json_object **data, const char **err, void *user)
{
	json_object *out = json_object_new_array();

	json_object_object_foreach(grp, g, rows) {
		(void)g;
		for (size_t i = 0; i < json_object_array_length(rows); i++)
			json_object_array_add(out, json_object_get(
				json_object_array_get_idx(rows, i)));
	}
	*data = out;
	return 0;
}

static int cmd_say(json_object *req, json_object **data, const char **err, void *user)
{
	mc_log(mc_log_level_parse(str_arg(req, "level")), "%s", str_arg(req, "msg"));
	return 0;
}

static const struct mc_ctl_cmd cmds[] = {
	{ "tset", cmd_tset, "" }, { "tdel", cmd_tdel, "" }, { "tdump", cmd_tdump, "" },
	{ "gset", cmd_gset, "" }, { "gdump", cmd_gdump, "" }, { "say", cmd_say, "" },
};

static const char *const tab_key[] = { "k", NULL };
static const char *const tab_vol[] = { "age", NULL };
static const char *const grp_key[] = { "g", "n", NULL };
static const char *const grp_group[] = { "g", NULL };

static const struct mc_ctl_topic topics[] = {
	{ .name = "tab", .help = "a table", .dump = "tdump", .key = tab_key,
	  .volatile_fields = tab_vol },
	{ .name = "grp", .help = "rows in groups", .dump = "gdump", .key = grp_key,
	  .group = grp_group },
};

static void serve(void)
{
	struct ev_loop *loop = ev_default_loop(0);
	struct mc_ctl_server_cfg cfg = {
		.daemon = "evd", .version = "1", .cmds = cmds,
		.ncmds = sizeof(cmds) / sizeof(cmds[0]), .topics = topics, .ntopics = 2,
	};

	signal(SIGPIPE, SIG_IGN);
	mc_log_set_level(MC_LOG_ERR);	/* keep the test's stderr quiet */
	tab = json_object_new_object();
	grp = json_object_new_object();
	if (mc_ctl_server_open(&srv, loop, rundir, &cfg) < 0)
		_exit(3);
	ev_run(loop, 0);
	_exit(0);
}

/* ---- the test's side ---- */

static struct ev_loop *loop;

struct watch {
	struct mc_ctl_aclient *c;
	struct mc_ctl_view *view;
	const char *topic, *dump;
	bool loaded, verified, closed;
	int events;
	char diff[256];
};

static void call_sync(const char *line)
{
	struct mc_ctl_client *c = NULL;
	json_object *req = json_tokener_parse(line), *r = NULL;

	for (int i = 0; i < 200 && mc_ctl_client_open(&c, rundir, "evd") < 0; i++)
		usleep(10000);
	CHECK(c && mc_ctl_client_call(c, req, &r, 3000) == 0);
	CHECK(r && json_object_get_boolean(json_object_object_get(r, "ok")));
	json_object_put(r);
	json_object_put(req);
	mc_ctl_client_close(c);
}

static void on_event(void *user, const char *topic, json_object *data)
{
	struct watch *w = user;

	if (strcmp(topic, w->topic) || !w->loaded)
		return;		/* before the dump's reply: the dump holds it */
	CHECK_INT(mc_ctl_view_apply(w->view, data), 0);
	w->events++;
}

static void on_closed(void *user, int err)
{
	((struct watch *)user)->closed = true;
}

static void on_topics(void *user, json_object *reply)
{
	struct watch *w = user;
	json_object *info = json_object_object_get(json_object_object_get(reply, "data"),
						   w->topic);

	CHECK_INT(mc_ctl_view_new(&w->view, info), 0);
}

static void on_dump(void *user, json_object *reply)
{
	struct watch *w = user;

	CHECK(w->view && mc_ctl_view_load(w->view,
					  json_object_object_get(reply, "data")) == 0);
	w->loaded = true;
}

static void on_verify(void *user, json_object *reply)
{
	struct watch *w = user;

	w->verified = true;
	if (mc_ctl_view_compare(w->view, json_object_object_get(reply, "data"),
				w->diff, sizeof(w->diff)) < 0) {
		fprintf(stderr, "view differs from the dump: %s\n", w->diff);
		CHECK(!"view == dump");
	}
}

static json_object *req_of(const char *s)
{
	return json_tokener_parse(s);
}

static void acall(struct watch *w, const char *line, mc_ctl_reply_fn *fn)
{
	json_object *req = req_of(line);

	CHECK_INT(mc_ctl_aclient_call(w->c, req, fn, w), 0);
	json_object_put(req);
}

static void run_until(bool *flag)
{
	for (int i = 0; i < 3000 && !*flag; i++)
		ev_run(loop, EVRUN_ONCE);
	CHECK(*flag);
}

static void on_ok(void *user, json_object *reply)
{
	CHECK(reply && json_object_get_boolean(json_object_object_get(reply, "ok")));
}

/* topics, subscribe, dump: queued at once, answered in order */
static void watch_start(struct watch *w, const char *topic, const char *dump)
{
	struct mc_ctl_aclient_ops ops = { on_event, on_closed, w };
	char line[128];

	*w = (struct watch){ .topic = topic, .dump = dump };
	CHECK_INT(mc_ctl_aclient_open(&w->c, loop, rundir, "evd", &ops), 0);
	acall(w, "{\"cmd\":\"topics\"}", on_topics);
	snprintf(line, sizeof(line), "{\"cmd\":\"subscribe\",\"topics\":[\"%s\"]}", topic);
	acall(w, line, on_ok);
	snprintf(line, sizeof(line), "{\"cmd\":\"%s\"}", dump);
	acall(w, line, on_dump);
	run_until(&w->loaded);
}

static void watch_verify(struct watch *w)
{
	char line[64];

	snprintf(line, sizeof(line), "{\"cmd\":\"%s\"}", w->dump);
	acall(w, line, on_verify);
	run_until(&w->verified);
	mc_ctl_aclient_close(w->c);
	mc_ctl_view_free(w->view);
}

static void test_table(void)
{
	struct watch w;

	call_sync("{\"cmd\":\"tset\",\"k\":\"a\",\"v\":1,\"age\":1}");
	call_sync("{\"cmd\":\"tset\",\"k\":\"b\",\"v\":2,\"age\":1}");
	watch_start(&w, "tab", "tdump");
	CHECK_INT(mc_ctl_view_count(w.view), 2);
	call_sync("{\"cmd\":\"tset\",\"k\":\"a\",\"v\":1,\"age\":9}");	/* volatile only */
	call_sync("{\"cmd\":\"tset\",\"k\":\"b\",\"v\":2,\"age\":1}");	/* the same */
	call_sync("{\"cmd\":\"tset\",\"k\":\"a\",\"v\":3,\"age\":9}");	/* change */
	call_sync("{\"cmd\":\"tdel\",\"k\":\"b\"}");			/* del */
	call_sync("{\"cmd\":\"tset\",\"k\":\"c\",\"v\":4}");		/* add */
	call_sync("{\"cmd\":\"tdel\",\"k\":\"zz\"}");			/* nothing */
	watch_verify(&w);
	CHECK_INT(w.events, 3);
	CHECK(!w.closed);
}

static void test_groups(void)
{
	struct watch w;

	call_sync("{\"cmd\":\"gset\",\"g\":\"x\",\"rows\":[{\"g\":\"x\",\"n\":1},{\"g\":\"x\",\"n\":2}]}");
	call_sync("{\"cmd\":\"gset\",\"g\":\"y\",\"rows\":[{\"g\":\"y\",\"n\":1}]}");
	watch_start(&w, "grp", "gdump");
	CHECK_INT(mc_ctl_view_count(w.view), 3);
	/* x loses row 1, changes row 2, gains row 3; y goes */
	call_sync("{\"cmd\":\"gset\",\"g\":\"x\",\"rows\":[{\"g\":\"x\",\"n\":2,\"v\":7},{\"g\":\"x\",\"n\":3}]}");
	call_sync("{\"cmd\":\"gset\",\"g\":\"y\",\"rows\":[]}");
	watch_verify(&w);
	CHECK_INT(w.events, 4);
}

/* A view that misses an event no longer matches: the check can fail. */
static void test_view_detects(void)
{
	struct mc_ctl_view *v;
	json_object *info = req_of("{\"key\":[\"k\"],\"volatile\":[\"age\"]}");
	json_object *dump = req_of("[{\"k\":\"a\",\"v\":1,\"age\":3}]");
	char msg[200];

	CHECK_INT(mc_ctl_view_new(&v, info), 0);
	CHECK_INT(mc_ctl_view_load(v, dump), 0);
	json_object *chg = req_of("{\"action\":\"change\",\"row\":{\"k\":\"a\",\"v\":2,\"age\":4}}");
	CHECK_INT(mc_ctl_view_apply(v, chg), 0);
	CHECK_INT(mc_ctl_view_compare(v, dump, msg, sizeof(msg)), -ESTALE);
	CHECK(strstr(msg, "\"v\"") || strstr(msg, "v is"));
	json_object *dump2 = req_of("[{\"k\":\"a\",\"v\":2,\"age\":99}]");
	CHECK_INT(mc_ctl_view_compare(v, dump2, msg, sizeof(msg)), 0);	/* age is volatile */
	json_object *dump3 = req_of("[{\"k\":\"a\",\"v\":2},{\"k\":\"b\"}]");
	CHECK_INT(mc_ctl_view_compare(v, dump3, msg, sizeof(msg)), -ESTALE);
	CHECK(strstr(msg, "not in the view"));
	json_object *bad = req_of("{\"action\":\"move\",\"row\":{\"k\":\"a\"}}");
	CHECK_INT(mc_ctl_view_apply(v, bad), -EINVAL);
	json_object *null_action = req_of("{\"action\":null,\"row\":{\"k\":\"a\"}}");
	CHECK_INT(mc_ctl_view_apply(v, null_action), -EINVAL);	/* found by fuzz_ctl_view */
	json_object_put(null_action);
	json_object *nokey = req_of("{\"volatile\":[]}");
	struct mc_ctl_view *v2;
	CHECK_INT(mc_ctl_view_new(&v2, nokey), -EINVAL);
	json_object_put(info); json_object_put(dump); json_object_put(chg);
	json_object_put(dump2); json_object_put(dump3); json_object_put(bad);
	json_object_put(nokey);
	mc_ctl_view_free(v);
}

struct logwatch {
	int warnings, debugs;
	bool done;
};

static void on_log(void *user, const char *topic, json_object *data)
{
	struct logwatch *l = user;
	const char *lvl = json_object_get_string(json_object_object_get(data, "level"));

	CHECK_STR(topic, "log");
	l->warnings += !strcmp(lvl, "warning");
	l->debugs += !strcmp(lvl, "debug");
}

static void on_done(void *user, json_object *reply)
{
	((struct logwatch *)user)->done = true;
}

/* log lines as events, each subscriber with its own level */
static void test_log_topic(void)
{
	struct logwatch dflt = { 0 }, dbg = { 0 };
	struct mc_ctl_aclient_ops o1 = { on_log, NULL, &dflt }, o2 = { on_log, NULL, &dbg };
	struct mc_ctl_aclient *c1, *c2;
	json_object *s1 = req_of("{\"cmd\":\"subscribe\",\"topic\":\"log\"}");
	json_object *s2 = req_of("{\"cmd\":\"subscribe\",\"topic\":\"log\",\"log_level\":\"debug\"}");
	json_object *nop = req_of("{\"cmd\":\"topics\"}");

	CHECK_INT(mc_ctl_aclient_open(&c1, loop, rundir, "evd", &o1), 0);
	CHECK_INT(mc_ctl_aclient_open(&c2, loop, rundir, "evd", &o2), 0);
	CHECK_INT(mc_ctl_aclient_call(c1, s1, on_done, &dflt), 0);
	CHECK_INT(mc_ctl_aclient_call(c2, s2, on_done, &dbg), 0);
	run_until(&dflt.done);
	run_until(&dbg.done);
	call_sync("{\"cmd\":\"say\",\"level\":\"warning\",\"msg\":\"w\"}");
	call_sync("{\"cmd\":\"say\",\"level\":\"debug\",\"msg\":\"d\"}");
	dflt.done = dbg.done = false;
	CHECK_INT(mc_ctl_aclient_call(c1, nop, on_done, &dflt), 0);
	CHECK_INT(mc_ctl_aclient_call(c2, nop, on_done, &dbg), 0);
	run_until(&dflt.done);
	run_until(&dbg.done);
	CHECK_INT(dflt.warnings, 1);
	CHECK_INT(dflt.debugs, 0);
	CHECK_INT(dbg.warnings, 1);
	CHECK_INT(dbg.debugs, 1);
	mc_ctl_aclient_close(c1);
	mc_ctl_aclient_close(c2);
	json_object_put(s1); json_object_put(s2); json_object_put(nop);
}

static void on_reply_keep(void *user, json_object *reply)
{
	json_object **out = user;

	*out = reply ? json_object_get(reply) : json_object_new_null();
}

static void test_unknown_topic_and_topics(void)
{
	struct mc_ctl_aclient_ops o = { NULL, NULL, NULL };
	struct mc_ctl_aclient *c;
	json_object *sub = req_of("{\"cmd\":\"subscribe\",\"topics\":[\"nope\"]}");
	json_object *top = req_of("{\"cmd\":\"topics\"}"), *r1 = NULL, *r2 = NULL;

	CHECK_INT(mc_ctl_aclient_open(&c, loop, rundir, "evd", &o), 0);
	CHECK_INT(mc_ctl_aclient_call(c, sub, on_reply_keep, &r1), 0);
	CHECK_INT(mc_ctl_aclient_call(c, top, on_reply_keep, &r2), 0);
	CHECK_INT(mc_ctl_aclient_pending(c), 2);
	for (int i = 0; i < 3000 && !r2; i++)
		ev_run(loop, EVRUN_ONCE);
	CHECK(r1 && !json_object_get_boolean(json_object_object_get(r1, "ok")));
	json_object *t = json_object_object_get(json_object_object_get(r2, "data"), "grp");
	CHECK_STR(json_object_get_string(json_object_object_get(t, "dump")), "gdump");
	CHECK_INT(json_object_array_length(json_object_object_get(t, "key")), 2);
	CHECK(json_object_object_get(json_object_object_get(r2, "data"), "log"));
	mc_ctl_aclient_close(c);
	json_object_put(sub); json_object_put(top); json_object_put(r1); json_object_put(r2);
}

struct lostwatch {
	int replies_null;
	bool closed;
};

static void on_lost_reply(void *user, json_object *reply)
{
	((struct lostwatch *)user)->replies_null += !reply;
}

static void on_lost_closed(void *user, int err)
{
	((struct lostwatch *)user)->closed = true;
}

/* the server goes: pending replies get NULL, then closed */
static void test_server_gone(void)
{
	struct lostwatch lw = { 0 };
	struct mc_ctl_aclient_ops o = { NULL, on_lost_closed, &lw };
	struct mc_ctl_aclient *c;
	json_object *req = req_of("{\"cmd\":\"topics\"}");

	CHECK_INT(mc_ctl_aclient_open(&c, loop, rundir, "evd", &o), 0);
	if (!c) {
		json_object_put(req);
		return;
	}
	kill(server_pid, SIGKILL);
	waitpid(server_pid, NULL, 0);
	server_pid = 0;
	mc_ctl_aclient_call(c, req, on_lost_reply, &lw);
	run_until(&lw.closed);
	CHECK_INT(lw.replies_null, 1);
	CHECK_INT(mc_ctl_aclient_call(c, req, on_lost_reply, &lw), -ENOTCONN);
	mc_ctl_aclient_close(c);
	json_object_put(req);
}

/*
 * The table's last subscriber goes while an event of that table is being
 * sent to it (it wrote a change and closed at once: the event's send
 * fails, the connection closes, nobody watches the table any more). The
 * server must not free the table under the change being made (seen as
 * l3routed segfaults when labs stopped their monitors; ASan shows it
 * as a heap-use-after-free in the unsanitized build's place).
 */
static void test_last_subscriber_gone_mid_event(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char sub[] = "{\"cmd\":\"subscribe\",\"topics\":[\"tab\",\"grp\"]}\n";
	char buf[4096], line[256];
	int status;

	for (int round = 0; round < 20; round++) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		ssize_t n;

		mc_ctl_socket_path(sa.sun_path, sizeof(sa.sun_path), rundir, "evd");
		CHECK(fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
		CHECK(write(fd, sub, sizeof(sub) - 1) == (ssize_t)sizeof(sub) - 1);
		n = read(fd, buf, sizeof(buf) - 1);	/* the subscribe's reply */
		CHECK(n > 0);
		n = snprintf(line, sizeof(line), round % 2 ?
			     "{\"cmd\":\"tset\",\"k\":\"gone%d\",\"v\":%d}\n" :
			     "{\"cmd\":\"gset\",\"g\":\"gone\",\"rows\":[{\"g\":\"gone\",\"n\":%d,\"v\":%d}]}\n",
			     round, round);
		CHECK(write(fd, line, (size_t)n) == n);
		close(fd);
		call_sync("{\"cmd\":\"tdump\"}");	/* still serving */
	}
	CHECK_INT(waitpid(server_pid, &status, WNOHANG), 0);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(rundir))
		return 1;
	server_pid = fork();
	if (server_pid == 0)
		serve();
	loop = ev_default_loop(0);
	RUN(test_view_detects);
	RUN(test_table);
	RUN(test_groups);
	RUN(test_log_topic);
	RUN(test_unknown_topic_and_topics);
	RUN(test_last_subscriber_gone_mid_event);
	RUN(test_server_gone);
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
	}
	char path[256];
	mc_ctl_socket_path(path, sizeof(path), rundir, "evd");
	unlink(path);
	rmdir(rundir);
	return check_exit();
}
