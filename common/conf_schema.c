/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The schema: the parts' tables merged into one section table, checked
 * once, and the built-in defaults layer derived from their defaults.
 */
#include "common/conf_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The header of the derived defaults layer: four lines and a blank one,
 * so the defaults' line numbers in messages stay put. */
static const char defaults_header[] =
	"# softmesh built-in defaults: the first config layer, before the community\n"
	"# and node files, derived from every daemon's option table (schemas/).\n"
	"# Templates: %M1..%M6 = bytes of the node's primary MAC, %N1..%N6 = bytes\n"
	"# of md5(ap_ssid + \"\\n\"), %H = hostname.\n"
	"\n";

/* Options the engine itself reads (templates, cloud VLAN, log level). */
static const struct { const char *sec, *opt; } engine_opts[] = {
	{ "system", "hostname" }, { "system", "primary_interface" },
	{ "system", "primary_mac" }, { "system", "log_level" },
	{ "network", "ap_ssid" }, { "network", "batadv_vlan" },
};

/* MAC the trial load of the defaults expands %M with. */
static const uint8_t trial_mac[6] = { 0x02, 0, 0, 0, 0x01, 0x02 };

/* Schema building state. */
struct sb {
	struct mc_conf_schema *s;
	FILE *errf;
	int nerr;
	bool oom;
};

__attribute__((format(printf, 2, 3)))
static void sb_err(struct sb *b, const char *fmt, ...)
{
	va_list ap;

	b->nerr++;
	if (!b->errf)
		return;
	fputs("config schema: ", b->errf);
	va_start(ap, fmt);
	vfprintf(b->errf, fmt, ap);
	va_end(ap);
	fputc('\n', b->errf);
}

/* ---------------------------------------------------------------- lookups */

static bool same_name(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

bool mc_conf_schema_has_type(const struct mc_conf_schema *s, const char *type)
{
	for (size_t i = 0; i < s->nsecs; i++)
		if (!strcmp(s->secs[i].type, type))
			return true;
	return false;
}

const struct conf_ssch *mc_conf_schema_section(const struct mc_conf_schema *s,
					       const char *type, const char *name)
{
	for (size_t i = 0; i < s->nsecs; i++) {
		const struct conf_ssch *ss = &s->secs[i];

		if (strcmp(ss->type, type))
			continue;
		if (!ss->name || (name && !strcmp(ss->name, name)))
			return ss;
	}
	return NULL;
}

void mc_conf_schema_names(const struct mc_conf_schema *s, const char *type,
			  char *buf, size_t len)
{
	size_t off = 0, n = 0, total = 0;

	for (size_t i = 0; i < s->nsecs; i++)
		total += s->secs[i].name && !strcmp(s->secs[i].type, type);
	buf[0] = '\0';
	for (size_t i = 0; i < s->nsecs && off < len; i++) {
		const struct conf_ssch *ss = &s->secs[i];

		if (!ss->name || strcmp(ss->type, type))
			continue;
		n++;
		off += (size_t)snprintf(buf + off, len - off, "%s'%s'",
					n == 1 ? "" : n == total ? " or " : ", ",
					ss->name);
	}
}

int mc_conf_ssch_opt_index(const struct conf_ssch *s, const char *name)
{
	for (size_t i = 0; i < s->nopts; i++)
		if (!strcmp(s->opts[i]->name, name))
			return (int)i;
	return -1;
}

const struct mc_conf_opt *mc_conf_schema_opt(const struct mc_conf_schema *s,
					     const char *type, const char *name,
					     const struct mc_conf_part **part)
{
	for (size_t i = 0; i < s->nsecs; i++) {
		const struct conf_ssch *ss = &s->secs[i];
		int k = strcmp(ss->type, type) ? -1 : mc_conf_ssch_opt_index(ss, name);

		if (k < 0)
			continue;
		if (part)
			*part = ss->owner[k];
		return ss->opts[k];
	}
	return NULL;
}

const char *mc_conf_schema_defaults(const struct mc_conf_schema *s)
{
	return s->defaults;
}

/* ---------------------------------------------------------------- merging */

static struct conf_ssch *sb_section(struct sb *b, const struct mc_conf_sec *ps)
{
	struct mc_conf_schema *s = b->s;
	struct conf_ssch *secs;

	for (size_t i = 0; i < s->nsecs; i++)
		if (!strcmp(s->secs[i].type, ps->type) && same_name(s->secs[i].name, ps->name))
			return &s->secs[i];
	secs = realloc(s->secs, (s->nsecs + 1) * sizeof(*secs));
	if (!secs) {
		b->oom = true;
		return NULL;
	}
	s->secs = secs;
	secs[s->nsecs] = (struct conf_ssch){ .type = ps->type, .name = ps->name };
	return &secs[s->nsecs++];
}

/* A named section's options share one name space across all of them, so
 * an option name alone says which one a reload changed. */
static const struct mc_conf_part *sb_named_owner(const struct sb *b, const char *opt)
{
	for (size_t i = 0; i < b->s->nsecs; i++) {
		const struct conf_ssch *ss = &b->s->secs[i];
		int k = ss->name ? mc_conf_ssch_opt_index(ss, opt) : -1;

		if (k >= 0)
			return ss->owner[k];
	}
	return NULL;
}

static void sb_opt(struct sb *b, struct conf_ssch *ss, const struct mc_conf_opt *o,
		   const struct mc_conf_part *part)
{
	const struct mc_conf_part *prev = ss->name ? sb_named_owner(b, o->name) : NULL;
	const struct mc_conf_opt **opts;
	const struct mc_conf_part **owner;

	if (prev || (!ss->name && mc_conf_ssch_opt_index(ss, o->name) >= 0)) {
		sb_err(b, "option %s of %s is declared again by %s", o->name,
		       ss->type, part->name);
		return;
	}
	opts = realloc(ss->opts, (ss->nopts + 1) * sizeof(*opts));
	if (opts)
		ss->opts = opts;
	owner = opts ? realloc(ss->owner, (ss->nopts + 1) * sizeof(*owner)) : NULL;
	if (!owner) {
		b->oom = true;
		return;
	}
	ss->owner = owner;
	ss->opts[ss->nopts] = o;
	ss->owner[ss->nopts++] = part;
}

static void sb_part(struct sb *b, const struct mc_conf_part *p)
{
	for (size_t i = 0; i < p->nsecs && !b->oom; i++) {
		const struct mc_conf_sec *ps = &p->secs[i];
		struct conf_ssch *ss = sb_section(b, ps);

		for (size_t k = 0; ss && k < ps->nopts && !b->oom; k++)
			sb_opt(b, ss, &ps->opts[k], p);
	}
}

/* ----------------------------------------------------------------- checks */

/* A type is either one set of fixed names or any name: both would make
 * `config TYPE 'x'` ambiguous. */
static void sb_check_types(struct sb *b)
{
	const struct mc_conf_schema *s = b->s;

	for (size_t i = 0; i < s->nsecs; i++)
		for (size_t k = i + 1; k < s->nsecs; k++)
			if (!strcmp(s->secs[i].type, s->secs[k].type) &&
			    !s->secs[i].name != !s->secs[k].name)
				sb_err(b, "section type %s has both fixed names and "
				       "any name", s->secs[i].type);
}

/* A default its own option would refuse is a bug in the table. Defaults
 * with templates are checked by the trial load (fixed-name sections). */
static void sb_check_default(struct sb *b, const struct conf_ssch *ss,
			     const struct mc_conf_opt *o)
{
	bool tmpl = !(o->flags & MC_CONF_F_LITERAL) && strchr(o->def, '%');

	if (o->flags & MC_CONF_F_REQUIRED)
		sb_err(b, "option %s is required and has a default", o->name);
	else if (tmpl && !ss->name)
		sb_err(b, "option %s of %s: a default without a fixed section "
		       "name cannot use templates", o->name, ss->type);
	else if (o->type == MC_CONF_T_GWBW && !strcmp(o->def, "auto"))
		sb_err(b, "option %s: auto means the default, so it cannot be it",
		       o->name);
	else if (!tmpl && !mc_conf_value_ok(o, o->def))
		sb_err(b, "option %s: default '%s' is not a valid value", o->name,
		       o->def);
}

static void sb_check_opts(struct sb *b)
{
	for (size_t i = 0; i < b->s->nsecs; i++) {
		const struct conf_ssch *ss = &b->s->secs[i];

		for (size_t k = 0; k < ss->nopts; k++)
			if (ss->opts[k]->def)
				sb_check_default(b, ss, ss->opts[k]);
	}
	for (size_t i = 0; i < CONF_ARRAY_LEN(engine_opts); i++) {
		const struct conf_ssch *ss = mc_conf_schema_section(b->s, "lime",
								    engine_opts[i].sec);

		if (!ss || ss->name == NULL || mc_conf_ssch_opt_index(ss, engine_opts[i].opt) < 0)
			sb_err(b, "the config engine needs option %s in lime '%s' "
			       "(mc_conf_part_shared)", engine_opts[i].opt,
			       engine_opts[i].sec);
	}
}

/* --------------------------------------------------------------- defaults */

/* Single-quoted with ' as '\''; templates stay templates. */
static void put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static void defaults_section(FILE *f, const struct conf_ssch *ss, bool first)
{
	fprintf(f, "%sconfig %s '%s'\n", first ? "" : "\n", ss->type, ss->name);
	for (size_t k = 0; k < ss->nopts; k++) {
		const struct mc_conf_opt *o = ss->opts[k];

		if (!o->def)
			continue;
		fprintf(f, "\t%s %s ", o->flags & MC_CONF_F_LIST ? "list" : "option",
			o->name);
		put_quoted(f, o->def);
		fputc('\n', f);
	}
}

static int sb_defaults(struct sb *b)
{
	size_t len = 0;
	FILE *f = open_memstream(&b->s->defaults, &len);
	bool first = true;

	if (!f)
		return -ENOMEM;
	fputs(defaults_header, f);
	for (size_t i = 0; i < b->s->nsecs; i++) {
		if (!b->s->secs[i].name)
			continue;
		defaults_section(f, &b->s->secs[i], first);
		first = false;
	}
	return fclose(f) == 0 ? 0 : -ENOMEM;
}

/* The derived layer must load: templates in defaults expand and check. */
static void sb_trial(struct sb *b)
{
	struct mc_conf *c = NULL;

	if (mc_conf_load_string(&c, b->s, "(trial)", "", 0, trial_mac, b->errf) < 0)
		sb_err(b, "the derived defaults layer does not load");
	mc_conf_free(c);
}

/* ------------------------------------------------------------------ entry */

void mc_conf_schema_free(struct mc_conf_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nsecs; i++) {
		free(s->secs[i].opts);
		free(s->secs[i].owner);
	}
	free(s->secs);
	free(s->defaults);
	free(s);
}

int mc_conf_schema_new(struct mc_conf_schema **out,
		       const struct mc_conf_part *const *parts, FILE *errf)
{
	struct sb b = { .errf = errf };
	int rc;

	b.s = calloc(1, sizeof(*b.s));
	if (!b.s)
		return -ENOMEM;
	for (size_t i = 0; parts[i] && !b.oom; i++)
		sb_part(&b, parts[i]);
	if (!b.oom) {
		sb_check_types(&b);
		sb_check_opts(&b);
	}
	rc = b.oom ? -ENOMEM : b.nerr ? -EINVAL : sb_defaults(&b);
	if (rc == 0)
		sb_trial(&b);
	if (rc == 0 && b.nerr)
		rc = -EINVAL;
	if (rc < 0) {
		mc_conf_schema_free(b.s);
		return rc;
	}
	*out = b.s;
	return 0;
}
