/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The local side of the soft switch, what br-lan does on a LibreMesh
 * node: the learning table (MAC -> local port, 300 s ageing, as the Linux
 * bridge), the local ports (bat0 = the host, anygw, LAN ports), and the
 * client frames out of the mesh, which go to the port that learnt their
 * destination or to every local port. The anycast filter (frame.c has
 * the classes) keeps anycast-gateway traffic out of the mesh from being
 * delivered: every node has its own gateway with the same MAC and
 * addresses. switch.c takes the frames of the local ports.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "l2mesh/core/data.h"

#define FDB_HASH_ORDER 6	/* 64 slots to start with; grows */
#define NO_PORT UINT_MAX

struct fdb_entry {
	struct l2_mackey key;	/* mac, vid 0 */
	bool live;		/* false: forgotten, kept for reuse until purged */
	unsigned lport;
	uint64_t seen_ms;
};

/* ---- learning table -------------------------------------------------------- */

int l2_fdb_init(struct l2_node *n)
{
	n->data->fdb_seed = l2_seed(n);
	return mc_hash_init(&n->data->fdb, FDB_HASH_ORDER);
}

struct sweep_ctx {
	struct mc_hash *h;
	uint64_t now_ms;
	bool all;
};

static void sweep_one(struct mc_hnode *hn, void *arg)
{
	const struct sweep_ctx *c = arg;
	struct fdb_entry *e = mc_container_of(hn, struct fdb_entry, key.hnode);

	if (!c->all && e->live && c->now_ms < e->seen_ms + L2_FDB_AGING_MS)
		return;
	mc_hash_del(c->h, hn);
	free(e);
}

/* Frees the entries aged out at now_ms, or all of them. */
static void fdb_sweep(struct l2_node *n, uint64_t now_ms, bool all)
{
	struct sweep_ctx c = { &n->data->fdb, now_ms, all };

	mc_hash_walk(c.h, sweep_one, &c);
}

void l2_fdb_free(struct l2_node *n)
{
	if (!n->data->fdb.tab)
		return;
	fdb_sweep(n, 0, true);
	mc_hash_free(&n->data->fdb);
}

void l2_fdb_purge(struct l2_node *n, uint64_t now_ms)
{
	fdb_sweep(n, now_ms, false);
}

static struct fdb_entry *fdb_lookup(const struct l2_data *d, const uint8_t mac[6])
{
	struct l2_mackey *k = l2_mackey_find(&d->fdb, d->fdb_seed, mac, 0);

	return k ? mc_container_of(k, struct fdb_entry, key) : NULL;
}

/* The port that learnt mac, if the entry has not aged out. */
static struct fdb_entry *fdb_find(struct l2_node *n, const uint8_t mac[6])
{
	struct fdb_entry *e = fdb_lookup(n->data, mac);

	return e && e->live && n->now_ms < e->seen_ms + L2_FDB_AGING_MS ? e : NULL;
}

void l2_fdb_learn(struct l2_node *n, const uint8_t mac[6], unsigned lport)
{
	struct l2_data *d = n->data;
	struct fdb_entry *e = fdb_lookup(d, mac);

	if (!e) {
		if (d->fdb.count >= L2_FDB_MAX || !(e = calloc(1, sizeof(*e))))
			return;		/* full: its frames get flooded */
		memcpy(e->key.mac, mac, 6);
		if (l2_mackey_add(&d->fdb, d->fdb_seed, &e->key) < 0) {
			free(e);
			return;
		}
	}
	e->live = true;
	e->lport = lport;
	e->seen_ms = n->now_ms;
}

/* mac spoke through the mesh: it is not behind a local port (any more).
 * The entry stays for the purge, so a flapping MAC costs no allocation. */
static void fdb_forget(struct l2_node *n, const uint8_t mac[6])
{
	struct fdb_entry *e = fdb_lookup(n->data, mac);

	if (e)
		e->live = false;
}

/* ---- local ports ------------------------------------------------------------ */

void l2_bridge_flood(struct l2_node *n, unsigned except, const uint8_t *frame,
		     size_t len)
{
	for (unsigned l = 0; l < n->nlocals; l++)
		if (l != except)
			l2_local_send(n, l, frame, len);
}

/* To the anygw and the LAN ports: the anycast services are theirs, not
 * the host's (a DHCP server on bat0 would answer for the wrong node). */
void l2_bridge_flood_clients(struct l2_node *n, unsigned except, const uint8_t *frame,
			     size_t len)
{
	for (unsigned l = 0; l < n->nlocals; l++)
		if (l != except && n->locals[l].kind != L2_LOCAL_HOST)
			l2_local_send(n, l, frame, len);
}

int l2_bridge_local_of_kind(const struct l2_node *n, enum l2_local_kind kind)
{
	for (unsigned l = 0; l < n->nlocals; l++)
		if (n->locals[l].kind == kind)
			return (int)l;
	return -1;
}

/* The local port whose own address mac is (bat0's, anygw's), or -1. */
int l2_bridge_local_of_mac(const struct l2_node *n, const uint8_t mac[6])
{
	for (unsigned l = 0; l < n->nlocals; l++)
		if (l2_mac_eq(n->locals[l].mac, mac))
			return (int)l;
	return -1;
}

/*
 * The local port a unicast frame is for, or -1. A learnt client that TT
 * has since seen at another node (it roamed, a ROAM_ADV came) goes by TT.
 */
int l2_bridge_dest(struct l2_node *n, const uint8_t dst[6], uint16_t vid)
{
	int l = l2_bridge_local_of_mac(n, dst);
	struct fdb_entry *e;
	uint8_t orig[6], ttvn;

	if (l >= 0)
		return l;
	e = fdb_find(n, dst);
	if (!e)
		return -1;
	if (!l2_tt_local_has(n, dst, vid) &&
	    l2_tt_global_lookup(n, dst, vid, orig, &ttvn) == 0)
		return -1;
	return (int)e->lport;
}

/* ---- from the mesh ------------------------------------------------------------------ */

/* A client frame's sender, heard through the mesh: not behind a local
 * port (any more), and, when the originator that sent it is known (4ADDR
 * DATA) and TT has it nowhere, a temporary TT entry at that originator. */
static void mesh_src_seen(struct l2_node *n, const struct l2_eth *eth, const uint8_t *orig)
{
	uint16_t vid = l2_frame_vid(eth);
	uint8_t o[6], ttvn;

	fdb_forget(n, eth->src);
	if (orig && !l2_tt_local_has(n, eth->src, vid) &&
	    l2_tt_global_lookup(n, eth->src, vid, o, &ttvn) < 0)
		l2_tt_temp_seen(n, eth->src, vid, orig);
}

/*
 * A gateway client's DHCP request, sent to this node as its batman
 * gateway: to the anygw port (anycastd) only, never to bat0 or the LAN,
 * and its sender is learnt at orig so the answer finds its way back
 * (switch.c). Without an anycast server here it is dropped, as any
 * DHCP from the mesh.
 */
void l2_bridge_gw_dhcp(struct l2_node *n, const uint8_t *frame, size_t len,
		       const uint8_t *orig)
{
	int gw = l2_bridge_local_of_kind(n, L2_LOCAL_ANYGW);
	struct l2_eth eth;
	struct mc_rd r;

	mc_rd_init(&r, frame, len);
	if (gw < 0 || l2_eth_decode(&r, &eth) < 0 || l2_mac_is_multicast(eth.src) ||
	    l2_mac_eq(eth.src, n->cfg.anygw_mac)) {
		l2_count(n, L2_STAT_DROP_ANYCAST, 1);
		return;
	}
	mesh_src_seen(n, &eth, orig);
	l2_count(n, L2_STAT_GW_DHCP_RX, 1);
	l2_local_send(n, (unsigned)gw, frame, len);
}

/* Frames out of the mesh no local port gets; counts them. */
static bool mesh_frame_ok(struct l2_node *n, const struct l2_eth *eth,
			  const uint8_t *frame, size_t len)
{
	enum l2_stat drop = L2_STAT_COUNT;

	if (l2_frame_is_batman(eth) || l2_mac_is_multicast(eth->src))
		drop = L2_STAT_DROP_MALFORMED;
	else if (l2_frame_anycast(&n->cfg, frame, len) != L2_ANYCAST_NONE)
		drop = L2_STAT_DROP_ANYCAST;
	else if (l2_bridge_local_of_mac(n, eth->src) >= 0)	/* bat0's own MAC came back */
		drop = L2_STAT_DROP_OWN;
	if (drop == L2_STAT_COUNT)
		return true;
	l2_count(n, drop, 1);
	return false;
}

void l2_bridge_from_mesh(struct l2_node *n, const uint8_t *frame, size_t len,
			 const uint8_t *orig)
{
	struct l2_eth eth;
	struct mc_rd r;
	uint16_t vid;
	int dst;

	mc_rd_init(&r, frame, len);
	if (l2_eth_decode(&r, &eth) < 0) {
		l2_count(n, L2_STAT_DROP_SHORT, 1);
		return;
	}
	if (!mesh_frame_ok(n, &eth, frame, len))
		return;
	vid = l2_frame_vid(&eth);
	mesh_src_seen(n, &eth, orig);
	l2_count(n, L2_STAT_RX, 1);
	l2_count(n, L2_STAT_RX_BYTES, len);
	dst = l2_mac_is_multicast(eth.dst) ? -1 : l2_bridge_dest(n, eth.dst, vid);
	if (dst >= 0)
		l2_local_send(n, (unsigned)dst, frame, len);
	else
		l2_bridge_flood(n, NO_PORT, frame, len);
}
