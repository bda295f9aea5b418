/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <sys/socket.h>

#include "common/addr.h"
#include "common/buf.h"
#include "common/log.h"
#include "tests/unit/check.h"

static void test_rd_values(void)
{
	static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
				     0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
				     0x11, 0x12, 0x13 };
	struct mc_rd r;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	mc_rd_init(&r, b, sizeof(b));
	CHECK_INT(mc_rd_u8(&r, &u8), 0);
	CHECK_INT(u8, 0x01);
	CHECK_INT(mc_rd_u16(&r, &u16), 0);
	CHECK_INT(u16, 0x0203);
	CHECK_INT(mc_rd_u32(&r, &u32), 0);
	CHECK_INT(u32, 0x04050607);
	CHECK_INT(mc_rd_u64(&r, &u64), 0);
	CHECK(u64 == 0x08090a0b0c0d0e0full);
	CHECK_INT(mc_rd_u16_le(&r, &u16), 0);
	CHECK_INT(u16, 0x1110);
	CHECK_INT(mc_rd_left(&r), 2);
	CHECK(mc_rd_ok(&r));
}

static void test_rd_underrun_sticky(void)
{
	static const uint8_t b[] = { 0xaa, 0xbb, 0xcc };
	struct mc_rd r;
	uint32_t u32 = 1;
	uint8_t u8 = 1;

	mc_rd_init(&r, b, sizeof(b));
	CHECK_INT(mc_rd_u32(&r, &u32), -EMSGSIZE);
	CHECK_INT(u32, 0);
	CHECK(!mc_rd_ok(&r));
	/* sticky: even a read that would fit fails now, and yields zero */
	CHECK_INT(mc_rd_u8(&r, &u8), -EMSGSIZE);
	CHECK_INT(u8, 0);
	CHECK_INT(mc_rd_left(&r), 0);
}

static void test_rd_sub_and_ptr(void)
{
	static const uint8_t b[] = { 3, 'a', 'b', 'c', 9 };
	struct mc_rd r, sub;
	const uint8_t *p;
	uint8_t n, x;

	mc_rd_init(&r, b, sizeof(b));
	mc_rd_u8(&r, &n);
	CHECK_INT(mc_rd_sub(&r, &sub, n), 0);
	CHECK_INT(mc_rd_ptr(&sub, &p, 3), 0);
	CHECK(p[0] == 'a' && p[2] == 'c');
	CHECK_INT(mc_rd_u8(&sub, &x), -EMSGSIZE);	/* the sub-reader ends at its length */
	CHECK(mc_rd_ok(&r));			/* ...without touching the parent */
	CHECK_INT(mc_rd_u8(&r, &x), 0);
	CHECK_INT(x, 9);
	mc_rd_init(&r, b, sizeof(b));
	CHECK_INT(mc_rd_sub(&r, &sub, 6), -EMSGSIZE);
	CHECK(!mc_rd_ok(&sub));
	CHECK_INT(mc_rd_skip(&r, 1), -EMSGSIZE);	/* parent went sticky */
	/* length arithmetic never wraps: a huge n fails */
	mc_rd_init(&r, b, sizeof(b));
	CHECK_INT(mc_rd_skip(&r, (size_t)-1), -EMSGSIZE);
}

static void test_wr(void)
{
	uint8_t b[8], *len;
	struct mc_wr w;

	mc_wr_init(&w, b, sizeof(b));
	CHECK_INT(mc_wr_u8(&w, 0x11), 0);
	CHECK_INT(mc_wr_reserve(&w, &len, 2), 0);
	CHECK_INT(mc_wr_u32(&w, 0xdeadbeef), 0);
	mc_put_u16(len, 4);
	CHECK_INT(mc_wr_len(&w), 7);
	CHECK(b[0] == 0x11 && b[1] == 0 && b[2] == 4 && b[3] == 0xde && b[6] == 0xef);
	CHECK_INT(mc_wr_u16(&w, 1), -EMSGSIZE);	/* 7 + 2 > 8 */
	CHECK(!mc_wr_ok(&w));
	CHECK_INT(mc_wr_u8(&w, 1), -EMSGSIZE);	/* sticky */
	CHECK_INT(mc_wr_len(&w), 7);
	mc_wr_init(&w, b, sizeof(b));
	CHECK_INT(mc_wr_u32_le(&w, 0x01020304), 0);
	CHECK(b[0] == 4 && b[3] == 1);
	CHECK_INT(mc_wr_zero(&w, 4), 0);
	CHECK_INT(mc_wr_bytes(&w, "x", 1), -EMSGSIZE);
}

static void test_ip(void)
{
	struct mc_ip ip;
	char s[MC_IP_STRLEN];

	CHECK_INT(mc_ip_parse("10.13.0.1/16", &ip), 0);
	CHECK_INT(ip.family, AF_INET);
	CHECK_INT(ip.plen, 16);
	CHECK_STR(mc_ip_format(&ip, s, sizeof(s)), "10.13.0.1/16");
	mc_ip_mask(&ip);
	CHECK_STR(mc_ip_format(&ip, s, sizeof(s)), "10.13.0.0/16");
	CHECK_INT(mc_ip_parse("fd0d:fe46:8ce8::1", &ip), 0);
	CHECK_INT(ip.plen, 128);
	CHECK_STR(mc_ip_format(&ip, s, sizeof(s)), "fd0d:fe46:8ce8::1");
	CHECK_INT(mc_ip_parse("fd0d:fe46:8ce8::1/61", &ip), 0);
	mc_ip_mask(&ip);
	CHECK_STR(mc_ip_format(&ip, s, sizeof(s)), "fd0d:fe46:8ce8::/61");
	CHECK_INT(mc_ip_parse("10.0.0.1/33", &ip), -EINVAL);
	CHECK_INT(mc_ip_parse("10.0.0.1/", &ip), -EINVAL);
	CHECK_INT(mc_ip_parse("10.0.0.1/-1", &ip), -EINVAL);
	CHECK_INT(mc_ip_parse("10.0.0/8", &ip), -EINVAL);
	CHECK_INT(mc_ip_parse("", &ip), -EINVAL);
	CHECK_INT(mc_ip_parse("::1/129", &ip), -EINVAL);
}

static void test_mac(void)
{
	uint8_t m[6];
	char s[MC_MAC_STRLEN];

	CHECK_INT(mc_mac_parse("aa:aa:aa:0d:FE:aa", m), 0);
	CHECK_STR(mc_mac_format(m, s, sizeof(s)), "aa:aa:aa:0d:fe:aa");
	CHECK_INT(mc_mac_parse("aa:aa:aa:0d:fe", m), -EINVAL);
	CHECK_INT(mc_mac_parse("aa:aa:aa:0d:fe:aa:", m), -EINVAL);
	CHECK_INT(mc_mac_parse("aa:aa:aa:0d:fe:ag", m), -EINVAL);
	CHECK_INT(mc_mac_parse("aaa:aa:aa:0d:fe:a", m), -EINVAL);
}

static void test_log_categories(void)
{
	uint32_t m;
	char s[128];

	CHECK_INT(mc_log_debug_parse("batman,tt", &m), 0);
	CHECK_INT(m, MC_DBG_BATMAN | MC_DBG_TT);
	CHECK_STR(mc_log_debug_format(m, s, sizeof(s)), "batman,tt");
	CHECK_INT(mc_log_debug_parse("all", &m), 0);
	CHECK_INT(m, MC_DBG_ALL);
	CHECK_INT(mc_log_debug_parse("none", &m), 0);
	CHECK_INT(m, 0);
	CHECK_INT(mc_log_debug_parse("batman,bogus", &m), -EINVAL);
	CHECK_INT(mc_log_debug_parse("", &m), 0);
	CHECK_INT(m, 0);
}

static void test_ratelimit(void)
{
	struct mc_ratelimit rl = MC_RATELIMIT_INIT(1000, 2);
	unsigned sup = 99;

	CHECK(mc_ratelimit_ok(&rl, 5000, &sup));
	CHECK_INT(sup, 0);
	CHECK(mc_ratelimit_ok(&rl, 5001, &sup));
	CHECK(!mc_ratelimit_ok(&rl, 5002, &sup));
	CHECK(!mc_ratelimit_ok(&rl, 5003, &sup));
	CHECK(mc_ratelimit_ok(&rl, 6001, &sup));
	CHECK_INT(sup, 2);	/* the next line that passes reports the skipped */
}

int main(void)
{
	RUN(test_rd_values);
	RUN(test_rd_underrun_sticky);
	RUN(test_rd_sub_and_ptr);
	RUN(test_wr);
	RUN(test_ip);
	RUN(test_mac);
	RUN(test_log_categories);
	RUN(test_ratelimit);
	return check_exit();
}
