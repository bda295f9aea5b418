/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2_STUBS_DATA_H
#define L2_STUBS_DATA_H

/*
 * A fake routing plane and translation table for the data plane's unit
 * tests and fuzzer: the node.h contracts of bat_iv.c, originator.c and
 * tt.c, answered from small tables set up per node (matched by cfg.mac),
 * with the calls the data plane makes recorded for the tests to check.
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
	/* routing plane */
	struct stub_route route[STUB_ENTRIES];
	unsigned nroutes;
	uint8_t known[STUB_ENTRIES][6];	/* known originators without a route */
	unsigned nknown;
	uint8_t neigh[L2_PORTS_MAX][STUB_NEIGH][6];
	unsigned nneigh[L2_PORTS_MAX];
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
	struct stub_tvlv tvlv[STUB_TVLV_MAX];
	unsigned ntvlv;
	unsigned iv_rx;
};

extern struct stub_node stub_nodes[STUB_NODES];

void stub_reset(void);
/* The fake tables of the node whose cfg.mac is mac, created empty. */
struct stub_node *stub_add(const uint8_t mac[6]);
struct stub_node *stub_of(const struct l2_node *n);
void stub_route_add(struct stub_node *s, const uint8_t orig[6], unsigned port,
		    const uint8_t nexthop[6]);
void stub_known_add(struct stub_node *s, const uint8_t orig[6]);
void stub_neigh_add(struct stub_node *s, unsigned port, const uint8_t mac[6]);
void stub_client_add(struct stub_node *s, const uint8_t mac[6], uint16_t vid,
		     const uint8_t orig[6], uint8_t ttvn);
/* check_unicast will send frames for client to orig with ttvn. */
void stub_redirect_add(struct stub_node *s, const uint8_t client[6],
		       const uint8_t orig[6], uint8_t ttvn);

#endif
