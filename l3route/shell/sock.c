/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l3routed's wires: one UDP/IPv6 socket per mesh port, bound to [::]:port
 * on that interface only, member of ff02::2 there. Packets never leave the
 * link (hop limit 1) and only link-local senders reach the core.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "common/addr.h"
#include "common/log.h"
#include "l3route/shell/l3routed.h"

/* Datagrams read per wake-up at most, so one busy port cannot starve the rest. */
#define L3SH_RX_BATCH 64

static const struct in6_addr all_routers = {
	.s6_addr = { 0xff, 0x02, [15] = 0x02 },
};

static void port_drain(struct l3routed *r, struct l3sh_port *p)
{
	uint8_t buf[L3_PKT_MAX + 256];

	for (int i = 0; i < L3SH_RX_BATCH; i++) {
		struct sockaddr_in6 from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(p->fd, buf, sizeof(buf), MSG_TRUNC,
				     (struct sockaddr *)&from, &flen);

		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_dbg(MC_DBG_L3, "%s: recv: %s", p->ifname, strerror(errno));
			return;
		}
		p->rx_pkts++;
		if (flen < sizeof(from) || from.sin6_family != AF_INET6 ||
		    !mc_in6_is_linklocal(&from.sin6_addr)) {
			p->rx_not_ll++;	/* the core counts these too */
			continue;
		}
		if ((size_t)n > sizeof(buf))
			n = (ssize_t)sizeof(buf);	/* truncated: the core finds it malformed */
		l3_rx(r->node, p->index, &from.sin6_addr, buf, (size_t)n,
		      mc_ev_now_ms(r->d->loop));
	}
}

static void on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct l3sh_port *p = w->data;

	port_drain(p->user, p);
}

int l3sh_sock_open(struct l3routed *r, struct l3sh_port *p)
{
	struct mc_udp6 u = { .ifname = p->ifname, .ifindex = p->ifindex,
			     .port = r->udp_port, .group = &all_routers };
	int fd = mc_udp6_open(&u);

	if (fd < 0) {
		log_err("%s: UDP port %u: %s", p->ifname, r->udp_port, strerror(-fd));
		return fd;
	}
	p->fd = fd;
	p->user = r;
	ev_io_init(&p->io, on_readable, fd, EV_READ);
	p->io.data = p;
	ev_io_start(r->d->loop, &p->io);
	return 0;
}

void l3sh_sock_close(struct l3routed *r, struct l3sh_port *p)
{
	if (p->fd < 0)
		return;
	ev_io_stop(r->d->loop, &p->io);
	close(p->fd);
	p->fd = -1;
}

void l3sh_sock_send(struct l3sh_port *p, uint16_t udp_port, const struct in6_addr *dst,
		    const uint8_t *pkt, size_t len)
{
	int rc;

	if (p->fd < 0)
		return;
	rc = mc_udp6_send(p->fd, p->ifindex, udp_port, dst ? dst : &all_routers, pkt, len);
	if (rc < 0) {
		/* EADDRNOTAVAIL while the link-local is still tentative (DAD) */
		p->tx_errors++;
		log_dbg(MC_DBG_L3, "%s: send: %s", p->ifname, strerror(-rc));
		return;
	}
	p->tx_pkts++;
}
