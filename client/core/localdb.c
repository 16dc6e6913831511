/* localdb.c - the client's local SQLite database (see localdb.h).
 *
 * One handle is one connection, used by one thread at a time.  Each SQL
 * statement is prepared on first use, kept in the handle and finalized by
 * localdb_close.  A function that writes more than one row runs in its own
 * transaction: BEGIN IMMEDIATE when the caller has none open (so the write
 * lock is taken up front and busy_timeout applies), a SAVEPOINT inside the
 * caller's localdb_begin otherwise.  Either way a change is all or nothing.
 *
 * Schema (numbered migrations in localdb_schema.c; PRAGMA user_version =
 * count applied):
 *   meta(key, value)                settings; next_seq numbers the outbox
 *   record(uid, ...)                this device's view of each record, with
 *                                   the server's review state (migration 2)
 *   outbox(seq, ...)                ops not yet acknowledged (state 0 pending,
 *                                   1 quarantined)
 *   outbox_attachment(seq, hash)    each op's attachment hashes, one per row,
 *                                   so localdb_file_each_unsent is one query
 *   conflict(seq, ...)              ops refused as stale, with the server's version
 *   file(hash, path, size, uploaded) attachment files by content hash
 * Attachment lists are stored as concatenated 32-byte hashes.  Everything
 * read back is checked (types, lengths) before anything is allocated.
 *
 * Iterators (*_each) call fn once per row while the query runs; a non-zero
 * return from fn stops the walk and is returned.  fn may call other localdb
 * functions, but not the same iterator again (BS_E_STATE). */
#include "localdb.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "localdb_int.h"
#include "log.h"

/* Longest meta key, meta value and attachment file path. */
#define LDB_KEY_MAX 128u
#define LDB_VALUE_MAX 65536u
#define LDB_PATH_MAX 4096u
#define LDB_BUSY_MS 5000

/* ---- the handle: its statements (ids and SQL in localdb_int.h and
 * localdb_schema.c) ---- */

struct localdb {
	sqlite3 *h;
	sqlite3_stmt *stmt[S__COUNT];
	unsigned char walking[S__COUNT]; /* an iterator is stepping this statement */
};

/* ---- errors and small helpers ---- */

/* Convert a SQLite result code at the boundary; its text goes to the log.
 * Call before the statement is reset (the message would be lost). */
static int sql_error(struct localdb *db, int rc, const char *what)
{
	log_error("localdb: %s: %s (%d)", what, sqlite3_errmsg(db->h), rc);
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return BS_E_NOSPACE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return BS_E_BUSY;
	case SQLITE_NOMEM:
		return BS_E_NOMEM;
	default:
		return BS_E_DB;
	}
}

/* 0 if s is a non-empty string of at most max bytes. */
static int check_name(const char *s, size_t max)
{
	size_t n;
	if (!s)
		return BS_E_INVAL;
	n = strnlen(s, max + 1);
	if (n == 0)
		return BS_E_INVAL;
	return n > max ? BS_E_TOOBIG : BS_OK;
}

static int check_payload(const uint8_t *data, size_t len,
			 const uint8_t (*attachments)[LDB_HASH_LEN], size_t n)
{
	if ((len > 0 && !data) || (n > 0 && !attachments))
		return BS_E_INVAL;
	if (len > LDB_DATA_MAX || n > LDB_ATTACH_MAX)
		return BS_E_TOOBIG;
	return BS_OK;
}

/* Copy n bytes of s into buf (cap > 0), cut at a UTF-8 character boundary
 * if they do not fit. */
static void copy_utf8(char *buf, size_t cap, const char *s, size_t n)
{
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	if (n > 0)
		memcpy(buf, s, n);
	buf[n] = '\0';
}

static int64_t now_ms(void)
{
	return bs_now_ms();
}

/* The cached statement id, prepared on first use. */
static int stmt_get(struct localdb *db, enum stmt_id id, sqlite3_stmt **out)
{
	if (!db->stmt[id]) {
		int rc = sqlite3_prepare_v3(db->h, ldb_stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
					    &db->stmt[id], NULL);
		if (rc != SQLITE_OK) {
			db->stmt[id] = NULL;
			return sql_error(db, rc, "prepare");
		}
	}
	*out = db->stmt[id];
	return BS_OK;
}

/* Make a statement ready for its next use; NULL-safe. */
static void stmt_done(sqlite3_stmt *st)
{
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

/* Binders: each does nothing once *rc holds an error, so a run of binds is
 * checked once. */
static void bind_text(sqlite3_stmt *st, int i, const char *s, int *rc)
{
	if (*rc == SQLITE_OK)
		*rc = s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* The review comment of r: at most sizeof review_comment - 1 bytes (the
 * array need not be terminated), without a character cut short at its end
 * (the caller may have cut a longer comment to fit). */
static void bind_comment(sqlite3_stmt *st, int i, const struct lrecord *r, int *rc)
{
	char buf[sizeof r->review_comment];
	size_t n, lead, need;
	if (*rc != SQLITE_OK)
		return;
	copy_utf8(buf, sizeof buf, r->review_comment,
		  strnlen(r->review_comment, sizeof r->review_comment));
	n = strlen(buf);
	lead = n;
	while (lead > 0 && ((unsigned char)buf[lead - 1] & 0xc0) == 0x80 && n - lead < 3)
		lead--;
	if (lead > 0 && (unsigned char)buf[lead - 1] >= 0xc0) {
		unsigned char c = (unsigned char)buf[lead - 1];
		need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (n - (lead - 1) < need)
			buf[lead - 1] = '\0';
	}
	*rc = sqlite3_bind_text(st, i, buf, -1, SQLITE_TRANSIENT);
}

static void bind_int(sqlite3_stmt *st, int i, int64_t v, int *rc)
{
	if (*rc == SQLITE_OK)
		*rc = sqlite3_bind_int64(st, i, (sqlite3_int64)v);
}

/* n is at most LDB_DATA_MAX (callers check).  A zero-length blob is bound
 * as an empty BLOB, not NULL. */
static void bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n, int *rc)
{
	if (*rc != SQLITE_OK)
		return;
	if (n == 0)
		*rc = sqlite3_bind_zeroblob(st, i, 0);
	else
		*rc = sqlite3_bind_blob(st, i, p, (int)n, SQLITE_STATIC);
}

/* Step a statement whose binds left bind_rc: 1 for a row, 0 when done, or
 * an error.  The caller resets it. */
static int step(struct localdb *db, sqlite3_stmt *st, int bind_rc, const char *what)
{
	int rc;
	if (bind_rc != SQLITE_OK)
		return sql_error(db, bind_rc, what);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sql_error(db, rc, what);
}

/* Run a statement that returns no rows, then reset it. */
static int run(struct localdb *db, sqlite3_stmt *st, int bind_rc, const char *what)
{
	int ret = step(db, st, bind_rc, what);
	stmt_done(st);
	return ret < 0 ? ret : BS_OK;
}

/* Run a statement without parameters by id. */
static int run_id(struct localdb *db, enum stmt_id id, const char *what)
{
	sqlite3_stmt *st = NULL;
	int ret = stmt_get(db, id, &st);
	if (ret != BS_OK)
		return ret;
	return run(db, st, SQLITE_OK, what);
}

/* Open this function's own transaction: BEGIN IMMEDIATE outside the
 * caller's, a savepoint inside it.  *nested records which. */
static int tx_open(struct localdb *db, int *nested)
{
	*nested = !sqlite3_get_autocommit(db->h);
	return run_id(db, *nested ? S_SAVEPOINT : S_BEGIN, "begin");
}

/* Close what tx_open opened: commit if ret is BS_OK, else roll back.
 * Returns ret, or the commit's error. */
static int tx_close(struct localdb *db, int nested, int ret)
{
	if (ret == BS_OK) {
		ret = run_id(db, nested ? S_RELEASE : S_COMMIT, "commit");
		if (ret == BS_OK)
			return ret;
	}
	/* Some errors (full disk, I/O) have already rolled everything back. */
	if (!sqlite3_get_autocommit(db->h)) {
		if (nested) {
			run_id(db, S_ROLLBACK_TO, "rollback");
			run_id(db, S_RELEASE, "rollback");
		} else {
			run_id(db, S_ROLLBACK, "rollback");
		}
	}
	return ret;
}

/* ---- open, close, migrations ---- */

/* A single-integer PRAGMA (or query) into *v. */
static int query_int(struct localdb *db, const char *sql, int64_t *v)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
	int ret;
	if (rc != SQLITE_OK) {
		ret = sql_error(db, rc, sql);
		goto out;
	}
	ret = step(db, st, SQLITE_OK, sql);
	if (ret == 1) {
		*v = (int64_t)sqlite3_column_int64(st, 0);
		ret = BS_OK;
	} else if (ret == 0) {
		ret = BS_E_DB;
	}
out:
	sqlite3_finalize(st);
	return ret;
}

static int exec_sql(struct localdb *db, const char *sql, const char *what)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? BS_OK : sql_error(db, rc, what);
}

static int set_pragmas(struct localdb *db)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *mode;
	int rc, ret;

	if ((ret = exec_sql(db, "PRAGMA busy_timeout = 5000", "busy_timeout")) != BS_OK)
		return ret;
	rc = sqlite3_prepare_v2(db->h, "PRAGMA journal_mode = WAL", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		ret = sql_error(db, rc, "journal_mode");
		goto out;
	}
	if ((ret = step(db, st, SQLITE_OK, "journal_mode")) < 0)
		goto out;
	mode = ret == 1 ? sqlite3_column_text(st, 0) : NULL;
	if (!mode || strcmp((const char *)mode, "wal") != 0) {
		log_error("localdb: cannot switch to WAL (journal_mode %s)",
			  mode ? (const char *)mode : "?");
		ret = BS_E_DB;
		goto out;
	}
	if ((ret = exec_sql(db, "PRAGMA synchronous = FULL", "synchronous")) != BS_OK ||
	    (ret = exec_sql(db, "PRAGMA foreign_keys = ON", "foreign_keys")) != BS_OK)
		goto out;
out:
	sqlite3_finalize(st);
	return ret < 0 ? ret : BS_OK;
}

/* Apply the migrations not yet applied, each in its own transaction.  The
 * version is read again under the write lock: another process may have
 * migrated meanwhile. */
static int migrate(struct localdb *db)
{
	int64_t v = 0;
	int ret;

	if ((ret = query_int(db, "PRAGMA user_version", &v)) != BS_OK)
		return ret;
	while (v < LDB_N_MIGRATIONS) {
		char sql[64];
		if ((ret = exec_sql(db, "BEGIN IMMEDIATE", "migrate")) != BS_OK)
			return ret;
		if ((ret = query_int(db, "PRAGMA user_version", &v)) != BS_OK)
			goto fail;
		if (v < 0 || v >= LDB_N_MIGRATIONS)
			break;
		snprintf(sql, sizeof sql, "PRAGMA user_version = %lld", (long long)(v + 1));
		if ((ret = exec_sql(db, ldb_migrations[v], "migrate")) != BS_OK ||
		    (ret = exec_sql(db, sql, "migrate")) != BS_OK ||
		    (ret = exec_sql(db, "COMMIT", "migrate")) != BS_OK)
			goto fail;
		log_info("localdb: schema migrated to version %lld", (long long)(v + 1));
		v++;
	}
	if (!sqlite3_get_autocommit(db->h))
		exec_sql(db, "ROLLBACK", "migrate");
	if (v < 0 || v > LDB_N_MIGRATIONS) {
		log_error("localdb: schema version %lld is newer than this program knows (%lld)",
			  (long long)v, (long long)LDB_N_MIGRATIONS);
		return BS_E_VERSION;
	}
	return BS_OK;
fail:
	if (!sqlite3_get_autocommit(db->h))
		exec_sql(db, "ROLLBACK", "migrate");
	return ret;
}

/* Create path with mode 0600 if it does not exist; tighten it if it does
 * and others may read it (it holds unsent reports).
 *
 * An existing file is never opened here: closing a descriptor of a file
 * drops every POSIX lock this process holds on it, SQLite's included, so an
 * open-and-close while another handle of this process (the web page's,
 * while its sync thread opens its own) is using the database would let a
 * second process write under the first's feet.  A link to a regular file
 * is followed; a link to nothing (a disk not mounted) is refused. */
static int create_file(const char *path)
{
	struct stat st;
	int fd, tries;

	for (tries = 0; tries < 2; tries++) {
		if (stat(path, &st) == 0) {
			if (!S_ISREG(st.st_mode)) {
				log_error("localdb: %s: not a regular file", path);
				return BS_E_IO;
			}
			if ((st.st_mode & 077) != 0) {
				log_warn("localdb: %s was readable by others; mode set to 0600", path);
				if (chmod(path, 0600) != 0)
					return BS_E_IO;
			}
			return BS_OK;
		}
		if (errno != ENOENT) {
			log_error("localdb: %s: %s", path, strerror(errno));
			return BS_E_IO;
		}
		if (lstat(path, &st) == 0) {
			log_error("localdb: %s is a link to a file that is not there (a disk not "
				  "mounted?)", path);
			return BS_E_IO;
		}
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			close(fd); /* a new, empty file: nobody holds a lock on it */
			return BS_OK;
		}
		if (errno != EEXIST) {
			int e = errno;

			log_error("localdb: %s: %s", path, strerror(e));
			return e == ENOENT ? BS_E_NOTFOUND : BS_E_IO;
		}
		/* created meanwhile by another process: look again, once */
	}
	log_error("localdb: %s: appears and disappears; not opened", path);
	return BS_E_IO;
}

int localdb_open(const char *path, struct localdb **out)
{
	struct localdb *db = NULL;
	int rc, ret;

	if (!path || !*path || !out)
		return BS_E_INVAL;
	if ((ret = create_file(path)) != BS_OK)
		return ret;
	db = calloc(1, sizeof *db);
	if (!db)
		return BS_E_NOMEM;
	rc = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		ret = db->h ? sql_error(db, rc, path) : BS_E_NOMEM;
		goto out;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	if ((ret = set_pragmas(db)) != BS_OK || (ret = migrate(db)) != BS_OK)
		goto out;
	*out = db;
	db = NULL;
out:
	localdb_close(db);
	return ret;
}

void localdb_close(struct localdb *db)
{
	size_t i;
	if (!db)
		return;
	for (i = 0; i < S__COUNT; i++)
		sqlite3_finalize(db->stmt[i]);
	if (db->h && sqlite3_close(db->h) != SQLITE_OK)
		log_error("localdb: close: %s", sqlite3_errmsg(db->h));
	free(db);
}

int localdb_begin(struct localdb *db)
{
	return db ? run_id(db, S_BEGIN, "begin") : BS_E_INVAL;
}

int localdb_commit(struct localdb *db)
{
	return db ? run_id(db, S_COMMIT, "commit") : BS_E_INVAL;
}

/* A no-op when no transaction is open (an error may have ended it). */
int localdb_rollback(struct localdb *db)
{
	if (!db)
		return BS_E_INVAL;
	if (sqlite3_get_autocommit(db->h))
		return BS_OK;
	return run_id(db, S_ROLLBACK, "rollback");
}

/* ---- meta ---- */

int localdb_meta_get(struct localdb *db, const char *key, char *buf, size_t cap)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *s;
	int rc = SQLITE_OK, ret, n;

	if (!db || !buf || cap == 0)
		return BS_E_INVAL;
	if ((ret = check_name(key, LDB_KEY_MAX)) != BS_OK)
		return ret;
	if ((ret = stmt_get(db, S_META_GET, &st)) != BS_OK)
		return ret;
	bind_text(st, 1, key, &rc);
	ret = step(db, st, rc, "meta get");
	if (ret <= 0) {
		ret = ret == 0 ? BS_E_NOTFOUND : ret;
		goto out;
	}
	if (sqlite3_column_type(st, 0) != SQLITE_TEXT) {
		ret = BS_E_INVAL;
		goto out;
	}
	s = sqlite3_column_text(st, 0);
	n = sqlite3_column_bytes(st, 0);
	if (!s || n < 0) {
		ret = s ? BS_E_INVAL : BS_E_NOMEM;
		goto out;
	}
	if ((size_t)n >= cap) {
		ret = BS_E_TOOBIG;
		goto out;
	}
	memcpy(buf, s, (size_t)n);
	buf[n] = '\0';
	ret = BS_OK;
out:
	stmt_done(st);
	return ret;
}

int localdb_meta_set(struct localdb *db, const char *key, const char *value)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, ret;

	if (!db || !value)
		return BS_E_INVAL;
	if ((ret = check_name(key, LDB_KEY_MAX)) != BS_OK)
		return ret;
	if (strnlen(value, LDB_VALUE_MAX + 1) > LDB_VALUE_MAX)
		return BS_E_TOOBIG;
	if ((ret = stmt_get(db, S_META_SET, &st)) != BS_OK)
		return ret;
	bind_text(st, 1, key, &rc);
	bind_text(st, 2, value, &rc);
	return run(db, st, rc, "meta set");
}

int localdb_meta_get_int(struct localdb *db, const char *key, int64_t *value)
{
	char buf[32], *end = NULL;
	long long v;
	int ret;

	if (!value)
		return BS_E_INVAL;
	ret = localdb_meta_get(db, key, buf, sizeof buf);
	if (ret == BS_E_TOOBIG)
		return BS_E_INVAL;
	if (ret != BS_OK)
		return ret;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno != 0 || end == buf || *end != '\0')
		return BS_E_INVAL;
	*value = (int64_t)v;
	return BS_OK;
}

int localdb_meta_set_int(struct localdb *db, const char *key, int64_t value)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", (long long)value);
	return localdb_meta_set(db, key, buf);
}

int localdb_hello_ns(struct localdb *db, uint64_t now_ns, uint64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc, ret;
	sqlite3_int64 v;
	if (now_ns > (uint64_t)INT64_MAX)
		return BS_E_INVAL;
	if ((ret = stmt_get(db, S_META_HELLO, &st)) != BS_OK)
		return ret;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now_ns);
	rc = sqlite3_step(st);
	v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	/* Step to the end so the write is finished before the reset. */
	while (rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		ret = sql_error(db, rc, "hello stamp");
		sqlite3_reset(st);
		return ret;
	}
	sqlite3_reset(st);
	*out = v > 0 ? (uint64_t)v : now_ns;
	return BS_OK;
}

/* ---- records ---- */

/* What a change needs to know of a record: whether it is held, its server
 * rev and kind, and its pending ops. */
struct rec_head {
	int found;
	uint64_t rev;
	char kind[LDB_KIND_MAX + 1];
	uint64_t pending;
	uint64_t refused;
};

static int rec_head(struct localdb *db, const char *uid, struct rec_head *h)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, ret;

	memset(h, 0, sizeof *h);
	if ((ret = stmt_get(db, S_REC_HEAD, &st)) != BS_OK)
		return ret;
	bind_text(st, 1, uid, &rc);
	ret = step(db, st, rc, "record head");
	if (ret <= 0) {
		ret = ret == 0 ? BS_E_DB : ret;
		goto out;
	}
	if ((ret = ldb_col_u64(st, 2, &h->pending)) != BS_OK ||
	    (ret = ldb_col_u64(st, 3, &h->refused)) != BS_OK)
		goto out;
	if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
		if ((ret = ldb_col_u64(st, 0, &h->rev)) != BS_OK ||
		    (ret = ldb_col_name(st, 1, h->kind, LDB_KIND_MAX)) != BS_OK)
			goto out;
		h->found = 1;
	}
out:
	stmt_done(st);
	return ret;
}

int localdb_record_get(struct localdb *db, const char *uid, struct lrecord *out)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, ret;

	if (!db || !out)
		return BS_E_INVAL;
	if ((ret = check_name(uid, LDB_UID_MAX)) != BS_OK)
		return ret == BS_E_TOOBIG ? BS_E_NOTFOUND : ret;
	if ((ret = stmt_get(db, S_REC_GET, &st)) != BS_OK)
		return ret;
	bind_text(st, 1, uid, &rc);
	ret = step(db, st, rc, "record get");
	if (ret == 1)
		ret = ldb_read_record(st, out);
	else if (ret == 0)
		ret = BS_E_NOTFOUND;
	stmt_done(st);
	return ret;
}

static int rec_walk(struct localdb *db, enum stmt_id id, const char *kind, int include_deleted,
		    const uint8_t *bytes, size_t n, int (*fn)(void *ctx, const struct lrecord *r),
		    void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, ret;

	if (!db || !fn)
		return BS_E_INVAL;
	if (db->walking[id])
		return BS_E_STATE;
	if ((ret = stmt_get(db, id, &st)) != BS_OK)
		return ret;
	db->walking[id] = 1;
	bind_text(st, 1, kind, &rc);
	bind_int(st, 2, include_deleted != 0, &rc);
	if (id == S_REC_EACH_WITH)
		bind_blob(st, 3, bytes, n, &rc);
	while ((ret = step(db, st, rc, "record each")) == 1) {
		struct lrecord r;
		if ((ret = ldb_read_record(st, &r)) != BS_OK)
			break;
		ret = fn(ctx, &r);
		lrecord_free(&r);
		if (ret != 0)
			break;
	}
	stmt_done(st);
	db->walking[id] = 0;
	return ret;
}

int localdb_record_each(struct localdb *db, const char *kind, int include_deleted,
			int (*fn)(void *ctx, const struct lrecord *r), void *ctx)
{
	return rec_walk(db, S_REC_EACH, kind, include_deleted, NULL, 0, fn, ctx);
}

int localdb_record_each_with(struct localdb *db, const char *kind, const uint8_t *bytes,
			     size_t n, int (*fn)(void *ctx, const struct lrecord *r), void *ctx)
{
	if (!kind || !bytes || n == 0)
		return BS_E_INVAL;
	return rec_walk(db, S_REC_EACH_WITH, kind, 0, bytes, n, fn, ctx);
}

int localdb_change(struct localdb *db, const char *kind, const char *uid, int64_t unit_id,
		   const uint8_t *data, size_t len, const uint8_t (*attachments)[LDB_HASH_LEN],
		   size_t n_attachments, int deleted, int64_t now, uint64_t *seq)
{
	sqlite3_stmt *st = NULL;
	struct rec_head head;
	int64_t next = 1;
	uint64_t base_rev;
	int rc = SQLITE_OK, nested = 0, ret;
	size_t i;

	if (!db)
		return BS_E_INVAL;
	if ((ret = check_name(kind, LDB_KIND_MAX)) != BS_OK ||
	    (ret = check_name(uid, LDB_UID_MAX)) != BS_OK ||
	    (ret = check_payload(data, len, attachments, n_attachments)) != BS_OK)
		return ret;
	deleted = deleted != 0;

	if ((ret = tx_open(db, &nested)) != BS_OK)
		return ret;
	ret = localdb_meta_get_int(db, "next_seq", &next);
	if (ret == BS_E_NOTFOUND) {
		next = 1;
		ret = BS_OK;
	}
	if (ret != BS_OK)
		goto out;
	if (next < 1 || next == INT64_MAX) {
		log_error("localdb: next_seq %lld is out of range", (long long)next);
		ret = BS_E_INVAL;
		goto out;
	}
	if ((ret = rec_head(db, uid, &head)) != BS_OK)
		goto out;
	if (head.found && strcmp(head.kind, kind) != 0) {
		log_error("localdb: record %s is a %s, not a %s", uid, head.kind, kind);
		ret = BS_E_INVAL;
		goto out;
	}
	base_rev = head.rev + head.pending;
	if (base_rev < head.rev || base_rev > INT64_MAX) {
		ret = BS_E_INVAL;
		goto out;
	}

	/* The op (based on the record's data as it is now), and its
	 * attachments one per row. */
	if ((ret = stmt_get(db, S_OP_INSERT, &st)) != BS_OK)
		goto out;
	bind_int(st, 1, next, &rc);
	bind_text(st, 2, kind, &rc);
	bind_text(st, 3, uid, &rc);
	bind_int(st, 4, (int64_t)base_rev, &rc);
	bind_int(st, 5, deleted, &rc);
	bind_blob(st, 6, data, len, &rc);
	bind_blob(st, 7, attachments, n_attachments * LDB_HASH_LEN, &rc);
	bind_int(st, 8, now, &rc);
	if ((ret = run(db, st, rc, "outbox insert")) != BS_OK)
		goto out;
	if (n_attachments > 0 && (ret = stmt_get(db, S_OP_ATTACH, &st)) != BS_OK)
		goto out;
	for (i = 0; i < n_attachments; i++) {
		bind_int(st, 1, next, &rc);
		bind_blob(st, 2, attachments[i], LDB_HASH_LEN, &rc);
		if ((ret = run(db, st, rc, "outbox attachment")) != BS_OK)
			goto out;
	}

	/* The record's new local data; its server rev and unit stay. */
	if ((ret = stmt_get(db, S_REC_LOCAL, &st)) != BS_OK)
		goto out;
	bind_text(st, 1, uid, &rc);
	bind_text(st, 2, kind, &rc);
	bind_int(st, 3, unit_id, &rc);
	bind_int(st, 4, deleted, &rc);
	bind_int(st, 5, now, &rc);
	bind_blob(st, 6, data, len, &rc);
	bind_blob(st, 7, attachments, n_attachments * LDB_HASH_LEN, &rc);
	if ((ret = run(db, st, rc, "record write")) != BS_OK)
		goto out;
	ret = localdb_meta_set_int(db, "next_seq", next + 1);
out:
	ret = tx_close(db, nested, ret);
	if (ret == BS_OK && seq)
		*seq = (uint64_t)next;
	return ret;
}

/* ---- outbox ---- */

/* Walk the ops of statement id (S_OP_EACH or S_OP_QEACH). */
static int op_walk(struct localdb *db, enum stmt_id id, uint64_t after, unsigned limit,
		   int (*fn)(void *ctx, const struct lop *op), void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, ret;

	if (!db || !fn)
		return BS_E_INVAL;
	if (db->walking[id])
		return BS_E_STATE;
	if (after > INT64_MAX || limit == 0)
		return BS_OK;
	if ((ret = stmt_get(db, id, &st)) != BS_OK)
		return ret;
	db->walking[id] = 1;
	if (id == S_OP_EACH) {
		bind_int(st, 1, (int64_t)after, &rc);
		bind_int(st, 2, (int64_t)limit, &rc);
	}
	while ((ret = step(db, st, rc, "outbox each")) == 1) {
		struct lop op;
		if ((ret = ldb_read_op(st, &op)) != BS_OK)
			break;
		ret = fn(ctx, &op);
		lop_free(&op);
		if (ret != 0)
			break;
	}
	stmt_done(st);
	db->walking[id] = 0;
	return ret;
}

int localdb_outbox_each(struct localdb *db, uint64_t after, unsigned limit,
			int (*fn)(void *ctx, const struct lop *op), void *ctx)
{
	return op_walk(db, S_OP_EACH, after, limit, fn, ctx);
}

int localdb_quarantine_each(struct localdb *db, int (*fn)(void *ctx, const struct lop *op),
			    void *ctx)
{
	return op_walk(db, S_OP_QEACH, 0, UINT_MAX, fn, ctx);
}

/* Op seq into *op; BS_E_NOTFOUND if it is not in the outbox. */
static int op_get(struct localdb *db, uint64_t seq, struct lop *op)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, ret;

	if (seq > INT64_MAX)
		return BS_E_NOTFOUND;
	if ((ret = stmt_get(db, S_OP_GET, &st)) != BS_OK)
		return ret;
	bind_int(st, 1, (int64_t)seq, &rc);
	ret = step(db, st, rc, "outbox get");
	if (ret == 1)
		ret = ldb_read_op(st, op);
	else if (ret == 0)
		ret = BS_E_NOTFOUND;
	stmt_done(st);
	return ret;
}

/* Delete op seq (its attachment rows go with it). */
static int op_delete(struct localdb *db, uint64_t seq)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, ret;

	if ((ret = stmt_get(db, S_OP_DELETE, &st)) != BS_OK)
		return ret;
	bind_int(st, 1, (int64_t)seq, &rc);
	return run(db, st, rc, "outbox delete");
}

/* Raise the server rev of uid to rev (never lower it). */
static int rec_raise(struct localdb *db, const char *uid, uint64_t rev)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, ret;

	if ((ret = stmt_get(db, S_REC_RAISE, &st)) != BS_OK)
		return ret;
	bind_text(st, 1, uid, &rc);
	bind_int(st, 2, (int64_t)rev, &rc);
	return run(db, st, rc, "record rev");
}

/* Replace (or insert) record uid with a version held by the server. */
static int rec_put_server(struct localdb *db, const char *uid, const char *kind,
			  const struct lrecord *r)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, ret;

	if ((ret = stmt_get(db, S_REC_SERVER, &st)) != BS_OK)
		return ret;
	bind_text(st, 1, uid, &rc);
	bind_text(st, 2, kind, &rc);
	bind_int(st, 3, r->unit_id, &rc);
	bind_int(st, 4, (int64_t)r->rev, &rc);
	bind_int(st, 5, r->deleted != 0, &rc);
	bind_int(st, 6, r->updated_at, &rc);
	bind_blob(st, 7, r->data, r->data_len, &rc);
	bind_blob(st, 8, r->attachments, r->n_attachments * LDB_HASH_LEN, &rc);
	bind_int(st, 9, r->review_status, &rc);
	bind_comment(st, 10, r, &rc);
	bind_int(st, 11, r->created_at, &rc);
	bind_int(st, 12, r->reviewed_at, &rc);
	bind_int(st, 13, r->locked != 0, &rc);
	bind_int(st, 14, r->complete_at, &rc);
	return run(db, st, rc, "record put");
}

/* Take the server's rev and review state for uid from r, keeping the local
 * data (pending changes are newer); nothing if this device holds a newer
 * revision. */
static int rec_put_review(struct localdb *db, const char *uid, const struct lrecord *r)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, ret;

	if ((ret = stmt_get(db, S_REC_REVIEW, &st)) != BS_OK)
		return ret;
	bind_text(st, 1, uid, &rc);
	bind_int(st, 2, (int64_t)r->rev, &rc);
	bind_int(st, 3, r->review_status, &rc);
	bind_comment(st, 4, r, &rc);
	bind_int(st, 5, r->created_at, &rc);
	bind_int(st, 6, r->reviewed_at, &rc);
	bind_int(st, 7, r->locked != 0, &rc);
	bind_int(st, 8, r->complete_at, &rc);
	return run(db, st, rc, "record review");
}

/* Check a record handed in by the caller (from the server).  An empty
 * uid or kind is allowed only when allow_empty. */
static int check_lrecord(const struct lrecord *r, int allow_empty)
{
	int ret;
	if (!r || r->rev > INT64_MAX)
		return BS_E_INVAL;
	if (!allow_empty || r->uid[0]) {
		if ((ret = check_name(r->uid, LDB_UID_MAX)) != BS_OK)
			return ret;
	}
	if (!allow_empty || r->kind[0]) {
		if ((ret = check_name(r->kind, LDB_KIND_MAX)) != BS_OK)
			return ret;
	}
	return check_payload(r->data, r->data_len, (const uint8_t(*)[LDB_HASH_LEN])r->attachments,
			     r->n_attachments);
}

int localdb_outbox_ack(struct localdb *db, uint64_t seq, uint64_t rev)
{
	struct lop op;
	int nested = 0, ret;

	if (!db || rev > INT64_MAX)
		return BS_E_INVAL;
	memset(&op, 0, sizeof op);
	if ((ret = tx_open(db, &nested)) != BS_OK)
		return ret;
	ret = op_get(db, seq, &op);
	if (ret == BS_E_NOTFOUND) {
		ret = BS_OK; /* a replayed receipt */
		goto out;
	}
	if (ret != BS_OK || (ret = op_delete(db, seq)) != BS_OK)
		goto out;
	if ((ret = rec_raise(db, op.uid, rev)) != BS_OK)
		goto out;
	/* What the server now holds at rev is what the op sent. */
	ret = ldb_srv_set(db, op.uid, rev, op.deleted, op.data, op.data_len,
			  (const uint8_t(*)[LDB_HASH_LEN])op.attachments, op.n_attachments);
out:
	ret = tx_close(db, nested, ret);
	lop_free(&op);
	return ret;
}

int localdb_outbox_quarantine(struct localdb *db, uint64_t seq, int code, const char *msg)
{
	sqlite3_stmt *st = NULL;
	char text[sizeof(((struct lop *)0)->error_msg)];
	int rc = SQLITE_OK, ret;

	if (!db)
		return BS_E_INVAL;
	if (seq > INT64_MAX)
		return BS_E_NOTFOUND;
	msg = msg ? msg : "";
	copy_utf8(text, sizeof text, msg, strnlen(msg, sizeof text));
	if ((ret = stmt_get(db, S_OP_QUARANTINE, &st)) != BS_OK)
		return ret;
	bind_int(st, 1, (int64_t)seq, &rc);
	bind_int(st, 2, code, &rc);
	bind_text(st, 3, text, &rc);
	if ((ret = run(db, st, rc, "outbox quarantine")) != BS_OK)
		return ret;
	return sqlite3_changes(db->h) > 0 ? BS_OK : BS_E_NOTFOUND;
}

/* Whether a conflict for op seq is recorded. */
static int conflict_exists(struct localdb *db, uint64_t seq)
{
	struct lconflict c;
	int ret = localdb_conflict_get(db, seq, &c);
	if (ret == BS_OK) {
		lconflict_free(&c);
		return 1;
	}
	return ret == BS_E_NOTFOUND ? 0 : ret;
}

/* A replayed conflict (the op already moved) succeeds; an op that is in
 * neither list is BS_E_NOTFOUND.  The server's uid, if given, must be the
 * op's.  The conflict's created_at is the current time in milliseconds. */
int localdb_outbox_conflict(struct localdb *db, uint64_t seq, const struct lrecord *server)
{
	sqlite3_stmt *st = NULL;
	struct rec_head head;
	struct lop op;
	int rc = SQLITE_OK, nested = 0, ret;

	if (!db)
		return BS_E_INVAL;
	if ((ret = check_lrecord(server, 1)) != BS_OK)
		return ret;
	memset(&op, 0, sizeof op);
	if ((ret = tx_open(db, &nested)) != BS_OK)
		return ret;
	ret = op_get(db, seq, &op);
	if (ret == BS_E_NOTFOUND) {
		ret = conflict_exists(db, seq);
		ret = ret == 1 ? BS_OK : ret == 0 ? BS_E_NOTFOUND : ret;
		goto out;
	}
	if (ret != BS_OK)
		goto out;
	if (server->uid[0] && strcmp(server->uid, op.uid) != 0) {
		ret = BS_E_INVAL;
		goto out;
	}

	if ((ret = stmt_get(db, S_CF_INSERT, &st)) != BS_OK)
		goto out;
	bind_int(st, 1, (int64_t)op.seq, &rc);
	bind_text(st, 2, op.kind, &rc);
	bind_text(st, 3, op.uid, &rc);
	bind_blob(st, 4, op.data, op.data_len, &rc);
	bind_int(st, 5, (int64_t)server->rev, &rc);
	bind_blob(st, 6, server->data, server->data_len, &rc);
	bind_int(st, 7, now_ms(), &rc);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_null(st, 8); /* the whole record conflicts */
	if ((ret = run(db, st, rc, "conflict insert")) != BS_OK ||
	    (ret = op_delete(db, seq)) != BS_OK || (ret = rec_head(db, op.uid, &head)) != BS_OK)
		goto out;
	/* Later ops on the record carry newer local data: keep it, but take
	 * the server's rev and review state (unless this device holds newer). */
	if (head.pending > 0 || (head.found && head.rev > server->rev)) {
		if ((ret = rec_put_review(db, op.uid, server)) == BS_OK)
			ret = ldb_srv_set(db, op.uid, server->rev, server->deleted, server->data,
					  server->data_len,
					  (const uint8_t(*)[LDB_HASH_LEN])server->attachments,
					  server->n_attachments);
	} else
		ret = rec_put_server(db, op.uid, server->kind[0] ? server->kind : op.kind, server);
out:
	ret = tx_close(db, nested, ret);
	lop_free(&op);
	return ret;
}

/* Run one statement with up to two integer parameters; *row (may be NULL)
 * gets the first column of the row it returns, if any.  Not cached:
 * renumbering is rare. */
static int exec_int2(struct localdb *db, const char *sql, int64_t a, int64_t b,
		     int64_t *row, const char *what)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sql_error(db, rc, what);
	if (sqlite3_bind_parameter_count(st) >= 1)
		rc = sqlite3_bind_int64(st, 1, a);
	if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) >= 2)
		rc = sqlite3_bind_int64(st, 2, b);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			if (row)
				*row = sqlite3_column_int64(st, 0);
			rc = sqlite3_step(st);
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? BS_OK : sql_error(db, rc, what);
}

int localdb_outbox_renumber(struct localdb *db, uint64_t from, uint64_t first_new,
			    unsigned *moved)
{
	int64_t next = 1, count = 0, delta = 0;
	int nested = 0, ret;

	if (!db || from < 1 || first_new < 1 || from > INT64_MAX / 4 ||
	    first_new > INT64_MAX / 4)
		return BS_E_INVAL;
	if ((ret = tx_open(db, &nested)) != BS_OK)
		return ret;
	/* The attachment rows follow their op; the foreign key is checked at
	 * commit, when both tables agree again. */
	if ((ret = exec_sql(db, "PRAGMA defer_foreign_keys = ON", "renumber")) != BS_OK)
		goto out;
	ret = localdb_meta_get_int(db, "next_seq", &next);
	if (ret == BS_E_NOTFOUND) {
		next = 1;
		ret = BS_OK;
	}
	if (ret != BS_OK)
		goto out;
	if (next < 1 || next > INT64_MAX / 4) {
		ret = BS_E_INVAL;
		goto out;
	}
	if ((ret = exec_int2(db, "SELECT count(*) FROM outbox WHERE seq >= ?1", (int64_t)from, 0,
			     &count, "renumber count")) != BS_OK)
		goto out;
	if (first_new > from && count > 0) {
		delta = (int64_t)(first_new - from);
		/* Through negative numbers, so no row meets another's old seq. */
		if ((ret = exec_int2(db, "UPDATE outbox_attachment SET seq = -(seq + ?2) "
					 "WHERE seq >= ?1", (int64_t)from, delta, NULL,
				     "renumber attachments")) != BS_OK ||
		    (ret = exec_int2(db, "UPDATE outbox SET seq = -(seq + ?2) WHERE seq >= ?1",
				     (int64_t)from, delta, NULL, "renumber outbox")) != BS_OK ||
		    (ret = exec_int2(db, "UPDATE outbox_attachment SET seq = -seq WHERE seq < 0",
				     0, 0, NULL, "renumber attachments")) != BS_OK ||
		    (ret = exec_int2(db, "UPDATE outbox SET seq = -seq WHERE seq < 0", 0, 0, NULL,
				     "renumber outbox")) != BS_OK)
			goto out;
		next += delta;
	} else {
		count = 0;
	}
	if (next < (int64_t)first_new)
		next = (int64_t)first_new;
	ret = localdb_meta_set_int(db, "next_seq", next);
out:
	ret = tx_close(db, nested, ret);
	if (ret == BS_OK && moved)
		*moved = (unsigned)count;
	return ret;
}

/* Only a quarantined op can be discarded: a pending one is BS_E_STATE. */
int localdb_outbox_discard(struct localdb *db, uint64_t seq)
{
	sqlite3_stmt *st = NULL;
	struct lop op;
	int rc = SQLITE_OK, ret;

	if (!db)
		return BS_E_INVAL;
	if (seq > INT64_MAX)
		return BS_E_NOTFOUND;
	if ((ret = stmt_get(db, S_OP_DISCARD, &st)) != BS_OK)
		return ret;
	bind_int(st, 1, (int64_t)seq, &rc);
	if ((ret = run(db, st, rc, "outbox discard")) != BS_OK)
		return ret;
	if (sqlite3_changes(db->h) > 0)
		return BS_OK;
	ret = op_get(db, seq, &op);
	if (ret == BS_OK) {
		lop_free(&op);
		ret = BS_E_STATE;
	}
	return ret;
}

/* NULL out-parameters are skipped. */
int localdb_counts(struct localdb *db, unsigned *pending, unsigned *quarantined,
		   unsigned *conflicts)
{
	sqlite3_stmt *st = NULL;
	uint64_t v[3] = {0, 0, 0};
	int ret;
	int i;

	if (!db)
		return BS_E_INVAL;
	if ((ret = stmt_get(db, S_COUNTS, &st)) != BS_OK)
		return ret;
	ret = step(db, st, SQLITE_OK, "counts");
	if (ret <= 0) {
		ret = ret == 0 ? BS_E_DB : ret;
		goto out;
	}
	for (i = 0; i < 3; i++) {
		if ((ret = ldb_col_u64(st, i, &v[i])) != BS_OK)
			goto out;
		if (v[i] > UINT_MAX)
			v[i] = UINT_MAX;
	}
	if (pending)
		*pending = (unsigned)v[0];
	if (quarantined)
		*quarantined = (unsigned)v[1];
	if (conflicts)
		*conflicts = (unsigned)v[2];
out:
	stmt_done(st);
	return ret;
}

/* ---- conflicts ---- */

int localdb_conflict_each(struct localdb *db,
			  int (*fn)(void *ctx, const struct lconflict *c), void *ctx)
{
	sqlite3_stmt *st = NULL;
	int ret;

	if (!db || !fn)
		return BS_E_INVAL;
	if (db->walking[S_CF_EACH])
		return BS_E_STATE;
	if ((ret = stmt_get(db, S_CF_EACH, &st)) != BS_OK)
		return ret;
	db->walking[S_CF_EACH] = 1;
	while ((ret = step(db, st, SQLITE_OK, "conflict each")) == 1) {
		struct lconflict c;
		if ((ret = ldb_read_conflict(st, &c)) != BS_OK)
			break;
		ret = fn(ctx, &c);
		lconflict_free(&c);
		if (ret != 0)
			break;
	}
	stmt_done(st);
	db->walking[S_CF_EACH] = 0;
	return ret;
}

int localdb_conflict_get(struct localdb *db, uint64_t seq, struct lconflict *out)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, ret;

	if (!db || !out)
		return BS_E_INVAL;
	if (seq > INT64_MAX)
		return BS_E_NOTFOUND;
	if ((ret = stmt_get(db, S_CF_GET, &st)) != BS_OK)
		return ret;
	bind_int(st, 1, (int64_t)seq, &rc);
	ret = step(db, st, rc, "conflict get");
	if (ret == 1)
		ret = ldb_read_conflict(st, out);
	else if (ret == 0)
		ret = BS_E_NOTFOUND;
	stmt_done(st);
	return ret;
}

int localdb_conflict_delete(struct localdb *db, uint64_t seq)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, ret;

	if (!db)
		return BS_E_INVAL;
	if (seq > INT64_MAX)
		return BS_E_NOTFOUND;
	if ((ret = stmt_get(db, S_CF_DELETE, &st)) != BS_OK)
		return ret;
	bind_int(st, 1, (int64_t)seq, &rc);
	if ((ret = run(db, st, rc, "conflict delete")) != BS_OK)
		return ret;
	return sqlite3_changes(db->h) > 0 ? BS_OK : BS_E_NOTFOUND;
}

/* ---- pulled records ---- */

int localdb_apply_remote(struct localdb *db, const struct lrecord *r)
{
	struct rec_head head;
	int nested = 0, ret;

	if (!db)
		return BS_E_INVAL;
	if ((ret = check_lrecord(r, 0)) != BS_OK)
		return ret;
	if ((ret = tx_open(db, &nested)) != BS_OK)
		return ret;
	if ((ret = rec_head(db, r->uid, &head)) != BS_OK)
		goto out;
	if (head.found && head.rev > r->rev)
		goto out; /* newer than what the server sent */
	/* With no change of this device waiting or refused, the device shows
	 * what the server holds (the same revision again repairs a local copy
	 * that differs); otherwise the local data stays, and the review state
	 * and the server's copy are taken. */
	if (head.pending > 0 || head.refused > 0) {
		if ((ret = rec_put_review(db, r->uid, r)) == BS_OK)
			ret = ldb_srv_set(db, r->uid, r->rev, r->deleted, r->data, r->data_len,
					  (const uint8_t(*)[LDB_HASH_LEN])r->attachments,
					  r->n_attachments);
	} else {
		ret = rec_put_server(db, r->uid, r->kind, r);
	}
out:
	return tx_close(db, nested, ret);
}

/* ---- for the other localdb_*.c files (localdb_int.h) ---- */

sqlite3 *ldb_handle(struct localdb *db)
{
	return db->h;
}

int ldb_sql_error(struct localdb *db, int rc, const char *what)
{
	return sql_error(db, rc, what);
}

int ldb_check_name(const char *s, size_t max)
{
	return check_name(s, max);
}

int ldb_check_payload(const uint8_t *data, size_t len, const uint8_t (*att)[LDB_HASH_LEN],
		      size_t n)
{
	return check_payload(data, len, att, n);
}

int ldb_tx_open(struct localdb *db, int *nested)
{
	return tx_open(db, nested);
}

int ldb_tx_close(struct localdb *db, int nested, int ret)
{
	return tx_close(db, nested, ret);
}

int ldb_step(struct localdb *db, sqlite3_stmt *st, int bind_rc, const char *what)
{
	return step(db, st, bind_rc, what);
}

void ldb_bind_text(sqlite3_stmt *st, int i, const char *s, int *rc)
{
	bind_text(st, i, s, rc);
}

void ldb_bind_int(sqlite3_stmt *st, int i, int64_t v, int *rc)
{
	bind_int(st, i, v, rc);
}

void ldb_bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n, int *rc)
{
	bind_blob(st, i, p, n, rc);
}




int ldb_op_get(struct localdb *db, uint64_t seq, struct lop *op)
{
	return op_get(db, seq, op);
}

int ldb_op_delete(struct localdb *db, uint64_t seq)
{
	return op_delete(db, seq);
}

int ldb_rec_put_server(struct localdb *db, const char *uid, const char *kind,
		       const struct lrecord *r)
{
	return rec_put_server(db, uid, kind, r);
}

int ldb_rec_put_review(struct localdb *db, const char *uid, const struct lrecord *r)
{
	return rec_put_review(db, uid, r);
}

int ldb_check_lrecord(const struct lrecord *r, int allow_empty)
{
	return check_lrecord(r, allow_empty);
}

int64_t ldb_now_ms(void)
{
	return now_ms();
}
