/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * anycastd's control commands (doc/control.md): leases, dhcp, dns, and
 * the `lease` topic.
 */
#include <arpa/inet.h>

#include "anycast/shell/anycastd.h"
#include "common/json.h"

static struct anycastd *daemon_of(void *user)
{
	return ((struct mc_daemon *)user)->priv;
}

struct lease_rows {
	const struct anycastd *a;
	json_object *rows;
};

static int lease_add(const struct ac_lease *l, void *user)
{
	struct lease_rows *lr = user;

	json_object_array_add(lr->rows, ac_lease_json(lr->a, l));
	return 0;
}

static int cmd_leases(json_object *req, json_object **data, const char **err, void *user)
{
	struct anycastd *a = daemon_of(user);
	struct lease_rows lr = { a, json_object_new_array() };

	ac_dhcp_leases_foreach(a->dhcp, lease_add, &lr);
	*data = lr.rows;
	return 0;
}

#define STAT(o, s, f) mc_json_add(o, #f, mc_json_int((int64_t)(s)->f))

static int cmd_dhcp(json_object *req, json_object **data, const char **err, void *user)
{
	struct anycastd *a = daemon_of(user);
	const struct ac_dhcp_stats *s = ac_dhcp_stats(a->dhcp);
	json_object *o = json_object_new_object();

	STAT(o, s, discover);
	STAT(o, s, offer);
	STAT(o, s, request);
	STAT(o, s, ack);
	STAT(o, s, nak);
	STAT(o, s, decline);
	STAT(o, s, release);
	STAT(o, s, inform);
	STAT(o, s, conflicts);
	STAT(o, s, malformed);
	STAT(o, s, exhausted);
	STAT(o, s, ignored);
	mc_json_add(o, "pool_size", mc_json_int(ac_dhcp_pool_size(a->dhcp)));
	mc_json_add(o, "pool_used", mc_json_int(ac_dhcp_pool_used(a->dhcp)));
	*data = o;
	return 0;
}

static json_object *upstreams(const struct anycastd *a)
{
	json_object *arr = json_object_new_array();
	struct ac_dns_upstream u;
	char s[INET6_ADDRSTRLEN];

	for (unsigned i = 0; ac_dns_upstream_get(a->dns, i, &u) == 0; i++)
		json_object_array_add(arr, mc_json_str(u.family == AF_INET6 ?
			inet_ntop(AF_INET6, &u.a6, s, sizeof(s)) :
			inet_ntop(AF_INET, &u.a4, s, sizeof(s))));
	return arr;
}

static int cmd_dns(json_object *req, json_object **data, const char **err, void *user)
{
	struct anycastd *a = daemon_of(user);
	const struct ac_dns_stats *s = ac_dns_stats(a->dns);
	json_object *o = json_object_new_object();

	STAT(o, s, queries);
	STAT(o, s, local);
	STAT(o, s, nxdomain);
	STAT(o, s, forwarded);
	STAT(o, s, answered);
	STAT(o, s, timeouts);
	STAT(o, s, servfail);
	STAT(o, s, malformed);
	STAT(o, s, oversize);
	STAT(o, s, refused);
	mc_json_add(o, "upstreams", upstreams(a));
	*data = o;
	return 0;
}

static int cmd_ra(json_object *req, json_object **data, const char **err, void *user)
{
	struct anycastd *a = daemon_of(user);
	const struct ac_ra_stats *s = ac_ra_stats(a->ra);
	json_object *o = json_object_new_object();

	STAT(o, s, rs_rx);
	STAT(o, s, rs_bad);
	STAT(o, s, ra_tx);
	STAT(o, s, ra_solicited);
	*data = o;
	return 0;
}

void ac_status(struct mc_daemon *d, json_object *st)
{
	struct anycastd *a = d->priv;
	char s[INET6_ADDRSTRLEN];

	mc_json_add(st, "interface", mc_json_str(a->ifname));
	mc_json_add(st, "serving", mc_json_bool(a->ifindex != 0));
	mc_json_add(st, "anycast_ipv4", mc_json_str(inet_ntop(AF_INET, &a->gw4, s, sizeof(s))));
	mc_json_add(st, "anycast_ipv6", mc_json_str(inet_ntop(AF_INET6, &a->gw6, s, sizeof(s))));
	mc_json_add(st, "anycast_mac", mc_json_mac(a->mac));
	mc_json_add(st, "domain", mc_json_str(a->domain));
	mc_json_add(st, "leases", mc_json_int(ac_dhcp_pool_used(a->dhcp)));
	mc_json_add(st, "state_file", mc_json_str(a->state_path));
	mc_json_add(st, "tx_errors", mc_json_int((int64_t)a->tx_errors));
	ac_sync_status(a, st);
}

const struct mc_ctl_cmd ac_cmds[] = {
	{ "leases", cmd_leases, "DHCP leases of this node: mac, ip, hostname, expiry" },
	{ "dhcp", cmd_dhcp, "DHCP counters, pool size and use" },
	{ "dns", cmd_dns, "DNS counters and upstream resolvers" },
	{ "ra", cmd_ra, "router advertisement counters" },
};
const unsigned ac_ncmds = sizeof(ac_cmds) / sizeof(ac_cmds[0]);

static const char *const lease_key[] = { "mac", NULL };
static const char *const lease_vol[] = { "expires_s", NULL };

const struct mc_ctl_topic ac_topics[] = {
	{ .name = "lease", .help = "DHCP leases: added, renewed (change), released or expired (del)",
	  .dump = "leases", .key = lease_key, .volatile_fields = lease_vol },
};
const unsigned ac_ntopics = sizeof(ac_topics) / sizeof(ac_topics[0]);
