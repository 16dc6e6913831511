/* review_act.c - see review_act.h. */
#include "review_act.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "explain.h"

const char *review_act_done(int action)
{
	return action == REVIEW_ACT_APPROVE  ? "已审核通过 approved"
	       : action == REVIEW_ACT_RETURN ? "已退回 returned"
					     : "已重新开放 reopened";
}

int review_act_call(struct session *s, const char *addr, Envelope *req, struct wire_arena *ar,
		    Envelope **resp, int want, char *msg, size_t cap)
{
	int rv;

	assert(s != NULL && req != NULL && ar != NULL && resp != NULL && msg != NULL && cap > 0);
	msg[0] = '\0';
	*resp = NULL;
	wire_arena_init(ar, WIRE_DECODE_MEM_MAX);
	rv = session_call(s, req, ar, resp);
	if (rv != BS_OK) {
		*resp = NULL;
		client_explain(rv, EXPLAIN_REQUEST, addr, NULL, msg, cap);
		return rv;
	}
	if ((*resp)->body_case == BAOSONG__V1__ENVELOPE__BODY_ERROR) {
		const WireError *e = (*resp)->error;
		rv = wire_error_code(e);
		snprintf(msg, cap, "服务器拒绝 refused: %s%s%s [%s]", e->message ? e->message : "",
			 e->detail && *e->detail ? " - " : "", e->detail ? e->detail : "",
			 bs_errname(rv));
		wire_envelope_free(*resp, ar);
		*resp = NULL;
		return rv;
	}
	if ((int)(*resp)->body_case != want) {
		wire_envelope_free(*resp, ar);
		*resp = NULL;
		snprintf(msg, cap, "服务器的回答不对 the server answered something else [%s]",
			 bs_errname(BS_E_PROTO));
		return BS_E_PROTO;
	}
	return BS_OK;
}

int review_act_one(struct localdb *db, struct session *s, const char *addr, int action,
		   const char *uid, const char *comment, uint64_t *rev, int *fail, char *msg,
		   size_t cap)
{
	struct lrecord lr;
	Envelope req = BAOSONG__V1__ENVELOPE__INIT, *resp = NULL;
	Baosong__V1__ReviewRequest rq = BAOSONG__V1__REVIEW_REQUEST__INIT;
	struct wire_arena ar;
	int rv, f = REVIEW_ACT_OK;

	assert(db != NULL && s != NULL && uid != NULL && msg != NULL && cap > 0);
	assert(action == REVIEW_ACT_APPROVE || action == REVIEW_ACT_RETURN ||
	       action == REVIEW_ACT_REOPEN);
	msg[0] = '\0';
	if ((rv = localdb_record_get(db, uid, &lr)) != BS_OK) {
		snprintf(msg, cap, "本机没有记录 no record %s here (sync first)", uid);
		f = REVIEW_ACT_NOT_HERE;
		goto done;
	}
	rq.uid = lr.uid;
	rq.action = (Baosong__V1__ReviewAction)action;
	rq.comment = (char *)(comment ? comment : "");
	rq.base_rev = lr.rev;
	req.body_case = BAOSONG__V1__ENVELOPE__BODY_REVIEW;
	req.review = &rq;
	rv = review_act_call(s, addr, &req, &ar, &resp, BAOSONG__V1__ENVELOPE__BODY_REVIEW_RESPONSE,
			     msg, cap);
	if (rv != BS_OK) {
		f = REVIEW_ACT_SENT;
	} else if (resp->review_response->record) {
		/* Keep what the server now holds. */
		const Baosong__V1__Record *r = resp->review_response->record;
		struct lrecord nr = lr;

		nr.rev = r->rev;
		nr.review_status = (int)r->review_status;
		snprintf(nr.review_comment, sizeof nr.review_comment, "%s",
			 r->review_comment ? r->review_comment : "");
		nr.reviewed_at = r->reviewed_at_ms;
		nr.locked = r->locked;
		rv = localdb_apply_remote(db, &nr);
		if (rv == BS_OK && rev)
			*rev = r->rev;
		if (rv != BS_OK) {
			client_explain(rv, EXPLAIN_LOCAL, NULL, NULL, msg, cap);
			f = REVIEW_ACT_SENT;
		}
	}
	if (resp)
		wire_envelope_free(resp, &ar);
	lrecord_free(&lr);
done:
	if (fail)
		*fail = f;
	return rv;
}

int review_act_conn_lost(int rv)
{
	return rv == BS_E_IO || rv == BS_E_TIMEOUT || rv == BS_E_CLOSED;
}
