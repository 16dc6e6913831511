/* county.c - see county.h. */
#include "county.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "due.h"
#include "err.h"
#include "field.h"
#include "period.h"
#include "records.h"

struct walk {
	struct county *c;
	int64_t now_ms;
};

static struct county_unit *unit_of(struct county *c, int64_t id)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->units[i].u.id == id)
			return &c->units[i];
	return NULL;
}

static int count_project(void *ctx, const struct lrecord *r)
{
	struct county_unit *u = unit_of(ctx, r->unit_id);

	if (u)
		u->projects++;
	return 0;
}

static int count_approval(void *ctx, const struct lrecord *r)
{
	struct walk *w = ctx;
	struct county_unit *u = unit_of(w->c, r->unit_id);
	struct wire_arena a;
	Baosong__V1__ApprovalItem *it;

	if (!u)
		return 0;
	it = (Baosong__V1__ApprovalItem *)field_unpack(&baosong__v1__approval_item__descriptor, r,
							&a);
	if (!it)
		return 0;
	if (records_approval_overdue(it, w->now_ms))
		u->approvals_overdue++;
	protobuf_c_message_free_unpacked(&it->base, &a.alloc);
	return 0;
}

static int count_problem(void *ctx, const struct lrecord *r)
{
	struct walk *w = ctx;
	struct county_unit *u = unit_of(w->c, r->unit_id);
	struct wire_arena a;
	Baosong__V1__Problem *p;

	if (!u)
		return 0;
	p = (Baosong__V1__Problem *)field_unpack(&baosong__v1__problem__descriptor, r, &a);
	if (!p)
		return 0;
	if (p->status != BAOSONG__V1__PROBLEM_STATUS__PROBLEM_RESOLVED)
		u->problems_open++;
	protobuf_c_message_free_unpacked(&p->base, &a.alloc);
	return 0;
}

int county_load(struct localdb *db, int64_t now_ms, struct county *out)
{
	struct unitdir_entry *dir = NULL;
	struct walk w = {out, now_ms};
	size_t ndir = 0, i, keep;
	int rv;

	assert(db != NULL && out != NULL);
	memset(out, 0, sizeof *out);
	{
		int64_t monday;
		period_format_week(period_local_days(now_ms), out->week);
		if (period_parse_week(out->week, &monday) != BS_OK)
			return BS_E_INTERNAL;
		out->deadline_ms = period_weekly_deadline_ms(monday);
		out->deadline_passed = now_ms > out->deadline_ms;
	}
	if ((rv = unitdir_load(db, &dir, &ndir)) != BS_OK)
		return rv;
	if (ndir && !(out->units = calloc(ndir, sizeof *out->units))) {
		free(dir);
		return BS_E_NOMEM;
	}
	for (i = 0; i < ndir; i++)
		out->units[i].u = dir[i];
	out->n = ndir;
	free(dir);
	if ((rv = localdb_record_each(db, REC_KIND_PROJECT, 0, count_project, out)) != BS_OK ||
	    (rv = localdb_record_each(db, REC_KIND_APPROVAL, 0, count_approval, &w)) != BS_OK ||
	    (rv = localdb_record_each(db, REC_KIND_PROBLEM, 0, count_problem, &w)) != BS_OK)
		return rv;
	/* Only the units something is known of here. */
	for (i = keep = 0; i < out->n; i++)
		if (out->units[i].projects || out->units[i].approvals_overdue ||
		    out->units[i].problems_open)
			out->units[keep++] = out->units[i];
	out->n = keep;
	for (i = 0; i < out->n; i++) {
		struct due_summary d;
		struct county_unit *u = &out->units[i];

		rv = due_load(db, u->u.id, now_ms, &d);
		if (rv == BS_OK) {
			u->owed = d.owed;
			u->done = d.done;
			u->missing = (unsigned)d.n_missing;
			u->late = (unsigned)d.n_late;
		}
		due_free(&d);
		if (rv != BS_OK)
			return rv;
	}
	return BS_OK;
}

void county_free(struct county *c)
{
	if (!c)
		return;
	free(c->units);
	memset(c, 0, sizeof *c);
}
