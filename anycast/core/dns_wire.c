/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DNS codec (layouts in dns_packet.h): messages read through a
 * common/buf cursor, names with compression pointers, and the writers the
 * replies are built with. No state, no allocation.
 */
#include <errno.h>
#include <string.h>

#include "anycast/core/dns.h"
#include "anycast/core/dns_packet.h"

static void hdr_read(struct mc_rd *r, struct ac_dns_hdr *h)
{
	mc_rd_u16(r, &h->id);
	mc_rd_u16(r, &h->flags);
	mc_rd_u16(r, &h->qdcount);
	mc_rd_u16(r, &h->ancount);
	mc_rd_u16(r, &h->nscount);
	mc_rd_u16(r, &h->arcount);
}

/* One label at pos (the length byte); its bytes go to n when there is one. */
static int label_take(const struct mc_rd *r, size_t pos, struct ac_dns_name *n,
		      size_t *out)
{
	uint8_t c = r->p[pos];

	if (c > AC_DNS_LABEL_MAX)
		return -EBADMSG;	/* types 01 (extended, retired by RFC 6891 5) and 10 */
	if (*out + 1 + c > AC_DNS_NAME_MAX || pos + 1 + c > r->len)
		return -EBADMSG;
	if (n)
		memcpy(n->wire + *out, r->p + pos, 1 + (size_t)c);
	*out += 1 + (size_t)c;
	return 0;
}

int ac_dns_name_read(struct mc_rd *r, struct ac_dns_name *n)
{
	size_t pos = r->off, out = 0, end = 0;
	size_t below = r->off;	/* every pointer's target must lie under this */

	if (r->err)
		return -EBADMSG;
	for (;;) {
		uint8_t c;

		if (pos >= r->len)
			return -EBADMSG;
		c = r->p[pos];
		if ((c & 0xc0) == 0xc0) {
			if (pos + 2 > r->len)
				return -EBADMSG;
			if (!end)
				end = pos + 2;
			pos = mc_get_u16(r->p + pos) & ~AC_DNS_PTR_OFF;
			/* strictly decreasing targets: no loop can close;
			 * and none into the header, which holds no name */
			if (pos >= below || pos < AC_DNS_HDR_LEN)
				return -EBADMSG;
			below = pos;
			continue;
		}
		if (label_take(r, pos, n, &out) < 0)
			return -EBADMSG;
		pos += 1 + (size_t)c;
		if (c == 0)
			break;
	}
	if (n)
		n->len = (uint8_t)out;
	r->off = end ? end : pos;
	return 0;
}

static int question_read(struct mc_rd *r, struct ac_dns_msg *m, bool keep)
{
	uint16_t type = 0, class = 0;

	if (ac_dns_name_read(r, keep ? &m->qname : NULL) < 0)
		return -EBADMSG;
	mc_rd_u16(r, &type);
	mc_rd_u16(r, &class);
	if (!mc_rd_ok(r))
		return -EBADMSG;
	if (keep) {
		m->qtype = type;
		m->qclass = class;
	}
	return 0;
}

/* A record checked and passed over; the additional section's OPT is kept. */
static int rr_skip(struct mc_rd *r, struct ac_dns_msg *m, bool additional)
{
	uint16_t type = 0, class = 0, rdlen = 0;
	uint32_t ttl = 0;
	size_t data;

	if (ac_dns_name_read(r, NULL) < 0)
		return -EBADMSG;
	mc_rd_u16(r, &type);
	mc_rd_u16(r, &class);
	mc_rd_u32(r, &ttl);
	mc_rd_u16(r, &rdlen);
	data = r->off;
	if (mc_rd_skip(r, rdlen) < 0)
		return -EBADMSG;
	if (additional && type == AC_DNS_T_OPT) {
		m->opt.present = true;
		m->opt.udp_size = class;
		m->opt.ttl = ttl;
		m->opt.data_off = (uint16_t)data;	/* < AC_DNS_MSG_MAX */
		m->opt.data_len = rdlen;
	}
	return 0;
}

static int records_read(struct mc_rd *r, struct ac_dns_msg *m)
{
	unsigned n = (unsigned)m->h.ancount + m->h.nscount;

	for (unsigned i = 0; i < n; i++)
		if (rr_skip(r, m, false) < 0)
			return -EBADMSG;
	for (unsigned i = 0; i < m->h.arcount; i++)
		if (rr_skip(r, m, true) < 0)
			return -EBADMSG;
	return 0;
}

int ac_dns_msg_parse(struct ac_dns_msg *m, const uint8_t *msg, size_t len)
{
	struct mc_rd r;

	memset(m, 0, sizeof(*m));
	if (len > AC_DNS_MSG_MAX)
		return -EMSGSIZE;
	mc_rd_init(&r, msg, len);
	hdr_read(&r, &m->h);
	if (!mc_rd_ok(&r))
		return -EBADMSG;
	for (unsigned i = 0; i < m->h.qdcount; i++)
		if (question_read(&r, m, i == 0) < 0)
			return -EBADMSG;
	m->has_q = m->h.qdcount == 1;
	return records_read(&r, m);
}

int ac_dns_hdr_write(struct mc_wr *w, const struct ac_dns_hdr *h)
{
	mc_wr_u16(w, h->id);
	mc_wr_u16(w, h->flags);
	mc_wr_u16(w, h->qdcount);
	mc_wr_u16(w, h->ancount);
	mc_wr_u16(w, h->nscount);
	return mc_wr_u16(w, h->arcount);
}

int ac_dns_name_write(struct mc_wr *w, const struct ac_dns_name *n)
{
	return mc_wr_bytes(w, n->wire, n->len);
}

int ac_dns_question_write(struct mc_wr *w, const struct ac_dns_name *n,
			  uint16_t type, uint16_t class)
{
	ac_dns_name_write(w, n);
	mc_wr_u16(w, type);
	return mc_wr_u16(w, class);
}

int ac_dns_rr_write(struct mc_wr *w, uint16_t owner_off, const struct ac_dns_rr *rr)
{
	mc_wr_u16(w, (uint16_t)(AC_DNS_PTR_OFF | owner_off));
	mc_wr_u16(w, rr->type);
	mc_wr_u16(w, rr->class);
	mc_wr_u32(w, rr->ttl);
	mc_wr_u16(w, rr->len);
	return mc_wr_bytes(w, rr->data, rr->len);
}

int ac_dns_opt_write(struct mc_wr *w, uint16_t udp_size, uint32_t ttl,
		     const void *data, uint16_t len)
{
	mc_wr_u8(w, 0);		/* owner: the root */
	mc_wr_u16(w, AC_DNS_T_OPT);
	mc_wr_u16(w, udp_size);
	mc_wr_u32(w, ttl);
	mc_wr_u16(w, len);
	return mc_wr_bytes(w, data, len);
}

/* One character of a label in presentation form: \DDD, \c or c. */
static int char_take(const char **s)
{
	const char *p = *s;
	int v;

	if (*p != '\\') {
		*s = p + 1;
		return (uint8_t)*p;
	}
	p++;
	if (p[0] >= '0' && p[0] <= '9') {
		if (!(p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9'))
			return -EINVAL;
		v = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
		*s = p + 3;
		return v > 255 ? -EINVAL : v;
	}
	if (!*p)
		return -EINVAL;
	*s = p + 1;
	return (uint8_t)*p;
}

/* The label at *s up to an unescaped dot: 0 or -EINVAL. */
static int label_from_str(struct ac_dns_name *n, size_t *out, const char **s)
{
	size_t lenpos = (*out)++;
	unsigned l = 0;

	while (**s && **s != '.') {
		int c = char_take(s);

		/* room for this byte and the root's after it */
		if (c < 0 || l == AC_DNS_LABEL_MAX || *out + 1 >= AC_DNS_NAME_MAX)
			return -EINVAL;
		n->wire[(*out)++] = (uint8_t)c;
		l++;
	}
	if (l == 0)
		return -EINVAL;		/* "a..b", ".a", "" */
	n->wire[lenpos] = (uint8_t)l;
	if (**s == '.')
		(*s)++;
	return 0;
}

int ac_dns_name_from_str(struct ac_dns_name *n, const char *s)
{
	size_t out = 0;

	if (!strcmp(s, ".")) {
		n->wire[0] = 0;
		n->len = 1;
		return 0;
	}
	do {
		if (label_from_str(n, &out, &s) < 0)
			return -EINVAL;
	} while (*s);
	n->wire[out++] = 0;
	n->len = (uint8_t)out;
	return 0;
}

/* The offset of label i (0 the first) or of the root past the last. */
static size_t label_off(const struct ac_dns_name *n, unsigned i)
{
	size_t off = 0;

	while (i-- && off < n->len && n->wire[off])
		off += 1 + (size_t)n->wire[off];
	return off;
}

unsigned ac_dns_name_labels(const struct ac_dns_name *n)
{
	unsigned k = 0;

	for (size_t off = 0; off < n->len && n->wire[off]; off += 1 + (size_t)n->wire[off])
		k++;
	return k;
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

/* Length bytes are at most 63, below 'A': lowering every byte is safe. */
static bool wire_eq(const uint8_t *a, const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

bool ac_dns_name_eq(const struct ac_dns_name *a, const struct ac_dns_name *b)
{
	return a->len == b->len && wire_eq(a->wire, b->wire, a->len);
}

bool ac_dns_name_under(const struct ac_dns_name *a, const struct ac_dns_name *b)
{
	unsigned la = ac_dns_name_labels(a), lb = ac_dns_name_labels(b);
	size_t off;

	if (la <= lb)
		return false;
	off = label_off(a, la - lb);
	return a->len - off == b->len && wire_eq(a->wire + off, b->wire, b->len);
}

int ac_dns_name_cat(struct ac_dns_name *out, const struct ac_dns_name *a,
		    const struct ac_dns_name *b)
{
	size_t head = a->len - 1u;	/* a without its root */

	if (head + b->len > AC_DNS_NAME_MAX)
		return -EINVAL;
	memmove(out->wire + head, b->wire, b->len);
	memmove(out->wire, a->wire, head);
	out->len = (uint8_t)(head + b->len);
	return 0;
}
