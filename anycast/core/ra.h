/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AC_RA_H
#define AC_RA_H

/*
 * anycastd's IPv6 router: Router Advertisements on anygw (RFC 4861 6.2),
 * answering Router Solicitations. Pure: time comes in as now_ms, messages
 * go out through env.send, randomness through env.rand. doc/anycastd.md#router-advertisements.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/log.h"

/* RFC 4861 10, router constants */
#define AC_RA_MAX_INITIAL_ADVERTS 3
#define AC_RA_MAX_INITIAL_INTERVAL_MS 16000
#define AC_RA_MIN_DELAY_BETWEEN_MS 3000
#define AC_RA_MAX_DELAY_MS 500

/* RFC 4861 6.2.1 defaults and bounds of the intervals */
#define AC_RA_MAX_INTERVAL_DEFAULT_MS 600000
#define AC_RA_MAX_INTERVAL_MIN_MS 4000
#define AC_RA_MAX_INTERVAL_MAX_MS 1800000
#define AC_RA_MIN_INTERVAL_MIN_MS 3000
#define AC_RA_VALID_DEFAULT_S 86400
#define AC_RA_PREFERRED_DEFAULT_S 14400
#define AC_RA_HOP_LIMIT_DEFAULT 64
#define AC_RA_MTU_MIN 1280	/* IPv6 minimum link MTU */

/* Longest RA ac_ra_build writes: header, SLLA, MTU, PIO, RDNSS, DNSSL. */
#define AC_RA_MSG_MAX 384

struct ac_ra;

struct ac_ra_config {
	struct in6_addr prefix; uint8_t plen;     /* the cloud /64: Prefix Information with L and A flags; plen 0: none */
	struct in6_addr rdnss;                     /* RDNSS (RFC 8106) = the anycast IPv6; all-zero: none */
	char dnssl[254];                           /* DNSSL = the domain (e.g. thisnode.info); "" none */
	uint16_t mtu;                              /* MTU option; 0: none (LibreMesh default 1350); else >= 1280 */
	uint8_t src_mac[6];                        /* Source Link-Layer Address option: the anycast MAC */
	uint32_t max_interval_ms, min_interval_ms; /* RFC 4861 MaxRtrAdvInterval (default 600000, 4 s..1800 s) / MinRtrAdvInterval (default 0.33*max, 3 s..0.75*max); 0 = default */
	uint32_t router_lifetime_s;                /* 0 = default 3*max_interval (s), capped at 9000; else max_interval..9000 */
	uint32_t valid_lifetime_s, preferred_lifetime_s; /* 0 = defaults 86400 / 14400; preferred <= valid */
	uint8_t hop_limit;                         /* Cur Hop Limit field; 0 = 64 */
};

struct ac_ra_env {
	void *user;
	/* send an ICMPv6 message (checksum left 0: the raw socket fills it)
	 * to dst (ff02::1 or a unicast address); the shell sends from anygw's
	 * link-local address with hop limit 255 */
	void (*send)(void *user, const uint8_t *msg, size_t len, const struct in6_addr *dst);
	uint32_t (*rand)(void *user);
	mc_log_fn *log;	/* may be NULL */
};

/* rs_rx: valid RSs taken; rs_bad: RSs dropped by validation (disjoint).
 * ra_tx: every RA sent (final included); ra_solicited: those that answered
 * a pending RS (a periodic RA that comes first answers it too). */
struct ac_ra_stats {
	uint64_t rs_rx, rs_bad, ra_tx, ra_solicited;
};

/* 0, -EINVAL for a config out of its bounds (above), -ENOMEM. The first
 * RA goes out at the first ac_ra_tick (now_ms is due). */
int ac_ra_new(struct ac_ra **out, const struct ac_ra_config *cfg,
	      const struct ac_ra_env *env, uint64_t now_ms);
void ac_ra_free(struct ac_ra *r);
/* reload: a changed RA goes out soon (within MIN_DELAY_BETWEEN_RAS of the
 * last one) and is repeated like a new router's; -EINVAL keeps the old one */
int ac_ra_set_config(struct ac_ra *r, const struct ac_ra_config *cfg, uint64_t now_ms);
/* an ICMPv6 message received on anygw (type 133 RS expected; anything else
 * ignored), with the IPv6 source and hop limit from the socket; src NULL
 * counts as :: */
void ac_ra_rx(struct ac_ra *r, uint64_t now_ms, const uint8_t *msg, size_t len,
	      const struct in6_addr *src, uint8_t hop_limit);
/* sends what is due; returns the next deadline (UINT64_MAX once stopped) */
uint64_t ac_ra_tick(struct ac_ra *r, uint64_t now_ms);
/* a final RA with router lifetime 0 (RFC 4861 6.2.5); nothing after it */
void ac_ra_stop(struct ac_ra *r, uint64_t now_ms);
/* the RA bytes; returns length, -ENOSPC, or -EINVAL for a bad config */
int ac_ra_build(const struct ac_ra_config *cfg, uint8_t *buf, size_t len, bool final);
const struct ac_ra_stats *ac_ra_stats(const struct ac_ra *r);

/*
 * RS validation (RFC 4861 6.1.1) on its own, for the fuzzer and the tests:
 * 0 for a valid RS, -ENOMSG for a message that is no RS (ignore it),
 * -EBADMSG for an invalid RS with *why saying what was wrong.
 */
int ac_ra_rs_check(const uint8_t *msg, size_t len, const struct in6_addr *src,
		   uint8_t hop_limit, const char **why);

/* The resolved timing of a config (defaults filled, bounds checked). */
struct ac_ra_timing {
	uint32_t max_ms, min_ms;
	uint32_t router_lifetime_s, dns_lifetime_s;
};
int ac_ra_timing(const struct ac_ra_config *cfg, struct ac_ra_timing *t);

#endif
