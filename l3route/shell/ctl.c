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

void l3sh_jadd(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

json_object *l3sh_jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

json_object *l3sh_jint(int64_t v)
{
	return json_object_new_int64(v);
}

static json_object *jid(const uint8_t id[L3_ID_LEN], unsigned n)
{
	char hex[2 * L3_ID_LEN + 1];

	return l3sh_jstr(l3_id_hex(id, n, hex));
}

static json_object *jin6(const struct in6_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	return l3sh_jstr(inet_ntop(AF_INET6, a, s, sizeof(s)));
}

static json_object *jip(const struct mc_ip *ip)
{
	char s[MC_IP_STRLEN];

	return l3sh_jstr(mc_ip_format(ip, s, sizeof(s)));
}

/* L3_METRIC_INF as null: "unreachable" has no number */
static json_object *jmetric(uint32_t m)
{
	return m == L3_METRIC_INF ? NULL : l3sh_jint(m);
}

static void link_row(void *arg, const struct l3_link_info *li)
{
	json_object *o = json_object_new_object();

	l3sh_jadd(o, "ifname", l3sh_jstr(li->ifname));
	l3sh_jadd(o, "id", jid(li->id, L3_ID_LEN));
	l3sh_jadd(o, "short_id", jid(li->id, 4));
	l3sh_jadd(o, "hostname", l3sh_jstr(li->hostname));
	l3sh_jadd(o, "link_local", jin6(&li->ll));
	l3sh_jadd(o, "rq", l3sh_jint(li->rq));
	l3sh_jadd(o, "tq", l3sh_jint(li->tq));
	l3sh_jadd(o, "rate_kbit", l3sh_jint(li->rate_kbit));
	l3sh_jadd(o, "cost", jmetric(li->cost));
	l3sh_jadd(o, "last_seen_ms", l3sh_jint((int64_t)li->last_hello_ms));
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
		return l3sh_jstr(vi.desc->hostname);
	return jid(id, 4);
}

static void orig_row(void *arg, const struct l3_orig_info *oi)
{
	struct orig_walk *w = arg;
	json_object *o = json_object_new_object();

	l3sh_jadd(o, "id", jid(oi->id, L3_ID_LEN));
	l3sh_jadd(o, "short_id", jid(oi->id, 4));
	l3sh_jadd(o, "hostname", l3sh_jstr(oi->desc ? oi->desc->hostname : ""));
	l3sh_jadd(o, "trust", l3sh_jstr(oi->trust <= L3_TRUST_NO ? trust_names[oi->trust] : "?"));
	l3sh_jadd(o, "reachable", json_object_new_boolean(oi->reachable));
	l3sh_jadd(o, "dseq", l3sh_jint(oi->dseq));
	l3sh_jadd(o, "seqno", l3sh_jint(oi->seqno));
	l3sh_jadd(o, "metric", jmetric(oi->metric));
	l3sh_jadd(o, "hops", l3sh_jint(oi->hops));
	if (oi->reachable) {
		l3sh_jadd(o, "via_id", jid(oi->via_id, L3_ID_LEN));
		l3sh_jadd(o, "via", via_name(w->r, oi->via_id));
		l3sh_jadd(o, "via_link_local", jin6(&oi->via));
		l3sh_jadd(o, "ifname", l3sh_jstr(l3sh_ifname(w->r, oi->ifidx)));
	}
	l3sh_jadd(o, "desc_age_ms", oi->desc ? l3sh_jint((int64_t)oi->desc_age_ms) : NULL);
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

	l3sh_jadd(o, "dst", jip(&ri->dst));
	l3sh_jadd(o, "id", jid(ri->id, L3_ID_LEN));
	l3sh_jadd(o, "short_id", jid(ri->id, 4));
	l3sh_jadd(o, "hostname", l3sh_jstr(ri->hostname));
	l3sh_jadd(o, "metric", jmetric(ri->metric));
	l3sh_jadd(o, "ifname", l3sh_jstr(l3sh_ifname(w->r, ri->ifidx)));
	l3sh_jadd(o, "via", jin6(&ri->via));
	l3sh_jadd(o, "anycast", json_object_new_boolean(ri->anycast));
	l3sh_jadd(o, "installed", json_object_new_boolean(l3sh_kroute_installed(w->r, &ri->dst)));
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
		l3sh_jadd(p, "prefix", jip(&d->prefix[i].ip));
		l3sh_jadd(p, "anycast",
			  json_object_new_boolean(d->prefix[i].flags & L3_PF_ANYCAST));
		json_object_array_add(a, p);
	}
	return a;
}

static json_object *desc_gateways(const struct l3_desc *d)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < d->ngw; i++) {
		json_object *g = json_object_new_object();
		l3sh_jadd(g, "prefix", jip(&d->gw[i].ip));
		l3sh_jadd(g, "down_kbit", l3sh_jint(d->gw[i].down_kbit));
		l3sh_jadd(g, "up_kbit", l3sh_jint(d->gw[i].up_kbit));
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
	l3sh_jadd(o, "id", jid(oi->id, L3_ID_LEN));
	l3sh_jadd(o, "short_id", jid(oi->id, 4));
	l3sh_jadd(o, "hostname", l3sh_jstr(d->hostname));
	l3sh_jadd(o, "self", json_object_new_boolean(false));
	l3sh_jadd(o, "dseq", l3sh_jint(d->dseq));
	l3sh_jadd(o, "size", l3sh_jint((int64_t)oi->desc_size));
	l3sh_jadd(o, "chain_len", l3sh_jint(d->chain_len));
	l3sh_jadd(o, "age_ms", l3sh_jint((int64_t)oi->desc_age_ms));
	l3sh_jadd(o, "unknown_items", l3sh_jint(d->unknown));
	l3sh_jadd(o, "prefixes", desc_prefixes(d));
	l3sh_jadd(o, "gateways", desc_gateways(d));
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
	l3sh_jadd(o, "id", jid(si.id, L3_ID_LEN));
	l3sh_jadd(o, "short_id", jid(si.id, 4));
	l3sh_jadd(o, "hostname", l3sh_jstr(si.hostname));
	l3sh_jadd(o, "self", json_object_new_boolean(true));
	l3sh_jadd(o, "dseq", l3sh_jint(si.dseq));
	l3sh_jadd(o, "size", NULL);
	l3sh_jadd(o, "chain_len", l3sh_jint(si.chain_len));
	l3sh_jadd(o, "age_ms", NULL);
	l3sh_jadd(o, "unknown_items", l3sh_jint(0));
	l3sh_jadd(o, "prefixes", desc_prefixes(&d));
	l3sh_jadd(o, "gateways", desc_gateways(&d));
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
		l3sh_jadd(o, l3_stat_names[i], l3sh_jint((int64_t)st[i]));
	l3sh_jadd(o, "route_errors", l3sh_jint((int64_t)r->route_errors));
	for (int i = 0; i < L3SH_TUN_MAX; i++)
		l3sh_jadd(o, l3sh_tun_names[i], l3sh_jint((int64_t)r->tun_ctr[i]));
	return o;
}

static json_object *ports_array(const struct l3routed *r)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < r->nport; i++) {
		const struct l3sh_port *p = &r->port[i];
		json_object *o = json_object_new_object();
		l3sh_jadd(o, "ifname", l3sh_jstr(p->ifname));
		l3sh_jadd(o, "state", l3sh_jstr(p->fd >= 0 ? "up" : "missing"));
		l3sh_jadd(o, "rx_packets", l3sh_jint((int64_t)p->rx_pkts));
		l3sh_jadd(o, "tx_packets", l3sh_jint((int64_t)p->tx_pkts));
		l3sh_jadd(o, "tx_errors", l3sh_jint((int64_t)p->tx_errors));
		l3sh_jadd(o, "rx_not_link_local", l3sh_jint((int64_t)p->rx_not_ll));
		json_object_array_add(a, o);
	}
	return a;
}

static void self_fields(const struct l3routed *r, json_object *st,
			const struct l3_self_info *si)
{
	char hex[9], a[INET6_ADDRSTRLEN], sum[256];

	l3sh_jadd(st, "id", jid(si->id, L3_ID_LEN));
	l3sh_jadd(st, "short_id", jid(si->id, 4));
	l3sh_jadd(st, "address", jin6(&si->addr));
	l3sh_jadd(st, "hostname", l3sh_jstr(si->hostname));
	l3sh_jadd(st, "dseq", l3sh_jint(si->dseq));
	l3sh_jadd(st, "seqno", l3sh_jint(si->seqno));
	l3sh_jadd(st, "chain_len", l3sh_jint(si->chain_len));
	l3sh_jadd(st, "links", l3sh_jint(si->nlinks));
	l3sh_jadd(st, "originators", l3sh_jint(si->norigs));
	l3sh_jadd(st, "routes", l3sh_jint(si->nroutes));
	l3sh_jadd(st, "kernel_routes", l3sh_jint((int64_t)r->nkr));
	snprintf(sum, sizeof(sum), "%s %s %s: %u links, %u originators, %u routes",
		 l3_id_hex(si->id, 4, hex), si->hostname,
		 inet_ntop(AF_INET6, &si->addr, a, sizeof(a)), si->nlinks, si->norigs,
		 si->nroutes);
	l3sh_jadd(st, "summary", l3sh_jstr(sum));
}

void l3sh_status(struct mc_daemon *d, json_object *st)
{
	struct l3routed *r = d->priv;
	struct l3_self_info si;

	if (!r || !r->node)
		return;
	l3_self(r->node, &si);
	self_fields(r, st, &si);
	l3sh_jadd(st, "table", l3sh_jint(r->table));
	l3sh_jadd(st, "udp_port", l3sh_jint(r->udp_port));
	l3sh_jadd(st, "ports", ports_array(r));
	l3sh_jadd(st, "stats", stats_object(r));
	l3sh_jadd(st, "tunnel", l3sh_tun_json(r));
	l3sh_jadd(st, "offer", l3sh_offer_json(r));
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
