/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_NL_H
#define MC_NL_H

/*
 * The one seam to the kernel's routing netlink (libnl-route): links,
 * addresses, routes and rules. Every call returns 0 or a negative errno.
 * Routes and rules carry softmesh's protocol number so they can be found
 * and flushed again (a restart after a crash starts clean).
 */

#include <stdbool.h>
#include <stdint.h>

#include "common/addr.h"

/* rtnetlink protocol number on every route softmesh writes (/etc/iproute2/rt_protos: unused). */
#define MC_RTPROT_SOFTMESH 201

struct mc_nl;

int mc_nl_open(struct mc_nl **out);
void mc_nl_close(struct mc_nl *nl);

/* 0 when unknown: the name is not an interface. */
int mc_nl_ifindex(const char *ifname);

struct mc_nl_link {
	int up;			/* 1 up, 0 down, -1 unchanged */
	unsigned mtu;		/* 0 unchanged */
	const uint8_t *mac;	/* NULL unchanged */
};

int mc_nl_link_set(struct mc_nl *nl, int ifindex, const struct mc_nl_link *want);
int mc_nl_link_get(struct mc_nl *nl, int ifindex, uint8_t mac_r[6], unsigned *mtu_r,
		   bool *up_r);

/* IFA_F_NODAD is set on IPv6 addresses: anycast ones must not be DAD-failed. */
int mc_nl_addr_add(struct mc_nl *nl, int ifindex, const struct mc_ip *ip);
int mc_nl_addr_del(struct mc_nl *nl, int ifindex, const struct mc_ip *ip);

struct mc_nl_route {
	struct mc_ip dst;	/* family and prefix */
	struct mc_ip via;	/* family 0: on-link; AF_INET6 via for an IPv4 dst = RTA_VIA */
	int oif;
	uint32_t table;
	uint8_t protocol;	/* 0 means MC_RTPROT_SOFTMESH */
	uint32_t metric;
};

/* Adds or replaces the route (same dst, table, metric). */
int mc_nl_route_add(struct mc_nl *nl, const struct mc_nl_route *r);
int mc_nl_route_del(struct mc_nl *nl, const struct mc_nl_route *r);
/*
 * Removes every route of protocol in table (family AF_UNSPEC: both);
 * returns how many went, or a negative errno.
 */
int mc_nl_route_flush(struct mc_nl *nl, int family, uint32_t table, uint8_t protocol);
/*
 * The single-nexthop unicast default routes of table main in family
 * (dst /0, via, oif, protocol, metric) into out: how many, or -errno.
 */
int mc_nl_route_defaults(struct mc_nl *nl, int family, struct mc_nl_route *out, unsigned max);

struct mc_nl_rule {
	int family;
	uint32_t priority;
	uint32_t table;
	struct mc_ip src;	/* family 0: any */
	struct mc_ip dst;	/* family 0: any */
	uint32_t fwmark;	/* 0: any */
};

int mc_nl_rule_add(struct mc_nl *nl, const struct mc_nl_rule *r);
int mc_nl_rule_del(struct mc_nl *nl, const struct mc_nl_rule *r);

/*
 * What softmesh reads out of the kernel's replies, as libnl parsed them:
 * apart from the requests so that tests/fuzz/fuzz_netlink.c feeds them
 * objects parsed from any bytes.
 */
struct rtnl_link;
struct rtnl_neigh;
struct rtnl_route;
/* A link's MAC (zero unless a 6-byte address), MTU and IFF_UP; any may be NULL. */
void mc_nl_link_read(struct rtnl_link *l, uint8_t mac_r[6], unsigned *mtu_r, bool *up_r);
/* Is rt in table with protocol (mc_nl_route_flush deletes those)? */
bool mc_nl_route_owned(struct rtnl_route *rt, uint32_t table, uint8_t protocol);
/* A single-nexthop route of either family into r (dst: the family alone). */
bool mc_nl_route_read(struct rtnl_route *rt, struct mc_nl_route *r);
/* An IPv4 or IPv6 unicast default route (prefix length 0) in table main? */
bool mc_nl_route_is_default(struct rtnl_route *rt);
/*
 * A usable neighbour entry for ip: on ifindex (0: any), a 6-byte link
 * address (copied to mac), not failed or incomplete.
 */
bool mc_nl_neigh_match(struct rtnl_neigh *ne, int ifindex, const struct mc_ip *ip,
		       uint8_t mac[6]);

#endif
