/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meshctl ping and traceroute, in batctl's shapes, over l2meshd's
 * control socket: one connection subscribes to "icmp" events, then each
 * probe is a ping_send request (l2meshd builds and routes the batman
 * ICMP echo) whose answer comes back as an event with our uid and seqno.
 * The target is resolved first (target.c): MAC, bat-hosts name or IP,
 * then a client's serving originator from the translation table.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "tools/meshctl/meshctl.h"

#define TRACE_PROBES 3		/* per hop, as batctl */
#define TRACE_WAIT_MS 1000
#define ICMP_BYTES 20		/* struct batadv_icmp_packet */

struct probe {
	struct mc_ctl_client *c;
	const struct opts *o;
	struct mc_bathosts hosts;
	struct mc_target t;
	char dst[MC_MAC_STRLEN];	/* t.dst as text */
	uint8_t uid;
};

struct probe_answer {
	char type[16];		/* echo_reply, ttl_exceeded, unreachable, other */
	char from[MC_MAC_STRLEN];
	int ttl;
	double rtt_ms;
	char why[128];		/* l2meshd's reason when it refused to send */
};

static volatile sig_atomic_t probe_stop;

static void probe_on_signal(int sig)
{
	probe_stop = 1;
}

/* ^C or SIGTERM ends the run with its statistics, as in batctl. */
static void probe_signals(void)
{
	struct sigaction sa = { .sa_handler = probe_on_signal };	/* no SA_RESTART */

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(double ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000.0) };

	if (ms <= 0)
		return;
	ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1000.0) * 1e6);
	nanosleep(&ts, NULL);	/* a signal cuts it short: probe_stop is set */
}

/* ------------------------------------------------------------ session */

static int rows_of(const struct opts *o, const char *cmd, json_object **rows)
{
	json_object *req = mc_request(cmd);
	int rc = mc_call(o, "l2meshd", req, rows, false);

	json_object_put(req);
	return rc;
}

/* p->t from arg; 0, or the exit code after saying why not. */
static int probe_resolve(struct probe *p, const char *cmd, const char *arg, bool translate)
{
	struct mc_resolve r = { .hosts = &p->hosts, .neigh = mc_neigh_resolve,
				.translate = translate };
	char err[MC_ARGS_ERRLEN];
	int rc = mc_bathosts_load_all(&p->hosts, p->o->rundir, p->o->bat_hosts, stderr);

	if (rc < 0) {
		fprintf(stderr, "meshctl: %s: %s\n", p->o->bat_hosts, strerror(-rc));
		return 1;
	}
	rc = rows_of(p->o, translate ? "transglobal" : "originators", translate ? &r.tg : &r.origs);
	if (rc == 0 && translate)
		rc = rows_of(p->o, "translocal", &r.tl);
	if (rc == 0 && mc_target_resolve(arg, &r, &p->t, err, sizeof(err)) < 0) {
		fprintf(stderr, "meshctl: %s: %s\n", cmd, err);
		rc = 1;
	}
	json_object_put(r.tg);
	json_object_put(r.tl);
	json_object_put(r.origs);
	mc_mac_format(p->t.dst, p->dst, sizeof(p->dst));
	return rc;
}

/* Connects and subscribes to "icmp"; 0 or the exit code. */
static int probe_connect(struct probe *p)
{
	json_object *req = mc_request("subscribe"), *reply = NULL;
	int rc = mc_ctl_client_open(&p->c, p->o->rundir, "l2meshd");

	if (getrandom(&p->uid, 1, 0) != 1)
		p->uid = (uint8_t)getpid();
	if (rc < 0) {
		fprintf(stderr, "meshctl: l2meshd: %s\n", mc_open_error(rc));
		json_object_put(req);
		return EXIT_NOT_RUNNING;
	}
	json_object_object_add(req, "topic", json_object_new_string("icmp"));
	rc = mc_ctl_client_call(p->c, req, &reply, p->o->timeout_ms);
	json_object_put(req);
	json_object_put(reply);
	return rc < 0 ? 1 : 0;
}

/* Resolves arg and connects; 0 or the exit code (p is closed then). */
static int probe_open(struct probe *p, const struct opts *o, const char *cmd,
		      const char *arg, bool translate)
{
	int rc;

	memset(p, 0, sizeof(*p));
	p->o = o;
	rc = probe_resolve(p, cmd, arg, translate);
	if (rc == 0)
		rc = probe_connect(p);
	if (rc) {
		/* connected, but the subscription failed: the socket goes too */
		mc_ctl_client_close(p->c);
		p->c = NULL;
		mc_bathosts_free(&p->hosts);
	}
	return rc;
}

static void probe_close(struct probe *p)
{
	mc_ctl_client_close(p->c);
	mc_bathosts_free(&p->hosts);
}

/* "name (MAC)" when a bat-hosts file names mac and names are wanted, else "MAC" */
static const char *probe_name(const struct probe *p, const char *mac_s, bool numeric,
			      char *buf, size_t len)
{
	const struct mc_bathost *h;
	uint8_t mac[6];

	if (!numeric && mc_mac_parse(mac_s, mac) == 0 && (h = mc_bathosts_by_mac(&p->hosts, mac)))
		snprintf(buf, len, "%s (%s)", h->name, mac_s);
	else
		snprintf(buf, len, "%s", mac_s);
	return buf;
}

/* ------------------------------------------------------------- probes */

static int probe_request(struct probe *p, unsigned seq, unsigned ttl)
{
	json_object *req = mc_request("ping_send");
	size_t len;
	int rc;

	json_object_object_add(req, "dst", json_object_new_string(p->dst));
	json_object_object_add(req, "uid", json_object_new_int(p->uid));
	json_object_object_add(req, "seqno", json_object_new_int((int)seq));
	json_object_object_add(req, "ttl", json_object_new_int((int)ttl));
	const char *line = json_object_to_json_string_length(req, JSON_C_TO_STRING_PLAIN, &len);
	rc = mc_ctl_client_send_raw(p->c, line, len);
	if (rc == 0)
		rc = mc_ctl_client_send_raw(p->c, "\n", 1);
	json_object_put(req);
	return rc;
}

/*
 * Sends one probe; its reply line is read past any events in between.
 * -EHOSTUNREACH with a->why when l2meshd refused (no route).
 */
static int probe_send(struct probe *p, unsigned seq, unsigned ttl, struct probe_answer *a)
{
	json_object *msg = NULL, *v;
	int rc = probe_request(p, seq, ttl);

	while (rc == 0 && (rc = mc_ctl_client_read(p->c, &msg, p->o->timeout_ms)) == 0) {
		if (json_object_object_get_ex(msg, "ok", &v)) {
			if (!json_object_get_boolean(v)) {
				snprintf(a->why, sizeof(a->why), "%s", json_object_get_string(
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

static bool answer_fill(const struct probe *p, json_object *msg, unsigned seq,
			struct probe_answer *a)
{
	json_object *d;

	if (!json_object_object_get_ex(msg, "data", &d) ||
	    json_object_get_int(json_object_object_get(d, "uid")) != p->uid ||
	    json_object_get_int(json_object_object_get(d, "seqno")) != (int)seq)
		return false;
	snprintf(a->type, sizeof(a->type), "%s", json_object_get_string(json_object_object_get(d, "type")));
	snprintf(a->from, sizeof(a->from), "%s", json_object_get_string(json_object_object_get(d, "from")));
	a->ttl = json_object_get_int(json_object_object_get(d, "ttl"));
	return true;
}

/* Waits for the answer to (uid, seq) until deadline (ms); 0 or -ETIMEDOUT. */
static int probe_wait(struct probe *p, unsigned seq, double deadline, struct probe_answer *a)
{
	for (;;) {
		json_object *msg = NULL;
		int left = (int)(deadline - now_ms()), rc;
		if (left <= 0 || probe_stop)
			return -ETIMEDOUT;
		if ((rc = mc_ctl_client_read(p->c, &msg, left)) < 0)
			return rc;
		bool ours = answer_fill(p, msg, seq, a);
		json_object_put(msg);
		if (ours)
			return 0;
	}
}

/* One probe and its answer: 0, -ETIMEDOUT, -EHOSTUNREACH (refused), or a socket error. */
static int probe_once(struct probe *p, unsigned seq, unsigned ttl, double wait_ms,
		      struct probe_answer *a)
{
	double t0 = now_ms();
	int rc;

	memset(a, 0, sizeof(*a));
	rc = probe_send(p, seq, ttl, a);
	if (rc == 0)
		rc = probe_wait(p, seq, t0 + wait_ms, a);
	a->rtt_ms = now_ms() - t0;
	return rc;
}

/* --------------------------------------------------------------- ping */

struct ping_stats {
	unsigned sent, got;
	double min, max, sum, sumsq;
};

static void ping_reply(const struct probe *p, const struct probe_answer *a, unsigned seq,
		       struct ping_stats *st)
{
	char who[96];

	printf("%d bytes from %s icmp_seq=%u ttl=%d time=%.2f ms\n", ICMP_BYTES,
	       probe_name(p, a->from, false, who, sizeof(who)), seq, a->ttl, a->rtt_ms);
	st->min = st->got && st->min < a->rtt_ms ? st->min : a->rtt_ms;
	st->max = st->max > a->rtt_ms ? st->max : a->rtt_ms;
	st->sum += a->rtt_ms;
	st->sumsq += a->rtt_ms * a->rtt_ms;
	st->got++;
}

/* One request and what became of it; 0, or a socket error (the run ends). */
static int ping_one(struct probe *p, const char *arg, const struct mc_args_ping *a,
		    unsigned seq, struct ping_stats *st)
{
	struct probe_answer ans;
	int rc = probe_once(p, seq, a->ttl, a->timeout_s * 1000.0, &ans);

	if (rc == 0 || rc == -ETIMEDOUT || rc == -EHOSTUNREACH)
		st->sent++;
	if (rc == 0 && !strcmp(ans.type, "echo_reply"))
		ping_reply(p, &ans, seq, st);
	else if (rc == 0 && !strcmp(ans.type, "ttl_exceeded"))
		printf("From %s: Time to live exceeded (icmp_seq %u)\n", ans.from, seq);
	else if (rc == 0)
		printf("From %s: Destination Host Unreachable (icmp_seq %u)\n", ans.from, seq);
	else if (rc == -EHOSTUNREACH)
		printf("From %s: Destination Host Unreachable (icmp_seq %u) [l2meshd: %s]\n",
		       arg, seq, ans.why);
	else if (rc == -ETIMEDOUT && !probe_stop)
		printf("Reply from host %s timed out\n", arg);
	else if (rc != -ETIMEDOUT)
		fprintf(stderr, "meshctl: l2meshd: %s\n", strerror(-rc));
	fflush(stdout);
	return rc == 0 || rc == -ETIMEDOUT || rc == -EHOSTUNREACH ? 0 : rc;
}

static void ping_summary(const char *arg, const struct ping_stats *st)
{
	double avg = st->got ? st->sum / st->got : 0;
	double var = st->got ? st->sumsq / st->got - avg * avg : 0;

	printf("--- %s ping statistics ---\n%u packets transmitted, %u received, "
	       "%u%% packet loss\nrtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n",
	       arg, st->sent, st->got, st->sent ? (st->sent - st->got) * 100 / st->sent : 0,
	       st->got ? st->min : 0, avg, st->max, var > 0 ? sqrt(var) : 0);
}

/* meshctl ping [-c COUNT] [-i SECS] [-t SECS] [-m TTL] [-T] TARGET */
int cmd_ping(const struct opts *o, int argc, char **argv)
{
	struct ping_stats st = { 0 };
	struct mc_args_ping a;
	struct probe p;
	char err[MC_ARGS_ERRLEN];
	int rc = mc_args_ping(argc, argv, &a, err, sizeof(err));
	double period_ms;

	if ((rc = mc_args_exit(rc, err, argv[0])) >= 0)
		return rc;
	/* start to start; batctl without -i: one request per timeout */
	period_ms = (a.interval_s ? a.interval_s : a.timeout_s) * 1000.0;
	if ((rc = probe_open(&p, o, "ping", a.target, !a.no_translate)) != 0)
		return rc;
	probe_signals();
	printf("PING %s (%s) %d(%d) bytes of data\n", a.target, p.dst, ICMP_BYTES, ICMP_BYTES + 28);
	for (unsigned seq = 1; !probe_stop && (!a.count || seq <= a.count); seq++) {
		double t0 = now_ms();
		if (ping_one(&p, a.target, &a, seq, &st) < 0)
			break;
		if (!a.count || seq < a.count)
			sleep_ms(t0 + period_ms - now_ms());
	}
	ping_summary(a.target, &st);
	probe_close(&p);
	return st.got ? 0 : 1;
}

/* --------------------------------------------------------- traceroute */

struct trace_hop {
	char from[MC_MAC_STRLEN];	/* "" until a probe of this TTL is answered */
	double rtt_ms[TRACE_PROBES];
	bool got[TRACE_PROBES];
	bool reached;
};

/* TRACE_PROBES probes with one TTL; -EHOSTUNREACH (why in a) ends the trace. */
static int trace_hop(struct probe *p, unsigned ttl, unsigned *seq, struct trace_hop *h,
		     struct probe_answer *a)
{
	memset(h, 0, sizeof(*h));
	for (int k = 0; k < TRACE_PROBES && !probe_stop; k++) {
		int rc = probe_once(p, ++*seq, ttl, TRACE_WAIT_MS, a);
		if (rc == -ETIMEDOUT)
			continue;
		if (rc < 0)
			return rc;
		if (!strcmp(a->type, "unreachable")) {
			snprintf(a->why, sizeof(a->why), "%s answered unreachable", a->from);
			return -EHOSTUNREACH;
		}
		h->got[k] = true;
		h->rtt_ms[k] = a->rtt_ms;
		h->reached |= !strcmp(a->type, "echo_reply");
		if (!h->from[0])
			snprintf(h->from, sizeof(h->from), "%s", a->from);
	}
	return 0;
}

static void trace_print(const struct probe *p, unsigned ttl, const struct trace_hop *h,
			bool numeric)
{
	char who[96];

	printf("%2u: %s", ttl, h->from[0] ? probe_name(p, h->from, numeric, who, sizeof(who)) : "*");
	for (int k = 0; k < TRACE_PROBES; k++) {
		if (h->got[k])
			printf("  %.3f ms", h->rtt_ms[k]);
		else
			printf("   *");
	}
	putchar('\n');
	fflush(stdout);
}

/*
 * meshctl traceroute [-n] [-T] [-m MAXTTL] TARGET: each hop answers TTL
 * exceeded, the last an echo reply.
 */
int cmd_traceroute(const struct opts *o, int argc, char **argv)
{
	struct mc_args_trace a;
	struct probe_answer ans;
	struct trace_hop h = { .reached = false };
	struct probe p;
	char err[MC_ARGS_ERRLEN];
	unsigned seq = 0;
	int rc = mc_args_trace(argc, argv, &a, err, sizeof(err));

	if ((rc = mc_args_exit(rc, err, argv[0])) >= 0)
		return rc;
	if ((rc = probe_open(&p, o, "traceroute", a.target, !a.no_translate)) != 0)
		return rc;
	probe_signals();
	printf("traceroute to %s (%s), %u hops max, %d byte packets\n", a.target, p.dst,
	       a.max_ttl, ICMP_BYTES);
	for (unsigned ttl = 1; rc == 0 && ttl <= a.max_ttl && !h.reached && !probe_stop; ttl++) {
		rc = trace_hop(&p, ttl, &seq, &h, &ans);
		if (rc == 0)
			trace_print(&p, ttl, &h, a.numeric);
	}
	if (rc == -EHOSTUNREACH)
		printf("%s: Destination Host Unreachable [%s]\n", a.target, ans.why);
	else if (rc < 0)
		fprintf(stderr, "meshctl: l2meshd: %s\n", strerror(-rc));
	probe_close(&p);
	return rc == 0 && h.reached ? 0 : 1;
}
