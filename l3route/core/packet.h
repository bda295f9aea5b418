/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L3_PACKET_H
#define L3_PACKET_H

/*
 * l3route's wire format: the only place its layouts live. doc/l3route-wire.md
 * is the reference with byte tables. All integers are big-endian.
 *
 * A packet is one UDP datagram (port l3_port, default 6240) sent to
 * ff02::2 (or unicast to a neighbour's link-local address):
 *
 *   0  version u8 (L3_VERSION)    1  flags u8 (0; receivers ignore)
 *   2  body length u16 (bytes of TLVs after the header)
 *   4  sender node id [16]
 *   20 TLVs: type u8 | length u16 | body[length]
 *
 * Several messages ride in one packet (aggregation). A TLV of unknown type
 * is skipped by its length. Decoding goes through a cursor; nothing is cast.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define L3_VERSION 1
#define L3_ID_LEN 16		/* node id: BLAKE2b-128 of the ed25519 public key */
#define L3_ELEM_LEN 16		/* hash-chain element: BLAKE2b-128 */
#define L3_HDR_LEN 20
#define L3_TLV_HDR_LEN 3
/* Largest packet l3routed sends: 1280 (IPv6 minimum MTU) - 40 - 8. */
#define L3_PKT_MAX 1232
#define L3_METRIC_INF 0xffffffffu

enum l3_tlv_type {
	L3_TLV_PAD = 0,		/* any length, ignored */
	L3_TLV_HELLO = 1,
	L3_TLV_IHU = 2,
	L3_TLV_DESC = 3,	/* body: one signed description (desc.h) */
	L3_TLV_DESC_REQ = 4,
	L3_TLV_UPDATE = 5,
	L3_TLV_SEQNO_REQ = 6,
	L3_TLV_ROUTE_REQ = 7,
};

/* HELLO, 4 bytes: seqno u16 | interval u16 (centiseconds). */
#define L3_HELLO_LEN 4
struct l3_hello {
	uint16_t seqno;
	uint16_t interval_cs;
};

/* IHU, 20 bytes: rxq u8 | reserved u8 | interval u16 (cs) | neighbour id[16].
 * rxq: the share (0..255) of the neighbour's hellos the sender heard lately. */
#define L3_IHU_LEN 20
struct l3_ihu {
	uint8_t rxq;
	uint16_t interval_cs;
	uint8_t id[L3_ID_LEN];
};

/* DESC_REQ, 20 bytes: node id[16] | desc seqno u32 (wanted: this or newer). */
#define L3_DESC_REQ_LEN 20
struct l3_desc_req {
	uint8_t id[L3_ID_LEN];
	uint32_t dseq;
};

/*
 * UPDATE, 44 bytes: node id[16] | desc seqno u32 | seqno u16 | flags u8 |
 * hops u8 | metric u32 | chain element[16].
 * The route to node `id` as the sender has it: metric L3_METRIC_INF is a
 * retraction. `elem` proves `seqno` (chain.h) against the anchor in
 * description `dseq` of that node.
 */
#define L3_UPDATE_LEN 44
struct l3_update {
	uint8_t id[L3_ID_LEN];
	uint32_t dseq;
	uint16_t seqno;
	uint8_t flags;		/* 0 on send; ignored on receive */
	uint8_t hops;
	uint32_t metric;
	uint8_t elem[L3_ELEM_LEN];
};

/* SEQNO_REQ, 20 bytes: node id[16] | seqno u16 (wanted: this or newer) |
 * hop count u8 (forwarding budget) | reserved u8. */
#define L3_SEQNO_REQ_LEN 20
struct l3_seqno_req {
	uint8_t id[L3_ID_LEN];
	uint16_t seqno;
	uint8_t hops;
};

/* ROUTE_REQ: empty body = send me your whole table; 16 bytes = that node. */
struct l3_route_req {
	bool all;
	uint8_t id[L3_ID_LEN];
};

/* One decoded message. `desc`/`desc_len` point into the packet buffer. */
struct l3_msg {
	enum l3_tlv_type type;
	union {
		struct l3_hello hello;
		struct l3_ihu ihu;
		struct l3_desc_req desc_req;
		struct l3_update update;
		struct l3_seqno_req seqno_req;
		struct l3_route_req route_req;
		struct {
			const uint8_t *p;
			size_t len;
		} desc;
	} u;
};

struct l3_pkt_hdr {
	uint8_t version;
	uint8_t id[L3_ID_LEN];
};

/*
 * Decoding: l3_pkt_open() checks the header (version, body length within
 * len; trailing bytes beyond the body are ignored) and sets up the TLV
 * cursor; l3_pkt_next() yields the next known message: 1 with *m filled,
 * 0 at the end, a negative errno on a malformed TLV (truncated, or a known
 * type with a wrong length), after which the rest of the packet is dropped.
 * Unknown types and PAD are skipped and counted in it->unknown.
 */
struct l3_pkt_iter {
	const uint8_t *p;
	size_t len, off;
	unsigned unknown;
};

int l3_pkt_open(struct l3_pkt_iter *it, struct l3_pkt_hdr *h, const uint8_t *pkt,
		size_t len);
int l3_pkt_next(struct l3_pkt_iter *it, struct l3_msg *m);

/*
 * Encoding into a caller buffer of `cap` bytes (normally L3_PKT_MAX):
 * l3_pkt_init() writes the header, l3_pkt_add() appends one message and
 * returns 0 or -ENOSPC (the packet is unchanged: flush and start a new one),
 * l3_pkt_finish() fixes the body length and returns the packet length.
 */
struct l3_pkt_builder {
	uint8_t *p;
	size_t cap, len;
	unsigned nmsg;
};

void l3_pkt_init(struct l3_pkt_builder *b, uint8_t *buf, size_t cap,
		 const uint8_t id[L3_ID_LEN]);
int l3_pkt_add(struct l3_pkt_builder *b, const struct l3_msg *m);
size_t l3_pkt_finish(struct l3_pkt_builder *b);

/* Hex of an id's first `n` bytes (n <= 16) into buf (2n+1); returns buf. */
const char *l3_id_hex(const uint8_t id[L3_ID_LEN], unsigned n, char *buf);

#endif
