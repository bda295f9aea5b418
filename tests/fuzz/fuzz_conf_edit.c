/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz the UCI text editor (common/conf_edit.c). The first byte picks an
 * edit: bits 0-2 the option (section type, name, option), bits 3-7 the
 * value (NULL: remove; some values are refused); the rest is the text.
 *
 * Checked (abort() on failure): a refused value gives -EINVAL and no
 * text, any other edit a NUL-terminated one. For text without NUL bytes:
 * setting the same again changes nothing; the output is the input's
 * lines in order, minus `option`/`list` lines of the option, plus only the
 * option's own line and an appended section header (so no other line is
 * ever touched); and when the text loads with the real config loader:
 *   - a set loads exactly as the text with the section appended at its
 *     end (`config T 'N'` + the option: the last section wins), both
 *     loading or both refused;
 *   - a removal loads, and the option's value comes from the defaults.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/conf_edit.h"
#include "schemas/schemas.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) { \
	fprintf(stderr, "fuzz_conf_edit.c:%d: %s\n", __LINE__, #c); abort(); } } while (0)

static const uint8_t MAC[6] = { 0x02, 0x00, 0x00, 0x0a, 0x0b, 0x0c };

static const struct {
	const char *type, *name, *opt;
} targets[8] = {
	{ "lime", "system", "hostname" },
	{ "lime", "system", "log_level" },
	{ "lime", "system", "domain" },
	{ "lime", "network", "ap_ssid" },
	{ "lime", "network", "preferred_gateway" },
	{ "lime", "network", "dns_upstream" },		/* a list */
	{ "lime", "network", "gateway_bandwidth" },
	{ "net", "wan", "mtu" },
};

#define Q50 "''''''''''''''''''''''''''''''''''''''''''''''''''"
static const char *const values[32] = {
	NULL, "node-2", "it's", "'", "", "debug", "mesh.lan", "192.0.2.1",
	"20mbit/5mbit", "auto", "1400", "a # b", "x\"y\\z", "%M4%M5", "LiMe-%M6", "two words",
	"#", "\\", "''", "a'b'c", "fd00::1", "notice", "gw-1", "\xc3\xb1",
	Q50 Q50 Q50 Q50 Q50 Q50,	/* a line longer than the loader takes */
	"a\nb", "\t", "x\x7f", "\r", "config lime 'system'", "option", NULL,
};

static bool refused(const char *v)
{
	if (!v)
		return false;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return true;
	return strlen(v) > 1000;
}

static void put_quoted(char *o, const char *v)
{
	*o++ = '\'';
	for (; *v; v++) {
		if (*v == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *v;
		}
	}
	*o++ = '\'';
	*o = 0;
}

struct lines {
	const char **p;
	size_t *len, n;
};

static void split(struct lines *l, const char *t, size_t len)
{
	size_t cap = 1;

	for (size_t i = 0; i < len; i++)
		cap += t[i] == '\n';
	l->p = malloc(cap * sizeof(*l->p));
	l->len = malloc(cap * sizeof(*l->len));
	ENSURE(l->p && l->len);
	l->n = 0;
	for (size_t off = 0; off < len;) {
		const char *nl = memchr(t + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (t + off)) : len - off;

		l->p[l->n] = t + off;
		l->len[l->n++] = n;
		off += n + 1;
	}
}

static void lines_free(struct lines *l)
{
	free(l->p);
	free(l->len);
}

static bool line_is(const struct lines *l, size_t i, const char *s)
{
	return l->len[i] == strlen(s) && !memcmp(l->p[i], s, l->len[i]);
}

/* a line the edit may write: the option's, the appended header and the
 * blank line before it */
static bool written(const struct lines *l, size_t i, const char *opt_line,
		    const char *header)
{
	size_t ind = 0;

	while (ind < l->len[i] && (l->p[i][ind] == ' ' || l->p[i][ind] == '\t'))
		ind++;
	if (!opt_line)
		return false;
	if (l->len[i] == 0)
		return i + 1 < l->n && line_is(l, i + 1, header);
	return line_is(l, i, header) ||
	       (l->len[i] - ind == strlen(opt_line) &&
		!memcmp(l->p[i] + ind, opt_line, l->len[i] - ind));
}

/* The next word of a line, UCI's quoting undone (an open quote ends at
 * the end of the line); false at the end or a comment. */
static bool word(const char **s, const char *end, char *w, size_t cap)
{
	const char *p = *s;
	size_t n = 0;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	if (p == end || *p == '#')
		return false;
	while (p < end && *p != ' ' && *p != '\t' && *p != '\r' && *p != '#') {
		char q = *p;

		if (q == '\'' || q == '"') {
			for (p++; p < end && *p != q; p++) {
				if (q == '"' && *p == '\\' && p + 1 < end)
					p++;
				if (n + 1 < cap)
					w[n++] = *p;
			}
			p += p < end;
		} else {
			if (q == '\\' && p + 1 < end)
				p++;
			if (n + 1 < cap)
				w[n++] = *p;
			p++;
		}
	}
	w[n] = 0;
	*s = p;
	return true;
}

/* an `option OPT` or `list OPT` line */
static bool names(const struct lines *l, size_t i, const char *opt)
{
	const char *s = l->p[i], *end = s + l->len[i];
	char w0[16], w1[80];

	return word(&s, end, w0, sizeof(w0)) && word(&s, end, w1, sizeof(w1)) &&
	       (!strcmp(w0, "option") || !strcmp(w0, "list")) && !strcmp(w1, opt);
}

/* out is in's lines in order, but for lines the edit drops or writes */
static void check_lines(const char *in, size_t len, const char *out, const char *opt,
			const char *opt_line, const char *header)
{
	struct lines a, b;
	size_t i = 0, j = 0;

	split(&a, in, len);
	split(&b, out, strlen(out));
	while (i < a.n) {
		if (j < b.n && a.len[i] == b.len[j] && !memcmp(a.p[i], b.p[j], a.len[i])) {
			i++;
			j++;
		} else if (j < b.n && written(&b, j, opt_line, header)) {
			j++;
		} else {
			ENSURE(names(&a, i, opt));
			i++;
		}
	}
	for (; j < b.n; j++)
		ENSURE(written(&b, j, opt_line, header));
	lines_free(&a);
	lines_free(&b);
}

static size_t longest_line(const char *t)
{
	size_t best = 0;

	while (*t) {
		size_t n = strcspn(t, "\n");

		if (n > best)
			best = n;
		t += n + (t[n] ? 1 : 0);
	}
	return best;
}

static struct mc_conf *load(const char *t, size_t len)
{
	struct mc_conf *c = NULL;

	if (mc_conf_load_string(&c, sm_conf_schema(), "fuzz.conf", t, len, MAC, NULL))
		return NULL;
	return c;
}

static char *print(const struct mc_conf *c, bool verbose)
{
	char *out = NULL;
	size_t n;
	FILE *f = open_memstream(&out, &n);

	ENSURE(f);
	mc_conf_print(f, c, verbose);
	fclose(f);
	return out;
}

/* a set loads as the text with an overriding section at its end */
static void check_set(const char *in, size_t len, const char *out, const char *header,
		      const char *opt_line)
{
	size_t hl = strlen(header), ol = strlen(opt_line);
	char *over = malloc(len + hl + ol + 8), *p1, *p2;
	struct mc_conf *a, *b;
	size_t n = len;

	ENSURE(over);
	memcpy(over, in, len);
	if (n && over[n - 1] != '\n')
		over[n++] = '\n';
	n += (size_t)sprintf(over + n, "%s\n\t%s\n", header, opt_line);
	a = load(out, strlen(out));
	b = load(over, n);
	ENSURE(!a == !b);
	if (a) {
		p1 = print(a, false);
		p2 = print(b, false);
		ENSURE(!strcmp(p1, p2));
		free(p1);
		free(p2);
	}
	mc_conf_free(a);
	mc_conf_free(b);
	free(over);
}

/* after a removal the option's every value is the defaults' */
static void check_removed(const char *out, const char *header, const char *opt)
{
	struct mc_conf *c = load(out, strlen(out));
	char *p, *line;
	bool in = false;
	size_t hl = strlen(header), ol = strlen(opt);

	ENSURE(c);
	p = print(c, true);
	for (line = p; *line; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] ? 1 : 0)) {
		size_t n = strcspn(line, "\n");

		if (!strncmp(line, "config ", 7))
			in = !strncmp(line, header, hl) && (line[hl] == ' ' || line[hl] == '\n');
		if (in && (!strncmp(line, "\toption ", 8) || !strncmp(line, "\tlist ", 6))) {
			const char *w = strchr(line, ' ') + 1;

			if (!strncmp(w, opt, ol) && w[ol] == ' ')
				ENSURE(n >= 11 && !strncmp(line + n - 11, "  # default", 11));
		}
	}
	free(p);
	mc_conf_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data + 1, *type, *name, *opt, *value;
	size_t len = size ? size - 1 : 0;
	char *out = NULL, *again = NULL, *opt_line = NULL, header[160];
	struct mc_conf *c;
	int rc;

	if (!size)
		return 0;
	type = targets[data[0] & 7].type;
	name = targets[data[0] & 7].name;
	opt = targets[data[0] & 7].opt;
	value = values[data[0] >> 3];
	rc = mc_conf_edit_set(&out, text, len, type, name, opt, value);
	if (refused(value)) {
		ENSURE(rc == -EINVAL && !out);
		return 0;
	}
	ENSURE(rc == 0 && out);
	(void)strlen(out);	/* NUL-terminated, within its allocation */
	if (memchr(text, 0, len)) {
		free(out);
		return 0;
	}
	snprintf(header, sizeof(header), "config %s '%s'", type, name);
	if (value) {
		opt_line = malloc(strlen(opt) + 4 * strlen(value) + 16);
		ENSURE(opt_line);
		sprintf(opt_line, "option %s ", opt);
		put_quoted(opt_line + strlen(opt_line), value);
	}
	ENSURE(mc_conf_edit_set(&again, out, strlen(out), type, name, opt, value) == 0);
	ENSURE(!strcmp(again, out));
	check_lines(text, len, out, opt, opt_line, header);

	c = load(text, len);
	if (c && longest_line(out) <= MC_CONF_LINE_MAX) {
		if (value)
			check_set(text, len, out, header, opt_line);
		else
			check_removed(out, header, opt);
	}
	mc_conf_free(c);
	free(opt_line);
	free(again);
	free(out);
	return 0;
}
