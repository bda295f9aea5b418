/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_CONF_INT_H
#define MC_CONF_INT_H

/*
 * Inside the config engine: the types and functions its files share.
 *
 *   conf_schema.c  parts merged into one schema, checked; the defaults
 *                  layer derived from them
 *   conf_value.c   value parsers, checkers and "expected ..." messages
 *   conf_lex.c     UCI words of one line
 *   conf_load.c    statements, sections, layers; loading entry points
 *   conf_finish.c  after the layers: MAC and ssid hash, schema defaults,
 *                  templates expanded, values checked
 *   conf_print.c   the normalized print (-nv)
 *   conf_get.c     typed getters
 *   conf_diff.c    what changed between two loads (reload)
 *   conf_shared.c  the options every daemon shares
 *
 * Nothing here is for the daemons: they use conf.h and conf_schema.h.
 */

#include <stdarg.h>

#include "common/conf.h"

#define CONF_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Error messages quote at most this much of a value (a %H-expanded one
 * may be tens of KiB), and end it with "..." when cut. */
#define CONF_ECHO_MAX 64
#define CONF_ECHO_LEN(s) (strlen(s) > CONF_ECHO_MAX ? CONF_ECHO_MAX - 3 : (int)strlen(s))
#define CONF_ECHO_MORE(s) (strlen(s) > CONF_ECHO_MAX ? "..." : "")

/* ---------------------------------------------------------------- schema */

/* One section of the merged schema: what every part adds to type/name. */
struct conf_ssch {
	const char *type;
	const char *name;		/* NULL: any name, or none */
	const struct mc_conf_opt **opts;	/* in print order */
	const struct mc_conf_part **owner;	/* the part of each option */
	size_t nopts;
};

struct mc_conf_schema {
	struct conf_ssch *secs;
	size_t nsecs;
	char *defaults;			/* the derived defaults layer */
};

bool mc_conf_schema_has_type(const struct mc_conf_schema *s, const char *type);
/* The section schema for `config type [name]`, NULL if that name is not allowed. */
const struct conf_ssch *mc_conf_schema_section(const struct mc_conf_schema *s,
					       const char *type, const char *name);
/* The names a type allows, as "'system' or 'network'". */
void mc_conf_schema_names(const struct mc_conf_schema *s, const char *type,
			  char *buf, size_t len);
int mc_conf_ssch_opt_index(const struct conf_ssch *s, const char *name);

/* ---------------------------------------------------------------- values */

bool mc_conf_value_ok(const struct mc_conf_opt *os, const char *v);
/* What the option expects, for "invalid value 'x' for opt: <why>". */
void mc_conf_value_why(const struct mc_conf_opt *os, const char *v, char *why,
		       size_t len);
int mc_conf_parse_int(const char *s, long *v);
int mc_conf_parse_bool(const char *s, bool *v);
int mc_conf_parse_mac(const char *s, uint8_t mac[6]);
/* "addr/len" for af (AF_INET or AF_INET6); a prefix length is required. */
int mc_conf_parse_cidr(const char *s, int af, void *addr, unsigned *plen);
/* "54mbit" (up = down) or "10mbit/2mbit" (down/up), in kbit/s. */
int mc_conf_parse_rates(const char *s, uint64_t *down, uint64_t *up);
bool mc_conf_ifname_ok(const char *s);
/* The words of log_level, NULL-terminated, and one as an MC_LOG_*
 * priority (info if unknown). */
extern const char *const mc_conf_log_levels[];
int mc_conf_log_level_prio(const char *s);

/* ----------------------------------------------------------------- lexer */

/* Words a line may hold: keyword, name, value; one more to detect extras. */
#define CONF_LINE_WORDS 4

/*
 * Splits a line into at most CONF_LINE_WORDS words in buf (which must hold
 * len + CONF_LINE_WORDS bytes: a word's output never exceeds its input
 * plus its NUL). Returns an error message or NULL.
 */
const char *mc_conf_lex_line(const char *line, size_t len, char *buf, char **words,
			     int *nwords);

/* ---------------------------------------------------------------- state */

struct conf_val {
	char *s;
	unsigned file;		/* index into mc_conf.files; 0 = defaults */
	int line;		/* 0 for a schema default */
};

/* The values of one option in one section. */
struct conf_values {
	struct conf_val *v;	/* one value, or a list's values */
	size_t n;
	unsigned layer;		/* layer that last wrote it: a later `list` replaces */
};

struct mc_conf_section {
	const struct conf_ssch *sch;
	char *name;		/* NULL for an anonymous section */
	size_t idx;		/* position in mc_conf.secs */
	unsigned file;
	int line;
	struct conf_values *opts;	/* indexed like sch->opts */
};

struct mc_conf {
	const struct mc_conf_schema *schema;
	struct mc_conf_section **secs;
	size_t nsecs;
	char **files;		/* layer names; [0] is MC_CONF_DEFAULTS_NAME */
	size_t nfiles;
	uint8_t n[6];		/* md5(ap_ssid + "\n") */
	uint8_t mac[6];
	bool have_mac;
};

/* Where %M comes from when primary_mac is unset: a MAC or a lookup. */
struct conf_mac_src {
	const uint8_t *mac;
	mc_conf_mac_fn *fn;
	void *user;
};

/* Loader state: one per mc_conf_load*() call. */
struct conf_ld {
	const struct conf_mac_src *ms;
	struct mc_conf *c;
	FILE *errf;
	int nerr;		/* > MC_CONF_MAX_ERRORS: gave up */
	bool oom;
	unsigned layer;
	int line;
	struct mc_conf_section *cur;	/* section options go to */
	bool in_bad_section;	/* its header failed: drop its options quietly */
	bool lime_wifi;		/* in LibreMesh's lime 'wifi': cur is lime 'network' */
	bool mac_bad;		/* primary_mac is set but invalid (reported) */
	const char *mac_ifname;	/* interface asked for the MAC, in vain */
	/* LibreMesh names not used by softmesh, told once each */
	char noted[64][72];
	unsigned nnoted;
};

bool mc_conf_ld_done(const struct conf_ld *ld);
/* A notice at file:line, told once per load for each key. */
__attribute__((format(printf, 5, 0)))
void mc_conf_ld_vnote_at(struct conf_ld *ld, unsigned file, int line, const char *key,
			 const char *fmt, va_list ap);
__attribute__((format(printf, 4, 5)))
void mc_conf_ld_err_at(struct conf_ld *ld, unsigned file, int line,
		       const char *fmt, ...);
/* "lime 'network'" or "net" for an anonymous section. */
const char *mc_conf_sec_desc(const struct mc_conf_section *s, char *buf, size_t len);

struct mc_conf_section *mc_conf_sec_find(const struct mc_conf *c, const char *name);
/* The option's values in s, NULL if s is NULL or its type has no such option. */
struct conf_values *mc_conf_sec_values(const struct mc_conf_section *s,
					const char *name);
void mc_conf_values_clear(struct conf_values *o);
int mc_conf_values_append(struct conf_values *o, const char *s, unsigned file,
			  int line);

/* After the last layer: defaults, MAC, templates, checks (conf_finish.c). */
void mc_conf_ld_finish(struct conf_ld *ld);

#endif
