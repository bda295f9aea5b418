/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meshctl's l2mesh commands, in batctl's shapes: the tables (o, n, tl, tg,
 * gwl, if), statistics, and ping/traceroute over batman ICMP.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "tools/meshctl/meshctl.h"

static const struct tbl_col orig_cols[] = {
	{ " ", "best", TBL_BOOL_STAR },
	{ "Originator", "originator", TBL_STR },
	{ "last-seen", "last_seen_ms", TBL_SECS },
	{ "(#/255)", "tq", TBL_TQ },
	{ "Nexthop", "nexthop", TBL_STR },
	{ "[outgoingIF]", "ifname", TBL_STR },
};

static const struct tbl_col neigh_cols[] = {
	{ "IF", "ifname", TBL_STR },
	{ "Neighbor", "neighbor", TBL_STR },
	{ "last-seen", "last_seen_ms", TBL_SECS },
};

static const struct tbl_col tl_cols[] = {
	{ "Client", "client", TBL_STR },
	{ "VID", "vid", TBL_INT },
	{ "Flags", "flags", TBL_STR },
	{ "Last seen", "last_seen_ms", TBL_SECS },
	{ "(CRC       )", "crc", TBL_STR },
};

static const struct tbl_col tg_cols[] = {
	{ " ", "best", TBL_BOOL_STAR },
	{ "Client", "client", TBL_STR },
	{ "VID", "vid", TBL_INT },
	{ "Flags", "flags", TBL_STR },
	{ "Last ttvn", "last_ttvn", TBL_INT },
	{ "Via", "originator", TBL_STR },
	{ "ttvn", "orig_ttvn", TBL_INT },
	{ "(CRC       )", "crc", TBL_STR },
};

static const struct tbl_col gw_cols[] = {
	{ " ", "best", TBL_BOOL_STAR },
	{ "Router", "router", TBL_STR },
	{ "( TQ)", "tq", TBL_TQ },
	{ "Next Hop", "nexthop", TBL_STR },
	{ "[outgoingIf]", "ifname", TBL_STR },
	{ "Bandwidth", "bandwidth", TBL_STR },
};

static const struct tbl_col if_cols[] = {
	{ "IF", "ifname", TBL_STR },
	{ "role", "role", TBL_STR },
	{ "status", "status", TBL_STR },
	{ "MTU", "mtu", TBL_INT },
	{ "MAC", "mac", TBL_STR },
	{ "rx", "rx_frames", TBL_INT },
	{ "tx", "tx_frames", TBL_INT },
	{ "rxDropped", "rx_dropped", TBL_INT },
	{ "txErrors", "tx_errors", TBL_INT },
};

#define COLS(c) c, sizeof(c) / sizeof(c[0])

const struct mc_table l2_tables[] = {
	{ "originators", "o", "originators", COLS(orig_cols), "originators (BATMAN IV): * marks the best next hop" },
	{ "neighbors", "n", "neighbors", COLS(neigh_cols), "one-hop neighbours per mesh port" },
	{ "translocal", "tl", "translocal", COLS(tl_cols), "local translation table (clients of this node)" },
	{ "transglobal", "tg", "transglobal", COLS(tg_cols), "global translation table (clients of other nodes)" },
	{ "gateways", "gwl", "gateways", COLS(gw_cols), "batman gateways (GW TVLV)" },
	{ "interface", "if", "interface", COLS(if_cols), "mesh and local ports" },
};
const unsigned l2_ntables = sizeof(l2_tables) / sizeof(l2_tables[0]);

/* The batctl banner over every l2 table, from l2meshd's status. */
void l2_banner(const struct opts *o)
{
	json_object *req = mc_request("status"), *st = NULL, *v;
	char buf[160] = "";

	if (mc_call(o, "l2meshd", req, &st, true) == 0) {
		snprintf(buf, sizeof(buf), "[softmesh %s, MainIF/MAC: bat0/%s (vid %d, BATMAN_IV)]",
			 json_object_object_get_ex(st, "version", &v) ? json_object_get_string(v) : "?",
			 json_object_object_get_ex(st, "originator", &v) ? json_object_get_string(v) : "?",
			 json_object_object_get_ex(st, "vid", &v) ? json_object_get_int(v) : 0);
		puts(buf);
	}
	json_object_put(st);
	json_object_put(req);
}

int cmd_statistics(const struct opts *o, int argc, char **argv)
{
	json_object *req = mc_request("statistics"), *data = NULL;
	int rc = mc_call(o, "l2meshd", req, &data, false);

	json_object_put(req);
	if (rc == 0 && o->json) {
		mc_print_json(data);
	} else if (rc == 0) {
		json_object_object_foreach(data, key, val)
			printf("\t%s: %lld\n", key, (long long)json_object_get_int64(val));
	}
	json_object_put(data);
	return rc;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

struct probe_session {
	struct mc_ctl_client *c;
	const struct opts *o;
	const char *dst;
	uint8_t uid;
};

/* Sends one probe; the reply line is read past any events in between. */
static int probe_send(struct probe_session *s, unsigned seq, unsigned ttl)
{
	json_object *req = mc_request("ping_send"), *msg = NULL, *v;
	size_t len;
	int rc;

	json_object_object_add(req, "dst", json_object_new_string(s->dst));
	json_object_object_add(req, "uid", json_object_new_int(s->uid));
	json_object_object_add(req, "seqno", json_object_new_int((int)seq));
	json_object_object_add(req, "ttl", json_object_new_int((int)ttl));
	const char *line = json_object_to_json_string_length(req, JSON_C_TO_STRING_PLAIN, &len);
	rc = mc_ctl_client_send_raw(s->c, line, len);
	if (rc == 0)
		rc = mc_ctl_client_send_raw(s->c, "\n", 1);
	json_object_put(req);
	while (rc == 0 && (rc = mc_ctl_client_read(s->c, &msg, s->o->timeout_ms)) == 0) {
		if (json_object_object_get_ex(msg, "ok", &v)) {
			if (!json_object_get_boolean(v)) {
				fprintf(stderr, "meshctl: %s\n", json_object_get_string(
					json_object_object_get(msg, "error")));
				rc = -EHOSTUNREACH;
			}
			break;
		}
		json_object_put(msg);	/* a stale event from an earlier probe */
		msg = NULL;
	}
	json_object_put(msg);
	return rc;
}

/* Waits for the answer to (uid, seq) until deadline; fills type and from. */
static int probe_wait(struct probe_session *s, unsigned seq, double deadline,
		      char *type, char *from)
{
	for (;;) {
		json_object *msg = NULL, *d;
		int left = (int)(deadline - now_ms());
		if (left <= 0)
			return -ETIMEDOUT;
		int rc = mc_ctl_client_read(s->c, &msg, left);
		if (rc < 0)
			return rc;
		if (json_object_object_get_ex(msg, "data", &d) &&
		    json_object_get_int(json_object_object_get(d, "uid")) == s->uid &&
		    json_object_get_int(json_object_object_get(d, "seqno")) == (int)seq) {
			snprintf(type, 32, "%s", json_object_get_string(json_object_object_get(d, "type")));
			snprintf(from, 32, "%s", json_object_get_string(json_object_object_get(d, "from")));
			json_object_put(msg);
			return 0;
		}
		json_object_put(msg);
	}
}

static int probe_open(struct probe_session *s, const struct opts *o, const char *dst)
{
	json_object *req = mc_request("subscribe"), *reply = NULL;
	int rc = mc_ctl_client_open(&s->c, o->rundir, "l2meshd");

	s->o = o;
	s->dst = dst;
	if (getrandom(&s->uid, 1, 0) != 1)
		s->uid = (uint8_t)getpid();
	if (rc < 0) {
		fprintf(stderr, "meshctl: l2meshd: %s\n", mc_open_error(rc));
		json_object_put(req);
		return EXIT_NOT_RUNNING;
	}
	json_object_object_add(req, "topic", json_object_new_string("icmp"));
	rc = mc_ctl_client_call(s->c, req, &reply, o->timeout_ms);
	json_object_put(req);
	json_object_put(reply);
	return rc < 0 ? 1 : 0;
}

/* meshctl ping [-c N] [-i MS] [-t TTL] DST: batctl ping's output. */
int cmd_ping(const struct opts *o, int argc, char **argv)
{
	struct probe_session s;
	unsigned count = 5, interval = 1000, ttl = 50, sent = 0, got = 0;
	double sum = 0, min = 1e9, max = 0;
	int i, rc;

	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "-c")) count = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-i")) interval = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-t")) ttl = (unsigned)atoi(argv[i + 1]);
		else break;
	}
	if (i != argc - 1 || !count || ttl < 1 || ttl > 255) {
		fprintf(stderr, "usage: meshctl ping [-c COUNT] [-i INTERVAL_MS] [-t TTL] MAC\n");
		return EXIT_USAGE;
	}
	if ((rc = probe_open(&s, o, argv[i])) != 0)
		return rc;
	printf("PING %s 20(48) bytes of data\n", argv[i]);
	for (unsigned seq = 1; seq <= count; seq++) {
		char type[32], from[32];
		double t0 = now_ms();
		if (probe_send(&s, seq, ttl) < 0)
			break;
		sent++;
		rc = probe_wait(&s, seq, t0 + 1000.0, type, from);
		double rtt = now_ms() - t0;
		if (rc == 0 && !strcmp(type, "echo_reply")) {
			printf("20 bytes from %s icmp_seq=%u ttl=%u time=%.2f ms\n", from, seq, ttl, rtt);
			got++;
			sum += rtt;
			min = rtt < min ? rtt : min;
			max = rtt > max ? rtt : max;
		} else if (rc == 0) {
			printf("From %s: %s, icmp_seq=%u\n", from, type, seq);
		} else {
			printf("Reply from host %s timed out\n", argv[i]);
		}
		fflush(stdout);
		if (seq < count && rtt < interval)
			usleep((useconds_t)((interval - rtt) * 1000));
	}
	printf("--- %s ping statistics ---\n%u packets transmitted, %u received, %u%% packet loss\n",
	       argv[i], sent, got, sent ? (sent - got) * 100 / sent : 100);
	if (got)
		printf("rtt min/avg/max = %.3f/%.3f/%.3f ms\n", min, sum / got, max);
	mc_ctl_client_close(s.c);
	return got ? 0 : 1;
}

/* meshctl traceroute DST: each hop answers TTL exceeded, the last an echo reply. */
int cmd_traceroute(const struct opts *o, int argc, char **argv)
{
	struct probe_session s;
	unsigned seq = 0;
	bool done = false;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: meshctl traceroute MAC\n");
		return EXIT_USAGE;
	}
	if ((rc = probe_open(&s, o, argv[1])) != 0)
		return rc;
	printf("traceroute to %s, 50 hops max, 20 byte packets\n", argv[1]);
	for (unsigned ttl = 1; ttl <= 50 && !done; ttl++) {
		char hop[32] = "*";
		printf("%2u: ", ttl);
		for (int k = 0; k < 3; k++) {
			char type[32], from[32];
			double t0 = now_ms();
			if (probe_send(&s, ++seq, ttl) < 0) {
				done = true;
				break;
			}
			if (probe_wait(&s, seq, t0 + 1000.0, type, from) < 0) {
				printf(" *");
				continue;
			}
			if (!strcmp(hop, "*")) {
				snprintf(hop, sizeof(hop), "%s", from);
				printf("%s ", hop);
			}
			printf(" %.3f ms", now_ms() - t0);
			done |= !strcmp(type, "echo_reply");
		}
		putchar('\n');
		fflush(stdout);
	}
	mc_ctl_client_close(s.c);
	return done ? 0 : 1;
}
