/* syncrun.h - one sync round as every front end runs it (the command line's
 * sync/push/pull, the web page's 同步 button): read this device's settings,
 * open a session, push and/or pull, close; and the note of its outcome
 * kept in the local database (last_sync_ok / last_sync_error), which
 * `baosong status` and 今日待办 show.  The caller holds the run lock
 * (app_lock). */
#ifndef BS_CLIENT_SYNCRUN_H
#define BS_CLIENT_SYNCRUN_H
#include "app.h"
#include "explain.h"
#include "sync.h"

enum sync_mode { SYNC_MODE_SYNC, SYNC_MODE_PUSH, SYNC_MODE_PULL };

/* One push and/or pull.  *step says where it failed (explain.h); addr gets
 * the server's address ("" before it is known).  0 or a BS_E_* code. */
int sync_round(struct app *a, enum sync_mode mode, unsigned timeout_ms, const struct sync_opts *so,
	       struct sync_stats *st, enum explain_step *step, char addr[300]);
/* Record the outcome: rv 0 sets last_sync_ok to now and clears the error;
 * otherwise last_sync_error becomes "MS why". */
void sync_note_result(struct app *a, int rv, const char *why);
/* The longest note sync_note_result keeps ("MS why"). */
#define SYNC_NOTE_MAX 800u
/* The last failure noted, if it is newer than the last success: its time
 * (ms) in *when_ms and why in why; 1 if there is one, 0 if not (or the
 * note cannot be read). */
int sync_last_failure(struct localdb *db, int64_t *when_ms, char *why, size_t cap);
#endif
