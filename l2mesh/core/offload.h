/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2_OFFLOAD_H
#define L2_OFFLOAD_H

/*
 * TCP segmentation and coalescing in userspace (doc/l2meshd.md#data-path):
 * a super-frame a LAN port hands over (a client's TSO, the port's GRO) is
 * cut into MTU-sized segments before the mesh; consecutive segments of
 * one stream delivered to a LAN port are joined into one super-frame the
 * kernel takes whole (PACKET_VNET_HDR). Pure functions on Ethernet
 * frames (up to two VLAN tags) carrying IPv4 or IPv6 TCP; no I/O.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define L2_TCP_FIN 0x01
#define L2_TCP_SYN 0x02
#define L2_TCP_RST 0x04
#define L2_TCP_PSH 0x08
#define L2_TCP_ACK 0x10
#define L2_TCP_URG 0x20
#define L2_TCP_ECE 0x40
#define L2_TCP_CWR 0x80

/* Where a TCP segment's headers lie in its Ethernet frame. */
struct l2_tcp_seg {
	uint16_t l3;		/* the IP header */
	uint16_t l4;		/* the TCP header */
	uint16_t hdr_len;	/* all headers: the payload starts here */
	uint16_t end;		/* the IP datagram's end (Ethernet padding after it) */
	bool v6;
	uint8_t flags;		/* TCP flags (byte 13) */
	uint32_t seq;
};

/* 0, or -EPROTONOSUPPORT (not TCP over IPv4/IPv6 without extension
 * headers, or an IPv4 fragment), -EINVAL (truncated or inconsistent). */
int l2_tcp_parse(const uint8_t *f, size_t len, struct l2_tcp_seg *s);
static inline size_t l2_tcp_payload(const struct l2_tcp_seg *s)
{
	return (size_t)(s->end - s->hdr_len);
}

/*
 * The Internet checksum's sum of p[0..len) as 16-bit big-endian words,
 * folded to 16 bits (not complemented): add such sums and finish with
 * mc_csum_fold(). p must start on an even offset from the checksummed
 * area's start. Word-at-a-time; the same result as mc_csum_add.
 */
uint32_t l2_csum_sum(const uint8_t *p, size_t len);
/*
 * Fills in a checksum the sender left to the hardware (virtio-net's
 * NEEDS_CSUM: the field at start + off holds the pseudo header's sum):
 * the sum of f[start..len) goes there. -EINVAL when out of the frame.
 */
int l2_csum_complete(uint8_t *f, size_t len, size_t start, size_t off);
/* True when the segment's TCP checksum is right. */
bool l2_tcp_csum_ok(const uint8_t *f, const struct l2_tcp_seg *s);

/*
 * Cuts a TCP super-frame into segments of at most mss payload bytes,
 * each built in buf (room bytes) with its own IP length, IPv4 ID (+1 per
 * segment), sequence number and checksums (FIN and PSH on the last
 * segment only, CWR on the first only) and handed to emit, which returns
 * false to stop there. Returns the number of segments handed over, or
 * -errno (not TCP, mss 0, room too small).
 */
typedef bool (*l2_tcp_emit_fn)(void *arg, uint8_t *seg, size_t len);
long l2_tcp_segment(const uint8_t *f, size_t len, unsigned mss, uint8_t *buf, size_t room,
		    l2_tcp_emit_fn emit, void *arg);

/*
 * True when segment f (s) belongs to the stream of the super-frame that
 * starts with head (h): the same Ethernet and IP headers but for
 * lengths, IDs and checksums (IPv4 with DF only), the same ports, ACK,
 * window and TCP options, and flags that allow it to follow (ACK, ECE,
 * PSH and FIN only, and those of the head but for CWR). The caller checks
 * the sequence numbers and sizes.
 */
bool l2_tcp_follows(const uint8_t *head, const struct l2_tcp_seg *h, const uint8_t *f,
		    const struct l2_tcp_seg *s);
/*
 * Turns head, whose segments (head's payload, then those the caller
 * gathers after it) total total_len bytes of frame, into the headers of
 * one super-frame: IP length and IPv4 checksum, the last segment's
 * flags (last_flags: its PSH and FIN), and the TCP checksum field set to
 * the pseudo header's sum as virtio-net's NEEDS_CSUM asks (the kernel
 * completes it, or a segmenting stack per segment).
 */
void l2_tcp_super_fix(uint8_t *head, const struct l2_tcp_seg *h, size_t total_len,
		      uint8_t last_flags);

#endif
