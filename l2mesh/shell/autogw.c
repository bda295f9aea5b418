/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * babeld's default route, as LibreMesh's babeld-auto-gw-mode keeps it
 * (doc/l2meshd.md "babeld's default route"): babeld redistributes only
 * default routes of protocol 7. While the WAN check (common/wancheck.h)
 * passes, l2meshd keeps a copy of the WAN's default route with protocol
 * 7 (IPv4 metric 10, IPv6 the WAN route's metric + 100); when it fails,
 * that copy goes and the WAN's own default route is demoted to metric
 * 84831, so that another gateway's default learnt over babel wins here
 * too. The check passing again undoes both; so does l2meshd stopping.
 */
#include "l2mesh/shell/l2meshd.h"

#include <errno.h>
#include <string.h>

#include "common/log.h"

#define AGW_PROTO 7u			/* what babeld's filters let through */
#define AGW_METRIC4 10u
#define AGW_V6_EXTRA 100u
#define AGW_DEMOTED 84831u		/* LibreMesh's NONWORKING_ROUTE_METRIC */
/* a passing check must last this long before the route comes back */
#define AGW_RESTORE_MS 2000u
/* the routes are compared with the wanted state every this many checks
 * (and at once on a change): a DHCP client may have put one back */
#define AGW_SYNC_EVERY 4u
#define AGW_ROUTES 32

/* The WAN ports' ifindexes now (a port that went and came back has a new one). */
static void wan_ifindexes(struct l2sh_autogw *g)
{
	for (unsigned i = 0; i < g->wc.nwan; i++)
		g->wan_ifindex[i] = mc_nl_ifindex(g->wc.wan[i]);
}

static bool is_wan(const struct l2sh_autogw *g, int oif)
{
	for (unsigned i = 0; i < g->wc.nwan; i++)
		if (g->wan_ifindex[i] == oif)
			return true;
	return false;
}

static const char *fam_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* The metric a demoted route had (IPv4 LibreMesh's 0, IPv6 the kernel's
 * 1024 when we never saw it). */
static uint32_t demoted_from(const struct l2sh_autogw *g, int family, int oif)
{
	for (unsigned i = 0; i < g->ndemoted; i++)
		if (g->demoted[i].family == family && g->demoted[i].oif == oif)
			return g->demoted[i].metric;
	return family == AF_INET ? 0 : 1024;
}

static void demoted_note(struct l2sh_autogw *g, int family, int oif, uint32_t metric)
{
	for (unsigned i = 0; i < g->ndemoted; i++)
		if (g->demoted[i].family == family && g->demoted[i].oif == oif) {
			g->demoted[i].metric = metric;
			return;
		}
	if (g->ndemoted < L2SH_AGW_DEMOTED_MAX)
		g->demoted[g->ndemoted++] = (struct l2sh_agw_demoted){ family, oif, metric };
}

/* Moves r to metric (add the new one first: never without a default). */
static int remetric(struct l2meshd *m, const struct mc_nl_route *r, uint32_t metric)
{
	struct mc_nl_route n = *r;
	int rc;

	n.metric = metric;
	if ((rc = mc_nl_route_add(m->nl, &n)) < 0 && rc != -EEXIST)
		return rc;
	return mc_nl_route_del(m->nl, r);
}

static bool same_path(const struct mc_nl_route *a, const struct mc_nl_route *b)
{
	return a->oif == b->oif && a->via.family == b->via.family &&
	       !memcmp(a->via.a, b->via.a, sizeof(a->via.a));
}

/* Brings one family's default routes to what on says. */
static void sync_family(struct l2meshd *m, int family, bool on)
{
	struct l2sh_autogw *g = &m->agw;
	struct mc_nl_route rt[AGW_ROUTES], *wan = NULL, want;
	int n = mc_nl_route_defaults(m->nl, family, rt, AGW_ROUTES), rc;
	bool have = false;

	if (n < 0) {
		log_warn("babeld default route: reading %s routes: %s", fam_name(family),
			 strerror(-n));
		return;
	}
	/* the WAN's own default routes: demoted or put back */
	for (int i = 0; i < n; i++) {
		struct mc_nl_route *r = &rt[i];

		if (r->protocol == AGW_PROTO || !is_wan(g, r->oif))
			continue;
		if (!on && r->metric != AGW_DEMOTED) {
			demoted_note(g, family, r->oif, r->metric);
			if ((rc = remetric(m, r, AGW_DEMOTED)) < 0)
				log_warn("babeld default route: demoting the %s WAN default: %s",
					 fam_name(family), strerror(-rc));
			else
				log_notice("%s WAN default route demoted to metric %u (WAN check: %s)",
					   fam_name(family), AGW_DEMOTED, g->wc.why);
			r->metric = AGW_DEMOTED;
		} else if (on && r->metric == AGW_DEMOTED) {
			uint32_t back = demoted_from(g, family, r->oif);
			if ((rc = remetric(m, r, back)) < 0)
				log_warn("babeld default route: restoring the %s WAN default: %s",
					 fam_name(family), strerror(-rc));
			else
				log_notice("%s WAN default route back at metric %u", fam_name(family),
					   back);
			r->metric = back;
		}
		if (!wan || r->metric < wan->metric)
			wan = r;
	}
	/* the copy babeld redistributes */
	if (on && wan) {
		want = *wan;
		want.protocol = AGW_PROTO;
		want.metric = family == AF_INET ? AGW_METRIC4 : wan->metric + AGW_V6_EXTRA;
	}
	for (int i = 0; i < n; i++) {
		struct mc_nl_route *r = &rt[i];

		if (r->protocol != AGW_PROTO)
			continue;
		if (on && wan && same_path(r, &want) && r->metric == want.metric) {
			have = true;
			continue;
		}
		if ((rc = mc_nl_route_del(m->nl, r)) < 0 && rc != -ESRCH)
			log_warn("babeld default route: removing a %s proto 7 default: %s",
				 fam_name(family), strerror(-rc));
		else if (!on)
			log_notice("%s default route for babeld withdrawn (WAN check: %s)",
				   fam_name(family), g->wc.why);
	}
	if (on && wan && !have) {
		char via[MC_IP_STRLEN] = "on-link";
		if (want.via.family)
			mc_ip_format(&want.via, via, sizeof(via));
		if ((rc = mc_nl_route_add(m->nl, &want)) < 0)
			log_warn("babeld default route: adding %s default via %s proto 7: %s",
				 fam_name(family), via, strerror(-rc));
		else
			log_notice("%s default route for babeld: via %s proto 7 metric %u",
				   fam_name(family), via, want.metric);
	}
	g->announced[family == AF_INET6] = on && wan;
}

static void sync_all(struct l2meshd *m, bool on)
{
	wan_ifindexes(&m->agw);
	sync_family(m, AF_INET, on);
	sync_family(m, AF_INET6, on);
}

static void on_agw_tick(void *user)
{
	struct l2meshd *m = user;
	struct l2sh_autogw *g = &m->agw;
	uint64_t now = mc_ev_now_ms(m->d->loop);
	bool pass = mc_wancheck_run(&g->wc, now), want;

	if (!pass)
		g->ok_since = UINT64_MAX;
	else if (g->ok_since == UINT64_MAX)
		g->ok_since = now;
	/* withdrawn at once, back when the check held for a while */
	want = pass && (g->on || now - g->ok_since >= AGW_RESTORE_MS);
	if (want != g->on) {
		g->on = want;
		g->changes++;
		log_notice("WAN check %s (%s): babeld's default route %s", want ? "passes" : "fails",
			   g->wc.why, want ? "announced" : "withdrawn");
		sync_all(m, want);
		l2sh_autogw_publish(m);
	} else if (++g->ticks % AGW_SYNC_EVERY == 0) {
		sync_all(m, g->on);
	}
	mc_timer_arm(m->d->loop, &g->timer, MC_WAN_CHECK_MS);
}

void l2sh_autogw_start(struct l2meshd *m)
{
	struct l2sh_autogw *g = &m->agw;
	bool want = true;

	mc_conf_get_bool(mc_conf_section(m->d->conf, "network"), "babeld_auto_gw", &want);
	mc_wancheck_config(&g->wc, m->d->conf);
	g->ok_since = UINT64_MAX;
	if (!m->nvlan || !want || !g->wc.nwan) {
		g->why = !m->nvlan ? "babeld not run" : !want ? "babeld_auto_gw 0" :
			 "no role wan port";
		return;
	}
	g->active = true;
	mc_wancheck_open(&g->wc, m->d->loop);	/* on failure logged: the check fails */
	/* the first check decides at once: no route until then */
	g->on = mc_wancheck_run(&g->wc, mc_ev_now_ms(m->d->loop)) && !g->wc.check.family;
	if (g->on)
		g->ok_since = 0;
	sync_all(m, g->on);
	log_notice("babeld's default route follows the WAN check on %s%s%s: %s", g->wc.wan[0],
		   g->wc.nwan > 1 ? " and others" : "", g->wc.check.family ? " with ping" : "",
		   g->on ? "announced" : "not yet");
	mc_timer_init(&g->timer, on_agw_tick, m);
	mc_timer_arm(m->d->loop, &g->timer, MC_WAN_CHECK_MS);
}

void l2sh_autogw_reload(struct l2meshd *m)
{
	struct l2sh_autogw *g = &m->agw;
	const char *chk = mc_conf_get_str(mc_conf_section(m->d->conf, "network"),
					  "gateway_check");

	if (g->active && mc_wancheck_retarget(&g->wc, chk, mc_ev_now_ms(m->d->loop)))
		log_notice("reload: babeld's default route follows gateway_check %s",
			   chk && *chk ? chk : "off (link state only)");
}

/* The routes as they were: the copies go, demoted ones come back. */
void l2sh_autogw_stop(struct l2meshd *m)
{
	struct l2sh_autogw *g = &m->agw;

	if (!g->active)
		return;
	mc_timer_stop(m->d->loop, &g->timer);
	wan_ifindexes(g);
	for (int f = 0; f < 2; f++) {
		int family = f ? AF_INET6 : AF_INET;
		struct mc_nl_route rt[AGW_ROUTES];
		int n = mc_nl_route_defaults(m->nl, family, rt, AGW_ROUTES);

		for (int i = 0; i < n; i++) {
			if (rt[i].protocol == AGW_PROTO)
				mc_nl_route_del(m->nl, &rt[i]);
			else if (rt[i].metric == AGW_DEMOTED && is_wan(g, rt[i].oif))
				remetric(m, &rt[i], demoted_from(g, family, rt[i].oif));
		}
	}
	mc_wancheck_close(&g->wc);
	g->active = false;
}

json_object *l2sh_autogw_json(const struct l2meshd *m)
{
	const struct l2sh_autogw *g = &m->agw;
	json_object *o = json_object_new_object(), *wan = json_object_new_array();
	char chk[MC_IP_STRLEN];

	for (unsigned i = 0; i < g->wc.nwan; i++)
		json_object_array_add(wan, mc_json_str(g->wc.wan[i]));
	mc_wancheck_target(&g->wc, chk, sizeof(chk));
	mc_json_add(o, "state", mc_json_str(!g->active ? "off" : g->on ? "announced" :
					     "withdrawn"));
	mc_json_add(o, "why", mc_json_str(g->active ? g->wc.why : g->why));
	mc_json_add(o, "wan", wan);
	mc_json_add(o, "check", mc_json_str(chk));
	mc_json_add(o, "ipv4", mc_json_bool(g->announced[0]));
	mc_json_add(o, "ipv6", mc_json_bool(g->announced[1]));
	mc_json_add(o, "changes", mc_json_int(g->changes));
	return o;
}

void l2sh_autogw_publish(struct l2meshd *m)
{
	mc_ctl_publish(m->d->ctl, "babeld_gw", l2sh_autogw_json(m));
}
