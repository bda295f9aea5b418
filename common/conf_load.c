/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Config loading: statements into sections, layers merged in order (the
 * schema's defaults first), then conf_finish.c; and the entry points that
 * read files.
 */
#include "common/conf_int.h"
#include "common/conf_lime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

/* Longest config file read by mc_conf_load; configs are a few KiB. */
#define CONF_FILE_MAX (1u << 20)
#define SECTION_NAME_MAX 64

/* ---------------------------------------------------------------- errors */

bool mc_conf_ld_done(const struct conf_ld *ld)
{
	return ld->oom || ld->nerr > MC_CONF_MAX_ERRORS;
}

static void ld_verr(struct conf_ld *ld, unsigned file, int line, const char *fmt,
		    va_list ap)
{
	const char *name = ld->c->files[file];

	if (ld->nerr++ > MC_CONF_MAX_ERRORS)
		return;
	if (!ld->errf)
		return;
	if (ld->nerr > MC_CONF_MAX_ERRORS) {
		fprintf(ld->errf, "%s: too many errors, giving up\n", name);
		return;
	}
	if (line > 0)
		fprintf(ld->errf, "%s:%d: ", name, line);
	else
		fprintf(ld->errf, "%s: ", name);
	vfprintf(ld->errf, fmt, ap);
	fputc('\n', ld->errf);
}

void mc_conf_ld_err_at(struct conf_ld *ld, unsigned file, int line,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ld_verr(ld, file, line, fmt, ap);
	va_end(ap);
}

/* An error on the line being parsed. */
__attribute__((format(printf, 2, 3)))
static void ld_err(struct conf_ld *ld, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ld_verr(ld, ld->layer, ld->line, fmt, ap);
	va_end(ap);
}

const char *mc_conf_sec_desc(const struct mc_conf_section *s, char *buf, size_t len)
{
	if (s->name)
		snprintf(buf, len, "%s '%s'", s->sch->type, s->name);
	else
		snprintf(buf, len, "%s", s->sch->type);
	return buf;
}

/*
 * A notice (not an error): a name of LibreMesh's files that softmesh does
 * not use, told once per load (doc/config.md "LibreMesh's files").
 */
void mc_conf_ld_vnote_at(struct conf_ld *ld, unsigned file, int line, const char *key,
			 const char *fmt, va_list ap)
{
	for (unsigned i = 0; i < ld->nnoted; i++)
		if (!strcmp(ld->noted[i], key))
			return;
	if (ld->nnoted < sizeof(ld->noted) / sizeof(ld->noted[0]))
		snprintf(ld->noted[ld->nnoted++], sizeof(ld->noted[0]), "%s", key);
	if (!ld->errf)
		return;
	fprintf(ld->errf, "%s:%d: notice: ", ld->c->files[file], line);
	vfprintf(ld->errf, fmt, ap);
	fputc('\n', ld->errf);
}

__attribute__((format(printf, 3, 4)))
static void ld_note(struct conf_ld *ld, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mc_conf_ld_vnote_at(ld, ld->layer, ld->line, key, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------- sections */

static void *ld_calloc(struct conf_ld *ld, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		ld->oom = true;
	return p;
}

static char *ld_strdup(struct conf_ld *ld, const char *s)
{
	char *p = strdup(s);

	if (!p)
		ld->oom = true;
	return p;
}

struct mc_conf_section *mc_conf_sec_find(const struct mc_conf *c, const char *name)
{
	for (size_t i = 0; i < c->nsecs; i++)
		if (c->secs[i]->name && !strcmp(c->secs[i]->name, name))
			return c->secs[i];
	return NULL;
}

struct conf_values *mc_conf_sec_values(const struct mc_conf_section *s,
					const char *name)
{
	int i = s ? mc_conf_ssch_opt_index(s->sch, name) : -1;

	return i < 0 ? NULL : &s->opts[i];
}

static struct mc_conf_section *sec_add(struct conf_ld *ld,
				       const struct conf_ssch *sch,
				       const char *name)
{
	struct mc_conf *c = ld->c;
	struct mc_conf_section **secs, *s;

	secs = realloc(c->secs, (c->nsecs + 1) * sizeof(*secs));
	if (!secs) {
		ld->oom = true;
		return NULL;
	}
	c->secs = secs;
	s = ld_calloc(ld, 1, sizeof(*s));
	if (!s)
		return NULL;
	s->opts = ld_calloc(ld, sch->nopts, sizeof(*s->opts));
	s->name = name ? ld_strdup(ld, name) : NULL;
	if (!s->opts || (name && !s->name)) {
		free(s->opts);
		free(s);
		return NULL;
	}
	s->sch = sch;
	s->idx = c->nsecs;
	s->file = ld->layer;
	s->line = ld->line;
	c->secs[c->nsecs++] = s;
	return s;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > SECTION_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && *s != '_')
			return false;
	return true;
}

/* The schema of `config TYPE [NAME]`, or NULL after reporting why not. */
static const struct conf_ssch *ld_sec_schema(struct conf_ld *ld, const char *type,
					     const char *name)
{
	const struct mc_conf_schema *sch = ld->c->schema;
	const struct conf_ssch *s;
	char names[128];

	if (!mc_conf_schema_has_type(sch, type) && mc_conf_lime_foreign_type(type)) {
		ld_note(ld, type, "LibreMesh's %s sections are not used by softmesh "
			"(accepted, ignored)", type);
		return NULL;
	}
	if (!mc_conf_schema_has_type(sch, type)) {
		ld_err(ld, "unknown section type '%.*s%s'", CONF_ECHO_LEN(type), type,
		       CONF_ECHO_MORE(type));
		return NULL;
	}
	if (name && !name_ok(name)) {
		ld_err(ld, "invalid section name '%.*s%s': expected 1..%d "
		       "letters, digits or _", CONF_ECHO_LEN(name), name,
		       CONF_ECHO_MORE(name), SECTION_NAME_MAX);
		return NULL;
	}
	s = mc_conf_schema_section(sch, type, name);
	if (s)
		return s;
	mc_conf_schema_names(sch, type, names, sizeof(names));
	if (name)
		ld_err(ld, "unknown section %s '%s': expected %s", type, name, names);
	else
		ld_err(ld, "section %s needs a name: %s", type, names);
	return NULL;
}

static struct mc_conf_section *ld_sec_open(struct conf_ld *ld, const char *type,
					   const char *name)
{
	const struct conf_ssch *sch = ld_sec_schema(ld, type, name);
	struct mc_conf_section *s;

	if (!sch)
		return NULL;
	s = name ? mc_conf_sec_find(ld->c, name) : NULL;
	if (!s)
		return sec_add(ld, sch, name);
	if (strcmp(s->sch->type, type)) {
		ld_err(ld, "section '%s' is %s here but %s at %s:%d", name, type,
		       s->sch->type, ld->c->files[s->file], s->line);
		return NULL;
	}
	return s;
}

static void ld_config(struct conf_ld *ld, char **w, int n)
{
	ld->cur = NULL;
	ld->lime_wifi = false;
	ld->in_bad_section = true;
	if (n < 2) {
		ld_err(ld, "config needs a section type");
		return;
	}
	if (n > 3) {
		ld_err(ld, "too many words after config");
		return;
	}
	ld->lime_wifi = n == 3 && !strcmp(w[1], "lime") && !strcmp(w[2], "wifi");
	/* LibreMesh's lime 'wifi' holds the cloud's name (ap_ssid, the same
	 * option as lime 'network''s: the last one read wins) and radio
	 * settings softmesh leaves alone */
	ld->cur = ld_sec_open(ld, w[1], ld->lime_wifi ? "network" : n == 3 ? w[2] : NULL);
	ld->in_bad_section = !ld->cur;
}

/* -------------------------------------------------------------- options */

void mc_conf_values_clear(struct conf_values *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->v[i].s);
	free(o->v);
	o->v = NULL;
	o->n = 0;
}

int mc_conf_values_append(struct conf_values *o, const char *s, unsigned file,
			  int line)
{
	struct conf_val *v = realloc(o->v, (o->n + 1) * sizeof(*v));
	char *dup;

	if (!v)
		return -ENOMEM;
	o->v = v;
	dup = strdup(s);
	if (!dup)
		return -ENOMEM;
	o->v[o->n++] = (struct conf_val){ .s = dup, .file = file, .line = line };
	return 0;
}

/*
 * `option` replaces the value (a list option becomes a one-value list);
 * `list` appends, but a layer's first `list` for an option replaces what
 * earlier layers set, as LibreMesh's lime-config merges lists.
 */
static void ld_set(struct conf_ld *ld, struct conf_values *o, const char *value,
		   bool list)
{
	if (!list || o->layer != ld->layer)
		mc_conf_values_clear(o);
	o->layer = ld->layer;
	if (mc_conf_values_append(o, value, ld->layer, ld->line) < 0)
		ld->oom = true;
}

static void ld_option(struct conf_ld *ld, char **w, int n, bool list)
{
	const char *asec = NULL, *aopt;
	char desc[128];
	int i;

	if (!ld->cur) {
		if (!ld->in_bad_section)
			ld_err(ld, "%s outside of a config section", w[0]);
		return;
	}
	if (n != 3) {
		ld_err(ld, n < 3 ? "%s needs a name and a value" :
			   "too many words after %s", w[0]);
		return;
	}
	if (ld->lime_wifi) {
		if (strcmp(w[1], "ap_ssid") && mc_conf_lime_foreign_opt("lime", "wifi", w[1])) {
			char key[72];

			snprintf(key, sizeof(key), "lime 'wifi'.%s", w[1]);
			ld_note(ld, key, "LibreMesh's option '%s' of lime 'wifi' is not used by "
				"softmesh (accepted, ignored)", w[1]);
		} else if (strcmp(w[1], "ap_ssid")) {
			ld_err(ld, "unknown option '%.*s%s' in section lime 'wifi' (softmesh "
			       "reads ap_ssid there)", CONF_ECHO_LEN(w[1]), w[1],
			       CONF_ECHO_MORE(w[1]));
		} else if (list) {
			ld_err(ld, "'ap_ssid' takes one value: use option, not list");
		} else {
			ld_set(ld, &ld->cur->opts[mc_conf_ssch_opt_index(ld->cur->sch, "ap_ssid")],
			       w[2], false);
		}
		return;
	}
	i = mc_conf_ssch_opt_index(ld->cur->sch, w[1]);
	aopt = i < 0 ? mc_conf_lime_alias(ld->cur->name, w[1], &asec) : NULL;
	if (aopt) {
		/* LibreMesh's name of one of softmesh's options */
		struct mc_conf_section *to = mc_conf_sec_find(ld->c, asec);
		int k = to ? mc_conf_ssch_opt_index(to->sch, aopt) : -1;

		if (k >= 0) {
			if (list && !(to->sch->opts[k]->flags & MC_CONF_F_LIST))
				ld_err(ld, "'%s' takes one value: use option, not list", w[1]);
			else
				ld_set(ld, &to->opts[k], w[2], list);
			return;
		}
	}
	if (i < 0 && mc_conf_lime_foreign_opt(ld->cur->sch->type, ld->cur->name, w[1])) {
		char key[72];

		snprintf(key, sizeof(key), "%s.%s", mc_conf_sec_desc(ld->cur, desc, sizeof(desc)),
			 w[1]);
		ld_note(ld, key, "LibreMesh's option '%s' of %s is not used by softmesh "
			"(accepted, ignored)", w[1], desc);
		return;
	}
	if (i < 0) {
		ld_err(ld, "unknown option '%.*s%s' in section %s",
		       CONF_ECHO_LEN(w[1]), w[1], CONF_ECHO_MORE(w[1]),
		       mc_conf_sec_desc(ld->cur, desc, sizeof(desc)));
		return;
	}
	if (list && !(ld->cur->sch->opts[i]->flags & MC_CONF_F_LIST)) {
		ld_err(ld, "'%s' takes one value: use option, not list", w[1]);
		return;
	}
	ld_set(ld, &ld->cur->opts[i], w[2], list);
}

static void ld_statement(struct conf_ld *ld, char **w, int n)
{
	if (!strcmp(w[0], "config"))
		ld_config(ld, w, n);
	else if (!strcmp(w[0], "option"))
		ld_option(ld, w, n, false);
	else if (!strcmp(w[0], "list"))
		ld_option(ld, w, n, true);
	else if (!strcmp(w[0], "package")) {
		/* `uci export` output starts with one; a layer is not a package */
		if (n != 2)
			ld_err(ld, "package needs one name");
	} else
		ld_err(ld, "unknown keyword '%.*s%s': expected config, option "
		       "or list", CONF_ECHO_LEN(w[0]), w[0], CONF_ECHO_MORE(w[0]));
}

/* ---------------------------------------------------------------- layers */

static void ld_line(struct conf_ld *ld, const char *line, size_t len)
{
	char buf[MC_CONF_LINE_MAX + CONF_LINE_WORDS + 1];
	char *words[CONF_LINE_WORDS];
	const char *err;
	int n;

	if (memchr(line, '\0', len)) {
		ld_err(ld, "NUL byte in line");
		return;
	}
	if (len && line[len - 1] == '\r')	/* CRLF files */
		len--;
	if (len > MC_CONF_LINE_MAX) {
		ld_err(ld, "line too long (more than %d bytes)", MC_CONF_LINE_MAX);
		return;
	}
	err = mc_conf_lex_line(line, len, buf, words, &n);
	if (err)
		ld_err(ld, "%s", err);
	else if (n)
		ld_statement(ld, words, n);
}

static void ld_text(struct conf_ld *ld, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	ld->cur = NULL;
	ld->in_bad_section = false;
	ld->line = 0;
	while (p < end && !mc_conf_ld_done(ld)) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		ld->line++;
		ld_line(ld, p, n);
		p += n + (nl ? 1 : 0);
	}
}

static int ld_layer(struct conf_ld *ld, const char *name, const char *text, size_t len)
{
	struct mc_conf *c = ld->c;
	char **files = realloc(c->files, (c->nfiles + 1) * sizeof(*files));

	if (!files)
		return -ENOMEM;
	c->files = files;
	files[c->nfiles] = strdup(name);
	if (!files[c->nfiles])
		return -ENOMEM;
	ld->layer = (unsigned)c->nfiles++;
	ld_text(ld, text, len);
	return ld->oom ? -ENOMEM : 0;
}

/* ------------------------------------------------------------- loading */

void mc_conf_free(struct mc_conf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nsecs; i++) {
		struct mc_conf_section *s = c->secs[i];

		for (size_t k = 0; k < s->sch->nopts; k++)
			mc_conf_values_clear(&s->opts[k]);
		free(s->opts);
		free(s->name);
		free(s);
	}
	free(c->secs);
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	free(c);
}

static int conf_load(struct mc_conf **out, const struct mc_conf_schema *sch,
		     const struct mc_conf_source *srcs, size_t nsrcs,
		     const struct conf_mac_src *ms, FILE *errf)
{
	struct conf_ld ld = { .errf = errf, .ms = ms };
	int rc;

	ld.c = calloc(1, sizeof(*ld.c));
	if (!ld.c)
		return -ENOMEM;
	ld.c->schema = sch;
	rc = ld_layer(&ld, MC_CONF_DEFAULTS_NAME, sch->defaults, strlen(sch->defaults));
	for (size_t i = 0; i < nsrcs && !rc && !mc_conf_ld_done(&ld); i++)
		rc = ld_layer(&ld, srcs[i].name, srcs[i].text, srcs[i].len);
	if (!rc && !mc_conf_ld_done(&ld))
		mc_conf_ld_finish(&ld);
	if (!rc && ld.oom)
		rc = -ENOMEM;
	if (!rc && ld.nerr)
		rc = -EINVAL;
	if (rc) {
		mc_conf_free(ld.c);
		return rc;
	}
	*out = ld.c;
	return 0;
}

int mc_conf_load_sources(struct mc_conf **out, const struct mc_conf_schema *sch,
			 const struct mc_conf_source *srcs, size_t nsrcs,
			 const uint8_t *mac, FILE *errf)
{
	struct conf_mac_src ms = { .mac = mac };

	return conf_load(out, sch, srcs, nsrcs, &ms, errf);
}

int mc_conf_load_string(struct mc_conf **out, const struct mc_conf_schema *sch,
			const char *name, const char *text, size_t len,
			const uint8_t *mac, FILE *errf)
{
	struct mc_conf_source src = { .name = name, .text = text, .len = len };

	return mc_conf_load_sources(out, sch, &src, 1, mac, errf);
}

/* Reads a whole file into *buf (malloc'd); negative errno on failure. */
static int file_read(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rbe");
	struct stat st;
	int rc = 0;

	if (!f)
		return -errno;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = -EISDIR;	/* fopen takes a directory; reading it says EIO */
		goto out;
	}
	*buf = malloc(CONF_FILE_MAX + 1);
	if (!*buf) {
		rc = -ENOMEM;
		goto out;
	}
	*len = fread(*buf, 1, CONF_FILE_MAX + 1, f);
	if (ferror(f))
		rc = -EIO;
	else if (*len > CONF_FILE_MAX)
		rc = -EFBIG;
	if (rc) {
		free(*buf);
		*buf = NULL;
	}
out:
	fclose(f);
	return rc;
}

static int files_load(struct mc_conf **out, const struct mc_conf_schema *sch,
		      const char *const *files, size_t nfiles,
		      const struct conf_mac_src *ms, FILE *errf)
{
	struct mc_conf_source *srcs = calloc(nfiles ? nfiles : 1, sizeof(*srcs));
	char **bufs = calloc(nfiles ? nfiles : 1, sizeof(*bufs));
	int rc = 0;

	if (!srcs || !bufs) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < nfiles; i++) {
		rc = file_read(files[i], &bufs[i], &srcs[i].len);
		if (rc < 0) {
			if (errf)
				fprintf(errf, "%s: %s\n", files[i], strerror(-rc));
			goto out;
		}
		srcs[i].name = files[i];
		srcs[i].text = bufs[i];
	}
	rc = conf_load(out, sch, srcs, nfiles, ms, errf);
out:
	for (size_t i = 0; bufs && i < nfiles; i++)
		free(bufs[i]);
	free(bufs);
	free(srcs);
	return rc;
}

int mc_conf_load(struct mc_conf **out, const struct mc_conf_schema *sch,
		 const char *const *files, size_t nfiles, const uint8_t *mac,
		 FILE *errf)
{
	struct conf_mac_src ms = { .mac = mac };

	return files_load(out, sch, files, nfiles, &ms, errf);
}

int mc_conf_load_cb(struct mc_conf **out, const struct mc_conf_schema *sch,
		    const char *const *files, size_t nfiles, mc_conf_mac_fn *mac_fn,
		    void *user, FILE *errf)
{
	struct conf_mac_src ms = { .fn = mac_fn, .user = user };

	return files_load(out, sch, files, nfiles, &ms, errf);
}
