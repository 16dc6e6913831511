/* page_today.c - 今日待办, the start page: what this unit owes this week
 * and what waits for a person — returned records with the reviewer's
 * comment, changes the server refused, conflicts, photos not sent, and
 * the last sync.  Everything from the local database (client/core: due.c,
 * review.c, localdb), as of now (common/clock.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "due.h"
#include "field.h"
#include "layout.h"
#include "localdb.h"
#include "pages.h"
#include "review.h"
#include "syncrun.h"
#include "ui.h"

static void section_week(struct http_req *rq, struct hbuf *b, const struct due_summary *d)
{
	size_t i;

	hb_put(b, "<section class=\"card\" id=\"week\"><h2>本周周报</h2>");
	hb_printf(b, "<p><span class=\"big\">%u / %u</span> 个在建项目已填报 %s 周报</p>",
		  d->done, d->owed, d->week);
	hb_put(b, "<p>截止时间：");
	layout_time(b, d->deadline_ms);
	hb_put(b, d->deadline_passed ? " <span class=\"tag err\">已过截止时间，现在报送计为迟报</span>"
				     : " <span class=\"tag ok\">现在报送按时</span>");
	hb_put(b, "</p>");
	if (d->n_missing) {
		hb_put(b, "<h3>还没有本周周报的项目</h3><ul class=\"missing\">");
		for (i = 0; i < d->n_missing; i++) {
			hb_put(b, "<li>");
			hb_esc(b, d->missing[i].name);
			hb_put(b, " <a class=\"btn\" href=\"/weekly/edit?project=");
			hb_url(b, d->missing[i].uid);
			hb_put(b, "\">填报</a></li>");
		}
		hb_put(b, "</ul>");
	} else if (d->owed) {
		hb_put(b, "<p class=\"tag ok\">本周周报已全部填报</p>");
	}
	(void)rq;
	hb_put(b, "</section>");
}

static void section_late(struct hbuf *b, const struct due_summary *d)
{
	size_t i;

	if (d->n_late == 0)
		return;
	hb_put(b, "<section class=\"card\" id=\"late\"><h2>迟报</h2><table><thead><tr>"
		  "<th>项目</th><th>周</th><th>截止</th><th>收到</th></tr></thead><tbody>");
	for (i = 0; i < d->n_late && i < 50; i++) {
		hb_put(b, "<tr><td>");
		hb_esc(b, d->late[i].name);
		hb_put(b, "</td><td>");
		hb_esc(b, d->late[i].period);
		hb_put(b, "</td><td>");
		layout_time(b, d->late[i].deadline_ms);
		hb_put(b, "</td><td>");
		if (d->late[i].received_ms)
			layout_time(b, d->late[i].received_ms);
		else
			hb_put(b, "尚未报送");
		hb_put(b, "</td></tr>");
	}
	hb_put(b, "</tbody></table></section>");
}

static void section_returned(struct http_req *rq, struct hbuf *b)
{
	struct review_filter f = {.state = REVIEW_RETURNED};
	struct review_item *items = NULL;
	size_t n = 0, i;

	if (review_collect(rq->ui->app.db, &f, &items, &n) != 0 || n == 0) {
		free(items);
		return;
	}
	hb_put(b, "<section class=\"card wide\" id=\"returned\"><h2>被退回，需要修改</h2><table><thead><tr>"
		  "<th>类别</th><th>项目</th><th>期间</th><th>审核意见</th><th></th></tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		hb_put(b, "<tr><td>");
		hb_esc(b, items[i].kind_zh);
		hb_put(b, "</td><td>");
		hb_esc(b, items[i].project);
		hb_put(b, "</td><td>");
		hb_esc(b, items[i].period);
		hb_put(b, "</td><td class=\"comment\">");
		hb_esc(b, items[i].comment[0] ? items[i].comment : "（无意见）");
		hb_put(b, "</td><td><a class=\"btn pri\" href=\"");
		layout_edit_href(b, items[i].kind, items[i].uid);
		hb_put(b, "\">修改</a></td></tr>");
	}
	hb_put(b, "</tbody></table></section>");
	free(items);
}

struct list_ctx {
	struct http_req *rq;
	struct hbuf *b;
	unsigned n;
};

static int refused_row(void *ctx, const struct lop *op)
{
	struct list_ctx *c = ctx;
	char what[512];
	struct lrecord r;

	if (c->n++ == 0)
		hb_put(c->b, "<section class=\"card wide\" id=\"refused\"><h2>被服务器拒绝的修改</h2>"
			     "<table><thead><tr><th>记录</th><th>原因</th><th>时间</th><th></th></tr>"
			     "</thead><tbody>");
	memset(&r, 0, sizeof r);
	snprintf(what, sizeof what, "%s %.8s", field_kind_zh(op->kind), op->uid);
	if (localdb_record_get(c->rq->ui->app.db, op->uid, &r) == 0) {
		field_describe(c->rq->ui->app.db, &r, NULL, what, sizeof what);
		lrecord_free(&r);
	}
	hb_put(c->b, "<tr><td>");
	hb_esc(c->b, what);
	hb_put(c->b, "</td><td>");
	hb_esc(c->b, op->error_msg);
	hb_put(c->b, "</td><td>");
	layout_time(c->b, op->created_at);
	hb_put(c->b, "</td><td><div class=\"actions\"><a class=\"btn\" href=\"");
	layout_edit_href(c->b, op->kind, op->uid);
	hb_put(c->b, "\">修改后重报</a><form method=\"post\" action=\"/refused/discard\">");
	layout_csrf_input(c->rq, c->b);
	hb_printf(c->b, "<input type=\"hidden\" name=\"seq\" value=\"%" PRIu64 "\">"
			"<button type=\"submit\" data-confirm=\"放弃这项修改？本机将恢复为服务器上的版本。\">"
			"放弃这项修改</button></form></div></td></tr>",
		  op->seq);
	return 0;
}

static int conflict_row(void *ctx, const struct lconflict *cf)
{
	struct list_ctx *c = ctx;

	if (c->n++ == 0)
		hb_put(c->b, "<section class=\"card wide\" id=\"conflicts\"><h2>冲突：本机和服务器都改了同一条记录</h2>"
			     "<table><thead><tr><th>记录</th><th>时间</th><th></th></tr></thead><tbody>");
	hb_put(c->b, "<tr><td>");
	hb_escf(c->b, "%s %.8s", field_kind_zh(cf->kind), cf->uid);
	hb_put(c->b, "</td><td>");
	layout_time(c->b, cf->created_at);
	hb_printf(c->b, "</td><td><a class=\"btn pri\" href=\"/conflict?seq=%" PRIu64
			"\">逐项选择</a></td></tr>",
		  cf->seq);
	return 0;
}

static void section_sync(struct http_req *rq, struct hbuf *b, const struct due_summary *d)
{
	struct localdb *db = rq->ui->app.db;
	int64_t ok = 0;
	unsigned pending = 0, refused = 0, conflicts = 0;
	char err[SYNC_NOTE_MAX] = "";
	int64_t failed_ms = 0;
	int failed;

	localdb_meta_get_int(db, "last_sync_ok", &ok);
	failed = sync_last_failure(db, &failed_ms, err, sizeof err);
	localdb_counts(db, &pending, &refused, &conflicts);
	hb_put(b, "<section class=\"card\" id=\"sync\"><h2>同步</h2><p>上次成功同步：");
	layout_time(b, ok);
	hb_put(b, "</p>");
	if (failed) {
		hb_put(b, "<p class=\"msg\">上次同步失败（");
		layout_time(b, failed_ms);
		hb_put(b, "）：");
		hb_esc(b, err);
		hb_put(b, "</p>");
	}
	hb_printf(b, "<p>待报送的修改：<b>%u</b> 条</p>", pending);
	if (d->photos_unsent) {
		hb_printf(b, "<p>尚未上传的照片：<b>%u</b> 张（", d->photos_unsent);
		layout_bytes(b, d->photo_bytes_unsent);
		hb_put(b, "）</p>");
	}
	else
		hb_put(b, "<p>照片已全部上传</p>");
	hb_put(b, "<form method=\"post\" action=\"/sync/start\">");
	layout_csrf_input(rq, b);
	hb_put(b, "<button class=\"pri\" type=\"submit\">立即同步</button></form></section>");
}

/* What a reviewer's day starts with: the records waiting for review. */
static void section_review(struct http_req *rq, struct hbuf *b)
{
	size_t n = 0;

	if (!ui_role_in(rq->ui, UI_REVIEW_ROLES))
		return;
	review_count(rq->ui->app.db, REVIEW_PENDING, &n);
	hb_printf(b, "<section class=\"card\" id=\"to-review\"><h2>待审核</h2>"
		     "<p><span class=\"big\">%zu</span> 份报送等待审核</p>"
		     "<p><a class=\"btn pri\" href=\"/review\">去审核</a></p>"
		     "<p class=\"hint\">同步后可看到各单位最新报送的内容。</p></section>",
		  n);
}

/* The usual next steps, one click each. */
static void section_start(struct http_req *rq, struct hbuf *b)
{
	hb_put(b, "<section class=\"card\" id=\"start\"><h2>常用</h2><ul class=\"quick\">"
		  "<li><a href=\"/weekly\">填报本周周报</a></li>"
		  "<li><a href=\"/projects/edit\">新增项目</a></li>"
		  "<li><a href=\"/projects\">查看项目库</a></li>"
		  "<li><a href=\"/kinds\">月报、手续、问题等其他报表</a></li>"
		  "<li><a href=\"/import\">从 Excel/WPS 导入计划表</a></li>"
		  "<li><a href=\"/rank\">通报和排名</a></li></ul></section>");
	(void)rq;
}

void page_today(struct http_req *rq, struct http_resp *rs)
{
	struct due_summary d;
	struct list_ctx lc;
	struct hbuf *b = &rs->body;
	int rv;

	memset(&d, 0, sizeof d);
	if ((rv = due_load(rq->ui->app.db, rq->ui->srv.unit_id, bs_now_ms(), &d)) != 0) {
		due_free(&d);
		layout_error(rq, rs, 500, "读取本机数据库失败。", "Could not read the local database.");
		return;
	}
	layout_begin(rq, rs, "今日待办", "today");
	hb_put(b, "<div class=\"cards\">");
	section_review(rq, b);
	section_week(rq, b, &d);
	section_sync(rq, b, &d);
	section_start(rq, b);
	section_late(b, &d);
	hb_put(b, "</div>");
	section_returned(rq, b);
	lc = (struct list_ctx){rq, b, 0};
	localdb_quarantine_each(rq->ui->app.db, refused_row, &lc);
	if (lc.n)
		hb_put(b, "</tbody></table></section>");
	lc = (struct list_ctx){rq, b, 0};
	localdb_conflict_each(rq->ui->app.db, conflict_row, &lc);
	if (lc.n)
		hb_put(b, "</tbody></table></section>");
	layout_end(rq, rs);
	due_free(&d);
}
