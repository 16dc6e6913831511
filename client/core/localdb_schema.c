/* localdb_schema.c - the local database's schema, as the numbered
 * migrations localdb.c applies in order (PRAGMA user_version counts those
 * applied; a new schema change is a new entry at the end, an entry that
 * shipped is never edited), and the SQL of the statements localdb*.c
 * prepare, by id (localdb_int.h). */
#include "localdb_int.h"

const char *const ldb_migrations[] = {
	/* 1: the first schema. */
	"CREATE TABLE meta(\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL);\n"
	"CREATE TABLE record(\n"
	"  uid TEXT PRIMARY KEY,\n"
	"  kind TEXT NOT NULL,\n"
	"  unit_id INTEGER NOT NULL,\n"
	"  rev INTEGER NOT NULL DEFAULT 0,\n"
	"  deleted INTEGER NOT NULL DEFAULT 0,\n"
	"  updated_at INTEGER NOT NULL,\n"
	"  data BLOB NOT NULL,\n"
	"  attachments BLOB NOT NULL);\n"
	"CREATE INDEX record_order ON record(kind, updated_at, uid);\n"
	"CREATE TABLE outbox(\n"
	"  seq INTEGER PRIMARY KEY,\n"
	"  kind TEXT NOT NULL,\n"
	"  uid TEXT NOT NULL,\n"
	"  base_rev INTEGER NOT NULL,\n"
	"  deleted INTEGER NOT NULL,\n"
	"  data BLOB NOT NULL,\n"
	"  attachments BLOB NOT NULL,\n"
	"  created_at INTEGER NOT NULL,\n"
	"  state INTEGER NOT NULL DEFAULT 0,\n"
	"  error_code INTEGER NOT NULL DEFAULT 0,\n"
	"  error_msg TEXT NOT NULL DEFAULT '');\n"
	"CREATE INDEX outbox_uid ON outbox(uid, state);\n"
	"CREATE INDEX outbox_state ON outbox(state, seq);\n"
	"CREATE TABLE outbox_attachment(\n"
	"  seq INTEGER NOT NULL REFERENCES outbox(seq) ON DELETE CASCADE,\n"
	"  hash BLOB NOT NULL,\n"
	"  PRIMARY KEY(seq, hash)) WITHOUT ROWID;\n"
	"CREATE INDEX outbox_attachment_hash ON outbox_attachment(hash);\n"
	"CREATE TABLE conflict(\n"
	"  seq INTEGER PRIMARY KEY,\n"
	"  kind TEXT NOT NULL,\n"
	"  uid TEXT NOT NULL,\n"
	"  mine BLOB NOT NULL,\n"
	"  server_rev INTEGER NOT NULL,\n"
	"  theirs BLOB NOT NULL,\n"
	"  created_at INTEGER NOT NULL);\n"
	"CREATE TABLE file(\n"
	"  hash BLOB PRIMARY KEY,\n"
	"  path TEXT NOT NULL,\n"
	"  size INTEGER NOT NULL,\n"
	"  uploaded INTEGER NOT NULL DEFAULT 0);\n"
	"INSERT INTO meta(key, value) VALUES('next_seq', '1');\n",
	/* 2: the server's review state of each record (审核: submitted,
	 * returned with a comment, approved) and when it first arrived. */
	"ALTER TABLE record ADD COLUMN review_status INTEGER NOT NULL DEFAULT 0;\n"
	"ALTER TABLE record ADD COLUMN review_comment TEXT NOT NULL DEFAULT '';\n"
	"ALTER TABLE record ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;\n"
	"ALTER TABLE record ADD COLUMN reviewed_at INTEGER NOT NULL DEFAULT 0;\n"
	"ALTER TABLE record ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;\n",
	/* 3: the server's copy of each record (what the county holds, so a
	 * refused change can be put back and a wrong local copy repaired), the
	 * data each op was based on (for the field-by-field merge), and the
	 * base of each conflict (NULL: the whole record conflicts). */
	"ALTER TABLE record ADD COLUMN srv_rev INTEGER NOT NULL DEFAULT 0;\n"
	"ALTER TABLE record ADD COLUMN srv_deleted INTEGER NOT NULL DEFAULT 0;\n"
	"ALTER TABLE record ADD COLUMN srv_data BLOB;\n"
	"ALTER TABLE record ADD COLUMN srv_attachments BLOB;\n"
	"UPDATE record SET srv_rev = rev, srv_deleted = deleted, srv_data = data, "
	"srv_attachments = attachments WHERE rev > 0 AND NOT EXISTS "
	"(SELECT 1 FROM outbox o WHERE o.uid = record.uid);\n"
	"ALTER TABLE outbox ADD COLUMN base_data BLOB;\n"
	"ALTER TABLE outbox ADD COLUMN base_attachments BLOB;\n"
	"ALTER TABLE conflict ADD COLUMN base BLOB;\n",
	/* 4: when the server first held a report complete (the assessment's
	 * on-time rule). */
	"ALTER TABLE record ADD COLUMN complete_at INTEGER NOT NULL DEFAULT 0;\n",
};

const size_t ldb_n_migrations = sizeof ldb_migrations / sizeof ldb_migrations[0];

#define REC_COLS                                                                   \
	"r.uid, r.kind, r.unit_id, r.rev, r.deleted, r.updated_at, r.data, "       \
	"r.attachments, (SELECT COUNT(*) FROM outbox o WHERE o.uid = r.uid AND "   \
	"o.state = 0), r.review_status, r.review_comment, r.created_at, "          \
	"r.reviewed_at, r.locked, (SELECT COUNT(*) FROM outbox o WHERE "           \
	"o.uid = r.uid AND o.state = 1), (SELECT COUNT(*) FROM conflict c WHERE "  \
	"c.uid = r.uid), r.complete_at"
#define OP_COLS                                                                    \
	"seq, kind, uid, base_rev, deleted, data, attachments, created_at, state, " \
	"error_code, error_msg, base_data, base_attachments"
#define CF_COLS "seq, kind, uid, mine, server_rev, theirs, created_at, base"

const char *const ldb_stmt_sql[S__COUNT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_SAVEPOINT] = "SAVEPOINT localdb_op",
	[S_RELEASE] = "RELEASE localdb_op",
	[S_ROLLBACK_TO] = "ROLLBACK TO localdb_op",
	[S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[S_META_SET] = "INSERT INTO meta(key, value) VALUES(?1, ?2) "
		       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	/* Stamps are below 2^63 ns (year 2262), so integer arithmetic holds. */
	[S_META_HELLO] = "INSERT INTO meta(key, value) VALUES('last_hello_ns', ?1) "
			 "ON CONFLICT(key) DO UPDATE SET value = "
			 "max(CAST(value AS INTEGER) + 1, CAST(excluded.value AS INTEGER)) "
			 "RETURNING CAST(value AS INTEGER)",
	[S_REC_GET] = "SELECT " REC_COLS " FROM record r WHERE r.uid = ?1",
	[S_REC_EACH] = "SELECT " REC_COLS " FROM record r "
		       "WHERE (?1 IS NULL OR r.kind = ?1) AND (?2 OR r.deleted = 0) "
		       "ORDER BY r.kind, r.updated_at, r.uid",
	/* The same, only records whose data holds the bytes ?3 (instr on a
	 * blob compares bytes); the counts are computed for those alone.  A
	 * plain pass over the table in storage order (NOT INDEXED): when most
	 * rows are skipped it is several times cheaper than a lookup per row
	 * from the kind index (bench_ui: 16 against 40 ms for a year of
	 * 500 projects' weekly reports); the few kept are sorted. */
	[S_REC_EACH_WITH] = "SELECT " REC_COLS " FROM record r NOT INDEXED "
			    "WHERE r.kind = ?1 AND (?2 OR r.deleted = 0) "
			    "AND instr(r.data, ?3) > 0 ORDER BY r.kind, r.updated_at, r.uid",
	/* rev and kind are NULL for a record this device does not hold. */
	[S_REC_HEAD] = "SELECT (SELECT rev FROM record WHERE uid = ?1), "
		       "(SELECT kind FROM record WHERE uid = ?1), "
		       "(SELECT COUNT(*) FROM outbox WHERE uid = ?1 AND state = 0), "
		       "(SELECT COUNT(*) FROM outbox WHERE uid = ?1 AND state = 1)",
	/* A local change keeps the server rev and the unit of a known record. */
	[S_REC_LOCAL] = "INSERT INTO record(uid, kind, unit_id, rev, deleted, updated_at, data, "
			"attachments) VALUES(?1, ?2, ?3, 0, ?4, ?5, ?6, ?7) "
			"ON CONFLICT(uid) DO UPDATE SET deleted = excluded.deleted, "
			"updated_at = excluded.updated_at, data = excluded.data, "
			"attachments = excluded.attachments",
	[S_REC_SERVER] = "INSERT INTO record(uid, kind, unit_id, rev, deleted, updated_at, data, "
			 "attachments, review_status, review_comment, created_at, reviewed_at, "
			 "locked, srv_rev, srv_deleted, srv_data, srv_attachments, complete_at) "
			 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?4, ?5, "
			 "?7, ?8, ?14) "
			 "ON CONFLICT(uid) DO UPDATE SET kind = excluded.kind, "
			 "unit_id = excluded.unit_id, rev = excluded.rev, "
			 "deleted = excluded.deleted, updated_at = excluded.updated_at, "
			 "data = excluded.data, attachments = excluded.attachments, "
			 "review_status = excluded.review_status, "
			 "review_comment = excluded.review_comment, "
			 "created_at = excluded.created_at, reviewed_at = excluded.reviewed_at, "
			 "locked = excluded.locked, srv_rev = excluded.rev, "
			 "srv_deleted = excluded.deleted, srv_data = excluded.data, "
			 "srv_attachments = excluded.attachments, complete_at = excluded.complete_at",
	[S_REC_RAISE] = "UPDATE record SET rev = ?2 WHERE uid = ?1 AND rev < ?2",
	/* The server's rev and review state, local data kept; never from a
	 * version older than the one held. */
	[S_REC_REVIEW] = "UPDATE record SET rev = ?2, review_status = ?3, review_comment = ?4, "
			 "created_at = ?5, reviewed_at = ?6, locked = ?7, complete_at = ?8 "
			 "WHERE uid = ?1 AND rev <= ?2",
	[S_OP_INSERT] = "INSERT INTO outbox(seq, kind, uid, base_rev, deleted, data, attachments, "
			"created_at, state, error_code, error_msg, base_data, base_attachments) "
			"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, 0, '', "
			"(SELECT data FROM record WHERE uid = ?3), "
			"(SELECT attachments FROM record WHERE uid = ?3))",
	[S_OP_ATTACH] = "INSERT OR IGNORE INTO outbox_attachment(seq, hash) VALUES(?1, ?2)",
	[S_OP_EACH] = "SELECT " OP_COLS " FROM outbox WHERE state = 0 AND seq > ?1 "
		      "ORDER BY seq LIMIT ?2",
	[S_OP_QEACH] = "SELECT " OP_COLS " FROM outbox WHERE state = 1 ORDER BY seq",
	[S_OP_GET] = "SELECT " OP_COLS " FROM outbox WHERE seq = ?1",
	[S_OP_DELETE] = "DELETE FROM outbox WHERE seq = ?1",
	[S_OP_QUARANTINE] = "UPDATE outbox SET state = 1, error_code = ?2, error_msg = ?3 "
			    "WHERE seq = ?1",
	[S_OP_DISCARD] = "DELETE FROM outbox WHERE seq = ?1 AND state = 1",
	[S_COUNTS] = "SELECT (SELECT COUNT(*) FROM outbox WHERE state = 0), "
		     "(SELECT COUNT(*) FROM outbox WHERE state = 1), "
		     "(SELECT COUNT(*) FROM conflict)",
	[S_CF_INSERT] = "INSERT INTO conflict(" CF_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[S_CF_EACH] = "SELECT " CF_COLS " FROM conflict ORDER BY seq",
	[S_CF_GET] = "SELECT " CF_COLS " FROM conflict WHERE seq = ?1",
	[S_CF_DELETE] = "DELETE FROM conflict WHERE seq = ?1",
};
