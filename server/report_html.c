/* report_html.c - every publication on one self-contained HTML page with
 * inline SVG charts, printable on A4; report_out.h. */
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
#include "report_out.h"

/* ---- HTML ---- */

/* s cleaned and escaped for text and attribute values; with max_chars,
 * cut after that many characters with "…". */
static void html_text(struct out *o, const char *s, size_t max_chars)
{
	char *c = ro_text_clean(s);
	const char *q, *span;

	if (!c) {
		ro_out_fail(o, BS_E_NOMEM);
		return;
	}
	if (max_chars)
		ro_text_cut(c, strlen(c) + 1, max_chars, SIZE_MAX);
	for (q = span = c; *q; q++) {
		const char *e;
		switch (*q) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: continue;
		}
		ro_out_bytes(o, span, (size_t)(q - span));
		ro_out_str(o, e);
		span = q + 1;
	}
	ro_out_bytes(o, span, (size_t)(q - span));
	free(c);
}

#define esc(o, s) html_text((o), (s), 0)

static const char html_style[] =
	":root{color-scheme:light}\n"
	"body{margin:24px auto;max-width:1240px;padding:0 16px;color:#1f2328;background:#fff;"
	"line-height:1.5;font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Noto Sans SC\","
	"\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",\"微软雅黑\","
	"\"WenQuanYi Micro Hei\",\"WenQuanYi Zen Hei\",\"SimHei\",\"SimSun\",\"宋体\",sans-serif}\n"
	"h1{font-size:26px;text-align:center;color:#b71c1c;margin:8px 0 16px}\n"
	"h2{font-size:21px;border-bottom:3px solid #b71c1c;padding-bottom:4px;margin-top:40px}\n"
	"h3{font-size:16px;margin:24px 0 4px}\n"
	"nav ol{columns:2;font-size:14px}\n"
	".meta{display:flex;flex-wrap:wrap;gap:2px 22px;font-size:13px;color:#444;margin:8px 0}\n"
	".meta div{display:flex;gap:6px}.meta dt{font-weight:bold}.meta dd{margin:0}\n"
	".table-wrap{overflow-x:auto}\n"
	"table.ranking{border-collapse:collapse;font-size:13px}\n"
	"table.ranking caption{text-align:left;font-weight:bold;padding:4px 0}\n"
	"table.ranking th,table.ranking td{border:1px solid #c8c8c8;padding:3px 6px;"
	"white-space:nowrap}\n"
	"table.ranking th{background:#f0f0f0;position:sticky;top:0}\n"
	"table.ranking td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	"table.ranking td.wide{white-space:normal;min-width:14em;max-width:32em}\n"
	"table.ranking tbody tr:nth-child(even){background:#fafafa}\n"
	"tr.tied td.rank{color:#a34700;font-weight:bold}\n"
	"tr.unranked td{color:#777}\n"
	"tr.flagged td.flags{color:#b71c1c}\n"
	".note{font-size:12px;color:#555}\n"
	"figure.chart-box{margin:16px 0}\n"
	"figure.chart-box figcaption{font-size:12px;color:#555}\n"
	"svg.chart{display:block;max-width:100%;height:auto}\n"
	"svg.chart text{font-family:inherit;font-size:12px;fill:#1f2328}\n"
	"svg.chart text.heading{font-size:14px;font-weight:bold}\n"
	"svg.chart text.na{fill:#888}\n"
	"svg.chart .grid{stroke:#e3e3e3;stroke-width:1}\n"
	"svg.chart .axis{stroke:#888;stroke-width:1}\n"
	"svg.chart .bar.ahead{fill:#2e7d32}\n"
	"svg.chart .bar.behind{fill:#ef6c00}\n"
	"svg.chart .bar.neutral,svg.chart .bar.score{fill:#1565c0}\n"
	"svg.chart .bar.tied{stroke:#111;stroke-width:1.5;stroke-dasharray:4 2}\n"
	"svg.chart text.tied{fill:#a34700;font-weight:bold}\n"
	"svg.chart .timeline{stroke:#c62828;stroke-width:2;stroke-dasharray:6 4}\n"
	"svg.chart text.timeline-label{fill:#c62828;font-weight:bold}\n"
	"svg.chart .late{fill:#f9a825}\n"
	"svg.chart .missing{fill:#c62828}\n"
	"footer{margin-top:40px;font-size:12px;color:#777;border-top:1px solid #ddd;"
	"padding-top:8px}\n"
	"table.compact td.name,table.compact td.flags{white-space:nowrap}\n"
	"table.compact{margin:8px 0 16px}\n"
	"table.detail{font-size:12px}\n"
	"h4{font-size:14px;margin:16px 0 4px}\n"
	".summary{font-size:14px}\n"
	".bureau-text{border:1px dashed #b0b0b0;background:#fffdf3;padding:2px 10px;margin:8px 0;"
	"font-size:13px;color:#555;min-height:2.2em}\n"
	"ul.problems,ol.next{font-size:14px}\n"
	"@page{size:A4;margin:12mm 10mm}\n"
	"@media print{body{max-width:none;margin:0;padding:0;font-size:11px}"
	"nav{display:none}section.publication~section.publication,section.trend{break-before:page}"
	".table-wrap{overflow:visible}table.ranking th{position:static}"
	"table.compact{font-size:11px;width:100%}"
	"table.detail{font-size:7px;width:100%;table-layout:auto}"
	"table.detail th,table.detail td{white-space:normal;padding:1px 2px}table.detail td.name,table.detail td.rank{white-space:nowrap}"
	"table.detail td.wide{min-width:0;max-width:none}"
	"figure.chart-box{break-inside:avoid}svg.chart{width:100%;height:auto}"
	"tr{break-inside:avoid}.bureau-text{background:none}}\n";

/* The geometry of a chart of horizontal bars, one row per unit. */
struct chart {
	struct out *o;
	int width, height;
	int top;                        /* y of the first row */
	int row_h;
	int label_x;                    /* right edge of the unit names */
	int plot_x, plot_w;
	int64_t axis;                   /* the value at the plot's right end */
	size_t rows;
};

#define CHART_W 960
#define CHART_ROW 24
#define CHART_NAME_CHARS 12

static void chart_geometry(struct chart *c, struct out *o, size_t rows, int top, int bottom,
			   int label_x, int right)
{
	memset(c, 0, sizeof *c);
	c->o = o;
	c->rows = rows ? rows : 1;
	c->top = top;
	c->row_h = CHART_ROW;
	c->label_x = label_x;
	c->plot_x = label_x + 10;
	c->plot_w = CHART_W - c->plot_x - right;
	c->width = CHART_W;
	c->height = top + (int)c->rows * CHART_ROW + bottom;
	c->axis = 1;
}

static int chart_x(const struct chart *c, int64_t v)
{
	if (v < 0)
		v = 0;
	if (v > c->axis)
		v = c->axis;
	return c->plot_x + (int)(v * c->plot_w / c->axis);
}

static int chart_row_y(const struct chart *c, size_t i)
{
	return c->top + (int)i * c->row_h;
}

/* A round step for about five ticks up to max (1, 2, 5, 10, 20, 50 ...
 * times unit), and the axis end: max rounded up to a step. */
static int64_t nice_step(int64_t max, int64_t unit, int64_t *axis)
{
	int64_t step = unit;
	static const int mult[] = {2, 5, 10};
	int64_t base = unit;
	size_t k = 0;

	if (max < unit)
		max = unit;
	while (max / step > 5) {
		step = base * mult[k];
		if (++k == 3) {
			k = 0;
			base *= 10;
		}
	}
	*axis = (max + step - 1) / step * step;
	return step;
}

/* "<figure><svg ...><title>...</title><desc>...</desc>" */
static void chart_open(struct chart *c, const char *kind, int n, const char *title,
		       const char *desc)
{
	struct out *o = c->o;

	ro_out_str(o, "<figure class=\"chart-box\">\n");
	ro_out_fmt(o, "<svg id=\"chart-%s-%d\" class=\"chart chart-%s\" role=\"img\" "
		"aria-labelledby=\"chart-%s-%d-title chart-%s-%d-desc\" aria-label=\"", kind, n,
		kind, kind, n, kind, n);
	esc(o, title);
	ro_out_fmt(o, "\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
		"preserveAspectRatio=\"xMinYMin meet\">\n", c->width, c->height, c->width,
		c->height);
	ro_out_fmt(o, "<title id=\"chart-%s-%d-title\">", kind, n);
	esc(o, title);
	ro_out_fmt(o, "</title>\n<desc id=\"chart-%s-%d-desc\">", kind, n);
	esc(o, desc);
	ro_out_str(o, "</desc>\n");
	ro_out_str(o, "<text class=\"heading\" x=\"8\" y=\"20\">");
	esc(o, title);
	ro_out_str(o, "</text>\n");
}

static void chart_close(struct chart *c, const char *caption)
{
	ro_out_str(c->o, "</svg>\n<figcaption>");
	esc(c->o, caption);
	ro_out_str(c->o, "</figcaption>\n</figure>\n");
}

enum tick_kind { TICK_PCT, TICK_POINTS, TICK_COUNT };

/* Grid lines and their labels above the plot, every step up to the axis. */
static void chart_ticks(struct chart *c, int64_t step, enum tick_kind kind)
{
	int bottom = chart_row_y(c, c->rows);
	int64_t v;

	ro_out_str(c->o, "<g class=\"ticks\">\n");
	for (v = 0; v <= c->axis; v += step) {
		int x = chart_x(c, v);
		ro_out_fmt(c->o, "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
			v ? "grid" : "axis", x, c->top - 4, x, bottom);
		if (kind == TICK_PCT)
			ro_out_fmt(c->o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%lld%%</text>\n",
				x, c->top - 8, (long long)(v / 100));
		else if (kind == TICK_POINTS)
			ro_out_fmt(c->o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%lld分</text>\n",
				x, c->top - 8, (long long)(v / 100));
		else
			ro_out_fmt(c->o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%lld</text>\n",
				x, c->top - 8, (long long)v);
	}
	ro_out_str(c->o, "</g>\n");
}

/* The unit's name left of row i, cut to fit (the full name in its title). */
static void chart_name(struct chart *c, size_t i, const char *name)
{
	ro_out_fmt(c->o, "<text class=\"name\" x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		c->label_x, chart_row_y(c, i) + 16);
	html_text(c->o, name, CHART_NAME_CHARS);
	ro_out_str(c->o, "</text>");
}

/* The axis end for percentages in bp: at least 100%, at most 300% (longer
 * bars are cut at the end, their values still written). */
static int64_t pct_axis(int64_t max_bp, int64_t *step)
{
	int64_t axis, m = max_bp < BP_FULL ? BP_FULL : max_bp;

	if (m > 3 * BP_FULL)
		m = 3 * BP_FULL;
	*step = m <= BP_FULL ? 2500 : m <= 2 * BP_FULL ? 5000 : BP_FULL;
	axis = (m + *step - 1) / *step * *step;
	return axis;
}

/* (a) completion against the target per unit, in the publication's order,
 * with the time-elapsed share of the year as a vertical line. */
static void chart_completion(struct out *o, const struct view *v, int n)
{
	const Publication *p = v->p;
	struct chart c;
	char title[256], desc[512], pct[32], el[32], ytd[32], tgt[32];
	int64_t max_bp = 0, step;
	size_t i;
	int ly;

	for (i = 0; i < p->n_results; i++)
		if (p->results[i] && p->results[i]->has_completion &&
		    p->results[i]->completion_bp > max_bp)
			max_bp = p->results[i]->completion_bp;
	chart_geometry(&c, o, p->n_results, 64, 40, 190, 110);
	c.axis = pct_axis(max_bp, &step);
	if (v->elapsed_bp >= 0)
		ro_fmt_pct(v->elapsed_bp, el, sizeof el);
	else
		snprintf(el, sizeof el, "%s", NA);
	snprintf(title, sizeof title, "%s各单位固定资产投资完成率", v->period);
	snprintf(desc, sizeof desc,
		 "横条为各单位本年累计完成投资占年度目标的比例，竖虚线为时序进度 %s；"
		 "未下达投资目标的单位标注“未下达目标”。", el);
	chart_open(&c, "completion", n, title, desc);
	chart_ticks(&c, step, TICK_PCT);
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		const char *name;
		int y, x1;
		if (!r)
			continue;
		name = ro_view_name(v, r);
		y = chart_row_y(&c, i);
		money_format_wan(r->fai_ytd_fen, ytd, sizeof ytd);
		money_format_wan(r->fai_target_fen, tgt, sizeof tgt);
		ro_out_str(o, "<g class=\"unit\"><title>");
		esc(o, name);
		if (r->has_completion) {
			ro_fmt_pct(r->completion_bp, pct, sizeof pct);
			ro_out_fmt(o, "：完成率 %s（本年累计 %s 万元 / 目标 %s 万元）</title>", pct, ytd,
				tgt);
		} else {
			ro_out_fmt(o, "：%s（本年累计 %s 万元）</title>",
				ro_view_has_target(v, r) ? "无完成率" : "未下达目标", ytd);
		}
		chart_name(&c, i, name);
		if (r->has_completion) {
			const char *cls = v->elapsed_bp < 0 ? "neutral"
					: r->completion_bp >= v->elapsed_bp ? "ahead" : "behind";
			x1 = chart_x(&c, r->completion_bp);
			ro_out_fmt(o, "<rect class=\"bar %s\" x=\"%d\" y=\"%d\" width=\"%d\" "
				"height=\"%d\"/><text class=\"value\" x=\"%d\" y=\"%d\">%s%s</text>",
				cls, c.plot_x, y + 4, x1 - c.plot_x, c.row_h - 8, x1 + 6, y + 16, pct,
				r->completion_bp > c.axis ? " ▶" : "");
		} else {
			ro_out_fmt(o, "<text class=\"na\" x=\"%d\" y=\"%d\">%s</text>", c.plot_x + 6,
				y + 16, ro_view_has_target(v, r) ? NA : "未下达目标");
		}
		ro_out_str(o, "</g>\n");
	}
	if (v->elapsed_bp >= 0) {
		int x = chart_x(&c, v->elapsed_bp);
		ro_out_fmt(o, "<line class=\"timeline\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
			"<text class=\"timeline-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
			"时序进度 %s</text>\n", x, c.top - 26, x, chart_row_y(&c, c.rows) + 4, x,
			c.top - 30, el);
	}
	ly = chart_row_y(&c, c.rows) + 24;
	ro_out_fmt(o, "<g class=\"legend\"><rect class=\"bar ahead\" x=\"%d\" y=\"%d\" width=\"14\" "
		"height=\"12\"/><text x=\"%d\" y=\"%d\">达到时序进度</text>"
		"<rect class=\"bar behind\" x=\"%d\" y=\"%d\" width=\"14\" height=\"12\"/>"
		"<text x=\"%d\" y=\"%d\">落后于时序进度</text>"
		"<line class=\"timeline\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
		"<text x=\"%d\" y=\"%d\">时序进度 %s</text></g>\n",
		c.plot_x, ly - 11, c.plot_x + 20, ly, c.plot_x + 130, ly - 11, c.plot_x + 150, ly,
		c.plot_x + 280, ly - 13, c.plot_x + 280, ly + 1, c.plot_x + 290, ly, el);
	chart_close(&c, "图：投资完成率与时序进度（“时间过半、任务过半”）。");
}

struct rank_item {
	const UnitResult *r;
	size_t order;                   /* in the publication */
	int has;                        /* ranked: has a bar */
	int64_t value;
	unsigned pos, tied;
};

static int cmp_by_rank(const void *a, const void *b)
{
	const struct rank_item *x = a, *y = b;
	if (x->has != y->has)
		return y->has - x->has;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_by_value(const void *a, const void *b)
{
	const struct rank_item *x = a, *y = b;
	if (x->has != y->has)
		return y->has - x->has;
	if (x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* (b) the ranking, best first: total score for a quarter or a year (the
 * publication's ranks), completion for a month or a week (ranked here, equal
 * values sharing a place).  Ties get a dashed outline and "并列". */
static void chart_ranking(struct out *o, const struct view *v, int n)
{
	const Publication *p = v->p;
	int by_score = p->scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER ||
		       p->scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR;
	struct rank_item *it;
	struct chart c;
	char title[256], val[48];
	int64_t max = 0, step;
	size_t i, j, k, m = 0;

	if (!(it = calloc(p->n_results ? p->n_results : 1, sizeof *it))) {
		ro_out_fail(o, BS_E_NOMEM);
		return;
	}
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		if (!r)
			continue;
		it[m].r = r;
		it[m].order = i;
		if (by_score) {
			it[m].has = r->rank > 0 && r->has_total;
			it[m].value = r->total_c;
			it[m].pos = r->rank;
			it[m].tied = r->tied;
		} else {
			it[m].has = r->has_completion;
			it[m].value = r->completion_bp;
		}
		if (it[m].has && it[m].value > max)
			max = it[m].value;
		m++;
	}
	qsort(it, m, sizeof *it, by_score ? cmp_by_rank : cmp_by_value);
	if (!by_score) {
		for (i = 0; i < m && it[i].has; i = k) {
			for (k = i; k < m && it[k].has && it[k].value == it[i].value; k++)
				;
			for (j = i; j < k; j++) {
				it[j].pos = (unsigned)(i + 1);
				it[j].tied = (unsigned)(k - i);
			}
		}
	}
	chart_geometry(&c, o, m, 48, 36, 250, 160);
	if (by_score)
		step = nice_step(max < 100 * 100 ? 100 * 100 : max, 100, &c.axis);
	else
		c.axis = pct_axis(max, &step);
	snprintf(title, sizeof title, "%s排名（%s）", v->name,
		 by_score ? "按总分" : "按投资完成率");
	chart_open(&c, "ranking", n, title,
		   by_score ? "各单位总分由高到低；并列者名次相同，以虚线框和“并列”标出。"
			    : "各单位投资完成率由高到低；完成率相同者并列，以虚线框和“并列”标出。");
	chart_ticks(&c, step, by_score ? TICK_POINTS : TICK_PCT);
	for (i = 0; i < m; i++) {
		const UnitResult *r = it[i].r;
		const char *name = ro_view_name(v, r);
		int y = chart_row_y(&c, i), tied = it[i].has && it[i].tied > 1;
		if (by_score)
			ro_fmt_c2(it[i].value, val, sizeof val);
		else
			ro_fmt_pct(it[i].value, val, sizeof val);
		ro_out_fmt(o, "<g class=\"unit%s\"><title>", tied ? " tied" : "");
		esc(o, name);
		if (it[i].has)
			ro_out_fmt(o, "：第%u名%s，%s%s</title>", it[i].pos, tied ? "（并列）" : "", val,
				by_score ? "分" : "");
		else
			ro_out_fmt(o, "：%s</title>", by_score ? UNRANKED : "未下达目标");
		ro_out_fmt(o, "<text class=\"pos%s\" x=\"8\" y=\"%d\">", tied ? " tied" : "", y + 16);
		if (it[i].has)
			ro_out_fmt(o, "%u%s", it[i].pos, tied ? "（并列）" : "");
		else
			ro_out_str(o, NA);
		ro_out_str(o, "</text>");
		chart_name(&c, i, name);
		if (it[i].has) {
			int x1 = chart_x(&c, it[i].value);
			ro_out_fmt(o, "<rect class=\"bar %s%s\" x=\"%d\" y=\"%d\" width=\"%d\" "
				"height=\"%d\"/><text class=\"value%s\" x=\"%d\" y=\"%d\">%s%s",
				by_score ? "score" : "neutral", tied ? " tied" : "", c.plot_x, y + 4,
				x1 - c.plot_x, c.row_h - 8, tied ? " tied" : "", x1 + 6, y + 16, val,
				by_score ? "分" : "");
			if (by_score && r->grade && *r->grade) {
				ro_out_str(o, " ");
				esc(o, r->grade);
			}
			ro_out_fmt(o, "%s</text>", tied ? " 并列" : "");
		} else {
			ro_out_fmt(o, "<text class=\"na\" x=\"%d\" y=\"%d\">%s</text>", c.plot_x + 6,
				y + 16, by_score ? UNRANKED : "未下达目标");
		}
		ro_out_str(o, "</g>\n");
	}
	chart_close(&c, by_score ? "图：总分排名（虚线框为并列）。"
				 : "图：投资完成率排名（虚线框为并列）。");
	free(it);
}

struct report_item {
	const UnitResult *r;
	size_t order;
	unsigned due, late, missing;
};

static int cmp_reports(const void *a, const void *b)
{
	const struct report_item *x = a, *y = b;
	if (x->missing != y->missing)
		return x->missing > y->missing ? -1 : 1;
	if (x->late != y->late)
		return x->late > y->late ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* (c) late and missing reports per unit (from the inputs), stacked, the
 * most missing first. */
static void chart_reports(struct out *o, const struct view *v, int n)
{
	const Publication *p = v->p;
	struct report_item *it;
	struct chart c;
	char title[256];
	int64_t max = 0, step;
	size_t i, m = 0;
	int ly;

	if (!(it = calloc(p->n_results ? p->n_results : 1, sizeof *it))) {
		ro_out_fail(o, BS_E_NOMEM);
		return;
	}
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		const UnitInput *u;
		if (!r)
			continue;
		u = ro_view_input(v, r);
		it[m].r = r;
		it[m].order = i;
		it[m].due = u ? u->reports_due : r->reports_due;
		it[m].late = u ? u->reports_late : r->reports_late;
		it[m].missing = u ? u->reports_missing : r->reports_missing;
		if ((int64_t)it[m].late + it[m].missing > max)
			max = (int64_t)it[m].late + it[m].missing;
		m++;
	}
	qsort(it, m, sizeof *it, cmp_reports);
	chart_geometry(&c, o, m, 48, 40, 190, 230);
	step = nice_step(max, 1, &c.axis);
	snprintf(title, sizeof title, "%s各单位迟报、缺报情况", v->period);
	chart_open(&c, "reports", n, title,
		   "堆叠横条：迟报（期限后报送）与缺报（未报送或资料不全）的份数，缺报多者在前。");
	chart_ticks(&c, step, TICK_COUNT);
	for (i = 0; i < m; i++) {
		const char *name = ro_view_name(v, it[i].r);
		int y = chart_row_y(&c, i);
		int x1 = chart_x(&c, it[i].late);
		int x2 = chart_x(&c, (int64_t)it[i].late + it[i].missing);
		ro_out_str(o, "<g class=\"unit\"><title>");
		esc(o, name);
		ro_out_fmt(o, "：应报 %u，迟报 %u，缺报 %u</title>", it[i].due, it[i].late,
			it[i].missing);
		chart_name(&c, i, name);
		if (it[i].late)
			ro_out_fmt(o, "<rect class=\"late\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
				c.plot_x, y + 4, x1 - c.plot_x, c.row_h - 8);
		if (it[i].missing)
			ro_out_fmt(o, "<rect class=\"missing\" x=\"%d\" y=\"%d\" width=\"%d\" "
				"height=\"%d\"/>", x1, y + 4, x2 - x1, c.row_h - 8);
		if (it[i].late || it[i].missing)
			ro_out_fmt(o, "<text class=\"value\" x=\"%d\" y=\"%d\">迟报 %u · 缺报 %u（应报 %u）"
				"</text>", x2 + 6, y + 16, it[i].late, it[i].missing, it[i].due);
		else
			ro_out_fmt(o, "<text class=\"na\" x=\"%d\" y=\"%d\">无迟报、缺报（应报 %u）</text>",
				c.plot_x + 6, y + 16, it[i].due);
		ro_out_str(o, "</g>\n");
	}
	ly = chart_row_y(&c, c.rows) + 26;
	ro_out_fmt(o, "<g class=\"legend\"><rect class=\"late\" x=\"%d\" y=\"%d\" width=\"14\" "
		"height=\"12\"/><text x=\"%d\" y=\"%d\">迟报</text><rect class=\"missing\" "
		"x=\"%d\" y=\"%d\" width=\"14\" height=\"12\"/><text x=\"%d\" y=\"%d\">缺报</text>"
		"</g>\n", c.plot_x, ly - 11, c.plot_x + 20, ly, c.plot_x + 80, ly - 11,
		c.plot_x + 100, ly);
	chart_close(&c, "图：报送情况（迟报、缺报）。");
	free(it);
}

static void html_meta(struct out *o, const char *term, const char *value)
{
	ro_out_str(o, "<div><dt>");
	esc(o, term);
	ro_out_str(o, "</dt><dd>");
	esc(o, value);
	ro_out_str(o, "</dd></div>");
}

/* A list of unit names (at most 30, then "等 N 个") into o, escaped. */
struct namelist {
	struct out *o;
	unsigned n;
};

static void names_add(struct namelist *l, const char *name, const char *extra)
{
	if (l->n < 30) {
		ro_out_str(l->o, l->n ? "、" : "");
		esc(l->o, name);
		if (extra && *extra) {
			ro_out_str(l->o, "（");
			esc(l->o, extra);
			ro_out_str(l->o, "）");
		}
	} else if (l->n == 30) {
		ro_out_str(l->o, " 等");
	}
	l->n++;
}

/* A place for the bureau's own words in a section of the 通报. */
static void bureau_text(struct out *o, const char *what, int n)
{
	ro_out_fmt(o, "<div class=\"bureau-text\" id=\"bureau-%s-%d\" contenteditable=\"true\">"
		      "<p>（", what, n);
	esc(o, "此处由发改局填写：");
	esc(o, what[0] == 's' ? "总体情况的补充说明" : what[0] == 'p' ? "其他存在问题（问题清单、督查发现等）"
							 : "下步工作安排");
	ro_out_str(o, "）</p></div>\n");
}

/* 一、总体情况: what the numbers say about the county, from the results. */
static void html_summary(struct out *o, const struct view *v, int n)
{
	const Publication *p = v->p;
	size_t i, ranked = 0, targeted = 0;
	i128 ytd = 0, target = 0, ytd_t = 0;
	uint64_t due = 0, late = 0, missing = 0;
	char a[64], b[64], c[64];

	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		if (!r)
			continue;
		ranked += r->rank != 0;
		ytd += r->fai_ytd_fen;
		if (ro_view_has_target(v, r) && r->fai_target_fen > 0) {
			targeted++;
			target += r->fai_target_fen;
			ytd_t += r->fai_ytd_fen;
		}
		due += r->reports_due;
		late += r->reports_late;
		missing += r->reports_missing;
	}
	ro_out_fmt(o, "<h3 id=\"summary-%d\">一、总体情况</h3>\n<p class=\"summary\">", n);
	ro_out_fmt(o, "本期参加考核单位 %zu 个，参与排名 %zu 个", p->n_results, ranked);
	if (p->n_results > ranked)
		ro_out_fmt(o, "（%zu 个单位未下达投资目标或无可计分指标，列于排名之后，不参与排名）",
			   p->n_results - ranked);
	money_format_wan((int64_t)ytd, a, sizeof a);
	ro_out_fmt(o, "。全县本年累计完成固定资产投资 %s 万元", a);
	if (targeted && target > 0) {
		money_format_wan((int64_t)target, b, sizeof b);
		ro_fmt_pct(assess_ratio_bp((int64_t)ytd_t, (int64_t)target), c, sizeof c);
		ro_out_fmt(o, "，下达目标的 %zu 个单位目标合计 %s 万元，完成 %s", targeted, b, c);
		if (v->elapsed_bp >= 0) {
			ro_fmt_pct(v->elapsed_bp, a, sizeof a);
			ro_out_fmt(o, "（时序进度 %s）", a);
		}
	}
	ro_out_fmt(o, "。应报进度报告 %llu 份，迟报 %llu 份，缺报 %llu 份。</p>\n",
		   (unsigned long long)due, (unsigned long long)late, (unsigned long long)missing);
	bureau_text(o, "summary", n);
}

/* 二、排名: rank, unit, total, grade and the 末位 flag side by side (fits an
 * A4 page), then the wide detail with every indicator in a second table. */
static void html_ranking(struct out *o, const struct view *v, int n)
{
	static const enum col order[] = {COL_RANK,  COL_NAME,  COL_TOTAL,
					 COL_GRADE, COL_FLAGS, COL_COMPLETION};
	const Publication *p = v->p;
	size_t ncol = ro_col_count(p), i, c;
	char buf[CELL_MAX];

	ro_out_fmt(o, "<h3 id=\"ranking-%d\">二、排名</h3>\n", n);
	ro_out_fmt(o, "<table class=\"ranking compact\" id=\"table-%d\"><caption>", n);
	esc(o, v->name);
	ro_out_str(o, "排名表</caption>\n<thead><tr><th scope=\"col\">排名</th>"
		      "<th scope=\"col\">单位</th><th scope=\"col\">总分</th><th scope=\"col\">等级</th>"
		      "<th scope=\"col\">末位及标记</th><th scope=\"col\">投资完成率</th></tr></thead>\n"
		      "<tbody>\n");
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		if (!r)
			continue;
		ro_out_fmt(o, "<tr class=\"unit%s%s%s\">", r->rank == 0 ? " unranked" : "",
			   r->tied > 1 ? " tied" : "", r->flags ? " flagged" : "");
		/* rank, unit, total, grade and the 末位 flag side by side */
		for (c = 0; c < sizeof order / sizeof order[0]; c++) {
			enum col k = order[c];
			size_t at = k < COLS_BEFORE ? (size_t)k : ncol - 2; /* COL_FLAGS */
			const char *cls = k == COL_RANK ? "rank" : k == COL_NAME ? "name"
					  : k == COL_FLAGS ? "flags" : k == COL_GRADE ? "text" : "num";
			ro_out_fmt(o, "<td class=\"%s\">", cls);
			if (k == COL_FLAGS) {
				/* the consequences only: the report counts are in the detail */
				UnitResult shown = *r;
				shown.flags &= ASSESS_FLAGS_CONSEQUENCE | ASSESS_FLAG_NO_TARGET;
				ro_fmt_flags(&shown, buf, sizeof buf);
				esc(o, buf);
			} else {
				esc(o, ro_cell_text(v, r, at, buf, sizeof buf));
			}
			ro_out_str(o, "</td>");
		}
		ro_out_str(o, "</tr>\n");
	}
	ro_out_str(o, "</tbody></table>\n");

	ro_out_fmt(o, "<h4>各项指标明细</h4>\n<div class=\"table-wrap\"><table class=\"ranking detail\" "
		      "id=\"detail-%d\"><caption>", n);
	esc(o, v->name);
	ro_out_str(o, "指标明细</caption>\n<thead><tr>");
	for (c = 0; c < ncol; c++) {
		size_t ind;
		if (ro_col_kind(p, c, &ind) == COL_CODE)
			continue;
		ro_out_str(o, "<th scope=\"col\">");
		esc(o, ro_col_head(p, c, buf, sizeof buf));
		ro_out_str(o, "</th>");
	}
	ro_out_str(o, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		if (!r)
			continue;
		ro_out_fmt(o, "<tr class=\"unit%s%s%s\">", r->rank == 0 ? " unranked" : "",
			   r->tied > 1 ? " tied" : "", r->flags ? " flagged" : "");
		for (c = 0; c < ncol; c++) {
			size_t ind;
			enum col k = ro_col_kind(p, c, &ind);
			const char *cls = k == COL_RANK ? "rank" : k == COL_NAME ? "name"
					: k == COL_FLAGS ? "wide flags" : k == COL_EXPLAIN ? "wide"
					: ro_col_numeric(p, c) ? "num" : "text";
			if (k == COL_CODE)
				continue;
			ro_out_fmt(o, "<td class=\"%s\">", cls);
			esc(o, ro_cell_text(v, r, c, buf, sizeof buf));
			ro_out_str(o, "</td>");
		}
		ro_out_str(o, "</tr>\n");
	}
	ro_out_str(o, "</tbody></table></div>\n");
}

/* 三、存在问题 and 四、下步工作, from the results (and the inputs when there). */
static void html_problems(struct out *o, const struct view *v, int n)
{
	const Publication *p = v->p;
	struct namelist late = {o, 0}, missing = {o, 0}, notarget = {o, 0}, bottom = {o, 0};
	struct namelist appr = {o, 0}, failed = {o, 0};
	size_t i;
	char x[64];
	int any = 0;

	ro_out_fmt(o, "<h3 id=\"problems-%d\">三、存在问题</h3>\n<ul class=\"problems\">\n", n);
	ro_out_str(o, "<li>迟报：");
	for (i = 0; i < p->n_results; i++)
		if (p->results[i] && p->results[i]->reports_late) {
			snprintf(x, sizeof x, "%u 份", p->results[i]->reports_late);
			names_add(&late, ro_view_name(v, p->results[i]), x);
		}
	ro_out_str(o, late.n ? "</li>\n<li>缺报：" : "无</li>\n<li>缺报：");
	for (i = 0; i < p->n_results; i++)
		if (p->results[i] && p->results[i]->reports_missing) {
			snprintf(x, sizeof x, "%u 份", p->results[i]->reports_missing);
			names_add(&missing, ro_view_name(v, p->results[i]), x);
		}
	ro_out_str(o, missing.n ? "</li>\n" : "无</li>\n");
	if (v->in) {
		ro_out_str(o, "<li>前期手续逾期未办结：");
		for (i = 0; i < p->n_results; i++) {
			const UnitInput *u = p->results[i] ? ro_view_input(v, p->results[i]) : NULL;
			if (u && u->approvals_due > u->approvals_on_time) {
				snprintf(x, sizeof x, "%u 项", u->approvals_due - u->approvals_on_time);
				names_add(&appr, ro_view_name(v, p->results[i]), x);
			}
		}
		ro_out_str(o, appr.n ? "</li>\n" : "无</li>\n");
	}
	for (i = 0; i < p->n_results; i++)
		if (p->results[i] && !ro_view_has_target(v, p->results[i]))
			any = 1;
	if (any) {
		ro_out_str(o, "<li>未下达投资目标（不参与排名）：");
		for (i = 0; i < p->n_results; i++)
			if (p->results[i] && !ro_view_has_target(v, p->results[i]))
				names_add(&notarget, ro_view_name(v, p->results[i]), NULL);
		ro_out_str(o, "</li>\n");
	}
	ro_out_str(o, "<li>排名末位：");
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		if (r && (r->flags & (ASSESS_FLAG_LAST_MONTH | ASSESS_FLAG_LAST_QUARTER |
				      ASSESS_FLAG_BOTTOM))) {
			char f[300];
			UnitResult shown = *r;
			shown.flags &= ASSESS_FLAG_LAST_MONTH | ASSESS_FLAG_LAST_QUARTER |
				       ASSESS_FLAG_BOTTOM;
			ro_fmt_flags(&shown, f, sizeof f);
			names_add(&bottom, ro_view_name(v, r), f);
		}
	}
	ro_out_str(o, bottom.n ? "</li>\n" : "无</li>\n");
	for (i = 0; i < p->n_results; i++)
		if (p->results[i] && (p->results[i]->flags & ASSESS_FLAG_ACCEPTANCE_FAILED)) {
			if (!failed.n)
				ro_out_str(o, "<li>项目考核验收未通过：");
			names_add(&failed, ro_view_name(v, p->results[i]), NULL);
		}
	if (failed.n)
		ro_out_str(o, "</li>\n");
	ro_out_str(o, "</ul>\n");
	bureau_text(o, "problems", n);

	ro_out_fmt(o, "<h3 id=\"next-%d\">四、下步工作</h3>\n<ol class=\"next\">\n", n);
	if (bottom.n)
		ro_out_str(o, "<li>对排名末位的单位，按考核办法落实约谈、表态发言等措施，限期整改。</li>\n");
	if (late.n || missing.n)
		ro_out_str(o, "<li>迟报、缺报单位严格落实每周五12:00前报送（附现场照片），"
			      "缺报的本周内补报。</li>\n");
	if (appr.n)
		ro_out_str(o, "<li>前期手续逾期的单位加快办理，逐项明确办结时限。</li>\n");
	if (notarget.n)
		ro_out_str(o, "<li>尚未下达投资目标的单位，尽快下达目标责任书，纳入排名。</li>\n");
	ro_out_str(o, "<li>各单位对照目标任务和时序进度，查找差距，加快项目建设。</li>\n</ol>\n");
	bureau_text(o, "next", n);
}

static void html_pub(struct out *o, const Publication *p, const AssessInputs *in, int n)
{
	struct view v;
	char buf[CELL_MAX], t[64];

	if (ro_view_init(&v, p, in) != BS_OK) {
		ro_out_fail(o, BS_E_NOMEM);
		goto out;
	}
	ro_out_fmt(o, "<section class=\"publication\" id=\"pub-%d\" aria-labelledby=\"pub-%d-title\">\n"
		"<h2 id=\"pub-%d-title\">", n, n, n);
	esc(o, ro_view_title(&v));
	ro_out_str(o, "</h2>\n<dl class=\"meta\">");
	html_meta(o, "类别", assess_scope_label((int)p->scope));
	snprintf(buf, sizeof buf, "%s（%s）", v.period, S(p->period));
	html_meta(o, "期间", buf);
	snprintf(buf, sizeof buf, "%u年第%u版", p->scheme_year, p->scheme_version);
	html_meta(o, "考核方案", buf);
	ro_fmt_time(p->as_of_ms, t, sizeof t);
	html_meta(o, "数据截至", t);
	ro_fmt_time(p->published_at_ms, t, sizeof t);
	snprintf(buf, sizeof buf, "%s（北京时间）", t);
	html_meta(o, "发布时间", p->published_at_ms > 0 ? buf : "未发布");
	if (p->number) {
		snprintf(buf, sizeof buf, "第%u号", p->number);
		html_meta(o, "编号", buf);
	}
	ro_fmt_digest(&p->digest, 1, buf, sizeof buf);
	ro_fmt_digest(&p->digest, 0, t, sizeof t);
	ro_out_str(o, "<div><dt>校验码</dt><dd><code title=\"");
	esc(o, buf);
	ro_out_str(o, "\">");
	esc(o, t[0] ? t : NA);
	ro_out_str(o, "</code></dd></div></dl>\n");

	html_summary(o, &v, n);
	html_ranking(o, &v, n);
	if (v.elapsed_bp >= 0)
		ro_fmt_pct(v.elapsed_bp, t, sizeof t);
	ro_out_str(o, "<p class=\"note\">注：“" NA "”表示不适用；“并列”为名次相同；"
		"投资完成率 = 本年累计完成投资 ÷ 年度投资目标");
	if (v.elapsed_bp >= 0)
		ro_out_fmt(o, "；时序进度 %s", t);
	ro_out_str(o, "。</p>\n");

	ro_out_str(o, "<h4>图表</h4>\n");
	chart_completion(o, &v, n);
	chart_ranking(o, &v, n);
	if (in)
		chart_reports(o, &v, n);
	else
		ro_out_str(o, "<p class=\"note\">（无考核输入数据，未绘制迟报、缺报图。）</p>\n");
	html_problems(o, &v, n);
	ro_out_str(o, "</section>\n");
out:
	ro_view_free(&v);
}

/* ---- the month-by-month trend ---- */

struct trend_pt {
	const Publication *p;
	int year, month;
};

static int cmp_trend(const void *a, const void *b)
{
	const struct trend_pt *x = a, *y = b;
	if (x->year != y->year)
		return x->year - y->year;
	if (x->month != y->month)
		return x->month - y->month;
	return (x->p->number > y->p->number) - (x->p->number < y->p->number);
}

/* The county's completion (sum of year-to-date over the sum of targets of
 * the units with one) in a publication, bp; -1 without targets. */
static int64_t county_bp(const Publication *p)
{
	i128 ytd = 0, target = 0;
	size_t i;
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		if (r && r->has_completion && r->fai_target_fen > 0) {
			ytd += r->fai_ytd_fen;
			target += r->fai_target_fen;
		}
	}
	return target > 0 ? assess_ratio_bp((int64_t)ytd, (int64_t)target) : -1;
}

/* A line chart of completion by month (id "chart-trend") when the page has
 * monthly bulletins of at least two months: the county in red, every unit
 * in grey (its name in the line's title).  A month published twice (a
 * correction) counts with its later publication. */
static void html_trend(struct out *o, const Publication *const *pubs, size_t n)
{
	struct trend_pt *pt;
	size_t i, k = 0, m, j;
	int64_t axis = BP_FULL, step;
	const int W = CHART_W, H = 360, L = 60, R = 20, T = 40, B = 40;

	if (!(pt = calloc(n + 1, sizeof *pt))) {
		ro_out_fail(o, BS_E_NOMEM);
		return;
	}
	for (i = 0; i < n; i++) {
		struct assess_span sp;
		if (pubs[i]->scope != BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH ||
		    assess_span_parse(BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH, pubs[i]->period, &sp))
			continue;
		pt[k].p = pubs[i];
		pt[k].year = sp.year;
		pt[k].month = sp.month;
		k++;
	}
	qsort(pt, k, sizeof *pt, cmp_trend);
	/* one point a month: the last publication of it */
	for (i = 0, m = 0; i < k; i++) {
		if (m && pt[m - 1].year == pt[i].year && pt[m - 1].month == pt[i].month)
			pt[m - 1] = pt[i];
		else
			pt[m++] = pt[i];
	}
	if (m < 2)
		goto out;
	for (i = 0; i < m; i++)
		for (j = 0; j < pt[i].p->n_results; j++) {
			const UnitResult *r = pt[i].p->results[j];
			if (r && r->has_completion && r->completion_bp > axis)
				axis = r->completion_bp;
		}
	if (axis > 3 * BP_FULL)
		axis = 3 * BP_FULL;
	step = nice_step(axis, 1000, &axis);
	ro_out_str(o, "<section class=\"trend\" id=\"trend\">\n<h2>月度趋势</h2>\n"
		      "<figure class=\"chart-box\">\n");
	ro_out_fmt(o, "<svg id=\"chart-trend\" class=\"chart chart-trend\" role=\"img\" "
		      "aria-label=\"投资完成率逐月走势\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		      "height=\"%d\" preserveAspectRatio=\"xMinYMin meet\">\n<title>投资完成率逐月"
		      "走势</title>\n<text class=\"heading\" x=\"8\" y=\"20\">投资完成率逐月走势"
		      "（红线为全县）</text>\n", W, H, W, H);
	for (int64_t t = 0; t <= axis; t += step) {
		int y = T + (int)((axis - t) * (H - T - B) / axis);
		ro_out_fmt(o, "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
			      "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%lld%%</text>\n",
			   t ? "grid" : "axis", L, y, W - R, y, L - 6, y + 4, (long long)(t / 100));
	}
	for (i = 0; i < m; i++) {
		int x = L + (int)((W - L - R) * (int64_t)i / (int64_t)(m - 1));
		ro_out_fmt(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d年%d月</text>\n", x,
			   H - B + 18, pt[i].year, pt[i].month);
	}
	/* every unit of the last month, grey */
	for (j = 0; j < pt[m - 1].p->n_results; j++) {
		const UnitResult *last = pt[m - 1].p->results[j];
		int started = 0;
		if (!last)
			continue;
		ro_out_str(o, "<polyline class=\"unit-line\" fill=\"none\" stroke=\"#b0b0b0\" "
			      "stroke-width=\"1\" points=\"");
		for (i = 0; i < m; i++) {
			size_t q;
			for (q = 0; q < pt[i].p->n_results; q++) {
				const UnitResult *r = pt[i].p->results[q];
				if (r && r->has_completion && !strcmp(S(r->unit_code), S(last->unit_code))) {
					int64_t bp = r->completion_bp < 0 ? 0 : r->completion_bp > axis ? axis
												   : r->completion_bp;
					ro_out_fmt(o, "%s%d,%d", started++ ? " " : "",
						   L + (int)((W - L - R) * (int64_t)i / (int64_t)(m - 1)),
						   T + (int)((axis - bp) * (H - T - B) / axis));
				}
			}
		}
		ro_out_str(o, "\"><title>");
		esc(o, S(last->unit_code));
		ro_out_str(o, "</title></polyline>\n");
	}
	ro_out_str(o, "<polyline class=\"county-line\" fill=\"none\" stroke=\"#c62828\" "
		      "stroke-width=\"3\" points=\"");
	for (i = 0, j = 0; i < m; i++) {
		int64_t bp = county_bp(pt[i].p);
		if (bp < 0)
			continue;
		if (bp > axis)
			bp = axis;
		ro_out_fmt(o, "%s%d,%d", j++ ? " " : "",
			   L + (int)((W - L - R) * (int64_t)i / (int64_t)(m - 1)),
			   T + (int)((axis - bp) * (H - T - B) / axis));
	}
	ro_out_str(o, "\"><title>全县</title></polyline>\n");
	for (i = 0; i < m; i++) {
		int64_t bp = county_bp(pt[i].p);
		char t[32];
		if (bp < 0)
			continue;
		ro_fmt_pct(bp, t, sizeof t);
		ro_out_fmt(o, "<text class=\"county-value\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
			      "%s</text>\n",
			   L + (int)((W - L - R) * (int64_t)i / (int64_t)(m - 1)),
			   T + (int)((axis - (bp > axis ? axis : bp)) * (H - T - B) / axis) - 8, t);
	}
	ro_out_str(o, "</svg>\n<figcaption>各月通报的投资完成率；同一月份发布多次的，取最后一次。"
		      "</figcaption>\n</figure>\n</section>\n");
out:
	free(pt);
}

static void html_page(struct out *o, const Publication *const *pubs,
		      const AssessInputs *const *ins, size_t n, const char *county)
{
	char title[512];
	size_t i;

	if (n == 1 && pubs[0]->title && *pubs[0]->title)
		snprintf(title, sizeof title, "%s", pubs[0]->title);
	else
		snprintf(title, sizeof title, "%s重点项目考核通报", S(county));
	ro_out_str(o, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<meta name=\"generator\" content=\"baosong\">\n<title>");
	esc(o, title);
	ro_out_str(o, "</title>\n<style>\n");
	ro_out_str(o, html_style);
	ro_out_str(o, "</style>\n</head>\n<body>\n<header>\n<h1>");
	esc(o, title);
	ro_out_str(o, "</h1>\n</header>\n<main>\n");
	if (n > 1) {
		ro_out_str(o, "<nav aria-label=\"目录\"><ol>\n");
		for (i = 0; i < n; i++) {
			struct view v;
			if (ro_view_init(&v, pubs[i], NULL) != BS_OK)
				ro_out_fail(o, BS_E_NOMEM);
			ro_out_fmt(o, "<li><a href=\"#pub-%zu\">", i + 1);
			esc(o, ro_view_title(&v));
			ro_out_str(o, "</a></li>\n");
			ro_view_free(&v);
		}
		ro_out_str(o, "</ol></nav>\n");
	}
	if (n == 0)
		ro_out_str(o, "<p>（没有通报。）</p>\n");
	for (i = 0; i < n && !o->err; i++)
		html_pub(o, pubs[i], ins ? ins[i] : NULL, (int)(i + 1));
	if (n > 1 && !o->err)
		html_trend(o, pubs, n);
	ro_out_str(o, "</main>\n<footer>本页由 baosong 生成，数据以各期通报的校验码为准。</footer>\n"
		"</body>\n</html>\n");
}

int report_html(const char *path, int overwrite, const Publication *const *pubs,
		const AssessInputs *const *ins, size_t n, const char *county_name)
{
	struct out o = {NULL, BS_OK};
	char *tmp = NULL;
	int fd = -1, rv;
	size_t i;

	if (!path || !*path || (n && !pubs) || n > INT32_MAX)
		return BS_E_INVAL;
	for (i = 0; i < n; i++)
		if (!pubs[i])
			return BS_E_INVAL;
	if ((rv = ro_tmp_open(path, overwrite, &tmp, &fd)) != BS_OK)
		return rv;
	if (!(o.f = fdopen(fd, "w"))) {
		(void)close(fd);
		rv = BS_E_IO;
		goto fail;
	}
	html_page(&o, pubs, ins, n, county_name);
	rv = o.err;
	if (fflush(o.f) != 0 && rv == BS_OK)
		rv = BS_E_IO;
	if (rv == BS_OK && fsync(fileno(o.f)) != 0)
		rv = BS_E_IO;
	if (fclose(o.f) != 0 && rv == BS_OK)
		rv = BS_E_IO;
	if (rv == BS_OK) {
		rv = ro_tmp_commit(tmp, path, overwrite);
		free(tmp);
		return rv;
	}
fail:
	(void)unlink(tmp);
	free(tmp);
	return rv;
}
