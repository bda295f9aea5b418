/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/sim/simbase.h"

#define HEAP_CAP0 1024		/* elements; doubles when full */

/* ---- the event heap ------------------------------------------------------------ */

static const struct sb_key *key_at(const struct sb_heap *h, size_t i)
{
	return (const struct sb_key *)(const void *)(h->v + i * h->esz);
}

static bool key_before(const struct sb_key *a, const struct sb_key *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

void sb_heap_init(struct sb_heap *h, size_t esz)
{
	memset(h, 0, sizeof(*h));
	h->esz = esz;
}

void sb_heap_free(struct sb_heap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

int sb_heap_push(struct sb_heap *h, void *ev)
{
	struct sb_key *k = ev;
	size_t i, up;

	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : HEAP_CAP0;
		unsigned char *v = realloc(h->v, cap * h->esz);

		if (!v)
			return -ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	k->seq = h->seq++;
	/* sift the hole up from the end; ev is copied once, into its place */
	for (i = h->n++; i > 0; i = up) {
		up = (i - 1) / 2;
		if (!key_before(k, key_at(h, up)))
			break;
		memcpy(h->v + i * h->esz, h->v + up * h->esz, h->esz);
	}
	memcpy(h->v + i * h->esz, ev, h->esz);
	return 0;
}

void sb_heap_pop(struct sb_heap *h, void *out)
{
	const struct sb_key *last;
	size_t i = 0, c;

	memcpy(out, h->v, h->esz);
	/* the last element stays at index n (past the heap) while the hole
	 * at the root sinks to where it belongs */
	last = key_at(h, --h->n);
	while ((c = 2 * i + 1) < h->n) {
		if (c + 1 < h->n && key_before(key_at(h, c + 1), key_at(h, c)))
			c++;
		if (!key_before(key_at(h, c), last))
			break;
		memcpy(h->v + i * h->esz, h->v + c * h->esz, h->esz);
		i = c;
	}
	if (h->n)
		memcpy(h->v + i * h->esz, last, h->esz);
}

/* ---- arrays ------------------------------------------------------------------------- */

int sb_grow(void *arrp, size_t n, size_t cap, size_t esz)
{
	void **arr = arrp;	/* -fno-strict-aliasing: any T ** will do */
	unsigned char *p = realloc(*arr, cap * esz);

	if (!p)
		return -ENOMEM;
	memset(p + n * esz, 0, (cap - n) * esz);
	*arr = p;
	return 0;
}

/* ---- PRNG (splitmix64), seed, clock ----------------------------------------------- */

uint64_t sb_rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

double sb_rng_unit(uint64_t *state)
{
	return (double)(sb_rng_next(state) >> 11) / (double)(1ull << 53);
}

uint64_t sb_rng_fork(uint64_t seed, unsigned idx)
{
	return seed ^ ((uint64_t)idx * 0x2545f4914f6cdd1dull);
}

uint64_t sb_seed(uint64_t dflt)
{
	const char *e = getenv("SIM_SEED");

	return e && *e ? strtoull(e, NULL, 0) : dflt;
}

double sb_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
