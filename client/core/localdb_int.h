/* localdb_int.h - what client/core/localdb.c lends the other localdb_*.c
 * files (not part of the contract: only localdb*.c include it).  Each is
 * the static helper of the same name without "ldb_"; see localdb.c. */
#ifndef BS_LOCALDB_INT_H
#define BS_LOCALDB_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "localdb.h"

/* Largest record data, and largest attachment list, stored or read back. */
#define LDB_DATA_MAX (1024u * 1024u)
#define LDB_ATTACH_MAX (LDB_DATA_MAX / LDB_HASH_LEN)

/* The statements every handle prepares on first use (their SQL in
 * localdb_schema.c, by id). */
enum stmt_id {
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_META_GET,
	S_META_SET,
	S_META_HELLO,
	S_REC_GET,
	S_REC_EACH,
	S_REC_EACH_WITH,
	S_REC_HEAD,
	S_REC_LOCAL,
	S_REC_SERVER,
	S_REC_RAISE,
	S_REC_REVIEW,
	S_OP_INSERT,
	S_OP_ATTACH,
	S_OP_EACH,
	S_OP_QEACH,
	S_OP_GET,
	S_OP_DELETE,
	S_OP_QUARANTINE,
	S_OP_DISCARD,
	S_COUNTS,
	S_CF_INSERT,
	S_CF_EACH,
	S_CF_GET,
	S_CF_DELETE,
	S__COUNT
};
extern const char *const ldb_stmt_sql[S__COUNT];

/* The schema's migrations, in order (localdb_schema.c). */
extern const char *const ldb_migrations[];
extern const size_t ldb_n_migrations;
#define LDB_N_MIGRATIONS ((int64_t)ldb_n_migrations)

sqlite3 *ldb_handle(struct localdb *db);
int ldb_sql_error(struct localdb *db, int rc, const char *what);
int ldb_check_name(const char *s, size_t max);
int ldb_check_payload(const uint8_t *data, size_t len, const uint8_t (*att)[LDB_HASH_LEN],
		      size_t n);
int ldb_check_lrecord(const struct lrecord *r, int allow_empty);
int ldb_tx_open(struct localdb *db, int *nested);
int ldb_tx_close(struct localdb *db, int nested, int ret);
/* 1 for a row, 0 when done, or an error; the caller resets. */
int ldb_step(struct localdb *db, sqlite3_stmt *st, int bind_rc, const char *what);
void ldb_bind_text(sqlite3_stmt *st, int i, const char *s, int *rc);
void ldb_bind_int(sqlite3_stmt *st, int i, int64_t v, int *rc);
void ldb_bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n, int *rc);

/* In localdb_read.c: columns read back, checked before anything is
 * allocated.  Integers (u64: >= 0), names of at most max bytes, BLOBs of at
 * most 1 MiB (never NULL), attachment lists (NULL when empty), flags, text
 * cut at a UTF-8 boundary; BS_E_INVAL for a wrong type or size. */
int ldb_col_u64(sqlite3_stmt *st, int col, uint64_t *v);
int ldb_col_i64(sqlite3_stmt *st, int col, int64_t *v);
int ldb_col_name(sqlite3_stmt *st, int col, char *buf, size_t max);
int ldb_col_blob(sqlite3_stmt *st, int col, uint8_t **out, size_t *len);
int ldb_col_hashes(sqlite3_stmt *st, int col, uint8_t (**out)[LDB_HASH_LEN], size_t *count);
int ldb_col_flag(sqlite3_stmt *st, int col, int *v);
int ldb_col_text(sqlite3_stmt *st, int col, char *buf, size_t cap);
/* A row of REC_COLS, OP_COLS, CF_COLS (localdb.c) into *out. */
int ldb_read_record(sqlite3_stmt *st, struct lrecord *out);
int ldb_read_op(sqlite3_stmt *st, struct lop *out);
int ldb_read_conflict(sqlite3_stmt *st, struct lconflict *out);
int ldb_op_get(struct localdb *db, uint64_t seq, struct lop *op);
int ldb_op_delete(struct localdb *db, uint64_t seq);
int ldb_rec_put_server(struct localdb *db, const char *uid, const char *kind,
		       const struct lrecord *r);
int ldb_rec_put_review(struct localdb *db, const char *uid, const struct lrecord *r);
int64_t ldb_now_ms(void);

/* In localdb_copy.c: record uid's server copy becomes (rev, deleted, data,
 * attachments) unless it already holds a newer revision. */
int ldb_srv_set(struct localdb *db, const char *uid, uint64_t rev, int deleted,
		const uint8_t *data, size_t len, const uint8_t (*att)[LDB_HASH_LEN], size_t n);

#endif
