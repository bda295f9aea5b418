/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The node helpers every module uses (node.h): logging, "is this address
 * mine", sending a frame on a mesh port, counter names. They only read
 * the node and call its env, so any module may use them without a cycle:
 * l2.c, the node's life cycle, sits above every module instead.
 */
#include <string.h>

#include "common/log.h"
#include "l2mesh/core/node.h"

#define L2_STAT_NAME(id, name) name,
static const char *const stat_names[] = { L2_STATS(L2_STAT_NAME) };
#undef L2_STAT_NAME

const char *l2_stat_name(enum l2_stat s)
{
	return s < L2_STAT_COUNT ? stat_names[s] : "?";
}

bool l2_debug_on(const struct l2_node *n, uint32_t cat)
{
	return n->env.log && (!n->env.debug_on || n->env.debug_on(n->env.user, cat));
}

void l2_log(struct l2_node *n, int level, uint32_t cat, const char *fmt, ...)
{
	va_list ap;

	if (level == MC_LOG_DEBUG && !l2_debug_on(n, cat))
		return;
	va_start(ap, fmt);
	mc_log_to(n->env.log, n->env.user, level, cat, fmt, ap);
	va_end(ap);
}

bool l2_node_is_me(const struct l2_node *n, const uint8_t mac[6])
{
	if (l2_mac_eq(mac, n->cfg.mac))
		return true;
	for (unsigned i = 0; i < n->nports; i++)
		if (l2_mac_eq(mac, n->ports[i].mac))
			return true;
	return false;
}

void l2_port_send(struct l2_node *n, unsigned port, const uint8_t *frame, size_t len)
{
	if (port >= n->nports || !n->ports[port].up) {
		l2_count(n, L2_STAT_DROP_PORT_DOWN, 1);
		return;
	}
	n->env.mesh_send(n->env.user, port, frame, len);
}

void l2_port_send_eth(struct l2_node *n, unsigned port, const uint8_t dst[6],
		      uint8_t *buf, size_t pkt_len)
{
	struct l2_eth eth = { .ethertype = L2_ETHERTYPE_BATMAN };
	struct mc_wr w;

	memcpy(eth.dst, dst, 6);
	memcpy(eth.src, n->ports[port].mac, 6);
	mc_wr_init(&w, buf, L2_ETH_HLEN);
	l2_eth_encode(&w, &eth);
	l2_port_send(n, port, buf, L2_ETH_HLEN + pkt_len);
}

void l2_local_send(struct l2_node *n, unsigned lport, const uint8_t *frame, size_t len)
{
	n->env.local_send(n->env.user, lport, frame, len);
}

struct l2_mackey *l2_mackey_find(const struct mc_hash *h, uint32_t seed,
				 const uint8_t mac[6], uint16_t vid)
{
	struct mc_hash_iter it;
	struct mc_hnode *e;

	for (e = mc_hash_first(h, mc_hash_mac_seeded(seed, mac, vid), &it); e;
	     e = mc_hash_next(&it)) {
		struct l2_mackey *k = mc_container_of(e, struct l2_mackey, hnode);

		if (k->vid == vid && l2_mac_eq(k->mac, mac))
			return k;
	}
	return NULL;
}

int l2_mackey_add(struct mc_hash *h, uint32_t seed, struct l2_mackey *k)
{
	return mc_hash_add(h, &k->hnode, mc_hash_mac_seeded(seed, k->mac, k->vid));
}

uint32_t l2_seed(struct l2_node *n)
{
	return n->env.rand ? n->env.rand(n->env.user) : 0;
}
