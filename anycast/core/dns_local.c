/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The names this node answers itself, with AA set (doc/anycastd.md#dns):
 *   thisnode.info, anygw, anygw.<domain>  the anycast addresses
 *   <host>, <host>.<domain>               env.lookup (nodes, DHCP clients)
 *   <domain>                              exists, no addresses
 *   other names under <domain>            NXDOMAIN
 *   the anycast addresses' reverse names  PTR thisnode.info
 * A bare label that lookup does not know gets NXDOMAIN for A, AAAA and
 * ANY (OpenWrt's domain-needed: plain names never leak to the WAN) and
 * is forwarded for other types (a TLD's NS or DS, say).
 * Names compare case-insensitively (ac_dns_name_eq); answers carry
 * the owner name as the client spelled it, for 0x20 randomisation.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "anycast/core/dns_int.h"

enum local_kind {
	LOCAL_NONE,		/* not ours: forward */
	LOCAL_ANYCAST,
	LOCAL_HOST,
	LOCAL_APEX,
	LOCAL_PTR,
	LOCAL_NX,
};

/* What a local name has: the addresses to put in the answer. */
struct local_addrs {
	unsigned n4, n6;
	struct in_addr a4[AC_DNS_LOCAL_MAX_ADDRS];
	struct in6_addr a6[AC_DNS_LOCAL_MAX_ADDRS];
	bool ptr;		/* the reverse name of an anycast address */
};

/* 1.0.13.10.in-addr.arpa. (RFC 1035 3.5) */
static int rev4_name(struct ac_dns_name *n, const struct in_addr *a)
{
	const uint8_t *b = (const uint8_t *)&a->s_addr;
	char s[32];

	snprintf(s, sizeof(s), "%u.%u.%u.%u.in-addr.arpa.", b[3], b[2], b[1], b[0]);
	return ac_dns_name_from_str(n, s);
}

/* the 32 nibbles, last first, then ip6.arpa. (RFC 3596 2.5) */
static int rev6_name(struct ac_dns_name *n, const struct in6_addr *a)
{
	static const char hex[] = "0123456789abcdef";
	char s[80], *p = s;

	for (int i = 15; i >= 0; i--) {
		*p++ = hex[a->s6_addr[i] & 15];
		*p++ = '.';
		*p++ = hex[a->s6_addr[i] >> 4];
		*p++ = '.';
	}
	strcpy(p, "ip6.arpa.");
	return ac_dns_name_from_str(n, s);
}

static int reverse_init(struct ac_dns *d)
{
	if (d->cfg.anycast4.s_addr != htonl(INADDR_ANY)) {
		if (rev4_name(&d->rev4, &d->cfg.anycast4) < 0)
			return -EINVAL;
		d->has_rev4 = true;
	}
	if (!IN6_IS_ADDR_UNSPECIFIED(&d->cfg.anycast6)) {
		if (rev6_name(&d->rev6, &d->cfg.anycast6) < 0)
			return -EINVAL;
		d->has_rev6 = true;
	}
	return 0;
}

/* 0, or -EINVAL when the domain is no name. */
int ac_dns_local_init(struct ac_dns *d)
{
	if (ac_dns_name_from_str(&d->thisnode, "thisnode.info.") < 0 ||
	    ac_dns_name_from_str(&d->anygw, "anygw.") < 0)
		return -EINVAL;
	/* the root as domain would make every name local */
	if (ac_dns_name_from_str(&d->domain, d->cfg.domain) < 0 ||
	    ac_dns_name_labels(&d->domain) == 0)
		return -EINVAL;
	if (ac_dns_name_cat(&d->anygw_dom, &d->anygw, &d->domain) < 0)
		return -EINVAL;
	return reverse_init(d);
}

/*
 * The first label of name as a host name for env.lookup: lowercase,
 * letters, digits, '-' and '_' only (DHCP clients send underscores).
 * false for anything else, which no host has.
 */
static bool host_label(const struct ac_dns_name *name, char host[64])
{
	const uint8_t *w = name->wire;
	size_t len = w[0];

	if (len == 0 || len > AC_DNS_LABEL_MAX || name->len < len + 2)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = (char)w[1 + i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
		host[i] = c;
	}
	host[len] = '\0';
	return true;
}

static bool host_lookup(struct ac_dns *d, const struct ac_dns_name *name,
			struct local_addrs *la)
{
	char host[64];

	if (!host_label(name, host))
		return false;
	la->n4 = d->env.lookup(d->env.user, host, AF_INET, la->a4,
			       AC_DNS_LOCAL_MAX_ADDRS);
	la->n6 = d->env.lookup(d->env.user, host, AF_INET6, la->a6,
			       AC_DNS_LOCAL_MAX_ADDRS);
	/* a lookup that says more than it was given room for is clamped */
	if (la->n4 > AC_DNS_LOCAL_MAX_ADDRS)
		la->n4 = AC_DNS_LOCAL_MAX_ADDRS;
	if (la->n6 > AC_DNS_LOCAL_MAX_ADDRS)
		la->n6 = AC_DNS_LOCAL_MAX_ADDRS;
	return la->n4 + la->n6 > 0;
}

static void anycast_addrs(const struct ac_dns *d, struct local_addrs *la)
{
	if (d->cfg.anycast4.s_addr != htonl(INADDR_ANY))
		la->a4[la->n4++] = d->cfg.anycast4;
	if (!IN6_IS_ADDR_UNSPECIFIED(&d->cfg.anycast6))
		la->a6[la->n6++] = d->cfg.anycast6;
}

static bool addr_type(uint16_t t)
{
	return t == AC_DNS_T_A || t == AC_DNS_T_AAAA || t == AC_DNS_T_ANY;
}

/* Names under the domain, and bare labels. */
static enum local_kind classify_host(struct ac_dns *d, const struct ac_dns_msg *q,
				     struct local_addrs *la)
{
	const struct ac_dns_name *name = &q->qname;
	unsigned labels = ac_dns_name_labels(name);

	if (ac_dns_name_under(name, &d->domain)) {
		if (labels == ac_dns_name_labels(&d->domain) + 1 &&
		    host_lookup(d, name, la))
			return LOCAL_HOST;
		return LOCAL_NX;
	}
	if (labels != 1)
		return LOCAL_NONE;
	if (host_lookup(d, name, la))
		return LOCAL_HOST;
	return addr_type(q->qtype) ? LOCAL_NX : LOCAL_NONE;
}

static enum local_kind classify(struct ac_dns *d, const struct ac_dns_msg *q,
				struct local_addrs *la)
{
	const struct ac_dns_name *name = &q->qname;

	if (q->qclass != AC_DNS_CLASS_IN)
		return LOCAL_NONE;
	if (ac_dns_name_eq(name, &d->thisnode) || ac_dns_name_eq(name, &d->anygw) ||
	    ac_dns_name_eq(name, &d->anygw_dom)) {
		anycast_addrs(d, la);
		return LOCAL_ANYCAST;
	}
	if ((d->has_rev4 && ac_dns_name_eq(name, &d->rev4)) ||
	    (d->has_rev6 && ac_dns_name_eq(name, &d->rev6))) {
		la->ptr = true;
		return LOCAL_PTR;
	}
	if (ac_dns_name_eq(name, &d->domain))
		return LOCAL_APEX;
	return classify_host(d, q, la);
}

static void push_answer(struct ac_dns_reply *r, uint32_t ttl, uint16_t type,
			const void *data, size_t len)
{
	struct ac_dns_rr rr = { .type = type, .class = AC_DNS_CLASS_IN, .ttl = ttl,
				.data = data, .len = (uint16_t)len };

	ac_dns_reply_add(r, &rr);
}

/* The answers point into la and d: both outlive the reply. */
static void push_addrs(struct ac_dns *d, struct ac_dns_reply *r, uint16_t t,
		       const struct local_addrs *la)
{
	uint32_t ttl = d->cfg.local_ttl_s;

	if (la->ptr && (t == AC_DNS_T_PTR || t == AC_DNS_T_ANY))
		push_answer(r, ttl, AC_DNS_T_PTR, d->thisnode.wire, d->thisnode.len);
	for (unsigned i = 0; i < la->n4 && (t == AC_DNS_T_A || t == AC_DNS_T_ANY); i++)
		push_answer(r, ttl, AC_DNS_T_A, &la->a4[i], sizeof(la->a4[i]));
	for (unsigned i = 0; i < la->n6 && (t == AC_DNS_T_AAAA || t == AC_DNS_T_ANY); i++)
		push_answer(r, ttl, AC_DNS_T_AAAA, &la->a6[i], sizeof(la->a6[i]));
}

bool ac_dns_local_answer(struct ac_dns *d, void *client, const struct ac_dns_msg *q,
			 size_t limit)
{
	struct local_addrs la = { 0 };
	struct ac_dns_reply r;
	enum local_kind k;

	if (!q->has_q)
		return false;
	k = classify(d, q, &la);
	if (k == LOCAL_NONE)
		return false;
	d->st.local++;
	if (k == LOCAL_NX)
		d->st.nxdomain++;
	ac_dns_reply_init(&r, q, k == LOCAL_NX ? AC_DNS_NXDOMAIN : AC_DNS_NOERROR);
	r.h.flags |= AC_DNS_F_AA;
	push_addrs(d, &r, q->qtype, &la);
	ac_dns_send(d, client, &r, limit);
	return true;
}
