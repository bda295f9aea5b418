/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Corpus-replay driver for fuzz harnesses when libFuzzer is not linked
 * (gcc builds, and the `fuzz` test suite's smoke run). Each argument is a
 * file or a directory of files; every file is fed to the harness once,
 * then a fixed number of deterministic mutations of it, so the smoke run
 * goes beyond the seeds without being flaky.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MUTATIONS 2000
#define FUZZ_INPUT_MAX (1u << 20)

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void mutate(uint8_t *buf, size_t *len, size_t cap)
{
	switch (next_rand() % 4) {
	case 0:	/* flip a byte */
		if (*len)
			buf[next_rand() % *len] ^= (uint8_t)(1 + next_rand() % 255);
		break;
	case 1:	/* truncate */
		if (*len)
			*len = next_rand() % *len;
		break;
	case 2:	/* insert a byte */
		if (*len < cap) {
			size_t at = *len ? next_rand() % *len : 0;
			memmove(buf + at + 1, buf + at, *len - at);
			buf[at] = (uint8_t)next_rand();
			(*len)++;
		}
		break;
	default: /* set a byte to an edge value */
		if (*len) {
			static const uint8_t edge[] = { 0, 1, 0x7f, 0x80, 0xff, '\n', '\'', '"' };
			buf[next_rand() % *len] = edge[next_rand() % sizeof(edge)];
		}
		break;
	}
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	uint8_t *seed = malloc(FUZZ_INPUT_MAX);
	uint8_t *work = malloc(FUZZ_INPUT_MAX + 64);
	size_t len = fread(seed, 1, FUZZ_INPUT_MAX, f);
	fclose(f);

	LLVMFuzzerTestOneInput(seed, len);
	for (int i = 0; i < MUTATIONS; i++) {
		size_t wlen = len;
		memcpy(work, seed, len);
		for (int k = 0; k < 1 + (int)(next_rand() % 4); k++)
			mutate(work, &wlen, FUZZ_INPUT_MAX + 64);
		/* an exact-size heap copy so ASan sees any over-read */
		uint8_t *exact = malloc(wlen ? wlen : 1);
		memcpy(exact, work, wlen);
		LLVMFuzzerTestOneInput(exact, wlen);
		free(exact);
	}
	free(seed);
	free(work);
	return 0;
}

static int run_path(const char *path, int *count)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char sub[4096];
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (run_path(sub, count) < 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	int count = 0, rc = 0;

	for (int i = 1; i < argc; i++)
		if (run_path(argv[i], &count) < 0)
			rc = 1;
	if (!count) {
		fprintf(stderr, "no corpus files\n");
		return 1;
	}
	printf("replayed %d seeds x %d mutations\n", count, MUTATIONS + 1);
	return rc;
}
