/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VLAN interfaces of wire ports (vport.h). One plain AF_PACKET socket per
 * VLAN, filtered in the kernel to that 802.1ad VID: what these carry
 * (babel's hellos and the traffic routed over them) is not the batman
 * fast path, so a read and a write per frame are enough.
 *
 * Both ends carry a virtio-net header (PACKET_VNET_HDR, IFF_VNET_HDR), so
 * a frame whose checksum is left to the hardware (a VM's virtio NIC sends
 * its UDP so) reaches the TAP with that said, and the kernel behind it
 * takes it as sound: without the header such a frame arrives with a
 * checksum never filled in, and is dropped. Both kernels write and read
 * that header in host byte order (legacy virtio: the TAP is never set
 * TUNSETVNETLE), so its fields pass through as they are.
 */
#include "l2mesh/shell/vport.h"
#include "l2mesh/shell/ring.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "common/buf.h"
#include "common/tuntap.h"
#include "l2mesh/core/packet.h"
#include "l2mesh/shell/bpf.h"

/* frames of at most this (a jumbo port's) length */
#define VPORT_FRAME_MAX 9216

void l2sh_vport_name(char out[IFNAMSIZ], const char *port, unsigned vid)
{
	char sfx[8];
	int sl = snprintf(sfx, sizeof(sfx), "_%u", vid);
	int pl = (int)strnlen(port, IFNAMSIZ - 1);

	if (pl + sl > IFNAMSIZ - 1)
		pl = IFNAMSIZ - 1 - sl;
	snprintf(out, IFNAMSIZ, "%.*s%s", pl, port, sfx);
}


/* 802.1ad frames of vid only: the tag taken off by the NIC or in the frame */
static int vlan_filter(int fd, uint16_t vid)
{
	enum { ACCEPT = 12, REJECT = 13 };
	struct sock_filter f[] = {
		/* 0 */ LD_AD(SKF_AD_VLAN_TAG_PRESENT),
		/* 1 */ JEQ(1, 0, 7, 2),
		/* 2 */ LD_AD(SKF_AD_VLAN_TPID),
		/* 3 */ JEQ(3, L2_ETHERTYPE_8021AD, 4, REJECT),
		/* 4 */ LD_AD(SKF_AD_VLAN_TAG),
		/* 5 */ AND(L2_VLAN_VID_MASK),
		/* 6 */ JEQ(6, vid, ACCEPT, REJECT),
		/* 7 */ LDH(12),
		/* 8 */ JEQ(8, L2_ETHERTYPE_8021AD, 9, REJECT),
		/* 9 */ LDH(14),
		/* 10 */ AND(L2_VLAN_VID_MASK),
		/* 11 */ JEQ(11, vid, ACCEPT, REJECT),
		/* 12 */ RET(0x40000),
		/* 13 */ RET(0),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ? -errno : 0;
}

/* A frame heard on the port in this VLAN: untagged into the TAP. */
static void sock_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct l2sh_vport *v = w->data;
	static uint8_t buf[VPORT_FRAME_MAX];
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(struct tpacket_auxdata))]; } cb;
	struct sockaddr_ll from;
	struct virtio_net_hdr vh;
	struct iovec iov[2] = { { &vh, sizeof(vh) }, { buf, sizeof(buf) } };

	for (int i = 0; i < 64; i++) {
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
				     .msg_iov = iov, .msg_iovlen = 2,
				     .msg_control = &cb, .msg_controllen = sizeof(cb) };
		ssize_t n = recvmsg(v->sockfd, &mh, MSG_DONTWAIT | MSG_TRUNC);
		bool stripped = false;
		uint8_t *d = buf;

		if (n < 0) {
			if (errno == ENETDOWN || errno == ENXIO || errno == ENODEV)
				l2sh_vport_unbind(v);	/* the port went away */
			return;
		}
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;	/* ours, seen leaving */
		n -= (ssize_t)sizeof(vh);
		if ((size_t)n > sizeof(buf) || n < 14 || vh.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
			v->rx_foreign++;	/* GRO does not merge what no one here offloads */
			continue;
		}
		uint16_t tpid, tci;
		stripped = l2sh_aux_vlan(&mh, &tpid, &tci);
		uint16_t cs = vh.csum_start;
		size_t start;
		long len = l2_vlan_pop(buf, (size_t)n, !stripped,
				       vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM ? &cs : NULL, &start);
		if (len < 0) {
			v->rx_foreign++;
			continue;
		}
		vh.csum_start = cs;
		d = buf + start;
		n = len;
		struct iovec out[2] = { { &vh, sizeof(vh) }, { d, (size_t)n } };
		if (writev(v->tapfd, out, 2) == (ssize_t)sizeof(vh) + n)
			v->rx++;
	}
	(void)loop;
	(void)revents;
}

/* A frame from the TAP: onto the port with the tag. */
static void tap_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct l2sh_vport *v = w->data;
	static uint8_t buf[VPORT_FRAME_MAX + 4];
	struct virtio_net_hdr vh;

	for (int i = 0; i < 64; i++) {
		struct iovec in[2] = { { &vh, sizeof(vh) }, { buf + 4, VPORT_FRAME_MAX } };
		ssize_t n = readv(v->tapfd, in, 2) - (ssize_t)sizeof(vh);

		if (n < 0)
			return;	/* EAGAIN: drained */
		uint16_t cs = vh.csum_start;
		long len = l2_vlan_push(buf, (size_t)n, v->vid,
					vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM ? &cs : NULL);
		if (len < 0)
			continue;
		vh.csum_start = cs;
		struct iovec out[2] = { { &vh, sizeof(vh) }, { buf, (size_t)len } };
		struct msghdr mh = { .msg_iov = out, .msg_iovlen = 2 };
		if (v->sockfd < 0 || sendmsg(v->sockfd, &mh, MSG_DONTWAIT) < 0)
			v->tx_errors++;	/* the port is gone, or its queue full: lost */
		else
			v->tx++;
	}
	(void)loop;
	(void)revents;
}

int l2sh_vport_bind(struct l2sh_vport *v)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int one = 1, fd, rc;

	if (v->sockfd >= 0)
		return 0;
	sll.sll_ifindex = (int)if_nametoindex(v->port);
	if (!sll.sll_ifindex)
		return -ENODEV;
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* the filter first, then the binding: no frame of another VLAN slips in */
	if ((rc = vlan_filter(fd, v->vid)) < 0 ||
	    (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0 && (rc = -errno)) ||
	    (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0 && (rc = -errno)) ||
	    (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0 && (rc = -errno))) {
		close(fd);
		return rc;
	}
	v->sockfd = fd;
	ev_io_init(&v->sock_io, sock_cb, fd, EV_READ);
	v->sock_io.data = v;
	ev_io_start(v->loop, &v->sock_io);
	return 0;
}

void l2sh_vport_unbind(struct l2sh_vport *v)
{
	if (v->sockfd < 0)
		return;
	ev_io_stop(v->loop, &v->sock_io);
	close(v->sockfd);
	v->sockfd = -1;
}

int l2sh_vport_open(struct l2sh_vport *v, struct ev_loop *loop, const char *port,
		    uint16_t vid, char *err, size_t errlen)
{
	char name[IFNAMSIZ];
	int rc;

	memset(v, 0, sizeof(*v));
	v->loop = loop;
	v->vid = vid;
	v->sockfd = v->tapfd = -1;
	snprintf(v->port, sizeof(v->port), "%s", port);
	l2sh_vport_name(name, port, vid);
	if ((rc = mc_tuntap_open(name, MC_TUNTAP_TAP | MC_TUNTAP_VNET_HDR, v->ifname)) < 0) {
		snprintf(err, errlen, "TAP %s: %s", name, strerror(-rc));
		return rc;
	}
	v->tapfd = rc;
	ev_io_init(&v->tap_io, tap_cb, v->tapfd, EV_READ);
	v->tap_io.data = v;
	ev_io_start(loop, &v->tap_io);
	rc = l2sh_vport_bind(v);
	if (rc < 0 && rc != -ENODEV) {
		snprintf(err, errlen, "%s on %s: %s", v->ifname, port, strerror(-rc));
		l2sh_vport_close(v);
		return rc;
	}
	return 0;
}

void l2sh_vport_close(struct l2sh_vport *v)
{
	l2sh_vport_unbind(v);
	if (v->tapfd >= 0) {
		ev_io_stop(v->loop, &v->tap_io);
		close(v->tapfd);
	}
	v->tapfd = -1;
}
