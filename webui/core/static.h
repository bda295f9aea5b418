/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef WU_STATIC_H
#define WU_STATIC_H

#include <stddef.h>

/* One embedded file of webui/static/ (gen_static.py writes the table). */
struct wu_static {
	const char *path;	/* "/app.js" */
	const char *type;	/* Content-Type */
	const unsigned char *data;
	size_t len;
	const char *etag;	/* quoted */
};

extern const struct wu_static wu_static_files[];	/* ends with path NULL */

/*
 * The file a request path names: an exact match in the table, "/" being
 * "/index.html"; a query string is ignored. NULL for anything else, so
 * `..`, encoded slashes or any path outside the table serve nothing.
 */
const struct wu_static *wu_static_find(const char *url);

#endif
