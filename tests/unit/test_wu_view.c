/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * webuid's reads (webui/shell/view.c) from fixture replies of the daemons
 * (doc/control.md; the leasesync records as leasesyncd gives them, data
 * escaped as alfred -r does) and a config loaded by the real loader.
 *
 * The cloud: this node n1, its neighbour n2 (heard on n2's port MAC, which
 * also shows as an originator), n3 behind n2 (the IPv4 gateway), a node
 * with no record; over layer 3 only: far, farther (the IPv6 gateway) and
 * lonely, reached through far.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "schemas/schemas.h"
#include "tests/unit/check.h"
#include "webui/shell/view.h"

#define SELF "02:5e:00:00:01:01"
#define SELF_PORT "02:5e:00:01:01:01"
#define N2 "02:5e:00:00:01:02"
#define N2_PORT "02:5e:00:01:02:01"
#define N3 "02:5e:00:00:01:03"
#define N3_PORT "02:5e:00:01:03:01"
#define NOREC "02:5e:00:00:09:09"	/* an originator without a record */
#define STRANGER "02:5e:00:01:07:01"	/* a neighbour without a record */
#define UNIX_NOW 1796586000

static const uint8_t MAC[6] = { 0x02, 0x5e, 0x00, 0x00, 0x01, 0x01 };

static const char L2_STATUS[] =
	"{\"daemon\":\"l2meshd\",\"uptime_s\":120,\"originator\":\"" SELF "\","
	"\"originators\":4,\"neighbors\":2,\"gateways\":0}";
static const char L2_ORIGS_N2[] =
	"{\"originator\":\"" N2 "\",\"last_seen_ms\":100,\"tq\":240,"
	"\"nexthop\":\"" N2_PORT "\",\"ifname\":\"m-a\",\"best\":true},"
	/* n2 heard under its port MAC too: one node still */
	"{\"originator\":\"" N2_PORT "\",\"last_seen_ms\":100,\"tq\":200,"
	"\"nexthop\":\"" N2_PORT "\",\"ifname\":\"m-a\",\"best\":true},"
	"{\"originator\":\"" NOREC "\",\"last_seen_ms\":900,\"tq\":50,"
	"\"nexthop\":\"" N2_PORT "\",\"ifname\":\"m-a\",\"best\":true}";
static const char L2_ORIGS_N3[] =
	"{\"originator\":\"" N3 "\",\"last_seen_ms\":300,\"tq\":180,"
	"\"nexthop\":\"" N2_PORT "\",\"ifname\":\"m-a\",\"best\":true},"
	/* n3 through the stranger too: not the stranger's own TQ */
	"{\"originator\":\"" N3 "\",\"last_seen_ms\":300,\"tq\":90,"
	"\"nexthop\":\"" STRANGER "\",\"ifname\":\"m-b\",\"best\":false}";
static const char L2_NEIGH[] =
	"[{\"ifname\":\"m-a\",\"neighbor\":\"" N2_PORT "\",\"last_seen_ms\":40},"
	"{\"ifname\":\"m-b\",\"neighbor\":\"" STRANGER "\",\"last_seen_ms\":60}]";
static const char L2_STATS[] =
	"{\"forward\":10,\"mgmt_rx\":20,\"we\\\"ird\\\\key\\n\":3,\"text\":\"x\",\"flag\":true}";
static const char L3_STATUS[] =
	"{\"daemon\":\"l3routed\",\"uptime_s\":100.7,\"short_id\":\"aaaa0001\",\"hostname\":\"n1\","
	"\"links\":4,\"originators\":6,\"routes\":4,\"kernel_routes\":3,"
	"\"stats\":{\"rx_malformed\":1,\"desc_bad_signature\":0,\"note\":\"x\"}}";
/* n2 on two ports at layer 3: the row of n2's port m-a takes that link */
static const char L3_LINKS[] =
	"[{\"ifname\":\"m-b\",\"short_id\":\"bbbb0002\",\"hostname\":\"n2\",\"rq\":100,"
	"\"tq\":100,\"rate_kbit\":1000,\"last_seen_ms\":20},"
	"{\"ifname\":\"m-a\",\"short_id\":\"bbbb0002\",\"hostname\":\"n2\",\"rq\":255,"
	"\"tq\":128,\"rate_kbit\":54000,\"last_seen_ms\":10},"
	"{\"ifname\":\"m-c\",\"short_id\":\"dddd0004\",\"hostname\":\"far\",\"rq\":200,"
	"\"tq\":255,\"rate_kbit\":1000,\"last_seen_ms\":30},"
	"{\"ifname\":\"m-c\",\"short_id\":\"abcd0009\",\"hostname\":\"\",\"rq\":10,"
	"\"tq\":20,\"rate_kbit\":null,\"last_seen_ms\":30}]";
static const char L3_ORIGS_N3[] =
	"{\"short_id\":\"cccc0003\",\"hostname\":\"n3\",\"reachable\":true,\"hops\":2,\"via\":\"n2\"},";
static const char L3_ORIGS_REST[] =
	"{\"short_id\":\"dddd0004\",\"hostname\":\"far\",\"reachable\":true,\"hops\":1,\"via\":\"far\"},"
	"{\"short_id\":\"eeee0005\",\"hostname\":\"farther\",\"reachable\":true,\"hops\":2,\"via\":\"far\"},"
	"{\"short_id\":\"gggg0007\",\"hostname\":\"lonely\",\"reachable\":true,\"hops\":3,\"via\":\"far\"},"
	"{\"short_id\":\"ffff0006\",\"hostname\":\"down\",\"reachable\":false,\"hops\":null}]";
static const char L3_ORIGS_N2[] =
	"[{\"short_id\":\"bbbb0002\",\"hostname\":\"n2\",\"reachable\":true,\"hops\":1,\"via\":\"n2\"},";
/* the IPv6 gateway first: the IPv4 one is "the" gateway still */
static const char L3_GWS[] =
	"{\"preference\":\"auto\",\"preference_source\":\"config\","
	"\"offer\":{\"state\":\"off\",\"down_kbit\":0,\"up_kbit\":0},\"gateways\":["
	"{\"short_id\":\"eeee0005\",\"hostname\":\"farther\",\"family\":\"ipv6\",\"down_kbit\":5000,"
	"\"up_kbit\":1000,\"path_kbit\":1000,\"score\":5,\"rank\":1,\"selected\":true,"
	"\"self\":false,\"why\":\"only ipv6\"},"
	"{\"short_id\":\"cccc0003\",\"hostname\":\"n3\",\"family\":\"ipv4\",\"down_kbit\":10000,"
	"\"up_kbit\":2000,\"path_kbit\":54000,\"score\":10,\"rank\":1,\"selected\":true,"
	"\"self\":false,\"why\":\"best score\"},"
	"{\"short_id\":\"dddd0004\",\"hostname\":\"far\",\"family\":\"ipv4\",\"down_kbit\":1000,"
	"\"up_kbit\":100,\"path_kbit\":1000,\"score\":1,\"rank\":2,\"selected\":false,"
	"\"self\":false,\"why\":\"lower score\"}]}";
static const char AC_STATUS[] = "{\"uptime_s\":50,\"leases\":2}";
static const char AC_LEASES[] =
	"[{\"mac\":\"aa:00:00:00:00:01\",\"ip\":\"10.13.200.1\",\"hostname\":\"phone\","
	"\"client_id\":\"\",\"state\":\"bound\",\"expires_s\":3000,\"node\":\"n1\"},"
	"{\"mac\":\"aa:00:00:00:00:02\",\"ip\":\"10.13.200.2\",\"hostname\":\"\","
	"\"client_id\":\"\",\"state\":\"offered\",\"expires_s\":30}]";
static const char AC_DHCP[] =
	"{\"discover\":10,\"offer\":9,\"ack\":8,\"pool_size\":200,\"pool_used\":2}";
static const char AC_DNS[] = "{\"queries\":5,\"local\":3,\"upstreams\":[\"192.0.2.53\"]}";
static const char LS_STATUS[] = "{\"uptime_s\":30}";
static const char LS_SYNC[] = "{\"records\":7,\"peers\":2,\"counters\":{\"rx\":5,\"tx\":6}}";

/* the node records' data, escaped as leasesyncd's `records` gives it */
static const char R68_SELF[] =
	"{\"hostname\":\"n1\",\"mac\":\"" SELF "\",\"ipv4\":\"10.13.1.1/16\",\"l3_id\":\"aaaa0001\","
	"\"gateway\":{\"offer\":\"off\"},\"clients\":2,\"neighbors\":[{\"mac\":\"" N2_PORT "\","
	"\"ifname\":\"m-a\",\"tq\":240}],\"originator\":\"" SELF "\",\"ports\":[\"" SELF_PORT "\"],"
	"\"l3_links\":[\"bbbb0002\",\"dddd0004\"]}\\x0a";
static const char R68_N2[] =
	"{\"hostname\":\"n2\",\"mac\":\"" N2 "\",\"ipv4\":\"10.13.1.2/16\",\"l3_id\":\"bbbb0002\","
	"\"gateway\":{\"offer\":\"off\"},\"clients\":1,\"neighbors\":["
	"{\"mac\":\"" SELF_PORT "\",\"ifname\":\"m-a\",\"tq\":230},"
	"{\"mac\":\"" N3_PORT "\",\"ifname\":\"m-x\",\"tq\":200}],"
	"\"originator\":\"" N2 "\",\"ports\":[\"" N2_PORT "\"],\"l3_links\":[\"aaaa0001\",\"cccc0003\"]}";
static const char R68_N3[] =
	"{\"hostname\":\"n3\",\"mac\":\"" N3 "\",\"ipv4\":\"10.13.1.3/16\",\"l3_id\":\"cccc0003\","
	"\"gateway\":{\"offer\":\"offered\",\"down_kbit\":10000,\"up_kbit\":2000},\"clients\":0,"
	"\"neighbors\":[{\"mac\":\"" N2_PORT "\",\"ifname\":\"m-y\",\"tq\":190}],"
	"\"originator\":\"" N3 "\",\"ports\":[\"" N3_PORT "\"],\"l3_links\":[\"bbbb0002\",\"eeee0005\"]}";
/* 66: EXPIRES MAC IP HOSTNAME SINCE, one line each */
static const char R66_N2[] =
	"1796586635 aa:00:00:00:00:03 10.13.201.3 laptop 1796583035\\x0a"
	"1796586600 aa:00:00:00:00:01 10.13.200.1 phone 1796583000\\x0a";
static const char R66_N3[] =
	"1796586000 aa:00:00:00:00:04 10.13.202.4 * 1796582400\\x0agarbage\\x0a";
static const char R66_NOREC[] = "1796585000 aa:00:00:00:00:05 10.13.203.5 tv 1796582400";

static const char CONF[] =
	"config lime 'system'\n"
	"\toption hostname 'n1'\n"
	"config lime 'network'\n"
	"\toption ap_ssid 'testcloud'\n"
	"\toption main_ipv4_address '10.13.1.1/16'\n";

static struct wv_data V;	/* big: WV_SEEN_MAX seen nodes */
static struct mc_conf *conf;

static json_object *parse(const char *s)
{
	json_object *o = json_tokener_parse(s);

	CHECK(o != NULL);
	return o;
}

static json_object *parse2(const char *a, const char *b, const char *c)
{
	char buf[8192];

	snprintf(buf, sizeof(buf), "%s%s%s", a, b, c);
	return parse(buf);
}

static json_object *rec(const char *source, int type, const char *data)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "source", json_object_new_string(source));
	json_object_object_add(r, "type", json_object_new_int(type));
	json_object_object_add(r, "version", json_object_new_int(0));
	if (data)
		json_object_object_add(r, "data", json_object_new_string(data));
	return r;
}

static void set(enum wv_slot s, json_object *o)
{
	json_object_put(V.c[s]);
	V.c[s] = o;
}

static void set_origs(bool with_n3)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "[%s%s%s]", L2_ORIGS_N2, with_n3 ? "," : "",
		 with_n3 ? L2_ORIGS_N3 : "");
	set(WV_L2_ORIGS, parse(buf));
	set(WV_L3_ORIGS, parse2(L3_ORIGS_N2, with_n3 ? L3_ORIGS_N3 : "", L3_ORIGS_REST));
}

static void setup(void)
{
	json_object *r68 = json_object_new_array(), *r66 = json_object_new_array();

	for (unsigned i = 0; i < WV_SLOTS; i++)
		set(i, NULL);
	memset(&V, 0, sizeof(V));
	if (!conf)
		CHECK_INT(mc_conf_load_string(&conf, sm_conf_schema(), "t.conf", CONF,
					      strlen(CONF), MAC, stderr), 0);
	V.conf = conf;
	V.password_set = true;
	V.up[WV_L2] = V.up[WV_L3] = V.up[WV_AC] = true;	/* leasesyncd is down */
	set(WV_L2_STATUS, parse(L2_STATUS));
	set_origs(true);
	set(WV_L2_NEIGH, parse(L2_NEIGH));
	set(WV_L2_STATS, parse(L2_STATS));
	set(WV_L3_STATUS, parse(L3_STATUS));
	set(WV_L3_LINKS, parse(L3_LINKS));
	set(WV_L3_GWS, parse(L3_GWS));
	set(WV_AC_STATUS, parse(AC_STATUS));
	set(WV_AC_LEASES, parse(AC_LEASES));
	set(WV_AC_DHCP, parse(AC_DHCP));
	set(WV_AC_DNS, parse(AC_DNS));
	set(WV_LS_STATUS, parse(LS_STATUS));
	set(WV_LS_SYNC, parse(LS_SYNC));
	json_object_array_add(r68, rec(SELF, 68, R68_SELF));
	json_object_array_add(r68, rec(N2, 68, R68_N2));
	json_object_array_add(r68, rec(N3, 68, R68_N3));
	json_object_array_add(r68, rec(NOREC, 68, "not json"));
	json_object_array_add(r68, rec(NOREC, 68, NULL));
	set(WV_LS_R68, r68);
	json_object_array_add(r66, rec(N2, 66, R66_N2));
	json_object_array_add(r66, rec(N3, 66, R66_N3));
	json_object_array_add(r66, rec(NOREC, 66, R66_NOREC));
	set(WV_LS_R66, r66);
}

/* --------------------------------------------------------- json helpers */

static json_object *get(json_object *o, const char *k)
{
	json_object *v = NULL;

	if (!o || !json_object_object_get_ex(o, k, &v))
		return NULL;
	return v;
}

static const char *gstr(json_object *o, const char *k)
{
	json_object *v = get(o, k);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* the int at k; -999 when missing, null or no number */
static long long gint(json_object *o, const char *k)
{
	json_object *v = get(o, k);

	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : -999;
}

static bool gbool(json_object *o, const char *k)
{
	json_object *v = get(o, k);

	CHECK(v && json_object_is_type(v, json_type_boolean));
	return json_object_get_boolean(v);
}

/* k is there, and null */
static bool is_null(json_object *o, const char *k)
{
	json_object *v = (json_object *)1;

	return o && json_object_object_get_ex(o, k, &v) && v == NULL;
}

static json_object *row_with(json_object *rows, const char *k, const char *v)
{
	for (size_t i = 0; i < json_object_array_length(rows); i++) {
		const char *s = gstr(json_object_array_get_idx(rows, i), k);

		if (s && !strcmp(s, v))
			return json_object_array_get_idx(rows, i);
	}
	return NULL;
}

static size_t count_with(json_object *rows, const char *k, const char *v)
{
	size_t n = 0;

	for (size_t i = 0; i < json_object_array_length(rows); i++) {
		const char *s = gstr(json_object_array_get_idx(rows, i), k);

		n += s && !strcmp(s, v);
	}
	return n;
}

static json_object *link_of(json_object *links, const char *a, const char *b, size_t *n)
{
	json_object *hit = NULL;

	*n = 0;
	for (size_t i = 0; i < json_object_array_length(links); i++) {
		json_object *l = json_object_array_get_idx(links, i);
		const char *x = gstr(l, "a"), *y = gstr(l, "b");

		if ((!strcmp(x, a) && !strcmp(y, b)) || (!strcmp(x, b) && !strcmp(y, a))) {
			hit = l;
			(*n)++;
		}
	}
	return hit;
}

static void check_path(json_object *map, const char *const *want, size_t n)
{
	json_object *p = get(map, "path");

	CHECK(p && json_object_is_type(p, json_type_array));
	CHECK_INT(json_object_array_length(p), n);
	for (size_t i = 0; i < n && i < json_object_array_length(p); i++)
		CHECK_STR(json_object_get_string(json_object_array_get_idx(p, i)), want[i]);
}

/* ---------------------------------------------------------------- tests */

static void test_unescape(void)
{
	char b[64];

	CHECK_INT(wv_unescape("a\\x0ab", b, sizeof(b)), 3);
	CHECK_STR(b, "a\nb");
	CHECK_INT(wv_unescape("\\x5c\\x41\\x42\\x7E", b, sizeof(b)), 4);
	CHECK_STR(b, "\\AB~");
	CHECK_INT(wv_unescape("plain", b, sizeof(b)), 5);
	CHECK_STR(b, "plain");
	/* no escape: kept as it is */
	CHECK_INT(wv_unescape("\\xzz\\x4", b, sizeof(b)), 7);
	CHECK_STR(b, "\\xzz\\x4");
	CHECK_INT(wv_unescape("\\", b, sizeof(b)), 1);
	CHECK_STR(b, "\\");
	/* an escaped NUL counts */
	CHECK_INT(wv_unescape("\\x00z", b, sizeof(b)), 2);
	CHECK(b[0] == 0 && b[1] == 'z' && b[2] == 0);
	/* the buffer bounds it, NUL included */
	CHECK_INT(wv_unescape("abcdef", b, 4), 3);
	CHECK_STR(b, "abc");
	CHECK_INT(wv_unescape("\\x41\\x42\\x43", b, 3), 2);
	CHECK_STR(b, "AB");
	CHECK_INT(wv_unescape("abc", b, 1), 0);
	CHECK_STR(b, "");
	b[0] = 'q';
	CHECK_INT(wv_unescape("abc", b, 0), 0);
	CHECK(b[0] == 'q');
}

static void test_what_json(void)
{
	char b[128];

	wv_what_json(WV_W_STATUS | WV_W_MAP | WV_W_SETTINGS, b, sizeof(b));
	CHECK_STR(b, "[\"status\",\"map\",\"settings\"]");
	wv_what_json(0, b, sizeof(b));
	CHECK_STR(b, "[]");
	wv_what_json(WV_W_ALL, b, sizeof(b));
	CHECK_STR(b, "[\"status\",\"neighbours\",\"map\",\"gateways\",\"clients\",\"settings\"]");
	memset(b, 'x', sizeof(b));
	wv_what_json(WV_W_ALL, b, 6);
	CHECK(strlen(b) < 6);
	CHECK(b[6] == 'x');
}

static void test_status(void)
{
	json_object *o, *node, *inet, *counts, *ds;

	setup();
	o = wv_status(&V);
	node = get(o, "node");
	CHECK_STR(gstr(node, "hostname"), "n1");
	CHECK_STR(gstr(node, "mac"), SELF);
	CHECK_STR(gstr(node, "ipv4"), "10.13.1.1");
	CHECK_STR(gstr(node, "cloud"), "testcloud");
	CHECK_STR(gstr(node, "domain"), "thisnode.info");
	CHECK_INT(gint(node, "uptime_s"), 120);
	CHECK(gstr(node, "version") && *gstr(node, "version"));
	CHECK(!gbool(o, "first_run"));

	inet = get(o, "internet");
	CHECK(gbool(inet, "ok"));
	CHECK(!gbool(inet, "self"));
	CHECK_STR(gstr(inet, "gateway"), "n3");	/* the IPv4 one */
	CHECK_STR(gstr(inet, "gateway_id"), "cccc0003");
	CHECK_INT(gint(inet, "down_kbit"), 10000);
	CHECK_INT(gint(inet, "up_kbit"), 2000);
	CHECK_STR(gstr(inet, "why"), "best score");

	counts = get(o, "counts");
	CHECK_INT(gint(counts, "clients"), 2);
	CHECK_INT(gint(counts, "cloud_clients"), 5);
	CHECK_INT(gint(counts, "neighbours"), 2);
	/* n1, n2 (heard as its originator and as its port), n3, NOREC */
	CHECK_INT(gint(counts, "nodes"), 4);
	CHECK_INT(gint(counts, "l3_nodes"), 6);

	ds = get(o, "daemons");
	CHECK(gbool(get(ds, "l2meshd"), "running"));
	CHECK_INT(gint(get(ds, "l2meshd"), "uptime_s"), 120);
	CHECK(gbool(get(ds, "anycastd"), "running"));
	CHECK(!gbool(get(ds, "leasesyncd"), "running"));
	CHECK(is_null(get(ds, "leasesyncd"), "uptime_s"));
	json_object_put(o);

	/* this node's own offer */
	set(WV_L3_GWS, parse("{\"offer\":{\"state\":\"offered\",\"down_kbit\":8000,"
			     "\"up_kbit\":800,\"why\":\"wan up\"},\"gateways\":[]}"));
	o = wv_status(&V);
	inet = get(o, "internet");
	CHECK(gbool(inet, "ok") && gbool(inet, "self"));
	CHECK_STR(gstr(inet, "gateway"), "n1");
	CHECK_STR(gstr(inet, "gateway_id"), "aaaa0001");
	CHECK_INT(gint(inet, "down_kbit"), 8000);
	json_object_put(o);

	/* nothing known: no Internet, no node but this one */
	for (unsigned i = 0; i < WV_SLOTS; i++)
		set(i, NULL);
	V.password_set = false;
	V.conf = NULL;
	o = wv_status(&V);
	CHECK(!gbool(get(o, "internet"), "ok"));
	CHECK(is_null(get(o, "internet"), "gateway"));
	CHECK_INT(gint(get(o, "counts"), "nodes"), 0);
	CHECK_INT(gint(get(o, "counts"), "cloud_clients"), 0);
	CHECK(gbool(o, "first_run"));
	CHECK(is_null(get(o, "node"), "mac"));
	json_object_put(o);
}

static void test_neighbours(void)
{
	json_object *o, *rows, *r, *l3;

	setup();
	o = wv_neighbours(&V);
	rows = get(o, "neighbours");
	CHECK_INT(json_object_array_length(rows), 5);

	/* n2 by its record's name; the best TQ of its own originators (240,
	 * not n3's through it); its l3 link on the same port */
	r = json_object_array_get_idx(rows, 0);
	CHECK_STR(gstr(r, "name"), "n2");
	CHECK_STR(gstr(r, "mac"), N2_PORT);
	CHECK_STR(gstr(r, "ifname"), "m-a");
	CHECK_INT(gint(r, "tq"), 240);
	CHECK_INT(gint(r, "tq_pct"), 94);
	CHECK_INT(gint(r, "last_seen_ms"), 40);
	l3 = get(r, "l3");
	CHECK_INT(gint(l3, "rq"), 255);
	CHECK_INT(gint(l3, "rq_pct"), 100);
	CHECK_INT(gint(l3, "tq"), 128);
	CHECK_INT(gint(l3, "tq_pct"), 50);
	CHECK_INT(gint(l3, "rate_kbit"), 54000);

	/* no record: named by its MAC; no TQ of its own */
	r = json_object_array_get_idx(rows, 1);
	CHECK_STR(gstr(r, "name"), STRANGER);
	CHECK(is_null(r, "tq") && is_null(r, "tq_pct") && is_null(r, "l3"));

	/* layer-3 links no batman neighbour took: n2's other port, another
	 * cloud's node, and one without a name yet (its short id) */
	r = json_object_array_get_idx(rows, 2);
	CHECK_STR(gstr(r, "name"), "n2");
	CHECK_STR(gstr(r, "ifname"), "m-b");
	CHECK(is_null(r, "mac") && is_null(r, "tq"));
	CHECK_INT(gint(get(r, "l3"), "rq_pct"), 39);
	r = json_object_array_get_idx(rows, 3);
	CHECK_STR(gstr(r, "name"), "far");
	CHECK_INT(gint(get(r, "l3"), "tq_pct"), 100);
	CHECK_INT(gint(r, "last_seen_ms"), 30);
	r = json_object_array_get_idx(rows, 4);
	CHECK_STR(gstr(r, "name"), "abcd0009");
	CHECK(is_null(get(r, "l3"), "rate_kbit"));
	json_object_put(o);

	/* a row without a neighbour is no row (and costs nothing: ASan);
	 * qualities out of 0..255 are 0 or 100 % */
	set(WV_L2_NEIGH, parse("[{\"ifname\":\"m-a\"},{\"neighbor\":7},"
			       "{\"neighbor\":\"" STRANGER "\"}]"));
	set(WV_L3_LINKS, parse("[{\"hostname\":\"q\",\"rq\":300,\"tq\":-4},"
			       "{\"hostname\":\"r\",\"rq\":9223372036854775807,\"tq\":1e300}]"));
	o = wv_neighbours(&V);
	rows = get(o, "neighbours");
	CHECK_INT(json_object_array_length(rows), 3);
	CHECK_STR(gstr(json_object_array_get_idx(rows, 0), "mac"), STRANGER);
	l3 = get(json_object_array_get_idx(rows, 1), "l3");
	CHECK_INT(gint(l3, "rq_pct"), 100);
	CHECK_INT(gint(l3, "tq_pct"), 0);
	l3 = get(json_object_array_get_idx(rows, 2), "l3");
	CHECK_INT(gint(l3, "rq_pct"), 100);
	CHECK_INT(gint(l3, "tq_pct"), 100);
	json_object_put(o);
	setup();

	/* without l3routed: the batman rows alone */
	set(WV_L3_LINKS, NULL);
	o = wv_neighbours(&V);
	rows = get(o, "neighbours");
	CHECK_INT(json_object_array_length(rows), 2);
	CHECK(is_null(json_object_array_get_idx(rows, 0), "l3"));
	json_object_put(o);
}

static void test_map(void)
{
	static const char *const to_n3[] = { SELF, N2, N3 };
	json_object *o, *nodes, *links, *n, *l;
	size_t k;

	setup();
	o = wv_map(&V, 1000000);
	CHECK_STR(gstr(o, "self"), SELF);
	nodes = get(o, "nodes");
	links = get(o, "links");
	/* n1, n2, n3, NOREC, the stranger; far, farther, lonely (l3) */
	CHECK_INT(json_object_array_length(nodes), 8);
	CHECK_INT(count_with(nodes, "id", N2), 1);
	CHECK(!row_with(nodes, "id", N2_PORT));
	CHECK(!row_with(nodes, "name", "down"));	/* not reachable */
	CHECK(!row_with(nodes, "id", "l3:cccc0003"));	/* n3 is an l2 node */

	n = row_with(nodes, "id", SELF);
	CHECK(gbool(n, "self"));
	CHECK_STR(gstr(n, "name"), "n1");
	CHECK_STR(gstr(n, "ipv4"), "10.13.1.1");
	CHECK_STR(gstr(n, "l3_id"), "aaaa0001");
	n = row_with(nodes, "id", N2);
	CHECK_STR(gstr(n, "name"), "n2");
	CHECK_STR(gstr(n, "ipv4"), "10.13.1.2");
	CHECK_INT(gint(n, "clients"), 1);
	CHECK_STR(gstr(n, "layer"), "l2");
	CHECK_STR(gstr(n, "state"), "up");
	CHECK(!gbool(n, "gateway") && !gbool(n, "self"));
	n = row_with(nodes, "id", N3);
	CHECK_STR(gstr(n, "name"), "n3");
	CHECK(gbool(n, "gateway"));
	n = row_with(nodes, "id", NOREC);
	CHECK_STR(gstr(n, "name"), NOREC);
	n = row_with(nodes, "id", "l3:dddd0004");
	CHECK_STR(gstr(n, "name"), "far");
	CHECK_STR(gstr(n, "layer"), "l3");
	CHECK(gbool(n, "gateway"));		/* it offers, not selected */
	CHECK(gbool(row_with(nodes, "id", "l3:eeee0005"), "gateway"));
	CHECK(row_with(nodes, "id", "l3:gggg0007") != NULL);

	/* each pair once; layer 2 wins (n2 also shares an l3 link with n1
	 * and n3 in its record); the best TQ of the pair's reports */
	CHECK_INT(json_object_array_length(links), 6);
	l = link_of(links, SELF, N2, &k);
	CHECK_INT(k, 1);
	CHECK_STR(gstr(l, "layer"), "l2");
	CHECK_INT(gint(l, "tq"), 240);
	l = link_of(links, N2, N3, &k);
	CHECK_INT(k, 1);
	CHECK_STR(gstr(l, "layer"), "l2");
	CHECK_INT(gint(l, "tq"), 200);
	l = link_of(links, SELF, STRANGER, &k);
	CHECK(k == 1 && is_null(l, "tq"));
	l = link_of(links, SELF, "l3:dddd0004", &k);
	CHECK(k == 1 && !strcmp(gstr(l, "layer"), "l3"));
	l = link_of(links, N3, "l3:eeee0005", &k);	/* from n3's record */
	CHECK(k == 1 && !strcmp(gstr(l, "layer"), "l3"));
	l = link_of(links, "l3:dddd0004", "l3:gggg0007", &k);	/* its via */
	CHECK(k == 1 && !strcmp(gstr(l, "layer"), "l3"));
	link_of(links, SELF, N3, &k);
	CHECK_INT(k, 0);

	/* the path to the selected IPv4 gateway */
	check_path(o, to_n3, 3);
	json_object_put(o);

	/* the IPv6 one alone: a node of another cloud, behind n3 */
	set(WV_L3_GWS, parse("{\"gateways\":[{\"short_id\":\"eeee0005\",\"hostname\":\"\","
			     "\"family\":\"ipv6\",\"selected\":true}]}"));
	o = wv_map(&V, 1000001);
	{
		static const char *const want[] = { SELF, N2, N3, "l3:eeee0005" };

		check_path(o, want, 4);
	}
	json_object_put(o);

	/* this node is the gateway */
	set(WV_L3_GWS, parse("{\"gateways\":[{\"short_id\":\"aaaa0001\",\"hostname\":\"n1\","
			     "\"family\":\"ipv4\",\"selected\":true,\"self\":true}]}"));
	o = wv_map(&V, 1000002);
	{
		static const char *const want[] = { SELF };

		check_path(o, want, 1);
	}
	json_object_put(o);

	/* a second selected gateway without a family (no crash): the first */
	set(WV_L3_GWS, parse("{\"gateways\":[{\"short_id\":\"cccc0003\",\"hostname\":\"n3\","
			     "\"family\":\"ipv6\",\"selected\":true},{\"selected\":true}]}"));
	o = wv_map(&V, 1000003);
	check_path(o, to_n3, 3);
	json_object_put(o);

	/* an originator not heard for more than five OGM intervals is no node */
	set(WV_L2_ORIGS, parse("[{\"originator\":\"02:5e:00:00:08:08\",\"last_seen_ms\":5001,"
			       "\"tq\":10,\"nexthop\":\"" N2_PORT "\"}]"));
	o = wv_map(&V, 1000004);
	CHECK(!row_with(get(o, "nodes"), "id", "02:5e:00:00:08:08"));
	json_object_put(o);
}

static void test_map_gone(void)
{
	static const char *const none[] = { NULL };
	static const char *const to_n3[] = { SELF, N2, N3 };
	const uint64_t t = 5000000;
	json_object *o, *n;

	setup();
	o = wv_map(&V, t);
	check_path(o, to_n3, 3);
	json_object_put(o);

	/* n3 is gone from every table (its record stays, as records do) */
	set_origs(false);
	o = wv_map(&V, t + 1000);
	n = row_with(get(o, "nodes"), "id", N3);
	CHECK(n != NULL);
	CHECK_STR(gstr(n, "state"), "gone");
	CHECK_STR(gstr(n, "name"), "n3");
	CHECK_INT(count_with(get(o, "nodes"), "id", N3), 1);
	CHECK_STR(gstr(row_with(get(o, "nodes"), "id", N2), "state"), "up");
	/* no path through a node that is gone, nor links to it */
	check_path(o, none, 0);
	CHECK(!row_with(get(o, "links"), "a", N3) && !row_with(get(o, "links"), "b", N3));
	json_object_put(o);

	o = wv_map(&V, t + WV_GONE_MS - 1);
	CHECK_STR(gstr(row_with(get(o, "nodes"), "id", N3), "state"), "gone");
	json_object_put(o);
	o = wv_map(&V, t + WV_GONE_MS);
	CHECK(!row_with(get(o, "nodes"), "id", N3));
	json_object_put(o);

	/* back again: up */
	set_origs(true);
	o = wv_map(&V, t + WV_GONE_MS + 1);
	CHECK_STR(gstr(row_with(get(o, "nodes"), "id", N3), "state"), "up");
	check_path(o, to_n3, 3);
	json_object_put(o);
}

/* An id too long to remember (a record's originator is any string) is
 * shown, but never as a phantom gone copy of itself. */
static void test_map_long_id(void)
{
	static const char long_id[] =
		"originator-of-a-node-record-that-is-much-longer-than-a-mac";
	json_object *o;

	setup();
	set(WV_L2_ORIGS, parse("[{\"originator\":\"" N2 "\",\"last_seen_ms\":1,"
			       "\"nexthop\":\"" N2_PORT "\",\"tq\":100}]"));
	json_object_array_add(V.c[WV_LS_R68],
			      rec(N2, 68, "{\"hostname\":\"long\",\"originator\":\""
				  "originator-of-a-node-record-that-is-much-longer-than-a-mac\"}"));
	json_object_array_del_idx(V.c[WV_LS_R68], 1, 1);	/* n2's own */
	for (uint64_t t = 7000000; t < 7000003; t++) {
		o = wv_map(&V, t);
		CHECK(row_with(get(o, "nodes"), "id", long_id) != NULL);
		CHECK(!row_with(get(o, "nodes"), "state", "gone"));
		json_object_put(o);
	}
}

static void test_gateways(void)
{
	json_object *o, *rows, *r;

	setup();
	o = wv_gateways(&V);
	CHECK_STR(gstr(o, "preference"), "auto");
	CHECK_STR(gstr(o, "preference_source"), "config");
	CHECK_STR(gstr(get(o, "offer"), "state"), "off");
	CHECK(gbool(o, "available"));
	rows = get(o, "gateways");
	CHECK_INT(json_object_array_length(rows), 3);
	r = row_with(rows, "id", "cccc0003");
	CHECK_STR(gstr(r, "name"), "n3");
	CHECK_INT(gint(r, "hops"), 2);
	CHECK_INT(gint(r, "path_kbit"), 54000);
	CHECK(gbool(r, "selected") && !gbool(r, "self"));
	r = row_with(rows, "id", "dddd0004");
	CHECK_INT(gint(r, "hops"), 1);
	CHECK(!gbool(r, "selected"));
	json_object_put(o);

	set(WV_L3_GWS, NULL);
	V.up[WV_L3] = false;
	o = wv_gateways(&V);
	CHECK_STR(gstr(o, "preference"), "auto");
	CHECK_INT(json_object_array_length(get(o, "gateways")), 0);
	CHECK(!gbool(o, "available"));
	json_object_put(o);
}

static void test_clients(void)
{
	json_object *o, *rows, *r;

	setup();
	o = wv_clients(&V, UNIX_NOW);
	rows = get(o, "clients");
	/* two here, laptop (n2), n3's nameless one, tv; n2's copy of phone
	 * is the lease here */
	CHECK_INT(json_object_array_length(rows), 5);
	CHECK_INT(count_with(rows, "mac", "aa:00:00:00:00:01"), 1);
	r = row_with(rows, "mac", "aa:00:00:00:00:01");
	CHECK(gbool(r, "here"));
	CHECK_STR(gstr(r, "node"), "n1");
	CHECK_INT(gint(r, "expires_s"), 3000);
	r = row_with(rows, "mac", "aa:00:00:00:00:02");
	CHECK(is_null(r, "hostname"));
	CHECK_STR(gstr(r, "node"), "n1");	/* this node's name, from the config */
	CHECK_STR(gstr(r, "state"), "offered");
	r = row_with(rows, "mac", "aa:00:00:00:00:03");
	CHECK_STR(gstr(r, "hostname"), "laptop");
	CHECK_STR(gstr(r, "ip"), "10.13.201.3");
	CHECK_STR(gstr(r, "node"), "n2");	/* named from n2's node record */
	CHECK(!gbool(r, "here"));
	CHECK_STR(gstr(r, "state"), "bound");
	CHECK_INT(gint(r, "expires_s"), 635);
	r = row_with(rows, "mac", "aa:00:00:00:00:04");
	CHECK(is_null(r, "hostname"));		/* '*' */
	CHECK_STR(gstr(r, "node"), "n3");
	CHECK_INT(gint(r, "expires_s"), 0);
	r = row_with(rows, "mac", "aa:00:00:00:00:05");
	CHECK_STR(gstr(r, "node"), NOREC);	/* no record: its MAC */
	CHECK_INT(gint(r, "expires_s"), 0);	/* expired: 0, not negative */
	json_object_put(o);

	/* without a clock, no expiry for the cloud's */
	o = wv_clients(&V, 0);
	CHECK(is_null(row_with(get(o, "clients"), "mac", "aa:00:00:00:00:03"), "expires_s"));
	json_object_put(o);
}

static void test_settings(void)
{
	json_object *o;

	setup();
	o = wv_settings(&V);
	CHECK_STR(gstr(o, "hostname"), "n1");
	CHECK_STR(gstr(o, "ap_ssid"), "testcloud");
	CHECK(!gbool(o, "gateway"));
	CHECK_STR(gstr(o, "gateway_bandwidth"), "10mbit/2mbit");
	CHECK_STR(gstr(o, "preferred_gateway"), "auto");
	CHECK(gbool(o, "password_set"));
	json_object_put(o);
}

/* every sample line is NAME{LABELS} INTEGER, of a family declared by a
 * # TYPE line before it */
static void check_prometheus(const char *text)
{
	regex_t re;
	const char *line = text;
	char types[8192] = " ";

	CHECK_INT(regcomp(&re, "^[a-z_][a-z0-9_]*"
			  "(\\{[a-z_][a-z0-9_]*=\"([^\"\\\\]|\\\\.)*\""
			  "(,[a-z_][a-z0-9_]*=\"([^\"\\\\]|\\\\.)*\")*\\})? -?[0-9]+$",
			  REG_EXTENDED | REG_NOSUB), 0);
	while (*line) {
		size_t n = strcspn(line, "\n");
		char l[1024];

		CHECK(line[n] == '\n');		/* every line ends */
		snprintf(l, sizeof(l), "%.*s", (int)n, line);
		if (!strncmp(l, "# TYPE ", 7)) {
			char name[128];

			CHECK(sscanf(l + 7, "%127s", name) == 1);
			CHECK(strlen(types) + strlen(name) + 2 < sizeof(types));
			strcat(types, name);
			strcat(types, " ");
			CHECK(strstr(l, " gauge") || strstr(l, " counter"));
		} else if (l[0] != '#') {
			char name[130];
			int ok = regexec(&re, l, 0, NULL, 0) == 0;

			if (!ok)
				fprintf(stderr, "not Prometheus text: %s\n", l);
			CHECK(ok);
			snprintf(name, sizeof(name), " %.*s ", (int)strcspn(l, "{ "), l);
			CHECK(strstr(types, name) != NULL);
		}
		line += n + (line[n] ? 1 : 0);
	}
	regfree(&re);
}

static char *metrics(void)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	CHECK(f != NULL);
	wv_metrics(&V, f);
	fclose(f);
	return out;
}

static void test_metrics(void)
{
	char *m;

	setup();
	m = metrics();
	check_prometheus(m);
	CHECK(strstr(m, "\nsoftmesh_daemon_up{daemon=\"l2meshd\"} 1\n") != NULL);
	CHECK(strstr(m, "\nsoftmesh_daemon_up{daemon=\"leasesyncd\"} 0\n") != NULL);
	CHECK(strstr(m, "\nsoftmesh_daemon_uptime_seconds{daemon=\"l3routed\"} 100\n") != NULL);
	CHECK(strstr(m, "uptime_seconds{daemon=\"leasesyncd\"}") == NULL);	/* down */
	CHECK(strstr(m, "\nsoftmesh_l2_originators 4\n") != NULL);
	CHECK(strstr(m, "\nsoftmesh_l2_packets_total{name=\"forward\"} 10\n") != NULL);
	CHECK(strstr(m, "\nsoftmesh_l2_packets_total{name=\"we\\\"ird\\\\key\\n\"} 3\n") != NULL);
	CHECK(strstr(m, "name=\"text\"") == NULL && strstr(m, "name=\"flag\"") == NULL);
	CHECK(strstr(m, "\nsoftmesh_l3_events_total{name=\"rx_malformed\"} 1\n") != NULL);
	CHECK(strstr(m, "\nsoftmesh_l3_kernel_routes 3\n") != NULL);
	CHECK(strstr(m, "\nsoftmesh_gateway_offer 0\n") != NULL);
	CHECK(strstr(m, "\nsoftmesh_gateway_selected{family=\"ipv4\",gateway=\"n3\","
			"id=\"cccc0003\"} 1\n") != NULL);
	CHECK(strstr(m, "gateway=\"far\"") == NULL);		/* not selected */
	CHECK(strstr(m, "\nsoftmesh_dhcp_pool_size 200\n") != NULL);
	CHECK(strstr(m, "\nsoftmesh_dhcp_messages_total{name=\"ack\"} 8\n") != NULL);
	CHECK(strstr(m, "messages_total{name=\"pool_size\"}") == NULL);
	CHECK(strstr(m, "\nsoftmesh_dns_queries_total{name=\"queries\"} 5\n") != NULL);
	CHECK(strstr(m, "\nsoftmesh_leasesync_peers 2\n") != NULL);
	CHECK(strstr(m, "\nsoftmesh_leasesync_events_total{name=\"tx\"} 6\n") != NULL);
	CHECK(strstr(m, "\nsoftmesh_cloud_clients 5\n") != NULL);
	free(m);

	/* labels from the mesh are escaped; odd values stay numbers */
	set(WV_L3_GWS, parse("{\"offer\":{\"state\":\"offered\"},\"gateways\":["
			     "{\"hostname\":\"a\\\"b\\\\c\\nd\",\"short_id\":\"x\",\"family\":\"ipv4\","
			     "\"selected\":true},{\"selected\":true}]}"));
	set(WV_L2_STATUS, parse("{\"originators\":-3,\"neighbors\":1e30,\"gateways\":\"2\"}"));
	m = metrics();
	check_prometheus(m);
	CHECK(strstr(m, "gateway=\"a\\\"b\\\\c\\nd\"") != NULL);
	CHECK(strstr(m, "\nsoftmesh_gateway_offer 1\n") != NULL);
	CHECK(strstr(m, "\nsoftmesh_l2_originators -3\n") != NULL);
	CHECK(strstr(m, "softmesh_l2_gateways") == NULL);
	free(m);

	/* nothing at all: the daemons' lines alone */
	for (unsigned i = 0; i < WV_SLOTS; i++)
		set(i, NULL);
	memset(V.up, 0, sizeof(V.up));
	m = metrics();
	check_prometheus(m);
	CHECK(strstr(m, "\nsoftmesh_daemon_up{daemon=\"anycastd\"} 0\n") != NULL);
	CHECK(strstr(m, "cloud_clients") == NULL);
	free(m);
}

int main(void)
{
	RUN(test_unescape);
	RUN(test_what_json);
	RUN(test_status);
	RUN(test_neighbours);
	RUN(test_map);
	RUN(test_map_gone);
	RUN(test_map_long_id);
	RUN(test_gateways);
	RUN(test_clients);
	RUN(test_settings);
	RUN(test_metrics);
	for (unsigned i = 0; i < WV_SLOTS; i++)
		set(i, NULL);
	mc_conf_free(conf);
	return check_exit();
}
