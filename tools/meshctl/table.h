/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MESHCTL_TABLE_H
#define MESHCTL_TABLE_H

/*
 * The table renderer every meshctl command uses: rows are JSON objects (as
 * daemons send them), columns pick a key and a format. Plain output is
 * aligned like batctl's and bmx7 -c's tables; --json prints the rows as
 * they came.
 */

#include <stdio.h>

#include <json-c/json.h>

enum tbl_fmt {
	TBL_STR,	/* as the daemon sent it */
	TBL_INT,	/* right-aligned integer */
	TBL_SECS,	/* seconds with 3 decimals, from milliseconds ("0.520s") */
	TBL_DURATION,	/* "1d02h03m04s" from seconds */
	TBL_BOOL_STAR,	/* "*" for true, " " for false (batctl's best-route mark) */
	TBL_TQ,		/* "(255)" as batctl prints TQ */
};

struct tbl_col {
	const char *header;
	const char *key;	/* may be "a.b" to reach into a nested object */
	enum tbl_fmt fmt;
};

/* Renders rows (a JSON array of objects) under ncols columns. */
void tbl_print(FILE *f, const struct tbl_col *cols, unsigned ncols, json_object *rows);
/* Formats one cell; returns buf. Missing values print as "-". */
const char *tbl_cell(const struct tbl_col *col, json_object *row, char *buf, size_t len);

#endif
