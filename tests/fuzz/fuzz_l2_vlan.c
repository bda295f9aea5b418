/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VLAN interfaces' tag handling (l2_vlan_pop, l2_vlan_push; used by
 * l2mesh/shell/vport.c on every frame between a port and a PORT_VID
 * TAP). Input: byte 0 picks whether the tag is in the frame and whether
 * a checksum offset comes along, bytes 1-2 that offset, the rest the
 * frame. Each result is checked byte for byte against the input, and a
 * frame pushed then popped must come back as it was.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "l2mesh/core/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) abort(); } while (0)
#define FRAME_MAX 9216

static uint8_t buf[FRAME_MAX + 4], again[FRAME_MAX + 4];

static void check_pop(const uint8_t *f, size_t n, bool in_frame, bool csum, uint16_t cs0)
{
	uint16_t cs = cs0;
	size_t start = 99;
	long len;

	memcpy(buf, f, n);
	len = l2_vlan_pop(buf, n, in_frame, csum ? &cs : NULL, &start);
	if (!in_frame) {	/* the kernel took the tag: nothing moves */
		ENSURE(len == (n < L2_ETH_HLEN ? -1 : (long)n) && start == 0 && cs == cs0);
		ENSURE(!memcmp(buf, f, n));
		return;
	}
	if (n < L2_ETH_HLEN + 4) {
		ENSURE(len == -1 && cs == cs0 && !memcmp(buf, f, n));
		return;
	}
	ENSURE(len == (long)n - 4 && start == 4);
	ENSURE(!memcmp(buf + 4, f, 12));			/* the addresses */
	ENSURE(!memcmp(buf + 16, f + 16, n - 16));		/* the rest, in place */
	ENSURE(cs == (csum && cs0 >= 16 ? cs0 - 4 : cs0));
}

static void check_push(const uint8_t *f, size_t n, bool csum, uint16_t cs0, uint16_t vid)
{
	uint16_t cs = cs0, cs2;
	size_t start;
	long len, back;

	memcpy(buf + 4, f, n);
	len = l2_vlan_push(buf, n, vid, csum ? &cs : NULL);
	if (n < L2_ETH_HLEN) {
		ENSURE(len == -1 && cs == cs0);
		return;
	}
	ENSURE(len == (long)n + 4);
	ENSURE(!memcmp(buf, f, 12));
	ENSURE(buf[12] == 0x88 && buf[13] == 0xa8);
	ENSURE(((uint16_t)(buf[14] << 8 | buf[15])) == (vid & 0x0fff));
	ENSURE(!memcmp(buf + 16, f + 12, n - 12));
	ENSURE(cs == (csum && cs0 >= 12 && cs0 <= UINT16_MAX - 4 ? cs0 + 4 : cs0));
	/* and back */
	memcpy(again, buf, (size_t)len);
	cs2 = cs;
	back = l2_vlan_pop(again, (size_t)len, true, csum ? &cs2 : NULL, &start);
	ENSURE(back == (long)n && !memcmp(again + start, f, n));
	ENSURE(!csum || cs0 > UINT16_MAX - 4 || cs2 == cs0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t cs, vid;
	size_t n;

	if (size < 3)
		return 0;
	cs = (uint16_t)(data[1] << 8 | data[2]);
	vid = (uint16_t)(data[1] << 8 | data[0]);
	data += 3;
	n = size - 3 > FRAME_MAX ? FRAME_MAX : size - 3;
	check_pop(data, n, data[-3] & 1, data[-3] & 2, cs);
	check_push(data, n, data[-3] & 2, cs, vid);
	return 0;
}
