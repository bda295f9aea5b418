/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L3_CHAIN_H
#define L3_CHAIN_H

/*
 * Hash chains that authenticate route-update seqnos (doc/l3route-wire.md).
 *
 * h_0 = a random secret seed; h_{i+1} = BLAKE2b-128(h_i) keyed with the node
 * id; the anchor h_len goes into the signed description. Seqno s (0..len)
 * is proven by element e_s = h_{len-s}: hashing e_s s times gives the
 * anchor. Whoever relays an update can copy e_s but cannot compute
 * e_{s+1} = h_{len-s-1} (a preimage), so nobody but the originator can
 * make a fresher seqno.
 */

#include <stddef.h>
#include <stdint.h>

#include "l3route/core/packet.h"

/* The originator's side: the whole chain, (len + 1) * 16 bytes. */
struct l3_chain {
	uint16_t len;
	uint8_t (*h)[L3_ELEM_LEN];	/* h[0] seed ... h[len] anchor */
};

/* 0 or -ENOMEM; len >= 1. */
int l3_chain_make(struct l3_chain *c, const uint8_t seed[L3_ELEM_LEN],
		  const uint8_t id[L3_ID_LEN], uint16_t len);
void l3_chain_free(struct l3_chain *c);
const uint8_t *l3_chain_anchor(const struct l3_chain *c);
/* e_seqno, or NULL when seqno > len. */
const uint8_t *l3_chain_elem(const struct l3_chain *c, uint16_t seqno);

/* The verifier's side: the newest (seqno, element) proven so far. */
struct l3_chain_ver {
	uint16_t len;
	uint16_t seqno;
	uint8_t elem[L3_ELEM_LEN];
};

/* Starts at (0, anchor). */
void l3_chain_ver_init(struct l3_chain_ver *v, const uint8_t anchor[L3_ELEM_LEN],
		       uint16_t len);
/*
 * Checks that elem proves seqno: 0 (and v moves forward when seqno is newer
 * than v->seqno), -ERANGE when seqno > len (beyond the chain), -EBADMSG when
 * the element is wrong. Costs |seqno - v->seqno| hashes.
 */
int l3_chain_check(struct l3_chain_ver *v, const uint8_t id[L3_ID_LEN],
		   uint16_t seqno, const uint8_t elem[L3_ELEM_LEN]);

#endif
