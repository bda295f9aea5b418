/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "l2mesh/shell/ring.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "l2mesh/core/packet.h"
#include "l2mesh/shell/bpf.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23	/* Linux 4.20 */
#endif

/* Slots: the frame header and address (TPACKET2_HDRLEN, aligned, as the
 * kernel lays them out) and the virtio-net header before the frame, and
 * room for two tags in it. */
#define SLOT_HEAD 96u
/* The queue a frame larger than a slot is copied to whole (PACKET_COPY_
 * THRESH): a few 64 KB super-frames. */
#define COPY_QUEUE_BYTES (2u << 20)
#define SLOT_TAGS 8u
#define BLOCK_MIN (64u << 10)

static inline struct tpacket2_hdr *slot(const struct l2sh_ring *r, unsigned i)
{
	return (struct tpacket2_hdr *)(r->map + (size_t)(i / r->frames_per_block) * r->block_size +
				       (size_t)(i % r->frames_per_block) * r->frame_size);
}


/*
 * A mesh port takes batman frames of its cloud only: with the 802.1ad tag
 * of vid (taken off by the NIC, or still in the frame) or, for vid 0,
 * untagged; never one with our own source address (a looping segment).
 * part: all of them, all but BATMAN IV OGMs (packet type 0), or the OGMs
 * alone (l2sh_ogm_open's socket).
 */
static int mesh_filter(int fd, int vid, const uint8_t mac[6], enum l2sh_ogm_part part)
{
	uint32_t hi = (uint32_t)mac[0] << 24 | (uint32_t)mac[1] << 16 | (uint32_t)mac[2] << 8 | mac[3];
	uint32_t lo = (uint32_t)mac[4] << 8 | mac[5];
	enum { TYPE = 19, MAC = 20, ACCEPT = 24, REJECT = 25 };
	const unsigned ogm = part == L2SH_OGM_APART ? REJECT : MAC;
	const unsigned other = part == L2SH_OGM_ONLY ? REJECT : MAC;
	struct sock_filter tagged[] = {
		/* 0 */ LD_AD(SKF_AD_VLAN_TAG_PRESENT),
		/* 1 */ JEQ(1, 0, 11, 2),
		/* 2 */ LD_AD(SKF_AD_VLAN_TPID),
		/* 3 */ JEQ(3, L2_ETHERTYPE_8021AD, 4, REJECT),
		/* 4 */ LD_AD(SKF_AD_VLAN_TAG),
		/* 5 */ AND(L2_VLAN_VID_MASK),
		/* 6 */ JEQ(6, (uint32_t)vid, 7, REJECT),
		/* 7 */ LDH(12),
		/* 8 */ JEQ(8, L2_ETHERTYPE_BATMAN, 9, REJECT),
		/* 9 */ LDB(14),
		/* 10 */ JA(10, TYPE),
		/* 11 */ LDH(12),
		/* 12 */ JEQ(12, L2_ETHERTYPE_8021AD, 13, REJECT),
		/* 13 */ LDH(14),
		/* 14 */ AND(L2_VLAN_VID_MASK),
		/* 15 */ JEQ(15, (uint32_t)vid, 16, REJECT),
		/* 16 */ LDH(16),
		/* 17 */ JEQ(17, L2_ETHERTYPE_BATMAN, 18, REJECT),
		/* 18 */ LDB(18),
		/* 19 */ JEQ(TYPE, L2_PT_IV_OGM, ogm, other),
		/* 20 */ LDW(6),
		/* 21 */ JEQ(21, hi, 22, ACCEPT),
		/* 22 */ LDH(10),
		/* 23 */ JEQ(23, lo, REJECT, ACCEPT),
		/* 24 */ RET(0x40000),
		/* 25 */ RET(0),
	};
	enum { MAC0 = 6, ACCEPT0 = 10, REJECT0 = 11 };
	const unsigned ogm0 = part == L2SH_OGM_APART ? REJECT0 : MAC0;
	const unsigned other0 = part == L2SH_OGM_ONLY ? REJECT0 : MAC0;
	struct sock_filter untagged[] = {
		/* 0 */ LD_AD(SKF_AD_VLAN_TAG_PRESENT),
		/* 1 */ JEQ(1, 0, 2, REJECT0),
		/* 2 */ LDH(12),
		/* 3 */ JEQ(3, L2_ETHERTYPE_BATMAN, 4, REJECT0),
		/* 4 */ LDB(14),
		/* 5 */ JEQ(5, L2_PT_IV_OGM, ogm0, other0),
		/* 6 */ LDW(6),
		/* 7 */ JEQ(7, hi, 8, ACCEPT0),
		/* 8 */ LDH(10),
		/* 9 */ JEQ(9, lo, REJECT0, ACCEPT0),
		/* 10 */ RET(0x40000),
		/* 11 */ RET(0),
	};
	struct sock_fprog prog = vid ? (struct sock_fprog){ sizeof(tagged) / sizeof(tagged[0]), tagged }
				     : (struct sock_fprog){ sizeof(untagged) / sizeof(untagged[0]), untagged };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ? -errno : 0;
}

int l2sh_ogm_open(int ifindex, int vid, const uint8_t own_mac[6])
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = ifindex };
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), one = 1, rc;

	if (fd < 0)
		return -errno;
	/* opened on no protocol: nothing is queued before the filter is in */
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) < 0 ||
	    (rc = mesh_filter(fd, vid, own_mac, L2SH_OGM_ONLY)) < 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	return fd;
}

/*
 * A ring of about r->bytes on a socket of its own, filter in, mapped, not
 * bound yet: opened on no protocol, it queues nothing until l2sh_ring_bind.
 */
static int ring_make(struct l2sh_ring *r)
{
	int v2 = TPACKET_V2, one = 1, rc, qb = COPY_QUEUE_BYTES;
	unsigned blocks = (unsigned)(r->bytes / r->block_size);

	if (blocks < 2)
		blocks = 2;
	r->frames = blocks * r->frames_per_block;
	struct tpacket_req req = {
		.tp_block_size = r->block_size, .tp_block_nr = blocks,
		.tp_frame_size = r->frame_size, .tp_frame_nr = r->frames,
	};

	r->head = 0;
	r->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (r->fd < 0)
		return -errno;
	/* each frame with its virtio-net header (checksum to complete, GSO
	 * size); one longer than a slot also whole on the socket's queue,
	 * its slot marked TP_STATUS_COPY (l2sh_ring_recv_copy) */
	if (setsockopt(r->fd, SOL_PACKET, PACKET_VERSION, &v2, sizeof(v2)) < 0 ||
	    setsockopt(r->fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0 ||
	    setsockopt(r->fd, SOL_PACKET, PACKET_COPY_THRESH, &one, sizeof(one)) < 0 ||
	    setsockopt(r->fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0 ||
	    setsockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0)
		goto fail;
	if (setsockopt(r->fd, SOL_SOCKET, SO_RCVBUFFORCE, &qb, sizeof(qb)) < 0)
		setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &qb, sizeof(qb));
	/* not the frames we send (Linux >= 4.20; before, the mesh filter
	 * and the core's own-address checks drop them) */
	setsockopt(r->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (r->vid >= 0 && (rc = mesh_filter(r->fd, r->vid, r->own_mac, r->ogm_part)) < 0) {
		errno = -rc;
		goto fail;
	}
	if (r->vid < 0) {
		struct packet_mreq mr = { .mr_ifindex = r->ifindex, .mr_type = PACKET_MR_PROMISC };
		if (setsockopt(r->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
			goto fail;
	}
	r->map_len = (size_t)r->block_size * blocks;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, 0);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		goto fail;
	}
	return 0;
fail:
	rc = -errno;
	l2sh_ring_close(r);
	return rc;
}

static int ring_bind(struct l2sh_ring *r)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = r->ifindex };

	return bind(r->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0 ? -errno : 0;
}

int l2sh_ring_open(struct l2sh_ring *r, const char *ifname, unsigned mtu, size_t ring_bytes,
		   int vid, const uint8_t own_mac[6], enum l2sh_ogm_part part)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->ifindex = (int)if_nametoindex(ifname);
	if (!r->ifindex)
		return -ENODEV;
	/* a slot per frame: header, Ethernet header, payload, tags */
	r->frame_size = TPACKET_ALIGN(SLOT_HEAD + 14 + mtu + SLOT_TAGS);
	r->block_size = BLOCK_MIN;
	while (r->block_size < r->frame_size)
		r->block_size <<= 1;
	r->frames_per_block = r->block_size / r->frame_size;
	r->bytes = ring_bytes;
	r->vid = vid;
	r->ogm_part = part;
	if (own_mac)
		memcpy(r->own_mac, own_mac, 6);
	if ((rc = ring_make(r)) < 0)
		return rc;
	if ((rc = ring_bind(r)) < 0)
		l2sh_ring_close(r);
	return rc;
}

int l2sh_ring_resize(struct l2sh_ring *r, size_t ring_bytes,
		     void (*drain)(void *arg, struct l2sh_ring *from,
				   const struct l2sh_ring_frame *f), void *arg)
{
	struct l2sh_ring old = *r, *o = &old;
	struct l2sh_ring_frame f;
	int rc;

	r->bytes = ring_bytes;
	r->fd = -1;
	r->map = NULL;
	if ((rc = ring_make(r)) < 0) {
		*r = old;	/* keep the one we have */
		return rc;
	}
	/* what the old ring holds goes on first; the new one takes frames
	 * from its bind on: what arrives between the last read here and
	 * the bind (microseconds) is lost, as in a full ring */
	while (l2sh_ring_peek(o, &f)) {
		drain(arg, o, &f);
		l2sh_ring_release(o);
	}
	r->drops_carried = old.drops_carried + l2sh_ring_drops(o);
	l2sh_ring_close(o);
	if ((rc = ring_bind(r)) < 0)
		l2sh_ring_close(r);
	r->resizes = old.resizes + 1;
	return rc;
}

void l2sh_ring_close(struct l2sh_ring *r)
{
	if (r->map)
		munmap(r->map, r->map_len);
	if (r->fd >= 0)
		close(r->fd);	/* drops the promiscuous membership too */
	r->map = NULL;
	r->fd = -1;
}

bool l2sh_ring_ready(const struct l2sh_ring *r)
{
	return r->map &&
	       (__atomic_load_n(&slot(r, r->head)->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER);
}

bool l2sh_ring_holds(const struct l2sh_ring *r, unsigned n)
{
	/* the kernel fills slots in order from the head: one look suffices */
	return r->map && n && n <= r->frames &&
	       (__atomic_load_n(&slot(r, (r->head + n - 1) % r->frames)->tp_status,
				__ATOMIC_ACQUIRE) & TP_STATUS_USER);
}

bool l2sh_ring_peek(struct l2sh_ring *r, struct l2sh_ring_frame *f)
{
	struct tpacket2_hdr *h;

	if (!l2sh_ring_ready(r))
		return false;
	h = slot(r, r->head);
	f->data = (const uint8_t *)h + h->tp_mac;
	f->len = h->tp_snaplen;
	f->truncated = h->tp_snaplen != h->tp_len || h->tp_mac + h->tp_snaplen > r->frame_size;
	f->tagged = (h->tp_status & TP_STATUS_VLAN_VALID) != 0;
	f->tci = h->tp_vlan_tci;
	f->tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ? h->tp_vlan_tpid : ETH_P_8021Q;
	f->copied = (h->tp_status & TP_STATUS_COPY) != 0;
	if (h->tp_mac >= TPACKET2_HDRLEN + sizeof(f->vh))
		memcpy(&f->vh, f->data - sizeof(f->vh), sizeof(f->vh));
	else
		memset(&f->vh, 0, sizeof(f->vh));
	return true;
}

ssize_t l2sh_ring_recv_copy(struct l2sh_ring *r, uint8_t *buf, size_t size,
			    struct l2sh_ring_frame *f)
{
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(struct tpacket_auxdata))]; } cb;
	struct iovec iov[2] = { { &f->vh, sizeof(f->vh) }, { buf, size } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2,
			     .msg_control = &cb, .msg_controllen = sizeof(cb) };
	ssize_t n = recvmsg(r->fd, &mh, MSG_DONTWAIT | MSG_TRUNC);

	if (n < 0)
		return -errno;
	n -= (ssize_t)sizeof(f->vh);
	if (n < 0 || (size_t)n > size)
		return -EMSGSIZE;
	f->data = buf;
	f->len = (size_t)n;
	f->truncated = false;
	f->copied = false;
	f->tagged = l2sh_aux_vlan(&mh, &f->tpid, &f->tci);
	return n;
}

bool l2sh_aux_vlan(struct msghdr *mh, uint16_t *tpid, uint16_t *tci)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		struct tpacket_auxdata aux;

		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA)
			continue;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		if (!(aux.tp_status & TP_STATUS_VLAN_VALID))
			return false;
		*tci = aux.tp_vlan_tci;
		*tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) ? aux.tp_vlan_tpid : ETH_P_8021Q;
		return true;
	}
	return false;
}

void l2sh_ring_release(struct l2sh_ring *r)
{
	__atomic_store_n(&slot(r, r->head)->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	if (++r->head == r->frames)
		r->head = 0;
}

uint64_t l2sh_packet_drops(int fd)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	if (fd >= 0 && getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
		return st.tp_drops;
	return 0;
}

uint64_t l2sh_ring_drops(struct l2sh_ring *r)
{
	uint64_t carried = r->drops_carried;

	r->drops_carried = 0;
	return carried + l2sh_packet_drops(r->fd);
}

int l2sh_ring_check(struct l2sh_ring *r, const char *ifname)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || !err)
		return 0;
	/* ENETDOWN comes for a link taken down and for one removed */
	return (int)if_nametoindex(ifname) == r->ifindex ? 0 : -ENODEV;
}
