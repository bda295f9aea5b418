/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L3ROUTED_H
#define L3ROUTED_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/daemon.h"
#include "common/evloop.h"
#include "common/json.h"
#include "common/nl.h"
#include "common/sys.h"
#include "common/wancheck.h"
#include "l3route/core/l3.h"

#define L3SH_PORTS_MAX 16
/* Ports whose interface is missing or went away are retried this often. */
#define L3SH_REOPEN_MS 2000u

/* One mesh port: a UDP socket bound to the interface (sock.c). */
struct l3sh_port {
	char ifname[IFNAMSIZ];
	unsigned index;		/* the core's interface number */
	int ifindex;		/* kernel's; 0 while the interface is missing */
	int fd;			/* -1 while closed */
	ev_io io;
	bool up;		/* what the core was last told */
	void *user;		/* struct l3routed */
	uint64_t rx_pkts, tx_pkts, tx_errors, rx_not_ll;
};

/* Gateway tunnel counters (doc/l3route-gateways.md), named in l3sh_tun_names. */
enum l3sh_tun_ctr {
	L3SH_TUN_TX_PKT, L3SH_TUN_TX_BYTES,
	L3SH_TUN_TX_NO_GW,	/* no gateway chosen for the packet's family */
	L3SH_TUN_TX_LOOP,	/* to a node address: must not re-enter the tunnel */
	L3SH_TUN_TX_MALFORMED,
	L3SH_TUN_TX_MULTICAST,	/* the kernel's own MLD/IGMP on smtun */
	L3SH_TUN_TX_ERR,
	L3SH_TUN_RX_PKT, L3SH_TUN_RX_BYTES,
	L3SH_TUN_RX_MALFORMED,
	L3SH_TUN_RX_NOT_MESH,	/* arrived on no mesh port (e.g. from the WAN) */
	L3SH_TUN_RX_UNKNOWN,	/* l3_tunnel_check: -ENOENT */
	L3SH_TUN_RX_BAD_SRC,	/* l3_tunnel_check: -EPERM */
	L3SH_TUN_RX_ERR,
	L3SH_TUN_MAX
};
extern const char *const l3sh_tun_names[L3SH_TUN_MAX];

#define L3SH_TUN_DEV "smtun"
#define L3SH_GW_DEV "smgw"
/* 1500 - 40 (outer IPv6) - 8 (UDP): a tunnelled packet fits a 1500 link. */
#define L3SH_TUN_MTU 1452u
/* After main (32766) and default (32767): only what nothing else routes. */
#define L3SH_TUN_RULE_PRIO 32768u
#define L3SH_TUN_PEERS 32
/* How long a passing WAN check (common/wancheck.h) must last before the
 * offer comes back (bounds descriptions from a flapping WAN). */
#define L3SH_WAN_RESTORE_MS 2000u

/* The chosen gateway of one family, copied out of the core's callback. */
struct l3sh_gwsel {
	bool valid;
	uint8_t id[L3_ID_LEN];
	struct in6_addr addr;
	char name[L3_HOSTNAME_MAX + 1];
};

/* What this node tunnelled to one gateway (by id). */
struct l3sh_tun_peer {
	uint8_t id[L3_ID_LEN];
	uint64_t pkts, bytes;
};

/* Node side: smtun, its table and rules, the sending socket (tunnel.c). */
struct l3sh_tun {
	int fd, ifindex, sock;
	ev_io io;
	uint16_t port;			/* l3_port + 1 */
	uint32_t table;			/* l3_table + 1 */
	bool rule_added[2], route_on[2], nft_loaded;
	struct l3sh_gwsel sel[2];	/* [0] IPv4, [1] IPv6 */
	struct l3sh_tun_peer peer[L3SH_TUN_PEERS];
};

/* Gateway side: offers, WAN check, smgw and the receiving socket (wan.c). */
struct l3sh_gwside {
	bool enabled;			/* option gateway 1 */
	uint32_t down_kbit, up_kbit;
	int fd, sock;			/* smgw, UDP [::]:port */
	ev_io sock_io;
	struct mc_wancheck wc;		/* role wan ports, gateway_check */
	/* state */
	bool v6_default, offered, offered_v6, ever_offered, nat_loaded;
	uint64_t ok_since_ms;		/* the check passes without a break since */
	const char *why;		/* why the offer is (not) there */
	unsigned ticks;
	struct mc_timer timer;
};
/* A route as written to the kernel, so exactly these go at exit (kroute.c). */
struct l3sh_kroute {
	struct mc_nl_route r;
};

struct l3routed {
	struct mc_daemon *d;
	struct l3_node *node;
	struct mc_nl *nl;
	uint16_t udp_port;
	uint32_t table;
	struct l3sh_port port[L3SH_PORTS_MAX];
	unsigned nport;
	/* routes we hold in the kernel: a small unsorted array */
	struct l3sh_kroute *kr;
	size_t nkr, kr_cap;
	uint64_t route_errors;
	/* prefixes this node announces: routes to them are never installed */
	struct l3_prefix own[L3_DESC_PREFIX_MAX + L3_DESC_GW_MAX];
	unsigned nown;
	/* what our own description announces (for "descriptions") */
	struct l3_prefix ann[L3_DESC_PREFIX_MAX - 1];
	unsigned nann;
	struct l3_gw_offer gw[L3_DESC_GW_MAX];
	unsigned ngw;
	struct in6_addr addr;	/* fd5e:: node address, on lo */
	bool addr_added, rule_added[2];
	char state_path[128];	/* desc seqno kept next to the key */
	uint32_t dseq_written;
	struct mc_timer tick, watch;
	ev_prepare prep;
	struct l3sh_tun tun;
	struct l3sh_gwside gws;
	uint64_t tun_ctr[L3SH_TUN_MAX];
	char key_path[128];		/* l3_key: .dseq and .gwprefer sit next to it */
	bool prefer_runtime;		/* the preference came from <l3_key>.gwprefer */
	unsigned origs_peak;		/* most originators since the last trim */
};

/* sock.c */
int l3sh_sock_open(struct l3routed *r, struct l3sh_port *p);
void l3sh_sock_close(struct l3routed *r, struct l3sh_port *p);
void l3sh_sock_send(struct l3sh_port *p, uint16_t udp_port, const struct in6_addr *dst,
		    const uint8_t *pkt, size_t len);

/* kroute.c */
int l3sh_kernel_start(struct l3routed *r);
void l3sh_kernel_stop(struct l3routed *r);
void l3sh_kroute(struct l3routed *r, bool add, const struct l3_kroute *k);
bool l3sh_kroute_installed(const struct l3routed *r, const struct mc_ip *dst);

/* keys.c: the node's secret key (path from l3_key) and the kept dseq. */
int l3sh_key_load(const char *path, uint8_t sk[L3_SK_LEN]);
uint32_t l3sh_dseq_start(const char *state_path, uint64_t unix_s);
/* The gateway preference file (meshctl gw prefer, kept across restarts):
 * its first line into line (len >= 2 bytes), 0 when it is a name
 * l3sh_prefer_ok() takes ("auto" included), -EINVAL when not (line then
 * holds what was read, for the log), -errno when it cannot be read. */
int l3sh_prefer_read(const char *path, char *line, size_t len);
/* Letters, digits and '-' (a hostname or hex id prefix), or "auto". */
bool l3sh_prefer_ok(const char *s);
void l3sh_dseq_write(const char *state_path, uint32_t dseq);
/* Writes len bytes to path through a temporary file and a rename, mode 0600. */
int l3sh_write_private(const char *path, const void *p, size_t len);

/* tunnel.c: the node side of the gateway tunnel. */
int l3sh_tun_start(struct l3routed *r);
void l3sh_tun_stop(struct l3routed *r);
void l3sh_tun_gateway(struct l3routed *r, int family, const struct l3_gw_info *sel);
const struct l3sh_tun_peer *l3sh_tun_peer(const struct l3routed *r,
					  const uint8_t id[L3_ID_LEN]);
/* A TUN device from the name pattern dev, IPv6 on but no link-local
 * address; its fd, or a negative errno (logged). */
int l3sh_tun_dev_open(const char *dev, char name[IFNAMSIZ]);
/* Runs `nft -f -` with script on its stdin: 0, or -1 (logged by the caller). */
int l3sh_nft(const char *script);

/* wan.c: the gateway side (offers, WAN check, smgw, NAT). */
void l3sh_gws_config(struct l3routed *r, struct l3_config *cfg);
int l3sh_gws_start(struct l3routed *r);
void l3sh_gws_stop(struct l3routed *r);
/* A reload: the offer's bandwidth and gateway_check from r->d->conf. */
void l3sh_gws_reload(struct l3routed *r);

/* gwctl.c: gateways / gw_prefer control commands, the kept preference. */
void l3sh_prefer_load(struct l3routed *r, struct l3_config *cfg);
json_object *l3sh_tun_json(const struct l3routed *r);
json_object *l3sh_offer_json(const struct l3routed *r);
json_object *l3sh_tun_counters(const struct l3routed *r);
int l3sh_cmd_gateways(json_object *req, json_object **data, const char **err, void *user);
int l3sh_cmd_gw_prefer(json_object *req, json_object **data, const char **err, void *user);

/* ctl.c */
extern const struct mc_ctl_cmd l3sh_cmds[];

/* tables.c: the tables, their dump commands and events */
extern const struct mc_ctl_topic l3sh_topics[];
extern const unsigned l3sh_ntopics;
int l3sh_cmd_links(json_object *req, json_object **data, const char **err, void *user);
int l3sh_cmd_originators(json_object *req, json_object **data, const char **err, void *user);
int l3sh_cmd_routes(json_object *req, json_object **data, const char **err, void *user);
int l3sh_cmd_descriptions(json_object *req, json_object **data, const char **err, void *user);
void l3sh_changed(struct l3routed *r, enum l3_change what, const uint8_t *id,
		  const struct mc_ip *dst);
extern const unsigned l3sh_ncmds;
void l3sh_status(struct mc_daemon *d, json_object *st);
const char *l3sh_ifname(const struct l3routed *r, unsigned ifidx);

#endif
