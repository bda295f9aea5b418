/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l2forge: an attacker on a mesh wire, for tests/netns/l2_forge.sh. From
 * one interface (an AF_PACKET raw socket) it sends batman-adv IV OGMs
 * (compat 15) from N forged source MACs: each OGM's Ethernet source and
 * originator are the same forged address, so every one is a new
 * originator and a new one-hop neighbour to whoever hears it. Optionally
 * it then sends broadcast packets (BCAST) from the first forged
 * originator, each carrying a client frame from another forged client
 * MAC, which a receiver takes as sightings of clients behind that
 * originator (translation table, TEMP entries).
 *
 *   l2forge [options] IF
 *
 *   --count N     forged originators (default 20000, at most 2^24)
 *   --rate PPS    frames per second, all kinds together (default 5000)
 *   --rounds R    OGMs from every forged MAC R times, seqno + 1 each
 *                 round (default 1)
 *   --clients K   then K BCAST frames from the first forged originator,
 *                 each from a different forged client MAC (default 0)
 *   --vid V       802.1ad tag with VID V on every frame, as the mesh
 *                 ports of the cloud expect (default 0: untagged)
 *
 *   l2forge --caps
 *
 * prints the l2 core's caps and entry sizes this tool was built with, from
 * which the lab test derives its RSS bound: "orig_max N port_neighs_max N
 * orig_bytes N hneigh_bytes N queue_len N frame_max N"; and
 *
 *   l2forge --tt-caps
 *
 * the translation table's caps on sightings and the bytes of one global
 * row (entry and link): "orig_temp_max N temp_max N row_bytes N".
 *
 * Forged originators are 06:f0:00:HH:MM:LL, forged clients
 * 06:c1:00:HH:MM:LL (locally administered unicast; HH:MM:LL = the index).
 * At the end it prints "sent OGMS ogms BCASTS bcasts in SECS s".
 */

#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "l2mesh/core/bat_iv.h"
#include "l2mesh/core/originator.h"
#include "l2mesh/core/packet.h"
#include "l2mesh/core/tt_int.h"

#define FORGE_TTL 50
#define FORGE_INDEX_MAX (1u << 24)	/* three bytes of the MAC */
#define FORGE_BURST 32			/* frames between two clock checks */
#define FORGE_INNER_ETHERTYPE 0x88b5	/* IEEE local experimental */

struct forge {
	const char *ifname;
	int fd;
	struct sockaddr_ll to;
	unsigned count, rate, rounds, clients;
	uint16_t vid;
	uint64_t start_ns;
	unsigned long sent;		/* frames, for the pacing */
	unsigned long ogms, bcasts;
};

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("l2forge: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void forged_mac(uint8_t mac[6], uint8_t kind, unsigned i)
{
	mac[0] = 0x06;
	mac[1] = kind;
	mac[2] = 0;
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

/* Ethernet header from src to broadcast, tagged as the cloud's ports are. */
static void eth_put(const struct forge *f, struct mc_wr *w, const uint8_t src[6])
{
	struct l2_eth eth = { .ethertype = L2_ETHERTYPE_BATMAN };

	memset(eth.dst, 0xff, 6);
	memcpy(eth.src, src, 6);
	if (f->vid) {
		eth.tagged = true;
		eth.tpid = L2_ETHERTYPE_8021AD;
		eth.tci = f->vid;
	}
	l2_eth_encode(w, &eth);
}

/* Sleeps until the frame after the sent ones is due at --rate. */
static void pace(struct forge *f)
{
	uint64_t due = f->start_ns + f->sent * 1000000000ull / f->rate;
	uint64_t now = now_ns();
	struct timespec ts;

	if (due <= now)
		return;
	ts.tv_sec = (time_t)((due - now) / 1000000000u);
	ts.tv_nsec = (long)((due - now) % 1000000000u);
	nanosleep(&ts, NULL);
}

static void frame_send(struct forge *f, const uint8_t *frame, size_t len)
{
	if (f->sent % FORGE_BURST == 0)
		pace(f);
	/* a full socket buffer (ENOBUFS) is a drop on the wire, not an error */
	if (sendto(f->fd, frame, len, 0, (struct sockaddr *)&f->to, sizeof(f->to)) < 0 &&
	    errno != ENOBUFS && errno != EAGAIN)
		die("send on %s: %s", f->ifname, strerror(errno));
	f->sent++;
}

/* A direct OGM: originator, sender and previous sender are the same MAC. */
static void ogm_send(struct forge *f, unsigned i, uint32_t seqno)
{
	uint8_t frame[64];
	struct l2_ogm ogm = { .ttl = FORGE_TTL, .seqno = seqno, .tq = L2_TQ_MAX };
	struct mc_wr w;

	forged_mac(ogm.orig, 0xf0, i);
	memcpy(ogm.prev_sender, ogm.orig, 6);
	mc_wr_init(&w, frame, sizeof(frame));
	eth_put(f, &w, ogm.orig);
	l2_ogm_encode(&w, &ogm);
	if (!mc_wr_ok(&w))
		die("OGM does not fit");
	frame_send(f, frame, mc_wr_len(&w));
	f->ogms++;
}

/* A BCAST from forged originator 0 with a client frame from client j. */
static void bcast_send(struct forge *f, unsigned j)
{
	uint8_t frame[128];
	struct l2_bcast b = { .ttl = FORGE_TTL, .seqno = j + 1 };
	struct l2_eth inner = { .ethertype = FORGE_INNER_ETHERTYPE };
	struct mc_wr w;

	forged_mac(b.orig, 0xf0, 0);
	mc_wr_init(&w, frame, sizeof(frame));
	eth_put(f, &w, b.orig);
	l2_bcast_encode(&w, &b);
	memset(inner.dst, 0xff, 6);
	forged_mac(inner.src, 0xc1, j);
	l2_eth_encode(&w, &inner);
	mc_wr_bytes(&w, "l2forge forged client frame.....", 32);
	if (!mc_wr_ok(&w))
		die("BCAST does not fit");
	frame_send(f, frame, mc_wr_len(&w));
	f->bcasts++;
}

static void sock_open(struct forge *f)
{
	unsigned ifindex = if_nametoindex(f->ifname);

	if (!ifindex)
		die("no interface %s", f->ifname);
	f->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);	/* send only */
	if (f->fd < 0)
		die("socket: %s (root?)", strerror(errno));
	f->to.sll_family = AF_PACKET;
	f->to.sll_ifindex = (int)ifindex;
	f->to.sll_halen = 6;
	memset(f->to.sll_addr, 0xff, 6);
}

static unsigned num_arg(const char *opt, const char *s, unsigned min, unsigned max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		die("%s: '%s' is not a number in %u..%u", opt, s, min, max);
	return (unsigned)v;
}

static void usage(void)
{
	fputs("usage: l2forge [--count N] [--rate PPS] [--rounds R] [--clients K] "
	      "[--vid V] IF\n       l2forge --caps | --tt-caps\n", stderr);
	exit(2);
}

static void caps_print(void)
{
	printf("orig_max %u port_neighs_max %u orig_bytes %zu hneigh_bytes %zu "
	       "queue_len %u frame_max %u\n", L2_ORIGS_MAX, L2_PORT_NEIGHS_MAX,
	       sizeof(struct l2_orig), sizeof(struct l2_hneigh), L2_BATMAN_QUEUE_LEN,
	       L2_FRAME_MAX);
	exit(0);
}

static void tt_caps_print(void)
{
	printf("orig_temp_max %u temp_max %u row_bytes %zu\n", L2_TT_ORIG_TEMP_MAX,
	       L2_TT_TEMP_MAX, sizeof(struct tt_global) + sizeof(struct tt_oe));
	exit(0);
}

static void args_parse(struct forge *f, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'r' },
		{ "rounds", required_argument, NULL, 'R' },
		{ "clients", required_argument, NULL, 'c' },
		{ "vid", required_argument, NULL, 'v' },
		{ "caps", no_argument, NULL, 'C' },
		{ "tt-caps", no_argument, NULL, 'T' },
		{ 0 },
	};
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'n': f->count = num_arg("--count", optarg, 1, FORGE_INDEX_MAX); break;
		case 'r': f->rate = num_arg("--rate", optarg, 1, 10000000); break;
		case 'R': f->rounds = num_arg("--rounds", optarg, 1, 1000); break;
		case 'c': f->clients = num_arg("--clients", optarg, 0, FORGE_INDEX_MAX); break;
		case 'v': f->vid = (uint16_t)num_arg("--vid", optarg, 0, L2_VLAN_VID_MASK); break;
		case 'C': caps_print(); break;
		case 'T': tt_caps_print(); break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	f->ifname = argv[optind];
}

int main(int argc, char **argv)
{
	struct forge f = { .count = 20000, .rate = 5000, .rounds = 1 };

	args_parse(&f, argc, argv);
	sock_open(&f);
	f.start_ns = now_ns();
	for (unsigned r = 0; r < f.rounds; r++)
		for (unsigned i = 0; i < f.count; i++)
			ogm_send(&f, i, r + 1);
	for (unsigned j = 0; j < f.clients; j++)
		bcast_send(&f, j);
	printf("sent %lu ogms %lu bcasts in %.2f s\n", f.ogms, f.bcasts,
	       (double)(now_ns() - f.start_ns) / 1e9);
	close(f.fd);
	return 0;
}
