/* page_rank.c - 排名: the bulletins, rankings and assessments the bureau
 * published, as pulled to this device (client/core/pubs.c, what `baosong
 * ranking` shows): the list of them, newest first, and one in full - rank,
 * unit, total, grade, completion, year-to-date FAI against the target,
 * growth, each indicator's score, late and missing reports, the
 * consequence flags - with this device's unit's row marked (class "mine")
 * and its place spelled out above the table.  A publication ranks every
 * unit of the county, so every role sees every row. */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "layout.h"
#include "money.h"
#include "pages.h"
#include "pubs.h"
#include "ui.h"

typedef Baosong__V1__Publication Publication;
typedef Baosong__V1__UnitResult UnitResult;

#define CELL 256

static void pub_links(struct hbuf *b, const struct pubs *d, const struct pub *cur)
{
	size_t i;

	hb_put(b, "<nav class=\"pubs\" aria-label=\"已收到的考核结果\">");
	for (i = 0; i < d->n; i++) {
		const Publication *p = d->pubs[i]->p;

		hb_put(b, "<a href=\"/rank?pub=");
		hb_url(b, d->pubs[i]->uid);
		hb_put(b, d->pubs[i] == cur ? "\" aria-current=\"page\">" : "\">");
		hb_esc(b, p->period ? p->period : "");
		hb_put(b, " ");
		hb_esc(b, pubs_scope_label((int)p->scope));
		hb_put(b, "</a>");
	}
	hb_put(b, "</nav>");
}

static void own_line(struct hbuf *b, const struct pubs *d, const Publication *p)
{
	const UnitResult *r = pubs_own_result(d, p);
	char brief[CELL], c[CELL];
	unsigned bit;

	if (!d->own_code[0])
		return;
	pubs_own_brief(p, r, brief, sizeof brief);
	hb_put(b, "<div class=\"card\" id=\"own\"><h2>本单位：");
	hb_esc(b, pubs_unit_label(d, d->own_code));
	hb_put(b, "</h2><p><span class=\"big\">");
	hb_esc(b, r ? brief : "不在名单中");
	hb_put(b, "</span>");
	if (r) {
		pubs_fmt_completion(r, c, sizeof c);
		hb_put(b, "　投资完成率 ");
		hb_esc(b, c);
		hb_put(b, "，本年累计 ");
		hb_money(b, r->fai_ytd_fen);
		hb_printf(b, " 万元；迟报 %u，缺报 %u ", r->reports_late, r->reports_missing);
		for (bit = 0; bit < 32; bit++)
			if ((r->flags & (1u << bit)) && pubs_flag_full(bit)) {
				hb_put(b, " <span class=\"tag err\">");
				hb_esc(b, pubs_flag_full(bit));
				hb_put(b, "</span>");
			}
	}
	hb_put(b, "</p>");
	if (r) {
		if (r->explain && r->explain[0]) {
			hb_put(b, "<p class=\"hint\">说明：");
			hb_esc(b, r->explain);
			hb_put(b, "</p>");
		}
	}
	hb_put(b, "</div>");
}

static void td(struct hbuf *b, const char *text, int num)
{
	hb_put(b, num ? "<td class=\"num\">" : "<td>");
	hb_esc(b, text);
	hb_put(b, "</td>");
}

static void ranking_table(struct hbuf *b, const struct pubs *d, const Publication *p)
{
	char c[CELL];
	size_t i, j;

	hb_put(b, "<table class=\"rank\"><thead><tr><th>排名</th><th>单位</th><th class=\"num\">总分</th>"
		  "<th>等级</th><th class=\"num\">投资完成率</th><th class=\"num\">本年累计（万元）</th>"
		  "<th class=\"num\">目标（万元）</th><th class=\"num\">同比</th>");
	for (j = 0; j < p->n_indicators; j++) {
		const Baosong__V1__Indicator *ind = p->indicators[j];
		hb_put(b, "<th class=\"num\">");
		hb_esc(b, ind->label && ind->label[0] ? ind->label : ind->code ? ind->code : "");
		hb_put(b, "</th>");
	}
	hb_put(b, "<th class=\"num\">迟报</th><th class=\"num\">缺报</th><th>标记</th></tr></thead><tbody>");
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		int own = pubs_is_own(d, r);

		hb_put(b, own ? "<tr class=\"mine\" aria-current=\"true\">" : "<tr>");
		pubs_fmt_rank(r, c, sizeof c);
		td(b, c, 0);
		hb_put(b, "<td>");
		hb_esc(b, pubs_unit_label(d, r->unit_code));
		hb_put(b, own ? "（本单位）</td>" : "</td>");
		pubs_fmt_total(r, c, sizeof c);
		td(b, c, 1);
		td(b, r->grade && r->grade[0] ? r->grade : "-", 0);
		pubs_fmt_completion(r, c, sizeof c);
		td(b, c, 1);
		money_format_wan(r->fai_ytd_fen, c, sizeof c);
		td(b, c, 1);
		pubs_fmt_target(r, c, sizeof c);
		td(b, c, 1);
		pubs_fmt_growth(r, c, sizeof c);
		td(b, c, 1);
		for (j = 0; j < p->n_indicators; j++) {
			pubs_fmt_score(r, j, c, sizeof c);
			td(b, c, 1);
		}
		snprintf(c, sizeof c, "%u", r->reports_late);
		td(b, c, 1);
		snprintf(c, sizeof c, "%u", r->reports_missing);
		td(b, c, 1);
		pubs_flag_text(r->flags, 1, c, sizeof c);
		td(b, c, 0);
		hb_put(b, "</tr>");
	}
	hb_put(b, "</tbody></table>");
}

void page_rank(struct http_req *rq, struct http_resp *rs)
{
	struct hbuf *b = &rs->body;
	const char *want = http_query(rq, "pub");
	const struct pub *cur = NULL;
	const Publication *p;
	struct pubs d;
	size_t i;

	if (pubs_load(rq->ui->app.db, &d) != BS_OK) {
		pubs_free(&d);
		layout_error(rq, rs, 500, "读取本机数据库失败。", "Could not read the local database.");
		return;
	}
	for (i = 0; want && i < d.n; i++)
		if (!strcmp(d.pubs[i]->uid, want))
			cur = d.pubs[i];
	if (!cur && want && d.n) {
		pubs_free(&d);
		layout_error(rq, rs, 404, "本机没有这期考核结果。", "No such publication here.");
		return;
	}
	if (!cur && d.n)
		cur = d.pubs[0];
	layout_begin(rq, rs, "排名", "rank");
	if (d.unreadable)
		hb_printf(b, "<p class=\"notice warn\">%u 期考核结果无法解析，未列出。</p>", d.unreadable);
	if (!cur) {
		hb_put(b, "<p class=\"notice warn\">尚未收到考核结果：发改局发布月通报、季评比后，"
			  "<a href=\"/sync\">同步</a>即可看到。No results published yet: sync after the "
			  "bureau publishes.</p>");
		layout_end(rq, rs);
		pubs_free(&d);
		return;
	}
	p = cur->p;
	pub_links(b, &d, cur);
	hb_put(b, "<h2>");
	hb_esc(b, pubs_title(p));
	hb_put(b, "</h2><p class=\"mut\">");
	hb_esc(b, pubs_scope_label((int)p->scope));
	hb_put(b, " ");
	hb_esc(b, p->period ? p->period : "");
	hb_printf(b, " · 第 %u 期 · 考核方案 %u 版本 %u · 发布 ", p->number, p->scheme_year,
		  p->scheme_version);
	layout_time(b, p->published_at_ms);
	if (p->as_of_ms > 0 && p->as_of_ms != p->published_at_ms) {
		hb_put(b, " · 统计截至 ");
		layout_time(b, p->as_of_ms);
	}
	hb_printf(b, "（北京时间） · 共 %zu 个单位，排名 %u 个</p>", p->n_results,
		  pubs_ranked_count(p));
	own_line(b, &d, p);
	ranking_table(b, &d, p);
	layout_end(rq, rs);
	pubs_free(&d);
}
