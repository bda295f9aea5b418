/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "l3route/core/tunpkt.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "common/buf.h"

int l3_tun_classify(const uint8_t *pkt, size_t len)
{
	unsigned v = len ? pkt[0] >> 4 : 0;

	if (v == 4 && len >= 20 && (pkt[16] & 0xf0) != 0xe0)
		return AF_INET;
	if ((v == 4 && len >= 20) || (v == 6 && len >= 40 && pkt[24] == 0xff))
		return -L3_TUN_DROP_MULTICAST;
	if (v != 6 || len < 40)
		return -L3_TUN_DROP_MALFORMED;
	/* a node address with no mesh route: the outer packet to a gateway
	 * whose route is changing would come back here */
	if (pkt[24] == 0xfd && pkt[25] == 0x5e)
		return -L3_TUN_DROP_LOOP;
	return AF_INET6;
}

int l3_tun_inner_source(const uint8_t *p, size_t n, struct mc_ip *src)
{
	struct mc_rd rd;
	uint8_t v = 0;
	uint16_t len = 0;

	mc_rd_init(&rd, p, n);
	mc_rd_u8(&rd, &v);
	memset(src, 0, sizeof(*src));
	if (v >> 4 == 4 && (v & 0xf) >= 5) {
		mc_rd_skip(&rd, 1);
		mc_rd_u16(&rd, &len);		/* total length */
		mc_rd_skip(&rd, 8);
		src->family = AF_INET;
		src->plen = 32;
		mc_rd_bytes(&rd, src->a, 4);
		return mc_rd_ok(&rd) && len == n && (size_t)(v & 0xf) * 4 <= n ? 0 : -EINVAL;
	}
	if (v >> 4 == 6) {
		mc_rd_skip(&rd, 3);
		mc_rd_u16(&rd, &len);		/* payload length */
		mc_rd_skip(&rd, 2);
		src->family = AF_INET6;
		src->plen = 128;
		mc_rd_bytes(&rd, src->a, 16);
		return mc_rd_ok(&rd) && (size_t)len + 40 == n ? 0 : -EINVAL;
	}
	return -EINVAL;
}
