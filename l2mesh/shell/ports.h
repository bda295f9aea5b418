/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2SH_PORTS_H
#define L2SH_PORTS_H

/*
 * l2meshd's wires: mesh and LAN ports through AF_PACKET (a receive ring
 * read from memory, sends in batches), bat0/anygw through TAP devices.
 * The cloud's 802.1ad tag is added and removed here, so the core only
 * sees untagged frames.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "l2mesh/core/offload.h"
#include "l2mesh/shell/ring.h"

/* TAP reads per wake-up before yielding to other watchers. */
#define L2SH_BATCH 64
/* Frames queued per wire port and sent with one sendmmsg(). */
#define L2SH_TXQ 64
/* Queue slot size; larger frames (jumbo MTUs) go out on their own. */
#define L2SH_TXQ_SLOT 2048

/*
 * A message of the queue: one slot, or on a LAN port a run of slots that
 * are consecutive segments of one TCP stream, sent as one super-frame
 * (the first slot's headers, every slot's payload; doc/l2meshd.md#data-path).
 */
struct l2sh_txmsg {
	uint8_t first, nseg;
	uint16_t mss;		/* the payload of each segment but the last */
	uint8_t last_flags;	/* the last segment's TCP flags */
	size_t total;		/* the super-frame's length */
	struct l2_tcp_seg head;	/* the first slot's headers */
};

struct l2sh_txq {
	unsigned n;		/* slots */
	unsigned nmsg;		/* messages */
	bool open;		/* the last message may take the next segment */
	uint32_t next_seq;
	uint16_t len[L2SH_TXQ];
	struct l2sh_txmsg msg[L2SH_TXQ];
	uint8_t buf[L2SH_TXQ][L2SH_TXQ_SLOT];
};

struct l2sh_port;
/* A frame arrived (tag removed for mesh ports): hand it to the core. */
typedef void (*l2sh_rx_fn)(struct l2sh_port *p, const uint8_t *frame, size_t len);
/*
 * A TCP super-frame arrived: frame[off..len) is the client's Ethernet
 * frame (off: the batman headers before it on a mesh port), mss its
 * segment size; at least L2SH_SUPER_HEADROOM writable bytes lie before
 * frame. Returns false if it could not be handled (counted oversize).
 */
typedef bool (*l2sh_rx_super_fn)(struct l2sh_port *p, uint8_t *frame, size_t len, size_t off,
				 unsigned mss);
#define L2SH_SUPER_HEADROOM 64

struct l2sh_port {
	char ifname[16];
	bool mesh;		/* mesh port: batman frames, cloud tag */
	uint16_t vid;		/* cloud VID on the wire; 0 untagged */
	unsigned index;		/* core port or local-port index */
	uint8_t mac[6];
	unsigned mtu;		/* the interface's MTU */
	struct l2sh_ring ring;	/* wire ports: what comes in */
	bool wire;		/* a wire port (mesh or LAN) whose ring is open */
	int fd;			/* the ring's socket, or the TAP fd */
	int txfd;		/* wire ports: the AF_PACKET socket frames leave by */
	int ogmfd;		/* mesh wire ports: their OGMs (l2sh_ogm_open), or -1 */
	ev_io ogm_io;		/* on ogmfd, while the shell waits for OGMs as they come */
	uint64_t heard_ms;	/* when the frame being handed to rx came; 0: now */
	bool vnet;		/* txfd takes a virtio-net header (LAN ports, super mesh ports) */
	bool super;		/* mesh port (option super_frames): super-frames leave whole */
	bool tap;
	ev_io io;
	l2sh_rx_fn rx;
	l2sh_rx_super_fn route_super;	/* NULL: super-frames are cut and go to rx */
	void *user;
	struct l2sh_txq *txq;	/* wire ports: frames waiting for l2sh_port_flush */
	bool gone;		/* the interface went away; the shell reopens it */
	long mtu_cfg;		/* the config's MTU, 0 for the default */
	uint64_t rx_frames, tx_frames, tx_errors, rx_foreign, tx_batches;
	uint64_t rx_oversize;	/* frames longer than the MTU, not a TCP super-frame */
	uint64_t rx_super;	/* TCP super-frames (GRO, a client's TSO) cut into segments */
	uint64_t tx_super;	/* super-frames sent, joined from segments */
	uint64_t tx_joined;	/* segments they held */
	uint64_t rx_csum;	/* checksums completed that a sender left to its NIC */
	uint64_t rx_ogm;	/* frames read from ogmfd */
	uint64_t ogm_dropped;	/* lost on ogmfd (its queue full; summed over reopens) */
	uint64_t rx_dropped;	/* lost by the kernel: a ring was full (summed over reopens) */
	/* the ring's size follows its load (l2sh_port_tune) */
	bool ring_full;		/* found a quarter full, or a drop counted */
	bool ring_busy;		/* found a sixteenth full */
	uint64_t ring_check_ms, ring_quiet_ms;
};

/*
 * Opens a wire port on ifname (brought up, p->mtu set): mesh ports take
 * only batman frames of their cloud (a kernel filter), LAN ports
 * everything, promiscuous; both only what comes in, not what we send.
 */
int l2sh_wire_open(struct l2sh_port *p, const char *ifname, bool mesh, uint16_t vid,
		   char *err, size_t errlen);
/* Adopts an open TAP fd as a port. */
void l2sh_tap_adopt(struct l2sh_port *p, const char *ifname, int fd);
void l2sh_port_start(struct ev_loop *loop, struct l2sh_port *p);
void l2sh_port_close(struct ev_loop *loop, struct l2sh_port *p);
/* Frames the kernel dropped because the ring or the OGM socket's queue
 * was full, since the start. */
uint64_t l2sh_port_rx_dropped(struct l2sh_port *p);
/*
 * Once per loop iteration, before the loop sleeps: grows the ring of a
 * wire port that was found a quarter full or dropped frames, shrinks one that
 * stayed quiet for 30 s (the frames the old ring holds are handled
 * first; p->fd changes).
 */
void l2sh_port_tune(struct ev_loop *loop, struct l2sh_port *p, uint64_t now_ms);
/* Handles what a wire port's ring holds, without a system call; frames. */
unsigned l2sh_port_poll(struct l2sh_port *p);
/* Handles the OGMs waiting on a mesh port's own socket, each with the
 * time it came in p->heard_ms while rx runs, until about budget frames
 * (whole batches of 8); frames. */
unsigned l2sh_port_ogm_read(struct l2sh_port *p, unsigned budget);
/* Whether the loop wakes for an OGM as it comes (on) or the shell reads
 * them when it wakes anyway (off). Started on. */
void l2sh_port_ogm_watch(struct ev_loop *loop, struct l2sh_port *p, bool on);
/*
 * Sends a frame (adds the cloud tag on mesh ports). On wire ports it is
 * queued: the shell flushes every queue once per loop iteration, before
 * the loop sleeps, so a burst costs one system call per port.
 */
int l2sh_port_send(struct l2sh_port *p, const uint8_t *frame, size_t len);
void l2sh_port_flush(struct l2sh_port *p);
/* True when a super-frame can leave p whole: a LAN port, or a mesh port
 * with option super_frames. */
bool l2sh_port_takes_super(const struct l2sh_port *p);
/*
 * Sends frame[0..len), a TCP super-frame after inner bytes of other
 * headers, as one message cut by the kernel (or the next node) into
 * segments of mss: headers fixed (l2_tcp_super_fix), the cloud tag added
 * on a mesh port (4 writable bytes must lie before frame). 0 or -errno.
 */
int l2sh_port_send_super(struct l2sh_port *p, uint8_t *frame, size_t len, size_t inner,
			 unsigned mss);
/*
 * Cuts the TCP super-frame frame[off..len) into segments of mss, each
 * handed to emit with frame's first off bytes in front (emit returns
 * false to stop). Returns the number handed over, or -errno.
 */
long l2sh_super_cut(const uint8_t *frame, size_t len, size_t off, unsigned mss,
		    bool (*emit)(void *arg, uint8_t *seg, size_t len), void *arg);

#endif
