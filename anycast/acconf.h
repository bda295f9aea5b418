/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AC_CONF_H
#define AC_CONF_H

#include "common/conf_schema.h"

/* anycastd's own options (anycast/acconf.c), in schemas/schemas.c's list. */
extern const struct mc_conf_part ac_conf_part;

#endif
