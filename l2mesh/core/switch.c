/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The soft switch: what br-lan and bat0 do together on a LibreMesh node.
 * Client frames from the local ports (bat0 = the host, anygw, LAN ports)
 * are switched between them with a learning table (MAC -> local port,
 * 300 s ageing, as the Linux bridge), and what is not for a local port
 * enters the mesh as batman-adv does at bat0: group frames as our own
 * BCAST, unicast to a TT client as UNICAST to its originator. Frames out
 * of the mesh go to the port that learnt the destination, or to every
 * local port.
 *
 * The anycast filter sits in front of both directions (frame.c has the
 * classes): anycast-gateway traffic from a local port never enters the
 * mesh, and such traffic out of the mesh is never delivered, because
 * every node has its own gateway with the same MAC and addresses.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "l2mesh/core/data.h"

#define FDB_BUCKETS 1024	/* power of two */
#define NO_PORT UINT_MAX

/* 802.1D STP and Cisco ECTP: batman-adv keeps them out of the mesh. */
static const uint8_t stp_addr[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };
static const uint8_t ectp_addr[6] = { 0xcf, 0x00, 0x00, 0x00, 0x00, 0x00 };

struct fdb_entry {
	uint8_t mac[6];
	bool live;		/* false: forgotten, kept for reuse until purged */
	unsigned lport;
	uint64_t seen_ms;
	struct fdb_entry *next;
};

struct l2_fdb {
	struct fdb_entry *bucket[FDB_BUCKETS];
	unsigned count;
	uint32_t seed;		/* from env.rand: a LAN cannot aim at one chain */
};

/* ---- learning table -------------------------------------------------------- */

static unsigned fdb_hash(const struct l2_fdb *t, const uint8_t mac[6])
{
	uint32_t h = t->seed;

	for (int i = 0; i < 6; i++)
		h = (h ^ mac[i]) * 16777619u;	/* FNV-1a step */
	return (h ^ (h >> 15)) & (FDB_BUCKETS - 1);
}

int l2_fdb_init(struct l2_node *n)
{
	struct l2_fdb *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->seed = n->env.rand ? n->env.rand(n->env.user) : 0;
	n->data->fdb = t;
	return 0;
}

/* Frees the entries aged out at now_ms, or all of them. */
static void fdb_sweep(struct l2_fdb *t, uint64_t now_ms, bool all)
{
	for (unsigned i = 0; i < FDB_BUCKETS; i++) {
		struct fdb_entry **pp = &t->bucket[i];

		while (*pp) {
			struct fdb_entry *e = *pp;

			if (!all && e->live && now_ms < e->seen_ms + L2_FDB_AGING_MS) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			free(e);
			t->count--;
		}
	}
}

void l2_fdb_free(struct l2_node *n)
{
	if (!n->data->fdb)
		return;
	fdb_sweep(n->data->fdb, 0, true);
	free(n->data->fdb);
	n->data->fdb = NULL;
}

void l2_fdb_purge(struct l2_node *n, uint64_t now_ms)
{
	fdb_sweep(n->data->fdb, now_ms, false);
}

static struct fdb_entry **fdb_slot(struct l2_fdb *t, const uint8_t mac[6])
{
	struct fdb_entry **pp = &t->bucket[fdb_hash(t, mac)];

	while (*pp && !l2_mac_eq((*pp)->mac, mac))
		pp = &(*pp)->next;
	return pp;
}

/* The port that learnt mac, if the entry has not aged out. */
static struct fdb_entry *fdb_find(struct l2_node *n, const uint8_t mac[6])
{
	struct fdb_entry *e = *fdb_slot(n->data->fdb, mac);

	return e && e->live && n->now_ms < e->seen_ms + L2_FDB_AGING_MS ? e : NULL;
}

static void fdb_learn(struct l2_node *n, const uint8_t mac[6], unsigned lport)
{
	struct l2_fdb *t = n->data->fdb;
	struct fdb_entry **pp = fdb_slot(t, mac), *e = *pp;

	if (!e) {
		if (t->count >= L2_FDB_MAX || !(e = malloc(sizeof(*e))))
			return;		/* full: its frames get flooded */
		memcpy(e->mac, mac, 6);
		e->next = NULL;
		*pp = e;
		t->count++;
	}
	e->live = true;
	e->lport = lport;
	e->seen_ms = n->now_ms;
}

/* mac spoke through the mesh: it is not behind a local port (any more).
 * The entry stays for the purge, so a flapping MAC costs no allocation. */
static void fdb_forget(struct l2_node *n, const uint8_t mac[6])
{
	struct fdb_entry *e = *fdb_slot(n->data->fdb, mac);

	if (e)
		e->live = false;
}

/* ---- local ports ------------------------------------------------------------ */

static void local_send(struct l2_node *n, unsigned lport, const uint8_t *frame,
		       size_t len)
{
	n->env.local_send(n->env.user, lport, frame, len);
}

static void local_flood(struct l2_node *n, unsigned except, const uint8_t *frame,
			size_t len)
{
	for (unsigned l = 0; l < n->nlocals; l++)
		if (l != except)
			local_send(n, l, frame, len);
}

/* To the anygw and the LAN ports: the anycast services are theirs, not
 * the host's (a DHCP server on bat0 would answer for the wrong node). */
static void local_flood_clients(struct l2_node *n, unsigned except,
				const uint8_t *frame, size_t len)
{
	for (unsigned l = 0; l < n->nlocals; l++)
		if (l != except && n->locals[l].kind != L2_LOCAL_HOST)
			local_send(n, l, frame, len);
}

static int local_of_kind(const struct l2_node *n, enum l2_local_kind kind)
{
	for (unsigned l = 0; l < n->nlocals; l++)
		if (n->locals[l].kind == kind)
			return (int)l;
	return -1;
}

/* The local port whose own address mac is (bat0's, anygw's), or -1. */
static int local_of_mac(const struct l2_node *n, const uint8_t mac[6])
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
static int local_dest(struct l2_node *n, const uint8_t dst[6], uint16_t vid)
{
	int l = local_of_mac(n, dst);
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

/* ---- from a local port --------------------------------------------------------- */

static void mesh_tx_count(struct l2_node *n, size_t len)
{
	l2_count(n, L2_STAT_TX, 1);
	l2_count(n, L2_STAT_TX_BYTES, len);
}

static void mesh_bcast(struct l2_node *n, const uint8_t *dst, const uint8_t *frame,
		       size_t len)
{
	if (l2_mac_eq(dst, stp_addr) || l2_mac_eq(dst, ectp_addr)) {
		l2_count(n, L2_STAT_TX_DROPPED, 1);
		return;
	}
	mesh_tx_count(n, len);
	l2_bcast_send_own(n, frame, len);
}

static void mesh_unicast(struct l2_node *n, const uint8_t orig[6], uint8_t ttvn,
			 const uint8_t *frame, size_t len)
{
	if (l2_send_unicast_frame(n, orig, ttvn, frame, len) < 0)
		l2_count(n, L2_STAT_TX_DROPPED, 1);
	else
		mesh_tx_count(n, len);
}

/* A unicast frame from lport; mesh says whether it may enter the mesh. */
static void switch_unicast(struct l2_node *n, unsigned lport, const struct l2_eth *eth,
			   const uint8_t *frame, size_t len, bool mesh)
{
	uint16_t vid = l2_frame_vid(eth);
	int dst = local_dest(n, eth->dst, vid);
	uint8_t orig[6], ttvn;

	if (dst >= 0) {		/* learnt here: never into the mesh */
		if ((unsigned)dst == lport)
			l2_count(n, L2_STAT_DROP_NOT_FOR_US, 1);
		else
			local_send(n, (unsigned)dst, frame, len);
		return;
	}
	if (mesh && l2_tt_global_lookup(n, eth->dst, vid, orig, &ttvn) == 0) {
		mesh_unicast(n, orig, ttvn, frame, len);
		return;
	}
	local_flood(n, lport, frame, len);	/* unknown unicast, as a bridge */
	if (!mesh || l2_tt_local_has(n, eth->dst, vid))
		return;
	if (n->data->flood_unknown_unicast)
		mesh_bcast(n, eth->dst, frame, len);
	else
		l2_count(n, L2_STAT_TX_DROPPED, 1);	/* bat0: no originator */
}

static void switch_frame(struct l2_node *n, unsigned lport, const struct l2_eth *eth,
			 const uint8_t *frame, size_t len)
{
	if (!l2_mac_is_multicast(eth->dst)) {
		switch_unicast(n, lport, eth, frame, len, true);
		return;
	}
	local_flood(n, lport, frame, len);
	mesh_bcast(n, eth->dst, frame, len);
}

/*
 * Anycast traffic never enters the mesh. ARP/ND for the gateway and
 * frames to its MAC go to the anygw port alone; DHCP, RS/RA and the
 * gateway's own frames are switched among the local ports, their
 * broadcasts to the anygw and LAN ports but not to the host.
 */
static void switch_anycast(struct l2_node *n, unsigned lport, const struct l2_eth *eth,
			   enum l2_anycast cls, const uint8_t *frame, size_t len)
{
	int gw = local_of_kind(n, L2_LOCAL_ANYGW);

	l2_count(n, L2_STAT_ANYCAST_FILTERED, 1);
	if (cls == L2_ANYCAST_GW) {
		if (gw >= 0 && (unsigned)gw != lport)
			local_send(n, (unsigned)gw, frame, len);
	} else if (l2_mac_is_multicast(eth->dst)) {
		local_flood_clients(n, lport, frame, len);
	} else {
		switch_unicast(n, lport, eth, frame, len, false);
	}
}

/* Frames the switch refuses from a local port; counts them. */
static bool local_frame_ok(struct l2_node *n, unsigned lport, const struct l2_eth *eth,
			   size_t len)
{
	int own = local_of_mac(n, eth->src);
	enum l2_stat drop = L2_STAT_COUNT;

	if (len > L2_CLIENT_FRAME_MAX)
		drop = L2_STAT_DROP_TOO_BIG;
	else if (l2_mac_is_multicast(eth->src) || l2_mac_is_zero(eth->src) ||
		 l2_frame_is_batman(eth))
		drop = L2_STAT_DROP_MALFORMED;
	else if (own >= 0 && (unsigned)own != lport)	/* our address, looped */
		drop = L2_STAT_DROP_OWN;
	if (drop == L2_STAT_COUNT)
		return true;
	l2_count(n, drop, 1);
	return false;
}

void l2_data_rx_local(struct l2_node *n, unsigned lport, const uint8_t *frame,
		      size_t len)
{
	struct l2_eth eth;
	struct mc_rd r;
	enum l2_anycast cls;

	mc_rd_init(&r, frame, len);
	if (l2_eth_decode(&r, &eth) < 0) {
		l2_count(n, L2_STAT_DROP_SHORT, 1);
		return;
	}
	if (!local_frame_ok(n, lport, &eth, len))
		return;
	fdb_learn(n, eth.src, lport);
	if (!l2_mac_eq(eth.src, n->cfg.anygw_mac))
		l2_tt_local_seen(n, eth.src, l2_frame_vid(&eth), lport);
	cls = l2_frame_anycast(&n->cfg, frame, len);
	if (cls != L2_ANYCAST_NONE)
		switch_anycast(n, lport, &eth, cls, frame, len);
	else
		switch_frame(n, lport, &eth, frame, len);
}

/* ---- from the mesh ------------------------------------------------------------------ */

/* Frames out of the mesh no local port gets; counts them. */
static bool mesh_frame_ok(struct l2_node *n, const struct l2_eth *eth,
			  const uint8_t *frame, size_t len)
{
	enum l2_stat drop = L2_STAT_COUNT;

	if (l2_frame_is_batman(eth) || l2_mac_is_multicast(eth->src))
		drop = L2_STAT_DROP_MALFORMED;
	else if (l2_frame_anycast(&n->cfg, frame, len) != L2_ANYCAST_NONE)
		drop = L2_STAT_DROP_ANYCAST;
	else if (local_of_mac(n, eth->src) >= 0)	/* bat0's own MAC came back */
		drop = L2_STAT_DROP_OWN;
	if (drop == L2_STAT_COUNT)
		return true;
	l2_count(n, drop, 1);
	return false;
}

void l2_switch_from_mesh(struct l2_node *n, const uint8_t *frame, size_t len,
			 const uint8_t *orig)
{
	struct l2_eth eth;
	struct mc_rd r;
	uint16_t vid;
	uint8_t o[6], ttvn;
	int dst;

	mc_rd_init(&r, frame, len);
	if (l2_eth_decode(&r, &eth) < 0) {
		l2_count(n, L2_STAT_DROP_SHORT, 1);
		return;
	}
	if (!mesh_frame_ok(n, &eth, frame, len))
		return;
	vid = l2_frame_vid(&eth);
	fdb_forget(n, eth.src);
	if (orig && !l2_tt_local_has(n, eth.src, vid) &&
	    l2_tt_global_lookup(n, eth.src, vid, o, &ttvn) < 0)
		l2_tt_temp_seen(n, eth.src, vid, orig);
	l2_count(n, L2_STAT_RX, 1);
	l2_count(n, L2_STAT_RX_BYTES, len);
	dst = l2_mac_is_multicast(eth.dst) ? -1 : local_dest(n, eth.dst, vid);
	if (dst >= 0)
		local_send(n, (unsigned)dst, frame, len);
	else
		local_flood(n, NO_PORT, frame, len);
}
