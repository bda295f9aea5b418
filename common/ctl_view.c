/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/ctl_view.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mc_ctl_view {
	json_object *key;	/* array of field names */
	json_object *vol;	/* array of field names */
	json_object *rows;	/* object: key string -> row */
};

static json_object *names(json_object *info, const char *field)
{
	json_object *a;

	if (!json_object_object_get_ex(info, field, &a) ||
	    !json_object_is_type(a, json_type_array))
		return json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(a); i++)
		if (!json_object_is_type(json_object_array_get_idx(a, i), json_type_string))
			return json_object_new_array();
	return json_object_get(a);
}

int mc_ctl_view_new(struct mc_ctl_view **out, json_object *info)
{
	struct mc_ctl_view *v = calloc(1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	v->key = names(info, "key");
	v->vol = names(info, "volatile");
	v->rows = json_object_new_object();
	if (!json_object_array_length(v->key)) {
		mc_ctl_view_free(v);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

void mc_ctl_view_free(struct mc_ctl_view *v)
{
	if (!v)
		return;
	json_object_put(v->key);
	json_object_put(v->vol);
	json_object_put(v->rows);
	free(v);
}

/* The row's key fields as one string (the server's row key, too). */
static const char *row_key(const struct mc_ctl_view *v, json_object *row, json_object **hold)
{
	json_object *k = json_object_new_array(), *f;

	for (size_t i = 0; i < json_object_array_length(v->key); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(v->key, i));
		json_object_array_add(k, json_object_object_get_ex(row, name, &f) ?
				      json_object_get(f) : NULL);
	}
	*hold = k;
	return json_object_to_json_string_ext(k, JSON_C_TO_STRING_PLAIN);
}

static void row_set(struct mc_ctl_view *v, json_object *row)
{
	json_object *hold;
	const char *k = row_key(v, row, &hold);

	json_object_object_add(v->rows, k, json_object_get(row));
	json_object_put(hold);
}

int mc_ctl_view_load(struct mc_ctl_view *v, json_object *rows)
{
	if (!json_object_is_type(rows, json_type_array))
		return -EINVAL;
	json_object_put(v->rows);
	v->rows = json_object_new_object();
	for (size_t i = 0; i < json_object_array_length(rows); i++) {
		json_object *r = json_object_array_get_idx(rows, i);
		if (json_object_is_type(r, json_type_object))
			row_set(v, r);
	}
	return 0;
}

int mc_ctl_view_apply(struct mc_ctl_view *v, json_object *data)
{
	json_object *a, *row, *hold;
	const char *action;

	if (!json_object_object_get_ex(data, "action", &a) ||
	    !json_object_is_type(a, json_type_string) ||
	    !json_object_object_get_ex(data, "row", &row) ||
	    !json_object_is_type(row, json_type_object))
		return -EINVAL;
	action = json_object_get_string(a);
	if (!strcmp(action, "add") || !strcmp(action, "change")) {
		row_set(v, row);
	} else if (!strcmp(action, "del")) {
		json_object_object_del(v->rows, row_key(v, row, &hold));
		json_object_put(hold);
	} else {
		return -EINVAL;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The view's keys, sorted; *n of them. Free the array only. */
static const char **sorted_keys(const struct mc_ctl_view *v, size_t *n)
{
	size_t len = (size_t)json_object_object_length(v->rows), i = 0;
	const char **keys = calloc(len ? len : 1, sizeof(*keys));

	if (!keys) {
		*n = 0;
		return NULL;
	}
	json_object_object_foreach(v->rows, k, row) {
		(void)row;
		keys[i++] = k;
	}
	qsort(keys, len, sizeof(*keys), cmp_str);
	*n = len;
	return keys;
}

json_object *mc_ctl_view_rows(const struct mc_ctl_view *v)
{
	json_object *out = json_object_new_array();
	size_t n;
	const char **keys = sorted_keys(v, &n);

	for (size_t i = 0; i < n; i++)
		json_object_array_add(out, json_object_get(
			json_object_object_get(v->rows, keys[i])));
	free(keys);
	return out;
}

size_t mc_ctl_view_count(const struct mc_ctl_view *v)
{
	return (size_t)json_object_object_length(v->rows);
}

static bool is_volatile(const struct mc_ctl_view *v, const char *field)
{
	for (size_t i = 0; i < json_object_array_length(v->vol); i++)
		if (!strcmp(field, json_object_get_string(json_object_array_get_idx(v->vol, i))))
			return true;
	return false;
}

/* The field of a that b lacks or holds otherwise (volatile ones aside). */
static const char *field_diff(const struct mc_ctl_view *v, json_object *a, json_object *b)
{
	json_object *bv;

	json_object_object_foreach(a, name, av) {
		if (is_volatile(v, name))
			continue;
		if (!json_object_object_get_ex(b, name, &bv) || !json_object_equal(av, bv))
			return name;
	}
	return NULL;
}

static int row_compare(const struct mc_ctl_view *v, json_object *mine, json_object *theirs,
		       const char *key, char *msg, size_t len)
{
	const char *f;

	if ((f = field_diff(v, theirs, mine)) || (f = field_diff(v, mine, theirs))) {
		json_object *a = json_object_object_get(mine, f), *b = json_object_object_get(theirs, f);
		snprintf(msg, len, "row %s: %s is %s in the view, %s in the dump", key, f,
			 json_object_to_json_string(a), json_object_to_json_string(b));
		return -ESTALE;
	}
	return 0;
}

/* An empty view with v's key and volatile fields. */
static struct mc_ctl_view *view_like(const struct mc_ctl_view *v)
{
	struct mc_ctl_view *d = calloc(1, sizeof(*d));

	if (d) {
		d->key = json_object_get(v->key);
		d->vol = json_object_get(v->vol);
		d->rows = json_object_new_object();
	}
	return d;
}

/* The first row of a (by key) that b lacks or holds otherwise. */
static int rows_compare(const struct mc_ctl_view *a, const struct mc_ctl_view *b,
			bool a_is_view, char *msg, size_t len)
{
	size_t n;
	const char **keys = sorted_keys(a, &n);
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		json_object *ar = json_object_object_get(a->rows, keys[i]);
		json_object *br = json_object_object_get(b->rows, keys[i]);

		if (!br && a_is_view)
			snprintf(msg, len, "row %s is in the view, not in the dump", keys[i]);
		else if (!br)
			snprintf(msg, len, "row %s is in the dump, not in the view", keys[i]);
		else
			rc = row_compare(a, a_is_view ? ar : br, a_is_view ? br : ar,
					 keys[i], msg, len);
		if (!br)
			rc = -ESTALE;
	}
	free(keys);
	return rc;
}

int mc_ctl_view_compare(const struct mc_ctl_view *v, json_object *dump, char *msg,
			size_t len)
{
	struct mc_ctl_view *d = view_like(v);
	int rc;

	if (!d)
		return -ENOMEM;
	rc = mc_ctl_view_load(d, dump);
	if (rc == 0)
		rc = rows_compare(v, d, true, msg, len);
	if (rc == 0)
		rc = rows_compare(d, v, false, msg, len);
	mc_ctl_view_free(d);
	return rc;
}
