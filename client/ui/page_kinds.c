/* page_kinds.c - 其他报表: the record kinds this device's role may write
 * besides projects and weekly reports (monthly reports, approvals,
 * statistics evidence, deals, funding, problems, targets ...), and one
 * list for any of them (/kinds/list?kind=K), driven by the kind's protobuf
 * descriptor (field.h) the way the command line's kinds are. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "field.h"
#include "layout.h"
#include "localdb.h"
#include "page_kinds.h"
#include "page_edit.h"
#include "pages.h"
#include "save.h"
#include "clock.h"
#include "records.h"
#include "ui.h"
#include "ui_rec.h"
#include "wire.h"

#define LIST_COLS 7u     /* fields a list shows */
#define CELL_MAX 2048u   /* one formatted value */

const struct rec_kind *page_kind_writable(const struct ui *ui, const char *name)
{
	const struct rec_kind *k;

	if (name == NULL || !strcmp(name, REC_KIND_PROJECT) || !strcmp(name, REC_KIND_WEEKLY))
		return NULL;
	k = records_kind(name);
	if (k == NULL || !ui_role_in(ui, k->writers))
		return NULL;
	return k;
}

int page_kind_listed(const ProtobufCFieldDescriptor *f)
{
	switch (field_kind(f)) {
	case FK_TEXT:
	case FK_MONEY:
	case FK_BP:
	case FK_SINT:
	case FK_UINT:
	case FK_BOOL:
	case FK_ENUM:
		return 1;
	default:
		return 0;
	}
}

struct count_ctx {
	unsigned n;
};

static int count_one(void *ctx, const struct lrecord *r)
{
	(void)r;
	((struct count_ctx *)ctx)->n++;
	return 0;
}

void page_kinds(struct http_req *rq, struct http_resp *rs)
{
	struct hbuf *b = &rs->body;
	const struct rec_kind *all;
	size_t n, i;
	unsigned shown = 0;

	all = records_kinds(&n);
	layout_begin(rq, rs, "其他报表", "kinds");
	hb_put(b, "<p class=\"mut\">项目和周报在各自的页面填报；这里是本机角色可以填报的其他报表。</p>"
		  "<table id=\"kinds\"><thead><tr><th>报表</th><th class=\"num\">本机记录数</th>"
		  "<th></th></tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		struct count_ctx c = {0};

		if (!page_kind_writable(rq->ui, all[i].name))
			continue;
		shown++;
		if (localdb_record_each(rq->ui->app.db, all[i].name, 0, count_one, &c) != BS_OK) {
			layout_error(rq, rs, 500, "读取本机数据库失败。",
				     "Could not read the local database.");
			return;
		}
		hb_put(b, "<tr><td><a href=\"/kinds/list?kind=");
		hb_url(b, all[i].name);
		hb_put(b, "\">");
		hb_esc(b, all[i].label_zh);
		hb_printf(b, "</a></td><td class=\"num\">%u</td><td><a class=\"btn\" href=\"", c.n);
		layout_edit_href(b, all[i].name, NULL);
		hb_put(b, "\">新增</a></td></tr>");
	}
	if (shown == 0)
		hb_put(b, "<tr><td colspan=\"3\" class=\"mut\">本机角色没有可填报的其他报表。</td></tr>");
	hb_put(b, "</tbody></table>");
	layout_end(rq, rs);
}

struct klist {
	struct http_req *rq;
	struct hbuf *b;
	const struct rec_kind *k;
	const ProtobufCFieldDescriptor *cols[LIST_COLS];
	size_t ncols;
	unsigned rows, unreadable;
};

static void cell(struct klist *kl, const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
	struct hbuf *b = kl->b;
	char out[CELL_MAX];
	enum fk fk = field_kind(f);
	const char *ref = field_ref_kind(f);

	out[0] = '\0';
	if (ref != NULL && !strcmp(ref, REC_KIND_PROJECT)) {
		field_project_name(kl->rq->ui->app.db, field_text(m, f), out, sizeof out);
		if (!out[0])
			snprintf(out, sizeof out, "%.8s", field_text(m, f));
	} else {
		field_format(kl->k->name, m, f, FMT_TABLE, out, sizeof out);
	}
	hb_put(b, fk == FK_MONEY || fk == FK_BP || fk == FK_SINT || fk == FK_UINT
			  ? "<td class=\"num\">"
			  : "<td>");
	hb_esc(b, out);
	hb_put(b, "</td>");
}

static int list_row(void *ctx, const struct lrecord *r)
{
	struct klist *kl = ctx;
	struct hbuf *b = kl->b;
	struct wire_arena a;
	ProtobufCMessage *m = field_unpack(kl->k->desc, r, &a);
	size_t i;

	if (!m) {
		kl->unreadable++;
		return 0;
	}
	kl->rows++;
	hb_put(b, "<tr>");
	for (i = 0; i < kl->ncols; i++)
		cell(kl, m, kl->cols[i]);
	hb_put(b, "<td>");
	ui_rec_state(b, r);
	hb_put(b, "</td><td><a class=\"btn\" href=\"");
	layout_edit_href(b, r->kind, r->uid);
	hb_put(b, "\">修改</a></td></tr>");
	protobuf_c_message_free_unpacked(m, &a.alloc);
	return 0;
}

void page_kinds_list(struct http_req *rq, struct http_resp *rs)
{
	struct hbuf *b = &rs->body;
	struct klist kl;
	char title[128];
	size_t i;

	memset(&kl, 0, sizeof kl);
	kl.rq = rq;
	kl.b = b;
	if (!(kl.k = page_kind_writable(rq->ui, ui_filter(rq, "kind")))) {
		layout_error(rq, rs, 404, "没有这种报表，或本机角色不能填报它。",
			     "No such kind, or this device's role may not write it.");
		return;
	}
	for (i = 0; i < kl.k->desc->n_fields && kl.ncols < LIST_COLS; i++)
		if (page_kind_listed(&kl.k->desc->fields[i]))
			kl.cols[kl.ncols++] = &kl.k->desc->fields[i];
	snprintf(title, sizeof title, "%s", kl.k->label_zh);
	layout_begin(rq, rs, title, "kinds");
	hb_put(b, "<div class=\"actions\"><a class=\"btn\" href=\"/kinds\">返回其他报表</a>"
		  "<a class=\"btn pri\" href=\"");
	layout_edit_href(b, kl.k->name, NULL);
	hb_put(b, "\">新增");
	hb_esc(b, kl.k->label_zh);
	hb_put(b, "</a></div><table id=\"records\"><thead><tr>");
	for (i = 0; i < kl.ncols; i++) {
		hb_put(b, "<th>");
		hb_esc(b, field_brief(kl.k->name, kl.cols[i]->name));
		hb_put(b, "</th>");
	}
	hb_put(b, "<th>报送状态</th><th></th></tr></thead><tbody>");
	if (localdb_record_each(rq->ui->app.db, kl.k->name, 0, list_row, &kl) != BS_OK) {
		layout_error(rq, rs, 500, "读取本机数据库失败。", "Could not read the local database.");
		return;
	}
	if (kl.rows == 0)
		hb_printf(b, "<tr><td colspan=\"%zu\" class=\"mut\">本机还没有这种记录。</td></tr>",
			  kl.ncols + 2);
	hb_printf(b, "</tbody></table><p class=\"mut\">共 %u 条。</p>", kl.rows);
	if (kl.unreadable)
		hb_printf(b, "<p class=\"msg\">%u 条记录无法读取。</p>", kl.unreadable);
	layout_end(rq, rs);
}

void page_kinds_edit(struct http_req *rq, struct http_resp *rs)
{
	const char *kind = http_text(rq, "kind");
	const struct rec_kind *k;
	struct edit_spec sp;
	char list[128];

	if (!(k = page_kind_writable(rq->ui, kind ? kind : http_query(rq, "kind")))) {
		layout_error(rq, rs, 404, "没有这种报表，或本机角色不能填报它。",
			     "No such kind, or this device's role may not write it.");
		return;
	}
	snprintf(list, sizeof list, "/kinds/list?kind=%s", k->name);
	sp = (struct edit_spec){k->name, "kinds", list, 1};
	page_edit(rq, rs, &sp);
}

void page_kinds_delete(struct http_req *rq, struct http_resp *rs)
{
	const struct rec_kind *k = page_kind_writable(rq->ui, http_text(rq, "kind"));
	const char *uid = http_text(rq, "uid");
	struct lrecord old;
	char msg[SAVE_MSG_LEN];
	uint64_t seq = 0;
	int rv;

	if (!k) {
		layout_error(rq, rs, 404, "没有这种报表，或本机角色不能填报它。",
			     "No such kind, or this device's role may not write it.");
		return;
	}
	memset(&old, 0, sizeof old);
	if (!uid || !records_uid_valid(uid) ||
	    localdb_record_get(rq->ui->app.db, uid, &old) != BS_OK) {
		http_redirect(rs, "/kinds/list?kind=%s&err=notfound", k->name);
		return;
	}
	if (strcmp(old.kind, k->name) != 0 || old.deleted) {
		lrecord_free(&old);
		http_redirect(rs, "/kinds/list?kind=%s&err=notfound", k->name);
		return;
	}
	rv = save_delete(rq->ui->app.db, &old, rq->ui->srv.role, bs_now_ms(), msg, sizeof msg, &seq);
	lrecord_free(&old);
	if (rv != BS_OK) {
		layout_error(rq, rs, rv == BS_E_FORBIDDEN ? 403 : 422, msg,
			     "The record was not deleted.");
		return;
	}
	http_redirect(rs, "/kinds/list?kind=%s&ok=deleted", k->name);
}
