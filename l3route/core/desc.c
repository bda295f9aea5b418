/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Node identity and signed descriptions (layout in desc.h, byte tables in
 * doc/l3route-wire.md). Parsing checks the whole layout before the
 * signature, so a blob that is not a description costs no ed25519 work and
 * a blob that is well formed but altered is told apart (-EKEYREJECTED).
 */
#include "l3route/core/desc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <sodium.h>

#include "common/buf.h"

/* version flags total_len pk dseq anchor chain_len reserved */
_Static_assert(1 + 1 + 2 + L3_PK_LEN + 4 + L3_ELEM_LEN + 2 + 2 == L3_DESC_HDR_LEN,
	       "desc header");
_Static_assert(L3_PK_LEN == crypto_sign_PUBLICKEYBYTES, "pk");
_Static_assert(L3_SK_LEN == crypto_sign_SECRETKEYBYTES, "sk");
_Static_assert(L3_SIG_LEN == crypto_sign_BYTES, "sig");
_Static_assert(L3_DESC_MAX <= UINT16_MAX, "total length is a u16");
_Static_assert(L3_ID_LEN >= crypto_generichash_BYTES_MIN, "id hash length");

#define DESC_VERSION 1
#define DESC_LEN_OFF 2
#define ITEM_HDR_LEN 2		/* type u8 | length u8 */
/* family plen flags | family plen down up */
#define PREFIX_FIXED_LEN 3
#define GW_FIXED_LEN 10
#define WIRE_INET 4
#define WIRE_INET6 6
#define ADDR_PREFIX0 0xfd	/* node addresses: fd5e::/16 */
#define ADDR_PREFIX1 0x5e

static void sodium_once(void)
{
	static bool done;

	/* sodium_init() is idempotent; a failure means no usable RNG/CPU setup */
	if (!done) {
		if (sodium_init() < 0)
			abort();
		done = true;
	}
}

/* ---- identity ------------------------------------------------------------ */

void l3_key_from_seed(const uint8_t seed[32], uint8_t pk[L3_PK_LEN],
		      uint8_t sk[L3_SK_LEN])
{
	sodium_once();
	crypto_sign_seed_keypair(pk, sk, seed);
}

void l3_id_from_pk(const uint8_t pk[L3_PK_LEN], uint8_t id[L3_ID_LEN])
{
	sodium_once();
	crypto_generichash(id, L3_ID_LEN, pk, L3_PK_LEN, NULL, 0);
}

void l3_id_addr(const uint8_t id[L3_ID_LEN], struct in6_addr *addr)
{
	addr->s6_addr[0] = ADDR_PREFIX0;
	addr->s6_addr[1] = ADDR_PREFIX1;
	memcpy(&addr->s6_addr[2], id, 14);
}

/* ---- field rules shared by build and parse ------------------------------- */

static bool hostname_ok(const char *s, size_t n)
{
	if (n < 1 || n > L3_HOSTNAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-';
		if (!ok)
			return false;
	}
	return true;
}

/* Family, prefix length and zero host bits of an address we send or got. */
static bool ip_ok(const struct mc_ip *ip)
{
	struct mc_ip m;

	if (ip->family != AF_INET && ip->family != AF_INET6)
		return false;
	if (ip->plen > mc_ip_len(ip) * 8)
		return false;
	m = *ip;
	mc_ip_mask(&m);
	return memcmp(m.a, ip->a, mc_ip_len(ip)) == 0;
}

static uint8_t family_to_wire(int family)
{
	return family == AF_INET ? WIRE_INET : WIRE_INET6;
}

/* ---- building ------------------------------------------------------------ */

static int build_check(const struct l3_desc *d)
{
	size_t hn = strnlen(d->hostname, sizeof(d->hostname));

	if (hn == sizeof(d->hostname) || (hn && !hostname_ok(d->hostname, hn)))
		return -EINVAL;
	if (d->nprefix > L3_DESC_PREFIX_MAX || d->ngw > L3_DESC_GW_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < d->nprefix; i++)
		if (!ip_ok(&d->prefix[i].ip))
			return -EINVAL;
	for (unsigned i = 0; i < d->ngw; i++)
		if (!ip_ok(&d->gw[i].ip))
			return -EINVAL;
	return 0;
}

static void build_header(struct mc_wr *w, const struct l3_desc *d)
{
	mc_wr_u8(w, DESC_VERSION);
	mc_wr_u8(w, 0);		/* flags */
	mc_wr_u16(w, 0);	/* total length, patched once known */
	mc_wr_bytes(w, d->pk, L3_PK_LEN);
	mc_wr_u32(w, d->dseq);
	mc_wr_bytes(w, d->anchor, L3_ELEM_LEN);
	mc_wr_u16(w, d->chain_len);
	mc_wr_u16(w, 0);	/* reserved */
}

/* An item that carries an address, up to its own fields (the parser's
 * parse_ip_item): type, length, family, prefix length. */
static void build_ip_head(struct mc_wr *w, uint8_t type, size_t fixed,
			  const struct mc_ip *ip)
{
	mc_wr_u8(w, type);
	mc_wr_u8(w, (uint8_t)(fixed + mc_ip_len(ip)));
	mc_wr_u8(w, family_to_wire(ip->family));
	mc_wr_u8(w, ip->plen);
}

static void build_items(struct mc_wr *w, const struct l3_desc *d)
{
	size_t hn = strlen(d->hostname);

	if (hn) {
		mc_wr_u8(w, L3_DI_HOSTNAME);
		mc_wr_u8(w, (uint8_t)hn);
		mc_wr_bytes(w, d->hostname, hn);
	}
	for (unsigned i = 0; i < d->nprefix; i++) {
		const struct l3_prefix *p = &d->prefix[i];

		build_ip_head(w, L3_DI_PREFIX, PREFIX_FIXED_LEN, &p->ip);
		mc_wr_u8(w, p->flags);
		mc_wr_bytes(w, p->ip.a, mc_ip_len(&p->ip));
	}
	for (unsigned i = 0; i < d->ngw; i++) {
		const struct l3_gw_offer *g = &d->gw[i];

		build_ip_head(w, L3_DI_GATEWAY, GW_FIXED_LEN, &g->ip);
		mc_wr_u32(w, g->down_kbit);
		mc_wr_u32(w, g->up_kbit);
		mc_wr_bytes(w, g->ip.a, mc_ip_len(&g->ip));
	}
}

int l3_desc_build(uint8_t *out, size_t cap, struct l3_desc *d,
		  const uint8_t sk[L3_SK_LEN])
{
	struct mc_wr w;
	size_t total;
	int rc;

	sodium_once();
	rc = build_check(d);
	if (rc < 0)
		return rc;
	crypto_sign_ed25519_sk_to_pk(d->pk, sk);
	l3_id_from_pk(d->pk, d->id);
	if (cap > L3_DESC_MAX)
		cap = L3_DESC_MAX;
	mc_wr_init(&w, out, cap);
	build_header(&w, d);
	build_items(&w, d);
	mc_wr_zero(&w, L3_SIG_LEN);	/* room for the signature */
	if (!mc_wr_ok(&w))
		return -ENOSPC;
	total = mc_wr_len(&w);
	mc_put_u16(out + DESC_LEN_OFF, (uint16_t)total);
	crypto_sign_detached(out + total - L3_SIG_LEN, NULL, out,
			     total - L3_SIG_LEN, sk);
	crypto_generichash(d->hash, L3_ID_LEN, out, total, NULL, 0);
	return (int)total;
}

/* ---- parsing -------------------------------------------------------------- */

static int wire_family(uint8_t f, int *family)
{
	if (f == WIRE_INET)
		*family = AF_INET;
	else if (f == WIRE_INET6)
		*family = AF_INET6;
	else
		return -EBADMSG;
	return 0;
}

/*
 * An item that carries an address: family u8 | plen u8 | the item's own
 * fields | the address; `fixed` counts all but the address, and the body
 * must be exactly that long. *own gets the item's own fields to read.
 */
static int parse_ip_item(struct mc_rd *r, size_t fixed, struct mc_ip *ip,
			 struct mc_rd *own)
{
	uint8_t f;

	memset(ip, 0, sizeof(*ip));
	mc_rd_u8(r, &f);
	mc_rd_u8(r, &ip->plen);
	if (!mc_rd_ok(r) || wire_family(f, &ip->family) < 0)
		return -EBADMSG;
	if (mc_rd_left(r) + 2 != fixed + mc_ip_len(ip) || mc_rd_sub(r, own, fixed - 2) < 0)
		return -EBADMSG;
	mc_rd_bytes(r, ip->a, mc_ip_len(ip));
	return mc_rd_ok(r) && ip_ok(ip) ? 0 : -EBADMSG;
}

static int parse_prefix(struct mc_rd *r, struct l3_desc *d)
{
	struct l3_prefix *p = &d->prefix[d->nprefix];
	struct mc_rd own;

	if (d->nprefix == L3_DESC_PREFIX_MAX ||
	    parse_ip_item(r, PREFIX_FIXED_LEN, &p->ip, &own) < 0)
		return -EBADMSG;
	mc_rd_u8(&own, &p->flags);
	d->nprefix++;
	return 0;
}

static int parse_gw(struct mc_rd *r, struct l3_desc *d)
{
	struct l3_gw_offer *g = &d->gw[d->ngw];
	struct mc_rd own;

	if (d->ngw == L3_DESC_GW_MAX || parse_ip_item(r, GW_FIXED_LEN, &g->ip, &own) < 0)
		return -EBADMSG;
	mc_rd_u32(&own, &g->down_kbit);
	mc_rd_u32(&own, &g->up_kbit);
	d->ngw++;
	return 0;
}

/* One hostname per description: a second one is as malformed as a bad one. */
static int parse_hostname(struct mc_rd *r, struct l3_desc *d)
{
	size_t n = mc_rd_left(r);

	if (d->hostname[0] || !hostname_ok((const char *)mc_rd_cur(r), n))
		return -EBADMSG;
	mc_rd_bytes(r, d->hostname, n);
	d->hostname[n] = '\0';
	return 0;
}

static int parse_items(struct mc_rd *r, struct l3_desc *d)
{
	uint8_t type, len;
	struct mc_rd body;
	int rc;

	while (mc_rd_left(r) > 0) {
		mc_rd_u8(r, &type);
		mc_rd_u8(r, &len);
		if (mc_rd_sub(r, &body, len) < 0)
			return -EBADMSG;
		switch (type) {
		case L3_DI_HOSTNAME: rc = parse_hostname(&body, d); break;
		case L3_DI_PREFIX: rc = parse_prefix(&body, d); break;
		case L3_DI_GATEWAY: rc = parse_gw(&body, d); break;
		default: d->unknown++; rc = 0; break;
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int parse_header(struct mc_rd *r, size_t len, struct l3_desc *d)
{
	uint8_t version, flags;
	uint16_t total, rsv;

	mc_rd_u8(r, &version);
	mc_rd_u8(r, &flags);	/* none defined; signed, so nobody else set them */
	mc_rd_u16(r, &total);
	mc_rd_bytes(r, d->pk, L3_PK_LEN);
	mc_rd_u32(r, &d->dseq);
	mc_rd_bytes(r, d->anchor, L3_ELEM_LEN);
	mc_rd_u16(r, &d->chain_len);
	mc_rd_u16(r, &rsv);
	if (!mc_rd_ok(r) || version != DESC_VERSION || total != len)
		return -EBADMSG;
	return 0;
}

/* ---- verification memo ---------------------------------------------------- */

/*
 * Blobs whose signature verified, by a 32-byte BLAKE2b of the whole blob
 * (signature and key included, so a hit means these exact bytes were
 * verified before). 4096 sets of 4 ways (512 KiB), round-robin eviction
 * within a set: a thousand-node mesh's descriptions all stay in (a
 * direct-mapped table kept re-verifying colliding pairs in the simulator).
 * Only successes are stored, so junk cannot push good entries out faster
 * than good blobs arrive. Not thread-safe: every user of the core runs on
 * one thread.
 */
#define MEMO_SETS 4096
#define MEMO_WAYS 4
#define MEMO_KEY_LEN L3_DESC_KEY_LEN

static struct {
	uint8_t key[MEMO_WAYS][MEMO_KEY_LEN];
	uint8_t used, next;
} memo[MEMO_SETS];

static size_t memo_set(const uint8_t key[MEMO_KEY_LEN])
{
	return ((size_t)key[0] << 8 | key[1]) % MEMO_SETS;
}

static bool memo_has(const uint8_t key[MEMO_KEY_LEN])
{
	size_t s = memo_set(key);

	for (unsigned w = 0; w < memo[s].used; w++)
		if (!memcmp(memo[s].key[w], key, MEMO_KEY_LEN))
			return true;
	return false;
}

static void memo_put(const uint8_t key[MEMO_KEY_LEN])
{
	size_t s = memo_set(key);
	unsigned w = memo[s].next;

	memcpy(memo[s].key[w], key, MEMO_KEY_LEN);
	memo[s].next = (uint8_t)((w + 1) % MEMO_WAYS);
	if (memo[s].used < MEMO_WAYS)
		memo[s].used++;
}

/*
 * Blobs whose signature failed, direct-mapped by the same hash: the last
 * failures (a neighbour repeating one bad blob costs one check, not one
 * per copy). A collision only evicts; a hit needs all 32 bytes.
 */
#define BAD_SLOTS 1024

static struct {
	uint8_t key[MEMO_KEY_LEN];
	bool used;
} bad[BAD_SLOTS];

static size_t bad_slot(const uint8_t key[MEMO_KEY_LEN])
{
	return ((size_t)key[2] << 8 | key[3]) % BAD_SLOTS;
}

static bool bad_has(const uint8_t key[MEMO_KEY_LEN])
{
	size_t s = bad_slot(key);

	return bad[s].used && !memcmp(bad[s].key, key, MEMO_KEY_LEN);
}

static void bad_put(const uint8_t key[MEMO_KEY_LEN])
{
	size_t s = bad_slot(key);

	memcpy(bad[s].key, key, MEMO_KEY_LEN);
	bad[s].used = true;
}

static int verify(const uint8_t *blob, size_t len, const uint8_t pk[L3_PK_LEN],
		  const uint8_t *known)
{
	uint8_t key[MEMO_KEY_LEN];
	size_t signed_len = len - L3_SIG_LEN;

	if (known)
		memcpy(key, known, sizeof(key));
	else
		crypto_generichash(key, sizeof(key), blob, len, NULL, 0);
	if (memo_has(key))
		return 0;
	if (bad_has(key))
		return -EKEYREJECTED;
	if (crypto_sign_verify_detached(blob + signed_len, blob, signed_len, pk) != 0) {
		bad_put(key);
		return -EKEYREJECTED;
	}
	memo_put(key);
	return 0;
}

int l3_desc_sig_state_key(const uint8_t *blob, size_t len, uint8_t key[L3_DESC_KEY_LEN])
{
	sodium_once();
	crypto_generichash(key, MEMO_KEY_LEN, blob, len, NULL, 0);
	if (memo_has(key))
		return 0;
	return bad_has(key) ? -EKEYREJECTED : 1;
}

int l3_desc_sig_state(const uint8_t *blob, size_t len)
{
	uint8_t key[MEMO_KEY_LEN];

	return l3_desc_sig_state_key(blob, len, key);
}

int l3_desc_parse(const uint8_t *blob, size_t len, struct l3_desc *d)
{
	return l3_desc_parse_key(blob, len, d, NULL);
}

int l3_desc_parse_key(const uint8_t *blob, size_t len, struct l3_desc *d,
		      const uint8_t *key)
{
	struct mc_rd r, items;
	int rc;

	sodium_once();
	memset(d, 0, sizeof(*d));
	if (len < L3_DESC_HDR_LEN + L3_SIG_LEN || len > L3_DESC_MAX)
		return -EBADMSG;
	mc_rd_init(&r, blob, len);
	rc = parse_header(&r, len, d);
	if (rc < 0)
		return rc;
	mc_rd_sub(&r, &items, len - L3_DESC_HDR_LEN - L3_SIG_LEN);
	rc = parse_items(&items, d);
	if (rc < 0)
		return rc;
	rc = verify(blob, len, d->pk, key);
	if (rc < 0)
		return rc;
	l3_id_from_pk(d->pk, d->id);
	crypto_generichash(d->hash, L3_ID_LEN, blob, len, NULL, 0);
	return 0;
}
