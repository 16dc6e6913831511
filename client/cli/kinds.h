/* kinds.h - what client/cli/cmd_kinds.c offers the other commands: the
 * late and missing period reports (`report list`, `monthly list`), and
 * the review state of this device's records and its unit's place in the
 * newest assessment (`baosong status`).
 *
 * Everything reads the local database only; output goes to stdout, errors
 * are explained on stderr.  Returns 0 or a negative BS_E_* code. */
#ifndef BS_CLIENT_KINDS_H
#define BS_CLIENT_KINDS_H

#include <stdint.h>

#include "localdb.h"

enum kinds_query {
	KINDS_LATE = 1,    /* reports the server received after their deadline */
	KINDS_MISSING = 2, /* started projects without a report for a past period */
};

/* For kind REC_KIND_WEEKLY or REC_KIND_MONTHLY at now_ms, print (a table,
 * or CSV with a byte order mark if csv) the late reports, or for
 * KINDS_MISSING each project in stage 新开工 or 续建 without a report for
 * one of the last n periods whose deadline has passed.  A report the
 * server has not received yet counts as received now. */
int kinds_report_query(struct localdb *db, const char *kind, enum kinds_query q, unsigned n,
		       int csv, int64_t now_ms);

/* For `baosong status`: the records the reviewers returned (退回), each with
 * the reviewer's comment, and how many await review, then (with
 * kinds_print_ranking) this unit's place in the newest published result.
 * Prints nothing when there is none of these. */
int kinds_print_review(struct localdb *db);

/* One line: the newest publication this device pulled and this unit's
 * place in it (rank/units ranked, shared, grade); nothing when none was
 * pulled.  In client/cli/cmd_rank.c. */
int kinds_print_ranking(struct localdb *db);

/* The commands of the kinds added with the assessment (the others are in
 * commands.h): acceptance checks and the published results as records
 * (client/cli/cmd_kinds.c), and the results as rankings (client/cli/cmd_rank.c). */
int cmd_acceptance(int argc, char **argv);
int cmd_adjustment(int argc, char **argv);
int cmd_publication(int argc, char **argv);
int cmd_ranking(int argc, char **argv);

#endif
