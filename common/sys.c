/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/sys.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"

int mc_sysctl_set(const char *value, const char *fmt, ...)
{
	char path[192];
	va_list ap;
	FILE *f;
	int rc = 0;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	f = fopen(path, "we");
	if (!f || fputs(value, f) < 0)
		rc = -errno;
	if (f && fclose(f) < 0 && !rc)
		rc = -errno;
	if (rc)
		log_warn("%s: %s", path, strerror(-rc));
	return rc;
}

int mc_sysctl_if(const char *family, const char *ifname, const char *what,
		 const char *value)
{
	return mc_sysctl_set(value, "/proc/sys/net/%s/conf/%s/%s", family, ifname, what);
}

int mc_sysctl_get(const char *path, long *v)
{
	FILE *f = fopen(path, "re");
	int rc = 0;

	if (!f)
		return -errno;
	if (fscanf(f, "%ld", v) != 1)
		rc = -EINVAL;
	fclose(f);
	return rc;
}

int mc_file_read_u32s(const char *path, uint32_t *v, unsigned max)
{
	FILE *f = fopen(path, "re");
	unsigned long long n;
	unsigned i;

	if (!f)
		return -errno;
	for (i = 0; i < max && fscanf(f, "%llu", &n) == 1; i++) {
		if (n > UINT32_MAX) {
			fclose(f);
			return -EINVAL;
		}
		v[i] = (uint32_t)n;
	}
	fclose(f);
	return i ? (int)i : -EINVAL;
}

int mc_file_read_u32(const char *path, uint32_t *v)
{
	int rc = mc_file_read_u32s(path, v, 1);

	return rc < 0 ? rc : 0;
}

static int opt(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

static int udp6_setup(int fd, const struct mc_udp6 *u)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(u->port) };

	if (opt(fd, SOL_SOCKET, SO_REUSEADDR, 1) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, u->ifname,
		       (socklen_t)strlen(u->ifname)) < 0 ||
	    opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1) < 0 ||
	    opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, u->ifindex) < 0 ||
	    opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 1) < 0 ||
	    opt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 1) < 0 ||
	    opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	if (u->group) {
		struct ipv6_mreq mr = { .ipv6mr_multiaddr = *u->group,
					.ipv6mr_interface = (unsigned)u->ifindex };
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) < 0)
			return -errno;
	}
	return 0;
}

int mc_udp6_open(const struct mc_udp6 *u)
{
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return -errno;
	if ((rc = udp6_setup(fd, u)) < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

int mc_udp6_send(int fd, int ifindex, uint16_t port, const struct in6_addr *dst,
		 const void *p, size_t len)
{
	struct sockaddr_in6 sa = {
		.sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = *dst,
		.sin6_scope_id = (uint32_t)ifindex,
	};

	return sendto(fd, p, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
}
