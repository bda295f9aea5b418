/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The local TT state file's format (l2mesh/shell/ttkeep.c). */
#include <errno.h>
#include <string.h>

#include "l2mesh/shell/ttkeep.h"
#include "tests/unit/check.h"

struct got {
	struct l2sh_ttkeep_entry e[4];
	unsigned k;
};

static int collect(const struct l2sh_ttkeep_entry *e, void *user)
{
	struct got *g = user;

	if (g->k < 4)
		g->e[g->k] = *e;
	g->k++;
	return 0;
}

static int read_str(const char *s, struct got *g)
{
	memset(g, 0, sizeof(*g));
	return l2sh_ttkeep_read(s, strlen(s), collect, g);
}

static void round_trip(void)
{
	struct l2sh_ttkeep_entry a = { { 0x02, 0xab, 0, 0, 0x01, 0xff }, 0, 0x0010, 12345, 0 };
	struct l2sh_ttkeep_entry b = { { 0x52, 0x54, 0, 1, 2, 3 }, 0x8000 | 29, 0, 599999, 0 };
	char text[256], line[L2SH_TTKEEP_LINE_MAX];
	struct got g;

	l2sh_ttkeep_header(text, sizeof(text), 1700000000);
	CHECK_STR(text, "softmesh-tt-local 1 1700000000\n");
	l2sh_ttkeep_line(line, sizeof(line), &a);
	CHECK_STR(line, "02:ab:00:00:01:ff -1 0x0010 12345\n");
	strcat(text, line);
	l2sh_ttkeep_line(line, sizeof(line), &b);
	CHECK_STR(line, "52:54:00:01:02:03 29 0x0000 599999\n");
	strcat(text, line);
	CHECK_INT(read_str(text, &g), 0);
	CHECK_INT(g.k, 2);
	CHECK(!memcmp(g.e[0].mac, a.mac, 6));
	CHECK_INT(g.e[0].vid, 0);
	CHECK_INT(g.e[0].flags, 0x10);
	CHECK_INT(g.e[0].age_ms, 12345);
	CHECK_INT(g.e[0].written_s, 1700000000);
	CHECK_INT(g.e[1].vid, 0x8000 | 29);
	CHECK_INT(g.e[1].age_ms, 599999);
}

static void empty_table(void)
{
	struct got g;

	CHECK_INT(read_str("softmesh-tt-local 1 5\n", &g), 0);
	CHECK_INT(g.k, 0);
}

/* Each is refused whole: no entry of a bad file comes through. */
static void malformed(void)
{
	static const char *bad[] = {
		"",
		"softmesh-tt-local 1 5",				/* torn: no '\n' */
		"softmesh-tt-local 2 5\n",				/* version */
		"softmesh-tt-local 1 -5\n",
		"softmesh-tt-local 1 5 x\n",
		"other 1 5\n",
		"softmesh-tt-local 1 5\n02:00:00:00:00:01 -1 0x0000 10\nx\n",
		"softmesh-tt-local 1 5\n02:00:00:00:00:01 -1 0x0000 10\n02:00:00:00:00:02 -1 0x0000 1",
		"softmesh-tt-local 1 5\n02:00:00:00:00:01 4096 0x0000 10\n",
		"softmesh-tt-local 1 5\n02:00:00:00:00:01 -2 0x0000 10\n",
		"softmesh-tt-local 1 5\n02:00:00:00:00:01 -1 0x0000 -10\n",
		"softmesh-tt-local 1 5\n02:00:00:00:00:01 -1 0x0000 +10\n",
		"softmesh-tt-local 1 5\n02:00:00:00:00:01  -1 0x0000 10\n",
		"softmesh-tt-local 1 5\n02:00:00:00:00:0G -1 0x0000 10\n",
		"softmesh-tt-local 1 5\n02:00:00:00:00:01 -1 0x10 10\n",
		"softmesh-tt-local 1 5\n02:00:00:00:00:01 -1 0x0000 10 \n",
		"softmesh-tt-local 1 5\n02:00:00:00:00:01 -1 0x0000 99999999999999999999999\n",
		"softmesh-tt-local 1 5\n\n",
	};
	struct got g;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = read_str(bad[i], &g);

		if (rc != -EINVAL || g.k)
			fprintf(stderr, "case %zu: rc %d, %u entries\n", i, rc, g.k);
		CHECK_INT(rc, -EINVAL);
		CHECK_INT(g.k, 0);
	}
}

/* Not NUL-terminated, and a NUL inside: the length rules. */
static void binary(void)
{
	static const char text[] = "softmesh-tt-local 1 5\n02:00:00:00:00:01 -1 0x0000 10\n";
	char nul[sizeof(text)];
	struct got g = { 0 };

	CHECK_INT(l2sh_ttkeep_read(text, sizeof(text) - 1, collect, &g), 0);
	CHECK_INT(g.k, 1);
	memcpy(nul, text, sizeof(text));
	nul[30] = '\0';
	g.k = 0;
	CHECK_INT(l2sh_ttkeep_read(nul, sizeof(text) - 1, collect, &g), -EINVAL);
	CHECK_INT(g.k, 0);
}

static int stop_at_first(const struct l2sh_ttkeep_entry *e, void *user)
{
	(void)e;
	(void)user;
	return 7;
}

static void callback_stops(void)
{
	static const char text[] = "softmesh-tt-local 1 5\n02:00:00:00:00:01 -1 0x0000 10\n"
				   "02:00:00:00:00:02 -1 0x0000 10\n";

	CHECK_INT(l2sh_ttkeep_read(text, sizeof(text) - 1, stop_at_first, NULL), 7);
}

int main(void)
{
	RUN(round_trip);
	RUN(empty_table);
	RUN(malformed);
	RUN(binary);
	RUN(callback_stops);
	return check_exit();
}
