/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Receive dispatch by packet type (batman-adv's batadv_rx_handler[] and
 * batadv_recv_handler_register): every module that takes a packet type
 * registers its handler at init, and a frame goes to the handler of its
 * type. Nothing here names a handler, so a handler may send, forward or
 * hand a reassembled packet back to the dispatch without a cycle between
 * files. Also the checks the unicast-class handlers share.
 */
#include <errno.h>

#include "l2mesh/core/node.h"

int l2_rx_register(struct l2_node *n, uint8_t type, l2_rx_fn fn, size_t max_len)
{
	if (n->rx[type].fn)
		return -EEXIST;
	n->rx[type].fn = fn;
	n->rx[type].max_len = max_len;
	return 0;
}

void l2_rx_dispatch(struct l2_node *n, unsigned port, const struct l2_eth *eth,
		    const struct l2_hdr *h, struct mc_rd *r)
{
	const struct l2_rx_handler *rh = &n->rx[h->type];

	if (!rh->fn) {
		l2_count(n, L2_STAT_DROP_UNSUPPORTED_TYPE, 1);
		return;
	}
	if (mc_rd_left(r) > rh->max_len) {	/* more than the handler takes */
		l2_count(n, L2_STAT_DROP_TOO_BIG, 1);
		return;
	}
	rh->fn(n, port, eth, r);
}

bool l2_rx_decoded(struct l2_node *n, int rc)
{
	if (rc >= 0)
		return true;
	l2_count(n, rc == -EMSGSIZE ? L2_STAT_DROP_SHORT :
		    rc == -EPROTONOSUPPORT ? L2_STAT_DROP_VERSION : L2_STAT_DROP_MALFORMED, 1);
	return false;
}

bool l2_rx_unicast_ok(struct l2_node *n, const struct l2_eth *eth, int rc)
{
	if (!l2_rx_decoded(n, rc))
		return false;
	/* unicast indication with a group recipient, or a group sender */
	if (l2_mac_is_multicast(eth->dst) || l2_mac_is_multicast(eth->src)) {
		l2_count(n, L2_STAT_DROP_MALFORMED, 1);
		return false;
	}
	if (!l2_node_is_me(n, eth->dst)) {	/* promiscuous capture */
		l2_count(n, L2_STAT_DROP_NOT_FOR_US, 1);
		return false;
	}
	return true;
}
