/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * B.A.T.M.A.N. IV as batman-adv does it (bat_iv_ogm.c, bitarray.c): the
 * facts are the kernel's, the code is ours. doc/l2mesh-routing.md lists
 * the rules and where l2mesh departs from the kernel.
 *
 * Addresses: the node's originator address is cfg.mac. Its primary OGM
 * goes out on every port with the port's MAC as Ethernet source. A port
 * whose MAC differs from cfg.mac also sends, like a batman-adv secondary
 * interface, its own TTL-2 OGM (orig = port MAC): without it a neighbour
 * could not tell that port apart from a multi-hop sender, and would drop
 * our OGMs as coming "via an unknown neighbour".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/log.h"
#include "l2mesh/core/bat_iv.h"
#include "l2mesh/core/originator.h"

#define SPARE_MAX L2_BATMAN_QUEUE_LEN	/* recycled frame buffers kept */
#define IV_BATCH 32			/* OGMs of an aggregate read ahead at once */
#define ETH_BCAST ((const uint8_t *)"\xff\xff\xff\xff\xff\xff")

/* A frame waiting to go out on one port (batadv_forw_packet). */
struct l2_fwd {
	struct l2_fwd *next;
	uint64_t send_ms;
	uint8_t in_port;	/* where its first OGM came in; L2_PORT_NONE: ours */
	uint8_t out_port;
	bool own;		/* starts with one of our own OGMs */
	bool first_direct;	/* starts with a direct neighbour's OGM */
	uint8_t first_ttl;
	uint8_t num;		/* OGMs in the frame */
	uint16_t len;		/* frame bytes, Ethernet header included */
	uint8_t frame[L2_FRAME_MAX];
};

struct l2_iv {
	uint32_t seqno;				/* next primary OGM seqno */
	uint32_t port_seqno[L2_PORTS_MAX];	/* next secondary OGM seqno */
	uint64_t next_own_ms;			/* when the prepared round goes */
	struct l2_fwd *queue[L2_PORTS_MAX];	/* per outgoing port, newest first */
	uint64_t queue_due;			/* no frame is due before this */
	struct l2_fwd *spare;
	unsigned nspare;
	unsigned queue_left;			/* forwarded frames still allowed */
	uint32_t agg_phase;			/* of the aggregation slots, ms */
	uint8_t tvlv[L2_FRAME_MAX];		/* this round's own TVLVs */
};

/* An OGM about to be queued: header, TVLV bytes, and where it came from. */
struct ogm_out {
	struct l2_ogm ogm;
	const uint8_t *tvlv;	/* ogm.tvlv_len bytes */
	unsigned in_port;
	bool direct;		/* a direct neighbour's OGM (DIRECTLINK) */
	bool own;
};

enum dup_status { NO_DUP, ORIG_DUP, NEIGH_DUP, PROTECTED };

/* What the receive path learns about one OGM, step by step. */
struct ogm_ctx {
	unsigned port;
	const struct l2_eth *eth;
	const struct l2_ogm *ogm;
	const struct mc_rd *tvlvs;
	struct l2_orig *orig;
	struct l2_orig *orig_neigh;
	struct l2_orig **sender;	/* eth->src's entry, cached per frame */
	enum dup_status dup;
	size_t long_tvlv;	/* bytes of a long-aggregate TVLV first in tvlvs */
	bool single_hop;
	bool from_best;
	uint8_t echo;		/* the sender's echo count on port */
	uint8_t recv;		/* its OGMs we heard on port */
	uint8_t span;		/* seqnos since the oldest of those (fast start) */
	uint8_t tq;		/* path TQ, routing table's view */
};

/* ---- windows and TQ arithmetic -------------------------------------------- */

void l2_iv_window_set(uint64_t *bits, int32_t n)
{
	if (n < 0 || n >= L2_TQ_LOCAL_WINDOW)
		return;
	*bits |= (uint64_t)1 << n;
}

bool l2_iv_window_test(uint64_t bits, uint32_t last_seqno, uint32_t seqno)
{
	int32_t diff = (int32_t)(last_seqno - seqno);

	if (diff < 0 || diff >= L2_TQ_LOCAL_WINDOW)
		return false;
	return (bits >> diff) & 1;
}

bool l2_iv_window_update(uint64_t *bits, int32_t seq_diff, bool set_mark)
{
	/* older, but inside the window: just mark it */
	if (seq_diff <= 0 && seq_diff > -L2_TQ_LOCAL_WINDOW) {
		if (set_mark)
			l2_iv_window_set(bits, -seq_diff);
		return false;
	}
	/* newer and inside the window: slide; else (far ahead, or a restart
	 * the caller let through) start over */
	if (seq_diff > 0 && seq_diff < L2_TQ_LOCAL_WINDOW)
		*bits <<= seq_diff;
	else
		*bits = 0;
	if (set_mark)
		l2_iv_window_set(bits, 0);
	return true;
}

uint8_t l2_iv_hop_penalty(uint8_t tq, uint8_t penalty)
{
	return (uint8_t)((unsigned)tq * (L2_TQ_MAX - penalty) / L2_TQ_MAX);
}

uint8_t l2_iv_tq_calc(uint8_t tq, uint8_t echo, uint8_t recv, uint8_t iface)
{
	return l2_iv_tq_calc_win(tq, echo, recv, L2_TQ_LOCAL_WINDOW, iface);
}

/*
 * Fast start (softmesh's, not the kernel's): the asymmetry penalty judges
 * a neighbour by the seqnos since the oldest one heard from it in the
 * window (at least L2_TQ_FAST_START_MIN), not by all 64. The kernel counts
 * a neighbour heard for 10 intervals as having lost 54 of 64 OGMs, so a
 * new link takes tens of intervals to carry multi-hop routes; here a clean
 * link is at full TQ after 4 OGMs, and a lossy one still shows its loss
 * ratio. Only this node's own metric changes; the wire does not.
 */
unsigned l2_iv_span(uint64_t real_bits)
{
	unsigned span = real_bits ? 64u - (unsigned)__builtin_clzll(real_bits) : 0;

	return span < L2_TQ_FAST_START_MIN ? L2_TQ_FAST_START_MIN : span;
}

uint8_t l2_iv_tq_calc_win(uint8_t tq, uint8_t echo, uint8_t recv, unsigned window,
			  uint8_t iface)
{
	const uint64_t w = window, max = L2_TQ_MAX;
	uint64_t total, own, inv, asym;

	if (recv > window)
		recv = (uint8_t)window;
	total = echo < recv ? echo : recv;
	/* fewer than 1 echo or 1 received OGM: not bidirectional */
	own = total < 1 || recv < 1 ? 0 : max * total / recv;
	inv = w - recv;
	asym = max - max * inv * inv * inv / (w * w * w);
	return (uint8_t)(tq * own * asym * iface / (max * max * max));
}

uint8_t l2_iv_ring_avg(const uint8_t *ring, unsigned len)
{
	unsigned i, count = 0, sum = 0;

	for (i = 0; i < len; i++) {
		if (ring[i]) {
			count++;
			sum += ring[i];
		}
	}
	return count ? (uint8_t)(sum / count) : 0;
}

/* Whether the last L2_TQ_STALE_OGMS entries of a TQ ring are all 0. */
static bool ring_stale(const struct l2_neigh *nb)
{
	for (unsigned k = 1; k <= L2_TQ_STALE_OGMS; k++) {
		unsigned i = (nb->tq_index + L2_TQ_GLOBAL_WINDOW - k) % L2_TQ_GLOBAL_WINDOW;
		if (nb->tq_recv[i])
			return false;
	}
	return true;
}

/*
 * The kernel averages only the non-zero entries, so a last hop that went
 * silent keeps its average until five newer OGMs came another way, and a
 * reroute crawls one such decay per hop. l2mesh drops it at once when the
 * last three newer OGMs all came another way: a working last hop delivers
 * its own copy (a non-zero entry) even when it loses the race.
 */
/* Returns whether the average (what batctl o shows) changed. */
static bool ring_push(struct l2_neigh *nb, uint8_t tq)
{
	uint8_t was = nb->tq_avg;

	nb->tq_recv[nb->tq_index] = tq;
	nb->tq_index = (uint8_t)((nb->tq_index + 1) % L2_TQ_GLOBAL_WINDOW);
	nb->tq_avg = ring_stale(nb) ? 0 : l2_iv_ring_avg(nb->tq_recv, L2_TQ_GLOBAL_WINDOW);
	return nb->tq_avg != was;
}

/* ---- the send queue and aggregation ----------------------------------------- */

static unsigned port_mtu(const struct l2_node *n, unsigned port)
{
	return n->ports[port].mtu ? n->ports[port].mtu : 1500;
}

/* The long-aggregate TVLV (no value) that starts our own OGMs' TVLVs. */
static const uint8_t long_agg_tvlv[L2_TVLV_HLEN] = {
	L2_TVLV_LONG_AGG, L2_TVLV_LONG_AGG_VERSION, 0, 0
};

/* Its length when the TVLVs start with it, else 0. */
static size_t long_agg_len(const uint8_t *tvlv, size_t len)
{
	if (len < L2_TVLV_HLEN || memcmp(tvlv, long_agg_tvlv, L2_TVLV_HLEN))
		return 0;
	return L2_TVLV_HLEN;
}

/*
 * batman-adv's 512 bytes and 32 OGMs per aggregate, unless every
 * neighbour on a wired port said in its own OGMs that it reads long
 * aggregates: a kernel receiver reads no OGM that ends past byte 512 of
 * an aggregate (batadv_iv_ogm_aggr_packet), so longer ones would cost it
 * those OGMs. Aggregates up to the MTU halve the frames of a large cloud
 * (doc/l2meshd.md, "Scale"); radio keeps short frames, which are lost
 * less and whose loss costs fewer OGMs.
 */
static bool port_long(const struct l2_node *n, unsigned port)
{
	return !n->ports[port].wireless && l2_port_long_agg(n, port);
}

size_t l2_port_agg_max(const struct l2_node *n, unsigned port)
{
	size_t max = port_mtu(n, port);

	if (!port_long(n, port) && max > L2_MAX_AGGREGATION_BYTES)
		max = L2_MAX_AGGREGATION_BYTES;
	return max;
}

static bool fwd_fits(const struct l2_node *n, const struct l2_fwd *f, size_t len)
{
	unsigned num = port_long(n, f->out_port) ? UINT8_MAX : L2_MAX_AGGREGATION_PACKETS;

	return f->len - L2_ETH_HLEN + len <= l2_port_agg_max(n, f->out_port) &&
	       f->num < num;
}

/*
 * When an aggregate of forwarded OGMs that one due at t would open goes:
 * at the first of this node's slots (every L2_MAX_AGGREGATION_MS, at a
 * phase drawn at start) half a window or more after t. batman-adv holds
 * each aggregate 100 ms from its first OGM (which waited 0..10 ms), each
 * port's on its own clock: at 256 nodes that was ~90 sends and ~120
 * wake-ups a second per node. On slots every port's aggregate of a window
 * leaves in one wake-up and a neighbour hears from us once a window; an
 * OGM still waits 100 ms on average (50..150).
 */
static uint64_t agg_slot(const struct l2_iv *iv, uint64_t t)
{
	const uint64_t w = L2_MAX_AGGREGATION_MS;

	t += w / 2;
	return t + (iv->agg_phase + w - t % w) % w;
}

/* batadv_iv_ogm_can_aggregate; slot: when a new aggregate would go */
static bool fwd_can_take(const struct l2_node *n, const struct l2_fwd *f,
			 const struct ogm_out *o, unsigned out_port, size_t len,
			 uint64_t send_ms, uint64_t slot)
{
	if (f->out_port != out_port || !(send_ms < f->send_ms) || f->send_ms > slot ||
	    !fwd_fits(n, f, len))
		return false;
	/* flooded OGMs go together, also after our own primary OGM */
	if (!o->direct && !f->first_direct && f->first_ttl != 1 &&
	    (!f->own || f->in_port == L2_PORT_NONE))
		return true;
	/* one-hop ones only with others that leave by the port they came in */
	return o->direct && o->ogm.ttl == 1 && f->in_port == o->in_port &&
	       (f->first_direct || (f->own && f->in_port != L2_PORT_NONE));
}

static struct l2_fwd *fwd_alloc(struct l2_iv *iv)
{
	struct l2_fwd *f = iv->spare;

	if (!f)
		return malloc(sizeof(*f));
	iv->spare = f->next;
	iv->nspare--;
	return f;
}

static void fwd_release(struct l2_iv *iv, struct l2_fwd *f)
{
	if (!f->own)
		iv->queue_left++;
	if (iv->nspare >= SPARE_MAX) {
		free(f);
		return;
	}
	f->next = iv->spare;
	iv->spare = f;
	iv->nspare++;
}

static struct l2_fwd *fwd_new(struct l2_node *n, const struct ogm_out *o,
			      unsigned out_port, uint64_t send_ms)
{
	struct l2_iv *iv = n->iv;
	struct l2_eth eth = { .ethertype = L2_ETHERTYPE_BATMAN };
	struct l2_fwd *f;
	struct mc_wr w;

	if (!o->own && !iv->queue_left)
		return NULL;	/* batman-adv's "batman packet queue full" */
	f = fwd_alloc(iv);
	if (!f)
		return NULL;
	memcpy(eth.dst, ETH_BCAST, 6);
	memcpy(eth.src, n->ports[out_port].mac, 6);
	mc_wr_init(&w, f->frame, sizeof(f->frame));
	l2_eth_encode(&w, &eth);
	f->len = (uint16_t)mc_wr_len(&w);
	f->send_ms = send_ms;
	f->in_port = (uint8_t)o->in_port;
	f->out_port = (uint8_t)out_port;
	f->own = o->own;
	f->first_direct = o->direct;
	f->first_ttl = o->ogm.ttl;
	f->num = 0;
	f->next = iv->queue[out_port];
	iv->queue[out_port] = f;
	if (send_ms < iv->queue_due)
		iv->queue_due = send_ms;
	if (!o->own)
		iv->queue_left--;
	return f;
}

/* Appends one OGM; DIRECTLINK only goes back out the port it came in on. */
static int fwd_append(struct l2_fwd *f, const struct ogm_out *o)
{
	struct l2_ogm ogm = o->ogm;
	struct mc_wr w;

	if (o->direct && o->in_port == f->out_port)
		ogm.flags |= L2_OGM_F_DIRECTLINK;
	else
		ogm.flags &= (uint8_t)~L2_OGM_F_DIRECTLINK;
	mc_wr_init(&w, f->frame + f->len, sizeof(f->frame) - f->len);
	l2_ogm_encode(&w, &ogm);
	mc_wr_bytes(&w, o->tvlv, ogm.tvlv_len);
	if (!mc_wr_ok(&w))
		return -EMSGSIZE;
	f->len = (uint16_t)(f->len + mc_wr_len(&w));
	f->num++;
	return 0;
}

/* batadv_iv_ogm_queue_add: our own OGMs never join a waiting frame. */
static void queue_add(struct l2_node *n, unsigned out_port, const struct ogm_out *o,
		      uint64_t send_ms)
{
	size_t len = L2_OGM_HLEN + o->ogm.tvlv_len;
	bool agg = n->cfg.aggregation && !o->own;
	uint64_t slot = agg ? agg_slot(n->iv, send_ms) : send_ms;
	struct l2_fwd *f = NULL;

	if (agg)
		for (f = n->iv->queue[out_port]; f; f = f->next)
			if (fwd_can_take(n, f, o, out_port, len, send_ms, slot))
				break;
	/* a new one waits for company: later OGMs may join it */
	if (!f)
		f = fwd_new(n, o, out_port, slot);
	if (!f || fwd_append(f, o) < 0)
		l2_count(n, L2_STAT_TX_DROPPED, 1);
}

static void fwd_emit(struct l2_node *n, const struct l2_fwd *f)
{
	if (!f->num)
		return;
	if (f->len > port_mtu(n, f->out_port) + L2_ETH_HLEN) {
		l2_count(n, L2_STAT_DROP_TOO_BIG, 1);
		return;
	}
	if (!n->ports[f->out_port].up) {
		l2_count(n, L2_STAT_DROP_PORT_DOWN, 1);
		return;
	}
	l2_count(n, L2_STAT_MGMT_TX, 1);
	l2_count(n, L2_STAT_MGMT_TX_BYTES, f->len);
	l2_port_send(n, f->out_port, f->frame, f->len);
}

/* Sends what is due; returns when the next waiting frame is. */
static uint64_t queue_flush(struct l2_node *n, uint64_t now_ms)
{
	struct l2_iv *iv = n->iv;
	uint64_t next = UINT64_MAX;
	struct l2_fwd **pp, *f;
	unsigned p;

	if (now_ms < iv->queue_due)
		return iv->queue_due;
	for (p = 0; p < L2_PORTS_MAX; p++) {
		pp = &iv->queue[p];
		while ((f = *pp)) {
			if (f->send_ms > now_ms) {
				if (f->send_ms < next)
					next = f->send_ms;
				pp = &f->next;
				continue;
			}
			*pp = f->next;
			fwd_emit(n, f);
			fwd_release(iv, f);
		}
	}
	iv->queue_due = next;
	return next;
}

/* batadv_purge_outstanding_packets for one port */
static void queue_purge_port(struct l2_node *n, unsigned port)
{
	struct l2_fwd **pp, *f;
	unsigned p;

	for (p = 0; p < L2_PORTS_MAX; p++) {
		pp = &n->iv->queue[p];
		while ((f = *pp)) {
			if (f->out_port != port && f->in_port != port) {
				pp = &f->next;
				continue;
			}
			*pp = f->next;
			fwd_release(n->iv, f);
		}
	}
}

/* ---- own OGMs ---------------------------------------------------------------- */

static void echo_slide(struct l2_orig *o, void *arg)
{
	unsigned p, nports = *(const unsigned *)arg;

	if (!o->echo)
		return;
	for (p = 0; p < nports; p++) {
		l2_iv_window_update(&o->echo[p].bits, 1, false);
		o->echo[p].sum = (uint8_t)__builtin_popcountll(o->echo[p].bits);
	}
}

/* TVLV room in an own OGM: it must fit the smallest up port's MTU. */
static size_t own_tvlv_room(const struct l2_node *n)
{
	size_t room = L2_FRAME_MAX - L2_ETH_HLEN - L2_OGM_HLEN, mtu;
	unsigned p;

	for (p = 0; p < n->nports; p++) {
		mtu = port_mtu(n, p);
		if (n->ports[p].up && mtu > L2_OGM_HLEN && mtu - L2_OGM_HLEN < room)
			room = mtu - L2_OGM_HLEN;
	}
	return room;
}

/* This round's TVLVs (ours first, then the features': GW, TT) into iv->tvlv. */
static uint16_t own_tvlvs(struct l2_node *n)
{
	struct mc_wr w;

	mc_wr_init(&w, n->iv->tvlv, own_tvlv_room(n));
	mc_wr_bytes(&w, long_agg_tvlv, sizeof(long_agg_tvlv));
	l2_tvlv_ogm_append(n, &w);
	return (uint16_t)mc_wr_len(&w);
}

static void own_secondary(struct l2_node *n, unsigned port, uint64_t send_ms)
{
	struct ogm_out o = { .in_port = port, .own = true, .tvlv = long_agg_tvlv };

	o.ogm.tvlv_len = sizeof(long_agg_tvlv);
	o.ogm.ttl = 2;
	o.ogm.seqno = n->iv->port_seqno[port]++;
	memcpy(o.ogm.orig, n->ports[port].mac, 6);
	memcpy(o.ogm.prev_sender, n->ports[port].mac, 6);
	o.ogm.tq = L2_TQ_MAX;
	queue_add(n, port, &o, send_ms);
}

static uint64_t own_delay(struct l2_node *n)
{
	uint32_t iv = n->cfg.orig_interval_ms;

	if (iv <= L2_JITTER_MS)	/* config allows no such thing; never 0 */
		return iv ? iv : 1;
	return iv - L2_JITTER_MS + n->env.rand(n->env.user) % (2 * L2_JITTER_MS);
}

/*
 * batadv_iv_ogm_schedule: prepares the next round (TT commit, seqno,
 * window slide) when the previous one goes out, to be sent an interval on.
 */
static void own_round(struct l2_node *n, uint64_t now_ms)
{
	struct ogm_out o = { .in_port = L2_PORT_NONE, .own = true };
	uint64_t delay = own_delay(n), send_ms = now_ms + delay;
	unsigned p;

	/*
	 * With aggregation, at the slot nearest the drawn time: the round
	 * leaves in the wake-up that sends the slot's forwarded OGMs (which
	 * may ride behind it), a wake-up a second fewer. The interval stays
	 * the configured one on average; the slots' phase, drawn per box,
	 * keeps neighbours on other boxes apart as the jitter did.
	 */
	if (n->cfg.aggregation && delay > L2_MAX_AGGREGATION_MS)
		send_ms = agg_slot(n->iv, send_ms - L2_MAX_AGGREGATION_MS);

	o.ogm.tvlv_len = own_tvlvs(n);
	o.tvlv = n->iv->tvlv;
	o.ogm.ttl = L2_TTL;
	o.ogm.seqno = n->iv->seqno++;
	memcpy(o.ogm.orig, n->cfg.mac, 6);
	memcpy(o.ogm.prev_sender, n->cfg.mac, 6);
	o.ogm.tq = L2_TQ_MAX;
	l2_orig_walk(n, echo_slide, &n->nports);
	for (p = 0; p < n->nports; p++) {
		if (!n->ports[p].up)
			continue;
		queue_add(n, p, &o, send_ms);
		if (!l2_mac_eq(n->ports[p].mac, n->cfg.mac))
			own_secondary(n, p, send_ms);
	}
	n->iv->next_own_ms = send_ms;
}

/* ---- receive: the sequence number windows ------------------------------------ */

/* batadv_window_protected: a restart is believed once per 30 s. */
static bool seqno_protected(struct l2_node *n, struct l2_orig *o, int32_t diff)
{
	char a[18];

	if (diff > -L2_TQ_LOCAL_WINDOW && diff < L2_EXPECTED_SEQNO_RANGE)
		return false;
	if (n->now_ms - o->seqno_reset_ms <= L2_RESET_PROTECTION_MS)
		return true;
	o->seqno_reset_ms = n->now_ms;
	if (n->env.log)
		l2_log(n, MC_LOG_DEBUG, MC_DBG_BATMAN,
		       "%s: old packet received, start protection",
		       mc_mac_format(o->addr, a, sizeof(a)));
	return false;
}

/* batadv_iv_ogm_update_seqnos */
static enum dup_status seqnos_update(struct l2_node *n, struct ogm_ctx *c)
{
	struct l2_orig *o = c->orig;
	int32_t diff = (int32_t)(c->ogm->seqno - o->last_real_seqno);
	enum dup_status ret = NO_DUP;
	bool moved = false;
	uint16_t i;

	if (o->nneighs && seqno_protected(n, o, diff))
		return PROTECTED;
	for (i = 0; i < o->nneighs; i++) {
		struct l2_neigh *nb = &o->neighs[i];
		bool dup = l2_iv_window_test(nb->real_bits, o->last_real_seqno,
					     c->ogm->seqno);
		bool mine = nb->port == c->port && l2_mac_eq(nb->addr, c->eth->src);

		if (dup && mine)
			ret = NEIGH_DUP;
		else if (dup && ret != NEIGH_DUP)
			ret = ORIG_DUP;
		moved |= l2_iv_window_update(&nb->real_bits, diff, mine);
		nb->real_count = (uint8_t)__builtin_popcountll(nb->real_bits);
	}
	if (moved)
		o->last_real_seqno = c->ogm->seqno;
	return ret;
}

/* ---- receive: TQ, ranking, TVLVs ------------------------------------------------ */

/*
 * batadv_iv_ogm_calc_tq's bookkeeping: the sender's own last-hop entry
 * (created if new), last-seen times, and the two window counts.
 */
static int link_counts(struct l2_node *n, struct ogm_ctx *c)
{
	struct l2_orig *on = c->orig_neigh;
	struct l2_neigh *nb = l2_orig_neigh_get(n, on, on->addr, c->port);
	struct l2_echo *e = l2_orig_echo(on, c->port, false);

	if (!nb)
		return -ENOMEM;
	if (c->orig == on)
		nb->last_seen_ms = n->now_ms;
	c->orig->last_seen_ms = n->now_ms;
	c->echo = e ? e->sum : 0;
	c->recv = nb->real_count;
	c->span = (uint8_t)l2_iv_span(nb->real_bits);
	return 0;
}

static uint8_t tq_for_port(const struct l2_node *n, const struct ogm_ctx *c,
			   unsigned out_port)
{
	uint8_t iface = L2_TQ_MAX;

	/* half duplex: going back out the WiFi it came in on costs again */
	if (out_port == c->port && n->ports[out_port].wireless)
		iface = l2_iv_hop_penalty(L2_TQ_MAX, n->cfg.hop_penalty);
	return l2_iv_tq_calc_win(c->ogm->tq, c->echo, c->recv, c->span, iface);
}

/* Equal TQ: the candidate must have echoed more of our OGMs to win. */
static bool neigh_beats_router(struct l2_node *n, const struct l2_neigh *nb,
			       const struct l2_neigh *router)
{
	if (!router)
		return true;
	if (router->tq_avg != nb->tq_avg)
		return nb->tq_avg > router->tq_avg;
	return l2_neigh_echo_sum(n, router) < l2_neigh_echo_sum(n, nb);
}

/* batadv_iv_ogm_orig_update */
static void orig_update(struct l2_node *n, const struct ogm_ctx *c)
{
	struct l2_orig *o = c->orig;
	struct l2_neigh *nb, *mine = NULL;
	bool tq_changed = false;
	uint16_t i;

	for (i = 0; i < o->nneighs; i++) {
		nb = &o->neighs[i];
		if (nb->port == c->port && l2_mac_eq(nb->addr, c->eth->src))
			mine = nb;
		else if (c->dup == NO_DUP)
			tq_changed |= ring_push(nb, 0);	/* a newer OGM came another way */
	}
	if (!mine && !(mine = l2_orig_neigh_get(n, o, c->eth->src, c->port)))
		return;
	mine->last_seen_ms = n->now_ms;
	tq_changed |= ring_push(mine, c->tq);
	if (c->dup == NO_DUP) {
		o->last_ttl = c->ogm->ttl;
		mine->last_ttl = c->ogm->ttl;
	}
	if (o->router != mine && neigh_beats_router(n, mine, o->router))
		l2_orig_route_set(n, o, mine);
	if (tq_changed) {
		l2_changed(n, L2_CHANGE_ORIG, o->addr, 0, 0);
		l2_changed(n, L2_CHANGE_GW, o->addr, 0, 0);
	}
}

/*
 * The OGM's TVLVs, to the features that registered for them (tvlv.c).
 * batman-adv reads them from every copy of an OGM that gets this far;
 * the copies carry the same TVLVs (only the originator writes them), so
 * l2mesh reads those of the first copy of each seqno and skips the rest.
 */
static void tvlvs_process(struct l2_node *n, const struct ogm_ctx *c)
{
	if (c->orig->tvlv_seen && c->orig->tvlv_seqno == c->ogm->seqno)
		return;
	c->orig->tvlv_seen = true;
	c->orig->tvlv_seqno = c->ogm->seqno;
	l2_tvlv_ogm_rx(n, c->orig, c->tvlvs);
}

/* ---- receive: rebroadcast ------------------------------------------------------- */

static void forward_on(struct l2_node *n, const struct ogm_ctx *c, unsigned out_port,
		       uint64_t due_ms)
{
	struct ogm_out o = { .in_port = c->port, .direct = c->single_hop };
	uint8_t tq = tq_for_port(n, c, out_port);

	/* a multi-hop OGM goes on only over what is bidirectional for that port */
	if (!c->single_hop && tq < L2_TQ_TOTAL_BIDRECT_LIMIT)
		return;
	o.ogm = *c->ogm;
	/* the long-aggregate TVLV speaks for the hop that sent it: not ours */
	o.ogm.tvlv_len = (uint16_t)(o.ogm.tvlv_len - c->long_tvlv);
	o.ogm.ttl--;
	memcpy(o.ogm.prev_sender, c->eth->src, 6);
	o.ogm.tq = l2_iv_hop_penalty(tq, n->cfg.hop_penalty);
	if (!c->from_best)
		o.ogm.flags |= L2_OGM_F_NOT_BEST_NEXT_HOP;
	o.tvlv = mc_rd_cur(c->tvlvs) + c->long_tvlv;
	queue_add(n, out_port, &o, due_ms);
}

/*
 * batadv_iv_ogm_forward, for every port at once: a direct neighbour's OGM
 * is always echoed (the neighbour counts our echoes), flagged when it is
 * not from our best next hop; a multi-hop one only from the best next hop.
 */
static void forward(struct l2_node *n, const struct ogm_ctx *c, bool bidirect)
{
	uint64_t due_ms;
	unsigned p;

	if (!c->single_hop && !bidirect) {
		l2_count(n, L2_STAT_DROP_UNIDIRECTIONAL, 1);
		return;
	}
	if (!c->single_hop && c->dup == NEIGH_DUP) {
		l2_count(n, L2_STAT_DROP_DUPLICATE, 1);
		return;
	}
	if (c->ogm->ttl <= 1) {
		l2_count(n, L2_STAT_DROP_TTL, 1);
		return;
	}
	if (!c->from_best && !c->single_hop)
		return;		/* heard, ranked, not ours to repeat */
	/* timed from when it was heard: one the shell read late still leaves
	 * at the slot it would have had; one draw for all ports, whose
	 * aggregates leave together */
	due_ms = n->heard_ms + n->env.rand(n->env.user) % L2_FWD_DELAY_MS;
	for (p = 0; p < n->nports; p++) {
		/* a secondary interface's OGM stays on the link it came from */
		if (!n->ports[p].up || (c->single_hop && c->ogm->ttl <= 2 && p != c->port))
			continue;
		forward_on(n, c, p, due_ms);
	}
}

/* ---- receive: one OGM ------------------------------------------------------------- */

/*
 * The entry of the frame's sender, looked up once per frame: entries only
 * go in purges, never while a frame is being read.
 */
static struct l2_orig *sender_orig(struct l2_node *n, struct l2_orig **cache,
				   const uint8_t *src)
{
	if (!*cache)
		*cache = l2_orig_get(n, src);
	return *cache;
}

/* The loop guard: our router for orig heard it from ... our router. */
static bool loop_prone(struct l2_node *n, const struct ogm_ctx *c)
{
	const struct l2_neigh *router = c->orig->router;
	const struct l2_orig *ro;

	if (!router || !l2_mac_eq(router->addr, c->ogm->prev_sender) ||
	    l2_mac_eq(c->ogm->orig, c->ogm->prev_sender))
		return false;
	ro = l2_neigh_orig(n, router);
	return ro && ro->router && l2_mac_eq(router->addr, ro->router->addr);
}

/* The checks before an OGM may touch the tables; false when dropped. */
static bool ogm_admit(struct l2_node *n, struct ogm_ctx *c)
{
	const struct l2_neigh *router = c->orig->router;
	struct l2_hneigh *hn;

	c->dup = seqnos_update(n, c);
	c->single_hop = l2_mac_eq(c->eth->src, c->ogm->orig);
	if (c->dup == PROTECTED) {
		l2_count(n, L2_STAT_DROP_SEQNO_RESET, 1);
		return false;
	}
	if (!c->ogm->tq) {
		l2_count(n, L2_STAT_DROP_TQ_ZERO, 1);
		return false;
	}
	c->long_tvlv = long_agg_len(mc_rd_cur(c->tvlvs), c->ogm->tvlv_len);
	if (c->single_hop && (hn = l2_hneigh_find(n, c->eth->src, c->port))) {
		hn->last_seen_ms = n->now_ms;
		/* said by the neighbour itself: a kernel node repeats the
		 * TVLV of a softmesh node's OGM as it came */
		l2_hneigh_long_agg(n, hn, c->long_tvlv != 0);
	}
	c->from_best = router && router->tq_avg &&
		       l2_mac_eq(router->addr, c->eth->src);
	if (loop_prone(n, c)) {
		l2_count(n, L2_STAT_DROP_LOOP, 1);
		return false;
	}
	return true;
}

/* batadv_iv_ogm_process_per_outif, for the table and all ports at once */
static void ogm_process(struct l2_node *n, struct ogm_ctx *c)
{
	bool bidirect, sameseq, similar_ttl;

	if (!ogm_admit(n, c))
		return;
	tvlvs_process(n, c);
	c->orig_neigh = c->single_hop ? c->orig : sender_orig(n, c->sender, c->eth->src);
	if (!c->orig_neigh || (!c->single_hop && !c->orig_neigh->router)) {
		l2_count(n, L2_STAT_DROP_NOT_NEIGH, 1);
		return;
	}
	if (link_counts(n, c) < 0) {
		l2_count(n, L2_STAT_DROP_MALFORMED, 1);	/* out of memory */
		return;
	}
	c->tq = l2_iv_tq_calc_win(c->ogm->tq, c->echo, c->recv, c->span, L2_TQ_MAX);
	bidirect = c->tq >= L2_TQ_TOTAL_BIDRECT_LIMIT;
	sameseq = c->orig->last_real_seqno == c->ogm->seqno;
	similar_ttl = (int)c->orig->last_ttl - 3 <= (int)c->ogm->ttl;
	if (bidirect && (c->dup == NO_DUP || (sameseq && similar_ttl))) {
		orig_update(n, c);
		/* softmesh: judged after the update, so the OGM that makes its
		 * sender our router is repeated at once. The kernel judges by
		 * the router from before, which holds every new originator's
		 * OGMs back one interval per hop (doc/l2mesh-routing.md). */
		c->from_best = c->orig->router && c->orig->router->tq_avg &&
			       l2_mac_eq(c->orig->router->addr, c->eth->src);
	}
	forward(n, c, bidirect);
}

/*
 * batadv_iv_ogm_process_reply: a neighbour repeated the OGM we sent on
 * this port back onto it, which is what tq_own counts.
 */
static void echo_record(struct l2_node *n, unsigned port, const struct l2_eth *eth,
			const struct l2_ogm *ogm, struct l2_orig **sender)
{
	struct l2_orig *on;
	struct l2_echo *e;
	uint32_t next;

	if (!(ogm->flags & L2_OGM_F_DIRECTLINK) || !l2_mac_eq(ogm->orig, n->ports[port].mac))
		return;
	on = sender_orig(n, sender, eth->src);
	e = on ? l2_orig_echo(on, port, true) : NULL;
	if (!e)
		return;
	next = l2_mac_eq(n->ports[port].mac, n->cfg.mac) ? n->iv->seqno
							: n->iv->port_seqno[port];
	/* the round after the echoed one is already prepared: hence - 2 */
	l2_iv_window_set(&e->bits, (int32_t)(next - 2 - ogm->seqno));
	e->sum = (uint8_t)__builtin_popcountll(e->bits);
}

/* batadv_iv_ogm_process: the drops that need no table, then the rest. */
static void ogm_rx(struct l2_node *n, unsigned port, const struct l2_eth *eth,
		   const struct l2_ogm *ogm, const struct mc_rd *tvlvs,
		   struct l2_orig **sender)
{
	struct ogm_ctx c = { .port = port, .eth = eth, .ogm = ogm, .tvlvs = tvlvs,
			     .sender = sender };

	if (!ogm->ttl) {	/* nobody sends TTL 0: forwarding stops at 1 */
		l2_count(n, L2_STAT_DROP_TTL, 1);
		return;
	}
	if (l2_node_is_me(n, eth->src)) {
		l2_count(n, L2_STAT_DROP_OWN, 1);
		return;
	}
	if (l2_node_is_me(n, ogm->orig)) {
		echo_record(n, port, eth, ogm, sender);
		l2_count(n, L2_STAT_DROP_OWN, 1);
		return;
	}
	/* a neighbour repeating what it heard from us */
	if (l2_node_is_me(n, ogm->prev_sender)) {
		l2_count(n, L2_STAT_DROP_OWN, 1);
		return;
	}
	/* a copy that another last hop chose not to route by: no news */
	if (ogm->flags & L2_OGM_F_NOT_BEST_NEXT_HOP) {
		l2_count(n, L2_STAT_DROP_NOT_BEST_HOP, 1);
		return;
	}
	c.orig = l2_orig_get(n, ogm->orig);
	if (!c.orig)	/* counted: orig_refused */
		return;
	ogm_process(n, &c);
}

static enum l2_stat ogm_error_stat(int rc)
{
	return rc == -EPROTONOSUPPORT ? L2_STAT_DROP_VERSION : L2_STAT_DROP_MALFORMED;
}

/* batadv_check_management_packet, then every OGM of the aggregate. */
static void iv_rx(struct l2_node *n, unsigned port, const struct l2_eth *eth,
	      struct mc_rd *r)
{
	struct l2_orig *sender = NULL;
	struct {
		struct l2_ogm ogm;
		struct mc_rd tvlvs;
	} b[IV_BATCH];
	const uint8_t *orig[IV_BATCH];
	bool any = false;
	unsigned i, k;
	int rc = 0;

	if (!l2_mac_eq(eth->dst, ETH_BCAST)) {
		l2_count(n, L2_STAT_DROP_NOT_FOR_US, 1);
		return;
	}
	if (l2_mac_is_multicast(eth->src) || l2_mac_is_zero(eth->src)) {
		l2_count(n, L2_STAT_DROP_MALFORMED, 1);
		return;
	}
	l2_count(n, L2_STAT_MGMT_RX, 1);
	l2_count(n, L2_STAT_MGMT_RX_BYTES, r->len);
	do {
		/* a batch parsed, its originators fetched, then processed */
		for (k = 0; k < IV_BATCH && (rc = l2_ogm_next(r, &b[k].ogm, &b[k].tvlvs)) == 1; k++)
			orig[k] = b[k].ogm.orig;
		l2_orig_prefetch(n, orig, k);
		for (i = 0; i < k; i++)
			ogm_rx(n, port, eth, &b[i].ogm, &b[i].tvlvs, &sender);
		any |= k > 0;
	} while (rc == 1);
	if (rc < 0)
		l2_count(n, ogm_error_stat(rc), 1);
	else if (!any)
		l2_count(n, L2_STAT_DROP_SHORT, 1);
}

/* ---- the node.h contract ---------------------------------------------------------- */

int l2_iv_init(struct l2_node *n)
{
	struct l2_iv *iv = calloc(1, sizeof(*iv));
	unsigned p;

	if (!iv)
		return -ENOMEM;
	n->iv = iv;
	if (l2_origs_init(n) < 0) {
		free(iv);
		n->iv = NULL;
		return -ENOMEM;
	}
	/*
	 * Random start seqnos, as the kernel, so a restart looks like one (and
	 * the peers ignore us for their 30 s reset protection) -- unless the
	 * shell kept our last seqno and we carry on from it.
	 */
	iv->seqno = n->cfg.seqno_kept ? n->cfg.seqno_start : n->env.rand(n->env.user);
	/* secondary OGMs count along with the primary, so the one kept
	 * seqno carries them all over a restart */
	for (p = 0; p < L2_PORTS_MAX; p++)
		iv->port_seqno[p] = iv->seqno;
	iv->queue_left = L2_BATMAN_QUEUE_LEN;
	iv->queue_due = UINT64_MAX;
	iv->agg_phase = n->cfg.agg_phase >= 0 ?
			(uint32_t)n->cfg.agg_phase % L2_MAX_AGGREGATION_MS :
			l2_seed(n) % L2_MAX_AGGREGATION_MS;
	iv->next_own_ms = n->now_ms;	/* the first tick prepares round one */
	/* an aggregate may be as long as the port's MTU, jumbo ones too */
	return l2_rx_register(n, L2_PT_IV_OGM, iv_rx, SIZE_MAX);
}

void l2_iv_free(struct l2_node *n)
{
	struct l2_iv *iv = n->iv;
	struct l2_fwd *f;
	unsigned p;

	if (!iv)
		return;
	l2_origs_free(n);
	for (p = 0; p < L2_PORTS_MAX; p++) {
		while ((f = iv->queue[p])) {
			iv->queue[p] = f->next;
			free(f);
		}
	}
	while ((f = iv->spare)) {
		iv->spare = f->next;
		free(f);
	}
	free(iv);
	n->iv = NULL;
}

uint64_t l2_iv_tick(struct l2_node *n, uint64_t now_ms)
{
	uint64_t next = queue_flush(n, now_ms), purge;

	if (now_ms >= n->iv->next_own_ms)
		own_round(n, now_ms);
	if (n->iv->next_own_ms < next)
		next = n->iv->next_own_ms;
	purge = l2_origs_tick(n, now_ms);
	return purge < next ? purge : next;
}

uint64_t l2_slot_next(const struct l2_node *n, uint64_t now_ms)
{
	if (!n->cfg.aggregation)
		return 0;
	return agg_slot(n->iv, now_ms + 1 - L2_MAX_AGGREGATION_MS / 2);
}

void l2_iv_port_changed(struct l2_node *n, unsigned port)
{
	if (port >= n->nports || n->ports[port].up)
		return;	/* an up port joins at the next round */
	queue_purge_port(n, port);
	l2_origs_port_down(n, port);
}

uint32_t l2_ogm_seqno(const struct l2_node *n)
{
	return n->iv->seqno;
}
