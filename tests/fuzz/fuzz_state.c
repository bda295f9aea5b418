/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemons' state files, read by the very functions they start with.
 * The first input byte picks the file, the rest is its content (written to
 * a file in a private directory, as the daemon would find it):
 *   0  kept seqnos (l2meshd.seqno): mc_file_read_u32s and mc_file_read_u32,
 *      checked against strtoull's reading of the same text;
 *   1  l3routed's description seqno (<l3_key>.dseq): l3sh_dseq_start,
 *      never below the clock nor 0, one past a readable kept value;
 *   2  l3routed's key (l3_key): l3sh_key_load takes exactly a 32-byte
 *      seed from a file only its owner may read (bit 7 of the first byte:
 *      mode 0644, which must be refused), and the key it gives signs;
 *   3  the gateway preference (<l3_key>.gwprefer): l3sh_prefer_read, and
 *      what it takes the core takes too (l3_gw_prefer on a node);
 *   4  anycastd's leases: ac_leases_read into a DHCP server; every lease
 *      restored is in the pool and formats to a line that parses back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <sodium.h>

#include "anycast/core/dhcp.h"
#include "common/sys.h"
#include "l3route/core/l3.h"
#include "l3route/shell/l3routed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* stderr is /dev/null while a reader runs: failures go to the real one */
static FILE *err_out;
#define ENSURE(c) do { if (!(c)) { \
	fprintf(err_out ? err_out : stderr, "fuzz_state.c:%d: %s\n", __LINE__, #c); \
	abort(); } } while (0)

static char dir[] = "/tmp/fuzz_state.XXXXXX", path[128];
static struct l3_node *l3;
static FILE *devnull;

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

static void nosend(void *u, unsigned i, const struct in6_addr *d, const uint8_t *p, size_t n)
{
}

static void noroute(void *u, bool add, const struct l3_kroute *r)
{
}

static void fixed_random(void *u, void *buf, size_t len)
{
	memset(buf, 0x42, len);
}

static void setup(void)
{
	struct l3_env env = { .send = nosend, .route = noroute, .random = fixed_random };
	struct l3_config cfg;
	uint8_t seed[32], pk[L3_PK_LEN];

	ENSURE(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state", dir);
	atexit(cleanup);
	devnull = fopen("/dev/null", "w");
	ENSURE(devnull);
	ENSURE(sodium_init() >= 0);
	l3_config_defaults(&cfg);
	memset(seed, 7, sizeof(seed));
	l3_key_from_seed(seed, pk, cfg.sk);
	cfg.chain_len = 2;
	l3 = l3_node_new(&cfg, &env, 1000);
	ENSURE(l3);
}

static void write_file(const uint8_t *p, size_t n, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ENSURE(fd >= 0);
	ENSURE(write(fd, p, n) == (ssize_t)n);
	ENSURE(fchmod(fd, mode) == 0);
	close(fd);
}

/* The text up to the first NUL, as a C string (fscanf stops there too). */
static char *text_of(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	memcpy(s, p, n);
	s[n] = 0;
	return s;
}

/* mc_file_read_u32s against strtoull's reading of the same text, number
 * by number (up to 3, l2meshd.seqno holds 2); mc_file_read_u32 is the first */
static void check_u32(const uint8_t *p, size_t n)
{
	char *s = text_of(p, n), *at = s, *end;
	unsigned long long want[3];
	uint32_t v[3] = { 0 }, one = 0;
	int rc = mc_file_read_u32s(path, v, 3), rc1 = mc_file_read_u32(path, &one);
	int good = 0;
	bool over = false;

	while (good < 3) {
		errno = 0;
		want[good] = strtoull(at, &end, 10);
		if (end == at)
			break;
		at = end;
		if (want[good] > UINT32_MAX) {
			over = true;
			break;
		}
		good++;
	}
	ENSURE(rc > 0 || rc == -EINVAL);
	ENSURE(rc1 == 0 || rc1 == -EINVAL);
	if (over || good == 0) {
		ENSURE(rc == -EINVAL);
	} else {
		ENSURE(rc == good);
		for (int i = 0; i < good; i++)
			ENSURE(v[i] == want[i]);
	}
	ENSURE((rc1 == 0) == (good > 0));
	ENSURE(rc1 < 0 || one == want[0]);
	free(s);
}

static void check_dseq(const uint8_t *p, size_t n)
{
	uint64_t clock_s = n ? (uint64_t)p[0] * 1000 : 0;
	uint32_t kept = 0, got = l3sh_dseq_start(path, clock_s);
	bool have = mc_file_read_u32(path, &kept) == 0 && kept < UINT32_MAX;
	uint64_t want = clock_s;

	if (have && (uint64_t)kept + 1 > want)
		want = (uint64_t)kept + 1;
	ENSURE(got == (want ? want : 1));
}

static void check_key(const uint8_t *p, size_t n, bool open_mode)
{
	uint8_t sk[L3_SK_LEN], pk[32], sig[64];
	int rc = l3sh_key_load(path, sk);

	if (open_mode) {
		ENSURE(rc == -EPERM);
		return;
	}
	ENSURE(rc == (n == 32 ? 0 : -EINVAL));
	if (rc < 0)
		return;
	crypto_sign_seed_keypair(pk, sk, p);
	ENSURE(!memcmp(sk + 32, pk, 32));
	crypto_sign_detached(sig, NULL, p, n, sk);
	ENSURE(crypto_sign_verify_detached(sig, p, n, pk) == 0);
}

static void check_prefer(void)
{
	char line[80];
	int rc = l3sh_prefer_read(path, line, sizeof(line));

	ENSURE(rc == 0 || rc == -EINVAL);
	ENSURE(strlen(line) < sizeof(line) && !strpbrk(line, "\r\n"));
	if (rc < 0)
		return;
	/* what the file may hold, the core takes (l3sh_prefer_load puts it in
	 * the config, where nothing checks it again) */
	ENSURE(l3_gw_prefer(l3, line, 1000) == 0);
	ENSURE(!strcmp(l3_gw_preferred(l3), strcmp(line, "auto") ? line : ""));
}

static void lease_send(void *u, const struct ac_dhcp_tx *tx)
{
}

static void lease_probe(void *u, struct in_addr ip)
{
}

static int lease_ok(const struct ac_lease *l, void *user)
{
	char line[AC_LEASE_LINE_MAX];
	struct ac_lease back;

	ENSURE((ntohl(l->ip.s_addr) & 0xffffff00u) == 0x0a0d0000u);
	ENSURE(ac_lease_format(l, line, sizeof(line)) == 0);
	ENSURE(ac_lease_parse(line, &back) == 0);
	ENSURE(!memcmp(back.mac, l->mac, 6) && back.ip.s_addr == l->ip.s_addr);
	(*(unsigned *)user)++;
	return 0;
}

static void count_bad(void *user, unsigned lineno)
{
	ENSURE(lineno > 0);
	(*(unsigned *)user)++;
}

static void check_leases(const uint8_t *p, size_t n)
{
	struct ac_dhcp_config cfg = { .plen = 24, .lease_s = 3600, .mtu = 1350,
				      .domain = "lan", .probe_ms = 100 };
	struct ac_dhcp_env env = { .send = lease_send, .probe = lease_probe };
	unsigned restored, bad = 0, seen = 0, lines = 0;
	struct ac_dhcp *d;
	FILE *f;

	cfg.server.s_addr = htonl(0x0a0d0001u);
	cfg.net.s_addr = htonl(0x0a0d0000u);
	ENSURE(ac_dhcp_new(&d, &cfg, &env) == 0);
	f = fopen(path, "re");
	ENSURE(f);
	restored = ac_leases_read(d, f, 500000, count_bad, &bad);
	fclose(f);
	for (size_t i = 0; i < n; i++)
		lines += p[i] == '\n';
	/* fgets cuts a line longer than its buffer into more lines */
	ENSURE(restored + bad <= lines + 1 + n / AC_LEASE_LINE_MAX);
	ENSURE(ac_dhcp_pool_used(d) <= ac_dhcp_pool_size(d));
	ac_dhcp_leases_foreach(d, lease_ok, &seen);
	ENSURE(seen <= restored);	/* a client restored twice holds one lease */
	ac_dhcp_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data + 1;
	size_t n = size ? size - 1 : 0;
	FILE *err = stderr;

	err_out = err;
	if (!size)
		return 0;
	if (!l3)
		setup();
	stderr = devnull;	/* the readers' log lines */
	switch (data[0] % 5) {
	case 0:
		write_file(p, n, 0600);
		check_u32(p, n);
		break;
	case 1:
		write_file(p, n, 0600);
		check_dseq(p, n);
		break;
	case 2:
		write_file(p, n, data[0] & 0x80 ? 0644 : 0600);
		check_key(p, n, data[0] & 0x80);
		break;
	case 3:
		write_file(p, n, 0600);
		check_prefer();
		break;
	default:
		write_file(p, n, 0600);
		check_leases(p, n);
		break;
	}
	stderr = err;
	return 0;
}
