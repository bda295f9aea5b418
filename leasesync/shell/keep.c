/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * This node's own records across restarts: $leasesync_state_dir/
 * leasesyncd.records, one line per local record,
 *
 *	SOURCE TYPE VERSION HEXDATA
 *
 * (02:5e:00:00:01:01 66 0 6c656173652d61), written whole to .new and
 * renamed once per loop turn that changed one, read once when the core is
 * made. A bad line is skipped with a warning; a missing file is a fresh
 * start. Restored records are as new: alfred's 600 s start again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/log.h"
#include "leasesync/core/alfred.h"
#include "leasesync/shell/leasesyncd.h"

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int lsd_keep_parse(const char *line, uint8_t source[6], uint8_t *type, uint8_t *version,
		   uint8_t *data, size_t cap, size_t *len)
{
	char mac[18];
	unsigned t, v;
	int off = 0;
	const char *h;
	size_t n = 0;

	if (sscanf(line, "%17s %u %u %n", mac, &t, &v, &off) != 3 || !off ||
	    t > 255 || v > 255 || mc_mac_parse(mac, source) < 0 || !ls_mac_valid(source))
		return -EINVAL;
	for (h = line + off; hexval(h[0]) >= 0 && hexval(h[1]) >= 0; h += 2) {
		if (n >= cap)
			return -EINVAL;
		data[n++] = (uint8_t)(hexval(h[0]) << 4 | hexval(h[1]));
	}
	while (*h == ' ' || *h == '\t' || *h == '\r')
		h++;
	if (*h && *h != '\n')
		return -EINVAL;
	*type = (uint8_t)t;
	*version = (uint8_t)v;
	*len = n;
	return 0;
}

static int save_one(const struct ls_rec *r, void *user)
{
	FILE *f = user;
	char mac[MC_MAC_STRLEN];

	if (r->origin != LS_LOCAL)
		return 0;
	fprintf(f, "%s %u %u ", mc_mac_format(r->source, mac, sizeof(mac)), r->type, r->version);
	for (unsigned i = 0; i < r->len; i++)
		fprintf(f, "%02x", r->data[i]);
	fputc('\n', f);
	return 0;
}

void lsd_keep_save(struct lsd *l)
{
	char tmp[sizeof(l->state_path) + 8];
	FILE *f;

	l->state_dirty = false;
	if (!l->core)
		return;
	snprintf(tmp, sizeof(tmp), "%s.new", l->state_path);
	if (!(f = fopen(tmp, "we"))) {
		log_warn("%s: %s", tmp, strerror(errno));
		return;
	}
	fprintf(f, "# leasesyncd: this node's records: source type version data(hex)\n");
	ls_foreach(l->core, -1, save_one, f);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0 ||
	    rename(tmp, l->state_path) < 0)
		log_warn("%s: %s", l->state_path, strerror(errno));
	l->c.state_writes++;
}

void lsd_keep_load(struct lsd *l)
{
	FILE *f = fopen(l->state_path, "re");
	size_t cap = 2 * (size_t)LS_MAX_PAYLOAD + 64, len;
	char *line;
	uint8_t *data;
	unsigned lineno = 0, restored = 0;

	if (!f) {
		if (errno != ENOENT)
			log_warn("%s: %s", l->state_path, strerror(errno));
		return;
	}
	line = malloc(cap);
	data = malloc(LS_MAX_PAYLOAD);
	while (line && data && fgets(line, (int)cap, f)) {
		uint8_t source[6], type, version;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (lsd_keep_parse(line, source, &type, &version, data, LS_MAX_PAYLOAD, &len) < 0) {
			log_warn("%s:%u: not a record, skipped", l->state_path, lineno);
			continue;
		}
		if (ls_set(l->core, mc_ev_now_ms(l->d->loop), source, type, version, data, len) == 0)
			restored++;
		else
			log_warn("%s:%u: record refused", l->state_path, lineno);
	}
	free(line);
	free(data);
	fclose(f);
	l->state_dirty = false;		/* what we just read */
	if (restored)
		log_notice("%u records of this node restored from %s", restored, l->state_path);
}
