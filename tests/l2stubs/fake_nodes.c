/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The per-node tables the stand-ins answer from (fake.h). */
#include <string.h>

#include "tests/l2stubs/fake.h"

struct stub_node stub_nodes[STUB_NODES];
struct stub_net stub_net;
static struct stub_node stub_nobody;	/* answers for unknown nodes */

void stub_reset(void)
{
	memset(stub_nodes, 0, sizeof(stub_nodes));
	memset(&stub_nobody, 0, sizeof(stub_nobody));
	memset(&stub_net, 0, sizeof(stub_net));
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

struct stub_node *stub_find(const uint8_t mac[6])
{
	for (unsigned i = 0; i < STUB_NODES; i++)
		if (stub_nodes[i].used && l2_mac_eq(stub_nodes[i].mac, mac))
			return &stub_nodes[i];
	return NULL;
}

struct stub_node *stub_of(const struct l2_node *n)
{
	struct stub_node *s = stub_find(n->cfg.mac);

	return s ? s : &stub_nobody;
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

/* ---- a recording TVLV handler --------------------------------------------- */

static bool tvlv_record(struct l2_node *n, const uint8_t src[6], const uint8_t dst[6],
			const struct l2_tvlv *tv)
{
	struct stub_node *s = stub_of(n);
	struct stub_tvlv *t;

	if (!l2_node_is_me(n, dst))
		return false;
	if (s->ntvlv == STUB_TVLV_MAX)
		return true;
	t = &s->tvlv[s->ntvlv++];
	memcpy(t->src, src, 6);
	t->type = tv->type;
	t->version = tv->version;
	t->len = tv->len;
	memcpy(t->value, tv->value, tv->len < STUB_TVLV_VALUE ? tv->len : STUB_TVLV_VALUE);
	return true;
}

int stub_tvlv_record(struct l2_node *n, uint8_t type, uint8_t version)
{
	struct l2_tvlv_handler h = {
		.type = type, .version = version, .name = "stub", .unicast_rx = tvlv_record,
	};

	return l2_tvlv_register(n, &h);
}
