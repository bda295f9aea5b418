/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"

#define HASH_ORDER_MIN 1
#define HASH_ORDER_MAX 26	/* 64M slots: far beyond any mesh */

static struct mc_hslot *slots_new(uint32_t n)
{
	return calloc(n, sizeof(struct mc_hslot));
}

int mc_hash_init(struct mc_hash *h, unsigned order)
{
	if (order < HASH_ORDER_MIN)
		order = HASH_ORDER_MIN;
	if (order > HASH_ORDER_MAX)
		order = HASH_ORDER_MAX;
	h->tab = slots_new(1u << order);
	if (!h->tab)
		return -ENOMEM;
	h->mask = (1u << order) - 1;
	h->count = 0;
	return 0;
}

void mc_hash_free(struct mc_hash *h)
{
	free(h->tab);
	h->tab = NULL;
	h->mask = 0;
	h->count = 0;
}

/* Jenkins' one-at-a-time over the key bytes, as batman-adv's choose_orig. */
uint32_t mc_hash_mac(const uint8_t mac[6], uint32_t extra)
{
	uint32_t h = 0;
	unsigned i;

	for (i = 0; i < 6; i++) {
		h += mac[i];
		h += h << 10;
		h ^= h >> 6;
	}
	for (i = 0; i < 4; i++) {
		h += (extra >> (8 * i)) & 0xff;
		h += h << 10;
		h ^= h >> 6;
	}
	h += h << 3;
	h ^= h >> 11;
	h += h << 15;
	return h;
}

/* The last round: every input bit reaches the low bits a table masks with
 * (xor-shift-multiply rounds with odd multipliers). */
static uint32_t mix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return h;
}

/* One key word in: cheap, since mix32 spreads the result at the end. */
static uint64_t word_in(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return h ^ h >> 32;
}

/* The key in one 64-bit word, mixed with the seed: a handful of
 * instructions where one-at-a-time takes ten rounds. */
uint32_t mc_hash_mac_seeded(uint32_t seed, const uint8_t mac[6], uint32_t extra)
{
	uint64_t k = (uint64_t)(extra & 0xffff) << 48;

	for (unsigned i = 0; i < 6; i++)
		k |= (uint64_t)mac[i] << (40 - 8 * i);
	return mix32((uint32_t)(word_in(seed, k) >> 32));
}

uint32_t mc_hash_bytes(const void *key, size_t len, uint32_t seed)
{
	const uint8_t *p = key;
	uint64_t h = word_in(seed, len), w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = word_in(h, w);
	}
	if (len >= 4) {
		/* two 4-byte loads that may overlap cover 4..7 bytes (len is
		 * in the hash already); a memcpy of a variable length is a call */
		uint32_t lo, hi;

		memcpy(&lo, p, 4);
		memcpy(&hi, p + len - 4, 4);
		h = word_in(h, (uint64_t)hi << 32 | lo);
	} else if (len) {
		h = word_in(h, p[0] | (uint32_t)p[len / 2] << 8 | (uint32_t)p[len - 1] << 16);
	}
	/* the high half: every key bit reaches it through the multiplies */
	return mix32((uint32_t)(h >> 32));
}

static void slot_put(struct mc_hslot *tab, uint32_t mask, struct mc_hnode *e)
{
	uint32_t i = e->hash & mask;

	while (tab[i].e)
		i = (i + 1) & mask;
	tab[i].hash = e->hash;
	tab[i].e = e;
}

static int hash_grow(struct mc_hash *h)
{
	uint32_t nmask = h->mask * 2 + 1, i;
	struct mc_hslot *ntab;

	if (h->mask >= (1u << HASH_ORDER_MAX) - 1 || !(ntab = slots_new(nmask + 1)))
		return -ENOMEM;
	for (i = 0; i <= h->mask; i++)
		if (h->tab[i].e)
			slot_put(ntab, nmask, h->tab[i].e);
	free(h->tab);
	h->tab = ntab;
	h->mask = nmask;
	return 0;
}

int mc_hash_add(struct mc_hash *h, struct mc_hnode *e, uint32_t hash)
{
	/* at most half full, so probes stay short and an empty slot exists */
	if (2 * (h->count + 1) > (size_t)h->mask + 1 && hash_grow(h) < 0)
		return -ENOMEM;
	e->hash = hash;
	slot_put(h->tab, h->mask, e);
	h->count++;
	return 0;
}

/* Empties slot i and moves later entries of its cluster back, so that no
 * probe sequence crosses a hole (backward-shift deletion). */
static void slot_clear(struct mc_hash *h, uint32_t i)
{
	uint32_t j = i, home;

	for (;;) {
		h->tab[i].e = NULL;
		for (;;) {
			j = (j + 1) & h->mask;
			if (!h->tab[j].e)
				return;
			home = h->tab[j].hash & h->mask;
			/* stays if its home lies cyclically in (i, j] */
			if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
				continue;
			break;
		}
		h->tab[i] = h->tab[j];
		i = j;
	}
}

void mc_hash_del(struct mc_hash *h, struct mc_hnode *e)
{
	uint32_t i = e->hash & h->mask;

	for (; h->tab[i].e; i = (i + 1) & h->mask) {
		if (h->tab[i].e == e) {
			slot_clear(h, i);
			h->count--;
			return;
		}
	}
}

struct mc_hnode *mc_hash_next(struct mc_hash_iter *it)
{
	const struct mc_hash *h = it->h;

	for (; h->tab[it->pos].e; it->pos = (it->pos + 1) & h->mask) {
		if (h->tab[it->pos].hash == it->hash) {
			struct mc_hnode *e = h->tab[it->pos].e;

			it->pos = (it->pos + 1) & h->mask;
			return e;
		}
	}
	return NULL;
}

void mc_hash_prefetch_entries(const struct mc_hash *h, uint32_t hash, unsigned lines)
{
	uint32_t i;

	if (!h->tab)
		return;
	for (i = hash & h->mask; h->tab[i].e; i = (i + 1) & h->mask) {
		if (h->tab[i].hash != hash)
			continue;
		for (unsigned l = 0; l < lines; l++)
			__builtin_prefetch((const char *)h->tab[i].e + 64 * l);
	}
}

struct mc_hnode *mc_hash_first(const struct mc_hash *h, uint32_t hash,
			       struct mc_hash_iter *it)
{
	it->h = h;
	it->hash = hash;
	it->pos = hash & h->mask;
	return mc_hash_next(it);
}

struct mc_hnode *mc_hash_scan(const struct mc_hash *h, uint32_t *pos)
{
	const struct mc_hslot *t = h->tab;
	uint32_t i;

	if (!t)
		return NULL;
	/* i in a register: *pos may alias the table (-fno-strict-aliasing) */
	for (i = *pos; i <= h->mask; i++) {
		if (t[i].e) {
			*pos = i + 1;
			return t[i].e;
		}
	}
	*pos = i;
	return NULL;
}

/*
 * Starts after an empty slot so the order matches the probe order: a
 * deletion then only moves entries not yet visited into the current
 * slot, which is looked at again.
 */
void mc_hash_walk(struct mc_hash *h, void (*fn)(struct mc_hnode *e, void *arg),
		  void *arg)
{
	uint32_t start = 0, n, i;
	struct mc_hnode *e;

	while (h->tab[start].e)
		start++;
	for (n = 0; n <= h->mask; n++) {
		i = (start + 1 + n) & h->mask;
		while ((e = h->tab[i].e)) {
			fn(e, arg);
			if (h->tab[i].e == e)
				break;
		}
	}
}
