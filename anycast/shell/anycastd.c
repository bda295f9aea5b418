/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * anycastd: the shell around the anycast cores (doc/anycastd.md). It waits
 * for l2meshd's anygw TAP, then serves DHCPv4, router advertisements and
 * DNS there; every protocol decision is a core's.
 */
#include <linux/capability.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "anycast/acconf.h"
#include "anycast/shell/anycastd.h"
#include "common/log.h"
#include "common/nl.h"
#include "schemas/schemas.h"

#define AC_REOPEN_MS 1000u	/* how often to look for anygw until it is there */

uint64_t ac_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void core_log(void *user, int level, uint32_t cat, const char *msg)
{
	mc_log(level, "%s", msg);
}

static uint32_t core_rand(void *user)
{
	return randombytes_random();
}

/* ------------------------------------------------------------ the cores' env */

static void dhcp_send(void *user, const struct ac_dhcp_tx *tx) { ac_dhcp_io_send(user, tx); }
static void dhcp_probe(void *user, struct in_addr ip) { ac_arp_probe(user, ip); }
static bool dhcp_node(void *user, struct in_addr ip) { return ac_node_addr(user, ip); }
static bool dhcp_held(void *user, struct in_addr ip, const uint8_t mac[6])
{
	return ac_sync_held_elsewhere(user, ip, mac);
}

static void dhcp_changed(void *user, enum ac_lease_change what, const struct ac_lease *l)
{
	ac_lease_event(user, what, l);
}

static void ra_send(void *user, const uint8_t *msg, size_t len, const struct in6_addr *dst)
{
	ac_ra_io_send(user, msg, len, dst);
}

static void dns_reply(void *user, void *client, const uint8_t *msg, size_t len)
{
	ac_dns_io_reply(user, client, msg, len);
}

static void dns_forward(void *user, unsigned i, const uint8_t *msg, size_t len)
{
	ac_dns_io_forward(user, i, msg, len);
}

static unsigned dns_lookup(void *user, const char *name, int family, void *addrs,
			   unsigned max)
{
	return ac_name_lookup(user, name, family, addrs, max);
}

/* ------------------------------------------------------------ config */

static long conf_int(const struct mc_conf_section *s, const char *opt)
{
	long v = 0;

	mc_conf_get_int(s, opt, &v);
	return v;
}

static int dhcp_config(struct anycastd *a, struct ac_dhcp_config *c)
{
	const struct mc_conf_section *net = mc_conf_section(a->d->conf, "network");
	const char *res = mc_conf_get_str(net, "dhcp_reserved");
	unsigned plen = 0;
	struct mc_ip r;

	memset(c, 0, sizeof(*c));
	if (mc_conf_get_ipv4(net, "anygw_ipv4", &a->gw4, &plen) < 0 || plen < 8 || plen > 30) {
		log_err("anygw_ipv4: an address with a prefix of /8../30 is needed");
		return -EINVAL;
	}
	c->server = a->gw4;
	c->plen = (uint8_t)plen;
	c->net.s_addr = a->gw4.s_addr & htonl(~0u << (32 - plen));
	a->n1 = ((const uint8_t *)&a->gw4.s_addr)[1];
	if (res && *res && mc_ip_parse(res, &r) == 0 && r.family == AF_INET) {
		memcpy(&c->reserved_net, r.a, 4);
		c->reserved_plen = r.plen;
	}
	/* checked against the prefix by the config loader */
	c->pool_start = (uint32_t)conf_int(net, "anygw_dhcp_start");
	c->pool_limit = (uint32_t)conf_int(net, "anygw_dhcp_limit");
	c->lease_s = (uint32_t)conf_int(net, "dhcp_lease_time");
	c->mtu = (uint16_t)conf_int(net, "client_mtu");
	c->probe_ms = (uint32_t)conf_int(net, "dhcp_probe_ms");
	/* a probe ends after probe_ms; without one, an offer after 60 s */
	a->dhcp_first_ms = c->probe_ms ? c->probe_ms : AC_DHCP_OFFER_MS;
	snprintf(c->domain, sizeof(c->domain), "%s", a->domain);
	c->table_seed = randombytes_random();
	return 0;
}

static int ra_config(struct anycastd *a, struct ac_ra_config *c)
{
	const struct mc_conf_section *net = mc_conf_section(a->d->conf, "network");
	unsigned plen = 0;

	memset(c, 0, sizeof(*c));
	if (mc_conf_get_ipv6(net, "anygw_ipv6", &a->gw6, &plen) < 0 || plen != 64) {
		log_err("anygw_ipv6: an address with a /64 prefix is needed (SLAAC)");
		return -EINVAL;
	}
	c->prefix = a->gw6;
	c->plen = 64;
	c->rdnss = a->gw6;
	snprintf(c->dnssl, sizeof(c->dnssl), "%s", a->domain);
	c->mtu = (uint16_t)conf_int(net, "client_mtu");
	memcpy(c->src_mac, a->mac, 6);
	c->max_interval_ms = (uint32_t)conf_int(net, "ra_interval") * 1000u;
	return 0;
}

static int dns_config(struct anycastd *a, struct ac_dns_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->domain, sizeof(c->domain), "%s", a->domain);
	c->anycast4 = a->gw4;
	c->anycast6 = a->gw6;
	c->nupstreams = (unsigned)ac_dns_io_upstreams(a, c->upstream, AC_DNS_MAX_UPSTREAMS);
	return 0;
}

static int base_config(struct anycastd *a)
{
	const struct mc_conf *c = a->d->conf;
	const struct mc_conf_section *net = mc_conf_section(c, "network");
	const char *dir = mc_conf_get_str(net, "anycast_state_dir");
	const char *dom = mc_conf_get_str(mc_conf_section(c, "system"), "domain");

	if (mc_conf_get_mac(net, "anygw_mac", a->mac) < 0) {
		log_err("anygw_mac is not set: there is no anycast gateway to serve");
		return -EINVAL;
	}
	snprintf(a->ifname, sizeof(a->ifname), "anygw");
	snprintf(a->domain, sizeof(a->domain), "%s", dom ? dom : "");
	if (snprintf(a->state_path, sizeof(a->state_path), "%s/anycastd.leases", dir) >=
	    (int)sizeof(a->state_path))
		return -ENAMETOOLONG;
	return 0;
}

static int cores_new(struct anycastd *a)
{
	const struct ac_dhcp_env denv = {
		.user = a, .send = dhcp_send, .probe = dhcp_probe, .is_node_addr = dhcp_node,
		.held_elsewhere = dhcp_held, .lease_changed = dhcp_changed, .log = core_log,
	};
	const struct ac_ra_env renv = { .user = a, .send = ra_send, .rand = core_rand,
					.log = core_log };
	const struct ac_dns_env nenv = {
		.user = a, .reply = dns_reply, .forward = dns_forward, .lookup = dns_lookup,
		.rand = core_rand, .log = core_log,
	};
	struct ac_dhcp_config dc;
	struct ac_ra_config rc;
	struct ac_dns_config nc;
	int err;

	if ((err = base_config(a)) < 0 || (err = dhcp_config(a, &dc)) < 0 ||
	    (err = ra_config(a, &rc)) < 0 || (err = dns_config(a, &nc)) < 0)
		return err;
	if ((err = ac_dhcp_new(&a->dhcp, &dc, &denv)) < 0 ||
	    (err = ac_ra_new(&a->ra, &rc, &renv, mc_ev_now_ms(a->d->loop))) < 0 ||
	    (err = ac_dns_new(&a->dns, &nc, &nenv)) < 0)
		log_err("anycast core: %s", strerror(-err));
	return err;
}

/* ------------------------------------------------------------ the loop */

/* The DHCP core's tick (it walks every lease), only when it is due; its
 * next deadline moved from its wall clock to the loop's. */
static void dhcp_tick(struct anycastd *a, uint64_t now)
{
	uint64_t wall = ac_wall_ms(), due;

	if (now < a->dhcp_due)
		return;
	due = ac_dhcp_tick(a->dhcp, wall);
	a->dhcp_due = due == UINT64_MAX ? UINT64_MAX : now + (due > wall ? due - wall : 0);
}

void ac_dhcp_changed(struct anycastd *a)
{
	uint64_t due = mc_ev_now_ms(a->d->loop) + a->dhcp_first_ms;

	if (due < a->dhcp_due)
		a->dhcp_due = due;
	ac_rearm(a);
}

/* The three cores' next deadlines, on the loop's clock (RA and DNS ticks
 * are cheap: they look at their next event only). */
void ac_rearm(struct anycastd *a)
{
	uint64_t now = mc_ev_now_ms(a->d->loop), due, t;

	dhcp_tick(a, now);
	due = a->dhcp_due;
	if (a->ifindex && (t = ac_ra_tick(a->ra, now)) < due)
		due = t;
	if ((t = ac_dns_tick(a->dns, now)) < due)
		due = t;
	if (due != UINT64_MAX)
		mc_timer_arm_at(a->d->loop, &a->tick, due);
}

static void on_tick(void *user)
{
	ac_rearm(user);
}

/* Lease changes of one loop turn make one write of the state file. */
static void on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct anycastd *a = w->data;

	if (a->leases_dirty)
		ac_leases_save(a);
	if (a->sync.pub_dirty)
		ac_sync_tick(a);	/* shares the change now */
}

void ac_io_close(struct anycastd *a, ev_io *w, int *fd)
{
	if (*fd < 0)
		return;
	ev_io_stop(a->d->loop, w);
	close(*fd);
	*fd = -1;
}

static void io_close(struct anycastd *a)
{
	ac_dhcp_io_close(a);
	ac_ra_io_close(a);
	ac_dns_io_close(a);
}

/* anygw comes with l2meshd, which may start after us, or restart. */
static void on_retry(void *user)
{
	struct anycastd *a = user;
	int idx = mc_nl_ifindex(a->ifname), rc;

	if (idx == a->ifindex && idx) {
		mc_timer_arm(a->d->loop, &a->retry, AC_REOPEN_MS);
		return;
	}
	if (a->ifindex)
		log_warn("%s went away: waiting for l2meshd to make it again", a->ifname);
	io_close(a);
	a->ifindex = idx;
	if (idx && ((rc = ac_dhcp_io_open(a)) < 0 || (rc = ac_ra_io_open(a)) < 0 ||
		    (rc = ac_dns_io_open(a)) < 0)) {
		log_warn("%s: %s; trying again", a->ifname, strerror(-rc));
		io_close(a);
		a->ifindex = 0;
	} else if (idx) {
		log_notice("serving DHCP, RA and DNS on %s", a->ifname);
	}
	mc_timer_arm(a->d->loop, &a->retry, AC_REOPEN_MS);
	ac_rearm(a);
}

static void cores_free(struct anycastd *a)
{
	ac_dhcp_free(a->dhcp);
	ac_ra_free(a->ra);
	ac_dns_free(a->dns);
	a->dhcp = NULL;
	a->ra = NULL;
	a->dns = NULL;
}

static int anycastd_start(struct mc_daemon *d)
{
	static struct anycastd a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.d = d;
	d->priv = &a;
	a.dhcp_fd = a.pkt_fd = a.arp_fd = a.icmp6_fd = -1;
	for (unsigned i = 0; i < 4; i++)
		a.dns_fd[i] = -1;
	a.up_fd[0] = a.up_fd[1] = -1;
	if ((rc = cores_new(&a)) < 0) {
		cores_free(&a);
		return rc;
	}
	ac_leases_load(&a);
	ac_sync_start(&a);
	a.dhcp_due = 0;		/* a first tick: restored leases may be due */
	mc_timer_init(&a.tick, on_tick, &a);
	mc_timer_init(&a.retry, on_retry, &a);
	ev_prepare_init(&a.flush, on_prepare);
	a.flush.data = &a;
	ev_prepare_start(d->loop, &a.flush);
	on_retry(&a);
	if (!a.ifindex)
		log_notice("waiting for %s (l2meshd makes it)", a.ifname);
	return 0;
}

static void anycastd_stop(struct mc_daemon *d)
{
	struct anycastd *a = d->priv;

	if (a->ifindex)
		ac_ra_stop(a->ra, mc_ev_now_ms(d->loop));	/* clients drop us as router */
	if (a->leases_dirty)
		ac_leases_save(a);
	mc_timer_stop(d->loop, &a->tick);
	mc_timer_stop(d->loop, &a->retry);
	ev_prepare_stop(d->loop, &a->flush);
	ac_sync_stop(a);
	io_close(a);
	cores_free(a);
	ac_names_free(a);
}

int main(int argc, char **argv)
{
	/* DHCP on 67 and DNS on 53 bound to anygw, raw replies, RAs */
	static const int caps[] = { CAP_NET_ADMIN, CAP_NET_RAW, CAP_NET_BIND_SERVICE };
	static const char *const state[] = { "anycast_state_dir", NULL };
	struct mc_daemon_ops ops = {
		.name = "anycastd", .protocol = "anygw", .cmds = ac_cmds, .topics = ac_topics,
		.caps = caps, .ncaps = 3, .state_opts = state,
		.conf_parts = sm_conf_parts, .conf_own = &ac_conf_part,
		.status = ac_status, .start = anycastd_start, .stop = anycastd_stop,
	};

	if (sodium_init() < 0)
		return 1;
	ops.ncmds = ac_ncmds;
	ops.ntopics = ac_ntopics;
	return mc_daemon_main(argc, argv, &ops);
}
