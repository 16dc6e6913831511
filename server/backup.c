/* backup.c - nightly backup sets: names, the copy's integrity check,
 * retention. */
#include "backup.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "log.h"
#include "period.h"

#define NAME_PREFIX "baosong-"
#define NAME_SUFFIX ".db"

int backup_setting_ok(const char *name, const char *value)
{
	unsigned long long v;

	if (!strcmp(name, "dir"))
		return value[0] == '/' && strlen(value) < BACKUP_PATH_MAX - 64;
	if (!strcmp(name, "keep"))
		return cli_parse_uint(value, 1, BACKUP_KEEP_MAX, &v) == BS_OK;
	return 0;
}

struct load_ctx {
	struct backup_config *bc;
	char data[BACKUP_PATH_MAX - 32];
	char *err;
	size_t errcap;
	int failed;
};

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *lc = user;
	unsigned long long v;

	if (!strcmp(section, "server") && !strcmp(name, "data")) {
		if (strlen(value) >= sizeof lc->data) {
			snprintf(lc->err, lc->errcap, "[server] data is too long");
			lc->failed = 1;
			return 0;
		}
		strcpy(lc->data, value);
	} else if (!strcmp(section, "backup")) {
		if (!backup_setting_ok(name, value)) {
			snprintf(lc->err, lc->errcap,
				 "[backup] %s = '%s': want dir = an absolute path, keep = 1..%u",
				 name, value, BACKUP_KEEP_MAX);
			lc->failed = 1;
			return 0;
		}
		if (!strcmp(name, "dir")) {
			strcpy(lc->bc->dir, value);
		} else {
			cli_parse_uint(value, 1, BACKUP_KEEP_MAX, &v);
			lc->bc->keep = (unsigned)v;
		}
	}
	return 1;
}

int backup_config_load(const char *path, struct backup_config *bc, char *err, size_t errcap)
{
	struct load_ctx lc;
	int rv;

	assert(path && bc && err && errcap > 0);
	memset(bc, 0, sizeof *bc);
	memset(&lc, 0, sizeof lc);
	bc->keep = BACKUP_KEEP_DEFAULT;
	lc.bc = bc;
	lc.err = err;
	lc.errcap = errcap;
	rv = ini_parse(path, on_entry, &lc);
	if (rv == -1) {
		snprintf(err, errcap, "cannot open %s", path);
		return BS_E_NOTFOUND;
	}
	if (rv == -2) {
		snprintf(err, errcap, "out of memory reading %s", path);
		return BS_E_NOMEM;
	}
	if (lc.failed || rv > 0) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s", lc.failed ? err : "syntax error");
		snprintf(err, errcap, "line %d: %s", rv, msg);
		return BS_E_INVAL;
	}
	if (lc.data[0]) {
		snprintf(bc->db, sizeof bc->db, "%s/baosong.db", lc.data);
		if (!bc->dir[0])
			snprintf(bc->dir, sizeof bc->dir, "%s/backups", lc.data);
	}
	return BS_OK;
}

int backup_new_path(const char *dir, int64_t now_ms, char *out, size_t cap)
{
	int64_t days = period_local_days(now_ms);
	int64_t in_day = (now_ms + SHANGHAI_OFFSET_MS - days * DAY_MS) / 1000;
	char date[11], stamp[32];
	struct stat sb;
	int n, len;

	assert(dir && out);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		log_error("backup: cannot make %s: %s", dir, strerror(errno));
		return errno == EACCES ? BS_E_FORBIDDEN : BS_E_IO;
	}
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		log_error("backup: %s is not a directory", dir);
		return BS_E_INVAL;
	}
	period_format_date(days, date);
	/* YYYY-MM-DD -> YYYYMMDD */
	snprintf(stamp, sizeof stamp, "%.4s%.2s%.2s-%02d%02d%02d", date, date + 5, date + 8,
		 (int)(in_day / 3600) % 100, (int)(in_day / 60 % 60), (int)(in_day % 60));
	for (n = 1; n < 100; n++) {
		if (n == 1)
			len = snprintf(out, cap, "%s/" NAME_PREFIX "%s" NAME_SUFFIX, dir, stamp);
		else
			len = snprintf(out, cap, "%s/" NAME_PREFIX "%s-%d" NAME_SUFFIX, dir, stamp,
				       n);
		if (len < 0 || (size_t)len >= cap)
			return BS_E_TOOBIG;
		if (lstat(out, &sb) != 0 && errno == ENOENT)
			return BS_OK;
	}
	log_error("backup: 99 copies in %s share the second %s", dir, stamp);
	return BS_E_BUSY;
}

int backup_integrity_check(const char *path, char *why, size_t cap)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	const unsigned char *txt;
	int rc, rv = BS_E_CORRUPT;

	assert(path && why && cap > 0);
	why[0] = '\0';
	/* Read-write only so that SQLite can open the copy's WAL index; the
	 * pragma itself writes nothing. */
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(20)", -1, &q, NULL);
	if (rc != SQLITE_OK) {
		snprintf(why, cap, "%s", db ? sqlite3_errmsg(db) : "cannot open");
		goto out;
	}
	rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		snprintf(why, cap, "%s", sqlite3_errmsg(db));
		goto out;
	}
	txt = sqlite3_column_text(q, 0);
	if (txt && !strcmp((const char *)txt, "ok")) {
		rv = BS_OK;
		goto out;
	}
	snprintf(why, cap, "%s", txt ? (const char *)txt : "no answer");
	/* Log the further problems the pragma lists (up to 20 in all). */
	while (sqlite3_step(q) == SQLITE_ROW) {
		txt = sqlite3_column_text(q, 0);
		if (txt)
			log_error("backup: %s: integrity_check: %s", path, (const char *)txt);
	}
out:
	sqlite3_finalize(q);
	sqlite3_close(db);
	return rv;
}

void backup_tidy(const char *path)
{
	char wal[BACKUP_PATH_MAX + 8], shm[BACKUP_PATH_MAX + 8];
	struct stat sb;

	snprintf(wal, sizeof wal, "%s-wal", path);
	snprintf(shm, sizeof shm, "%s-shm", path);
	if (stat(wal, &sb) == 0 && sb.st_size == 0)
		unlink(wal);
	if (stat(wal, &sb) != 0 && errno == ENOENT)
		unlink(shm);
}

int backup_set_aside(const char *path, char *out, size_t cap)
{
	char from[BACKUP_PATH_MAX + 16], to[BACKUP_PATH_MAX + 32];
	int len = snprintf(out, cap, "%s.failed", path);

	if (len < 0 || (size_t)len >= cap)
		return BS_E_TOOBIG;
	if (rename(path, out) != 0)
		return BS_E_IO;
	snprintf(from, sizeof from, "%s.audit-key", path);
	snprintf(to, sizeof to, "%s.audit-key", out);
	if (rename(from, to) != 0 && errno != ENOENT)
		return BS_E_IO;
	snprintf(from, sizeof from, "%s-wal", path);
	unlink(from);
	snprintf(from, sizeof from, "%s-shm", path);
	unlink(from);
	return BS_OK;
}

/* baosong-YYYYMMDD-HHMMSS.db or baosong-YYYYMMDD-HHMMSS-N.db (N 2..99). */
static int is_copy_name(const char *n)
{
	size_t len = strlen(n), i;
	const size_t base = strlen(NAME_PREFIX) + 15;

	if (strncmp(n, NAME_PREFIX, strlen(NAME_PREFIX)) != 0 || len < base + 3 ||
	    strcmp(n + len - 3, NAME_SUFFIX) != 0)
		return 0;
	for (i = strlen(NAME_PREFIX); i < base; i++)
		if (i == strlen(NAME_PREFIX) + 8 ? n[i] != '-' : (n[i] < '0' || n[i] > '9'))
			return 0;
	if (len == base + 3)
		return 1;
	if (n[base] != '-' || len > base + 6)
		return 0;
	for (i = base + 1; i < len - 3; i++)
		if (n[i] < '0' || n[i] > '9')
			return 0;
	return 1;
}

/* Newest first: the time stamp, then the "-N" run of that second. */
static int newer_first(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = strlen(x), ly = strlen(y);
	int c = strncmp(y, x, strlen(NAME_PREFIX) + 15);

	if (c)
		return c;
	if (lx != ly) /* no suffix is the first run of its second */
		return lx < ly ? 1 : -1;
	return strcmp(y, x);
}

int backup_prune(const char *dir, unsigned keep, unsigned *pruned)
{
	static const char *const extras[] = {"", ".audit-key", "-wal", "-shm"};
	DIR *d;
	struct dirent *e;
	char **names = NULL, **grown, path[BACKUP_PATH_MAX + 300];
	size_t n = 0, cap = 0, i, k;
	int rv = BS_OK;

	assert(dir && pruned && keep >= 1);
	*pruned = 0;
	if (!(d = opendir(dir)))
		return BS_E_IO;
	while ((e = readdir(d))) {
		if (!is_copy_name(e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if (cap > 1000000 || !(grown = realloc(names, cap * sizeof *names))) {
				rv = BS_E_NOMEM;
				goto out;
			}
			names = grown;
		}
		if (!(names[n] = strdup(e->d_name))) {
			rv = BS_E_NOMEM;
			goto out;
		}
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof *names, newer_first);
	for (i = keep; i < n; i++) {
		for (k = 0; k < sizeof extras / sizeof extras[0]; k++) {
			snprintf(path, sizeof path, "%s/%s%s", dir, names[i], extras[k]);
			if (unlink(path) != 0 && errno != ENOENT) {
				log_error("backup: cannot delete %s: %s", path, strerror(errno));
				rv = BS_E_IO;
			}
		}
		log_info("backup: pruned %s/%s (keeping the newest %u)", dir, names[i], keep);
		(*pruned)++;
	}
out:
	closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rv;
}
