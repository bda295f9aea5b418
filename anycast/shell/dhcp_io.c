/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DHCP's sockets. Requests come in on UDP 67 bound to anygw; replies go
 * out as whole frames from the anycast MAC and address (AF_PACKET): an
 * OFFER to a client that has no address yet is a unicast to its MAC,
 * which a UDP socket could only send after writing a neighbour entry.
 * A relay's request (giaddr, in the cloud's prefix: perfdhcp is one)
 * is answered through the UDP socket to the relay's port 67.
 * New addresses are ARP-probed (RFC 5227: sender address 0) out of bat0,
 * so the probe crosses the whole cloud; any ARP from a probed address
 * that comes back says it is in use.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "anycast/shell/anycastd.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/nl.h"

#define AC_PROBES_MAX 1024	/* addresses being probed at once; beyond, the oldest is forgotten */
#define AC_FRAME_MAX 1600
#define AC_PROBE_KEEP_MS 5000u	/* an answer later than this is not one */

static struct {
	struct in_addr ip;
	uint64_t since_ms;
} probes[AC_PROBES_MAX];
static uint64_t probes_last_ms;	/* the newest probe: after it + KEEP, none is live */

/* Ethernet + IPv4 + UDP 67 -> 68 around msg; the frame's length. */
static size_t dhcp_frame(const struct anycastd *a, const struct ac_dhcp_tx *tx, uint8_t *f)
{
	size_t ulen = 8 + tx->len, ip = 14, udp = 34;
	uint32_t sum;
	struct mc_wr w;

	mc_wr_init(&w, f, AC_FRAME_MAX);
	mc_wr_bytes(&w, tx->dst_mac, 6);
	mc_wr_bytes(&w, a->mac, 6);
	mc_wr_u16(&w, ETHERTYPE_IP);
	mc_wr_u16(&w, 0x4500);
	mc_wr_u16(&w, (uint16_t)(20 + ulen));
	mc_wr_u32(&w, 0);		/* id, no fragments */
	mc_wr_u16(&w, 64 << 8 | IPPROTO_UDP);
	mc_wr_u16(&w, 0);		/* checksum, below */
	mc_wr_bytes(&w, &a->gw4.s_addr, 4);
	mc_wr_bytes(&w, &tx->dst_ip.s_addr, 4);
	mc_wr_u16(&w, AC_DHCP_SERVER_PORT);
	mc_wr_u16(&w, AC_DHCP_CLIENT_PORT);
	mc_wr_u16(&w, (uint16_t)ulen);
	mc_wr_u16(&w, 0);
	mc_wr_bytes(&w, tx->msg, tx->len);
	mc_put_u16(f + ip + 10, mc_csum_fold(mc_csum_add(0, f + ip, 20)));
	/* UDP checksum over the pseudo header (addresses, protocol, length) */
	sum = mc_csum_add(IPPROTO_UDP + (uint32_t)ulen, f + ip + 12, 8);
	sum = mc_csum_fold(mc_csum_add(sum, f + udp, ulen));
	mc_put_u16(f + udp + 6, sum ? sum : 0xffff);
	return mc_wr_len(&w);
}

void ac_dhcp_io_send(struct anycastd *a, const struct ac_dhcp_tx *tx)
{
	uint8_t f[AC_FRAME_MAX];
	size_t len;

	if (tx->relay) {	/* a relay has an address: the kernel finds it */
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = tx->dst_ip,
					  .sin_port = htons(AC_DHCP_SERVER_PORT) };

		if (a->dhcp_fd < 0 || sendto(a->dhcp_fd, tx->msg, tx->len, MSG_DONTWAIT,
					     (struct sockaddr *)&to, sizeof(to)) < 0)
			a->tx_errors++;
		return;
	}
	if (a->pkt_fd < 0 || tx->len > AC_FRAME_MAX - 42)
		return;
	len = dhcp_frame(a, tx, f);
	if (send(a->pkt_fd, f, len, 0) < 0)
		a->tx_errors++;
}

void ac_arp_probe(struct anycastd *a, struct in_addr ip)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint64_t now = mc_ev_now_ms(a->d->loop);
	uint8_t f[60] = { 0 };
	unsigned slot = 0;
	struct mc_wr w;

	for (unsigned i = 1; i < AC_PROBES_MAX; i++)	/* the oldest slot */
		if (probes[i].since_ms < probes[slot].since_ms)
			slot = i;
	probes[slot].ip = ip;
	probes[slot].since_ms = now ? now : 1;
	probes_last_ms = probes[slot].since_ms;
	mc_wr_init(&w, f, sizeof(f));
	mc_wr_bytes(&w, bcast, 6);
	mc_wr_bytes(&w, a->bat0_mac, 6);
	mc_wr_u16(&w, ETHERTYPE_ARP);
	mc_wr_u32(&w, 0x00010800);	/* Ethernet, IPv4 */
	mc_wr_u32(&w, 0x06040001);	/* lengths 6 and 4, request */
	mc_wr_bytes(&w, a->bat0_mac, 6);
	mc_wr_zero(&w, 4 + 6);		/* sender 0.0.0.0: a probe claims nothing */
	mc_wr_bytes(&w, &ip.s_addr, 4);
	if (a->arp_fd < 0 || send(a->arp_fd, f, sizeof(f), 0) < 0)
		a->tx_errors++;
}

/* An ARP seen on bat0: from an address we probe, it is in use. */
static void on_arp(struct ev_loop *loop, ev_io *io, int revents)
{
	struct anycastd *a = io->data;
	uint64_t now = mc_ev_now_ms(loop);
	uint8_t f[128];
	struct in_addr spa;
	ssize_t n = recv(a->arp_fd, f, sizeof(f), MSG_DONTWAIT);

	/* every ARP of the cloud comes by; most when nothing is probed */
	if (n < 42 || mc_get_u16(f + 12) != ETHERTYPE_ARP || now - probes_last_ms > AC_PROBE_KEEP_MS)
		return;
	memcpy(&spa.s_addr, f + 28, 4);
	for (unsigned i = 0; i < AC_PROBES_MAX; i++) {
		if (!probes[i].since_ms || probes[i].ip.s_addr != spa.s_addr ||
		    now - probes[i].since_ms > AC_PROBE_KEEP_MS)
			continue;
		probes[i].since_ms = 0;
		log_info("DHCP: ARP from %s (%02x:%02x:%02x:%02x:%02x:%02x) while probing it",
			 inet_ntoa(spa), f[22], f[23], f[24], f[25], f[26], f[27]);
		ac_dhcp_probe_answer(a->dhcp, ac_wall_ms(), spa, f + 22);
		ac_dhcp_changed(a);
	}
}

static void on_dhcp(struct ev_loop *loop, ev_io *io, int revents)
{
	struct anycastd *a = io->data;
	uint8_t buf[2048];
	ssize_t n;

	for (int i = 0; i < 64; i++) {
		n = recv(a->dhcp_fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0)
			break;
		ac_dhcp_rx(a->dhcp, ac_wall_ms(), buf, (size_t)n > sizeof(buf) ? sizeof(buf) + 1 : (size_t)n);
	}
	ac_dhcp_changed(a);
}

static int packet_open(int ifindex, uint16_t proto)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(proto),
				   .sll_ifindex = ifindex };
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(proto));

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

static int udp67_open(const char *ifname)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(AC_DHCP_SERVER_PORT) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), one = 1, e;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

static int bat0_mac(struct anycastd *a)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "bat0");
	if (ioctl(a->arp_fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(a->bat0_mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

int ac_dhcp_io_open(struct anycastd *a)
{
	int rc;

	a->bat0_index = mc_nl_ifindex("bat0");
	if (!a->bat0_index)
		return -ENODEV;
	if ((a->dhcp_fd = udp67_open(a->ifname)) < 0)
		return a->dhcp_fd;
	if ((a->pkt_fd = packet_open(a->ifindex, 0)) < 0)
		return a->pkt_fd;
	if ((a->arp_fd = packet_open(a->bat0_index, ETH_P_ARP)) < 0)
		return a->arp_fd;
	if ((rc = bat0_mac(a)) < 0)
		return rc;
	ev_io_init(&a->dhcp_w, on_dhcp, a->dhcp_fd, EV_READ);
	ev_io_init(&a->arp_w, on_arp, a->arp_fd, EV_READ);
	a->dhcp_w.data = a->arp_w.data = a;
	ev_io_start(a->d->loop, &a->dhcp_w);
	ev_io_start(a->d->loop, &a->arp_w);
	return 0;
}

void ac_dhcp_io_close(struct anycastd *a)
{
	ac_io_close(a, &a->dhcp_w, &a->dhcp_fd);
	ac_io_close(a, &a->arp_w, &a->arp_fd);
	if (a->pkt_fd >= 0)
		close(a->pkt_fd);
	a->pkt_fd = -1;
}
