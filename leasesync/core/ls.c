/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The leasesync core: the record store (one record per source and type,
 * with caps), the peers heard, incoming transactions, and the A.L.F.R.E.D.
 * v0 exchange (ls.h, doc/leasesync.md):
 *
 *  - every sync_ms a primary multicasts ANNOUNCE_PRIMARY and pushes its
 *    first-hand records (its own and those sources sent it themselves) to
 *    every primary it knows; a secondary pushes its own to its best primary;
 *  - a push is a transaction: PUSH_DATA packets with one id and seqnos
 *    0..n-1, then STATUS_TXEND carrying n; the receiver applies it only
 *    when all n arrived (a secondary only for a request it made);
 *  - a REQUEST for a type is answered by such a transaction, ending with
 *    a TXEND even when empty;
 *  - records not heard again for data_timeout_ms go, primaries not heard
 *    for server_timeout_ms too, transactions after tx_timeout_ms.
 *
 * Beyond alfred: a record set here (or, on a primary, one a secondary sent
 * first-hand) is pushed at once, at most every push_min_ms, to the same
 * peers the next round would reach; and a primary heard for the first time
 * (a node that started or came back) gets the next round's push at once,
 * and again 1 and 3 s later.
 * To stock alfred each is one more ordinary push.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "leasesync/core/alfred.h"
#include "leasesync/core/ls.h"

struct ls_peer {
	uint8_t ip[16];
	uint8_t mac[6];
	uint64_t last_rx_ms;
	uint64_t announce_ms;	/* 0: never announced itself */
	uint64_t rx_packets, rx_records;
	int64_t tokens;		/* milli-datagrams */
	uint64_t tokens_ms;
	uint64_t welcome_ms;	/* when the next welcome push is due */
	uint8_t welcomes;	/* welcome pushes still to send */
	bool used;
};

struct ls_tx_pkt {
	struct ls_tx_pkt *next;
	uint16_t seqno;
	size_t len;
	uint8_t body[];		/* the data blocks */
};

struct ls_tx {
	struct ls_tx *next;
	uint8_t ip[16];
	uint8_t mac[6];
	uint16_t id;
	uint16_t npkts;
	uint16_t txend;		/* packets the TXEND announced (0: none yet) */
	bool got_txend;
	uint64_t last_rx_ms;
	size_t bytes;
	struct ls_tx_pkt *pkts;
	void *client;		/* our own request's client (NULL: none) */
	bool is_request;
};

struct ls_node {
	struct ls_config cfg;
	struct ls_env env;
	uint64_t now;
	struct mc_hash recs;
	struct ls_rec *head, *tail;
	unsigned nrecs;
	size_t bytes;
	unsigned per_type[256];
	struct ls_peer *peers;
	struct ls_tx *txs;
	unsigned ntx;
	size_t tx_bytes;
	uint32_t seed;
	uint64_t next_sync, next_push, last_push;
	uint64_t next_early;	/* an extra announcement after a start */
	unsigned early;		/* how many are left */
	uint64_t last_poke;	/* when ls_poke last moved the round */
	uint64_t start_ms;
	bool fetched;		/* the start's fetch went out */
	bool dirty;
	bool welcoming;		/* a peer has welcome pushes to come */
	uint8_t *buf;		/* one outgoing datagram */
	struct ls_stats st;
};

static void lg(struct ls_node *n, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void lg(struct ls_node *n, int level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!n->env.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n->env.log(n->env.user, level, msg);
}

void ls_config_defaults(struct ls_config *c, const uint8_t mac[6])
{
	memset(c, 0, sizeof(*c));
	memcpy(c->mac, mac, 6);
	c->primary = true;
	c->sync_ms = 10000;
	c->data_timeout_ms = 600000;
	c->server_timeout_ms = 60000;
	c->tx_timeout_ms = 10000;
	c->push_min_ms = 200;
	c->max_records = 8192;
	c->max_per_type = 2048;
	c->max_per_source = 32;
	c->max_record_len = 16384;
	c->max_peers = 512;
	c->max_tx = 256;
	c->max_tx_bytes = 8u << 20;
	c->peer_burst = 256;
	c->peer_rate = 64;
	for (unsigned t = 66; t <= 68; t++)	/* leases, names, node info */
		c->fetch[t / 8] |= (uint8_t)(1u << (t % 8));
}

/* ------------------------------------------------------------ records */

static uint32_t rec_hash(const struct ls_node *n, const uint8_t source[6], uint8_t type)
{
	return mc_hash_mac_seeded(n->seed, source, type);
}

static struct ls_rec *rec_find(const struct ls_node *n, const uint8_t source[6], uint8_t type)
{
	struct mc_hash_iter it;

	for (struct mc_hnode *e = mc_hash_first(&n->recs, rec_hash(n, source, type), &it); e;
	     e = mc_hash_next(&it)) {
		struct ls_rec *r = mc_container_of(e, struct ls_rec, h);

		if (r->type == type && !memcmp(r->source, source, 6))
			return r;
	}
	return NULL;
}

const struct ls_rec *ls_get(const struct ls_node *n, const uint8_t source[6], uint8_t type)
{
	return rec_find(n, source, type);
}

static unsigned source_count(const struct ls_node *n, const uint8_t source[6])
{
	unsigned c = 0;

	for (unsigned t = 0; t < 256; t++)
		if (n->per_type[t] && rec_find(n, source, (uint8_t)t))
			c++;
	return c;
}

static void link_tail(struct ls_node *n, struct ls_rec *r)
{
	r->next = NULL;
	r->prev = n->tail;
	if (n->tail)
		n->tail->next = r;
	else
		n->head = r;
	n->tail = r;
}

static void unlink_rec(struct ls_node *n, struct ls_rec *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		n->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		n->tail = r->prev;
}

static void rec_del(struct ls_node *n, struct ls_rec *r, bool tell)
{
	uint8_t source[6], type = r->type;

	memcpy(source, r->source, 6);
	mc_hash_del(&n->recs, &r->h);
	unlink_rec(n, r);
	n->nrecs--;
	n->per_type[type]--;
	n->bytes -= r->len;
	free(r);
	if (tell && n->env.changed)
		n->env.changed(n->env.user, type, source, NULL);
}

/* Room for a local record: the oldest record from elsewhere of the same
 * type (the type's cap) or of any (the total) goes. */
static bool make_room(struct ls_node *n, uint8_t type)
{
	bool type_full = n->per_type[type] >= n->cfg.max_per_type;

	for (struct ls_rec *r = n->head; r; r = r->next)
		if (r->origin != LS_LOCAL && (!type_full || r->type == type)) {
			n->st.rec_evicted++;
			rec_del(n, r, true);
			return true;
		}
	return false;
}

static bool full(const struct ls_node *n, uint8_t type)
{
	return n->nrecs >= n->cfg.max_records || n->per_type[type] >= n->cfg.max_per_type;
}

/*
 * Stores data as the record (source, type): a new one within the caps (a
 * local one makes room, others are refused), or the old one updated
 * (reallocated when its size changes). Returns the record, or NULL with
 * *err (-ENOSPC, -ENOMEM). *changed: new, or other data or version.
 */
static struct ls_rec *rec_put(struct ls_node *n, const uint8_t source[6], uint8_t type,
			      uint8_t version, const uint8_t *data, size_t len, bool local,
			      bool *changed, int *err)
{
	struct ls_rec *r = rec_find(n, source, type), *nr;

	*changed = false;
	if (r && r->len == len) {
		if (r->version != version || memcmp(r->data, data, len))
			*changed = true;
	} else {
		if (!r && (source_count(n, source) >= n->cfg.max_per_source ||
			   (full(n, type) && (!local || !make_room(n, type))))) {
			*err = -ENOSPC;
			return NULL;
		}
		nr = malloc(sizeof(*nr) + len);
		if (!nr) {
			*err = -ENOMEM;
			return NULL;
		}
		if (r) {
			*nr = *r;
			mc_hash_del(&n->recs, &r->h);
			unlink_rec(n, r);
			n->bytes -= r->len;
			free(r);
		} else {
			memset(nr, 0, sizeof(*nr));
			memcpy(nr->source, source, 6);
			nr->type = type;
			n->nrecs++;
			n->per_type[type]++;
		}
		r = nr;
		if (mc_hash_add(&n->recs, &r->h, rec_hash(n, source, type)) < 0) {
			n->nrecs--;
			n->per_type[type]--;
			free(r);
			*err = -ENOMEM;
			return NULL;
		}
		link_tail(n, r);
		n->bytes += len;
		r->len = (uint16_t)len;
		*changed = true;
	}
	r->version = version;
	if (*changed) {
		memcpy(r->data, data, len);
		r->changed_ms = n->now;
	}
	r->seen_ms = n->now;
	return r;
}

int ls_set(struct ls_node *n, uint64_t now, const uint8_t *source, uint8_t type,
	   uint8_t version, const uint8_t *data, size_t len)
{
	static const uint8_t zero[6];
	const uint8_t *src = n->cfg.mac;
	struct ls_rec *r;
	bool changed;
	int err = 0;

	n->now = now;
	if (source && memcmp(source, zero, 6)) {
		if (!ls_mac_valid(source))
			return -EINVAL;
		/* alfred: only a primary takes data for another source */
		if (memcmp(source, n->cfg.mac, 6) && !n->cfg.primary)
			return -EINVAL;
		src = source;
	}
	if (len > n->cfg.max_record_len || len > LS_MAX_PAYLOAD - LS_PUSH_HDR - LS_DATA_HDR) {
		n->st.rec_oversize++;
		return -E2BIG;
	}
	if (!(r = rec_put(n, src, type, version, data, len, true, &changed, &err))) {
		n->st.rec_refused++;
		return err;
	}
	r->origin = LS_LOCAL;
	memset(r->from, 0, 16);
	if (changed) {
		r->dirty = true;
		n->dirty = true;
		if (n->env.changed)
			n->env.changed(n->env.user, type, src, r);
	}
	return 0;
}

void ls_foreach(const struct ls_node *n, int type,
		int (*fn)(const struct ls_rec *r, void *user), void *user)
{
	for (const struct ls_rec *r = n->head, *next; r; r = next) {
		next = r->next;
		if ((type < 0 || r->type == type) && fn(r, user))
			return;
	}
}

unsigned ls_count(const struct ls_node *n, int type)
{
	return type < 0 ? n->nrecs : n->per_type[type & 255];
}

size_t ls_bytes(const struct ls_node *n)
{
	return n->bytes;
}

/* ------------------------------------------------------------ peers */

static struct ls_peer *peer_find(struct ls_node *n, const uint8_t ip[16])
{
	for (unsigned i = 0; i < n->cfg.max_peers; i++)
		if (n->peers[i].used && !memcmp(n->peers[i].ip, ip, 16))
			return &n->peers[i];
	return NULL;
}

static bool peer_is_primary(const struct ls_node *n, const struct ls_peer *p)
{
	return p->announce_ms && n->now < p->announce_ms + n->cfg.server_timeout_ms;
}

/* The peer for ip, made if new (in a free slot, else instead of the one
 * heard from longest ago that is no primary). */
static struct ls_peer *peer_get(struct ls_node *n, const uint8_t ip[16], const uint8_t mac[6])
{
	struct ls_peer *p = peer_find(n, ip), *old = NULL;

	if (p)
		return p;
	for (unsigned i = 0; i < n->cfg.max_peers; i++) {
		struct ls_peer *q = &n->peers[i];

		if (!q->used) {
			p = q;
			break;
		}
		if (!peer_is_primary(n, q) && (!old || q->last_rx_ms < old->last_rx_ms))
			old = q;
	}
	if (!p)
		p = old;
	if (!p) {
		n->st.peer_refused++;
		return NULL;
	}
	memset(p, 0, sizeof(*p));
	p->used = true;
	memcpy(p->ip, ip, 16);
	memcpy(p->mac, mac, 6);
	p->tokens = (int64_t)n->cfg.peer_burst * 1000;
	p->tokens_ms = n->now;
	return p;
}

/* One datagram's token from the peer's bucket. */
static bool peer_take(struct ls_node *n, struct ls_peer *p)
{
	int64_t cap = (int64_t)n->cfg.peer_burst * 1000;

	p->tokens += (int64_t)(n->now - p->tokens_ms) * n->cfg.peer_rate;
	p->tokens_ms = n->now;
	if (p->tokens > cap)
		p->tokens = cap;
	if (p->tokens < 1000)
		return false;
	p->tokens -= 1000;
	return true;
}

/* alfred: the primary with the best TQ; without batman-adv's view all
 * have 255, so the first one known. Here: the lowest MAC, which every
 * secondary picks alike. */
static struct ls_peer *best_primary(struct ls_node *n)
{
	struct ls_peer *best = NULL;

	for (unsigned i = 0; i < n->cfg.max_peers; i++) {
		struct ls_peer *p = &n->peers[i];

		if (p->used && peer_is_primary(n, p) &&
		    (!best || memcmp(p->mac, best->mac, 6) < 0))
			best = p;
	}
	return best;
}

void ls_peers_foreach(const struct ls_node *n,
		      void (*fn)(const struct ls_peer_info *p, void *user), void *user)
{
	struct ls_peer *best = best_primary((struct ls_node *)n);

	for (unsigned i = 0; i < n->cfg.max_peers; i++) {
		const struct ls_peer *p = &n->peers[i];
		struct ls_peer_info pi;

		if (!p->used)
			continue;
		memset(&pi, 0, sizeof(pi));
		memcpy(pi.ip, p->ip, 16);
		memcpy(pi.mac, p->mac, 6);
		pi.primary = peer_is_primary(n, p);
		pi.best = !n->cfg.primary && p == best;
		pi.last_rx_ms = p->last_rx_ms;
		pi.last_announce_ms = p->announce_ms;
		pi.rx_packets = p->rx_packets;
		pi.rx_records = p->rx_records;
		fn(&pi, user);
	}
}

/* ------------------------------------------------------------ sending */

static void send_to(struct ls_node *n, const uint8_t *dst, const uint8_t *p, size_t len)
{
	n->st.tx_packets++;
	n->st.tx_bytes += len;
	n->env.send(n->env.user, dst, p, len);
}

static uint16_t new_tx_id(struct ls_node *n)
{
	return (uint16_t)n->env.rand(n->env.user);
}

struct push_sel {
	int max_origin;		/* records of this origin and better */
	int type;		/* < 0: any */
	bool dirty_only;
};

static bool selected(const struct ls_rec *r, const struct push_sel *s)
{
	return r->origin <= s->max_origin && (s->type < 0 || r->type == s->type) &&
	       (!s->dirty_only || r->dirty);
}

/*
 * alfred's push_data: the selected records in PUSH_DATA packets of one
 * transaction, as full as LS_MAX_PAYLOAD allows, then a TXEND with their
 * number when there was any, or when a type was asked for (a request's
 * answer ends even when empty).
 */
static void push(struct ls_node *n, const uint8_t *dst, const struct push_sel *s, uint16_t id)
{
	struct mc_wr w;
	uint16_t seqno = 0;
	bool open = false;
	uint8_t end[8];

	for (const struct ls_rec *r = n->head; r; r = r->next) {
		struct ls_data d;

		if (!selected(r, s))
			continue;
		memcpy(d.source, r->source, 6);
		d.type = r->type;
		d.version = r->version;
		d.len = r->len;
		d.data = r->data;
		if (!open) {
			mc_wr_init(&w, n->buf, LS_MAX_PAYLOAD);
			ls_push_begin(&w, id, seqno);
			open = true;
		}
		if (ls_push_add(&w, &d) < 0) {
			size_t len = ls_push_end(&w);

			if (len > LS_PUSH_HDR) {
				send_to(n, dst, n->buf, len);
				seqno++;
			}
			mc_wr_init(&w, n->buf, LS_MAX_PAYLOAD);
			ls_push_begin(&w, id, seqno);
			if (ls_push_add(&w, &d) < 0)	/* never: records fit one */
				continue;
		}
	}
	if (open) {
		size_t len = ls_push_end(&w);

		if (len > LS_PUSH_HDR) {
			send_to(n, dst, n->buf, len);
			seqno++;
		}
	}
	if (seqno > 0 || s->type >= 0)
		send_to(n, dst, end, ls_enc_txend(end, id, seqno));
}

/* The peers a round reaches: every primary (we are one), or the best. */
static void push_round(struct ls_node *n, const struct push_sel *s)
{
	if (n->cfg.primary) {
		for (unsigned i = 0; i < n->cfg.max_peers; i++)
			if (n->peers[i].used && peer_is_primary(n, &n->peers[i]))
				push(n, n->peers[i].ip, s, new_tx_id(n));
	} else {
		struct ls_peer *b = best_primary(n);

		if (b)
			push(n, b->ip, s, new_tx_id(n));
	}
}

static void sync_round(struct ls_node *n)
{
	struct push_sel s = { .max_origin = n->cfg.primary ? LS_FIRST_HAND : LS_LOCAL,
			      .type = -1 };
	uint8_t ann[4];

	n->st.syncs++;
	if (n->cfg.primary)
		send_to(n, NULL, ann, ls_enc_announce(ann));
	push_round(n, &s);
}

static void clear_dirty(struct ls_node *n)
{
	for (struct ls_rec *r = n->head; r; r = r->next)
		r->dirty = false;
	n->dirty = false;
}

static void push_now(struct ls_node *n)
{
	struct push_sel s = { .max_origin = n->cfg.primary ? LS_FIRST_HAND : LS_LOCAL,
			      .type = -1, .dirty_only = true };

	n->st.pushes_now++;
	push_round(n, &s);
	clear_dirty(n);
	n->last_push = n->now;
}

/* The welcome pushes due (we are a primary; or the peer is our best). */
static void welcome(struct ls_node *n)
{
	n->welcoming = false;
	for (unsigned i = 0; i < n->cfg.max_peers; i++) {
		struct ls_peer *p = &n->peers[i];

		if (!p->used || !p->welcomes)
			continue;
		if (n->now >= p->welcome_ms) {
			p->welcomes--;
			p->welcome_ms = n->now + (p->welcomes == 2 ? 1000 : 2000);
			if (n->cfg.primary || best_primary(n) == p) {
				n->st.pushes_welcome++;
				push(n, p->ip, &(struct push_sel){ .max_origin = n->cfg.primary ?
								   LS_FIRST_HAND : LS_LOCAL,
								   .type = -1 }, new_tx_id(n));
			}
		}
		if (p->welcomes)
			n->welcoming = true;
	}
}

/* ------------------------------------------------------------ transactions */

static struct ls_tx *tx_find(struct ls_node *n, const uint8_t ip[16], uint16_t id)
{
	for (struct ls_tx *t = n->txs; t; t = t->next)
		if (t->id == id && !memcmp(t->ip, ip, 16))
			return t;
	return NULL;
}

static struct ls_tx *tx_new(struct ls_node *n, const uint8_t ip[16], const uint8_t mac[6],
			    uint16_t id)
{
	struct ls_tx *t;

	if (n->ntx >= n->cfg.max_tx || !(t = calloc(1, sizeof(*t)))) {
		n->st.tx_open_refused++;
		return NULL;
	}
	memcpy(t->ip, ip, 16);
	memcpy(t->mac, mac, 6);
	t->id = id;
	t->last_rx_ms = n->now;
	t->next = n->txs;
	n->txs = t;
	n->ntx++;
	return t;
}

static void tx_free(struct ls_node *n, struct ls_tx *t)
{
	struct ls_tx **pp;

	for (pp = &n->txs; *pp && *pp != t; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = t->next;
	while (t->pkts) {
		struct ls_tx_pkt *k = t->pkts;

		t->pkts = k->next;
		free(k);
	}
	n->tx_bytes -= t->bytes;
	n->ntx--;
	free(t);
}

/* alfred's finish_alfred_push_data for one packet's blocks. */
static void apply_blocks(struct ls_node *n, const struct ls_tx *t, struct ls_peer *p,
			 bool from_primary, const uint8_t *body, size_t len)
{
	struct mc_rd rd;
	struct ls_data d;
	bool trunc = false;

	mc_rd_init(&rd, body, len);
	while (ls_data_next(&rd, &d, &trunc)) {
		struct ls_rec *r = rec_find(n, d.source, d.type);
		bool changed;
		int err;

		n->st.rec_received++;
		if (p)
			p->rx_records++;
		if (r && r->origin == LS_LOCAL) {	/* ours stays ours */
			n->st.rec_local_kept++;
			continue;
		}
		if (d.len > n->cfg.max_record_len) {
			n->st.rec_oversize++;
			continue;
		}
		if (!(r = rec_put(n, d.source, d.type, d.version, d.data, d.len, false, &changed,
				  &err))) {
			n->st.rec_refused++;
			continue;
		}
		/* first hand: from its source itself; a sender whose MAC we do
		 * not know is its source unless it is a primary (a secondary
		 * pushes nothing but its own records) */
		if (ls_mac_valid(t->mac))
			r->origin = memcmp(t->mac, d.source, 6) ? LS_SYNCED : LS_FIRST_HAND;
		else
			r->origin = from_primary ? LS_SYNCED : LS_FIRST_HAND;
		memcpy(r->from, t->ip, 16);
		if (!changed)
			continue;
		n->st.rec_changed++;
		/* a secondary's own record: on to the other primaries at once */
		if (n->cfg.primary && !from_primary && r->origin == LS_FIRST_HAND) {
			r->dirty = true;
			n->dirty = true;
		}
		if (n->env.changed)
			n->env.changed(n->env.user, d.type, d.source, r);
	}
	if (trunc)
		n->st.rec_truncated++;
}

/* All packets there: apply them, and end a request waiting on it. */
static void tx_maybe_finish(struct ls_node *n, struct ls_tx *t)
{
	struct ls_peer *p;
	void *client;

	if (!t->got_txend || t->txend != t->npkts)
		return;
	p = peer_find(n, t->ip);
	for (uint16_t s = 0; s < t->npkts; s++)	/* in seqno order */
		for (struct ls_tx_pkt *k = t->pkts; k; k = k->next)
			if (k->seqno == s)
				apply_blocks(n, t, p, p && peer_is_primary(n, p), k->body, k->len);
	n->st.tx_done++;
	client = t->is_request ? t->client : NULL;
	tx_free(n, t);
	if (client && n->env.request_done)
		n->env.request_done(n->env.user, client, true);
}

static int rx_push(struct ls_node *n, const uint8_t ip[16], const uint8_t mac[6],
		   const struct ls_msg *m)
{
	struct ls_tx *t = tx_find(n, ip, m->tx_id);
	struct ls_tx_pkt *k;

	n->st.rx_push++;
	if (!t) {
		/* only a primary takes pushes it did not ask for */
		if (!n->cfg.primary)
			return -EPERM;
		if (!(t = tx_new(n, ip, mac, m->tx_id)))
			return -ENOSPC;
	}
	t->last_rx_ms = n->now;
	for (k = t->pkts; k; k = k->next)
		if (k->seqno == m->tx_seqno) {
			n->st.rx_duplicate++;
			return 0;
		}
	if (n->tx_bytes + m->body_len > n->cfg.max_tx_bytes ||
	    !(k = malloc(sizeof(*k) + m->body_len))) {
		n->st.tx_open_refused++;
		tx_free(n, t);
		return -ENOSPC;
	}
	k->seqno = m->tx_seqno;
	k->len = m->body_len;
	memcpy(k->body, m->body, m->body_len);
	k->next = t->pkts;
	t->pkts = k;
	t->npkts++;
	t->bytes += sizeof(*k) + m->body_len;
	n->tx_bytes += sizeof(*k) + m->body_len;
	tx_maybe_finish(n, t);
	return 0;
}

static int rx_txend(struct ls_node *n, const uint8_t ip[16], const uint8_t mac[6],
		    const struct ls_msg *m)
{
	struct ls_tx *t = tx_find(n, ip, m->tx_id);

	n->st.rx_txend++;
	if (!t) {
		if (!n->cfg.primary || m->tx_seqno == 0)
			return -EPERM;
		if (!(t = tx_new(n, ip, mac, m->tx_id)))
			return -ENOSPC;
	}
	t->last_rx_ms = n->now;
	t->got_txend = true;
	t->txend = m->tx_seqno;
	tx_maybe_finish(n, t);
	return 0;
}

int ls_request(struct ls_node *n, uint64_t now, uint8_t type, uint16_t tx_id, void *client)
{
	struct ls_peer *b;
	struct ls_tx *t;
	uint8_t req[8];

	n->now = now;
	if (n->cfg.primary || !(b = best_primary(n)))
		return 1;	/* what we have now */
	if (tx_find(n, b->ip, tx_id))
		tx_id = new_tx_id(n);
	if (!(t = tx_new(n, b->ip, b->mac, tx_id)))
		return -ENOSPC;
	t->is_request = true;
	t->client = client;
	n->st.requests_sent++;
	send_to(n, b->ip, req, ls_enc_request(req, type, tx_id));
	return 0;
}

void ls_client_gone(struct ls_node *n, void *client)
{
	for (struct ls_tx *t = n->txs; t; t = t->next)
		if (t->client == client)
			t->client = NULL;
}

/*
 * A node that just started (a restart, a kill -9) has only its own
 * records, and the others' first-hand ones reach it at their rounds, up to
 * sync_ms later. So the first primary heard in the first round is asked
 * at once for the types in cfg.fetch (a REQUEST each, as alfred -r sends
 * it; the answers are ordinary transactions).
 */
static void fetch_to(struct ls_node *n, const uint8_t ip[16], const uint8_t mac[6])
{
	uint8_t req[8];

	for (unsigned t = 0; t < 256; t++) {
		struct ls_tx *tx;
		uint16_t id;

		if (!(n->cfg.fetch[t / 8] & (1u << (t % 8))))
			continue;
		id = new_tx_id(n);
		if (tx_find(n, ip, id) || !(tx = tx_new(n, ip, mac, id)))
			continue;
		tx->is_request = true;		/* no client: the store takes it */
		n->st.fetches++;
		send_to(n, ip, req, ls_enc_request(req, (uint8_t)t, id));
	}
}

static void fetch(struct ls_node *n, struct ls_peer *p)
{
	if (n->fetched || n->now > n->start_ms + n->cfg.sync_ms)
		return;
	n->fetched = true;
	fetch_to(n, p->ip, p->mac);
}

int ls_fetch_from(struct ls_node *n, uint64_t now, const uint8_t mac[6])
{
	uint8_t ip[16];

	n->now = now;
	if (n->fetched || now > n->start_ms + n->cfg.sync_ms || !ls_mac_valid(mac) ||
	    !memcmp(mac, n->cfg.mac, 6))
		return -EALREADY;
	ls_mac_to_ipv6(mac, ip);
	fetch_to(n, ip, mac);
	return 0;
}

/* ------------------------------------------------------------ receiving */

int ls_rx(struct ls_node *n, uint64_t now, const uint8_t src[16], const uint8_t *p,
	  size_t len)
{
	uint8_t mac[6], own[16];
	struct ls_peer *peer;
	struct ls_msg m;
	int rc;

	n->now = now;
	n->st.rx_packets++;
	/* alfred reads the sender's MAC from its EUI-64 link-local address
	 * and drops others; we take them too, with no MAC (doc/leasesync.md
	 * "Who sent it") */
	if (!ls_ipv6_to_mac(src, mac)) {
		memset(mac, 0, 6);
		n->st.rx_not_eui64++;
	}
	ls_mac_to_ipv6(n->cfg.mac, own);
	if (!memcmp(src, own, 16)) {
		n->st.rx_own++;
		return -ELOOP;
	}
	if ((rc = ls_msg_decode(p, len, &m)) < 0) {
		if (rc == -EPROTO)
			n->st.rx_bad_version++;
		else if (rc == -ENOTSUP)
			n->st.rx_unknown_type++;
		else
			n->st.rx_malformed++;
		return rc;
	}
	switch (m.type) {	/* the network carries these four only */
	case LS_PUSH_DATA:
	case LS_ANNOUNCE_PRIMARY:
	case LS_REQUEST:
	case LS_STATUS_TXEND:
		break;
	default:
		n->st.rx_unknown_type++;
		return -ENOTSUP;
	}
	if (!(peer = peer_get(n, src, mac)))
		return -ENOSPC;
	if (!peer_take(n, peer)) {
		n->st.rx_rate_limited++;
		return -EBUSY;
	}
	peer->last_rx_ms = now;
	peer->rx_packets++;
	switch (m.type) {
	case LS_PUSH_DATA:
		return rx_push(n, src, mac, &m);
	case LS_ANNOUNCE_PRIMARY: {
		/* silent for two rounds: a partition that healed, or a restart */
		bool was = peer_is_primary(n, peer) && now - peer->announce_ms <= 2 * n->cfg.sync_ms;

		n->st.rx_announce++;
		peer->announce_ms = now;
		/* a primary new to us (or back) gets what the next round would
		 * bring at once, and again 1 and 3 s later: a mesh that just came
		 * up carries broadcasts before it has a route for unicasts */
		if (!was)
			fetch(n, peer);
		if (!was) {
			peer->welcomes = 3;
			peer->welcome_ms = now;
			n->welcoming = true;
			welcome(n);
		}
		return 0;
	}
	case LS_REQUEST:
		n->st.rx_request++;
		n->st.requests_answered++;
		push(n, src, &(struct push_sel){ .max_origin = LS_SYNCED, .type = m.req_type },
		     m.tx_id);
		return 0;
	default:
		return rx_txend(n, src, mac, &m);
	}
}

/* ------------------------------------------------------------ time */

static void purge(struct ls_node *n)
{
	for (struct ls_rec *r = n->head, *next; r; r = next) {
		next = r->next;
		if (n->now >= r->seen_ms + n->cfg.data_timeout_ms) {
			n->st.rec_expired++;
			rec_del(n, r, true);
		}
	}
	for (unsigned i = 0; i < n->cfg.max_peers; i++) {
		struct ls_peer *p = &n->peers[i];

		if (p->used && n->now >= p->last_rx_ms + n->cfg.data_timeout_ms)
			p->used = false;	/* silent for as long as data lives */
	}
}

/* Transactions silent for tx_timeout_ms end; a request waiting on one
 * fails. */
static void expire_tx(struct ls_node *n)
{
	for (struct ls_tx *t = n->txs, *next; t; t = next) {
		next = t->next;
		if (n->now >= t->last_rx_ms + n->cfg.tx_timeout_ms) {
			void *client = t->is_request ? t->client : NULL;

			n->st.tx_timeout++;
			tx_free(n, t);
			if (client && n->env.request_done)
				n->env.request_done(n->env.user, client, false);
		}
	}
}

uint64_t ls_tick(struct ls_node *n, uint64_t now)
{
	uint64_t next;

	n->now = now;
	expire_tx(n);
	/* A primary that starts is announced again 1, 2 and 4 s later: its
	 * first announcement often goes before the mesh can carry it (and
	 * peers learn about it a round later, 10 s) */
	if (n->early && now >= n->next_early) {
		uint8_t ann[4];

		if (n->cfg.primary)
			send_to(n, NULL, ann, ls_enc_announce(ann));
		n->early--;
		n->next_early = now + (1000u << (3 - n->early));
	}
	if (n->welcoming)
		welcome(n);
	if (now >= n->next_sync) {
		sync_round(n);
		purge(n);
		clear_dirty(n);	/* the round carried them */
		n->next_sync = now + n->cfg.sync_ms;
	}
	if (n->dirty) {
		uint64_t due = n->last_push + n->cfg.push_min_ms;

		if (now >= due)
			push_now(n);
		else
			return due < n->next_sync ? due : n->next_sync;
	}
	next = n->next_sync;
	if (n->early && n->next_early < next)
		next = n->next_early;
	for (unsigned i = 0; n->welcoming && i < n->cfg.max_peers; i++)
		if (n->peers[i].used && n->peers[i].welcomes && n->peers[i].welcome_ms < next)
			next = n->peers[i].welcome_ms;
	for (const struct ls_tx *t = n->txs; t; t = t->next)
		if (t->last_rx_ms + n->cfg.tx_timeout_ms < next)
			next = t->last_rx_ms + n->cfg.tx_timeout_ms;
	return next;
}

void ls_set_primary(struct ls_node *n, uint64_t now, bool primary)
{
	n->now = now;
	if (n->cfg.primary == primary)
		return;
	n->cfg.primary = primary;
	lg(n, 5, "now %s", primary ? "primary" : "secondary");
	n->next_sync = now;	/* announce (or find a primary) at once */
	n->early = 3;
	n->next_early = now + 1000;
}

void ls_poke(struct ls_node *n, uint64_t now)
{
	uint64_t due = now + LS_POKE_DELAY_MS;

	n->now = now;
	if (n->last_poke && due < n->last_poke + LS_POKE_MIN_MS)
		due = n->last_poke + LS_POKE_MIN_MS;
	if (due < n->next_sync) {
		n->st.pokes++;
		n->next_sync = due;
		n->last_poke = due;
	}
}

bool ls_is_primary(const struct ls_node *n)
{
	return n->cfg.primary;
}

const struct ls_stats *ls_stats(const struct ls_node *n)
{
	return &n->st;
}

const struct ls_config *ls_config(const struct ls_node *n)
{
	return &n->cfg;
}

/* ------------------------------------------------------------ life */

int ls_new(struct ls_node **out, const struct ls_config *cfg, const struct ls_env *env,
	   uint64_t now)
{
	struct ls_node *n = calloc(1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	n->cfg = *cfg;
	n->env = *env;
	n->now = now;
	if (!n->cfg.max_peers)
		n->cfg.max_peers = 1;
	n->peers = calloc(n->cfg.max_peers, sizeof(*n->peers));
	n->buf = malloc(LS_MAX_PAYLOAD);
	if (!n->peers || !n->buf || mc_hash_init(&n->recs, 6) < 0) {
		free(n->peers);
		free(n->buf);
		free(n);
		return -ENOMEM;
	}
	n->seed = env->rand(env->user);
	n->start_ms = now;
	/* the first round after a short wait: a restart is heard at once,
	 * and those around answer before the first full period */
	n->next_sync = now + (env->rand(env->user) % 1000);
	n->early = 3;
	n->next_early = n->next_sync + 1000;
	*out = n;
	return 0;
}

void ls_free(struct ls_node *n)
{
	if (!n)
		return;
	while (n->txs)
		tx_free(n, n->txs);
	while (n->head)
		rec_del(n, n->head, false);
	mc_hash_free(&n->recs);
	free(n->peers);
	free(n->buf);
	free(n);
}
