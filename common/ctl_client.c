/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The blocking control-socket client (meshctl's one-shot commands), and
 * the socket paths both ends agree on. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ctl_int.h"

#define CLIENT_REPLY_MAX (64u << 20)

const char *mc_ctl_default_rundir(void)
{
	const char *d = getenv("SOFTMESH_RUNDIR");

	return d && *d ? d : "/run/softmesh";
}

int mc_ctl_socket_path(char *buf, size_t len, const char *rundir, const char *daemon)
{
	size_t max = sizeof(((struct sockaddr_un *)0)->sun_path);
	int n = snprintf(buf, len, "%s/%s.sock", rundir, daemon);

	if (n < 0 || (size_t)n >= len || (size_t)n >= max)
		return -ENAMETOOLONG;
	return 0;
}

int ctl_sockaddr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

struct mc_ctl_client {
	int fd;
	char *buf;
	size_t len, cap;
};

int mc_ctl_client_open_path(struct mc_ctl_client **out, const char *path)
{
	struct mc_ctl_client *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return -ENOMEM;
	if ((rc = c->fd = ctl_connect(path, 0)) < 0) {
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int mc_ctl_client_open(struct mc_ctl_client **out, const char *rundir, const char *daemon)
{
	char path[256];
	int rc = mc_ctl_socket_path(path, sizeof(path), rundir, daemon);

	return rc < 0 ? rc : mc_ctl_client_open_path(out, path);
}

void mc_ctl_client_close(struct mc_ctl_client *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c->buf);
	free(c);
}

int mc_ctl_client_send_raw(struct mc_ctl_client *c, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t w = send(c->fd, s, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads more bytes into c->buf, waiting until deadline; 0, -ETIMEDOUT, -EPIPE. */
static int client_fill(struct mc_ctl_client *c, int64_t deadline)
{
	int64_t left = deadline - mono_ms();
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

	if (left <= 0)
		return -ETIMEDOUT;
	int pr = poll(&pfd, 1, (int)left);
	if (pr < 0)
		return errno == EINTR ? 0 : -errno;
	if (pr == 0)
		return -ETIMEDOUT;
	if (c->cap - c->len < 4096) {
		if (c->cap >= CLIENT_REPLY_MAX)
			return -EMSGSIZE;
		size_t cap = c->cap ? c->cap * 2 : 65536;
		char *p = realloc(c->buf, cap);
		if (!p)
			return -ENOMEM;
		c->buf = p;
		c->cap = cap;
	}
	ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		return -EPIPE;
	c->len += (size_t)n;
	return 0;
}

int mc_ctl_client_read(struct mc_ctl_client *c, json_object **msg, int timeout_ms)
{
	int64_t deadline = mono_ms() + timeout_ms;
	char *nl;

	*msg = NULL;
	while (!c->len || !(nl = memchr(c->buf, '\n', c->len))) {
		int rc = client_fill(c, deadline);
		if (rc < 0)
			return rc;
	}
	size_t linelen = (size_t)(nl - c->buf);
	*msg = mc_ctl_line_parse(c->buf, linelen);
	memmove(c->buf, nl + 1, c->len - linelen - 1);
	c->len -= linelen + 1;
	return *msg ? 0 : -EBADMSG;
}

int mc_ctl_client_call(struct mc_ctl_client *c, json_object *req,
		       json_object **reply, int timeout_ms)
{
	size_t len;
	const char *s = json_object_to_json_string_length(req, JSON_C_TO_STRING_PLAIN, &len);
	int rc = mc_ctl_client_send_raw(c, s, len);

	if (rc == 0)
		rc = mc_ctl_client_send_raw(c, "\n", 1);
	return rc < 0 ? rc : mc_ctl_client_read(c, reply, timeout_ms);
}

int mc_ctl_request(const char *rundir, const char *daemon, json_object *req,
		   json_object **reply, int timeout_ms)
{
	struct mc_ctl_client *c;
	int rc = mc_ctl_client_open(&c, rundir, daemon);

	*reply = NULL;
	if (rc < 0)
		return rc;
	rc = mc_ctl_client_call(c, req, reply, timeout_ms);
	mc_ctl_client_close(c);
	return rc;
}
