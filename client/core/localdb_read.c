/* localdb_read.c - reading the local database's rows back: every column
 * is checked (type, length, range) before anything is allocated, so a
 * damaged or hostile database file is refused, never trusted. */
#include <limits.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "localdb.h"
#include "localdb_int.h"

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

/* ---- reading columns: checked before anything is allocated ---- */

/* An integer column that must be >= 0. */
int ldb_col_u64(sqlite3_stmt *st, int col, uint64_t *v)
{
	sqlite3_int64 x;
	if (sqlite3_column_type(st, col) != SQLITE_INTEGER)
		return BS_E_INVAL;
	x = sqlite3_column_int64(st, col);
	if (x < 0)
		return BS_E_INVAL;
	*v = (uint64_t)x;
	return BS_OK;
}

int ldb_col_i64(sqlite3_stmt *st, int col, int64_t *v)
{
	if (sqlite3_column_type(st, col) != SQLITE_INTEGER)
		return BS_E_INVAL;
	*v = (int64_t)sqlite3_column_int64(st, col);
	return BS_OK;
}

/* A text column of at most max bytes into buf (max + 1 bytes). */
int ldb_col_name(sqlite3_stmt *st, int col, char *buf, size_t max)
{
	const unsigned char *s;
	int n;
	if (sqlite3_column_type(st, col) != SQLITE_TEXT)
		return BS_E_INVAL;
	s = sqlite3_column_text(st, col);
	n = sqlite3_column_bytes(st, col);
	if (!s)
		return BS_E_NOMEM;
	if (n < 0 || (size_t)n > max)
		return BS_E_INVAL;
	memcpy(buf, s, (size_t)n);
	buf[n] = '\0';
	return BS_OK;
}

/* A BLOB column of at most LDB_DATA_MAX bytes, copied to a new buffer
 * (never NULL, even when empty). */
int ldb_col_blob(sqlite3_stmt *st, int col, uint8_t **out, size_t *len)
{
	const void *p;
	uint8_t *buf;
	int n;
	if (sqlite3_column_type(st, col) != SQLITE_BLOB)
		return BS_E_INVAL;
	p = sqlite3_column_blob(st, col);
	n = sqlite3_column_bytes(st, col);
	if (n < 0 || (size_t)n > LDB_DATA_MAX)
		return BS_E_INVAL;
	if (n > 0 && !p)
		return BS_E_NOMEM;
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf)
		return BS_E_NOMEM;
	if (n > 0)
		memcpy(buf, p, (size_t)n);
	*out = buf;
	*len = (size_t)n;
	return BS_OK;
}

/* An attachment list: a BLOB of concatenated hashes (NULL when empty). */
int ldb_col_hashes(sqlite3_stmt *st, int col, uint8_t (**out)[LDB_HASH_LEN], size_t *count)
{
	const void *p;
	uint8_t(*arr)[LDB_HASH_LEN];
	int n;
	if (sqlite3_column_type(st, col) != SQLITE_BLOB)
		return BS_E_INVAL;
	p = sqlite3_column_blob(st, col);
	n = sqlite3_column_bytes(st, col);
	if (n < 0 || (size_t)n > LDB_DATA_MAX || (size_t)n % LDB_HASH_LEN != 0)
		return BS_E_INVAL;
	if (n == 0) {
		*out = NULL;
		*count = 0;
		return BS_OK;
	}
	if (!p)
		return BS_E_NOMEM;
	arr = malloc((size_t)n);
	if (!arr)
		return BS_E_NOMEM;
	memcpy(arr, p, (size_t)n);
	*out = arr;
	*count = (size_t)n / LDB_HASH_LEN;
	return BS_OK;
}

int ldb_col_flag(sqlite3_stmt *st, int col, int *v)
{
	int64_t x = 0;
	int ret = ldb_col_i64(st, col, &x);
	if (ret == BS_OK)
		*v = x != 0;
	return ret;
}

/* A text column into buf (cap > 0), cut at a UTF-8 boundary if longer. */
int ldb_col_text(sqlite3_stmt *st, int col, char *buf, size_t cap)
{
	const unsigned char *s;
	int n;
	if (sqlite3_column_type(st, col) != SQLITE_TEXT)
		return BS_E_INVAL;
	s = sqlite3_column_text(st, col);
	n = sqlite3_column_bytes(st, col);
	if (!s || n < 0)
		return s ? BS_E_INVAL : BS_E_NOMEM;
	copy_utf8(buf, cap, (const char *)s, (size_t)n);
	return BS_OK;
}

/* Columns of REC_COLS into *out. */
int ldb_read_record(sqlite3_stmt *st, struct lrecord *out)
{
	struct lrecord r;
	uint64_t pending = 0, refused = 0, conflicted = 0;
	int64_t status = 0;
	int ret;

	memset(&r, 0, sizeof r);
	if ((ret = ldb_col_name(st, 0, r.uid, LDB_UID_MAX)) != BS_OK ||
	    (ret = ldb_col_name(st, 1, r.kind, LDB_KIND_MAX)) != BS_OK ||
	    (ret = ldb_col_i64(st, 2, &r.unit_id)) != BS_OK ||
	    (ret = ldb_col_u64(st, 3, &r.rev)) != BS_OK ||
	    (ret = ldb_col_flag(st, 4, &r.deleted)) != BS_OK ||
	    (ret = ldb_col_i64(st, 5, &r.updated_at)) != BS_OK ||
	    (ret = ldb_col_blob(st, 6, &r.data, &r.data_len)) != BS_OK ||
	    (ret = ldb_col_hashes(st, 7, &r.attachments, &r.n_attachments)) != BS_OK ||
	    (ret = ldb_col_u64(st, 8, &pending)) != BS_OK ||
	    (ret = ldb_col_i64(st, 9, &status)) != BS_OK ||
	    (ret = ldb_col_text(st, 10, r.review_comment, sizeof r.review_comment)) != BS_OK ||
	    (ret = ldb_col_i64(st, 11, &r.created_at)) != BS_OK ||
	    (ret = ldb_col_i64(st, 12, &r.reviewed_at)) != BS_OK ||
	    (ret = ldb_col_flag(st, 13, &r.locked)) != BS_OK ||
	    (ret = ldb_col_u64(st, 14, &refused)) != BS_OK ||
	    (ret = ldb_col_u64(st, 15, &conflicted)) != BS_OK ||
	    (ret = ldb_col_i64(st, 16, &r.complete_at)) != BS_OK)
		goto out;
	if (pending > UINT_MAX || refused > UINT_MAX || conflicted > UINT_MAX ||
	    status < INT_MIN || status > INT_MAX) {
		ret = BS_E_INVAL;
		goto out;
	}
	r.pending = (unsigned)pending;
	r.refused = (unsigned)refused;
	r.conflicted = (unsigned)conflicted;
	r.review_status = (int)status;
	*out = r;
	return BS_OK;
out:
	lrecord_free(&r);
	return ret;
}

/* Columns of OP_COLS into *out. */
int ldb_read_op(sqlite3_stmt *st, struct lop *out)
{
	struct lop op;
	int64_t state = 0, code = 0;
	int ret;

	memset(&op, 0, sizeof op);
	if ((ret = ldb_col_u64(st, 0, &op.seq)) != BS_OK ||
	    (ret = ldb_col_name(st, 1, op.kind, LDB_KIND_MAX)) != BS_OK ||
	    (ret = ldb_col_name(st, 2, op.uid, LDB_UID_MAX)) != BS_OK ||
	    (ret = ldb_col_u64(st, 3, &op.base_rev)) != BS_OK ||
	    (ret = ldb_col_flag(st, 4, &op.deleted)) != BS_OK ||
	    (ret = ldb_col_blob(st, 5, &op.data, &op.data_len)) != BS_OK ||
	    (ret = ldb_col_hashes(st, 6, &op.attachments, &op.n_attachments)) != BS_OK ||
	    (ret = ldb_col_i64(st, 7, &op.created_at)) != BS_OK ||
	    (ret = ldb_col_i64(st, 8, &state)) != BS_OK || (ret = ldb_col_i64(st, 9, &code)) != BS_OK)
		goto out;
	if ((state != LOP_PENDING && state != LOP_QUARANTINED) || code < INT_MIN ||
	    code > INT_MAX || sqlite3_column_type(st, 10) != SQLITE_TEXT) {
		ret = BS_E_INVAL;
		goto out;
	}
	op.state = (int)state;
	op.error_code = (int)code;
	{
		const unsigned char *msg = sqlite3_column_text(st, 10);
		int n = sqlite3_column_bytes(st, 10);
		if (!msg || n < 0) {
			ret = BS_E_NOMEM;
			goto out;
		}
		copy_utf8(op.error_msg, sizeof op.error_msg, (const char *)msg, (size_t)n);
	}
	if (sqlite3_column_type(st, 11) != SQLITE_NULL) {
		if ((ret = ldb_col_blob(st, 11, &op.base_data, &op.base_len)) != BS_OK ||
		    (sqlite3_column_type(st, 12) != SQLITE_NULL &&
		     (ret = ldb_col_hashes(st, 12, &op.base_attachments, &op.n_base_attachments)) !=
			     BS_OK))
			goto out;
		op.has_base = 1;
	}
	*out = op;
	return BS_OK;
out:
	lop_free(&op);
	return ret;
}

/* Columns of CF_COLS into *out. */
int ldb_read_conflict(sqlite3_stmt *st, struct lconflict *out)
{
	struct lconflict c;
	int ret;

	memset(&c, 0, sizeof c);
	if ((ret = ldb_col_u64(st, 0, &c.seq)) != BS_OK ||
	    (ret = ldb_col_name(st, 1, c.kind, LDB_KIND_MAX)) != BS_OK ||
	    (ret = ldb_col_name(st, 2, c.uid, LDB_UID_MAX)) != BS_OK ||
	    (ret = ldb_col_blob(st, 3, &c.mine, &c.mine_len)) != BS_OK ||
	    (ret = ldb_col_u64(st, 4, &c.server_rev)) != BS_OK ||
	    (ret = ldb_col_blob(st, 5, &c.theirs, &c.theirs_len)) != BS_OK ||
	    (ret = ldb_col_i64(st, 6, &c.created_at)) != BS_OK ||
	    (sqlite3_column_type(st, 7) != SQLITE_NULL &&
	     (ret = ldb_col_blob(st, 7, &c.base, &c.base_len)) != BS_OK)) {
		lconflict_free(&c);
		return ret;
	}
	c.has_base = c.base != NULL;
	*out = c;
	return BS_OK;
}

void lrecord_free(struct lrecord *r)
{
	if (!r)
		return;
	free(r->data);
	free(r->attachments);
	r->data = NULL;
	r->data_len = 0;
	r->attachments = NULL;
	r->n_attachments = 0;
}

void lop_free(struct lop *op)
{
	if (!op)
		return;
	free(op->data);
	free(op->attachments);
	free(op->base_data);
	free(op->base_attachments);
	op->data = NULL;
	op->data_len = 0;
	op->attachments = NULL;
	op->n_attachments = 0;
	op->base_data = NULL;
	op->base_len = 0;
	op->base_attachments = NULL;
	op->n_base_attachments = 0;
	op->has_base = 0;
}

void lconflict_free(struct lconflict *c)
{
	if (!c)
		return;
	free(c->mine);
	free(c->theirs);
	free(c->base);
	c->base = NULL;
	c->base_len = 0;
	c->has_base = 0;
	c->mine = NULL;
	c->mine_len = 0;
	c->theirs = NULL;
	c->theirs_len = 0;
}

