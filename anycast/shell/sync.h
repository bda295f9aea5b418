/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AC_SYNC_H
#define AC_SYNC_H

/* anycastd and leasesyncd (sync.c, doc/leasesync.md "Leases and names"). */

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <ev.h>
#include <json-c/json.h>

#include "common/evloop.h"

#define AC_SYNC_LEASES 66	/* LibreMesh's dnsmasq-lease-share type */
#define AC_SYNC_HOSTS 67	/* LibreMesh's dnsmasq-distributed-hosts type */

/* A lease of the cloud (any node's type-66 record line). */
struct ac_remote {
	struct in_addr ip;
	uint8_t mac[6];
	uint8_t node[6];	/* the record's source: the leasing node */
	uint64_t expires_s, since_s;	/* unix seconds */
	char host[64];
};

/* A name of the cloud (a type-67 record line). */
struct ac_rhost {
	char name[64];
	struct in_addr a4;
	struct in6_addr a6;
	bool has4, has6;
};

struct ac_sync {
	char sock[108];		/* leasesync_socket ("" : none) */
	unsigned max_len;	/* leasesync_max_record_len */
	uint8_t own[6];		/* this node's records' source */
	struct mc_timer timer;
	int lfd;		/* the event listener */
	ev_io lw;
	uint8_t lbuf[64];
	size_t llen;
	int rfd;		/* a read in progress */
	ev_io rw;
	uint8_t rtype;
	uint8_t *rbuf;
	size_t rlen, rcap;
	uint16_t tx_id;
	bool pub_dirty, read_wanted, down_logged;
	unsigned warned_full;
	uint64_t last_pub_ms, last_read_ms;
	struct ac_remote *rl, *newl;	/* the table, and the one being read */
	unsigned nrl, nnew, capnew;
	struct ac_rhost *rh, *newh;
	unsigned nrh, nnewh, capnewh;
	uint64_t publishes, publish_errors, reads, bad_lines, conflicts_lost;
};

struct anycastd;
void ac_sync_start(struct anycastd *a);
void ac_sync_stop(struct anycastd *a);
void ac_sync_tick(struct anycastd *a);
void ac_sync_lease_changed(struct anycastd *a);
bool ac_sync_held_elsewhere(struct anycastd *a, struct in_addr ip, const uint8_t mac[6]);
unsigned ac_sync_lookup(struct anycastd *a, const char *name, int family, void *addr);
void ac_sync_status(struct anycastd *a, json_object *st);

#endif
