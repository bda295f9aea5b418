/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/tuntap.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if_tun.h>

int mc_tuntap_open(const char *name, unsigned flags, char ifname_r[IFNAMSIZ])
{
	struct ifreq ifr;
	int fd, rc;

	if (strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_NO_PI;
	ifr.ifr_flags |= (flags & MC_TUNTAP_TAP) ? IFF_TAP : IFF_TUN;
	if (flags & MC_TUNTAP_VNET_HDR)
		ifr.ifr_flags |= IFF_VNET_HDR;
	strcpy(ifr.ifr_name, name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	memcpy(ifname_r, ifr.ifr_name, IFNAMSIZ);
	ifname_r[IFNAMSIZ - 1] = '\0';
	return fd;
}
