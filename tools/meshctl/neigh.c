/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An IP address's MAC from the kernel's neighbour table on bat0
 * (RTM_GETNEIGH through libnl-route), for meshctl ping/traceroute by IP.
 * As batctl does, a miss sends one UDP datagram to the address's discard
 * port (9) so that the kernel resolves it by ARP or neighbour discovery,
 * and the table is read again; five tries 200 ms apart. The datagram is
 * bound to bat0: another node's address is routed at layer 3 (l3routed),
 * and only over bat0 does the answer name the MAC the mesh knows. batctl
 * reads every interface; without a bat0 (no l2meshd) so does meshctl.
 */
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netlink/route/neighbour.h>

#include "common/nl.h"
#include "tools/meshctl/meshctl.h"

#define NEIGH_DEV "bat0"
#define NEIGH_TRIES 5
#define NEIGH_WAIT_NS 200000000L

static int neigh_lookup(int ifindex, const struct mc_ip *ip, uint8_t mac[6])
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *cache = NULL;
	int rc = -ENOMEM;

	if (!sk)
		return rc;
	if (nl_connect(sk, NETLINK_ROUTE) < 0 || rtnl_neigh_alloc_cache(sk, &cache) < 0) {
		rc = -EIO;
		goto out;
	}
	rc = -ENOENT;
	for (struct nl_object *o = nl_cache_get_first(cache); o && rc; o = nl_cache_get_next(o))
		if (mc_nl_neigh_match((struct rtnl_neigh *)o, ifindex, ip, mac))
			rc = 0;
	nl_cache_free(cache);
out:
	nl_socket_free(sk);
	return rc;
}

/* One datagram to ip:9, so that the kernel asks the link for ip's MAC. */
static void neigh_poke(const struct mc_ip *ip)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(9) };
	struct sockaddr_in s4 = { .sin_family = AF_INET, .sin_port = htons(9) };
	int fd = socket(ip->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	char byte = 0;

	if (fd < 0)
		return;
	/* best effort: unbound, the datagram may still prompt ARP/ND */
	setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, NEIGH_DEV, sizeof(NEIGH_DEV));
	if (ip->family == AF_INET) {
		memcpy(&s4.sin_addr, ip->a, 4);
		sendto(fd, &byte, 1, MSG_DONTWAIT, (struct sockaddr *)&s4, sizeof(s4));
	} else {
		memcpy(&s6.sin6_addr, ip->a, 16);
		sendto(fd, &byte, 1, MSG_DONTWAIT, (struct sockaddr *)&s6, sizeof(s6));
	}
	close(fd);
}

int mc_neigh_resolve(void *user, const struct mc_ip *ip, uint8_t mac[6])
{
	const struct timespec wait = { .tv_nsec = NEIGH_WAIT_NS };
	int ifindex = (int)if_nametoindex(NEIGH_DEV);
	int rc = neigh_lookup(ifindex, ip, mac);

	for (int i = 1; i < NEIGH_TRIES && rc == -ENOENT; i++) {
		neigh_poke(ip);
		nanosleep(&wait, NULL);
		rc = neigh_lookup(ifindex, ip, mac);
	}
	return rc;
}
