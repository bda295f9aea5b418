/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AC_DNS_H
#define AC_DNS_H

/*
 * DNS on the anycast addresses (doc/anycastd.md#dns): LibreMesh's local
 * names (thisnode.info, anygw, the hosts of the local domain) answered
 * here, everything else forwarded to the WAN's resolvers. A pure core:
 * messages are decoded and built by its own codec (dns_packet.h), never
 * sent; time comes in
 * as now_ms and effects go out through struct ac_dns_env.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/log.h"

#define AC_DNS_MAX_UPSTREAMS 4
/* forwarded queries waiting for an answer; more get SERVFAIL at once */
#define AC_DNS_MAX_PENDING 512
#define AC_DNS_DEFAULT_TTL_S 60
#define AC_DNS_DEFAULT_TIMEOUT_MS 2000
#define AC_DNS_UDP_MAX 512	/* a UDP reply to a query without OPT */
#define AC_DNS_MSG_MAX 65535	/* any DNS message (TCP's length field) */

struct ac_dns;

struct ac_dns_upstream {
	int family;		/* AF_INET: a4, AF_INET6: a6 */
	struct in_addr a4;
	struct in6_addr a6;
	uint16_t port;		/* 0 = 53 */
};

struct ac_dns_config {
	char domain[254];	/* the local domain (LibreMesh default thisnode.info) */
	struct in_addr anycast4;	/* thisnode.info and anygw answer these */
	struct in6_addr anycast6;
	uint32_t local_ttl_s;	/* TTL of local answers; 0 = 60 */
	uint32_t timeout_ms;	/* per upstream try; 0 = 2000 */
	unsigned nupstreams;
	struct ac_dns_upstream upstream[AC_DNS_MAX_UPSTREAMS];
};

struct ac_dns_env {
	void *user;
	/* answer to a client: client is the token given to ac_dns_query */
	void (*reply)(void *user, void *client, const uint8_t *msg, size_t len);
	/* send a query to upstream number i (index into config.upstream) */
	void (*forward)(void *user, unsigned upstream, const uint8_t *msg, size_t len);
	/*
	 * Local names: the addresses of a host name (one label, lowercase,
	 * no domain: a node's or a DHCP client's hostname). AF_INET fills
	 * struct in_addr[], AF_INET6 struct in6_addr[]; returns the count
	 * (0 unknown).
	 */
	unsigned (*lookup)(void *user, const char *name, int family, void *addrs,
			   unsigned max);
	uint32_t (*rand)(void *user);
	mc_log_fn *log;	/* may be NULL */
};

/* Every counter only grows. doc/anycastd.md#dns says what each counts. */
struct ac_dns_stats {
	uint64_t queries, local, nxdomain, forwarded, answered, timeouts,
		servfail, malformed, oversize, refused;
	uint64_t retries;	/* tries that timed out, or got REFUSED or SERVFAIL, then moved on */
	uint64_t truncated;	/* replies cut to the client's size, TC set */
	uint64_t notimp;	/* opcodes other than QUERY */
	uint64_t busy;		/* SERVFAIL because AC_DNS_MAX_PENDING were pending */
};

/* 0, -EINVAL (a bad domain or upstream, a missing callback) or -ENOMEM. */
int ac_dns_new(struct ac_dns **out, const struct ac_dns_config *cfg,
	       const struct ac_dns_env *env);
void ac_dns_free(struct ac_dns *d);
/*
 * The WAN's resolvers change at run time. Queries pending on the old list
 * go at once to the new one (each to its first server, tries counted
 * afresh); with an empty list they get REFUSED. 0 or -EINVAL.
 */
int ac_dns_set_upstreams(struct ac_dns *d, const struct ac_dns_upstream *u,
			 unsigned n);
/*
 * A client's query. The reply may take 512 bytes over UDP without EDNS,
 * the OPT's payload size (at least 512) with it, 65535 over TCP; longer
 * replies are cut to their question with TC set.
 */
void ac_dns_query(struct ac_dns *d, uint64_t now_ms, void *client,
		  const uint8_t *msg, size_t len, bool tcp);
void ac_dns_upstream_rx(struct ac_dns *d, uint64_t now_ms, unsigned upstream,
			const uint8_t *msg, size_t len);
/* a TCP client closed: drop its pending queries */
void ac_dns_client_gone(struct ac_dns *d, void *client);
/* time-outs and retries; returns the next deadline (UINT64_MAX: none) */
uint64_t ac_dns_tick(struct ac_dns *d, uint64_t now_ms);
const struct ac_dns_stats *ac_dns_stats(const struct ac_dns *d);

/* Whether a query of client waits for an upstream (the client's token is
 * still held: the shell must keep it until the reply comes). */
bool ac_dns_pending(const struct ac_dns *d, const void *client);
/* Upstream number i as configured; -ENOENT past the last. */
int ac_dns_upstream_get(const struct ac_dns *d, unsigned i, struct ac_dns_upstream *u);

#endif
