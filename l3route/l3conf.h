/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L3_CONF_H
#define L3_CONF_H

#include "common/conf_schema.h"

/* l3routed's own options (l3route/l3conf.c), in schemas/schemas.c's list. */
extern const struct mc_conf_part l3_conf_part;

#endif
