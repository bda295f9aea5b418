/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TCP segmentation and coalescing (l2mesh/core/offload.c, used by
 * l2mesh/shell/ports.c on every super-frame from a LAN port and every
 * TCP segment delivered to one). Input: byte 0 picks the segment size,
 * the rest is the frame. A frame the parser takes is cut into segments
 * that must each parse with a right checksum and carry the next slice of
 * the payload; joined again they must give the frame back but for its
 * checksums, which must then hold.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "l2mesh/core/offload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) abort(); } while (0)
#define ROOM 4096

static uint8_t frame[65536], join[65536 + ROOM], seg_buf[ROOM];
static struct l2_tcp_seg whole, head;
static size_t at, expect;
static unsigned mss;
static long nseg;
static bool joinable;	/* segments of this frame may be joined again */

static bool take(void *arg, uint8_t *seg, size_t len)
{
	struct l2_tcp_seg s;
	size_t pl;

	(void)arg;
	ENSURE(l2_tcp_parse(seg, len, &s) == 0);
	ENSURE(s.end == len && s.hdr_len == whole.hdr_len);
	ENSURE(l2_tcp_csum_ok(seg, &s));
	pl = l2_tcp_payload(&s);
	ENSURE(pl <= mss && pl <= (size_t)(whole.end - expect));
	ENSURE(memcmp(seg + s.hdr_len, frame + expect, pl) == 0);
	ENSURE(s.seq == whole.seq + (uint32_t)(expect - whole.hdr_len));
	if (nseg++ == 0) {
		memcpy(join, seg, len);
		at = len;
		head = s;
	} else {
		ENSURE(pl > 0);
		ENSURE(l2_tcp_follows(join, &head, seg, &s) == joinable);
		memcpy(join + at, seg + s.hdr_len, pl);
		at += pl;
	}
	expect += pl;
	if (expect == whole.end)
		l2_tcp_super_fix(join, &head, at, s.flags);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long n;

	if (size < 2 || size - 1 > sizeof(frame))
		return 0;
	mss = 1 + (unsigned)(data[0] % 64) * 23;
	size--;
	memcpy(frame, data + 1, size);
	if (l2_tcp_parse(frame, size, &whole) < 0)
		return 0;
	l2_tcp_csum_ok(frame, &whole);
	joinable = (whole.v6 || (frame[whole.l3 + 6] & 0x40)) &&
		   !(whole.flags & (L2_TCP_SYN | L2_TCP_RST | L2_TCP_URG));
	nseg = 0;
	expect = whole.hdr_len;
	n = l2_tcp_segment(frame, size, mss, seg_buf, sizeof(seg_buf), take, NULL);
	if (n < 0)
		return 0;
	ENSURE(n == nseg && expect == whole.end && at == whole.end);
	if (!joinable && n > 1)
		return 0;
	ENSURE(l2_csum_complete(join, at, head.l4, 16) == 0);
	head.end = (uint16_t)at;
	ENSURE(l2_tcp_csum_ok(join, &head));
	/* all but the checksums as they came */
	if (!whole.v6) {
		memcpy(join + whole.l3 + 10, frame + whole.l3 + 10, 2);
		/* the DF-less IPv4 case keeps its IDs, joined or not */
	}
	memcpy(join + whole.l4 + 16, frame + whole.l4 + 16, 2);
	/* CWR: the first segment keeps it, the join with it */
	ENSURE(memcmp(join, frame, whole.end) == 0);
	return 0;
}
