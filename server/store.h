/* store.h - the server's storage: every SQL statement of baosongd lives
 * behind this interface (server/store.c, SQLite).  It is kept narrow so a
 * second backend (PostgreSQL) can implement the same functions later.
 *
 * A `struct store` is one database connection; it is used by one thread at
 * a time.  The writer thread owns the only read-write handle; readers open
 * read-only handles (WAL snapshots).  Nothing here knows about protobuf:
 * record payloads and receipts are opaque bytes.
 *
 * Conventions: functions return 0 or a negative BS_E_* code (SQLite errors
 * become BS_E_DB, or BS_E_NOSPACE for SQLITE_FULL, with the SQLite message
 * logged).  Out-parameters are written only on success.  Strings handed in
 * are UTF-8; strings handed out are copied into the caller's struct.
 * Times are milliseconds since 1970-01-01 UTC.  A callback of an iterating
 * function (store_unit_each, store_device_each, store_record_changes) may
 * call other store functions on the same handle, but not the same iterator. */
#ifndef BS_STORE_H
#define BS_STORE_H

#include <stddef.h>
#include <stdint.h>

#define STORE_HASH_LEN 32     /* BLAKE2b-256 */
#define STORE_KEY_LEN 32      /* X25519 public key */
#define STORE_NAME_MAX 200    /* bytes of a unit name / device label */
#define STORE_KIND_MAX 32
#define STORE_UID_MAX 64
#define STORE_CODE_MAX 32     /* bytes of a unit code: [a-z0-9_.-], starting a-z0-9 */
#define STORE_DATA_MAX (1u << 20)          /* bytes of a record's data */
#define STORE_ATTACH_MAX 1024u             /* attachments of one record */
#define STORE_RECEIPT_MAX (2u << 20)       /* bytes of one op receipt */

/* Roles and unit types: the same numbers as the protocol's enums. */
enum store_role {
	ROLE_REPORTER = 1,
	ROLE_REVIEWER = 2,
	ROLE_STATISTICS = 3,
	ROLE_LEADER = 4,
	ROLE_ADMIN = 5,
};

enum store_unit_type {
	UNIT_TOWNSHIP = 1,
	UNIT_DEPARTMENT = 2,
	UNIT_BUREAU = 3,
	UNIT_SOE = 4,
};

struct store;

struct unit {
	int64_t id;
	char code[STORE_CODE_MAX + 1]; /* short stable code, e.g. "xinzhen" or "fgj" */
	char name[STORE_NAME_MAX + 1];
	int type;                  /* enum store_unit_type */
	char region[7];            /* 6-digit administrative code */
};

struct device {
	int64_t id;
	uint8_t pubkey[STORE_KEY_LEN];
	int64_t unit_id;
	int role;                  /* enum store_role */
	char label[STORE_NAME_MAX + 1];
	int64_t enrolled_at;
	int64_t revoked_at;        /* 0 if active */
	uint64_t last_hello_ns;    /* newest accepted handshake timestamp */
	uint64_t applied_seq;      /* highest op seq with a receipt */
};

/* A record as stored.  data and attachments are malloc'd by the store when
 * it fills one in; release with store_record_free. */
struct record {
	char kind[STORE_KIND_MAX + 1];
	char uid[STORE_UID_MAX + 1];
	int64_t unit_id;
	uint64_t rev;
	int deleted;
	int64_t updated_at;
	int64_t device_id;
	uint64_t change_seq;
	uint8_t *data;
	size_t data_len;
	uint8_t (*attachments)[STORE_HASH_LEN];
	size_t n_attachments;
};

void store_record_free(struct record *r);

/* ---- connection and transactions ---- */

/* Open (creating if needed, unless readonly) the database at path.  A
 * read-write open sets WAL, synchronous=FULL, foreign keys, a busy timeout,
 * and applies pending numbered migrations.  A read-only open refuses a
 * database whose schema is older or newer than this program's. */
int store_open(const char *path, int readonly, struct store **out);
void store_close(struct store *st);

/* ---- the server's long-lived handles (store_tune.c) ---- */

/* A page cache of cache_kib KiB, statement journals (savepoints) in memory
 * instead of temporary files.  For any handle; changes no durability. */
int store_tune_cache(struct store *st, unsigned cache_kib);
/* Take checkpoints off this read-write handle's commit path: no automatic
 * checkpoint any more; after each commit, on_commit(arg, frames) is called
 * in the committing thread with the number of frames now in the WAL, so
 * the caller can have another handle checkpoint (store_checkpoint). */
struct store_wal_watch {
	void (*on_commit)(void *arg, unsigned frames);
	void *arg;
};
/* w must outlive st (the caller keeps it, e.g. in its own state). */
int store_wal_watch(struct store *st, struct store_wal_watch *w);
/* Copy committed WAL frames into the database.  Passive: never waits for
 * the writer or readers; full (truncate), which waits for them up to the
 * busy timeout, when `full` is set.  Returns BS_OK or BS_E_BUSY/BS_E_DB. */
int store_checkpoint(struct store *st, int full);

/* Schema version this program writes (number of migrations). */
int store_schema_version(void);

int store_begin(struct store *st);       /* BEGIN IMMEDIATE (read-write) or BEGIN (read) */
int store_commit(struct store *st);
int store_rollback(struct store *st);
/* Nested savepoint for one operation inside a batch. */
int store_savepoint(struct store *st);
int store_release(struct store *st);
int store_rollback_to(struct store *st);  /* undo since savepoint, and release it */

/* Online, consistent copy to path (SQLite backup API); safe while the
 * server runs.  Refuses to overwrite an existing file. */
int store_backup(struct store *st, const char *path);

/* ---- units ---- */

/* Add a unit; code must be unique (BS_E_CONFLICT if taken), region six
 * digits, name non-empty (BS_E_INVAL). */
int store_unit_add(struct store *st, const struct unit *u, int64_t *id);
int store_unit_get(struct store *st, int64_t id, struct unit *out);       /* BS_E_NOTFOUND */
int store_unit_by_code(struct store *st, const char *code, struct unit *out);
/* Call fn for each unit ordered by code; stops and returns fn's value if non-zero. */
int store_unit_each(struct store *st, int (*fn)(void *ctx, const struct unit *u), void *ctx);

/* ---- enrolment tokens (only their BLAKE2b-256 hash is stored) ---- */

int store_token_add(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t unit_id,
		    int role, int64_t expires_at, int64_t now);
/* Burn the token and enrol pubkey as a new device of its unit and role.
 * BS_E_TOKEN if unknown, used or expired (at now); BS_E_CONFLICT if the key
 * is already enrolled.  All in the caller's transaction. */
int store_token_redeem(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t now,
		       const uint8_t pubkey[STORE_KEY_LEN], const char *label,
		       struct device *out);

/* ---- devices ---- */

int store_device_by_key(struct store *st, const uint8_t pubkey[STORE_KEY_LEN],
			struct device *out);                              /* BS_E_NOTFOUND */
int store_device_get(struct store *st, int64_t id, struct device *out);
/* Add a device directly (administrator, no token). BS_E_CONFLICT if known. */
int store_device_add(struct store *st, const uint8_t pubkey[STORE_KEY_LEN], int64_t unit_id,
		     int role, const char *label, int64_t now, int64_t *id);
int store_device_revoke(struct store *st, int64_t id, int64_t now); /* BS_E_NOTFOUND */
/* Raise last_hello_ns to ts (never lowers it). */
int store_device_set_hello(struct store *st, int64_t id, uint64_t ts_ns);
int store_device_each(struct store *st, int (*fn)(void *ctx, const struct device *d),
		      void *ctx);

/* ---- operations (exactly-once) ---- */

/* The stored receipt for (device, seq): *receipt malloc'd.  BS_E_NOTFOUND
 * if that op was never applied.  digest (may be NULL) receives the op's
 * digest (op_digest.h) and *has_digest 1, or *has_digest 0 for an op
 * stored before digests were kept (schema 5). */
int store_op_receipt(struct store *st, int64_t device_id, uint64_t seq, uint8_t **receipt,
		     size_t *len, uint8_t digest[STORE_HASH_LEN], int *has_digest);
/* Record that (device, seq) was handled, with its receipt and the digest of
 * the op's content (NULL: none), and set the device's applied_seq to seq.
 * seq must be applied_seq + 1 (BS_E_SEQ). */
int store_op_add(struct store *st, int64_t device_id, uint64_t seq, int status,
		 const uint8_t *receipt, size_t len, const uint8_t digest[STORE_HASH_LEN],
		 int64_t now);

/* ---- records ---- */

/* The current version of uid (any unit).  BS_E_NOTFOUND if none. */
int store_record_get(struct store *st, const char *uid, struct record *out);
/* Write a new revision of r->uid: rev = old rev + 1 (1 when new), a fresh
 * change_seq, updated_at = now, device_id.  r->kind, unit_id, data,
 * attachments, deleted are taken from r; r->rev and r->change_seq are set.
 * The caller has already checked base revision and permissions.
 * device_id 0 means "no device" (server-side change).  Each attached blob
 * that is stored gains a ref for r->unit_id (see store_blob_ref_has);
 * whether every attachment is stored is the caller's check.  A record's
 * kind and owner never change: when r->uid is held by a record of another
 * kind or unit_id nothing is written and the result is BS_E_FORBIDDEN. */
int store_record_put(struct store *st, struct record *r, int64_t device_id, int64_t now);
/* Records with change_seq > cursor, in change_seq order, at most limit;
 * when unit_id > 0 only unit_id's and the shared directory (kinds "unit",
 * "leader" and "publication"), all when 0.  fn gets each (the record is
 * freed after fn returns); returning non-zero stops (and is returned). */
int store_record_changes(struct store *st, uint64_t cursor, int64_t unit_id, unsigned limit,
			 int (*fn)(void *ctx, const struct record *r), void *ctx);

/* ---- attachments ---- */

/* Whether the blob is stored (size in *size) at all: 0, or BS_E_NOTFOUND. */
int store_blob_get(struct store *st, const uint8_t hash[STORE_HASH_LEN], uint64_t *size);
/* Whether unit_id may use the blob (it uploaded it or attached it). 1/0, or <0. */
int store_blob_ref_has(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t unit_id);
/* Register a complete, verified blob (idempotent) and a ref for unit_id. */
int store_blob_add(struct store *st, const uint8_t hash[STORE_HASH_LEN], uint64_t size,
		   int64_t unit_id, int64_t now);
/* Bytes referenced by unit_id plus the sizes of its uploads in progress
 * (its quota use). */
int store_unit_usage(struct store *st, int64_t unit_id, uint64_t *bytes);

/* Interrupted uploads: progress of (hash, unit). */
int store_upload_get(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t unit_id,
		     uint64_t *size, uint64_t *offset);                  /* BS_E_NOTFOUND */
int store_upload_set(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t unit_id,
		     uint64_t size, uint64_t offset, int64_t now);
int store_upload_delete(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t unit_id);

/* ---- review state and closed periods (server/store_review.c) ----------------- */

/* Server-side state of a record besides its data. */
struct review_state {
	int64_t created_at;        /* first received (ms); 0 if never */
	int status;                /* 0 none, 1 submitted, 2 returned, 3 approved */
	char comment[512];
	int64_t reviewed_at;
	int64_t reviewed_by;       /* device id */
	int locked;                /* approved: edits refused until reopened */
	int64_t complete_at;       /* reports: first time a revision arrived complete
				    * (with a site photo); 0 if never */
};

/* The state of uid (all zero if none yet: not an error). */
int store_review_get(struct store *st, const char *uid, struct review_state *out);
int store_review_set(struct store *st, const char *uid, const struct review_state *rs);

/* Whether (kind, period) is closed: 1, 0, or <0. */
int store_period_closed(struct store *st, const char *kind, const char *period);
int store_period_set(struct store *st, const char *kind, const char *period, int closed,
		     int64_t at, int64_t device_id);


/* ---- assessment: scheme versions, publications (server/store_assess.c) ---- */

/* Every current record of kind (all kinds when NULL), in uid order, with its
 * server-side state (rs all zero when it has none).  Deleted records are
 * included (r->deleted).  fn returning non-zero stops the scan and is
 * returned.  Runs in the caller's transaction (use one for a consistent
 * snapshot). */
int store_record_scan(struct store *st, const char *kind,
		      int (*fn)(void *ctx, const struct record *r, const struct review_state *rs),
		      void *ctx);

/* The same for the assessment, cheaper: only kind, uid, unit_id, rev,
 * deleted and data of each record, and created_at, status, complete_at and
 * reviewed_by of its state, are read; every other field is zero. */
int store_record_scan_assess(struct store *st, const char *kind,
			     int (*fn)(void *ctx, const struct record *r,
				       const struct review_state *rs),
			     void *ctx);

/* Add a new version of year's scheme (data: an encoded Scheme whose version
 * field the caller set to *version, computed by store_scheme_next). */
int store_scheme_next(struct store *st, int year, uint32_t *version);
int store_scheme_add(struct store *st, int year, uint32_t version, const uint8_t *data,
		     size_t len, int64_t now);
/* Version `version` of year's scheme (0: the newest): *data malloc'd.
 * BS_E_NOTFOUND if there is none. */
int store_scheme_get(struct store *st, int year, uint32_t version, uint8_t **data,
		     size_t *len, uint32_t *version_out);
/* Every scheme version (year, version order). */
int store_scheme_each(struct store *st,
		      int (*fn)(void *ctx, int year, uint32_t version, int64_t created_at,
				const uint8_t *data, size_t len),
		      void *ctx);

struct publication_row {
	int64_t number;
	int scope;
	char period[17];
	int scheme_year;
	uint32_t scheme_version;
	int64_t published_at;
	char record_uid[STORE_UID_MAX + 1];
	uint8_t *inputs;           /* encoded AssessInputs (malloc'd when filled in) */
	size_t inputs_len;
	uint8_t *results;          /* encoded Publication (malloc'd when filled in) */
	size_t results_len;
	uint8_t digest[STORE_HASH_LEN];
};
void store_publication_free(struct publication_row *p);
/* The next publication number. */
int store_publication_next(struct store *st, int64_t *number);
/* Insert p (p->number from store_publication_next). */
int store_publication_add(struct store *st, const struct publication_row *p);
int store_publication_get(struct store *st, int64_t number, struct publication_row *out);
/* Every publication, by number; the row is freed after fn returns. */
int store_publication_each(struct store *st,
			   int (*fn)(void *ctx, const struct publication_row *p), void *ctx);

/* ---- audit trail: append-only, hash-chained --------------------------------
 *
 * Every change is appended as one row: who (unit, device, role; 0s for the
 * administrator's command line), when, what (action, kind, subject), the
 * state before and after, and a chain value
 *   mac = BLAKE2b-256(key = audit key, prev_mac || canonical row bytes).
 * The audit key (32 random bytes) lives in DB.audit-key (mode 0600), made
 * at the first read-write open.  Rows are never updated or deleted by the
 * program; store_audit_verify recomputes the chain and so detects an edited,
 * deleted, inserted or reordered row, and checks that every record's
 * current revision and data match its newest audit row. */
struct audit_entry {
	int64_t at;                /* ms since 1970 UTC */
	int64_t unit_id, device_id;
	int role;
	const char *action;        /* "record.put", "record.review", "period.close",
				    * "period.reopen", "unit.add", "token.create",
				    * "device.add", "device.revoke", "device.enrol" */
	const char *kind;          /* record kind, or "" */
	const char *subject;       /* uid, unit code, device id ... */
	uint64_t rev;              /* record revision after the change, or 0 */
	const uint8_t *before;     /* state before (may be NULL) */
	size_t before_len;
	const uint8_t *after;      /* state after (may be NULL) */
	size_t after_len;
	const char *detail;        /* comment, reason ... (may be NULL) */
	int64_t owner;             /* record.put / record.review: the record's
				    * owning unit; 0 for other rows */
};

/* Append e in the caller's transaction. */
int store_audit_append(struct store *st, const struct audit_entry *e);

/* Check the whole trail.  bad (may be NULL) is called for each problem with
 * the row's seq (0 for a record-table mismatch) and a description; *rows
 * and *problems receive the counts.  Returns 0 if the check could run. */
int store_audit_verify(struct store *st, uint64_t *rows, uint64_t *problems,
		       void (*bad)(void *ctx, uint64_t seq, const char *why), void *ctx);

/* ---- audit trail: details (additions) ----
 *
 * The exact chain and row encoding (enough to write an independent
 * verifier) are documented at "audit trail" in server/store_audit.c.
 *
 * The key file.  A read-write store_open makes DB.audit-key when it is
 * missing and the trail is still empty (written under a temporary name,
 * fsynced, linked into place: never over an existing file); if the trail
 * has rows but the key is gone, the open fails with BS_E_NOTFOUND (restore
 * the key from a backup: a new key would fail every row).  Every open, read-
 * only included, reads the key: BS_E_NOTFOUND if missing, BS_E_KEYPERM if
 * the file grants group or others any access, BS_E_INVAL unless it holds
 * exactly 32 bytes.  The key stays in the handle and is wiped at close.
 * store_backup writes OUT.audit-key beside OUT, so a backup can be checked.
 *
 * store_audit_append: action 1..32 bytes of [a-z0-9._-]; kind "" or a
 * record kind; subject UTF-8 up to STORE_AUDIT_SUBJECT_MAX bytes (NULL is
 * ""); detail UTF-8 (tab, CR and LF allowed) up to STORE_AUDIT_DETAIL_MAX
 * (NULL stays NULL); before/after up to STORE_AUDIT_STATE_MAX each (NULL
 * stays NULL, a non-NULL pointer with length 0 is an empty value); role
 * 0..5, unit_id and device_id >= 0.  BS_E_INVAL / BS_E_TOOBIG otherwise.
 * Rows are numbered seq = the last seq + 1 inside the transaction, so
 * appends from several processes stay gap-free (SQLite serialises writers).
 *
 * What store_audit_verify expects of the request handlers: for every
 * store_record_put (and every review that raises a record's rev) an
 * append with action "record.put" or "record.review", subject = the
 * record's uid, rev = its new rev, and after = the record's data exactly as
 * stored in record.data (for a review: the unchanged data), and owner = the
 * record's unit_id.  Then for each record the newest such row must carry its
 * current rev, data, kind and owner (when the row has one); a record without
 * one, or with another rev, data, kind or owner, is reported (seq 0).  Over
 * each record's rows, kind and owner must never change (reported with the
 * seq of the newest row).
 *
 * Limits: a verify cannot notice rows cut off the end of the trail when no
 * record refers to them (nothing after them to break the chain); compare
 * store_audit_head with a value kept elsewhere for that. */
#define STORE_AUDIT_KEY_LEN 32
#define STORE_AUDIT_ACTION_MAX 32
#define STORE_AUDIT_SUBJECT_MAX 200
#define STORE_AUDIT_DETAIL_MAX 4096
#define STORE_AUDIT_STATE_MAX STORE_RECEIPT_MAX

/* Call fn for rows newest first: only those whose subject equals subject
 * when it is not NULL, at most limit rows (0: all).  The entry's strings
 * and bytes live until fn returns (kind and subject are never NULL).
 * fn returning non-zero stops the walk and is returned. */
int store_audit_each(struct store *st, const char *subject, uint64_t limit,
		     int (*fn)(void *ctx, uint64_t seq, const struct audit_entry *e),
		     void *ctx);

/* The newest row's seq and mac (0 and 32 zero bytes for an empty trail). */
int store_audit_head(struct store *st, uint64_t *seq, uint8_t mac[STORE_HASH_LEN]);

#endif
