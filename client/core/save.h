/* save.h - saving a record a person entered, the same way for every front
 * end: check that this device's role may write the kind, refuse a record
 * that is approved or locked, decide which unit owns it, validate it as the
 * server will (records_validate), gather the warnings a person should hear
 * (entry.h), keep its files in this device's attachment store (attach.h),
 * and queue the change in one transaction.  Nothing here prints: errors
 * and warnings come back as data (Chinese first, then English).
 *
 * save_record does all of it in that order; the steps are here too, for a
 * front end that reports between them (the command line). */
#ifndef BS_CLIENT_SAVE_H
#define BS_CLIENT_SAVE_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "entry.h"
#include "form.h"
#include "localdb.h"
#include "records.h"

#define SAVE_MSG_LEN 600u

/* struct rec_lookup callbacks over the local database (ctx is the struct
 * localdb *): a project that is here and not deleted; a unit by code
 * among the unit records the server published, or this device's own unit
 * before the first pull. */
int local_lookup_project(void *ctx, const char *uid, int64_t *unit_id, int64_t *total_fen,
			 int *stage);
int local_lookup_unit(void *ctx, const char *code, int64_t *unit_id);

/* The context records_validate needs for a record owned by unit_id,
 * written by role at now_ms; unit codes are checked only once the
 * server's unit records are on this device.  lk must outlive c. */
void save_ctx_init(struct rec_ctx *c, struct rec_lookup *lk, struct localdb *db,
		   int64_t unit_id, int role, int64_t now_ms);

/* The role a device writes as: a device enrolled before roles existed
 * (role 0) writes as a reporter. */
int save_role(int role);

/* 0 if role may write kind; else BS_E_FORBIDDEN with msg saying who may
 * ("无权填写审批事项 this device (role 填报员 reporter) may not write ...").
 * BS_E_UNSUPPORTED for an unknown kind. */
int save_check_role(const char *kind, int role, char *msg, size_t cap);

/* 0 if r may be changed; else BS_E_INVAL with msg: a record approved
 * (已审核通过) or locked (its period closed) is not changed.  A weekly
 * report is judged by its lock alone, as the server does. */
int save_check_unlocked(const struct lrecord *r, char *msg, size_t cap);

/* The unit that owns a new record m of kind: this device's (own_unit),
 * or for a writer who may write for any unit (any_unit), the unit of the
 * project or unit code it names. */
int64_t save_owner_unit(struct localdb *db, const ProtobufCMessage *m, int64_t own_unit,
			int any_unit);

/* The warnings for a record of kind about to be saved as uid (NULL: new)
 * owned by unit_id with natt attachments: a weekly report late, without
 * a photo or with lower figures (entry_warn_weekly), a project named like
 * another of the unit (entry_warn_project).  Other kinds have none. */
int save_warnings(struct localdb *db, const char *kind, const char *uid, int64_t unit_id,
		  const ProtobufCMessage *m, const uint8_t *data, size_t len, size_t natt,
		  int64_t now_ms, struct entry_warnings *w);

/* Copy each file into the store of data directory dir (attach_store);
 * files[i].stored gets the copy's path.  On failure *failed is the file's
 * index and the BS_E_* is returned (BS_E_CORRUPT: it changed meanwhile). */
int save_keep_files(const char *dir, struct form_file *files, size_t n, size_t *failed);

/* In one transaction: remember where each kept file is
 * (localdb_file_add, files[i].stored) and queue the change of uid. */
int save_queue(struct localdb *db, const char *kind, const char *uid, int64_t unit_id,
	       const uint8_t *data, size_t len, const uint8_t (*att)[LDB_HASH_LEN], size_t natt,
	       const struct form_file *files, size_t nfiles, int64_t now_ms, uint64_t *seq);

/* The fields of which kind has one live record per value (an approval
 * item per project and item, a monthly report per project and month ...),
 * NULL-terminated; NULL when the kind has no such rule. */
const char *const *save_unique_fields(const char *kind);

/* A live record of m's kind, other than skip_uid (NULL: none), with the
 * same values of the unique fields as m: its uid into dup (cap
 * LDB_UID_MAX + 1, "" when none).  0, or a database error. */
int save_find_duplicate(struct localdb *db, const char *kind, const ProtobufCMessage *m,
			const char *skip_uid, char *dup);

/* ---- all of it ---------------------------------------------------------------------- */

struct save_req {
	struct localdb *db;
	const char *dir;              /* data directory (attachment store) */
	const char *kind;
	const ProtobufCMessage *m;    /* the record as entered (form.h) */
	const struct lrecord *old;    /* the record changed, or NULL for a new one */
	struct form_file *files;      /* files attached while filling it */
	size_t nfiles;
	int add_files;                /* the files are added to old's attachments
				       * (photos) rather than named by entries */
	const uint8_t (*drop)[LDB_HASH_LEN]; /* with add_files: old's attachments a
				       * person removed (photos taken off), or NULL */
	size_t ndrop;
	int role;                     /* this device's role (0: reporter) */
	int64_t unit_id;              /* this device's unit */
	int64_t now_ms;
};

struct save_result {
	char uid[LDB_UID_MAX + 1];
	int64_t unit_id;              /* the owner */
	uint64_t seq;                 /* the queued change */
	int unchanged;                /* an edit that changes nothing: not queued */
	size_t natt;
	struct rec_error err;         /* a refused field (err.field set) */
	char msg[SAVE_MSG_LEN];       /* otherwise what went wrong, if anything */
	char dup[LDB_UID_MAX + 1];    /* refused as a second record of its key */
	struct entry_warnings warn;
};

/* Check, warn, keep the files and queue req's record; res says what
 * happened.  0 (also when unchanged), BS_E_FORBIDDEN (role), BS_E_INVAL
 * (locked, a field refused: res->err, or a second record of the same key:
 * res->dup), BS_E_TOOBIG, or a storage error with res->msg. */
int save_record(const struct save_req *req, struct save_result *res);

/* ---- deleting ----------------------------------------------------------------------- */

/* Delete record old (client/core/save_delete.c): the role must be one that
 * writes its kind and the record not approved or locked; the deletion is
 * queued carrying the record's last content (the server keeps it, and a
 * closed period is recognised by it) without attachments.  0 with *seq the
 * queued change, or BS_E_FORBIDDEN / BS_E_INVAL / a storage error with msg
 * saying why. */
int save_delete(struct localdb *db, const struct lrecord *old, int role, int64_t now_ms,
		char *msg, size_t cap, uint64_t *seq);

#endif
