/* import_kinds.c - `baosong import` for the tables that are not plan
 * tables or weekly batches: targets (目标责任书) by unit and period, and any
 * other record kind (--kind approval, monthly_report, funding, problem,
 * acceptance, leader ...) by its fields' names and Chinese labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "err.h"
#include "field.h"
#include "import_int.h"
#include "localdb.h"
#include "money.h"
#include "period.h"
#include "records.h"
#include "wire.h"

/* Targets on this device by unit and period: one record per pair. */
int im_load_target(void *ctx, const struct lrecord *r)
{
	struct import *im = ctx;
	struct wire_arena a;
	Baosong__V1__Target *t;
	int rv = BS_OK;
	wire_arena_init(&a, DECODE_MAX);
	if (!(t = baosong__v1__target__unpack(&a.alloc, r->data_len, r->data)))
		return 0;
	if (t->unit_code && t->period)
		rv = im_ix_add2(&im->targets, t->unit_code, t->period, r->uid, r->unit_id, 0);
	baosong__v1__target__free_unpacked(t, &a.alloc);
	return rv;
}

/* One row of a target table (目标责任书): a unit's tasks for a year or a
 * quarter.  One already here for the unit and period is replaced (the
 * table is the bureau's latest word) unless it says the same. */
int im_target_row(struct import *im, const struct csv_row *row)
{
	Baosong__V1__Target t = BAOSONG__V1__TARGET__INIT;
	const struct ix_entry *e;
	char uid[REC_UID_LEN + 1];
	size_t len;
	int rv;

	if (im_fill_cells(im, row, &t.base) != BS_OK)
		return BS_OK;
	if ((rv = im_pack_validate(im, row, &t.base, &len)) != BS_OK)
		return rv == BS_E_INVAL ? BS_OK : rv;
	if ((e = im_ix_find2(&im->targets, t.unit_code, t.period)) != NULL) {
		struct lrecord r;
		if (e->line) {
			char msg[200];
			snprintf(msg, sizeof msg, "与第 %u 行重复 same unit and period as line %u",
				 e->line, e->line);
			im_row_error(im, row->line, "period", msg, im_column_of(im, "period"));
			return BS_OK;
		}
		if ((rv = localdb_record_get(im->a.db, e->uid, &r)) != BS_OK)
			return rv;
		rv = r.data_len == len && !memcmp(r.data, im->pack, len);
		lrecord_free(&r);
		if (rv) {
			im->skipped++;
			return BS_OK;
		}
		snprintf(uid, sizeof uid, "%s", e->uid);
		if ((rv = im_queue(im, uid, e->unit_id, len)) != BS_OK)
			return rv;
		im->updated++;
		im->good++;
		return BS_OK;
	}
	records_new_uid(uid);
	if ((rv = im_queue(im, uid, im->srv.unit_id, len)) != BS_OK ||
	    (rv = im_ix_add2(&im->targets, t.unit_code, t.period, uid, im->srv.unit_id, row->line)) !=
		    BS_OK)
		return rv;
	im->good++;
	return BS_OK;
}

