/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_LOG_H
#define MC_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

/* syslog(3) priorities, so the syslog sink needs no mapping. */
enum mc_log_level {
	MC_LOG_ERR = 3,
	MC_LOG_WARN = 4,
	MC_LOG_NOTICE = 5,
	MC_LOG_INFO = 6,
	MC_LOG_DEBUG = 7,
};

/*
 * Debug categories, one bit each, switchable at run time (over the control
 * socket: {"cmd":"log","debug":"batman,tt"}). Debug lines are printed only
 * when their category is enabled, whatever the level.
 */
enum mc_dbg {
	MC_DBG_BATMAN = 1u << 0,	/* OGMs, TQ, originators */
	MC_DBG_ROUTES = 1u << 1,	/* next-hop and route changes */
	MC_DBG_TT = 1u << 2,		/* translation table */
	MC_DBG_BCAST = 1u << 3,		/* broadcast flooding, dedup */
	MC_DBG_FRAG = 1u << 4,		/* fragmentation */
	MC_DBG_CTL = 1u << 5,		/* control socket */
	MC_DBG_CONF = 1u << 6,		/* config loading */
	MC_DBG_L3 = 1u << 7,		/* l3route protocol */
	MC_DBG_GW = 1u << 8,		/* gateways, tunnels */
	MC_DBG_DHCP = 1u << 9,		/* DHCP, RA */
	MC_DBG_ALFRED = 1u << 10,	/* lease sync */
	MC_DBG_KERNEL = 1u << 11,	/* netlink, TAP/TUN */
};
#define MC_DBG_ALL 0xfffu

struct mc_log_cfg {
	const char *ident;	/* daemon name, prefixed to each line */
	bool use_syslog;
	bool journal;		/* stderr goes to the journal: "<level>line" */
	int level;		/* lines above this level are dropped */
	uint32_t debug;		/* enabled MC_DBG_* categories */
};

void mc_log_init(const char *ident, bool use_syslog);
void mc_log_set_level(int level);
/* stderr is the journal's stream: lines go out as "<level>text" */
bool mc_log_journal(void);
int mc_log_level(void);
void mc_log_set_debug(uint32_t mask);
uint32_t mc_log_debug(void);

/* "batman,tt" or "all" or "none" to a mask; -EINVAL names nothing known. */
int mc_log_debug_parse(const char *s, uint32_t *mask);
/* The mask as "batman,tt" into buf; returns buf. */
const char *mc_log_debug_format(uint32_t mask, char *buf, unsigned len);

/* Longest line, in bytes with its NUL; longer lines are cut. */
#define MC_LOG_LINE_MAX 256

/* "error" .. "debug", and back (-EINVAL for an unknown name). */
const char *mc_log_level_name(int level);
int mc_log_level_parse(const char *s);

/*
 * A second destination for log lines, beside stderr/syslog: the control
 * socket's "log" topic. It gets each line of a level up to `level`
 * (MC_LOG_* order: ERR is lowest), formatted once; a line logged while the
 * sink runs is not fed back to it. fn NULL removes it.
 */
typedef void mc_log_sink_fn(void *user, int level, const char *line);
void mc_log_set_sink(mc_log_sink_fn *fn, void *user, int level);

void mc_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mc_vlog(int level, const char *fmt, va_list ap);
void mc_log_dbg(uint32_t cat, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The log callback that a pure core's env carries: MC_LOG_* level,
 * MC_DBG_* category, one formatted line. */
typedef void mc_log_fn(void *user, int level, uint32_t cat, const char *msg);
/* Formats one line (at most MC_LOG_LINE_MAX - 1 bytes) and hands it to fn;
 * fn NULL: nothing. */
void mc_log_to(mc_log_fn *fn, void *user, int level, uint32_t cat, const char *fmt,
	       va_list ap);

#define log_err(...) mc_log(MC_LOG_ERR, __VA_ARGS__)
#define log_warn(...) mc_log(MC_LOG_WARN, __VA_ARGS__)
#define log_notice(...) mc_log(MC_LOG_NOTICE, __VA_ARGS__)
#define log_info(...) mc_log(MC_LOG_INFO, __VA_ARGS__)
#define log_dbg(cat, ...) \
	do { \
		if (mc_log_debug() & (cat)) \
			mc_log_dbg((cat), __VA_ARGS__); \
	} while (0)

/*
 * Rate limit for messages caused by the network or clients: at most
 * `burst` lines per `interval_ms`; the rest are counted and reported in
 * the next line that passes.
 */
struct mc_ratelimit {
	uint64_t interval_ms;
	unsigned burst;
	uint64_t window_start_ms;
	unsigned printed;
	unsigned suppressed;
};
#define MC_RATELIMIT_INIT(ms, n) { .interval_ms = (ms), .burst = (n) }

/* true when a line may be printed now; *suppressed_r gets lines skipped. */
bool mc_ratelimit_ok(struct mc_ratelimit *rl, uint64_t now_ms, unsigned *suppressed_r);

#endif
