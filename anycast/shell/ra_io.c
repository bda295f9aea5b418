/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Router advertisements: one raw ICMPv6 socket on anygw that hears router
 * solicitations (ff02::2) and sends the core's RAs from anygw's link-local
 * address, which every node shares (it comes from the anycast MAC), with
 * hop limit 255. The kernel fills in the checksum.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>

#include "anycast/shell/anycastd.h"
#include "common/log.h"

static void on_icmp6(struct ev_loop *loop, ev_io *io, int revents)
{
	struct anycastd *a = io->data;
	uint8_t buf[1500], cbuf[CMSG_SPACE(sizeof(int))];
	struct sockaddr_in6 from;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			    .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	int hops = -1;
	ssize_t n = recvmsg(a->icmp6_fd, &m, MSG_DONTWAIT);

	if (n < 0)
		return;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)
			memcpy(&hops, CMSG_DATA(c), sizeof(hops));
	ac_ra_rx(a->ra, mc_ev_now_ms(loop), buf, (size_t)n, &from.sin6_addr,
		 hops < 0 ? 0 : (uint8_t)hops);
	ac_rearm(a);
}

void ac_ra_io_send(struct anycastd *a, const uint8_t *msg, size_t len,
		   const struct in6_addr *dst)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_addr = *dst,
				   .sin6_scope_id = (uint32_t)a->ifindex };

	if (a->icmp6_fd < 0 || sendto(a->icmp6_fd, msg, len, 0, (struct sockaddr *)&to,
				      sizeof(to)) < 0)
		a->tx_errors++;
}

static int icmp6_setup(int fd, const struct anycastd *a)
{
	struct icmp6_filter f;
	struct ipv6_mreq mr = { .ipv6mr_interface = (unsigned)a->ifindex };
	int one = 1, hops = 255, zero = 0;

	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ND_ROUTER_SOLICIT, &f);
	inet_pton(AF_INET6, "ff02::2", &mr.ipv6mr_multiaddr);
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, a->ifname,
		       (socklen_t)strlen(a->ifname) + 1) < 0 ||
	    setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof(zero)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
		return -errno;
	return 0;
}

int ac_ra_io_open(struct anycastd *a)
{
	int rc;

	a->icmp6_fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6);
	if (a->icmp6_fd < 0)
		return -errno;
	if ((rc = icmp6_setup(a->icmp6_fd, a)) < 0)
		return rc;
	ev_io_init(&a->icmp6_w, on_icmp6, a->icmp6_fd, EV_READ);
	a->icmp6_w.data = a;
	ev_io_start(a->d->loop, &a->icmp6_w);
	return 0;
}

void ac_ra_io_close(struct anycastd *a)
{
	ac_io_close(a, &a->icmp6_w, &a->icmp6_fd);
}
