/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L3_DESC_H
#define L3_DESC_H

/*
 * Node identity and signed descriptions (doc/l3route-wire.md).
 *
 * Identity: an ed25519 key pair; node id = BLAKE2b-128(public key); the
 * node's IPv6 address = fd5e::/16 followed by the first 14 bytes of the id.
 *
 * A description is everything a node announces, signed as one blob:
 *
 *   0  version u8 (1)            1  flags u8 (0)
 *   2  total length u16 (whole blob, signature included; <= L3_DESC_MAX)
 *   4  public key [32]
 *   36 desc seqno u32 (a newer description has a larger one)
 *   40 hash-chain anchor [16]    56 chain length u16
 *   58 reserved u16 (0)
 *   60 items: type u8 | length u8 | body; unknown types are skipped
 *   end-64: ed25519 signature [64] over bytes [0, end-64)
 *
 * Items: HOSTNAME (1..63 bytes [A-Za-z0-9-]); PREFIX family u8 (4|6) |
 * plen u8 | flags u8 | address [4|16] (host bits zero); GATEWAY family u8 |
 * plen u8 | down kbit/s u32 | up kbit/s u32 | address [4|16].
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "l3route/core/packet.h"

#define L3_PK_LEN 32
#define L3_SK_LEN 64		/* libsodium's ed25519 secret key (seed + pk) */
#define L3_SIG_LEN 64
#define L3_DESC_HDR_LEN 60
#define L3_DESC_MAX 1024
#define L3_DESC_PREFIX_MAX 32
#define L3_DESC_GW_MAX 4
#define L3_HOSTNAME_MAX 63

enum l3_desc_item {
	L3_DI_HOSTNAME = 1,
	L3_DI_PREFIX = 2,
	L3_DI_GATEWAY = 3,
};

/* PREFIX flags */
#define L3_PF_ANYCAST 0x01	/* shared: many nodes announce it (a cloud's range) */

struct l3_prefix {
	struct mc_ip ip;	/* host bits zero */
	uint8_t flags;
};

struct l3_gw_offer {
	struct mc_ip ip;	/* normally 0.0.0.0/0 or ::/0 */
	uint32_t down_kbit, up_kbit;
};

struct l3_desc {
	uint8_t pk[L3_PK_LEN];
	uint8_t id[L3_ID_LEN];		/* derived from pk on parse and build */
	uint32_t dseq;
	uint8_t anchor[L3_ELEM_LEN];
	uint16_t chain_len;
	char hostname[L3_HOSTNAME_MAX + 1];	/* "" when absent */
	unsigned nprefix;
	struct l3_prefix prefix[L3_DESC_PREFIX_MAX];
	unsigned ngw;
	struct l3_gw_offer gw[L3_DESC_GW_MAX];
	unsigned unknown;		/* items skipped on parse */
	uint8_t hash[L3_ID_LEN];	/* BLAKE2b-128 of the whole blob */
};

/* Identity helpers. l3_key_from_seed: deterministic (tests, simulator). */
void l3_key_from_seed(const uint8_t seed[32], uint8_t pk[L3_PK_LEN],
		      uint8_t sk[L3_SK_LEN]);
void l3_id_from_pk(const uint8_t pk[L3_PK_LEN], uint8_t id[L3_ID_LEN]);
void l3_id_addr(const uint8_t id[L3_ID_LEN], struct in6_addr *addr);

/*
 * Builds and signs d (pk, id and hash are filled from sk and the result)
 * into out; returns the blob length or -ENOSPC / -EINVAL (a field out of
 * range: hostname characters, prefix family or length, too many items).
 */
int l3_desc_build(uint8_t *out, size_t cap, struct l3_desc *d,
		  const uint8_t sk[L3_SK_LEN]);

/*
 * Parses and verifies a blob: 0 with *d filled; -EBADMSG malformed
 * (lengths, version, item bodies, host bits, hostname characters),
 * -EKEYREJECTED when the signature does not verify against the blob's own
 * public key. Successful signature checks are remembered by blob hash in a
 * small bounded cache, so the same blob arriving from several neighbours
 * (or many simulated nodes) costs one ed25519 verification.
 */
int l3_desc_parse(const uint8_t *blob, size_t len, struct l3_desc *d);

/*
 * What a signature check of blob would cost, from the two memos: 0 known
 * good (free), 1 an ed25519 verification, -EKEYREJECTED a blob that
 * failed recently (the last 1024 failures are kept; l3_desc_parse would
 * fail it again without a check). One BLAKE2b of the blob.
 */
int l3_desc_sig_state(const uint8_t *blob, size_t len);

/* The same two with the blob's memo key (its 32-byte BLAKE2b) kept
 * between them: l3_desc_sig_state_key fills key, l3_desc_parse_key takes
 * it instead of hashing the blob again (NULL: it hashes). */
#define L3_DESC_KEY_LEN 32
int l3_desc_sig_state_key(const uint8_t *blob, size_t len, uint8_t key[L3_DESC_KEY_LEN]);
int l3_desc_parse_key(const uint8_t *blob, size_t len, struct l3_desc *d,
		      const uint8_t *key);

#endif
