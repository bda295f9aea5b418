/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_CONF_SCHEMA_H
#define MC_CONF_SCHEMA_H

/*
 * The config schema, in parts. Each daemon declares the options it owns as
 * one plain const table (a struct mc_conf_part) next to its code; common
 * declares the options several daemons share (mc_conf_part_shared). One
 * explicit list of every part (schemas/schemas.c, above common and the
 * rooms) is what every program loads with, so all of them accept and
 * refuse exactly the same files. common never names a room's part.
 *
 * Every option's default lives in its table entry and nowhere else: the
 * built-in defaults layer, which -nv prints as "# default", is derived
 * from the tables (mc_conf_schema_defaults()). A default that is also a
 * core's constant is written MC_CONF_NUM(L2_ORIG_INTERVAL_MS), so the two
 * cannot disagree.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Value types; bit positions in the getters' type masks. */
enum mc_conf_type {
	MC_CONF_T_STR,		/* min..max bytes */
	MC_CONF_T_HOSTNAME,	/* one DNS label */
	MC_CONF_T_DOMAIN,	/* DNS name */
	MC_CONF_T_INT,		/* min..max */
	MC_CONF_T_INT_AUTO,	/* min..max or 'auto' */
	MC_CONF_T_PORT,		/* min..max, never bmx7's port */
	MC_CONF_T_BOOL,
	MC_CONF_T_ENUM,		/* one of words */
	MC_CONF_T_MAC,
	MC_CONF_T_IPV4,		/* address/prefix length */
	MC_CONF_T_IPV6,
	MC_CONF_T_IFNAME,
	MC_CONF_T_RATE,		/* '54mbit' */
	MC_CONF_T_GWBW,		/* '10mbit/2mbit'; 'auto' = the default */
	MC_CONF_T_HEXID,	/* node id in hex */
	MC_CONF_T_PATH,		/* absolute, short enough for socket paths */
	MC_CONF_T_DEBUG,	/* debug categories for mc_log_debug_parse */
	MC_CONF_T_PREFIX,	/* IPv4 or IPv6 prefix, host bits zero */
	MC_CONF_T_ADDR,		/* IPv4 or IPv6 address without length, or empty */
};

#define MC_CONF_F_LIST 1u	/* set by `list`, may hold many values */
#define MC_CONF_F_REQUIRED 2u	/* a section without it is refused */
#define MC_CONF_F_LITERAL 4u	/* no template expansion (the template sources) */
#define MC_CONF_F_LIVE 8u	/* a reload applies a change without a restart */

/* A numeric constant as a default: MC_CONF_NUM(L2_HOP_PENALTY) is "30".
 * The constant must be a plain decimal literal (the schema check refuses
 * anything its option would refuse, such as "30u"). */
#define MC_CONF_NUM(x) MC_CONF_NUM_(x)
#define MC_CONF_NUM_(x) #x

struct mc_conf_opt {
	const char *name;
	enum mc_conf_type type;
	long min, max;			/* int range or string length bounds */
	const char *const *words;	/* MC_CONF_T_ENUM, NULL-terminated */
	/* The default, as a value in the file would be written (templates
	 * allowed in sections with a fixed name); NULL: none, "" is empty. */
	const char *def;
	unsigned flags;			/* MC_CONF_F_* */
};

/* The options one part adds to a section. Several parts may add to the
 * same section; its options print in the order of the parts. */
struct mc_conf_sec {
	const char *type;		/* "lime", "net" */
	const char *name;		/* the one name allowed; NULL: any, or none */
	const struct mc_conf_opt *opts;
	size_t nopts;
};

struct mc_conf_part {
	const char *name;		/* "shared", "l2meshd": in messages */
	const struct mc_conf_sec *secs;
	size_t nsecs;
};

/* The options every daemon shares (common/conf_shared.c). */
extern const struct mc_conf_part mc_conf_part_shared;

/* The parts merged, checked, and the defaults layer derived from them. */
struct mc_conf_schema;

/*
 * Merges the NULL-terminated parts (which must outlive the schema). A
 * broken table is refused with -EINVAL and one line per problem on errf
 * (NULL: silent): an option declared twice, a default its own check would
 * refuse, a required option with a default, a section type that is both
 * named and nameless.
 */
int mc_conf_schema_new(struct mc_conf_schema **out,
		       const struct mc_conf_part *const *parts, FILE *errf);
void mc_conf_schema_free(struct mc_conf_schema *s);
/* The built-in defaults layer, as UCI text: the sections with a fixed
 * name and every option of theirs that has a default. */
const char *mc_conf_schema_defaults(const struct mc_conf_schema *s);
/* The option `name` of a section of `type` and the part that declared it,
 * or NULL. */
const struct mc_conf_opt *mc_conf_schema_opt(const struct mc_conf_schema *s,
					     const char *type, const char *name,
					     const struct mc_conf_part **part);

#endif
