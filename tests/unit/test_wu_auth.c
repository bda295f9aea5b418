/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * webuid's sessions and login rate limits (webui/core/auth.c), with a
 * deterministic random source and time passed in: tokens, expiry by idle
 * time and age, least-recently-used eviction, logout of one session, the
 * CSRF check, and the exact Retry-After of each limit.
 */
#include <string.h>

#include "tests/unit/check.h"
#include "webui/core/auth.h"

#define T0 1000000u		/* a monotonic clock well past zero, in ms */
#define IDLE_MS 60000u
#define MAX_MS 600000u

/* call k fills byte i with k * 31 + i * 7 (31 is odd: 256 calls differ) */
static void det_rand(void *user, uint8_t *buf, size_t n)
{
	unsigned *k = user;

	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(*k * 31 + i * 7);
	(*k)++;
}

static unsigned calls;

static void init(struct wu_auth *a, uint64_t idle_ms, uint64_t max_ms)
{
	calls = 0;
	wu_auth_init(a, &(struct wu_auth_env){ .rand = det_rand, .user = &calls }, idle_ms,
		     max_ms);
}

/* the token det_rand's call k makes */
static void want_token(unsigned k, char out[WU_TOKEN_HEX + 1])
{
	static const char hex[] = "0123456789abcdef";

	for (unsigned i = 0; i < WU_TOKEN_HEX / 2; i++) {
		uint8_t b = (uint8_t)(k * 31 + i * 7);

		out[2 * i] = hex[b >> 4];
		out[2 * i + 1] = hex[b & 15];
	}
	out[WU_TOKEN_HEX] = 0;
}

static void test_tokens(void)
{
	struct wu_auth a;
	const struct wu_session *s;
	char want[WU_TOKEN_HEX + 1], tok[WU_TOKEN_HEX + 2];

	init(&a, IDLE_MS, MAX_MS);
	CHECK_INT(wu_session_count(&a, T0), 0);
	s = wu_session_new(&a, T0);
	CHECK(s != NULL);
	want_token(0, want);
	CHECK_STR(s->token, want);
	want_token(1, want);
	CHECK_STR(s->csrf, want);
	CHECK_INT(calls, 2);
	CHECK_INT(strlen(s->token), WU_TOKEN_HEX);
	CHECK(strspn(s->token, "0123456789abcdef") == WU_TOKEN_HEX);
	CHECK(s->live && s->created_ms == T0 && s->used_ms == T0);
	CHECK_INT(wu_session_count(&a, T0), 1);

	CHECK(wu_session_find(&a, s->token, T0 + 5) == s);
	CHECK_INT(s->used_ms, T0 + 5);
	/* the CSRF token is no cookie, nor is anything of another length */
	CHECK(wu_session_find(&a, s->csrf, T0 + 6) == NULL);
	CHECK(wu_session_find(&a, NULL, T0 + 6) == NULL);
	CHECK(wu_session_find(&a, "", T0 + 6) == NULL);
	memcpy(tok, s->token, WU_TOKEN_HEX + 1);
	tok[WU_TOKEN_HEX - 1] = 0;
	CHECK(wu_session_find(&a, tok, T0 + 6) == NULL);	/* 63 digits */
	memcpy(tok, s->token, WU_TOKEN_HEX);
	tok[WU_TOKEN_HEX] = '0';
	tok[WU_TOKEN_HEX + 1] = 0;
	CHECK(wu_session_find(&a, tok, T0 + 6) == NULL);	/* 65 */
	/* one digit off, first or last; case counts */
	memcpy(tok, s->token, WU_TOKEN_HEX + 1);
	tok[0] = tok[0] == 'a' ? 'b' : 'a';
	CHECK(wu_session_find(&a, tok, T0 + 6) == NULL);
	memcpy(tok, s->token, WU_TOKEN_HEX + 1);
	tok[WU_TOKEN_HEX - 1] = tok[WU_TOKEN_HEX - 1] == '0' ? '1' : '0';
	CHECK(wu_session_find(&a, tok, T0 + 6) == NULL);
	memcpy(tok, s->token, WU_TOKEN_HEX + 1);
	for (char *p = tok; *p; p++)
		if (*p >= 'a')
			*p = (char)(*p - 'a' + 'A');
	CHECK(strcmp(tok, s->token) != 0);
	CHECK(wu_session_find(&a, tok, T0 + 6) == NULL);
	CHECK_INT(s->used_ms, T0 + 5);		/* misses use nothing */
}

static void test_csrf(void)
{
	struct wu_auth a;
	const struct wu_session *s, *s2;
	char tok[WU_TOKEN_HEX + 2];

	init(&a, IDLE_MS, MAX_MS);
	s = wu_session_new(&a, T0);
	s2 = wu_session_new(&a, T0);
	CHECK(wu_csrf_ok(s, s->csrf));
	CHECK(!wu_csrf_ok(s, s->token));
	CHECK(!wu_csrf_ok(s, s2->csrf));	/* another session's */
	CHECK(!wu_csrf_ok(s, NULL));
	CHECK(!wu_csrf_ok(NULL, s->csrf));
	CHECK(!wu_csrf_ok(s, ""));
	memcpy(tok, s->csrf, WU_TOKEN_HEX + 1);
	tok[WU_TOKEN_HEX - 1] = 0;
	CHECK(!wu_csrf_ok(s, tok));
	memcpy(tok, s->csrf, WU_TOKEN_HEX);
	tok[WU_TOKEN_HEX] = 'f';
	tok[WU_TOKEN_HEX + 1] = 0;
	CHECK(!wu_csrf_ok(s, tok));
	memcpy(tok, s->csrf, WU_TOKEN_HEX + 1);
	tok[31] ^= 1;
	CHECK(!wu_csrf_ok(s, tok));
}

static void test_idle_expiry(void)
{
	struct wu_auth a;
	const struct wu_session *s;
	char tok[WU_TOKEN_HEX + 1];

	init(&a, 1000, MAX_MS);
	s = wu_session_new(&a, T0);
	memcpy(tok, s->token, sizeof(tok));
	CHECK(wu_session_find(&a, tok, T0 + 999) == s);	/* just in time */
	CHECK(wu_session_find(&a, tok, T0 + 1998) == s);	/* use renews it */
	CHECK_INT(wu_session_count(&a, T0 + 2997), 1);
	CHECK_INT(wu_session_count(&a, T0 + 2998), 0);	/* idle 1000 ms */
	CHECK(wu_session_find(&a, tok, T0 + 2998) == NULL);
	CHECK(wu_session_find(&a, tok, T0 + 2999) == NULL);	/* and stays gone */
}

static void test_max_age(void)
{
	struct wu_auth a;
	const struct wu_session *s;
	char tok[WU_TOKEN_HEX + 1];

	init(&a, 1000, 3000);
	s = wu_session_new(&a, T0);
	memcpy(tok, s->token, sizeof(tok));
	for (uint64_t t = T0 + 500; t < T0 + 3000; t += 500)
		CHECK(wu_session_find(&a, tok, t) == s);
	CHECK_INT(wu_session_count(&a, T0 + 2999), 1);
	CHECK(wu_session_find(&a, tok, T0 + 3000) == NULL);	/* used, but old */
	CHECK_INT(wu_session_count(&a, T0 + 3000), 0);
}

/* Logging out ends that session and no other. */
static void test_end(void)
{
	struct wu_auth a;
	const struct wu_session *s1, *s2, *s3;
	char t1[WU_TOKEN_HEX + 1], t2[WU_TOKEN_HEX + 1], t3[WU_TOKEN_HEX + 1];

	init(&a, IDLE_MS, MAX_MS);
	s1 = wu_session_new(&a, T0);
	memcpy(t1, s1->token, sizeof(t1));
	s2 = wu_session_new(&a, T0 + 10);
	memcpy(t2, s2->token, sizeof(t2));
	s3 = wu_session_new(&a, T0 + 20);
	memcpy(t3, s3->token, sizeof(t3));
	CHECK_INT(wu_session_count(&a, T0 + 30), 3);

	CHECK(wu_session_end(&a, t2));
	CHECK(wu_session_find(&a, t2, T0 + 40) == NULL);
	CHECK(wu_session_find(&a, t1, T0 + 40) == s1);
	CHECK(wu_session_find(&a, t3, T0 + 40) == s3);
	CHECK_INT(wu_session_count(&a, T0 + 40), 2);
	CHECK(!wu_session_end(&a, t2));		/* a replayed logout */
	CHECK(!wu_session_end(&a, NULL));
	CHECK(!wu_session_end(&a, ""));
	CHECK(!wu_session_end(&a, s1->csrf));
	CHECK_INT(wu_session_count(&a, T0 + 40), 2);

	wu_session_end_all(&a);
	CHECK_INT(wu_session_count(&a, T0 + 50), 0);
	CHECK(wu_session_find(&a, t1, T0 + 50) == NULL);
	CHECK(wu_session_find(&a, t3, T0 + 50) == NULL);
	CHECK(!wu_session_end(&a, t1));
	/* a new session after that is a new token */
	s1 = wu_session_new(&a, T0 + 60);
	CHECK(strcmp(s1->token, t1) && strcmp(s1->token, t2) && strcmp(s1->token, t3));
	CHECK(wu_session_find(&a, s1->token, T0 + 61) == s1);
}

static void test_lru(void)
{
	struct wu_auth a;
	char tok[WU_SESSIONS + 1][WU_TOKEN_HEX + 1];
	const struct wu_session *s;

	init(&a, IDLE_MS, MAX_MS);
	for (unsigned i = 0; i < WU_SESSIONS; i++)
		memcpy(tok[i], wu_session_new(&a, T0 + i)->token, WU_TOKEN_HEX + 1);
	CHECK_INT(wu_session_count(&a, T0 + 100), WU_SESSIONS);
	/* session 0 is used again: 1 is the least recently used now */
	CHECK(wu_session_find(&a, tok[0], T0 + 100) != NULL);
	s = wu_session_new(&a, T0 + 200);
	memcpy(tok[WU_SESSIONS], s->token, WU_TOKEN_HEX + 1);
	CHECK_INT(wu_session_count(&a, T0 + 200), WU_SESSIONS);
	CHECK(wu_session_find(&a, tok[1], T0 + 201) == NULL);
	for (unsigned i = 0; i <= WU_SESSIONS; i++)
		if (i != 1)
			CHECK(wu_session_find(&a, tok[i], T0 + 202) != NULL);

	/* an expired session's slot goes first, before any live one */
	init(&a, 1000, MAX_MS);
	for (unsigned i = 0; i < WU_SESSIONS; i++)
		memcpy(tok[i], wu_session_new(&a, T0 + i)->token, WU_TOKEN_HEX + 1);
	for (unsigned i = 0; i < WU_SESSIONS; i++)
		if (i != 7)
			CHECK(wu_session_find(&a, tok[i], T0 + 900) != NULL);
	s = wu_session_new(&a, T0 + 1500);	/* 7 idle since T0 + 7 */
	CHECK(wu_session_find(&a, tok[7], T0 + 1500) == NULL);
	for (unsigned i = 0; i < WU_SESSIONS; i++)
		if (i != 7)
			CHECK(wu_session_find(&a, tok[i], T0 + 1500) != NULL);
	CHECK(wu_session_find(&a, s->token, T0 + 1500) == s);
	CHECK_INT(wu_session_count(&a, T0 + 1500), WU_SESSIONS);
}

static void ip_of(uint8_t ip[16], unsigned k)
{
	static const uint8_t v4[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	memcpy(ip, v4, 12);
	ip[12] = 192;
	ip[13] = 0;
	ip[14] = (uint8_t)(k >> 8);
	ip[15] = (uint8_t)k;
}

/* One source: 5 at once, then one every 30 s; Retry-After counts down. */
static void test_rate_ip(void)
{
	struct wu_auth a;
	uint8_t ip[16], other[16];

	init(&a, IDLE_MS, MAX_MS);
	ip_of(ip, 1);
	ip_of(other, 2);
	for (int i = 0; i < WU_RATE_IP_BURST; i++)
		CHECK_INT(wu_login_attempt(&a, ip, T0), 0);
	CHECK_INT(wu_login_attempt(&a, ip, T0), 30);
	CHECK_INT(wu_login_attempt(&a, ip, T0), 30);	/* refusals cost nothing */
	CHECK_INT(wu_login_attempt(&a, other, T0), 0);	/* another source is free */
	CHECK_INT(wu_login_attempt(&a, ip, T0 + 1000), 29);
	CHECK_INT(wu_login_attempt(&a, ip, T0 + 15000), 15);
	CHECK_INT(wu_login_attempt(&a, ip, T0 + 29500), 1);
	CHECK_INT(wu_login_attempt(&a, ip, T0 + 30000), 0);
	CHECK_INT(wu_login_attempt(&a, ip, T0 + 30000), 30);
	/* after a long pause: the burst again, not more */
	for (int i = 0; i < WU_RATE_IP_BURST; i++)
		CHECK_INT(wu_login_attempt(&a, ip, T0 + 3600000), 0);
	CHECK_INT(wu_login_attempt(&a, ip, T0 + 3600000), 30);

	/* a right password gives the source its attempts back */
	wu_login_ok(&a, ip);
	for (int i = 0; i < WU_RATE_IP_BURST; i++)
		CHECK_INT(wu_login_attempt(&a, ip, T0 + 3600000 + 1), 0);
	CHECK_INT(wu_login_attempt(&a, ip, T0 + 3600000 + 1), 30);
	wu_login_ok(&a, other);		/* nothing to restore: harmless */
}

/* Within one millisecond (webuid's loop time) an empty bucket lets one
 * attempt through at most, whatever rounding its refills left. */
static void test_rate_same_ms(void)
{
	struct wu_auth a;
	uint8_t ip[16];
	int passed = 0;

	init(&a, IDLE_MS, MAX_MS);
	ip_of(ip, 1);
	for (int i = 0; i < WU_RATE_IP_BURST; i++)
		CHECK_INT(wu_login_attempt(&a, ip, T0), 0);
	/* ten refills of a tenth each */
	for (uint64_t k = 1; k < 10; k++)
		CHECK_INT(wu_login_attempt(&a, ip, T0 + 3000 * k), 30 - 3 * k);
	for (int i = 0; i < 10; i++)
		passed += wu_login_attempt(&a, ip, T0 + 30000) == 0;
	CHECK_INT(passed, 1);
	passed = 0;
	for (int i = 0; i < 10; i++)
		passed += wu_login_attempt(&a, ip, T0 + 30001) == 0;
	CHECK(passed <= 1);

	/* less than a millisecond short of an attempt is still a wait */
	init(&a, IDLE_MS, MAX_MS);
	for (int i = 0; i < WU_RATE_IP_BURST; i++)
		CHECK_INT(wu_login_attempt(&a, ip, T0), 0);
	CHECK_INT(wu_login_attempt(&a, ip, T0 + 29999), 1);
	CHECK_INT(wu_login_attempt(&a, ip, T0 + 30000), 0);
	CHECK_INT(wu_login_attempt(&a, ip, T0 + 30000), 30);
}

/* All sources: 20 at once, then one every 3 s; a source refused by the
 * global limit keeps its own attempt. */
static void test_rate_global(void)
{
	struct wu_auth a;
	uint8_t ip[16], x[16];

	init(&a, IDLE_MS, MAX_MS);
	ip_of(x, 999);
	for (int i = 0; i < 4; i++)
		CHECK_INT(wu_login_attempt(&a, x, T0), 0);
	for (unsigned k = 0; k < WU_RATE_ALL_BURST - 4; k++) {
		ip_of(ip, k);
		CHECK_INT(wu_login_attempt(&a, ip, T0), 0);
	}
	ip_of(ip, 100);
	CHECK_INT(wu_login_attempt(&a, ip, T0), 3);
	CHECK_INT(wu_login_attempt(&a, x, T0), 3);	/* its 5th: global */
	CHECK_INT(wu_login_attempt(&a, ip, T0 + 1000), 2);
	CHECK_INT(wu_login_attempt(&a, ip, T0 + 2500), 1);
	/* x's 5th attempt was given back: it may go when the global one may */
	CHECK_INT(wu_login_attempt(&a, x, T0 + 3000), 0);
	CHECK_INT(wu_login_attempt(&a, ip, T0 + 3000), 3);
	CHECK_INT(wu_login_attempt(&a, x, T0 + 6000), 24);	/* now x's own */
	CHECK_INT(wu_login_attempt(&a, ip, T0 + 6000), 0);
	/* the per-source limit answers first: a spent source costs nothing */
	CHECK_INT(wu_login_attempt(&a, x, T0 + 9000), 21);
	ip_of(ip, 101);
	CHECK_INT(wu_login_attempt(&a, ip, T0 + 9000), 0);
}

/* 64 sources are tracked; a new one forgets the one that tried least
 * recently, which then starts with a full burst. */
static void test_rate_sources(void)
{
	struct wu_auth a;
	uint8_t ip[16], x[16];

	ip_of(x, 500);
	init(&a, IDLE_MS, MAX_MS);
	for (int i = 0; i < WU_RATE_IP_BURST; i++)
		CHECK_INT(wu_login_attempt(&a, x, T0), 0);
	for (unsigned k = 1; k < WU_RATE_IPS; k++) {
		ip_of(ip, k);
		wu_login_attempt(&a, ip, T0 + k);
	}
	CHECK_INT(wu_login_attempt(&a, x, T0 + 100), 30);	/* 64: still known */
	ip_of(ip, WU_RATE_IPS);		/* forgets source 1, not x (used at +100) */
	wu_login_attempt(&a, ip, T0 + 101);
	CHECK_INT(wu_login_attempt(&a, x, T0 + 102), 30);

	init(&a, IDLE_MS, MAX_MS);
	for (int i = 0; i < WU_RATE_IP_BURST; i++)
		CHECK_INT(wu_login_attempt(&a, x, T0), 0);
	for (unsigned k = 1; k <= WU_RATE_IPS; k++) {
		ip_of(ip, k);
		wu_login_attempt(&a, ip, T0 + k);
	}
	/* x was forgotten: its own limit passes, only the global one (spent
	 * by the 20 first attempts) refuses: 3 s, not 30 */
	CHECK_INT(wu_login_attempt(&a, x, T0 + 100), 3);
	CHECK_INT(wu_login_attempt(&a, x, T0 + 3100), 0);
}

int main(void)
{
	RUN(test_tokens);
	RUN(test_csrf);
	RUN(test_idle_expiry);
	RUN(test_max_age);
	RUN(test_end);
	RUN(test_lru);
	RUN(test_rate_ip);
	RUN(test_rate_same_ms);
	RUN(test_rate_global);
	RUN(test_rate_sources);
	return check_exit();
}
