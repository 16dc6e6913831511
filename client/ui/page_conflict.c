/* page_conflict.c - 冲突 (linked from 今日待办) and giving up a refused
 * change:
 *
 *   GET  /conflict?seq=N     the fields both this device and the server
 *                            changed, this device's value beside the
 *                            server's (and what both started from), one
 *                            choice per field; a whole-record conflict (a
 *                            delete on one side) offers either version
 *   POST /conflict/resolve   seq and f<INDEX>=mine|theirs for each field
 *                            (or side=mine|theirs for a whole record):
 *                            settled with reconcile_resolve / settle.h,
 *                            the same code `baosong resolve` runs; 303 to /
 *   POST /refused/discard    seq: the refused change given up
 *                            (settle_discard, as `baosong discard`); 303 to /
 *
 * A choice left out is shown again inline (422), the others kept. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "field.h"
#include "layout.h"
#include "localdb.h"
#include "merge.h"
#include "pages.h"
#include "reconcile.h"
#include "settle.h"
#include "ui.h"
#include "wire.h"

/* A positive operation number from text, or 0. */
static uint64_t parse_seq(const char *s)
{
	uint64_t v = 0;
	if (!s || !*s || strlen(s) > 18)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	return v;
}

/* The record's name for the heading ("项目 project 3fa1c2d4 «name»"). */
static void record_title(struct localdb *db, const struct lconflict *cf, char *out, size_t cap)
{
	struct wire_arena a;
	struct lrecord r;
	ProtobufCMessage *m;

	snprintf(out, cap, "%s %.8s", field_kind_zh(cf->kind), cf->uid);
	memset(&r, 0, sizeof r);
	if ((m = field_load(db, cf->kind, cf->uid, &a, &r)) != NULL) {
		field_describe(db, &r, m, out, cap);
		protobuf_c_message_free_unpacked(m, &a.alloc);
		lrecord_free(&r);
	}
}

/* Field f of kind as people call it: the label the command line uses. */
static const char *label_of(const char *kind, const char *field)
{
	const char *zh = NULL, *opt = NULL;
	if (record_field_label(kind, field, &zh, &opt))
		return zh;
	return field_zh(kind, field);
}

static void value_cell(struct hbuf *b, const char *v)
{
	if (v[0])
		hb_esc(b, v);
	else
		hb_put(b, "<span class=\"mut\">（空）</span>");
}

/* The page for conflict cf.  picks (may be NULL) are the choices already
 * made, by field index; missing marks the fields still to choose (422). */
static void conflict_form(struct http_req *rq, struct http_resp *rs, const struct lconflict *cf,
			  const unsigned char *picks, int missing)
{
	struct hbuf *b = &rs->body;
	const ProtobufCMessageDescriptor *d = merge_desc(cf->kind);
	struct merge_result m;
	char title[600];
	unsigned i;
	int rv;

	memset(&m, 0, sizeof m);
	record_title(rq->ui->app.db, cf, title, sizeof title);
	if (missing)
		rs->status = 422;
	layout_begin(rq, rs, "处理冲突", "today");
	hb_put(b, "<p>记录：<b>");
	hb_esc(b, title);
	hb_put(b, "</b></p>");
	if (!cf->has_base) {
		hb_put(b, "<p>整条记录冲突：");
		hb_put(b, cf->mine_len == 0     ? "本机删除了这条记录，而服务器上它已被修改。"
			  : cf->theirs_len == 0 ? "服务器上这条记录已被删除，而本机修改了它。"
						: "这项修改保存时还没有记录原来的版本，无法逐项比较。");
		hb_put(b, "请选择保留哪一个版本。</p><form method=\"post\" action=\"/conflict/resolve\" "
			  "class=\"actions\">");
		layout_csrf_input(rq, b);
		hb_printf(b, "<input type=\"hidden\" name=\"seq\" value=\"%" PRIu64 "\">", cf->seq);
		hb_put(b, "<button class=\"pri\" type=\"submit\" name=\"side\" value=\"mine\">保留本机版本"
			  "</button><button type=\"submit\" name=\"side\" value=\"theirs\" "
			  "data-confirm=\"放弃本机的这项修改，采用服务器版本？\">采用服务器版本</button>"
			  "<a class=\"btn\" href=\"/\">返回今日待办</a></form>");
		goto out;
	}
	rv = merge3(cf->kind, cf->base, cf->base_len, cf->mine, cf->mine_len, cf->theirs,
		    cf->theirs_len, NULL, &m);
	if (rv != BS_OK || !d) {
		layout_notice(b, "error", "这项冲突无法读取。The conflict cannot be read.");
		goto out;
	}
	hb_printf(b, "<p>本机和服务器都改了下面 %u 个字段。在每一行选择要保留的值；"
		     "选好之前，本机显示服务器的值。其他字段已自动合并。</p>",
		  m.n_conflicts);
	if (missing)
		layout_notice(b, "error", "还有字段没有选择，请逐项选择。Pick a value for every field.");
	hb_put(b, "<form method=\"post\" action=\"/conflict/resolve\">");
	layout_csrf_input(rq, b);
	hb_printf(b, "<input type=\"hidden\" name=\"seq\" value=\"%" PRIu64 "\">", cf->seq);
	hb_put(b, "<table class=\"conflict\"><thead><tr><th>字段</th><th>本机的值</th><th>服务器的值</th>"
		  "<th>原来的值</th></tr></thead><tbody>");
	for (i = 0; i < m.n_conflicts; i++) {
		const ProtobufCFieldDescriptor *f = m.conflicts[i];
		unsigned idx = (unsigned)(f - d->fields);
		unsigned char p = picks ? picks[idx] : MERGE_OPEN;
		char base[512], mine[512], theirs[512];

		merge_field_text(cf->kind, cf->base, cf->base_len, f, base, sizeof base);
		merge_field_text(cf->kind, cf->mine, cf->mine_len, f, mine, sizeof mine);
		merge_field_text(cf->kind, cf->theirs, cf->theirs_len, f, theirs, sizeof theirs);
		hb_printf(b, "<tr><th scope=\"row\"><div class=\"field%s\">", missing && p == MERGE_OPEN
										      ? " bad"
										      : "");
		hb_esc(b, label_of(cf->kind, f->name));
		if (missing && p == MERGE_OPEN)
			hb_put(b, "<div class=\"msg\">请选择一个值</div>");
		hb_printf(b, "</div></th><td><label class=\"pick\"><input type=\"radio\" "
			     "name=\"f%u\" id=\"f%u-mine\" value=\"mine\" required%s> ",
			  idx, idx, p == MERGE_MINE ? " checked" : "");
		value_cell(b, mine);
		hb_printf(b, "</label></td><td><label class=\"pick\"><input type=\"radio\" "
			     "name=\"f%u\" id=\"f%u-theirs\" value=\"theirs\"%s> ",
			  idx, idx, p == MERGE_THEIRS ? " checked" : "");
		value_cell(b, theirs);
		hb_put(b, "</label></td><td class=\"mut\">");
		value_cell(b, base);
		hb_put(b, "</td></tr>");
	}
	hb_put(b, "</tbody></table><div class=\"actions\"><button class=\"pri\" type=\"submit\">"
		  "按所选处理冲突</button><a class=\"btn\" href=\"/\">返回今日待办</a></div></form>");
out:
	merge_result_free(&m);
	layout_end(rq, rs);
}

void page_conflict(struct http_req *rq, struct http_resp *rs)
{
	uint64_t seq = parse_seq(http_query(rq, "seq"));
	struct lconflict cf;
	int rv;

	if (!seq || (rv = localdb_conflict_get(rq->ui->app.db, seq, &cf)) == BS_E_NOTFOUND) {
		layout_error(rq, rs, 404, "没有这项冲突（可能已经处理）。",
			     "No such conflict (perhaps settled already).");
		return;
	}
	if (rv != BS_OK) {
		layout_error(rq, rs, 500, "读取本机数据库失败。", "Could not read the local database.");
		return;
	}
	conflict_form(rq, rs, &cf, NULL, 0);
	lconflict_free(&cf);
}

/* A whole-record conflict: side is "mine" or "theirs". */
static void resolve_whole(struct http_req *rq, struct http_resp *rs, const struct lconflict *cf,
			  const char *side)
{
	struct settle_why why;
	uint64_t newseq = 0;
	int rv;

	if (side && !strcmp(side, "theirs")) {
		rv = settle_keep_theirs(rq->ui->app.db, cf->seq);
	} else if (side && !strcmp(side, "mine")) {
		rv = settle_keep_mine(rq->ui->app.db, &rq->ui->srv, cf, bs_now_ms(), &newseq, &why);
		if (rv == BS_E_STATE) {
			layout_error(rq, rs, 409, "这条记录还有未发送的修改，请先同步，再处理冲突。",
				     "The record has newer changes not sent yet: sync first.");
			return;
		}
		if (rv != BS_OK && why.invalid) {
			char text[700];
			snprintf(text, sizeof text, "本机的版本已不再有效（%s：%s），请采用服务器版本后"
				 "重新修改。", label_of(cf->kind, why.err.field), why.err.msg);
			layout_error(rq, rs, 422, text, "Your version is no longer valid.");
			return;
		}
	} else {
		layout_error(rq, rs, 400, "请选择保留哪一个版本。", "Pick a version.");
		return;
	}
	if (rv != BS_OK) {
		layout_error(rq, rs, 500, "保存失败。", "Could not save.");
		return;
	}
	http_redirect(rs, "/?ok=resolved");
}

void page_conflict_resolve(struct http_req *rq, struct http_resp *rs)
{
	uint64_t seq = parse_seq(http_text(rq, "seq")), newseq = 0;
	const ProtobufCMessageDescriptor *d;
	unsigned char pick[MERGE_FIELDS_MAX];
	struct merge_result m;
	struct lconflict cf;
	struct lrecord cur;
	unsigned i;
	int rv, open = 0;

	if (!seq || (rv = localdb_conflict_get(rq->ui->app.db, seq, &cf)) == BS_E_NOTFOUND) {
		http_redirect(rs, "/?err=notfound");
		return;
	}
	if (rv != BS_OK) {
		layout_error(rq, rs, 500, "读取本机数据库失败。", "Could not read the local database.");
		return;
	}
	if (!cf.has_base) {
		resolve_whole(rq, rs, &cf, http_text(rq, "side"));
		lconflict_free(&cf);
		return;
	}
	memset(&m, 0, sizeof m);
	memset(pick, 0, sizeof pick);
	d = merge_desc(cf.kind);
	rv = merge3(cf.kind, cf.base, cf.base_len, cf.mine, cf.mine_len, cf.theirs, cf.theirs_len,
		    NULL, &m);
	if (rv != BS_OK || !d) {
		layout_error(rq, rs, 500, "这项冲突无法读取。", "The conflict cannot be read.");
		goto out;
	}
	for (i = 0; i < m.n_conflicts; i++) {
		unsigned idx = (unsigned)(m.conflicts[i] - d->fields);
		char name[16];
		const char *v;
		snprintf(name, sizeof name, "f%u", idx);
		v = http_text(rq, name);
		if (v && !strcmp(v, "mine"))
			pick[idx] = MERGE_MINE;
		else if (v && !strcmp(v, "theirs"))
			pick[idx] = MERGE_THEIRS;
		else
			open++;
	}
	if (open) {
		conflict_form(rq, rs, &cf, pick, 1);
		goto out;
	}
	if ((rv = localdb_record_get(rq->ui->app.db, cf.uid, &cur)) != BS_OK) {
		layout_error(rq, rs, 500, "读取本机数据库失败。", "Could not read the local database.");
		goto out;
	}
	rv = reconcile_resolve(rq->ui->app.db, &cf, &cur, pick, bs_now_ms(), &newseq);
	lrecord_free(&cur);
	if (rv != BS_OK) {
		layout_error(rq, rs, 500, "保存失败。", "Could not save.");
		goto out;
	}
	http_redirect(rs, "/?ok=resolved");
out:
	merge_result_free(&m);
	lconflict_free(&cf);
}

void page_refused_discard(struct http_req *rq, struct http_resp *rs)
{
	uint64_t seq = parse_seq(http_text(rq, "seq"));
	struct settle_discarded d;
	int rv;

	if (!seq) {
		http_redirect(rs, "/?err=notfound");
		return;
	}
	rv = settle_discard(rq->ui->app.db, seq, &d);
	settle_discarded_free(&d);
	if (rv == BS_E_NOTFOUND)
		http_redirect(rs, "/?err=notfound");
	else if (rv == BS_E_STATE)
		http_redirect(rs, "/?err=notrefused");
	else if (rv != BS_OK)
		layout_error(rq, rs, 500, "保存失败。", "Could not save.");
	else
		http_redirect(rs, "/?ok=discarded");
}
