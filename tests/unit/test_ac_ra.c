/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The RA core with a fake clock, a fake random source and a recording
 * send: the bytes of a built RA (decoded back by the small decoder here),
 * the periodic schedule, RS answers and their rate limit, RS validation,
 * the final RA and reloads.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "anycast/core/ra.h"
#include "anycast/core/ra_packet.h"
#include "common/buf.h"
#include "check.h"

#define MAX_SENT 64

struct sent {
	uint64_t at_ms;
	uint8_t msg[AC_RA_MSG_MAX];
	size_t len;
	struct in6_addr dst;
};

struct fake {
	uint64_t now;
	uint64_t rng;		/* xorshift state; 0: `fixed` is returned */
	uint32_t fixed;
	struct sent sent[MAX_SENT];
	unsigned n_sent, n_log;
};

static void fake_send(void *user, const uint8_t *msg, size_t len, const struct in6_addr *dst)
{
	struct fake *f = user;
	struct sent *s = &f->sent[f->n_sent < MAX_SENT ? f->n_sent : MAX_SENT - 1];

	CHECK(len <= sizeof(s->msg));
	s->at_ms = f->now;
	s->len = len < sizeof(s->msg) ? len : sizeof(s->msg);
	memcpy(s->msg, msg, s->len);
	s->dst = *dst;
	f->n_sent++;
}

static uint32_t fake_rand(void *user)
{
	struct fake *f = user;

	if (!f->rng)
		return f->fixed;
	f->rng ^= f->rng << 13;
	f->rng ^= f->rng >> 7;
	f->rng ^= f->rng << 17;
	return (uint32_t)(f->rng >> 16);
}

static void fake_log(void *user, int level, uint32_t cat, const char *msg)
{
	struct fake *f = user;

	(void)level;
	(void)msg;
	f->n_log++;
}

static struct ac_ra_env fake_env(struct fake *f)
{
	return (struct ac_ra_env){ .user = f, .send = fake_send, .rand = fake_rand,
				   .log = fake_log };
}

static struct in6_addr in6(const uint8_t b[16])
{
	struct in6_addr a;

	memcpy(&a, b, 16);
	return a;
}

static const uint8_t pfx_bytes[16] = { 0xfd, 0x0d, 0xfe, 0x46, 0x8c, 0xe8, [8] = 0xaa, [15] = 0x55 };
static const uint8_t dns_bytes[16] = { 0xfd, 0x0d, 0xfe, 0x46, 0x8c, 0xe8, [15] = 1 };
static const uint8_t ll_bytes[16] = { 0xfe, 0x80, [15] = 7 };
static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };

/* LibreMesh's defaults: the cloud /64 (host bits set, to be zeroed), the
 * anycast address as resolver, thisnode.info, MTU 1350. */
static struct ac_ra_config full_config(void)
{
	struct ac_ra_config c = { .plen = 64, .mtu = 1350,
				  .src_mac = { 0x02, 0xca, 0xfe, 0, 0, 1 } };

	c.prefix = in6(pfx_bytes);
	c.rdnss = in6(dns_bytes);
	strcpy(c.dnssl, "thisnode.info");
	return c;
}

/* ---- a small RA decoder ---- */

struct ra_dec {
	uint8_t hop, flags;
	uint16_t lifetime;
	uint32_t reachable, retrans;
	uint8_t types[8];
	unsigned n_opts;
	uint8_t mac[6];
	uint32_t mtu;
	uint8_t plen, pflags;
	uint32_t valid, pref;
	uint8_t prefix[16];
	uint32_t rdnss_life, dnssl_life;
	uint8_t rdnss[16];
	char domain[256];
};

/* DNS labels back to "a.b"; -1 on anything malformed. */
static int dec_name(struct mc_rd *rd, char *out, size_t cap)
{
	size_t n = 0;
	uint8_t l = 0;

	while (mc_rd_u8(rd, &l) == 0 && l) {
		if (n + l + 2 > cap || mc_rd_bytes(rd, out + n + (n ? 1 : 0), l) < 0)
			return -1;
		if (n)
			out[n] = '.';
		n += l + (n ? 1 : 0);
	}
	out[n] = 0;
	while (mc_rd_left(rd))	/* padding must be zero */
		if (mc_rd_u8(rd, &l) < 0 || l)
			return -1;
	return mc_rd_ok(rd) ? 0 : -1;
}

static int dec_opt(struct ra_dec *d, uint8_t type, struct mc_rd *o)
{
	switch (type) {
	case AC_ND_OPT_SLLA:
		return mc_rd_bytes(o, d->mac, 6);
	case AC_ND_OPT_MTU:
		mc_rd_skip(o, 2);
		return mc_rd_u32(o, &d->mtu);
	case AC_ND_OPT_PREFIX:
		mc_rd_u8(o, &d->plen);
		mc_rd_u8(o, &d->pflags);
		mc_rd_u32(o, &d->valid);
		mc_rd_u32(o, &d->pref);
		mc_rd_skip(o, 4);
		return mc_rd_bytes(o, d->prefix, 16);
	case AC_ND_OPT_RDNSS:
		mc_rd_skip(o, 2);
		mc_rd_u32(o, &d->rdnss_life);
		return mc_rd_bytes(o, d->rdnss, 16);
	case AC_ND_OPT_DNSSL:
		mc_rd_skip(o, 2);
		mc_rd_u32(o, &d->dnssl_life);
		return dec_name(o, d->domain, sizeof(d->domain));
	}
	return -1;
}

static int ra_decode(const uint8_t *p, size_t len, struct ra_dec *d)
{
	struct mc_rd rd, o;
	uint8_t type = 0, code = 1, l8 = 0;
	uint16_t ck = 1;

	memset(d, 0, sizeof(*d));
	mc_rd_init(&rd, p, len);
	mc_rd_u8(&rd, &type);
	mc_rd_u8(&rd, &code);
	mc_rd_u16(&rd, &ck);
	mc_rd_u8(&rd, &d->hop);
	mc_rd_u8(&rd, &d->flags);
	mc_rd_u16(&rd, &d->lifetime);
	mc_rd_u32(&rd, &d->reachable);
	mc_rd_u32(&rd, &d->retrans);
	if (!mc_rd_ok(&rd) || type != AC_ICMP6_RA || code || ck)
		return -1;
	while (mc_rd_left(&rd)) {
		if (mc_rd_u8(&rd, &type) < 0 || mc_rd_u8(&rd, &l8) < 0 || !l8 ||
		    mc_rd_sub(&rd, &o, l8 * 8u - 2) < 0 || d->n_opts == sizeof(d->types))
			return -1;
		d->types[d->n_opts++] = type;
		if (dec_opt(d, type, &o) < 0 || (type != AC_ND_OPT_DNSSL && mc_rd_left(&o)))
			return -1;
	}
	return 0;
}

/* ---- the message ---- */

static const uint8_t want_full[] = {
	/* RA: hop limit 64, M=O=0 Prf medium, lifetime 1800 s, 0, 0 */
	0x86, 0, 0, 0, 64, 0x00, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0,
	/* SLLA 02:ca:fe:00:00:01 */
	1, 1, 0x02, 0xca, 0xfe, 0, 0, 1,
	/* MTU 1350 */
	5, 1, 0, 0, 0, 0, 0x05, 0x46,
	/* PIO /64 L|A, valid 86400, preferred 14400, host bits zeroed */
	3, 4, 64, 0xc0, 0, 0x01, 0x51, 0x80, 0, 0, 0x38, 0x40, 0, 0, 0, 0,
	0xfd, 0x0d, 0xfe, 0x46, 0x8c, 0xe8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* RDNSS lifetime 1800 s = 3 * 600 s */
	25, 3, 0, 0, 0, 0, 0x07, 0x08,
	0xfd, 0x0d, 0xfe, 0x46, 0x8c, 0xe8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	/* DNSSL 1800 s, "thisnode.info" and one byte of padding */
	31, 3, 0, 0, 0, 0, 0x07, 0x08,
	8, 't', 'h', 'i', 's', 'n', 'o', 'd', 'e', 4, 'i', 'n', 'f', 'o', 0, 0,
};

static void test_build_bytes(void)
{
	struct ac_ra_config c = full_config();
	uint8_t buf[AC_RA_MSG_MAX];
	struct ra_dec d;
	int len = ac_ra_build(&c, buf, sizeof(buf), false);

	CHECK_INT(len, sizeof(want_full));
	CHECK(len == (int)sizeof(want_full) && !memcmp(buf, want_full, sizeof(want_full)));
	CHECK_INT(ra_decode(buf, (size_t)len, &d), 0);
	CHECK_INT(d.n_opts, 5);
	CHECK(!memcmp(d.types, (uint8_t[]){ 1, 5, 3, 25, 31 }, 5));
	CHECK_INT(d.hop, 64);
	CHECK_INT(d.flags, 0);
	CHECK_INT(d.lifetime, 1800);
	CHECK_INT(d.reachable + d.retrans, 0);
	CHECK(!memcmp(d.mac, c.src_mac, 6));
	CHECK_INT(d.mtu, 1350);
	CHECK_INT(d.plen, 64);
	CHECK_INT(d.pflags, AC_PIO_FLAG_L | AC_PIO_FLAG_A);
	CHECK_INT(d.valid, 86400);
	CHECK_INT(d.pref, 14400);
	CHECK_INT(d.rdnss_life, 1800);
	CHECK_INT(d.dnssl_life, 1800);
	CHECK(!memcmp(d.rdnss, dns_bytes, 16));
	CHECK_STR(d.domain, "thisnode.info");
	/* the final RA differs in the router lifetime alone */
	CHECK_INT(ac_ra_build(&c, buf, sizeof(buf), true), len);
	CHECK_INT(mc_get_u16(buf + 6), 0);
	buf[6] = 0x07, buf[7] = 0x08;
	CHECK(!memcmp(buf, want_full, sizeof(want_full)));
}

static void test_build_choices(void)
{
	struct ac_ra_config c = { .src_mac = { 2, 0, 0, 0, 0, 9 }, .hop_limit = 32,
				  .max_interval_ms = 10000, .valid_lifetime_s = 600,
				  .preferred_lifetime_s = 300 };
	uint8_t buf[AC_RA_MSG_MAX];
	struct ra_dec d;

	/* no PIO, MTU, RDNSS, DNSSL: header and SLLA only */
	CHECK_INT(ac_ra_build(&c, buf, sizeof(buf), false), 24);
	CHECK_INT(ra_decode(buf, 24, &d), 0);
	CHECK_INT(d.n_opts, 1);
	CHECK_INT(d.hop, 32);
	CHECK_INT(d.lifetime, 30);	/* 3 * 10 s */
	/* a /60 keeps 60 bits; a trailing dot; explicit lifetimes */
	c.prefix = in6(pfx_bytes);
	c.prefix.s6_addr[7] = 0xff;
	c.plen = 60;
	c.router_lifetime_s = 100;
	strcpy(c.dnssl, "lan.");
	CHECK_INT(ac_ra_build(&c, buf, sizeof(buf), false), 24 + 32 + 16);
	CHECK_INT(ra_decode(buf, 72, &d), 0);
	CHECK_INT(d.lifetime, 100);
	CHECK_INT(d.plen, 60);
	CHECK_INT(d.prefix[6], 0);
	CHECK_INT(d.prefix[7], 0xf0);
	CHECK_INT(d.prefix[8], 0);
	CHECK_INT(d.valid, 600);
	CHECK_INT(d.pref, 300);
	CHECK_STR(d.domain, "lan");
	CHECK_INT(d.dnssl_life, 30);
	/* a buffer one byte short */
	CHECK_INT(ac_ra_build(&c, buf, 71, false), -ENOSPC);
	CHECK_INT(ac_ra_build(&c, buf, 0, false), -ENOSPC);
}

static void test_build_refuses(void)
{
	struct ac_ra_config c = full_config();
	uint8_t buf[AC_RA_MSG_MAX];

#define REFUSED(field_set) \
	do { \
		struct ac_ra_config b_ = c; \
		b_.field_set; \
		CHECK_INT(ac_ra_build(&b_, buf, sizeof(buf), false), -EINVAL); \
	} while (0)
	REFUSED(plen = 129);
	REFUSED(mtu = 1279);
	REFUSED(preferred_lifetime_s = 90000);
	REFUSED(max_interval_ms = 3999);
	REFUSED(max_interval_ms = 1800001);
	REFUSED(min_interval_ms = 2999);
	REFUSED(min_interval_ms = 450001);	/* over 0.75 * 600 s */
	REFUSED(router_lifetime_s = 9001);
	REFUSED(router_lifetime_s = 599);	/* under MaxRtrAdvInterval */
	REFUSED(dnssl[0] = '.');
	strcpy(c.dnssl, "a..b");
	REFUSED(mtu = 1280);
	memset(c.dnssl, 'x', 64);
	c.dnssl[64] = 0;
	REFUSED(mtu = 1280);	/* a 64-byte label */
	memset(c.dnssl, 'x', sizeof(c.dnssl));
	REFUSED(mtu = 1280);	/* no NUL */
	c.dnssl[63] = 0;
	CHECK(ac_ra_build(&c, buf, sizeof(buf), false) > 0);	/* 63 is fine */
#undef REFUSED
}

static void test_timing_defaults(void)
{
	struct ac_ra_config c = full_config();
	struct ac_ra_timing t;

	CHECK_INT(ac_ra_timing(&c, &t), 0);
	CHECK_INT(t.max_ms, 600000);
	CHECK_INT(t.min_ms, 198000);
	CHECK_INT(t.router_lifetime_s, 1800);
	c.max_interval_ms = 1800000;
	CHECK_INT(ac_ra_timing(&c, &t), 0);
	CHECK_INT(t.router_lifetime_s, 5400);
	CHECK_INT(t.dns_lifetime_s, 5400);
	c.max_interval_ms = 4000;	/* below 9 s the default is 0.75 * max */
	CHECK_INT(ac_ra_timing(&c, &t), 0);
	CHECK_INT(t.min_ms, 3000);
}

/* ---- the schedule ---- */

static struct ac_ra *start(struct fake *f, struct ac_ra_config *c)
{
	struct ac_ra_env env = fake_env(f);
	struct ac_ra *r = NULL;

	CHECK_INT(ac_ra_new(&r, c, &env, f->now), 0);
	CHECK(r != NULL);
	return r;
}

/* Ticks at each deadline until `until`; returns the last deadline. */
static uint64_t run_until(struct ac_ra *r, struct fake *f, uint64_t until)
{
	uint64_t next = ac_ra_tick(r, f->now);

	while (next <= until) {
		CHECK(next >= f->now);
		f->now = next;
		next = ac_ra_tick(r, f->now);
	}
	f->now = until;
	return ac_ra_tick(r, f->now);
}

static void test_periodic(void)
{
	struct fake f = { .now = 5000, .rng = 0x1234567 };
	struct ac_ra_config c = full_config();
	struct ac_ra *r;
	uint64_t first_gap = 0;
	bool varied = false;

	c.max_interval_ms = 60000;
	c.min_interval_ms = 20000;
	r = start(&f, &c);
	CHECK_INT(f.n_sent, 0);	/* nothing before the first tick */
	run_until(r, &f, 5000 + 20 * 60000);
	CHECK(f.n_sent >= 20);
	CHECK_INT(f.sent[0].at_ms, 5000);
	for (unsigned i = 1; i < f.n_sent && i < MAX_SENT; i++) {
		uint64_t gap = f.sent[i].at_ms - f.sent[i - 1].at_ms;

		CHECK(!memcmp(&f.sent[i].dst, all_nodes, 16));
		CHECK(f.sent[i].len == f.sent[0].len &&
		      !memcmp(f.sent[i].msg, f.sent[0].msg, f.sent[0].len));
		if (i <= AC_RA_MAX_INITIAL_ADVERTS) {
			CHECK(gap <= AC_RA_MAX_INITIAL_INTERVAL_MS);
			continue;
		}
		CHECK(gap >= 20000 && gap <= 60000);
		if (!first_gap)
			first_gap = gap;
		varied |= gap != first_gap;
	}
	CHECK(varied);
	CHECK_INT(ac_ra_stats(r)->ra_tx, f.n_sent);
	CHECK_INT(ac_ra_stats(r)->ra_solicited, 0);
	ac_ra_free(r);
}

/* The extremes of the draw: 0 gives min, a draw of max - min gives max. */
static void test_periodic_bounds(void)
{
	struct fake f = { .now = 0, .fixed = 40000 };
	struct ac_ra_config c = full_config();
	struct ac_ra *r;

	c.max_interval_ms = 60000;
	c.min_interval_ms = 20000;
	r = start(&f, &c);
	run_until(r, &f, 108000);
	CHECK_INT(f.n_sent, 5);
	CHECK_INT(f.sent[3].at_ms, 48000);	/* 0, 16, 32, 48 s: capped */
	CHECK_INT(f.sent[4].at_ms, 108000);	/* + max */
	f.fixed = 0;
	run_until(r, &f, 188000);
	CHECK_INT(f.n_sent, 7);
	CHECK_INT(f.sent[5].at_ms, 168000);	/* drawn before the change */
	CHECK_INT(f.sent[6].at_ms, 188000);	/* + min */
	ac_ra_free(r);
}

static const uint8_t rs_plain[] = { 133, 0, 0, 0, 0, 0, 0, 0 };
static const uint8_t rs_sllao[] = { 133, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0, 0, 0, 5 };

static void test_rs_answer(void)
{
	static const uint32_t draws[] = { 0, 250, 500, 501, 0xffffffffu };
	struct in6_addr ll = in6(ll_bytes);

	for (unsigned i = 0; i < sizeof(draws) / sizeof(draws[0]); i++) {
		struct fake f = { .now = 0, .fixed = draws[i] };
		struct ac_ra_config c = full_config();
		struct ac_ra *r = start(&f, &c);

		run_until(r, &f, 10000);	/* the first RA at 0, the next at 16 s */
		CHECK_INT(f.n_sent, 1);
		ac_ra_rx(r, f.now, rs_sllao, sizeof(rs_sllao), &ll, 255);
		run_until(r, &f, 10000 + AC_RA_MAX_DELAY_MS);
		CHECK_INT(f.n_sent, 2);
		CHECK_INT(f.sent[1].at_ms, 10000 + draws[i] % 501);
		CHECK(!memcmp(&f.sent[1].dst, all_nodes, 16));
		CHECK_INT(ac_ra_stats(r)->rs_rx, 1);
		CHECK_INT(ac_ra_stats(r)->ra_solicited, 1);
		run_until(r, &f, 12000);
		CHECK_INT(f.n_sent, 2);	/* one RA, and the periodic one moved on */
		ac_ra_free(r);
	}
}

/* A second RS does not push the answer: its delay runs from the first. */
static void test_rs_second(void)
{
	struct fake f = { .now = 0, .fixed = 400 };
	struct ac_ra_config c = full_config();
	struct ac_ra *r = start(&f, &c);
	struct in6_addr ll = in6(ll_bytes);

	run_until(r, &f, 10000);
	ac_ra_rx(r, f.now, rs_plain, sizeof(rs_plain), &ll, 255);
	f.now = 10300;
	ac_ra_rx(r, f.now, rs_plain, sizeof(rs_plain), &ll, 255);
	run_until(r, &f, 11000);
	CHECK_INT(f.n_sent, 2);
	CHECK_INT(f.sent[1].at_ms, 10400);
	CHECK_INT(ac_ra_stats(r)->rs_rx, 2);
	CHECK_INT(ac_ra_stats(r)->ra_solicited, 1);
	ac_ra_free(r);
}

static void test_rs_burst(void)
{
	struct fake f = { .now = 0, .fixed = 100 };
	struct ac_ra_config c = full_config();
	struct ac_ra *r = start(&f, &c);
	struct in6_addr ll = in6(ll_bytes), any = { 0 };

	run_until(r, &f, 1000);
	CHECK_INT(f.n_sent, 1);
	for (unsigned i = 0; i < 10; i++) {
		f.now = 1000 + i * 150;
		ac_ra_rx(r, f.now, rs_plain, sizeof(rs_plain), i % 2 ? &ll : &any, 255);
		CHECK_INT(ac_ra_tick(r, f.now), 3000);	/* last RA + 3 s */
	}
	run_until(r, &f, 4000);
	CHECK_INT(f.n_sent, 2);
	CHECK_INT(f.sent[1].at_ms, 3000);
	CHECK_INT(ac_ra_stats(r)->rs_rx, 10);
	CHECK_INT(ac_ra_stats(r)->ra_solicited, 1);
	/* one more RS right after: again not before 3 s after that RA */
	f.now = 3200;
	ac_ra_rx(r, f.now, rs_plain, sizeof(rs_plain), &ll, 255);
	CHECK_INT(ac_ra_tick(r, f.now), 6000);
	run_until(r, &f, 7000);
	CHECK_INT(f.n_sent, 3);
	CHECK_INT(f.sent[2].at_ms, 6000);
	ac_ra_free(r);
}

static void test_rs_invalid(void)
{
	static const uint8_t opt_len0[] = { 133, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t opt_long[] = { 133, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 0, 0, 0, 0, 5 };
	static const uint8_t opt_half[] = { 133, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t code1[] = { 133, 1, 0, 0, 0, 0, 0, 0 };
	static const uint8_t short4[] = { 133, 0, 0, 0 };
	static const uint8_t ns[] = { 135, 0, 0, 0, 0, 0, 0, 0 };
	struct fake f = { .now = 0, .fixed = 0 };
	struct ac_ra_config c = full_config();
	struct ac_ra *r = start(&f, &c);
	struct in6_addr ll = in6(ll_bytes), any = { 0 };
	uint64_t next;

	run_until(r, &f, 5000);
	next = ac_ra_tick(r, f.now);
	ac_ra_rx(r, f.now, rs_plain, sizeof(rs_plain), &ll, 64);
	ac_ra_rx(r, f.now, opt_len0, sizeof(opt_len0), &ll, 255);
	ac_ra_rx(r, f.now, opt_long, sizeof(opt_long), &ll, 255);
	ac_ra_rx(r, f.now, opt_half, sizeof(opt_half), &ll, 255);
	ac_ra_rx(r, f.now, rs_sllao, sizeof(rs_sllao), &any, 255);
	ac_ra_rx(r, f.now, rs_sllao, sizeof(rs_sllao), NULL, 255);
	ac_ra_rx(r, f.now, code1, sizeof(code1), &ll, 255);
	ac_ra_rx(r, f.now, short4, sizeof(short4), &ll, 255);
	CHECK_INT(ac_ra_stats(r)->rs_bad, 8);
	ac_ra_rx(r, f.now, ns, sizeof(ns), &ll, 255);	/* no RS: not counted */
	ac_ra_rx(r, f.now, ns, 0, &ll, 255);
	CHECK_INT(ac_ra_stats(r)->rs_bad, 8);
	CHECK_INT(ac_ra_stats(r)->rs_rx, 0);
	CHECK_INT(ac_ra_tick(r, f.now), next);	/* no answer scheduled */
	CHECK_INT(f.n_log, 5);	/* rate limited */
	run_until(r, &f, 15000);
	CHECK_INT(f.n_sent, 1);
	ac_ra_free(r);
}

static void test_rs_check_reasons(void)
{
	struct in6_addr ll = in6(ll_bytes);
	const char *why = "x";

	CHECK_INT(ac_ra_rs_check(rs_sllao, sizeof(rs_sllao), &ll, 255, &why), 0);
	CHECK(why == NULL);
	CHECK_INT(ac_ra_rs_check(rs_sllao, sizeof(rs_sllao), NULL, 255, &why), -EBADMSG);
	CHECK(why != NULL);
	CHECK_INT(ac_ra_rs_check(rs_plain, sizeof(rs_plain), NULL, 255, &why), 0);
	CHECK_INT(ac_ra_rs_check(want_full, sizeof(want_full), &ll, 255, &why), -ENOMSG);
}

static void test_stop(void)
{
	struct fake f = { .now = 0, .fixed = 0 };
	struct ac_ra_config c = full_config();
	struct ac_ra *r = start(&f, &c);
	struct in6_addr ll = in6(ll_bytes);
	struct ra_dec d;

	run_until(r, &f, 1000);
	ac_ra_rx(r, f.now, rs_plain, sizeof(rs_plain), &ll, 255);
	ac_ra_stop(r, f.now);	/* 1 s after the last RA: not held back */
	CHECK_INT(f.n_sent, 2);
	CHECK_INT(ra_decode(f.sent[1].msg, f.sent[1].len, &d), 0);
	CHECK_INT(d.lifetime, 0);
	CHECK_INT(d.valid, 86400);	/* the prefix stays valid (6.2.5) */
	CHECK(!memcmp(&f.sent[1].dst, all_nodes, 16));
	CHECK_INT(ac_ra_stats(r)->ra_tx, 2);
	CHECK(ac_ra_tick(r, f.now) == UINT64_MAX);
	ac_ra_rx(r, f.now, rs_plain, sizeof(rs_plain), &ll, 255);
	ac_ra_stop(r, f.now);
	run_until(r, &f, 100000);
	CHECK_INT(f.n_sent, 2);
	ac_ra_free(r);
}

static void test_reload(void)
{
	struct fake f = { .now = 0, .fixed = 0 };
	struct ac_ra_config c = full_config(), bad;
	struct ac_ra *r = start(&f, &c);
	struct ra_dec d;
	uint64_t next;

	run_until(r, &f, 100000);	/* past the initial RAs: next one far off */
	next = ac_ra_tick(r, f.now);
	CHECK(next > f.now + 60000);
	CHECK_INT(ac_ra_set_config(r, &c, f.now), 0);	/* same RA: no hurry */
	CHECK_INT(ac_ra_tick(r, f.now), next);
	bad = c;
	bad.plen = 200;
	CHECK_INT(ac_ra_set_config(r, &bad, f.now), -EINVAL);
	CHECK_INT(ac_ra_tick(r, f.now), next);
	strcpy(c.dnssl, "mesh.lan");
	CHECK_INT(ac_ra_set_config(r, &c, f.now), 0);
	run_until(r, &f, f.now + 1);
	CHECK(f.n_sent >= 2);
	CHECK(f.sent[f.n_sent - 1].at_ms <= f.now);
	CHECK_INT(ra_decode(f.sent[f.n_sent - 1].msg, f.sent[f.n_sent - 1].len, &d), 0);
	CHECK_STR(d.domain, "mesh.lan");
	/* and repeated like a new router's: the next within 16 s */
	CHECK(ac_ra_tick(r, f.now) <= f.now + AC_RA_MAX_INITIAL_INTERVAL_MS);
	/* a change right after an RA waits out MIN_DELAY_BETWEEN_RAS */
	c.mtu = 1400;
	CHECK_INT(f.sent[f.n_sent - 1].at_ms, 100000);
	CHECK_INT(ac_ra_set_config(r, &c, 101000), 0);
	CHECK_INT(ac_ra_tick(r, 101000), 103000);
	ac_ra_free(r);
}

static void test_new_refuses(void)
{
	struct fake f = { 0 };
	struct ac_ra_config c = full_config();
	struct ac_ra_env env = fake_env(&f);
	struct ac_ra *r = (struct ac_ra *)&f;

	c.min_interval_ms = 1000;
	CHECK_INT(ac_ra_new(&r, &c, &env, 0), -EINVAL);
	CHECK(r == NULL);
}

int main(void)
{
	RUN(test_build_bytes);
	RUN(test_build_choices);
	RUN(test_build_refuses);
	RUN(test_timing_defaults);
	RUN(test_periodic);
	RUN(test_periodic_bounds);
	RUN(test_rs_answer);
	RUN(test_rs_second);
	RUN(test_rs_burst);
	RUN(test_rs_invalid);
	RUN(test_rs_check_reasons);
	RUN(test_stop);
	RUN(test_reload);
	RUN(test_new_refuses);
	return check_exit();
}
