/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control server past line splitting (common/ctl_server.c,
 * ctl_builtin.c, ctl_rows.c): a real server on a libev loop, a fake
 * daemon's command table and topics. Each input is one client's byte
 * stream, sent on a fresh connection and then half-closed; the loop runs
 * until the server has dropped the client. The fake commands echo their
 * arguments, fail with a message taken from the request, and report rows
 * of a table topic ("things", keyed by "name", grouped by "grp") taken
 * from the request, so subscriptions, dumps and add/change/del events are
 * all driven by the input.
 *
 * The fake daemon keeps the API's contract as a real one does (rows are
 * objects, a dump is an array): the requests are the fuzzed input, not
 * what a daemon hands the server.
 *
 * Every line the client gets back must be a JSON object that is a reply
 * ({"ok":true|false,...}, an error with a message) or an event
 * ({"event":topic,"data":...}). The server is made once; what one client
 * leaves behind (the global log level, the fake table) is reset per input.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/ctl_int.h"
#include "common/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) abort(); } while (0)
#define REPLY_MAX (4u << 20)	/* what one input may get back, at most */

static struct ev_loop *loop;
static struct mc_ctl_server *srv;
static json_object *table;	/* the fake daemon's "things" rows */
static FILE *devnull;

static int cmd_echo(json_object *req, json_object **data, const char **err, void *u)
{
	*data = json_object_get(req);
	return 0;
}

static int cmd_fail(json_object *req, json_object **data, const char **err, void *u)
{
	static char buf[64];
	json_object *v;

	if (json_object_object_get_ex(req, "msg", &v)) {
		snprintf(buf, sizeof(buf), "%s", json_object_get_string(v));
		*err = buf;
	}
	*data = json_object_new_string("dropped on failure");
	return -EINVAL;
}

static int cmd_dump(json_object *req, json_object **data, const char **err, void *u)
{
	*data = json_object_get(table);
	return 0;
}

/* {"cmd":"put","row":{...}}: a row as it is now (kept for the next dump) */
static int cmd_put(json_object *req, json_object **data, const char **err, void *u)
{
	json_object *row;

	if (!json_object_object_get_ex(req, "row", &row) ||
	    !json_object_is_type(row, json_type_object)) {
		*err = "no row object";
		return -EINVAL;
	}
	if (json_object_array_length(table) < 64)
		json_object_array_add(table, json_object_get(row));
	mc_ctl_row_put(srv, "things", json_object_get(row));
	return 0;
}

static bool is_obj(json_object *o)
{
	return json_object_is_type(o, json_type_object);
}

/* The objects among v's elements (v an array), or NULL. */
static json_object *objects_of(json_object *v)
{
	json_object *a;

	if (!json_object_is_type(v, json_type_array))
		return NULL;
	a = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(v); i++)
		if (is_obj(json_object_array_get_idx(v, i)))
			json_object_array_add(a, json_object_get(json_object_array_get_idx(v, i)));
	return a;
}

/* {"cmd":"group","group":{...},"rows":[{...}...]} or a deletion by "key" */
static int cmd_group(json_object *req, json_object **data, const char **err, void *u)
{
	json_object *g, *rows = NULL, *key;

	if (json_object_object_get_ex(req, "key", &key) && is_obj(key)) {
		mc_ctl_row_del(srv, "things", json_object_get(key));
		return 0;
	}
	if (!json_object_object_get_ex(req, "group", &g) || !is_obj(g))
		return -EINVAL;	/* no message: the server's strerror */
	json_object_object_get_ex(req, "rows", &rows);
	mc_ctl_group_put(srv, "things", json_object_get(g), objects_of(rows));
	return 0;
}

/* {"cmd":"publish","topic":T,"data":D}: a plain event */
static int cmd_publish(json_object *req, json_object **data, const char **err, void *u)
{
	json_object *t, *d = NULL;

	if (!json_object_object_get_ex(req, "topic", &t))
		return -EINVAL;
	json_object_object_get_ex(req, "data", &d);
	mc_ctl_publish(srv, json_object_get_string(t), json_object_get(d));
	return 0;
}

static void status_extra(json_object *st, void *u)
{
	json_object_object_add(st, "things", json_object_new_int(
		(int)json_object_array_length(table)));
}

static const char *const key_name[] = { "grp", "name", NULL };
static const char *const key_grp[] = { "grp", NULL };
static const char *const vol_age[] = { "age", NULL };

static const struct mc_ctl_cmd cmds[] = {
	{ "echo", cmd_echo, "the request back" },
	{ "fail", cmd_fail, "an error with msg" },
	{ "things", cmd_dump, "the table" },
	{ "put", cmd_put, "a row changed" },
	{ "group", cmd_group, "a group changed" },
	{ "publish", cmd_publish, "an event" },
};

static const struct mc_ctl_topic topics[] = {
	{ "things", "rows", "things", key_name, key_grp, vol_age },
	{ "flat", "rows keyed by name", "things", key_name + 1, NULL, NULL },
	{ "news", "plain events", NULL, NULL, NULL, NULL },
	{ "broken", "a dump command that does not exist", "nothing", key_name, NULL, NULL },
};

static char dir[] = "/tmp/fuzz_ctl_server.XXXXXX";

/* At exit: the socket (unlinked by the close) and its directory go. */
static void cleanup(void)
{
	mc_ctl_server_close(srv);
	rmdir(dir);
}

static void setup(void)
{
	struct mc_ctl_server_cfg cfg = {
		.daemon = "fuzzd", .version = "0",
		.cmds = cmds, .ncmds = sizeof(cmds) / sizeof(cmds[0]),
		.topics = topics, .ntopics = sizeof(topics) / sizeof(topics[0]),
		.status = status_extra,
	};

	ENSURE(mkdtemp(dir));
	loop = ev_default_loop(0);
	ENSURE(mc_ctl_server_open(&srv, loop, dir, &cfg) == 0);
	atexit(cleanup);
	/* the socket stays open; its name is not needed once connected */
	devnull = fopen("/dev/null", "w");
	ENSURE(devnull);
}

static void check_line(const char *line, size_t len)
{
	json_object *o = mc_ctl_line_parse(line, len), *v;

	ENSURE(o && json_object_is_type(o, json_type_object));
	if (json_object_object_get_ex(o, "event", &v)) {
		ENSURE(json_object_is_type(v, json_type_string));
		ENSURE(json_object_object_get_ex(o, "data", &v));
	} else {
		ENSURE(json_object_object_get_ex(o, "ok", &v));
		ENSURE(json_object_is_type(v, json_type_boolean));
		if (!json_object_get_boolean(v)) {
			ENSURE(json_object_object_get_ex(o, "error", &v));
			ENSURE(json_object_is_type(v, json_type_string));
		}
	}
	json_object_put(o);
}

/* Whole lines of what came back so far are checked and dropped. */
static void check_replies(char *buf, size_t *len)
{
	char *p = buf, *nl;

	while ((nl = memchr(p, '\n', *len - (size_t)(p - buf)))) {
		check_line(p, (size_t)(nl - p));
		p = nl + 1;
	}
	*len -= (size_t)(p - buf);
	memmove(buf, p, *len);
}

static int client_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	ENSURE(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", mc_ctl_server_path(srv));
	ENSURE(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	return fd;
}

/* Sends data, reads until the server hangs up; returns the bytes read. */
static size_t converse(int fd, const uint8_t *data, size_t size)
{
	static char rbuf[1u << 17];
	size_t off = 0, rlen = 0, total = 0;
	bool eof = false;

	while (!eof) {
		if (off < size) {
			ssize_t n = send(fd, data + off, size - off, MSG_NOSIGNAL);
			if (n > 0)
				off += (size_t)n;
			if (off == size)
				shutdown(fd, SHUT_WR);
		} else if (!size) {
			shutdown(fd, SHUT_WR);
		}
		ev_run(loop, EVRUN_NOWAIT);
		for (;;) {
			ssize_t n = recv(fd, rbuf + rlen, sizeof(rbuf) - rlen, 0);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
				eof = true;
			if (n <= 0)
				break;
			rlen += (size_t)n;
			total += (size_t)n;
			ENSURE(total <= REPLY_MAX);
			check_replies(rbuf, &rlen);
			/* a line longer than the buffer is no reply to a short request */
			ENSURE(rlen < sizeof(rbuf));
		}
	}
	return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *err = stderr;
	int fd;

	if (!srv)
		setup();
	table = json_object_new_array();
	mc_log_set_level(MC_LOG_INFO);
	mc_log_set_debug(0);
	fd = client_connect();
	stderr = devnull;	/* log lines a client turned on */
	converse(fd, data, size);
	stderr = err;
	close(fd);
	/* the server saw the hang-up: no client, no subscription, no table kept */
	while (srv->nconns)
		ev_run(loop, EVRUN_NOWAIT);
	ENSURE(srv->nconns == 0 && mc_ctl_subscribers(srv, "things") == 0);
	for (unsigned i = 0; i < srv->cfg.ntopics; i++)
		ENSURE(!srv->tables[i]);
	json_object_put(table);
	table = NULL;
	return 0;
}
