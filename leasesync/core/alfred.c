/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A.L.F.R.E.D. v0 messages: decoding and encoding (alfred.h). */
#include <errno.h>
#include <string.h>

#include "leasesync/core/alfred.h"

/* Fields each type has after its TLV header (the least its length says). */
static int fixed_len(uint8_t type)
{
	switch (type) {
	case LS_PUSH_DATA:		return 4;	/* tx */
	case LS_ANNOUNCE_PRIMARY:	return 0;
	case LS_REQUEST:		return 3;	/* type, tx id */
	case LS_STATUS_TXEND:
	case LS_STATUS_ERROR:		return 4;	/* tx */
	case LS_MODESWITCH:		return 1;
	case LS_CHANGE_INTERFACE:	return LS_IFACES_LEN;
	case LS_CHANGE_BAT_IFACE:	return LS_IFNAMSIZ;
	case LS_SERVER_STATUS:		return 0;
	case LS_EVENT_REGISTER:		return 0;
	case LS_EVENT_NOTIFY:		return 7;	/* type, source */
	default:			return -1;
	}
}

size_t ls_msg_need(const uint8_t *p, size_t len)
{
	return len < LS_TLV_LEN ? 0 : LS_TLV_LEN + (size_t)mc_get_u16(p + 2);
}

int ls_msg_decode(const uint8_t *p, size_t len, struct ls_msg *m)
{
	size_t tlv;
	int fixed;

	memset(m, 0, sizeof(*m));
	if (len < LS_TLV_LEN)
		return -EMSGSIZE;
	tlv = mc_get_u16(p + 2);
	if (len < LS_TLV_LEN + tlv)
		return -EMSGSIZE;
	if (p[1] != LS_ALFRED_VERSION)
		return -EPROTO;
	m->type = p[0];
	m->len = LS_TLV_LEN + tlv;
	if ((fixed = fixed_len(m->type)) < 0)
		return -ENOTSUP;
	if (tlv < (size_t)fixed)
		return -EINVAL;
	p += LS_TLV_LEN;
	switch (m->type) {
	case LS_PUSH_DATA:
	case LS_STATUS_TXEND:
	case LS_STATUS_ERROR:
		m->tx_id = mc_get_u16(p);
		m->tx_seqno = mc_get_u16(p + 2);
		m->body = p + 4;
		m->body_len = tlv - 4;
		break;
	case LS_REQUEST:
		m->req_type = p[0];
		m->tx_id = mc_get_u16(p + 1);
		break;
	case LS_MODESWITCH:
		m->mode = p[0];
		break;
	case LS_CHANGE_INTERFACE:
	case LS_CHANGE_BAT_IFACE:
		m->body = p;
		m->body_len = (size_t)fixed;
		break;
	case LS_EVENT_NOTIFY:
		m->req_type = p[0];
		m->body = p + 1;
		m->body_len = 6;
		break;
	default:
		break;
	}
	return 0;
}

int ls_data_next(struct mc_rd *r, struct ls_data *d, bool *trunc)
{
	const uint8_t *p;

	if (mc_rd_left(r) < LS_DATA_HDR) {
		if (trunc && mc_rd_left(r))
			*trunc = true;
		return 0;
	}
	p = mc_rd_cur(r);
	memcpy(d->source, p, 6);
	d->type = p[6];
	d->version = p[7];
	d->len = mc_get_u16(p + 8);
	if (mc_rd_left(r) < LS_DATA_HDR + (size_t)d->len) {
		if (trunc)
			*trunc = true;
		return 0;
	}
	d->data = p + LS_DATA_HDR;
	mc_rd_skip(r, LS_DATA_HDR + (size_t)d->len);
	return 1;
}

static void tlv(uint8_t *p, uint8_t type, uint16_t len)
{
	p[0] = type;
	p[1] = LS_ALFRED_VERSION;
	mc_put_u16(p + 2, len);
}

void ls_push_begin(struct mc_wr *w, uint16_t tx_id, uint16_t seqno)
{
	mc_wr_u8(w, LS_PUSH_DATA);
	mc_wr_u8(w, LS_ALFRED_VERSION);
	mc_wr_u16(w, 0);	/* ls_push_end */
	mc_wr_u16(w, tx_id);
	mc_wr_u16(w, seqno);
}

int ls_push_add(struct mc_wr *w, const struct ls_data *d)
{
	if (!mc_wr_ok(w) || w->cap - w->off < ls_block_size(d->len) ||
	    w->off + ls_block_size(d->len) > LS_MAX_PAYLOAD)
		return -ENOSPC;
	mc_wr_bytes(w, d->source, 6);
	mc_wr_u8(w, d->type);
	mc_wr_u8(w, d->version);
	mc_wr_u16(w, d->len);
	mc_wr_bytes(w, d->data, d->len);
	return 0;
}

size_t ls_push_end(struct mc_wr *w)
{
	if (!mc_wr_ok(w) || w->off < LS_PUSH_HDR)
		return 0;
	mc_put_u16(w->p + 2, (uint16_t)(w->off - LS_TLV_LEN));
	return w->off;
}

size_t ls_enc_announce(uint8_t *buf)
{
	tlv(buf, LS_ANNOUNCE_PRIMARY, 0);
	return LS_TLV_LEN;
}

size_t ls_enc_request(uint8_t *buf, uint8_t type, uint16_t tx_id)
{
	tlv(buf, LS_REQUEST, 3);
	buf[4] = type;
	mc_put_u16(buf + 5, tx_id);
	return LS_TLV_LEN + 3;
}

size_t ls_enc_txend(uint8_t *buf, uint16_t tx_id, uint16_t npackets)
{
	tlv(buf, LS_STATUS_TXEND, 4);
	mc_put_u16(buf + 4, tx_id);
	mc_put_u16(buf + 6, npackets);
	return LS_TLV_LEN + 4;
}

size_t ls_enc_error(uint8_t *buf, uint16_t tx_id, uint16_t code)
{
	tlv(buf, LS_STATUS_ERROR, 4);
	mc_put_u16(buf + 4, tx_id);
	buf[6] = (uint8_t)code;		/* alfred: host order, unconverted */
	buf[7] = (uint8_t)(code >> 8);
	return LS_TLV_LEN + 4;
}

size_t ls_enc_event(uint8_t *buf, uint8_t type, const uint8_t source[6])
{
	tlv(buf, LS_EVENT_NOTIFY, 7);
	buf[4] = type;
	memcpy(buf + 5, source, 6);
	return LS_TLV_LEN + 7;
}

size_t ls_enc_modeswitch(uint8_t *buf, uint8_t mode)
{
	tlv(buf, LS_MODESWITCH, 1);
	buf[4] = mode;
	return LS_TLV_LEN + 1;
}

static void put_name(uint8_t *p, const char *name)
{
	size_t n = name ? strnlen(name, LS_IFNAMSIZ - 1) : 0;

	memset(p, 0, LS_IFNAMSIZ);
	if (n)
		memcpy(p, name, n);
}

size_t ls_enc_server_status(uint8_t *buf, size_t cap, uint8_t mode,
			    const struct ls_iface_status *ifs, unsigned nifs,
			    const char *bat_iface)
{
	size_t need = LS_TLV_LEN + (LS_TLV_LEN + 1) + nifs * (LS_TLV_LEN + LS_IFNAMSIZ + 1) +
		      (LS_TLV_LEN + LS_IFNAMSIZ), off;

	if (need > cap || need - LS_TLV_LEN > 0xffff)
		return 0;
	tlv(buf, LS_SERVER_STATUS, (uint16_t)(need - LS_TLV_LEN));
	off = LS_TLV_LEN;
	tlv(buf + off, 0, 1);			/* ALFRED_SERVER_OP_MODE */
	buf[off + LS_TLV_LEN] = mode;
	off += LS_TLV_LEN + 1;
	for (unsigned i = 0; i < nifs; i++) {
		tlv(buf + off, 1, LS_IFNAMSIZ + 1);	/* ALFRED_SERVER_NET_IFACE */
		put_name(buf + off + LS_TLV_LEN, ifs[i].name);
		buf[off + LS_TLV_LEN + LS_IFNAMSIZ] = ifs[i].active;
		off += LS_TLV_LEN + LS_IFNAMSIZ + 1;
	}
	tlv(buf + off, 2, LS_IFNAMSIZ);		/* ALFRED_SERVER_BAT_IFACE */
	put_name(buf + off + LS_TLV_LEN, bat_iface);
	return need;
}

bool ls_mac_valid(const uint8_t mac[6])
{
	return !(mac[0] & 1) && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

bool ls_ipv6_to_mac(const uint8_t ip[16], uint8_t mac[6])
{
	static const uint8_t zero[6];

	if (ip[0] != 0xfe || ip[1] != 0x80 || memcmp(ip + 2, zero, 6) ||
	    ip[11] != 0xff || ip[12] != 0xfe)
		return false;
	mac[0] = ip[8] ^ 2;
	mac[1] = ip[9];
	mac[2] = ip[10];
	mac[3] = ip[13];
	mac[4] = ip[14];
	mac[5] = ip[15];
	return ls_mac_valid(mac);
}

void ls_mac_to_ipv6(const uint8_t mac[6], uint8_t ip[16])
{
	memset(ip, 0, 16);
	ip[0] = 0xfe;
	ip[1] = 0x80;
	ip[8] = mac[0] ^ 2;
	ip[9] = mac[1];
	ip[10] = mac[2];
	ip[11] = 0xff;
	ip[12] = 0xfe;
	ip[13] = mac[3];
	ip[14] = mac[4];
	ip[15] = mac[5];
}
