/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tools/meshctl/table.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define CELL_MAX 128
#define COLS_MAX 24

static json_object *lookup(json_object *row, const char *key)
{
	char part[64];
	json_object *cur = row;

	while (cur && *key) {
		size_t n = strcspn(key, ".");
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, key, n);
		part[n] = '\0';
		if (!json_object_is_type(cur, json_type_object) ||
		    !json_object_object_get_ex(cur, part, &cur))
			return NULL;
		key += n + (key[n] == '.');
	}
	return cur;
}

static void fmt_duration(char *buf, size_t len, int64_t s)
{
	if (s < 0)
		snprintf(buf, len, "-");
	else if (s >= 86400)
		snprintf(buf, len, "%lldd%02lldh%02lldm", (long long)(s / 86400),
			 (long long)(s % 86400 / 3600), (long long)(s % 3600 / 60));
	else if (s >= 3600)
		snprintf(buf, len, "%lldh%02lldm%02llds", (long long)(s / 3600),
			 (long long)(s % 3600 / 60), (long long)(s % 60));
	else if (s >= 60)
		snprintf(buf, len, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(buf, len, "%llds", (long long)s);
}

const char *tbl_cell(const struct tbl_col *col, json_object *row, char *buf, size_t len)
{
	json_object *v = lookup(row, col->key);

	if (!v || json_object_is_type(v, json_type_null)) {
		snprintf(buf, len, col->fmt == TBL_BOOL_STAR ? " " : "-");
		return buf;
	}
	switch (col->fmt) {
	case TBL_INT:
		snprintf(buf, len, "%lld", (long long)json_object_get_int64(v));
		break;
	case TBL_SECS:
		snprintf(buf, len, "%.3fs", (double)json_object_get_int64(v) / 1000.0);
		break;
	case TBL_DURATION:
		fmt_duration(buf, len, json_object_get_int64(v));
		break;
	case TBL_BOOL_STAR:
		snprintf(buf, len, "%s", json_object_get_boolean(v) ? "*" : " ");
		break;
	case TBL_TQ:
		snprintf(buf, len, "(%3lld)", (long long)json_object_get_int64(v));
		break;
	case TBL_STR:
	default:
		snprintf(buf, len, "%s", json_object_get_string(v));
		break;
	}
	return buf;
}

static bool right_aligned(enum tbl_fmt fmt)
{
	return fmt == TBL_INT || fmt == TBL_SECS || fmt == TBL_DURATION;
}

void tbl_print(FILE *f, const struct tbl_col *cols, unsigned ncols, json_object *rows)
{
	size_t nrows = json_object_is_type(rows, json_type_array) ?
		       json_object_array_length(rows) : 0;
	size_t width[COLS_MAX];
	char buf[CELL_MAX];

	if (ncols > COLS_MAX)
		ncols = COLS_MAX;
	for (unsigned c = 0; c < ncols; c++)
		width[c] = strlen(cols[c].header);
	for (size_t r = 0; r < nrows; r++) {
		json_object *row = json_object_array_get_idx(rows, r);
		for (unsigned c = 0; c < ncols; c++) {
			size_t w = strlen(tbl_cell(&cols[c], row, buf, sizeof(buf)));
			if (w > width[c])
				width[c] = w;
		}
	}
	for (unsigned c = 0; c < ncols; c++)
		fprintf(f, "%s%-*s", c ? "  " : "", c + 1 < ncols ? (int)width[c] : 0,
			cols[c].header);
	fputc('\n', f);
	for (size_t r = 0; r < nrows; r++) {
		json_object *row = json_object_array_get_idx(rows, r);
		for (unsigned c = 0; c < ncols; c++) {
			tbl_cell(&cols[c], row, buf, sizeof(buf));
			int w = c + 1 < ncols || right_aligned(cols[c].fmt) ? (int)width[c] : 0;
			fprintf(f, right_aligned(cols[c].fmt) ? "%s%*s" : "%s%-*s",
				c ? "  " : "", w, buf);
		}
		fputc('\n', f);
	}
}
