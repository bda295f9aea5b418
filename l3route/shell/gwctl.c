/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Gateways on the control socket (doc/l3route-gateways.md): the ranked
 * offers with the tunnel and offer state, and the user's preference,
 * which is kept in <l3_key>.gwprefer so it outlives a restart.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "common/log.h"
#include "l3route/shell/l3routed.h"

#define PREFER_SUFFIX ".gwprefer"

static void prefer_path(const struct l3routed *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s" PREFER_SUFFIX, r->key_path);
}

/* At start, after the config's preferred_gateway: a kept run-time choice wins. */
void l3sh_prefer_load(struct l3routed *r, struct l3_config *cfg)
{
	char path[sizeof(r->key_path) + sizeof(PREFER_SUFFIX)], line[80] = "";
	int rc;

	prefer_path(r, path, sizeof(path));
	if ((rc = l3sh_prefer_read(path, line, sizeof(line))) < 0 && rc != -EINVAL)
		return;
	if (rc < 0) {
		log_warn("%s: '%s' is no gateway name; ignored", path, line);
		return;
	}
	snprintf(cfg->gw_prefer, sizeof(cfg->gw_prefer), "%s",
		 strcmp(line, "auto") ? line : "");
	r->prefer_runtime = true;
	log_notice("gateway preference %s (kept from meshctl in %s)", line, path);
}

static const char *pref_name(const struct l3routed *r)
{
	const char *p = l3_gw_preferred(r->node);

	return *p ? p : "auto";
}

/* ------------------------------------------------------------ objects */

json_object *l3sh_tun_json(const struct l3routed *r)
{
	const struct l3sh_tun *t = &r->tun;
	json_object *o = json_object_new_object();

	mc_json_add(o, "device", mc_json_str(L3SH_TUN_DEV));
	mc_json_add(o, "state", mc_json_str(t->fd < 0 ? "down" :
			     t->sel[0].valid || t->sel[1].valid ? "up" : "no gateway"));
	mc_json_add(o, "mtu", mc_json_int(L3SH_TUN_MTU));
	mc_json_add(o, "port", mc_json_int(t->port));
	mc_json_add(o, "table", mc_json_int(t->table));
	mc_json_add(o, "rule_priority", mc_json_int(L3SH_TUN_RULE_PRIO));
	mc_json_add(o, "ipv4", t->sel[0].valid ? mc_json_str(t->sel[0].name) : NULL);
	mc_json_add(o, "ipv6", t->sel[1].valid ? mc_json_str(t->sel[1].name) : NULL);
	return o;
}

json_object *l3sh_offer_json(const struct l3routed *r)
{
	const struct l3sh_gwside *g = &r->gws;
	json_object *o = json_object_new_object(), *wan = json_object_new_array();
	char chk[MC_IP_STRLEN];

	for (unsigned i = 0; i < g->wc.nwan; i++)
		json_object_array_add(wan, mc_json_str(g->wc.wan[i]));
	mc_wancheck_target(&g->wc, chk, sizeof(chk));
	mc_json_add(o, "gateway", mc_json_bool(g->enabled));
	mc_json_add(o, "state",
		  mc_json_str(!g->enabled ? "off" : g->offered ? "offered" : "withdrawn"));
	mc_json_add(o, "why", mc_json_str(g->why));
	mc_json_add(o, "device", g->enabled ? mc_json_str(L3SH_GW_DEV) : NULL);
	mc_json_add(o, "wan", wan);
	mc_json_add(o, "wan_up", mc_json_bool(g->enabled && g->wc.wan_up));
	mc_json_add(o, "check", mc_json_str(chk));
	mc_json_add(o, "check_ok", g->enabled && g->wc.check.family ? mc_json_bool(g->wc.check_ok) : NULL);
	mc_json_add(o, "down_kbit", mc_json_int(g->down_kbit));
	mc_json_add(o, "up_kbit", mc_json_int(g->up_kbit));
	mc_json_add(o, "ipv6", mc_json_bool(g->offered_v6));
	return o;
}

json_object *l3sh_tun_counters(const struct l3routed *r)
{
	json_object *o = json_object_new_object();

	for (int i = 0; i < L3SH_TUN_MAX; i++)
		mc_json_add(o, l3sh_tun_names[i], mc_json_int((int64_t)r->tun_ctr[i]));
	return o;
}

/* ---------------------------------------------------------- gateways */

static void gw_row(void *arg, const struct l3_gw_info *gi)
{
	const struct l3routed *r = ((void **)arg)[0];
	json_object *rows = ((void **)arg)[1], *o = json_object_new_object();
	const struct l3sh_tun_peer *p = l3sh_tun_peer(r, gi->id);
	char hex[2 * L3_ID_LEN + 1], a[INET6_ADDRSTRLEN];
	bool reach = gi->path_metric != L3_METRIC_INF;

	mc_json_add(o, "id", mc_json_str(l3_id_hex(gi->id, L3_ID_LEN, hex)));
	mc_json_add(o, "short_id", mc_json_str(l3_id_hex(gi->id, 4, hex)));
	mc_json_add(o, "hostname", mc_json_str(gi->hostname));
	mc_json_add(o, "family", mc_json_str(gi->family == AF_INET ? "ipv4" : "ipv6"));
	mc_json_add(o, "prefix", mc_json_str(gi->family == AF_INET ? "0.0.0.0/0" : "::/0"));
	mc_json_add(o, "address", mc_json_str(inet_ntop(AF_INET6, &gi->addr, a, sizeof(a))));
	mc_json_add(o, "down_kbit", mc_json_int(gi->down_kbit));
	mc_json_add(o, "up_kbit", mc_json_int(gi->up_kbit));
	mc_json_add(o, "path_metric", reach ? mc_json_int(gi->path_metric) : NULL);
	mc_json_add(o, "path_kbit", reach && !gi->self ? mc_json_int((int64_t)gi->path_kbit) : NULL);
	mc_json_add(o, "score", mc_json_int((int64_t)gi->score));
	mc_json_add(o, "rank", mc_json_int(gi->rank));
	mc_json_add(o, "selected", mc_json_bool(gi->selected));
	mc_json_add(o, "self", mc_json_bool(gi->self));
	mc_json_add(o, "why", mc_json_str(gi->why));
	mc_json_add(o, "tx_packets", mc_json_int(p ? (int64_t)p->pkts : 0));
	mc_json_add(o, "tx_bytes", mc_json_int(p ? (int64_t)p->bytes : 0));
	json_object_array_add(rows, o);
}

int l3sh_cmd_gateways(json_object *req, json_object **data, const char **err, void *user)
{
	struct l3routed *r = ((struct mc_daemon *)user)->priv;
	json_object *o = json_object_new_object(), *rows = json_object_new_array();
	void *arg[2] = { r, rows };

	l3_gws_foreach(r->node, AF_INET, gw_row, arg);
	l3_gws_foreach(r->node, AF_INET6, gw_row, arg);
	mc_json_add(o, "preference", mc_json_str(pref_name(r)));
	mc_json_add(o, "preference_source", mc_json_str(r->prefer_runtime ? "meshctl" : "config"));
	mc_json_add(o, "tunnel", l3sh_tun_json(r));
	mc_json_add(o, "offer", l3sh_offer_json(r));
	mc_json_add(o, "counters", l3sh_tun_counters(r));
	mc_json_add(o, "gateways", rows);
	*data = o;
	return 0;
}

/* ---------------------------------------------------------- gw_prefer */

static int prefer_reset(struct l3routed *r)
{
	char path[sizeof(r->key_path) + sizeof(PREFER_SUFFIX)];
	const char *cfg = mc_conf_get_str(mc_conf_section(r->d->conf, "network"),
					  "preferred_gateway");

	prefer_path(r, path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("%s: %s", path, strerror(errno));
	r->prefer_runtime = false;
	return l3_gw_prefer(r->node, cfg, mc_ev_now_ms(r->d->loop));
}

static int prefer_set(struct l3routed *r, const char *who)
{
	char path[sizeof(r->key_path) + sizeof(PREFER_SUFFIX)], line[80];
	int rc, n;

	if (!l3sh_prefer_ok(who) || (rc = l3_gw_prefer(r->node, who, mc_ev_now_ms(r->d->loop))) < 0)
		return -EINVAL;
	prefer_path(r, path, sizeof(path));
	n = snprintf(line, sizeof(line), "%s\n", who);
	if ((rc = l3sh_write_private(path, line, (size_t)n)) < 0)
		log_warn("%s: %s (the preference is lost at a restart)", path, strerror(-rc));
	r->prefer_runtime = true;
	return 0;
}

#define BAD_NAME "bad gateway name: letters, digits and '-' (a hostname or a hex id " \
		 "prefix of at least 4 digits), or auto"

/* Does who name this node: its hostname, or a hex id prefix (the core's reading). */
static bool prefer_names(const char *who, const uint8_t id[L3_ID_LEN], const char *host)
{
	char hex[2 * L3_ID_LEN + 1];

	if (host && *host && !strcmp(host, who))
		return true;
	l3_id_hex(id, L3_ID_LEN, hex);
	return strlen(who) >= 4 && !strncasecmp(hex, who, strlen(who));
}

struct prefer_seen {
	const char *who;
	bool node, offer;
};

static void prefer_seen_orig(void *arg, const struct l3_orig_info *oi)
{
	struct prefer_seen *s = arg;

	s->node |= prefer_names(s->who, oi->id, oi->desc ? oi->desc->hostname : NULL);
}

static void prefer_seen_gw(void *arg, const struct l3_gw_info *gi)
{
	struct prefer_seen *s = arg;

	s->offer |= prefer_names(s->who, gi->id, gi->hostname);
}

/* Which known nodes (this one too) and which gateway offers who names. */
static struct prefer_seen prefer_lookup(struct l3routed *r, const char *who)
{
	struct prefer_seen s = { .who = who };
	struct l3_self_info self;

	l3_self(r->node, &self);
	s.node = prefer_names(who, self.id, self.hostname);
	l3_origs_foreach(r->node, prefer_seen_orig, &s, mc_ev_now_ms(r->d->loop));
	l3_gws_foreach(r->node, AF_INET, prefer_seen_gw, &s);
	l3_gws_foreach(r->node, AF_INET6, prefer_seen_gw, &s);
	return s;
}

/*
 * A name no node of the mesh has is refused (a typo would otherwise be
 * kept silently); a known node that offers no gateway now is taken with
 * a warning, since offers come and go.
 */
static int prefer_who(struct l3routed *r, const char *who, const char **err,
		      const char **warning)
{
	static char msg[L3_HOSTNAME_MAX + 160];
	struct prefer_seen s;

	if (!l3sh_prefer_ok(who)) {
		*err = BAD_NAME;
		return -EINVAL;
	}
	if (strcmp(who, "auto")) {
		s = prefer_lookup(r, who);
		if (!s.node && !s.offer) {
			snprintf(msg, sizeof(msg), "no node in the mesh is called '%s' (neither "
				 "the hostname nor an id prefix of a known node); the preference "
				 "stays %s", who, pref_name(r));
			*err = msg;
			return -ENOENT;
		}
		if (!s.offer)
			*warning = "that node offers no gateway now; it is chosen when it "
				   "offers one, until then the choice is automatic";
	}
	if (prefer_set(r, who) < 0) {
		*err = BAD_NAME;
		return -EINVAL;
	}
	return 0;
}

int l3sh_cmd_gw_prefer(json_object *req, json_object **data, const char **err, void *user)
{
	struct l3routed *r = ((struct mc_daemon *)user)->priv;
	const char *warning = NULL;
	json_object *v;
	int rc;

	if (json_object_object_get_ex(req, "reset", &v) && json_object_get_boolean(v)) {
		if ((rc = prefer_reset(r)) < 0)
			*err = BAD_NAME;	/* the config's preferred_gateway */
	} else if (json_object_object_get_ex(req, "who", &v) &&
		   json_object_is_type(v, json_type_string)) {
		rc = prefer_who(r, json_object_get_string(v), err, &warning);
	} else {
		*err = "want \"who\": a gateway's hostname or hex id prefix, or \"auto\"; "
		       "or \"reset\": true";
		return -EINVAL;
	}
	if (rc < 0)
		return rc;
	log_notice("gateway preference now %s (%s)%s%s", pref_name(r),
		   r->prefer_runtime ? "meshctl" : "config", warning ? ": " : "",
		   warning ? warning : "");
	*data = json_object_new_object();
	mc_json_add(*data, "preference", mc_json_str(pref_name(r)));
	mc_json_add(*data, "preference_source", mc_json_str(r->prefer_runtime ? "meshctl" : "config"));
	if (warning)
		mc_json_add(*data, "warning", mc_json_str(warning));
	return 0;
}
