/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2_ORIGINATOR_H
#define L2_ORIGINATOR_H

/*
 * The routing plane's tables (batman-adv's originator.c and the IV parts
 * of types.h): originators, the last-hop neighbours through which each was
 * heard, the one-hop neighbours per port (batctl n), and the purges.
 *
 * The first half is shared by the routing plane (bat_iv.c, originator.c,
 * gw.c) and the TVLV handlers that get an originator entry. The second
 * half, from "Query API", is what the shell reads for meshctl's tables.
 *
 * l2mesh keeps one routing table, batman-adv's BATADV_IF_DEFAULT one; it
 * has no per-outgoing-interface tables (see doc/l2mesh-routing.md).
 */

#include "common/hash.h"
#include "l2mesh/core/node.h"

#define L2_TQ_LOCAL_WINDOW 64		/* OGMs per echo/receive window */
#define L2_TQ_GLOBAL_WINDOW 5		/* TQ values averaged per last hop */
#define L2_PURGE_TIMEOUT_MS 200000	/* a silent last hop goes */
#define L2_ORIG_TIMEOUT_MS 400000	/* a silent originator goes (2x) */
#define L2_ORIG_WORK_PERIOD_MS 1000	/* purge cadence */
#define L2_RESET_PROTECTION_MS 30000	/* seqno jumps ignored this long */
#define L2_EXPECTED_SEQNO_RANGE 65536	/* a jump this far is a restart */
#define L2_PORT_NONE 0xff		/* in_port of our own primary OGM */
#define L2_ORIG_NEIGHS_INLINE 4		/* last hops kept inside the entry */
#define L2_ORIG_PREFETCH_MAX 64		/* originators l2_orig_prefetch takes at once */
/*
 * Caps, which batman-adv does not have: forged OGMs from new addresses
 * must not grow the tables without bound. Beyond them a new originator or
 * one-hop neighbour is refused (counted orig_refused, neigh_refused) until
 * purges make room; the entries already known keep working. A cloud has
 * hundreds of nodes; 4096 leave room for ten times that.
 */
#define L2_ORIGS_MAX 4096
#define L2_PORT_NEIGHS_MAX 256		/* one-hop neighbours on one port */

/* A one-hop neighbour on a port (batadv_hardif_neigh_node). */
struct l2_hneigh {
	struct mc_hnode hnode;		/* key: addr, port */
	uint8_t addr[6];
	uint8_t port;
	uint32_t refs;			/* l2_neigh entries naming it */
	uint64_t last_seen_ms;		/* its own OGM last heard */
	struct l2_orig *orig;		/* its originator entry, a cache */
	bool long_agg;			/* its own OGMs say it reads long aggregates */
};

/*
 * A last hop towards one originator (batadv_neigh_node + its ifinfo).
 * They sit in an array per originator, walked for every OGM, so a pointer
 * to one holds only until the next l2_orig_neigh_get() or purge on it.
 */
struct l2_neigh {
	struct l2_hneigh *hn;
	uint8_t addr[6];
	uint8_t port;
	uint8_t tq_recv[L2_TQ_GLOBAL_WINDOW];	/* ring of path TQs */
	uint8_t tq_index;
	uint8_t tq_avg;			/* mean of the non-zero tq_recv */
	uint8_t real_count;		/* bits set in real_bits */
	uint8_t last_ttl;
	uint64_t real_bits;		/* seqnos heard via it; bit 0 = last_real_seqno */
	uint64_t last_seen_ms;
};

/* Our own OGMs this originator echoed back on one port (bcast_own). */
struct l2_echo {
	uint64_t bits;			/* bit 0 = the OGM we sent last */
	uint8_t sum;
};

struct l2_orig {
	struct mc_hnode hnode;		/* key: addr */
	uint8_t addr[6];
	uint8_t last_ttl;
	uint32_t last_real_seqno;
	uint32_t tvlv_seqno;		/* OGM whose TVLVs were read last */
	bool tvlv_seen;			/* tvlv_seqno is valid */
	uint32_t gw_down;		/* GW TVLV (gw.c), 100 kbit/s units; 0: none */
	uint32_t gw_up;
	uint64_t last_seen_ms;
	uint64_t seqno_reset_ms;	/* last accepted seqno jump */
	struct l2_neigh *neighs;	/* [nneighs] */
	uint16_t nneighs;
	uint16_t capneighs;
	struct l2_neigh *router;	/* best last hop (in neighs), or NULL */
	struct l2_echo *echo;		/* [L2_PORTS_MAX], on the first echo */
	/* the first last hops live here, next to the entry, as every OGM
	 * walks them; more go to a heap array */
	struct l2_neigh inline_neighs[L2_ORIG_NEIGHS_INLINE];
};

struct l2_origs {
	struct mc_hash origs;
	struct mc_hash hneighs;
	unsigned port_neighs[L2_PORTS_MAX];	/* l2_hneigh per port */
	unsigned port_long[L2_PORTS_MAX];	/* of them, with long_agg */
	size_t nneighs;				/* l2_neigh entries */
	uint64_t next_purge_ms;
	l2_orig_gone_fn gone[L2_ORIG_GONE_MAX];	/* purge hooks */
	unsigned ngone;
};

int l2_origs_init(struct l2_node *n);
void l2_origs_free(struct l2_node *n);
/* Purges what timed out; returns when it wants to run next. */
uint64_t l2_origs_tick(struct l2_node *n, uint64_t now_ms);
/* A port went down: its last hops, neighbours and echo windows go now. */
void l2_origs_port_down(struct l2_node *n, unsigned port);

struct l2_orig *l2_orig_find(struct l2_node *n, const uint8_t addr[6]);
/*
 * Fetches the entries of k originators ahead of their lookups, into the
 * cache (mc_hash_prefetch_*): the OGMs of one aggregate. Changes nothing.
 */
void l2_orig_prefetch(struct l2_node *n, const uint8_t *const addrs[], unsigned k);
/* Finds or creates (NULL only when out of memory). */
struct l2_orig *l2_orig_get(struct l2_node *n, const uint8_t addr[6]);
/* Calls fn on every originator; fn must not create or delete any. */
void l2_orig_walk(struct l2_node *n, void (*fn)(struct l2_orig *o, void *arg),
		  void *arg);

struct l2_neigh *l2_orig_neigh_find(const struct l2_orig *o, const uint8_t addr[6],
				    unsigned port);
/* Finds or creates the last hop (addr, port) of o. */
struct l2_neigh *l2_orig_neigh_get(struct l2_node *n, struct l2_orig *o,
				   const uint8_t addr[6], unsigned port);
struct l2_hneigh *l2_hneigh_find(struct l2_node *n, const uint8_t addr[6],
				 unsigned port);
/* What the neighbour's last own OGM said about long aggregates. */
void l2_hneigh_long_agg(struct l2_node *n, struct l2_hneigh *hn, bool on);
/* Every neighbour known on port reads long aggregates (and there is one). */
bool l2_port_long_agg(const struct l2_node *n, unsigned port);

/* The echo window of o on port; created when create is set (else NULL). */
struct l2_echo *l2_orig_echo(struct l2_orig *o, unsigned port, bool create);
/* The originator entry of a last hop's own address (NULL if none). */
struct l2_orig *l2_neigh_orig(struct l2_node *n, const struct l2_neigh *nb);
/* How many of our last 64 OGMs this last hop echoed on its port. */
uint8_t l2_neigh_echo_sum(struct l2_node *n, const struct l2_neigh *nb);

/* Makes router (or NULL) the best last hop of o, logging the change. */
void l2_orig_route_set(struct l2_node *n, struct l2_orig *o, struct l2_neigh *router);
/* The last hop with the highest TQ average (the first of equals), or NULL. */
struct l2_neigh *l2_orig_best_neigh(const struct l2_orig *o);

/* A reachable originator announcing a gateway. */
static inline bool l2_orig_is_gw(const struct l2_orig *o)
{
	return o->gw_down && o->gw_up && o->router;
}

/* ---- Query API, for the shell's tables ----------------------------------- */

/* One row of batctl o: an originator and one candidate next hop. */
struct l2_orig_entry {
	uint8_t orig[6];
	uint64_t last_seen_ms;		/* ago */
	uint8_t neigh[6];		/* the candidate next hop */
	uint8_t tq;			/* its TQ average */
	bool best;			/* the current next hop (batctl's '*') */
	unsigned port;
	const char *port_name;
};

/* One row of batctl n. */
struct l2_neigh_entry {
	unsigned port;
	const char *port_name;
	uint8_t addr[6];
	uint64_t last_seen_ms;		/* ago */
};

/* One row of batctl gwl: an originator announcing a GW TVLV. */
struct l2_gw_entry {
	uint8_t orig[6];
	uint8_t tq;			/* TQ average of the next hop */
	uint8_t nexthop[6];
	unsigned port;
	const char *port_name;
	uint32_t down_kbit;
	uint32_t up_kbit;
};

struct l2_orig_stats {
	size_t originators;		/* reachable: best next hop with TQ > 0 */
	size_t known;			/* all entries, reachable or not */
	size_t neighbours;		/* one-hop neighbours over all ports */
	size_t gateways;		/* reachable originators with a GW TVLV */
};

/*
 * Like batctl: originators with no next hop or a zero TQ are left out, and
 * each shown originator gives one row per candidate next hop. The entry is
 * valid during the call only.
 */
void l2_orig_foreach(struct l2_node *n, uint64_t now_ms,
		     void (*fn)(void *user, const struct l2_orig_entry *e), void *user);
/* The rows of originator orig only (none when unknown or not shown). */
void l2_orig_foreach_of(struct l2_node *n, const uint8_t orig[6], uint64_t now_ms,
			void (*fn)(void *user, const struct l2_orig_entry *e), void *user);
/* The neighbour mac on port: 0, or -ENOENT. */
int l2_neigh_get(struct l2_node *n, unsigned port, const uint8_t mac[6], uint64_t now_ms,
		 struct l2_neigh_entry *e);
/* Originator orig's gateway offer: 0, or -ENOENT when it offers none. */
int l2_gw_get(struct l2_node *n, const uint8_t orig[6], struct l2_gw_entry *e);
void l2_neigh_foreach(struct l2_node *n, uint64_t now_ms,
		      void (*fn)(void *user, const struct l2_neigh_entry *e), void *user);
void l2_gw_foreach(struct l2_node *n,
		   void (*fn)(void *user, const struct l2_gw_entry *e), void *user);
void l2_orig_stats(struct l2_node *n, struct l2_orig_stats *st);

#endif
