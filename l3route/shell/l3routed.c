/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l3routed: the shell around l3route's core (doc/l3routed.md). It owns
 * the UDP sockets of the mesh ports, the timer, the key file and the
 * kernel's routing table; every protocol decision is the core's.
 */
#include <linux/capability.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/log.h"
#include "l3route/l3conf.h"
#include "l3route/shell/l3routed.h"
#include "schemas/schemas.h"

static void env_send(void *user, unsigned ifidx, const struct in6_addr *dst,
		     const uint8_t *pkt, size_t len)
{
	struct l3routed *r = user;

	if (ifidx < r->nport)
		l3sh_sock_send(&r->port[ifidx], r->udp_port, dst, pkt, len);
}

static void env_route(void *user, bool add, const struct l3_kroute *k)
{
	l3sh_kroute(user, add, k);
}

static void env_random(void *user, void *buf, size_t len)
{
	randombytes_buf(buf, len);
}

static void env_log(void *user, int level, uint32_t cat, const char *msg)
{
	if (level == MC_LOG_DEBUG)
		log_dbg(cat, "%s", msg);
	else
		mc_log(level, "%s", msg);
}

/* The tunnel follows the core's choice (tunnel.c). */
static void env_gateway(void *user, int family, const struct l3_gw_info *sel)
{
	l3sh_tun_gateway(user, family, sel);
}

static void env_changed(void *user, enum l3_change what, const uint8_t *id,
			const struct mc_ip *dst)
{
	l3sh_changed(user, what, id, dst);
}

/* ------------------------------------------------------------ config */

static int prefix_add(struct l3routed *r, struct l3_config *cfg, const struct mc_ip *ip,
		      uint8_t flags)
{
	char s[MC_IP_STRLEN];

	if (cfg->nprefix >= sizeof(cfg->prefix) / sizeof(cfg->prefix[0])) {
		log_err("too many announced prefixes at %s (at most %zu)",
			mc_ip_format(ip, s, sizeof(s)), sizeof(cfg->prefix) / sizeof(cfg->prefix[0]));
		return -E2BIG;
	}
	cfg->prefix[cfg->nprefix].ip = *ip;
	cfg->prefix[cfg->nprefix++].flags = flags;
	r->own[r->nown].ip = *ip;
	r->own[r->nown++].flags = flags;
	return 0;
}

/* main_ipv4/6_address: the node's bat0 address as a host, its cloud's range as anycast. */
static int prefixes_from_main(struct l3routed *r, struct l3_config *cfg, const char *opt)
{
	const char *s = mc_conf_get_str(mc_conf_section(r->d->conf, "network"), opt);
	struct mc_ip ip, host;
	int rc;

	if (!s || !*s || mc_ip_parse(s, &ip) < 0)
		return 0;
	host = ip;
	host.plen = ip.family == AF_INET ? 32 : 128;
	mc_ip_mask(&ip);
	if ((rc = prefix_add(r, cfg, &host, 0)) < 0)
		return rc;
	return ip.plen == host.plen ? 0 : prefix_add(r, cfg, &ip, L3_PF_ANYCAST);
}

static int prefixes_config(struct l3routed *r, struct l3_config *cfg)
{
	const struct mc_conf_section *net = mc_conf_section(r->d->conf, "network");
	int rc;

	if ((rc = prefixes_from_main(r, cfg, "main_ipv4_address")) < 0 ||
	    (rc = prefixes_from_main(r, cfg, "main_ipv6_address")) < 0)
		return rc;
	for (size_t i = 0; i < mc_conf_list_len(net, "l3_prefix"); i++) {
		struct mc_ip ip;
		if (mc_ip_parse(mc_conf_list_get(net, "l3_prefix", i), &ip) < 0)
			return -EINVAL;	/* the schema checked it */
		if ((rc = prefix_add(r, cfg, &ip, 0)) < 0)
			return rc;
	}
	return 0;
}

static int trusted_config(struct l3routed *r, struct l3_config *cfg)
{
	const struct mc_conf_section *net = mc_conf_section(r->d->conf, "network");
	size_t n = mc_conf_list_len(net, "trusted_nodes");

	for (size_t i = 0; i < n && i < L3_TRUST_MAX; i++) {
		/* the schema let through only whole bytes of an id */
		const char *h = mc_conf_list_get(net, "trusted_nodes", i);
		size_t len = strlen(h);
		struct l3_trusted *t = &cfg->trusted[cfg->ntrusted++];

		for (size_t k = 0; k < len / 2; k++)
			sscanf(h + 2 * k, "%2hhx", &t->id[k]);
		t->len = (uint8_t)(len / 2);
	}
	if (n > L3_TRUST_MAX)
		log_warn("only the first %d trusted_nodes are used", L3_TRUST_MAX);
	return 0;
}

/* An int option; every one read here has a default, so it is set. */
static uint32_t conf_u32(const struct mc_conf_section *s, const char *opt)
{
	long v = 0;

	mc_conf_get_int(s, opt, &v);
	return (uint32_t)v;
}

/* The gateway choice's settings (live: l3routed_reload). */
static void gw_choice_config(const struct mc_conf_section *net, uint32_t *min_kbit,
			     uint32_t *hyst_pct)
{
	uint64_t down = 0, up;

	mc_conf_get_rate(net, "gateway_min_bandwidth", &down, &up);
	*min_kbit = down > UINT32_MAX ? UINT32_MAX : (uint32_t)down;
	*hyst_pct = conf_u32(net, "gateway_hysteresis");
}

static int core_config(struct l3routed *r, struct l3_config *cfg)
{
	const struct mc_conf *c = r->d->conf;
	const struct mc_conf_section *net = mc_conf_section(c, "network");
	const char *key = mc_conf_get_str(net, "l3_key");
	int rc;

	l3_config_defaults(cfg);
	snprintf(cfg->hostname, sizeof(cfg->hostname), "%s",
		 mc_conf_get_str(mc_conf_section(c, "system"), "hostname"));
	cfg->hello_interval_ms = conf_u32(net, "l3_hello_interval");
	cfg->link_timeout_ms = conf_u32(net, "l3_link_timeout");
	cfg->update_interval_ms = conf_u32(net, "l3_update_interval");
	cfg->max_nodes = conf_u32(net, "l3_max_nodes");
	r->udp_port = (uint16_t)conf_u32(net, "l3_port");
	r->table = conf_u32(net, "l3_table");
	if ((rc = prefixes_config(r, cfg)) < 0 || (rc = trusted_config(r, cfg)) < 0)
		return rc;
	l3sh_gws_config(r, cfg);
	snprintf(cfg->gw_prefer, sizeof(cfg->gw_prefer), "%s",
		 mc_conf_get_str(net, "preferred_gateway"));
	gw_choice_config(net, &cfg->gw_min_kbit, &cfg->gw_hyst_pct);
	snprintf(r->key_path, sizeof(r->key_path), "%s", key);
	l3sh_prefer_load(r, cfg);	/* after preferred_gateway: a kept choice wins */
	memcpy(r->ann, cfg->prefix, sizeof(r->ann));
	r->nann = cfg->nprefix;
	memcpy(r->gw, cfg->gw, sizeof(r->gw));
	r->ngw = cfg->ngw;
	if ((rc = l3sh_key_load(key, cfg->sk)) < 0)
		return rc;
	snprintf(r->state_path, sizeof(r->state_path), "%s.dseq", key);
	cfg->dseq_start = l3sh_dseq_start(r->state_path, (uint64_t)time(NULL));
	return 0;
}

/* A new preferred_gateway, unless meshctl's choice (kept in
 * <l3_key>.gwprefer) holds. */
static void prefer_reload(struct l3routed *r, const char *pref)
{
	if (r->prefer_runtime)
		log_notice("reload: preferred_gateway '%s' waits: meshctl's choice '%s' "
			   "holds until meshctl gw reset", pref, l3_gw_preferred(r->node));
	else if (l3_gw_prefer(r->node, pref, mc_ev_now_ms(r->d->loop)) < 0)
		log_warn("reload: preferred_gateway '%s' is no hostname or node id "
			 "prefix; the preference stays '%s'", pref, l3_gw_preferred(r->node));
}

/* SIGHUP or meshctl reload: the gateway choice's settings at once, the
 * preference, and the offer's bandwidth and check (wan.c). */
static void l3routed_reload(struct mc_daemon *d, const struct mc_conf *old)
{
	struct l3routed *r = d->priv;
	const struct mc_conf_section *net = mc_conf_section(d->conf, "network");
	const char *pref = mc_conf_get_str(net, "preferred_gateway");
	uint32_t min_kbit, hyst_pct;

	gw_choice_config(net, &min_kbit, &hyst_pct);
	l3_gw_tune(r->node, min_kbit, hyst_pct);
	if (strcmp(pref, mc_conf_get_str(mc_conf_section(old, "network"),
					 "preferred_gateway")))
		prefer_reload(r, pref);
	l3sh_gws_reload(r);
}

/* ------------------------------------------------------------- ports */

/* Opens a port whose interface exists: up, IPv6 on, socket, core told. */
static int port_attach(struct l3routed *r, struct l3sh_port *p, bool quiet)
{
	struct mc_nl_link up = { .up = 1 };
	int rc;

	p->ifindex = mc_nl_ifindex(p->ifname);
	if (p->ifindex <= 0) {
		if (!quiet)
			log_warn("mesh port %s: no such interface yet; retrying every %u s",
				 p->ifname, L3SH_REOPEN_MS / 1000);
		p->ifindex = 0;
		return -ENODEV;
	}
	mc_nl_link_set(r->nl, p->ifindex, &up);
	mc_sysctl_if("ipv6", p->ifname, "disable_ipv6", "0");	/* the link-local is our source */
	/* off: a port without an IPv4 address fails even loose reverse-path
	 * checks, and one-way gateway tunnels bring answers in on a port that
	 * is not their source's route (doc/l3route-gateways.md) */
	mc_sysctl_if("ipv4", p->ifname, "rp_filter", "0");
	if ((rc = l3sh_sock_open(r, p)) < 0) {
		p->ifindex = 0;
		return rc;
	}
	p->up = true;
	l3_if_set_up(r->node, p->index, true, mc_ev_now_ms(r->d->loop));
	return 0;
}

static void port_detach(struct l3routed *r, struct l3sh_port *p)
{
	l3sh_sock_close(r, p);
	if (p->up)
		l3_if_set_up(r->node, p->index, false, mc_ev_now_ms(r->d->loop));
	p->up = false;
	p->ifindex = 0;
}

/* Every L3SH_REOPEN_MS: a port whose interface went (or was replaced) is
 * taken down; one whose interface appeared is opened. */
static void on_watch(void *user)
{
	struct l3routed *r = user;

	for (unsigned i = 0; i < r->nport; i++) {
		struct l3sh_port *p = &r->port[i];

		if (p->fd >= 0 && mc_nl_ifindex(p->ifname) != p->ifindex) {
			log_warn("mesh port %s went away; retrying every %u s", p->ifname,
				 L3SH_REOPEN_MS / 1000);
			port_detach(r, p);
		}
		if (p->fd < 0 && port_attach(r, p, true) == 0)
			log_notice("mesh port %s is up", p->ifname);
	}
	mc_timer_arm(r->d->loop, &r->watch, L3SH_REOPEN_MS);
}

static int ports_open(struct l3routed *r)
{
	const struct mc_conf_section *s = NULL;

	while ((s = mc_conf_next(r->d->conf, s, "net"))) {
		const char *role = mc_conf_get_str(s, "role");
		struct l3sh_port *p = &r->port[r->nport];
		uint64_t down = 0, up;
		bool wireless = false;
		int rc;

		if (!role || strcmp(role, "mesh"))
			continue;
		if (r->nport == L3SH_PORTS_MAX) {
			log_err("more than %d mesh ports", L3SH_PORTS_MAX);
			return -E2BIG;
		}
		mc_conf_get_bool(s, "wireless", &wireless);
		mc_conf_get_rate(s, "rate", &down, &up);
		memset(p, 0, sizeof(*p));
		p->fd = -1;
		snprintf(p->ifname, sizeof(p->ifname), "%s", mc_conf_get_str(s, "linux_name"));
		rc = l3_if_add(r->node, p->ifname, (uint32_t)down, wireless);
		if (rc < 0)
			return rc;
		p->index = (unsigned)rc;
		r->nport++;
		rc = port_attach(r, p, false);
		if (rc < 0 && rc != -ENODEV)
			return rc;	/* the interface is there but the socket failed */
	}
	if (!r->nport)
		log_warn("no mesh port configured (config net ... option role 'mesh')");
	return 0;
}

/* ------------------------------------------------------------- loop */

static void rearm(struct l3routed *r)
{
	mc_timer_arm_at(r->d->loop, &r->tick, l3_tick(r->node, mc_ev_now_ms(r->d->loop)));
}

/* Many nodes forgotten at once (a flood's made-up ones leave together):
 * their memory goes back to the system, not only to malloc's free lists. */
#define TRIM_AFTER_ORIGS 64

static void trim_after_forget(struct l3routed *r)
{
	struct l3_self_info si;

	l3_self(r->node, &si);
	if (si.norigs > r->origs_peak)
		r->origs_peak = si.norigs;
	if (r->origs_peak - si.norigs < TRIM_AFTER_ORIGS)
		return;
	malloc_trim(0);
	log_dbg(MC_DBG_L3, "%u nodes forgotten: memory returned", r->origs_peak - si.norigs);
	r->origs_peak = si.norigs;
}

static void on_tick(void *user)
{
	rearm(user);
	trim_after_forget(user);
}

/* Before the loop sleeps: what this iteration's packets made due sets the
 * timer, and a new description seqno is kept on disk at once. */
static void on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct l3routed *r = w->data;
	struct l3_self_info si;

	rearm(r);
	l3_self(r->node, &si);
	if (si.dseq != r->dseq_written) {
		l3sh_dseq_write(r->state_path, si.dseq);
		r->dseq_written = si.dseq;
	}
}

static void close_all(struct l3routed *r)
{
	l3sh_gws_stop(r);
	l3sh_tun_stop(r);
	for (unsigned i = 0; i < r->nport; i++)
		l3sh_sock_close(r, &r->port[i]);
	r->nport = 0;
	l3_node_free(r->node);	/* withdraws nothing: kernel_stop does */
	r->node = NULL;
	if (r->nl)
		l3sh_kernel_stop(r);
	mc_nl_close(r->nl);
	r->nl = NULL;
}

static void started(const struct l3routed *r)
{
	struct l3_self_info si;
	char hex[2 * L3_ID_LEN + 1], a[MC_IP_STRLEN];
	struct mc_ip ip = { .family = AF_INET6, .plen = 128 };

	l3_self(r->node, &si);
	memcpy(ip.a, &si.addr, 16);
	log_notice("node %s (%s) %s, dseq %u, %u mesh ports, %u prefixes, table %u",
		   l3_id_hex(si.id, 4, hex), si.hostname, mc_ip_format(&ip, a, sizeof(a)),
		   si.dseq, r->nport, r->nown, r->table);
}

static int l3routed_start(struct mc_daemon *d)
{
	static struct l3routed r;
	struct l3_config cfg;
	struct l3_env env = {
		.user = &r, .send = env_send, .route = env_route,
		.random = env_random, .log = env_log, .gateway = env_gateway,
		.changed = env_changed,
	};
	struct l3_self_info si;
	int rc;

	r.d = d;
	d->priv = &r;
	r.tun.fd = r.tun.sock = -1;
	r.gws.fd = r.gws.sock = r.gws.wc.fd = -1;
	rc = core_config(&r, &cfg);
	if (rc == 0 && (rc = mc_nl_open(&r.nl)) == 0) {
		r.node = l3_node_new(&cfg, &env, mc_ev_now_ms(d->loop));
		rc = r.node ? 0 : -EINVAL;
	}
	sodium_memzero(cfg.sk, sizeof(cfg.sk));
	if (rc < 0) {
		close_all(&r);
		return rc;
	}
	l3_self(r.node, &si);
	r.addr = si.addr;
	if ((rc = l3sh_kernel_start(&r)) < 0 || (rc = l3sh_tun_start(&r)) < 0 ||
	    (rc = l3sh_gws_start(&r)) < 0 || (rc = ports_open(&r)) < 0) {
		close_all(&r);
		return rc;
	}
	mc_timer_init(&r.tick, on_tick, &r);
	mc_timer_init(&r.watch, on_watch, &r);
	mc_timer_arm(d->loop, &r.watch, L3SH_REOPEN_MS);
	ev_prepare_init(&r.prep, on_prepare);
	r.prep.data = &r;
	ev_prepare_start(d->loop, &r.prep);
	started(&r);
	return 0;
}

static void l3routed_stop(struct mc_daemon *d)
{
	struct l3routed *r = d->priv;
	struct l3_self_info si;

	mc_timer_stop(d->loop, &r->tick);
	mc_timer_stop(d->loop, &r->watch);
	ev_prepare_stop(d->loop, &r->prep);
	/* neighbours drop their link to us at once, not after link_timeout */
	l3_node_goodbye(r->node, mc_ev_now_ms(d->loop));
	l3_self(r->node, &si);
	if (si.dseq != r->dseq_written)
		l3sh_dseq_write(r->state_path, si.dseq);
	close_all(r);
}

int main(int argc, char **argv)
{
	/* TUNs, routes and rules, the ICMP WAN check, nft */
	static const int caps[] = { CAP_NET_ADMIN, CAP_NET_RAW };
	static const char *const state[] = { "l3_key", NULL };
	struct mc_daemon_ops ops = {
		.name = "l3routed", .protocol = "l3route", .cmds = l3sh_cmds, .topics = l3sh_topics,
		.caps = caps, .ncaps = 2, .state_opts = state,
		.status = l3sh_status,
		.conf_parts = sm_conf_parts, .conf_own = &l3_conf_part,
		.start = l3routed_start, .stop = l3routed_stop,
		.reload = l3routed_reload,
	};

	ops.ncmds = l3sh_ncmds;
	ops.ntopics = l3sh_ntopics;
	return mc_daemon_main(argc, argv, &ops);
}
