/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdbool.h>
#include <stddef.h>
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

int sb_room(void *arrp, size_t n, size_t *cap, size_t esz)
{
	size_t ncap = *cap ? 2 * *cap : 64;

	if (n < *cap)
		return 0;
	if (sb_grow(arrp, *cap, ncap, esz) < 0)
		return -ENOMEM;
	*cap = ncap;
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

void sb_rng_fill(uint64_t *state, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		uint64_t r = sb_rng_next(state);
		size_t k = len < 8 ? len : 8;

		memcpy(p, &r, k);
		p += k;
		len -= k;
	}
}

/* ---- memory ------------------------------------------------------------------------------ */

/* The kB figure on the line of file that starts with key, or 0. */
static uint64_t proc_kb(const char *file, const char *key)
{
	size_t klen = strlen(key);
	unsigned long long v = 0;
	char line[256];
	FILE *f = fopen(file, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && sscanf(line + klen, "%llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

uint64_t sb_rss_peak_kb(void)
{
	return proc_kb("/proc/self/status", "VmHWM:");
}

void sb_print_peak_rss(unsigned n)
{
	uint64_t peak = sb_rss_peak_kb();

	printf("  memory: peak RSS %.0f MB, %.1f kB per simulated node\n",
	       (double)peak / 1024, (double)peak / n);
}

uint64_t sb_rss_kb(void)
{
	return proc_kb("/proc/self/status", "VmRSS:");
}

uint64_t sb_heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
}

uint64_t sb_mem_available_kb(void)
{
	return proc_kb("/proc/meminfo", "MemAvailable:");
}

/* ---- the run loop ----------------------------------------------------------------------- */

/* One event of any simulator's type, aligned for it. */
union sb_evbuf {
	struct sb_ev ev;
	max_align_t align;
	unsigned char b[SB_EV_MAX];
};

void sb_sim_init(struct sb_sim *s, uint64_t seed, size_t esz, const struct sb_ops *ops)
{
	assert(esz >= sizeof(struct sb_ev) && esz <= SB_EV_MAX);
	memset(s, 0, sizeof(*s));
	s->rng = seed;
	s->ops = ops;
	sb_heap_init(&s->heap, esz);
}

void sb_sim_free(struct sb_sim *s)
{
	union sb_evbuf u;
	unsigned i;

	while (s->heap.n) {
		sb_heap_pop(&s->heap, &u);
		s->ops->put(u.ev.p);
	}
	for (i = 0; i < s->nnodes; i++)
		s->ops->node_free(s->nodes[i]);
	sb_heap_free(&s->heap);
	free(s->nodes);
	s->nodes = NULL;
	s->nnodes = 0;
}

int sb_node_room(struct sb_sim *s)
{
	size_t cap = s->capnodes;

	if (sb_room(&s->nodes, s->nnodes, &cap, sizeof(*s->nodes)) < 0)
		return -ENOMEM;
	if (cap != s->capnodes && s->ops->grow && s->ops->grow(s, cap) < 0)
		return -ENOMEM;	/* the node array keeps its new room */
	s->capnodes = cap;
	return 0;
}

void sb_node_init(struct sb_sim *s, struct sb_node *sn)
{
	sn->s = s;
	sn->idx = s->nnodes;
	sn->rng = sb_rng_fork(s->rng, sn->idx);
	sn->tick_at = SB_NEVER;
	sn->spin_t = SB_NEVER;
	sn->spin_n = 0;
}

void sb_node_append(struct sb_sim *s, struct sb_node *sn)
{
	s->nodes[s->nnodes++] = sn;
	sb_tick_at(s, sn, s->now);
}

/* A tick at or before now: counted per ms, so a core that never lets the
 * clock move is stepped on (ops->spin) instead of hanging the run. */
static uint64_t tick_spin(struct sb_sim *s, struct sb_node *sn)
{
	if (!s->ops->spin)
		return s->now;
	if (sn->spin_t != s->now) {
		sn->spin_t = s->now;
		sn->spin_n = 0;
	}
	if (++sn->spin_n == s->ops->spin_max)
		s->ops->spin(s, sn);
	return sn->spin_n >= s->ops->spin_max ? s->now + 1 : s->now;
}

void sb_tick_at(struct sb_sim *s, struct sb_node *sn, uint64_t t)
{
	union sb_evbuf u;

	if (t <= s->now)
		t = tick_spin(s, sn);
	if (t >= sn->tick_at)
		return;
	memset(&u, 0, sizeof(u));
	u.ev.k.t = t;
	u.ev.node = sn->idx;
	u.ev.kind = SB_EV_TICK;
	if (sb_heap_push(&s->heap, &u) == 0)
		sn->tick_at = t;	/* an older, later event turns stale */
}

int sb_push(struct sb_sim *s, void *ev)
{
	return sb_heap_push(&s->heap, ev);
}

static void event_run(struct sb_sim *s, struct sb_ev *ev)
{
	struct sb_node *sn = s->nodes[ev->node];
	uint64_t next;

	if (ev->kind == SB_EV_TICK) {
		if (ev->k.t != sn->tick_at)
			return;		/* superseded by an earlier tick */
		sn->tick_at = SB_NEVER;
	} else {
		s->ops->deliver(s, ev);
	}
	if (!s->ops->tick(s, sn, &next))
		return;
	s->events++;
	sb_tick_at(s, sn, next);
}

/* One virtual ms: every event due at it (those it adds included). */
static void run_batch(struct sb_sim *s)
{
	uint64_t t = sb_heap_top(&s->heap)->t;
	const struct sb_key *top;
	union sb_evbuf u;

	s->now = t;
	while ((top = sb_heap_top(&s->heap)) && top->t == t) {
		sb_heap_pop(&s->heap, &u);
		event_run(s, &u.ev);
		s->ops->put(u.ev.p);
	}
	if (s->ops->batch_end)
		s->ops->batch_end(s);
}

void sb_run(struct sb_sim *s, uint64_t until_ms)
{
	const struct sb_key *top;

	while ((top = sb_heap_top(&s->heap)) && top->t <= until_ms)
		run_batch(s);
	if (until_ms > s->now)
		s->now = until_ms;
}

uint64_t sb_run_until(struct sb_sim *s, sb_pred *pred, void *sim, void *arg,
		      uint64_t step_ms, uint64_t deadline_ms)
{
	while (s->now < deadline_ms) {
		sb_run(s, s->now + step_ms);
		if (pred(sim, arg))
			return s->now;
	}
	return SB_NEVER;
}

void sb_env_log(void *user, int level, uint32_t cat, const char *msg)
{
	const struct sb_node *sn = user;

	(void)level;
	(void)cat;
	fprintf(stderr, "%9.3f n%u: %s\n", (double)sn->s->now / 1000, sn->idx, msg);
}
