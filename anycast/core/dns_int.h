/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AC_DNS_INT_H
#define AC_DNS_INT_H

/*
 * The DNS core's insides, shared by its files. Module order (each file
 * calls only those listed before it): dns_msg.c (building and sending
 * messages, logging), dns_local.c (local names), dns_fwd.c (the
 * forwarder), dns.c (the entry points that dispatch to them).
 */

#include <ldns/ldns.h>

#include "anycast/core/dns.h"
#include "common/hash.h"

#define AC_DNS_LOG_PER_S 10	/* log lines about bad input per second */
#define AC_DNS_LOCAL_MAX_ADDRS 16	/* addresses of one local name and family */
#define AC_DNS_EDNS_SIZE 1232	/* our receive size, in OPTs we send (DNS flag day 2020) */
#define AC_DNS_NO_UPSTREAM (~0u)

/* A forwarded query waiting for its answer. */
struct ac_dns_pend {
	struct mc_hnode hnode;		/* by id, in ac_dns.pend */
	struct ac_dns_pend *prev, *next;	/* deadline order */
	uint64_t deadline_ms;
	void *client;
	ldns_pkt *query;		/* as the client sent it: question, id, EDNS */
	size_t limit;			/* the client's reply size */
	uint16_t id;			/* ours, in msg */
	unsigned cur;			/* upstream of the last try */
	unsigned tried;			/* bit i: upstream i had a try */
	size_t len;
	uint8_t msg[];			/* the query as forwarded */
};

struct ac_dns {
	struct ac_dns_config cfg;	/* defaults filled in */
	struct ac_dns_env env;
	struct ac_dns_stats st;
	/* local names, built once: thisnode.info, anygw, anygw.<domain>,
	 * <domain>, and the reverse names of the anycast addresses (NULL
	 * when the address is not set) */
	ldns_rdf *thisnode, *anygw, *anygw_dom, *domain, *rev4, *rev6;
	struct mc_hash pend;
	struct ac_dns_pend *head, *tail;
	unsigned npend;
	unsigned rr;			/* first upstream to try: the last that answered */
	uint32_t seed;
	uint64_t log_window_ms;
	unsigned log_count;
};

/* dns_msg.c */
void ac_dns_log(struct ac_dns *d, uint64_t now_ms, int level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int ac_dns_parse(const uint8_t *msg, size_t len, ldns_pkt **out);
size_t ac_dns_limit(const ldns_pkt *q, bool tcp);
bool ac_dns_question(const ldns_pkt *p, const ldns_rr **q);
ldns_pkt *ac_dns_reply_new(const ldns_pkt *q, ldns_pkt_rcode rcode);
int ac_dns_send(struct ac_dns *d, void *client, ldns_pkt *p, size_t limit);
void ac_dns_send_error(struct ac_dns *d, void *client, const ldns_pkt *q,
		       size_t limit, ldns_pkt_rcode rcode);

/* dns_local.c */
int ac_dns_local_init(struct ac_dns *d);
void ac_dns_local_free(struct ac_dns *d);
/* true when the name is ours and the reply went out (or failed to build) */
bool ac_dns_local_answer(struct ac_dns *d, void *client, const ldns_pkt *q,
			 size_t limit);

/* dns_fwd.c */
int ac_dns_fwd_init(struct ac_dns *d);
void ac_dns_fwd_free(struct ac_dns *d);
void ac_dns_fwd_start(struct ac_dns *d, uint64_t now_ms, void *client,
		      ldns_pkt *q, const uint8_t *msg, size_t len, size_t limit);
void ac_dns_fwd_restart(struct ac_dns *d);

#endif
