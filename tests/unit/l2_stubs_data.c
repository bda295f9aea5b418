/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The other core modules' contracts, faked for the data plane's tests:
 * see l2_stubs_data.h. Replaced by the real bat_iv.c, originator.c and
 * tt.c once the data plane is linked with them.
 */
#include <errno.h>
#include <string.h>

#include "l2mesh/core/tt.h"
#include "tests/unit/l2_stubs_data.h"

struct stub_node stub_nodes[STUB_NODES];
static struct stub_node stub_nobody;	/* answers for unknown nodes */

void stub_reset(void)
{
	memset(stub_nodes, 0, sizeof(stub_nodes));
	memset(&stub_nobody, 0, sizeof(stub_nobody));
}

struct stub_node *stub_add(const uint8_t mac[6])
{
	for (unsigned i = 0; i < STUB_NODES; i++) {
		if (!stub_nodes[i].used) {
			stub_nodes[i].used = true;
			memcpy(stub_nodes[i].mac, mac, 6);
			return &stub_nodes[i];
		}
	}
	return &stub_nobody;
}

struct stub_node *stub_of(const struct l2_node *n)
{
	for (unsigned i = 0; i < STUB_NODES; i++)
		if (stub_nodes[i].used && l2_mac_eq(stub_nodes[i].mac, n->cfg.mac))
			return &stub_nodes[i];
	return &stub_nobody;
}

void stub_route_add(struct stub_node *s, const uint8_t orig[6], unsigned port,
		    const uint8_t nexthop[6])
{
	if (s->nroutes == STUB_ENTRIES)
		return;
	memcpy(s->route[s->nroutes].orig, orig, 6);
	s->route[s->nroutes].port = port;
	memcpy(s->route[s->nroutes].nexthop, nexthop, 6);
	s->nroutes++;
}

void stub_known_add(struct stub_node *s, const uint8_t orig[6])
{
	if (s->nknown < STUB_ENTRIES)
		memcpy(s->known[s->nknown++], orig, 6);
}

void stub_neigh_add(struct stub_node *s, unsigned port, const uint8_t mac[6])
{
	if (port < L2_PORTS_MAX && s->nneigh[port] < STUB_NEIGH)
		memcpy(s->neigh[port][s->nneigh[port]++], mac, 6);
}

static void client_set(struct stub_client *c, const uint8_t mac[6], uint16_t vid,
		       const uint8_t *orig, uint8_t ttvn)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->mac, mac, 6);
	c->vid = vid;
	if (orig)
		memcpy(c->orig, orig, 6);
	c->ttvn = ttvn;
}

void stub_client_add(struct stub_node *s, const uint8_t mac[6], uint16_t vid,
		     const uint8_t orig[6], uint8_t ttvn)
{
	if (s->nglobal < STUB_ENTRIES)
		client_set(&s->global[s->nglobal++], mac, vid, orig, ttvn);
}

void stub_redirect_add(struct stub_node *s, const uint8_t client[6],
		       const uint8_t orig[6], uint8_t ttvn)
{
	if (s->nredirect < STUB_ENTRIES)
		client_set(&s->redirect[s->nredirect++], client, 0, orig, ttvn);
}

static struct stub_client *client_find(struct stub_client *list, unsigned n,
				       const uint8_t mac[6], uint16_t vid)
{
	for (unsigned i = 0; i < n; i++)
		if (l2_mac_eq(list[i].mac, mac) && list[i].vid == vid)
			return &list[i];
	return NULL;
}

/* ---- routing plane ---------------------------------------------------------- */

int l2_iv_init(struct l2_node *n)
{
	return 0;
}

void l2_iv_free(struct l2_node *n)
{
}

void l2_iv_rx(struct l2_node *n, unsigned port, const struct l2_eth *eth,
	      struct mc_rd *r)
{
	stub_of(n)->iv_rx++;
}

uint64_t l2_iv_tick(struct l2_node *n, uint64_t now_ms)
{
	return UINT64_MAX;
}

void l2_iv_port_changed(struct l2_node *n, unsigned port)
{
}

int l2_orig_router(struct l2_node *n, const uint8_t orig[6], unsigned *port_r,
		   uint8_t nexthop_r[6])
{
	struct stub_node *s = stub_of(n);

	for (unsigned i = 0; i < s->nroutes; i++) {
		if (l2_mac_eq(s->route[i].orig, orig)) {
			*port_r = s->route[i].port;
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

	for (unsigned i = 0; i < s->nroutes; i++)
		if (l2_mac_eq(s->route[i].orig, orig))
			return true;
	for (unsigned i = 0; i < s->nknown; i++)
		if (l2_mac_eq(s->known[i], orig))
			return true;
	return false;
}

/* ---- translation table ------------------------------------------------------- */

int l2_tt_init(struct l2_node *n)
{
	return 0;
}

void l2_tt_free(struct l2_node *n)
{
}

uint64_t l2_tt_tick(struct l2_node *n, uint64_t now_ms)
{
	return UINT64_MAX;
}

void l2_tt_local_seen(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
		      unsigned lport)
{
	struct stub_node *s = stub_of(n);
	struct stub_client *c = client_find(s->local, s->nlocal, mac, vid);

	s->local_seen++;
	client_set(&s->last_local_seen, mac, vid, NULL, 0);
	s->last_local_seen.lport = lport;
	if (!c && s->nlocal < STUB_ENTRIES)
		c = &s->local[s->nlocal++];
	if (c) {
		client_set(c, mac, vid, NULL, 0);
		c->lport = lport;
	}
}

bool l2_tt_local_has(struct l2_node *n, const uint8_t mac[6], uint16_t vid)
{
	struct stub_node *s = stub_of(n);

	return client_find(s->local, s->nlocal, mac, vid) != NULL;
}

int l2_tt_global_lookup(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
			uint8_t orig_r[6], uint8_t *ttvn_r)
{
	struct stub_node *s = stub_of(n);
	struct stub_client *c = client_find(s->global, s->nglobal, mac, vid);

	if (!c)
		return -ENOENT;
	memcpy(orig_r, c->orig, 6);
	*ttvn_r = c->ttvn;
	return 0;
}

void l2_tt_temp_seen(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
		     const uint8_t orig[6])
{
	struct stub_node *s = stub_of(n);

	s->temp_seen++;
	client_set(&s->last_temp, mac, vid, orig, 0);
	stub_client_add(s, mac, vid, orig, 0);	/* TEMP entries are looked up */
}

void l2_tt_unicast_tvlv_rx(struct l2_node *n, const uint8_t src[6],
			   const struct l2_tvlv *tv)
{
	struct stub_node *s = stub_of(n);
	struct stub_tvlv *t;

	if (s->ntvlv == STUB_TVLV_MAX)
		return;
	t = &s->tvlv[s->ntvlv++];
	memcpy(t->src, src, 6);
	t->type = tv->type;
	t->version = tv->version;
	t->len = tv->len;
	memcpy(t->value, tv->value, tv->len < STUB_TVLV_VALUE ? tv->len : STUB_TVLV_VALUE);
}

/* The unicast header: ttvn at byte 3, dest at bytes 4-9. */
#define HDR_TTVN 3
#define HDR_DEST 4

bool l2_tt_check_unicast(struct l2_node *n, uint8_t *hdr, const uint8_t client[6],
			 uint16_t vid)
{
	struct stub_node *s = stub_of(n);

	s->check_unicast++;
	for (unsigned i = 0; i < s->nredirect; i++) {
		if (l2_mac_eq(s->redirect[i].mac, client)) {
			memcpy(hdr + HDR_DEST, s->redirect[i].orig, 6);
			hdr[HDR_TTVN] = s->redirect[i].ttvn;
			break;
		}
	}
	return l2_mac_eq(hdr + HDR_DEST, n->cfg.mac);
}

/* Relays never answer in these tests: every transit TVLV is forwarded. */
bool l2_tt_unicast_tvlv_transit(struct l2_node *n, const uint8_t src[6],
				const uint8_t dst[6], const struct l2_tvlv *tv)
{
	(void)n; (void)src; (void)dst; (void)tv;
	return false;
}
