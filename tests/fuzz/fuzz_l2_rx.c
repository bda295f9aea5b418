/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz the whole receive path of an l2 node: l2_rx_mesh() (every packet
 * type, through the data plane) and l2_rx_local() (the soft switch and
 * the anycast filter), with time passing and the send paths in between,
 * on a node whose routing plane and TT are the unit tests' stand-ins
 * (tests/l2stubs), TT's unicast TVLVs recorded: two originators O1 (wired) and O2
 * (wireless) with neighbours, a TT client at each, anygw configured.
 *
 * An input is a sequence of records, each one opcode byte and then:
 *   op & 3 == 0  mesh frame on port (op >> 2) & 1: len(2, BE), bytes
 *   op & 3 == 1  local frame on port (op >> 2) & 3: len(2, BE), bytes
 *   op & 3 == 2  time passes: ms(2, BE)
 *   op & 3 == 3  (op >> 2) & 1 ? ping : unicast TVLV, to O1 or O2 by bit 3,
 *                then len(2, BE) and the TVLV bytes (ping: ttl in byte 0)
 * A fresh node per input keeps runs reproducible. Whatever the node
 * emits must be a frame it could send: a decodable batman-adv header on
 * a mesh port within the port MTU, a client frame within L2_FRAME_MAX.
 * Anything else abort()s, as do ASan/UBSan findings.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "l2mesh/core/node.h"
#include "tests/fuzz/l2_fuzz.h"
#include "tests/l2stubs/fake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) abort(); } while (0)

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0x00, 0x0a };
static const uint8_t A_P0[6] = { 0x02, 0, 0, 0, 0x01, 0x0a };
static const uint8_t A_P1[6] = { 0x02, 0, 0, 0, 0x02, 0x0a };
static const uint8_t O1[6] = { 0x02, 0, 0, 0, 0x00, 0x01 };
static const uint8_t N1[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
static const uint8_t O2[6] = { 0x02, 0, 0, 0, 0x00, 0x02 };
static const uint8_t N2[6] = { 0x02, 0, 0, 0, 0x02, 0x02 };
static const uint8_t C9[6] = { 0x52, 0, 0, 0, 0, 0x09 };
static const uint8_t C8[6] = { 0x52, 0, 0, 0, 0, 0x08 };
static const uint8_t ANYGW[6] = { 0xaa, 0x00, 0x00, 0xaa, 0xaa, 0xaa };
static const uint8_t LAN1[6] = { 0x02, 0, 0, 0, 0x03, 0x01 };
static const uint8_t LAN2[6] = { 0x02, 0, 0, 0, 0x03, 0x02 };

static struct l2_node *node;

static void env_mesh(void *u, unsigned port, const uint8_t *f, size_t len)
{
	struct l2_hdr h;
	struct mc_rd r;

	ENSURE(l2_sent_ok(node, port, f, len, &r, &h));
}

static void env_local(void *u, unsigned lport, const uint8_t *f, size_t len)
{
	ENSURE(lport < node->nlocals);
	ENSURE(len >= L2_ETH_HLEN && len <= L2_FRAME_MAX);
}

static uint32_t env_rand(void *u)
{
	return 0x2545f491;
}

static void env_icmp(void *u, const struct l2_icmp_result *res)
{
}

static struct l2_node *node_up(uint64_t now)
{
	struct l2_env env = {
		.mesh_send = env_mesh, .local_send = env_local, .rand = env_rand,
		.icmp = env_icmp,
	};
	struct l2_config cfg;
	struct stub_node *s;
	struct l2_node *n;

	stub_reset();
	s = stub_add(MAC_A);
	stub_route_add(s, O1, 0, N1);
	stub_route_add(s, O2, 1, N2);
	stub_neigh_add(s, 0, N1);
	stub_neigh_add(s, 0, O1);
	stub_neigh_add(s, 1, N2);
	stub_client_add(s, C9, 0, O1, 7);
	stub_client_add(s, C8, 0, O2, 200);
	l2_config_defaults(&cfg, MAC_A);
	memcpy(cfg.anygw_mac, ANYGW, 6);
	cfg.anygw_ip4.s_addr = htonl(0x0a0d0001);		/* 10.13.0.1 */
	cfg.anygw_ip6.s6_addr[0] = 0xfd;
	cfg.anygw_ip6.s6_addr[15] = 1;
	n = l2_node_new(&cfg, &env, now);
	ENSURE(n);
	ENSURE(stub_tvlv_record(n, L2_TVLV_TT, L2_TVLV_TT_VERSION) == 0);
	ENSURE(stub_tvlv_record(n, L2_TVLV_ROAM, L2_TVLV_ROAM_VERSION) == 0);
	node = n;
	l2_port_add(n, "mesh0", A_P0, 1500, false);
	l2_port_add(n, "wlan0", A_P1, 1400, true);
	l2_local_add(n, "bat0", L2_LOCAL_HOST, MAC_A);
	l2_local_add(n, "anygw", L2_LOCAL_ANYGW, ANYGW);
	l2_local_add(n, "lan1", L2_LOCAL_LAN, LAN1);
	l2_local_add(n, "lan2", L2_LOCAL_LAN, LAN2);
	return n;
}

static bool take_u16(struct mc_rd *r, uint16_t *v)
{
	return mc_rd_u16(r, v) == 0;
}

static bool run_record(struct l2_node *n, struct mc_rd *r, uint64_t *now)
{
	const uint8_t *p;
	size_t len;
	uint16_t ms;
	uint8_t op;

	if (mc_rd_u8(r, &op) < 0)
		return false;
	switch (op & 3) {
	case 0:
		if (!take_payload(r, &p, &len))
			return false;
		l2_rx_mesh(n, (op >> 2) & 1, p, len, *now);
		return true;
	case 1:
		if (!take_payload(r, &p, &len))
			return false;
		l2_rx_local(n, (op >> 2) & 3, p, len, *now);
		return true;
	case 2:
		if (!take_u16(r, &ms))
			return false;
		*now += ms;
		l2_tick(n, *now);
		return true;
	default:
		if (!take_payload(r, &p, &len))
			return false;
		if ((op >> 2) & 1)
			l2_ping(n, op & 8 ? O2 : O1, op, (uint16_t)len, len ? p[0] : 0, *now);
		else
			l2_send_unicast_tvlv(n, op & 8 ? O2 : O1, p, len);
		return true;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t now = 1000000;
	struct l2_node *n = node_up(now);
	struct mc_rd r;

	mc_rd_init(&r, data, size);
	while (run_record(n, &r, &now))
		;
	/* let every queued re-send and timeout run */
	for (int i = 0; i < 4; i++) {
		now += 6000;
		l2_tick(n, now);
	}
	l2_node_free(n);
	node = NULL;
	return 0;
}
