/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2SH_VPORT_H
#define L2SH_VPORT_H

/*
 * A VLAN of a wire port as an interface of its own, without the 8021q
 * module: the TAP "<port>_<vid>" carries what the port carries with the
 * 802.1ad tag vid (LibreMesh's eth0_17 for babeld:17, doc/l2meshd.md
 * "VLAN interfaces"). Frames written to the TAP leave the port tagged;
 * tagged frames arriving on the port come out of the TAP untagged. The
 * batman frames of the cloud VLAN stay the port's ring's.
 */

#include <ev.h>
#include <net/if.h>
#include <stdint.h>

struct l2sh_vport {
	char ifname[IFNAMSIZ];		/* the TAP */
	char port[IFNAMSIZ];		/* the wire port */
	uint16_t vid;
	int tapfd, sockfd;		/* sockfd: AF_PACKET on port, this VLAN only; -1 while the port is gone */
	ev_io tap_io, sock_io;
	struct ev_loop *loop;
	uint64_t rx, tx, tx_errors, rx_foreign;
};

/* "<port>_<vid>", cut to fit IFNAMSIZ keeping "_<vid>" */
void l2sh_vport_name(char out[IFNAMSIZ], const char *port, unsigned vid);
/*
 * Creates the TAP (the caller sets its MAC, MTU and addresses) and binds
 * to the port when it exists. 0, or a negative errno with err set.
 */
int l2sh_vport_open(struct l2sh_vport *v, struct ev_loop *loop, const char *port,
		    uint16_t vid, char *err, size_t errlen);
/* Binds to the port again (it came back); 0 or a negative errno. */
int l2sh_vport_bind(struct l2sh_vport *v);
void l2sh_vport_unbind(struct l2sh_vport *v);
void l2sh_vport_close(struct l2sh_vport *v);

#endif
