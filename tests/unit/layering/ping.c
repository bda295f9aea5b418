/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A fixture for layering.py: ping.c and pong.c call each other (a loop)
 * and pong.c calls socket() (impure), so the checker must refuse them. */
int lf_pong(int n);
int lf_ping(int n);

int lf_ping(int n)
{
	return n ? lf_pong(n - 1) : 0;
}
