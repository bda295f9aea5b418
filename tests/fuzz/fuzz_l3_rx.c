/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The l3route core's receive path (l3route/core: nbr.c links, desc.c
 * descriptions, orig.c/route.c updates, pfx.c prefixes, gw.c offers) on a
 * node A with two interfaces, fed sequences of packets from four peers
 * B, C, D, E whose keys, hash chains and signed descriptions are made
 * once (so the signatures are real and the verification memo of desc.c
 * makes repeated ones cheap; nothing in the core is switched off).
 *
 * An input is a sequence of records, each one opcode byte and then:
 *   op & 7 == 0  raw packet on interface (op >> 3) & 1 from link-local
 *                source (op >> 4) & 3 (3: a global address): len(2, BE), bytes
 *   op & 7 == 1  time passes: ms(2, BE), then l3_tick
 *   op & 7 == 2  an interface goes down or up: (op >> 3) & 1, (op >> 4) & 1
 *   op & 7 == 3  gateway preference: a byte picks auto, a peer's name or junk
 *   op & 7 == 4  a short tick: (op >> 3) * 100 ms
 *   otherwise    a packet the harness builds from peer (op >> 3) & 3 on
 *                interface (op >> 5) & 1 (its own link-local, or a stranger's
 *                when op & 0x40): a mask byte picks the messages (hello, IHU
 *                naming A, a description, an update, a description request,
 *                a seqno request, a route request, a second update), each
 *                taking a few parameter bytes, then a flip byte and a
 *                position byte: a non-zero flip is XORed into the built
 *                packet there (near-valid packets)
 * A fresh node per input keeps runs reproducible.
 *
 * Checked on the way (abort() on failure):
 *   - every packet A sends decodes (l3_pkt_open/next), fits L3_PKT_MAX and
 *     goes to ff02::2 or a link-local address;
 *   - the routes A gives env->route are what l3_routes_foreach shows after
 *     every record, a deletion removes a route that was given, no route is
 *     a default (/0), inside or over fd5e::/16 other than a node's /128, A's
 *     own address, or a prefix wider than one A announces itself;
 *   - l3_route_get/l3_orig_get answer for what `changed` names;
 *   - l3_tick never returns a time in the past.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "l3route/core/chain.h"
#include "l3route/core/l3.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) { \
	fprintf(stderr, "fuzz_l3_rx.c:%d: %s\n", __LINE__, #c); abort(); } } while (0)

#define NPEER 4
#define NVAR 4			/* signed descriptions per peer */
#define CHAIN_LEN 24		/* the peers' hash chains */
#define KROUTES_MAX 512

struct peer {
	uint8_t sk[L3_SK_LEN], pk[L3_PK_LEN], id[L3_ID_LEN];
	struct in6_addr ll;
	struct l3_chain chain;
	uint8_t desc[NVAR][L3_DESC_MAX];
	size_t desc_len[NVAR];
	uint32_t dseq[NVAR];
	uint16_t hello_seq;
};

static struct peer peers[NPEER];
static uint8_t a_sk[L3_SK_LEN], a_id[L3_ID_LEN];
static struct in6_addr a_addr, stranger, global_src;
static struct l3_config a_cfg;

static struct l3_node *node;
static uint64_t now;
static struct l3_kroute kt[KROUTES_MAX];
static unsigned nkt;
static uint64_t rng;

/* ---- set-up: keys, chains, descriptions ------------------------------------ */

static struct mc_ip ip(const char *s)
{
	struct mc_ip a;

	ENSURE(mc_ip_parse(s, &a) == 0);
	return a;
}

static void ll_addr(struct in6_addr *a, uint8_t last)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[0] = 0xfe;
	a->s6_addr[1] = 0x80;
	a->s6_addr[15] = last;
}

/* Variant v of peer p's description: v 0 bare, 1 prefixes and an IPv4
 * gateway, 2 prefixes A must not route (a default, fd5e::/16 space, one
 * over A's own) and an IPv6 gateway, 3 the same seqno as 1 with other
 * content (a conflict). */
static void peer_desc(struct peer *pr, unsigned p, unsigned v)
{
	static const char *const names[NPEER] = { "b", "c", "d", "e" };
	struct l3_desc d;
	char buf[64];
	int len;

	memset(&d, 0, sizeof(d));
	d.dseq = v == 3 ? 101 : 100 + v;
	memcpy(d.anchor, l3_chain_anchor(&pr->chain), L3_ELEM_LEN);
	d.chain_len = CHAIN_LEN;
	snprintf(d.hostname, sizeof(d.hostname), "%s", names[p]);
	if (v == 1 || v == 3) {
		d.prefix[d.nprefix++] = (struct l3_prefix){ ip("10.13.0.0/16"), L3_PF_ANYCAST };
		snprintf(buf, sizeof(buf), "10.%u.0.0/16", 20 + p);
		d.prefix[d.nprefix++] = (struct l3_prefix){ ip(buf), 0 };
		snprintf(buf, sizeof(buf), "fd%02x::/64", p);
		d.prefix[d.nprefix++] = (struct l3_prefix){ ip(buf), v == 3 ? L3_PF_ANYCAST : 0 };
		d.gw[d.ngw++] = (struct l3_gw_offer){ ip("0.0.0.0/0"), 10000 * (p + 1), 1000 };
	}
	if (v == 2) {
		d.prefix[d.nprefix++] = (struct l3_prefix){ ip("0.0.0.0/0"), 0 };
		d.prefix[d.nprefix++] = (struct l3_prefix){ ip("fd5e::/16"), 0 };
		d.prefix[d.nprefix++] = (struct l3_prefix){ ip("fd5e:1::/32"), 0 };
		d.prefix[d.nprefix++] = (struct l3_prefix){ ip("10.0.0.0/8"), 0 };
		d.prefix[d.nprefix++] = (struct l3_prefix){ ip("10.13.1.0/24"), 0 };
		d.gw[d.ngw++] = (struct l3_gw_offer){ ip("::/0"), 50000, 5000 };
		d.gw[d.ngw++] = (struct l3_gw_offer){ ip("0.0.0.0/0"), 1, 1 };
	}
	len = l3_desc_build(pr->desc[v], sizeof(pr->desc[v]), &d, pr->sk);
	ENSURE(len > 0);
	pr->desc_len[v] = (size_t)len;
	pr->dseq[v] = d.dseq;
}

static void setup(void)
{
	uint8_t seed[32], pk[L3_PK_LEN], hseed[L3_ELEM_LEN];

	for (unsigned p = 0; p < NPEER; p++) {
		struct peer *pr = &peers[p];

		memset(seed, 0xb0 + p, sizeof(seed));
		l3_key_from_seed(seed, pr->pk, pr->sk);
		l3_id_from_pk(pr->pk, pr->id);
		ll_addr(&pr->ll, (uint8_t)(0xb0 + p));
		memset(hseed, 0x50 + p, sizeof(hseed));
		ENSURE(l3_chain_make(&pr->chain, hseed, pr->id, CHAIN_LEN) == 0);
		for (unsigned v = 0; v < NVAR; v++)
			peer_desc(pr, p, v);
	}
	memset(seed, 0xa0, sizeof(seed));
	l3_key_from_seed(seed, pk, a_sk);
	l3_id_from_pk(pk, a_id);
	l3_id_addr(a_id, &a_addr);
	ll_addr(&stranger, 0x99);
	global_src = stranger;
	global_src.s6_addr[0] = 0x20;
	global_src.s6_addr[1] = 0x01;

	l3_config_defaults(&a_cfg);
	memcpy(a_cfg.sk, a_sk, L3_SK_LEN);
	snprintf(a_cfg.hostname, sizeof(a_cfg.hostname), "a");
	a_cfg.chain_len = 16;
	a_cfg.prefix[a_cfg.nprefix++] = (struct l3_prefix){ ip("10.13.0.0/16"), L3_PF_ANYCAST };
	a_cfg.prefix[a_cfg.nprefix++] = (struct l3_prefix){ ip("10.13.1.0/24"), 0 };
	a_cfg.prefix[a_cfg.nprefix++] = (struct l3_prefix){ ip("fd00::/64"), 0 };
}

/* ---- the env: what A sends and routes ------------------------------------- */

static void env_send(void *u, unsigned ifidx, const struct in6_addr *dst,
		     const uint8_t *pkt, size_t len)
{
	struct l3_pkt_iter it;
	struct l3_pkt_hdr h;
	struct l3_msg m;
	int rc;

	ENSURE(ifidx < l3_if_count(node));
	ENSURE(!dst || mc_in6_is_linklocal(dst));
	ENSURE(len <= L3_PKT_MAX);
	ENSURE(l3_pkt_open(&it, &h, pkt, len) == 0);
	ENSURE(!memcmp(h.id, a_id, L3_ID_LEN));
	while ((rc = l3_pkt_next(&it, &m)) > 0)
		if (m.type == L3_TLV_DESC) {
			struct l3_desc d;
			ENSURE(l3_desc_parse(m.u.desc.p, m.u.desc.len, &d) == 0);
		}
	ENSURE(rc == 0 && it.unknown == 0);
}

static bool ip_eq(const struct mc_ip *a, const struct mc_ip *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       !memcmp(a->a, b->a, mc_ip_len(a));
}

static int kt_find(const struct mc_ip *dst)
{
	for (unsigned i = 0; i < nkt; i++)
		if (ip_eq(&kt[i].dst, dst))
			return (int)i;
	return -1;
}

static bool node_space(const struct mc_ip *p)
{
	struct mc_ip ns = ip("fd5e::/16");

	return mc_ip_covers(&ns, p) || mc_ip_covers(p, &ns);
}

static void route_ok(const struct l3_kroute *r)
{
	ENSURE(r->dst.plen > 0);
	ENSURE(r->ifidx < l3_if_count(node));
	ENSURE(mc_in6_is_linklocal(&r->via));
	if (node_space(&r->dst)) {
		ENSURE(r->dst.family == AF_INET6 && r->dst.plen == 128);
		ENSURE(memcmp(r->dst.a, &a_addr, 16));
	}
	for (unsigned i = 0; i < a_cfg.nprefix; i++) {
		const struct mc_ip *own = &a_cfg.prefix[i].ip;
		ENSURE(!(r->dst.plen < own->plen && mc_ip_covers(&r->dst, own)));
	}
}

static void env_route(void *u, bool add, const struct l3_kroute *r)
{
	int i = kt_find(&r->dst);

	if (!add) {
		ENSURE(i >= 0);
		kt[i] = kt[--nkt];
		return;
	}
	route_ok(r);
	if (i < 0) {
		ENSURE(nkt < KROUTES_MAX);
		i = (int)nkt++;
	}
	kt[i] = *r;
}

static void env_random(void *u, void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		p[i] = (uint8_t)rng;
	}
}

static void env_gateway(void *u, int family, const struct l3_gw_info *sel)
{
	ENSURE(family == AF_INET || family == AF_INET6);
	ENSURE(!sel || sel->family == family);
}

static void env_changed(void *u, enum l3_change what, const uint8_t *id,
			const struct mc_ip *dst)
{
	struct l3_route_info ri;
	struct l3_orig_info oi;
	int rc;

	if (!node)	/* inside l3_node_new: A's own description */
		return;
	switch (what) {
	case L3_CHANGE_ROUTE:
		rc = l3_route_get(node, dst, &ri);
		ENSURE(rc == 0 || rc == -ENOENT);
		break;
	case L3_CHANGE_ORIG:
	case L3_CHANGE_DESC:
		rc = l3_orig_get(node, id, &oi, now);
		ENSURE(rc == 0 || rc == -ENOENT);
		ENSURE(rc < 0 || !memcmp(oi.id, id, L3_ID_LEN));
		break;
	default:
		break;
	}
}

/* ---- checks after each record --------------------------------------------- */

struct walk {
	unsigned n;
};

static void one_route(void *arg, const struct l3_route_info *ri)
{
	struct walk *w = arg;
	int i = kt_find(&ri->dst);

	ENSURE(i >= 0);
	ENSURE(kt[i].ifidx == ri->ifidx && !memcmp(&kt[i].via, &ri->via, 16));
	w->n++;
}

static void one_link(void *arg, const struct l3_link_info *li)
{
	ENSURE(li->ifidx < l3_if_count(node));
	ENSURE(mc_in6_is_linklocal(&li->ll));
	ENSURE(memcmp(li->id, a_id, L3_ID_LEN));
}

static void one_orig(void *arg, const struct l3_orig_info *oi)
{
	ENSURE(!oi->reachable || oi->ifidx < l3_if_count(node));
}

static void check_tables(void)
{
	struct walk w = { 0 };
	struct l3_self_info si;

	l3_routes_foreach(node, one_route, &w);
	ENSURE(w.n == nkt);
	l3_links_foreach(node, one_link, NULL, now);
	l3_origs_foreach(node, one_orig, NULL, now);
	l3_self(node, &si);
	ENSURE(!memcmp(si.id, a_id, L3_ID_LEN));
}

/* ---- records ----------------------------------------------------------------- */

static bool take(struct mc_rd *r, uint8_t *v)
{
	return mc_rd_u8(r, v) == 0;
}

/* An update about orig o (0..3 a peer, 4 A itself) from the parameter bytes. */
static void synth_update(struct mc_rd *r, struct l3_msg *m)
{
	uint8_t o = 0, var = 0, s = 0, met = 0, hops = 0;

	take(r, &o);
	take(r, &var);
	take(r, &s);
	take(r, &met);
	take(r, &hops);
	memset(m, 0, sizeof(*m));
	m->type = L3_TLV_UPDATE;
	m->u.update.seqno = (uint16_t)(s & 0x7f) % (CHAIN_LEN + 2);
	m->u.update.metric = met == 255 ? L3_METRIC_INF : (uint32_t)met * met * 64;
	m->u.update.hops = hops;
	if (o % 5 == 4) {
		memcpy(m->u.update.id, a_id, L3_ID_LEN);
		m->u.update.dseq = var;
		return;
	}
	const struct peer *pr = &peers[o % 5];
	const uint8_t *e = l3_chain_elem(&pr->chain, m->u.update.seqno);

	memcpy(m->u.update.id, pr->id, L3_ID_LEN);
	m->u.update.dseq = var & 0x80 ? var : pr->dseq[var % NVAR];
	if (e && !(s & 0x80))
		memcpy(m->u.update.elem, e, L3_ELEM_LEN);
	else
		memset(m->u.update.elem, s, L3_ELEM_LEN);
}

static const uint8_t *id_pick(uint8_t b)
{
	return b % 5 == 4 ? a_id : peers[b % 5].id;
}

static void synth(struct mc_rd *r, uint8_t op)
{
	struct peer *pr = &peers[(op >> 3) & 3];
	unsigned ifidx = (op >> 5) & 1;
	uint8_t buf[L3_PKT_MAX], mask = 0, b = 0, flip = 0, pos = 0;
	struct l3_pkt_builder pb;
	struct l3_msg m;
	size_t len;

	take(r, &mask);
	l3_pkt_init(&pb, buf, sizeof(buf), pr->id);
	if (mask & 1) {
		take(r, &b);
		m = (struct l3_msg){ .type = L3_TLV_HELLO };
		m.u.hello.seqno = pr->hello_seq++;
		m.u.hello.interval_cs = (uint16_t)(b * 4);
		l3_pkt_add(&pb, &m);
	}
	if (mask & 2) {
		take(r, &b);
		m = (struct l3_msg){ .type = L3_TLV_IHU };
		m.u.ihu.rxq = b;
		m.u.ihu.interval_cs = 100;
		memcpy(m.u.ihu.id, b == 7 ? pr->id : a_id, L3_ID_LEN);
		l3_pkt_add(&pb, &m);
	}
	if (mask & 4) {
		const struct peer *from = pr;
		take(r, &b);
		if (b & 0x80)	/* a neighbour passes on another node's description */
			from = &peers[(b >> 4) & 3];
		m = (struct l3_msg){ .type = L3_TLV_DESC };
		m.u.desc.p = from->desc[b % NVAR];
		m.u.desc.len = from->desc_len[b % NVAR];
		l3_pkt_add(&pb, &m);
	}
	if (mask & 8) {
		synth_update(r, &m);
		l3_pkt_add(&pb, &m);
	}
	if (mask & 16) {
		take(r, &b);
		m = (struct l3_msg){ .type = L3_TLV_DESC_REQ };
		memcpy(m.u.desc_req.id, id_pick(b), L3_ID_LEN);
		m.u.desc_req.dseq = b >> 4;
		l3_pkt_add(&pb, &m);
	}
	if (mask & 32) {
		take(r, &b);
		m = (struct l3_msg){ .type = L3_TLV_SEQNO_REQ };
		memcpy(m.u.seqno_req.id, id_pick(b), L3_ID_LEN);
		m.u.seqno_req.seqno = b >> 3;
		m.u.seqno_req.hops = 16;
		l3_pkt_add(&pb, &m);
	}
	if (mask & 64) {
		take(r, &b);
		m = (struct l3_msg){ .type = L3_TLV_ROUTE_REQ };
		m.u.route_req.all = b & 1;
		memcpy(m.u.route_req.id, id_pick(b >> 1), L3_ID_LEN);
		l3_pkt_add(&pb, &m);
	}
	if (mask & 128) {
		synth_update(r, &m);
		l3_pkt_add(&pb, &m);
	}
	len = l3_pkt_finish(&pb);
	take(r, &flip);
	take(r, &pos);
	if (flip && len)
		buf[pos % len] ^= flip;
	l3_rx(node, ifidx, op & 0x40 ? &stranger : &pr->ll, buf, len, now);
}

static const struct in6_addr *src_pick(unsigned i)
{
	return i == 3 ? &global_src : &peers[i].ll;
}

static void tick(void)
{
	uint64_t next = l3_tick(node, now);

	ENSURE(next >= now);
}

static bool run_record(struct mc_rd *r)
{
	static const char *const prefs[] = { "auto", "b", "c", "d", "e", "zz", "", "b0b1" };
	uint8_t op, b = 0;
	uint16_t len = 0;

	if (!take(r, &op))
		return false;
	switch (op & 7) {
	case 0:
		if (mc_rd_u16(r, &len) < 0)
			return false;
		if (len > mc_rd_left(r))
			len = (uint16_t)mc_rd_left(r);
		l3_rx(node, (op >> 3) & 1, src_pick((op >> 4) & 3), mc_rd_cur(r), len, now);
		mc_rd_skip(r, len);
		break;
	case 1:
		if (mc_rd_u16(r, &len) < 0)
			return false;
		now += len;
		tick();
		break;
	case 2:
		l3_if_set_up(node, (op >> 3) & 1, (op >> 4) & 1, now);
		break;
	case 3:
		take(r, &b);
		l3_gw_prefer(node, prefs[b % 8], now);
		break;
	case 4:
		now += (uint64_t)(op >> 3) * 100;
		tick();
		break;
	default:
		synth(r, op);
		break;
	}
	check_tables();
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct l3_env env = {
		.send = env_send, .route = env_route, .random = env_random,
		.gateway = env_gateway, .changed = env_changed,
	};
	struct mc_rd r;

	if (!a_cfg.chain_len)
		setup();
	rng = 0x9e3779b97f4a7c15ull;
	now = 1000000;
	nkt = 0;
	for (unsigned p = 0; p < NPEER; p++)
		peers[p].hello_seq = 0;
	node = l3_node_new(&a_cfg, &env, now);
	ENSURE(node);
	ENSURE(l3_if_add(node, "m0", 0, false) == 0);
	ENSURE(l3_if_add(node, "w0", 54000, true) == 1);
	l3_if_set_up(node, 0, true, now);
	l3_if_set_up(node, 1, true, now);

	mc_rd_init(&r, data, size);
	while (run_record(&r))
		;
	/* the timeouts: links, routes and flushes run out */
	for (int i = 0; i < 3; i++) {
		now += 30000;
		tick();
		check_tables();
	}
	l3_node_goodbye(node, now);
	l3_node_free(node);
	node = NULL;
	return 0;
}
