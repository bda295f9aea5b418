/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * leasesyncd's control commands (doc/control.md): sync, peers, records,
 * and the `record` topic.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "common/json.h"
#include "leasesync/core/alfred.h"
#include "leasesync/shell/leasesyncd.h"

static struct lsd *daemon_of(void *user)
{
	return ((struct mc_daemon *)user)->priv;
}

static const char *const origins[] = { "local", "first-hand", "synced" };

static json_object *ip6(const uint8_t a[16])
{
	char s[INET6_ADDRSTRLEN];

	return mc_json_str(inet_ntop(AF_INET6, a, s, sizeof(s)));
}

/* alfred -r's escaping: printable bytes as they are, others \xNN */
static json_object *text_of(const uint8_t *p, size_t n)
{
	char buf[4096 + 8];
	size_t o = 0;

	for (size_t i = 0; i < n && o < sizeof(buf) - 8; i++) {
		if (isprint(p[i]) && p[i] != '\\')
			buf[o++] = (char)p[i];
		else
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\x%02x", p[i]);
	}
	buf[o] = 0;
	return mc_json_str(buf);
}

static json_object *rec_json(const struct lsd *l, const struct ls_rec *r)
{
	json_object *o = json_object_new_object();
	uint64_t now = lsd_now(l);
	static const uint8_t zero[16];

	mc_json_add(o, "source", mc_json_mac(r->source));
	mc_json_add(o, "type", mc_json_int(r->type));
	mc_json_add(o, "version", mc_json_int(r->version));
	mc_json_add(o, "origin", mc_json_str(origins[r->origin % 3]));
	mc_json_add(o, "from", memcmp(r->from, zero, 16) ? ip6(r->from) : mc_json_str(""));
	mc_json_add(o, "len", mc_json_int(r->len));
	mc_json_add(o, "age_ms", mc_json_int((int64_t)(now - r->seen_ms)));
	mc_json_add(o, "changed_ms", mc_json_int((int64_t)(now - r->changed_ms)));
	mc_json_add(o, "data", text_of(r->data, r->len));
	return o;
}

void lsd_record_event(struct lsd *l, uint8_t type, const uint8_t source[6],
		      const struct ls_rec *r)
{
	json_object *key;

	if (!mc_ctl_watched(l->d->ctl, "record"))
		return;
	if (r) {
		mc_ctl_row_put(l->d->ctl, "record", rec_json(l, r));
		return;
	}
	key = json_object_new_object();
	mc_json_add(key, "source", mc_json_mac(source));
	mc_json_add(key, "type", mc_json_int(type));
	mc_ctl_row_del(l->d->ctl, "record", key);
}

struct rows {
	const struct lsd *l;
	json_object *arr;
};

static int add_rec(const struct ls_rec *r, void *user)
{
	struct rows *x = user;

	json_object_array_add(x->arr, rec_json(x->l, r));
	return 0;
}

static int cmd_records(json_object *req, json_object **data, const char **err, void *user)
{
	struct lsd *l = daemon_of(user);
	struct rows x = { l, json_object_new_array() };
	json_object *v;
	int type = -1;

	if (json_object_object_get_ex(req, "type", &v)) {
		type = json_object_get_int(v);
		if (type < 0 || type > 255) {
			json_object_put(x.arr);
			*err = "type: 0..255";
			return -EINVAL;
		}
	}
	if (l->core)
		ls_foreach(l->core, type, add_rec, &x);
	*data = x.arr;
	return 0;
}

static void add_peer(const struct ls_peer_info *p, void *user)
{
	struct rows *x = user;
	json_object *o = json_object_new_object();
	uint64_t now = lsd_now(x->l);

	mc_json_add(o, "address", ip6(p->ip));
	mc_json_add(o, "mac", ls_mac_valid(p->mac) ? mc_json_mac(p->mac) : mc_json_str(""));
	mc_json_add(o, "primary", mc_json_bool(p->primary));
	mc_json_add(o, "best", mc_json_bool(p->best));
	mc_json_add(o, "last_rx_ms", mc_json_int((int64_t)(now - p->last_rx_ms)));
	mc_json_add(o, "last_announce_ms",
		    p->last_announce_ms ? mc_json_int((int64_t)(now - p->last_announce_ms)) :
		    mc_json_int(-1));
	mc_json_add(o, "rx_packets", mc_json_int((int64_t)p->rx_packets));
	mc_json_add(o, "rx_records", mc_json_int((int64_t)p->rx_records));
	json_object_array_add(x->arr, o);
}

static int cmd_peers(json_object *req, json_object **data, const char **err, void *user)
{
	struct lsd *l = daemon_of(user);
	struct rows x = { l, json_object_new_array() };

	if (l->core)
		ls_peers_foreach(l->core, add_peer, &x);
	*data = x.arr;
	return 0;
}

struct counts {
	unsigned peers, primaries;
};

static void count_peer(const struct ls_peer_info *p, void *user)
{
	struct counts *c = user;

	c->peers++;
	c->primaries += p->primary;
}

static int cmd_sync(json_object *req, json_object **data, const char **err, void *user)
{
	struct lsd *l = daemon_of(user);
	json_object *o = json_object_new_object(), *types = json_object_new_object(),
		    *st = json_object_new_object();
	struct counts c = { 0, 0 };

	mc_json_add(o, "mode", mc_json_str((l->core ? ls_is_primary(l->core) : l->cfg.primary) ?
					   "primary" : "secondary"));
	mc_json_add(o, "interface", mc_json_str(l->ifname));
	mc_json_add(o, "active", mc_json_bool(l->fd >= 0));
	mc_json_add(o, "socket", mc_json_str(l->sock_path));
	if (l->core) {
		mc_json_add(o, "mac", mc_json_mac(l->mac));
		mc_json_add(o, "address", ip6(l->ll));
		ls_peers_foreach(l->core, count_peer, &c);
		for (unsigned t = 0; t < 256; t++)
			if (ls_count(l->core, (int)t)) {
				char k[4];

				snprintf(k, sizeof(k), "%u", t);
				mc_json_add(types, k, mc_json_int(ls_count(l->core, (int)t)));
			}
		mc_json_add(o, "records", mc_json_int(ls_count(l->core, -1)));
		mc_json_add(o, "bytes", mc_json_int((int64_t)ls_bytes(l->core)));
#define LS_STAT_JSON(f) mc_json_add(st, #f, mc_json_int((int64_t)ls_stats(l->core)->f));
		LS_STATS(LS_STAT_JSON)
#undef LS_STAT_JSON
	} else {
		mc_json_add(o, "records", mc_json_int(0));
		mc_json_add(o, "bytes", mc_json_int(0));
	}
	mc_json_add(st, "unix_requests", mc_json_int((int64_t)l->c.unix_requests));
	mc_json_add(st, "unix_malformed", mc_json_int((int64_t)l->c.unix_malformed));
	mc_json_add(st, "unix_refused", mc_json_int((int64_t)l->c.unix_refused));
	mc_json_add(st, "unix_timeout", mc_json_int((int64_t)l->c.unix_timeout));
	mc_json_add(st, "send_errors", mc_json_int((int64_t)l->c.send_errors));
	mc_json_add(st, "state_writes", mc_json_int((int64_t)l->c.state_writes));
	mc_json_add(o, "peers", mc_json_int(c.peers));
	mc_json_add(o, "primaries", mc_json_int(c.primaries));
	mc_json_add(o, "types", types);
	mc_json_add(o, "counters", st);
	*data = o;
	return 0;
}

void lsd_status(struct mc_daemon *d, json_object *st)
{
	struct lsd *l = d->priv;

	mc_json_add(st, "interface", mc_json_str(l->ifname));
	mc_json_add(st, "syncing", mc_json_bool(l->fd >= 0));
	mc_json_add(st, "mode", mc_json_str((l->core ? ls_is_primary(l->core) : l->cfg.primary) ?
					    "primary" : "secondary"));
	mc_json_add(st, "records", mc_json_int(l->core ? ls_count(l->core, -1) : 0));
	mc_json_add(st, "socket", mc_json_str(l->sock_path));
	mc_json_add(st, "state_file", mc_json_str(l->state_path));
}

const struct mc_ctl_cmd lsd_cmds[] = {
	{ "sync", cmd_sync, "mode, interface, record counts per type and counters" },
	{ "peers", cmd_peers, "nodes heard on the interface: primaries and others" },
	{ "records", cmd_records, "records (all, or {\"type\":N}): source, type, origin, data" },
};
const unsigned lsd_ncmds = sizeof(lsd_cmds) / sizeof(lsd_cmds[0]);

static const char *const rec_key[] = { "source", "type", NULL };
static const char *const rec_vol[] = { "age_ms", "changed_ms", "from", NULL };

const struct mc_ctl_topic lsd_topics[] = {
	{ .name = "record", .help = "records: new (add), new data (change), expired (del)",
	  .dump = "records", .key = rec_key, .volatile_fields = rec_vol },
};
const unsigned lsd_ntopics = sizeof(lsd_topics) / sizeof(lsd_topics[0]);
