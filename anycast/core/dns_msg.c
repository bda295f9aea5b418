/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DNS messages in and out, all through libldns: parsing, the reply
 * skeleton, size limits and truncation, and the rate-limited log of what
 * the network sent wrong.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

int ac_dns_parse(const uint8_t *msg, size_t len, ldns_pkt **out)
{
	ldns_status s;

	*out = NULL;
	if (len > AC_DNS_MSG_MAX)
		return -EMSGSIZE;
	s = ldns_wire2pkt(out, msg, len);
	if (s == LDNS_STATUS_MEM_ERR)
		return -ENOMEM;
	return s == LDNS_STATUS_OK ? 0 : -EBADMSG;
}

/* RFC 6891 6.2.5: an advertised size below 512 counts as 512. */
size_t ac_dns_limit(const ldns_pkt *q, bool tcp)
{
	size_t edns = ldns_pkt_edns_udp_size(q);

	if (tcp)
		return AC_DNS_MSG_MAX;
	if (!ldns_pkt_edns(q) || edns < AC_DNS_UDP_MAX)
		return AC_DNS_UDP_MAX;
	return edns;
}

/* The one question of a message, or false when it has not exactly one. */
bool ac_dns_question(const ldns_pkt *p, const ldns_rr **q)
{
	const ldns_rr_list *l = ldns_pkt_question(p);

	if (ldns_pkt_qdcount(p) != 1 || ldns_rr_list_rr_count(l) != 1)
		return false;
	*q = ldns_rr_list_rr(l, 0);
	return true;
}

static int reply_question(ldns_pkt *r, const ldns_pkt *q)
{
	const ldns_rr *qr;
	ldns_rr *c;

	if (!ac_dns_question(q, &qr))
		return 0;	/* FORMERR for a count other than one: no question */
	c = ldns_rr_clone(qr);
	if (!c || !ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION, c)) {
		ldns_rr_free(c);
		return -ENOMEM;
	}
	return 0;
}

/*
 * The reply skeleton: the query's id, opcode, RD and CD, its question,
 * and an OPT when the query had one (RFC 6891 7: a responder that
 * understands EDNS answers with one).
 */
ldns_pkt *ac_dns_reply_new(const ldns_pkt *q, ldns_pkt_rcode rcode)
{
	ldns_pkt *r = ldns_pkt_new();

	if (!r)
		return NULL;
	ldns_pkt_set_id(r, ldns_pkt_id(q));
	ldns_pkt_set_qr(r, true);
	ldns_pkt_set_opcode(r, ldns_pkt_get_opcode(q));
	ldns_pkt_set_rd(r, ldns_pkt_rd(q));
	ldns_pkt_set_cd(r, ldns_pkt_cd(q));
	ldns_pkt_set_ra(r, true);
	ldns_pkt_set_rcode(r, rcode);
	if (ldns_pkt_edns(q))
		ldns_pkt_set_edns_udp_size(r, AC_DNS_EDNS_SIZE);
	if (reply_question(r, q) < 0) {
		ldns_pkt_free(r);
		return NULL;
	}
	return r;
}

static int clear_section(ldns_pkt *p, ldns_pkt_section s)
{
	ldns_rr_list *empty = ldns_rr_list_new();

	if (!empty)
		return -ENOMEM;
	switch (s) {
	case LDNS_SECTION_ANSWER:
		ldns_rr_list_deep_free(ldns_pkt_answer(p));
		ldns_pkt_set_answer(p, empty);
		ldns_pkt_set_ancount(p, 0);
		break;
	case LDNS_SECTION_AUTHORITY:
		ldns_rr_list_deep_free(ldns_pkt_authority(p));
		ldns_pkt_set_authority(p, empty);
		ldns_pkt_set_nscount(p, 0);
		break;
	default:
		ldns_rr_list_deep_free(ldns_pkt_additional(p));
		ldns_pkt_set_additional(p, empty);
		ldns_pkt_set_arcount(p, 0);
		break;
	}
	return 0;
}

/*
 * Too long for the client: the header and question with TC set, so it
 * asks again over TCP (RFC 2181 9). The OPT stays unless its options
 * alone overflow (a padded answer).
 */
static int truncate_pkt(ldns_pkt *p, size_t limit, uint8_t **wire, size_t *len)
{
	if (clear_section(p, LDNS_SECTION_ANSWER) < 0 ||
	    clear_section(p, LDNS_SECTION_AUTHORITY) < 0 ||
	    clear_section(p, LDNS_SECTION_ADDITIONAL) < 0)
		return -ENOMEM;
	ldns_pkt_set_tc(p, true);
	if (ldns_pkt2wire(wire, p, len) != LDNS_STATUS_OK)
		return -ENOMEM;
	if (*len <= limit)
		return 0;
	free(*wire);
	*wire = NULL;
	ldns_rdf_deep_free(ldns_pkt_edns_data(p));
	ldns_pkt_set_edns_data(p, NULL);
	if (ldns_pkt2wire(wire, p, len) != LDNS_STATUS_OK)
		return -ENOMEM;
	return *len <= limit ? 0 : -EMSGSIZE;
}

/* Encodes p (which it may change) and hands it to the client. */
int ac_dns_send(struct ac_dns *d, void *client, ldns_pkt *p, size_t limit)
{
	uint8_t *wire = NULL;
	size_t len = 0;
	int rc = 0;

	if (ldns_pkt2wire(&wire, p, &len) != LDNS_STATUS_OK)
		return -ENOMEM;
	if (len > limit) {
		free(wire);
		wire = NULL;
		d->st.truncated++;
		rc = truncate_pkt(p, limit, &wire, &len);
		if (rc < 0)
			goto out;
	}
	d->env.reply(d->env.user, client, wire, len);
out:
	free(wire);
	return rc;
}

void ac_dns_send_error(struct ac_dns *d, void *client, const ldns_pkt *q,
		       size_t limit, ldns_pkt_rcode rcode)
{
	ldns_pkt *r = ac_dns_reply_new(q, rcode);

	if (!r)
		return;
	if (rcode == LDNS_RCODE_SERVFAIL)
		d->st.servfail++;
	else if (rcode == LDNS_RCODE_REFUSED)
		d->st.refused++;
	ac_dns_send(d, client, r, limit);
	ldns_pkt_free(r);
}
