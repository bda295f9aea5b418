/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * batman-adv ICMP (routing.c's batadv_recv_icmp_packet and the icmp
 * socket): echo requests from meshctl ping/traceroute, echo replies to
 * requests for us, TTL exceeded for an echo request whose TTL runs out
 * here, the route record of the 116-byte variant, and forwarding. Answers
 * for this node go to the shell through env.icmp.
 */
#include <errno.h>
#include <string.h>

#include "l2mesh/core/data.h"

/* Encodes ic and the payload after it at l2_data_pkt(); its length or 0. */
static size_t icmp_build(struct l2_node *n, const struct l2_icmp *ic,
			 const struct mc_rd *payload)
{
	struct mc_wr w;

	mc_wr_init(&w, l2_data_pkt(n->data), L2_PKT_MAX);
	if (l2_icmp_encode(&w, ic) < 0)
		return 0;
	mc_wr_bytes(&w, mc_rd_cur(payload), mc_rd_left(payload));
	return mc_wr_ok(&w) ? mc_wr_len(&w) : 0;
}

/* Sends ic (already addressed) towards ic->dst: its length, or 0 after
 * counting the failure. */
static size_t icmp_send(struct l2_node *n, const struct l2_icmp *ic,
			const struct mc_rd *payload)
{
	size_t len = icmp_build(n, ic, payload);
	int rc = len ? l2_send_pkt(n, ic->dst, len) : -EMSGSIZE;

	if (rc < 0) {
		l2_send_count_err(n, rc);
		return 0;
	}
	return len;
}

int l2_icmp_ping(struct l2_node *n, const uint8_t dst[6], uint8_t uid,
		 uint16_t seqno, uint8_t ttl)
{
	struct l2_icmp ic = {
		.ttl = ttl, .msg_type = L2_ICMP_ECHO_REQUEST, .uid = uid, .seqno = seqno,
	};
	static const uint8_t nothing[1];
	struct mc_rd none;
	size_t len;
	int rc;

	if (ttl == 0)
		return -EINVAL;
	memcpy(ic.dst, dst, 6);
	memcpy(ic.orig, n->cfg.mac, 6);
	mc_rd_init(&none, nothing, 0);
	len = icmp_build(n, &ic, &none);
	if (!len)
		return -EMSGSIZE;
	/* -ENOENT: the shell reports "destination unreachable" */
	rc = l2_send_pkt(n, dst, len);
	if (rc == 0)
		l2_count(n, L2_STAT_ICMP_TX, 1);
	return rc;
}

/* Turns ic round towards its originator as `type` (echo reply, TTL exceeded). */
static void icmp_answer(struct l2_node *n, const struct l2_icmp *ic, uint8_t type,
			const struct mc_rd *payload)
{
	struct l2_icmp a = *ic;

	memcpy(a.dst, ic->orig, 6);
	memcpy(a.orig, n->cfg.mac, 6);
	a.msg_type = type;
	a.ttl = L2_TTL;
	if (type != L2_ICMP_ECHO_REPLY) {	/* the route record is echo only */
		a.has_rr = false;
		a.rr_cur = 0;
	}
	if (icmp_send(n, &a, payload))
		l2_count(n, L2_STAT_ICMP_TX, 1);
}

static void icmp_report(struct l2_node *n, const struct l2_icmp *ic)
{
	struct l2_icmp_result res = {
		.uid = ic->uid, .seqno = ic->seqno, .msg_type = ic->msg_type,
		.ttl = ic->ttl,
	};

	memcpy(res.from, ic->orig, 6);
	if (n->env.icmp)
		n->env.icmp(n->env.user, &res);
}

static void icmp_for_us(struct l2_node *n, const struct l2_icmp *ic,
			const struct mc_rd *payload)
{
	switch (ic->msg_type) {
	case L2_ICMP_ECHO_REPLY:
	case L2_ICMP_DEST_UNREACH:
	case L2_ICMP_TTL_EXCEEDED:
		l2_count(n, L2_STAT_ICMP_RX, 1);
		icmp_report(n, ic);
		break;
	case L2_ICMP_ECHO_REQUEST:
		l2_count(n, L2_STAT_ICMP_RX, 1);
		icmp_answer(n, ic, L2_ICMP_ECHO_REPLY, payload);
		break;
	default:	/* the throughput meter and the rest */
		l2_count(n, L2_STAT_DROP_UNSUPPORTED_TYPE, 1);
		break;
	}
}

static void icmp_rx(struct l2_node *n, unsigned port, const struct l2_eth *eth,
		    struct mc_rd *r)
{
	struct l2_icmp ic;
	size_t len;
	int rc = l2_icmp_decode(r, &ic);

	if (!l2_rx_unicast_ok(n, eth, rc))
		return;
	if (ic.has_rr) {	/* record the port it reached us on */
		if (ic.rr_cur >= L2_ICMP_RR_SLOTS) {
			l2_count(n, L2_STAT_DROP_MALFORMED, 1);
			return;
		}
		memcpy(ic.rr[ic.rr_cur++], eth->dst, 6);
	}
	if (l2_node_is_me(n, ic.dst)) {
		icmp_for_us(n, &ic, r);
		return;
	}
	if (ic.ttl < 2) {
		l2_count(n, L2_STAT_DROP_TTL, 1);
		if (ic.msg_type == L2_ICMP_ECHO_REQUEST)	/* traceroute's answer */
			icmp_answer(n, &ic, L2_ICMP_TTL_EXCEEDED, r);
		return;
	}
	ic.ttl--;
	len = icmp_send(n, &ic, r);
	if (len) {
		l2_count(n, L2_STAT_FORWARD, 1);
		l2_count(n, L2_STAT_FORWARD_BYTES, len + L2_ETH_HLEN);
	}
}

int l2_icmp_init(struct l2_node *n)
{
	return l2_rx_register(n, L2_PT_ICMP, icmp_rx, L2_PKT_MAX);
}
