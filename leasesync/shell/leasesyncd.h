/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef LS_LEASESYNCD_H
#define LS_LEASESYNCD_H

#include <stdbool.h>
#include <stdint.h>

#include <ev.h>

#include "common/daemon.h"
#include "common/nl.h"
#include "leasesync/core/ls.h"

/* One client of the alfred socket (unix.c). */
struct lsd_client {
	struct lsd_client *next;
	struct lsd *l;
	int fd;
	ev_io io;
	ev_timer timeout;
	uint8_t *in;		/* the request being read */
	size_t in_len, in_cap;
	uint8_t *out;		/* the reply being written */
	size_t out_len, out_off;
	bool listener;		/* alfred -E: kept for events */
	bool pending;		/* waits for a primary's answer */
	bool closing;		/* close once out is written */
	uint8_t req_type;
	uint16_t tx_id;
};

struct lsd_counters {
	uint64_t unix_requests, unix_malformed, unix_refused, unix_timeout;
	uint64_t send_errors, state_writes;
};

/* An originator of l2meshd's, as mesh.c last saw it. */
struct lsd_orig {
	uint8_t mac[6];
	bool up;		/* heard within LSD_MESH_LOST_MS */
	bool now_up;		/* so in the answer being read */
};
#define LSD_MESH_ORIGS 2048

struct mc_ctl_aclient;

/* An alfred -s that came before the interface (unix.c). */
struct lsd_pending {
	uint8_t source[6];
	uint8_t type, version;
	uint8_t *data;
	size_t len;
};
#define LSD_PENDING_MAX 64

struct lsd {
	struct mc_daemon *d;
	struct ls_node *core;		/* made once the interface is there */
	struct ls_config cfg;
	struct mc_nl *nl;
	char ifname[16];
	char bat_iface[16];		/* what alfred -B set: shown only */
	int ifindex;
	uint8_t mac[6];
	uint8_t ll[16];			/* our EUI-64 link-local address */
	int fd;
	ev_io io;
	struct mc_timer tick, retry;
	ev_prepare flush;
	bool state_dirty;
	char state_path[256];
	char sock_path[108];
	int ufd;
	ev_io uio;
	struct lsd_client *clients;
	unsigned nclients;
	struct lsd_counters c;
	struct mc_timer nodeinfo_timer;
	struct mc_timer mesh_timer;	/* mesh.c */
	struct mc_ctl_aclient *mesh;
	bool mesh_pending, mesh_gone;
	long mesh_lost_ms;		/* an originator this silent is gone */
	unsigned fetch_asked;		/* nodes asked at start (ls_fetch_from) */
	unsigned repokes;		/* pokes still to come after a mesh change */
	uint64_t repoke_ms;		/* when the next one is due */
	struct lsd_pending pending[LSD_PENDING_MAX];
	unsigned npending;
	struct lsd_orig origs[LSD_MESH_ORIGS];
	unsigned norigs;
	char nodeinfo[4096];		/* the node-info record last set */
	uint64_t nodeinfo_ms;
};

#define LSD_NODEINFO_TYPE 68	/* softmesh's node info (JSON) */

/* leasesyncd.c */
void lsd_rearm(struct lsd *l);
uint64_t lsd_now(const struct lsd *l);

/* unix.c: alfred's client protocol on the unix socket */
int lsd_unix_open(struct lsd *l);
void lsd_unix_close(struct lsd *l);
void lsd_unix_event(struct lsd *l, uint8_t type, const uint8_t source[6]);
void lsd_unix_request_done(struct lsd *l, struct lsd_client *c, bool ok);
/* Sets before the core exists, kept, and applied once it does. */
int lsd_pending_add(struct lsd *l, const uint8_t source[6], uint8_t type, uint8_t version,
		    const uint8_t *data, size_t len);
void lsd_pending_apply(struct lsd *l);

/* keep.c: own records across restarts */
void lsd_keep_load(struct lsd *l);
void lsd_keep_save(struct lsd *l);
/* One line of the state file into a record: 0 or -EINVAL (fuzzed). */
int lsd_keep_parse(const char *line, uint8_t source[6], uint8_t *type, uint8_t *version,
		   uint8_t *data, size_t cap, size_t *len);

/* nodeinfo.c: this node's node-info record */
void lsd_nodeinfo_start(struct lsd *l);
void lsd_nodeinfo_stop(struct lsd *l);
void lsd_nodeinfo_update(struct lsd *l);

/* mesh.c: l2meshd's originators; a node back pokes the core */
void lsd_mesh_start(struct lsd *l);
void lsd_mesh_stop(struct lsd *l);

/* ctl.c */
extern const struct mc_ctl_cmd lsd_cmds[];
extern const unsigned lsd_ncmds;
extern const struct mc_ctl_topic lsd_topics[];
extern const unsigned lsd_ntopics;
void lsd_status(struct mc_daemon *d, json_object *status);
void lsd_record_event(struct lsd *l, uint8_t type, const uint8_t source[6],
		      const struct ls_rec *r);

#endif
