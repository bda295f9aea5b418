/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz the RA core's receive path with a stream of received messages.
 * The input is records of
 *   hop limit u8 | ctl u8 (bit 0: source ::, bits 7..1: time step, 100 ms) |
 *   length u8 | message[length]   (the last record takes what is left)
 * Between records every due RA is sent. Checks, abort() on failure: each
 * message is counted as its RS validation says; every RA goes to ff02::1,
 * at least MIN_DELAY_BETWEEN_RAS after the one before; a valid RS is
 * answered within MAX_RA_DELAY_TIME or at that rate limit; a deadline is
 * never in the past; the final RA has router lifetime 0.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "anycast/core/ra.h"
#include "anycast/core/ra_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) abort(); } while (0)

struct fz {
	uint64_t now, last_ms, rng;
	unsigned n_sent;
	bool final;
};

static void fz_send(void *user, const uint8_t *msg, size_t len, const struct in6_addr *dst)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	struct fz *f = user;

	ENSURE(!memcmp(dst, all_nodes, 16));
	ENSURE(len >= AC_RA_HDR_LEN && len <= AC_RA_MSG_MAX && msg[0] == AC_ICMP6_RA);
	if (f->final)
		ENSURE(msg[6] == 0 && msg[7] == 0);
	else if (f->n_sent)
		ENSURE(f->now >= f->last_ms + AC_RA_MIN_DELAY_BETWEEN_MS);
	f->last_ms = f->now;
	f->n_sent++;
}

static uint32_t fz_rand(void *user)
{
	struct fz *f = user;

	f->rng = f->rng * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(f->rng >> 33);
}

/* The shortest intervals allowed, so the schedule turns over often. */
static struct ac_ra_config fz_config(void)
{
	struct ac_ra_config c = { .plen = 64, .mtu = 1350, .max_interval_ms = 4000,
				  .src_mac = { 2, 0xca, 0xfe, 0, 0, 1 } };

	c.prefix.s6_addr[0] = 0xfd;
	c.rdnss.s6_addr[0] = 0xfd;
	c.rdnss.s6_addr[15] = 1;
	strcpy(c.dnssl, "thisnode.info");
	return c;
}

static void fz_tick(struct ac_ra *r, struct fz *f)
{
	ENSURE(ac_ra_tick(r, f->now) > f->now);
}

static void fz_one(struct ac_ra *r, struct fz *f, const uint8_t *msg, size_t len,
		   uint8_t hop, bool unspec)
{
	static const struct in6_addr ll = { .s6_addr = { 0xfe, 0x80, [15] = 7 } };
	const struct in6_addr *src = unspec ? &(struct in6_addr){ 0 } : &ll;
	struct ac_ra_stats before = *ac_ra_stats(r);
	const char *why = NULL;
	int rc = ac_ra_rs_check(msg, len, src, hop, &why);
	uint64_t d, bound;

	ENSURE(rc == 0 || rc == -ENOMSG || (rc == -EBADMSG && why));
	ac_ra_rx(r, f->now, msg, len, src, hop);
	ENSURE(ac_ra_stats(r)->rs_rx == before.rs_rx + (rc == 0));
	ENSURE(ac_ra_stats(r)->rs_bad == before.rs_bad + (rc == -EBADMSG));
	if (rc < 0)
		return;
	bound = f->now + AC_RA_MAX_DELAY_MS;
	if (f->n_sent && f->last_ms + AC_RA_MIN_DELAY_BETWEEN_MS > bound)
		bound = f->last_ms + AC_RA_MIN_DELAY_BETWEEN_MS;
	d = ac_ra_tick(r, f->now);
	ENSURE(d > f->now && (f->last_ms == f->now || d <= bound));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { .now = 1000, .rng = size };
	struct ac_ra_config c = fz_config();
	struct ac_ra_env env = { .user = &f, .send = fz_send, .rand = fz_rand };
	struct ac_ra *r;
	size_t off = 0;

	ENSURE(ac_ra_new(&r, &c, &env, f.now) == 0);
	fz_tick(r, &f);
	while (size - off >= 3) {
		uint8_t hop = data[off], ctl = data[off + 1];
		size_t len = data[off + 2];

		off += 3;
		if (len > size - off)
			len = size - off;
		for (uint64_t end = f.now + (ctl >> 1) * 100u; f.now < end; f.now += 50)
			fz_tick(r, &f);
		fz_one(r, &f, data + off, len, hop, ctl & 1);
		off += len;
	}
	f.final = true;
	ac_ra_stop(r, f.now);
	ENSURE(ac_ra_stats(r)->ra_tx == f.n_sent && f.n_sent >= 2);	/* first and final */
	ac_ra_free(r);
	return 0;
}
