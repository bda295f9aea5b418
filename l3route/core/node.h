/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L3_NODE_H
#define L3_NODE_H

/*
 * The engine's private state, shared by its modules (listed below).
 * Nothing here is part of the API.
 */

#include "common/hash.h"
#include "l3route/core/chain.h"
#include "l3route/core/l3.h"

#define L3_IF_MAX 64
#define L3_IHU_EVERY 3			/* an IHU rides on every 3rd hello */
#define L3_WINDOW 16			/* hellos in the reception window */
#define L3_LQ_MIN 26			/* 10 %: below this a link is unusable */
#define L3_FLUSH_DELAY_MS 10		/* aggregation of triggered messages */
#define L3_HYST_PCT 10			/* keep the route unless 10 % better */
#define L3_TRIGGER_PCT 5		/* metric change that is announced at once */
#define L3_DESC_REQ_RETRY_MS 500
#define L3_SEQREQ_RETRY_MS 500
#define L3_SEQREQ_TRIES 3
#define L3_SEQREQ_PAUSE_MS 10000
#define L3_FD_HOLD_MS (3 * 60 * 1000)
#define L3_SEQREQ_HOPS 32
#define L3_SEQBUMP_MIN_MS 100		/* at most one own seqno bump per this */
#define L3_HOUSEKEEP_MS 2000
#define L3_ORIG_GC_MS (10 * 60 * 1000)	/* forget unreachable nodes after this */
#define L3_ORIG_NEW_GC_MS (60 * 1000)	/* and those never reachable after this */
#define L3_COST_SCALE 1000000000ull	/* cost = SCALE / effective kbit/s */
#define L3_DEFAULT_RATE_KBIT 1000000u
#define L3_HOP_COST 16			/* per-hop penalty: 1.6 % of a 1 Gbit/s link */
#define L3_TAB_ORDER 6			/* 64 slots to start with; tables double */

/* (dseq, seqno) as one number: a newer description is always fresher. */
static inline uint64_t l3_seq(uint32_t dseq, uint16_t seqno)
{
	return (uint64_t)dseq << 16 | seqno;
}

struct l3_nbr {
	struct l3_nbr *next;
	unsigned ifidx;
	uint8_t id[L3_ID_LEN];
	struct in6_addr ll;
	uint16_t last_seq;
	uint16_t window;		/* bit 0 = hello last_seq */
	uint8_t span;			/* window bits that count (<= 16) */
	uint64_t last_hello_ms;
	uint32_t interval_ms;		/* announced hello interval */
	uint8_t tq;			/* from its IHU about us */
	uint64_t tq_ms;
	uint32_t ihu_interval_ms;
	uint32_t cost;			/* L3_METRIC_INF: unusable */
	int64_t desc_milli;		/* description bucket, in 1/1000 (< 0: a debt) */
	uint64_t desc_ms;		/* when it was last filled */
};

struct l3_if {
	char name[16];
	uint32_t rate_kbit;
	bool wireless, up;
	struct l3_nbr *nbrs;
	uint16_t hello_seq;
	unsigned hellos;
	bool full;			/* send the whole table at the next flush */
	uint8_t buf[L3_PKT_MAX];
	struct l3_pkt_builder b;
};

/* A description as received, shared by every node of the process (refcounted). */
struct l3_dref {
	struct mc_hnode hn;		/* in the process-wide memo, by d.hash */
	unsigned refs;
	struct l3_desc d;
	size_t len;
	uint8_t blob[];
};

/* X's route as one neighbour advertised it. */
struct l3_rt {
	struct l3_rt *next;
	struct l3_nbr *nbr;
	uint64_t seq;
	uint32_t metric;		/* as advertised (without our link) */
	uint8_t hops;
	bool verified;			/* element checked against the anchor */
	uint8_t elem[L3_ELEM_LEN];
	uint64_t rx_ms;
};

struct l3_orig {
	struct mc_hnode hn;		/* in n->otab, by the id's first 14 bytes */
	uint8_t id[L3_ID_LEN];
	struct l3_dref *d;
	struct l3_chain_ver ver;
	enum l3_trust_state trust;
	struct l3_rt *routes;
	struct l3_rt *sel;
	uint32_t metric;		/* ours via sel, or INF */
	bool fd_valid;
	uint64_t fd_seq;
	uint32_t fd_metric;
	bool advertised;		/* a finite route went out since the last retraction */
	bool pending;
	struct l3_orig *pnext;
	uint64_t desc_rx_ms, desc_req_ms, seqreq_ms, unreach_ms;
	uint64_t adv_seq;		/* what we last announced, for retractions */
	uint32_t adv_metric;		/* the metric we last announced */
	uint8_t adv_elem[L3_ELEM_LEN];
	uint64_t fwd_req_ms;		/* last forwarded seqno request */
	uint16_t fwd_req_seqno;
	uint8_t seqreq_tries;
	bool was_reachable;		/* ever had a route */
	uint64_t serial;		/* order of arrival: newest is highest */
};

struct l3_pfx {
	struct mc_hnode hn;		/* in n->ptab */
	struct l3_pfx *dnext;
	struct mc_ip ip;
	bool anycast, own, installed, dirty;
	struct l3_orig **ann;
	unsigned nann, cap;
	struct l3_kroute kr;
	struct l3_orig *best;
};

struct l3_gwsel {
	bool valid;
	uint8_t id[L3_ID_LEN];
};

struct l3_node {
	struct l3_config cfg;
	struct l3_env env;
	uint8_t id[L3_ID_LEN];
	struct in6_addr addr;
	struct l3_dref *self;		/* own signed description */
	struct l3_chain chain;
	uint16_t seqno;
	uint64_t seqbump_ms;
	struct l3_if ifs[L3_IF_MAX];
	unsigned nifs;
	uint32_t hseed;			/* the tables' hash seed (random) */
	struct mc_hash otab;		/* struct l3_orig by id */
	uint64_t orig_serial;
	struct l3_orig *pending;	/* originators to announce */
	bool self_pending;
	struct mc_hash ptab;		/* struct l3_pfx by prefix */
	unsigned nroutes;
	struct l3_pfx *dirty;
	uint64_t next_hello_ms, next_full_ms, flush_ms, next_house_ms;
	struct l3_gwsel gwsel[2];	/* AF_INET, AF_INET6 */
	bool gw_dirty;
	uint64_t stats[L3_ST_MAX];
};

/*
 * The modules, bottom up; each calls only those listed before it
 * (so the files form no loop: a change event, say, has one place to go):
 *   base   log line, jitter, counter names
 *   otab   originator table, shared descriptions, trust, own description
 *   xmit   per-interface aggregation, updates
 *   gw     gateway choice
 *   pfx    kernel prefixes
 *   route  feasibility, selection, updates, seqno requests
 *   orig   received descriptions, forgetting, originator views
 *   nbr    hellos, IHU, link quality
 *   l3     the node: lifecycle, interfaces, rx dispatch, tick
 */

/* base.c */
void l3_logf(struct l3_node *n, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define l3_dbg(n, ...) l3_logf((n), 7, __VA_ARGS__)
uint32_t l3_jitter(struct l3_node *n, uint32_t ms, unsigned pct);
/* Tells the env a table's row(s) for id (or dst) may have changed. */
static inline void l3_changed(struct l3_node *n, enum l3_change what, const uint8_t *id,
			      const struct mc_ip *dst)
{
	if (n->env.changed)
		n->env.changed(n->env.user, what, id, dst);
}

/* otab.c */
struct l3_orig *l3_orig_find(const struct l3_node *n, const uint8_t id[L3_ID_LEN]);
struct l3_orig *l3_orig_by_addr(const struct l3_node *n, const struct in6_addr *a);
/* The table holds cfg.max_nodes originators. */
bool l3_otab_full(const struct l3_node *n);
/* The one place where an originator is added. NULL: no memory, or the
 * table is full (counted: orig_refused). */
struct l3_orig *l3_orig_get_or_add(struct l3_node *n, const uint8_t id[L3_ID_LEN]);
/* The one place where an originator is removed (and freed). */
void l3_orig_del(struct l3_node *n, struct l3_orig *o);
/* Calls fn on every originator; fn may l3_orig_del() the one it was
 * given, but no other, and may add none. */
typedef void l3_orig_fn(struct l3_node *n, struct l3_orig *o, void *arg, uint64_t now);
void l3_origs_walk(struct l3_node *n, l3_orig_fn *fn, void *arg, uint64_t now);
/* Read-only walk: start with *pos = 0; NULL at the end. */
static inline struct l3_orig *l3_orig_next(const struct l3_node *n, uint32_t *pos)
{
	struct mc_hnode *e = mc_hash_scan(&n->otab, pos);

	return e ? mc_container_of(e, struct l3_orig, hn) : NULL;
}
void l3_orig_free_all(struct l3_node *n);
enum l3_trust_state l3_trust(const struct l3_node *n, const uint8_t id[L3_ID_LEN]);
struct l3_dref *l3_dref_new(const uint8_t *blob, size_t len, const struct l3_desc *d);
void l3_dref_put(struct l3_dref *r);
int l3_self_desc_make(struct l3_node *n, uint32_t dseq, struct l3_dref **old);

/* xmit.c */
void l3_xmit_msg(struct l3_node *n, unsigned ifidx, const struct l3_msg *m, uint64_t now);
void l3_xmit_all(struct l3_node *n, const struct l3_msg *m, uint64_t now);
void l3_xmit_unicast(struct l3_node *n, struct l3_nbr *to, const struct l3_msg *m);
void l3_xmit_updates(struct l3_node *n, uint64_t now);
void l3_xmit_soon(struct l3_node *n, uint64_t now);
void l3_update_self(const struct l3_node *n, struct l3_update *u);
bool l3_update_of(const struct l3_node *n, const struct l3_orig *o, struct l3_update *u);

/* gw.c */
void l3_gw_sync(struct l3_node *n);

/* pfx.c */
void l3_pfx_orig_moved(struct l3_node *n, struct l3_orig *o);
void l3_pfx_desc_changed(struct l3_node *n, struct l3_orig *o, const struct l3_dref *old);
void l3_pfx_own_set(struct l3_node *n, struct l3_dref *old, struct l3_dref *cur);
void l3_pfx_sync(struct l3_node *n);
void l3_pfx_free_all(struct l3_node *n);

/* route.c */
void l3_update_rx(struct l3_node *n, struct l3_nbr *from, const struct l3_update *u,
		  uint64_t now);
void l3_route_select(struct l3_node *n, struct l3_orig *o, uint64_t now);
void l3_route_nbr_gone(struct l3_node *n, struct l3_nbr *nb, uint64_t now);
void l3_route_nbr_changed(struct l3_node *n, struct l3_nbr *nb, uint64_t now);
void l3_route_desc_changed(struct l3_node *n, struct l3_orig *o, struct l3_dref *old,
			   uint64_t now);
void l3_seqreq_rx(struct l3_node *n, struct l3_nbr *from, const struct l3_seqno_req *r,
		  uint64_t now);
void l3_route_house(struct l3_node *n, struct l3_orig *o, uint64_t now);
/* A new own description (dseq): signed, its prefixes ours. 0 or -errno. */
int l3_self_renew(struct l3_node *n, uint32_t dseq);

/* orig.c */
/* from: the sender, when its link is two-way (else NULL: refused unless
 * it is the description we hold). */
void l3_desc_rx(struct l3_node *n, struct l3_nbr *from, const uint8_t *blob, size_t len,
		uint64_t now);
void l3_orig_set_desc(struct l3_node *n, struct l3_orig *o, struct l3_dref *d,
		      uint64_t now);
void l3_orig_house(struct l3_node *n, uint64_t now);

/* nbr.c */
struct l3_nbr *l3_nbr_find(struct l3_node *n, unsigned ifidx, const struct in6_addr *ll);
void l3_nbr_hello(struct l3_node *n, unsigned ifidx, const struct in6_addr *ll,
		  const uint8_t id[L3_ID_LEN], const struct l3_hello *h, uint64_t now);
void l3_nbr_ihu(struct l3_node *n, struct l3_nbr *nb, const struct l3_ihu *ihu, uint64_t now);
uint8_t l3_nbr_rq(const struct l3_nbr *nb, uint64_t now);
/* Recomputes every link's cost; drops dead neighbours. Returns next due time. */
uint64_t l3_nbr_check(struct l3_node *n, uint64_t now);
void l3_nbr_drop_if(struct l3_node *n, unsigned ifidx, uint64_t now);
void l3_nbr_hello_tx(struct l3_node *n, unsigned ifidx, bool ihu, uint64_t now);
void l3_nbr_hellos_tx(struct l3_node *n, uint64_t now);

#endif
