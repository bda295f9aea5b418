/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l2meshd's control commands: statistics, status, and ICMP probes for
 * meshctl ping/traceroute; the tables and their events are tables.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "l2mesh/core/node.h"
#include "l2mesh/core/originator.h"
#include "l2mesh/core/tt.h"
#include "l2mesh/shell/l2meshd.h"

static struct l2meshd *ctx(void *user)
{
	return ((struct mc_daemon *)user)->priv;
}

static int cmd_statistics(json_object *req, json_object **data, const char **err,
			  void *user)
{
	struct l2meshd *m = ctx(user);
	json_object *o = json_object_new_object();

	for (int s = 0; s < L2_STAT_COUNT; s++)
		mc_json_add(o, l2_stat_name(s),
				       mc_json_int((int64_t)m->node->stats[s]));
	*data = o;
	return 0;
}

/*
 * {"cmd":"ping_send","dst":MAC,"uid":N,"seqno":N,"ttl":N}: one batman ICMP
 * echo request. Answers come as "icmp" events to subscribers; meshctl
 * times them itself.
 */
static int cmd_ping_send(json_object *req, json_object **data, const char **err,
			 void *user)
{
	struct l2meshd *m = ctx(user);
	json_object *v;
	uint8_t dst[6];
	int uid = 0, seq = 0, ttl = 50, rc;

	if (!json_object_object_get_ex(req, "dst", &v) ||
	    mc_mac_parse(json_object_get_string(v), dst) < 0) {
		*err = "ping_send needs \"dst\": an originator or client MAC";
		return -EINVAL;
	}
	if (json_object_object_get_ex(req, "uid", &v))
		uid = json_object_get_int(v);
	if (json_object_object_get_ex(req, "seqno", &v))
		seq = json_object_get_int(v);
	if (json_object_object_get_ex(req, "ttl", &v))
		ttl = json_object_get_int(v);
	if (uid < 0 || uid > 255 || seq < 0 || seq > 65535 || ttl < 1 || ttl > 255) {
		*err = "uid 0..255, seqno 0..65535, ttl 1..255";
		return -EINVAL;
	}
	/* a client MAC is pinged at the originator that serves it */
	uint8_t orig[6], ttvn;
	if (l2_tt_global_lookup(m->node, dst, 0, orig, &ttvn) == 0)
		memcpy(dst, orig, 6);
	rc = l2_ping(m->node, dst, (uint8_t)uid, (uint16_t)seq, (uint8_t)ttl,
		     mc_ev_now_ms(m->d->loop));
	if (rc < 0) {
		*err = rc == -ENOENT ? "destination unreachable: no route to that originator"
				     : "cannot send";
		return rc;
	}
	*data = json_object_new_object();
	mc_json_add(*data, "dst", mc_json_mac(dst));
	return 0;
}

void l2sh_icmp_result(struct l2meshd *m, const struct l2_icmp_result *res)
{
	static const char *const names[] = {
		[L2_ICMP_ECHO_REPLY] = "echo_reply", [L2_ICMP_DEST_UNREACH] = "unreachable",
		[L2_ICMP_TTL_EXCEEDED] = "ttl_exceeded",
	};
	json_object *o = json_object_new_object();

	mc_json_add(o, "uid", mc_json_int(res->uid));
	mc_json_add(o, "seqno", mc_json_int(res->seqno));
	mc_json_add(o, "type", mc_json_str(
		res->msg_type < 12 && names[res->msg_type] ? names[res->msg_type] : "other"));
	mc_json_add(o, "from", mc_json_mac(res->from));
	mc_json_add(o, "ttl", mc_json_int(res->ttl));
	mc_ctl_publish(m->d->ctl, "icmp", o);
}

void l2sh_status(struct mc_daemon *d, json_object *st)
{
	struct l2meshd *m = d->priv;

	if (!m || !m->node)
		return;
	mc_json_add(st, "originator", mc_json_mac(m->mac));
	mc_json_add(st, "algorithm", mc_json_str("BATMAN_IV"));
	mc_json_add(st, "compat_version", mc_json_int(L2_COMPAT_VERSION));
	mc_json_add(st, "vid", mc_json_int(m->vid));
	mc_json_add(st, "mesh_ports", mc_json_int((int)m->nmesh));
	mc_json_add(st, "local_ports", mc_json_int((int)m->nlocal));
	if (m->nvlan) {
		mc_json_add(st, "vlan_interfaces", mc_json_int((int)m->nvlan));
		mc_json_add(st, "babeld_pid", mc_json_int(m->babel_pid));
		mc_json_add(st, "babeld_restarts", mc_json_int(m->babel_restarts));
		mc_json_add(st, "babeld_gw", l2sh_autogw_json(m));
	}
	struct l2_orig_stats os;
	l2_orig_stats(m->node, &os);
	mc_json_add(st, "originators", mc_json_int((int64_t)os.originators));
	mc_json_add(st, "neighbors", mc_json_int((int64_t)os.neighbours));
	mc_json_add(st, "gateways", mc_json_int((int64_t)os.gateways));
	mc_json_add(st, "ttvn", mc_json_int(l2_tt_ttvn(m->node)));
	mc_json_add(st, "ogm_held", mc_json_bool(m->ogm_held));
	mc_json_add(st, "ogm_held_reads", mc_json_int((int64_t)m->ogm_held_reads));
	mc_json_add(st, "busy_poll_us", mc_json_int(m->spin_us));
	mc_json_add(st, "busy_poll_ms", mc_json_int(
		(int64_t)(m->spin_ns / 1000000u)));
}

const struct mc_ctl_cmd l2sh_cmds[] = {
	{ "originators", l2sh_cmd_originators, "batctl o: originators, one row per candidate next hop" },
	{ "neighbors", l2sh_cmd_neighbors, "batctl n: one-hop neighbours" },
	{ "gateways", l2sh_cmd_gateways, "batctl gwl: originators announcing a gateway" },
	{ "translocal", l2sh_cmd_translocal, "batctl tl: this node's clients" },
	{ "transglobal", l2sh_cmd_transglobal, "batctl tg: other nodes' clients" },
	{ "statistics", cmd_statistics, "batctl s: counters, drops by reason" },
	{ "interface", l2sh_cmd_interface, "batctl if: mesh and local ports" },
	{ "ping_send", cmd_ping_send, "one ICMP echo request {dst,uid,seqno,ttl}; answers as icmp events" },
};
const unsigned l2sh_ncmds = sizeof(l2sh_cmds) / sizeof(l2sh_cmds[0]);

