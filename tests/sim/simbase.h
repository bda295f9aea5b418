/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SIMBASE_H
#define SIMBASE_H

/*
 * What the two simulators (sim.c for l2mesh, l3sim.c for l3route) share:
 * the event queue and the run loop, the node array, the PRNG, the seed,
 * the wall clock and the cores' log lines.
 *
 * The queue is a binary heap of one simulator's own event type, which
 * must begin with a struct sb_key: ordered by time, ties in insertion
 * order (sb_heap_push stamps seq), so a run is reproducible. Elements are
 * copied by value; the heap does not look past the key.
 *
 * The run loop (struct sb_sim) works on events that begin with a struct
 * sb_ev and nodes that begin with a struct sb_node. It holds node ticks
 * and deliveries: a node's next tick is what its core's tick returned,
 * re-read after each event it ran; a tick that a sooner one superseded is
 * skipped. Everything random (the medium's losses, each node's own PRNG)
 * comes from seeded PRNGs, so a run replays from its seed.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sb_key {
	uint64_t t;		/* virtual ms */
	uint64_t seq;		/* set by sb_heap_push */
};

struct sb_heap {
	unsigned char *v;
	size_t n, cap;
	size_t esz;		/* one element's size, set by sb_heap_init */
	uint64_t seq;
};

void sb_heap_init(struct sb_heap *h, size_t esz);
/* Frees the array only; pop what the elements own first. */
void sb_heap_free(struct sb_heap *h);
/* Copies the element at ev (its key's seq is stamped); 0 or -ENOMEM. */
int sb_heap_push(struct sb_heap *h, void *ev);
/* Copies the earliest element to out and removes it; the heap is not empty. */
void sb_heap_pop(struct sb_heap *h, void *out);

static inline const struct sb_key *sb_heap_top(const struct sb_heap *h)
{
	return h->n ? (const struct sb_key *)(const void *)h->v : NULL;
}

/*
 * Room for element n in the array at *arrp (a pointer to any object
 * pointer) of esz-byte elements and *cap capacity: when full, the
 * capacity doubles (64 to start), the new elements zeroed. 0 or -ENOMEM.
 */
int sb_room(void *arrp, size_t n, size_t *cap, size_t esz);

/*
 * Grows the array at *arrp (a pointer to any object pointer) of esz-byte
 * elements from n to cap elements, the new ones zeroed; on failure the
 * array is left as it was. 0 or -ENOMEM.
 */
int sb_grow(void *arrp, size_t n, size_t cap, size_t esz);

/* splitmix64: one 64-bit draw, and a double in [0, 1). */
uint64_t sb_rng_next(uint64_t *state);
double sb_rng_unit(uint64_t *state);
/* Node idx's own PRNG state, derived from the simulator's seed. */
uint64_t sb_rng_fork(uint64_t seed, unsigned idx);

/* $SIM_SEED if set (to replay or vary a run), else dflt. */
uint64_t sb_seed(uint64_t dflt);
/* Wall-clock milliseconds (monotonic), for the tests' timing prints. */
double sb_wall_ms(void);
/* Fills buf from a PRNG state (a node's env random bytes). */
void sb_rng_fill(uint64_t *state, void *buf, size_t len);

/*
 * Memory, for the scenarios' prints. The process's peak and current
 * resident set in kB (VmHWM, VmRSS of /proc/self/status), 0 if unknown;
 * the bytes the allocator has handed out and not had back (mallinfo2:
 * arena plus mmapped chunks), 0 if unknown (as under ASan). Memory
 * available to new processes (MemAvailable of /proc/meminfo), in kB.
 */
uint64_t sb_rss_peak_kb(void);
/* Prints "memory: peak RSS ... per simulated node" for n nodes. */
void sb_print_peak_rss(unsigned n);
uint64_t sb_rss_kb(void);
uint64_t sb_heap_bytes(void);
uint64_t sb_mem_available_kb(void);

/* ---- the run loop ---- */

#define SB_NEVER UINT64_MAX
#define SB_EV_MAX 64		/* bytes of the largest event type */

enum sb_ev_kind { SB_EV_TICK, SB_EV_DELIVER };

/* What every event begins with. A tick carries no payload (p NULL). */
struct sb_ev {
	struct sb_key k;	/* first: the heap orders by it */
	void *p;		/* the delivery's payload; the simulator's */
	uint32_t node;		/* the ticking or receiving node */
	uint8_t kind;		/* enum sb_ev_kind */
	uint8_t port;		/* the simulator's: where it arrives */
};

struct sb_sim;

/* What every simulated node begins with. */
struct sb_node {
	struct sb_sim *s;
	unsigned idx;
	uint64_t rng;		/* its own PRNG (env randomness) */
	uint64_t tick_at;	/* the live tick event's time, SB_NEVER if none */
	uint64_t spin_t;	/* the ms of the ticks counted in spin_n */
	unsigned spin_n;
};

struct sb_ops {
	/* Hands a delivery to its node's core. */
	void (*deliver)(struct sb_sim *s, struct sb_ev *ev);
	/* Runs the node's core timer: false when the node is stopped (the
	 * event then does not count), else *next is its next tick. */
	bool (*tick)(struct sb_sim *s, struct sb_node *sn, uint64_t *next);
	/* Releases an event's payload (after it ran, or unrun at the end). */
	void (*put)(void *p);
	/* Frees a node (sb_sim_free). */
	void (*node_free)(struct sb_node *sn);
	/* Optional: after the events of one virtual ms. */
	void (*batch_end)(struct sb_sim *s);
	/* Optional: the node array grew to cap; grow what runs beside it. */
	int (*grow)(struct sb_sim *s, size_t cap);
	/* Optional: a core asks for the current ms spin_max times in a row
	 * (it would never let the clock move); it is stepped on by 1 ms
	 * after this is called. NULL: the tick is simply run now. */
	void (*spin)(struct sb_sim *s, struct sb_node *sn);
	unsigned spin_max;
};

struct sb_sim {
	uint64_t now;		/* virtual ms */
	uint64_t rng;		/* the simulator's own PRNG (medium, topologies) */
	bool verbose;		/* nodes added print their log lines */
	uint64_t events;	/* deliveries and ticks run */
	struct sb_heap heap;	/* of the simulator's event type */
	struct sb_node **nodes;
	unsigned nnodes;
	size_t capnodes;
	const struct sb_ops *ops;
};

/* esz: the simulator's event size (<= SB_EV_MAX). */
void sb_sim_init(struct sb_sim *s, uint64_t seed, size_t esz, const struct sb_ops *ops);
/* Drops the events left, frees every node and the arrays. */
void sb_sim_free(struct sb_sim *s);

/* Room for one more node (ops->grow too); 0 or -ENOMEM. */
int sb_node_room(struct sb_sim *s);
/* Sets up sn as node nnodes (its PRNG forked from the seed). */
void sb_node_init(struct sb_sim *s, struct sb_node *sn);
/* Adds sn (after sb_node_room and sb_node_init) and ticks it now. */
void sb_node_append(struct sb_sim *s, struct sb_node *sn);

/* Schedules sn's next tick at t (now if earlier), unless one is due sooner. */
void sb_tick_at(struct sb_sim *s, struct sb_node *sn, uint64_t t);
/* Queues ev (a whole event of the simulator's type); 0 or -ENOMEM. */
int sb_push(struct sb_sim *s, void *ev);

/* Runs every event up to until_ms; the clock then reads until_ms. */
void sb_run(struct sb_sim *s, uint64_t until_ms);
/*
 * Runs in steps of step_ms until pred(sim, arg) holds or deadline_ms
 * passes; returns the first step time at which it held, or SB_NEVER.
 * sim is what the predicate is handed: the simulator around s.
 */
typedef bool sb_pred(void *sim, void *arg);
uint64_t sb_run_until(struct sb_sim *s, sb_pred *pred, void *sim, void *arg,
		      uint64_t step_ms, uint64_t deadline_ms);

/* env.log for a core whose env user is a struct sb_node (or starts with
 * one): the line on stderr with the virtual time and the node. */
void sb_env_log(void *user, int level, uint32_t cat, const char *msg);

#endif
