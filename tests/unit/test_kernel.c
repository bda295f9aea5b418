/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP/TUN and netlink helpers against the real kernel, inside a private
 * network namespace (unshare), so nothing on the host is touched. Needs
 * root and /dev/net/tun; otherwise reports itself skipped (exit 77).
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include <arpa/inet.h>
#include <poll.h>

#include "common/addr.h"
#include "common/nl.h"
#include "common/sys.h"
#include "common/tuntap.h"
#include "tests/unit/check.h"

static struct mc_nl *nl;

/* The output of a shell command, for checking the kernel's own view. */
static char *sh(const char *cmd)
{
	static char out[8192];
	FILE *f = popen(cmd, "r");
	size_t n = f ? fread(out, 1, sizeof(out) - 1, f) : 0;

	out[n] = '\0';
	if (f)
		pclose(f);
	return out;
}

static void test_tap_link(void)
{
	char name[IFNAMSIZ];
	uint8_t mac[6] = { 0x02, 0x5e, 0, 0, 0, 0x42 }, got[6];
	unsigned mtu;
	bool up;
	int fd = mc_tuntap_open("smtap%d", MC_TUNTAP_TAP, name);

	CHECK(fd >= 0);
	CHECK(!strncmp(name, "smtap", 5));
	int ifindex = mc_nl_ifindex(name);
	CHECK(ifindex > 0);
	struct mc_nl_link want = { .up = 1, .mtu = 1532, .mac = mac };
	CHECK_INT(mc_nl_link_set(nl, ifindex, &want), 0);
	CHECK_INT(mc_nl_link_get(nl, ifindex, got, &mtu, &up), 0);
	CHECK(!memcmp(got, mac, 6));
	CHECK_INT(mtu, 1532);
	CHECK(up);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "ip -o link show %s", name);
	CHECK(strstr(sh(cmd), "mtu 1532"));
	CHECK(strstr(sh(cmd), "02:5e:00:00:00:42"));
	close(fd);
	/* a TAP lives as long as its fd */
	CHECK_INT(mc_nl_ifindex(name), 0);
	CHECK_INT(mc_nl_link_get(nl, ifindex, NULL, NULL, NULL), -ENODEV);
}

static void test_tun_vnet(void)
{
	char name[IFNAMSIZ];
	int fd = mc_tuntap_open("smtun0", MC_TUNTAP_VNET_HDR, name);

	CHECK(fd >= 0);
	CHECK_STR(name, "smtun0");
	CHECK(strstr(sh("ip -d link show smtun0"), "tun type tun"));
	close(fd);
	CHECK_INT(mc_tuntap_open("this-name-is-far-too-long", 0, name), -ENAMETOOLONG);
}

static void test_addr_route_rule(void)
{
	char name[IFNAMSIZ];
	int fd = mc_tuntap_open("bat0", MC_TUNTAP_TAP, name);
	int ifindex = mc_nl_ifindex("bat0");
	struct mc_nl_link up = { .up = 1 };
	struct mc_ip v4, v6, via;

	CHECK(fd >= 0 && ifindex > 0);
	CHECK_INT(mc_nl_link_set(nl, ifindex, &up), 0);
	mc_ip_parse("10.13.0.5/16", &v4);
	mc_ip_parse("fd0d:fe46:8ce8::5/64", &v6);
	CHECK_INT(mc_nl_addr_add(nl, ifindex, &v4), 0);
	CHECK_INT(mc_nl_addr_add(nl, ifindex, &v6), 0);
	CHECK_INT(mc_nl_addr_add(nl, ifindex, &v4), 0);	/* replace: idempotent */
	CHECK(strstr(sh("ip -o addr show dev bat0"), "inet 10.13.0.5/16"));
	CHECK(strstr(sh("ip -o addr show dev bat0"), "fd0d:fe46:8ce8::5/64"));

	struct mc_nl_route r = { .oif = ifindex, .table = 100, .metric = 7 };
	mc_ip_parse("10.99.0.0/16", &r.dst);
	CHECK_INT(mc_nl_route_add(nl, &r), 0);
	/* an IPv4 route through an IPv6 link-local next hop (RTA_VIA) */
	struct mc_nl_route r4 = { .oif = ifindex, .table = 100 };
	mc_ip_parse("10.77.0.0/16", &r4.dst);
	mc_ip_parse("fe80::1", &via);
	r4.via = via;
	CHECK_INT(mc_nl_route_add(nl, &r4), 0);
	struct mc_nl_route r6 = { .oif = ifindex, .table = 100 };
	mc_ip_parse("fd70::/16", &r6.dst);
	r6.via = via;
	CHECK_INT(mc_nl_route_add(nl, &r6), 0);
	/* a route of another protocol in the same table must survive a flush */
	CHECK(system("ip route add 10.55.0.0/16 dev bat0 table 100 proto static") == 0);
	char *out = sh("ip route show table 100");
	CHECK(strstr(out, "10.99.0.0/16 dev bat0 proto 201"));
	CHECK(strstr(out, "10.77.0.0/16 via inet6 fe80::1 dev bat0 proto 201"));
	CHECK(strstr(sh("ip -6 route show table 100"), "fd70::/16 via fe80::1 dev bat0 proto 201"));

	CHECK_INT(mc_nl_route_del(nl, &r), 0);
	CHECK(mc_nl_route_del(nl, &r) < 0);	/* already gone */
	CHECK_INT(mc_nl_route_add(nl, &r), 0);
	CHECK_INT(mc_nl_route_flush(nl, AF_UNSPEC, 100, MC_RTPROT_SOFTMESH), 3);
	out = sh("ip route show table 100");
	CHECK(!strstr(out, "proto 201"));
	CHECK(strstr(out, "10.55.0.0/16"));
	CHECK(!strstr(sh("ip -6 route show table 100"), "fd70::"));

	struct mc_nl_rule ru = { .family = AF_INET, .priority = 1234, .table = 100 };
	mc_ip_parse("10.13.0.0/16", &ru.src);
	CHECK_INT(mc_nl_rule_add(nl, &ru), 0);
	CHECK(strstr(sh("ip rule show"), "1234:\tfrom 10.13.0.0/16 lookup 100"));
	CHECK_INT(mc_nl_rule_del(nl, &ru), 0);
	CHECK(!strstr(sh("ip rule show"), "1234:"));

	CHECK_INT(mc_nl_addr_del(nl, ifindex, &v4), 0);
	CHECK(!strstr(sh("ip -o addr show dev bat0"), "10.13.0.5"));
	close(fd);
}

/* The link-local address of ifname (DAD is off in this namespace). */
static int linklocal(const char *ifname, struct in6_addr *a)
{
	char cmd[160], *out;

	snprintf(cmd, sizeof(cmd), "ip -6 -o addr show dev %s scope link | "
		 "awk '{ sub(/\\/.*/, \"\", $4); print $4 }'", ifname);
	for (int i = 0; i < 100; i++) {
		out = sh(cmd);
		out[strcspn(out, "\n")] = '\0';
		if (*out && inet_pton(AF_INET6, out, a) == 1)
			return 0;
		usleep(20000);
	}
	return -1;
}

static ssize_t recv_wait(int fd, char *buf, size_t len, struct sockaddr_in6 *from)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	socklen_t fl = sizeof(*from);

	if (poll(&p, 1, 500) != 1)
		return -1;
	return recvfrom(fd, buf, len, 0, (struct sockaddr *)from, &fl);
}

/* sysctl writer and the link-local multicast UDP socket, over a veth pair */
static void test_sysctl_udp6(void)
{
	static const struct in6_addr grp = { .s6_addr = { 0xff, 0x02, [15] = 0x02 } };
	struct in6_addr lla, llb;
	struct sockaddr_in6 from;
	char buf[64];
	long v = -1;

	CHECK_INT(mc_sysctl_set("0", "/proc/sys/net/ipv6/conf/default/accept_dad"), 0);
	CHECK_INT(mc_sysctl_get("/proc/sys/net/ipv6/conf/default/accept_dad", &v), 0);
	CHECK_INT(v, 0);
	CHECK(mc_sysctl_set("1", "/proc/sys/net/nosuch/knob") < 0);
	CHECK(system("ip link add va type veth peer name vb && ip link set va up && "
		     "ip link set vb up") == 0);
	CHECK_INT(mc_sysctl_if("ipv4", "va", "arp_ignore", "8"), 0);
	CHECK(strstr(sh("cat /proc/sys/net/ipv4/conf/va/arp_ignore"), "8"));
	CHECK(linklocal("va", &lla) == 0 && linklocal("vb", &llb) == 0);
	struct mc_udp6 ua = { "va", mc_nl_ifindex("va"), 7000, &grp };
	struct mc_udp6 ub = { "vb", mc_nl_ifindex("vb"), 7000, &grp };
	int fa = mc_udp6_open(&ua), fb = mc_udp6_open(&ub);
	CHECK(fa >= 0 && fb >= 0);
	/* the same port on another device binds too */
	struct mc_udp6 ulo = { "lo", 1, 7000, NULL };
	int flo = mc_udp6_open(&ulo);
	CHECK(flo >= 0);
	/* multicast reaches the other end, from the sender's link-local, and
	 * not the sender itself */
	CHECK_INT(mc_udp6_send(fa, ua.ifindex, 7000, &grp, "hello", 5), 0);
	CHECK_INT(recv_wait(fb, buf, sizeof(buf), &from), 5);
	CHECK(!memcmp(buf, "hello", 5));
	CHECK(!memcmp(&from.sin6_addr, &lla, 16) && mc_in6_is_linklocal(&from.sin6_addr));
	CHECK(recv_wait(fa, buf, sizeof(buf), &from) < 0);
	/* unicast back to the link-local */
	CHECK_INT(mc_udp6_send(fb, ub.ifindex, 7000, &lla, "ack", 3), 0);
	CHECK_INT(recv_wait(fa, buf, sizeof(buf), &from), 3);
	CHECK(!memcmp(&from.sin6_addr, &llb, 16));
	struct mc_udp6 bad = { "nosuch0", 999, 7001, NULL };
	CHECK(mc_udp6_open(&bad) < 0);
	close(fa);
	close(fb);
	if (flo >= 0)
		close(flo);
	CHECK(system("ip link del va") == 0);
}

int main(void)
{
	if (geteuid() != 0) {
		printf("SKIP: needs root (network namespace, TAP devices)\n");
		return 77;
	}
	if (access("/dev/net/tun", R_OK | W_OK) < 0) {
		printf("SKIP: no /dev/net/tun\n");
		return 77;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("SKIP: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 77;
	}
	if (system("ip link set lo up") != 0 || mc_nl_open(&nl) < 0) {
		fprintf(stderr, "netlink setup failed\n");
		return 1;
	}
	RUN(test_tap_link);
	RUN(test_tun_vnet);
	RUN(test_addr_route_rule);
	RUN(test_sysctl_udp6);
	mc_nl_close(nl);
	return check_exit();
}
