/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An IP address's MAC from the kernel's neighbour table (RTM_GETNEIGH
 * through libnl-route), for meshctl ping/traceroute by IP. As batctl
 * does, a miss sends one UDP datagram to the address's discard port (9):
 * the kernel then resolves it by ARP or neighbour discovery, over bat0
 * for a client of the cloud, and the table is read again; five tries
 * 200 ms apart. The datagram itself goes nowhere that matters.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/neighbour.h>
#include <netlink/route/neighbour.h>

#include "tools/meshctl/meshctl.h"

#define NEIGH_TRIES 5
#define NEIGH_WAIT_NS 200000000L

/* A usable entry: the address, a 6-byte link address, not failed or incomplete. */
static bool neigh_match(struct rtnl_neigh *ne, const struct mc_ip *ip, uint8_t mac[6])
{
	struct nl_addr *dst = rtnl_neigh_get_dst(ne), *ll = rtnl_neigh_get_lladdr(ne);
	int state = rtnl_neigh_get_state(ne);

	if (!dst || !ll || nl_addr_get_family(dst) != ip->family ||
	    nl_addr_get_len(dst) != mc_ip_len(ip) || nl_addr_get_len(ll) != 6 ||
	    memcmp(nl_addr_get_binary_addr(dst), ip->a, mc_ip_len(ip)) ||
	    (state >= 0 && (state & (NUD_FAILED | NUD_INCOMPLETE))))
		return false;
	memcpy(mac, nl_addr_get_binary_addr(ll), 6);
	return true;
}

static int neigh_lookup(const struct mc_ip *ip, uint8_t mac[6])
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
		if (neigh_match((struct rtnl_neigh *)o, ip, mac))
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
	int rc = neigh_lookup(ip, mac);

	for (int i = 1; i < NEIGH_TRIES && rc == -ENOENT; i++) {
		neigh_poke(ip);
		nanosleep(&wait, NULL);
		rc = neigh_lookup(ip, mac);
	}
	return rc;
}
