/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef WU_WEBUID_H
#define WU_WEBUID_H

/*
 * webuid's shell (doc/webui.md): libmicrohttpd in the libev loop
 * (webuid.c), the daemons' data kept from their control sockets
 * (feeds.c), the JSON the pages read (view.c), the requests (http.c) and
 * the node settings it writes (settings.c).
 */

#include <stdbool.h>
#include <stdint.h>

#include <ev.h>
#include <json-c/json.h>
#include <microhttpd.h>
#include <sodium.h>

#include "common/daemon.h"
#include "common/evloop.h"
#include "webui/core/auth.h"
#include "webui/shell/req.h"
#include "webui/shell/view.h"

#define WUD_LISTEN_MAX 8
#define WUD_BODY_MAX 8192	/* a request body, bytes */
#define WUD_SSE_MAX 32		/* event streams at once */
#define WUD_SSE_BUF 2048

struct mc_ctl_aclient;

struct wud_listener {
	struct wud *w;
	struct MHD_Daemon *mhd;
	ev_io io;		/* MHD's epoll descriptor */
	struct mc_timer t;	/* MHD's own timeouts */
	char addr[64];
};

struct wud_feed {
	struct wud *w;
	unsigned idx;			/* into wud_feed_defs */
	struct mc_ctl_aclient *c;	/* NULL: not connected */
	bool stale;			/* an event since the last fetch */
	uint64_t fetched_ms;
	struct mc_timer t;		/* a fetch after an event, throttled */
};

struct wud_sse {
	struct wud *w;
	struct MHD_Connection *c;
	struct wud_sse *next;
	char buf[WUD_SSE_BUF];
	size_t len, off;
	bool suspended, closing;
};

struct wud {
	struct mc_daemon *d;
	struct wud_listener lis[WUD_LISTEN_MAX];
	unsigned nlis, nconn, closed_since_trim, rounds_since_trim;
	long port;
	long max_conn, max_per_ip;
	struct wu_auth auth;
	struct wv_data v;		/* what the views are made of */
	struct wud_feed feeds[WV_DAEMONS];
	struct mc_timer refresh, notify, heartbeat;
	unsigned dirty;			/* WV_W_* bits not told to streams yet */
	struct wud_sse *sse;
	unsigned nsse;
	char pw_path[200];
	char pw_hash[crypto_pwhash_STRBYTES];
	bool restart_after_reply;
	/* counters (status, /metrics) */
	uint64_t requests, not_found, refused, login_ok, login_failed,
		 login_limited, changes, change_errors, sse_refused, conn_refused;
};

uint64_t wud_now(const struct wud *w);

/* webuid.c: listening */
int wud_listen_start(struct wud *w);
void wud_listen_stop(struct wud *w);
/* The running config (after a reload) asks for other listening
 * addresses, port or password file than those in use. */
bool wud_listen_changed(struct wud *w);
/* Lets MHD take up resumed connections now (an external loop must). */
void wud_listen_kick(struct wud *w);

/* A "change" event on webuid's control socket: what (settings, gateway,
 * login, logout) and its detail (consumed). */
void wud_publish(struct wud *w, const char *what, json_object *detail);

/* feeds.c */
void wud_feeds_start(struct wud *w);
void wud_feeds_stop(struct wud *w);
/* Marks views changed (WV_W_* bits): streams are told soon. */
void wud_changed(struct wud *w, unsigned what);

/* http.c: the request handler and its completion hook (MHD's types) */
enum MHD_Result wud_http_handler(void *cls, struct MHD_Connection *c, const char *url,
				 const char *method, const char *version, const char *upload,
				 size_t *upload_size, void **con_cls);
void wud_http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			enum MHD_RequestTerminationCode toe);
void wud_sse_push(struct wud *w, const char *text);
void wud_sse_close_all(struct wud *w);

/* settings.c */
int wud_password_load(struct wud *w);
bool wud_password_set(const struct wud *w);
bool wud_password_check(const struct wud *w, const char *pw);
/*
 * Applies a validated change (an object of settings fields, doc/webui.md):
 * the node file is rewritten after the whole config passed the same
 * checks as at start, the daemons reload and those that must restart.
 * 0 and *out {"applied","restarted"}; else a negative errno and *err (a
 * message for the page: the config library's "file:line: ...").
 */
int wud_settings_apply(struct wud *w, json_object *req, json_object **out, char *err,
		       size_t errlen);

#endif
