/* SPDX-License-Identifier: GPL-2.0-or-later */
/* common/json: the row builders' values as JSON text. */
#include <arpa/inet.h>

#include "common/json.h"
#include "tests/unit/check.h"

static const char *text(json_object *o)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return buf;
}

static void test_values(void)
{
	const uint8_t mac[6] = { 0x02, 0x5e, 0xab, 0, 1, 0xff };
	const uint8_t id[4] = { 0xde, 0xad, 0x0b, 0xef };
	struct in6_addr a;
	struct mc_ip ip;

	CHECK_STR(text(mc_json_str(NULL)), "\"\"");
	CHECK_STR(text(mc_json_str("x\"y")), "\"x\\\"y\"");
	CHECK_STR(text(mc_json_int(-5000000000LL)), "-5000000000");
	CHECK_STR(text(mc_json_bool(true)), "true");
	CHECK_STR(text(mc_json_mac(mac)), "\"02:5e:ab:00:01:ff\"");
	inet_pton(AF_INET6, "fe80::1:2", &a);
	CHECK_STR(text(mc_json_in6(&a)), "\"fe80::1:2\"");
	mc_ip_parse("10.13.0.0/16", &ip);
	CHECK_STR(text(mc_json_ip(&ip)), "\"10.13.0.0/16\"");
	CHECK_STR(text(mc_json_hex(id, 4)), "\"dead0bef\"");
	CHECK_STR(text(mc_json_hex(id, 0)), "\"\"");
}

static void test_rows(void)
{
	json_object *rows = json_object_new_array();
	json_object *r = mc_json_row(rows);

	mc_json_add(r, "a", mc_json_int(1));
	mc_json_add(mc_json_row(rows), "b", NULL);
	CHECK_STR(text(rows), "[{\"a\":1},{\"b\":null}]");
}

int main(void)
{
	RUN(test_values);
	RUN(test_rows);
	return check_exit();
}
