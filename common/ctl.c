/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

#define SUBS_MAX 16
#define TOPIC_MAX 32

struct mc_ctl_conn {
	struct mc_ctl_server *srv;
	int fd;
	ev_io rio, wio;
	struct mc_ctl_linebuf lb;
	char *out;
	size_t out_len, out_off, out_cap;
	char subs[SUBS_MAX][TOPIC_MAX];
	unsigned nsubs;
	struct mc_ctl_conn *next;
};

struct mc_ctl_server {
	struct ev_loop *loop;
	struct mc_ctl_server_cfg cfg;
	int fd;
	ev_io aio;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct mc_ctl_conn *conns;
	unsigned nconns;
	time_t started;
};

static struct mc_ratelimit ctl_rl = MC_RATELIMIT_INIT(10000, 5);

static void conn_close(struct mc_ctl_conn *c)
{
	struct mc_ctl_server *srv = c->srv;

	for (struct mc_ctl_conn **pp = &srv->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	srv->nconns--;
	ev_io_stop(srv->loop, &c->rio);
	ev_io_stop(srv->loop, &c->wio);
	close(c->fd);
	free(c->out);
	free(c);
}

/* Writes what it can; returns -1 when the connection had to be closed. */
static int conn_flush(struct mc_ctl_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			ev_io_start(c->srv->loop, &c->wio);
			return 0;
		}
		if (n <= 0) {
			conn_close(c);
			return -1;
		}
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	ev_io_stop(c->srv->loop, &c->wio);
	return 0;
}

/* Queues one JSON line; consumes obj. Returns -1 if the client was cut. */
static int conn_send(struct mc_ctl_conn *c, json_object *obj)
{
	size_t len;
	const char *s = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN, &len);
	size_t pending = c->out_len - c->out_off;

	if (pending + len + 1 > MC_CTL_OUTBUF_MAX) {
		unsigned sup;
		if (mc_ratelimit_ok(&ctl_rl, (uint64_t)time(NULL) * 1000, &sup))
			log_warn("ctl: client too slow (%zu bytes pending), disconnecting", pending);
		json_object_put(obj);
		conn_close(c);
		return -1;
	}
	if (c->out_off && c->out_len + len + 1 > c->out_cap) {
		memmove(c->out, c->out + c->out_off, pending);
		c->out_len = pending;
		c->out_off = 0;
	}
	if (c->out_len + len + 1 > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		while (cap < c->out_len + len + 1)
			cap *= 2;
		char *p = realloc(c->out, cap);
		if (!p) {
			json_object_put(obj);
			conn_close(c);
			return -1;
		}
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, s, len);
	c->out[c->out_len + len] = '\n';
	c->out_len += len + 1;
	json_object_put(obj);
	return conn_flush(c);
}

static bool conn_subscribed(const struct mc_ctl_conn *c, const char *topic)
{
	for (unsigned i = 0; i < c->nsubs; i++)
		if (!strcmp(c->subs[i], "*") || !strcmp(c->subs[i], topic))
			return true;
	return false;
}

static int sub_add(struct mc_ctl_conn *c, json_object *t, const char **err)
{
	const char *topic = json_object_get_string(t);

	if (!json_object_is_type(t, json_type_string) || !*topic ||
	    strlen(topic) >= TOPIC_MAX) {
		*err = "topics must be non-empty strings under 32 bytes";
		return -EINVAL;
	}
	if (conn_subscribed(c, topic) && strcmp(topic, "*"))
		return 0;
	if (c->nsubs == SUBS_MAX) {
		*err = "too many subscriptions";
		return -ENOSPC;
	}
	strcpy(c->subs[c->nsubs++], topic);
	return 0;
}

/* {"cmd":"subscribe","topics":["a","b"]} or "topic":"a"; "*" is every topic. */
static int cmd_subscribe(struct mc_ctl_conn *c, json_object *req, json_object **data,
			 const char **err)
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
	return 0;
}

static int cmd_log(struct mc_ctl_conn *c, json_object *req, json_object **data,
		   const char **err)
{
	static const char *const levels[] = { "error", "warning", "notice", "info", "debug" };
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
		const char *s = json_object_get_string(v);
		int lvl = -1;
		for (int i = 0; i < 5; i++)
			if (s && !strcmp(s, levels[i]))
				lvl = MC_LOG_ERR + i;
		if (lvl < 0) {
			*err = "level must be error, warning, notice, info or debug";
			return -EINVAL;
		}
		mc_log_set_level(lvl);
	}
	*data = json_object_new_object();
	json_object_object_add(*data, "level", json_object_new_string(
		levels[mc_log_level() - MC_LOG_ERR]));
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

static int cmd_help(struct mc_ctl_conn *c, json_object *req, json_object **data,
		    const char **err);

static const struct {
	const char *name;
	int (*fn)(struct mc_ctl_conn *, json_object *, json_object **, const char **);
	const char *help;
} builtins[] = {
	{ "help", cmd_help, "list commands" },
	{ "status", cmd_status, "daemon, version, pid, uptime and state" },
	{ "subscribe", cmd_subscribe, "stream events: {\"topics\":[...]} (\"*\" for all)" },
	{ "unsubscribe", cmd_unsubscribe, "stop every event stream" },
	{ "log", cmd_log, "show or set {\"level\":...,\"debug\":\"batman,tt\"}" },
};
#define N_BUILTINS (sizeof(builtins) / sizeof(builtins[0]))

static int cmd_help(struct mc_ctl_conn *c, json_object *req, json_object **data,
		    const char **err)
{
	json_object *o = json_object_new_object();

	for (size_t i = 0; i < N_BUILTINS; i++)
		json_object_object_add(o, builtins[i].name,
				       json_object_new_string(builtins[i].help));
	for (unsigned i = 0; i < c->srv->cfg.ncmds; i++)
		json_object_object_add(o, c->srv->cfg.cmds[i].name, json_object_new_string(
			c->srv->cfg.cmds[i].help ? c->srv->cfg.cmds[i].help : ""));
	*data = o;
	return 0;
}

static json_object *dispatch(struct mc_ctl_conn *c, json_object *req, const char *cmd)
{
	const struct mc_ctl_cmd *cmds = c->srv->cfg.cmds;
	json_object *data = NULL;
	const char *err = NULL;
	int rc = -ENOENT;
	bool found = false;

	for (size_t i = 0; i < N_BUILTINS && !found; i++) {
		if (!strcmp(cmd, builtins[i].name)) {
			found = true;
			rc = builtins[i].fn(c, req, &data, &err);
		}
	}
	for (unsigned i = 0; i < c->srv->cfg.ncmds && !found; i++) {
		if (!strcmp(cmd, cmds[i].name)) {
			found = true;
			rc = cmds[i].fn(req, &data, &err, c->srv->cfg.user);
		}
	}
	if (!found)
		return mc_ctl_reply_err("unknown command (try {\"cmd\":\"help\"})");
	if (rc < 0) {
		json_object_put(data);
		return mc_ctl_reply_err(err ? err : strerror(-rc));
	}
	return mc_ctl_reply_ok(data);
}

/* Handles one request line; returns -1 if the connection is gone. */
static int conn_line(struct mc_ctl_conn *c, const char *line, size_t len)
{
	json_object *req;
	const char *cmd;
	char err[160];

	if (len == strspn(line, " \t"))
		return 0;	/* blank lines are keep-alives, not errors */
	if (mc_ctl_request_decode(line, len, &req, &cmd, err, sizeof(err)) < 0)
		return conn_send(c, mc_ctl_reply_err(err));
	log_dbg(MC_DBG_CTL, "ctl: %s", cmd);
	json_object *reply = dispatch(c, req, cmd);
	json_object_put(req);
	return conn_send(c, reply);
}

static void conn_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct mc_ctl_conn *c = w->data;
	char buf[16384];

	for (;;) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			conn_close(c);
			return;
		}
		for (size_t off = 0; off < (size_t)n;) {
			const char *line;
			size_t len, used;
			enum mc_ctl_line r = mc_ctl_linebuf_feed(&c->lb, buf + off,
					(size_t)n - off, &used, &line, &len);
			off += used;
			int rc = 0;
			if (r == MC_CTL_LINE_OK)
				rc = conn_line(c, line, len);
			else if (r == MC_CTL_LINE_TOO_LONG)
				rc = conn_send(c, mc_ctl_reply_err("request line too long (max 65535 bytes)"));
			if (rc < 0)
				return;
		}
	}
}

static void conn_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	conn_flush(w->data);
}

static void refuse(int fd, const char *msg)
{
	json_object *o = mc_ctl_reply_err(msg);
	size_t len;
	const char *s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);

	if (send(fd, s, len, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)len)
		(void)send(fd, "\n", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	json_object_put(o);
	close(fd);
}

static void accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct mc_ctl_server *srv = w->data;

	for (;;) {
		int fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_warn("ctl: accept: %s", strerror(errno));
			return;
		}
		if (srv->nconns >= MC_CTL_CLIENTS_MAX) {
			refuse(fd, "too many control clients");
			continue;
		}
		struct mc_ctl_conn *c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->srv = srv;
		c->fd = fd;
		ev_io_init(&c->rio, conn_read_cb, fd, EV_READ);
		ev_io_init(&c->wio, conn_write_cb, fd, EV_WRITE);
		c->rio.data = c->wio.data = c;
		ev_io_start(loop, &c->rio);
		c->next = srv->conns;
		srv->conns = c;
		srv->nconns++;
	}
}

const char *mc_ctl_default_rundir(void)
{
	const char *d = getenv("SOFTMESH_RUNDIR");

	return d && *d ? d : "/run/softmesh";
}

int mc_ctl_socket_path(char *buf, size_t len, const char *rundir, const char *daemon)
{
	size_t max = sizeof(((struct sockaddr_un *)0)->sun_path);
	int n = snprintf(buf, len, "%s/%s.sock", rundir, daemon);

	if (n < 0 || (size_t)n >= len || (size_t)n >= max)
		return -ENAMETOOLONG;
	return 0;
}

static int sockaddr_fill(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

/* A socket file nobody listens on is stale (a crashed daemon's): remove it. */
static int unlink_stale(const char *path)
{
	struct sockaddr_un sa;
	int fd, rc = 0;

	if (sockaddr_fill(&sa, path) < 0)
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		rc = -EADDRINUSE;
	else if (errno == ECONNREFUSED)
		unlink(path);
	close(fd);
	return rc;
}

static int listen_socket(const char *path)
{
	struct sockaddr_un sa;
	int fd, rc = unlink_stale(path);

	if (rc < 0)
		return rc;
	if ((rc = sockaddr_fill(&sa, path)) < 0)
		return rc;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	mode_t old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0) {
		rc = -errno;
		umask(old);
		close(fd);
		return rc;
	}
	umask(old);
	chmod(path, 0660);
	return fd;
}

int mc_ctl_server_open(struct mc_ctl_server **out, struct ev_loop *loop,
		       const char *rundir, const struct mc_ctl_server_cfg *cfg)
{
	struct mc_ctl_server *srv = calloc(1, sizeof(*srv));
	int rc;

	if (!srv)
		return -ENOMEM;
	if (mkdir(rundir, 0755) < 0 && errno != EEXIST) {
		rc = -errno;
		goto fail;
	}
	rc = mc_ctl_socket_path(srv->path, sizeof(srv->path), rundir, cfg->daemon);
	if (rc < 0)
		goto fail;
	srv->fd = listen_socket(srv->path);
	if (srv->fd < 0) {
		rc = srv->fd;
		goto fail;
	}
	srv->loop = loop;
	srv->cfg = *cfg;
	srv->started = time(NULL);
	ev_io_init(&srv->aio, accept_cb, srv->fd, EV_READ);
	srv->aio.data = srv;
	ev_io_start(loop, &srv->aio);
	*out = srv;
	return 0;
fail:
	free(srv);
	return rc;
}

void mc_ctl_server_close(struct mc_ctl_server *srv)
{
	if (!srv)
		return;
	while (srv->conns)
		conn_close(srv->conns);
	ev_io_stop(srv->loop, &srv->aio);
	close(srv->fd);
	unlink(srv->path);
	free(srv);
}

const char *mc_ctl_server_path(const struct mc_ctl_server *srv)
{
	return srv->path;
}

unsigned mc_ctl_subscribers(const struct mc_ctl_server *srv, const char *topic)
{
	unsigned n = 0;

	for (const struct mc_ctl_conn *c = srv->conns; c; c = c->next)
		n += conn_subscribed(c, topic);
	return n;
}

void mc_ctl_publish(struct mc_ctl_server *srv, const char *topic, json_object *data)
{
	json_object *ev = mc_ctl_event(topic, data);
	struct mc_ctl_conn *c = srv->conns, *next;

	for (; c; c = next) {
		next = c->next;	/* conn_send may free c */
		if (conn_subscribed(c, topic))
			conn_send(c, json_object_get(ev));
	}
	json_object_put(ev);
}

/* Client */

#define CLIENT_REPLY_MAX (64u << 20)

struct mc_ctl_client {
	int fd;
	char *buf;
	size_t len, cap;
};

int mc_ctl_client_open_path(struct mc_ctl_client **out, const char *path)
{
	struct sockaddr_un sa;
	struct mc_ctl_client *c;
	int rc = sockaddr_fill(&sa, path);

	if (rc < 0)
		return rc;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		if (c->fd >= 0)
			close(c->fd);
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int mc_ctl_client_open(struct mc_ctl_client **out, const char *rundir, const char *daemon)
{
	char path[256];
	int rc = mc_ctl_socket_path(path, sizeof(path), rundir, daemon);

	return rc < 0 ? rc : mc_ctl_client_open_path(out, path);
}

void mc_ctl_client_close(struct mc_ctl_client *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c->buf);
	free(c);
}

int mc_ctl_client_send_raw(struct mc_ctl_client *c, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t w = send(c->fd, s, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads more bytes into c->buf, waiting until deadline; 0, -ETIMEDOUT, -EPIPE. */
static int client_fill(struct mc_ctl_client *c, int64_t deadline)
{
	int64_t left = deadline - mono_ms();
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

	if (left <= 0)
		return -ETIMEDOUT;
	int pr = poll(&pfd, 1, (int)left);
	if (pr < 0)
		return errno == EINTR ? 0 : -errno;
	if (pr == 0)
		return -ETIMEDOUT;
	if (c->cap - c->len < 4096) {
		if (c->cap >= CLIENT_REPLY_MAX)
			return -EMSGSIZE;
		size_t cap = c->cap ? c->cap * 2 : 65536;
		char *p = realloc(c->buf, cap);
		if (!p)
			return -ENOMEM;
		c->buf = p;
		c->cap = cap;
	}
	ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		return -EPIPE;
	c->len += (size_t)n;
	return 0;
}

int mc_ctl_client_read(struct mc_ctl_client *c, json_object **msg, int timeout_ms)
{
	int64_t deadline = mono_ms() + timeout_ms;
	char *nl;

	*msg = NULL;
	while (!c->len || !(nl = memchr(c->buf, '\n', c->len))) {
		int rc = client_fill(c, deadline);
		if (rc < 0)
			return rc;
	}
	size_t linelen = (size_t)(nl - c->buf);
	json_tokener *tok = json_tokener_new_ex(64);
	*msg = json_tokener_parse_ex(tok, c->buf, (int)linelen);
	json_tokener_free(tok);
	memmove(c->buf, nl + 1, c->len - linelen - 1);
	c->len -= linelen + 1;
	return *msg ? 0 : -EBADMSG;
}

int mc_ctl_client_call(struct mc_ctl_client *c, json_object *req,
		       json_object **reply, int timeout_ms)
{
	size_t len;
	const char *s = json_object_to_json_string_length(req, JSON_C_TO_STRING_PLAIN, &len);
	int rc = mc_ctl_client_send_raw(c, s, len);

	if (rc == 0)
		rc = mc_ctl_client_send_raw(c, "\n", 1);
	return rc < 0 ? rc : mc_ctl_client_read(c, reply, timeout_ms);
}
