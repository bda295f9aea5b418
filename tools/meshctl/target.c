/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Targets of meshctl ping/traceroute (target.h): classification, the
 * bat-hosts files, and the way from a name or IP to the originator to
 * probe, following batctl (bat-hosts.c, functions.c): a client MAC maps
 * to the originator of its best global translation table entry; a MAC
 * the table does not know is probed as it is.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tools/meshctl/target.h"

enum mc_target_kind mc_target_classify(const char *s)
{
	uint8_t buf[16];
	size_t n = strlen(s);

	if (!n || n > MC_BATHOST_NAME_MAX)
		return MC_TARGET_BAD;
	for (const char *c = s; *c; c++)
		if (isspace((unsigned char)*c) || iscntrl((unsigned char)*c))
			return MC_TARGET_BAD;
	if (mc_mac_parse(s, buf) == 0)
		return MC_TARGET_MAC;
	if (inet_pton(AF_INET, s, buf) == 1)
		return MC_TARGET_IPV4;
	if (inet_pton(AF_INET6, s, buf) == 1)
		return MC_TARGET_IPV6;
	return MC_TARGET_NAME;
}

/* ------------------------------------------------------------ bat-hosts */

const struct mc_bathost *mc_bathosts_by_name(const struct mc_bathosts *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->v[i].name, name))
			return &h->v[i];
	return NULL;
}

const struct mc_bathost *mc_bathosts_by_mac(const struct mc_bathosts *h, const uint8_t mac[6])
{
	for (size_t i = 0; i < h->n; i++)
		if (!memcmp(h->v[i].mac, mac, 6))
			return &h->v[i];
	return NULL;
}

/* A later line wins: the MAC's entry is renamed, the name's entry moves. */
static int bathosts_put(struct mc_bathosts *h, const uint8_t mac[6], const char *name)
{
	struct mc_bathost *e = (struct mc_bathost *)mc_bathosts_by_mac(h, mac);
	const struct mc_bathost *same = mc_bathosts_by_name(h, name);

	if (same && same != e) {	/* the name leaves its old MAC */
		size_t i = (size_t)(same - h->v);
		if (e == &h->v[h->n - 1])
			e = &h->v[i];
		h->v[i] = h->v[--h->n];
	}
	if (!e) {
		if (h->n == h->cap) {
			size_t cap = h->cap ? h->cap * 2 : 32;
			struct mc_bathost *v = realloc(h->v, cap * sizeof(*v));
			if (!v)
				return -ENOMEM;
			h->v = v;
			h->cap = cap;
		}
		e = &h->v[h->n++];
		memcpy(e->mac, mac, 6);
	}
	snprintf(e->name, sizeof(e->name), "%s", name);
	return 0;
}

__attribute__((format(printf, 4, 5)))
static void warnf(FILE *warn, const char *path, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (!warn)
		return;
	fprintf(warn, "meshctl: %s:%u: ", path, line);
	va_start(ap, fmt);
	vfprintf(warn, fmt, ap);
	va_end(ap);
	fputc('\n', warn);
}

/* One line: blank, '#' comment, or "MAC name" (more words are ignored, as in batctl). */
static int bathosts_line(struct mc_bathosts *h, char *s, const char *path, unsigned ln,
			 FILE *warn)
{
	char *save = NULL, *mac_s = strtok_r(s, " \t\r\n", &save);
	char *name = mac_s ? strtok_r(NULL, " \t\r\n", &save) : NULL;
	uint8_t mac[6];

	if (!mac_s || mac_s[0] == '#')
		return 0;
	if (!name || mc_target_classify(name) == MC_TARGET_BAD) {
		warnf(warn, path, ln, "want \"MAC name\" (a name of 1 to %d characters)",
		      MC_BATHOST_NAME_MAX);
		return 0;
	}
	if (mc_mac_parse(mac_s, mac) < 0) {
		warnf(warn, path, ln, "'%s' is not a MAC address", mac_s);
		return 0;
	}
	return bathosts_put(h, mac, name);
}

/* True (and remembered) when path was read before. */
static bool bathosts_seen(struct mc_bathosts *h, const char *path)
{
	char *real = realpath(path, NULL);

	if (!real)
		return false;
	for (unsigned i = 0; i < h->npaths; i++) {
		if (!strcmp(h->paths[i], real)) {
			free(real);
			return true;
		}
	}
	if (h->npaths < sizeof(h->paths) / sizeof(h->paths[0]))
		h->paths[h->npaths++] = real;
	else
		free(real);
	return false;
}

int mc_bathosts_load(struct mc_bathosts *h, const char *path, FILE *warn)
{
	FILE *f = fopen(path, "r");
	char line[256];
	unsigned ln = 0;
	int rc = 0;

	if (!f)
		return -errno;
	if (bathosts_seen(h, path)) {
		fclose(f);
		return 0;
	}
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		ln++;
		if (!strchr(line, '\n') && !feof(f)) {
			warnf(warn, path, ln, "line too long");
			int c;
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		rc = bathosts_line(h, line, path, ln, warn);
	}
	fclose(f);
	return rc;
}

int mc_bathosts_load_all(struct mc_bathosts *h, const char *rundir, const char *extra,
			 FILE *warn)
{
	const char *home = getenv("HOME");
	char path[PATH_MAX];

	mc_bathosts_load(h, "/etc/bat-hosts", warn);
	if (home && snprintf(path, sizeof(path), "%s/bat-hosts", home) < (int)sizeof(path))
		mc_bathosts_load(h, path, warn);
	mc_bathosts_load(h, "bat-hosts", warn);
	if (rundir && snprintf(path, sizeof(path), "%s/bat-hosts", rundir) < (int)sizeof(path))
		mc_bathosts_load(h, path, warn);
	return extra ? mc_bathosts_load(h, extra, warn) : 0;
}

void mc_bathosts_free(struct mc_bathosts *h)
{
	for (unsigned i = 0; i < h->npaths; i++)
		free(h->paths[i]);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/* ----------------------------------------------------------- resolution */

static bool row_mac(json_object *row, const char *key, uint8_t mac[6])
{
	json_object *v;

	return json_object_object_get_ex(row, key, &v) &&
	       json_object_is_type(v, json_type_string) &&
	       mc_mac_parse(json_object_get_string(v), mac) == 0;
}

bool mc_rows_have_mac(json_object *rows, const char *key, const uint8_t mac[6])
{
	uint8_t m[6];

	for (size_t i = 0; json_object_is_type(rows, json_type_array) &&
			   i < json_object_array_length(rows); i++)
		if (row_mac(json_object_array_get_idx(rows, i), key, m) && !memcmp(m, mac, 6))
			return true;
	return false;
}

int mc_tt_originator(json_object *tg, const uint8_t client[6], uint8_t orig[6])
{
	uint8_t m[6];

	for (size_t i = 0; json_object_is_type(tg, json_type_array) &&
			   i < json_object_array_length(tg); i++) {
		json_object *row = json_object_array_get_idx(tg, i), *best;
		if (row_mac(row, "client", m) && !memcmp(m, client, 6) &&
		    json_object_object_get_ex(row, "best", &best) &&
		    json_object_get_boolean(best) && row_mac(row, "originator", orig))
			return 0;
	}
	return -ENOENT;
}

__attribute__((format(printf, 4, 5)))
static int refuse(int rc, char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return rc;
}

static int ip_mac(const char *arg, const struct mc_resolve *r, struct mc_target *t,
		  char *err, size_t len)
{
	struct mc_ip ip = { .family = t->kind == MC_TARGET_IPV4 ? AF_INET : AF_INET6 };

	ip.plen = ip.family == AF_INET ? 32 : 128;
	inet_pton(ip.family, arg, ip.a);
	if (!r->neigh || r->neigh(r->neigh_user, &ip, t->mac) < 0)
		return refuse(-ENOENT, err, len, "%s: no MAC address known for it (the kernel "
			      "has no neighbour entry; nothing answered ARP/ND)", arg);
	return 0;
}

/* t->mac from arg, by its kind. */
static int target_mac(const char *arg, const struct mc_resolve *r, struct mc_target *t,
		      char *err, size_t len)
{
	const struct mc_bathost *h;

	switch (t->kind) {
	case MC_TARGET_MAC:
		return mc_mac_parse(arg, t->mac);
	case MC_TARGET_IPV4:
	case MC_TARGET_IPV6:
		return ip_mac(arg, r, t, err, len);
	case MC_TARGET_NAME:
		if (!r->hosts || !(h = mc_bathosts_by_name(r->hosts, arg)))
			return refuse(-ENOENT, err, len, "unknown name '%s': no bat-hosts file "
				      "names it", arg);
		memcpy(t->mac, h->mac, 6);
		return 0;
	default:
		return refuse(-EINVAL, err, len, "'%s' is not a MAC address, an IP address or a "
			      "bat-hosts name", arg);
	}
}

/* t->dst: the originator serving t->mac, as batctl's translate_mac. */
static int target_dst(const char *arg, const struct mc_resolve *r, struct mc_target *t,
		      char *err, size_t len)
{
	char s[MC_MAC_STRLEN];

	mc_mac_format(t->mac, s, sizeof(s));
	memcpy(t->dst, t->mac, 6);
	if (!r->translate) {
		if (r->origs && !mc_rows_have_mac(r->origs, "originator", t->mac))
			return refuse(-EHOSTUNREACH, err, len, "%s (%s) is no originator, and -T "
				      "keeps it from being looked up as a client", arg, s);
		return 0;
	}
	if (mc_rows_have_mac(r->tl, "client", t->mac))
		return refuse(-EHOSTUNREACH, err, len, "%s (%s) is on this node (meshctl tl): "
			      "there is nothing to reach over the mesh", arg, s);
	t->via_tt = mc_tt_originator(r->tg, t->mac, t->dst) == 0;
	return 0;
}

int mc_target_resolve(const char *arg, const struct mc_resolve *r, struct mc_target *t,
		      char *err, size_t len)
{
	static const uint8_t zero[6];
	int rc;

	memset(t, 0, sizeof(*t));
	t->kind = mc_target_classify(arg);
	if ((rc = target_mac(arg, r, t, err, len)) < 0)
		return rc;
	if (mc_mac_is_multicast(t->mac) || !memcmp(t->mac, zero, 6))
		return refuse(-EINVAL, err, len, "%s: not a unicast MAC address", arg);
	return target_dst(arg, r, t, err, len);
}
