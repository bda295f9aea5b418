/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SIM_H
#define SIM_H

/*
 * An in-process mesh simulator: many l2mesh cores (struct l2_node, driven
 * through l2.h only) on a virtual clock, joined by segments. A segment is
 * a shared medium: a frame sent on one port reaches every other port on
 * it, each copy lost with the segment's probability and delivered after
 * its latency. A point-to-point link is a segment with two ports.
 *
 * Events, ticks (l2_tick()) and seeds work as simbase.h describes: a run
 * replays from its seed.
 *
 * MACs are the simulator's: node i is 02:00:ii:ii:ii:00 (24-bit i); with
 * distinct port MACs, port p of node i is 02:(p+1):ii:ii:ii:00.
 */

#include <stdbool.h>
#include <stdint.h>

#include "l2mesh/core/l2.h"
#include "tests/sim/simbase.h"

struct sim;

struct sim_stats {
	uint64_t events;	/* deliveries and ticks run */
	uint64_t frames;	/* frames sent by nodes */
	uint64_t deliveries;	/* copies delivered */
	uint64_t lost;		/* copies lost on the medium */
	uint64_t bytes;		/* bytes delivered */
};

struct sim *sim_new(uint64_t seed);
/* $SIM_SEED if set (to replay or vary a run), else dflt. */
uint64_t sim_seed(uint64_t dflt);
void sim_free(struct sim *s);

/* Ports get MACs of their own (a batman-adv secondary OGM each). */
void sim_set_port_macs(struct sim *s, bool distinct);
/* Prints the log lines (l2_log) of nodes added from now on, with the
 * virtual time. Off, the cores format nothing. */
void sim_set_verbose(struct sim *s, bool on);

/* A node with tmpl's settings (l2_config_defaults if NULL) and its own
 * MAC; returns its index or a negative errno. */
int sim_node_add(struct sim *s, const struct l2_config *tmpl);
int sim_seg_add(struct sim *s, double loss, uint32_t latency_ms);
/* A new port of node on seg; returns the port index or a negative errno. */
int sim_seg_join(struct sim *s, unsigned seg, unsigned node, bool wireless);
/* A point-to-point link: a segment and a port on each end; returns the segment. */
int sim_link(struct sim *s, unsigned a, unsigned b, double loss, uint32_t latency_ms);
/* Cuts (or mends) a segment: it stops carrying and its ports go down (up). */
void sim_seg_set_up(struct sim *s, unsigned seg, bool up);
void sim_seg_set_loss(struct sim *s, unsigned seg, double loss);

/* A w x h grid of new nodes, node y*w+x, linked to their right and lower
 * neighbours; returns the first node's index. */
int sim_grid(struct sim *s, unsigned w, unsigned h, const struct l2_config *tmpl,
	     double loss, uint32_t latency_ms);

/* Runs every event up to until_ms; the clock then reads until_ms. */
void sim_run(struct sim *s, uint64_t until_ms);
/*
 * Runs in steps of step_ms until pred(s, arg) holds or deadline_ms passes;
 * returns the first step time at which pred held, or UINT64_MAX. pred's
 * first argument is the struct sim.
 */
uint64_t sim_run_until(struct sim *s, sb_pred *pred, void *arg, uint64_t step_ms,
		       uint64_t deadline_ms);

uint64_t sim_now(const struct sim *s);
unsigned sim_nodes(const struct sim *s);
struct l2_node *sim_l2(struct sim *s, unsigned node);
void sim_node_mac(unsigned node, uint8_t mac[6]);
/* The node owning mac (its node MAC or a port MAC), or -1. */
int sim_node_by_mac(const struct sim *s, const uint8_t mac[6]);
/* The segment behind a node's port, or -1. */
int sim_port_seg(const struct sim *s, unsigned node, unsigned port);
void sim_stats(const struct sim *s, struct sim_stats *st);

/*
 * Follows the next hops from node from to node to. Returns the hop count,
 * or -1 when a node on the way has no route, -2 on a loop (more than
 * max_hops), -3 when a hop crosses segment avoid_seg (-1: none).
 */
int sim_path(struct sim *s, unsigned from, unsigned to, unsigned max_hops,
	     int avoid_seg);
/* Whether every node has a route to every other one (sim: a struct sim). */
bool sim_all_routes(void *sim, void *unused);

/* Wall-clock milliseconds, for the tests' timing prints. */
double sim_wall_ms(void);
/* Which core modules this build stubbed (l2_stubs.c), for the logs. */
const char *sim_stubs_note(void);

#endif
