/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2SH_RING_H
#define L2SH_RING_H

/*
 * An AF_PACKET receive ring (TPACKET_V2) on one interface: the kernel
 * writes each frame into a slot of a buffer mapped into our memory, and
 * marks it ours; reading it costs no system call. This is what lets
 * l2meshd poll its ports without sleeping (option busy_poll) at the price
 * of a memory read per port, where libpcap's reader had to ask the kernel
 * with poll() whenever its ring was empty.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/virtio_net.h>

/* Which of a mesh port's batman frames a socket takes (mesh_filter). */
enum l2sh_ogm_part {
	L2SH_OGM_WITH,		/* all of them */
	L2SH_OGM_APART,		/* all but BATMAN IV OGMs: those have a socket of their own */
	L2SH_OGM_ONLY,		/* the OGMs alone */
};

struct l2sh_ring {
	int fd;
	int ifindex;
	uint8_t *map;
	size_t map_len;
	unsigned frame_size, frames_per_block, block_size, frames;
	unsigned head;		/* the next slot to read */
	size_t bytes;		/* the size asked for (whole blocks, at least 2) */
	int vid;		/* l2sh_ring_open's, to open it again */
	enum l2sh_ogm_part ogm_part;
	uint8_t own_mac[6];
	uint64_t drops_carried;	/* counted by a ring since replaced */
	unsigned resizes;
};

/* A frame in the ring, valid until l2sh_ring_release(). */
struct l2sh_ring_frame {
	const uint8_t *data;	/* from the Ethernet header, tag removed by the NIC */
	size_t len;
	bool truncated;		/* longer than a slot: only part of it is here */
	bool tagged;		/* the NIC took a VLAN tag off: tpid, tci hold it */
	uint16_t tpid, tci;
	bool copied;		/* larger than a slot: whole on the socket's queue */
	/* the kernel's offload state: a checksum left to fill in
	 * (NEEDS_CSUM, offsets counting a tag the NIC took off), a
	 * super-frame's segment size (GSO) */
	struct virtio_net_hdr vh;
};

/*
 * Opens a ring on ifname for frames up to mtu bytes of payload, about
 * ring_bytes of memory. vid >= 0: only batman frames (0x4305) of that
 * 802.1ad VLAN (0: untagged) from a source other than own_mac pass the
 * kernel filter (part: with or without the OGMs among them); vid < 0:
 * every frame, and the port is made promiscuous. Frames we send
 * ourselves are never seen. Returns 0 or -errno.
 */
int l2sh_ring_open(struct l2sh_ring *r, const char *ifname, unsigned mtu, size_t ring_bytes,
		   int vid, const uint8_t own_mac[6], enum l2sh_ogm_part part);
/*
 * A mesh port's BATMAN IV OGMs (the filter of l2sh_ring_open with
 * L2SH_OGM_ONLY) on a plain socket of their own, each with its VLAN tag
 * (PACKET_AUXDATA) and the time it came (SO_TIMESTAMPNS): l2meshd reads
 * them when it wakes for its aggregation slot rather than as they come.
 * Returns the socket or -errno.
 */
int l2sh_ogm_open(int ifindex, int vid, const uint8_t own_mac[6]);
void l2sh_ring_close(struct l2sh_ring *r);
/*
 * Replaces the ring with one of about ring_bytes: the new socket is made
 * first (on failure the old ring stays and -errno is returned), drain()
 * gets every frame the old ring (from) still holds, then the old socket closes
 * and the new one is bound. r->fd changes: the caller moves its watcher.
 */
int l2sh_ring_resize(struct l2sh_ring *r, size_t ring_bytes,
		     void (*drain)(void *arg, struct l2sh_ring *from,
				   const struct l2sh_ring_frame *f), void *arg);
/* True when the next slot holds a frame. */
bool l2sh_ring_ready(const struct l2sh_ring *r);
/* True when at least n frames wait (one memory read). */
bool l2sh_ring_holds(const struct l2sh_ring *r, unsigned n);
/* The next frame, or false when the ring is empty. */
bool l2sh_ring_peek(struct l2sh_ring *r, struct l2sh_ring_frame *f);
/*
 * For a frame marked copied, before its slot is released: the whole
 * frame from the socket's queue into buf, f filled as l2sh_ring_peek
 * does. Returns its length or -errno (-EMSGSIZE: larger than size).
 */
ssize_t l2sh_ring_recv_copy(struct l2sh_ring *r, uint8_t *buf, size_t size,
			    struct l2sh_ring_frame *f);
/* From a recvmsg() on a socket with PACKET_AUXDATA: true when the NIC
 * took a VLAN tag off the frame, its TPID and TCI then in *tpid, *tci. */
struct msghdr;
bool l2sh_aux_vlan(struct msghdr *mh, uint16_t *tpid, uint16_t *tci);
/* Gives the frame from l2sh_ring_peek() back to the kernel. */
void l2sh_ring_release(struct l2sh_ring *r);
/* Frames lost because the ring was full, since the last call (the kernel
 * resets its count when it is read). */
uint64_t l2sh_ring_drops(struct l2sh_ring *r);
/* The same for any AF_PACKET socket (its queue full), since the last
 * call; 0 for fd < 0. */
uint64_t l2sh_packet_drops(int fd);
/*
 * After a poll that found nothing: 0 when all is well, -ENODEV when the
 * interface is gone (a link that only went down comes back by itself).
 */
int l2sh_ring_check(struct l2sh_ring *r, const char *ifname);

#endif
