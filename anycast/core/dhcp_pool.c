/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pool and the lease table. Every node of a cloud must give a client
 * the same address without asking the others, so the choice depends only
 * on the client's key and what is taken: the first candidate is
 * lo + FNV-1a(key) % span, then AC_POOL_REHASH candidates from the key's hash
 * extended by one byte, then the next free one upwards from the first,
 * wrapping. Two
 * tables index the leases: by client key (client-id, else chaddr) and by
 * address; declined and probed-busy addresses sit in a third for
 * AC_DHCP_CONFLICT_MS.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "anycast/core/dhcp_int.h"

/* FNV-1a 32 (offset basis 2166136261, prime 16777619): simple, seedless
 * and byte order free, so every node and every build agrees. */
uint32_t ac_dhcp_addr_hash(const uint8_t *key, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		h ^= key[i];
		h *= 16777619u;
	}
	return h;
}

void ac_client_of(struct ac_client *c, const struct ac_dhcp_msg *m)
{
	c->mac = m->h.chaddr;
	c->cid = m->cid;
	c->cid_len = m->cid_len;
}

static const uint8_t *client_key(const struct ac_client *c, size_t *len)
{
	*len = c->cid_len ? c->cid_len : 6;
	return c->cid_len ? c->cid : c->mac;
}

static void client_of_ent(struct ac_client *c, const struct ac_ent *e)
{
	c->mac = e->l.mac;
	c->cid = e->l.client_id;
	c->cid_len = e->l.client_id_len;
}

/* The table hash: seeded, and the key's kind in it, since a 6-byte
 * client-id equal to a MAC is still another key. */
static uint32_t key_hash(const struct ac_dhcp *d, const struct ac_client *c)
{
	size_t len;
	const uint8_t *k = client_key(c, &len);

	return mc_hash_bytes(k, len, d->cfg.table_seed ^ (c->cid_len ? 0x61u : 0));
}

static uint32_t ip_hash(const struct ac_dhcp *d, uint32_t ip)
{
	return mc_hash_bytes(&ip, sizeof(ip), d->cfg.table_seed);
}

bool ac_pool_is_client(const struct ac_ent *e, const struct ac_client *c)
{
	struct ac_client ec;
	size_t la, lb;
	const uint8_t *a, *b;

	client_of_ent(&ec, e);
	if (!ec.cid_len != !c->cid_len)
		return false;
	a = client_key(&ec, &la);
	b = client_key(c, &lb);
	return la == lb && !memcmp(a, b, la);
}

struct ac_ent *ac_pool_by_client(const struct ac_dhcp *d, const struct ac_client *c)
{
	struct mc_hash_iter it;
	struct mc_hnode *n;

	for (n = mc_hash_first(&d->by_key, key_hash(d, c), &it); n; n = mc_hash_next(&it)) {
		struct ac_ent *e = mc_container_of(n, struct ac_ent, by_key);

		if (ac_pool_is_client(e, c))
			return e;
	}
	return NULL;
}

struct ac_ent *ac_pool_by_ip(const struct ac_dhcp *d, uint32_t ip)
{
	struct mc_hash_iter it;
	struct mc_hnode *n;

	for (n = mc_hash_first(&d->by_ip, ip_hash(d, ip), &it); n; n = mc_hash_next(&it)) {
		struct ac_ent *e = mc_container_of(n, struct ac_ent, by_ip);

		if (e->ip == ip)
			return e;
	}
	return NULL;
}

struct ac_ent *ac_pool_add(struct ac_dhcp *d, const struct ac_client *c, uint32_t ip)
{
	struct ac_ent *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	memcpy(e->l.mac, c->mac, sizeof(e->l.mac));
	memcpy(e->l.client_id, c->cid, c->cid_len);
	e->l.client_id_len = c->cid_len;
	e->ip = ip;
	e->l.ip = ac_in(ip);
	if (mc_hash_add(&d->by_key, &e->by_key, key_hash(d, c)) < 0)
		goto fail;
	if (mc_hash_add(&d->by_ip, &e->by_ip, ip_hash(d, ip)) < 0) {
		mc_hash_del(&d->by_key, &e->by_key);
		goto fail;
	}
	return e;
fail:
	free(e);
	return NULL;
}

void ac_pool_del(struct ac_dhcp *d, struct ac_ent *e)
{
	mc_hash_del(&d->by_key, &e->by_key);
	mc_hash_del(&d->by_ip, &e->by_ip);
	free(e->disc);
	free(e);
}

int ac_pool_move(struct ac_dhcp *d, struct ac_ent *e, uint32_t ip)
{
	mc_hash_del(&d->by_ip, &e->by_ip);
	if (mc_hash_add(&d->by_ip, &e->by_ip, ip_hash(d, ip)) < 0) {
		/* the table just held it, so this re-add finds a free slot */
		mc_hash_add(&d->by_ip, &e->by_ip, ip_hash(d, e->ip));
		return -ENOMEM;
	}
	e->ip = ip;
	e->l.ip = ac_in(ip);
	return 0;
}

/* In the pool (by default the prefix less its network and broadcast
 * addresses), not the server's and not reserved. */
bool ac_pool_in_range(const struct ac_dhcp *d, uint32_t ip)
{
	if (ip - d->lo >= d->span)
		return false;
	if (ip == d->server)
		return false;
	return !(ip >= d->rsv_lo && ip <= d->rsv_hi);
}

bool ac_pool_in_conflict(const struct ac_dhcp *d, uint64_t now_ms, uint32_t ip)
{
	struct mc_hash_iter it;
	struct mc_hnode *n;

	for (n = mc_hash_first(&d->conflicts, ip_hash(d, ip), &it); n; n = mc_hash_next(&it)) {
		struct ac_conflict *k = mc_container_of(n, struct ac_conflict, hn);

		/* ac_dhcp_tick may not have dropped an ended one yet */
		if (k->ip == ip)
			return k->until_ms > now_ms;
	}
	return false;
}

void ac_pool_conflict_add(struct ac_dhcp *d, uint64_t now_ms, uint32_t ip)
{
	struct mc_hash_iter it;
	struct mc_hnode *n;
	struct ac_conflict *k;

	for (n = mc_hash_first(&d->conflicts, ip_hash(d, ip), &it); n; n = mc_hash_next(&it)) {
		k = mc_container_of(n, struct ac_conflict, hn);
		if (k->ip == ip) {
			k->until_ms = now_ms + AC_DHCP_CONFLICT_MS;
			return;
		}
	}
	k = calloc(1, sizeof(*k));
	if (!k)
		return;	/* the address is only offered again sooner */
	k->ip = ip;
	k->until_ms = now_ms + AC_DHCP_CONFLICT_MS;
	if (mc_hash_add(&d->conflicts, &k->hn, ip_hash(d, ip)) < 0)
		free(k);
}

struct conflict_walk {
	struct ac_dhcp *d;
	uint64_t now_ms, next_ms;
};

static void conflict_due(struct mc_hnode *n, void *arg)
{
	struct conflict_walk *w = arg;
	struct ac_conflict *k = mc_container_of(n, struct ac_conflict, hn);

	if (k->until_ms <= w->now_ms) {
		mc_hash_del(&w->d->conflicts, n);
		free(k);
	} else if (k->until_ms < w->next_ms) {
		w->next_ms = k->until_ms;
	}
}

uint64_t ac_pool_conflicts_tick(struct ac_dhcp *d, uint64_t now_ms)
{
	struct conflict_walk w = { d, now_ms, UINT64_MAX };

	mc_hash_walk(&d->conflicts, conflict_due, &w);
	return w.next_ms;
}

bool ac_pool_free_for(struct ac_dhcp *d, uint64_t now_ms, uint32_t ip,
		      const struct ac_client *c)
{
	const struct ac_ent *e;

	if (!ac_pool_in_range(d, ip) || ac_pool_in_conflict(d, now_ms, ip))
		return false;
	e = ac_pool_by_ip(d, ip);
	if (e && !ac_pool_is_client(e, c))
		return false;
	if (d->env.is_node_addr && d->env.is_node_addr(d->env.user, ac_in(ip)))
		return false;
	return !(d->env.held_elsewhere &&
		 d->env.held_elsewhere(d->env.user, ac_in(ip), c->mac));
}

uint32_t ac_pool_pick(struct ac_dhcp *d, uint64_t now_ms, const struct ac_client *c,
		      uint32_t want)
{
	size_t len;
	const uint8_t *k = client_key(c, &len);
	uint32_t start = ac_dhcp_addr_hash(k, len) % d->span;

	uint32_t h = ac_dhcp_addr_hash(k, len);

	if (want && ac_pool_free_for(d, now_ms, want, c))
		return want;
	if (ac_pool_free_for(d, now_ms, d->lo + start, c))
		return d->lo + start;
	/* then AC_POOL_REHASH more candidates, each the hash of the key and
	 * one byte more (1, 2, ...): two clients whose first candidates meet
	 * (a reserved range, a taken address) part at once, instead of both
	 * going to the next address up, where they would meet again */
	for (uint32_t j = 1; j <= AC_POOL_REHASH; j++) {
		uint32_t ip = d->lo + ((h ^ j) * 16777619u) % d->span;

		if (ac_pool_free_for(d, now_ms, ip, c))
			return ip;
	}
	/* start + i < 2 * span < 2^25: no wrap of the sum */
	for (uint32_t i = 0; i < d->span; i++) {
		uint32_t ip = d->lo + (start + i) % d->span;

		if (ac_pool_free_for(d, now_ms, ip, c))
			return ip;
	}
	return 0;
}

static unsigned pool_count(const struct ac_dhcp *d)
{
	uint32_t lo = d->lo, hi = d->lo + d->span - 1, n = d->span;

	if (d->rsv_lo <= d->rsv_hi && d->rsv_lo <= hi && d->rsv_hi >= lo)
		n -= (d->rsv_hi < hi ? d->rsv_hi : hi) - (d->rsv_lo > lo ? d->rsv_lo : lo) + 1;
	if (d->server >= lo && d->server <= hi &&
	    !(d->server >= d->rsv_lo && d->server <= d->rsv_hi))
		n--;	/* the server inside the range, not already counted reserved */
	return n;
}

int ac_pool_init(struct ac_dhcp *d)
{
	d->size = pool_count(d);
	if (mc_hash_init(&d->by_key, 4) < 0 || mc_hash_init(&d->by_ip, 4) < 0 ||
	    mc_hash_init(&d->conflicts, 2) < 0) {
		ac_pool_free(d);
		return -ENOMEM;
	}
	return 0;
}

static void ent_free(struct mc_hnode *n, void *arg)
{
	struct ac_ent *e = mc_container_of(n, struct ac_ent, by_key);

	mc_hash_del(arg, n);
	free(e->disc);
	free(e);
}

static void conflict_free(struct mc_hnode *n, void *arg)
{
	mc_hash_del(arg, n);
	free(mc_container_of(n, struct ac_conflict, hn));
}

void ac_pool_free(struct ac_dhcp *d)
{
	if (d->by_key.tab)
		mc_hash_walk(&d->by_key, ent_free, &d->by_key);
	if (d->conflicts.tab)
		mc_hash_walk(&d->conflicts, conflict_free, &d->conflicts);
	mc_hash_free(&d->by_key);
	mc_hash_free(&d->by_ip);
	mc_hash_free(&d->conflicts);
}

unsigned ac_dhcp_pool_size(const struct ac_dhcp *d)
{
	return d->size;
}

unsigned ac_dhcp_pool_used(const struct ac_dhcp *d)
{
	uint32_t pos;
	struct mc_hnode *n;
	unsigned used = 0;

	mc_hash_for_each(&d->by_key, pos, n)
		used += mc_container_of(n, struct ac_ent, by_key)->st != AC_ENT_PROBING;
	return used;
}

void ac_dhcp_leases_foreach(const struct ac_dhcp *d,
			    int (*fn)(const struct ac_lease *l, void *user), void *user)
{
	uint32_t pos;
	struct mc_hnode *n;

	mc_hash_for_each(&d->by_key, pos, n) {
		const struct ac_ent *e = mc_container_of(n, struct ac_ent, by_key);

		if (e->st != AC_ENT_PROBING && fn(&e->l, user))
			return;
	}
}
