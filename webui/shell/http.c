/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * webuid's requests (doc/webui.md "API", "Security"): the embedded
 * static files, the reads, the changes (session cookie + CSRF token),
 * the event stream and /metrics.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/ctl.h"
#include "common/log.h"
#include "webui/core/static.h"
#include "webui/shell/webuid.h"

#define COOKIE "sm_session"
#define CSP "default-src 'self'; img-src 'self' data:; style-src 'self'; " \
	    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; " \
	    "base-uri 'none'; form-action 'self'"

struct wreq {
	char *body;
	size_t len;
	bool too_big, answered;
};

/* ------------------------------------------------------------ answers */

static void headers(struct MHD_Response *r, const char *type, bool cache)
{
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Content-Security-Policy", CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", cache ? "no-cache" : "no-store");
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *type,
				 const char *text, size_t len, const char *cookie)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)text,
								 MHD_RESPMEM_MUST_COPY);
	enum MHD_Result rc;

	if (!r)
		return MHD_NO;
	headers(r, type, false);
	if (cookie)
		MHD_add_response_header(r, "Set-Cookie", cookie);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* o is consumed */
static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_object *o,
				 const char *cookie)
{
	const char *t = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE);
	enum MHD_Result rc = send_text(c, status, "application/json", t, strlen(t), cookie);

	json_object_put(o);
	return rc;
}

static enum MHD_Result send_error(struct wud *w, struct MHD_Connection *c, unsigned status,
				  const char *msg)
{
	json_object *o = json_object_new_object();

	if (status == 404)
		w->not_found++;
	else
		w->refused++;
	json_object_object_add(o, "error", json_object_new_string(msg));
	return send_json(c, status, o, NULL);
}

/* ------------------------------------------------------------ helpers */

static const char *header(struct MHD_Connection *c, const char *k)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, k);
}

/* the client's address as 16 bytes (IPv4 mapped) */
static void client_ip(struct MHD_Connection *c, uint8_t ip[16])
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	memset(ip, 0, 16);
	if (sa && sa->sa_family == AF_INET6) {
		memcpy(ip, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
	} else if (sa && sa->sa_family == AF_INET) {
		ip[10] = ip[11] = 0xff;
		memcpy(ip + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	}
}

/*
 * A change must come from the page itself: when the browser says where
 * the request comes from (Origin), it must be this host. SameSite=Strict
 * and the CSRF token are the main defence; this one costs nothing.
 */
static bool same_origin(struct MHD_Connection *c)
{
	const char *origin = header(c, "Origin"), *host = header(c, "Host"), *p;

	if (!origin)
		return true;
	if (!host)
		return false;
	p = !strncmp(origin, "http://", 7) ? origin + 7 :
	    !strncmp(origin, "https://", 8) ? origin + 8 : NULL;
	return p && !strcmp(p, host);
}

static const struct wu_session *session(struct wud *w, struct MHD_Connection *c)
{
	const char *tok = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE);

	return wu_session_find(&w->auth, tok, wud_now(w));
}

static void session_cookie(const struct wud *w, const struct wu_session *s, char *buf,
			   size_t len)
{
	snprintf(buf, len, COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%llu",
		 s->token, (unsigned long long)(w->auth.max_ms / 1000));
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

/* --------------------------------------------------------------- reads */

static enum MHD_Result get_api(struct wud *w, struct MHD_Connection *c, const char *url)
{
	json_object *o;

	if (!strcmp(url, "/api/status")) {
		o = wv_status(&w->v);
		json_object_object_add(o, "logged_in", json_object_new_boolean(session(w, c) != NULL));
	} else if (!strcmp(url, "/api/neighbours")) {
		o = wv_neighbours(&w->v);
	} else if (!strcmp(url, "/api/map")) {
		o = wv_map(&w->v, wud_now(w));
	} else if (!strcmp(url, "/api/gateways")) {
		o = wv_gateways(&w->v);
	} else if (!strcmp(url, "/api/clients")) {
		o = wv_clients(&w->v, (int64_t)time(NULL));
	} else if (!strcmp(url, "/api/settings")) {
		o = wv_settings(&w->v);
	} else if (!strcmp(url, "/api/session")) {
		const struct wu_session *s = session(w, c);

		o = json_object_new_object();
		json_object_object_add(o, "logged_in", json_object_new_boolean(s != NULL));
		if (s)
			json_object_object_add(o, "csrf", json_object_new_string(s->csrf));
	} else {
		return send_error(w, c, 404, "no such page");
	}
	return send_json(c, 200, o, NULL);
}

static enum MHD_Result get_metrics(struct wud *w, struct MHD_Connection *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	enum MHD_Result rc;

	if (!f)
		return MHD_NO;
	wv_metrics(&w->v, f);
	fprintf(f, "# HELP softmesh_webui_requests_total requests webuid answered, by outcome\n"
		   "# TYPE softmesh_webui_requests_total counter\n"
		   "softmesh_webui_requests_total{outcome=\"all\"} %llu\n"
		   "softmesh_webui_requests_total{outcome=\"not_found\"} %llu\n"
		   "softmesh_webui_requests_total{outcome=\"refused\"} %llu\n"
		   "# HELP softmesh_webui_logins_total login attempts, by outcome\n"
		   "# TYPE softmesh_webui_logins_total counter\n"
		   "softmesh_webui_logins_total{outcome=\"ok\"} %llu\n"
		   "softmesh_webui_logins_total{outcome=\"wrong\"} %llu\n"
		   "softmesh_webui_logins_total{outcome=\"rate_limited\"} %llu\n",
		(unsigned long long)w->requests, (unsigned long long)w->not_found,
		(unsigned long long)w->refused, (unsigned long long)w->login_ok,
		(unsigned long long)w->login_failed, (unsigned long long)w->login_limited);
	fclose(f);
	rc = send_text(c, 200, "text/plain; version=0.0.4; charset=utf-8", text, len, NULL);
	free(text);
	return rc;
}

static enum MHD_Result get_static(struct wud *w, struct MHD_Connection *c, const char *url)
{
	const struct wu_static *f = wu_static_find(url);
	const char *inm = header(c, "If-None-Match");
	struct MHD_Response *r;
	enum MHD_Result rc;
	unsigned status = 200;

	if (!f)
		return send_error(w, c, 404, "no such page");
	if (inm && !strcmp(inm, f->etag)) {
		status = 304;
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	} else {
		r = MHD_create_response_from_buffer(f->len, (void *)f->data,
						    MHD_RESPMEM_PERSISTENT);
	}
	if (!r)
		return MHD_NO;
	headers(r, f->type, true);
	MHD_add_response_header(r, "ETag", f->etag);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* -------------------------------------------------------- event stream */

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct wud_sse *s = cls;
	size_t n;

	if (s->closing && s->off == s->len)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (s->off == s->len) {
		s->off = s->len = 0;
		MHD_suspend_connection(s->c);
		s->suspended = true;
		return 0;
	}
	n = s->len - s->off < max ? s->len - s->off : max;
	memcpy(buf, s->buf + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static void sse_free(void *cls)
{
	struct wud_sse *s = cls, **pp;

	for (pp = &s->w->sse; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	s->w->nsse--;
	free(s);
}

static void sse_wake(struct wud_sse *s)
{
	if (s->suspended) {
		s->suspended = false;
		MHD_resume_connection(s->c);
	}
}

void wud_sse_push(struct wud *w, const char *text)
{
	size_t n = strlen(text);

	for (struct wud_sse *s = w->sse; s; s = s->next) {
		/* a stream that cannot take it has an update waiting anyway:
		 * every event only says "read again" */
		if (s->len + n <= sizeof(s->buf)) {
			memcpy(s->buf + s->len, text, n);
			s->len += n;
		}
		sse_wake(s);
	}
	wud_listen_kick(w);
}

void wud_sse_close_all(struct wud *w)
{
	for (struct wud_sse *s = w->sse; s; s = s->next) {
		s->closing = true;
		sse_wake(s);
	}
}

static enum MHD_Result get_events(struct wud *w, struct MHD_Connection *c)
{
	struct wud_sse *s;
	struct MHD_Response *r;
	enum MHD_Result rc;
	static const char hello[] = "retry: 3000\n: softmesh webuid\n\n";

	if (w->nsse >= WUD_SSE_MAX) {
		w->sse_refused++;
		return send_error(w, c, 503, "too many event streams open: try again later");
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return MHD_NO;
	*s = (struct wud_sse){ .w = w, .c = c, .next = w->sse };
	memcpy(s->buf, hello, sizeof(hello) - 1);
	s->len = sizeof(hello) - 1;
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, sse_read, s, sse_free);
	if (!r) {
		free(s);
		return MHD_NO;
	}
	w->sse = s;
	w->nsse++;
	headers(r, "text/event-stream", false);
	rc = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return rc;
}

/* ------------------------------------------------------------- changes */

static const struct wud_field f_login[] = { { "password", json_type_string, true }, { 0 } };
static const struct wud_field f_none[] = { { 0 } };
static const struct wud_field f_gateway[] = { { "choice", json_type_string, true }, { 0 } };
static const struct wud_field f_setup[] = {
	{ "hostname", json_type_string, false }, { "ap_ssid", json_type_string, false },
	{ "password", json_type_string, true }, { 0 } };
static const struct wud_field f_settings[] = {
	{ "hostname", json_type_string, false }, { "ap_ssid", json_type_string, false },
	{ "gateway", json_type_boolean, false },
	{ "gateway_bandwidth", json_type_string, false },
	{ "preferred_gateway", json_type_string, false },
	{ "password", json_type_string, false }, { 0 } };

static enum MHD_Result login(struct wud *w, struct MHD_Connection *c, json_object *req)
{
	uint8_t ip[16];
	unsigned wait;
	const struct wu_session *s;
	char cookie[200], ra[16];
	json_object *o;

	if (!wud_password_set(w))
		return send_error(w, c, 409, "no admin password is set yet: run the first-run setup");
	client_ip(c, ip);
	wait = wu_login_attempt(&w->auth, ip, wud_now(w));
	if (wait) {
		struct MHD_Response *r;
		const char *t = "{\"error\":\"too many login attempts: wait and try again\"}";
		enum MHD_Result rc;

		w->login_limited++;
		w->refused++;
		r = MHD_create_response_from_buffer(strlen(t), (void *)t, MHD_RESPMEM_PERSISTENT);
		if (!r)
			return MHD_NO;
		headers(r, "application/json", false);
		snprintf(ra, sizeof(ra), "%u", wait);
		MHD_add_response_header(r, "Retry-After", ra);
		rc = MHD_queue_response(c, 429, r);
		MHD_destroy_response(r);
		return rc;
	}
	if (!wud_password_check(w, jstr(req, "password"))) {
		w->login_failed++;
		log_notice("login refused: wrong password");
		return send_error(w, c, 403, "wrong password");
	}
	wu_login_ok(&w->auth, ip);
	w->login_ok++;
	s = wu_session_new(&w->auth, wud_now(w));
	session_cookie(w, s, cookie, sizeof(cookie));
	o = json_object_new_object();
	json_object_object_add(o, "csrf", json_object_new_string(s->csrf));
	log_notice("login: a new session");
	wud_publish(w, "login", json_object_new_object());
	return send_json(c, 200, o, cookie);
}

/* settings (and setup): o is consumed */
static enum MHD_Result change(struct wud *w, struct MHD_Connection *c, json_object *req,
			      bool setup)
{
	json_object *out = NULL;
	char err[1024], cookie[200];
	const char *pw = jstr(req, "password");
	int rc;

	if (pw && (strlen(pw) < 8 || strlen(pw) > 128))
		return send_error(w, c, 400, "the password must have 8 to 128 characters");
	rc = wud_settings_apply(w, req, &out, err, sizeof(err));
	if (rc < 0) {
		w->change_errors++;
		return send_error(w, c, rc == -EINVAL ? 400 : 500, err);
	}
	w->changes++;
	if (pw) {
		/* a new password ends every session; this one goes on in a new one */
		const struct wu_session *s;

		wu_session_end_all(&w->auth);
		s = wu_session_new(&w->auth, wud_now(w));
		json_object_object_add(out, "csrf", json_object_new_string(s->csrf));
		session_cookie(w, s, cookie, sizeof(cookie));
	}
	wud_changed(w, WV_W_SETTINGS | WV_W_STATUS);
	wud_publish(w, setup ? "setup" : "settings", json_object_get(out));
	if (w->restart_after_reply)
		mc_daemon_restart(w->d);
	return send_json(c, 200, out, pw ? cookie : NULL);
}

static enum MHD_Result gateway(struct wud *w, struct MHD_Connection *c, json_object *req)
{
	json_object *q, *rep = NULL, *ok, *data, *e;
	const char *choice = jstr(req, "choice");
	enum MHD_Result rc;
	int r;

	if (!*choice || strlen(choice) > 64)
		return send_error(w, c, 400, "choose a gateway by its name, or auto");
	q = json_object_new_object();
	json_object_object_add(q, "cmd", json_object_new_string("gw_prefer"));
	json_object_object_add(q, "who", json_object_new_string(choice));
	r = mc_ctl_request(w->d->rundir, "l3routed", q, &rep, 2000);
	if (r == -ENOENT || r == -ECONNREFUSED) {
		rc = send_error(w, c, 503, "l3routed is not running: no gateway can be chosen");
	} else if (r < 0) {
		rc = send_error(w, c, 503, "l3routed did not answer");
	} else if (json_object_object_get_ex(rep, "ok", &ok) && json_object_get_boolean(ok)) {
		w->changes++;
		data = json_object_object_get_ex(rep, "data", &data) ? json_object_get(data) :
								       json_object_new_object();
		wud_publish(w, "gateway", json_object_get(data));
		rc = send_json(c, 200, data, NULL);
		log_notice("gateway preference: %s (web UI)", choice);
	} else {
		w->change_errors++;
		rc = send_error(w, c, 400, json_object_object_get_ex(rep, "error", &e) ?
					   json_object_get_string(e) : "refused");
	}
	json_object_put(q);
	json_object_put(rep);
	return rc;
}

static enum MHD_Result post_api(struct wud *w, struct MHD_Connection *c, const char *url,
				struct wreq *r)
{
	const struct wud_field *fields;
	const struct wu_session *s = NULL;
	json_object *req;
	char msg[160];
	enum MHD_Result rc;
	bool open = false;

	if (!strcmp(url, "/api/login"))
		fields = f_login, open = true;
	else if (!strcmp(url, "/api/setup"))
		fields = f_setup, open = true;
	else if (!strcmp(url, "/api/logout"))
		fields = f_none;
	else if (!strcmp(url, "/api/settings"))
		fields = f_settings;
	else if (!strcmp(url, "/api/gateway"))
		fields = f_gateway;
	else
		return send_error(w, c, 404, "no such call");
	if (!same_origin(c))
		return send_error(w, c, 403, "a change from another site is refused");
	if (!open) {
		s = session(w, c);
		if (!s)
			return send_error(w, c, 401, "log in first (no session, or it has ended)");
		if (!wu_csrf_ok(s, header(c, "X-CSRF-Token")))
			return send_error(w, c, 403, "missing or wrong CSRF token");
	}
	req = wud_body_parse(r->body, r->len, fields, msg, sizeof(msg));
	if (!req)
		return send_error(w, c, 400, msg);
	if (!strcmp(url, "/api/login")) {
		rc = login(w, c, req);
	} else if (!strcmp(url, "/api/setup")) {
		if (wud_password_set(w))
			rc = send_error(w, c, 409, "this node is set up already: log in to change it");
		else
			rc = change(w, c, req, true);
	} else if (!strcmp(url, "/api/logout")) {
		wu_session_end(&w->auth, MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE));
		rc = send_json(c, 200, json_object_new_object(),
			       COOKIE "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
	} else if (!strcmp(url, "/api/settings")) {
		rc = change(w, c, req, false);
	} else {
		rc = gateway(w, c, req);
	}
	json_object_put(req);
	return rc;
}

/* ------------------------------------------------------------- handler */

enum MHD_Result wud_http_handler(void *cls, struct MHD_Connection *c, const char *url,
				 const char *method, const char *version, const char *upload,
				 size_t *upload_size, void **con_cls)
{
	struct wud *w = cls;
	struct wreq *r = *con_cls;
	bool post = !strcmp(method, "POST");

	w->v.conf = w->d->conf;	/* a reload may have replaced it */
	if (!r) {
		const char *cl = header(c, "Content-Length");

		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		*con_cls = r;
		w->requests++;
		if (post && cl && strtoull(cl, NULL, 10) > WUD_BODY_MAX) {
			r->answered = true;
			return send_error(w, c, 413, "the body is too large (8 KiB at most)");
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (r->answered) {
			*upload_size = 0;
			return MHD_YES;
		}
		if (!post || r->len + *upload_size > WUD_BODY_MAX)
			return MHD_NO;	/* too large after all: the connection goes */
		char *b = realloc(r->body, r->len + *upload_size + 1);

		if (!b)
			return MHD_NO;
		memcpy(b + r->len, upload, *upload_size);
		r->body = b;
		r->len += *upload_size;
		r->body[r->len] = 0;
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->answered)
		return MHD_YES;
	r->answered = true;
	if (post) {
		if (!strncmp(url, "/api/", 5))
			return post_api(w, c, url, r);
		return send_error(w, c, 405, "only the API takes POST");
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return send_error(w, c, 405, "method not allowed");
	if (!strcmp(url, "/api/events"))
		return get_events(w, c);
	if (!strncmp(url, "/api/", 5))
		return get_api(w, c, url);
	if (!strcmp(url, "/metrics"))
		return get_metrics(w, c);
	return get_static(w, c, url);
}

void wud_http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			enum MHD_RequestTerminationCode toe)
{
	struct wreq *r = *con_cls;

	if (r) {
		free(r->body);
		free(r);
	}
	*con_cls = NULL;
}
