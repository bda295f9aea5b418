/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_EVLOOP_H
#define MC_EVLOOP_H

/* libev glue shared by the daemon shells. */

#include <stdint.h>

#include <ev.h>

/* The loop's cached monotonic time in milliseconds (what cores get as now). */
uint64_t mc_ev_now_ms(struct ev_loop *loop);

struct mc_ev_signals {
	ev_signal term, intr, hup;
	void (*stop)(void *user);	/* SIGTERM, SIGINT */
	void (*reload)(void *user);	/* SIGHUP; NULL ignores it */
	void *user;
};

/* Ignores SIGPIPE and routes SIGTERM/SIGINT/SIGHUP to the callbacks. */
void mc_ev_signals_start(struct ev_loop *loop, struct mc_ev_signals *s);
void mc_ev_signals_stop(struct ev_loop *loop, struct mc_ev_signals *s);

/* A timer whose callback gets user data, in the style of ell's l_timeout. */
struct mc_timer {
	ev_timer w;
	void (*fn)(void *user);
	void *user;
};

void mc_timer_init(struct mc_timer *t, void (*fn)(void *user), void *user);
/* (Re)arms t to fire once after ms milliseconds. */
void mc_timer_arm(struct ev_loop *loop, struct mc_timer *t, uint64_t ms);
/* (Re)arms t to fire at loop time due_ms (at once if that is past): what a
 * shell does with the next due time a core's tick returns. */
void mc_timer_arm_at(struct ev_loop *loop, struct mc_timer *t, uint64_t due_ms);
void mc_timer_stop(struct ev_loop *loop, struct mc_timer *t);

#endif
