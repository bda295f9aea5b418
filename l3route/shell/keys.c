/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The node's identity on disk (doc/l3routed.md): a 32-byte ed25519 seed in
 * the l3_key file, made at first start, and the description seqno kept in
 * "<l3_key>.dseq" so that a restarted node's descriptions are newer than
 * any it sent before. The secret never reaches a log line.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/log.h"
#include "common/sys.h"
#include "l3route/shell/l3routed.h"

#define KEY_SEED_LEN 32

/* mkdir -p for the key's directory; directories made here are 0700. */
static int mkdirs(const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int parent_dir(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (!slash || n == 0 || n >= len)
		return -EINVAL;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return 0;
}

/* Writes len bytes to path through a temporary file, mode 0600. */
int l3sh_write_private(const char *path, const void *p, size_t len)
{
	char tmp[PATH_MAX];
	int fd, rc = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, p, len) != (ssize_t)len || fsync(fd) < 0)
		rc = errno ? -errno : -EIO;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

static int key_create(const char *path, uint8_t seed[KEY_SEED_LEN])
{
	char dir[PATH_MAX];
	int rc;

	if ((rc = parent_dir(path, dir, sizeof(dir))) < 0 || (rc = mkdirs(dir)) < 0) {
		log_err("key file %s: cannot make its directory: %s", path, strerror(-rc));
		return rc;
	}
	randombytes_buf(seed, KEY_SEED_LEN);
	if ((rc = l3sh_write_private(path, seed, KEY_SEED_LEN)) < 0) {
		log_err("key file %s: cannot write: %s", path, strerror(-rc));
		return rc;
	}
	log_notice("created a new node key in %s", path);
	return 0;
}

/* Reads an existing key; refuses one others may read or of the wrong size. */
static int key_read(const char *path, int fd, uint8_t seed[KEY_SEED_LEN])
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode)) {
		log_err("key file %s is not a regular file", path);
		return -EINVAL;
	}
	if (st.st_mode & 077) {
		log_err("key file %s has mode %04o: group and others must have no "
			"access (chmod 600 %s)", path, (unsigned)(st.st_mode & 07777), path);
		return -EPERM;
	}
	if (st.st_size != KEY_SEED_LEN) {
		log_err("key file %s is %lld bytes; expected a %d-byte ed25519 seed",
			path, (long long)st.st_size, KEY_SEED_LEN);
		return -EINVAL;
	}
	if (read(fd, seed, KEY_SEED_LEN) != KEY_SEED_LEN) {
		log_err("key file %s: short read", path);
		return -EIO;
	}
	return 0;
}

int l3sh_key_load(const char *path, uint8_t sk[L3_SK_LEN])
{
	uint8_t seed[KEY_SEED_LEN], pk[crypto_sign_PUBLICKEYBYTES];
	int fd, rc;

	if (sodium_init() < 0)
		return -EIO;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT) {
		rc = -errno;
		log_err("key file %s: %s", path, strerror(-rc));
		return rc;
	}
	if (fd < 0) {
		rc = key_create(path, seed);
	} else {
		rc = key_read(path, fd, seed);
		close(fd);
	}
	if (rc == 0)
		crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

/*
 * The first description seqno: one more than the last one kept, and at
 * least the current unix time in seconds. The file covers a clock that
 * went back; the clock covers a lost file (and a crash between a new
 * description and its write here), as long as the node made fewer new
 * descriptions than seconds passed.
 */
uint32_t l3sh_dseq_start(const char *state_path, uint64_t unix_s)
{
	uint64_t start = unix_s > UINT32_MAX - 1 ? UINT32_MAX - 1 : unix_s;
	uint32_t prev;

	if (mc_file_read_u32(state_path, &prev) == 0 && prev < UINT32_MAX &&
	    (uint64_t)prev + 1 > start)
		start = (uint64_t)prev + 1;
	return start ? (uint32_t)start : 1;
}

void l3sh_dseq_write(const char *state_path, uint32_t dseq)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%u\n", dseq), rc;

	if ((rc = l3sh_write_private(state_path, buf, (size_t)n)) < 0)
		log_warn("%s: %s (a restart may reuse a description seqno)", state_path,
			 strerror(-rc));
}

/* Letters, digits and '-' (a hostname or hex id prefix), or "auto". */
bool l3sh_prefer_ok(const char *s)
{
	if (!*s || strlen(s) > L3_HOSTNAME_MAX + 1)
		return false;
	for (; *s; s++)
		if (!(*s == '-' || (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z')))
			return false;
	return true;
}

int l3sh_prefer_read(const char *path, char *line, size_t len)
{
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	if (!fgets(line, (int)len, f))
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	return l3sh_prefer_ok(line) ? 0 : -EINVAL;
}
