/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writes the built-in defaults layer, derived from every schema part, to
 * the file named by its argument: the build's defaults.conf, for readers
 * and packagers. The daemons never read it: their defaults are the same
 * text, made from the same tables in memory.
 */
#include <stdio.h>

#include "schemas/schemas.h"

int main(int argc, char **argv)
{
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_defaults OUTPUT\n");
		return 2;
	}
	f = fopen(argv[1], "w");
	if (!f || fputs(mc_conf_schema_defaults(sm_conf_schema()), f) < 0 ||
	    fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
