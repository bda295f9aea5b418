/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The server: messages in, offers out (with an ARP probe of a new address
 * first when probe_ms > 0), and time. REQUEST, DECLINE, RELEASE and
 * INFORM are dhcp_request.c's; the pool and table dhcp_pool.c's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "anycast/core/dhcp_int.h"

/* At most one "pool exhausted" line per minute: a full pool is met by
 * every DISCOVER of every client still without a lease. */
#define AC_DHCP_EXHAUSTED_LOG_MS 60000

static int config_check(const struct ac_dhcp_config *cfg, const struct ac_dhcp_env *env)
{
	size_t dl = strnlen(cfg->domain, sizeof(cfg->domain));

	if (!env || !env->send || (cfg->probe_ms && !env->probe))
		return -EINVAL;
	/* /8: the hash walk over a full pool stays at 16M steps */
	if (cfg->plen < 8 || cfg->plen > 30 || cfg->reserved_plen > 32)
		return -EINVAL;
	/* the pool within the prefix, before its broadcast address */
	uint32_t hosts = (~0u >> cfg->plen) - 1, first = cfg->pool_start ? cfg->pool_start : 1;
	if (first > hosts || (cfg->pool_limit && cfg->pool_limit > hosts - first + 1))
		return -EINVAL;
	if (!cfg->lease_s || dl == sizeof(cfg->domain))
		return -EINVAL;
	return 0;
}

static void ranges_set(struct ac_dhcp *d, const struct ac_dhcp_config *cfg)
{
	uint32_t mask = ~0u << (32 - cfg->plen), rmask;

	d->net = ntohl(cfg->net.s_addr) & mask;
	d->hosts = ~mask - 1;
	/* LibreMesh's dhcp range: start from the network address, limit
	 * addresses (0: to the one before the broadcast) */
	d->lo = d->net + (cfg->pool_start ? cfg->pool_start : 1);
	d->span = cfg->pool_limit ? cfg->pool_limit : d->net + d->hosts + 1 - d->lo;
	d->server = ntohl(cfg->server.s_addr);
	d->rsv_lo = 1;
	d->rsv_hi = 0;
	if (cfg->reserved_plen) {
		rmask = cfg->reserved_plen == 32 ? ~0u : ~0u << (32 - cfg->reserved_plen);
		d->rsv_lo = ntohl(cfg->reserved_net.s_addr) & rmask;
		d->rsv_hi = d->rsv_lo | ~rmask;
	}
}

int ac_dhcp_new(struct ac_dhcp **out, const struct ac_dhcp_config *cfg,
		const struct ac_dhcp_env *env)
{
	struct ac_dhcp *d;
	int rc = config_check(cfg, env);

	if (rc < 0)
		return rc;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->cfg = *cfg;
	d->env = *env;
	ranges_set(d, cfg);
	d->exhausted_rl = (struct mc_ratelimit)MC_RATELIMIT_INIT(AC_DHCP_EXHAUSTED_LOG_MS, 1);
	rc = ac_pool_init(d);
	if (rc < 0) {
		free(d);
		return rc;
	}
	*out = d;
	return 0;
}

void ac_dhcp_free(struct ac_dhcp *d)
{
	if (!d)
		return;
	ac_pool_free(d);
	free(d);
}

const struct ac_dhcp_stats *ac_dhcp_stats(const struct ac_dhcp *d)
{
	return &d->st;
}

static void exhausted(struct ac_dhcp *d, uint64_t now_ms)
{
	unsigned skipped;

	d->st.exhausted++;
	if (mc_ratelimit_ok(&d->exhausted_rl, now_ms, &skipped))
		ac_dhcp_log(d, MC_LOG_WARN,
			    "dhcp: pool exhausted (%u addresses), no offer (%u more not logged)",
			    d->size, skipped);
}

/* The offer goes out; taken or not, it lapses after AC_DHCP_OFFER_MS. */
static void offer(struct ac_dhcp *d, uint64_t now_ms, struct ac_ent *e,
		  const struct ac_dhcp_msg *m)
{
	bool fresh = e->st == AC_ENT_PROBING;

	if (e->st != AC_ENT_BOUND) {
		e->st = AC_ENT_OFFERED;
		e->l.expires_ms = e->due_ms = now_ms + AC_DHCP_OFFER_MS;
	}
	if (fresh)
		ac_notify(d, AC_LEASE_ADDED, e);
	ac_reply_send(d, m, AC_DHCPOFFER, e->ip, true);
}

static void probe_start(struct ac_dhcp *d, uint64_t now_ms, struct ac_ent *e,
			const struct ac_dhcp_msg *m)
{
	if (!e->disc && !(e->disc = malloc(sizeof(*m)))) {
		ac_pool_del(d, e);
		return;
	}
	if (e->disc != m)
		*e->disc = *m;
	e->due_ms = now_ms + d->cfg.probe_ms;
	d->env.probe(d->env.user, e->l.ip);
}

/* A client new here: the pool's pick, probed first when so configured. */
static void discover_new(struct ac_dhcp *d, uint64_t now_ms, const struct ac_client *c,
			 const struct ac_dhcp_msg *m)
{
	uint32_t ip = ac_pool_pick(d, now_ms, c, m->req_ip);
	struct ac_ent *e;

	if (!ip) {
		exhausted(d, now_ms);
		return;
	}
	if (!(e = ac_pool_add(d, c, ip))) {
		ac_dhcp_log(d, MC_LOG_ERR, "dhcp: out of memory for a lease");
		return;
	}
	e->st = AC_ENT_PROBING;
	if (m->host_len)
		ac_lease_hostname_set(e->l.hostname, m->host, m->host_len);
	if (d->cfg.probe_ms)
		probe_start(d, now_ms, e, m);
	else
		offer(d, now_ms, e, m);
}

static void on_discover(struct ac_dhcp *d, uint64_t now_ms, const struct ac_dhcp_msg *m)
{
	struct ac_client c;
	struct ac_ent *e;

	ac_client_of(&c, m);
	e = ac_pool_by_client(d, &c);
	if (!e) {
		discover_new(d, now_ms, &c, m);
		return;
	}
	if (e->st == AC_ENT_PROBING) {	/* its offer follows the probe */
		d->st.ignored++;
		return;
	}
	if (m->host_len)
		ac_lease_hostname_set(e->l.hostname, m->host, m->host_len);
	offer(d, now_ms, e, m);	/* its own address again, without a probe */
}

void ac_dhcp_rx(struct ac_dhcp *d, uint64_t now_ms, const uint8_t *msg, size_t len)
{
	struct ac_dhcp_msg m;

	if (ac_dhcp_msg_decode(&m, msg, len) < 0) {
		d->st.malformed++;
		return;
	}
	if (m.h.giaddr && !ac_in_cloud(d, m.h.giaddr)) {	/* a relay of another net */
		d->st.ignored++;
		return;
	}
	switch (m.type) {
	case AC_DHCPDISCOVER:
		d->st.discover++;
		on_discover(d, now_ms, &m);
		break;
	case AC_DHCPREQUEST:
		d->st.request++;
		ac_req_request(d, now_ms, &m);
		break;
	case AC_DHCPDECLINE:
		d->st.decline++;
		ac_req_decline(d, now_ms, &m);
		break;
	case AC_DHCPRELEASE:
		d->st.release++;
		ac_req_release(d, &m);
		break;
	case AC_DHCPINFORM:
		d->st.inform++;
		ac_req_inform(d, &m);
		break;
	default:	/* a server's message, or a type we do not know */
		d->st.ignored++;
	}
}

/* The probe's DISCOVER answered now that the address is known free. */
static void probe_offer(struct ac_dhcp *d, uint64_t now_ms, struct ac_ent *e)
{
	struct ac_dhcp_msg *m = e->disc;

	if (!m) {	/* every probe keeps its DISCOVER; this is a bug */
		ac_pool_del(d, e);
		return;
	}
	e->disc = NULL;
	offer(d, now_ms, e, m);
	free(m);
}

void ac_dhcp_probe_done(struct ac_dhcp *d, uint64_t now_ms, struct in_addr ip, bool in_use)
{
	struct ac_ent *e = ac_pool_by_ip(d, ntohl(ip.s_addr));
	struct ac_client c = { 0 };
	char s[INET_ADDRSTRLEN];
	uint32_t next;

	if (!e || e->st != AC_ENT_PROBING)
		return;	/* an answer after the offer, or for nothing of ours */
	if (!in_use) {
		probe_offer(d, now_ms, e);
		return;
	}
	d->st.conflicts++;
	ac_pool_conflict_add(d, now_ms, e->ip);
	inet_ntop(AF_INET, &ip, s, sizeof(s));
	ac_dhcp_log(d, MC_LOG_NOTICE, "dhcp: %s answers ARP: not offered", s);
	c = (struct ac_client){ e->l.mac, e->l.client_id, e->l.client_id_len };
	next = ac_pool_pick(d, now_ms, &c, 0);
	if (!next || ac_pool_move(d, e, next) < 0) {
		ac_pool_del(d, e);
		exhausted(d, now_ms);
		return;
	}
	probe_start(d, now_ms, e, e->disc);
}

/*
 * An ARP from ip, by mac, while we probe it. From the very client we
 * probe it for, it is no conflict: a client that roamed here, or that
 * restarted, still holds the address it asks for (option 50) and
 * answers for it.
 */
void ac_dhcp_probe_answer(struct ac_dhcp *d, uint64_t now_ms, struct in_addr ip,
			  const uint8_t mac[6])
{
	struct ac_ent *e = ac_pool_by_ip(d, ntohl(ip.s_addr));

	if (!e || e->st != AC_ENT_PROBING)
		return;
	ac_dhcp_probe_done(d, now_ms, ip, memcmp(e->l.mac, mac, 6) != 0);
}

/* Entries due at now_ms, taken out of the table walk before any of them
 * is acted on, since acting may call out and change the table. */
static struct ac_ent *due_list(struct ac_dhcp *d, uint64_t now_ms, uint64_t *next_ms)
{
	struct ac_ent *due = NULL;
	struct mc_hnode *n;
	uint32_t pos;

	mc_hash_for_each(&d->by_key, pos, n) {
		struct ac_ent *e = mc_container_of(n, struct ac_ent, by_key);

		if (e->due_ms <= now_ms) {
			e->due_next = due;
			due = e;
		} else if (e->due_ms < *next_ms) {
			*next_ms = e->due_ms;
		}
	}
	return due;
}

uint64_t ac_dhcp_tick(struct ac_dhcp *d, uint64_t now_ms)
{
	uint64_t next = ac_pool_conflicts_tick(d, now_ms);
	struct ac_ent *e = due_list(d, now_ms, &next), *nx;

	for (; e; e = nx) {
		nx = e->due_next;
		if (e->st == AC_ENT_PROBING) {	/* silence: the address is free */
			probe_offer(d, now_ms, e);
			next = e->due_ms < next ? e->due_ms : next;
			continue;
		}
		ac_notify(d, AC_LEASE_EXPIRED, e);
		ac_pool_del(d, e);
	}
	return next;
}
