/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_CONF_LIME_H
#define MC_CONF_LIME_H

/*
 * The names LibreMesh's own config files use (lime-defaults,
 * lime-community, lime-node: lime-packages' lime-example.txt) that
 * softmesh reads differently or not at all (doc/config.md "LibreMesh's
 * files"). Pure tables, used by the loader (conf_load.c).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A section type LibreMesh uses for things softmesh does not manage
 * (radios, other UCI files, ground routing, BGP peers). */
bool mc_conf_lime_foreign_type(const char *type);
/* An option LibreMesh has in section `name` (lime 'system', 'network',
 * 'wifi') or in a section of type `type` (net) that softmesh does not use. */
bool mc_conf_lime_foreign_opt(const char *type, const char *name, const char *opt);
/* softmesh's option (and in *sec the name of its lime section) that
 * LibreMesh's `opt` of lime section `name` sets, or NULL: network's
 * batadv_orig_interval sets orig_interval, resolvers dns_upstream,
 * primary_interface system's primary_interface. */
const char *mc_conf_lime_alias(const char *name, const char *opt, const char **sec);

/*
 * LibreMesh's protocol words (`list protocols`: "batadv:%N1", "babeld:17",
 * "anygw", "lan"): what softmesh does with the name before the first ':'.
 * RUN: a softmesh daemon runs it (batadv l2meshd, anygw anycastd, and
 * softmesh's own l3route l3routed; *daemon is its name); PORT: a port's
 * kind (lan, wan, static, manual); FOREIGN: LibreMesh has it and softmesh
 * does not run it (other routing daemons; radio modes, whose *daemon is
 * "radio"); UNKNOWN: no one
 * has it (a misspelling).
 */
enum mc_lime_proto { MC_LIME_PROTO_UNKNOWN, MC_LIME_PROTO_RUN, MC_LIME_PROTO_PORT,
		     MC_LIME_PROTO_FOREIGN };
enum mc_lime_proto mc_conf_lime_proto(const char *word, const char **daemon);
/* Is word ("batadv:%N1", "anygw") protocol name's? */
bool mc_conf_lime_proto_is(const char *word, const char *name);
/* The names of every known protocol, ", "-separated, for an error message. */
const char *mc_conf_lime_proto_names(void);

/*
 * main_ipv4_address / main_ipv6_address as LibreMesh reads them (its
 * network.primary_address): "A/L/H" is the address space /H inside the
 * network /L; when A is a network address (host bits zero for /H) the
 * host part is the MAC's M4 M5 M6 modulo the host space (for IPv6 at
 * most 24 bits). 1 and out "ADDR/L" when in is such a form, 0 when it is
 * a plain "ADDR/L" (or not an address: the value check reports it), -1
 * when the MAC is needed and mac is NULL.
 */
int mc_conf_lime_gen4(const char *in, const uint8_t *mac, char *out, size_t len);
int mc_conf_lime_gen6(const char *in, const uint8_t *mac, char *out, size_t len);

#endif
