/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The settings webuid changes (doc/webui.md "Changes"): the node config
 * file, rewritten only after the whole config (community file and the
 * new node file) passed the same code as a daemon's -n; then the daemons
 * reload, and those that report options needing a restart restart. The
 * admin password's hash (libsodium crypto_pwhash_str, argon2id) lives in
 * webui_state_dir/webui.passwd.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/conf_edit.h"
#include "common/ctl.h"
#include "common/log.h"
#include "webui/shell/webuid.h"

/* argon2id at 3 passes over 8 MiB: ~30 ms here, and small enough for a
 * 64 MB router (the memory is returned at once: see webuid.c's mallopt) */
#define WUD_PW_OPS 3
#define WUD_PW_MEM (8u << 20)
#define FILE_MAX (256u << 10)

static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;

	*out = NULL;
	if (!f)
		return -errno;
	buf = malloc(FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, FILE_MAX + 1, f);
	fclose(f);
	if (n > FILE_MAX) {
		free(buf);
		return -EFBIG;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

/* path is replaced by text as a whole or not at all */
static int write_atomic(const char *path, const char *text, size_t len, mode_t mode)
{
	char tmp[300];
	struct stat st;
	int fd, rc = 0;

	if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	snprintf(tmp, sizeof(tmp), "%s.webuid-new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	fchmod(fd, mode);
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0)
		rc = -errno ? -errno : -EIO;
	close(fd);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

int wud_password_load(struct wud *w)
{
	const char *dir = mc_conf_get_str(mc_conf_section(w->d->conf, "network"),
					  "webui_state_dir");
	char *text;
	size_t len;
	int rc;

	snprintf(w->pw_path, sizeof(w->pw_path), "%s/webui.passwd", dir ? dir : "/var/lib/softmesh");
	w->pw_hash[0] = 0;
	rc = read_file(w->pw_path, &text, &len);
	if (rc == -ENOENT)
		return 0;	/* first run */
	if (rc < 0)
		return rc;
	text[strcspn(text, "\r\n")] = 0;
	if (!strncmp(text, "$argon2", 7) && strlen(text) < sizeof(w->pw_hash))
		snprintf(w->pw_hash, sizeof(w->pw_hash), "%s", text);
	else
		log_warn("%s: not a password hash: ignored (the first-run setup is open)",
			 w->pw_path);
	free(text);
	w->v.password_set = wud_password_set(w);
	return 0;
}

bool wud_password_set(const struct wud *w)
{
	return w->pw_hash[0] != 0;
}

bool wud_password_check(const struct wud *w, const char *pw)
{
	return pw && wud_password_set(w) &&
	       crypto_pwhash_str_verify(w->pw_hash, pw, strlen(pw)) == 0;
}

static int password_store(struct wud *w, const char *pw, char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES], line[crypto_pwhash_STRBYTES + 2], dir[200];
	int rc;

	if (crypto_pwhash_str(hash, pw, strlen(pw), WUD_PW_OPS, WUD_PW_MEM) != 0) {
		snprintf(err, errlen, "the password could not be hashed (out of memory)");
		return -ENOMEM;
	}
	snprintf(dir, sizeof(dir), "%s", w->pw_path);
	*strrchr(dir, '/') = 0;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(-rc));
		return rc;
	}
	snprintf(line, sizeof(line), "%s\n", hash);
	rc = write_atomic(w->pw_path, line, strlen(line), 0600);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", w->pw_path, strerror(-rc));
		return rc;
	}
	memcpy(w->pw_hash, hash, sizeof(hash));
	w->v.password_set = true;
	log_notice("admin password set (%s)", w->pw_path);
	return 0;
}

/* the settings fields and where each lives */
static const struct {
	const char *field, *type, *name, *opt;
} where[] = {
	{ "hostname", "lime", "system", "hostname" },
	{ "ap_ssid", "lime", "network", "ap_ssid" },
	{ "gateway", "lime", "network", "gateway" },
	{ "gateway_bandwidth", "lime", "network", "gateway_bandwidth" },
	{ "preferred_gateway", "lime", "network", "preferred_gateway" },
};

/* The node file's text with req's fields set: *out (free it). */
static int edit(const char *text, size_t len, json_object *req, char **out, char *err,
		size_t errlen)
{
	char *cur = strdup(text);

	if (!cur)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		json_object *v;
		const char *val;
		char *next;
		int rc;

		if (!json_object_object_get_ex(req, where[i].field, &v))
			continue;
		if (json_object_is_type(v, json_type_boolean))
			val = json_object_get_boolean(v) ? "1" : "0";
		else
			val = json_object_get_string(v);
		if (!strcmp(where[i].field, "preferred_gateway") && !strcmp(val, "auto"))
			val = NULL;	/* the default: automatic */
		rc = mc_conf_edit_set(&next, cur, strlen(cur), where[i].type, where[i].name,
				      where[i].opt, val);
		if (rc < 0) {
			snprintf(err, errlen, "%s: %s", where[i].field,
				 rc == -EINVAL ? "control characters or too long" : strerror(-rc));
			free(cur);
			return rc;
		}
		free(cur);
		cur = next;
		/* LibreMesh's files keep the cloud's name in lime 'wifi' (the
		 * last one read wins): the node file keeps one, here */
		if (!strcmp(where[i].field, "ap_ssid")) {
			rc = mc_conf_edit_set(&next, cur, strlen(cur), "lime", "wifi", "ap_ssid", NULL);
			if (rc < 0) {
				free(cur);
				return rc;
			}
			free(cur);
			cur = next;
		}
	}
	*out = cur;
	(void)len;
	return 0;
}

/* Loads the layers with the node file's new text, as a daemon would. */
static int check(struct wud *w, const char *node_text, char *err, size_t errlen)
{
	struct mc_daemon *d = w->d;
	struct mc_conf_source srcs[16];
	char *texts[16] = { 0 }, *msgs = NULL;
	size_t n = d->nfiles, mlen = 0;
	uint8_t mac[6];
	bool have_mac = mc_conf_mac(d->conf, mac) == 0;
	struct mc_conf *c = NULL;
	FILE *f;
	int rc = 0;

	if (n > 16)
		return -E2BIG;
	for (size_t i = 0; i + 1 < n && rc == 0; i++) {
		size_t len;

		rc = read_file(d->files[i], &texts[i], &len);
		if (rc < 0)
			snprintf(err, errlen, "%s: %s", d->files[i], strerror(-rc));
		srcs[i] = (struct mc_conf_source){ d->files[i], texts[i], len };
	}
	if (rc == 0) {
		srcs[n - 1] = (struct mc_conf_source){ d->files[n - 1], node_text,
						       strlen(node_text) };
		f = open_memstream(&msgs, &mlen);
		rc = f ? mc_conf_load_sources(&c, d->schema, srcs, n, have_mac ? mac : NULL, f) :
			 -ENOMEM;
		if (f)
			fclose(f);
		if (rc < 0) {
			/* the first message is what the page shows (all are logged) */
			if (msgs && *msgs) {
				log_notice("settings refused: %s", msgs);
				snprintf(err, errlen, "%.*s", (int)strcspn(msgs, "\n"), msgs);
			} else {
				snprintf(err, errlen, "config refused: %s", strerror(-rc));
			}
			rc = -EINVAL;
		}
		mc_conf_free(c);
	}
	free(msgs);
	for (size_t i = 0; i < n; i++)
		free(texts[i]);
	return rc;
}

static void add_names(json_object *to, json_object *from, const char *k)
{
	json_object *a;

	if (!json_object_object_get_ex(from, k, &a) || !json_object_is_type(a, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(a, i));
		bool dup = false;

		for (size_t j = 0; j < json_object_array_length(to) && !dup; j++)
			dup = !strcmp(s, json_object_get_string(json_object_array_get_idx(to, j)));
		if (!dup)
			json_object_array_add(to, json_object_new_string(s));
	}
}

/* one request to a daemon: its reply (the caller puts it), or NULL */
static json_object *ask(struct wud *w, const char *daemon, const char *cmd, bool reset)
{
	json_object *req = json_object_new_object(), *rep = NULL;

	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	if (reset)
		json_object_object_add(req, "reset", json_object_new_boolean(true));
	mc_ctl_request(w->d->rundir, daemon, req, &rep, 3000);
	json_object_put(req);
	return rep;
}

static bool restart_needed(json_object *data)
{
	json_object *a;

	return data && json_object_object_get_ex(data, "restart", &a) &&
	       json_object_is_type(a, json_type_array) && json_object_array_length(a) > 0;
}

int wud_settings_apply(struct wud *w, json_object *req, json_object **out, char *err,
		       size_t errlen)
{
	struct mc_daemon *d = w->d;
	const char *node = d->nfiles ? d->files[d->nfiles - 1] : NULL, *pw = NULL, *e = NULL;
	json_object *applied = json_object_new_array(), *restarted = json_object_new_array(),
		    *skipped = json_object_new_array(), *v, *data = NULL;
	char *text = NULL, *next = NULL;
	size_t len;
	bool changed;
	int rc;

	*out = NULL;
	if (json_object_object_get_ex(req, "password", &v))
		pw = json_object_get_string(v);
	if (!node) {
		snprintf(err, errlen, "webuid was started without a config file (-c): "
			 "settings cannot be saved");
		rc = -EINVAL;
		goto fail;
	}
	rc = read_file(node, &text, &len);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", node, strerror(-rc));
		goto fail;
	}
	if ((rc = edit(text, len, req, &next, err, errlen)) < 0)
		goto fail;
	if ((rc = check(w, next, err, errlen)) < 0)
		goto fail;
	changed = strcmp(text, next) != 0;
	if (changed && (rc = write_atomic(node, next, strlen(next), 0644)) < 0) {
		snprintf(err, errlen, "%s: %s", node, strerror(-rc));
		goto fail;
	}
	if (pw && (rc = password_store(w, pw, err, errlen)) < 0)
		goto fail;
	if (pw)
		json_object_array_add(applied, json_object_new_string("password"));
	if (changed) {
		log_notice("settings written to %s (web UI)", node);
		/* this daemon first: its own options, then the others' */
		if (mc_daemon_reload(d, &data, &e) == 0) {
			add_names(applied, data, "applied");
			/* webuid itself restarts only to listen elsewhere */
			w->v.conf = d->conf;
			if (restart_needed(data) && wud_listen_changed(w)) {
				w->restart_after_reply = true;
				json_object_array_add(restarted, json_object_new_string("webuid"));
			}
		}
		json_object_put(data);
		for (unsigned i = 0; i < WV_DAEMONS; i++) {
			const char *name = wv_daemons[i].name;
			json_object *rep = ask(w, name, "reload", false), *ok, *rd = NULL;

			if (!rep) {
				json_object_array_add(skipped, json_object_new_string(name));
				continue;
			}
			if (json_object_object_get_ex(rep, "ok", &ok) && json_object_get_boolean(ok) &&
			    json_object_object_get_ex(rep, "data", &rd)) {
				add_names(applied, rd, "applied");
				if (restart_needed(rd)) {
					json_object_put(ask(w, name, "restart", false));
					json_object_array_add(restarted, json_object_new_string(name));
					log_notice("%s restarted for the new settings", name);
				}
			}
			json_object_put(rep);
		}
		/* a preference written to the file holds over one chosen live */
		if (json_object_object_get_ex(req, "preferred_gateway", NULL))
			json_object_put(ask(w, "l3routed", "gw_prefer", true));
	}
	free(text);
	free(next);
	*out = json_object_new_object();
	json_object_object_add(*out, "applied", applied);
	json_object_object_add(*out, "restarted", restarted);
	json_object_object_add(*out, "not_running", skipped);
	return 0;
fail:
	free(text);
	free(next);
	json_object_put(applied);
	json_object_put(restarted);
	json_object_put(skipped);
	return rc;
}
