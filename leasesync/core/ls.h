/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef LS_LS_H
#define LS_LS_H

/*
 * The leasesync core (doc/leasesync.md): a replicated store of typed
 * records, one per (source MAC, type), kept in step with the cloud the way
 * A.L.F.R.E.D. v0 does it, plus leasesync's own improvement: a change is
 * pushed at once (at most every push_min_ms) instead of at the next round.
 *
 * Pure: the shell passes in the time, received datagrams and the unix
 * clients' requests; the core answers through its env (datagrams to send,
 * record changes, finished requests).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/hash.h"

enum ls_origin {
	LS_LOCAL = 0,		/* set on this node */
	LS_FIRST_HAND = 1,	/* from its source itself */
	LS_SYNCED = 2,		/* relayed by another node */
};

struct ls_rec {
	struct mc_hnode h;
	struct ls_rec *prev, *next;	/* every record, oldest first */
	uint8_t source[6];
	uint8_t type;
	uint8_t version;
	uint8_t origin;		/* enum ls_origin */
	bool dirty;		/* to push at once */
	uint8_t from[16];	/* the peer it last came from (zero: local) */
	uint64_t seen_ms;	/* set or received last */
	uint64_t changed_ms;	/* its data last changed (or appeared) */
	uint16_t len;
	uint8_t data[];
};

struct ls_config {
	uint8_t mac[6];			/* this node's source MAC (bat0's) */
	bool primary;			/* alfred's -m */
	uint32_t sync_ms;		/* ALFRED_INTERVAL: 10 s */
	uint32_t data_timeout_ms;	/* 600 s */
	uint32_t server_timeout_ms;	/* 60 s */
	uint32_t tx_timeout_ms;		/* 10 s */
	uint32_t push_min_ms;		/* immediate pushes at most this often */
	unsigned max_records;		/* in all */
	unsigned max_per_type;		/* sources one type may have */
	unsigned max_per_source;	/* types one source may have */
	uint32_t max_record_len;	/* data bytes of one record */
	unsigned max_peers;		/* nodes heard from (primaries and others) */
	unsigned max_tx;		/* open incoming transactions */
	size_t max_tx_bytes;		/* bytes they may buffer */
	unsigned peer_burst;		/* datagrams one peer may send at once, */
	unsigned peer_rate;		/* then per second */
	/* types asked for at start from the first primary heard (a bit per
	 * type; ls_config_defaults sets softmesh's 66, 67, 68) */
	uint8_t fetch[32];
};

/* alfred's timers and leasesync's caps (doc/leasesync.md "Limits"). */
void ls_config_defaults(struct ls_config *c, const uint8_t mac[6]);

struct ls_env {
	void *user;
	/* A datagram to dst (fe80:: of a peer), or to ff02::1 if dst is NULL. */
	void (*send)(void *user, const uint8_t *dst, const uint8_t *p, size_t len);
	uint32_t (*rand)(void *user);
	/* A record appeared, changed (new data or version), or went (rec NULL). */
	void (*changed)(void *user, uint8_t type, const uint8_t source[6],
			const struct ls_rec *rec);
	/* A request ls_request left pending ended: ok, serve it from the
	 * store; or failed (alfred's client then prints an error). */
	void (*request_done)(void *user, void *client, bool ok);
	void (*log)(void *user, int level, const char *msg);	/* may be NULL */
};

#define LS_STATS(X) \
	X(rx_packets) X(rx_malformed) X(rx_bad_version) X(rx_unknown_type) \
	X(rx_not_eui64) X(rx_own) X(rx_rate_limited) \
	X(rx_announce) X(rx_push) X(rx_request) X(rx_txend) X(rx_duplicate) \
	X(tx_open_refused) X(tx_timeout) X(tx_done) \
	X(rec_received) X(rec_changed) X(rec_oversize) X(rec_refused) \
	X(rec_expired) X(rec_evicted) X(rec_local_kept) X(rec_truncated) \
	X(tx_packets) X(tx_bytes) X(pushes_now) X(pushes_welcome) X(syncs) X(requests_sent) \
	X(requests_answered) X(peer_refused) X(pokes) X(fetches)

struct ls_stats {
#define LS_STAT_FIELD(f) uint64_t f;
	LS_STATS(LS_STAT_FIELD)
#undef LS_STAT_FIELD
};

struct ls_peer_info {
	uint8_t ip[16];
	uint8_t mac[6];
	bool primary;		/* announced itself within server_timeout */
	bool best;		/* the primary a secondary pushes to */
	uint64_t last_rx_ms;
	uint64_t last_announce_ms;
	uint64_t rx_packets;
	uint64_t rx_records;
};

struct ls_node;

int ls_new(struct ls_node **out, const struct ls_config *cfg, const struct ls_env *env,
	   uint64_t now);
void ls_free(struct ls_node *n);

/* A datagram from src (its IPv6 source). 0, or a negative errno for one
 * that was dropped (and counted). */
int ls_rx(struct ls_node *n, uint64_t now, const uint8_t src[16], const uint8_t *p,
	  size_t len);

/*
 * Sets a record as local data (alfred -s). source NULL or zero: this
 * node's MAC. Another valid source only in primary mode (as alfred).
 * 0; -EINVAL (bad source, or one not ours on a secondary), -E2BIG (over
 * max_record_len), -ENOSPC (a cap).
 */
int ls_set(struct ls_node *n, uint64_t now, const uint8_t *source, uint8_t type,
	   uint8_t version, const uint8_t *data, size_t len);

/*
 * A client's alfred -r TYPE: 1 when the store answers at once (a primary,
 * or no primary known); 0 when it waits for a primary's answer, reported
 * by env->request_done(client); a negative errno if it cannot start.
 */
int ls_request(struct ls_node *n, uint64_t now, uint8_t type, uint16_t tx_id, void *client);
/* The client went away: forget its pending request. */
void ls_client_gone(struct ls_node *n, void *client);

void ls_set_primary(struct ls_node *n, uint64_t now, bool primary);

/*
 * The mesh changed under us (a node came back, a partition healed: the
 * shell sees it in l2meshd's originators): the next round comes soon, so
 * this node's first-hand records reach the primaries it could not reach
 * (and its announcement makes those silent for two rounds welcome it with
 * theirs). At most every LS_POKE_MIN_MS.
 */
#define LS_POKE_DELAY_MS 50
#define LS_POKE_MIN_MS 1000
void ls_poke(struct ls_node *n, uint64_t now);

/*
 * In its first round (a start, a restart) a node asks the first primary
 * it hears for the types in cfg.fetch at once; the shell may name nodes
 * to ask before any is heard (the mesh's originators: their EUI-64
 * addresses; a node that runs no leasesync just does not answer). 0, or
 * -EALREADY once the first round is over or a primary was asked.
 */
int ls_fetch_from(struct ls_node *n, uint64_t now, const uint8_t mac[6]);
bool ls_is_primary(const struct ls_node *n);

/* Due work; returns when next to call (ms on the same clock). */
uint64_t ls_tick(struct ls_node *n, uint64_t now);

/* Records of one type (type < 0: all), oldest first; fn returns nonzero
 * to stop. */
void ls_foreach(const struct ls_node *n, int type,
		int (*fn)(const struct ls_rec *r, void *user), void *user);
const struct ls_rec *ls_get(const struct ls_node *n, const uint8_t source[6], uint8_t type);
unsigned ls_count(const struct ls_node *n, int type);
size_t ls_bytes(const struct ls_node *n);
void ls_peers_foreach(const struct ls_node *n,
		      void (*fn)(const struct ls_peer_info *p, void *user), void *user);
const struct ls_stats *ls_stats(const struct ls_node *n);
const struct ls_config *ls_config(const struct ls_node *n);

#endif
