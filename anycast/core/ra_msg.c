/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The RA codec: a config's defaults and bounds (RFC 4861 6.2.1), the RA
 * it gives (options SLLA, MTU, PIO, RDNSS, DNSSL in that order) and RS
 * validation (RFC 4861 6.1.1). No state, no time.
 */
#include <errno.h>
#include <string.h>

#include "anycast/core/ra.h"
#include "anycast/core/ra_packet.h"
#include "common/buf.h"

static uint32_t default_min_ms(uint32_t max_ms)
{
	/* RFC 4861 gives 0.33 * max when max >= 9 s and max itself below,
	 * which breaks its own ceiling of 0.75 * max: take that ceiling */
	return max_ms >= 9000 ? (uint32_t)((uint64_t)max_ms * 33 / 100) : max_ms / 4 * 3;
}

static int timing_lifetimes(const struct ac_ra_config *cfg, struct ac_ra_timing *t)
{
	uint32_t max_s = (t->max_ms + 999) / 1000;

	t->router_lifetime_s = cfg->router_lifetime_s;
	if (!t->router_lifetime_s) {
		t->router_lifetime_s = 3 * max_s;
		if (t->router_lifetime_s > AC_RA_ROUTER_LIFETIME_MAX_S)
			t->router_lifetime_s = AC_RA_ROUTER_LIFETIME_MAX_S;
	} else if (t->router_lifetime_s > AC_RA_ROUTER_LIFETIME_MAX_S ||
		   t->router_lifetime_s < max_s) {
		return -EINVAL;
	}
	/* RFC 8106 5.1: SHOULD by default be at least 3 * MaxRtrAdvInterval,
	 * so two lost RAs do not make clients forget the resolver */
	t->dns_lifetime_s = 3 * max_s;
	return 0;
}

int ac_ra_timing(const struct ac_ra_config *cfg, struct ac_ra_timing *t)
{
	t->max_ms = cfg->max_interval_ms ? cfg->max_interval_ms : AC_RA_MAX_INTERVAL_DEFAULT_MS;
	if (t->max_ms < AC_RA_MAX_INTERVAL_MIN_MS || t->max_ms > AC_RA_MAX_INTERVAL_MAX_MS)
		return -EINVAL;
	t->min_ms = cfg->min_interval_ms ? cfg->min_interval_ms : default_min_ms(t->max_ms);
	if (t->min_ms < AC_RA_MIN_INTERVAL_MIN_MS ||
	    (uint64_t)t->min_ms * 4 > (uint64_t)t->max_ms * 3)
		return -EINVAL;
	return timing_lifetimes(cfg, t);
}

static bool in6_is_zero(const struct in6_addr *a)
{
	static const struct in6_addr zero;

	return !memcmp(a, &zero, sizeof(zero));
}

/* "thisnode.info" (a final dot allowed) as DNS labels, into out[]. */
static int dns_name_encode(const char *name, uint8_t *out, size_t cap)
{
	size_t n = 0, len = strnlen(name, AC_DNS_NAME_MAX + 1);
	const char *p = name, *end = name + len;

	if (len > AC_DNS_NAME_MAX)
		return -EINVAL;
	while (p < end) {
		const char *dot = memchr(p, '.', (size_t)(end - p));
		size_t l = (size_t)((dot ? dot : end) - p);

		if (!l || l > AC_DNS_LABEL_MAX || n + 1 + l + 1 > cap)
			return -EINVAL;
		out[n++] = (uint8_t)l;
		memcpy(out + n, p, l);
		n += l;
		p += l + (dot ? 1 : 0);
	}
	out[n++] = 0;
	return (int)n;
}

static void put_prefix(struct mc_wr *w, const struct ac_ra_config *cfg)
{
	uint8_t pfx[16];
	uint32_t valid = cfg->valid_lifetime_s ? cfg->valid_lifetime_s : AC_RA_VALID_DEFAULT_S;
	uint32_t pref = cfg->preferred_lifetime_s ? cfg->preferred_lifetime_s
						  : AC_RA_PREFERRED_DEFAULT_S;

	memcpy(pfx, &cfg->prefix, sizeof(pfx));
	for (unsigned i = 0; i < 16; i++) {
		unsigned keep = cfg->plen > i * 8 ? cfg->plen - i * 8 : 0;

		if (keep < 8)
			pfx[i] &= (uint8_t)(0xff00u >> keep);
	}
	mc_wr_u8(w, AC_ND_OPT_PREFIX);
	mc_wr_u8(w, AC_ND_OPT_PREFIX_LEN / AC_ND_OPT_UNIT);
	mc_wr_u8(w, cfg->plen);
	mc_wr_u8(w, AC_PIO_FLAG_L | AC_PIO_FLAG_A);
	mc_wr_u32(w, valid);
	mc_wr_u32(w, pref);
	mc_wr_zero(w, 4);
	mc_wr_bytes(w, pfx, sizeof(pfx));
}

static void put_dns(struct mc_wr *w, const struct ac_ra_config *cfg, uint32_t life_s,
		    const uint8_t *name, size_t name_len)
{
	size_t dnssl_len = (AC_ND_OPT_DNS_HDR_LEN + name_len + 7) / 8 * 8;

	if (!in6_is_zero(&cfg->rdnss)) {
		mc_wr_u8(w, AC_ND_OPT_RDNSS);
		mc_wr_u8(w, AC_ND_OPT_RDNSS1_LEN / AC_ND_OPT_UNIT);
		mc_wr_zero(w, 2);
		mc_wr_u32(w, life_s);
		mc_wr_bytes(w, &cfg->rdnss, 16);
	}
	if (!name_len)
		return;
	mc_wr_u8(w, AC_ND_OPT_DNSSL);
	mc_wr_u8(w, (uint8_t)(dnssl_len / AC_ND_OPT_UNIT));
	mc_wr_zero(w, 2);
	mc_wr_u32(w, life_s);
	mc_wr_bytes(w, name, name_len);
	mc_wr_zero(w, dnssl_len - AC_ND_OPT_DNS_HDR_LEN - name_len);
}

static int check_config(const struct ac_ra_config *cfg, struct ac_ra_timing *t)
{
	uint32_t valid = cfg->valid_lifetime_s ? cfg->valid_lifetime_s : AC_RA_VALID_DEFAULT_S;
	uint32_t pref = cfg->preferred_lifetime_s ? cfg->preferred_lifetime_s
						  : AC_RA_PREFERRED_DEFAULT_S;

	if (cfg->plen > 128 || pref > valid || (cfg->mtu && cfg->mtu < AC_RA_MTU_MIN) ||
	    memchr(cfg->dnssl, 0, sizeof(cfg->dnssl)) == NULL)
		return -EINVAL;
	return ac_ra_timing(cfg, t);
}

int ac_ra_build(const struct ac_ra_config *cfg, uint8_t *buf, size_t len, bool final)
{
	struct ac_ra_timing t;
	uint8_t name[AC_DNS_NAME_MAX + 1];
	int name_len = 0, rc = check_config(cfg, &t);
	struct mc_wr w;

	if (rc < 0)
		return rc;
	if (cfg->dnssl[0] && (name_len = dns_name_encode(cfg->dnssl, name, AC_DNS_NAME_MAX)) < 0)
		return name_len;
	mc_wr_init(&w, buf, len);
	mc_wr_u8(&w, AC_ICMP6_RA);
	mc_wr_zero(&w, 3);	/* code 0, checksum left to the socket */
	mc_wr_u8(&w, cfg->hop_limit ? cfg->hop_limit : AC_RA_HOP_LIMIT_DEFAULT);
	mc_wr_u8(&w, AC_RA_PRF_MEDIUM);	/* M = O = 0: SLAAC, DNS from RDNSS */
	mc_wr_u16(&w, final ? 0 : (uint16_t)t.router_lifetime_s);
	mc_wr_zero(&w, 8);	/* reachable time, retrans timer: unspecified */
	mc_wr_u8(&w, AC_ND_OPT_SLLA);
	mc_wr_u8(&w, AC_ND_OPT_SLLA_LEN / AC_ND_OPT_UNIT);
	mc_wr_bytes(&w, cfg->src_mac, 6);
	if (cfg->mtu) {
		mc_wr_u8(&w, AC_ND_OPT_MTU);
		mc_wr_u8(&w, AC_ND_OPT_MTU_LEN / AC_ND_OPT_UNIT);
		mc_wr_zero(&w, 2);
		mc_wr_u32(&w, cfg->mtu);
	}
	if (cfg->plen)
		put_prefix(&w, cfg);
	put_dns(&w, cfg, t.dns_lifetime_s, name, (size_t)name_len);
	return mc_wr_ok(&w) ? (int)mc_wr_len(&w) : -ENOSPC;
}

static bool in6_is_unspec(const struct in6_addr *a)
{
	return !a || in6_is_zero(a);
}

/* Every option at least one unit and inside the message; no SLLA from ::
 * (RFC 4861 6.1.1: such an RS would poison neighbour caches). */
static int rs_options(struct mc_rd *rd, bool unspec, const char **why)
{
	while (mc_rd_left(rd)) {
		uint8_t type = 0, len8 = 0;

		mc_rd_u8(rd, &type);
		mc_rd_u8(rd, &len8);
		if (!mc_rd_ok(rd) || !len8) {
			*why = "option of length 0 or cut";
			return -EBADMSG;
		}
		if (mc_rd_skip(rd, (size_t)len8 * AC_ND_OPT_UNIT - AC_ND_OPT_HDR_LEN) < 0) {
			*why = "option beyond the message";
			return -EBADMSG;
		}
		if (type == AC_ND_OPT_SLLA && unspec) {
			*why = "source link-layer address from ::";
			return -EBADMSG;
		}
	}
	return 0;
}

int ac_ra_rs_check(const uint8_t *msg, size_t len, const struct in6_addr *src,
		   uint8_t hop_limit, const char **why)
{
	struct mc_rd rd;
	uint8_t type = 0, code = 0;

	*why = NULL;
	mc_rd_init(&rd, msg, len);
	if (mc_rd_u8(&rd, &type) < 0 || type != AC_ICMP6_RS)
		return -ENOMSG;
	if (hop_limit != 255) {
		*why = "hop limit not 255 (off-link sender)";
		return -EBADMSG;
	}
	mc_rd_u8(&rd, &code);
	mc_rd_skip(&rd, AC_RS_HDR_LEN - 2);	/* checksum (kernel-checked), reserved */
	if (!mc_rd_ok(&rd)) {
		*why = "shorter than 8 bytes";
		return -EBADMSG;
	}
	if (code != 0) {
		*why = "code not 0";
		return -EBADMSG;
	}
	return rs_options(&rd, in6_is_unspec(src), why);
}
