/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gateway announcement (batman-adv's gateway_common.c): our GW TVLV
 * when this node offers a gateway, and the other originators' offers,
 * kept in their originator entries for batctl's gateway list. A TVLV
 * handler like TT: the OGM path never names it.
 */
#include <errno.h>
#include <string.h>

#include "l2mesh/core/originator.h"

/* The GW TVLV in 100 kbit/s units; an up of 0 would mean "no gateway". */
static int gw_ogm_append(struct l2_node *n, struct mc_wr *w)
{
	struct l2_tvlv_gw gw;

	if (!n->cfg.gw_down_kbit)
		return 0;
	gw.bw_down_100kbps = n->cfg.gw_down_kbit / L2_GW_BW_UNIT_KBPS;
	gw.bw_up_100kbps = n->cfg.gw_up_kbit / L2_GW_BW_UNIT_KBPS;
	if (!gw.bw_down_100kbps)
		gw.bw_down_100kbps = 1;
	if (!gw.bw_up_100kbps)	/* batctl's default: a fifth of down */
		gw.bw_up_100kbps = gw.bw_down_100kbps / 5 ? gw.bw_down_100kbps / 5 : 1;
	return l2_tvlv_gw_encode(w, &gw);
}

/* batadv_gw_tvlv_ogm_handler_v1: no (valid) GW TVLV means no gateway. */
static void gw_ogm_rx(struct l2_node *n, struct l2_orig *o, const struct l2_tvlv *tv)
{
	struct l2_tvlv_gw gw;

	uint32_t down = o->gw_down, up = o->gw_up;

	if (!tv || l2_tvlv_gw_decode(tv, &gw) < 0)
		gw.bw_down_100kbps = gw.bw_up_100kbps = 0;
	o->gw_down = gw.bw_down_100kbps;
	o->gw_up = gw.bw_up_100kbps;
	if (!o->gw_down || !o->gw_up)
		o->gw_down = o->gw_up = 0;
	if (o->gw_down != down || o->gw_up != up)
		l2_changed(n, L2_CHANGE_GW, o->addr, 0, 0);
}

int l2_gw_init(struct l2_node *n)
{
	static const struct l2_tvlv_handler h = {
		.type = L2_TVLV_GW, .version = L2_TVLV_GW_VERSION, .name = "GW",
		.ogm_rx = gw_ogm_rx, .ogm_absent = true, .ogm_append = gw_ogm_append,
	};

	return l2_tvlv_register(n, &h);
}

/* ---- query API -------------------------------------------------------------- */

struct gw_ctx {
	struct l2_node *n;
	void (*fn)(void *user, const struct l2_gw_entry *e);
	void *user;
};

static void gw_entry(const struct l2_node *n, const struct l2_orig *o, struct l2_gw_entry *e)
{
	memcpy(e->orig, o->addr, 6);
	e->tq = o->router->tq_avg;
	memcpy(e->nexthop, o->router->addr, 6);
	e->port = o->router->port;
	e->port_name = n->ports[o->router->port].name;
	e->down_kbit = o->gw_down * L2_GW_BW_UNIT_KBPS;
	e->up_kbit = o->gw_up * L2_GW_BW_UNIT_KBPS;
}

static void gw_row(struct l2_orig *o, void *arg)
{
	struct gw_ctx *c = arg;
	struct l2_gw_entry e;

	if (!l2_orig_is_gw(o))
		return;
	gw_entry(c->n, o, &e);
	c->fn(c->user, &e);
}

int l2_gw_get(struct l2_node *n, const uint8_t orig[6], struct l2_gw_entry *e)
{
	struct l2_orig *o = l2_orig_find(n, orig);

	if (!o || !l2_orig_is_gw(o))
		return -ENOENT;
	gw_entry(n, o, e);
	return 0;
}

void l2_gw_foreach(struct l2_node *n,
		   void (*fn)(void *user, const struct l2_gw_entry *e), void *user)
{
	struct gw_ctx c = { n, fn, user };

	l2_orig_walk(n, gw_row, &c);
}
