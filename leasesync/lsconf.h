/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef LS_LSCONF_H
#define LS_LSCONF_H

#include "common/conf_schema.h"

/* leasesyncd's options (lsconf.c), listed in schemas/schemas.c. */
extern const struct mc_conf_part ls_conf_part;

#endif
