/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replies out: the fields RFC 2131 table 3 asks for, and where they go
 * (RFC 2131 4.1): through the relay when one forwarded the request; else
 * a client that has an address (ciaddr)
 * gets it unicast there; one that set the broadcast flag, or any NAK, gets
 * a broadcast; otherwise unicast to yiaddr at chaddr, which needs no ARP
 * since the shell writes the frame to the client's MAC itself.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "anycast/core/dhcp_int.h"

void ac_dhcp_log(struct ac_dhcp *d, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mc_log_to(d->env.log, d->env.user, level, 0, fmt, ap);
	va_end(ap);
}

static void tx_dst(struct ac_dhcp_tx *tx, const struct ac_dhcp_msg *req, uint8_t type,
		   uint32_t yiaddr)
{
	bool bcast = type == AC_DHCPNAK ||
		     (!req->h.ciaddr && ((req->h.flags & AC_BOOTP_FLAG_BROADCAST) || !yiaddr));

	if (req->h.giaddr) {	/* through the relay, which delivers it */
		tx->relay = true;
		tx->dst_ip = ac_in(req->h.giaddr);
		return;
	}
	if (bcast) {
		tx->dst_ip.s_addr = htonl(0xffffffffu);
		memset(tx->dst_mac, 0xff, sizeof(tx->dst_mac));
		return;
	}
	tx->dst_ip = ac_in(req->h.ciaddr ? req->h.ciaddr : yiaddr);
	memcpy(tx->dst_mac, req->h.chaddr, sizeof(tx->dst_mac));
}

static uint32_t netmask(uint8_t plen)
{
	return plen ? ~0u << (32 - plen) : 0;
}

static void send_reply(struct ac_dhcp *d, const struct ac_dhcp_msg *req,
		       const struct ac_dhcp_reply *r)
{
	size_t cap = ac_dhcp_msg_limit(req, sizeof(d->out) - AC_DHCP_IPUDP_LEN);
	int len = ac_dhcp_msg_encode(req, r, d->out, cap);
	struct ac_dhcp_tx tx = { .msg = d->out };

	if (len < 0) {	/* the mandatory options always fit 548 bytes */
		ac_dhcp_log(d, MC_LOG_ERR, "dhcp: reply does not fit %zu bytes", cap);
		return;
	}
	tx.len = (size_t)len;
	tx_dst(&tx, req, r->type, r->yiaddr);
	d->env.send(d->env.user, &tx);
	if (r->type == AC_DHCPOFFER)
		d->st.offer++;
	else if (r->type == AC_DHCPACK)
		d->st.ack++;
	else
		d->st.nak++;
}

void ac_reply_send(struct ac_dhcp *d, const struct ac_dhcp_msg *req, uint8_t type,
		   uint32_t yiaddr, bool lease)
{
	struct ac_dhcp_reply r = {
		.type = type,
		/* table 3: an OFFER's ciaddr is 0, an ACK's the request's */
		.ciaddr = type == AC_DHCPACK ? req->h.ciaddr : 0,
		.yiaddr = yiaddr,
		.server = d->server,
		.lease_s = lease ? d->cfg.lease_s : 0,
		.netmask = netmask(d->cfg.plen),
		.mtu = d->cfg.mtu,
		.domain = d->cfg.domain,
	};

	send_reply(d, req, &r);
}

void ac_reply_nak(struct ac_dhcp *d, const struct ac_dhcp_msg *req, const char *why)
{
	struct ac_dhcp_reply r = {
		.type = AC_DHCPNAK,
		.server = d->server,
		.message = why,
	};

	send_reply(d, req, &r);
}
