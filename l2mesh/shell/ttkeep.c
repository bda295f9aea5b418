/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The local TT state file's format (ttkeep.h). Strict: every field is
 * checked, anything unexpected makes the whole file malformed, so a torn
 * or foreign file restores nothing rather than something wrong.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "l2mesh/shell/ttkeep.h"

#define VLAN_HAS_TAG 0x8000u	/* l2mesh/core/packet.h's L2_VLAN_HAS_TAG */
#define VID_MAX 4095

/* The next line of text[*pos, len) into line (NUL-terminated, no '\n'). */
static int next_line(const char *text, size_t len, size_t *pos, char *line)
{
	const char *s = text + *pos, *nl = memchr(s, '\n', len - *pos);
	size_t k = nl ? (size_t)(nl - s) : len - *pos;

	if (!nl)	/* a file is written whole: no final '\n' means torn */
		return -EINVAL;
	if (k >= L2SH_TTKEEP_LINE_MAX || memchr(s, '\0', k))
		return -EINVAL;
	memcpy(line, s, k);
	line[k] = '\0';
	*pos += k + 1;
	return 0;
}

/* Only the form l2sh_ttkeep_* write is taken: parsed, then written back
 * and compared, so signs, spaces, case and leading zeros are all refused. */
static bool canonical(const char *line, const char *again, int k)
{
	return k > 0 && (size_t)k == strlen(line) + 1 && !strncmp(line, again, (size_t)k - 1);
}

static int parse_header(const char *line, int64_t *written_s)
{
	char magic[24], again[L2SH_TTKEEP_LINE_MAX + 1];
	int ver;
	long long t;

	if (sscanf(line, "%23s %d %lld", magic, &ver, &t) != 3 ||
	    strcmp(magic, L2SH_TTKEEP_MAGIC) || ver != L2SH_TTKEEP_VERSION || t < 0)
		return -EINVAL;
	*written_s = t;
	return canonical(line, again, l2sh_ttkeep_header(again, sizeof(again), t)) ? 0 : -EINVAL;
}

static int parse_entry(const char *line, struct l2sh_ttkeep_entry *e)
{
	char mac[18], again[L2SH_TTKEEP_LINE_MAX + 1];
	int vid;
	unsigned flags;
	unsigned long long age;

	if (sscanf(line, "%17s %d 0x%4x %llu", mac, &vid, &flags, &age) != 4 ||
	    mc_mac_parse(mac, e->mac) < 0 || vid < -1 || vid > VID_MAX)
		return -EINVAL;
	e->vid = vid < 0 ? 0 : (uint16_t)(VLAN_HAS_TAG | (unsigned)vid);
	e->flags = (uint16_t)flags;
	e->age_ms = age;
	return canonical(line, again, l2sh_ttkeep_line(again, sizeof(again), e)) ? 0 : -EINVAL;
}

/* One pass; cb NULL only checks. */
static int read_pass(const char *text, size_t len, l2sh_ttkeep_cb cb, void *user)
{
	char line[L2SH_TTKEEP_LINE_MAX];
	struct l2sh_ttkeep_entry e = { 0 };
	size_t pos = 0;
	int rc;

	if ((rc = next_line(text, len, &pos, line)) < 0 ||
	    (rc = parse_header(line, &e.written_s)) < 0)
		return rc;
	while (pos < len) {
		if ((rc = next_line(text, len, &pos, line)) < 0 ||
		    (rc = parse_entry(line, &e)) < 0)
			return rc;
		if (cb && (rc = cb(&e, user)) != 0)
			return rc;
	}
	return 0;
}

int l2sh_ttkeep_read(const char *text, size_t len, l2sh_ttkeep_cb cb, void *user)
{
	int rc = read_pass(text, len, NULL, NULL);

	return rc < 0 ? rc : read_pass(text, len, cb, user);
}

int l2sh_ttkeep_header(char *buf, size_t len, int64_t written_s)
{
	return snprintf(buf, len, "%s %d %" PRId64 "\n", L2SH_TTKEEP_MAGIC,
			L2SH_TTKEEP_VERSION, written_s);
}

int l2sh_ttkeep_line(char *buf, size_t len, const struct l2sh_ttkeep_entry *e)
{
	char mac[18];
	int vid = e->vid & VLAN_HAS_TAG ? (int)(e->vid & VID_MAX) : -1;

	return snprintf(buf, len, "%s %d 0x%04x %" PRIu64 "\n",
			mc_mac_format(e->mac, mac, sizeof(mac)), vid, e->flags, e->age_ms);
}
