/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UCI text editing (conf_edit.h). A line is read only as far as its first
 * three words (keyword, section type or option name, section name), with
 * the lexer's quoting rules (conf_lex.c, doc/config.md "Syntax"); the rest
 * of a line is never rewritten unless the line is the option being set.
 */
#include "common/conf_edit.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

#define WORD_MAX 128

struct line {
	const char *p;		/* start */
	size_t len;		/* without the '\n' */
	size_t next;		/* offset of the next line */
};

/* Reads one word at *s (s < end): bare, '...' or "..." parts glued. 0 when
 * the line has no more words (end, or a comment); -1 for a word too long
 * or an open quote (the line is then left alone). */
static int word(const char **s, const char *end, char *w)
{
	const char *p = *s;
	size_t n = 0;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	if (p == end || *p == '#')
		return 0;
	while (p < end && *p != ' ' && *p != '\t' && *p != '\r' && *p != '#') {
		char q = *p;

		if (q == '\'' || q == '"') {
			for (p++; p < end && *p != q; p++) {
				if (q == '"' && *p == '\\' && p + 1 < end)
					p++;
				if (n + 1 >= WORD_MAX)
					return -1;
				w[n++] = *p;
			}
			if (p == end)
				return -1;
			p++;
		} else {
			if (q == '\\' && p + 1 < end)
				p++;
			if (n + 1 >= WORD_MAX)
				return -1;
			w[n++] = *p++;
		}
	}
	w[n] = 0;
	*s = p;
	return 1;
}

/* The first three words of a line (missing ones empty). */
static void words3(const struct line *l, char w[3][WORD_MAX])
{
	const char *s = l->p, *end = l->p + l->len;

	for (int i = 0; i < 3; i++)
		if (word(&s, end, w[i]) <= 0)
			for (; i < 3; i++)
				w[i][0] = 0;
}

static bool blank_or_comment(const struct line *l)
{
	char w[WORD_MAX];
	const char *s = l->p;

	return word(&s, l->p + l->len, w) == 0;
}

static struct line line_at(const char *text, size_t len, size_t off)
{
	const char *nl = memchr(text + off, '\n', len - off);
	struct line l = { text + off, 0, len };

	l.len = nl ? (size_t)(nl - (text + off)) : len - off;
	l.next = nl ? off + l.len + 1 : len;
	return l;
}

static bool writable(const char *v, size_t max)
{
	size_t n = strlen(v);

	if (n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return false;
	return true;
}

static bool plain_name(const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(v[i] == '_' || (v[i] >= '0' && v[i] <= '9') ||
		      (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z')))
			return false;
	return true;
}


/* 'value' with each ' written as '\'' (what the printer does) */
static void put_quoted(struct mc_str *o, const char *v)
{
	mc_str_putn(o, "'", 1);
	for (; *v; v++) {
		if (*v == '\'')
			mc_str_puts(o, "'\\''");
		else
			mc_str_putn(o, v, 1);
	}
	mc_str_putn(o, "'", 1);
}

static void put_option(struct mc_str *o, const char *opt, const char *value)
{
	mc_str_puts(o, "\toption ");
	mc_str_puts(o, opt);
	mc_str_putn(o, " ", 1);
	put_quoted(o, value);
	mc_str_putn(o, "\n", 1);
}

int mc_conf_edit_set(char **out, const char *text, size_t len, const char *type,
		     const char *name, const char *opt, const char *value)
{
	struct mc_str o = { 0 };
	size_t off = 0, sec_start = 0, sec_end = 0, insert_at = 0;
	bool in = false, found = false, done = false;
	char w[3][WORD_MAX];

	*out = NULL;
	if (!plain_name(type) || !plain_name(name) || !plain_name(opt) ||
	    (value && !writable(value, 1000)))
		return -EINVAL;
	/* find the last section of that name: later ones merge over earlier.
	 * Only `config` starts a section: the loader reads the options after
	 * a `package` line into the section before it. */
	for (off = 0; off < len;) {
		struct line l = line_at(text, len, off);

		words3(&l, w);
		if (!strcmp(w[0], "config")) {
			if (in)
				sec_end = off;
			in = !strcmp(w[1], type) && !strcmp(w[2], name);
			if (in) {
				found = true;
				sec_start = l.next;
				insert_at = l.next;
			}
		} else if (in && !blank_or_comment(&l)) {
			insert_at = l.next;
		}
		off = l.next;
	}
	if (in)
		sec_end = len;
	in = false;
	for (off = 0; off < len;) {
		struct line l = line_at(text, len, off);
		bool inside = found && off >= sec_start && off < sec_end;

		/* a removal goes from every section of that name, or an
		 * earlier one's value would load instead of the default */
		words3(&l, w);
		if (!strcmp(w[0], "config"))
			in = !strcmp(w[1], type) && !strcmp(w[2], name);
		if (inside || (in && !value)) {
			if ((!strcmp(w[0], "option") || !strcmp(w[0], "list")) &&
			    !strcmp(w[1], opt)) {
				if (!done && value && !strcmp(w[0], "option")) {
					/* keep the line's indentation */
					size_t ind = 0;

					while (ind < l.len && (l.p[ind] == ' ' || l.p[ind] == '\t'))
						ind++;
					mc_str_putn(&o, l.p, ind);
					mc_str_puts(&o, "option ");
					mc_str_puts(&o, opt);
					mc_str_putn(&o, " ", 1);
					put_quoted(&o, value);
					mc_str_putn(&o, "\n", 1);
					done = true;
				}
				off = l.next;
				if (off == insert_at && !done && value) {
					put_option(&o, opt, value);
					done = true;
				}
				continue;
			}
		}
		mc_str_putn(&o, l.p, l.next - off);
		if (l.next == len && l.len && l.p[l.len - 1] != '\n' && l.next - off == l.len)
			mc_str_putn(&o, "\n", 1);	/* a last line without '\n' */
		off = l.next;
		if (found && off == insert_at && !done && value) {
			put_option(&o, opt, value);
			done = true;
		}
	}
	if (!found && value) {
		if (o.len && o.p[o.len - 1] != '\n')
			mc_str_putn(&o, "\n", 1);
		mc_str_puts(&o, "\nconfig ");
		mc_str_puts(&o, type);
		mc_str_puts(&o, " '");
		mc_str_puts(&o, name);
		mc_str_puts(&o, "'\n");
		put_option(&o, opt, value);
	}
	if (!o.p)
		mc_str_putn(&o, "", 0);
	if (o.oom) {
		free(o.p);
		return -ENOMEM;
	}
	*out = o.p;
	return 0;
}
