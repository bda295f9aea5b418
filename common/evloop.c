/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/evloop.h"

#include <signal.h>

uint64_t mc_ev_now_ms(struct ev_loop *loop)
{
	return (uint64_t)(ev_now(loop) * 1000.0);
}

static void sig_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct mc_ev_signals *s = w->data;

	if (w->signum == SIGHUP) {
		if (s->reload)
			s->reload(s->user);
		return;
	}
	s->stop(s->user);
}

void mc_ev_signals_start(struct ev_loop *loop, struct mc_ev_signals *s)
{
	signal(SIGPIPE, SIG_IGN);
	ev_signal_init(&s->term, sig_cb, SIGTERM);
	ev_signal_init(&s->intr, sig_cb, SIGINT);
	ev_signal_init(&s->hup, sig_cb, SIGHUP);
	s->term.data = s->intr.data = s->hup.data = s;
	ev_signal_start(loop, &s->term);
	ev_signal_start(loop, &s->intr);
	ev_signal_start(loop, &s->hup);
}

void mc_ev_signals_stop(struct ev_loop *loop, struct mc_ev_signals *s)
{
	ev_signal_stop(loop, &s->term);
	ev_signal_stop(loop, &s->intr);
	ev_signal_stop(loop, &s->hup);
}

static void timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct mc_timer *t = w->data;

	t->fn(t->user);
}

void mc_timer_init(struct mc_timer *t, void (*fn)(void *user), void *user)
{
	ev_timer_init(&t->w, timer_cb, 0., 0.);
	t->w.data = t;
	t->fn = fn;
	t->user = user;
}

void mc_timer_arm(struct ev_loop *loop, struct mc_timer *t, uint64_t ms)
{
	ev_timer_stop(loop, &t->w);
	ev_timer_set(&t->w, (double)ms / 1000.0, 0.);
	ev_timer_start(loop, &t->w);
}

void mc_timer_arm_at(struct ev_loop *loop, struct mc_timer *t, uint64_t due_ms)
{
	uint64_t now = mc_ev_now_ms(loop);

	mc_timer_arm(loop, t, due_ms > now ? due_ms - now : 0);
}

void mc_timer_stop(struct ev_loop *loop, struct mc_timer *t)
{
	ev_timer_stop(loop, &t->w);
}
