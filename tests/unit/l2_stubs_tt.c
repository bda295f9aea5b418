/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stubs of the routing and data planes for the TT unit test (see
 * l2_stubs_tt.h). Only what tt.c calls does anything.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "l2mesh/core/node.h"
#include "tests/unit/l2_stubs_tt.h"

struct tt_net tt_net;

static struct l2_node *net_find(const uint8_t mac[6], unsigned *idx)
{
	for (unsigned i = 0; i < tt_net.nnodes; i++)
		if (l2_mac_eq(tt_net.node[i]->cfg.mac, mac)) {
			if (idx)
				*idx = i;
			return tt_net.node[i];
		}
	return NULL;
}

static void env_mesh_send(void *user, unsigned port, const uint8_t *frame, size_t len)
{
	(void)user;
	(void)port;
	if (tt_net.nframes == TN_FRAMES_MAX || len > L2_FRAME_MAX)
		return;
	memcpy(tt_net.frame[tt_net.nframes], frame, len);
	tt_net.frame_len[tt_net.nframes++] = len;
}

static void env_local_send(void *user, unsigned lport, const uint8_t *frame, size_t len)
{
	(void)user;
	(void)lport;
	(void)frame;
	(void)len;
}

static uint32_t env_rand(void *user)
{
	static uint32_t x = 2463534242u;

	(void)user;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

void tt_net_reset(void)
{
	memset(&tt_net, 0, sizeof(tt_net));
}

struct l2_node *tt_net_node(uint8_t id, uint64_t now_ms)
{
	const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, id };
	const uint8_t anygw[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01 };
	struct l2_env env = { .mesh_send = env_mesh_send, .local_send = env_local_send,
			      .rand = env_rand };
	struct l2_config cfg;
	struct l2_node *n;

	l2_config_defaults(&cfg, mac);
	memcpy(cfg.anygw_mac, anygw, 6);
	n = l2_node_new(&cfg, &env, now_ms);
	if (!n || tt_net.nnodes == TN_NODES_MAX)
		return NULL;
	l2_local_add(n, "bat0", L2_LOCAL_HOST, mac);
	tt_net.node[tt_net.nnodes++] = n;
	return n;
}

/* ---- routing plane -------------------------------------------------------- */

int l2_iv_init(struct l2_node *n) { (void)n; return 0; }
void l2_iv_free(struct l2_node *n) { (void)n; }
void l2_iv_rx(struct l2_node *n, unsigned port, const struct l2_eth *eth, struct mc_rd *r)
{
	(void)n; (void)port; (void)eth; (void)r;
}
uint64_t l2_iv_tick(struct l2_node *n, uint64_t now_ms) { (void)n; return now_ms + 1000; }
void l2_iv_port_changed(struct l2_node *n, unsigned port) { (void)n; (void)port; }

bool l2_orig_known(struct l2_node *n, const uint8_t orig[6])
{
	(void)n;
	for (unsigned i = 0; i < tt_net.nextra; i++)
		if (l2_mac_eq(tt_net.extra[i], orig))
			return true;
	return net_find(orig, NULL) != NULL;
}

/* Everyone is a direct neighbour on port 0. */
int l2_orig_router(struct l2_node *n, const uint8_t orig[6], unsigned *port_r,
		   uint8_t nexthop_r[6])
{
	unsigned i = 0;

	if (!l2_orig_known(n, orig) || (net_find(orig, &i) && tt_net.unroutable[i]))
		return -ENOENT;
	*port_r = 0;
	memcpy(nexthop_r, orig, 6);
	return 0;
}

bool l2_neigh_on_port(struct l2_node *n, unsigned port, const uint8_t mac[6])
{
	(void)port;
	return l2_orig_known(n, mac);
}

unsigned l2_port_neigh_count(struct l2_node *n, unsigned port)
{
	(void)n;
	(void)port;
	return tt_net.nnodes ? tt_net.nnodes - 1 : 0;
}

/* ---- data plane ------------------------------------------------------------ */

int l2_data_init(struct l2_node *n) { (void)n; return 0; }
void l2_data_free(struct l2_node *n) { (void)n; }
uint64_t l2_data_tick(struct l2_node *n, uint64_t now_ms) { (void)n; return now_ms + 1000; }
void l2_data_rx(struct l2_node *n, unsigned port, const struct l2_eth *eth,
		const struct l2_hdr *h, struct mc_rd *r)
{
	(void)n; (void)port; (void)eth; (void)h; (void)r;
}
void l2_data_rx_local(struct l2_node *n, unsigned lport, const uint8_t *frame, size_t len)
{
	(void)n; (void)lport; (void)frame; (void)len;
}
int l2_icmp_ping(struct l2_node *n, const uint8_t dst[6], uint8_t uid, uint16_t seqno,
		 uint8_t ttl)
{
	(void)n; (void)dst; (void)uid; (void)seqno; (void)ttl;
	return -ENOSYS;
}

/* Captures the TVLVs, then hands each to the destination's TT. */
int l2_send_unicast_tvlv(struct l2_node *n, const uint8_t dst[6],
			 const uint8_t *tvlvs, size_t len)
{
	struct l2_node *to = net_find(dst, NULL);
	struct l2_tvlv tv;
	struct mc_rd r;

	tt_net.utvlv_sent++;
	memcpy(tt_net.last_src, n->cfg.mac, 6);
	memcpy(tt_net.last_dst, dst, 6);
	tt_net.last_len = len <= sizeof(tt_net.last_tvlv) ? len : 0;
	memcpy(tt_net.last_tvlv, tvlvs, tt_net.last_len);
	if (tt_net.drop_unicast || !to)
		return 0;
	to->now_ms = n->now_ms;
	mc_rd_init(&r, tvlvs, len);
	while (l2_tvlv_next(&r, &tv) == 1)
		l2_tt_unicast_tvlv_rx(to, n->cfg.mac, &tv);
	return 0;
}

/*
 * A relay's answer speaks as another originator: built here as the data
 * plane would, one UNICAST_TVLV frame to the routing plane's next hop, so
 * the tests can read it back from the captured frames.
 */
int l2_send_unicast_tvlv_from(struct l2_node *n, const uint8_t src[6],
			      const uint8_t dst[6], const uint8_t *tvlvs, size_t len)
{
	struct l2_eth eth = { .ethertype = L2_ETHERTYPE_BATMAN };
	struct l2_unicast_tvlv u = { .ttl = 50 };
	uint8_t frame[L2_FRAME_MAX];
	unsigned port;
	struct mc_wr w;
	size_t off;

	if (l2_mac_eq(src, n->cfg.mac))
		return l2_send_unicast_tvlv(n, dst, tvlvs, len);
	if (l2_orig_router(n, dst, &port, eth.dst) < 0 || port >= n->nports)
		return -EHOSTUNREACH;
	memcpy(eth.src, n->ports[port].mac, 6);
	memcpy(u.dst, dst, 6);
	memcpy(u.src, src, 6);
	mc_wr_init(&w, frame, sizeof(frame));
	l2_eth_encode(&w, &eth);
	off = mc_wr_len(&w);
	l2_unicast_tvlv_encode(&w, &u);
	mc_wr_bytes(&w, tvlvs, len);
	if (l2_unicast_tvlv_finish(&w, off) < 0)
		return -EMSGSIZE;
	l2_port_send(n, port, frame, mc_wr_len(&w));
	return 0;
}
