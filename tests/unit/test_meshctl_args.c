/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meshctl's command lines (tools/meshctl/args.c) and targets
 * (tools/meshctl/target.c): every ping, traceroute and gw flag, global
 * options before and after the command, bad values, and the way from a
 * MAC, bat-hosts name or IP to the originator to probe, with bat-hosts
 * files written here and a fake translation table and neighbour table.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/check.h"
#include "tools/meshctl/args.h"
#include "tools/meshctl/target.h"

#define MAXARGS 16

static char err[MC_ARGS_ERRLEN];

/* argv from a space-separated line ("" for an empty argument is not needed) */
struct argv_buf {
	char text[256];
	char *v[MAXARGS + 1];
	int n;
};

static char **mkargv(struct argv_buf *b, const char *line)
{
	char *save = NULL;

	snprintf(b->text, sizeof(b->text), "%s", line);
	b->n = 0;
	for (char *t = strtok_r(b->text, " ", &save); t && b->n < MAXARGS;
	     t = strtok_r(NULL, " ", &save))
		b->v[b->n++] = t;
	b->v[b->n] = NULL;
	return b->v;
}

/* The argv of the last parse: targets and names point into it. */
static struct argv_buf last;

static void args(const char *line)
{
	err[0] = '\0';
	mkargv(&last, line);
}

/* ping("ping -c 2 x", &a): parses the line with mc_args_ping */
#define ping(line, a) (args(line), mc_args_ping(last.n, last.v, a, err, sizeof(err)))
#define trace(line, a) (args(line), mc_args_trace(last.n, last.v, a, err, sizeof(err)))
#define gw(line, a) (args(line), mc_args_gw(last.n, last.v, a, err, sizeof(err)))
#define global(line, a) (args(line), mc_args_global(last.n, last.v, a, err, sizeof(err)))
#define plain(line, a) (args(line), mc_args_plain(last.n, last.v, a, err, sizeof(err)))
#define monitor(line, a) (args(line), mc_args_monitor(last.n, last.v, a, err, sizeof(err)))

/* call fails with -EINVAL and a message holding text */
#define CHECK_REFUSED(call, text) \
	do { \
		CHECK_INT(call, -EINVAL); \
		CHECK(err_has(text)); \
	} while (0)

static bool err_has(const char *s)
{
	if (strstr(err, s))
		return true;
	fprintf(stderr, "  error '%s' lacks '%s'\n", err, s);
	return false;
}

/* ------------------------------------------------------------- global */

static void test_global_before_command(void)
{
	struct mc_args_global g;
	struct mc_args_ping p;

	CHECK_INT(global("meshctl -r /tmp/x --json -t 300 --bat-hosts /tmp/bh ping -c 2 -t 3 "
			 "aa:bb:cc:dd:ee:01", &g), 0);
	CHECK_STR(g.rundir, "/tmp/x");
	CHECK_STR(g.bat_hosts, "/tmp/bh");
	CHECK(g.json);
	CHECK_INT(g.timeout_ms, 300);
	CHECK_INT(g.cmd, 8);
	CHECK_STR(last.v[g.cmd], "ping");
	/* what follows the command is the command's: -t is ping's timeout */
	CHECK_INT(mc_args_ping(last.n - g.cmd, last.v + g.cmd, &p, err, sizeof(err)), 0);
	CHECK_INT(p.count, 2);
	CHECK(p.timeout_s == 3.0);
	CHECK_STR(p.target, "aa:bb:cc:dd:ee:01");
}

static void test_global_after_command_is_the_commands(void)
{
	struct mc_args_global g;
	struct mc_args_plain pl;

	CHECK_INT(global("meshctl ping -c 2 -t 3 x", &g), 0);
	CHECK_INT(g.cmd, 1);
	CHECK_INT(g.timeout_ms, 0);	/* not taken from ping's -t */
	CHECK(!g.json);
	CHECK_INT(global("meshctl o --json", &g), 0);
	CHECK_INT(g.cmd, 1);
	CHECK(!g.json);
	CHECK_INT(plain("o --json", &pl), 0);
	CHECK(pl.json);
	CHECK_INT(pl.first, 2);
	/* a table has no -t: refused, not silently a timeout */
	CHECK_REFUSED(plain("o -t 5", &pl), "o: unknown option '-t'");
}

static void test_global_errors(void)
{
	struct mc_args_global g;

	CHECK_REFUSED(global("meshctl -x status", &g), "meshctl: unknown option '-x'");
	CHECK_REFUSED(global("meshctl --nope status", &g), "'--nope'");
	CHECK_REFUSED(global("meshctl --timeout", &g), "needs a value");
	CHECK_REFUSED(global("meshctl -t 0 status", &g), "bad --timeout '0'");
	CHECK_REFUSED(global("meshctl -t 5s status", &g), "bad --timeout '5s'");
	CHECK_INT(global("meshctl -h", &g), MC_ARGS_HELP);
	CHECK_INT(global("meshctl --json", &g), 0);
	CHECK_INT(g.cmd, 2);	/* no command: argc */
}

/* --------------------------------------------------------------- ping */

static void test_ping_defaults(void)
{
	struct mc_args_ping a;

	CHECK_INT(ping("ping 02:5e:00:00:01:05", &a), 0);
	CHECK_INT(a.count, 0);			/* until interrupted, as batctl */
	CHECK(a.interval_s == 0);		/* one per timeout */
	CHECK(a.timeout_s == 1.0);
	CHECK_INT(a.ttl, 50);
	CHECK(!a.no_translate);
	CHECK_STR(a.target, "02:5e:00:00:01:05");
}

static void test_ping_flags(void)
{
	struct mc_args_ping a;

	CHECK_INT(ping("ping -c 2 -i 0.2 -t 3 -m 7 -T n5", &a), 0);
	CHECK_INT(a.count, 2);
	CHECK(a.interval_s == 0.2);
	CHECK(a.timeout_s == 3.0);
	CHECK_INT(a.ttl, 7);
	CHECK(a.no_translate);
	CHECK_STR(a.target, "n5");
	/* after the target, glued values, clustered flags */
	CHECK_INT(ping("ping 10.13.250.2 -c2 -i.5", &a), 0);
	CHECK_INT(a.count, 2);
	CHECK(a.interval_s == 0.5);
	CHECK_STR(a.target, "10.13.250.2");
	CHECK_INT(ping("ping -Tc 3 c2", &a), 0);
	CHECK(a.no_translate);
	CHECK_INT(a.count, 3);
	CHECK_INT(ping("ping -t 0.25 -m 255 -- c2", &a), 0);
	CHECK(a.timeout_s == 0.25);
	CHECK_INT(a.ttl, 255);
	CHECK_INT(ping("ping -h", &a), MC_ARGS_HELP);
}

static void test_ping_bad_counts(void)
{
	static const char *const bad[] = { "0", "-1", "abc", "2x", "1.5", "99999999999", "+3" };
	struct mc_args_ping a;
	char line[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "ping -c %s x", bad[i]);
		CHECK_REFUSED(ping(line, &a), "bad count");
	}
	CHECK_REFUSED(ping("ping x -c", &a), "option '-c' needs a value");
}

static void test_ping_bad_times(void)
{
	static const char *const bad[] = {
		"0", "-1", "abc", "0.0001", "1e3", "inf", "nan", "1.2.3", ".", "0x10", "86401",
	};
	struct mc_args_ping a;
	char line[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "ping -i %s x", bad[i]);
		CHECK_REFUSED(ping(line, &a), "bad interval");
		snprintf(line, sizeof(line), "ping -t %s x", bad[i]);
		CHECK_REFUSED(ping(line, &a), "bad timeout");
	}
	CHECK_REFUSED(ping("ping -m 0 x", &a), "bad TTL '0'");
	CHECK_INT(ping("ping -m 256 x", &a), -EINVAL);
}

static void test_ping_refused(void)
{
	struct mc_args_ping a;

	CHECK_REFUSED(ping("ping -R x", &a), "record route");
	CHECK_REFUSED(ping("ping -x x", &a), "ping: unknown option '-x'");
	CHECK_REFUSED(ping("ping --json x", &a), "unknown option '--json'");
	CHECK_REFUSED(ping("ping -c 2", &a), "no target");
	CHECK_REFUSED(ping("ping a b", &a), "one target only, not also 'b'");
}

/* --------------------------------------------------------- traceroute */

static void test_trace(void)
{
	struct mc_args_trace a;

	CHECK_INT(trace("traceroute 02:5e:00:00:01:05", &a), 0);
	CHECK_INT(a.max_ttl, 50);
	CHECK(!a.numeric && !a.no_translate);
	CHECK_INT(trace("tr -n -T -m 10 c2", &a), 0);
	CHECK(a.numeric && a.no_translate);
	CHECK_INT(a.max_ttl, 10);
	CHECK_STR(a.target, "c2");
	CHECK_INT(trace("tr c2 -nT", &a), 0);
	CHECK(a.numeric && a.no_translate);
	CHECK_INT(trace("tr -c 2 c2", &a), -EINVAL);	/* batctl's traceroute has no -c */
	CHECK(err_has("tr: unknown option '-c'"));
	CHECK_REFUSED(trace("tr -m 300 c2", &a), "bad TTL");
	CHECK_REFUSED(trace("tr", &a), "no target");
	CHECK_INT(trace("tr -h", &a), MC_ARGS_HELP);
}

/* ----------------------------------------------------------------- gw */

static void test_gw(void)
{
	struct mc_args_gw a;

	CHECK_INT(gw("gw", &a), 0);
	CHECK_INT(a.action, MC_GW_SHOW);
	CHECK(!a.json);
	CHECK_INT(gw("gw --json", &a), 0);
	CHECK(a.json);
	CHECK_INT(gw("gateways prefer g2", &a), 0);
	CHECK_INT(a.action, MC_GW_PREFER);
	CHECK_STR(a.who, "g2");
	CHECK_INT(gw("gw prefer auto --json", &a), 0);
	CHECK(a.json);
	CHECK_STR(a.who, "auto");
	CHECK_INT(gw("gw reset", &a), 0);
	CHECK_INT(a.action, MC_GW_RESET);
	CHECK_REFUSED(gw("gw prefer", &a), "prefer takes one name");
	CHECK_INT(gw("gw prefer a b", &a), -EINVAL);
	CHECK_REFUSED(gw("gw reset x", &a), "reset takes no operand");
	CHECK_REFUSED(gw("gw bogus", &a), "unknown subcommand 'bogus'");
	CHECK_INT(gw("gw -c 2", &a), -EINVAL);
}

static void test_monitor(void)
{
	struct mc_args_monitor a;

	CHECK_INT(monitor("monitor l2meshd icmp --count 3", &a), 0);
	CHECK_INT(a.count, 3);
	CHECK_STR(last.v[a.first], "l2meshd");
	CHECK_STR(last.v[a.first + 1], "icmp");
	CHECK_REFUSED(monitor("monitor -c 0 l2meshd", &a), "bad count '0'");
	CHECK_REFUSED(monitor("monitor -c 2", &a), "which daemon");
}

/* ------------------------------------------------------------- targets */

static void test_classify(void)
{
	CHECK_INT(mc_target_classify("02:5e:00:00:01:05"), MC_TARGET_MAC);
	CHECK_INT(mc_target_classify("02-5E-00-00-01-05"), MC_TARGET_MAC);
	CHECK_INT(mc_target_classify("10.13.250.2"), MC_TARGET_IPV4);
	CHECK_INT(mc_target_classify("fd0d:fe46:8ce8::c:2"), MC_TARGET_IPV6);
	CHECK_INT(mc_target_classify("::1"), MC_TARGET_IPV6);
	CHECK_INT(mc_target_classify("c2"), MC_TARGET_NAME);
	CHECK_INT(mc_target_classify("LiMe-000105"), MC_TARGET_NAME);
	CHECK_INT(mc_target_classify("10.13.250"), MC_TARGET_NAME);
	CHECK_INT(mc_target_classify("02:5e:00:00:01"), MC_TARGET_NAME);
	CHECK_INT(mc_target_classify(""), MC_TARGET_BAD);
	CHECK_INT(mc_target_classify("a b"), MC_TARGET_BAD);
	CHECK_INT(mc_target_classify("a\tb"), MC_TARGET_BAD);
	CHECK_INT(mc_target_classify("x\x01"), MC_TARGET_BAD);
	CHECK_INT(mc_target_classify("a123456789b123456789c123456789d123456789e123456789"),
		  MC_TARGET_BAD);	/* 50 > batctl's 49 */
}

static char tmpdir[] = "/tmp/sm-meshctl-args-XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[4][256];
	static int k;
	char *p = path[k++ % 4];
	FILE *f;

	snprintf(p, 256, "%s/%s", tmpdir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return p;
}

static const char *bathosts_text =
	"# lab names\n"
	"\n"
	"02:5e:00:00:01:01 n1\n"
	"  02:5e:00:00:01:05\tn5   trailing words are ignored\n"
	"02:5e:c1:00:00:02 c2\n"
	"zz:5e:00:00:01:09 bad\n"
	"02:5e:00:00:01:07\n"
	"02:5e:00:00:01:01 first\n"	/* a known MAC gets a new name */
	"02:5e:00:00:01:06 n5\n";	/* a known name moves to a new MAC */

static void test_bathosts_file(void)
{
	struct mc_bathosts h = { 0 };
	const char *path = write_file("bat-hosts", bathosts_text);
	char warn[512] = "";
	FILE *w = fmemopen(warn, sizeof(warn), "w");
	const struct mc_bathost *e;

	CHECK_INT(mc_bathosts_load(&h, path, w), 0);
	fclose(w);
	CHECK_INT(h.n, 3);
	CHECK((e = mc_bathosts_by_name(&h, "first")) && e->mac[5] == 0x01);
	CHECK(!mc_bathosts_by_name(&h, "n1"));
	CHECK((e = mc_bathosts_by_name(&h, "n5")) && e->mac[5] == 0x06);
	CHECK((e = mc_bathosts_by_mac(&h, (const uint8_t[6]){ 2, 0x5e, 0xc1, 0, 0, 2 })) &&
	      !strcmp(e->name, "c2"));
	CHECK(!mc_bathosts_by_mac(&h, (const uint8_t[6]){ 2, 0x5e, 0, 0, 1, 5 }));
	CHECK(strstr(warn, "bat-hosts:6: 'zz:5e:00:00:01:09' is not a MAC address"));
	CHECK(strstr(warn, "bat-hosts:7: want \"MAC name\""));
	/* the same file again adds nothing */
	CHECK_INT(mc_bathosts_load(&h, path, NULL), 0);
	CHECK_INT(h.n, 3);
	CHECK_INT(mc_bathosts_load(&h, "/nonexistent/bat-hosts", NULL), -ENOENT);
	mc_bathosts_free(&h);
}

/* batctl's order, then RUNDIR/bat-hosts, then --bat-hosts: the later wins */
static void test_bathosts_all(void)
{
	struct mc_bathosts h = { 0 };
	char dir[300], home[300];
	const struct mc_bathost *e;

	snprintf(home, sizeof(home), "%s/home", tmpdir);
	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	mkdir(home, 0700);
	mkdir(dir, 0700);
	setenv("HOME", home, 1);
	write_file("home/bat-hosts", "02:00:00:00:00:01 h1\n02:00:00:00:00:02 both\n");
	write_file("run/bat-hosts", "02:00:00:00:00:03 r3\n02:00:00:00:00:04 both\n");
	const char *extra = write_file("extra", "02:00:00:00:00:05 x5\n");
	CHECK_INT(mc_bathosts_load_all(&h, dir, extra, NULL), 0);
	CHECK(mc_bathosts_by_name(&h, "h1") && mc_bathosts_by_name(&h, "r3") &&
	      mc_bathosts_by_name(&h, "x5"));
	CHECK((e = mc_bathosts_by_name(&h, "both")) && e->mac[5] == 4);
	mc_bathosts_free(&h);
	CHECK_INT(mc_bathosts_load_all(&h, dir, "/nonexistent/extra", NULL), -ENOENT);
	mc_bathosts_free(&h);
}

/* the fake kernel neighbour table: c2's two addresses */
static int fake_neigh(void *user, const struct mc_ip *ip, uint8_t mac[6])
{
	uint8_t v4[4], v6[16];

	inet_pton(AF_INET, "10.13.250.2", v4);
	inet_pton(AF_INET6, "fd0d:fe46:8ce8::c:2", v6);
	if ((ip->family == AF_INET && !memcmp(ip->a, v4, 4)) ||
	    (ip->family == AF_INET6 && !memcmp(ip->a, v6, 16))) {
		memcpy(mac, (const uint8_t[6]){ 2, 0x5e, 0xc1, 0, 0, 2 }, 6);
		(*(int *)user)++;
		return 0;
	}
	return -ENOENT;
}

static const char *tg_json =
	"[{\"best\":false,\"client\":\"02:5e:c1:00:00:02\",\"vid\":-1,\"originator\":\"02:5e:00:00:01:04\"},"
	" {\"best\":true,\"client\":\"02:5e:c1:00:00:02\",\"vid\":-1,\"originator\":\"02:5e:00:00:01:05\"},"
	" {\"best\":false,\"client\":\"02:5e:c1:00:00:03\",\"vid\":-1,\"originator\":\"02:5e:00:00:01:03\"},"
	" {\"best\":true,\"client\":\"02:5e:00:00:01:05\",\"vid\":-1,\"originator\":\"02:5e:00:00:01:05\"}]";

struct resolved {
	int rc;
	char dst[MC_MAC_STRLEN];
	bool via_tt;
};

static struct resolved resolve(const char *arg, struct mc_resolve *r)
{
	struct mc_target t;
	struct resolved out = { 0 };

	err[0] = '\0';
	out.rc = mc_target_resolve(arg, r, &t, err, sizeof(err));
	if (out.rc == 0)
		mc_mac_format(t.dst, out.dst, sizeof(out.dst));
	out.via_tt = t.via_tt;
	return out;
}

static void test_resolve(void)
{
	struct mc_bathosts h = { 0 };
	int neigh_calls = 0;
	struct mc_resolve r = {
		.hosts = &h, .neigh = fake_neigh, .neigh_user = &neigh_calls, .translate = true,
		.tg = json_tokener_parse(tg_json),
		.tl = json_tokener_parse("[{\"client\":\"02:5e:c1:00:00:01\"}]"),
	};
	struct resolved x;

	mc_bathosts_load(&h, write_file("bat-hosts", bathosts_text), NULL);
	/* an originator: as it is */
	x = resolve("02:5e:00:00:01:01", &r);
	CHECK_INT(x.rc, 0);
	CHECK_STR(x.dst, "02:5e:00:00:01:01");
	CHECK(!x.via_tt);
	/* a client: its best row's originator, not the other one */
	x = resolve("02:5e:c1:00:00:02", &r);
	CHECK_STR(x.dst, "02:5e:00:00:01:05");
	CHECK(x.via_tt);
	/* a client with no best row is probed as it is (batctl's translate_mac) */
	x = resolve("02:5e:c1:00:00:03", &r);
	CHECK_STR(x.dst, "02:5e:c1:00:00:03");
	/* a bat-hosts name, then an IPv4 and an IPv6 address of the same client */
	x = resolve("c2", &r);
	CHECK_INT(x.rc, 0);
	CHECK_STR(x.dst, "02:5e:00:00:01:05");
	x = resolve("10.13.250.2", &r);
	CHECK_STR(x.dst, "02:5e:00:00:01:05");
	x = resolve("fd0d:fe46:8ce8::c:2", &r);
	CHECK_STR(x.dst, "02:5e:00:00:01:05");
	CHECK_INT(neigh_calls, 2);
	mc_bathosts_free(&h);
	json_object_put(r.tg);
	json_object_put(r.tl);
}

static void test_resolve_refused(void)
{
	struct mc_bathosts h = { 0 };
	int calls = 0;
	struct mc_resolve r = {
		.hosts = &h, .neigh = fake_neigh, .neigh_user = &calls, .translate = true,
		.tg = json_tokener_parse(tg_json),
		.tl = json_tokener_parse("[{\"client\":\"02:5e:c1:00:00:01\"}]"),
	};

	mc_bathosts_load(&h, write_file("bat-hosts", bathosts_text), NULL);
	CHECK_INT(resolve("nosuchhost", &r).rc, -ENOENT);
	CHECK(err_has("unknown name 'nosuchhost'"));
	CHECK_INT(resolve("10.13.250.99", &r).rc, -ENOENT);
	CHECK(err_has("10.13.250.99: no MAC address known"));
	CHECK_INT(resolve("a b", &r).rc, -EINVAL);
	CHECK_REFUSED(resolve("01:00:5e:00:00:01", &r).rc, "not a unicast MAC");
	CHECK_INT(resolve("00:00:00:00:00:00", &r).rc, -EINVAL);
	CHECK_INT(resolve("02:5e:c1:00:00:01", &r).rc, -EHOSTUNREACH);
	CHECK(err_has("is on this node"));
	/* -T: no lookup; the MAC must be an originator */
	r.translate = false;
	r.origs = json_tokener_parse("[{\"originator\":\"02:5e:00:00:01:05\"}]");
	CHECK_INT(resolve("c2", &r).rc, -EHOSTUNREACH);
	CHECK(err_has("c2 (02:5e:c1:00:00:02) is no originator"));
	struct resolved x = resolve("02:5e:00:00:01:05", &r);
	CHECK_INT(x.rc, 0);
	CHECK_STR(x.dst, "02:5e:00:00:01:05");
	CHECK(!x.via_tt);
	mc_bathosts_free(&h);
	json_object_put(r.tg);
	json_object_put(r.tl);
	json_object_put(r.origs);
}

static void test_numbers(void)
{
	double d;
	long l;

	CHECK_INT(mc_args_seconds("0.2", 0.001, 10, &d), 0);
	CHECK(d == 0.2);
	CHECK_INT(mc_args_seconds("10", 0.001, 10, &d), 0);
	CHECK_INT(mc_args_seconds("10.5", 0.001, 10, &d), -EINVAL);
	CHECK_INT(mc_args_seconds("", 0.001, 10, &d), -EINVAL);
	CHECK_INT(mc_args_long("42", 1, 100, &l), 0);
	CHECK_INT(l, 42);
	CHECK_INT(mc_args_long("", 1, 100, &l), -EINVAL);
	CHECK_INT(mc_args_long(" 4", 1, 100, &l), -EINVAL);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_global_before_command);
	RUN(test_global_after_command_is_the_commands);
	RUN(test_global_errors);
	RUN(test_ping_defaults);
	RUN(test_ping_flags);
	RUN(test_ping_bad_counts);
	RUN(test_ping_bad_times);
	RUN(test_ping_refused);
	RUN(test_trace);
	RUN(test_gw);
	RUN(test_monitor);
	RUN(test_classify);
	RUN(test_bathosts_file);
	RUN(test_bathosts_all);
	RUN(test_resolve);
	RUN(test_resolve_refused);
	RUN(test_numbers);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return check_exit();
}
