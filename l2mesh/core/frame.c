/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Client frame inspection: what the soft switch and the anycast filter
 * need to know of a client's Ethernet frame. Everything is read through
 * cursors; a frame too short for a field simply does not match.
 *
 * The anycast classes follow LibreMesh's lime-proto-anygw, which keeps
 * every node's anycast gateway (same MAC and addresses on every node)
 * out of bat0 with ebtables: frames to the anygw MAC are not forwarded,
 * frames from it and router solicitations/advertisements never go out
 * bat0. l2mesh applies the same idea to ARP/ND for the anygw addresses
 * and to DHCP, which each node answers for itself.
 */
#include <string.h>

#include "l2mesh/core/data.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV6 0x86dd

#define ARP_HTYPE_ETHER 1
#define ARP_LEN 28		/* htype ptype hlen plen oper sha spa tha tpa */

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_UDP_ 17
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_DSTOPTS_ 60
#define IPV4_OFFSET_MASK 0x1fff	/* fragment offset, in 8-byte units */
#define IPV4_MIN_HLEN 20
#define IPV6_HLEN 40
#define IPV6_EXT_MAX 4			/* extension headers we walk */

#define UDP_DHCP_SERVER 67
#define UDP_DHCP_CLIENT 68
#define UDP_DHCP6_CLIENT 546
#define UDP_DHCP6_SERVER 547

#define ICMPV6_RS 133
#define ICMPV6_RA 134
#define ICMPV6_NS 135
#define ICMPV6_NA 136

#define VLAN_PCP_SHIFT 13

uint16_t l2_frame_vid(const struct l2_eth *eth)
{
	/* batadv_get_vid: only 802.1Q counts; VID 0 (priority tag) stays tagged */
	if (!eth->tagged || eth->tpid != L2_ETHERTYPE_8021Q)
		return 0;
	return (uint16_t)((eth->tci & L2_VLAN_VID_MASK) | L2_VLAN_HAS_TAG);
}

bool l2_frame_is_batman(const struct l2_eth *eth)
{
	return eth->ethertype == L2_ETHERTYPE_BATMAN;
}

/* A reader at the frame's L3 header; false if the Ethernet header is short. */
static bool frame_l3(const uint8_t *frame, size_t len, struct l2_eth *eth,
		     struct mc_rd *r)
{
	mc_rd_init(r, frame, len);
	return l2_eth_decode(r, eth) == 0;
}

uint8_t l2_frame_priority(const uint8_t *frame, size_t len)
{
	struct l2_eth eth;
	struct mc_rd r;
	uint8_t b0, b1;

	if (!frame_l3(frame, len, &eth, &r))
		return 0;
	if (eth.tagged && eth.tpid == L2_ETHERTYPE_8021Q)
		return (uint8_t)(eth.tci >> VLAN_PCP_SHIFT);
	if (mc_rd_u8(&r, &b0) < 0 || mc_rd_u8(&r, &b1) < 0)
		return 0;
	if (eth.ethertype == ETHERTYPE_IPV4 && b0 >> 4 == 4)
		return b1 >> 5;			/* ToS precedence */
	if (eth.ethertype == ETHERTYPE_IPV6 && b0 >> 4 == 6)
		return (b0 & 0x0f) >> 1;	/* traffic class bits 7..5 */
	return 0;
}

/* ---- anycast ------------------------------------------------------------- */

static bool ip4_is(const uint8_t *p, const struct in_addr *a)
{
	return !memcmp(p, &a->s_addr, 4);	/* both in network order */
}

static bool ip4_set(const struct in_addr *a)
{
	return a->s_addr != 0;
}

static bool ip6_set(const struct in6_addr *a)
{
	static const struct in6_addr zero;

	return memcmp(a, &zero, sizeof(zero)) != 0;
}

static enum l2_anycast arp_class(const struct l2_config *cfg, struct mc_rd *r)
{
	const uint8_t *p;
	uint16_t htype, ptype;

	if (!ip4_set(&cfg->anygw_ip4) || mc_rd_ptr(r, &p, ARP_LEN) < 0)
		return L2_ANYCAST_NONE;
	htype = mc_get_u16(p);
	ptype = mc_get_u16(p + 2);
	if (htype != ARP_HTYPE_ETHER || ptype != ETHERTYPE_IPV4 || p[4] != 6 || p[5] != 4)
		return L2_ANYCAST_NONE;
	if (ip4_is(p + 24, &cfg->anygw_ip4))	/* target: asks or answers the gw */
		return L2_ANYCAST_GW;
	if (ip4_is(p + 14, &cfg->anygw_ip4))	/* sender: the gw, not from its MAC */
		return L2_ANYCAST_CLAIM;
	return L2_ANYCAST_NONE;
}

static bool udp_dhcp(struct mc_rd *r, bool v6)
{
	uint16_t sport, dport;

	if (mc_rd_u16(r, &sport) < 0 || mc_rd_u16(r, &dport) < 0)
		return false;
	if (v6)
		return dport == UDP_DHCP6_CLIENT || dport == UDP_DHCP6_SERVER;
	return dport == UDP_DHCP_SERVER || dport == UDP_DHCP_CLIENT;
}

/* r at an IPv4 packet: moves it to the UDP header; false if it is not
 * UDP or not the first fragment (only that one carries the ports) */
static bool ip4_udp(struct mc_rd *r)
{
	const uint8_t *p;
	size_t ihl;

	if (mc_rd_left(r) < IPV4_MIN_HLEN || (mc_rd_cur(r)[0] >> 4) != 4)
		return false;
	p = mc_rd_cur(r);
	ihl = (size_t)(p[0] & 0x0f) * 4;
	return ihl >= IPV4_MIN_HLEN && p[9] == IPPROTO_UDP_ &&
	       !(mc_get_u16(p + 6) & IPV4_OFFSET_MASK) && mc_rd_skip(r, ihl) == 0;
}

static enum l2_anycast ip4_class(struct mc_rd *r)
{
	if (!ip4_udp(r))
		return L2_ANYCAST_NONE;
	return udp_dhcp(r, false) ? L2_ANYCAST_LOCAL : L2_ANYCAST_NONE;
}

unsigned l2_frame_dhcp4_dport(const uint8_t *frame, size_t len)
{
	struct l2_eth eth;
	struct mc_rd r;
	uint16_t sport, dport;

	if (!frame_l3(frame, len, &eth, &r) || eth.ethertype != ETHERTYPE_IPV4 || !ip4_udp(&r) ||
	    mc_rd_u16(&r, &sport) < 0 || mc_rd_u16(&r, &dport) < 0)
		return 0;
	return dport == UDP_DHCP_SERVER || dport == UDP_DHCP_CLIENT ? dport : 0;
}

/* Skips IPv6 extension headers; the upper-layer protocol, or -1. */
static int ip6_upper(struct mc_rd *r, uint8_t nh)
{
	uint8_t next, hlen;

	for (int i = 0; i < IPV6_EXT_MAX; i++) {
		if (nh != IPPROTO_HOPOPTS_ && nh != IPPROTO_ROUTING_ &&
		    nh != IPPROTO_DSTOPTS_)
			return nh == IPPROTO_FRAGMENT_ ? -1 : nh;
		if (mc_rd_u8(r, &next) < 0 || mc_rd_u8(r, &hlen) < 0 ||
		    mc_rd_skip(r, (size_t)hlen * 8 + 6) < 0)
			return -1;
		nh = next;
	}
	return -1;
}

static enum l2_anycast icmp6_class(const struct l2_config *cfg, struct mc_rd *r)
{
	const uint8_t *p;
	uint8_t type;

	if (mc_rd_u8(r, &type) < 0)
		return L2_ANYCAST_NONE;
	if (type == ICMPV6_RS || type == ICMPV6_RA)
		return L2_ANYCAST_LOCAL;
	if ((type != ICMPV6_NS && type != ICMPV6_NA) || !ip6_set(&cfg->anygw_ip6))
		return L2_ANYCAST_NONE;
	/* code, checksum, reserved/flags, then the target address */
	if (mc_rd_skip(r, 7) < 0 || mc_rd_ptr(r, &p, 16) < 0 ||
	    memcmp(p, &cfg->anygw_ip6, 16))
		return L2_ANYCAST_NONE;
	return type == ICMPV6_NS ? L2_ANYCAST_GW : L2_ANYCAST_CLAIM;
}

static enum l2_anycast ip6_class(const struct l2_config *cfg, struct mc_rd *r)
{
	const uint8_t *p;
	int upper;

	if (mc_rd_ptr(r, &p, IPV6_HLEN) < 0 || (p[0] >> 4) != 6)
		return L2_ANYCAST_NONE;
	upper = ip6_upper(r, p[6]);
	if (upper == IPPROTO_ICMPV6_)
		return icmp6_class(cfg, r);
	if (upper == IPPROTO_UDP_ && udp_dhcp(r, true))
		return L2_ANYCAST_LOCAL;
	return L2_ANYCAST_NONE;
}

enum l2_anycast l2_frame_anycast(const struct l2_config *cfg, const uint8_t *frame,
				 size_t len)
{
	struct l2_eth eth;
	struct mc_rd r;

	if (l2_mac_is_zero(cfg->anygw_mac) || !frame_l3(frame, len, &eth, &r))
		return L2_ANYCAST_NONE;
	if (l2_mac_eq(eth.dst, cfg->anygw_mac))
		return L2_ANYCAST_GW;
	if (l2_mac_eq(eth.src, cfg->anygw_mac))
		return L2_ANYCAST_LOCAL;
	switch (eth.ethertype) {
	case ETHERTYPE_ARP:
		return arp_class(cfg, &r);
	case ETHERTYPE_IPV4:
		return ip4_class(&r);
	case ETHERTYPE_IPV6:
		return ip6_class(cfg, &r);
	default:
		return L2_ANYCAST_NONE;
	}
}
