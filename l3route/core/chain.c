/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hash chains for route-update seqnos (chain.h, doc/l3route-wire.md).
 * One step is BLAKE2b-128 keyed with the node id, so a chain computed for
 * one node is useless for another (no precomputed tables across nodes).
 */
#include "l3route/core/chain.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

_Static_assert(L3_ELEM_LEN >= crypto_generichash_BYTES_MIN, "element length");
_Static_assert(L3_ID_LEN >= crypto_generichash_KEYBYTES_MIN, "id as key");

static void step(uint8_t out[L3_ELEM_LEN], const uint8_t in[L3_ELEM_LEN],
		 const uint8_t id[L3_ID_LEN])
{
	crypto_generichash(out, L3_ELEM_LEN, in, L3_ELEM_LEN, id, L3_ID_LEN);
}

/* Hashes e n times into out (out may be e). */
static void walk(uint8_t out[L3_ELEM_LEN], const uint8_t e[L3_ELEM_LEN],
		 const uint8_t id[L3_ID_LEN], unsigned n)
{
	uint8_t cur[L3_ELEM_LEN];

	memcpy(cur, e, L3_ELEM_LEN);
	while (n--)
		step(cur, cur, id);
	memcpy(out, cur, L3_ELEM_LEN);
}

int l3_chain_make(struct l3_chain *c, const uint8_t seed[L3_ELEM_LEN],
		  const uint8_t id[L3_ID_LEN], uint16_t len)
{
	c->len = 0;
	c->h = NULL;
	if (len < 1)
		return -EINVAL;
	c->h = malloc(((size_t)len + 1) * L3_ELEM_LEN);
	if (!c->h)
		return -ENOMEM;
	c->len = len;
	memcpy(c->h[0], seed, L3_ELEM_LEN);
	for (size_t i = 0; i < len; i++)
		step(c->h[i + 1], c->h[i], id);
	return 0;
}

void l3_chain_free(struct l3_chain *c)
{
	if (c->h)
		sodium_memzero(c->h, ((size_t)c->len + 1) * L3_ELEM_LEN);
	free(c->h);
	c->h = NULL;
	c->len = 0;
}

const uint8_t *l3_chain_anchor(const struct l3_chain *c)
{
	return c->h[c->len];
}

const uint8_t *l3_chain_elem(const struct l3_chain *c, uint16_t seqno)
{
	if (seqno > c->len)
		return NULL;
	return c->h[c->len - seqno];
}

void l3_chain_ver_init(struct l3_chain_ver *v, const uint8_t anchor[L3_ELEM_LEN],
		       uint16_t len)
{
	v->len = len;
	v->seqno = 0;
	memcpy(v->elem, anchor, L3_ELEM_LEN);
}

/*
 * Either way the newer element is walked down to the older one: a fresher
 * claim is hashed to the element already trusted; an older claim is
 * compared with what the trusted element hashes to (no state change).
 */
int l3_chain_check(struct l3_chain_ver *v, const uint8_t id[L3_ID_LEN],
		   uint16_t seqno, const uint8_t elem[L3_ELEM_LEN])
{
	uint8_t got[L3_ELEM_LEN];

	if (seqno > v->len)
		return -ERANGE;
	if (seqno >= v->seqno) {
		walk(got, elem, id, (unsigned)(seqno - v->seqno));
		if (memcmp(got, v->elem, L3_ELEM_LEN) != 0)
			return -EBADMSG;
		v->seqno = seqno;
		memcpy(v->elem, elem, L3_ELEM_LEN);
		return 0;
	}
	walk(got, v->elem, id, (unsigned)(v->seqno - seqno));
	return memcmp(got, elem, L3_ELEM_LEN) == 0 ? 0 : -EBADMSG;
}
