/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control sockets over a real unix socket: a forked child serves with the
 * real libev server, the test talks to it with the real client.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/ctl.h"
#include "common/log.h"
#include "tests/unit/check.h"

static char rundir[] = "/tmp/sm-test-ctl-XXXXXX";
static pid_t server_pid;
static struct mc_ctl_server *srv;

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
	json_object *v;
	const char *topic = json_object_object_get_ex(req, "topic", &v) ?
			    json_object_get_string(v) : "t";

	mc_ctl_publish(srv, topic, json_object_new_int(42));
	return 0;
}

/* a reply of n bytes (one string) */
static int cmd_big(json_object *req, json_object **data, const char **err, void *user)
{
	json_object *v;
	size_t n = json_object_object_get_ex(req, "n", &v) ? (size_t)json_object_get_int64(v) : 0;
	char *s = malloc(n + 1);

	if (!s)
		return -ENOMEM;
	memset(s, 'x', n);
	s[n] = 0;
	*data = json_object_new_string(s);
	free(s);
	return 0;
}

static void add_status(json_object *st, void *user)
{
	json_object_object_add(st, "answer", json_object_new_int(42));
}

static const struct mc_ctl_cmd test_cmds[] = {
	{ "echo", cmd_echo, "returns arg" },
	{ "emit", cmd_emit, "publishes 42 on topic" },
	{ "big", cmd_big, "a string of n bytes" },
};

static const struct mc_ctl_topic test_topics[] = {
	{ .name = "t", .help = "what emit publishes" },
	{ .name = "other", .help = "another topic" },
};

static void serve(void)
{
	struct ev_loop *loop = ev_default_loop(0);
	struct mc_ctl_server_cfg cfg = {
		.daemon = "testd", .version = "9.9", .cmds = test_cmds, .ncmds = 3,
		.topics = test_topics, .ntopics = 2, .status = add_status,
	};

	signal(SIGPIPE, SIG_IGN);
	if (mc_ctl_server_open(&srv, loop, rundir, &cfg) < 0)
		_exit(3);
	ev_run(loop, 0);
	_exit(0);
}

static struct mc_ctl_client *connect_retry(void)
{
	struct mc_ctl_client *c = NULL;

	for (int i = 0; i < 200; i++) {
		if (mc_ctl_client_open(&c, rundir, "testd") == 0)
			return c;
		usleep(10000);
	}
	return NULL;
}

static json_object *call_str(struct mc_ctl_client *c, const char *line)
{
	json_object *reply = NULL;

	if (mc_ctl_client_send_raw(c, line, strlen(line)) < 0 ||
	    mc_ctl_client_read(c, &reply, 3000) < 0)
		return NULL;
	return reply;
}

static bool reply_ok(json_object *r)
{
	json_object *ok;

	return r && json_object_object_get_ex(r, "ok", &ok) && json_object_get_boolean(ok);
}

static const char *reply_error(json_object *r)
{
	json_object *e;

	return r && json_object_object_get_ex(r, "error", &e) ? json_object_get_string(e) : "";
}

static void test_status(void)
{
	struct mc_ctl_client *c = connect_retry();
	json_object *r, *d, *v;

	CHECK(c);
	if (!c)
		return;
	r = call_str(c, "{\"cmd\":\"status\"}\n");
	CHECK(reply_ok(r));
	CHECK(json_object_object_get_ex(r, "data", &d));
	CHECK(json_object_object_get_ex(d, "pid", &v) && json_object_get_int(v) == server_pid);
	CHECK_STR(json_object_get_string(json_object_object_get(d, "daemon")), "testd");
	CHECK_INT(json_object_get_int(json_object_object_get(d, "answer")), 42);
	json_object_put(r);
	mc_ctl_client_close(c);
}

static void test_socket_mode(void)
{
	char path[256];
	struct stat st;

	mc_ctl_socket_path(path, sizeof(path), rundir, "testd");
	CHECK(stat(path, &st) == 0);
	CHECK(S_ISSOCK(st.st_mode));
	CHECK_INT(st.st_mode & 0777, 0660);
}

static void test_echo_and_errors(void)
{
	struct mc_ctl_client *c = connect_retry();
	json_object *r;

	if (!c)
		return;
	r = call_str(c, "{\"cmd\":\"echo\",\"arg\":[1,\"x\"]}\n");
	CHECK(reply_ok(r));
	CHECK_STR(json_object_to_json_string_ext(json_object_object_get(r, "data"),
						 JSON_C_TO_STRING_PLAIN), "[1,\"x\"]");
	json_object_put(r);

	r = call_str(c, "{\"cmd\":\"echo\"}\n");
	CHECK(!reply_ok(r));
	CHECK_STR(reply_error(r), "echo needs arg");
	json_object_put(r);

	r = call_str(c, "{\"cmd\":\"nope\"}\n");
	CHECK(!reply_ok(r));
	CHECK(strstr(reply_error(r), "unknown command"));
	json_object_put(r);

	/* two requests in one write, CRLF on the second, blank line between */
	static const char two[] = "{\"cmd\":\"echo\",\"arg\":1}\n\n{\"cmd\":\"echo\",\"arg\":2}\r\n";
	CHECK(mc_ctl_client_send_raw(c, two, strlen(two)) == 0);
	CHECK(mc_ctl_client_read(c, &r, 3000) == 0);
	CHECK_INT(json_object_get_int(json_object_object_get(r, "data")), 1);
	json_object_put(r);
	CHECK(mc_ctl_client_read(c, &r, 3000) == 0);
	CHECK_INT(json_object_get_int(json_object_object_get(r, "data")), 2);
	json_object_put(r);
	mc_ctl_client_close(c);
}

static void test_garbage(void)
{
	static const char *const bad[] = {
		"not json at all\n",
		"{\"cmd\":\n",
		"[1,2,3]\n",
		"\"cmd\"\n",
		"{\"nocmd\":1}\n",
		"{\"cmd\":5}\n",
		"{\"cmd\":\"\"}\n",
		"{\"cmd\":\"status\"} trailing\n",
		"\xff\xfe\x00\x01\n",
	};
	struct mc_ctl_client *c = connect_retry();
	json_object *r;

	if (!c)
		return;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = i == 8 ? 5 : strlen(bad[i]);
		CHECK(mc_ctl_client_send_raw(c, bad[i], len) == 0);
		r = NULL;
		CHECK(mc_ctl_client_read(c, &r, 3000) == 0);
		CHECK(r && !reply_ok(r));
		CHECK(strstr(reply_error(r), "bad "));
		json_object_put(r);
	}
	/* nesting far deeper than allowed: refused, not recursed into */
	char deep[4096];
	memset(deep, '[', 2000);
	strcpy(deep + 2000, "\n");
	r = call_str(c, deep);
	CHECK(r && !reply_ok(r));
	json_object_put(r);
	/* the connection still serves */
	r = call_str(c, "{\"cmd\":\"status\"}\n");
	CHECK(reply_ok(r));
	json_object_put(r);
	mc_ctl_client_close(c);
}

static void test_oversize(void)
{
	struct mc_ctl_client *c = connect_retry();
	size_t big = 3 * MC_CTL_LINE_MAX;
	char *line = malloc(big + 1);
	json_object *r = NULL;

	if (!c || !line)
		return;
	memset(line, 'a', big);
	line[big] = '\n';
	CHECK(mc_ctl_client_send_raw(c, line, big + 1) == 0);
	CHECK(mc_ctl_client_read(c, &r, 3000) == 0);
	CHECK(!reply_ok(r));
	CHECK(strstr(reply_error(r), "too long"));
	json_object_put(r);
	/* exactly one error for the one long line, then normal service */
	r = call_str(c, "{\"cmd\":\"echo\",\"arg\":7}\n");
	CHECK(reply_ok(r));
	CHECK_INT(json_object_get_int(json_object_object_get(r, "data")), 7);
	json_object_put(r);
	free(line);
	mc_ctl_client_close(c);
}

static void test_subscribe(void)
{
	struct mc_ctl_client *sub = connect_retry(), *pub = connect_retry();
	json_object *r;

	if (!sub || !pub)
		return;
	r = call_str(sub, "{\"cmd\":\"subscribe\",\"topics\":[\"t\"]}\n");
	CHECK(reply_ok(r));
	json_object_put(r);
	r = call_str(pub, "{\"cmd\":\"emit\",\"topic\":\"other\"}\n");
	CHECK(reply_ok(r));
	json_object_put(r);
	r = call_str(pub, "{\"cmd\":\"emit\",\"topic\":\"t\"}\n");
	CHECK(reply_ok(r));
	json_object_put(r);
	/* only the "t" event arrives at the subscriber */
	r = NULL;
	CHECK(mc_ctl_client_read(sub, &r, 3000) == 0);
	CHECK_STR(json_object_get_string(json_object_object_get(r, "event")), "t");
	CHECK_INT(json_object_get_int(json_object_object_get(r, "data")), 42);
	json_object_put(r);
	r = NULL;
	CHECK_INT(mc_ctl_client_read(sub, &r, 200), -ETIMEDOUT);
	json_object_put(r);
	/* the publisher is not subscribed: nothing extra comes to it */
	r = NULL;
	CHECK_INT(mc_ctl_client_read(pub, &r, 200), -ETIMEDOUT);
	json_object_put(r);
	r = call_str(sub, "{\"cmd\":\"subscribe\",\"topics\":[7]}\n");
	CHECK(!reply_ok(r));
	json_object_put(r);
	mc_ctl_client_close(sub);
	mc_ctl_client_close(pub);
}

static void test_log_cmd(void)
{
	struct mc_ctl_client *c = connect_retry();
	json_object *r;

	if (!c)
		return;
	r = call_str(c, "{\"cmd\":\"log\",\"debug\":\"batman,tt\"}\n");
	CHECK(reply_ok(r));
	CHECK_STR(json_object_get_string(json_object_object_get(
		json_object_object_get(r, "data"), "debug")), "batman,tt");
	json_object_put(r);
	r = call_str(c, "{\"cmd\":\"log\",\"debug\":\"bogus\"}\n");
	CHECK(!reply_ok(r));
	json_object_put(r);
	r = call_str(c, "{\"cmd\":\"log\",\"level\":\"loud\"}\n");
	CHECK(!reply_ok(r));
	json_object_put(r);
	mc_ctl_client_close(c);
}

static void test_too_many_clients(void)
{
	struct mc_ctl_client *cs[MC_CTL_CLIENTS_MAX + 4];
	json_object *r = NULL;
	unsigned n = 0;

	for (; n < MC_CTL_CLIENTS_MAX; n++)
		if (mc_ctl_client_open(&cs[n], rundir, "testd") < 0)
			break;
	CHECK_INT(n, MC_CTL_CLIENTS_MAX);
	/* each subscribes (then it waits for something and is never the one
	 * evicted, however long this takes on a loaded machine: a client
	 * silent for MC_CTL_EVICT_IDLE_S would make room instead), then one
	 * more is refused politely */
	for (unsigned i = 0; i < n; i++) {
		r = call_str(cs[i], "{\"cmd\":\"subscribe\",\"topics\":[\"t\"]}\n");
		CHECK(reply_ok(r));
		json_object_put(r);
	}
	struct mc_ctl_client *extra;
	CHECK(mc_ctl_client_open(&extra, rundir, "testd") == 0);
	r = NULL;
	CHECK_INT(mc_ctl_client_read(extra, &r, 3000), 0);
	CHECK(!reply_ok(r));
	CHECK(strstr(reply_error(r), "too many"));
	json_object_put(r);
	mc_ctl_client_close(extra);
	for (unsigned i = 0; i < n; i++)
		mc_ctl_client_close(cs[i]);
	/* after they leave (the server may see the new connection before
	 * their hang-ups), service resumes */
	bool served = false;
	for (int i = 0; i < 50 && !served; i++) {
		struct mc_ctl_client *c = connect_retry();
		r = c ? call_str(c, "{\"cmd\":\"status\"}\n") : NULL;
		served = reply_ok(r);
		json_object_put(r);
		mc_ctl_client_close(c);
		if (!served)
			usleep(20000);
	}
	CHECK(served);
}

/* Every slot held by a client stuck in half a request: a new client is
 * still served (the longest silent one makes room), and a client that
 * stays in half a request is closed after MC_CTL_PARTIAL_S. */
static void test_half_lines(void)
{
	struct mc_ctl_client *cs[MC_CTL_CLIENTS_MAX];
	json_object *r = NULL;
	unsigned n = 0, closed = 0;

	for (; n < MC_CTL_CLIENTS_MAX; n++)
		if (mc_ctl_client_open(&cs[n], rundir, "testd") < 0 ||
		    mc_ctl_client_send_raw(cs[n], "{\"cmd\":", 7) < 0)
			break;
	CHECK_INT(n, MC_CTL_CLIENTS_MAX);
	usleep((useconds_t)(MC_CTL_EVICT_IDLE_S * 1e6) + 200000);
	struct mc_ctl_client *c = connect_retry();
	r = c ? call_str(c, "{\"cmd\":\"status\"}\n") : NULL;
	CHECK(reply_ok(r));	/* within call_str's 3 s */
	json_object_put(r);
	mc_ctl_client_close(c);
	usleep((useconds_t)(MC_CTL_PARTIAL_S * 1e6) + 1000000);	/* + a sweep */
	for (unsigned i = 0; i < n; i++) {
		int rc;
		r = NULL;
		rc = mc_ctl_client_read(cs[i], &r, 100);
		if (rc == -EPIPE || rc == -ECONNRESET)
			closed++;
		else
			fprintf(stderr, "client %u of %u: read %d (%s)\n", i, n, rc, strerror(-rc));
		json_object_put(r);
		mc_ctl_client_close(cs[i]);
	}
	CHECK_INT(closed, n);	/* one made room, the rest timed out */
}

/* One reply over MC_CTL_OUTBUF_MAX to a client that waits for it arrives
 * whole (the cap is for backlogs). */
static void test_big_reply(void)
{
	struct mc_ctl_client *c = connect_retry();
	json_object *r = c ? call_str(c, "{\"cmd\":\"big\",\"n\":3000000}\n") : NULL, *d;

	CHECK(reply_ok(r));
	CHECK(r && json_object_object_get_ex(r, "data", &d) &&
	      json_object_get_string_len(d) == 3000000);
	json_object_put(r);
	r = c ? call_str(c, "{\"cmd\":\"status\"}\n") : NULL;	/* and it stays usable */
	CHECK(reply_ok(r));
	json_object_put(r);
	mc_ctl_client_close(c);
}

/*
 * Requests sent back to back (more than MC_CTL_READS_PER_WAKE reads and
 * MC_CTL_REQS_PER_WAKE requests hold) are all answered, in order, while
 * the server serves them a few per turn; another client is served
 * meanwhile.
 */
static void test_pipelined(void)
{
	enum { N = 3000 };
	struct mc_ctl_client *c = connect_retry(), *other = connect_retry();
	char *buf = malloc(N * 40), *p = buf;
	unsigned in_order = 0;
	json_object *r;

	if (!c || !other || !buf)
		return;
	for (int i = 0; i < N; i++)
		p += sprintf(p, "{\"cmd\":\"echo\",\"arg\":%d}\n", i);
	CHECK((size_t)(p - buf) > MC_CTL_READS_PER_WAKE * 16384);
	CHECK(mc_ctl_client_send_raw(c, buf, (size_t)(p - buf)) == 0);
	r = call_str(other, "{\"cmd\":\"status\"}\n");
	CHECK(reply_ok(r));
	json_object_put(r);
	for (int i = 0; i < N; i++) {
		json_object *d;

		r = NULL;
		if (mc_ctl_client_read(c, &r, 3000) < 0)
			break;
		if (reply_ok(r) && json_object_object_get_ex(r, "data", &d) &&
		    json_object_get_int(d) == i)
			in_order++;
		json_object_put(r);
	}
	CHECK_INT(in_order, N);
	free(buf);
	mc_ctl_client_close(c);
	mc_ctl_client_close(other);
}

static void test_live_socket_refused(void)
{
	struct mc_ctl_server *other;
	struct mc_ctl_server_cfg cfg = { .daemon = "testd", .version = "1" };

	CHECK_INT(mc_ctl_server_open(&other, ev_default_loop(0), rundir, &cfg), -EADDRINUSE);
}

static void test_stale_socket_replaced(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct mc_ctl_server *s2 = NULL;
	struct mc_ctl_server_cfg cfg = { .daemon = "stale", .version = "1" };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/stale.sock", rundir);
	CHECK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	close(fd);	/* the file stays, nobody listens: a crashed daemon's */
	CHECK_INT(mc_ctl_server_open(&s2, ev_default_loop(0), rundir, &cfg), 0);
	mc_ctl_server_close(s2);
	CHECK(access(sa.sun_path, F_OK) < 0);
}

static void test_linebuf_split(void)
{
	static struct mc_ctl_linebuf lb;
	const char *line;
	size_t len, used;

	CHECK_INT(mc_ctl_linebuf_feed(&lb, "{\"cmd\"", 6, &used, &line, &len), MC_CTL_LINE_NONE);
	CHECK_INT(used, 6);
	CHECK_INT(mc_ctl_linebuf_feed(&lb, ":1}\r\nx", 6, &used, &line, &len), MC_CTL_LINE_OK);
	CHECK_INT(used, 5);
	CHECK_STR(line, "{\"cmd\":1}");
	CHECK_INT(mc_ctl_linebuf_feed(&lb, "x", 1, &used, &line, &len), MC_CTL_LINE_NONE);
}

int main(void)
{
	if (!mkdtemp(rundir)) {
		perror("mkdtemp");
		return 1;
	}
	mc_log_init("test_ctl", false);
	RUN(test_linebuf_split);
	RUN(test_stale_socket_replaced);
	server_pid = fork();
	if (server_pid == 0)
		serve();
	RUN(test_status);
	RUN(test_socket_mode);
	RUN(test_echo_and_errors);
	RUN(test_garbage);
	RUN(test_oversize);
	RUN(test_subscribe);
	RUN(test_log_cmd);
	RUN(test_too_many_clients);
	RUN(test_half_lines);
	RUN(test_big_reply);
	RUN(test_pipelined);
	RUN(test_live_socket_refused);
	/* the server survived everything above */
	int status;
	CHECK(waitpid(server_pid, &status, WNOHANG) == 0);
	kill(server_pid, SIGTERM);
	waitpid(server_pid, &status, 0);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", rundir);
	CHECK(system(cmd) == 0);
	return check_exit();
}
