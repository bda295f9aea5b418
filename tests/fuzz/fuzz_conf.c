/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz the config loader: the input is one config layer over the built-in
 * defaults, with every daemon's schema part. Whatever loads must print as
 * normalized UCI that loads back to the very same print (what -nv
 * promises), and a reload's change lists against the defaults alone must
 * come out whole, and empty against itself; anything else aborts.
 */
#include "schemas/schemas.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x0a, 0x0b, 0x0c };

/* The print of c, malloc'd. */
static char *conf_print_str(const struct mc_conf *c, bool verbose, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);

	if (!f)
		abort();
	mc_conf_print(f, c, verbose);
	fclose(f);
	return out;
}

/* Loading the print must succeed and print the same. */
static void check_reload(const char *text, size_t len, bool verbose,
			 const char *want)
{
	struct mc_conf *c = NULL;
	size_t n;
	char *again;

	if (mc_conf_load_string(&c, sm_conf_schema(),
				verbose ? "fuzz-v.conf" : "fuzz-p.conf",
				text, len, NULL, stderr))
		abort();
	again = conf_print_str(c, false, &n);
	if (strcmp(again, want))
		abort();
	free(again);
	mc_conf_free(c);
}

/* What a reload from the defaults alone to c would report, and from c to
 * c: nothing at all. */
static void check_changes(const struct mc_conf *c)
{
	static const struct mc_conf_part *const mine[] = { &mc_conf_part_shared, NULL };
	static struct mc_conf *base;
	struct mc_conf_changes ch;

	if (!base && mc_conf_load_string(&base, sm_conf_schema(), "base", "", 0,
					 mac, NULL))
		abort();
	if (mc_conf_changes(&ch, base, c, sm_conf_parts) < 0)
		abort();
	for (size_t i = 0; i < ch.nlive; i++)
		if (!ch.live[i] || !*ch.live[i])
			abort();
	mc_conf_changes_free(&ch);
	if (mc_conf_changes(&ch, c, c, mine) < 0 || ch.nlive || ch.nrestart)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mc_conf *c = NULL;
	char *plain, *verbose;
	size_t plen, vlen;

	/* half the inputs run without a MAC, so %M errors are reached too */
	if (mc_conf_load_string(&c, sm_conf_schema(), "fuzz.conf",
				(const char *)data, size,
				size % 2 ? NULL : mac, NULL))
		return 0;
	plain = conf_print_str(c, false, &plen);
	verbose = conf_print_str(c, true, &vlen);
	/* the print is fully expanded, so it loads without a MAC */
	check_changes(c);
	check_reload(plain, plen, false, plain);
	check_reload(verbose, vlen, true, plain);
	free(plain);
	free(verbose);
	mc_conf_free(c);
	return 0;
}
