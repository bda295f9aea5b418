/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What webuid reads of a request before it acts (webui/shell/req.c): the
 * URL's %-escapes and the JSON body against each call's fields. The first
 * byte picks the call's field list; the rest is the body, and also a URL.
 *
 * Checked (abort() on failure): the decoded URL is no longer than the
 * input, holds no NUL before its end and no %00 decoded (a NUL in a path
 * would cut it short); decoding twice never grows; a body that is
 * accepted is an object holding only the listed fields, each of its type,
 * every required one present; a refusal says why.
 */
#include <stdlib.h>
#include <string.h>

#include "webui/shell/req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct wud_field f_login[] = { { "password", json_type_string, true }, { 0 } };
static const struct wud_field f_none[] = { { 0 } };
static const struct wud_field f_settings[] = {
	{ "hostname", json_type_string, false }, { "ap_ssid", json_type_string, false },
	{ "gateway", json_type_boolean, false }, { "password", json_type_string, false },
	{ 0 } };
static const struct wud_field *const lists[] = { f_login, f_none, f_settings };

static void check_url(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	size_t n, n2;

	if (!s)
		return;
	memcpy(s, data, size);
	s[size] = 0;
	n = strlen(s);
	n2 = wud_url_unescape(s);
	if (n2 > n || strlen(s) != n2)
		abort();
	if (wud_url_unescape(s) > n2)
		abort();
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct wud_field *fields;
	json_object *o;
	char msg[160];

	if (!size)
		return 0;
	fields = lists[data[0] % 3];
	check_url(data + 1, size - 1);
	msg[0] = 0;
	o = wud_body_parse((const char *)data + 1, size - 1, fields, msg, sizeof(msg));
	if (!o) {
		if (!msg[0])
			abort();
		return 0;
	}
	if (!json_object_is_type(o, json_type_object))
		abort();
	json_object_object_foreach(o, k, v) {
		const struct wud_field *f = fields;

		while (f->name && strcmp(f->name, k))
			f++;
		if (!f->name || !json_object_is_type(v, f->type))
			abort();
	}
	for (const struct wud_field *f = fields; f->name; f++)
		if (f->required && !json_object_object_get_ex(o, f->name, NULL))
			abort();
	json_object_put(o);
	return 0;
}
