/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data plane's life cycle: its shared state (data.h), each part's
 * init (the receive handlers register their packet types there), the
 * purge timer. It sits above the other data-plane files; none calls it.
 */
#include <errno.h>
#include <stdlib.h>

#include "l2mesh/core/data.h"

int l2_data_init(struct l2_node *n)
{
	struct l2_data *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	n->data = d;
	d->next_purge_ms = n->now_ms + L2_DATA_PURGE_MS;
	d->frag_seqno = n->env.rand ? (uint16_t)n->env.rand(n->env.user) : 0;
	/* kept, or random like the OGM seqno: a restart then is one jump the
	 * peers take at once, not a run of old seqnos seen as duplicates */
	if (n->cfg.bcast_seqno_kept)
		d->bcast_seqno = n->cfg.bcast_seqno_start;
	else if (n->env.rand)
		d->bcast_seqno = n->env.rand(n->env.user);
	if (l2_frags_init(n) < 0 || l2_dorigs_init(n) < 0 || l2_fdb_init(n) < 0 ||
	    l2_bcast_init(n) < 0 || l2_icmp_init(n) < 0 || l2_routing_init(n) < 0) {
		l2_data_free(n);
		return -ENOMEM;
	}
	return 0;
}

void l2_data_free(struct l2_node *n)
{
	if (!n->data)
		return;
	l2_bcast_free(n);
	l2_fdb_free(n);
	l2_dorigs_free(n, l2_frag_release);	/* before the chain pool goes */
	l2_frags_free(n);
	free(n->data);
	n->data = NULL;
}

uint64_t l2_data_tick(struct l2_node *n, uint64_t now_ms)
{
	struct l2_data *d = n->data;
	uint64_t next = l2_bcast_tick(n, now_ms);

	if (now_ms >= d->next_purge_ms) {
		l2_frags_purge(n, now_ms);
		l2_fdb_purge(n, now_ms);
		l2_dorigs_purge(n, now_ms, l2_frag_release);
		d->next_purge_ms = now_ms + L2_DATA_PURGE_MS;
	}
	if (next > d->next_purge_ms + L2_HOUSEKEEPING_SLACK_MS)
		next = d->next_purge_ms + L2_HOUSEKEEPING_SLACK_MS;
	return next;
}
