/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2_H
#define L2_H

/*
 * l2mesh's core: a batman-adv (BATMAN IV, compat 15) node with no I/O.
 * The shell (l2meshd), the simulator and the tests drive it the same way:
 * frames in through l2_rx_mesh()/l2_rx_local(), time in through l2_tick(),
 * frames out through the env callbacks. Time is always an argument.
 *
 * Frames on mesh ports are plain Ethernet with ethertype 0x4305: the shell
 * adds and removes the cloud's 802.1ad tag. Frames on local ports (bat0,
 * anygw, LAN ports) are the clients' Ethernet frames.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define L2_PORTS_MAX 16		/* mesh ports */
#define L2_LOCALS_MAX 16	/* bat0, anygw, LAN ports */
#define L2_FRAME_MAX 2048	/* largest frame the core builds or takes */

struct l2_node;

enum l2_local_kind {
	L2_LOCAL_HOST,	/* bat0: the node's own stack, node MAC */
	L2_LOCAL_ANYGW,	/* anygw: the anycast gateway MAC/IPs, never meshed */
	L2_LOCAL_LAN,	/* a client port (pcap), promiscuous */
};

/* A table whose row(s) may have changed (the shell's table events). */
enum l2_change {
	L2_CHANGE_ORIG,		/* an originator's rows: mac */
	L2_CHANGE_NEIGH,	/* a one-hop neighbour: mac on port */
	L2_CHANGE_GW,		/* an originator's gateway offer: mac */
	L2_CHANGE_TT_LOCAL,	/* a client of this node: mac, vid */
	L2_CHANGE_TT_GLOBAL,	/* a client of other nodes: mac, vid */
	L2_CHANGE_PORT,		/* a mesh port's own row (its aggregate size): port */
};

/* One ping/traceroute answer, for meshctl ping and traceroute. */
struct l2_icmp_result {
	uint8_t uid;		/* which request (the shell's session) */
	uint16_t seqno;
	uint8_t msg_type;	/* L2_ICMP_ECHO_REPLY, _TTL_EXCEEDED, _DEST_UNREACH */
	uint8_t from[6];	/* the originator that answered */
	uint8_t ttl;
};

struct l2_env {
	void *user;
	/* Sends an untagged batman frame on mesh port `port`. */
	void (*mesh_send)(void *user, unsigned port, const uint8_t *frame, size_t len);
	/* Delivers a client frame to local port `lport`. */
	void (*local_send)(void *user, unsigned lport, const uint8_t *frame, size_t len);
	uint32_t (*rand)(void *user);
	/* Optional: one formatted line, MC_LOG_* level and MC_DBG_* category. */
	void (*log)(void *user, int level, uint32_t cat, const char *msg);
	/* Optional: whether debug lines of category cat are wanted (absent:
	 * all are); the core formats none that are not. */
	bool (*debug_on)(void *user, uint32_t cat);
	/* Optional: an ICMP answer addressed to this node arrived. */
	void (*icmp)(void *user, const struct l2_icmp_result *res);
	/*
	 * Optional: what a table shows of one key may have changed (it may
	 * also be the same). Called after the change, from inside the core:
	 * it may read the tables (the query API) but change nothing.
	 */
	void (*changed)(void *user, enum l2_change what, const uint8_t mac[6],
			uint16_t vid, unsigned port);
};

/* Defaults of struct l2_config, and so of l2meshd's options orig_interval
 * and hop_penalty (l2mesh/l2conf.c): plain decimal literals, which the
 * config schema takes as text. */
#define L2_ORIG_INTERVAL_MS 1000
#define L2_HOP_PENALTY 30

struct l2_config {
	uint8_t mac[6];			/* originator address: the node MAC */
	uint32_t orig_interval_ms;	/* L2_ORIG_INTERVAL_MS */
	uint8_t hop_penalty;		/* L2_HOP_PENALTY */
	bool aggregation;		/* true */
	/* The phase (ms, 0..99) of the 100 ms slots forwarded OGMs leave on
	 * (bat_iv.c agg_slot); -1 (the default): one drawn at random.
	 * l2meshd derives it from the box's boot id, so the nodes of one box
	 * (a lab) flush together and wake less, and separate boxes, even with
	 * clocks in step, do not broadcast in step. */
	int16_t agg_phase;
	uint32_t gw_down_kbit;		/* 0: not a gateway (no GW TVLV) */
	uint32_t gw_up_kbit;
	uint8_t anygw_mac[6];		/* the anycast filter's MAC */
	struct in_addr anygw_ip4;	/* and its addresses (ARP/ND filter) */
	struct in6_addr anygw_ip6;
	/* Carry on from a kept OGM seqno instead of a random one, so peers
	 * do not take a restart for one (batman-adv's 30 s protection). */
	bool seqno_kept;
	uint32_t seqno_start;
	/* Likewise the broadcast seqno: a restart from 1 has peers drop the
	 * first broadcasts (ARP, ND, DHCP) as duplicates of the old ones. */
	bool bcast_seqno_kept;
	uint32_t bcast_seqno_start;	/* the last one sent; the next is +1 */
};

/* The defaults above, for a node MAC. */
void l2_config_defaults(struct l2_config *cfg, const uint8_t mac[6]);

struct l2_node *l2_node_new(const struct l2_config *cfg, const struct l2_env *env,
			    uint64_t now_ms);
/*
 * Run-time changes (a config reload): the OGM interval, hop penalty and
 * gateway offer of cfg replace the node's in the next OGM round it
 * prepares (within two OGM intervals). The other fields of cfg are
 * ignored: changing them takes a new node.
 */
void l2_config_update(struct l2_node *n, const struct l2_config *cfg);
void l2_node_free(struct l2_node *n);

/* Returns the port index or a negative errno. */
int l2_port_add(struct l2_node *n, const char *name, const uint8_t mac[6],
		unsigned mtu, bool wireless);
void l2_port_set_up(struct l2_node *n, unsigned port, bool up, uint64_t now_ms);
int l2_local_add(struct l2_node *n, const char *name, enum l2_local_kind kind,
		 const uint8_t mac[6]);
/* An interface that appeared (late at boot, or again) with its MAC and
 * MTU: the port's or local port's from now on. */
void l2_port_set_link(struct l2_node *n, unsigned port, const uint8_t mac[6], unsigned mtu);
void l2_local_set_mac(struct l2_node *n, unsigned local, const uint8_t mac[6]);

void l2_rx_mesh(struct l2_node *n, unsigned port, const uint8_t *frame, size_t len,
		uint64_t now_ms);
/*
 * The same for a frame heard at heard_ms and handed in later (a shell
 * that reads OGMs at its aggregation slots, not as they come): what is
 * forwarded is timed from when it was heard, so it leaves at the same
 * slot it would have had. heard_ms after now_ms counts as now_ms.
 */
void l2_rx_mesh_heard(struct l2_node *n, unsigned port, const uint8_t *frame, size_t len,
		      uint64_t now_ms, uint64_t heard_ms);
void l2_rx_local(struct l2_node *n, unsigned lport, const uint8_t *frame, size_t len,
		 uint64_t now_ms);
/* Runs what is due; returns the time (ms) of the next thing due. */
uint64_t l2_tick(struct l2_node *n, uint64_t now_ms);
/*
 * The first aggregation slot after now_ms: an OGM heard before it is
 * forwarded at it or a later one, never earlier, so a shell that reads
 * OGMs at each slot (l2_rx_mesh_heard) forwards them when the core would
 * have. 0 without aggregation (OGMs are forwarded 0-10 ms after they come).
 */
uint64_t l2_slot_next(const struct l2_node *n, uint64_t now_ms);

/* The seqno of the next own OGM, for the shell to keep across restarts. */
uint32_t l2_ogm_seqno(const struct l2_node *n);
uint32_t l2_bcast_seqno(const struct l2_node *n);	/* the last one sent */

/* Sends a batman ICMP echo request to an originator (meshctl ping/traceroute). */
int l2_ping(struct l2_node *n, const uint8_t dst[6], uint8_t uid, uint16_t seqno,
	    uint8_t ttl, uint64_t now_ms);

#endif
