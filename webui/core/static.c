/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "webui/core/static.h"

#include <string.h>

const struct wu_static *wu_static_find(const char *url)
{
	size_t n;

	if (!url || url[0] != '/')
		return NULL;
	n = strcspn(url, "?#");
	if (n == 1)
		url = "/index.html", n = strlen(url);
	for (const struct wu_static *f = wu_static_files; f->path; f++)
		if (strlen(f->path) == n && !memcmp(f->path, url, n))
			return f;
	return NULL;
}
