/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_SDNOTIFY_H
#define MC_SDNOTIFY_H

/*
 * systemd's readiness protocol (sd_notify(3)): one datagram of
 * "KEY=value" lines to the AF_UNIX socket named by $NOTIFY_SOCKET (a path,
 * or "@name" in the abstract namespace). Done here rather than through
 * libsystemd, whose resident pages (with the compression and crypto
 * libraries it loads) cost each daemon about 1.5 MB for this one call.
 * Returns 1 when sent, 0 when not under a service manager, -errno.
 */
int mc_sd_notify(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
