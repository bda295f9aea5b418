/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The translation table, with two or three whole nodes in memory whose
 * routing and data planes are the stand-ins of tests/l2stubs: every node
 * reaches every other in one hop on port 0. OGMs are driven by hand,
 * l2_tt_ogm_append() on one node and l2_tt_ogm_rx() on the others;
 * unicast TVLVs (requests, responses, ROAM_ADV) reach their destination's
 * TVLV handlers before the send returns, unless stub_net.drop_unicast
 * loses them.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "l2mesh/core/node.h"
#include "l2mesh/core/tt.h"
#include "tests/l2stubs/fake.h"
#include "tests/unit/check.h"

#define T0 1000000ull
#define BUF 4096

static const uint8_t FAKE[6] = { 0x02, 0, 0, 0, 0, 0x0f };	/* a crafted peer */
static const uint8_t FAKE2[6] = { 0x02, 0, 0, 0, 0, 0x0e };
static const uint8_t ANYGW[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01 };
static const uint8_t MCAST[6] = { 0x33, 0x33, 0, 0, 0, 0x01 };

/* ---- the nodes ----------------------------------------------------------- */

#define TN_FRAMES_MAX 8

/* The frames sent on mesh ports (env.mesh_send), by any node. */
static struct {
	uint8_t frame[TN_FRAMES_MAX][L2_FRAME_MAX];
	size_t frame_len[TN_FRAMES_MAX];
	unsigned nframes;
} tt_net;

static void env_mesh_send(void *user, unsigned port, const uint8_t *frame, size_t len)
{
	if (tt_net.nframes == TN_FRAMES_MAX || len > L2_FRAME_MAX)
		return;
	memcpy(tt_net.frame[tt_net.nframes], frame, len);
	tt_net.frame_len[tt_net.nframes++] = len;
}

static void env_local_send(void *user, unsigned lport, const uint8_t *frame, size_t len)
{
}

static uint32_t env_rand(void *user)
{
	static uint32_t x = 2463534242u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/* Forgets every node and capture (the nodes themselves are not freed). */
static void tt_net_reset(void)
{
	memset(&tt_net, 0, sizeof(tt_net));
	stub_reset();
}

/* Every node routes to orig directly on port 0. */
static void tt_net_route_all(const uint8_t orig[6])
{
	for (unsigned i = 0; i < STUB_NODES; i++)
		if (stub_nodes[i].used && !l2_mac_eq(stub_nodes[i].mac, orig))
			stub_route_add(&stub_nodes[i], orig, 0, orig);
}

/* A node with MAC 02:00:00:00:00:<id> and a bat0 host port, one hop
 * from every other. */
static struct l2_node *tt_net_node(uint8_t id, uint64_t now_ms)
{
	const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, id };
	const uint8_t anygw[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01 };
	struct l2_env env = { .mesh_send = env_mesh_send, .local_send = env_local_send,
			      .rand = env_rand };
	struct stub_node *s = stub_add(mac);
	struct l2_config cfg;
	struct l2_node *n;

	l2_config_defaults(&cfg, mac);
	memcpy(cfg.anygw_mac, anygw, 6);
	n = l2_node_new(&cfg, &env, now_ms);
	if (!n)
		return NULL;
	l2_local_add(n, "bat0", L2_LOCAL_HOST, mac);
	s->node = n;
	for (unsigned i = 0; i < STUB_NODES; i++)
		if (stub_nodes[i].used && stub_nodes[i].node != n)
			stub_route_add(s, stub_nodes[i].mac, 0, stub_nodes[i].mac);
	tt_net_route_all(mac);
	return n;
}

/* A crafted peer that is no node: every node has a route to it. */
static void tt_net_extra(const uint8_t orig[6])
{
	tt_net_route_all(orig);
}

static void client(uint8_t out[6], unsigned k)
{
	const uint8_t m[6] = { 0x52, 0x54, 0x00, 0x00, (uint8_t)(k >> 8), (uint8_t)k };

	memcpy(out, m, 6);
}

static uint64_t stat(const struct l2_node *n, enum l2_stat s)
{
	return n->stats[s];
}

/* ---- OGM plumbing ------------------------------------------------------- */

/* a's own TT TVLV, as its next OGM would carry it. */
static size_t ogm_out(struct l2_node *a, uint64_t now, uint8_t *buf, size_t cap)
{
	struct mc_wr w;

	a->now_ms = now;
	mc_wr_init(&w, buf, cap);
	CHECK_INT(l2_tt_ogm_append(a, &w), 0);
	return mc_wr_len(&w);
}

static void ogm_in(struct l2_node *b, const uint8_t *from, const uint8_t *buf, size_t len,
		   uint64_t now)
{
	struct l2_tvlv tv;
	struct mc_rd r;

	b->now_ms = now;
	mc_rd_init(&r, buf, len);
	CHECK_INT(l2_tvlv_next(&r, &tv), 1);
	l2_tt_ogm_rx(b, from, &tv);
}

/* One OGM of a, received by to1 and to2 (either may be NULL). */
static void ogm(struct l2_node *a, uint64_t now, struct l2_node *to1, struct l2_node *to2)
{
	uint8_t buf[BUF];
	size_t len = ogm_out(a, now, buf, sizeof(buf));

	if (to1)
		ogm_in(to1, a->cfg.mac, buf, len, now);
	if (to2)
		ogm_in(to2, a->cfg.mac, buf, len, now);
}

static void tt_parse(const uint8_t *buf, size_t len, struct l2_tvlv_tt *tt)
{
	struct l2_tvlv tv;
	struct mc_rd r;

	mc_rd_init(&r, buf, len);
	CHECK_INT(l2_tvlv_next(&r, &tv), 1);
	CHECK_INT(tv.type, L2_TVLV_TT);
	CHECK_INT(l2_tvlv_tt_decode(&tv, tt), 0);
}

static size_t tt_craft(uint8_t *buf, size_t cap, uint8_t flags, uint8_t ttvn,
		       const struct l2_tt_vlan *v, uint16_t nv,
		       const struct l2_tt_change *c, size_t nc)
{
	struct l2_tt_data d = { flags, ttvn, nv };
	struct mc_wr w;

	mc_wr_init(&w, buf, cap);
	CHECK_INT(l2_tvlv_tt_encode(&w, &d, v, c, nc), 0);
	return mc_wr_len(&w);
}

static void utvlv_in(struct l2_node *b, const uint8_t *src, const uint8_t *buf, size_t len)
{
	struct l2_tvlv tv;
	struct mc_rd r;

	mc_rd_init(&r, buf, len);
	CHECK_INT(l2_tvlv_next(&r, &tv), 1);
	l2_tt_unicast_tvlv_rx(b, src, &tv);
}

/* ---- queries --------------------------------------------------------------- */

struct lq {
	const uint8_t *mac;
	uint16_t vid;
	struct l2_tt_local_info out;
	unsigned rows;
	bool found;
};

static int local_cb(const struct l2_tt_local_info *e, void *user)
{
	struct lq *q = user;

	q->rows++;
	if (q->mac && l2_mac_eq(e->mac, q->mac) && e->vid == q->vid) {
		q->out = *e;
		q->found = true;
	}
	return 0;
}

static bool local_get(struct l2_node *n, const uint8_t *mac, uint16_t vid,
		      struct l2_tt_local_info *out)
{
	struct lq q = { .mac = mac, .vid = vid };

	l2_tt_local_foreach(n, local_cb, &q);
	if (out)
		*out = q.out;
	return q.found;
}

static unsigned local_rows(struct l2_node *n)
{
	struct lq q = { 0 };

	l2_tt_local_foreach(n, local_cb, &q);
	return q.rows;
}

struct gq {
	const uint8_t *mac;
	uint16_t vid;
	const uint8_t *orig;		/* rows of this originator ... */
	struct l2_tt_global_info out;
	unsigned rows, orig_rows, temp_rows;
	uint32_t crc_xor;		/* ... and their CRC contributions */
	bool found;
};

static int global_cb(const struct l2_tt_global_info *e, void *user)
{
	struct gq *q = user;

	q->rows++;
	q->temp_rows += !!(e->flags & L2_TT_CLIENT_TEMP);
	if (q->orig && l2_mac_eq(e->orig, q->orig)) {
		q->orig_rows++;
		if (!(e->flags & (L2_TT_CLIENT_ROAM | L2_TT_CLIENT_TEMP)))
			q->crc_xor ^= l2_tt_crc_entry(e->mac, e->vid, e->flags);
	}
	if (q->mac && l2_mac_eq(e->mac, q->mac) && e->vid == q->vid &&
	    (!q->orig || l2_mac_eq(e->orig, q->orig))) {
		q->out = *e;
		q->found = true;
	}
	return 0;
}

static bool global_get(struct l2_node *n, const uint8_t *mac, uint16_t vid,
		       const uint8_t *orig, struct l2_tt_global_info *out)
{
	struct gq q = { .mac = mac, .vid = vid, .orig = orig };

	l2_tt_global_foreach(n, global_cb, &q);
	if (out)
		*out = q.out;
	return q.found;
}

static unsigned global_rows(struct l2_node *n, const uint8_t *orig)
{
	struct gq q = { .orig = orig };

	l2_tt_global_foreach(n, global_cb, &q);
	return orig ? q.orig_rows : q.rows;
}

static unsigned temp_rows(struct l2_node *n)
{
	struct gq q = { 0 };

	l2_tt_global_foreach(n, global_cb, &q);
	return q.temp_rows;
}

/* n's CRC for VLAN 0 of orig, recomputed from the rows it prints. */
static uint32_t global_crc(struct l2_node *n, const uint8_t *orig)
{
	struct gq q = { .orig = orig };

	l2_tt_global_foreach(n, global_cb, &q);
	return q.crc_xor;
}

static uint32_t own_crc(struct l2_node *n, uint16_t vid)
{
	struct l2_tt_vlan v[L2_TT_VLANS_MAX];
	size_t k = l2_tt_vlans(n, v, L2_TT_VLANS_MAX);

	for (size_t i = 0; i < k; i++)
		if (v[i].vid == vid)
			return v[i].crc;
	return 0;
}

/* Where n would send a frame for client mac: 0 and the originator's last byte. */
static int where(struct l2_node *n, const uint8_t *mac)
{
	uint8_t orig[6], ttvn;

	if (l2_tt_global_lookup(n, mac, 0, orig, &ttvn) < 0)
		return -1;
	return orig[5];
}

static bool has_change(const struct l2_tvlv_tt *tt, const uint8_t *mac, uint8_t flags)
{
	struct mc_rd r = tt->changes;
	struct l2_tt_change c;

	while (l2_tt_change_next(&r, &c) == 1)
		if (l2_mac_eq(c.addr, mac) && c.flags == flags)
			return true;
	return false;
}

/* ---- local table, commit, diff ---------------------------------------------- */

static void test_local_commit(void)
{
	uint8_t c1[6], c2[6], buf[BUF];
	struct l2_tt_local_info li;
	struct l2_tvlv_tt tt;
	struct l2_tt_vlan v;
	struct l2_node *a;
	size_t len;

	tt_net_reset();
	a = tt_net_node(1, T0);
	client(c1, 1);
	client(c2, 2);
	l2_tt_local_seen(a, c1, 0, 0);
	l2_tt_local_seen(a, ANYGW, 0, 0);	/* never a client */
	l2_tt_local_seen(a, MCAST, 0, 0);
	CHECK(l2_tt_local_has(a, c1, 0));
	CHECK(!l2_tt_local_has(a, ANYGW, 0));
	CHECK(local_get(a, c1, 0, &li));
	CHECK_STR(li.flags_str, "..N...");
	CHECK(local_get(a, MCAST, 0, &li));
	CHECK_STR(li.flags_str, ".PN...");
	CHECK_INT(l2_tt_ttvn(a), 0);

	/* the first OGM commits: TTVN 1, host + c1 + mcast, NEW gone */
	len = ogm_out(a, T0 + 1000, buf, sizeof(buf));
	tt_parse(buf, len, &tt);
	CHECK_INT(tt.data.flags, L2_TT_OGM_DIFF);
	CHECK_INT(tt.data.ttvn, 1);
	CHECK_INT(tt.data.num_vlan, 1);
	CHECK_INT(tt.num_changes, 3);
	CHECK(has_change(&tt, a->cfg.mac, 0) && has_change(&tt, c1, 0));
	CHECK_INT(l2_tt_vlan_next(&tt.vlans, &v), 1);
	CHECK_INT(v.vid, 0);
	/* hand-computed: the XOR of every committed client's entry CRC */
	CHECK_INT(v.crc, l2_tt_crc_entry(a->cfg.mac, 0, 0) ^ l2_tt_crc_entry(c1, 0, 0) ^
			 l2_tt_crc_entry(MCAST, 0, 0));
	CHECK_INT(own_crc(a, 0), v.crc);
	CHECK(local_get(a, c1, 0, &li));
	CHECK_STR(li.flags_str, "......");
	CHECK(local_get(a, a->cfg.mac, 0, &li));
	CHECK_STR(li.flags_str, ".P....");

	/* the diff rides on 3 OGMs, then the version alone */
	for (int i = 2; i <= 4; i++) {
		len = ogm_out(a, T0 + 1000u * i, buf, sizeof(buf));
		tt_parse(buf, len, &tt);
		CHECK_INT(tt.data.ttvn, 1);
		CHECK_INT(tt.num_changes, i <= 3 ? 3 : 0);
		CHECK_INT(tt.data.num_vlan, 1);
	}
	/* a known client seen again is no change */
	l2_tt_local_seen(a, c1, 0, 0);
	len = ogm_out(a, T0 + 5000, buf, sizeof(buf));
	tt_parse(buf, len, &tt);
	CHECK_INT(tt.data.ttvn, 1);
	/* a new one is: TTVN 2, one change; a tagged one gets its own VLAN */
	l2_tt_local_seen(a, c2, 7, 0);
	len = ogm_out(a, T0 + 6000, buf, sizeof(buf));
	tt_parse(buf, len, &tt);
	CHECK_INT(tt.data.ttvn, 2);
	CHECK_INT(tt.num_changes, 1);
	CHECK_INT(tt.data.num_vlan, 2);
	CHECK(l2_tt_local_has(a, c2, L2_VLAN_HAS_TAG | 7));
	CHECK_INT(own_crc(a, L2_VLAN_HAS_TAG | 7), l2_tt_crc_entry(c2, L2_VLAN_HAS_TAG | 7, 0));
	l2_node_free(a);
}

/* A client kept across a restart: announced at once, ages from its old age. */
static void test_local_restore(void)
{
	uint8_t c1[6], c2[6], buf[BUF];
	struct l2_tt_local_info li;
	struct l2_tvlv_tt tt;
	struct l2_node *a;
	size_t len;

	tt_net_reset();
	a = tt_net_node(1, T0);
	client(c1, 1);
	client(c2, 2);
	CHECK_INT(l2_tt_local_restore(a, c1, 0, L2_TT_CLIENT_WIFI | L2_TT_CLIENT_ROAM, 100000), 0);
	CHECK_INT(l2_tt_local_restore(a, c1, 0, 0, 0), -EEXIST);
	CHECK_INT(l2_tt_local_restore(a, c2, 0, 0, L2_TT_LOCAL_TIMEOUT_MS), -ESTALE);
	CHECK_INT(l2_tt_local_restore(a, MCAST, 0, 0, 0), -EINVAL);
	CHECK_INT(l2_tt_local_restore(a, ANYGW, 0, 0, 0), -EINVAL);
	CHECK(l2_tt_local_has(a, c1, 0));
	CHECK(!l2_tt_local_has(a, c2, 0));
	CHECK(local_get(a, c1, 0, &li));
	CHECK_STR(li.flags_str, "..N.W.");	/* ROAM is not taken */
	CHECK_INT(li.last_seen_ms, 100000);
	len = ogm_out(a, T0 + 1000, buf, sizeof(buf));
	tt_parse(buf, len, &tt);
	CHECK_INT(tt.data.ttvn, 1);
	CHECK(has_change(&tt, c1, L2_TT_CLIENT_WIFI));
	/* it goes when its old age plus the new reaches the local timeout */
	l2_tt_tick(a, T0 + L2_TT_LOCAL_TIMEOUT_MS - 100000 - 1000);
	CHECK(l2_tt_local_has(a, c1, 0));
	l2_tt_tick(a, T0 + L2_TT_LOCAL_TIMEOUT_MS - 100000 + L2_TT_WORK_PERIOD_MS);
	CHECK(!l2_tt_local_has(a, c1, 0));
	l2_node_free(a);
}

/* TTVN wraps 255 -> 0 and a receiver follows it diff by diff. */
static void test_ttvn_wrap(void)
{
	struct l2_node *a, *b;
	uint8_t c[6];

	tt_net_reset();
	a = tt_net_node(1, T0);
	b = tt_net_node(2, T0);
	for (unsigned i = 0; i < 260; i++) {
		client(c, i);
		a->now_ms = T0 + i * 1000u;
		l2_tt_local_seen(a, c, 0, 0);
		ogm(a, T0 + i * 1000u + 500, b, NULL);
		CHECK_INT(l2_tt_ttvn(a), (i + 1) & 0xff);
	}
	CHECK_INT(l2_tt_ttvn(a), 4);
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 0);
	CHECK_INT(global_rows(b, a->cfg.mac), 261);
	CHECK_INT(global_crc(b, a->cfg.mac), own_crc(a, 0));
	client(c, 255);
	CHECK_INT(where(b, c), 1);
	/* frames to every client carry a's current TTVN, however long ago
	 * it was announced (or the next one: never a stale one) */
	for (unsigned i = 0; i < 260; i++) {
		uint8_t o[6], v;

		client(c, i);
		CHECK_INT(l2_tt_global_lookup(b, c, 0, o, &v), 0);
		CHECK(v == 4 || v == 5);
	}
	l2_node_free(a);
	l2_node_free(b);
}

/*
 * The vectors of test_l2_packet.c's test_tt_crc_wireshark, whose CRCs
 * Wireshark's batadv dissector verifies: a receiver given that table and
 * those CRCs agrees (no request), and a local table built from the same
 * clients announces the same CRC.
 */
static void test_crc_vectors(void)
{
	static const uint8_t M[4][6] = {
		{ 0x52, 0x54, 0x00, 0x12, 0x34, 0x01 },
		{ 0x52, 0x54, 0x00, 0x12, 0x34, 0x02 },
		{ 0x52, 0x54, 0x00, 0x12, 0x34, 0x03 },
		{ 0x52, 0x54, 0x00, 0x12, 0x34, 0x04 },
	};
	const uint16_t v42 = L2_VLAN_HAS_TAG | 42;
	struct l2_tt_vlan vl[2] = { { 0xddbb5b18u, 0 }, { 0xc00a2bfau, v42 } };
	struct l2_tt_change ch[4] = {
		{ 0, { 0 }, 0 }, { L2_TT_CLIENT_WIFI, { 0 }, 0 },
		{ L2_TT_CLIENT_ISOLA, { 0 }, 0 }, { 0, { 0 }, v42 },
	};
	struct l2_tt_global_info gi;
	struct l2_tvlv_tt tt;
	struct l2_node *a, *b;
	uint8_t buf[BUF];
	size_t len;

	tt_net_reset();
	a = tt_net_node(1, T0);
	b = tt_net_node(2, T0);
	tt_net_extra(FAKE);
	tt_net_extra(FAKE2);
	for (int i = 0; i < 4; i++)
		memcpy(ch[i].addr, M[i], 6);
	len = tt_craft(buf, sizeof(buf), L2_TT_OGM_DIFF, 1, vl, 2, ch, 4);
	ogm_in(b, FAKE, buf, len, T0);
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 0);
	CHECK(global_get(b, M[1], 0, FAKE, &gi));
	CHECK_STR(gi.flags_str, ".W..");
	CHECK_INT(gi.crc, 0xddbb5b18u);
	CHECK(global_get(b, M[2], 0, FAKE, &gi));
	CHECK_STR(gi.flags_str, "..I.");
	CHECK(global_get(b, M[3], v42, FAKE, &gi));
	CHECK_INT(gi.crc, 0xc00a2bfau);
	CHECK(gi.best);
	CHECK_INT(gi.ttvn, 1);
	CHECK_INT(gi.orig_ttvn, 1);

	/* one bit off: the receiver asks for the full table, CRCs attached */
	vl[0].crc ^= 1;
	len = tt_craft(buf, sizeof(buf), L2_TT_OGM_DIFF, 1, vl, 2, ch, 4);
	ogm_in(b, FAKE2, buf, len, T0);
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 1);
	CHECK(l2_mac_eq(stub_net.last_dst, FAKE2));
	tt_parse(stub_net.last_tvlv, stub_net.last_len, &tt);
	CHECK_INT(tt.data.flags, L2_TT_REQUEST | L2_TT_FULL_TABLE);
	CHECK_INT(tt.data.ttvn, 1);
	CHECK_INT(tt.data.num_vlan, 2);
	CHECK_INT(tt.num_changes, 0);

	/* our own table: M[3] on VLAN 42 alone gives the verified value */
	a->now_ms = T0;
	l2_tt_local_seen(a, M[0], 0, 0);
	l2_tt_local_seen(a, M[3], 42, 0);
	ogm_out(a, T0 + 1000, buf, sizeof(buf));
	CHECK_INT(own_crc(a, v42), 0xc00a2bfau);
	CHECK_INT(own_crc(a, 0), l2_tt_crc_entry(a->cfg.mac, 0, 0) ^
				 l2_tt_crc_entry(M[0], 0, 0));
	l2_node_free(a);
	l2_node_free(b);
}

/* ---- receiver ------------------------------------------------------------------- */

static void test_receiver_diff(void)
{
	struct l2_tt_local_info li;
	uint8_t c1[6], c2[6], orig[6], ttvn;
	struct l2_node *a, *b;

	tt_net_reset();
	a = tt_net_node(1, T0);
	b = tt_net_node(2, T0);
	client(c1, 1);
	client(c2, 2);
	l2_tt_local_seen(a, c1, 0, 0);
	l2_tt_local_seen(a, c2, 0, 0);
	ogm(a, T0 + 1000, b, NULL);
	CHECK_INT(l2_tt_global_lookup(b, c1, 0, orig, &ttvn), 0);
	CHECK(l2_mac_eq(orig, a->cfg.mac));
	CHECK_INT(ttvn, 1);
	CHECK_INT(global_crc(b, a->cfg.mac), own_crc(a, 0));
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 0);

	/* c1 keeps talking, c2 falls silent: gone after 600 s, c1 later */
	a->now_ms = T0 + 300000;
	l2_tt_local_seen(a, c1, 0, 0);
	l2_tt_tick(a, T0 + 599000);
	CHECK(l2_tt_local_has(a, c2, 0));
	l2_tt_tick(a, T0 + 605000);
	CHECK(!l2_tt_local_has(a, c2, 0));
	CHECK(local_get(a, c2, 0, &li));
	CHECK_STR(li.flags_str, "...X..");	/* pending until the commit */
	ogm(a, T0 + 606000, b, NULL);
	CHECK(!local_get(a, c2, 0, NULL));
	CHECK_INT(l2_tt_ttvn(a), 2);
	CHECK_INT(where(b, c2), -1);
	CHECK_INT(where(b, c1), 1);
	CHECK_INT(global_crc(b, a->cfg.mac), own_crc(a, 0));
	l2_tt_tick(a, T0 + 905000);
	ogm(a, T0 + 906000, b, NULL);
	CHECK_INT(where(b, c1), -1);
	CHECK_INT(where(b, a->cfg.mac), 1);	/* NOPURGE */
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 0);
	l2_node_free(a);
	l2_node_free(b);
}

/* Skipped versions, a lost diff, a CRC mismatch: one request per 3 s. */
static void test_request_repair(void)
{
	struct l2_node *a, *b;
	uint8_t c[8][6], buf[BUF];
	struct l2_tvlv_tt tt;
	uint64_t t = T0;
	size_t len;

	tt_net_reset();
	a = tt_net_node(1, T0);
	b = tt_net_node(2, T0);
	for (unsigned i = 0; i < 8; i++)
		client(c[i], i);
	l2_tt_local_seen(a, c[1], 0, 0);
	ogm(a, t += 1000, b, NULL);
	l2_tt_local_seen(a, c[2], 0, 0);
	ogm(a, t += 1000, NULL, NULL);		/* lost */
	l2_tt_local_seen(a, c[3], 0, 0);
	ogm(a, t += 1000, b, NULL);		/* TTVN 3 after 1 */
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 1);
	CHECK_INT(stat(a, L2_STAT_TT_REQUEST_RX), 1);
	CHECK_INT(stat(a, L2_STAT_TT_RESPONSE_TX), 1);
	CHECK_INT(stat(b, L2_STAT_TT_RESPONSE_RX), 1);
	CHECK_INT(where(b, c[2]), 1);
	CHECK_INT(global_crc(b, a->cfg.mac), own_crc(a, 0));
	ogm(a, t += 1000, b, NULL);
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 1);

	/* requests lost: one every 3 s while the mismatch lasts */
	stub_net.drop_unicast = true;
	l2_tt_local_seen(a, c[4], 0, 0);
	ogm(a, t += 1000, NULL, NULL);
	l2_tt_local_seen(a, c[5], 0, 0);
	ogm(a, t += 1000, b, NULL);
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 2);
	ogm(a, t + 1000, b, NULL);
	ogm(a, t + 2999, b, NULL);
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 2);
	ogm(a, t + 3000, b, NULL);
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 3);
	stub_net.drop_unicast = false;
	ogm(a, t + 6000, b, NULL);
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 4);
	CHECK_INT(where(b, c[4]), 1);
	CHECK_INT(global_crc(b, a->cfg.mac), own_crc(a, 0));
	t += 7000;

	/* the CRC in the OGM does not match what the diff gives */
	l2_tt_local_seen(a, c[6], 0, 0);
	len = ogm_out(a, t += 1000, buf, sizeof(buf));
	buf[L2_TVLV_HLEN + L2_TT_DATA_LEN + 3] ^= 0x40;	/* low byte of the CRC */
	ogm_in(b, a->cfg.mac, buf, len, t);
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 5);
	CHECK_INT(where(b, c[6]), 1);
	CHECK_INT(global_crc(b, a->cfg.mac), own_crc(a, 0));

	/* the three OGMs with the diff are lost: ask for just the diff */
	l2_tt_local_seen(a, c[7], 0, 0);
	for (int i = 0; i < 3; i++)
		ogm(a, t += 1000, NULL, NULL);
	ogm(a, t += 1000, b, NULL);
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 6);
	tt_parse(stub_net.last_tvlv, stub_net.last_len, &tt);	/* the response */
	CHECK_INT(tt.data.flags, L2_TT_RESPONSE);
	CHECK_INT(tt.num_changes, 1);
	CHECK_INT(where(b, c[7]), 1);
	CHECK_INT(global_crc(b, a->cfg.mac), own_crc(a, 0));
	ogm(a, t += 1000, b, NULL);
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 6);
	l2_node_free(a);
	l2_node_free(b);
}

/* ---- roaming ------------------------------------------------------------------- */

/* Three nodes; client x at a, announced, then seen at b. */
static void roam_start(struct l2_node **a, struct l2_node **b, struct l2_node **c,
		       uint8_t x[6], uint64_t *t)
{
	tt_net_reset();
	*a = tt_net_node(1, T0);
	*b = tt_net_node(2, T0);
	*c = tt_net_node(3, T0);
	ogm(*b, *t += 100, *a, *c);
	ogm(*c, *t += 100, *a, *b);
	client(x, 0x99);
	l2_tt_local_seen(*a, x, 0, 0);
	ogm(*a, *t += 1000, *b, *c);
	CHECK_INT(where(*b, x), 1);
	CHECK_INT(where(*c, x), 1);
	(*b)->now_ms = *t += 100;
	l2_tt_local_seen(*b, x, 0, 0);
}

static void nodes_free(struct l2_node *a, struct l2_node *b, struct l2_node *c)
{
	l2_node_free(a);
	l2_node_free(b);
	l2_node_free(c);
}

static uint64_t requests(struct l2_node *a, struct l2_node *b, struct l2_node *c)
{
	return stat(a, L2_STAT_TT_REQUEST_TX) + stat(b, L2_STAT_TT_REQUEST_TX) +
	       stat(c, L2_STAT_TT_REQUEST_TX);
}

static void test_roaming(void)
{
	struct l2_tt_local_info li;
	struct l2_tt_global_info gi;
	struct l2_node *a, *b, *c;
	uint8_t x[6], hdr[10] = { L2_PT_UNICAST };
	uint64_t t = T0;

	/* x shows up at b: b tells a, a marks it ROAM and points at b */
	roam_start(&a, &b, &c, x, &t);
	CHECK_INT(stat(b, L2_STAT_TT_ROAM_ADV_TX), 1);
	CHECK_INT(stat(a, L2_STAT_TT_ROAM_ADV_RX), 1);
	CHECK(global_get(b, x, 0, a->cfg.mac, &gi));
	CHECK_STR(gi.flags_str, "R...");
	CHECK(!l2_tt_local_has(a, x, 0));
	CHECK(local_get(a, x, 0, &li));
	CHECK_STR(li.flags_str, "R..X..");
	CHECK_INT(where(a, x), 2);

	/* in-flight frames for x reaching a are sent on to b */
	hdr[3] = l2_tt_ttvn(a);
	memcpy(hdr + 4, a->cfg.mac, 6);
	CHECK(!l2_tt_check_unicast(a, hdr, x, 0));
	CHECK(l2_mac_eq(hdr + 4, b->cfg.mac));

	/* a's diff: DEL|ROAM; c keeps x at a (which re-routes) until b speaks */
	ogm(a, t += 1000, b, c);
	CHECK(!local_get(a, x, 0, NULL));
	CHECK(global_get(c, x, 0, a->cfg.mac, &gi));
	CHECK_STR(gi.flags_str, "R...");
	CHECK_INT(where(c, x), 1);
	CHECK(!global_get(b, x, 0, NULL, NULL));	/* it roamed to b */
	ogm(b, t += 1000, a, c);
	CHECK_INT(where(a, x), 2);
	CHECK_INT(where(c, x), 2);
	CHECK(global_get(c, x, 0, b->cfg.mac, &gi));
	CHECK_STR(gi.flags_str, "....");
	CHECK_INT(global_rows(c, NULL), 3);		/* hosts a and b, x */
	CHECK_INT(global_crc(c, a->cfg.mac), own_crc(a, 0));
	CHECK_INT(global_crc(c, b->cfg.mac), own_crc(b, 0));
	CHECK_INT(global_crc(a, b->cfg.mac), own_crc(b, 0));
	CHECK_INT(requests(a, b, c), 0);
	nodes_free(a, b, c);
}

/* Stale TTVNs after the roam: relays re-route, the new location takes it. */
static void test_check_unicast(void)
{
	uint8_t x[6], hdr[10] = { L2_PT_UNICAST };
	struct l2_node *a, *b, *c;
	uint64_t t = T0;

	roam_start(&a, &b, &c, x, &t);
	ogm(a, t += 1000, b, c);
	ogm(b, t += 1000, a, c);
	hdr[3] = (uint8_t)(l2_tt_ttvn(a) - 1);
	memcpy(hdr + 4, a->cfg.mac, 6);
	CHECK(!l2_tt_check_unicast(c, hdr, x, 0));
	CHECK(l2_mac_eq(hdr + 4, b->cfg.mac));
	CHECK_INT(hdr[3], l2_tt_ttvn(b));
	/* current: left alone */
	hdr[3] = l2_tt_ttvn(a);
	memcpy(hdr + 4, a->cfg.mac, 6);
	CHECK(!l2_tt_check_unicast(c, hdr, x, 0));
	CHECK(l2_mac_eq(hdr + 4, a->cfg.mac));
	CHECK_INT(hdr[3], l2_tt_ttvn(a));
	/* stale, through b, which now serves x */
	hdr[3] = (uint8_t)(l2_tt_ttvn(a) - 1);
	CHECK(l2_tt_check_unicast(b, hdr, x, 0));
	CHECK(l2_mac_eq(hdr + 4, b->cfg.mac));
	CHECK_INT(hdr[3], l2_tt_ttvn(b));
	CHECK(l2_tt_check_unicast(b, hdr, x, 0));
	/* an unknown destination is not judged */
	hdr[3] = 0;
	memcpy(hdr + 4, FAKE, 6);
	CHECK(!l2_tt_check_unicast(b, hdr, x, 0));
	CHECK(l2_mac_eq(hdr + 4, FAKE));
	/* a broadcast inside a unicast (a kernel gateway client's DHCP sent
	 * to its gateway, batadv_send_skb_via_gw): delivered where it was
	 * sent, stale TTVN or not, nothing rewritten */
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	hdr[3] = (uint8_t)(l2_tt_ttvn(a) - 1);
	memcpy(hdr + 4, a->cfg.mac, 6);
	CHECK(l2_tt_check_unicast(a, hdr, bcast, 0));
	CHECK(l2_mac_eq(hdr + 4, a->cfg.mac));
	CHECK_INT(hdr[3], (uint8_t)(l2_tt_ttvn(a) - 1));
	CHECK(!l2_tt_check_unicast(c, hdr, bcast, 0));	/* a's: forwarded */
	nodes_free(a, b, c);
}

/* x goes back to a once the roam settled: a claims it again. */
static void test_roam_back(void)
{
	struct l2_tt_global_info gi;
	struct l2_node *a, *b, *c;
	uint64_t t = T0;
	uint8_t x[6];

	roam_start(&a, &b, &c, x, &t);
	ogm(a, t += 1000, b, c);
	ogm(b, t += 1000, a, c);
	a->now_ms = t += 100;
	l2_tt_local_seen(a, x, 0, 0);
	CHECK_INT(stat(a, L2_STAT_TT_ROAM_ADV_TX), 1);
	CHECK(l2_tt_local_has(a, x, 0));
	CHECK(!l2_tt_local_has(b, x, 0));
	CHECK(global_get(a, x, 0, b->cfg.mac, &gi));
	CHECK_STR(gi.flags_str, "R...");
	ogm(a, t += 1000, b, c);
	ogm(b, t += 1000, a, c);
	CHECK_INT(where(b, x), 1);
	CHECK_INT(where(c, x), 1);
	CHECK(l2_tt_local_has(a, x, 0));
	CHECK(!global_get(a, x, 0, NULL, NULL));
	CHECK_INT(global_crc(c, a->cfg.mac), own_crc(a, 0));
	CHECK_INT(global_crc(c, b->cfg.mac), own_crc(b, 0));
	CHECK_INT(requests(a, b, c), 0);
	nodes_free(a, b, c);
}

/* x goes back to a before a committed the roam: the roam is undone. */
static void test_roam_undo(void)
{
	struct l2_tt_local_info li;
	struct l2_node *a, *b, *c;
	uint64_t t = T0;
	uint8_t x[6];

	roam_start(&a, &b, &c, x, &t);
	a->now_ms = t += 100;
	l2_tt_local_seen(a, x, 0, 0);
	CHECK_INT(stat(a, L2_STAT_TT_ROAM_ADV_TX), 1);
	CHECK(local_get(a, x, 0, &li));
	CHECK_STR(li.flags_str, "......");
	CHECK(!global_get(a, x, 0, NULL, NULL));
	CHECK(!local_get(b, x, 0, NULL));		/* never announced: gone */
	CHECK_INT(where(b, x), 1);
	ogm(a, t += 1000, b, c);
	CHECK_INT(l2_tt_ttvn(a), 1);			/* nothing to commit */
	ogm(b, t += 1000, a, c);
	CHECK_INT(where(c, x), 1);
	CHECK_INT(where(b, x), 1);
	CHECK_INT(global_crc(c, a->cfg.mac), own_crc(a, 0));
	CHECK_INT(global_crc(c, b->cfg.mac), own_crc(b, 0));
	CHECK_INT(global_crc(b, a->cfg.mac), own_crc(a, 0));
	CHECK_INT(requests(a, b, c), 0);
	nodes_free(a, b, c);
}

/*
 * An OGM a sent before the roam (same TTVN, x still in its CRC) reaches b
 * after b flagged x ROAM: b's CRCs as stored at the last update still
 * match, so b asks for no table (one would place x back at a and take it
 * out of b's local table: lost frames until b announced x again).
 */
static void test_roam_stale_ogm(void)
{
	struct l2_tt_vlan vl = { 0, 0 };
	struct l2_node *a, *b, *c;
	uint8_t x[6], buf[BUF];
	uint64_t t = T0;
	size_t len;

	roam_start(&a, &b, &c, x, &t);
	vl.crc = own_crc(a, 0);		/* a's PENDING x still counts */
	len = tt_craft(buf, sizeof(buf), L2_TT_OGM_DIFF, l2_tt_ttvn(a), &vl, 1, NULL, 0);
	ogm_in(b, a->cfg.mac, buf, len, t += 10);
	CHECK_INT(requests(a, b, c), 0);
	CHECK(l2_tt_local_has(b, x, 0));
	/* and a real mismatch at the same TTVN still asks */
	vl.crc ^= 1;
	len = tt_craft(buf, sizeof(buf), L2_TT_OGM_DIFF, l2_tt_ttvn(a), &vl, 1, NULL, 0);
	ogm_in(b, a->cfg.mac, buf, len, t += 10);
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 1);
	nodes_free(a, b, c);
}

/*
 * a committed x's DEL (its local entry is gone) but c, not having heard
 * it, still sends x's frames to a at a's current TTVN: a sends them on to
 * b, where its ROAM_ADV placed x, instead of flooding them to its own
 * ports where x no longer is.
 */
static void test_roam_committed_reroute(void)
{
	uint8_t x[6], hdr[10] = { L2_PT_UNICAST };
	struct l2_node *a, *b, *c;
	uint64_t t = T0;

	roam_start(&a, &b, &c, x, &t);
	ogm(a, t += 1000, NULL, NULL);	/* c misses it */
	CHECK(!local_get(a, x, 0, NULL));
	hdr[3] = l2_tt_ttvn(a);
	memcpy(hdr + 4, a->cfg.mac, 6);
	CHECK(!l2_tt_check_unicast(a, hdr, x, 0));
	CHECK(l2_mac_eq(hdr + 4, b->cfg.mac));
	/* stamped with the version b will announce x in: b's ROAM_ADV is
	 * newer than any OGM of b we have */
	CHECK_INT(hdr[3], (uint8_t)(l2_tt_ttvn(b) + 1));
	CHECK(l2_tt_check_unicast(b, hdr, x, 0));	/* b takes it */
	/* a client nobody places elsewhere is still delivered here */
	uint8_t y[6];
	client(y, 0x77);
	hdr[3] = l2_tt_ttvn(a);
	memcpy(hdr + 4, a->cfg.mac, 6);
	CHECK(l2_tt_check_unicast(a, hdr, y, 0));
	CHECK(l2_mac_eq(hdr + 4, a->cfg.mac));
	nodes_free(a, b, c);
}

/*
 * x moves a -> b -> a faster than b announces it: a's entry for x is ROAM
 * (b's ROAM_ADV placed it at b) when x reappears at a, and a must still
 * tell b (batman-adv skips an entry already ROAM), or b would keep
 * rerouting x's frames to itself until its own announcement came and went.
 */
static void test_roam_back_before_announce(void)
{
	struct l2_tt_global_info gi;
	struct l2_node *a, *b, *c;
	uint64_t t = T0;
	uint8_t x[6];

	roam_start(&a, &b, &c, x, &t);
	ogm(a, t += 1000, b, c);		/* a: DEL|ROAM, local x gone */
	CHECK(global_get(a, x, 0, b->cfg.mac, &gi));
	CHECK_STR(gi.flags_str, "R...");
	a->now_ms = t += 100;
	l2_tt_local_seen(a, x, 0, 0);		/* back, b has not announced */
	CHECK_INT(stat(a, L2_STAT_TT_ROAM_ADV_TX), 1);
	CHECK(!l2_tt_local_has(b, x, 0));	/* b gives it up */
	CHECK_INT(where(b, x), 1);
	nodes_free(a, b, c);
}

/*
 * x: a -> b, b announces it, x back at a, which tells b; then b's OGM with
 * that ADD (made before b heard the ROAM_ADV) reaches a: a keeps x, and
 * b's DEL|ROAM settles it.
 */
static void test_roam_stale_add(void)
{
	struct l2_node *a, *b, *c;
	uint8_t x[6], buf[BUF];
	uint64_t t = T0;
	size_t len;

	roam_start(&a, &b, &c, x, &t);
	ogm(a, t += 1000, b, c);		/* a: DEL|ROAM */
	len = ogm_out(b, t += 1000, buf, sizeof(buf));	/* b: ADD x, in flight */
	a->now_ms = t += 100;
	l2_tt_local_seen(a, x, 0, 0);		/* x back at a: ROAM_ADV to b */
	CHECK_INT(stat(a, L2_STAT_TT_ROAM_ADV_TX), 1);
	ogm_in(a, b->cfg.mac, buf, len, t += 10);
	CHECK(l2_tt_local_has(a, x, 0));
	ogm(b, t += 1000, a, c);		/* b: DEL|ROAM */
	CHECK(l2_tt_local_has(a, x, 0));
	CHECK(!global_get(a, x, 0, NULL, NULL));
	ogm(a, t += 1000, b, c);
	CHECK_INT(where(b, x), 1);
	CHECK_INT(where(c, x), 1);
	CHECK_INT(stat(a, L2_STAT_TT_ROAM_ADV_TX), 1);
	/* an ADD long after our ROAM_ADV is believed: x moved to b again */
	nodes_free(a, b, c);
}

/*
 * A unicast for x from c, addressed as c's global table says, on the line
 * a - c - b: between a and b it passes c, which checks it as a relay does.
 * Returns the id of the node that delivers it, or 0 if it is still
 * bouncing after 8 hops (its TTL would run out); *hops counts the checks.
 */
static int line_path(struct l2_node *a, struct l2_node *c, struct l2_node *b,
		     const uint8_t *x, int *hops)
{
	uint8_t hdr[10] = { L2_PT_UNICAST }, ttvn;
	struct l2_node *at = c;

	*hops = 0;
	if (l2_tt_global_lookup(c, x, 0, hdr + 4, &ttvn) < 0)
		return -1;
	hdr[3] = ttvn;
	for (int k = 0; k < 8; k++) {
		if (l2_mac_eq(hdr + 4, a->cfg.mac))
			at = at == b ? c : a;
		else if (l2_mac_eq(hdr + 4, b->cfg.mac))
			at = at == a ? c : b;
		else if (l2_mac_eq(hdr + 4, c->cfg.mac))
			at = c;
		else
			return -1;
		(*hops)++;
		if (l2_tt_check_unicast(at, hdr, x, 0))
			return at->cfg.mac[5];
	}
	return 0;
}

/*
 * The lab's l2_roam_udp loss: x went a -> b (both committed), then comes
 * back to a. c heard a's DEL|ROAM; b did not yet (an OGM a hop further
 * arrives later). b reroutes c's frames for x to a, stamped with the TTVN
 * b knows for a; c, knowing a newer one, must not send them back to b.
 */
static void test_roam_back_lagging_view(void)
{
	struct l2_node *a, *b, *c;
	uint8_t x[6], buf[BUF];
	uint64_t t = T0;
	size_t len;
	int hops;

	roam_start(&a, &b, &c, x, &t);
	ogm(b, t += 1000, a, c);		/* b: ADD x */
	len = ogm_out(a, t += 300, buf, sizeof(buf));	/* a: DEL|ROAM x */
	ogm_in(c, a->cfg.mac, buf, len, t);	/* b hears it later */
	CHECK_INT(where(c, x), 2);
	a->now_ms = t += 600;
	l2_tt_local_seen(a, x, 0, 0);		/* back at a: ROAM_ADV to b */
	CHECK_INT(line_path(a, c, b, x, &hops), 1);
	CHECK_INT(hops, 3);
	ogm_in(b, a->cfg.mac, buf, len, t += 100);	/* the late DEL|ROAM */
	CHECK_INT(line_path(a, c, b, x, &hops), 1);
	ogm(a, t += 300, b, c);			/* a: ADD x */
	CHECK_INT(line_path(a, c, b, x, &hops), 1);
	CHECK_INT(hops, 1);
	nodes_free(a, b, c);
}

/* 5 ROAM_ADVs per client per 20 s (the announcements 3.1 s apart: one
 * sooner after our ROAM_ADV is taken for older than it). */
static void test_roam_flap_limit(void)
{
	struct l2_tt_vlan vl = { 0, 0 };
	struct l2_tt_change ch = { 0, { 0 }, 0 };
	struct l2_node *b;
	uint8_t x[6], buf[BUF];
	size_t len;

	tt_net_reset();
	b = tt_net_node(2, T0);
	tt_net_extra(FAKE);
	client(x, 0x42);
	memcpy(ch.addr, x, 6);
	vl.crc = l2_tt_crc_entry(x, 0, 0);
	for (unsigned k = 1; k <= 7; k++) {
		uint64_t t = T0 + (k == 7 ? 25000 : k * 3100u);

		len = tt_craft(buf, sizeof(buf), L2_TT_OGM_DIFF, (uint8_t)k, &vl, 1, &ch, 1);
		ogm_in(b, FAKE, buf, len, t);
		CHECK_INT(where(b, x), 0x0f);
		l2_tt_local_seen(b, x, 0, 0);
		CHECK_INT(stat(b, L2_STAT_TT_ROAM_ADV_TX), k <= 5 ? k : k - 1);
	}
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 0);
	l2_node_free(b);
}

/* ---- timeouts, TEMP, originators --------------------------------------------- */

static void test_temp_and_timeouts(void)
{
	struct l2_tt_global_info gi;
	struct l2_node *a, *b, *c;
	uint8_t x[6], y[6], z[6];
	uint64_t t = T0;

	tt_net_reset();
	a = tt_net_node(1, T0);
	b = tt_net_node(2, T0);
	c = tt_net_node(3, T0);
	client(x, 1);
	client(y, 2);
	client(z, 3);
	l2_tt_local_seen(a, x, 0, 0);
	ogm(a, t += 1000, b, NULL);

	/* a sighting: TEMP, usable, outside the CRC, gone after 600 s */
	b->now_ms = t;
	l2_tt_temp_seen(b, y, 0, a->cfg.mac);
	CHECK(global_get(b, y, 0, a->cfg.mac, &gi));
	CHECK_STR(gi.flags_str, "...T");
	CHECK_INT(where(b, y), 1);
	ogm(a, t += 1000, b, NULL);
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 0);
	/* it never overrides an announcement */
	l2_tt_temp_seen(b, x, 0, c->cfg.mac);
	CHECK_INT(where(b, x), 1);
	CHECK(!global_get(b, x, 0, c->cfg.mac, NULL));
	/* an announcement replaces it */
	l2_tt_temp_seen(b, z, 0, c->cfg.mac);
	l2_tt_local_seen(a, z, 0, 0);
	ogm(a, t += 1000, b, NULL);
	CHECK_INT(where(b, z), 1);
	CHECK(global_get(b, z, 0, a->cfg.mac, &gi));
	CHECK_STR(gi.flags_str, "....");
	CHECK(!global_get(b, z, 0, c->cfg.mac, NULL));
	l2_tt_tick(b, t + L2_TT_TEMP_TIMEOUT_MS - 6000);
	CHECK_INT(where(b, y), 1);
	l2_tt_tick(b, t + L2_TT_TEMP_TIMEOUT_MS);
	CHECK_INT(where(b, y), -1);
	CHECK_INT(where(b, z), 1);

	/* a ROAM entry nobody claims goes after 600 s */
	ogm(a, t += 1000, c, NULL);
	c->now_ms = t;
	b->now_ms = t;
	l2_tt_local_seen(b, x, 0, 0);	/* b sends a ROAM_ADV to a */
	ogm(a, t += 1000, c, NULL);	/* DEL|ROAM; b is never heard of */
	CHECK(global_get(c, x, 0, a->cfg.mac, &gi));
	CHECK_STR(gi.flags_str, "R...");
	l2_tt_tick(c, t + L2_TT_ROAM_TIMEOUT_MS - 6000);
	CHECK_INT(where(c, x), 1);
	l2_tt_tick(c, t + L2_TT_ROAM_TIMEOUT_MS);
	CHECK_INT(where(c, x), -1);

	/* an originator purged takes its clients along */
	CHECK(global_rows(b, a->cfg.mac) > 0);
	l2_tt_orig_gone(b, a->cfg.mac);
	CHECK_INT(global_rows(b, a->cfg.mac), 0);
	CHECK_INT(where(b, z), -1);
	l2_node_free(a);
	l2_node_free(b);
	l2_node_free(c);
}

/* ---- relays, size limits ----------------------------------------------------- */

/* c's request for a's table is answered by b, which holds a current copy. */
static void test_other_response(void)
{
	struct l2_node *a, *b, *c;
	struct l2_unicast_tvlv u;
	struct mc_rd r, tvlvs;
	uint8_t k[6], req[256];
	struct l2_tvlv tv;
	struct l2_eth eth;
	uint64_t t = T0;
	size_t req_len;

	tt_net_reset();
	a = tt_net_node(1, T0);
	b = tt_net_node(2, T0);
	c = tt_net_node(3, T0);
	CHECK_INT(l2_port_add(b, "eth0", b->cfg.mac, 1500, false), 0);
	for (unsigned i = 1; i <= 3; i++) {
		client(k, i);
		l2_tt_local_seen(a, k, 0, 0);
	}
	ogm(a, t += 1000, b, NULL);
	ogm(a, t += 1000, NULL, NULL);
	ogm(a, t += 1000, NULL, NULL);
	stub_net.drop_unicast = true;
	ogm(a, t += 1000, c, NULL);		/* no diff left: c asks a */
	CHECK_INT(stat(c, L2_STAT_TT_REQUEST_TX), 1);
	CHECK(l2_mac_eq(stub_net.last_dst, a->cfg.mac));
	req_len = stub_net.last_len;
	memcpy(req, stub_net.last_tvlv, req_len);
	stub_net.drop_unicast = false;

	mc_rd_init(&r, req, req_len);
	CHECK_INT(l2_tvlv_next(&r, &tv), 1);
	b->now_ms = t;
	CHECK(l2_tt_unicast_tvlv_transit(b, c->cfg.mac, a->cfg.mac, &tv));
	CHECK_INT(stat(b, L2_STAT_TT_RESPONSE_TX), 1);
	CHECK_INT(tt_net.nframes, 1);

	/* the frame: to c via b's port, UNICAST_TVLV from a */
	mc_rd_init(&r, tt_net.frame[0], tt_net.frame_len[0]);
	CHECK_INT(l2_eth_decode(&r, &eth), 0);
	CHECK(l2_mac_eq(eth.dst, c->cfg.mac) && l2_mac_eq(eth.src, b->cfg.mac));
	CHECK_INT(l2_unicast_tvlv_decode(&r, &u), 0);
	CHECK(l2_mac_eq(u.src, a->cfg.mac) && l2_mac_eq(u.dst, c->cfg.mac));
	CHECK_INT(l2_tvlv_container(&r, u.tvlv_len, &tvlvs), 0);
	CHECK_INT(l2_tvlv_next(&tvlvs, &tv), 1);
	c->now_ms = t;
	l2_tt_unicast_tvlv_rx(c, u.src, &tv);
	CHECK_INT(stat(c, L2_STAT_TT_RESPONSE_RX), 1);
	client(k, 2);
	CHECK_INT(where(c, k), 1);
	CHECK_INT(global_crc(c, a->cfg.mac), own_crc(a, 0));
	ogm(a, t += 1000, c, NULL);
	CHECK_INT(stat(c, L2_STAT_TT_REQUEST_TX), 1);

	/* b's copy is behind: it lets the request pass */
	client(k, 4);
	l2_tt_local_seen(a, k, 0, 0);
	stub_net.drop_unicast = true;
	for (int i = 0; i < 3; i++)
		ogm(a, t += 1000, NULL, NULL);
	ogm(a, t += 1000, c, NULL);
	CHECK_INT(stat(c, L2_STAT_TT_REQUEST_TX), 2);
	mc_rd_init(&r, stub_net.last_tvlv, stub_net.last_len);
	CHECK_INT(l2_tvlv_next(&r, &tv), 1);
	CHECK(!l2_tt_unicast_tvlv_transit(b, c->cfg.mac, a->cfg.mac, &tv));
	CHECK_INT(stat(b, L2_STAT_TT_RESPONSE_TX), 1);
	l2_node_free(a);
	l2_node_free(b);
	l2_node_free(c);
}

/* Small MTU: the diff does not fit an OGM; the table stops growing. */
static void test_size_limits(void)
{
	struct l2_tvlv_tt tt;
	struct l2_node *a, *b;
	uint8_t k[6], buf[BUF];
	struct mc_wr w;
	size_t len;

	tt_net_reset();
	a = tt_net_node(1, T0);
	b = tt_net_node(2, T0);
	CHECK_INT(l2_port_add(a, "eth0", a->cfg.mac, 200, false), 0);
	/* 200 - 24 - 4 - 4 - 8 - 32 = 128 bytes: 10 changes; we have 16 */
	for (unsigned i = 0; i < 15; i++) {
		client(k, i);
		l2_tt_local_seen(a, k, 0, 0);
	}
	len = ogm_out(a, T0 + 1000, buf, sizeof(buf));
	tt_parse(buf, len, &tt);
	CHECK_INT(tt.data.ttvn, 1);
	CHECK_INT(tt.num_changes, 0);
	ogm_in(b, a->cfg.mac, buf, len, T0 + 1000);
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 1);
	CHECK_INT(global_rows(b, a->cfg.mac), 16);
	CHECK_INT(global_crc(b, a->cfg.mac), own_crc(a, 0));

	/* a full table must fit 16 fragments: (200 - 20) * 16 = 2880 bytes */
	for (unsigned i = 15; i < 300; i++) {
		client(k, i);
		l2_tt_local_seen(a, k, 0, 0);
	}
	CHECK_INT(local_rows(a), (2880 - 20 - 4 - 4 - 8) / 12);

	/* an OGM frame without room for even the version fails cleanly */
	mc_wr_init(&w, buf, 10);
	CHECK_INT(l2_tt_ogm_append(a, &w), -EMSGSIZE);
	CHECK_INT(mc_wr_len(&w), 0);
	CHECK(mc_wr_ok(&w));
	/* room for the version but not the diff */
	mc_wr_init(&w, buf, 16);
	CHECK_INT(l2_tt_ogm_append(a, &w), 0);
	tt_parse(buf, mc_wr_len(&w), &tt);
	CHECK_INT(tt.num_changes, 0);
	l2_node_free(a);
	l2_node_free(b);
}

/* ---- caps (issue 12) ---------------------------------------------------------------- */

/* A forged client MAC, 06:c1:..., k < 2^24. */
static void forged(uint8_t out[6], unsigned k)
{
	const uint8_t m[6] = { 0x06, 0xc1, 0, (uint8_t)(k >> 16), (uint8_t)(k >> 8), (uint8_t)k };

	memcpy(out, m, 6);
}

/* A forged originator 02:00:00:00:01:<i> that every node routes to. */
static void forged_orig(uint8_t out[6], unsigned i)
{
	const uint8_t m[6] = { 0x02, 0, 0, 0, 1, (uint8_t)i };

	memcpy(out, m, 6);
	tt_net_extra(out);
}

/* orig's OGMs announce clients first..first+k-1 to b, 100 a diff, TTVN
 * 1, 2, ... (the CRCs never match: b's requests go nowhere). */
static void forged_announce(struct l2_node *b, const uint8_t orig[6], unsigned first,
			    unsigned k)
{
	static struct l2_tt_change c[100];
	const struct l2_tt_vlan v = { 0x12345678, 0 };
	uint8_t buf[BUF], ttvn = 0;
	unsigned i = 0, nc;

	while (i < k) {
		for (nc = 0; nc < 100 && i < k; nc++, i++) {
			c[nc] = (struct l2_tt_change){ 0 };
			forged(c[nc].addr, first + i);
		}
		ogm_in(b, orig, buf, tt_craft(buf, sizeof(buf), L2_TT_OGM_DIFF, ++ttvn, &v, 1,
					      c, nc), b->now_ms);
	}
}

/* A LAN flooded with source MACs: batman-adv's rule, what a full table
 * response can carry, stops the local table; refusals are counted. */
static void test_cap_local(void)
{
	struct l2_node *a;
	uint8_t k[6];

	tt_net_reset();
	a = tt_net_node(1, T0);
	ogm_out(a, T0, (uint8_t[BUF]){ 0 }, BUF);	/* bat0's own entry first */
	for (unsigned i = 0; i < 20000; i++) {
		forged(k, i);
		l2_tt_local_seen(a, k, 0, 0);
	}
	CHECK_INT(L2_TT_ORIG_CLIENTS_MAX, 1677);
	CHECK_INT(local_rows(a), L2_TT_ORIG_CLIENTS_MAX);
	CHECK_INT(stat(a, L2_STAT_TT_LOCAL_REFUSED), 20000 - (L2_TT_ORIG_CLIENTS_MAX - 1));
	CHECK(l2_tt_local_has(a, a->cfg.mac, 0));
	forged(k, 0);
	CHECK(l2_tt_local_has(a, k, 0));
	l2_node_free(a);
}

/* Frames from 20,000 forged clients behind one originator (l2forge
 * --clients): the sightings stop at the caps, per originator and in all;
 * announcements still get in; the sightings expire as before. */
static void test_cap_temp(void)
{
	struct l2_node *a, *b;
	uint8_t k[6], f[6], x[6];
	uint64_t t = T0 + 1000;

	tt_net_reset();
	a = tt_net_node(1, T0);
	b = tt_net_node(2, T0);
	b->now_ms = t;
	for (unsigned i = 0; i < 20000; i++) {
		forged(k, i);
		l2_tt_temp_seen(b, k, 0, a->cfg.mac);
	}
	CHECK_INT(temp_rows(b), L2_TT_ORIG_TEMP_MAX);
	CHECK_INT(stat(b, L2_STAT_TT_TEMP_REFUSED), 20000 - L2_TT_ORIG_TEMP_MAX);
	client(x, 1);
	l2_tt_local_seen(a, x, 0, 0);
	ogm(a, t, b, NULL);
	CHECK_INT(where(b, x), 1);
	CHECK_INT(stat(b, L2_STAT_TT_GLOBAL_REFUSED), 0);

	for (unsigned o = 0; o < 16; o++) {
		forged_orig(f, o);
		for (unsigned i = 0; i < 300; i++) {
			forged(k, 100000 + o * 1000 + i);
			l2_tt_temp_seen(b, k, 0, f);
		}
	}
	CHECK_INT(temp_rows(b), L2_TT_TEMP_MAX);
	l2_tt_tick(b, t + L2_TT_TEMP_TIMEOUT_MS);
	CHECK_INT(temp_rows(b), 0);
	CHECK_INT(where(b, x), 1);
	forged(k, 0);
	l2_tt_temp_seen(b, k, 0, a->cfg.mac);
	CHECK_INT(temp_rows(b), 1);
	l2_node_free(a);
	l2_node_free(b);
}

/*
 * Forged announcements: one originator stops at what a node can announce;
 * eleven of them fill the table, where an announcement takes the place of
 * a sighting, then newcomers are refused (a real originator's too: its
 * table no longer matches its CRC) until an originator is purged and the
 * next request repairs.
 */
static void test_cap_global(void)
{
	struct l2_node *a, *b;
	uint8_t f[6], x[6], y[6];
	uint64_t t = T0, refused;

	tt_net_reset();
	a = tt_net_node(1, T0);
	b = tt_net_node(2, T0);
	ogm(a, t += 1000, b, NULL);
	client(y, 2);
	l2_tt_temp_seen(b, y, 0, a->cfg.mac);
	CHECK_INT(where(b, y), 1);

	forged_orig(f, 0);
	forged_announce(b, f, 0, 2000);
	CHECK_INT(global_rows(b, f), L2_TT_ORIG_CLIENTS_MAX);
	CHECK(stat(b, L2_STAT_TT_GLOBAL_REFUSED) > 0);
	for (unsigned o = 1; o < 11; o++) {
		forged_orig(f, o);
		forged_announce(b, f, o * 2000, L2_TT_ORIG_CLIENTS_MAX);
	}
	CHECK_INT(global_rows(b, NULL), L2_TT_GLOBAL_MAX);
	CHECK_INT(where(b, y), -1);		/* the sighting made room */
	CHECK_INT(where(b, a->cfg.mac), 1);	/* rows held stay */

	/* a's table (its own MAC and x) no longer fits: b holds part of it */
	refused = stat(b, L2_STAT_TT_GLOBAL_REFUSED);
	client(x, 1);
	l2_tt_local_seen(a, x, 0, 0);
	ogm(a, t += 1000, b, NULL);
	CHECK(stat(b, L2_STAT_TT_GLOBAL_REFUSED) > refused);
	CHECK_INT(global_rows(b, NULL), L2_TT_GLOBAL_MAX);
	CHECK(global_crc(b, a->cfg.mac) != own_crc(a, 0));
	forged_orig(f, 0);
	l2_tt_orig_gone(b, f);
	ogm(a, t += L2_TT_REQUEST_TIMEOUT_MS, b, NULL);
	CHECK_INT(where(b, x), 1);
	CHECK_INT(global_crc(b, a->cfg.mac), own_crc(a, 0));
	l2_node_free(a);
	l2_node_free(b);
}

/* ---- malformed input ------------------------------------------------------------- */

static void test_malformed(void)
{
	struct l2_tt_vlan vl[L2_TT_VLANS_MAX + 1];
	struct l2_tt_change ch = { 0, { 0x52, 0x54, 0, 0, 0, 1 }, 0 };
	uint8_t raw[64], buf[BUF];
	struct l2_tvlv tv;
	struct l2_node *b;
	uint64_t drops = 0;
	size_t len;

	tt_net_reset();
	b = tt_net_node(2, T0);
	tt_net_extra(FAKE);
	memset(vl, 0, sizeof(vl));
	memset(raw, 0, sizeof(raw));

	/* TT version 2 */
	len = tt_craft(buf, sizeof(buf), L2_TT_OGM_DIFF, 1, vl, 1, &ch, 1);
	buf[1] = 2;
	ogm_in(b, FAKE, buf, len, T0);
	CHECK_INT(stat(b, L2_STAT_DROP_TT), ++drops);
	/* num_vlan 2 with one VLAN's bytes */
	raw[0] = L2_TT_OGM_DIFF;
	raw[1] = 1;
	mc_put_u16(raw + 2, 2);
	tv = (struct l2_tvlv){ L2_TVLV_TT, 1, 12, raw };
	l2_tt_ogm_rx(b, FAKE, &tv);
	CHECK_INT(stat(b, L2_STAT_DROP_TT), ++drops);
	/* a change list that is not whole entries */
	mc_put_u16(raw + 2, 1);
	tv.len = 4 + 8 + 13;
	l2_tt_ogm_rx(b, FAKE, &tv);
	CHECK_INT(stat(b, L2_STAT_DROP_TT), ++drops);
	/* more VLANs than a table may have */
	len = tt_craft(buf, sizeof(buf), L2_TT_OGM_DIFF, 1, vl, L2_TT_VLANS_MAX + 1, &ch, 1);
	ogm_in(b, FAKE, buf, len, T0);
	CHECK_INT(stat(b, L2_STAT_DROP_TT), ++drops);
	/* unicast: an unknown TT message type */
	len = tt_craft(buf, sizeof(buf), 0x08, 1, vl, 1, NULL, 0);
	utvlv_in(b, FAKE, buf, len);
	CHECK_INT(stat(b, L2_STAT_DROP_TT), ++drops);
	/* a response from an originator we never heard */
	len = tt_craft(buf, sizeof(buf), L2_TT_RESPONSE | L2_TT_FULL_TABLE, 1, vl, 1, &ch, 1);
	utvlv_in(b, FAKE, buf, len);
	CHECK_INT(stat(b, L2_STAT_DROP_TT), ++drops);
	/* a short ROAM_ADV, and one from an unknown originator */
	tv = (struct l2_tvlv){ L2_TVLV_ROAM, 1, 6, raw };
	l2_tt_unicast_tvlv_rx(b, FAKE, &tv);
	CHECK_INT(stat(b, L2_STAT_DROP_TT), ++drops);
	tv.len = 8;
	l2_tt_unicast_tvlv_rx(b, FAKE2, &tv);
	CHECK_INT(stat(b, L2_STAT_DROP_TT), ++drops);

	CHECK_INT(global_rows(b, NULL), 0);
	CHECK_INT(stat(b, L2_STAT_TT_REQUEST_TX), 0);
	CHECK_INT(stat(b, L2_STAT_TT_ROAM_ADV_RX), 0);
	l2_node_free(b);
}

int main(void)
{
	RUN(test_local_commit);
	RUN(test_ttvn_wrap);
	RUN(test_crc_vectors);
	RUN(test_receiver_diff);
	RUN(test_request_repair);
	RUN(test_roaming);
	RUN(test_check_unicast);
	RUN(test_roam_back);
	RUN(test_roam_undo);
	RUN(test_roam_flap_limit);
	RUN(test_roam_stale_ogm);
	RUN(test_roam_committed_reroute);
	RUN(test_roam_back_before_announce);
	RUN(test_roam_stale_add);
	RUN(test_roam_back_lagging_view);
	RUN(test_temp_and_timeouts);
	RUN(test_other_response);
	RUN(test_size_limits);
	RUN(test_cap_local);
	RUN(test_cap_temp);
	RUN(test_cap_global);
	RUN(test_malformed);
	RUN(test_local_restore);
	return check_exit();
}
