/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The l2mesh core with its real routing plane and translation table
 * (bat_iv.c, originator.c, gw.c, tt*.c; fuzz_l2_rx.c has stand-ins for
 * them): node A with two mesh ports (wired mesh0, wireless wlan0) and four
 * local ports hears four other nodes O1..O4. Their OGMs (with TT, GW and
 * MCAST TVLVs, A's own OGMs echoed back for the bidirectional link check),
 * TT requests and responses, roaming advertisements, unicast and
 * broadcast frames are built by the harness from a few input bytes, so a
 * short input gets A through link detection, route choice and TT sync;
 * raw frames on either side reach everything else.
 *
 * An input is a sequence of records, each one opcode byte and then:
 *   op & 7 == 0  raw mesh frame on port (op >> 3) & 1: len(2, BE), bytes
 *   op & 7 == 1  raw local frame on port (op >> 3) & 3: len(2, BE), bytes
 *   op & 7 == 2  time passes: ms(2, BE), then l2_tick
 *   op & 7 == 3  an OGM sent by node (op >> 3) & 3 on port (op >> 5) & 1:
 *                orig, seqno step, tq, ttl, flags, TVLV mask, then the
 *                TVLVs' bytes (TT: ttvn step, changes, each one byte)
 *   op & 7 == 4  a unicast TVLV from node (op >> 3) & 3 through neighbour
 *                (op >> 5) & 3 to A: kind (TT request, TT full-table
 *                response, roaming advertisement) and a parameter byte
 *   op & 7 == 5  a data frame from neighbour (op >> 3) & 3 on port
 *                (op >> 5) & 1: kind (unicast to A / to a client / to
 *                another node, 4addr, broadcast), client and payload bytes
 *   op & 7 == 6  a client frame on local port (op >> 3) & 3: source and
 *                destination client, ethertype pick
 *   op & 7 == 7  a port goes down or up: (op >> 3) & 1, (op >> 4) & 1
 * A fresh node per input keeps runs reproducible. Whatever A emits must
 * be a frame it could send (as in fuzz_l2_rx.c) and its OGMs must decode
 * to the end, TVLVs included; the originator, neighbour, gateway and TT
 * tables are walked after every record. Anything else abort()s, as do
 * ASan/UBSan findings.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "l2mesh/core/node.h"
#include "tests/fuzz/l2_fuzz.h"
#include "l2mesh/core/originator.h"
#include "l2mesh/core/tt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) { \
	fprintf(stderr, "fuzz_l2_plane.c:%d: %s\n", __LINE__, #c); abort(); } } while (0)

#define NNODE 4
#define NCLIENT 8		/* clients per node */
#define FRAME_CAP 1600

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0x00, 0x0a };
static const uint8_t A_P0[6] = { 0x02, 0, 0, 0, 0x01, 0x0a };
static const uint8_t A_P1[6] = { 0x02, 0, 0, 0, 0x02, 0x0a };
static const uint8_t ANYGW[6] = { 0xaa, 0x00, 0x00, 0xaa, 0xaa, 0xaa };
static const uint8_t LAN1[6] = { 0x02, 0, 0, 0, 0x03, 0x01 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* What the harness knows of the other nodes, to build believable frames. */
struct other {
	uint8_t mac[6];		/* originator = its one interface */
	uint32_t seqno, bseqno;
	uint8_t ttvn;
	uint8_t clients;	/* bit c: client c announced */
	uint8_t tagged;		/* bit c: client c is on VLAN 1 */
};

static struct other others[NNODE];
static uint32_t own_seqno[2];	/* A's last OGM on each port, for echoes */
static struct l2_node *node;
static uint64_t now;

/* ---- the env ---------------------------------------------------------------- */

static void check_ogms(struct mc_rd *r, unsigned port)
{
	struct l2_ogm ogm;
	struct mc_rd tvlvs;
	struct l2_tvlv tv;
	int rc;

	while ((rc = l2_ogm_next(r, &ogm, &tvlvs)) == 1) {
		ENSURE(ogm.ttl > 0);
		if (l2_mac_eq(ogm.orig, node->ports[port].mac))
			own_seqno[port] = ogm.seqno;
		while ((rc = l2_tvlv_next(&tvlvs, &tv)) == 1) {
			struct l2_tvlv_tt tt;
			if (tv.type == L2_TVLV_TT)
				ENSURE(l2_tvlv_tt_decode(&tv, &tt) == 0);
		}
		ENSURE(rc == 0);
	}
	ENSURE(rc == 0);
}

static void env_mesh(void *u, unsigned port, const uint8_t *f, size_t len)
{
	struct l2_hdr h;
	struct mc_rd r;

	ENSURE(l2_sent_ok(node, port, f, len, &r, &h));
	if (h.type == L2_PT_IV_OGM)
		check_ogms(&r, port);
}

static void env_local(void *u, unsigned lport, const uint8_t *f, size_t len)
{
	ENSURE(lport < node->nlocals);
	ENSURE(len >= L2_ETH_HLEN && len <= L2_FRAME_MAX);
}

static uint32_t rng;

static uint32_t env_rand(void *u)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void env_icmp(void *u, const struct l2_icmp_result *res)
{
}

static void node_up(void)
{
	struct l2_env env = {
		.mesh_send = env_mesh, .local_send = env_local, .rand = env_rand,
		.icmp = env_icmp,
	};
	struct l2_config cfg;

	l2_config_defaults(&cfg, MAC_A);
	memcpy(cfg.anygw_mac, ANYGW, 6);
	cfg.anygw_ip4.s_addr = htonl(0x0a0d0001);		/* 10.13.0.1 */
	cfg.anygw_ip6.s6_addr[0] = 0xfd;
	cfg.anygw_ip6.s6_addr[15] = 1;
	node = l2_node_new(&cfg, &env, now);
	ENSURE(node);
	ENSURE(l2_port_add(node, "mesh0", A_P0, 1500, false) == 0);
	ENSURE(l2_port_add(node, "wlan0", A_P1, 1400, true) == 1);
	l2_local_add(node, "bat0", L2_LOCAL_HOST, MAC_A);
	l2_local_add(node, "anygw", L2_LOCAL_ANYGW, ANYGW);
	l2_local_add(node, "lan1", L2_LOCAL_LAN, LAN1);
	for (unsigned k = 0; k < NNODE; k++) {
		struct other *o = &others[k];
		*o = (struct other){ .mac = { 0x02, 0, 0, 0, 0x00, (uint8_t)(k + 1) },
				     .seqno = 100, .bseqno = 10, .ttvn = 1 };
	}
}

/* ---- building frames --------------------------------------------------------- */

static void client_mac(uint8_t mac[6], unsigned owner, unsigned c)
{
	/* owner NNODE: a client of A */
	const uint8_t m[6] = { 0x52, 0, 0, 0, (uint8_t)(0x10 + owner), (uint8_t)c };

	memcpy(mac, m, 6);
}

static uint16_t client_vid(const struct other *o, unsigned c)
{
	return o->tagged & (1u << c) ? (uint16_t)(L2_VLAN_HAS_TAG | 1) : 0;
}

/* o's VLANs with their CRCs over the announced clients; corrupt: off by one. */
static unsigned tt_vlans(const struct other *o, unsigned k, struct l2_tt_vlan *v, bool corrupt)
{
	unsigned n = 0;

	for (unsigned tag = 0; tag < 2; tag++) {
		uint16_t vid = tag ? (uint16_t)(L2_VLAN_HAS_TAG | 1) : 0;
		uint32_t crc = 0;
		bool any = !tag;	/* VLAN 0 is always there */
		for (unsigned c = 0; c < NCLIENT; c++) {
			uint8_t mac[6];
			if (!(o->clients & (1u << c)) || client_vid(o, c) != vid)
				continue;
			client_mac(mac, k, c);
			crc ^= l2_tt_crc_entry(mac, vid, 0);
			any = true;
		}
		if (any)
			v[n++] = (struct l2_tt_vlan){ .crc = crc + corrupt, .vid = vid };
	}
	return n;
}

static bool take(struct mc_rd *r, uint8_t *v)
{
	return mc_rd_u8(r, v) == 0;
}

/* The TT TVLV of an OGM from node k: a few changes, then the CRCs. */
static void ogm_tt(struct mc_wr *w, struct mc_rd *r, unsigned k)
{
	struct other *o = &others[k];
	struct l2_tt_change ch[3];
	struct l2_tt_vlan v[2];
	uint8_t b = 0, nch, nv;

	take(r, &b);
	nch = b & 3;
	for (unsigned i = 0; i < nch; i++) {
		uint8_t c = 0;
		take(r, &c);
		unsigned idx = c & (NCLIENT - 1);
		if (c & 0x20)
			o->tagged |= (uint8_t)(1u << idx);
		else if (!(o->clients & (1u << idx)))
			o->tagged &= (uint8_t)~(1u << idx);
		ch[i] = (struct l2_tt_change){ .flags = c & 0x80 ? L2_TT_CLIENT_DEL : 0,
					       .vid = client_vid(o, idx) };
		if (c & 0x40)
			ch[i].flags |= L2_TT_CLIENT_WIFI;
		client_mac(ch[i].addr, k, idx);
		if (c & 0x80)
			o->clients &= (uint8_t)~(1u << idx);
		else
			o->clients |= (uint8_t)(1u << idx);
	}
	if (nch || (b & 4))
		o->ttvn = (uint8_t)(o->ttvn + 1 + ((b >> 3) & 1));
	nv = (uint8_t)tt_vlans(o, k, v, b & 0x80);
	l2_tvlv_tt_encode(w, &(struct l2_tt_data){ .flags = L2_TT_OGM_DIFF, .ttvn = o->ttvn,
						  .num_vlan = nv }, v, ch, nch);
}

static void eth_batman(struct mc_wr *w, const uint8_t dst[6], const uint8_t src[6])
{
	struct l2_eth eth = { .ethertype = L2_ETHERTYPE_BATMAN };

	memcpy(eth.dst, dst, 6);
	memcpy(eth.src, src, 6);
	l2_eth_encode(w, &eth);
}

static void synth_ogm(struct mc_rd *r, uint8_t op)
{
	unsigned k = (op >> 3) & 3, port = (op >> 5) & 1;
	uint8_t buf[FRAME_CAP], sel = 0, step = 0, tq = 0, ttl = 0, fl = 0, mask = 0;
	struct l2_ogm ogm = { 0 };
	struct mc_wr w;
	size_t hdr;

	take(r, &sel);
	take(r, &step);
	take(r, &tq);
	take(r, &ttl);
	take(r, &fl);
	take(r, &mask);
	mc_wr_init(&w, buf, sizeof(buf));
	eth_batman(&w, BCAST, others[k].mac);
	hdr = mc_wr_len(&w);
	ogm.ttl = ttl;
	ogm.flags = fl & 7;
	ogm.tq = tq;
	memcpy(ogm.prev_sender, fl & 8 ? MAC_A : others[k].mac, 6);
	switch (sel % 6) {
	case 4:		/* A's own OGM on this port, echoed: the link check */
		memcpy(ogm.orig, port ? A_P1 : A_P0, 6);
		ogm.seqno = own_seqno[port] - (step & 3);
		break;
	case 5:		/* a node nobody else knows */
		memcpy(ogm.orig, others[0].mac, 6);
		ogm.orig[5] = (uint8_t)(0x20 + step);
		ogm.seqno = step;
		break;
	default:
		memcpy(ogm.orig, others[sel % 6].mac, 6);
		others[sel % 6].seqno += step;
		ogm.seqno = others[sel % 6].seqno;
	}
	l2_ogm_encode(&w, &ogm);
	if ((mask & 1) && sel % 6 < NNODE)
		ogm_tt(&w, r, sel % 6);
	if (mask & 2) {
		uint8_t d = 0;
		take(r, &d);
		l2_tvlv_gw_encode(&w, &(struct l2_tvlv_gw){ d, (uint32_t)d >> 2 });
	}
	if (mask & 4)
		l2_tvlv_mcast_encode(&w, &(struct l2_tvlv_mcast){ mask >> 3 });
	l2_ogm_tvlv_finish(&w, hdr);
	if (mc_wr_ok(&w))
		l2_rx_mesh(node, port, buf, mc_wr_len(&w), now);
}

/* A unicast TVLV from node k (relayed by neighbour nb) to A. */
static void synth_utvlv(struct mc_rd *r, uint8_t op)
{
	unsigned k = (op >> 3) & 3, nb = (op >> 5) & 3, port = op >> 7;
	struct other *o = &others[k];
	uint8_t buf[FRAME_CAP], kind = 0, b = 0;
	struct l2_unicast_tvlv ut = { .ttl = 5 };
	struct mc_wr w;
	size_t hdr;

	take(r, &kind);
	take(r, &b);
	mc_wr_init(&w, buf, sizeof(buf));
	eth_batman(&w, port ? A_P1 : A_P0, others[nb].mac);
	hdr = mc_wr_len(&w);
	memcpy(ut.dst, MAC_A, 6);
	memcpy(ut.src, o->mac, 6);
	l2_unicast_tvlv_encode(&w, &ut);
	switch (kind % 3) {
	case 0: {	/* A, send me your table (full or the last diff) */
		l2_tvlv_tt_encode(&w, &(struct l2_tt_data){
			.flags = (uint8_t)(L2_TT_REQUEST | (b & 1 ? L2_TT_FULL_TABLE : 0)),
			.ttvn = (uint8_t)(l2_ogm_seqno(node) & 0xff) ^ (b >> 1), .num_vlan = 0 },
			NULL, NULL, 0);
		break;
	}
	case 1: {	/* k's full table, the answer to A's request */
		struct l2_tt_change ch[NCLIENT];
		struct l2_tt_vlan v[2];
		unsigned n = 0, nv = tt_vlans(o, k, v, b & 0x80);

		for (unsigned c = 0; c < NCLIENT; c++)
			if (o->clients & (1u << c)) {
				ch[n] = (struct l2_tt_change){ .flags = b & 0x40 ? L2_TT_CLIENT_WIFI : 0,
							       .vid = client_vid(o, c) };
				client_mac(ch[n++].addr, k, c);
			}
		l2_tvlv_tt_encode(&w, &(struct l2_tt_data){
			.flags = L2_TT_RESPONSE | L2_TT_FULL_TABLE,
			.ttvn = (uint8_t)(o->ttvn + (b & 1)), .num_vlan = (uint16_t)nv }, v, ch, n);
		break;
	}
	default: {	/* a client of A's (or of another node) roamed to k */
		struct l2_tvlv_roam ro = { .vid = b & 0x10 ? (uint16_t)(L2_VLAN_HAS_TAG | 1) : 0 };
		client_mac(ro.client, b & 0x20 ? (b >> 6) & 3 : NNODE, b & (NCLIENT - 1));
		l2_tvlv_roam_encode(&w, &ro);
		break;
	}
	}
	l2_unicast_tvlv_finish(&w, hdr);
	if (mc_wr_ok(&w))
		l2_rx_mesh(node, port, buf, mc_wr_len(&w), now);
}

/* A client frame (Ethernet) of len payload bytes into w. */
static void client_frame(struct mc_wr *w, const uint8_t dst[6], const uint8_t src[6],
			 uint8_t kind, size_t len)
{
	static const uint16_t types[4] = { 0x0800, 0x0806, 0x86dd, 0x8100 };
	struct l2_eth eth = { .ethertype = types[kind & 3] };

	memcpy(eth.dst, dst, 6);
	memcpy(eth.src, src, 6);
	if (eth.ethertype == 0x8100) {
		eth.tagged = true;
		eth.tpid = 0x8100;
		eth.tci = 1;
		eth.ethertype = 0x0800;
	}
	l2_eth_encode(w, &eth);
	for (size_t i = 0; i < len; i++)
		mc_wr_u8(w, (uint8_t)(i * 7 + kind));
}

static void synth_data(struct mc_rd *r, uint8_t op)
{
	unsigned nb = (op >> 3) & 3, port = (op >> 5) & 1;
	uint8_t buf[FRAME_CAP], kind = 0, c = 0, len = 0, dst[6], src[6];
	struct mc_wr w;

	take(r, &kind);
	take(r, &c);
	take(r, &len);
	mc_wr_init(&w, buf, sizeof(buf));
	/* inner: from a client of node (c >> 3) & 3 to a client of A or of
	 * node (c >> 5) & 3, or broadcast */
	client_mac(src, (c >> 3) & 3, c & 7);
	if (kind & 0x10)
		memcpy(dst, BCAST, 6);
	else
		client_mac(dst, kind & 0x20 ? (c >> 5) & 3 : NNODE, c & 7);
	switch (kind % 4) {
	case 0:
	case 1: {	/* unicast to A (or, kind 1, routed through A to a node) */
		struct l2_unicast u = { .ttl = 5, .ttvn = c };
		eth_batman(&w, port ? A_P1 : A_P0, others[nb].mac);
		memcpy(u.dest, kind % 4 ? others[(c >> 5) & 3].mac : MAC_A, 6);
		l2_unicast_encode(&w, &u);
		break;
	}
	case 2: {
		struct l2_unicast_4addr u = { .u = { .ttl = 5, .ttvn = c },
					      .subtype = (uint8_t)(1 + (kind >> 6)) };
		eth_batman(&w, port ? A_P1 : A_P0, others[nb].mac);
		memcpy(u.u.dest, MAC_A, 6);
		memcpy(u.src, others[(c >> 3) & 3].mac, 6);
		l2_unicast_4addr_encode(&w, &u);
		break;
	}
	default: {
		struct other *o = &others[(c >> 3) & 3];
		struct l2_bcast b = { .ttl = 3, .seqno = o->bseqno += (kind >> 6) };
		eth_batman(&w, BCAST, others[nb].mac);
		memcpy(b.orig, o->mac, 6);
		l2_bcast_encode(&w, &b);
		break;
	}
	}
	client_frame(&w, dst, src, kind >> 2, len);
	if (mc_wr_ok(&w))
		l2_rx_mesh(node, port, buf, mc_wr_len(&w), now);
}

static void synth_local(struct mc_rd *r, uint8_t op)
{
	uint8_t buf[FRAME_CAP], s = 0, d = 0, len = 0, dst[6], src[6];
	struct mc_wr w;

	take(r, &s);
	take(r, &d);
	take(r, &len);
	client_mac(src, NNODE, s & 7);
	if (d & 0x80)
		memcpy(dst, d & 0x40 ? ANYGW : BCAST, 6);
	else
		client_mac(dst, d & 0x40 ? NNODE : (d >> 3) & 3, d & 7);
	mc_wr_init(&w, buf, sizeof(buf));
	client_frame(&w, dst, src, s >> 3, len);
	if (mc_wr_ok(&w))
		l2_rx_local(node, (op >> 3) & 3, buf, mc_wr_len(&w), now);
}

/* ---- the tables, walked -------------------------------------------------------- */

static void one_orig(void *u, const struct l2_orig_entry *e)
{
	ENSURE(!l2_mac_eq(e->orig, MAC_A));
	ENSURE(e->port < node->nports);
}

static void one_neigh(void *u, const struct l2_neigh_entry *e)
{
	ENSURE(e->port < node->nports);
}

static int one_tg(const struct l2_tt_global_info *g, void *u)
{
	return 0;
}

static int one_tl(const struct l2_tt_local_info *l, void *u)
{
	return 0;
}

static void walk_tables(void)
{
	l2_orig_foreach(node, now, one_orig, NULL);
	l2_neigh_foreach(node, now, one_neigh, NULL);
	l2_tt_global_foreach(node, one_tg, NULL);
	l2_tt_local_foreach(node, one_tl, NULL);
}

/* ---- records --------------------------------------------------------------- */

static bool run_record(struct mc_rd *r)
{
	const uint8_t *p;
	size_t len;
	uint16_t ms;
	uint8_t op;

	if (mc_rd_u8(r, &op) < 0)
		return false;
	switch (op & 7) {
	case 0:
	case 1:
		if (!take_payload(r, &p, &len))
			return false;
		if (op & 1)
			l2_rx_local(node, (op >> 3) & 3, p, len, now);
		else
			l2_rx_mesh(node, (op >> 3) & 1, p, len, now);
		break;
	case 2:
		if (mc_rd_u16(r, &ms) < 0)
			return false;
		now += ms;
		l2_tick(node, now);
		break;
	case 3:
		synth_ogm(r, op);
		break;
	case 4:
		synth_utvlv(r, op);
		break;
	case 5:
		synth_data(r, op);
		break;
	case 6:
		synth_local(r, op);
		break;
	default:
		l2_port_set_up(node, (op >> 3) & 1, (op >> 4) & 1, now);
		break;
	}
	walk_tables();
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mc_rd r;

	now = 1000000;
	rng = 0x2545f491;
	own_seqno[0] = own_seqno[1] = 0;
	node_up();
	mc_rd_init(&r, data, size);
	while (run_record(&r))
		;
	/* let every queued re-send and timeout run */
	for (int i = 0; i < 4; i++) {
		now += 6000;
		l2_tick(node, now);
		walk_tables();
	}
	l2_node_free(node);
	node = NULL;
	return 0;
}
