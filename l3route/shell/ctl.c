/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l3routed's control commands (doc/l3routed.md, doc/control.md): links,
 * originators, routes and descriptions as JSON rows, and its status
 * fields. Everything comes from the core's introspection calls.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "common/log.h"
#include "l3route/shell/l3routed.h"

static struct l3routed *ctx(void *user)
{
	return ((struct mc_daemon *)user)->priv;
}

static uint64_t now_ms(const struct l3routed *r)
{
	return mc_ev_now_ms(r->d->loop);
}

const char *l3sh_ifname(const struct l3routed *r, unsigned ifidx)
{
	return ifidx < r->nport ? r->port[ifidx].ifname : "?";
}

static json_object *jid(const uint8_t id[L3_ID_LEN], unsigned n)
{
	return mc_json_hex(id, n);
}

/* L3_METRIC_INF as null: "unreachable" has no number */
static json_object *jmetric(uint32_t m)
{
	return m == L3_METRIC_INF ? NULL : mc_json_int(m);
}

static void link_row(void *arg, const struct l3_link_info *li)
{
	json_object *o = json_object_new_object();

	mc_json_add(o, "ifname", mc_json_str(li->ifname));
	mc_json_add(o, "id", jid(li->id, L3_ID_LEN));
	mc_json_add(o, "short_id", jid(li->id, 4));
	mc_json_add(o, "hostname", mc_json_str(li->hostname));
	mc_json_add(o, "link_local", mc_json_in6(&li->ll));
	mc_json_add(o, "rq", mc_json_int(li->rq));
	mc_json_add(o, "tq", mc_json_int(li->tq));
	mc_json_add(o, "rate_kbit", mc_json_int(li->rate_kbit));
	mc_json_add(o, "cost", jmetric(li->cost));
	mc_json_add(o, "last_seen_ms", mc_json_int((int64_t)li->last_hello_ms));
	json_object_array_add(arg, o);
}

static int cmd_links(json_object *req, json_object **data, const char **err, void *user)
{
	struct l3routed *r = ctx(user);

	*data = json_object_new_array();
	l3_links_foreach(r->node, link_row, *data, now_ms(r));
	return 0;
}

static const char *const trust_names[] = {
	[L3_TRUST_OPEN] = "open", [L3_TRUST_YES] = "trusted", [L3_TRUST_NO] = "untrusted",
};

struct orig_walk {
	struct l3routed *r;
	json_object *rows;
};

/* The next hop's name: its description's hostname, else its short id. */
static json_object *via_name(const struct l3routed *r, const uint8_t id[L3_ID_LEN])
{
	struct l3_orig_info vi;

	if (l3_orig_get(r->node, id, &vi, now_ms(r)) == 0 && vi.desc && vi.desc->hostname[0])
		return mc_json_str(vi.desc->hostname);
	return jid(id, 4);
}

static void orig_row(void *arg, const struct l3_orig_info *oi)
{
	struct orig_walk *w = arg;
	json_object *o = json_object_new_object();

	mc_json_add(o, "id", jid(oi->id, L3_ID_LEN));
	mc_json_add(o, "short_id", jid(oi->id, 4));
	mc_json_add(o, "hostname", mc_json_str(oi->desc ? oi->desc->hostname : ""));
	mc_json_add(o, "trust", mc_json_str(oi->trust <= L3_TRUST_NO ? trust_names[oi->trust] : "?"));
	mc_json_add(o, "reachable", mc_json_bool(oi->reachable));
	mc_json_add(o, "dseq", mc_json_int(oi->dseq));
	mc_json_add(o, "seqno", mc_json_int(oi->seqno));
	mc_json_add(o, "metric", jmetric(oi->metric));
	mc_json_add(o, "hops", mc_json_int(oi->hops));
	if (oi->reachable) {
		mc_json_add(o, "via_id", jid(oi->via_id, L3_ID_LEN));
		mc_json_add(o, "via", via_name(w->r, oi->via_id));
		mc_json_add(o, "via_link_local", mc_json_in6(&oi->via));
		mc_json_add(o, "ifname", mc_json_str(l3sh_ifname(w->r, oi->ifidx)));
	}
	mc_json_add(o, "desc_age_ms", oi->desc ? mc_json_int((int64_t)oi->desc_age_ms) : NULL);
	json_object_array_add(w->rows, o);
}

static int cmd_originators(json_object *req, json_object **data, const char **err,
			   void *user)
{
	struct orig_walk w = { ctx(user), json_object_new_array() };

	l3_origs_foreach(w.r->node, orig_row, &w, now_ms(w.r));
	*data = w.rows;
	return 0;
}

static void route_row(void *arg, const struct l3_route_info *ri)
{
	struct orig_walk *w = arg;
	json_object *o = json_object_new_object();

	mc_json_add(o, "dst", mc_json_ip(&ri->dst));
	mc_json_add(o, "id", jid(ri->id, L3_ID_LEN));
	mc_json_add(o, "short_id", jid(ri->id, 4));
	mc_json_add(o, "hostname", mc_json_str(ri->hostname));
	mc_json_add(o, "metric", jmetric(ri->metric));
	mc_json_add(o, "ifname", mc_json_str(l3sh_ifname(w->r, ri->ifidx)));
	mc_json_add(o, "via", mc_json_in6(&ri->via));
	mc_json_add(o, "anycast", mc_json_bool(ri->anycast));
	mc_json_add(o, "installed", mc_json_bool(l3sh_kroute_installed(w->r, &ri->dst)));
	json_object_array_add(w->rows, o);
}

static int cmd_routes(json_object *req, json_object **data, const char **err, void *user)
{
	struct orig_walk w = { ctx(user), json_object_new_array() };

	l3_routes_foreach(w.r->node, route_row, &w);
	*data = w.rows;
	return 0;
}

static json_object *desc_prefixes(const struct l3_desc *d)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < d->nprefix; i++) {
		json_object *p = json_object_new_object();
		mc_json_add(p, "prefix", mc_json_ip(&d->prefix[i].ip));
		mc_json_add(p, "anycast",
			  mc_json_bool(d->prefix[i].flags & L3_PF_ANYCAST));
		json_object_array_add(a, p);
	}
	return a;
}

static json_object *desc_gateways(const struct l3_desc *d)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < d->ngw; i++) {
		json_object *g = json_object_new_object();
		mc_json_add(g, "prefix", mc_json_ip(&d->gw[i].ip));
		mc_json_add(g, "down_kbit", mc_json_int(d->gw[i].down_kbit));
		mc_json_add(g, "up_kbit", mc_json_int(d->gw[i].up_kbit));
		json_object_array_add(a, g);
	}
	return a;
}

static void desc_row(void *arg, const struct l3_orig_info *oi)
{
	const struct l3_desc *d = oi->desc;
	json_object *o;

	if (!d)
		return;
	o = json_object_new_object();
	mc_json_add(o, "id", jid(oi->id, L3_ID_LEN));
	mc_json_add(o, "short_id", jid(oi->id, 4));
	mc_json_add(o, "hostname", mc_json_str(d->hostname));
	mc_json_add(o, "self", mc_json_bool(false));
	mc_json_add(o, "dseq", mc_json_int(d->dseq));
	mc_json_add(o, "size", mc_json_int((int64_t)oi->desc_size));
	mc_json_add(o, "chain_len", mc_json_int(d->chain_len));
	mc_json_add(o, "age_ms", mc_json_int((int64_t)oi->desc_age_ms));
	mc_json_add(o, "unknown_items", mc_json_int(d->unknown));
	mc_json_add(o, "prefixes", desc_prefixes(d));
	mc_json_add(o, "gateways", desc_gateways(d));
	json_object_array_add(arg, o);
}

/* Our own description heads the table; its blob lives in the core, so
 * size and age are null. */
static json_object *self_desc_row(const struct l3routed *r)
{
	static struct l3_desc d;	/* ~1 KiB: kept off the stack */
	struct l3_self_info si;
	json_object *o = json_object_new_object();

	l3_self(r->node, &si);
	memset(&d, 0, sizeof(d));
	memcpy(d.prefix, r->ann, r->nann * sizeof(r->ann[0]));
	d.nprefix = r->nann;
	memcpy(d.gw, r->gw, r->ngw * sizeof(r->gw[0]));
	d.ngw = r->ngw;
	mc_json_add(o, "id", jid(si.id, L3_ID_LEN));
	mc_json_add(o, "short_id", jid(si.id, 4));
	mc_json_add(o, "hostname", mc_json_str(si.hostname));
	mc_json_add(o, "self", mc_json_bool(true));
	mc_json_add(o, "dseq", mc_json_int(si.dseq));
	mc_json_add(o, "size", NULL);
	mc_json_add(o, "chain_len", mc_json_int(si.chain_len));
	mc_json_add(o, "age_ms", NULL);
	mc_json_add(o, "unknown_items", mc_json_int(0));
	mc_json_add(o, "prefixes", desc_prefixes(&d));
	mc_json_add(o, "gateways", desc_gateways(&d));
	return o;
}

static int cmd_descriptions(json_object *req, json_object **data, const char **err,
			    void *user)
{
	struct l3routed *r = ctx(user);

	*data = json_object_new_array();
	json_object_array_add(*data, self_desc_row(r));
	l3_origs_foreach(r->node, desc_row, *data, now_ms(r));
	return 0;
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

	mc_json_add(st, "id", jid(si->id, L3_ID_LEN));
	mc_json_add(st, "short_id", jid(si->id, 4));
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
	{ "links", cmd_links, "bmx7 links: one-hop neighbours per mesh port, rq/tq, cost" },
	{ "originators", cmd_originators, "bmx7 originators: every known node, trust, metric, next hop" },
	{ "routes", cmd_routes, "the routes given to the kernel (table l3_table)" },
	{ "descriptions", cmd_descriptions, "every node's signed description: prefixes, gateway offers" },
	{ "gateways", l3sh_cmd_gateways, "Internet offers ranked, the chosen one and why; tunnel and offer state" },
	{ "gw_prefer", l3sh_cmd_gw_prefer, "{\"who\":NAME|\"auto\"} or {\"reset\":true}: the gateway preference, kept in <l3_key>.gwprefer" },
};
const unsigned l3sh_ncmds = sizeof(l3sh_cmds) / sizeof(l3sh_cmds[0]);

const struct mc_ctl_topic l3sh_topics[] = {
	{ .name = "gateway", .help = "the chosen gateway of a family changed: {family,gateway,id,why} (gateway null: none)" },
};
const unsigned l3sh_ntopics = sizeof(l3sh_topics) / sizeof(l3sh_topics[0]);
