/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AC_DHCP_PACKET_H
#define AC_DHCP_PACKET_H

/*
 * The BOOTP/DHCPv4 wire format (RFC 951, 2131, 2132): the one place its
 * layout and option numbers live. Decoding goes through common/buf
 * cursors into struct ac_dhcp_msg; multi-byte values there are host order.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AC_BOOTP_HDR_LEN 236
#define AC_DHCP_COOKIE 0x63825363u
#define AC_DHCP_COOKIE_LEN 4
#define AC_DHCP_MIN_LEN (AC_BOOTP_HDR_LEN + AC_DHCP_COOKIE_LEN)
/* Longer UDP payloads are refused (one Ethernet frame's worth). */
#define AC_DHCP_MSG_MAX 1500
/* RFC 2131 2: a client takes a 576-byte datagram; 28 = IPv4 + UDP headers,
 * which option 57 counts (RFC 2132 9.10). RFC 1542 pads BOOTP to 300. */
#define AC_DHCP_DGRAM_MIN 576
#define AC_DHCP_IPUDP_LEN 28
#define AC_DHCP_REPLY_MIN 300

#define AC_BOOTREQUEST 1
#define AC_BOOTREPLY 2
#define AC_HTYPE_ETHER 1
#define AC_HLEN_ETHER 6
#define AC_BOOTP_FLAG_BROADCAST 0x8000

/* option 53 */
enum ac_dhcp_type {
	AC_DHCPDISCOVER = 1,
	AC_DHCPOFFER = 2,
	AC_DHCPREQUEST = 3,
	AC_DHCPDECLINE = 4,
	AC_DHCPACK = 5,
	AC_DHCPNAK = 6,
	AC_DHCPRELEASE = 7,
	AC_DHCPINFORM = 8,
};

enum ac_dhcp_opt {
	AC_OPT_PAD = 0,
	AC_OPT_SUBNET_MASK = 1,
	AC_OPT_ROUTER = 3,
	AC_OPT_DNS = 6,
	AC_OPT_HOSTNAME = 12,
	AC_OPT_DOMAIN = 15,
	AC_OPT_MTU = 26,
	AC_OPT_REQ_IP = 50,
	AC_OPT_LEASE = 51,
	AC_OPT_OVERLOAD = 52,
	AC_OPT_MSG_TYPE = 53,
	AC_OPT_SERVER_ID = 54,
	AC_OPT_PRL = 55,
	AC_OPT_MESSAGE = 56,
	AC_OPT_MAX_SIZE = 57,
	AC_OPT_T1 = 58,
	AC_OPT_T2 = 59,
	AC_OPT_CLIENT_ID = 61,
	AC_OPT_END = 255,
};

/* option 52's value: which header fields carry more options */
#define AC_OVERLOAD_FILE 1
#define AC_OVERLOAD_SNAME 2

/* The fixed header as decoded (host order), in wire order and size. */
struct ac_bootp_hdr {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	uint8_t sname[64];
	uint8_t file[128];
};
_Static_assert(sizeof(struct ac_bootp_hdr) == AC_BOOTP_HDR_LEN,
	       "BOOTP fixed header is 236 bytes");
_Static_assert(AC_DHCP_MIN_LEN == 240, "header + magic cookie");

#define AC_DHCP_CID_LEN_MAX 64
#define AC_DHCP_HOST_LEN_MAX 255

/*
 * A client's message. Options a message carries once (53, 54, 50, 57, 52)
 * appear once; 12, 55 and 61 may be split over several instances and are
 * joined (RFC 3396). Addresses are 0 when absent.
 */
struct ac_dhcp_msg {
	struct ac_bootp_hdr h;
	uint8_t type;			/* option 53 */
	uint8_t overload;		/* option 52 */
	uint32_t server_id;		/* option 54 */
	uint32_t req_ip;		/* option 50 */
	uint16_t max_size;		/* option 57 (an IP datagram); 0: absent */
	uint8_t cid_len, host_len, prl_len;
	uint8_t cid[AC_DHCP_CID_LEN_MAX];
	uint8_t host[AC_DHCP_HOST_LEN_MAX];
	uint8_t prl[255];
	uint8_t once[32];		/* bitmap of once-only options seen */
};

/* What the server puts in a reply (host order; 0 / NULL: left out). */
struct ac_dhcp_reply {
	uint8_t type;			/* OFFER, ACK or NAK */
	uint32_t ciaddr, yiaddr;
	uint32_t server;		/* option 54; also 3 and 6 when asked */
	uint32_t lease_s;		/* 51, 58, 59; 0 leaves them out (INFORM, NAK) */
	uint32_t netmask;		/* option 1 when asked */
	uint16_t mtu;			/* option 26 when asked */
	const char *domain;		/* option 15 when asked */
	const char *message;		/* option 56 */
};

/* 0, -EMSGSIZE (over AC_DHCP_MSG_MAX) or -EBADMSG. */
int ac_dhcp_msg_decode(struct ac_dhcp_msg *m, const uint8_t *p, size_t len);
/* The largest reply req's sender takes: its option 57, at least 576,
 * less IP and UDP headers, at most cap. */
size_t ac_dhcp_msg_limit(const struct ac_dhcp_msg *req, size_t cap);
/*
 * The reply r to req into buf (at most cap bytes): the reply's length, or
 * -EMSGSIZE when not even the header and mandatory options fit. Optional
 * options (1, 3, 6, 15, 26) go in only when req's option 55 names them,
 * in its order, each only if it fits.
 */
int ac_dhcp_msg_encode(const struct ac_dhcp_msg *req, const struct ac_dhcp_reply *r,
		       uint8_t *buf, size_t cap);

#endif
