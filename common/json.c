/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/json.h"

#include <arpa/inet.h>

json_object *mc_json_str(const char *s)
{
	return json_object_new_string(s ? s : "");
}

json_object *mc_json_int(int64_t v)
{
	return json_object_new_int64(v);
}

json_object *mc_json_bool(bool v)
{
	return json_object_new_boolean(v);
}

json_object *mc_json_mac(const uint8_t mac[6])
{
	char s[MC_MAC_STRLEN];

	return mc_json_str(mc_mac_format(mac, s, sizeof(s)));
}

json_object *mc_json_in6(const struct in6_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	return mc_json_str(inet_ntop(AF_INET6, a, s, sizeof(s)));
}

json_object *mc_json_ip(const struct mc_ip *ip)
{
	char s[MC_IP_STRLEN];

	return mc_json_str(mc_ip_format(ip, s, sizeof(s)));
}

json_object *mc_json_hex(const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char s[2 * 64 + 1];

	if (n > 64)
		n = 64;
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	s[2 * n] = '\0';
	return mc_json_str(s);
}

void mc_json_add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

json_object *mc_json_row(json_object *rows)
{
	json_object *o = json_object_new_object();

	json_object_array_add(rows, o);
	return o;
}
