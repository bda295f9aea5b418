/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The A.L.F.R.E.D. v0 codec against byte layouts written out by hand from
 * alfred's packet.h (packed structs, network-order lengths). */
#include <errno.h>
#include <string.h>

#include "leasesync/core/alfred.h"
#include "tests/unit/check.h"

static const uint8_t SRC[6] = { 0x02, 0x5e, 0x00, 0x00, 0x01, 0x01 };

static void test_fixed(void)
{
	uint8_t b[64];
	static const uint8_t ann[] = { 1, 0, 0, 0 };
	static const uint8_t req[] = { 2, 0, 0, 3, 66, 0x12, 0x34 };
	static const uint8_t end[] = { 3, 0, 0, 4, 0x12, 0x34, 0, 2 };
	static const uint8_t err[] = { 4, 0, 0, 4, 0x12, 0x34, 1, 0 };
	static const uint8_t ev[] = { 10, 0, 0, 7, 66, 0x02, 0x5e, 0, 0, 1, 1 };
	static const uint8_t ms[] = { 5, 0, 0, 1, 1 };

	CHECK_INT(ls_enc_announce(b), 4);
	CHECK(!memcmp(b, ann, 4));
	CHECK_INT(ls_enc_request(b, 66, 0x1234), 7);
	CHECK(!memcmp(b, req, 7));
	CHECK_INT(ls_enc_txend(b, 0x1234, 2), 8);
	CHECK(!memcmp(b, end, 8));
	CHECK_INT(ls_enc_error(b, 0x1234, 1), 8);
	CHECK(!memcmp(b, err, 8));
	CHECK_INT(ls_enc_event(b, 66, SRC), 11);
	CHECK(!memcmp(b, ev, 11));
	CHECK_INT(ls_enc_modeswitch(b, LS_MODE_PRIMARY), 5);
	CHECK(!memcmp(b, ms, 5));
}

static void test_push(void)
{
	uint8_t b[128];
	struct mc_wr w;
	struct ls_data d = { .type = 66, .version = 3, .len = 5, .data = (const uint8_t *)"hello" };
	static const uint8_t want[] = {
		0, 0, 0, 29, 0xab, 0xcd, 0, 7,
		0x02, 0x5e, 0, 0, 1, 1, 66, 3, 0, 5, 'h', 'e', 'l', 'l', 'o',
		0x02, 0x5e, 0, 0, 1, 1, 67, 0, 0, 0,
	};
	struct ls_msg m;
	struct mc_rd r;
	bool trunc = false;

	memcpy(d.source, SRC, 6);
	mc_wr_init(&w, b, sizeof(b));
	ls_push_begin(&w, 0xabcd, 7);
	CHECK_INT(ls_push_add(&w, &d), 0);
	d.type = 67;
	d.version = 0;
	d.len = 0;
	CHECK_INT(ls_push_add(&w, &d), 0);
	CHECK_INT(ls_push_end(&w), sizeof(want));
	CHECK(!memcmp(b, want, sizeof(want)));

	CHECK_INT(ls_msg_decode(b, 33, &m), 0);
	CHECK_INT(m.type, LS_PUSH_DATA);
	CHECK_INT(m.tx_id, 0xabcd);
	CHECK_INT(m.tx_seqno, 7);
	CHECK_INT(m.body_len, 25);
	CHECK_INT(m.len, 33);
	mc_rd_init(&r, m.body, m.body_len);
	CHECK_INT(ls_data_next(&r, &d, &trunc), 1);
	CHECK(!memcmp(d.source, SRC, 6) && d.type == 66 && d.version == 3 && d.len == 5);
	CHECK(!memcmp(d.data, "hello", 5));
	CHECK_INT(ls_data_next(&r, &d, &trunc), 1);
	CHECK(d.type == 67 && d.len == 0);
	CHECK_INT(ls_data_next(&r, &d, &trunc), 0);
	CHECK(!trunc);

	/* a block that claims more than is there ends the body */
	mc_rd_init(&r, m.body, 20);
	CHECK_INT(ls_data_next(&r, &d, &trunc), 1);
	CHECK_INT(ls_data_next(&r, &d, &trunc), 0);
	CHECK(trunc);

	/* a block that does not fit leaves the writer as it was */
	mc_wr_init(&w, b, 20);
	ls_push_begin(&w, 1, 0);
	d.len = 5;
	d.data = (const uint8_t *)"hello";
	CHECK_INT(ls_push_add(&w, &d), -ENOSPC);
	CHECK_INT(ls_push_end(&w), 8);
}

static void test_decode_errors(void)
{
	struct ls_msg m;
	uint8_t b[300] = { 2, 0, 0, 3, 66, 0, 1, 0xee };

	CHECK_INT(ls_msg_decode(b, 3, &m), -EMSGSIZE);
	CHECK_INT(ls_msg_decode(b, 6, &m), -EMSGSIZE);
	CHECK_INT(ls_msg_decode(b, 8, &m), 0);		/* a trailing byte is no part */
	CHECK_INT(m.len, 7);
	CHECK_INT(m.req_type, 66);
	CHECK_INT(m.tx_id, 1);
	b[1] = 1;
	CHECK_INT(ls_msg_decode(b, 8, &m), -EPROTO);
	b[1] = 0;
	b[0] = 11;
	CHECK_INT(ls_msg_decode(b, 8, &m), -ENOTSUP);
	b[0] = 2;
	b[3] = 2;
	CHECK_INT(ls_msg_decode(b, 8, &m), -EINVAL);	/* a request needs 3 */
	b[0] = LS_CHANGE_INTERFACE;
	b[2] = 1;
	b[3] = 0;		/* 256 bytes of names */
	CHECK_INT(ls_msg_decode(b, 260, &m), 0);
	CHECK_INT(m.body_len, LS_IFACES_LEN);
	CHECK_INT(ls_msg_decode(b, 259, &m), -EMSGSIZE);
	CHECK_INT(ls_msg_need(b, 3), 0);
	CHECK_INT(ls_msg_need(b, 4), 260);
}

static void test_server_status(void)
{
	uint8_t b[128];
	struct ls_iface_status ifs[] = { { "bat0", true } };
	size_t n = ls_enc_server_status(b, sizeof(b), LS_MODE_PRIMARY, ifs, 1, "none");

	CHECK_INT(n, 4 + 5 + 21 + 20);
	CHECK(b[0] == LS_SERVER_STATUS && b[1] == 0 && b[2] == 0 && b[3] == n - 4);
	CHECK(b[4] == 0 && b[7] == 1 && b[8] == LS_MODE_PRIMARY);		/* op mode */
	CHECK(b[9] == 1 && b[12] == 17 && !strcmp((char *)b + 13, "bat0") && b[29] == 1);
	CHECK(b[30] == 2 && b[33] == 16 && !strcmp((char *)b + 34, "none"));
	CHECK_INT(ls_enc_server_status(b, 40, LS_MODE_PRIMARY, ifs, 1, "none"), 0);
}

static void test_eui64(void)
{
	uint8_t ip[16], mac[6];
	static const uint8_t want[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
					  0x00, 0x5e, 0x00, 0xff, 0xfe, 0x00, 0x01, 0x01 };
	static const uint8_t mcast[6] = { 0x03, 0, 0, 0, 0, 1 };

	ls_mac_to_ipv6(SRC, ip);
	CHECK(!memcmp(ip, want, 16));
	CHECK(ls_ipv6_to_mac(ip, mac) && !memcmp(mac, SRC, 6));
	ip[12] = 0xfd;			/* a random interface id */
	CHECK(!ls_ipv6_to_mac(ip, mac));
	ls_mac_to_ipv6(mcast, ip);
	CHECK(!ls_ipv6_to_mac(ip, mac));	/* no valid MAC in it */
	CHECK(!ls_mac_valid((const uint8_t[6]){ 0 }));
	CHECK(ls_mac_valid(SRC));
}

int main(void)
{
	RUN(test_fixed);
	RUN(test_push);
	RUN(test_decode_errors);
	RUN(test_server_status);
	RUN(test_eui64);
	return check_exit();
}
