/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_MD5_H
#define MC_MD5_H

/*
 * MD5 (RFC 1321). Not for security: LibreMesh derives per-network values
 * (the %N template bytes, the cloud VLAN id) from md5(ap_ssid + "\n"), and
 * softmesh must derive the same ones.
 */

#include <stddef.h>
#include <stdint.h>

#define MC_MD5_LEN 16

struct mc_md5 {
	uint32_t h[4];
	uint64_t nbytes;	/* total bytes fed so far */
	uint8_t blk[64];	/* partial block, nbytes % 64 bytes used */
};

void mc_md5_init(struct mc_md5 *m);
void mc_md5_update(struct mc_md5 *m, const void *data, size_t len);
void mc_md5_final(struct mc_md5 *m, uint8_t out[MC_MD5_LEN]);
/* One-shot digest of a buffer. */
void mc_md5(const void *data, size_t len, uint8_t out[MC_MD5_LEN]);

#endif
