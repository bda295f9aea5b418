/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

static struct mc_log_cfg cfg = {
	.ident = "softmesh",
	.level = MC_LOG_INFO,
};

static const struct {
	const char *name;
	uint32_t bit;
} dbg_names[] = {
	{ "batman", MC_DBG_BATMAN },	{ "routes", MC_DBG_ROUTES },
	{ "tt", MC_DBG_TT },		{ "bcast", MC_DBG_BCAST },
	{ "frag", MC_DBG_FRAG },	{ "ctl", MC_DBG_CTL },
	{ "conf", MC_DBG_CONF },	{ "l3", MC_DBG_L3 },
	{ "gw", MC_DBG_GW },		{ "dhcp", MC_DBG_DHCP },
	{ "alfred", MC_DBG_ALFRED },	{ "kernel", MC_DBG_KERNEL },
};
#define N_DBG (sizeof(dbg_names) / sizeof(dbg_names[0]))

/* stderr is the journal's stream when systemd says so (JOURNAL_STREAM is
 * its device:inode; a child with stderr elsewhere inherits the variable) */
static bool stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(2, &st) == 0 &&
	       st.st_dev == dev && st.st_ino == ino;
}

void mc_log_init(const char *ident, bool use_syslog)
{
	cfg.ident = ident;
	cfg.use_syslog = use_syslog;
	cfg.journal = !use_syslog && stderr_is_journal();
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

bool mc_log_journal(void)
{
	return cfg.journal;
}

void mc_log_set_level(int level)
{
	cfg.level = level;
}

int mc_log_level(void)
{
	return cfg.level;
}

void mc_log_set_debug(uint32_t mask)
{
	cfg.debug = mask & MC_DBG_ALL;
}

uint32_t mc_log_debug(void)
{
	return cfg.debug;
}

static int dbg_lookup(const char *name, size_t len, uint32_t *bit)
{
	for (size_t i = 0; i < N_DBG; i++) {
		if (strlen(dbg_names[i].name) == len &&
		    !strncmp(dbg_names[i].name, name, len)) {
			*bit = dbg_names[i].bit;
			return 0;
		}
	}
	if (len == 3 && !strncmp(name, "all", 3)) {
		*bit = MC_DBG_ALL;
		return 0;
	}
	if (len == 4 && !strncmp(name, "none", 4)) {
		*bit = 0;
		return 0;
	}
	return -EINVAL;
}

int mc_log_debug_parse(const char *s, uint32_t *mask)
{
	uint32_t m = 0;

	while (*s) {
		size_t len = strcspn(s, ", ");
		uint32_t bit;

		if (len && dbg_lookup(s, len, &bit) < 0)
			return -EINVAL;
		if (len)
			m |= bit;
		s += len;
		s += strspn(s, ", ");
	}
	*mask = m;
	return 0;
}

const char *mc_log_debug_format(uint32_t mask, char *buf, unsigned len)
{
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < N_DBG && len; i++) {
		if (!(mask & dbg_names[i].bit))
			continue;
		int n = snprintf(buf + off, len - off, "%s%s", off ? "," : "",
				 dbg_names[i].name);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	return buf;
}

static const char *level_name(int level)
{
	switch (level) {
	case MC_LOG_ERR: return "error";
	case MC_LOG_WARN: return "warning";
	case MC_LOG_NOTICE: return "notice";
	case MC_LOG_INFO: return "info";
	default: return "debug";
	}
}

static struct {
	mc_log_sink_fn *fn;
	void *user;
	int level;
	bool busy;	/* a line logged from inside the sink is not fed back */
} sink;

void mc_log_set_sink(mc_log_sink_fn *fn, void *user, int level)
{
	sink.fn = fn;
	sink.user = user;
	sink.level = fn ? level : 0;
}

static void write_stderr(int level, const char *line)
{
	struct timespec ts;
	struct tm tm;

	if (cfg.journal) {	/* the journal stamps and names it; "<3>" is its level */
		fprintf(stderr, "<%d>%s\n", level, line);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%02d:%02d:%02d.%03ld %s %s: %s\n", tm.tm_hour, tm.tm_min,
		tm.tm_sec, ts.tv_nsec / 1000000, cfg.ident, level_name(level), line);
}

/*
 * Debug lines were already gated by their category (mc_log_dbg), so they
 * reach stderr whatever the level; the sink takes lines up to its own level.
 */
void mc_vlog(int level, const char *fmt, va_list ap)
{
	int saved = errno;
	bool out = level <= cfg.level || level == MC_LOG_DEBUG;
	bool to_sink = sink.fn && !sink.busy && level <= sink.level;
	char line[MC_LOG_LINE_MAX];

	if (!out && !to_sink)
		goto done;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (out && cfg.use_syslog)
		syslog(level, "%s", line);
	else if (out)
		write_stderr(level, line);
	if (to_sink) {
		sink.busy = true;
		sink.fn(sink.user, level, line);
		sink.busy = false;
	}
done:
	errno = saved;
}

const char *mc_log_level_name(int level)
{
	return level_name(level);
}

int mc_log_level_parse(const char *s)
{
	for (int l = MC_LOG_ERR; l <= MC_LOG_DEBUG; l++)
		if (s && !strcmp(s, level_name(l)))
			return l;
	return -EINVAL;
}

void mc_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mc_vlog(level, fmt, ap);
	va_end(ap);
}

void mc_log_dbg(uint32_t cat, const char *fmt, ...)
{
	va_list ap;

	if (!(cfg.debug & cat))
		return;
	va_start(ap, fmt);
	mc_vlog(MC_LOG_DEBUG, fmt, ap);
	va_end(ap);
}

bool mc_ratelimit_ok(struct mc_ratelimit *rl, uint64_t now_ms, unsigned *suppressed_r)
{
	if (now_ms - rl->window_start_ms >= rl->interval_ms || !rl->window_start_ms) {
		rl->window_start_ms = now_ms ? now_ms : 1;
		rl->printed = 0;
	}
	if (rl->printed >= rl->burst) {
		rl->suppressed++;
		return false;
	}
	rl->printed++;
	*suppressed_r = rl->suppressed;
	rl->suppressed = 0;
	return true;
}

void mc_log_to(mc_log_fn *fn, void *user, int level, uint32_t cat, const char *fmt,
	       va_list ap)
{
	char msg[MC_LOG_LINE_MAX];

	if (!fn)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fn(user, level, cat, msg);
}
