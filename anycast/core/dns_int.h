/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AC_DNS_INT_H
#define AC_DNS_INT_H

/*
 * The DNS core's insides, shared by its files. Module order (each file
 * calls only those listed before it): dns_wire.c (the codec,
 * dns_packet.h), dns_msg.c (replies built and sent, logging), dns_local.c
 * (local names), dns_fwd.c (the forwarder), dns.c (the entry points that
 * dispatch to them).
 */

#include "anycast/core/dns.h"
#include "anycast/core/dns_packet.h"
#include "common/hash.h"

#define AC_DNS_LOG_PER_S 10	/* log lines about bad input per second */
#define AC_DNS_LOCAL_MAX_ADDRS 16	/* addresses of one local name and family */
#define AC_DNS_EDNS_SIZE 1232	/* our receive size, in OPTs we send (DNS flag day 2020) */
#define AC_DNS_NO_UPSTREAM (~0u)
/* the most answers a reply of ours has: a PTR, then A and AAAA addresses */
#define AC_DNS_REPLY_MAX_RRS (1 + 2 * AC_DNS_LOCAL_MAX_ADDRS)

/*
 * A reply being made. Answers are owned by the question's name (a
 * compression pointer to it) and point at data that must live until the
 * reply is sent; opt_data likewise (an upstream answer's options).
 */
struct ac_dns_reply {
	struct ac_dns_hdr h;		/* counts are filled in when encoded */
	const struct ac_dns_name *qname;	/* NULL: no question */
	uint16_t qtype, qclass;
	bool opt;
	uint16_t opt_size;
	uint32_t opt_ttl;
	const uint8_t *opt_data;
	uint16_t opt_len;
	unsigned nan;
	struct ac_dns_rr an[AC_DNS_REPLY_MAX_RRS];
};

/* A forwarded query waiting for its answer. */
struct ac_dns_pend {
	struct mc_hnode hnode;		/* by id, in ac_dns.pend */
	struct ac_dns_pend *prev, *next;	/* deadline order */
	uint64_t deadline_ms;
	void *client;
	struct ac_dns_msg query;	/* as the client sent it: question, id, EDNS */
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
	struct ac_dns_name thisnode, anygw, anygw_dom, domain, rev4, rev6;
	bool has_rev4, has_rev6;
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
size_t ac_dns_limit(const struct ac_dns_msg *q, bool tcp);
void ac_dns_reply_init(struct ac_dns_reply *r, const struct ac_dns_msg *q,
		       enum ac_dns_rcode rcode);
void ac_dns_reply_add(struct ac_dns_reply *r, const struct ac_dns_rr *rr);
int ac_dns_send(struct ac_dns *d, void *client, struct ac_dns_reply *r, size_t limit);
int ac_dns_send_truncated(struct ac_dns *d, void *client, struct ac_dns_reply *r,
			  size_t limit);
void ac_dns_send_error(struct ac_dns *d, void *client, const struct ac_dns_msg *q,
		       size_t limit, enum ac_dns_rcode rcode);

/* dns_local.c */
int ac_dns_local_init(struct ac_dns *d);
/* true when the name is ours and the reply went out (or failed to build) */
bool ac_dns_local_answer(struct ac_dns *d, void *client, const struct ac_dns_msg *q,
			 size_t limit);

/* dns_fwd.c */
int ac_dns_fwd_init(struct ac_dns *d);
void ac_dns_fwd_free(struct ac_dns *d);
void ac_dns_fwd_start(struct ac_dns *d, uint64_t now_ms, void *client,
		      const struct ac_dns_msg *q, const uint8_t *msg, size_t len,
		      size_t limit);
void ac_dns_fwd_restart(struct ac_dns *d);

#endif
