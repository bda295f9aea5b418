/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The effective config as normalized UCI (-n -v): it loads back to the
 * same print.
 */
#include "common/conf_int.h"

/* Single-quoted so it reads back the same: ' as '\'' (UCI's own export
 * does this) and, where templates expand, % as %%. */
static void print_quoted(FILE *f, const char *s, bool templated)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else if (*s == '%' && templated)
			fputs("%%", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static void print_origin(FILE *f, const struct mc_conf *c, unsigned file, int line)
{
	if (file == 0)
		fputs("  # default", f);
	else
		fprintf(f, "  # %s:%d", c->files[file], line);
}

static void print_section(FILE *f, const struct mc_conf *c,
			  const struct mc_conf_section *s, bool verbose)
{
	fprintf(f, "config %s", s->sch->type);
	if (s->name)
		fprintf(f, " '%s'", s->name);
	if (verbose)
		print_origin(f, c, s->file, s->line);
	fputc('\n', f);
	for (size_t k = 0; k < s->sch->nopts; k++) {
		const struct mc_conf_opt *os = s->sch->opts[k];
		const struct conf_values *o = &s->opts[k];

		for (size_t i = 0; i < o->n; i++) {
			fprintf(f, "\t%s %s ", os->flags & MC_CONF_F_LIST ?
				"list" : "option", os->name);
			print_quoted(f, o->v[i].s, !(os->flags & MC_CONF_F_LITERAL));
			if (verbose)
				print_origin(f, c, o->v[i].file, o->v[i].line);
			fputc('\n', f);
		}
	}
}

/* What LibreMesh's list protocols of lime 'network' runs (without one,
 * everything: no line). */
static void print_runs(FILE *f, const struct mc_conf *c)
{
	static const char *const d[][2] = {
		{ "l2meshd", "batadv" }, { "l3routed", "l3route" }, { "anycastd", "anygw" },
	};
	bool off = false;

	if (!mc_conf_list_len(mc_conf_section(c, "network"), "protocols"))
		return;
	fputs("# runs", f);
	for (unsigned i = 0; i < 3; i++)
		if (mc_conf_proto_wanted(c, d[i][1]))
			fprintf(f, " %s", d[i][0]);
	fputs(" leasesyncd webuid", f);
	if (mc_conf_proto_wanted(c, "babeld"))
		fputs(" babeld (by l2meshd)", f);
	for (unsigned i = 0; i < 3; i++) {
		if (mc_conf_proto_wanted(c, d[i][1]))
			continue;
		fprintf(f, "%s %s (no %s)", off ? "," : "; not", d[i][0], d[i][1]);
		off = true;
	}
	fputc('\n', f);
}

/* What the templates expanded from, which no option shows. */
static void print_ids(FILE *f, const struct mc_conf *c)
{
	const uint8_t *m = c->mac, *n = c->n;

	if (c->have_mac)
		fprintf(f, "# %%M = %02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
			m[2], m[3], m[4], m[5]);
	else
		fputs("# %M unknown", f);
	fprintf(f, ", %%N = %02x:%02x:%02x:%02x:%02x:%02x, cloud VLAN %d\n",
		n[0], n[1], n[2], n[3], n[4], n[5], mc_conf_cloud_vid(c));
	print_runs(f, c);
	fputc('\n', f);
}

void mc_conf_print(FILE *f, const struct mc_conf *c, bool verbose)
{
	if (verbose)
		print_ids(f, c);
	for (size_t i = 0; i < c->nsecs; i++) {
		if (i)
			fputc('\n', f);
		print_section(f, c, c->secs[i], verbose);
	}
}
