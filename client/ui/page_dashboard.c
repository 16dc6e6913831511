/* page_dashboard.c - 看板: the county at a glance, drawn here as inline SVG
 * (no library, no script):
 *
 *   - completion against 时序进度 per unit: one bar per unit, the
 *     investment completion rate of the newest published result
 *     (client/core/pubs.c: the county's figures by the assessment's own
 *     rule), green when at or past the time-progress line, red when
 *     behind; the line is this week's 时序进度 from the clock
 *     (period_elapsed_bp, the rule the bulletins use), and the published
 *     period's own line dashed beside it;
 *   - late and missing weekly reports per unit (client/core/county.c, the
 *     rules of 今日待办), overdue approval steps and open problems.
 *
 * What a unit's device does not hold (other units' records) it cannot
 * show: a township sees the published rates of every unit and its own
 * reports; reviewers and leaders, who pull every unit's records, see all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "county.h"
#include "err.h"
#include "layout.h"
#include "pages.h"
#include "period.h"
#include "pubs.h"
#include "ui.h"

typedef Baosong__V1__Publication Publication;
typedef Baosong__V1__UnitResult UnitResult;

#define SVG_W 960      /* viewBox width */
#define LABEL_W 150    /* unit names, right-aligned before the bars */
#define PLOT_W 660     /* the bars' area */
#define ROW_H 30
#define TOP 34         /* room for the line's label */
#define BP_FULL 10000

/* The newest publication with a completion rate for some unit, or NULL. */
static const Publication *pub_with_completion(const struct pubs *d)
{
	size_t i, j;

	for (i = 0; i < d->n; i++)
		for (j = 0; j < d->pubs[i]->p->n_results; j++)
			if (d->pubs[i]->p->results[j]->has_completion)
				return d->pubs[i]->p;
	return NULL;
}

/* This week's 时序进度 by the weekly bulletin's rule (ISO week W of 52). */
static int64_t clock_elapsed_bp(int64_t now_ms, char week[16])
{
	const char *w;

	period_format_week(period_local_days(now_ms), week);
	w = strchr(week, 'W');
	return period_elapsed_bp(w ? (unsigned)strtoul(w + 1, NULL, 10) : 0u, 52);
}

/* The published period's own 时序进度 (the bulletin's line), or -1. */
static int64_t pub_elapsed_bp(const Publication *p)
{
	const char *per = p->period ? p->period : "", *w;
	unsigned long v;

	switch (p->scope) {
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_WEEK:
		w = strchr(per, 'W');
		return w ? period_elapsed_bp((unsigned)strtoul(w + 1, NULL, 10), 52) : -1;
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH:
		v = strlen(per) == 7 ? strtoul(per + 5, NULL, 10) : 0;
		return v >= 1 && v <= 12 ? period_elapsed_bp((unsigned)v, 12) : -1;
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER:
		w = strchr(per, 'Q');
		v = w ? strtoul(w + 1, NULL, 10) : 0;
		return v >= 1 && v <= 4 ? period_elapsed_bp((unsigned)v, 4) : -1;
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR:
		return period_elapsed_bp(1, 1);
	default:
		return -1;
	}
}

static int x_of(int64_t bp, int64_t max)
{
	if (bp < 0)
		bp = 0;
	if (bp > max)
		bp = max;
	return LABEL_W + (int)(bp * PLOT_W / max);
}

static void chart_completion(struct hbuf *b, const struct pubs *d, const Publication *p,
			     int64_t now_bp, const char *week)
{
	int64_t max = BP_FULL, per_bp = pub_elapsed_bp(p);
	size_t i, n = p->n_results;
	int h = TOP + (int)n * ROW_H + 24, x;
	char t[64];

	for (i = 0; i < n; i++)
		if (p->results[i]->has_completion && p->results[i]->completion_bp > max)
			max = p->results[i]->completion_bp;
	if (max > 2 * BP_FULL)
		max = 2 * BP_FULL; /* a bar past 200% is drawn at the edge, its number says it */
	hb_printf(b, "<svg class=\"chart\" id=\"chart-completion\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		     "height=\"%d\" role=\"img\" aria-labelledby=\"chart-completion-t\">"
		     "<title id=\"chart-completion-t\">各单位投资完成率与时序进度</title>",
		  SVG_W, h, SVG_W, h);
	/* axis: 0, 50%, 100% (and the edge when wider) */
	for (i = 0; i <= (size_t)(max / 5000); i++) {
		x = x_of((int64_t)i * 5000, max);
		hb_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d5dbe3\"/>"
			     "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#5b6775\" "
			     "text-anchor=\"middle\">%zu%%</text>",
			  x, TOP - 4, x, h - 20, x, h - 6, i * 50);
	}
	for (i = 0; i < n; i++) {
		const UnitResult *r = p->results[i];
		int y = TOP + (int)i * ROW_H, own = pubs_is_own(d, r), w;

		hb_printf(b, "<g class=\"unit%s\"><text x=\"%d\" y=\"%d\" font-size=\"13\" "
			     "text-anchor=\"end\" fill=\"#1d2733\"%s>",
			  own ? " mine" : "", LABEL_W - 8, y + 18, own ? " font-weight=\"bold\"" : "");
		hb_esc(b, pubs_unit_label(d, r->unit_code));
		hb_put(b, "</text>");
		if (!r->has_completion) {
			hb_printf(b, "<rect class=\"bar none\" x=\"%d\" y=\"%d\" width=\"2\" height=\"18\" "
				     "fill=\"#aab4c0\"><title>未下达目标</title></rect>"
				     "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#5b6775\">无目标</text></g>",
				  LABEL_W, y + 5, LABEL_W + 8, y + 18);
			continue;
		}
		w = x_of(r->completion_bp, max) - LABEL_W;
		pubs_fmt_hundredths(r->completion_bp, "%", t, sizeof t);
		hb_printf(b, "<rect class=\"bar %s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" "
			     "fill=\"%s\"><title>",
			  r->completion_bp >= now_bp ? "ahead" : "behind", LABEL_W, y + 5, w < 1 ? 1 : w,
			  r->completion_bp >= now_bp ? "#1f7a3a" : "#b4232a");
		hb_esc(b, pubs_unit_label(d, r->unit_code));
		hb_printf(b, " %s</title></rect><text x=\"%d\" y=\"%d\" font-size=\"12\" "
			     "fill=\"#1d2733\">%s</text></g>",
			  t, LABEL_W + (w < 1 ? 1 : w) + 6, y + 18, t);
	}
	if (per_bp >= 0 && per_bp != now_bp) {
		x = x_of(per_bp, max);
		pubs_fmt_hundredths(per_bp, "%", t, sizeof t);
		hb_printf(b, "<line class=\"period-line\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			     "stroke=\"#8a96a3\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\">"
			     "<title>通报期间的时序进度 %s</title></line>",
			  x, TOP - 2, x, h - 22, t);
	}
	x = x_of(now_bp, max);
	pubs_fmt_hundredths(now_bp, "%", t, sizeof t);
	hb_printf(b, "<line class=\"time-line\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		     "stroke=\"#0b4f8a\" stroke-width=\"2.5\"/><text x=\"%d\" y=\"%d\" font-size=\"12\" "
		     "fill=\"#0b4f8a\" text-anchor=\"middle\">时序进度 %s（%s）</text></svg>",
		  x, TOP - 8, x, h - 22, x, TOP - 14 < 12 ? 12 : TOP - 14, t, week);
}

static void chart_reports(struct hbuf *b, const struct county *c)
{
	unsigned max = 1;
	size_t i;
	int h = TOP + (int)c->n * ROW_H + 8;

	for (i = 0; i < c->n; i++) {
		if (c->units[i].late > max)
			max = c->units[i].late;
		if (c->units[i].missing > max)
			max = c->units[i].missing;
	}
	hb_printf(b, "<svg class=\"chart\" id=\"chart-reports\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		     "height=\"%d\" role=\"img\" aria-labelledby=\"chart-reports-t\">"
		     "<title id=\"chart-reports-t\">各单位迟报和本周未报的周报</title>"
		     "<text x=\"%d\" y=\"16\" font-size=\"12\" fill=\"#9a6400\">■ 迟报</text>"
		     "<text x=\"%d\" y=\"16\" font-size=\"12\" fill=\"#b4232a\">■ 本周未报</text>",
		  SVG_W, h, SVG_W, h, LABEL_W, LABEL_W + 80);
	for (i = 0; i < c->n; i++) {
		const struct county_unit *u = &c->units[i];
		int y = TOP + (int)i * ROW_H;
		int wl = (int)((long)u->late * PLOT_W / (long)max);
		int wm = (int)((long)u->missing * PLOT_W / (long)max);

		hb_printf(b, "<g class=\"unit\"><text x=\"%d\" y=\"%d\" font-size=\"13\" "
			     "text-anchor=\"end\" fill=\"#1d2733\">", LABEL_W - 8, y + 16);
		hb_esc(b, u->u.name);
		hb_printf(b, "</text><rect class=\"bar-late\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"10\" "
			     "fill=\"#9a6400\"/><text x=\"%d\" y=\"%d\" font-size=\"11\" "
			     "fill=\"#9a6400\">%u</text>"
			     "<rect class=\"bar-missing\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"10\" "
			     "fill=\"#b4232a\"/><text x=\"%d\" y=\"%d\" font-size=\"11\" "
			     "fill=\"#b4232a\">%u</text></g>",
			  LABEL_W, y + 2, wl, LABEL_W + wl + 4, y + 11, u->late, LABEL_W, y + 14, wm,
			  LABEL_W + wm + 4, y + 23, u->missing);
	}
	hb_put(b, "</svg>");
}

static void totals(struct hbuf *b, const struct county *c)
{
	unsigned owed = 0, done = 0, late = 0, appr = 0, prob = 0;
	size_t i;

	for (i = 0; i < c->n; i++) {
		owed += c->units[i].owed;
		done += c->units[i].done;
		late += c->units[i].late;
		appr += c->units[i].approvals_overdue;
		prob += c->units[i].problems_open;
	}
	hb_put(b, "<div class=\"cards\" id=\"totals\">");
	hb_printf(b, "<section class=\"card\"><h2>本周周报 ");
	hb_esc(b, c->week);
	hb_printf(b, "</h2><p><span class=\"big\">%u / %u</span> 已报</p><p class=\"mut\">截止 ",
		  done, owed);
	layout_time(b, c->deadline_ms);
	hb_put(b, c->deadline_passed ? "（已过）" : "");
	hb_printf(b, "</p></section><section class=\"card\"><h2>迟报</h2><p><span class=\"big\">%u"
		     "</span> 份</p></section><section class=\"card\"><h2>逾期未办的前期手续</h2>"
		     "<p><span class=\"big\">%u</span> 项</p></section><section class=\"card\">"
		     "<h2>未解决的问题</h2><p><span class=\"big\">%u</span> 个</p></section></div>",
		  late, appr, prob);
}

static void unit_table(struct hbuf *b, const struct county *c)
{
	size_t i;

	hb_put(b, "<table id=\"units\"><thead><tr><th>单位</th><th class=\"num\">项目</th>"
		  "<th class=\"num\">本周已报/应报</th><th class=\"num\">本周未报</th>"
		  "<th class=\"num\">迟报</th><th class=\"num\">逾期前期手续</th>"
		  "<th class=\"num\">未解决问题</th></tr></thead><tbody>");
	for (i = 0; i < c->n; i++) {
		const struct county_unit *u = &c->units[i];

		hb_put(b, "<tr><td>");
		hb_esc(b, u->u.name);
		hb_printf(b, "</td><td class=\"num\">%u</td><td class=\"num\">%u / %u</td>"
			     "<td class=\"num\">%u</td><td class=\"num\">%u</td><td class=\"num\">%u</td>"
			     "<td class=\"num\">%u</td></tr>",
			  u->projects, u->done, u->owed, u->missing, u->late, u->approvals_overdue,
			  u->problems_open);
	}
	hb_put(b, "</tbody></table>");
}

void page_dashboard(struct http_req *rq, struct http_resp *rs)
{
	struct hbuf *b = &rs->body;
	int64_t now = bs_now_ms(), now_bp;
	const Publication *p;
	struct county c;
	struct pubs d;
	char week[16], t[32];

	memset(&c, 0, sizeof c);
	if (pubs_load(rq->ui->app.db, &d) != BS_OK || county_load(rq->ui->app.db, now, &c) != BS_OK) {
		pubs_free(&d);
		county_free(&c);
		layout_error(rq, rs, 500, "读取本机数据库失败。", "Could not read the local database.");
		return;
	}
	now_bp = clock_elapsed_bp(now, week);
	layout_begin(rq, rs, "看板", "dashboard");
	totals(b, &c);
	hb_put(b, "<h2>投资完成率与时序进度</h2>");
	p = pub_with_completion(&d);
	pubs_fmt_hundredths(now_bp, "%", t, sizeof t);
	if (!p) {
		hb_printf(b, "<p class=\"notice warn\">尚未收到带投资完成率的通报：发改局发布后"
			     "<a href=\"/sync\">同步</a>即可看到。本周时序进度 %s。</p>", t);
	} else {
		hb_put(b, "<p class=\"legend\"><span><span class=\"sw ahead\"></span>达到时序进度</span>"
			  "<span><span class=\"sw behind\"></span>落后于时序进度</span>"
			  "<span><span class=\"sw line\"></span>本周时序进度（");
		hb_esc(b, week);
		hb_printf(b, "：第 %s 周 / 52 = %s）</span><span>完成率来自", week + 6, t);
		hb_esc(b, pubs_title(p));
		hb_put(b, "（");
		layout_time(b, p->published_at_ms);
		hb_put(b, " 发布；虚线为该期的时序进度）</span></p>");
		chart_completion(b, &d, p, now_bp, week);
	}
	hb_put(b, "<h2>迟报和本周未报</h2>");
	if (c.n == 0) {
		hb_put(b, "<p class=\"notice warn\">本机还没有任何单位的项目：先<a href=\"/sync\">同步</a>。</p>");
	} else {
		chart_reports(b, &c);
		hb_put(b, "<h2>各单位</h2>");
		unit_table(b, &c);
	}
	hb_put(b, "<p class=\"hint\">按本机已同步的数据统计；审核人员和领导的设备同步全县的记录。"
		  "迟报：服务器收到完整报告（含照片）晚于周五 12:00；本周未报：在建项目还没有本周周报。</p>");
	layout_end(rq, rs);
	pubs_free(&d);
	county_free(&c);
}
