/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2mesh/core/node.h"
#include "tests/sim/sim.h"
#include "tests/sim/simbase.h"

#define SIM_PORTS_MAX 16	/* = L2_PORTS_MAX */

/* One frame in flight, shared by every copy of it. */
struct sim_frame {
	unsigned refs;
	size_t len;
	uint8_t data[];
};

/* A delivery is a struct sb_ev: p is the frame, port the receiving port. */

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
	struct sb_node b;	/* first: the run loop's part */
	struct l2_node *l2;
	int port_seg[SIM_PORTS_MAX];
	unsigned nports;
};

struct sim {
	struct sb_sim sb;	/* first: events, nodes, clock, PRNG */
	bool port_macs;
	struct sim_seg *segs;
	unsigned nsegs;
	size_t capsegs;
	struct sim_stats st;
};

static struct sim *sim_of(struct sb_sim *sb)
{
	return (struct sim *)(void *)((char *)sb - offsetof(struct sim, sb));
}

static struct sim_node *node_at(const struct sim *s, unsigned i)
{
	return (struct sim_node *)(void *)s->sb.nodes[i];
}

/* ---- node env ----------------------------------------------------------------------- */

static void frame_put(void *p)
{
	struct sim_frame *fr = p;

	if (fr && !--fr->refs)
		free(fr);
}

/* One copy of fr for each other port on seg, each lost with its probability. */
static void seg_carry(struct sim *s, const struct sim_seg *seg, struct sim_frame *fr,
		      unsigned from, unsigned port)
{
	unsigned i;

	for (i = 0; i < seg->nep; i++) {
		struct sb_ev ev = { .k.t = s->sb.now + seg->latency_ms, .p = fr,
				    .node = seg->ep[i].node, .port = (uint8_t)seg->ep[i].port,
				    .kind = SB_EV_DELIVER };

		if (seg->ep[i].node == from && seg->ep[i].port == port)
			continue;
		if (seg->loss > 0 && sb_rng_unit(&s->sb.rng) < seg->loss) {
			s->st.lost++;
			continue;
		}
		fr->refs++;
		if (sb_push(&s->sb, &ev) < 0)
			fr->refs--;
	}
}

static void env_mesh_send(void *user, unsigned port, const uint8_t *frame, size_t len)
{
	struct sim_node *sn = user;
	struct sim *s = sim_of(sn->b.s);
	struct sim_frame *fr;
	struct sim_seg *seg;

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
	seg_carry(s, seg, fr, sn->b.idx, port);
	frame_put(fr);
}

static void env_local_send(void *user, unsigned lport, const uint8_t *frame, size_t len)
{
}

static uint32_t env_rand(void *user)
{
	struct sim_node *sn = user;

	return (uint32_t)(sb_rng_next(&sn->b.rng) >> 32);
}

/* ---- the run loop's side ------------------------------------------------------------------ */

static void ops_deliver(struct sb_sim *sb, struct sb_ev *ev)
{
	struct sim *s = sim_of(sb);
	const struct sim_frame *fr = ev->p;

	s->st.deliveries++;
	s->st.bytes += fr->len;
	l2_rx_mesh(node_at(s, ev->node)->l2, ev->port, fr->data, fr->len, sb->now);
}

static bool ops_tick(struct sb_sim *sb, struct sb_node *b, uint64_t *next)
{
	*next = l2_tick(((struct sim_node *)(void *)b)->l2, sb->now);
	return true;
}

static void ops_node_free(struct sb_node *b)
{
	struct sim_node *sn = (struct sim_node *)(void *)b;

	l2_node_free(sn->l2);
	free(sn);
}

static const struct sb_ops sim_ops = {
	.deliver = ops_deliver,
	.tick = ops_tick,
	.put = frame_put,
	.node_free = ops_node_free,
};

/* ---- topology -------------------------------------------------------------------------- */

struct sim *sim_new(uint64_t seed)
{
	struct sim *s = calloc(1, sizeof(*s));

	if (s)
		sb_sim_init(&s->sb, seed, sizeof(struct sb_ev), &sim_ops);
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
	sb_sim_free(&s->sb);
	for (i = 0; i < s->nsegs; i++)
		free(s->segs[i].ep);
	free(s->segs);
	free(s);
}

void sim_set_port_macs(struct sim *s, bool distinct)
{
	s->port_macs = distinct;
}

void sim_set_verbose(struct sim *s, bool on)
{
	s->sb.verbose = on;
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
	return idx < s->sb.nnodes ? (int)idx : -1;
}

int sim_node_add(struct sim *s, const struct l2_config *tmpl)
{
	struct l2_env env = { .mesh_send = env_mesh_send, .local_send = env_local_send,
			      .rand = env_rand, .log = s->sb.verbose ? sb_env_log : NULL };
	struct l2_config cfg;
	struct sim_node *sn;
	uint8_t mac[6];

	if (sb_node_room(&s->sb) < 0 || !(sn = calloc(1, sizeof(*sn))))
		return -ENOMEM;
	mac_of(s->sb.nnodes, 0, mac);
	if (tmpl)
		cfg = *tmpl;
	else
		l2_config_defaults(&cfg, mac);
	memcpy(cfg.mac, mac, 6);
	sb_node_init(&s->sb, &sn->b);
	env.user = sn;
	sn->l2 = l2_node_new(&cfg, &env, s->sb.now);
	if (!sn->l2) {
		free(sn);
		return -ENOMEM;
	}
	sb_node_append(&s->sb, &sn->b);
	return (int)sn->b.idx;
}

int sim_seg_add(struct sim *s, double loss, uint32_t latency_ms)
{
	if (sb_room(&s->segs, s->nsegs, &s->capsegs, sizeof(*s->segs)) < 0)
		return -ENOMEM;
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

	if (seg >= s->nsegs || node >= s->sb.nnodes)
		return -EINVAL;
	sn = node_at(s, node);
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
		struct sim_node *sn = node_at(s, sg->ep[i].node);

		l2_port_set_up(sn->l2, sg->ep[i].port, up, s->sb.now);
		sb_tick_at(&s->sb, &sn->b, l2_tick(sn->l2, s->sb.now));
	}
}

void sim_seg_set_loss(struct sim *s, unsigned seg, double loss)
{
	s->segs[seg].loss = loss;
}

int sim_grid(struct sim *s, unsigned w, unsigned h, const struct l2_config *tmpl,
	     double loss, uint32_t latency_ms)
{
	unsigned x, y, first = s->sb.nnodes;

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

void sim_run(struct sim *s, uint64_t until_ms)
{
	sb_run(&s->sb, until_ms);
}

uint64_t sim_run_until(struct sim *s, sb_pred *pred, void *arg, uint64_t step_ms,
		       uint64_t deadline_ms)
{
	return sb_run_until(&s->sb, pred, s, arg, step_ms, deadline_ms);
}

uint64_t sim_now(const struct sim *s)
{
	return s->sb.now;
}

unsigned sim_nodes(const struct sim *s)
{
	return s->sb.nnodes;
}

struct l2_node *sim_l2(struct sim *s, unsigned node)
{
	return node < s->sb.nnodes ? node_at(s, node)->l2 : NULL;
}

int sim_port_seg(const struct sim *s, unsigned node, unsigned port)
{
	if (node >= s->sb.nnodes || port >= node_at(s, node)->nports)
		return -1;
	return node_at(s, node)->port_seg[port];
}

void sim_stats(const struct sim *s, struct sim_stats *st)
{
	*st = s->st;
	st->events = s->sb.events;
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
		if (l2_orig_router(node_at(s, cur)->l2, dst, &port, nh) < 0)
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

bool sim_all_routes(void *sim, void *unused)
{
	struct sim *s = sim;
	uint8_t dst[6];
	unsigned i, j;

	for (j = 0; j < s->sb.nnodes; j++) {
		sim_node_mac(j, dst);
		for (i = 0; i < s->sb.nnodes; i++)
			if (i != j && l2_orig_router(node_at(s, i)->l2, dst, NULL, NULL) < 0)
				return false;
	}
	return true;
}

double sim_wall_ms(void)
{
	return sb_wall_ms();
}
