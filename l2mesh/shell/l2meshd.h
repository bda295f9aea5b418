/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2MESHD_H
#define L2MESHD_H

#include <sys/types.h>

#include "common/daemon.h"
#include "common/evloop.h"
#include "common/json.h"
#include "common/nl.h"
#include "common/sys.h"
#include "common/wancheck.h"
#include "l2mesh/core/l2.h"
#include "l2mesh/shell/ports.h"
#include "l2mesh/shell/vport.h"

#define L2SH_PORTS_MAX 16
#define L2SH_VLANS_MAX 32

/* babeld's default route after the WAN check (autogw.c) */
#define L2SH_AGW_DEMOTED_MAX 8
struct l2sh_agw_demoted {
	int family, oif;
	uint32_t metric;		/* what it had before 84831 */
};
struct l2sh_autogw {
	bool active;			/* babeld runs, a role wan port, babeld_auto_gw */
	bool on;			/* the proto 7 copies are wanted */
	bool announced[2];		/* IPv4, IPv6 copy in place */
	const char *why;		/* why not active */
	struct mc_wancheck wc;
	int wan_ifindex[MC_WAN_MAX];
	struct l2sh_agw_demoted demoted[L2SH_AGW_DEMOTED_MAX];
	unsigned ndemoted, ticks;
	uint64_t ok_since;
	uint32_t changes;
	struct mc_timer timer;
};

/*
 * While a super-frame's first segment goes through the core (route.c in
 * l2meshd.c: super_route), what the core sends is held here: one frame
 * sent to one port tells where the rest of the super-frame goes.
 */
struct l2sh_capture {
	bool on;
	unsigned sends;		/* frames the core sent meanwhile */
	bool held;		/* frame holds the first, not sent yet */
	bool mesh;		/* to a mesh port (else a local one) */
	unsigned port;
	size_t len;
	uint8_t frame[L2_FRAME_MAX];
};

struct l2meshd {
	struct mc_daemon *d;
	struct l2sh_capture cap;
	struct l2_node *node;
	struct mc_nl *nl;
	uint8_t mac[6];			/* node MAC = originator = bat0 */
	uint16_t vid;			/* cloud tag on mesh ports, 0 untagged */
	bool gateway;			/* option gateway at start (a restart changes it) */
	uint32_t orig_interval_ms;
	struct l2sh_port mesh[L2SH_PORTS_MAX];	/* index = core port */
	unsigned nmesh;
	struct l2sh_port local[L2SH_PORTS_MAX];	/* index = core local port */
	unsigned nlocal;
	struct l2sh_vport vlan[L2SH_VLANS_MAX];	/* babeld:VID's interfaces (vlans.c) */
	unsigned nvlan;
	/* babeld on them (babel.c) */
	pid_t babel_pid;		/* 0: not running */
	ev_child babel_child;
	struct mc_timer babel_timer;	/* the next start after an exit */
	uint64_t babel_since;		/* when it was started, loop ms */
	uint32_t babel_backoff;		/* ms before the next start */
	uint32_t babel_restarts;
	bool babel_stopping;
	struct l2sh_autogw agw;
	struct mc_timer tick;
	/* OGMs read at the aggregation slots (doc/l2meshd.md, "Scale") */
	bool ogm_held;			/* not as they come: at the next slot */
	uint32_t ogm_busy;		/* bit k: OGMs heard k slots ago */
	uint64_t ogm_period;		/* the slot period bit 0 stands for */
	uint64_t ogm_slot;		/* the slot the loop is to wake at */
	uint64_t ogm_flood_until;	/* not held before: a slot brought too many */
	uint64_t ogm_held_reads;	/* reads at a slot that found OGMs */
	struct mc_timer keep;		/* writes the OGM seqno to rundir now and then */
	struct mc_timer ttkeep;		/* writes the local TT to rundir (ttstate.c) */
	bool ttkeep_due;		/* ttkeep is armed */
	struct mc_timer reopen;		/* retries ports whose interface went away */
	ev_prepare flush;		/* sends the queued frames before the loop sleeps */
	ev_idle spin;			/* busy-polls while traffic flows */
	uint32_t spin_us;		/* how long to keep polling after the last frame */
	uint64_t spin_until;		/* monotonic ns */
	uint64_t rx_count;		/* frames handed to the core, every port */
	uint64_t rx_seen;		/* rx_count at the last prepare */
	uint64_t spin_from;		/* when the current polling spell began */
	uint64_t spin_ns;		/* time spent polling since the start */
	/* meshctl ping/traceroute sessions waiting for ICMP answers */
	struct l2sh_ping *pings;
	uint8_t next_uid;
};

/* The local clients kept across a restart (ttstate.c). */
void l2sh_ttkeep_init(struct l2meshd *m);
void l2sh_ttkeep_load(struct l2meshd *m);
void l2sh_ttkeep_changed(struct l2meshd *m);
void l2sh_ttkeep_save(struct l2meshd *m);
void l2sh_ttkeep_stop(struct l2meshd *m);

/* LibreMesh's table 170: traffic from the anycast addresses (anygw.c). */
#define L2SH_ANYGW_TABLE 170u
void l2sh_anygw_route(struct l2meshd *m, int ifindex);
void l2sh_anygw_unroute(struct l2meshd *m);

/* One address option of lime 'network' on ifindex; host: as a /32 or
 * /128 (no connected route). */
void l2sh_addr_from_conf(struct l2meshd *m, int ifindex, const char *opt, bool host);

/* VLAN interfaces for babeld:VID (vlans.c): opened after the ports;
 * retry binds those whose port is missing (true: some still wait). */
int l2sh_vlans_open(struct l2meshd *m);
bool l2sh_vlans_retry(struct l2meshd *m);
void l2sh_vlans_close(struct l2meshd *m);

/* Debian's babeld on the VLAN interfaces, kept running (babel.c). */
int l2sh_babel_start(struct l2meshd *m);
void l2sh_babel_stop(struct l2meshd *m);
/* Its default route after the WAN check (autogw.c). */
void l2sh_autogw_start(struct l2meshd *m);
void l2sh_autogw_reload(struct l2meshd *m);
void l2sh_autogw_stop(struct l2meshd *m);
json_object *l2sh_autogw_json(const struct l2meshd *m);
void l2sh_autogw_publish(struct l2meshd *m);

/* Control commands (ctl.c). */
extern const struct mc_ctl_cmd l2sh_cmds[];
extern const unsigned l2sh_ncmds;

/* The tables, their dump commands and events (tables.c). */
extern const struct mc_ctl_topic l2sh_topics[];
extern const unsigned l2sh_ntopics;
int l2sh_cmd_originators(json_object *req, json_object **data, const char **err, void *user);
int l2sh_cmd_neighbors(json_object *req, json_object **data, const char **err, void *user);
int l2sh_cmd_gateways(json_object *req, json_object **data, const char **err, void *user);
int l2sh_cmd_translocal(json_object *req, json_object **data, const char **err, void *user);
int l2sh_cmd_transglobal(json_object *req, json_object **data, const char **err, void *user);
int l2sh_cmd_interface(json_object *req, json_object **data, const char **err, void *user);
void l2sh_changed(struct l2meshd *m, enum l2_change what, const uint8_t mac[6],
		  uint16_t vid, unsigned port);
void l2sh_ports_changed(struct l2meshd *m);
void l2sh_status(struct mc_daemon *d, json_object *st);
/* An ICMP answer from the core, for a waiting ping session. */
void l2sh_icmp_result(struct l2meshd *m, const struct l2_icmp_result *res);

#endif
