/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TCP segmentation and coalescing (l2mesh/core/offload.c): frames built
 * here with checksums from common/buf's byte-wise mc_csum_add (an
 * independent reference), cut into segments, checked field by field,
 * joined again into one super-frame whose completed checksum must hold;
 * what must not join, and what the parser refuses. With a directory
 * argument it writes the fuzz seeds there instead:
 *   BUILD/tests/unit/test_l2_offload tests/fuzz/corpus/l2_offload
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "l2mesh/core/offload.h"
#include "tests/unit/check.h"

#define BIG 70000

struct spec {
	bool v6;
	int tags;		/* VLAN tags after the addresses: 0..2 */
	size_t payload;
	uint8_t flags;
	uint32_t seq;
	uint16_t id;
	uint16_t sport;
};

/* The reference checksum of a built frame: byte-wise, pseudo header
 * written out. */
static uint16_t ref_tcp_csum(const uint8_t *f, size_t l3, size_t l4, size_t end, bool v6)
{
	uint32_t sum = 0;
	uint8_t ph[40];
	size_t n = end - l4;

	if (v6) {
		memcpy(ph, f + l3 + 8, 32);
		mc_put_u32(ph + 32, (uint32_t)n);
		mc_put_u32(ph + 36, 6);
		sum = mc_csum_add(0, ph, 40);
	} else {
		memcpy(ph, f + l3 + 12, 8);
		ph[8] = 0;
		ph[9] = 6;
		mc_put_u16(ph + 10, (uint16_t)n);
		sum = mc_csum_add(0, ph, 12);
	}
	return mc_csum_fold(mc_csum_add(sum, f + l4, n));
}

/* Builds a TCP frame (timestamp option, 12 bytes); returns its length. */
static size_t build(uint8_t *f, const struct spec *sp)
{
	size_t o = 12, l3, l4, end;

	for (int i = 0; i < 6; i++) {
		f[i] = (uint8_t)(0x02 + i);
		f[6 + i] = (uint8_t)(0x12 + i);
	}
	for (int t = 0; t < sp->tags; t++) {
		mc_put_u16(f + o, t ? 0x8100 : 0x88a8);
		mc_put_u16(f + o + 2, (uint16_t)(17 + t));
		o += 4;
	}
	mc_put_u16(f + o, sp->v6 ? 0x86dd : 0x0800);
	l3 = o + 2;
	if (sp->v6) {
		memset(f + l3, 0, 40);
		f[l3] = 0x60;
		f[l3 + 6] = 6;
		f[l3 + 7] = 64;
		for (int i = 0; i < 16; i++) {
			f[l3 + 8 + i] = (uint8_t)(0xfd + i);
			f[l3 + 24 + i] = (uint8_t)(0x20 + i);
		}
		l4 = l3 + 40;
	} else {
		memset(f + l3, 0, 20);
		f[l3] = 0x45;
		mc_put_u16(f + l3 + 4, sp->id);
		mc_put_u16(f + l3 + 6, 0x4000);	/* DF */
		f[l3 + 8] = 64;
		f[l3 + 9] = 6;
		mc_put_u32(f + l3 + 12, 0x0a0d0001);
		mc_put_u32(f + l3 + 16, 0x0a0d0002);
		l4 = l3 + 20;
	}
	end = l4 + 32 + sp->payload;
	if (sp->v6)
		mc_put_u16(f + l3 + 4, (uint16_t)(end - l3 - 40));
	else {
		mc_put_u16(f + l3 + 2, (uint16_t)(end - l3));
		mc_put_u16(f + l3 + 10, mc_csum_fold(mc_csum_add(0, f + l3, 20)));
	}
	uint8_t *th = f + l4;
	memset(th, 0, 32);
	mc_put_u16(th, sp->sport ? sp->sport : 40000);
	mc_put_u16(th + 2, 5201);
	mc_put_u32(th + 4, sp->seq);
	mc_put_u32(th + 8, 0x11223344);
	th[12] = 8 << 4;
	th[13] = sp->flags;
	mc_put_u16(th + 14, 512);
	th[20] = 1;
	th[21] = 1;
	th[22] = 8;
	th[23] = 10;
	mc_put_u32(th + 24, 777);
	mc_put_u32(th + 28, 555);
	for (size_t i = 0; i < sp->payload; i++)
		th[32 + i] = (uint8_t)(i * 7 + (i >> 8));
	mc_put_u16(th + 16, ref_tcp_csum(f, l3, l4, end, sp->v6));
	return end;
}

static void test_csum_sum(void)
{
	uint8_t b[300];

	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(rand() >> 3);
	for (size_t n = 0; n <= sizeof(b); n++)
		CHECK_INT(mc_csum_fold(l2_csum_sum(b, n)), mc_csum_fold(mc_csum_add(0, b, n)));
	memset(b, 0xff, sizeof(b));	/* carries on every word */
	for (size_t n = 0; n <= sizeof(b); n += 7)
		CHECK_INT(mc_csum_fold(l2_csum_sum(b, n)), mc_csum_fold(mc_csum_add(0, b, n)));
}

static void test_parse(void)
{
	static uint8_t f[BIG];
	struct l2_tcp_seg s;
	struct spec sp = { .payload = 100, .flags = L2_TCP_ACK, .seq = 9 };
	size_t n = build(f, &sp);

	CHECK_INT(l2_tcp_parse(f, n, &s), 0);
	CHECK_INT(s.l3, 14);
	CHECK_INT(s.l4, 34);
	CHECK_INT(s.hdr_len, 66);
	CHECK_INT(l2_tcp_payload(&s), 100);
	CHECK_INT(s.seq, 9);
	CHECK(l2_tcp_csum_ok(f, &s));
	f[80] ^= 1;
	CHECK(!l2_tcp_csum_ok(f, &s));
	f[80] ^= 1;
	/* Ethernet padding after the datagram is not payload */
	CHECK_INT(l2_tcp_parse(f, n + 6, &s), 0);
	CHECK_INT(s.end, n);
	for (size_t cut = 0; cut < 66; cut++)
		CHECK(l2_tcp_parse(f, cut, &s) < 0);
	mc_put_u16(f + 14 + 6, 0x2000);	/* more fragments */
	CHECK_INT(l2_tcp_parse(f, n, &s), -EPROTONOSUPPORT);
	n = build(f, &sp);
	f[14 + 9] = 17;	/* UDP */
	CHECK_INT(l2_tcp_parse(f, n, &s), -EPROTONOSUPPORT);
	n = build(f, &sp);
	f[34 + 12] = 4 << 4;	/* data offset below 5 words */
	CHECK_INT(l2_tcp_parse(f, n, &s), -EINVAL);
	sp.tags = 2;
	sp.v6 = true;
	n = build(f, &sp);
	CHECK_INT(l2_tcp_parse(f, n, &s), 0);
	CHECK_INT(s.l3, 22);
	CHECK(s.v6);
	CHECK(l2_tcp_csum_ok(f, &s));
}

static void test_complete(void)
{
	static uint8_t f[BIG];
	struct l2_tcp_seg s;
	struct spec sp = { .payload = 333, .flags = L2_TCP_ACK };
	size_t n = build(f, &sp);
	uint16_t want;

	CHECK_INT(l2_tcp_parse(f, n, &s), 0);
	want = mc_get_u16(f + s.l4 + 16);
	/* what a sender with checksum offload leaves: the pseudo header's sum */
	l2_tcp_super_fix(f, &s, n, s.flags);
	CHECK(mc_get_u16(f + s.l4 + 16) != want);
	CHECK_INT(l2_csum_complete(f, n, s.l4, 16), 0);
	CHECK_INT(mc_get_u16(f + s.l4 + 16), want);
	CHECK_INT(l2_csum_complete(f, n, n, 0), -EINVAL);
	CHECK_INT(l2_csum_complete(f, n, n - 1, 0), -EINVAL);
}

struct cut {
	uint8_t seg[64][1600];
	size_t len[64];
	int n;
	int stop_at;	/* emit says stop after this many (0: never) */
};

static bool keep(void *arg, uint8_t *seg, size_t len)
{
	struct cut *c = arg;

	if (c->n < 64 && len <= sizeof(c->seg[0])) {
		memcpy(c->seg[c->n], seg, len);
		c->len[c->n] = len;
	}
	c->n++;
	return c->n != c->stop_at;
}

/* Cuts a super-frame and joins its segments again, as the shell does. */
static void round_trip(bool v6, int tags, size_t payload, unsigned mss)
{
	static uint8_t f[BIG], join[BIG];
	static struct cut c;
	uint8_t buf[1600];
	struct l2_tcp_seg s, h, x;
	struct spec sp = { .v6 = v6, .tags = tags, .payload = payload, .id = 0xfffe,
			   .flags = L2_TCP_ACK | L2_TCP_PSH | L2_TCP_CWR, .seq = 0xfffff000u };
	size_t n = build(f, &sp), at;
	long k;

	CHECK_INT(l2_tcp_parse(f, n, &s), 0);
	c.n = 0;
	k = l2_tcp_segment(f, n, mss, buf, sizeof(buf), keep, &c);
	CHECK_INT(k, payload ? (long)((payload + mss - 1) / mss) : 1);
	CHECK_INT(c.n, k);
	for (int i = 0; i < c.n && i < 64; i++) {
		CHECK_INT(l2_tcp_parse(c.seg[i], c.len[i], &x), 0);
		CHECK_INT(x.hdr_len, s.hdr_len);
		CHECK_INT(x.seq, (uint32_t)(sp.seq + (uint32_t)i * mss));
		CHECK_INT(l2_tcp_payload(&x), i + 1 < c.n ? mss : payload - (size_t)i * mss);
		CHECK(l2_tcp_csum_ok(c.seg[i], &x));
		/* the byte-wise reference over the segment, checksum included */
		CHECK_INT(ref_tcp_csum(c.seg[i], x.l3, x.l4, x.end, v6), 0);
		CHECK_INT(x.flags & L2_TCP_PSH ? 1 : 0, i + 1 == c.n);
		CHECK_INT(x.flags & L2_TCP_CWR ? 1 : 0, i == 0);
		CHECK(x.flags & L2_TCP_ACK);
		if (!v6) {
			CHECK_INT(mc_get_u16(c.seg[i] + x.l3 + 4), (uint16_t)(0xfffe + i));
			CHECK_INT(mc_csum_fold(mc_csum_add(0, c.seg[i] + x.l3, 20)), 0);
		}
		CHECK(!memcmp(c.seg[i] + x.hdr_len, f + s.hdr_len + (size_t)i * mss,
			      l2_tcp_payload(&x)));
	}
	/* and back into one */
	memcpy(join, c.seg[0], c.len[0]);
	at = c.len[0];
	CHECK_INT(l2_tcp_parse(join, at, &h), 0);
	for (int i = 1; i < c.n && i < 64; i++) {
		CHECK_INT(l2_tcp_parse(c.seg[i], c.len[i], &x), 0);
		CHECK(l2_tcp_follows(join, &h, c.seg[i], &x));
		memcpy(join + at, c.seg[i] + x.hdr_len, l2_tcp_payload(&x));
		at += l2_tcp_payload(&x);
	}
	CHECK_INT(at, n);
	l2_tcp_super_fix(join, &h, at, c.n ? x.flags : 0);
	CHECK_INT(l2_csum_complete(join, at, h.l4, 16), 0);
	/* the original but for CWR, which only the first segment keeps and
	 * the join takes from it: byte for byte */
	CHECK(!memcmp(join, f, n));
}

static void test_segment(void)
{
	round_trip(false, 0, 64000, 1448);
	round_trip(true, 0, 64000, 1428);
	round_trip(false, 1, 2896, 1448);	/* two whole segments */
	round_trip(true, 2, 1449, 1448);
	round_trip(false, 0, 10, 1448);		/* one short segment */
	round_trip(false, 0, 0, 1448);		/* a bare ACK */

	static uint8_t f[BIG];
	uint8_t buf[1600];
	static struct cut c;
	struct spec sp = { .payload = 3000, .flags = L2_TCP_ACK | L2_TCP_FIN };
	size_t n = build(f, &sp);
	struct l2_tcp_seg x;

	c.n = 0;
	CHECK_INT(l2_tcp_segment(f, n, 1000, buf, sizeof(buf), keep, &c), 3);
	for (int i = 0; i < 3; i++) {
		CHECK_INT(l2_tcp_parse(c.seg[i], c.len[i], &x), 0);
		CHECK_INT(x.flags & L2_TCP_FIN ? 1 : 0, i == 2);	/* FIN on the last only */
	}
	c.n = 0;
	c.stop_at = 1;	/* only the first, as l2meshd's route probe asks */
	CHECK_INT(l2_tcp_segment(f, n, 1000, buf, sizeof(buf), keep, &c), 1);
	CHECK_INT(c.n, 1);
	c.stop_at = 0;
	CHECK_INT(l2_tcp_segment(f, n, 0, buf, sizeof(buf), keep, &c), -EINVAL);
	CHECK_INT(l2_tcp_segment(f, n, 1600, buf, sizeof(buf), keep, &c), -EINVAL);
	f[23] = 17;
	CHECK_INT(l2_tcp_segment(f, n, 1000, buf, sizeof(buf), keep, &c), -EPROTONOSUPPORT);
}

/* What must not be joined. */
static void test_follows(void)
{
	static uint8_t a[2000], b[2000];
	struct spec sa = { .payload = 1000, .flags = L2_TCP_ACK, .id = 1 };
	struct spec sb = { .payload = 1000, .flags = L2_TCP_ACK, .id = 2, .seq = 1000 };
	struct l2_tcp_seg ha, hb;
	size_t na = build(a, &sa), nb;

	CHECK_INT(l2_tcp_parse(a, na, &ha), 0);
#define TRY(mutate, want) do { \
		nb = build(b, &sb); mutate; \
		CHECK_INT(l2_tcp_parse(b, nb, &hb), 0); \
		CHECK_INT(l2_tcp_follows(a, &ha, b, &hb), want); \
	} while (0)
	TRY((void)0, true);
	TRY(b[0] ^= 1, false);				/* another destination */
	TRY(mc_put_u16(b + 34, 40001), false);		/* another source port */
	TRY(b[34 + 13] |= L2_TCP_SYN, false);
	TRY(b[34 + 13] |= L2_TCP_URG, false);
	TRY(b[34 + 13] |= L2_TCP_PSH, true);
	TRY(b[34 + 13] |= L2_TCP_FIN, true);
	TRY(b[34 + 9] ^= 1, false);			/* another ACK */
	TRY(b[34 + 15] ^= 1, false);			/* another window */
	TRY(b[34 + 25] ^= 1, false);			/* another timestamp */
	TRY(b[14 + 1] = 0x10, false);			/* another TOS */
	TRY(b[14 + 8] = 63, false);			/* another TTL */
	TRY(b[14 + 15] ^= 1, false);			/* another source */
	sb.v6 = true;
	TRY((void)0, false);
	sb.v6 = false;
	a[14 + 6] = 0;					/* without DF */
	TRY(b[14 + 6] = 0, false);
#undef TRY
}

/* Seeds for tests/fuzz/corpus/l2_offload: byte 0 the segment size's
 * pick, then a frame. */
static int write_seeds(const char *dir)
{
	static uint8_t f[BIG];
	static const struct spec seeds[] = {
		{ .payload = 3000, .flags = L2_TCP_ACK | L2_TCP_PSH, .seq = 1 },
		{ .v6 = true, .tags = 1, .payload = 2000, .flags = L2_TCP_ACK | L2_TCP_CWR },
		{ .tags = 2, .payload = 47, .flags = L2_TCP_ACK | L2_TCP_FIN },
		{ .payload = 0, .flags = L2_TCP_SYN },
	};

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		char path[512];
		FILE *fp;

		f[0] = (uint8_t)(i * 17 + 3);
		size_t n = build(f + 1, &seeds[i]);
		snprintf(path, sizeof(path), "%s/seed%zu", dir, i);
		if (!(fp = fopen(path, "wb")) || fwrite(f, 1, n + 1, fp) != n + 1)
			return 1;
		fclose(fp);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return write_seeds(argv[1]);
	RUN(test_csum_sum);
	RUN(test_parse);
	RUN(test_complete);
	RUN(test_segment);
	RUN(test_follows);
	return check_exit();
}
