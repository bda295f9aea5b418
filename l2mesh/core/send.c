/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sending towards an originator (batman-adv's send.c): unicast
 * encapsulation of client frames and of TVLVs, the next-hop lookup, the
 * Ethernet header (node.c writes it), and the hand-over to fragmentation when a packet does
 * not fit the port. Packets are built in place at l2_data_pkt(), so the
 * Ethernet header goes in front without a copy.
 */
#include <errno.h>
#include <string.h>

#include "l2mesh/core/data.h"

int l2_send_pkt(struct l2_node *n, const uint8_t orig[6], size_t pkt_len)
{
	unsigned port;
	uint8_t nexthop[6];

	if (l2_orig_router(n, orig, &port, nexthop) < 0 || port >= n->nports)
		return -ENOENT;
	if (!n->ports[port].up)
		return -ENETDOWN;
	/* batadv_send_skb_to_orig: the batman packet against the port MTU */
	if (pkt_len > n->ports[port].mtu)
		return l2_frag_send(n, port, nexthop, orig, pkt_len);
	l2_port_send_eth(n, port, nexthop, n->data->tx, pkt_len);
	return 0;
}

void l2_send_count_err(struct l2_node *n, int rc)
{
	l2_count(n, rc == -ENOENT ? L2_STAT_DROP_NO_ROUTE :
		    rc == -ENETDOWN ? L2_STAT_DROP_PORT_DOWN : L2_STAT_DROP_TOO_BIG, 1);
}

int l2_send_unicast_frame(struct l2_node *n, const uint8_t orig[6], uint8_t ttvn,
			  const uint8_t *frame, size_t len)
{
	struct l2_unicast u = { .ttl = L2_TTL, .ttvn = ttvn };
	struct mc_wr w;

	memcpy(u.dest, orig, 6);
	mc_wr_init(&w, l2_data_pkt(n->data), L2_PKT_MAX);
	l2_unicast_encode(&w, &u);
	mc_wr_bytes(&w, frame, len);
	if (!mc_wr_ok(&w))
		return -EMSGSIZE;
	return l2_send_pkt(n, orig, mc_wr_len(&w));
}

int l2_send_unicast_tvlv(struct l2_node *n, const uint8_t dst[6],
			 const uint8_t *tvlvs, size_t len)
{
	return l2_send_unicast_tvlv_from(n, n->cfg.mac, dst, tvlvs, len);
}

int l2_send_unicast_tvlv_from(struct l2_node *n, const uint8_t src[6],
			      const uint8_t dst[6], const uint8_t *tvlvs, size_t len)
{
	struct l2_unicast_tvlv u = { .ttl = L2_TTL };
	struct mc_wr w;
	int rc;

	if (len & 1)
		return -EINVAL;
	memcpy(u.dst, dst, 6);
	memcpy(u.src, src, 6);
	mc_wr_init(&w, l2_data_pkt(n->data), L2_PKT_MAX);
	l2_unicast_tvlv_encode(&w, &u);
	mc_wr_bytes(&w, tvlvs, len);
	if (l2_unicast_tvlv_finish(&w, 0) < 0)
		return -EMSGSIZE;
	rc = l2_send_pkt(n, dst, mc_wr_len(&w));
	if (rc < 0)
		l2_send_count_err(n, rc);
	return rc;
}
