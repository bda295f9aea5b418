/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SIMBASE_H
#define SIMBASE_H

/*
 * What the two simulators (sim.c for l2mesh, l3sim.c for l3route) share:
 * the event queue, the PRNG, the seed and the wall clock.
 *
 * The queue is a binary heap of one simulator's own event type, which
 * must begin with a struct sb_key: ordered by time, ties in insertion
 * order (sb_heap_push stamps seq), so a run is reproducible. Elements are
 * copied by value; the heap does not look past the key.
 */

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

#endif
