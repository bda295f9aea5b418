/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DNS core's entry points: set-up, and a client's query checked and
 * sent to the local names (dns_local.c) or the forwarder (dns_fwd.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "anycast/core/dns_int.h"
#include "common/log.h"

static bool upstream_ok(const struct ac_dns_upstream *u)
{
	return u->family == AF_INET || u->family == AF_INET6;
}

static int upstreams_check(const struct ac_dns_upstream *u, unsigned n)
{
	if (n > AC_DNS_MAX_UPSTREAMS)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++)
		if (!upstream_ok(&u[i]))
			return -EINVAL;
	return 0;
}

static void config_defaults(struct ac_dns_config *c)
{
	if (!c->domain[0])
		strcpy(c->domain, "thisnode.info");
	c->domain[sizeof(c->domain) - 1] = '\0';
	if (!c->local_ttl_s)
		c->local_ttl_s = AC_DNS_DEFAULT_TTL_S;
	if (!c->timeout_ms)
		c->timeout_ms = AC_DNS_DEFAULT_TIMEOUT_MS;
}

static bool env_ok(const struct ac_dns_env *e)
{
	return e->reply && e->forward && e->lookup && e->rand;
}

int ac_dns_new(struct ac_dns **out, const struct ac_dns_config *cfg,
	       const struct ac_dns_env *env)
{
	struct ac_dns *d;
	int rc;

	*out = NULL;
	if (!env_ok(env) || upstreams_check(cfg->upstream, cfg->nupstreams) < 0)
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->cfg = *cfg;
	d->env = *env;
	config_defaults(&d->cfg);
	rc = ac_dns_local_init(d);
	if (rc == 0)
		rc = ac_dns_fwd_init(d);
	if (rc < 0) {
		ac_dns_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

/* Pending queries are dropped without an answer. */
void ac_dns_free(struct ac_dns *d)
{
	if (!d)
		return;
	ac_dns_fwd_free(d);
	free(d);
}

static bool upstream_eq(const struct ac_dns_upstream *a,
			const struct ac_dns_upstream *b)
{
	if (a->family != b->family || a->port != b->port)
		return false;
	if (a->family == AF_INET)
		return a->a4.s_addr == b->a4.s_addr;
	return !memcmp(&a->a6, &b->a6, sizeof(a->a6));
}

static bool upstreams_same(const struct ac_dns *d,
			   const struct ac_dns_upstream *u, unsigned n)
{
	if (n != d->cfg.nupstreams)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (!upstream_eq(&d->cfg.upstream[i], &u[i]))
			return false;
	return true;
}

int ac_dns_set_upstreams(struct ac_dns *d, const struct ac_dns_upstream *u,
			 unsigned n)
{
	if (upstreams_check(u, n) < 0)
		return -EINVAL;
	/* a renewed WAN lease often repeats the servers: keep the tries */
	if (upstreams_same(d, u, n))
		return 0;
	memset(d->cfg.upstream, 0, sizeof(d->cfg.upstream));
	if (n)
		memcpy(d->cfg.upstream, u, n * sizeof(*u));
	d->cfg.nupstreams = n;
	ac_dns_fwd_restart(d);
	return 0;
}

/*
 * Queries that cannot be answered sensibly: 1 when q was dealt with
 * (replied to or dropped, and counted).
 */
static int query_refuse(struct ac_dns *d, uint64_t now_ms, void *client,
			const struct ac_dns_msg *q, size_t limit)
{
	if (q->h.flags & AC_DNS_F_QR) {
		/* never answer an answer: two servers could loop */
		d->st.malformed++;
		return 1;
	}
	if (ac_dns_opcode(&q->h) != AC_DNS_OP_QUERY) {
		d->st.malformed++;
		d->st.notimp++;
		ac_dns_send_error(d, client, q, limit, AC_DNS_NOTIMP);
		return 1;
	}
	if (!q->has_q) {
		d->st.malformed++;
		ac_dns_log(d, now_ms, MC_LOG_DEBUG, "dns: a query with %u questions",
			   q->h.qdcount);
		ac_dns_send_error(d, client, q, limit, AC_DNS_FORMERR);
		return 1;
	}
	return 0;
}

void ac_dns_query(struct ac_dns *d, uint64_t now_ms, void *client,
		  const uint8_t *msg, size_t len, bool tcp)
{
	struct ac_dns_msg q;
	size_t limit;

	d->st.queries++;
	if (ac_dns_msg_parse(&q, msg, len) < 0) {
		d->st.malformed++;
		ac_dns_log(d, now_ms, MC_LOG_DEBUG, "dns: %zu bytes that are no query", len);
		return;
	}
	limit = ac_dns_limit(&q, tcp);
	if (query_refuse(d, now_ms, client, &q, limit) ||
	    ac_dns_local_answer(d, client, &q, limit))
		return;
	if (d->cfg.nupstreams == 0) {
		ac_dns_send_error(d, client, &q, limit, AC_DNS_REFUSED);
		return;
	}
	ac_dns_fwd_start(d, now_ms, client, &q, msg, len, limit);
}

const struct ac_dns_stats *ac_dns_stats(const struct ac_dns *d)
{
	return &d->st;
}

bool ac_dns_pending(const struct ac_dns *d, const void *client)
{
	for (const struct ac_dns_pend *p = d->head; p; p = p->next)
		if (p->client == client)
			return true;
	return false;
}

int ac_dns_upstream_get(const struct ac_dns *d, unsigned i, struct ac_dns_upstream *u)
{
	if (i >= d->cfg.nupstreams)
		return -ENOENT;
	*u = d->cfg.upstream[i];
	return 0;
}
