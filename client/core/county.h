/* county.h - the county at a glance from what this device holds, per
 * unit: the reports owed this week and which are missing, reports that
 * were (or will be) late, approval steps overdue, problems not resolved.
 * A reviewer's or leader's device pulls every unit's records, so it sees
 * the whole county; a township's device sees its own unit.  The rules
 * are the ones the rest of the client uses (due.c for what is owed and
 * late, records_approval_overdue for approvals); as of now_ms
 * (bs_now_ms()).  Reads the local database only. */
#ifndef BS_CLIENT_COUNTY_H
#define BS_CLIENT_COUNTY_H

#include <stddef.h>
#include <stdint.h>

#include "localdb.h"
#include "unitdir.h"

struct county_unit {
	struct unitdir_entry u;
	unsigned projects;          /* live projects of the unit here */
	unsigned owed, done;        /* this week's weekly reports (due.h) */
	unsigned missing;           /* owed - done */
	unsigned late;              /* weekly reports late or overdue (due.h) */
	unsigned approvals_overdue; /* approval steps not done, deadline passed */
	unsigned problems_open;     /* problems not resolved */
};

struct county {
	char week[16];               /* this ISO week */
	int64_t deadline_ms;         /* its Friday 12:00 */
	int deadline_passed;
	struct county_unit *units;   /* units with a project here, by code */
	size_t n;
};

/* Fill *out as of now_ms.  0 or a BS_E_* code; county_free either way. */
int county_load(struct localdb *db, int64_t now_ms, struct county *out);
void county_free(struct county *c);

#endif
