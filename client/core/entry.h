/* entry.h - warnings at entry, before the deadline bites: what a person
 * entering a record should hear while they can still act.  Nothing here
 * refuses anything (records_validate does); each warning is one line,
 * Chinese first, then English. */
#ifndef BS_ENTRY_H
#define BS_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "localdb.h"

#define ENTRY_WARN_MAX 8
#define ENTRY_WARN_LEN 400

struct entry_warnings {
	unsigned n;
	char text[ENTRY_WARN_MAX][ENTRY_WARN_LEN];
};

/* A weekly report (data: a WeeklyReport) about to be saved as record uid
 * (NULL for a new one) with n_photos attachments, at now_ms:
 *   - its deadline (Friday 12:00 Beijing of its week) has passed and the
 *     server has not received it before then: it will count as late;
 *   - it has no photo: it will not count as on time;
 *   - its 本年累计 (same year) or 开工累计 is lower than the project's
 *     previous report's. */
int entry_warn_weekly(struct localdb *db, const char *uid, const uint8_t *data, size_t len,
		      size_t n_photos, int64_t now_ms, struct entry_warnings *w);

/* A project named name about to be saved as record uid (NULL: new) of
 * unit unit_id: another live project of the unit has the same name. */
int entry_warn_project(struct localdb *db, const char *uid, int64_t unit_id, const char *name,
		       struct entry_warnings *w);

#endif
