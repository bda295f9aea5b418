/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry of config schema parts (doc/config.md, "Adding options").
 */
#include "schemas/schemas.h"

#include <stdlib.h>

#include "anycast/acconf.h"
#include "l2mesh/l2conf.h"
#include "l3route/l3conf.h"
#include "leasesync/lsconf.h"
#include "webui/wuconf.h"

const struct mc_conf_part *const sm_conf_parts[] = {
	&mc_conf_part_shared,	/* common/conf_shared.c */
	&l2_conf_part,		/* l2mesh/l2conf.c */
	&l3_conf_part,		/* l3route/l3conf.c */
	&ac_conf_part,		/* anycast/acconf.c */
	&ls_conf_part,		/* leasesync/lsconf.c */
	&wu_conf_part,		/* webui/wuconf.c */
	NULL,
};

const struct mc_conf_schema *sm_conf_schema(void)
{
	static struct mc_conf_schema *schema;

	if (!schema && mc_conf_schema_new(&schema, sm_conf_parts, stderr) < 0)
		abort();
	return schema;
}
