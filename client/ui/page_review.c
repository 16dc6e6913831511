/* page_review.c - 审核, the reviewer's pages: the queue (/review: unit,
 * project, period, key figures, photo thumbnails; filters by unit, kind,
 * period and state; approve, return or reopen the ticked records at
 * once), one record (/review/item?uid=U: every field beside the same
 * project's report of the period before, its photos full size, its
 * history, the same actions), and the two changes: POST /review/act
 * (the actions, sent to the server by client/core/review_act.c, the
 * code `baosong review` uses) and POST /review/fetch (the record's photos
 * fetched from the server into this device's cache, photocache.h).
 *
 * Who may review is the server's rule (reviewers, the statistics bureau,
 * leaders, administrators); the page is offered to the same roles and the
 * server still decides each request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "explain.h"
#include "field.h"
#include "layout.h"
#include "net.h"
#include "pages.h"
#include "photocache.h"
#include "records.h"
#include "review.h"
#include "review_act.h"
#include "ui.h"
#include "ui_rec.h"
#include "unitdir.h"

#define QUEUE_SHOW 500u       /* rows of the queue on one page */
#define THUMBS_SHOW 3u        /* thumbnails in a queue row */
#define ACT_TIMEOUT_MS 15000u /* one review request (the page waits for it) */
#define FETCH_TIMEOUT_MS 30000u
#define COMMENT_MAX 500u      /* bytes; the record keeps 511 */
#define BATCH_MAX 1000u       /* records in one POST */

/* What a re-rendered page keeps from the user and says about it. */
struct form_state {
	const char *comment;     /* the comment as typed */
	const char *comment_err; /* shown next to the comment field */
	const char *notice;      /* a notice at the top */
	const char *notice_kind; /* "ok", "warn", "error" */
	const char *const *checked; /* the ticked uids */
	size_t nchecked;
};

static int may_review(struct http_req *rq, struct http_resp *rs)
{
	if (ui_role_in(rq->ui, UI_REVIEW_ROLES))
		return 1;
	layout_error(rq, rs, 403, "审核只供发改局审核人员、统计局、领导和管理员使用。",
		     "Reviewing is for the bureau's reviewers, statistics, leaders and "
		     "administrators.");
	return 0;
}

/* ---- the filters ------------------------------------------------------------------------ */

struct filters {
	const char *unit, *kind, *period, *state; /* as in the query, NULL if absent */
	struct review_filter f;
	const char *bad; /* why a filter was ignored */
};

static const struct {
	const char *value, *label;
	int state;
} STATES[] = {
	{"pending", "待审核", REVIEW_PENDING},
	{"returned", "已退回", REVIEW_RETURNED},
	{"approved", "已通过", REVIEW_APPROVED},
	{"all", "全部", REVIEW_ANY},
};

static void filters_read(struct http_req *rq, struct filters *fl)
{
	int state;

	memset(fl, 0, sizeof *fl);
	fl->unit = ui_filter(rq, "unit");
	fl->kind = ui_filter(rq, "kind");
	fl->period = ui_filter(rq, "period");
	fl->state = ui_filter(rq, "state");
	fl->f.state = REVIEW_PENDING;
	state = fl->state ? review_state_parse(fl->state) : -1;
	if (state >= 0)
		fl->f.state = state;
	else
		fl->state = NULL;
	fl->f.unit = fl->unit;
	if (fl->kind && review_kind_parse(fl->kind))
		fl->f.kind = fl->kind;
	else if (fl->kind) {
		fl->bad = "不认识这个类别，已按全部类别列出。Unknown kind: all kinds are listed.";
		fl->kind = NULL;
	}
	fl->f.period = fl->period;
}

/* The filters as a query string ("unit=..&kind=..", values percent-encoded),
 * prefix before the first, sep between ("&amp;" in an href, "&" in a
 * header). */
static void filters_query(struct hbuf *b, const struct filters *fl, const char *prefix,
			  const char *sep)
{
	const char *names[] = {"unit", "kind", "period", "state"};
	const char *vals[] = {fl->unit, fl->kind, fl->period, fl->state};
	size_t i;
	int first = 1;

	for (i = 0; i < 4; i++) {
		if (!vals[i])
			continue;
		hb_put(b, first ? prefix : sep);
		hb_put(b, names[i]);
		hb_put(b, "=");
		hb_url(b, vals[i]);
		first = 0;
	}
}

static void filters_form(struct hbuf *b, const struct filters *fl, const struct unitdir_entry *u,
			 size_t nu)
{
	size_t i, nk;
	const struct rec_kind *k = records_kinds(&nk);

	hb_put(b, "<form class=\"filters\" method=\"get\" action=\"/review\" role=\"search\">"
		  "<div><label for=\"f-unit\">单位</label><select id=\"f-unit\" name=\"unit\">"
		  "<option value=\"\">全部单位</option>");
	for (i = 0; i < nu; i++) {
		hb_put(b, "<option value=\"");
		hb_esc(b, u[i].code);
		hb_put(b, fl->unit && !strcmp(fl->unit, u[i].code) ? "\" selected>" : "\">");
		hb_esc(b, u[i].name);
		hb_put(b, "</option>");
	}
	hb_put(b, "</select></div><div><label for=\"f-kind\">类别</label>"
		  "<select id=\"f-kind\" name=\"kind\"><option value=\"\">全部类别</option>");
	for (i = 0; i < nk; i++) {
		if (!k[i].reviewed)
			continue;
		hb_printf(b, "<option value=\"%s\"%s>", k[i].name,
			  fl->kind && review_kind_parse(fl->kind) == k[i].name ? " selected" : "");
		hb_esc(b, k[i].label_zh);
		hb_put(b, "</option>");
	}
	hb_put(b, "</select></div><div><label for=\"f-period\">期间</label>"
		  "<input id=\"f-period\" type=\"text\" name=\"period\" size=\"10\" "
		  "placeholder=\"2026-W47\" value=\"");
	hb_esc(b, fl->period ? fl->period : "");
	hb_put(b, "\"></div><div><label for=\"f-state\">状态</label>"
		  "<select id=\"f-state\" name=\"state\">");
	for (i = 0; i < sizeof STATES / sizeof STATES[0]; i++)
		hb_printf(b, "<option value=\"%s\"%s>%s</option>", STATES[i].value,
			  STATES[i].state == fl->f.state ? " selected" : "", STATES[i].label);
	hb_put(b, "</select></div><div><button type=\"submit\">筛选</button></div></form>");
}

/* ---- the queue -------------------------------------------------------------------------- */

static int is_checked(const struct form_state *fs, const char *uid)
{
	size_t i;

	for (i = 0; fs && i < fs->nchecked; i++)
		if (!strcmp(fs->checked[i], uid))
			return 1;
	return 0;
}

static void thumbs(struct hbuf *b, struct http_req *rq, const struct review_item *it)
{
	struct lrecord r;
	size_t i;

	if (it->photos == 0) {
		hb_put(b, "<span class=\"mut\">无</span>");
		return;
	}
	if (localdb_record_get(rq->ui->app.db, it->uid, &r) != BS_OK) {
		hb_printf(b, "%u 张", it->photos);
		return;
	}
	hb_put(b, "<div class=\"thumbs\">");
	for (i = 0; i < r.n_attachments && i < THUMBS_SHOW; i++)
		photo_img(b, rq->ui, r.attachments[i], "现场照片");
	if (r.n_attachments > THUMBS_SHOW)
		hb_printf(b, "<span class=\"mut\">+%zu</span>", r.n_attachments - THUMBS_SHOW);
	hb_put(b, "</div>");
	lrecord_free(&r);
}

static void comment_field(struct hbuf *b, const struct form_state *fs, const char *label)
{
	hb_printf(b, "<div class=\"field%s\"><label for=\"comment\">%s</label>"
		     "<textarea id=\"comment\" name=\"comment\" maxlength=\"%u\"%s>",
		  fs && fs->comment_err ? " bad" : "", label, COMMENT_MAX,
		  fs && fs->comment_err ? " aria-invalid=\"true\" aria-describedby=\"comment-msg\"" : "");
	hb_esc(b, fs && fs->comment ? fs->comment : "");
	hb_put(b, "</textarea>");
	if (fs && fs->comment_err) {
		hb_put(b, "<div class=\"msg\" id=\"comment-msg\">");
		hb_esc(b, fs->comment_err);
		hb_put(b, "</div>");
	}
	hb_put(b, "<div class=\"hint\">退回时必须写明要改什么；单位下次同步时看到。"
		  "A return needs a comment: the unit sees it on its next sync.</div></div>");
}

static void queue_table(struct http_req *rq, struct hbuf *b, const struct review_item *items,
			size_t n, const struct form_state *fs)
{
	size_t i;

	hb_put(b, "<table class=\"queue\"><thead><tr><th><input type=\"checkbox\" id=\"all\" "
		  "data-all=\"uid\" aria-label=\"全选\"></th><th>单位</th><th>类别</th><th>项目</th>"
		  "<th>期间</th><th>主要数字（万元）</th><th>照片</th><th>状态</th><th>意见</th>"
		  "</tr></thead><tbody>");
	for (i = 0; i < n && i < QUEUE_SHOW; i++) {
		const struct review_item *it = &items[i];

		hb_put(b, "<tr><td><input type=\"checkbox\" name=\"uid\" value=\"");
		hb_esc(b, it->uid);
		hb_put(b, "\" id=\"c-");
		hb_esc(b, it->uid);
		hb_printf(b, "\"%s aria-label=\"选择 ", is_checked(fs, it->uid) ? " checked" : "");
		hb_esc(b, it->project);
		hb_put(b, "\"></td><td>");
		hb_esc(b, it->unit_name);
		hb_put(b, "</td><td>");
		hb_esc(b, it->kind_zh);
		hb_put(b, "</td><td><a href=\"/review/item?uid=");
		hb_url(b, it->uid);
		hb_put(b, "\">");
		hb_esc(b, it->project[0] ? it->project : "（未命名）");
		hb_put(b, "</a></td><td>");
		hb_esc(b, it->period);
		hb_put(b, "</td><td>");
		hb_esc(b, it->figures);
		hb_put(b, "</td><td>");
		thumbs(b, rq, it);
		hb_printf(b, "</td><td><span class=\"tag %s\">",
			  it->status == REVIEW_APPROVED	  ? "ok"
			  : it->status == REVIEW_RETURNED ? "err"
							  : "warn");
		hb_esc(b, review_state_zh(it->status, it->locked));
		hb_put(b, "</span></td><td class=\"comment\">");
		hb_esc(b, it->comment);
		hb_put(b, "</td></tr>");
	}
	hb_put(b, "</tbody></table>");
	if (n > QUEUE_SHOW)
		hb_printf(b, "<p class=\"hint\">只列出前 %u 条，共 %zu 条：请用上面的条件筛选。"
			     "Only the first %u of %zu are listed: filter.</p>",
			  QUEUE_SHOW, n, QUEUE_SHOW, n);
}

/* "下载照片": every photo of the listed records not on this device yet. */
static void fetch_form(struct http_req *rq, struct hbuf *b, const struct filters *fl,
		       const struct review_item *items, size_t n)
{
	size_t i, j, missing = 0;

	for (i = 0; i < n && i < QUEUE_SHOW; i++) {
		struct lrecord r;
		if (!items[i].photos || localdb_record_get(rq->ui->app.db, items[i].uid, &r) != BS_OK)
			continue;
		for (j = 0; j < r.n_attachments; j++)
			missing += !photo_here(rq->ui, r.attachments[j]);
		lrecord_free(&r);
	}
	if (!missing)
		return;
	hb_put(b, "<form method=\"post\" class=\"actions\" action=\"/review/fetch");
	filters_query(b, fl, "?", "&amp;");
	hb_put(b, "\">");
	layout_csrf_input(rq, b);
	for (i = 0; i < n && i < QUEUE_SHOW; i++) {
		if (!items[i].photos)
			continue;
		hb_put(b, "<input type=\"hidden\" name=\"uid\" value=\"");
		hb_esc(b, items[i].uid);
		hb_put(b, "\">");
	}
	hb_printf(b, "<button type=\"submit\">从服务器下载照片（%zu 张）</button>"
		     "<span class=\"hint\">本机还没有这些照片的文件。</span></form>", missing);
}

static void render_list(struct http_req *rq, struct http_resp *rs, const struct form_state *fs,
			int status)
{
	struct hbuf *b = &rs->body;
	struct filters fl;
	struct unitdir_entry *u = NULL;
	struct review_item *items = NULL;
	size_t nu = 0, n = 0;
	int rv;

	filters_read(rq, &fl);
	if (unitdir_load(rq->ui->app.db, &u, &nu) != BS_OK ||
	    ((rv = review_collect(rq->ui->app.db, &fl.f, &items, &n)) != BS_OK &&
	     rv != BS_E_NOTFOUND)) {
		free(u);
		free(items);
		layout_error(rq, rs, 500, "读取本机数据库失败。", "Could not read the local database.");
		return;
	}
	if (rv == BS_E_NOTFOUND)
		fl.bad = "本机没有这个单位（先同步）。No such unit on this device (sync first).";
	if (status)
		rs->status = status;
	layout_begin(rq, rs, "审核", "review");
	if (fs && fs->notice)
		layout_notice(b, fs->notice_kind ? fs->notice_kind : "error", fs->notice);
	if (fl.bad)
		layout_notice(b, "warn", fl.bad);
	filters_form(b, &fl, u, nu);
	hb_printf(b, "<p>共 <b>%zu</b> 条。先<a href=\"/sync\">同步</a>才能看到最新报送；"
		     "审核直接提交到县服务器。</p>", n);
	if (n == 0) {
		hb_put(b, "<p class=\"notice ok\">没有符合条件的记录。</p>");
	} else {
		fetch_form(rq, b, &fl, items, n);
		hb_put(b, "<form method=\"post\" action=\"/review/act");
		filters_query(b, &fl, "?", "&amp;");
		hb_put(b, "\">");
		layout_csrf_input(rq, b);
		hb_put(b, "<div class=\"actions\"><button class=\"pri\" type=\"submit\" "
			  "name=\"action\" value=\"approve\">通过所选</button>"
			  "<span class=\"hint\">勾选表头的方框可全选。</span></div>");
		queue_table(rq, b, items, n, fs);
		comment_field(b, fs, "退回或重新开放的意见");
		hb_put(b, "<div class=\"actions\"><button type=\"submit\" name=\"action\" "
			  "value=\"return\">退回所选</button><button type=\"submit\" name=\"action\" "
			  "value=\"reopen\">重新开放所选</button></div></form>");
	}
	layout_end(rq, rs);
	free(u);
	free(items);
}

void page_review(struct http_req *rq, struct http_resp *rs)
{
	if (may_review(rq, rs))
		render_list(rq, rs, NULL, 0);
}

/* ---- one record --------------------------------------------------------------------------- */

/* Field f of m as shown: money in 万元, a project by its name. */
static void field_value(struct localdb *db, const char *kind, const ProtobufCMessage *m,
			const ProtobufCFieldDescriptor *f, char *out, size_t cap)
{
	out[0] = '\0';
	if (!m)
		return;
	if (field_ref_kind(f) && field_text(m, f)[0]) {
		field_project_name(db, field_text(m, f), out, cap);
		if (out[0])
			return;
	}
	field_format(kind, m, f, FMT_SHOW, out, cap);
	if (out[0] && field_kind(f) == FK_MONEY && strlen(out) + 8 < cap)
		strcat(out, " 万元");
}

static void fields_table(struct hbuf *b, struct localdb *db, const char *kind,
			 const ProtobufCMessage *cur, const ProtobufCMessage *prev,
			 const char *cur_period, const char *prev_period)
{
	const ProtobufCMessageDescriptor *d = cur->descriptor;
	char a[2048], p[2048];
	unsigned i;

	hb_put(b, "<table class=\"fields\"><thead><tr><th>字段</th><th>本期 ");
	hb_esc(b, cur_period);
	hb_put(b, "</th>");
	if (prev) {
		hb_put(b, "<th>上期 ");
		hb_esc(b, prev_period);
		hb_put(b, "</th>");
	}
	hb_put(b, "</tr></thead><tbody>");
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		enum fk k = field_kind(f);
		int num = k == FK_MONEY || k == FK_BP || k == FK_SINT || k == FK_UINT;

		if (k == FK_NONE || k == FK_HASH)
			continue;
		field_value(db, kind, cur, f, a, sizeof a);
		field_value(db, kind, prev, f, p, sizeof p);
		if (!a[0] && !p[0])
			continue;
		hb_put(b, "<tr><th scope=\"row\">");
		/* a field without a Chinese label of its own: the period's is known */
		hb_esc(b, strcmp(field_zh(kind, f->name), f->name) ? field_zh(kind, f->name)
			  : !strcmp(f->name, "period")		    ? "报送期间"
								    : f->name);
		hb_printf(b, "</th><td%s>", num ? " class=\"num\"" : "");
		hb_esc(b, a);
		hb_put(b, "</td>");
		if (prev) {
			hb_printf(b, "<td class=\"%s%s\">", num ? "num" : "",
				  strcmp(a, p) && num ? " changed" : "");
			hb_esc(b, p);
			hb_put(b, "</td>");
		}
		hb_put(b, "</tr>");
	}
	hb_put(b, "</tbody></table>");
}

struct event {
	int64_t ms;
	const char *what;
	char text[600];
};

static int event_cmp(const void *x, const void *y)
{
	const struct event *a = x, *b = y;
	return a->ms < b->ms ? -1 : a->ms > b->ms;
}

/* What this device knows of the record's way: received, complete, last
 * changed, reviewed (what `baosong KIND show` prints), oldest first. */
static void history(struct hbuf *b, const struct lrecord *r)
{
	struct event ev[4];
	size_t n = 0, i;

	memset(ev, 0, sizeof ev);
	if (r->created_at > 0)
		ev[n++] = (struct event){r->created_at, "服务器收到", ""};
	if (r->complete_at > 0 && r->complete_at != r->created_at)
		ev[n++] = (struct event){r->complete_at, "资料齐全（含照片）", ""};
	if (r->updated_at > 0)
		ev[n++] = (struct event){r->updated_at, "最后修改", ""};
	if (r->reviewed_at > 0) {
		ev[n] = (struct event){r->reviewed_at, review_state_zh(r->review_status, r->locked), ""};
		if (r->review_comment[0])
			snprintf(ev[n].text, sizeof ev[n].text, "意见：%s", r->review_comment);
		n++;
	}
	qsort(ev, n, sizeof ev[0], event_cmp);
	hb_put(b, "<section class=\"card\" id=\"history\"><h2>记录经过</h2><ol class=\"history\">");
	for (i = 0; i < n; i++) {
		hb_put(b, "<li><time>");
		layout_time(b, ev[i].ms);
		hb_put(b, "</time> ");
		hb_esc(b, ev[i].what);
		if (ev[i].text[0]) {
			hb_put(b, " <span class=\"comment\">");
			hb_esc(b, ev[i].text);
			hb_put(b, "</span>");
		}
		hb_put(b, "</li>");
	}
	if (n == 0)
		hb_put(b, "<li>服务器尚未收到这条记录。</li>");
	hb_put(b, "</ol>");
	hb_printf(b, "<p class=\"hint\">服务器版本 %llu", (unsigned long long)r->rev);
	if (r->pending)
		hb_printf(b, "；本机有 %u 项修改待发送", r->pending);
	hb_put(b, "。每次审核都记入县服务器的审计日志。</p></section>");
}

static void photos(struct hbuf *b, struct http_req *rq, const struct lrecord *r)
{
	size_t i, missing = 0;

	hb_printf(b, "<section class=\"card wide\" id=\"photos\"><h2>现场照片（%zu 张）</h2>",
		  r->n_attachments);
	if (r->n_attachments == 0) {
		hb_put(b, "<p>这条记录没有照片。</p></section>");
		return;
	}
	for (i = 0; i < r->n_attachments; i++)
		missing += !photo_here(rq->ui, r->attachments[i]);
	if (missing) {
		hb_printf(b, "<p>本机还没有其中 %zu 张照片。</p><form method=\"post\" "
			     "action=\"/review/fetch\">", missing);
		layout_csrf_input(rq, b);
		hb_put(b, "<input type=\"hidden\" name=\"back\" value=\"item\">"
			  "<input type=\"hidden\" name=\"uid\" value=\"");
		hb_esc(b, r->uid);
		hb_put(b, "\"><button type=\"submit\">从服务器下载照片</button></form>");
	}
	hb_put(b, "<div class=\"photo-full\">");
	for (i = 0; i < r->n_attachments; i++) {
		hb_printf(b, "<figure>");
		photo_img(b, rq->ui, r->attachments[i], "现场照片");
		hb_printf(b, "<figcaption>照片 %zu</figcaption></figure>", i + 1);
	}
	hb_put(b, "</div></section>");
}

static void item_actions(struct hbuf *b, struct http_req *rq, const struct review_item *it,
			 const struct form_state *fs)
{
	hb_put(b, "<section class=\"card wide\" id=\"act\"><h2>审核</h2>"
		  "<form method=\"post\" action=\"/review/act\">");
	layout_csrf_input(rq, b);
	hb_put(b, "<input type=\"hidden\" name=\"back\" value=\"item\">"
		  "<input type=\"hidden\" name=\"uid\" value=\"");
	hb_esc(b, it->uid);
	hb_put(b, "\">");
	comment_field(b, fs, "审核意见");
	hb_put(b, "<div class=\"actions\">");
	if (it->status != REVIEW_APPROVED && !it->locked)
		hb_put(b, "<button class=\"pri\" type=\"submit\" name=\"action\" value=\"approve\">"
			  "通过</button><button type=\"submit\" name=\"action\" value=\"return\">"
			  "退回修改</button>");
	if (it->status == REVIEW_APPROVED || it->status == REVIEW_RETURNED || it->locked)
		hb_put(b, "<button type=\"submit\" name=\"action\" value=\"reopen\" "
			  "data-confirm=\"重新开放后单位可以再修改这条记录。继续？\">重新开放</button>");
	hb_put(b, "<a class=\"btn\" href=\"/review\">回到审核列表</a></div></form></section>");
}

static void render_item(struct http_req *rq, struct http_resp *rs, const char *uid,
			const struct form_state *fs, int status)
{
	struct localdb *db = rq->ui->app.db;
	struct hbuf *b = &rs->body;
	struct review_item it, pit;
	struct lrecord r, pr;
	struct wire_arena a, pa;
	ProtobufCMessage *m = NULL, *pm = NULL;
	const struct rec_kind *k;
	char prev[REC_UID_LEN + 1], title[600];
	int have_prev = 0, rv;

	if (!uid || !records_uid_valid(uid) || (rv = review_item_of(db, uid, &it)) == BS_E_NOTFOUND) {
		layout_error(rq, rs, 404, "本机没有这条记录（先同步）。",
			     "No such record on this device (sync first).");
		return;
	}
	if (rv == BS_E_INVAL) {
		layout_error(rq, rs, 404, "这条记录不经审核。", "This record is not reviewed.");
		return;
	}
	if (rv != BS_OK || localdb_record_get(db, uid, &r) != BS_OK) {
		layout_error(rq, rs, 500, "读取本机数据库失败。", "Could not read the local database.");
		return;
	}
	k = records_kind(r.kind);
	m = k ? field_unpack(k->desc, &r, &a) : NULL;
	if (m && review_previous(db, uid, prev) == BS_OK && localdb_record_get(db, prev, &pr) == BS_OK) {
		have_prev = 1;
		pm = field_unpack(k->desc, &pr, &pa);
		if (review_item_of(db, prev, &pit) != BS_OK)
			memset(&pit, 0, sizeof pit);
	}
	if (status)
		rs->status = status;
	snprintf(title, sizeof title, "审核：%s %s %s", it.kind_zh, it.project, it.period);
	layout_begin(rq, rs, title, "review");
	if (fs && fs->notice)
		layout_notice(b, fs->notice_kind ? fs->notice_kind : "error", fs->notice);
	hb_put(b, "<p class=\"summary\">");
	hb_esc(b, it.unit_name);
	hb_put(b, " · ");
	hb_esc(b, it.kind_zh);
	hb_put(b, " · 状态 <span class=\"tag ");
	hb_put(b, it.status == REVIEW_APPROVED ? "ok" : it.status == REVIEW_RETURNED ? "err" : "warn");
	hb_put(b, "\" id=\"state\">");
	hb_esc(b, review_state_zh(it.status, it.locked));
	hb_put(b, "</span>");
	if (it.comment[0]) {
		hb_put(b, " · 意见：<span class=\"comment\">");
		hb_esc(b, it.comment);
		hb_put(b, "</span>");
	}
	hb_put(b, "</p><div class=\"side\"><section class=\"card\" id=\"figures\"><h2>报送内容</h2>");
	if (m)
		fields_table(b, db, r.kind, m, pm, it.period, have_prev ? pit.period : "");
	else
		hb_put(b, "<p class=\"msg\">本机保存的这条记录无法解析。The stored record cannot be read.</p>");
	if (m && !pm && k && k->period_field)
		hb_put(b, "<p class=\"hint\">本机没有同一项目上一期的报告。</p>");
	hb_put(b, "</section>");
	history(b, &r);
	hb_put(b, "</div>");
	item_actions(b, rq, &it, fs);
	photos(b, rq, &r);
	layout_end(rq, rs);
	if (pm)
		protobuf_c_message_free_unpacked(pm, &pa.alloc);
	if (have_prev)
		lrecord_free(&pr);
	if (m)
		protobuf_c_message_free_unpacked(m, &a.alloc);
	lrecord_free(&r);
}

void page_review_item(struct http_req *rq, struct http_resp *rs)
{
	if (may_review(rq, rs))
		render_item(rq, rs, http_query(rq, "uid"), NULL, 0);
}

/* ---- the changes -------------------------------------------------------------------------- */

static int action_parse(const char *s)
{
	if (!s)
		return 0;
	if (!strcmp(s, "approve"))
		return REVIEW_ACT_APPROVE;
	if (!strcmp(s, "return"))
		return REVIEW_ACT_RETURN;
	if (!strcmp(s, "reopen"))
		return REVIEW_ACT_REOPEN;
	return 0;
}

static void rerender(struct http_req *rq, struct http_resp *rs, int item, const char *uid,
		     const struct form_state *fs, int status)
{
	if (item)
		render_item(rq, rs, uid, fs, status);
	else
		render_list(rq, rs, fs, status);
}

void page_review_act(struct http_req *rq, struct http_resp *rs)
{
	const char *comment = http_text(rq, "comment"), *back = http_text(rq, "back");
	const char **uids = NULL;
	struct form_state fs;
	char msg[768] = "", note[1200];
	struct session s;
	size_t n = 0, i, done = 0;
	int action = action_parse(http_text(rq, "action"));
	int item = back && !strcmp(back, "item"), rv = BS_OK;

	if (!may_review(rq, rs))
		return;
	memset(&fs, 0, sizeof fs);
	fs.comment = comment;
	if (!(uids = calloc(rq->n_fields ? rq->n_fields : 1, sizeof *uids))) {
		layout_error(rq, rs, 500, "内存不足。", "Out of memory.");
		return;
	}
	for (i = 0; i < rq->n_fields; i++)
		if (!strcmp(rq->fields[i].name, "uid") && !rq->fields[i].filename &&
		    records_uid_valid((const char *)rq->fields[i].data))
			uids[n++] = (const char *)rq->fields[i].data;
	fs.checked = uids;
	fs.nchecked = n;
	if (!action) {
		fs.notice = "请选择“通过”“退回”或“重新开放”。Choose approve, return or reopen.";
		rerender(rq, rs, item, n ? uids[0] : NULL, &fs, 422);
		goto out;
	}
	if (n == 0 || n > BATCH_MAX) {
		fs.notice = n ? "一次最多审核 1000 条。At most 1000 records at once."
			      : "请先勾选要审核的记录。Tick the records first.";
		rerender(rq, rs, 0, NULL, &fs, 422);
		goto out;
	}
	if (comment && strlen(comment) > COMMENT_MAX) {
		fs.comment_err = "意见太长（最多 500 字节，约 160 个汉字）。The comment is too long.";
		rerender(rq, rs, item, uids[0], &fs, 422);
		goto out;
	}
	if (action == REVIEW_ACT_RETURN && (!comment || !comment[strspn(comment, " \t\r\n")])) {
		fs.comment_err = "请写明退回意见：单位需要知道改什么。Give a comment: the unit needs "
				 "to know what to fix.";
		rerender(rq, rs, item, uids[0], &fs, 422);
		goto out;
	}
	memset(&s, 0, sizeof s);
	if ((rv = app_connect(&rq->ui->app, &rq->ui->srv, &s, ACT_TIMEOUT_MS, 0)) != BS_OK) {
		client_explain(rv, EXPLAIN_CONNECT, rq->ui->srv.addr,
			       s.server.error ? s.server.error_message : NULL, msg, sizeof msg);
		fs.notice = msg;
		rerender(rq, rs, item, uids[0], &fs, 502);
		goto out;
	}
	for (i = 0; i < n; i++) {
		char one[768];
		int r1 = review_act_one(rq->ui->app.db, &s, rq->ui->srv.addr, action, uids[i],
					comment, NULL, NULL, one, sizeof one);
		if (r1 == BS_OK) {
			done++;
			continue;
		}
		if (rv == BS_OK) {
			rv = r1;
			snprintf(msg, sizeof msg, "%s", one);
		}
		if (review_act_conn_lost(r1))
			break;
	}
	session_close(&s);
	if (rv == BS_OK) {
		struct hbuf q;
		struct filters fl;

		if (item) {
			http_redirect(rs, "/review/item?uid=%s&ok=reviewed", uids[0]);
			goto out;
		}
		hb_init(&q);
		filters_read(rq, &fl);
		hb_put(&q, "/review?ok=reviewed");
		filters_query(&q, &fl, "&", "&");
		http_redirect(rs, "%s", hb_failed(&q) ? "/review?ok=reviewed" : q.p);
		hb_free(&q);
		goto out;
	}
	snprintf(note, sizeof note, "%s %zu 条，未完成 %zu 条 (%zu done, %zu not done)：%s",
		 review_act_done(action), done, n - done, done, n - done, msg);
	fs.notice = note;
	rerender(rq, rs, item, uids[0], &fs, review_act_conn_lost(rv) ? 502 : 409);
out:
	free(uids);
}

void page_review_fetch(struct http_req *rq, struct http_resp *rs)
{
	const char *back = http_text(rq, "back"), *first = NULL;
	uint8_t(*hashes)[LDB_HASH_LEN] = NULL;
	size_t n = 0, cap = 0, i, j;
	struct form_state fs;
	char msg[768] = "";
	unsigned got = 0;
	int item = back && !strcmp(back, "item"), rv = BS_OK;

	if (!may_review(rq, rs))
		return;
	/* Every photo of every record named (uid fields), at most BATCH_MAX records. */
	for (i = 0, j = 0; i < rq->n_fields && j < BATCH_MAX && rv == BS_OK; i++) {
		const char *uid = (const char *)rq->fields[i].data;
		struct lrecord r;

		if (strcmp(rq->fields[i].name, "uid") || rq->fields[i].filename ||
		    !records_uid_valid(uid) || localdb_record_get(rq->ui->app.db, uid, &r) != BS_OK)
			continue;
		j++;
		if (!first)
			first = uid;
		if (n + r.n_attachments > cap) {
			size_t nc = (n + r.n_attachments) * 2;
			uint8_t(*nh)[LDB_HASH_LEN] = realloc(hashes, nc * sizeof *nh);
			if (!nh)
				rv = BS_E_NOMEM;
			else {
				hashes = nh;
				cap = nc;
			}
		}
		if (rv == BS_OK && r.n_attachments) {
			memcpy(hashes[n], r.attachments, r.n_attachments * sizeof *hashes);
			n += r.n_attachments;
		}
		lrecord_free(&r);
	}
	if (rv != BS_OK) {
		free(hashes);
		layout_error(rq, rs, 500, "内存不足。", "Out of memory.");
		return;
	}
	if (!first) {
		free(hashes);
		layout_error(rq, rs, 404, "本机没有这条记录（先同步）。",
			     "No such record on this device (sync first).");
		return;
	}
	rv = photocache_fetch(&rq->ui->app, &rq->ui->srv, (const uint8_t(*)[LDB_HASH_LEN])hashes, n,
			      FETCH_TIMEOUT_MS, &got, msg, sizeof msg);
	free(hashes);
	if (rv == BS_OK && item) {
		http_redirect(rs, "/review/item?uid=%s&ok=fetched", first);
		return;
	}
	if (rv == BS_OK) {
		struct hbuf q;
		struct filters fl;

		hb_init(&q);
		filters_read(rq, &fl);
		hb_put(&q, "/review?ok=fetched");
		filters_query(&q, &fl, "&", "&");
		http_redirect(rs, "%s", hb_failed(&q) ? "/review?ok=fetched" : q.p);
		hb_free(&q);
		return;
	}
	memset(&fs, 0, sizeof fs);
	fs.notice = msg;
	rerender(rq, rs, item, first, &fs, 502);
}
