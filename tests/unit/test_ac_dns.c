/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The anycast DNS core against a fake env: local names, the forwarder's
 * id rewriting, matching, time-outs and retries, truncation, and what it
 * does with bad input. Queries and answers are built and read with
 * libldns, as a client and an upstream would.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include "anycast/core/dns.h"
#include "tests/unit/check.h"

#define MAX_SENT 8

struct sent {
	void *client;		/* replies */
	unsigned upstream;	/* forwards */
	size_t len;
	uint8_t msg[65536];
};

struct fake {
	struct sent reply[MAX_SENT], fwd[MAX_SENT];
	unsigned nreply, nfwd;
	char looked_up[64];
	uint32_t rand_next;
	uint32_t rand_script[4];	/* returned first, when non-zero */
	unsigned nscript;
	unsigned nlog;
	unsigned many;			/* "many" has this many addresses of each family */
};

static struct fake F;
static struct ac_dns *D;
static int client_a, client_b;	/* their addresses are the tokens */

static void fake_reply(void *user, void *client, const uint8_t *msg, size_t len)
{
	struct fake *f = user;
	struct sent *s = &f->reply[f->nreply++ % MAX_SENT];

	s->client = client;
	s->len = len;
	memcpy(s->msg, msg, len);
}

static void fake_forward(void *user, unsigned upstream, const uint8_t *msg, size_t len)
{
	struct fake *f = user;
	struct sent *s = &f->fwd[f->nfwd++ % MAX_SENT];

	s->upstream = upstream;
	s->len = len;
	memcpy(s->msg, msg, len);
}

static unsigned fake_lookup(void *user, const char *name, int family, void *addrs,
			    unsigned max)
{
	struct fake *f = user;

	snprintf(f->looked_up, sizeof(f->looked_up), "%s", name);
	if (!strcmp(name, "node1") && family == AF_INET) {
		inet_pton(AF_INET, "10.13.0.7", addrs);
		return 1;
	}
	if (!strcmp(name, "many")) {
		for (unsigned i = 0; i < f->many && i < max; i++) {
			if (family == AF_INET6) {
				struct in6_addr *a = addrs;

				inet_pton(AF_INET6, "fd0d::1", &a[i]);
				a[i].s6_addr[15] = (uint8_t)i;
			} else {
				struct in_addr *a = addrs;

				a[i].s_addr = htonl(0x0a0d0100 + i);
			}
		}
		return f->many < max ? f->many : max;
	}
	return 0;
}

static uint32_t fake_rand(void *user)
{
	struct fake *f = user;

	if (f->nscript)
		return f->rand_script[--f->nscript];
	return f->rand_next += 0x101;
}

static void fake_log(void *user, int level, uint32_t cat, const char *msg)
{
	struct fake *f = user;

	f->nlog++;
}

static const struct ac_dns_env ENV = {
	.user = &F, .reply = fake_reply, .forward = fake_forward,
	.lookup = fake_lookup, .rand = fake_rand, .log = fake_log,
};

static void upstream4(struct ac_dns_upstream *u, const char *a)
{
	memset(u, 0, sizeof(*u));
	u->family = AF_INET;
	inet_pton(AF_INET, a, &u->a4);
}

static void setup(const char *domain, unsigned nup)
{
	struct ac_dns_config c = { .timeout_ms = 100 };

	memset(&F, 0, sizeof(F));
	F.rand_next = 0x4000;
	snprintf(c.domain, sizeof(c.domain), "%s", domain);
	inet_pton(AF_INET, "10.13.0.1", &c.anycast4);
	inet_pton(AF_INET6, "fd0d:fe46:8ce8::1", &c.anycast6);
	c.nupstreams = nup;
	for (unsigned i = 0; i < nup; i++)
		upstream4(&c.upstream[i], i ? "192.0.2.2" : "192.0.2.1");
	CHECK_INT(ac_dns_new(&D, &c, &ENV), 0);
}

static void teardown(void)
{
	ac_dns_free(D);
	D = NULL;
}

/* A client's query on the wire; edns 0: no OPT. */
static size_t query_wire(uint8_t *out, const char *name, ldns_rr_type t,
			 uint16_t id, uint16_t edns)
{
	ldns_pkt *q = ldns_pkt_query_new(ldns_dname_new_frm_str(name), t,
					 LDNS_RR_CLASS_IN, LDNS_RD);
	uint8_t *w;
	size_t len;

	ldns_pkt_set_id(q, id);
	if (edns)
		ldns_pkt_set_edns_udp_size(q, edns);
	CHECK(ldns_pkt2wire(&w, q, &len) == LDNS_STATUS_OK);
	memcpy(out, w, len);
	free(w);
	ldns_pkt_free(q);
	return len;
}

static void ask(void *client, const char *name, ldns_rr_type t, uint16_t id,
		uint16_t edns, bool tcp)
{
	uint8_t w[512];
	size_t len = query_wire(w, name, t, id, edns);

	ac_dns_query(D, 0, client, w, len, tcp);
}

/* The last reply, parsed (free it), or NULL when there was none. */
static ldns_pkt *last_reply(void)
{
	const struct sent *s;
	ldns_pkt *p = NULL;

	if (!F.nreply)
		return NULL;
	s = &F.reply[(F.nreply - 1) % MAX_SENT];
	CHECK(ldns_wire2pkt(&p, s->msg, s->len) == LDNS_STATUS_OK);
	return p;
}

static const struct sent *last_fwd(void)
{
	return F.nfwd ? &F.fwd[(F.nfwd - 1) % MAX_SENT] : NULL;
}

static uint32_t answer_a(const ldns_pkt *p, unsigned i)
{
	const ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(p), i);
	uint32_t a;

	if (!rr || ldns_rr_get_type(rr) != LDNS_RR_TYPE_A)
		return 0;
	memcpy(&a, ldns_rdf_data(ldns_rr_rdf(rr, 0)), 4);
	return ntohl(a);
}

static void test_thisnode(void)
{
	ldns_pkt *r;
	const ldns_rr *rr;
	struct in6_addr want6;

	setup("thisnode.info", 1);
	ask(&client_a, "thisnode.info", LDNS_RR_TYPE_A, 0x1234, 0, false);
	CHECK_INT(F.nreply, 1);
	CHECK_INT(F.nfwd, 0);
	CHECK(F.reply[0].client == &client_a);
	r = last_reply();
	CHECK(r && ldns_pkt_id(r) == 0x1234 && ldns_pkt_qr(r) && ldns_pkt_aa(r));
	CHECK(r && ldns_pkt_rd(r) && ldns_pkt_ra(r));
	CHECK(r && ldns_pkt_get_rcode(r) == LDNS_RCODE_NOERROR);
	CHECK_INT(r ? ldns_pkt_ancount(r) : 0, 1);
	CHECK_INT(r ? answer_a(r, 0) : 0, 0x0a0d0001);
	rr = r ? ldns_rr_list_rr(ldns_pkt_answer(r), 0) : NULL;
	CHECK_INT(rr ? ldns_rr_ttl(rr) : 0, 60);
	ldns_pkt_free(r);

	ask(&client_a, "thisnode.info.", LDNS_RR_TYPE_AAAA, 7, 0, false);
	r = last_reply();
	rr = r ? ldns_rr_list_rr(ldns_pkt_answer(r), 0) : NULL;
	inet_pton(AF_INET6, "fd0d:fe46:8ce8::1", &want6);
	CHECK(rr && ldns_rr_get_type(rr) == LDNS_RR_TYPE_AAAA &&
	      !memcmp(ldns_rdf_data(ldns_rr_rdf(rr, 0)), &want6, 16));
	ldns_pkt_free(r);
	CHECK_INT(ac_dns_stats(D)->local, 2);
	CHECK_INT(ac_dns_stats(D)->queries, 2);
	teardown();
}

static void test_anygw(void)
{
	ldns_pkt *r;

	setup("lan", 1);
	ask(&client_a, "anygw", LDNS_RR_TYPE_A, 1, 0, false);
	ask(&client_a, "anygw.lan", LDNS_RR_TYPE_A, 2, 0, false);
	ask(&client_a, "thisnode.info", LDNS_RR_TYPE_A, 3, 0, false);
	CHECK_INT(F.nreply, 3);
	CHECK_INT(F.nfwd, 0);
	for (unsigned i = 0; i < 3; i++) {
		ldns_pkt *p = NULL;

		CHECK(ldns_wire2pkt(&p, F.reply[i].msg, F.reply[i].len) == LDNS_STATUS_OK);
		CHECK_INT(p ? answer_a(p, 0) : 0, 0x0a0d0001);
		ldns_pkt_free(p);
	}
	/* anygw.thisnode.info is not the local domain here: forwarded */
	ask(&client_a, "anygw.thisnode.info", LDNS_RR_TYPE_A, 4, 0, false);
	CHECK_INT(F.nfwd, 1);
	/* MX of a local name: exists, no records */
	ask(&client_a, "anygw", LDNS_RR_TYPE_MX, 5, 0, false);
	r = last_reply();
	CHECK(r && ldns_pkt_get_rcode(r) == LDNS_RCODE_NOERROR &&
	      ldns_pkt_ancount(r) == 0 && ldns_pkt_aa(r));
	ldns_pkt_free(r);
	teardown();
}

static void test_uppercase(void)
{
	ldns_pkt *r;
	char *owner;

	setup("thisnode.info", 1);
	ask(&client_a, "ThisNode.INFO.", LDNS_RR_TYPE_A, 9, 0, false);
	CHECK_INT(F.nfwd, 0);
	r = last_reply();
	CHECK_INT(r ? answer_a(r, 0) : 0, 0x0a0d0001);
	/* the owner as the client spelled it (0x20 randomisation) */
	owner = r ? ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_answer(r), 0))) : NULL;
	CHECK_STR(owner, "ThisNode.INFO.");
	free(owner);
	ldns_pkt_free(r);
	ask(&client_a, "NODE1.ThisNode.Info", LDNS_RR_TYPE_A, 10, 0, false);
	CHECK_STR(F.looked_up, "node1");
	r = last_reply();
	CHECK_INT(r ? answer_a(r, 0) : 0, 0x0a0d0007);
	ldns_pkt_free(r);
	teardown();
}

static void test_local_host(void)
{
	ldns_pkt *r;

	setup("thisnode.info", 1);
	ask(&client_a, "node1.thisnode.info", LDNS_RR_TYPE_A, 1, 0, false);
	r = last_reply();
	CHECK(r && ldns_pkt_aa(r) && ldns_pkt_ancount(r) == 1);
	CHECK_INT(r ? answer_a(r, 0) : 0, 0x0a0d0007);
	ldns_pkt_free(r);
	ask(&client_a, "node1", LDNS_RR_TYPE_A, 2, 0, false);
	r = last_reply();
	CHECK_INT(r ? answer_a(r, 0) : 0, 0x0a0d0007);
	ldns_pkt_free(r);
	/* the name exists, without IPv6: NOERROR and no answer */
	ask(&client_a, "node1.thisnode.info", LDNS_RR_TYPE_AAAA, 3, 0, false);
	r = last_reply();
	CHECK(r && ldns_pkt_get_rcode(r) == LDNS_RCODE_NOERROR && ldns_pkt_ancount(r) == 0);
	ldns_pkt_free(r);
	CHECK_INT(F.nfwd, 0);
	CHECK_INT(ac_dns_stats(D)->nxdomain, 0);
	teardown();
}

static void test_nxdomain(void)
{
	static const char *const names[] = {
		"nobody.thisnode.info", "a.node1.thisnode.info", "nobody", "bad\\.x.thisnode.info",
	};
	ldns_pkt *r;

	setup("thisnode.info", 1);
	for (unsigned i = 0; i < 4; i++) {
		ask(&client_a, names[i], LDNS_RR_TYPE_A, (uint16_t)i, 0, false);
		r = last_reply();
		CHECK(r && ldns_pkt_get_rcode(r) == LDNS_RCODE_NXDOMAIN && ldns_pkt_aa(r));
		CHECK_INT(r ? ldns_pkt_id(r) : 99, i);
		ldns_pkt_free(r);
	}
	CHECK_INT(F.nreply, 4);
	CHECK_INT(ac_dns_stats(D)->nxdomain, 4);
	/* a bare label's NS is no local question: forwarded */
	ask(&client_a, "com", LDNS_RR_TYPE_NS, 5, 0, false);
	CHECK_INT(F.nfwd, 1);
	teardown();
}

static void test_ptr(void)
{
	ldns_pkt *r;
	char *target = NULL;

	setup("thisnode.info", 1);
	ask(&client_a, "1.0.13.10.in-addr.arpa", LDNS_RR_TYPE_PTR, 1, 0, false);
	r = last_reply();
	if (r && ldns_pkt_ancount(r) == 1)
		target = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(ldns_pkt_answer(r), 0), 0));
	CHECK_STR(target, "thisnode.info.");
	free(target);
	ldns_pkt_free(r);
	ask(&client_a, "2.0.13.10.in-addr.arpa", LDNS_RR_TYPE_PTR, 2, 0, false);
	CHECK_INT(F.nfwd, 1);
	teardown();
}

/* The upstream's answer to the last forwarded query: n A records. */
static size_t upstream_answer(uint8_t *out, const struct sent *fq, unsigned n,
			      ldns_pkt_rcode rcode)
{
	ldns_pkt *a = NULL;
	uint8_t *w;
	size_t len;

	CHECK(ldns_wire2pkt(&a, fq->msg, fq->len) == LDNS_STATUS_OK);
	if (!a)
		return 0;
	ldns_pkt_set_qr(a, true);
	ldns_pkt_set_ra(a, true);
	ldns_pkt_set_rcode(a, rcode);
	for (unsigned i = 0; i < n; i++) {
		ldns_rr *rr = NULL;
		char line[128];

		snprintf(line, sizeof(line), "example.com. 300 IN A 198.51.%u.%u",
			 i / 256, i % 256);
		CHECK(ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL) == LDNS_STATUS_OK);
		ldns_pkt_push_rr(a, LDNS_SECTION_ANSWER, rr);
	}
	CHECK(ldns_pkt2wire(&w, a, &len) == LDNS_STATUS_OK);
	memcpy(out, w, len);
	free(w);
	ldns_pkt_free(a);
	return len;
}

/* The upstream's answer with an EDNS padding option (RFC 7830) of pad bytes. */
static size_t padded_answer(uint8_t *out, const struct sent *fq, size_t pad)
{
	uint8_t opt[1024] = { 0, 12 };	/* option code 12: padding */
	ldns_pkt *a = NULL;
	uint8_t *w;
	size_t len;

	CHECK(ldns_wire2pkt(&a, fq->msg, fq->len) == LDNS_STATUS_OK);
	if (!a)
		return 0;
	ldns_pkt_set_qr(a, true);
	ldns_write_uint16(opt + 2, (uint16_t)pad);
	ldns_rdf_deep_free(ldns_pkt_edns_data(a));
	ldns_pkt_set_edns_data(a, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN,
							4 + pad, opt));
	CHECK(ldns_pkt2wire(&w, a, &len) == LDNS_STATUS_OK);
	memcpy(out, w, len);
	free(w);
	ldns_pkt_free(a);
	return len;
}

static void test_forward(void)
{
	uint8_t q[512], a[4096];
	size_t qlen, alen;
	const struct sent *f;

	setup("thisnode.info", 2);
	qlen = query_wire(q, "example.com", LDNS_RR_TYPE_A, 0xbeef, 0);
	ac_dns_query(D, 0, &client_a, q, qlen, false);
	CHECK_INT(F.nreply, 0);
	CHECK_INT(F.nfwd, 1);
	f = last_fwd();
	CHECK_INT(f->upstream, 0);
	CHECK_INT(f->len, qlen);
	CHECK_INT(ldns_read_uint16(f->msg), 0x4202);	/* env.rand's second draw (the first seeds the hash) */
	CHECK(!memcmp(f->msg + 2, q + 2, qlen - 2));	/* the rest untouched */
	alen = upstream_answer(a, f, 2, LDNS_RCODE_NOERROR);
	ac_dns_upstream_rx(D, 5, 0, a, alen);
	CHECK_INT(F.nreply, 1);
	CHECK(F.reply[0].client == &client_a);
	CHECK_INT(F.reply[0].len, alen);
	CHECK_INT(ldns_read_uint16(F.reply[0].msg), 0xbeef);
	CHECK(!memcmp(F.reply[0].msg + 2, a + 2, alen - 2));
	CHECK_INT(ac_dns_stats(D)->forwarded, 1);
	CHECK_INT(ac_dns_stats(D)->answered, 1);
	/* the same answer again matches nothing now */
	ac_dns_upstream_rx(D, 6, 0, a, alen);
	CHECK_INT(F.nreply, 1);
	CHECK_INT(ac_dns_stats(D)->malformed, 1);
	CHECK_INT(ac_dns_tick(D, 7), UINT64_MAX);
	teardown();
}

static void test_wrong_answers(void)
{
	uint8_t a[4096], other[512];
	size_t alen, olen;
	const struct sent *f;
	struct sent wrong;

	setup("thisnode.info", 2);
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 1, 0, false);
	f = last_fwd();
	alen = upstream_answer(a, f, 1, LDNS_RCODE_NOERROR);
	/* a wrong id */
	ldns_write_uint16(a, (uint16_t)(ldns_read_uint16(a) + 1));
	ac_dns_upstream_rx(D, 1, 0, a, alen);
	ldns_write_uint16(a, (uint16_t)(ldns_read_uint16(a) - 1));
	/* the right id from an upstream that was not asked */
	ac_dns_upstream_rx(D, 1, 1, a, alen);
	ac_dns_upstream_rx(D, 1, 7, a, alen);
	/* the right id, another question */
	wrong = *f;
	wrong.len = query_wire(wrong.msg, "example.org", LDNS_RR_TYPE_A,
			       ldns_read_uint16(f->msg), 0);
	olen = upstream_answer(other, &wrong, 0, LDNS_RCODE_NOERROR);
	ac_dns_upstream_rx(D, 1, 0, other, olen);
	/* no QR bit: the query itself, reflected */
	ac_dns_upstream_rx(D, 1, 0, f->msg, f->len);
	CHECK_INT(F.nreply, 0);
	CHECK_INT(ac_dns_stats(D)->malformed, 5);
	ac_dns_upstream_rx(D, 2, 0, a, alen);
	CHECK_INT(F.nreply, 1);
	CHECK_INT(ldns_read_uint16(F.reply[0].msg), 1);
	teardown();
}

static void test_timeout(void)
{
	uint8_t a[512];
	size_t alen;
	ldns_pkt *r;
	uint16_t id;

	setup("thisnode.info", 2);
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 42, 0, false);
	CHECK_INT(last_fwd()->upstream, 0);
	id = ldns_read_uint16(last_fwd()->msg);
	CHECK_INT(ac_dns_tick(D, 99), 100);
	CHECK_INT(F.nfwd, 1);
	CHECK_INT(ac_dns_tick(D, 100), 200);
	CHECK_INT(F.nfwd, 2);
	CHECK_INT(last_fwd()->upstream, 1);
	CHECK_INT(ldns_read_uint16(last_fwd()->msg), id);
	CHECK_INT(F.nreply, 0);
	CHECK_INT(ac_dns_tick(D, 200), UINT64_MAX);
	CHECK_INT(F.nfwd, 2);
	CHECK_INT(F.nreply, 1);
	r = last_reply();
	CHECK(r && ldns_pkt_get_rcode(r) == LDNS_RCODE_SERVFAIL && ldns_pkt_id(r) == 42);
	ldns_pkt_free(r);
	CHECK_INT(ac_dns_stats(D)->timeouts, 1);
	CHECK_INT(ac_dns_stats(D)->servfail, 1);
	CHECK_INT(ac_dns_stats(D)->retries, 1);

	/* a late answer from the first upstream still counts, and that
	 * upstream is asked first from then on */
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 43, 0, false);
	CHECK_INT(last_fwd()->upstream, 0);
	ac_dns_tick(D, 100);
	CHECK_INT(last_fwd()->upstream, 1);
	alen = upstream_answer(a, last_fwd(), 1, LDNS_RCODE_NOERROR);
	ac_dns_upstream_rx(D, 150, 1, a, alen);
	CHECK_INT(F.nreply, 2);
	ask(&client_a, "example.net", LDNS_RR_TYPE_A, 44, 0, false);
	CHECK_INT(last_fwd()->upstream, 1);
	teardown();
}

static void test_refused_moves_on(void)
{
	uint8_t a[512];
	size_t alen;

	setup("thisnode.info", 2);
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 42, 0, false);
	alen = upstream_answer(a, last_fwd(), 0, LDNS_RCODE_REFUSED);
	ac_dns_upstream_rx(D, 1, 0, a, alen);
	CHECK_INT(F.nreply, 0);
	CHECK_INT(F.nfwd, 2);
	CHECK_INT(last_fwd()->upstream, 1);
	/* the last upstream's SERVFAIL goes to the client as it is */
	alen = upstream_answer(a, last_fwd(), 0, LDNS_RCODE_SERVFAIL);
	ac_dns_upstream_rx(D, 2, 1, a, alen);
	CHECK_INT(F.nreply, 1);
	CHECK_INT(ldns_read_uint16(F.reply[0].msg), 42);
	teardown();
}

static void test_no_upstream(void)
{
	ldns_pkt *r;
	struct ac_dns_upstream u;

	setup("thisnode.info", 0);
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 3, 0, false);
	r = last_reply();
	CHECK(r && ldns_pkt_get_rcode(r) == LDNS_RCODE_REFUSED);
	ldns_pkt_free(r);
	CHECK_INT(ac_dns_stats(D)->refused, 1);
	/* the WAN comes up */
	upstream4(&u, "203.0.113.53");
	CHECK_INT(ac_dns_set_upstreams(D, &u, 1), 0);
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 4, 0, false);
	CHECK_INT(F.nfwd, 1);
	/* and goes down: the pending query is refused */
	CHECK_INT(ac_dns_set_upstreams(D, NULL, 0), 0);
	CHECK_INT(F.nreply, 2);
	r = last_reply();
	CHECK(r && ldns_pkt_get_rcode(r) == LDNS_RCODE_REFUSED && ldns_pkt_id(r) == 4);
	ldns_pkt_free(r);
	u.family = 99;
	CHECK_INT(ac_dns_set_upstreams(D, &u, 1), -EINVAL);
	teardown();
}

static void test_new_upstreams_resend(void)
{
	struct ac_dns_upstream u[2];

	setup("thisnode.info", 1);
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 3, 0, false);
	CHECK_INT(F.nfwd, 1);
	upstream4(&u[0], "192.0.2.1");
	CHECK_INT(ac_dns_set_upstreams(D, u, 1), 0);	/* the same: nothing */
	CHECK_INT(F.nfwd, 1);
	upstream4(&u[0], "203.0.113.1");
	upstream4(&u[1], "203.0.113.2");
	CHECK_INT(ac_dns_set_upstreams(D, u, 2), 0);
	CHECK_INT(F.nfwd, 2);
	CHECK_INT(last_fwd()->upstream, 0);
	ac_dns_tick(D, 100);
	CHECK_INT(last_fwd()->upstream, 1);
	CHECK_INT(F.nreply, 0);
	teardown();
}

static void test_client_gone(void)
{
	uint8_t a[512];
	size_t alen;
	struct sent fa;

	setup("thisnode.info", 1);
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 1, 0, true);
	fa = *last_fwd();
	ask(&client_b, "example.org", LDNS_RR_TYPE_A, 2, 0, false);
	ac_dns_client_gone(D, &client_a);
	alen = upstream_answer(a, &fa, 1, LDNS_RCODE_NOERROR);
	ac_dns_upstream_rx(D, 1, 0, a, alen);
	CHECK_INT(F.nreply, 0);
	CHECK_INT(ac_dns_stats(D)->malformed, 1);
	/* b's query is still there and times out alone */
	CHECK_INT(ac_dns_tick(D, 100), UINT64_MAX);
	CHECK_INT(F.nreply, 1);
	CHECK(F.reply[0].client == &client_b);
	teardown();
}

static void check_truncated(size_t limit)
{
	ldns_pkt *r = last_reply();

	CHECK(r && ldns_pkt_tc(r) && ldns_pkt_ancount(r) == 0 && ldns_pkt_qdcount(r) == 1);
	CHECK(F.nreply && F.reply[(F.nreply - 1) % MAX_SENT].len <= limit);
	ldns_pkt_free(r);
}

/* 40 A records: about 660 bytes, over 512 */
static void test_truncation(void)
{
	uint8_t a[4096];
	size_t alen;
	ldns_pkt *r;

	setup("thisnode.info", 1);
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 1, 0, false);
	alen = upstream_answer(a, last_fwd(), 40, LDNS_RCODE_NOERROR);
	CHECK(alen > 512);
	ac_dns_upstream_rx(D, 1, 0, a, alen);
	check_truncated(512);
	CHECK_INT(ldns_read_uint16(F.reply[0].msg), 1);
	CHECK_INT(ac_dns_stats(D)->truncated, 1);

	/* the same over TCP: all of it */
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 2, 0, true);
	alen = upstream_answer(a, last_fwd(), 40, LDNS_RCODE_NOERROR);
	ac_dns_upstream_rx(D, 1, 0, a, alen);
	r = last_reply();
	CHECK(r && !ldns_pkt_tc(r) && ldns_pkt_ancount(r) == 40);
	CHECK_INT(F.reply[1].len, alen);
	ldns_pkt_free(r);
	teardown();
}

static void test_edns_size(void)
{
	uint8_t a[4096];
	size_t alen;
	unsigned n;
	ldns_pkt *r;

	setup("thisnode.info", 1);
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 1, 1232, false);
	alen = upstream_answer(a, last_fwd(), 40, LDNS_RCODE_NOERROR);
	ac_dns_upstream_rx(D, 1, 0, a, alen);
	r = last_reply();
	CHECK(r && !ldns_pkt_tc(r) && ldns_pkt_ancount(r) == 40);
	ldns_pkt_free(r);

	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 2, 600, false);
	alen = upstream_answer(a, last_fwd(), 40, LDNS_RCODE_NOERROR);
	ac_dns_upstream_rx(D, 1, 0, a, alen);
	check_truncated(600);
	r = last_reply();
	CHECK(r && ldns_pkt_edns(r));	/* the OPT stays */
	ldns_pkt_free(r);

	/* an answer whose OPT alone (600 bytes of padding) is too long */
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 5, 512, false);
	alen = padded_answer(a, last_fwd(), 600);
	CHECK(alen > 612);
	n = F.nreply;
	ac_dns_upstream_rx(D, 1, 0, a, alen);
	CHECK_INT(F.nreply, n + 1);
	check_truncated(512);
	r = last_reply();
	CHECK(r && ldns_pkt_id(r) == 5 && !ldns_pkt_edns_data(r));
	ldns_pkt_free(r);

	/* a local answer too: 16 A and 16 AAAA (about 740 bytes) */
	F.many = 16;
	ask(&client_a, "many", LDNS_RR_TYPE_ANY, 3, 1232, false);
	r = last_reply();
	CHECK(r && !ldns_pkt_tc(r) && ldns_pkt_ancount(r) == 32 && ldns_pkt_edns(r));
	ldns_pkt_free(r);
	ask(&client_a, "many.thisnode.info.", LDNS_RR_TYPE_ANY, 4, 0, false);
	check_truncated(512);
	teardown();
}

static void test_malformed(void)
{
	static const uint8_t junk[] = { 0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0x40 };
	uint8_t q[512];
	size_t len;
	ldns_pkt *r;

	setup("thisnode.info", 1);
	ac_dns_query(D, 0, &client_a, junk, sizeof(junk), false);
	ac_dns_query(D, 0, &client_a, junk, 5, false);
	ac_dns_query(D, 0, &client_a, NULL, 0, false);
	CHECK_INT(F.nreply, 0);
	CHECK_INT(ac_dns_stats(D)->malformed, 3);

	len = query_wire(q, "example.com", LDNS_RR_TYPE_A, 5, 0);
	q[2] |= 0x80;	/* QR: an answer sent as a query */
	ac_dns_query(D, 0, &client_a, q, len, false);
	CHECK_INT(F.nreply, 0);
	CHECK_INT(F.nfwd, 0);
	q[2] = (uint8_t)((q[2] & 0x07) | (LDNS_PACKET_STATUS << 3));
	ac_dns_query(D, 0, &client_a, q, len, false);
	r = last_reply();
	CHECK(r && ldns_pkt_get_rcode(r) == LDNS_RCODE_NOTIMPL);
	ldns_pkt_free(r);

	len = query_wire(q, "example.com", LDNS_RR_TYPE_A, 6, 0);
	q[5] = 0;	/* no question */
	ac_dns_query(D, 0, &client_a, q, 12, false);
	r = last_reply();
	CHECK(r && ldns_pkt_get_rcode(r) == LDNS_RCODE_FORMERR && ldns_pkt_id(r) == 6);
	ldns_pkt_free(r);
	CHECK_INT(F.nfwd, 0);
	CHECK_INT(ac_dns_stats(D)->malformed, 6);
	CHECK_INT(ac_dns_stats(D)->notimp, 1);
	CHECK_INT(ac_dns_stats(D)->queries, 6);

	/* a flood of junk: AC_DNS_LOG_PER_S (10) lines a second */
	F.nlog = 0;
	for (unsigned i = 0; i < 30; i++)
		ac_dns_query(D, 5000 + i, &client_a, junk, sizeof(junk), false);
	CHECK_INT(F.nlog, 10);
	ac_dns_query(D, 6000, &client_a, junk, sizeof(junk), false);
	CHECK_INT(F.nlog, 11);
	teardown();
}

static void test_busy(void)
{
	ldns_pkt *r;
	unsigned i;

	setup("thisnode.info", 1);
	for (i = 0; i < AC_DNS_MAX_PENDING; i++)
		ask(&client_a, "example.com", LDNS_RR_TYPE_A, (uint16_t)i, 0, false);
	CHECK_INT(F.nfwd, AC_DNS_MAX_PENDING);
	CHECK_INT(F.nreply, 0);
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 999, 0, false);
	r = last_reply();
	CHECK(r && ldns_pkt_get_rcode(r) == LDNS_RCODE_SERVFAIL && ldns_pkt_id(r) == 999);
	ldns_pkt_free(r);
	CHECK_INT(ac_dns_stats(D)->busy, 1);
	teardown();
}

/* A random id that is pending already is drawn again. */
static void test_unique_ids(void)
{
	uint16_t first;

	setup("thisnode.info", 1);
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 1, 0, false);
	first = ldns_read_uint16(last_fwd()->msg);
	F.rand_script[1] = first;	/* returned first */
	F.rand_script[0] = 0x777;
	F.nscript = 2;
	ask(&client_a, "example.org", LDNS_RR_TYPE_A, 2, 0, false);
	CHECK_INT(ldns_read_uint16(last_fwd()->msg), 0x777);
	teardown();
}

static void test_bad_config(void)
{
	struct ac_dns_config c = { .domain = "a..b" };
	struct ac_dns_env e = ENV;
	struct ac_dns *d = (struct ac_dns *)&c;

	CHECK_INT(ac_dns_new(&d, &c, &ENV), -EINVAL);
	CHECK(d == NULL);
	snprintf(c.domain, sizeof(c.domain), ".");
	CHECK_INT(ac_dns_new(&d, &c, &ENV), -EINVAL);
	c.domain[0] = '\0';	/* the default, thisnode.info */
	e.lookup = NULL;
	CHECK_INT(ac_dns_new(&d, &c, &e), -EINVAL);
	c.nupstreams = AC_DNS_MAX_UPSTREAMS + 1;
	CHECK_INT(ac_dns_new(&d, &c, &ENV), -EINVAL);
	c.nupstreams = 0;
	CHECK_INT(ac_dns_new(&d, &c, &ENV), 0);
	ac_dns_free(d);
}

/*
 * Our replies byte for byte as libldns encodes the same message (it
 * compresses owners to the question, as we do): parse, re-encode, compare.
 */
static void check_ldns_bytes(const char *what)
{
	const struct sent *s = &F.reply[(F.nreply - 1) % MAX_SENT];
	ldns_pkt *p = NULL;
	uint8_t *w = NULL;
	size_t len = 0;

	CHECK(F.nreply > 0);
	CHECK(ldns_wire2pkt(&p, s->msg, s->len) == LDNS_STATUS_OK);
	CHECK(p && ldns_pkt2wire(&w, p, &len) == LDNS_STATUS_OK);
	if (len != s->len || !w || memcmp(w, s->msg, len)) {
		fprintf(stderr, "%s: %zu bytes, libldns %zu\n", what, s->len, len);
		CHECK(!"our reply and libldns's encoding of it differ");
	}
	free(w);
	ldns_pkt_free(p);
}

static void test_reply_bytes(void)
{
	uint8_t q[512];
	size_t len;

	setup("thisnode.info", 0);
	ask(&client_a, "ThisNode.info", LDNS_RR_TYPE_A, 1, 0, false);
	check_ldns_bytes("A");
	ask(&client_a, "thisnode.info", LDNS_RR_TYPE_ANY, 2, 1232, false);
	check_ldns_bytes("ANY, EDNS");
	F.many = 16;
	ask(&client_a, "many", LDNS_RR_TYPE_ANY, 3, 1232, false);
	check_ldns_bytes("many");
	ask(&client_a, "1.0.13.10.in-addr.arpa", LDNS_RR_TYPE_PTR, 4, 0, false);
	check_ldns_bytes("PTR");
	ask(&client_a, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.c.8.6.4.e.f.d.0.d.f.ip6.arpa",
	    LDNS_RR_TYPE_PTR, 5, 0, false);
	check_ldns_bytes("PTR6");
	CHECK_INT(F.nreply, 5);
	CHECK_INT(ac_dns_stats(D)->nxdomain, 0);
	ask(&client_a, "nobody", LDNS_RR_TYPE_AAAA, 6, 700, false);
	check_ldns_bytes("NXDOMAIN");
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 7, 0, false);
	check_ldns_bytes("REFUSED");
	len = query_wire(q, "example.com", LDNS_RR_TYPE_A, 8, 1232);
	q[5] = 0;	/* no question; the OPT stays */
	memmove(q + 12, q + len - 11, 11);
	ac_dns_query(D, 0, &client_a, q, 23, false);
	check_ldns_bytes("FORMERR");
	len = query_wire(q, "thisnode.info", LDNS_RR_TYPE_A, 9, 0);
	q[2] = (uint8_t)((q[2] & 0x87) | (LDNS_PACKET_NOTIFY << 3));
	ac_dns_query(D, 0, &client_a, q, len, false);
	check_ldns_bytes("NOTIMP");
	CHECK_INT(F.nreply, 9);
	teardown();
}

/* A forwarded answer cut for the client keeps the upstream's OPT fields. */
static void test_truncated_keeps_opt(void)
{
	uint8_t a[4096];
	ldns_pkt *up = NULL, *r;
	uint8_t *w;
	size_t alen;

	setup("thisnode.info", 1);
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 0x55, 600, false);
	alen = upstream_answer(a, last_fwd(), 60, LDNS_RCODE_NOERROR);
	CHECK(ldns_wire2pkt(&up, a, alen) == LDNS_STATUS_OK);
	if (!up)
		return;
	ldns_pkt_set_ad(up, true);
	ldns_pkt_set_edns_do(up, true);
	ldns_pkt_set_edns_udp_size(up, 1400);
	CHECK(ldns_pkt2wire(&w, up, &alen) == LDNS_STATUS_OK);
	memcpy(a, w, alen);
	free(w);
	ldns_pkt_free(up);
	ac_dns_upstream_rx(D, 1, 0, a, alen);
	check_truncated(600);
	r = last_reply();
	CHECK(r && ldns_pkt_id(r) == 0x55 && ldns_pkt_ad(r) && ldns_pkt_ra(r));
	CHECK(r && ldns_pkt_edns_do(r) && ldns_pkt_edns_udp_size(r) == 1400);
	ldns_pkt_free(r);
	teardown();
}

/* 0x20: the upstream echoes the question in its own case; it still matches. */
static void test_answer_case(void)
{
	uint8_t a[512];
	size_t alen;
	struct sent f;

	setup("thisnode.info", 1);
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 3, 0, false);
	f = *last_fwd();
	f.msg[13] = 'E';	/* "\x07example": its first letter */
	alen = upstream_answer(a, &f, 1, LDNS_RCODE_NOERROR);
	ac_dns_upstream_rx(D, 1, 0, a, alen);
	CHECK_INT(F.nreply, 1);
	CHECK(F.nreply && F.reply[0].len == alen && F.reply[0].msg[13] == 'E');
	teardown();
}

/* Names that do not add up: no reply to the client, and counted. */
static void test_bad_names(void)
{
	static const uint8_t loop[] = { 0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		1, 'a', 0xc0, 12, 0, 1, 0, 1 };
	static const uint8_t hdr_ptr[] = { 0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		0xc0, 2, 0, 1, 0, 1 };
	uint8_t q[512], a[4096];
	size_t len, alen;

	setup("thisnode.info", 1);
	ac_dns_query(D, 0, &client_a, loop, sizeof(loop), false);
	ac_dns_query(D, 0, &client_a, hdr_ptr, sizeof(hdr_ptr), false);
	len = query_wire(q, "thisnode.info", LDNS_RR_TYPE_A, 9, 0);
	q[12] = 64;	/* a label of 64 */
	ac_dns_query(D, 0, &client_a, q, len, false);
	CHECK_INT(F.nreply, 0);
	CHECK_INT(ac_dns_stats(D)->malformed, 3);
	/* an upstream answer whose record points forward, at itself */
	ask(&client_a, "example.com", LDNS_RR_TYPE_A, 4, 0, false);
	alen = upstream_answer(a, last_fwd(), 1, LDNS_RCODE_NOERROR);
	CHECK(a[29] == 0xc0 && a[30] == 12);	/* the answer's owner */
	a[30] = 29;
	ac_dns_upstream_rx(D, 1, 0, a, alen);
	CHECK_INT(F.nreply, 0);
	CHECK_INT(ac_dns_stats(D)->malformed, 4);
	a[30] = 12;
	ac_dns_upstream_rx(D, 1, 0, a, alen);
	CHECK_INT(F.nreply, 1);
	teardown();
}

int main(void)
{
	RUN(test_thisnode);
	RUN(test_anygw);
	RUN(test_uppercase);
	RUN(test_local_host);
	RUN(test_nxdomain);
	RUN(test_ptr);
	RUN(test_forward);
	RUN(test_wrong_answers);
	RUN(test_timeout);
	RUN(test_refused_moves_on);
	RUN(test_no_upstream);
	RUN(test_new_upstreams_resend);
	RUN(test_client_gone);
	RUN(test_truncation);
	RUN(test_edns_size);
	RUN(test_malformed);
	RUN(test_busy);
	RUN(test_unique_ids);
	RUN(test_bad_config);
	RUN(test_reply_bytes);
	RUN(test_truncated_keeps_opt);
	RUN(test_answer_case);
	RUN(test_bad_names);
	return check_exit();
}
