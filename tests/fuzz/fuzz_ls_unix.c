/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What leasesyncd reads from others but the network: a request on the
 * alfred unix socket (ls_msg_decode and the data blocks of a PUSH_DATA,
 * as leasesync/shell/unix.c takes them) and a line of its state file
 * (lsd_keep_parse). The first input byte picks which:
 *   even  the rest is a unix-socket message: it decodes within its bytes,
 *         its TLV length is what ls_msg_need said, a PUSH_DATA's blocks
 *         stay inside its body;
 *   odd   the rest is a line of leasesyncd.records: a line that parses
 *         gives a valid source MAC, and writing the record back the way
 *         keep.c does parses to the same record.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "leasesync/core/alfred.h"
#include "leasesync/shell/leasesyncd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) { \
	fprintf(stderr, "fuzz_ls_unix.c:%d: %s\n", __LINE__, #c); abort(); } } while (0)

static void unix_msg(const uint8_t *p, size_t n)
{
	struct ls_msg m;
	int rc = ls_msg_decode(p, n, &m);

	if (rc < 0)
		return;
	ENSURE(m.len <= n && m.len == ls_msg_need(p, n));
	if (m.body)
		ENSURE(m.body >= p && m.body + m.body_len <= p + m.len);
	if (m.type == LS_PUSH_DATA) {
		struct mc_rd r;
		struct ls_data d;
		size_t sum = 0;

		mc_rd_init(&r, m.body, m.body_len);
		while (ls_data_next(&r, &d, NULL)) {
			ENSURE(d.data >= m.body && d.data + d.len <= m.body + m.body_len);
			sum += LS_DATA_HDR + d.len;
		}
		ENSURE(sum <= m.body_len);
	}
}

static void state_line(const uint8_t *p, size_t n)
{
	char *line = malloc(n + 1), *again;
	static uint8_t d1[70000], d2[70000];
	uint8_t s1[6], s2[6], t1, t2, v1, v2;
	size_t l1, l2, o = 0;
	char mac[MC_MAC_STRLEN];

	memcpy(line, p, n);
	line[n] = 0;
	if (lsd_keep_parse(line, s1, &t1, &v1, d1, sizeof(d1), &l1) < 0) {
		free(line);
		return;
	}
	ENSURE(ls_mac_valid(s1));
	again = malloc(64 + 2 * l1);
	o = (size_t)sprintf(again, "%s %u %u ", mc_mac_format(s1, mac, sizeof(mac)), t1, v1);
	for (size_t i = 0; i < l1; i++)
		o += (size_t)sprintf(again + o, "%02x", d1[i]);
	strcpy(again + o, "\n");
	ENSURE(lsd_keep_parse(again, s2, &t2, &v2, d2, sizeof(d2), &l2) == 0);
	ENSURE(!memcmp(s1, s2, 6) && t1 == t2 && v1 == v2 && l1 == l2 && !memcmp(d1, d2, l1));
	free(again);
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 1)
		state_line(data + 1, size - 1);
	else
		unix_msg(data + 1, size - 1);
	return 0;
}
