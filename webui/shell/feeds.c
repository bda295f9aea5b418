/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemons' data, kept from their control sockets (doc/webui.md
 * "Live"): one connection per daemon subscribes to its table topics and
 * asks for every reply a view needs (view.c's wv_slots). An event marks
 * the daemon stale: its replies are asked again at most every
 * WUD_FETCH_MIN_MS (a flood of changes, as l3_flood makes, costs the
 * daemon one round of dumps a second). Everything is asked again every WUD_REFRESH_MS too
 * (ages, counters), and a daemon that is not running is tried again then.
 * A reply that differs from the one kept marks the views it touches; the
 * page streams are told a moment later (WUD_NOTIFY_MS, coalesced).
 */
#include <errno.h>
#include <malloc.h>
#include <string.h>

#include "common/ctl_aclient.h"
#include "common/log.h"
#include "webui/shell/webuid.h"

#define WUD_REFRESH_MS 5000u
#define WUD_FETCH_MIN_MS 1000u
#define WUD_NOTIFY_MS 250u
#define WUD_HEARTBEAT_MS 15000u

struct slot_call {
	struct wud_feed *f;
	unsigned slot;
};

static struct slot_call calls[WV_SLOTS];

void wud_changed(struct wud *w, unsigned what)
{
	if (!what)
		return;
	if (!w->dirty)
		mc_timer_arm(w->d->loop, &w->notify, WUD_NOTIFY_MS);
	w->dirty |= what;
}

static void on_notify(void *user)
{
	struct wud *w = user;
	char what[128], text[192];

	wv_what_json(w->dirty, what, sizeof(what));
	w->dirty = 0;
	snprintf(text, sizeof(text), "event: update\ndata: {\"what\":%s}\n\n", what);
	wud_sse_push(w, text);
}

static void on_heartbeat(void *user)
{
	struct wud *w = user;

	wud_sse_push(w, ": keep-alive\n\n");
	mc_timer_arm(w->d->loop, &w->heartbeat, WUD_HEARTBEAT_MS);
}

static void on_reply(void *user, json_object *reply)
{
	struct slot_call *sc = user;
	struct wud *w = sc->f->w;
	json_object *ok, *data = NULL, **keep = &w->v.c[sc->slot];

	if (!reply)
		return;		/* the connection went: closed() cleans up */
	if (json_object_object_get_ex(reply, "ok", &ok) && json_object_get_boolean(ok))
		json_object_object_get_ex(reply, "data", &data);
	if (!data) {
		if (*keep) {
			json_object_put(*keep);
			*keep = NULL;
			wud_changed(w, wv_slots[sc->slot].what);
		}
		return;
	}
	if (*keep && json_object_equal(*keep, data))
		return;
	json_object_put(*keep);
	*keep = json_object_get(data);
	wud_changed(w, wv_slots[sc->slot].what);
}

static void fetch(struct wud_feed *f)
{
	struct wud *w = f->w;

	if (!f->c || mc_ctl_aclient_pending(f->c))
		return;		/* the answers to the last round come first */
	f->stale = false;
	f->fetched_ms = wud_now(w);
	for (unsigned s = 0; s < WV_SLOTS; s++) {
		json_object *req;

		/* a call that finds the daemon gone closes the connection
		 * (on_closed: f->c is NULL), and the rest of the round goes */
		if (!f->c)
			return;
		if (wv_slots[s].daemon != f->idx)
			continue;
		req = json_tokener_parse(wv_slots[s].req);
		calls[s] = (struct slot_call){ f, s };
		mc_ctl_aclient_call(f->c, req, on_reply, &calls[s]);
		json_object_put(req);
	}
}

static void on_fetch_timer(void *user)
{
	struct wud_feed *f = user;

	if (f->stale)
		fetch(f);
}

static void on_event(void *user, const char *topic, json_object *data)
{
	struct wud_feed *f = user;
	uint64_t now = wud_now(f->w), due = f->fetched_ms + WUD_FETCH_MIN_MS;

	if (f->stale)
		return;		/* a fetch is due already */
	f->stale = true;
	mc_timer_arm(f->w->d->loop, &f->t, due > now ? due - now : 0);
}

static void drop(struct wud_feed *f)
{
	struct wud *w = f->w;
	unsigned what = WV_W_STATUS;

	mc_timer_stop(w->d->loop, &f->t);
	if (f->c)
		mc_ctl_aclient_close(f->c);
	f->c = NULL;
	w->v.up[f->idx] = false;
	for (unsigned s = 0; s < WV_SLOTS; s++) {
		if (wv_slots[s].daemon != f->idx || !w->v.c[s])
			continue;
		json_object_put(w->v.c[s]);
		w->v.c[s] = NULL;
		what |= wv_slots[s].what;
	}
	wud_changed(w, what);
}

static void on_closed(void *user, int err)
{
	struct wud_feed *f = user;

	log_info("%s: control connection lost (%s)", wv_daemons[f->idx].name,
		 err ? strerror(err < 0 ? -err : err) : "closed");
	drop(f);
	/* a restart takes a moment: try again soon, not at the next round */
	mc_timer_arm(f->w->d->loop, &f->w->refresh, 500);
}

static void on_subscribed(void *user, json_object *reply)
{
	struct wud_feed *f = user;
	json_object *ok;

	if (reply && !(json_object_object_get_ex(reply, "ok", &ok) &&
		       json_object_get_boolean(ok)))
		log_warn("%s refused the subscription: %s", wv_daemons[f->idx].name,
			 json_object_to_json_string(reply));
}

static void connect_feed(struct wud_feed *f)
{
	struct wud *w = f->w;
	const struct mc_ctl_aclient_ops ops = { .event = on_event, .closed = on_closed,
						.user = f };
	json_object *req, *topics;
	int rc;

	rc = mc_ctl_aclient_open(&f->c, w->d->loop, w->d->rundir, wv_daemons[f->idx].name, &ops);
	if (rc < 0) {
		f->c = NULL;
		return;
	}
	log_info("%s: connected", wv_daemons[f->idx].name);
	w->v.up[f->idx] = true;
	req = json_object_new_object();
	topics = json_object_new_array();
	for (unsigned i = 0; wv_daemons[f->idx].topics[i]; i++)
		json_object_array_add(topics, json_object_new_string(wv_daemons[f->idx].topics[i]));
	json_object_object_add(req, "cmd", json_object_new_string("subscribe"));
	json_object_object_add(req, "topics", topics);
	mc_ctl_aclient_call(f->c, req, on_subscribed, f);
	json_object_put(req);
	fetch(f);
	wud_changed(w, WV_W_STATUS);
}

static void on_refresh(void *user)
{
	struct wud *w = user;

	for (unsigned i = 0; i < WV_DAEMONS; i++) {
		struct wud_feed *f = &w->feeds[i];

		if (!f->c)
			connect_feed(f);
		else
			fetch(f);
	}
	/* connections (each had a 16 KiB pool) and the replies parsed every
	 * round leave the heap holed: give the free pages back when the
	 * connections are over, and every minute */
	if ((w->closed_since_trim && w->nconn <= 2) || ++w->rounds_since_trim >= 12) {
		malloc_trim(0);
		w->closed_since_trim = 0;
		w->rounds_since_trim = 0;
	}
	mc_timer_arm(w->d->loop, &w->refresh, WUD_REFRESH_MS);
}

void wud_feeds_start(struct wud *w)
{
	for (unsigned i = 0; i < WV_DAEMONS; i++) {
		w->feeds[i] = (struct wud_feed){ .w = w, .idx = i };
		mc_timer_init(&w->feeds[i].t, on_fetch_timer, &w->feeds[i]);
	}
	mc_timer_init(&w->refresh, on_refresh, w);
	mc_timer_init(&w->notify, on_notify, w);
	mc_timer_init(&w->heartbeat, on_heartbeat, w);
	mc_timer_arm(w->d->loop, &w->refresh, 0);
	mc_timer_arm(w->d->loop, &w->heartbeat, WUD_HEARTBEAT_MS);
}

void wud_feeds_stop(struct wud *w)
{
	for (unsigned i = 0; i < WV_DAEMONS; i++) {
		struct wud_feed *f = &w->feeds[i];

		mc_timer_stop(w->d->loop, &f->t);
		if (f->c)
			mc_ctl_aclient_close(f->c);
		f->c = NULL;
	}
	for (unsigned s = 0; s < WV_SLOTS; s++) {
		json_object_put(w->v.c[s]);
		w->v.c[s] = NULL;
	}
	mc_timer_stop(w->d->loop, &w->refresh);
	mc_timer_stop(w->d->loop, &w->notify);
	mc_timer_stop(w->d->loop, &w->heartbeat);
}
