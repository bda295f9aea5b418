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
#include <linux/sockios.h>
#include <net/if.h>

#include "common/addr.h"
#include "common/log.h"
#include "l2mesh/core/packet.h"

#define SNAPLEN 65535
/* Frames larger than any MTU we use, tag included. */
#define FRAME_MAX (9000 + 18)
/* Ethernet header and two VLAN tags (libpcap puts a stripped tag back). */
#define FRAME_OVERHEAD (14 + 8)
/* Each port's receive ring: about 2500 full-size frames at MTU 1500. */
#define RING_BYTES (4 << 20)

static void set_filter(struct l2sh_port *p, char *err, size_t errlen, int *rc)
{
	char expr[200];
	struct bpf_program prog;

	if (!p->mesh)
		return;
	/*
	 * "vlan" rather than raw offsets: a NIC (and veth) that parses
	 * 802.1ad tags in hardware hands the kernel filter an untagged frame
	 * with the tag in metadata; libpcap's vlan test covers both and puts
	 * the tag back in what we read. Our own frames are left out here, not
	 * by pcap_setdirection(), which loses every frame in that case.
	 */
	char own[MC_MAC_STRLEN];
	mc_mac_format(p->mac, own, sizeof(own));
	if (p->vid)
		snprintf(expr, sizeof(expr),
			 "vlan %u and ether proto 0x4305 and not ether src %s", p->vid, own);
	else
		snprintf(expr, sizeof(expr),
			 "not vlan and ether proto 0x4305 and not ether src %s", own);
	if (pcap_compile(p->pcap, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
	    pcap_setfilter(p->pcap, &prog) < 0) {
		snprintf(err, errlen, "%s: filter: %s", p->ifname, pcap_geterr(p->pcap));
		*rc = -EINVAL;
	}
	pcap_freecode(&prog);
}

/*
 * Receive offloads merge the frames of a TCP stream into one larger than
 * the MTU. A bridge port takes them and the kernel splits them again on
 * the way out; we read the port through a ring of MTU-sized slots and
 * forward frames as they are, so merged frames must not happen on ports
 * we switch. Turns GRO and LRO off; false if the driver refused.
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

int l2sh_pcap_open(struct l2sh_port *p, const char *ifname, bool mesh, uint16_t vid,
		   char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	int rc = 0;

	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	p->mesh = mesh;
	p->vid = vid;
	p->pcap = pcap_create(ifname, perr);
	if (!p->pcap) {
		snprintf(err, errlen, "%s: %s", ifname, perr);
		return -ENODEV;
	}
	if (!rx_offloads_off(ifname))
		log_warn("%s: cannot turn receive offloads (GRO/LRO) off; "
		       "merged frames larger than the MTU will be dropped", ifname);
	/*
	 * The snap length sets the ring's slot size: slots of the port's MTU
	 * make the 4 MB ring hold thousands of frames, where 64 KB slots
	 * held 64 and a burst of a TCP stream overflowed it.
	 */
	unsigned snap = p->mtu ? p->mtu + FRAME_OVERHEAD : SNAPLEN;
	pcap_set_snaplen(p->pcap, (int)(snap < SNAPLEN ? snap : SNAPLEN));
	pcap_set_promisc(p->pcap, !mesh);
	pcap_set_immediate_mode(p->pcap, 1);
	pcap_set_buffer_size(p->pcap, RING_BYTES);
	if (pcap_activate(p->pcap) < 0) {
		snprintf(err, errlen, "%s: %s", ifname, pcap_geterr(p->pcap));
		pcap_close(p->pcap);
		p->pcap = NULL;
		return -ENODEV;
	}
	if (!mesh)
		pcap_setdirection(p->pcap, PCAP_D_IN);	/* not the frames we inject */
	if (pcap_setnonblock(p->pcap, 1, perr) < 0 ||
	    (p->fd = pcap_get_selectable_fd(p->pcap)) < 0) {
		snprintf(err, errlen, "%s: not pollable", ifname);
		rc = -EIO;
	}
	if (rc == 0)
		set_filter(p, err, errlen, &rc);
	if (rc < 0) {
		pcap_close(p->pcap);
		p->pcap = NULL;
	}
	return rc;
}

void l2sh_tap_adopt(struct l2sh_port *p, const char *ifname, int fd)
{
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	p->tap = true;
	p->fd = fd;
}

/* Strips our cloud tag; false for a frame that is not our cloud's. */
static bool untag(struct l2sh_port *p, const uint8_t *in, size_t len, uint8_t *out,
		  size_t *outlen)
{
	if (!p->vid) {
		memcpy(out, in, len);
		*outlen = len;
		return len >= 14 && mc_get_u16(in + 12) == L2_ETHERTYPE_BATMAN;
	}
	if (len < 18 || mc_get_u16(in + 12) != L2_ETHERTYPE_8021AD ||
	    (mc_get_u16(in + 14) & L2_VLAN_VID_MASK) != p->vid ||
	    mc_get_u16(in + 16) != L2_ETHERTYPE_BATMAN)
		return false;
	memcpy(out, in, 12);
	memcpy(out + 12, in + 16, len - 16);
	*outlen = len - 4;
	return true;
}

static void pcap_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct l2sh_port *p = (struct l2sh_port *)user;
	static uint8_t frame[SNAPLEN];
	size_t len = h->caplen;

	if (h->caplen != h->len) {
		p->rx_oversize++;	/* larger than the port's MTU */
		return;
	}
	if (p->mesh) {
		if (!untag(p, bytes, h->caplen, frame, &len)) {
			p->rx_foreign++;
			return;
		}
		bytes = frame;
	}
	p->rx_frames++;
	p->rx(p, bytes, len);
}

static void io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct l2sh_port *p = w->data;
	static uint8_t buf[FRAME_MAX];

	if (!p->tap) {
		/* drain: each call takes what the ring holds, up to the batch;
		 * a short batch means the ring is empty, and asking again would
		 * only cost libpcap a poll() */
		for (int i = 0; i < 4; i++) {
			int r = pcap_dispatch(p->pcap, L2SH_BATCH, pcap_cb, (u_char *)p);
			if (r == PCAP_ERROR)
				p->gone = true;	/* the interface went away */
			if (r < L2SH_BATCH)
				break;
		}
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

void l2sh_port_start(struct ev_loop *loop, struct l2sh_port *p)
{
	ev_io_init(&p->io, io_cb, p->fd, EV_READ);
	p->io.data = p;
	ev_io_start(loop, &p->io);
}

uint64_t l2sh_port_rx_dropped(struct l2sh_port *p)
{
	struct pcap_stat st;

	/* the kernel's count is reset when read: keep the sum */
	if (p->pcap && pcap_stats(p->pcap, &st) == 0)
		p->rx_dropped += st.ps_drop;
	return p->rx_dropped;
}

void l2sh_port_close(struct ev_loop *loop, struct l2sh_port *p)
{
	ev_io_stop(loop, &p->io);
	free(p->txq);
	p->txq = NULL;
	l2sh_port_rx_dropped(p);	/* what the kernel counted, before it is gone */
	if (p->pcap)
		pcap_close(p->pcap);
	else if (p->tap && p->fd >= 0)
		close(p->fd);
	p->pcap = NULL;
	p->fd = -1;
}

void l2sh_port_flush(struct l2sh_port *p)
{
	struct l2sh_txq *q = p->txq;
	struct mmsghdr msgs[L2SH_TXQ];
	struct iovec iov[L2SH_TXQ];
	unsigned done = 0;

	if (!q || !q->n)
		return;
	for (unsigned i = 0; i < q->n; i++) {
		iov[i] = (struct iovec){ .iov_base = q->buf[i], .iov_len = q->len[i] };
		msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	while (done < q->n) {
		int r = sendmmsg(p->fd, msgs + done, q->n - done, MSG_DONTWAIT);
		if (r <= 0) {
			/* a full socket buffer or a downed link: the rest is lost,
			 * as a wire would lose it */
			if (errno == ENODEV || errno == ENXIO || errno == ENETDOWN)
				p->gone = true;
			p->tx_errors += q->n - done;
			break;
		}
		done += (unsigned)r;
		p->tx_frames += (unsigned)r;
	}
	p->tx_batches++;
	q->n = 0;
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

int l2sh_port_send(struct l2sh_port *p, const uint8_t *frame, size_t len)
{
	uint8_t big[FRAME_MAX];
	size_t wire = len + (p->mesh && p->vid ? 4 : 0);
	ssize_t n;

	if (len < 14 || wire > sizeof(big))
		return -EMSGSIZE;
	if (!p->tap && !p->pcap)
		return -ENODEV;	/* closed: its interface went away */
	if (!p->tap && !p->txq)
		p->txq = calloc(1, sizeof(*p->txq));
	if (!p->tap && p->txq && wire <= L2SH_TXQ_SLOT) {
		struct l2sh_txq *q = p->txq;
		q->len[q->n] = (uint16_t)frame_put(p, q->buf[q->n], frame, len);
		if (++q->n == L2SH_TXQ)
			l2sh_port_flush(p);
		return 0;
	}
	l2sh_port_flush(p);	/* keep the order */
	wire = frame_put(p, big, frame, len);
	n = p->tap ? write(p->fd, big, wire) : send(p->fd, big, wire, MSG_DONTWAIT);
	if (n != (ssize_t)wire) {
		p->tx_errors++;
		return -EIO;
	}
	p->tx_frames++;
	return 0;
}
