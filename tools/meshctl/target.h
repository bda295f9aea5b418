/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MESHCTL_TARGET_H
#define MESHCTL_TARGET_H

/*
 * What meshctl ping and traceroute aim at, as batctl finds it: a MAC
 * address, a name from a bat-hosts file, or an IPv4/IPv6 address (its
 * MAC from the kernel's neighbour table); then a client MAC is swapped
 * for the originator that serves it, from l2meshd's global translation
 * table. Everything here but the file reading is pure: the neighbour
 * table and l2meshd's tables come in as a callback and JSON rows, so
 * tests/unit/test_meshctl_args.c runs it without daemons.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "common/addr.h"

enum mc_target_kind {
	MC_TARGET_BAD,		/* empty, too long, spaces or control characters */
	MC_TARGET_MAC,
	MC_TARGET_IPV4,
	MC_TARGET_IPV6,
	MC_TARGET_NAME,		/* anything else: looked up in the bat-hosts files */
};

/* A MAC or IP literal is never taken for a name (batctl tries names first). */
enum mc_target_kind mc_target_classify(const char *s);

/* ---- bat-hosts: "MAC name" per line, '#' comments (batctl's format) ---- */

#define MC_BATHOST_NAME_MAX 49	/* batctl's limit */

struct mc_bathost {
	uint8_t mac[6];
	char name[MC_BATHOST_NAME_MAX + 1];
};

struct mc_bathosts {
	struct mc_bathost *v;
	size_t n, cap;
	char *paths[8];		/* the files read (realpath), each once */
	unsigned npaths;
};

/*
 * Adds path's entries to h. As in batctl a later line wins: a known MAC
 * gets the new name, a known name the new MAC. Bad lines are reported
 * to warn (when not NULL) as "path:line: ..." and skipped. A file
 * already read is not read again. -ENOENT (or another errno) when the
 * file cannot be opened, -ENOMEM.
 */
int mc_bathosts_load(struct mc_bathosts *h, const char *path, FILE *warn);
/*
 * batctl's files, in its order: /etc/bat-hosts, $HOME/bat-hosts,
 * ./bat-hosts; then softmesh's $rundir/bat-hosts (meshlab writes one per
 * node); then extra (--bat-hosts), which must exist. Missing default
 * files are skipped. 0 or the error of extra.
 */
int mc_bathosts_load_all(struct mc_bathosts *h, const char *rundir, const char *extra,
			 FILE *warn);
const struct mc_bathost *mc_bathosts_by_name(const struct mc_bathosts *h, const char *name);
const struct mc_bathost *mc_bathosts_by_mac(const struct mc_bathosts *h, const uint8_t mac[6]);
void mc_bathosts_free(struct mc_bathosts *h);

/* ---- resolution ---- */

/* The kernel's neighbour entry for ip: 0 and mac, or -ENOENT. */
typedef int mc_neigh_fn(void *user, const struct mc_ip *ip, uint8_t mac[6]);

struct mc_resolve {
	const struct mc_bathosts *hosts;
	mc_neigh_fn *neigh;
	void *neigh_user;
	json_object *tg;	/* l2meshd's transglobal rows (client, originator, best) */
	json_object *tl;	/* translocal rows: this node's own clients */
	json_object *origs;	/* originators rows, for -T (translate false) */
	bool translate;
};

struct mc_target {
	enum mc_target_kind kind;
	uint8_t mac[6];		/* what the argument names */
	uint8_t dst[6];		/* what is probed: the serving originator, or mac itself */
	bool via_tt;		/* dst came from the translation table */
};

/*
 * arg -> t, or a negative errno and a message for a person in err:
 * -EINVAL (not a target), -ENOENT (a name or IP that resolves to
 * nothing), -EHOSTUNREACH (a client of this node itself, or with -T a
 * MAC that is no originator).
 */
int mc_target_resolve(const char *arg, const struct mc_resolve *r, struct mc_target *t,
		      char *err, size_t len);

/* The originator that the "best" transglobal row gives for client; 0 or -ENOENT. */
int mc_tt_originator(json_object *tg, const uint8_t client[6], uint8_t orig[6]);
/* True when some row's key holds mac. */
bool mc_rows_have_mac(json_object *rows, const char *key, const uint8_t mac[6]);

#endif
