/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The client's half: reply and event lines from a daemon, as a view keeps
 * them (mc_ctl_line_parse, then mc_ctl_view_load/apply). Input: lines; the
 * first that parses is the topic's info, the next an initial dump, every
 * other line an event's data. The view must stay self-consistent: its rows,
 * loaded into a fresh view, compare equal to it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/ctl_json.h"
#include "common/ctl_view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_consistent(struct mc_ctl_view *v, json_object *info)
{
	struct mc_ctl_view *w;
	json_object *rows = mc_ctl_view_rows(v);
	char msg[256];

	if (mc_ctl_view_new(&w, info) < 0)
		abort();
	if (mc_ctl_view_load(w, rows) < 0 || mc_ctl_view_count(w) != mc_ctl_view_count(v) ||
	    mc_ctl_view_compare(v, rows, msg, sizeof(msg)) < 0)
		abort();
	mc_ctl_view_free(w);
	json_object_put(rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	json_object *info = NULL;
	struct mc_ctl_view *v = NULL;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_object *o = mc_ctl_line_parse(p, len);

		p += len + 1;
		if (!o)
			continue;
		if (!info) {
			info = o;
			if (mc_ctl_view_new(&v, info) < 0)
				break;
			continue;
		}
		if (mc_ctl_view_load(v, o) < 0)
			mc_ctl_view_apply(v, o);
		json_object_put(o);
	}
	if (v)
		check_consistent(v, info);
	mc_ctl_view_free(v);
	json_object_put(info);
	return 0;
}
