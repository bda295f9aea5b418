/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every module of the engine uses: the node's log line, timer
 * jitter and the names of its counters. Nothing here calls another
 * module, so any module may call it.
 */
#include <stdarg.h>

#include "common/log.h"
#include "l3route/core/node.h"

const char *const l3_stat_names[L3_ST_MAX] = {
	[L3_ST_RX_PKT] = "rx_packets",
	[L3_ST_RX_BYTES] = "rx_bytes",
	[L3_ST_TX_PKT] = "tx_packets",
	[L3_ST_TX_BYTES] = "tx_bytes",
	[L3_ST_RX_MALFORMED] = "rx_malformed",
	[L3_ST_RX_UNKNOWN_TLV] = "rx_unknown_tlv",
	[L3_ST_RX_NOT_LINKLOCAL] = "rx_not_linklocal",
	[L3_ST_RX_OWN] = "rx_own_id",
	[L3_ST_RX_NO_LINK] = "rx_no_link",
	[L3_ST_DESC_ACCEPTED] = "desc_accepted",
	[L3_ST_DESC_MALFORMED] = "desc_malformed",
	[L3_ST_DESC_BAD_SIG] = "desc_bad_signature",
	[L3_ST_DESC_STALE] = "desc_stale",
	[L3_ST_DESC_CONFLICT] = "desc_conflict",
	[L3_ST_DESC_UNTRUSTED] = "desc_untrusted",
	[L3_ST_DESC_REQ_TX] = "desc_req_tx",
	[L3_ST_DESC_REQ_RX] = "desc_req_rx",
	[L3_ST_UPD_RX] = "update_rx",
	[L3_ST_UPD_BAD_CHAIN] = "update_bad_chain",
	[L3_ST_UPD_BEYOND_CHAIN] = "update_beyond_chain",
	[L3_ST_UPD_UNTRUSTED] = "update_untrusted",
	[L3_ST_UPD_NO_DESC] = "update_no_desc",
	[L3_ST_UPD_UNFEASIBLE] = "update_unfeasible",
	[L3_ST_SEQREQ_TX] = "seqno_req_tx",
	[L3_ST_SEQREQ_RX] = "seqno_req_rx",
	[L3_ST_ROUTE_CHANGE] = "route_changes",
	[L3_ST_DESC_NO_LINK] = "desc_no_link",
	[L3_ST_DESC_RATE_LIMITED] = "desc_rate_limited",
	[L3_ST_DESC_BAD_SIG_KNOWN] = "desc_bad_signature_known",
	[L3_ST_ORIG_REFUSED] = "orig_refused",
	[L3_ST_ORIG_EVICTED] = "orig_evicted",
	[L3_ST_PFX_CONFLICT] = "prefix_conflict",
};

void l3_logf(struct l3_node *n, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mc_log_to(n->env.log, n->env.user, level, MC_DBG_L3, fmt, ap);
	va_end(ap);
}

/* ms +- pct %, so that neighbours started together drift apart. */
uint32_t l3_jitter(struct l3_node *n, uint32_t ms, unsigned pct)
{
	uint32_t r, span = ms * pct / 100;

	if (!span)
		return ms;
	n->env.random(n->env.user, &r, sizeof(r));
	return ms - span + r % (2 * span + 1);
}
