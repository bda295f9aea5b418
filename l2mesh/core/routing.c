/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data plane's entry points and receive side (batman-adv's
 * routing.c): dispatch by packet type, UNICAST and UNICAST_4ADDR
 * (TT check, local delivery, forwarding) and UNICAST_TVLV (TVLVs to TT,
 * or forwarding). BCAST, UNICAST_FRAG and ICMP have their own files.
 * Everything from the network is counted under one drop reason and
 * dropped; nothing here asserts on a packet.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "l2mesh/core/data.h"
#include "l2mesh/core/tt.h"

/* ---- lifetime ------------------------------------------------------------ */

int l2_data_init(struct l2_node *n)
{
	struct l2_data *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	n->data = d;
	d->next_purge_ms = n->now_ms + L2_DATA_PURGE_MS;
	d->frag_seqno = n->env.rand ? (uint16_t)n->env.rand(n->env.user) : 0;
	if (l2_frags_init(n) < 0 || l2_dorigs_init(n) < 0 || l2_fdb_init(n) < 0 ||
	    l2_bcast_init(n) < 0) {
		l2_data_free(n);
		return -ENOMEM;
	}
	return 0;
}

void l2_data_free(struct l2_node *n)
{
	if (!n->data)
		return;
	l2_bcast_free(n);
	l2_fdb_free(n);
	l2_dorigs_free(n);	/* gives its chains back: before the pool goes */
	l2_frags_free(n);
	free(n->data);
	n->data = NULL;
}

uint64_t l2_data_tick(struct l2_node *n, uint64_t now_ms)
{
	struct l2_data *d = n->data;
	uint64_t next = l2_bcast_tick(n, now_ms);

	if (now_ms >= d->next_purge_ms) {
		l2_frags_purge(n, now_ms);
		l2_fdb_purge(n, now_ms);
		l2_dorigs_purge(n, now_ms);
		d->next_purge_ms = now_ms + L2_DATA_PURGE_MS;
	}
	return next < d->next_purge_ms ? next : d->next_purge_ms;
}

/* ---- shared receive helpers ---------------------------------------------- */

bool l2_data_eth_unicast_ok(struct l2_node *n, const struct l2_eth *eth)
{
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

void l2_data_count_bad(struct l2_node *n, int rc)
{
	switch (rc) {
	case -EMSGSIZE:
		l2_count(n, L2_STAT_DROP_SHORT, 1);
		break;
	case -EPROTONOSUPPORT:
		l2_count(n, L2_STAT_DROP_VERSION, 1);
		break;
	default:
		l2_count(n, L2_STAT_DROP_MALFORMED, 1);
		break;
	}
}

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

	l2_switch_from_mesh(n, u->frame, u->len, orig);
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
	if (rc < 0) {
		l2_data_count_bad(n, rc);
		return;
	}
	if (!l2_data_eth_unicast_ok(n, eth))
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
	struct l2_tvlv tv;
	int rc = l2_unicast_tvlv_decode(r, &u);

	if (rc < 0) {
		l2_data_count_bad(n, rc);
		return;
	}
	if (!l2_data_eth_unicast_ok(n, eth))
		return;
	probe = *r;
	if (l2_tvlv_container(&probe, u.tvlv_len, &tvlvs) < 0) {
		l2_count(n, L2_STAT_DROP_TVLV, 1);
		return;
	}
	if (!l2_node_is_me(n, u.dst)) {
		/* a relay with an up-to-date copy may answer a TT request
		 * for dst itself (batman-adv's send_other_tt_response) */
		bool answered = false;
		while (!answered && (rc = l2_tvlv_next(&tvlvs, &tv)) == 1)
			answered = l2_tt_unicast_tvlv_transit(n, u.src, u.dst, &tv);
		if (!answered)
			utvlv_forward(n, &u, r);
		return;
	}
	/* unknown types go to TT too, which skips them as the kernel does */
	while ((rc = l2_tvlv_next(&tvlvs, &tv)) == 1)
		l2_tt_unicast_tvlv_rx(n, u.src, &tv);
	if (rc < 0)
		l2_count(n, L2_STAT_DROP_TVLV, 1);
}

/* ---- dispatch ----------------------------------------------------------------------- */

typedef void (*rx_fn)(struct l2_node *n, unsigned port, const struct l2_eth *eth,
		      struct mc_rd *r);

static const struct {
	uint8_t type;
	rx_fn rx;
} rx_table[] = {
	{ L2_PT_BCAST, l2_bcast_rx },
	{ L2_PT_UNICAST, unicast_rx },
	{ L2_PT_UNICAST_FRAG, l2_frag_rx },
	{ L2_PT_UNICAST_4ADDR, unicast_rx },
	{ L2_PT_ICMP, l2_icmp_rx },
	{ L2_PT_UNICAST_TVLV, utvlv_rx },
};

void l2_data_rx(struct l2_node *n, unsigned port, const struct l2_eth *eth,
		const struct l2_hdr *h, struct mc_rd *r)
{
	if (mc_rd_left(r) > L2_PKT_MAX) {	/* more than the core takes */
		l2_count(n, L2_STAT_DROP_TOO_BIG, 1);
		return;
	}
	for (size_t i = 0; i < sizeof(rx_table) / sizeof(rx_table[0]); i++) {
		if (rx_table[i].type == h->type) {
			rx_table[i].rx(n, port, eth, r);
			return;
		}
	}
	l2_count(n, L2_STAT_DROP_UNSUPPORTED_TYPE, 1);
}
