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

/* A project owing weekly reports, and whether it has this week's. */
struct owing {
	char uid[REC_UID_LEN + 1];
	int64_t unit_id;
	int reported;
};

struct walk {
	struct county *c;
	int64_t now_ms, this_monday;
	struct owing *o;
	size_t no, cap;
	int rv;
};

static struct county_unit *unit_of(struct county *c, int64_t id)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->units[i].u.id == id)
			return &c->units[i];
	return NULL;
}

static int owing_cmp(const void *a, const void *b)
{
	return strcmp(((const struct owing *)a)->uid, ((const struct owing *)b)->uid);
}

static int count_project(void *ctx, const struct lrecord *r)
{
	struct walk *w = ctx;
	struct county_unit *u = unit_of(w->c, r->unit_id);
	struct wire_arena a;
	Baosong__V1__Project *p;

	if (!u || strlen(r->uid) > REC_UID_LEN)
		return 0;
	u->projects++;
	p = (Baosong__V1__Project *)field_unpack(&baosong__v1__project__descriptor, r, &a);
	if (!p)
		return 0;
	if (due_project_owes((int)p->stage)) {
		if (w->no == w->cap) {
			size_t nc = w->cap ? 2 * w->cap : 64;
			struct owing *no = realloc(w->o, nc * sizeof *no);
			if (!no) {
				protobuf_c_message_free_unpacked(&p->base, &a.alloc);
				w->rv = BS_E_NOMEM;
				return 1;
			}
			w->o = no;
			w->cap = nc;
		}
		memset(&w->o[w->no], 0, sizeof w->o[w->no]);
		memcpy(w->o[w->no].uid, r->uid, strlen(r->uid) + 1);
		w->o[w->no++].unit_id = r->unit_id;
		u->owed++;
	}
	protobuf_c_message_free_unpacked(&p->base, &a.alloc);
	return 0;
}

/* A weekly report: this week's marks its project; a late one counts for
 * its unit (the rules of due.h). */
static int count_report(void *ctx, const struct lrecord *r)
{
	struct walk *w = ctx;
	struct county_unit *u = unit_of(w->c, r->unit_id);
	struct wire_arena a;
	Baosong__V1__WeeklyReport *rep;
	int64_t monday;

	if (!u)
		return 0;
	rep = (Baosong__V1__WeeklyReport *)field_unpack(&baosong__v1__weekly_report__descriptor,
							 r, &a);
	if (!rep)
		return 0;
	if (rep->period && period_parse_week(rep->period, &monday) == BS_OK) {
		if (monday == w->this_monday && rep->project_uid &&
		    strlen(rep->project_uid) <= REC_UID_LEN && w->no) {
			struct owing key, *o;
			memcpy(key.uid, rep->project_uid, strlen(rep->project_uid) + 1);
			o = bsearch(&key, w->o, w->no, sizeof *w->o, owing_cmp);
			if (o && o->unit_id == r->unit_id)
				o->reported = 1;
		}
		if (due_report_late(r, period_weekly_deadline_ms(monday), w->now_ms, NULL))
			u->late++;
	}
	protobuf_c_message_free_unpacked(&rep->base, &a.alloc);
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
	struct walk w;
	size_t ndir = 0, i, keep;
	int rv;

	assert(db != NULL && out != NULL);
	memset(out, 0, sizeof *out);
	memset(&w, 0, sizeof w);
	w.c = out;
	w.now_ms = now_ms;
	period_format_week(period_local_days(now_ms), out->week);
	if (period_parse_week(out->week, &w.this_monday) != BS_OK)
		return BS_E_INTERNAL;
	out->deadline_ms = period_weekly_deadline_ms(w.this_monday);
	out->deadline_passed = now_ms > out->deadline_ms;
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
	/* One pass over each kind, whatever the number of units. */
	rv = localdb_record_each(db, REC_KIND_PROJECT, 0, count_project, &w);
	if (rv == BS_OK && (rv = w.rv) == BS_OK) {
		if (w.no > 1)
			qsort(w.o, w.no, sizeof *w.o, owing_cmp);
		rv = localdb_record_each(db, REC_KIND_WEEKLY, 0, count_report, &w);
	}
	if (rv == BS_OK)
		rv = localdb_record_each(db, REC_KIND_APPROVAL, 0, count_approval, &w);
	if (rv == BS_OK)
		rv = localdb_record_each(db, REC_KIND_PROBLEM, 0, count_problem, &w);
	if (rv != BS_OK)
		goto out;
	for (i = 0; i < w.no; i++)
		if (w.o[i].reported)
			unit_of(out, w.o[i].unit_id)->done++;
	/* Only the units something is known of here. */
	for (i = keep = 0; i < out->n; i++) {
		struct county_unit *u = &out->units[i];
		u->missing = u->owed - u->done;
		if (u->projects || u->late || u->approvals_overdue || u->problems_open)
			out->units[keep++] = *u;
	}
	out->n = keep;
out:
	free(w.o);
	return rv;
}

void county_free(struct county *c)
{
	if (!c)
		return;
	free(c->units);
	memset(c, 0, sizeof *c);
}
