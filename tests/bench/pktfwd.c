/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pktfwd: the floor of a userspace AF_PACKET forwarder, for the l2
 * throughput bench. It repeats every frame of one interface on the other
 * and back, as a two-port hub, with the machinery l2meshd's shell uses
 * (TPACKET_V2 receive rings, frames sent in batches with sendmmsg, one
 * epoll loop) and nothing else: no batman header, no tables, no copies
 * beyond the one into the send buffer. What l2meshd reaches against what
 * this reaches is the cost of l2meshd's own work.
 *
 *   pktfwd IFACE_A IFACE_B
 *
 * For experiments by hand: PKTFWD_V3=1 reads TPACKET_V3 blocks instead
 * (fewer wake-ups, but a frame waits up to the 1 ms block timeout);
 * PKTFWD_SPIN=1 never sleeps, PKTFWD_SPIN=2 never sleeps but yields.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>

#define FRAME_SIZE 2048u
#define FRAMES 2048u
#define BATCH 64u

static int v3;	/* PKTFWD_V3=1: TPACKET_V3 blocks */
#define BLOCK_SIZE (1u << 16)
#define BLOCKS 64u

struct port {
	int rx, tx, ifindex;
	uint8_t *ring;
	unsigned head;
	unsigned n;
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	uint8_t buf[BATCH][FRAME_SIZE];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int port_open(struct port *p, const char *ifname)
{
	struct tpacket_req req = {
		.tp_block_size = FRAME_SIZE * 32, .tp_block_nr = FRAMES / 32,
		.tp_frame_size = FRAME_SIZE, .tp_frame_nr = FRAMES,
	};
	struct tpacket_req3 req3 = {
		.tp_block_size = BLOCK_SIZE, .tp_block_nr = BLOCKS, .tp_frame_size = FRAME_SIZE,
		.tp_frame_nr = BLOCK_SIZE / FRAME_SIZE * BLOCKS, .tp_retire_blk_tov = 1,
	};
	int v2 = v3 ? TPACKET_V3 : TPACKET_V2, one = 1;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };

	p->ifindex = (int)if_nametoindex(ifname);
	if (!p->ifindex) {
		fprintf(stderr, "pktfwd: no interface %s\n", ifname);
		return -1;
	}
	sll.sll_ifindex = p->ifindex;
	p->rx = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, 0);
	p->tx = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, 0);
	if (p->rx < 0 || p->tx < 0 ||
	    setsockopt(p->rx, SOL_PACKET, PACKET_VERSION, &v2, sizeof(v2)) < 0 ||
	    (v3 ? setsockopt(p->rx, SOL_PACKET, PACKET_RX_RING, &req3, sizeof(req3))
		: setsockopt(p->rx, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req))) < 0 ||
	    setsockopt(p->rx, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0) {
		perror("pktfwd: socket");
		return -1;
	}
	p->ring = mmap(NULL, v3 ? (size_t)BLOCK_SIZE * BLOCKS : (size_t)FRAME_SIZE * FRAMES, PROT_READ | PROT_WRITE, MAP_SHARED,
		       p->rx, 0);
	if (p->ring == MAP_FAILED || bind(p->rx, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("pktfwd: ring");
		return -1;
	}
	sll.sll_protocol = 0;
	if (bind(p->tx, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("pktfwd: bind");
		return -1;
	}
	struct packet_mreq mr = { .mr_ifindex = p->ifindex, .mr_type = PACKET_MR_PROMISC };
	setsockopt(p->rx, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr));
	return 0;
}

static void flush(struct port *out)
{
	unsigned done = 0;

	while (done < out->n) {
		int r = sendmmsg(out->tx, out->msg + done, out->n - done, MSG_DONTWAIT);
		if (r <= 0)
			break;	/* lost, as on a wire */
		done += (unsigned)r;
	}
	out->n = 0;
}

static void put(struct port *out, const uint8_t *f, unsigned len)
{
	uint8_t *d = out->buf[out->n];

	memcpy(d, f, len);
	out->iov[out->n] = (struct iovec){ .iov_base = d, .iov_len = len };
	out->msg[out->n] = (struct mmsghdr){
		.msg_hdr = { .msg_iov = &out->iov[out->n], .msg_iovlen = 1 } };
	if (++out->n == BATCH)
		flush(out);
}

static unsigned drain3(struct port *in, struct port *out)
{
	unsigned moved = 0;

	for (;;) {
		struct tpacket_block_desc *b = (void *)(in->ring + (size_t)in->head * BLOCK_SIZE);
		if (!(__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
			break;
		struct tpacket3_hdr *h = (void *)((uint8_t *)b + b->hdr.bh1.offset_to_first_pkt);
		for (unsigned i = 0; i < b->hdr.bh1.num_pkts; i++) {
			if (h->tp_snaplen == h->tp_len && h->tp_len <= FRAME_SIZE)
				put(out, (uint8_t *)h + h->tp_mac, h->tp_snaplen);
			h = (void *)((uint8_t *)h + h->tp_next_offset);
			moved++;
		}
		__atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		in->head = (in->head + 1) % BLOCKS;
	}
	return moved;
}

/* Moves what in's ring holds to out's send queue; frames moved. */
static unsigned drain(struct port *in, struct port *out)
{
	unsigned moved = 0;

	if (v3)
		return drain3(in, out);
	for (;;) {
		struct tpacket2_hdr *h = (void *)(in->ring + (size_t)in->head * FRAME_SIZE);
		if (!(__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
			break;
		unsigned len = h->tp_snaplen;
		if (len + 4 <= FRAME_SIZE && h->tp_len == len) {
			uint8_t *f = (uint8_t *)h + h->tp_mac;
			if (h->tp_status & TP_STATUS_VLAN_VALID) {
				/* put the tag the NIC took off back in */
				uint8_t tagged[FRAME_SIZE];
				uint16_t tpid = htons(h->tp_vlan_tpid ? h->tp_vlan_tpid : ETH_P_8021Q);
				uint16_t tci = htons(h->tp_vlan_tci);
				memcpy(tagged, f, 12);
				memcpy(tagged + 12, &tpid, 2);
				memcpy(tagged + 14, &tci, 2);
				memcpy(tagged + 16, f + 12, len - 12);
				put(out, tagged, len + 4);
			} else {
				put(out, f, len);
			}
		}
		__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		in->head = (in->head + 1) % FRAMES;
		moved++;
	}
	return moved;
}

int main(int argc, char **argv)
{
	static struct port a, b;
	struct epoll_event ev = { .events = EPOLLIN }, got[2];
	int ep = epoll_create1(0);

	v3 = getenv("PKTFWD_V3") != NULL;
	if (argc != 3) {
		fprintf(stderr, "usage: pktfwd IFACE_A IFACE_B\n");
		return 2;
	}
	if (port_open(&a, argv[1]) < 0 || port_open(&b, argv[2]) < 0)
		return 1;
	ev.data.ptr = &a;
	epoll_ctl(ep, EPOLL_CTL_ADD, a.rx, &ev);
	ev.data.ptr = &b;
	epoll_ctl(ep, EPOLL_CTL_ADD, b.rx, &ev);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	int spin = getenv("PKTFWD_SPIN") ? atoi(getenv("PKTFWD_SPIN")) : 0;
	while (!stop) {
		if (spin) {
			if (spin == 2)
				sched_yield();
		} else if (epoll_wait(ep, got, 2, 1000) < 0 && errno != EINTR)
			return 1;
		/* both directions each wake-up, until both rings are empty */
		while (drain(&a, &b) + drain(&b, &a)) {
			flush(&a);
			flush(&b);
		}
		flush(&a);
		flush(&b);
	}
	return 0;
}
