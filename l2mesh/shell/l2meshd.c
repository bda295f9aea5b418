/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l2meshd: the shell around l2mesh's core. It owns the wires (AF_PACKET mesh
 * and LAN ports, the bat0 and anygw TAPs), the timer, the addresses and
 * the control socket; every protocol decision is the core's.
 */
#include <linux/capability.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <time.h>

#include <arpa/inet.h>
#include <sys/random.h>

#include "common/hash.h"
#include "common/log.h"
#include "common/sys.h"
#include "common/tuntap.h"
#include "l2mesh/l2conf.h"
#include "l2mesh/shell/l2meshd.h"
#include "schemas/schemas.h"

/* batman-adv's hard-interface MTU for a 1500-byte mesh interface */
#define L2SH_MESH_MTU 1532u
/* a super_frames port's interface MTU: a 64 KB IP datagram, the client's
 * Ethernet header, the batman header, the trailer (ports.c) */
#define L2SH_SUPER_MTU 65535u

/* The frame held by a capture goes out after all (the core sent more
 * than one, or the super-frame could not follow it). */
static void capture_release(struct l2meshd *m)
{
	struct l2sh_capture *c = &m->cap;

	if (!c->held)
		return;
	c->held = false;
	if (c->mesh ? c->port < m->nmesh : c->port < m->nlocal)
		l2sh_port_send(c->mesh ? &m->mesh[c->port] : &m->local[c->port], c->frame, c->len);
}

/* True when a capture holds this send back (the first while it is on). */
static bool captured(struct l2meshd *m, bool mesh, unsigned port, const uint8_t *frame,
		     size_t len)
{
	struct l2sh_capture *c = &m->cap;

	if (!c->on)
		return false;
	if (c->sends++ == 0 && len <= sizeof(c->frame)) {
		c->held = true;
		c->mesh = mesh;
		c->port = port;
		c->len = len;
		memcpy(c->frame, frame, len);
		return true;
	}
	capture_release(m);
	return false;
}

static void env_mesh_send(void *user, unsigned port, const uint8_t *frame, size_t len)
{
	struct l2meshd *m = user;

	if (port < m->nmesh && !captured(m, true, port, frame, len))
		l2sh_port_send(&m->mesh[port], frame, len);
}

static void env_local_send(void *user, unsigned lport, const uint8_t *frame, size_t len)
{
	struct l2meshd *m = user;

	if (lport < m->nlocal && !captured(m, false, lport, frame, len))
		l2sh_port_send(&m->local[lport], frame, len);
}

/*
 * The core asks for a random number per forwarded OGM (its jitter): one
 * getrandom() fills 64 of them (at 256 nodes that was thousands of
 * syscalls a second per daemon).
 */
static uint32_t env_rand(void *user)
{
	static uint32_t pool[64];
	static unsigned left;

	(void)user;
	if (!left) {
		if (getrandom(pool, sizeof(pool), GRND_NONBLOCK) == (ssize_t)sizeof(pool)) {
			left = 64;
		} else {
			pool[0] = (uint32_t)random();
			left = 1;
		}
	}
	return pool[--left];
}

static void env_log(void *user, int level, uint32_t cat, const char *msg)
{
	if (level == MC_LOG_DEBUG)
		log_dbg(cat, "%s", msg);
	else
		mc_log(level, "%s", msg);
}

static bool env_debug_on(void *user, uint32_t cat)
{
	return (mc_log_debug() & cat) != 0;
}

static void env_icmp(void *user, const struct l2_icmp_result *res)
{
	l2sh_icmp_result(user, res);
}

static void env_changed(void *user, enum l2_change what, const uint8_t mac[6], uint16_t vid,
			unsigned port)
{
	if (what == L2_CHANGE_TT_LOCAL)
		l2sh_ttkeep_changed(user);
	l2sh_changed(user, what, mac, vid, port);
}

/*
 * OGMs held to the aggregation slots. In a large cloud OGMs come all the
 * time, from each neighbour in its own frame, and waking for each costs
 * more than handling it (the scheduler's switch is most of an idle
 * node's CPU). What the core forwards leaves at a slot anyway
 * (l2_slot_next), timed from when it was heard (l2_rx_mesh_heard), so
 * while OGMs came in at least OGM_BUSY_MIN of the last OGM_BUSY_SLOTS
 * slot periods, their sockets are not watched: the loop wakes at each
 * slot, reads them and sends what they made due in the same wake-up.
 * In a quiet cloud, a few OGMs a second, it wakes for them as they come
 * rather than ten times a second.
 */
#define OGM_SLOT_MS 100u	/* the core's L2_MAX_AGGREGATION_MS */
#define OGM_BUSY_SLOTS 10u
#define OGM_BUSY_MIN 5
/*
 * A port that held more than this at a slot (a cloud of 500 nodes brings
 * ~10) is flooded, or worse: OGMs are read as they come again for
 * OGM_FLOOD_MS. A held socket's queue fills within a slot under a flood
 * and the kernel drops what follows, our real neighbours' OGMs among
 * them; read as they come, the queue keeps draining.
 */
#define OGM_SLOT_MAX 64u
#define OGM_FLOOD_MS 1000u

static void ogm_busy_at(struct l2meshd *m, uint64_t t_ms, bool heard)
{
	uint64_t period = t_ms / OGM_SLOT_MS;

	if (period > m->ogm_period) {
		uint64_t k = period - m->ogm_period;
		m->ogm_busy = k >= 32 ? 0 : m->ogm_busy << k;
		m->ogm_period = period;
	}
	if (heard && m->ogm_period - period < 32)
		m->ogm_busy |= 1u << (m->ogm_period - period);
}

/* At (or past) the slot the loop was woken for, before the core's tick:
 * the OGMs heard since, so that what they make due at this slot leaves
 * in this wake-up, with the rest of the slot. */
static void ogm_slot_read(struct l2meshd *m, uint64_t now_ms)
{
	unsigned n = 0;

	if (!m->ogm_held || now_ms < m->ogm_slot)
		return;
	for (unsigned i = 0; i < m->nmesh; i++) {
		unsigned k = l2sh_port_ogm_read(&m->mesh[i], OGM_SLOT_MAX);

		if (k >= OGM_SLOT_MAX)
			m->ogm_flood_until = now_ms + OGM_FLOOD_MS;
		n += k;
	}
	if (n)
		m->ogm_held_reads++;
}

/* Holds OGMs or watches for them (above), before the loop sleeps. */
static void ogm_policy(struct l2meshd *m, uint64_t now_ms)
{
	bool held;

	ogm_busy_at(m, now_ms, false);
	held = l2_slot_next(m->node, now_ms) && now_ms >= m->ogm_flood_until &&
	       __builtin_popcount(m->ogm_busy & ((1u << OGM_BUSY_SLOTS) - 1)) >= OGM_BUSY_MIN;
	m->ogm_held = held;
	/* every port, every time: a port opened again starts watched */
	for (unsigned i = 0; i < m->nmesh; i++)
		l2sh_port_ogm_watch(m->d->loop, &m->mesh[i], !held);
}

static void rearm(struct l2meshd *m)
{
	uint64_t now = mc_ev_now_ms(m->d->loop), due = l2_tick(m->node, now);

	if (m->ogm_held) {
		m->ogm_slot = l2_slot_next(m->node, now);
		if (m->ogm_slot < due)
			due = m->ogm_slot;
	}
	mc_timer_arm_at(m->d->loop, &m->tick, due);
}

static void on_tick(void *user)
{
	struct l2meshd *m = user;

	/* held OGMs before the core's tick flushes this slot (rearm moves
	 * ogm_slot on, so the prepare watcher's read then has nothing to do) */
	ogm_slot_read(m, mc_ev_now_ms(m->d->loop));
	rearm(m);
}

/*
 * Before the loop sleeps: what the frames of this iteration made due (a
 * forwarded OGM 0-10 ms out, a rebroadcast) sets the timer, and every
 * queued frame goes out.
 */
static void drop_gone(struct l2meshd *m, struct l2sh_port *p, bool mesh);

/*
 * Busy polling (option busy_poll): a wake-up that brought fewer frames than
 * this is light traffic, where the next frame would pay the scheduler's
 * wake-up latency; under load a wake-up brings a batch and the next one is
 * already waiting, so sleeping costs nothing and polling would only take
 * CPU from the tasks that make the traffic.
 */
#define L2SH_SPIN_BELOW 4u

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* How long one polling spell runs before the loop looks at its other
 * watchers (control socket, TAPs, timers). */
#define L2SH_SPIN_SLICE_NS 100000u

/*
 * Polling: the rings are read from memory, without a system call, until a
 * frame comes (handled here; the loop then sends what it made) or the
 * busy_poll time since the last light wake-up is over. Each empty round
 * yields the CPU, so a task woken on this CPU runs first.
 */
static void on_spin(struct ev_loop *loop, ev_idle *w, int revents)
{
	struct l2meshd *m = w->data;
	uint64_t now = mono_ns(), slice_end = now + L2SH_SPIN_SLICE_NS;

	for (;;) {
		unsigned n = 0;
		for (unsigned i = 0; i < m->nmesh; i++)
			n += l2sh_port_poll(&m->mesh[i]);
		for (unsigned i = 0; i < m->nlocal; i++)
			n += l2sh_port_poll(&m->local[i]);
		if (n)
			return;
		now = mono_ns();
		if (now >= m->spin_until) {
			m->spin_ns += now - m->spin_from;
			ev_idle_stop(loop, w);
			return;
		}
		if (now >= slice_end)
			return;
		sched_yield();
	}
}

static void on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct l2meshd *m = w->data;
	uint64_t now_ms = mc_ev_now_ms(loop);

	/* rings resized first: what an old ring still held goes to the core */
	for (unsigned i = 0; i < m->nmesh; i++)
		l2sh_port_tune(loop, &m->mesh[i], now_ms);
	for (unsigned i = 0; i < m->nlocal; i++)
		l2sh_port_tune(loop, &m->local[i], now_ms);
	if (m->node) {
		ogm_slot_read(m, now_ms);	/* woken at the slot by something else */
		ogm_policy(m, now_ms);
		rearm(m);
	}
	if (m->spin_us) {
		uint64_t rx = m->rx_count;
		/* a few frames: light traffic, where a wake-up costs latency;
		 * a full batch: the next one is already there */
		if (rx != m->rx_seen && rx - m->rx_seen < L2SH_SPIN_BELOW) {
			uint64_t now = mono_ns();
			if (!ev_is_active(&m->spin))
				m->spin_from = now;
			m->spin_until = now + m->spin_us * 1000ull;
			ev_idle_start(loop, &m->spin);
		}
		m->rx_seen = rx;
	}
	for (unsigned i = 0; i < m->nmesh; i++) {
		l2sh_port_flush(&m->mesh[i]);
		drop_gone(m, &m->mesh[i], true);
	}
	for (unsigned i = 0; i < m->nlocal; i++) {
		l2sh_port_flush(&m->local[i]);
		if (!m->local[i].tap)
			drop_gone(m, &m->local[i], false);
	}
}

static void mesh_rx(struct l2sh_port *p, const uint8_t *frame, size_t len)
{
	struct l2meshd *m = p->user;

	m->rx_count++;
	if (p->heard_ms) {	/* an OGM from the port's OGM socket */
		ogm_busy_at(m, p->heard_ms, true);
		l2_rx_mesh_heard(m->node, p->index, frame, len, mc_ev_now_ms(m->d->loop),
				 p->heard_ms);
	} else
		l2_rx_mesh(m->node, p->index, frame, len, mc_ev_now_ms(m->d->loop));
}

static void local_rx(struct l2sh_port *p, const uint8_t *frame, size_t len)
{
	struct l2meshd *m = p->user;

	m->rx_count++;
	l2_rx_local(m->node, p->index, frame, len, mc_ev_now_ms(m->d->loop));
}

/*
 * TCP super-frames (doc/l2meshd.md#data-path). The first segment goes
 * through the core like any frame, with what the core sends held back
 * (struct l2sh_capture). If the core sent it as one frame to one port,
 * unchanged but for the headers in front, the whole super-frame follows
 * it there behind the same headers: whole where the port takes
 * super-frames (a LAN port; a mesh port with super_frames), else cut
 * into segments that skip the core. Otherwise the other segments go
 * through the core one by one.
 */
struct super_probe {
	struct l2sh_port *in;
	uint8_t *frame;		/* the super-frame, L2SH_SUPER_HEADROOM before it */
	size_t len, off;	/* off: where the client's frame starts in it */
	unsigned mss;
	bool first_done;
};

static bool cut_send(void *arg, uint8_t *seg, size_t len)
{
	l2sh_port_send(arg, seg, len);
	return true;
}

/* After the first segment (seg, len): may the rest follow it? */
static bool super_follow(struct l2meshd *m, struct super_probe *pr, const uint8_t *seg,
			 size_t len)
{
	struct l2sh_capture *c = &m->cap;
	size_t inner_seg = len - pr->off, delta;
	uint8_t *inner = pr->frame + pr->off, *out;
	struct l2sh_port *to;

	if (c->sends != 1 || !c->held || c->len < inner_seg)
		return false;
	delta = c->len - inner_seg;	/* the headers the core put in front */
	if (delta + 4 > pr->off + L2SH_SUPER_HEADROOM ||
	    memcmp(c->frame + delta, seg + pr->off, inner_seg) != 0)
		return false;
	if (c->mesh ? c->port >= m->nmesh : c->port >= m->nlocal)
		return false;
	to = c->mesh ? &m->mesh[c->port] : &m->local[c->port];
	out = inner - delta;
	memcpy(out, c->frame, delta);
	c->held = false;
	if (!l2sh_port_takes_super(to) ||
	    l2sh_port_send_super(to, out, delta + (pr->len - pr->off), delta, pr->mss) == -EMSGSIZE)
		l2sh_super_cut(out, delta + (pr->len - pr->off), delta, pr->mss, cut_send, to);
	return true;
}

static bool probe_emit(void *arg, uint8_t *seg, size_t len)
{
	struct super_probe *pr = arg;
	struct l2meshd *m = pr->in->user;
	bool done;

	pr->in->rx_frames++;
	if (pr->first_done) {
		pr->in->rx(pr->in, seg, len);
		return true;
	}
	pr->first_done = true;
	/* (not the frame buffer: only what says it is empty) */
	m->cap.on = true;
	m->cap.sends = 0;
	m->cap.held = false;
	pr->in->rx(pr->in, seg, len);
	m->cap.on = false;
	done = super_follow(m, pr, seg, len);
	capture_release(m);
	return !done;
}

static bool route_super(struct l2sh_port *p, uint8_t *frame, size_t len, size_t off,
			unsigned mss)
{
	struct super_probe pr = { .in = p, .frame = frame, .len = len, .off = off, .mss = mss };

	return l2sh_super_cut(frame, len, off, mss, probe_emit, &pr) > 0;
}

/*
 * The options a reload may change (MC_CONF_F_LIVE in l2mesh/l2conf.c and
 * gateway_bandwidth), into cfg. The offer follows the gateway flag the
 * daemon started with: turning it on or off takes a restart.
 */
static void live_config(struct l2meshd *m, struct l2_config *cfg)
{
	const struct mc_conf_section *net = mc_conf_section(m->d->conf, "network");
	uint64_t down = 0, up = 0;
	long v;

	if (mc_conf_get_int(net, "orig_interval", &v) == 0)
		cfg->orig_interval_ms = (uint32_t)v;
	if (mc_conf_get_int(net, "hop_penalty", &v) == 0)
		cfg->hop_penalty = (uint8_t)v;
	if (m->gateway)
		mc_conf_get_rate(net, "gateway_bandwidth", &down, &up);
	cfg->gw_down_kbit = (uint32_t)down;
	cfg->gw_up_kbit = (uint32_t)up;
	if (mc_conf_get_int(net, "busy_poll", &v) == 0)
		m->spin_us = (uint32_t)v;
	m->orig_interval_ms = cfg->orig_interval_ms;
}

/* Reads the l2 settings of the config into the core's. */
static int core_config(struct l2meshd *m, struct l2_config *cfg)
{
	const struct mc_conf *c = m->d->conf;
	const struct mc_conf_section *net = mc_conf_section(c, "network");
	unsigned plen;

	if (mc_conf_mac(c, m->mac) < 0) {
		log_err("no node MAC: set lime 'system' primary_mac or primary_interface");
		return -EINVAL;
	}
	l2_config_defaults(cfg, m->mac);
	mc_conf_get_bool(net, "gateway", &m->gateway);
	live_config(m, cfg);
	mc_conf_get_mac(net, "anygw_mac", cfg->anygw_mac);
	mc_conf_get_ipv4(net, "anygw_ipv4", &cfg->anygw_ip4, &plen);
	mc_conf_get_ipv6(net, "anygw_ipv6", &cfg->anygw_ip6, &plen);
	m->vid = (uint16_t)mc_conf_cloud_vid(c);
	return 0;
}

/* SIGHUP or meshctl reload: the new OGM interval, hop penalty and offer
 * go out with the next OGM; busy_poll holds from the next wake-up. */
static void l2meshd_reload(struct mc_daemon *d, const struct mc_conf *old)
{
	struct l2meshd *m = d->priv;
	struct l2_config cfg;

	l2_config_defaults(&cfg, m->mac);
	live_config(m, &cfg);
	l2_config_update(m->node, &cfg);
	l2sh_autogw_reload(m);
	log_info("reload: OGM every %u ms, hop penalty %u, gateway offer %u/%u kbit/s, "
		 "busy_poll %u us", cfg.orig_interval_ms, cfg.hop_penalty,
		 cfg.gw_down_kbit, cfg.gw_up_kbit, m->spin_us);
}

/* Brings ifindex up and reads its MAC and MTU. */
static int link_prepare(struct l2meshd *m, const char *ifname, uint8_t mac[6],
			unsigned *mtu)
{
	int ifindex = mc_nl_ifindex(ifname);
	struct mc_nl_link up = { .up = 1 };
	bool isup;

	if (ifindex <= 0) {
		log_err("interface %s does not exist", ifname);
		return -ENODEV;
	}
	int rc = mc_nl_link_set(m->nl, ifindex, &up);
	if (rc == 0)
		rc = mc_nl_link_get(m->nl, ifindex, mac, mtu, &isup);
	if (rc < 0)
		log_err("%s: %s", ifname, strerror(-rc));
	return rc;
}

/*
 * A port l2meshd switches is a wire, not a host interface: the kernel must
 * not answer ARP on it (it would answer for the anycast and node addresses
 * with the port's own MAC), and a client port needs no IPv6 at all (no
 * link-local, no ND answers). Mesh ports keep IPv6 for l3routed.
 */
static void port_quiet(const char *ifname, bool mesh)
{
	mc_sysctl_if("ipv4", ifname, "arp_ignore", "8");
	if (!mesh)
		mc_sysctl_if("ipv6", ifname, "disable_ipv6", "1");
}

/*
 * Brings an interface up as port p: MTU, the kernel kept off, the ring
 * handle. At start and again when a port that went away comes back.
 */
static int wire_attach(struct l2meshd *m, struct l2sh_port *p, const char *ifname,
		       bool mesh)
{
	char err[256];
	unsigned mtu;
	int rc;

	if ((rc = link_prepare(m, ifname, p->mac, &mtu)) < 0)
		return rc;
	/* a mesh port wants room for a whole 1500-byte client frame, the
	 * batman header (1532, as batman-adv asks) and our cloud tag; where
	 * the link does not allow it, fragmentation covers */
	unsigned want = p->mtu_cfg > 0 ? (unsigned)p->mtu_cfg :
			mesh && (mtu < L2SH_MESH_MTU + (p->vid ? 4u : 0u) || p->super) ?
			L2SH_MESH_MTU + (p->vid ? 4u : 0u) : mtu;
	/* a super_frames port carries frames of up to 64 KB: the kernel
	 * interface takes them (both ends of the veth), the core goes on
	 * with the MTU it would have had */
	unsigned kernel_mtu = p->super ? L2SH_SUPER_MTU : want;
	if (kernel_mtu != mtu) {
		struct mc_nl_link set = { .up = -1, .mtu = kernel_mtu };
		if (mc_nl_link_set(m->nl, mc_nl_ifindex(ifname), &set) == 0)
			mtu = want;
		else if (p->super)
			log_notice("%s: cannot set MTU %u: no super-frames on it", ifname,
				   kernel_mtu);
		else
			log_notice("%s: cannot set MTU %u, keeping %u (frames fragment)",
				   ifname, kernel_mtu, mtu);
		if (mtu != want)
			p->super = false;
	} else {
		mtu = want;
	}
	p->mtu = mtu;
	port_quiet(ifname, mesh);
	if ((rc = l2sh_wire_open(p, ifname, mesh, p->vid, err, sizeof(err))) < 0) {
		log_err("%s", err);
		return rc;
	}
	p->user = m;
	p->rx = mesh ? mesh_rx : local_rx;
	p->route_super = route_super;
	p->gone = false;
	return 0;
}

/* the cloud tag's 4 bytes come out of the port MTU (AF_PACKET allows no
 * extra room for an 802.1ad tag) */
static unsigned port_mtu(const struct l2meshd *m, const struct l2sh_port *p)
{
	return p->mtu - (p->vid ? 4 : 0);
}

/* Every L2SH_REOPEN_MS, the ports whose interface is missing are retried. */
#define L2SH_REOPEN_MS 2000u

/* vid: the port's cloud tag (mesh ports; mc_conf_port_vid) */
static int open_wire(struct l2meshd *m, const char *ifname, bool mesh, bool wireless,
		     bool super, long mtu_cfg, int vid)
{
	struct l2sh_port *p = mesh ? &m->mesh[m->nmesh] : &m->local[m->nlocal];
	int rc;

	if ((mesh ? m->nmesh : m->nlocal) >= L2SH_PORTS_MAX)
		return -ENOSPC;
	memset(p, 0, sizeof(*p));
	p->mtu_cfg = mtu_cfg;
	p->vid = mesh ? (uint16_t)vid : 0;
	p->super = mesh && super;
	p->fd = -1;
	if (mc_nl_ifindex(ifname) <= 0) {
		/* a radio that comes up late at boot: the port waits for it
		 * like one that went away (MAC and MTU come with it) */
		log_warn("interface %s does not exist yet: the port waits for it "
			 "(retrying every %u s)", ifname, L2SH_REOPEN_MS / 1000);
		snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
		p->gone = true;
		p->mtu = 1500;
	} else if ((rc = wire_attach(m, p, ifname, mesh)) < 0) {
		return rc;
	}
	rc = mesh ? l2_port_add(m->node, ifname, p->mac, port_mtu(m, p), wireless)
		  : l2_local_add(m->node, ifname, L2_LOCAL_LAN, p->mac);
	if (rc < 0)
		return rc;
	p->index = (unsigned)rc;
	mesh ? m->nmesh++ : m->nlocal++;
	if (p->gone && mesh)
		l2_port_set_up(m->node, p->index, false, mc_ev_now_ms(m->d->loop));
	else if (mesh && p->vid)
		log_info("mesh port %s: mtu %u%s%s, 802.1ad VLAN %u", ifname, p->mtu,
			 wireless ? ", wireless" : "", p->super ? ", super-frames" : "", p->vid);
	else if (mesh)
		log_info("mesh port %s: mtu %u%s%s, untagged", ifname, p->mtu,
			 wireless ? ", wireless" : "", p->super ? ", super-frames" : "");
	else
		log_info("lan port %s: mtu %u", ifname, p->mtu);
	return 0;
}

static bool reopen(struct l2meshd *m, struct l2sh_port *p, bool mesh)
{
	char ifname[sizeof(p->ifname)];

	memcpy(ifname, p->ifname, sizeof(ifname));
	if (mc_nl_ifindex(ifname) <= 0 || wire_attach(m, p, ifname, mesh) < 0)
		return false;
	l2sh_port_start(m->d->loop, p);
	if (mesh) {
		l2_port_set_link(m->node, p->index, p->mac, port_mtu(m, p));
		l2_port_set_up(m->node, p->index, true, mc_ev_now_ms(m->d->loop));
	} else {
		l2_local_set_mac(m->node, p->index, p->mac);
	}
	log_notice("port %s is back", ifname);
	l2sh_ports_changed(m);
	return true;
}

static void on_reopen(void *user)
{
	struct l2meshd *m = user;
	bool waiting = false;

	for (unsigned i = 0; i < m->nmesh; i++)
		if (m->mesh[i].gone && !reopen(m, &m->mesh[i], true))
			waiting = true;
	for (unsigned i = 0; i < m->nlocal; i++)
		if (m->local[i].gone && !m->local[i].tap && !reopen(m, &m->local[i], false))
			waiting = true;
	if (l2sh_vlans_retry(m))
		waiting = true;
	if (waiting)
		mc_timer_arm(m->d->loop, &m->reopen, L2SH_REOPEN_MS);
}

/* A port whose interface went away is closed, and taken down in the core. */
static void drop_gone(struct l2meshd *m, struct l2sh_port *p, bool mesh)
{
	if (!p->gone || (!p->wire && !p->tap))
		return;
	log_warn("port %s went away; retrying every %u s", p->ifname, L2SH_REOPEN_MS / 1000);
	l2sh_port_close(m->d->loop, p);
	if (mesh)
		l2_port_set_up(m->node, p->index, false, mc_ev_now_ms(m->d->loop));
	l2sh_ports_changed(m);
	mc_timer_arm(m->d->loop, &m->reopen, L2SH_REOPEN_MS);
}

static int open_wires(struct l2meshd *m)
{
	const struct mc_conf_section *s = NULL;

	while ((s = mc_conf_next(m->d->conf, s, "net"))) {
		const char *role = mc_conf_get_str(s, "role");
		bool wireless = false, super = false, mesh = role && !strcmp(role, "mesh");
		long mtu = 0;
		int rc;

		if (!mesh && !(role && !strcmp(role, "lan")))
			continue;	/* wan ports are l3routed's */
		if (mesh && !mc_conf_port_batman(m->d->conf, s)) {
			/* LibreMesh: a port's protocols say what runs on it
			 * (babeld:17 alone: its VLAN interface, vlans.c) */
			log_info("port %s: its list protocols names no batadv: no batman on it",
				 mc_conf_get_str(s, "linux_name"));
			continue;
		}
		mc_conf_get_bool(s, "wireless", &wireless);
		mc_conf_get_bool(s, "super_frames", &super);
		mc_conf_get_int(s, "mtu", &mtu);
		rc = open_wire(m, mc_conf_get_str(s, "linux_name"), mesh, wireless, super, mtu,
			       mc_conf_port_vid(m->d->conf, s));
		if (rc < 0)
			return rc;
	}
	if (!m->nmesh)
		log_warn("no mesh port configured (config net ... option role 'mesh')");
	return 0;
}

/* Adds one "a.b.c.d/len"-style config address to ifindex. */
void l2sh_addr_from_conf(struct l2meshd *m, int ifindex, const char *opt, bool host)
{
	const char *s = mc_conf_get_str(mc_conf_section(m->d->conf, "network"), opt);
	struct mc_ip ip;
	int rc;

	if (!s || !*s || mc_ip_parse(s, &ip) < 0)
		return;
	if (host)	/* anycast: one address, no second connected route */
		ip.plen = ip.family == AF_INET ? 32 : 128;
	rc = mc_nl_addr_add(m->nl, ifindex, &ip);
	if (rc < 0 && rc != -EEXIST)
		log_warn("address %s: %s", s, strerror(-rc));
}

static int open_tap(struct l2meshd *m, const char *name, enum l2_local_kind kind,
		    const uint8_t mac[6], unsigned mtu)
{
	struct l2sh_port *p = &m->local[m->nlocal];
	char ifname[IFNAMSIZ];
	int fd = mc_tuntap_open(name, MC_TUNTAP_TAP, ifname), rc;

	if (fd < 0) {
		log_err("TAP %s: %s", name, strerror(-fd));
		return fd;
	}
	memset(p, 0, sizeof(*p));
	l2sh_tap_adopt(p, ifname, fd);
	memcpy(p->mac, mac, 6);
	p->mtu = mtu;
	p->user = m;
	p->rx = local_rx;
	struct mc_nl_link want = { .up = 1, .mtu = mtu, .mac = mac };
	int ifindex = mc_nl_ifindex(ifname);
	if ((rc = mc_nl_link_set(m->nl, ifindex, &want)) < 0) {
		log_err("%s: %s", ifname, strerror(-rc));
		return rc;
	}
	if (kind == L2_LOCAL_HOST) {
		l2sh_addr_from_conf(m, ifindex, "main_ipv4_address", false);
		l2sh_addr_from_conf(m, ifindex, "main_ipv6_address", false);
	} else {
		l2sh_addr_from_conf(m, ifindex, "anygw_ipv4", true);
		l2sh_addr_from_conf(m, ifindex, "anygw_ipv6", true);
		l2sh_anygw_route(m, ifindex);
	}
	rc = l2_local_add(m->node, ifname, kind, mac);
	if (rc < 0)
		return rc;
	p->index = (unsigned)rc;
	m->nlocal++;
	return 0;
}

static int open_taps(struct l2meshd *m)
{
	const struct mc_conf_section *net = mc_conf_section(m->d->conf, "network");
	uint8_t anygw[6];
	long mtu = 0;
	int rc;

	mc_conf_get_int(net, "bat0_mtu", &mtu);	/* defaulted: always set */
	if ((rc = open_tap(m, "bat0", L2_LOCAL_HOST, m->mac, (unsigned)mtu)) < 0)
		return rc;
	if (mc_conf_get_mac(net, "anygw_mac", anygw) < 0)
		return 0;
	return open_tap(m, "anygw", L2_LOCAL_ANYGW, anygw, (unsigned)mtu);
}

/*
 * The OGM and broadcast seqnos survive restarts in $rundir/l2meshd.seqno
 * ("OGM BCAST"). A crash loses what was sent since the last write, so the
 * file holds seqnos ahead of the real ones: for OGMs by more than one
 * period's worth plus the peers' 64-wide window; for broadcasts by half
 * the forward range a peer takes without calling it a restart (65536),
 * enough for 1000 broadcasts a second between writes. A restart then
 * always continues forward and the peers drop nothing.
 */
#define L2SH_SEQNO_KEEP_MS 30000u
#define L2SH_BCAST_AHEAD 32768u

static void seqno_path(const struct l2meshd *m, char *buf, size_t len)
{
	snprintf(buf, len, "%s/l2meshd.seqno", m->d->rundir);
}

static void seqno_write(struct l2meshd *m, uint32_t ogm, uint32_t bcast)
{
	char path[256], tmp[272];
	FILE *f;

	seqno_path(m, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "we");
	if (!f)
		return;
	fprintf(f, "%u %u\n", ogm, bcast);
	if (fclose(f) == 0)
		rename(tmp, path);
}

/*
 * The aggregation slots' phase from the boot id: every l2meshd of one box
 * (a lab of hundreds of nodes, containers) flushes its OGMs at the same
 * moments, so a node takes its neighbours' frames in fewer wake-ups (at
 * 256 nodes 0.20 % of a core a node instead of 0.29 %); boxes differ, so
 * nodes on separate boxes with their clocks in step by NTP still do not
 * broadcast in step. Random (the core's default) without a boot id.
 */
static int16_t agg_phase(void)
{
	char id[64] = "";
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	if (!f)
		return -1;
	if (!fgets(id, sizeof(id), f))
		id[0] = 0;
	fclose(f);
	if (!id[0])
		return -1;
	return (int16_t)(mc_hash_bytes(id, strlen(id), 0x6167) % 100);
}

/* An older file holds the OGM seqno only: the broadcast one starts random. */
static void seqno_read(struct l2meshd *m, struct l2_config *cfg)
{
	char path[256];
	uint32_t v[2];
	int n;

	seqno_path(m, path, sizeof(path));
	if ((n = mc_file_read_u32s(path, v, 2)) < 1)
		return;
	cfg->seqno_kept = true;
	cfg->seqno_start = v[0];
	if (n == 2) {
		cfg->bcast_seqno_kept = true;
		cfg->bcast_seqno_start = v[1];
	}
}

static void on_keep(void *user)
{
	struct l2meshd *m = user;
	uint32_t ahead = 2 * L2SH_SEQNO_KEEP_MS / m->orig_interval_ms + 64;

	seqno_write(m, l2_ogm_seqno(m->node) + ahead,
		    l2_bcast_seqno(m->node) + L2SH_BCAST_AHEAD);
	/* a client seen again is no change, yet its age in the file grows:
	 * rewrite now and then so a restart does not think it older */
	l2sh_ttkeep_save(m);
	mc_timer_arm(m->d->loop, &m->keep, L2SH_SEQNO_KEEP_MS);
}

static void close_all(struct l2meshd *m)
{
	for (unsigned i = 0; i < m->nmesh; i++)
		l2sh_port_close(m->d->loop, &m->mesh[i]);
	for (unsigned i = 0; i < m->nlocal; i++)
		l2sh_port_close(m->d->loop, &m->local[i]);
	m->nmesh = m->nlocal = 0;
	l2sh_vlans_close(m);
	l2sh_anygw_unroute(m);
	l2_node_free(m->node);
	m->node = NULL;
	mc_nl_close(m->nl);
	m->nl = NULL;
}

static int l2meshd_start(struct mc_daemon *d)
{
	static struct l2meshd m;
	struct l2_config cfg;
	struct l2_env env = {
		.user = &m, .mesh_send = env_mesh_send, .local_send = env_local_send,
		.rand = env_rand, .log = env_log, .debug_on = env_debug_on, .icmp = env_icmp,
		.changed = env_changed,
	};
	int rc;

	m.d = d;
	d->priv = &m;
	if ((rc = core_config(&m, &cfg)) < 0)
		return rc;
	seqno_read(&m, &cfg);
	cfg.agg_phase = agg_phase();
	if ((rc = mc_nl_open(&m.nl)) < 0)
		return rc;
	m.node = l2_node_new(&cfg, &env, mc_ev_now_ms(d->loop));
	if (!m.node)
		return -ENOMEM;
	if ((rc = open_taps(&m)) < 0 || (rc = open_wires(&m)) < 0 ||
	    (rc = l2sh_vlans_open(&m)) < 0) {
		close_all(&m);
		return rc;
	}
	l2sh_ttkeep_init(&m);
	l2sh_ttkeep_load(&m);	/* after the ports: TT sizes its table by their MTUs */
	for (unsigned i = 0; i < m.nmesh; i++)
		if (!m.mesh[i].gone)
			l2sh_port_start(d->loop, &m.mesh[i]);
	for (unsigned i = 0; i < m.nlocal; i++)
		if (!m.local[i].gone)
			l2sh_port_start(d->loop, &m.local[i]);
	mc_timer_init(&m.tick, on_tick, &m);
	rearm(&m);
	mc_timer_init(&m.keep, on_keep, &m);
	on_keep(&m);
	mc_timer_init(&m.reopen, on_reopen, &m);
	mc_timer_arm(d->loop, &m.reopen, L2SH_REOPEN_MS);	/* ports still to come */
	if ((rc = l2sh_babel_start(&m)) < 0) {
		close_all(&m);
		return rc;
	}
	l2sh_autogw_start(&m);
	ev_prepare_init(&m.flush, on_prepare);
	m.flush.data = &m;
	ev_prepare_start(d->loop, &m.flush);
	ev_idle_init(&m.spin, on_spin);
	m.spin.data = &m;
	char macs[MC_MAC_STRLEN];
	log_notice("originator %s, cloud vid %u, %u mesh and %u local ports",
		  mc_mac_format(m.mac, macs, sizeof(macs)), m.vid, m.nmesh, m.nlocal);
	return 0;
}

static void l2meshd_stop(struct mc_daemon *d)
{
	struct l2meshd *m = d->priv;

	mc_timer_stop(d->loop, &m->tick);
	mc_timer_stop(d->loop, &m->keep);
	mc_timer_stop(d->loop, &m->reopen);
	l2sh_autogw_stop(m);	/* the WAN's default routes as they were */
	l2sh_babel_stop(m);	/* its routes go while the interfaces are still there */
	/* a clean stop knows them exactly */
	seqno_write(m, l2_ogm_seqno(m->node), l2_bcast_seqno(m->node));
	l2sh_ttkeep_stop(m);
	ev_prepare_stop(d->loop, &m->flush);
	ev_idle_stop(d->loop, &m->spin);
	for (unsigned i = 0; i < m->nmesh; i++)
		l2sh_port_flush(&m->mesh[i]);
	close_all(m);	/* closing the TAP fds removes bat0 and anygw */
}

/* TAPs, rings, links and routes; babeld runs with them too */
static const int l2_caps[] = { CAP_NET_ADMIN, CAP_NET_RAW };

static const struct mc_daemon_ops ops = {
	.name = "l2meshd", .protocol = "batadv",
	.caps = l2_caps, .ncaps = 2,
	.cmds = l2sh_cmds,
	.topics = l2sh_topics,
	.conf_parts = sm_conf_parts,
	.conf_own = &l2_conf_part,
	.status = l2sh_status,
	.start = l2meshd_start,
	.stop = l2meshd_stop,
	.reload = l2meshd_reload,
};

int main(int argc, char **argv)
{
	struct mc_daemon_ops o = ops;

	o.ncmds = l2sh_ncmds;
	o.ntopics = l2sh_ntopics;
	return mc_daemon_main(argc, argv, &o);
}
