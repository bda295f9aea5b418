/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Config library tests, with every daemon's schema part (schemas/). Usage:
 * test_conf [GOLDEN_DIR] (default tests/unit/conf, relative to the source
 * root). Golden cases: GOLDEN_DIR/NAME.in, optional NAME.node as a second
 * layer, and NAME.out, the exact normalized print (NAME.outv: the verbose
 * one). The schema registry, the derived defaults and reload's change
 * lists are test_conf_schema.c's.
 */
#include "schemas/schemas.h"
#include "common/md5.h"
#include "tests/unit/check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

static const char *golden_dir = "tests/unit/conf";

/* M4..M6 = 0a 0b 0c: hex gives 0b0c, decimal gives 11.12 */
static const uint8_t test_mac[6] = { 0x02, 0x00, 0x00, 0x0a, 0x0b, 0x0c };

/* ------------------------------------------------------------- helpers */

static char *file_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(1 << 20);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static char *golden_slurp(const char *name, const char *ext, size_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.%s", golden_dir, name, ext);
	return file_slurp(path, len);
}

static char *conf_print_str(const struct mc_conf *c, bool verbose)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	mc_conf_print(f, c, verbose);
	fclose(f);
	return out;
}

/* Loads one text layer; returns the load's rc, errors in *errs (malloc'd). */
static int load_text(struct mc_conf **c, const char *text, const uint8_t *mac,
		     char **errs)
{
	size_t len = 0;
	FILE *f = open_memstream(errs, &len);
	int rc = mc_conf_load_string(c, sm_conf_schema(), "t.conf", text, strlen(text), mac, f);

	fclose(f);
	return rc;
}

/* Loads text with test_mac and returns it, failing the check if it errs. */
static struct mc_conf *load_ok(const char *text)
{
	struct mc_conf *c = NULL;
	char *errs;
	int rc = load_text(&c, text, test_mac, &errs);

	CHECK_INT(rc, 0);
	CHECK_STR(errs, "");
	free(errs);
	return c;
}

/* The load must fail with exactly these error lines. */
static void load_bad(const char *text, const uint8_t *mac, const char *want)
{
	struct mc_conf *c = NULL;
	char *errs;
	int rc = load_text(&c, text, mac, &errs);

	CHECK_INT(rc, -EINVAL);
	CHECK(c == NULL);
	CHECK_STR(errs, want);
	free(errs);
	mc_conf_free(c);
}

/* The print must load back (one layer over the defaults) to itself. */
static void check_round_trip(const char *printed)
{
	struct mc_conf *c = NULL;
	char *errs = NULL, *again;

	/* notices again (LibreMesh's protocols softmesh does not run), no error */
	CHECK_INT(load_text(&c, printed, test_mac, &errs), 0);
	for (const char *l = errs; l && *l; l = strchr(l, '\n') + 1)
		CHECK(strstr(l, ": notice: ") && strstr(l, ": notice: ") < strchr(l, '\n'));
	free(errs);
	again = c ? conf_print_str(c, false) : NULL;

	CHECK_STR(again, printed);
	free(again);
	mc_conf_free(c);
}

/* --------------------------------------------------------------- md5 */

static void test_md5_rfc1321(void)
{
	/* RFC 1321 appendix A.5 test suite */
	static const struct { const char *in, *hex; } v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890123456789012345678901234"
		  "5678901234567890", "57edf4a22be3c955ac49da2e2107b67a" },
		{ "LibreMesh.org\n", "0dfe468ce88af015db6dad8c28e1479f" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t d[MC_MD5_LEN];
		char hex[2 * MC_MD5_LEN + 1];

		mc_md5(v[i].in, strlen(v[i].in), d);
		for (int k = 0; k < MC_MD5_LEN; k++)
			snprintf(hex + 2 * k, 3, "%02x", d[k]);
		CHECK_STR(hex, v[i].hex);
	}
}

/* Feeding bytes in odd-sized pieces must give the one-shot digest,
 * whatever the block boundaries (padding at 55/56/64 bytes). */
static void test_md5_incremental(void)
{
	char buf[300];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	for (size_t len = 0; len <= sizeof(buf); len += 7) {
		uint8_t one[MC_MD5_LEN], inc[MC_MD5_LEN];
		struct mc_md5 m;

		mc_md5(buf, len, one);
		mc_md5_init(&m);
		for (size_t off = 0, step = 1; off < len; off += step, step += 3)
			mc_md5_update(&m, buf + off, step < len - off ? step : len - off);
		mc_md5_final(&m, inc);
		CHECK(!memcmp(one, inc, sizeof(one)));
	}
}

/* ------------------------------------------------------------ defaults */

/* Every lime option but primary_mac has a value with no file at all. */
static void test_defaults_complete(void)
{
	struct mc_conf *c = load_ok("");
	const struct mc_conf_section *sys, *net;

	if (!c)
		return;
	sys = mc_conf_section(c, "system");
	net = mc_conf_section(c, "network");
	CHECK(sys && net);
	CHECK_STR(mc_conf_get_str(sys, "hostname"), "LiMe-0a0b0c");
	CHECK_STR(mc_conf_get_str(sys, "rundir"), "/run/softmesh");
	CHECK_STR(mc_conf_get_str(sys, "debug"), "");
	CHECK(mc_conf_get_str(sys, "primary_mac") == NULL);
	CHECK_STR(mc_conf_get_str(net, "preferred_gateway"), "");
	CHECK_INT(mc_conf_list_len(net, "trusted_nodes"), 0);
	CHECK(mc_conf_next(c, NULL, "net") == NULL);
	mc_conf_free(c);
}

/* -------------------------------------------------------------- golden */

/* SOFTMESH_GOLDEN_WRITE=1 rewrites the goldens from what the loader
 * prints (then review the diff): NAME.out, and NAME.outv and NAME.err
 * where they exist. */
static void golden_put(const char *name, const char *ext, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.%s", golden_dir, name, ext);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void golden_case(const char *name, bool node_layer)
{
	struct mc_conf_source src[2];
	char *text[2] = { NULL, NULL }, *want, *got = NULL, *outv, *errw, *errs = NULL;
	struct mc_conf *c = NULL;
	size_t n = node_layer ? 2 : 1, wlen, vlen, elen = 0;
	char names[2][64];
	bool write = getenv("SOFTMESH_GOLDEN_WRITE") != NULL;
	FILE *ef = open_memstream(&errs, &elen);

	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "%s.%s", name, i ? "node" : "in");
		text[i] = golden_slurp(name, i ? "node" : "in", &src[i].len);
		src[i].name = names[i];
		src[i].text = text[i];
		CHECK(text[i] != NULL);
	}
	want = golden_slurp(name, "out", &wlen);
	CHECK(want != NULL);
	if (text[0] && (!node_layer || text[1]))
		CHECK_INT(mc_conf_load_sources(&c, sm_conf_schema(), src, n, test_mac, ef), 0);
	fclose(ef);
	/* notices (and nothing else) as NAME.err says, when it exists */
	errw = golden_slurp(name, "err", &wlen);
	if (errw && write)
		golden_put(name, "err", errs);
	else if (errw)
		CHECK_STR(errs, errw);
	else if (*errs)
		fprintf(stderr, "%s", errs);
	if (c && want) {
		got = conf_print_str(c, false);
		if (write)
			golden_put(name, "out", got);
		else
			CHECK_STR(got, want);
		check_round_trip(got);
	}
	outv = golden_slurp(name, "outv", &vlen);
	if (c && outv) {
		char *v = conf_print_str(c, true);

		if (write)
			golden_put(name, "outv", v);
		else
			CHECK_STR(v, outv);
		check_round_trip(got);
		free(v);
	}
	mc_conf_free(c);
	free(errs);
	free(errw);
	free(outv);
	free(got);
	free(want);
	free(text[0]);
	free(text[1]);
}

static void test_golden(void)
{
	golden_case("minimal", false);
	golden_case("community", false);
	golden_case("quoting", false);
	golden_case("templates", false);
	golden_case("layers", true);
	/* LibreMesh's files: lime-defaults alone, a community with a node */
	golden_case("lime-defaults", false);
	golden_case("lime-community", true);
}

/* The verbose print also loads back, to the same plain print. */
static void test_verbose_reparses(void)
{
	size_t len;
	char *text = golden_slurp("community", "in", &len);
	struct mc_conf *c = text ? load_ok(text) : NULL;
	char *plain = c ? conf_print_str(c, false) : NULL;
	char *verbose = c ? conf_print_str(c, true) : NULL;
	struct mc_conf *c2 = verbose ? load_ok(verbose) : NULL;
	char *again = c2 ? conf_print_str(c2, false) : NULL;

	CHECK(again != NULL);
	if (again)
		CHECK_STR(again, plain);
	free(again);
	free(verbose);
	free(plain);
	free(text);
	mc_conf_free(c);
	mc_conf_free(c2);
}

/* mc_conf_load reads the same layers from files. */
static void test_load_files(void)
{
	char p1[512], p2[512], msg[600], *want, *got;
	const char *files[2] = { p1, p2 };
	struct mc_conf *c = NULL;
	size_t len;
	FILE *errf;
	char *errs = NULL;

	snprintf(p1, sizeof(p1), "%s/layers.in", golden_dir);
	snprintf(p2, sizeof(p2), "%s/layers.node", golden_dir);
	CHECK_INT(mc_conf_load(&c, sm_conf_schema(), files, 2, test_mac, stderr), 0);
	want = golden_slurp("layers", "out", &len);
	got = c ? conf_print_str(c, false) : NULL;
	CHECK(got && want);
	if (got && want)
		CHECK_STR(got, want);
	free(got);
	free(want);
	mc_conf_free(c);

	snprintf(p2, sizeof(p2), "%s/no-such-file.conf", golden_dir);
	errf = open_memstream(&errs, &len);
	c = NULL;
	CHECK_INT(mc_conf_load(&c, sm_conf_schema(), files, 2, test_mac, errf), -ENOENT);
	fclose(errf);
	CHECK(c == NULL);
	snprintf(msg, sizeof(msg), "%s: No such file or directory\n", p2);
	CHECK_STR(errs, msg);
	free(errs);

	/* a directory: said so (it used to read as an I/O error) */
	snprintf(p2, sizeof(p2), "%s", golden_dir);
	errf = open_memstream(&errs, &len);
	CHECK_INT(mc_conf_load(&c, sm_conf_schema(), files, 2, test_mac, errf), -EISDIR);
	fclose(errf);
	snprintf(msg, sizeof(msg), "%s: Is a directory\n", p2);
	CHECK_STR(errs, msg);
	free(errs);
}

/* A fake primary interface lookup: counts calls, knows only "eth7". */
struct mac_lookup {
	int calls;
	char last[16];
};

static int lookup_mac(const char *ifname, uint8_t mac[6], void *user)
{
	struct mac_lookup *l = user;

	l->calls++;
	snprintf(l->last, sizeof(l->last), "%s", ifname);
	if (strcmp(ifname, "eth7"))
		return -ENODEV;
	memcpy(mac, "\x02\x00\x00\x07\x07\x07", 6);
	return 0;
}

/* mc_conf_load_cb asks for the MAC of the merged primary_interface. */
static void test_load_cb(void)
{
	char p1[512], p2[512], want[1024], *errs = NULL;
	const char *files[2] = { p1, p2 };
	struct mac_lookup l = { 0 };
	struct mc_conf *c = NULL;
	size_t len;
	FILE *f;

	snprintf(p1, sizeof(p1), "%s/layers.in", golden_dir);
	snprintf(p2, sizeof(p2), "%s/lookup-eth7.conf", golden_dir);
	CHECK_INT(mc_conf_load_cb(&c, sm_conf_schema(), files, 2, lookup_mac, &l, stderr), 0);
	CHECK_INT(l.calls, 1);
	CHECK_STR(l.last, "eth7");
	CHECK_STR(mc_conf_get_str(c ? mc_conf_section(c, "system") : NULL,
				  "hostname"), "community-07");
	mc_conf_free(c);

	/* one layer: the default eth0 has no MAC here */
	c = NULL;
	l.calls = 0;
	f = open_memstream(&errs, &len);
	CHECK_INT(mc_conf_load_cb(&c, sm_conf_schema(), files, 1, lookup_mac, &l, f), -EINVAL);
	fclose(f);
	CHECK_INT(l.calls, 1);
	CHECK_STR(l.last, "eth0");
	snprintf(want, sizeof(want), "%s:3: %%M6 in hostname needs the node's MAC: "
		 "eth0 has none, set primary_mac in lime 'system'\n"
		 MC_CONF_DEFAULTS_NAME ":17: %%M5 in main_ipv4_address needs the "
		 "node's MAC: eth0 has none, set primary_mac in lime 'system'\n"
		 MC_CONF_DEFAULTS_NAME ":18: %%M5 in main_ipv6_address needs the "
		 "node's MAC: eth0 has none, set primary_mac in lime 'system'\n", p1);
	CHECK_STR(errs, want);
	free(errs);
}

/* primary_mac set: the lookup is not called at all. */
static void test_load_cb_primary_mac(void)
{
	char path[512];
	const char *files[1] = { path };
	struct mac_lookup l = { 0 };
	struct mc_conf *c = NULL;

	snprintf(path, sizeof(path), "%s/lookup-primary-mac.conf", golden_dir);
	CHECK_INT(mc_conf_load_cb(&c, sm_conf_schema(), files, 1, lookup_mac, &l, stderr), 0);
	CHECK_INT(l.calls, 0);
	mc_conf_free(c);
}

/* ------------------------------------------------------------ layering */

static struct mc_conf *load_two(const char *a, const char *b, char **errs)
{
	struct mc_conf_source src[2] = {
		{ "community.conf", a, strlen(a) },
		{ "node.conf", b, strlen(b) },
	};
	struct mc_conf *c = NULL;
	size_t len;
	FILE *f = open_memstream(errs, &len);

	mc_conf_load_sources(&c, sm_conf_schema(), src, 2, test_mac, f);
	fclose(f);
	return c;
}

static void test_layer_override_and_lists(void)
{
	char *errs;
	struct mc_conf *c = load_two(
		"config lime 'network'\n"
		"\toption hop_penalty 10\n"
		"\tlist trusted_nodes 1111111111111111\n"
		"\tlist trusted_nodes 2222222222222222\n",
		"config lime 'network'\n"
		"\toption hop_penalty 99\n"
		"\tlist trusted_nodes 3333333333333333\n", &errs);
	const struct mc_conf_section *net = c ? mc_conf_section(c, "network") : NULL;
	long v = 0;

	CHECK_STR(errs, "");
	CHECK_INT(mc_conf_get_int(net, "hop_penalty", &v), 0);
	CHECK_INT(v, 99);
	/* the node's list replaces the community's whole */
	CHECK_INT(mc_conf_list_len(net, "trusted_nodes"), 1);
	CHECK_STR(mc_conf_list_get(net, "trusted_nodes", 0), "3333333333333333");
	CHECK(mc_conf_list_get(net, "trusted_nodes", 1) == NULL);
	free(errs);
	mc_conf_free(c);
}

/* A layer that does not mention a list keeps the earlier one; `option` on
 * a list option sets a one-value list. */
static void test_layer_list_kept(void)
{
	char *errs;
	struct mc_conf *c = load_two(
		"config lime 'network'\n"
		"\tlist trusted_nodes 1111111111111111\n"
		"\tlist trusted_nodes 2222222222222222\n"
		"config net 'a'\n\toption linux_name eth0\n\toption role mesh\n",
		"config lime 'network'\n\toption nat 1\n"
		"config net 'a'\n\toption trusted_nodes_typo 1\n", &errs);

	CHECK(c == NULL);
	CHECK_STR(errs, "node.conf:4: unknown option 'trusted_nodes_typo' in "
		  "section net 'a'\n");
	free(errs);
	c = load_two("config lime 'network'\n"
		     "\tlist trusted_nodes 1111111111111111\n"
		     "\tlist trusted_nodes 2222222222222222\n",
		     "config lime 'network'\n\toption nat 1\n", &errs);
	CHECK(c != NULL);
	if (c)
		CHECK_INT(mc_conf_list_len(mc_conf_section(c, "network"),
					   "trusted_nodes"), 2);
	mc_conf_free(c);
	free(errs);
	c = load_two("config lime 'network'\n"
		     "\tlist trusted_nodes 1111111111111111\n",
		     "config lime 'network'\n"
		     "\toption trusted_nodes 4444444444444444\n", &errs);
	CHECK(c != NULL);
	if (c) {
		const struct mc_conf_section *net = mc_conf_section(c, "network");

		CHECK_INT(mc_conf_list_len(net, "trusted_nodes"), 1);
		CHECK_STR(mc_conf_list_get(net, "trusted_nodes", 0),
			  "4444444444444444");
	}
	mc_conf_free(c);
	free(errs);
}

static void test_layer_anonymous_append(void)
{
	char *errs;
	struct mc_conf *c = load_two(
		"config net\n\toption linux_name eth0\n\toption role mesh\n",
		"config net\n\toption linux_name eth1\n\toption role lan\n"
		"config net 'w'\n\toption linux_name wlan0\n\toption role mesh\n",
		&errs);
	const struct mc_conf_section *s;
	const char *want[] = { "eth0", "eth1", "wlan0" };
	int n = 0;

	CHECK_STR(errs, "");
	for (s = c ? mc_conf_next(c, NULL, "net") : NULL; s;
	     s = mc_conf_next(c, s, "net"), n++) {
		CHECK(n < 3);
		if (n < 3)
			CHECK_STR(mc_conf_get_str(s, "linux_name"), want[n]);
		CHECK(mc_conf_section_name(s) == NULL || n == 2);
		CHECK_STR(mc_conf_section_type(s), "net");
	}
	CHECK_INT(n, 3);
	free(errs);
	mc_conf_free(c);
}

static void test_layer_type_clash(void)
{
	char *errs;
	struct mc_conf *c = load_two(
		"config net 'wan'\n\toption linux_name eth0\n\toption role wan\n",
		"\n# node\nconfig lime 'wan'\n", &errs);

	CHECK(c == NULL);
	CHECK_STR(errs, "node.conf:3: unknown section lime 'wan': expected "
		  "'system' or 'network'\n");
	free(errs);
	c = load_two("config net 'x'\n\toption linux_name eth0\n\toption role wan\n",
		     "config net 'system'\n", &errs);
	CHECK(c == NULL);
	CHECK_STR(errs, "node.conf:1: section 'system' is net here but lime at "
		  "(defaults):6\n");
	free(errs);
}

/* ----------------------------------------------------------- templates */

static void test_template_libremesh(void)
{
	struct mc_conf *c = load_ok("");
	const struct mc_conf_section *net = c ? mc_conf_section(c, "network") : NULL;
	struct in_addr a4;
	struct in6_addr a6, w6;
	uint8_t mac[6], n[6];
	unsigned plen = 0;

	if (!c)
		return;
	CHECK_INT(mc_conf_get_ipv4(net, "main_ipv4_address", &a4, &plen), 0);
	CHECK_INT(ntohl(a4.s_addr), (10u << 24) | (13u << 16) | (11u << 8) | 12u);
	CHECK_INT(plen, 16);
	CHECK_INT(mc_conf_get_ipv4(net, "anygw_ipv4", &a4, &plen), 0);
	CHECK_INT(ntohl(a4.s_addr), (10u << 24) | (13u << 16) | 1u);
	CHECK_INT(mc_conf_get_mac(net, "anygw_mac", mac), 0);
	CHECK(!memcmp(mac, "\xaa\xaa\xaa\x0d\xfe\xaa", 6));
	CHECK_INT(mc_conf_get_ipv6(net, "main_ipv6_address", &a6, &plen), 0);
	inet_pton(AF_INET6, "fd0d:fe46:8ce8::b0c", &w6);
	CHECK(!memcmp(&a6, &w6, sizeof(w6)));
	CHECK_INT(plen, 64);
	mc_conf_ssid_hash(c, n);
	CHECK(!memcmp(n, "\x0d\xfe\x46\x8c\xe8\x8a", 6));
	CHECK_INT(mc_conf_cloud_vid(c), 29);
	CHECK_INT(mc_conf_mac(c, mac), 0);
	CHECK(!memcmp(mac, test_mac, 6));
	mc_conf_free(c);
}

/* Options named *ipv4* get decimal bytes, all others hex; %H; %%. */
static void test_template_forms(void)
{
	struct mc_conf *c = load_ok(
		"config lime system\n\toption hostname 'h-%M6'\n"
		"config lime network\n"
		"\toption ap_ssid 'mesh'\n"		/* N1 = 0x07, N2 = 0x3e */
		"\toption main_ipv4_address '%N2.%M4.%N1.%M6/8'\n"
		"\toption anygw_ipv4 '%N2.%M4.%N1.1/8'\n"
		"\toption anygw_mac '%N2:%M4:%N1:00:00:01'\n"
		"\toption preferred_gateway '%H %% %%%H'\n");
	const struct mc_conf_section *net = c ? mc_conf_section(c, "network") : NULL;

	if (!c)
		return;
	CHECK_STR(mc_conf_get_str(net, "anygw_ipv4"), "62.10.7.1/8");
	CHECK_STR(mc_conf_get_str(net, "anygw_mac"), "3e:0a:07:00:00:01");
	CHECK_STR(mc_conf_get_str(net, "preferred_gateway"), "h-0c % %h-0c");
	/* N1 = 0x07 < 13: the VLAN id wraps like Lua's modulo */
	CHECK_INT(mc_conf_cloud_vid(c), 29 + (0x07 - 13 + 256) % 256);
	mc_conf_free(c);
}

/* primary_mac wins over the caller's MAC and is never expanded. */
static void test_template_primary_mac(void)
{
	struct mc_conf *c = load_ok("config lime system\n"
				    "\toption primary_mac '02:AB:cd:01:02:03'\n");
	uint8_t mac[6];

	if (!c)
		return;
	CHECK_STR(mc_conf_get_str(mc_conf_section(c, "system"), "hostname"),
		  "LiMe-010203");
	CHECK_INT(mc_conf_mac(c, mac), 0);
	CHECK(!memcmp(mac, "\x02\xab\xcd\x01\x02\x03", 6));
	mc_conf_free(c);
	c = NULL;
	/* with primary_mac set, no caller MAC is needed */
	char *errs;
	CHECK_INT(load_text(&c, "config lime system\n"
			    "\toption primary_mac '02:00:00:00:00:01'\n", NULL,
			    &errs), 0);
	/* a MAC ending 00:01 would give the anycast address (issue 15): the
	 * node moves to the last host, as LibreMesh does */
	CHECK_STR(errs, "(defaults):17: notice: main_ipv4_address 10.13.0.1/16 is the "
		  "anycast (anygw) address: the node takes 10.13.255.254/16 instead (as "
		  "LibreMesh does)\n");
	CHECK_STR(mc_conf_get_str(mc_conf_section(c, "network"), "main_ipv4_address"),
		  "10.13.255.254/16");
	free(errs);
	mc_conf_free(c);
}

static void test_template_errors(void)
{
	load_bad("", NULL,
		 "(defaults):7: %M4 in hostname needs the node's MAC: set "
		 "primary_mac in lime 'system'\n"
		 "(defaults):17: %M5 in main_ipv4_address needs the node's MAC: "
		 "set primary_mac in lime 'system'\n"
		 "(defaults):18: %M5 in main_ipv6_address needs the node's MAC: "
		 "set primary_mac in lime 'system'\n");
	load_bad("config lime system\n\toption hostname 'a%M7'\n", test_mac,
		 "t.conf:2: bad template '%M7' in hostname: expected %M1..%M6, "
		 "%N1..%N6, %H or %%\n");
	load_bad("config lime network\n\toption preferred_gateway 'x%Q'\n"
		 "\toption anygw_mac 'aa:%'\n", test_mac,
		 "t.conf:3: bad template '%' in anygw_mac: expected %M1..%M6, "
		 "%N1..%N6, %H or %%\n"
		 "t.conf:2: bad template '%Q' in preferred_gateway: expected "
		 "%M1..%M6, %N1..%N6, %H or %%\n");
	load_bad("config lime system\n\toption hostname 'x%H'\n", test_mac,
		 "t.conf:2: %H cannot be used in hostname\n");
	/* a bad primary_mac is reported once, not at every %M */
	load_bad("config lime system\n\toption primary_mac 'zz'\n", NULL,
		 "t.conf:2: invalid value 'zz' for primary_mac: expected a MAC "
		 "address like 02:00:00:00:00:01\n");
}

/* Without any MAC a config loads if no value uses %M. */
static void test_template_no_mac(void)
{
	static const char text[] =
		"config lime system\n\toption hostname 'plain'\n"
		"config lime network\n"
		"\toption main_ipv4_address '10.%N1.0.2/16'\n"
		"\toption main_ipv6_address 'fd%N1::2/64'\n";
	struct mc_conf *c = NULL;
	uint8_t mac[6];
	char *errs, *v;

	CHECK_INT(load_text(&c, text, NULL, &errs), 0);
	CHECK_STR(errs, "");
	free(errs);
	if (!c)
		return;
	CHECK_INT(mc_conf_mac(c, mac), -ENOENT);
	v = conf_print_str(c, true);
	CHECK(!strncmp(v, "# %M unknown, %N = 0d:fe:46:8c:e8:8a, cloud VLAN 29\n",
		       strlen("# %M unknown, %N = 0d:fe:46:8c:e8:8a, cloud VLAN 29\n")));
	free(v);
	mc_conf_free(c);
}

/* ------------------------------------------------------------- getters */

static void test_getters(void)
{
	struct mc_conf *c = load_ok(
		"config lime system\n\toption log_level debug\n"
		"config lime network\n\toption gateway_bandwidth 20mbit/5mbit\n"
		"\toption batadv_vlan 0\n\toption gateway true\n"
		"config net p\n\toption linux_name eth0\n\toption role mesh\n"
		"\toption rate 1gbit\n");
	const struct mc_conf_section *net = c ? mc_conf_section(c, "network") : NULL;
	const struct mc_conf_section *p = c ? mc_conf_section(c, "p") : NULL;
	uint64_t down = 0, up = 0;
	long v = -1;
	bool b = false;

	if (!c)
		return;
	CHECK_INT(mc_conf_log_level(c), 7);
	CHECK_INT(mc_conf_cloud_vid(c), 0);
	CHECK_INT(mc_conf_get_rate(net, "gateway_bandwidth", &down, &up), 0);
	CHECK_INT(down, 20000);
	CHECK_INT(up, 5000);
	CHECK_INT(mc_conf_get_rate(p, "rate", &down, &up), 0);
	CHECK_INT(down, 1000000);
	CHECK_INT(up, 1000000);
	CHECK_INT(mc_conf_get_bool(net, "gateway", &b), 0);
	CHECK(b);
	CHECK_INT(mc_conf_get_bool(p, "wireless", &b), 0);	/* schema default */
	CHECK(!b);
	CHECK_INT(mc_conf_get_int(p, "mtu", &v), -ENOENT);
	CHECK_INT(mc_conf_get_int(net, "l3_port", &v), 0);
	CHECK_INT(v, 6240);
	CHECK_INT(mc_conf_get_int(net, "gateway", &v), -EINVAL);	/* a bool */
	CHECK_INT(mc_conf_get_int(NULL, "mtu", &v), -ENOENT);
	CHECK_STR(mc_conf_section_name(p), "p");
	CHECK(mc_conf_section(c, "nope") == NULL);
	mc_conf_free(c);

	c = load_ok("");
	if (!c)
		return;
	net = mc_conf_section(c, "network");
	CHECK_INT(mc_conf_get_int(net, "batadv_vlan", &v), -EINVAL);	/* auto */
	/* the default offer, batman-adv's */
	CHECK_INT(mc_conf_get_rate(net, "gateway_bandwidth", &down, &up), 0);
	CHECK_INT(down, 10000);
	CHECK_INT(up, 2000);
	mc_conf_free(c);
	/* 'auto' in a file means the default */
	c = load_ok("config lime network\n\toption gateway_bandwidth auto\n");
	if (!c)
		return;
	net = mc_conf_section(c, "network");
	down = up = 0;
	CHECK_INT(mc_conf_get_rate(net, "gateway_bandwidth", &down, &up), 0);
	CHECK_INT(down, 10000);
	CHECK_INT(up, 2000);
	CHECK_INT(mc_conf_log_level(c), 6);
	mc_conf_free(c);
}

/* ----------------------------------------------------------- bad input */

/* One value of one option must be refused with exactly `why`. sec may
 * carry lines of its own; the bad value is on the last line. */
static void bad_value(const char *sec, const char *opt, const char *val,
		      const char *why)
{
	char text[512], want[600];
	int line = 0;

	snprintf(text, sizeof(text), "config %s\n\toption %s '%s'\n", sec, opt,
		 val);
	for (const char *p = text; *p; p++)
		line += *p == '\n';
	/* messages cut values over 64 bytes to 61 and "..." */
	snprintf(want, sizeof(want), "t.conf:%d: invalid value '%.*s%s' for %s: "
		 "%s\n", line, strlen(val) > 64 ? 61 : (int)strlen(val), val,
		 strlen(val) > 64 ? "..." : "", opt, why);
	load_bad(text, test_mac, want);
}

static void test_bad_syntax(void)
{
	load_bad("# lab\n\n\n\n\n\n\toption hostname x\n", test_mac,
		 "t.conf:7: option outside of a config section\n");
	load_bad("list trusted_nodes x\n", test_mac,
		 "t.conf:1: list outside of a config section\n");
	load_bad("config lime network\n\toption ap_ssid 'abc\n", test_mac,
		 "t.conf:2: unterminated quote\n");
	load_bad("config lime network\n\toption ap_ssid \"a\\\"bc\n", test_mac,
		 "t.conf:2: unterminated quote\n");
	load_bad("config lime network\n\toption ap_ssid abc\\\n", test_mac,
		 "t.conf:2: backslash at end of line\n");
	load_bad("config lime network\n\toption foo 'bar'\n", test_mac,
		 "t.conf:2: unknown option 'foo' in section lime 'network'\n");
	load_bad("config net\n\toption foo 'bar'\n", test_mac,
		 "t.conf:2: unknown option 'foo' in section net\n"
		 "t.conf:1: section net lacks required option linux_name\n"
		 "t.conf:1: section net needs role (mesh, lan or wan) or LibreMesh's protocols (batadv:..., babeld:..., lan, wan)\n");
	load_bad("config interface 'lan'\n\toption proto static\n", test_mac,
		 "t.conf:1: unknown section type 'interface'\n");
	load_bad("config lime\n", test_mac,
		 "t.conf:1: section lime needs a name: 'system' or 'network'\n");
	load_bad("config net 'bad-name'\n", test_mac,
		 "t.conf:1: invalid section name 'bad-name': expected 1..64 "
		 "letters, digits or _\n");
	load_bad("config\n", test_mac, "t.conf:1: config needs a section type\n");
	load_bad("config net a b\n", test_mac,
		 "t.conf:1: too many words after config\n");
	load_bad("config lime network\n\toption nat\n", test_mac,
		 "t.conf:2: option needs a name and a value\n");
	load_bad("config lime network\n\toption nat 1 2\n", test_mac,
		 "t.conf:2: too many words after option\n");
	load_bad("config lime network\n\toption nat 1 2 3\n", test_mac,
		 "t.conf:2: too many words on the line\n");
	load_bad("config lime network\n\tlist nat 1\n", test_mac,
		 "t.conf:2: 'nat' takes one value: use option, not list\n");
	load_bad("config lime network\n\toptoin nat 1\n", test_mac,
		 "t.conf:2: unknown keyword 'optoin': expected config, option "
		 "or list\n");
	load_bad("config lime network\n\toption ap_ssid 'a\tb'\n", test_mac,
		 "t.conf:2: control character in value\n");
	load_bad("config lime network\n\toption ap_ssid \"a\x1b\"\n", test_mac,
		 "t.conf:2: control character in value\n");
	load_bad("package a b\n", test_mac, "t.conf:1: package needs one name\n");
	load_bad("config net "
		 "a2345678901234567890123456789012345678901234567890123456789012345\n",
		 test_mac, "t.conf:1: invalid section name 'a23456789012345678901234"
		 "5678901234567890123456789012345678901...': expected 1..64 "
		 "letters, digits or _\n");
}

static void test_bad_required_and_clash(void)
{
	load_bad("config net 'wan'\n\toption role wan\n", test_mac,
		 "t.conf:1: section net 'wan' lacks required option linux_name\n");
	load_bad("config net 'network'\n", test_mac,
		 "t.conf:1: section 'network' is net here but lime at "
		 "(defaults):15\n");
}

static void test_bad_line(void)
{
	char text[MC_CONF_LINE_MAX + 64];
	struct mc_conf *c = NULL;
	char *errs;
	size_t n;

	n = (size_t)snprintf(text, sizeof(text), "config lime network\n# ");
	memset(text + n, 'x', MC_CONF_LINE_MAX - 2);
	strcpy(text + n + MC_CONF_LINE_MAX - 2, "\n");
	CHECK_INT(load_text(&c, text, test_mac, &errs), 0);	/* exactly at the limit */
	free(errs);
	mc_conf_free(c);
	strcpy(text + n + MC_CONF_LINE_MAX - 2, "y\n");
	load_bad(text, test_mac, "t.conf:2: line too long (more than 1024 bytes)\n");

	static const char nul[] = "config lime network\n\toption nat '0\0'\n";
	size_t len;
	FILE *f = open_memstream(&errs, &len);
	c = NULL;
	CHECK_INT(mc_conf_load_string(&c, sm_conf_schema(), "t.conf", nul, sizeof(nul) - 1,
				      test_mac, f), -EINVAL);
	fclose(f);
	CHECK_STR(errs, "t.conf:2: NUL byte in line\n");
	free(errs);
}

/* Loading goes on after an error and stops after MC_CONF_MAX_ERRORS. */
static void test_bad_many(void)
{
	char text[2048] = "config lime network\n";
	char want[2048] = "";

	for (int i = 0; i < MC_CONF_MAX_ERRORS + 3; i++) {
		size_t t = strlen(text), w = strlen(want);

		snprintf(text + t, sizeof(text) - t, "\toption bad%d x\n", i);
		if (i < MC_CONF_MAX_ERRORS)
			snprintf(want + w, sizeof(want) - w, "t.conf:%d: unknown "
				 "option 'bad%d' in section lime 'network'\n",
				 i + 2, i);
	}
	strcat(want, "t.conf: too many errors, giving up\n");
	load_bad(text, test_mac, want);
}

static void test_bad_values(void)
{
	bad_value("lime network", "hop_penalty", "x", "expected 0..255");
	bad_value("lime network", "l3_prefix", "0.0.0.0/0",
		  "expected an IPv4 or IPv6 prefix with its host bits zero, like "
		  "10.99.0.0/16 or fd99::/64 (not /0: defaults come with gateway offers)");
	bad_value("lime network", "hop_penalty", "256", "expected 0..255");
	bad_value("lime network", "hop_penalty", "-1", "expected 0..255");
	bad_value("lime network", "orig_interval", "99", "expected 100..60000");
	bad_value("lime network", "bat0_mtu", "99999999999999", "expected 1280..9000");
	bad_value("lime network", "batadv_vlan", "4095", "expected 0..4094 or auto");
	bad_value("lime network", "l3_port", "6270", "6270 is bmx7's port");
	bad_value("lime network", "l3_port", "0", "expected 1..65535");
	bad_value("lime network", "gateway", "maybe",
		  "expected 0, 1, true, false, yes, no, on or off");
	bad_value("lime network", "ap_ssid", "",  "expected 1..32 bytes");
	bad_value("lime network", "ap_ssid", "123456789012345678901234567890123",
		  "expected 1..32 bytes");
	bad_value("lime network", "anygw_mac", "aa:aa:aa:aa:aa",
		  "expected a MAC address like 02:00:00:00:00:01");
	bad_value("lime network", "anygw_mac", "aa:aa:aa:aa:aa:aa:",
		  "expected a MAC address like 02:00:00:00:00:01");
	bad_value("lime network", "main_ipv4_address", "10.0.0.1",
		  "expected an IPv4 address/prefix length like 10.13.0.1/16");
	bad_value("lime network", "main_ipv4_address", "10.0.0.256/8",
		  "expected an IPv4 address/prefix length like 10.13.0.1/16");
	bad_value("lime network", "anygw_ipv4", "10.0.0.1/33",
		  "expected an IPv4 address/prefix length like 10.13.0.1/16");
	bad_value("lime network", "main_ipv6_address", "fd00::1::2/64",
		  "expected an IPv6 address/prefix length like fd0d:fe46:8ce8::1/64");
	bad_value("lime network", "anygw_ipv6", "fd00::1/129",
		  "expected an IPv6 address/prefix length like fd0d:fe46:8ce8::1/64");
	bad_value("lime network", "gateway_bandwidth", "10mbit",
		  "expected auto or download/upload rates like 10mbit/2mbit "
		  "(at most 100gbit)");
	bad_value("lime network", "gateway_bandwidth", "10mbit/2",
		  "expected auto or download/upload rates like 10mbit/2mbit "
		  "(at most 100gbit)");
	bad_value("lime network", "trusted_nodes", "xyz",
		  "expected a node id (or its first bytes) of 8..32 hex digits, an even number");
	bad_value("lime network", "trusted_nodes", "0123456789abcdeg",
		  "expected a node id (or its first bytes) of 8..32 hex digits, an even number");
	bad_value("lime network", "trusted_nodes", "0123456789a",	/* odd: l3routed refused it at start */
		  "expected a node id (or its first bytes) of 8..32 hex digits, an even number");
	bad_value("lime network", "trusted_nodes", "0123456789abcdef0123456789abcdef00",
		  "expected a node id (or its first bytes) of 8..32 hex digits, an even number");
	bad_value("lime network", "gateway_bandwidth", "x/2mbit",
		  "expected auto or download/upload rates like 10mbit/2mbit "
		  "(at most 100gbit)");
	bad_value("lime network", "gateway_bandwidth", "101gbit/1mbit",
		  "expected auto or download/upload rates like 10mbit/2mbit "
		  "(at most 100gbit)");
	bad_value("lime network", "preferred_gateway",
		  "12345678901234567890123456789012345678901234567890123456789012345",
		  "expected 0..64 bytes");
	bad_value("lime system", "hostname", "-bad",
		  "expected 1..63 letters, digits or '-', not starting or ending "
		  "with '-'");
	bad_value("lime system", "hostname", "a_b",
		  "expected 1..63 letters, digits or '-', not starting or ending "
		  "with '-'");
	bad_value("lime system", "domain", "a..b",
		  "expected a domain name like thisnode.info");
	bad_value("lime system", "domain", "x.",
		  "expected a domain name like thisnode.info");
	bad_value("lime system", "domain",
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "expected a domain name like thisnode.info");
	bad_value("lime system", "primary_interface", "eth0/1",
		  "expected an interface name of 1..15 bytes without '/', ':', '%' "
		  "or blanks");
	bad_value("lime system", "primary_interface", "abcdefghijklmnop",
		  "expected an interface name of 1..15 bytes without '/', ':', '%' "
		  "or blanks");
	bad_value("lime system", "rundir", "run/softmesh",
		  "expected an absolute path of at most 80 bytes");
	bad_value("lime system", "log_level", "verbose",
		  "expected error, warning, notice, info or debug");
	bad_value("lime system", "debug", "batman,nope",
		  "expected debug categories like batman,tt (or all, none)");
	bad_value("net q\n\toption linux_name eth1\n\toption role mesh",
		  "rate", "54mbps", "expected a rate like 100kbit, 54mbit or 1gbit "
		  "(at most 100gbit)");
	bad_value("net q\n\toption linux_name eth1\n\toption role mesh",
		  "rate", "0kbit", "expected a rate like 100kbit, 54mbit or 1gbit "
		  "(at most 100gbit)");
	bad_value("net q\n\toption linux_name eth1\n\toption role mesh",
		  "role", "core", "expected mesh, lan or wan");
	bad_value("net q\n\toption linux_name eth1\n\toption role mesh",
		  "mtu", "575", "expected 576..9000");
}

/*
 * A community file in the shape LibreMesh's are (lime-example.txt): its
 * radio, upgrade and other-daemon options are accepted with one notice
 * each, the cloud's name is read from lime 'wifi', LibreMesh's names for
 * softmesh's options are taken (batadv_orig_interval, resolvers), a port's
 * role comes from its protocols; a misspelt option is still an error.
 */
static void test_libremesh_file(void)
{
	static const char text[] =
		"config lime system\n"
		"\toption hostname 'node-%M5%M6'\n"
		"\toption keep_on_upgrade 'libremesh minimum-essential'\n"
		"\toption firstbootwizard_configured false\n"
		"config lime network\n"
		"\toption primary_interface eth0\n"
		"\toption batadv_orig_interval '2000'\n"
		"\toption batadv_routing_algo 'BATMAN_IV'\n"
		"\tlist protocols ieee80211s\n"
		"\tlist protocols lan\n"
		"\tlist protocols anygw\n"
		"\tlist protocols batadv:%N1\n"
		"\tlist protocols babeld:17\n"
		"\tlist resolvers 198.51.100.53\n"
		"\tlist resolvers 2001:db8::53\n"
		"\toption bmx7_mtu '1500'\n"
		"\toption bmx7_pref_gw none\n"
		"\toption anygw_dhcp_start '2'\n"
		"config lime wifi\n"
		"\tlist modes 'ap'\n"
		"\tlist modes 'ieee80211s'\n"
		"\toption ap_ssid 'quintana.libre.org.ar'\n"
		"\toption apname_ssid 'quintana/%H'\n"
		"\toption ieee80211s_mesh_id 'LiMe'\n"
		"\toption country 'AR'\n"
		"config lime-wifi-band '2ghz'\n"
		"\toption channel '11'\n"
		"\toption htmode 'HT20'\n"
		"config lime-wifi-band '5ghz'\n"
		"\tlist channel '48'\n"
		"config wifi radio0\n"
		"\tlist modes 'ieee80211s'\n"
		"config generic_uci_config uhttpd\n"
		"\tlist uci_set 'uhttpd.main.redirect_https=0'\n"
		"config net lan1\n"
		"\toption linux_name 'lan1'\n"
		"\tlist protocols 'batadv:%N1'\n"
		"\tlist protocols 'babeld:17'\n"
		"config net users\n"
		"\toption linux_name 'lan2'\n"
		"\tlist protocols 'lan'\n"
		"config net up\n"
		"\toption linux_name 'eth1'\n"
		"\tlist protocols 'wan'\n"
		"\toption autogenerated 'false'\n";
	struct mc_conf *c = NULL;
	char *errs;
	const struct mc_conf_section *net;
	int notices = 0;

	CHECK_INT(load_text(&c, text, test_mac, &errs), 0);
	for (const char *p = errs; (p = strstr(p, ": notice: ")); p++)
		notices++;
	/* 2 system, 4 network (ieee80211s; babeld runs), 4 wifi (modes once), 3 section
	 * types (lime-wifi-band once), 1 net (autogenerated) */
	if (notices != 14)
		fprintf(stderr, "%s", errs);
	CHECK_INT(notices, 14);
	CHECK(strstr(errs, "t.conf:3: notice: LibreMesh's option 'keep_on_upgrade' of lime 'system' "
			   "is not used by softmesh") != NULL);
	CHECK(strstr(errs, "t.conf:26: notice: LibreMesh's lime-wifi-band sections are not used") != NULL);
	CHECK(strstr(errs, "error") == NULL);
	free(errs);
	net = mc_conf_section(c, "network");
	CHECK_STR(mc_conf_get_str(net, "ap_ssid"), "quintana.libre.org.ar");
	CHECK_STR(mc_conf_get_str(net, "orig_interval"), "2000");
	CHECK_INT((int)mc_conf_list_len(net, "dns_upstream"), 2);
	CHECK_STR(mc_conf_list_get(net, "dns_upstream", 1), "2001:db8::53");
	/* md5("quintana.libre.org.ar\n") gives the cloud; the hostname expands */
	CHECK_STR(mc_conf_get_str(mc_conf_section(c, "system"), "hostname"), "node-0b0c");
	CHECK_STR(mc_conf_get_str(mc_conf_section(c, "lan1"), "role"), "mesh");
	CHECK_STR(mc_conf_get_str(mc_conf_section(c, "users"), "role"), "lan");
	CHECK_STR(mc_conf_get_str(mc_conf_section(c, "up"), "role"), "wan");
	CHECK_INT((int)mc_conf_list_len(mc_conf_section(c, "lan1"), "protocols"), 2);
	mc_conf_free(c);

	/* a misspelling in a section softmesh reads is still an error */
	load_bad("config lime wifi\n\toption ap_sid 'x'\n", test_mac,
		 "t.conf:2: unknown option 'ap_sid' in section lime 'wifi' (softmesh reads "
		 "ap_ssid there)\n");
	load_bad("config lime network\n\toption batadv_orig_intervall '2000'\n", test_mac,
		 "t.conf:2: unknown option 'batadv_orig_intervall' in section lime 'network'\n");
	load_bad("config net p\n\toption linux_name 'eth9'\n\tlist protocols 'manual'\n", test_mac,
		 "t.conf:1: section net 'p' needs role (mesh, lan or wan) or LibreMesh's "
		 "protocols (batadv:..., babeld:..., lan, wan)\n");
	/* the last ap_ssid read wins, wherever it is */
	c = load_ok("config lime wifi\n\toption ap_ssid 'A'\nconfig lime network\n"
		    "\toption ap_ssid 'B'\n");
	CHECK_STR(mc_conf_get_str(mc_conf_section(c, "network"), "ap_ssid"), "B");
	mc_conf_free(c);
}

/* main_ipv4/ipv6_address in LibreMesh's forms; the reserved addresses;
 * the anycast addresses following the node's network (issue 15). */
static const char *addr_of(const uint8_t *mac, const char *net, const char *opt, char **errs)
{
	static char out[64];
	struct mc_conf *c = NULL;
	char text[256];

	snprintf(text, sizeof(text), "config lime network\n\toption ap_ssid 'LibreMesh.org'\n%s",
		 net);
	out[0] = 0;
	if (mc_conf_load_string(&c, sm_conf_schema(), "t.conf", text, strlen(text), mac,
				NULL) == 0)
		snprintf(out, sizeof(out), "%s", mc_conf_get_str(mc_conf_section(c, "network"), opt));
	mc_conf_free(c);
	if (errs)
		load_text(&c, text, mac, errs), mc_conf_free(c);
	return out;
}

static void test_libremesh_addresses(void)
{
	static const uint8_t m0000[6] = { 2, 0, 0, 1, 0, 0 }, m0001[6] = { 2, 0, 0, 1, 0, 1 },
			     mffff[6] = { 2, 0, 0, 1, 0xff, 0xff };
	char *errs;

	/* a network: the host part is M4 M5 M6 modulo the host space */
	CHECK_STR(addr_of(test_mac, "\toption main_ipv4_address '10.%N1.0.0/16'\n",
			  "main_ipv4_address", NULL), "10.13.11.12/16");
	CHECK_STR(addr_of(test_mac, "\toption main_ipv4_address '10.%N1.0.0/16'\n",
			  "anygw_ipv4", NULL), "10.13.0.1/16");
	CHECK_STR(addr_of(test_mac, "\toption main_ipv4_address '10.0.128.0/16/17'\n",
			  "main_ipv4_address", NULL), "10.0.139.12/16");
	CHECK_STR(addr_of(test_mac, "\toption main_ipv4_address '10.0.128.0/16/17'\n",
			  "anygw_ipv4", NULL), "10.0.0.1/16");
	CHECK_STR(addr_of(test_mac, "\toption main_ipv4_address '192.168.7.0/24'\n",
			  "main_ipv4_address", NULL), "192.168.7.12/24");
	/* an address stays as written */
	CHECK_STR(addr_of(test_mac, "\toption main_ipv4_address '10.13.5.5/16'\n",
			  "main_ipv4_address", NULL), "10.13.5.5/16");
	/* never the network's, the anycast or the broadcast address */
	CHECK_STR(addr_of(m0000, "\toption main_ipv4_address '10.%N1.0.0/16'\n",
			  "main_ipv4_address", &errs), "10.13.255.254/16");
	CHECK(strstr(errs, "t.conf:3: notice: main_ipv4_address 10.13.0.0/16 is the network's "
			   "address: the node takes 10.13.255.254/16 instead") != NULL);
	free(errs);
	CHECK_STR(addr_of(m0001, "\toption main_ipv4_address '10.%N1.0.0/16'\n",
			  "main_ipv4_address", NULL), "10.13.255.254/16");
	CHECK_STR(addr_of(m0001, "", "main_ipv4_address", NULL), "10.13.255.254/16");
	CHECK_STR(addr_of(mffff, "\toption main_ipv4_address '10.%N1.0.0/16'\n",
			  "main_ipv4_address", NULL), "10.13.255.254/16");
	/* the anycast address at the top: the node one below it */
	CHECK_STR(addr_of(mffff, "\toption main_ipv4_address '10.%N1.0.0/16'\n"
			  "\toption anygw_ipv4 '10.%N1.255.254/16'\n", "main_ipv4_address", NULL),
		  "10.13.255.253/16");
	/* an explicit anycast address outside the node's network is refused */
	CHECK_STR(addr_of(test_mac, "\toption main_ipv4_address '10.%N1.0.0/16'\n"
			  "\toption anygw_ipv4 '10.99.0.1/16'\n", "main_ipv4_address", &errs), "");
	CHECK_STR(errs, "t.conf:4: anygw_ipv4 10.99.0.1/16 is outside the node's network "
		  "(main_ipv4_address 10.13.11.12/16): every node of a cloud serves the anycast "
		  "address of its network\n");
	free(errs);
	/* IPv6: at most 24 bits from the MAC; anygw the network's first host */
	CHECK_STR(addr_of(test_mac, "\toption main_ipv6_address 'fd%N1:%N2%N3:%N4%N5::/64'\n",
			  "main_ipv6_address", NULL), "fd0d:fe46:8ce8::a:b0c/64");
	CHECK_STR(addr_of(test_mac, "\toption main_ipv6_address 'fd00:1:2:3::/64'\n",
			  "anygw_ipv6", NULL), "fd00:1:2:3::1/64");
	/* a network needs the MAC */
	load_bad("config lime system\n\toption hostname 'h'\nconfig lime network\n"
		 "\toption main_ipv4_address '10.1.0.0/16'\n"
		 "\toption main_ipv6_address 'fd00::5/64'\n", NULL,
		 "t.conf:4: main_ipv4_address '10.1.0.0/16' is a network: the node's address in "
		 "it comes from the MAC, and there is none (set primary_mac in lime 'system')\n");
}

/* list protocols: what runs, the cloud's and a port's VLAN, and what is
 * refused (an unknown name, a VLAN that is not one, a DHCP range past
 * the network). */
static void test_libremesh_protocols(void)
{
	struct mc_conf *c = NULL;
	char *errs = NULL;
	const struct mc_conf_section *p;

	CHECK_INT(load_text(&c, "config lime network\n"
			    "\tlist protocols 'batadv:%N2'\n"
			    "\tlist protocols anygw\n"
			    "config net m\n\toption linux_name eth1\n"
			    "\tlist protocols 'batadv:12:8021ad:_batadv'\n"
			    "config net n\n\toption linux_name eth2\n"
			    "\tlist protocols 'babeld:17'\n", test_mac, &errs), 0);
	/* N2 = 0xfe: 29 + (254 - 13) mod 256 */
	CHECK_INT(mc_conf_cloud_vid(c), 270);
	CHECK(mc_conf_proto_wanted(c, "batadv"));
	CHECK(mc_conf_proto_wanted(c, "anygw"));
	CHECK(!mc_conf_proto_wanted(c, "l3route"));
	p = mc_conf_section(c, "m");
	CHECK_INT(mc_conf_port_vid(c, p), 12);
	p = mc_conf_section(c, "n");	/* a babeld port: the cloud's VLAN */
	CHECK_INT(mc_conf_port_vid(c, p), 270);
	CHECK_STR(mc_conf_get_str(p, "role"), "mesh");
	CHECK(!mc_conf_port_batman(c, p));	/* its list: babeld alone */
	CHECK(mc_conf_port_batman(c, mc_conf_section(c, "m")));
	CHECK(strstr(errs, "babeld") == NULL);	/* l2meshd runs it: no notice */
	CHECK(mc_conf_proto_wanted(c, "babeld") == false);	/* not in lime 'network''s list */
	int bv[4];
	CHECK_INT(mc_conf_port_proto_vids(c, p, "babeld", bv, 4), 1);
	CHECK_INT(bv[0], 17);
	mc_conf_free(c);
	free(errs);

	/* an explicit batadv_vlan wins over the list; no list runs all */
	CHECK_INT(load_text(&c, "config lime network\n\toption batadv_vlan 40\n"
			    "\tlist protocols 'batadv:%N1'\n", test_mac, &errs), 0);
	CHECK_INT(mc_conf_cloud_vid(c), 40);
	CHECK(!mc_conf_proto_wanted(c, "l3route"));
	mc_conf_free(c);
	free(errs);
	CHECK_INT(load_text(&c, "config lime network\n", test_mac, &errs), 0);
	CHECK(mc_conf_proto_wanted(c, "l3route") && mc_conf_proto_wanted(c, "batadv"));
	CHECK_INT(mc_conf_cloud_vid(c), 29);
	mc_conf_free(c);
	c = NULL;
	free(errs);

	static const struct { const char *text, *err; } bad[] = {
		{ "config lime network\n\tlist protocols batdv:%N1\n",
		  "t.conf:2: unknown protocol 'batdv:%N1' (known: batadv, anygw, l3route" },
		{ "config lime network\n\tlist protocols batadv:4095\n",
		  "t.conf:2: protocol 'batadv:4095': its VLAN is a number 0..4094 or %N1..%N6" },
		{ "config lime network\n\tlist protocols batadv:%M1\n",
		  "t.conf:2: protocol 'batadv:%M1': its VLAN" },
		{ "config net x\n\toption linux_name eth1\n\tlist protocols babeld:x\n",
		  "t.conf:3: protocol 'babeld:x': its VLAN is a number 0..4094\n" },
		{ "config lime network\n\toption main_ipv4_address 10.1.0.0/24\n"
		  "\toption anygw_dhcp_start 255\n",
		  "t.conf:3: anygw_dhcp_start 255 is past the last address of the /24 network (254)" },
		{ "config lime network\n\toption main_ipv4_address 10.1.0.0/24\n"
		  "\toption anygw_dhcp_start 100\n\toption anygw_dhcp_limit 156\n",
		  "t.conf:4: anygw_dhcp_limit 156 from anygw_dhcp_start 100 runs past the last "
		  "address of the /24 network (at most 155; 0 = to the end)" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(load_text(&c, bad[i].text, test_mac, &errs) < 0);
		if (!strstr(errs, bad[i].err))
			fprintf(stderr, "case %zu: %s", i, errs);
		CHECK(strstr(errs, bad[i].err) != NULL);
		mc_conf_free(c);
		c = NULL;
		free(errs);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1)
		golden_dir = argv[1];
	RUN(test_md5_rfc1321);
	RUN(test_md5_incremental);
	RUN(test_defaults_complete);
	RUN(test_golden);
	RUN(test_verbose_reparses);
	RUN(test_load_files);
	RUN(test_load_cb);
	RUN(test_load_cb_primary_mac);
	RUN(test_layer_override_and_lists);
	RUN(test_layer_list_kept);
	RUN(test_layer_anonymous_append);
	RUN(test_layer_type_clash);
	RUN(test_template_libremesh);
	RUN(test_template_forms);
	RUN(test_template_primary_mac);
	RUN(test_template_errors);
	RUN(test_template_no_mac);
	RUN(test_getters);
	RUN(test_bad_syntax);
	RUN(test_bad_required_and_clash);
	RUN(test_bad_line);
	RUN(test_bad_many);
	RUN(test_bad_values);
	RUN(test_libremesh_file);
	RUN(test_libremesh_addresses);
	RUN(test_libremesh_protocols);
	return check_exit();
}
