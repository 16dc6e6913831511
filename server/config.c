/* config.c - INI configuration through libinih. */
#include "config.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "cli.h"
#include "err.h"
#include "log.h"

/* Strings from the file live here until the process ends. */
static char g_host[256], g_data[4096], g_key[4096], g_port_file[4096];

struct load_ctx {
	struct server_opts *o;
	int *log_level;
	char *err;
	size_t errcap;
	int failed;
};

int config_split_listen(const char *arg, char *host, size_t cap, int *port)
{
	const char *colon = strrchr(arg, ':');
	unsigned long long p;
	size_t n;
	if (!colon)
		return BS_E_INVAL;
	n = (size_t)(colon - arg);
	if (n >= 2 && arg[0] == '[' && arg[n - 1] == ']') {
		arg++;
		n -= 2;
	}
	if (n == 0 || n >= cap || cli_parse_uint(colon + 1, 0, 65535, &p) != BS_OK)
		return BS_E_INVAL;
	memcpy(host, arg, n);
	host[n] = '\0';
	*port = (int)p;
	return BS_OK;
}

static int set_str(char *dst, size_t cap, const char *v)
{
	if (strlen(v) >= cap)
		return BS_E_TOOBIG;
	strcpy(dst, v);
	return BS_OK;
}

static int num(const char *v, unsigned long long min, unsigned long long max,
	       unsigned long long *out)
{
	return cli_parse_uint(v, min, max, out);
}

/* libinih reports the line of the first entry the handler refused. */
static int on_entry(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *lc = user;
	struct server_opts *o = lc->o;
	unsigned long long v = 0;
	int rv = BS_E_INVAL;

	if (!strcmp(section, "server")) {
		if (!strcmp(name, "listen")) {
			rv = config_split_listen(value, g_host, sizeof g_host, &o->port);
			if (rv == BS_OK)
				o->host = g_host;
		} else if (!strcmp(name, "data")) {
			if ((rv = set_str(g_data, sizeof g_data, value)) == BS_OK)
				o->data_dir = g_data;
		} else if (!strcmp(name, "key")) {
			if ((rv = set_str(g_key, sizeof g_key, value)) == BS_OK)
				o->key_path = g_key;
		} else if (!strcmp(name, "port_file")) {
			if ((rv = set_str(g_port_file, sizeof g_port_file, value)) == BS_OK)
				o->port_file = g_port_file[0] ? g_port_file : NULL;
		} else if (!strcmp(name, "handshake_timeout_ms")) {
			if ((rv = num(value, 10, 86400000, &v)) == BS_OK)
				o->handshake_timeout_ms = (unsigned)v;
		} else if (!strcmp(name, "idle_timeout_ms")) {
			if ((rv = num(value, 10, 86400000, &v)) == BS_OK)
				o->idle_timeout_ms = (unsigned)v;
		} else if (!strcmp(name, "max_connections")) {
			if ((rv = num(value, 1, 1000000, &v)) == BS_OK)
				o->max_connections = (unsigned)v;
		} else if (!strcmp(name, "max_unauth_connections")) {
			if ((rv = num(value, 1, 1000000, &v)) == BS_OK)
				o->max_unauth_connections = (unsigned)v;
		} else if (!strcmp(name, "max_unauth_per_address")) {
			if ((rv = num(value, 1, 1000000, &v)) == BS_OK)
				o->max_unauth_per_addr = (unsigned)v;
		} else if (!strcmp(name, "handshakes_per_second")) {
			if ((rv = num(value, 1, 1000000, &v)) == BS_OK)
				o->handshakes_per_s = (unsigned)v;
		} else if (!strcmp(name, "handshake_burst")) {
			if ((rv = num(value, 1, 1000000, &v)) == BS_OK)
				o->handshake_burst = (unsigned)v;
		} else if (!strcmp(name, "enrol_timeout_ms")) {
			if ((rv = num(value, 10, 86400000, &v)) == BS_OK)
				o->enrol_timeout_ms = (unsigned)v;
		} else if (!strcmp(name, "cookie")) {
			static const char *modes[] = {"auto", "always", "never"};
			int i;
			for (i = 0; i < 3; i++)
				if (!strcmp(value, modes[i])) {
					o->cookie_mode = i;
					rv = BS_OK;
				}
		} else if (!strcmp(name, "cookie_load_per_second")) {
			if ((rv = num(value, 1, 1000000, &v)) == BS_OK)
				o->cookie_load_per_s = (unsigned)v;
		} else if (!strcmp(name, "max_held_refused")) {
			if ((rv = num(value, 0, 1000000, &v)) == BS_OK)
				o->max_held_refused = (unsigned)v;
		} else if (!strcmp(name, "refusal_log_interval_s")) {
			if ((rv = num(value, 1, 3600, &v)) == BS_OK)
				o->refusal_log_interval_s = (unsigned)v;
		} else if (!strcmp(name, "clock_skew_s")) {
			if ((rv = num(value, 1, 86400, &v)) == BS_OK)
				o->clock_skew_ms = v * 1000u;
		} else if (!strcmp(name, "max_file_mb")) {
			if ((rv = num(value, 1, 4096, &v)) == BS_OK)
				o->max_file_bytes = v * 1024u * 1024u;
		} else if (!strcmp(name, "unit_quota_mb")) {
			if ((rv = num(value, 1, 100000000, &v)) == BS_OK)
				o->unit_quota_bytes = v * 1024u * 1024u;
		} else if (!strcmp(name, "grouped_uploads")) {
			if ((rv = num(value, 0, 64, &v)) == BS_OK)
				o->grouped_uploads = (unsigned)v;
		} else if (!strcmp(name, "upload_pace_mb")) {
			if ((rv = num(value, 0, 100000, &v)) == BS_OK)
				o->upload_pace_mb = (unsigned)v;
		} else if (!strcmp(name, "readers")) {
			if ((rv = num(value, 1, 16, &v)) == BS_OK)
				o->readers = (unsigned)v;
		} else if (!strcmp(name, "max_batch")) {
			if ((rv = num(value, 1, 10000, &v)) == BS_OK)
				o->max_batch = (unsigned)v;
		} else {
			snprintf(lc->err, lc->errcap, "unknown key '%s' in [server]", name);
			lc->failed = 1;
			return 0;
		}
	} else if (!strcmp(section, "backup") && (!strcmp(name, "dir") || !strcmp(name, "keep"))) {
		/* For baosongd backup --config (server/backup.c); checked here too. */
		if (backup_setting_ok(name, value))
			rv = BS_OK;
	} else if (!strcmp(section, "log") && !strcmp(name, "level")) {
		static const char *levels[] = {"error", "warn", "info", "debug"};
		int i;
		for (i = 0; i < 4; i++)
			if (!strcmp(value, levels[i])) {
				*lc->log_level = i;
				rv = BS_OK;
			}
	} else {
		snprintf(lc->err, lc->errcap, "unknown setting [%s] %s", section, name);
		lc->failed = 1;
		return 0;
	}
	if (rv != BS_OK) {
		snprintf(lc->err, lc->errcap, "bad value for %s: '%s'", name, value);
		lc->failed = 1;
		return 0;
	}
	return 1;
}

int config_load(const char *path, struct server_opts *o, int *log_level, char *err,
		size_t errcap)
{
	struct load_ctx lc = {o, log_level, err, errcap, 0};
	int rv = ini_parse(path, on_entry, &lc);
	if (rv == -1) {
		snprintf(err, errcap, "cannot open %s", path);
		return BS_E_NOTFOUND;
	}
	if (rv == -2) {
		snprintf(err, errcap, "out of memory reading %s", path);
		return BS_E_NOMEM;
	}
	if (lc.failed) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s", err);
		snprintf(err, errcap, "line %d: %s", rv, msg);
		return BS_E_INVAL;
	}
	if (rv > 0) {
		snprintf(err, errcap, "line %d: syntax error", rv);
		return BS_E_INVAL;
	}
	return BS_OK;
}
