/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l3routed's identity on disk (l3route/shell/keys.c): the key file is made
 * once, 0600 in 0700 directories, and read back to the same key; a key
 * others may read, one of the wrong size, or a directory in its place is
 * refused; the description seqno starts above both the kept one and the
 * clock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "l3route/shell/l3routed.h"
#include "tests/unit/check.h"

static char dir[] = "/tmp/l3keys-XXXXXX";

static void path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static mode_t mode_of(const char *p)
{
	struct stat st;

	return stat(p, &st) < 0 ? (mode_t)-1 : st.st_mode & 07777;
}

static void write_file(const char *p, const void *b, size_t len, mode_t mode)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);

	CHECK(fd >= 0);
	CHECK((size_t)write(fd, b, len) == len);
	close(fd);
	chmod(p, mode);
}

static void test_create_and_reload(void)
{
	uint8_t sk1[L3_SK_LEN], sk2[L3_SK_LEN];
	char key[256], sub[256];

	path(key, sizeof(key), "a/b/node.key");
	path(sub, sizeof(sub), "a/b");
	CHECK_INT(l3sh_key_load(key, sk1), 0);
	CHECK_INT(mode_of(key), 0600);
	CHECK_INT(mode_of(sub), 0700);
	CHECK_INT(l3sh_key_load(key, sk2), 0);
	CHECK(!memcmp(sk1, sk2, sizeof(sk1)));		/* the same identity again */
	CHECK(sodium_is_zero(sk1, sizeof(sk1)) == 0);
}

static void test_refusals(void)
{
	uint8_t seed[32] = { 1 }, sk[L3_SK_LEN];
	char key[256];

	path(key, sizeof(key), "open.key");
	write_file(key, seed, sizeof(seed), 0644);
	CHECK_INT(l3sh_key_load(key, sk), -EPERM);
	path(key, sizeof(key), "long.key");
	write_file(key, seed, sizeof(seed) - 1, 0600);
	CHECK_INT(l3sh_key_load(key, sk), -EINVAL);
	path(key, sizeof(key), "adir.key");
	CHECK(mkdir(key, 0700) == 0);
	CHECK_INT(l3sh_key_load(key, sk), -EINVAL);
	/* a valid seed file gives the key libsodium derives from it */
	path(key, sizeof(key), "good.key");
	write_file(key, seed, sizeof(seed), 0600);
	CHECK_INT(l3sh_key_load(key, sk), 0);
	{
		uint8_t pk[32], want[L3_SK_LEN];

		crypto_sign_seed_keypair(pk, want, seed);
		CHECK(!memcmp(sk, want, sizeof(sk)));
	}
}

static void test_dseq(void)
{
	char st[256];

	path(st, sizeof(st), "node.key.dseq");
	CHECK_INT(l3sh_dseq_start(st, 1000), 1000);		/* no file: the clock */
	l3sh_dseq_write(st, 5000);
	CHECK_INT(mode_of(st), 0600);
	CHECK_INT(l3sh_dseq_start(st, 1000), 5001);		/* clock went back */
	CHECK_INT(l3sh_dseq_start(st, 9000), 9000);		/* file older than clock */
	CHECK_INT(l3sh_dseq_start(st, 0), 5001);
	l3sh_dseq_write(st, 0);
	CHECK_INT(l3sh_dseq_start(st, 0), 1);			/* never 0 */
}

int main(void)
{
	char cmd[300];
	int rc;

	if (sodium_init() < 0 || !mkdtemp(dir))
		return 1;
	umask(022);
	RUN(test_create_and_reload);
	RUN(test_refusals);
	RUN(test_dseq);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	rc = check_exit();
	if (system(cmd) != 0)
		return 1;
	return rc;
}
