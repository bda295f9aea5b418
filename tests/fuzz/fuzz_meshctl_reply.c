/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meshctl's reply parsing: the whole tool (tools/meshctl, its main()
 * renamed by meshctl_main.c) runs one command against fake daemons whose
 * replies are the input. The first byte picks the command line (tables of
 * the three daemons, plain and --json, status, statistics, counters, gw,
 * l3 status, log, raw, reload, monitor, watch, ping and traceroute by MAC
 * or name); the rest is split at each empty line ("\n\n") into segments,
 * and the n-th connection any daemon accepts gets the n-th segment as its
 * reply bytes, then a hang-up. So one input can answer a dump, then the
 * events of a subscription, then a second request.
 *
 * Output goes to /dev/null. What must hold: meshctl returns an exit code
 * (no crash, no abort, no hang: every connection ends with a hang-up),
 * and ASan/UBSan stay quiet.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int meshctl_main(int argc, char **argv);

/* stdout and stderr are /dev/null while meshctl runs: failures go here */
static FILE *err_out;
#define ENSURE(c) do { if (!(c)) { \
	fprintf(err_out ? err_out : stderr, "fuzz_meshctl_reply.c:%d: %s\n", __LINE__, #c); \
	abort(); } } while (0)
#define ARGS_MAX 12

static const char *const cmdlines[][ARGS_MAX] = {
	{ "originators" }, { "o", "--json" }, { "neighbors" }, { "translocal" },
	{ "transglobal" }, { "gwl" }, { "interface" }, { "statistics" },
	{ "statistics", "--json" }, { "status" }, { "status", "--json" },
	{ "l3", "links" }, { "l3", "o" }, { "l3", "routes" }, { "l3", "descriptions" },
	{ "l3", "status" }, { "l3", "links", "--json" }, { "gw" }, { "gw", "--json" },
	{ "gw", "prefer", "g1" }, { "gw", "reset" }, { "leases" }, { "dhcp" },
	{ "dns", "--json" }, { "ra" }, { "log", "l2meshd" },
	{ "log", "l3routed", "debug", "routes" }, { "raw", "anycastd", "{\"cmd\":\"x\"}" },
	{ "reload" }, { "reload", "l3routed", "--json" },
	{ "monitor", "-c", "3", "l2meshd", "originators" },
	{ "watch", "-s", "0.02", "--verify", "l2meshd", "originators" },
	{ "watch", "-s", "0.02", "--json", "l3routed", "links" },
	{ "ping", "-c", "2", "-i", "0.001", "-t", "0.002", "02:00:00:00:00:01" },
	{ "ping", "-c", "1", "-t", "0.002", "node-b" },
	{ "traceroute", "-m", "3", "02:00:00:00:00:01" },
	{ "traceroute", "-n", "-T", "-m", "2", "node-b" },
	{ "sync" }, { "sync", "peers" }, { "sync", "records", "66" },
	{ "sync", "counters", "--json" },
};
#define NCMDLINES (sizeof(cmdlines) / sizeof(cmdlines[0]))

static const char *const daemons[] = { "l2meshd", "l3routed", "anycastd", "leasesyncd" };
#define NDAEMONS 4

static char rundir[64];
static int lfd[NDAEMONS];
static FILE *devnull;

/* The replies of one input, handed to the server thread. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_cv = PTHREAD_COND_INITIALIZER;
static uint8_t *feed;
static size_t feed_len, feed_off;
static bool serving;

/* The next segment (up to "\n\n" or the end) into a copy the thread owns. */
static uint8_t *segment_take(size_t *len)
{
	const uint8_t *p, *end, *q;
	uint8_t *seg;

	if (!feed) {	/* a connection after the run: nothing to say */
		*len = 0;
		return calloc(1, 1);
	}
	p = feed + feed_off;
	end = feed + feed_len;

	for (q = p; q + 1 < end && !(q[0] == '\n' && q[1] == '\n'); q++)
		;
	if (q + 1 >= end)
		q = end;
	*len = (size_t)(q - p);
	seg = malloc(*len + 1);
	memcpy(seg, p, *len);
	feed_off = q == end ? feed_len : (size_t)(q - feed) + 2;
	return seg;
}

/* Reads the request line (so the hang-up is no reset), sends seg, hangs up. */
static void serve(int fd, const uint8_t *seg, size_t len)
{
	struct timeval tv = { .tv_sec = 2 };
	char buf[4096];
	size_t off = 0;
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0 && !memchr(buf, '\n', (size_t)n))
		;
	while (off < len && (n = send(fd, seg + off, len - off, MSG_NOSIGNAL)) > 0)
		off += (size_t)n;
	/* a subscriber sends nothing more; a second request on the same
	 * connection gets the hang-up */
	close(fd);
}

static void *server(void *arg)
{
	struct pollfd pfd[NDAEMONS];

	for (unsigned i = 0; i < NDAEMONS; i++)
		pfd[i] = (struct pollfd){ .fd = lfd[i], .events = POLLIN };
	for (;;) {
		if (poll(pfd, NDAEMONS, -1) <= 0)
			continue;
		for (unsigned i = 0; i < NDAEMONS; i++) {
			uint8_t *seg;
			size_t len;
			int fd;

			if (!(pfd[i].revents & POLLIN))
				continue;
			/* busy before the accept: the main thread waits while a
			 * listening socket has a connection or one is served */
			pthread_mutex_lock(&mu);
			serving = true;
			pthread_mutex_unlock(&mu);
			if ((fd = accept(lfd[i], NULL, NULL)) < 0) {
				pthread_mutex_lock(&mu);
				serving = false;
				pthread_cond_signal(&idle_cv);
				pthread_mutex_unlock(&mu);
				continue;
			}
			pthread_mutex_lock(&mu);
			seg = segment_take(&len);
			pthread_mutex_unlock(&mu);
			serve(fd, seg, len);
			free(seg);
			pthread_mutex_lock(&mu);
			serving = false;
			pthread_cond_signal(&idle_cv);
			pthread_mutex_unlock(&mu);
		}
	}
	return NULL;
}

static int listen_at(const char *daemon)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	ENSURE(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s.sock", rundir, daemon);
	ENSURE(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	ENSURE(listen(fd, 16) == 0);
	return fd;
}

/* At exit: the sockets, bat-hosts and the run directory go. */
static void cleanup(void)
{
	char path[128];

	for (unsigned i = 0; i < NDAEMONS; i++) {
		snprintf(path, sizeof(path), "%s/%s.sock", rundir, daemons[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/bat-hosts", rundir);
	unlink(path);
	rmdir(rundir);
}

static void setup(void)
{
	pthread_t t;
	FILE *f;
	char path[128];

	snprintf(rundir, sizeof(rundir), "/tmp/fuzz_meshctl.XXXXXX");
	ENSURE(mkdtemp(rundir));
	for (unsigned i = 0; i < NDAEMONS; i++)
		lfd[i] = listen_at(daemons[i]);
	snprintf(path, sizeof(path), "%s/bat-hosts", rundir);
	f = fopen(path, "w");
	ENSURE(f);
	fprintf(f, "02:00:00:00:00:02 node-b\n");
	fclose(f);
	devnull = fopen("/dev/null", "w");
	ENSURE(devnull);
	atexit(cleanup);
	/* watch runs on libev's default loop, made (epoll and signal fds)
	 * once per process: made here, it is no leak of the first watch */
	struct ev_loop *loop = ev_default_loop(0);
	ev_signal sig;
	ev_signal_init(&sig, NULL, SIGINT);
	ev_signal_start(loop, &sig);
	ev_signal_stop(loop, &sig);
	ENSURE(pthread_create(&t, NULL, server, NULL) == 0);
	pthread_detach(t);
}

/* A connection waits on a listening socket. */
static bool pending(void)
{
	struct pollfd pfd[NDAEMONS];

	for (unsigned i = 0; i < NDAEMONS; i++)
		pfd[i] = (struct pollfd){ .fd = lfd[i], .events = POLLIN };
	return poll(pfd, NDAEMONS, 0) > 0;
}

/* The lowest free descriptor: a leak moves it up. */
static int fd_low(void)
{
	int fd = dup(0);

	if (fd >= 0)
		close(fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[ARGS_MAX + 8];
	int argc = 0;
	FILE *out = stdout, *err = stderr;
	const char *const *cl;

	if (!size)
		return 0;
	err_out = err;
	if (!devnull)
		setup();
	cl = cmdlines[data[0] % NCMDLINES];
	argv[argc++] = (char *)"meshctl";
	argv[argc++] = (char *)"--rundir";
	argv[argc++] = rundir;
	argv[argc++] = (char *)"--timeout";
	argv[argc++] = (char *)"2000";
	for (unsigned i = 0; i < ARGS_MAX && cl[i]; i++)
		argv[argc++] = (char *)cl[i];
	argv[argc] = NULL;

	pthread_mutex_lock(&mu);
	feed = malloc(size);
	memcpy(feed, data + 1, size - 1);
	feed_len = size - 1;
	feed_off = 0;
	pthread_mutex_unlock(&mu);

	int low = fd_low();
	stdout = devnull;
	stderr = devnull;
	optind = 0;	/* getopt starts afresh in each run */
	int rc = meshctl_main(argc, argv);
	stdout = out;
	stderr = err;
	ENSURE(rc >= 0 && rc < 256);

	/* no connection of this input is still being answered, nor waiting
	 * to be (meshctl may give up on one before it is accepted: watch -s) */
	pthread_mutex_lock(&mu);
	while (serving || pending()) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&idle_cv, &mu, &ts);
	}
	free(feed);
	feed = NULL;
	feed_len = feed_off = 0;
	pthread_mutex_unlock(&mu);
	/* every socket and file meshctl opened is closed again */
	if (fd_low() != low)
		fprintf(err_out, "descriptor leak in: meshctl %s %s\n", cl[0], cl[1] ? cl[1] : "");
	ENSURE(fd_low() == low);
	return 0;
}
