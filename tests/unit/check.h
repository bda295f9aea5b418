/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SM_CHECK_H
#define SM_CHECK_H

/*
 * Minimal unit-test helpers. Each test binary runs its cases from main()
 * with RUN(case) and returns check_exit(): 0 when every CHECK held, 1
 * otherwise. A failed CHECK prints file:line and the expression and the
 * case goes on, so one run shows every failure.
 */

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_cases;

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
				__LINE__, #cond); \
			check_failures++; \
		} \
	} while (0)

#define CHECK_INT(a, b) \
	do { \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b); \
		if (check_a_ != check_b_) { \
			fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld != %lld)\n", \
				__FILE__, __LINE__, #a, #b, check_a_, check_b_); \
			check_failures++; \
		} \
	} while (0)

#define CHECK_STR(a, b) \
	do { \
		const char *check_a_ = (a), *check_b_ = (b); \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_)) { \
			fprintf(stderr, "%s:%d: CHECK failed: %s == %s (\"%s\" != \"%s\")\n", \
				__FILE__, __LINE__, #a, #b, \
				check_a_ ? check_a_ : "(null)", \
				check_b_ ? check_b_ : "(null)"); \
			check_failures++; \
		} \
	} while (0)

#define RUN(fn) \
	do { \
		int check_before_ = check_failures; \
		check_cases++; \
		fn(); \
		fprintf(stderr, "%s %s\n", \
			check_failures == check_before_ ? "ok  " : "FAIL", #fn); \
	} while (0)

static inline int check_exit(void)
{
	fprintf(stderr, "%d cases, %d failed checks\n", check_cases, check_failures);
	return check_failures ? 1 : 0;
}

#endif
