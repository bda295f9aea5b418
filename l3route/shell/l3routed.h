/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L3ROUTED_H
#define L3ROUTED_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/daemon.h"
#include "common/evloop.h"
#include "common/nl.h"
#include "l3route/core/l3.h"

#define L3SH_PORTS_MAX 16
/* Ports whose interface is missing or went away are retried this often. */
#define L3SH_REOPEN_MS 2000u

/* One mesh port: a UDP socket bound to the interface (sock.c). */
struct l3sh_port {
	char ifname[IFNAMSIZ];
	unsigned index;		/* the core's interface number */
	int ifindex;		/* kernel's; 0 while the interface is missing */
	int fd;			/* -1 while closed */
	ev_io io;
	bool up;		/* what the core was last told */
	void *user;		/* struct l3routed */
	uint64_t rx_pkts, tx_pkts, tx_errors, rx_not_ll;
};

/* A route as written to the kernel, so exactly these go at exit (kroute.c). */
struct l3sh_kroute {
	struct mc_nl_route r;
};

struct l3routed {
	struct mc_daemon *d;
	struct l3_node *node;
	struct mc_nl *nl;
	uint16_t udp_port;
	uint32_t table;
	struct l3sh_port port[L3SH_PORTS_MAX];
	unsigned nport;
	/* routes we hold in the kernel: a small unsorted array */
	struct l3sh_kroute *kr;
	size_t nkr, kr_cap;
	uint64_t route_errors;
	/* prefixes this node announces: routes to them are never installed */
	struct l3_prefix own[L3_DESC_PREFIX_MAX + L3_DESC_GW_MAX];
	unsigned nown;
	/* what our own description announces (for "descriptions") */
	struct l3_prefix ann[L3_DESC_PREFIX_MAX - 1];
	unsigned nann;
	struct l3_gw_offer gw[L3_DESC_GW_MAX];
	unsigned ngw;
	struct in6_addr addr;	/* fd5e:: node address, on lo */
	bool addr_added, rule_added[2];
	char state_path[128];	/* desc seqno kept next to the key */
	uint32_t dseq_written;
	struct mc_timer tick, watch;
	ev_prepare prep;
};

/* sock.c */
int l3sh_sock_open(struct l3routed *r, struct l3sh_port *p);
void l3sh_sock_close(struct l3routed *r, struct l3sh_port *p);
void l3sh_sock_send(struct l3sh_port *p, uint16_t udp_port, const struct in6_addr *dst,
		    const uint8_t *pkt, size_t len);

/* kroute.c */
int l3sh_kernel_start(struct l3routed *r);
void l3sh_kernel_stop(struct l3routed *r);
void l3sh_kroute(struct l3routed *r, bool add, const struct l3_kroute *k);
bool l3sh_kroute_installed(const struct l3routed *r, const struct mc_ip *dst);

/* keys.c: the node's secret key (path from l3_key) and the kept dseq. */
int l3sh_key_load(const char *path, uint8_t sk[L3_SK_LEN]);
uint32_t l3sh_dseq_start(const char *state_path, uint64_t unix_s);
void l3sh_dseq_write(const char *state_path, uint32_t dseq);

/* ctl.c */
extern const struct mc_ctl_cmd l3sh_cmds[];
extern const unsigned l3sh_ncmds;
void l3sh_status(struct mc_daemon *d, json_object *st);
const char *l3sh_ifname(const struct l3routed *r, unsigned ifidx);

#endif
