/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meshctl reload [DAEMON]: the daemon (or every daemon with a socket in
 * rundir) reads its config files again (doc/control.md, "reload"). A
 * refused config changes nothing and is reported with its errors.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tools/meshctl/meshctl.h"

#define RELOAD_MAX 32	/* daemons one rundir holds; five today */

static void names_print(json_object *data, const char *key)
{
	/* a reply of another shape (not an object, not an array) is none */
	json_object *a = json_object_is_type(data, json_type_object) ?
			 json_object_object_get(data, key) : NULL;
	size_t n = json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;

	if (!n)
		fputs("none", stdout);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? ", " : "",
		       json_object_get_string(json_object_array_get_idx(a, i)));
}

/* One daemon: 0, 1 (refused: the daemon's errors were printed) or
 * EXIT_NOT_RUNNING. quiet: a daemon that is not running says nothing. */
static int reload_one(const struct opts *o, const char *daemon, json_object *all,
		      bool quiet)
{
	json_object *req = mc_request("reload"), *data = NULL;
	int rc = mc_call(o, daemon, req, &data, quiet);

	json_object_put(req);
	if (rc == 0 && o->json) {
		json_object_object_add(all, daemon, data ? data : json_object_new_object());
		return 0;
	}
	if (rc == 0) {
		printf("%s: applied: ", daemon);
		names_print(data, "applied");
		fputs("; needs a restart: ", stdout);
		names_print(data, "restart");
		putchar('\n');
	} else if (rc != EXIT_NOT_RUNNING && o->json) {
		json_object_object_add(all, daemon, NULL);
	}
	json_object_put(data);
	return rc;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The daemons with a socket in rundir, sorted; their count. */
static size_t sockets(const struct opts *o, char *names[RELOAD_MAX])
{
	DIR *d = opendir(o->rundir);
	struct dirent *de;
	size_t n = 0;

	while (d && (de = readdir(d)) && n < RELOAD_MAX) {
		size_t len = strlen(de->d_name);

		/* (leasesyncd's alfred socket speaks alfred, not JSON) */
		if (len > 5 && !strcmp(de->d_name + len - 5, ".sock") &&
		    strcmp(de->d_name, "alfred.sock"))
			names[n++] = strndup(de->d_name, len - 5);
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);
	return n;
}

static int reload_all(const struct opts *o, json_object *all)
{
	char *names[RELOAD_MAX];
	size_t n = sockets(o, names);
	int rc = 0, running = 0;

	for (size_t i = 0; i < n; i++) {
		int r = names[i] ? reload_one(o, names[i], all, true) : 1;

		running += r != EXIT_NOT_RUNNING;
		if (r && r != EXIT_NOT_RUNNING)
			rc = 1;
		free(names[i]);
	}
	if (!running) {
		fprintf(stderr, "meshctl: reload: no daemon running in %s\n", o->rundir);
		return EXIT_NOT_RUNNING;
	}
	return rc;
}

int cmd_reload(const struct opts *o, int argc, char **argv)
{
	json_object *all;
	struct opts lo;
	int rc, first;
	char err[MC_ARGS_ERRLEN];

	if ((rc = mc_args_simple(o, argc, argv, 0, 1, &lo, &first)) >= 0)
		return rc;
	if (first < argc && (!*argv[first] || strchr(argv[first], '/'))) {
		snprintf(err, sizeof(err), "reload: bad daemon name '%s'", argv[first]);
		return mc_args_exit(-EINVAL, err, argv[0]);
	}
	all = json_object_new_object();
	rc = first < argc ? reload_one(&lo, argv[first], all, false) : reload_all(&lo, all);
	if (lo.json && rc != EXIT_NOT_RUNNING)
		mc_print_json(all);
	json_object_put(all);
	return rc;
}
