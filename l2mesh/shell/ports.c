/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "l2mesh/shell/ports.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>

#include "common/addr.h"
#include "common/log.h"
#include "l2mesh/core/packet.h"

/* Frames larger than any MTU we use, tag included. */
#define FRAME_MAX (9000 + 18)
/* A super-frame (GSO/GRO): an IP datagram of up to 64 KB with its
 * Ethernet header and two tags. */
#define SUPER_MAX (65535 + 22)
/* the trailer after a super-frame on a super_frames mesh port
 * (l2sh_port_send_super) */
#define SUPER_TRAILER_LEN 4
static const uint8_t super_magic[2] = { 'S', 'F' };
/*
 * Each port's receive ring starts small (two 64 KB blocks: 78 frames at
 * MTU 1532) and grows fourfold, up to 4 MB (2500 frames), whenever it is
 * found a quarter full or the kernel counted a drop; a ring never found
 * a sixteenth full for 30 s shrinks fourfold (back to what fits what it
 * saw, with room), down to the start size. A node whose ports idle holds
 * 128 KB per port; a loaded one what its traffic needs.
 */
#define RING_MIN_BYTES (128u << 10)
#define RING_MAX_BYTES (4u << 20)
#define RING_CHECK_MS 1000u
#define RING_SHRINK_MS 30000u
/* Frames handled per wake-up of one port before other watchers run. */
#define RX_BUDGET 256u

/*
 * Receive offloads merge the frames of a TCP stream into one larger than
 * the MTU. On a LAN port that is welcome: such a super-frame comes whole
 * (the ring's copy queue) with its segment size and is cut here before
 * the mesh (wire_frame). A mesh port carries batman frames, which
 * nothing merges; a merging driver (LRO) there could only hand us what
 * we cannot forward. Turns GRO and LRO off; false if the driver refused.
 */
static bool rx_offloads_off(const char *ifname)
{
	struct ethtool_value ev;
	struct ifreq ifr;
	bool ok = true;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	ev = (struct ethtool_value){ .cmd = ETHTOOL_GGRO };
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0 && ev.data) {
		ev = (struct ethtool_value){ .cmd = ETHTOOL_SGRO, .data = 0 };
		ok = ioctl(fd, SIOCETHTOOL, &ifr) == 0;
	}
	ev = (struct ethtool_value){ .cmd = ETHTOOL_GFLAGS };
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0 && (ev.data & ETH_FLAG_LRO)) {
		ev = (struct ethtool_value){ .cmd = ETHTOOL_SFLAGS, .data = ev.data & ~ETH_FLAG_LRO };
		ok = ioctl(fd, SIOCETHTOOL, &ifr) == 0 && ok;
	}
	close(fd);
	return ok;
}

/*
 * Frames go out through a socket of their own: bound to no protocol, it
 * receives nothing, and as it is in no poll set, freeing each sent frame
 * does not call into our epoll (the ring socket's wait queue would).
 */
static int tx_socket(int ifindex, bool vnet)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int buf = 1 << 20, one = 1;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = ifindex };

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	/* LAN ports: every message starts with a virtio-net header, so a
	 * run of TCP segments leaves as one super-frame the kernel (or the
	 * NIC) segments again only where it must */
	if (vnet && setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	/* room for a whole batch in flight */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	return fd;
}

int l2sh_wire_open(struct l2sh_port *p, const char *ifname, bool mesh, uint16_t vid,
		   char *err, size_t errlen)
{
	int rc, ifindex = (int)if_nametoindex(ifname);

	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	p->mesh = mesh;
	p->vid = vid;
	p->fd = p->txfd = p->ogmfd = -1;
	if (!ifindex) {
		snprintf(err, errlen, "%s: %s", ifname, strerror(ENODEV));
		return -ENODEV;
	}
	if (mesh && !rx_offloads_off(ifname))
		log_warn("%s: cannot turn receive offloads (GRO/LRO) off; "
			 "merged frames larger than the MTU will be dropped", ifname);
	/* a mesh port's OGMs apart, read at the aggregation slots */
	if (mesh && (p->ogmfd = l2sh_ogm_open(ifindex, vid, p->mac)) < 0) {
		log_warn("%s: OGM socket: %s; OGMs come by the ring", ifname,
			 strerror(-p->ogmfd));
		p->ogmfd = -1;
	}
	/* the interface MTU counts the cloud tag on mesh ports already */
	rc = l2sh_ring_open(&p->ring, ifname, p->mtu ? p->mtu : 1500, RING_MIN_BYTES,
			    mesh ? (int)vid : -1, p->mac,
			    p->ogmfd >= 0 ? L2SH_OGM_APART : L2SH_OGM_WITH);
	if (rc < 0) {
		snprintf(err, errlen, "%s: receive ring: %s", ifname, strerror(-rc));
		goto fail;
	}
	if ((p->txfd = tx_socket(p->ring.ifindex, !mesh || p->super)) < 0) {
		rc = p->txfd;
		snprintf(err, errlen, "%s: send socket: %s", ifname, strerror(-rc));
		l2sh_ring_close(&p->ring);
		p->txfd = -1;
		goto fail;
	}
	p->fd = p->ring.fd;
	p->vnet = !mesh || p->super;
	p->wire = true;
	return 0;
fail:
	if (p->ogmfd >= 0)
		close(p->ogmfd);
	p->ogmfd = -1;
	return rc;
}

void l2sh_tap_adopt(struct l2sh_port *p, const char *ifname, int fd)
{
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	p->tap = true;
	p->fd = fd;
	p->txfd = p->ogmfd = -1;
}

/* l2sh_super_cut's state: the headers to put before each segment */
struct cut_ctx {
	const uint8_t *hdr;
	size_t off;
	bool (*emit)(void *arg, uint8_t *seg, size_t len);
	void *arg;
};

static bool cut_emit(void *arg, uint8_t *seg, size_t len)
{
	struct cut_ctx *c = arg;

	memcpy(seg - c->off, c->hdr, c->off);
	return c->emit(c->arg, seg - c->off, len + c->off);
}

long l2sh_super_cut(const uint8_t *frame, size_t len, size_t off, unsigned mss,
		    bool (*emit)(void *arg, uint8_t *seg, size_t len), void *arg)
{
	/* each segment is built at seg + off, its headers go in front */
	static uint8_t seg[L2SH_SUPER_HEADROOM + FRAME_MAX];
	struct cut_ctx c = { frame, off, emit, arg };

	if (off > L2SH_SUPER_HEADROOM || off > len)
		return -EINVAL;
	return l2_tcp_segment(frame + off, len - off, mss, seg + off, sizeof(seg) - off,
			      cut_emit, &c);
}

/* Without a route hook: each segment to the core as any frame. */
static bool segment_rx(void *arg, uint8_t *seg, size_t len)
{
	struct l2sh_port *p = arg;

	p->rx_frames++;
	p->rx(p, seg, len);
	return true;
}

/*
 * A checksum the sender left to its NIC (a client with checksum offload
 * on, across a veth): filled in here, as the NIC would have, before the
 * frame goes anywhere. Offsets count a tag the NIC took off.
 */
static bool csum_complete(struct l2sh_port *p, const struct l2sh_ring_frame *f)
{
	/* a packet socket's virtio-net header is in the host's byte order
	 * (the kernel's vio_le() is the legacy, native one) */
	size_t start = f->vh.csum_start, off = f->vh.csum_offset;

	if (!(f->vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) || f->vh.gso_type != VIRTIO_NET_HDR_GSO_NONE)
		return true;
	if (f->tagged && start < 4 + 14)
		return false;
	start -= f->tagged ? 4 : 0;
	/* the ring is ours to write (mapped read-write) */
	if (l2_csum_complete((uint8_t *)(uintptr_t)f->data, f->len, start, off) < 0)
		return false;
	p->rx_csum++;
	return true;
}

static unsigned super_trailer(const uint8_t *frame, size_t len, size_t off);

/*
 * A TCP super-frame of segment size mss: from a LAN port (its GRO, a
 * client's TSO), or from a mesh port with super_frames on the other side
 * (a batman unicast around it). The route hook (l2meshd) sends it on
 * whole where it can; without one it is cut, each segment to the core.
 */
static void super_rx(struct l2sh_port *p, uint8_t *d, size_t len, unsigned mss)
{
	size_t off = 0;
	bool ok;

	if (p->mesh) {
		if (len < L2_ETH_HLEN + L2_UNICAST_HLEN || d[L2_ETH_HLEN] != L2_PT_UNICAST) {
			p->rx_oversize++;	/* nothing sends us those */
			return;
		}
		off = L2_ETH_HLEN + L2_UNICAST_HLEN;
	}
	if (p->route_super)
		ok = p->route_super(p, d, len, off, mss);
	else
		ok = l2sh_super_cut(d, len, off, mss, segment_rx, p) > 0;
	if (ok)
		p->rx_super++;
	else
		p->rx_oversize++;
}

/* One frame from a wire port's ring to the core. */
static void wire_frame(struct l2sh_port *p, struct l2sh_ring *ring,
		       const struct l2sh_ring_frame *ring_f)
{
	static uint8_t frame[FRAME_MAX];
	/* room before the copy: a tag put back, headers put in front */
	static uint8_t super_buf[4 + L2SH_SUPER_HEADROOM + SUPER_MAX];
	uint8_t *const super = super_buf + L2SH_SUPER_HEADROOM;
	struct l2sh_ring_frame copy;
	const struct l2sh_ring_frame *f = ring_f;

	if (f->copied) {
		/* longer than a slot: the whole frame waits on the socket */
		copy = *f;
		if (l2sh_ring_recv_copy(ring, super + 4, SUPER_MAX, &copy) < 0) {
			p->rx_oversize++;
			return;
		}
		f = &copy;
	}
	uint8_t *d = (uint8_t *)(uintptr_t)f->data;	/* the ring is ours to write */
	size_t len = f->len;

	if (f->truncated || len < 14) {
		p->rx_oversize++;	/* larger than the port's MTU */
		return;
	}
	/* (a frame that came whole on the queue is a super-frame: its
	 * checksums are made again where it is cut) */
	if (f != &copy && !csum_complete(p, f)) {
		p->rx_foreign++;
		return;
	}
	if (p->mesh) {
		/* the cloud's tag, taken off by the NIC or still in the frame */
		bool ours;
		if (f->tagged)
			ours = p->vid && f->tpid == L2_ETHERTYPE_8021AD &&
			       (f->tci & L2_VLAN_VID_MASK) == p->vid;
		else if (p->vid)
			ours = len >= 18 && mc_get_u16(d + 12) == L2_ETHERTYPE_8021AD &&
			       (mc_get_u16(d + 14) & L2_VLAN_VID_MASK) == p->vid;
		else
			ours = true;
		if (ours && p->vid && !f->tagged && d == super + 4) {
			memmove(d + 4, d, 12);	/* a super-frame: in place */
			d += 4;
			len -= 4;
		} else if (ours && p->vid && !f->tagged) {
			memcpy(frame, d, 12);
			memcpy(frame + 12, d + 16, len - 16);
			d = frame;
			len -= 4;
		}
		if (!ours || mc_get_u16(d + 12) != L2_ETHERTYPE_BATMAN) {
			p->rx_foreign++;
			return;
		}
	} else if (f->tagged && d == super + 4) {
		/* a client's own VLAN tag on a super-frame: put back in place */
		memmove(super, super + 4, 12);
		mc_put_u16(super + 12, f->tpid);
		mc_put_u16(super + 14, f->tci);
		d = super;
		len += 4;
	} else if (f->tagged) {
		/* a client's own VLAN tag: put back what the NIC took off */
		if (len + 4 > sizeof(frame)) {
			p->rx_oversize++;
			return;
		}
		memcpy(frame, d, 12);
		mc_put_u16(frame + 12, f->tpid);
		mc_put_u16(frame + 14, f->tci);
		memcpy(frame + 16, d + 12, len - 12);
		d = frame;
		len += 4;
	}
	if (f->vh.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		unsigned type = f->vh.gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;

		if (d < super || d > super + 8 || p->mesh ||
		    (type != VIRTIO_NET_HDR_GSO_TCPV4 && type != VIRTIO_NET_HDR_GSO_TCPV6))
			p->rx_oversize++;	/* only TCP from LAN ports comes so */
		else
			super_rx(p, d, len, f->vh.gso_size);
		return;
	}
	if (f == &copy) {
		/* one frame larger than a slot: a super-frame from a
		 * super_frames peer, or nothing we forward */
		unsigned mss = p->mesh && len > L2_ETH_HLEN + L2_UNICAST_HLEN &&
			       d[L2_ETH_HLEN] == L2_PT_UNICAST ?
			       super_trailer(d, len, L2_ETH_HLEN + L2_UNICAST_HLEN) : 0;
		if (mss)
			super_rx(p, d, len - SUPER_TRAILER_LEN, mss);
		else
			p->rx_oversize++;
		return;
	}
	p->rx_frames++;
	p->rx(p, d, len);
}

unsigned l2sh_port_poll(struct l2sh_port *p)
{
	struct l2sh_ring_frame f;
	unsigned n = 0;

	if (p->wire && l2sh_ring_holds(&p->ring, p->ring.frames / 16 + 1)) {
		p->ring_busy = true;
		if (l2sh_ring_holds(&p->ring, p->ring.frames / 4))
			p->ring_full = true;
	}
	while (n < RX_BUDGET && p->wire && l2sh_ring_peek(&p->ring, &f)) {
		wire_frame(p, &p->ring, &f);
		l2sh_ring_release(&p->ring);
		n++;
	}
	return n;
}

/* OGMs read per recvmmsg; each buffer takes the largest frame of any MTU */
#define OGM_BATCH 8

/* When the frame of mh came (SO_TIMESTAMPNS), in ms of the loop's
 * clock (ev_now: the real-time clock); 0 if it does not say. */
static uint64_t heard_ms(struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		struct timespec ts;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS)
			continue;
		memcpy(&ts, CMSG_DATA(c), sizeof(ts));
		return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	}
	return 0;
}

unsigned l2sh_port_ogm_read(struct l2sh_port *p, unsigned budget)
{
	static uint8_t buf[OGM_BATCH][FRAME_MAX];
	static union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(struct tpacket_auxdata)) +
		       CMSG_SPACE(sizeof(struct timespec))];
	} cb[OGM_BATCH];
	struct mmsghdr mm[OGM_BATCH];
	struct iovec iov[OGM_BATCH];
	unsigned total = 0;
	int n;

	if (!p->wire || p->ogmfd < 0)
		return 0;
	do {
		for (unsigned i = 0; i < OGM_BATCH; i++) {
			iov[i] = (struct iovec){ buf[i], sizeof(buf[i]) };
			mm[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1,
							 .msg_control = &cb[i],
							 .msg_controllen = sizeof(cb[i]) };
		}
		n = recvmmsg(p->ogmfd, mm, OGM_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;	/* drained (a port gone shows on its ring) */
		for (int i = 0; i < n; i++) {
			struct l2sh_ring_frame f = {
				.data = buf[i], .len = mm[i].msg_len,
				.truncated = (mm[i].msg_hdr.msg_flags & MSG_TRUNC) != 0,
			};
			f.tagged = l2sh_aux_vlan(&mm[i].msg_hdr, &f.tpid, &f.tci);
			p->heard_ms = heard_ms(&mm[i].msg_hdr);
			wire_frame(p, NULL, &f);
		}
		total += (unsigned)n;
	} while (n == OGM_BATCH && total < budget);
	p->heard_ms = 0;
	p->rx_ogm += total;
	return total;
}

static void io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct l2sh_port *p = w->data;
	static uint8_t buf[FRAME_MAX];

	if (!p->tap) {
		if (!l2sh_port_poll(p) && l2sh_ring_check(&p->ring, p->ifname) < 0)
			p->gone = true;	/* the interface went away */
		return;
	}
	for (int i = 0; i < L2SH_BATCH; i++) {
		ssize_t n = read(p->fd, buf, sizeof(buf));
		if (n <= 0)
			return;	/* EAGAIN: drained */
		p->rx_frames++;
		p->rx(p, buf, (size_t)n);
	}
}

static void ogm_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	l2sh_port_ogm_read(w->data, RX_BUDGET);
	(void)loop;
	(void)revents;
}

void l2sh_port_start(struct ev_loop *loop, struct l2sh_port *p)
{
	ev_io_init(&p->io, io_cb, p->fd, EV_READ);
	p->io.data = p;
	ev_io_start(loop, &p->io);
	if (p->wire && p->ogmfd >= 0) {
		ev_io_init(&p->ogm_io, ogm_cb, p->ogmfd, EV_READ);
		p->ogm_io.data = p;
		ev_io_start(loop, &p->ogm_io);
	}
}

void l2sh_port_ogm_watch(struct ev_loop *loop, struct l2sh_port *p, bool on)
{
	if (!p->wire || p->ogmfd < 0 || on == (bool)ev_is_active(&p->ogm_io))
		return;
	if (on)
		ev_io_start(loop, &p->ogm_io);
	else
		ev_io_stop(loop, &p->ogm_io);
}

static void drain_one(void *arg, struct l2sh_ring *from, const struct l2sh_ring_frame *f)
{
	wire_frame(arg, from, f);
}

static void ring_resize(struct ev_loop *loop, struct l2sh_port *p, size_t bytes)
{
	size_t was = p->ring.map_len;
	int rc;

	ev_io_stop(loop, &p->io);
	rc = l2sh_ring_resize(&p->ring, bytes, drain_one, p);
	if (p->ring.fd < 0) {
		/* the old ring is gone and the new one would not bind: the
		 * port is reopened as one whose interface went away */
		log_warn("%s: receive ring: %s", p->ifname, strerror(-rc));
		p->fd = -1;
		p->gone = true;
		return;
	}
	if (rc < 0)
		log_warn("%s: receive ring of %zu KB: %s; keeping %zu KB", p->ifname,
			 bytes >> 10, strerror(-rc), was >> 10);
	else
		log_info("%s: receive ring %zu KB -> %zu KB (%u frames)", p->ifname, was >> 10,
			 p->ring.map_len >> 10, p->ring.frames);
	p->fd = p->ring.fd;
	ev_io_set(&p->io, p->fd, EV_READ);
	ev_io_start(loop, &p->io);
}

void l2sh_port_tune(struct ev_loop *loop, struct l2sh_port *p, uint64_t now_ms)
{
	size_t len;

	if (!p->wire || p->gone)
		return;
	if (now_ms - p->ring_check_ms >= RING_CHECK_MS) {
		uint64_t before = p->rx_dropped;
		p->ring_check_ms = now_ms;
		/* the ring's own losses only: a full OGM queue (a flood
		 * while OGMs wait for a slot) is no reason to grow it */
		p->rx_dropped += l2sh_ring_drops(&p->ring);
		if (p->rx_dropped != before)
			p->ring_full = true;
	}
	if (p->ring_busy || !p->ring_quiet_ms)
		p->ring_quiet_ms = now_ms;
	p->ring_busy = false;
	len = p->ring.map_len;
	if (p->ring_full) {
		p->ring_full = false;
		p->ring_quiet_ms = now_ms;
		if (len < RING_MAX_BYTES)
			ring_resize(loop, p, 4 * len < RING_MAX_BYTES ? 4 * len : RING_MAX_BYTES);
	} else if (now_ms - p->ring_quiet_ms >= RING_SHRINK_MS && len > RING_MIN_BYTES) {
		p->ring_quiet_ms = now_ms;
		ring_resize(loop, p, len / 4 > RING_MIN_BYTES ? len / 4 : RING_MIN_BYTES);
	}
}

uint64_t l2sh_port_rx_dropped(struct l2sh_port *p)
{
	if (p->wire)
		p->rx_dropped += l2sh_ring_drops(&p->ring);
	if (p->wire)	/* OGMs lost on their own socket */
		p->ogm_dropped += l2sh_packet_drops(p->ogmfd);
	return p->rx_dropped + p->ogm_dropped;
}

void l2sh_port_close(struct ev_loop *loop, struct l2sh_port *p)
{
	ev_io_stop(loop, &p->io);
	free(p->txq);
	p->txq = NULL;
	if (p->wire) {
		l2sh_port_rx_dropped(p);	/* what the kernel counted, before it is gone */
		l2sh_ring_close(&p->ring);
		if (p->txfd >= 0)
			close(p->txfd);
		if (p->ogmfd >= 0) {
			ev_io_stop(loop, &p->ogm_io);
			close(p->ogmfd);
		}
	} else if (p->tap && p->fd >= 0) {
		close(p->fd);
	}
	p->wire = false;
	p->fd = p->txfd = p->ogmfd = -1;
}

/* The virtio-net header of a TCP super-frame whose headers s lie inner
 * bytes into the frame: the kernel completes the checksum and cuts it
 * into segments of mss (gso: false leaves the cutting to the receiver). */
static void super_vnet(struct virtio_net_hdr *vh, const struct l2_tcp_seg *s, size_t inner,
		       unsigned mss, bool gso)
{
	*vh = (struct virtio_net_hdr){ .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				       .csum_start = (uint16_t)(inner + s->l4), .csum_offset = 16 };
	if (!gso)
		return;
	vh->gso_type = s->v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
	if (s->flags & L2_TCP_CWR)
		vh->gso_type |= VIRTIO_NET_HDR_GSO_ECN;
	vh->hdr_len = (uint16_t)(inner + s->hdr_len);
	vh->gso_size = (uint16_t)mss;
}

/* A run of segments becomes one super-frame: the first slot's headers
 * describe it all, the header tells the kernel how to cut it again. */
static void super_fix(struct l2sh_txq *q, struct l2sh_txmsg *m, struct virtio_net_hdr *vh)
{
	if (m->nseg < 2) {
		memset(vh, 0, sizeof(*vh));
		return;
	}
	l2_tcp_super_fix(q->buf[m->first], &m->head, m->total, m->last_flags);
	super_vnet(vh, &m->head, 0, m->mss, true);
}

void l2sh_port_flush(struct l2sh_port *p)
{
	struct l2sh_txq *q = p->txq;
	struct mmsghdr msgs[L2SH_TXQ];
	struct iovec iov[2 * L2SH_TXQ];
	struct virtio_net_hdr vh[L2SH_TXQ];
	unsigned done = 0, k = 0;

	if (!q || !q->nmsg)
		return;
	for (unsigned i = 0; i < q->nmsg; i++) {
		struct l2sh_txmsg *m = &q->msg[i];
		struct iovec *first = &iov[k];

		if (p->vnet) {
			super_fix(q, m, &vh[i]);
			iov[k++] = (struct iovec){ .iov_base = &vh[i], .iov_len = sizeof(vh[i]) };
		}
		iov[k++] = (struct iovec){ .iov_base = q->buf[m->first], .iov_len = q->len[m->first] };
		for (unsigned j = 1; j < m->nseg; j++) {
			unsigned slot = m->first + j;
			iov[k++] = (struct iovec){ .iov_base = q->buf[slot] + m->head.hdr_len,
						   .iov_len = q->len[slot] - m->head.hdr_len };
		}
		msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = first,
							 .msg_iovlen = (size_t)(&iov[k] - first) } };
		if (m->nseg > 1) {
			p->tx_super++;
			p->tx_joined += m->nseg;
		}
	}
	while (done < q->nmsg) {
		int r = sendmmsg(p->txfd, msgs + done, q->nmsg - done, MSG_DONTWAIT);
		if (r <= 0) {
			/* a full socket buffer or a downed link: the rest is lost,
			 * as a wire would lose it */
			if (errno == ENODEV || errno == ENXIO || errno == ENETDOWN)
				p->gone = true;
			p->tx_errors += q->nmsg - done;
			break;
		}
		done += (unsigned)r;
		p->tx_frames += (unsigned)r;
	}
	p->tx_batches++;
	q->n = q->nmsg = 0;
	q->open = false;
}

/* Writes frame (tagged when this is a tagged mesh port) into dst. */
static size_t frame_put(const struct l2sh_port *p, uint8_t *dst, const uint8_t *frame,
			size_t len)
{
	if (!(p->mesh && p->vid)) {
		memcpy(dst, frame, len);
		return len;
	}
	memcpy(dst, frame, 12);
	mc_put_u16(dst + 12, L2_ETHERTYPE_8021AD);
	mc_put_u16(dst + 14, p->vid);
	memcpy(dst + 16, frame + 12, len - 12);
	return len + 4;
}

/*
 * A TCP segment for a LAN port that continues the open run at the queue's
 * end: the same stream, the next sequence number, checksum right (the
 * join's is the kernel's to fill in, so a segment damaged on the way
 * must not hide in it), the run below 64 KB. Takes it into a slot of
 * the run; false when it starts a message of its own.
 */
static bool join(struct l2sh_txq *q, const uint8_t *frame, size_t len, struct l2_tcp_seg *s,
		 bool *parsed)
{
	struct l2sh_txmsg *m = &q->msg[q->nmsg - 1];
	size_t pl;

	*parsed = l2_tcp_parse(frame, len, s) == 0 && s->end == len;
	if (!*parsed || !q->open)
		return false;
	pl = l2_tcp_payload(s);
	if (s->seq != q->next_seq || !pl || pl > m->mss || m->total + pl - m->head.l3 > 0xffff ||
	    !l2_tcp_follows(q->buf[m->first], &m->head, frame, s) || !l2_tcp_csum_ok(frame, s))
		return false;
	memcpy(q->buf[q->n], frame, len);
	q->len[q->n++] = (uint16_t)len;
	m->nseg++;
	m->total += pl;
	m->last_flags = s->flags;
	q->next_seq += (uint32_t)pl;
	/* a short segment, PSH or FIN ends the run */
	q->open = pl == m->mss && !(s->flags & (L2_TCP_PSH | L2_TCP_FIN));
	return true;
}

/* A new message of one slot; on a LAN port a TCP segment with payload
 * opens a run others may join. */
static void queue_one(struct l2sh_port *p, const uint8_t *frame, size_t len,
		      const struct l2_tcp_seg *s, bool parsed)
{
	struct l2sh_txq *q = p->txq;
	struct l2sh_txmsg *m = &q->msg[q->nmsg++];
	size_t pl = parsed ? l2_tcp_payload(s) : 0;

	*m = (struct l2sh_txmsg){ .first = (uint8_t)q->n, .nseg = 1, .total = len };
	q->len[q->n++] = (uint16_t)frame_put(p, q->buf[m->first], frame, len);
	q->open = p->vnet && !p->mesh && pl && s->l3 == L2_ETH_HLEN && !(s->flags & (L2_TCP_PSH | L2_TCP_FIN | L2_TCP_SYN | L2_TCP_RST |
						    L2_TCP_URG)) &&
		  l2_tcp_csum_ok(frame, s);
	if (q->open) {
		m->head = *s;
		m->mss = (uint16_t)pl;
		m->last_flags = s->flags;
		q->next_seq = s->seq + (uint32_t)pl;
	}
}

int l2sh_port_send(struct l2sh_port *p, const uint8_t *frame, size_t len)
{
	uint8_t big[FRAME_MAX];
	size_t wire = len + (p->mesh && p->vid ? 4 : 0);
	ssize_t n;

	if (len < 14 || wire > sizeof(big))
		return -EMSGSIZE;
	if (!p->tap && !p->wire)
		return -ENODEV;	/* closed: its interface went away */
	if (!p->tap && !p->txq)
		p->txq = calloc(1, sizeof(*p->txq));
	if (!p->tap && p->txq && wire <= L2SH_TXQ_SLOT) {
		struct l2sh_txq *q = p->txq;
		struct l2_tcp_seg s;
		bool parsed = false;

		if (!(p->vnet && !p->mesh && join(q, frame, len, &s, &parsed)))
			queue_one(p, frame, len, &s, parsed);
		if (q->n == L2SH_TXQ)
			l2sh_port_flush(p);
		return 0;
	}
	l2sh_port_flush(p);	/* keep the order */
	wire = frame_put(p, big, frame, len);
	if (p->tap) {
		n = write(p->fd, big, wire);
	} else {
		struct virtio_net_hdr vh = { 0 };
		struct iovec iov[2] = { { &vh, sizeof(vh) }, { big, wire } };
		struct msghdr mh = { .msg_iov = p->vnet ? iov : iov + 1, .msg_iovlen = p->vnet ? 2 : 1 };
		n = sendmsg(p->txfd, &mh, MSG_DONTWAIT);
		n -= p->vnet ? (ssize_t)sizeof(vh) : 0;
	}
	if (n != (ssize_t)wire) {
		p->tx_errors++;
		return -EIO;
	}
	p->tx_frames++;
	return 0;
}

bool l2sh_port_takes_super(const struct l2sh_port *p)
{
	return p->wire && !p->gone && p->vnet && (!p->mesh || p->super);
}

/*
 * On a super_frames mesh port a super-frame goes as one frame larger than
 * the MTU (the kernel cannot take batman frames as GSO: it checks a GSO
 * packet's headers, which it does not know), its checksum left to the
 * receiver (NEEDS_CSUM), the segment size in a trailer after the IP
 * datagram: "SF" and the size, big-endian. The peer (super_rx) takes it
 * off; anyone else would see four bytes of Ethernet padding.
 */

int l2sh_port_send_super(struct l2sh_port *p, uint8_t *frame, size_t len, size_t inner,
			 unsigned mss)
{
	struct l2_tcp_seg s;
	struct virtio_net_hdr vh;
	uint8_t trailer[SUPER_TRAILER_LEN] = { super_magic[0], super_magic[1],
					       (uint8_t)(mss >> 8), (uint8_t)mss };
	size_t tag = p->mesh && p->vid ? 4 : 0;
	ssize_t n;

	if (inner > len || l2_tcp_parse(frame + inner, len - inner, &s) < 0 ||
	    s.end != len - inner || !mss || mss > 0xffff)
		return -EMSGSIZE;
	/* the kernel takes the packet's protocol from the GSO type (IPv4 or
	 * IPv6), so a client's own VLAN tag would mislead its segmentation */
	if (s.l3 != L2_ETH_HLEN)
		return -EMSGSIZE;
	if (p->mesh && len + tag + SUPER_TRAILER_LEN - L2_ETH_HLEN > 0xffff)
		return -EMSGSIZE;
	l2_tcp_super_fix(frame + inner, &s, len - inner, s.flags);
	if (tag) {
		memmove(frame - 4, frame, 12);
		frame -= 4;
		mc_put_u16(frame + 12, L2_ETHERTYPE_8021AD);
		mc_put_u16(frame + 14, p->vid);
		len += 4;
		inner += 4;
	}
	super_vnet(&vh, &s, inner, mss, !p->mesh);
	l2sh_port_flush(p);	/* keep the order */
	struct iovec iov[3] = { { &vh, sizeof(vh) }, { frame, len }, { trailer, sizeof(trailer) } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = p->mesh ? 3 : 2 };
	size_t want = sizeof(vh) + len + (p->mesh ? sizeof(trailer) : 0);
	n = sendmsg(p->txfd, &mh, MSG_DONTWAIT);
	if (n != (ssize_t)want) {
		p->tx_errors++;
		return -EIO;
	}
	p->tx_frames++;
	p->tx_super++;
	p->tx_joined += (l2_tcp_payload(&s) + mss - 1) / mss;
	return 0;
}

/* The segment size of a super-frame from a super_frames peer, or 0:
 * frame[off..len) a TCP datagram followed by the trailer. */
static unsigned super_trailer(const uint8_t *frame, size_t len, size_t off)
{
	struct l2_tcp_seg s;
	const uint8_t *t;

	if (len < off + SUPER_TRAILER_LEN ||
	    l2_tcp_parse(frame + off, len - off - SUPER_TRAILER_LEN, &s) < 0 ||
	    s.end != len - off - SUPER_TRAILER_LEN)
		return 0;
	t = frame + len - SUPER_TRAILER_LEN;
	if (t[0] != super_magic[0] || t[1] != super_magic[1])
		return 0;
	return (unsigned)t[2] << 8 | t[3];
}
