/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What both ends of a control connection do the same way: the queue of
 * lines waiting to be sent on a non-blocking socket, and connecting to a
 * daemon's socket.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ctl_int.h"

int ctl_outq_put(struct ctl_outq *q, const char *s, size_t len, size_t max)
{
	size_t pending = q->len - q->off, need = len + 1;

	/* max bounds a backlog (a subscriber that stopped reading), not one
	 * message: a 20,000-row table goes out whole to a client that waits
	 * for nothing else */
	if (pending && pending + need > max)
		return -ENOBUFS;
	if (q->off && q->len + need > q->cap) {
		memmove(q->buf, q->buf + q->off, pending);
		q->len = pending;
		q->off = 0;
	}
	if (q->len + need > q->cap) {
		size_t cap = q->cap ? q->cap : 4096;
		char *p;

		while (cap < q->len + need)
			cap *= 2;
		if (!(p = realloc(q->buf, cap)))
			return -ENOMEM;
		q->buf = p;
		q->cap = cap;
	}
	memcpy(q->buf + q->len, s, len);
	q->buf[q->len + len] = '\n';
	q->len += need;
	return 0;
}

int ctl_outq_flush(struct ctl_outq *q, int fd)
{
	while (q->off < q->len) {
		ssize_t n = send(fd, q->buf + q->off, q->len - q->off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		q->off += (size_t)n;
	}
	q->off = q->len = 0;
	return 0;
}

void ctl_outq_free(struct ctl_outq *q)
{
	free(q->buf);
	memset(q, 0, sizeof(*q));
}

int ctl_connect(const char *path, int flags)
{
	struct sockaddr_un sa;
	int fd, rc = ctl_sockaddr(&sa, path);

	if (rc < 0)
		return rc;
	/* a unix socket connects at once or fails; it never is in progress */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
		return rc;
	}
	return fd;
}
