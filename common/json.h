/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_JSON_H
#define MC_JSON_H

/*
 * The one way the daemons build JSON rows for their control commands and
 * events: value constructors for the types rows hold, and a row appended
 * to an array. json-c objects throughout (NULL is JSON null).
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "common/addr.h"

json_object *mc_json_str(const char *s);	/* NULL: "" */
json_object *mc_json_int(int64_t v);
json_object *mc_json_bool(bool v);
json_object *mc_json_mac(const uint8_t mac[6]);
json_object *mc_json_in6(const struct in6_addr *a);
json_object *mc_json_ip(const struct mc_ip *ip);
/* n bytes as lower-case hex (node ids) */
json_object *mc_json_hex(const uint8_t *p, size_t n);
/* o[k] = v; takes v */
void mc_json_add(json_object *o, const char *k, json_object *v);
/* A new object appended to rows (an array), for the caller to fill. */
json_object *mc_json_row(json_object *rows);

#endif
