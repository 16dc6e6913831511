/* settle.h - a person settling what the server answered about this
 * device's changes, the same for `baosong discard` / `baosong resolve`
 * and the 今日待办 / 冲突 pages:
 *
 *   - a refused change (被拒) given up: the outbox entry dropped and the
 *     record given back the server's version (localdb_record_restore);
 *   - a whole-record conflict (a delete on one side, or no base kept)
 *     settled by keeping this device's version (queued again on top of the
 *     server's revision, after the same validation every change gets) or
 *     the server's (the conflict dropped).
 *
 * Field-by-field conflicts are settled with reconcile_resolve
 * (reconcile.h).  Each function runs its own transaction; errors are
 * 0 or a BS_E_* code, reasons for people as data (nothing printed). */
#ifndef BS_CORE_SETTLE_H
#define BS_CORE_SETTLE_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "localdb.h"
#include "records.h"

/* What a discarded change was. */
struct settle_discarded {
	int found;                      /* it was a refused change (else: only dropped) */
	char kind[LDB_KIND_MAX + 1];
	char uid[LDB_UID_MAX + 1];
	char msg[256];                  /* why the server refused it */
	int code;                       /* BS_E_* the server answered */
	uint8_t *data;                  /* the refused version (malloc'd), or NULL */
	size_t len;
	int how;                        /* LDB_RESTORED, LDB_REMOVED, LDB_NEED_PULL, LDB_KEPT */
};

/* Give up change seq.  BS_E_NOTFOUND: no such operation; BS_E_STATE: it is
 * still waiting to be sent, not refused (nothing done).  out is filled on
 * success; free it with settle_discarded_free (also after a failure). */
int settle_discard(struct localdb *db, uint64_t seq, struct settle_discarded *out);
void settle_discarded_free(struct settle_discarded *d);

/* Why keeping this device's version did not happen. */
struct settle_why {
	unsigned pending;               /* BS_E_STATE: newer changes not sent yet */
	int invalid;                    /* BS_E_INVAL: this version is no longer valid */
	struct rec_error err;           /* ... and why */
};

/* Whole-record conflict cf: keep this device's version (srv: this
 * device's unit and role, now: the change's time).  *seq receives the new
 * operation.  BS_E_STATE when the record has newer unsent changes (sync
 * first), BS_E_UNSUPPORTED for a kind this version does not know,
 * why->invalid (and records_validate's code) when this version fails
 * validation now; another code for a database error. */
int settle_keep_mine(struct localdb *db, const struct app_server *srv,
		     const struct lconflict *cf, int64_t now, uint64_t *seq,
		     struct settle_why *why);

/* Conflict seq: keep the server's version (the conflict is dropped). */
int settle_keep_theirs(struct localdb *db, uint64_t seq);

#endif
