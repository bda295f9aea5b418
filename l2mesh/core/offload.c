/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "l2mesh/core/offload.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "common/buf.h"

#define ETH_P_IP4 0x0800
#define ETH_P_IP6 0x86dd
#define IP4_DF 0x4000
#define IP_PROTO_TCP 6

uint32_t l2_csum_sum(const uint8_t *p, size_t len)
{
	uint64_t s = 0;
	uint32_t a, b, c, d;
	uint16_t h = 0;
	size_t i = 0;

	/* native-order words: the ones' complement sum does not care, the
	 * bytes are swapped back once at the end (RFC 1071, 2.B) */
	for (; i + 16 <= len; i += 16) {
		memcpy(&a, p + i, 4);
		memcpy(&b, p + i + 4, 4);
		memcpy(&c, p + i + 8, 4);
		memcpy(&d, p + i + 12, 4);
		s += (uint64_t)a + b + c + d;
	}
	for (; i + 4 <= len; i += 4) {
		memcpy(&a, p + i, 4);
		s += a;
	}
	if (i + 2 <= len) {
		memcpy(&h, p + i, 2);
		s += h;
		i += 2;
	}
	if (i < len) {
		h = 0;
		memcpy(&h, p + i, 1);	/* the high byte of a big-endian word */
		s += h;
	}
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return ntohs((uint16_t)s);
}

int l2_csum_complete(uint8_t *f, size_t len, size_t start, size_t off)
{
	if (start >= len || off + 2 > len - start)
		return -EINVAL;
	mc_put_u16(f + start + off, mc_csum_fold(l2_csum_sum(f + start, len - start)));
	return 0;
}

/* The Ethernet header with its tags: the offset of the IP header. */
static int eth_skip(const uint8_t *f, size_t len, uint16_t *type)
{
	size_t o = 12;

	for (int tags = 0; tags <= 2; tags++) {
		if (len < o + 2)
			return -EINVAL;
		*type = mc_get_u16(f + o);
		if (*type != 0x8100 && *type != 0x88a8)
			return (int)o + 2;
		o += 4;
	}
	return -EPROTONOSUPPORT;
}

static int ip4_parse(const uint8_t *f, size_t len, struct l2_tcp_seg *s)
{
	const uint8_t *ip = f + s->l3;
	size_t ihl, tot;

	if (len < s->l3 + 20u || ip[0] >> 4 != 4)
		return -EINVAL;
	ihl = (size_t)(ip[0] & 15) * 4;
	tot = mc_get_u16(ip + 2);
	if (ihl < 20 || tot < ihl || s->l3 + tot > len)
		return -EINVAL;
	if (ip[9] != IP_PROTO_TCP || (mc_get_u16(ip + 6) & 0x3fff))
		return -EPROTONOSUPPORT;	/* not TCP, or a fragment */
	s->l4 = (uint16_t)(s->l3 + ihl);
	s->end = (uint16_t)(s->l3 + tot);
	s->v6 = false;
	return 0;
}

static int ip6_parse(const uint8_t *f, size_t len, struct l2_tcp_seg *s)
{
	const uint8_t *ip = f + s->l3;
	size_t plen;

	if (len < s->l3 + 40u || ip[0] >> 4 != 6)
		return -EINVAL;
	plen = mc_get_u16(ip + 4);
	if (s->l3 + 40u + plen > len)
		return -EINVAL;
	if (ip[6] != IP_PROTO_TCP)
		return -EPROTONOSUPPORT;	/* extension headers: left alone */
	s->l4 = (uint16_t)(s->l3 + 40);
	s->end = (uint16_t)(s->l3 + 40 + plen);
	s->v6 = true;
	return 0;
}

int l2_tcp_parse(const uint8_t *f, size_t len, struct l2_tcp_seg *s)
{
	uint16_t type = 0;
	int o, rc;
	size_t doff;

	if (len > 0xffff)
		return -EINVAL;
	if ((o = eth_skip(f, len, &type)) < 0)
		return o;
	s->l3 = (uint16_t)o;
	if (type == ETH_P_IP4)
		rc = ip4_parse(f, len, s);
	else if (type == ETH_P_IP6)
		rc = ip6_parse(f, len, s);
	else
		rc = -EPROTONOSUPPORT;
	if (rc < 0)
		return rc;
	if (s->end < s->l4 + 20u)
		return -EINVAL;
	doff = (size_t)(f[s->l4 + 12] >> 4) * 4;
	if (doff < 20 || s->l4 + doff > s->end)
		return -EINVAL;
	s->hdr_len = (uint16_t)(s->l4 + doff);
	s->flags = f[s->l4 + 13];
	s->seq = mc_get_u32(f + s->l4 + 4);
	return 0;
}

/* The pseudo header's sum for tcp_len bytes of TCP header and payload. */
static uint32_t pseudo_sum(const uint8_t *f, const struct l2_tcp_seg *s, size_t tcp_len)
{
	if (s->v6)
		return l2_csum_sum(f + s->l3 + 8, 32) + (uint32_t)(tcp_len >> 16) +
		       (uint32_t)(tcp_len & 0xffff) + IP_PROTO_TCP;
	return l2_csum_sum(f + s->l3 + 12, 8) + (uint32_t)tcp_len + IP_PROTO_TCP;
}

bool l2_tcp_csum_ok(const uint8_t *f, const struct l2_tcp_seg *s)
{
	size_t n = (size_t)(s->end - s->l4);

	return mc_csum_fold(pseudo_sum(f, s, n) + l2_csum_sum(f + s->l4, n)) == 0;
}

/* IP length fields and the IPv4 header checksum for an IP datagram
 * ending at end; returns the TCP length. */
static size_t ip_fix(uint8_t *f, const struct l2_tcp_seg *s, size_t end)
{
	uint8_t *ip = f + s->l3;

	if (s->v6) {
		mc_put_u16(ip + 4, (uint16_t)(end - s->l3 - 40));
	} else {
		mc_put_u16(ip + 2, (uint16_t)(end - s->l3));
		mc_put_u16(ip + 10, 0);
		mc_put_u16(ip + 10, mc_csum_fold(l2_csum_sum(ip, (size_t)(s->l4 - s->l3))));
	}
	return end - s->l4;
}

long l2_tcp_segment(const uint8_t *f, size_t len, unsigned mss, uint8_t *buf, size_t room,
		    l2_tcp_emit_fn emit, void *arg)
{
	struct l2_tcp_seg s;
	size_t off;
	long n = 0;
	int rc;

	if ((rc = l2_tcp_parse(f, len, &s)) < 0)
		return rc;
	if (!mss || s.hdr_len + (size_t)mss > room)
		return -EINVAL;
	uint16_t id = s.v6 ? 0 : mc_get_u16(f + s.l3 + 4);
	off = s.hdr_len;
	do {
		size_t pl = s.end - off < mss ? s.end - off : mss;
		bool last = off + pl >= s.end;
		uint8_t flags = s.flags;
		uint8_t *th = buf + s.l4;

		memcpy(buf, f, s.hdr_len);
		memcpy(buf + s.hdr_len, f + off, pl);
		if (!s.v6)
			mc_put_u16(buf + s.l3 + 4, (uint16_t)(id + n));
		size_t tcp_len = ip_fix(buf, &s, s.hdr_len + pl);
		if (!last)
			flags &= (uint8_t)~(L2_TCP_FIN | L2_TCP_PSH);
		if (n)
			flags &= (uint8_t)~L2_TCP_CWR;
		mc_put_u32(th + 4, s.seq + (uint32_t)(off - s.hdr_len));
		th[13] = flags;
		mc_put_u16(th + 16, 0);
		mc_put_u16(th + 16, mc_csum_fold(pseudo_sum(buf, &s, tcp_len) +
						 l2_csum_sum(th, tcp_len)));
		n++;
		if (!emit(arg, buf, s.hdr_len + pl))
			break;
		off += pl;
	} while (off < s.end);
	return n;
}

static bool same(const uint8_t *a, const uint8_t *b, size_t from, size_t to)
{
	return memcmp(a + from, b + from, to - from) == 0;
}

bool l2_tcp_follows(const uint8_t *head, const struct l2_tcp_seg *h, const uint8_t *f,
		    const struct l2_tcp_seg *s)
{
	const uint8_t *hi = head + h->l3, *si = f + s->l3;
	const uint8_t allowed = L2_TCP_ACK | L2_TCP_PSH | L2_TCP_FIN | L2_TCP_ECE;

	if (h->l3 != s->l3 || h->l4 != s->l4 || h->hdr_len != s->hdr_len || h->v6 != s->v6)
		return false;
	if (!same(head, f, 0, h->l3))
		return false;	/* Ethernet addresses and tags */
	if (s->v6) {
		if (!same(hi, si, 0, 4) || !same(hi, si, 6, 40))
			return false;
	} else if (!same(hi, si, 0, 2) || !same(hi, si, 6, 10) || !same(hi, si, 12, h->l4 - h->l3) ||
		   !(mc_get_u16(hi + 6) & IP4_DF)) {
		return false;
	}
	if (!same(head + h->l4, f + s->l4, 0, 4) || !same(head + h->l4, f + s->l4, 8, 12) ||
	    !same(head + h->l4, f + s->l4, 14, 16) || !same(head + h->l4, f + s->l4, 18, h->hdr_len - h->l4))
		return false;	/* ports, ACK, window, urgent pointer, options */
	if (s->flags & ~allowed)
		return false;
	return (h->flags & ~(L2_TCP_CWR | L2_TCP_PSH | L2_TCP_FIN)) == (s->flags & ~(L2_TCP_PSH | L2_TCP_FIN));
}

void l2_tcp_super_fix(uint8_t *head, const struct l2_tcp_seg *h, size_t total_len,
		      uint8_t last_flags)
{
	size_t tcp_len = ip_fix(head, h, total_len);
	uint8_t *th = head + h->l4;

	th[13] = (uint8_t)((th[13] & ~(L2_TCP_PSH | L2_TCP_FIN)) | (last_flags & (L2_TCP_PSH | L2_TCP_FIN)));
	mc_put_u16(th + 16, (uint16_t)~mc_csum_fold(pseudo_sum(head, h, tcp_len)));
}
