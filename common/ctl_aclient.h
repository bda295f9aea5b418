/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_CTL_ACLIENT_H
#define MC_CTL_ACLIENT_H

/*
 * A control-socket client on libev that never blocks: requests are queued
 * and answered through callbacks in the order sent (the server answers a
 * connection's requests in order), events go to the event callback as
 * they arrive. One program can hold many of them (webuid: one per daemon
 * and view; meshctl watch).
 */

#include <ev.h>
#include <json-c/json.h>

struct mc_ctl_aclient;

/* A request's reply, or reply NULL when the connection was lost first. */
typedef void mc_ctl_reply_fn(void *user, json_object *reply);

struct mc_ctl_aclient_ops {
	/* {"event":topic,"data":data} arrived; data is borrowed. */
	void (*event)(void *user, const char *topic, json_object *data);
	/* The connection is gone (EOF, error, or a line that is not JSON);
	 * pending replies were already called with NULL. The client stays
	 * allocated until mc_ctl_aclient_close. */
	void (*closed)(void *user, int err);
	void *user;
};

/* Connects to $rundir/<daemon>.sock (or a path). 0 or a negative errno
 * (-ENOENT: no socket, -ECONNREFUSED: stale socket). */
int mc_ctl_aclient_open(struct mc_ctl_aclient **out, struct ev_loop *loop,
			const char *rundir, const char *daemon,
			const struct mc_ctl_aclient_ops *ops);
int mc_ctl_aclient_open_path(struct mc_ctl_aclient **out, struct ev_loop *loop,
			     const char *path, const struct mc_ctl_aclient_ops *ops);
/* Closes without calling any callback. */
void mc_ctl_aclient_close(struct mc_ctl_aclient *c);
/* Queues req (not consumed); fn gets the reply (borrowed). -ENOTCONN when
 * the connection is gone, -ENOMEM. */
int mc_ctl_aclient_call(struct mc_ctl_aclient *c, json_object *req,
			mc_ctl_reply_fn *fn, void *user);
/* Requests sent and not answered yet. */
unsigned mc_ctl_aclient_pending(const struct mc_ctl_aclient *c);

#endif
