/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * webuid: the web interface's HTTP server (doc/webui.md). libmicrohttpd
 * runs inside the libev loop (MHD_USE_EPOLL without threads: its epoll
 * descriptor is one more watcher, its timeouts one timer), one MHD daemon
 * per listening address. It listens on the cloud's addresses (the anycast
 * ones every client reaches as thisnode.info, and the node's own) and on
 * loopback, never on the WAN unless told to (webui_listen).
 */
#include <linux/capability.h>
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "schemas/schemas.h"
#include "webui/shell/webuid.h"
#include "webui/wuconf.h"

static struct wud wud;

uint64_t wud_now(const struct wud *w)
{
	return mc_ev_now_ms(w->d->loop);
}

static void on_auth_rand(void *user, uint8_t *buf, size_t n)
{
	randombytes_buf(buf, n);
}

/* ----------------------------------------------------------- listening */

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[256];

	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = 0;
	log_dbg(MC_DBG_CTL, "http: %s", line);
}

static void rearm(struct wud_listener *l)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_get_timeout(l->mhd, &ms) == MHD_YES)
		mc_timer_arm(l->w->d->loop, &l->t, ms);
	else
		mc_timer_stop(l->w->d->loop, &l->t);
}

static void run_mhd(struct wud_listener *l)
{
	MHD_run(l->mhd);
	rearm(l);
}

void wud_listen_kick(struct wud *w)
{
	for (unsigned i = 0; i < w->nlis; i++)
		run_mhd(&w->lis[i]);
}

static void on_io(struct ev_loop *loop, ev_io *io, int revents)
{
	run_mhd(io->data);
}

static void on_mhd_timer(void *user)
{
	run_mhd(user);
}

/* MHD_resume_connection wakes the epoll descriptor; other work of ours
 * (a queued stream event) is picked up on the next turn */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct wud *w = cls;

	if (w->nconn >= (unsigned)w->max_conn) {
		w->conn_refused++;
		return MHD_NO;
	}
	return MHD_YES;
}

static void on_conn(void *cls, struct MHD_Connection *c, void **socket_context,
		    enum MHD_ConnectionNotificationCode toe)
{
	struct wud *w = cls;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		w->nconn++;
	} else if (w->nconn) {
		w->nconn--;
		w->closed_since_trim++;
	}
}

static size_t on_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	return wud_url_unescape(s);
}

static int listen_socket(const char *addr, long port)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} sa = { 0 };
	socklen_t len;
	int fd, one = 1, fam;

	if (inet_pton(AF_INET, addr, &sa.in.sin_addr) == 1) {
		fam = sa.in.sin_family = AF_INET;
		sa.in.sin_port = htons((uint16_t)port);
		len = sizeof(sa.in);
	} else if (inet_pton(AF_INET6, addr, &sa.in6.sin6_addr) == 1) {
		fam = sa.in6.sin6_family = AF_INET6;
		sa.in6.sin6_port = htons((uint16_t)port);
		len = sizeof(sa.in6);
	} else {
		return -EINVAL;
	}
	fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* the cloud's addresses come when the other daemons are up: bind
	 * before they exist */
	setsockopt(fd, fam == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
		   fam == AF_INET ? IP_FREEBIND : IPV6_FREEBIND, &one, sizeof(one));
	if (fam == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, &sa.sa, len) < 0 || listen(fd, 64) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	return fd;
}

/* "10.13.1.1/16" -> "10.13.1.1" into list, once */
static void want(char list[][64], unsigned *n, const char *a)
{
	char b[64];

	if (!a || !*a || *n >= WUD_LISTEN_MAX)
		return;
	snprintf(b, sizeof(b), "%s", a);
	b[strcspn(b, "/")] = 0;
	for (unsigned i = 0; i < *n; i++)
		if (!strcmp(list[i], b))
			return;
	snprintf(list[(*n)++], 64, "%s", b);
}

static unsigned addresses(const struct mc_conf *c, char list[][64])
{
	const struct mc_conf_section *net = mc_conf_section(c, "network");
	size_t n = mc_conf_list_len(net, "webui_listen");
	unsigned k = 0;

	for (size_t i = 0; i < n; i++)
		want(list, &k, mc_conf_list_get(net, "webui_listen", i));
	if (n)
		return k;
	want(list, &k, mc_conf_get_str(net, "anygw_ipv4"));
	want(list, &k, mc_conf_get_str(net, "anygw_ipv6"));
	want(list, &k, mc_conf_get_str(net, "main_ipv4_address"));
	want(list, &k, mc_conf_get_str(net, "main_ipv6_address"));
	want(list, &k, "127.0.0.1");
	want(list, &k, "::1");
	return k;
}

static long port_of(const struct mc_conf *c)
{
	long port = 80;

	mc_conf_get_int(mc_conf_section(c, "network"), "webui_port", &port);
	return port;
}

bool wud_listen_changed(struct wud *w)
{
	char list[WUD_LISTEN_MAX][64], path[sizeof(w->pw_path) + 600];
	unsigned n = addresses(w->d->conf, list), same = 0;
	const char *dir = mc_conf_get_str(mc_conf_section(w->d->conf, "network"),
					  "webui_state_dir");

	snprintf(path, sizeof(path), "%s/webui.passwd", dir ? dir : "");
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < w->nlis; j++)
			same += !strcmp(list[i], w->lis[j].addr);
	return same != n || n != w->nlis || strcmp(path, w->pw_path) ||
	       port_of(w->d->conf) != w->port;
}

int wud_listen_start(struct wud *w)
{
	char list[WUD_LISTEN_MAX][64];
	unsigned n = addresses(w->d->conf, list);
	const struct mc_conf_section *net = mc_conf_section(w->d->conf, "network");
	long idle = 3600;

	w->port = port_of(w->d->conf);
	w->max_conn = 128;
	w->max_per_ip = 64;
	mc_conf_get_int(net, "webui_max_clients", &w->max_conn);
	mc_conf_get_int(net, "webui_max_clients_per_ip", &w->max_per_ip);
	mc_conf_get_int(net, "webui_session_idle_s", &idle);
	wu_auth_init(&w->auth, &(struct wu_auth_env){ .rand = on_auth_rand }, (uint64_t)idle * 1000,
		     (uint64_t)idle * 1000 * 24);
	for (unsigned i = 0; i < n; i++) {
		struct wud_listener *l = &w->lis[w->nlis];
		const union MHD_DaemonInfo *info;
		int fd = listen_socket(list[i], w->port);

		if (fd < 0) {
			log_warn("cannot listen on %s port %ld: %s", list[i], w->port, strerror(-fd));
			continue;
		}
		l->w = w;
		snprintf(l->addr, sizeof(l->addr), "%.63s", list[i]);
		l->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
					  MHD_USE_ERROR_LOG, 0, on_accept, w,
					  wud_http_handler, w,
					  MHD_OPTION_LISTEN_SOCKET, fd,
					  MHD_OPTION_CONNECTION_LIMIT, (unsigned)w->max_conn,
					  MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)w->max_per_ip,
					  MHD_OPTION_CONNECTION_TIMEOUT, 30u,
					  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
					  MHD_OPTION_NOTIFY_COMPLETED, wud_http_completed, w,
					  MHD_OPTION_NOTIFY_CONNECTION, on_conn, w,
					  MHD_OPTION_EXTERNAL_LOGGER, mhd_log, w,
					  MHD_OPTION_UNESCAPE_CALLBACK, on_unescape, w,
					  MHD_OPTION_END);
		if (!l->mhd) {
			log_warn("cannot start HTTP on %s", list[i]);
			close(fd);
			continue;
		}
		info = MHD_get_daemon_info(l->mhd, MHD_DAEMON_INFO_EPOLL_FD);
		ev_io_init(&l->io, on_io, info->epoll_fd, EV_READ);
		l->io.data = l;
		ev_io_start(w->d->loop, &l->io);
		mc_timer_init(&l->t, on_mhd_timer, l);
		rearm(l);
		log_info("listening on %s%s%s:%ld", strchr(list[i], ':') ? "[" : "", list[i],
			 strchr(list[i], ':') ? "]" : "", w->port);
		w->nlis++;
	}
	if (!w->nlis) {
		log_err("no address to listen on");
		return -EADDRNOTAVAIL;
	}
	return 0;
}

void wud_listen_stop(struct wud *w)
{
	wud_sse_close_all(w);
	for (unsigned i = 0; i < w->nlis; i++)
		MHD_run(w->lis[i].mhd);
	for (unsigned i = 0; i < w->nlis; i++) {
		struct wud_listener *l = &w->lis[i];

		ev_io_stop(w->d->loop, &l->io);
		mc_timer_stop(w->d->loop, &l->t);
		MHD_stop_daemon(l->mhd);
	}
	w->nlis = 0;
}

/* ------------------------------------------------------------- daemon */

void wud_publish(struct wud *w, const char *what, json_object *detail)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "what", json_object_new_string(what));
	json_object_object_add(o, "detail", detail);
	mc_ctl_publish(w->d->ctl, "change", o);
}

static void status(struct mc_daemon *d, json_object *st)
{
	struct wud *w = d->priv;
	json_object *ls = json_object_new_array();

	for (unsigned i = 0; i < w->nlis; i++)
		json_object_array_add(ls, json_object_new_string(w->lis[i].addr));
	json_object_object_add(st, "listen", ls);
	json_object_object_add(st, "port", json_object_new_int((int)w->port));
	json_object_object_add(st, "password_set", json_object_new_boolean(wud_password_set(w)));
	json_object_object_add(st, "password_file", json_object_new_string(w->pw_path));
	json_object_object_add(st, "connections", json_object_new_int((int)w->nconn));
	json_object_object_add(st, "event_streams", json_object_new_int((int)w->nsse));
	json_object_object_add(st, "sessions",
			       json_object_new_int((int)wu_session_count(&w->auth, wud_now(w))));
#define C(x) json_object_object_add(st, #x, json_object_new_int64((int64_t)w->x))
	C(requests); C(not_found); C(refused); C(login_ok); C(login_failed);
	C(login_limited); C(changes); C(change_errors); C(sse_refused); C(conn_refused);
#undef C
	for (unsigned i = 0; i < WV_DAEMONS; i++) {
		char k[32];

		snprintf(k, sizeof(k), "%s_connected", wv_daemons[i].name);
		json_object_object_add(st, k, json_object_new_boolean(w->v.up[i]));
	}
}

static int start(struct mc_daemon *d)
{
	struct wud *w = &wud;
	int rc;

	w->d = d;
	d->priv = w;
	w->v.conf = d->conf;
	if ((rc = wud_password_load(w)) < 0) {
		log_err("%s: %s", w->pw_path, strerror(-rc));
		return rc;
	}
	w->v.password_set = wud_password_set(w);
	if (!w->v.password_set)
		log_notice("no admin password yet: the web UI opens its first-run setup");
	if ((rc = wud_listen_start(w)) < 0)
		return rc;
	wud_feeds_start(w);
	return 0;
}

static void stop(struct mc_daemon *d)
{
	struct wud *w = d->priv;

	wud_listen_stop(w);
	wud_feeds_stop(w);
}

int main(int argc, char **argv)
{
	static const struct mc_ctl_topic topics[] = {
		{ .name = "change", .help = "the web UI changed a setting or the gateway choice" },
	};
	/* HTTP on port 80 */
	static const int caps[] = { CAP_NET_BIND_SERVICE };
	static const char *const state[] = { "webui_state_dir", NULL };
	struct mc_daemon_ops ops = {
		.name = "webuid", .topics = topics, .ntopics = 1,
		.caps = caps, .ncaps = 1, .state_opts = state, .writes_node_file = true,
		.conf_parts = sm_conf_parts, .conf_own = &wu_conf_part,
		.status = status, .start = start, .stop = stop,
	};

	/* big blocks (the password hash's 8 MiB) go back to the system when
	 * freed, rather than staying in the heap: webuid's RSS stays small */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	if (sodium_init() < 0)
		return 1;
	return mc_daemon_main(argc, argv, &ops);
}
