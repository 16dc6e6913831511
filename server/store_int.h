/* store_int.h - what the store's other modules (store_units.c,
 * store_records.c, store_blobs.c, store_audit.c, store_review.c,
 * store_assess.c) may use of store.c; nothing outside server/store*.c
 * includes this. */
#ifndef BS_STORE_INT_H
#define BS_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

/* The connection of st. */
sqlite3 *store__db(struct store *st);
/* Convert a failed SQLite result code to BS_E_*, logging SQLite's text. */
int store__fail(struct store *st, int rc, const char *what);
/* Prepare sql (finalize it yourself); a failure is logged as above. */
int store__prepare(struct store *st, const char *sql, sqlite3_stmt **out);

/* ---- the statement cache and helpers of store.c ----
 *
 * The ids of the statements store.c prepares once per handle (their SQL is
 * the `sql` array in store.c). */
enum sid {
	S_BEGIN_WRITE,
	S_BEGIN_READ,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_INNER_SAVEPOINT,
	S_INNER_RELEASE,
	S_INNER_ROLLBACK_TO,
	S_UNIT_ADD,
	S_UNIT_GET,
	S_UNIT_BY_CODE,
	S_UNIT_EACH,
	S_TOKEN_ADD,
	S_TOKEN_GET,
	S_TOKEN_USE,
	S_DEVICE_ADD,
	S_DEVICE_GET,
	S_DEVICE_BY_KEY,
	S_DEVICE_EACH,
	S_DEVICE_REVOKE,
	S_DEVICE_HELLO,
	S_DEVICE_ADVANCE,
	S_OP_GET,
	S_OP_ADD,
	S_CHANGE_SEQ_NEXT,
	S_RECORD_GET,
	S_RECORD_PUT,
	S_RECORD_CHANGES_ALL,
	S_RECORD_CHANGES_UNIT,
	S_BLOB_GET,
	S_BLOB_ADD,
	S_REF_ADD,
	S_REF_ADD_IF_STORED,
	S_REF_HAS,
	S_UNIT_USAGE,
	S_UPLOAD_GET,
	S_UPLOAD_SET,
	S_UPLOAD_DELETE,
	S_AUDIT_LAST,
	S_AUDIT_ADD,
	S_AUDIT_ANY,
	S_AUDIT_WALK,
	S_AUDIT_LIST,
	S_AUDIT_LIST_SUBJECT,
	S_RECORD_ALL,
	S_AUDIT_MIXED,
	S__COUNT
};

/* The cached statement id, ready to bind; give it back with store__done. */
int store__prep(struct store *st, enum sid id, sqlite3_stmt **out);
/* Reset a cached statement and clear its bindings (NULL is fine). */
void store__done(sqlite3_stmt *s);
/* Step: 1 for a row, 0 when done, or a BS_E_* code (logged). */
int store__step(struct store *st, sqlite3_stmt *s);
/* Step a statement that returns no row: BS_OK or a BS_E_* code. */
int store__step_done(struct store *st, sqlite3_stmt *s);
/* A bind failed: the BS_E_* code for it (logged). */
int store__bind_fail(struct store *st);
/* Run cached statement id to the end (BEGIN, COMMIT ...). */
int store__exec(struct store *st, enum sid id);
/* Atomic groups of statements: BEGIN IMMEDIATE, or a savepoint inside the
 * caller's transaction; store__inner_end commits or rolls back by rv and
 * returns rv (or the commit's error). */
int store__inner_begin(struct store *st, int *own);
int store__inner_end(struct store *st, int own, int rv);
/* A blob column of exactly len bytes (else BS_E_DB, logged). */
int store__col_fixed(sqlite3_stmt *s, int i, uint8_t *out, size_t len);
/* A non-negative INTEGER column. */
uint64_t store__col_u64(sqlite3_stmt *s, int i);
/* Copy a TEXT column into buf[cap], NUL-terminated; longer is BS_E_DB. */
int store__col_text(sqlite3_stmt *s, int i, char *buf, size_t cap);
/* BS_OK on a read-write handle, else BS_E_STATE (logged). */
int store__writable(struct store *st);
/* The input checks of store.c (BS_OK or BS_E_INVAL / BS_E_TOOBIG). */
int store__check_utf8_text(const char *s, size_t max, int allow_empty, int lines);
int store__check_utf8(const char *s, size_t max, int allow_empty);
int store__check_ascii(const char *s, size_t max, const char *extra, int upper_ok);
int store__check_kind(const char *kind);
int store__check_u63(uint64_t v);
int store__check_code(const char *code);
int store__check_uid(const char *uid);
int store__check_region(const char *region);
int store__check_role(int role);
/* fsync a file, or a directory. */
int store__fsync_path(const char *path, int directory);
/* Whether st was opened read-only; its audit key (STORE_AUDIT_KEY_LEN bytes). */
int store__readonly(const struct store *st);
uint8_t *store__audit_key(struct store *st);

/* ---- from store_audit.c, for store_open and store_backup ---- */

/* Read DB.audit-key, or make it for a trail that is still empty (store.h). */
int store__audit_key_setup(struct store *st, const char *db_path);
/* Write a key file: a temporary name, fsync, link into place, never over an
 * existing file. */
int store__audit_key_write(const char *path, const uint8_t key[STORE_AUDIT_KEY_LEN]);
/* "<db_path>.audit-key", malloc'd; NULL when out of memory. */
char *store__audit_key_path(const char *db_path);

/* Statements of the other modules that run on every push: prepared once per
 * connection (parsing an upsert costs more than running it) and kept until
 * store_close.  Each slot always holds the same text. */
enum store_xid {
	STORE_X_REVIEW_GET,
	STORE_X_REVIEW_SET,
	STORE_X_PERIOD_CLOSED,
	STORE_X__COUNT
};
/* The statement of slot id, prepared from sql on first use.  The caller
 * must not finalize it: it ends its use with store__unprep(). */
int store__cached(struct store *st, enum store_xid id, const char *sql, sqlite3_stmt **out);
/* Reset s and clear its bindings for its next use (NULL is fine). */
void store__unprep(sqlite3_stmt *s);

#endif
