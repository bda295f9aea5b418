/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The uplink check shared by l3routed's gateway offer and l2meshd's
 * babeld default route (common/wancheck.h).
 */
#include "common/wancheck.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netinet/in.h>

#include "common/buf.h"
#include "common/evloop.h"
#include "common/log.h"

#define MC_WAN_BATCH 64

/* Up and running: administratively up, carrier and operstate up. */
static bool link_ok(const char *ifname)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok = false;

	if (fd < 0)
		return false;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
		ok = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	close(fd);
	return ok;
}

static void ping_send(struct mc_wancheck *w, const char *dev, uint64_t now)
{
	uint8_t pkt[16];
	struct mc_wr wr;
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	bool v6 = w->check.family == AF_INET6;

	/* bound to the WAN port: the probe must never leave through a tunnel */
	if (strcmp(dev, w->dev)) {
		if (setsockopt(w->fd, SOL_SOCKET, SO_BINDTODEVICE, dev,
			       (socklen_t)strlen(dev)) < 0)
			return;
		snprintf(w->dev, sizeof(w->dev), "%s", dev);
	}
	mc_wr_init(&wr, pkt, sizeof(pkt));
	mc_wr_u8(&wr, v6 ? 128 : 8);	/* echo request */
	mc_wr_u8(&wr, 0);
	mc_wr_u16(&wr, 0);		/* ICMPv6: the kernel sums it */
	mc_wr_u16(&wr, w->id);
	mc_wr_u16(&wr, ++w->seq);
	mc_wr_u64(&wr, now);
	if (!v6)
		mc_put_u16(pkt + 2, mc_csum_fold(mc_csum_add(0, pkt, sizeof(pkt))));
	if (v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, w->check.a, 16);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, w->check.a, 4);
		sl = sizeof(*s4);
	}
	if (sendto(w->fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss, sl) < 0)
		log_dbg(MC_DBG_GW, "WAN check: ping out of %s: %s", dev, strerror(errno));
}

static void on_ping(struct ev_loop *loop, ev_io *io, int revents)
{
	struct mc_wancheck *w = io->data;
	bool v6 = w->check.family == AF_INET6;
	uint8_t buf[512];

	(void)revents;
	for (int i = 0; i < MC_WAN_BATCH; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		ssize_t n = recvfrom(w->fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &sl);
		const void *from;

		if (n < 0)
			return;
		from = ss.ss_family == AF_INET6 ?
			(const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr :
			(const void *)&((struct sockaddr_in *)&ss)->sin_addr;
		if (!memcmp(from, w->check.a, v6 ? 16 : 4) &&
		    mc_icmp_echo_is_reply(buf, (size_t)n, v6, w->id)) {
			w->last_reply_ms = mc_ev_now_ms(loop);
			w->got_reply = true;
		}
	}
}

void mc_wancheck_config(struct mc_wancheck *w, const struct mc_conf *conf)
{
	const struct mc_conf_section *s = NULL;
	const char *chk = mc_conf_get_str(mc_conf_section(conf, "network"), "gateway_check");

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	w->why = "not checked yet";
	while ((s = mc_conf_next(conf, s, "net")) && w->nwan < MC_WAN_MAX) {
		const char *role = mc_conf_get_str(s, "role");
		if (role && !strcmp(role, "wan"))
			snprintf(w->wan[w->nwan++], IFNAMSIZ, "%s", mc_conf_get_str(s, "linux_name"));
	}
	if (chk && *chk)
		mc_ip_parse(chk, &w->check);	/* the schema checked it */
}

int mc_wancheck_open(struct mc_wancheck *w, struct ev_loop *loop)
{
	bool v6 = w->check.family == AF_INET6;
	int fd;

	w->loop = loop;
	if (!w->check.family)
		return 0;
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	if (fd < 0) {
		log_err("gateway_check: ICMP socket: %s", strerror(errno));
		return -errno;
	}
	w->fd = fd;
	w->dev[0] = '\0';
	w->id = (uint16_t)(getpid() ^ 0x5e00);
	ev_io_init(&w->io, on_ping, fd, EV_READ);
	w->io.data = w;
	ev_io_start(loop, &w->io);
	return 0;
}

void mc_wancheck_close(struct mc_wancheck *w)
{
	if (w->fd < 0)
		return;
	ev_io_stop(w->loop, &w->io);
	close(w->fd);
	w->fd = -1;
	w->dev[0] = '\0';
}

bool mc_wancheck_retarget(struct mc_wancheck *w, const char *chk, uint64_t now)
{
	struct mc_ip ip = { 0 };

	if (chk && *chk)
		mc_ip_parse(chk, &ip);	/* the schema checked it */
	if (ip.family == w->check.family && !memcmp(ip.a, w->check.a, sizeof(ip.a)))
		return false;
	mc_wancheck_close(w);
	w->check = ip;
	w->got_reply = w->check_ok;
	w->last_reply_ms = now;
	if (ip.family && w->loop)
		mc_wancheck_open(w, w->loop);	/* on failure logged; the check then fails */
	return true;
}

bool mc_wancheck_run(struct mc_wancheck *w, uint64_t now)
{
	w->up_dev = NULL;
	for (unsigned i = 0; i < w->nwan && !w->up_dev; i++)
		if (link_ok(w->wan[i]))
			w->up_dev = w->wan[i];
	w->wan_up = !w->nwan || w->up_dev;
	if (!w->wan_up) {
		w->check_ok = false;
		w->why = "WAN link down";
		return false;
	}
	if (!w->check.family)
		w->check_ok = true;
	else
		w->check_ok = w->got_reply && now - w->last_reply_ms < MC_WAN_PING_TIMEOUT_MS;
	if (w->check.family && w->fd >= 0)
		ping_send(w, w->up_dev ? w->up_dev : "", now);
	if (!w->check_ok) {
		w->why = "no reply from the gateway_check target";
		return false;
	}
	w->why = w->nwan ? "WAN up" : "no role wan port";
	return true;
}

void mc_wancheck_target(const struct mc_wancheck *w, char *buf, size_t len)
{
	struct mc_ip c = w->check;

	if (!len)
		return;
	buf[0] = '\0';
	if (!c.family)
		return;
	c.plen = c.family == AF_INET ? 32 : 128;
	mc_ip_format(&c, buf, len);
}
