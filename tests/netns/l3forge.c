/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l3forge: crafts and sends l3route packets from inside a namespace, for the
 * security lab tests (tests/netns/l3_security.sh). It plays a neighbour on
 * one interface: hellos and IHUs under its own node id (so the victim keeps
 * a link to it and takes its updates), answers the requests it is sent, and
 * at the chosen moment sends the attack.
 *
 *   l3forge [options] IF MODE
 *
 * MODE is one of:
 *   capture             ask the neighbour for its description (or, with
 *                       --victim-id, for that node's, which the neighbour
 *                       relays), write the blob to --out, print its key
 *   desc-foreign-key    a description carrying the victim's public key (so
 *                       the victim's id) and a higher dseq, signed with the
 *                       attacker's key: the victim's node hijacked
 *   desc-tampered       the attacker's own description, validly signed for
 *                       --prefix (default 10.98.0.0/16), then the last
 *                       network bit of that prefix flipped (10.99.0.0/16)
 *   desc-replay         the attacker's description with dseq 10, and after
 *                       --gap ms one with dseq 5 (both validly signed)
 *   update-bad-elem     a valid description, then route updates for the
 *                       attacker's own node whose chain element is wrong
 *   update-beyond-chain a valid description (chain length 64), then updates
 *                       with seqnos past the chain's end
 *   node                a well-behaved but possibly untrusted node: valid
 *                       description announcing --prefix (default
 *                       10.99.0.0/16; up to 8, /0 allowed), updates with
 *                       proper chain elements
 *   desc-flood          --count made-up nodes (keys from --seed and a
 *                       number), each a validly signed description with a
 *                       /32 of 10.200.0.0/13, packed into packets and
 *                       sent at --rate descriptions a second
 *   badsig-flood        for --duration s, as fast as the link takes them,
 *                       packets full of well-formed descriptions whose
 *                       signatures are wrong, every one different
 *
 * The attacker's key is derived from --seed (default "l3forge"), so its id
 * is the same on every run. It prints "id HEX addr ADDR" first.
 *
 *   l3forge --key-id FILE
 *
 * prints "id HEX addr ADDR pk HEX" of an l3routed key file (a 32-byte ed25519
 * seed), so a lab can write its nodes' keys and know their ids before start.
 */

#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "common/addr.h"
#include "common/buf.h"
#include "l3route/core/chain.h"
#include "l3route/core/desc.h"
#include "l3route/core/packet.h"

#define NBR_MAX 16
#define PREFIX_MAX 8
#define FORGE_CHAIN_LEN 64	/* short, so "beyond the chain" is easy to reach */
#define UPDATE_EVERY_MS 3000	/* node mode: periodic update of its own route */

enum mode {
	M_CAPTURE, M_FOREIGN, M_TAMPERED, M_REPLAY, M_BAD_ELEM, M_BEYOND, M_NODE,
	M_DESC_FLOOD, M_BADSIG_FLOOD,
};

static const char *const mode_names[] = {
	[M_CAPTURE] = "capture", [M_FOREIGN] = "desc-foreign-key",
	[M_TAMPERED] = "desc-tampered", [M_REPLAY] = "desc-replay",
	[M_BAD_ELEM] = "update-bad-elem", [M_BEYOND] = "update-beyond-chain",
	[M_NODE] = "node", [M_DESC_FLOOD] = "desc-flood",
	[M_BADSIG_FLOOD] = "badsig-flood",
};

struct nbr {
	uint8_t id[L3_ID_LEN];
	struct in6_addr ll;
};

struct forge {
	enum mode mode;
	const char *ifname;
	unsigned ifindex;
	int fd;
	uint16_t port;
	struct in6_addr dst;		/* ff02::2 or --to */
	uint8_t pk[L3_PK_LEN], sk[L3_SK_LEN], id[L3_ID_LEN];
	struct l3_chain chain;
	uint16_t seqno;
	uint32_t dseq;
	char hostname[L3_HOSTNAME_MAX + 1];
	struct l3_prefix prefix[PREFIX_MAX];
	unsigned nprefix;
	/* What a DESC_REQ for our id gets (may be a forged blob; 0 = nothing). */
	uint8_t answer[L3_DESC_MAX];
	size_t answer_len;
	bool node_mode;			/* answers seqno/route requests with updates */
	struct nbr nbr[NBR_MAX];
	unsigned nnbr;
	uint16_t hello_seq;
	uint32_t interval_ms;
	uint64_t next_hello, next_update;
	/* capture: the first valid description of a neighbour */
	uint8_t cap[L3_DESC_MAX];
	size_t cap_len;
	unsigned count;			/* attack messages to send */
	unsigned rate;			/* desc-flood: descriptions a second */
	const char *seed;
	uint32_t warmup_ms, linger_ms, gap_ms, duration_s;
	const char *out, *victim_pk_hex, *victim_pk_file;
	uint8_t victim_id[L3_ID_LEN];	/* capture this node's description */
	bool has_victim_id;
	bool capturing;			/* keep the first matching description */
	bool verbose;
	unsigned sent, received;
};

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("l3forge: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = 0;
}

/* Reads exactly n bytes of hex from s (other characters are not allowed). */
static int unhex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		out[i] = (uint8_t)v;
	}
	return s[2 * n] == 0 || s[2 * n] == '\n' ? 0 : -EINVAL;
}

/* ---- socket ---- */

static void sock_open(struct forge *f)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(f->port) };
	struct ipv6_mreq mr = { .ipv6mr_interface = f->ifindex };
	int one = 1, zero = 0, hops = 255;

	f->fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (f->fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(f->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(f->fd, SOL_SOCKET, SO_BINDTODEVICE, f->ifname,
		       (socklen_t)strlen(f->ifname)) < 0)
		die("SO_BINDTODEVICE %s: %s", f->ifname, strerror(errno));
	setsockopt(f->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	setsockopt(f->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &f->ifindex, sizeof(f->ifindex));
	setsockopt(f->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
	setsockopt(f->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops));
	setsockopt(f->fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof(zero));
	if (bind(f->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind port %u: %s (is l3routed running here?)", f->port, strerror(errno));
	inet_pton(AF_INET6, "ff02::2", &mr.ipv6mr_multiaddr);
	/* EADDRINUSE: a router already is a member of ff02::2 there; fine */
	if (setsockopt(f->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) < 0 &&
	    errno != EADDRINUSE)
		die("join ff02::2 on %s: %s", f->ifname, strerror(errno));
}

static void sock_send(struct forge *f, const uint8_t *pkt, size_t len)
{
	struct sockaddr_in6 sa = {
		.sin6_family = AF_INET6, .sin6_port = htons(f->port),
		.sin6_addr = f->dst, .sin6_scope_id = f->ifindex,
	};

	if (sendto(f->fd, pkt, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fprintf(stderr, "l3forge: sendto: %s\n", strerror(errno));
	else
		f->sent++;
}

/* ---- packets ---- */

/* One packet with the given messages, under the attacker's id. */
static void send_msgs(struct forge *f, const struct l3_msg *m, unsigned n)
{
	uint8_t buf[L3_PKT_MAX];
	struct l3_pkt_builder b;

	l3_pkt_init(&b, buf, sizeof(buf), f->id);
	for (unsigned i = 0; i < n; i++)
		if (l3_pkt_add(&b, &m[i]) < 0)
			die("message %u does not fit in a packet", i);
	sock_send(f, buf, l3_pkt_finish(&b));
}

static void send_desc(struct forge *f, const uint8_t *blob, size_t len)
{
	struct l3_msg m = { .type = L3_TLV_DESC };

	m.u.desc.p = blob;
	m.u.desc.len = len;
	send_msgs(f, &m, 1);
}

/* A route update for our own node: metric 0, hop 0, with the given element. */
static void send_update(struct forge *f, uint16_t seqno, const uint8_t elem[L3_ELEM_LEN])
{
	struct l3_msg m = { .type = L3_TLV_UPDATE };

	memcpy(m.u.update.id, f->id, L3_ID_LEN);
	m.u.update.dseq = f->dseq;
	m.u.update.seqno = seqno;
	m.u.update.metric = 0;
	memcpy(m.u.update.elem, elem, L3_ELEM_LEN);
	send_msgs(f, &m, 1);
}

static void send_own_update(struct forge *f)
{
	send_update(f, f->seqno, l3_chain_elem(&f->chain, f->seqno));
}

/* HELLO and one IHU per neighbour heard (we claim to hear all of them). */
static void send_hello(struct forge *f)
{
	struct l3_msg m[1 + NBR_MAX];
	unsigned n = 0;

	memset(m, 0, sizeof(m));
	m[n].type = L3_TLV_HELLO;
	m[n].u.hello.seqno = f->hello_seq++;
	m[n++].u.hello.interval_cs = (uint16_t)(f->interval_ms / 10);
	for (unsigned i = 0; i < f->nnbr; i++) {
		m[n].type = L3_TLV_IHU;
		m[n].u.ihu.rxq = 255;
		m[n].u.ihu.interval_cs = (uint16_t)(f->interval_ms / 10);
		memcpy(m[n++].u.ihu.id, f->nbr[i].id, L3_ID_LEN);
	}
	send_msgs(f, m, n);
}

static void send_desc_req(struct forge *f, const uint8_t id[L3_ID_LEN])
{
	struct l3_msg m = { .type = L3_TLV_DESC_REQ };

	memcpy(m.u.desc_req.id, id, L3_ID_LEN);
	send_msgs(f, &m, 1);
}

/* ---- receiving ---- */

static void nbr_note(struct forge *f, const uint8_t id[L3_ID_LEN], const struct in6_addr *ll)
{
	char h[9];

	for (unsigned i = 0; i < f->nnbr; i++)
		if (!memcmp(f->nbr[i].id, id, L3_ID_LEN))
			return;
	if (f->nnbr == NBR_MAX)
		return;
	memcpy(f->nbr[f->nnbr].id, id, L3_ID_LEN);
	f->nbr[f->nnbr++].ll = *ll;
	say("neighbour %s", l3_id_hex(id, 4, h));
	/* answer at once so the link comes up in one round trip */
	send_hello(f);
}

static void rx_desc(struct forge *f, const struct l3_msg *m)
{
	struct l3_desc d;
	char h[2 * L3_ID_LEN + 1];

	if (!f->capturing || f->cap_len || m->u.desc.len > sizeof(f->cap) ||
	    l3_desc_parse(m->u.desc.p, m->u.desc.len, &d) < 0)
		return;
	for (unsigned i = 0; i < (f->has_victim_id ? 1 : f->nnbr); i++) {
		if (memcmp(f->has_victim_id ? f->victim_id : f->nbr[i].id, d.id, L3_ID_LEN))
			continue;
		memcpy(f->cap, m->u.desc.p, m->u.desc.len);
		f->cap_len = m->u.desc.len;
		say("captured description of %s (%s, dseq %u, %zu bytes)",
		    l3_id_hex(d.id, L3_ID_LEN, h), d.hostname, d.dseq, f->cap_len);
	}
}

static bool is_me(const struct forge *f, const uint8_t id[L3_ID_LEN])
{
	return !memcmp(f->id, id, L3_ID_LEN);
}

static void rx_msg(struct forge *f, const struct l3_msg *m)
{
	switch (m->type) {
	case L3_TLV_DESC_REQ:
		if (is_me(f, m->u.desc_req.id) && f->answer_len)
			send_desc(f, f->answer, f->answer_len);
		break;
	case L3_TLV_DESC:
		rx_desc(f, m);
		break;
	case L3_TLV_SEQNO_REQ:
		if (f->node_mode && is_me(f, m->u.seqno_req.id)) {
			if (f->seqno < f->chain.len)
				f->seqno++;
			send_own_update(f);
		}
		break;
	case L3_TLV_ROUTE_REQ:
		if (f->node_mode && (m->u.route_req.all || is_me(f, m->u.route_req.id)))
			send_own_update(f);
		break;
	default:
		break;
	}
}

static void rx_one(struct forge *f)
{
	uint8_t buf[2048];
	struct sockaddr_in6 sa;
	socklen_t sl = sizeof(sa);
	struct l3_pkt_iter it;
	struct l3_pkt_hdr h;
	struct l3_msg m;
	ssize_t n;

	n = recvfrom(f->fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa, &sl);
	if (n <= 0 || l3_pkt_open(&it, &h, buf, (size_t)n) < 0 || is_me(f, h.id))
		return;
	f->received++;
	if (IN6_IS_ADDR_LINKLOCAL(&sa.sin6_addr))
		nbr_note(f, h.id, &sa.sin6_addr);
	while (l3_pkt_next(&it, &m) == 1) {
		if (f->verbose)
			fprintf(stderr, "l3forge: rx TLV %d\n", m.type);
		rx_msg(f, &m);
	}
}

/* Keeps the link alive and answers for `ms` milliseconds (or until stop()). */
static void run_for(struct forge *f, uint32_t ms, bool (*stop)(struct forge *))
{
	uint64_t end = now_ms() + ms, t;

	while ((t = now_ms()) < end && !(stop && stop(f))) {
		struct pollfd p = { .fd = f->fd, .events = POLLIN };
		uint64_t next = f->next_hello < end ? f->next_hello : end;

		if (f->node_mode && f->next_update < next)
			next = f->next_update;
		if (poll(&p, 1, next > t ? (int)(next - t) : 0) > 0)
			rx_one(f);
		t = now_ms();
		if (t >= f->next_hello) {
			send_hello(f);
			f->next_hello = t + f->interval_ms;
		}
		if (f->node_mode && t >= f->next_update) {
			send_own_update(f);
			f->next_update = t + UPDATE_EVERY_MS;
		}
	}
}

/* ---- descriptions ---- */

/* A validly signed description of the attacker with dseq and its prefixes. */
static size_t build_own(struct forge *f, uint32_t dseq, uint8_t *out)
{
	struct l3_desc d;
	int len;

	memset(&d, 0, sizeof(d));
	d.dseq = dseq;
	memcpy(d.anchor, l3_chain_anchor(&f->chain), L3_ELEM_LEN);
	d.chain_len = f->chain.len;
	snprintf(d.hostname, sizeof(d.hostname), "%s", f->hostname);
	d.nprefix = f->nprefix;
	memcpy(d.prefix, f->prefix, f->nprefix * sizeof(f->prefix[0]));
	len = l3_desc_build(out, L3_DESC_MAX, &d, f->sk);
	if (len < 0)
		die("l3_desc_build: %s", strerror(-len));
	f->dseq = dseq;
	return (size_t)len;
}

/* Offset in blob of the first PREFIX item's address, or 0. */
static size_t prefix_addr_off(const uint8_t *blob, size_t len, uint8_t *plen)
{
	struct mc_rd r;
	uint8_t type, ilen, fam;

	mc_rd_init(&r, blob, len - L3_SIG_LEN);
	mc_rd_skip(&r, L3_DESC_HDR_LEN);
	while (mc_rd_u8(&r, &type) == 0 && mc_rd_u8(&r, &ilen) == 0) {
		size_t body = r.off;

		if (type == L3_DI_PREFIX && mc_rd_u8(&r, &fam) == 0 && mc_rd_u8(&r, plen) == 0)
			return mc_rd_ok(&r) && *plen > 0 ? body + 3 : 0;
		r.off = body;
		if (mc_rd_skip(&r, ilen) < 0)
			break;
	}
	return 0;
}

/* Flips the last network bit of the first prefix (host bits stay zero, so
 * the blob still parses and only the signature can tell). */
static void tamper(uint8_t *blob, size_t len)
{
	uint8_t plen;
	size_t off = prefix_addr_off(blob, len, &plen);

	if (!off)
		die("no prefix item to tamper with");
	blob[off + (plen - 1) / 8] ^= (uint8_t)(0x80 >> ((plen - 1) % 8));
}

/* The victim's public key: --victim-pk, --victim-pk-from (a description
 * blob as written by capture, or a file with 64 hex digits), or captured
 * on the link now (the neighbour's own, or --victim-id's). */
static bool captured(struct forge *f)
{
	return f->cap_len > 0;
}

static void capture(struct forge *f, uint32_t timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;

	f->capturing = true;
	while (!captured(f) && now_ms() < end) {
		if (f->has_victim_id)
			send_desc_req(f, f->victim_id);
		for (unsigned i = 0; i < f->nnbr && !f->has_victim_id; i++)
			send_desc_req(f, f->nbr[i].id);
		run_for(f, 500, captured);
	}
	if (!captured(f))
		die("no description captured on %s within %u ms", f->ifname, timeout_ms);
}

static void victim_pk_file(const char *path, uint8_t pk[L3_PK_LEN])
{
	uint8_t buf[L3_DESC_MAX + 1];
	struct l3_desc d;
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		die("%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = 0;
	if (l3_desc_parse(buf, n, &d) == 0) {
		memcpy(pk, d.pk, L3_PK_LEN);
		return;
	}
	/* the first run of exactly 64 hex digits (JSON, or a bare line) */
	for (size_t i = 0, run = 0; i <= n; i++) {
		if (i < n && strchr("0123456789abcdefABCDEF", buf[i]) && buf[i]) {
			run++;
			continue;
		}
		if (run == 2 * L3_PK_LEN) {
			buf[i] = 0;
			if (unhex((char *)buf + i - run, pk, L3_PK_LEN) == 0)
				return;
		}
		run = 0;
	}
	die("%s: neither a description nor 64 hex digits", path);
}

static void victim_pk(struct forge *f, uint8_t pk[L3_PK_LEN])
{
	struct l3_desc d;

	if (f->victim_pk_hex) {
		if (unhex(f->victim_pk_hex, pk, L3_PK_LEN) < 0)
			die("--victim-pk: expected 64 hex digits");
		return;
	}
	if (f->victim_pk_file) {
		victim_pk_file(f->victim_pk_file, pk);
		return;
	}
	capture(f, 10000);
	if (l3_desc_parse(f->cap, f->cap_len, &d) < 0)
		die("captured description does not parse");
	memcpy(pk, d.pk, L3_PK_LEN);
}

/*
 * The victim's identity signed by us: our own valid description with the
 * victim's public key put in its place and signed again with our secret
 * key. Its dseq is far above any real one, so a receiver that skipped the
 * signature check would replace the victim's description with ours.
 */
static size_t build_foreign(struct forge *f, const uint8_t pk[L3_PK_LEN], uint8_t *out)
{
	size_t len = build_own(f, 0x7ffffff0u, out);

	memcpy(out + 4, pk, L3_PK_LEN);
	crypto_sign_ed25519_detached(out + len - L3_SIG_LEN, NULL, out,
				     len - L3_SIG_LEN, f->sk);
	return len;
}

/* ---- modes ---- */

/* The forged blob must fail exactly at the signature, as the attack means:
 * well-formed, so a receiver gets as far as checking it. */
static void must_be_rejected(const uint8_t *blob, size_t len)
{
	struct l3_desc d;
	int rc = l3_desc_parse(blob, len, &d);

	if (rc != -EKEYREJECTED)
		die("forged description parses with %d, not -EKEYREJECTED", rc);
}

static void attack_descs(struct forge *f, const uint8_t *blob, size_t len)
{
	for (unsigned i = 0; i < f->count; i++) {
		send_desc(f, blob, len);
		run_for(f, f->gap_ms, NULL);
	}
}

static void mode_desc(struct forge *f)
{
	uint8_t blob[L3_DESC_MAX], pk[L3_PK_LEN];
	char h1[2 * L3_ID_LEN + 1], h2[2 * L3_ID_LEN + 1];
	uint8_t claimed[L3_ID_LEN];
	size_t len;

	run_for(f, f->warmup_ms, NULL);
	if (f->mode == M_FOREIGN) {
		victim_pk(f, pk);
		len = build_foreign(f, pk, blob);
		l3_id_from_pk(pk, claimed);
		say("forging a description of %s signed by %s",
		    l3_id_hex(claimed, L3_ID_LEN, h1), l3_id_hex(f->id, L3_ID_LEN, h2));
		f->answer_len = 0;
	} else {
		len = build_own(f, f->dseq, blob);
		tamper(blob, len);
		memcpy(f->answer, blob, len);
		f->answer_len = len;
		say("tampered description: prefix changed after signing");
	}
	must_be_rejected(blob, len);
	attack_descs(f, blob, len);
	run_for(f, f->linger_ms, NULL);
}

static void mode_replay(struct forge *f)
{
	f->answer_len = build_own(f, 10, f->answer);
	run_for(f, f->warmup_ms, NULL);
	send_desc(f, f->answer, f->answer_len);
	say("sent description dseq 10");
	run_for(f, f->gap_ms > 1000 ? f->gap_ms : 1000, NULL);
	f->answer_len = build_own(f, 5, f->answer);
	attack_descs(f, f->answer, f->answer_len);
	say("replayed description dseq 5 (%u times)", f->count);
	run_for(f, f->linger_ms, NULL);
}

static void mode_update(struct forge *f)
{
	uint8_t wrong[L3_ELEM_LEN];

	f->answer_len = build_own(f, f->dseq, f->answer);
	run_for(f, f->warmup_ms, NULL);
	send_desc(f, f->answer, f->answer_len);
	run_for(f, 1000, NULL);
	/* a plausible-looking element: the right one for seqno s, one bit off */
	for (unsigned i = 0; i < f->count; i++) {
		uint16_t s = f->mode == M_BEYOND ? (uint16_t)(f->chain.len + 1 + i)
						 : (uint16_t)(1 + i);

		memcpy(wrong, l3_chain_elem(&f->chain, f->mode == M_BEYOND ? 0 : s), L3_ELEM_LEN);
		if (f->mode == M_BAD_ELEM)
			wrong[L3_ELEM_LEN - 1] ^= 1;
		send_update(f, s, wrong);
		run_for(f, f->gap_ms, NULL);
	}
	say("sent %u %s updates", f->count, mode_names[f->mode]);
	run_for(f, f->linger_ms, NULL);
}

static void mode_node(struct forge *f)
{
	f->answer_len = build_own(f, f->dseq, f->answer);
	f->node_mode = true;
	f->seqno = 1;
	f->next_update = now_ms() + 500;
	run_for(f, 300, NULL);
	send_desc(f, f->answer, f->answer_len);
	say("node up: announcing %u prefixes for %u s", f->nprefix, f->duration_s);
	run_for(f, f->duration_s * 1000, NULL);
}

/* ---- floods ---- */

/* Packs descriptions into one packet until the next does not fit. */
struct packer {
	uint8_t buf[L3_PKT_MAX];
	struct l3_pkt_builder b;
	unsigned n;
};

static void pack_flush(struct forge *f, struct packer *p)
{
	if (p->n)
		sock_send(f, p->buf, l3_pkt_finish(&p->b));
	p->n = 0;
}

static void pack_desc(struct forge *f, struct packer *p, const uint8_t *blob, size_t len)
{
	struct l3_msg m = { .type = L3_TLV_DESC, .u.desc = { blob, len } };

	for (int tries = 0; tries < 2; tries++) {
		if (!p->n)
			l3_pkt_init(&p->b, p->buf, sizeof(p->buf), f->id);
		if (l3_pkt_add(&p->b, &m) == 0) {
			p->n++;
			return;
		}
		pack_flush(f, p);
	}
	die("a description does not fit in a packet");
}

/* Made-up node number i: its own key, a chain anchor, a /32 of its own. */
static size_t fake_desc(struct forge *f, unsigned i, uint8_t *out)
{
	uint8_t seed[32], pk[L3_PK_LEN], sk[L3_SK_LEN];
	struct l3_desc d;
	char ip[32];
	int len;

	crypto_generichash(seed, sizeof(seed), (const uint8_t *)f->seed, strlen(f->seed),
			   (const uint8_t *)&i, sizeof(i));
	l3_key_from_seed(seed, pk, sk);
	memset(&d, 0, sizeof(d));
	d.dseq = 1;
	memcpy(d.anchor, seed, L3_ELEM_LEN);
	d.chain_len = 4096;
	snprintf(d.hostname, sizeof(d.hostname), "fake%u", i);
	snprintf(ip, sizeof(ip), "10.%u.%u.%u/32", 200 + (i >> 16) % 8, (i >> 8) & 255, i & 255);
	mc_ip_parse(ip, &d.prefix[0].ip);
	d.nprefix = 1;
	len = l3_desc_build(out, L3_DESC_MAX, &d, sk);
	if (len < 0)
		die("l3_desc_build: %s", strerror(-len));
	return (size_t)len;
}

static void mode_desc_flood(struct forge *f)
{
	uint8_t blob[L3_DESC_MAX];
	struct packer p = { .n = 0 };
	uint64_t t0;
	unsigned i;

	run_for(f, f->warmup_ms, NULL);
	if (!f->nnbr)
		die("no neighbour heard on %s", f->ifname);
	t0 = now_ms();
	say("flooding %u made-up nodes at %u/s", f->count, f->rate);
	for (i = 0; i < f->count; i++) {
		uint64_t due = t0 + (uint64_t)i * 1000 / f->rate, t = now_ms();

		if (t < due) {
			pack_flush(f, &p);
			run_for(f, (uint32_t)(due - t), NULL);
		}
		pack_desc(f, &p, blob, fake_desc(f, i, blob));
	}
	pack_flush(f, &p);
	say("flooded %u descriptions in %.1f s", f->count, (double)(now_ms() - t0) / 1000);
	run_for(f, f->linger_ms, NULL);
}

static void mode_badsig_flood(struct forge *f)
{
	uint8_t blob[L3_DESC_MAX];
	struct packer p = { .n = 0 };
	uint64_t t0, end, ndesc = 0;
	size_t len;

	run_for(f, f->warmup_ms, NULL);
	if (!f->nnbr)
		die("no neighbour heard on %s", f->ifname);
	len = fake_desc(f, 0, blob);
	must_be_rejected((blob[len - 1] ^= 1, blob), len);
	t0 = now_ms();
	end = t0 + (uint64_t)f->duration_s * 1000;
	say("bad signatures for %u s", f->duration_s);
	while (now_ms() < end) {
		/* keep the link: hellos and answers between bursts */
		for (int k = 0; k < 64; k++) {
			randombytes_buf(blob + len - L3_SIG_LEN, L3_SIG_LEN);
			pack_desc(f, &p, blob, len);
			ndesc++;
		}
		pack_flush(f, &p);
		run_for(f, 1, NULL);
	}
	say("sent %llu bad descriptions in %.1f s (%.0f/s, %u packets)",
	    (unsigned long long)ndesc, (double)(now_ms() - t0) / 1000,
	    (double)ndesc * 1000 / (double)(now_ms() - t0 + 1), f->sent);
	run_for(f, f->linger_ms, NULL);
}

static void mode_capture(struct forge *f)
{
	FILE *fp;
	struct l3_desc d;
	char h[2 * L3_PK_LEN + 1];

	run_for(f, f->warmup_ms, NULL);
	capture(f, f->duration_s * 1000);
	l3_desc_parse(f->cap, f->cap_len, &d);
	hex(d.pk, L3_PK_LEN, h);
	say("pk %s", h);
	if (!f->out)
		return;
	fp = fopen(f->out, "wb");
	if (!fp || fwrite(f->cap, 1, f->cap_len, fp) != f->cap_len || fclose(fp))
		die("%s: %s", f->out, strerror(errno));
}

/* ---- set-up ---- */

static void identity(struct forge *f, const char *seed_str)
{
	uint8_t seed[32], cseed[L3_ELEM_LEN];
	struct in6_addr a;
	char h[2 * L3_ID_LEN + 1], as[INET6_ADDRSTRLEN];

	crypto_generichash(seed, sizeof(seed), (const uint8_t *)seed_str,
			   strlen(seed_str), (const uint8_t *)"l3forge-key", 11);
	l3_key_from_seed(seed, f->pk, f->sk);
	l3_id_from_pk(f->pk, f->id);
	crypto_generichash(cseed, sizeof(cseed), seed, sizeof(seed),
			   (const uint8_t *)"l3forge-chain", 13);
	if (l3_chain_make(&f->chain, cseed, f->id, FORGE_CHAIN_LEN) < 0)
		die("out of memory");
	l3_id_addr(f->id, &a);
	say("id %s addr %s", l3_id_hex(f->id, L3_ID_LEN, h),
	    inet_ntop(AF_INET6, &a, as, sizeof(as)));
}

static void usage(void)
{
	fputs("usage: l3forge [options] IF MODE\n"
	      "modes: capture desc-foreign-key desc-tampered desc-replay\n"
	      "       update-bad-elem update-beyond-chain node desc-flood badsig-flood\n"
	      "options: --seed STR --port N --to LLADDR --dseq N --prefix P (repeat)\n"
	      "         --hostname H --count N --warmup MS --gap MS --linger MS\n"
	      "         --duration S --interval MS --rate N --victim-pk HEX --victim-id HEX\n"
	      "         --victim-pk-from FILE --out FILE -v\n", stderr);
	exit(2);
}

static void add_prefix(struct forge *f, const char *s)
{
	struct mc_ip ip;

	if (f->nprefix == PREFIX_MAX || mc_ip_parse(s, &ip) < 0)
		die("bad or too many --prefix: %s", s);
	mc_ip_mask(&ip);
	f->prefix[f->nprefix++].ip = ip;
}

static const struct option long_opts[] = {
	{ "seed", 1, NULL, 's' }, { "port", 1, NULL, 'p' }, { "to", 1, NULL, 't' },
	{ "dseq", 1, NULL, 'd' }, { "prefix", 1, NULL, 'P' }, { "hostname", 1, NULL, 'H' },
	{ "count", 1, NULL, 'c' }, { "warmup", 1, NULL, 'w' }, { "gap", 1, NULL, 'g' },
	{ "linger", 1, NULL, 'l' }, { "duration", 1, NULL, 'D' }, { "interval", 1, NULL, 'i' },
	{ "victim-pk", 1, NULL, 'k' }, { "victim-id", 1, NULL, 'I' },
	{ "victim-pk-from", 1, NULL, 'K' }, { "rate", 1, NULL, 'r' },
	{ "out", 1, NULL, 'o' }, { "verbose", 0, NULL, 'v' }, { NULL, 0, NULL, 0 },
};

static const char *parse_opts(struct forge *f, int argc, char **argv)
{
	const char *seed = "l3forge";
	int c;

	while ((c = getopt_long(argc, argv, "v", long_opts, NULL)) != -1) {
		switch (c) {
		case 's': seed = optarg; break;
		case 'p': f->port = (uint16_t)atoi(optarg); break;
		case 't':
			if (inet_pton(AF_INET6, optarg, &f->dst) != 1)
				die("--to: not an IPv6 address: %s", optarg);
			break;
		case 'd': f->dseq = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'P': add_prefix(f, optarg); break;
		case 'H': snprintf(f->hostname, sizeof(f->hostname), "%s", optarg); break;
		case 'c': f->count = (unsigned)atoi(optarg); break;
		case 'w': f->warmup_ms = (uint32_t)atoi(optarg); break;
		case 'g': f->gap_ms = (uint32_t)atoi(optarg); break;
		case 'l': f->linger_ms = (uint32_t)atoi(optarg); break;
		case 'D': f->duration_s = (uint32_t)atoi(optarg); break;
		case 'i': f->interval_ms = (uint32_t)atoi(optarg); break;
		case 'k': f->victim_pk_hex = optarg; break;
		case 'I':
			if (unhex(optarg, f->victim_id, L3_ID_LEN) < 0)
				die("--victim-id: expected 32 hex digits");
			f->has_victim_id = true;
			break;
		case 'K': f->victim_pk_file = optarg; break;
		case 'r': f->rate = (unsigned)atoi(optarg); break;
		case 'o': f->out = optarg; break;
		case 'v': f->verbose = true; break;
		default: usage();
		}
	}
	return seed;
}

static void defaults(struct forge *f)
{
	memset(f, 0, sizeof(*f));
	f->port = 6240;
	inet_pton(AF_INET6, "ff02::2", &f->dst);
	f->dseq = 1;
	snprintf(f->hostname, sizeof(f->hostname), "l3forge");
	f->count = 3;
	f->warmup_ms = 3000;
	f->gap_ms = 300;
	f->linger_ms = 2000;
	f->duration_s = 20;
	f->interval_ms = 1000;
	f->rate = 800;
}

static int key_id(const char *path)
{
	uint8_t seed[32], pk[L3_PK_LEN], sk[L3_SK_LEN], id[L3_ID_LEN];
	char h[2 * L3_ID_LEN + 1], hp[2 * L3_PK_LEN + 1], as[INET6_ADDRSTRLEN];
	struct in6_addr a;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		die("%s: %s", path, strerror(errno));
	if (fread(seed, 1, sizeof(seed), fp) != sizeof(seed) || fgetc(fp) != EOF)
		die("%s: not a 32-byte seed", path);
	fclose(fp);
	l3_key_from_seed(seed, pk, sk);
	l3_id_from_pk(pk, id);
	l3_id_addr(id, &a);
	hex(pk, L3_PK_LEN, hp);
	say("id %s addr %s pk %s", l3_id_hex(id, L3_ID_LEN, h),
	    inet_ntop(AF_INET6, &a, as, sizeof(as)), hp);
	return 0;
}

int main(int argc, char **argv)
{
	static struct forge f;
	const char *seed, *mode;
	unsigned i;

	if (argc == 3 && !strcmp(argv[1], "--key-id"))
		return key_id(argv[2]);
	defaults(&f);
	seed = parse_opts(&f, argc, argv);
	f.seed = seed;
	if (argc - optind != 2 || !f.port || f.interval_ms < 100 || !f.count || !f.rate)
		usage();
	f.ifname = argv[optind];
	mode = argv[optind + 1];
	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (!strcmp(mode, mode_names[i]))
			break;
	if (i == sizeof(mode_names) / sizeof(mode_names[0]))
		usage();
	f.mode = (enum mode)i;
	if (!f.nprefix && f.mode != M_CAPTURE)
		add_prefix(&f, f.mode == M_NODE ? "10.99.0.0/16" : "10.98.0.0/16");
	f.ifindex = if_nametoindex(f.ifname);
	if (!f.ifindex)
		die("no interface %s", f.ifname);
	if (sodium_init() < 0)
		die("libsodium failed to initialise");
	identity(&f, seed);
	sock_open(&f);
	f.next_hello = now_ms();
	switch (f.mode) {
	case M_CAPTURE: mode_capture(&f); break;
	case M_FOREIGN: case M_TAMPERED: mode_desc(&f); break;
	case M_REPLAY: mode_replay(&f); break;
	case M_BAD_ELEM: case M_BEYOND: mode_update(&f); break;
	case M_NODE: mode_node(&f); break;
	case M_DESC_FLOOD: mode_desc_flood(&f); break;
	case M_BADSIG_FLOOD: mode_badsig_flood(&f); break;
	}
	say("done: %u packets sent, %u received, %u neighbours", f.sent, f.received, f.nnbr);
	l3_chain_free(&f.chain);
	close(f.fd);
	return 0;
}
