/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2_STUBS_TT_H
#define L2_STUBS_TT_H

/*
 * The other core modules, stubbed so tt.c links and runs alone: a tiny
 * in-memory "mesh" of whole l2_node instances where every node reaches
 * every other in one hop and a unicast TVLV is handed straight to the
 * destination's l2_tt_unicast_tvlv_rx() before the send returns.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "l2mesh/core/node.h"

#define TN_NODES_MAX 4
#define TN_EXTRA_MAX 4
#define TN_FRAMES_MAX 8

struct tt_net {
	struct l2_node *node[TN_NODES_MAX];
	unsigned nnodes;
	/* originators that are not nodes (crafted peers) but count as known */
	uint8_t extra[TN_EXTRA_MAX][6];
	unsigned nextra;
	bool drop_unicast;		/* unicast TVLVs are lost (still captured) */
	bool unroutable[TN_NODES_MAX];	/* no route towards node i */
	/* the last unicast TVLV sent, by anyone */
	unsigned utvlv_sent;
	uint8_t last_src[6], last_dst[6];
	uint8_t last_tvlv[L2_FRAME_MAX * 16];
	size_t last_len;
	/* frames sent on mesh ports (env.mesh_send) */
	uint8_t frame[TN_FRAMES_MAX][L2_FRAME_MAX];
	size_t frame_len[TN_FRAMES_MAX];
	unsigned nframes;
};

extern struct tt_net tt_net;

/* Forgets every node and capture (the nodes themselves are not freed). */
void tt_net_reset(void);
/* A node with MAC 02:00:00:00:00:<id>, a bat0 host port, registered. */
struct l2_node *tt_net_node(uint8_t id, uint64_t now_ms);

#endif
