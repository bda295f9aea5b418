/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AC_DHCP_H
#define AC_DHCP_H

/*
 * anycastd's DHCPv4 server core (doc/anycastd.md, "DHCPv4"). No I/O:
 * messages, ARP probes, lease events and logs go through struct
 * ac_dhcp_env; time is an argument. Every node of a cloud runs one with
 * the same config and answers as the same anycast server, so the address
 * a client gets is a function of its key (client-id, else chaddr) and the
 * pool, not of the node it happens to reach:
 *
 *   ac_dhcp_new(&d, &cfg, &env);
 *   on a BOOTP message from port 68:  ac_dhcp_rx(d, now, msg, len);
 *   on an ARP answer for a probe:     ac_dhcp_probe_done(d, now, ip, true);
 *   when due:                         next = ac_dhcp_tick(d, now);
 *
 * Addresses in the API are struct in_addr (network order).
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/log.h"

#define AC_DHCP_SERVER_PORT 67
#define AC_DHCP_CLIENT_PORT 68

/* Defaults of LibreMesh's dnsmasq setup. */
#define AC_DHCP_LEASE_S 3600
#define AC_DHCP_MTU 1350
/* An offer not taken is forgotten after this; a declined address is not
 * offered again for AC_DHCP_CONFLICT_MS. */
#define AC_DHCP_OFFER_MS 60000
#define AC_DHCP_CONFLICT_MS 600000
/* Longest client-id (option 61) kept; longer ones are refused. */
#define AC_DHCP_CID_MAX 64
#define AC_DHCP_HOSTNAME_MAX 63

struct ac_dhcp;

struct ac_dhcp_config {
	struct in_addr server;        /* the anycast IPv4: server identifier (54), router (3), DNS (6) */
	struct in_addr net;           /* the cloud prefix, e.g. 10.13.0.0 */
	uint8_t plen;                 /* e.g. 16; 8..30 */
	struct in_addr reserved_net;  /* a range never handed out (meshlab's static clients 10.N1.250.0/24) */
	uint8_t reserved_plen;        /* 0: none */
	/* LibreMesh's anygw_dhcp_start/_limit: the pool is net + pool_start
	 * .. net + pool_start + pool_limit - 1; pool_start 0 is 1 (the whole
	 * prefix), pool_limit 0 runs to the address before the broadcast */
	uint32_t pool_start;
	uint32_t pool_limit;
	uint32_t lease_s;             /* option 51; LibreMesh default 3600 */
	uint16_t mtu;                 /* option 26; LibreMesh default 1350; 0: not sent */
	char domain[254];             /* option 15; "" none */
	uint32_t probe_ms;            /* how long an ARP probe of a new address waits; 0: no probe */
	/* Seed of the lease tables' hash (a random number drawn at start), so
	 * clients cannot pick MACs that pile into one probe run. It does not
	 * change which address a client gets. */
	uint32_t table_seed;
};

struct ac_lease {
	uint8_t mac[6];
	uint8_t client_id[AC_DHCP_CID_MAX];  /* option 61 */
	uint8_t client_id_len;        /* 0: none; then chaddr is the client's key */
	struct in_addr ip;
	char hostname[AC_DHCP_HOSTNAME_MAX + 1];  /* option 12, sanitized to [A-Za-z0-9-], "" none */
	uint64_t expires_ms;          /* on the core's clock (the shell passes wall-clock ms so leases survive restarts) */
	/* When the client first got it bound here (renewals keep it); a
	 * restored lease, whose state line has no such field, counts from its
	 * last renewal (expires - lease_s). The older of two leases of one
	 * address wins (leasesync, doc/leasesync.md). Not in the state line. */
	uint64_t since_ms;
	bool bound;                   /* false: offered only */
};

/*
 * ADDED: a lease appeared (an OFFER went out: bound false) or became bound
 * (an ACK: bound true). RENEWED: a bound lease was ACKed again. EXPIRED:
 * an offer lapsed, was dropped for another server's, or a bound lease ran
 * out. RELEASED: the client released it, or it moved to another address.
 */
enum ac_lease_change { AC_LEASE_ADDED, AC_LEASE_RENEWED, AC_LEASE_RELEASED, AC_LEASE_EXPIRED, AC_LEASE_DECLINED };

struct ac_dhcp_tx {
	const uint8_t *msg; size_t len;  /* the BOOTP message (UDP payload) */
	struct in_addr dst_ip;           /* 255.255.255.255 to broadcast */
	uint8_t dst_mac[6];              /* ff:ff:ff:ff:ff:ff to broadcast */
	bool relay;                      /* to a relay: UDP to dst_ip port 67, routed
					  * by the kernel (dst_mac unused) */
};

struct ac_dhcp_env {
	void *user;
	void (*send)(void *user, const struct ac_dhcp_tx *tx);
	/* ARP-probe ip into the cloud; the shell calls ac_dhcp_probe_done(in_use=true) if anything answers; silence until probe_ms passes = free (the core decides that in ac_dhcp_tick) */
	void (*probe)(void *user, struct in_addr ip);
	/* is ip a node's own address (10.N1.M5.M6 of any node of the cloud)? may be NULL */
	bool (*is_node_addr)(void *user, struct in_addr ip);
	/* is ip leased by another node to a client other than mac (lease sharing, later)? may be NULL */
	bool (*held_elsewhere)(void *user, struct in_addr ip, const uint8_t mac[6]);
	/* a lease of this node was added/renewed/released/expired/declined: for the state file, events, and lease sharing */
	void (*lease_changed)(void *user, enum ac_lease_change what, const struct ac_lease *l);
	mc_log_fn *log;   /* may be NULL */
};

/* Received messages by type, replies sent by type, and what was dropped. */
struct ac_dhcp_stats { uint64_t discover, offer, request, ack, nak, decline, release, inform, conflicts, malformed, exhausted, ignored; };

/* -EINVAL for a config it cannot serve (plen, lease_s, domain, no send). */
int ac_dhcp_new(struct ac_dhcp **out, const struct ac_dhcp_config *cfg, const struct ac_dhcp_env *env);
void ac_dhcp_free(struct ac_dhcp *d);
void ac_dhcp_rx(struct ac_dhcp *d, uint64_t now_ms, const uint8_t *msg, size_t len);   /* a client's BOOTP message (UDP payload) heard on anygw */
/* in_use false ends the probe early: the address is offered at once. */
/* An ARP from ip seen while it is probed, sender mac: a conflict unless
 * mac is the client the address is probed for (it holds it already). */
void ac_dhcp_probe_answer(struct ac_dhcp *d, uint64_t now_ms, struct in_addr ip,
			  const uint8_t mac[6]);
void ac_dhcp_probe_done(struct ac_dhcp *d, uint64_t now_ms, struct in_addr ip, bool in_use);
uint64_t ac_dhcp_tick(struct ac_dhcp *d, uint64_t now_ms);   /* expiries, probe time-outs; returns the next deadline (UINT64_MAX: none) */
/* From the state file; expired (-ESTALE) or out-of-pool (-EINVAL) ones
 * refused, and one whose address another client holds here (-EEXIST). */
int ac_dhcp_lease_restore(struct ac_dhcp *d, uint64_t now_ms, const struct ac_lease *l);
/* Offered and bound leases (not addresses still being probed); a non-zero
 * return from fn stops the walk. fn must not change the server. */
void ac_dhcp_leases_foreach(const struct ac_dhcp *d, int (*fn)(const struct ac_lease *l, void *user), void *user);
const struct ac_dhcp_stats *ac_dhcp_stats(const struct ac_dhcp *d);
/*
 * The cloud gave ip to another client first (leasesync's conflict rule):
 * this node's lease or offer of it goes (EXPIRED), so the client's next
 * REQUEST for it is NAKed and it asks for a new address. 0, or -ENOENT.
 */
int ac_dhcp_lease_revoke(struct ac_dhcp *d, uint64_t now_ms, struct in_addr ip);
unsigned ac_dhcp_pool_size(const struct ac_dhcp *d);   /* addresses that can be handed out */
unsigned ac_dhcp_pool_used(const struct ac_dhcp *d);   /* bound + offered leases */

/* Longest state-file line with its NUL. */
#define AC_LEASE_LINE_MAX 512
/* One state-file line, no newline; expires as unix seconds (expires_ms/1000).
 * Returns 0, -EINVAL (a lease no parser would take back: a hostname not
 * sanitized, a client-id too long) or -ENOSPC (buf too short; the line is
 * cut). AC_LEASE_LINE_MAX always fits. */
int ac_lease_format(const struct ac_lease *l, char *buf, size_t len);
int ac_lease_parse(const char *line, struct ac_lease *l);             /* its inverse; -EINVAL on anything malformed */
/*
 * The state file (ac_lease_format lines; '#' comments and blank lines
 * skipped) read from f into d: the leases restored; bad(user, lineno) for
 * each line that is no lease (bad may be NULL).
 */
unsigned ac_leases_read(struct ac_dhcp *d, FILE *f, uint64_t now_ms,
			void (*bad)(void *user, unsigned lineno), void *user);

/*
 * The address hash every node computes alike: FNV-1a, 32 bits, over the
 * client's key (option 61's bytes, else the 6 chaddr bytes). The first
 * candidate is pool address (hash % pool span).
 */
uint32_t ac_dhcp_addr_hash(const uint8_t *key, size_t len);

#endif
