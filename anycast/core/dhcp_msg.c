/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DHCPv4 codec: a client's message in (fixed header, magic cookie,
 * options with option 52 overload into file and sname), a server reply
 * out. Anything that does not add up is -EBADMSG; the caller counts it.
 */
#include <errno.h>
#include <string.h>

#include "anycast/core/dhcp_packet.h"
#include "common/buf.h"

static void hdr_read(struct mc_rd *r, struct ac_bootp_hdr *h)
{
	mc_rd_u8(r, &h->op);
	mc_rd_u8(r, &h->htype);
	mc_rd_u8(r, &h->hlen);
	mc_rd_u8(r, &h->hops);
	mc_rd_u32(r, &h->xid);
	mc_rd_u16(r, &h->secs);
	mc_rd_u16(r, &h->flags);
	mc_rd_u32(r, &h->ciaddr);
	mc_rd_u32(r, &h->yiaddr);
	mc_rd_u32(r, &h->siaddr);
	mc_rd_u32(r, &h->giaddr);
	mc_rd_bytes(r, h->chaddr, sizeof(h->chaddr));
	mc_rd_bytes(r, h->sname, sizeof(h->sname));
	mc_rd_bytes(r, h->file, sizeof(h->file));
}

/* RFC 3396: the instances of a split option are one value, in order. */
static int join(uint8_t *dst, uint8_t *dlen, size_t cap, const uint8_t *v, uint8_t n,
		bool must_fit)
{
	size_t room = cap - *dlen;

	if (n > room) {
		if (must_fit)
			return -EBADMSG;
		n = (uint8_t)room;
	}
	memcpy(dst + *dlen, v, n);
	*dlen = (uint8_t)(*dlen + n);
	return 0;
}

/* An option the client sends once, with exactly its fixed length. */
static bool once_ok(struct ac_dhcp_msg *m, uint8_t code, uint8_t n, uint8_t want)
{
	uint8_t bit = (uint8_t)(1u << (code & 7));

	if (n != want || (m->once[code >> 3] & bit))
		return false;
	m->once[code >> 3] |= bit;
	return true;
}

static int opt_fixed(struct ac_dhcp_msg *m, uint8_t code, const uint8_t *v, uint8_t n)
{
	switch (code) {
	case AC_OPT_MSG_TYPE:
		if (!once_ok(m, code, n, 1) || !v[0])
			return -EBADMSG;
		m->type = v[0];
		return 0;
	case AC_OPT_OVERLOAD:
		if (!once_ok(m, code, n, 1) || v[0] < 1 || v[0] > 3)
			return -EBADMSG;
		m->overload = v[0];
		return 0;
	case AC_OPT_SERVER_ID:
	case AC_OPT_REQ_IP:
		if (!once_ok(m, code, n, 4))
			return -EBADMSG;
		*(code == AC_OPT_SERVER_ID ? &m->server_id : &m->req_ip) = mc_get_u32(v);
		return 0;
	default: /* AC_OPT_MAX_SIZE */
		if (!once_ok(m, code, n, 2))
			return -EBADMSG;
		m->max_size = mc_get_u16(v);
		return 0;
	}
}

static int opt_take(struct ac_dhcp_msg *m, uint8_t code, const uint8_t *v, uint8_t n)
{
	switch (code) {
	case AC_OPT_MSG_TYPE:
	case AC_OPT_OVERLOAD:
	case AC_OPT_SERVER_ID:
	case AC_OPT_REQ_IP:
	case AC_OPT_MAX_SIZE:
		return opt_fixed(m, code, v, n);
	case AC_OPT_CLIENT_ID:
		/* a longer key than we keep would make two clients one */
		return join(m->cid, &m->cid_len, sizeof(m->cid), v, n, true);
	case AC_OPT_HOSTNAME:
		return join(m->host, &m->host_len, sizeof(m->host), v, n, false);
	case AC_OPT_PRL:
		return join(m->prl, &m->prl_len, sizeof(m->prl), v, n, false);
	default:
		return 0;	/* not ours to read */
	}
}

/*
 * One option area. Option 52 is once-only like 53, and file and sname are
 * read only when the options field carried it, so a 52 in file or sname
 * (an overload pointing at itself: a loop) is a repeat and refused. A
 * missing END is tolerated when the last option ends with the area.
 */
static int opt_area(struct ac_dhcp_msg *m, const uint8_t *p, size_t len)
{
	struct mc_rd r;
	const uint8_t *v;
	uint8_t code, n;

	mc_rd_init(&r, p, len);
	while (mc_rd_left(&r)) {
		mc_rd_u8(&r, &code);
		if (code == AC_OPT_PAD)
			continue;
		if (code == AC_OPT_END)
			return 0;
		if (mc_rd_u8(&r, &n) < 0 || mc_rd_ptr(&r, &v, n) < 0)
			return -EBADMSG;
		if (opt_take(m, code, v, n) < 0)
			return -EBADMSG;
	}
	return 0;
}

static int msg_check(const struct ac_dhcp_msg *m)
{
	if (m->h.op != AC_BOOTREQUEST || m->h.htype != AC_HTYPE_ETHER ||
	    m->h.hlen != AC_HLEN_ETHER)
		return -EBADMSG;
	if (!m->type)
		return -EBADMSG;
	/* RFC 2132 9.14: a type byte and at least one byte of key */
	if (m->cid_len == 1)
		return -EBADMSG;
	return 0;
}

int ac_dhcp_msg_decode(struct ac_dhcp_msg *m, const uint8_t *p, size_t len)
{
	struct mc_rd r;
	uint32_t cookie = 0;

	memset(m, 0, sizeof(*m));
	if (len > AC_DHCP_MSG_MAX)
		return -EMSGSIZE;
	mc_rd_init(&r, p, len);
	hdr_read(&r, &m->h);
	mc_rd_u32(&r, &cookie);
	if (!mc_rd_ok(&r) || cookie != AC_DHCP_COOKIE)
		return -EBADMSG;
	/* RFC 2131 4.1: options, then file, then sname */
	if (opt_area(m, mc_rd_cur(&r), mc_rd_left(&r)) < 0)
		return -EBADMSG;
	if ((m->overload & AC_OVERLOAD_FILE) &&
	    opt_area(m, m->h.file, sizeof(m->h.file)) < 0)
		return -EBADMSG;
	if ((m->overload & AC_OVERLOAD_SNAME) &&
	    opt_area(m, m->h.sname, sizeof(m->h.sname)) < 0)
		return -EBADMSG;
	return msg_check(m);
}

size_t ac_dhcp_msg_limit(const struct ac_dhcp_msg *req, size_t cap)
{
	size_t dgram = req->max_size > AC_DHCP_DGRAM_MIN ? req->max_size : AC_DHCP_DGRAM_MIN;
	size_t lim = dgram - AC_DHCP_IPUDP_LEN;

	return lim < cap ? lim : cap;
}

static void hdr_write(struct mc_wr *w, const struct ac_dhcp_msg *req,
		      const struct ac_dhcp_reply *r)
{
	mc_wr_u8(w, AC_BOOTREPLY);
	mc_wr_u8(w, req->h.htype);
	mc_wr_u8(w, req->h.hlen);
	mc_wr_u8(w, 0);
	mc_wr_u32(w, req->h.xid);
	mc_wr_u16(w, 0);
	mc_wr_u16(w, req->h.flags);
	mc_wr_u32(w, r->ciaddr);
	mc_wr_u32(w, r->yiaddr);
	mc_wr_u32(w, 0);		/* siaddr: no next server */
	mc_wr_u32(w, req->h.giaddr);
	mc_wr_bytes(w, req->h.chaddr, sizeof(req->h.chaddr));
	mc_wr_zero(w, sizeof(req->h.sname) + sizeof(req->h.file));
	mc_wr_u32(w, AC_DHCP_COOKIE);
}

/* One option if it fits with room left for END; -ENOSPC leaves w as it was. */
static int opt_put(struct mc_wr *w, uint8_t code, const void *v, size_t n)
{
	if (n > 255 || !mc_wr_ok(w) || w->cap - w->off < n + 3)
		return -ENOSPC;
	mc_wr_u8(w, code);
	mc_wr_u8(w, (uint8_t)n);
	return mc_wr_bytes(w, v, n);
}

static int opt_u32(struct mc_wr *w, uint8_t code, uint32_t v)
{
	uint8_t b[4];

	mc_put_u32(b, v);
	return opt_put(w, code, b, sizeof(b));
}

/* 53, 54, the lease times, 61 (RFC 6842), 56: what the reply must carry. */
static int opts_mandatory(struct mc_wr *w, const struct ac_dhcp_msg *req,
			  const struct ac_dhcp_reply *r)
{
	int rc = opt_put(w, AC_OPT_MSG_TYPE, &r->type, 1);

	rc |= opt_u32(w, AC_OPT_SERVER_ID, r->server);
	if (r->lease_s) {
		rc |= opt_u32(w, AC_OPT_LEASE, r->lease_s);
		rc |= opt_u32(w, AC_OPT_T1, r->lease_s / 2);
		rc |= opt_u32(w, AC_OPT_T2, (uint32_t)((uint64_t)r->lease_s * 7 / 8));
	}
	if (req->cid_len)
		rc |= opt_put(w, AC_OPT_CLIENT_ID, req->cid, req->cid_len);
	if (r->message)
		rc |= opt_put(w, AC_OPT_MESSAGE, r->message, strlen(r->message));
	return rc ? -EMSGSIZE : 0;
}

/* An optional option asked for in option 55; one that does not fit is
 * left out so a smaller one after it still may. */
static void opt_asked(struct mc_wr *w, const struct ac_dhcp_reply *r, uint8_t code)
{
	uint8_t mtu[2];

	switch (code) {
	case AC_OPT_SUBNET_MASK:
		if (r->netmask)
			opt_u32(w, code, r->netmask);
		break;
	case AC_OPT_ROUTER:
	case AC_OPT_DNS:
		opt_u32(w, code, r->server);
		break;
	case AC_OPT_DOMAIN:
		if (r->domain && r->domain[0])
			opt_put(w, code, r->domain, strlen(r->domain));
		break;
	case AC_OPT_MTU:
		mc_put_u16(mtu, r->mtu);
		if (r->mtu)
			opt_put(w, code, mtu, sizeof(mtu));
		break;
	}
}

static void opts_asked(struct mc_wr *w, const struct ac_dhcp_msg *req,
		       const struct ac_dhcp_reply *r)
{
	uint8_t done[32] = { 0 };

	for (unsigned i = 0; i < req->prl_len; i++) {
		uint8_t c = req->prl[i], bit = (uint8_t)(1u << (c & 7));

		if (done[c >> 3] & bit)
			continue;	/* a code asked for twice goes in once */
		done[c >> 3] |= bit;
		opt_asked(w, r, c);
	}
}

int ac_dhcp_msg_encode(const struct ac_dhcp_msg *req, const struct ac_dhcp_reply *r,
		       uint8_t *buf, size_t cap)
{
	struct mc_wr w;

	mc_wr_init(&w, buf, cap);
	hdr_write(&w, req, r);
	if (!mc_wr_ok(&w) || opts_mandatory(&w, req, r) < 0)
		return -EMSGSIZE;
	if (r->type != AC_DHCPNAK)	/* RFC 2131 table 3: a NAK carries no more */
		opts_asked(&w, req, r);
	mc_wr_u8(&w, AC_OPT_END);
	if (mc_wr_len(&w) < AC_DHCP_REPLY_MIN && cap >= AC_DHCP_REPLY_MIN)
		mc_wr_zero(&w, AC_DHCP_REPLY_MIN - mc_wr_len(&w));
	return mc_wr_ok(&w) ? (int)mc_wr_len(&w) : -EMSGSIZE;
}
