/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_SYS_H
#define MC_SYS_H

/*
 * Small kernel knobs the shells turn: /proc/sys values, and the UDP/IPv6
 * socket that speaks link-local multicast on one interface (l3routed's
 * wires, leasesyncd's alfred socket).
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes value to the /proc/sys file named by fmt; a failure is logged as
 * a warning and returned as a negative errno. */
int mc_sysctl_set(const char *value, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* net.FAMILY.conf.IFNAME.WHAT = value (family "ipv4" or "ipv6"). */
int mc_sysctl_if(const char *family, const char *ifname, const char *what,
		 const char *value);
/* Reads an integer /proc/sys value. */
int mc_sysctl_get(const char *path, long *v);
/* A state file that holds one unsigned decimal (a kept seqno): the first
 * number in it, after any white space, as fscanf's %llu reads it. 0, -errno
 * (-ENOENT: no file), or -EINVAL when it is no number or above UINT32_MAX. */
int mc_file_read_u32(const char *path, uint32_t *v);
/* Up to max such numbers separated by white space: how many (>= 1), or
 * -errno (-EINVAL: none, or one over UINT32_MAX). */
int mc_file_read_u32s(const char *path, uint32_t *v, unsigned max);

/*
 * A UDP/IPv6 socket on one interface: non-blocking, close-on-exec, bound
 * to [::]:port on that device only (each interface may bind the same
 * port), member of `group` there (NULL: none), hop limit 1 both ways and
 * no multicast loop: its packets never leave the link, and it does not
 * hear itself. Returns the fd or a negative errno.
 */
struct mc_udp6 {
	const char *ifname;
	int ifindex;
	uint16_t port;
	const struct in6_addr *group;
};
int mc_udp6_open(const struct mc_udp6 *u);
/* One datagram to [dst]:port out of ifindex; 0 or a negative errno
 * (-EADDRNOTAVAIL while the link-local address is still tentative). */
int mc_udp6_send(int fd, int ifindex, uint16_t port, const struct in6_addr *dst,
		 const void *p, size_t len);

#endif
