/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tests/sim/l3sim.h"
#include "tests/sim/simbase.h"

#define L3SIM_CHAIN_LEN 256	/* small chains keep 1000 nodes' memory low */
#define FULL_CHECK_MS 1000	/* the all-pairs loop check, virtual time */
#define REPORT_MAX 10		/* errors and loops printed in full */
#define SPIN_MAX 64		/* ticks of one node at one ms before it is stepped on */
#define LOOP_PRINT_MAX 24	/* nodes of a cycle printed */
#define NO_LINK UINT32_MAX	/* an interface whose link could not be made */

struct sim_pkt {
	size_t len;
	uint8_t data[];
};

/* A delivery: p is the packet, port the receiving end of the link. */
struct sim_event {
	struct sb_ev e;		/* first: the run loop's part */
	uint32_t link;
	uint32_t gen;		/* the link's generation when sent */
};

struct sim_link {
	unsigned node[2];
	unsigned ifidx[2];
	uint32_t delay_ms;
	double loss;
	uint32_t gen;		/* bumped when cut: in-flight packets die */
	bool up;		/* carrying */
	bool told_down[2];	/* that end's core was told the interface is down */
};

/* A fake kernel route to a node address; indexed by destination node. */
struct kent {
	int32_t nh;		/* next-hop node, -1 none, -2 not a peer */
	uint32_t metric;
	uint16_t ifidx;
	uint8_t present;
};

/* A fake kernel route to any other prefix. */
struct xent {
	struct mc_ip dst;
	int32_t nh;
	uint32_t metric;
	unsigned ifidx;
};

struct sim_node {
	struct sb_node b;	/* first: the run loop's part */
	struct l3_node *n;	/* NULL once stopped */
	bool freeing;		/* inside l3_node_free() */
	struct in6_addr addr;
	uint8_t id[L3_ID_LEN];
	uint32_t *cost;		/* per interface, for l3sim_metric_check() */
	unsigned *if_link;	/* interface index -> link, NO_LINK if unused */
	unsigned nif;
	struct kent *kt;
	unsigned nkt, nroutes;
	struct xent *xt;
	unsigned nxt;
};

struct dirty {
	uint32_t node, dst;
};

struct l3sim {
	struct sb_sim sb;	/* first: events, nodes, clock, PRNG */
	struct sim_link *links;
	unsigned nlinks;
	size_t caplinks;
	int32_t *amap;		/* node address -> node, open addressing */
	unsigned amap_cap;
	/* the loop checker */
	struct dirty *dirty;
	unsigned ndirty;
	size_t capdirty;
	uint64_t *seen, *done;
	int8_t *res;
	unsigned *stack;
	unsigned ncheck;
	uint64_t walk_id;
	uint64_t next_full;
	uint32_t full_ms;	/* the all-pairs check's period; 0: none */
	bool changed;		/* a next hop changed since the last full check */
	unsigned reported;
	struct l3sim_stats st;
};

static struct l3sim *sim_of(struct sb_sim *sb)
{
	return (struct l3sim *)(void *)((char *)sb - offsetof(struct l3sim, sb));
}

static struct l3sim *owner(const struct sim_node *sn)
{
	return sim_of(sn->b.s);
}

static struct sim_node *node_at(const struct l3sim *s, unsigned i)
{
	return (struct sim_node *)(void *)s->sb.nodes[i];
}

/* ---- PRNG ------------------------------------------------------------------- */

uint64_t l3sim_rand(struct l3sim *s)
{
	return sb_rng_next(&s->sb.rng);
}

double l3sim_unit(struct l3sim *s)
{
	return sb_rng_unit(&s->sb.rng);
}

/* ---- reporting ------------------------------------------------------------------ */

static void report(struct l3sim *s, bool is_loop, const char *fmt, ...)
{
	va_list ap;

	if (is_loop)
		s->st.loops++;
	else
		s->st.errors++;
	if (s->reported++ >= REPORT_MAX)
		return;
	printf("  l3sim %.3f s: %s", (double)s->sb.now / 1000, is_loop ? "LOOP " : "ERROR ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void ops_spin(struct sb_sim *sb, struct sb_node *b)
{
	report(sim_of(sb), false, "n%u: l3_tick keeps returning the current time", b->idx);
}

/* ---- addresses ------------------------------------------------------------------ */

static void ll_of(unsigned node, unsigned ifidx, struct in6_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[0] = 0xfe;
	a->s6_addr[1] = 0x80;
	a->s6_addr[10] = (uint8_t)(node >> 24);
	a->s6_addr[11] = (uint8_t)(node >> 16);
	a->s6_addr[12] = (uint8_t)(node >> 8);
	a->s6_addr[13] = (uint8_t)node;
	a->s6_addr[14] = (uint8_t)(ifidx >> 8);
	a->s6_addr[15] = (uint8_t)ifidx;
}

static bool ll_is(const struct in6_addr *a, unsigned node, unsigned ifidx)
{
	struct in6_addr b;

	ll_of(node, ifidx, &b);
	return memcmp(a, &b, sizeof(b)) == 0;
}

static unsigned addr_hash(const struct in6_addr *a)
{
	uint32_t h = 2166136261u;
	unsigned i;

	for (i = 0; i < 16; i++)
		h = (h ^ a->s6_addr[i]) * 16777619u;
	return h;
}

static int amap_find(const struct l3sim *s, const struct in6_addr *a)
{
	unsigned i;

	if (!s->amap_cap)
		return -1;
	for (i = addr_hash(a) & (s->amap_cap - 1); s->amap[i] >= 0;
	     i = (i + 1) & (s->amap_cap - 1))
		if (!memcmp(&node_at(s, (unsigned)s->amap[i])->addr, a, sizeof(*a)))
			return s->amap[i];
	return -1;
}

static void amap_put(struct l3sim *s, unsigned node)
{
	unsigned i;

	for (i = addr_hash(&node_at(s, node)->addr) & (s->amap_cap - 1); s->amap[i] >= 0;
	     i = (i + 1) & (s->amap_cap - 1))
		;
	s->amap[i] = (int32_t)node;
}

/* Keeps the map at most half full; called before node `nnodes` is added. */
static int amap_grow(struct l3sim *s)
{
	unsigned cap = s->amap_cap ? s->amap_cap : 64, i;
	int32_t *m;

	while (2 * (s->sb.nnodes + 1) > cap)
		cap *= 2;
	if (cap == s->amap_cap)
		return 0;
	m = malloc(cap * sizeof(*m));
	if (!m)
		return -ENOMEM;
	for (i = 0; i < cap; i++)
		m[i] = -1;
	free(s->amap);
	s->amap = m;
	s->amap_cap = cap;
	for (i = 0; i < s->sb.nnodes; i++)
		amap_put(s, i);
	return 0;
}

int l3sim_node_by_addr(const struct l3sim *s, const struct in6_addr *addr)
{
	return amap_find(s, addr);
}

/* The node a kernel route's dst names (its /128 node address), or -1. */
static int dst_node(const struct l3sim *s, const struct mc_ip *dst)
{
	struct in6_addr a;

	if (dst->family != AF_INET6 || dst->plen != 128)
		return -1;
	memcpy(&a, dst->a, sizeof(a));
	return amap_find(s, &a);
}

/* ---- the fake kernel table --------------------------------------------------------- */

static void dirty_push(struct l3sim *s, unsigned node, unsigned dst)
{
	if (sb_room(&s->dirty, s->ndirty, &s->capdirty, sizeof(*s->dirty)) < 0) {
		s->changed = true;	/* the full check still sees it */
		return;
	}
	s->dirty[s->ndirty].node = node;
	s->dirty[s->ndirty].dst = dst;
	s->ndirty++;
	s->changed = true;
}

/* The next hop's node, checked against the link behind r->ifidx; -2 when
 * it is not the peer there. */
static int32_t via_node(struct sim_node *sn, const struct l3_kroute *r)
{
	struct l3sim *s = owner(sn);
	const struct sim_link *l;
	unsigned me, peer;

	if (r->ifidx >= sn->nif || sn->if_link[r->ifidx] == NO_LINK) {
		report(s, false, "n%u: route on unknown interface %u", sn->b.idx, r->ifidx);
		return -2;
	}
	l = &s->links[sn->if_link[r->ifidx]];
	me = l->node[0] == sn->b.idx && l->ifidx[0] == r->ifidx ? 0 : 1;
	peer = 1 - me;
	if (!ll_is(&r->via, l->node[peer], l->ifidx[peer])) {
		report(s, false, "n%u: route via an address that is not the peer on if %u",
		       sn->b.idx, r->ifidx);
		return -2;
	}
	if (l->told_down[me])
		report(s, false, "n%u: route to n%u's side over interface %u, which is down",
		       sn->b.idx, l->node[peer], r->ifidx);
	return (int32_t)l->node[peer];
}

static int kt_grow(struct sim_node *sn, unsigned dst)
{
	size_t cap = owner(sn)->sb.capnodes;

	if (dst < sn->nkt)
		return 0;
	if (sb_grow(&sn->kt, sn->nkt, cap, sizeof(*sn->kt)) < 0)
		return -ENOMEM;
	sn->nkt = (unsigned)cap;
	return 0;
}

static void kt_add(struct sim_node *sn, unsigned dst, const struct l3_kroute *r)
{
	struct l3sim *s = owner(sn);
	struct kent *k;
	int32_t nh = via_node(sn, r);

	if (dst == sn->b.idx)
		report(s, false, "n%u: route to its own node address", sn->b.idx);
	if (kt_grow(sn, dst) < 0)
		return;
	k = &sn->kt[dst];
	if (!k->present) {
		s->st.route_add++;
		sn->nroutes++;
	} else if (k->nh == nh && k->ifidx == r->ifidx && k->metric == r->metric) {
		s->st.route_same++;
	} else {
		s->st.route_replace++;
	}
	if (!k->present || k->nh != nh)
		dirty_push(s, sn->b.idx, dst);
	k->present = 1;
	k->nh = nh;
	k->ifidx = (uint16_t)r->ifidx;
	k->metric = r->metric;
}

static void kt_del(struct sim_node *sn, unsigned dst)
{
	struct l3sim *s = owner(sn);

	if (dst >= sn->nkt || !sn->kt[dst].present) {
		report(s, false, "n%u: delete of absent route to n%u", sn->b.idx, dst);
		return;
	}
	sn->kt[dst].present = 0;
	sn->nroutes--;
	s->st.route_del++;
	dirty_push(s, sn->b.idx, dst);
}

static bool ip_eq(const struct mc_ip *a, const struct mc_ip *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       !memcmp(a->a, b->a, mc_ip_len(a));
}

static struct xent *xt_find(const struct sim_node *sn, const struct mc_ip *dst)
{
	unsigned i;

	for (i = 0; i < sn->nxt; i++)
		if (ip_eq(&sn->xt[i].dst, dst))
			return &sn->xt[i];
	return NULL;
}

static void xt_add(struct sim_node *sn, const struct l3_kroute *r)
{
	struct l3sim *s = owner(sn);
	struct xent *x = xt_find(sn, &r->dst);
	int32_t nh = via_node(sn, r);

	if (!x) {
		x = realloc(sn->xt, (sn->nxt + 1) * sizeof(*x));
		if (!x)
			return;
		sn->xt = x;
		x = &sn->xt[sn->nxt++];
		x->dst = r->dst;
		sn->nroutes++;
		s->st.route_add++;
	} else if (x->nh == nh && x->ifidx == r->ifidx && x->metric == r->metric) {
		s->st.route_same++;
	} else {
		s->st.route_replace++;
	}
	x->nh = nh;
	x->ifidx = r->ifidx;
	x->metric = r->metric;
	s->changed = true;
}

static void xt_del(struct sim_node *sn, const struct mc_ip *dst)
{
	struct xent *x = xt_find(sn, dst);
	char buf[MC_IP_STRLEN];

	if (!x) {
		report(owner(sn), false, "n%u: delete of absent route to %s", sn->b.idx,
		       mc_ip_format(dst, buf, sizeof(buf)));
		return;
	}
	*x = sn->xt[--sn->nxt];
	sn->nroutes--;
	owner(sn)->st.route_del++;
	owner(sn)->changed = true;
}

static void env_route(void *user, bool add, const struct l3_kroute *r)
{
	struct sim_node *sn = user;
	int dst = dst_node(owner(sn), &r->dst);

	if (sn->freeing)
		return;		/* l3_node_free(): the shell flushes, as we do */
	if (dst >= 0 && add)
		kt_add(sn, (unsigned)dst, r);
	else if (dst >= 0)
		kt_del(sn, (unsigned)dst);
	else if (add)
		xt_add(sn, r);
	else
		xt_del(sn, &r->dst);
}

/* ---- node env: packets, randomness, logs ------------------------------------------------ */

/* The link behind node sn's interface ifidx, if dst (NULL: multicast) is
 * the peer there; sets *peer to its end. Counts what it refuses. */
static struct sim_link *send_link(struct sim_node *sn, unsigned ifidx,
				  const struct in6_addr *dst, unsigned *peer)
{
	struct l3sim *s = owner(sn);
	struct sim_link *l;

	if (ifidx >= sn->nif || sn->if_link[ifidx] == NO_LINK) {
		s->st.misaddressed++;
		return NULL;
	}
	l = &s->links[sn->if_link[ifidx]];
	*peer = l->node[0] == sn->b.idx && l->ifidx[0] == ifidx ? 1 : 0;
	if (dst && !IN6_IS_ADDR_MULTICAST(dst) && !ll_is(dst, l->node[*peer], l->ifidx[*peer])) {
		s->st.misaddressed++;
		return NULL;
	}
	return l;
}

static void env_send(void *user, unsigned ifidx, const struct in6_addr *dst,
		     const uint8_t *pkt, size_t len)
{
	struct sim_node *sn = user;
	struct l3sim *s = owner(sn);
	struct sim_event ev = { .e.kind = SB_EV_DELIVER };
	struct sim_link *l;
	struct sim_pkt *p;
	unsigned peer;

	s->st.pkts++;
	s->st.bytes += len;
	if (!(l = send_link(sn, ifidx, dst, &peer)))
		return;
	if (!l->up) {
		s->st.dropped_down++;
		return;
	}
	if (l->loss > 0 && l3sim_unit(s) < l->loss) {
		s->st.lost++;
		return;
	}
	if (!(p = malloc(sizeof(*p) + len)))
		return;
	p->len = len;
	memcpy(p->data, pkt, len);
	ev.e.p = p;
	ev.e.k.t = s->sb.now + l->delay_ms;
	ev.e.node = l->node[peer];
	ev.e.port = (uint8_t)peer;
	ev.link = sn->if_link[ifidx];
	ev.gen = l->gen;
	if (sb_push(&s->sb, &ev) < 0)
		free(p);
}

static void env_random(void *user, void *buf, size_t len)
{
	sb_rng_fill(&((struct sim_node *)user)->b.rng, buf, len);
}

/* ---- the simulator --------------------------------------------------------------------- */

static void node_free(struct sb_node *b)
{
	struct sim_node *sn = (struct sim_node *)(void *)b;

	if (sn->n) {
		struct l3_node *n = sn->n;

		sn->n = NULL;
		sn->freeing = true;
		l3_node_free(n);
	}
	free(sn->if_link);
	free(sn->cost);
	free(sn->kt);
	free(sn->xt);
	free(sn);
}

/* The loop checker's per-node arrays follow the node array. */
static int nodes_grow(struct sb_sim *sb, size_t cap)
{
	struct l3sim *s = sim_of(sb);
	size_t n = sb->capnodes;

	if (sb_grow(&s->seen, n, cap, sizeof(*s->seen)) < 0 ||
	    sb_grow(&s->done, n, cap, sizeof(*s->done)) < 0 ||
	    sb_grow(&s->res, n, cap, sizeof(*s->res)) < 0 ||
	    sb_grow(&s->stack, n, cap, sizeof(*s->stack)) < 0)
		return -ENOMEM;
	return 0;
}

static void deliver(struct sb_sim *sb, struct sb_ev *e);
static bool tick(struct sb_sim *sb, struct sb_node *b, uint64_t *next);
static void batch_end(struct sb_sim *sb);

static const struct sb_ops l3sim_ops = {
	.deliver = deliver,
	.tick = tick,
	.put = free,
	.node_free = node_free,
	.batch_end = batch_end,
	.grow = nodes_grow,
	.spin = ops_spin,
	.spin_max = SPIN_MAX,
};

struct l3sim *l3sim_new(uint64_t seed)
{
	struct l3sim *s = calloc(1, sizeof(*s));

	if (s) {
		const char *v = getenv("L3SIM_VERBOSE");

		sb_sim_init(&s->sb, seed, sizeof(struct sim_event), &l3sim_ops);
		s->sb.verbose = v && *v && *v != '0';
		s->next_full = FULL_CHECK_MS;
		s->full_ms = FULL_CHECK_MS;
	}
	return s;
}

uint64_t l3sim_seed(uint64_t dflt)
{
	return sb_seed(dflt);
}

void l3sim_free(struct l3sim *s)
{
	if (!s)
		return;
	sb_sim_free(&s->sb);
	free(s->links);
	free(s->amap);
	free(s->dirty);
	free(s->seen);
	free(s->done);
	free(s->res);
	free(s->stack);
	free(s);
}

void l3sim_set_verbose(struct l3sim *s, bool on)
{
	s->sb.verbose = on;
}

static void node_config(const struct l3sim *s, const struct l3_config *tmpl,
			unsigned idx, struct l3_config *cfg)
{
	uint8_t seed[32] = { 'l', '3', 's', 'i', 'm' }, pk[L3_PK_LEN];

	if (tmpl) {
		*cfg = *tmpl;
	} else {
		l3_config_defaults(cfg);
		cfg->chain_len = L3SIM_CHAIN_LEN;
	}
	seed[5] = (uint8_t)idx;
	seed[6] = (uint8_t)(idx >> 8);
	seed[7] = (uint8_t)(idx >> 16);
	seed[8] = (uint8_t)(idx >> 24);
	l3_key_from_seed(seed, pk, cfg->sk);
	snprintf(cfg->hostname, sizeof(cfg->hostname), "n%u", idx);
}

int l3sim_node_add(struct l3sim *s, const struct l3_config *tmpl)
{
	struct l3_env env = { .send = env_send, .route = env_route,
			      .random = env_random, .log = s->sb.verbose ? sb_env_log : NULL };
	struct l3_self_info self;
	struct l3_config cfg;
	struct sim_node *sn;

	if (amap_grow(s) < 0 || sb_node_room(&s->sb) < 0 || !(sn = calloc(1, sizeof(*sn))))
		return -ENOMEM;
	sb_node_init(&s->sb, &sn->b);
	node_config(s, tmpl, sn->b.idx, &cfg);
	env.user = sn;
	sn->n = l3_node_new(&cfg, &env, s->sb.now);
	if (!sn->n) {
		free(sn);
		return -ENOMEM;
	}
	l3_self(sn->n, &self);
	sn->addr = self.addr;
	memcpy(sn->id, self.id, L3_ID_LEN);
	sb_node_append(&s->sb, &sn->b);
	if (amap_find(s, &sn->addr) >= 0)
		report(s, false, "n%u: node address shared with another node", sn->b.idx);
	else
		amap_put(s, sn->b.idx);
	return (int)sn->b.idx;
}

bool l3sim_node_alive(const struct l3sim *s, unsigned node)
{
	return node < s->sb.nnodes && node_at(s, node)->n;
}

/* ---- links -------------------------------------------------------------------------------- */

static int if_add(struct l3sim *s, unsigned node, unsigned link, uint32_t rate_kbit)
{
	struct sim_node *sn = node_at(s, node);
	unsigned *p = realloc(sn->if_link, (sn->nif + 1) * sizeof(*p));
	char name[16];
	int i;

	if (!p)
		return -ENOMEM;
	sn->if_link = p;
	snprintf(name, sizeof(name), "l%u", link);
	i = l3_if_add(sn->n, name, rate_kbit, false);
	if (i < 0)
		return i;
	if ((unsigned)i != sn->nif) {
		report(s, false, "n%u: l3_if_add returned %d, expected %u", node, i, sn->nif);
		return -EINVAL;
	}
	sn->if_link[sn->nif++] = link;
	return i;
}

static void if_set_up(struct l3sim *s, unsigned node, unsigned ifidx, bool up)
{
	struct sim_node *sn = node_at(s, node);

	if (!sn->n)
		return;
	l3_if_set_up(sn->n, ifidx, up, s->sb.now);
	sb_tick_at(&s->sb, &sn->b, l3_tick(sn->n, s->sb.now));
}

static void check_dirty(struct l3sim *s);

int l3sim_link(struct l3sim *s, unsigned a, unsigned b, uint32_t delay_ms,
	       double loss, uint32_t rate_kbit)
{
	struct sim_link *l;
	int ia, ib;

	if (a == b || !l3sim_node_alive(s, a) || !l3sim_node_alive(s, b))
		return -EINVAL;
	if (sb_room(&s->links, s->nlinks, &s->caplinks, sizeof(*s->links)) < 0)
		return -ENOMEM;
	ia = if_add(s, a, s->nlinks, rate_kbit);
	ib = ia < 0 ? ia : if_add(s, b, s->nlinks, rate_kbit);
	if (ib < 0) {
		if (ia >= 0)	/* a's interface stays, unused */
			node_at(s, a)->if_link[ia] = NO_LINK;
		return ib;
	}
	l = &s->links[s->nlinks];
	memset(l, 0, sizeof(*l));
	l->node[0] = a;
	l->node[1] = b;
	l->ifidx[0] = (unsigned)ia;
	l->ifidx[1] = (unsigned)ib;
	l->delay_ms = delay_ms;
	l->loss = loss;
	l->up = true;
	s->nlinks++;
	if_set_up(s, a, (unsigned)ia, true);
	if_set_up(s, b, (unsigned)ib, true);
	check_dirty(s);
	return (int)s->nlinks - 1;
}

void l3sim_link_set_up(struct l3sim *s, unsigned link, bool up, bool tell)
{
	struct sim_link *l = &s->links[link];
	unsigned e;

	if (!up) {
		l->up = false;
		l->gen++;
		for (e = 0; tell && e < 2; e++) {
			l->told_down[e] = true;
			if_set_up(s, l->node[e], l->ifidx[e], false);
		}
	} else {
		l->up = l3sim_node_alive(s, l->node[0]) && l3sim_node_alive(s, l->node[1]);
		for (e = 0; e < 2; e++) {
			if (!l->told_down[e])
				continue;
			l->told_down[e] = false;
			if_set_up(s, l->node[e], l->ifidx[e], true);
		}
	}
	check_dirty(s);
}

bool l3sim_link_is_up(const struct l3sim *s, unsigned link)
{
	return s->links[link].up;
}

void l3sim_link_ends(const struct l3sim *s, unsigned link, unsigned *a, unsigned *b)
{
	*a = s->links[link].node[0];
	*b = s->links[link].node[1];
}

unsigned l3sim_links(const struct l3sim *s)
{
	return s->nlinks;
}

void l3sim_node_stop(struct l3sim *s, unsigned node, bool tell_peers)
{
	struct sim_node *sn = node_at(s, node);
	struct l3_node *n = sn->n;
	unsigned i;

	if (!n)
		return;
	sn->n = NULL;
	sn->freeing = true;
	l3_node_free(n);
	sn->freeing = false;
	for (i = 0; i < sn->nkt; i++)
		sn->kt[i].present = 0;
	sn->nroutes = 0;
	sn->nxt = 0;
	s->changed = true;
	for (i = 0; i < sn->nif; i++) {
		struct sim_link *l = &s->links[sn->if_link[i]];
		unsigned peer = l->node[0] == node ? 1 : 0;

		l->up = false;
		l->gen++;
		if (tell_peers && !l->told_down[peer]) {
			l->told_down[peer] = true;
			if_set_up(s, l->node[peer], l->ifidx[peer], false);
		}
	}
	check_dirty(s);
}

/* ---- the loop checker --------------------------------------------------------------------- */

static int32_t next_hop(const struct l3sim *s, unsigned node, unsigned dst)
{
	const struct sim_node *sn = node_at(s, node);

	if (dst >= sn->nkt || !sn->kt[dst].present)
		return -1;
	return sn->kt[dst].nh;
}

/* Whether node's route toward dst leaves over a carrying link. */
static bool hop_carries(const struct l3sim *s, unsigned node, unsigned dst)
{
	const struct sim_node *sn = node_at(s, node);
	unsigned ifidx = sn->kt[dst].ifidx;

	return ifidx < sn->nif && sn->if_link[ifidx] != NO_LINK &&
	       s->links[sn->if_link[ifidx]].up;
}

static void print_cycle(struct l3sim *s, unsigned start, unsigned dst)
{
	char buf[LOOP_PRINT_MAX * 12 + 8];
	unsigned cur = start, k = 0;
	size_t off = 0;

	do {
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "n%u(%u) -> ", cur,
					node_at(s, cur)->kt[dst].metric);
		cur = (unsigned)next_hop(s, cur, dst);
	} while (cur != start && ++k < LOOP_PRINT_MAX);
	snprintf(buf + off, sizeof(buf) - off, "n%u", cur);
	report(s, true, "toward n%u: %s", dst, buf);
}

/*
 * Follows node's next hops toward dst; a node seen twice in this walk is
 * a loop. Walks toward one destination in one batch share `round` (less
 * than every walk id of the batch): a node stamped after round was walked
 * from already, over the same tables, so what lies beyond it (a loop
 * included, reported then) is known and the walk stops there. Each node
 * is thus followed once per destination per batch, however many of the
 * changed routes lead through it.
 */
static void walk_changed(struct l3sim *s, unsigned node, unsigned dst, uint64_t round)
{
	uint64_t w = ++s->walk_id;
	unsigned cur = node;
	int32_t nh;

	s->st.loop_checks++;
	while (cur != dst) {
		if (s->seen[cur] == w) {
			print_cycle(s, cur, dst);
			return;
		}
		if (s->seen[cur] > round)
			return;
		s->seen[cur] = w;
		nh = next_hop(s, cur, dst);
		if (nh < 0)
			return;
		cur = (unsigned)nh;
	}
}

static int dirty_cmp(const void *a, const void *b)
{
	const struct dirty *p = a, *q = b;

	if (p->dst != q->dst)
		return p->dst < q->dst ? -1 : 1;
	return (p->node > q->node) - (p->node < q->node);
}

/* The walks after a batch of changes, grouped by destination. */
static void check_dirty(struct l3sim *s)
{
	unsigned dst = UINT_MAX;
	uint64_t round = 0;
	size_t i;

	if (s->ndirty > 1)
		qsort(s->dirty, s->ndirty, sizeof(*s->dirty), dirty_cmp);
	for (i = 0; i < s->ndirty; i++) {
		if (s->dirty[i].dst != dst) {
			dst = s->dirty[i].dst;
			round = ++s->walk_id;
		}
		walk_changed(s, s->dirty[i].node, dst, round);
	}
	s->ndirty = 0;
}

/*
 * Where node's path toward dst ends: 1 at dst, 0 in a black hole, -1 in
 * a loop, -3 at a stopped node. Memoized per destination by `round` (the
 * done stamps), so a check of every source costs O(nodes) per destination.
 * *loop_at gets a node of a cycle this walk closed (one not seen before).
 */
static int resolve(struct l3sim *s, unsigned node, unsigned dst, uint64_t round,
		   int *loop_at)
{
	uint64_t w = ++s->walk_id;
	unsigned n = 0, cur = node;
	int res;
	int32_t nh;

	for (;;) {
		if (cur == dst) {
			res = 1;
			break;
		}
		if (s->done[cur] == round) {
			res = s->res[cur];
			break;
		}
		if (!node_at(s, cur)->n) {
			res = L3SIM_DEAD;
			break;
		}
		if (s->seen[cur] == w) {
			res = -1;
			*loop_at = (int)cur;
			break;
		}
		s->seen[cur] = w;
		s->stack[n++] = cur;
		nh = next_hop(s, cur, dst);
		if (nh < 0 || !hop_carries(s, cur, dst)) {
			res = 0;	/* a loop through a cut link: walk_changed() */
			break;
		}
		cur = (unsigned)nh;
	}
	while (n) {
		cur = s->stack[--n];
		s->done[cur] = round;
		s->res[cur] = (int8_t)res;
	}
	return res;
}

/* Every live (source, destination) pair: loops found and pairs unrouted. */
static void full_scan(struct l3sim *s, unsigned *loops, unsigned long *unrouted)
{
	unsigned d, v;

	*loops = 0;
	*unrouted = 0;
	for (d = 0; d < s->sb.nnodes; d++) {
		uint64_t round = ++s->walk_id;

		if (!node_at(s, d)->n)
			continue;
		for (v = 0; v < s->sb.nnodes; v++) {
			int loop_at = -1;

			if (v == d || !node_at(s, v)->n)
				continue;
			if (resolve(s, v, d, round, &loop_at) != 1)
				(*unrouted)++;
			if (loop_at >= 0) {
				(*loops)++;
				print_cycle(s, (unsigned)loop_at, d);
			}
		}
	}
}

unsigned l3sim_check_loops(struct l3sim *s)
{
	unsigned long unrouted;
	unsigned loops;

	check_dirty(s);
	full_scan(s, &loops, &unrouted);
	s->st.full_checks++;
	s->changed = false;
	return loops;
}

unsigned long l3sim_unrouted_pairs(struct l3sim *s)
{
	unsigned long unrouted;
	unsigned loops;

	check_dirty(s);
	full_scan(s, &loops, &unrouted);
	s->st.full_checks++;
	return unrouted;
}

bool l3sim_all_routed(void *sim, void *unused)
{
	return l3sim_unrouted_pairs(sim) == 0;
}

bool l3sim_all_routed_quick(void *sim, void *unused)
{
	struct l3sim *s = sim;
	unsigned d, v;

	check_dirty(s);
	for (d = 0; d < s->sb.nnodes; d++) {
		uint64_t round = ++s->walk_id;

		for (v = 0; node_at(s, d)->n && v < s->sb.nnodes; v++) {
			int loop_at = -1;

			if (v == d || !node_at(s, v)->n)
				continue;
			if (resolve(s, v, d, round, &loop_at) != 1) {
				if (loop_at >= 0)
					print_cycle(s, (unsigned)loop_at, d);
				return false;
			}
		}
	}
	return true;
}

void l3sim_set_full_check(struct l3sim *s, uint32_t period_ms)
{
	s->full_ms = period_ms;
	s->next_full = period_ms ? s->sb.now - s->sb.now % period_ms + period_ms : UINT64_MAX;
}

/* ---- running -------------------------------------------------------------------------------- */

static void deliver(struct sb_sim *sb, struct sb_ev *e)
{
	const struct sim_event *ev = (const struct sim_event *)(const void *)e;
	struct l3sim *s = sim_of(sb);
	const struct sim_link *l = &s->links[ev->link];
	struct sim_node *sn = node_at(s, e->node);
	const struct sim_pkt *p = e->p;
	unsigned from = 1u - e->port;
	struct in6_addr src;

	if (l->gen != ev->gen || !l->up || !sn->n) {
		s->st.dropped_down++;
		return;
	}
	s->st.delivered++;
	ll_of(l->node[from], l->ifidx[from], &src);
	l3_rx(sn->n, l->ifidx[e->port], &src, p->data, p->len, sb->now);
}

static bool tick(struct sb_sim *sb, struct sb_node *b, uint64_t *next)
{
	struct sim_node *sn = (struct sim_node *)(void *)b;

	if (!sn->n)
		return false;
	*next = l3_tick(sn->n, sb->now);
	return true;
}

/* After every virtual ms: the loop checks. */
static void batch_end(struct sb_sim *sb)
{
	struct l3sim *s = sim_of(sb);

	check_dirty(s);
	if (s->sb.now >= s->next_full) {
		if (s->changed)
			l3sim_check_loops(s);
		s->next_full = s->sb.now - s->sb.now % s->full_ms + s->full_ms;
	}
}

void l3sim_run(struct l3sim *s, uint64_t until_ms)
{
	sb_run(&s->sb, until_ms);
}

uint64_t l3sim_run_until(struct l3sim *s, sb_pred *pred, void *arg, uint64_t step_ms,
			 uint64_t deadline_ms)
{
	return sb_run_until(&s->sb, pred, s, arg, step_ms, deadline_ms);
}

/* ---- queries ----------------------------------------------------------------------------------- */

uint64_t l3sim_now(const struct l3sim *s)
{
	return s->sb.now;
}

unsigned l3sim_nodes(const struct l3sim *s)
{
	return s->sb.nnodes;
}

struct l3_node *l3sim_l3(struct l3sim *s, unsigned node)
{
	return node < s->sb.nnodes ? node_at(s, node)->n : NULL;
}

const struct in6_addr *l3sim_node_addr(const struct l3sim *s, unsigned node)
{
	return &node_at(s, node)->addr;
}

const uint8_t *l3sim_node_id(const struct l3sim *s, unsigned node)
{
	return node_at(s, node)->id;
}

int l3sim_if_peer(const struct l3sim *s, unsigned node, unsigned ifidx)
{
	const struct sim_node *sn = node_at(s, node);
	const struct sim_link *l;

	if (ifidx >= sn->nif || sn->if_link[ifidx] == NO_LINK)
		return -1;
	l = &s->links[sn->if_link[ifidx]];
	return (int)(l->node[0] == node && l->ifidx[0] == ifidx ? l->node[1] : l->node[0]);
}

/*
 * v's metric toward d as its core has it now. The kernel route's metric is
 * not used: the core rewrites a kernel route only when its next hop
 * changes, so the metric there is the one of that moment.
 */
static uint32_t core_metric(const struct l3sim *s, unsigned v, unsigned d)
{
	struct l3_orig_info oi;

	if (!node_at(s, v)->n ||
	    l3_orig_get(node_at(s, v)->n, l3sim_node_id(s, d), &oi, s->sb.now) < 0)
		return L3_METRIC_INF;
	return oi.metric;
}

/* The node after cur toward a destination over a carrying link, or -1. */
typedef int32_t hop_fn(const struct l3sim *s, unsigned cur, const void *dst);

static int32_t node_hop(const struct l3sim *s, unsigned cur, const void *dst)
{
	unsigned d = *(const unsigned *)dst;
	int32_t nh = next_hop(s, cur, d);

	return nh < 0 || !hop_carries(s, cur, d) ? -1 : nh;
}

static int32_t prefix_hop(const struct l3sim *s, unsigned cur, const void *dst)
{
	const struct sim_node *sn = node_at(s, cur);
	const struct xent *x = xt_find(sn, dst);

	if (!x || x->nh < 0 || x->ifidx >= sn->nif || !s->links[sn->if_link[x->ifidx]].up)
		return -1;
	return x->nh;
}

/* Follows hop from `from` to `to`: the hop count or an L3SIM_ result. */
static int path_walk(struct l3sim *s, unsigned from, unsigned to, hop_fn *hop,
		     const void *dst)
{
	uint64_t w = ++s->walk_id;
	unsigned cur = from;
	int hops = 0;
	int32_t nh;

	while (cur != to) {
		if (!node_at(s, cur)->n)
			return L3SIM_DEAD;
		if (s->seen[cur] == w)
			return L3SIM_LOOP;
		s->seen[cur] = w;
		if ((nh = hop(s, cur, dst)) < 0)
			return L3SIM_NOROUTE;
		cur = (unsigned)nh;
		hops++;
	}
	return node_at(s, to)->n ? hops : L3SIM_DEAD;
}

int l3sim_path(struct l3sim *s, unsigned from, unsigned to, uint32_t *metric)
{
	if (metric)
		*metric = from != to && to < node_at(s, from)->nkt &&
			  node_at(s, from)->kt[to].present ? core_metric(s, from, to) :
			  L3_METRIC_INF;
	return path_walk(s, from, to, node_hop, &to);
}

int l3sim_path_prefix(struct l3sim *s, unsigned from, const struct mc_ip *p,
		      unsigned owner, uint32_t *metric)
{
	const struct xent *x = xt_find(node_at(s, from), p);

	if (metric)
		*metric = x ? x->metric : L3_METRIC_INF;
	return path_walk(s, from, owner, prefix_hop, p);
}

int l3sim_next_hop(const struct l3sim *s, unsigned node, unsigned dst)
{
	return next_hop(s, node, dst);
}

bool l3sim_has_route(const struct l3sim *s, unsigned from, const struct mc_ip *p)
{
	const struct sim_node *sn = node_at(s, from);
	int dst = dst_node(s, p);

	if (dst >= 0)
		return (unsigned)dst < sn->nkt && sn->kt[dst].present;
	return xt_find(sn, p) != NULL;
}

unsigned l3sim_route_count(const struct l3sim *s, unsigned from)
{
	return node_at(s, from)->nroutes;
}

/* ---- metric check ------------------------------------------------------------------------- */

static void cost_cb(void *arg, const struct l3_link_info *li)
{
	struct sim_node *sn = arg;

	if (li->ifidx < sn->nif)
		sn->cost[li->ifidx] = li->cost;
}

/* Each live node's link cost per interface, as its core has it now. */
static int costs_load(struct l3sim *s)
{
	unsigned i, k;

	for (i = 0; i < s->sb.nnodes; i++) {
		struct sim_node *sn = node_at(s, i);
		uint32_t *c = realloc(sn->cost, (sn->nif + 1) * sizeof(*c));

		if (!c)
			return -ENOMEM;
		sn->cost = c;
		for (k = 0; k < sn->nif; k++)
			c[k] = L3_METRIC_INF;
		if (sn->n)
			l3_links_foreach(sn->n, cost_cb, sn, s->sb.now);
	}
	return 0;
}

static uint32_t sat_add(uint32_t a, uint32_t b)
{
	return a >= L3_METRIC_INF - b ? L3_METRIC_INF : a + b;
}

/* Bellman-Ford toward dst over the carrying links' costs. */
static void cheapest(struct l3sim *s, unsigned dst, uint32_t *dist)
{
	bool more = true;
	unsigned v, k;

	for (v = 0; v < s->sb.nnodes; v++)
		dist[v] = v == dst ? 0 : L3_METRIC_INF;
	while (more) {
		more = false;
		for (v = 0; v < s->sb.nnodes; v++) {
			const struct sim_node *sn = node_at(s, v);

			for (k = 0; sn->n && v != dst && k < sn->nif; k++) {
				int p = l3sim_if_peer(s, v, k);
				uint32_t m;

				if (p < 0 || !s->links[sn->if_link[k]].up)
					continue;
				m = sat_add(sn->cost[k], dist[p]);
				if (m < dist[v]) {
					dist[v] = m;
					more = true;
				}
			}
		}
	}
}

/* One metric check over every pair of live nodes (v toward d). */
struct mscan {
	unsigned slack_pct;
	bool print;		/* the first few bad pairs */
	bool cheap;		/* cheapest path per destination wanted */
	uint32_t *dist;		/* cheapest(): per node, toward the current d */
	unsigned long bad, pairs;
	double excess;		/* sum over pairs of % above the cheapest */
};

typedef void mscan_fn(struct l3sim *s, struct mscan *ms, unsigned v, unsigned d);

static unsigned long metric_scan(struct l3sim *s, struct mscan *ms, mscan_fn *fn)
{
	unsigned d, v;

	ms->dist = malloc((s->sb.nnodes + 1) * sizeof(*ms->dist));
	if (!ms->dist || costs_load(s) < 0) {
		free(ms->dist);
		return ULONG_MAX;
	}
	for (d = 0; d < s->sb.nnodes; d++) {
		if (!node_at(s, d)->n)
			continue;
		if (ms->cheap)
			cheapest(s, d, ms->dist);
		for (v = 0; v < s->sb.nnodes; v++)
			if (v != d && node_at(s, v)->n)
				fn(s, ms, v, d);
	}
	free(ms->dist);
	return ms->bad;
}

/* m is a metric and at most slack_pct percent above ref. */
static bool within_slack(uint32_t m, uint32_t ref, unsigned slack_pct)
{
	return m != L3_METRIC_INF && (uint64_t)m * 100 <= (uint64_t)ref * (100 + slack_pct);
}

static void bad_pair(struct mscan *ms, unsigned v, unsigned d, uint32_t m,
		     const char *what, uint32_t ref)
{
	if (ms->print && ms->bad < REPORT_MAX)
		printf("  n%u -> n%u: metric %u, %s %u\n", v, d, m, what, ref);
	ms->bad++;
}

static void global_pair(struct l3sim *s, struct mscan *ms, unsigned v, unsigned d)
{
	uint32_t m;

	if (ms->dist[v] == L3_METRIC_INF)
		return;
	l3sim_path(s, v, d, &m);
	if (!within_slack(m, ms->dist[v], ms->slack_pct))
		bad_pair(ms, v, d, m, "cheapest", ms->dist[v]);
}

unsigned long l3sim_metric_check(struct l3sim *s, unsigned slack_pct, bool print)
{
	struct mscan ms = { .slack_pct = slack_pct, .print = print, .cheap = true };

	return metric_scan(s, &ms, global_pair);
}

static uint32_t kmetric(const struct l3sim *s, unsigned v, unsigned d)
{
	const struct sim_node *sn = node_at(s, v);

	if (v == d)
		return 0;
	return d < sn->nkt && sn->kt[d].present ? core_metric(s, v, d) : L3_METRIC_INF;
}

/* The cheapest of v's carrying neighbours' metric toward d plus the link. */
static uint32_t best_local(const struct l3sim *s, unsigned v, unsigned d)
{
	const struct sim_node *sn = node_at(s, v);
	uint32_t best = L3_METRIC_INF;
	unsigned k;

	for (k = 0; k < sn->nif; k++) {
		int p = l3sim_if_peer(s, v, k);
		uint32_t m;

		if (p < 0 || !s->links[sn->if_link[k]].up || !node_at(s, p)->n)
			continue;
		m = sat_add(sn->cost[k], kmetric(s, (unsigned)p, d));
		if (m < best)
			best = m;
	}
	return best;
}

static void local_pair(struct l3sim *s, struct mscan *ms, unsigned v, unsigned d)
{
	uint32_t m = kmetric(s, v, d), b = best_local(s, v, d);
	uint32_t c = ms->cheap ? ms->dist[v] : 0;

	if (m != L3_METRIC_INF && c && c != L3_METRIC_INF) {
		ms->excess += 100.0 * ((double)m - c) / c;
		ms->pairs++;
	}
	if (b != L3_METRIC_INF && !within_slack(m, b, ms->slack_pct))
		bad_pair(ms, v, d, m, "best neighbour gives", b);
}

unsigned long l3sim_metric_local_check(struct l3sim *s, unsigned slack_pct, bool print,
				       double *excess_pct)
{
	struct mscan ms = { .slack_pct = slack_pct, .print = print, .cheap = excess_pct };
	unsigned long bad = metric_scan(s, &ms, local_pair);

	if (excess_pct)
		*excess_pct = ms.pairs ? ms.excess / (double)ms.pairs : 0;
	return bad;
}

uint64_t l3sim_table_bytes(const struct l3sim *s)
{
	uint64_t b = 0;
	unsigned i;

	for (i = 0; i < s->sb.nnodes; i++) {
		const struct sim_node *sn = node_at(s, i);

		b += sizeof(*sn) + (uint64_t)sn->nkt * sizeof(*sn->kt) +
		     (uint64_t)sn->nxt * sizeof(*sn->xt) +
		     (uint64_t)sn->nif * (sizeof(*sn->if_link) + sizeof(*sn->cost));
	}
	return b;
}

uint64_t l3sim_stat_sum(struct l3sim *s, enum l3_stat st)
{
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; i < s->sb.nnodes; i++)
		if (node_at(s, i)->n)
			sum += l3_stats(node_at(s, i)->n)[st];
	return sum;
}

void l3sim_stats(const struct l3sim *s, struct l3sim_stats *st)
{
	*st = s->st;
	st->events = s->sb.events;
}

uint64_t l3sim_errors(const struct l3sim *s)
{
	return s->st.errors + s->st.loops;
}

void l3sim_inject(struct l3sim *s, unsigned node, bool add, const struct l3_kroute *r)
{
	env_route(node_at(s, node), add, r);
	check_dirty(s);
}

void l3sim_ll(unsigned node, unsigned ifidx, struct in6_addr *a)
{
	ll_of(node, ifidx, a);
}

double l3sim_wall_ms(void)
{
	return sb_wall_ms();
}
