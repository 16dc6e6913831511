/* report_xlsx.c - rankings and the plan table as an Excel workbook
 * (libxlsxwriter); report_out.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "assess.h"
#include "err.h"
#include "money.h"
#include "period.h"
#include "records.h"
#include "report_int.h"
#include "utf8.h"
#include "report_out.h"

/* ---- XLSX ---- */

struct xfmt {
	lxw_format *title, *sub, *head, *text, *wrap, *center, *num2, *pct, *count, *rank,
		*rank_tied, *note, *tot_label, *tot_num2, *tot_count, *tot_blank, *date, *tot_pct,
		*tot_int;
};

struct xw {
	lxw_workbook *wb;
	lxw_error err;                  /* the first libxlsxwriter error */
	int nomem;                      /* our own allocation failed */
	struct xfmt f;
	char (*names)[SHEET_CAP];       /* sheet names given so far */
	size_t n_names;
};

static int xw_ok(const struct xw *x)
{
	return x->err == LXW_NO_ERROR && !x->nomem;
}

static void xcheck(struct xw *x, lxw_error e)
{
	if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR)
		x->err = e;
}

/* Cleaned text, cut to fit a cell; NULL (and x->nomem) when out of memory. */
static char *xtext(struct xw *x, const char *s)
{
	char *t = ro_text_clean(s);
	if (!t)
		x->nomem = 1;
	else if (strlen(t) > XLSX_TEXT_MAX)
		ro_text_cut(t, strlen(t) + 1, SIZE_MAX, XLSX_TEXT_MAX);
	return t;
}

static void xstr(struct xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
		 lxw_format *f)
{
	char *t;
	if (!xw_ok(x) || !(t = xtext(x, s)))
		return;
	xcheck(x, worksheet_write_string(ws, r, c, t, f));
	free(t);
}

static void xnum(struct xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double d,
		 lxw_format *f)
{
	if (xw_ok(x))
		xcheck(x, worksheet_write_number(ws, r, c, d, f));
}

/* A number that does not apply: an empty cell (with the column's border). */
static void xblank(struct xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, lxw_format *f)
{
	if (xw_ok(x))
		xcheck(x, worksheet_write_blank(ws, r, c, f));
}

/* A formula with its value, so that readers that do not calculate see it. */
static void xformula(struct xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
		     const char *formula, double value, lxw_format *f)
{
	if (xw_ok(x))
		xcheck(x, worksheet_write_formula_num(ws, r, c, formula, f, value));
}

/* "=SUM(G4:G103)" for column c, rows first..last (0-based, inclusive). */
static void sum_of(char *out, size_t cap, lxw_col_t c, lxw_row_t first, lxw_row_t last)
{
	char a[16], b[16];
	lxw_rowcol_to_cell(a, first, c);
	lxw_rowcol_to_cell(b, last, c);
	snprintf(out, cap, "=SUM(%s:%s)", a, b);
}

/* A YYYY-MM-DD date as a date cell; other text as it is. */
static void xdate(struct xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *d,
		  lxw_format *date, lxw_format *text)
{
	int64_t days;
	int y;
	unsigned m, dd;
	if (d && *d && period_parse_date(d, &days) == BS_OK) {
		lxw_datetime dt;
		period_civil_from_days(days, &y, &m, &dd);
		memset(&dt, 0, sizeof dt);
		dt.year = y;
		dt.month = (uint8_t)m;
		dt.day = (uint8_t)dd;
		if (xw_ok(x))
			xcheck(x, worksheet_write_datetime(ws, r, c, &dt, date));
		return;
	}
	if (d && *d)
		xstr(x, ws, r, c, d, text);
	else
		xblank(x, ws, r, c, text);
}

static void xmerge(struct xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c1, lxw_col_t c2,
		   const char *s, lxw_format *f)
{
	char *t;
	if (!xw_ok(x) || !(t = xtext(x, s)))
		return;
	xcheck(x, worksheet_merge_range(ws, r, c1, r, c2, t, f));
	free(t);
}

static void xwidth(struct xw *x, lxw_worksheet *ws, lxw_col_t c1, lxw_col_t c2, double w)
{
	if (xw_ok(x))
		xcheck(x, worksheet_set_column(ws, c1, c2, w, NULL));
}

static void xheight(struct xw *x, lxw_worksheet *ws, lxw_row_t r, double h)
{
	if (xw_ok(x))
		xcheck(x, worksheet_set_row(ws, r, h, NULL));
}

/* Integers made doubles only here, by one correctly rounded division. */
static double fen_to_wan(int64_t fen)
{
	return (double)fen / (double)FEN_PER_WAN;
}

static double c2_to_num(int64_t c)
{
	return (double)c / 100.0;
}

static double bp_to_ratio(int64_t bp)
{
	return (double)bp / (double)BP_FULL;
}

enum { XF_BOLD = 1, XF_BORDER = 2, XF_WRAP = 4, XF_CENTER = 8, XF_LEFT = 16, XF_FILL = 32 };

static lxw_format *xformat(struct xw *x, unsigned flags, double size, const char *num,
			   lxw_color_t color)
{
	lxw_format *f = workbook_add_format(x->wb);

	if (!f) {
		x->nomem = 1;
		return NULL;
	}
	if (flags & XF_BOLD)
		format_set_bold(f);
	if (flags & XF_BORDER)
		format_set_border(f, LXW_BORDER_THIN);
	if (flags & XF_WRAP)
		format_set_text_wrap(f);
	if (flags & XF_CENTER)
		format_set_align(f, LXW_ALIGN_CENTER);
	if (flags & XF_LEFT)
		format_set_align(f, LXW_ALIGN_LEFT);
	if (flags & XF_FILL)
		format_set_bg_color(f, 0xEDEDED);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	if (size > 0)
		format_set_font_size(f, size);
	if (num)
		format_set_num_format(f, num);
	if (color)
		format_set_font_color(f, color);
	return f;
}

static void xformats(struct xw *x)
{
	struct xfmt *f = &x->f;
	const unsigned B = XF_BORDER;

	f->title = xformat(x, XF_BOLD | XF_CENTER, 16, NULL, 0);
	f->sub = xformat(x, XF_LEFT, 10, NULL, 0x595959);
	f->head = xformat(x, XF_BOLD | B | XF_WRAP | XF_CENTER | XF_FILL, 0, NULL, 0);
	f->text = xformat(x, B, 0, NULL, 0);
	f->wrap = xformat(x, B | XF_WRAP, 0, NULL, 0);
	f->center = xformat(x, B | XF_CENTER, 0, NULL, 0);
	f->num2 = xformat(x, B, 0, "0.00", 0);
	f->pct = xformat(x, B, 0, "0.00%", 0);
	f->count = xformat(x, B, 0, "0", 0);
	f->rank = xformat(x, B | XF_CENTER, 0, "0", 0);
	f->rank_tied = xformat(x, B | XF_CENTER, 0, "0\"（并列）\"", 0);
	f->note = xformat(x, XF_LEFT | XF_WRAP, 9, NULL, 0x595959);
	f->tot_label = xformat(x, XF_BOLD | B | XF_CENTER | XF_FILL, 0, NULL, 0);
	f->tot_num2 = xformat(x, XF_BOLD | B | XF_FILL, 0, "0.00", 0);
	f->tot_count = xformat(x, XF_BOLD | B | XF_CENTER | XF_FILL, 0, "0\"个\"", 0);
	f->tot_blank = xformat(x, B | XF_FILL, 0, NULL, 0);
	f->date = xformat(x, B | XF_CENTER, 0, "yyyy-mm-dd", 0);
	f->tot_pct = xformat(x, XF_BOLD | B | XF_FILL, 0, "0.00%", 0);
	f->tot_int = xformat(x, XF_BOLD | B | XF_CENTER | XF_FILL, 0, "0", 0);
}

/* base without the characters Excel refuses in a sheet name ([]:*?/\ and
 * the apostrophe, which may not start or end one) and control characters,
 * cut to fit out on a character boundary. */
static void sheet_clean(const char *base, char *out, size_t cap)
{
	char *t = ro_text_clean(base);
	const unsigned char *s = (const unsigned char *)(t ? t : "");
	size_t n = strlen((const char *)s), i = 0, o = 0;
	uint32_t cp;

	while (i < n) {
		size_t len = utf8_decode((const char *)s + i, n - i, &cp);
		if (len == 0 || o + len >= cap)
			break;
		if (cp >= 0x80 || (cp >= 0x20 && !strchr("[]:*?/\\'", (int)cp))) {
			memcpy(out + o, s + i, len);
			o += len;
		}
		i += len;
	}
	out[o] = '\0';
	free(t);
}

/* A sheet name from base: cleaned, at most 31 characters, not one already
 * used (Excel compares without case); "（2）", "（3）" ... added to repeat. */
static void sheet_name(struct xw *x, const char *base, char out[SHEET_CAP])
{
	char clean[SHEET_CAP], suffix[24];
	unsigned k;
	size_t i;

	sheet_clean(base, clean, sizeof clean);
	if (!clean[0])
		snprintf(clean, sizeof clean, "通报");
	for (k = 1; k < 100000; k++) {
		suffix[0] = '\0';
		if (k > 1)
			snprintf(suffix, sizeof suffix, "（%u）", k);
		snprintf(out, SHEET_CAP, "%s", clean);
		ro_utf16_cut(out, SHEET_CHARS - ro_utf16_len(suffix));
		strcat(out, suffix);
		for (i = 0; i < x->n_names; i++)
			if (!strcasecmp(x->names[i], out))
				break;
		if (i == x->n_names && workbook_validate_sheet_name(x->wb, out) == LXW_NO_ERROR)
			break;
	}
	snprintf(x->names[x->n_names++], SHEET_CAP, "%s", out);
}

static lxw_worksheet *xsheet(struct xw *x, const char *base)
{
	char name[SHEET_CAP];
	lxw_worksheet *ws;

	if (!xw_ok(x))
		return NULL;
	sheet_name(x, base, name);
	if (!(ws = workbook_add_worksheet(x->wb, name)))
		x->nomem = 1;   /* the name was validated: only memory is left */
	return ws;
}

/* Column widths (in characters of the default font; a Chinese character
 * takes about two). */
static const double col_widths[] = {
	[COL_RANK] = 11, [COL_CODE] = 12, [COL_NAME] = 18, [COL_TOTAL] = 9, [COL_GRADE] = 8,
	[COL_COMPLETION] = 11, [COL_YTD] = 14, [COL_TARGET] = 13, [COL_GROWTH] = 10,
	[COL_ATTR] = 11, [COL_ATTR_GROWTH] = 11, [COL_ADJUST] = 9,
	[COL_SCORE] = 12, [COL_DUE] = 7, [COL_LATE] = 7, [COL_MISSING] = 7, [COL_FLAGS] = 30,
	[COL_EXPLAIN] = 48,
};

/* A ranking sheet: title, a line about the publication, the header (frozen
 * with the unit's rank, code and name), a row per unit, a note. */
/* The 全县 row under a ranking's units (rows 3 .. row-1): SUM formulas for
 * the money and report counts, the completion as their ratio. */
static void xlsx_county_row(struct xw *x, lxw_worksheet *ws, const struct view *v,
			    lxw_row_t row)
{
	const Publication *p = v->p;
	struct xfmt *f = &x->f;
	size_t ncol = ro_col_count(p), c, ind, i;
	lxw_col_t ytd_col = 0, target_col = 0;
	char fm[64], a[16], b[16];
	i128 ytd = 0, target = 0;
	uint64_t due = 0, late = 0, missing = 0;

	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		if (!r)
			continue;
		ytd += r->fai_ytd_fen;
		if (ro_view_has_target(v, r))
			target += r->fai_target_fen;
		due += r->reports_due;
		late += r->reports_late;
		missing += r->reports_missing;
	}
	for (c = 0; c < ncol; c++) {
		lxw_col_t cc = (lxw_col_t)c;
		switch (ro_col_kind(p, c, &ind)) {
		case COL_YTD:
			ytd_col = cc;
			sum_of(fm, sizeof fm, cc, 3, row - 1);
			xformula(x, ws, row, cc, fm, (double)ytd / (double)FEN_PER_WAN, f->tot_num2);
			break;
		case COL_TARGET:
			target_col = cc;
			sum_of(fm, sizeof fm, cc, 3, row - 1);
			xformula(x, ws, row, cc, fm, (double)target / (double)FEN_PER_WAN, f->tot_num2);
			break;
		case COL_DUE:
		case COL_LATE:
		case COL_MISSING: {
			enum col k = ro_col_kind(p, c, &ind);
			sum_of(fm, sizeof fm, cc, 3, row - 1);
			xformula(x, ws, row, cc, fm,
				 (double)(k == COL_DUE ? due : k == COL_LATE ? late : missing),
				 f->tot_int);
			break;
		}
		case COL_NAME:
			xstr(x, ws, row, cc, "全县", f->tot_label);
			break;
		default:
			xblank(x, ws, row, cc, f->tot_blank);
			break;
		}
	}
	/* The completion of the county: its sums' ratio (blank without targets). */
	for (c = 0; c < ncol; c++) {
		if (ro_col_kind(p, c, &ind) != COL_COMPLETION || !target_col)
			continue;
		lxw_rowcol_to_cell(a, row, ytd_col);
		lxw_rowcol_to_cell(b, row, target_col);
		snprintf(fm, sizeof fm, "=IF(%s>0,%s/%s,\"\")", b, a, b);
		xformula(x, ws, row, (lxw_col_t)c, fm,
			 target > 0 ? (double)ytd / (double)target : 0, f->tot_pct);
	}
}

static void xlsx_pub(struct xw *x, const Publication *p, const AssessInputs *in)
{
	struct xfmt *f = &x->f;
	lxw_worksheet *ws;
	struct view v;
	char buf[CELL_MAX], t1[48], t2[48], dig[40];
	size_t ncol = ro_col_count(p), i, c, ind;
	lxw_col_t last;
	lxw_row_t row;

	if (ro_view_init(&v, p, in) != BS_OK) {
		x->nomem = 1;
		goto out;
	}
	if (ncol > LXW_COL_MAX || p->n_results > LXW_ROW_MAX - 8) {
		xcheck(x, LXW_ERROR_PARAMETER_VALIDATION);
		goto out;
	}
	if (!(ws = xsheet(x, v.name)))
		goto out;
	last = (lxw_col_t)(ncol - 1);
	for (c = 0; c < ncol; c++)
		xwidth(x, ws, (lxw_col_t)c, (lxw_col_t)c, col_widths[ro_col_kind(p, c, &ind)]);

	xmerge(x, ws, 0, 0, last, ro_view_title(&v), f->title);
	xheight(x, ws, 0, 30);
	ro_fmt_time(p->as_of_ms, t1, sizeof t1);
	ro_fmt_time(p->published_at_ms, t2, sizeof t2);
	ro_fmt_digest(&p->digest, 0, dig, sizeof dig);
	snprintf(buf, sizeof buf,
		 "%s　期间：%s（%s）　考核方案：%u年第%u版　数据截至：%s　发布时间：%s（北京时间）"
		 "　编号：%u　校验码：%s",
		 assess_scope_label((int)p->scope), v.period, S(p->period), p->scheme_year,
		 p->scheme_version, t1, t2, p->number, dig[0] ? dig : NA);
	xmerge(x, ws, 1, 0, last, buf, f->sub);
	xheight(x, ws, 1, 20);
	for (c = 0; c < ncol; c++)
		xstr(x, ws, 2, (lxw_col_t)c, ro_col_head(p, c, buf, sizeof buf), f->head);
	xheight(x, ws, 2, 36);

	row = 3;
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		if (!r)
			continue;
		for (c = 0; c < ncol; c++) {
			lxw_col_t cc = (lxw_col_t)c;
			switch (ro_col_kind(p, c, &ind)) {
			case COL_RANK:
				if (r->rank == 0)
					xstr(x, ws, row, cc, UNRANKED, f->center);
				else
					xnum(x, ws, row, cc, (double)r->rank,
					     r->tied > 1 ? f->rank_tied : f->rank);
				break;
			case COL_TOTAL:
				if (r->has_total)
					xnum(x, ws, row, cc, c2_to_num(r->total_c), f->num2);
				else
					xblank(x, ws, row, cc, f->num2);
				break;
			case COL_COMPLETION:
				if (r->has_completion)
					xnum(x, ws, row, cc, bp_to_ratio(r->completion_bp), f->pct);
				else
					xblank(x, ws, row, cc, f->pct);
				break;
			case COL_YTD:
				xnum(x, ws, row, cc, fen_to_wan(r->fai_ytd_fen), f->num2);
				break;
			case COL_TARGET:
				if (ro_view_has_target(&v, r))
					xnum(x, ws, row, cc, fen_to_wan(r->fai_target_fen), f->num2);
				else
					xblank(x, ws, row, cc, f->num2);
				break;
			case COL_GROWTH:
				if (r->has_growth)
					xnum(x, ws, row, cc, bp_to_ratio(r->growth_bp), f->pct);
				else
					xblank(x, ws, row, cc, f->pct);
				break;
			case COL_ATTR:
				if (r->has_attraction)
					xnum(x, ws, row, cc, bp_to_ratio(r->attraction_bp), f->pct);
				else
					xblank(x, ws, row, cc, f->pct);
				break;
			case COL_ATTR_GROWTH:
				if (r->has_attraction_growth)
					xnum(x, ws, row, cc, bp_to_ratio(r->attraction_growth_bp), f->pct);
				else
					xblank(x, ws, row, cc, f->pct);
				break;
			case COL_ADJUST:
				if (r->adjust_c)
					xnum(x, ws, row, cc, c2_to_num(r->adjust_c), f->num2);
				else
					xblank(x, ws, row, cc, f->num2);
				break;
			case COL_SCORE:
				if (ind < r->n_scores_c && r->scores_c[ind] >= 0)
					xnum(x, ws, row, cc, c2_to_num(r->scores_c[ind]), f->num2);
				else
					xblank(x, ws, row, cc, f->num2);
				break;
			case COL_DUE:
				xnum(x, ws, row, cc, (double)r->reports_due, f->count);
				break;
			case COL_LATE:
				xnum(x, ws, row, cc, (double)r->reports_late, f->count);
				break;
			case COL_MISSING:
				xnum(x, ws, row, cc, (double)r->reports_missing, f->count);
				break;
			case COL_FLAGS:
			case COL_EXPLAIN:
				xstr(x, ws, row, cc, ro_cell_text(&v, r, c, buf, sizeof buf), f->wrap);
				break;
			case COL_GRADE:
				xstr(x, ws, row, cc, ro_cell_text(&v, r, c, buf, sizeof buf), f->center);
				break;
			default:
				xstr(x, ws, row, cc, ro_cell_text(&v, r, c, buf, sizeof buf), f->text);
				break;
			}
		}
		row++;
	}
	if (row > 3)
		xlsx_county_row(x, ws, &v, row);
	t1[0] = '\0';
	if (v.elapsed_bp >= 0)
		ro_fmt_pct(v.elapsed_bp, t1, sizeof t1);
	snprintf(buf, sizeof buf,
		 "注：空白表示不适用（目标未下达、无可计分指标等）；“并列”为名次相同；投资完成率 = "
		 "本年累计完成投资 ÷ 年度投资目标；全县合计为公式（SUM）%s%s。",
		 t1[0] ? "；时序进度 " : "", t1);
	xmerge(x, ws, row + 1, 0, last, buf, f->note);
	if (xw_ok(x)) {
		worksheet_freeze_panes(ws, 3, 3);
		xcheck(x, worksheet_repeat_rows(ws, 2, 2));
		worksheet_set_landscape(ws);
		worksheet_set_paper(ws, 9);             /* A4 */
		worksheet_fit_to_pages(ws, 1, 0);
	}
out:
	ro_view_free(&v);
}

/* Plan rows in a stable order: reporting unit, project code, name, id. */
static int plan_cmp(const void *a, const void *b)
{
	const struct plan_row *x = *(const struct plan_row *const *)a;
	const struct plan_row *y = *(const struct plan_row *const *)b;
	int c = strcmp(S(x->unit_name), S(y->unit_name));
	if (!c && x->p && y->p)
		c = strcmp(S(x->p->code), S(y->p->code));
	if (!c && x->p && y->p)
		c = strcmp(S(x->p->name), S(y->p->name));
	return c ? c : strcmp(S(x->uid), S(y->uid));
}

/* The plan table 《重点建设项目计划表》 with a totals row (sums in fen). */
static void xlsx_plan(struct xw *x, const struct plan_row *plan, size_t n_plan, int year)
{
	static const char *const heads[] = {
		"序号", "项目名称", "全国投资项目代码", "牵头单位", "所在乡镇", "项目类别",
		"产业链", "投资类型", "重点级别", "包抓领导", "业主单位", "总投资(万元)",
		"年度计划投资(万元)", "本年累计完成(万元)", "计划开工", "计划竣工", "建设阶段",
		"500万以上", "亿元以上",
	};
	static const double widths[] = {6, 36, 26, 14, 12, 10, 14, 12, 10, 12, 24, 14, 16, 16,
					12, 12, 10, 10, 10};
	enum { NCOL = sizeof heads / sizeof heads[0], LAST = NCOL - 1 };
	struct xfmt *f = &x->f;
	lxw_worksheet *ws;
	char buf[160];
	i128 total = 0, annual = 0, ytd = 0;
	unsigned k = 0, over500 = 0, over_yi = 0;
	lxw_row_t row;
	size_t i;
	lxw_col_t c;
	const struct plan_row **order;
	char fm[64];

	if (n_plan > LXW_ROW_MAX - 8) {
		xcheck(x, LXW_ERROR_PARAMETER_VALIDATION);
		return;
	}
	if (!(ws = xsheet(x, PLAN_SHEET)))
		return;
	for (c = 0; c < NCOL; c++)
		xwidth(x, ws, c, c, widths[c]);
	snprintf(buf, sizeof buf, "%d年重点建设项目计划表", year);
	xmerge(x, ws, 0, 0, LAST, buf, f->title);
	xheight(x, ws, 0, 30);
	xmerge(x, ws, 1, 0, LAST,
	       "单位：万元。本年累计完成取各项目最近一期报送的数据，空白为尚无报送；合计为公式（SUM）。",
	       f->sub);
	for (c = 0; c < NCOL; c++)
		xstr(x, ws, 2, c, heads[c], f->head);
	xheight(x, ws, 2, 32);

	if (!(order = calloc(n_plan + 1, sizeof *order))) {
		x->nomem = 1;
		return;
	}
	for (i = 0; i < n_plan; i++)
		order[i] = &plan[i];
	qsort(order, n_plan, sizeof *order, plan_cmp);
	row = 3;
	for (i = 0; i < n_plan; i++) {
		const struct plan_row *pr = order[i];
		const Project *p = pr->p;
		const char *stage, *lead;
		int big500, big_yi;
		if (!p)
			continue;
		stage = records_enum_label(&baosong__v1__project_stage__descriptor, (int)p->stage);
		/* 牵头单位 is the project's lead unit, not the unit reporting it. */
		lead = pr->lead_name && *pr->lead_name ? pr->lead_name : S(p->lead_unit);
		big500 = p->total_investment_fen >= FEN_500WAN;
		big_yi = p->total_investment_fen >= FEN_PER_YI;
		xnum(x, ws, row, 0, (double)++k, f->rank);
		xstr(x, ws, row, 1, S(p->name), f->wrap);
		xstr(x, ws, row, 2, S(p->code), f->text);
		xstr(x, ws, row, 3, lead, f->text);
		xstr(x, ws, row, 4, S(p->township), f->text);
		xstr(x, ws, row, 5, S(p->category), f->text);
		xstr(x, ws, row, 6, S(p->industry_chain), f->text);
		xstr(x, ws, row, 7, S(p->investment_type), f->text);
		xstr(x, ws, row, 8, S(p->level), f->center);
		xstr(x, ws, row, 9, S(p->leader), f->text);
		xstr(x, ws, row, 10, S(p->owner), f->wrap);
		xnum(x, ws, row, 11, fen_to_wan(p->total_investment_fen), f->num2);
		xnum(x, ws, row, 12, fen_to_wan(p->annual_plan_fen), f->num2);
		if (pr->ytd_fen >= 0)
			xnum(x, ws, row, 13, fen_to_wan(pr->ytd_fen), f->num2);
		else
			xblank(x, ws, row, 13, f->num2);
		xdate(x, ws, row, 14, p->start_date, f->date, f->center);
		xdate(x, ws, row, 15, p->end_date, f->date, f->center);
		xstr(x, ws, row, 16, stage ? stage : "", f->center);
		xstr(x, ws, row, 17, big500 ? "是" : "否", f->center);
		xstr(x, ws, row, 18, big_yi ? "是" : "否", f->center);
		total += p->total_investment_fen;
		annual += p->annual_plan_fen;
		if (pr->ytd_fen >= 0)
			ytd += pr->ytd_fen;
		over500 += (unsigned)big500;
		over_yi += (unsigned)big_yi;
		row++;
	}
	free(order);
	snprintf(buf, sizeof buf, "合计（%u 个项目）", k);
	xmerge(x, ws, row, 0, 10, buf, f->tot_label);
	if (row > 3) {
		sum_of(fm, sizeof fm, 11, 3, row - 1);
		xformula(x, ws, row, 11, fm, (double)total / (double)FEN_PER_WAN, f->tot_num2);
		sum_of(fm, sizeof fm, 12, 3, row - 1);
		xformula(x, ws, row, 12, fm, (double)annual / (double)FEN_PER_WAN, f->tot_num2);
		sum_of(fm, sizeof fm, 13, 3, row - 1);
		xformula(x, ws, row, 13, fm, (double)ytd / (double)FEN_PER_WAN, f->tot_num2);
	} else {
		xnum(x, ws, row, 11, 0, f->tot_num2);
		xnum(x, ws, row, 12, 0, f->tot_num2);
		xnum(x, ws, row, 13, 0, f->tot_num2);
	}
	xmerge(x, ws, row, 14, 16, "", f->tot_blank);
	xnum(x, ws, row, 17, (double)over500, f->tot_count);
	xnum(x, ws, row, 18, (double)over_yi, f->tot_count);
	if (xw_ok(x)) {
		worksheet_freeze_panes(ws, 3, 2);
		xcheck(x, worksheet_repeat_rows(ws, 2, 2));
		worksheet_set_landscape(ws);
		worksheet_set_paper(ws, 9);
		worksheet_fit_to_pages(ws, 1, 0);
	}
}

int report_xlsx(const char *path, int overwrite, const Publication *const *pubs,
		const AssessInputs *const *ins, size_t n, const struct plan_row *plan,
		size_t n_plan, int plan_year)
{
	lxw_workbook_options opt = {.constant_memory = 0, .tmpdir = NULL, .use_zip64 = 1};
	struct xw x;
	char *tmp = NULL;
	int fd = -1, rv, with_plan = plan != NULL || n == 0;
	lxw_error closed;
	size_t i;

	if (!path || !*path || (n && !pubs) || (n_plan && !plan))
		return BS_E_INVAL;
	for (i = 0; i < n; i++)
		if (!pubs[i])
			return BS_E_INVAL;
	if ((rv = ro_tmp_open(path, overwrite, &tmp, &fd)) != BS_OK)
		return rv;
	if (close(fd) != 0) {
		(void)unlink(tmp);
		free(tmp);
		return BS_E_IO;
	}
	memset(&x, 0, sizeof x);
	if (!(x.names = calloc(n + 1, sizeof *x.names)) ||
	    !(x.wb = workbook_new_opt(tmp, &opt))) {
		rv = BS_E_NOMEM;
		goto fail;
	}
	xformats(&x);
	if (with_plan)          /* keep its name from a publication's */
		snprintf(x.names[x.n_names++], SHEET_CAP, "%s", PLAN_SHEET);
	for (i = 0; i < n && xw_ok(&x); i++)
		xlsx_pub(&x, pubs[i], ins ? ins[i] : NULL);
	if (with_plan) {
		x.n_names--;
		memmove(x.names, x.names + 1, x.n_names * sizeof *x.names);
		xlsx_plan(&x, plan, plan ? n_plan : 0, plan_year);
	}
	closed = workbook_close(x.wb);  /* frees the workbook in every case */
	x.wb = NULL;
	if (x.nomem)
		rv = BS_E_NOMEM;
	else if (x.err != LXW_NO_ERROR)
		rv = x.err == LXW_ERROR_MEMORY_MALLOC_FAILED ? BS_E_NOMEM : BS_E_IO;
	else if (closed != LXW_NO_ERROR)
		rv = closed == LXW_ERROR_MEMORY_MALLOC_FAILED ? BS_E_NOMEM : BS_E_IO;
	else
		rv = ro_file_sync(tmp);
	if (rv == BS_OK) {
		rv = ro_tmp_commit(tmp, path, overwrite);
		goto out;
	}
fail:
	if (x.wb)
		(void)workbook_close(x.wb);
	(void)unlink(tmp);
out:
	free(x.names);
	free(tmp);
	return rv;
}

