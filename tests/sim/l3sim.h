/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L3SIM_H
#define L3SIM_H

/*
 * An in-process simulator for the l3route core (l3route/core/l3.h): many
 * struct l3_node on a virtual clock (ms), joined by point-to-point links.
 *
 * Each link end is one interface (l3_if_add) of its node; whatever a node
 * sends on it, multicast or unicast, reaches the one node at the other end
 * after the link's delay, each packet lost with the link's probability.
 * Events, ticks (l3_tick()) and seeds work as simbase.h describes: a run
 * replays from its seed. A core whose l3_tick() keeps returning the
 * current ms is stepped on after a while, and that counts as an error.
 *
 * Node i has the key l3_key_from_seed("l3sim" | i), hostname "n<i>", and
 * on interface k the link-local address fe80::<i>:<k> (i 32-bit, k 16-bit),
 * so a next hop decodes back to its node without a lookup.
 *
 * env.route fills a fake kernel table per node. The simulator checks what
 * it can define cleanly: a delete must name a present route, the next hop
 * must be the peer on that interface, and no interface the node was told
 * is down may carry a new route. Each breach counts in l3sim_errors().
 *
 * The loop checker: after every batch of events at one virtual ms, every
 * node whose route to a node address changed in the batch has its next
 * hops followed toward that node; a node seen twice is a forwarding loop
 * (any new cycle contains a changed entry, so this finds them all). Walks
 * toward one destination in one batch stop where an earlier one of them
 * passed, so a batch costs at most one step per node per destination
 * changed. A full check of every (source, destination) pair runs every
 * second of virtual time as well (l3sim_set_full_check). Black holes (no
 * route) are allowed; loops never are.
 */

#include <stdbool.h>
#include <stdint.h>

#include "l3route/core/l3.h"
#include "tests/sim/simbase.h"

struct l3sim;

struct l3sim_stats {
	uint64_t events;	/* deliveries and ticks run */
	uint64_t pkts;		/* packets sent by nodes */
	uint64_t bytes;		/* bytes sent by nodes */
	uint64_t delivered;
	uint64_t lost;		/* lost on the medium */
	uint64_t dropped_down;	/* sent on, or in flight on, a cut link */
	uint64_t misaddressed;	/* unicast to an address not the peer's */
	uint64_t route_add, route_replace, route_same, route_del;
	uint64_t loop_checks;	/* incremental walks */
	uint64_t full_checks;
	uint64_t loops;		/* forwarding loops seen */
	uint64_t errors;	/* kernel-table misuse (see above) */
};

/* Path results (l3sim_path). */
#define L3SIM_NOROUTE -1
#define L3SIM_LOOP -2
#define L3SIM_DEAD -3		/* a hop leads to a stopped node */

struct l3sim *l3sim_new(uint64_t seed);
/* $SIM_SEED if set (to replay or vary a run), else dflt. */
uint64_t l3sim_seed(uint64_t dflt);
void l3sim_free(struct l3sim *s);
/* Prints the cores' log lines of nodes added from now on ($L3SIM_VERBOSE
 * set turns it on from the start). */
void l3sim_set_verbose(struct l3sim *s, bool on);
/* The simulator's PRNG, for topologies and schedules. */
uint64_t l3sim_rand(struct l3sim *s);
double l3sim_unit(struct l3sim *s);

/*
 * A node with tmpl's timers and prefixes (l3_config_defaults and
 * chain_len 256 if NULL); its key and hostname are the simulator's.
 * Returns its index or a negative errno.
 */
int l3sim_node_add(struct l3sim *s, const struct l3_config *tmpl);
/*
 * Stops a node: l3_node_free(), its kernel table flushed (as the shell
 * does), its links stop carrying. With tell_peers the peers' interfaces go
 * down as well (cable pulled); without, they must notice the silence.
 */
void l3sim_node_stop(struct l3sim *s, unsigned node, bool tell_peers);
bool l3sim_node_alive(const struct l3sim *s, unsigned node);

/* A link between a and b (rate 0 = the core's default); returns its index. */
int l3sim_link(struct l3sim *s, unsigned a, unsigned b, uint32_t delay_ms,
	       double loss, uint32_t rate_kbit);
/* Down: in-flight packets are dropped; with tell, both interfaces go down
 * in the cores (l3_if_set_up), else the link only goes silent. Up tells
 * the cores when it told them it was down. */
void l3sim_link_set_up(struct l3sim *s, unsigned link, bool up, bool tell);
bool l3sim_link_is_up(const struct l3sim *s, unsigned link);
void l3sim_link_ends(const struct l3sim *s, unsigned link, unsigned *a, unsigned *b);
unsigned l3sim_links(const struct l3sim *s);

/* Runs every event up to until_ms (the loop checker included); the clock
 * then reads until_ms. */
void l3sim_run(struct l3sim *s, uint64_t until_ms);
/* Runs in steps of step_ms until pred(s, arg) holds or deadline_ms;
 * returns the first step time at which it held, or UINT64_MAX. pred's
 * first argument is the struct l3sim. */
uint64_t l3sim_run_until(struct l3sim *s, sb_pred *pred, void *arg, uint64_t step_ms,
			 uint64_t deadline_ms);

uint64_t l3sim_now(const struct l3sim *s);
unsigned l3sim_nodes(const struct l3sim *s);
struct l3_node *l3sim_l3(struct l3sim *s, unsigned node);
const struct in6_addr *l3sim_node_addr(const struct l3sim *s, unsigned node);
const uint8_t *l3sim_node_id(const struct l3sim *s, unsigned node);
/* The node at the other end of node's interface ifidx, or -1. */
int l3sim_if_peer(const struct l3sim *s, unsigned node, unsigned ifidx);
/* The node whose node address is addr, or -1. */
int l3sim_node_by_addr(const struct l3sim *s, const struct in6_addr *addr);

/*
 * Follows the fake kernel tables (exact-match entries for the node
 * address of `to`) from `from`: the hop count, or L3SIM_NOROUTE /
 * L3SIM_LOOP / L3SIM_DEAD. *metric (if not NULL) gets from's route metric.
 */
int l3sim_path(struct l3sim *s, unsigned from, unsigned to, uint32_t *metric);
/* The same for a prefix announced by `owner` (exact-match entries). */
int l3sim_path_prefix(struct l3sim *s, unsigned from, const struct mc_ip *p,
		      unsigned owner, uint32_t *metric);
/* The next-hop node in node's table toward node dst's address: -1 none,
 * -2 an entry whose next hop is not a peer. */
int l3sim_next_hop(const struct l3sim *s, unsigned node, unsigned dst);
/* Whether from's table holds an entry for p (any next hop). */
bool l3sim_has_route(const struct l3sim *s, unsigned from, const struct mc_ip *p);
/* Entries in from's table. */
unsigned l3sim_route_count(const struct l3sim *s, unsigned from);

/* Pairs of live nodes (from != to) whose path does not reach `to`. */
unsigned long l3sim_unrouted_pairs(struct l3sim *s);
/* Predicate form (sim: a struct l3sim): every live node reaches every other. */
bool l3sim_all_routed(void *sim, void *unused);
/* The same, stopping at the first pair unrouted (a loop met on the way is
 * reported): not a full check, but cheap while most pairs are unrouted. */
bool l3sim_all_routed_quick(void *sim, void *unused);
/* The all-pairs loop check's period in virtual ms (1000 to start with),
 * 0 for none: the walks after each change find every loop by themselves,
 * and the all-pairs check, O(nodes^2), is a second opinion that large
 * meshes may take less often. */
void l3sim_set_full_check(struct l3sim *s, uint32_t period_ms);
/* The full loop check, now; returns the loops found (also counted). */
unsigned l3sim_check_loops(struct l3sim *s);

/*
 * Compares each live node's kernel metric toward every other live node
 * with the cheapest path over the link costs the cores report
 * (l3_links_foreach; metric = own link cost + the neighbour's metric):
 * returns the pairs whose metric is more than slack_pct above the
 * cheapest, or whose route is missing; prints the first few if print.
 */
unsigned long l3sim_metric_check(struct l3sim *s, unsigned slack_pct, bool print);

/*
 * The same judged one hop at a time: each live node's metric toward each
 * other live node against its best neighbour's current metric plus the
 * link cost. Per-hop tolerances (hysteresis, untold small changes)
 * compound along a path, so on large meshes this is the check that holds
 * the engine to its own rules; *excess_pct (if not NULL) gets the mean
 * excess of the kernel metric over the cheapest path, in percent.
 */
unsigned long l3sim_metric_local_check(struct l3sim *s, unsigned slack_pct, bool print,
				       double *excess_pct);

/* Heap bytes the simulator itself holds for its nodes (their fake kernel
 * tables, interface maps and records; not the cores, links or events). */
uint64_t l3sim_table_bytes(const struct l3sim *s);

/* Sum of one l3_stats counter over the live nodes. */
uint64_t l3sim_stat_sum(struct l3sim *s, enum l3_stat st);
void l3sim_stats(const struct l3sim *s, struct l3sim_stats *st);
/* Kernel-table misuse and loops, 0 when clean; the first few were printed. */
uint64_t l3sim_errors(const struct l3sim *s);

/*
 * Feeds a route operation into node's fake kernel table as if its core
 * had made it (env.route), then runs the loop checker: for the
 * simulator's own test, which proves the checks can fail.
 */
void l3sim_inject(struct l3sim *s, unsigned node, bool add, const struct l3_kroute *r);
/* The link-local address of node's interface ifidx. */
void l3sim_ll(unsigned node, unsigned ifidx, struct in6_addr *a);

/* Wall-clock milliseconds, for the tests' timing prints. */
double l3sim_wall_ms(void);

#endif
