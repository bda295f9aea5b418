/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_CTL_H
#define MC_CTL_H

/*
 * Control sockets: a unix stream socket $rundir/<daemon>.sock (mode 0660)
 * speaking one JSON request per line and one JSON reply per line
 * (doc/control.md). The server lives in a libev loop; the client is
 * blocking and is what meshctl and webuid use.
 */

#include <stdint.h>

#include <ev.h>
#include <json-c/json.h>

#include "common/ctl_json.h"

/* Clients one daemon serves at once; more are refused with an error line. */
#define MC_CTL_CLIENTS_MAX 64
/* Unsent output a client may hold; a subscriber that lags further is cut. */
#define MC_CTL_OUTBUF_MAX (1u << 20)

struct mc_ctl_server;
struct mc_ctl_conn;

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

struct mc_ctl_server_cfg {
	const char *daemon;	/* name in "status" and the socket file name */
	const char *version;
	const struct mc_ctl_cmd *cmds;	/* the daemon's own commands */
	unsigned ncmds;
	void *user;		/* passed to every handler */
	/* Extra fields for the built-in "status" (may be NULL). */
	void (*status)(json_object *status, void *user);
};

/*
 * Binds $rundir/<daemon>.sock (replacing a stale socket, refusing a live
 * one with -EADDRINUSE), mode 0660, and starts serving in loop.
 */
int mc_ctl_server_open(struct mc_ctl_server **out, struct ev_loop *loop,
		       const char *rundir, const struct mc_ctl_server_cfg *cfg);
/* Stops serving, closes every client and unlinks the socket. */
void mc_ctl_server_close(struct mc_ctl_server *srv);
/* Sends {"event":topic,"data":data} to every client subscribed to topic. */
void mc_ctl_publish(struct mc_ctl_server *srv, const char *topic, json_object *data);
/* Subscribers currently listening to topic (so events can be skipped). */
unsigned mc_ctl_subscribers(const struct mc_ctl_server *srv, const char *topic);
const char *mc_ctl_server_path(const struct mc_ctl_server *srv);

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
/* Sends raw bytes as they are (tests use it to send garbage). */
int mc_ctl_client_send_raw(struct mc_ctl_client *c, const void *p, size_t n);
/* Reads the next line (a reply or an event); -ETIMEDOUT, -EPIPE at EOF. */
int mc_ctl_client_read(struct mc_ctl_client *c, json_object **msg, int timeout_ms);

#endif
