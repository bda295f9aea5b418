/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The leases beyond the core: the state file (rewritten atomically once
 * per loop turn that changed a lease), the `lease` topic, the node
 * addresses the pool leaves out, the names DNS answers, and the control
 * commands leases, dhcp and dns.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

#include <arpa/inet.h>

#include "anycast/shell/anycastd.h"
#include "common/json.h"
#include "common/log.h"

#define AC_NODES_REFRESH_MS 10000u	/* how old l2meshd's originator list may be */

/* ------------------------------------------------------------ state file */

static int save_one(const struct ac_lease *l, void *user)
{
	char line[AC_LEASE_LINE_MAX];

	if (l->bound && ac_lease_format(l, line, sizeof(line)) >= 0)
		fprintf(user, "%s\n", line);
	return 0;
}

void ac_leases_save(struct anycastd *a)
{
	char tmp[sizeof(a->state_path) + 8];
	FILE *f;

	a->leases_dirty = false;
	snprintf(tmp, sizeof(tmp), "%s.new", a->state_path);
	if (!(f = fopen(tmp, "we"))) {
		log_warn("%s: %s", tmp, strerror(errno));
		return;
	}
	fprintf(f, "# anycastd leases: expires(unix s) mac ip hostname client-id\n");
	ac_dhcp_leases_foreach(a->dhcp, save_one, f);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0 ||
	    rename(tmp, a->state_path) < 0)
		log_warn("%s: %s", a->state_path, strerror(errno));
}

struct bad_lines {
	const char *path;
	unsigned n;
};

static void bad_line(void *user, unsigned lineno)
{
	struct bad_lines *b = user;

	log_warn("%s:%u: not a lease, skipped", b->path, lineno);
	b->n++;
}

void ac_leases_load(struct anycastd *a)
{
	struct bad_lines bad = { a->state_path, 0 };
	FILE *f = fopen(a->state_path, "re");
	unsigned n;

	if (!f) {
		if (errno != ENOENT)
			log_warn("%s: %s", a->state_path, strerror(errno));
		return;
	}
	n = ac_leases_read(a->dhcp, f, ac_wall_ms(), bad_line, &bad);
	fclose(f);
	log_notice("%u leases restored from %s%s", n, a->state_path, bad.n ? " (some skipped)" : "");
}

/* ------------------------------------------------------------ lease events */

json_object *ac_lease_json(const struct anycastd *a, const struct ac_lease *l)
{
	json_object *r = json_object_new_object();
	uint64_t now = ac_wall_ms();
	const char *host = mc_conf_get_str(mc_conf_section(a->d->conf, "system"), "hostname");
	char ip[INET_ADDRSTRLEN];

	mc_json_add(r, "mac", mc_json_mac(l->mac));
	mc_json_add(r, "ip", mc_json_str(inet_ntop(AF_INET, &l->ip, ip, sizeof(ip))));
	mc_json_add(r, "hostname", mc_json_str(l->hostname));
	mc_json_add(r, "client_id", mc_json_hex(l->client_id, l->client_id_len));
	mc_json_add(r, "state", mc_json_str(l->bound ? "bound" : "offered"));
	mc_json_add(r, "expires_s", mc_json_int(l->expires_ms > now ?
						(int64_t)((l->expires_ms - now) / 1000) : 0));
	mc_json_add(r, "node", mc_json_str(host));
	return r;
}

void ac_lease_event(struct anycastd *a, enum ac_lease_change what, const struct ac_lease *l)
{
	static const char *const names[] = { "added", "renewed", "released", "expired",
					     "declined" };
	char ip[INET_ADDRSTRLEN];
	json_object *key;

	a->leases_dirty = true;
	ac_sync_lease_changed(a);
	if (what != AC_LEASE_RENEWED && (l->bound || what != AC_LEASE_ADDED))	/* not offers */
		log_info("lease %s: %s %02x:%02x:%02x:%02x:%02x:%02x %s", names[what],
			 inet_ntop(AF_INET, &l->ip, ip, sizeof(ip)), l->mac[0], l->mac[1],
			 l->mac[2], l->mac[3], l->mac[4], l->mac[5], l->hostname);
	if (!mc_ctl_watched(a->d->ctl, "lease"))
		return;
	if (what == AC_LEASE_ADDED || what == AC_LEASE_RENEWED) {
		mc_ctl_row_put(a->d->ctl, "lease", ac_lease_json(a, l));
		return;
	}
	key = json_object_new_object();
	mc_json_add(key, "mac", mc_json_mac(l->mac));
	mc_ctl_row_del(a->d->ctl, "lease", key);
}

/* ------------------------------------------------------------ node addresses */

/*
 * fn(user, rows) with the table another daemon of this node answers to
 * cmd. A blocking call with a short timeout, made at most every
 * AC_NODES_REFRESH_MS by the callers; nothing when the daemon is not there.
 */
static void daemon_rows(struct anycastd *a, const char *daemon, const char *cmd,
			void (*fn)(struct anycastd *a, json_object *rows))
{
	json_object *req = json_object_new_object(), *rep = NULL, *rows;

	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	if (mc_ctl_request(a->d->rundir, daemon, req, &rep, 300) == 0 &&
	    json_object_object_get_ex(rep, "data", &rows) &&
	    json_object_is_type(rows, json_type_array))
		fn(a, rows);
	json_object_put(rep);
	json_object_put(req);
}

static void nodes_add(struct anycastd *a, const uint8_t mac[6])
{
	uint8_t ip[4] = { 10, a->n1, mac[4], mac[5] };

	if (a->nnodes < AC_NODES_MAX)
		memcpy(&a->nodes[a->nnodes++].s_addr, ip, 4);
}

static void nodes_from(struct anycastd *a, json_object *rows)
{
	json_object *mac;
	uint8_t m[6];

	for (size_t i = 0; i < json_object_array_length(rows); i++)
		if (json_object_object_get_ex(json_object_array_get_idx(rows, i), "originator",
					      &mac) &&
		    mc_mac_parse(json_object_get_string(mac), m) == 0)
			nodes_add(a, m);
}

/* 10.N1.M5.M6 of every originator l2meshd knows, and ours. */
static void nodes_refresh(struct anycastd *a)
{
	uint8_t m[6];

	a->nnodes = 0;
	if (mc_conf_mac(a->d->conf, m) == 0)
		nodes_add(a, m);
	daemon_rows(a, "l2meshd", "originators", nodes_from);
}

bool ac_node_addr(struct anycastd *a, struct in_addr ip)
{
	uint64_t now = mc_ev_now_ms(a->d->loop);

	if (!a->nodes_ms || now - a->nodes_ms > AC_NODES_REFRESH_MS) {
		nodes_refresh(a);
		a->nodes_ms = now ? now : 1;
	}
	for (unsigned i = 0; i < a->nnodes; i++)
		if (a->nodes[i].s_addr == ip.s_addr)
			return true;
	return false;
}

/* ------------------------------------------------------------ names */

struct name_find {
	const char *name;
	struct in_addr ip;
	bool found;
};

static int name_match(const struct ac_lease *l, void *user)
{
	struct name_find *f = user;

	if (l->bound && l->hostname[0] && !strcasecmp(l->hostname, f->name)) {
		f->ip = l->ip;
		f->found = true;
	}
	return 0;
}

/* ------------------------------------------------------------ node names */

/* A description's first host prefix of each family that is not anycast:
 * the node's own address. */
static void name_addrs(struct ac_name *n, json_object *prefixes)
{
	json_object *p, *v;
	struct mc_ip ip;

	for (size_t i = 0; i < json_object_array_length(prefixes); i++) {
		p = json_object_array_get_idx(prefixes, i);
		if ((json_object_object_get_ex(p, "anycast", &v) && json_object_get_boolean(v)) ||
		    !json_object_object_get_ex(p, "prefix", &v) ||
		    mc_ip_parse(json_object_get_string(v), &ip) < 0)
			continue;
		if (ip.family == AF_INET && ip.plen == 32 && !n->has4) {
			memcpy(&n->a4, ip.a, 4);
			n->has4 = true;
		} else if (ip.family == AF_INET6 && ip.plen == 128 && !n->has6) {
			memcpy(&n->a6, ip.a, 16);
			n->has6 = true;
		}
	}
}

static void names_from(struct anycastd *a, json_object *rows)
{
	json_object *host, *prefixes;
	size_t n = json_object_array_length(rows);
	struct ac_name *names = calloc(n ? n : 1, sizeof(*names));

	if (!names)
		return;
	free(a->names);
	a->names = names;
	a->nnames = 0;
	for (size_t i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(rows, i);
		struct ac_name *nm = &names[a->nnames];

		if (!json_object_object_get_ex(r, "hostname", &host) ||
		    !json_object_object_get_ex(r, "prefixes", &prefixes))
			continue;
		snprintf(nm->host, sizeof(nm->host), "%s", json_object_get_string(host));
		name_addrs(nm, prefixes);
		if (nm->host[0] && (nm->has4 || nm->has6))
			a->nnames++;
	}
}

/* l3routed's descriptions, at most every AC_NODES_REFRESH_MS. */
static void names_refresh(struct anycastd *a)
{
	uint64_t now = mc_ev_now_ms(a->d->loop);

	if (a->names_ms && now - a->names_ms < AC_NODES_REFRESH_MS)
		return;
	a->names_ms = now ? now : 1;
	daemon_rows(a, "l3routed", "descriptions", names_from);
}

static unsigned node_name(struct anycastd *a, const char *name, int family, void *addrs)
{
	names_refresh(a);
	for (unsigned i = 0; i < a->nnames; i++) {
		const struct ac_name *n = &a->names[i];

		if (strcasecmp(n->host, name))
			continue;
		if (family == AF_INET && n->has4)
			memcpy(addrs, &n->a4, sizeof(n->a4));
		else if (family == AF_INET6 && n->has6)
			memcpy(addrs, &n->a6, sizeof(n->a6));
		else
			return 0;
		return 1;
	}
	return 0;
}

void ac_names_free(struct anycastd *a)
{
	free(a->names);
	a->names = NULL;
	a->nnames = 0;
}

/* This node's hostname (its bat0 addresses), its clients' (leases), the
 * other nodes' (l3routed's descriptions). */
unsigned ac_name_lookup(struct anycastd *a, const char *name, int family, void *addrs,
			unsigned max)
{
	const struct mc_conf_section *net = mc_conf_section(a->d->conf, "network");
	const char *host = mc_conf_get_str(mc_conf_section(a->d->conf, "system"), "hostname");
	struct name_find f = { .name = name };
	unsigned plen;

	if (!max)
		return 0;
	if (host && !strcasecmp(host, name))
		return family == AF_INET ?
		       mc_conf_get_ipv4(net, "main_ipv4_address", addrs, &plen) == 0 :
		       mc_conf_get_ipv6(net, "main_ipv6_address", addrs, &plen) == 0;
	if (family == AF_INET)
		ac_dhcp_leases_foreach(a->dhcp, name_match, &f);
	if (!f.found)	/* the cloud's names (leasesync), then l3routed's */
		return ac_sync_lookup(a, name, family, addrs) ?: node_name(a, name, family, addrs);
	memcpy(addrs, &f.ip, sizeof(f.ip));
	return 1;
}
