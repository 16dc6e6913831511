/* page_edit.c - see page_edit.h. */
#include "page_edit.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "field.h"
#include "layout.h"
#include "localdb.h"
#include "records.h"
#include "save.h"
#include "ui.h"
#include "ui_form.h"
#include "ui_rec.h"
#include "wire.h"

/* The record being edited: its stored row and message. */
struct editing {
	struct lrecord rec;
	ProtobufCMessage *m;
	struct wire_arena arena;
};

static void editing_free(struct editing *e)
{
	if (e->m) {
		protobuf_c_message_free_unpacked(e->m, &e->arena.alloc);
		lrecord_free(&e->rec);
		e->m = NULL;
	}
}

static int has_files(const struct ui_form *uf)
{
	size_t i;

	for (i = 0; i < uf->n; i++)
		if (uf->ff[i].input == FORM_ITEMS && uf->ff[i].item_file)
			return 1;
	return 0;
}

static void draw(struct http_req *rq, struct http_resp *rs, const struct edit_spec *sp,
		 struct ui_form *uf, const struct editing *e)
{
	const struct rec_kind *rk = records_kind(sp->kind);
	struct hbuf *b = &rs->body;
	char title[700], what[600], locked[SAVE_MSG_LEN] = "";

	if (e->m) {
		field_describe(rq->ui->app.db, &e->rec, e->m, what, sizeof what);
		snprintf(title, sizeof title, "修改%s", rk->label_zh);
		if (save_check_unlocked(&e->rec, locked, sizeof locked) != BS_OK && !locked[0])
			snprintf(locked, sizeof locked, "该记录已锁定 it is locked");
	} else {
		snprintf(title, sizeof title, "新增%s", rk->label_zh);
	}
	layout_begin(rq, rs, title, sp->nav);
	if (e->m) {
		hb_put(b, "<p class=\"mut\" id=\"what\">");
		hb_esc(b, what);
		hb_put(b, " ");
		ui_rec_state(b, &e->rec);
		hb_put(b, "</p>");
		ui_rec_returned_notice(b, &e->rec);
		ui_form_warn_show(b, e->rec.uid);
	}
	if (locked[0])
		layout_notice(b, "warn", locked);
	ui_form_notices(uf, b);
	hb_put(b, "<form class=\"rec\" method=\"post\" action=\"");
	hb_esc(b, rq->path);
	hb_put(b, "\"");
	if (has_files(uf))
		hb_put(b, " enctype=\"multipart/form-data\"");
	hb_put(b, " novalidate>");
	layout_csrf_input(rq, b);
	hb_put(b, "<input type=\"hidden\" name=\"kind\" value=\"");
	hb_esc(b, sp->kind);
	hb_put(b, "\">");
	if (e->m) {
		hb_put(b, "<input type=\"hidden\" name=\"uid\" value=\"");
		hb_esc(b, e->rec.uid);
		hb_put(b, "\">");
	}
	ui_form_fields(uf, b);
	hb_put(b, "<div class=\"actions wide\">");
	if (!locked[0])
		hb_put(b, "<button class=\"pri\" type=\"submit\" id=\"save\">保存</button>");
	hb_put(b, "<a class=\"btn\" href=\"");
	hb_esc(b, sp->list_href);
	hb_put(b, "\">返回列表</a></div></form>");
	if (e->m && sp->can_delete && !locked[0]) {
		hb_put(b, "<form method=\"post\" action=\"/kinds/delete\" class=\"actions\">");
		layout_csrf_input(rq, b);
		hb_put(b, "<input type=\"hidden\" name=\"kind\" value=\"");
		hb_esc(b, sp->kind);
		hb_put(b, "\"><input type=\"hidden\" name=\"uid\" value=\"");
		hb_esc(b, e->rec.uid);
		hb_put(b, "\"><button type=\"submit\" id=\"delete\" data-confirm=\"确定删除这条记录？"
			  "删除在下次同步时报送。\">删除</button></form>");
	}
	layout_end(rq, rs);
}

/* Load record uid of sp->kind into e; 0, or an error page already drawn. */
static int load(struct http_req *rq, struct http_resp *rs, const struct edit_spec *sp,
		const char *uid, struct editing *e)
{
	memset(e, 0, sizeof *e);
	if (!uid || !records_uid_valid(uid) ||
	    !(e->m = field_load(rq->ui->app.db, sp->kind, uid, &e->arena, &e->rec))) {
		http_redirect(rs, "%s%serr=notfound", sp->list_href,
			      strchr(sp->list_href, '?') ? "&" : "?");
		return BS_E_NOTFOUND;
	}
	return BS_OK;
}

/* Where the saved record's form is. */
static void redirect_saved(struct http_resp *rs, const struct edit_spec *sp, const char *uid,
			   const char *code)
{
	int generic = strcmp(sp->kind, REC_KIND_PROJECT) != 0;

	if (generic)
		http_redirect(rs, "/kinds/edit?kind=%s&uid=%s&ok=%s", sp->kind, uid, code);
	else
		http_redirect(rs, "/projects/edit?uid=%s&ok=%s", uid, code);
}

static void post(struct http_req *rq, struct http_resp *rs, const struct edit_spec *sp)
{
	struct ui_form uf;
	struct form fm;
	struct editing e;
	struct save_req q;
	struct save_result res;
	ProtobufCMessage *m;
	const char *uid = http_text(rq, "uid");
	int rv;

	memset(&e, 0, sizeof e);
	memset(&fm, 0, sizeof fm);
	if (uid && *uid && load(rq, rs, sp, uid, &e) != BS_OK)
		return;
	if (ui_form_init(&uf, sp->kind, rq) != BS_OK ||
	    form_init(&fm, sp->kind, rq->ui->app.db) != BS_OK ||
	    !(m = form_message(&fm, e.m))) {
		layout_error(rq, rs, 500, "无法打开这种记录的表单。", "Cannot open this form.");
		goto out;
	}
	ui_form_from_request(&uf);
	if (ui_form_apply(&uf, &fm, m, e.m) != BS_OK)
		goto again;
	memset(&q, 0, sizeof q);
	q.db = rq->ui->app.db;
	q.dir = rq->ui->app.dir;
	q.kind = sp->kind;
	q.m = m;
	q.old = e.m ? &e.rec : NULL;
	q.files = fm.files;
	q.nfiles = fm.nfiles;
	q.role = rq->ui->srv.role;
	q.unit_id = rq->ui->srv.unit_id;
	q.now_ms = bs_now_ms();
	rv = save_record(&q, &res);
	if (rv == BS_OK) {
		ui_form_warn_keep(res.uid, &res.warn);
		redirect_saved(rs, sp, res.uid, res.unchanged ? "unchanged" : "saved");
		goto out;
	}
	snprintf(uf.dup, sizeof uf.dup, "%s", res.dup);
	if (res.err.field[0])
		ui_form_error(&uf, &res.err);
	else
		snprintf(uf.msg, sizeof uf.msg, "%s",
			 res.msg[0] ? res.msg : "保存失败 cannot save");
again:
	rs->status = 422;
	draw(rq, rs, sp, &uf, &e);
out:
	form_free(&fm);
	ui_form_free(&uf);
	editing_free(&e);
}

void page_edit(struct http_req *rq, struct http_resp *rs, const struct edit_spec *sp)
{
	struct ui_form uf;
	struct editing e;
	const char *uid = http_query(rq, "uid");
	const char *project = http_query(rq, "project");

	if (!strcmp(rq->method, "POST")) {
		post(rq, rs, sp);
		return;
	}
	memset(&e, 0, sizeof e);
	if (uid && load(rq, rs, sp, uid, &e) != BS_OK)
		return;
	if (ui_form_init(&uf, sp->kind, rq) != BS_OK) {
		layout_error(rq, rs, 500, "无法打开这种记录的表单。", "Cannot open this form.");
		editing_free(&e);
		return;
	}
	if (e.m)
		ui_form_from_msg(&uf, e.m);
	else if (project && records_uid_valid(project))
		ui_form_set(&uf, "project_uid", project);
	draw(rq, rs, sp, &uf, &e);
	ui_form_free(&uf);
	editing_free(&e);
}
