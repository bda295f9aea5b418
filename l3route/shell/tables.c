/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l3routed's tables: links, originators, routes and descriptions as JSON
 * rows (meshctl picks the columns), the commands that dump them, and
 * their topics: the core tells which key may have changed (env.changed),
 * the same row builders make that key's rows again, and the control
 * server sends what differs (doc/control.md#events).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "l3route/shell/l3routed.h"

static struct l3routed *ctx(void *user)
{
	return ((struct mc_daemon *)user)->priv;
}

static uint64_t now_ms(const struct l3routed *r)
{
	return mc_ev_now_ms(r->d->loop);
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
	mc_json_add(o, "id", mc_json_hex(li->id, L3_ID_LEN));
	mc_json_add(o, "short_id", mc_json_hex(li->id, 4));
	mc_json_add(o, "hostname", mc_json_str(li->hostname));
	mc_json_add(o, "link_local", mc_json_in6(&li->ll));
	mc_json_add(o, "rq", mc_json_int(li->rq));
	mc_json_add(o, "tq", mc_json_int(li->tq));
	mc_json_add(o, "rate_kbit", mc_json_int(li->rate_kbit));
	mc_json_add(o, "cost", jmetric(li->cost));
	mc_json_add(o, "last_seen_ms", mc_json_int((int64_t)li->last_hello_ms));
	json_object_array_add(arg, o);
}

int l3sh_cmd_links(json_object *req, json_object **data, const char **err, void *user)
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
	const uint8_t *id;	/* route_of_id: the announcer */
};

/* The next hop's name: its description's hostname, else its short id. */
static json_object *via_name(const struct l3routed *r, const uint8_t id[L3_ID_LEN])
{
	struct l3_orig_info vi;

	if (l3_orig_get(r->node, id, &vi, now_ms(r)) == 0 && vi.desc && vi.desc->hostname[0])
		return mc_json_str(vi.desc->hostname);
	return mc_json_hex(id, 4);
}

static void orig_row(void *arg, const struct l3_orig_info *oi)
{
	struct orig_walk *w = arg;
	json_object *o = json_object_new_object();

	mc_json_add(o, "id", mc_json_hex(oi->id, L3_ID_LEN));
	mc_json_add(o, "short_id", mc_json_hex(oi->id, 4));
	mc_json_add(o, "hostname", mc_json_str(oi->desc ? oi->desc->hostname : ""));
	mc_json_add(o, "trust", mc_json_str(oi->trust <= L3_TRUST_NO ? trust_names[oi->trust] : "?"));
	mc_json_add(o, "reachable", mc_json_bool(oi->reachable));
	mc_json_add(o, "dseq", mc_json_int(oi->dseq));
	mc_json_add(o, "seqno", mc_json_int(oi->seqno));
	mc_json_add(o, "metric", jmetric(oi->metric));
	mc_json_add(o, "hops", mc_json_int(oi->hops));
	if (oi->reachable) {
		mc_json_add(o, "via_id", mc_json_hex(oi->via_id, L3_ID_LEN));
		mc_json_add(o, "via", via_name(w->r, oi->via_id));
		mc_json_add(o, "via_link_local", mc_json_in6(&oi->via));
		mc_json_add(o, "ifname", mc_json_str(l3sh_ifname(w->r, oi->ifidx)));
	}
	mc_json_add(o, "desc_age_ms", oi->desc ? mc_json_int((int64_t)oi->desc_age_ms) : NULL);
	json_object_array_add(w->rows, o);
}

int l3sh_cmd_originators(json_object *req, json_object **data, const char **err,
			   void *user)
{
	struct orig_walk w = { .r = ctx(user), .rows = json_object_new_array() };

	l3_origs_foreach(w.r->node, orig_row, &w, now_ms(w.r));
	*data = w.rows;
	return 0;
}

static void route_row(void *arg, const struct l3_route_info *ri)
{
	struct orig_walk *w = arg;
	json_object *o = json_object_new_object();

	mc_json_add(o, "dst", mc_json_ip(&ri->dst));
	mc_json_add(o, "id", mc_json_hex(ri->id, L3_ID_LEN));
	mc_json_add(o, "short_id", mc_json_hex(ri->id, 4));
	mc_json_add(o, "hostname", mc_json_str(ri->hostname));
	mc_json_add(o, "metric", jmetric(ri->metric));
	mc_json_add(o, "ifname", mc_json_str(l3sh_ifname(w->r, ri->ifidx)));
	mc_json_add(o, "via", mc_json_in6(&ri->via));
	mc_json_add(o, "anycast", mc_json_bool(ri->anycast));
	mc_json_add(o, "installed", mc_json_bool(l3sh_kroute_installed(w->r, &ri->dst)));
	if (ri->nrivals) {
		/* the same address announced by another node too: refused */
		json_object *c = json_object_new_object();

		mc_json_add(c, "id", mc_json_hex(ri->rival_id, L3_ID_LEN));
		mc_json_add(c, "hostname", mc_json_str(ri->rival_hostname));
		mc_json_add(c, "others", json_object_new_int((int)ri->nrivals));
		mc_json_add(o, "conflict", c);
	}
	json_object_array_add(w->rows, o);
}

int l3sh_cmd_routes(json_object *req, json_object **data, const char **err, void *user)
{
	struct orig_walk w = { .r = ctx(user), .rows = json_object_new_array() };

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
	mc_json_add(o, "id", mc_json_hex(oi->id, L3_ID_LEN));
	mc_json_add(o, "short_id", mc_json_hex(oi->id, 4));
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
	mc_json_add(o, "id", mc_json_hex(si.id, L3_ID_LEN));
	mc_json_add(o, "short_id", mc_json_hex(si.id, 4));
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

int l3sh_cmd_descriptions(json_object *req, json_object **data, const char **err,
			    void *user)
{
	struct l3routed *r = ctx(user);

	*data = json_object_new_array();
	json_object_array_add(*data, self_desc_row(r));
	l3_origs_foreach(r->node, desc_row, *data, now_ms(r));
	return 0;
}


/* ---- events ------------------------------------------------------------------ */

/* rq is worked out from the hellos heard when it is read: its changes come
 * with the cost it moves */
static const char *const link_vol[] = { "last_seen_ms", "rq", NULL };
static const char *const link_key[] = { "ifname", "id", NULL };
static const char *const id_key[] = { "id", NULL };
/* seqno is a freshness counter, as batman's last_seen */
static const char *const orig_vol[] = { "seqno", "desc_age_ms", NULL };
static const char *const route_key[] = { "dst", NULL };
static const char *const desc_vol[] = { "age_ms", NULL };

const struct mc_ctl_topic l3sh_topics[] = {
	{ .name = "link", .help = "links rows, grouped by neighbour id",
	  .dump = "links", .key = link_key, .group = id_key, .volatile_fields = link_vol },
	{ .name = "originator", .help = "originators rows: nodes, their metric and next hop",
	  .dump = "originators", .key = id_key, .volatile_fields = orig_vol },
	{ .name = "route", .help = "routes rows: what the kernel table holds",
	  .dump = "routes", .key = route_key },
	{ .name = "description", .help = "descriptions rows: prefixes and gateway offers",
	  .dump = "descriptions", .key = id_key, .volatile_fields = desc_vol },
	{ .name = "gateway", .help = "the chosen gateway of a family changed: {family,gateway,id,why} (gateway null: none)" },
};
const unsigned l3sh_ntopics = sizeof(l3sh_topics) / sizeof(l3sh_topics[0]);

static json_object *id_group(const uint8_t id[L3_ID_LEN])
{
	json_object *g = json_object_new_object();

	mc_json_add(g, "id", mc_json_hex(id, L3_ID_LEN));
	return g;
}

static void links_changed(struct l3routed *r, const uint8_t id[L3_ID_LEN])
{
	json_object *rows = json_object_new_array();

	l3_links_foreach_of(r->node, id, link_row, rows, now_ms(r));
	mc_ctl_group_put(r->d->ctl, "link", id_group(id), rows);
}

static void orig_changed(struct l3routed *r, const uint8_t id[L3_ID_LEN])
{
	struct orig_walk w = { .r = r, .rows = json_object_new_array() };
	struct l3_orig_info oi;

	if (l3_orig_get(r->node, id, &oi, now_ms(r)) == 0)
		orig_row(&w, &oi);
	mc_ctl_group_put(r->d->ctl, "originator", id_group(id), w.rows);
}

static void desc_changed(struct l3routed *r, const uint8_t id[L3_ID_LEN])
{
	json_object *rows = json_object_new_array();
	struct l3_self_info si;
	struct l3_orig_info oi;

	l3_self(r->node, &si);
	if (!memcmp(id, si.id, L3_ID_LEN))
		json_object_array_add(rows, self_desc_row(r));
	else if (l3_orig_get(r->node, id, &oi, now_ms(r)) == 0)
		desc_row(rows, &oi);
	mc_ctl_group_put(r->d->ctl, "description", id_group(id), rows);
}

static void route_changed(struct l3routed *r, const struct mc_ip *dst)
{
	struct orig_walk w = { .r = r, .rows = json_object_new_array() };
	struct l3_route_info ri;
	json_object *g = json_object_new_object();

	mc_json_add(g, "dst", mc_json_ip(dst));
	if (l3_route_get(r->node, dst, &ri) == 0)
		route_row(&w, &ri);
	mc_ctl_group_put(r->d->ctl, "route", g, w.rows);
}

/* Routes show their announcer's hostname: a new description renames them. */
static void route_of_id(void *arg, const struct l3_route_info *ri)
{
	struct orig_walk *w = arg;

	if (!memcmp(ri->id, w->id, L3_ID_LEN))
		route_changed(w->r, &ri->dst);
}

/* env.changed: the core says which key may look otherwise now. */
void l3sh_changed(struct l3routed *r, enum l3_change what, const uint8_t *id,
		  const struct mc_ip *dst)
{
	static const char *const topic[] = {
		[L3_CHANGE_LINK] = "link", [L3_CHANGE_ORIG] = "originator",
		[L3_CHANGE_DESC] = "description", [L3_CHANGE_ROUTE] = "route",
	};
	struct orig_walk w = { .r = r, .id = id };

	if (what == L3_CHANGE_DESC && mc_ctl_watched(r->d->ctl, "route"))
		l3_routes_foreach(r->node, route_of_id, &w);
	if (!mc_ctl_watched(r->d->ctl, topic[what]))
		return;
	switch (what) {
	case L3_CHANGE_LINK: links_changed(r, id); break;
	case L3_CHANGE_ORIG: orig_changed(r, id); break;
	case L3_CHANGE_DESC: desc_changed(r, id); break;
	case L3_CHANGE_ROUTE: route_changed(r, dst); break;
	}
}
