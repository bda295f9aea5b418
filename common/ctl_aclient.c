/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/ctl_aclient.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ctl_int.h"

/* A reply larger than this closes the connection (a runaway server). */
#define ACLIENT_LINE_MAX (64u << 20)

struct pending {
	mc_ctl_reply_fn *fn;
	void *user;
	struct pending *next;
};

struct mc_ctl_aclient {
	struct ev_loop *loop;
	struct mc_ctl_aclient_ops ops;
	int fd;
	ev_io rio, wio;
	char *in;
	size_t in_len, in_cap;
	struct ctl_outq out;
	struct pending *head, **tail;
	unsigned npending;
	bool gone;
	unsigned depth;		/* callbacks under way: a close waits for them */
	bool doomed;		/* closed from a callback */
};

static void aclient_free(struct mc_ctl_aclient *c)
{
	while (c->head) {
		struct pending *p = c->head;
		c->head = p->next;
		free(p);
	}
	close(c->fd);
	free(c->in);
	ctl_outq_free(&c->out);
	free(c);
}

static void enter(struct mc_ctl_aclient *c)
{
	c->depth++;
}

/* false when c was closed meanwhile and is gone now */
static bool leave(struct mc_ctl_aclient *c)
{
	if (--c->depth == 0 && c->doomed) {
		aclient_free(c);
		return false;
	}
	return true;
}

/* Room for len more bytes after *used in a buffer of *cap. */
static int buf_reserve(char **buf, size_t *cap, size_t used, size_t len)
{
	size_t ncap = *cap ? *cap : 4096;
	char *p;

	if (used + len <= *cap)
		return 0;
	while (ncap < used + len)
		ncap *= 2;
	if (!(p = realloc(*buf, ncap)))
		return -ENOMEM;
	*buf = p;
	*cap = ncap;
	return 0;
}

static void fail_pending(struct mc_ctl_aclient *c)
{
	while (c->head && !c->doomed) {
		struct pending *p = c->head;
		c->head = p->next;
		c->npending--;
		p->fn(p->user, NULL);
		free(p);
	}
	c->tail = &c->head;
}

static void lost(struct mc_ctl_aclient *c, int err)
{
	if (c->gone)
		return;
	c->gone = true;
	ev_io_stop(c->loop, &c->rio);
	ev_io_stop(c->loop, &c->wio);
	fail_pending(c);
	if (c->ops.closed)
		c->ops.closed(c->ops.user, err);
}

static void deliver(struct mc_ctl_aclient *c, json_object *msg)
{
	json_object *t, *d;

	if (json_object_object_get_ex(msg, "event", &t)) {
		if (c->ops.event && json_object_is_type(t, json_type_string) &&
		    json_object_object_get_ex(msg, "data", &d))
			c->ops.event(c->ops.user, json_object_get_string(t), d);
		return;
	}
	struct pending *p = c->head;
	if (!p)
		return;		/* an answer nobody asked for: ignored */
	c->head = p->next;
	if (!c->head)
		c->tail = &c->head;
	c->npending--;
	p->fn(p->user, msg);
	free(p);
}

/* Hands out every complete line in c->in. */
static void take_lines(struct mc_ctl_aclient *c)
{
	size_t off = 0;
	char *nl;

	while (!c->gone && !c->doomed && (nl = memchr(c->in + off, '\n', c->in_len - off))) {
		size_t len = (size_t)(nl - (c->in + off));
		json_object *msg = mc_ctl_line_parse(c->in + off, len);

		off += len + 1;
		if (!msg) {
			lost(c, -EBADMSG);
			break;
		}
		deliver(c, msg);
		json_object_put(msg);
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
}

static void read_some(struct mc_ctl_aclient *c)
{
	if (c->in_len >= ACLIENT_LINE_MAX) {
		lost(c, -EMSGSIZE);
		return;
	}
	if (buf_reserve(&c->in, &c->in_cap, c->in_len, 65536) < 0) {
		lost(c, -ENOMEM);
		return;
	}
	ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
	if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		lost(c, n < 0 ? -errno : -EPIPE);
		return;
	}
	c->in_len += (size_t)n;
	take_lines(c);
}

static void read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct mc_ctl_aclient *c = w->data;

	enter(c);
	read_some(c);
	leave(c);
}

static void flush(struct mc_ctl_aclient *c)
{
	int rc = ctl_outq_flush(&c->out, c->fd);

	if (rc < 0)
		lost(c, rc);
	else if (rc)
		ev_io_start(c->loop, &c->wio);
	else
		ev_io_stop(c->loop, &c->wio);
}

static void write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	flush(w->data);
}

int mc_ctl_aclient_open_path(struct mc_ctl_aclient **out, struct ev_loop *loop,
			     const char *path, const struct mc_ctl_aclient_ops *ops)
{
	struct mc_ctl_aclient *c;
	int fd = ctl_connect(path, SOCK_NONBLOCK);

	if (fd < 0)
		return fd;
	if (!(c = calloc(1, sizeof(*c)))) {
		close(fd);
		return -ENOMEM;
	}
	c->fd = fd;
	c->loop = loop;
	c->ops = *ops;
	c->tail = &c->head;
	ev_io_init(&c->rio, read_cb, c->fd, EV_READ);
	ev_io_init(&c->wio, write_cb, c->fd, EV_WRITE);
	c->rio.data = c->wio.data = c;
	ev_io_start(loop, &c->rio);
	*out = c;
	return 0;
}

int mc_ctl_aclient_open(struct mc_ctl_aclient **out, struct ev_loop *loop,
			const char *rundir, const char *daemon,
			const struct mc_ctl_aclient_ops *ops)
{
	char path[256];
	int rc = mc_ctl_socket_path(path, sizeof(path), rundir, daemon);

	return rc < 0 ? rc : mc_ctl_aclient_open_path(out, loop, path, ops);
}

void mc_ctl_aclient_close(struct mc_ctl_aclient *c)
{
	if (!c)
		return;
	ev_io_stop(c->loop, &c->rio);
	ev_io_stop(c->loop, &c->wio);
	if (c->depth)
		c->doomed = true;	/* freed when the callbacks return */
	else
		aclient_free(c);
}

int mc_ctl_aclient_call(struct mc_ctl_aclient *c, json_object *req,
			mc_ctl_reply_fn *fn, void *user)
{
	size_t len;
	const char *s = json_object_to_json_string_length(req, JSON_C_TO_STRING_PLAIN, &len);
	struct pending *p;

	if (c->gone)
		return -ENOTCONN;
	if (!(p = calloc(1, sizeof(*p))) || ctl_outq_put(&c->out, s, len, SIZE_MAX) < 0) {
		free(p);
		return -ENOMEM;
	}
	*p = (struct pending){ .fn = fn, .user = user };
	*c->tail = p;
	c->tail = &p->next;
	c->npending++;
	enter(c);
	flush(c);
	leave(c);
	return 0;
}

unsigned mc_ctl_aclient_pending(const struct mc_ctl_aclient *c)
{
	return c->npending;
}
