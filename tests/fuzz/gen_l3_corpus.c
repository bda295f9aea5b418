/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writes the seed corpora of fuzz_l3_packet and fuzz_l3_desc with the
 * codec itself (deterministic keys, so the files are reproducible):
 *   gen_l3_corpus tests/fuzz/corpus/l3_packet tests/fuzz/corpus/l3_desc
 * Valid packets and descriptions, plus a few shapes the decoders must
 * skip or refuse, so the replay run starts on both sides of each check.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <sodium.h>

#include "common/buf.h"
#include "l3route/core/desc.h"
#include "l3route/core/packet.h"

static int put(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n) {
		perror(path);
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

static struct mc_ip ip(const char *s)
{
	struct mc_ip a;

	mc_ip_parse(s, &a);
	return a;
}

static void key(uint8_t n, uint8_t pk[L3_PK_LEN], uint8_t sk[L3_SK_LEN])
{
	uint8_t seed[32];

	memset(seed, n, sizeof(seed));
	l3_key_from_seed(seed, pk, sk);
}

/* A description with every item kind; n picks the key and seqno. */
static int full_desc(uint8_t *out, uint8_t n, uint8_t id[L3_ID_LEN])
{
	uint8_t pk[L3_PK_LEN], sk[L3_SK_LEN];
	struct l3_desc d;

	key(n, pk, sk);
	memset(&d, 0, sizeof(d));
	d.dseq = n;
	memset(d.anchor, 0xa0 + n, sizeof(d.anchor));
	d.chain_len = 4096;
	snprintf(d.hostname, sizeof(d.hostname), "LiMe-%02x0000", n);
	d.nprefix = 3;
	d.prefix[0].ip = ip("fd5e:1234:5678:9abc:def0:1234:5678:9abc/128");
	d.prefix[1].ip = ip("10.13.0.0/16");
	d.prefix[1].flags = L3_PF_ANYCAST;
	d.prefix[2].ip = ip("fd0d:fe46:5d00::/64");
	d.ngw = 2;
	d.gw[0].ip = ip("0.0.0.0/0");
	d.gw[0].down_kbit = 50000;
	d.gw[0].up_kbit = 10000;
	d.gw[1].ip = ip("::/0");
	d.gw[1].down_kbit = 50000;
	d.gw[1].up_kbit = 10000;
	int len = l3_desc_build(out, L3_DESC_MAX, &d, sk);
	if (id)
		memcpy(id, d.id, L3_ID_LEN);
	return len;
}

static int gen_desc(const char *dir)
{
	uint8_t blob[L3_DESC_MAX], pk[L3_PK_LEN], sk[L3_SK_LEN];
	struct l3_desc d;
	struct mc_wr w;
	int len, rc = 0;

	len = full_desc(blob, 1, NULL);
	rc |= put(dir, "01-full.bin", blob, (size_t)len);
	key(2, pk, sk);
	memset(&d, 0, sizeof(d));
	len = l3_desc_build(blob, sizeof(blob), &d, sk);
	rc |= put(dir, "02-minimal.bin", blob, (size_t)len);
	memset(&d, 0, sizeof(d));
	strcpy(d.hostname, "gw");
	d.nprefix = L3_DESC_PREFIX_MAX;
	for (unsigned i = 0; i < d.nprefix; i++)
		d.prefix[i].ip = ip(i % 2 ? "10.0.0.0/8" : "fd00::/8");
	d.ngw = L3_DESC_GW_MAX;
	for (unsigned i = 0; i < d.ngw; i++)
		d.gw[i].ip = ip("0.0.0.0/0");
	len = l3_desc_build(blob, sizeof(blob), &d, sk);
	rc |= put(dir, "03-most-items.bin", blob, (size_t)len);
	/* unknown items among known ones (signed by hand: build drops them) */
	len = full_desc(blob, 3, NULL);
	mc_wr_init(&w, blob + len - L3_SIG_LEN, sizeof(blob) - (size_t)len);
	mc_wr_u8(&w, 200);
	mc_wr_u8(&w, 3);
	mc_wr_bytes(&w, "abc", 3);
	len += 5;
	mc_put_u16(blob + 2, (uint16_t)len);
	key(3, pk, sk);
	crypto_sign_detached(blob + len - L3_SIG_LEN, NULL, blob,
			     (size_t)len - L3_SIG_LEN, sk);
	rc |= put(dir, "04-unknown-item.bin", blob, (size_t)len);
	/* well formed but the signature is wrong */
	blob[len - 1] ^= 1;
	rc |= put(dir, "05-bad-sig.bin", blob, (size_t)len);
	return rc;
}

static int add(struct l3_pkt_builder *b, struct l3_msg m)
{
	return l3_pkt_add(b, &m);
}

static int gen_packet(const char *dir)
{
	uint8_t buf[L3_PKT_MAX], blob[L3_DESC_MAX], id[L3_ID_LEN], id2[L3_ID_LEN];
	struct l3_pkt_builder b;
	struct l3_msg m;
	size_t len;
	int dlen, rc = 0;

	dlen = full_desc(blob, 4, id);
	full_desc(buf, 5, id2);

	l3_pkt_init(&b, buf, sizeof(buf), id);
	m = (struct l3_msg){ .type = L3_TLV_HELLO, .u.hello = { 7, 100 } };
	add(&b, m);
	m = (struct l3_msg){ .type = L3_TLV_IHU, .u.ihu = { .rxq = 240, .interval_cs = 100 } };
	memcpy(m.u.ihu.id, id2, L3_ID_LEN);
	add(&b, m);
	rc |= put(dir, "01-hello-ihu.bin", buf, l3_pkt_finish(&b));

	l3_pkt_init(&b, buf, sizeof(buf), id);
	m = (struct l3_msg){ .type = L3_TLV_DESC };
	m.u.desc.p = blob;
	m.u.desc.len = (size_t)dlen;
	add(&b, m);
	m = (struct l3_msg){ .type = L3_TLV_UPDATE };
	memcpy(m.u.update.id, id, L3_ID_LEN);
	m.u.update.dseq = 4;
	m.u.update.seqno = 1;
	m.u.update.metric = 0;
	memset(m.u.update.elem, 0x33, L3_ELEM_LEN);
	add(&b, m);
	m.u.update.metric = L3_METRIC_INF;
	memcpy(m.u.update.id, id2, L3_ID_LEN);
	m.u.update.hops = 2;
	add(&b, m);
	rc |= put(dir, "02-desc-updates.bin", buf, l3_pkt_finish(&b));

	l3_pkt_init(&b, buf, sizeof(buf), id2);
	m = (struct l3_msg){ .type = L3_TLV_DESC_REQ, .u.desc_req.dseq = 4 };
	memcpy(m.u.desc_req.id, id, L3_ID_LEN);
	add(&b, m);
	m = (struct l3_msg){ .type = L3_TLV_SEQNO_REQ };
	memcpy(m.u.seqno_req.id, id, L3_ID_LEN);
	m.u.seqno_req.seqno = 2;
	m.u.seqno_req.hops = 32;
	add(&b, m);
	add(&b, (struct l3_msg){ .type = L3_TLV_ROUTE_REQ, .u.route_req.all = true });
	m = (struct l3_msg){ .type = L3_TLV_ROUTE_REQ };
	memcpy(m.u.route_req.id, id, L3_ID_LEN);
	add(&b, m);
	rc |= put(dir, "03-requests.bin", buf, l3_pkt_finish(&b));

	/* PAD and an unknown type around a HELLO, then trailing bytes */
	l3_pkt_init(&b, buf, sizeof(buf), id);
	add(&b, (struct l3_msg){ .type = L3_TLV_HELLO, .u.hello = { 65535, 1 } });
	len = l3_pkt_finish(&b);
	static const uint8_t extra[] = { 0, 0, 2, 0, 0, 99, 0, 1, 0xff };
	memmove(buf + L3_HDR_LEN + sizeof(extra), buf + L3_HDR_LEN, len - L3_HDR_LEN);
	memcpy(buf + L3_HDR_LEN, extra, sizeof(extra));
	len += sizeof(extra);
	mc_put_u16(buf + 2, (uint16_t)(len - L3_HDR_LEN));
	memset(buf + len, 0xee, 6);
	rc |= put(dir, "04-pad-unknown-trailing.bin", buf, len + 6);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s PACKET_DIR DESC_DIR\n", argv[0]);
		return 2;
	}
	return gen_packet(argv[1]) || gen_desc(argv[2]) ? 1 : 0;
}
