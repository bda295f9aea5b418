/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The node: its life cycle, ports and local ports, the entry points the
 * shell calls (frames in, ticks, ping). It sits above every module and
 * is called by none: modules reach the node through node.c's helpers and
 * each other through the tables they register in (rx.c, tvlv.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "l2mesh/core/node.h"

void l2_config_defaults(struct l2_config *cfg, const uint8_t mac[6])
{
	memset(cfg, 0, sizeof(*cfg));
	memcpy(cfg->mac, mac, 6);
	cfg->orig_interval_ms = L2_ORIG_INTERVAL_MS;
	cfg->hop_penalty = L2_HOP_PENALTY;
	cfg->aggregation = true;
	cfg->agg_phase = -1;
}

struct l2_node *l2_node_new(const struct l2_config *cfg, const struct l2_env *env,
			    uint64_t now_ms)
{
	struct l2_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->cfg = *cfg;
	n->env = *env;
	n->now_ms = now_ms;
	/* the GW TVLV goes into own OGMs before TT's: handlers append in
	 * the order they registered */
	if (l2_iv_init(n) < 0 || l2_gw_init(n) < 0 || l2_tt_init(n) < 0 ||
	    l2_data_init(n) < 0) {
		l2_node_free(n);
		return NULL;
	}
	return n;
}

void l2_config_update(struct l2_node *n, const struct l2_config *cfg)
{
	n->cfg.orig_interval_ms = cfg->orig_interval_ms;
	n->cfg.hop_penalty = cfg->hop_penalty;
	n->cfg.gw_down_kbit = cfg->gw_down_kbit;
	n->cfg.gw_up_kbit = cfg->gw_up_kbit;
}

void l2_node_free(struct l2_node *n)
{
	if (!n)
		return;
	/* nobody may look at the tables while they are torn down */
	n->env.changed = NULL;
	if (n->data)
		l2_data_free(n);
	if (n->tt)
		l2_tt_free(n);
	if (n->iv)
		l2_iv_free(n);
	free(n);
}

/*
 * Takes slot count of max for name: copies name into out (size bytes
 * with its NUL) once both fit. 0, -ENOSPC or -ENAMETOOLONG.
 */
static int slot_take(char *out, size_t size, unsigned count, unsigned max,
		     const char *name)
{
	if (count == max)
		return -ENOSPC;
	if (strlen(name) >= size)
		return -ENAMETOOLONG;
	strcpy(out, name);
	return 0;
}

int l2_port_add(struct l2_node *n, const char *name, const uint8_t mac[6],
		unsigned mtu, bool wireless)
{
	struct l2_port *p = &n->ports[n->nports];
	int rc = slot_take(p->name, sizeof(p->name), n->nports, L2_PORTS_MAX, name);

	if (rc < 0)
		return rc;
	memcpy(p->mac, mac, 6);
	p->mtu = mtu;
	p->wireless = wireless;
	p->up = true;
	return (int)n->nports++;
}

void l2_port_set_up(struct l2_node *n, unsigned port, bool up, uint64_t now_ms)
{
	if (port >= n->nports || n->ports[port].up == up)
		return;
	n->now_ms = now_ms;
	n->ports[port].up = up;
	l2_iv_port_changed(n, port);
}

void l2_port_set_link(struct l2_node *n, unsigned port, const uint8_t mac[6], unsigned mtu)
{
	if (port >= n->nports)
		return;
	memcpy(n->ports[port].mac, mac, 6);
	n->ports[port].mtu = mtu;
}

void l2_local_set_mac(struct l2_node *n, unsigned local, const uint8_t mac[6])
{
	if (local < n->nlocals)
		memcpy(n->locals[local].mac, mac, 6);
}

int l2_local_add(struct l2_node *n, const char *name, enum l2_local_kind kind,
		 const uint8_t mac[6])
{
	struct l2_local *l = &n->locals[n->nlocals];
	int rc = slot_take(l->name, sizeof(l->name), n->nlocals, L2_LOCALS_MAX, name);

	if (rc == 0) {
		l->kind = kind;
		memcpy(l->mac, mac, 6);
		rc = (int)n->nlocals++;
	}
	return rc;
}

/* The common header's verdict as a drop reason; L2_STAT_COUNT for none. */
static enum l2_stat peek_verdict(int rc)
{
	switch (rc) {
	case 0: return L2_STAT_COUNT;
	case -EPROTONOSUPPORT: return L2_STAT_DROP_VERSION;
	case -EOPNOTSUPP: return L2_STAT_DROP_UNSUPPORTED_TYPE;
	case -ENOMSG: return L2_STAT_DROP_UNKNOWN_TYPE;
	default: return L2_STAT_DROP_SHORT;
	}
}

void l2_rx_mesh(struct l2_node *n, unsigned port, const uint8_t *frame, size_t len,
		uint64_t now_ms)
{
	l2_rx_mesh_heard(n, port, frame, len, now_ms, now_ms);
}

void l2_rx_mesh_heard(struct l2_node *n, unsigned port, const uint8_t *frame, size_t len,
		      uint64_t now_ms, uint64_t heard_ms)
{
	struct mc_rd r;
	struct l2_eth eth;
	struct l2_hdr h;
	enum l2_stat drop;

	n->now_ms = now_ms;
	n->heard_ms = heard_ms < now_ms ? heard_ms : now_ms;
	if (port >= n->nports || !n->ports[port].up) {
		l2_count(n, L2_STAT_DROP_PORT_DOWN, 1);
		return;
	}
	mc_rd_init(&r, frame, len);
	if (l2_eth_decode(&r, &eth) < 0 || eth.ethertype != L2_ETHERTYPE_BATMAN) {
		l2_count(n, L2_STAT_DROP_SHORT, 1);
		return;
	}
	drop = peek_verdict(l2_hdr_peek(&r, &h));
	if (drop != L2_STAT_COUNT) {
		l2_count(n, drop, 1);
		return;
	}
	l2_rx_dispatch(n, port, &eth, &h, &r);
}

void l2_rx_local(struct l2_node *n, unsigned lport, const uint8_t *frame, size_t len,
		 uint64_t now_ms)
{
	n->now_ms = now_ms;
	if (lport >= n->nlocals)
		return;
	l2_data_rx_local(n, lport, frame, len);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t l2_tick(struct l2_node *n, uint64_t now_ms)
{
	uint64_t next;

	n->now_ms = now_ms;
	next = l2_iv_tick(n, now_ms);
	next = min_u64(next, l2_tt_tick(n, now_ms));
	next = min_u64(next, l2_data_tick(n, now_ms));
	return next;
}

int l2_ping(struct l2_node *n, const uint8_t dst[6], uint8_t uid, uint16_t seqno,
	    uint8_t ttl, uint64_t now_ms)
{
	n->now_ms = now_ms;
	return l2_icmp_ping(n, dst, uid, seqno, ttl);
}
