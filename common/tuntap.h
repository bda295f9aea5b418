/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_TUNTAP_H
#define MC_TUNTAP_H

#include <net/if.h>

enum mc_tuntap_flags {
	MC_TUNTAP_TAP = 1 << 0,		/* Ethernet frames; else IP packets (TUN) */
	/* Prepend struct virtio_net_hdr (GSO/checksum offload); reserved for
	 * the fast data path, off by default. */
	MC_TUNTAP_VNET_HDR = 1 << 1,
};

/*
 * Opens /dev/net/tun and attaches to (or creates) the device `name`
 * (a pattern like "tap%d" works too), always with IFF_NO_PI; the resulting
 * name goes to ifname_r. Returns a non-blocking, close-on-exec fd or a
 * negative errno (-ENOENT: no /dev/net/tun). The device goes when the fd
 * is closed.
 */
int mc_tuntap_open(const char *name, unsigned flags, char ifname_r[IFNAMSIZ]);

#endif
