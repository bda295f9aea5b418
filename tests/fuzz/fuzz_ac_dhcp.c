/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz anycastd's DHCPv4 core with whole UDP payloads: a fresh server on
 * a /24 (so a few inputs reach the end of the pool) hears the input
 * twice, answers its probes, and runs its clock past offers and leases.
 * Every reply must be a BOOTREPLY with the cookie, options that end in
 * END inside the message, and no longer than the client's option 57 (or
 * 576) allows; every input is counted once. The same bytes go through
 * ac_lease_parse: a line it takes must format to a line that parses to
 * the same lease. Any difference abort()s.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "anycast/core/dhcp.h"
#include "anycast/core/dhcp_packet.h"
#include "common/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) abort(); } while (0)

struct fz {
	size_t limit;		/* the largest reply the input's sender takes */
	unsigned sent, probes;
	struct in_addr probe[8];
};

static void opts_well_formed(const uint8_t *p, size_t len)
{
	size_t i = AC_DHCP_MIN_LEN;

	for (;;) {
		ENSURE(i < len);
		if (p[i] == AC_OPT_END)
			return;
		if (p[i] == AC_OPT_PAD) {
			i++;
			continue;
		}
		ENSURE(i + 1 < len && i + 2 + p[i + 1] <= len);
		i += 2u + p[i + 1];
	}
}

static void fz_send(void *user, const struct ac_dhcp_tx *tx)
{
	struct fz *f = user;

	f->sent++;
	ENSURE(tx->len >= AC_DHCP_MIN_LEN && tx->len <= f->limit);
	ENSURE(tx->msg[0] == AC_BOOTREPLY);
	ENSURE(mc_get_u32(tx->msg + AC_BOOTP_HDR_LEN) == AC_DHCP_COOKIE);
	opts_well_formed(tx->msg, tx->len);
}

static void fz_probe(void *user, struct in_addr ip)
{
	struct fz *f = user;

	if (f->probes < 8)
		f->probe[f->probes] = ip;
	f->probes++;
}

static void fz_changed(void *user, enum ac_lease_change what, const struct ac_lease *l)
{
	char line[AC_LEASE_LINE_MAX];
	struct ac_lease back;

	/* whatever the core records, the state file can hold and give back */
	ENSURE(ac_lease_format(l, line, sizeof(line)) == 0);
	ENSURE(ac_lease_parse(line, &back) == 0);
	ENSURE(back.ip.s_addr == l->ip.s_addr && !memcmp(back.mac, l->mac, 6));
}

static int in_net(const struct ac_lease *l, void *user)
{
	ENSURE((ntohl(l->ip.s_addr) & 0xffffff00u) == 0x0a0d0000u);
	return 0;
}

/* Each input is counted by its type, as malformed, or as ignored (a
 * relay's, a server's); a handler may count it ignored besides. */
static void counted_once(const struct ac_dhcp_stats *s, uint64_t n)
{
	uint64_t typed = s->discover + s->request + s->decline + s->release +
			 s->inform + s->malformed;

	ENSURE(typed <= n && typed + s->ignored >= n);
}

static void fuzz_server(const uint8_t *data, size_t size)
{
	struct fz f = { .limit = AC_DHCP_DGRAM_MIN - AC_DHCP_IPUDP_LEN };
	struct ac_dhcp_config cfg = { .plen = 24, .lease_s = 3600, .mtu = 1350,
				      .domain = "lan", .probe_ms = 100 };
	struct ac_dhcp_env env = { .user = &f, .send = fz_send, .probe = fz_probe,
				   .lease_changed = fz_changed };
	struct ac_dhcp_msg m;
	struct ac_dhcp *d;

	cfg.server.s_addr = htonl(0x0a0d0001u);
	cfg.net.s_addr = htonl(0x0a0d0000u);
	if (ac_dhcp_msg_decode(&m, data, size) == 0)
		f.limit = ac_dhcp_msg_limit(&m, AC_DHCP_MSG_MAX - AC_DHCP_IPUDP_LEN);
	ENSURE(ac_dhcp_new(&d, &cfg, &env) == 0);
	ac_dhcp_rx(d, 1000, data, size);
	for (unsigned i = 0; i < f.probes && i < 8; i++)
		ac_dhcp_probe_done(d, 1010, f.probe[i], size & 1);
	ac_dhcp_rx(d, 1050, data, size);
	counted_once(ac_dhcp_stats(d), 2);
	ENSURE(ac_dhcp_tick(d, 2000) > 2000);
	ENSURE(ac_dhcp_pool_used(d) <= ac_dhcp_pool_size(d));
	ac_dhcp_leases_foreach(d, in_net, NULL);
	ac_dhcp_tick(d, 70000);
	ac_dhcp_tick(d, 10000000);
	ENSURE(ac_dhcp_pool_used(d) == 0);
	ac_dhcp_free(d);
}

static void fuzz_line(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), a[AC_LEASE_LINE_MAX], b[AC_LEASE_LINE_MAX];
	struct ac_lease l, l2;

	ENSURE(s);
	memcpy(s, data, size);
	s[size] = '\0';
	if (ac_lease_parse(s, &l) == 0) {
		ENSURE(ac_lease_format(&l, a, sizeof(a)) == 0);
		ENSURE(ac_lease_parse(a, &l2) == 0);
		ENSURE(ac_lease_format(&l2, b, sizeof(b)) == 0 && !strcmp(a, b));
	} else {
		ENSURE(ac_lease_parse(s, &l) == -EINVAL);
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_server(data, size);
	fuzz_line(data, size);
	return 0;
}
