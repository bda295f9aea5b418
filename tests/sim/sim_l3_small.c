/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l3route in small meshes: a line of 3 and a ring of 5, each node
 * announcing an IPv4 and an IPv6 prefix besides its node address.
 *
 * - every node gets a route to every node address and every prefix, each
 *   path ends at its owner, hop counts are shortest and metrics are the
 *   cheapest over the link costs the cores report;
 * - a ring link cut with both interfaces going down (cable pulled), and
 *   one that only goes silent (out of radio range): every pair is routed
 *   again, within a bound;
 * - a node stopped without a word: its address and prefixes vanish from
 *   every kernel table within a bound (the neighbours' link timeout, then
 *   retractions), and the others stay routed to each other.
 * The loop checker runs throughout; any loop or kernel-table misuse fails.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/l3sim.h"

#define SEED 1
#define CONVERGE_MS 15000
#define SETTLE_MS 5000
/* A pulled cable: the ends retract at once, the rest follows within a
 * few flushes and one seqno request round trip. */
#define CUT_LIMIT_MS 3000
/* A silent link: link_timeout (2500 ms) before the ends notice, then as
 * above. */
#define SILENT_LIMIT_MS 6000
/* A silent node: its neighbours' link timeout, then retractions. */
#define STOP_LIMIT_MS 6000
#define NPFX 2

static int failed;

static void fail(const char *what)
{
	printf("FAIL: %s\n", what);
	failed = 1;
}

static void node_prefixes(unsigned i, struct l3_prefix *p)
{
	char buf[64];

	memset(p, 0, NPFX * sizeof(*p));
	snprintf(buf, sizeof(buf), "10.99.%u.0/24", i);
	mc_ip_parse(buf, &p[0].ip);
	snprintf(buf, sizeof(buf), "fd99:0:%x::/48", i);
	mc_ip_parse(buf, &p[1].ip);
}

static struct l3sim *build(unsigned n, bool ring)
{
	struct l3sim *s = l3sim_new(l3sim_seed(SEED));
	struct l3_config cfg;
	unsigned i;

	for (i = 0; s && i < n; i++) {
		l3_config_defaults(&cfg);
		cfg.chain_len = 256;
		cfg.nprefix = NPFX;
		node_prefixes(i, cfg.prefix);
		if (i == 0) {	/* blackholes of everything and of all nodes: refused */
			mc_ip_parse("0.0.0.0/0", &cfg.prefix[cfg.nprefix++].ip);
			mc_ip_parse("::/0", &cfg.prefix[cfg.nprefix++].ip);
			mc_ip_parse("10.99.0.0/16", &cfg.prefix[cfg.nprefix++].ip);
		}
		if (l3sim_node_add(s, &cfg) != (int)i)
			return NULL;
	}
	for (i = 0; s && i + 1 < n + ring; i++)
		if (l3sim_link(s, i, (i + 1) % n, 1 + (uint32_t)(l3sim_rand(s) % 5), 0, 0) < 0)
			return NULL;
	return s;
}

/* Every live node reaches every other's address and prefixes. */
static bool all_routed(void *sim, void *arg)
{
	struct l3sim *s = sim;
	struct l3_prefix p[NPFX];
	unsigned i, j, k;

	for (j = 0; j < l3sim_nodes(s); j++) {
		if (!l3sim_node_alive(s, j))
			continue;
		node_prefixes(j, p);
		for (i = 0; i < l3sim_nodes(s); i++) {
			if (i == j || !l3sim_node_alive(s, i))
				continue;
			if (l3sim_path(s, i, j, NULL) < 0)
				return false;
			for (k = 0; k < NPFX; k++)
				if (l3sim_path_prefix(s, i, &p[k].ip, j, NULL) < 0)
					return false;
		}
	}
	return true;
}

/* No live node holds a route to node `gone`'s address or prefixes. */
static bool vanished(void *sim, void *arg)
{
	struct l3sim *s = sim;
	unsigned gone = *(unsigned *)arg, i, k;
	struct l3_prefix p[NPFX];
	struct mc_ip a = { .family = AF_INET6, .plen = 128 };

	memcpy(a.a, l3sim_node_addr(s, gone), 16);
	node_prefixes(gone, p);
	for (i = 0; i < l3sim_nodes(s); i++) {
		if (!l3sim_node_alive(s, i))
			continue;
		if (l3sim_has_route(s, i, &a))
			return false;
		for (k = 0; k < NPFX; k++)
			if (l3sim_has_route(s, i, &p[k].ip))
				return false;
	}
	return true;
}

/* Hop distances over carrying links between live nodes (BFS). */
static void bfs(struct l3sim *s, unsigned from, int *dist)
{
	unsigned q[64], qh = 0, qt = 0, l, a, b;

	for (a = 0; a < l3sim_nodes(s); a++)
		dist[a] = -1;
	dist[from] = 0;
	q[qt++] = from;
	while (qh < qt) {
		unsigned v = q[qh++];

		for (l = 0; l < l3sim_links(s); l++) {
			l3sim_link_ends(s, l, &a, &b);
			if (!l3sim_link_is_up(s, l) || (a != v && b != v))
				continue;
			b = a == v ? b : a;
			if (dist[b] < 0 && l3sim_node_alive(s, b)) {
				dist[b] = dist[v] + 1;
				q[qt++] = b;
			}
		}
	}
}

/* Paths are shortest in hops, the engine's own hop count agrees, and
 * metrics are the cheapest. Returns the pairs that are not. */
static unsigned check_paths(struct l3sim *s)
{
	unsigned i, j, bad = 0, n = l3sim_nodes(s);
	struct l3_orig_info oi;
	int dist[64], hops;

	for (i = 0; i < n; i++) {
		if (!l3sim_node_alive(s, i))
			continue;
		bfs(s, i, dist);
		for (j = 0; j < n; j++) {
			if (j == i || !l3sim_node_alive(s, j))
				continue;
			hops = l3sim_path(s, i, j, NULL);
			if (l3_orig_get(l3sim_l3(s, i), l3sim_node_id(s, j), &oi,
					l3sim_now(s)) < 0)
				oi.hops = 0;
			if (hops == dist[j] && oi.hops == hops)
				continue;
			printf("  n%u -> n%u: %d hops, shortest %d, engine says %u\n", i, j,
			       hops, dist[j], oi.hops);
			bad++;
		}
	}
	return bad + (unsigned)l3sim_metric_check(s, 0, true);
}

/* What each unrouted pair's source believes, for the log. */
static void dump_unrouted(struct l3sim *s)
{
	unsigned i, j, shown = 0;
	struct l3_orig_info oi;
	int r;

	for (i = 0; i < l3sim_nodes(s); i++) {
		for (j = 0; j < l3sim_nodes(s) && shown < 12; j++) {
			if (i == j || !l3sim_node_alive(s, i) || !l3sim_node_alive(s, j))
				continue;
			r = l3sim_path(s, i, j, NULL);
			if (r >= 0)
				continue;
			shown++;
			if (l3_orig_get(l3sim_l3(s, i), l3sim_node_id(s, j), &oi,
					l3sim_now(s)) < 0) {
				printf("    n%u -> n%u: path %d, originator unknown\n", i, j, r);
				continue;
			}
			printf("    n%u -> n%u: path %d, kernel next hop %d; engine: reachable %d "
			       "metric %u hops %u seq %u/%u via %d\n", i, j, r,
			       l3sim_next_hop(s, i, j), oi.reachable, oi.metric, oi.hops, oi.dseq,
			       oi.seqno, oi.reachable ? l3sim_if_peer(s, i, oi.ifidx) : -1);
		}
	}
}

static uint64_t converge(struct l3sim *s, const char *what, uint64_t limit_ms)
{
	uint64_t t0 = l3sim_now(s);
	uint64_t t = l3sim_run_until(s, all_routed, NULL, 10, t0 + limit_ms);

	if (t == UINT64_MAX) {
		printf("  %s: not every pair routed after %.1f s\n", what,
		       (double)limit_ms / 1000);
		dump_unrouted(s);
		fail(what);
		return t;
	}
	printf("  %s: every pair routed after %.2f s\n", what, (double)(t - t0) / 1000);
	return t - t0;
}

static void settle_and_check(struct l3sim *s, const char *what)
{
	unsigned bad;

	l3sim_run(s, l3sim_now(s) + SETTLE_MS);
	bad = check_paths(s);
	printf("  %s, %u s later: %u pairs not shortest/cheapest\n", what,
	       SETTLE_MS / 1000, bad);
	if (bad)
		fail("paths not shortest once settled");
}

static void finish(struct l3sim *s, const char *name)
{
	struct l3sim_stats st;

	if (l3sim_check_loops(s))
		fail("loop at the end");
	l3sim_stats(s, &st);
	printf("  %s: seqno requests sent %llu, received %llu; unfeasible updates %llu\n",
	       name, (unsigned long long)l3sim_stat_sum(s, L3_ST_SEQREQ_TX),
	       (unsigned long long)l3sim_stat_sum(s, L3_ST_SEQREQ_RX),
	       (unsigned long long)l3sim_stat_sum(s, L3_ST_UPD_UNFEASIBLE));
	printf("  %s: %llu pkts, %llu bytes, %llu route adds, %llu replaces, "
	       "%llu deletes, %llu identical re-adds, %llu loop walks\n", name,
	       (unsigned long long)st.pkts, (unsigned long long)st.bytes,
	       (unsigned long long)st.route_add, (unsigned long long)st.route_replace,
	       (unsigned long long)st.route_del, (unsigned long long)st.route_same,
	       (unsigned long long)st.loop_checks);
	if (l3sim_errors(s)) {
		printf("  %llu loops, %llu kernel-table errors\n",
		       (unsigned long long)st.loops, (unsigned long long)st.errors);
		fail("loops or kernel-table misuse");
	}
	l3sim_free(s);
}

/* A line or ring of n, converged and checked; NULL (a failure) if not built. */
static struct l3sim *start(unsigned n, bool ring, const char *title, const char *what)
{
	struct l3sim *s = build(n, ring);

	printf("%s:\n", title);
	if (!s) {
		fail("setup");
		return NULL;
	}
	converge(s, "start", CONVERGE_MS);
	settle_and_check(s, what);
	return s;
}

/* Defaults belong to gateway offers: node 0's 0.0.0.0/0 and ::/0 are in
 * nobody's table; nor is its 10.99.0.0/16, which covers every other
 * node's own 10.99.i.0/24. */
static void no_defaults(struct l3sim *s)
{
	struct mc_ip d4, d6, over;

	mc_ip_parse("0.0.0.0/0", &d4);
	mc_ip_parse("::/0", &d6);
	mc_ip_parse("10.99.0.0/16", &over);
	for (unsigned i = 0; i < l3sim_nodes(s); i++) {
		if (l3sim_has_route(s, i, &d4) || l3sim_has_route(s, i, &d6))
			fail("a node routes an announced default prefix");
		if (i && l3sim_has_route(s, i, &over))
			fail("a node routes a prefix over its own");
	}
}

static void line3(void)
{
	struct l3sim *s = start(3, false, "line of 3", "line");

	if (s) {
		no_defaults(s);
		finish(s, "line");
	}
}

static int link_between(struct l3sim *s, unsigned x, unsigned y)
{
	unsigned l, a, b;

	for (l = 0; l < l3sim_links(s); l++) {
		l3sim_link_ends(s, l, &a, &b);
		if ((a == x && b == y) || (a == y && b == x))
			return (int)l;
	}
	return -1;
}

static void ring_cut(struct l3sim *s, unsigned x, unsigned y, bool tell,
		     uint64_t limit_ms)
{
	int l = link_between(s, x, y);
	char what[64];

	snprintf(what, sizeof(what), "%s cut n%u-n%u", tell ? "pulled" : "silent", x, y);
	l3sim_link_set_up(s, (unsigned)l, false, tell);
	if (converge(s, what, limit_ms) != UINT64_MAX)
		settle_and_check(s, what);
	l3sim_link_set_up(s, (unsigned)l, true, tell);
	converge(s, "link mended", CONVERGE_MS);
	l3sim_run(s, l3sim_now(s) + SETTLE_MS);
}

static void ring5(void)
{
	struct l3sim *s = start(5, true, "ring of 5", "ring");
	unsigned gone = 2;
	uint64_t t0, t;

	if (!s)
		return;
	ring_cut(s, 0, 1, true, CUT_LIMIT_MS);
	ring_cut(s, 3, 4, false, SILENT_LIMIT_MS);

	l3sim_node_stop(s, gone, false);
	t0 = l3sim_now(s);
	t = l3sim_run_until(s, vanished, &gone, 10, t0 + STOP_LIMIT_MS);
	if (t == UINT64_MAX) {
		fail("a stopped node's routes stay");
	} else {
		printf("  n%u stopped silently: its routes gone from every table after "
		       "%.2f s (limit %.1f)\n", gone, (double)(t - t0) / 1000,
		       STOP_LIMIT_MS / 1000.0);
	}
	converge(s, "without n2", CONVERGE_MS);
	settle_and_check(s, "without n2");
	finish(s, "ring");
}

int main(void)
{
	printf("sim_l3_small: seed %llu\n", (unsigned long long)l3sim_seed(SEED));
	line3();
	ring5();
	if (!failed)
		printf("ok\n");
	return failed;
}
