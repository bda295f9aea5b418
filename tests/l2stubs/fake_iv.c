/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The routing plane (bat_iv.c, originator.c, gw.c) as fake.h describes:
 * its node.h contract answered from the per-node tables.
 */
#include <errno.h>
#include <string.h>

#include "tests/l2stubs/fake.h"

static void iv_rx(struct l2_node *n, unsigned port, const struct l2_eth *eth,
		  struct mc_rd *r)
{
	stub_of(n)->iv_rx++;
}

int l2_iv_init(struct l2_node *n)
{
	return l2_rx_register(n, L2_PT_IV_OGM, iv_rx, SIZE_MAX);
}

void l2_iv_free(struct l2_node *n)
{
}

uint64_t l2_iv_tick(struct l2_node *n, uint64_t now_ms)
{
	return UINT64_MAX;
}

void l2_iv_port_changed(struct l2_node *n, unsigned port)
{
}

int l2_gw_init(struct l2_node *n)
{
	return 0;
}

/* Nothing is ever purged here. */
int l2_origs_on_gone(struct l2_node *n, l2_orig_gone_fn fn)
{
	return 0;
}

int l2_orig_router(struct l2_node *n, const uint8_t orig[6], unsigned *port_r,
		   uint8_t nexthop_r[6])
{
	struct stub_node *s = stub_of(n);

	for (unsigned i = 0; i < s->nroutes; i++) {
		if (l2_mac_eq(s->route[i].orig, orig)) {
			if (port_r)
				*port_r = s->route[i].port;
			if (nexthop_r)
				memcpy(nexthop_r, s->route[i].nexthop, 6);
			return 0;
		}
	}
	return -ENOENT;
}

bool l2_neigh_on_port(struct l2_node *n, unsigned port, const uint8_t mac[6])
{
	struct stub_node *s = stub_of(n);

	if (port >= L2_PORTS_MAX)
		return false;
	for (unsigned i = 0; i < s->nneigh[port]; i++)
		if (l2_mac_eq(s->neigh[port][i], mac))
			return true;
	return false;
}

unsigned l2_port_neigh_count(struct l2_node *n, unsigned port)
{
	return port < L2_PORTS_MAX ? stub_of(n)->nneigh[port] : 0;
}

bool l2_orig_known(struct l2_node *n, const uint8_t orig[6])
{
	struct stub_node *s = stub_of(n);

	if (l2_orig_router(n, orig, NULL, NULL) == 0)
		return true;
	for (unsigned i = 0; i < s->nknown; i++)
		if (l2_mac_eq(s->known[i], orig))
			return true;
	return false;
}
