/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Netlink replies as the daemons and meshctl read them: the bytes are
 * routing-netlink messages (nlmsghdr framing, their type forced to
 * RTM_NEWLINK, RTM_NEWROUTE or RTM_NEWNEIGH by the first byte), parsed by
 * libnl's own cache parsers as a dump reply would be, and every object
 * that comes out goes through softmesh's readers in common/nl.c:
 *   links:       mc_nl_link_read (mc_nl_link_get: port MAC, MTU, up);
 *   routes:      mc_nl_route_owned (what mc_nl_route_flush deletes) and
 *                mc_nl_route_is_default (l3routed's WAN check),
 *                mc_nl_route_read (l2meshd's babeld default route);
 *   neighbours:  mc_nl_neigh_match (meshctl's IP -> MAC), asked for the
 *                entry's own address and for another.
 * Each answer is checked against the object's fields read with libnl's
 * getters. Findings inside libnl (not instrumented) show only as crashes.
 *
 * One shape is not fed: an RTA_MULTIPATH next hop shorter than its own
 * header, or whose aligned length runs past the attribute. libnl 3.7's
 * parse_multipath() steps by rtnh_len, so 0 loops for ever, allocating a
 * next hop each turn (iproute2 has the same loop), and an odd length at
 * the end wraps its size_t count of what is left, so it walks on past the
 * message. The kernel never sends either; they are libnl's to fix.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include "common/nl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) { \
	fprintf(stderr, "fuzz_netlink.c:%d: %s\n", __LINE__, #c); abort(); } } while (0)

#define MSGS_MAX 16

static const char *const kinds[3] = { "route/link", "route/route", "route/neigh" };
static const uint16_t types[3] = { RTM_NEWLINK, RTM_NEWROUTE, RTM_NEWNEIGH };
static struct nl_cache *caches[3];
static uint8_t sel;		/* the input's second byte: what to ask */

static void one_link(struct nl_object *o, void *arg)
{
	struct rtnl_link *l = (struct rtnl_link *)o;
	struct nl_addr *a = rtnl_link_get_addr(l);
	uint8_t mac[6], zero[6] = { 0 };
	unsigned mtu;
	bool up;

	mc_nl_link_read(l, mac, &mtu, &up);
	ENSURE(mtu == rtnl_link_get_mtu(l));
	ENSURE(up == !!(rtnl_link_get_flags(l) & IFF_UP));
	if (a && nl_addr_get_len(a) == 6)
		ENSURE(!memcmp(mac, nl_addr_get_binary_addr(a), 6));
	else
		ENSURE(!memcmp(mac, zero, 6));
	mc_nl_link_read(l, NULL, NULL, NULL);
}

static void one_route(struct nl_object *o, void *arg)
{
	struct rtnl_route *rt = (struct rtnl_route *)o;
	struct nl_addr *dst = rtnl_route_get_dst(rt);
	uint32_t table = rtnl_route_get_table(rt);
	uint8_t proto = (uint8_t)rtnl_route_get_protocol(rt);

	ENSURE(mc_nl_route_owned(rt, table, proto));
	ENSURE(!mc_nl_route_owned(rt, table + 1, proto));
	ENSURE(mc_nl_route_owned(rt, 254, MC_RTPROT_SOFTMESH) ==
	       (table == 254 && rtnl_route_get_protocol(rt) == MC_RTPROT_SOFTMESH));
	ENSURE(mc_nl_route_is_default(rt) ==
	       (table == RT_TABLE_MAIN && rtnl_route_get_type(rt) == RTN_UNICAST &&
		dst && nl_addr_get_prefixlen(dst) == 0));
	struct mc_nl_route r;
	int fam = rtnl_route_get_family(rt);
	if (mc_nl_route_read(rt, &r)) {
		struct rtnl_nexthop *nh = rtnl_route_nexthop_n(rt, 0);
		ENSURE(rtnl_route_get_nnexthops(rt) == 1 && nh);
		ENSURE(r.dst.family == fam && (fam == AF_INET || fam == AF_INET6));
		ENSURE(r.oif == rtnl_route_nh_get_ifindex(nh) && r.table == table &&
		       r.protocol == proto && r.metric == rtnl_route_get_priority(rt));
		ENSURE(!r.via.family || (r.via.family == fam &&
		       !memcmp(r.via.a, nl_addr_get_binary_addr(rtnl_route_nh_get_gateway(nh)),
			       fam == AF_INET ? 4 : 16)));
	} else {
		ENSURE(rtnl_route_get_nnexthops(rt) != 1 || (fam != AF_INET && fam != AF_INET6));
	}
}

static void one_neigh(struct nl_object *o, void *arg)
{
	struct rtnl_neigh *ne = (struct rtnl_neigh *)o;
	struct nl_addr *dst = rtnl_neigh_get_dst(ne), *ll = rtnl_neigh_get_lladdr(ne);
	int state = rtnl_neigh_get_state(ne), ifindex = sel & 1 ? rtnl_neigh_get_ifindex(ne) : 0;
	struct mc_ip ip = { .family = AF_INET, .plen = 32 };
	uint8_t mac[6];
	bool usable;

	if (dst && (nl_addr_get_family(dst) == AF_INET || nl_addr_get_family(dst) == AF_INET6) &&
	    nl_addr_get_len(dst) <= sizeof(ip.a)) {
		ip.family = nl_addr_get_family(dst);
		ip.plen = ip.family == AF_INET ? 32 : 128;
		memcpy(ip.a, nl_addr_get_binary_addr(dst), nl_addr_get_len(dst));
	}
	usable = dst && ll && nl_addr_get_len(ll) == 6 && nl_addr_get_family(dst) == ip.family &&
		 nl_addr_get_len(dst) == mc_ip_len(&ip) &&
		 !memcmp(nl_addr_get_binary_addr(dst), ip.a, mc_ip_len(&ip)) &&
		 !(state >= 0 && (state & (NUD_FAILED | NUD_INCOMPLETE)));
	ENSURE(mc_nl_neigh_match(ne, ifindex, &ip, mac) == usable);
	if (usable)
		ENSURE(!memcmp(mac, nl_addr_get_binary_addr(ll), 6));
	/* another address never matches */
	ip.a[0] ^= 0x80;
	ENSURE(!mc_nl_neigh_match(ne, ifindex, &ip, mac));
}

/* A route message whose multipath next hops libnl can walk to the end. */
static bool multipath_sane(const struct nlmsghdr *h)
{
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(struct rtmsg));
	const struct rtattr *a = (const struct rtattr *)(const void *)
		((const uint8_t *)NLMSG_DATA(h) + NLMSG_ALIGN(sizeof(struct rtmsg)));

	for (; len > 0 && RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		const struct rtnexthop *nh = RTA_DATA(a);
		int left = (int)RTA_PAYLOAD(a);

		/* libnl reads the type without the nested/byte-order flags */
		if ((a->rta_type & NLA_TYPE_MASK) != RTA_MULTIPATH)
			continue;
		for (; left >= (int)sizeof(*nh) && left >= nh->rtnh_len; nh = RTNH_NEXT(nh)) {
			if (nh->rtnh_len < sizeof(*nh) || (int)RTNH_ALIGN(nh->rtnh_len) > left)
				return false;
			left -= RTNH_ALIGN(nh->rtnh_len);
		}
	}
	return true;
}

static void parse_all(struct nl_cache *c, unsigned kind, const uint8_t *p, size_t n)
{
	static uint8_t buf[1 << 16] __attribute__((aligned(8)));

	for (unsigned i = 0; i < MSGS_MAX && n >= NLMSG_HDRLEN; i++) {
		struct nlmsghdr *h = (struct nlmsghdr *)(void *)buf;
		uint32_t len;
		struct nl_msg *msg;

		memcpy(&len, p, sizeof(len));
		if (len < NLMSG_HDRLEN || len > n)
			len = (uint32_t)n;
		if (len > sizeof(buf))
			len = sizeof(buf);
		memcpy(buf, p, len);
		h->nlmsg_len = len;
		h->nlmsg_type = types[kind];
		msg = kind != 1 || multipath_sane(h) ? nlmsg_convert(h) : NULL;
		if (msg) {
			nl_cache_parse_and_add(c, msg);
			nlmsg_free(msg);
		}
		len = NLMSG_ALIGN(len);
		if (len >= n)
			break;
		p += len;
		n -= len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static void (*const walk[3])(struct nl_object *, void *) = {
		one_link, one_route, one_neigh };
	unsigned kind;

	if (size < 2)
		return 0;
	kind = data[0] % 3;
	sel = data[1];
	if (!caches[kind])
		ENSURE(nl_cache_alloc_name(kinds[kind], &caches[kind]) == 0);
	parse_all(caches[kind], kind, data + 2, size - 2);
	nl_cache_foreach(caches[kind], walk[kind], NULL);
	nl_cache_clear(caches[kind]);
	return 0;
}
