/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef WU_AUTH_H
#define WU_AUTH_H

/*
 * webuid's sessions and login rate limits (doc/webui.md "Security").
 * Pure: time is an argument, random bytes come through the env, nothing
 * here hashes passwords (the shell does, with libsodium).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WU_SESSIONS 32		/* at most; the least recently used goes */
#define WU_TOKEN_HEX 64		/* 32 random bytes as hex */
#define WU_RATE_IPS 64		/* sources whose failed logins are counted */

struct wu_auth_env {
	void (*rand)(void *user, uint8_t *buf, size_t n);
	void *user;
};

struct wu_session {
	char token[WU_TOKEN_HEX + 1];	/* the cookie's value */
	char csrf[WU_TOKEN_HEX + 1];	/* sent back in X-CSRF-Token */
	uint64_t created_ms, used_ms;
	bool live;
};

/* a token bucket: `tokens` attempts left, one more every refill_ms */
struct wu_bucket {
	uint8_t ip[16];
	double tokens;
	uint64_t at_ms;
	bool used;
};

struct wu_auth {
	struct wu_auth_env env;
	uint64_t idle_ms;	/* a session unused this long is gone */
	uint64_t max_ms;	/* and any session after this long */
	struct wu_session s[WU_SESSIONS];
	struct wu_bucket ip[WU_RATE_IPS];
	struct wu_bucket global;
};

/* Per source: 5 attempts at once, then one every 30 s; all sources
 * together: 20, then one every 3 s (each costs a password hash). */
#define WU_RATE_IP_BURST 5
#define WU_RATE_IP_REFILL_MS 30000u
#define WU_RATE_ALL_BURST 20
#define WU_RATE_ALL_REFILL_MS 3000u

void wu_auth_init(struct wu_auth *a, const struct wu_auth_env *env, uint64_t idle_ms,
		  uint64_t max_ms);
/* A new session (a full table drops its least recently used one). */
const struct wu_session *wu_session_new(struct wu_auth *a, uint64_t now);
/* The live session of that cookie value, its use time updated; NULL when
 * there is none (unknown, ended, expired). Compares in constant time. */
const struct wu_session *wu_session_find(struct wu_auth *a, const char *token, uint64_t now);
/* true when hdr is s's CSRF token (constant time; NULL hdr: false) */
bool wu_csrf_ok(const struct wu_session *s, const char *hdr);
/* Ends the session of that cookie value (logout); false when none. */
bool wu_session_end(struct wu_auth *a, const char *token);
/* Ends every session (a new password). */
void wu_session_end_all(struct wu_auth *a);
unsigned wu_session_count(const struct wu_auth *a, uint64_t now);

/*
 * May the source ip (16 bytes; IPv4 as ::ffff:a.b.c.d) try a password
 * now? 0: yes, and the attempt is counted; else the seconds to wait
 * (Retry-After). wu_login_ok after a right password gives the source its
 * attempts back.
 */
unsigned wu_login_attempt(struct wu_auth *a, const uint8_t ip[16], uint64_t now);
void wu_login_ok(struct wu_auth *a, const uint8_t ip[16]);

#endif
