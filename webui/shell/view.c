/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reads of doc/webui.md, made from the daemons' replies (view.h).
 * Names: a node is known by its batman-adv originator address; its
 * shared node record (leasesync type 68) gives its hostname, addresses
 * and the MACs of its mesh ports, which is how a neighbour heard on a
 * port is matched to a node.
 */
#include "webui/shell/view.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/daemon.h"

const struct wv_daemon_def wv_daemons[WV_DAEMONS] = {
	[WV_L2] = { "l2meshd", { "originator", "neighbor", "gateway", "interface", NULL }, "batadv" },
	[WV_L3] = { "l3routed", { "link", "originator", "gateway", NULL }, "l3route" },
	[WV_AC] = { "anycastd", { "lease", NULL }, "anygw" },
	[WV_LS] = { "leasesyncd", { "record", NULL }, NULL },
};

#define W_L2 (WV_W_STATUS | WV_W_NEIGH | WV_W_MAP)
const struct wv_slot_def wv_slots[WV_SLOTS] = {
	[WV_L2_STATUS] = { WV_L2, "{\"cmd\":\"status\"}", WV_W_STATUS | WV_W_MAP },
	[WV_L2_ORIGS] = { WV_L2, "{\"cmd\":\"originators\"}", W_L2 },
	[WV_L2_NEIGH] = { WV_L2, "{\"cmd\":\"neighbors\"}", W_L2 },
	[WV_L2_STATS] = { WV_L2, "{\"cmd\":\"statistics\"}", 0 },
	[WV_L2_IFACE] = { WV_L2, "{\"cmd\":\"interface\"}", WV_W_NEIGH | WV_W_MAP },
	[WV_L3_STATUS] = { WV_L3, "{\"cmd\":\"status\"}", WV_W_STATUS },
	[WV_L3_LINKS] = { WV_L3, "{\"cmd\":\"links\"}", WV_W_NEIGH | WV_W_MAP },
	[WV_L3_ORIGS] = { WV_L3, "{\"cmd\":\"originators\"}", WV_W_MAP | WV_W_GW | WV_W_STATUS },
	[WV_L3_GWS] = { WV_L3, "{\"cmd\":\"gateways\"}",
			WV_W_STATUS | WV_W_GW | WV_W_MAP | WV_W_SETTINGS },
	[WV_AC_STATUS] = { WV_AC, "{\"cmd\":\"status\"}", WV_W_STATUS },
	[WV_AC_LEASES] = { WV_AC, "{\"cmd\":\"leases\"}", WV_W_CLIENTS | WV_W_STATUS },
	[WV_AC_DHCP] = { WV_AC, "{\"cmd\":\"dhcp\"}", 0 },
	[WV_AC_DNS] = { WV_AC, "{\"cmd\":\"dns\"}", 0 },
	[WV_LS_STATUS] = { WV_LS, "{\"cmd\":\"status\"}", WV_W_STATUS },
	[WV_LS_SYNC] = { WV_LS, "{\"cmd\":\"sync\"}", 0 },
	[WV_LS_R66] = { WV_LS, "{\"cmd\":\"records\",\"type\":66}",
			WV_W_CLIENTS | WV_W_STATUS },
	[WV_LS_R68] = { WV_LS, "{\"cmd\":\"records\",\"type\":68}",
			WV_W_MAP | WV_W_NEIGH | WV_W_CLIENTS },
};

void wv_what_json(unsigned what, char *buf, size_t len)
{
	static const char *const names[] = { "status", "neighbours", "map", "gateways",
					     "clients", "settings" };
	size_t off = (size_t)snprintf(buf, len, "[");

	for (unsigned i = 0; i < 6 && off < len; i++)
		if (what & (1u << i))
			off += (size_t)snprintf(buf + off, len - off, "%s\"%s\"",
						off > 1 ? "," : "", names[i]);
	if (off < len)
		snprintf(buf + off, len - off, "]");
}

/* ------------------------------------------------------------ helpers */

static json_object *get(json_object *o, const char *k)
{
	json_object *v;

	return o && json_object_is_type(o, json_type_object) &&
	       json_object_object_get_ex(o, k, &v) ? v : NULL;
}

static const char *str(json_object *o, const char *k)
{
	json_object *v = get(o, k);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static bool has_int(json_object *o, const char *k)
{
	json_object *v = get(o, k);

	return v && (json_object_is_type(v, json_type_int) ||
		     json_object_is_type(v, json_type_double));
}

static int64_t num(json_object *o, const char *k, int64_t def)
{
	return has_int(o, k) ? json_object_get_int64(get(o, k)) : def;
}

static bool flag(json_object *o, const char *k)
{
	json_object *v = get(o, k);

	return v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

static size_t alen(json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static json_object *idx(json_object *a, size_t i)
{
	return json_object_array_get_idx(a, i);
}

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static json_object *jstr_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* a copy of o's field k, or null */
static json_object *jdup(json_object *o, const char *k)
{
	json_object *v = get(o, k);

	return v ? json_object_get(v) : NULL;
}

static const char *conf_str(const struct wv_data *v, const char *sec, const char *opt)
{
	return v->conf ? mc_conf_get_str(mc_conf_section(v->conf, sec), opt) : NULL;
}

/* "10.13.1.1/16" -> "10.13.1.1" */
static json_object *bare_addr(const char *a)
{
	char b[64];

	if (!a || !*a)
		return NULL;
	snprintf(b, sizeof(b), "%s", a);
	b[strcspn(b, "/")] = 0;
	return json_object_new_string(b);
}

static int pct(int64_t v255)
{
	if (v255 < 0)
		return 0;
	if (v255 > 255)		/* out of range: not an overflow below */
		v255 = 255;
	return (int)((v255 * 100 + 127) / 255);
}

size_t wv_unescape(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	if (!len)
		return 0;
	while (*s && n + 1 < len) {
		unsigned hi, lo;

		if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3] &&
		    sscanf(s + 2, "%1x%1x", &hi, &lo) == 2) {
			buf[n++] = (char)(hi << 4 | lo);
			s += 4;
		} else {
			buf[n++] = *s++;
		}
	}
	buf[n] = 0;
	return n;
}

/* The shared node records (type 68), parsed: an array of objects, each
 * with "source" (the record's source MAC) added. The caller puts it. */
static json_object *records68(const struct wv_data *v)
{
	json_object *out = json_object_new_array(), *rows = v->c[WV_LS_R68];
	char *buf = alen(rows) ? malloc(WV_RECORD_MAX) : NULL;

	for (size_t i = 0; buf && i < alen(rows); i++) {
		json_object *r = idx(rows, i), *o;
		const char *data = str(r, "data");

		if (!data)
			continue;
		wv_unescape(data, buf, WV_RECORD_MAX);
		o = json_tokener_parse(buf);
		if (!o || !json_object_is_type(o, json_type_object)) {
			json_object_put(o);
			continue;
		}
		add(o, "source", jstr(str(r, "source")));
		json_object_array_add(out, o);
	}
	free(buf);
	return out;
}

/* a node's id: its originator address, else its record's source */
static const char *rec_id(json_object *rec)
{
	const char *o = str(rec, "originator");

	return o && *o ? o : str(rec, "source");
}

/* the record of the node that mac belongs to (any of its addresses) */
static json_object *rec_of_mac(json_object *recs, const char *mac)
{
	if (!mac)
		return NULL;
	for (size_t i = 0; i < alen(recs); i++) {
		json_object *r = idx(recs, i), *ports = get(r, "ports");
		const char *a = str(r, "originator"), *b = str(r, "mac"), *s = str(r, "source");

		if ((a && !strcmp(a, mac)) || (b && !strcmp(b, mac)) || (s && !strcmp(s, mac)))
			return r;
		for (size_t j = 0; j < alen(ports); j++) {
			const char *p = json_object_get_string(idx(ports, j));

			if (p && !strcmp(p, mac))
				return r;
		}
	}
	return NULL;
}

/* batman-adv's TQ of the originator of a neighbour heard as mac */
static int64_t neigh_tq(const struct wv_data *v, json_object *recs, const char *mac)
{
	json_object *origs = v->c[WV_L2_ORIGS], *rec = rec_of_mac(recs, mac);
	const char *orig = rec ? rec_id(rec) : mac;
	int64_t best = -1;

	for (size_t i = 0; i < alen(origs); i++) {
		json_object *r = idx(origs, i);
		const char *o = str(r, "originator"), *nh = str(r, "nexthop");

		if (!o || !nh || strcmp(nh, mac))
			continue;
		if (!strcmp(o, orig) || !strcmp(o, mac)) {
			int64_t tq = num(r, "tq", -1);

			if (tq > best)
				best = tq;
		}
	}
	return best;
}

static const char *self_mac(const struct wv_data *v)
{
	const char *m = str(v->c[WV_L2_STATUS], "originator");

	return m ? m : conf_str(v, "system", "primary_mac");
}

/* -------------------------------------------------------------- status */

static json_object *internet(const struct wv_data *v)
{
	json_object *o = json_object_new_object(), *gw = v->c[WV_L3_GWS],
		    *rows = get(gw, "gateways"), *offer = get(gw, "offer"), *sel = NULL;
	const char *ost = str(offer, "state");
	bool self = ost && !strcmp(ost, "offered");

	for (size_t i = 0; i < alen(rows) && !sel; i++) {
		json_object *r = idx(rows, i);
		const char *fam = str(r, "family");

		if (flag(r, "selected") && fam && !strcmp(fam, "ipv4"))
			sel = r;
	}
	for (size_t i = 0; i < alen(rows) && !sel; i++)
		if (flag(idx(rows, i), "selected"))
			sel = idx(rows, i);
	add(o, "ok", json_object_new_boolean(self || sel));
	add(o, "self", json_object_new_boolean(self));
	if (self) {
		add(o, "gateway", jstr(str(v->c[WV_L3_STATUS], "hostname")));
		add(o, "gateway_id", jdup(v->c[WV_L3_STATUS], "short_id"));
		add(o, "down_kbit", jdup(offer, "down_kbit"));
		add(o, "up_kbit", jdup(offer, "up_kbit"));
		add(o, "why", jdup(offer, "why"));
	} else {
		add(o, "gateway", sel ? jdup(sel, "hostname") : NULL);
		add(o, "gateway_id", sel ? jdup(sel, "short_id") : NULL);
		add(o, "down_kbit", sel ? jdup(sel, "down_kbit") : NULL);
		add(o, "up_kbit", sel ? jdup(sel, "up_kbit") : NULL);
		add(o, "why", sel ? jdup(sel, "why") : NULL);
	}
	return o;
}

/* distinct values of field k in rows */
static unsigned distinct(json_object *rows, const char *k)
{
	unsigned n = 0;

	for (size_t i = 0; i < alen(rows); i++) {
		const char *a = str(idx(rows, i), k);
		bool seen = false;

		for (size_t j = 0; a && j < i && !seen; j++) {
			const char *b = str(idx(rows, j), k);

			seen = b && !strcmp(a, b);
		}
		n += a && !seen;
	}
	return n;
}

/* this node and the originators of the cloud, each node once (a node
 * with several mesh ports may be heard under more than one address) */
static int cloud_nodes(const struct wv_data *v)
{
	json_object *recs = records68(v), *origs = v->c[WV_L2_ORIGS], *ids = json_object_new_array();
	int n;

	for (size_t i = 0; i < alen(origs); i++) {
		const char *mac = str(idx(origs, i), "originator"), *id;
		json_object *rec = rec_of_mac(recs, mac);
		bool seen = false;

		id = rec ? rec_id(rec) : mac;
		for (size_t j = 0; id && j < alen(ids) && !seen; j++)
			seen = !strcmp(json_object_get_string(idx(ids, j)), id);
		if (id && !seen)
			json_object_array_add(ids, jstr(id));
	}
	n = (int)alen(ids) + (v->c[WV_L2_STATUS] ? 1 : 0);
	json_object_put(ids);
	json_object_put(recs);
	return n;
}

json_object *wv_status(const struct wv_data *v)
{
	json_object *o = json_object_new_object(), *node = json_object_new_object(),
		    *counts = json_object_new_object(), *ds = json_object_new_object(),
		    *clients = wv_clients(v, 0);
	static const unsigned st[WV_DAEMONS] = { WV_L2_STATUS, WV_L3_STATUS, WV_AC_STATUS,
						 WV_LS_STATUS };
	const char *mac = self_mac(v);

	add(node, "hostname", jstr(conf_str(v, "system", "hostname")));
	add(node, "version", jstr(mc_daemon_version()));
	add(node, "mac", jstr_or_null(mac));
	add(node, "ipv4", bare_addr(conf_str(v, "network", "main_ipv4_address")));
	add(node, "ipv6", bare_addr(conf_str(v, "network", "main_ipv6_address")));
	add(node, "cloud", jstr(conf_str(v, "network", "ap_ssid")));
	add(node, "domain", jstr(conf_str(v, "system", "domain")));
	add(node, "uptime_s", jdup(v->c[WV_L2_STATUS], "uptime_s"));
	add(o, "node", node);
	add(o, "first_run", json_object_new_boolean(!v->password_set));
	add(o, "internet", internet(v));
	add(counts, "clients", json_object_new_int64(num(v->c[WV_AC_STATUS], "leases",
							 (int64_t)alen(v->c[WV_AC_LEASES]))));
	add(counts, "cloud_clients", json_object_new_int((int)alen(get(clients, "clients"))));
	add(counts, "neighbours", json_object_new_int((int)distinct(v->c[WV_L2_NEIGH], "neighbor")));
	add(counts, "nodes", json_object_new_int(cloud_nodes(v)));
	add(counts, "l3_nodes", json_object_new_int((int)alen(v->c[WV_L3_ORIGS])));
	add(o, "counts", counts);
	for (unsigned i = 0; i < WV_DAEMONS; i++) {
		json_object *d = json_object_new_object(), *s = v->c[st[i]];

		add(d, "running", json_object_new_boolean(v->up[i]));
		/* not started because the node's list protocols leaves it out:
		 * nothing to warn about */
		if (wv_daemons[i].protocol && v->conf &&
		    !mc_conf_proto_wanted(v->conf, wv_daemons[i].protocol))
			add(d, "off", json_object_new_boolean(true));
		add(d, "uptime_s", v->up[i] && s ? jdup(s, "uptime_s") : NULL);
		add(ds, wv_daemons[i].name, d);
	}
	add(o, "daemons", ds);
	json_object_put(clients);
	return o;
}

/* ---------------------------------------------------------- neighbours */

static json_object *l3_of(const struct wv_data *v, const char *name, const char *ifname,
			  bool *used)
{
	json_object *links = v->c[WV_L3_LINKS], *pick = NULL;
	size_t at = 0;

	for (size_t i = 0; i < alen(links) && name; i++) {
		json_object *r = idx(links, i);
		const char *h = str(r, "hostname"), *ifn = str(r, "ifname");

		if (used[i] || !h || strcmp(h, name))
			continue;
		if (!pick || (ifn && ifname && !strcmp(ifn, ifname))) {
			pick = r;
			at = i;
		}
	}
	if (!pick)
		return NULL;
	used[at] = true;
	return pick;
}

static json_object *l3_json(json_object *r)
{
	json_object *o = json_object_new_object();

	add(o, "rq", jdup(r, "rq"));
	add(o, "tq", jdup(r, "tq"));
	add(o, "rq_pct", json_object_new_int(pct(num(r, "rq", 0))));
	add(o, "tq_pct", json_object_new_int(pct(num(r, "tq", 0))));
	add(o, "rate_kbit", jdup(r, "rate_kbit"));
	return o;
}

json_object *wv_neighbours(const struct wv_data *v)
{
	json_object *o = json_object_new_object(), *rows = json_object_new_array(),
		    *recs = records68(v), *nb = v->c[WV_L2_NEIGH], *links = v->c[WV_L3_LINKS];
	size_t nl = alen(links);
	bool *used = calloc(nl + 1, sizeof(bool));

	for (size_t i = 0; i < alen(nb); i++) {
		json_object *r = idx(nb, i), *n, *rec, *l3;
		const char *mac = str(r, "neighbor"), *name;
		int64_t tq;

		if (!mac)
			continue;
		n = json_object_new_object();
		rec = rec_of_mac(recs, mac);
		name = rec ? str(rec, "hostname") : NULL;
		tq = neigh_tq(v, recs, mac);
		add(n, "name", jstr(name ? name : mac));
		add(n, "mac", jstr(mac));
		add(n, "ifname", jdup(r, "ifname"));
		add(n, "tq", tq >= 0 ? json_object_new_int((int)tq) : NULL);
		add(n, "tq_pct", tq >= 0 ? json_object_new_int(pct(tq)) : NULL);
		add(n, "last_seen_ms", jdup(r, "last_seen_ms"));
		l3 = used ? l3_of(v, name, str(r, "ifname"), used) : NULL;
		add(n, "l3", l3 ? l3_json(l3) : NULL);
		json_object_array_add(rows, n);
	}
	/* l3 links without a batman neighbour: a node of another cloud */
	for (size_t i = 0; used && i < nl; i++) {
		json_object *r = idx(links, i), *n;
		const char *h = str(r, "hostname");

		if (used[i])
			continue;
		n = json_object_new_object();
		add(n, "name", jstr(h && *h ? h : str(r, "short_id")));
		add(n, "mac", NULL);
		add(n, "ifname", jdup(r, "ifname"));
		add(n, "tq", NULL);
		add(n, "tq_pct", NULL);
		add(n, "last_seen_ms", jdup(r, "last_seen_ms"));
		add(n, "l3", l3_json(r));
		json_object_array_add(rows, n);
	}
	free(used);
	json_object_put(recs);
	add(o, "neighbours", rows);
	return o;
}

/* ----------------------------------------------------------------- map */

struct graph {
	json_object *nodes, *links;
};

static json_object *node_by_id(struct graph *g, const char *id)
{
	for (size_t i = 0; i < alen(g->nodes); i++) {
		const char *a = str(idx(g->nodes, i), "id");

		if (a && !strcmp(a, id))
			return idx(g->nodes, i);
	}
	return NULL;
}

static json_object *node_by_name(struct graph *g, const char *name)
{
	for (size_t i = 0; name && *name && i < alen(g->nodes); i++) {
		const char *a = str(idx(g->nodes, i), "name");

		if (a && !strcmp(a, name))
			return idx(g->nodes, i);
	}
	return NULL;
}

static json_object *node_by_l3(struct graph *g, const char *sid)
{
	for (size_t i = 0; sid && i < alen(g->nodes); i++) {
		const char *a = str(idx(g->nodes, i), "l3_id");

		if (a && !strcmp(a, sid))
			return idx(g->nodes, i);
	}
	return NULL;
}

static bool linked(struct graph *g, const char *id)
{
	for (size_t i = 0; i < alen(g->links); i++)
		if (!strcmp(str(idx(g->links, i), "a"), id) || !strcmp(str(idx(g->links, i), "b"), id))
			return true;
	return false;
}

static json_object *node_add(struct graph *g, const char *id, const char *name,
			     const char *layer)
{
	json_object *n = node_by_id(g, id);

	if (n)
		return n;
	n = json_object_new_object();
	add(n, "id", jstr(id));
	add(n, "name", jstr(name && *name ? name : id));
	add(n, "layer", jstr(layer));
	add(n, "state", jstr("up"));
	add(n, "self", json_object_new_boolean(false));
	add(n, "gateway", json_object_new_boolean(false));
	add(n, "clients", NULL);
	add(n, "ipv4", NULL);
	json_object_array_add(g->nodes, n);
	return n;
}

static void link_add(struct graph *g, const char *a, const char *b, int64_t tq,
		     const char *layer)
{
	if (!strcmp(a, b))
		return;
	for (size_t i = 0; i < alen(g->links); i++) {
		json_object *l = idx(g->links, i);
		const char *x = str(l, "a"), *y = str(l, "b"), *ly = str(l, "layer");

		bool pair = (!strcmp(x, a) && !strcmp(y, b)) || (!strcmp(x, b) && !strcmp(y, a));

		/* a pair joined at layer 2 is drawn once, as that */
		if (pair && !strcmp(layer, "l3"))
			return;
		if (pair && !strcmp(ly, layer)) {
			if (tq > num(l, "tq", -1))
				add(l, "tq", json_object_new_int((int)tq));
			return;
		}
	}
	json_object *l = json_object_new_object();

	add(l, "a", jstr(a));
	add(l, "b", jstr(b));
	add(l, "tq", tq >= 0 ? json_object_new_int((int)tq) : NULL);
	add(l, "layer", jstr(layer));
	json_object_array_add(g->links, l);
}

/* Breadth-first search over the links from a to b: the node ids, or an
 * empty array. */
static json_object *path(struct graph *g, const char *a, const char *b)
{
	size_t n = alen(g->nodes), head = 0, tail = 0;
	int *prev = malloc((n + 1) * sizeof(int)), *queue = malloc((n + 1) * sizeof(int));
	json_object *out = json_object_new_array();
	int from = -1, to = -1;

	for (size_t i = 0; i < n; i++) {
		const char *id = str(idx(g->nodes, i), "id");

		if (!strcmp(id, a))
			from = (int)i;
		if (!strcmp(id, b))
			to = (int)i;
	}
	if (!prev || !queue || from < 0 || to < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		prev[i] = -2;
	prev[from] = -1;
	queue[tail++] = from;
	while (head < tail && prev[to] == -2) {
		int u = queue[head++];
		const char *uid = str(idx(g->nodes, (size_t)u), "id");

		for (size_t i = 0; i < alen(g->links); i++) {
			json_object *l = idx(g->links, i);
			const char *x = str(l, "a"), *y = str(l, "b"), *other;

			other = !strcmp(x, uid) ? y : !strcmp(y, uid) ? x : NULL;
			if (!other)
				continue;
			for (size_t k = 0; k < n; k++) {
				json_object *nd = idx(g->nodes, k);

				if (prev[k] == -2 && !strcmp(str(nd, "id"), other)) {
					const char *st = str(nd, "state");

					if (st && !strcmp(st, "gone"))
						break;
					prev[k] = u;
					queue[tail++] = (int)k;
				}
			}
		}
	}
	if (prev[to] != -2) {
		int hops[512], nh = 0;

		for (int k = to; k >= 0 && nh < 512; k = prev[k])
			hops[nh++] = k;
		while (nh--)
			json_object_array_add(out, jstr(str(idx(g->nodes, (size_t)hops[nh]), "id")));
	}
out:
	free(prev);
	free(queue);
	return out;
}

static void seen_update(struct wv_data *v, struct graph *g, uint64_t now)
{
	for (size_t i = 0; i < alen(g->nodes); i++) {
		json_object *n = idx(g->nodes, i);
		const char *id = str(n, "id"), *st = str(n, "state");
		struct wv_seen *s = NULL;

		/* an id that does not fit (a record's originator can be any
		 * string) would be kept cut short: a phantom gone node */
		if (strlen(id) >= sizeof(v->seen[0].id))
			continue;
		for (unsigned k = 0; k < v->nseen && !s; k++)
			if (!strcmp(v->seen[k].id, id))
				s = &v->seen[k];
		if (!s && v->nseen < WV_SEEN_MAX)
			s = &v->seen[v->nseen++];
		if (!s) {	/* full: the one gone longest makes room */
			s = &v->seen[0];
			for (unsigned k = 1; k < v->nseen; k++)
				if (v->seen[k].up_ms < s->up_ms)
					s = &v->seen[k];
		}
		if (strcmp(s->id, id)) {
			memset(s, 0, sizeof(*s));
			snprintf(s->id, sizeof(s->id), "%s", id);
		}
		snprintf(s->name, sizeof(s->name), "%s", str(n, "name") ? str(n, "name") : "");
		snprintf(s->layer, sizeof(s->layer), "%s", str(n, "layer") ? str(n, "layer") : "");
		if (!st || strcmp(st, "gone"))
			s->up_ms = now;
	}
	/* shown before, missing now: gone (for WV_GONE_MS) */
	for (unsigned k = 0; k < v->nseen; k++) {
		struct wv_seen *s = &v->seen[k];
		json_object *n;

		if (node_by_id(g, s->id) || now - s->up_ms >= WV_GONE_MS)
			continue;
		n = node_add(g, s->id, s->name, s->layer);
		add(n, "state", jstr("gone"));
	}
}

/* an originator is up when heard within five OGM intervals (5 s at least) */
static uint64_t up_window(const struct wv_data *v)
{
	long iv = 1000;

	if (v->conf)
		mc_conf_get_int(mc_conf_section(v->conf, "network"), "orig_interval", &iv);
	return iv * 5 < 5000 ? 5000 : (uint64_t)iv * 5;
}

json_object *wv_map(struct wv_data *v, uint64_t now)
{
	struct graph g = { json_object_new_array(), json_object_new_array() };
	json_object *o = json_object_new_object(), *recs = records68(v), *origs = v->c[WV_L2_ORIGS];
	json_object *l3o = v->c[WV_L3_ORIGS], *sel = NULL, *gws = get(v->c[WV_L3_GWS], "gateways");
	const char *me = self_mac(v), *myname = conf_str(v, "system", "hostname");
	uint64_t win = up_window(v);

	if (!me)
		me = "self";
	/* this node */
	json_object *self = node_add(&g, me, myname, "l2");

	add(self, "self", json_object_new_boolean(true));
	add(self, "ipv4", bare_addr(conf_str(v, "network", "main_ipv4_address")));
	add(self, "clients", jdup(v->c[WV_AC_STATUS], "leases"));
	if (str(v->c[WV_L3_STATUS], "short_id"))
		add(self, "l3_id", jdup(v->c[WV_L3_STATUS], "short_id"));
	/* the cloud: originators heard lately, and the nodes of the records */
	for (size_t i = 0; i < alen(origs); i++) {
		json_object *r = idx(origs, i), *rec;
		const char *mac = str(r, "originator");

		if (!mac || num(r, "last_seen_ms", 0) > (int64_t)win)
			continue;
		rec = rec_of_mac(recs, mac);
		node_add(&g, rec ? rec_id(rec) : mac, rec ? str(rec, "hostname") : NULL, "l2");
	}
	for (size_t i = 0; i < alen(recs); i++) {
		json_object *rec = idx(recs, i), *gw = get(rec, "gateway"), *n;
		const char *id = rec_id(rec);

		if (!id)
			continue;
		n = node_by_id(&g, id);
		if (!n)
			continue;	/* a record of a node not heard lately: see below */
		add(n, "name", jstr(str(rec, "hostname")));
		add(n, "ipv4", bare_addr(str(rec, "ipv4")));
		add(n, "clients", jdup(rec, "clients"));
		if (str(rec, "l3_id"))
			add(n, "l3_id", jdup(rec, "l3_id"));
		if (gw && str(gw, "offer") && !strcmp(str(gw, "offer"), "offered"))
			add(n, "gateway", json_object_new_boolean(true));
	}
	/* links: every node's record; this node's own from its live table */
	for (size_t i = 0; i < alen(recs); i++) {
		json_object *rec = idx(recs, i), *nb = get(rec, "neighbors");
		const char *id = rec_id(rec);

		if (!id || !strcmp(id, me) || !node_by_id(&g, id))
			continue;
		for (size_t j = 0; j < alen(nb); j++) {
			json_object *e = idx(nb, j), *peer = rec_of_mac(recs, str(e, "mac"));
			const char *pid = peer ? rec_id(peer) : str(e, "mac");

			if (pid && node_by_id(&g, pid))
				link_add(&g, id, pid, num(e, "tq", -1), "l2");
		}
	}
	for (size_t i = 0; i < alen(v->c[WV_L2_NEIGH]); i++) {
		const char *mac = str(idx(v->c[WV_L2_NEIGH], i), "neighbor");
		json_object *rec = rec_of_mac(recs, mac);
		const char *pid = rec ? rec_id(rec) : mac;

		if (!pid)
			continue;
		node_add(&g, pid, rec ? str(rec, "hostname") : NULL, "l2");
		link_add(&g, me, pid, neigh_tq(v, recs, mac), "l2");
	}
	/* layer 3: nodes of other clouds, drawn beside the node they are
	 * reached through (the next hop of this node's route) */
	for (size_t i = 0; i < alen(l3o); i++) {
		json_object *r = idx(l3o, i), *n;
		const char *h = str(r, "hostname"), *sid = str(r, "short_id");
		char id[48];

		if (!sid || !flag(r, "reachable"))
			continue;
		n = node_by_name(&g, h);
		if (n) {
			add(n, "l3_id", jstr(sid));
			continue;
		}
		snprintf(id, sizeof(id), "l3:%s", sid);
		n = node_add(&g, id, h, "l3");
		add(n, "l3_id", jstr(sid));
	}
	/* the layer-3 links the nodes of this cloud share in their records */
	for (size_t i = 0; i < alen(recs); i++) {
		json_object *rec = idx(recs, i), *l3l = get(rec, "l3_links");
		const char *id = rec_id(rec);

		for (size_t j = 0; id && node_by_id(&g, id) && j < alen(l3l); j++) {
			json_object *peer = node_by_l3(&g, json_object_get_string(idx(l3l, j)));

			if (peer)
				link_add(&g, id, str(peer, "id"), -1, "l3");
		}
	}
	for (size_t i = 0; i < alen(v->c[WV_L3_LINKS]); i++) {
		json_object *peer = node_by_l3(&g, str(idx(v->c[WV_L3_LINKS], i), "short_id"));

		if (peer)
			link_add(&g, me, str(peer, "id"), -1, "l3");
	}
	/* a node of another cloud whose links nobody here shares: drawn
	 * beside the next hop this node reaches it through */
	for (size_t i = 0; i < alen(l3o); i++) {
		json_object *r = idx(l3o, i), *via;
		const char *sid = str(r, "short_id");
		char id[48];

		if (!sid || !flag(r, "reachable"))
			continue;
		snprintf(id, sizeof(id), "l3:%s", sid);
		if (!node_by_id(&g, id) || linked(&g, id))
			continue;
		via = node_by_name(&g, str(r, "via"));
		link_add(&g, via ? str(via, "id") : me, id, -1, "l3");
	}
	for (size_t i = 0; i < alen(gws); i++) {
		const char *fam = str(idx(gws, i), "family");

		if (flag(idx(gws, i), "selected") && (!sel || (fam && !strcmp(fam, "ipv4"))))
			sel = idx(gws, i);
	}
	for (size_t i = 0; i < alen(gws); i++) {
		json_object *n = node_by_name(&g, str(idx(gws, i), "hostname"));

		if (n)
			add(n, "gateway", json_object_new_boolean(true));
	}
	seen_update(v, &g, now);
	add(o, "self", jstr(me));
	add(o, "nodes", g.nodes);
	add(o, "links", g.links);
	if (sel && flag(sel, "self")) {
		json_object *p = json_object_new_array();

		json_object_array_add(p, jstr(me));
		add(o, "path", p);
	} else {
		json_object *gn = sel ? node_by_name(&g, str(sel, "hostname")) : NULL;

		if (!gn && sel) {
			char id[48];

			snprintf(id, sizeof(id), "l3:%s", str(sel, "short_id") ? str(sel, "short_id") : "");
			gn = node_by_id(&g, id);
		}
		add(o, "path", gn ? path(&g, me, str(gn, "id")) : json_object_new_array());
	}
	json_object_put(recs);
	return o;
}

/* ------------------------------------------------------------ gateways */

static json_object *hops_of(const struct wv_data *v, const char *sid)
{
	json_object *l3o = v->c[WV_L3_ORIGS];

	for (size_t i = 0; sid && i < alen(l3o); i++) {
		const char *s = str(idx(l3o, i), "short_id");

		if (s && !strcmp(s, sid))
			return jdup(idx(l3o, i), "hops");
	}
	return NULL;
}

json_object *wv_gateways(const struct wv_data *v)
{
	json_object *gw = v->c[WV_L3_GWS], *o = json_object_new_object(),
		    *rows = json_object_new_array(), *offer = json_object_new_object(),
		    *src = get(gw, "gateways"), *of = get(gw, "offer");
	const char *ost = str(of, "state");

	add(o, "preference", jstr(str(gw, "preference") ? str(gw, "preference") : "auto"));
	add(o, "preference_source", jdup(gw, "preference_source"));
	add(offer, "state", jstr(ost && !strcmp(ost, "offered") ? "on" : "off"));
	add(offer, "down_kbit", jdup(of, "down_kbit"));
	add(offer, "up_kbit", jdup(of, "up_kbit"));
	add(o, "offer", offer);
	for (size_t i = 0; i < alen(src); i++) {
		json_object *r = idx(src, i), *n = json_object_new_object();
		const char *sid = str(r, "short_id");

		add(n, "id", jstr(sid));
		add(n, "name", jstr(str(r, "hostname") && *str(r, "hostname") ?
				    str(r, "hostname") : sid));
		add(n, "family", jdup(r, "family"));
		add(n, "down_kbit", jdup(r, "down_kbit"));
		add(n, "up_kbit", jdup(r, "up_kbit"));
		add(n, "path_kbit", jdup(r, "path_kbit"));
		add(n, "hops", flag(r, "self") ? json_object_new_int(0) : hops_of(v, sid));
		add(n, "score", jdup(r, "score"));
		add(n, "rank", jdup(r, "rank"));
		add(n, "selected", json_object_new_boolean(flag(r, "selected")));
		add(n, "self", json_object_new_boolean(flag(r, "self")));
		add(n, "why", jdup(r, "why"));
		json_object_array_add(rows, n);
	}
	add(o, "gateways", rows);
	add(o, "available", json_object_new_boolean(v->up[WV_L3]));
	return o;
}

/* ------------------------------------------------------------- clients */

static json_object *client_by_mac(json_object *rows, const char *mac)
{
	for (size_t i = 0; i < alen(rows); i++) {
		const char *m = str(idx(rows, i), "mac");

		if (m && !strcmp(m, mac))
			return idx(rows, i);
	}
	return NULL;
}

json_object *wv_clients(const struct wv_data *v, int64_t unix_now)
{
	json_object *o = json_object_new_object(), *rows = json_object_new_array(),
		    *leases = v->c[WV_AC_LEASES], *r66 = v->c[WV_LS_R66], *recs = NULL;
	char *buf = alen(r66) ? malloc(WV_RECORD_MAX) : NULL;

	for (size_t i = 0; i < alen(leases); i++) {
		json_object *r = idx(leases, i), *n = json_object_new_object();
		const char *h = str(r, "hostname");

		add(n, "mac", jdup(r, "mac"));
		add(n, "ip", jdup(r, "ip"));
		add(n, "hostname", h && *h ? jstr(h) : NULL);
		add(n, "node", jstr(str(r, "node") ? str(r, "node") :
				    conf_str(v, "system", "hostname")));
		add(n, "here", json_object_new_boolean(true));
		add(n, "state", jdup(r, "state"));
		add(n, "expires_s", jdup(r, "expires_s"));
		json_object_array_add(rows, n);
	}
	if (alen(r66))
		recs = records68(v);
	for (size_t i = 0; buf && i < alen(r66); i++) {
		json_object *r = idx(r66, i), *rec;
		const char *data = str(r, "data"), *src = str(r, "source"), *node;
		char *line, *save = NULL;

		if (!data || !src)
			continue;
		rec = rec_of_mac(recs, src);
		node = rec && str(rec, "hostname") ? str(rec, "hostname") : src;
		wv_unescape(data, buf, WV_RECORD_MAX);
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char mac[32], ip[64], host[80];
			long long exp, since;
			json_object *n;

			if (sscanf(line, "%lld %31s %63s %79s %lld", &exp, mac, ip, host, &since) != 5 ||
			    client_by_mac(rows, mac))
				continue;
			n = json_object_new_object();
			add(n, "mac", jstr(mac));
			add(n, "ip", jstr(ip));
			add(n, "hostname", strcmp(host, "*") ? jstr(host) : NULL);
			add(n, "node", jstr(node));
			add(n, "here", json_object_new_boolean(false));
			add(n, "state", jstr("bound"));
			add(n, "expires_s", unix_now ? json_object_new_int64(exp > unix_now ?
									     exp - unix_now : 0) : NULL);
			json_object_array_add(rows, n);
		}
	}
	free(buf);
	json_object_put(recs);
	add(o, "clients", rows);
	return o;
}

/* ------------------------------------------------------------ settings */

json_object *wv_settings(const struct wv_data *v)
{
	json_object *o = json_object_new_object();
	const char *pg = conf_str(v, "network", "preferred_gateway");
	bool gw = false;

	if (v->conf)
		mc_conf_get_bool(mc_conf_section(v->conf, "network"), "gateway", &gw);
	add(o, "hostname", jstr(conf_str(v, "system", "hostname")));
	add(o, "ap_ssid", jstr(conf_str(v, "network", "ap_ssid")));
	add(o, "gateway", json_object_new_boolean(gw));
	add(o, "gateway_bandwidth", jstr(conf_str(v, "network", "gateway_bandwidth")));
	add(o, "preferred_gateway", jstr(pg && *pg ? pg : "auto"));
	add(o, "password_set", json_object_new_boolean(v->password_set));
	return o;
}

/* ------------------------------------------------------------- metrics */

static void label_value(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void gauge(FILE *f, const char *name, const char *help, json_object *o, const char *k)
{
	if (!has_int(o, k))
		return;
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n%s %" PRId64 "\n", name, help, name, name,
		json_object_get_int64(get(o, k)));
}

/* every whole-number field of o as one counter family, by name */
static void counters(FILE *f, const char *name, const char *help, json_object *o,
		     const char *const *skip)
{
	bool head = false;

	if (!o || !json_object_is_type(o, json_type_object))
		return;
	json_object_object_foreach(o, k, val) {
		bool skipped = false;

		for (unsigned i = 0; skip && skip[i]; i++)
			skipped |= !strcmp(skip[i], k);
		if (skipped || !json_object_is_type(val, json_type_int))
			continue;
		if (!head)
			fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
		head = true;
		fprintf(f, "%s{name=\"", name);
		label_value(f, k);
		fprintf(f, "\"} %" PRId64 "\n", json_object_get_int64(val));
	}
}

void wv_metrics(const struct wv_data *v, FILE *f)
{
	static const char *const st[WV_DAEMONS] = { "l2", "l3", "ac", "ls" };
	static const char *const pool[] = { "pool_size", "pool_used", NULL };
	json_object *gws = get(v->c[WV_L3_GWS], "gateways"), *of = get(v->c[WV_L3_GWS], "offer");
	const char *ost = str(of, "state");

	(void)st;
	fputs("# HELP softmesh_daemon_up 1 when webuid is connected to the daemon's control socket\n"
	      "# TYPE softmesh_daemon_up gauge\n", f);
	for (unsigned i = 0; i < WV_DAEMONS; i++)
		fprintf(f, "softmesh_daemon_up{daemon=\"%s\"} %d\n", wv_daemons[i].name, v->up[i]);
	fputs("# HELP softmesh_daemon_uptime_seconds how long the daemon has run\n"
	      "# TYPE softmesh_daemon_uptime_seconds gauge\n", f);
	for (unsigned i = 0; i < WV_DAEMONS; i++) {
		static const unsigned sl[WV_DAEMONS] = { WV_L2_STATUS, WV_L3_STATUS, WV_AC_STATUS,
							 WV_LS_STATUS };
		json_object *s = v->c[sl[i]];

		if (v->up[i] && has_int(s, "uptime_s"))
			fprintf(f, "softmesh_daemon_uptime_seconds{daemon=\"%s\"} %" PRId64 "\n",
				wv_daemons[i].name, num(s, "uptime_s", 0));
	}
	gauge(f, "softmesh_l2_originators", "batman-adv originators known",
	      v->c[WV_L2_STATUS], "originators");
	gauge(f, "softmesh_l2_neighbours", "batman-adv one-hop neighbours",
	      v->c[WV_L2_STATUS], "neighbors");
	gauge(f, "softmesh_l2_gateways", "batman-adv gateway offers heard",
	      v->c[WV_L2_STATUS], "gateways");
	counters(f, "softmesh_l2_packets_total", "l2meshd counters (batctl s), drops by reason",
		 v->c[WV_L2_STATS], NULL);
	gauge(f, "softmesh_l3_links", "l3route links", v->c[WV_L3_STATUS], "links");
	gauge(f, "softmesh_l3_originators", "l3route nodes known", v->c[WV_L3_STATUS],
	      "originators");
	gauge(f, "softmesh_l3_routes", "l3route routes chosen", v->c[WV_L3_STATUS], "routes");
	gauge(f, "softmesh_l3_kernel_routes", "routes l3routed holds in the kernel",
	      v->c[WV_L3_STATUS], "kernel_routes");
	counters(f, "softmesh_l3_events_total", "l3routed counters, drops by reason",
		 get(v->c[WV_L3_STATUS], "stats"), NULL);
	if (v->c[WV_L3_GWS]) {
		fputs("# HELP softmesh_gateway_offer 1 when this node offers its Internet\n"
		      "# TYPE softmesh_gateway_offer gauge\n", f);
		fprintf(f, "softmesh_gateway_offer %d\n", ost && !strcmp(ost, "offered"));
		fputs("# HELP softmesh_gateway_selected the gateway chosen per family (1)\n"
		      "# TYPE softmesh_gateway_selected gauge\n", f);
		for (size_t i = 0; i < alen(gws); i++) {
			json_object *r = idx(gws, i);

			if (!flag(r, "selected"))
				continue;
			fprintf(f, "softmesh_gateway_selected{family=\"");
			label_value(f, str(r, "family"));
			fprintf(f, "\",gateway=\"");
			label_value(f, str(r, "hostname"));
			fprintf(f, "\",id=\"");
			label_value(f, str(r, "short_id"));
			fprintf(f, "\"} 1\n");
		}
	}
	gauge(f, "softmesh_dhcp_leases", "DHCP leases this node holds", v->c[WV_AC_STATUS],
	      "leases");
	gauge(f, "softmesh_dhcp_pool_size", "addresses the DHCP pool has", v->c[WV_AC_DHCP],
	      "pool_size");
	gauge(f, "softmesh_dhcp_pool_used", "addresses of the pool in use", v->c[WV_AC_DHCP],
	      "pool_used");
	counters(f, "softmesh_dhcp_messages_total", "anycastd DHCP counters", v->c[WV_AC_DHCP],
		 pool);
	counters(f, "softmesh_dns_queries_total", "anycastd DNS counters", v->c[WV_AC_DNS], NULL);
	gauge(f, "softmesh_leasesync_records", "records leasesyncd holds", v->c[WV_LS_SYNC],
	      "records");
	gauge(f, "softmesh_leasesync_peers", "leasesync peers heard", v->c[WV_LS_SYNC], "peers");
	counters(f, "softmesh_leasesync_events_total", "leasesyncd counters",
		 get(v->c[WV_LS_SYNC], "counters"), NULL);
	if (v->c[WV_LS_R66]) {
		json_object *c = wv_clients(v, 0);

		fputs("# HELP softmesh_cloud_clients clients with a lease anywhere in the cloud\n"
		      "# TYPE softmesh_cloud_clients gauge\n", f);
		fprintf(f, "softmesh_cloud_clients %zu\n", alen(get(c, "clients")));
		json_object_put(c);
	}
}
