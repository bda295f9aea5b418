/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SM_FUZZ_L2_FUZZ_H
#define SM_FUZZ_L2_FUZZ_H

/*
 * Shared by the l2 harnesses (fuzz_l2_rx, fuzz_l2_plane).
 *
 * What every frame the l2 core sends on a mesh port must be, for the l2
 * harnesses (fuzz_l2_rx, fuzz_l2_plane): a port of the node, at most its
 * MTU, a batman-adv frame from the port's own MAC with a header that
 * reads. false: it is not; *r is left after the Ethernet header, *h has
 * the batman-adv header.
 */
#include <stdbool.h>

#include "common/buf.h"
#include "l2mesh/core/node.h"

static inline bool l2_sent_ok(const struct l2_node *node, unsigned port, const uint8_t *f,
			      size_t len, struct mc_rd *r, struct l2_hdr *h)
{
	struct l2_eth eth;

	if (port >= node->nports || len > L2_ETH_HLEN + node->ports[port].mtu)
		return false;
	mc_rd_init(r, f, len);
	return l2_eth_decode(r, &eth) == 0 && eth.ethertype == L2_ETHERTYPE_BATMAN &&
	       l2_mac_eq(eth.src, node->ports[port].mac) && l2_hdr_peek(r, h) == 0;
}

/* A record's payload: len(2) then up to len bytes (fewer at the end). */
static inline bool take_payload(struct mc_rd *r, const uint8_t **p, size_t *len)
{
	uint16_t want;

	if (mc_rd_u16(r, &want) < 0)
		return false;
	*len = want < mc_rd_left(r) ? want : mc_rd_left(r);
	*p = mc_rd_cur(r);
	mc_rd_skip(r, *len);
	return true;
}

#endif
