/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef LS_ALFRED_H
#define LS_ALFRED_H

/*
 * A.L.F.R.E.D. version 0 messages (doc/leasesync.md "Wire"), on UDP 16962
 * and on the unix socket alike: a 4-byte TLV header (type, version 0,
 * length of what follows in network order), then the type's fields. Data
 * records travel as blocks of source MAC, a TLV header (data type, the
 * user's data version, length) and the data. Transaction ids and seqnos
 * are read and written in network order (alfred's pass a peer's id back
 * unconverted, which comes to the same bytes); the one field alfred
 * writes in host order, the error code of a unix-socket STATUS_ERROR, is
 * written as alfred's client on a little-endian host reads it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define LS_ALFRED_PORT 16962
#define LS_ALFRED_VERSION 0
/* the largest UDP payload: alfred's packets and unix messages stay within */
#define LS_MAX_PAYLOAD (65535 - 8)
#define LS_TLV_LEN 4
#define LS_DATA_HDR 10		/* source[6], type, version, length */
#define LS_PUSH_HDR 8		/* TLV, tx id, tx seqno */
#define LS_IFNAMSIZ 16
#define LS_IFACES_LEN (LS_IFNAMSIZ * 16)	/* change_interface's list */
#define LS_RESERVED_TYPES 64	/* 0..63: alfred's own; clients set 64..255 */

enum ls_msg_type {
	LS_PUSH_DATA = 0,
	LS_ANNOUNCE_PRIMARY = 1,
	LS_REQUEST = 2,
	LS_STATUS_TXEND = 3,
	LS_STATUS_ERROR = 4,
	LS_MODESWITCH = 5,
	LS_CHANGE_INTERFACE = 6,
	LS_CHANGE_BAT_IFACE = 7,
	LS_SERVER_STATUS = 8,
	LS_EVENT_REGISTER = 9,
	LS_EVENT_NOTIFY = 10,
};

enum { LS_MODE_SECONDARY = 0, LS_MODE_PRIMARY = 1 };

/* A decoded message; the pointers are into the buffer decoded. */
struct ls_msg {
	uint8_t type;
	uint16_t tx_id;		/* PUSH_DATA, STATUS_*, REQUEST */
	uint16_t tx_seqno;	/* PUSH_DATA, STATUS_* */
	uint8_t req_type;	/* REQUEST */
	uint8_t mode;		/* MODESWITCH */
	const uint8_t *body;	/* PUSH_DATA: the data blocks; CHANGE_*: the names */
	size_t body_len;
	size_t len;		/* the whole message, header included */
};

/*
 * One message at the start of p[0..len): 0, or -EMSGSIZE (shorter than its
 * header or its TLV length says), -EPROTO (a version other than 0),
 * -EINVAL (shorter than its type's fields), -ENOTSUP (unknown type). What
 * follows the TLV length is not part of the message (alfred ignores it).
 * The unix-only types decode too: the caller decides what it takes where.
 */
int ls_msg_decode(const uint8_t *p, size_t len, struct ls_msg *m);

/* Bytes the message at p needs in all (header + TLV length), once 4 are
 * there; 0 while fewer are. */
size_t ls_msg_need(const uint8_t *p, size_t len);

struct ls_data {
	uint8_t source[6];
	uint8_t type;
	uint8_t version;
	uint16_t len;
	const uint8_t *data;
};

/*
 * The next data block of a PUSH_DATA body: 1 with *d set, 0 at the end. A
 * block longer than what is left ends the body, as in alfred; *trunc
 * (may be NULL) is then set.
 */
int ls_data_next(struct mc_rd *r, struct ls_data *d, bool *trunc);

/* A PUSH_DATA being built in w: begin, add blocks, end (sets the length). */
void ls_push_begin(struct mc_wr *w, uint16_t tx_id, uint16_t seqno);
/* 0, or -ENOSPC when the block does not fit in w (w unchanged). */
int ls_push_add(struct mc_wr *w, const struct ls_data *d);
/* Bytes of the finished message (0 if w overflowed). */
size_t ls_push_end(struct mc_wr *w);
/* Payload bytes a block of len data bytes takes. */
static inline size_t ls_block_size(size_t len) { return LS_DATA_HDR + len; }

/* Fixed-size messages into buf (big enough); each returns its length. */
size_t ls_enc_announce(uint8_t *buf);
size_t ls_enc_request(uint8_t *buf, uint8_t type, uint16_t tx_id);
size_t ls_enc_txend(uint8_t *buf, uint16_t tx_id, uint16_t npackets);
/* The unix socket's "request failed" (alfred's client prints the code). */
size_t ls_enc_error(uint8_t *buf, uint16_t tx_id, uint16_t code);
size_t ls_enc_event(uint8_t *buf, uint8_t type, const uint8_t source[6]);
size_t ls_enc_modeswitch(uint8_t *buf, uint8_t mode);
/* SERVER_STATUS reply: op mode, each interface (name, active), the
 * batman-adv interface. Returns the length or 0 if it does not fit. */
struct ls_iface_status {
	const char *name;
	bool active;
};
size_t ls_enc_server_status(uint8_t *buf, size_t cap, uint8_t mode,
			    const struct ls_iface_status *ifs, unsigned nifs,
			    const char *bat_iface);

/* A MAC alfred takes as a record's source: not multicast, not zero. */
bool ls_mac_valid(const uint8_t mac[6]);

/* alfred's peer identity: the MAC in an EUI-64 link-local address
 * (fe80::/64, ff:fe in the middle, U/L bit flipped back). False if ip is
 * not one. */
bool ls_ipv6_to_mac(const uint8_t ip[16], uint8_t mac[6]);
void ls_mac_to_ipv6(const uint8_t mac[6], uint8_t ip[16]);

#endif
