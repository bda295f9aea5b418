/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_CTL_JSON_H
#define MC_CTL_JSON_H

/*
 * The control protocol's pure half: splitting a byte stream into request
 * lines and decoding one request. No sockets here, so the fuzzer and the
 * unit tests drive it directly. Protocol: doc/control.md.
 */

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

/* A request line longer than this is refused (and the rest of it skipped). */
#define MC_CTL_LINE_MAX 65536
/* JSON nesting allowed in a request; deeper is refused, never recursed. */
#define MC_CTL_JSON_DEPTH 16

struct mc_ctl_linebuf {
	char buf[MC_CTL_LINE_MAX];
	size_t len;
	bool overflow;	/* inside a too-long line: discard to its newline */
};

enum mc_ctl_line {
	MC_CTL_LINE_NONE = 0,	/* need more bytes */
	MC_CTL_LINE_OK,		/* *line and *len hold one complete line, no newline */
	MC_CTL_LINE_TOO_LONG,	/* one oversize line was dropped; answer an error */
};

/*
 * Feeds up to n bytes of p; *used_r tells how many were consumed. Call again
 * with the rest after each result other than NONE. A returned line stays
 * valid until the next call.
 */
enum mc_ctl_line mc_ctl_linebuf_feed(struct mc_ctl_linebuf *lb, const char *p,
				     size_t n, size_t *used_r,
				     const char **line, size_t *len);

/*
 * Decodes one request line: a JSON object whose "cmd" is a non-empty string.
 * On success *req owns the object (json_object_put() it) and *cmd points
 * into it. On failure returns -EINVAL and writes a message for the client
 * into err.
 */
int mc_ctl_request_decode(const char *line, size_t len, json_object **req,
			  const char **cmd, char *err, size_t errlen);

/* JSON nesting a client accepts in a reply or event line. */
#define MC_CTL_REPLY_DEPTH 64

/* One reply or event line (no newline) as JSON; NULL if it is not JSON. */
json_object *mc_ctl_line_parse(const char *line, size_t len);

/* {"ok":true,"data":data} (data may be NULL); takes ownership of data. */
json_object *mc_ctl_reply_ok(json_object *data);
/* {"ok":false,"error":msg} */
json_object *mc_ctl_reply_err(const char *msg);
/* {"event":topic,"data":data}; takes ownership of data. */
json_object *mc_ctl_event(const char *topic, json_object *data);

#endif
