/* review.h - the reviewer's queue: which records a review acts on, and what
 * a reviewer needs to see to decide (unit, project, period, key figures,
 * number of photos, state, comment).  Reads the local database only (sync
 * first to see the newest).  Shared by the front ends. */
#ifndef BS_CLIENT_REVIEW_H
#define BS_CLIENT_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "localdb.h"
#include "records.h"

/* Review states (the protocol's ReviewStatus); REVIEW_ANY matches all. */
enum { REVIEW_ANY = 0, REVIEW_PENDING = 1, REVIEW_RETURNED = 2, REVIEW_APPROVED = 3 };

struct review_filter {
	const char *unit;   /* unit code or name; NULL: any */
	const char *kind;   /* kind ("weekly_report"), command ("report") or label
			     * ("周报"); NULL: every reviewed kind */
	const char *period; /* the period as written ("2026-W47", "2026-11",
			     * "2026" for a project's plan year); NULL: any */
	int state;          /* REVIEW_* */
};

struct review_item {
	char uid[REC_UID_LEN + 1];
	char kind[LDB_KIND_MAX + 1];
	const char *kind_zh;
	uint64_t rev;
	int64_t unit_id;
	char unit_code[64];
	char unit_name[REC_NAME_MAX + 1];
	char project[REC_NAME_MAX + 1]; /* its project's name, or its own */
	char period[32];
	char figures[200];              /* "本期 150.00 本年 300.00 累计 800.00" (万元) */
	unsigned photos;                /* attachments */
	int status, locked;
	char comment[512];
};

/* The kind a --kind argument names, or NULL. */
const char *review_kind_parse(const char *text);
/* The state a --state argument names (pending|returned|approved|all, or
 * 待审核|已退回|已通过|全部), or -1. */
int review_state_parse(const char *text);

/* The records of reviewed kinds matching f, ordered by unit, kind, period,
 * uid.  *out is malloc'd (free it); 0 or a BS_E_* code.  BS_E_NOTFOUND if
 * f->unit names no unit here. */
int review_collect(struct localdb *db, const struct review_filter *f, struct review_item **out,
		   size_t *n);
/* How many records of a reviewed kind are in review state `state`
 * (REVIEW_*, not REVIEW_ANY): what a count needs, none of review_collect's
 * decoding and naming.  BS_OK or a localdb error. */
int review_count(struct localdb *db, int state, size_t *n);

/* The item of one record (any state); 0, BS_E_NOTFOUND, BS_E_INVAL (not a
 * reviewed kind) or a database error. */
int review_item_of(struct localdb *db, const char *uid, struct review_item *out);

/* The same project's report of the period before record uid's (a weekly
 * report: the ISO week before; a monthly report: the month before), for
 * a reviewer to compare the figures.  0 with its uid in prev, BS_E_NOTFOUND
 * (none here, or uid is not a weekly or monthly report), or a database
 * error. */
int review_previous(struct localdb *db, const char *uid, char prev[REC_UID_LEN + 1]);

/* "待审核", "已退回", "已通过", "已锁定". */
const char *review_state_zh(int status, int locked);

#endif
