/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_BUF_H
#define MC_BUF_H

/*
 * Byte cursors for wire formats. A reader never reads past its end and a
 * writer never writes past its capacity: the first underrun/overrun sets a
 * sticky error, returns -EMSGSIZE, and every later call on that cursor
 * fails too (reads yield zero), so a decoder may read a whole header and
 * check mc_rd_ok() once. Multi-byte helpers are big-endian (network order)
 * unless named _le.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mc_rd {
	const uint8_t *p;
	size_t len;
	size_t off;
	bool err;
};

struct mc_wr {
	uint8_t *p;
	size_t cap;
	size_t off;
	bool err;
};

static inline void mc_rd_init(struct mc_rd *r, const void *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->err = false;
}

static inline size_t mc_rd_left(const struct mc_rd *r)
{
	return r->err ? 0 : r->len - r->off;
}

static inline bool mc_rd_ok(const struct mc_rd *r)
{
	return !r->err;
}

/* Pointer to the next byte; valid only while the backing buffer lives. */
static inline const uint8_t *mc_rd_cur(const struct mc_rd *r)
{
	return r->p + r->off;
}

int mc_rd_u8(struct mc_rd *r, uint8_t *v);
int mc_rd_u16(struct mc_rd *r, uint16_t *v);
int mc_rd_u32(struct mc_rd *r, uint32_t *v);
int mc_rd_u64(struct mc_rd *r, uint64_t *v);
int mc_rd_u16_le(struct mc_rd *r, uint16_t *v);
int mc_rd_u32_le(struct mc_rd *r, uint32_t *v);
int mc_rd_bytes(struct mc_rd *r, void *dst, size_t n);
int mc_rd_skip(struct mc_rd *r, size_t n);
/* Points *pp at the next n bytes in place and consumes them. */
int mc_rd_ptr(struct mc_rd *r, const uint8_t **pp, size_t n);
/* Carves the next n bytes out as their own reader and consumes them. */
int mc_rd_sub(struct mc_rd *r, struct mc_rd *sub, size_t n);

static inline void mc_wr_init(struct mc_wr *w, void *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->off = 0;
	w->err = false;
}

static inline bool mc_wr_ok(const struct mc_wr *w)
{
	return !w->err;
}

static inline size_t mc_wr_len(const struct mc_wr *w)
{
	return w->off;
}

int mc_wr_u8(struct mc_wr *w, uint8_t v);
int mc_wr_u16(struct mc_wr *w, uint16_t v);
int mc_wr_u32(struct mc_wr *w, uint32_t v);
int mc_wr_u64(struct mc_wr *w, uint64_t v);
int mc_wr_u16_le(struct mc_wr *w, uint16_t v);
int mc_wr_u32_le(struct mc_wr *w, uint32_t v);
int mc_wr_bytes(struct mc_wr *w, const void *src, size_t n);
int mc_wr_zero(struct mc_wr *w, size_t n);
/*
 * Reserves n bytes to fill later (a length field written after its
 * payload); *pp points at them. Returns -EMSGSIZE and NULL on overrun.
 */
int mc_wr_reserve(struct mc_wr *w, uint8_t **pp, size_t n);

/*
 * The Internet checksum (RFC 1071): the 16-bit big-endian words of p
 * added to sum (an odd last byte padded with zero), then folded and
 * complemented: mc_csum_fold(mc_csum_add(0, hdr, len)). A pseudo header
 * is added first (its words, or a sum of them, as sum).
 */
static inline uint32_t mc_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static inline uint16_t mc_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Store/load helpers for patching reserved fields. */
static inline void mc_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void mc_put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint16_t mc_get_u16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t mc_get_u32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

/*
 * A growable NUL-terminated string (config text being made). An
 * allocation failure sets oom and later puts do nothing; p is the
 * caller's to free.
 */
struct mc_str {
	char *p;
	size_t len, cap;
	bool oom;
};

void mc_str_putn(struct mc_str *b, const char *s, size_t n);
void mc_str_puts(struct mc_str *b, const char *s);

#endif
