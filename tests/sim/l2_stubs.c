/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Minimal stand-ins for the core modules the simulator does not exercise
 * yet, so it links while tt.c and the data plane are being written:
 *   SIM_STUB_TT    translation table: no TVLV, no client known
 *   SIM_STUB_DATA  data plane: every call a no-op
 * tests/sim/meson.build sets each define while its module is missing from
 * l2core; the objects given here come before the library on the link
 * line, so whatever is stubbed is not taken from l2core.
 */
#include <errno.h>
#include <stdio.h>

#include "l2mesh/core/node.h"
#include "l2mesh/core/tt.h"
#include "tests/sim/sim.h"

#if SIM_STUB_TT
int l2_tt_init(struct l2_node *n)
{
	return 0;
}

void l2_tt_free(struct l2_node *n)
{
}

uint64_t l2_tt_tick(struct l2_node *n, uint64_t now_ms)
{
	return UINT64_MAX;
}

void l2_tt_local_seen(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
		      unsigned lport)
{
}

bool l2_tt_local_has(struct l2_node *n, const uint8_t mac[6], uint16_t vid)
{
	return false;
}

int l2_tt_global_lookup(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
			uint8_t orig_r[6], uint8_t *ttvn_r)
{
	return -ENOENT;
}

void l2_tt_temp_seen(struct l2_node *n, const uint8_t mac[6], uint16_t vid,
		     const uint8_t orig[6])
{
}

int l2_tt_ogm_append(struct l2_node *n, struct mc_wr *w)
{
	return 0;
}

void l2_tt_ogm_rx(struct l2_node *n, const uint8_t orig[6], const struct l2_tvlv *tv)
{
}

void l2_tt_unicast_tvlv_rx(struct l2_node *n, const uint8_t src[6],
			   const struct l2_tvlv *tv)
{
}

void l2_tt_orig_gone(struct l2_node *n, const uint8_t orig[6])
{
}

/* tt.h, called by the data plane: a relay answering TT requests */
bool l2_tt_unicast_tvlv_transit(struct l2_node *n, const uint8_t src[6],
				const uint8_t dst[6], const struct l2_tvlv *tv)
{
	return false;
}

bool l2_tt_check_unicast(struct l2_node *n, uint8_t *hdr, const uint8_t client[6],
			 uint16_t vid)
{
	return false;
}
#endif

#if SIM_STUB_DATA
int l2_data_init(struct l2_node *n)
{
	return 0;
}

void l2_data_free(struct l2_node *n)
{
}

uint64_t l2_data_tick(struct l2_node *n, uint64_t now_ms)
{
	return UINT64_MAX;
}

void l2_data_rx(struct l2_node *n, unsigned port, const struct l2_eth *eth,
		const struct l2_hdr *h, struct mc_rd *r)
{
}

void l2_data_rx_local(struct l2_node *n, unsigned lport, const uint8_t *frame,
		      size_t len)
{
}

int l2_send_unicast_tvlv(struct l2_node *n, const uint8_t dst[6],
			 const uint8_t *tvlvs, size_t len)
{
	return -ENOSYS;
}

int l2_send_unicast_tvlv_from(struct l2_node *n, const uint8_t src[6],
			      const uint8_t dst[6], const uint8_t *tvlvs, size_t len)
{
	return -ENOSYS;
}

int l2_icmp_ping(struct l2_node *n, const uint8_t dst[6], uint8_t uid,
		 uint16_t seqno, uint8_t ttl)
{
	return -ENOSYS;
}
#endif

/* The simulator prints this, so nobody mistakes a stubbed run for a full one. */
const char *sim_stubs_note(void)
{
	if (SIM_STUB_TT && SIM_STUB_DATA)
		return "stubs: translation table and data plane";
	if (SIM_STUB_TT)
		return "stubs: translation table";
	if (SIM_STUB_DATA)
		return "stubs: data plane";
	return "stubs: none";
}
