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
 * Names compare case-insensitively (ldns_dname_compare); answers carry
 * the owner name as the client spelled it, for 0x20 randomisation.
 */
#include <arpa/inet.h>
#include <errno.h>
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

static ldns_rdf *rev_name(ldns_rdf_type t, const void *a, size_t len)
{
	ldns_rdf *addr = ldns_rdf_new_frm_data(t, len, a);
	ldns_rdf *rev = addr ? ldns_rdf_address_reverse(addr) : NULL;

	ldns_rdf_deep_free(addr);
	return rev;
}

static int reverse_init(struct ac_dns *d)
{
	if (d->cfg.anycast4.s_addr != htonl(INADDR_ANY)) {
		d->rev4 = rev_name(LDNS_RDF_TYPE_A, &d->cfg.anycast4, 4);
		if (!d->rev4)
			return -ENOMEM;
	}
	if (!IN6_IS_ADDR_UNSPECIFIED(&d->cfg.anycast6)) {
		d->rev6 = rev_name(LDNS_RDF_TYPE_AAAA, &d->cfg.anycast6, 16);
		if (!d->rev6)
			return -ENOMEM;
	}
	return 0;
}

/* 0, or -EINVAL when the domain is no name. */
int ac_dns_local_init(struct ac_dns *d)
{
	d->thisnode = ldns_dname_new_frm_str("thisnode.info.");
	d->anygw = ldns_dname_new_frm_str("anygw.");
	d->domain = ldns_dname_new_frm_str(d->cfg.domain);
	if (!d->thisnode || !d->anygw)
		return -ENOMEM;
	/* the root as domain would make every name local; names from
	 * strings are always absolute (ldns ends them with the root) */
	if (!d->domain || ldns_dname_label_count(d->domain) == 0)
		return -EINVAL;
	d->anygw_dom = ldns_dname_cat_clone(d->anygw, d->domain);
	if (!d->anygw_dom || ldns_rdf_size(d->anygw_dom) > LDNS_MAX_DOMAINLEN)
		return -EINVAL;
	return reverse_init(d);
}

void ac_dns_local_free(struct ac_dns *d)
{
	ldns_rdf_deep_free(d->thisnode);
	ldns_rdf_deep_free(d->anygw);
	ldns_rdf_deep_free(d->anygw_dom);
	ldns_rdf_deep_free(d->domain);
	ldns_rdf_deep_free(d->rev4);
	ldns_rdf_deep_free(d->rev6);
}

static bool name_eq(const ldns_rdf *a, const ldns_rdf *b)
{
	return b && ldns_dname_compare(a, b) == 0;
}

/*
 * The first label of name as a host name for env.lookup: lowercase,
 * letters, digits, '-' and '_' only (DHCP clients send underscores).
 * false for anything else, which no host has.
 */
static bool host_label(const ldns_rdf *name, char host[64])
{
	const uint8_t *w = ldns_rdf_data(name);
	size_t len = w[0];

	if (len == 0 || len > 63 || ldns_rdf_size(name) < len + 2)
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

static bool host_lookup(struct ac_dns *d, const ldns_rdf *name,
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

static bool addr_type(ldns_rr_type t)
{
	return t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_AAAA || t == LDNS_RR_TYPE_ANY;
}

/* Names under the domain, and bare labels. */
static enum local_kind classify_host(struct ac_dns *d, const ldns_rr *q,
				     struct local_addrs *la)
{
	const ldns_rdf *name = ldns_rr_owner(q);
	uint8_t labels = ldns_dname_label_count(name);

	if (ldns_dname_is_subdomain(name, d->domain)) {
		if (labels == ldns_dname_label_count(d->domain) + 1 &&
		    host_lookup(d, name, la))
			return LOCAL_HOST;
		return LOCAL_NX;
	}
	if (labels != 1)
		return LOCAL_NONE;
	if (host_lookup(d, name, la))
		return LOCAL_HOST;
	return addr_type(ldns_rr_get_type(q)) ? LOCAL_NX : LOCAL_NONE;
}

static enum local_kind classify(struct ac_dns *d, const ldns_rr *q,
				struct local_addrs *la)
{
	const ldns_rdf *name = ldns_rr_owner(q);

	if (ldns_rr_get_class(q) != LDNS_RR_CLASS_IN)
		return LOCAL_NONE;
	if (name_eq(name, d->thisnode) || name_eq(name, d->anygw) ||
	    name_eq(name, d->anygw_dom)) {
		anycast_addrs(d, la);
		return LOCAL_ANYCAST;
	}
	if (name_eq(name, d->rev4) || name_eq(name, d->rev6)) {
		la->ptr = true;
		return LOCAL_PTR;
	}
	if (name_eq(name, d->domain))
		return LOCAL_APEX;
	return classify_host(d, q, la);
}

static int push_answer(ldns_pkt *r, const ldns_rr *q, uint32_t ttl,
		       ldns_rr_type type, ldns_rdf *rd)
{
	ldns_rr *rr = ldns_rr_new();
	ldns_rdf *owner = ldns_rdf_clone(ldns_rr_owner(q));

	if (!rr || !rd || !owner)
		goto fail;
	ldns_rr_set_owner(rr, owner);
	owner = NULL;
	ldns_rr_set_type(rr, type);
	ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
	ldns_rr_set_ttl(rr, ttl);
	if (!ldns_rr_push_rdf(rr, rd))
		goto fail;
	rd = NULL;
	if (!ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER, rr))
		goto fail;
	return 0;
fail:
	ldns_rdf_deep_free(owner);
	ldns_rdf_deep_free(rd);
	ldns_rr_free(rr);
	return -ENOMEM;
}

static int push_addrs(struct ac_dns *d, ldns_pkt *r, const ldns_rr *q,
		      const struct local_addrs *la)
{
	ldns_rr_type t = ldns_rr_get_type(q);
	uint32_t ttl = d->cfg.local_ttl_s;
	int rc = 0;

	if (la->ptr && (t == LDNS_RR_TYPE_PTR || t == LDNS_RR_TYPE_ANY))
		rc = push_answer(r, q, ttl, LDNS_RR_TYPE_PTR,
				 ldns_rdf_clone(d->thisnode));
	for (unsigned i = 0; rc == 0 && i < la->n4 &&
	     (t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_ANY); i++)
		rc = push_answer(r, q, ttl, LDNS_RR_TYPE_A,
				 ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, 4, &la->a4[i]));
	for (unsigned i = 0; rc == 0 && i < la->n6 &&
	     (t == LDNS_RR_TYPE_AAAA || t == LDNS_RR_TYPE_ANY); i++)
		rc = push_answer(r, q, ttl, LDNS_RR_TYPE_AAAA,
				 ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, 16, &la->a6[i]));
	return rc;
}

bool ac_dns_local_answer(struct ac_dns *d, void *client, const ldns_pkt *q,
			 size_t limit)
{
	struct local_addrs la = { 0 };
	const ldns_rr *qr;
	enum local_kind k;
	ldns_pkt *r;

	if (!ac_dns_question(q, &qr))
		return false;
	k = classify(d, qr, &la);
	if (k == LOCAL_NONE)
		return false;
	d->st.local++;
	if (k == LOCAL_NX)
		d->st.nxdomain++;
	r = ac_dns_reply_new(q, k == LOCAL_NX ? LDNS_RCODE_NXDOMAIN
				 : LDNS_RCODE_NOERROR);
	if (!r)
		return true;
	ldns_pkt_set_aa(r, true);
	if (push_addrs(d, r, qr, &la) == 0)
		ac_dns_send(d, client, r, limit);
	ldns_pkt_free(r);
	return true;
}
