/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replies: the skeleton made from a query, size limits and truncation,
 * encoding (dns_wire.c) and handing over; and the rate-limited log of
 * what the network sent wrong.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anycast/core/dns_int.h"
#include "common/log.h"

void ac_dns_log(struct ac_dns *d, uint64_t now_ms, int level, const char *fmt, ...)
{
	va_list ap;

	if (!d->env.log)
		return;
	/* clients choose what they send: at most AC_DNS_LOG_PER_S lines a second */
	if (now_ms - d->log_window_ms >= 1000) {
		d->log_window_ms = now_ms;
		d->log_count = 0;
	}
	if (d->log_count++ >= AC_DNS_LOG_PER_S)
		return;
	va_start(ap, fmt);
	mc_log_to(d->env.log, d->env.user, level, 0, fmt, ap);
	va_end(ap);
}

/* RFC 6891 6.2.5: an advertised size below 512 counts as 512. */
size_t ac_dns_limit(const struct ac_dns_msg *q, bool tcp)
{
	if (tcp)
		return AC_DNS_MSG_MAX;
	if (!q->opt.present || q->opt.udp_size < AC_DNS_UDP_MAX)
		return AC_DNS_UDP_MAX;
	return q->opt.udp_size;
}

/*
 * The reply skeleton: the query's id, opcode, RD and CD, its question
 * (none when it had another count than one: FORMERR), and an OPT when the
 * query had one (RFC 6891 7: a responder that understands EDNS answers
 * with one). r points into q until it is sent.
 */
void ac_dns_reply_init(struct ac_dns_reply *r, const struct ac_dns_msg *q,
		       enum ac_dns_rcode rcode)
{
	/* the answers are set as they are added */
	memset(r, 0, offsetof(struct ac_dns_reply, an));
	r->h.id = q->h.id;
	r->h.flags = (uint16_t)(AC_DNS_F_QR | AC_DNS_F_RA | (unsigned)rcode |
		(q->h.flags & (AC_DNS_F_OPCODE_MASK | AC_DNS_F_RD | AC_DNS_F_CD)));
	if (q->has_q) {
		r->qname = &q->qname;
		r->qtype = q->qtype;
		r->qclass = q->qclass;
	}
	if (q->opt.present) {
		r->opt = true;
		r->opt_size = AC_DNS_EDNS_SIZE;
	}
}

/* Answers are owned by the question: there must be one. */
void ac_dns_reply_add(struct ac_dns_reply *r, const struct ac_dns_rr *rr)
{
	if (!r->qname || r->nan >= AC_DNS_REPLY_MAX_RRS)
		abort();
	r->an[r->nan++] = *rr;
}

static size_t reply_size(const struct ac_dns_reply *r)
{
	size_t n = AC_DNS_HDR_LEN;

	if (r->qname)
		n += r->qname->len + 4u;
	for (unsigned i = 0; i < r->nan; i++)
		n += 2u + AC_DNS_RR_FIXED_LEN + r->an[i].len;
	if (r->opt)
		n += AC_DNS_OPT_LEN + (size_t)r->opt_len;
	return n;
}

static void reply_encode(struct ac_dns_reply *r, struct mc_wr *w)
{
	r->h.qdcount = r->qname ? 1 : 0;
	r->h.ancount = (uint16_t)r->nan;
	r->h.nscount = 0;
	r->h.arcount = r->opt ? 1 : 0;
	ac_dns_hdr_write(w, &r->h);
	if (r->qname)
		ac_dns_question_write(w, r->qname, r->qtype, r->qclass);
	for (unsigned i = 0; i < r->nan; i++)
		ac_dns_rr_write(w, AC_DNS_HDR_LEN, &r->an[i]);
	if (r->opt)
		ac_dns_opt_write(w, r->opt_size, r->opt_ttl, r->opt_data, r->opt_len);
}

static int send_now(struct ac_dns *d, void *client, struct ac_dns_reply *r)
{
	size_t len = reply_size(r);
	uint8_t *wire = malloc(len);
	struct mc_wr w;

	if (!wire)
		return -ENOMEM;
	mc_wr_init(&w, wire, len);
	reply_encode(r, &w);
	/* reply_size() and reply_encode() disagree: a bug, not input */
	if (!mc_wr_ok(&w) || mc_wr_len(&w) != len)
		abort();
	d->env.reply(d->env.user, client, wire, len);
	free(wire);
	return 0;
}

/*
 * Too long for the client: the header and question with TC set, so it
 * asks again over TCP (RFC 2181 9). The OPT stays unless its options
 * alone overflow (a padded answer); then it goes without them.
 */
int ac_dns_send_truncated(struct ac_dns *d, void *client, struct ac_dns_reply *r,
			  size_t limit)
{
	r->nan = 0;
	r->h.flags |= AC_DNS_F_TC;
	if (reply_size(r) > limit)
		r->opt_len = 0;
	if (reply_size(r) > limit)
		return -EMSGSIZE;
	return send_now(d, client, r);
}

/* Encodes r (which it may cut) and hands it to the client. */
int ac_dns_send(struct ac_dns *d, void *client, struct ac_dns_reply *r, size_t limit)
{
	if (reply_size(r) <= limit)
		return send_now(d, client, r);
	d->st.truncated++;
	return ac_dns_send_truncated(d, client, r, limit);
}

void ac_dns_send_error(struct ac_dns *d, void *client, const struct ac_dns_msg *q,
		       size_t limit, enum ac_dns_rcode rcode)
{
	struct ac_dns_reply r;

	ac_dns_reply_init(&r, q, rcode);
	if (rcode == AC_DNS_SERVFAIL)
		d->st.servfail++;
	else if (rcode == AC_DNS_REFUSED)
		d->st.refused++;
	ac_dns_send(d, client, &r, limit);
}
