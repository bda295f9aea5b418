/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>

#include "tools/meshctl/table.h"
#include "tests/unit/check.h"

static char *render(const struct tbl_col *cols, unsigned n, const char *json)
{
	static char out[4096];
	json_object *rows = json_tokener_parse(json);
	FILE *f = fmemopen(out, sizeof(out), "w");

	tbl_print(f, cols, n, rows);
	fclose(f);
	json_object_put(rows);
	return out;
}

static void test_alignment(void)
{
	static const struct tbl_col cols[] = {
		{ "Originator", "orig", TBL_STR },
		{ "last-seen", "last_seen_ms", TBL_SECS },
		{ "(#/255)", "tq", TBL_TQ },
		{ "Nexthop", "nexthop", TBL_STR },
	};
	CHECK_STR(render(cols, 4,
		"[{\"orig\":\"02:5e:00:00:00:02\",\"last_seen_ms\":520,\"tq\":255,\"nexthop\":\"02:5e:00:00:00:02\"},"
		" {\"orig\":\"02:5e:00:00:00:03\",\"last_seen_ms\":12040,\"tq\":7,\"nexthop\":\"02:5e:00:00:00:02\"}]"),
		"Originator         last-seen  (#/255)  Nexthop\n"
		"02:5e:00:00:00:02     0.520s  (255)    02:5e:00:00:00:02\n"
		"02:5e:00:00:00:03    12.040s  (  7)    02:5e:00:00:00:02\n");
}

static void test_missing_and_nested(void)
{
	static const struct tbl_col cols[] = {
		{ "best", "best", TBL_BOOL_STAR },
		{ "name", "node.name", TBL_STR },
		{ "up", "uptime", TBL_DURATION },
	};
	CHECK_STR(render(cols, 3,
		"[{\"best\":true,\"node\":{\"name\":\"a\"},\"uptime\":90061},"
		" {\"best\":false,\"uptime\":59}, {\"node\":5}]"),
		"best  name  up\n"
		"*     a     1d01h01m\n"
		"      -          59s\n"
		"      -            -\n");
}

static void test_empty(void)
{
	static const struct tbl_col cols[] = { { "a", "a", TBL_INT }, { "bb", "b", TBL_INT } };

	CHECK_STR(render(cols, 2, "[]"), "a  bb\n");
	CHECK_STR(render(cols, 2, "{\"not\":\"an array\"}"), "a  bb\n");
}

int main(void)
{
	RUN(test_alignment);
	RUN(test_missing_and_nested);
	RUN(test_empty);
	return check_exit();
}
