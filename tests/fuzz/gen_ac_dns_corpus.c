/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writes the seed corpus of fuzz_ac_dns with libldns:
 *   gen_ac_dns_corpus tests/fuzz/corpus/ac_dns
 * Queries as a stub resolver sends them (local names, forwarded names,
 * EDNS, PTR, another opcode) and answers as an upstream sends them (one
 * that fits 512 bytes, one that must be truncated, a SERVFAIL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

static int put(const char *dir, const char *name, const ldns_pkt *p)
{
	char path[4096];
	uint8_t *w;
	size_t n;
	FILE *f;

	if (ldns_pkt2wire(&w, p, &n) != LDNS_STATUS_OK)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(w, 1, n, f) != n) {
		perror(path);
		if (f)
			fclose(f);
		free(w);
		return -1;
	}
	free(w);
	return fclose(f);
}

static ldns_pkt *query(const char *name, ldns_rr_type t, uint16_t id, uint16_t edns)
{
	ldns_pkt *q = ldns_pkt_query_new(ldns_dname_new_frm_str(name), t,
					 LDNS_RR_CLASS_IN, LDNS_RD);

	ldns_pkt_set_id(q, id);
	if (edns)
		ldns_pkt_set_edns_udp_size(q, edns);
	return q;
}

static ldns_pkt *answer(const char *name, unsigned n, ldns_pkt_rcode rcode)
{
	ldns_pkt *a = query(name, LDNS_RR_TYPE_A, 0x2222, 1232);

	ldns_pkt_set_qr(a, true);
	ldns_pkt_set_ra(a, true);
	ldns_pkt_set_rcode(a, rcode);
	for (unsigned i = 0; i < n; i++) {
		char line[160];
		ldns_rr *rr = NULL;

		snprintf(line, sizeof(line), "%s 300 IN A 198.51.%u.%u", name, i / 250, i % 250);
		if (ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL) == LDNS_STATUS_OK)
			ldns_pkt_push_rr(a, LDNS_SECTION_ANSWER, rr);
	}
	return a;
}

int main(int argc, char **argv)
{
	struct { const char *file; ldns_pkt *p; } seeds[] = {
		{ "01-thisnode-a.bin", query("thisnode.info.", LDNS_RR_TYPE_A, 1, 0) },
		{ "02-anygw-aaaa.bin", query("anygw", LDNS_RR_TYPE_AAAA, 2, 0) },
		{ "03-host-a.bin", query("node1.thisnode.info.", LDNS_RR_TYPE_A, 3, 0) },
		{ "04-nx.bin", query("nobody.thisnode.info.", LDNS_RR_TYPE_AAAA, 4, 0) },
		{ "05-fwd-edns.bin", query("example.com.", LDNS_RR_TYPE_A, 5, 1232) },
		{ "06-ptr.bin", query("1.0.13.10.in-addr.arpa.", LDNS_RR_TYPE_PTR, 6, 0) },
		{ "07-fwd-mx.bin", query("Example.COM.", LDNS_RR_TYPE_MX, 7, 4096) },
		{ "08-answer.bin", answer("example.com.", 3, LDNS_RCODE_NOERROR) },
		{ "09-answer-big.bin", answer("example.com.", 60, LDNS_RCODE_NOERROR) },
		{ "10-servfail.bin", answer("example.com.", 0, LDNS_RCODE_SERVFAIL) },
		{ "11-notify.bin", query("thisnode.info.", LDNS_RR_TYPE_SOA, 11, 0) },
	};
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	ldns_pkt_set_opcode(seeds[10].p, LDNS_PACKET_NOTIFY);
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		if (put(argv[1], seeds[i].file, seeds[i].p) < 0)
			rc = 1;
		ldns_pkt_free(seeds[i].p);
	}
	return rc;
}
