/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sessions and login rate limits (auth.h). */
#include "webui/core/auth.h"

#include <string.h>

void wu_auth_init(struct wu_auth *a, const struct wu_auth_env *env, uint64_t idle_ms,
		  uint64_t max_ms)
{
	memset(a, 0, sizeof(*a));
	a->env = *env;
	a->idle_ms = idle_ms;
	a->max_ms = max_ms;
	a->global.tokens = WU_RATE_ALL_BURST;
	a->global.used = true;
}

static void hex_token(struct wu_auth *a, char out[WU_TOKEN_HEX + 1])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t b[WU_TOKEN_HEX / 2];

	a->env.rand(a->env.user, b, sizeof(b));
	for (size_t i = 0; i < sizeof(b); i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[WU_TOKEN_HEX] = 0;
}

static bool expired(const struct wu_auth *a, const struct wu_session *s, uint64_t now)
{
	return now - s->used_ms >= a->idle_ms || now - s->created_ms >= a->max_ms;
}

const struct wu_session *wu_session_new(struct wu_auth *a, uint64_t now)
{
	struct wu_session *pick = NULL;

	for (unsigned i = 0; i < WU_SESSIONS; i++) {
		struct wu_session *s = &a->s[i];

		if (s->live && expired(a, s, now))
			s->live = false;
		if (!s->live) {
			pick = s;
			break;
		}
		if (!pick || s->used_ms < pick->used_ms)
			pick = s;
	}
	memset(pick, 0, sizeof(*pick));
	hex_token(a, pick->token);
	hex_token(a, pick->csrf);
	pick->created_ms = pick->used_ms = now;
	pick->live = true;
	return pick;
}

/* equal strings of WU_TOKEN_HEX bytes, in time that does not depend on
 * where they differ; other lengths are simply unequal */
static bool token_eq(const char *t, const char *given)
{
	size_t n = strnlen(given, WU_TOKEN_HEX + 1);
	unsigned char d = 0;

	if (n != WU_TOKEN_HEX)
		return false;
	for (size_t i = 0; i < WU_TOKEN_HEX; i++)
		d |= (unsigned char)(t[i] ^ given[i]);
	return d == 0;
}

/* Expiry is not judged here: wu_session_end has no time to judge it by
 * (with 0 for now every session had expired: one logout ended them all). */
static struct wu_session *lookup(struct wu_auth *a, const char *token)
{
	struct wu_session *hit = NULL;

	if (!token)
		return NULL;
	for (unsigned i = 0; i < WU_SESSIONS; i++) {
		struct wu_session *s = &a->s[i];

		if (s->live && token_eq(s->token, token))
			hit = s;
	}
	return hit;
}

const struct wu_session *wu_session_find(struct wu_auth *a, const char *token, uint64_t now)
{
	struct wu_session *s;

	for (unsigned i = 0; i < WU_SESSIONS; i++)
		if (a->s[i].live && expired(a, &a->s[i], now))
			a->s[i].live = false;
	s = lookup(a, token);

	if (s)
		s->used_ms = now;
	return s;
}

bool wu_csrf_ok(const struct wu_session *s, const char *hdr)
{
	return s && hdr && token_eq(s->csrf, hdr);
}

bool wu_session_end(struct wu_auth *a, const char *token)
{
	struct wu_session *s = lookup(a, token);

	if (!s)
		return false;
	memset(s, 0, sizeof(*s));
	return true;
}

void wu_session_end_all(struct wu_auth *a)
{
	memset(a->s, 0, sizeof(a->s));
}

unsigned wu_session_count(const struct wu_auth *a, uint64_t now)
{
	unsigned n = 0;

	for (unsigned i = 0; i < WU_SESSIONS; i++)
		n += a->s[i].live && !expired(a, &a->s[i], now);
	return n;
}

/* Refills b to now; 0 when an attempt may be taken (and takes it), else
 * the seconds until one may (1 at least: 0 would let the attempt through
 * uncounted, again and again within the millisecond). */
static unsigned take(struct wu_bucket *b, uint64_t now, double burst, uint64_t refill_ms)
{
	unsigned wait;

	if (now > b->at_ms) {
		b->tokens += (double)(now - b->at_ms) / (double)refill_ms;
		if (b->tokens > burst)
			b->tokens = burst;
	}
	b->at_ms = now;
	/* refills add up in floating point: ten tenths make 0.999... */
	if (b->tokens >= 1.0 - 1e-9) {
		b->tokens -= 1.0;
		return 0;
	}
	wait = (unsigned)(((1.0 - b->tokens) * (double)refill_ms + 999.0) / 1000.0);
	return wait ? wait : 1;
}

static struct wu_bucket *bucket(struct wu_auth *a, const uint8_t ip[16], uint64_t now,
				bool make)
{
	struct wu_bucket *old = NULL;

	for (unsigned i = 0; i < WU_RATE_IPS; i++) {
		struct wu_bucket *b = &a->ip[i];

		if (b->used && !memcmp(b->ip, ip, 16))
			return b;
		if (!old || !b->used || (old->used && b->at_ms < old->at_ms))
			old = b;
	}
	if (!make)
		return NULL;
	/* a forgotten source starts full: evicting the oldest gives at most
	 * WU_RATE_IP_BURST more tries, which the global bucket bounds */
	memset(old, 0, sizeof(*old));
	memcpy(old->ip, ip, 16);
	old->tokens = WU_RATE_IP_BURST;
	old->at_ms = now;
	old->used = true;
	return old;
}

unsigned wu_login_attempt(struct wu_auth *a, const uint8_t ip[16], uint64_t now)
{
	struct wu_bucket *b = bucket(a, ip, now, true);
	unsigned wait = take(b, now, WU_RATE_IP_BURST, WU_RATE_IP_REFILL_MS), w2;

	if (wait)
		return wait;
	w2 = take(&a->global, now, WU_RATE_ALL_BURST, WU_RATE_ALL_REFILL_MS);
	if (w2)
		b->tokens += 1.0;	/* not this source's fault */
	return w2;
}

void wu_login_ok(struct wu_auth *a, const uint8_t ip[16])
{
	struct wu_bucket *b = bucket(a, ip, 0, false);

	if (b)
		b->tokens = WU_RATE_IP_BURST;
}
