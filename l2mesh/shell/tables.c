/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l2meshd's tables: batctl's o, n, gwl, tl, tg and if as JSON rows (meshctl
 * picks the columns), the commands that dump them, and their topics: the
 * core tells which key may have changed (env.changed), the same row
 * builders make that key's rows again, and the control server sends what
 * differs (doc/control.md#events).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "l2mesh/core/node.h"
#include "l2mesh/core/originator.h"
#include "l2mesh/core/tt.h"
#include "l2mesh/shell/l2meshd.h"

static struct l2meshd *ctx(void *user)
{
	return ((struct mc_daemon *)user)->priv;
}

static uint64_t now_ms(const struct l2meshd *m)
{
	return mc_ev_now_ms(m->d->loop);
}

static void orig_row(void *user, const struct l2_orig_entry *e)
{
	json_object *r = json_object_new_object();

	mc_json_add(r, "originator", mc_json_mac(e->orig));
	mc_json_add(r, "last_seen_ms", mc_json_int((int64_t)e->last_seen_ms));
	mc_json_add(r, "tq", mc_json_int(e->tq));
	mc_json_add(r, "nexthop", mc_json_mac(e->neigh));
	mc_json_add(r, "ifname", mc_json_str(e->port_name));
	mc_json_add(r, "best", mc_json_bool(e->best));
	json_object_array_add(user, r);
}

int l2sh_cmd_originators(json_object *req, json_object **data, const char **err,
			   void *user)
{
	struct l2meshd *m = ctx(user);

	*data = json_object_new_array();
	l2_orig_foreach(m->node, now_ms(m), orig_row, *data);
	return 0;
}

static void neigh_row(void *user, const struct l2_neigh_entry *e)
{
	json_object *r = json_object_new_object();

	mc_json_add(r, "ifname", mc_json_str(e->port_name));
	mc_json_add(r, "neighbor", mc_json_mac(e->addr));
	mc_json_add(r, "last_seen_ms", mc_json_int((int64_t)e->last_seen_ms));
	json_object_array_add(user, r);
}

int l2sh_cmd_neighbors(json_object *req, json_object **data, const char **err,
			 void *user)
{
	struct l2meshd *m = ctx(user);

	*data = json_object_new_array();
	l2_neigh_foreach(m->node, now_ms(m), neigh_row, *data);
	return 0;
}

static void gw_row(void *user, const struct l2_gw_entry *e)
{
	json_object *r = json_object_new_object();
	char bw[48];

	snprintf(bw, sizeof(bw), "%u.%u/%u.%u MBit", e->down_kbit / 1000,
		 e->down_kbit % 1000 / 100, e->up_kbit / 1000, e->up_kbit % 1000 / 100);
	mc_json_add(r, "router", mc_json_mac(e->orig));
	mc_json_add(r, "tq", mc_json_int(e->tq));
	mc_json_add(r, "nexthop", mc_json_mac(e->nexthop));
	mc_json_add(r, "ifname", mc_json_str(e->port_name));
	mc_json_add(r, "bandwidth", mc_json_str(bw));
	mc_json_add(r, "down_kbit", mc_json_int(e->down_kbit));
	mc_json_add(r, "up_kbit", mc_json_int(e->up_kbit));
	json_object_array_add(user, r);
}

int l2sh_cmd_gateways(json_object *req, json_object **data, const char **err,
			void *user)
{
	struct l2meshd *m = ctx(user);

	*data = json_object_new_array();
	l2_gw_foreach(m->node, gw_row, *data);
	return 0;
}

/* batctl prints untagged as -1 and tagged as the bare VID */
static json_object *jvid(uint16_t vid)
{
	return mc_json_int(vid & L2_VLAN_HAS_TAG ? (int)(vid & L2_VLAN_VID_MASK) : -1);
}

static json_object *jcrc(uint32_t crc)
{
	char s[16];

	snprintf(s, sizeof(s), "0x%08x", crc);
	return mc_json_str(s);
}

static int tl_row(const struct l2_tt_local_info *e, void *user)
{
	json_object *r = json_object_new_object();

	mc_json_add(r, "client", mc_json_mac(e->mac));
	mc_json_add(r, "vid", jvid(e->vid));
	mc_json_add(r, "flags", mc_json_str(e->flags_str));
	mc_json_add(r, "last_seen_ms", mc_json_int((int64_t)e->last_seen_ms));
	mc_json_add(r, "crc", jcrc(e->crc));
	json_object_array_add(user, r);
	return 0;
}

int l2sh_cmd_translocal(json_object *req, json_object **data, const char **err,
			  void *user)
{
	*data = json_object_new_array();
	l2_tt_local_foreach(ctx(user)->node, tl_row, *data);
	return 0;
}

static int tg_row(const struct l2_tt_global_info *e, void *user)
{
	json_object *r = json_object_new_object();

	mc_json_add(r, "best", mc_json_bool(e->best));
	mc_json_add(r, "client", mc_json_mac(e->mac));
	mc_json_add(r, "vid", jvid(e->vid));
	mc_json_add(r, "flags", mc_json_str(e->flags_str));
	mc_json_add(r, "last_ttvn", mc_json_int(e->ttvn));
	mc_json_add(r, "originator", mc_json_mac(e->orig));
	mc_json_add(r, "orig_ttvn", mc_json_int(e->orig_ttvn));
	mc_json_add(r, "crc", jcrc(e->crc));
	json_object_array_add(user, r);
	return 0;
}

int l2sh_cmd_transglobal(json_object *req, json_object **data, const char **err,
			   void *user)
{
	*data = json_object_new_array();
	l2_tt_global_foreach(ctx(user)->node, tg_row, *data);
	return 0;
}

static json_object *port_row(struct l2sh_port *p, bool mesh, const char *kind)
{
	json_object *r = json_object_new_object();

	mc_json_add(r, "ifname", mc_json_str(p->ifname));
	mc_json_add(r, "role", mc_json_str(kind));
	mc_json_add(r, "mac", mc_json_mac(p->mac));
	mc_json_add(r, "mtu", mc_json_int((int)p->mtu));
	mc_json_add(r, "status", mc_json_str(p->gone ? "gone" : "active"));
	mc_json_add(r, "rx_frames", mc_json_int((int64_t)p->rx_frames));
	mc_json_add(r, "tx_frames", mc_json_int((int64_t)p->tx_frames));
	mc_json_add(r, "tx_errors", mc_json_int((int64_t)p->tx_errors));
	if (!p->tap) {
		mc_json_add(r, "rx_dropped",
				       mc_json_int((int64_t)l2sh_port_rx_dropped(p)));
		mc_json_add(r, "rx_oversize",
				       mc_json_int((int64_t)p->rx_oversize));
		mc_json_add(r, "rx_super", mc_json_int((int64_t)p->rx_super));
		mc_json_add(r, "rx_csum", mc_json_int((int64_t)p->rx_csum));
		mc_json_add(r, "tx_super", mc_json_int((int64_t)p->tx_super));
		mc_json_add(r, "tx_joined", mc_json_int((int64_t)p->tx_joined));
		if (mesh)
			mc_json_add(r, "rx_ogm", mc_json_int((int64_t)p->rx_ogm));
		mc_json_add(r, "ring_kb", mc_json_int((int64_t)(p->ring.map_len >> 10)));
		mc_json_add(r, "ring_frames", mc_json_int(p->ring.frames));
		mc_json_add(r, "ring_resizes", mc_json_int(p->ring.resizes));
	}
	if (mesh) {
		mc_json_add(r, "vid", mc_json_int(p->vid));
		mc_json_add(r, "rx_foreign", mc_json_int((int64_t)p->rx_foreign));
	}
	return r;
}

static json_object *ports_rows(struct l2meshd *m)
{
	static const char *const kinds[] = { "host", "anygw", "lan" };
	json_object *rows = json_object_new_array();

	for (unsigned i = 0; i < m->nmesh; i++) {
		json_object *r = port_row(&m->mesh[i], true,
					  m->node->ports[i].wireless ? "mesh-wireless" : "mesh");

		mc_json_add(r, "ogm_agg_max", mc_json_int((int64_t)l2_port_agg_max(m->node, i)));
		json_object_array_add(rows, r);
	}
	for (unsigned i = 0; i < m->nlocal; i++)
		json_object_array_add(rows, port_row(&m->local[i], false,
						     kinds[m->node->locals[i].kind]));
	for (unsigned i = 0; i < m->nvlan; i++) {
		const struct l2sh_vport *v = &m->vlan[i];
		json_object *r = json_object_new_object();

		mc_json_add(r, "ifname", mc_json_str(v->ifname));
		mc_json_add(r, "role", mc_json_str("vlan"));
		mc_json_add(r, "port", mc_json_str(v->port));
		mc_json_add(r, "vid", mc_json_int(v->vid));
		mc_json_add(r, "status", mc_json_str(v->sockfd < 0 ? "gone" : "active"));
		mc_json_add(r, "rx_frames", mc_json_int((int64_t)v->rx));
		mc_json_add(r, "tx_frames", mc_json_int((int64_t)v->tx));
		mc_json_add(r, "tx_errors", mc_json_int((int64_t)v->tx_errors));
		json_object_array_add(rows, r);
	}
	return rows;
}

int l2sh_cmd_interface(json_object *req, json_object **data, const char **err,
		       void *user)
{
	*data = ports_rows(ctx(user));
	return 0;
}


/* ---- events ------------------------------------------------------------------ */

static const char *const seen[] = { "last_seen_ms", NULL };
static const char *const orig_key[] = { "originator", "nexthop", "ifname", NULL };
static const char *const orig_group[] = { "originator", NULL };
static const char *const neigh_key[] = { "ifname", "neighbor", NULL };
static const char *const gw_key[] = { "router", NULL };
static const char *const client_key[] = { "client", "vid", NULL };
static const char *const tg_key[] = { "client", "vid", "originator", NULL };
/* the CRCs and an originator's TTVN belong to the originator's whole
 * table, not to one client's row */
static const char *const tl_vol[] = { "last_seen_ms", "crc", NULL };
static const char *const tg_vol[] = { "orig_ttvn", "crc", NULL };
static const char *const port_key[] = { "ifname", NULL };
static const char *const port_vol[] = {
	"rx_frames", "tx_frames", "tx_errors", "rx_dropped", "rx_oversize", "rx_foreign",
	"rx_super", "rx_csum", "tx_super", "tx_joined", "rx_ogm", "ring_resizes", NULL,
};

const struct mc_ctl_topic l2sh_topics[] = {
	{ .name = "originator", .help = "batctl o rows, grouped by originator",
	  .dump = "originators", .key = orig_key, .group = orig_group,
	  .volatile_fields = seen },
	{ .name = "neighbor", .help = "batctl n rows: a neighbour comes or goes",
	  .dump = "neighbors", .key = neigh_key, .volatile_fields = seen },
	{ .name = "gateway", .help = "batctl gwl rows: gateway offers",
	  .dump = "gateways", .key = gw_key },
	{ .name = "translocal", .help = "batctl tl rows: this node's clients",
	  .dump = "translocal", .key = client_key, .volatile_fields = tl_vol },
	{ .name = "transglobal", .help = "batctl tg rows: other nodes' clients, grouped by client",
	  .dump = "transglobal", .key = tg_key, .group = client_key,
	  .volatile_fields = tg_vol },
	{ .name = "interface", .help = "batctl if rows: a port comes, goes or changes",
	  .dump = "interface", .key = port_key, .volatile_fields = port_vol },
	{ .name = "icmp", .help = "answers to ping_send: {uid,seqno,type,from,ttl}" },
	{ .name = "babeld_gw", .help = "babeld's default route after the WAN check: "
	  "{state,why,wan,check,ipv4,ipv6,changes}" },
};
const unsigned l2sh_ntopics = sizeof(l2sh_topics) / sizeof(l2sh_topics[0]);

static json_object *mac_group(const char *field, const uint8_t mac[6])
{
	json_object *g = json_object_new_object();

	mc_json_add(g, field, mc_json_mac(mac));
	return g;
}

static json_object *client_group(const uint8_t mac[6], uint16_t vid)
{
	json_object *g = mac_group("client", mac);

	mc_json_add(g, "vid", jvid(vid));
	return g;
}

static int tg_changed(const uint8_t mac[6], uint16_t vid, void *user)
{
	struct l2meshd *m = user;
	json_object *rows = json_object_new_array();

	l2_tt_global_foreach_of(m->node, mac, vid, tg_row, rows);
	mc_ctl_group_put(m->d->ctl, "transglobal", client_group(mac, vid), rows);
	return 0;
}

/* An originator's rows; which of its clients' originators is best may
 * follow its route. */
static void orig_changed(struct l2meshd *m, const uint8_t mac[6])
{
	json_object *rows;

	if (mc_ctl_watched(m->d->ctl, "originator")) {
		rows = json_object_new_array();
		l2_orig_foreach_of(m->node, mac, now_ms(m), orig_row, rows);
		mc_ctl_group_put(m->d->ctl, "originator", mac_group("originator", mac), rows);
	}
	if (mc_ctl_watched(m->d->ctl, "transglobal"))
		l2_tt_global_clients_of(m->node, mac, tg_changed, m);
}

static void neigh_changed(struct l2meshd *m, const uint8_t mac[6], unsigned port)
{
	struct l2_neigh_entry e;
	json_object *rows = json_object_new_array(), *g = mac_group("neighbor", mac);

	mc_json_add(g, "ifname", mc_json_str(port < m->node->nports ?
					     m->node->ports[port].name : "?"));
	if (l2_neigh_get(m->node, port, mac, now_ms(m), &e) == 0)
		neigh_row(rows, &e);
	mc_ctl_group_put(m->d->ctl, "neighbor", g, rows);
}

static void gw_changed(struct l2meshd *m, const uint8_t mac[6])
{
	struct l2_gw_entry e;
	json_object *rows = json_object_new_array();

	if (l2_gw_get(m->node, mac, &e) == 0)
		gw_row(rows, &e);
	mc_ctl_group_put(m->d->ctl, "gateway", mac_group("router", mac), rows);
}

static void tl_changed(struct l2meshd *m, const uint8_t mac[6], uint16_t vid)
{
	json_object *rows = json_object_new_array();

	l2_tt_local_foreach_of(m->node, mac, vid, tl_row, rows);
	mc_ctl_group_put(m->d->ctl, "translocal", client_group(mac, vid), rows);
}

/* env.changed: the core says which key may look otherwise now. */
void l2sh_changed(struct l2meshd *m, enum l2_change what, const uint8_t mac[6],
		  uint16_t vid, unsigned port)
{
	static const char *const topic[] = {
		[L2_CHANGE_ORIG] = NULL,	/* two topics: orig_changed decides */
		[L2_CHANGE_NEIGH] = "neighbor", [L2_CHANGE_GW] = "gateway",
		[L2_CHANGE_TT_LOCAL] = "translocal", [L2_CHANGE_TT_GLOBAL] = "transglobal",
		[L2_CHANGE_PORT] = "interface",
	};

	if (!m->d->ctl || (topic[what] && !mc_ctl_watched(m->d->ctl, topic[what])))
		return;
	switch (what) {
	case L2_CHANGE_ORIG: orig_changed(m, mac); break;
	case L2_CHANGE_NEIGH: neigh_changed(m, mac, port); break;
	case L2_CHANGE_GW: gw_changed(m, mac); break;
	case L2_CHANGE_TT_LOCAL: tl_changed(m, mac, vid); break;
	case L2_CHANGE_TT_GLOBAL: tg_changed(mac, vid, m); break;
	case L2_CHANGE_PORT: l2sh_ports_changed(m); break;
	}
}

/* A port came, went or came back: every port's row again (the server
 * sends only what differs). */
void l2sh_ports_changed(struct l2meshd *m)
{
	json_object *rows;

	if (!m->d->ctl || !mc_ctl_watched(m->d->ctl, "interface"))
		return;
	rows = ports_rows(m);
	for (size_t i = 0; i < json_object_array_length(rows); i++)
		mc_ctl_row_put(m->d->ctl, "interface",
			       json_object_get(json_object_array_get_idx(rows, i)));
	json_object_put(rows);
}
