/* review_act.h - a reviewer's actions (审核: approve, return, reopen) as
 * every front end sends them: online requests on an open session, not
 * outbox operations.  The record's revision this device last saw goes
 * with the request; if the unit changed the record since, the server
 * refuses and the reviewer syncs and looks again.  On success the local
 * copy takes the server's new review state at once, so lists show it
 * without waiting for the next sync.
 *
 * Failures are described in *msg (Chinese first, then English, what to do
 * next), for the front end to show as it shows messages; nothing here
 * prints. */
#ifndef BS_CLIENT_REVIEW_ACT_H
#define BS_CLIENT_REVIEW_ACT_H

#include <stddef.h>
#include <stdint.h>

#include "localdb.h"
#include "net.h"
#include "wire.h"

/* The actions (the protocol's ReviewAction values). */
enum {
	REVIEW_ACT_APPROVE = BAOSONG__V1__REVIEW_ACTION__REVIEW_APPROVE,
	REVIEW_ACT_RETURN = BAOSONG__V1__REVIEW_ACTION__REVIEW_RETURN,
	REVIEW_ACT_REOPEN = BAOSONG__V1__REVIEW_ACTION__REVIEW_REOPEN,
};

/* "已审核通过 approved", "已退回 returned", "已重新开放 reopened". */
const char *review_act_done(int action);

/* Send req on s and wait for the answer of body case want.  0 with *resp
 * set (free it with wire_envelope_free(*resp, ar)), or a BS_E_* code with
 * *resp NULL and msg describing it: the request failed (addr names the
 * server), the server answered with an Error (its message, detail and
 * code), or with something else (BS_E_PROTO). */
int review_act_call(struct session *s, const char *addr, Envelope *req, struct wire_arena *ar,
		    Envelope **resp, int want, char *msg, size_t cap);

/* Outcome of review_act_one. */
enum review_act_fail {
	REVIEW_ACT_OK = 0,
	REVIEW_ACT_NOT_HERE, /* this device has no record uid: nothing sent */
	REVIEW_ACT_SENT,     /* the request failed or was refused */
};

/* Review record uid (held on this device) on the open session s: action
 * one of REVIEW_ACT_*, comment may be NULL (a return needs one; the
 * server refuses a return without).  On success the local record takes
 * the server's revision, review state, comment and lock, and *rev (if not
 * NULL) the new revision.  0 or a BS_E_* code; *fail (if not NULL) says
 * whether anything was sent, msg (cap > 0) why it failed. */
int review_act_one(struct localdb *db, struct session *s, const char *addr, int action,
		   const char *uid, const char *comment, uint64_t *rev, int *fail, char *msg,
		   size_t cap);

/* Whether rv means the connection is gone (the rest of a batch would fail
 * the same way). */
int review_act_conn_lost(int rv);

#endif
