/* due.c - this week's reports, late ones, unsent photos. */
#include "due.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "field.h"
#include "period.h"

struct proj {
	char uid[REC_UID_LEN + 1];
	char name[REC_NAME_MAX + 1];
	int owes;
	int reported;
};

struct walk {
	int64_t unit_id, now_ms, this_monday;
	struct proj *p;
	size_t np, cap;
	struct due_late *late;
	size_t nlate, latecap;
	int rv;
};

static int proj_cmp(const void *a, const void *b)
{
	return strcmp(((const struct proj *)a)->uid, ((const struct proj *)b)->uid);
}

static int take_project(void *ctx, const struct lrecord *r)
{
	struct walk *w = ctx;
	struct wire_arena a;
	Baosong__V1__Project *p;
	if (r->unit_id != w->unit_id || strlen(r->uid) > REC_UID_LEN)
		return 0;
	p = (Baosong__V1__Project *)field_unpack(&baosong__v1__project__descriptor, r, &a);
	if (!p)
		return 0;
	if (w->np == w->cap) {
		size_t nc = w->cap ? 2 * w->cap : 32;
		struct proj *np = realloc(w->p, nc * sizeof *np);
		if (!np) {
			protobuf_c_message_free_unpacked(&p->base, &a.alloc);
			w->rv = BS_E_NOMEM;
			return 1;
		}
		w->p = np;
		w->cap = nc;
	}
	memset(&w->p[w->np], 0, sizeof w->p[w->np]);
	memcpy(w->p[w->np].uid, r->uid, strlen(r->uid) + 1);
	snprintf(w->p[w->np].name, sizeof w->p[w->np].name, "%s", p->name ? p->name : "");
	w->p[w->np].owes = due_project_owes((int)p->stage);
	w->np++;
	protobuf_c_message_free_unpacked(&p->base, &a.alloc);
	return 0;
}

static struct proj *find_proj(struct walk *w, const char *uid)
{
	struct proj key;
	if (!uid || strlen(uid) > REC_UID_LEN || !w->np)
		return NULL;
	memcpy(key.uid, uid, strlen(uid) + 1);
	return bsearch(&key, w->p, w->np, sizeof *w->p, proj_cmp);
}

static int take_report(void *ctx, const struct lrecord *r)
{
	struct walk *w = ctx;
	struct wire_arena a;
	Baosong__V1__WeeklyReport *rep;
	struct proj *pj;
	int64_t monday, deadline, received;
	if (r->unit_id != w->unit_id || strlen(r->uid) > REC_UID_LEN)
		return 0;
	rep = (Baosong__V1__WeeklyReport *)field_unpack(&baosong__v1__weekly_report__descriptor,
							 r, &a);
	if (!rep)
		return 0;
	if (!rep->period || period_parse_week(rep->period, &monday) != BS_OK)
		goto out;
	pj = find_proj(w, rep->project_uid);
	if (pj && monday == w->this_monday)
		pj->reported = 1;
	deadline = period_weekly_deadline_ms(monday);
	if (due_report_late(r, deadline, w->now_ms, &received)) {
		struct due_late *l;
		if (w->nlate == w->latecap) {
			size_t nc = w->latecap ? 2 * w->latecap : 16;
			struct due_late *nl = realloc(w->late, nc * sizeof *nl);
			if (!nl) {
				w->rv = BS_E_NOMEM;
				protobuf_c_message_free_unpacked(&rep->base, &a.alloc);
				return 1;
			}
			w->late = nl;
			w->latecap = nc;
		}
		l = &w->late[w->nlate++];
		memset(l, 0, sizeof *l);
		memcpy(l->uid, r->uid, strlen(r->uid) + 1);
		snprintf(l->name, sizeof l->name, "%s", pj ? pj->name : "");
		snprintf(l->period, sizeof l->period, "%s", rep->period);
		l->deadline_ms = deadline;
		l->received_ms = received;
	}
out:
	protobuf_c_message_free_unpacked(&rep->base, &a.alloc);
	return 0;
}

static int late_cmp(const void *a, const void *b)
{
	const struct due_late *x = a, *y = b;
	if (x->deadline_ms != y->deadline_ms)
		return x->deadline_ms > y->deadline_ms ? -1 : 1;
	return strcmp(x->uid, y->uid);
}

static int count_unsent(void *ctx, const uint8_t hash[LDB_HASH_LEN], const char *path,
			uint64_t size)
{
	struct due_summary *d = ctx;
	(void)hash;
	(void)path;
	d->photos_unsent++;
	d->photo_bytes_unsent += size;
	return 0;
}

int due_load(struct localdb *db, int64_t unit_id, int64_t now_ms, struct due_summary *out)
{
	struct walk w;
	int64_t today = period_local_days(now_ms);
	size_t i, nmiss = 0;
	int rv;

	memset(out, 0, sizeof *out);
	memset(&w, 0, sizeof w);
	w.unit_id = unit_id;
	w.now_ms = now_ms;
	period_format_week(today, out->week);
	if (period_parse_week(out->week, &w.this_monday) != BS_OK)
		return BS_E_INTERNAL;
	out->deadline_ms = period_weekly_deadline_ms(w.this_monday);
	out->deadline_passed = now_ms > out->deadline_ms;

	rv = localdb_record_each(db, REC_KIND_PROJECT, 0, take_project, &w);
	if (rv == BS_OK && (rv = w.rv) == BS_OK) {
		if (w.np)
			qsort(w.p, w.np, sizeof *w.p, proj_cmp);
		rv = localdb_record_each(db, REC_KIND_WEEKLY, 0, take_report, &w);
	}
	if (rv == BS_OK)
		rv = w.rv;
	if (rv == BS_OK)
		rv = localdb_file_each_unsent(db, count_unsent, out);
	if (rv != BS_OK)
		goto out;
	for (i = 0; i < w.np; i++)
		if (w.p[i].owes) {
			out->owed++;
			if (w.p[i].reported)
				out->done++;
			else
				nmiss++;
		}
	if (nmiss && !(out->missing = calloc(nmiss, sizeof *out->missing))) {
		rv = BS_E_NOMEM;
		goto out;
	}
	for (i = 0; i < w.np; i++)
		if (w.p[i].owes && !w.p[i].reported) {
			struct due_project *m = &out->missing[out->n_missing++];
			memcpy(m->uid, w.p[i].uid, sizeof m->uid);
			memcpy(m->name, w.p[i].name, sizeof m->name);
		}
	if (w.nlate)
		qsort(w.late, w.nlate, sizeof *w.late, late_cmp);
	out->late = w.late;
	out->n_late = w.nlate;
	w.late = NULL;
out:
	free(w.p);
	free(w.late);
	return rv;
}

void due_free(struct due_summary *d)
{
	if (!d)
		return;
	free(d->missing);
	free(d->late);
	d->missing = NULL;
	d->late = NULL;
	d->n_missing = d->n_late = 0;
}

int due_project_owes(int stage)
{
	return stage == BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START ||
	       stage == BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING;
}

int due_report_late(const struct lrecord *r, int64_t deadline_ms, int64_t now_ms,
		    int64_t *received_ms)
{
	/* On time as the assessment counts it: held complete (with its photo)
	 * by the server by the deadline; on the server but never complete is
	 * missing, not late. */
	int64_t received = r->complete_at > 0 ? r->complete_at
			   : r->created_at > 0 && r->n_attachments ? r->created_at : 0;

	if (received_ms != NULL)
		*received_ms = received;
	if (r->created_at > 0 && !received)
		return 0;
	return (received ? received : now_ms) > deadline_ms;
}
