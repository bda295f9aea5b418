/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DNS codec (anycast/core/dns_packet.h) alone: messages that libldns
 * builds read back field for field, names with good and bad compression
 * pointers, labels and names at and past their limits, counts and
 * lengths past the end, presentation-form names, comparison, and the
 * writers' output read back by libldns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "anycast/core/dns.h"
#include "anycast/core/dns_packet.h"
#include "tests/unit/check.h"

/* A query as a stub sends it, by libldns; edns 0: no OPT. */
static size_t ldns_query(uint8_t *out, size_t cap, const char *name, ldns_rr_type t,
			 uint16_t id, uint16_t edns, bool dnssec_ok)
{
	ldns_pkt *q = ldns_pkt_query_new(ldns_dname_new_frm_str(name), t,
					 LDNS_RR_CLASS_IN, LDNS_RD | LDNS_CD);
	uint8_t *w = NULL;
	size_t len = 0;

	ldns_pkt_set_id(q, id);
	if (edns)
		ldns_pkt_set_edns_udp_size(q, edns);
	ldns_pkt_set_edns_do(q, dnssec_ok);
	CHECK(ldns_pkt2wire(&w, q, &len) == LDNS_STATUS_OK && len <= cap);
	if (w && len <= cap)
		memcpy(out, w, len);
	free(w);
	ldns_pkt_free(q);
	return len;
}

static int parse(const uint8_t *m, size_t len)
{
	struct ac_dns_msg msg;

	return ac_dns_msg_parse(&msg, m, len);
}

/* Reads a name at off of m (a whole message); returns its status. */
static int name_at(const uint8_t *m, size_t len, size_t off, struct ac_dns_name *n,
		   size_t *end)
{
	struct mc_rd r;
	int rc;

	mc_rd_init(&r, m, len);
	mc_rd_skip(&r, off);
	rc = ac_dns_name_read(&r, n);
	if (end)
		*end = r.off;
	return rc;
}

static void test_query_fields(void)
{
	uint8_t w[512];
	size_t len = ldns_query(w, sizeof(w), "Example.COM.", LDNS_RR_TYPE_AAAA, 0xbeef,
				1232, true);
	struct ac_dns_msg m;
	ldns_pkt *p = NULL;

	CHECK_INT(ac_dns_msg_parse(&m, w, len), 0);
	CHECK(ldns_wire2pkt(&p, w, len) == LDNS_STATUS_OK);
	if (!p)
		return;
	CHECK_INT(m.h.id, 0xbeef);
	CHECK_INT(m.h.id, ldns_pkt_id(p));
	CHECK(!(m.h.flags & AC_DNS_F_QR) && (m.h.flags & AC_DNS_F_RD) &&
	      (m.h.flags & AC_DNS_F_CD));
	CHECK_INT(ac_dns_opcode(&m.h), AC_DNS_OP_QUERY);
	CHECK_INT(m.h.qdcount, 1);
	CHECK_INT(m.h.arcount, 1);	/* ours counts the OPT, as the wire does */
	CHECK(m.has_q);
	CHECK_INT(m.qtype, AC_DNS_T_AAAA);
	CHECK_INT(m.qclass, AC_DNS_CLASS_IN);
	/* the name's bytes as ldns has them: case kept */
	{
		const ldns_rdf *o = ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(p), 0));

		CHECK_INT(m.qname.len, ldns_rdf_size(o));
		CHECK(!memcmp(m.qname.wire, ldns_rdf_data(o), m.qname.len));
		CHECK(!memcmp(m.qname.wire, "\x07" "Example\x03" "COM", 13));
	}
	CHECK(m.opt.present && m.opt.udp_size == 1232);
	CHECK_INT(m.opt.ttl, 0x8000);	/* DO, version 0 */
	CHECK_INT(m.opt.data_len, 0);
	ldns_pkt_free(p);

	len = ldns_query(w, sizeof(w), "thisnode.info", LDNS_RR_TYPE_A, 7, 0, false);
	CHECK_INT(ac_dns_msg_parse(&m, w, len), 0);
	CHECK(!m.opt.present && m.has_q);
}

/* example.com. at 12; www + pointer at the end of the question. */
static size_t chained(uint8_t *m)
{
	static const uint8_t msg[] = {
		0, 1, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
		/* 12: question example.com A IN */
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
		/* 29: www.example.com (ptr to 12) CNAME ... */
		3, 'w', 'w', 'w', 0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 29,
		/* 47: mail.www.example.com via two pointers: 47 -> 29 -> 12 */
		4, 'm', 'a', 'i', 'l', 0xc0, 29, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4,
	};

	memcpy(m, msg, sizeof(msg));
	return sizeof(msg);
}

static void test_pointers_good(void)
{
	uint8_t m[128];
	size_t len = chained(m), end = 0;
	struct ac_dns_name n;
	struct ac_dns_msg msg;
	ldns_pkt *p = NULL;

	CHECK_INT(ac_dns_msg_parse(&msg, m, len), 0);
	CHECK(ldns_wire2pkt(&p, m, len) == LDNS_STATUS_OK);
	ldns_pkt_free(p);
	CHECK_INT(name_at(m, len, 47, &n, &end), 0);
	CHECK_INT(end, 54);	/* past the first pointer, not the name's end */
	CHECK_INT(n.len, 22);
	CHECK(!memcmp(n.wire, "\x04mail\x03www\x07" "example\x03" "com", 22));
	CHECK_INT(ac_dns_name_labels(&n), 4);
	/* the rdata's pointer (at 45) is never read: rdata is skipped */
	CHECK_INT(name_at(m, len, 29, NULL, &end), 0);
	CHECK_INT(end, 35);
}

static void test_pointers_bad(void)
{
	uint8_t m[128];
	size_t len = chained(m);
	struct ac_dns_name n;

	/* a pointer to its own name, read from there and through 47 -> 29 */
	m[33] = 0xc0, m[34] = 29;
	CHECK_INT(name_at(m, len, 29, &n, NULL), -EBADMSG);
	CHECK_INT(name_at(m, len, 47, &n, NULL), -EBADMSG);
	CHECK_INT(parse(m, len), -EBADMSG);
	/* two that point at each other: 29 -> 47 (forward) and 47 -> 29 */
	m[33] = 0xc0, m[34] = 47;
	CHECK_INT(name_at(m, len, 47, &n, NULL), -EBADMSG);
	CHECK_INT(name_at(m, len, 29, &n, NULL), -EBADMSG);
	CHECK_INT(parse(m, len), -EBADMSG);
	/* out of range, and into the header */
	m[33] = 0xc1, m[34] = 0;	/* 256 */
	CHECK_INT(name_at(m, len, 29, &n, NULL), -EBADMSG);
	m[33] = 0xc0, m[34] = 4;
	CHECK_INT(name_at(m, len, 29, &n, NULL), -EBADMSG);
	/* a pointer cut after its first byte */
	len = chained(m);
	CHECK_INT(name_at(m, 34, 29, &n, NULL), -EBADMSG);
	CHECK_INT(name_at(m, 35, 29, &n, NULL), 0);
	/* the same message with its pointers as they were is fine */
	CHECK_INT(parse(m, len), 0);
}

/* Forward pointers to a good name, and a bare pointer to itself. */
static void test_pointers_forward(void)
{
	static const uint8_t fwd[] = { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		1, 'a', 0xc0, 22, 0, 1, 0, 1, 0xff, 0xff, 3, 'c', 'o', 'm', 0 };
	static const uint8_t self[] = { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		0xc0, 12, 0, 1, 0, 1 };
	struct ac_dns_name n;
	ldns_pkt *p = NULL;

	CHECK_INT(name_at(fwd, sizeof(fwd), 12, &n, NULL), -EBADMSG);
	CHECK_INT(parse(fwd, sizeof(fwd)), -EBADMSG);
	/* libldns takes it (a.com): this is a rule of ours, not of the wire */
	CHECK(ldns_wire2pkt(&p, fwd, sizeof(fwd)) == LDNS_STATUS_OK);
	ldns_pkt_free(p);
	CHECK_INT(name_at(fwd, sizeof(fwd), 22, &n, NULL), 0);
	CHECK_INT(name_at(self, sizeof(self), 12, &n, NULL), -EBADMSG);
	CHECK_INT(parse(self, sizeof(self)), -EBADMSG);
}

static void test_labels(void)
{
	uint8_t m[600] = { 0, 1, 0, 0, 0, 1 };
	size_t off = AC_DNS_HDR_LEN;
	struct ac_dns_name n;

	/* label types 01 and 10 */
	m[off] = 0x40;
	CHECK_INT(name_at(m, off + 2, off, &n, NULL), -EBADMSG);
	m[off] = 0x80;
	CHECK_INT(name_at(m, off + 2, off, &n, NULL), -EBADMSG);
	/* 63 is the largest label; one that runs past the end */
	m[off] = 63;
	memset(m + off + 1, 'a', 63);
	m[off + 64] = 0;
	CHECK_INT(name_at(m, off + 65, off, &n, NULL), 0);
	CHECK_INT(n.len, 65);
	CHECK_INT(name_at(m, off + 64, off, &n, NULL), -EBADMSG);	/* no root */
	CHECK_INT(name_at(m, off + 50, off, &n, NULL), -EBADMSG);
	CHECK_INT(name_at(m, off, off, &n, NULL), -EBADMSG);	/* nothing */
	/* 255 bytes: 3 labels of 63 + one of 61 + root = 64*3 + 62 + 1 */
	for (unsigned i = 0; i < 3; i++) {
		m[off + 64 * i] = 63;
		memset(m + off + 64 * i + 1, 'b', 63);
	}
	m[off + 192] = 61;
	memset(m + off + 193, 'c', 61);
	m[off + 254] = 0;
	CHECK_INT(name_at(m, off + 255, off, &n, NULL), 0);
	CHECK_INT(n.len, 255);
	m[off + 192] = 62;	/* 256 bytes */
	m[off + 254] = 'c';
	m[off + 255] = 0;
	CHECK_INT(name_at(m, off + 256, off, &n, NULL), -EBADMSG);
}

/* Over 255 through pointers: each piece is short, the whole is not. */
static void test_long_by_pointers(void)
{
	uint8_t m[700] = { 0 };
	size_t off = AC_DNS_HDR_LEN, prev = 0;
	struct ac_dns_name n;

	/* name k: a label of 60 and a pointer to name k-1 (name 0 ends in
	 * the root), so it spells (k + 1) * 61 + 1 bytes: 245 for k = 3,
	 * 306 for k = 4 */
	for (unsigned k = 0; k < 5; k++) {
		size_t at = off;

		m[off] = 60;
		memset(m + off + 1, 'a' + (int)k, 60);
		off += 61;
		if (k == 0) {
			m[off++] = 0;
		} else {
			m[off++] = 0xc0 | (uint8_t)(prev >> 8);
			m[off++] = (uint8_t)prev;
		}
		CHECK_INT(name_at(m, sizeof(m), at, &n, NULL), k < 4 ? 0 : -EBADMSG);
		if (k < 4)
			CHECK_INT(n.len, (k + 1) * 61 + 1);
		prev = at;
	}
}

static void test_truncated(void)
{
	uint8_t w[512], m[512];
	size_t len = ldns_query(w, sizeof(w), "example.com", LDNS_RR_TYPE_A, 1, 1232, false);
	ldns_pkt *p = NULL;

	/* every cut short of the whole fails (the OPT is the last 11 bytes) */
	for (size_t i = 0; i < len; i++)
		CHECK_INT(parse(w, i), -EBADMSG);
	CHECK_INT(parse(w, len), 0);
	CHECK_INT(parse(NULL, 0), -EBADMSG);
	/* bytes after the last record are ignored, as libldns does */
	memcpy(m, w, len);
	m[len] = 0xff;
	CHECK_INT(parse(m, len + 1), 0);
	CHECK(ldns_wire2pkt(&p, m, len + 1) == LDNS_STATUS_OK);
	ldns_pkt_free(p);
	/* counts larger than the message: question, answer, additional */
	for (unsigned f = 4; f <= 10; f += 2) {
		memcpy(m, w, len);
		m[f + 1]++;
		CHECK_INT(parse(m, len), -EBADMSG);
		p = NULL;
		CHECK(ldns_wire2pkt(&p, m, len) != LDNS_STATUS_OK);
		ldns_pkt_free(p);
	}
	/* an rdlength one past the end */
	memcpy(m, w, len);
	m[len - 1] = 1;
	CHECK_INT(parse(m, len), -EBADMSG);
	CHECK_INT(parse(m, len + 1), 0);
	/* over 65535 bytes: too long, whatever it holds */
	{
		uint8_t *big = calloc(1, AC_DNS_MSG_MAX + 1);

		CHECK_INT(parse(big, AC_DNS_MSG_MAX + 1), -EMSGSIZE);
		CHECK_INT(parse(big, AC_DNS_MSG_MAX), 0);	/* an empty header */
		free(big);
	}
}

static void test_counts(void)
{
	uint8_t w[512], m[1024];
	size_t len = ldns_query(w, sizeof(w), "example.com", LDNS_RR_TYPE_A, 1, 0, false);
	size_t qlen = len - AC_DNS_HDR_LEN;
	struct ac_dns_msg msg;

	/* two questions: read, but no single question */
	memcpy(m, w, len);
	memcpy(m + len, w + AC_DNS_HDR_LEN, qlen);
	m[5] = 2;
	CHECK_INT(ac_dns_msg_parse(&msg, m, len + qlen), 0);
	CHECK(!msg.has_q);
	CHECK_INT(msg.h.qdcount, 2);
	/* none */
	m[5] = 0;
	CHECK_INT(ac_dns_msg_parse(&msg, m, AC_DNS_HDR_LEN), 0);
	CHECK(!msg.has_q);
}

/* Two OPTs: the last counts (libldns does the same). */
static void test_two_opts(void)
{
	uint8_t w[512], m[512];
	size_t len = ldns_query(w, sizeof(w), "example.com", LDNS_RR_TYPE_A, 1, 1232, false);
	static const uint8_t opt2[] = { 0, 0, 41, 0x10, 0, 0, 0, 0x80, 0, 0, 4, 0, 12, 0, 0 };
	struct ac_dns_msg msg;
	ldns_pkt *p = NULL;

	memcpy(m, w, len);
	memcpy(m + len, opt2, sizeof(opt2));
	m[11] = 2;
	CHECK_INT(ac_dns_msg_parse(&msg, m, len + sizeof(opt2)), 0);
	CHECK(msg.opt.present && msg.opt.udp_size == 4096 && msg.opt.ttl == 0x8000);
	CHECK_INT(msg.opt.data_len, 4);
	CHECK_INT(msg.opt.data_off, len + 11);
	CHECK(ldns_wire2pkt(&p, m, len + sizeof(opt2)) == LDNS_STATUS_OK);
	CHECK(p && ldns_pkt_edns_udp_size(p) == msg.opt.udp_size && ldns_pkt_edns_do(p));
	ldns_pkt_free(p);
	/* an OPT outside the additional section is a plain record */
	m[11] = 1;
	m[7] = 1;
	memcpy(m + AC_DNS_HDR_LEN + 17, opt2, sizeof(opt2));
	memcpy(m + AC_DNS_HDR_LEN + 17 + sizeof(opt2), w + len - 11, 11);
	CHECK_INT(ac_dns_msg_parse(&msg, m, len + sizeof(opt2)), 0);
	CHECK(msg.opt.present && msg.opt.udp_size == 1232);
}

static void test_from_str(void)
{
	struct ac_dns_name n;
	char s[300];

	CHECK_INT(ac_dns_name_from_str(&n, "thisnode.info"), 0);
	CHECK(n.len == 15 && !memcmp(n.wire, "\x08thisnode\x04info", 15));
	CHECK_INT(ac_dns_name_from_str(&n, "thisnode.info."), 0);
	CHECK_INT(n.len, 15);
	CHECK_INT(ac_dns_name_from_str(&n, "."), 0);
	CHECK(n.len == 1 && n.wire[0] == 0 && ac_dns_name_labels(&n) == 0);
	CHECK_INT(ac_dns_name_from_str(&n, "a\\.b.c\\099"), 0);
	CHECK(n.len == 8 && !memcmp(n.wire, "\x03" "a.b\x02" "cc", 8));
	CHECK_INT(ac_dns_name_labels(&n), 2);
	CHECK_INT(ac_dns_name_from_str(&n, "a..b"), -EINVAL);
	CHECK_INT(ac_dns_name_from_str(&n, ".a"), -EINVAL);
	CHECK_INT(ac_dns_name_from_str(&n, ""), -EINVAL);
	CHECK_INT(ac_dns_name_from_str(&n, "a\\"), -EINVAL);
	CHECK_INT(ac_dns_name_from_str(&n, "a\\256"), -EINVAL);
	CHECK_INT(ac_dns_name_from_str(&n, "a\\25"), -EINVAL);
	memset(s, 'x', 63);
	strcpy(s + 63, ".lan");
	CHECK_INT(ac_dns_name_from_str(&n, s), 0);
	s[63] = 'x';
	strcpy(s + 64, ".lan");
	CHECK_INT(ac_dns_name_from_str(&n, s), -EINVAL);	/* label of 64 */
	/* 255 bytes on the wire at most: 4 labels, 63+63+63+61 */
	memset(s, 'y', 253);
	s[63] = s[127] = s[191] = '.';
	s[253] = '\0';
	CHECK_INT(ac_dns_name_from_str(&n, s), 0);
	CHECK_INT(n.len, 255);
	s[253] = 'y';
	s[254] = '\0';
	CHECK_INT(ac_dns_name_from_str(&n, s), -EINVAL);
}

static void test_compare(void)
{
	struct ac_dns_name a, b, c, d;

	ac_dns_name_from_str(&a, "Node1.ThisNode.INFO");
	ac_dns_name_from_str(&b, "thisnode.info.");
	ac_dns_name_from_str(&c, "node1.thisnode.info");
	CHECK(ac_dns_name_eq(&a, &c));
	CHECK(!ac_dns_name_eq(&a, &b));
	CHECK(ac_dns_name_under(&a, &b));
	CHECK(!ac_dns_name_under(&b, &b));
	CHECK(!ac_dns_name_under(&b, &a));
	/* b's bytes end d's wire form, but inside d's first label */
	ac_dns_name_from_str(&d, "a\\008thisnode.info");
	CHECK(d.len == 17 && !memcmp(d.wire + 2, b.wire, b.len));
	CHECK(!ac_dns_name_under(&d, &b));
	ac_dns_name_from_str(&d, "a.\\008thisnode.info");
	CHECK(!ac_dns_name_under(&d, &b));
	/* only ASCII letters fold: '[' is not '{' */
	ac_dns_name_from_str(&c, "a[");
	ac_dns_name_from_str(&d, "a{");
	CHECK(!ac_dns_name_eq(&c, &d));
	/* a length byte never equals a letter: "a.b" is not "ab" */
	ac_dns_name_from_str(&c, "ab");
	ac_dns_name_from_str(&d, "a.b");
	CHECK(!ac_dns_name_eq(&c, &d));
	ac_dns_name_from_str(&c, "anygw");
	CHECK_INT(ac_dns_name_cat(&d, &c, &b), 0);
	CHECK(d.len == 21 && !memcmp(d.wire, "\x05" "anygw\x08thisnode\x04info", 21));
	CHECK_INT(ac_dns_name_cat(&c, &c, &b), 0);	/* in place */
	CHECK(ac_dns_name_eq(&c, &d));
	memset(&a, 0, sizeof(a));
	a.len = AC_DNS_NAME_MAX;
	for (unsigned i = 0; i < 4; i++)
		a.wire[i * 64] = i < 3 ? 63 : 61;
	CHECK_INT(ac_dns_name_cat(&d, &c, &a), -EINVAL);
}

/* Built with the writers, read by libldns. */
static void test_writers(void)
{
	static const uint8_t a4[4] = { 10, 13, 0, 1 }, pad[6] = { 0, 12, 0, 2, 0, 0 };
	struct ac_dns_hdr h = { .id = 0x1234, .flags = AC_DNS_F_QR | AC_DNS_F_AA |
				AC_DNS_F_RA | AC_DNS_NXDOMAIN, .qdcount = 1,
				.ancount = 1, .arcount = 1 };
	struct ac_dns_rr rr = { .type = AC_DNS_T_A, .class = AC_DNS_CLASS_IN,
				.ttl = 60, .data = a4, .len = 4 };
	struct ac_dns_name n;
	uint8_t buf[128];
	struct mc_wr w;
	ldns_pkt *p = NULL;
	const ldns_rr *r0;
	char *owner;

	ac_dns_name_from_str(&n, "ThisNode.info");
	mc_wr_init(&w, buf, sizeof(buf));
	ac_dns_hdr_write(&w, &h);
	ac_dns_question_write(&w, &n, AC_DNS_T_A, AC_DNS_CLASS_IN);
	ac_dns_rr_write(&w, AC_DNS_HDR_LEN, &rr);
	CHECK_INT(ac_dns_opt_write(&w, 1232, 0x8000, pad, sizeof(pad)), 0);
	CHECK_INT(mc_wr_len(&w), 12 + 19 + 16 + 11 + 6);
	CHECK(ldns_wire2pkt(&p, buf, mc_wr_len(&w)) == LDNS_STATUS_OK);
	if (!p)
		return;
	CHECK(ldns_pkt_id(p) == 0x1234 && ldns_pkt_qr(p) && ldns_pkt_aa(p) && ldns_pkt_ra(p));
	CHECK(ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN && !ldns_pkt_tc(p));
	CHECK(ldns_pkt_edns_udp_size(p) == 1232 && ldns_pkt_edns_do(p));
	CHECK(ldns_pkt_edns_data(p) && ldns_rdf_size(ldns_pkt_edns_data(p)) == 6);
	r0 = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
	owner = r0 ? ldns_rdf2str(ldns_rr_owner(r0)) : NULL;
	CHECK_STR(owner, "ThisNode.info.");
	free(owner);
	CHECK(r0 && ldns_rr_ttl(r0) == 60 && !memcmp(ldns_rdf_data(ldns_rr_rdf(r0, 0)), a4, 4));
	ldns_pkt_free(p);
	/* and by ourselves */
	{
		struct ac_dns_msg m;

		CHECK_INT(ac_dns_msg_parse(&m, buf, mc_wr_len(&w)), 0);
		CHECK(m.has_q && ac_dns_name_eq(&m.qname, &n) && m.opt.data_len == 6);
		CHECK(!memcmp(buf + m.opt.data_off, pad, 6));
	}
	/* a writer that runs out fails and stays failed */
	mc_wr_init(&w, buf, 20);
	ac_dns_hdr_write(&w, &h);
	CHECK(ac_dns_question_write(&w, &n, AC_DNS_T_A, AC_DNS_CLASS_IN) < 0);
	CHECK(ac_dns_opt_write(&w, 512, 0, NULL, 0) < 0);
	CHECK(!mc_wr_ok(&w));
}

int main(void)
{
	RUN(test_query_fields);
	RUN(test_pointers_good);
	RUN(test_pointers_bad);
	RUN(test_pointers_forward);
	RUN(test_labels);
	RUN(test_long_by_pointers);
	RUN(test_truncated);
	RUN(test_counts);
	RUN(test_two_opts);
	RUN(test_from_str);
	RUN(test_compare);
	RUN(test_writers);
	return check_exit();
}
