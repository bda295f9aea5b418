/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The translation table's contract with the data plane (node.h), as
 * fake.h describes: clients from the per-node tables, calls recorded.
 * It registers no TVLV handler and no purge hook: with empty tables it
 * is a table that knows nobody.
 */
#include <errno.h>
#include <string.h>

#include "tests/l2stubs/fake.h"

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

static struct stub_client *client_find(struct stub_client *list, unsigned n,
				       const uint8_t mac[6], uint16_t vid)
{
	for (unsigned i = 0; i < n; i++)
		if (l2_mac_eq(list[i].mac, mac) && list[i].vid == vid)
			return &list[i];
	return NULL;
}

static void client_put(struct stub_client *c, const uint8_t mac[6], uint16_t vid,
		       unsigned lport)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->mac, mac, 6);
	c->vid = vid;
	c->lport = lport;
}

void l2_tt_local_seen(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
		      unsigned lport)
{
	struct stub_node *s = stub_of(n);
	struct stub_client *c = client_find(s->local, s->nlocal, mac, vid);

	s->local_seen++;
	client_put(&s->last_local_seen, mac, vid, lport);
	if (!c && s->nlocal < STUB_ENTRIES)
		c = &s->local[s->nlocal++];
	if (c)
		client_put(c, mac, vid, lport);
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
	client_put(&s->last_temp, mac, vid, 0);
	memcpy(s->last_temp.orig, orig, 6);
	stub_client_add(s, mac, vid, orig, 0);	/* TEMP entries are looked up */
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
