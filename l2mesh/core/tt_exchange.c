/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TT TVLV (tt_int.h has the map of the TT files): ours in every OGM
 * (the TTVN, the VLAN CRCs, the diff after a change), the other
 * originators' in theirs (apply the next diff, or ask for what is
 * missing), TT_REQUEST and TT_RESPONSE, and a relay answering a request
 * in the requested originator's place (batman-adv's
 * send_other_tt_response). Calls tt_local.c, tt_global.c, tt_roam.c and
 * the data plane's send.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "l2mesh/core/tt_int.h"

/*
 * Starts a TT TVLV in w: its header, d, then the VLAN entries, a copy of
 * those a peer sent (vlans) or ours (vlans NULL). Returns what
 * l2_tvlv_begin() returns; mark is for l2_tvlv_end().
 */
static int head_put(struct mc_wr *w, const struct l2_tt_data *d, const struct mc_rd *vlans,
		    const struct l2_tt *t, size_t *mark)
{
	struct l2_tt_vlan v;
	struct mc_rd r;

	if (l2_tvlv_begin(w, L2_TVLV_TT, L2_TVLV_TT_VERSION, mark) < 0)
		return -EMSGSIZE;
	l2_tt_data_encode(w, d);
	if (!vlans) {
		tt_vlans_put(w, t);
		return 0;
	}
	r = *vlans;
	while (l2_tt_vlan_next(&r, &v) == 1)
		l2_tt_vlan_encode(w, &v);
	return 0;
}

/* ---- own OGMs -------------------------------------------------------------- */

static int own_tvlv_write(struct l2_tt *t, struct mc_wr *w, uint8_t flags, uint8_t ttvn,
			  const struct l2_tt_change *c, size_t nc)
{
	struct l2_tt_data d = { flags, ttvn, (uint16_t)t->nown };
	size_t mark;

	if (head_put(w, &d, NULL, t, &mark) < 0)
		return -EMSGSIZE;
	for (size_t i = 0; i < nc; i++)
		l2_tt_change_encode(w, &c[i]);
	return l2_tvlv_end(w, mark);
}

int l2_tt_ogm_append(struct l2_node *n, struct mc_wr *w)
{
	struct l2_tt *t = n->tt;
	struct mc_wr save = *w;
	bool diff;

	tt_host_ensure(n);
	if (t->nchanges)
		tt_commit(n);
	diff = t->append_left && t->ndiff;
	if (t->append_left)
		t->append_left--;
	if (diff && own_tvlv_write(t, w, L2_TT_OGM_DIFF, t->ttvn, t->diff, t->ndiff) == 0)
		return 0;
	/* no room for the diff in this frame: the version alone */
	*w = save;
	if (own_tvlv_write(t, w, L2_TT_OGM_DIFF, t->ttvn, NULL, 0) == 0)
		return 0;
	*w = save;
	return -EMSGSIZE;
}

/* ---- requests and responses --------------------------------------------------------- */

/*
 * Asks o for its table (or, full false, for its last diff). One pending
 * request per originator; it blocks others for L2_TT_REQUEST_TIMEOUT_MS
 * unless a response clears it. The VLAN CRCs o announced go along so a
 * relay holding that exact table may answer.
 */
static void tt_request(struct l2_node *n, struct tt_orig *o,
		       const struct l2_tvlv_tt *tt, bool full)
{
	uint8_t buf[L2_TVLV_HLEN + L2_TT_DATA_LEN + L2_TT_VLANS_MAX * L2_TT_VLAN_LEN];
	struct l2_tt_data d = { (uint8_t)(L2_TT_REQUEST | (full ? L2_TT_FULL_TABLE : 0)),
				tt->data.ttvn, tt->data.num_vlan };
	struct mc_wr w;
	size_t mark;
	char m[18];

	if (o->req_pending && n->now_ms - o->req_at_ms < L2_TT_REQUEST_TIMEOUT_MS)
		return;
	mc_wr_init(&w, buf, sizeof(buf));
	head_put(&w, &d, &tt->vlans, NULL, &mark);
	if (l2_tvlv_end(&w, mark) < 0)
		return;
	o->req_pending = true;
	o->req_at_ms = n->now_ms;
	l2_log(n, MC_LOG_DEBUG, MC_DBG_TT, "tt: TT_REQUEST to %s ttvn %u [%c]",
	       tt_mac_str(o->h.mac, m), d.ttvn, full ? 'F' : '.');
	l2_count(n, L2_STAT_TT_REQUEST_TX, 1);
	l2_send_unicast_tvlv(n, o->h.mac, buf, mc_wr_len(&w));
}

/* Our table as a response: the last diff, or every committed client. */
static void own_response_send(struct l2_node *n, const uint8_t *dst, bool full,
			      uint8_t req_ttvn)
{
	struct l2_tt *t = n->tt;
	size_t cap = L2_TVLV_HLEN + L2_TT_DATA_LEN + t->nown * L2_TT_VLAN_LEN +
		     (full ? t->local.count : t->ndiff) * L2_TT_CHANGE_LEN;
	struct l2_tt_data d = { (uint8_t)(L2_TT_RESPONSE | (full ? L2_TT_FULL_TABLE : 0)),
				full ? t->ttvn : req_ttvn, (uint16_t)t->nown };
	struct mc_wr w;
	uint8_t *buf;
	size_t mark;

	buf = malloc(cap);
	if (!buf)
		return;
	mc_wr_init(&w, buf, cap);
	head_put(&w, &d, NULL, t, &mark);
	if (full)
		tt_local_entries_put(&w, t);
	for (size_t i = 0; !full && i < t->ndiff; i++)
		l2_tt_change_encode(&w, &t->diff[i]);
	if (l2_tvlv_end(&w, mark) == 0 &&
	    L2_UNICAST_TVLV_HLEN + mc_wr_len(&w) <= tt_packet_size_max(n)) {
		l2_count(n, L2_STAT_TT_RESPONSE_TX, 1);
		l2_send_unicast_tvlv(n, dst, buf, mc_wr_len(&w));
	} else {
		tt_warn(n, "TT_RESPONSE too big for", dst);
	}
	free(buf);
}

/* A request addressed to us (batman-adv's send_my_tt_response). */
static void tt_request_rx(struct l2_node *n, const uint8_t *src, const struct l2_tvlv_tt *tt)
{
	struct l2_tt *t = n->tt;
	bool full = (tt->data.flags & L2_TT_FULL_TABLE) || tt->data.ttvn != t->ttvn ||
		    !t->ndiff;

	if (l2_node_is_me(n, src) || !l2_orig_known(n, src))
		return;
	own_response_send(n, src, full, tt->data.ttvn);
}

/* o's table as we hold it: its last diff, or every client it announced. */
static size_t other_response_build(const struct tt_orig *o, const struct l2_tvlv_tt *tt,
				   bool full, uint8_t *buf, size_t cap)
{
	struct l2_tt_data d = { (uint8_t)(L2_TT_RESPONSE | (full ? L2_TT_FULL_TABLE : 0)),
				tt->data.ttvn, tt->data.num_vlan };
	struct mc_wr w;
	size_t mark;

	mc_wr_init(&w, buf, cap);
	/* tt_orig_crc_ok() proved the requested VLANs equal ours */
	head_put(&w, &d, &tt->vlans, NULL, &mark);
	if (!full)
		mc_wr_bytes(&w, o->buff, o->buff_len);
	for (const struct tt_oe *oe = o->entries; full && oe; oe = oe->o_next) {
		const struct tt_global *g = oe->g;
		struct l2_tt_change c = { (uint8_t)(g->flags & L2_TT_REMOTE_MASK),
					  { 0 }, g->h.vid };

		if (g->flags & (F_ROAM | F_TEMP))
			continue;
		memcpy(c.addr, g->h.mac, 6);
		l2_tt_change_encode(&w, &c);
	}
	return l2_tvlv_end(&w, mark) == 0 ? mc_wr_len(&w) : 0;
}

static size_t orig_entry_count(const struct tt_orig *o)
{
	size_t k = 0;

	for (const struct tt_oe *oe = o->entries; oe; oe = oe->o_next)
		k++;
	return k;
}

/*
 * A request from req_src for req_dst's table, passing through us
 * (send_other_tt_response): answered on req_dst's behalf only when our
 * copy is at the requested TTVN and matches the requested CRCs.
 */
static bool other_response_send(struct l2_node *n, const uint8_t *req_src,
				const uint8_t *req_dst, const struct l2_tvlv_tt *tt)
{
	struct tt_orig *o = tt_orig_find(n->tt, req_dst);
	bool full, ok = false;
	size_t cap, len;
	uint8_t *buf;

	if (!o || !o->has_tt || l2_node_is_me(n, req_src) || !l2_orig_known(n, req_src) ||
	    tt->data.ttvn != o->last_ttvn || !tt_orig_crc_ok(o, &tt->vlans))
		return false;
	full = (tt->data.flags & L2_TT_FULL_TABLE) || !o->buff;
	cap = L2_TVLV_HLEN + L2_TT_DATA_LEN + tt->data.num_vlan * L2_TT_VLAN_LEN +
	      (full ? orig_entry_count(o) * L2_TT_CHANGE_LEN : o->buff_len);
	buf = malloc(cap);
	if (!buf)
		return false;
	len = other_response_build(o, tt, full, buf, cap);
	if (len && L2_UNICAST_TVLV_HLEN + len <= tt_packet_size_max(n) &&
	    l2_send_unicast_tvlv_from(n, req_dst, req_src, buf, len) == 0) {
		l2_count(n, L2_STAT_TT_RESPONSE_TX, 1);
		ok = true;
	}
	free(buf);
	return ok;
}

/* A response for src's table: a diff to apply, or a table to replace ours. */
static void tt_response_rx(struct l2_node *n, const uint8_t *src,
			   const struct l2_tvlv_tt *tt)
{
	struct tt_orig *o = tt_orig_find(n->tt, src);
	char m[18];

	if (!o) {
		l2_count(n, L2_STAT_DROP_TT, 1);
		return;
	}
	if (tt->data.flags & L2_TT_FULL_TABLE) {
		tt_orig_del_entries(n, o);
		free(o->buff);
		o->buff = NULL;
		o->buff_len = 0;
		tt_changes_apply(n, o, &tt->changes, tt->data.ttvn);
	} else {
		tt_changes_apply(n, o, &tt->changes, tt->data.ttvn);
		tt_orig_buff_save(o, &tt->changes);
	}
	tt_orig_crc_update(o);
	o->last_ttvn = tt->data.ttvn;
	o->has_tt = true;
	o->req_pending = false;
	l2_log(n, MC_LOG_DEBUG, MC_DBG_TT, "tt: TT_RESPONSE from %s ttvn %u, %u entries [%c]",
	       tt_mac_str(src, m), tt->data.ttvn, tt->num_changes,
	       (tt->data.flags & L2_TT_FULL_TABLE) ? 'F' : '.');
}

/* ---- receive -------------------------------------------------------------------- */

/* Decodes a TT TVLV from the network; malformed ones are counted. */
static bool tt_decode(struct l2_node *n, const struct l2_tvlv *tv, struct l2_tvlv_tt *tt)
{
	if (l2_tvlv_tt_decode(tv, tt) < 0 || tt->data.num_vlan > L2_TT_VLANS_MAX) {
		l2_count(n, L2_STAT_DROP_TT, 1);
		return false;
	}
	return true;
}

/*
 * batman-adv's tt_update_orig. The next TTVN with its diff: apply it and
 * check the CRCs. Anything else that does not leave us at o's TTVN with
 * matching CRCs (a skipped version, a missing diff, a mismatch, no table
 * yet) asks o for its table. The wrap from 255 to 0 is the next version
 * (the kernel requests a full table there instead).
 */
static void orig_update(struct l2_node *n, struct tt_orig *o, const struct l2_tvlv_tt *tt)
{
	uint8_t ttvn = tt->data.ttvn;
	bool next = o->has_tt ? (uint8_t)(ttvn - o->last_ttvn) == 1 : ttvn == 1;

	if (next) {
		if (!tt->num_changes) {
			tt_request(n, o, tt, false);
			return;
		}
		tt_changes_apply(n, o, &tt->changes, ttvn);
		tt_orig_buff_save(o, &tt->changes);
		tt_orig_crc_update(o);
		o->last_ttvn = ttvn;
		o->has_tt = true;
		if (!tt_orig_crc_ok(o, &tt->vlans))
			tt_request(n, o, tt, true);
		return;
	}
	if (!o->has_tt || ttvn != o->last_ttvn || !tt_orig_crc_ok(o, &tt->vlans))
		tt_request(n, o, tt, true);
}

void l2_tt_ogm_rx(struct l2_node *n, const uint8_t orig[6], const struct l2_tvlv *tv)
{
	struct l2_tvlv_tt tt;
	struct tt_orig *o;

	if (!tv || l2_node_is_me(n, orig) || !tt_decode(n, tv, &tt))
		return;
	o = tt_orig_get(n, orig);
	if (o)
		orig_update(n, o, &tt);
}

void tt_exchange_rx(struct l2_node *n, const uint8_t *src, const struct l2_tvlv *tv)
{
	struct l2_tvlv_tt tt;

	if (!tt_decode(n, tv, &tt))
		return;
	switch (tt.data.flags & L2_TT_TYPE_MASK) {
	case L2_TT_REQUEST:
		l2_count(n, L2_STAT_TT_REQUEST_RX, 1);
		tt_request_rx(n, src, &tt);
		break;
	case L2_TT_RESPONSE:
		l2_count(n, L2_STAT_TT_RESPONSE_RX, 1);
		if (l2_node_is_me(n, src))
			l2_count(n, L2_STAT_DROP_TT, 1);
		else
			tt_response_rx(n, src, &tt);
		break;
	default:
		l2_count(n, L2_STAT_DROP_TT, 1);
	}
}

bool l2_tt_unicast_tvlv_transit(struct l2_node *n, const uint8_t src[6],
				const uint8_t dst[6], const struct l2_tvlv *tv)
{
	struct l2_tvlv_tt tt;

	/* not ours to judge: the destination counts what is malformed */
	if (tv->type != L2_TVLV_TT || l2_tvlv_tt_decode(tv, &tt) < 0 ||
	    tt.data.num_vlan > L2_TT_VLANS_MAX || l2_node_is_me(n, dst) ||
	    (tt.data.flags & L2_TT_TYPE_MASK) != L2_TT_REQUEST)
		return false;
	l2_count(n, L2_STAT_TT_REQUEST_RX, 1);
	return other_response_send(n, src, dst, &tt);
}
