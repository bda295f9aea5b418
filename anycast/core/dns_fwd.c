/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The forwarder. A client's query goes to one upstream at a time with an
 * id of ours, random and unique among the pending (RFC 5452 4.3: an
 * off-path attacker must guess it), starting with the upstream that
 * answered last. An answer counts only when its id, its upstream (one
 * this query was sent to) and its question all match; it goes back with
 * the client's id. No answer within timeout_ms, or REFUSED or SERVFAIL,
 * moves the query to the next upstream it has not tried; when none is
 * left the client gets SERVFAIL.
 *
 * Pending queries sit in a hash table by id and in a list in deadline
 * order: every try lasts the same timeout_ms and now_ms never goes back,
 * so appending keeps the list sorted.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "anycast/core/dns_int.h"
#include "common/log.h"

#define ID_DRAWS 32	/* random ids tried before giving up (512 of 65536 taken) */

int ac_dns_fwd_init(struct ac_dns *d)
{
	d->seed = d->env.rand(d->env.user);
	return mc_hash_init(&d->pend, 6);
}

static uint32_t id_hash(const struct ac_dns *d, uint16_t id)
{
	return mc_hash_bytes(&id, sizeof(id), d->seed);
}

static struct ac_dns_pend *pend_find(const struct ac_dns *d, uint16_t id)
{
	struct mc_hash_iter it;
	struct mc_hnode *e;

	for (e = mc_hash_first(&d->pend, id_hash(d, id), &it); e; e = mc_hash_next(&it)) {
		struct ac_dns_pend *p = mc_container_of(e, struct ac_dns_pend, hnode);

		if (p->id == id)
			return p;
	}
	return NULL;
}

static void list_append(struct ac_dns *d, struct ac_dns_pend *p)
{
	p->next = NULL;
	p->prev = d->tail;
	if (d->tail)
		d->tail->next = p;
	else
		d->head = p;
	d->tail = p;
}

static void list_unlink(struct ac_dns *d, struct ac_dns_pend *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		d->head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		d->tail = p->prev;
}

static void pend_free(struct ac_dns *d, struct ac_dns_pend *p)
{
	list_unlink(d, p);
	mc_hash_del(&d->pend, &p->hnode);
	d->npend--;
	free(p);
}

void ac_dns_fwd_free(struct ac_dns *d)
{
	while (d->head)
		pend_free(d, d->head);
	mc_hash_free(&d->pend);
}

/* 0 and *id, or -EBUSY when ID_DRAWS draws all hit pending ids. */
static int id_new(struct ac_dns *d, uint16_t *id)
{
	for (int i = 0; i < ID_DRAWS; i++) {
		*id = (uint16_t)d->env.rand(d->env.user);
		if (!pend_find(d, *id))
			return 0;
	}
	return -EBUSY;
}

static void try_send(struct ac_dns *d, struct ac_dns_pend *p, unsigned up)
{
	p->cur = up;
	p->tried |= 1u << up;
	d->env.forward(d->env.user, up, p->msg, p->len);
}

/* The next upstream after the current one that this query has not tried. */
static unsigned next_untried(const struct ac_dns *d, const struct ac_dns_pend *p)
{
	unsigned n = d->cfg.nupstreams;

	for (unsigned i = 1; i <= n; i++) {
		unsigned up = (p->cur + i) % n;

		if (!(p->tried & (1u << up)))
			return up;
	}
	return AC_DNS_NO_UPSTREAM;
}

static struct ac_dns_pend *pend_new(struct ac_dns *d, const uint8_t *msg,
				    size_t len, uint16_t id)
{
	struct ac_dns_pend *p = calloc(1, sizeof(*p) + len);

	if (!p)
		return NULL;
	if (mc_hash_add(&d->pend, &p->hnode, id_hash(d, id)) < 0) {
		free(p);
		return NULL;
	}
	p->id = id;
	p->len = len;
	memcpy(p->msg, msg, len);
	mc_put_u16(p->msg, id);	/* the id is the first field */
	d->npend++;
	return p;
}

/* The caller checked that there is an upstream. */
void ac_dns_fwd_start(struct ac_dns *d, uint64_t now_ms, void *client,
		      const struct ac_dns_msg *q, const uint8_t *msg, size_t len,
		      size_t limit)
{
	struct ac_dns_pend *p = NULL;
	uint16_t id;

	if (d->npend < AC_DNS_MAX_PENDING && id_new(d, &id) == 0)
		p = pend_new(d, msg, len, id);
	if (!p) {
		d->st.busy++;
		ac_dns_log(d, now_ms, MC_LOG_WARN, "dns: %u queries pending, SERVFAIL",
			   d->npend);
		ac_dns_send_error(d, client, q, limit, AC_DNS_SERVFAIL);
		return;
	}
	p->client = client;
	p->query = *q;
	p->limit = limit;
	p->deadline_ms = now_ms + d->cfg.timeout_ms;
	list_append(d, p);
	d->st.forwarded++;
	try_send(d, p, d->rr < d->cfg.nupstreams ? d->rr : 0);
}

/* After a change of upstreams: every query starts again on the new list. */
void ac_dns_fwd_restart(struct ac_dns *d)
{
	struct ac_dns_pend *p, *next;

	d->rr = 0;
	for (p = d->head; p; p = next) {
		next = p->next;
		if (d->cfg.nupstreams == 0) {
			ac_dns_send_error(d, p->client, &p->query, p->limit,
					  AC_DNS_REFUSED);
			pend_free(d, p);
			continue;
		}
		/* the deadline stays: the list must stay sorted */
		p->tried = 0;
		try_send(d, p, 0);
	}
}

/* The try failed: the next upstream, or SERVFAIL when all had theirs. */
static void try_next(struct ac_dns *d, uint64_t now_ms, struct ac_dns_pend *p,
		     bool timeout)
{
	unsigned up = next_untried(d, p);

	if (up == AC_DNS_NO_UPSTREAM) {
		if (timeout)
			d->st.timeouts++;
		ac_dns_send_error(d, p->client, &p->query, p->limit,
				  AC_DNS_SERVFAIL);
		pend_free(d, p);
		return;
	}
	d->st.retries++;
	list_unlink(d, p);
	p->deadline_ms = now_ms + d->cfg.timeout_ms;
	list_append(d, p);
	try_send(d, p, up);
}

uint64_t ac_dns_tick(struct ac_dns *d, uint64_t now_ms)
{
	/* try_next() appends a retried query behind those due later */
	while (d->head && d->head->deadline_ms <= now_ms)
		try_next(d, now_ms, d->head, true);
	return d->head ? d->head->deadline_ms : UINT64_MAX;
}

void ac_dns_client_gone(struct ac_dns *d, void *client)
{
	struct ac_dns_pend *p, *next;

	for (p = d->head; p; p = next) {
		next = p->next;
		if (p->client == client)
			pend_free(d, p);
	}
}

static bool same_question(const struct ac_dns_msg *a, const struct ac_dns_msg *b)
{
	return a->has_q && b->has_q && a->qtype == b->qtype &&
	       a->qclass == b->qclass && ac_dns_name_eq(&a->qname, &b->qname);
}

/*
 * Too long for the client: rebuilt as the upstream's header (Z cleared),
 * question and OPT (its options if they fit), with TC and the client's id.
 */
static void relay_truncated(struct ac_dns *d, struct ac_dns_pend *p,
			    const struct ac_dns_msg *a, const uint8_t *msg)
{
	struct ac_dns_reply r;

	memset(&r, 0, offsetof(struct ac_dns_reply, an));
	r.h.id = p->query.h.id;
	r.h.flags = a->h.flags & ~AC_DNS_F_Z;
	r.qname = &a->qname;
	r.qtype = a->qtype;
	r.qclass = a->qclass;
	if (a->opt.present) {
		r.opt = true;
		r.opt_size = a->opt.udp_size;
		r.opt_ttl = a->opt.ttl;
		r.opt_data = msg + a->opt.data_off;
		r.opt_len = a->opt.data_len;
	}
	d->st.truncated++;
	ac_dns_send_truncated(d, p->client, &r, p->limit);
}

/*
 * Back to the client. The upstream's bytes go as they came but for the id
 * (signatures, EDNS options and types we never read stay intact); only a
 * reply too long for the client is rebuilt, truncated.
 */
static void relay(struct ac_dns *d, struct ac_dns_pend *p, const struct ac_dns_msg *a,
		  const uint8_t *msg, size_t len)
{
	uint8_t *copy;

	d->st.answered++;
	if (len > p->limit) {
		relay_truncated(d, p, a, msg);
		return;
	}
	copy = malloc(len);
	if (!copy)
		return;
	memcpy(copy, msg, len);
	mc_put_u16(copy, p->query.h.id);
	d->env.reply(d->env.user, p->client, copy, len);
	free(copy);
}

static struct ac_dns_pend *match(struct ac_dns *d, unsigned upstream,
				 const struct ac_dns_msg *a)
{
	struct ac_dns_pend *p = pend_find(d, a->h.id);

	if (!p || !(a->h.flags & AC_DNS_F_QR) || !(p->tried & (1u << upstream)) ||
	    !same_question(a, &p->query))
		return NULL;
	return p;
}

static bool try_elsewhere(const struct ac_dns_msg *a)
{
	unsigned rc = ac_dns_rcode(&a->h);

	return rc == AC_DNS_SERVFAIL || rc == AC_DNS_REFUSED;
}

void ac_dns_upstream_rx(struct ac_dns *d, uint64_t now_ms, unsigned upstream,
			const uint8_t *msg, size_t len)
{
	struct ac_dns_pend *p;
	struct ac_dns_msg a;
	int rc = ac_dns_msg_parse(&a, msg, len);

	if (rc == -EMSGSIZE)
		d->st.oversize++;
	if (rc < 0 || upstream >= d->cfg.nupstreams || !(p = match(d, upstream, &a))) {
		if (rc != -EMSGSIZE)
			d->st.malformed++;
		ac_dns_log(d, now_ms, MC_LOG_DEBUG,
			   "dns: upstream %u: %zu bytes that answer nothing", upstream, len);
		return;
	}
	if (try_elsewhere(&a) && next_untried(d, p) != AC_DNS_NO_UPSTREAM) {
		try_next(d, now_ms, p, false);
		return;
	}
	if (!try_elsewhere(&a))
		d->rr = upstream;
	relay(d, p, &a, msg, len);
	pend_free(d, p);
}
