/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_CONF_H
#define MC_CONF_H

/*
 * The softmesh config: UCI syntax read in layers (built-in defaults, then
 * each -c file in order: community, then node), LibreMesh templates
 * (%M1..%M6, %N1..%N6, %H, %%) expanded, and every value checked against
 * one schema made of every daemon's part (conf_schema.h), so all daemons
 * accept and refuse exactly the same files. doc/config.md is the
 * user-facing reference.
 *
 * A loaded struct mc_conf is immutable and complete: every option that has
 * a default has a value, so getters fail only for options without a default
 * (-ENOENT) or when asked for the wrong type (-EINVAL). Asking for an
 * option the schema does not know is a programming error and aborts.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/conf_schema.h"

struct mc_conf;
struct mc_conf_section;

/* A load stops after this many errors: the rest are likely consequences. */
#define MC_CONF_MAX_ERRORS 10
/* Longest accepted line in bytes, without its newline. */
#define MC_CONF_LINE_MAX 1024
/* File name that errors and `-nv` give for the built-in defaults. */
#define MC_CONF_DEFAULTS_NAME "(defaults)"

/* One layer given as text (tests, fuzzers); name is used in messages. */
struct mc_conf_source {
	const char *name;
	const char *text;
	size_t len;
};

/*
 * Load the schema's defaults layer, then `files` in order; sch must
 * outlive the config. `mac` is the node's primary MAC (from lime 'system'
 * primary_interface) or NULL when unknown; option primary_mac overrides it. Errors go to errf (NULL: silent) one per line
 * as "file:line: message". Returns 0, -EINVAL on a bad config, or the
 * negative errno of a file that cannot be read; *out is set only on 0.
 */
int mc_conf_load(struct mc_conf **out, const struct mc_conf_schema *sch,
		 const char *const *files, size_t nfiles, const uint8_t *mac,
		 FILE *errf);
/*
 * Looks up the MAC of interface `ifname` (lime 'system' primary_interface,
 * as merged from all layers): 0 with mac filled, or a negative errno when
 * there is none. The shell supplies it; the library stays pure.
 */
typedef int mc_conf_mac_fn(const char *ifname, uint8_t mac[6], void *user);
/*
 * mc_conf_load() for daemons: the %M MAC is asked of mac_fn, once, after
 * the layers are merged and only when primary_mac is unset, so a
 * primary_interface set in any layer is honoured.
 */
int mc_conf_load_cb(struct mc_conf **out, const struct mc_conf_schema *sch,
		    const char *const *files, size_t nfiles, mc_conf_mac_fn *mac_fn,
		    void *user, FILE *errf);
/* The same as mc_conf_load() with layers given as text. */
int mc_conf_load_sources(struct mc_conf **out, const struct mc_conf_schema *sch,
			 const struct mc_conf_source *srcs, size_t nsrcs,
			 const uint8_t *mac, FILE *errf);
/* One text layer after the defaults. */
int mc_conf_load_string(struct mc_conf **out, const struct mc_conf_schema *sch,
			const char *name, const char *text, size_t len,
			const uint8_t *mac, FILE *errf);
void mc_conf_free(struct mc_conf *c);

/*
 * The effective config as normalized UCI: sections in order of first
 * appearance, options in schema order, defaults included, values
 * single-quoted; it loads back to the same print. verbose appends
 * "# file:line" (or "# default") to each line (the daemons' -nv).
 */
void mc_conf_print(FILE *f, const struct mc_conf *c, bool verbose);

/* A named section (e.g. "system", "network", a port's name) or NULL. */
const struct mc_conf_section *mc_conf_section(const struct mc_conf *c,
					      const char *name);
/* Sections of `type` in order: pass prev = NULL for the first. */
const struct mc_conf_section *mc_conf_next(const struct mc_conf *c,
					   const struct mc_conf_section *prev,
					   const char *type);
const char *mc_conf_section_type(const struct mc_conf_section *s);
/* NULL for an anonymous section. */
const char *mc_conf_section_name(const struct mc_conf_section *s);

/*
 * Typed getters. s may be NULL (-ENOENT). Values were validated at load,
 * so a getter fails only with -ENOENT (unset, no default) or -EINVAL (the
 * option is not of that type, e.g. get_int on 'auto').
 */
const char *mc_conf_get_str(const struct mc_conf_section *s, const char *opt);
int mc_conf_get_int(const struct mc_conf_section *s, const char *opt, long *v);
int mc_conf_get_bool(const struct mc_conf_section *s, const char *opt, bool *v);
int mc_conf_get_mac(const struct mc_conf_section *s, const char *opt,
		    uint8_t mac[6]);
int mc_conf_get_ipv4(const struct mc_conf_section *s, const char *opt,
		     struct in_addr *addr, unsigned *plen);
int mc_conf_get_ipv6(const struct mc_conf_section *s, const char *opt,
		     struct in6_addr *addr, unsigned *plen);
/* Rates in kbit/s: a single rate ('54mbit') gives up = down; a pair
 * ('10mbit/2mbit') is down/up; 'auto' is the option's default. */
int mc_conf_get_rate(const struct mc_conf_section *s, const char *opt,
		     uint64_t *down_kbit, uint64_t *up_kbit);
/* List options: number of values and the i-th (NULL past the end). */
size_t mc_conf_list_len(const struct mc_conf_section *s, const char *opt);
const char *mc_conf_list_get(const struct mc_conf_section *s, const char *opt,
			     size_t i);

/* N1..N6: the first bytes of md5(ap_ssid + "\n"). */
void mc_conf_ssid_hash(const struct mc_conf *c, uint8_t n[6]);
/* The MAC %M expanded from; -ENOENT when neither primary_mac, the caller
 * nor the lookup gave one (then no value used %M). */
int mc_conf_mac(const struct mc_conf *c, uint8_t mac[6]);
/* batadv_vlan resolved: 'auto' = 29 + ((N1 - 13) mod 256); 0 = untagged. */
int mc_conf_cloud_vid(const struct mc_conf *c);
/*
 * The 802.1ad VLAN of a LibreMesh protocol word: "batadv:ARG" (no ARG:
 * %N1) is ARG when a number, 29 + (Nk - 13) mod 256 for %N1..%N6 (as
 * lime-proto-batadv); "babeld[:ARG]" ARG or 17; -EINVAL otherwise.
 */
int mc_conf_proto_vid(const struct mc_conf *c, const char *word);
/* Does lime 'network' list protocols run proto ("batadv", "anygw",
 * "l3route")? An empty list runs every softmesh daemon. */
bool mc_conf_proto_wanted(const struct mc_conf *c, const char *proto);
/* A mesh port's VLAN: batadv:VID of its net section's protocols, else
 * the cloud's (mc_conf_cloud_vid). */
int mc_conf_port_vid(const struct mc_conf *c, const struct mc_conf_section *port);
/* The VLANs (at most max, into vids) of protocol proto ("babeld") on a
 * port: from its net section's list protocols when it has one (LibreMesh:
 * a port's list replaces the general one), else lime 'network''s. */
unsigned mc_conf_port_proto_vids(const struct mc_conf *c, const struct mc_conf_section *port,
				 const char *proto, int *vids, unsigned max);
/* Does a mesh port carry batman? When its list protocols (or, without
 * one, lime 'network''s) names batadv, or there is no list at all. */
bool mc_conf_port_batman(const struct mc_conf *c, const struct mc_conf_section *port);
/* lime 'system' log_level as an MC_LOG_* priority. */
int mc_conf_log_level(const struct mc_conf *c);

/*
 * What a reload changes for one program: the options of `mine` (its parts,
 * NULL-terminated; other daemons' options are theirs to report) whose
 * values differ between old and new, split by their MC_CONF_F_LIVE flag.
 * Names are the option's ("gateway_bandwidth") in lime sections,
 * "wan.mtu" in a named net section, "net#2.mtu" in the second anonymous
 * one, and the section alone ("wan") when only one load has it, which is
 * a restart. Both lists are NULL-terminated (NULL when empty), in print
 * order.
 */
struct mc_conf_changes {
	char **live, **restart;
	size_t nlive, nrestart;
};
int mc_conf_changes(struct mc_conf_changes *out, const struct mc_conf *old,
		    const struct mc_conf *new, const struct mc_conf_part *const *mine);
void mc_conf_changes_free(struct mc_conf_changes *ch);

#endif
