/* store_records.c - applied ops and their receipts, records, and the
 * change feed (see store.h).
 *
 * Statements come from store.c's cache (store_int.h); functions that run
 * more than one statement are atomic through store__inner_begin/_end. */
#include "store.h"
#include "store_int.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"

/* ---- operations ---- */

int store_op_receipt(struct store *st, int64_t device_id, uint64_t seq, uint8_t **receipt,
		     size_t *len, uint8_t digest[STORE_HASH_LEN], int *has_digest)
{
	sqlite3_stmt *s = NULL;
	const void *b;
	uint8_t *copy = NULL;
	int n, rv;

	if (store__check_u63(seq) != BS_OK)
		return BS_E_NOTFOUND;
	if ((rv = store__prep(st, S_OP_GET, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, device_id) || sqlite3_bind_int64(s, 2, (sqlite3_int64)seq)) {
		rv = store__bind_fail(st);
		goto out;
	}
	if ((rv = store__step(st, s)) <= 0) {
		if (rv == 0)
			rv = BS_E_NOTFOUND;
		goto out;
	}
	n = sqlite3_column_bytes(s, 0);
	b = sqlite3_column_blob(s, 0);
	if (n < 0 || (size_t)n > STORE_RECEIPT_MAX) {
		log_error("store: receipt of device %lld seq %llu holds %d bytes",
			  (long long)device_id, (unsigned long long)seq, n);
		rv = BS_E_DB;
		goto out;
	}
	/* One byte more than needed, so an empty receipt is not malloc(0). */
	copy = malloc((size_t)n + 1);
	if (!copy) {
		rv = BS_E_NOMEM;
		goto out;
	}
	if (n > 0)
		memcpy(copy, b, (size_t)n);
	if (has_digest) {
		*has_digest = sqlite3_column_type(s, 1) != SQLITE_NULL;
		if (*has_digest && digest && (rv = store__col_fixed(s, 1, digest, STORE_HASH_LEN)) != BS_OK)
			goto out;
	}
	*receipt = copy;
	*len = (size_t)n;
	copy = NULL;
	rv = BS_OK;
out:
	store__done(s);
	free(copy);
	return rv;
}

/* Move the device's applied_seq from seq - 1 to seq: BS_E_SEQ if it was not
 * at seq - 1, BS_E_NOTFOUND if there is no such device. */
static int device_advance(struct store *st, int64_t device_id, uint64_t seq)
{
	struct device d;
	sqlite3_stmt *s = NULL;
	int rv = store__prep(st, S_DEVICE_ADVANCE, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, device_id) || sqlite3_bind_int64(s, 2, (sqlite3_int64)seq)) {
		rv = store__bind_fail(st);
		goto out;
	}
	if ((rv = store__step_done(st, s)) != BS_OK)
		goto out;
	if (sqlite3_changes(store__db(st)) == 0) {
		rv = store_device_get(st, device_id, &d);
		if (rv == BS_OK)
			rv = BS_E_SEQ;
	}
out:
	store__done(s);
	return rv;
}

int store_op_add(struct store *st, int64_t device_id, uint64_t seq, int status,
		 const uint8_t *receipt, size_t len, const uint8_t digest[STORE_HASH_LEN],
		 int64_t now)
{
	static const uint8_t empty[1] = {0};
	sqlite3_stmt *s = NULL;
	int own = 0, rv;

	if (seq == 0 || store__check_u63(seq) != BS_OK)
		return BS_E_SEQ;
	if (len > STORE_RECEIPT_MAX)
		return BS_E_TOOBIG;
	if (len > 0 && !receipt)
		return BS_E_INVAL;
	if ((rv = store__inner_begin(st, &own)) != BS_OK)
		return rv;
	if ((rv = device_advance(st, device_id, seq)) != BS_OK)
		goto out;
	if ((rv = store__prep(st, S_OP_ADD, &s)) != BS_OK)
		goto out;
	if (sqlite3_bind_int64(s, 1, device_id) || sqlite3_bind_int64(s, 2, (sqlite3_int64)seq) ||
	    sqlite3_bind_int(s, 3, status) ||
	    sqlite3_bind_blob(s, 4, len ? receipt : empty, (int)len, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 5, now) ||
	    (digest ? sqlite3_bind_blob(s, 6, digest, STORE_HASH_LEN, SQLITE_STATIC)
		    : sqlite3_bind_null(s, 6))) {
		rv = store__bind_fail(st);
		goto out;
	}
	rv = store__step_done(st, s);
out:
	store__done(s);
	return store__inner_end(st, own, rv);
}

/* ---- records ---- */

void store_record_free(struct record *r)
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

/* Fill r from a row of RECORD_COLS, checking the sizes before copying. */
static int record_row(sqlite3_stmt *s, struct record *r)
{
	struct record tmp;
	const void *data, *att;
	int data_n, att_n, rv;

	memset(&tmp, 0, sizeof tmp);
	if ((rv = store__col_text(s, 0, tmp.kind, sizeof tmp.kind)) != BS_OK ||
	    (rv = store__col_text(s, 1, tmp.uid, sizeof tmp.uid)) != BS_OK)
		return rv;
	tmp.unit_id = sqlite3_column_int64(s, 2);
	tmp.rev = store__col_u64(s, 3);
	tmp.deleted = sqlite3_column_int(s, 4) != 0;
	tmp.updated_at = sqlite3_column_int64(s, 5);
	tmp.device_id = sqlite3_column_int64(s, 6); /* NULL reads as 0 */
	tmp.change_seq = store__col_u64(s, 7);
	data = sqlite3_column_blob(s, 8);
	data_n = sqlite3_column_bytes(s, 8);
	att = sqlite3_column_blob(s, 9);
	att_n = sqlite3_column_bytes(s, 9);
	if (data_n < 0 || (size_t)data_n > STORE_DATA_MAX || att_n < 0 ||
	    att_n % STORE_HASH_LEN != 0 || (size_t)att_n / STORE_HASH_LEN > STORE_ATTACH_MAX) {
		log_error("store: record %s: data %d bytes, attachments %d bytes", tmp.uid, data_n,
			  att_n);
		return BS_E_DB;
	}
	if (data_n > 0) {
		if (!(tmp.data = malloc((size_t)data_n)))
			goto nomem;
		memcpy(tmp.data, data, (size_t)data_n);
		tmp.data_len = (size_t)data_n;
	}
	if (att_n > 0) {
		if (!(tmp.attachments = malloc((size_t)att_n)))
			goto nomem;
		memcpy(tmp.attachments, att, (size_t)att_n);
		tmp.n_attachments = (size_t)att_n / STORE_HASH_LEN;
	}
	*r = tmp;
	return BS_OK;
nomem:
	store_record_free(&tmp);
	return BS_E_NOMEM;
}

int store_record_get(struct store *st, const char *uid, struct record *out)
{
	sqlite3_stmt *s = NULL;
	int rv = store__check_uid(uid);
	if (rv != BS_OK) /* no record can have that uid */
		return uid ? BS_E_NOTFOUND : BS_E_INVAL;
	if ((rv = store__prep(st, S_RECORD_GET, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC)) {
		rv = store__bind_fail(st);
		goto out;
	}
	rv = store__step(st, s);
	if (rv == 0)
		rv = BS_E_NOTFOUND;
	else if (rv == 1)
		rv = record_row(s, out);
out:
	store__done(s);
	return rv;
}

static int next_change_seq(struct store *st, uint64_t *seq)
{
	sqlite3_stmt *s = NULL;
	int rv = store__prep(st, S_CHANGE_SEQ_NEXT, &s);
	if (rv != BS_OK)
		return rv;
	rv = store__step(st, s);
	if (rv == 1) {
		*seq = store__col_u64(s, 0);
		rv = store__step_done(st, s);
	} else if (rv == 0) {
		log_error("store: meta has no change_seq");
		rv = BS_E_DB;
	}
	store__done(s);
	return rv;
}

/* Give unit_id a ref to each attached blob that is stored. */
static int attach_refs(struct store *st, const struct record *r, int64_t now)
{
	sqlite3_stmt *s = NULL;
	size_t i;
	int rv = BS_OK;

	if (r->n_attachments == 0)
		return BS_OK;
	if ((rv = store__prep(st, S_REF_ADD_IF_STORED, &s)) != BS_OK)
		return rv;
	for (i = 0; i < r->n_attachments && rv == BS_OK; i++) {
		if (sqlite3_bind_blob(s, 1, r->attachments[i], STORE_HASH_LEN, SQLITE_STATIC) ||
		    sqlite3_bind_int64(s, 2, r->unit_id) || sqlite3_bind_int64(s, 3, now)) {
			rv = store__bind_fail(st);
			break;
		}
		rv = store__step_done(st, s);
		sqlite3_reset(s);
	}
	store__done(s);
	return rv;
}

int store_record_put(struct store *st, struct record *r, int64_t device_id, int64_t now)
{
	static const uint8_t empty[1] = {0};
	sqlite3_stmt *s = NULL;
	uint64_t change_seq = 0, rev = 0;
	int own = 0, rv;

	if ((rv = store__check_kind(r->kind)) != BS_OK || (rv = store__check_uid(r->uid)) != BS_OK)
		return rv;
	if (r->data_len > STORE_DATA_MAX || r->n_attachments > STORE_ATTACH_MAX)
		return BS_E_TOOBIG;
	if ((r->data_len > 0 && !r->data) || (r->n_attachments > 0 && !r->attachments) ||
	    r->unit_id <= 0 || device_id < 0)
		return BS_E_INVAL;
	if ((rv = store__inner_begin(st, &own)) != BS_OK)
		return rv;
	if ((rv = next_change_seq(st, &change_seq)) != BS_OK ||
	    (rv = store__prep(st, S_RECORD_PUT, &s)) != BS_OK)
		goto out;
	if (sqlite3_bind_text(s, 1, r->uid, -1, SQLITE_STATIC) ||
	    sqlite3_bind_text(s, 2, r->kind, -1, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 3, r->unit_id) || sqlite3_bind_int(s, 4, r->deleted ? 1 : 0) ||
	    sqlite3_bind_blob(s, 5, r->data_len ? r->data : empty, (int)r->data_len,
			      SQLITE_STATIC) ||
	    sqlite3_bind_blob(s, 6, r->n_attachments ? (const void *)r->attachments : empty,
			      (int)(r->n_attachments * STORE_HASH_LEN), SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 7, now) ||
	    (device_id > 0 ? sqlite3_bind_int64(s, 8, device_id) : sqlite3_bind_null(s, 8)) ||
	    sqlite3_bind_int64(s, 9, (sqlite3_int64)change_seq)) {
		rv = store__bind_fail(st);
		goto out;
	}
	rv = store__step(st, s);
	if (rv == 1) {
		rev = store__col_u64(s, 0);
		rv = store__step_done(st, s);
	} else if (rv == 0) {
		/* The uid is held by a record of another kind or unit. */
		log_error("store: refused to turn record %s into a %s of unit %lld: a record's "
			  "kind and owner never change", r->uid, r->kind, (long long)r->unit_id);
		rv = BS_E_FORBIDDEN;
	}
	if (rv == BS_OK)
		rv = attach_refs(st, r, now);
out:
	store__done(s);
	rv = store__inner_end(st, own, rv);
	if (rv == BS_OK) {
		r->rev = rev;
		r->change_seq = change_seq;
		r->updated_at = now;
		r->device_id = device_id;
		r->deleted = r->deleted ? 1 : 0;
	}
	return rv;
}

int store_record_changes(struct store *st, uint64_t cursor, int64_t unit_id, unsigned limit,
			 int (*fn)(void *ctx, const struct record *r), void *ctx)
{
	sqlite3_stmt *s = NULL;
	struct record r;
	int rv;

	if (store__check_u63(cursor) != BS_OK || limit == 0)
		return BS_OK; /* nothing can be newer */
	if (unit_id < 0)
		return BS_E_INVAL;
	rv = store__prep(st, unit_id > 0 ? S_RECORD_CHANGES_UNIT : S_RECORD_CHANGES_ALL, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, (sqlite3_int64)cursor) || sqlite3_bind_int64(s, 2, limit) ||
	    (unit_id > 0 && sqlite3_bind_int64(s, 3, unit_id))) {
		rv = store__bind_fail(st);
		goto out;
	}
	while ((rv = store__step(st, s)) == 1) {
		if ((rv = record_row(s, &r)) != BS_OK)
			break;
		rv = fn(ctx, &r);
		store_record_free(&r);
		if (rv != 0)
			break;
	}
out:
	store__done(s);
	return rv;
}
