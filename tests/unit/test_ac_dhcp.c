/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * anycastd's DHCPv4 core in memory: a fake env records what the server
 * sends, probes and reports; clients are byte arrays built here. With a
 * directory argument it also writes the fuzzer's seed corpus there:
 *   test_ac_dhcp tests/fuzz/corpus/ac_dhcp
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anycast/core/dhcp.h"
#include "anycast/core/dhcp_packet.h"
#include "common/buf.h"
#include "common/log.h"
#include "tests/unit/check.h"

#define MAXREC 64

struct fake {
	int nsend;
	uint8_t msg[1500];
	size_t len;
	struct ac_dhcp_tx tx;
	int nprobe;
	uint32_t probe[MAXREC];
	int nchg;
	enum ac_lease_change chg[MAXREC];
	struct ac_lease chl[MAXREC];
	uint32_t node_addr;	/* is_node_addr says yes to this one (host order) */
	uint32_t held;		/* held_elsewhere says yes to this one */
	int nlog;
	char log[256];
};

static void f_send(void *user, const struct ac_dhcp_tx *tx)
{
	struct fake *f = user;

	f->nsend++;
	CHECK(tx->len <= sizeof(f->msg));
	f->len = tx->len < sizeof(f->msg) ? tx->len : sizeof(f->msg);
	memcpy(f->msg, tx->msg, f->len);
	f->tx = *tx;
	f->tx.msg = f->msg;
}

static void f_probe(void *user, struct in_addr ip)
{
	struct fake *f = user;

	if (f->nprobe < MAXREC)
		f->probe[f->nprobe] = ntohl(ip.s_addr);
	f->nprobe++;
}

static bool f_node(void *user, struct in_addr ip)
{
	return ntohl(ip.s_addr) == ((struct fake *)user)->node_addr;
}

static bool f_held(void *user, struct in_addr ip, const uint8_t mac[6])
{
	return ntohl(ip.s_addr) == ((struct fake *)user)->held;
}

static void f_changed(void *user, enum ac_lease_change what, const struct ac_lease *l)
{
	struct fake *f = user;

	if (f->nchg < MAXREC) {
		f->chg[f->nchg] = what;
		f->chl[f->nchg] = *l;
	}
	f->nchg++;
}

static void f_log(void *user, int level, uint32_t cat, const char *msg)
{
	struct fake *f = user;

	f->nlog++;
	snprintf(f->log, sizeof(f->log), "%s", msg);
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return ntohl(a.s_addr);
}

static struct in_addr in4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static struct ac_dhcp_config cfg_default(void)
{
	struct ac_dhcp_config c = {
		.server = in4("10.13.0.1"), .net = in4("10.13.0.0"), .plen = 16,
		.reserved_net = in4("10.13.250.0"), .reserved_plen = 24,
		.lease_s = 3600, .mtu = 1350, .domain = "lan", .probe_ms = 0,
	};

	return c;
}

static struct ac_dhcp *server(struct fake *f, const struct ac_dhcp_config *c)
{
	struct ac_dhcp_env env = {
		.user = f, .send = f_send, .probe = f_probe, .is_node_addr = f_node,
		.held_elsewhere = f_held, .lease_changed = f_changed, .log = f_log,
	};
	struct ac_dhcp *d = NULL;

	memset(f, 0, sizeof(*f));
	CHECK_INT(ac_dhcp_new(&d, c, &env), 0);
	return d;
}

/* ---- clients ---- */

struct cli {
	uint8_t mac[6];
	uint8_t cid[64];
	uint8_t cid_len;
	uint32_t xid;
	uint16_t flags;
	uint32_t ciaddr;
	uint8_t prl[16];
	uint8_t prl_len;
	const char *host;
	uint16_t max_size;
};

static struct cli client(uint8_t n)
{
	struct cli c = { .mac = { 0x02, 0, 0, 0, 0, n }, .xid = 0x1000u + n,
			 .flags = AC_BOOTP_FLAG_BROADCAST };

	return c;
}

static void hdr(struct mc_wr *w, const struct cli *c, uint32_t ciaddr)
{
	mc_wr_u8(w, AC_BOOTREQUEST);
	mc_wr_u8(w, 1);
	mc_wr_u8(w, 6);
	mc_wr_u8(w, 0);
	mc_wr_u32(w, c->xid);
	mc_wr_u16(w, 0);
	mc_wr_u16(w, c->flags);
	mc_wr_u32(w, ciaddr);
	mc_wr_zero(w, 12);
	mc_wr_bytes(w, c->mac, 6);
	mc_wr_zero(w, 10 + 64 + 128);
	mc_wr_u32(w, AC_DHCP_COOKIE);
}

static void opt(struct mc_wr *w, uint8_t code, const void *v, size_t n)
{
	mc_wr_u8(w, code);
	mc_wr_u8(w, (uint8_t)n);
	mc_wr_bytes(w, v, n);
}

static void opt32(struct mc_wr *w, uint8_t code, uint32_t v)
{
	uint8_t b[4];

	mc_put_u32(b, v);
	opt(w, code, b, 4);
}

/* A client message; server_id / req_ip 0 = left out. */
static size_t msg(uint8_t *buf, const struct cli *c, uint8_t type, uint32_t server_id,
		  uint32_t req_ip)
{
	struct mc_wr w;

	mc_wr_init(&w, buf, 1500);
	hdr(&w, c, c->ciaddr);
	opt(&w, AC_OPT_MSG_TYPE, &type, 1);
	if (c->cid_len)
		opt(&w, AC_OPT_CLIENT_ID, c->cid, c->cid_len);
	if (server_id)
		opt32(&w, AC_OPT_SERVER_ID, server_id);
	if (req_ip)
		opt32(&w, AC_OPT_REQ_IP, req_ip);
	if (c->host)
		opt(&w, AC_OPT_HOSTNAME, c->host, strlen(c->host));
	if (c->prl_len)
		opt(&w, AC_OPT_PRL, c->prl, c->prl_len);
	if (c->max_size) {
		uint8_t b[2];

		mc_put_u16(b, c->max_size);
		opt(&w, AC_OPT_MAX_SIZE, b, 2);
	}
	mc_wr_u8(&w, AC_OPT_END);
	CHECK(mc_wr_ok(&w));
	return mc_wr_len(&w);
}

static void rx(struct ac_dhcp *d, uint64_t now, const struct cli *c, uint8_t type,
	       uint32_t server_id, uint32_t req_ip)
{
	uint8_t buf[1500];
	size_t n = msg(buf, c, type, server_id, req_ip);

	ac_dhcp_rx(d, now, buf, n);
}

/* ---- the last reply ---- */

/* Option code of the reply (options field only: replies use no overload). */
static const uint8_t *ropt(const struct fake *f, uint8_t code, uint8_t *len)
{
	size_t i = AC_DHCP_MIN_LEN;

	while (i < f->len && f->msg[i] != AC_OPT_END) {
		if (f->msg[i] == AC_OPT_PAD) {
			i++;
			continue;
		}
		if (i + 1 >= f->len || i + 2 + f->msg[i + 1] > f->len)
			return NULL;
		if (f->msg[i] == code) {
			*len = f->msg[i + 1];
			return f->msg + i + 2;
		}
		i += 2u + f->msg[i + 1];
	}
	return NULL;
}

/* How often code appears in the reply. */
static int times(const struct fake *f, uint8_t code)
{
	size_t i = AC_DHCP_MIN_LEN;
	int n = 0;

	while (i + 1 < f->len && f->msg[i] != AC_OPT_END) {
		if (f->msg[i] == AC_OPT_PAD) {
			i++;
			continue;
		}
		n += f->msg[i] == code;
		i += 2u + f->msg[i + 1];
	}
	return n;
}

static bool has(const struct fake *f, uint8_t code)
{
	uint8_t n;

	return ropt(f, code, &n) != NULL;
}

static long ropt32(const struct fake *f, uint8_t code)
{
	uint8_t n;
	const uint8_t *v = ropt(f, code, &n);

	return v && n == 4 ? (long)mc_get_u32(v) : -1;
}

static int rtype(const struct fake *f)
{
	uint8_t n;
	const uint8_t *v = ropt(f, AC_OPT_MSG_TYPE, &n);

	return v && n == 1 ? v[0] : -1;
}

static uint32_t yiaddr(const struct fake *f)
{
	return mc_get_u32(f->msg + 16);
}

static uint32_t r_ciaddr(const struct fake *f)
{
	return mc_get_u32(f->msg + 12);
}

static bool bcast_to(const struct fake *f)
{
	static const uint8_t ff[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	return f->tx.dst_ip.s_addr == 0xffffffffu && !memcmp(f->tx.dst_mac, ff, 6);
}

static bool unicast_to(const struct fake *f, uint32_t ip, const uint8_t mac[6])
{
	return ntohl(f->tx.dst_ip.s_addr) == ip && !memcmp(f->tx.dst_mac, mac, 6);
}

/* A client's second candidate in 10.13.0.0/16 (host order): the hash of
 * its key extended by the byte 1 (the pool rule, doc/anycastd.md). */
static uint32_t second(const struct cli *c)
{
	const uint8_t *k = c->cid_len ? c->cid : c->mac;
	uint32_t h = ac_dhcp_addr_hash(k, c->cid_len ? c->cid_len : 6);

	return ip4("10.13.0.1") + ((h ^ 1u) * 16777619u) % 65534u;
}

/* DISCOVER then SELECTING REQUEST; the bound address (0: none). */
static uint32_t dora(struct ac_dhcp *d, struct fake *f, uint64_t now, const struct cli *c)
{
	uint32_t y;

	f->nsend = 0;
	rx(d, now, c, AC_DHCPDISCOVER, 0, 0);
	if (f->nsend != 1 || rtype(f) != AC_DHCPOFFER)
		return 0;
	y = yiaddr(f);
	rx(d, now, c, AC_DHCPREQUEST, ip4("10.13.0.1"), y);
	return f->nsend == 2 && rtype(f) == AC_DHCPACK ? y : 0;
}

/* ---- tests ---- */

static void test_hash_pinned(void)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 };
	static const uint8_t cid[7] = { 0x01, 0x02, 0, 0, 0, 0, 1 };
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d;
	struct cli k = client(1);

	/* FNV-1a 32 test vectors */
	CHECK(ac_dhcp_addr_hash((const uint8_t *)"", 0) == 0x811c9dc5u);
	CHECK(ac_dhcp_addr_hash((const uint8_t *)"a", 1) == 0xe40c292cu);
	CHECK(ac_dhcp_addr_hash((const uint8_t *)"foobar", 6) == 0xbf9cf968u);
	CHECK(ac_dhcp_addr_hash(mac, 6) == 0x772375fcu);
	CHECK(ac_dhcp_addr_hash(cid, 7) == 0x0b8110b1u);
	/* 0x772375fc % 65534 = 25668: 10.13.0.1 + 25668 */
	d = server(&f, &c);
	CHECK_INT(dora(d, &f, 1000, &k), ip4("10.13.100.69"));
	memcpy(k.cid, cid, 7);
	k.cid_len = 7;
	k.mac[5] = 9;	/* the client-id is the key, not chaddr */
	CHECK_INT(dora(d, &f, 1000, &k), ip4("10.13.39.180"));
	ac_dhcp_free(d);
}

/* A 6-byte client-id equal to another client's MAC is another key. */
static void test_key_kinds(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d = server(&f, &c);
	struct cli a = client(1), b = client(2);
	uint32_t ya, yb;

	memcpy(a.cid, b.mac, 6);
	a.cid_len = 6;
	ya = dora(d, &f, 1000, &a);
	yb = dora(d, &f, 1000, &b);
	CHECK_INT(ya, ip4("10.13.110.254"));	/* b's MAC hashed */
	CHECK_INT(yb, second(&b));		/* its first is a's */
	CHECK_INT(ac_dhcp_pool_used(d), 2);
	ac_dhcp_free(d);
}

/* Option 50 in a DISCOVER: that address when free, else the hash's. */
static void test_discover_wants(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d = server(&f, &c);
	struct cli a = client(1), b = client(2);

	rx(d, 1000, &a, AC_DHCPDISCOVER, 0, ip4("10.13.44.44"));
	CHECK_INT(yiaddr(&f), ip4("10.13.44.44"));
	rx(d, 1000, &b, AC_DHCPDISCOVER, 0, ip4("10.13.44.44"));
	CHECK_INT(yiaddr(&f), ip4("10.13.110.254"));
	rx(d, 1000, &a, AC_DHCPDISCOVER, 0, ip4("10.13.44.45"));	/* has an offer */
	CHECK_INT(yiaddr(&f), ip4("10.13.44.44"));
	ac_dhcp_free(d);
}

static void check_offer_opts(const struct fake *f)
{
	uint8_t n;
	const uint8_t *v;

	CHECK_INT(ropt32(f, AC_OPT_SERVER_ID), ip4("10.13.0.1"));
	CHECK_INT(ropt32(f, AC_OPT_LEASE), 3600);
	CHECK_INT(ropt32(f, AC_OPT_T1), 1800);
	CHECK_INT(ropt32(f, AC_OPT_T2), 3150);
	CHECK_INT(ropt32(f, AC_OPT_SUBNET_MASK), 0xffff0000);
	CHECK_INT(ropt32(f, AC_OPT_ROUTER), ip4("10.13.0.1"));
	CHECK_INT(ropt32(f, AC_OPT_DNS), ip4("10.13.0.1"));
	v = ropt(f, AC_OPT_DOMAIN, &n);
	CHECK(v && n == 3 && !memcmp(v, "lan", 3));
	v = ropt(f, AC_OPT_MTU, &n);
	CHECK(v && n == 2 && mc_get_u16(v) == 1350);
	CHECK(f->len >= AC_DHCP_REPLY_MIN && f->len <= 548);
	CHECK_INT(f->msg[0], AC_BOOTREPLY);
}

static void test_dora(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d = server(&f, &c);
	struct cli k = client(1);
	static const uint8_t prl[] = { 1, 3, 6, 15, 26 };
	uint32_t y;

	memcpy(k.prl, prl, sizeof(prl));
	k.prl_len = sizeof(prl);
	k.host = " my laptop!.home";	/* the label, '-' for the rest, none at the ends */
	rx(d, 1000, &k, AC_DHCPDISCOVER, 0, 0);
	CHECK_INT(f.nsend, 1);
	CHECK_INT(rtype(&f), AC_DHCPOFFER);
	CHECK_INT(mc_get_u32(f.msg + 4), k.xid);
	y = yiaddr(&f);
	CHECK_INT(y, ip4("10.13.100.69"));
	CHECK_INT(r_ciaddr(&f), 0);
	CHECK(!memcmp(f.msg + 28, k.mac, 6));
	CHECK(bcast_to(&f));
	check_offer_opts(&f);
	CHECK(!has(&f, AC_OPT_CLIENT_ID));
	CHECK_INT(f.nchg, 1);
	CHECK(f.chg[0] == AC_LEASE_ADDED && !f.chl[0].bound);
	CHECK_INT(ac_dhcp_pool_used(d), 1);

	rx(d, 2000, &k, AC_DHCPREQUEST, ip4("10.13.0.1"), y);
	CHECK_INT(f.nsend, 2);
	CHECK_INT(rtype(&f), AC_DHCPACK);
	CHECK_INT(yiaddr(&f), y);
	check_offer_opts(&f);
	CHECK_INT(f.nchg, 2);
	CHECK(f.chg[1] == AC_LEASE_ADDED && f.chl[1].bound);
	CHECK_STR(f.chl[1].hostname, "my-laptop");
	CHECK(f.chl[1].expires_ms == 2000 + 3600 * 1000);
	CHECK_INT(ntohl(f.chl[1].ip.s_addr), y);
	CHECK_INT(ac_dhcp_pool_used(d), 1);
	CHECK_INT(ac_dhcp_stats(d)->discover, 1);
	CHECK_INT(ac_dhcp_stats(d)->offer, 1);
	CHECK_INT(ac_dhcp_stats(d)->request, 1);
	CHECK_INT(ac_dhcp_stats(d)->ack, 1);
	/* /16 less network, broadcast, server and a /24 */
	CHECK_INT(ac_dhcp_pool_size(d), 65534 - 1 - 256);
	ac_dhcp_free(d);
}

static void test_request_states(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d = server(&f, &c);
	struct cli k = client(1);
	uint32_t y = dora(d, &f, 1000, &k);

	CHECK(y != 0);
	/* RENEWING: ciaddr, unicast from the client, no 54/50 */
	k.ciaddr = y;
	k.flags = 0;
	rx(d, 5000, &k, AC_DHCPREQUEST, 0, 0);
	CHECK_INT(rtype(&f), AC_DHCPACK);
	CHECK(unicast_to(&f, y, k.mac));
	CHECK_INT(r_ciaddr(&f), y);
	CHECK_INT(yiaddr(&f), y);
	CHECK(f.chg[f.nchg - 1] == AC_LEASE_RENEWED);
	CHECK(f.chl[f.nchg - 1].expires_ms == 5000 + 3600 * 1000);
	/* REBINDING: the same, broadcast; ciaddr still decides the reply */
	k.flags = AC_BOOTP_FLAG_BROADCAST;
	rx(d, 6000, &k, AC_DHCPREQUEST, 0, 0);
	CHECK_INT(rtype(&f), AC_DHCPACK);
	CHECK(unicast_to(&f, y, k.mac));
	/* INIT-REBOOT: option 50, ciaddr 0, no broadcast flag: to yiaddr */
	k.ciaddr = 0;
	k.flags = 0;
	rx(d, 7000, &k, AC_DHCPREQUEST, 0, y);
	CHECK_INT(rtype(&f), AC_DHCPACK);
	CHECK(unicast_to(&f, y, k.mac));
	CHECK_INT(r_ciaddr(&f), 0);
	CHECK_INT(ac_dhcp_stats(d)->ack, 4);
	CHECK_INT(ac_dhcp_pool_used(d), 1);
	ac_dhcp_free(d);
}

static void test_other_server(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d = server(&f, &c);
	struct cli k = client(1);

	rx(d, 1000, &k, AC_DHCPDISCOVER, 0, 0);
	CHECK_INT(ac_dhcp_pool_used(d), 1);
	rx(d, 1500, &k, AC_DHCPREQUEST, ip4("192.168.1.1"), ip4("192.168.1.50"));
	CHECK_INT(f.nsend, 1);	/* silence */
	CHECK_INT(ac_dhcp_pool_used(d), 0);
	CHECK(f.chg[f.nchg - 1] == AC_LEASE_EXPIRED);
	ac_dhcp_free(d);
}

static void test_nak(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d = server(&f, &c);
	struct cli a = client(1), b = client(2);
	uint32_t ya = dora(d, &f, 1000, &a);

	b.flags = 0;
	b.prl[0] = AC_OPT_ROUTER;
	b.prl[1] = AC_OPT_SUBNET_MASK;
	b.prl_len = 2;
	rx(d, 2000, &b, AC_DHCPREQUEST, 0, ip4("192.168.1.5"));	/* wrong net */
	CHECK_INT(rtype(&f), AC_DHCPNAK);
	CHECK(bcast_to(&f));
	CHECK_INT(yiaddr(&f), 0);
	CHECK_INT(ropt32(&f, AC_OPT_SERVER_ID), ip4("10.13.0.1"));
	CHECK(!has(&f, AC_OPT_LEASE) && !has(&f, AC_OPT_T1) && !has(&f, AC_OPT_ROUTER));
	CHECK(!has(&f, AC_OPT_SUBNET_MASK));
	{
		uint8_t n;
		const uint8_t *v = ropt(&f, AC_OPT_MESSAGE, &n);

		CHECK(v && n == 13 && !memcmp(v, "wrong network", 13));
	}
	rx(d, 2000, &b, AC_DHCPREQUEST, 0, ya);	/* a's */
	CHECK_INT(rtype(&f), AC_DHCPNAK);
	rx(d, 2000, &b, AC_DHCPREQUEST, 0, ip4("10.13.0.1"));	/* the server */
	CHECK_INT(rtype(&f), AC_DHCPNAK);
	rx(d, 2000, &b, AC_DHCPREQUEST, 0, ip4("10.13.250.7"));	/* reserved */
	CHECK_INT(rtype(&f), AC_DHCPNAK);
	rx(d, 2000, &b, AC_DHCPREQUEST, 0, ip4("10.13.255.255"));	/* broadcast */
	CHECK_INT(rtype(&f), AC_DHCPNAK);
	f.node_addr = ip4("10.13.7.7");
	rx(d, 2000, &b, AC_DHCPREQUEST, 0, ip4("10.13.7.7"));
	CHECK_INT(rtype(&f), AC_DHCPNAK);
	f.held = ip4("10.13.7.8");
	rx(d, 2000, &b, AC_DHCPREQUEST, 0, ip4("10.13.7.8"));
	CHECK_INT(rtype(&f), AC_DHCPNAK);
	b.ciaddr = ip4("10.14.0.9");	/* RENEWING on another net */
	rx(d, 2000, &b, AC_DHCPREQUEST, 0, 0);
	CHECK_INT(rtype(&f), AC_DHCPNAK);
	CHECK(bcast_to(&f));	/* a NAK is broadcast even with ciaddr */
	CHECK_INT(ac_dhcp_stats(d)->nak, 8);
	f.nsend = 0;
	b.ciaddr = ya;	/* SELECTING must have ciaddr 0 */
	rx(d, 2000, &b, AC_DHCPREQUEST, ip4("10.13.0.1"), ya);
	b.ciaddr = 0;	/* nothing asked for */
	rx(d, 2000, &b, AC_DHCPREQUEST, 0, 0);
	CHECK_INT(f.nsend, 0);
	CHECK_INT(ac_dhcp_stats(d)->ignored, 2);
	CHECK_INT(ac_dhcp_pool_used(d), 1);
	ac_dhcp_free(d);
}

static void test_release_decline(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d = server(&f, &c);
	struct cli a = client(1), spoof;
	uint32_t y, y2;

	a.cid[0] = 1;
	memcpy(a.cid + 1, a.mac, 6);
	a.cid_len = 7;
	y = dora(d, &f, 1000, &a);
	CHECK(y != 0);
	spoof = client(5);	/* another chaddr, same client-id */
	memcpy(spoof.cid, a.cid, 7);
	spoof.cid_len = 7;
	spoof.ciaddr = y;
	rx(d, 2000, &spoof, AC_DHCPRELEASE, ip4("10.13.0.1"), 0);
	spoof = a;	/* a's chaddr, no client-id */
	spoof.cid_len = 0;
	spoof.ciaddr = y;
	rx(d, 2000, &spoof, AC_DHCPRELEASE, ip4("10.13.0.1"), 0);
	spoof.cid_len = 7;	/* a's chaddr, another client-id */
	spoof.cid[6] ^= 1;
	rx(d, 2000, &spoof, AC_DHCPRELEASE, ip4("10.13.0.1"), 0);
	spoof.ciaddr = 0;
	rx(d, 2000, &spoof, AC_DHCPDECLINE, ip4("10.13.0.1"), y);
	CHECK_INT(ac_dhcp_stats(d)->ignored, 4);
	CHECK_INT(ac_dhcp_pool_used(d), 1);
	CHECK_INT(ac_dhcp_stats(d)->conflicts, 0);

	rx(d, 3000, &a, AC_DHCPDECLINE, ip4("10.13.0.1"), y);
	CHECK_INT(ac_dhcp_stats(d)->conflicts, 1);
	CHECK(f.chg[f.nchg - 1] == AC_LEASE_DECLINED);
	CHECK_INT(ac_dhcp_pool_used(d), 0);
	y2 = dora(d, &f, 4000, &a);	/* not offered the declined one again */
	CHECK_INT(y2, second(&a));
	a.ciaddr = y2;
	rx(d, 5000, &a, AC_DHCPRELEASE, ip4("10.13.0.1"), 0);
	CHECK(f.chg[f.nchg - 1] == AC_LEASE_RELEASED);
	CHECK_INT(ac_dhcp_pool_used(d), 0);
	CHECK_INT(ac_dhcp_stats(d)->nak, 0);
	a.ciaddr = 0;
	CHECK_INT(dora(d, &f, 3000 + AC_DHCP_CONFLICT_MS - 1, &a), second(&a));
	a.ciaddr = second(&a);
	rx(d, 3000 + AC_DHCP_CONFLICT_MS, &a, AC_DHCPRELEASE, 0, 0);
	a.ciaddr = 0;
	/* 10 min on, offered again, before a tick dropped the conflict too */
	CHECK_INT(dora(d, &f, 3000 + AC_DHCP_CONFLICT_MS, &a), y);
	CHECK(ac_dhcp_tick(d, 3000 + AC_DHCP_CONFLICT_MS) ==
	      3000 + AC_DHCP_CONFLICT_MS + 3600000);
	ac_dhcp_free(d);
}

static void test_inform(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d = server(&f, &c);
	struct cli k = client(1);
	static const uint8_t prl[] = { 1, 3, 6 };

	memcpy(k.prl, prl, sizeof(prl));
	k.prl_len = sizeof(prl);
	k.ciaddr = ip4("10.13.250.5");
	k.flags = 0;
	rx(d, 1000, &k, AC_DHCPINFORM, 0, 0);
	CHECK_INT(f.nsend, 1);
	CHECK_INT(rtype(&f), AC_DHCPACK);
	CHECK_INT(yiaddr(&f), 0);
	CHECK_INT(r_ciaddr(&f), ip4("10.13.250.5"));
	CHECK(unicast_to(&f, ip4("10.13.250.5"), k.mac));
	CHECK(!has(&f, AC_OPT_LEASE) && !has(&f, AC_OPT_T1) && !has(&f, AC_OPT_T2));
	CHECK(has(&f, AC_OPT_SERVER_ID) && has(&f, AC_OPT_SUBNET_MASK));
	CHECK(has(&f, AC_OPT_ROUTER) && has(&f, AC_OPT_DNS) && !has(&f, AC_OPT_DOMAIN));
	CHECK_INT(ac_dhcp_pool_used(d), 0);
	CHECK_INT(f.nchg, 0);
	CHECK_INT(ac_dhcp_stats(d)->inform, 1);
	ac_dhcp_free(d);
}

static void test_prl(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d;
	struct cli k = client(1);

	c.mtu = 0;
	d = server(&f, &c);
	rx(d, 1000, &k, AC_DHCPDISCOVER, 0, 0);	/* no option 55 */
	CHECK(has(&f, AC_OPT_LEASE) && has(&f, AC_OPT_T1) && has(&f, AC_OPT_T2));
	CHECK(!has(&f, 1) && !has(&f, 3) && !has(&f, 6) && !has(&f, 15) && !has(&f, 26));
	k.prl[0] = 6;
	k.prl_len = 1;
	rx(d, 1000, &k, AC_DHCPDISCOVER, 0, 0);
	CHECK(!has(&f, 1) && !has(&f, 3) && has(&f, 6) && !has(&f, 15));
	k.prl[0] = 26;
	k.prl[1] = 15;
	k.prl[2] = 15;
	k.prl[3] = 42;	/* not served */
	k.prl_len = 4;
	rx(d, 1000, &k, AC_DHCPDISCOVER, 0, 0);
	CHECK(has(&f, 15) && !has(&f, 26) && !has(&f, 6) && !has(&f, 42));
	CHECK_INT(times(&f, 15), 1);
	CHECK_INT(ac_dhcp_stats(d)->offer, 3);
	ac_dhcp_free(d);
}

/* DISCOVER with 53 in file and 55 in sname, option 52 = 3 in options. */
static size_t overloaded(uint8_t *buf, const struct cli *k, uint8_t ov, bool loop)
{
	struct mc_wr w;
	uint8_t type = AC_DHCPDISCOVER, prl = AC_OPT_ROUTER;

	mc_wr_init(&w, buf, 1500);
	hdr(&w, k, 0);
	opt(&w, AC_OPT_OVERLOAD, &ov, 1);
	mc_wr_u8(&w, AC_OPT_END);
	/* file at 108, sname at 44 */
	buf[108] = AC_OPT_MSG_TYPE;
	buf[109] = 1;
	buf[110] = type;
	buf[111] = loop ? AC_OPT_OVERLOAD : AC_OPT_END;
	buf[112] = 1;
	buf[113] = 1;
	buf[114] = AC_OPT_END;
	buf[44] = AC_OPT_PRL;
	buf[45] = 1;
	buf[46] = prl;
	buf[47] = AC_OPT_END;
	return mc_wr_len(&w);
}

static void test_overload(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d = server(&f, &c);
	struct cli k = client(1);
	uint8_t buf[1500];
	size_t n;

	n = overloaded(buf, &k, 3, false);
	ac_dhcp_rx(d, 1000, buf, n);
	CHECK_INT(f.nsend, 1);
	CHECK_INT(rtype(&f), AC_DHCPOFFER);
	CHECK(has(&f, AC_OPT_ROUTER) && !has(&f, AC_OPT_DNS));
	n = overloaded(buf, &k, 1, false);	/* sname not read: no 55 */
	ac_dhcp_rx(d, 1000, buf, n);
	CHECK_INT(f.nsend, 2);
	CHECK(!has(&f, AC_OPT_ROUTER));
	n = overloaded(buf, &k, 2, false);	/* file not read: no 53 */
	ac_dhcp_rx(d, 1000, buf, n);
	n = overloaded(buf, &k, 3, true);	/* 52 inside file */
	ac_dhcp_rx(d, 1000, buf, n);
	n = overloaded(buf, &k, 4, false);	/* no such value */
	ac_dhcp_rx(d, 1000, buf, n);
	CHECK_INT(f.nsend, 2);
	CHECK_INT(ac_dhcp_stats(d)->malformed, 3);
	ac_dhcp_free(d);
}

static void test_malformed(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d = server(&f, &c);
	struct cli k = client(1);
	uint8_t buf[1600], good[1500];
	size_t n = msg(good, &k, AC_DHCPDISCOVER, 0, 0), i, bad = 0;

	ac_dhcp_rx(d, 1000, good, 239);	/* short of the cookie */
	bad++;
	memcpy(buf, good, n);
	buf[236] ^= 1;	/* cookie */
	ac_dhcp_rx(d, 1000, buf, n);
	bad++;
	memcpy(buf, good, n);
	buf[0] = AC_BOOTREPLY;
	ac_dhcp_rx(d, 1000, buf, n);
	bad++;
	memcpy(buf, good, n);
	buf[2] = 16;	/* hlen */
	ac_dhcp_rx(d, 1000, buf, n);
	bad++;
	memcpy(buf, good, n);
	buf[1] = 6;	/* htype: IEEE 802 */
	ac_dhcp_rx(d, 1000, buf, n);
	bad++;
	memcpy(buf, good, n);
	buf[241] = 2;	/* option 53 of length 2 */
	ac_dhcp_rx(d, 1000, buf, n);
	bad++;
	memcpy(buf, good, n);
	buf[240] = 99;	/* 53 gone: an unknown option instead */
	ac_dhcp_rx(d, 1000, buf, n);
	bad++;
	memcpy(buf, good, n);
	buf[n - 1] = 12;	/* END becomes an option with no length */
	ac_dhcp_rx(d, 1000, buf, n);
	bad++;
	memcpy(buf, good, n);
	buf[n - 1] = 12;
	buf[n] = 5;	/* a length past the end */
	ac_dhcp_rx(d, 1000, buf, n + 1);
	bad++;
	{
		struct cli one = k;

		one.cid_len = 1;	/* a client-id needs a type and a byte */
		ac_dhcp_rx(d, 1000, buf, msg(buf, &one, AC_DHCPDISCOVER, 0, 0));
		bad++;
	}
	memset(buf, 0, sizeof(buf));
	memcpy(buf, good, n - 1);	/* 1501 bytes of PAD after the options */
	ac_dhcp_rx(d, 1000, buf, 1501);
	bad++;
	CHECK_INT(f.nsend, 0);
	CHECK_INT(ac_dhcp_stats(d)->malformed, bad);
	/* the same, 1500 bytes, is fine; and without END at the end */
	ac_dhcp_rx(d, 1000, buf, 1500);
	ac_dhcp_rx(d, 1000, good, n - 1);
	CHECK_INT(f.nsend, 2);
	for (i = 0; i < n; i++)	/* every truncation: no crash, counted */
		ac_dhcp_rx(d, 1000, good, i);
	CHECK(ac_dhcp_stats(d)->malformed + ac_dhcp_stats(d)->offer >= bad + n);
	ac_dhcp_free(d);
}

static void test_relayed(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d = server(&f, &c);
	struct cli k = client(1);
	uint8_t buf[1500];
	size_t n = msg(buf, &k, AC_DHCPDISCOVER, 0, 0);

	mc_put_u32(buf + 24, ip4("10.99.9.9"));	/* a relay of another net */
	ac_dhcp_rx(d, 1000, buf, n);
	CHECK_INT(f.nsend, 0);
	CHECK_INT(ac_dhcp_stats(d)->ignored, 1);
	mc_put_u32(buf + 24, ip4("10.13.9.9"));	/* one in the cloud: through it */
	ac_dhcp_rx(d, 1000, buf, n);
	CHECK_INT(f.nsend, 1);
	CHECK_INT(rtype(&f), AC_DHCPOFFER);
	CHECK(f.tx.relay);
	CHECK_INT(ntohl(f.tx.dst_ip.s_addr), ip4("10.13.9.9"));
	CHECK_INT(mc_get_u32(f.msg + 24), ip4("10.13.9.9"));	/* giaddr kept */
	buf[242] = AC_DHCPOFFER;	/* another server's message */
	mc_put_u32(buf + 24, 0);
	ac_dhcp_rx(d, 1000, buf, n);
	CHECK_INT(f.nsend, 1);
	CHECK_INT(ac_dhcp_stats(d)->ignored, 2);
	CHECK_INT(ac_dhcp_stats(d)->discover, 1);
	ac_dhcp_free(d);
}

static void test_max_size(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d;
	struct cli k = client(1);
	static const uint8_t prl[] = { 1, 3, 6, 15, 26 };

	memset(c.domain, 'd', 253);
	c.domain[253] = '\0';
	d = server(&f, &c);
	memcpy(k.prl, prl, sizeof(prl));
	k.prl_len = sizeof(prl);
	memset(k.cid, 0x77, 64);
	k.cid_len = 64;
	rx(d, 1000, &k, AC_DHCPDISCOVER, 0, 0);
	CHECK(f.len <= 576 - 28);
	CHECK(!has(&f, AC_OPT_DOMAIN));	/* 255 bytes more do not fit */
	CHECK(has(&f, AC_OPT_MTU) && has(&f, AC_OPT_DNS));	/* asked after, smaller */
	CHECK(has(&f, AC_OPT_LEASE) && has(&f, AC_OPT_T2));
	{
		uint8_t n;
		const uint8_t *v = ropt(&f, AC_OPT_CLIENT_ID, &n);	/* RFC 6842 */

		CHECK(v && n == 64 && !memcmp(v, k.cid, 64));
	}
	k.max_size = 300;	/* below the minimum: 576 */
	rx(d, 1000, &k, AC_DHCPDISCOVER, 0, 0);
	CHECK(f.len <= 576 - 28 && !has(&f, AC_OPT_DOMAIN));
	k.max_size = 1500;
	rx(d, 1000, &k, AC_DHCPDISCOVER, 0, 0);
	CHECK(has(&f, AC_OPT_DOMAIN) && f.len > 576 - 28 && f.len <= 1500 - 28);
	k.max_size = 600;
	rx(d, 1000, &k, AC_DHCPDISCOVER, 0, 0);
	CHECK(f.len <= 600 - 28 && !has(&f, AC_OPT_DOMAIN));
	ac_dhcp_free(d);
}

static void test_two_nodes(void)
{
	struct fake fa, fb;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *a = server(&fa, &c), *b;
	struct cli k = client(7);

	c.table_seed = 0x12345678;	/* each node's own seed: no matter */
	b = server(&fb, &c);
	for (int i = 0; i < 20; i++) {
		k.mac[4] = (uint8_t)i;
		rx(a, 1000, &k, AC_DHCPDISCOVER, 0, 0);
		rx(b, 1000, &k, AC_DHCPDISCOVER, 0, 0);
		CHECK_INT(fa.nsend, i + 1);
		CHECK_INT(yiaddr(&fa), yiaddr(&fb));
	}
	ac_dhcp_free(a);
	ac_dhcp_free(b);
}

static int count_lease(const struct ac_lease *l, void *user)
{
	(*(int *)user)++;
	return 0;
}

static void test_roaming(void)
{
	struct fake fa, fb;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *a = server(&fa, &c), *b = server(&fb, &c);
	struct cli k = client(1), o = client(2);
	uint32_t y = dora(a, &fa, 1000, &k);
	int n = 0;

	CHECK(y != 0);
	k.flags = 0;
	rx(b, 2000, &k, AC_DHCPREQUEST, 0, y);	/* INIT-REBOOT on node b */
	CHECK_INT(fb.nsend, 1);
	CHECK_INT(rtype(&fb), AC_DHCPACK);
	CHECK_INT(yiaddr(&fb), y);
	CHECK(fb.chg[0] == AC_LEASE_ADDED && fb.chl[0].bound);
	ac_dhcp_leases_foreach(b, count_lease, &n);
	CHECK_INT(n, 1);
	o.ciaddr = y;	/* another client renewing the same address at b */
	rx(b, 3000, &o, AC_DHCPREQUEST, 0, 0);
	CHECK_INT(rtype(&fb), AC_DHCPNAK);
	k.ciaddr = y + 5;	/* RENEWING an address b does not know, free */
	rx(b, 4000, &k, AC_DHCPREQUEST, 0, 0);
	CHECK_INT(rtype(&fb), AC_DHCPACK);
	CHECK(fb.chg[fb.nchg - 2] == AC_LEASE_RELEASED);	/* its old one here */
	CHECK_INT(ntohl(fb.chl[fb.nchg - 2].ip.s_addr), y);
	n = 0;
	ac_dhcp_leases_foreach(b, count_lease, &n);
	CHECK_INT(n, 1);
	ac_dhcp_free(a);
	ac_dhcp_free(b);
}

/* The conflict rule's part in the core: since_ms is the first bind,
 * renewals keep it; a revoked lease goes (EXPIRED) and the client's next
 * renew of it is NAKed when the cloud holds it for another client. */
static void test_revoke(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d = server(&f, &c);
	struct cli k = client(1);
	uint32_t y = dora(d, &f, 1000, &k);
	struct in_addr yi = { htonl(y) };

	CHECK(y != 0);
	CHECK(f.chl[f.nchg - 1].bound && f.chl[f.nchg - 1].since_ms == 1000);
	k.flags = 0;
	k.ciaddr = y;
	rx(d, 5000, &k, AC_DHCPREQUEST, 0, 0);		/* renewing */
	CHECK_INT(rtype(&f), AC_DHCPACK);
	CHECK(f.chg[f.nchg - 1] == AC_LEASE_RENEWED && f.chl[f.nchg - 1].since_ms == 1000);
	CHECK_INT(ac_dhcp_lease_revoke(d, 6000, yi), 0);
	CHECK(f.chg[f.nchg - 1] == AC_LEASE_EXPIRED);
	CHECK_INT(ac_dhcp_lease_revoke(d, 6000, yi), -ENOENT);
	f.held = y;		/* the cloud's winner */
	rx(d, 7000, &k, AC_DHCPREQUEST, 0, 0);
	CHECK_INT(rtype(&f), AC_DHCPNAK);
	f.nsend = 0;
	k.ciaddr = 0;
	rx(d, 8000, &k, AC_DHCPDISCOVER, 0, 0);		/* it starts over */
	CHECK_INT(rtype(&f), AC_DHCPOFFER);
	CHECK(yiaddr(&f) != y);
	ac_dhcp_free(d);
}

static void test_probe(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d;
	struct cli k = client(1);
	uint32_t x = ip4("10.13.100.69");

	c.probe_ms = 500;
	d = server(&f, &c);
	rx(d, 1000, &k, AC_DHCPDISCOVER, 0, 0);
	CHECK_INT(f.nsend, 0);
	CHECK_INT(f.nprobe, 1);
	CHECK_INT(f.probe[0], x);
	CHECK_INT(ac_dhcp_pool_used(d), 0);
	rx(d, 1100, &k, AC_DHCPDISCOVER, 0, 0);	/* repeated while probing */
	CHECK_INT(f.nprobe, 1);
	CHECK_INT(ac_dhcp_stats(d)->ignored, 1);
	ac_dhcp_probe_done(d, 1200, in4("10.13.100.69"), true);
	CHECK_INT(ac_dhcp_stats(d)->conflicts, 1);
	CHECK_INT(f.nprobe, 2);
	CHECK_INT(f.probe[1], second(&k));
	CHECK_INT(ac_dhcp_tick(d, 1200), 1700);
	CHECK_INT(ac_dhcp_tick(d, 1699), 1700);
	CHECK_INT(f.nsend, 0);
	CHECK_INT(ac_dhcp_tick(d, 1700), 1700 + AC_DHCP_OFFER_MS);
	CHECK_INT(f.nsend, 1);
	CHECK_INT(rtype(&f), AC_DHCPOFFER);
	CHECK_INT(yiaddr(&f), second(&k));
	CHECK_INT(mc_get_u32(f.msg + 4), k.xid);
	CHECK(f.chg[0] == AC_LEASE_ADDED && !f.chl[0].bound);
	ac_dhcp_probe_done(d, 1800, (struct in_addr){ htonl(second(&k)) }, true);	/* late: ignored */
	CHECK_INT(ac_dhcp_stats(d)->conflicts, 1);
	rx(d, 1900, &k, AC_DHCPREQUEST, ip4("10.13.0.1"), x + 1);
	CHECK_INT(rtype(&f), AC_DHCPACK);
	rx(d, 2000, &k, AC_DHCPDISCOVER, 0, 0);	/* has a lease: no probe */
	CHECK_INT(f.nprobe, 2);
	CHECK_INT(rtype(&f), AC_DHCPOFFER);
	CHECK_INT(yiaddr(&f), x + 1);
	k = client(2);	/* probe_done(in_use = false): offered at once */
	rx(d, 3000, &k, AC_DHCPDISCOVER, 0, 0);
	ac_dhcp_probe_done(d, 3010, in4("10.13.110.254"), false);
	CHECK_INT(rtype(&f), AC_DHCPOFFER);
	CHECK_INT(yiaddr(&f), ip4("10.13.110.254"));
	ac_dhcp_free(d);
}

/* A client that holds its address answers the probe itself: no conflict
 * (a roam, or a restart); anyone else's answer is one. */
static void test_probe_answer(void)
{
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d;
	struct cli k = client(1);
	uint32_t x = ip4("10.13.100.69");

	c.probe_ms = 500;
	d = server(&f, &c);
	rx(d, 1000, &k, AC_DHCPDISCOVER, 0, 0);
	CHECK_INT(f.probe[0], x);
	ac_dhcp_probe_answer(d, 1100, in4("10.13.100.69"), k.mac);
	CHECK_INT(ac_dhcp_stats(d)->conflicts, 0);
	CHECK_INT(rtype(&f), AC_DHCPOFFER);	/* at once, its own address */
	CHECK_INT(yiaddr(&f), x);
	k = client(2);
	rx(d, 2000, &k, AC_DHCPDISCOVER, 0, 0);
	ac_dhcp_probe_answer(d, 2100, in4(f.nprobe == 2 ? "10.13.110.254" : "0.0.0.0"), other);
	CHECK_INT(ac_dhcp_stats(d)->conflicts, 1);
	CHECK_INT(f.nprobe, 3);
	ac_dhcp_free(d);
}

static void test_exhaustion(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d;
	uint32_t seen = 0;

	c.plen = 29;
	c.reserved_plen = 0;
	d = server(&f, &c);
	CHECK_INT(ac_dhcp_pool_size(d), 5);	/* .1-.6 less the server */
	for (uint8_t i = 1; i <= 5; i++) {
		struct cli k = client(i);
		uint32_t y = dora(d, &f, 1000, &k);

		CHECK(y > ip4("10.13.0.1") && y <= ip4("10.13.0.6"));
		CHECK(!(seen & (1u << (y & 7))));
		seen |= 1u << (y & 7);
	}
	CHECK_INT(ac_dhcp_pool_used(d), 5);
	f.nsend = 0;
	f.nlog = 0;
	struct cli late = client(6);
	rx(d, 2000, &late, AC_DHCPDISCOVER, 0, 0);
	rx(d, 3000, &late, AC_DHCPDISCOVER, 0, 0);
	CHECK_INT(f.nsend, 0);
	CHECK_INT(ac_dhcp_stats(d)->exhausted, 2);
	CHECK_INT(f.nlog, 1);
	CHECK(strstr(f.log, "exhausted") != NULL);
	rx(d, 2000 + 60000, &late, AC_DHCPDISCOVER, 0, 0);
	CHECK_INT(f.nlog, 2);
	late.flags = 0;
	rx(d, 63000, &late, AC_DHCPREQUEST, 0, ip4("10.13.0.3"));
	CHECK_INT(rtype(&f), AC_DHCPNAK);
	ac_dhcp_free(d);
}

static void test_expiry(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d = server(&f, &c);
	struct cli a = client(1), b = client(2);
	uint32_t y;

	rx(d, 1000, &a, AC_DHCPDISCOVER, 0, 0);	/* an offer not taken */
	y = dora(d, &f, 2000, &b);
	CHECK(y != 0);
	CHECK_INT(ac_dhcp_tick(d, 2000), 1000 + AC_DHCP_OFFER_MS);
	CHECK_INT(ac_dhcp_pool_used(d), 2);
	CHECK_INT(ac_dhcp_tick(d, 1000 + AC_DHCP_OFFER_MS), 2000 + 3600000);
	CHECK_INT(ac_dhcp_pool_used(d), 1);
	CHECK(f.chg[f.nchg - 1] == AC_LEASE_EXPIRED && !f.chl[f.nchg - 1].bound);
	b.ciaddr = y;	/* renew at T1: the lease runs from now */
	rx(d, 2000 + 1800000, &b, AC_DHCPREQUEST, 0, 0);
	CHECK_INT(ac_dhcp_tick(d, 2000 + 3600000), 2000 + 1800000 + 3600000);
	CHECK_INT(ac_dhcp_pool_used(d), 1);
	CHECK(ac_dhcp_tick(d, 2000 + 1800000 + 3600000) == UINT64_MAX);
	CHECK_INT(ac_dhcp_pool_used(d), 0);
	CHECK(f.chg[f.nchg - 1] == AC_LEASE_EXPIRED && f.chl[f.nchg - 1].bound);
	ac_dhcp_free(d);
}

static bool lease_eq(const struct ac_lease *a, const struct ac_lease *b)
{
	return !memcmp(a->mac, b->mac, 6) && a->client_id_len == b->client_id_len &&
	       !memcmp(a->client_id, b->client_id, a->client_id_len) &&
	       a->ip.s_addr == b->ip.s_addr && !strcmp(a->hostname, b->hostname) &&
	       a->expires_ms == b->expires_ms && a->bound == b->bound;
}

static void test_lease_line(void)
{
	struct ac_lease l = { .mac = { 0x02, 0xaa, 0, 0, 0, 1 }, .client_id = { 1, 2, 0xab },
			      .client_id_len = 3, .hostname = "pc-1",
			      .expires_ms = 1767225600000ull, .bound = true }, p;
	char buf[AC_LEASE_LINE_MAX];
	static const char *const bad[] = {
		"", "1767225600 02:aa:00:00:00:01 10.13.1.2 pc-1", "x 02:aa:00:00:00:01 10.13.1.2 * *",
		"1 02:aa:00:00:00:01 10.13.1.2 * * ", "1  02:aa:00:00:00:01 10.13.1.2 * *",
		"1 02:aa:00:00:00:0 10.13.1.2 * *", "1 02:aa:00:00:00:01 10.13.1 * *",
		"1 02:aa:00:00:00:01 10.13.1.2 pc_1 *", "1 02:aa:00:00:00:01 10.13.1.2 * 1",
		"1 02:aa:00:00:00:01 10.13.1.2 * 01:0", "1 02:aa:00:00:00:01 10.13.1.2 * 01-02",
		"1 02:aa:00:00:00:01 10.13.1.2 * * bound", "1 02:aa:00:00:00:01 10.13.1.2 * * offered x",
		"99999999999999999999 02:aa:00:00:00:01 10.13.1.2 * *",
		"1 02:aa:00:00:00:01 10.13.1.2 -pc *",
	};

	l.ip = in4("10.13.1.2");
	CHECK_INT(ac_lease_format(&l, buf, sizeof(buf)), 0);
	CHECK_INT(ac_lease_format(&l, buf, 53), 0);	/* exactly the line and its NUL */
	CHECK_INT(ac_lease_format(&l, buf, 52), -ENOSPC);
	CHECK_INT(ac_lease_format(&l, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "1767225600 02:aa:00:00:00:01 10.13.1.2 pc-1 01:02:ab");
	CHECK_INT(ac_lease_parse(buf, &p), 0);
	CHECK(lease_eq(&p, &l));
	l.client_id_len = 0;
	l.hostname[0] = '\0';
	l.bound = false;
	memset(l.client_id, 0, sizeof(l.client_id));
	CHECK_INT(ac_lease_format(&l, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "1767225600 02:aa:00:00:00:01 10.13.1.2 * * offered");
	CHECK_INT(ac_lease_parse(buf, &p), 0);
	CHECK(lease_eq(&p, &l));
	CHECK_INT(ac_lease_format(&l, buf, 20), -ENOSPC);
	strcpy(l.hostname, "a b");
	CHECK_INT(ac_lease_format(&l, buf, sizeof(buf)), -EINVAL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ac_lease_parse(bad[i], &p) != -EINVAL) {
			fprintf(stderr, "parsed: \"%s\"\n", bad[i]);
			CHECK(0);
		}
}

static void test_restore(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp *d = server(&f, &c);
	struct ac_lease l;
	struct cli k = client(1), o = client(2);
	int n = 0;

	CHECK_INT(ac_lease_parse("1000 02:00:00:00:00:01 10.13.5.5 pc *", &l), 0);
	CHECK_INT(ac_dhcp_lease_restore(d, 1000 * 1000, &l), -ESTALE);
	CHECK_INT(ac_dhcp_lease_restore(d, 999 * 1000, &l), 0);
	ac_dhcp_leases_foreach(d, count_lease, &n);
	CHECK_INT(n, 1);
	CHECK_INT(f.nchg, 0);
	rx(d, 2000, &k, AC_DHCPDISCOVER, 0, 0);
	CHECK_INT(yiaddr(&f), ip4("10.13.5.5"));
	CHECK_INT(ac_dhcp_tick(d, 2000), 1000 * 1000);
	CHECK_INT(ac_lease_parse("1000 02:00:00:00:00:02 10.13.5.5 * *", &l), 0);
	CHECK_INT(ac_dhcp_lease_restore(d, 0, &l), -EEXIST);
	CHECK_INT(ac_lease_parse("1000 02:00:00:00:00:02 10.14.5.5 * *", &l), 0);
	CHECK_INT(ac_dhcp_lease_restore(d, 0, &l), -EINVAL);
	CHECK_INT(ac_lease_parse("1000 02:00:00:00:00:02 10.13.250.1 * *", &l), 0);
	CHECK_INT(ac_dhcp_lease_restore(d, 0, &l), -EINVAL);
	CHECK_INT(ac_lease_parse("1000 02:00:00:00:00:02 10.13.0.1 * *", &l), 0);
	CHECK_INT(ac_dhcp_lease_restore(d, 0, &l), -EINVAL);
	o.flags = 0;	/* the restored lease is taken: NAK another client */
	rx(d, 3000, &o, AC_DHCPREQUEST, 0, ip4("10.13.5.5"));
	CHECK_INT(rtype(&f), AC_DHCPNAK);
	ac_dhcp_free(d);
}

static void test_config(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp_env env = { .user = &f, .send = f_send };
	struct ac_dhcp *d = NULL;

	c.plen = 31;
	CHECK_INT(ac_dhcp_new(&d, &c, &env), -EINVAL);
	c = cfg_default();
	c.lease_s = 0;
	CHECK_INT(ac_dhcp_new(&d, &c, &env), -EINVAL);
	c = cfg_default();
	c.probe_ms = 100;	/* no probe callback */
	CHECK_INT(ac_dhcp_new(&d, &c, &env), -EINVAL);
	c = cfg_default();
	memset(c.domain, 'x', sizeof(c.domain));
	CHECK_INT(ac_dhcp_new(&d, &c, &env), -EINVAL);
	c = cfg_default();
	CHECK_INT(ac_dhcp_new(&d, &c, &env), 0);	/* optional callbacks NULL */
	struct cli k = client(1);
	CHECK(dora(d, &f, 1, &k) != 0);
	ac_dhcp_free(d);
}

/* LibreMesh's anygw_dhcp_start/_limit: only the window is handed out,
 * a request outside it gets an address inside, and the window must fit
 * in the prefix before its broadcast. */
static void test_pool_window(void)
{
	struct fake f;
	struct ac_dhcp_config c = cfg_default();
	struct ac_dhcp_env env = { .user = &f, .send = f_send };
	struct ac_dhcp *d = NULL;

	c.reserved_plen = 0;
	c.pool_start = 100;
	c.pool_limit = 8;	/* 10.13.0.100 .. 10.13.0.107 */
	d = server(&f, &c);
	CHECK_INT(ac_dhcp_pool_size(d), 8);
	for (uint8_t i = 1; i <= 8; i++) {
		struct cli k = client(i);
		uint32_t y = dora(d, &f, 1000, &k);

		CHECK(y >= ip4("10.13.0.100") && y <= ip4("10.13.0.107"));
	}
	CHECK_INT(ac_dhcp_pool_used(d), 8);
	struct cli late = client(9);
	CHECK_INT(dora(d, &f, 2000, &late), 0);	/* full */
	ac_dhcp_free(d);

	/* limit 0: to the address before the broadcast; a wish outside is
	 * not granted */
	c = cfg_default();
	c.reserved_plen = 0;
	c.plen = 24;
	c.pool_start = 200;
	d = server(&f, &c);
	CHECK_INT(ac_dhcp_pool_size(d), 55);	/* .200 .. .254 */
	struct cli k = client(1);
	rx(d, 1000, &k, AC_DHCPDISCOVER, 0, ip4("10.13.0.20"));
	CHECK_INT(f.nsend, 1);
	uint32_t y = yiaddr(&f);
	CHECK(y >= ip4("10.13.0.200") && y <= ip4("10.13.0.254"));
	ac_dhcp_free(d);

	c.pool_start = 255;	/* the broadcast */
	CHECK_INT(ac_dhcp_new(&d, &c, &env), -EINVAL);
	c.pool_start = 250;
	c.pool_limit = 6;	/* .250 .. .255 */
	CHECK_INT(ac_dhcp_new(&d, &c, &env), -EINVAL);
	c.pool_limit = 5;
	CHECK_INT(ac_dhcp_new(&d, &c, &env), 0);
	ac_dhcp_free(d);
}

/* ---- the fuzzer's seeds ---- */

static void put(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (!fp || fwrite(p, 1, n, fp) != n)
		perror(path);
	if (fp)
		fclose(fp);
}

static void write_corpus(const char *dir)
{
	static const uint8_t prl[] = { 1, 3, 6, 15, 26, 28, 51, 58, 59 };
	uint8_t buf[1500];
	struct cli k = client(1);
	const char *line = "1767225600 02:aa:00:00:00:01 10.13.1.2 pc-1 01:02:ab";

	memcpy(k.prl, prl, sizeof(prl));
	k.prl_len = sizeof(prl);
	k.host = "laptop";
	k.cid[0] = 1;
	memcpy(k.cid + 1, k.mac, 6);
	k.cid_len = 7;
	put(dir, "01-discover.bin", buf, msg(buf, &k, AC_DHCPDISCOVER, 0, 0));
	put(dir, "02-request-selecting.bin", buf,
	    msg(buf, &k, AC_DHCPREQUEST, ip4("10.13.0.1"), ip4("10.13.39.180")));
	put(dir, "03-request-init-reboot.bin", buf,
	    msg(buf, &k, AC_DHCPREQUEST, 0, ip4("10.13.39.180")));
	k.ciaddr = ip4("10.13.39.180");
	put(dir, "04-request-renewing.bin", buf, msg(buf, &k, AC_DHCPREQUEST, 0, 0));
	put(dir, "05-release.bin", buf, msg(buf, &k, AC_DHCPRELEASE, ip4("10.13.0.1"), 0));
	put(dir, "06-inform.bin", buf, msg(buf, &k, AC_DHCPINFORM, 0, 0));
	k.ciaddr = 0;
	k.max_size = 1500;
	put(dir, "07-decline.bin", buf,
	    msg(buf, &k, AC_DHCPDECLINE, ip4("10.13.0.1"), ip4("10.13.39.180")));
	put(dir, "08-discover-overload.bin", buf, overloaded(buf, &k, 3, false));
	put(dir, "09-lease-line.txt", (const uint8_t *)line, strlen(line));
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		write_corpus(argv[1]);
		return 0;
	}
	RUN(test_hash_pinned);
	RUN(test_key_kinds);
	RUN(test_discover_wants);
	RUN(test_dora);
	RUN(test_request_states);
	RUN(test_other_server);
	RUN(test_nak);
	RUN(test_release_decline);
	RUN(test_inform);
	RUN(test_prl);
	RUN(test_overload);
	RUN(test_malformed);
	RUN(test_relayed);
	RUN(test_max_size);
	RUN(test_two_nodes);
	RUN(test_roaming);
	RUN(test_revoke);
	RUN(test_probe);
	RUN(test_probe_answer);
	RUN(test_exhaustion);
	RUN(test_expiry);
	RUN(test_lease_line);
	RUN(test_restore);
	RUN(test_config);
	RUN(test_pool_window);
	return check_exit();
}
