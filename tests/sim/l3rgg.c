/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The random-geometric-graph scenario (l3rgg.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/sim/l3rgg.h"
#include "tests/sim/l3sim.h"

#define TRIES 200		/* placements drawn before giving up */
#define PAIRS_PER_NODE 60	/* room for candidate pairs: about 16 per node are */
#define PRINT_MS 5000		/* progress lines, virtual time */
#define FLAP_SPAN_MS 60000
#define SETTLE_MS 10000
/* Each node's metric vs its best neighbour's metric plus the link: the
 * engine keeps a route unless another is 10 % better (L3_HYST_PCT), and a
 * neighbour's metric change under 5 % (L3_TRIGGER_PCT) waits for the
 * periodic update: 1.10 * 1.05 = 1.155. Along a path these compound, so
 * the excess over the globally cheapest path is printed, not judged. */
#define METRIC_SLACK_PCT 16
#define L3RGG_CHAIN_LEN 256	/* as l3sim's own template: small chains, less memory */

struct pair {
	float d;
	uint16_t a, b;
};

struct graph {
	unsigned n;
	double *x, *y;
	struct pair *e;
	unsigned ne;
	double r;
	uint64_t seed;
};

/* What a run measured, for the summary. */
struct run {
	const struct l3rgg_cfg *c;
	struct l3sim *s;
	double t0;			/* wall ms at the start */
	uint64_t heap0;			/* heap bytes before the nodes */
	uint64_t heap_conv;		/* and once every pair was routed */
	uint64_t conv_ms;		/* first convergence, virtual; UINT64_MAX: none */
	double conv_wall_ms;
	bool over_mem;			/* stopped by rss_limit_kb */
};

static uint64_t splitmix(uint64_t *st)
{
	uint64_t z = (*st += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *p = a, *q = b;

	return (p->d > q->d) - (p->d < q->d);
}

static unsigned uf_find(unsigned *up, unsigned v)
{
	while (up[v] != v)
		v = up[v] = up[up[v]];
	return v;
}

/* Joins the ends of pair i; true when they were apart. */
static bool uf_join(unsigned *up, const struct pair *p)
{
	unsigned a = uf_find(up, p->a), b = uf_find(up, p->b);

	if (a == b)
		return false;
	up[a] = b;
	return true;
}

/*
 * Whether the links make one component. With `bridge`, the candidate
 * pairs after the links (the next shortest, up to npairs) that join two
 * components become links as well (moved up behind the others), until
 * one component is left or the candidates run out.
 */
static bool connected(struct graph *g, size_t npairs, bool bridge)
{
	unsigned *up = malloc(g->n * sizeof(*up)), i, comps = g->n;
	size_t k;

	if (!up)
		return false;
	for (i = 0; i < g->n; i++)
		up[i] = i;
	for (i = 0; i < g->ne; i++)
		comps -= uf_join(up, &g->e[i]);
	for (k = g->ne; bridge && comps > 1 && k < npairs; k++) {
		if (uf_join(up, &g->e[k])) {
			struct pair t = g->e[g->ne];

			g->e[g->ne++] = g->e[k];
			g->e[k] = t;
			comps--;
		}
	}
	free(up);
	return comps == 1;
}

/*
 * The pairs closer than twice the expected r (0.1 at 1000 nodes), in
 * index order, at most cap: enough to pick the shortest from. The square
 * test only skips the hypot() of pairs that are far apart anyway.
 */
static size_t candidates(const struct graph *g, struct pair *buf, size_t cap)
{
	double lim = 0.1 * sqrt(1000.0 / g->n), lim2 = lim * lim * 1.0001;
	size_t n = 0;
	unsigned i, j;

	for (i = 0; i < g->n; i++) {
		for (j = i + 1; j < g->n && n < cap; j++) {
			double dx = g->x[i] - g->x[j], dy = g->y[i] - g->y[j], d;

			if (dx * dx + dy * dy > lim2)
				continue;
			d = hypot(dx, dy);
			if (d < lim)
				buf[n++] = (struct pair){ (float)d, (uint16_t)i, (uint16_t)j };
		}
	}
	return n;
}

/* One placement: the n*mean_degree/2 shortest pairs become links. */
static bool place(struct graph *g, const struct l3rgg_cfg *c, uint64_t seed,
		  struct pair *buf, size_t cap)
{
	uint64_t st = seed;
	size_t n;
	unsigned i;

	for (i = 0; i < g->n; i++) {
		g->x[i] = (double)(splitmix(&st) >> 11) / (double)(1ull << 53);
		g->y[i] = (double)(splitmix(&st) >> 11) / (double)(1ull << 53);
	}
	n = candidates(g, buf, cap);
	qsort(buf, n, sizeof(*buf), pair_cmp);
	g->e = buf;
	g->ne = g->n * c->mean_degree / 2;
	if (n < g->ne)
		return false;
	g->r = buf[g->ne - 1].d;
	g->seed = seed;
	return connected(g, n, c->bridge);
}

/* NULL (the simulator's defaults) unless max_nodes is set. */
static const struct l3_config *node_tmpl(const struct l3rgg_cfg *c, struct l3_config *cfg)
{
	if (!c->max_nodes)
		return NULL;
	l3_config_defaults(cfg);
	cfg->chain_len = L3RGG_CHAIN_LEN;
	cfg->max_nodes = c->max_nodes;
	return cfg;
}

static struct l3sim *build(const struct graph *g, const struct l3rgg_cfg *c)
{
	struct l3sim *s = l3sim_new(g->seed);
	struct l3_config cfg;
	const struct l3_config *tmpl = node_tmpl(c, &cfg);
	unsigned i;

	for (i = 0; s && i < g->n; i++)
		if (l3sim_node_add(s, tmpl) != (int)i)
			return NULL;
	for (i = 0; s && i < g->ne; i++) {
		/* a bridge, longer than r, at the slowest rate */
		double frac = g->e[i].d < g->r ? g->e[i].d / g->r : 1.0;
		uint32_t rate = 6000 + (uint32_t)(48000 * (1 - frac));
		uint32_t delay = 1 + (uint32_t)(l3sim_rand(s) % 5);

		if (l3sim_link(s, g->e[i].a, g->e[i].b, delay, 0, rate) != (int)i) {
			printf("FAIL: link %u (n%u-n%u) not made\n", i, g->e[i].a, g->e[i].b);
			return NULL;
		}
	}
	return s;
}

static double mb(uint64_t bytes)
{
	return (double)bytes / (1024.0 * 1024.0);
}

static void progress(struct run *r)
{
	struct l3sim_stats st;

	l3sim_stats(r->s, &st);
	printf("  %5.1f s: %lu pairs unrouted, %llu route changes, %llu loop walks, "
	       "%.1f s real, RSS %.0f MB\n", (double)l3sim_now(r->s) / 1000,
	       l3sim_unrouted_pairs(r->s),
	       (unsigned long long)(st.route_add + st.route_replace + st.route_del),
	       (unsigned long long)st.loop_checks, (l3sim_wall_ms() - r->t0) / 1000,
	       (double)sb_rss_kb() / 1024);
	fflush(stdout);
}

/* Whether the resident set is past the limit (printed once). */
static bool over_memory(struct run *r)
{
	uint64_t rss;

	if (!r->c->rss_limit_kb || r->over_mem)
		return r->over_mem;
	rss = sb_rss_kb();
	if (rss > r->c->rss_limit_kb) {
		printf("FAIL: RSS %.0f MB at %.3f s simulated passes the limit of %.0f MB "
		       "(%.0f kB per node): stopped\n", (double)rss / 1024,
		       (double)l3sim_now(r->s) / 1000, (double)r->c->rss_limit_kb / 1024,
		       (double)rss / r->c->nodes);
		r->over_mem = true;
	}
	return r->over_mem;
}

/* Runs step_ms in steps of poll_ms, watching the memory; false when over. */
static bool run_step(struct run *r)
{
	uint64_t end = l3sim_now(r->s) + r->c->step_ms;
	uint32_t poll = r->c->poll_ms ? r->c->poll_ms : r->c->step_ms;

	while (l3sim_now(r->s) < end) {
		uint64_t t = l3sim_now(r->s) + poll;

		l3sim_run(r->s, t < end ? t : end);
		if (over_memory(r))
			return false;
	}
	return true;
}

static bool all_routed(struct run *r)
{
	return r->c->quick_routed ? l3sim_all_routed_quick(r->s, NULL) :
				    l3sim_all_routed(r->s, NULL);
}

static uint64_t converge(struct run *r, uint64_t limit_ms)
{
	uint64_t start = l3sim_now(r->s), next_print = start + PRINT_MS;

	while (l3sim_now(r->s) < start + limit_ms && run_step(r)) {
		if (all_routed(r))
			return l3sim_now(r->s) - start;
		if (l3sim_now(r->s) >= next_print) {
			progress(r);
			next_print += PRINT_MS;
		}
	}
	return UINT64_MAX;
}

struct flap {
	uint64_t t;
	unsigned link;
	bool up, tell;
};

static int flap_cmp(const void *a, const void *b)
{
	const struct flap *p = a, *q = b;

	return (p->t > q->t) - (p->t < q->t);
}

/* The flaps: each link down at a random time in the span for 2-10 s. */
static struct flap *flaps_draw(struct l3sim *s, unsigned nflaps)
{
	struct flap *f = malloc(2 * (size_t)nflaps * sizeof(*f));
	uint64_t t0 = l3sim_now(s);
	unsigned i, nlinks = l3sim_links(s);

	for (i = 0; f && i < nflaps; i++) {
		uint64_t down = t0 + l3sim_rand(s) % (FLAP_SPAN_MS - 10000);
		unsigned l = (unsigned)(l3sim_rand(s) % nlinks);

		f[2 * i] = (struct flap){ down, l, false, i % 2 == 0 };
		f[2 * i + 1] = (struct flap){ down + 2000 + l3sim_rand(s) % 8000, l, true,
					      i % 2 == 0 };
	}
	if (f)
		qsort(f, 2 * (size_t)nflaps, sizeof(f[0]), flap_cmp);
	return f;
}

/* false: no memory for the schedule, or over the memory limit */
static bool flap(struct run *r)
{
	struct l3sim *s = r->s;
	uint64_t t0 = l3sim_now(s);
	struct flap *f = flaps_draw(s, r->c->flaps);
	unsigned i, nlinks = l3sim_links(s);

	for (i = 0; f && i < 2 * r->c->flaps && !over_memory(r); i++) {
		l3sim_run(s, f[i].t);
		/* a link drawn twice: leave it to its first owner */
		if (l3sim_link_is_up(s, f[i].link) == f[i].up)
			continue;
		l3sim_link_set_up(s, f[i].link, f[i].up, f[i].tell);
	}
	for (i = 0; i < nlinks; i++)
		if (!l3sim_link_is_up(s, i))
			l3sim_link_set_up(s, i, true, true);
	l3sim_run(s, t0 + FLAP_SPAN_MS);
	free(f);
	return f && !over_memory(r);
}

static void print_stats(struct l3sim *s, double wall)
{
	struct l3sim_stats st;

	l3sim_stats(s, &st);
	printf("  %llu events (%.0f/s real), %llu packets, %.1f MB sent, %llu lost to cuts\n",
	       (unsigned long long)st.events, (double)st.events / (wall / 1000),
	       (unsigned long long)st.pkts, (double)st.bytes / 1e6,
	       (unsigned long long)st.dropped_down);
	printf("  routes: %llu adds, %llu replaces, %llu deletes, %llu identical re-adds\n",
	       (unsigned long long)st.route_add, (unsigned long long)st.route_replace,
	       (unsigned long long)st.route_del, (unsigned long long)st.route_same);
	printf("  loop checker: %llu walks after changes, %llu all-pairs checks, "
	       "%llu loops; %llu kernel-table errors\n", (unsigned long long)st.loop_checks,
	       (unsigned long long)st.full_checks, (unsigned long long)st.loops,
	       (unsigned long long)st.errors);
	printf("  cores: %llu seqno requests sent, %llu unfeasible updates, %llu "
	       "descriptions accepted, %llu route changes\n",
	       (unsigned long long)l3sim_stat_sum(s, L3_ST_SEQREQ_TX),
	       (unsigned long long)l3sim_stat_sum(s, L3_ST_UPD_UNFEASIBLE),
	       (unsigned long long)l3sim_stat_sum(s, L3_ST_DESC_ACCEPTED),
	       (unsigned long long)l3sim_stat_sum(s, L3_ST_ROUTE_CHANGE));
}

static struct l3sim *setup(struct run *r)
{
	const struct l3rgg_cfg *c = r->c;
	size_t cap = (size_t)c->nodes * PAIRS_PER_NODE;
	struct graph g = { .n = c->nodes };
	struct pair *buf = malloc(cap * sizeof(*buf));
	uint64_t seed = l3sim_seed(c->seed);
	struct l3sim *s = NULL;
	unsigned tries = 1;

	g.x = malloc(c->nodes * sizeof(*g.x));
	g.y = malloc(c->nodes * sizeof(*g.y));
	for (; buf && g.x && g.y && tries <= TRIES &&
	       !place(&g, c, seed, buf, cap); tries++)
		seed++;
	if (buf && g.x && g.y && tries <= TRIES) {
		printf("  placement seed %llu (%u drawn), r = %.4f, %u links\n",
		       (unsigned long long)seed, tries, g.r, g.ne);
		if (g.ne > c->nodes * c->mean_degree / 2)
			printf("  of which %u bridges: the shortest pairs longer than r that "
			       "join components\n", g.ne - c->nodes * c->mean_degree / 2);
		r->heap0 = sb_heap_bytes();
		s = build(&g, c);
	}
	free(buf);
	free(g.x);
	free(g.y);
	return s;
}

/* Every pair routed from the start: 0, or 1 (printed) when not in time. */
static int first_converge(struct run *r)
{
	uint64_t t = converge(r, r->c->converge_ms);

	if (t == UINT64_MAX) {
		if (!r->over_mem)
			printf("FAIL: not every pair routed after %u s\n",
			       r->c->converge_ms / 1000);
		return 1;
	}
	r->conv_ms = t;
	r->conv_wall_ms = l3sim_wall_ms() - r->t0;
	r->heap_conv = sb_heap_bytes();
	printf("  converged: every pair routed after %.2f s simulated, %.1f s real\n",
	       (double)t / 1000, r->conv_wall_ms / 1000);
	return 0;
}

/* Links flap, then every pair must be routed again in time. */
static int flap_and_reconverge(struct run *r)
{
	uint64_t t;

	if (!flap(r)) {
		if (!r->over_mem)
			printf("FAIL: no memory for the flap schedule\n");
		return 1;
	}
	printf("  %u links flapped over %u s: %lu pairs unrouted at the end, %.1f s real\n",
	       r->c->flaps, FLAP_SPAN_MS / 1000, l3sim_unrouted_pairs(r->s),
	       (l3sim_wall_ms() - r->t0) / 1000);
	t = converge(r, r->c->reconverge_ms);
	if (t == UINT64_MAX) {
		if (!r->over_mem)
			printf("FAIL: not every pair routed %u s after the flaps\n",
			       r->c->reconverge_ms / 1000);
		return 1;
	}
	printf("  reconverged %.2f s after the last link came back\n", (double)t / 1000);
	return 0;
}

/* Once settled, each hop's metric near its best neighbour's offer. */
static int settled_metrics(struct run *r)
{
	unsigned long bad, far;
	double excess;

	if (!r->c->metrics)
		return 0;
	l3sim_run(r->s, l3sim_now(r->s) + SETTLE_MS);
	far = l3sim_metric_check(r->s, 25, false);
	bad = l3sim_metric_local_check(r->s, METRIC_SLACK_PCT, true, &excess);
	printf("  metrics: %lu pairs more than %u %% above their best neighbour's "
	       "offer; over the cheapest path %.1f %% on average, %lu pairs more "
	       "than 25 %%\n", bad, METRIC_SLACK_PCT, excess, far);
	if (bad) {
		printf("FAIL: routes far from the cheapest paths once settled\n");
		return 1;
	}
	return 0;
}

/*
 * Memory per simulated node: the peak resident set over the nodes, and
 * the heap the nodes took by the first convergence (mallinfo2, 0 under
 * ASan), less the simulator's own tables: what the cores hold, plus the
 * packets in flight.
 */
static void print_memory(const struct run *r)
{
	uint64_t sim = l3sim_table_bytes(r->s);
	uint64_t heap = r->heap_conv ? r->heap_conv : sb_heap_bytes();
	unsigned n = r->c->nodes;

	sb_print_peak_rss(n);
	if (heap < r->heap0 + sim) {
		printf("  memory: heap per node not known (no mallinfo2 figures)\n");
		return;
	}
	printf("  memory: heap %s %.0f MB over the %.0f MB before the nodes; per node "
	       "%.1f kB in the cores (+ packets in flight), %.1f kB in the simulator's "
	       "tables\n", r->heap_conv ? "at first convergence" : "at the end",
	       mb(heap - r->heap0), mb(r->heap0), (double)(heap - r->heap0 - sim) / 1024 / n,
	       (double)sim / 1024 / n);
}

/* The verdict against the wall-clock limit, when there is one. */
static int verdict(const struct run *r, int rc, double wall)
{
	const struct l3rgg_cfg *c = r->c;

	if (c->wall_limit_ms <= 0) {
		if (!rc)
			printf("ok\n");
		return rc;
	}
	if (!rc && wall > c->wall_limit_ms) {
		printf("FAIL: %.1f s of real time, over the limit of %.0f s\n", wall / 1000,
		       c->wall_limit_ms / 1000);
		rc = 1;
	}
	printf("%s: %u nodes %s in %.1f s real (limit %.0f s)\n", rc ? "FAIL" : "PASS",
	       c->nodes, rc ? "not loop-free and converged" : "loop-free and converged",
	       wall / 1000, c->wall_limit_ms / 1000);
	return rc;
}

int l3rgg_run(const struct l3rgg_cfg *c)
{
	struct run r = { .c = c, .t0 = l3sim_wall_ms(), .conv_ms = UINT64_MAX };
	double wall;
	int rc;

	printf("%s: %u nodes, random geometric graph, mean degree %u\n", c->name, c->nodes,
	       c->mean_degree);
	if (c->nodes < 2 || c->nodes > 65536 || !(r.s = setup(&r))) {
		printf("FAIL: setup\n");
		return 1;
	}
	l3sim_set_full_check(r.s, c->full_check_ms);
	rc = first_converge(&r) || flap_and_reconverge(&r) || settled_metrics(&r);
	if (!r.over_mem)
		l3sim_check_loops(r.s);
	wall = l3sim_wall_ms() - r.t0;
	print_stats(r.s, wall);
	print_memory(&r);
	if (l3sim_errors(r.s)) {
		printf("FAIL: loops or kernel-table misuse\n");
		rc = 1;
	}
	printf("  %.1f s real in all\n", wall / 1000);
	l3sim_free(r.s);
	return verdict(&r, rc, wall);
}
