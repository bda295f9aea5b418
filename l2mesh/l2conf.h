/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2_CONF_H
#define L2_CONF_H

#include "common/conf_schema.h"

/* l2meshd's own options (l2mesh/l2conf.c), in schemas/schemas.c's list. */
extern const struct mc_conf_part l2_conf_part;

#endif
