/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Broadcasts (batman-adv's batadv_recv_bcast_packet and
 * batadv_forw_bcast_packet): our own, with a 32-bit seqno from 1 and TTL
 * 49; received ones, deduplicated per originator over a 64-seqno window
 * with the restart protection of the OGM window; and the flood on every
 * port, once on wired ports and three times 5 ms apart on wireless ones,
 * skipped on a port with no neighbour or whose only neighbour is the
 * originator or the neighbour we got it from.
 *
 * The copies after the first wait in a queue of at most 256 entries
 * (BATADV_BCAST_QUEUE_LEN), each a whole frame. Entries are allocated as
 * the queue first grows and then reused: no allocation per packet once
 * the node has seen its busiest moment.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "l2mesh/core/data.h"

static const uint8_t bcast_addr[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

struct bq_entry {
	uint64_t due_ms;
	unsigned port;
	unsigned left;		/* copies still to send */
	bool used;
	size_t len;
	uint8_t frame[L2_FRAME_MAX];
};

static void bcast_rx(struct l2_node *n, unsigned port, const struct l2_eth *eth,
		     struct mc_rd *r);

int l2_bcast_init(struct l2_node *n)
{
	if (l2_pool_init(&n->data->bq, L2_BCAST_QUEUE_MAX, sizeof(struct bq_entry)) < 0)
		return -ENOMEM;
	return l2_rx_register(n, L2_PT_BCAST, bcast_rx, L2_PKT_MAX);
}

void l2_bcast_free(struct l2_node *n)
{
	l2_pool_free(&n->data->bq);
}

static struct bq_entry *bq_take(struct l2_pool *q)
{
	struct bq_entry *e;

	for (unsigned i = 0; i < q->n; i++)
		if (!(e = q->e[i])->used)
			return e;
	return l2_pool_grow(q);
}

/* Queues the frame just sent from tx for `copies` more sends. */
static void bq_add(struct l2_node *n, unsigned port, size_t frame_len, unsigned copies)
{
	struct bq_entry *e = bq_take(&n->data->bq);

	if (!e) {
		/* the first copy went out; as the kernel, skip the rest */
		l2_log(n, MC_LOG_DEBUG, MC_DBG_BCAST, "bcast queue full");
		return;
	}
	e->used = true;
	e->port = port;
	e->left = copies;
	e->due_ms = n->now_ms + L2_BCAST_RESEND_MS;
	e->len = frame_len;
	memcpy(e->frame, n->data->tx, frame_len);
}

uint64_t l2_bcast_tick(struct l2_node *n, uint64_t now_ms)
{
	struct l2_pool *q = &n->data->bq;
	uint64_t next = UINT64_MAX;

	for (unsigned i = 0; i < q->n; i++) {
		struct bq_entry *e = q->e[i];

		if (!e->used)
			continue;
		if (e->due_ms <= now_ms) {
			l2_port_send(n, e->port, e->frame, e->len);
			if (--e->left == 0) {
				e->used = false;
				continue;
			}
			e->due_ms = now_ms + L2_BCAST_RESEND_MS;
		}
		if (e->due_ms < next)
			next = e->due_ms;
	}
	return next;
}

/* batadv_hardif_no_broadcast; from is NULL for our own broadcasts. */
static bool bcast_suppressed(struct l2_node *n, unsigned port, const uint8_t orig[6],
			     const uint8_t *from)
{
	unsigned count = l2_port_neigh_count(n, port);

	if (count != 1)
		return count == 0;
	return l2_neigh_on_port(n, port, orig) || (from && l2_neigh_on_port(n, port, from));
}

/* Floods the pkt_len-byte BCAST at l2_data_pkt() on every port. */
static void bcast_flood(struct l2_node *n, size_t pkt_len, const uint8_t orig[6],
			const uint8_t *from)
{
	for (unsigned port = 0; port < n->nports; port++) {
		const struct l2_port *p = &n->ports[port];

		if (!p->up || bcast_suppressed(n, port, orig, from))
			continue;
		if (pkt_len > p->mtu) {		/* broadcasts are never fragmented */
			l2_count(n, L2_STAT_DROP_TOO_BIG, 1);
			continue;
		}
		l2_port_send_eth(n, port, bcast_addr, n->data->tx, pkt_len);
		if (p->wireless)
			bq_add(n, port, L2_ETH_HLEN + pkt_len, L2_BCAST_WIRELESS_COPIES - 1);
	}
}

void l2_bcast_send_own(struct l2_node *n, const uint8_t *frame, size_t len)
{
	struct l2_data *d = n->data;
	struct l2_bcast b = { .ttl = L2_BCAST_TTL, .seqno = ++d->bcast_seqno };
	struct mc_wr w;

	memcpy(b.orig, n->cfg.mac, 6);
	mc_wr_init(&w, l2_data_pkt(d), L2_PKT_MAX);
	l2_bcast_encode(&w, &b);
	mc_wr_bytes(&w, frame, len);
	if (!mc_wr_ok(&w)) {
		l2_count(n, L2_STAT_DROP_TOO_BIG, 1);
		return;
	}
	l2_count(n, L2_STAT_BCAST_TX, 1);
	bcast_flood(n, mc_wr_len(&w), n->cfg.mac, NULL);
}

/* ---- receive ------------------------------------------------------------- */

enum window_verdict { WINDOW_NEW, WINDOW_DUP, WINDOW_PROTECTED };

/* batadv_bit_get_packet: marks seqno, sliding the window when newer. */
static void window_mark(struct l2_dorig *o, uint32_t seqno, int32_t diff)
{
	if (diff <= 0 && diff > -L2_BCAST_WINDOW) {
		o->bcast_bits |= 1ull << -diff;
		return;
	}
	if (diff > 0 && diff < L2_BCAST_WINDOW)
		o->bcast_bits = o->bcast_bits << diff | 1;
	else	/* far newer (lost many) or the sender restarted */
		o->bcast_bits = 1;
	o->bcast_last = seqno;
}

static enum window_verdict window_check(struct l2_node *n, struct l2_dorig *o,
					uint32_t seqno)
{
	int32_t diff = (int32_t)(seqno - o->bcast_last);

	if (diff <= 0 && diff > -L2_BCAST_WINDOW && (o->bcast_bits >> -diff & 1))
		return WINDOW_DUP;
	/* batadv_window_protected: a jump means a restart; take the first,
	 * then ignore such jumps for 30 s */
	if (diff <= -L2_BCAST_WINDOW || diff >= L2_EXPECTED_SEQNO_RANGE) {
		if (o->bcast_reset_armed &&
		    n->now_ms < o->bcast_reset_ms + L2_RESET_PROTECTION_MS)
			return WINDOW_PROTECTED;
		o->bcast_reset_armed = true;
		o->bcast_reset_ms = n->now_ms;
	}
	window_mark(o, seqno, diff);
	return WINDOW_NEW;
}

/* The checks before the window; counts and returns false on a drop. */
static bool bcast_acceptable(struct l2_node *n, const struct l2_eth *eth,
			     const struct l2_bcast *b, struct mc_rd *r)
{
	struct l2_eth inner;
	struct mc_rd ir = *r;
	enum l2_stat drop = L2_STAT_COUNT;

	if (!l2_mac_is_broadcast(eth->dst) || l2_mac_is_multicast(eth->src))
		drop = L2_STAT_DROP_MALFORMED;
	else if (l2_node_is_me(n, eth->src) || l2_mac_eq(b->orig, n->cfg.mac))
		drop = L2_STAT_DROP_OWN;
	else if (b->ttl < 2)
		drop = L2_STAT_DROP_TTL;
	else if (l2_eth_decode(&ir, &inner) < 0)
		drop = L2_STAT_DROP_SHORT;
	else if (l2_frame_is_batman(&inner))
		drop = L2_STAT_DROP_MALFORMED;
	else if (!l2_orig_known(n, b->orig))
		drop = L2_STAT_DROP_NO_ROUTE;
	if (drop == L2_STAT_COUNT)
		return true;
	l2_count(n, drop, 1);
	return false;
}

static bool bcast_is_new(struct l2_node *n, const struct l2_bcast *b)
{
	struct l2_dorig *o = l2_dorig_get(n, b->orig);

	if (!o) {	/* cannot tell a copy from a new one: safer to drop */
		l2_count(n, L2_STAT_DROP_DUPLICATE, 1);
		return false;
	}
	switch (window_check(n, o, b->seqno)) {
	case WINDOW_NEW:
		return true;
	case WINDOW_DUP:
		l2_count(n, L2_STAT_DROP_DUPLICATE, 1);
		return false;
	default:
		l2_count(n, L2_STAT_DROP_SEQNO_RESET, 1);
		return false;
	}
}

#define L2_DUPLIST_SIZE 16
#define L2_DUPLIST_MS 500

/*
 * batadv_bla_check_bcast_duplist: true when the payload (the client frame)
 * came in a broadcast of another originator less than L2_DUPLIST_MS ago.
 * Two kernel nodes that bridge one LAN (bridge loop avoidance's backbone)
 * both put a broadcast from that LAN into the mesh; every node keeps one.
 * The same frame again from the same originator is not such a copy.
 * A new payload is remembered, newest first.
 */
static bool bcast_dup(struct l2_node *n, const uint8_t orig[6], const uint8_t *p,
		      size_t len)
{
	struct l2_data *d = n->data;
	uint32_t crc = l2_crc32c(p, len);

	for (unsigned i = 0; i < L2_DUPLIST_SIZE; i++) {
		unsigned k = (d->dup_cur + i) % L2_DUPLIST_SIZE;

		if (!d->dup[k].at_ms || n->now_ms - d->dup[k].at_ms > L2_DUPLIST_MS ||
		    d->dup[k].crc != crc)
			continue;
		if (l2_mac_eq(d->dup[k].orig, orig))
			continue;
		return true;
	}
	d->dup_cur = (d->dup_cur + L2_DUPLIST_SIZE - 1) % L2_DUPLIST_SIZE;
	d->dup[d->dup_cur].crc = crc;
	memcpy(d->dup[d->dup_cur].orig, orig, 6);
	d->dup[d->dup_cur].at_ms = n->now_ms ? n->now_ms : 1;
	return false;
}

static void bcast_rx(struct l2_node *n, unsigned port, const struct l2_eth *eth,
		     struct mc_rd *r)
{
	struct l2_bcast b;
	struct mc_wr w;
	int rc = l2_bcast_decode(r, &b);

	if (!l2_rx_decoded(n, rc) || !bcast_acceptable(n, eth, &b, r) ||
	    !bcast_is_new(n, &b))
		return;
	if (bcast_dup(n, b.orig, mc_rd_cur(r), mc_rd_left(r))) {
		l2_count(n, L2_STAT_DROP_BCAST_DUP, 1);	/* neither resent nor delivered */
		return;
	}
	l2_count(n, L2_STAT_BCAST_RX, 1);
	b.ttl--;
	mc_wr_init(&w, l2_data_pkt(n->data), L2_PKT_MAX);
	l2_bcast_encode(&w, &b);
	mc_wr_bytes(&w, mc_rd_cur(r), mc_rd_left(r));
	if (mc_wr_ok(&w))
		bcast_flood(n, mc_wr_len(&w), b.orig, eth->src);
	l2_bridge_from_mesh(n, mc_rd_cur(r), mc_rd_left(r), b.orig);
}

uint32_t l2_bcast_seqno(const struct l2_node *n)
{
	return n->data->bcast_seqno;
}
