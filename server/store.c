/* store.c - the server's storage on SQLite (see store.h).
 *
 * Schema changes are numbered migrations (the `migrations` array below);
 * PRAGMA user_version holds how many have been applied, and a read-write
 * open applies the missing ones, each in its own transaction.  A migration,
 * once released, is never edited: a change is a new entry at the end.
 *
 * Every statement is prepared once per handle (on first use) and kept in
 * st->stmts; after each use it is reset and its bindings cleared.  SQLite
 * result codes are converted by db_fail(), which also logs SQLite's text.
 *
 * Functions that run more than one statement wrap them in inner_begin() /
 * inner_end(): BEGIN IMMEDIATE when the caller has no transaction open, a
 * savepoint inside the caller's transaction otherwise, so each is atomic
 * either way.
 *
 * This file holds opening, migrations, the statement cache, transactions
 * and backup.  Units, devices and tokens are in store_units.c; ops, records
 * and the change feed in store_records.c; blobs and uploads in
 * store_blobs.c; the audit trail (key file, appends, verify) in
 * store_audit.c, review state in store_review.c, schemes and publications
 * in store_assess.c.  They use this file's statement cache and helpers
 * through store_int.h. */
#include "store.h"
#include "store_int.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "utf8.h"

#define BUSY_TIMEOUT_MS 5000

/* ---- schema ---- */

static const char *const migrations[] = {
	/* 1: units, devices, tokens, ops, records, blobs, uploads. */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL"
	") STRICT, WITHOUT ROWID;"
	"INSERT INTO meta(key, value) VALUES ('change_seq', 0);"

	"CREATE TABLE unit ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE"
	"    CHECK (length(code) BETWEEN 1 AND 32 AND code NOT GLOB '*[^a-z0-9_.-]*'),"
	"  name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 200),"
	"  type INTEGER NOT NULL CHECK (type BETWEEN 1 AND 4),"
	"  region TEXT NOT NULL"
	"    CHECK (length(region) = 6 AND region NOT GLOB '*[^0-9]*')"
	") STRICT;"

	"CREATE TABLE device ("
	"  id INTEGER PRIMARY KEY,"
	"  pubkey BLOB NOT NULL UNIQUE CHECK (length(pubkey) = 32),"
	"  unit_id INTEGER NOT NULL REFERENCES unit(id),"
	"  role INTEGER NOT NULL CHECK (role BETWEEN 1 AND 5),"
	"  label TEXT NOT NULL DEFAULT '' CHECK (length(CAST(label AS BLOB)) <= 200),"
	"  enrolled_at INTEGER NOT NULL,"
	"  revoked_at INTEGER NOT NULL DEFAULT 0 CHECK (revoked_at >= 0),"
	"  last_hello_ns INTEGER NOT NULL DEFAULT 0 CHECK (last_hello_ns >= 0),"
	"  applied_seq INTEGER NOT NULL DEFAULT 0 CHECK (applied_seq >= 0)"
	") STRICT;"
	"CREATE INDEX device_unit ON device(unit_id);"

	"CREATE TABLE token ("
	"  hash BLOB PRIMARY KEY CHECK (length(hash) = 32),"
	"  unit_id INTEGER NOT NULL REFERENCES unit(id),"
	"  role INTEGER NOT NULL CHECK (role BETWEEN 1 AND 5),"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  used_at INTEGER,"
	"  used_by INTEGER REFERENCES device(id),"
	"  CHECK ((used_at IS NULL) = (used_by IS NULL))"
	") STRICT, WITHOUT ROWID;"

	"CREATE TABLE op ("
	"  device_id INTEGER NOT NULL REFERENCES device(id),"
	"  seq INTEGER NOT NULL CHECK (seq >= 1),"
	"  status INTEGER NOT NULL,"
	"  receipt BLOB NOT NULL,"
	"  received_at INTEGER NOT NULL,"
	"  PRIMARY KEY (device_id, seq)"
	") STRICT, WITHOUT ROWID;"

	/* attachments: the hashes concatenated, 32 bytes each, in order. */
	"CREATE TABLE record ("
	"  uid TEXT PRIMARY KEY CHECK (length(CAST(uid AS BLOB)) BETWEEN 1 AND 64),"
	"  kind TEXT NOT NULL CHECK (length(CAST(kind AS BLOB)) BETWEEN 1 AND 32),"
	"  unit_id INTEGER NOT NULL REFERENCES unit(id),"
	"  rev INTEGER NOT NULL CHECK (rev >= 1),"
	"  deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),"
	"  data BLOB NOT NULL,"
	"  attachments BLOB NOT NULL CHECK (length(attachments) % 32 = 0),"
	"  updated_at INTEGER NOT NULL,"
	"  device_id INTEGER REFERENCES device(id),"
	"  change_seq INTEGER NOT NULL UNIQUE CHECK (change_seq >= 1)"
	") STRICT, WITHOUT ROWID;"
	"CREATE INDEX record_unit_change ON record(unit_id, change_seq);"

	"CREATE TABLE blob ("
	"  hash BLOB PRIMARY KEY CHECK (length(hash) = 32),"
	"  size INTEGER NOT NULL CHECK (size >= 0),"
	"  created_at INTEGER NOT NULL"
	") STRICT, WITHOUT ROWID;"

	"CREATE TABLE blob_ref ("
	"  hash BLOB NOT NULL REFERENCES blob(hash),"
	"  unit_id INTEGER NOT NULL REFERENCES unit(id),"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (hash, unit_id)"
	") STRICT, WITHOUT ROWID;"
	"CREATE INDEX blob_ref_unit ON blob_ref(unit_id);"

	"CREATE TABLE upload ("
	"  hash BLOB NOT NULL CHECK (length(hash) = 32),"
	"  unit_id INTEGER NOT NULL REFERENCES unit(id),"
	"  size INTEGER NOT NULL CHECK (size >= 0),"
	"  \"offset\" INTEGER NOT NULL CHECK (\"offset\" BETWEEN 0 AND size),"
	"  updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (hash, unit_id)"
	") STRICT, WITHOUT ROWID;",

	/* 2: the audit trail (see "audit trail" below for the chain).  seq
	 * runs 1, 2, 3 ... without gaps; unit_id/device_id/role are the
	 * actor (0 for the administrator's command line).  The triggers keep
	 * the program itself from rewriting history; they do not stop anyone
	 * with the file, which is what the MAC chain is for. */
	"CREATE TABLE audit ("
	"  seq INTEGER PRIMARY KEY CHECK (seq >= 1),"
	"  at INTEGER NOT NULL,"
	"  unit_id INTEGER NOT NULL CHECK (unit_id >= 0),"
	"  device_id INTEGER NOT NULL CHECK (device_id >= 0),"
	"  role INTEGER NOT NULL CHECK (role BETWEEN 0 AND 5),"
	"  action TEXT NOT NULL CHECK (length(CAST(action AS BLOB)) BETWEEN 1 AND 32),"
	"  kind TEXT NOT NULL CHECK (length(CAST(kind AS BLOB)) <= 32),"
	"  subject TEXT NOT NULL CHECK (length(CAST(subject AS BLOB)) <= 200),"
	"  rev INTEGER NOT NULL CHECK (rev >= 0),"
	"  before BLOB,"
	"  after BLOB,"
	"  detail TEXT,"
	"  prev_mac BLOB NOT NULL CHECK (length(prev_mac) = 32),"
	"  mac BLOB NOT NULL CHECK (length(mac) = 32)"
	") STRICT;"
	"CREATE INDEX audit_subject ON audit(subject, seq);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",

	/* 3: review state of records and closed reporting periods
	 * (server/store_review.c). */
	"CREATE TABLE record_meta ("
	"  uid TEXT PRIMARY KEY REFERENCES record(uid),"
	"  created_at INTEGER NOT NULL,"
	"  review_status INTEGER NOT NULL DEFAULT 0 CHECK (review_status BETWEEN 0 AND 3),"
	"  review_comment TEXT NOT NULL DEFAULT ''"
	"    CHECK (length(CAST(review_comment AS BLOB)) < 512),"
	"  reviewed_at INTEGER NOT NULL DEFAULT 0,"
	"  reviewed_by INTEGER REFERENCES device(id),"
	"  locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1))"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE period_lock ("
	"  kind TEXT NOT NULL CHECK (length(CAST(kind AS BLOB)) BETWEEN 1 AND 32),"
	"  period TEXT NOT NULL CHECK (length(period) BETWEEN 4 AND 16),"
	"  closed INTEGER NOT NULL CHECK (closed IN (0, 1)),"
	"  changed_at INTEGER NOT NULL,"
	"  changed_by INTEGER REFERENCES device(id),"
	"  PRIMARY KEY (kind, period)"
	") STRICT, WITHOUT ROWID;",

	/* 4: assessment (server/store_assess.c): when each report first reached
	 * the server complete (with its site photo), scheme versions, and
	 * published results.  Neither schemes nor publications are ever
	 * changed by the program; a new weight is a new scheme version. */
	"ALTER TABLE record_meta ADD COLUMN complete_at INTEGER NOT NULL DEFAULT 0"
	"  CHECK (complete_at >= 0);"
	"UPDATE record_meta SET complete_at = created_at WHERE uid IN (SELECT uid FROM record"
	"  WHERE kind IN ('weekly_report', 'monthly_report') AND deleted = 0"
	"  AND length(attachments) > 0);"
	/* The assessment reads one kind at a time, in uid order. */
	"CREATE INDEX record_kind ON record(kind, uid);"
	"CREATE TABLE scheme ("
	"  year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2200),"
	"  version INTEGER NOT NULL CHECK (version >= 1),"
	"  created_at INTEGER NOT NULL,"
	"  data BLOB NOT NULL,"
	"  PRIMARY KEY (year, version)"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE publication ("
	"  number INTEGER PRIMARY KEY CHECK (number >= 1),"
	"  scope INTEGER NOT NULL CHECK (scope BETWEEN 1 AND 4),"
	"  period TEXT NOT NULL CHECK (length(period) BETWEEN 4 AND 16),"
	"  scheme_year INTEGER NOT NULL,"
	"  scheme_version INTEGER NOT NULL,"
	"  published_at INTEGER NOT NULL,"
	"  record_uid TEXT NOT NULL,"
	"  inputs BLOB NOT NULL,"
	"  results BLOB NOT NULL,"
	"  digest BLOB NOT NULL CHECK (length(digest) = 32),"
	"  FOREIGN KEY (scheme_year, scheme_version) REFERENCES scheme(year, version)"
	") STRICT;"
	"CREATE TRIGGER scheme_no_update BEFORE UPDATE ON scheme"
	"  BEGIN SELECT RAISE(ABORT, 'a scheme version never changes'); END;"
	"CREATE TRIGGER scheme_no_delete BEFORE DELETE ON scheme"
	"  BEGIN SELECT RAISE(ABORT, 'a scheme version never changes'); END;"
	"CREATE TRIGGER publication_no_update BEFORE UPDATE ON publication"
	"  BEGIN SELECT RAISE(ABORT, 'a publication never changes'); END;"
	"CREATE TRIGGER publication_no_delete BEFORE DELETE ON publication"
	"  BEGIN SELECT RAISE(ABORT, 'a publication never changes'); END;",

	/* 5: what each applied op contained (its digest, so a retry with the
	 * same seq but other content is refused, not answered with the old
	 * receipt), and the owning unit of the record an audit row is about
	 * (record.put / record.review), so the verifier can check that no
	 * record ever changes owner.  Both NULL in rows written before. */
	("ALTER TABLE op ADD COLUMN digest BLOB CHECK (digest IS NULL OR length(digest) = 32);"
	 "ALTER TABLE audit ADD COLUMN owner INTEGER CHECK (owner IS NULL OR owner >= 1);"),

	/* 6: no index on the audit trail's subject.  Its key began with a
	 * record's random uid, so every acknowledged op dirtied one more random
	 * B-tree page (4 KiB of WAL) for it.  Only the administrator's
	 * `audit list --subject` and the verifier read by subject: the first
	 * walks the trail newest first, the second joins in one pass
	 * (docs/PERFORMANCE.md). */
	"DROP INDEX audit_subject;",

	/* 7: records in a table keyed by an INTEGER rowid that appends, the
	 * random text uid in a UNIQUE index.  Keyed by the uid itself (WITHOUT
	 * ROWID), each new record landed on a random leaf of whole rows, a few
	 * to a page, and split it often: 1.7 B-tree pages dirtied an
	 * acknowledged op for the table alone (docs/PERFORMANCE.md).  New rows
	 * now share the last leaf; only the dense uid index takes a random
	 * page.  Rebuilt the way SQLite's ALTER TABLE documentation says, with
	 * foreign keys off during migrations and checked before the commit. */
	"CREATE TABLE record_v7 ("
	"  id INTEGER PRIMARY KEY,"
	"  uid TEXT NOT NULL UNIQUE CHECK (length(CAST(uid AS BLOB)) BETWEEN 1 AND 64),"
	"  kind TEXT NOT NULL CHECK (length(CAST(kind AS BLOB)) BETWEEN 1 AND 32),"
	"  unit_id INTEGER NOT NULL REFERENCES unit(id),"
	"  rev INTEGER NOT NULL CHECK (rev >= 1),"
	"  deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),"
	"  data BLOB NOT NULL,"
	"  attachments BLOB NOT NULL CHECK (length(attachments) % 32 = 0),"
	"  updated_at INTEGER NOT NULL,"
	"  device_id INTEGER REFERENCES device(id),"
	"  change_seq INTEGER NOT NULL UNIQUE CHECK (change_seq >= 1)"
	") STRICT;"
	"INSERT INTO record_v7(uid, kind, unit_id, rev, deleted, data, attachments, updated_at,"
	"  device_id, change_seq)"
	"  SELECT uid, kind, unit_id, rev, deleted, data, attachments, updated_at, device_id,"
	"  change_seq FROM record ORDER BY change_seq;"
	"DROP TABLE record;"
	"ALTER TABLE record_v7 RENAME TO record;"
	"CREATE INDEX record_unit_change ON record(unit_id, change_seq);"
	"CREATE INDEX record_kind ON record(kind, uid);",
};

#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int store_schema_version(void)
{
	return N_MIGRATIONS;
}

/* ---- statements ---- */

#define UNIT_COLS "id, code, name, type, region"
#define DEVICE_COLS \
	"id, pubkey, unit_id, role, label, enrolled_at, revoked_at, last_hello_ns, applied_seq"
#define RECORD_COLS \
	"kind, uid, unit_id, rev, deleted, updated_at, device_id, change_seq, data, attachments"
/* The columns the audit MAC covers, in the order of the canonical encoding. */
#define AUDIT_COLS \
	"seq, at, unit_id, device_id, role, action, kind, subject, rev, before, after, detail, " \
	"owner"


static const char *const sql[S__COUNT] = {
	[S_BEGIN_WRITE] = "BEGIN IMMEDIATE",
	[S_BEGIN_READ] = "BEGIN",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_SAVEPOINT] = "SAVEPOINT op",
	[S_RELEASE] = "RELEASE op",
	[S_ROLLBACK_TO] = "ROLLBACK TO op",
	[S_INNER_SAVEPOINT] = "SAVEPOINT store_inner",
	[S_INNER_RELEASE] = "RELEASE store_inner",
	[S_INNER_ROLLBACK_TO] = "ROLLBACK TO store_inner",

	[S_UNIT_ADD] = "INSERT INTO unit(code, name, type, region) VALUES (?1, ?2, ?3, ?4)",
	[S_UNIT_GET] = "SELECT " UNIT_COLS " FROM unit WHERE id = ?1",
	[S_UNIT_BY_CODE] = "SELECT " UNIT_COLS " FROM unit WHERE code = ?1",
	[S_UNIT_EACH] = "SELECT " UNIT_COLS " FROM unit ORDER BY code",

	[S_TOKEN_ADD] = "INSERT INTO token(hash, unit_id, role, created_at, expires_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_TOKEN_GET] = "SELECT unit_id, role, expires_at, used_at IS NOT NULL"
			" FROM token WHERE hash = ?1",
	[S_TOKEN_USE] = "UPDATE token SET used_at = ?2, used_by = ?3"
			" WHERE hash = ?1 AND used_at IS NULL",

	[S_DEVICE_ADD] = "INSERT INTO device(pubkey, unit_id, role, label, enrolled_at)"
			 " VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_DEVICE_GET] = "SELECT " DEVICE_COLS " FROM device WHERE id = ?1",
	[S_DEVICE_BY_KEY] = "SELECT " DEVICE_COLS " FROM device WHERE pubkey = ?1",
	[S_DEVICE_EACH] = "SELECT " DEVICE_COLS " FROM device ORDER BY id",
	[S_DEVICE_REVOKE] = "UPDATE device SET revoked_at = ?2 WHERE id = ?1 AND revoked_at = 0",
	[S_DEVICE_HELLO] = "UPDATE device SET last_hello_ns = max(last_hello_ns, ?2) WHERE id = ?1",
	[S_DEVICE_ADVANCE] = "UPDATE device SET applied_seq = ?2"
			     " WHERE id = ?1 AND applied_seq = ?2 - 1",

	[S_OP_GET] = "SELECT receipt, digest FROM op WHERE device_id = ?1 AND seq = ?2",
	[S_OP_ADD] = "INSERT INTO op(device_id, seq, status, receipt, received_at, digest)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",

	[S_CHANGE_SEQ_NEXT] = "UPDATE meta SET value = value + 1 WHERE key = 'change_seq'"
			      " RETURNING value",
	[S_RECORD_GET] = "SELECT " RECORD_COLS " FROM record WHERE uid = ?1",
	[S_RECORD_PUT] =
		"INSERT INTO record(uid, kind, unit_id, rev, deleted, data, attachments,"
		" updated_at, device_id, change_seq)"
		" VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9)"
		" ON CONFLICT(uid) DO UPDATE SET rev = record.rev + 1, deleted = excluded.deleted,"
		" data = excluded.data, attachments = excluded.attachments,"
		" updated_at = excluded.updated_at, device_id = excluded.device_id,"
		" change_seq = excluded.change_seq"
		/* A record's kind and owner never change: no row comes back. */
		" WHERE record.kind = excluded.kind AND record.unit_id = excluded.unit_id"
		" RETURNING rev",
	[S_RECORD_CHANGES_ALL] = "SELECT " RECORD_COLS " FROM record WHERE change_seq > ?1"
				 " ORDER BY change_seq LIMIT ?2",
	/* A unit sees its own records and the directory every device shares. */
	[S_RECORD_CHANGES_UNIT] = "SELECT " RECORD_COLS " FROM record"
				  " WHERE (unit_id = ?3 OR kind IN ('unit', 'leader', 'publication'))"
				  " AND change_seq > ?1 ORDER BY change_seq LIMIT ?2",

	[S_BLOB_GET] = "SELECT size FROM blob WHERE hash = ?1",
	[S_BLOB_ADD] = "INSERT INTO blob(hash, size, created_at) VALUES (?1, ?2, ?3)"
		       " ON CONFLICT(hash) DO NOTHING",
	[S_REF_ADD] = "INSERT INTO blob_ref(hash, unit_id, created_at) VALUES (?1, ?2, ?3)"
		      " ON CONFLICT(hash, unit_id) DO NOTHING",
	[S_REF_ADD_IF_STORED] = "INSERT INTO blob_ref(hash, unit_id, created_at)"
				" SELECT ?1, ?2, ?3"
				" WHERE EXISTS (SELECT 1 FROM blob WHERE hash = ?1)"
				" ON CONFLICT(hash, unit_id) DO NOTHING",
	[S_REF_HAS] = "SELECT 1 FROM blob_ref WHERE hash = ?1 AND unit_id = ?2",
	/* Stored files plus uploads in progress: an upload reserves its size. */
	[S_UNIT_USAGE] = "SELECT (SELECT coalesce(sum(b.size), 0) FROM blob_ref r"
			 " JOIN blob b ON b.hash = r.hash WHERE r.unit_id = ?1)"
			 " + (SELECT coalesce(sum(size), 0) FROM upload WHERE unit_id = ?1)",

	[S_UPLOAD_GET] = "SELECT size, \"offset\" FROM upload WHERE hash = ?1 AND unit_id = ?2",
	[S_UPLOAD_SET] = "INSERT INTO upload(hash, unit_id, size, \"offset\", updated_at)"
			 " VALUES (?1, ?2, ?3, ?4, ?5)"
			 " ON CONFLICT(hash, unit_id) DO UPDATE SET size = excluded.size,"
			 " \"offset\" = excluded.\"offset\", updated_at = excluded.updated_at",
	[S_UPLOAD_DELETE] = "DELETE FROM upload WHERE hash = ?1 AND unit_id = ?2",

	[S_AUDIT_LAST] = "SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1",
	[S_AUDIT_ADD] = "INSERT INTO audit(seq, at, unit_id, device_id, role, action, kind,"
			" subject, rev, before, after, detail, prev_mac, mac, owner)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	[S_AUDIT_ANY] = "SELECT EXISTS (SELECT 1 FROM audit)",
	[S_AUDIT_WALK] = "SELECT " AUDIT_COLS ", prev_mac, mac FROM audit ORDER BY seq",
	[S_AUDIT_LIST] = "SELECT " AUDIT_COLS " FROM audit ORDER BY seq DESC LIMIT ?1",
	[S_AUDIT_LIST_SUBJECT] = "SELECT " AUDIT_COLS " FROM audit WHERE subject = ?2"
				 " ORDER BY seq DESC LIMIT ?1",
	/* Each record with its newest record.put/record.review audit row (NULLs
	 * when it has none), in one pass: the trail has no index on subject
	 * (migration 6). */
	[S_RECORD_ALL] = "SELECT r.uid, r.rev, r.data, r.kind, r.unit_id,"
			 " a.seq, a.rev, a.after, a.kind, a.owner FROM record r"
			 " LEFT JOIN (SELECT subject, max(seq) AS seq FROM audit"
			 "  WHERE action IN ('record.put', 'record.review') GROUP BY subject) n"
			 " ON n.subject = r.uid"
			 " LEFT JOIN audit a ON a.seq = n.seq ORDER BY r.uid",
	/* Records whose audit history shows more than one kind or owner. */
	[S_AUDIT_MIXED] = "SELECT subject, group_concat(DISTINCT kind), count(DISTINCT kind),"
			  " group_concat(DISTINCT owner), count(DISTINCT owner), max(seq)"
			  " FROM audit WHERE action IN ('record.put', 'record.review')"
			  " GROUP BY subject"
			  " HAVING count(DISTINCT kind) > 1 OR count(DISTINCT owner) > 1"
			  " ORDER BY subject",
};

struct store {
	sqlite3 *db;
	int readonly;
	unsigned savepoints;          /* open store_savepoint()s */
	sqlite3_stmt *stmts[S__COUNT];
	sqlite3_stmt *xstmts[STORE_X__COUNT]; /* store_int.h: other modules' */
	uint8_t audit_key[STORE_AUDIT_KEY_LEN]; /* wiped at close */
};

/* ---- SQLite boundary ---- */

/* Convert a failed SQLite result to a BS_E_* code, logging SQLite's text.
 * Uniqueness violations are BS_E_CONFLICT, a missing referenced row
 * (foreign key) BS_E_NOTFOUND, other constraints BS_E_INVAL: those are
 * answers about the input, logged only at debug level. */
static int db_fail(struct store *st, int rc, const char *what)
{
	const char *msg = st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
	int ret;

	switch (rc & 0xff) {
	case SQLITE_FULL: ret = BS_E_NOSPACE; break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: ret = BS_E_BUSY; break;
	case SQLITE_NOMEM: ret = BS_E_NOMEM; break;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN: ret = BS_E_IO; break;
	case SQLITE_CONSTRAINT:
		switch (rc) {
		case SQLITE_CONSTRAINT_UNIQUE:
		case SQLITE_CONSTRAINT_PRIMARYKEY: ret = BS_E_CONFLICT; break;
		case SQLITE_CONSTRAINT_FOREIGNKEY: ret = BS_E_NOTFOUND; break;
		default: ret = BS_E_INVAL; break;
		}
		log_debug("store: %s: %s", what, msg);
		return ret;
	default: ret = BS_E_DB; break;
	}
	log_error("store: %s: %s (%s)", what, msg, sqlite3_errstr(rc));
	return ret;
}

/* The cached statement id, prepared on first use. */
static int prep(struct store *st, enum sid id, sqlite3_stmt **out)
{
	int rc;
	if (!st->stmts[id]) {
		rc = sqlite3_prepare_v3(st->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT,
					&st->stmts[id], NULL);
		if (rc != SQLITE_OK) {
			st->stmts[id] = NULL;
			return db_fail(st, rc, sql[id]);
		}
	}
	*out = st->stmts[id];
	return BS_OK;
}

/* Make a cached statement ready for its next use. */
static void done(sqlite3_stmt *s)
{
	if (s) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
	}
}

/* Step once: 1 for a row, 0 when done, or a BS_E_* code (logged). */
static int step(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_fail(st, rc, sqlite3_sql(s));
}

/* Step a statement that returns nothing (or a RETURNING row we do not need)
 * to completion. */
static int step_done(struct store *st, sqlite3_stmt *s)
{
	int r;
	while ((r = step(st, s)) == 1)
		;
	return r;
}

static int bind_fail(struct store *st)
{
	return db_fail(st, sqlite3_errcode(st->db), "bind");
}

/* Run one cached statement that takes no parameters. */
static int exec_cached(struct store *st, enum sid id)
{
	sqlite3_stmt *s = NULL;
	int rv = prep(st, id, &s);
	if (rv == BS_OK)
		rv = step_done(st, s);
	done(s);
	return rv;
}

/* Copy a TEXT column into buf[cap] (NUL-terminated); a value that does not
 * fit means the database was written by something else: BS_E_DB. */
static int col_text(sqlite3_stmt *s, int i, char *buf, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	int n = sqlite3_column_bytes(s, i);
	if (!t || n < 0 || (size_t)n >= cap) {
		log_error("store: column %s holds %d bytes, at most %zu expected",
			  sqlite3_column_name(s, i), n, cap - 1);
		return BS_E_DB;
	}
	memcpy(buf, t, (size_t)n);
	buf[n] = '\0';
	return BS_OK;
}

/* Copy a BLOB column of exactly len bytes. */
static int col_fixed(sqlite3_stmt *s, int i, uint8_t *out, size_t len)
{
	const void *b = sqlite3_column_blob(s, i);
	int n = sqlite3_column_bytes(s, i);
	if (!b || n < 0 || (size_t)n != len) {
		log_error("store: column %s holds %d bytes, %zu expected",
			  sqlite3_column_name(s, i), n, len);
		return BS_E_DB;
	}
	memcpy(out, b, len);
	return BS_OK;
}

/* A non-negative INTEGER column. */
static uint64_t col_u64(sqlite3_stmt *s, int i)
{
	sqlite3_int64 v = sqlite3_column_int64(s, i);
	return v < 0 ? 0 : (uint64_t)v;
}

/* ---- input checks ---- */

/* Well-formed UTF-8 without control characters (but for tab, CR and LF
 * when lines), 1..max bytes (0..max if allow_empty).  BS_E_TOOBIG if
 * longer, BS_E_INVAL otherwise. */
static int check_utf8_text(const char *s, size_t max, int allow_empty, int lines)
{
	size_t n, i, len;
	if (!s)
		return BS_E_INVAL;
	n = strnlen(s, max + 1);
	if (n > max)
		return BS_E_TOOBIG;
	if (n == 0 && !allow_empty)
		return BS_E_INVAL;
	for (i = 0; i < n; i += len) {
		uint32_t cp;
		len = utf8_decode(s + i, n - i, &cp);
		if (len == 0 ||
		    (cp < 0x20 && !(lines && (cp == '\n' || cp == '\r' || cp == '\t'))) ||
		    (cp >= 0x7f && cp < 0xa0)) /* DEL and the C1 controls */
			return BS_E_INVAL;
	}
	return BS_OK;
}

static int check_utf8(const char *s, size_t max, int allow_empty)
{
	return check_utf8_text(s, max, allow_empty, 0);
}

/* 1..max bytes, each in the set allowed (plus ASCII letters and digits). */
static int check_ascii(const char *s, size_t max, const char *extra, int upper_ok)
{
	size_t n, i;
	if (!s)
		return BS_E_INVAL;
	n = strnlen(s, max + 1);
	if (n > max)
		return BS_E_TOOBIG;
	if (n == 0)
		return BS_E_INVAL;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (upper_ok && c >= 'A' && c <= 'Z'))
			continue;
		if (!strchr(extra, c))
			return BS_E_INVAL;
	}
	return BS_OK;
}

static int check_code(const char *code)
{
	int rv = check_ascii(code, STORE_CODE_MAX, "_.-", 0);
	if (rv == BS_OK && !strchr("abcdefghijklmnopqrstuvwxyz0123456789", code[0]))
		rv = BS_E_INVAL;
	return rv;
}

static int check_kind(const char *kind)
{
	return check_ascii(kind, STORE_KIND_MAX, "_.-", 0);
}

static int check_uid(const char *uid)
{
	return check_ascii(uid, STORE_UID_MAX, "_.:-", 1);
}

static int check_region(const char *region)
{
	size_t i;
	if (!region)
		return BS_E_INVAL;
	for (i = 0; i < 6; i++)
		if (region[i] < '0' || region[i] > '9')
			return BS_E_INVAL;
	return region[6] == '\0' ? BS_OK : BS_E_INVAL;
}

static int check_role(int role)
{
	return role >= ROLE_REPORTER && role <= ROLE_ADMIN ? BS_OK : BS_E_INVAL;
}

static int check_u63(uint64_t v)
{
	return v <= (uint64_t)INT64_MAX ? BS_OK : BS_E_INVAL;
}

/* ---- transactions ---- */

static int writable(struct store *st)
{
	if (st->readonly) {
		log_error("store: write attempted on a read-only handle");
		return BS_E_STATE;
	}
	return BS_OK;
}

/* Start the atomic unit of one store function; *own tells inner_end whether
 * we opened a transaction (1) or a savepoint inside the caller's (0). */
static int inner_begin(struct store *st, int *own)
{
	int rv = writable(st);
	if (rv != BS_OK)
		return rv;
	*own = sqlite3_get_autocommit(st->db);
	return exec_cached(st, *own ? S_BEGIN_WRITE : S_INNER_SAVEPOINT);
}

/* Finish what inner_begin started: keep it if rv is BS_OK, undo it
 * otherwise.  Returns rv, or the error that keeping it produced. */
static int inner_end(struct store *st, int own, int rv)
{
	if (rv == BS_OK) {
		rv = exec_cached(st, own ? S_COMMIT : S_INNER_RELEASE);
		if (rv == BS_OK)
			return BS_OK;
	}
	if (own) {
		if (!sqlite3_get_autocommit(st->db))
			exec_cached(st, S_ROLLBACK);
	} else if (!sqlite3_get_autocommit(st->db)) {
		if (exec_cached(st, S_INNER_ROLLBACK_TO) == BS_OK)
			exec_cached(st, S_INNER_RELEASE);
	}
	return rv;
}

int store_begin(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		return BS_E_STATE;
	st->savepoints = 0;
	return exec_cached(st, st->readonly ? S_BEGIN_READ : S_BEGIN_WRITE);
}

int store_commit(struct store *st)
{
	int rv;
	if (sqlite3_get_autocommit(st->db))
		return BS_E_STATE;
	rv = exec_cached(st, S_COMMIT);
	if (rv == BS_OK)
		st->savepoints = 0;
	return rv;
}

int store_rollback(struct store *st)
{
	/* SQLite may have rolled back by itself (disk full, I/O error). */
	int rv = sqlite3_get_autocommit(st->db) ? BS_OK : exec_cached(st, S_ROLLBACK);
	st->savepoints = 0;
	return rv;
}

int store_savepoint(struct store *st)
{
	int rv = exec_cached(st, S_SAVEPOINT);
	if (rv == BS_OK)
		st->savepoints++;
	return rv;
}

int store_release(struct store *st)
{
	int rv;
	if (st->savepoints == 0)
		return BS_E_STATE;
	rv = exec_cached(st, S_RELEASE);
	if (rv == BS_OK)
		st->savepoints--;
	return rv;
}

int store_rollback_to(struct store *st)
{
	int rv;
	if (st->savepoints == 0)
		return BS_E_STATE;
	rv = exec_cached(st, S_ROLLBACK_TO);
	if (rv == BS_OK)
		rv = exec_cached(st, S_RELEASE);
	if (rv == BS_OK)
		st->savepoints--;
	return rv;
}

/* ---- open, migrate, close ---- */

/* In "audit trail" below. */

static int user_version(struct store *st, int *version)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL);
	int rv;
	if (rc != SQLITE_OK)
		return db_fail(st, rc, "PRAGMA user_version");
	rv = step(st, s);
	if (rv == 1) {
		*version = sqlite3_column_int(s, 0);
		rv = BS_OK;
	} else if (rv == 0) {
		rv = BS_E_DB;
	}
	sqlite3_finalize(s);
	return rv;
}

static int exec_sql(struct store *st, const char *text)
{
	char *err = NULL;
	int rc = sqlite3_exec(st->db, text, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		log_error("store: %.60s...: %s", text, err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
		return db_fail(st, rc, "exec");
	}
	return BS_OK;
}

/* PRAGMA foreign_key_check: BS_OK when no row breaks a foreign key. */
static int fk_check(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA foreign_key_check", -1, &s, NULL);
	int rv;
	if (rc != SQLITE_OK)
		return db_fail(st, rc, "PRAGMA foreign_key_check");
	rv = step(st, s);
	if (rv == 1) {
		const unsigned char *table = sqlite3_column_text(s, 0);
		log_error("store: migration left a row of %s (rowid %lld) whose foreign key "
			  "refers to no row of %s", table ? (const char *)table : "?",
			  (long long)sqlite3_column_int64(s, 1),
			  sqlite3_column_text(s, 2) ? (const char *)sqlite3_column_text(s, 2) : "?");
		rv = BS_E_DB;
	}
	sqlite3_finalize(s);
	return rv;
}

/* Apply the migrations this file lacks, one transaction each.  The version
 * is read inside the transaction, so two processes opening a new file at
 * the same time do not both apply a step.  Foreign keys are off while this
 * runs (a migration may rebuild a table others refer to) and checked before
 * each commit. */
static int migrate(struct store *st)
{
	char pragma[64];
	int version = 0, rv;

	for (;;) {
		if ((rv = exec_sql(st, "BEGIN IMMEDIATE")) != BS_OK)
			return rv;
		if ((rv = user_version(st, &version)) != BS_OK)
			goto fail;
		if (version < 0 || version > N_MIGRATIONS) {
			log_error("store: database schema version %d, this program knows %d",
				  version, N_MIGRATIONS);
			rv = BS_E_VERSION;
			goto fail;
		}
		if (version == N_MIGRATIONS)
			return exec_sql(st, "COMMIT");
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", version + 1);
		if ((rv = exec_sql(st, migrations[version])) != BS_OK ||
		    (rv = fk_check(st)) != BS_OK ||
		    (rv = exec_sql(st, pragma)) != BS_OK || (rv = exec_sql(st, "COMMIT")) != BS_OK)
			goto fail;
		log_info("store: applied migration %d", version + 1);
	}
fail:
	if (!sqlite3_get_autocommit(st->db))
		exec_sql(st, "ROLLBACK");
	return rv;
}

/* PRAGMA journal_mode=WAL answers with the mode in force. */
static int set_wal(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode=WAL", -1, &s, NULL);
	int rv;
	if (rc != SQLITE_OK)
		return db_fail(st, rc, "PRAGMA journal_mode");
	rv = step(st, s);
	if (rv == 1) {
		const unsigned char *mode = sqlite3_column_text(s, 0);
		rv = mode && !strcmp((const char *)mode, "wal") ? BS_OK : BS_E_DB;
		if (rv != BS_OK)
			log_error("store: cannot switch to WAL (journal mode %s)",
				  mode ? (const char *)mode : "?");
	} else if (rv == 0) {
		rv = BS_E_DB;
	}
	sqlite3_finalize(s);
	return rv;
}

int store_open(const char *path, int readonly, struct store **out)
{
	struct store *st = NULL;
	struct stat sb;
	int flags, rc, rv, version = 0;

	if (!path || !*path)
		return BS_E_INVAL;
	if (sodium_init() < 0) /* for the audit key; once per process, thread-safe */
		return BS_E_INTERNAL;
	if (readonly && stat(path, &sb) != 0)
		return errno == ENOENT ? BS_E_NOTFOUND : BS_E_IO;
	if (!readonly && stat(path, &sb) != 0 && errno == ENOENT) {
		/* The records are the units' reports: create the file (and so
		 * its -wal and -shm, which SQLite gives the same mode) 0600. */
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST) {
			log_error("store: cannot create %s: %s", path, strerror(errno));
			return BS_E_IO;
		}
		if (fd >= 0)
			close(fd);
	}
	st = calloc(1, sizeof *st);
	if (!st)
		return BS_E_NOMEM;
	st->readonly = readonly ? 1 : 0;
	flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
		SQLITE_OPEN_NOMUTEX;
	rc = sqlite3_open_v2(path, &st->db, flags, NULL);
	if (rc != SQLITE_OK) {
		rv = db_fail(st, rc, path);
		goto out;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);

	if (readonly) {
		if ((rv = user_version(st, &version)) != BS_OK)
			goto out;
		if (version != N_MIGRATIONS) {
			log_error("store: %s has schema version %d, this program needs %d"
				  " (run baosongd init)", path, version, N_MIGRATIONS);
			rv = BS_E_VERSION;
			goto out;
		}
	} else {
		if ((rv = set_wal(st)) != BS_OK ||
		    (rv = exec_sql(st, "PRAGMA synchronous=FULL")) != BS_OK ||
		    (rv = exec_sql(st, "PRAGMA foreign_keys=OFF")) != BS_OK ||
		    (rv = migrate(st)) != BS_OK ||
		    (rv = exec_sql(st, "PRAGMA foreign_keys=ON")) != BS_OK)
			goto out;
	}
	if ((rv = store__audit_key_setup(st, path)) != BS_OK)
		goto out;
	*out = st;
	st = NULL;
	rv = BS_OK;
out:
	store_close(st);
	return rv;
}

void store_close(struct store *st)
{
	size_t i;
	if (!st)
		return;
	for (i = 0; i < S__COUNT; i++)
		sqlite3_finalize(st->stmts[i]);
	for (i = 0; i < STORE_X__COUNT; i++)
		sqlite3_finalize(st->xstmts[i]);
	if (st->db && sqlite3_close(st->db) != SQLITE_OK)
		log_error("store: close: %s", sqlite3_errmsg(st->db));
	sodium_memzero(st->audit_key, sizeof st->audit_key);
	free(st);
}

/* ---- backup ---- */

static int fsync_path(const char *path, int directory)
{
	int fd = open(path, (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
	int rv = BS_OK;
	if (fd < 0)
		return BS_E_IO;
	if (fsync(fd) != 0)
		rv = BS_E_IO;
	close(fd);
	return rv;
}

int store_backup(struct store *st, const char *path)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b = NULL;
	char *dir = NULL, *slash, *keypath = NULL;
	int fd, rc, rv, tries = 0, created = 0, key_created = 0;

	if (!path || !*path)
		return BS_E_INVAL;
	/* Claim the name: never overwrite anything. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_error("store: backup: cannot create %s: %s", path, strerror(errno));
		return errno == EEXIST ? BS_E_INVAL : BS_E_IO;
	}
	close(fd);
	created = 1;

	rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_error("store: backup: open %s: %s", path, dst ? sqlite3_errmsg(dst) : "?");
		rv = BS_E_IO;
		goto out;
	}
	b = sqlite3_backup_init(dst, "main", st->db, "main");
	if (!b) {
		log_error("store: backup: %s", sqlite3_errmsg(dst));
		rv = BS_E_DB;
		goto out;
	}
	/* One step copies everything from one snapshot of the source. */
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		if (++tries > 50)
			break;
		sqlite3_sleep(100);
	}
	rc = sqlite3_backup_finish(b);
	b = NULL;
	if (rc != SQLITE_OK) {
		rv = (rc & 0xff) == SQLITE_FULL ? BS_E_NOSPACE
		     : (rc & 0xff) == SQLITE_BUSY ? BS_E_BUSY : BS_E_DB;
		log_error("store: backup to %s: %s", path, sqlite3_errmsg(dst));
		goto out;
	}
	rc = sqlite3_close(dst);
	dst = NULL;
	if (rc != SQLITE_OK) {
		rv = BS_E_DB;
		goto out;
	}
	if ((rv = fsync_path(path, 0)) != BS_OK)
		goto out;
	/* The audit key goes with the copy, or its trail could not be checked. */
	if (!(keypath = store__audit_key_path(path))) {
		rv = BS_E_NOMEM;
		goto out;
	}
	rv = store__audit_key_write(keypath, st->audit_key);
	if (rv == BS_E_CONFLICT) {
		log_error("store: backup: %s exists already; not overwritten", keypath);
		rv = BS_E_INVAL;
	}
	if (rv != BS_OK)
		goto out;
	key_created = 1;
	dir = strdup(path);
	if (!dir) {
		rv = BS_E_NOMEM;
		goto out;
	}
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	rv = fsync_path(slash ? dir : ".", 1);
out:
	if (b)
		sqlite3_backup_finish(b);
	if (dst)
		sqlite3_close(dst);
	if (rv != BS_OK && created)
		unlink(path);
	if (rv != BS_OK && key_created)
		unlink(keypath);
	free(keypath);
	free(dir);
	return rv;
}

/* ---- for the store's other modules (store_int.h) ---- */

sqlite3 *store__db(struct store *st)
{
	return st->db;
}

int store__fail(struct store *st, int rc, const char *what)
{
	return db_fail(st, rc, what);
}

int store__prepare(struct store *st, const char *text, sqlite3_stmt **out)
{
	int rc = sqlite3_prepare_v2(st->db, text, -1, out, NULL);
	return rc == SQLITE_OK ? BS_OK : db_fail(st, rc, "prepare");
}

/* The helpers above, for store_audit.c. */
int store__prep(struct store *st, enum sid id, sqlite3_stmt **out) { return prep(st, id, out); }
void store__done(sqlite3_stmt *s) { done(s); }
int store__step(struct store *st, sqlite3_stmt *s) { return step(st, s); }
int store__step_done(struct store *st, sqlite3_stmt *s) { return step_done(st, s); }
int store__bind_fail(struct store *st) { return bind_fail(st); }
int store__exec(struct store *st, enum sid id) { return exec_cached(st, id); }
int store__inner_begin(struct store *st, int *own) { return inner_begin(st, own); }
int store__inner_end(struct store *st, int own, int rv) { return inner_end(st, own, rv); }
int store__col_fixed(sqlite3_stmt *s, int i, uint8_t *out, size_t len)
{
	return col_fixed(s, i, out, len);
}
uint64_t store__col_u64(sqlite3_stmt *s, int i) { return col_u64(s, i); }
int store__col_text(sqlite3_stmt *s, int i, char *buf, size_t cap)
{
	return col_text(s, i, buf, cap);
}
int store__writable(struct store *st) { return writable(st); }
int store__check_utf8_text(const char *s, size_t max, int allow_empty, int lines)
{
	return check_utf8_text(s, max, allow_empty, lines);
}
int store__check_utf8(const char *s, size_t max, int allow_empty)
{
	return check_utf8(s, max, allow_empty);
}
int store__check_ascii(const char *s, size_t max, const char *extra, int upper_ok)
{
	return check_ascii(s, max, extra, upper_ok);
}
int store__check_kind(const char *kind) { return check_kind(kind); }
int store__check_code(const char *code) { return check_code(code); }
int store__check_uid(const char *uid) { return check_uid(uid); }
int store__check_region(const char *region) { return check_region(region); }
int store__check_role(int role) { return check_role(role); }
int store__check_u63(uint64_t v) { return check_u63(v); }
int store__fsync_path(const char *path, int directory) { return fsync_path(path, directory); }
int store__readonly(const struct store *st) { return st->readonly; }
uint8_t *store__audit_key(struct store *st) { return st->audit_key; }

int store__cached(struct store *st, enum store_xid id, const char *text, sqlite3_stmt **out)
{
	int rc;
	assert((unsigned)id < STORE_X__COUNT);
	if (!st->xstmts[id]) {
		rc = sqlite3_prepare_v3(st->db, text, -1, SQLITE_PREPARE_PERSISTENT,
					&st->xstmts[id], NULL);
		if (rc != SQLITE_OK) {
			st->xstmts[id] = NULL;
			return db_fail(st, rc, text);
		}
	}
	*out = st->xstmts[id];
	return BS_OK;
}

void store__unprep(sqlite3_stmt *s)
{
	done(s);
}
