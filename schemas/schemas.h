/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SM_SCHEMAS_H
#define SM_SCHEMAS_H

/*
 * The one list of every config schema part (schemas.c). It sits above
 * common and the rooms: common's engine never names a daemon's table, and
 * every program that reads a config (each daemon, meshctl, webuid, the
 * tests and fuzzers) loads with all of them, so all accept and refuse
 * exactly the same files. A new daemon adds its table and one line to
 * the list (and its file to schemas/meson.build).
 */

#include "common/conf.h"

/* Every part, in print order, NULL-terminated. */
extern const struct mc_conf_part *const sm_conf_parts[];

/*
 * The schema of sm_conf_parts, built at the first call and kept for the
 * life of the program. A broken table is a bug in the build, not in a
 * config: it is reported on stderr and aborts.
 */
const struct mc_conf_schema *sm_conf_schema(void);

#endif
