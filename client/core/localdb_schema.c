/* localdb_schema.c - the local database's schema, as the numbered
 * migrations localdb.c applies in order (PRAGMA user_version counts those
 * applied).  A new schema change is a new entry at the end; an entry that
 * shipped is never edited. */
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
