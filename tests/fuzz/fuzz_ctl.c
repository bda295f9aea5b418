/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control request decoder: bytes arrive in arbitrary chunks (the first
 * byte picks the chunk size), are split into lines and decoded. Every
 * decoded request must survive a print/parse round trip with the same cmd.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/ctl_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const char *line, size_t len)
{
	json_object *req, *again;
	const char *cmd, *cmd2;
	char err[160];

	if (mc_ctl_request_decode(line, len, &req, &cmd, err, sizeof(err)) < 0) {
		if (!err[0])
			abort();	/* a refusal always says why */
		return;
	}
	size_t slen;
	const char *s = json_object_to_json_string_length(req, JSON_C_TO_STRING_PLAIN, &slen);
	if (mc_ctl_request_decode(s, slen, &again, &cmd2, err, sizeof(err)) < 0 ||
	    strcmp(cmd, cmd2))
		abort();
	json_object_put(again);
	json_object_put(req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mc_ctl_linebuf lb;
	size_t chunk;

	if (size < 1)
		return 0;
	chunk = 1 + data[0];
	data++;
	size--;
	memset(&lb, 0, sizeof(lb));
	for (size_t off = 0; off < size;) {
		size_t n = size - off < chunk ? size - off : chunk;
		const char *p = (const char *)data + off;
		while (n) {
			const char *line;
			size_t len, used;
			enum mc_ctl_line r = mc_ctl_linebuf_feed(&lb, p, n, &used, &line, &len);
			if (used == 0 || used > n || lb.len >= sizeof(lb.buf))
				abort();
			if (r == MC_CTL_LINE_OK)
				check_line(line, len);
			p += used;
			n -= used;
			off += used;
		}
	}
	return 0;
}
