/* page_weekly.c - 周报: one ISO week's report of each project (this week,
 * or ?week=2026-W47): the projects that owe one (due.h) and any other
 * project with a report that week, each with its figures, photos as
 * thumbnails, state, and a button to fill it in or change it.  The
 * deadline (Friday 12:00 Beijing) and whether it has passed are shown at
 * the top; reports that were or will be late (due_report_late) are
 * marked.  Only the week's reports are read (localdb_record_each_with),
 * not the years of them a device holds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baosong.pb-c.h"
#include "clock.h"
#include "due.h"
#include "err.h"
#include "field.h"
#include "layout.h"
#include "localdb.h"
#include "pages.h"
#include "period.h"
#include "records.h"
#include "ui.h"
#include "ui_rec.h"
#include "wire.h"

/* One report of the week, copied out of the walk. */
struct wrep {
	struct lrecord r;          /* state only: data not kept */
	char project_uid[REC_UID_LEN + 1];
	int64_t period_fen, ytd_fen, total_fen;
	unsigned percent;
	char progress[200];
	int late;
	int shown;
};

struct wlist {
	struct http_req *rq;
	struct hbuf *b;
	char week[16];
	struct wrep *reps;
	size_t n, cap;
	int64_t deadline, now;
	unsigned rows;
	int failed;
};

static int collect(void *ctx, const struct lrecord *r)
{
	struct wlist *wl = ctx;
	struct wire_arena a;
	Baosong__V1__WeeklyReport *w = (Baosong__V1__WeeklyReport *)field_unpack(
		&baosong__v1__weekly_report__descriptor, r, &a);
	struct wrep *e;

	if (!w)
		return 0;
	if (!w->period || strcmp(w->period, wl->week) != 0 || !w->project_uid ||
	    strlen(w->project_uid) > REC_UID_LEN)
		goto out;
	if (wl->n == wl->cap) {
		size_t nc = wl->cap ? wl->cap * 2 : 32;
		struct wrep *nr = realloc(wl->reps, nc * sizeof *nr);

		if (!nr) {
			wl->failed = 1;
			goto out;
		}
		wl->reps = nr;
		wl->cap = nc;
	}
	e = &wl->reps[wl->n];
	memset(e, 0, sizeof *e);
	e->r = *r;
	e->r.data = NULL;
	e->r.data_len = 0;
	e->r.attachments = NULL;
	if (r->n_attachments) {
		e->r.attachments = malloc(r->n_attachments * sizeof *r->attachments);
		if (!e->r.attachments) {
			wl->failed = 1;
			goto out;
		}
		memcpy(e->r.attachments, r->attachments, r->n_attachments * sizeof *r->attachments);
	}
	snprintf(e->project_uid, sizeof e->project_uid, "%s", w->project_uid);
	e->period_fen = w->invested_period_fen;
	e->ytd_fen = w->invested_ytd_fen;
	e->total_fen = w->invested_total_fen;
	e->percent = w->progress_percent;
	snprintf(e->progress, sizeof e->progress, "%s", w->progress ? w->progress : "");
	{
		int64_t received;

		e->late = due_report_late(r, wl->deadline, wl->now, &received);
	}
	wl->n++;
out:
	protobuf_c_message_free_unpacked(&w->base, &a.alloc);
	return 0;
}

static void report_cells(struct wlist *wl, struct wrep *e)
{
	struct hbuf *b = wl->b;

	e->shown = 1;
	hb_put(b, "<td class=\"num\">");
	hb_money(b, e->period_fen);
	hb_put(b, "</td><td class=\"num\">");
	hb_money(b, e->ytd_fen);
	hb_put(b, "</td><td class=\"num\">");
	hb_money(b, e->total_fen);
	hb_printf(b, "</td><td>%u%% ", e->percent);
	hb_esc(b, e->progress);
	hb_put(b, "</td><td>");
	ui_rec_thumbs(b, (const uint8_t(*)[LDB_HASH_LEN])e->r.attachments, e->r.n_attachments,
		      "无照片");
	hb_put(b, "</td><td>");
	ui_rec_state(b, &e->r);
	if (e->late)
		hb_put(b, " <span class=\"tag err\">迟报</span>");
	else if (e->r.n_attachments == 0)
		hb_put(b, " <span class=\"tag warn\" title=\"没有现场照片不计为按时\">缺照片</span>");
	hb_put(b, "</td><td><a class=\"btn\" href=\"");
	layout_edit_href(b, REC_KIND_WEEKLY, e->r.uid);
	hb_put(b, "\">修改</a></td>");
}

static int project_row(void *ctx, const struct lrecord *r)
{
	struct wlist *wl = ctx;
	struct hbuf *b = wl->b;
	struct wire_arena a;
	Baosong__V1__Project *p =
		(Baosong__V1__Project *)field_unpack(&baosong__v1__project__descriptor, r, &a);
	struct wrep *e = NULL;
	size_t i;
	int owes;

	if (!p)
		return 0;
	for (i = 0; i < wl->n && !e; i++)
		if (!strcmp(wl->reps[i].project_uid, r->uid))
			e = &wl->reps[i];
	owes = due_project_owes((int)p->stage);
	if (!e && !owes)
		goto out;
	wl->rows++;
	hb_put(b, "<tr><td>");
	hb_esc(b, p->name && *p->name ? p->name : "（未命名）");
	if (!owes)
		hb_put(b, " <span class=\"hint\">（非在建）</span>");
	hb_put(b, "</td>");
	if (e) {
		report_cells(wl, e);
	} else {
		hb_put(b, "<td colspan=\"6\" class=\"mut\">尚未填报</td><td>"
			  "<a class=\"btn pri\" href=\"/weekly/edit?project=");
		hb_url(b, r->uid);
		hb_put(b, "&amp;week=");
		hb_url(b, wl->week);
		hb_put(b, "\">填报</a></td>");
	}
	hb_put(b, "</tr>");
out:
	protobuf_c_message_free_unpacked(&p->base, &a.alloc);
	return 0;
}

void page_weekly(struct http_req *rq, struct http_resp *rs)
{
	struct localdb *db = rq->ui->app.db;
	struct hbuf *b = &rs->body;
	struct wlist wl;
	uint8_t needle[64];
	size_t nlen;
	const char *q = ui_filter(rq, "week");
	int64_t now = bs_now_ms(), monday, deadline;
	char prev[16], next[16];
	size_t i;
	int rv;

	memset(&wl, 0, sizeof wl);
	wl.rq = rq;
	wl.b = b;
	if (q != NULL && period_parse_week(q, &monday) == BS_OK) {
		period_format_week(monday, wl.week);
	} else {
		period_format_week(period_local_days(now), wl.week);
		if (period_parse_week(wl.week, &monday) != BS_OK) {
			layout_error(rq, rs, 500, "无法确定本周。", "Cannot tell this week.");
			return;
		}
	}
	period_format_week(monday - 7, prev);
	period_format_week(monday + 7, next);
	deadline = period_weekly_deadline_ms(monday);
	wl.deadline = deadline;
	wl.now = now;
	{
		/* The week's reports only: their data holds the period's encoding. */
		Baosong__V1__WeeklyReport key = BAOSONG__V1__WEEKLY_REPORT__INIT;

		key.period = wl.week;
		nlen = protobuf_c_message_pack(&key.base, needle);
	}
	if ((rv = localdb_record_each_with(db, REC_KIND_WEEKLY, needle, nlen, collect, &wl)) !=
		    BS_OK ||
	    wl.failed) {
		layout_error(rq, rs, 500, "读取本机数据库失败。", "Could not read the local database.");
		goto out;
	}
	layout_begin(rq, rs, "周报", "weekly");
	hb_put(b, "<form class=\"filters\" method=\"get\" action=\"/weekly\">"
		  "<a class=\"btn\" href=\"/weekly?week=");
	hb_url(b, prev);
	hb_put(b, "\">上一周</a><label for=\"w-week\">周次<input type=\"text\" id=\"w-week\" "
		  "name=\"week\" maxlength=\"8\" size=\"9\" pattern=\"[0-9]{4}-W[0-9]{2}\" value=\"");
	hb_esc(b, wl.week);
	hb_put(b, "\"></label><button type=\"submit\">查看</button><a class=\"btn\" href=\"/weekly?week=");
	hb_url(b, next);
	hb_put(b, "\">下一周</a><a class=\"btn\" href=\"/weekly\">本周</a></form>");
	hb_put(b, "<p id=\"deadline\">");
	hb_esc(b, wl.week);
	hb_put(b, " 周报截止时间：");
	layout_time(b, deadline);
	hb_put(b, now > deadline ? " <span class=\"tag err\">已过截止时间，现在报送计为迟报</span>"
				 : " <span class=\"tag ok\">现在报送按时</span>");
	hb_put(b, "</p><table id=\"weekly\"><thead><tr><th>项目</th>"
		  "<th class=\"num\">本期完成(万元)</th><th class=\"num\">本年累计(万元)</th>"
		  "<th class=\"num\">开工累计(万元)</th><th>形象进度</th><th>现场照片</th>"
		  "<th>状态</th><th></th></tr></thead><tbody>");
	if ((rv = localdb_record_each(db, REC_KIND_PROJECT, 0, project_row, &wl)) != BS_OK) {
		layout_error(rq, rs, 500, "读取本机数据库失败。", "Could not read the local database.");
		goto out;
	}
	if (wl.rows == 0)
		hb_put(b, "<tr><td colspan=\"8\" class=\"mut\">这一周没有在建项目，也没有周报。</td></tr>");
	hb_put(b, "</tbody></table>");
	for (i = 0; i < wl.n && wl.reps[i].shown; i++)
		;
	if (i < wl.n)
		hb_put(b, "<p class=\"msg\">有周报所属的项目不在本机（可能已删除）。</p>");
	hb_put(b, "<p class=\"mut\">没有现场照片的周报不计为按时；截止时间为每周五 12:00（北京时间）。</p>");
	layout_end(rq, rs);
out:
	for (i = 0; i < wl.n; i++)
		free(wl.reps[i].r.attachments);
	free(wl.reps);
}
