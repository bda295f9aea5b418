/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2_DATA_H
#define L2_DATA_H

/*
 * The data plane's shared state and the contracts between its files
 * (doc/l2mesh-data.md walks through the behaviour):
 *
 *   data.c     init/free/tick of the whole data plane
 *   routing.c  receive handlers: UNICAST(_4ADDR), UNICAST_TVLV
 *   send.c     routing a built packet to an originator, unicast encapsulation
 *   bcast.c    own broadcasts, dedup window, rebroadcast and its re-send queue
 *   frag.c     fragmentation and reassembly, the chains
 *   pool.c     grow-only buffer pools (bcast queue, reassembly chains)
 *   icmp.c     batman ICMP: ping, echo reply, TTL exceeded
 *   switch.c   frames from the local ports: switching, anycast policy, into
 *              the mesh
 *   bridge.c   the local side: learning table, local ports, frames out of
 *              the mesh to them
 *   frame.c    client frame inspection: VID, priority, anycast classes
 *   dorig.c    per-originator data-plane state (bcast window, frag buckets)
 *
 * The receive handlers (routing.c, bcast.c, frag.c, icmp.c) register
 * their packet types in rx.c's table at init; nothing calls them by name.
 * The files call downwards only: data.c on top, then routing.c, switch.c,
 * bcast.c, icmp.c, then bridge.c and send.c, then frag.c, dorig.c, frame.c.
 *
 * Frames are built in the per-node buffers of struct l2_data, never
 * allocated per packet. A packet being routed sits at tx + L2_ETH_HLEN so
 * the Ethernet header can be written in front once the next hop is known.
 */

#include "common/hash.h"
#include "l2mesh/core/node.h"

/* batman-adv's constants (main.h), with units */
#define L2_TTL 50			/* BATADV_TTL: own unicast, ICMP, frags */
#define L2_BCAST_TTL (L2_TTL - 1)	/* own broadcasts go out with 49 */
#define L2_BCAST_WINDOW 64		/* BATADV_BCAST_MAX_AGE, seqnos */
#define L2_EXPECTED_SEQNO_RANGE 65536
#define L2_RESET_PROTECTION_MS 30000
#define L2_BCAST_RESEND_MS 5		/* gap between copies on WiFi */
#define L2_BCAST_WIRELESS_COPIES 3	/* num_bcasts on a wireless port */
#define L2_BCAST_QUEUE_MAX 256		/* BATADV_BCAST_QUEUE_LEN */
#define L2_FRAG_MAX_FRAGMENTS 16
#define L2_FRAG_MAX_FRAG_SIZE 1280	/* a fragment, header included */
#define L2_FRAG_BUCKETS 8		/* chains per originator */
#define L2_FRAG_TIMEOUT_MS 10000
#define L2_FRAG_CHAINS_MAX 64		/* reassembly buffers per node */
/* A merged packet must fit a frame buffer with its Ethernet header. */
#define L2_FRAG_MERGED_MAX (L2_FRAME_MAX - L2_ETH_HLEN)
#define L2_FDB_AGING_MS 300000		/* the Linux bridge's ageing time */
#define L2_FDB_MAX 4096			/* learnt MACs; beyond it, flood */
#define L2_DORIG_TIMEOUT_MS 400000	/* BATADV_PURGE_TIMEOUT for origs */
#define L2_DATA_PURGE_MS 1000		/* frag timeouts, ageing */
/* Largest client frame taken from a local port: room for the biggest
 * encapsulation (4ADDR) and the mesh port's Ethernet header. */
#define L2_CLIENT_FRAME_MAX (L2_FRAME_MAX - L2_MAX_HEADER_LEN)

struct l2_frag_chain;	/* frag.c */

/* Buffers of one size, allocated as the pool first grows (pool.c). */
struct l2_pool {
	void **e;		/* [n] of [max] */
	unsigned n, max;
	size_t size;
};

int l2_pool_init(struct l2_pool *p, unsigned max, size_t size);
/* One more zeroed buffer, or NULL when the pool is full or memory is out. */
void *l2_pool_grow(struct l2_pool *p);
void l2_pool_free(struct l2_pool *p);

struct l2_data {
	uint8_t tx[L2_FRAME_MAX];	/* the frame being built for a mesh port */
	uint8_t frag_tx[L2_FRAME_MAX];	/* one fragment of tx at a time */
	uint8_t reasm[L2_FRAME_MAX];	/* a merged packet, Ethernet in front */
	struct mc_hash fdb;		/* bridge.c: learnt MACs */
	uint32_t fdb_seed;		/* from env.rand: a LAN cannot aim at one cluster */
	struct mc_hash dorigs;		/* dorig.c: struct l2_dorig by originator */
	uint32_t dorig_seed;
	struct l2_pool bq;		/* bcast.c: re-send queue entries */
	struct l2_pool frags;		/* frag.c: reassembly chains */
	uint32_t bcast_seqno;		/* last own broadcast (kept or random start) */
	uint16_t frag_seqno;		/* random start, as the kernel: a restarted
					 * node's fragments are not taken for old ones */
	uint64_t next_purge_ms;
	/*
	 * Unicast to a MAC neither learnt locally nor in TT. batman-adv drops
	 * it at bat0 (batadv_send_skb_via_tt finds no originator: tx_dropped)
	 * and only the bridge floods it to the other local ports; true also
	 * floods it into the mesh as a BCAST.
	 */
	bool flood_unknown_unicast;
	/*
	 * The last L2_DUPLIST_SIZE broadcast payloads (bcast.c), as batman-
	 * adv's bridge loop avoidance keeps them: the same frame from another
	 * originator within L2_DUPLIST_MS is a copy another backbone gateway
	 * of the same LAN put into the mesh, and is dropped.
	 */
	struct { uint32_t crc; uint8_t orig[6]; uint64_t at_ms; } dup[16];
	unsigned dup_cur;
};

/* ---- per-originator state (dorig.c) -------------------------------------- */

struct l2_frag_slot {
	struct l2_frag_chain *chain;	/* NULL: nothing buffered */
	uint16_t seqno;
	bool done;			/* seqno was merged: late copies are dups */
};

struct l2_dorig {
	struct l2_mackey key;		/* the originator, vid 0 */
	uint64_t seen_ms;
	uint32_t bcast_last;		/* newest seqno in the window */
	uint64_t bcast_bits;		/* bit i: bcast_last - i was seen */
	bool bcast_reset_armed;
	uint64_t bcast_reset_ms;	/* start of the restart protection */
	struct l2_frag_slot frag[L2_FRAG_BUCKETS];
};

/* What goes with a record: the chains it holds (frag.c's l2_frag_release). */
typedef void (*l2_dorig_release_fn)(struct l2_node *n, struct l2_dorig *o);

int l2_dorigs_init(struct l2_node *n);
void l2_dorigs_free(struct l2_node *n, l2_dorig_release_fn release);
/* The record of orig, created if needed (NULL only on ENOMEM). */
struct l2_dorig *l2_dorig_get(struct l2_node *n, const uint8_t orig[6]);
/* Drops records idle for L2_DORIG_TIMEOUT_MS, releasing each first. */
void l2_dorigs_purge(struct l2_node *n, uint64_t now_ms, l2_dorig_release_fn release);

/* ---- unicast receive (routing.c) ------------------------------------------ */

/* Registers UNICAST, UNICAST_4ADDR and UNICAST_TVLV. */
int l2_routing_init(struct l2_node *n);

/* ---- sending (send.c) ----------------------------------------------------- */

/* The packet being routed: tx + L2_ETH_HLEN, room for this many bytes. */
static inline uint8_t *l2_data_pkt(struct l2_data *d)
{
	return d->tx + L2_ETH_HLEN;
}
#define L2_PKT_MAX (L2_FRAME_MAX - L2_ETH_HLEN)

/*
 * Routes the pkt_len-byte packet at l2_data_pkt() to originator orig:
 * Ethernet from the port to the next hop, fragmented when it exceeds the
 * port MTU. 0, -ENOENT (no route), -EMSGSIZE (too big even in fragments).
 * Counts nothing: callers know which counter a failure belongs to.
 */
int l2_send_pkt(struct l2_node *n, const uint8_t orig[6], size_t pkt_len);
/* Counts a failed l2_send_pkt() of a packet not from a local port. */
void l2_send_count_err(struct l2_node *n, int rc);
/* A client frame as UNICAST to orig with its TTVN: 0 or as l2_send_pkt. */
int l2_send_unicast_frame(struct l2_node *n, const uint8_t orig[6], uint8_t ttvn,
			  const uint8_t *frame, size_t len);

/* ---- broadcast (bcast.c) ------------------------------------------------------ */

/* Registers BCAST. */
int l2_bcast_init(struct l2_node *n);
void l2_bcast_free(struct l2_node *n);
/* A client frame from a local port into the mesh as our own BCAST. */
void l2_bcast_send_own(struct l2_node *n, const uint8_t *frame, size_t len);
/* Sends the re-send copies due; the next due time or UINT64_MAX. */
uint64_t l2_bcast_tick(struct l2_node *n, uint64_t now_ms);

/* ---- fragmentation (frag.c) ------------------------------------------------------ */

/* Registers UNICAST_FRAG. */
int l2_frags_init(struct l2_node *n);
void l2_frags_free(struct l2_node *n);
/*
 * Sends the pkt_len-byte packet at l2_data_pkt() as fragments for orig
 * over port to nexthop, in the kernel's order (fragment 0 carries the
 * tail). 0, -EMSGSIZE (more than 16 fragments) or -EINVAL (MTU too small).
 */
int l2_frag_send(struct l2_node *n, unsigned port, const uint8_t nexthop[6],
		 const uint8_t orig[6], size_t pkt_len);
/* Drops chains idle for L2_FRAG_TIMEOUT_MS. */
void l2_frags_purge(struct l2_node *n, uint64_t now_ms);
/* Gives back the chains of a record about to go. */
void l2_frag_release(struct l2_node *n, struct l2_dorig *o);

/* ---- ICMP (icmp.c) ------------------------------------------------------------------ */

/* Registers ICMP. */
int l2_icmp_init(struct l2_node *n);

/* ---- the local side (bridge.c) ------------------------------------------------------ */

int l2_fdb_init(struct l2_node *n);
void l2_fdb_free(struct l2_node *n);
void l2_fdb_purge(struct l2_node *n, uint64_t now_ms);
/* A frame from mac entered on local port lport (the table may be full). */
void l2_fdb_learn(struct l2_node *n, const uint8_t mac[6], unsigned lport);
/*
 * The local port a unicast frame for dst is for, or -1: a port whose own
 * address it is, or the one that learnt it, unless TT has since seen the
 * client at another node.
 */
int l2_bridge_dest(struct l2_node *n, const uint8_t dst[6], uint16_t vid);
/* To every local port but except (UINT_MAX: to all). */
void l2_bridge_flood(struct l2_node *n, unsigned except, const uint8_t *frame,
		     size_t len);
/* The same without the host (bat0): anycast services are the clients'. */
void l2_bridge_flood_clients(struct l2_node *n, unsigned except, const uint8_t *frame,
			     size_t len);
/* The first local port of a kind, or -1. */
int l2_bridge_local_of_kind(const struct l2_node *n, enum l2_local_kind kind);
/* The local port whose own address mac is (bat0's, anygw's), or -1. */
int l2_bridge_local_of_mac(const struct l2_node *n, const uint8_t mac[6]);
/*
 * A client frame out of a BCAST or UNICAST for us, to the local ports.
 * orig is the originator that sent it when the header says (BCAST,
 * 4ADDR DATA), else NULL. Applies the anycast filter and counts RX.
 */
/* A DHCP request a gateway client sent to this node (bridge.c). */
void l2_bridge_gw_dhcp(struct l2_node *n, const uint8_t *frame, size_t len,
		       const uint8_t *orig);
void l2_bridge_from_mesh(struct l2_node *n, const uint8_t *frame, size_t len,
			 const uint8_t *orig);

/* ---- client frame inspection (frame.c) ---------------------------------------------- */

/* Anycast classes of a client frame (LibreMesh's anygw ebtables rules). */
enum l2_anycast {
	L2_ANYCAST_NONE,	/* an ordinary frame */
	L2_ANYCAST_GW,		/* for the anycast gateway only: to its MAC,
				 * ARP or ND for its addresses */
	L2_ANYCAST_LOCAL,	/* never meshed: from its MAC, DHCPv4/v6, RS/RA */
	L2_ANYCAST_CLAIM,	/* ARP or NA that says an anycast address is at
				 * another MAC than the anycast one: dropped */
};

/* A DHCPv4 frame's UDP destination port (67 to a server, 68 to a
 * client), or 0 for any other frame. */
unsigned l2_frame_dhcp4_dport(const uint8_t *frame, size_t len);
/* NONE when cfg has no anycast MAC (the filter is off). */
enum l2_anycast l2_frame_anycast(const struct l2_config *cfg, const uint8_t *frame,
				 size_t len);
/* The TT VID: 802.1Q VID | L2_VLAN_HAS_TAG, or 0 untagged. */
uint16_t l2_frame_vid(const struct l2_eth *eth);
/* 802.1p PCP, else IP precedence (ToS/traffic class >> 5), else 0. */
uint8_t l2_frame_priority(const uint8_t *frame, size_t len);
/* batman-adv in batman-adv (plain or in 802.1Q): dropped, loops lie there. */
bool l2_frame_is_batman(const struct l2_eth *eth);

#endif
