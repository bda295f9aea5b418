/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mc_conf_edit_set (common/conf_edit.c): the exact text it writes, and
 * that what it writes loads with the real config loader and reads back
 * the value set (the round trip webuid's settings depend on).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/conf_edit.h"
#include "schemas/schemas.h"
#include "tests/unit/check.h"

static const uint8_t MAC[6] = { 0x02, 0x00, 0x00, 0x0a, 0x0b, 0x0c };

/* text with one option set (value NULL: removed); "" after a failure */
static char *edit(const char *text, const char *type, const char *name, const char *opt,
		  const char *value)
{
	char *out = NULL;
	int rc = mc_conf_edit_set(&out, text, strlen(text), type, name, opt, value);

	CHECK_INT(rc, 0);
	CHECK(out != NULL);
	return out ? out : strdup("");
}

/* the value opt of section sec has when text loads; NULL when it does not */
static char *loaded(const char *text, const char *sec, const char *opt)
{
	struct mc_conf *c = NULL;
	const char *v;
	char *dup;

	if (mc_conf_load_string(&c, sm_conf_schema(), "t.conf", text, strlen(text), MAC,
				stderr))
		return NULL;
	v = mc_conf_get_str(mc_conf_section(c, sec), opt);
	dup = strdup(v ? v : "(unset)");
	mc_conf_free(c);
	return dup;
}

static void check_loads(const char *text, const char *sec, const char *opt,
			const char *want)
{
	char *v = loaded(text, sec, opt);

	CHECK_STR(v, want);
	free(v);
}

/* setting the same again changes nothing */
static void check_idempotent(const char *text, const char *type, const char *name,
			     const char *opt, const char *value)
{
	char *once = edit(text, type, name, opt, value);
	char *twice = edit(once, type, name, opt, value);

	CHECK_STR(twice, once);
	free(once);
	free(twice);
}

static void test_replace(void)
{
	static const char in[] =
		"# node file\n"
		"config lime 'system'\n"
		"    option hostname 'old'   # set by hand\n"
		"\toption log_level 'info'\n"
		"\n"
		"config lime 'network'\n"
		"\toption ap_ssid 'x'\n";
	static const char want[] =
		"# node file\n"
		"config lime 'system'\n"
		"    option hostname 'new-1'\n"
		"\toption log_level 'info'\n"
		"\n"
		"config lime 'network'\n"
		"\toption ap_ssid 'x'\n";
	char *out = edit(in, "lime", "system", "hostname", "new-1");

	CHECK_STR(out, want);
	check_loads(out, "system", "hostname", "new-1");
	free(out);
	check_idempotent(in, "lime", "system", "hostname", "new-1");

	/* a quoted option name is the same option; its value the same way */
	out = edit("config lime system\n  'option' \"hostname\" a\"b\"\n", "lime", "system",
		   "hostname", "zz");
	CHECK_STR(out, "config lime system\n  option hostname 'zz'\n");
	free(out);
}

static void test_add(void)
{
	/* after the section's last statement: its trailing comment and the
	 * blank line and heading of the next section stay where they are */
	static const char in[] =
		"config lime 'system'\n"
		"\toption log_level 'info'\n"
		"\t# option hostname 'commented-out'\n"
		"\n"
		"# the cloud\n"
		"config lime 'network'\n"
		"\toption ap_ssid 'x'\n"
		"\n"
		"# end\n";
	static const char want[] =
		"config lime 'system'\n"
		"\toption log_level 'info'\n"
		"\toption hostname 'h-2'\n"
		"\t# option hostname 'commented-out'\n"
		"\n"
		"# the cloud\n"
		"config lime 'network'\n"
		"\toption ap_ssid 'x'\n"
		"\n"
		"# end\n";
	static const char want_last[] =
		"config lime 'system'\n"
		"\toption log_level 'info'\n"
		"\t# option hostname 'commented-out'\n"
		"\n"
		"# the cloud\n"
		"config lime 'network'\n"
		"\toption ap_ssid 'x'\n"
		"\toption preferred_gateway 'gw'\n"
		"\n"
		"# end\n";
	char *out = edit(in, "lime", "system", "hostname", "h-2");

	CHECK_STR(out, want);
	check_loads(out, "system", "hostname", "h-2");
	free(out);
	out = edit(in, "lime", "network", "preferred_gateway", "gw");
	CHECK_STR(out, want_last);
	check_loads(out, "network", "preferred_gateway", "gw");
	free(out);

	/* a section with no statement yet: right after its header */
	out = edit("config lime 'system'\n\nconfig lime 'network'\n", "lime", "system",
		   "hostname", "a");
	CHECK_STR(out, "config lime 'system'\n\toption hostname 'a'\n\nconfig lime 'network'\n");
	free(out);
	check_idempotent(in, "lime", "system", "hostname", "h-2");
}

static void test_remove(void)
{
	static const char in[] =
		"config lime 'network'\n"
		"\tlist dns_upstream '192.0.2.1'\n"
		"\toption ap_ssid 'x'\n"
		"\tlist dns_upstream '192.0.2.2'  # second\n"
		"\toption dns_upstream_not 'y'\n"
		"\n"
		"config lime 'system'\n"
		"\tlist dns_upstream 'not this section'\n";
	static const char want[] =
		"config lime 'network'\n"
		"\toption ap_ssid 'x'\n"
		"\toption dns_upstream_not 'y'\n"
		"\n"
		"config lime 'system'\n"
		"\tlist dns_upstream 'not this section'\n";
	char *out = edit(in, "lime", "network", "dns_upstream", NULL), *again;

	CHECK_STR(out, want);
	free(out);

	/* removing what is not there changes nothing, and adds no section */
	static const char plain[] = "config lime 'system'\n\toption hostname 'a'\n";

	out = edit(plain, "lime", "system", "log_level", NULL);
	CHECK_STR(out, plain);
	free(out);
	out = edit(plain, "lime", "network", "ap_ssid", NULL);
	CHECK_STR(out, plain);
	free(out);

	/* back to the default when loaded */
	out = edit("config lime 'network'\n\toption ap_ssid 'mine'\n", "lime", "network",
		   "ap_ssid", NULL);
	check_loads(out, "network", "ap_ssid", "LibreMesh.org");
	free(out);

	/* a list option set with `option` replaces every list line */
	out = edit(in, "lime", "network", "dns_upstream", "198.51.100.1");
	CHECK(strstr(out, "\toption dns_upstream '198.51.100.1'\n") != NULL);
	CHECK(strstr(out, "192.0.2.") == NULL);
	again = loaded("config lime 'network'\n\tlist dns_upstream '192.0.2.1'\n", "network",
		       "dns_upstream");
	CHECK_STR(again, "192.0.2.1");
	free(again);
	free(out);
}

static void test_append(void)
{
	char *out = edit("config lime 'system'\n\toption hostname 'a'\n", "lime", "network",
			 "ap_ssid", "cloud");

	CHECK_STR(out, "config lime 'system'\n\toption hostname 'a'\n"
		       "\nconfig lime 'network'\n\toption ap_ssid 'cloud'\n");
	check_loads(out, "network", "ap_ssid", "cloud");
	check_loads(out, "system", "hostname", "a");
	free(out);

	out = edit("", "lime", "network", "ap_ssid", "cloud");
	CHECK_STR(out, "\nconfig lime 'network'\n\toption ap_ssid 'cloud'\n");
	check_loads(out, "network", "ap_ssid", "cloud");
	free(out);

	/* the same name under another type is another section */
	out = edit("config lime 'wan'\n", "net", "wan", "mtu", "1400");
	CHECK_STR(out, "config lime 'wan'\n\nconfig net 'wan'\n\toption mtu '1400'\n");
	free(out);
	check_idempotent("# only a comment", "lime", "network", "ap_ssid", "cloud");
}

static void test_quotes_round_trip(void)
{
	static const char *const values[] = {
		"it's", "'", "''", "a'b'c", "#not a comment", "a \"b\" \\c", "x # y", "\\'",
		"tab\\there", "UTF-8 \xc3\xb1", " lead", "trail ",
	};

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		char *out = edit("config lime 'network'\n\toption ap_ssid 'old'\n", "lime",
				 "network", "ap_ssid", values[i]);

		check_loads(out, "network", "ap_ssid", values[i]);
		free(out);
		out = edit("", "lime", "network", "ap_ssid", values[i]);
		check_loads(out, "network", "ap_ssid", values[i]);
		free(out);
	}
	/* written as the printer does: ' as '\'' */
	char *out = edit("", "lime", "network", "ap_ssid", "it's");

	CHECK(strstr(out, "\toption ap_ssid 'it'\\''s'\n") != NULL);
	free(out);
	/* an empty value is two quotes */
	out = edit("", "lime", "network", "preferred_gateway", "");
	CHECK(strstr(out, "\toption preferred_gateway ''\n") != NULL);
	check_loads(out, "network", "preferred_gateway", "");
	free(out);
}

static void test_no_final_newline(void)
{
	char *out = edit("config lime 'system'", "lime", "system", "hostname", "a");

	CHECK_STR(out, "config lime 'system'\n\toption hostname 'a'\n");
	free(out);
	out = edit("config lime 'system'\n\toption hostname 'a'", "lime", "system",
		   "hostname", "b");
	CHECK_STR(out, "config lime 'system'\n\toption hostname 'b'\n");
	free(out);
	out = edit("config lime 'system'\n\toption log_level 'info'", "lime", "system",
		   "hostname", "b");
	CHECK_STR(out, "config lime 'system'\n\toption log_level 'info'\n"
		       "\toption hostname 'b'\n");
	check_loads(out, "system", "hostname", "b");
	free(out);
	out = edit("config lime 'system'\n\toption log_level 'info'", "lime", "network",
		   "ap_ssid", "c");
	CHECK_STR(out, "config lime 'system'\n\toption log_level 'info'\n"
		       "\nconfig lime 'network'\n\toption ap_ssid 'c'\n");
	free(out);
	out = edit("config lime 'system'\n\toption hostname 'a'", "lime", "system",
		   "hostname", NULL);
	CHECK_STR(out, "config lime 'system'\n");
	free(out);
	out = edit("# x", "lime", "system", "hostname", NULL);
	CHECK_STR(out, "# x\n");
	free(out);
}

static void test_last_section_wins(void)
{
	static const char in[] =
		"config lime 'system'\n"
		"\toption hostname 'first'\n"
		"config lime 'network'\n"
		"\toption ap_ssid 'x'\n"
		"config lime 'system'\n"
		"\toption hostname 'second'\n";
	static const char want[] =
		"config lime 'system'\n"
		"\toption hostname 'first'\n"
		"config lime 'network'\n"
		"\toption ap_ssid 'x'\n"
		"config lime 'system'\n"
		"\toption hostname 'third'\n";
	char *out = edit(in, "lime", "system", "hostname", "third");

	CHECK_STR(out, want);
	check_loads(out, "system", "hostname", "third");
	free(out);

	/* only the first has it: the option goes into the last, which wins */
	out = edit("config lime 'system'\n\toption hostname 'first'\n"
		   "config lime 'system'\n\toption log_level 'info'\n",
		   "lime", "system", "hostname", "n");
	CHECK_STR(out, "config lime 'system'\n\toption hostname 'first'\n"
		       "config lime 'system'\n\toption log_level 'info'\n"
		       "\toption hostname 'n'\n");
	check_loads(out, "system", "hostname", "n");
	free(out);

	/* removed from both: the value is the default, not the first's */
	out = edit(in, "lime", "system", "hostname", NULL);
	CHECK(strstr(out, "hostname") == NULL);
	check_loads(out, "system", "hostname", "LiMe-0a0b0c");
	free(out);
}

static void test_comments_and_quotes(void)
{
	static const char in[] =
		"#config lime 'network'\n"
		"  # config lime 'network'\n"
		"config lime 'network' # the cloud\n"
		"\toption ap_ssid 'a # b' # not the value\n"
		"\t# option preferred_gateway 'old'\n"
		"\toption preferred_gateway \"config lime 'system'\"\n"
		"config \"lime\" 'sys''tem'\n"
		"\toption hostname 'h'\n";
	char *out = edit(in, "lime", "network", "ap_ssid", "c#d");

	/* only the option line changed: the commented ones are kept */
	CHECK(strstr(out, "\toption ap_ssid 'c#d'\n\t# option preferred_gateway 'old'\n") != NULL);
	CHECK(!strncmp(out, in, strstr(in, "\toption ap_ssid") - in));
	check_loads(out, "network", "ap_ssid", "c#d");
	free(out);

	/* a section header in a value is no header; 'sys''tem' is system */
	out = edit(in, "lime", "system", "hostname", "k");
	CHECK(strstr(out, "config \"lime\" 'sys''tem'\n\toption hostname 'k'\n") != NULL);
	CHECK(strstr(out, "\"config lime 'system'\"\n") != NULL);
	check_loads(out, "system", "hostname", "k");
	check_loads(out, "network", "preferred_gateway", "config lime 'system'");
	free(out);
	out = edit(in, "lime", "network", "preferred_gateway", NULL);
	CHECK(strstr(out, "# option preferred_gateway 'old'") != NULL);
	CHECK(strstr(out, "\"config lime 'system'\"") == NULL);
	free(out);
}

static void test_crlf(void)
{
	static const char in[] =
		"config lime 'system'\r\n"
		"\toption hostname 'a'\r\n"
		"\toption log_level 'info'\r\n"
		"\r\n"
		"config lime 'network'\r\n"
		"\toption ap_ssid 'x'\r\n";
	char *out = edit(in, "lime", "system", "hostname", "b"), *p;

	check_loads(out, "system", "hostname", "b");
	check_loads(out, "network", "ap_ssid", "x");
	/* the lines not edited keep their CRLF */
	CHECK(strstr(out, "\toption log_level 'info'\r\n\r\nconfig lime 'network'\r\n"
			  "\toption ap_ssid 'x'\r\n") != NULL);
	CHECK(!strncmp(out, "config lime 'system'\r\n", 22));
	free(out);

	out = edit(in, "lime", "system", "domain", "mesh.lan");
	check_loads(out, "system", "domain", "mesh.lan");
	check_loads(out, "system", "log_level", "info");
	p = strstr(out, "option domain");
	CHECK(p && p > strstr(out, "log_level") && p < strstr(out, "config lime 'network'"));
	free(out);

	out = edit(in, "lime", "system", "hostname", NULL);
	CHECK_STR(out, "config lime 'system'\r\n"
		       "\toption log_level 'info'\r\n"
		       "\r\n"
		       "config lime 'network'\r\n"
		       "\toption ap_ssid 'x'\r\n");
	free(out);
	check_idempotent(in, "lime", "system", "domain", "mesh.lan");
	check_idempotent(in, "lime", "network", "ap_ssid", "y");
}

static void check_refused(const char *type, const char *name, const char *opt,
			  const char *value)
{
	char *out = (char *)"untouched";

	CHECK_INT(mc_conf_edit_set(&out, "", 0, type, name, opt, value), -EINVAL);
	CHECK(out == NULL);
}

static void test_refusals(void)
{
	static const char *const bad_values[] = {
		"a\nb", "a\rb", "a\tb", "\x01", "x\x7f", "\x1b[0m",
	};
	static const char *const bad_names[] = {
		"", "a-b", "a b", "x'", "a.b", "n\n", "\xc3\xb1",
		"12345678901234567890123456789012345678901234567890123456789012345",
	};
	char big[1002];
	char *out;

	for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++)
		check_refused("lime", "network", "ap_ssid", bad_values[i]);
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		check_refused(bad_names[i], "network", "ap_ssid", "v");
		check_refused("lime", bad_names[i], "ap_ssid", "v");
		check_refused("lime", "network", bad_names[i], "v");
		check_refused("lime", "network", bad_names[i], NULL);
	}
	/* 64 bytes is a name still; 1000 a value, not 1001 */
	out = edit("", "lime", "n234567890123456789012345678901234567890123456789012345678901234",
		   "o", "v");
	free(out);
	memset(big, 'v', sizeof(big) - 1);
	big[1001] = 0;
	check_refused("lime", "network", "ap_ssid", big);
	big[1000] = 0;
	out = edit("", "lime", "network", "ap_ssid", big);
	CHECK(strstr(out, big) != NULL);
	free(out);
}

/* The loader does not end a section at a `package` line (a layer is no
 * package): neither may the editor, or the option it writes is not the
 * one that loads. */
static void test_package_line(void)
{
	static const char in[] =
		"package lime\n"
		"config lime 'system'\n"
		"\toption log_level 'info'\n"
		"package lime\n"
		"\toption hostname 'after-package'\n";
	char *out = edit(in, "lime", "system", "hostname", "new");

	check_loads(in, "system", "hostname", "after-package");
	check_loads(out, "system", "hostname", "new");
	CHECK(strstr(out, "after-package") == NULL);
	free(out);
	out = edit(in, "lime", "system", "hostname", NULL);
	check_loads(out, "system", "hostname", "LiMe-0a0b0c");
	free(out);
}

int main(void)
{
	RUN(test_replace);
	RUN(test_add);
	RUN(test_remove);
	RUN(test_append);
	RUN(test_quotes_round_trip);
	RUN(test_no_final_newline);
	RUN(test_last_section_wins);
	RUN(test_comments_and_quotes);
	RUN(test_crlf);
	RUN(test_refusals);
	RUN(test_package_line);
	return check_exit();
}
