/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef WU_REQ_H
#define WU_REQ_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

/* Decodes %XX in place as libmicrohttpd would, except that %00 stays as
 * it is (a NUL would cut the path short); returns the new length. */
size_t wud_url_unescape(char *s);

struct wud_field {
	const char *name;
	json_type type;
	bool required;
};

/*
 * The body (blen bytes, not NUL-terminated) as a JSON object holding only
 * the fields listed (name NULL ends the list), each of its type, every
 * required one present; an empty body is {}. NULL with a sentence in msg
 * otherwise ("unknown field 'x'", "field 'x' must be a string", "the body
 * is not JSON: ..."). Nesting deeper than 8 is refused.
 */
json_object *wud_body_parse(const char *body, size_t blen, const struct wud_field *fields,
			    char *msg, size_t len);

#endif
