/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ANYCASTD_H
#define ANYCASTD_H

/*
 * anycastd: DHCPv4, router advertisements and DNS on the anygw TAP that
 * l2meshd owns (doc/anycastd.md). The protocol decisions are the cores'
 * (anycast/core); this shell owns the sockets, the timer, the lease file
 * and the control commands.
 */

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "anycast/core/dhcp.h"
#include "anycast/core/dns.h"
#include "anycast/core/ra.h"
#include "common/daemon.h"
#include "common/evloop.h"
#include "anycast/shell/sync.h"

#define AC_TCP_MAX 32		/* DNS clients over TCP at once */
#define AC_NODES_MAX 1024	/* node addresses of the cloud kept */

struct anycastd;

/* A node's name and the addresses its description announces. */
struct ac_name {
	char host[64];
	struct in_addr a4;
	struct in6_addr a6;
	bool has4, has6;
};

/* A DNS client over TCP: a length-prefixed query in, a reply out. */
struct ac_tcp {
	struct anycastd *a;
	ev_io w;
	int fd;
	uint8_t in[2 + 65535];
	size_t inlen;
	uint64_t since_ms;
};

/* A DNS client over UDP: where the reply goes (the core holds the token
 * until it answers, so each query gets its own). */
struct ac_udp_client {
	int fd;
	struct sockaddr_storage from;
	socklen_t fromlen;
};

struct anycastd {
	struct mc_daemon *d;
	char ifname[IF_NAMESIZE];	/* anygw */
	int ifindex;			/* 0 until l2meshd made it */
	int bat0_index;
	uint8_t mac[6];			/* the anycast MAC */
	uint8_t bat0_mac[6];
	struct in_addr gw4;
	struct in6_addr gw6;
	uint8_t n1;			/* the cloud's 10.N1.0.0/16 */
	char domain[254];
	char state_path[200];
	struct ac_dhcp *dhcp;
	struct ac_ra *ra;
	struct ac_dns *dns;
	/* DHCP: UDP 67 in, whole frames out (a client without an address
	 * gets a unicast to its MAC); ARP probes out of and back into bat0 */
	ev_io dhcp_w, arp_w, icmp6_w;
	int dhcp_fd, pkt_fd, arp_fd, icmp6_fd;
	/* DNS: the anycast addresses, UDP and TCP; one socket per family to
	 * the upstreams */
	ev_io dns_w[4], up_w[2];
	int dns_fd[4], up_fd[2];
	struct ac_tcp *tcp[AC_TCP_MAX];
	struct mc_timer tick, retry;
	bool leases_dirty;
	ev_prepare flush;
	/* the cloud's node addresses (10.N1.M5.M6 from l2meshd's originators) */
	struct in_addr nodes[AC_NODES_MAX];
	unsigned nnodes;
	uint64_t nodes_ms;
	/* the mesh's node names (hostnames in l3routed's descriptions) */
	struct ac_name *names;
	unsigned nnames;
	uint64_t names_ms;
	uint64_t tx_errors;		/* shell counter */
	/* when the DHCP core's tick is due (loop clock; UINT64_MAX: never):
	 * a tick walks every lease, so it runs when due, not per packet */
	uint64_t dhcp_due;
	uint32_t dhcp_first_ms;		/* the earliest a new entry can be due */
	struct ac_sync sync;		/* the cloud's leases and names (sync.c) */
};

/* The DHCP core's clock is the wall clock (leases outlive the process). */
uint64_t ac_wall_ms(void);
void ac_rearm(struct anycastd *a);
/* A DHCP message or probe answer went to the core: what it started is
 * due dhcp_first_ms from now at the earliest. */
void ac_dhcp_changed(struct anycastd *a);

/* Stops w and closes *fd (then -1); nothing when *fd < 0. */
void ac_io_close(struct anycastd *a, ev_io *w, int *fd);

/* dhcp_io.c */
int ac_dhcp_io_open(struct anycastd *a);
void ac_dhcp_io_close(struct anycastd *a);
void ac_dhcp_io_send(struct anycastd *a, const struct ac_dhcp_tx *tx);
void ac_arp_probe(struct anycastd *a, struct in_addr ip);

/* ra_io.c */
int ac_ra_io_open(struct anycastd *a);
void ac_ra_io_close(struct anycastd *a);
void ac_ra_io_send(struct anycastd *a, const uint8_t *msg, size_t len,
		   const struct in6_addr *dst);

/* dns_io.c */
int ac_dns_io_open(struct anycastd *a);
void ac_dns_io_close(struct anycastd *a);
void ac_dns_io_reply(struct anycastd *a, void *client, const uint8_t *msg, size_t len);
void ac_dns_io_forward(struct anycastd *a, unsigned i, const uint8_t *msg, size_t len);
int ac_dns_io_upstreams(struct anycastd *a, struct ac_dns_upstream *u, unsigned max);

/* leases.c: the state file, the node addresses, the control commands */
void ac_leases_load(struct anycastd *a);
void ac_leases_save(struct anycastd *a);
json_object *ac_lease_json(const struct anycastd *a, const struct ac_lease *l);
void ac_lease_event(struct anycastd *a, enum ac_lease_change what, const struct ac_lease *l);
bool ac_node_addr(struct anycastd *a, struct in_addr ip);
void ac_names_free(struct anycastd *a);
unsigned ac_name_lookup(struct anycastd *a, const char *name, int family, void *addrs,
			unsigned max);
extern const struct mc_ctl_cmd ac_cmds[];
extern const unsigned ac_ncmds;
extern const struct mc_ctl_topic ac_topics[];
extern const unsigned ac_ntopics;
void ac_status(struct mc_daemon *d, json_object *st);

#endif
