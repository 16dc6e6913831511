/* page_projects.c - 项目库: the projects on this device with filters
 * (stage, category, township, leader, year, and the marks) and a search
 * over name and code, each with its marks (project_facts.h) and its state
 * (changes not sent, refused, in conflict, under review). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baosong.pb-c.h"
#include "clock.h"
#include "err.h"
#include "field.h"
#include "layout.h"
#include "localdb.h"
#include "page_edit.h"
#include "pages.h"
#include "project_facts.h"
#include "records.h"
#include "ui.h"
#include "ui_rec.h"
#include "wire.h"

struct plist {
	struct hbuf *b;
	/* filters (NULL / 0: any) */
	int stage;
	unsigned year;
	const char *category, *township, *leader, *q;
	int only_overdue, only_noev;
	struct project_facts *facts;
	/* the first pass: what the filters offer */
	struct ui_choices categories, townships, leaders, years;
	unsigned total, shown, unreadable;
	int failed;
};

static Baosong__V1__Project *unpack(const struct lrecord *r, struct wire_arena *a)
{
	return (Baosong__V1__Project *)field_unpack(&baosong__v1__project__descriptor, r, a);
}

static int collect(void *ctx, const struct lrecord *r)
{
	struct plist *pl = ctx;
	struct wire_arena a;
	Baosong__V1__Project *p = unpack(r, &a);
	char year[16];

	if (!p) {
		pl->unreadable++;
		return 0;
	}
	pl->total++;
	snprintf(year, sizeof year, "%u", p->plan_year);
	if (ui_choices_add(&pl->categories, p->category) != BS_OK ||
	    ui_choices_add(&pl->townships, p->township) != BS_OK ||
	    ui_choices_add(&pl->leaders, p->leader) != BS_OK ||
	    (p->plan_year && ui_choices_add(&pl->years, year) != BS_OK))
		pl->failed = 1;
	protobuf_c_message_free_unpacked(&p->base, &a.alloc);
	return 0;
}

static int same(const char *filter, const char *value)
{
	return filter == NULL || (value != NULL && !strcmp(filter, value));
}

static int matches(const struct plist *pl, const Baosong__V1__Project *p,
		   const struct project_flags *fl)
{
	if ((pl->stage && (int)p->stage != pl->stage) || (pl->year && p->plan_year != pl->year) ||
	    !same(pl->category, p->category) || !same(pl->township, p->township) ||
	    !same(pl->leader, p->leader) || (pl->only_overdue && !fl->overdue) ||
	    (pl->only_noev && !fl->no_evidence))
		return 0;
	if (pl->q && !(p->name && strstr(p->name, pl->q)) && !(p->code && strstr(p->code, pl->q)))
		return 0;
	return 1;
}

static void flag_tags(struct hbuf *b, const struct project_flags *fl)
{
	if (fl->over_stats && !fl->major)
		hb_put(b, "<span class=\"tag\" title=\"总投资达到统计起报点\">≥500万</span> ");
	if (fl->major)
		hb_put(b, "<span class=\"tag\" title=\"重大项目\">≥1亿</span> ");
	if (fl->no_evidence)
		hb_put(b, "<span class=\"tag err\" title=\"已开工且≥500万，入库纳统佐证缺失或不全\">"
			  "缺佐证</span> ");
	if (fl->overdue)
		hb_put(b, "<span class=\"tag err\" title=\"有前期手续超过办结时限\">手续逾期</span> ");
}

static int row(void *ctx, const struct lrecord *r)
{
	struct plist *pl = ctx;
	struct hbuf *b = pl->b;
	struct wire_arena a;
	Baosong__V1__Project *p = unpack(r, &a);
	struct project_flags fl;
	const char *stage;

	if (!p)
		return 0;
	project_flags_of(pl->facts, r->uid, p->total_investment_fen, (int)p->stage, &fl);
	if (!matches(pl, p, &fl))
		goto out;
	pl->shown++;
	stage = field_enum_label(&baosong__v1__project_stage__descriptor, (int)p->stage);
	hb_put(b, "<tr><td><a href=\"");
	layout_edit_href(b, REC_KIND_PROJECT, r->uid);
	hb_put(b, "\">");
	hb_esc(b, p->name && *p->name ? p->name : "（未命名）");
	hb_put(b, "</a>");
	if (p->code && *p->code) {
		hb_put(b, "<div class=\"hint\">");
		hb_esc(b, p->code);
		hb_put(b, "</div>");
	}
	hb_printf(b, "</td><td class=\"num\">%u</td><td>", p->plan_year);
	hb_esc(b, stage ? stage : "未定");
	hb_put(b, "</td><td>");
	hb_esc(b, p->category);
	hb_put(b, "</td><td>");
	hb_esc(b, p->township);
	hb_put(b, "</td><td>");
	hb_esc(b, p->leader);
	hb_put(b, "</td><td class=\"num\">");
	hb_money(b, p->total_investment_fen);
	hb_put(b, "</td><td class=\"num\">");
	hb_money(b, p->annual_plan_fen);
	hb_put(b, "</td><td>");
	flag_tags(b, &fl);
	hb_put(b, "</td><td>");
	ui_rec_state(b, r);
	hb_put(b, "</td><td><a class=\"btn\" href=\"/weekly/edit?project=");
	hb_url(b, r->uid);
	hb_put(b, "\">填周报</a></td></tr>");
out:
	protobuf_c_message_free_unpacked(&p->base, &a.alloc);
	return 0;
}

static void filters(struct http_req *rq, struct plist *pl)
{
	struct hbuf *b = pl->b;
	const ProtobufCEnumDescriptor *sd = &baosong__v1__project_stage__descriptor;
	char year[16];
	unsigned i;

	hb_put(b, "<form class=\"filters\" method=\"get\" action=\"/projects\" role=\"search\">"
		  "<label for=\"f-q\">搜索名称或代码<input type=\"search\" id=\"f-q\" name=\"q\" "
		  "maxlength=\"200\" value=\"");
	hb_esc(b, pl->q ? pl->q : "");
	hb_put(b, "\"></label><label for=\"f-stage\">阶段<select id=\"f-stage\" name=\"stage\">"
		  "<option value=\"\">全部阶段</option>");
	for (i = 0; i < sd->n_values; i++) {
		int v = sd->values[i].value;
		const char *l = field_enum_label(sd, v);

		if (v == 0 || !l)
			continue;
		hb_printf(b, "<option value=\"%d\"%s>", v, v == pl->stage ? " selected" : "");
		hb_esc(b, l);
		hb_put(b, "</option>");
	}
	hb_put(b, "</select></label><label for=\"f-cat\">类别<select id=\"f-cat\" name=\"category\">");
	ui_choices_options(b, &pl->categories, "全部类别", pl->category);
	hb_put(b, "</select></label><label for=\"f-town\">乡镇<select id=\"f-town\" name=\"township\">");
	ui_choices_options(b, &pl->townships, "全部乡镇", pl->township);
	hb_put(b, "</select></label><label for=\"f-leader\">包抓领导<select id=\"f-leader\" "
		  "name=\"leader\">");
	ui_choices_options(b, &pl->leaders, "全部领导", pl->leader);
	hb_put(b, "</select></label><label for=\"f-year\">年度<select id=\"f-year\" name=\"year\">");
	snprintf(year, sizeof year, "%u", pl->year);
	ui_choices_options(b, &pl->years, "全部年度", pl->year ? year : NULL);
	hb_printf(b, "</select></label><label for=\"f-od\"><input type=\"checkbox\" id=\"f-od\" "
		     "name=\"overdue\" value=\"1\"%s> 手续逾期</label>"
		     "<label for=\"f-ne\"><input type=\"checkbox\" id=\"f-ne\" name=\"noev\" "
		     "value=\"1\"%s> 缺佐证</label>"
		     "<button type=\"submit\">筛选</button><a class=\"btn\" href=\"/projects\">清除"
		     "</a></form>",
		  pl->only_overdue ? " checked" : "", pl->only_noev ? " checked" : "");
	(void)rq;
}

void page_projects(struct http_req *rq, struct http_resp *rs)
{
	struct localdb *db = rq->ui->app.db;
	struct hbuf *b = &rs->body;
	struct plist pl;
	const char *v;
	int rv;

	memset(&pl, 0, sizeof pl);
	pl.b = b;
	pl.category = ui_filter(rq, "category");
	pl.township = ui_filter(rq, "township");
	pl.leader = ui_filter(rq, "leader");
	pl.q = ui_filter(rq, "q");
	pl.only_overdue = ui_filter(rq, "overdue") != NULL;
	pl.only_noev = ui_filter(rq, "noev") != NULL;
	if ((v = ui_filter(rq, "stage")) != NULL) {
		long s = strtol(v, NULL, 10);

		if (s > 0 && s < 100 &&
		    protobuf_c_enum_descriptor_get_value(&baosong__v1__project_stage__descriptor,
							 (int)s))
			pl.stage = (int)s;
	}
	if ((v = ui_filter(rq, "year")) != NULL) {
		long y = strtol(v, NULL, 10);

		if (y >= 2000 && y <= 2100)
			pl.year = (unsigned)y;
	}
	if ((rv = project_facts_load(db, bs_now_ms(), &pl.facts)) != BS_OK ||
	    (rv = localdb_record_each(db, REC_KIND_PROJECT, 0, collect, &pl)) != BS_OK ||
	    pl.failed) {
		layout_error(rq, rs, 500, "读取本机数据库失败。", "Could not read the local database.");
		goto out;
	}
	layout_begin(rq, rs, "项目库", "projects");
	hb_put(b, "<div class=\"actions\"><a class=\"btn pri\" href=\"/projects/edit\">新增项目</a>"
		  "</div>");
	filters(rq, &pl);
	hb_put(b, "<table id=\"projects\"><thead><tr><th>项目名称</th><th class=\"num\">年度</th>"
		  "<th>阶段</th><th>类别</th><th>所在乡镇</th><th>包抓领导</th>"
		  "<th class=\"num\">总投资(万元)</th><th class=\"num\">年度计划(万元)</th>"
		  "<th>标记</th><th>状态</th><th></th></tr></thead><tbody>");
	if ((rv = localdb_record_each(db, REC_KIND_PROJECT, 0, row, &pl)) != BS_OK) {
		layout_error(rq, rs, 500, "读取本机数据库失败。", "Could not read the local database.");
		goto out;
	}
	if (pl.shown == 0)
		hb_put(b, "<tr><td colspan=\"11\" class=\"mut\">没有符合条件的项目。</td></tr>");
	hb_printf(b, "</tbody></table><p class=\"mut\" id=\"count\">共 %u 个项目，显示 %u 个。"
		     "标记：≥500万 统计起报点，≥1亿 重大项目，缺佐证 入库纳统佐证不全，"
		     "手续逾期 前期手续超时。</p>",
		  pl.total, pl.shown);
	if (pl.unreadable)
		hb_printf(b, "<p class=\"msg\">%u 条项目记录无法读取。</p>", pl.unreadable);
	layout_end(rq, rs);
out:
	project_facts_free(pl.facts);
	ui_choices_free(&pl.categories);
	ui_choices_free(&pl.townships);
	ui_choices_free(&pl.leaders);
	ui_choices_free(&pl.years);
}

void page_projects_edit(struct http_req *rq, struct http_resp *rs)
{
	static const struct edit_spec sp = {REC_KIND_PROJECT, "projects", "/projects", 0};

	page_edit(rq, rs, &sp);
}
