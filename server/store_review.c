/* store_review.c - the store's review state of records and closed
 * reporting periods (tables record_meta and period_lock). */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "store.h"
#include "store_int.h"

int store_review_get(struct store *st, const char *uid, struct review_state *out)
{
	sqlite3_stmt *s = NULL;
	int rc, rv;
	memset(out, 0, sizeof *out);
	rv = store__cached(st, STORE_X_REVIEW_GET,
			   "SELECT created_at, review_status, review_comment, reviewed_at,"
			 " reviewed_by, locked, complete_at FROM record_meta WHERE uid = ?1", &s);
	if (rv != BS_OK)
		return rv;
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const unsigned char *c = sqlite3_column_text(s, 2);
		out->created_at = sqlite3_column_int64(s, 0);
		out->status = sqlite3_column_int(s, 1);
		snprintf(out->comment, sizeof out->comment, "%s", c ? (const char *)c : "");
		out->reviewed_at = sqlite3_column_int64(s, 3);
		out->reviewed_by = sqlite3_column_int64(s, 4);
		out->locked = sqlite3_column_int(s, 5) != 0;
		out->complete_at = sqlite3_column_int64(s, 6);
		rv = BS_OK;
	} else if (rc == SQLITE_DONE) {
		rv = BS_OK;
	} else {
		rv = store__fail(st, rc, "review get");
	}
	store__unprep(s);
	return rv;
}

int store_review_set(struct store *st, const char *uid, const struct review_state *rs)
{
	sqlite3_stmt *s = NULL;
	int rc, rv;
	if (rs->status < 0 || rs->status > 3 || strlen(rs->comment) >= sizeof rs->comment)
		return BS_E_INVAL;
	rv = store__cached(st, STORE_X_REVIEW_SET,
			   "INSERT INTO record_meta(uid, created_at, review_status, review_comment,"
			 " reviewed_at, reviewed_by, locked, complete_at)"
			 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
			 " ON CONFLICT(uid) DO UPDATE SET created_at = excluded.created_at,"
			 " review_status = excluded.review_status,"
			 " review_comment = excluded.review_comment,"
			 " reviewed_at = excluded.reviewed_at, reviewed_by = excluded.reviewed_by,"
			 " locked = excluded.locked, complete_at = excluded.complete_at", &s);
	if (rv != BS_OK)
		return rv;
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, rs->created_at);
	sqlite3_bind_int(s, 3, rs->status);
	sqlite3_bind_text(s, 4, rs->comment, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, rs->reviewed_at);
	if (rs->reviewed_by)
		sqlite3_bind_int64(s, 6, rs->reviewed_by);
	else
		sqlite3_bind_null(s, 6);
	sqlite3_bind_int(s, 7, rs->locked ? 1 : 0);
	sqlite3_bind_int64(s, 8, rs->complete_at);
	rc = sqlite3_step(s);
	rv = rc == SQLITE_DONE ? BS_OK : store__fail(st, rc, "review set");
	store__unprep(s);
	return rv;
}

int store_period_closed(struct store *st, const char *kind, const char *period)
{
	sqlite3_stmt *s = NULL;
	int rc, rv;
	rv = store__cached(st, STORE_X_PERIOD_CLOSED,
			   "SELECT closed FROM period_lock WHERE kind = ?1 AND period = ?2", &s);
	if (rv != BS_OK)
		return rv;
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, period, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rv = sqlite3_column_int(s, 0) != 0;
	else if (rc == SQLITE_DONE)
		rv = 0;
	else
		rv = store__fail(st, rc, "period get");
	store__unprep(s);
	return rv;
}

int store_period_set(struct store *st, const char *kind, const char *period, int closed,
		     int64_t at, int64_t device_id)
{
	sqlite3_stmt *s = NULL;
	int rc, rv;
	if (strlen(kind) > STORE_KIND_MAX || strlen(period) > 16)
		return BS_E_TOOBIG;
	rv = store__prepare(st, "INSERT INTO period_lock(kind, period, closed, changed_at, changed_by)"
			 " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(kind, period) DO UPDATE SET"
			 " closed = excluded.closed, changed_at = excluded.changed_at,"
			 " changed_by = excluded.changed_by", &s);
	if (rv != BS_OK)
		return rv;
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, period, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, closed ? 1 : 0);
	sqlite3_bind_int64(s, 4, at);
	if (device_id)
		sqlite3_bind_int64(s, 5, device_id);
	else
		sqlite3_bind_null(s, 5);
	rc = sqlite3_step(s);
	rv = rc == SQLITE_DONE ? BS_OK : store__fail(st, rc, "period set");
	sqlite3_finalize(s);
	return rv;
}
