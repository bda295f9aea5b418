/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2SH_TTKEEP_H
#define L2SH_TTKEEP_H

/*
 * The local TT state file, $rundir/l2meshd.tt (doc/l2meshd.md): the
 * clients behind this node, so a restarted l2meshd announces them at once
 * instead of waiting for each to speak. Text, one client a line:
 *
 *   softmesh-tt-local 1 <written, unix seconds>
 *   <mac> <vid: -1 untagged, else 0-4095> <flags, 0xHHHH> <age at writing, ms>
 *
 * Only the format lives here (no I/O, libc only), so the unit test and
 * the state-file fuzzer link it alone; l2meshd.c reads and writes the file.
 */

#include <stddef.h>
#include <stdint.h>

#define L2SH_TTKEEP_MAGIC "softmesh-tt-local"
#define L2SH_TTKEEP_VERSION 1
#define L2SH_TTKEEP_LINE_MAX 80	/* longer lines are malformed */

struct l2sh_ttkeep_entry {
	uint8_t mac[6];
	uint16_t vid;		/* the core's form: 0 untagged, else L2_VLAN_HAS_TAG | vid */
	uint16_t flags;		/* L2_TT_CLIENT_* as announced */
	uint64_t age_ms;	/* since last seen, when the file was written */
	int64_t written_s;	/* the header's time, unix seconds */
};

/* One call per entry; a non-zero return stops the read and is returned. */
typedef int (*l2sh_ttkeep_cb)(const struct l2sh_ttkeep_entry *e, void *user);

/*
 * Parses a whole file (text need not be NUL-terminated). The file is
 * checked in full before the first callback: a malformed one gives
 * -EINVAL and no entries, never a part of them.
 */
int l2sh_ttkeep_read(const char *text, size_t len, l2sh_ttkeep_cb cb, void *user);

/* The header and one entry line, each with its '\n'; snprintf's return. */
int l2sh_ttkeep_header(char *buf, size_t len, int64_t written_s);
int l2sh_ttkeep_line(char *buf, size_t len, const struct l2sh_ttkeep_entry *e);

#endif
