/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * anycastd and the cloud's lease table (doc/leasesync.md "Leases and
 * names"): through leasesyncd's alfred socket (the same protocol the stock
 * alfred client speaks) anycastd
 *
 *  - publishes its bound leases as its type-66 record and its names as its
 *    type-67 record, at once after a change (coalesced per loop turn) and
 *    every 60 s (alfred forgets data not set again within 600 s);
 *  - reads every node's 66 and 67 records when leasesyncd reports a change
 *    (an event listener, alfred -E) and every 30 s: an address another
 *    node leased to another client is not offered here (held_elsewhere),
 *    names resolve cloud-wide, and a conflict (one address leased to two
 *    clients, after a partition) is settled: the older lease wins, ties
 *    by the lower MAC; the loser's lease here is revoked, so its client is
 *    NAKed at its next renew and asks for a new address.
 *
 * Without leasesyncd (no socket) anycastd works alone, as before.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/json.h"
#include "common/log.h"
#include "anycast/shell/anycastd.h"
#include "anycast/shell/sync.h"

#define SYNC_TICK_MS 1000u
#define SYNC_REPUBLISH_MS 60000u
#define SYNC_REREAD_MS 30000u
#define SYNC_READ_MAX (4u << 20)	/* one answer's bytes */
/* alfred v0, as leasesync/core/alfred.h has it (the room's codec is not
 * anycast's to link; the few bytes are written here) */
#define A_PUSH 0
#define A_REQUEST 2
#define A_ERROR 4
#define A_EVENT_REGISTER 9
#define A_EVENT_NOTIFY 10
#define A_MAX_PAYLOAD (65535 - 8)

static int unix_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	return fd;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* ------------------------------------------------------------ publishing */

struct pub {
	struct anycastd *a;
	char *buf;
	size_t len, cap;
	bool full;
};

static void pub_add(struct pub *p, const char *line)
{
	size_t n = strlen(line);

	if (p->len + n > p->cap) {
		p->full = true;
		return;
	}
	memcpy(p->buf + p->len, line, n);
	p->len += n;
}

static int pub_lease(const struct ac_lease *l, void *user)
{
	struct pub *p = user;
	char line[160], ip[INET_ADDRSTRLEN], mac[MC_MAC_STRLEN];

	if (!l->bound)
		return 0;
	snprintf(line, sizeof(line), "%llu %s %s %s %llu\n",
		 (unsigned long long)(l->expires_ms / 1000), mc_mac_format(l->mac, mac, sizeof(mac)),
		 inet_ntop(AF_INET, &l->ip, ip, sizeof(ip)), l->hostname[0] ? l->hostname : "*",
		 (unsigned long long)(l->since_ms / 1000));
	pub_add(p, line);
	return 0;
}

static int pub_host(const struct ac_lease *l, void *user)
{
	struct pub *p = user;
	char line[128], ip[INET_ADDRSTRLEN];

	if (!l->bound || !l->hostname[0])
		return 0;
	snprintf(line, sizeof(line), "%s %s -\n", l->hostname,
		 inet_ntop(AF_INET, &l->ip, ip, sizeof(ip)));
	pub_add(p, line);
	return 0;
}

/* One record set: alfred -s TYPE with data. */
static int set_record(struct anycastd *a, uint8_t type, const char *data, size_t len)
{
	size_t total = 8 + 10 + len;
	uint8_t *m = malloc(total);
	ssize_t n;
	int fd;

	if (!m)
		return -ENOMEM;
	if ((fd = unix_connect(a->sync.sock)) < 0) {
		free(m);
		return fd;
	}
	m[0] = A_PUSH;
	m[1] = 0;
	put16(m + 2, (unsigned)(total - 4));
	put16(m + 4, 0);		/* tx id */
	put16(m + 6, 0);		/* seqno */
	memset(m + 8, 0, 6);		/* source: leasesyncd's own */
	m[14] = type;
	m[15] = 0;			/* version */
	put16(m + 16, (unsigned)len);
	memcpy(m + 18, data, len);
	n = write(fd, m, total);
	close(fd);
	free(m);
	return n == (ssize_t)total ? 0 : -EAGAIN;
}

static void publish(struct anycastd *a)
{
	struct ac_sync *s = &a->sync;
	struct pub p = { .a = a, .cap = s->max_len };
	const char *host = mc_conf_get_str(mc_conf_section(a->d->conf, "system"), "hostname");
	const struct mc_conf_section *net = mc_conf_section(a->d->conf, "network");
	char line[160], ip4[INET_ADDRSTRLEN] = "-", ip6[INET6_ADDRSTRLEN] = "-";
	struct in_addr a4;
	struct in6_addr a6;
	unsigned plen;
	int rc;

	s->pub_dirty = false;
	s->last_pub_ms = mc_ev_now_ms(a->d->loop);
	if (!(p.buf = malloc(p.cap)))
		return;
	ac_dhcp_leases_foreach(a->dhcp, pub_lease, &p);
	rc = set_record(a, AC_SYNC_LEASES, p.buf, p.len);
	if (p.full && !s->warned_full++)
		log_warn("leases do not fit one %u-byte record: some are not shared",
			 s->max_len);
	p.len = 0;
	p.full = false;
	if (host && *host) {
		if (mc_conf_get_ipv4(net, "main_ipv4_address", &a4, &plen) == 0)
			inet_ntop(AF_INET, &a4, ip4, sizeof(ip4));
		if (mc_conf_get_ipv6(net, "main_ipv6_address", &a6, &plen) == 0)
			inet_ntop(AF_INET6, &a6, ip6, sizeof(ip6));
		snprintf(line, sizeof(line), "%s %s %s\n", host, ip4, ip6);
		pub_add(&p, line);
	}
	ac_dhcp_leases_foreach(a->dhcp, pub_host, &p);
	if (rc == 0)
		rc = set_record(a, AC_SYNC_HOSTS, p.buf, p.len);
	free(p.buf);
	if (rc == 0) {
		s->publishes++;
		s->down_logged = false;
	} else {
		s->pub_dirty = true;	/* again on the next tick */
		s->publish_errors++;
		if (!s->down_logged)
			log_info("leasesyncd (%s): %s; leases not shared until it is there",
				 s->sock, strerror(-rc));
		s->down_logged = true;
	}
}

void ac_sync_lease_changed(struct anycastd *a)
{
	a->sync.pub_dirty = true;
}

/* ------------------------------------------------------------ the table */

/* "EXPIRES MAC IP HOSTNAME SINCE" */
static int parse_lease(const char *line, struct ac_remote *r)
{
	char mac[32], ip[32], host[80];
	unsigned long long exp, since;

	if (sscanf(line, "%llu %31s %31s %79s %llu", &exp, mac, ip, host, &since) != 5 ||
	    mc_mac_parse(mac, r->mac) < 0 || inet_pton(AF_INET, ip, &r->ip) != 1)
		return -EINVAL;
	r->expires_s = exp;
	r->since_s = since;
	snprintf(r->host, sizeof(r->host), "%.63s", strcmp(host, "*") ? host : "");
	return 0;
}

/* "NAME IPV4|- IPV6|-" */
static int parse_host(const char *line, struct ac_rhost *h)
{
	char name[80], ip4[64], ip6[64];

	if (sscanf(line, "%79s %63s %63s", name, ip4, ip6) != 3)
		return -EINVAL;
	snprintf(h->name, sizeof(h->name), "%.63s", name);
	h->has4 = inet_pton(AF_INET, ip4, &h->a4) == 1;
	h->has6 = inet_pton(AF_INET6, ip6, &h->a6) == 1;
	return h->has4 || h->has6 ? 0 : -EINVAL;
}

/* Every line of one record into the table being built. */
static void take_record(struct ac_sync *s, uint8_t type, const uint8_t src[6],
			const uint8_t *data, size_t len)
{
	char *text = malloc(len + 1), *line, *save = NULL;

	if (!text)
		return;
	memcpy(text, data, len);
	text[len] = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (type == AC_SYNC_LEASES) {
			struct ac_remote r;
			void *n;

			if (parse_lease(line, &r) < 0) {
				s->bad_lines++;
				continue;
			}
			memcpy(r.node, src, 6);
			if (s->nnew >= s->capnew) {
				unsigned cap = s->capnew ? 2 * s->capnew : 64;

				if (!(n = realloc(s->newl, cap * sizeof(*s->newl))))
					break;
				s->newl = n;
				s->capnew = cap;
			}
			s->newl[s->nnew++] = r;
		} else {
			struct ac_rhost h;
			void *n;

			if (parse_host(line, &h) < 0) {
				s->bad_lines++;
				continue;
			}
			if (s->nnewh >= s->capnewh) {
				unsigned cap = s->capnewh ? 2 * s->capnewh : 64;

				if (!(n = realloc(s->newh, cap * sizeof(*s->newh))))
					break;
				s->newh = n;
				s->capnewh = cap;
			}
			s->newh[s->nnewh++] = h;
		}
	}
	free(text);
}

struct conflict_walk {
	struct anycastd *a;
	struct in_addr lost[64];
	unsigned nlost;
};

/* The older lease wins; ties by the lower MAC. */
static int conflict_check(const struct ac_lease *l, void *user)
{
	struct conflict_walk *w = user;
	struct ac_sync *s = &w->a->sync;
	uint64_t now_s = ac_wall_ms() / 1000, since = l->since_ms / 1000;

	if (!l->bound)
		return 0;
	for (unsigned i = 0; i < s->nrl; i++) {
		const struct ac_remote *r = &s->rl[i];

		if (r->ip.s_addr != l->ip.s_addr || !memcmp(r->mac, l->mac, 6) ||
		    r->expires_s <= now_s || !memcmp(r->node, s->own, 6))
			continue;
		if (r->since_s < since || (r->since_s == since && memcmp(r->mac, l->mac, 6) < 0)) {
			if (w->nlost < sizeof(w->lost) / sizeof(w->lost[0]))
				w->lost[w->nlost++] = l->ip;
			break;
		}
	}
	return 0;
}

static void table_done(struct anycastd *a, uint8_t type)
{
	struct ac_sync *s = &a->sync;
	struct conflict_walk w = { .a = a };
	char ip[INET_ADDRSTRLEN];

	if (type == AC_SYNC_LEASES) {
		free(s->rl);
		s->rl = s->newl;
		s->nrl = s->nnew;
		s->newl = NULL;
		s->nnew = s->capnew = 0;
		ac_dhcp_leases_foreach(a->dhcp, conflict_check, &w);
		for (unsigned i = 0; i < w.nlost; i++) {
			if (ac_dhcp_lease_revoke(a->dhcp, ac_wall_ms(), w.lost[i]) == 0) {
				s->conflicts_lost++;
				log_notice("lease conflict: %s was leased to another client first, "
					   "elsewhere in the cloud; revoked here (its client gets a "
					   "NAK at its next renew)",
					   inet_ntop(AF_INET, &w.lost[i], ip, sizeof(ip)));
			}
		}
		if (w.nlost)
			ac_rearm(a);
	} else {
		free(s->rh);
		s->rh = s->newh;
		s->nrh = s->nnewh;
		s->newh = NULL;
		s->nnewh = s->capnewh = 0;
	}
	s->reads++;
}

bool ac_sync_held_elsewhere(struct anycastd *a, struct in_addr ip, const uint8_t mac[6])
{
	struct ac_sync *s = &a->sync;
	uint64_t now_s = ac_wall_ms() / 1000;

	for (unsigned i = 0; i < s->nrl; i++)
		if (s->rl[i].ip.s_addr == ip.s_addr && memcmp(s->rl[i].mac, mac, 6) &&
		    s->rl[i].expires_s > now_s && memcmp(s->rl[i].node, s->own, 6))
			return true;
	return false;
}

unsigned ac_sync_lookup(struct anycastd *a, const char *name, int family, void *addr)
{
	struct ac_sync *s = &a->sync;

	for (unsigned i = 0; i < s->nrh; i++) {
		const struct ac_rhost *h = &s->rh[i];

		if (strcasecmp(h->name, name))
			continue;
		if (family == AF_INET && h->has4) {
			memcpy(addr, &h->a4, 4);
			return 1;
		}
		if (family == AF_INET6 && h->has6) {
			memcpy(addr, &h->a6, 16);
			return 1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ reading */

static void read_close(struct anycastd *a)
{
	ac_io_close(a, &a->sync.rw, &a->sync.rfd);
	a->sync.rlen = 0;
}

static void read_start(struct anycastd *a, uint8_t type);

/* The whole answer is in: PUSH_DATA messages of one block each. */
static void read_parse(struct anycastd *a)
{
	struct ac_sync *s = &a->sync;
	size_t off = 0;

	while (off + 4 <= s->rlen) {
		const uint8_t *m = s->rbuf + off;
		size_t len = 4 + get16(m + 2);

		if (off + len > s->rlen)
			break;
		if (m[0] == A_PUSH && len >= 8) {
			size_t b = 8;

			while (b + 10 <= len) {
				size_t dl = get16(m + b + 8);

				if (b + 10 + dl > len)
					break;
				if (m[b + 6] == s->rtype)
					take_record(s, s->rtype, m + b, m + b + 10, dl);
				b += 10 + dl;
			}
		}
		off += len;
	}
	table_done(a, s->rtype);
}

static void on_read(struct ev_loop *loop, ev_io *w, int revents)
{
	struct anycastd *a = w->data;
	struct ac_sync *s = &a->sync;
	ssize_t n;

	for (;;) {
		if (s->rlen == s->rcap) {
			size_t cap = s->rcap ? 2 * s->rcap : 65536;
			uint8_t *p;

			if (cap > SYNC_READ_MAX || !(p = realloc(s->rbuf, cap))) {
				read_close(a);
				return;
			}
			s->rbuf = p;
			s->rcap = cap;
		}
		n = read(s->rfd, s->rbuf + s->rlen, s->rcap - s->rlen);
		if (n > 0) {
			s->rlen += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		break;	/* EOF (or an error): the answer is complete */
	}
	if (s->rlen >= 4 && s->rbuf[0] == A_ERROR) {	/* a secondary's primary failed */
		read_close(a);
		return;
	}
	read_parse(a);
	read_close(a);
	if (s->rtype == AC_SYNC_LEASES)
		read_start(a, AC_SYNC_HOSTS);	/* then the names */
}

static void read_start(struct anycastd *a, uint8_t type)
{
	struct ac_sync *s = &a->sync;
	uint8_t req[7] = { A_REQUEST, 0, 0, 3, type };
	int fd;

	if (s->rfd >= 0)
		return;
	free(type == AC_SYNC_LEASES ? (void *)s->newl : (void *)s->newh);
	if (type == AC_SYNC_LEASES) {
		s->newl = NULL;
		s->nnew = s->capnew = 0;
	} else {
		s->newh = NULL;
		s->nnewh = s->capnewh = 0;
	}
	if ((fd = unix_connect(s->sock)) < 0)
		return;
	put16(req + 5, (unsigned)(++s->tx_id));
	if (write(fd, req, sizeof(req)) != (ssize_t)sizeof(req)) {
		close(fd);
		return;
	}
	s->rfd = fd;
	s->rtype = type;
	s->rlen = 0;
	s->last_read_ms = mc_ev_now_ms(a->d->loop);
	if (type == AC_SYNC_LEASES)
		s->read_wanted = false;
	ev_io_init(&s->rw, on_read, fd, EV_READ);
	s->rw.data = a;
	ev_io_start(a->d->loop, &s->rw);
}

/* ------------------------------------------------------------ events */

static void listen_close(struct anycastd *a)
{
	ac_io_close(a, &a->sync.lw, &a->sync.lfd);
	a->sync.llen = 0;
}

static void on_event(struct ev_loop *loop, ev_io *w, int revents)
{
	struct anycastd *a = w->data;
	struct ac_sync *s = &a->sync;
	ssize_t n = read(s->lfd, s->lbuf + s->llen, sizeof(s->lbuf) - s->llen);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		listen_close(a);	/* leasesyncd went: reconnect on the tick */
		return;
	}
	if (n < 0)
		return;
	s->llen += (size_t)n;
	while (s->llen >= 11) {		/* EVENT_NOTIFY: tlv, type, source */
		if (s->lbuf[0] == A_EVENT_NOTIFY &&
		    (s->lbuf[4] == AC_SYNC_LEASES || s->lbuf[4] == AC_SYNC_HOSTS) &&
		    memcmp(s->lbuf + 5, s->own, 6))
			s->read_wanted = true;
		memmove(s->lbuf, s->lbuf + 11, s->llen - 11);
		s->llen -= 11;
	}
	if (s->read_wanted)
		read_start(a, AC_SYNC_LEASES);
}

static void listen_open(struct anycastd *a)
{
	struct ac_sync *s = &a->sync;
	static const uint8_t reg[4] = { A_EVENT_REGISTER, 0, 0, 0 };
	int fd = unix_connect(s->sock);

	if (fd < 0)
		return;
	if (write(fd, reg, sizeof(reg)) != (ssize_t)sizeof(reg)) {
		close(fd);
		return;
	}
	s->lfd = fd;
	ev_io_init(&s->lw, on_event, fd, EV_READ);
	s->lw.data = a;
	ev_io_start(a->d->loop, &s->lw);
	s->read_wanted = true;		/* what happened while we were not listening */
	s->pub_dirty = true;		/* a (re)started leasesyncd has nothing of ours */
}

/* ------------------------------------------------------------ time */

/* This node's records come back with its bat0 MAC as source. */
static void own_mac(struct anycastd *a)
{
	const char *ifn = mc_conf_get_str(mc_conf_section(a->d->conf, "network"),
					  "leasesync_interface");
	char path[96], text[32];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifn ? ifn : "bat0");
	if (!(f = fopen(path, "re")))
		return;
	if (fgets(text, sizeof(text), f)) {
		text[strcspn(text, "\n")] = 0;
		mc_mac_parse(text, a->sync.own);
	}
	fclose(f);
}

void ac_sync_tick(struct anycastd *a)
{
	struct ac_sync *s = &a->sync;
	uint64_t now = mc_ev_now_ms(a->d->loop);

	if (!s->sock[0])
		return;
	if (s->lfd < 0) {
		own_mac(a);
		listen_open(a);
	}
	if (s->pub_dirty || now - s->last_pub_ms >= SYNC_REPUBLISH_MS)
		publish(a);
	if (s->read_wanted || now - s->last_read_ms >= SYNC_REREAD_MS)
		read_start(a, AC_SYNC_LEASES);
}

static void on_tick(void *user)
{
	struct anycastd *a = user;

	ac_sync_tick(a);
	mc_timer_arm(a->d->loop, &a->sync.timer, SYNC_TICK_MS);
}

void ac_sync_start(struct anycastd *a)
{
	struct ac_sync *s = &a->sync;
	const struct mc_conf_section *net = mc_conf_section(a->d->conf, "network");
	const char *sock = mc_conf_get_str(net, "leasesync_socket");
	long v = 16384;

	s->lfd = s->rfd = -1;
	snprintf(s->sock, sizeof(s->sock), "%s", sock ? sock : "");
	mc_conf_get_int(net, "leasesync_max_record_len", &v);
	s->max_len = (unsigned)v;
	mc_timer_init(&s->timer, on_tick, a);
	mc_timer_arm(a->d->loop, &s->timer, 100);
}

void ac_sync_stop(struct anycastd *a)
{
	struct ac_sync *s = &a->sync;

	mc_timer_stop(a->d->loop, &s->timer);
	listen_close(a);
	read_close(a);
	free(s->rbuf);
	free(s->rl);
	free(s->rh);
	free(s->newl);
	free(s->newh);
	memset(s, 0, sizeof(*s));
	s->lfd = s->rfd = -1;
}

void ac_sync_status(struct anycastd *a, json_object *st)
{
	struct ac_sync *s = &a->sync;
	json_object *o = json_object_new_object();

	mc_json_add(o, "socket", mc_json_str(s->sock));
	mc_json_add(o, "listening", mc_json_bool(s->lfd >= 0));
	mc_json_add(o, "cloud_leases", mc_json_int(s->nrl));
	mc_json_add(o, "cloud_names", mc_json_int(s->nrh));
	mc_json_add(o, "publishes", mc_json_int((int64_t)s->publishes));
	mc_json_add(o, "publish_errors", mc_json_int((int64_t)s->publish_errors));
	mc_json_add(o, "reads", mc_json_int((int64_t)s->reads));
	mc_json_add(o, "bad_lines", mc_json_int((int64_t)s->bad_lines));
	mc_json_add(o, "conflicts_lost", mc_json_int((int64_t)s->conflicts_lost));
	mc_json_add(st, "leasesync", o);
}
