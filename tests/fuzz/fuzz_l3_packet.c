/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz the l3route packet codec with whole UDP payloads. Every message
 * that decodes is encoded again on its own and must (a) give back the
 * input TLV bytes, reserved bytes aside, and (b) decode to the same
 * values. DESC bodies also go through the description parser, which must
 * answer 0 or one of its two errors. Any difference abort()s.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "l3route/core/desc.h"
#include "l3route/core/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) abort(); } while (0)

/* TLV offsets of reserved bytes the encoder writes as zero */
#define IHU_RSV_OFF (L3_TLV_HDR_LEN + 1)
#define SEQNO_REQ_RSV_OFF (L3_TLV_HDR_LEN + L3_SEQNO_REQ_LEN - 1)

static void same_msg(const struct l3_msg *a, const struct l3_msg *b)
{
	ENSURE(a->type == b->type);
	switch (a->type) {
	case L3_TLV_HELLO:
		ENSURE(a->u.hello.seqno == b->u.hello.seqno);
		ENSURE(a->u.hello.interval_cs == b->u.hello.interval_cs);
		break;
	case L3_TLV_IHU:
		ENSURE(a->u.ihu.rxq == b->u.ihu.rxq);
		ENSURE(a->u.ihu.interval_cs == b->u.ihu.interval_cs);
		ENSURE(!memcmp(a->u.ihu.id, b->u.ihu.id, L3_ID_LEN));
		break;
	case L3_TLV_DESC:
		ENSURE(a->u.desc.len == b->u.desc.len);
		ENSURE(!memcmp(a->u.desc.p, b->u.desc.p, a->u.desc.len));
		break;
	case L3_TLV_DESC_REQ:
		ENSURE(a->u.desc_req.dseq == b->u.desc_req.dseq);
		ENSURE(!memcmp(a->u.desc_req.id, b->u.desc_req.id, L3_ID_LEN));
		break;
	case L3_TLV_UPDATE:
		ENSURE(!memcmp(&a->u.update, &b->u.update, sizeof(a->u.update)));
		break;
	case L3_TLV_SEQNO_REQ:
		ENSURE(a->u.seqno_req.seqno == b->u.seqno_req.seqno);
		ENSURE(a->u.seqno_req.hops == b->u.seqno_req.hops);
		ENSURE(!memcmp(a->u.seqno_req.id, b->u.seqno_req.id, L3_ID_LEN));
		break;
	case L3_TLV_ROUTE_REQ:
		ENSURE(a->u.route_req.all == b->u.route_req.all);
		ENSURE(!memcmp(a->u.route_req.id, b->u.route_req.id, L3_ID_LEN));
		break;
	default:
		abort();	/* next() yielded a type it does not decode */
	}
}

/* The input TLV ends at `end` in the body; tlv_len comes from the re-encoding. */
static void same_bytes(const struct l3_pkt_iter *it, size_t end,
		       const uint8_t *tlv, size_t tlv_len, enum l3_tlv_type type)
{
	uint8_t want[L3_TLV_HDR_LEN + L3_DESC_MAX];

	ENSURE(tlv_len <= sizeof(want) && tlv_len <= end);
	memcpy(want, it->p + end - tlv_len, tlv_len);
	if (type == L3_TLV_IHU)
		want[IHU_RSV_OFF] = 0;
	if (type == L3_TLV_SEQNO_REQ)
		want[SEQNO_REQ_RSV_OFF] = 0;
	ENSURE(!memcmp(want, tlv, tlv_len));
}

static void fuzz_desc(const struct l3_msg *m)
{
	struct l3_desc d;
	int rc = l3_desc_parse(m->u.desc.p, m->u.desc.len, &d);

	ENSURE(rc == 0 || rc == -EBADMSG || rc == -EKEYREJECTED);
}

static void reencode(const struct l3_pkt_iter *it, const struct l3_pkt_hdr *h,
		     const struct l3_msg *m)
{
	uint8_t buf[L3_PKT_MAX];
	struct l3_pkt_builder b;
	struct l3_pkt_iter it2;
	struct l3_pkt_hdr h2;
	struct l3_msg m2;
	size_t len;

	l3_pkt_init(&b, buf, sizeof(buf), h->id);
	ENSURE(l3_pkt_add(&b, m) == 0);	/* anything decoded fits a packet */
	len = l3_pkt_finish(&b);
	same_bytes(it, it->off, buf + L3_HDR_LEN, len - L3_HDR_LEN, m->type);
	ENSURE(l3_pkt_open(&it2, &h2, buf, len) == 0);
	ENSURE(!memcmp(h->id, h2.id, L3_ID_LEN));
	ENSURE(l3_pkt_next(&it2, &m2) == 1);
	same_msg(m, &m2);
	ENSURE(l3_pkt_next(&it2, &m2) == 0 && it2.unknown == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct l3_pkt_iter it;
	struct l3_pkt_hdr h;
	struct l3_msg m;
	int rc;

	rc = l3_pkt_open(&it, &h, data, size);
	if (rc < 0) {
		ENSURE(rc == -EBADMSG || rc == -EPROTONOSUPPORT);
		return 0;
	}
	ENSURE(it.len <= size - L3_HDR_LEN);
	while ((rc = l3_pkt_next(&it, &m)) == 1) {
		ENSURE(it.off <= it.len);
		reencode(&it, &h, &m);
		if (m.type == L3_TLV_DESC)
			fuzz_desc(&m);
	}
	ENSURE(rc == 0 || rc == -EBADMSG);
	ENSURE(l3_pkt_next(&it, &m) == 0);	/* stays at the end */
	return 0;
}
