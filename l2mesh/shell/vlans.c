/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VLAN interfaces l2meshd provides on its mesh ports for LibreMesh's
 * babeld:VID (vport.h, doc/l2meshd.md "VLAN interfaces"): one TAP per
 * port and VLAN, with the port's MAC, its MTU less the tag, and the
 * node's IPv4 address as a /32 (as lime-proto-babeld gives each babel
 * interface); IPv6 link-local comes from the kernel.
 */
#include "l2mesh/shell/l2meshd.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"

/* The TAP's link: the port's MAC (when the port is there) and MTU less
 * the tag, up. */
static void vlan_link(struct l2meshd *m, struct l2sh_vport *v)
{
	int pidx = mc_nl_ifindex(v->port), tidx = mc_nl_ifindex(v->ifname);
	uint8_t mac[6];
	unsigned mtu = 1500;
	bool up;
	struct mc_nl_link want = { .up = 1 };

	if (pidx > 0 && mc_nl_link_get(m->nl, pidx, mac, &mtu, &up) == 0)
		want.mac = mac;
	/* a super_frames port's interface MTU is for super-frames only
	 * (65535): the VLAN gets the port's usual one */
	for (unsigned i = 0; i < m->nmesh; i++)
		if (m->mesh[i].super && !strcmp(m->mesh[i].ifname, v->port))
			mtu = m->mesh[i].mtu;
	/* a port batman does not use is brought up here */
	if (pidx > 0 && !up) {
		struct mc_nl_link pup = { .up = 1 };

		mc_nl_link_set(m->nl, pidx, &pup);
	}
	want.mtu = mtu > 1504 ? mtu - 4 : 1500;
	if (tidx > 0 && mc_nl_link_set(m->nl, tidx, &want) < 0)
		log_warn("%s: cannot set its link", v->ifname);
}

static int vlan_open(struct l2meshd *m, const char *port, int vid)
{
	struct l2sh_vport *v = &m->vlan[m->nvlan];
	char err[160];
	int rc;

	if (m->nvlan >= L2SH_VLANS_MAX) {
		log_warn("%s: more than %u VLAN interfaces, not made", port, L2SH_VLANS_MAX);
		return 0;
	}
	if (vid == 0 || vid == m->vid) {
		log_warn("%s: VLAN %d is %s: no interface of its own", port, vid,
			 vid ? "the cloud's (batman's)" : "the port itself");
		return 0;
	}
	if ((rc = l2sh_vport_open(v, m->d->loop, port, (uint16_t)vid, err, sizeof(err))) < 0) {
		log_err("%s", err);
		return rc;
	}
	m->nvlan++;
	vlan_link(m, v);
	l2sh_addr_from_conf(m, mc_nl_ifindex(v->ifname), "main_ipv4_address", true);
	log_info("VLAN interface %s: %s tagged 802.1ad %d%s", v->ifname, port, vid,
		 v->sockfd < 0 ? " (waiting for the port)" : "");
	return 0;
}

int l2sh_vlans_open(struct l2meshd *m)
{
	const struct mc_conf_section *s = NULL;

	while ((s = mc_conf_next(m->d->conf, s, "net"))) {
		const char *role = mc_conf_get_str(s, "role");
		int vids[4];
		unsigned n;

		if (!role || strcmp(role, "mesh"))
			continue;
		n = mc_conf_port_proto_vids(m->d->conf, s, "babeld", vids, 4);
		for (unsigned i = 0; i < n; i++) {
			int rc = vlan_open(m, mc_conf_get_str(s, "linux_name"), vids[i]);

			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

bool l2sh_vlans_retry(struct l2meshd *m)
{
	bool waiting = false;

	for (unsigned i = 0; i < m->nvlan; i++) {
		struct l2sh_vport *v = &m->vlan[i];

		if (v->sockfd >= 0)
			continue;
		if (l2sh_vport_bind(v) < 0) {
			waiting = true;
			continue;
		}
		vlan_link(m, v);
		log_notice("VLAN interface %s: port %s is back", v->ifname, v->port);
	}
	return waiting;
}

void l2sh_vlans_close(struct l2meshd *m)
{
	for (unsigned i = 0; i < m->nvlan; i++)
		l2sh_vport_close(&m->vlan[i]);
	m->nvlan = 0;
}
