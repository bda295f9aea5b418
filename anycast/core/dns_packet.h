/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AC_DNS_PACKET_H
#define AC_DNS_PACKET_H

/*
 * The DNS wire format (RFC 1035 4, RFC 6891 6 for OPT): the one place its
 * layout and numbers live, and its codec (dns_wire.c). A message is read
 * into struct ac_dns_msg, which holds no pointer into the bytes it came
 * from (a pending query keeps a copy); values there are host order.
 * Names are kept in their uncompressed wire form: length-prefixed labels
 * ending with the root's zero byte, case as sent.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define AC_DNS_HDR_LEN 12
#define AC_DNS_NAME_MAX 255	/* a name's wire form, root byte included (RFC 1035 2.3.4) */
#define AC_DNS_LABEL_MAX 63
#define AC_DNS_RR_FIXED_LEN 10	/* type, class, TTL, rdlength after the owner */
#define AC_DNS_OPT_LEN 11	/* an OPT without options: root owner + fixed part */
#define AC_DNS_PTR_OFF 0xc000	/* the top bits of a compression pointer */

/* The 16 bits after the id. */
#define AC_DNS_F_QR 0x8000
#define AC_DNS_F_OPCODE_SHIFT 11
#define AC_DNS_F_OPCODE_MASK 0x7800
#define AC_DNS_F_AA 0x0400
#define AC_DNS_F_TC 0x0200
#define AC_DNS_F_RD 0x0100
#define AC_DNS_F_RA 0x0080
#define AC_DNS_F_Z 0x0040
#define AC_DNS_F_AD 0x0020
#define AC_DNS_F_CD 0x0010
#define AC_DNS_F_RCODE_MASK 0x000f

enum ac_dns_opcode { AC_DNS_OP_QUERY = 0, AC_DNS_OP_STATUS = 2, AC_DNS_OP_NOTIFY = 4 };

enum ac_dns_rcode {
	AC_DNS_NOERROR = 0,
	AC_DNS_FORMERR = 1,
	AC_DNS_SERVFAIL = 2,
	AC_DNS_NXDOMAIN = 3,
	AC_DNS_NOTIMP = 4,
	AC_DNS_REFUSED = 5,
};

enum ac_dns_type {
	AC_DNS_T_A = 1,
	AC_DNS_T_NS = 2,
	AC_DNS_T_SOA = 6,
	AC_DNS_T_PTR = 12,
	AC_DNS_T_MX = 15,
	AC_DNS_T_AAAA = 28,
	AC_DNS_T_OPT = 41,
	AC_DNS_T_ANY = 255,
};

#define AC_DNS_CLASS_IN 1

/* The header, field for field. */
struct ac_dns_hdr {
	uint16_t id, flags, qdcount, ancount, nscount, arcount;
};
_Static_assert(sizeof(struct ac_dns_hdr) == AC_DNS_HDR_LEN, "DNS header");

struct ac_dns_name {
	uint8_t len;		/* of wire, 1 (the root) to AC_DNS_NAME_MAX */
	uint8_t wire[AC_DNS_NAME_MAX];
};

/* The OPT of the additional section (RFC 6891 6.1); of several (a
 * FORMERR by 6.1.1) the last counts, as libldns reads them. */
struct ac_dns_opt {
	bool present;
	uint16_t udp_size;	/* its class */
	uint32_t ttl;		/* extended rcode, version, DO and Z */
	uint16_t data_off;	/* its options: offset in the message... */
	uint16_t data_len;	/* ...and length */
};

struct ac_dns_msg {
	struct ac_dns_hdr h;
	/* the question, when there is exactly one (has_q) */
	bool has_q;
	uint16_t qtype, qclass;
	struct ac_dns_name qname;
	struct ac_dns_opt opt;
};

/* A record to write: data is the rdata, written as it is. */
struct ac_dns_rr {
	uint16_t type, class;
	uint32_t ttl;
	const void *data;
	uint16_t len;
};

static inline unsigned ac_dns_opcode(const struct ac_dns_hdr *h)
{
	return (h->flags & AC_DNS_F_OPCODE_MASK) >> AC_DNS_F_OPCODE_SHIFT;
}

static inline unsigned ac_dns_rcode(const struct ac_dns_hdr *h)
{
	return h->flags & AC_DNS_F_RCODE_MASK;
}

/*
 * Reads a message: header, questions, the records of every section
 * (owner, fixed part, rdata skipped by its length) and the OPT. Bytes
 * after the last record are ignored. 0, -EMSGSIZE over AC_DNS_MSG_MAX or
 * -EBADMSG: short, a count past the end, a bad name.
 */
int ac_dns_msg_parse(struct ac_dns_msg *m, const uint8_t *msg, size_t len);
/*
 * Reads the name at r's offset, following compression pointers, into n
 * (NULL: only check it) and moves r past the name's bytes in place. A
 * pointer must point past the header, before the name's start and before
 * every earlier pointer's target, so there are no loops and no forward
 * references; labels of type 01 and 10, labels past the end and names
 * over AC_DNS_NAME_MAX are -EBADMSG. The cursor must span the whole
 * message: offsets count from its start.
 */
int ac_dns_name_read(struct mc_rd *r, struct ac_dns_name *n);

/* Writers: each fails with the writer's sticky error (-EMSGSIZE). */
int ac_dns_hdr_write(struct mc_wr *w, const struct ac_dns_hdr *h);
int ac_dns_name_write(struct mc_wr *w, const struct ac_dns_name *n);
int ac_dns_question_write(struct mc_wr *w, const struct ac_dns_name *n,
			  uint16_t type, uint16_t class);
/* owner_off: a compression pointer to a name earlier in the message */
int ac_dns_rr_write(struct mc_wr *w, uint16_t owner_off, const struct ac_dns_rr *rr);
int ac_dns_opt_write(struct mc_wr *w, uint16_t udp_size, uint32_t ttl,
		     const void *data, uint16_t len);

/*
 * Names: from presentation form ("thisnode.info", escapes \. and \DDD,
 * absolute with or without the final dot; "." is the root): 0 or -EINVAL
 * for an empty label, a label over 63 or a name over 255 bytes.
 */
int ac_dns_name_from_str(struct ac_dns_name *n, const char *s);
unsigned ac_dns_name_labels(const struct ac_dns_name *n);
/* ASCII letters compare without case (RFC 4343); the length bytes never do. */
bool ac_dns_name_eq(const struct ac_dns_name *a, const struct ac_dns_name *b);
/* a below b, and not b itself */
bool ac_dns_name_under(const struct ac_dns_name *a, const struct ac_dns_name *b);
/* a's labels then b's: 0 or -EINVAL over AC_DNS_NAME_MAX */
int ac_dns_name_cat(struct ac_dns_name *out, const struct ac_dns_name *a,
		    const struct ac_dns_name *b);

#endif
