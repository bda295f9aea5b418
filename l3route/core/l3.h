/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L3_L3_H
#define L3_L3_H

/*
 * l3route's core: a signed distance-vector router (doc/l3route-routing.md).
 * No I/O: packets, kernel routes, randomness and logs go through struct
 * l3_env; time is an argument. The daemon (l3route/shell), the simulator
 * and the tests drive it the same way:
 *
 *   n = l3_node_new(&cfg, &env, now);
 *   i = l3_if_add(n, "m-b", rate_kbit, wireless); l3_if_set_up(n, i, true, now);
 *   on a datagram:   l3_rx(n, i, &src_linklocal, pkt, len, now);
 *   when due:        next = l3_tick(n, now);
 *
 * Interfaces are numbered by the core from 0 in order of l3_if_add().
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "l3route/core/desc.h"
#include "l3route/core/packet.h"

struct l3_node;

/* One Internet offer as this node sees it (gw.c, doc/l3route-gateways.md). */
struct l3_gw_info {
	uint8_t id[L3_ID_LEN];
	const char *hostname;
	struct in6_addr addr;		/* the gateway's node address: tunnel endpoint */
	int family;			/* AF_INET (0.0.0.0/0 offer) or AF_INET6 (::/0) */
	uint32_t down_kbit, up_kbit;	/* advertised */
	uint32_t path_metric;		/* L3_METRIC_INF: unreachable; 0: this node */
	uint64_t path_kbit;		/* 10^9 / path_metric */
	uint64_t score;			/* min(down, path) kbit/s; 0: not eligible */
	unsigned rank;			/* 1 = best score; 0 = not eligible */
	bool selected, self;
	const char *why;		/* why it is (not) selected */
};

/* A route for the kernel: dst via the neighbour's link-local on interface ifidx. */
struct l3_kroute {
	struct mc_ip dst;
	unsigned ifidx;
	struct in6_addr via;
	uint32_t metric;	/* path cost, informational */
};

/* A table whose row(s) may have changed (the shell's table events). */
enum l3_change {
	L3_CHANGE_LINK,		/* the links to node id */
	L3_CHANGE_ORIG,		/* originator id */
	L3_CHANGE_DESC,		/* the description of node id (this node's too) */
	L3_CHANGE_ROUTE,	/* the route to dst */
};

struct l3_env {
	void *user;
	/* One packet on interface ifidx; dst NULL = link-local multicast (ff02::2). */
	void (*send)(void *user, unsigned ifidx, const struct in6_addr *dst,
		     const uint8_t *pkt, size_t len);
	/* Add or replace (add) or delete (!add) the route for r->dst. */
	void (*route)(void *user, bool add, const struct l3_kroute *r);
	void (*random)(void *user, void *buf, size_t len);
	/* Optional: one formatted line, MC_LOG_* level and MC_DBG_* category. */
	void (*log)(void *user, int level, uint32_t cat, const char *msg);
	/* Optional: the chosen gateway for family AF_INET or AF_INET6 changed
	 * (sel NULL: none left). The shell points its tunnel at sel->addr. */
	void (*gateway)(void *user, int family, const struct l3_gw_info *sel);
	/*
	 * Optional: what a table shows of one key may have changed (it may
	 * also be the same): id for links, originators and descriptions, dst
	 * for routes. Called after the change, from inside the core: it may
	 * read the tables (the query API) but change nothing.
	 */
	void (*changed)(void *user, enum l3_change what, const uint8_t *id,
			const struct mc_ip *dst);
};

#define L3_TRUST_MAX 64

struct l3_trusted {
	uint8_t id[L3_ID_LEN];
	uint8_t len;		/* bytes of id that must match: 4..16 */
};

/* Defaults of struct l3_config, and so of l3routed's options of the same
 * meaning (l3route/l3conf.c): plain decimal literals, which the config
 * schema takes as text. */
#define L3_HELLO_INTERVAL_MS 1000
#define L3_LINK_TIMEOUT_MS 2500
#define L3_UPDATE_INTERVAL_MS 60000
#define L3_GW_HYST_PCT 20
#define L3_MAX_NODES 1024
/* Descriptions a neighbour may hand us that we do not hold yet: a burst,
 * then so many a second; one that fails its signature check costs
 * L3_DESC_FAIL_COST (doc/l3route-routing.md, "Limits"). */
#define L3_DESC_BURST 256
#define L3_DESC_RATE 64
#define L3_DESC_FAIL_COST 16

struct l3_config {
	uint8_t sk[L3_SK_LEN];		/* ed25519 secret key (libsodium layout) */
	char hostname[L3_HOSTNAME_MAX + 1];
	/* Announced besides the node address (always announced). */
	unsigned nprefix;
	struct l3_prefix prefix[L3_DESC_PREFIX_MAX - 1];
	unsigned ngw;
	struct l3_gw_offer gw[L3_DESC_GW_MAX];
	uint32_t hello_interval_ms;	/* L3_HELLO_INTERVAL_MS */
	/* L3_LINK_TIMEOUT_MS: no hello for this long = link lost */
	uint32_t link_timeout_ms;
	uint32_t update_interval_ms;	/* L3_UPDATE_INTERVAL_MS: full table refresh */
	uint16_t chain_len;		/* 4096 seqnos per description */
	uint32_t dseq_start;		/* first description seqno (kept by the shell) */
	/* Gateway choice: user preference (hostname or hex id prefix, "" = auto),
	 * offers below gw_min_kbit ignored, the chosen one kept unless another
	 * scores gw_hyst_pct % more (bmx7's tunOut hysteresis). */
	char gw_prefer[L3_HOSTNAME_MAX + 2];
	uint32_t gw_min_kbit;		/* 0 */
	uint32_t gw_hyst_pct;		/* L3_GW_HYST_PCT */
	/* Empty: every node is trusted. Otherwise only these (id prefixes). */
	unsigned ntrusted;
	struct l3_trusted trusted[L3_TRUST_MAX];
	/* L3_MAX_NODES: originators held at most (this node not counted) */
	uint32_t max_nodes;
	/* L3_DESC_BURST, L3_DESC_RATE: the per-neighbour description bucket */
	uint32_t desc_burst, desc_rate;
};

void l3_config_defaults(struct l3_config *cfg);

/* NULL on bad config (logged) or no memory. */
struct l3_node *l3_node_new(const struct l3_config *cfg, const struct l3_env *env,
			    uint64_t now_ms);
/* Frees everything; routes are NOT withdrawn through env (the shell flushes). */
void l3_node_free(struct l3_node *n);

/*
 * Clean shutdown: a last packet on every port with a goodbye hello
 * (interval 0: neighbours drop the link at once instead of after
 * link_timeout) and the retraction of our own route.
 */
void l3_node_goodbye(struct l3_node *n, uint64_t now_ms);

/* Returns the interface index or a negative errno. rate_kbit 0 = default (1 Gbit/s). */
int l3_if_add(struct l3_node *n, const char *name, uint32_t rate_kbit, bool wireless);
void l3_if_set_up(struct l3_node *n, unsigned ifidx, bool up, uint64_t now_ms);
unsigned l3_if_count(const struct l3_node *n);

/* A datagram from src (must be link-local; others are counted and dropped). */
void l3_rx(struct l3_node *n, unsigned ifidx, const struct in6_addr *src,
	   const uint8_t *pkt, size_t len, uint64_t now_ms);
/* Runs what is due; returns the time (ms) of the next thing due. */
uint64_t l3_tick(struct l3_node *n, uint64_t now_ms);

/* Replace the announced gateway offers / prefixes: a new signed description. */
int l3_set_gateways(struct l3_node *n, const struct l3_gw_offer *gw, unsigned ngw,
		    uint64_t now_ms);
int l3_set_prefixes(struct l3_node *n, const struct l3_prefix *p, unsigned np,
		    uint64_t now_ms);

/*
 * Run-time gateway preference: a hostname or hex id prefix (>= 4 digits),
 * or NULL / "" / "auto" for the automatic choice. -EINVAL on a bad string;
 * an unknown name is accepted (it may appear later) and shown as such.
 */
int l3_gw_prefer(struct l3_node *n, const char *who, uint64_t now_ms);
const char *l3_gw_preferred(const struct l3_node *n);	/* "" = auto */
/* Run-time gw_min_kbit and gw_hyst_pct (a config reload): the choice is
 * made again at once with them. */
void l3_gw_tune(struct l3_node *n, uint32_t min_kbit, uint32_t hyst_pct);
typedef void l3_gw_cb(void *arg, const struct l3_gw_info *gi);
/* Every offer of family (AF_INET/AF_INET6) known, best first. */
void l3_gws_foreach(const struct l3_node *n, int family, l3_gw_cb *cb, void *arg);

/*
 * Gateway side of a tunnel: may a packet whose outer source is `from` (a
 * node address, fd5e::/16) carry inner source `src`? 0 yes; -ENOENT when
 * `from` is no known, trusted node with a description; -EPERM when `src`
 * is outside every prefix that node announces (its node address, its
 * description's prefixes, anycast cloud ranges included).
 */
int l3_tunnel_check(const struct l3_node *n, const struct in6_addr *from,
		    const struct mc_ip *src);

/* ---- introspection (control socket, simulator, tests) ---- */

struct l3_self_info {
	uint8_t id[L3_ID_LEN];
	struct in6_addr addr;		/* fd5e:... node address */
	const char *hostname;
	uint32_t dseq;
	uint16_t seqno, chain_len;
	unsigned nlinks, norigs, nroutes;
};
void l3_self(const struct l3_node *n, struct l3_self_info *out);

struct l3_link_info {
	unsigned ifidx;
	const char *ifname;
	uint8_t id[L3_ID_LEN];
	const char *hostname;		/* "" until its description is known */
	struct in6_addr ll;
	uint8_t rq, tq;			/* 0..255: we hear it / it hears us */
	uint32_t rate_kbit;
	uint32_t cost;			/* L3_METRIC_INF when unusable */
	uint64_t last_hello_ms;		/* age */
};
typedef void l3_link_cb(void *arg, const struct l3_link_info *li);
void l3_links_foreach(const struct l3_node *n, l3_link_cb *cb, void *arg, uint64_t now_ms);
/* The links to node id only (one per port it is heard on). */
void l3_links_foreach_of(const struct l3_node *n, const uint8_t id[L3_ID_LEN],
			 l3_link_cb *cb, void *arg, uint64_t now_ms);

enum l3_trust_state {
	L3_TRUST_OPEN,		/* no trust list configured */
	L3_TRUST_YES,
	L3_TRUST_NO,
};

struct l3_orig_info {
	uint8_t id[L3_ID_LEN];
	const struct l3_desc *desc;	/* NULL until known */
	size_t desc_size;		/* bytes of the signed blob */
	uint64_t desc_age_ms;
	enum l3_trust_state trust;
	bool reachable;
	uint32_t metric;		/* L3_METRIC_INF when unreachable */
	uint8_t hops;
	uint32_t dseq;
	uint16_t seqno;
	unsigned ifidx;			/* next hop, when reachable */
	struct in6_addr via;
	uint8_t via_id[L3_ID_LEN];
};
typedef void l3_orig_cb(void *arg, const struct l3_orig_info *oi);
void l3_origs_foreach(const struct l3_node *n, l3_orig_cb *cb, void *arg, uint64_t now_ms);
/* One originator by id: 0, or -ENOENT. */
int l3_orig_get(const struct l3_node *n, const uint8_t id[L3_ID_LEN],
		struct l3_orig_info *out, uint64_t now_ms);

struct l3_route_info {
	struct mc_ip dst;
	uint8_t id[L3_ID_LEN];		/* the announcer it goes to */
	const char *hostname;
	uint32_t metric;
	unsigned ifidx;
	struct in6_addr via;
	bool anycast;
	/* Another node announces the same (not anycast) prefix too: it was
	 * refused, since the first announcer keeps a prefix. One shown. */
	unsigned nrivals;
	uint8_t rival_id[L3_ID_LEN];
	const char *rival_hostname;
};
typedef void l3_route_cb(void *arg, const struct l3_route_info *ri);
/* The routes currently given to env->route (what the kernel should hold). */
void l3_routes_foreach(const struct l3_node *n, l3_route_cb *cb, void *arg);
/* The route to dst (as l3_routes_foreach shows it): 0, or -ENOENT. */
int l3_route_get(const struct l3_node *n, const struct mc_ip *dst, struct l3_route_info *out);

enum l3_stat {
	L3_ST_RX_PKT, L3_ST_RX_BYTES, L3_ST_TX_PKT, L3_ST_TX_BYTES,
	L3_ST_RX_MALFORMED,	/* bad header or TLV */
	L3_ST_RX_UNKNOWN_TLV,
	L3_ST_RX_NOT_LINKLOCAL,
	L3_ST_RX_OWN,		/* our own id in a header: a loop or a forger */
	L3_ST_RX_NO_LINK,	/* messages from a sender with no link yet */
	L3_ST_DESC_ACCEPTED,
	L3_ST_DESC_MALFORMED,
	L3_ST_DESC_BAD_SIG,
	L3_ST_DESC_STALE,	/* older seqno than known: replay */
	L3_ST_DESC_CONFLICT,	/* same seqno, different content */
	L3_ST_DESC_UNTRUSTED,
	L3_ST_DESC_REQ_TX, L3_ST_DESC_REQ_RX,
	L3_ST_UPD_RX,
	L3_ST_UPD_BAD_CHAIN,	/* element does not hash to the anchor */
	L3_ST_UPD_BEYOND_CHAIN,	/* seqno past the chain's length */
	L3_ST_UPD_UNTRUSTED,
	L3_ST_UPD_NO_DESC,	/* parked until the description arrives */
	L3_ST_UPD_UNFEASIBLE,
	L3_ST_SEQREQ_TX, L3_ST_SEQREQ_RX,
	L3_ST_ROUTE_CHANGE,
	L3_ST_DESC_NO_LINK,	/* from a sender without a two-way link */
	L3_ST_DESC_RATE_LIMITED,	/* its neighbour's bucket was empty */
	L3_ST_DESC_BAD_SIG_KNOWN,	/* a blob that failed before: not checked again */
	L3_ST_ORIG_REFUSED,	/* the originator table was full */
	L3_ST_ORIG_EVICTED,	/* an unreachable one made room for a new one */
	L3_ST_PFX_CONFLICT,	/* a prefix another node announced first: refused */
	L3_ST_MAX
};
extern const char *const l3_stat_names[L3_ST_MAX];
const uint64_t *l3_stats(const struct l3_node *n);

#endif
