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
 * either way. */
#include "store.h"
#include "store_int.h"

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
	"ALTER TABLE op ADD COLUMN digest BLOB CHECK (digest IS NULL OR length(digest) = 32);"
	"ALTER TABLE audit ADD COLUMN owner INTEGER CHECK (owner IS NULL OR owner >= 1);",
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
	S_AUDIT_NEWEST_RECORD,
	S_AUDIT_LIST,
	S_AUDIT_LIST_SUBJECT,
	S_RECORD_ALL,
	S_AUDIT_MIXED,
	S__COUNT
};

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
	[S_AUDIT_NEWEST_RECORD] = "SELECT seq, rev, after, kind, owner FROM audit WHERE subject = ?1"
				  " AND action IN ('record.put', 'record.review')"
				  " ORDER BY seq DESC LIMIT 1",
	[S_AUDIT_LIST] = "SELECT " AUDIT_COLS " FROM audit ORDER BY seq DESC LIMIT ?1",
	[S_AUDIT_LIST_SUBJECT] = "SELECT " AUDIT_COLS " FROM audit WHERE subject = ?2"
				 " ORDER BY seq DESC LIMIT ?1",
	[S_RECORD_ALL] = "SELECT uid, rev, data, kind, unit_id FROM record ORDER BY uid",
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
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	if (!s)
		return BS_E_INVAL;
	n = strnlen(s, max + 1);
	if (n > max)
		return BS_E_TOOBIG;
	if (n == 0 && !allow_empty)
		return BS_E_INVAL;
	while (*p) {
		unsigned c = *p, need, i;
		uint32_t cp;
		if (c < 0x80) {
			if ((c < 0x20 && !(lines && (c == '\n' || c == '\r' || c == '\t'))) ||
			    c == 0x7f)
				return BS_E_INVAL;
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return BS_E_INVAL;
		}
		for (i = 1; i <= need; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return BS_E_INVAL; /* also stops at the NUL */
			cp = (cp << 6) | (p[i] & 0x3fu);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
			return BS_E_INVAL;
		p += need + 1;
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
static int audit_key_setup(struct store *st, const char *db_path);
static int audit_key_write(const char *path, const uint8_t key[STORE_AUDIT_KEY_LEN]);
static char *audit_key_path(const char *db_path);

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

/* Apply the migrations this file lacks, one transaction each.  The version
 * is read inside the transaction, so two processes opening a new file at
 * the same time do not both apply a step. */
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
		    (rv = exec_sql(st, "PRAGMA foreign_keys=ON")) != BS_OK ||
		    (rv = migrate(st)) != BS_OK)
			goto out;
	}
	if ((rv = audit_key_setup(st, path)) != BS_OK)
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
	if (!(keypath = audit_key_path(path))) {
		rv = BS_E_NOMEM;
		goto out;
	}
	rv = audit_key_write(keypath, st->audit_key);
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

/* ---- units ---- */

static int unit_row(sqlite3_stmt *s, struct unit *u)
{
	int rv;
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(s, 0);
	u->type = sqlite3_column_int(s, 3);
	if ((rv = col_text(s, 1, u->code, sizeof u->code)) != BS_OK ||
	    (rv = col_text(s, 2, u->name, sizeof u->name)) != BS_OK ||
	    (rv = col_text(s, 4, u->region, sizeof u->region)) != BS_OK)
		return rv;
	return BS_OK;
}

int store_unit_add(struct store *st, const struct unit *u, int64_t *id)
{
	sqlite3_stmt *s = NULL;
	int rv;

	if ((rv = writable(st)) != BS_OK)
		return rv;
	if ((rv = check_code(u->code)) != BS_OK ||
	    (rv = check_utf8(u->name, STORE_NAME_MAX, 0)) != BS_OK ||
	    (rv = check_region(u->region)) != BS_OK)
		return rv;
	if (u->type < UNIT_TOWNSHIP || u->type > UNIT_SOE)
		return BS_E_INVAL;
	if ((rv = prep(st, S_UNIT_ADD, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_text(s, 1, u->code, -1, SQLITE_STATIC) ||
	    sqlite3_bind_text(s, 2, u->name, -1, SQLITE_STATIC) ||
	    sqlite3_bind_int(s, 3, u->type) ||
	    sqlite3_bind_text(s, 4, u->region, -1, SQLITE_STATIC)) {
		rv = bind_fail(st);
		goto out;
	}
	if ((rv = step_done(st, s)) != BS_OK)
		goto out;
	if (id)
		*id = sqlite3_last_insert_rowid(st->db);
out:
	done(s);
	return rv;
}

/* Run a unit query that binds one value (set up by the caller) and fill out. */
static int unit_one(struct store *st, sqlite3_stmt *s, struct unit *out)
{
	struct unit u;
	int rv = step(st, s);
	if (rv == 0)
		rv = BS_E_NOTFOUND;
	else if (rv == 1 && (rv = unit_row(s, &u)) == BS_OK)
		*out = u;
	done(s);
	return rv;
}

int store_unit_get(struct store *st, int64_t id, struct unit *out)
{
	sqlite3_stmt *s = NULL;
	int rv = prep(st, S_UNIT_GET, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, id)) {
		rv = bind_fail(st);
		done(s);
		return rv;
	}
	return unit_one(st, s, out);
}

int store_unit_by_code(struct store *st, const char *code, struct unit *out)
{
	sqlite3_stmt *s = NULL;
	int rv = check_code(code);
	if (rv != BS_OK) /* no unit can have that code */
		return code ? BS_E_NOTFOUND : BS_E_INVAL;
	if ((rv = prep(st, S_UNIT_BY_CODE, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC)) {
		rv = bind_fail(st);
		done(s);
		return rv;
	}
	return unit_one(st, s, out);
}

int store_unit_each(struct store *st, int (*fn)(void *ctx, const struct unit *u), void *ctx)
{
	sqlite3_stmt *s = NULL;
	struct unit u;
	int rv = prep(st, S_UNIT_EACH, &s);
	if (rv != BS_OK)
		return rv;
	while ((rv = step(st, s)) == 1) {
		if ((rv = unit_row(s, &u)) != BS_OK || (rv = fn(ctx, &u)) != 0)
			break;
	}
	done(s);
	return rv;
}

/* ---- devices ---- */

static int device_row(sqlite3_stmt *s, struct device *d)
{
	int rv;
	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(s, 0);
	d->unit_id = sqlite3_column_int64(s, 2);
	d->role = sqlite3_column_int(s, 3);
	d->enrolled_at = sqlite3_column_int64(s, 5);
	d->revoked_at = sqlite3_column_int64(s, 6);
	d->last_hello_ns = col_u64(s, 7);
	d->applied_seq = col_u64(s, 8);
	if ((rv = col_fixed(s, 1, d->pubkey, STORE_KEY_LEN)) != BS_OK ||
	    (rv = col_text(s, 4, d->label, sizeof d->label)) != BS_OK)
		return rv;
	return BS_OK;
}

static int device_one(struct store *st, sqlite3_stmt *s, struct device *out)
{
	struct device d;
	int rv = step(st, s);
	if (rv == 0)
		rv = BS_E_NOTFOUND;
	else if (rv == 1 && (rv = device_row(s, &d)) == BS_OK)
		*out = d;
	done(s);
	return rv;
}

int store_device_get(struct store *st, int64_t id, struct device *out)
{
	sqlite3_stmt *s = NULL;
	int rv = prep(st, S_DEVICE_GET, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, id)) {
		rv = bind_fail(st);
		done(s);
		return rv;
	}
	return device_one(st, s, out);
}

int store_device_by_key(struct store *st, const uint8_t pubkey[STORE_KEY_LEN],
			struct device *out)
{
	sqlite3_stmt *s = NULL;
	int rv = prep(st, S_DEVICE_BY_KEY, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, pubkey, STORE_KEY_LEN, SQLITE_STATIC)) {
		rv = bind_fail(st);
		done(s);
		return rv;
	}
	return device_one(st, s, out);
}

int store_device_each(struct store *st, int (*fn)(void *ctx, const struct device *d),
		      void *ctx)
{
	sqlite3_stmt *s = NULL;
	struct device d;
	int rv = prep(st, S_DEVICE_EACH, &s);
	if (rv != BS_OK)
		return rv;
	while ((rv = step(st, s)) == 1) {
		if ((rv = device_row(s, &d)) != BS_OK || (rv = fn(ctx, &d)) != 0)
			break;
	}
	done(s);
	return rv;
}

/* Insert a device row (inputs already checked). */
static int device_insert(struct store *st, const uint8_t pubkey[STORE_KEY_LEN], int64_t unit_id,
			 int role, const char *label, int64_t now, int64_t *id)
{
	sqlite3_stmt *s = NULL;
	int rv = prep(st, S_DEVICE_ADD, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, pubkey, STORE_KEY_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 2, unit_id) || sqlite3_bind_int(s, 3, role) ||
	    sqlite3_bind_text(s, 4, label, -1, SQLITE_STATIC) || sqlite3_bind_int64(s, 5, now)) {
		rv = bind_fail(st);
		goto out;
	}
	if ((rv = step_done(st, s)) == BS_OK)
		*id = sqlite3_last_insert_rowid(st->db);
out:
	done(s);
	return rv;
}

int store_device_add(struct store *st, const uint8_t pubkey[STORE_KEY_LEN], int64_t unit_id,
		     int role, const char *label, int64_t now, int64_t *id)
{
	int64_t got = 0;
	int rv;

	if (!label)
		label = "";
	if ((rv = writable(st)) != BS_OK || (rv = check_role(role)) != BS_OK ||
	    (rv = check_utf8(label, STORE_NAME_MAX, 1)) != BS_OK)
		return rv;
	/* A missing unit fails the foreign key: BS_E_NOTFOUND. */
	rv = device_insert(st, pubkey, unit_id, role, label, now, &got);
	if (rv == BS_OK && id)
		*id = got;
	return rv;
}

int store_device_revoke(struct store *st, int64_t id, int64_t now)
{
	struct device d;
	sqlite3_stmt *s = NULL;
	int rv;

	if ((rv = writable(st)) != BS_OK)
		return rv;
	if (now <= 0)
		return BS_E_INVAL;
	if ((rv = prep(st, S_DEVICE_REVOKE, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, id) || sqlite3_bind_int64(s, 2, now)) {
		rv = bind_fail(st);
		goto out;
	}
	if ((rv = step_done(st, s)) != BS_OK)
		goto out;
	/* Nothing changed: no such device, or revoked already (kept as it was). */
	if (sqlite3_changes(st->db) == 0)
		rv = store_device_get(st, id, &d);
out:
	done(s);
	return rv;
}

int store_device_set_hello(struct store *st, int64_t id, uint64_t ts_ns)
{
	sqlite3_stmt *s = NULL;
	int rv;

	if ((rv = writable(st)) != BS_OK || (rv = check_u63(ts_ns)) != BS_OK)
		return rv;
	if ((rv = prep(st, S_DEVICE_HELLO, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, id) || sqlite3_bind_int64(s, 2, (sqlite3_int64)ts_ns)) {
		rv = bind_fail(st);
		goto out;
	}
	if ((rv = step_done(st, s)) == BS_OK && sqlite3_changes(st->db) == 0)
		rv = BS_E_NOTFOUND;
out:
	done(s);
	return rv;
}

/* ---- tokens ---- */

int store_token_add(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t unit_id,
		    int role, int64_t expires_at, int64_t now)
{
	sqlite3_stmt *s = NULL;
	int rv;

	if ((rv = writable(st)) != BS_OK || (rv = check_role(role)) != BS_OK)
		return rv;
	if (expires_at <= now)
		return BS_E_INVAL;
	if ((rv = prep(st, S_TOKEN_ADD, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 2, unit_id) || sqlite3_bind_int(s, 3, role) ||
	    sqlite3_bind_int64(s, 4, now) || sqlite3_bind_int64(s, 5, expires_at)) {
		rv = bind_fail(st);
		goto out;
	}
	rv = step_done(st, s);
out:
	done(s);
	return rv;
}

/* Look the token up: BS_E_TOKEN unless it exists, is unused and unexpired. */
static int token_check(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t now,
		       int64_t *unit_id, int *role)
{
	sqlite3_stmt *s = NULL;
	int rv = prep(st, S_TOKEN_GET, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC)) {
		rv = bind_fail(st);
		goto out;
	}
	rv = step(st, s);
	if (rv < 0)
		goto out;
	if (rv == 0 || sqlite3_column_int(s, 3) != 0 || sqlite3_column_int64(s, 2) <= now) {
		rv = BS_E_TOKEN;
		goto out;
	}
	*unit_id = sqlite3_column_int64(s, 0);
	*role = sqlite3_column_int(s, 1);
	rv = BS_OK;
out:
	done(s);
	return rv;
}

static int token_burn(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t now,
		      int64_t device_id)
{
	sqlite3_stmt *s = NULL;
	int rv = prep(st, S_TOKEN_USE, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 2, now) || sqlite3_bind_int64(s, 3, device_id)) {
		rv = bind_fail(st);
		goto out;
	}
	if ((rv = step_done(st, s)) == BS_OK && sqlite3_changes(st->db) != 1)
		rv = BS_E_TOKEN;
out:
	done(s);
	return rv;
}

int store_token_redeem(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t now,
		       const uint8_t pubkey[STORE_KEY_LEN], const char *label,
		       struct device *out)
{
	struct device d;
	int64_t unit_id = 0, id = 0;
	int role = 0, own = 0, rv;

	if (!label)
		label = "";
	if ((rv = check_utf8(label, STORE_NAME_MAX, 1)) != BS_OK)
		return rv;
	if ((rv = inner_begin(st, &own)) != BS_OK)
		return rv;
	if ((rv = token_check(st, hash, now, &unit_id, &role)) != BS_OK)
		goto out;
	rv = store_device_by_key(st, pubkey, &d);
	if (rv == BS_OK) {
		rv = BS_E_CONFLICT;
		goto out;
	}
	if (rv != BS_E_NOTFOUND)
		goto out;
	if ((rv = device_insert(st, pubkey, unit_id, role, label, now, &id)) != BS_OK ||
	    (rv = token_burn(st, hash, now, id)) != BS_OK ||
	    (rv = store_device_get(st, id, &d)) != BS_OK)
		goto out;
out:
	rv = inner_end(st, own, rv);
	if (rv == BS_OK)
		*out = d;
	return rv;
}

/* ---- operations ---- */

int store_op_receipt(struct store *st, int64_t device_id, uint64_t seq, uint8_t **receipt,
		     size_t *len, uint8_t digest[STORE_HASH_LEN], int *has_digest)
{
	sqlite3_stmt *s = NULL;
	const void *b;
	uint8_t *copy = NULL;
	int n, rv;

	if (check_u63(seq) != BS_OK)
		return BS_E_NOTFOUND;
	if ((rv = prep(st, S_OP_GET, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, device_id) || sqlite3_bind_int64(s, 2, (sqlite3_int64)seq)) {
		rv = bind_fail(st);
		goto out;
	}
	if ((rv = step(st, s)) <= 0) {
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
		if (*has_digest && digest && (rv = col_fixed(s, 1, digest, STORE_HASH_LEN)) != BS_OK)
			goto out;
	}
	*receipt = copy;
	*len = (size_t)n;
	copy = NULL;
	rv = BS_OK;
out:
	done(s);
	free(copy);
	return rv;
}

/* Move the device's applied_seq from seq - 1 to seq: BS_E_SEQ if it was not
 * at seq - 1, BS_E_NOTFOUND if there is no such device. */
static int device_advance(struct store *st, int64_t device_id, uint64_t seq)
{
	struct device d;
	sqlite3_stmt *s = NULL;
	int rv = prep(st, S_DEVICE_ADVANCE, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, device_id) || sqlite3_bind_int64(s, 2, (sqlite3_int64)seq)) {
		rv = bind_fail(st);
		goto out;
	}
	if ((rv = step_done(st, s)) != BS_OK)
		goto out;
	if (sqlite3_changes(st->db) == 0) {
		rv = store_device_get(st, device_id, &d);
		if (rv == BS_OK)
			rv = BS_E_SEQ;
	}
out:
	done(s);
	return rv;
}

int store_op_add(struct store *st, int64_t device_id, uint64_t seq, int status,
		 const uint8_t *receipt, size_t len, const uint8_t digest[STORE_HASH_LEN],
		 int64_t now)
{
	static const uint8_t empty[1] = {0};
	sqlite3_stmt *s = NULL;
	int own = 0, rv;

	if (seq == 0 || check_u63(seq) != BS_OK)
		return BS_E_SEQ;
	if (len > STORE_RECEIPT_MAX)
		return BS_E_TOOBIG;
	if (len > 0 && !receipt)
		return BS_E_INVAL;
	if ((rv = inner_begin(st, &own)) != BS_OK)
		return rv;
	if ((rv = device_advance(st, device_id, seq)) != BS_OK)
		goto out;
	if ((rv = prep(st, S_OP_ADD, &s)) != BS_OK)
		goto out;
	if (sqlite3_bind_int64(s, 1, device_id) || sqlite3_bind_int64(s, 2, (sqlite3_int64)seq) ||
	    sqlite3_bind_int(s, 3, status) ||
	    sqlite3_bind_blob(s, 4, len ? receipt : empty, (int)len, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 5, now) ||
	    (digest ? sqlite3_bind_blob(s, 6, digest, STORE_HASH_LEN, SQLITE_STATIC)
		    : sqlite3_bind_null(s, 6))) {
		rv = bind_fail(st);
		goto out;
	}
	rv = step_done(st, s);
out:
	done(s);
	return inner_end(st, own, rv);
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
	if ((rv = col_text(s, 0, tmp.kind, sizeof tmp.kind)) != BS_OK ||
	    (rv = col_text(s, 1, tmp.uid, sizeof tmp.uid)) != BS_OK)
		return rv;
	tmp.unit_id = sqlite3_column_int64(s, 2);
	tmp.rev = col_u64(s, 3);
	tmp.deleted = sqlite3_column_int(s, 4) != 0;
	tmp.updated_at = sqlite3_column_int64(s, 5);
	tmp.device_id = sqlite3_column_int64(s, 6); /* NULL reads as 0 */
	tmp.change_seq = col_u64(s, 7);
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
	int rv = check_uid(uid);
	if (rv != BS_OK) /* no record can have that uid */
		return uid ? BS_E_NOTFOUND : BS_E_INVAL;
	if ((rv = prep(st, S_RECORD_GET, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC)) {
		rv = bind_fail(st);
		goto out;
	}
	rv = step(st, s);
	if (rv == 0)
		rv = BS_E_NOTFOUND;
	else if (rv == 1)
		rv = record_row(s, out);
out:
	done(s);
	return rv;
}

static int next_change_seq(struct store *st, uint64_t *seq)
{
	sqlite3_stmt *s = NULL;
	int rv = prep(st, S_CHANGE_SEQ_NEXT, &s);
	if (rv != BS_OK)
		return rv;
	rv = step(st, s);
	if (rv == 1) {
		*seq = col_u64(s, 0);
		rv = step_done(st, s);
	} else if (rv == 0) {
		log_error("store: meta has no change_seq");
		rv = BS_E_DB;
	}
	done(s);
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
	if ((rv = prep(st, S_REF_ADD_IF_STORED, &s)) != BS_OK)
		return rv;
	for (i = 0; i < r->n_attachments && rv == BS_OK; i++) {
		if (sqlite3_bind_blob(s, 1, r->attachments[i], STORE_HASH_LEN, SQLITE_STATIC) ||
		    sqlite3_bind_int64(s, 2, r->unit_id) || sqlite3_bind_int64(s, 3, now)) {
			rv = bind_fail(st);
			break;
		}
		rv = step_done(st, s);
		sqlite3_reset(s);
	}
	done(s);
	return rv;
}

int store_record_put(struct store *st, struct record *r, int64_t device_id, int64_t now)
{
	static const uint8_t empty[1] = {0};
	sqlite3_stmt *s = NULL;
	uint64_t change_seq = 0, rev = 0;
	int own = 0, rv;

	if ((rv = check_kind(r->kind)) != BS_OK || (rv = check_uid(r->uid)) != BS_OK)
		return rv;
	if (r->data_len > STORE_DATA_MAX || r->n_attachments > STORE_ATTACH_MAX)
		return BS_E_TOOBIG;
	if ((r->data_len > 0 && !r->data) || (r->n_attachments > 0 && !r->attachments) ||
	    r->unit_id <= 0 || device_id < 0)
		return BS_E_INVAL;
	if ((rv = inner_begin(st, &own)) != BS_OK)
		return rv;
	if ((rv = next_change_seq(st, &change_seq)) != BS_OK ||
	    (rv = prep(st, S_RECORD_PUT, &s)) != BS_OK)
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
		rv = bind_fail(st);
		goto out;
	}
	rv = step(st, s);
	if (rv == 1) {
		rev = col_u64(s, 0);
		rv = step_done(st, s);
	} else if (rv == 0) {
		/* The uid is held by a record of another kind or unit. */
		log_error("store: refused to turn record %s into a %s of unit %lld: a record's "
			  "kind and owner never change", r->uid, r->kind, (long long)r->unit_id);
		rv = BS_E_FORBIDDEN;
	}
	if (rv == BS_OK)
		rv = attach_refs(st, r, now);
out:
	done(s);
	rv = inner_end(st, own, rv);
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

	if (check_u63(cursor) != BS_OK || limit == 0)
		return BS_OK; /* nothing can be newer */
	if (unit_id < 0)
		return BS_E_INVAL;
	rv = prep(st, unit_id > 0 ? S_RECORD_CHANGES_UNIT : S_RECORD_CHANGES_ALL, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, (sqlite3_int64)cursor) || sqlite3_bind_int64(s, 2, limit) ||
	    (unit_id > 0 && sqlite3_bind_int64(s, 3, unit_id))) {
		rv = bind_fail(st);
		goto out;
	}
	while ((rv = step(st, s)) == 1) {
		if ((rv = record_row(s, &r)) != BS_OK)
			break;
		rv = fn(ctx, &r);
		store_record_free(&r);
		if (rv != 0)
			break;
	}
out:
	done(s);
	return rv;
}

/* ---- attachments ---- */

int store_blob_get(struct store *st, const uint8_t hash[STORE_HASH_LEN], uint64_t *size)
{
	sqlite3_stmt *s = NULL;
	int rv = prep(st, S_BLOB_GET, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC)) {
		rv = bind_fail(st);
		goto out;
	}
	rv = step(st, s);
	if (rv == 0) {
		rv = BS_E_NOTFOUND;
	} else if (rv == 1) {
		*size = col_u64(s, 0);
		rv = BS_OK;
	}
out:
	done(s);
	return rv;
}

int store_blob_ref_has(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t unit_id)
{
	sqlite3_stmt *s = NULL;
	int rv = prep(st, S_REF_HAS, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 2, unit_id))
		rv = bind_fail(st);
	else
		rv = step(st, s); /* 1 for a row, 0 for none */
	done(s);
	return rv;
}

/* Run S_BLOB_ADD or S_REF_ADD: (hash, int64 b, now). */
static int hash_insert(struct store *st, enum sid id, const uint8_t hash[STORE_HASH_LEN],
		       int64_t b, int64_t now)
{
	sqlite3_stmt *s = NULL;
	int rv = prep(st, id, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 2, b) || sqlite3_bind_int64(s, 3, now))
		rv = bind_fail(st);
	else
		rv = step_done(st, s);
	done(s);
	return rv;
}

int store_blob_add(struct store *st, const uint8_t hash[STORE_HASH_LEN], uint64_t size,
		   int64_t unit_id, int64_t now)
{
	uint64_t have = 0;
	int own = 0, rv;

	if (check_u63(size) != BS_OK)
		return BS_E_TOOBIG;
	if ((rv = inner_begin(st, &own)) != BS_OK)
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
	return inner_end(st, own, rv);
}

int store_unit_usage(struct store *st, int64_t unit_id, uint64_t *bytes)
{
	sqlite3_stmt *s = NULL;
	int rv = prep(st, S_UNIT_USAGE, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, unit_id)) {
		rv = bind_fail(st);
		goto out;
	}
	rv = step(st, s);
	if (rv == 1) {
		*bytes = col_u64(s, 0);
		rv = BS_OK;
	} else if (rv == 0) {
		rv = BS_E_DB;
	}
out:
	done(s);
	return rv;
}

int store_upload_get(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t unit_id,
		     uint64_t *size, uint64_t *offset)
{
	sqlite3_stmt *s = NULL;
	int rv = prep(st, S_UPLOAD_GET, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 2, unit_id)) {
		rv = bind_fail(st);
		goto out;
	}
	rv = step(st, s);
	if (rv == 0) {
		rv = BS_E_NOTFOUND;
	} else if (rv == 1) {
		*size = col_u64(s, 0);
		*offset = col_u64(s, 1);
		rv = BS_OK;
	}
out:
	done(s);
	return rv;
}

int store_upload_set(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t unit_id,
		     uint64_t size, uint64_t offset, int64_t now)
{
	sqlite3_stmt *s = NULL;
	int rv;

	if ((rv = writable(st)) != BS_OK)
		return rv;
	if (check_u63(size) != BS_OK)
		return BS_E_TOOBIG;
	if (offset > size)
		return BS_E_INVAL;
	if ((rv = prep(st, S_UPLOAD_SET, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 2, unit_id) || sqlite3_bind_int64(s, 3, (sqlite3_int64)size) ||
	    sqlite3_bind_int64(s, 4, (sqlite3_int64)offset) || sqlite3_bind_int64(s, 5, now))
		rv = bind_fail(st);
	else
		rv = step_done(st, s);
	done(s);
	return rv;
}

int store_upload_delete(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t unit_id)
{
	sqlite3_stmt *s = NULL;
	int rv;

	if ((rv = writable(st)) != BS_OK)
		return rv;
	if ((rv = prep(st, S_UPLOAD_DELETE, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 2, unit_id))
		rv = bind_fail(st);
	else
		rv = step_done(st, s);
	done(s);
	return rv;
}

/* ---- audit trail ----
 *
 * The chain.  Row n of table audit (seq = n = 1, 2, 3 ...) holds
 *
 *   mac_n = BLAKE2b(outlen 32, key K, message prev_mac_n || ROW_n)
 *
 * where K is the 32-byte audit key (the whole file DB.audit-key) used as
 * BLAKE2b's key (RFC 7693 keyed mode; libsodium crypto_generichash with a
 * key), prev_mac_1 is 32 zero bytes and prev_mac_n = mac_(n-1).
 *
 * ROW_n, the canonical encoding of the row, is the concatenation of
 *
 *   STR("baosong-audit-v1")                              (domain tag)
 *   INT(seq) INT(at) INT(unit_id) INT(device_id) INT(role)
 *   STR(action) STR(kind) STR(subject)
 *   INT(rev)
 *   OPT(before) OPT(after) OPT(detail)
 *
 * for rows whose owner column is NULL (every row but record.put and
 * record.review ones, and those written before schema 5); a row with an
 * owner (the unit owning the record the row is about) is encoded as
 *
 *   STR("baosong-audit-v2") and the same fields, then INT(owner)
 *
 * with
 *   INT(v) = v as 8 bytes, big-endian (two's complement; all values here
 *            are >= 0);
 *   STR(b) = INT(number of bytes of b) || the bytes of b (text: its UTF-8
 *            bytes as stored, no terminating NUL);
 *   OPT(b) = STR(b) when the column holds a value (an empty one included),
 *            and for SQL NULL the 8 bytes FF FF FF FF FF FF FF FF alone.
 *
 * Every value is the column's stored value, so a verifier needs only the
 * table and the key: walk rows by seq; seq must go 1, 2, 3 ...; each
 * prev_mac must equal the previous row's mac (zeros for the first); each
 * mac must equal the formula over the row's own prev_mac and columns.
 * (In Python: hashlib.blake2b(prev_mac + ROW, key=K, digest_size=32);
 * tests/integration/test_admin.sh checks a trail that way.) */

#define AUDIT_TAG "baosong-audit-v1"
#define AUDIT_TAG_OWNER "baosong-audit-v2"
#define AUDIT_KEY_SUFFIX ".audit-key"

/* One row's covered fields, as bytes; has_* is 0 for SQL NULL. */
struct audit_raw {
	uint64_t seq;
	int64_t at, unit_id, device_id, role;
	const void *action, *kind, *subject;
	size_t action_len, kind_len, subject_len;
	uint64_t rev;
	const void *before, *after, *detail;
	size_t before_len, after_len, detail_len;
	int has_before, has_after, has_detail;
	int64_t owner;                /* 0: NULL */
};

static void mac_int(crypto_generichash_state *h, uint64_t v)
{
	uint8_t b[8];
	int i;
	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
	crypto_generichash_update(h, b, sizeof b);
}

static void mac_str(crypto_generichash_state *h, const void *p, size_t n)
{
	mac_int(h, (uint64_t)n);
	if (n > 0)
		crypto_generichash_update(h, p, n);
}

static void mac_opt(crypto_generichash_state *h, int has, const void *p, size_t n)
{
	if (has)
		mac_str(h, p, n);
	else
		mac_int(h, UINT64_MAX);
}

/* mac = BLAKE2b-256(key, prev || ROW(r)), as documented above. */
static void audit_mac(const uint8_t key[STORE_AUDIT_KEY_LEN], const uint8_t prev[STORE_HASH_LEN],
		      const struct audit_raw *r, uint8_t mac[STORE_HASH_LEN])
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, key, STORE_AUDIT_KEY_LEN, STORE_HASH_LEN);
	crypto_generichash_update(&h, prev, STORE_HASH_LEN);
	if (r->owner > 0)
		mac_str(&h, AUDIT_TAG_OWNER, strlen(AUDIT_TAG_OWNER));
	else
		mac_str(&h, AUDIT_TAG, strlen(AUDIT_TAG));
	mac_int(&h, r->seq);
	mac_int(&h, (uint64_t)r->at);
	mac_int(&h, (uint64_t)r->unit_id);
	mac_int(&h, (uint64_t)r->device_id);
	mac_int(&h, (uint64_t)r->role);
	mac_str(&h, r->action, r->action_len);
	mac_str(&h, r->kind, r->kind_len);
	mac_str(&h, r->subject, r->subject_len);
	mac_int(&h, r->rev);
	mac_opt(&h, r->has_before, r->before, r->before_len);
	mac_opt(&h, r->has_after, r->after, r->after_len);
	mac_opt(&h, r->has_detail, r->detail, r->detail_len);
	if (r->owner > 0)
		mac_int(&h, (uint64_t)r->owner);
	crypto_generichash_final(&h, mac, STORE_HASH_LEN);
	sodium_memzero(&h, sizeof h);
}

/* ---- the key file ---- */

/* "<db_path>.audit-key", malloc'd; NULL when out of memory. */
static char *audit_key_path(const char *db_path)
{
	size_t n = strlen(db_path);
	char *p = malloc(n + sizeof AUDIT_KEY_SUFFIX);
	if (p) {
		memcpy(p, db_path, n);
		memcpy(p + n, AUDIT_KEY_SUFFIX, sizeof AUDIT_KEY_SUFFIX);
	}
	return p;
}

/* fsync the directory that holds path. */
static int fsync_parent(const char *path)
{
	char *dir = strdup(path), *slash;
	int rv;
	if (!dir)
		return BS_E_NOMEM;
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	rv = fsync_path(slash ? dir : ".", 1);
	free(dir);
	return rv;
}

/* Read the key: BS_E_NOTFOUND if there is no file, BS_E_KEYPERM if group or
 * others have any access to it, BS_E_INVAL unless it is 32 bytes. */
static int audit_key_read(const char *path, uint8_t key[STORE_AUDIT_KEY_LEN])
{
	uint8_t buf[STORE_AUDIT_KEY_LEN];
	struct stat sb;
	size_t got = 0;
	ssize_t n;
	int fd, rv;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return BS_E_NOTFOUND;
		log_error("store: cannot open audit key %s: %s", path, strerror(errno));
		return errno == EACCES ? BS_E_KEYPERM : BS_E_IO;
	}
	if (fstat(fd, &sb) != 0) {
		log_error("store: audit key %s: %s", path, strerror(errno));
		rv = BS_E_IO;
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		log_error("store: audit key %s is not a regular file", path);
		rv = BS_E_INVAL;
		goto out;
	}
	if ((sb.st_mode & 077) != 0) {
		log_error("store: audit key %s is open to group or others (mode %03o): "
			  "chmod 600 %s", path, (unsigned)(sb.st_mode & 0777), path);
		rv = BS_E_KEYPERM;
		goto out;
	}
	if (sb.st_size != STORE_AUDIT_KEY_LEN) {
		log_error("store: audit key %s holds %lld bytes, %d expected", path,
			  (long long)sb.st_size, STORE_AUDIT_KEY_LEN);
		rv = BS_E_INVAL;
		goto out;
	}
	while (got < sizeof buf) {
		n = read(fd, buf + got, sizeof buf - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_error("store: cannot read audit key %s: %s", path,
				  n < 0 ? strerror(errno) : "short file");
			rv = BS_E_IO;
			goto out;
		}
		got += (size_t)n;
	}
	memcpy(key, buf, sizeof buf);
	rv = BS_OK;
out:
	sodium_memzero(buf, sizeof buf);
	close(fd);
	return rv;
}

/* Create path holding key, mode 0600, never over an existing file
 * (BS_E_CONFLICT then).  It is written and fsynced under a temporary name
 * made with O_EXCL, then linked into place, so nobody reads half a key;
 * the directory is fsynced.  BS_E_IO on failure (logged). */
static int audit_key_write(const char *path, const uint8_t key[STORE_AUDIT_KEY_LEN])
{
	char *tmp = NULL;
	size_t len = strlen(path) + 32, done_n = 0;
	ssize_t n;
	int fd = -1, rv = BS_E_IO, tries;

	if (!(tmp = malloc(len)))
		return BS_E_NOMEM;
	for (tries = 0; tries < 2; tries++) {
		snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
		unlink(tmp); /* left by a crashed process that had our pid */
	}
	if (fd < 0) {
		log_error("store: cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	while (done_n < STORE_AUDIT_KEY_LEN) {
		n = write(fd, key + done_n, STORE_AUDIT_KEY_LEN - done_n);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_error("store: cannot write %s: %s", tmp, strerror(errno));
			goto fail;
		}
		done_n += (size_t)n;
	}
	if (fsync(fd) != 0) {
		log_error("store: cannot fsync %s: %s", tmp, strerror(errno));
		goto fail;
	}
	close(fd);
	fd = -1;
	if (link(tmp, path) != 0) {
		if (errno == EEXIST)
			rv = BS_E_CONFLICT;
		else
			log_error("store: cannot create %s: %s", path, strerror(errno));
		goto fail;
	}
	unlink(tmp);
	rv = fsync_parent(path);
	if (rv != BS_OK)
		log_error("store: cannot fsync the directory of %s", path);
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	return rv;
}

/* Whether the trail has any row: 1, 0, or <0. */
static int audit_any(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int rv = prep(st, S_AUDIT_ANY, &s);
	if (rv != BS_OK)
		return rv;
	rv = step(st, s);
	if (rv == 1)
		rv = sqlite3_column_int(s, 0) != 0;
	else if (rv == 0)
		rv = BS_E_DB;
	done(s);
	return rv;
}

/* Load the key into st, making it first when a read-write open finds none
 * and the trail is empty. */
static int audit_key_setup(struct store *st, const char *db_path)
{
	uint8_t fresh[STORE_AUDIT_KEY_LEN];
	char *path = audit_key_path(db_path);
	int rv;

	if (!path)
		return BS_E_NOMEM;
	rv = audit_key_read(path, st->audit_key);
	if (rv != BS_E_NOTFOUND)
		goto out;
	if (st->readonly) {
		log_error("store: audit key %s is missing: the audit trail cannot be checked "
			  "without it (a read-write open such as baosongd init makes it for a new "
			  "database; otherwise restore it from a backup)", path);
		goto out;
	}
	if ((rv = audit_any(st)) != 0) {
		if (rv == 1) {
			log_error("store: audit key %s is missing but the database holds an "
				  "audit trail: restore the key from a backup (a new key would "
				  "fail every row)", path);
			rv = BS_E_NOTFOUND;
		}
		goto out;
	}
	randombytes_buf(fresh, sizeof fresh);
	rv = audit_key_write(path, fresh);
	if (rv == BS_OK) {
		memcpy(st->audit_key, fresh, sizeof fresh);
		log_info("store: created audit key %s (keep it with every backup)", path);
	} else if (rv == BS_E_CONFLICT) {
		rv = audit_key_read(path, st->audit_key); /* another process was first */
	}
out:
	sodium_memzero(fresh, sizeof fresh);
	free(path);
	return rv;
}

/* ---- append ---- */

static int check_audit_entry(const struct audit_entry *e)
{
	const char *kind = e->kind ? e->kind : "";
	const char *subject = e->subject ? e->subject : "";
	int rv;

	if ((rv = check_ascii(e->action, STORE_AUDIT_ACTION_MAX, "._-", 0)) != BS_OK)
		return rv;
	if (*kind && (rv = check_kind(kind)) != BS_OK)
		return rv;
	if ((rv = check_utf8(subject, STORE_AUDIT_SUBJECT_MAX, 1)) != BS_OK)
		return rv;
	if (e->detail &&
	    (rv = check_utf8_text(e->detail, STORE_AUDIT_DETAIL_MAX, 1, 1)) != BS_OK)
		return rv;
	if (e->before_len > STORE_AUDIT_STATE_MAX || e->after_len > STORE_AUDIT_STATE_MAX)
		return BS_E_TOOBIG;
	if ((e->before_len > 0 && !e->before) || (e->after_len > 0 && !e->after))
		return BS_E_INVAL;
	if (e->role < 0 || e->role > ROLE_ADMIN || e->unit_id < 0 || e->device_id < 0 ||
	    e->owner < 0 || check_u63(e->rev) != BS_OK)
		return BS_E_INVAL;
	return BS_OK;
}

/* The newest row's seq and mac, or 0 and zeros. */
static int audit_last(struct store *st, uint64_t *seq, uint8_t mac[STORE_HASH_LEN])
{
	sqlite3_stmt *s = NULL;
	int rv = prep(st, S_AUDIT_LAST, &s);
	if (rv != BS_OK)
		return rv;
	rv = step(st, s);
	if (rv == 0) {
		*seq = 0;
		memset(mac, 0, STORE_HASH_LEN);
	} else if (rv == 1) {
		*seq = col_u64(s, 0);
		rv = col_fixed(s, 1, mac, STORE_HASH_LEN);
	}
	done(s);
	return rv;
}

int store_audit_append(struct store *st, const struct audit_entry *e)
{
	static const uint8_t empty[1] = {0};
	struct audit_raw r;
	sqlite3_stmt *s = NULL;
	uint8_t prev[STORE_HASH_LEN], mac[STORE_HASH_LEN];
	uint64_t last = 0;
	int own = 0, rv;

	if (!e)
		return BS_E_INVAL;
	if ((rv = check_audit_entry(e)) != BS_OK)
		return rv;
	memset(&r, 0, sizeof r);
	r.at = e->at;
	r.unit_id = e->unit_id;
	r.device_id = e->device_id;
	r.role = e->role;
	r.action = e->action;
	r.action_len = strlen(e->action);
	r.kind = e->kind ? e->kind : "";
	r.kind_len = strlen(r.kind);
	r.subject = e->subject ? e->subject : "";
	r.subject_len = strlen(r.subject);
	r.rev = e->rev;
	r.has_before = e->before != NULL;
	r.before = e->before_len ? (const void *)e->before : empty;
	r.before_len = e->before_len;
	r.has_after = e->after != NULL;
	r.after = e->after_len ? (const void *)e->after : empty;
	r.after_len = e->after_len;
	r.has_detail = e->detail != NULL;
	r.detail = e->detail ? e->detail : "";
	r.detail_len = strlen(r.detail);
	r.owner = e->owner;

	if ((rv = inner_begin(st, &own)) != BS_OK)
		return rv;
	if ((rv = audit_last(st, &last, prev)) != BS_OK)
		goto out;
	if (last >= (uint64_t)INT64_MAX) {
		rv = BS_E_DB;
		goto out;
	}
	r.seq = last + 1;
	audit_mac(st->audit_key, prev, &r, mac);
	if ((rv = prep(st, S_AUDIT_ADD, &s)) != BS_OK)
		goto out;
	if (sqlite3_bind_int64(s, 1, (sqlite3_int64)r.seq) || sqlite3_bind_int64(s, 2, r.at) ||
	    sqlite3_bind_int64(s, 3, r.unit_id) || sqlite3_bind_int64(s, 4, r.device_id) ||
	    sqlite3_bind_int64(s, 5, r.role) ||
	    sqlite3_bind_text(s, 6, r.action, (int)r.action_len, SQLITE_STATIC) ||
	    sqlite3_bind_text(s, 7, r.kind, (int)r.kind_len, SQLITE_STATIC) ||
	    sqlite3_bind_text(s, 8, r.subject, (int)r.subject_len, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 9, (sqlite3_int64)r.rev) ||
	    (r.has_before ? sqlite3_bind_blob(s, 10, r.before, (int)r.before_len, SQLITE_STATIC)
			  : sqlite3_bind_null(s, 10)) ||
	    (r.has_after ? sqlite3_bind_blob(s, 11, r.after, (int)r.after_len, SQLITE_STATIC)
			 : sqlite3_bind_null(s, 11)) ||
	    (r.has_detail ? sqlite3_bind_text(s, 12, r.detail, (int)r.detail_len, SQLITE_STATIC)
			  : sqlite3_bind_null(s, 12)) ||
	    sqlite3_bind_blob(s, 13, prev, STORE_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_blob(s, 14, mac, STORE_HASH_LEN, SQLITE_STATIC) ||
	    (r.owner > 0 ? sqlite3_bind_int64(s, 15, r.owner) : sqlite3_bind_null(s, 15))) {
		rv = bind_fail(st);
		goto out;
	}
	rv = step_done(st, s);
out:
	done(s);
	return inner_end(st, own, rv);
}

/* ---- reading rows ---- */

/* A column's bytes (text or blob) and whether it is not NULL. */
static const void *col_bytes(sqlite3_stmt *s, int i, size_t *len, int *has)
{
	static const uint8_t empty[1] = {0};
	const void *p;
	int n;

	*has = sqlite3_column_type(s, i) != SQLITE_NULL;
	p = sqlite3_column_type(s, i) == SQLITE_TEXT ? (const void *)sqlite3_column_text(s, i)
						      : sqlite3_column_blob(s, i);
	n = sqlite3_column_bytes(s, i);
	*len = n > 0 ? (size_t)n : 0;
	return p && n > 0 ? p : empty;
}

/* Fill r from a row of AUDIT_COLS. */
static void audit_row(sqlite3_stmt *s, struct audit_raw *r)
{
	int has;
	memset(r, 0, sizeof *r);
	r->seq = col_u64(s, 0);
	r->at = sqlite3_column_int64(s, 1);
	r->unit_id = sqlite3_column_int64(s, 2);
	r->device_id = sqlite3_column_int64(s, 3);
	r->role = sqlite3_column_int64(s, 4);
	r->action = col_bytes(s, 5, &r->action_len, &has);
	r->kind = col_bytes(s, 6, &r->kind_len, &has);
	r->subject = col_bytes(s, 7, &r->subject_len, &has);
	r->rev = (uint64_t)sqlite3_column_int64(s, 8);
	r->before = col_bytes(s, 9, &r->before_len, &r->has_before);
	r->after = col_bytes(s, 10, &r->after_len, &r->has_after);
	r->detail = col_bytes(s, 11, &r->detail_len, &r->has_detail);
	/* NULL reads as 0; a stored value <= 0 is refused by the schema. */
	r->owner = sqlite3_column_int64(s, 12);
}

int store_audit_each(struct store *st, const char *subject, uint64_t limit,
		     int (*fn)(void *ctx, uint64_t seq, const struct audit_entry *e),
		     void *ctx)
{
	struct audit_entry e;
	sqlite3_stmt *s = NULL;
	int rv;

	if (!fn)
		return BS_E_INVAL;
	if (subject && check_utf8(subject, STORE_AUDIT_SUBJECT_MAX, 1) != BS_OK)
		return BS_OK; /* no row can have that subject */
	rv = prep(st, subject ? S_AUDIT_LIST_SUBJECT : S_AUDIT_LIST, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, limit == 0 || check_u63(limit) != BS_OK
					     ? -1 : (sqlite3_int64)limit) ||
	    (subject && sqlite3_bind_text(s, 2, subject, -1, SQLITE_STATIC))) {
		rv = bind_fail(st);
		goto out;
	}
	while ((rv = step(st, s)) == 1) {
		struct audit_raw r;
		/* The text columns come from sqlite3_column_text (NUL-terminated)
		 * or, when empty, col_bytes' static empty string. */
		audit_row(s, &r);
		memset(&e, 0, sizeof e);
		e.at = r.at;
		e.unit_id = r.unit_id;
		e.device_id = r.device_id;
		e.role = (int)r.role;
		e.action = r.action;
		e.kind = r.kind;
		e.subject = r.subject;
		e.rev = r.rev;
		e.before = r.has_before ? r.before : NULL;
		e.before_len = r.before_len;
		e.after = r.has_after ? r.after : NULL;
		e.after_len = r.after_len;
		e.detail = r.has_detail ? r.detail : NULL;
		e.owner = r.owner;
		if ((rv = fn(ctx, r.seq, &e)) != 0)
			break;
	}
out:
	done(s);
	return rv;
}

int store_audit_head(struct store *st, uint64_t *seq, uint8_t mac[STORE_HASH_LEN])
{
	uint8_t m[STORE_HASH_LEN];
	uint64_t n = 0;
	int rv = audit_last(st, &n, m);
	if (rv == BS_OK) {
		*seq = n;
		memcpy(mac, m, sizeof m);
	}
	return rv;
}

/* ---- verify ---- */

struct audit_check {
	void (*bad)(void *ctx, uint64_t seq, const char *why);
	void *ctx;
	uint64_t problems;
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void report(struct audit_check *c, uint64_t seq, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	c->problems++;
	if (!c->bad)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	c->bad(c->ctx, seq, why);
}

/* Walk the chain in seq order, one row in memory at a time. */
static int audit_walk(struct store *st, struct audit_check *c, uint64_t *rows)
{
	sqlite3_stmt *s = NULL;
	uint8_t prev[STORE_HASH_LEN], mac[STORE_HASH_LEN];
	uint64_t n = 0, expect = 1, last = 0, mac_bad = 0, links_bad = 0;
	int rv;

	memset(prev, 0, sizeof prev);
	if ((rv = prep(st, S_AUDIT_WALK, &s)) != BS_OK)
		return rv;
	while ((rv = step(st, s)) == 1) {
		struct audit_raw r;
		const void *row_prev = sqlite3_column_blob(s, 13);
		const void *row_mac = sqlite3_column_blob(s, 14);
		int prev_n = sqlite3_column_bytes(s, 13), mac_n = sqlite3_column_bytes(s, 14);

		audit_row(s, &r);
		n++;
		if (r.seq != expect) {
			links_bad++;
			if (r.seq > expect + 1)
				report(c, r.seq, "rows %llu..%llu are missing (deleted)",
				       (unsigned long long)expect, (unsigned long long)(r.seq - 1));
			else
				report(c, r.seq, "row %llu is missing (deleted)",
				       (unsigned long long)expect);
		}
		if (!row_prev || !row_mac || prev_n != STORE_HASH_LEN || mac_n != STORE_HASH_LEN) {
			report(c, r.seq, "row damaged: prev_mac/mac are not 32 bytes");
			mac_bad++;
			links_bad++;
			memset(prev, 0xff, sizeof prev); /* the next row cannot chain to it */
			expect = r.seq + 1;
			last = r.seq;
			continue;
		}
		if (sodium_memcmp(row_prev, prev, STORE_HASH_LEN) != 0) {
			links_bad++;
			if (last == 0)
				report(c, r.seq, "chain broken: the first row's prev_mac is not "
				       "zero (rows before it deleted, or it was inserted)");
			else
				report(c, r.seq, "chain broken: prev_mac differs from the mac of "
				       "row %llu (a row deleted, inserted or reordered here)",
				       (unsigned long long)last);
		}
		audit_mac(st->audit_key, row_prev, &r, mac);
		if (sodium_memcmp(mac, row_mac, STORE_HASH_LEN) != 0) {
			report(c, r.seq, "row altered: its mac does not match its contents "
			       "(edited, moved from another seq, or written without the key)");
			mac_bad++;
		}
		memcpy(prev, row_mac, STORE_HASH_LEN);
		expect = r.seq + 1;
		last = r.seq;
	}
	done(s);
	if (rv < 0)
		return rv;
	/* Every mac wrong while every link holds: not an edit but another key. */
	if (n > 1 && mac_bad == n && links_bad == 0)
		report(c, 0, "no row's mac matches although the chain links hold: this is "
			     "not the key the trail was written with (DB%s)", AUDIT_KEY_SUFFIX);
	*rows = n;
	return BS_OK;
}

/* Each record against the newest record.put/record.review row of its uid. */
static int audit_check_records(struct store *st, struct audit_check *c)
{
	sqlite3_stmt *s = NULL, *a = NULL;
	int rv;

	if ((rv = prep(st, S_RECORD_ALL, &s)) != BS_OK ||
	    (rv = prep(st, S_AUDIT_NEWEST_RECORD, &a)) != BS_OK)
		goto out;
	while ((rv = step(st, s)) == 1) {
		const unsigned char *uid = sqlite3_column_text(s, 0);
		const unsigned char *kind = sqlite3_column_text(s, 3);
		int64_t owner = sqlite3_column_int64(s, 4);
		uint64_t rev = col_u64(s, 1), arow, arev;
		size_t data_n, after_n;
		const void *data, *after;
		int has, r;

		if (!uid)
			continue; /* NOT NULL in the schema */
		data = col_bytes(s, 2, &data_n, &has);
		if (sqlite3_bind_text(a, 1, (const char *)uid, -1, SQLITE_STATIC)) {
			rv = bind_fail(st);
			goto out;
		}
		r = step(st, a);
		if (r < 0) {
			rv = r;
			goto out;
		}
		if (r == 0) {
			report(c, 0, "record %s (rev %llu) has no audit row: written behind the "
				     "audit trail", (const char *)uid, (unsigned long long)rev);
		} else {
			arow = col_u64(a, 0);
			arev = col_u64(a, 1);
			after = col_bytes(a, 2, &after_n, &has);
			if (arev != rev)
				report(c, 0, "record %s is at rev %llu but its newest audit "
				       "row (seq %llu) says rev %llu: changed behind the audit "
				       "trail", (const char *)uid, (unsigned long long)rev,
				       (unsigned long long)arow, (unsigned long long)arev);
			if (after_n != data_n || memcmp(after, data, data_n) != 0)
				report(c, 0, "record %s: its data differs from its newest "
				       "audit row (seq %llu): edited behind the audit trail",
				       (const char *)uid, (unsigned long long)arow);
			{
				const unsigned char *akind = sqlite3_column_text(a, 3);
				int64_t aowner = sqlite3_column_int64(a, 4);
				if (!kind || !akind || strcmp((const char *)kind,
							      (const char *)akind) != 0)
					report(c, 0, "record %s is a %s but its newest audit row "
					       "(seq %llu) says %s: its kind was changed",
					       (const char *)uid, kind ? (const char *)kind : "?",
					       (unsigned long long)arow,
					       akind ? (const char *)akind : "?");
				if (sqlite3_column_type(a, 4) != SQLITE_NULL && aowner != owner)
					report(c, 0, "record %s belongs to unit %lld but its newest "
					       "audit row (seq %llu) says unit %lld: its owner was "
					       "changed", (const char *)uid, (long long)owner,
					       (unsigned long long)arow, (long long)aowner);
			}
		}
		done(a);
	}
out:
	done(a);
	done(s);
	return rv < 0 ? rv : BS_OK;
}

/* Over every record's history (its record.put / record.review rows, whose
 * columns the chain walk has just authenticated): one kind, one owner. */
static int audit_check_history(struct store *st, struct audit_check *c)
{
	sqlite3_stmt *s = NULL;
	int rv = prep(st, S_AUDIT_MIXED, &s);
	if (rv != BS_OK)
		return rv;
	while ((rv = step(st, s)) == 1) {
		const unsigned char *uid = sqlite3_column_text(s, 0);
		const unsigned char *kinds = sqlite3_column_text(s, 1);
		const unsigned char *owners = sqlite3_column_text(s, 3);
		uint64_t last = col_u64(s, 5);
		if (sqlite3_column_int64(s, 2) > 1)
			report(c, last, "record %s changed kind over its history (%s): a "
			       "record's kind never changes", uid ? (const char *)uid : "?",
			       kinds ? (const char *)kinds : "?");
		if (sqlite3_column_int64(s, 4) > 1)
			report(c, last, "record %s changed owner over its history (units %s): "
			       "a record's owner never changes", uid ? (const char *)uid : "?",
			       owners ? (const char *)owners : "?");
	}
	done(s);
	return rv < 0 ? rv : BS_OK;
}

int store_audit_verify(struct store *st, uint64_t *rows, uint64_t *problems,
		       void (*bad)(void *ctx, uint64_t seq, const char *why), void *ctx)
{
	struct audit_check c = {bad, ctx, 0};
	uint64_t n = 0;
	int own, rv;

	/* One snapshot for both passes, so a running server's appends do not
	 * show up as mismatches. */
	own = sqlite3_get_autocommit(st->db);
	if (own && (rv = exec_cached(st, S_BEGIN_READ)) != BS_OK)
		return rv;
	rv = audit_walk(st, &c, &n);
	if (rv == BS_OK)
		rv = audit_check_records(st, &c);
	if (rv == BS_OK)
		rv = audit_check_history(st, &c);
	if (own && !sqlite3_get_autocommit(st->db))
		exec_cached(st, S_ROLLBACK);
	if (rv != BS_OK)
		return rv;
	if (rows)
		*rows = n;
	if (problems)
		*problems = c.problems;
	return BS_OK;
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
