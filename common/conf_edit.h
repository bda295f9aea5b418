/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_CONF_EDIT_H
#define MC_CONF_EDIT_H

/*
 * Editing a UCI config file's text in place, as `uci set` would, keeping
 * everything else byte for byte (comments, order, other sections). Pure:
 * text in, text out. webuid writes node settings with it.
 */

#include <stddef.h>

/*
 * Sets option `opt` of the named section `config TYPE 'NAME'` to value
 * (written single-quoted), or removes it when value is NULL. The first
 * `option OPT` line of the section (the last one of that name: it loads
 * over earlier ones) is replaced, other `option`/`list` lines of OPT
 * there are dropped; without one, the option is added after the
 * section's last statement; without the section, the section is
 * appended. A removal drops OPT from every section of that name, so the
 * default applies. *out is a new NUL-terminated text (free it). Returns 0,
 * -EINVAL for a value or name that cannot be written (control bytes, a
 * bad section name), -ENOMEM.
 */
int mc_conf_edit_set(char **out, const char *text, size_t len, const char *type,
		     const char *name, const char *opt, const char *value);

#endif
