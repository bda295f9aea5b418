/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2_BAT_IV_H
#define L2_BAT_IV_H

/*
 * B.A.T.M.A.N. IV (batman-adv's bat_iv_ogm.c and bitarray.c): own OGMs,
 * their aggregation, the sliding windows, TQ, and the receive and
 * rebroadcast rules. The node.h contract (l2_iv_*) is the interface; what
 * is declared here are the pure pieces, exported for the unit tests.
 */

#include <stdbool.h>
#include <stdint.h>

#define L2_TTL 50			/* own OGMs (secondary ones: 2) */
#define L2_JITTER_MS 20			/* own OGM: interval +- this */
#define L2_FWD_DELAY_MS 10		/* forwarded OGM: 0..this-1 */
#define L2_MAX_AGGREGATION_BYTES 512	/* OGM bytes per frame */
#define L2_MAX_AGGREGATION_MS 100	/* how long an OGM waits for company */
#define L2_MAX_AGGREGATION_PACKETS 32
#define L2_BATMAN_QUEUE_LEN 256		/* pending forwarded frames */
#define L2_TQ_TOTAL_BIDRECT_LIMIT 1	/* below this a link is one-way */

/*
 * batadv_bit_get_packet: moves a 64-seqno window seq_diff = new - last
 * seqnos ahead (or marks an older seqno) and sets bit 0 (or the older
 * one's bit) when set_mark. Returns true when the window moved, i.e. the
 * caller's last seqno becomes the new one.
 */
bool l2_iv_window_update(uint64_t *bits, int32_t seq_diff, bool set_mark);
/* Whether seqno is marked in a window whose bit 0 is last_seqno. */
bool l2_iv_window_test(uint64_t bits, uint32_t last_seqno, uint32_t seqno);
/* Sets bit n (0 = newest); out-of-window n are ignored. */
void l2_iv_window_set(uint64_t *bits, int32_t n);

/* tq * penalty-reduced: tq * (255 - penalty) / 255. */
uint8_t l2_iv_hop_penalty(uint8_t tq, uint8_t penalty);
/*
 * The path TQ of an OGM received with tq over a link where the neighbour
 * echoed `echo` of our last 64 OGMs and we heard `recv` of its last 64:
 * tq * tq_own * tq_asym * iface / 255^3, with tq_own = 255*min(echo,recv)/recv
 * (0 when either is 0) and tq_asym = 255 - 255*(64-recv)^3/64^3. iface is
 * 255, or 255 - hop_penalty when the OGM goes back out the WiFi port it
 * came in on.
 */
uint8_t l2_iv_tq_calc(uint8_t tq, uint8_t echo, uint8_t recv, uint8_t iface);
/* The same with the asymmetry judged over `window` seqnos (fast start). */
uint8_t l2_iv_tq_calc_win(uint8_t tq, uint8_t echo, uint8_t recv, unsigned window,
			  uint8_t iface);
/* Newer OGMs in a row that came only another way before a last hop's TQ
 * average counts as 0 (the kernel waits for all 5 of its ring). */
#define L2_TQ_STALE_OGMS 3u
/* Fewest seqnos the fast-start window counts: 4 clean OGMs give full TQ. */
#define L2_TQ_FAST_START_MIN 4u
/* The fast-start window of a neighbour's receive bitmap: seqnos since the
 * oldest one heard, at least L2_TQ_FAST_START_MIN, at most 64. */
unsigned l2_iv_span(uint64_t real_bits);
/* Mean of the non-zero values of a TQ ring (0 if all are 0). */
uint8_t l2_iv_ring_avg(const uint8_t *ring, unsigned len);

#endif
