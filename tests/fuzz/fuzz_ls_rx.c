/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The leasesync core's receive path (leasesync/core/ls.c: ls_rx and the
 * A.L.F.R.E.D. decoder under it) on a node with small caps, fed sequences
 * of datagrams from four peers and of local work.
 *
 * An input is a sequence of records, each one opcode byte and then:
 *   op & 7 == 0..3  a datagram from peer op & 3 (peers 0..2 have EUI-64
 *                   link-local addresses, 3 has a random one): len(2, BE),
 *                   bytes; with op & 0x80 the harness builds a PUSH_DATA
 *                   (tx id byte, seqno byte, then blocks from the bytes) or,
 *                   with op & 0x40 too, a TXEND (id byte, count byte)
 *   op & 7 == 4     time passes: ms(2, BE) * 10, then ls_tick
 *   op & 7 == 5     a local record: type byte, len(2, BE), bytes
 *   op & 7 == 6     a client request: type byte (clients 1..4 by op >> 4)
 *   op & 7 == 7     primary or secondary by op >> 3 & 1; a client goes
 *
 * Checked (abort() on failure): every datagram the node sends decodes and
 * is a type the network carries, its data blocks parse to the end, and a
 * push fits LS_MAX_PAYLOAD; the record counts per type add up to the
 * total, the bytes to ls_bytes, and the caps hold; every pending request
 * ends once, and one that was never pending never ends; ls_tick returns
 * no time in the past.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "leasesync/core/alfred.h"
#include "leasesync/core/ls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) { \
	fprintf(stderr, "fuzz_ls_rx.c:%d: %s\n", __LINE__, #c); abort(); } } while (0)

static const uint8_t MAC[6] = { 0x02, 0x5e, 0, 0, 1, 1 };
static uint32_t rnd;
static int pending[5];		/* per client: 1 pending, 0 not */

static void env_send(void *user, const uint8_t *dst, const uint8_t *p, size_t len)
{
	struct ls_msg m;

	ENSURE(len <= LS_MAX_PAYLOAD);
	ENSURE(ls_msg_decode(p, len, &m) == 0 && m.len == len);
	ENSURE(m.type <= LS_STATUS_TXEND);
	if (dst)
		ENSURE(dst[0] == 0xfe && dst[1] == 0x80);
	else
		ENSURE(m.type == LS_ANNOUNCE_PRIMARY);
	if (m.type == LS_PUSH_DATA) {
		struct mc_rd r;
		struct ls_data d;
		bool trunc = false;
		unsigned n = 0;

		mc_rd_init(&r, m.body, m.body_len);
		while (ls_data_next(&r, &d, &trunc))
			n++;
		ENSURE(!trunc && mc_rd_left(&r) == 0 && n > 0);
	}
}

static uint32_t env_rand(void *user)
{
	rnd = rnd * 1664525u + 1013904223u;
	return rnd;
}

static void env_done(void *user, void *client, bool ok)
{
	uintptr_t c = (uintptr_t)client;

	ENSURE(c >= 1 && c <= 4 && pending[c] == 1);
	pending[c] = 0;
}

struct tally {
	unsigned n, per[256];
	size_t bytes;
	uint32_t maxlen;
};

static int count(const struct ls_rec *r, void *user)
{
	struct tally *t = user;

	t->n++;
	t->per[r->type]++;
	t->bytes += r->len;
	ENSURE(r->len <= t->maxlen);
	ENSURE(r->origin <= LS_SYNCED);
	return 0;
}

static void check(const struct ls_node *n, const struct ls_config *c)
{
	struct tally t = { .maxlen = c->max_record_len };

	ls_foreach(n, -1, count, &t);
	ENSURE(t.n == ls_count(n, -1) && t.bytes == ls_bytes(n));
	ENSURE(t.n <= c->max_records);
	for (unsigned i = 0; i < 256; i++) {
		ENSURE(t.per[i] == ls_count(n, (int)i));
		ENSURE(t.per[i] <= c->max_per_type);
	}
}

static void peer_ip(unsigned k, uint8_t ip[16])
{
	const uint8_t mac[6] = { 0x02, 0x5e, 0, 0, 2, (uint8_t)k };

	ls_mac_to_ipv6(mac, ip);
	if (k == 3)
		ip[12] = 0x77;		/* not EUI-64 */
}

/* A PUSH_DATA from bytes: id, seqno, then blocks of (source pick, type,
 * len byte, data). */
static size_t build_push(const uint8_t *p, size_t len, uint8_t *out, size_t cap)
{
	struct mc_wr w;
	struct mc_rd r;
	uint8_t id = 0, seq = 0;

	mc_rd_init(&r, p, len);
	mc_rd_u8(&r, &id);
	mc_rd_u8(&r, &seq);
	mc_wr_init(&w, out, cap);
	ls_push_begin(&w, id, seq);
	while (mc_rd_left(&r) >= 3) {
		struct ls_data d;
		uint8_t pick, type, dl;

		mc_rd_u8(&r, &pick);
		mc_rd_u8(&r, &type);
		mc_rd_u8(&r, &dl);
		memcpy(d.source, (const uint8_t[6]){ 0x02, 0x5e, 0, 0, 2, (uint8_t)(pick & 3) }, 6);
		if (pick & 4)
			memcpy(d.source, MAC, 6);	/* our own source */
		d.type = type;
		d.version = pick >> 4;
		d.len = dl < mc_rd_left(&r) ? dl : (uint16_t)mc_rd_left(&r);
		d.data = mc_rd_cur(&r);
		mc_rd_skip(&r, d.len);
		if (ls_push_add(&w, &d) < 0)
			break;
	}
	return ls_push_end(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ls_config c;
	struct ls_env env = { .send = env_send, .rand = env_rand, .request_done = env_done };
	struct ls_node *n;
	struct mc_rd r;
	uint64_t now = 1000000;
	static uint8_t buf[4096];

	rnd = 1;
	memset(pending, 0, sizeof(pending));
	ls_config_defaults(&c, MAC);
	c.max_records = 24;
	c.max_per_type = 6;
	c.max_per_source = 4;
	c.max_record_len = 300;
	c.max_peers = 3;
	c.max_tx = 4;
	c.max_tx_bytes = 8192;
	c.peer_burst = 32;
	ENSURE(ls_new(&n, &c, &env, now) == 0);
	mc_rd_init(&r, data, size);
	while (mc_rd_left(&r)) {
		uint8_t op, b = 0, ip[16];
		uint16_t len = 0;
		const uint8_t *p;
		size_t plen;
		uint64_t next;

		mc_rd_u8(&r, &op);
		switch (op & 7) {
		case 0: case 1: case 2: case 3:
			peer_ip(op & 3, ip);
			mc_rd_u16(&r, &len);
			plen = len < mc_rd_left(&r) ? len : mc_rd_left(&r);
			p = mc_rd_cur(&r);
			mc_rd_skip(&r, plen);
			if (op & 0x80 && op & 0x40) {
				uint8_t end[8];

				ls_rx(n, now, ip, end, ls_enc_txend(end, plen ? p[0] : 0,
								   plen > 1 ? p[1] : 0));
			} else if (op & 0x80) {
				size_t bl = build_push(p, plen, buf, sizeof(buf));

				if (bl)
					ls_rx(n, now, ip, buf, bl);
			} else {
				ls_rx(n, now, ip, p, plen);
			}
			break;
		case 4:
			mc_rd_u16(&r, &len);
			now += (uint64_t)len * 10;
			next = ls_tick(n, now);
			ENSURE(next >= now);
			break;
		case 5:
			mc_rd_u8(&r, &b);
			mc_rd_u16(&r, &len);
			plen = len < mc_rd_left(&r) ? len : mc_rd_left(&r);
			p = mc_rd_cur(&r);
			mc_rd_skip(&r, plen);
			ls_set(n, now, (op & 8) ? (const uint8_t[6]){ 0x02, 0x5e, 0, 0, 2, 1 } : NULL,
			       b, op >> 4, p, plen);
			break;
		case 6: {
			uintptr_t cl = 1 + ((op >> 4) & 3);

			mc_rd_u8(&r, &b);
			if (pending[cl])
				break;
			if (ls_request(n, now, b, (uint16_t)(op << 8 | b), (void *)cl) == 0)
				pending[cl] = 1;
			break;
		}
		default: {
			uintptr_t cl = 1 + ((op >> 4) & 3);

			ls_set_primary(n, now, op >> 3 & 1);
			if (op & 0x40 && pending[cl]) {
				ls_client_gone(n, (void *)cl);
				pending[cl] = 0;
			}
			break;
		}
		}
		check(n, &c);
	}
	/* every pending request ends within the transaction timeout */
	for (int i = 0; i < 3; i++) {
		now += c.tx_timeout_ms;
		ls_tick(n, now);
	}
	for (int i = 1; i <= 4; i++)
		ENSURE(!pending[i]);
	ls_free(n);
	return 0;
}
