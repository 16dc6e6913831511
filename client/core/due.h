/* due.h - what a unit owes now, for the top of `baosong status` (and any
 * other front end): this week's weekly reports, due Friday 12:00 Beijing
 * time (common/period.h), and which projects still have none; reports
 * that were (or will be) late; photos not uploaded yet.
 *
 * A project owes a weekly report when it belongs to the unit and is in
 * stage 新开工 or 续建 (the rule the assessment counts by).  A report not yet
 * received by the server counts as received now.  Reads the local database
 * only, as of now_ms (bs_now_ms()). */
#ifndef BS_CLIENT_DUE_H
#define BS_CLIENT_DUE_H

#include <stddef.h>
#include <stdint.h>

#include "localdb.h"
#include "records.h"
#include "wire.h"

struct due_project {
	char uid[REC_UID_LEN + 1];
	char name[REC_NAME_MAX + 1];
};

struct due_late {
	char uid[REC_UID_LEN + 1];         /* the report */
	char name[REC_NAME_MAX + 1];       /* its project's name */
	char period[16];                   /* "2026-W47" */
	int64_t deadline_ms, received_ms;  /* received_ms 0: not sent yet */
};

struct due_summary {
	char week[16];            /* this ISO week, "2026-W47" */
	int64_t deadline_ms;      /* its Friday 12:00 Beijing time */
	int deadline_passed;
	unsigned owed;            /* projects owing this week's report */
	unsigned done;            /* of them, with a report for the week */
	struct due_project *missing;
	size_t n_missing;
	struct due_late *late;    /* newest period first */
	size_t n_late;
	unsigned photos_unsent;
	uint64_t photo_bytes_unsent;
};

/* Fill *out for unit_id at now_ms.  0 or a BS_E_* code (database, memory);
 * free with due_free even on failure. */
int due_load(struct localdb *db, int64_t unit_id, int64_t now_ms, struct due_summary *out);
void due_free(struct due_summary *d);
/* 1 if report r (its deadline deadline_ms) was or will be late, as the
 * assessment counts it: held complete (with a photo) by the server after
 * the deadline, or not yet on the server and now past it; a report on the
 * server but never complete is missing, not late (0).  *received_ms (may
 * be NULL): when the server held it complete, 0 if not (yet).  Also for a
 * front end that counts many units at once (county.h). */
int due_report_late(const struct lrecord *r, int64_t deadline_ms, int64_t now_ms,
		    int64_t *received_ms);
/* 1 if a project in stage (a ProjectStage) owes weekly reports (新开工, 续建). */
int due_project_owes(int stage);

#endif
