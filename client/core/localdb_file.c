/* localdb_file.c - the attachment files this device knows, by content
 * hash: where each is kept (attach.h's store), its size, and whether the
 * server holds it (see localdb.h).  Statements are prepared per call. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "localdb.h"
#include "localdb_int.h"

#define LDB_PATH_MAX 4096u

static const char S_FILE_ADD[] =
	"INSERT INTO file(hash, path, size, uploaded) VALUES(?1, ?2, ?3, 0) "
	"ON CONFLICT(hash) DO UPDATE SET path = excluded.path, size = excluded.size";
static const char S_FILE_GET[] = "SELECT path, size FROM file WHERE hash = ?1";
static const char S_FILE_UPLOADED[] = "UPDATE file SET uploaded = 1 WHERE hash = ?1";
/* Files that pending ops need and the server does not hold yet. */
static const char S_FILE_UNSENT[] =
	"SELECT f.hash, f.path, f.size FROM file f WHERE f.uploaded = 0 "
	"AND EXISTS (SELECT 1 FROM outbox_attachment a JOIN outbox o ON o.seq = a.seq "
	"WHERE a.hash = f.hash AND o.state = 0) ORDER BY f.hash";

static int prep(struct localdb *db, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(ldb_handle(db), sql, -1, st, NULL);
	if (rc != SQLITE_OK) {
		*st = NULL;
		return ldb_sql_error(db, rc, "prepare");
	}
	return BS_OK;
}

static int run_once(struct localdb *db, sqlite3_stmt *st, int bind_rc, const char *what)
{
	int ret = ldb_step(db, st, bind_rc, what);
	sqlite3_finalize(st);
	return ret < 0 ? ret : BS_OK;
}

/* ---- attachment files ---- */

int localdb_file_add(struct localdb *db, const uint8_t hash[LDB_HASH_LEN], const char *path,
		     uint64_t size)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, ret;

	if (!db || !hash)
		return BS_E_INVAL;
	if ((ret = ldb_check_name(path, LDB_PATH_MAX)) != BS_OK)
		return ret;
	if (size > INT64_MAX)
		return BS_E_TOOBIG;
	if ((ret = prep(db, S_FILE_ADD, &st)) != BS_OK)
		return ret;
	ldb_bind_blob(st, 1, hash, LDB_HASH_LEN, &rc);
	ldb_bind_text(st, 2, path, &rc);
	ldb_bind_int(st, 3, (int64_t)size, &rc);
	return run_once(db, st, rc, "file add");
}

/* A path longer than cap - 1 bytes is BS_E_TOOBIG (never cut short). */
int localdb_file_get(struct localdb *db, const uint8_t hash[LDB_HASH_LEN], char *path,
		     size_t cap, uint64_t *size)
{
	sqlite3_stmt *st = NULL;
	char p[LDB_PATH_MAX + 1];
	uint64_t sz = 0;
	int rc = SQLITE_OK, ret;
	size_t n;

	if (!db || !hash || (path && cap == 0))
		return BS_E_INVAL;
	if ((ret = prep(db, S_FILE_GET, &st)) != BS_OK)
		return ret;
	ldb_bind_blob(st, 1, hash, LDB_HASH_LEN, &rc);
	ret = ldb_step(db, st, rc, "file get");
	if (ret <= 0) {
		ret = ret == 0 ? BS_E_NOTFOUND : ret;
		goto out;
	}
	if ((ret = ldb_col_name(st, 0, p, LDB_PATH_MAX)) != BS_OK ||
	    (ret = ldb_col_u64(st, 1, &sz)) != BS_OK)
		goto out;
	n = strlen(p);
	if (path && n >= cap) {
		ret = BS_E_TOOBIG;
		goto out;
	}
	if (path)
		memcpy(path, p, n + 1);
	if (size)
		*size = sz;
out:
	sqlite3_finalize(st);
	return ret;
}

int localdb_file_set_uploaded(struct localdb *db, const uint8_t hash[LDB_HASH_LEN])
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, ret;

	if (!db || !hash)
		return BS_E_INVAL;
	if ((ret = prep(db, S_FILE_UPLOADED, &st)) != BS_OK)
		return ret;
	ldb_bind_blob(st, 1, hash, LDB_HASH_LEN, &rc);
	if ((ret = run_once(db, st, rc, "file uploaded")) != BS_OK)
		return ret;
	return sqlite3_changes(ldb_handle(db)) > 0 ? BS_OK : BS_E_NOTFOUND;
}

/* In hash order. */
int localdb_file_each_unsent(struct localdb *db,
			     int (*fn)(void *ctx, const uint8_t hash[LDB_HASH_LEN],
				       const char *path, uint64_t size),
			     void *ctx)
{
	sqlite3_stmt *st = NULL;
	int ret;

	if (!db || !fn)
		return BS_E_INVAL;
	if ((ret = prep(db, S_FILE_UNSENT, &st)) != BS_OK)
		return ret;
	while ((ret = ldb_step(db, st, SQLITE_OK, "file unsent")) == 1) {
		uint8_t hash[LDB_HASH_LEN];
		char path[LDB_PATH_MAX + 1];
		uint64_t size = 0;
		const void *h;
		if (sqlite3_column_type(st, 0) != SQLITE_BLOB) {
			ret = BS_E_INVAL;
			break;
		}
		h = sqlite3_column_blob(st, 0);
		if (!h || sqlite3_column_bytes(st, 0) != LDB_HASH_LEN) {
			ret = BS_E_INVAL;
			break;
		}
		memcpy(hash, h, LDB_HASH_LEN);
		if ((ret = ldb_col_name(st, 1, path, LDB_PATH_MAX)) != BS_OK ||
		    (ret = ldb_col_u64(st, 2, &size)) != BS_OK)
			break;
		if ((ret = fn(ctx, hash, path, size)) != 0)
			break;
	}
	sqlite3_finalize(st);
	return ret;
}

