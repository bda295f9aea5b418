/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/ctl_json.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum mc_ctl_line mc_ctl_linebuf_feed(struct mc_ctl_linebuf *lb, const char *p,
				     size_t n, size_t *used_r,
				     const char **line, size_t *len)
{
	const char *nl = memchr(p, '\n', n);
	size_t take = nl ? (size_t)(nl - p) + 1 : n;

	*used_r = take;
	if (lb->overflow) {
		if (nl)
			lb->overflow = false;
		return MC_CTL_LINE_NONE;
	}
	size_t body = nl ? take - 1 : take;
	if (lb->len + body > sizeof(lb->buf) - 1) {
		/* the whole line goes, including bytes already buffered */
		lb->len = 0;
		lb->overflow = !nl;
		return MC_CTL_LINE_TOO_LONG;
	}
	memcpy(lb->buf + lb->len, p, body);
	lb->len += body;
	if (!nl)
		return MC_CTL_LINE_NONE;
	if (lb->len && lb->buf[lb->len - 1] == '\r')
		lb->len--;
	lb->buf[lb->len] = '\0';
	*line = lb->buf;
	*len = lb->len;
	lb->len = 0;
	return MC_CTL_LINE_OK;
}

int mc_ctl_request_decode(const char *line, size_t len, json_object **req,
			  const char **cmd, char *err, size_t errlen)
{
	json_tokener *tok = json_tokener_new_ex(MC_CTL_JSON_DEPTH);
	json_object *obj = NULL, *jcmd;
	int rc = -EINVAL;

	*req = NULL;
	*cmd = NULL;
	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (memchr(line, '\0', len)) {
		snprintf(err, errlen, "bad request: NUL byte");
		goto out;
	}
	obj = json_tokener_parse_ex(tok, line, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	if (!obj || jerr != json_tokener_success) {
		snprintf(err, errlen, "bad json: %s",
			 jerr == json_tokener_continue ? "incomplete" :
			 json_tokener_error_desc(jerr));
		goto out;
	}
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++) {
		if (line[i] != ' ' && line[i] != '\t') {
			snprintf(err, errlen, "bad json: trailing data");
			goto out;
		}
	}
	if (!json_object_is_type(obj, json_type_object)) {
		snprintf(err, errlen, "bad request: not a JSON object");
		goto out;
	}
	if (!json_object_object_get_ex(obj, "cmd", &jcmd) ||
	    !json_object_is_type(jcmd, json_type_string) ||
	    !json_object_get_string_len(jcmd)) {
		snprintf(err, errlen, "bad request: \"cmd\" must be a non-empty string");
		goto out;
	}
	*cmd = json_object_get_string(jcmd);
	*req = obj;
	obj = NULL;
	rc = 0;
out:
	json_object_put(obj);
	json_tokener_free(tok);
	return rc;
}

json_object *mc_ctl_reply_ok(json_object *data)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(1));
	if (data)
		json_object_object_add(o, "data", data);
	return o;
}

json_object *mc_ctl_reply_err(const char *msg)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

json_object *mc_ctl_event(const char *topic, json_object *data)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "event", json_object_new_string(topic));
	json_object_object_add(o, "data", data ? data : json_object_new_object());
	return o;
}

json_object *mc_ctl_line_parse(const char *line, size_t len)
{
	json_tokener *tok = json_tokener_new_ex(MC_CTL_REPLY_DEPTH);
	json_object *o = NULL;

	if (tok && len <= INT32_MAX)
		o = json_tokener_parse_ex(tok, line, (int)len);
	if (o && json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}
