/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data plane as fake.h describes: no-ops, but for the unicast TVLVs
 * the translation table sends, which are captured in stub_net and handed
 * to the destination's TVLV handlers when the destination is a node of
 * the tables (stub_node.node).
 */
#include <errno.h>
#include <string.h>

#include "tests/l2stubs/fake.h"

int l2_data_init(struct l2_node *n)
{
	return 0;
}

void l2_data_free(struct l2_node *n)
{
}

uint64_t l2_data_tick(struct l2_node *n, uint64_t now_ms)
{
	return UINT64_MAX;
}

void l2_data_rx_local(struct l2_node *n, unsigned lport, const uint8_t *frame,
		      size_t len)
{
}

int l2_icmp_ping(struct l2_node *n, const uint8_t dst[6], uint8_t uid,
		 uint16_t seqno, uint8_t ttl)
{
	return -ENOSYS;
}

/* Captures the TVLVs, then hands them to the destination node. */
int l2_send_unicast_tvlv(struct l2_node *n, const uint8_t dst[6],
			 const uint8_t *tvlvs, size_t len)
{
	struct stub_node *s = stub_find(dst);
	struct mc_rd r;

	stub_net.utvlv_sent++;
	memcpy(stub_net.last_src, n->cfg.mac, 6);
	memcpy(stub_net.last_dst, dst, 6);
	stub_net.last_len = len <= sizeof(stub_net.last_tvlv) ? len : 0;
	memcpy(stub_net.last_tvlv, tvlvs, stub_net.last_len);
	if (stub_net.drop_unicast || !s || !s->node)
		return 0;
	s->node->now_ms = n->now_ms;
	mc_rd_init(&r, tvlvs, len);
	l2_tvlv_unicast_rx(s->node, n->cfg.mac, dst, &r);
	return 0;
}

/*
 * A relay's answer speaks as another originator: built here as the data
 * plane would, one UNICAST_TVLV frame to the routing plane's next hop, so
 * a test can read it back from the frames its env captured.
 */
int l2_send_unicast_tvlv_from(struct l2_node *n, const uint8_t src[6],
			      const uint8_t dst[6], const uint8_t *tvlvs, size_t len)
{
	struct l2_unicast_tvlv u = { .ttl = 50 };
	uint8_t frame[L2_FRAME_MAX], nexthop[6];
	unsigned port;
	struct mc_wr w;

	if (l2_mac_eq(src, n->cfg.mac))
		return l2_send_unicast_tvlv(n, dst, tvlvs, len);
	if (l2_orig_router(n, dst, &port, nexthop) < 0 || port >= n->nports)
		return -EHOSTUNREACH;
	memcpy(u.dst, dst, 6);
	memcpy(u.src, src, 6);
	mc_wr_init(&w, frame + L2_ETH_HLEN, sizeof(frame) - L2_ETH_HLEN);
	l2_unicast_tvlv_encode(&w, &u);
	mc_wr_bytes(&w, tvlvs, len);
	if (l2_unicast_tvlv_finish(&w, 0) < 0)
		return -EMSGSIZE;
	l2_port_send_eth(n, port, nexthop, frame, mc_wr_len(&w));
	return 0;
}
