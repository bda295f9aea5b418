/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l3routed's control commands (doc/l3routed.md, doc/control.md): its
 * status fields and the command table; the tables and their events are
 * tables.c's, the gateways gwctl.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "common/log.h"
#include "l3route/shell/l3routed.h"

const char *l3sh_ifname(const struct l3routed *r, unsigned ifidx)
{
	return ifidx < r->nport ? r->port[ifidx].ifname : "?";
}

static json_object *stats_object(const struct l3routed *r)
{
	const uint64_t *st = l3_stats(r->node);
	json_object *o = json_object_new_object();

	for (int i = 0; i < L3_ST_MAX; i++)
		mc_json_add(o, l3_stat_names[i], mc_json_int((int64_t)st[i]));
	mc_json_add(o, "route_errors", mc_json_int((int64_t)r->route_errors));
	for (int i = 0; i < L3SH_TUN_MAX; i++)
		mc_json_add(o, l3sh_tun_names[i], mc_json_int((int64_t)r->tun_ctr[i]));
	return o;
}

static json_object *ports_array(const struct l3routed *r)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < r->nport; i++) {
		const struct l3sh_port *p = &r->port[i];
		json_object *o = json_object_new_object();
		mc_json_add(o, "ifname", mc_json_str(p->ifname));
		mc_json_add(o, "state", mc_json_str(p->fd >= 0 ? "up" : "missing"));
		mc_json_add(o, "rx_packets", mc_json_int((int64_t)p->rx_pkts));
		mc_json_add(o, "tx_packets", mc_json_int((int64_t)p->tx_pkts));
		mc_json_add(o, "tx_errors", mc_json_int((int64_t)p->tx_errors));
		mc_json_add(o, "rx_not_link_local", mc_json_int((int64_t)p->rx_not_ll));
		json_object_array_add(a, o);
	}
	return a;
}

static void self_fields(const struct l3routed *r, json_object *st,
			const struct l3_self_info *si)
{
	char hex[9], a[INET6_ADDRSTRLEN], sum[256];

	mc_json_add(st, "id", mc_json_hex(si->id, L3_ID_LEN));
	mc_json_add(st, "short_id", mc_json_hex(si->id, 4));
	mc_json_add(st, "address", mc_json_in6(&si->addr));
	mc_json_add(st, "hostname", mc_json_str(si->hostname));
	mc_json_add(st, "dseq", mc_json_int(si->dseq));
	mc_json_add(st, "seqno", mc_json_int(si->seqno));
	mc_json_add(st, "chain_len", mc_json_int(si->chain_len));
	mc_json_add(st, "links", mc_json_int(si->nlinks));
	mc_json_add(st, "originators", mc_json_int(si->norigs));
	mc_json_add(st, "routes", mc_json_int(si->nroutes));
	mc_json_add(st, "kernel_routes", mc_json_int((int64_t)r->nkr));
	snprintf(sum, sizeof(sum), "%s %s %s: %u links, %u originators, %u routes",
		 l3_id_hex(si->id, 4, hex), si->hostname,
		 inet_ntop(AF_INET6, &si->addr, a, sizeof(a)), si->nlinks, si->norigs,
		 si->nroutes);
	mc_json_add(st, "summary", mc_json_str(sum));
}

void l3sh_status(struct mc_daemon *d, json_object *st)
{
	struct l3routed *r = d->priv;
	struct l3_self_info si;

	if (!r || !r->node)
		return;
	l3_self(r->node, &si);
	self_fields(r, st, &si);
	mc_json_add(st, "table", mc_json_int(r->table));
	mc_json_add(st, "udp_port", mc_json_int(r->udp_port));
	mc_json_add(st, "ports", ports_array(r));
	mc_json_add(st, "stats", stats_object(r));
	mc_json_add(st, "tunnel", l3sh_tun_json(r));
	mc_json_add(st, "offer", l3sh_offer_json(r));
}

const struct mc_ctl_cmd l3sh_cmds[] = {
	{ "links", l3sh_cmd_links, "bmx7 links: one-hop neighbours per mesh port, rq/tq, cost" },
	{ "originators", l3sh_cmd_originators, "bmx7 originators: every known node, trust, metric, next hop" },
	{ "routes", l3sh_cmd_routes, "the routes given to the kernel (table l3_table)" },
	{ "descriptions", l3sh_cmd_descriptions, "every node's signed description: prefixes, gateway offers" },
	{ "gateways", l3sh_cmd_gateways, "Internet offers ranked, the chosen one and why; tunnel and offer state" },
	{ "gw_prefer", l3sh_cmd_gw_prefer, "{\"who\":NAME|\"auto\"} or {\"reset\":true}: the gateway preference, kept in <l3_key>.gwprefer" },
};
const unsigned l3sh_ncmds = sizeof(l3sh_cmds) / sizeof(l3sh_cmds[0]);
