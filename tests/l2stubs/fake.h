/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2_FAKE_H
#define L2_FAKE_H

/*
 * Stand-ins for the l2 core's modules, one set for every test that links
 * only part of the core (each test links the stand-ins of what it leaves
 * out, and the real files of what it tests):
 *
 *   fake_nodes.c  the tables below, one per node (matched by cfg.mac)
 *   fake_iv.c     the routing plane (bat_iv.c, originator.c, gw.c):
 *                 routes, known originators, neighbours from the tables
 *   fake_tt.c     the translation table's contract with the data plane:
 *                 clients from the tables, the calls recorded
 *   fake_data.c   the data plane: no-ops, but a UNICAST_TVLV sent is
 *                 captured and handed to the destination node's TVLV
 *                 handlers (tvlv.c) before the send returns
 *
 * TVLVs go through the real registry (tvlv.c): a stand-in registers no
 * handler, so a test that wants a TVLV type's handler registers one
 * (stub_tvlv_record() records what arrives).
 */

#include "l2mesh/core/node.h"

#define STUB_NODES 4
#define STUB_ENTRIES 16
#define STUB_NEIGH 4
#define STUB_TVLV_MAX 8
#define STUB_TVLV_VALUE 64

struct stub_route {
	uint8_t orig[6];
	unsigned port;
	uint8_t nexthop[6];
};

struct stub_client {
	uint8_t mac[6];
	uint16_t vid;
	uint8_t orig[6];	/* global: its originator; local: unused */
	uint8_t ttvn;
	unsigned lport;		/* local: where it was seen */
};

struct stub_tvlv {
	uint8_t src[6];
	uint8_t type, version;
	uint16_t len;
	uint8_t value[STUB_TVLV_VALUE];
};

struct stub_node {
	bool used;
	uint8_t mac[6];
	struct l2_node *node;	/* set: unicast TVLVs to mac are delivered */
	/* routing plane */
	struct stub_route route[STUB_ENTRIES];
	unsigned nroutes;
	uint8_t known[STUB_ENTRIES][6];	/* known originators without a route */
	unsigned nknown;
	uint8_t neigh[L2_PORTS_MAX][STUB_NEIGH][6];
	unsigned nneigh[L2_PORTS_MAX];
	unsigned iv_rx;			/* IV_OGM frames received */
	/* translation table */
	struct stub_client global[STUB_ENTRIES];
	unsigned nglobal;
	struct stub_client local[STUB_ENTRIES];
	unsigned nlocal;
	struct stub_client redirect[STUB_ENTRIES];	/* check_unicast rewrites */
	unsigned nredirect;
	/* what the data plane called */
	unsigned local_seen;
	struct stub_client last_local_seen;
	unsigned temp_seen;
	struct stub_client last_temp;
	unsigned check_unicast;
	/* TVLVs stub_tvlv_record() handlers got */
	struct stub_tvlv tvlv[STUB_TVLV_MAX];
	unsigned ntvlv;
};

extern struct stub_node stub_nodes[STUB_NODES];

/* The unicast TVLVs fake_data.c was asked to send, by anyone. */
struct stub_net {
	bool drop_unicast;		/* lost on the way (still captured) */
	unsigned utvlv_sent;
	uint8_t last_src[6], last_dst[6];	/* the last one */
	uint8_t last_tvlv[L2_FRAME_MAX * 16];
	size_t last_len;
};

extern struct stub_net stub_net;

/* Forgets every table and capture (the nodes themselves are not freed). */
void stub_reset(void);
/* The fake tables of the node whose cfg.mac is mac, created empty. */
struct stub_node *stub_add(const uint8_t mac[6]);
/* The tables of n (of nobody, empty, if n has none). */
struct stub_node *stub_of(const struct l2_node *n);
/* The tables of mac, or NULL. */
struct stub_node *stub_find(const uint8_t mac[6]);
void stub_route_add(struct stub_node *s, const uint8_t orig[6], unsigned port,
		    const uint8_t nexthop[6]);
void stub_known_add(struct stub_node *s, const uint8_t orig[6]);
void stub_neigh_add(struct stub_node *s, unsigned port, const uint8_t mac[6]);
void stub_client_add(struct stub_node *s, const uint8_t mac[6], uint16_t vid,
		     const uint8_t orig[6], uint8_t ttvn);
/* check_unicast will send frames for client to orig with ttvn. */
void stub_redirect_add(struct stub_node *s, const uint8_t client[6],
		       const uint8_t orig[6], uint8_t ttvn);

/*
 * Registers, on n, a handler for UNICAST_TVLV TVLVs of (type, version)
 * that records those addressed to n in stub_of(n)->tvlv and answers none
 * in transit. 0 or as l2_tvlv_register().
 */
int stub_tvlv_record(struct l2_node *n, uint8_t type, uint8_t version);

#endif
