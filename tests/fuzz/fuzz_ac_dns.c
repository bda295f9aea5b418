/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz the anycast DNS core (anycast/core/dns.h) with one message per
 * input, played in every role it can take:
 *   - a UDP client's query (QR cleared, so an answer seed is a query too);
 *   - a TCP client's query, as it came;
 *   - the upstream's answer to that UDP query (QR set, our id patched in,
 *     so the question matches and the relay and truncation paths run);
 *   - an answer to a fixed pending query (our id patched in), and the
 *     bytes as they came from an upstream that was not asked.
 * Then time runs out for everything still pending. It abort()s when a
 * reply is longer than its client may take, does not carry the client's
 * id, or is neither the upstream's bytes relayed (all but the id alike)
 * nor a message both our codec and libldns (an independent oracle) read
 * as an answer; when a client gets two replies to one query, or
 * something stays pending; or when our codec and libldns both read a
 * query whose only record is its OPT but disagree on its EDNS size.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include "anycast/core/dns.h"
#include "anycast/core/dns_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) abort(); } while (0)

enum { C_FIXED, C_UDP, C_TCP, C_N };

struct fz {
	unsigned replies[C_N];
	size_t limit[C_N];
	uint16_t id[C_N];	/* of each client's query */
	int tokens[C_N];
	const uint8_t *up;	/* the upstream message being delivered */
	size_t up_len;
	unsigned nfwd;
	uint16_t fwd_id;	/* of the last forward */
	uint32_t rnd;
};

static void fz_reply(void *user, void *client, const uint8_t *msg, size_t len)
{
	struct fz *f = user;
	unsigned c = (unsigned)((int *)client - f->tokens);
	struct ac_dns_msg m;
	ldns_pkt *p = NULL;

	ENSURE(c < C_N);
	ENSURE(++f->replies[c] == 1);
	ENSURE(len <= f->limit[c]);
	ENSURE(len >= 12 && ldns_read_uint16(msg) == f->id[c]);
	if (f->up && len == f->up_len && !memcmp(msg + 2, f->up + 2, len - 2))
		return;		/* relayed as it came */
	ENSURE(ac_dns_msg_parse(&m, msg, len) == 0 && (m.h.flags & AC_DNS_F_QR));
	ENSURE(ldns_wire2pkt(&p, msg, len) == LDNS_STATUS_OK);
	ENSURE(ldns_pkt_qr(p) && ldns_pkt_tc(p) == !!(m.h.flags & AC_DNS_F_TC));
	ldns_pkt_free(p);
}

static void fz_forward(void *user, unsigned upstream, const uint8_t *msg, size_t len)
{
	struct fz *f = user;

	ENSURE(upstream < 2 && len >= 12);
	f->nfwd++;
	f->fwd_id = ldns_read_uint16(msg);
}

static unsigned fz_lookup(void *user, const char *name, int family, void *addrs,
			  unsigned max)
{
	if (strcmp(name, "node1") || max < 1)
		return 0;
	if (family == AF_INET)
		inet_pton(AF_INET, "10.13.0.7", addrs);
	else
		inet_pton(AF_INET6, "fd0d::7", addrs);
	return 1;
}

static uint32_t fz_rand(void *user)
{
	struct fz *f = user;

	return f->rnd = f->rnd * 1103515245u + 12345u;
}

/*
 * What a client may take: ac_dns_query's rule, worked out here again from
 * our reading of the query; where libldns reads it too, it must agree.
 */
static size_t client_limit(const uint8_t *msg, size_t len)
{
	struct ac_dns_msg m;
	ldns_pkt *p = NULL;
	size_t lim = 512;
	bool ours = ac_dns_msg_parse(&m, msg, len) == 0;

	if (ours && m.opt.present && m.opt.udp_size > lim)
		lim = m.opt.udp_size;
	/* libldns can read records out of step after a name in rdata that
	 * overruns its rdlength: compare when the OPT is the only record */
	if (ours && !m.h.ancount && !m.h.nscount && m.h.arcount == 1 &&
	    ldns_wire2pkt(&p, msg, len) == LDNS_STATUS_OK) {
		ENSURE(!!ldns_pkt_edns(p) == m.opt.present);
		ENSURE(!m.opt.present || ldns_pkt_edns_udp_size(p) == m.opt.udp_size);
	}
	ldns_pkt_free(p);
	return lim;
}

static struct ac_dns *fz_new(struct fz *f, const struct ac_dns_env *env)
{
	struct ac_dns_config c = { .domain = "thisnode.info", .nupstreams = 2,
				   .timeout_ms = 100 };
	struct ac_dns *d;

	inet_pton(AF_INET, "10.13.0.1", &c.anycast4);
	inet_pton(AF_INET6, "fd0d::1", &c.anycast6);
	c.upstream[0].family = AF_INET;
	c.upstream[1].family = AF_INET6;
	ENSURE(ac_dns_new(&d, &c, env) == 0);
	return d;
}

/* A fixed query forwarded first, so an input can answer it. */
static uint16_t fixed_query(struct ac_dns *d, struct fz *f)
{
	ldns_pkt *q = ldns_pkt_query_new(ldns_dname_new_frm_str("example.com."),
					 LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, LDNS_RD);
	uint8_t *w;
	size_t len;

	ENSURE(q && ldns_pkt2wire(&w, q, &len) == LDNS_STATUS_OK);
	f->limit[C_FIXED] = 512;
	f->id[C_FIXED] = ldns_pkt_id(q);
	ac_dns_query(d, 0, &f->tokens[C_FIXED], w, len, false);
	free(w);
	ldns_pkt_free(q);
	ENSURE(f->nfwd == 1);
	return f->fwd_id;
}

static void upstream_rx(struct ac_dns *d, struct fz *f, unsigned up,
			const uint8_t *m, size_t size)
{
	f->up = m;
	f->up_len = size;
	ac_dns_upstream_rx(d, 10, up, m, size);
	f->up = NULL;
}

static void as_answer(struct ac_dns *d, struct fz *f, unsigned up,
		      const uint8_t *data, size_t size, uint16_t id, uint8_t qr)
{
	uint8_t *m = malloc(size ? size : 1);

	memcpy(m, data, size);
	if (size >= 3) {
		ldns_write_uint16(m, id);
		m[2] |= qr;
	}
	upstream_rx(d, f, up, m, size);
	free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { .rnd = 1 };
	const struct ac_dns_env env = { .user = &f, .reply = fz_reply,
		.forward = fz_forward, .lookup = fz_lookup, .rand = fz_rand };
	struct ac_dns *d = fz_new(&f, &env);
	uint16_t fixed_id = fixed_query(d, &f);
	uint8_t *q = malloc(size ? size : 1);
	unsigned nfwd;

	memcpy(q, data, size);
	if (size >= 3)
		q[2] &= 0x7f;	/* QR off: a query */
	f.limit[C_UDP] = client_limit(q, size);
	f.limit[C_TCP] = 65535;
	f.id[C_UDP] = f.id[C_TCP] = size >= 2 ? ldns_read_uint16(data) : 0;
	nfwd = f.nfwd;
	ac_dns_query(d, 1, &f.tokens[C_UDP], q, size, false);
	if (f.nfwd > nfwd)
		as_answer(d, &f, 0, q, size, f.fwd_id, 0x80);
	ac_dns_query(d, 2, &f.tokens[C_TCP], data, size, true);
	as_answer(d, &f, 0, data, size, fixed_id, 0);
	upstream_rx(d, &f, 1, data, size);
	if (size & 1)
		ac_dns_client_gone(d, &f.tokens[C_TCP]);
	for (uint64_t t = 100; t <= 400; t += 100)
		ac_dns_tick(d, t);
	ENSURE(ac_dns_tick(d, 500) == UINT64_MAX);
	ENSURE(f.replies[C_FIXED] == 1);
	free(q);
	ac_dns_free(d);
	return 0;
}
