/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef WU_WUCONF_H
#define WU_WUCONF_H

#include "common/conf_schema.h"

/* webuid's options (wuconf.c), listed in schemas/schemas.c. */
extern const struct mc_conf_part wu_conf_part;

#endif
