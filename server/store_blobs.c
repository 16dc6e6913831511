/* store_blobs.c - attachment blobs, their references by units, quotas and
 * uploads in progress (see store.h); the files themselves are blobs.c's.
 *
 * Statements come from store.c's cache (store_int.h). */
#include "store.h"
#include "store_int.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"

/* ---- attachments ---- */

int store_blob_get(struct store *st, const uint8_t hash[STORE_HASH_LEN], uint64_t *size)
{
	sqlite3_stmt *s = NULL;
	int rv = store__prep(st, S_BLOB_GET, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC)) {
		rv = store__bind_fail(st);
		goto out;
	}
	rv = store__step(st, s);
	if (rv == 0) {
		rv = BS_E_NOTFOUND;
	} else if (rv == 1) {
		*size = store__col_u64(s, 0);
		rv = BS_OK;
	}
out:
	store__done(s);
	return rv;
}

int store_blob_ref_has(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t unit_id)
{
	sqlite3_stmt *s = NULL;
	int rv = store__prep(st, S_REF_HAS, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 2, unit_id))
		rv = store__bind_fail(st);
	else
		rv = store__step(st, s); /* 1 for a row, 0 for none */
	store__done(s);
	return rv;
}

/* Run S_BLOB_ADD or S_REF_ADD: (hash, int64 b, now). */
static int hash_insert(struct store *st, enum sid id, const uint8_t hash[STORE_HASH_LEN],
		       int64_t b, int64_t now)
{
	sqlite3_stmt *s = NULL;
	int rv = store__prep(st, id, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 2, b) || sqlite3_bind_int64(s, 3, now))
		rv = store__bind_fail(st);
	else
		rv = store__step_done(st, s);
	store__done(s);
	return rv;
}

int store_blob_add(struct store *st, const uint8_t hash[STORE_HASH_LEN], uint64_t size,
		   int64_t unit_id, int64_t now)
{
	uint64_t have = 0;
	int own = 0, rv;

	if (store__check_u63(size) != BS_OK)
		return BS_E_TOOBIG;
	if ((rv = store__inner_begin(st, &own)) != BS_OK)
		return rv;
	if ((rv = hash_insert(st, S_BLOB_ADD, hash, (int64_t)size, now)) != BS_OK ||
	    (rv = store_blob_get(st, hash, &have)) != BS_OK)
		goto out;
	if (have != size) {
		/* Same hash, another size: one of the two was never verified. */
		log_error("store: blob stored with %llu bytes, added again with %llu",
			  (unsigned long long)have, (unsigned long long)size);
		rv = BS_E_CORRUPT;
		goto out;
	}
	rv = hash_insert(st, S_REF_ADD, hash, unit_id, now);
out:
	return store__inner_end(st, own, rv);
}

int store_unit_usage(struct store *st, int64_t unit_id, uint64_t *bytes)
{
	sqlite3_stmt *s = NULL;
	int rv = store__prep(st, S_UNIT_USAGE, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, unit_id)) {
		rv = store__bind_fail(st);
		goto out;
	}
	rv = store__step(st, s);
	if (rv == 1) {
		*bytes = store__col_u64(s, 0);
		rv = BS_OK;
	} else if (rv == 0) {
		rv = BS_E_DB;
	}
out:
	store__done(s);
	return rv;
}

int store_upload_get(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t unit_id,
		     uint64_t *size, uint64_t *offset)
{
	sqlite3_stmt *s = NULL;
	int rv = store__prep(st, S_UPLOAD_GET, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 2, unit_id)) {
		rv = store__bind_fail(st);
		goto out;
	}
	rv = store__step(st, s);
	if (rv == 0) {
		rv = BS_E_NOTFOUND;
	} else if (rv == 1) {
		*size = store__col_u64(s, 0);
		*offset = store__col_u64(s, 1);
		rv = BS_OK;
	}
out:
	store__done(s);
	return rv;
}

int store_upload_set(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t unit_id,
		     uint64_t size, uint64_t offset, int64_t now)
{
	sqlite3_stmt *s = NULL;
	int rv;

	if ((rv = store__writable(st)) != BS_OK)
		return rv;
	if (store__check_u63(size) != BS_OK)
		return BS_E_TOOBIG;
	if (offset > size)
		return BS_E_INVAL;
	if ((rv = store__prep(st, S_UPLOAD_SET, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 2, unit_id) || sqlite3_bind_int64(s, 3, (sqlite3_int64)size) ||
	    sqlite3_bind_int64(s, 4, (sqlite3_int64)offset) || sqlite3_bind_int64(s, 5, now))
		rv = store__bind_fail(st);
	else
		rv = store__step_done(st, s);
	store__done(s);
	return rv;
}

int store_upload_delete(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t unit_id)
{
	sqlite3_stmt *s = NULL;
	int rv;

	if ((rv = store__writable(st)) != BS_OK)
		return rv;
	if ((rv = store__prep(st, S_UPLOAD_DELETE, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 2, unit_id))
		rv = store__bind_fail(st);
	else
		rv = store__step_done(st, s);
	store__done(s);
	return rv;
}
