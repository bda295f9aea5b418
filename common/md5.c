/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MD5 as specified by RFC 1321; the step constants are from its section 3.4. */
#include "common/md5.h"

#include <string.h>

/* T[i] = floor(2^32 * abs(sin(i + 1))), RFC 1321 section 3.4 */
static const uint32_t md5_t[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a,
	0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
	0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
	0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
	0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
	0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

/* Per-round shift amounts, four per round. */
static const uint8_t md5_s[16] = {
	7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21,
};

static uint32_t rotl(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

/* The auxiliary function and message word index of step i (0..63). */
static uint32_t md5_f(unsigned i, uint32_t b, uint32_t c, uint32_t d, unsigned *k)
{
	switch (i / 16) {
	case 0:
		*k = i;
		return (b & c) | (~b & d);
	case 1:
		*k = (5 * i + 1) % 16;
		return (b & d) | (c & ~d);
	case 2:
		*k = (3 * i + 5) % 16;
		return b ^ c ^ d;
	default:
		*k = (7 * i) % 16;
		return c ^ (b | ~d);
	}
}

static void md5_block(uint32_t h[4], const uint8_t p[64])
{
	uint32_t x[16], a = h[0], b = h[1], c = h[2], d = h[3];

	for (unsigned i = 0; i < 16; i++)	/* words are little-endian */
		x[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		       (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
	for (unsigned i = 0; i < 64; i++) {
		unsigned k;
		uint32_t f = md5_f(i, b, c, d, &k);
		uint32_t tmp = d;

		d = c;
		c = b;
		b = b + rotl(a + f + md5_t[i] + x[k], md5_s[(i / 16) * 4 + i % 4]);
		a = tmp;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
}

void mc_md5_init(struct mc_md5 *m)
{
	m->h[0] = 0x67452301;
	m->h[1] = 0xefcdab89;
	m->h[2] = 0x98badcfe;
	m->h[3] = 0x10325476;
	m->nbytes = 0;
}

void mc_md5_update(struct mc_md5 *m, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		size_t used = m->nbytes % 64, n = 64 - used;

		if (n > len)
			n = len;
		memcpy(m->blk + used, p, n);
		m->nbytes += n;
		p += n;
		len -= n;
		if (used + n == 64)
			md5_block(m->h, m->blk);
	}
}

void mc_md5_final(struct mc_md5 *m, uint8_t out[MC_MD5_LEN])
{
	uint64_t bits = m->nbytes * 8;
	uint8_t pad[72] = { 0x80 };
	size_t padlen = 64 + 56 - m->nbytes % 64;

	if (padlen > 64)
		padlen -= 64;	/* 1..64 bytes so the length ends a block */
	for (unsigned i = 0; i < 8; i++)
		pad[padlen + i] = (uint8_t)(bits >> (8 * i));
	mc_md5_update(m, pad, padlen + 8);
	for (unsigned i = 0; i < 16; i++)
		out[i] = (uint8_t)(m->h[i / 4] >> (8 * (i % 4)));
}

void mc_md5(const void *data, size_t len, uint8_t out[MC_MD5_LEN])
{
	struct mc_md5 m;

	mc_md5_init(&m);
	mc_md5_update(&m, data, len);
	mc_md5_final(&m, out);
}
