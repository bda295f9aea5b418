/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l3route wire codec (layouts in packet.h, byte tables in
 * doc/l3route-wire.md). Every TLV body is carved out as its own cursor and
 * read field by field; a known type whose length is not exactly its
 * layout's is malformed, so a decoder never guesses at a shorter or longer
 * body. Sizes are pinned below as sums of their fields in wire order.
 */
#include "l3route/core/packet.h"

#include <errno.h>
#include <string.h>

#include "common/buf.h"
#include "l3route/core/desc.h"

/* version flags body_len id */
_Static_assert(1 + 1 + 2 + L3_ID_LEN == L3_HDR_LEN, "header");
/* type length */
_Static_assert(1 + 2 == L3_TLV_HDR_LEN, "tlv header");
/* seqno interval */
_Static_assert(2 + 2 == L3_HELLO_LEN, "hello");
/* rxq reserved interval id */
_Static_assert(1 + 1 + 2 + L3_ID_LEN == L3_IHU_LEN, "ihu");
/* id dseq */
_Static_assert(L3_ID_LEN + 4 == L3_DESC_REQ_LEN, "desc_req");
/* id dseq seqno flags hops metric elem */
_Static_assert(L3_ID_LEN + 4 + 2 + 1 + 1 + 4 + L3_ELEM_LEN == L3_UPDATE_LEN, "update");
/* id seqno hops reserved */
_Static_assert(L3_ID_LEN + 2 + 1 + 1 == L3_SEQNO_REQ_LEN, "seqno_req");
/* A whole description fits one TLV of a minimum-MTU packet. */
_Static_assert(L3_HDR_LEN + L3_TLV_HDR_LEN + L3_DESC_MAX <= L3_PKT_MAX, "desc fits");

#define PKT_BODY_LEN_OFF 2
#define ROUTE_REQ_ONE_LEN L3_ID_LEN
/* A DESC TLV carries one whole description: header + signature at least. */
#define DESC_TLV_MIN (L3_DESC_HDR_LEN + L3_SIG_LEN)

/* ---- decoding ----------------------------------------------------------- */

int l3_pkt_open(struct l3_pkt_iter *it, struct l3_pkt_hdr *h, const uint8_t *pkt,
		size_t len)
{
	struct mc_rd r;
	uint8_t flags;
	uint16_t body;

	memset(it, 0, sizeof(*it));
	if (len < 1)
		return -EBADMSG;
	/* Version first: another version may have another header length. */
	if (pkt[0] != L3_VERSION)
		return -EPROTONOSUPPORT;
	mc_rd_init(&r, pkt, len);
	mc_rd_u8(&r, &h->version);
	mc_rd_u8(&r, &flags);	/* no flags defined; receivers ignore them */
	mc_rd_u16(&r, &body);
	mc_rd_bytes(&r, h->id, L3_ID_LEN);
	if (!mc_rd_ok(&r) || body > mc_rd_left(&r))
		return -EBADMSG;
	/* bytes after the body (link padding) are ignored */
	it->p = mc_rd_cur(&r);
	it->len = body;
	return 0;
}

static int dec_hello(struct mc_rd *r, struct l3_msg *m)
{
	if (mc_rd_left(r) != L3_HELLO_LEN)
		return -EBADMSG;
	mc_rd_u16(r, &m->u.hello.seqno);
	mc_rd_u16(r, &m->u.hello.interval_cs);
	return 0;
}

static int dec_ihu(struct mc_rd *r, struct l3_msg *m)
{
	if (mc_rd_left(r) != L3_IHU_LEN)
		return -EBADMSG;
	mc_rd_u8(r, &m->u.ihu.rxq);
	mc_rd_skip(r, 1);	/* reserved */
	mc_rd_u16(r, &m->u.ihu.interval_cs);
	mc_rd_bytes(r, m->u.ihu.id, L3_ID_LEN);
	return 0;
}

static int dec_desc(struct mc_rd *r, struct l3_msg *m)
{
	size_t n = mc_rd_left(r);

	if (n < DESC_TLV_MIN || n > L3_DESC_MAX)
		return -EBADMSG;
	m->u.desc.len = n;
	return mc_rd_ptr(r, &m->u.desc.p, n) ? -EBADMSG : 0;
}

static int dec_desc_req(struct mc_rd *r, struct l3_msg *m)
{
	if (mc_rd_left(r) != L3_DESC_REQ_LEN)
		return -EBADMSG;
	mc_rd_bytes(r, m->u.desc_req.id, L3_ID_LEN);
	mc_rd_u32(r, &m->u.desc_req.dseq);
	return 0;
}

static int dec_update(struct mc_rd *r, struct l3_msg *m)
{
	struct l3_update *u = &m->u.update;

	if (mc_rd_left(r) != L3_UPDATE_LEN)
		return -EBADMSG;
	mc_rd_bytes(r, u->id, L3_ID_LEN);
	mc_rd_u32(r, &u->dseq);
	mc_rd_u16(r, &u->seqno);
	mc_rd_u8(r, &u->flags);
	mc_rd_u8(r, &u->hops);
	mc_rd_u32(r, &u->metric);
	mc_rd_bytes(r, u->elem, L3_ELEM_LEN);
	return 0;
}

static int dec_seqno_req(struct mc_rd *r, struct l3_msg *m)
{
	if (mc_rd_left(r) != L3_SEQNO_REQ_LEN)
		return -EBADMSG;
	mc_rd_bytes(r, m->u.seqno_req.id, L3_ID_LEN);
	mc_rd_u16(r, &m->u.seqno_req.seqno);
	mc_rd_u8(r, &m->u.seqno_req.hops);
	mc_rd_skip(r, 1);	/* reserved */
	return 0;
}

static int dec_route_req(struct mc_rd *r, struct l3_msg *m)
{
	size_t n = mc_rd_left(r);

	memset(&m->u.route_req, 0, sizeof(m->u.route_req));
	if (n == 0) {
		m->u.route_req.all = true;
		return 0;
	}
	if (n != ROUTE_REQ_ONE_LEN)
		return -EBADMSG;
	mc_rd_bytes(r, m->u.route_req.id, L3_ID_LEN);
	return 0;
}

/* 0 decoded, 1 not a type we know (skip), -EBADMSG wrong length. */
static int dec_body(uint8_t type, struct mc_rd *body, struct l3_msg *m)
{
	switch (type) {
	case L3_TLV_HELLO: return dec_hello(body, m);
	case L3_TLV_IHU: return dec_ihu(body, m);
	case L3_TLV_DESC: return dec_desc(body, m);
	case L3_TLV_DESC_REQ: return dec_desc_req(body, m);
	case L3_TLV_UPDATE: return dec_update(body, m);
	case L3_TLV_SEQNO_REQ: return dec_seqno_req(body, m);
	case L3_TLV_ROUTE_REQ: return dec_route_req(body, m);
	default: return 1;	/* PAD and unknown types */
	}
}

int l3_pkt_next(struct l3_pkt_iter *it, struct l3_msg *m)
{
	struct mc_rd r, body;
	uint8_t type;
	uint16_t blen;
	int rc;

	mc_rd_init(&r, it->p, it->len);
	r.off = it->off;
	while (mc_rd_left(&r) > 0) {
		mc_rd_u8(&r, &type);
		mc_rd_u16(&r, &blen);
		if (mc_rd_sub(&r, &body, blen) < 0)
			goto bad;
		memset(m, 0, sizeof(*m));
		m->type = (enum l3_tlv_type)type;
		rc = dec_body(type, &body, m);
		if (rc < 0)
			goto bad;
		it->off = r.off;
		if (rc == 0)
			return 1;
		it->unknown++;
	}
	return 0;
bad:
	it->off = it->len;	/* drop the rest: nothing after it can be framed */
	return -EBADMSG;
}

/* ---- encoding ----------------------------------------------------------- */

void l3_pkt_init(struct l3_pkt_builder *b, uint8_t *buf, size_t cap,
		 const uint8_t id[L3_ID_LEN])
{
	struct mc_wr w;

	/* the body length field bounds what one packet can hold */
	if (cap > L3_HDR_LEN + (size_t)UINT16_MAX)
		cap = L3_HDR_LEN + (size_t)UINT16_MAX;
	b->p = buf;
	b->nmsg = 0;
	if (cap < L3_HDR_LEN) {	/* caller bug: every add reports -ENOSPC */
		b->cap = b->len = 0;
		return;
	}
	b->cap = cap;
	mc_wr_init(&w, buf, cap);
	mc_wr_u8(&w, L3_VERSION);
	mc_wr_u8(&w, 0);
	mc_wr_u16(&w, 0);
	mc_wr_bytes(&w, id, L3_ID_LEN);
	b->len = mc_wr_len(&w);
}

/* Body length of m on the wire; -EINVAL for a type we do not send. */
static long enc_len(const struct l3_msg *m)
{
	switch (m->type) {
	case L3_TLV_HELLO: return L3_HELLO_LEN;
	case L3_TLV_IHU: return L3_IHU_LEN;
	case L3_TLV_DESC:
		if (m->u.desc.len < DESC_TLV_MIN || m->u.desc.len > L3_DESC_MAX)
			return -EINVAL;
		return (long)m->u.desc.len;
	case L3_TLV_DESC_REQ: return L3_DESC_REQ_LEN;
	case L3_TLV_UPDATE: return L3_UPDATE_LEN;
	case L3_TLV_SEQNO_REQ: return L3_SEQNO_REQ_LEN;
	case L3_TLV_ROUTE_REQ: return m->u.route_req.all ? 0 : ROUTE_REQ_ONE_LEN;
	default: return -EINVAL;
	}
}

static void enc_update(struct mc_wr *w, const struct l3_update *u)
{
	mc_wr_bytes(w, u->id, L3_ID_LEN);
	mc_wr_u32(w, u->dseq);
	mc_wr_u16(w, u->seqno);
	mc_wr_u8(w, u->flags);
	mc_wr_u8(w, u->hops);
	mc_wr_u32(w, u->metric);
	mc_wr_bytes(w, u->elem, L3_ELEM_LEN);
}

static void enc_body(struct mc_wr *w, const struct l3_msg *m)
{
	switch (m->type) {
	case L3_TLV_HELLO:
		mc_wr_u16(w, m->u.hello.seqno);
		mc_wr_u16(w, m->u.hello.interval_cs);
		break;
	case L3_TLV_IHU:
		mc_wr_u8(w, m->u.ihu.rxq);
		mc_wr_u8(w, 0);
		mc_wr_u16(w, m->u.ihu.interval_cs);
		mc_wr_bytes(w, m->u.ihu.id, L3_ID_LEN);
		break;
	case L3_TLV_DESC: mc_wr_bytes(w, m->u.desc.p, m->u.desc.len); break;
	case L3_TLV_DESC_REQ:
		mc_wr_bytes(w, m->u.desc_req.id, L3_ID_LEN);
		mc_wr_u32(w, m->u.desc_req.dseq);
		break;
	case L3_TLV_UPDATE: enc_update(w, &m->u.update); break;
	case L3_TLV_SEQNO_REQ:
		mc_wr_bytes(w, m->u.seqno_req.id, L3_ID_LEN);
		mc_wr_u16(w, m->u.seqno_req.seqno);
		mc_wr_u8(w, m->u.seqno_req.hops);
		mc_wr_u8(w, 0);
		break;
	case L3_TLV_ROUTE_REQ:
		if (!m->u.route_req.all)
			mc_wr_bytes(w, m->u.route_req.id, L3_ID_LEN);
		break;
	default: break;	/* enc_len() refused it */
	}
}

/*
 * Checks the room before writing anything, so a full packet stays exactly
 * as it was. -EINVAL is a caller bug (unknown type, impossible DESC length).
 */
int l3_pkt_add(struct l3_pkt_builder *b, const struct l3_msg *m)
{
	long blen = enc_len(m);
	struct mc_wr w;

	if (blen < 0)
		return (int)blen;
	if (b->cap - b->len < L3_TLV_HDR_LEN + (size_t)blen)
		return -ENOSPC;
	mc_wr_init(&w, b->p + b->len, b->cap - b->len);
	mc_wr_u8(&w, (uint8_t)m->type);
	mc_wr_u16(&w, (uint16_t)blen);
	enc_body(&w, m);
	if (!mc_wr_ok(&w) || mc_wr_len(&w) != L3_TLV_HDR_LEN + (size_t)blen)
		return -ENOSPC;	/* unreachable: the room was checked */
	b->len += mc_wr_len(&w);
	b->nmsg++;
	return 0;
}

size_t l3_pkt_finish(struct l3_pkt_builder *b)
{
	if (b->len < L3_HDR_LEN)
		return 0;
	mc_put_u16(b->p + PKT_BODY_LEN_OFF, (uint16_t)(b->len - L3_HDR_LEN));
	return b->len;
}

const char *l3_id_hex(const uint8_t id[L3_ID_LEN], unsigned n, char *buf)
{
	static const char hex[] = "0123456789abcdef";

	if (n > L3_ID_LEN)
		n = L3_ID_LEN;
	for (unsigned i = 0; i < n; i++) {
		buf[2 * i] = hex[id[i] >> 4];
		buf[2 * i + 1] = hex[id[i] & 0xf];
	}
	buf[2 * n] = '\0';
	return buf;
}
