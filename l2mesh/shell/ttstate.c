/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Keeps the local clients across a restart (doc/l2meshd.md, state files):
 * the local TT entries go to $rundir/l2meshd.tt, written whole to a temp
 * file and renamed, at most once a second after the local table changed;
 * at start the entries still within the local timeout are given back to
 * the core, which announces them in our first OGMs. Without this a kill
 * -9 makes every silent client unreachable until it speaks (issue 12).
 * The format is ttkeep.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "l2mesh/core/packet.h"
#include "l2mesh/core/tt.h"
#include "l2mesh/shell/l2meshd.h"
#include "l2mesh/shell/ttkeep.h"

#define TTKEEP_DEBOUNCE_MS 1000u
#define TTKEEP_FILE_MAX (1u << 20)	/* ~13k clients; a bigger file is not ours */

static void ttkeep_path(const struct l2meshd *m, char *buf, size_t len)
{
	snprintf(buf, len, "%s/l2meshd.tt", m->d->rundir);
}

static int save_row(const struct l2_tt_local_info *e, void *user)
{
	struct l2sh_ttkeep_entry k = { .vid = e->vid, .flags = e->flags & L2_TT_REMOTE_MASK,
				       .age_ms = e->last_seen_ms };
	char line[L2SH_TTKEEP_LINE_MAX];

	/* our own addresses come back by themselves; leaving ones are gone */
	if (e->flags & (L2_TT_CLIENT_NOPURGE | L2_TT_CLIENT_PENDING | L2_TT_CLIENT_ROAM))
		return 0;
	memcpy(k.mac, e->mac, 6);
	l2sh_ttkeep_line(line, sizeof(line), &k);
	return fputs(line, user) < 0 ? -EIO : 0;
}

void l2sh_ttkeep_save(struct l2meshd *m)
{
	char path[256], tmp[272], line[L2SH_TTKEEP_LINE_MAX];
	FILE *f;
	int rc;

	m->ttkeep_due = false;
	ttkeep_path(m, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "we");
	if (!f)
		return;
	l2sh_ttkeep_header(line, sizeof(line), (int64_t)time(NULL));
	rc = fputs(line, f) < 0 ? -EIO : l2_tt_local_foreach(m->node, save_row, f);
	if (fclose(f) == 0 && rc == 0)
		rename(tmp, path);
	else
		remove(tmp);
}

static void on_ttkeep(void *user)
{
	l2sh_ttkeep_save(user);
}

void l2sh_ttkeep_init(struct l2meshd *m)
{
	mc_timer_init(&m->ttkeep, on_ttkeep, m);
}

void l2sh_ttkeep_changed(struct l2meshd *m)
{
	if (m->ttkeep_due)
		return;
	m->ttkeep_due = true;
	mc_timer_arm(m->d->loop, &m->ttkeep, TTKEEP_DEBOUNCE_MS);
}

void l2sh_ttkeep_stop(struct l2meshd *m)
{
	mc_timer_stop(m->d->loop, &m->ttkeep);
	l2sh_ttkeep_save(m);
}

struct load_ctx {
	struct l2meshd *m;
	int64_t now_s;
	unsigned restored, stale;
};

static int load_row(const struct l2sh_ttkeep_entry *e, void *user)
{
	struct load_ctx *c = user;
	/* a clock set back since the write counts as no time passed */
	int64_t gone_s = c->now_s > e->written_s ? c->now_s - e->written_s : 0;
	uint64_t age_ms = e->age_ms + (uint64_t)gone_s * 1000u;
	int rc = l2_tt_local_restore(c->m->node, e->mac, e->vid, e->flags, age_ms);

	if (rc == 0)
		c->restored++;
	else if (rc == -ESTALE)
		c->stale++;
	return 0;
}

/* The whole file, or -EINVAL when it cannot be ours. */
static int slurp(const char *path, char *buf, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	*len = fread(buf, 1, cap, f);
	fclose(f);
	return *len == cap ? -EINVAL : 0;
}

void l2sh_ttkeep_load(struct l2meshd *m)
{
	static char buf[TTKEEP_FILE_MAX];
	struct load_ctx c = { .m = m, .now_s = (int64_t)time(NULL) };
	char path[256];
	size_t len = 0;
	int rc;

	ttkeep_path(m, path, sizeof(path));
	rc = slurp(path, buf, sizeof(buf), &len);
	if (rc == -ENOENT)
		return;
	if (rc == 0)
		rc = l2sh_ttkeep_read(buf, len, load_row, &c);
	if (rc < 0) {
		log_warn("%s: ignored (%s)", path, strerror(-rc));
		return;
	}
	log_notice("%s: %u local clients restored, %u too old", path, c.restored, c.stale);
}
