/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control-socket server: the listening socket, one connection per
 * client with its line buffer and output queue, request dispatch, and
 * publishing events to subscribers. Built-in commands: ctl_builtin.c;
 * table events: ctl_rows.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/ctl_int.h"
#include "common/log.h"

static struct mc_ratelimit ctl_rl = MC_RATELIMIT_INIT(10000, 5);

/* Frees the connections dropped while the server was busy. */
static void conns_reap(struct mc_ctl_server *srv)
{
	for (struct mc_ctl_conn **pp = &srv->conns; *pp;) {
		struct mc_ctl_conn *c = *pp;
		if (!c->dead) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		close(c->fd);
		ctl_outq_free(&c->out);
		free(c->in);
		free(c);
	}
}

/*
 * A connection is dropped at once (watchers stopped, subscriptions gone)
 * but freed only when no walk over the connections is under way: sending
 * to one client can drop another (a slow client's warning goes to the log
 * topic's subscribers), and a request handler can drop its own.
 */
static void conn_close(struct mc_ctl_conn *c)
{
	struct mc_ctl_server *srv = c->srv;

	if (c->dead)
		return;
	c->dead = true;
	srv->nconns--;
	ev_io_stop(srv->loop, &c->rio);
	ev_io_stop(srv->loop, &c->wio);
	ev_idle_stop(srv->loop, &c->more);
	if (c->nsubs) {
		c->nsubs = 0;
		ctl_subs_changed(srv);
	}
	if (!srv->busy)
		conns_reap(srv);
}

void ctl_busy(struct mc_ctl_server *srv)
{
	srv->busy++;
}

void ctl_unbusy(struct mc_ctl_server *srv)
{
	if (--srv->busy)
		return;
	if (srv->tables_stale)
		ctl_tables_sync(srv);
	conns_reap(srv);
}

/* Writes what it can; returns -1 when the connection had to be closed. */
static int conn_flush(struct mc_ctl_conn *c)
{
	int rc = ctl_outq_flush(&c->out, c->fd);

	if (rc < 0) {
		conn_close(c);
		return -1;
	}
	if (rc)
		ev_io_start(c->srv->loop, &c->wio);
	else
		ev_io_stop(c->srv->loop, &c->wio);
	return 0;
}

int ctl_conn_send(struct mc_ctl_conn *c, json_object *obj)
{
	size_t len;
	const char *s = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN, &len);
	int rc = c->dead ? -EPIPE : ctl_outq_put(&c->out, s, len, MC_CTL_OUTBUF_MAX);
	unsigned sup;

	json_object_put(obj);
	if (rc == -ENOBUFS && mc_ratelimit_ok(&ctl_rl, (uint64_t)time(NULL) * 1000, &sup))
		log_warn("ctl: client too slow (%zu bytes pending), disconnecting",
			 c->out.len - c->out.off);
	if (rc < 0) {
		conn_close(c);
		return -1;
	}
	return conn_flush(c);
}

bool ctl_conn_subscribed(const struct mc_ctl_conn *c, const char *topic)
{
	for (unsigned i = 0; i < c->nsubs; i++)
		if (!strcmp(c->subs[i], "*") || !strcmp(c->subs[i], topic))
			return true;
	return false;
}

static const struct mc_ctl_cmd *cmd_find(const struct mc_ctl_server *srv, const char *name)
{
	for (unsigned i = 0; i < srv->cfg.ncmds; i++)
		if (!strcmp(name, srv->cfg.cmds[i].name))
			return &srv->cfg.cmds[i];
	return NULL;
}

json_object *ctl_run_cmd(struct mc_ctl_server *srv, const char *name)
{
	const struct mc_ctl_cmd *cmd = cmd_find(srv, name);
	json_object *req, *data = NULL;
	const char *err = NULL;

	if (!cmd)
		return NULL;
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string(name));
	if (cmd->fn(req, &data, &err, srv->cfg.user) < 0) {
		json_object_put(data);
		data = NULL;
	}
	json_object_put(req);
	return data;
}

const struct mc_ctl_topic *ctl_topic_find(const struct mc_ctl_server *srv, const char *name)
{
	for (unsigned i = 0; i < srv->cfg.ntopics; i++)
		if (!strcmp(name, srv->cfg.topics[i].name))
			return &srv->cfg.topics[i];
	return strcmp(name, ctl_log_topic.name) ? NULL : &ctl_log_topic;
}

static json_object *dispatch(struct mc_ctl_conn *c, json_object *req, const char *name)
{
	ctl_builtin_fn *builtin = ctl_builtin_find(name);
	const struct mc_ctl_cmd *cmd = builtin ? NULL : cmd_find(c->srv, name);
	json_object *data = NULL;
	const char *err = NULL;
	int rc;

	if (builtin)
		rc = builtin(c, req, &data, &err);
	else if (cmd)
		rc = cmd->fn(req, &data, &err, c->srv->cfg.user);
	else
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
		return ctl_conn_send(c, mc_ctl_reply_err(err));
	log_dbg(MC_DBG_CTL, "ctl: %s", cmd);
	json_object *reply = dispatch(c, req, cmd);
	json_object_put(req);
	return ctl_conn_send(c, reply);
}

/*
 * Feeds what was read (c->in) to the line buffer until *reqs requests
 * have been served; what stays waits for the next turn. -1 if the
 * connection is gone.
 */
static int conn_feed(struct mc_ctl_conn *c, unsigned *reqs)
{
	while (c->in_off < c->in_len && *reqs < MC_CTL_REQS_PER_WAKE) {
		const char *line;
		size_t len, used;
		enum mc_ctl_line r = mc_ctl_linebuf_feed(&c->lb, c->in + c->in_off,
							 c->in_len - c->in_off,
							 &used, &line, &len);
		int rc = 0;

		c->in_off += used;
		if (r == MC_CTL_LINE_OK) {
			++*reqs;
			rc = conn_line(c, line, len);
		} else if (r == MC_CTL_LINE_TOO_LONG) {
			++*reqs;
			rc = ctl_conn_send(c, mc_ctl_reply_err(
				"request line too long (max 65535 bytes)"));
		}
		if (rc < 0 || c->dead)
			return -1;
	}
	return 0;
}

/* Part of a request came, its end not yet. */
static bool partial(const struct mc_ctl_conn *c)
{
	return c->lb.len || c->lb.overflow;
}

/*
 * One turn of a client: at most MC_CTL_READS_PER_WAKE reads and
 * MC_CTL_REQS_PER_WAKE requests. With bytes left over, the socket waits
 * and an idle watcher serves them once nothing else is pending (the data
 * path first: its watchers have a higher priority).
 */
static void conn_turn(struct mc_ctl_conn *c)
{
	struct mc_ctl_server *srv = c->srv;
	unsigned reqs = 0;

	ctl_busy(srv);
	for (int reads = 0; !c->dead;) {
		if (conn_feed(c, &reqs) < 0 || reqs >= MC_CTL_REQS_PER_WAKE)
			break;
		if (reads++ == MC_CTL_READS_PER_WAKE)
			break;
		if (!c->in && !(c->in = malloc(MC_CTL_IN_SIZE))) {
			conn_close(c);
			break;
		}
		ssize_t n = recv(c->fd, c->in, MC_CTL_IN_SIZE, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			conn_close(c);
			break;
		}
		c->last = ev_now(srv->loop);
		c->in_off = 0;
		c->in_len = (size_t)n;
	}
	if (!c->dead && c->in_off < c->in_len) {
		ev_io_stop(srv->loop, &c->rio);
		ev_idle_start(srv->loop, &c->more);
	} else if (!c->dead) {
		ev_idle_stop(srv->loop, &c->more);
		ev_io_start(srv->loop, &c->rio);
	}
	/* half a request waiting: the sweep will see whether it ever ends */
	if (!c->dead && partial(c) && !ev_is_active(&srv->sweep))
		ev_timer_start(srv->loop, &srv->sweep);
	ctl_unbusy(srv);
}

static void conn_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	conn_turn(w->data);
}

static void conn_more_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	conn_turn(w->data);
}

static void conn_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct mc_ctl_conn *c = w->data;

	if (!c->dead)
		conn_flush(c);
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

static void conn_new(struct mc_ctl_server *srv, int fd)
{
	struct mc_ctl_conn *c = calloc(1, sizeof(*c));

	if (!c) {
		close(fd);
		return;
	}
	c->srv = srv;
	c->fd = fd;
	c->log_level = MC_LOG_INFO;
	c->last = ev_now(srv->loop);
	ev_io_init(&c->rio, conn_read_cb, fd, EV_READ);
	ev_io_init(&c->wio, conn_write_cb, fd, EV_WRITE);
	ev_idle_init(&c->more, conn_more_cb);
	ev_set_priority(&c->rio, EV_MINPRI);
	ev_set_priority(&c->wio, EV_MINPRI);
	ev_set_priority(&c->more, EV_MINPRI);
	c->rio.data = c->wio.data = c->more.data = c;
	ev_io_start(srv->loop, &c->rio);
	c->next = srv->conns;
	srv->conns = c;
	srv->nconns++;
}

/* Room for a new client: the longest silent one that waits for nothing
 * (no subscription, no reply pending) goes. False: none is idle enough. */
static bool evict_idle(struct mc_ctl_server *srv)
{
	ev_tstamp now = ev_now(srv->loop);
	struct mc_ctl_conn *old = NULL;

	for (struct mc_ctl_conn *c = srv->conns; c; c = c->next)
		if (!c->dead && !c->nsubs && c->out.off == c->out.len &&
		    now - c->last >= MC_CTL_EVICT_IDLE_S && (!old || c->last < old->last))
			old = c;
	if (!old)
		return false;
	log_info("ctl: all %u slots taken: closing a client silent for %.1f s",
		 MC_CTL_CLIENTS_MAX, now - old->last);
	conn_close(old);
	return true;
}

/*
 * Clients that began a request and stopped: their slot is not theirs.
 * The sweep runs once a second only while some request is partial, so an
 * idle daemon is not woken for it.
 */
static void sweep_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct mc_ctl_server *srv = w->data;
	ev_tstamp now = ev_now(loop);
	bool waiting = false;

	ctl_busy(srv);
	for (struct mc_ctl_conn *c = srv->conns; c; c = c->next) {
		if (c->dead || !partial(c))
			continue;
		if (now - c->last >= MC_CTL_PARTIAL_S)
			conn_close(c);
		else
			waiting = true;
	}
	ctl_unbusy(srv);
	if (!waiting)
		ev_timer_stop(loop, w);
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
		if (srv->nconns >= MC_CTL_CLIENTS_MAX && !evict_idle(srv))
			refuse(fd, "too many control clients");
		else
			conn_new(srv, fd);
	}
}

/* A socket file nobody listens on is stale (a crashed daemon's): remove it. */
static int unlink_stale(const char *path)
{
	struct sockaddr_un sa;
	int fd, rc = 0;

	if (ctl_sockaddr(&sa, path) < 0)
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
	if ((rc = ctl_sockaddr(&sa, path)) < 0)
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
	int rc = -ENOMEM;

	if (!srv || !(srv->tables = calloc(cfg->ntopics + 1, sizeof(*srv->tables))))
		goto fail;
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
	ev_timer_init(&srv->sweep, sweep_cb, 1.0, 1.0);	/* started by a partial request */
	srv->sweep.data = srv;
	*out = srv;
	return 0;
fail:
	if (srv)
		free(srv->tables);
	free(srv);
	return rc;
}

void mc_ctl_server_close(struct mc_ctl_server *srv)
{
	if (!srv)
		return;
	mc_log_set_sink(NULL, NULL, 0);
	ctl_busy(srv);
	for (struct mc_ctl_conn *c = srv->conns; c; c = c->next)
		conn_close(c);
	ctl_unbusy(srv);
	ctl_tables_free(srv);
	ev_timer_stop(srv->loop, &srv->sweep);
	ev_io_stop(srv->loop, &srv->aio);
	close(srv->fd);
	unlink(srv->path);
	free(srv->tables);
	free(srv);
}

const char *mc_ctl_server_path(const struct mc_ctl_server *srv)
{
	return srv->path;
}

unsigned mc_ctl_subscribers(const struct mc_ctl_server *srv, const char *topic)
{
	unsigned n = 0;

	for (const struct mc_ctl_conn *c = srv ? srv->conns : NULL; c; c = c->next)
		n += ctl_conn_subscribed(c, topic);
	return n;
}

void mc_ctl_publish(struct mc_ctl_server *srv, const char *topic, json_object *data)
{
	json_object *ev = mc_ctl_event(topic, data);

	if (!srv) {
		json_object_put(ev);
		return;
	}
	ctl_busy(srv);
	for (struct mc_ctl_conn *c = srv->conns; c; c = c->next)
		if (ctl_conn_subscribed(c, topic))
			ctl_conn_send(c, json_object_get(ev));
	ctl_unbusy(srv);
	json_object_put(ev);
}
