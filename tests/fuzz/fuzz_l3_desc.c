/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz the description parser. Each input is tried twice:
 *  1. as it is: 0, -EBADMSG or -EKEYREJECTED, nothing else;
 *  2. re-signed: the public key, total length and signature are replaced
 *     by a fixed key's, so mutated items reach the checks behind the
 *     signature. Then -EKEYREJECTED is impossible: 0 or -EBADMSG only.
 * Whatever parses is rebuilt with l3_desc_build() and must parse to the
 * same values (canonical item order; unknown items dropped).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/buf.h"
#include "l3route/core/desc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) abort(); } while (0)

#define PK_OFF 4
#define LEN_OFF 2

static uint8_t fz_pk[L3_PK_LEN], fz_sk[L3_SK_LEN];

static void keys_once(void)
{
	static bool done;
	uint8_t seed[32];

	if (done)
		return;
	memset(seed, 0x5a, sizeof(seed));
	l3_key_from_seed(seed, fz_pk, fz_sk);
	done = true;
}

static bool ip_same(const struct mc_ip *a, const struct mc_ip *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       !memcmp(a->a, b->a, mc_ip_len(a));
}

static void same_desc(const struct l3_desc *a, const struct l3_desc *b)
{
	ENSURE(!memcmp(a->pk, b->pk, L3_PK_LEN) && !memcmp(a->id, b->id, L3_ID_LEN));
	ENSURE(a->dseq == b->dseq && a->chain_len == b->chain_len);
	ENSURE(!memcmp(a->anchor, b->anchor, L3_ELEM_LEN));
	ENSURE(!strcmp(a->hostname, b->hostname));
	ENSURE(a->nprefix == b->nprefix && a->ngw == b->ngw);
	for (unsigned i = 0; i < a->nprefix; i++) {
		ENSURE(ip_same(&a->prefix[i].ip, &b->prefix[i].ip));
		ENSURE(a->prefix[i].flags == b->prefix[i].flags);
	}
	for (unsigned i = 0; i < a->ngw; i++) {
		ENSURE(ip_same(&a->gw[i].ip, &b->gw[i].ip));
		ENSURE(a->gw[i].down_kbit == b->gw[i].down_kbit);
		ENSURE(a->gw[i].up_kbit == b->gw[i].up_kbit);
	}
}

/*
 * The items of a blob as (offset, length) of each whole known item: the
 * framing only (type u8 | length u8 | body), no values, so comparing two
 * lists byte for byte checks the parser's values against the input bytes.
 */
#define ITEMS_MAX 512

static size_t known_items(const uint8_t *blob, size_t len, size_t *off, size_t *ilen)
{
	size_t n = 0, at = L3_DESC_HDR_LEN, end = len - L3_SIG_LEN;

	while (at + 2 <= end) {
		size_t l = 2 + (size_t)blob[at + 1];
		uint8_t t = blob[at];

		if (t >= L3_DI_HOSTNAME && t <= L3_DI_GATEWAY) {
			ENSURE(n < ITEMS_MAX);
			off[n] = at;
			ilen[n++] = l;
		}
		at += l;
	}
	ENSURE(at == end);
	return n;
}

/* Same known items in both blobs, in any order (build sorts them by kind). */
static void same_items(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	static size_t ao[ITEMS_MAX], al[ITEMS_MAX], bo[ITEMS_MAX], bl[ITEMS_MAX];
	bool used[ITEMS_MAX] = { false };
	size_t na = known_items(a, alen, ao, al), nb = known_items(b, blen, bo, bl);

	ENSURE(na == nb);
	for (size_t i = 0; i < na; i++) {
		size_t j = 0;

		while (j < nb && (used[j] || al[i] != bl[j] ||
				  memcmp(a + ao[i], b + bo[j], al[i])))
			j++;
		ENSURE(j < nb);
		used[j] = true;
	}
}

/* A parsed description: identity derived right, and it survives a rebuild. */
static void check_parsed(const uint8_t *blob, size_t len, const struct l3_desc *d)
{
	uint8_t id[L3_ID_LEN], hash[L3_ID_LEN], out[L3_DESC_MAX];
	struct l3_desc b, c;
	int n;

	l3_id_from_pk(d->pk, id);
	ENSURE(!memcmp(id, d->id, L3_ID_LEN));
	crypto_generichash(hash, sizeof(hash), blob, len, NULL, 0);
	ENSURE(!memcmp(hash, d->hash, L3_ID_LEN));
	if (memcmp(d->pk, fz_pk, L3_PK_LEN))
		return;	/* a corpus blob signed by another key: cannot rebuild */
	b = *d;
	n = l3_desc_build(out, sizeof(out), &b, fz_sk);
	ENSURE(n > 0 && (size_t)n <= len);
	ENSURE(l3_desc_parse(out, (size_t)n, &c) == 0);
	ENSURE(c.unknown == 0);
	same_desc(d, &c);
	same_items(blob, len, out, (size_t)n);
	/* header fields other than flags and reserved come back byte for byte */
	ENSURE(!memcmp(blob + PK_OFF, out + PK_OFF, L3_DESC_HDR_LEN - PK_OFF - 2));
	ENSURE(!memcmp(b.hash, c.hash, L3_ID_LEN));
}

static void resigned(const uint8_t *data, size_t size)
{
	uint8_t blob[L3_DESC_MAX];
	struct l3_desc d;
	int rc;

	if (size < L3_DESC_HDR_LEN + L3_SIG_LEN || size > L3_DESC_MAX)
		return;
	memcpy(blob, data, size);
	memcpy(blob + PK_OFF, fz_pk, L3_PK_LEN);
	mc_put_u16(blob + LEN_OFF, (uint16_t)size);
	crypto_sign_detached(blob + size - L3_SIG_LEN, NULL, blob,
			     size - L3_SIG_LEN, fz_sk);
	rc = l3_desc_parse(blob, size, &d);
	ENSURE(rc == 0 || rc == -EBADMSG);
	if (rc == 0)
		check_parsed(blob, size, &d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct l3_desc d;
	int rc;

	keys_once();
	rc = l3_desc_parse(data, size, &d);
	ENSURE(rc == 0 || rc == -EBADMSG || rc == -EKEYREJECTED);
	if (rc == 0)
		check_parsed(data, size, &d);
	resigned(data, size);
	return 0;
}
