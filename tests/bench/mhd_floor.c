/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The floor under webuid's RSS (tests/bench/webui): the smallest server
 * libmicrohttpd makes, one fixed reply, in the same external-epoll mode
 * webuid uses. What it costs is what Debian's libmicrohttpd (and the
 * TLS libraries it links) costs any program.
 *   mhd_floor ADDRESS PORT
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	static const char body[] = "ok\n";
	struct MHD_Response *r;
	enum MHD_Result rc;

	if (!*con_cls) {
		*con_cls = c;
		return MHD_YES;
	}
	r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body,
					    MHD_RESPMEM_PERSISTENT);
	rc = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return rc;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	struct epoll_event ev = { .events = EPOLLIN };
	int ep;

	if (argc != 3 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "usage: mhd_floor IPV4 PORT\n");
		return 2;
	}
	sa.sin_port = htons((unsigned short)atoi(argv[2]));
	d = MHD_start_daemon(MHD_USE_EPOLL, 0, NULL, NULL, answer, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_END);
	if (!d)
		return 1;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
	ep = epoll_create1(0);
	epoll_ctl(ep, EPOLL_CTL_ADD, info->epoll_fd, &ev);
	for (;;) {
		MHD_UNSIGNED_LONG_LONG ms = 1000;

		MHD_get_timeout(d, &ms);
		epoll_wait(ep, &ev, 1, (int)(ms > 1000 ? 1000 : ms));
		MHD_run(d);
	}
}
