/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mesh under leasesyncd, as l2meshd sees it: its originators, asked
 * for every half second (without blocking). An originator heard again after
 * three OGM intervals of silence, 4 s at least (a node back, a partition
 * healed), or one never seen before, pokes the core (ls_poke): the next
 * round comes at once instead of up to 10 s later, and again 1 and 3 s
 * later. Without l2meshd nothing happens.
 */
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/ctl_aclient.h"
#include "common/log.h"
#include "leasesync/shell/leasesyncd.h"

#define LSD_MESH_POLL_MS 500u

static struct lsd_orig *orig_find(struct lsd *l, const uint8_t mac[6])
{
	for (unsigned i = 0; i < l->norigs; i++)
		if (!memcmp(l->origs[i].mac, mac, 6))
			return &l->origs[i];
	return NULL;
}

static void on_origs(void *user, json_object *reply)
{
	struct lsd *l = user;
	json_object *rows, *v;
	bool poke = false;

	l->mesh_pending = false;
	if (!reply || !json_object_object_get_ex(reply, "data", &rows) ||
	    !json_object_is_type(rows, json_type_array))
		return;
	for (unsigned i = 0; i < l->norigs; i++)
		l->origs[i].now_up = false;
	for (size_t i = 0; i < json_object_array_length(rows); i++) {
		json_object *r = json_object_array_get_idx(rows, i);
		struct lsd_orig *o;
		uint8_t mac[6];

		if (!json_object_object_get_ex(r, "originator", &v) ||
		    mc_mac_parse(json_object_get_string(v), mac) < 0)
			continue;
		if (!(o = orig_find(l, mac))) {
			if (l->norigs >= LSD_MESH_ORIGS)
				continue;
			o = &l->origs[l->norigs++];
			memset(o, 0, sizeof(*o));
			memcpy(o->mac, mac, 6);
		}
		if (json_object_object_get_ex(r, "last_seen_ms", &v) &&
		    json_object_get_int64(v) < l->mesh_lost_ms)
			o->now_up = true;	/* a row of it (one per next hop) is fresh */
	}
	/* new, or back after silence or a purge */
	for (unsigned i = 0; i < l->norigs; i++) {
		struct lsd_orig *o = &l->origs[i];

		if (o->now_up && !o->up)
			poke = true;
		o->up = o->now_up;
		/* a node that just started asks three of them for the cloud's
		 * records (those that are nodes, not ports, answer) */
		if (o->up && l->core && l->fetch_asked < 3 &&
		    ls_fetch_from(l->core, lsd_now(l), o->mac) == 0)
			l->fetch_asked++;
	}
	/* and again 1 and 3 s later: the first OGM from the other side
	 * comes before the routes back (batman wants its own OGMs echoed),
	 * so the first round's unicasts may find no way yet */
	if (poke) {
		l->repokes = 2;
		l->repoke_ms = lsd_now(l) + 1000;
	} else if (l->repokes && lsd_now(l) >= l->repoke_ms) {
		poke = true;
		l->repokes--;
		l->repoke_ms = lsd_now(l) + 2000;
	}
	if (poke && l->core) {
		ls_poke(l->core, lsd_now(l));
		lsd_rearm(l);
	}
}

static void on_closed(void *user, int err)
{
	struct lsd *l = user;

	l->mesh_pending = false;
	l->mesh_gone = true;
}

static void on_poll(void *user)
{
	struct lsd *l = user;
	const struct mc_ctl_aclient_ops ops = { .closed = on_closed, .user = l };
	json_object *req;

	mc_timer_arm(l->d->loop, &l->mesh_timer, LSD_MESH_POLL_MS);
	if (l->mesh && l->mesh_gone) {
		mc_ctl_aclient_close(l->mesh);
		l->mesh = NULL;
	}
	if (!l->mesh) {
		l->mesh_gone = false;
		if (mc_ctl_aclient_open(&l->mesh, l->d->loop, l->d->rundir, "l2meshd", &ops) < 0) {
			l->mesh = NULL;
			return;
		}
	}
	if (l->mesh_pending)
		return;
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("originators"));
	if (mc_ctl_aclient_call(l->mesh, req, on_origs, l) == 0)
		l->mesh_pending = true;
	json_object_put(req);
}

void lsd_mesh_start(struct lsd *l)
{
	long iv = 1000;

	mc_conf_get_int(mc_conf_section(l->d->conf, "network"), "orig_interval", &iv);
	l->mesh_lost_ms = 3 * iv > 4000 ? 3 * iv : 4000;
	mc_timer_init(&l->mesh_timer, on_poll, l);
	mc_timer_arm(l->d->loop, &l->mesh_timer, LSD_MESH_POLL_MS);
}

void lsd_mesh_stop(struct lsd *l)
{
	mc_timer_stop(l->d->loop, &l->mesh_timer);
	if (l->mesh)
		mc_ctl_aclient_close(l->mesh);
	l->mesh = NULL;
}
