/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DNS's sockets: UDP and TCP 53 on the two anycast addresses (bound with
 * FREEBIND: l2meshd may add the addresses after we start), and one
 * unbound UDP socket per family towards the upstream resolvers. A client
 * is a token the core holds while a forwarded query waits; the shell owns
 * the memory and frees a UDP token once it is answered or dropped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "anycast/shell/anycastd.h"
#include "common/conf.h"
#include "common/log.h"

enum { DNS_UDP4, DNS_UDP6, DNS_TCP4, DNS_TCP6 };

/* A UDP client: the first field tells it from an ac_tcp (fd, never -2). */
struct udp_client {
	int tag;			/* -2 */
	int fd;
	struct sockaddr_storage from;
	socklen_t fromlen;
	struct udp_client *next, **pprev;
	bool answered;
};

static struct udp_client *waiting;	/* forwarded queries' clients */

static void udp_unlink(struct udp_client *c)
{
	*c->pprev = c->next;
	if (c->next)
		c->next->pprev = c->pprev;
	free(c);
}

static void tcp_close(struct ac_tcp *t);

void ac_dns_io_reply(struct anycastd *a, void *client, const uint8_t *msg, size_t len)
{
	struct udp_client *u = client;
	struct ac_tcp *t = client;
	uint8_t hdr[2] = { (uint8_t)(len >> 8), (uint8_t)len };

	if (u->tag == -2) {
		if (sendto(u->fd, msg, len, MSG_DONTWAIT, (struct sockaddr *)&u->from,
			   u->fromlen) < 0)
			a->tx_errors++;
		u->answered = true;
		if (u->pprev)
			udp_unlink(u);
		return;
	}
	/* TCP: replies are small next to the socket buffer; a client that
	 * does not read them loses its connection */
	if (send(t->fd, hdr, 2, MSG_DONTWAIT | MSG_MORE | MSG_NOSIGNAL) != 2 ||
	    send(t->fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)len)
		tcp_close(t);
}

static void udp_query(struct anycastd *a, int fd)
{
	uint8_t buf[4096];
	struct udp_client *c = calloc(1, sizeof(*c));
	ssize_t n;

	if (!c)
		return;
	c->tag = -2;
	c->fd = fd;
	c->fromlen = sizeof(c->from);
	n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&c->from,
		     &c->fromlen);
	if (n < 0) {
		free(c);
		return;
	}
	ac_dns_query(a->dns, mc_ev_now_ms(a->d->loop), c, buf, (size_t)n, false);
	if (c->answered || !ac_dns_pending(a->dns, c)) {	/* answered or dropped */
		free(c);
		return;
	}
	c->next = waiting;	/* the core answers later */
	if (waiting)
		waiting->pprev = &c->next;
	c->pprev = &waiting;
	waiting = c;
}

static void on_udp(struct ev_loop *loop, ev_io *io, int revents)
{
	struct anycastd *a = io->data;

	for (int i = 0; i < 32; i++)
		udp_query(a, io->fd);
	ac_rearm(a);
}

/* ------------------------------------------------------------------ TCP */

static void tcp_close(struct ac_tcp *t)
{
	struct anycastd *a = t->a;

	for (unsigned i = 0; i < AC_TCP_MAX; i++)
		if (a->tcp[i] == t)
			a->tcp[i] = NULL;
	ac_dns_client_gone(a->dns, t);
	ev_io_stop(a->d->loop, &t->w);
	close(t->fd);
	free(t);
}

/* Whole length-prefixed queries out of what came in. */
static void tcp_queries(struct ac_tcp *t)
{
	size_t len;

	while (t->inlen >= 2 && t->inlen >= 2 + (len = (size_t)t->in[0] << 8 | t->in[1])) {
		ac_dns_query(t->a->dns, mc_ev_now_ms(t->a->d->loop), t, t->in + 2, len, true);
		memmove(t->in, t->in + 2 + len, t->inlen - 2 - len);
		t->inlen -= 2 + len;
	}
}

static void on_tcp(struct ev_loop *loop, ev_io *io, int revents)
{
	struct ac_tcp *t = io->data;
	struct anycastd *a = t->a;
	ssize_t n = recv(t->fd, t->in + t->inlen, sizeof(t->in) - t->inlen, MSG_DONTWAIT);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		tcp_close(t);
	} else if (n > 0) {
		t->inlen += (size_t)n;
		tcp_queries(t);
	}
	ac_rearm(a);
}

/* A new TCP client; when all slots are taken the oldest one goes. */
static void on_accept(struct ev_loop *loop, ev_io *io, int revents)
{
	struct anycastd *a = io->data;
	int fd = accept4(io->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	unsigned slot = 0;
	struct ac_tcp *t;

	if (fd < 0)
		return;
	for (unsigned i = 0; i < AC_TCP_MAX; i++) {
		if (!a->tcp[i]) {
			slot = i;
			break;
		}
		if (a->tcp[i]->since_ms < a->tcp[slot]->since_ms)
			slot = i;
	}
	if (a->tcp[slot])
		tcp_close(a->tcp[slot]);
	if (!(t = calloc(1, sizeof(*t)))) {
		close(fd);
		return;
	}
	t->a = a;
	t->fd = fd;
	t->since_ms = mc_ev_now_ms(loop);
	a->tcp[slot] = t;
	ev_io_init(&t->w, on_tcp, fd, EV_READ);
	t->w.data = t;
	ev_io_start(loop, &t->w);
}

/* ------------------------------------------------------------- upstreams */

void ac_dns_io_forward(struct anycastd *a, unsigned i, const uint8_t *msg, size_t len)
{
	struct ac_dns_upstream u;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	int fd;

	if (ac_dns_upstream_get(a->dns, i, &u) < 0)
		return;
	sin.sin_port = sin6.sin6_port = htons(u.port ? u.port : 53);
	sin.sin_addr = u.a4;
	sin6.sin6_addr = u.a6;
	fd = a->up_fd[u.family == AF_INET6];
	if (fd < 0 || (u.family == AF_INET6 ?
		       sendto(fd, msg, len, 0, (struct sockaddr *)&sin6, sizeof(sin6)) :
		       sendto(fd, msg, len, 0, (struct sockaddr *)&sin, sizeof(sin))) < 0)
		a->tx_errors++;
}

/* Which upstream an answer came from; -1: none of them. */
static int upstream_of(struct anycastd *a, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *s4 = (const void *)ss;
	const struct sockaddr_in6 *s6 = (const void *)ss;
	struct ac_dns_upstream u;

	for (unsigned i = 0; ac_dns_upstream_get(a->dns, i, &u) == 0; i++) {
		if (htons(u.port ? u.port : 53) != (ss->ss_family == AF_INET ? s4->sin_port :
						     s6->sin6_port))
			continue;
		if (ss->ss_family == AF_INET && u.family == AF_INET &&
		    s4->sin_addr.s_addr == u.a4.s_addr)
			return (int)i;
		if (ss->ss_family == AF_INET6 && u.family == AF_INET6 &&
		    !memcmp(&s6->sin6_addr, &u.a6, 16))
			return (int)i;
	}
	return -1;
}

static void on_upstream(struct ev_loop *loop, ev_io *io, int revents)
{
	struct anycastd *a = io->data;
	static uint8_t buf[65536];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	ssize_t n = recvfrom(io->fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&ss, &sl);
	int i;

	if (n < 0 || (i = upstream_of(a, &ss)) < 0)
		return;
	ac_dns_upstream_rx(a->dns, mc_ev_now_ms(loop), (unsigned)i, buf, (size_t)n);
	ac_rearm(a);
}

/* dns_upstream, else the nameservers of /etc/resolv.conf but loopback and
 * our own anycast addresses (a node's resolver may well point at us). */
static bool upstream_add(struct anycastd *a, struct ac_dns_upstream *u, unsigned *n,
			 const char *s)
{
	struct ac_dns_upstream v = { 0 };

	if (inet_pton(AF_INET, s, &v.a4) == 1)
		v.family = AF_INET;
	else if (inet_pton(AF_INET6, s, &v.a6) == 1)
		v.family = AF_INET6;
	else
		return false;
	if ((v.family == AF_INET && ((ntohl(v.a4.s_addr) >> 24) == 127 ||
				     v.a4.s_addr == a->gw4.s_addr)) ||
	    (v.family == AF_INET6 && (IN6_IS_ADDR_LOOPBACK(&v.a6) ||
				      !memcmp(&v.a6, &a->gw6, 16))))
		return false;
	u[(*n)++] = v;
	return true;
}

int ac_dns_io_upstreams(struct anycastd *a, struct ac_dns_upstream *u, unsigned max)
{
	const struct mc_conf_section *net = mc_conf_section(a->d->conf, "network");
	size_t nconf = mc_conf_list_len(net, "dns_upstream");
	char line[256], ns[64];
	unsigned n = 0;
	FILE *f;

	for (size_t i = 0; i < nconf && n < max; i++)
		upstream_add(a, u, &n, mc_conf_list_get(net, "dns_upstream", i));
	if (nconf || !(f = fopen("/etc/resolv.conf", "re")))
		return (int)n;
	while (n < max && fgets(line, sizeof(line), f))
		if (sscanf(line, " nameserver %63s", ns) == 1)
			upstream_add(a, u, &n, ns);
	fclose(f);
	return (int)n;
}

/* ---------------------------------------------------------------- open */

static int dns_socket(const struct anycastd *a, int kind)
{
	bool v6 = kind == DNS_UDP6 || kind == DNS_TCP6, tcp = kind >= DNS_TCP4;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(53), .sin_addr = a->gw4 };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(53),
				     .sin6_addr = a->gw6 };
	int fd = socket(v6 ? AF_INET6 : AF_INET,
			(tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int one = 1, e;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_FREEBIND : IP_FREEBIND,
		       &one, sizeof(one)) < 0 ||
	    (v6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    (v6 ? bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) :
		  bind(fd, (struct sockaddr *)&sin, sizeof(sin))) < 0 ||
	    (tcp && listen(fd, 16) < 0)) {
		e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

static int watch(struct anycastd *a, ev_io *w, int fd, void (*cb)(struct ev_loop *, ev_io *, int))
{
	if (fd < 0)
		return fd;
	ev_io_init(w, cb, fd, EV_READ);
	w->data = a;
	ev_io_start(a->d->loop, w);
	return 0;
}

int ac_dns_io_open(struct anycastd *a)
{
	static void (*const cbs[4])(struct ev_loop *, ev_io *, int) = {
		on_udp, on_udp, on_accept, on_accept,
	};
	int rc;

	for (int k = 0; k < 4; k++)
		if ((rc = watch(a, &a->dns_w[k], a->dns_fd[k] = dns_socket(a, k), cbs[k])) < 0)
			return rc;
	for (int v6 = 0; v6 < 2; v6++) {
		a->up_fd[v6] = socket(v6 ? AF_INET6 : AF_INET,
				      SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if ((rc = watch(a, &a->up_w[v6], a->up_fd[v6], on_upstream)) < 0)
			return -errno;
	}
	return 0;
}

void ac_dns_io_close(struct anycastd *a)
{
	for (unsigned i = 0; i < AC_TCP_MAX; i++)
		if (a->tcp[i])
			tcp_close(a->tcp[i]);
	while (waiting) {
		ac_dns_client_gone(a->dns, waiting);
		udp_unlink(waiting);
	}
	for (int k = 0; k < 4; k++)
		ac_io_close(a, &a->dns_w[k], &a->dns_fd[k]);
	for (int v6 = 0; v6 < 2; v6++)
		ac_io_close(a, &a->up_w[v6], &a->up_fd[v6]);
}
