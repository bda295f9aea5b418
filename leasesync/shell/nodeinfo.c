/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * This node's node-info record (type 68, doc/leasesync.md "Node info"):
 * one JSON object the web UI of any node reads to show the mesh. Built
 * from the other daemons' control sockets (short blocking calls, a daemon
 * that is not running is left out) every LSD_NODEINFO_MS, and set only
 * when it changed or every LSD_NODEINFO_REFRESH_MS (alfred forgets data
 * not set again within 600 s).
 */
#include <errno.h>
#include <string.h>

#include "common/json.h"
#include "common/log.h"
#include "leasesync/shell/leasesyncd.h"

#define LSD_NODEINFO_MS 10000u
#define LSD_NODEINFO_REFRESH_MS 300000u
#define LSD_NODEINFO_CALL_MS 300

/* data of a daemon's answer to cmd (NULL: none); the caller puts it */
static json_object *ask(struct lsd *l, const char *daemon, const char *cmd)
{
	json_object *req = json_object_new_object(), *rep = NULL, *data = NULL;

	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	if (mc_ctl_request(l->d->rundir, daemon, req, &rep, LSD_NODEINFO_CALL_MS) == 0 &&
	    json_object_object_get_ex(rep, "data", &data))
		json_object_get(data);
	else
		data = NULL;
	json_object_put(req);
	json_object_put(rep);
	return data;
}

static void copy(json_object *to, const char *key, json_object *from, const char *field)
{
	json_object *v;

	if (from && json_object_object_get_ex(from, field, &v))
		json_object_object_add(to, key, json_object_get(v));
}

/* one-hop neighbours with batman-adv's TQ towards each */
static json_object *neighbours(struct lsd *l)
{
	json_object *nb = ask(l, "l2meshd", "neighbors"), *orig = ask(l, "l2meshd", "originators");
	json_object *out = json_object_new_array();

	for (size_t i = 0; nb && json_object_is_type(nb, json_type_array) &&
	     i < json_object_array_length(nb); i++) {
		json_object *r = json_object_array_get_idx(nb, i), *m, *o = json_object_new_object();
		const char *mac = json_object_object_get_ex(r, "neighbor", &m) ?
				  json_object_get_string(m) : "";

		json_object_object_add(o, "mac", json_object_new_string(mac));
		copy(o, "ifname", r, "ifname");
		for (size_t j = 0; orig && json_object_is_type(orig, json_type_array) &&
		     j < json_object_array_length(orig); j++) {
			json_object *q = json_object_array_get_idx(orig, j), *om;

			if (json_object_object_get_ex(q, "originator", &om) &&
			    !strcmp(json_object_get_string(om), mac)) {
				copy(o, "tq", q, "tq");
				break;
			}
		}
		json_object_array_add(out, o);
	}
	json_object_put(nb);
	json_object_put(orig);
	return out;
}

/* l2meshd's originator address and the MACs of its mesh ports: a
 * neighbour table lists a node by the port it is heard on, so a map
 * needs both to know it */
static void l2_addresses(struct lsd *l, json_object *o)
{
	json_object *st = ask(l, "l2meshd", "status"), *ifs = ask(l, "l2meshd", "interface");
	json_object *ports = json_object_new_array();

	copy(o, "originator", st, "originator");
	for (size_t i = 0; ifs && json_object_is_type(ifs, json_type_array) &&
	     i < json_object_array_length(ifs); i++) {
		json_object *r = json_object_array_get_idx(ifs, i), *role, *mac;

		if (json_object_object_get_ex(r, "role", &role) &&
		    !strcmp(json_object_get_string(role), "mesh") &&
		    json_object_object_get_ex(r, "mac", &mac))
			json_object_array_add(ports, json_object_get(mac));
	}
	json_object_object_add(o, "ports", ports);
	json_object_put(st);
	json_object_put(ifs);
}

/* the short ids of its layer-3 neighbours (links to other clouds show
 * on a map only this way) */
static json_object *l3_links(struct lsd *l)
{
	json_object *links = ask(l, "l3routed", "links"), *out = json_object_new_array();

	for (size_t i = 0; links && json_object_is_type(links, json_type_array) &&
	     i < json_object_array_length(links); i++) {
		json_object *id;

		if (json_object_object_get_ex(json_object_array_get_idx(links, i), "short_id", &id))
			json_object_array_add(out, json_object_get(id));
	}
	json_object_put(links);
	return out;
}

/* The record's JSON text (the caller puts the object). */
static json_object *build(struct lsd *l)
{
	const char *host = mc_conf_get_str(mc_conf_section(l->d->conf, "system"), "hostname");
	json_object *o = json_object_new_object(), *l3 = ask(l, "l3routed", "status"),
		    *gw = ask(l, "l3routed", "gateways"), *ac = ask(l, "anycastd", "status"), *v;
	const struct mc_conf_section *net = mc_conf_section(l->d->conf, "network");
	const char *a4 = mc_conf_get_str(net, "main_ipv4_address"),
		   *a6 = mc_conf_get_str(net, "main_ipv6_address");

	json_object_object_add(o, "hostname", json_object_new_string(host ? host : ""));
	json_object_object_add(o, "version", json_object_new_string(mc_daemon_version()));
	json_object_object_add(o, "mac", mc_json_mac(l->mac));
	json_object_object_add(o, "ipv4", json_object_new_string(a4 ? a4 : ""));
	json_object_object_add(o, "ipv6", json_object_new_string(a6 ? a6 : ""));
	copy(o, "l3_id", l3, "short_id");
	if (gw) {
		json_object *g = json_object_new_object(), *offer, *tun;

		if (json_object_object_get_ex(gw, "offer", &offer)) {
			copy(g, "offer", offer, "state");
			copy(g, "down_kbit", offer, "down_kbit");
			copy(g, "up_kbit", offer, "up_kbit");
		}
		if (json_object_object_get_ex(gw, "tunnel", &tun))
			copy(g, "internet", tun, "state");
		json_object_object_add(o, "gateway", g);
	}
	if (ac && json_object_object_get_ex(ac, "leases", &v))
		json_object_object_add(o, "clients", json_object_get(v));
	json_object_object_add(o, "neighbors", neighbours(l));
	l2_addresses(l, o);
	json_object_object_add(o, "l3_links", l3_links(l));
	json_object_put(l3);
	json_object_put(gw);
	json_object_put(ac);
	return o;
}

void lsd_nodeinfo_update(struct lsd *l)
{
	uint64_t now = lsd_now(l);
	json_object *o;
	const char *text;
	size_t len;

	if (!l->core)
		return;
	o = build(l);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(text);
	if (len > sizeof(l->nodeinfo) - 1) {
		log_warn("node info is %zu bytes: not shared", len);
	} else if (strcmp(text, l->nodeinfo) || now - l->nodeinfo_ms >= LSD_NODEINFO_REFRESH_MS) {
		memcpy(l->nodeinfo, text, len + 1);
		l->nodeinfo_ms = now;
		if (ls_set(l->core, now, NULL, LSD_NODEINFO_TYPE, 0, (const uint8_t *)text, len) < 0)
			log_warn("node info record refused");
		lsd_rearm(l);
	}
	json_object_put(o);
}

static void on_nodeinfo(void *user)
{
	struct lsd *l = user;

	lsd_nodeinfo_update(l);
	mc_timer_arm(l->d->loop, &l->nodeinfo_timer, LSD_NODEINFO_MS);
}

void lsd_nodeinfo_start(struct lsd *l)
{
	mc_timer_init(&l->nodeinfo_timer, on_nodeinfo, l);
	mc_timer_arm(l->d->loop, &l->nodeinfo_timer, 2000);	/* the others start too */
}

void lsd_nodeinfo_stop(struct lsd *l)
{
	mc_timer_stop(l->d->loop, &l->nodeinfo_timer);
}
