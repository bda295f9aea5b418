/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debian's babeld on the babeld:VID interfaces (vlans.c), started and
 * kept running by l2meshd with the configuration lime-proto-babeld
 * writes on a LibreMesh router (doc/l2meshd.md "babeld"): local port
 * 30003; redistribute ULA, public IPv6, a default route of either
 * family (only protocol 7 ones with babeld_auto_gw, LibreMesh's
 * babeld-auto-gw-mode: autogw.c), 10.0.0.0/8 and 172.16.0.0/12, no
 * other local address, nothing else; every interface of type wireless (LibreMesh's choice: a radio
 * behind a cable must not be dropped at the first lost hello).
 */
#include "l2mesh/shell/l2meshd.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"

/* a babeld that keeps dying is started again at most this often */
#define BABEL_BACKOFF_MIN_MS 1000u
#define BABEL_BACKOFF_MAX_MS 60000u
/* one that ran this long had a clean start: the backoff starts over */
#define BABEL_STABLE_MS 60000u
/* babeld sends its retractions and flushes its routes on SIGTERM: a loaded
 * box has been seen to take over a second */
#define BABEL_STOP_MS 3000u

static void babel_path(const struct l2meshd *m, char *buf, size_t len, const char *what)
{
	snprintf(buf, len, "%s/babeld.%s", m->d->rundir, what);
}

static int write_conf(struct l2meshd *m)
{
	static const char *const filters[] = {
		"redistribute ip fc00::/7 allow",
		"redistribute ip 2000::/3 allow",
		"redistribute ip ::/0 le 0%s allow",
		"redistribute ip 10.0.0.0/8 allow",
		"redistribute ip 172.16.0.0/12 allow",
		"redistribute ip 0.0.0.0/0 le 0%s allow",
		"redistribute local deny",
		"redistribute deny",
	};
	char path[256], tmp[264];
	bool autogw = true;
	FILE *f;

	mc_conf_get_bool(mc_conf_section(m->d->conf, "network"), "babeld_auto_gw", &autogw);
	babel_path(m, path, sizeof(path), "conf");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (!(f = fopen(tmp, "w")))
		return -errno;
	fprintf(f, "# written by l2meshd for babeld:VID (lime-proto-babeld's settings)\n"
		"local-port 30003\n");
	for (unsigned i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		fprintf(f, filters[i], autogw ? " proto 7" : "");
		fputc('\n', f);
	}
	for (unsigned i = 0; i < m->nvlan; i++)
		fprintf(f, "interface %s type wireless\n", m->vlan[i].ifname);
	if (fclose(f) != 0 || rename(tmp, path) < 0)
		return -errno;
	return 0;
}

static void babel_start(struct l2meshd *m);

static void on_babel_timer(void *user)
{
	babel_start(user);
}

static void on_babel_exit(struct ev_loop *loop, ev_child *w, int revents)
{
	struct l2meshd *m = w->data;
	uint64_t now = mc_ev_now_ms(loop), ran = now - m->babel_since;
	int st = w->rstatus;

	ev_child_stop(loop, w);
	m->babel_pid = 0;
	if (m->babel_stopping)
		return;
	m->babel_restarts++;
	if (ran >= BABEL_STABLE_MS)
		m->babel_backoff = BABEL_BACKOFF_MIN_MS;
	log_warn("babeld (pid %d) %s %d after %.1f s; starting it again in %.1f s (see %s/babeld.log)",
		 w->rpid, WIFSIGNALED(st) ? "was killed by signal" : "exited with",
		 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), (double)ran / 1000,
		 (double)m->babel_backoff / 1000, m->d->rundir);
	mc_timer_arm(loop, &m->babel_timer, m->babel_backoff);
	m->babel_backoff = m->babel_backoff * 2 > BABEL_BACKOFF_MAX_MS ?
			   BABEL_BACKOFF_MAX_MS : m->babel_backoff * 2;
}

static void babel_start(struct l2meshd *m)
{
	char conf[256], pid[256], state[256], logf[256];
	const char *argv[8 + L2SH_VLANS_MAX];
	unsigned n = 0;
	pid_t p;

	babel_path(m, conf, sizeof(conf), "conf");
	babel_path(m, pid, sizeof(pid), "pid");
	babel_path(m, state, sizeof(state), "state");
	babel_path(m, logf, sizeof(logf), "log");
	argv[n++] = "babeld";
	argv[n++] = "-c";
	argv[n++] = conf;
	argv[n++] = "-I";
	argv[n++] = pid;
	argv[n++] = "-S";
	argv[n++] = state;
	for (unsigned i = 0; i < m->nvlan; i++)
		argv[n++] = m->vlan[i].ifname;
	argv[n] = NULL;
	unlink(pid);	/* a killed babeld's: babeld will not start over one */
	p = fork();
	if (p < 0) {
		log_err("babeld: fork: %s", strerror(errno));
		mc_timer_arm(m->d->loop, &m->babel_timer, m->babel_backoff);
		return;
	}
	if (p == 0) {
		int fd = open(logf, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		/* nothing of l2meshd's but stdio goes with it */
		for (int i = 3; i < 1024; i++)
			close(i);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], (char *const *)argv);
		dprintf(2, "l2meshd: cannot run babeld: %s (Debian: apt-get install babeld)\n",
			strerror(errno));
		_exit(127);
	}
	m->babel_pid = p;
	m->babel_since = mc_ev_now_ms(m->d->loop);
	ev_child_init(&m->babel_child, on_babel_exit, p, 0);
	m->babel_child.data = m;
	ev_child_start(m->d->loop, &m->babel_child);
	log_notice("babeld started (pid %d) on %u VLAN interface%s, config %s", p, m->nvlan,
		   m->nvlan == 1 ? "" : "s", conf);
}

int l2sh_babel_start(struct l2meshd *m)
{
	int rc;

	mc_timer_init(&m->babel_timer, on_babel_timer, m);
	m->babel_backoff = BABEL_BACKOFF_MIN_MS;
	if (!m->nvlan)
		return 0;
	if ((rc = write_conf(m)) < 0) {
		log_err("babeld: cannot write its config in %s: %s", m->d->rundir, strerror(-rc));
		return rc;
	}
	/* from the loop: after a daemon started as root has dropped it
	 * (common/privdrop.c), so babeld never runs as root either */
	mc_timer_arm(m->d->loop, &m->babel_timer, 0);
	return 0;
}

/* SIGTERM (babeld takes its routes out and removes its pid file), then
 * SIGKILL after BABEL_STOP_MS; a killed babeld's pid file goes too, so
 * nothing is left that names a process which is gone */
void l2sh_babel_stop(struct l2meshd *m)
{
	char pid[256];
	bool killed = false;

	m->babel_stopping = true;
	mc_timer_stop(m->d->loop, &m->babel_timer);
	if (!m->babel_pid)
		return;
	ev_child_stop(m->d->loop, &m->babel_child);
	kill(m->babel_pid, SIGTERM);
	for (unsigned i = 0; i < BABEL_STOP_MS / 10; i++) {
		if (waitpid(m->babel_pid, NULL, WNOHANG) == m->babel_pid)
			goto gone;
		usleep(10000);
	}
	log_warn("babeld (pid %d) still ran %u ms after SIGTERM: killed", m->babel_pid,
		 BABEL_STOP_MS);
	kill(m->babel_pid, SIGKILL);
	waitpid(m->babel_pid, NULL, 0);
	killed = true;
gone:
	babel_path(m, pid, sizeof(pid), "pid");
	if (unlink(pid) == 0 && !killed)
		log_info("babeld left its pid file %s: removed", pid);
	m->babel_pid = 0;
}
