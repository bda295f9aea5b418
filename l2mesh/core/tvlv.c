/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TVLV handlers (batman-adv's tvlv.c: batadv_tvlv_handler_register and
 * batadv_tvlv_container_register). A feature (TT, GW, roaming) registers
 * at init what it does with its TVLV type: read it from OGMs, append its
 * own to our OGMs, take it from UNICAST_TVLV packets. The OGM path and the
 * data plane walk TVLV containers through here and never name a feature.
 * A (type, version) nobody registered is skipped, as the kernel does.
 */
#include <errno.h>

#include "common/log.h"
#include "l2mesh/core/node.h"

int l2_tvlv_register(struct l2_node *n, const struct l2_tvlv_handler *h)
{
	for (unsigned i = 0; i < n->ntvlv; i++)
		if (n->tvlv[i].type == h->type && n->tvlv[i].version == h->version)
			return -EEXIST;
	if (n->ntvlv == L2_TVLV_HANDLERS_MAX)
		return -ENOSPC;
	if (h->ogm_rx && h->ogm_absent)
		n->tvlv_absent |= 1u << n->ntvlv;
	n->tvlv[n->ntvlv++] = *h;
	return 0;
}

static const struct l2_tvlv_handler *handler_find(const struct l2_node *n,
						  const struct l2_tvlv *tv)
{
	for (unsigned i = 0; i < n->ntvlv; i++)
		if (n->tvlv[i].type == tv->type && n->tvlv[i].version == tv->version)
			return &n->tvlv[i];
	return NULL;
}

void l2_tvlv_ogm_rx(struct l2_node *n, struct l2_orig *o, const struct mc_rd *tvlvs)
{
	const struct l2_tvlv_handler *h;
	struct mc_rd r = *tvlvs;
	struct l2_tvlv tv;
	unsigned absent = n->tvlv_absent;	/* bit i: handler i wants NULL */
	int rc;

	while ((rc = l2_tvlv_next(&r, &tv)) == 1) {
		h = handler_find(n, &tv);
		if (!h || !h->ogm_rx)
			continue;
		absent &= ~(1u << (h - n->tvlv));
		h->ogm_rx(n, o, &tv);
	}
	if (rc < 0)	/* the TVLVs before the bad one stand */
		l2_count(n, L2_STAT_DROP_TVLV, 1);
	for (unsigned i = 0; absent; i++, absent >>= 1)
		if (absent & 1)
			n->tvlv[i].ogm_rx(n, o, NULL);
}

/*
 * In registration order. A TVLV that fails or does not fit is left out
 * (the OGM itself must go) and the next one gets the room.
 */
void l2_tvlv_ogm_append(struct l2_node *n, struct mc_wr *w)
{
	const struct l2_tvlv_handler *h;
	size_t mark;

	for (unsigned i = 0; i < n->ntvlv; i++) {
		h = &n->tvlv[i];
		if (!h->ogm_append)
			continue;
		mark = mc_wr_len(w);
		if (h->ogm_append(n, w) == 0 && mc_wr_ok(w) && !((mc_wr_len(w) - mark) & 1))
			continue;
		l2_log(n, MC_LOG_WARN, MC_DBG_BATMAN, "own OGM: %s TVLV left out", h->name);
		w->off = mark;
		w->err = false;
	}
}

bool l2_tvlv_unicast_rx(struct l2_node *n, const uint8_t src[6], const uint8_t dst[6],
			const struct mc_rd *tvlvs)
{
	bool to_me = l2_node_is_me(n, dst), taken = false;
	const struct l2_tvlv_handler *h;
	struct mc_rd r = *tvlvs;
	struct l2_tvlv tv;
	int rc = 0;

	while (!taken && (rc = l2_tvlv_next(&r, &tv)) == 1) {
		h = handler_find(n, &tv);
		if (h && h->unicast_rx)
			taken = h->unicast_rx(n, src, dst, &tv) && !to_me;
	}
	if (to_me && rc < 0)
		l2_count(n, L2_STAT_DROP_TVLV, 1);
	return to_me || taken;
}
