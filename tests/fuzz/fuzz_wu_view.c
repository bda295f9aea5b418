/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * webuid's reads (webui/shell/view.c) fed any JSON as the daemons'
 * replies. An input is one header byte, then pieces separated by NUL
 * bytes, each a selector byte and then text:
 *   header   bits 0-3 the daemons up, bit 4 a password is set, bit 5 no
 *            config, bits 6-7 how far the clock moves between rounds
 *   selector bits 0-4 the slot (mod WV_SLOTS) the text's JSON goes to
 *            (text that does not parse: the slot is emptied); with bit 5
 *            the text is instead one more record row's `data` (records
 *            66 when bit 0 is set, else 68) from a source picked by bits
 *            1-2; bit 6: the piece is for the second round
 * Every read and the metrics are made after the first round's pieces,
 * then after the second's (the map a second time, later, so nodes go).
 *
 * Checked (abort() on failure, and ASan/LSan in those builds): every read
 * is an object that prints as JSON which parses back; the map's node ids
 * are unique, every link joins two of its nodes (another each) and no
 * pair twice, the path starts at this node and follows links, and a node
 * shown as gone is one the map showed before; every metrics line is a
 * # HELP/# TYPE comment or NAME{LABELS} INTEGER with escaped labels.
 */
#include <stdlib.h>
#include <string.h>

#include "schemas/schemas.h"
#include "webui/shell/view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) { \
	fprintf(stderr, "fuzz_wu_view.c:%d: %s\n", __LINE__, #c); abort(); } } while (0)

static const char *const sources[4] = {
	"02:5e:00:00:01:01", "02:5e:00:00:01:02", "02:5e:00:00:01:03", "",
};

static const char CONF[] =
	"config lime 'system'\n"
	"\toption hostname 'fuzz-node'\n"
	"config lime 'network'\n"
	"\toption main_ipv4_address '10.13.1.1/16'\n"
	"\toption orig_interval '2000'\n";

static struct wv_data v;	/* big: reset per input */

/* ids the map showed in earlier calls of this input */
static char **shown;
static size_t nshown, capshown;

static const struct mc_conf *conf(void)
{
	static struct mc_conf *c;
	static const uint8_t mac[6] = { 0x02, 0x5e, 0, 0, 1, 1 };

	if (!c)
		ENSURE(mc_conf_load_string(&c, sm_conf_schema(), "fuzz.conf", CONF,
					   strlen(CONF), mac, stderr) == 0);
	return c;
}

static void add_record(unsigned sel, const char *text)
{
	enum wv_slot s = sel & 1 ? WV_LS_R66 : WV_LS_R68;
	json_object *r = json_object_new_object();

	if (!v.c[s] || !json_object_is_type(v.c[s], json_type_array)) {
		json_object_put(v.c[s]);
		v.c[s] = json_object_new_array();
	}
	json_object_object_add(r, "source", json_object_new_string(sources[sel >> 1 & 3]));
	json_object_object_add(r, "type", json_object_new_int(s == WV_LS_R66 ? 66 : 68));
	json_object_object_add(r, "data", json_object_new_string(text));
	json_object_array_add(v.c[s], r);
}

/* the pieces of one round into v */
static void apply(const uint8_t *data, size_t size, unsigned round)
{
	size_t off = 0;

	while (off < size) {
		const uint8_t *end = memchr(data + off, 0, size - off);
		size_t n = end ? (size_t)(end - (data + off)) : size - off;
		unsigned sel = data[off];
		char *text;

		if (n && (sel >> 6 & 1) == round) {
			text = malloc(n);
			ENSURE(text);
			memcpy(text, data + off + 1, n - 1);
			text[n - 1] = 0;
			if (sel & 0x20) {
				add_record(sel, text);
			} else {
				json_object_put(v.c[(sel & 31) % WV_SLOTS]);
				v.c[(sel & 31) % WV_SLOTS] = json_tokener_parse(text);
			}
			free(text);
		}
		off += n + 1;
	}
}

/* o prints as JSON that parses back; then it is put */
static void check_json(json_object *o)
{
	json_object *back;

	ENSURE(o && json_object_is_type(o, json_type_object));
	back = json_tokener_parse(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	ENSURE(back);
	json_object_put(back);
	json_object_put(o);
}

static const char *sget(json_object *o, const char *k)
{
	json_object *x;

	if (!json_object_object_get_ex(o, k, &x) || !json_object_is_type(x, json_type_string))
		return NULL;
	return json_object_get_string(x);
}

static json_object *aget(json_object *o, const char *k)
{
	json_object *x;

	ENSURE(json_object_object_get_ex(o, k, &x) && json_object_is_type(x, json_type_array));
	return x;
}

static int node_index(json_object *nodes, const char *id)
{
	for (size_t i = 0; id && i < json_object_array_length(nodes); i++)
		if (!strcmp(sget(json_object_array_get_idx(nodes, i), "id"), id))
			return (int)i;
	return -1;
}

static bool linked(json_object *links, const char *a, const char *b)
{
	for (size_t i = 0; i < json_object_array_length(links); i++) {
		json_object *l = json_object_array_get_idx(links, i);
		const char *x = sget(l, "a"), *y = sget(l, "b");

		if ((!strcmp(x, a) && !strcmp(y, b)) || (!strcmp(x, b) && !strcmp(y, a)))
			return true;
	}
	return false;
}

static bool was_shown(const char *id)
{
	for (size_t i = 0; i < nshown; i++)
		if (!strcmp(shown[i], id))
			return true;
	return false;
}

static void remember(json_object *nodes)
{
	for (size_t i = 0; i < json_object_array_length(nodes); i++) {
		const char *id = sget(json_object_array_get_idx(nodes, i), "id");

		if (was_shown(id))
			continue;
		if (nshown == capshown) {
			capshown = capshown ? 2 * capshown : 64;
			shown = realloc(shown, capshown * sizeof(*shown));
			ENSURE(shown);
		}
		shown[nshown] = strdup(id);
		ENSURE(shown[nshown]);
		nshown++;
	}
}

static void check_map(json_object *m)
{
	json_object *nodes = aget(m, "nodes"), *links = aget(m, "links"), *path = aget(m, "path");
	const char *self = sget(m, "self");
	size_t nn = json_object_array_length(nodes), np = json_object_array_length(path);

	ENSURE(self && node_index(nodes, self) >= 0);
	for (size_t i = 0; i < nn; i++) {
		json_object *n = json_object_array_get_idx(nodes, i);
		const char *id = sget(n, "id"), *st = sget(n, "state");

		ENSURE(id && st && sget(n, "name") && sget(n, "layer"));
		ENSURE(node_index(nodes, id) == (int)i);
		if (!strcmp(st, "gone"))
			ENSURE(was_shown(id));
		else
			ENSURE(!strcmp(st, "up"));
	}
	for (size_t i = 0; i < json_object_array_length(links); i++) {
		json_object *l = json_object_array_get_idx(links, i);
		const char *a = sget(l, "a"), *b = sget(l, "b");

		ENSURE(a && b && strcmp(a, b));
		ENSURE(node_index(nodes, a) >= 0 && node_index(nodes, b) >= 0);
		for (size_t k = 0; k < i; k++) {
			json_object *e = json_object_array_get_idx(links, k);
			const char *x = sget(e, "a"), *y = sget(e, "b");

			ENSURE(!((!strcmp(x, a) && !strcmp(y, b)) || (!strcmp(x, b) && !strcmp(y, a))));
		}
	}
	for (size_t i = 0; i < np; i++) {
		const char *id = json_object_get_string(json_object_array_get_idx(path, i));
		int k = node_index(nodes, id);

		ENSURE(k >= 0);
		ENSURE(strcmp(sget(json_object_array_get_idx(nodes, (size_t)k), "state"), "gone"));
		if (i == 0)
			ENSURE(!strcmp(id, self));
		else
			ENSURE(linked(links, json_object_get_string(
						     json_object_array_get_idx(path, i - 1)), id));
	}
	remember(nodes);
}

static bool name_char(char c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (!first && c >= '0' && c <= '9');
}

/* NAME{LABEL="VALUE",...} INTEGER, values escaped as \\, \" and \n */
static bool sample_ok(const char *l, size_t n)
{
	size_t i = 0;

	if (!n || !name_char(l[0], true))
		return false;
	while (i < n && name_char(l[i], i == 0))
		i++;
	if (i < n && l[i] == '{') {
		do {
			size_t s = ++i;

			while (i < n && name_char(l[i], i == s))
				i++;
			if (i == s || i + 1 >= n || l[i] != '=' || l[i + 1] != '"')
				return false;
			for (i += 2; i < n && l[i] != '"'; i++)
				if (l[i] == '\\' && (++i >= n || !strchr("\\\"n", l[i])))
					return false;
			if (i++ >= n)
				return false;
		} while (i < n && l[i] == ',');
		if (i >= n || l[i++] != '}')
			return false;
	}
	if (i >= n || l[i++] != ' ')
		return false;
	if (i < n && l[i] == '-')
		i++;
	if (i >= n)
		return false;
	for (; i < n; i++)
		if (l[i] < '0' || l[i] > '9')
			return false;
	return true;
}

static void check_metrics(void)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ENSURE(f);
	wv_metrics(&v, f);
	fclose(f);
	ENSURE(out && strlen(out) == len);
	for (const char *l = out; *l;) {
		const char *nl = strchr(l, '\n');

		ENSURE(nl);
		if (*l == '#')
			ENSURE(!strncmp(l, "# HELP ", 7) || !strncmp(l, "# TYPE ", 7));
		else
			ENSURE(sample_ok(l, (size_t)(nl - l)));
		l = nl + 1;
	}
	free(out);
}

static void views(uint64_t now)
{
	char what[128];

	check_json(wv_status(&v));
	check_json(wv_neighbours(&v));
	json_object *m = wv_map(&v, now);

	check_map(m);
	check_json(m);
	check_json(wv_gateways(&v));
	check_json(wv_clients(&v, 1796586000));
	check_json(wv_clients(&v, 0));
	check_json(wv_settings(&v));
	check_metrics();
	wv_what_json(now & WV_W_ALL, what, sizeof(what));
	ENSURE(strlen(what) < sizeof(what));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t step[4] = { 0, 1000, WV_GONE_MS - 1, WV_GONE_MS };
	uint64_t now = 1000000;
	uint8_t h;

	if (!size)
		return 0;
	h = data[0];
	memset(&v, 0, sizeof(v));
	for (unsigned i = 0; i < WV_DAEMONS; i++)
		v.up[i] = h >> i & 1;
	v.password_set = h & 16;
	v.conf = h & 32 ? NULL : conf();
	nshown = 0;

	apply(data + 1, size - 1, 0);
	views(now);
	apply(data + 1, size - 1, 1);
	now += step[h >> 6];
	views(now);
	json_object_put(wv_map(&v, now + WV_GONE_MS));	/* and what stays then */

	for (unsigned i = 0; i < WV_SLOTS; i++)
		json_object_put(v.c[i]);
	for (size_t i = 0; i < nshown; i++)
		free(shown[i]);
	return 0;
}
