/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_CTL_INT_H
#define MC_CTL_INT_H

/* Inside the control-socket server: ctl_server.c (connections, dispatch),
 * ctl_builtin.c (the built-in commands and the log topic), ctl_rows.c
 * (table events). Not for daemons. */

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "common/ctl.h"

/* ctl_io.c: lines waiting to be sent on a non-blocking socket */
struct ctl_outq {
	char *buf;
	size_t len, off, cap;	/* bytes [off, len) are unsent */
};
/* Queues one line (a newline is added); -ENOBUFS when more than max bytes
 * would wait, -ENOMEM. */
int ctl_outq_put(struct ctl_outq *q, const char *s, size_t len, size_t max);
/* Sends what it can: 0 all sent, 1 the rest waits for the socket, or a
 * negative errno (the connection is gone). */
int ctl_outq_flush(struct ctl_outq *q, int fd);
void ctl_outq_free(struct ctl_outq *q);
/* A connected socket to a daemon (flags: SOCK_NONBLOCK or 0), or -errno. */
int ctl_connect(const char *path, int flags);

struct mc_ctl_conn {
	struct mc_ctl_server *srv;
	int fd;
	ev_io rio, wio;
	ev_idle more;		/* read bytes left to serve when the loop is idle */
	struct mc_ctl_linebuf lb;
	char *in;		/* MC_CTL_IN_SIZE bytes read, not yet fed */
	size_t in_off, in_len;
	struct ctl_outq out;
	char subs[MC_CTL_SUBS_MAX][MC_CTL_TOPIC_MAX];
	unsigned nsubs;
	int log_level;		/* highest MC_LOG_* level of "log" events wanted */
	bool dead;		/* dropped; freed when the server is not busy */
	ev_tstamp last;		/* when it last sent anything (loop time) */
	struct mc_ctl_conn *next;
};

#define MC_CTL_IN_SIZE 16384

struct ctl_table;	/* ctl_rows.c: the rows told of on one table topic */

struct mc_ctl_server {
	struct ev_loop *loop;
	struct mc_ctl_server_cfg cfg;
	int fd;
	ev_io aio;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct mc_ctl_conn *conns;
	unsigned nconns;
	time_t started;
	struct ctl_table **tables;	/* per cfg.topics entry; NULL: not watched */
	unsigned busy;		/* walks over conns under way: frees wait */
	bool tables_stale;	/* a table's last listener went while busy */
	ev_timer sweep;		/* closes clients stuck in half a request */
};

/* ctl_server.c */
/* Around anything that may send to several clients or run a handler:
 * connections dropped meanwhile are freed at the last ctl_unbusy. */
void ctl_busy(struct mc_ctl_server *srv);
void ctl_unbusy(struct mc_ctl_server *srv);
/* Queues one JSON line; consumes obj. Returns -1 if the client was cut. */
int ctl_conn_send(struct mc_ctl_conn *c, json_object *obj);
bool ctl_conn_subscribed(const struct mc_ctl_conn *c, const char *topic);
/* Runs a daemon command by name as a client would; the reply's data or NULL. */
json_object *ctl_run_cmd(struct mc_ctl_server *srv, const char *cmd);
/* The topic called name among the daemon's and the built-in ones, or NULL. */
const struct mc_ctl_topic *ctl_topic_find(const struct mc_ctl_server *srv,
					  const char *name);

/* ctl_client.c */
int ctl_sockaddr(struct sockaddr_un *sa, const char *path);

/* ctl_builtin.c */
typedef int ctl_builtin_fn(struct mc_ctl_conn *c, json_object *req,
			   json_object **data, const char **err);
/* The built-in command called name, or NULL. */
ctl_builtin_fn *ctl_builtin_find(const char *name);
/* Subscriptions changed: the log sink's level and the watched tables follow. */
void ctl_subs_changed(struct mc_ctl_server *srv);
extern const struct mc_ctl_topic ctl_log_topic;

/* ctl_rows.c */
/* Starts or stops keeping the rows of each table topic as listeners come and go. */
void ctl_tables_sync(struct mc_ctl_server *srv);
void ctl_tables_free(struct mc_ctl_server *srv);
/* The daemon's topics and the built-in ones as {name: {help, dump, key...}}. */
json_object *ctl_topics_json(const struct mc_ctl_server *srv);

#endif
