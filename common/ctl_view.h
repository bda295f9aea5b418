/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_CTL_VIEW_H
#define MC_CTL_VIEW_H

/*
 * A client's copy of a daemon's table, kept from one dump plus the table
 * topic's add/change/del events (doc/control.md#events). Pure: JSON in,
 * JSON out; the caller does the talking (subscribe first, then dump, and
 * drop the events that come before the dump's reply: the dump holds them).
 */

#include <stddef.h>

#include <json-c/json.h>

struct mc_ctl_view;

/* For the topic described by info (one entry of the "topics" reply:
 * "key" and "volatile" arrays). -EINVAL when info names no key. */
int mc_ctl_view_new(struct mc_ctl_view **out, json_object *info);
void mc_ctl_view_free(struct mc_ctl_view *v);
/* Replaces the rows with a dump's (an array of row objects). */
int mc_ctl_view_load(struct mc_ctl_view *v, json_object *rows);
/* Applies one event's data {"action":"add"|"change"|"del","row":{...}};
 * -EINVAL for anything else (the view is unchanged). */
int mc_ctl_view_apply(struct mc_ctl_view *v, json_object *data);
/* The rows, ordered by key: a new array. */
json_object *mc_ctl_view_rows(const struct mc_ctl_view *v);
size_t mc_ctl_view_count(const struct mc_ctl_view *v);
/*
 * 0 when the view holds exactly the rows of dump, volatile fields aside;
 * else -ESTALE with the first difference described in msg.
 */
int mc_ctl_view_compare(const struct mc_ctl_view *v, json_object *dump, char *msg,
			size_t len);

#endif
