/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AC_RA_PACKET_H
#define AC_RA_PACKET_H

/*
 * ICMPv6 Router Solicitation and Router Advertisement (RFC 4861 4.1, 4.2,
 * 4.6), Router Preference (RFC 4191 2.2), RDNSS and DNSSL (RFC 8106 5.1,
 * 5.2): the only place their layouts live. All integers are big-endian.
 * The structs are byte arrays that pin offsets and sizes; nothing is cast
 * onto a buffer, decoding goes through common/buf.h cursors.
 *
 * RS:  0 type 133 | 1 code 0 | 2 checksum u16 | 4 reserved u32 | 8 options
 * RA:  0 type 134 | 1 code 0 | 2 checksum u16 | 4 cur hop limit u8 |
 *      5 flags u8 (M O H Prf[2] ...) | 6 router lifetime u16 (s) |
 *      8 reachable time u32 (ms) | 12 retrans timer u32 (ms) | 16 options
 * Option: type u8 | length u8 (in units of 8 bytes, including these two;
 *      0 is invalid) | body
 */

#include <stddef.h>
#include <stdint.h>

#define AC_ICMP6_RS 133
#define AC_ICMP6_RA 134

/* Option types (RFC 4861 4.6, RFC 8106 5) */
#define AC_ND_OPT_SLLA 1	/* Source Link-Layer Address */
#define AC_ND_OPT_PREFIX 3	/* Prefix Information */
#define AC_ND_OPT_MTU 5
#define AC_ND_OPT_RDNSS 25
#define AC_ND_OPT_DNSSL 31

#define AC_ND_OPT_UNIT 8	/* option lengths count 8-byte units */

/* RA flags byte: Managed, Other config; Prf (RFC 4191) in bits 4..3 */
#define AC_RA_FLAG_M 0x80
#define AC_RA_FLAG_O 0x40
#define AC_RA_PRF_MEDIUM 0x00

/* Prefix Information flags: on-link, autonomous address configuration */
#define AC_PIO_FLAG_L 0x80
#define AC_PIO_FLAG_A 0x40

/* A router lifetime above this is invalid (RFC 4861 6.2.1: 9000 s). */
#define AC_RA_ROUTER_LIFETIME_MAX_S 9000

struct ac_rs_wire {
	uint8_t type, code, cksum[2];
	uint8_t reserved[4];
};
#define AC_RS_HDR_LEN 8
_Static_assert(sizeof(struct ac_rs_wire) == AC_RS_HDR_LEN, "RS header");

struct ac_ra_wire {
	uint8_t type, code, cksum[2];
	uint8_t cur_hop_limit, flags, router_lifetime[2];
	uint8_t reachable_ms[4], retrans_ms[4];
};
#define AC_RA_HDR_LEN 16
_Static_assert(sizeof(struct ac_ra_wire) == AC_RA_HDR_LEN, "RA header");
_Static_assert(offsetof(struct ac_ra_wire, router_lifetime) == 6, "RA lifetime");
_Static_assert(offsetof(struct ac_ra_wire, reachable_ms) == 8, "RA reachable");

struct ac_nd_opt_hdr {
	uint8_t type, len8;
};
#define AC_ND_OPT_HDR_LEN 2
_Static_assert(sizeof(struct ac_nd_opt_hdr) == AC_ND_OPT_HDR_LEN, "option header");

/* SLLA on Ethernet: header and the 6-byte MAC, one unit */
struct ac_nd_opt_slla {
	uint8_t type, len8, mac[6];
};
#define AC_ND_OPT_SLLA_LEN 8
_Static_assert(sizeof(struct ac_nd_opt_slla) == AC_ND_OPT_SLLA_LEN, "SLLA");

struct ac_nd_opt_mtu {
	uint8_t type, len8, reserved[2], mtu[4];
};
#define AC_ND_OPT_MTU_LEN 8
_Static_assert(sizeof(struct ac_nd_opt_mtu) == AC_ND_OPT_MTU_LEN, "MTU");

struct ac_nd_opt_prefix {
	uint8_t type, len8, plen, flags;
	uint8_t valid_s[4], preferred_s[4], reserved[4];
	uint8_t prefix[16];
};
#define AC_ND_OPT_PREFIX_LEN 32
_Static_assert(sizeof(struct ac_nd_opt_prefix) == AC_ND_OPT_PREFIX_LEN, "PIO");
_Static_assert(offsetof(struct ac_nd_opt_prefix, prefix) == 16, "PIO prefix");

/* RDNSS and DNSSL share the header; RDNSS with one address is 24 bytes,
 * DNSSL's domain names follow (label-encoded, zero-padded to 8 bytes). */
struct ac_nd_opt_dns {
	uint8_t type, len8, reserved[2], lifetime_s[4];
};
#define AC_ND_OPT_DNS_HDR_LEN 8
#define AC_ND_OPT_RDNSS1_LEN 24
_Static_assert(sizeof(struct ac_nd_opt_dns) == AC_ND_OPT_DNS_HDR_LEN, "RDNSS/DNSSL");

/* A domain name on the wire: labels of at most 63 bytes, 255 in all. */
#define AC_DNS_LABEL_MAX 63
#define AC_DNS_NAME_MAX 255

#endif
