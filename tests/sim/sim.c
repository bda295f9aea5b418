/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2mesh/core/node.h"
#include "tests/sim/sim.h"
#include "tests/sim/simbase.h"

#define SIM_PORTS_MAX 16	/* = L2_PORTS_MAX */
#define NEVER UINT64_MAX

enum ev_kind { EV_TICK, EV_DELIVER };

/* One frame in flight, shared by every copy of it. */
struct sim_frame {
	unsigned refs;
	size_t len;
	uint8_t data[];
};

struct sim_event {
	struct sb_key k;	/* first: the heap orders by it */
	struct sim_frame *fr;	/* EV_DELIVER */
	uint32_t node;
	uint8_t port;
	uint8_t kind;
};

struct sim_ep {
	unsigned node;
	unsigned port;
};

struct sim_seg {
	double loss;
	uint32_t latency_ms;
	bool up;
	unsigned nep;
	struct sim_ep *ep;
};

struct sim_node {
	struct sim *s;
	unsigned idx;
	struct l2_node *l2;
	uint64_t rng;
	uint64_t tick_at;	/* the live tick event's time, NEVER if none */
	int port_seg[SIM_PORTS_MAX];
	unsigned nports;
};

struct sim {
	uint64_t now;
	uint64_t rng;
	bool port_macs;
	bool verbose;
	struct sb_heap heap;	/* of struct sim_event */
	struct sim_node **nodes;
	unsigned nnodes, capnodes;
	struct sim_seg *segs;
	unsigned nsegs, capsegs;
	struct sim_stats st;
};

/* ---- node env ----------------------------------------------------------------------- */

static void frame_put(struct sim_frame *fr)
{
	if (fr && !--fr->refs)
		free(fr);
}

static void tick_schedule(struct sim_node *sn, uint64_t t)
{
	struct sim_event ev = { .k.t = t, .node = sn->idx, .kind = EV_TICK };

	if (t < sn->s->now)
		ev.k.t = t = sn->s->now;
	if (t >= sn->tick_at)
		return;
	if (sb_heap_push(&sn->s->heap, &ev) == 0)
		sn->tick_at = t;	/* an older, later event turns stale */
}

static void env_mesh_send(void *user, unsigned port, const uint8_t *frame, size_t len)
{
	struct sim_node *sn = user;
	struct sim *s = sn->s;
	struct sim_frame *fr;
	struct sim_seg *seg;
	unsigned i;

	if (port >= sn->nports || sn->port_seg[port] < 0)
		return;
	seg = &s->segs[sn->port_seg[port]];
	s->st.frames++;
	if (!seg->up)
		return;
	fr = malloc(sizeof(*fr) + len);
	if (!fr)
		return;
	fr->refs = 1;
	fr->len = len;
	memcpy(fr->data, frame, len);
	for (i = 0; i < seg->nep; i++) {
		struct sim_event ev = { .k.t = s->now + seg->latency_ms, .fr = fr,
					.node = seg->ep[i].node, .port = (uint8_t)seg->ep[i].port,
					.kind = EV_DELIVER };

		if (seg->ep[i].node == sn->idx && seg->ep[i].port == port)
			continue;
		if (seg->loss > 0 && sb_rng_unit(&s->rng) < seg->loss) {
			s->st.lost++;
			continue;
		}
		fr->refs++;
		if (sb_heap_push(&s->heap, &ev) < 0)
			fr->refs--;
	}
	frame_put(fr);
}

static void env_local_send(void *user, unsigned lport, const uint8_t *frame, size_t len)
{
}

static uint32_t env_rand(void *user)
{
	struct sim_node *sn = user;

	return (uint32_t)(sb_rng_next(&sn->rng) >> 32);
}

static void env_log(void *user, int level, uint32_t cat, const char *msg)
{
	struct sim_node *sn = user;

	fprintf(stderr, "%8.3f n%u: %s\n", (double)sn->s->now / 1000, sn->idx, msg);
}

/* ---- topology -------------------------------------------------------------------------- */

struct sim *sim_new(uint64_t seed)
{
	struct sim *s = calloc(1, sizeof(*s));

	if (s) {
		s->rng = seed;
		sb_heap_init(&s->heap, sizeof(struct sim_event));
	}
	return s;
}

uint64_t sim_seed(uint64_t dflt)
{
	return sb_seed(dflt);
}

void sim_free(struct sim *s)
{
	unsigned i;

	if (!s)
		return;
	while (s->heap.n) {
		struct sim_event ev;

		sb_heap_pop(&s->heap, &ev);
		frame_put(ev.fr);
	}
	for (i = 0; i < s->nnodes; i++) {
		l2_node_free(s->nodes[i]->l2);
		free(s->nodes[i]);
	}
	for (i = 0; i < s->nsegs; i++)
		free(s->segs[i].ep);
	sb_heap_free(&s->heap);
	free(s->nodes);
	free(s->segs);
	free(s);
}

void sim_set_port_macs(struct sim *s, bool distinct)
{
	s->port_macs = distinct;
}

void sim_set_verbose(struct sim *s, bool on)
{
	s->verbose = on;
}

static void mac_of(unsigned node, unsigned kind, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = (uint8_t)kind;
	mac[2] = (uint8_t)(node >> 16);
	mac[3] = (uint8_t)(node >> 8);
	mac[4] = (uint8_t)node;
	mac[5] = 0;
}

void sim_node_mac(unsigned node, uint8_t mac[6])
{
	mac_of(node, 0, mac);
}

int sim_node_by_mac(const struct sim *s, const uint8_t mac[6])
{
	unsigned idx;

	if (mac[0] != 0x02 || mac[5] != 0 || mac[1] > SIM_PORTS_MAX)
		return -1;
	idx = (unsigned)mac[2] << 16 | (unsigned)mac[3] << 8 | mac[4];
	return idx < s->nnodes ? (int)idx : -1;
}

static int nodes_grow(struct sim *s)
{
	unsigned cap = s->capnodes ? 2 * s->capnodes : 64;

	if (s->nnodes < s->capnodes)
		return 0;
	if (sb_grow(&s->nodes, s->capnodes, cap, sizeof(*s->nodes)) < 0)
		return -ENOMEM;
	s->capnodes = cap;
	return 0;
}

int sim_node_add(struct sim *s, const struct l2_config *tmpl)
{
	struct l2_env env = { .mesh_send = env_mesh_send, .local_send = env_local_send,
			      .rand = env_rand, .log = s->verbose ? env_log : NULL };
	struct l2_config cfg;
	struct sim_node *sn;
	uint8_t mac[6];

	if (nodes_grow(s) < 0 || !(sn = calloc(1, sizeof(*sn))))
		return -ENOMEM;
	mac_of(s->nnodes, 0, mac);
	if (tmpl)
		cfg = *tmpl;
	else
		l2_config_defaults(&cfg, mac);
	memcpy(cfg.mac, mac, 6);
	sn->s = s;
	sn->idx = s->nnodes;
	sn->rng = sb_rng_fork(s->rng, sn->idx);
	sn->tick_at = NEVER;
	env.user = sn;
	sn->l2 = l2_node_new(&cfg, &env, s->now);
	if (!sn->l2) {
		free(sn);
		return -ENOMEM;
	}
	s->nodes[s->nnodes++] = sn;
	tick_schedule(sn, s->now);
	return (int)sn->idx;
}

int sim_seg_add(struct sim *s, double loss, uint32_t latency_ms)
{
	if (s->nsegs == s->capsegs) {
		unsigned cap = s->capsegs ? 2 * s->capsegs : 64;
		struct sim_seg *p = realloc(s->segs, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->segs = p;
		s->capsegs = cap;
	}
	memset(&s->segs[s->nsegs], 0, sizeof(s->segs[0]));
	s->segs[s->nsegs].loss = loss;
	s->segs[s->nsegs].latency_ms = latency_ms;
	s->segs[s->nsegs].up = true;
	return (int)s->nsegs++;
}

int sim_seg_join(struct sim *s, unsigned seg, unsigned node, bool wireless)
{
	struct sim_node *sn;
	struct sim_seg *sg;
	struct sim_ep *ep;
	char name[16];
	uint8_t mac[6];
	int port;

	if (seg >= s->nsegs || node >= s->nnodes)
		return -EINVAL;
	sn = s->nodes[node];
	sg = &s->segs[seg];
	if (sn->nports == SIM_PORTS_MAX)
		return -ENOSPC;
	ep = realloc(sg->ep, (sg->nep + 1) * sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	sg->ep = ep;
	mac_of(node, s->port_macs ? sn->nports + 1 : 0, mac);
	snprintf(name, sizeof(name), "mesh%u", sn->nports);
	port = l2_port_add(sn->l2, name, mac, 1500, wireless);
	if (port < 0)
		return port;
	sn->port_seg[port] = (int)seg;
	sn->nports = (unsigned)port + 1;
	ep[sg->nep].node = node;
	ep[sg->nep].port = (unsigned)port;
	sg->nep++;
	return port;
}

int sim_link(struct sim *s, unsigned a, unsigned b, double loss, uint32_t latency_ms)
{
	int seg = sim_seg_add(s, loss, latency_ms);

	if (seg < 0)
		return seg;
	if (sim_seg_join(s, (unsigned)seg, a, false) < 0 ||
	    sim_seg_join(s, (unsigned)seg, b, false) < 0)
		return -ENOMEM;
	return seg;
}

void sim_seg_set_up(struct sim *s, unsigned seg, bool up)
{
	struct sim_seg *sg = &s->segs[seg];
	unsigned i;

	sg->up = up;
	for (i = 0; i < sg->nep; i++) {
		struct sim_node *sn = s->nodes[sg->ep[i].node];

		l2_port_set_up(sn->l2, sg->ep[i].port, up, s->now);
		tick_schedule(sn, l2_tick(sn->l2, s->now));
	}
}

void sim_seg_set_loss(struct sim *s, unsigned seg, double loss)
{
	s->segs[seg].loss = loss;
}

int sim_grid(struct sim *s, unsigned w, unsigned h, const struct l2_config *tmpl,
	     double loss, uint32_t latency_ms)
{
	unsigned x, y, first = s->nnodes;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			if (sim_node_add(s, tmpl) < 0)
				return -ENOMEM;
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			unsigned i = first + y * w + x;

			if (x + 1 < w && sim_link(s, i, i + 1, loss, latency_ms) < 0)
				return -ENOMEM;
			if (y + 1 < h && sim_link(s, i, i + w, loss, latency_ms) < 0)
				return -ENOMEM;
		}
	}
	return (int)first;
}

/* ---- running ------------------------------------------------------------------------------ */

static void ev_run(struct sim *s, const struct sim_event *ev)
{
	struct sim_node *sn = s->nodes[ev->node];

	if (ev->kind == EV_TICK) {
		if (ev->k.t != sn->tick_at)
			return;		/* superseded by an earlier tick */
		sn->tick_at = NEVER;
	} else {
		s->st.deliveries++;
		s->st.bytes += ev->fr->len;
		l2_rx_mesh(sn->l2, ev->port, ev->fr->data, ev->fr->len, s->now);
	}
	s->st.events++;
	tick_schedule(sn, l2_tick(sn->l2, s->now));
}

void sim_run(struct sim *s, uint64_t until_ms)
{
	const struct sb_key *top;

	while ((top = sb_heap_top(&s->heap)) && top->t <= until_ms) {
		struct sim_event ev;

		sb_heap_pop(&s->heap, &ev);
		s->now = ev.k.t;
		ev_run(s, &ev);
		frame_put(ev.fr);
	}
	if (until_ms > s->now)
		s->now = until_ms;
}

uint64_t sim_run_until(struct sim *s, bool (*pred)(struct sim *s, void *arg),
		       void *arg, uint64_t step_ms, uint64_t deadline_ms)
{
	while (s->now < deadline_ms) {
		sim_run(s, s->now + step_ms);
		if (pred(s, arg))
			return s->now;
	}
	return NEVER;
}

uint64_t sim_now(const struct sim *s)
{
	return s->now;
}

unsigned sim_nodes(const struct sim *s)
{
	return s->nnodes;
}

struct l2_node *sim_l2(struct sim *s, unsigned node)
{
	return node < s->nnodes ? s->nodes[node]->l2 : NULL;
}

int sim_port_seg(const struct sim *s, unsigned node, unsigned port)
{
	if (node >= s->nnodes || port >= s->nodes[node]->nports)
		return -1;
	return s->nodes[node]->port_seg[port];
}

void sim_stats(const struct sim *s, struct sim_stats *st)
{
	*st = s->st;
}

/* ---- route checks --------------------------------------------------------------------------- */

int sim_path(struct sim *s, unsigned from, unsigned to, unsigned max_hops,
	     int avoid_seg)
{
	uint8_t dst[6], nh[6];
	unsigned cur = from, hops = 0, port;
	int next;

	sim_node_mac(to, dst);
	while (cur != to) {
		if (hops++ >= max_hops)
			return -2;
		if (l2_orig_router(s->nodes[cur]->l2, dst, &port, nh) < 0)
			return -1;
		if (avoid_seg >= 0 && sim_port_seg(s, cur, port) == avoid_seg)
			return -3;
		next = sim_node_by_mac(s, nh);
		if (next < 0)
			return -1;
		cur = (unsigned)next;
	}
	return (int)hops;
}

bool sim_all_routes(struct sim *s, void *unused)
{
	uint8_t dst[6];
	unsigned i, j;

	for (j = 0; j < s->nnodes; j++) {
		sim_node_mac(j, dst);
		for (i = 0; i < s->nnodes; i++)
			if (i != j && l2_orig_router(s->nodes[i]->l2, dst, NULL, NULL) < 0)
				return false;
	}
	return true;
}

double sim_wall_ms(void)
{
	return sb_wall_ms();
}
