/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz the DNS codec alone (anycast/core/dns_packet.h). Each input is
 *   - read as a message; where libldns (an independent codec) reads it
 *     too, both must agree on the header, the question's bytes, type and
 *     class, and (when it is the only record) the OPT;
 *   - when read, written back with our writers (header, question, OPT)
 *     and read again, by us and by libldns: the same fields, the question
 *     and options byte for byte, and a second write equal to the first;
 *   - read as a name in presentation form; when taken, its wire form read
 *     back through the name reader, equal, and compared with itself in
 *     another case.
 * Anything else abort()s.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "anycast/core/dns.h"
#include "anycast/core/dns_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) abort(); } while (0)

static void same_as_ldns(const struct ac_dns_msg *m, const uint8_t *msg, const ldns_pkt *p)
{
	uint16_t flags = m->h.flags;

	ENSURE(ldns_pkt_id(p) == m->h.id && ldns_pkt_qr(p) == !!(flags & AC_DNS_F_QR));
	ENSURE(ldns_pkt_get_opcode(p) == (ldns_pkt_opcode)ac_dns_opcode(&m->h));
	ENSURE(ldns_pkt_aa(p) == !!(flags & AC_DNS_F_AA));
	ENSURE(ldns_pkt_tc(p) == !!(flags & AC_DNS_F_TC));
	ENSURE(ldns_pkt_rd(p) == !!(flags & AC_DNS_F_RD));
	ENSURE(ldns_pkt_ra(p) == !!(flags & AC_DNS_F_RA));
	ENSURE(ldns_pkt_ad(p) == !!(flags & AC_DNS_F_AD));
	ENSURE(ldns_pkt_cd(p) == !!(flags & AC_DNS_F_CD));
	ENSURE(ldns_pkt_get_rcode(p) == ac_dns_rcode(&m->h));
	ENSURE(ldns_pkt_qdcount(p) == m->h.qdcount && ldns_pkt_ancount(p) == m->h.ancount);
	if (m->has_q) {
		const ldns_rr *q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
		const ldns_rdf *o = ldns_rr_owner(q);

		ENSURE(ldns_rdf_size(o) == m->qname.len);
		ENSURE(!memcmp(ldns_rdf_data(o), m->qname.wire, m->qname.len));
		ENSURE(ldns_dname_label_count(o) == ac_dns_name_labels(&m->qname));
		ENSURE(ldns_rr_get_type(q) == m->qtype && ldns_rr_get_class(q) == m->qclass);
	}
	/*
	 * libldns reads a name in rdata past the record's rdlength and then
	 * reads the records after it out of step (an MR whose name overruns
	 * it hid an OPT): its OPT is trusted only when the OPT is alone.
	 */
	if (m->h.ancount || m->h.nscount || m->h.arcount != 1)
		return;
	ENSURE(!!ldns_pkt_edns(p) == m->opt.present);
	if (!m->opt.present)
		return;
	ENSURE(ldns_pkt_edns_udp_size(p) == m->opt.udp_size);
	ENSURE(ldns_pkt_edns_extended_rcode(p) == m->opt.ttl >> 24);
	ENSURE(ldns_pkt_edns_version(p) == ((m->opt.ttl >> 16) & 0xff));
	ENSURE(ldns_pkt_edns_z(p) == (m->opt.ttl & 0xffff));
	/* of several OPTs libldns keeps the last options there were */
	if (m->opt.data_len) {
		const ldns_rdf *e = ldns_pkt_edns_data(p);

		ENSURE(e && ldns_rdf_size(e) == m->opt.data_len);
		ENSURE(!memcmp(ldns_rdf_data(e), msg + m->opt.data_off, m->opt.data_len));
	}
}

/* Header, question and OPT of m written with our writers. */
static size_t rewrite(const struct ac_dns_msg *m, const uint8_t *msg, uint8_t *out,
		      size_t cap)
{
	struct ac_dns_hdr h = m->h;
	struct mc_wr w;

	h.qdcount = m->has_q;
	h.ancount = h.nscount = 0;
	h.arcount = m->opt.present;
	mc_wr_init(&w, out, cap);
	ac_dns_hdr_write(&w, &h);
	if (m->has_q)
		ac_dns_question_write(&w, &m->qname, m->qtype, m->qclass);
	if (m->opt.present)
		ac_dns_opt_write(&w, m->opt.udp_size, m->opt.ttl, msg + m->opt.data_off,
				 m->opt.data_len);
	ENSURE(mc_wr_ok(&w));
	return mc_wr_len(&w);
}

static void round_trip(const struct ac_dns_msg *m, const uint8_t *msg)
{
	size_t cap = AC_DNS_HDR_LEN + AC_DNS_NAME_MAX + 4 + AC_DNS_OPT_LEN + m->opt.data_len;
	uint8_t *a = malloc(cap), *b = malloc(cap);
	struct ac_dns_msg m2;
	size_t la = rewrite(m, msg, a, cap), lb;
	ldns_pkt *p = NULL;

	ENSURE(ac_dns_msg_parse(&m2, a, la) == 0);
	ENSURE(m2.h.id == m->h.id && m2.h.flags == m->h.flags && m2.has_q == m->has_q);
	ENSURE(!m->has_q || (m2.qname.len == m->qname.len &&
			     !memcmp(m2.qname.wire, m->qname.wire, m->qname.len) &&
			     m2.qtype == m->qtype && m2.qclass == m->qclass));
	if (m->has_q)
		ENSURE(!memcmp(a + AC_DNS_HDR_LEN, m->qname.wire, m->qname.len));
	ENSURE(m2.opt.present == m->opt.present && m2.opt.udp_size == m->opt.udp_size &&
	       m2.opt.ttl == m->opt.ttl && m2.opt.data_len == m->opt.data_len);
	ENSURE(!memcmp(a + m2.opt.data_off, msg + m->opt.data_off, m->opt.data_len));
	ENSURE(ldns_wire2pkt(&p, a, la) == LDNS_STATUS_OK);
	same_as_ldns(&m2, a, p);
	ldns_pkt_free(p);
	lb = rewrite(&m2, a, b, cap);
	ENSURE(lb == la && !memcmp(a, b, la));
	free(a);
	free(b);
}

static void as_name_text(const uint8_t *data, size_t size)
{
	char s[1100];
	struct ac_dns_name n, back, upper;
	uint8_t msg[AC_DNS_HDR_LEN + AC_DNS_NAME_MAX] = { 0 };
	struct mc_rd r;

	if (size >= sizeof(s))
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	if (ac_dns_name_from_str(&n, s) < 0)
		return;
	ENSURE(n.len >= 1 && n.len <= AC_DNS_NAME_MAX);
	memcpy(msg + AC_DNS_HDR_LEN, n.wire, n.len);
	mc_rd_init(&r, msg, AC_DNS_HDR_LEN + n.len);
	mc_rd_skip(&r, AC_DNS_HDR_LEN);
	ENSURE(ac_dns_name_read(&r, &back) == 0 && mc_rd_left(&r) == 0);
	ENSURE(back.len == n.len && !memcmp(back.wire, n.wire, n.len));
	upper = n;
	for (unsigned i = 0; i < upper.len; i++)
		if (upper.wire[i] >= 'a' && upper.wire[i] <= 'z')
			upper.wire[i] = (uint8_t)(upper.wire[i] - 32);
	ENSURE(ac_dns_name_eq(&n, &upper));
	ENSURE(ac_dns_name_labels(&n) == ac_dns_name_labels(&upper));
	ENSURE(!ac_dns_name_under(&n, &upper));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ac_dns_msg m;
	ldns_pkt *p = NULL;
	int rc = ac_dns_msg_parse(&m, data, size);

	ENSURE(rc == 0 || rc == -EBADMSG || rc == -EMSGSIZE);
	if (rc == 0 && ldns_wire2pkt(&p, data, size) == LDNS_STATUS_OK)
		same_as_ldns(&m, data, p);
	ldns_pkt_free(p);
	if (rc == 0)
		round_trip(&m, data);
	as_name_text(data, size);
	return 0;
}
