/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gateway side (doc/l3route-gateways.md): the Internet offer in our
 * description follows a WAN check (port link state, optional ping), and
 * tunnel datagrams from other nodes are checked against their signed
 * descriptions and written to smgw, whence the kernel forwards them out
 * of the WAN.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>

#include "common/buf.h"
#include "common/log.h"
#include "l3route/core/tunpkt.h"
#include "l3route/shell/l3routed.h"

/* Datagrams read per wake-up at most. */
#define L3SH_GW_BATCH 64
/* The IPv6 default route is looked for every this many checks (2 s). */
#define L3SH_V6_EVERY 4u

static uint64_t now_ms(const struct l3routed *r)
{
	return mc_ev_now_ms(r->d->loop);
}

/* ------------------------------------------------------------ WAN state */

/* An IPv6 unicast default route in main that is not our tunnel's. */
static bool v6_default(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *c = NULL;
	bool found = false;

	if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0 ||
	    rtnl_route_alloc_cache(sk, AF_INET6, 0, &c) < 0)
		goto out;
	for (struct nl_object *o = nl_cache_get_first(c); o && !found;
	     o = nl_cache_get_next(o))
		found = mc_nl_route_is_default((struct rtnl_route *)o);
out:
	if (c)
		nl_cache_free(c);
	nl_socket_free(sk);
	return found;
}

/* --------------------------------------------------------------- offers */

static unsigned offers_fill(const struct l3sh_gwside *g, bool v4, bool v6,
			    struct l3_gw_offer gw[2])
{
	unsigned n = 0;

	memset(gw, 0, 2 * sizeof(*gw));
	if (v4)
		gw[n++].ip.family = AF_INET;
	if (v6)
		gw[n++].ip.family = AF_INET6;
	for (unsigned i = 0; i < n; i++) {
		gw[i].down_kbit = g->down_kbit;
		gw[i].up_kbit = g->up_kbit;
	}
	return n;
}

static void offers_set(struct l3routed *r, bool on, bool v6)
{
	struct l3sh_gwside *g = &r->gws;
	struct l3_gw_offer gw[2];
	unsigned n = offers_fill(g, on, on && v6, gw);
	int rc = l3_set_gateways(r->node, gw, n, now_ms(r));

	if (rc < 0) {
		log_err("gateway offer: %s", strerror(-rc));
		return;
	}
	memcpy(r->gw, gw, n * sizeof(gw[0]));
	r->ngw = n;
	g->offered = on;
	g->offered_v6 = on && v6;
	g->ever_offered |= on;
	if (on)
		log_notice("gateway offer up: %u/%u kbit/s, %s", g->down_kbit, g->up_kbit,
			   g->offered_v6 ? "IPv4 and IPv6" : "IPv4 only");
	else
		log_notice("gateway offer withdrawn: %s", g->why);
}

/* Passes now? Sets why for the offer line. */
static bool check_passes(struct l3routed *r, uint64_t now)
{
	struct l3sh_gwside *g = &r->gws;
	bool pass = mc_wancheck_run(&g->wc, now);

	g->why = pass && !g->wc.nwan ? "no role wan port: offered without a link check" :
		 g->wc.why;
	return pass;
}

static void on_check(void *user)
{
	struct l3routed *r = user;
	struct l3sh_gwside *g = &r->gws;
	uint64_t now = now_ms(r);
	bool pass = check_passes(r, now), want;

	if (g->ticks++ % L3SH_V6_EVERY == 0)
		g->v6_default = v6_default();
	if (!pass)
		g->ok_since_ms = UINT64_MAX;
	else if (g->ok_since_ms == UINT64_MAX)
		g->ok_since_ms = now;
	/* withdrawn at once, back only after the check held for a while */
	want = pass && (g->offered || !g->ever_offered ||
			now - g->ok_since_ms >= L3SH_WAN_RESTORE_MS);
	if (pass && !want)
		g->why = "WAN back; waiting for it to hold";
	if (want != g->offered || (want && g->v6_default != g->offered_v6))
		offers_set(r, want, g->v6_default);
	mc_timer_arm(r->d->loop, &g->timer, MC_WAN_CHECK_MS);
}

/* ---------------------------------------------------- tunnel receiving */

static void gw_rx_one(struct l3routed *r, const struct sockaddr_in6 *from,
		      const uint8_t *p, size_t n)
{
	struct mc_ip src;
	int rc;

	if (l3_tun_inner_source(p, n, &src) < 0) {
		r->tun_ctr[L3SH_TUN_RX_MALFORMED]++;
		return;
	}
	rc = l3_tunnel_check(r->node, &from->sin6_addr, &src);
	if (rc == -ENOENT || rc == -EPERM) {
		char a[INET6_ADDRSTRLEN], s[MC_IP_STRLEN];
		r->tun_ctr[rc == -ENOENT ? L3SH_TUN_RX_UNKNOWN : L3SH_TUN_RX_BAD_SRC]++;
		log_dbg(MC_DBG_GW, "tunnel: dropped from %s (inner %s): %s",
			inet_ntop(AF_INET6, &from->sin6_addr, a, sizeof(a)),
			mc_ip_format(&src, s, sizeof(s)),
			rc == -ENOENT ? "unknown sender" : "source outside its prefixes");
		return;
	}
	if (write(r->gws.fd, p, n) != (ssize_t)n) {
		r->tun_ctr[L3SH_TUN_RX_ERR]++;
		return;
	}
	r->tun_ctr[L3SH_TUN_RX_PKT]++;
	r->tun_ctr[L3SH_TUN_RX_BYTES] += n;
}

/* Tunnel datagrams come over the mesh: one that arrived on another
 * interface (a WAN neighbour's) is refused before any other check. */
static bool from_mesh(const struct l3routed *r, struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		struct in6_pktinfo pi;

		if (c->cmsg_level != IPPROTO_IPV6 || c->cmsg_type != IPV6_PKTINFO ||
		    c->cmsg_len < CMSG_LEN(sizeof(pi)))
			continue;
		memcpy(&pi, CMSG_DATA(c), sizeof(pi));
		for (unsigned i = 0; i < r->nport; i++)
			if (r->port[i].ifindex > 0 && (unsigned)r->port[i].ifindex == pi.ipi6_ifindex)
				return true;
	}
	return false;
}

static void on_gw_sock(struct ev_loop *loop, ev_io *w, int revents)
{
	struct l3routed *r = w->data;
	static uint8_t buf[65536];

	for (int i = 0; i < L3SH_GW_BATCH; i++) {
		struct sockaddr_in6 from;
		union { char b[CMSG_SPACE(sizeof(struct in6_pktinfo))]; struct cmsghdr a; } cb;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
				     .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cb.b, .msg_controllen = sizeof(cb.b) };
		ssize_t n = recvmsg(r->gws.sock, &mh, 0);

		if (n < 0)
			return;
		if (mh.msg_namelen < sizeof(from) || from.sin6_family != AF_INET6 ||
		    !from_mesh(r, &mh)) {
			r->tun_ctr[L3SH_TUN_RX_NOT_MESH]++;
			continue;
		}
		gw_rx_one(r, &from, buf, (size_t)n);
	}
}

static int gw_sock_open(struct l3routed *r)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
				   .sin6_port = htons(r->tun.port) };
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int rc = -errno;
		log_err("gateway tunnel: UDP port %u: %s", r->tun.port, strerror(-rc));
		close(fd);
		return rc;
	}
	r->gws.sock = fd;
	ev_io_init(&r->gws.sock_io, on_gw_sock, fd, EV_READ);
	r->gws.sock_io.data = r;
	ev_io_start(r->d->loop, &r->gws.sock_io);
	return 0;
}

/* smgw: decapsulated packets enter the kernel here. rp_filter off: a
 * device without an IPv4 address fails even the loose check. */
static int gw_dev_open(struct l3routed *r)
{
	struct mc_nl_link up = { .up = 1, .mtu = 1500 };
	char name[IFNAMSIZ];
	int fd = l3sh_tun_dev_open(L3SH_GW_DEV, name), rc;

	if (fd < 0)
		return fd;
	r->gws.fd = fd;
	mc_sysctl_if("ipv6", name, "forwarding", "1");
	mc_sysctl_if("ipv4", name, "forwarding", "1");
	mc_sysctl_if("ipv4", name, "rp_filter", "0");
	if ((rc = mc_nl_link_set(r->nl, mc_nl_ifindex(name), &up)) < 0)
		log_err("TUN %s: up: %s", name, strerror(-rc));
	return rc;
}

/* ------------------------------------------------------------- NAT */

static void nat_load(struct l3routed *r)
{
	struct l3sh_gwside *g = &r->gws;
	char script[512], ports[160] = "";
	size_t off = 0;

	for (unsigned i = 0; i < g->wc.nwan; i++)
		off += (size_t)snprintf(ports + off, sizeof(ports) - off, "%s\"%s\"",
					i ? ", " : "", g->wc.wan[i]);
	snprintf(script, sizeof(script),
		 "add table inet softmesh_l3nat\n"
		 "delete table inet softmesh_l3nat\n"
		 "table inet softmesh_l3nat {\n"
		 "\tchain post {\n"
		 "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
		 "\t\toifname { %s } masquerade\n"
		 "\t}\n"
		 "}\n", ports);
	if (!g->wc.nwan)
		log_warn("nat 1 but no role wan port: nothing masqueraded");
	else if (l3sh_nft(script) == 0)
		g->nat_loaded = true;
	else
		log_warn("nft: could not load the masquerade; NAT is left to the system");
}

/* ------------------------------------------------------ config, start */

/* Config and the first check, before the core exists: the offers of the
 * first description are what the WAN looks like now. */
void l3sh_gws_config(struct l3routed *r, struct l3_config *cfg)
{
	const struct mc_conf_section *net = mc_conf_section(r->d->conf, "network");
	struct l3sh_gwside *g = &r->gws;
	uint64_t down = 0, up = 0;	/* gateway_bandwidth has a default */

	g->fd = g->sock = -1;
	g->wc.fd = -1;
	g->ok_since_ms = UINT64_MAX;
	g->why = "not a gateway";
	mc_conf_get_bool(net, "gateway", &g->enabled);
	if (!g->enabled)
		return;
	mc_conf_get_rate(net, "gateway_bandwidth", &down, &up);
	g->down_kbit = (uint32_t)down;
	g->up_kbit = (uint32_t)up;
	mc_wancheck_config(&g->wc, r->d->conf);
	for (int i = 0; i < 2; i++)	/* never a default route to ourselves */
		r->own[r->nown++].ip.family = i ? AF_INET6 : AF_INET;
	g->v6_default = v6_default();
	g->offered = check_passes(r, 0) && !g->wc.check.family;
	g->offered_v6 = g->offered && g->v6_default;
	g->ever_offered = g->offered;
	if (g->offered)
		g->ok_since_ms = 0;
	else if (g->wc.wan_up)
		g->why = "waiting for the first reply from the gateway_check target";
	cfg->ngw = offers_fill(g, g->offered, g->offered_v6, cfg->gw);
}

int l3sh_gws_start(struct l3routed *r)
{
	struct l3sh_gwside *g = &r->gws;
	bool nat = false;
	int rc;

	if (!g->enabled)
		return 0;
	if ((rc = gw_dev_open(r)) < 0 || (rc = gw_sock_open(r)) < 0)
		return rc;
	if ((rc = mc_wancheck_open(&g->wc, r->d->loop)) < 0)
		return rc;
	mc_conf_get_bool(mc_conf_section(r->d->conf, "network"), "nat", &nat);
	if (nat)
		nat_load(r);
	if (!g->wc.nwan)
		log_warn("gateway 1 but no role wan port: offered without a link check");
	log_notice("gateway: %u/%u kbit/s, tunnel port %u on %s, offer %s (%s)",
		   g->down_kbit, g->up_kbit, r->tun.port, L3SH_GW_DEV,
		   g->offered ? "up" : "withdrawn", g->why);
	mc_timer_init(&g->timer, on_check, r);
	mc_timer_arm(r->d->loop, &g->timer, MC_WAN_CHECK_MS);
	return 0;
}

/* A new check target: a new socket for its family. The offer keeps its
 * state: the new target has the usual ping timeout to answer. */
static void check_reload(struct l3routed *r, const char *chk)
{
	if (mc_wancheck_retarget(&r->gws.wc, chk, now_ms(r)))
		log_notice("reload: gateway_check now %s", *chk ? chk : "off (link state only)");
}

void l3sh_gws_reload(struct l3routed *r)
{
	struct l3sh_gwside *g = &r->gws;
	const struct mc_conf_section *net = mc_conf_section(r->d->conf, "network");
	uint64_t down = 0, up = 0;

	if (!g->enabled)
		return;
	mc_conf_get_rate(net, "gateway_bandwidth", &down, &up);
	if (down != g->down_kbit || up != g->up_kbit) {
		g->down_kbit = (uint32_t)down;
		g->up_kbit = (uint32_t)up;
		if (g->offered)	/* a new signed description, flooded */
			offers_set(r, true, g->offered_v6);
		else
			log_notice("reload: gateway offer %u/%u kbit/s when it comes up",
				   g->down_kbit, g->up_kbit);
	}
	check_reload(r, mc_conf_get_str(net, "gateway_check"));
}

void l3sh_gws_stop(struct l3routed *r)
{
	struct l3sh_gwside *g = &r->gws;

	if (!g->enabled)
		return;
	mc_timer_stop(r->d->loop, &g->timer);
	if (g->sock >= 0) {
		ev_io_stop(r->d->loop, &g->sock_io);
		close(g->sock);
	}
	mc_wancheck_close(&g->wc);
	if (g->fd >= 0)
		close(g->fd);
	g->fd = g->sock = -1;
	if (g->nat_loaded)
		l3sh_nft("delete table inet softmesh_l3nat\n");
	g->nat_loaded = false;
}
