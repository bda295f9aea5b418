/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The unicast receive handlers (batman-adv's routing.c): UNICAST and
 * UNICAST_4ADDR (TT check, local delivery, forwarding) and UNICAST_TVLV
 * (TVLVs to their handlers, or forwarding). BCAST, UNICAST_FRAG and ICMP
 * have their own files; each registers its types in rx.c's table.
 * Everything from the network is counted under one drop reason and
 * dropped; nothing here asserts on a packet.
 */
#include <errno.h>
#include <string.h>

#include "l2mesh/core/data.h"

/* ---- UNICAST, UNICAST_4ADDR ------------------------------------------------ */

struct ucast {
	bool is4;
	size_t hlen;
	struct l2_unicast_4addr h;	/* h.u alone for plain UNICAST */
	uint8_t raw[L2_UNICAST_4ADDR_HLEN];	/* what TT may rewrite */
	const uint8_t *frame;		/* the client frame after the header */
	size_t len;
};

static int ucast_decode_raw(struct ucast *u)
{
	struct mc_rd r;

	mc_rd_init(&r, u->raw, u->hlen);
	return u->is4 ? l2_unicast_4addr_decode(&r, &u->h)
		      : l2_unicast_decode(&r, &u->h.u);
}

static void ucast_forward(struct l2_node *n, struct ucast *u)
{
	struct mc_wr w;
	int rc;

	if (u->h.u.ttl < 2) {
		l2_count(n, L2_STAT_DROP_TTL, 1);
		return;
	}
	u->h.u.ttl--;
	mc_wr_init(&w, l2_data_pkt(n->data), L2_PKT_MAX);
	if (u->is4)
		l2_unicast_4addr_encode(&w, &u->h);
	else
		l2_unicast_encode(&w, &u->h.u);
	mc_wr_bytes(&w, u->frame, u->len);
	rc = mc_wr_ok(&w) ? l2_send_pkt(n, u->h.u.dest, mc_wr_len(&w)) : -EMSGSIZE;
	if (rc < 0) {
		l2_send_count_err(n, rc);
		return;
	}
	l2_count(n, L2_STAT_FORWARD, 1);
	l2_count(n, L2_STAT_FORWARD_BYTES, mc_wr_len(&w) + L2_ETH_HLEN);
}

static void ucast_deliver(struct l2_node *n, const struct ucast *u)
{
	/* only 4ADDR DATA names the originator that sent the client frame */
	const uint8_t *orig = u->is4 && u->h.subtype == L2_4ADDR_DATA ? u->h.src : NULL;

	/* a DHCP request sent to us as the gateway (a batman-adv gateway
	 * client's, batadv_send_skb_via_gw): for the anycast server alone */
	if (orig && l2_frame_dhcp4_dport(u->frame, u->len) == 67) {
		l2_bridge_gw_dhcp(n, u->frame, u->len, orig);
		return;
	}
	l2_bridge_from_mesh(n, u->frame, u->len, orig);
}

static void unicast_rx(struct l2_node *n, unsigned port, const struct l2_eth *eth,
		       struct mc_rd *r)
{
	struct ucast u = { .is4 = mc_rd_cur(r)[0] == L2_PT_UNICAST_4ADDR };
	struct l2_eth inner;
	struct mc_rd ir;
	bool for_us;
	int rc;

	u.hlen = u.is4 ? L2_UNICAST_4ADDR_HLEN : L2_UNICAST_HLEN;
	rc = mc_rd_bytes(r, u.raw, u.hlen) < 0 ? -EMSGSIZE : ucast_decode_raw(&u);
	if (!l2_rx_unicast_ok(n, eth, rc))
		return;
	u.frame = mc_rd_cur(r);
	u.len = mc_rd_left(r);
	mc_rd_init(&ir, u.frame, u.len);
	if (l2_eth_decode(&ir, &inner) < 0) {
		l2_count(n, L2_STAT_DROP_SHORT, 1);
		return;
	}
	/* batadv_check_unicast_ttvn: TT may redirect a stale packet */
	for_us = l2_tt_check_unicast(n, u.raw, inner.dst, l2_frame_vid(&inner));
	if (ucast_decode_raw(&u) < 0) {
		l2_count(n, L2_STAT_DROP_TT, 1);
		return;
	}
	if (for_us)
		ucast_deliver(n, &u);
	else if (l2_node_is_me(n, u.h.u.dest))
		l2_count(n, L2_STAT_DROP_TT, 1);	/* ours, but no such client */
	else
		ucast_forward(n, &u);
}

/* ---- UNICAST_TVLV -------------------------------------------------------------- */

static void utvlv_forward(struct l2_node *n, struct l2_unicast_tvlv *u,
			  struct mc_rd *r)
{
	struct mc_wr w;
	int rc;

	if (u->ttl < 2) {
		l2_count(n, L2_STAT_DROP_TTL, 1);
		return;
	}
	u->ttl--;
	mc_wr_init(&w, l2_data_pkt(n->data), L2_PKT_MAX);
	l2_unicast_tvlv_encode(&w, u);
	mc_wr_bytes(&w, mc_rd_cur(r), mc_rd_left(r));
	rc = mc_wr_ok(&w) ? l2_send_pkt(n, u->dst, mc_wr_len(&w)) : -EMSGSIZE;
	if (rc < 0) {
		l2_send_count_err(n, rc);
		return;
	}
	l2_count(n, L2_STAT_FORWARD, 1);
	l2_count(n, L2_STAT_FORWARD_BYTES, mc_wr_len(&w) + L2_ETH_HLEN);
}

static void utvlv_rx(struct l2_node *n, unsigned port, const struct l2_eth *eth,
		     struct mc_rd *r)
{
	struct l2_unicast_tvlv u;
	struct mc_rd tvlvs, probe;
	int rc = l2_unicast_tvlv_decode(r, &u);

	if (!l2_rx_unicast_ok(n, eth, rc))
		return;
	probe = *r;
	if (l2_tvlv_container(&probe, u.tvlv_len, &tvlvs) < 0) {
		l2_count(n, L2_STAT_DROP_TVLV, 1);
		return;
	}
	/* ours, or answered here in dst's place (a relay holding dst's
	 * table answers a TT request for it); else it goes on to dst */
	if (!l2_tvlv_unicast_rx(n, u.src, u.dst, &tvlvs))
		utvlv_forward(n, &u, r);
}

/* ---- registration ---------------------------------------------------------------- */

int l2_routing_init(struct l2_node *n)
{
	if (l2_rx_register(n, L2_PT_UNICAST, unicast_rx, L2_PKT_MAX) < 0 ||
	    l2_rx_register(n, L2_PT_UNICAST_4ADDR, unicast_rx, L2_PKT_MAX) < 0 ||
	    l2_rx_register(n, L2_PT_UNICAST_TVLV, utvlv_rx, L2_PKT_MAX) < 0)
		return -EEXIST;
	return 0;
}
