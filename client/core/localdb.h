/* localdb.h - the client's local SQLite database: the records this device
 * knows, the outbox of operations not yet acknowledged by the server, the
 * conflict list, attachment files, and settings.  Every SQL statement of
 * the client lives in client/core/localdb.c.
 *
 * Durability: WAL, synchronous=FULL.  A local change writes the record and
 * its outbox op in one transaction, so a crash never leaves one without the
 * other.  Ops are numbered per device from 1 without gaps (meta next_seq).
 *
 * Conventions: 0 or a negative BS_E_* code; out-parameters written only on
 * success; malloc'd members released with the matching *_free. */
#ifndef BS_LOCALDB_H
#define BS_LOCALDB_H

#include <stddef.h>
#include <stdint.h>

#define LDB_HASH_LEN 32
#define LDB_KIND_MAX 32
#define LDB_UID_MAX 64

struct localdb;

/* A record as this device sees it: the server's revision `rev` (0 if the
 * server has never acknowledged it) and the data, which includes local
 * changes still in the outbox. */
struct lrecord {
	char kind[LDB_KIND_MAX + 1];
	char uid[LDB_UID_MAX + 1];
	int64_t unit_id;
	uint64_t rev;
	int deleted;
	int64_t updated_at;
	uint8_t *data;
	size_t data_len;
	uint8_t (*attachments)[LDB_HASH_LEN];
	size_t n_attachments;
	unsigned pending;          /* pending (not quarantined) ops on this uid */
	unsigned refused;          /* ops on this uid the server refused (quarantined):
				    * the local data is not what the county holds */
	unsigned conflicted;       /* entries in the conflict list for this uid */
	/* From the server (kept by localdb_apply_remote and _outbox_conflict): */
	int review_status;         /* the protocol's ReviewStatus: 0 none, 1 submitted,
				    * 2 returned, 3 approved */
	char review_comment[512];  /* the reviewer's comment when returned */
	int64_t created_at;        /* when the server first received it (ms), 0 unknown */
	int64_t reviewed_at;
	int locked;                /* approved or period closed: edits are refused */
	int64_t complete_at;       /* reports: when the server first held it complete
				    * (with a photo), 0 never or unknown */
};
void lrecord_free(struct lrecord *r);

/* An outbox operation. */
enum lop_state { LOP_PENDING = 0, LOP_QUARANTINED = 1 };
struct lop {
	uint64_t seq;
	char kind[LDB_KIND_MAX + 1];
	char uid[LDB_UID_MAX + 1];
	uint64_t base_rev;
	int deleted;
	uint8_t *data;
	size_t data_len;
	uint8_t (*attachments)[LDB_HASH_LEN];
	size_t n_attachments;
	int64_t created_at;
	int state;                 /* enum lop_state */
	int error_code;            /* BS_E_* for quarantined ops */
	char error_msg[256];
	/* The record as this device held it when the change was made (what
	 * the change is based on): has_base is 0 for a new record or an op
	 * queued before the base was kept. */
	int has_base;
	uint8_t *base_data;
	size_t base_len;
	uint8_t (*base_attachments)[LDB_HASH_LEN];
	size_t n_base_attachments;
};
void lop_free(struct lop *op);

struct lconflict {
	uint64_t seq;              /* the op that conflicted */
	char kind[LDB_KIND_MAX + 1];
	char uid[LDB_UID_MAX + 1];
	uint8_t *mine;             /* the op's data */
	size_t mine_len;
	uint64_t server_rev;
	uint8_t *theirs;           /* the server's current data */
	size_t theirs_len;
	int64_t created_at;
	/* A field conflict keeps the data both sides started from (has_base):
	 * the fields in conflict are those base, mine and theirs all differ in
	 * (merge.h); without it the whole record conflicts (a delete, or an
	 * unknown kind). */
	int has_base;
	uint8_t *base;
	size_t base_len;
};
void lconflict_free(struct lconflict *c);

/* Open or create path (mode 0600) and apply migrations. */
int localdb_open(const char *path, struct localdb **out);
void localdb_close(struct localdb *db);

int localdb_begin(struct localdb *db); /* BEGIN IMMEDIATE */
int localdb_commit(struct localdb *db);
int localdb_rollback(struct localdb *db);

/* Settings (server address, pinned server key, device id, unit, pull
 * cursor, last sync times ...): text values; *_int for integers.
 * BS_E_NOTFOUND if unset. */
int localdb_meta_get(struct localdb *db, const char *key, char *buf, size_t cap);
int localdb_meta_set(struct localdb *db, const char *key, const char *value);
int localdb_meta_get_int(struct localdb *db, const char *key, int64_t *value);
int localdb_meta_set_int(struct localdb *db, const char *key, int64_t value);

/* The timestamp for this device's next handshake: now_ns, or one above the
 * last one used if that is not below it (several processes sharing a data
 * directory, a clock stepped back by NTP), kept atomically in meta. */
int localdb_hello_ns(struct localdb *db, uint64_t now_ns, uint64_t *out);

/* ---- records ---- */

int localdb_record_get(struct localdb *db, const char *uid, struct lrecord *out);
/* fn for each record of kind (all kinds if NULL), not deleted ones unless
 * include_deleted, ordered by kind then updated_at then uid. */
int localdb_record_each(struct localdb *db, const char *kind, int include_deleted,
			int (*fn)(void *ctx, const struct lrecord *r), void *ctx);

/* The same for the live records of kind whose stored data holds the n
 * bytes at bytes somewhere (n > 0): a prefilter done by SQLite, cheap for
 * the records it skips (e.g. the encoding of a report's period picks one
 * week's reports out of years of them).  fn still checks what it needs.
 * It may run while a localdb_record_each walk is stepping, and the other
 * way round, but not inside another walk of its own. */
int localdb_record_each_with(struct localdb *db, const char *kind, const uint8_t *bytes,
			     size_t n, int (*fn)(void *ctx, const struct lrecord *r), void *ctx);

/* A local change: in one transaction, write the record's new local data and
 * append an outbox op with seq = next_seq (then next_seq + 1) and base_rev =
 * the record's server rev + its pending ops (0 + pending for a new record).
 * unit_id is stored on a new record.  *seq receives the op's seq. */
int localdb_change(struct localdb *db, const char *kind, const char *uid, int64_t unit_id,
		   const uint8_t *data, size_t len, const uint8_t (*attachments)[LDB_HASH_LEN],
		   size_t n_attachments, int deleted, int64_t now, uint64_t *seq);

/* ---- outbox ---- */

/* Pending ops with seq > after, in seq order, at most limit. */
int localdb_outbox_each(struct localdb *db, uint64_t after, unsigned limit,
			int (*fn)(void *ctx, const struct lop *op), void *ctx);
/* Quarantined ops, in seq order. */
int localdb_quarantine_each(struct localdb *db, int (*fn)(void *ctx, const struct lop *op),
			    void *ctx);
/* The server applied op seq as revision rev: delete it from the outbox and
 * raise the record's server rev to rev.  Acknowledging an op that is no
 * longer in the outbox is not an error (a replayed receipt). */
int localdb_outbox_ack(struct localdb *db, uint64_t seq, uint64_t rev);
/* The server refused op seq for good: keep it, marked quarantined. */
int localdb_outbox_quarantine(struct localdb *db, uint64_t seq, int code, const char *msg);
/* Op seq conflicted: move it from the outbox to the conflict list with the
 * server's version, and store the server's version as the record (data,
 * rev, deleted, review state) so the device shows what the server holds.
 * If later ops on the record are pending, their data stays and only the
 * rev and review state are taken. */
int localdb_outbox_conflict(struct localdb *db, uint64_t seq, const struct lrecord *server);
/* Renumber the outbox after the server refused ops of this device's key as
 * BS_E_SEQ_REUSED (a restored or copied data directory): every op numbered
 * from `from` on (pending or quarantined, with its attachment rows) moves up,
 * keeping its order, so the first gets first_new; next_seq then continues
 * after the last, and is at least first_new.  Nothing moves when first_new
 * <= from.  *moved (may be NULL) gets the number of ops moved.  All or
 * nothing; the conflict list is not touched (its seqs are all below from). */
int localdb_outbox_renumber(struct localdb *db, uint64_t from, uint64_t first_new,
			    unsigned *moved);
/* Drop a quarantined op (the user gave up on it). */
int localdb_outbox_discard(struct localdb *db, uint64_t seq);
int localdb_counts(struct localdb *db, unsigned *pending, unsigned *quarantined,
		   unsigned *conflicts);

/* ---- conflicts ---- */

int localdb_conflict_each(struct localdb *db,
			  int (*fn)(void *ctx, const struct lconflict *c), void *ctx);
int localdb_conflict_get(struct localdb *db, uint64_t seq, struct lconflict *out);
int localdb_conflict_delete(struct localdb *db, uint64_t seq);

/* ---- pulled records ---- */

/* Store a record received from the server.  If the device has pending ops
 * on it, only the server rev and the review state (review_status,
 * review_comment, created_at, reviewed_at, locked) are taken (local data
 * stays, it is newer); otherwise data, rev, deleted, unit, attachments and
 * review state are replaced.  The revision held already updates the review
 * state only; a version older than the one held is ignored.  A comment
 * longer than review_comment holds is cut at a UTF-8 boundary. */
int localdb_apply_remote(struct localdb *db, const struct lrecord *r);

/* ---- the server's copy (client/core/localdb_copy.c) ---- */

/* Each record keeps the last version the server confirmed (pulled, or an
 * op of this device applied): what the county holds. */

/* Op seq (pending or quarantined) into *out; BS_E_NOTFOUND. */
int localdb_op_get(struct localdb *db, uint64_t seq, struct lop *out);
/* Rewrite pending op seq, never sent (sync sends one op per record per
 * round): its base revision, data, attachments and base data. */
int localdb_op_rebase(struct localdb *db, uint64_t seq, uint64_t base_rev, const uint8_t *data,
		      size_t len, const uint8_t (*att)[LDB_HASH_LEN], size_t n_att,
		      const uint8_t *base, size_t base_len);
/* Set record uid's local data (after a merge rewrote its pending ops). */
int localdb_record_set_local(struct localdb *db, const char *uid, const uint8_t *data,
			     size_t len, const uint8_t (*att)[LDB_HASH_LEN], size_t n_att);
/* Store the server's version of a record whose op seq conflicted: the
 * record and its server copy become server's, op seq leaves the outbox, and
 * with base a field conflict (base, the op's data as mine, server's data as
 * theirs) is added to the conflict list (mine: the data to list as mine,
 * NULL for the op's own). */
int localdb_outbox_merged(struct localdb *db, uint64_t seq, const struct lrecord *server,
			  const uint8_t *base, size_t base_len, int add_conflict,
			  const uint8_t *mine, size_t mine_len);

enum ldb_restore {
	LDB_RESTORED = 1,  /* the server's version is back on the device */
	LDB_REMOVED = 2,   /* the server never held it: removed from the device */
	LDB_NEED_PULL = 3, /* no server copy kept: the next sync fetches it (the
			    * pull starts over) */
	LDB_KEPT = 4,      /* other changes of this device on it remain */
};
/* After a person gave up this device's changes on uid (discard): put back
 * what the server holds.  *how receives an enum ldb_restore. */
int localdb_record_restore(struct localdb *db, const char *uid, int *how);
/* Every record with no change of this device waiting, refused or in
 * conflict whose local copy differs from the server's copy gets the
 * server's copy back; a record the server never held with no change left
 * is removed.  *n receives how many were repaired. */
int localdb_repair(struct localdb *db, unsigned *n);

/* ---- attachment files ---- */

/* Remember that hash is the content of path (size bytes). */
int localdb_file_add(struct localdb *db, const uint8_t hash[LDB_HASH_LEN], const char *path,
		     uint64_t size);
int localdb_file_get(struct localdb *db, const uint8_t hash[LDB_HASH_LEN], char *path,
		     size_t cap, uint64_t *size);                        /* BS_E_NOTFOUND */
/* Mark hash as held by the server (no upload needed any more). */
int localdb_file_set_uploaded(struct localdb *db, const uint8_t hash[LDB_HASH_LEN]);
/* Hashes referenced by pending ops and not yet uploaded. */
int localdb_file_each_unsent(struct localdb *db,
			     int (*fn)(void *ctx, const uint8_t hash[LDB_HASH_LEN],
				       const char *path, uint64_t size),
			     void *ctx);

#endif
