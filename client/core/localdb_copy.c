/* localdb_copy.c - the server's copy of each record, and what uses it:
 * putting back what the county holds after a person gives up a refused
 * change, repairing a local copy that differs with nothing waiting, and
 * the merge's rewrites of the outbox (see localdb.h).
 *
 * Statements here are prepared per call: none runs more than a few times
 * per sync. */
#include <limits.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "localdb.h"
#include "localdb_int.h"

static int prep(struct localdb *db, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(ldb_handle(db), sql, -1, st, NULL);
	if (rc != SQLITE_OK) {
		*st = NULL;
		return ldb_sql_error(db, rc, "prepare");
	}
	return BS_OK;
}

/* Run st (bound with bind_rc) to its end and finalize it. */
static int run_once(struct localdb *db, sqlite3_stmt *st, int bind_rc, const char *what)
{
	int ret = ldb_step(db, st, bind_rc, what);
	sqlite3_finalize(st);
	return ret < 0 ? ret : BS_OK;
}

static unsigned changes(struct localdb *db)
{
	int n = sqlite3_changes(ldb_handle(db));
	return n > 0 ? (unsigned)n : 0;
}

int ldb_srv_set(struct localdb *db, const char *uid, uint64_t rev, int deleted,
		const uint8_t *data, size_t len, const uint8_t (*att)[LDB_HASH_LEN], size_t n)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, ret;
	if (rev > INT64_MAX)
		return BS_E_INVAL;
	if ((ret = ldb_check_payload(data, len, att, n)) != BS_OK)
		return ret;
	if ((ret = prep(db,
			"UPDATE record SET srv_rev = ?2, srv_deleted = ?3, srv_data = ?4, "
			"srv_attachments = ?5 WHERE uid = ?1 AND srv_rev <= ?2",
			&st)) != BS_OK)
		return ret;
	ldb_bind_text(st, 1, uid, &rc);
	ldb_bind_int(st, 2, (int64_t)rev, &rc);
	ldb_bind_int(st, 3, deleted != 0, &rc);
	ldb_bind_blob(st, 4, data, len, &rc);
	ldb_bind_blob(st, 5, att, n * LDB_HASH_LEN, &rc);
	return run_once(db, st, rc, "server copy");
}

int localdb_op_get(struct localdb *db, uint64_t seq, struct lop *out)
{
	if (!db || !out)
		return BS_E_INVAL;
	return ldb_op_get(db, seq, out);
}

int localdb_op_rebase(struct localdb *db, uint64_t seq, uint64_t base_rev, const uint8_t *data,
		      size_t len, const uint8_t (*att)[LDB_HASH_LEN], size_t n_att,
		      const uint8_t *base, size_t base_len)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, nested = 0, ret;
	size_t i;

	if (!db || seq > INT64_MAX || base_rev > INT64_MAX)
		return BS_E_INVAL;
	if ((ret = ldb_check_payload(data, len, att, n_att)) != BS_OK ||
	    (ret = ldb_check_payload(base, base_len, NULL, 0)) != BS_OK)
		return ret;
	if ((ret = ldb_tx_open(db, &nested)) != BS_OK)
		return ret;
	if ((ret = prep(db,
			"UPDATE outbox SET base_rev = ?2, data = ?3, attachments = ?4, "
			"base_data = ?5, base_attachments = NULL WHERE seq = ?1 AND state = 0",
			&st)) != BS_OK)
		goto out;
	ldb_bind_int(st, 1, (int64_t)seq, &rc);
	ldb_bind_int(st, 2, (int64_t)base_rev, &rc);
	ldb_bind_blob(st, 3, data, len, &rc);
	ldb_bind_blob(st, 4, att, n_att * LDB_HASH_LEN, &rc);
	ldb_bind_blob(st, 5, base, base_len, &rc);
	if ((ret = run_once(db, st, rc, "outbox rebase")) != BS_OK)
		goto out;
	if (changes(db) == 0) {
		ret = BS_E_NOTFOUND;
		goto out;
	}
	if ((ret = prep(db, "DELETE FROM outbox_attachment WHERE seq = ?1", &st)) != BS_OK)
		goto out;
	ldb_bind_int(st, 1, (int64_t)seq, &rc);
	if ((ret = run_once(db, st, rc, "outbox rebase")) != BS_OK)
		goto out;
	for (i = 0; i < n_att; i++) {
		if ((ret = prep(db,
				"INSERT OR IGNORE INTO outbox_attachment(seq, hash) VALUES(?1, ?2)",
				&st)) != BS_OK)
			goto out;
		ldb_bind_int(st, 1, (int64_t)seq, &rc);
		ldb_bind_blob(st, 2, att[i], LDB_HASH_LEN, &rc);
		if ((ret = run_once(db, st, rc, "outbox rebase")) != BS_OK)
			goto out;
	}
out:
	return ldb_tx_close(db, nested, ret);
}

int localdb_record_set_local(struct localdb *db, const char *uid, const uint8_t *data,
			     size_t len, const uint8_t (*att)[LDB_HASH_LEN], size_t n_att)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK, ret;

	if (!db)
		return BS_E_INVAL;
	if ((ret = ldb_check_name(uid, LDB_UID_MAX)) != BS_OK ||
	    (ret = ldb_check_payload(data, len, att, n_att)) != BS_OK)
		return ret;
	if ((ret = prep(db, "UPDATE record SET data = ?2, attachments = ?3 WHERE uid = ?1",
			&st)) != BS_OK)
		return ret;
	ldb_bind_text(st, 1, uid, &rc);
	ldb_bind_blob(st, 2, data, len, &rc);
	ldb_bind_blob(st, 3, att, n_att * LDB_HASH_LEN, &rc);
	if ((ret = run_once(db, st, rc, "record local")) != BS_OK)
		return ret;
	return changes(db) ? BS_OK : BS_E_NOTFOUND;
}

int localdb_outbox_merged(struct localdb *db, uint64_t seq, const struct lrecord *server,
			  const uint8_t *base, size_t base_len, int add_conflict,
			  const uint8_t *mine, size_t mine_len)
{
	sqlite3_stmt *st = NULL;
	struct lop op;
	int rc = SQLITE_OK, nested = 0, ret;

	if (!db || !server)
		return BS_E_INVAL;
	if ((ret = ldb_check_lrecord(server, 1)) != BS_OK ||
	    (ret = ldb_check_payload(base, base_len, NULL, 0)) != BS_OK ||
	    (ret = ldb_check_payload(mine, mine_len, NULL, 0)) != BS_OK)
		return ret;
	memset(&op, 0, sizeof op);
	if ((ret = ldb_tx_open(db, &nested)) != BS_OK)
		return ret;
	if ((ret = ldb_op_get(db, seq, &op)) != BS_OK)
		goto out;
	if (server->uid[0] && strcmp(server->uid, op.uid) != 0) {
		ret = BS_E_INVAL;
		goto out;
	}
	if (add_conflict) {
		if ((ret = prep(db,
				"INSERT INTO conflict(seq, kind, uid, mine, server_rev, theirs, "
				"created_at, base) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
				&st)) != BS_OK)
			goto out;
		ldb_bind_int(st, 1, (int64_t)op.seq, &rc);
		ldb_bind_text(st, 2, op.kind, &rc);
		ldb_bind_text(st, 3, op.uid, &rc);
		if (mine)
			ldb_bind_blob(st, 4, mine, mine_len, &rc);
		else
			ldb_bind_blob(st, 4, op.data, op.data_len, &rc);
		ldb_bind_int(st, 5, (int64_t)server->rev, &rc);
		ldb_bind_blob(st, 6, server->data, server->data_len, &rc);
		ldb_bind_int(st, 7, ldb_now_ms(), &rc);
		ldb_bind_blob(st, 8, base, base_len, &rc);
		if ((ret = run_once(db, st, rc, "conflict insert")) != BS_OK)
			goto out;
	}
	if ((ret = ldb_op_delete(db, seq)) != BS_OK)
		goto out;
	ret = ldb_rec_put_server(db, op.uid, server->kind[0] ? server->kind : op.kind, server);
out:
	lop_free(&op);
	return ldb_tx_close(db, nested, ret);
}

int localdb_record_restore(struct localdb *db, const char *uid, int *how)
{
	sqlite3_stmt *st = NULL;
	uint64_t rev = 0, srv_rev = 0, ops = 0;
	int rc = SQLITE_OK, nested = 0, have_copy = 0, ret;

	if (!db || !how)
		return BS_E_INVAL;
	if ((ret = ldb_check_name(uid, LDB_UID_MAX)) != BS_OK)
		return ret;
	if ((ret = ldb_tx_open(db, &nested)) != BS_OK)
		return ret;
	if ((ret = prep(db,
			"SELECT rev, srv_rev, srv_data IS NOT NULL, (SELECT COUNT(*) FROM outbox o "
			"WHERE o.uid = r.uid) FROM record r WHERE uid = ?1",
			&st)) != BS_OK)
		goto out;
	ldb_bind_text(st, 1, uid, &rc);
	ret = ldb_step(db, st, rc, "record restore");
	if (ret == 1) {
		if (ldb_col_u64(st, 0, &rev) != BS_OK || ldb_col_u64(st, 1, &srv_rev) != BS_OK ||
		    ldb_col_u64(st, 3, &ops) != BS_OK)
			ret = BS_E_INVAL;
		have_copy = sqlite3_column_int(st, 2) != 0;
	} else if (ret == 0) {
		ret = BS_E_NOTFOUND;
	}
	sqlite3_finalize(st);
	if (ret < 0)
		goto out;
	ret = BS_OK;
	rc = SQLITE_OK;
	if (ops > 0) {
		*how = LDB_KEPT;
	} else if (srv_rev > 0 && have_copy) {
		if ((ret = prep(db,
				"UPDATE record SET rev = srv_rev, deleted = srv_deleted, "
				"data = srv_data, attachments = COALESCE(srv_attachments, x'') "
				"WHERE uid = ?1",
				&st)) != BS_OK)
			goto out;
		ldb_bind_text(st, 1, uid, &rc);
		ret = run_once(db, st, rc, "record restore");
		*how = LDB_RESTORED;
	} else if (rev == 0) {
		if ((ret = prep(db, "DELETE FROM record WHERE uid = ?1", &st)) != BS_OK)
			goto out;
		ldb_bind_text(st, 1, uid, &rc);
		ret = run_once(db, st, rc, "record restore");
		*how = LDB_REMOVED;
	} else {
		/* Pulled before the copy was kept: fetch everything again; the
		 * pull replaces a record with nothing waiting. */
		ret = localdb_meta_set_int(db, "pull_cursor", 0);
		*how = LDB_NEED_PULL;
	}
out:
	return ldb_tx_close(db, nested, ret);
}

int localdb_repair(struct localdb *db, unsigned *n)
{
	sqlite3_stmt *st = NULL;
	int nested = 0, ret;
	unsigned count = 0;

	if (!db)
		return BS_E_INVAL;
	if ((ret = ldb_tx_open(db, &nested)) != BS_OK)
		return ret;
	if ((ret = prep(db,
			"UPDATE record SET rev = srv_rev, deleted = srv_deleted, data = srv_data, "
			"attachments = COALESCE(srv_attachments, x'') "
			"WHERE srv_rev > 0 AND srv_data IS NOT NULL "
			"AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.uid = record.uid) "
			"AND NOT EXISTS (SELECT 1 FROM conflict c WHERE c.uid = record.uid) "
			"AND (rev != srv_rev OR deleted != srv_deleted OR data != srv_data OR "
			"attachments != COALESCE(srv_attachments, x''))",
			&st)) != BS_OK)
		goto out;
	if ((ret = run_once(db, st, SQLITE_OK, "repair")) != BS_OK)
		goto out;
	count += changes(db);
	/* Created here, refused and given up: the server never held it. */
	if ((ret = prep(db,
			"DELETE FROM record WHERE rev = 0 AND srv_rev = 0 "
			"AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.uid = record.uid) "
			"AND NOT EXISTS (SELECT 1 FROM conflict c WHERE c.uid = record.uid)",
			&st)) != BS_OK)
		goto out;
	if ((ret = run_once(db, st, SQLITE_OK, "repair")) != BS_OK)
		goto out;
	count += changes(db);
out:
	ret = ldb_tx_close(db, nested, ret);
	if (ret == BS_OK && n)
		*n = count;
	return ret;
}
