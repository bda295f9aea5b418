/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a client asks of an address it has or was offered: REQUEST in its
 * four states (RFC 2131 4.3.2), DECLINE, RELEASE, INFORM; and leases
 * coming back from the state file.
 *
 * Every node of the cloud is the same anycast server, so a REQUEST for an
 * address this node never offered is ordinary: the client got it from
 * another node, or from this one before a restart. It is ACKed when the
 * address is free for that client here (in the pool, no other client's,
 * not a node's, not held elsewhere, not in conflict) and NAKed otherwise.
 * RFC 2131 asks a server to stay silent in INIT-REBOOT about a client it
 * has no record of; with one server made of many nodes, silence would
 * leave a roaming client waiting for a NAK that never comes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "anycast/core/dhcp_int.h"

static void host_take(struct ac_ent *e, const struct ac_dhcp_msg *m)
{
	if (m->host_len)
		ac_lease_hostname_set(e->l.hostname, m->host, m->host_len);
}

/* The ACK that makes or renews a lease; the state is told before the
 * client hears it, so a crash in between loses nothing the client holds. */
static void lease_bind(struct ac_dhcp *d, uint64_t now_ms, struct ac_ent *e,
		 const struct ac_dhcp_msg *m)
{
	bool renew = e->st == AC_ENT_BOUND;

	free(e->disc);
	e->disc = NULL;
	host_take(e, m);
	if (!renew)
		e->l.since_ms = now_ms;
	e->st = AC_ENT_BOUND;
	e->l.bound = true;
	e->l.expires_ms = e->due_ms = now_ms + (uint64_t)d->cfg.lease_s * 1000;
	ac_notify(d, renew ? AC_LEASE_RENEWED : AC_LEASE_ADDED, e);
	ac_reply_send(d, m, AC_DHCPACK, e->ip, true);
}

/* Gives the client's entry (made if none) the address ip; NULL on ENOMEM. */
static struct ac_ent *take_addr(struct ac_dhcp *d, struct ac_ent *e,
				const struct ac_client *c, uint32_t ip)
{
	if (!e)
		return ac_pool_add(d, c, ip);
	if (e->st != AC_ENT_PROBING)
		ac_notify(d, AC_LEASE_RELEASED, e);	/* its old address is free */
	if (ac_pool_move(d, e, ip) < 0) {
		ac_pool_del(d, e);
		return NULL;
	}
	e->st = AC_ENT_OFFERED;
	e->l.bound = false;
	return e;
}

/* The client chose another server: an offer of ours is void. A lease it
 * holds stays until it expires, in case it comes back. */
static void other_server(struct ac_dhcp *d, struct ac_ent *e)
{
	if (!e || e->st == AC_ENT_BOUND)
		return;
	if (e->st == AC_ENT_OFFERED)
		ac_notify(d, AC_LEASE_EXPIRED, e);
	ac_pool_del(d, e);
}

/* The address a REQUEST asks for, by its state; 0: not a valid REQUEST. */
static uint32_t requested(const struct ac_dhcp_msg *m)
{
	if (m->server_id)	/* SELECTING: ciaddr 0, option 50 set */
		return m->h.ciaddr ? 0 : m->req_ip;
	if (m->h.ciaddr)	/* RENEWING (unicast) or REBINDING (broadcast) */
		return m->h.ciaddr;
	return m->req_ip;	/* INIT-REBOOT */
}

void ac_req_request(struct ac_dhcp *d, uint64_t now_ms, const struct ac_dhcp_msg *m)
{
	struct ac_client c;
	struct ac_ent *e;
	uint32_t want = requested(m), mask = ~0u << (32 - d->cfg.plen);

	ac_client_of(&c, m);
	e = ac_pool_by_client(d, &c);
	if (m->server_id && m->server_id != d->server) {
		other_server(d, e);
		return;
	}
	if (!want) {
		d->st.ignored++;
		return;
	}
	if ((want & mask) != d->net) {
		ac_reply_nak(d, m, "wrong network");
		return;
	}
	if (!(e && e->ip == want) && !ac_pool_free_for(d, now_ms, want, &c)) {
		ac_reply_nak(d, m, "address not available");
		return;
	}
	if (!(e && e->ip == want) && !(e = take_addr(d, e, &c, want))) {
		ac_dhcp_log(d, MC_LOG_ERR, "dhcp: out of memory for a lease");
		return;
	}
	lease_bind(d, now_ms, e, m);
}

/* RELEASE and DECLINE change a lease only from its own client: chaddr
 * and client-id both, or anyone could free another's address. */
static struct ac_ent *owned(struct ac_dhcp *d, const struct ac_dhcp_msg *m, uint32_t ip)
{
	struct ac_client c;
	struct ac_ent *e = ip ? ac_pool_by_ip(d, ip) : NULL;

	ac_client_of(&c, m);
	if (!e || e->st == AC_ENT_PROBING || !ac_pool_is_client(e, &c) ||
	    memcmp(e->l.mac, m->h.chaddr, sizeof(e->l.mac)) ||
	    (m->server_id && m->server_id != d->server)) {
		d->st.ignored++;
		return NULL;
	}
	return e;
}

void ac_req_decline(struct ac_dhcp *d, uint64_t now_ms, const struct ac_dhcp_msg *m)
{
	struct ac_ent *e = owned(d, m, m->req_ip);
	char ip[INET_ADDRSTRLEN];

	if (!e)
		return;
	ac_pool_conflict_add(d, now_ms, e->ip);
	d->st.conflicts++;
	inet_ntop(AF_INET, &e->l.ip, ip, sizeof(ip));
	ac_dhcp_log(d, MC_LOG_NOTICE, "dhcp: %s declined: in use by another host", ip);
	ac_notify(d, AC_LEASE_DECLINED, e);
	ac_pool_del(d, e);
}

void ac_req_release(struct ac_dhcp *d, const struct ac_dhcp_msg *m)
{
	struct ac_ent *e = owned(d, m, m->h.ciaddr);

	if (!e)
		return;
	ac_notify(d, AC_LEASE_RELEASED, e);
	ac_pool_del(d, e);
}

/* RFC 2131 4.3.5: configuration only, no lease, to ciaddr. */
void ac_req_inform(struct ac_dhcp *d, const struct ac_dhcp_msg *m)
{
	ac_reply_send(d, m, AC_DHCPACK, 0, false);
}

static int restore_check(const struct ac_dhcp *d, uint64_t now_ms, const struct ac_lease *l)
{
	if (l->client_id_len > AC_DHCP_CID_MAX || !ac_pool_in_range(d, ntohl(l->ip.s_addr)))
		return -EINVAL;
	return l->expires_ms <= now_ms ? -ESTALE : 0;
}

int ac_dhcp_lease_restore(struct ac_dhcp *d, uint64_t now_ms, const struct ac_lease *l)
{
	uint32_t ip = ntohl(l->ip.s_addr);
	struct ac_client c = { l->mac, l->client_id, l->client_id_len };
	struct ac_ent *e, *at;
	int rc = restore_check(d, now_ms, l);

	if (rc < 0)
		return rc;
	at = ac_pool_by_ip(d, ip);
	if (at && !ac_pool_is_client(at, &c))
		return -EEXIST;
	e = ac_pool_by_client(d, &c);
	if (e && e->ip != ip && ac_pool_move(d, e, ip) < 0)
		return -ENOMEM;
	if (!e && !(e = ac_pool_add(d, &c, ip)))
		return -ENOMEM;
	free(e->disc);
	e->disc = NULL;
	e->l = *l;
	if (!e->l.since_ms) {
		uint64_t lease_ms = (uint64_t)d->cfg.lease_s * 1000;

		e->l.since_ms = l->expires_ms > lease_ms ? l->expires_ms - lease_ms : 0;
	}
	ac_lease_hostname_set(e->l.hostname, (const uint8_t *)l->hostname,
			      strnlen(l->hostname, sizeof(l->hostname)));
	e->st = l->bound ? AC_ENT_BOUND : AC_ENT_OFFERED;
	e->due_ms = l->expires_ms;
	return 0;
}

unsigned ac_leases_read(struct ac_dhcp *d, FILE *f, uint64_t now_ms,
			void (*bad)(void *user, unsigned lineno), void *user)
{
	char line[AC_LEASE_LINE_MAX + 2];
	unsigned n = 0, lineno = 0;
	struct ac_lease l;

	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = 0;
		if (line[0] == '#' || !line[0])
			continue;
		if (ac_lease_parse(line, &l) < 0) {
			if (bad)
				bad(user, lineno);
		} else if (ac_dhcp_lease_restore(d, now_ms, &l) == 0) {
			n++;
		}
	}
	return n;
}

int ac_dhcp_lease_revoke(struct ac_dhcp *d, uint64_t now_ms, struct in_addr ip)
{
	struct ac_ent *e = ac_pool_by_ip(d, ntohl(ip.s_addr));

	if (!e || e->st == AC_ENT_PROBING)
		return -ENOENT;
	ac_notify(d, AC_LEASE_EXPIRED, e);
	ac_pool_del(d, e);
	return 0;
}
