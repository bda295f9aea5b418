/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_WANCHECK_H
#define MC_WANCHECK_H

/*
 * Is the uplink working? The `role wan` ports' link state and, with
 * gateway_check set, an ICMP echo to that address out of the first WAN
 * port that is up, every check (doc/config.md, gateway_check). l3routed
 * bases its gateway offer on it, l2meshd babeld's default route
 * (LibreMesh's babeld-auto-gw-mode).
 */

#include <stdbool.h>
#include <stdint.h>

#include <ev.h>
#include <net/if.h>

#include "common/addr.h"
#include "common/conf.h"

#define MC_WAN_MAX 4
/* how often a shell checks, and how old the last reply may be */
#define MC_WAN_CHECK_MS 500u
#define MC_WAN_PING_TIMEOUT_MS 2000u

struct mc_wancheck {
	char wan[MC_WAN_MAX][IFNAMSIZ];
	unsigned nwan;
	struct mc_ip check;		/* family 0: link state only */
	int fd;
	ev_io io;
	struct ev_loop *loop;
	char dev[IFNAMSIZ];		/* the socket is bound to it */
	uint16_t id, seq;
	uint64_t last_reply_ms;
	bool got_reply;
	/* the last check */
	bool wan_up, check_ok;
	const char *up_dev;		/* the WAN port pinged out of, or NULL */
	const char *why;		/* why it failed or passed */
};

/* The role wan ports and gateway_check of conf; no socket yet. */
void mc_wancheck_config(struct mc_wancheck *w, const struct mc_conf *conf);
/* The ping socket when there is a target (-errno, logged). */
int mc_wancheck_open(struct mc_wancheck *w, struct ev_loop *loop);
void mc_wancheck_close(struct mc_wancheck *w);
/* A new gateway_check ("" none): true when it changed. The new target
 * has the usual timeout to answer. */
bool mc_wancheck_retarget(struct mc_wancheck *w, const char *chk, uint64_t now);
/* One check at loop time now: link state, reply age, the next echo.
 * With no role wan port it passes ("no role wan port"). */
bool mc_wancheck_run(struct mc_wancheck *w, uint64_t now);
/* The target as text ("" none). */
void mc_wancheck_target(const struct mc_wancheck *w, char *buf, size_t len);

#endif
