/* page_weekly_edit.c - 周报 form: /weekly/edit?uid=U changes a report,
 * /weekly/edit?project=P[&week=2026-W47] writes a new one (this week by
 * default), its figures pre-filled from the project's latest earlier
 * report.  Site photos are uploaded from the PC (several at once, previews
 * by app.js), checked to be images by their first bytes
 * (attach_image_type_buf), and kept in the attachment store through
 * save.h like photos named on the command line; the photos a report has
 * are shown as thumbnails (/photo), each with a box to take it off.  Whether it will count as on time is
 * shown at once: the week's deadline (Friday 12:00 Beijing) and the
 * warnings entry_warn_weekly gives for the report as it stands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "baosong.pb-c.h"
#include "clock.h"
#include "entry.h"
#include "err.h"
#include "field.h"
#include "layout.h"
#include "localdb.h"
#include "pages.h"
#include "period.h"
#include "records.h"
#include "save.h"
#include "ui.h"
#include "ui_form.h"
#include "ui_rec.h"
#include "wire.h"

#define PHOTOS_INPUT "photos"
#define DROP_INPUT "drop_photo"

/* The project's report of a week, and its latest report before it. */
struct find_week {
	const char *project_uid;
	const char *week;          /* canonical "2026-W47" */
	char same[LDB_UID_MAX + 1];
	char prev[LDB_UID_MAX + 1];
	char prev_week[16];
};

static int find_week(void *ctx, const struct lrecord *r)
{
	struct find_week *fw = ctx;
	struct wire_arena a;
	Baosong__V1__WeeklyReport *w = (Baosong__V1__WeeklyReport *)field_unpack(
		&baosong__v1__weekly_report__descriptor, r, &a);
	int64_t monday;
	char week[16];

	if (!w)
		return 0;
	if (w->project_uid && !strcmp(w->project_uid, fw->project_uid) && w->period &&
	    period_parse_week(w->period, &monday) == BS_OK) {
		period_format_week(monday, week);
		if (!strcmp(week, fw->week))
			snprintf(fw->same, sizeof fw->same, "%s", r->uid);
		else if (strcmp(week, fw->week) < 0 && strcmp(week, fw->prev_week) > 0) {
			snprintf(fw->prev, sizeof fw->prev, "%s", r->uid);
			snprintf(fw->prev_week, sizeof fw->prev_week, "%s", week);
		}
	}
	protobuf_c_message_free_unpacked(&w->base, &a.alloc);
	return 0;
}

struct wpage {
	struct http_req *rq;
	struct ui_form uf;
	struct form fm;
	/* the report edited, or none */
	struct lrecord rec;
	Baosong__V1__WeeklyReport *old;
	struct wire_arena arena;
	char project_uid[LDB_UID_MAX + 1];
	char project_name[REC_NAME_MAX + 1];
	char week[16];
	char prefilled_from[16];  /* the week the values came from */
	char photo_msg[UI_FORM_MSG];
	unsigned uploaded;        /* photos received with this POST */
};

static void wpage_free(struct wpage *p)
{
	form_free(&p->fm);
	ui_form_free(&p->uf);
	if (p->old) {
		protobuf_c_message_free_unpacked(&p->old->base, &p->arena.alloc);
		lrecord_free(&p->rec);
	}
}

/* The report as it stands in the form, for the warnings: 0 and *data
 * (malloc'd) if the values make a record. */
static int current(struct wpage *p, uint8_t **data, size_t *len)
{
	struct form fm;
	struct ui_form probe;
	ProtobufCMessage *m;
	int rv = BS_E_INVAL;

	*data = NULL;
	if (form_init(&fm, REC_KIND_WEEKLY, p->rq->ui->app.db) != BS_OK)
		return BS_E_INVAL;
	probe = p->uf; /* the values only (a weekly report has no file entries) */
	probe.ntmp = 0;
	probe.bad[0] = probe.msg[0] = '\0';
	if ((m = form_message(&fm, p->old ? &p->old->base : NULL)) != NULL &&
	    ui_form_apply(&probe, &fm, m, p->old ? &p->old->base : NULL) == BS_OK) {
		*len = protobuf_c_message_get_packed_size(m);
		if ((*data = malloc(*len ? *len : 1)) != NULL) {
			*len = protobuf_c_message_pack(m, *data);
			rv = BS_OK;
		}
	}
	form_free(&fm);
	return rv;
}

static void on_time(struct wpage *p, struct hbuf *b)
{
	struct entry_warnings w;
	int64_t monday, now = bs_now_ms(), deadline;
	uint8_t *data = NULL;
	size_t len = 0, natt = p->old ? p->rec.n_attachments : 0;
	unsigned i;

	hb_put(b, "<section class=\"card\" id=\"ontime\"><h2>是否按时</h2>");
	if (period_parse_week(p->week, &monday) != BS_OK) {
		hb_put(b, "<p>请填写周次，如 2026-W47。</p></section>");
		return;
	}
	deadline = period_weekly_deadline_ms(monday);
	hb_put(b, "<p>");
	hb_esc(b, p->week);
	hb_put(b, " 截止时间：");
	layout_time(b, deadline);
	hb_put(b, "（北京时间）</p>");
	memset(&w, 0, sizeof w);
	if (current(p, &data, &len) == BS_OK)
		entry_warn_weekly(p->rq->ui->app.db, p->old ? p->rec.uid : NULL, data, len, natt,
				  now, &w);
	free(data);
	if (w.n == 0) {
		hb_put(b, "<p class=\"tag ok\" id=\"ontime-ok\">现在保存并同步，计为按时报送。</p>");
	} else {
		for (i = 0; i < w.n && i < ENTRY_WARN_MAX; i++) {
			hb_put(b, "<p class=\"msg ontime-warn\">");
			hb_esc(b, w.text[i]);
			hb_put(b, "</p>");
		}
	}
	hb_put(b, "</section>");
}

static void draw(struct wpage *p, struct http_resp *rs)
{
	struct http_req *rq = p->rq;
	struct hbuf *b = &rs->body;
	char title[64], locked[SAVE_MSG_LEN] = "";

	snprintf(title, sizeof title, "%s周报", p->old ? "修改" : "填报");
	if (p->old && save_check_unlocked(&p->rec, locked, sizeof locked) != BS_OK && !locked[0])
		snprintf(locked, sizeof locked, "该周报已锁定 it is locked");
	layout_begin(rq, rs, title, "weekly");
	hb_put(b, "<p id=\"what\"><b>");
	hb_esc(b, p->project_name[0] ? p->project_name : "（未知项目）");
	hb_put(b, "</b> · ");
	hb_esc(b, p->week);
	if (p->old) {
		hb_put(b, " ");
		ui_rec_state(b, &p->rec);
	}
	hb_put(b, "</p>");
	if (p->old) {
		ui_rec_returned_notice(b, &p->rec);
		ui_form_warn_show(b, p->rec.uid);
	}
	if (locked[0])
		layout_notice(b, "warn", locked);
	if (p->prefilled_from[0]) {
		char t[128];

		snprintf(t, sizeof t, "已按 %s 的周报预填，请按本周实际修改。", p->prefilled_from);
		layout_notice(b, "ok", t);
	}
	ui_form_notices(&p->uf, b);
	if (p->photo_msg[0])
		layout_notice(b, "error", p->photo_msg);
	on_time(p, b);
	hb_put(b, "<form class=\"rec\" method=\"post\" action=\"/weekly/edit\" "
		  "enctype=\"multipart/form-data\" novalidate>");
	layout_csrf_input(rq, b);
	if (p->old) {
		hb_put(b, "<input type=\"hidden\" name=\"uid\" value=\"");
		hb_esc(b, p->rec.uid);
		hb_put(b, "\">");
	}
	ui_form_fields(&p->uf, b);
	hb_printf(b, "<div class=\"field wide%s\" id=\"field-photos\"><label for=\"f-photos\">"
		     "现场照片（可一次选择多张；JPEG、PNG 或 HEIC）</label>",
		  p->photo_msg[0] ? " bad" : "");
	if (p->old && p->rec.n_attachments) {
		hb_put(b, "<div class=\"hint\">已有照片（勾选“删除”并保存即去掉该张）：</div>");
		ui_rec_thumbs_removable(b, (const uint8_t(*)[LDB_HASH_LEN])p->rec.attachments,
					p->rec.n_attachments, DROP_INPUT);
	} else if (p->old) {
		hb_put(b, "<div class=\"hint\">还没有照片</div>");
	}
	hb_put(b, "<input type=\"file\" id=\"f-photos\" name=\"" PHOTOS_INPUT "\" multiple "
		  "accept=\"image/jpeg,image/png,image/heic,.heic\" data-preview=\"photo-preview\">"
		  "<div class=\"thumbs\" id=\"photo-preview\" aria-live=\"polite\"></div>");
	if (p->photo_msg[0]) {
		hb_put(b, "<div class=\"msg\" role=\"alert\">");
		hb_esc(b, p->photo_msg);
		hb_put(b, "</div>");
	}
	hb_put(b, "</div><div class=\"actions wide\">");
	if (!locked[0])
		hb_put(b, "<button class=\"pri\" type=\"submit\" id=\"save\">保存</button>");
	hb_put(b, "<a class=\"btn\" href=\"/weekly?week=");
	hb_url(b, p->week);
	hb_put(b, "\">返回周报</a></div></form>");
	layout_end(rq, rs);
}

/* Load report uid into p. */
static int load_report(struct wpage *p, const char *uid)
{
	if (!uid || !records_uid_valid(uid))
		return BS_E_NOTFOUND;
	p->old = (Baosong__V1__WeeklyReport *)field_load(p->rq->ui->app.db, REC_KIND_WEEKLY, uid,
							  &p->arena, &p->rec);
	if (!p->old || !p->old->project_uid)
		return BS_E_NOTFOUND;
	snprintf(p->project_uid, sizeof p->project_uid, "%s", p->old->project_uid);
	snprintf(p->week, sizeof p->week, "%s", p->old->period ? p->old->period : "");
	return BS_OK;
}

static int setup(struct wpage *p, struct http_req *rq)
{
	memset(p, 0, sizeof *p);
	p->rq = rq;
	if (ui_form_init(&p->uf, REC_KIND_WEEKLY, rq) != BS_OK)
		return BS_E_UNSUPPORTED;
	ui_form_hide(&p->uf, "project_uid");
	return BS_OK;
}

/* The week asked for (canonical), or this week. */
static void week_of(const char *q, char out[16])
{
	int64_t monday;

	if (q && period_parse_week(q, &monday) == BS_OK)
		period_format_week(monday, out);
	else
		period_format_week(period_local_days(bs_now_ms()), out);
}

static void get(struct http_req *rq, struct http_resp *rs)
{
	struct wpage p;
	const char *uid = http_query(rq, "uid"), *project = http_query(rq, "project");
	struct find_week fw;

	if (setup(&p, rq) != BS_OK) {
		layout_error(rq, rs, 500, "无法打开周报表单。", "Cannot open the form.");
		return;
	}
	if (uid) {
		if (load_report(&p, uid) != BS_OK) {
			http_redirect(rs, "/weekly?err=notfound");
			goto out;
		}
		ui_form_from_msg(&p.uf, &p.old->base);
	} else {
		if (!project || !records_uid_valid(project)) {
			http_redirect(rs, "/weekly?err=notfound");
			goto out;
		}
		snprintf(p.project_uid, sizeof p.project_uid, "%s", project);
		week_of(ui_filter(rq, "week"), p.week);
		memset(&fw, 0, sizeof fw);
		fw.project_uid = p.project_uid;
		fw.week = p.week;
		localdb_record_each(rq->ui->app.db, REC_KIND_WEEKLY, 0, find_week, &fw);
		if (fw.same[0]) { /* one report per project and week: change that one */
			http_redirect(rs, "/weekly/edit?uid=%s", fw.same);
			goto out;
		}
		if (fw.prev[0] && load_report(&p, fw.prev) == BS_OK) {
			ui_form_from_msg(&p.uf, &p.old->base);
			snprintf(p.prefilled_from, sizeof p.prefilled_from, "%s", fw.prev_week);
			/* a new report, not that one */
			protobuf_c_message_free_unpacked(&p.old->base, &p.arena.alloc);
			lrecord_free(&p.rec);
			p.old = NULL;
		}
		snprintf(p.project_uid, sizeof p.project_uid, "%s", project);
		week_of(ui_filter(rq, "week"), p.week);
		ui_form_set(&p.uf, "project_uid", p.project_uid);
		ui_form_set(&p.uf, "period", p.week);
	}
	field_project_name(rq->ui->app.db, p.project_uid, p.project_name, sizeof p.project_name);
	if (!p.project_name[0] && !p.old) {
		http_redirect(rs, "/weekly?err=notfound");
		goto out;
	}
	draw(&p, rs);
out:
	wpage_free(&p);
}

/* The photos of this POST: each checked to be an image and kept in a
 * temporary file; 0 or BS_E_INVAL with p->photo_msg. */
static int photos(struct wpage *p, struct form_file *files, size_t *n)
{
	struct rec_error err;
	size_t i;
	int type, rv;

	*n = 0;
	for (i = 0; i < p->rq->n_fields; i++) {
		const struct http_field *f = &p->rq->fields[i];

		if (strcmp(f->name, PHOTOS_INPUT) != 0 || !f->filename || !f->filename[0])
			continue;
		if (f->len == 0) {
			snprintf(p->photo_msg, sizeof p->photo_msg,
				 "「%.100s」是空文件。The file is empty.", f->filename);
			return BS_E_INVAL;
		}
		type = attach_image_type_buf(f->data, f->len);
		if (type <= ATTACH_NOT_IMAGE) {
			snprintf(p->photo_msg, sizeof p->photo_msg,
				 "「%.100s」不是照片：只收 JPEG、PNG 或 HEIC 图片。"
				 "Not a photo: only JPEG, PNG or HEIC images are taken.",
				 f->filename);
			return BS_E_INVAL;
		}
		if (*n + p->rec.n_attachments >= REC_ATTACH_MAX) {
			snprintf(p->photo_msg, sizeof p->photo_msg,
				 "照片过多：每份周报最多 %u 张。Too many photos (at most %u).",
				 REC_ATTACH_MAX, REC_ATTACH_MAX);
			return BS_E_INVAL;
		}
		memset(&err, 0, sizeof err);
		if ((rv = ui_form_upload(&p->uf, f, &files[*n], &err)) != BS_OK) {
			snprintf(p->photo_msg, sizeof p->photo_msg, "%s", err.msg);
			return rv;
		}
		(*n)++;
	}
	p->uploaded = (unsigned)*n;
	return BS_OK;
}

static void post(struct http_req *rq, struct http_resp *rs)
{
	struct wpage p;
	struct form_file files[REC_ATTACH_MAX];
	uint8_t drop[REC_ATTACH_MAX][LDB_HASH_LEN];
	struct save_req q;
	struct save_result res;
	struct find_week fw;
	ProtobufCMessage *m;
	const char *uid = http_text(rq, "uid");
	size_t nfiles = 0, ndrop = 0, i;
	int rv;

	memset(files, 0, sizeof files);
	if (setup(&p, rq) != BS_OK) {
		layout_error(rq, rs, 500, "无法打开周报表单。", "Cannot open the form.");
		return;
	}
	if (uid && *uid && load_report(&p, uid) != BS_OK) {
		http_redirect(rs, "/weekly?err=notfound");
		goto out;
	}
	ui_form_from_request(&p.uf);
	if (!p.old) {
		const char *pu = http_text(rq, "f_project_uid");

		snprintf(p.project_uid, sizeof p.project_uid, "%s", pu ? pu : "");
		ui_form_set(&p.uf, "project_uid", p.project_uid);
	}
	{
		const char *wk = http_text(rq, "f_period");
		int64_t monday;

		if (wk && period_parse_week(wk, &monday) == BS_OK)
			period_format_week(monday, p.week);
		else
			snprintf(p.week, sizeof p.week, "%.15s", wk ? wk : "");
	}
	field_project_name(rq->ui->app.db, p.project_uid, p.project_name, sizeof p.project_name);
	if (form_init(&p.fm, REC_KIND_WEEKLY, rq->ui->app.db) != BS_OK ||
	    !(m = form_message(&p.fm, p.old ? &p.old->base : NULL))) {
		layout_error(rq, rs, 500, "无法打开周报表单。", "Cannot open the form.");
		goto out;
	}
	if (ui_form_apply(&p.uf, &p.fm, m, p.old ? &p.old->base : NULL) != BS_OK)
		goto again;
	/* One report per project and week. */
	memset(&fw, 0, sizeof fw);
	fw.project_uid = p.project_uid;
	fw.week = p.week;
	localdb_record_each(rq->ui->app.db, REC_KIND_WEEKLY, 0, find_week, &fw);
	if (fw.same[0] && (!p.old || strcmp(fw.same, p.rec.uid) != 0)) {
		struct rec_error e;

		memset(&e, 0, sizeof e);
		snprintf(e.field, sizeof e.field, "period");
		snprintf(e.msg, sizeof e.msg, "该项目 %s 周的周报已存在，请修改那一份。"
			 "This project's report for that week exists already.", p.week);
		ui_form_error(&p.uf, &e);
		goto again;
	}
	if (photos(&p, files, &nfiles) != BS_OK)
		goto again;
	for (i = 0; i < rq->n_fields && ndrop < REC_ATTACH_MAX; i++)
		if (!rq->fields[i].filename && !strcmp(rq->fields[i].name, DROP_INPUT) &&
		    photo_parse_hash((const char *)rq->fields[i].data, drop[ndrop]) == BS_OK)
			ndrop++;
	memset(&q, 0, sizeof q);
	q.db = rq->ui->app.db;
	q.dir = rq->ui->app.dir;
	q.kind = REC_KIND_WEEKLY;
	q.m = m;
	q.old = p.old ? &p.rec : NULL;
	q.files = files;
	q.nfiles = nfiles;
	q.add_files = 1;
	q.drop = (const uint8_t(*)[LDB_HASH_LEN])drop;
	q.ndrop = ndrop;
	q.role = rq->ui->srv.role;
	q.unit_id = rq->ui->srv.unit_id;
	q.now_ms = bs_now_ms();
	rv = save_record(&q, &res);
	if (rv == BS_OK) {
		ui_form_warn_keep(res.uid, &res.warn);
		http_redirect(rs, "/weekly/edit?uid=%s&ok=%s", res.uid,
			      res.unchanged ? "unchanged" : "saved");
		goto out;
	}
	if (res.err.field[0])
		ui_form_error(&p.uf, &res.err);
	else
		snprintf(p.uf.msg, sizeof p.uf.msg, "%s", res.msg[0] ? res.msg : "保存失败 cannot save");
again:
	rs->status = 422;
	draw(&p, rs);
out:
	for (i = 0; i < nfiles; i++) {
		free(files[i].path);
		free(files[i].stored);
	}
	wpage_free(&p);
}

void page_weekly_edit(struct http_req *rq, struct http_resp *rs)
{
	if (!strcmp(rq->method, "POST"))
		post(rq, rs);
	else
		get(rq, rs);
}
