/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fragmentation (batman-adv's fragmentation.c). A unicast packet longer
 * than the next hop's MTU goes out as up to 16 UNICAST_FRAG of equal
 * size, each at most 1280 bytes with its 20-byte header; as the kernel
 * eats the packet from its tail, fragment 0 carries the end and the
 * highest number the start. The destination reassembles in one of 8
 * chains per originator (bucket seqno % 8), merging by descending
 * fragment number once the bytes add up to total_size; a chain idle for
 * 10 s is dropped. Fragments for another node are forwarded as they are
 * (the kernel may merge them at a hop; l2mesh never does).
 *
 * Reassembly buffers come from a pool of L2_FRAG_CHAINS_MAX chains,
 * allocated as it grows and reused; with all in use the oldest chain
 * gives way. A merged packet must fit a frame buffer
 * (L2_FRAG_MERGED_MAX): the kernel would take up to 16 x 1260 bytes, but
 * no client frame of that size can leave a local port here.
 */
#include <errno.h>
#include <string.h>

#include "l2mesh/core/data.h"

struct frag_part {
	uint8_t no;
	uint16_t off;		/* in the chain's buffer, in arrival order */
	uint16_t len;
};

struct l2_frag_chain {
	struct l2_dorig *owner;	/* NULL: free */
	unsigned bucket;
	uint16_t total;		/* total_size every fragment must repeat */
	uint16_t size;		/* bytes buffered */
	unsigned nparts;
	uint64_t last_ms;
	struct frag_part part[L2_FRAG_MAX_FRAGMENTS];
	uint8_t buf[L2_FRAG_MERGED_MAX];
};

static void frag_rx(struct l2_node *n, unsigned port, const struct l2_eth *eth,
		    struct mc_rd *r);

int l2_frags_init(struct l2_node *n)
{
	if (l2_pool_init(&n->data->frags, L2_FRAG_CHAINS_MAX,
			 sizeof(struct l2_frag_chain)) < 0)
		return -ENOMEM;
	return l2_rx_register(n, L2_PT_UNICAST_FRAG, frag_rx, L2_PKT_MAX);
}

void l2_frags_free(struct l2_node *n)
{
	l2_pool_free(&n->data->frags);
}

/* ---- send ---------------------------------------------------------------- */

/* The 802.1p/IP precedence of the client frame a UNICAST(_4ADDR) carries. */
static uint8_t pkt_priority(const uint8_t *pkt, size_t len)
{
	size_t hlen = pkt[0] == L2_PT_UNICAST ? L2_UNICAST_HLEN
		    : pkt[0] == L2_PT_UNICAST_4ADDR ? L2_UNICAST_4ADDR_HLEN : len;

	return hlen < len ? l2_frame_priority(pkt + hlen, len - hlen) : 0;
}

static void frag_emit(struct l2_node *n, unsigned port, const uint8_t nexthop[6],
		      const struct l2_frag *f, const uint8_t *data, size_t len)
{
	struct l2_data *d = n->data;
	struct mc_wr w;

	mc_wr_init(&w, d->frag_tx + L2_ETH_HLEN, L2_PKT_MAX);
	l2_frag_encode(&w, f);
	mc_wr_bytes(&w, data, len);
	l2_count(n, L2_STAT_FRAG_TX, 1);
	l2_count(n, L2_STAT_FRAG_TX_BYTES, mc_wr_len(&w) + L2_ETH_HLEN);
	l2_port_send_eth(n, port, nexthop, d->frag_tx, mc_wr_len(&w));
}

int l2_frag_send(struct l2_node *n, unsigned port, const uint8_t nexthop[6],
		 const uint8_t orig[6], size_t pkt_len)
{
	struct l2_data *d = n->data;
	const uint8_t *pkt = l2_data_pkt(d);
	unsigned mtu = n->ports[port].mtu;
	struct l2_frag f = { .ttl = L2_TTL };
	size_t num, size, left = pkt_len;

	/* never larger than 1280, so no hop has to split a fragment again */
	if (mtu > L2_FRAG_MAX_FRAG_SIZE)
		mtu = L2_FRAG_MAX_FRAG_SIZE;
	if (mtu <= L2_FRAG_HLEN || pkt_len == 0)
		return -EINVAL;
	num = (pkt_len - 1) / (mtu - L2_FRAG_HLEN) + 1;
	if (num > L2_FRAG_MAX_FRAGMENTS || pkt_len > UINT16_MAX)
		return -EMSGSIZE;
	size = (pkt_len - 1) / num + 1;		/* equal sizes, the last smaller */
	f.seqno = ++d->frag_seqno;
	f.total_size = (uint16_t)pkt_len;
	f.priority = pkt_priority(pkt, pkt_len);
	memcpy(f.dest, orig, 6);
	memcpy(f.orig, n->cfg.mac, 6);
	for (; left > size; left -= size, f.no++)
		frag_emit(n, port, nexthop, &f, pkt + left - size, size);
	frag_emit(n, port, nexthop, &f, pkt, left);
	return 0;
}

/* ---- the chain pool -------------------------------------------------------- */

/* Gives a chain up: its fragments are counted as dropped for `why`. */
static void chain_drop(struct l2_node *n, struct l2_frag_chain *c, enum l2_stat why)
{
	l2_count(n, why, c->nparts);
	c->owner->frag[c->bucket].chain = NULL;
	c->owner = NULL;
}

static struct l2_frag_chain *chain_take(struct l2_node *n)
{
	struct l2_pool *fs = &n->data->frags;
	struct l2_frag_chain *c, *oldest = NULL;

	for (unsigned i = 0; i < fs->n; i++) {
		c = fs->e[i];
		if (!c->owner)
			return c;
		if (!oldest || c->last_ms < oldest->last_ms)
			oldest = c;
	}
	if ((c = l2_pool_grow(fs)))
		return c;
	if (oldest)	/* all busy: the stalest chain gives way */
		chain_drop(n, oldest, L2_STAT_DROP_FRAG_TIMEOUT);
	return oldest;
}

void l2_frag_release(struct l2_node *n, struct l2_dorig *o)
{
	for (unsigned b = 0; b < L2_FRAG_BUCKETS; b++)
		if (o->frag[b].chain)
			chain_drop(n, o->frag[b].chain, L2_STAT_DROP_FRAG_TIMEOUT);
}

void l2_frags_purge(struct l2_node *n, uint64_t now_ms)
{
	struct l2_pool *fs = &n->data->frags;

	for (unsigned i = 0; i < fs->n; i++) {
		struct l2_frag_chain *c = fs->e[i];

		if (c->owner && now_ms > c->last_ms + L2_FRAG_TIMEOUT_MS)
			chain_drop(n, c, L2_STAT_DROP_FRAG_TIMEOUT);
	}
}

/* ---- receive ------------------------------------------------------------------ */

static bool merged_type_ok(uint8_t type)
{
	/* what the kernel may fragment; never a fragment in a fragment */
	return type == L2_PT_UNICAST || type == L2_PT_UNICAST_4ADDR ||
	       type == L2_PT_ICMP || type == L2_PT_UNICAST_TVLV;
}

/* Hands the len-byte merged frame in reasm to the receive dispatch. */
static void frag_deliver(struct l2_node *n, unsigned port, size_t len)
{
	struct l2_eth eth;
	struct l2_hdr h;
	struct mc_rd r;

	mc_rd_init(&r, n->data->reasm, len);
	l2_eth_decode(&r, &eth);
	if (l2_hdr_peek(&r, &h) < 0 || !merged_type_ok(h.type)) {
		l2_count(n, L2_STAT_DROP_FRAG_INVALID, 1);
		return;
	}
	l2_rx_dispatch(n, port, &eth, &h, &r);
}

/* Merges the complete chain of slot behind eth's addresses, then frees it. */
static void frag_merge(struct l2_node *n, unsigned port, const struct l2_eth *eth,
		       struct l2_frag_slot *slot)
{
	struct l2_frag_chain *c = slot->chain;
	struct l2_eth e = { .ethertype = L2_ETHERTYPE_BATMAN };
	struct mc_wr w;

	memcpy(e.dst, eth->dst, 6);
	memcpy(e.src, eth->src, 6);
	mc_wr_init(&w, n->data->reasm, L2_FRAME_MAX);
	l2_eth_encode(&w, &e);
	for (int no = L2_FRAG_MAX_FRAGMENTS - 1; no >= 0; no--)
		for (unsigned i = 0; i < c->nparts; i++)
			if (c->part[i].no == no)
				mc_wr_bytes(&w, c->buf + c->part[i].off, c->part[i].len);
	c->owner = NULL;
	slot->chain = NULL;
	slot->done = true;
	frag_deliver(n, port, mc_wr_len(&w));
}

/* The chain for f's seqno, started afresh if the bucket held another. */
static struct l2_frag_chain *chain_for(struct l2_node *n, struct l2_dorig *o,
				       const struct l2_frag *f)
{
	unsigned b = f->seqno % L2_FRAG_BUCKETS;
	struct l2_frag_slot *slot = &o->frag[b];
	struct l2_frag_chain *c = slot->chain;

	if (c && slot->seqno == f->seqno)
		return c;
	if (c)		/* an older packet never completed: it will not now */
		chain_drop(n, c, L2_STAT_DROP_FRAG_TIMEOUT);
	c = chain_take(n);
	if (!c)
		return NULL;
	c->owner = o;
	c->bucket = b;
	c->total = f->total_size;
	c->size = 0;
	c->nparts = 0;
	slot->chain = c;
	slot->seqno = f->seqno;
	slot->done = false;
	return c;
}

static bool chain_has(const struct l2_frag_chain *c, uint8_t no)
{
	for (unsigned i = 0; i < c->nparts; i++)
		if (c->part[i].no == no)
			return true;
	return false;
}

static void frag_insert(struct l2_node *n, unsigned port, const struct l2_eth *eth,
			const struct l2_frag *f, const uint8_t *data, size_t len)
{
	struct l2_dorig *o = l2_dorig_get(n, f->orig);
	struct l2_frag_slot *slot = o ? &o->frag[f->seqno % L2_FRAG_BUCKETS] : NULL;
	struct l2_frag_chain *c;

	if (!o || len == 0 || f->total_size == 0 || f->total_size > L2_FRAG_MERGED_MAX) {
		l2_count(n, L2_STAT_DROP_FRAG_INVALID, 1);
		return;
	}
	if (!slot->chain && slot->done && slot->seqno == f->seqno) {
		l2_count(n, L2_STAT_DROP_DUPLICATE, 1);	/* of a merged packet */
		return;
	}
	c = chain_for(n, o, f);
	if (c && chain_has(c, f->no)) {
		l2_count(n, L2_STAT_DROP_DUPLICATE, 1);
		return;
	}
	if (!c || f->total_size != c->total || c->size + len > c->total) {
		if (c)		/* the fragments disagree: none can be trusted */
			chain_drop(n, c, L2_STAT_DROP_FRAG_INVALID);
		l2_count(n, L2_STAT_DROP_FRAG_INVALID, 1);
		return;
	}
	c->part[c->nparts++] = (struct frag_part){ f->no, c->size, (uint16_t)len };
	memcpy(c->buf + c->size, data, len);
	c->size = (uint16_t)(c->size + len);
	c->last_ms = n->now_ms;
	if (c->size == c->total)
		frag_merge(n, port, eth, slot);
}

/* A fragment for another originator, forwarded as it is. */
static void frag_forward(struct l2_node *n, struct l2_frag *f, struct mc_rd *r)
{
	struct l2_data *d = n->data;
	unsigned port;
	uint8_t nexthop[6];
	struct mc_wr w;

	if (f->ttl < 2) {
		l2_count(n, L2_STAT_DROP_TTL, 1);
		return;
	}
	if (l2_orig_router(n, f->dest, &port, nexthop) < 0 || port >= n->nports) {
		l2_count(n, L2_STAT_DROP_NO_ROUTE, 1);
		return;
	}
	f->ttl--;
	mc_wr_init(&w, l2_data_pkt(d), L2_PKT_MAX);
	l2_frag_encode(&w, f);
	mc_wr_bytes(&w, mc_rd_cur(r), mc_rd_left(r));
	if (!mc_wr_ok(&w) || mc_wr_len(&w) > n->ports[port].mtu) {
		l2_count(n, L2_STAT_DROP_TOO_BIG, 1);
		return;
	}
	l2_count(n, L2_STAT_FRAG_FWD, 1);
	l2_count(n, L2_STAT_FRAG_FWD_BYTES, mc_wr_len(&w) + L2_ETH_HLEN);
	l2_port_send_eth(n, port, nexthop, d->tx, mc_wr_len(&w));
}

static void frag_rx(struct l2_node *n, unsigned port, const struct l2_eth *eth,
		    struct mc_rd *r)
{
	struct l2_frag f;
	int rc = l2_frag_decode(r, &f);

	if (!l2_rx_unicast_ok(n, eth, rc))
		return;
	if (!l2_orig_known(n, f.orig)) {
		l2_count(n, L2_STAT_DROP_NO_ROUTE, 1);
		return;
	}
	if (!l2_node_is_me(n, f.dest)) {
		frag_forward(n, &f, r);
		return;
	}
	l2_count(n, L2_STAT_FRAG_RX, 1);
	l2_count(n, L2_STAT_FRAG_RX_BYTES, L2_FRAG_HLEN + mc_rd_left(r));
	frag_insert(n, port, eth, &f, mc_rd_cur(r), mc_rd_left(r));
}
