/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_HASH_H
#define MC_HASH_H

/*
 * A hash table of intrusive nodes, for tables looked up per packet
 * (originators, neighbours). Open addressing with linear probing: the
 * slot array holds each entry's hash value next to its pointer, so a
 * lookup touches one or two cache lines and dereferences only entries
 * whose hash matches. The caller embeds a struct mc_hnode in its entry,
 * computes the hash (mc_hash_mac() for MAC keys) and compares keys itself:
 *
 *	struct mc_hash_iter it;
 *	for (e = mc_hash_first(h, hv, &it); e; e = mc_hash_next(&it))
 *		if (key_eq(mc_container_of(e, ...), key)) ...
 *
 * The table stays at most half full by doubling; when that allocation
 * fails an add fails with -ENOMEM. Nothing here frees entries: they
 * belong to the caller.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mc_hnode {
	uint32_t hash;
};

struct mc_hslot {
	uint32_t hash;
	struct mc_hnode *e;	/* NULL: empty */
};

struct mc_hash {
	struct mc_hslot *tab;
	uint32_t mask;		/* slots - 1; slots is a power of two */
	size_t count;
};

struct mc_hash_iter {
	const struct mc_hash *h;
	uint32_t hash;
	uint32_t pos;
};

#define mc_container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* 2^order slots to start with (at least 2). Returns 0 or -ENOMEM. */
int mc_hash_init(struct mc_hash *h, unsigned order);
/* Frees the slot array; the entries are the caller's. */
void mc_hash_free(struct mc_hash *h);

/* A MAC (plus a small extra key, such as a port or VLAN) to a hash value. */
uint32_t mc_hash_mac(const uint8_t mac[6], uint32_t extra);
/*
 * The same from a secret seed (a random number drawn at start), for keys
 * the network chooses, such as client MACs: nobody can pick keys that all
 * land in one cluster. Another function than mc_hash_mac() (the key in
 * one word through mc_hash_bytes()'s rounds, several times faster); only
 * the low 16 bits of extra count.
 */
uint32_t mc_hash_mac_seeded(uint32_t seed, const uint8_t mac[6], uint32_t extra);
/*
 * Any key of len bytes to a hash value, read a 32-bit word at a time.
 * Keys a peer chooses (node ids, prefixes) want a seed it cannot know
 * (from the node's random source), so that it cannot pile its entries
 * into one probe run. Host byte order: a value for this process only.
 */
uint32_t mc_hash_bytes(const void *key, size_t len, uint32_t seed);

/*
 * Lookups of many keys at once (the originators of an OGM aggregate)
 * wait on one cache miss after another: the slot, then the entry. Asking
 * for all the slots first, then for all the entries their hashes find,
 * overlaps the misses. Neither call reads an entry nor changes a thing;
 * the second reads the slots, so it should come a little after the first.
 */
static inline void mc_hash_prefetch_slot(const struct mc_hash *h, uint32_t hash)
{
	if (h->tab)
		__builtin_prefetch(&h->tab[hash & h->mask]);
}

/* The first lines (of 64 bytes) of each entry whose hash is hash. */
void mc_hash_prefetch_entries(const struct mc_hash *h, uint32_t hash, unsigned lines);

/* 0, or -ENOMEM when the table was full and could not grow. */
int mc_hash_add(struct mc_hash *h, struct mc_hnode *e, uint32_t hash);
void mc_hash_del(struct mc_hash *h, struct mc_hnode *e);

/* The first, then the next, entry whose hash value is hash. */
struct mc_hnode *mc_hash_first(const struct mc_hash *h, uint32_t hash,
			       struct mc_hash_iter *it);
struct mc_hnode *mc_hash_next(struct mc_hash_iter *it);

/*
 * Every entry, in slot order, for read-only walks: start with *pos = 0;
 * NULL at the end. The table must not change in between (mc_hash_walk()
 * lets its fn delete the entry it was given). A freed table holds nothing.
 */
struct mc_hnode *mc_hash_scan(const struct mc_hash *h, uint32_t *pos);
/* The same as a loop (pos a uint32_t, e a struct mc_hnode *):
 *
 *	mc_hash_for_each(h, pos, e)
 *		sum += mc_container_of(e, struct x, hnode)->value;
 */
#define mc_hash_for_each(h, pos, e) \
	for ((pos) = 0; ((e) = mc_hash_scan((h), &(pos))) != NULL;)

/*
 * Calls fn once on every entry. fn may mc_hash_del() (and free) the entry
 * it was given, but no other, and may add none.
 */
void mc_hash_walk(struct mc_hash *h, void (*fn)(struct mc_hnode *e, void *arg),
		  void *arg);

#endif
