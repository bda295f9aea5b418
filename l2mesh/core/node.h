/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2_NODE_H
#define L2_NODE_H

/*
 * Inside the core: the node, its ports, its counters, and the contracts
 * between the core's modules. Each module keeps its state behind an opaque
 * pointer it allocates in its _init (so modules can change without
 * touching each other), and exports only the functions declared here or in
 * its own header.
 *
 *   l2.c                    the node: life cycle, ports, tick, frames in;
 *                           the top, called by no module
 *   node.c, rx.c, tvlv.c    below every module: the helpers (log, is_me,
 *                           port send), the receive handler table by packet
 *                           type and the TVLV handler table; modules
 *                           register in the tables at init instead of
 *                           being called by name
 *   bat_iv.c, originator.c  routing plane: OGMs, TQ, originators, neighbours
 *   gw.c                    the GW TVLV (registered like TT's)
 *   tt*.c (tt_int.h)        translation table: local/global clients, TTVN,
 *                           CRCs, diffs, requests/responses, roaming
 *   data.c, routing.c,      data plane: life cycle, unicast receive, send,
 *   send.c, bcast.c,        bcast and dedup, fragmentation, ICMP, the soft
 *   frag.c, icmp.c,         switch and the anycast filter (data.h has the
 *   switch.c, bridge.c, ... map)
 *   packet.c                the wire codec, below everything
 *
 * The file-level call graph has no cycle: features (TT, GW) hang off the
 * routing plane through tvlv.c and l2_origs_on_gone(), packet handlers off
 * l2.c through rx.c.
 */

#include <stdarg.h>

#include "common/buf.h"
#include "common/hash.h"
#include "l2mesh/core/l2.h"
#include "l2mesh/core/packet.h"

struct l2_port {
	char name[16];
	uint8_t mac[6];
	unsigned mtu;
	bool wireless;		/* broadcasts go out 3 times; hop penalty twice */
	bool up;
};

struct l2_local {
	char name[16];
	enum l2_local_kind kind;
	uint8_t mac[6];
};

/*
 * Counters, batctl's `statistics` names first, then drops by reason. Every
 * frame the core drops is counted under exactly one reason.
 */
#define L2_STATS(X) \
	/* batctl's traffic counters */ \
	X(TX, "tx") \
	X(TX_BYTES, "tx_bytes") \
	X(TX_DROPPED, "tx_dropped") \
	X(RX, "rx") \
	X(RX_BYTES, "rx_bytes") \
	X(FORWARD, "forward") \
	X(FORWARD_BYTES, "forward_bytes") \
	X(MGMT_TX, "mgmt_tx") \
	X(MGMT_TX_BYTES, "mgmt_tx_bytes") \
	X(MGMT_RX, "mgmt_rx") \
	X(MGMT_RX_BYTES, "mgmt_rx_bytes") \
	/* fragments */ \
	X(FRAG_TX, "frag_tx") \
	X(FRAG_TX_BYTES, "frag_tx_bytes") \
	X(FRAG_RX, "frag_rx") \
	X(FRAG_RX_BYTES, "frag_rx_bytes") \
	X(FRAG_FWD, "frag_fwd") \
	X(FRAG_FWD_BYTES, "frag_fwd_bytes") \
	/* translation table messages */ \
	X(TT_REQUEST_TX, "tt_request_tx") \
	X(TT_REQUEST_RX, "tt_request_rx") \
	X(TT_RESPONSE_TX, "tt_response_tx") \
	X(TT_RESPONSE_RX, "tt_response_rx") \
	X(TT_ROAM_ADV_TX, "tt_roam_adv_tx") \
	X(TT_ROAM_ADV_RX, "tt_roam_adv_rx") \
	/* softmesh's: broadcasts, ICMP, the anycast filter */ \
	X(BCAST_TX, "bcast_tx") \
	X(BCAST_RX, "bcast_rx") \
	X(ICMP_TX, "icmp_tx") \
	X(ICMP_RX, "icmp_rx") \
	X(ANYCAST_FILTERED, "anycast_filtered") \
	X(ANYCAST_CLAIM, "anycast_claim") \
	/* DHCP of batman-adv gateway clients (bridge.c, switch.c) */ \
	X(GW_DHCP_RX, "gw_dhcp_rx") \
	X(GW_DHCP_TX, "gw_dhcp_tx") \
	/* tables full (originator.h's caps) or out of memory */ \
	X(ORIG_REFUSED, "orig_refused") \
	X(NEIGH_REFUSED, "neigh_refused") \
	/* translation table caps (tt.h) or out of memory */ \
	X(TT_LOCAL_REFUSED, "tt_local_refused") \
	X(TT_GLOBAL_REFUSED, "tt_global_refused") \
	X(TT_TEMP_REFUSED, "tt_temp_refused") \
	/* drops: the frame */ \
	X(DROP_SHORT, "drop_short") \
	X(DROP_VERSION, "drop_version") \
	X(DROP_UNKNOWN_TYPE, "drop_unknown_type") \
	X(DROP_UNSUPPORTED_TYPE, "drop_unsupported_type") \
	X(DROP_MALFORMED, "drop_malformed") \
	X(DROP_TTL, "drop_ttl") \
	/* drops: the routing plane */ \
	X(DROP_OWN, "drop_own") \
	X(DROP_NOT_NEIGH, "drop_not_neighbor") \
	X(DROP_DUPLICATE, "drop_duplicate") \
	X(DROP_BCAST_DUP, "drop_bcast_dup") \
	X(DROP_SEQNO_OLD, "drop_seqno_old") \
	X(DROP_NOT_BEST_HOP, "drop_not_best_hop") \
	X(DROP_LOOP, "drop_loop") \
	X(DROP_SEQNO_RESET, "drop_seqno_reset") \
	X(DROP_TQ_ZERO, "drop_tq_zero") \
	X(DROP_UNIDIRECTIONAL, "drop_unidirectional") \
	/* drops: the data plane */ \
	X(DROP_NO_ROUTE, "drop_no_route") \
	X(DROP_NOT_FOR_US, "drop_not_for_us") \
	X(DROP_FRAG_TIMEOUT, "drop_frag_timeout") \
	X(DROP_FRAG_INVALID, "drop_frag_invalid") \
	X(DROP_TOO_BIG, "drop_too_big") \
	X(DROP_PORT_DOWN, "drop_port_down") \
	/* drops: the anycast filter, TVLVs, the translation table */ \
	X(DROP_ANYCAST, "drop_anycast") \
	X(DROP_TVLV, "drop_tvlv") \
	X(DROP_TT, "drop_tt")

#define L2_STAT_ENUM(id, name) L2_STAT_##id,
enum l2_stat { L2_STATS(L2_STAT_ENUM) L2_STAT_COUNT };
#undef L2_STAT_ENUM

/* The name of counter s, as meshctl statistics prints it. */
const char *l2_stat_name(enum l2_stat s);

struct l2_origs;	/* originator.c */
struct l2_iv;		/* bat_iv.c */
struct l2_tt;		/* tt_int.h */
struct l2_data;		/* data.h: the data plane's state */
struct l2_orig;		/* originator.h: an originator of the routing plane */

/* A receive handler: r holds the packet from its batman header on. */
typedef void (*l2_rx_fn)(struct l2_node *n, unsigned port, const struct l2_eth *eth,
			 struct mc_rd *r);

struct l2_rx_handler {
	l2_rx_fn fn;		/* NULL: the type is not taken */
	size_t max_len;		/* longer packets are dropped as too big */
};

/*
 * What a feature does with its TVLV type (batman-adv's tvlv handler and
 * container in one). Any callback may be NULL.
 */
struct l2_tvlv_handler {
	uint8_t type;
	uint8_t version;
	const char *name;	/* for the logs: "TT", "GW" */
	/*
	 * Its TVLV in an originator's OGM, read once per OGM seqno. With
	 * ogm_absent set it is also called with tv NULL when the OGM had none
	 * (batman-adv's BATADV_TVLV_HANDLER_OGM_CIFNOTFND).
	 */
	void (*ogm_rx)(struct l2_node *n, struct l2_orig *o, const struct l2_tvlv *tv);
	bool ogm_absent;
	/* Appends its TVLV to our next own OGM: 0, or a negative errno to be
	 * left out of this one. Handlers append in registration order. */
	int (*ogm_append)(struct l2_node *n, struct mc_wr *w);
	/*
	 * Its TVLV in a UNICAST_TVLV from src to dst. For this node the
	 * return value is ignored; for another one (the packet is passing
	 * through) true means the handler answered it in dst's place and the
	 * packet goes no further.
	 */
	bool (*unicast_rx)(struct l2_node *n, const uint8_t src[6], const uint8_t dst[6],
			   const struct l2_tvlv *tv);
};

#define L2_TVLV_HANDLERS_MAX 8

/*
 * Housekeeping (the purges of originators, TT, fragments, the bridge
 * table) runs in the first tick at or after it is due, and asks for one
 * no later than this after: on a node that wakes for OGMs anyway it costs
 * no wake-up of its own (an idle node of a 256-node cloud woke three
 * times a second more for its purges).
 */
#define L2_HOUSEKEEPING_SLACK_MS 1000u

struct l2_node {
	struct l2_config cfg;
	struct l2_env env;
	struct l2_port ports[L2_PORTS_MAX];
	unsigned nports;
	struct l2_local locals[L2_LOCALS_MAX];
	unsigned nlocals;
	uint64_t now_ms;	/* of the call being served */
	uint64_t heard_ms;	/* when the frame being served came (<= now_ms) */
	uint64_t stats[L2_STAT_COUNT];
	struct l2_origs *origs;
	struct l2_iv *iv;
	struct l2_tt *tt;
	struct l2_data *data;
	struct l2_tvlv_handler tvlv[L2_TVLV_HANDLERS_MAX];
	unsigned ntvlv;
	unsigned tvlv_absent;	/* bit i: tvlv[i] is told of OGMs without its TVLV */
	struct l2_rx_handler rx[256];	/* by packet type */
};

static inline void l2_count(struct l2_node *n, enum l2_stat s, uint64_t by)
{
	n->stats[s] += by;
}

/* ---- node helpers (node.c) ---------------------------------------------- */

/* Logging through env->log, formatted only when someone listens. */
/* Whether debug lines of category cat go anywhere (l2_env.debug_on). */
bool l2_debug_on(const struct l2_node *n, uint32_t cat);
void l2_log(struct l2_node *n, int level, uint32_t cat, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Tells the env a table's row(s) for mac (vid, port) may have changed. */
static inline void l2_changed(struct l2_node *n, enum l2_change what, const uint8_t mac[6],
			      uint16_t vid, unsigned port)
{
	if (n->env.changed)
		n->env.changed(n->env.user, what, mac, vid, port);
}

/* Whether mac is this node's: its originator address or a port's MAC. */
bool l2_node_is_me(const struct l2_node *n, const uint8_t mac[6]);

/* Sends a complete batman frame (Ethernet header included) on a mesh port. */
void l2_port_send(struct l2_node *n, unsigned port, const uint8_t *frame, size_t len);
/* Writes the Ethernet header (port's MAC to dst) in front of the pkt_len
 * bytes at buf + L2_ETH_HLEN and sends the frame on port. */
void l2_port_send_eth(struct l2_node *n, unsigned port, const uint8_t dst[6],
		      uint8_t *buf, size_t pkt_len);
/* Delivers a client frame to local port lport. */
void l2_local_send(struct l2_node *n, unsigned lport, const uint8_t *frame, size_t len);

static inline bool l2_mac_eq(const uint8_t *a, const uint8_t *b)
{
	return !__builtin_memcmp(a, b, 6);
}

static inline bool l2_mac_is_multicast(const uint8_t *mac)
{
	return mac[0] & 1;
}

static inline bool l2_mac_is_broadcast(const uint8_t *mac)
{
	return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff;
}

static inline bool l2_mac_is_zero(const uint8_t *mac)
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/*
 * The key of an entry in a common/hash table keyed by MAC and VLAN (vid 0
 * for tables keyed by MAC alone): embedded in the entry. The tables whose
 * keys the network chooses (client MACs) hash with a secret seed drawn
 * from env.rand at init.
 */
struct l2_mackey {
	struct mc_hnode hnode;
	uint8_t mac[6];
	uint16_t vid;
};

/* The entry of h keyed (mac, vid), or NULL. */
struct l2_mackey *l2_mackey_find(const struct mc_hash *h, uint32_t seed,
				 const uint8_t mac[6], uint16_t vid);
/* Puts k, its key set, into h: 0 or -ENOMEM. */
int l2_mackey_add(struct mc_hash *h, uint32_t seed, struct l2_mackey *k);
/* A seed for such a table (0 when the env has no rand). */
uint32_t l2_seed(struct l2_node *n);

/* ---- receive dispatch (rx.c) --------------------------------------------- */

/* Takes packets of type (max_len bytes from the batman header at most):
 * 0, or -EEXIST when the type is taken. Modules register at init. */
int l2_rx_register(struct l2_node *n, uint8_t type, l2_rx_fn fn, size_t max_len);
/* A packet whose common header h was checked, to its type's handler. */
void l2_rx_dispatch(struct l2_node *n, unsigned port, const struct l2_eth *eth,
		    const struct l2_hdr *h, struct mc_rd *r);
/* Whether a header decoder returned rc >= 0; else counts its failure
 * (short, version, malformed) and returns false. */
bool l2_rx_decoded(struct l2_node *n, int rc);
/*
 * l2_rx_decoded(), then batadv_check_unicast_packet: a unicast-class
 * frame must come from a unicast sender and be addressed to one of our
 * ports. Counts and returns false when it is to be dropped.
 */
bool l2_rx_unicast_ok(struct l2_node *n, const struct l2_eth *eth, int rc);

/* ---- TVLV handlers (tvlv.c) ------------------------------------------------- */

/* Copies h in: 0, -EEXIST (its type and version are taken) or -ENOSPC. */
int l2_tvlv_register(struct l2_node *n, const struct l2_tvlv_handler *h);
/* The TVLV container of one of o's OGMs, to the handlers; counts a
 * malformed container (the TVLVs before the bad one stand). */
void l2_tvlv_ogm_rx(struct l2_node *n, struct l2_orig *o, const struct mc_rd *tvlvs);
/* Every handler's TVLV for our next own OGM, as many as fit w. */
void l2_tvlv_ogm_append(struct l2_node *n, struct mc_wr *w);
/*
 * A UNICAST_TVLV's validated container, from src to dst. Returns true
 * when the packet was taken here: dst is this node, or a handler answered
 * it in dst's place; false: the caller forwards it to dst.
 */
bool l2_tvlv_unicast_rx(struct l2_node *n, const uint8_t src[6], const uint8_t dst[6],
			const struct mc_rd *tvlvs);

/* ---- routing plane (bat_iv.c, originator.c, gw.c) ----------------------- */

/* Registers the IV_OGM receive handler. */
int l2_iv_init(struct l2_node *n);
void l2_iv_free(struct l2_node *n);
/* Own OGMs, aggregation flushes, purges; returns the next due time. */
uint64_t l2_iv_tick(struct l2_node *n, uint64_t now_ms);
/* A port came up or went down: its neighbours' state may go. */
void l2_iv_port_changed(struct l2_node *n, unsigned port);

/* The best next hop towards originator orig: 0, or -ENOENT for no route. */
int l2_orig_router(struct l2_node *n, const uint8_t orig[6], unsigned *port_r,
		   uint8_t nexthop_r[6]);
/* Whether mac is a live one-hop neighbour on port. */
bool l2_neigh_on_port(struct l2_node *n, unsigned port, const uint8_t mac[6]);
/* Live one-hop neighbours on port (broadcast suppression). */
unsigned l2_port_neigh_count(struct l2_node *n, unsigned port);
/* How long an aggregate of OGMs may be on port now, OGM bytes (bat_iv.c). */
size_t l2_port_agg_max(const struct l2_node *n, unsigned port);
/* Whether orig is a known originator (bcast dedup drops the unknown). */
bool l2_orig_known(struct l2_node *n, const uint8_t orig[6]);

/* Called for every originator entry the purge drops, before it goes. */
typedef void (*l2_orig_gone_fn)(struct l2_node *n, const uint8_t orig[6]);
#define L2_ORIG_GONE_MAX 4
/* A feature keeping per-originator state hears of purges: 0 or -ENOSPC. */
int l2_origs_on_gone(struct l2_node *n, l2_orig_gone_fn fn);

/* The gateway feature: registers the GW TVLV handler. */
int l2_gw_init(struct l2_node *n);

/* ---- translation table (tt*.c) ------------------------------------------ */

/* Registers the TT and ROAM TVLV handlers and the purge hook. */
int l2_tt_init(struct l2_node *n);
void l2_tt_free(struct l2_node *n);
uint64_t l2_tt_tick(struct l2_node *n, uint64_t now_ms);
/*
 * A frame from client mac (VLAN vid, 0 = untagged) entered on local port
 * lport: adds or refreshes the local entry; may send a ROAM_ADV to the
 * client's previous originator. Hot path: no allocation for a known client.
 */
void l2_tt_local_seen(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
		      unsigned lport);
bool l2_tt_local_has(struct l2_node *n, const uint8_t mac[6], uint16_t vid);
/* The originator serving client mac, and that originator's TTVN. */
int l2_tt_global_lookup(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
			uint8_t orig_r[6], uint8_t *ttvn_r);
/*
 * A frame from client mac arrived over the mesh from orig but TT does not
 * know the client yet: remember it as TEMP (batman-adv's TEMP entries).
 */
void l2_tt_temp_seen(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
		     const uint8_t orig[6]);
/*
 * batman-adv's check_unicast_ttvn: before delivering or forwarding a
 * UNICAST/UNICAST_4ADDR whose header is at hdr (dest, ttvn rewritable in
 * place) carrying a frame for client, redirects it when its TTVN is stale
 * or the client roamed. Returns true if the packet is now for this node.
 */
bool l2_tt_check_unicast(struct l2_node *n, uint8_t *hdr, const uint8_t client[6],
			 uint16_t vid);

/* ---- data plane (data.h lists its files) ---------------------------------- */

/* Registers the receive handlers of every type but IV_OGM. */
int l2_data_init(struct l2_node *n);
void l2_data_free(struct l2_node *n);
uint64_t l2_data_tick(struct l2_node *n, uint64_t now_ms);
/* A local port's frame into the soft switch (switch.c). */
void l2_data_rx_local(struct l2_node *n, unsigned lport, const uint8_t *frame,
		      size_t len);
/* Routes a UNICAST_TVLV carrying the given TVLV bytes to originator dst. */
int l2_send_unicast_tvlv(struct l2_node *n, const uint8_t dst[6],
			 const uint8_t *tvlvs, size_t len);
/* The same with another source originator: a relay answering a TT
 * request on dst's behalf speaks as that originator. */
int l2_send_unicast_tvlv_from(struct l2_node *n, const uint8_t src[6],
			      const uint8_t dst[6], const uint8_t *tvlvs, size_t len);
int l2_icmp_ping(struct l2_node *n, const uint8_t dst[6], uint8_t uid,
		 uint16_t seqno, uint8_t ttl);

#endif
