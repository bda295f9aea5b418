/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef WU_VIEW_H
#define WU_VIEW_H

/*
 * The JSON the pages read (doc/webui.md "Reads"), made from the daemons'
 * replies that feeds.c keeps. No I/O: the unit tests feed it replies.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "common/conf.h"

enum { WV_L2, WV_L3, WV_AC, WV_LS, WV_DAEMONS };

enum wv_slot {
	WV_L2_STATUS, WV_L2_ORIGS, WV_L2_NEIGH, WV_L2_STATS, WV_L2_IFACE,
	WV_L3_STATUS, WV_L3_LINKS, WV_L3_ORIGS, WV_L3_GWS,
	WV_AC_STATUS, WV_AC_LEASES, WV_AC_DHCP, WV_AC_DNS,
	WV_LS_STATUS, WV_LS_SYNC, WV_LS_R66, WV_LS_R68,
	WV_SLOTS
};

/* the reads a change can touch; streams are told their names */
#define WV_W_STATUS 1u
#define WV_W_NEIGH 2u
#define WV_W_MAP 4u
#define WV_W_GW 8u
#define WV_W_CLIENTS 16u
#define WV_W_SETTINGS 32u
#define WV_W_ALL 63u

struct wv_daemon_def {
	const char *name;
	const char *topics[5];	/* table topics subscribed to; NULL-ended */
	const char *protocol;	/* the list protocols word that runs it; NULL: always */
};

struct wv_slot_def {
	unsigned daemon;
	const char *req;	/* the request, JSON text */
	unsigned what;		/* WV_W_* a change of its data touches */
};

extern const struct wv_daemon_def wv_daemons[WV_DAEMONS];
extern const struct wv_slot_def wv_slots[WV_SLOTS];

/* a node the map has shown: kept as `gone` for WV_GONE_MS after */
/* a record's data as leasesyncd prints it, unescaped (its limit: 65000) */
#define WV_RECORD_MAX 65536

#define WV_SEEN_MAX 512
#define WV_GONE_MS 600000u
struct wv_seen {
	char id[48], name[64], layer[4];
	uint64_t up_ms;
};

struct wv_data {
	json_object *c[WV_SLOTS];	/* the last reply's data; NULL: none */
	bool up[WV_DAEMONS];		/* its control socket is connected */
	const struct mc_conf *conf;	/* the running config */
	bool password_set;
	struct wv_seen seen[WV_SEEN_MAX];
	unsigned nseen;
};

/* "status","neighbours",... of the bits, as a JSON array's text */
void wv_what_json(unsigned what, char *buf, size_t len);

json_object *wv_status(const struct wv_data *v);
json_object *wv_neighbours(const struct wv_data *v);
json_object *wv_map(struct wv_data *v, uint64_t now_ms);
json_object *wv_gateways(const struct wv_data *v);
json_object *wv_clients(const struct wv_data *v, int64_t unix_now);
json_object *wv_settings(const struct wv_data *v);
/* Prometheus text (doc/webui.md "Metrics") */
void wv_metrics(const struct wv_data *v, FILE *f);

/* alfred -r's escaping undone (\xNN), into buf; its length */
size_t wv_unescape(const char *s, char *buf, size_t len);

#endif
