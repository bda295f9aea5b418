/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Grow-only buffer pools (data.h): the broadcast re-send queue and the
 * reassembly chains allocate their buffers as they first grow and reuse
 * them afterwards, so the data plane allocates nothing per packet once a
 * node has seen its busiest moment.
 */
#include <errno.h>
#include <stdlib.h>

#include "l2mesh/core/data.h"

int l2_pool_init(struct l2_pool *p, unsigned max, size_t size)
{
	p->e = calloc(max, sizeof(*p->e));
	if (!p->e)
		return -ENOMEM;
	p->n = 0;
	p->max = max;
	p->size = size;
	return 0;
}

void *l2_pool_grow(struct l2_pool *p)
{
	if (p->n == p->max || !(p->e[p->n] = calloc(1, p->size)))
		return NULL;
	return p->e[p->n++];
}

void l2_pool_free(struct l2_pool *p)
{
	for (unsigned i = 0; i < p->n; i++)
		free(p->e[i]);
	free(p->e);
	p->e = NULL;
	p->n = 0;
}
