/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What changed between two loads of one schema, for a reload: each changed
 * option that concerns a program, as applied live or needing a restart.
 */
#include "common/conf_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct diff {
	const struct mc_conf_part *const *mine;
	struct mc_conf_changes *out;
	bool oom;
};

static bool is_mine(const struct diff *d, const struct mc_conf_part *p)
{
	for (size_t i = 0; d->mine[i]; i++)
		if (d->mine[i] == p)
			return true;
	return false;
}

/* The position of s among the anonymous sections of its type, from 1. */
static size_t anon_pos(const struct mc_conf *c, const struct mc_conf_section *s)
{
	size_t n = 0;

	for (size_t i = 0; i <= s->idx; i++)
		n += !c->secs[i]->name && c->secs[i]->sch == s->sch;
	return n;
}

/* The section of `other` that s (of c) is: same name, or the same
 * position among the anonymous sections of the type. */
static const struct mc_conf_section *sec_match(const struct mc_conf *c,
					       const struct mc_conf_section *s,
					       const struct mc_conf *other)
{
	size_t pos = s->name ? 0 : anon_pos(c, s), n = 0;

	for (size_t i = 0; i < other->nsecs; i++) {
		const struct mc_conf_section *o = other->secs[i];

		if (s->name && o->name && !strcmp(s->name, o->name))
			return o->sch == s->sch ? o : NULL;
		if (!s->name && !o->name && o->sch == s->sch && ++n == pos)
			return o;
	}
	return NULL;
}

/* "gateway_bandwidth" in a section with a fixed name, "wan.mtu" in a
 * named one of a nameless type, "net#2.mtu" in the second anonymous one;
 * without opt, the section alone. */
static void where(const struct mc_conf *c, const struct mc_conf_section *s,
		  const char *opt, char *buf, size_t len)
{
	if (s->sch->name && opt)
		snprintf(buf, len, "%s", opt);
	else if (s->name)
		snprintf(buf, len, "%s%s%s", s->name, opt ? "." : "", opt ? opt : "");
	else
		snprintf(buf, len, "%s#%zu%s%s", s->sch->type, anon_pos(c, s),
			 opt ? "." : "", opt ? opt : "");
}

static void add(struct diff *d, bool live, const char *what)
{
	char ***list = live ? &d->out->live : &d->out->restart;
	size_t *n = live ? &d->out->nlive : &d->out->nrestart;
	char **v = realloc(*list, (*n + 2) * sizeof(**list));

	if (!v || !(v[*n] = strdup(what))) {
		d->oom = true;
		if (v)
			*list = v;
		return;
	}
	*list = v;
	v[++*n] = NULL;
}

static bool opt_same(const struct conf_values *a, const struct conf_values *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].s, b->v[i].s))
			return false;
	return true;
}

static void diff_section(struct diff *d, const struct mc_conf *c,
			 const struct mc_conf_section *s,
			 const struct mc_conf_section *was)
{
	char buf[160];

	for (size_t k = 0; k < s->sch->nopts; k++) {
		if (!is_mine(d, s->sch->owner[k]) || opt_same(&s->opts[k], &was->opts[k]))
			continue;
		where(c, s, s->sch->opts[k]->name, buf, sizeof(buf));
		add(d, s->sch->opts[k]->flags & MC_CONF_F_LIVE, buf);
	}
}

/* A section only one load has: a restart, if any option of it is ours. */
static void diff_whole(struct diff *d, const struct mc_conf *c,
		       const struct mc_conf_section *s)
{
	char buf[160];

	for (size_t k = 0; k < s->sch->nopts; k++) {
		if (is_mine(d, s->sch->owner[k])) {
			where(c, s, NULL, buf, sizeof(buf));
			add(d, false, buf);
			return;
		}
	}
}

void mc_conf_changes_free(struct mc_conf_changes *ch)
{
	for (size_t i = 0; i < ch->nlive; i++)
		free(ch->live[i]);
	for (size_t i = 0; i < ch->nrestart; i++)
		free(ch->restart[i]);
	free(ch->live);
	free(ch->restart);
	memset(ch, 0, sizeof(*ch));
}

int mc_conf_changes(struct mc_conf_changes *out, const struct mc_conf *old,
		    const struct mc_conf *new, const struct mc_conf_part *const *mine)
{
	struct diff d = { .mine = mine, .out = out };

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < new->nsecs && !d.oom; i++) {
		const struct mc_conf_section *was = sec_match(new, new->secs[i], old);

		if (was)
			diff_section(&d, new, new->secs[i], was);
		else
			diff_whole(&d, new, new->secs[i]);
	}
	for (size_t i = 0; i < old->nsecs && !d.oom; i++)
		if (!sec_match(old, old->secs[i], new))
			diff_whole(&d, old, old->secs[i]);
	if (d.oom) {
		mc_conf_changes_free(out);
		return -ENOMEM;
	}
	return 0;
}
