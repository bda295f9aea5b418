/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AC_DHCP_INT_H
#define AC_DHCP_INT_H

/*
 * The server's insides, shared by its files: dhcp_pool.c (the lease
 * table and address choice), dhcp_reply.c (replies out), dhcp.c (the
 * state machine). Addresses here are host order (uint32_t) so the pool
 * can count; struct in_addr appears only at the API.
 */

#include "anycast/core/dhcp.h"
#include "anycast/core/dhcp_packet.h"
#include "common/hash.h"
#include "common/log.h"

_Static_assert(AC_DHCP_CID_MAX == AC_DHCP_CID_LEN_MAX, "one client-id limit");

enum ac_ent_state {
	AC_ENT_PROBING,		/* a new address being ARP-probed; nothing sent yet */
	AC_ENT_OFFERED,
	AC_ENT_BOUND,
};

/* One client's lease, in both tables: by its key and by its address. */
/* candidates tried after the first before the linear search (dhcp_pool.c) */
#define AC_POOL_REHASH 8

struct ac_ent {
	struct mc_hnode by_key, by_ip;
	struct ac_lease l;
	enum ac_ent_state st;
	uint32_t ip;			/* l.ip, host order */
	uint64_t due_ms;		/* probe end (PROBING), else l.expires_ms */
	struct ac_dhcp_msg *disc;	/* the DISCOVER a probe answers (PROBING only) */
	struct ac_ent *due_next;	/* ac_dhcp_tick's list of entries due */
};

/* An address a client declined or an ARP probe found in use. */
struct ac_conflict {
	struct mc_hnode hn;
	uint32_t ip;
	uint64_t until_ms;
};

/* Who a message is from: key = client-id if any, else chaddr. */
struct ac_client {
	const uint8_t *mac;
	const uint8_t *cid;
	uint8_t cid_len;
};

struct ac_dhcp {
	struct ac_dhcp_config cfg;
	struct ac_dhcp_env env;
	uint32_t net;			/* network address, host order */
	uint32_t lo;			/* the pool's first address, host order */
	uint32_t span;			/* pool slots from lo (the prefix less network and broadcast, or anygw_dhcp_limit) */
	uint32_t hosts;			/* the prefix less network and broadcast */
	uint32_t server;		/* host order */
	uint32_t rsv_lo, rsv_hi;	/* reserved range; lo > hi: none */
	unsigned size;			/* ac_dhcp_pool_size() */
	struct mc_hash by_key, by_ip, conflicts;
	struct ac_dhcp_stats st;
	struct mc_ratelimit exhausted_rl;
	uint8_t out[AC_DHCP_MSG_MAX];	/* the reply being sent */
};

/* host (host order) in the cloud's prefix, network and broadcast too */
static inline bool ac_in_cloud(const struct ac_dhcp *d, uint32_t host)
{
	return host - d->net <= d->hosts;
}

static inline struct in_addr ac_in(uint32_t host)
{
	struct in_addr a = { .s_addr = htonl(host) };

	return a;
}

/* The one place lease_changed is called (it may be NULL). */
static inline void ac_notify(struct ac_dhcp *d, enum ac_lease_change what,
			     const struct ac_ent *e)
{
	if (d->env.lease_changed)
		d->env.lease_changed(d->env.user, what, &e->l);
}

/* dhcp_pool.c */
void ac_client_of(struct ac_client *c, const struct ac_dhcp_msg *m);
struct ac_ent *ac_pool_by_client(const struct ac_dhcp *d, const struct ac_client *c);
struct ac_ent *ac_pool_by_ip(const struct ac_dhcp *d, uint32_t ip);
bool ac_pool_is_client(const struct ac_ent *e, const struct ac_client *c);
/* A new entry for c at ip (not yet in any state's bookkeeping); NULL on ENOMEM. */
struct ac_ent *ac_pool_add(struct ac_dhcp *d, const struct ac_client *c, uint32_t ip);
void ac_pool_del(struct ac_dhcp *d, struct ac_ent *e);
int ac_pool_move(struct ac_dhcp *d, struct ac_ent *e, uint32_t ip);
bool ac_pool_in_range(const struct ac_dhcp *d, uint32_t ip);
bool ac_pool_in_conflict(const struct ac_dhcp *d, uint64_t now_ms, uint32_t ip);
void ac_pool_conflict_add(struct ac_dhcp *d, uint64_t now_ms, uint32_t ip);
/* May ip be c's lease: in the pool, nobody else's, no conflict? */
bool ac_pool_free_for(struct ac_dhcp *d, uint64_t now_ms, uint32_t ip,
		      const struct ac_client *c);
/* c's address: want if free for it, else the hash's first free one; 0: none. */
uint32_t ac_pool_pick(struct ac_dhcp *d, uint64_t now_ms, const struct ac_client *c,
		      uint32_t want);
/* Drops conflicts that ended; the earliest end left (UINT64_MAX: none). */
uint64_t ac_pool_conflicts_tick(struct ac_dhcp *d, uint64_t now_ms);
int ac_pool_init(struct ac_dhcp *d);
void ac_pool_free(struct ac_dhcp *d);

/* dhcp_reply.c */
void ac_reply_send(struct ac_dhcp *d, const struct ac_dhcp_msg *req, uint8_t type,
		   uint32_t yiaddr, bool lease);
void ac_reply_nak(struct ac_dhcp *d, const struct ac_dhcp_msg *req, const char *why);
void ac_dhcp_log(struct ac_dhcp *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* dhcp_request.c */
void ac_req_request(struct ac_dhcp *d, uint64_t now_ms, const struct ac_dhcp_msg *m);
void ac_req_decline(struct ac_dhcp *d, uint64_t now_ms, const struct ac_dhcp_msg *m);
void ac_req_release(struct ac_dhcp *d, const struct ac_dhcp_msg *m);
void ac_req_inform(struct ac_dhcp *d, const struct ac_dhcp_msg *m);

/* dhcp_lease.c */
/* Option 12 as a hostname: the label before the first dot, characters
 * outside [A-Za-z0-9-] as '-', no '-' at either end, at most 63. */
void ac_lease_hostname_set(char out[AC_DHCP_HOSTNAME_MAX + 1], const uint8_t *p, size_t len);

#endif
