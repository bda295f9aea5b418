/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * leasesyncd: the shell around the leasesync core (doc/leasesync.md). It
 * waits for the cloud's interface (bat0, which l2meshd makes), speaks
 * A.L.F.R.E.D. v0 on UDP 16962 there from the interface's EUI-64
 * link-local address (added if the interface has a random one), serves
 * alfred's unix socket, and keeps this node's records across restarts.
 */
#include <linux/capability.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sodium.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/sys.h"
#include "leasesync/core/alfred.h"
#include "leasesync/lsconf.h"
#include "leasesync/shell/leasesyncd.h"
#include "schemas/schemas.h"

#define LSD_RETRY_MS 1000u	/* how often to look for the interface */

uint64_t lsd_now(const struct lsd *l)
{
	return mc_ev_now_ms(l->d->loop);
}

/* ------------------------------------------------------------ the core's env */

static void env_send(void *user, const uint8_t *dst, const uint8_t *p, size_t len)
{
	struct lsd *l = user;
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(LS_ALFRED_PORT),
				   .sin6_scope_id = (uint32_t)l->ifindex };
	union {
		struct cmsghdr h;
		uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} ctl;
	struct iovec iov = { .iov_base = (void *)p, .iov_len = len };
	struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov,
			     .msg_iovlen = 1, .msg_control = ctl.b,
			     .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *cm;
	struct in6_pktinfo pi;

	if (l->fd < 0)
		return;
	memcpy(&sa.sin6_addr, dst ? dst : all_nodes, 16);
	/* from our EUI-64 address: alfred reads the sender's MAC from it */
	memset(&ctl, 0, sizeof(ctl));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memset(&pi, 0, sizeof(pi));
	memcpy(&pi.ipi6_addr, l->ll, 16);
	pi.ipi6_ifindex = (unsigned)l->ifindex;
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	/* logged at the 1st, 2nd, 4th, 8th... failure */
	if (sendmsg(l->fd, &mh, 0) < 0 && (l->c.send_errors++, !(l->c.send_errors &
							      (l->c.send_errors - 1))))
		log_warn("send on %s: %s (%llu failed sends)", l->ifname, strerror(errno),
			 (unsigned long long)l->c.send_errors);
}

static uint32_t env_rand(void *user)
{
	return randombytes_random();
}

static void env_changed(void *user, uint8_t type, const uint8_t source[6],
			const struct ls_rec *r)
{
	struct lsd *l = user;

	if (!memcmp(source, l->mac, 6) || (r && r->origin == LS_LOCAL) || !r)
		l->state_dirty = true;	/* cheap to check: one write per turn */
	lsd_unix_event(l, type, source);
	lsd_record_event(l, type, source, r);
}

static void env_request_done(void *user, void *client, bool ok)
{
	lsd_unix_request_done(user, client, ok);
}

static void env_log(void *user, int level, const char *msg)
{
	mc_log(level, "%s", msg);
}

/* ------------------------------------------------------------ config */

static int config(struct lsd *l)
{
	const struct mc_conf_section *net = mc_conf_section(l->d->conf, "network");
	const char *mode = mc_conf_get_str(net, "leasesync_mode");
	const char *ifn = mc_conf_get_str(net, "leasesync_interface");
	const char *sock = mc_conf_get_str(net, "leasesync_socket");
	const char *dir = mc_conf_get_str(net, "leasesync_state_dir");
	long v;

	ls_config_defaults(&l->cfg, (const uint8_t[6]){ 0 });
	l->cfg.primary = !mode || strcmp(mode, "secondary");
	if (mc_conf_get_int(net, "leasesync_sync_period_ms", &v) == 0)
		l->cfg.sync_ms = (uint32_t)v;
	if (mc_conf_get_int(net, "leasesync_push_min_ms", &v) == 0)
		l->cfg.push_min_ms = (uint32_t)v;
	if (mc_conf_get_int(net, "leasesync_max_records", &v) == 0) {
		l->cfg.max_records = (unsigned)v;
		if (l->cfg.max_per_type > l->cfg.max_records)
			l->cfg.max_per_type = l->cfg.max_records;
	}
	if (mc_conf_get_int(net, "leasesync_max_record_len", &v) == 0)
		l->cfg.max_record_len = (uint32_t)v;
	snprintf(l->ifname, sizeof(l->ifname), "%s", ifn ? ifn : "bat0");
	snprintf(l->bat_iface, sizeof(l->bat_iface), "%s", l->ifname);
	if (snprintf(l->sock_path, sizeof(l->sock_path), "%s",
		     sock ? sock : "/var/run/alfred.sock") >= (int)sizeof(l->sock_path) ||
	    snprintf(l->state_path, sizeof(l->state_path), "%s/leasesyncd.records",
		     dir ? dir : "/var/lib/softmesh") >= (int)sizeof(l->state_path))
		return -ENAMETOOLONG;
	return 0;
}

/* ------------------------------------------------------------ the network */

static void on_rx(struct ev_loop *loop, ev_io *w, int revents)
{
	struct lsd *l = w->data;
	static uint8_t buf[LS_MAX_PAYLOAD + 1];

	for (int i = 0; i < 64; i++) {
		struct sockaddr_in6 sa;
		socklen_t sl = sizeof(sa);
		ssize_t n = recvfrom(l->fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa, &sl);

		if (n < 0)
			break;
		if (l->core)
			ls_rx(l->core, lsd_now(l), sa.sin6_addr.s6_addr, buf, (size_t)n);
	}
	lsd_rearm(l);
}

static bool has_addr(const char *ifname, const uint8_t ip[16])
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa) < 0)
		return false;
	for (i = ifa; i && !found; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET6 &&
		    !strcmp(i->ifa_name, ifname) &&
		    !memcmp(((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr.s6_addr, ip, 16))
			found = true;
	freeifaddrs(ifa);
	return found;
}

static void net_close(struct lsd *l)
{
	if (l->fd < 0)
		return;
	ev_io_stop(l->d->loop, &l->io);
	close(l->fd);
	l->fd = -1;
}

/* The interface is there: its MAC, our address on it, the socket. */
static int net_open(struct lsd *l, int idx)
{
	static const struct in6_addr group = { .s6_addr = { 0xff, 0x02, [15] = 1 } };
	struct mc_udp6 u = { .ifname = l->ifname, .ifindex = idx, .port = LS_ALFRED_PORT,
			     .group = &group };
	uint8_t mac[6];
	unsigned mtu;
	bool up;
	int fd, rc;

	if ((rc = mc_nl_link_get(l->nl, idx, mac, &mtu, &up)) < 0)
		return rc;
	if (l->core && memcmp(mac, l->mac, 6))
		log_warn("%s has another MAC now; records keep the first one", l->ifname);
	if (!l->core)
		memcpy(l->mac, mac, 6);
	ls_mac_to_ipv6(l->mac, l->ll);
	if (!has_addr(l->ifname, l->ll)) {
		struct mc_ip ip = { .family = AF_INET6, .plen = 64 };

		memcpy(ip.a, l->ll, 16);
		if ((rc = mc_nl_addr_add(l->nl, idx, &ip)) < 0 && rc != -EEXIST)
			return rc;
		log_notice("added the EUI-64 link-local address to %s (alfred identifies "
			   "senders by it)", l->ifname);
	}
	if ((fd = mc_udp6_open(&u)) < 0)
		return fd;
	l->fd = fd;
	l->ifindex = idx;
	ev_io_init(&l->io, on_rx, fd, EV_READ);
	l->io.data = l;
	ev_io_start(l->d->loop, &l->io);
	return 0;
}

static int core_new(struct lsd *l)
{
	const struct ls_env env = {
		.user = l, .send = env_send, .rand = env_rand, .changed = env_changed,
		.request_done = env_request_done, .log = env_log,
	};

	memcpy(l->cfg.mac, l->mac, 6);
	return ls_new(&l->core, &l->cfg, &env, lsd_now(l));
}

/* bat0 comes with l2meshd, which may start after us, or restart. */
static void on_retry(void *user)
{
	struct lsd *l = user;
	int idx = mc_nl_ifindex(l->ifname), rc;

	if (idx && idx == l->ifindex && l->fd >= 0) {
		mc_timer_arm(l->d->loop, &l->retry, LSD_RETRY_MS);
		return;
	}
	if (l->fd >= 0)
		log_warn("%s went away: waiting for it", l->ifname);
	net_close(l);
	l->ifindex = 0;
	if (idx) {
		if ((rc = net_open(l, idx)) < 0) {
			log_warn("%s: %s; trying again", l->ifname, strerror(-rc));
			net_close(l);
		} else {
			if (!l->core) {
				if ((rc = core_new(l)) < 0) {
					log_err("leasesync core: %s", strerror(-rc));
					ev_break(l->d->loop, EVBREAK_ALL);
					return;
				}
				lsd_keep_load(l);
				lsd_pending_apply(l);	/* what came before, newer */
			}
			log_notice("syncing on %s as a %s", l->ifname,
				   ls_is_primary(l->core) ? "primary" : "secondary");
		}
	}
	mc_timer_arm(l->d->loop, &l->retry, LSD_RETRY_MS);
	lsd_rearm(l);
}

void lsd_rearm(struct lsd *l)
{
	if (l->core)
		mc_timer_arm_at(l->d->loop, &l->tick, ls_tick(l->core, lsd_now(l)));
}

static void on_tick(void *user)
{
	lsd_rearm(user);
}

/* Changes of one loop turn make one write of the state file. */
static void on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct lsd *l = w->data;

	if (l->state_dirty)
		lsd_keep_save(l);
}

/* ------------------------------------------------------------ life */

static int leasesyncd_start(struct mc_daemon *d)
{
	static struct lsd l;
	int rc;

	memset(&l, 0, sizeof(l));
	l.d = d;
	d->priv = &l;
	l.fd = l.ufd = -1;
	if ((rc = config(&l)) < 0)
		return rc;
	if ((rc = mc_nl_open(&l.nl)) < 0)
		return rc;
	if ((rc = lsd_unix_open(&l)) < 0) {
		log_err("%s: %s", l.sock_path, strerror(-rc));
		mc_nl_close(l.nl);
		return rc;
	}
	mc_timer_init(&l.tick, on_tick, &l);
	mc_timer_init(&l.retry, on_retry, &l);
	ev_prepare_init(&l.flush, on_prepare);
	l.flush.data = &l;
	ev_prepare_start(d->loop, &l.flush);
	on_retry(&l);
	lsd_nodeinfo_start(&l);
	lsd_mesh_start(&l);
	if (l.fd < 0)
		log_notice("waiting for %s", l.ifname);
	return 0;
}

static void leasesyncd_stop(struct mc_daemon *d)
{
	struct lsd *l = d->priv;

	if (l->state_dirty)
		lsd_keep_save(l);
	mc_timer_stop(d->loop, &l->tick);
	mc_timer_stop(d->loop, &l->retry);
	lsd_nodeinfo_stop(l);
	lsd_mesh_stop(l);
	ev_prepare_stop(d->loop, &l->flush);
	lsd_unix_close(l);
	lsd_pending_apply(l);	/* (no core: only frees them) */
	net_close(l);
	ls_free(l->core);
	l->core = NULL;
	mc_nl_close(l->nl);
}

int main(int argc, char **argv)
{
	/* UDP 16962 bound to bat0, its link-local address */
	static const int caps[] = { CAP_NET_ADMIN, CAP_NET_RAW };
	static const char *const state[] = { "leasesync_state_dir", NULL };
	struct mc_daemon_ops ops = {
		.name = "leasesyncd", .cmds = lsd_cmds, .topics = lsd_topics,
		.caps = caps, .ncaps = 2, .state_opts = state,
		.conf_parts = sm_conf_parts, .conf_own = &ls_conf_part,
		.status = lsd_status, .start = leasesyncd_start, .stop = leasesyncd_stop,
	};

	if (sodium_init() < 0)
		return 1;
	ops.ncmds = lsd_ncmds;
	ops.ntopics = lsd_ntopics;
	return mc_daemon_main(argc, argv, &ops);
}
