/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L3_TUNPKT_H
#define L3_TUNPKT_H

/*
 * The gateway tunnel's packet checks (doc/l3route-gateways.md), apart
 * from the sockets that carry the packets (l3route/shell/tunnel.c on the
 * node side, wan.c on the gateway side) so that tests and the fuzzer
 * (tests/fuzz/fuzz_l3_tunnel.c) call them directly.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"

/* Why a packet read from smtun is not sent into the tunnel. */
enum l3_tun_drop {
	L3_TUN_DROP_MULTICAST = 1,	/* a unicast tunnel carries none */
	L3_TUN_DROP_MALFORMED,
	L3_TUN_DROP_LOOP,		/* to a node address (fd5e::/16) */
};

/* An IP packet from smtun: AF_INET or AF_INET6 to send it to the gateway
 * of that family, or -enum l3_tun_drop. */
int l3_tun_classify(const uint8_t *pkt, size_t len);

/* A tunnel datagram's inner packet: its source (a host prefix) in *src, or
 * -EINVAL when it is no whole IPv4 or IPv6 packet (the header's length
 * field must match the datagram). */
int l3_tun_inner_source(const uint8_t *p, size_t n, struct mc_ip *src);

#endif
