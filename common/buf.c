/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Claims n bytes of r; NULL (and the sticky error) when they are not there. */
static const uint8_t *rd_take(struct mc_rd *r, size_t n)
{
	if (r->err || n > r->len - r->off) {
		r->err = true;
		return NULL;
	}
	const uint8_t *p = r->p + r->off;
	r->off += n;
	return p;
}

/* The fixed-size readers: GET turns the n bytes at p into the value. */
#define RD_FIXED(name, type, n, GET) \
	int name(struct mc_rd *r, type *v) \
	{ \
		const uint8_t *p = rd_take(r, n); \
		*v = p ? (type)(GET) : 0; \
		return p ? 0 : -EMSGSIZE; \
	}

RD_FIXED(mc_rd_u8, uint8_t, 1, p[0])
RD_FIXED(mc_rd_u16, uint16_t, 2, mc_get_u16(p))
RD_FIXED(mc_rd_u32, uint32_t, 4, mc_get_u32(p))
RD_FIXED(mc_rd_u64, uint64_t, 8, ((uint64_t)mc_get_u32(p) << 32) | mc_get_u32(p + 4))
RD_FIXED(mc_rd_u16_le, uint16_t, 2, p[0] | (p[1] << 8))
RD_FIXED(mc_rd_u32_le, uint32_t, 4, (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	 ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24))

int mc_rd_bytes(struct mc_rd *r, void *dst, size_t n)
{
	const uint8_t *p = rd_take(r, n);

	if (!p) {
		memset(dst, 0, n);
		return -EMSGSIZE;
	}
	memcpy(dst, p, n);
	return 0;
}

int mc_rd_skip(struct mc_rd *r, size_t n)
{
	return rd_take(r, n) ? 0 : -EMSGSIZE;
}

int mc_rd_ptr(struct mc_rd *r, const uint8_t **pp, size_t n)
{
	*pp = rd_take(r, n);
	return *pp ? 0 : -EMSGSIZE;
}

int mc_rd_sub(struct mc_rd *r, struct mc_rd *sub, size_t n)
{
	const uint8_t *p = rd_take(r, n);

	mc_rd_init(sub, p, p ? n : 0);
	sub->err = !p;
	return p ? 0 : -EMSGSIZE;
}

static uint8_t *wr_take(struct mc_wr *w, size_t n)
{
	if (w->err || n > w->cap - w->off) {
		w->err = true;
		return NULL;
	}
	uint8_t *p = w->p + w->off;
	w->off += n;
	return p;
}

int mc_wr_u8(struct mc_wr *w, uint8_t v)
{
	uint8_t *p = wr_take(w, 1);

	if (!p)
		return -EMSGSIZE;
	p[0] = v;
	return 0;
}

int mc_wr_u16(struct mc_wr *w, uint16_t v)
{
	uint8_t *p = wr_take(w, 2);

	if (!p)
		return -EMSGSIZE;
	mc_put_u16(p, v);
	return 0;
}

int mc_wr_u32(struct mc_wr *w, uint32_t v)
{
	uint8_t *p = wr_take(w, 4);

	if (!p)
		return -EMSGSIZE;
	mc_put_u32(p, v);
	return 0;
}

int mc_wr_u64(struct mc_wr *w, uint64_t v)
{
	uint8_t *p = wr_take(w, 8);

	if (!p)
		return -EMSGSIZE;
	mc_put_u32(p, (uint32_t)(v >> 32));
	mc_put_u32(p + 4, (uint32_t)v);
	return 0;
}

int mc_wr_u16_le(struct mc_wr *w, uint16_t v)
{
	uint8_t *p = wr_take(w, 2);

	if (!p)
		return -EMSGSIZE;
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return 0;
}

int mc_wr_u32_le(struct mc_wr *w, uint32_t v)
{
	uint8_t *p = wr_take(w, 4);

	if (!p)
		return -EMSGSIZE;
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
	return 0;
}

int mc_wr_bytes(struct mc_wr *w, const void *src, size_t n)
{
	uint8_t *p = wr_take(w, n);

	if (!p)
		return -EMSGSIZE;
	if (n)
		memcpy(p, src, n);
	return 0;
}

int mc_wr_zero(struct mc_wr *w, size_t n)
{
	uint8_t *p = wr_take(w, n);

	if (!p)
		return -EMSGSIZE;
	memset(p, 0, n);
	return 0;
}

int mc_wr_reserve(struct mc_wr *w, uint8_t **pp, size_t n)
{
	*pp = wr_take(w, n);
	return *pp ? 0 : -EMSGSIZE;
}

void mc_str_putn(struct mc_str *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);

		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void mc_str_puts(struct mc_str *b, const char *s)
{
	mc_str_putn(b, s, strlen(s));
}
