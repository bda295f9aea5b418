/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Table events: while a table's topic has listeners, the rows last told of
 * are kept per group (seeded from the table's dump command when the first
 * listener comes); the daemon reports a group's rows as they are now, and
 * what differs from the kept rows goes out as add/change/del events. Rows
 * are compared without their volatile fields, so an age ticking by is no
 * change. A client that applies the events to its dump keeps the table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/ctl_int.h"
#include "common/hash.h"
#include "common/log.h"

struct row {
	char *key;		/* the key fields' values */
	char *cmp;		/* the row without its volatile fields */
	json_object *obj;
};

struct group {
	struct mc_hnode h;
	char *key;		/* the group fields' values */
	struct row *rows;
	size_t n;
};

struct ctl_table {
	const struct mc_ctl_topic *topic;
	struct mc_hash groups;
};

/* FNV-1a: group keys are short strings of a few fields. */
static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static bool field_in(const char *name, const char *const *list)
{
	for (; list && *list; list++)
		if (!strcmp(name, *list))
			return true;
	return false;
}

/* The values of fields in obj, as JSON, joined by a unit separator. */
static char *fields_key(json_object *obj, const char *const *fields)
{
	json_object *k = json_object_new_array(), *v;
	char *s;

	for (; fields && *fields; fields++)
		json_object_array_add(k, json_object_object_get_ex(obj, *fields, &v) ?
				      json_object_get(v) : NULL);
	s = strdup(json_object_to_json_string_ext(k, JSON_C_TO_STRING_PLAIN));
	json_object_put(k);
	return s;
}

static char *row_cmp(json_object *obj, const char *const *volatile_fields)
{
	json_object *o = json_object_new_object();
	char *s;

	json_object_object_foreach(obj, name, v)
		if (!field_in(name, volatile_fields))
			json_object_object_add(o, name, json_object_get(v));
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

static const char *const *group_fields(const struct mc_ctl_topic *t)
{
	return t->group ? t->group : t->key;
}

static void row_free(struct row *r)
{
	free(r->key);
	free(r->cmp);
	json_object_put(r->obj);
}

static void group_free(struct group *g)
{
	for (size_t i = 0; i < g->n; i++)
		row_free(&g->rows[i]);
	free(g->rows);
	free(g->key);
	free(g);
}

static struct group *group_find(struct ctl_table *tb, const char *key)
{
	struct mc_hash_iter it;

	for (struct mc_hnode *e = mc_hash_first(&tb->groups, str_hash(key), &it); e;
	     e = mc_hash_next(&it)) {
		struct group *g = mc_container_of(e, struct group, h);
		if (!strcmp(g->key, key))
			return g;
	}
	return NULL;
}

/* The rows of a json array as kept rows; NULL with *n 0 for none. */
static struct row *rows_make(const struct mc_ctl_topic *t, json_object *arr, size_t *n)
{
	size_t len = arr ? json_object_array_length(arr) : 0;
	struct row *rows = len ? calloc(len, sizeof(*rows)) : NULL;

	*n = rows ? len : 0;
	for (size_t i = 0; i < *n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		rows[i] = (struct row){ fields_key(o, t->key),
					row_cmp(o, t->volatile_fields), json_object_get(o) };
	}
	return rows;
}

static void publish(struct mc_ctl_server *srv, const char *topic, const char *action,
		    json_object *row)
{
	json_object *d = json_object_new_object();

	json_object_object_add(d, "action", json_object_new_string(action));
	json_object_object_add(d, "row", json_object_get(row));
	mc_ctl_publish(srv, topic, d);
}

static const struct row *row_find(const struct row *rows, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].key && !strcmp(rows[i].key, key))
			return &rows[i];
	return NULL;
}

/* Events for old rows -> new rows of one group. */
static void group_diff(struct mc_ctl_server *srv, const char *topic,
		       const struct row *old, size_t nold, const struct row *new, size_t nnew)
{
	for (size_t i = 0; i < nnew; i++) {
		const struct row *o = row_find(old, nold, new[i].key);
		if (!o)
			publish(srv, topic, "add", new[i].obj);
		else if (strcmp(o->cmp, new[i].cmp))
			publish(srv, topic, "change", new[i].obj);
	}
	for (size_t i = 0; i < nold; i++)
		if (!row_find(new, nnew, old[i].key))
			publish(srv, topic, "del", old[i].obj);
}

static int group_store(struct ctl_table *tb, char *key, struct row *rows, size_t n)
{
	struct group *g = group_find(tb, key);

	if (g) {
		for (size_t i = 0; i < g->n; i++)
			row_free(&g->rows[i]);
		free(g->rows);
		free(key);
	} else if (n) {
		if (!(g = calloc(1, sizeof(*g))) ||
		    mc_hash_add(&tb->groups, &g->h, str_hash(key)) < 0) {
			free(g);
			free(key);
			return -ENOMEM;
		}
		g->key = key;
	} else {
		free(key);
		return 0;
	}
	g->rows = rows;
	g->n = n;
	if (!n) {
		mc_hash_del(&tb->groups, &g->h);
		group_free(g);
	}
	return 0;
}

static struct ctl_table *table_of(const struct mc_ctl_server *srv, const char *topic)
{
	for (unsigned i = 0; srv && i < srv->cfg.ntopics; i++)
		if (srv->tables[i] && !strcmp(srv->cfg.topics[i].name, topic))
			return srv->tables[i];
	return NULL;
}

bool mc_ctl_watched(const struct mc_ctl_server *srv, const char *topic)
{
	return table_of(srv, topic) != NULL;
}

void mc_ctl_group_put(struct mc_ctl_server *srv, const char *topic, json_object *group,
		      json_object *rows)
{
	struct ctl_table *tb = table_of(srv, topic);
	size_t n = 0;

	if (tb) {
		char *key = fields_key(group, group_fields(tb->topic));
		struct group *g = group_find(tb, key);
		struct row *nr = rows_make(tb->topic, rows, &n);

		/* busy until stored: a listener dropped by a send keeps tb */
		ctl_busy(srv);
		group_diff(srv, topic, g ? g->rows : NULL, g ? g->n : 0, nr, n);
		if (group_store(tb, key, nr, n) < 0) {
			for (size_t i = 0; i < n; i++)
				row_free(&nr[i]);
			free(nr);
		}
		ctl_unbusy(srv);
	}
	json_object_put(group);
	json_object_put(rows);
}

void mc_ctl_row_put(struct mc_ctl_server *srv, const char *topic, json_object *row)
{
	json_object *rows = json_object_new_array();

	json_object_array_add(rows, json_object_get(row));
	mc_ctl_group_put(srv, topic, row, rows);
}

void mc_ctl_row_del(struct mc_ctl_server *srv, const char *topic, json_object *key)
{
	mc_ctl_group_put(srv, topic, key, NULL);
}

/* A new table for topic t, holding the rows its dump command gives now. */
static struct ctl_table *table_seed(struct mc_ctl_server *srv, const struct mc_ctl_topic *t)
{
	struct ctl_table *tb = calloc(1, sizeof(*tb));
	json_object *dump;

	if (!tb || mc_hash_init(&tb->groups, 4) < 0) {
		free(tb);
		return NULL;
	}
	tb->topic = t;
	dump = ctl_run_cmd(srv, t->dump);
	for (size_t i = 0; dump && i < json_object_array_length(dump); i++) {
		json_object *o = json_object_array_get_idx(dump, i);
		char *key = fields_key(o, group_fields(t));
		struct group *g = group_find(tb, key);
		json_object *arr = json_object_new_array();
		size_t n;

		for (size_t k = 0; g && k < g->n; k++)
			json_object_array_add(arr, json_object_get(g->rows[k].obj));
		json_object_array_add(arr, json_object_get(o));
		struct row *rows = rows_make(t, arr, &n);
		json_object_put(arr);
		if (group_store(tb, key, rows, n) < 0)
			log_warn("ctl: no memory for the rows of %s", t->name);
	}
	json_object_put(dump);
	return tb;
}

static void free_one(struct mc_hnode *e, void *arg)
{
	struct ctl_table *tb = arg;

	mc_hash_del(&tb->groups, e);
	group_free(mc_container_of(e, struct group, h));
}

static void table_free(struct ctl_table *tb)
{
	if (!tb)
		return;
	mc_hash_walk(&tb->groups, free_one, tb);
	mc_hash_free(&tb->groups);
	free(tb);
}

/*
 * Seeds the tables that got listeners and frees those that lost them.
 * While the server is busy (a change being sent out may be what dropped
 * the last listener) frees wait for the last ctl_unbusy.
 */
void ctl_tables_sync(struct mc_ctl_server *srv)
{
	srv->tables_stale = false;
	for (unsigned i = 0; i < srv->cfg.ntopics; i++) {
		const struct mc_ctl_topic *t = &srv->cfg.topics[i];
		bool want = t->dump && mc_ctl_subscribers(srv, t->name) > 0;

		if (want && !srv->tables[i]) {
			srv->tables[i] = table_seed(srv, t);
		} else if (!want && srv->tables[i] && srv->busy) {
			srv->tables_stale = true;
		} else if (!want && srv->tables[i]) {
			table_free(srv->tables[i]);
			srv->tables[i] = NULL;
		}
	}
}

void ctl_tables_free(struct mc_ctl_server *srv)
{
	for (unsigned i = 0; i < srv->cfg.ntopics; i++) {
		table_free(srv->tables[i]);
		srv->tables[i] = NULL;
	}
}

static json_object *str_array(const char *const *list)
{
	json_object *a = json_object_new_array();

	for (; list && *list; list++)
		json_object_array_add(a, json_object_new_string(*list));
	return a;
}

static json_object *topic_json(const struct mc_ctl_topic *t)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "help", json_object_new_string(t->help ? t->help : ""));
	if (!t->dump)
		return o;
	json_object_object_add(o, "dump", json_object_new_string(t->dump));
	json_object_object_add(o, "key", str_array(t->key));
	json_object_object_add(o, "group", str_array(group_fields(t)));
	json_object_object_add(o, "volatile", str_array(t->volatile_fields));
	return o;
}

json_object *ctl_topics_json(const struct mc_ctl_server *srv)
{
	json_object *o = json_object_new_object();

	for (unsigned i = 0; i < srv->cfg.ntopics; i++)
		json_object_object_add(o, srv->cfg.topics[i].name,
				       topic_json(&srv->cfg.topics[i]));
	json_object_object_add(o, ctl_log_topic.name, topic_json(&ctl_log_topic));
	return o;
}
