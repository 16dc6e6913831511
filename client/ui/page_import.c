/* page_import.c - 导入: a plan table (or a weekly batch, or a target table)
 * uploaded as CSV in UTF-8 or GB18030 or as .xlsx, previewed row by row
 * with the refused rows' lines and reasons, then imported in full or only
 * its valid rows.  Every rule is the import engine's (client/core/import.h),
 * the one `baosong import` runs.
 *
 *   GET  /import          the upload form
 *   POST /import/preview  the file: kept in memory under a random id, checked
 *                         as a dry run (nothing is queued), the preview shown
 *   POST /import/commit   id and mode=all|valid: the same bytes, the same
 *                         options, imported for real; then 303 to /import
 *
 * The upload never touches the file system by a name from the request: a
 * CSV is read in memory; a workbook goes through an unlinked private file
 * (import_load).  At most KEPT_MAX uploads are kept, each for KEPT_MS. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_limits.h"
#include "clock.h"
#include "err.h"
#include "field.h"
#include "import.h"
#include "layout.h"
#include "pages.h"
#include "records.h"
#include "ui.h"

#define KEPT_MAX 4                    /* uploads waiting for their import */
#define KEPT_MS (60LL * 60 * 1000)    /* how long one waits */
#define KEPT_ID_HEX 32                /* 16 random bytes */
#define ROWS_SHOWN 3000u              /* rows drawn in a preview; the rest counted */
#define NAME_MAX_SHOWN 200u           /* bytes of the file's name kept */

/* ---- the uploads kept between preview and import (the HTTP thread only) ---- */

struct kept {
	char id[KEPT_ID_HEX + 1];       /* "" when free */
	uint8_t *data;
	size_t len;
	char name[NAME_MAX_SHOWN + 1];
	struct import_opts o;           /* kind and encoding as chosen */
	int64_t at_ms;
};

static struct kept KEPT[KEPT_MAX];

static void kept_free(struct kept *k)
{
	free(k->data);
	memset(k, 0, sizeof *k);
}

/* Keep a copy of data; NULL when out of memory. */
static struct kept *kept_add(const uint8_t *data, size_t len, const char *name,
			     const struct import_opts *o)
{
	struct kept *k = NULL;
	unsigned char rnd[KEPT_ID_HEX / 2];
	int64_t now = bs_now_ms();
	size_t i;

	for (i = 0; i < KEPT_MAX; i++) {
		if (KEPT[i].id[0] && now - KEPT[i].at_ms > KEPT_MS)
			kept_free(&KEPT[i]);
		if (!k || !KEPT[i].id[0] || (k->id[0] && KEPT[i].at_ms < k->at_ms))
			k = &KEPT[i];
	}
	kept_free(k); /* the oldest, if all are taken */
	if (!(k->data = malloc(len ? len : 1)))
		return NULL;
	memcpy(k->data, data, len);
	k->len = len;
	snprintf(k->name, sizeof k->name, "%s", name);
	k->o = *o;
	k->at_ms = now;
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(k->id, sizeof k->id, rnd, sizeof rnd);
	return k;
}

static struct kept *kept_find(const char *id)
{
	int64_t now = bs_now_ms();
	size_t i;

	if (!id || strlen(id) != KEPT_ID_HEX)
		return NULL;
	for (i = 0; i < KEPT_MAX; i++) {
		if (!KEPT[i].id[0])
			continue;
		if (now - KEPT[i].at_ms > KEPT_MS) {
			kept_free(&KEPT[i]);
			continue;
		}
		if (sodium_memcmp(KEPT[i].id, id, KEPT_ID_HEX) == 0)
			return &KEPT[i];
	}
	return NULL;
}

/* ---- what one run said ------------------------------------------------------------- */

struct said {
	enum import_say what;
	unsigned line;
	char *field, *text, *column, *value;
};

struct seen_row {
	unsigned line;
	enum import_row_state state;
	char **cells;
	size_t n;
};

struct run {
	struct said *msgs;
	size_t n_msgs, cap_msgs;
	struct seen_row *rows;
	size_t n_rows, cap_rows;
	unsigned rows_dropped;
	int nomem;
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void run_say(void *ctx, const struct import_msg *m)
{
	struct run *r = ctx;
	struct said *s;

	if (r->n_msgs == r->cap_msgs) {
		size_t cap = r->cap_msgs ? r->cap_msgs * 2 : 32;
		struct said *p = realloc(r->msgs, cap * sizeof *p);
		if (!p) {
			r->nomem = 1;
			return;
		}
		r->msgs = p;
		r->cap_msgs = cap;
	}
	s = &r->msgs[r->n_msgs++];
	s->what = m->what;
	s->line = m->line;
	s->field = dup_or_null(m->field);
	s->text = dup_or_null(m->text);
	s->column = dup_or_null(m->column);
	s->value = dup_or_null(m->value);
}

static void run_row(void *ctx, const struct import_row *in)
{
	struct run *r = ctx;
	struct seen_row *s;
	size_t i;

	if (r->n_rows >= ROWS_SHOWN) {
		r->rows_dropped++;
		return;
	}
	if (r->n_rows == r->cap_rows) {
		size_t cap = r->cap_rows ? r->cap_rows * 2 : 64;
		struct seen_row *p = realloc(r->rows, cap * sizeof *p);
		if (!p) {
			r->nomem = 1;
			return;
		}
		r->rows = p;
		r->cap_rows = cap;
	}
	s = &r->rows[r->n_rows++];
	s->line = in->line;
	s->state = in->state;
	s->n = 0;
	if (!(s->cells = calloc(in->n + 1, sizeof *s->cells))) {
		r->nomem = 1;
		return;
	}
	for (i = 0; i < in->n; i++)
		s->cells[s->n++] = strdup(in->cells[i] ? in->cells[i] : "");
}

static void run_free(struct run *r)
{
	size_t i, k;

	for (i = 0; i < r->n_msgs; i++) {
		free(r->msgs[i].field);
		free(r->msgs[i].text);
		free(r->msgs[i].column);
		free(r->msgs[i].value);
	}
	free(r->msgs);
	for (i = 0; i < r->n_rows; i++) {
		for (k = 0; k < r->rows[i].n; k++)
			free(r->rows[i].cells[k]);
		free(r->rows[i].cells);
	}
	free(r->rows);
}

/* Run the import of k over this device (dry_run, partial as given).  The
 * engine is returned for its stats and columns (import_free it). */
static int run_import(struct http_req *rq, const struct kept *k, int dry_run, int partial,
		      struct run *out, struct import **imp)
{
	struct import_opts o = k->o;
	struct import_sink sink = {run_say, run_row, out};
	struct import *im;
	int rv;

	o.dry_run = dry_run;
	o.partial = partial;
	*imp = NULL;
	if (!(im = import_new(&o, &sink)))
		return BS_E_NOMEM;
	*imp = im;
	if ((rv = import_load(im, k->data, k->len, k->name, rq->ui->app.dir)) != BS_OK ||
	    (rv = import_header(im)) != BS_OK)
		return rv;
	return import_run(im, &rq->ui->app, &rq->ui->srv);
}

/* ---- the pages ---------------------------------------------------------------------- */

static const char *const KIND_VALUES[][2] = {
	{"auto", "自动识别（按表头）"},
	{"project", "项目计划表"},
	{"weekly", "周报"},
	{"target", "目标任务"},
};

static void upload_form(struct http_req *rq, struct hbuf *b, const char *kind, const char *enc)
{
	size_t i;

	hb_put(b, "<form class=\"rec\" method=\"post\" action=\"/import/preview\" "
		  "enctype=\"multipart/form-data\">");
	layout_csrf_input(rq, b);
	hb_put(b, "<div class=\"field wide\"><label for=\"file\">计划表文件 <span class=\"req\">*</span>"
		  "</label><input type=\"file\" id=\"file\" name=\"file\" required "
		  "accept=\".csv,.xlsx,text/csv\"><div class=\"hint\">Excel 或 WPS 另存为的 CSV"
		  "（UTF-8 或 GB18030/GBK 均可）或 .xlsx 工作簿；第一行（标题行之后）为表头。"
		  "CSV (UTF-8 or GB18030) or .xlsx.</div></div>");
	hb_put(b, "<div class=\"field\"><label for=\"kind\">表格类型</label><select id=\"kind\" "
		  "name=\"kind\">");
	for (i = 0; i < sizeof KIND_VALUES / sizeof KIND_VALUES[0]; i++)
		hb_printf(b, "<option value=\"%s\"%s>%s</option>", KIND_VALUES[i][0],
			  kind && !strcmp(kind, KIND_VALUES[i][0]) ? " selected" : "",
			  KIND_VALUES[i][1]);
	hb_put(b, "</select></div><div class=\"field\"><label for=\"enc\">文字编码</label>"
		  "<select id=\"enc\" name=\"enc\">");
	hb_printf(b, "<option value=\"auto\">自动识别</option><option value=\"utf-8\"%s>UTF-8"
		     "</option><option value=\"gb18030\"%s>GB18030 / GBK</option>",
		  enc && !strcmp(enc, "utf-8") ? " selected" : "",
		  enc && !strcmp(enc, "gb18030") ? " selected" : "");
	hb_put(b, "</select></div><div class=\"actions wide\"><button class=\"pri\" type=\"submit\">"
		  "上传并预览</button><span class=\"hint\">预览不会保存任何记录。Nothing is saved "
		  "by a preview.</span></div></form>");
}

void page_import(struct http_req *rq, struct http_resp *rs)
{
	struct hbuf *b = &rs->body;

	layout_begin(rq, rs, "导入", "import");
	hb_put(b, "<p>上传《重点建设项目计划表》（或周报、目标任务表），先预览每一行：有误的行标出行号和原因；"
		  "然后全部导入，或只导入有效的行。导入的记录在下次同步时报送。</p>");
	upload_form(rq, b, NULL, NULL);
	layout_end(rq, rs);
}

static const char *what_zh(const struct import_stats *st)
{
	switch (st->what) {
	case IMPORT_WEEKLY: return "周报";
	case IMPORT_TARGET: return "目标任务";
	case IMPORT_OTHER: return st->kind ? field_kind_zh(st->kind) : "记录";
	default: return "项目";
	}
}

/* The reasons line was refused; how many there were. */
static int messages_for(struct hbuf *b, const struct run *r, unsigned line)
{
	size_t i;
	int any = 0;

	for (i = 0; i < r->n_msgs; i++) {
		const struct said *s = &r->msgs[i];
		if (s->what != IMPORT_SAY_ROW || s->line != line)
			continue;
		hb_put(b, any++ ? "<br>" : "");
		if (s->column) {
			hb_put(b, "「");
			hb_esc(b, s->column);
			hb_put(b, "」");
			if (s->value && *s->value) {
				hb_put(b, "«");
				hb_esc(b, s->value);
				hb_put(b, "»");
			} else {
				hb_put(b, "为空");
			}
			hb_put(b, "：");
		}
		hb_esc(b, s->text);
	}
	return any;
}

static void file_notices(struct hbuf *b, const struct run *r)
{
	size_t i;

	for (i = 0; i < r->n_msgs; i++) {
		const struct said *s = &r->msgs[i];
		if (s->what == IMPORT_SAY_ROW)
			continue;
		if (s->what == IMPORT_SAY_MORE && i > 0) {
			hb_put(b, "<div class=\"hint\">");
			hb_esc(b, s->text);
			hb_put(b, "</div>");
			continue;
		}
		layout_notice(b, s->what == IMPORT_SAY_NOTE ? "warn" : "error", s->text);
	}
}

static void rows_table(struct hbuf *b, const struct run *r, const struct import *im)
{
	size_t i, k, nc = import_columns(im);
	int used;

	hb_put(b, "<div class=\"scroll\"><table class=\"preview\"><thead><tr><th class=\"num\">行号</th>"
		  "<th>结果</th>");
	for (k = 0; k < nc; k++) {
		const char *t = import_column(im, k, &used);
		if (!used)
			continue;
		hb_put(b, "<th>");
		hb_esc(b, t);
		hb_put(b, "</th>");
	}
	hb_put(b, "<th>原因</th></tr></thead><tbody>");
	for (i = 0; i < r->n_rows; i++) {
		const struct seen_row *s = &r->rows[i];
		hb_printf(b, "<tr class=\"%s\" id=\"line-%u\"><td class=\"num\">%u</td><td>%s</td>",
			  s->state == IMPORT_ROW_BAD       ? "bad"
			  : s->state == IMPORT_ROW_SKIPPED ? "skip"
							   : "good",
			  s->line, s->line,
			  s->state == IMPORT_ROW_BAD       ? "<span class=\"tag err\">有误</span>"
			  : s->state == IMPORT_ROW_SKIPPED ? "<span class=\"tag\">本机已有，跳过</span>"
							   : "<span class=\"tag ok\">有效</span>");
		for (k = 0; k < nc; k++) {
			import_column(im, k, &used);
			if (!used)
				continue;
			hb_put(b, "<td>");
			if (k < s->n)
				hb_esc(b, s->cells[k]);
			hb_put(b, "</td>");
		}
		hb_put(b, "<td class=\"msg\">");
		if (!messages_for(b, r, s->line) && s->state == IMPORT_ROW_BAD)
			hb_printf(b, "（有误的行超过 %u 行，原因未列出）", IMPORT_ERRORS_SHOWN);
		hb_put(b, "</td></tr>");
	}
	hb_put(b, "</tbody></table></div>");
	if (r->rows_dropped)
		hb_printf(b, "<p class=\"hint\">另有 %u 行未列出（已检查）。%u more rows checked, not "
			     "shown.</p>", r->rows_dropped, r->rows_dropped);
}

/* The preview of k (a dry run), or the outcome of an import that saved
 * nothing (status 422). */
static void show_preview(struct http_req *rq, struct http_resp *rs, const struct kept *k,
			 int status, const char *why)
{
	struct hbuf *b = &rs->body;
	struct run r;
	struct import *im = NULL;
	const struct import_stats *st;
	int rv;

	memset(&r, 0, sizeof r);
	rv = run_import(rq, k, 1, 0, &r, &im);
	if (r.nomem) {
		run_free(&r);
		import_free(im);
		layout_error(rq, rs, 500, "内存不足，无法预览。", "Out of memory.");
		return;
	}
	st = im ? import_stats(im) : NULL;
	rs->status = status;
	layout_begin(rq, rs, "导入预览", "import");
	if (why)
		layout_notice(b, "error", why);
	hb_put(b, "<p>文件：<b>");
	hb_esc(b, k->name);
	hb_put(b, "</b>");
	if (st && st->enc_used) {
		hb_put(b, "（");
		hb_esc(b, st->enc_used);
		hb_put(b, "）");
	}
	hb_put(b, "</p>");
	file_notices(b, &r);
	if (!st || !st->checked) {
		/* The file or its header cannot be imported: say so, offer another. */
		if (rv == BS_OK)
			layout_notice(b, "error", "无法读取这个文件。The file cannot be read.");
		hb_put(b, "<h2>重新选择文件</h2>");
		upload_form(rq, b, NULL, NULL);
		goto done;
	}
	hb_printf(b, "<p class=\"summary\">按<b>%s</b>读取：共 <b>%u</b> 行，有效 <b>%u</b> 行，"
		     "本机已有而跳过 <b>%u</b> 行，有误 <b>%u</b> 行。</p>",
		  what_zh(st), st->read, st->good, st->skipped, st->bad);
	if (st->bad)
		layout_notice(b, "warn", "有误的行不会导入。可以改正表格后重新上传，也可以先只导入有效的行。"
					 "Bad rows are not imported: fix the file and upload it "
					 "again, or import only the valid rows.");
	if (st->good) {
		hb_put(b, "<form method=\"post\" action=\"/import/commit\" class=\"actions\">");
		layout_csrf_input(rq, b);
		hb_put(b, "<input type=\"hidden\" name=\"id\" value=\"");
		hb_esc(b, k->id);
		hb_put(b, "\">");
		if (st->bad)
			hb_printf(b, "<button class=\"pri\" type=\"submit\" name=\"mode\" "
				     "value=\"valid\">只导入有效的 %u 行</button>",
				  st->good);
		else
			hb_printf(b, "<button class=\"pri\" type=\"submit\" name=\"mode\" "
				     "value=\"all\">全部导入（%u 行）</button>",
				  st->good);
		hb_put(b, "<a class=\"btn\" href=\"/import\">重新选择文件</a></form>");
	} else {
		hb_put(b, "<p><a class=\"btn\" href=\"/import\">重新选择文件</a></p>");
	}
	rows_table(b, &r, im);
done:
	layout_end(rq, rs);
	run_free(&r);
	import_free(im);
}

static int parse_opts(struct http_req *rq, struct import_opts *o)
{
	const char *kind = http_text(rq, "kind"), *enc = http_text(rq, "enc");

	memset(o, 0, sizeof *o);
	o->enc = IMPORT_ENC_AUTO;
	o->kind = IMPORT_DETECT;
	if (enc && !strcmp(enc, "utf-8"))
		o->enc = IMPORT_ENC_UTF8;
	else if (enc && !strcmp(enc, "gb18030"))
		o->enc = IMPORT_ENC_GB18030;
	else if (enc && strcmp(enc, "auto") != 0)
		return BS_E_INVAL;
	if (!kind || !strcmp(kind, "auto"))
		o->kind = IMPORT_DETECT;
	else if (!strcmp(kind, "project"))
		o->kind = IMPORT_PROJECT;
	else if (!strcmp(kind, "weekly"))
		o->kind = IMPORT_WEEKLY;
	else if (!strcmp(kind, "target"))
		o->kind = IMPORT_TARGET;
	else
		return BS_E_INVAL;
	return BS_OK;
}

void page_import_preview(struct http_req *rq, struct http_resp *rs)
{
	const struct http_field *f = http_field(rq, "file");
	struct import_opts o;
	struct kept *k;
	const char *name;

	if (parse_opts(rq, &o) != BS_OK) {
		layout_error(rq, rs, 400, "表格类型或编码无效。", "Bad kind or encoding.");
		return;
	}
	if (!f || !f->filename || f->len == 0) {
		rs->status = 422;
		layout_begin(rq, rs, "导入", "import");
		hb_put(&rs->body, "<div class=\"field bad\"><div class=\"msg\">请选择一个非空的 CSV 或 "
				  ".xlsx 文件。Choose a CSV or .xlsx file that is not empty.</div></div>");
		upload_form(rq, &rs->body, http_text(rq, "kind"), http_text(rq, "enc"));
		layout_end(rq, rs);
		return;
	}
	if (f->len > BS_IMPORT_FILE_MAX) {
		layout_error(rq, rs, 413, "文件过大，请拆分成几个文件。", "The file is too large; split it.");
		return;
	}
	name = f->filename[0] ? f->filename : "上传的文件";
	if (!(k = kept_add(f->data, f->len, name, &o))) {
		layout_error(rq, rs, 500, "内存不足，无法预览。", "Out of memory.");
		return;
	}
	show_preview(rq, rs, k, 200, NULL);
}

void page_import_commit(struct http_req *rq, struct http_resp *rs)
{
	struct kept *k = kept_find(http_text(rq, "id"));
	const char *mode = http_text(rq, "mode");
	struct run r;
	struct import *im = NULL;
	const struct import_stats *st;
	int partial, rv;

	if (!k) {
		layout_error(rq, rs, 404, "找不到上传的文件（可能已超过一小时），请重新上传。",
			     "The upload is gone (kept one hour); upload it again.");
		return;
	}
	if (!mode || (strcmp(mode, "all") != 0 && strcmp(mode, "valid") != 0)) {
		layout_error(rq, rs, 400, "导入方式无效。", "Bad mode.");
		return;
	}
	partial = !strcmp(mode, "valid");
	memset(&r, 0, sizeof r);
	rv = run_import(rq, k, 0, partial, &r, &im);
	st = im ? import_stats(im) : NULL;
	if (st && st->committed) {
		run_free(&r);
		import_free(im);
		kept_free(k);
		http_redirect(rs, "/import?ok=imported");
		return;
	}
	run_free(&r);
	import_free(im);
	/* Nothing saved: the rows or the device changed since the preview,
	 * or every row was bad.  Show the preview as it stands now. */
	show_preview(rq, rs, k, 422,
		     rv == BS_OK ? "没有可导入的行。There is nothing to import."
				 : "未保存任何记录：表格有误的行需要先改正（或选择只导入有效的行）。"
				   "Nothing was saved.");
}
