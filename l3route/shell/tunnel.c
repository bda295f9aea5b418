/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The node side of the gateway tunnel (doc/l3route-gateways.md): what the
 * kernel routes into smtun (table l3_table + 1, looked up after main) is
 * read here and sent, one packet per UDP datagram, from our node address
 * to the chosen gateway's. The core picks the gateway; a new choice only
 * changes where the next datagram goes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "common/log.h"
#include "common/tuntap.h"
#include "l3route/core/tunpkt.h"
#include "l3route/shell/l3routed.h"

/* Packets read from smtun per wake-up, so a busy tunnel cannot starve the ports. */
#define L3SH_TUN_BATCH 64

const char *const l3sh_tun_names[L3SH_TUN_MAX] = {
	[L3SH_TUN_TX_PKT] = "tun_tx_packets",
	[L3SH_TUN_TX_BYTES] = "tun_tx_bytes",
	[L3SH_TUN_TX_NO_GW] = "tun_tx_no_gateway",
	[L3SH_TUN_TX_LOOP] = "tun_tx_loop",
	[L3SH_TUN_TX_MALFORMED] = "tun_tx_malformed",
	[L3SH_TUN_TX_MULTICAST] = "tun_tx_multicast",
	[L3SH_TUN_TX_ERR] = "tun_tx_errors",
	[L3SH_TUN_RX_PKT] = "tun_rx_packets",
	[L3SH_TUN_RX_BYTES] = "tun_rx_bytes",
	[L3SH_TUN_RX_MALFORMED] = "tun_rx_malformed",
	[L3SH_TUN_RX_NOT_MESH] = "tun_rx_not_mesh",
	[L3SH_TUN_RX_UNKNOWN] = "tun_rx_unknown_sender",
	[L3SH_TUN_RX_BAD_SRC] = "tun_rx_bad_source",
	[L3SH_TUN_RX_ERR] = "tun_rx_errors",
};

/* MSS of forwarded SYNs into smtun set from the route's MTU (1412 for IPv4);
 * the table is replaced whole, so a crash's leftover goes too. */
static const char nft_clamp[] =
	"add table inet softmesh_l3tun\n"
	"delete table inet softmesh_l3tun\n"
	"table inet softmesh_l3tun {\n"
	"\tchain clamp {\n"
	"\t\ttype filter hook forward priority mangle; policy accept;\n"
	"\t\toifname \"" L3SH_TUN_DEV "\" tcp flags syn tcp option maxseg size set rt mtu\n"
	"\t}\n"
	"}\n";

int l3sh_nft(const char *script)
{
	FILE *p = popen("nft -f - 2>&1", "we");
	int st;

	if (!p)
		return -1;
	fputs(script, p);
	st = pclose(p);
	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* The kernel checks max(all, device): warn when all's would override ours. */
static void rp_filter_all_check(void)
{
	long v = 0;

	if (mc_sysctl_get("/proc/sys/net/ipv4/conf/all/rp_filter", &v) == 0 && v != 0)
		log_warn("net.ipv4.conf.all.rp_filter is %ld: IPv4 forwarded over mesh ports "
			 "and out of %s is dropped (they have no IPv4 address); set it to 0",
			 v, L3SH_GW_DEV);
}

/* IPv6 on (for ::/0 routes through the device) but no link-local address:
 * nothing of the kernel's own (RS, MLD) needs to go into a tunnel. */
int l3sh_tun_dev_open(const char *dev, char name[IFNAMSIZ])
{
	int fd = mc_tuntap_open(dev, 0, name);

	if (fd < 0) {
		log_err("TUN %s: %s", dev, strerror(-fd));
		return fd;
	}
	mc_sysctl_if("ipv6", name, "addr_gen_mode", "1");
	mc_sysctl_if("ipv6", name, "disable_ipv6", "0");
	return fd;
}

static int fam_idx(int family)
{
	return family == AF_INET6;
}

static struct mc_nl_route default_route(const struct l3routed *r, int family)
{
	return (struct mc_nl_route){ .dst = { .family = family }, .oif = r->tun.ifindex,
				     .table = r->tun.table };
}

/* Table l3_table + 1 holds a default route per family only while a gateway
 * of that family is chosen: without one, local traffic fails at once. */
static void route_sync(struct l3routed *r, int family)
{
	struct l3sh_tun *t = &r->tun;
	int i = fam_idx(family), rc = 0;
	struct mc_nl_route nr = default_route(r, family);

	if (t->fd < 0 || t->sel[i].valid == t->route_on[i])
		return;
	if (t->sel[i].valid)
		rc = mc_nl_route_add(r->nl, &nr);
	else
		rc = mc_nl_route_del(r->nl, &nr);
	if (rc < 0 && rc != -ENOENT && rc != -ESRCH && rc != -EEXIST) {
		r->route_errors++;
		log_warn("tunnel: %s default route dev %s table %u: %s",
			 t->sel[i].valid ? "adding" : "removing", L3SH_TUN_DEV, t->table,
			 strerror(-rc));
		return;
	}
	t->route_on[i] = t->sel[i].valid;
}

static void publish(struct l3routed *r, int family, const struct l3_gw_info *sel)
{
	char hex[2 * L3_ID_LEN + 1];
	json_object *o;

	if (!r->d->ctl || !mc_ctl_subscribers(r->d->ctl, "gateway"))
		return;
	o = json_object_new_object();
	json_object_object_add(o, "family", json_object_new_string(
		family == AF_INET ? "ipv4" : "ipv6"));
	json_object_object_add(o, "gateway", sel ? json_object_new_string(
		r->tun.sel[fam_idx(family)].name) : NULL);
	json_object_object_add(o, "id", sel ? json_object_new_string(
		l3_id_hex(sel->id, L3_ID_LEN, hex)) : NULL);
	json_object_object_add(o, "why", sel ? json_object_new_string(sel->why ? sel->why : "")
					     : NULL);
	mc_ctl_publish(r->d->ctl, "gateway", o);
}

/* env.gateway: the core's choice for family changed (sel NULL: none left). */
void l3sh_tun_gateway(struct l3routed *r, int family, const struct l3_gw_info *sel)
{
	struct l3sh_gwsel *g = &r->tun.sel[fam_idx(family)];
	char hex[2 * L3_ID_LEN + 1];

	memset(g, 0, sizeof(*g));
	if (sel) {
		g->valid = true;
		memcpy(g->id, sel->id, L3_ID_LEN);
		g->addr = sel->addr;
		snprintf(g->name, sizeof(g->name), "%s", sel->hostname && *sel->hostname ?
			 sel->hostname : l3_id_hex(sel->id, 4, hex));
		log_notice("%s gateway: %s (%s), %u/%u kbit/s offered, score %llu kbit/s: %s",
			   family == AF_INET ? "IPv4" : "IPv6", g->name,
			   l3_id_hex(sel->id, 4, hex), sel->down_kbit, sel->up_kbit,
			   (unsigned long long)sel->score, sel->why ? sel->why : "");
	} else {
		log_notice("no %s gateway left", family == AF_INET ? "IPv4" : "IPv6");
	}
	route_sync(r, family);
	publish(r, family, sel);
}

static struct l3sh_tun_peer *peer_slot(struct l3routed *r, const uint8_t id[L3_ID_LEN])
{
	struct l3sh_tun_peer *least = &r->tun.peer[0];

	for (unsigned i = 0; i < L3SH_TUN_PEERS; i++) {
		struct l3sh_tun_peer *p = &r->tun.peer[i];
		if (!memcmp(p->id, id, L3_ID_LEN))
			return p;
		if (p->pkts < least->pkts)
			least = p;
	}
	/* full: the least used gateway's counts make room (they are only shown) */
	memcpy(least->id, id, L3_ID_LEN);
	least->pkts = least->bytes = 0;
	return least;
}

const struct l3sh_tun_peer *l3sh_tun_peer(const struct l3routed *r,
					  const uint8_t id[L3_ID_LEN])
{
	for (unsigned i = 0; i < L3SH_TUN_PEERS; i++)
		if (!memcmp(r->tun.peer[i].id, id, L3_ID_LEN))
			return &r->tun.peer[i];
	return NULL;
}

/* The family of an IP packet from smtun, or -1 (counted) to drop it. */
static int classify(struct l3routed *r, const uint8_t *pkt, size_t len)
{
	static const unsigned ctr[] = {
		[L3_TUN_DROP_MULTICAST] = L3SH_TUN_TX_MULTICAST,
		[L3_TUN_DROP_MALFORMED] = L3SH_TUN_TX_MALFORMED,
		[L3_TUN_DROP_LOOP] = L3SH_TUN_TX_LOOP,
	};
	int family = l3_tun_classify(pkt, len);

	if (family >= 0)
		return family;
	r->tun_ctr[ctr[-family]]++;
	return -1;
}

static void tun_send(struct l3routed *r, const uint8_t *pkt, size_t len)
{
	struct l3sh_tun *t = &r->tun;
	int family = classify(r, pkt, len);
	const struct l3sh_gwsel *g;
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(t->port) };
	struct l3sh_tun_peer *p;

	if (family < 0)
		return;
	g = &t->sel[fam_idx(family)];
	if (!g->valid) {
		r->tun_ctr[L3SH_TUN_TX_NO_GW]++;
		return;
	}
	sa.sin6_addr = g->addr;
	if (sendto(t->sock, pkt, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r->tun_ctr[L3SH_TUN_TX_ERR]++;
		log_dbg(MC_DBG_GW, "tunnel: send to %s: %s", g->name, strerror(errno));
		return;
	}
	r->tun_ctr[L3SH_TUN_TX_PKT]++;
	r->tun_ctr[L3SH_TUN_TX_BYTES] += len;
	p = peer_slot(r, g->id);
	p->pkts++;
	p->bytes += len;
}

static void on_tun(struct ev_loop *loop, ev_io *w, int revents)
{
	struct l3routed *r = w->data;
	static uint8_t buf[65536];

	for (int i = 0; i < L3SH_TUN_BATCH; i++) {
		ssize_t n = read(r->tun.fd, buf, sizeof(buf));

		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_dbg(MC_DBG_GW, "tunnel: read: %s", strerror(errno));
			return;
		}
		tun_send(r, buf, (size_t)n);
	}
}

static int rules_add(struct l3routed *r)
{
	static const int fam[2] = { AF_INET, AF_INET6 };

	for (int i = 0; i < 2; i++) {
		struct mc_nl_rule ru = { .family = fam[i], .priority = L3SH_TUN_RULE_PRIO,
					 .table = r->tun.table };
		int rc = mc_nl_rule_add(r->nl, &ru);

		if (rc < 0 && rc != -EEXIST) {	/* EEXIST: left by a crash, ours now */
			log_err("ip rule priority %u table %u: %s", L3SH_TUN_RULE_PRIO,
				r->tun.table, strerror(-rc));
			return rc;
		}
		r->tun.rule_added[i] = true;
	}
	return 0;
}

/* The sender: bound to our node address, so the gateway can check it. */
static int sock_open(struct l3routed *r)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = r->addr };
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		close(fd);
		log_err("tunnel socket on the node address: %s", strerror(-rc));
		return rc;
	}
	r->tun.sock = fd;
	return 0;
}

static int dev_open(struct l3routed *r)
{
	struct mc_nl_link up = { .up = 1, .mtu = L3SH_TUN_MTU };
	char name[IFNAMSIZ];
	int fd = l3sh_tun_dev_open(L3SH_TUN_DEV, name), rc;

	if (fd < 0)
		return fd;
	r->tun.fd = fd;
	r->tun.ifindex = mc_nl_ifindex(name);
	if ((rc = mc_nl_link_set(r->nl, r->tun.ifindex, &up)) < 0) {
		log_err("TUN %s: up, mtu %u: %s", name, L3SH_TUN_MTU, strerror(-rc));
		return rc;
	}
	ev_io_init(&r->tun.io, on_tun, fd, EV_READ);
	r->tun.io.data = r;
	ev_io_start(r->d->loop, &r->tun.io);
	return 0;
}

int l3sh_tun_start(struct l3routed *r)
{
	struct l3sh_tun *t = &r->tun;
	int rc;

	t->port = (uint16_t)(r->udp_port + 1);
	t->table = r->table + 1;
	rc = mc_nl_route_flush(r->nl, AF_UNSPEC, t->table, MC_RTPROT_SOFTMESH);
	if (rc > 0)
		log_notice("flushed %d stale routes from table %u", rc, t->table);
	if ((rc = dev_open(r)) < 0 || (rc = rules_add(r)) < 0 || (rc = sock_open(r)) < 0)
		return rc;
	rp_filter_all_check();
	if (l3sh_nft(nft_clamp) == 0)
		t->nft_loaded = true;
	else
		log_warn("nft: TCP MSS into %s not clamped (PMTU discovery only)", L3SH_TUN_DEV);
	route_sync(r, AF_INET);
	route_sync(r, AF_INET6);
	log_info("tunnel %s (mtu %u) to gateways' UDP port %u, table %u after main",
		 L3SH_TUN_DEV, L3SH_TUN_MTU, t->port, t->table);
	return 0;
}

void l3sh_tun_stop(struct l3routed *r)
{
	static const int fam[2] = { AF_INET, AF_INET6 };
	struct l3sh_tun *t = &r->tun;

	for (int i = 0; i < 2; i++) {
		struct mc_nl_rule ru = { .family = fam[i], .priority = L3SH_TUN_RULE_PRIO,
					 .table = t->table };
		struct mc_nl_route nr = default_route(r, fam[i]);

		if (t->route_on[i] && r->nl)
			mc_nl_route_del(r->nl, &nr);
		t->route_on[i] = false;
		if (t->rule_added[i] && r->nl)
			mc_nl_rule_del(r->nl, &ru);
		t->rule_added[i] = false;
	}
	if (t->fd >= 0) {
		ev_io_stop(r->d->loop, &t->io);
		close(t->fd);	/* the device goes with it */
	}
	if (t->sock >= 0)
		close(t->sock);
	t->fd = t->sock = -1;
	if (t->nft_loaded)
		l3sh_nft("delete table inet softmesh_l3tun\n");
	t->nft_loaded = false;
}
