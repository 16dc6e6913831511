/* entry.c - warnings at entry (see entry.h). */
#include "entry.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "baosong.pb-c.h"
#include "err.h"
#include "money.h"
#include "period.h"
#include "records.h"

static void add(struct entry_warnings *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add(struct entry_warnings *w, const char *fmt, ...)
{
	va_list ap;
	if (w->n == ENTRY_WARN_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(w->text[w->n++], ENTRY_WARN_LEN, fmt, ap);
	va_end(ap);
}

/* The latest report of the project for a week before monday. */
struct prev_ctx {
	const char *project_uid, *skip_uid;
	int64_t monday;
	int64_t best_monday;
	int64_t ytd, total;
	char period[16];
};

static int find_prev(void *ctx, const struct lrecord *r)
{
	struct prev_ctx *p = ctx;
	Baosong__V1__WeeklyReport *w;
	int64_t monday;
	if (p->skip_uid && strcmp(r->uid, p->skip_uid) == 0)
		return 0;
	w = baosong__v1__weekly_report__unpack(NULL, r->data_len,
					       r->data_len ? r->data : (const uint8_t *)"");
	if (!w)
		return 0;
	if (w->project_uid && strcmp(w->project_uid, p->project_uid) == 0 && w->period &&
	    period_parse_week(w->period, &monday) == BS_OK && monday < p->monday &&
	    monday > p->best_monday) {
		p->best_monday = monday;
		p->ytd = w->invested_ytd_fen;
		p->total = w->invested_total_fen;
		snprintf(p->period, sizeof p->period, "%s", w->period);
	}
	baosong__v1__weekly_report__free_unpacked(w, NULL);
	return 0;
}

int entry_warn_weekly(struct localdb *db, const char *uid, const uint8_t *data, size_t len,
		      size_t n_photos, int64_t now_ms, struct entry_warnings *w)
{
	Baosong__V1__WeeklyReport *rep;
	struct prev_ctx p;
	int64_t monday, deadline, received = 0;
	char a[32], b[32];
	int rv;

	rep = baosong__v1__weekly_report__unpack(NULL, len, len ? data : (const uint8_t *)"");
	if (!rep)
		return BS_E_INVAL;
	if (!rep->period || period_parse_week(rep->period, &monday) != BS_OK) {
		rv = BS_OK; /* records_validate names a malformed week */
		goto out;
	}
	if (uid) {
		struct lrecord r;
		if (localdb_record_get(db, uid, &r) == BS_OK) {
			received = r.created_at;
			lrecord_free(&r);
		}
	}
	deadline = records_weekly_deadline_ms(monday);
	if (now_ms > deadline && (received == 0 || received > deadline))
		add(w, "%s 周报的截止时间（周五 12:00 北京时间）已过，将记为迟报 the deadline of "
		       "the %s report (Friday 12:00 Beijing time) has passed: it will count as late",
		    rep->period, rep->period);
	if (n_photos == 0)
		add(w, "没有现场照片：没有照片的周报不计为按时报送 no site photo: a report without "
		       "a photo does not count as on time (add one with --photo FILE)");
	memset(&p, 0, sizeof p);
	p.project_uid = rep->project_uid ? rep->project_uid : "";
	p.skip_uid = uid;
	p.monday = monday;
	p.best_monday = INT64_MIN;
	rv = localdb_record_each(db, REC_KIND_WEEKLY, 0, find_prev, &p);
	if (rv < 0)
		goto out;
	rv = BS_OK;
	if (p.best_monday != INT64_MIN) {
		if (strncmp(p.period, rep->period, 4) == 0 && rep->invested_ytd_fen < p.ytd) {
			money_format_wan(rep->invested_ytd_fen, a, sizeof a);
			money_format_wan(p.ytd, b, sizeof b);
			add(w, "本年累计完成投资 %s 万元低于上一期（%s）的 %s 万元 year-to-date investment "
			       "%s is lower than the previous report's (%s: %s); a cumulative figure "
			       "does not go down",
			    a, p.period, b, a, p.period, b);
		}
		if (rep->invested_total_fen < p.total) {
			money_format_wan(rep->invested_total_fen, a, sizeof a);
			money_format_wan(p.total, b, sizeof b);
			add(w, "开工累计完成投资 %s 万元低于上一期（%s）的 %s 万元 investment since the "
			       "start %s is lower than the previous report's (%s: %s)",
			    a, p.period, b, a, p.period, b);
		}
	}
out:
	baosong__v1__weekly_report__free_unpacked(rep, NULL);
	return rv;
}

struct name_ctx {
	const char *uid, *name;
	int64_t unit_id;
	char found[LDB_UID_MAX + 1];
};

static int find_name(void *ctx, const struct lrecord *r)
{
	struct name_ctx *c = ctx;
	Baosong__V1__Project *p;
	int hit;
	if (r->unit_id != c->unit_id || (c->uid && strcmp(r->uid, c->uid) == 0))
		return 0;
	p = baosong__v1__project__unpack(NULL, r->data_len,
					 r->data_len ? r->data : (const uint8_t *)"");
	if (!p)
		return 0;
	hit = p->name && strcmp(p->name, c->name) == 0;
	baosong__v1__project__free_unpacked(p, NULL);
	if (hit)
		snprintf(c->found, sizeof c->found, "%s", r->uid);
	return hit;
}

int entry_warn_project(struct localdb *db, const char *uid, int64_t unit_id, const char *name,
		       struct entry_warnings *w)
{
	struct name_ctx c;
	int rv;
	if (!name || !*name)
		return BS_OK;
	memset(&c, 0, sizeof c);
	c.uid = uid;
	c.name = name;
	c.unit_id = unit_id;
	rv = localdb_record_each(db, REC_KIND_PROJECT, 0, find_name, &c);
	if (rv < 0)
		return rv;
	if (c.found[0])
		add(w, "本单位已有同名项目 «%s»（%.8s）：是否重复录入？ a project of this name "
		       "already exists in this unit (%.8s): entered twice?",
		    name, c.found, c.found);
	return BS_OK;
}
