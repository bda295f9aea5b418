/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * alfred's client protocol on the unix socket (doc/leasesync.md "The
 * alfred socket"): one request per connection, as Debian's alfred client
 * sends it (-s, -r, -M, -I, -B, -S, -E). Unlike alfred, a request may
 * arrive in pieces (2 s to complete it), replies are written as the
 * client reads them, and no client can hold the daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "leasesync/core/alfred.h"
#include "leasesync/shell/leasesyncd.h"

#define LSD_CLIENTS_MAX 64
#define LSD_CLIENT_TIMEOUT_S 2.0	/* to send a whole request */
#define LSD_LISTENER_BACKLOG (256u << 10)	/* unread events a listener may hold */
#define LSD_IN_MAX (LS_MAX_PAYLOAD + LS_TLV_LEN)

static void client_free(struct lsd_client *c)
{
	struct lsd *l = c->l;
	struct lsd_client **pp;

	for (pp = &l->clients; *pp && *pp != c; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = c->next;
	l->nclients--;
	if (c->pending && l->core)
		ls_client_gone(l->core, c);
	ev_io_stop(l->d->loop, &c->io);
	ev_timer_stop(l->d->loop, &c->timeout);
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
}

static void client_watch(struct lsd_client *c)
{
	int ev = (c->out_off < c->out_len ? EV_WRITE : 0) |
		 (!c->closing && !c->pending ? EV_READ : 0) | (c->listener ? EV_READ : 0);

	ev_io_stop(c->l->d->loop, &c->io);
	if (!ev) {
		if (c->closing)
			client_free(c);
		return;
	}
	ev_io_set(&c->io, c->fd, ev);
	ev_io_start(c->l->d->loop, &c->io);
}

/* Appends to the reply; false when it would grow past limit. */
static bool out_add(struct lsd_client *c, const uint8_t *p, size_t len, size_t limit)
{
	size_t need = c->out_len - c->out_off + len;
	uint8_t *n;

	if (need > limit)
		return false;
	if (c->out_off) {	/* drop what was written */
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	if (!(n = realloc(c->out, c->out_len + len)))
		return false;
	c->out = n;
	memcpy(c->out + c->out_len, p, len);
	c->out_len += len;
	return true;
}

static void finish(struct lsd_client *c)
{
	c->closing = true;
	c->pending = false;
	client_watch(c);
}

struct reply_ctx {
	struct lsd_client *c;
	uint16_t seqno;
	uint8_t *buf;
};

/* alfred's unix_sock_req_data_reply: one PUSH_DATA per record. */
static int reply_rec(const struct ls_rec *r, void *user)
{
	struct reply_ctx *x = user;
	struct ls_data d = { .type = r->type, .version = r->version, .len = r->len,
			     .data = r->data };
	struct mc_wr w;
	size_t n;

	memcpy(d.source, r->source, 6);
	mc_wr_init(&w, x->buf, LS_MAX_PAYLOAD);
	ls_push_begin(&w, x->c->tx_id, x->seqno++);
	if (ls_push_add(&w, &d) < 0 || !(n = ls_push_end(&w)))
		return 0;
	return !out_add(x->c, x->buf, n, SIZE_MAX);
}

static void reply_records(struct lsd_client *c)
{
	struct reply_ctx x = { .c = c, .buf = malloc(LS_MAX_PAYLOAD) };

	if (x.buf && c->l->core)
		ls_foreach(c->l->core, c->req_type, reply_rec, &x);
	free(x.buf);
	finish(c);
}

void lsd_unix_request_done(struct lsd *l, struct lsd_client *c, bool ok)
{
	uint8_t b[8];

	if (ok) {
		reply_records(c);
		return;
	}
	out_add(c, b, ls_enc_error(b, c->tx_id, 1), SIZE_MAX);
	finish(c);
}

void lsd_unix_event(struct lsd *l, uint8_t type, const uint8_t source[6])
{
	uint8_t b[16];
	size_t n = ls_enc_event(b, type, source);

	for (struct lsd_client *c = l->clients, *next; c; c = next) {
		next = c->next;
		if (!c->listener)
			continue;
		if (!out_add(c, b, n, LSD_LISTENER_BACKLOG)) {
			client_free(c);	/* it stopped reading */
			continue;
		}
		client_watch(c);
	}
}

static void server_status(struct lsd_client *c)
{
	struct lsd *l = c->l;
	struct ls_iface_status ifs = { l->ifname, l->fd >= 0 };
	uint8_t b[128];
	bool primary = l->core ? ls_is_primary(l->core) : l->cfg.primary;
	size_t n = ls_enc_server_status(b, sizeof(b), primary ? LS_MODE_PRIMARY :
					LS_MODE_SECONDARY, &ifs, 1, l->bat_iface);

	out_add(c, b, n, SIZE_MAX);
	finish(c);
}

static void set_data(struct lsd_client *c, const struct ls_msg *m)
{
	struct lsd *l = c->l;
	struct mc_rd r;
	struct ls_data d;
	int rc;

	mc_rd_init(&r, m->body, m->body_len);
	if (!ls_data_next(&r, &d, NULL)) {
		l->c.unix_malformed++;
	} else if (!l->core) {
		/* no interface yet, so no MAC to set it as: kept for when it
		 * comes (a daemon that publishes at its start, like anycastd) */
		if (lsd_pending_add(l, d.source, d.type, d.version, d.data, d.len) < 0)
			l->c.unix_refused++;
	} else if ((rc = ls_set(l->core, lsd_now(l), d.source, d.type, d.version, d.data,
				d.len)) < 0) {
		l->c.unix_refused++;
		log_info("alfred -s %u refused: %s", d.type, strerror(-rc));
	}
	finish(c);
	lsd_rearm(l);
}

int lsd_pending_add(struct lsd *l, const uint8_t source[6], uint8_t type, uint8_t version,
		    const uint8_t *data, size_t len)
{
	struct lsd_pending *p;

	for (unsigned i = 0; i < l->npending; i++)	/* the newest of a type wins */
		if (l->pending[i].type == type && !memcmp(l->pending[i].source, source, 6)) {
			free(l->pending[i].data);
			l->pending[i] = l->pending[--l->npending];
			break;
		}
	if (l->npending >= LSD_PENDING_MAX || len > LS_MAX_PAYLOAD)
		return -ENOSPC;
	p = &l->pending[l->npending];
	if (!(p->data = malloc(len ? len : 1)))
		return -ENOMEM;
	memcpy(p->source, source, 6);
	p->type = type;
	p->version = version;
	memcpy(p->data, data, len);
	p->len = len;
	l->npending++;
	return 0;
}

void lsd_pending_apply(struct lsd *l)
{
	for (unsigned i = 0; i < l->npending; i++) {
		struct lsd_pending *p = &l->pending[i];

		if (l->core && ls_set(l->core, lsd_now(l), p->source, p->type, p->version, p->data,
				      p->len) < 0)
			l->c.unix_refused++;
		free(p->data);
	}
	l->npending = 0;
}

static void request(struct lsd_client *c, const struct ls_msg *m)
{
	struct lsd *l = c->l;
	uint8_t b[8];
	int rc;

	c->req_type = m->req_type;
	c->tx_id = m->tx_id;
	if (m->len != LS_TLV_LEN + 3) {		/* alfred takes exactly this */
		l->c.unix_malformed++;
		finish(c);
		return;
	}
	if (!l->core || (rc = ls_request(l->core, lsd_now(l), m->req_type, m->tx_id, c)) > 0) {
		reply_records(c);
	} else if (rc == 0) {
		c->pending = true;
		client_watch(c);
	} else {
		out_add(c, b, ls_enc_error(b, c->tx_id, 1), SIZE_MAX);
		finish(c);
	}
	lsd_rearm(l);
}

static void change_interface(struct lsd_client *c, const struct ls_msg *m)
{
	struct lsd *l = c->l;
	char names[LS_IFACES_LEN + 1], *comma;

	memcpy(names, m->body, LS_IFACES_LEN);
	names[LS_IFACES_LEN] = 0;
	if ((comma = strchr(names, ',')))	/* one interface: the cloud's */
		*comma = 0;
	if (!names[0] || strlen(names) >= sizeof(l->ifname) || comma) {
		log_warn("alfred -I %s: leasesyncd syncs on one interface", names);
		l->c.unix_refused++;
	} else if (strcmp(names, l->ifname)) {
		log_notice("interface %s -> %s (alfred -I)", l->ifname, names);
		snprintf(l->ifname, sizeof(l->ifname), "%s", names);
		l->ifindex = -1;	/* on_retry reopens */
	}
	finish(c);
}

static void handle(struct lsd_client *c)
{
	struct lsd *l = c->l;
	struct ls_msg m;

	l->c.unix_requests++;
	if (ls_msg_decode(c->in, c->in_len, &m) < 0) {
		l->c.unix_malformed++;
		finish(c);
		return;
	}
	switch (m.type) {
	case LS_PUSH_DATA:
		set_data(c, &m);
		break;
	case LS_REQUEST:
		request(c, &m);
		break;
	case LS_MODESWITCH:
		if (m.mode > LS_MODE_PRIMARY) {
			l->c.unix_malformed++;
		} else {
			l->cfg.primary = m.mode == LS_MODE_PRIMARY;
			if (l->core)
				ls_set_primary(l->core, lsd_now(l), l->cfg.primary);
			lsd_rearm(l);
		}
		finish(c);
		break;
	case LS_CHANGE_INTERFACE:
		change_interface(c, &m);
		break;
	case LS_CHANGE_BAT_IFACE:
		memcpy(l->bat_iface, m.body, sizeof(l->bat_iface));
		l->bat_iface[sizeof(l->bat_iface) - 1] = 0;
		finish(c);
		break;
	case LS_SERVER_STATUS:
		server_status(c);
		break;
	case LS_EVENT_REGISTER:
		c->listener = true;
		ev_timer_stop(l->d->loop, &c->timeout);
		client_watch(c);
		break;
	default:
		l->c.unix_malformed++;
		finish(c);
		break;
	}
}

static void on_client(struct ev_loop *loop, ev_io *w, int revents)
{
	struct lsd_client *c = w->data;

	if (revents & EV_WRITE && c->out_off < c->out_len) {
		ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);

		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			client_free(c);
			return;
		}
		if (n > 0)
			c->out_off += (size_t)n;
	}
	if (revents & EV_READ) {
		uint8_t tmp[4096];
		ssize_t n;

		if (c->listener) {	/* a listener that writes or hangs up goes */
			n = read(c->fd, tmp, sizeof(tmp));
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) || n > 0) {
				client_free(c);
				return;
			}
		} else {
			size_t need = ls_msg_need(c->in, c->in_len), want;

			want = need ? need - c->in_len : LS_TLV_LEN - c->in_len;
			if (c->in_len + want > c->in_cap) {
				uint8_t *p = realloc(c->in, c->in_len + want);

				if (!p) {
					client_free(c);
					return;
				}
				c->in = p;
				c->in_cap = c->in_len + want;
			}
			n = read(c->fd, c->in + c->in_len, want);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				client_free(c);	/* gone before a whole request */
				return;
			}
			if (n > 0)
				c->in_len += (size_t)n;
			need = ls_msg_need(c->in, c->in_len);
			if (need > LSD_IN_MAX) {
				c->l->c.unix_malformed++;
				client_free(c);
				return;
			}
			if (need && c->in_len >= need) {
				ev_timer_stop(loop, &c->timeout);
				handle(c);
				return;
			}
		}
	}
	client_watch(c);
}

static void on_client_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lsd_client *c = w->data;

	if (c->pending || c->listener || c->closing)
		return;
	c->l->c.unix_timeout++;
	client_free(c);
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	struct lsd *l = w->data;

	for (int i = 0; i < 16; i++) {
		int fd = accept4(l->ufd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct lsd_client *c;

		if (fd < 0)
			return;
		if (l->nclients >= LSD_CLIENTS_MAX || !(c = calloc(1, sizeof(*c)))) {
			l->c.unix_refused++;
			close(fd);
			continue;
		}
		c->l = l;
		c->fd = fd;
		c->next = l->clients;
		l->clients = c;
		l->nclients++;
		ev_io_init(&c->io, on_client, fd, EV_READ);
		c->io.data = c;
		ev_io_start(loop, &c->io);
		ev_timer_init(&c->timeout, on_client_timeout, LSD_CLIENT_TIMEOUT_S, 0);
		c->timeout.data = c;
		ev_timer_start(loop, &c->timeout);
	}
}

int lsd_unix_open(struct lsd *l)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, probe;

	if (strlen(l->sock_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, l->sock_path, strlen(l->sock_path) + 1);
	/* a live socket is another alfred's: leave it; a stale one goes */
	if ((probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0) {
		int rc = connect(probe, (struct sockaddr *)&sa, sizeof(sa));

		close(probe);
		if (rc == 0)
			return -EADDRINUSE;
	}
	unlink(l->sock_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	l->ufd = fd;
	ev_io_init(&l->uio, on_accept, fd, EV_READ);
	l->uio.data = l;
	ev_io_start(l->d->loop, &l->uio);
	return 0;
}

void lsd_unix_close(struct lsd *l)
{
	while (l->clients)
		client_free(l->clients);
	if (l->ufd < 0)
		return;
	ev_io_stop(l->d->loop, &l->uio);
	close(l->ufd);
	l->ufd = -1;
	unlink(l->sock_path);
}
