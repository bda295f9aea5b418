/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The soft switch, for frames from the local ports: what br-lan and bat0
 * do together on a LibreMesh node. A frame for a local port stays local
 * (bridge.c keeps the learning table); the rest enters the mesh as
 * batman-adv does at bat0: group frames as our own BCAST, unicast to a
 * TT client as UNICAST to its originator.
 *
 * The anycast filter sits in front (frame.c has the classes):
 * anycast-gateway traffic from a local port never enters the mesh; every
 * node has its own gateway with the same MAC and addresses.
 */

#include "l2mesh/core/data.h"

/* 802.1D STP and Cisco ECTP: batman-adv keeps them out of the mesh. */
static const uint8_t stp_addr[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };
static const uint8_t ectp_addr[6] = { 0xcf, 0x00, 0x00, 0x00, 0x00, 0x00 };

/* ---- from a local port --------------------------------------------------------- */

static void mesh_tx_count(struct l2_node *n, size_t len)
{
	l2_count(n, L2_STAT_TX, 1);
	l2_count(n, L2_STAT_TX_BYTES, len);
}

static void mesh_bcast(struct l2_node *n, const uint8_t *dst, const uint8_t *frame,
		       size_t len)
{
	if (l2_mac_eq(dst, stp_addr) || l2_mac_eq(dst, ectp_addr)) {
		l2_count(n, L2_STAT_TX_DROPPED, 1);
		return;
	}
	mesh_tx_count(n, len);
	l2_bcast_send_own(n, frame, len);
}

static void mesh_unicast(struct l2_node *n, const uint8_t orig[6], uint8_t ttvn,
			 const uint8_t *frame, size_t len)
{
	if (l2_send_unicast_frame(n, orig, ttvn, frame, len) < 0)
		l2_count(n, L2_STAT_TX_DROPPED, 1);
	else
		mesh_tx_count(n, len);
}

/* A unicast frame from lport; mesh says whether it may enter the mesh. */
static void switch_unicast(struct l2_node *n, unsigned lport, const struct l2_eth *eth,
			   const uint8_t *frame, size_t len, bool mesh)
{
	uint16_t vid = l2_frame_vid(eth);
	int dst = l2_bridge_dest(n, eth->dst, vid);
	uint8_t orig[6], ttvn;

	if (dst >= 0) {		/* learnt here: never into the mesh */
		if ((unsigned)dst == lport)
			l2_count(n, L2_STAT_DROP_NOT_FOR_US, 1);
		else
			l2_local_send(n, (unsigned)dst, frame, len);
		return;
	}
	if (mesh && l2_tt_global_lookup(n, eth->dst, vid, orig, &ttvn) == 0) {
		mesh_unicast(n, orig, ttvn, frame, len);
		return;
	}
	l2_bridge_flood(n, lport, frame, len);	/* unknown unicast, as a bridge */
	if (!mesh || l2_tt_local_has(n, eth->dst, vid))
		return;
	if (n->data->flood_unknown_unicast)
		mesh_bcast(n, eth->dst, frame, len);
	else
		l2_count(n, L2_STAT_TX_DROPPED, 1);	/* bat0: no originator */
}

static void switch_frame(struct l2_node *n, unsigned lport, const struct l2_eth *eth,
			 const uint8_t *frame, size_t len)
{
	if (!l2_mac_is_multicast(eth->dst)) {
		switch_unicast(n, lport, eth, frame, len, true);
		return;
	}
	l2_bridge_flood(n, lport, frame, len);
	mesh_bcast(n, eth->dst, frame, len);
}

/*
 * Anycast traffic never enters the mesh (but DHCP answers to batman
 * gateway clients of this node, below). ARP/ND for the gateway and
 * frames to its MAC go to the anygw port alone; DHCP, RS/RA and the
 * gateway's own frames are switched among the local ports, their
 * broadcasts to the anygw and LAN ports but not to the host.
 */
static void switch_anycast(struct l2_node *n, unsigned lport, const struct l2_eth *eth,
			   enum l2_anycast cls, const uint8_t *frame, size_t len)
{
	int gw = l2_bridge_local_of_kind(n, L2_LOCAL_ANYGW);
	uint16_t vid = l2_frame_vid(eth);
	uint8_t orig[6], ttvn;

	/* but the anycast server's answer to a gateway client's DHCP
	 * request (l2_bridge_gw_dhcp): back through the mesh to it */
	if (cls == L2_ANYCAST_LOCAL && gw >= 0 && (unsigned)gw == lport &&
	    !l2_mac_is_multicast(eth->dst) && l2_frame_dhcp4_dport(frame, len) == 68 &&
	    l2_bridge_dest(n, eth->dst, vid) < 0 &&
	    l2_tt_global_lookup(n, eth->dst, vid, orig, &ttvn) == 0) {
		l2_count(n, L2_STAT_GW_DHCP_TX, 1);
		mesh_unicast(n, orig, ttvn, frame, len);
		return;
	}
	l2_count(n, L2_STAT_ANYCAST_FILTERED, 1);
	if (cls == L2_ANYCAST_CLAIM) {
		/* bat0 asking "who-has C tell <anycast IP>" from the node's
		 * MAC (or a client lying): whoever heard it would take the
		 * node's MAC for the gateway, and lose it on a roam */
		l2_count(n, L2_STAT_ANYCAST_CLAIM, 1);
	} else if (cls == L2_ANYCAST_GW) {
		if (gw >= 0 && (unsigned)gw != lport)
			l2_local_send(n, (unsigned)gw, frame, len);
	} else if (l2_mac_is_multicast(eth->dst)) {
		l2_bridge_flood_clients(n, lport, frame, len);
	} else {
		switch_unicast(n, lport, eth, frame, len, false);
	}
}

/* Frames the switch refuses from a local port; counts them. */
static bool local_frame_ok(struct l2_node *n, unsigned lport, const struct l2_eth *eth,
			   size_t len)
{
	int own = l2_bridge_local_of_mac(n, eth->src);
	enum l2_stat drop = L2_STAT_COUNT;

	if (len > L2_CLIENT_FRAME_MAX)
		drop = L2_STAT_DROP_TOO_BIG;
	else if (l2_mac_is_multicast(eth->src) || l2_mac_is_zero(eth->src) ||
		 l2_frame_is_batman(eth))
		drop = L2_STAT_DROP_MALFORMED;
	else if (own >= 0 && (unsigned)own != lport)	/* our address, looped */
		drop = L2_STAT_DROP_OWN;
	if (drop == L2_STAT_COUNT)
		return true;
	l2_count(n, drop, 1);
	return false;
}

void l2_data_rx_local(struct l2_node *n, unsigned lport, const uint8_t *frame,
		      size_t len)
{
	struct l2_eth eth;
	struct mc_rd r;
	enum l2_anycast cls;

	mc_rd_init(&r, frame, len);
	if (l2_eth_decode(&r, &eth) < 0) {
		l2_count(n, L2_STAT_DROP_SHORT, 1);
		return;
	}
	if (!local_frame_ok(n, lport, &eth, len))
		return;
	l2_fdb_learn(n, eth.src, lport);
	if (!l2_mac_eq(eth.src, n->cfg.anygw_mac))
		l2_tt_local_seen(n, eth.src, l2_frame_vid(&eth), lport);
	cls = l2_frame_anycast(&n->cfg, frame, len);
	if (cls != L2_ANYCAST_NONE)
		switch_anycast(n, lport, &eth, cls, frame, len);
	else
		switch_frame(n, lport, &eth, frame, len);
}

