/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * When RAs go out (RFC 4861 6.2.4-6.2.6). Every RA is multicast to ff02::1:
 * the clients of anygw share one router, so an answer to one RS serves
 * them all. Invariants: two multicast RAs are at least
 * MIN_DELAY_BETWEEN_RAS apart (the final one aside); at most one RS answer
 * is pending, and any multicast RA answers it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anycast/core/ra.h"
#include "common/log.h"

struct ac_ra {
	struct ac_ra_config cfg;
	struct ac_ra_timing t;
	struct ac_ra_env env;
	struct ac_ra_stats st;
	uint8_t msg[AC_RA_MSG_MAX];	/* the RA of cfg, built once per config */
	size_t msg_len;
	uint64_t next_ms;		/* the next unsolicited RA */
	uint64_t last_ms;		/* the last multicast RA, when `sent` */
	uint64_t rs_due_ms;		/* the answer to RSs, when `rs_pending` */
	unsigned initial_left;		/* RAs still at most 16 s apart */
	bool sent, rs_pending, stopped;
	struct mc_ratelimit rl;		/* for lines caused by received RSs */
};

static const struct in6_addr all_nodes = { .s6_addr = { 0xff, 0x02, [15] = 1 } };

static void ra_logf(struct ac_ra *r, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void ra_logf(struct ac_ra *r, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mc_log_to(r->env.log, r->env.user, level, 0, fmt, ap);
	va_end(ap);
}

/* Uniform in [lo, hi] (the modulo bias of a 32-bit draw is negligible). */
static uint64_t rand_between(struct ac_ra *r, uint32_t lo, uint32_t hi)
{
	return lo + (uint64_t)r->env.rand(r->env.user) % ((uint64_t)hi - lo + 1);
}

/* The earliest a multicast RA may go out (MIN_DELAY_BETWEEN_RAS). */
static uint64_t mcast_floor(const struct ac_ra *r, uint64_t now)
{
	uint64_t f = r->last_ms + AC_RA_MIN_DELAY_BETWEEN_MS;

	return r->sent && f > now ? f : now;
}

static void send_mcast(struct ac_ra *r, uint64_t now)
{
	uint64_t iv = rand_between(r, r->t.min_ms, r->t.max_ms);

	r->env.send(r->env.user, r->msg, r->msg_len, &all_nodes);
	r->st.ra_tx++;
	if (r->rs_pending)
		r->st.ra_solicited++;
	r->rs_pending = false;
	r->sent = true;
	r->last_ms = now;
	/* clients that just came up learn the router fast (6.2.4) */
	if (r->initial_left) {
		r->initial_left--;
		if (iv > AC_RA_MAX_INITIAL_INTERVAL_MS)
			iv = AC_RA_MAX_INITIAL_INTERVAL_MS;
	}
	r->next_ms = now + iv;
}

static uint64_t deadline(const struct ac_ra *r)
{
	uint64_t d = r->next_ms;

	if (r->stopped)
		return UINT64_MAX;
	if (r->rs_pending && r->rs_due_ms < d)
		d = r->rs_due_ms;
	return mcast_floor(r, d);	/* schedules keep to it; this makes sure */
}

/* Builds the RA of cfg into r; r keeps its old one on error. */
static int load_config(struct ac_ra *r, const struct ac_ra_config *cfg, bool *changed)
{
	uint8_t msg[AC_RA_MSG_MAX];
	int len = ac_ra_build(cfg, msg, sizeof(msg), false);

	if (len < 0)
		return len;
	ac_ra_timing(cfg, &r->t);	/* cannot fail: the build checked it */
	*changed = (size_t)len != r->msg_len || memcmp(msg, r->msg, (size_t)len);
	memcpy(r->msg, msg, (size_t)len);
	r->msg_len = (size_t)len;
	r->cfg = *cfg;
	return 0;
}

int ac_ra_new(struct ac_ra **out, const struct ac_ra_config *cfg,
	      const struct ac_ra_env *env, uint64_t now_ms)
{
	struct ac_ra *r = calloc(1, sizeof(*r));
	bool changed;
	int rc;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->env = *env;
	rc = load_config(r, cfg, &changed);
	if (rc < 0) {
		free(r);
		return rc;
	}
	r->next_ms = now_ms;
	r->initial_left = AC_RA_MAX_INITIAL_ADVERTS;
	r->rl = (struct mc_ratelimit)MC_RATELIMIT_INIT(60000, 5);
	*out = r;
	return 0;
}

void ac_ra_free(struct ac_ra *r)
{
	free(r);
}

int ac_ra_set_config(struct ac_ra *r, const struct ac_ra_config *cfg, uint64_t now_ms)
{
	bool changed;
	int rc = load_config(r, cfg, &changed);

	if (rc < 0) {
		ra_logf(r, MC_LOG_ERR, "ra: new config refused (%s), the old one stays",
			strerror(-rc));
		return rc;
	}
	if (changed) {
		/* announced like a new router's (6.2.4), so every client
		 * hears the change even if one RA is lost */
		r->initial_left = AC_RA_MAX_INITIAL_ADVERTS;
		r->next_ms = mcast_floor(r, now_ms);
		ra_logf(r, MC_LOG_INFO, "ra: config changed, %zu-byte RA due in %llu ms",
			r->msg_len, (unsigned long long)(r->next_ms - now_ms));
	} else if (r->next_ms > now_ms + r->t.max_ms) {
		/* only the intervals shrank: keep to the new maximum */
		r->next_ms = now_ms + rand_between(r, r->t.min_ms, r->t.max_ms);
	}
	return 0;
}

void ac_ra_rx(struct ac_ra *r, uint64_t now_ms, const uint8_t *msg, size_t len,
	      const struct in6_addr *src, uint8_t hop_limit)
{
	const char *why;
	unsigned skipped = 0;
	int rc = ac_ra_rs_check(msg, len, src, hop_limit, &why);

	if (rc == -ENOMSG || r->stopped)
		return;
	if (rc < 0) {
		r->st.rs_bad++;
		if (mc_ratelimit_ok(&r->rl, now_ms, &skipped))
			ra_logf(r, MC_LOG_INFO, "ra: RS dropped: %s (%u more not logged)",
				why, skipped);
		return;
	}
	r->st.rs_rx++;
	if (r->rs_pending)
		return;	/* one RA answers the burst; its delay runs from the first */
	r->rs_pending = true;
	/* late after a recent RA: at the first moment the rate limit allows */
	r->rs_due_ms = now_ms + rand_between(r, 0, AC_RA_MAX_DELAY_MS);
	r->rs_due_ms = mcast_floor(r, r->rs_due_ms);
}

uint64_t ac_ra_tick(struct ac_ra *r, uint64_t now_ms)
{
	if (r->stopped)
		return UINT64_MAX;
	if (now_ms >= deadline(r))
		send_mcast(r, now_ms);
	return deadline(r);
}

void ac_ra_stop(struct ac_ra *r, uint64_t now_ms)
{
	uint8_t msg[AC_RA_MSG_MAX];
	int len;

	if (r->stopped)
		return;
	r->stopped = true;
	/* the config was built once already, so this cannot fail; not rate
	 * limited: clients must drop the router now, not in 3 s */
	len = ac_ra_build(&r->cfg, msg, sizeof(msg), true);
	if (len < 0)
		abort();
	r->env.send(r->env.user, msg, (size_t)len, &all_nodes);
	r->st.ra_tx++;
	ra_logf(r, MC_LOG_INFO, "ra: final RA (router lifetime 0) at %llu ms",
		(unsigned long long)now_ms);
}

const struct ac_ra_stats *ac_ra_stats(const struct ac_ra *r)
{
	return &r->st;
}
