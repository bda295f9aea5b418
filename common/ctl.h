/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_CTL_H
#define MC_CTL_H

/*
 * Control sockets: a unix stream socket $rundir/<daemon>.sock (mode 0660)
 * speaking one JSON request per line and one JSON reply per line
 * (doc/control.md). The server lives in a libev loop. Two clients: a
 * blocking one (meshctl's one-shot commands) and one on libev
 * (common/ctl_aclient.h) for programs that hold many requests and
 * subscriptions at once (webuid, meshctl watch).
 *
 * Events: a daemon declares its topics. A table's topic names the command
 * that dumps the table and the fields that key a row; the daemon reports
 * the rows it changed (mc_ctl_row_put/del, mc_ctl_group_put) and the
 * server turns them into add/change/del events, so that a client can keep
 * the table from one dump plus the events (babeld's `monitor`).
 */

#include <stdbool.h>
#include <stdint.h>

#include <ev.h>
#include <json-c/json.h>

#include "common/ctl_json.h"

/* Clients one daemon serves at once; more are refused with an error line. */
#define MC_CTL_CLIENTS_MAX 64
/* A client that holds half a request this long is closed; when all slots
 * are taken, a new client replaces the longest idle one that subscribes
 * to nothing and has been silent at least MC_CTL_EVICT_IDLE_S. */
#define MC_CTL_PARTIAL_S 5.0
/* Reads of 16 KiB and requests from one client per wake-up: a client
 * streaming junk, or valid requests back to back, cannot hold the loop
 * (its watchers also run after every other). What it sent beyond that is
 * served when nothing else is pending (an idle watcher), and its socket
 * is not read meanwhile. */
#define MC_CTL_READS_PER_WAKE 4
#define MC_CTL_REQS_PER_WAKE 8
#define MC_CTL_EVICT_IDLE_S 1.0
/* Unsent output a client may hold; a subscriber that lags further is cut.
 * One message alone may be larger (a big table as a reply). */
#define MC_CTL_OUTBUF_MAX (1u << 20)
/* Topics one client may subscribe to; topic names are shorter than this. */
#define MC_CTL_SUBS_MAX 16
#define MC_CTL_TOPIC_MAX 32

struct mc_ctl_server;

/*
 * A command handler. Returns 0 with *data set (or NULL) for
 * {"ok":true,"data":...}, or a negative errno with *err set to a message
 * (static or in errbuf) for {"ok":false,"error":...}.
 */
typedef int (*mc_ctl_fn)(json_object *req, json_object **data,
			 const char **err, void *user);

struct mc_ctl_cmd {
	const char *name;
	mc_ctl_fn fn;
	const char *help;	/* one line, shown by "help" */
};

/*
 * A topic. For a table's topic, `dump` is the command whose reply is the
 * table (an array of rows), `key` the fields that identify a row, `group`
 * the fields of `key` under which the daemon reports rows together (NULL:
 * the whole key; an originator's rows, one per candidate next hop, form
 * one group), and `volatile_fields` those that change without an event
 * (ages, counters). For a plain event stream dump is NULL.
 */
struct mc_ctl_topic {
	const char *name;
	const char *help;
	const char *dump;
	const char *const *key;			/* NULL-terminated */
	const char *const *group;		/* NULL-terminated, or NULL */
	const char *const *volatile_fields;	/* NULL-terminated, or NULL */
};

struct mc_ctl_server_cfg {
	const char *daemon;	/* name in "status" and the socket file name */
	const char *version;
	const struct mc_ctl_cmd *cmds;	/* the daemon's own commands */
	unsigned ncmds;
	const struct mc_ctl_topic *topics;	/* the daemon's own topics */
	unsigned ntopics;
	void *user;		/* passed to every handler */
	/* Extra fields for the built-in "status" (may be NULL). */
	void (*status)(json_object *status, void *user);
};

/*
 * Binds $rundir/<daemon>.sock (replacing a stale socket, refusing a live
 * one with -EADDRINUSE), mode 0660, and starts serving in loop. The server
 * also becomes the log sink (mc_log_set_sink) for the "log" topic.
 */
int mc_ctl_server_open(struct mc_ctl_server **out, struct ev_loop *loop,
		       const char *rundir, const struct mc_ctl_server_cfg *cfg);
/* Stops serving, closes every client and unlinks the socket. */
void mc_ctl_server_close(struct mc_ctl_server *srv);
const char *mc_ctl_server_path(const struct mc_ctl_server *srv);

/* Sends {"event":topic,"data":data} to every client subscribed to topic;
 * takes ownership of data (the caller must not put it). */
void mc_ctl_publish(struct mc_ctl_server *srv, const char *topic, json_object *data);
/* Subscribers currently listening to topic (so events can be skipped). */
unsigned mc_ctl_subscribers(const struct mc_ctl_server *srv, const char *topic);

/*
 * Table events. While anyone listens to a table's topic the server keeps
 * the rows it last told of (seeded from the dump command when the first
 * subscriber comes), and each call below publishes
 *	{"event":topic,"data":{"action":"add"|"change"|"del","row":{...}}}
 * for what really changed, leaving out changes only to volatile fields.
 * Nobody listening: the calls cost a lookup and do nothing. All take
 * ownership of their json arguments (srv may be NULL: they only free).
 */
/* One group's rows now (rows NULL or empty: the group is gone); group
 * holds at least the group's fields. */
void mc_ctl_group_put(struct mc_ctl_server *srv, const char *topic,
		      json_object *group, json_object *rows);
/* The row as it is now (a topic whose group is its key). */
void mc_ctl_row_put(struct mc_ctl_server *srv, const char *topic, json_object *row);
/* The row with these key fields is gone. */
void mc_ctl_row_del(struct mc_ctl_server *srv, const char *topic, json_object *key);
/* Whether anyone listens to topic: build rows only then. */
bool mc_ctl_watched(const struct mc_ctl_server *srv, const char *topic);

/* $SOFTMESH_RUNDIR, else /run/softmesh. */
const char *mc_ctl_default_rundir(void);
/* "$rundir/<daemon>.sock" into buf; -ENAMETOOLONG if it does not fit a sun_path. */
int mc_ctl_socket_path(char *buf, size_t len, const char *rundir, const char *daemon);

/* Blocking client; replies may be far longer than a request line. */
struct mc_ctl_client;
/* Returns 0 or -errno (-ENOENT: no socket, -ECONNREFUSED: stale socket). */
int mc_ctl_client_open(struct mc_ctl_client **out, const char *rundir,
		       const char *daemon);
int mc_ctl_client_open_path(struct mc_ctl_client **out, const char *path);
void mc_ctl_client_close(struct mc_ctl_client *c);
/* Sends req (not consumed), then reads one line into *reply. */
int mc_ctl_client_call(struct mc_ctl_client *c, json_object *req,
		       json_object **reply, int timeout_ms);
/*
 * One request to a daemon of rundir on a connection of its own: open,
 * call, close. 0 and *reply (the caller puts it), or -errno (-ENOENT: the
 * daemon is not running, -ETIMEDOUT).
 */
int mc_ctl_request(const char *rundir, const char *daemon, json_object *req,
		   json_object **reply, int timeout_ms);
/* Sends raw bytes as they are (tests use it to send garbage). */
int mc_ctl_client_send_raw(struct mc_ctl_client *c, const void *p, size_t n);
/* Reads the next line (a reply or an event); -ETIMEDOUT, -EPIPE at EOF. */
int mc_ctl_client_read(struct mc_ctl_client *c, json_object **msg, int timeout_ms);

#endif
