/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What webuid reads from a request before it acts (req.h): the URL's
 * %-escapes and the JSON body. No I/O and no libmicrohttpd, so the
 * fuzzers drive them alone (tests/fuzz/fuzz_wu_req.c).
 */
#include "webui/shell/req.h"

#include <stdio.h>
#include <string.h>

/*
 * URLs are decoded as MHD would (%XX), except that %00 stays as it is: a
 * NUL would cut the path short ("/app.js%00.html" would serve app.js).
 */
size_t wud_url_unescape(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		unsigned v;

		if (r[0] == '%' && r[1] && r[2] && sscanf(r + 1, "%2x", &v) == 1 &&
		    strspn(r + 1, "0123456789abcdefABCDEF") >= 2 && v != 0) {
			*w++ = (char)v;
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
	return (size_t)(w - s);
}

json_object *wud_body_parse(const char *body, size_t blen, const struct wud_field *fields,
			    char *msg, size_t len)
{
	json_object *o;
	enum json_tokener_error e = json_tokener_success;

	if (!blen) {
		o = json_object_new_object();
	} else {
		json_tokener *tok = json_tokener_new_ex(8);

		if (!tok) {
			snprintf(msg, len, "out of memory");
			return NULL;
		}
		o = json_tokener_parse_ex(tok, body, (int)blen);
		e = json_tokener_get_error(tok);
		if (e == json_tokener_success && json_tokener_get_parse_end(tok) != blen) {
			size_t end = json_tokener_get_parse_end(tok);

			while (end < blen && body[end] && strchr(" \t\r\n", body[end]))
				end++;
			if (end != blen)
				e = json_tokener_error_parse_unexpected;
		}
		json_tokener_free(tok);
		if (e != json_tokener_success) {
			json_object_put(o);
			snprintf(msg, len, "the body is not JSON: %s", e == json_tokener_continue ?
				 "it ends too early" : json_tokener_error_desc(e));
			return NULL;
		}
	}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		snprintf(msg, len, "the body must be a JSON object");
		return NULL;
	}
	json_object_object_foreach(o, k, v) {
		const struct wud_field *f = fields;

		while (f->name && strcmp(f->name, k))
			f++;
		if (!f->name) {
			snprintf(msg, len, "unknown field '%.40s'", k);
			json_object_put(o);
			return NULL;
		}
		if (!json_object_is_type(v, f->type)) {
			snprintf(msg, len, "field '%s' must be %s", k,
				 f->type == json_type_boolean ? "true or false" : "a string");
			json_object_put(o);
			return NULL;
		}
	}
	for (const struct wud_field *f = fields; f->name; f++) {
		if (f->required && !json_object_object_get_ex(o, f->name, NULL)) {
			snprintf(msg, len, "field '%s' is missing", f->name);
			json_object_put(o);
			return NULL;
		}
	}
	return o;
}

