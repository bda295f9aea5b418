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

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static json_object *jint(int64_t v)
{
	return json_object_new_int64(v);
}

static json_object *jid(const uint8_t id[L3_ID_LEN], unsigned n)
{
	char hex[2 * L3_ID_LEN + 1];

	return jstr(l3_id_hex(id, n, hex));
}

static json_object *jin6(const struct in6_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	return jstr(inet_ntop(AF_INET6, a, s, sizeof(s)));
}

static json_object *jip(const struct mc_ip *ip)
{
	char s[MC_IP_STRLEN];

	return jstr(mc_ip_format(ip, s, sizeof(s)));
}

/* L3_METRIC_INF as null: "unreachable" has no number */
static json_object *jmetric(uint32_t m)
{
	return m == L3_METRIC_INF ? NULL : jint(m);
}

static void link_row(void *arg, const struct l3_link_info *li)
{
	json_object *o = json_object_new_object();

	add(o, "ifname", jstr(li->ifname));
	add(o, "id", jid(li->id, L3_ID_LEN));
	add(o, "short_id", jid(li->id, 4));
	add(o, "hostname", jstr(li->hostname));
	add(o, "link_local", jin6(&li->ll));
	add(o, "rq", jint(li->rq));
	add(o, "tq", jint(li->tq));
	add(o, "rate_kbit", jint(li->rate_kbit));
	add(o, "cost", jmetric(li->cost));
	add(o, "last_seen_ms", jint((int64_t)li->last_hello_ms));
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
		return jstr(vi.desc->hostname);
	return jid(id, 4);
}

static void orig_row(void *arg, const struct l3_orig_info *oi)
{
	struct orig_walk *w = arg;
	json_object *o = json_object_new_object();

	add(o, "id", jid(oi->id, L3_ID_LEN));
	add(o, "short_id", jid(oi->id, 4));
	add(o, "hostname", jstr(oi->desc ? oi->desc->hostname : ""));
	add(o, "trust", jstr(oi->trust <= L3_TRUST_NO ? trust_names[oi->trust] : "?"));
	add(o, "reachable", json_object_new_boolean(oi->reachable));
	add(o, "dseq", jint(oi->dseq));
	add(o, "seqno", jint(oi->seqno));
	add(o, "metric", jmetric(oi->metric));
	add(o, "hops", jint(oi->hops));
	if (oi->reachable) {
		add(o, "via_id", jid(oi->via_id, L3_ID_LEN));
		add(o, "via", via_name(w->r, oi->via_id));
		add(o, "via_link_local", jin6(&oi->via));
		add(o, "ifname", jstr(l3sh_ifname(w->r, oi->ifidx)));
	}
	add(o, "desc_age_ms", oi->desc ? jint((int64_t)oi->desc_age_ms) : NULL);
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

	add(o, "dst", jip(&ri->dst));
	add(o, "id", jid(ri->id, L3_ID_LEN));
	add(o, "short_id", jid(ri->id, 4));
	add(o, "hostname", jstr(ri->hostname));
	add(o, "metric", jmetric(ri->metric));
	add(o, "ifname", jstr(l3sh_ifname(w->r, ri->ifidx)));
	add(o, "via", jin6(&ri->via));
	add(o, "anycast", json_object_new_boolean(ri->anycast));
	add(o, "installed", json_object_new_boolean(l3sh_kroute_installed(w->r, &ri->dst)));
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
		add(p, "prefix", jip(&d->prefix[i].ip));
		add(p, "anycast", json_object_new_boolean(d->prefix[i].flags & L3_PF_ANYCAST));
		json_object_array_add(a, p);
	}
	return a;
}

static json_object *desc_gateways(const struct l3_desc *d)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < d->ngw; i++) {
		json_object *g = json_object_new_object();
		add(g, "prefix", jip(&d->gw[i].ip));
		add(g, "down_kbit", jint(d->gw[i].down_kbit));
		add(g, "up_kbit", jint(d->gw[i].up_kbit));
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
	add(o, "id", jid(oi->id, L3_ID_LEN));
	add(o, "short_id", jid(oi->id, 4));
	add(o, "hostname", jstr(d->hostname));
	add(o, "self", json_object_new_boolean(false));
	add(o, "dseq", jint(d->dseq));
	add(o, "size", jint((int64_t)oi->desc_size));
	add(o, "chain_len", jint(d->chain_len));
	add(o, "age_ms", jint((int64_t)oi->desc_age_ms));
	add(o, "unknown_items", jint(d->unknown));
	add(o, "prefixes", desc_prefixes(d));
	add(o, "gateways", desc_gateways(d));
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
	add(o, "id", jid(si.id, L3_ID_LEN));
	add(o, "short_id", jid(si.id, 4));
	add(o, "hostname", jstr(si.hostname));
	add(o, "self", json_object_new_boolean(true));
	add(o, "dseq", jint(si.dseq));
	add(o, "size", NULL);
	add(o, "chain_len", jint(si.chain_len));
	add(o, "age_ms", NULL);
	add(o, "unknown_items", jint(0));
	add(o, "prefixes", desc_prefixes(&d));
	add(o, "gateways", desc_gateways(&d));
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
		add(o, l3_stat_names[i], jint((int64_t)st[i]));
	add(o, "route_errors", jint((int64_t)r->route_errors));
	for (int i = 0; i < L3SH_TUN_MAX; i++)
		add(o, l3sh_tun_names[i], jint((int64_t)r->tun_ctr[i]));
	return o;
}

static json_object *ports_array(const struct l3routed *r)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < r->nport; i++) {
		const struct l3sh_port *p = &r->port[i];
		json_object *o = json_object_new_object();
		add(o, "ifname", jstr(p->ifname));
		add(o, "state", jstr(p->fd >= 0 ? "up" : "missing"));
		add(o, "rx_packets", jint((int64_t)p->rx_pkts));
		add(o, "tx_packets", jint((int64_t)p->tx_pkts));
		add(o, "tx_errors", jint((int64_t)p->tx_errors));
		add(o, "rx_not_link_local", jint((int64_t)p->rx_not_ll));
		json_object_array_add(a, o);
	}
	return a;
}

static void self_fields(const struct l3routed *r, json_object *st,
			const struct l3_self_info *si)
{
	char hex[9], a[INET6_ADDRSTRLEN], sum[256];

	add(st, "id", jid(si->id, L3_ID_LEN));
	add(st, "short_id", jid(si->id, 4));
	add(st, "address", jin6(&si->addr));
	add(st, "hostname", jstr(si->hostname));
	add(st, "dseq", jint(si->dseq));
	add(st, "seqno", jint(si->seqno));
	add(st, "chain_len", jint(si->chain_len));
	add(st, "links", jint(si->nlinks));
	add(st, "originators", jint(si->norigs));
	add(st, "routes", jint(si->nroutes));
	add(st, "kernel_routes", jint((int64_t)r->nkr));
	snprintf(sum, sizeof(sum), "%s %s %s: %u links, %u originators, %u routes",
		 l3_id_hex(si->id, 4, hex), si->hostname,
		 inet_ntop(AF_INET6, &si->addr, a, sizeof(a)), si->nlinks, si->norigs,
		 si->nroutes);
	add(st, "summary", jstr(sum));
}

void l3sh_status(struct mc_daemon *d, json_object *st)
{
	struct l3routed *r = d->priv;
	struct l3_self_info si;

	if (!r || !r->node)
		return;
	l3_self(r->node, &si);
	self_fields(r, st, &si);
	add(st, "table", jint(r->table));
	add(st, "udp_port", jint(r->udp_port));
	add(st, "ports", ports_array(r));
	add(st, "stats", stats_object(r));
	add(st, "tunnel", l3sh_tun_json(r));
	add(st, "offer", l3sh_offer_json(r));
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
