/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The UCI lexer: one line into words. Quoting follows UCI: '...' is taken
 * literally, "..." and bare words take a backslash as "the next character
 * literally", and parts glue together up to a blank or '#'.
 */
#include "common/conf_int.h"

struct lex {
	const char *p, *end;	/* rest of the line */
	char *o;		/* output cursor into the word buffer */
};

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool is_ctrl(char ch)
{
	return (unsigned char)ch < 0x20 || ch == 0x7f;
}

/* One character outside quotes or inside "…": a backslash takes the next
 * character literally, as UCI does. */
static const char *lex_char(struct lex *lx, bool in_double)
{
	if (*lx->p == '\\') {
		if (++lx->p == lx->end)
			return in_double ? "unterminated quote" :
					   "backslash at end of line";
	}
	if (is_ctrl(*lx->p))
		return "control character in value";
	*lx->o++ = *lx->p++;
	return NULL;
}

static const char *lex_quoted(struct lex *lx)
{
	char q = *lx->p++;

	while (lx->p < lx->end && *lx->p != q) {
		if (q == '\'') {
			if (is_ctrl(*lx->p))
				return "control character in value";
			*lx->o++ = *lx->p++;
			continue;
		}
		const char *err = lex_char(lx, true);
		if (err)
			return err;
	}
	if (lx->p == lx->end)
		return "unterminated quote";
	lx->p++;
	return NULL;
}

/* A word: bare, '…' and "…" parts glued together up to a blank or '#'. */
static const char *lex_word(struct lex *lx)
{
	while (lx->p < lx->end && !is_blank(*lx->p) && *lx->p != '#') {
		const char *err;

		if (*lx->p == '\'' || *lx->p == '"')
			err = lex_quoted(lx);
		else
			err = lex_char(lx, false);
		if (err)
			return err;
	}
	*lx->o++ = '\0';
	return NULL;
}

const char *mc_conf_lex_line(const char *line, size_t len, char *buf, char **words,
			     int *nwords)
{
	struct lex lx = { .p = line, .end = line + len, .o = buf };

	*nwords = 0;
	for (;;) {
		while (lx.p < lx.end && is_blank(*lx.p))
			lx.p++;
		if (lx.p == lx.end || *lx.p == '#')
			return NULL;
		if (*nwords == CONF_LINE_WORDS)
			return "too many words on the line";
		words[(*nwords)++] = lx.o;
		const char *err = lex_word(&lx);
		if (err)
			return err;
	}
}
