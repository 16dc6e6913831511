/* import.c - the import engine (see import.h): a spreadsheet saved as
 * CSV -- the plan table 《重点建设项目计划表》, a batch of weekly reports,
 * a target table -- into records on this device, each built and checked
 * exactly as `project add` and `report add` do (records_validate, the
 * rules the server applies).
 *
 * People work in Excel and WPS, so the file may be UTF-8 with or without a
 * byte order mark, or GB18030/GBK (what Chinese Windows saves by default);
 * the header row may say 总投资（万元） or "total"; money may carry
 * thousands separators and 万元; dates come in the half-dozen spellings
 * people type.  Every bad row is reported with the line it starts on in
 * the file.  All rows are queued in one local transaction: without
 * partial one bad row means nothing is queued. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "bs_limits.h"
#include "cells.h"
#include "clock.h"
#include "csv.h"
#include "err.h"
#include "import.h"
#include "import_int.h"
#include "localdb.h"
#include "save.h"
#include "period.h"
#include "records.h"
#include "utf8.h"
#include "wire.h"

static const struct spec project_specs[] = {
	{"name", "name", V_TEXT, 1, 0, "项目名称", "项目名称|名称|项目|name|project_name"},
	{"code", "code", V_TEXT, 0, 0, "项目代码",
	 "项目代码|全国投资项目代码|投资项目代码|项目统一代码|项目编码|code|project_code"},
	{"plan_year", "plan_year", V_YEAR, 1, 0, "计划年度",
	 "计划年度|年度|计划年份|plan_year|year"},
	{"category", "category", V_TEXT, 0, 0, "项目类别",
	 "项目类别|类别|项目类型|项目分类|category"},
	{"nature", "nature", V_TEXT, 0, 0, "建设性质", "建设性质|性质|建设类型|nature"},
	{"industry_chain", "industry_chain", V_TEXT, 0, 0, "产业链",
	 "产业链|所属产业链|industry_chain|chain"},
	{"investment_type", "investment_type", V_TEXT, 0, 0, "投资类型",
	 "投资类型|投资主体|investment_type"},
	{"level", "level", V_TEXT, 0, 0, "重点级别", "重点级别|级别|项目级别|level"},
	{"township", "township", V_TEXT, 0, 0, "所在乡镇",
	 "所在乡镇|乡镇|所在乡镇(街道)|乡镇(街道)|township"},
	{"location", "location", V_TEXT, 0, 0, "建设地点",
	 "建设地点|项目地点|建设地址|项目建设地点|location"},
	{"leader", "leader", V_TEXT, 0, 0, "包抓领导",
	 "包抓领导|包抓县级领导|县级包抓领导|包抓县领导|责任领导|县级责任领导|包抓责任领导|"
	 "leader"},
	{"owner", "owner", V_TEXT, 0, 0, "业主单位", "业主单位|业主|项目业主|建设单位|owner"},
	{"lead_unit", "lead_unit", V_UNIT, 0, 0, "牵头单位",
	 "牵头单位|牵头部门|牵头单位/责任单位|牵头单位(责任单位)|牵头责任单位|lead_unit"},
	{"responsible_units", "responsible_units", V_UNITS, 0, 0, "责任单位",
	 "责任单位|配合单位|责任部门|协办单位|responsible_units"},
	{"total_investment", "total_investment_fen", V_MONEY, 1, 0, "总投资",
	 "总投资|项目总投资|计划总投资|total|total_investment"},
	{"annual_plan", "annual_plan_fen", V_MONEY, 0, 0, "年度计划投资",
	 "年度计划投资|年度投资|年度计划|计划投资|本年计划投资|annual|annual_plan"},
	{"start_date", "start_date", V_DATE, 0, 0, "计划开工时间",
	 "计划开工时间|开工时间|计划开工|计划开工日期|开工日期|计划开工年月|开工年月|"
	 "start|start_date"},
	{"end_date", "end_date", V_DATE, 0, 0, "计划竣工时间",
	 "计划竣工时间|竣工时间|计划竣工|计划竣工日期|竣工日期|计划竣工年月|竣工年月|"
	 "end|end_date"},
	{"stage", "stage", V_STAGE, 1, 0, "项目阶段", "项目阶段|建设阶段|阶段|stage"},
	{"contents", "contents", V_MTEXT, 0, 0, "建设内容",
	 "建设内容|建设规模及内容|建设内容及规模|主要建设内容|建设规模及主要内容|"
	 "建设规模及主要建设内容|主要建设内容及规模|建设规模|contents"},
	/* "1-10月完成投资": year-to-date progress, which is a report's, not a
	 * project's (recognised by its shape in spec_exact). */
	{"ytd_months", NULL, V_NOTE, 0, 0, "1-N月完成投资", "ytd_months"},
};

static const struct spec target_specs[] = {
	{"unit_code", "unit_code", V_UNIT, 1, 0, "单位",
	 "单位|单位名称|单位代码|责任单位|乡镇|乡镇(部门)|乡镇部门|乡镇(街道)|unit|unit_code"},
	{"period", "period", V_TPERIOD, 1, 0, "考核期间",
	 "期间|考核期间|年度|考核年度|目标年度|时间|period|year"},
	{"fai_fen", "fai_fen", V_MONEY, 0, 1, "固定资产投资任务",
	 "固定资产投资任务|固投任务|固定资产投资目标|固定资产投资目标任务|投资任务|年度投资任务|"
	 "fai"},
	{"growth_bp", "growth_bp", V_GROWTH, 0, 1, "同比增长目标",
	 "同比增长目标|同比增速目标|增速目标|固定资产投资增速|growth|growth_bp"},
	{"new_starts", "new_starts", V_UINT, 0, 1, "新开工项目数",
	 "新开工项目数|新开工项目|新开工项目个数|新开工|new_starts"},
	{"attraction_fen", "attraction_fen", V_MONEY, 0, 1, "招商引资到位资金",
	 "招商引资到位资金|招商引资|招商到位资金|招商引资任务|attraction"},
	{"upward_fen", "upward_fen", V_MONEY, 0, 1, "向上争取资金",
	 "向上争取资金|向上争取|争取资金|向上争取资金任务|upward"},
};
#define N_TARGET_SPECS (sizeof target_specs / sizeof target_specs[0])

static const struct spec weekly_specs[] = {
	{"project_code", NULL, V_PROJ_CODE, 0, 0, "项目代码",
	 "项目代码|全国投资项目代码|投资项目代码|项目统一代码|项目编码|code|project_code"},
	{"project_name", NULL, V_PROJ_NAME, 0, 0, "项目名称",
	 "项目名称|名称|项目|name|project_name"},
	{"project_uid", NULL, V_PROJ_UID, 0, 0, "项目标识", "项目标识|project_uid|project_id"},
	{"period", "period", V_WEEK, 1, 1, "周次", "周次|报告周期|周期|报告周次|period|week"},
	{"invested_period", "invested_period_fen", V_MONEY, 0, 1, "本期完成投资",
	 "本期完成投资|本周完成投资|invested_period"},
	{"invested_ytd", "invested_ytd_fen", V_MONEY, 1, 1, "本年累计完成投资",
	 "本年累计完成投资|本年累计|本年累计完成|invested_ytd|ytd"},
	{"invested_total", "invested_total_fen", V_MONEY, 1, 0, "开工累计完成投资",
	 "开工累计完成投资|累计完成投资|开工以来累计完成投资|自开工累计完成投资|"
	 "invested_total"},
	{"progress", "progress", V_MTEXT, 0, 0, "形象进度", "形象进度|工程进度|progress"},
	{"progress_percent", "progress_percent", V_PERCENT, 0, 0, "进度百分比",
	 "进度百分比|形象进度(%)|形象进度%|形象进度百分比|完成百分比|percent|"
	 "progress_percent"},
	{"problems", "problems", V_MTEXT, 0, 0, "存在问题",
	 "存在问题|存在的问题|问题|困难问题|problems"},
};

#define N_PROJECT_SPECS (sizeof project_specs / sizeof project_specs[0])
#define N_WEEKLY_SPECS (sizeof weekly_specs / sizeof weekly_specs[0])

/* ---- columns by header ------------------------------------------------------ */

/* Whether the '|'-separated list has word. */
static int alias_has(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;
	if (!n)
		return 0;
	while (p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && memcmp(p, word, n) == 0)
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

static const struct spec *spec_exact(const struct spec *specs, size_t n, const char *word)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (alias_has(specs[i].aliases, word))
			return &specs[i];
	/* "1-10月完成投资", "1～9月累计完成投资" (cell_norm made '-' '_'). */
	if (word[0] == '1') {
		static const char *const seps[] = {"_", "~", "～", "—", "至", "－"};
		const char *w = word + 1;
		size_t k;
		for (k = 0; k < sizeof seps / sizeof seps[0]; k++)
			if (!strncmp(w, seps[k], strlen(seps[k]))) {
				w += strlen(seps[k]);
				break;
			}
		if (k < sizeof seps / sizeof seps[0] && *w >= '0' && *w <= '9') {
			while (*w >= '0' && *w <= '9')
				w++;
			if (!strncmp(w, "月", 3) && strstr(w, "完成投资"))
				for (i = 0; i < n; i++)
					if (specs[i].type == V_NOTE)
						return &specs[i];
		}
	}
	/* "2026年计划投资", "2026年度计划投资": the year is the table's. */
	if (word[0] >= '0' && word[0] <= '9' && strlen(word) > 4 && word[1] >= '0' &&
	    word[1] <= '9' && word[2] >= '0' && word[2] <= '9' && word[3] >= '0' &&
	    word[3] <= '9') {
		const char *rest = word + 4;
		for (i = 0; i < n; i++)
			if (alias_has(specs[i].aliases, rest) ||
			    (!strncmp(rest, "年", 3) && alias_has(specs[i].aliases, rest + 3)))
				return &specs[i];
	}
	return NULL;
}

/* The field a normalised header names, and the unit it gives ("" if
 * none): "总投资(万元)" -> total, "万元"; "形象进度(%)" -> percent. */
static const struct spec *spec_match(const struct spec *specs, size_t n, const char *norm,
				     char *unit, size_t ucap)
{
	char base[HEADER_NORM_MAX];
	const struct spec *s;
	size_t len;
	char *open;

	unit[0] = '\0';
	if ((s = spec_exact(specs, n, norm)))
		return s;
	snprintf(base, sizeof base, "%s", norm);
	len = strlen(base);
	if (len && base[len - 1] == ')' && (open = strrchr(base, '(')) != NULL) {
		base[len - 1] = '\0';
		snprintf(unit, ucap, "%s", open + 1);
		*open = '\0';
	} else if (cell_cut_suffix(base, "万元")) {
		snprintf(unit, ucap, "万元");
	} else if (cell_cut_suffix(base, "%")) {
		snprintf(unit, ucap, "%%");
	}
	len = strlen(base);
	while (len && (base[len - 1] == '/' || base[len - 1] == '_' || base[len - 1] == ':'))
		base[--len] = '\0';
	return unit[0] ? spec_exact(specs, n, base) : NULL;
}

/* ---- messages -------------------------------------------------------------------- */

/* At most VALUE_SHOWN bytes of s (cut at a character, "..." added) in buf. */
static void shown_value(char buf[VALUE_SHOWN + 4], const char *s)
{
	size_t n = strlen(s), k = 0;
	uint32_t cp;
	while (k < n && k < VALUE_SHOWN) {
		size_t c = utf8_decode(s + k, n - k, &cp);
		if (c == 0)
			c = 1;
		if (k + c > VALUE_SHOWN)
			break;
		k += c;
	}
	memcpy(buf, s, k);
	buf[k] = '\0';
	if (k < n)
		memcpy(buf + k, "...", 4);
}

void import_say(const struct import_sink *sink, enum import_say what, const char *fmt, ...)
{
	struct import_msg m = {.what = what};
	char text[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	m.text = text;
	sink->say(sink->ctx, &m);
}

void im_say(struct import *im, enum import_say what, const char *fmt, ...)
{
	struct import_msg m = {.what = what};
	char text[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	m.text = text;
	im->sink.say(im->sink.ctx, &m);
}

/* A refused row: "第 12 行 line 12: total_investment: 金额不能为负数 (总投资（万元）: «-5»)"
 * as the CLI words it. */
void im_row_error(struct import *im, unsigned line, const char *field, const char *msg,
		      const struct column *col)
{
	struct import_msg m = {IMPORT_SAY_ROW, line, field, msg, NULL, NULL};
	char value[VALUE_SHOWN + 4];

	/* Rows are counted, not messages: a row may have several. */
	if (line != im->last_bad_line) {
		im->st.bad++;
		im->last_bad_line = line;
	}
	if (++im->msgs > ERRORS_SHOWN)
		return;
	if (col) {
		m.column = col->title;
		shown_value(value, col->value ? col->value : "");
		m.value = value;
	}
	im->sink.say(im->sink.ctx, &m);
}

const struct column *im_column_of(const struct import *im, const char *field)
{
	size_t i;
	for (i = 0; i < im->ncols; i++)
		if (im->cols[i].spec && strcmp(im->cols[i].spec->name, field) == 0)
			return &im->cols[i];
	return NULL;
}

/* ---- the index ---------------------------------------------------------------------- */

static uint64_t ix_hash(const char *k)
{
	uint64_t h = 14695981039346656037ull;
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ull;
	return h;
}

static struct ix_entry *ix_slot(const struct ix *ix, const char *key)
{
	size_t i = (size_t)ix_hash(key) & (ix->cap - 1);
	while (ix->slots[i].key && strcmp(ix->slots[i].key, key) != 0)
		i = (i + 1) & (ix->cap - 1);
	return &ix->slots[i];
}

static const struct ix_entry *ix_find(const struct ix *ix, const char *key)
{
	struct ix_entry *e;
	if (!ix->cap)
		return NULL;
	e = ix_slot(ix, key);
	return e->key ? e : NULL;
}

/* Add uid under key (a second record with the same key makes it
 * ambiguous: count 2). */
static int ix_add(struct ix *ix, const char *key, const char *uid, int64_t unit_id,
		  unsigned line)
{
	struct ix_entry *e;
	if ((ix->used + 1) * 2 > ix->cap) {
		struct ix old = *ix;
		size_t i;
		ix->cap = old.cap ? old.cap * 2 : 64;
		if (!(ix->slots = calloc(ix->cap, sizeof *ix->slots))) {
			*ix = old;
			return BS_E_NOMEM;
		}
		for (i = 0; i < old.cap; i++)
			if (old.slots[i].key)
				*ix_slot(ix, old.slots[i].key) = old.slots[i];
		free(old.slots);
	}
	e = ix_slot(ix, key);
	if (e->key) {
		e->count++;
		return BS_OK;
	}
	if (!(e->key = strdup(key)))
		return BS_E_NOMEM;
	snprintf(e->uid, sizeof e->uid, "%s", uid);
	e->unit_id = unit_id;
	e->count = 1;
	e->line = line;
	ix->used++;
	return BS_OK;
}

static void ix_free(struct ix *ix)
{
	size_t i;
	for (i = 0; i < ix->cap; i++)
		free(ix->slots[i].key);
	free(ix->slots);
	memset(ix, 0, sizeof *ix);
}

/* "c<US>code", "n<US>name", "uid<US>2026-W47" into a malloc'd string. */
static char *make_key(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *k = malloc(na + nb + 2);
	if (k) {
		memcpy(k, a, na);
		k[na] = '\x1f';
		memcpy(k + na + 1, b, nb + 1);
	}
	return k;
}

int im_ix_add2(struct ix *ix, const char *a, const char *b, const char *uid,
		   int64_t unit_id, unsigned line)
{
	char *k = make_key(a, b);
	int rv;
	if (!k)
		return BS_E_NOMEM;
	rv = ix_add(ix, k, uid, unit_id, line);
	free(k);
	return rv;
}

const struct ix_entry *im_ix_find2(const struct ix *ix, const char *a, const char *b)
{
	char *k = make_key(a, b);
	const struct ix_entry *e;
	if (!k)
		return NULL;
	e = ix_find(ix, k);
	free(k);
	return e;
}

static int index_project(struct import *im, const Baosong__V1__Project *p, const char *uid,
			 int64_t unit_id, unsigned line)
{
	int rv = BS_OK;
	if (p->code && *p->code)
		rv = im_ix_add2(&im->projects, "c", p->code, uid, unit_id, line);
	if (rv == BS_OK && p->name && *p->name)
		rv = im_ix_add2(&im->projects, "n", p->name, uid, unit_id, line);
	return rv;
}

static int load_project(void *ctx, const struct lrecord *r)
{
	struct import *im = ctx;
	struct wire_arena a;
	Baosong__V1__Project *p;
	int rv;
	wire_arena_init(&a, DECODE_MAX);
	if (!(p = baosong__v1__project__unpack(&a.alloc, r->data_len, r->data)))
		return 0;
	rv = index_project(im, p, r->uid, r->unit_id, 0);
	baosong__v1__project__free_unpacked(p, &a.alloc);
	return rv;
}

static int load_report(void *ctx, const struct lrecord *r)
{
	struct import *im = ctx;
	struct wire_arena a;
	Baosong__V1__WeeklyReport *w;
	char week[9];
	int64_t monday;
	int rv = 0;
	wire_arena_init(&a, DECODE_MAX);
	if (!(w = baosong__v1__weekly_report__unpack(&a.alloc, r->data_len, r->data)))
		return 0;
	if (w->project_uid && w->period && period_parse_week(w->period, &monday) == BS_OK) {
		period_format_week(monday, week);
		rv = im_ix_add2(&im->reports, w->project_uid, week, r->uid, r->unit_id, 0);
	}
	baosong__v1__weekly_report__free_unpacked(w, &a.alloc);
	return rv;
}

static int load_unit(void *ctx, const struct lrecord *r)
{
	struct import *im = ctx;
	struct wire_arena a;
	Baosong__V1__UnitInfo *u;
	int rv = BS_OK;
	im->have_units = 1;
	wire_arena_init(&a, DECODE_MAX);
	if (!(u = baosong__v1__unit_info__unpack(&a.alloc, r->data_len, r->data)))
		return 0;
	if (u->code && *u->code && strlen(u->code) <= REC_UID_LEN) {
		rv = unit_names_add(im->unames, u->code, u->name ? u->name : "");
		if (rv == BS_OK)
			rv = im_ix_add2(&im->units, "c", u->code, u->code, r->unit_id, 0);
		if (rv == BS_OK && u->name && *u->name)
			rv = im_ix_add2(&im->units, "n", u->name, u->code, r->unit_id, 0);
	}
	baosong__v1__unit_info__free_unpacked(u, &a.alloc);
	return rv;
}

/* The project a weekly report names, for records_validate. */
static int import_lookup_project(void *ctx, const char *uid, int64_t *unit_id,
				 int64_t *total_fen, int *stage)
{
	const struct import *im = ctx;
	return local_lookup_project(im->a->db, uid, unit_id, total_fen, stage);
}

/* A unit by code, for records_validate (set once unit records are here,
 * as `project add` does). */
static int lookup_unit(void *ctx, const char *code, int64_t *unit_id)
{
	const struct import *im = ctx;
	const struct ix_entry *e = im_ix_find2(&im->units, "c", code);
	if (!e)
		return BS_E_NOTFOUND;
	*unit_id = e->unit_id;
	return BS_OK;
}

/* ---- the header ------------------------------------------------------------------- */

static int row_blank(const struct csv_row *row)
{
	size_t i;
	for (i = 0; i < row->n; i++)
		if (*cell_trim(row->cells[i]))
			return 0;
	return 1;
}

/* A title above the table ("2026年重点建设项目计划表"): one cell filled,
 * and it names no column. */
static int row_is_title(const struct csv_row *row)
{
	char norm[HEADER_NORM_MAX], unit[64];
	size_t i, n = 0, at = 0;
	for (i = 0; i < row->n; i++) {
		if (*cell_trim(row->cells[i])) {
			n++;
			at = i;
		}
	}
	if (n != 1)
		return 0;
	cell_norm(row->cells[at], norm, sizeof norm);
	return !spec_match(project_specs, N_PROJECT_SPECS, norm, unit, sizeof unit) &&
	       !spec_match(weekly_specs, N_WEEKLY_SPECS, norm, unit, sizeof unit) &&
	       !spec_match(target_specs, N_TARGET_SPECS, norm, unit, sizeof unit);
}

/* Whether a header is a target table (目标责任书): a unit column and a
 * task column (固定资产投资任务, 新开工项目数 ...), and no project name. */
static int header_is_target(const struct csv_row *row)
{
	char norm[HEADER_NORM_MAX], unit[64];
	const struct spec *s;
	size_t i;
	int task = 0, who = 0;
	for (i = 0; i < row->n; i++) {
		cell_norm(row->cells[i], norm, sizeof norm);
		if (spec_match(project_specs, N_PROJECT_SPECS, norm, unit, sizeof unit) ==
		    &project_specs[0])
			return 0;
		if (!(s = spec_match(target_specs, N_TARGET_SPECS, norm, unit, sizeof unit)))
			continue;
		task |= s->weekly_mark;
		who |= s->type == V_UNIT;
	}
	return task && who;
}

/* Which kind a header is: weekly if it has a column only weekly reports
 * have (周次, 本期完成投资, 本年累计完成投资). */
static int header_is_weekly(const struct csv_row *row)
{
	char norm[HEADER_NORM_MAX], unit[64];
	const struct spec *s;
	size_t i;
	for (i = 0; i < row->n; i++) {
		cell_norm(row->cells[i], norm, sizeof norm);
		s = spec_match(weekly_specs, N_WEEKLY_SPECS, norm, unit, sizeof unit);
		if (s && s->weekly_mark)
			return 1;
	}
	return 0;
}

/* Map the header row to fields.  Explains a header that cannot work. */
static int map_header(struct import *im, const struct csv_row *row)
{
	const struct spec *specs = im->what == IM_WEEKLY   ? weekly_specs
				   : im->what == IM_TARGET ? target_specs
							   : project_specs;
	size_t nspecs = im->what == IM_WEEKLY   ? N_WEEKLY_SPECS
			: im->what == IM_TARGET ? N_TARGET_SPECS
						: N_PROJECT_SPECS,
	       i, k;
	char norm[HEADER_NORM_MAX], unit[64];
	int missing = 0;

	if (!(im->cols = calloc(row->n, sizeof *im->cols)))
		return BS_E_NOMEM;
	im->ncols = row->n;
	for (i = 0; i < row->n; i++) {
		struct column *c = &im->cols[i];
		const struct spec *s;
		if (!(c->title = strdup(cell_trim(row->cells[i]))))
			return BS_E_NOMEM;
		cell_norm(c->title, norm, sizeof norm);
		if (im->what == IM_OTHER) {
			const ProtobufCFieldDescriptor *f = im_kind_field(im->kind, c->title, &c->proj);
			for (k = 0; f && k < i && im->cols[k].fd != f; k++)
				;
			if (f && k < i)
				im_say(im, IMPORT_SAY_NOTE, "「%s」用第 %zu 列，不用第 %zu 列 "
				       "%s: column %zu is used, column %zu is not",
				       f->name, k + 1, i + 1, f->name, k + 1, i + 1);
			else
				c->fd = f;
			continue;
		}
		if (!norm[0] || !(s = spec_match(specs, nspecs, norm, unit, sizeof unit)))
			continue;
		if (s->type == V_MONEY && unit[0] && strcmp(unit, "万元") != 0) {
			im_say(im, IMPORT_SAY_ERROR, "第 %u 行 line %u: 第 %zu 列「%s」的单位须为万元 "
			       "column %zu must be in 万元 (convert the column in the spreadsheet, "
			       "and write 万元 in its header)", row->line, row->line, i + 1, c->title,
			       i + 1);
			return BS_E_INVAL;
		}
		/* Two columns for one field (计划投资 and 2026年计划投资): the first
		 * is used and the choice said, never the whole file refused. */
		for (k = 0; k < i && im->cols[k].spec != s; k++)
			;
		if (k < i) {
			im_say(im, IMPORT_SAY_NOTE, "「%s」用第 %zu 列「%s」，不用第 %zu 列「%s」 %s: "
			       "column %zu is used, column %zu is not", s->zh, k + 1,
			       im->cols[k].title, i + 1, c->title, s->name, k + 1, i + 1);
			continue;
		}
		c->spec = s;
		if (s->proto &&
		    !(c->fd = protobuf_c_message_descriptor_get_field_by_name(im->desc,
									       s->proto))) {
			im_say(im, IMPORT_SAY_ERROR, "internal error: no field %s", s->proto);
			return BS_E_INTERNAL;
		}
		if (s->type == V_PROJ_CODE)
			im->proj_code = c;
		else if (s->type == V_PROJ_NAME)
			im->proj_name = c;
		else if (s->type == V_PROJ_UID)
			im->proj_uid = c;
	}
	for (k = 0; k < nspecs && im->what != IM_OTHER; k++) {
		if (!specs[k].required)
			continue;
		for (i = 0; i < im->ncols && im->cols[i].spec != &specs[k]; i++)
			;
		if (i == im->ncols) {
			im_say(im, IMPORT_SAY_ERROR, "第 %u 行 line %u: 缺少「%s」列 no %s column",
			       row->line, row->line, specs[k].zh, specs[k].name);
			missing = 1;
		}
	}
	{
		char list[1800];
		size_t at = 0;
		int w;
		for (i = 0, k = 0; i < im->ncols; i++) {
			if (im->cols[i].spec || im->cols[i].fd || !im->cols[i].title[0])
				continue;
			w = snprintf(list + at, sizeof list - at, "%s%s", k++ ? "」「" : "",
				     im->cols[i].title);
			at = w < 0 || (size_t)w >= sizeof list - at ? sizeof list - 1 : at + (size_t)w;
		}
		if (k)
			im_say(im, IMPORT_SAY_NOTE, "忽略的列 ignored columns: 「%s」", list);
	}
	if (im->weekly && !im->proj_code && !im->proj_name && !im->proj_uid) {
		im_say(im, IMPORT_SAY_ERROR, "第 %u 行 line %u: 缺少「项目代码」或「项目名称」列 no "
		       "column naming the project (项目代码 or 项目名称)", row->line, row->line);
		missing = 1;
	}
	if (missing) {
		im_say(im, IMPORT_SAY_MORE, "  表头 the header (line %u) is the first row with more "
		       "than one cell, read as %s (--kind chooses); `baosong import --help` lists "
		       "the columns", row->line,
		       im->what == IM_WEEKLY ? "weekly reports"
		       : im->what == IM_TARGET ? "targets" : "projects");
		return BS_E_INVAL;
	}
	return BS_OK;
}

/* ---- rows --------------------------------------------------------------------------- */

static void *field_ptr(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd)
{
	return (char *)m + fd->offset;
}

/* Units named in cell v (one or several, separated by 、，,;/ or a line
 * break) by code, name, alias or leniently (import_units.c): the first into
 * *lead when lead is given, the rest (or all) into im->resp.  NULL, or what
 * is wrong.  Without the server's unit records on this device the text is
 * kept as it is (validation cannot check units then). */
static const char *unit_cells(struct import *im, struct column *c, char *v, const char **lead)
{
	static const char *const seps[] = {"、", "，", "；", "／"};
	static char why[600];
	char *save = NULL, *tok, *r = v, *w = v;
	/* The wide separators become ',' (in place: never longer). */
	while (*r) {
		size_t k;
		for (k = 0; k < sizeof seps / sizeof seps[0]; k++)
			if (!strncmp(r, seps[k], strlen(seps[k])))
				break;
		if (k < sizeof seps / sizeof seps[0]) {
			*w++ = ',';
			r += strlen(seps[k]);
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	for (tok = strtok_r(v, ",;/\r\n", &save); tok; tok = strtok_r(NULL, ",;/\r\n", &save)) {
		const char *code = NULL;
		int amb = 0;
		tok = cell_trim(tok);
		if (!*tok)
			continue;
		if (unit_names_count(im->unames) && !(code = unit_names_find(im->unames, tok, &amb))) {
			snprintf(why, sizeof why, "%s单位「%.120s」%s；在单位别名表 unit_aliases.csv 中"
				 "加一行“%.120s,单位代码” %s; add it to the alias table",
				 amb ? "有多个单位像" : "找不到", tok, amb ? "" : "", tok,
				 amb ? "several units match" : "no such unit");
			return why;
		}
		if (!code)
			code = tok;
		if (lead && (!*lead || !**lead)) {
			*lead = code;
			continue;
		}
		if (lead && !strcmp(*lead, code))
			continue;
		if (im->nresp >= sizeof im->resp / sizeof im->resp[0])
			return "责任单位过多 too many units";
		im->resp[im->nresp++] = code;
	}
	(void)c;
	return NULL;
}

/* Put each cell of row into m (and the project columns aside).  Every
 * bad cell is reported; BS_E_INVAL if there was one. */
int im_fill_cells(struct import *im, const struct csv_row *row, ProtobufCMessage *m)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < im->ncols; i++)
		im->cols[i].value = "";
	im->nresp = 0;
	for (i = 0; i < im->ncols; i++) {
		struct column *c = &im->cols[i];
		const struct spec *s = c->spec;
		char *v;
		const char *msg = NULL;
		uint32_t u;
		int64_t fen, days;
		int stage, rv;

		if (!s)
			continue;
		v = i < row->n ? cell_trim(row->cells[i]) : NULL;
		if (s->type == V_NOTE && (!v || !*v))
			continue;
		c->value = v ? v : "";
		if (!v || !*v) {
			if (s->required) {
				im_row_error(im, row->line, s->name, "必须填写 required", c);
				bad = 1;
			}
			continue;
		}
		switch (s->type) {
		case V_TEXT:
			if (strpbrk(v, "\r\n")) {
				msg = "单元格内有换行，此项须为一行 the cell has a line break; this "
				      "field is one line";
				break;
			}
			*(const char **)field_ptr(m, c->fd) = cell_undefuse(v);
			break;
		case V_MTEXT:
			cell_unix_newlines(v);
			*(const char **)field_ptr(m, c->fd) = cell_undefuse(v);
			break;
		case V_YEAR:
			if (cell_uint(v, &u) != BS_OK) {
				msg = "应为年份，如 2026 a year, e.g. 2026";
				break;
			}
			*(uint32_t *)field_ptr(m, c->fd) = u;
			break;
		case V_MONEY:
			if ((rv = cell_money(v, &fen)) == BS_E_UNSUPPORTED) {
				msg = "金额须以万元为单位 amounts are in 万元";
				break;
			}
			if (rv != BS_OK) {
				msg = "金额应为万元，最多两位小数，如 1234.56 an amount in 万元 with "
				      "at most two decimals";
				break;
			}
			*(int64_t *)field_ptr(m, c->fd) = fen;
			break;
		case V_DATE:
			if ((rv = cell_date(v, &days)) == BS_E_NOTFOUND) {
				msg = "没有这一天 no such day";
				break;
			}
			if (rv != BS_OK) {
				msg = "日期应为 2026-03-01、2026/3/1、2026.3.1、2026年3月1日 或 "
				      "2026-03 a date";
				break;
			}
			period_format_date(days, c->scratch);
			*(const char **)field_ptr(m, c->fd) = c->scratch;
			break;
		case V_STAGE:
			if (cell_stage(v, &stage) != BS_OK) {
				msg = "未知的项目阶段 unknown stage; stages: 谋划储备 前期 新开工 "
				      "续建 竣工 投产 运营 停缓建";
				break;
			}
			*(int *)field_ptr(m, c->fd) = stage;
			break;
		case V_WEEK:
			if (cell_week(v, c->scratch) != BS_OK) {
				msg = "周次应为 2026-W47（ISO 周）或该周内的日期 an ISO week like "
				      "2026-W47, or a date in it";
				break;
			}
			*(const char **)field_ptr(m, c->fd) = c->scratch;
			break;
		case V_PERCENT:
			if (cell_uint(v, &u) != BS_OK) {
				msg = "应为 0 至 100 的整数 a whole number from 0 to 100";
				break;
			}
			*(uint32_t *)field_ptr(m, c->fd) = u;
			break;
		case V_UNIT:
		case V_UNITS:
			msg = unit_cells(im, c, v, s->type == V_UNIT ? (const char **)field_ptr(m, c->fd)
								     : NULL);
			break;
		case V_NOTE:
			if (!c->warned++)
				im_say(im, IMPORT_SAY_NOTE, "「%s」是进度数据，计划表导入不使用；"
				       "请用月报、周报报送 column «%s» is progress (reports), "
				       "not part of a project: not imported", c->title, c->title);
			break;
		case V_TPERIOD:
			if (import_cell_tperiod(v, c->scratch) != BS_OK) {
				msg = "期间应为 2026、2026年 或 2026-Q2、2026年第二季度 a year or a quarter";
				break;
			}
			*(const char **)field_ptr(m, c->fd) = c->scratch;
			break;
		case V_GROWTH: {
			int32_t bp;
			if (import_cell_growth(v, &bp) != BS_OK) {
				msg = "应为百分数，如 15% 或 7.5 a percentage, e.g. 15% or 7.5";
				break;
			}
			*(int32_t *)field_ptr(m, c->fd) = bp;
			break;
		}
		case V_UINT:
			if (cell_uint(v, &u) != BS_OK) {
				msg = "应为整数 a whole number";
				break;
			}
			*(uint32_t *)field_ptr(m, c->fd) = u;
			break;
		case V_PROJ_CODE:
		case V_PROJ_NAME:
		case V_PROJ_UID:
			break;
		}
		if (msg) {
			im_row_error(im, row->line, s->name, msg, c);
			bad = 1;
		}
	}
	return bad ? BS_E_INVAL : BS_OK;
}

/* Pack m into im->pack and validate it as the server will.  BS_E_INVAL if
 * the row is bad (reported), another code if validation could not run. */
int im_pack_validate(struct import *im, const struct csv_row *row,
			 const ProtobufCMessage *m, size_t *len)
{
	struct rec_error err;
	size_t n = protobuf_c_message_get_packed_size(m);
	int rv;

	if (n > REC_DATA_MAX) {
		im_row_error(im, row->line, "data", "记录过大，请缩短文字 the record is too large; "
						 "shorten the text", NULL);
		return BS_E_INVAL;
	}
	*len = protobuf_c_message_pack(m, im->pack);
	rv = records_validate(im->kind, im->pack, *len, &im->rc, &err);
	if (rv == BS_E_INVAL || rv == BS_E_FORBIDDEN || rv == BS_E_TOOBIG) {
		im_row_error(im, row->line, err.field[0] ? err.field : "data",
			  err.msg[0] ? err.msg : "数据有误 invalid", im_column_of(im, err.field));
		return BS_E_INVAL;
	}
	if (rv != BS_OK)
		im_say(im, IMPORT_SAY_ERROR, "第 %u 行 line %u: 无法检查 cannot check the row: %s",
		       row->line, row->line, bs_strerror(rv));
	return rv;
}

/* The first column whose value differs between messages a and b, or NULL
 * if all the columns of the file agree. */
static const struct column *first_difference(const struct import *im,
					     const ProtobufCMessage *a,
					     const ProtobufCMessage *b)
{
	size_t i;
	for (i = 0; i < im->ncols; i++) {
		const ProtobufCFieldDescriptor *fd = im->cols[i].fd;
		const void *x, *y;
		if (!fd)
			continue;
		x = (const char *)a + fd->offset;
		y = (const char *)b + fd->offset;
		switch (fd->type) {
		case PROTOBUF_C_TYPE_STRING: {
			const char *s = *(char *const *)x, *t = *(char *const *)y;
			if (strcmp(s ? s : "", t ? t : "") != 0)
				return &im->cols[i];
			break;
		}
		case PROTOBUF_C_TYPE_INT64:
			if (*(const int64_t *)x != *(const int64_t *)y)
				return &im->cols[i];
			break;
		case PROTOBUF_C_TYPE_UINT32:
			if (*(const uint32_t *)x != *(const uint32_t *)y)
				return &im->cols[i];
			break;
		case PROTOBUF_C_TYPE_ENUM:
			if (*(const int *)x != *(const int *)y)
				return &im->cols[i];
			break;
		default:
			return &im->cols[i];
		}
	}
	return NULL;
}

/* A record with the same key exists (e): 1 if it holds the same values
 * in every column of the file (the row is skipped), 0 if not (reported),
 * or an error. */
static int same_as_existing(struct import *im, const struct csv_row *row,
			    const struct ix_entry *e, const ProtobufCMessage *m,
			    const char *field, const char *what)
{
	struct lrecord r;
	struct wire_arena a;
	ProtobufCMessage *old;
	const struct column *diff = NULL;
	char msg[400], where[64];
	int rv;

	if (e->count > 1) {
		snprintf(msg, sizeof msg, "本机已有 %u 个同名项目 %u projects on this device have "
					  "this name; give 项目代码", e->count, e->count);
		im_row_error(im, row->line, field, msg, im_column_of(im, field));
		return 0;
	}
	if ((rv = localdb_record_get(im->a->db, e->uid, &r)) != BS_OK) {
		im_say(im, IMPORT_SAY_ERROR, "读取本地数据失败 cannot read the local database: %s",
		       bs_strerror(rv));
		return rv;
	}
	wire_arena_init(&a, DECODE_MAX);
	old = protobuf_c_message_unpack(im->desc, &a.alloc, r.data_len, r.data);
	lrecord_free(&r);
	if (old) {
		diff = first_difference(im, m, old);
		protobuf_c_message_free_unpacked(old, &a.alloc);
		if (!diff)
			return 1;
	}
	if (e->line)
		snprintf(where, sizeof where, "与第 %u 行重复 same as line %u", e->line, e->line);
	else
		snprintf(where, sizeof where, "本机已有 exists already");
	snprintf(msg, sizeof msg, "%s%s %.8s，「%s」不同 %s %s; %s", what, where, e->uid,
		 diff ? diff->spec->zh : "内容", diff ? diff->spec->name : "it", "differs",
		 im->weekly ? "correct it with `baosong report edit ID`"
			    : "change it with `baosong project edit`");
	im_row_error(im, row->line, field, msg, diff);
	return 0;
}

int im_queue(struct import *im, const char *uid, int64_t unit_id, size_t len)
{
	uint64_t seq;
	int rv = localdb_change(im->a->db, im->kind, uid, unit_id, im->pack, len, NULL, 0, 0,
				im->now, &seq);
	if (rv != BS_OK)
		im_say(im, IMPORT_SAY_ERROR, "保存失败 cannot save: %s", bs_strerror(rv));
	return rv;
}

/* One data row of a plan table.  BS_OK when the row is dealt with (good,
 * skipped or bad), else an error that ends the import. */
static int project_row(struct import *im, const struct csv_row *row)
{
	Baosong__V1__Project p = BAOSONG__V1__PROJECT__INIT;
	const struct ix_entry *e;
	char uid[REC_UID_LEN + 1];
	int by_code, rv;
	size_t len;

	if (im_fill_cells(im, row, &p.base) != BS_OK)
		return BS_OK;
	/* 牵头单位 and 责任单位 are unit codes (fill_cells found them by name). */
	p.responsible_units = (char **)im->resp;
	p.n_responsible_units = im->nresp;
	if ((rv = im_pack_validate(im, row, &p.base, &len)) != BS_OK)
		return rv == BS_E_INVAL ? BS_OK : rv;
	by_code = p.code && *p.code;
	e = im_ix_find2(&im->projects, by_code ? "c" : "n", by_code ? p.code : p.name);
	if (e) {
		rv = same_as_existing(im, row, e, &p.base, by_code ? "code" : "name",
				      "项目 project ");
		if (rv == 1)
			im->st.skipped++;
		return rv < 0 ? rv : BS_OK;
	}
	records_new_uid(uid);
	if ((rv = im_queue(im, uid, im->srv.unit_id, len)) != BS_OK ||
	    (rv = index_project(im, &p, uid, im->srv.unit_id, row->line)) != BS_OK)
		return rv;
	im->st.good++;
	return BS_OK;
}

/* The project a weekly row names: by id, else by code, else by exact
 * name.  NULL if none (reported). */
static const struct ix_entry *row_project(struct import *im, const struct csv_row *row,
					  const char **field)
{
	const struct column *code = im->proj_code, *name = im->proj_name, *id = im->proj_uid;
	const struct ix_entry *e = NULL;
	struct ix_entry *by_uid = &im->by_uid;
	char msg[300];
	struct lrecord r;

	*field = "project";
	if (id && *id->value) {
		if (!records_uid_valid(id->value) ||
		    localdb_record_get(im->a->db, id->value, &r) != BS_OK) {
			im_row_error(im, row->line, "project_uid", "本机没有这个项目 no such project "
				  "on this device", id);
			return NULL;
		}
		memset(by_uid, 0, sizeof *by_uid);
		snprintf(by_uid->uid, sizeof by_uid->uid, "%.*s", REC_UID_LEN, r.uid);
		by_uid->unit_id = r.unit_id;
		by_uid->count = strcmp(r.kind, REC_KIND_PROJECT) == 0 && !r.deleted;
		lrecord_free(&r);
		if (!by_uid->count) {
			im_row_error(im, row->line, "project_uid", "不是项目 not a project", id);
			return NULL;
		}
		return by_uid;
	}
	if (code && *code->value)
		e = im_ix_find2(&im->projects, "c", code->value);
	if (!e && name && *name->value)
		e = im_ix_find2(&im->projects, "n", name->value);
	if (e && e->count > 1) {
		snprintf(msg, sizeof msg, "本机有 %u 个项目与之对应 %u projects match; give "
					  "项目代码", e->count, e->count);
		im_row_error(im, row->line, "project", msg, code && *code->value ? code : name);
		return NULL;
	}
	if (!e) {
		if ((!code || !*code->value) && (!name || !*name->value)) {
			im_row_error(im, row->line, "project", "未填项目代码或项目名称 neither 项目代码 "
				  "nor 项目名称 given", NULL);
			return NULL;
		}
		im_row_error(im, row->line, "project", "本机没有这个项目 no such project on this "
			  "device (`baosong project list` shows them; `baosong pull` fetches the "
			  "server's)", code && *code->value ? code : name);
		return NULL;
	}
	return e;
}

/* One data row of a weekly batch. */
static int weekly_row(struct import *im, const struct csv_row *row)
{
	Baosong__V1__WeeklyReport w = BAOSONG__V1__WEEKLY_REPORT__INIT;
	const struct ix_entry *proj, *e;
	char uid[REC_UID_LEN + 1], project_uid[REC_UID_LEN + 1];
	const char *field;
	int64_t unit_id;
	size_t len;
	int rv;

	if (im_fill_cells(im, row, &w.base) != BS_OK)
		return BS_OK;
	if (!(proj = row_project(im, row, &field)))
		return BS_OK;
	snprintf(project_uid, sizeof project_uid, "%s", proj->uid);
	unit_id = proj->unit_id;
	w.project_uid = project_uid;
	if ((rv = im_pack_validate(im, row, &w.base, &len)) != BS_OK)
		return rv == BS_E_INVAL ? BS_OK : rv;
	if ((e = im_ix_find2(&im->reports, project_uid, w.period)) != NULL) {
		rv = same_as_existing(im, row, e, &w.base, "period", "该项目该周的周报 report ");
		if (rv == 1)
			im->st.skipped++;
		return rv < 0 ? rv : BS_OK;
	}
	records_new_uid(uid);
	if ((rv = im_queue(im, uid, unit_id, len)) != BS_OK ||
	    (rv = im_ix_add2(&im->reports, project_uid, w.period, uid, unit_id, row->line)) != BS_OK)
		return rv;
	im->st.good++;
	return BS_OK;
}

/* ---- the run ---------------------------------------------------------------------- */

struct import *import_new(const struct import_opts *o, const struct import_sink *sink)
{
	struct import *im = calloc(1, sizeof *im);
	assert(o && sink && sink->say);
	if (!im)
		return NULL;
	im->o = *o;
	im->sink = *sink;
	if (!(im->unames = unit_names_new())) {
		free(im);
		return NULL;
	}
	return im;
}

void import_free(struct import *im)
{
	size_t i;
	if (!im)
		return;
	csv_reader_free(im->rd);
	free(im->text);
	free(im->name);
	for (i = 0; i < im->ncols; i++)
		free(im->cols[i].title);
	free(im->cols);
	ix_free(&im->projects);
	ix_free(&im->reports);
	ix_free(&im->units);
	ix_free(&im->targets);
	unit_names_free(im->unames);
	free(im);
}

const struct import_stats *import_stats(const struct import *im)
{
	return &im->st;
}

size_t import_columns(const struct import *im)
{
	return im->ncols;
}

const char *import_column(const struct import *im, size_t i, int *used)
{
	assert(i < im->ncols);
	*used = im->cols[i].spec != NULL || im->cols[i].fd != NULL;
	return im->cols[i].title;
}

int import_header(struct import *im)
{
	struct csv_limits lim = {BS_IMPORT_FIELD_MAX, BS_IMPORT_COLS_MAX, BS_IMPORT_ROWS_MAX};
	struct csv_row row;
	struct csv_error cerr;
	unsigned titles = 0;
	int rv, r;

	assert(im->text && !im->rd);
	memset(&cerr, 0, sizeof cerr);
	if ((rv = csv_reader_new(im->text, im->tlen, &lim, &im->rd)) != BS_OK)
		return rv;
	/* The header: the first row with more than one cell filled (a title
	 * row above it, one cell across the table, is skipped). */
	for (;;) {
		r = csv_next(im->rd, &row, &cerr);
		if (r == 0) {
			im_say(im, IMPORT_SAY_ERROR, "%s 中没有表头 has no header row (nothing to "
			       "import)", im->name);
			return BS_E_INVAL;
		}
		if (r < 0) {
			im_say(im, IMPORT_SAY_ERROR, "第 %u 行 line %u: 无法读取表头 cannot read the "
			       "header: %s", cerr.line, cerr.line, cerr.msg);
			return r;
		}
		if (row_blank(&row))
			continue;
		if (row_is_title(&row) && titles++ < TITLE_ROWS_MAX)
			continue;
		break;
	}
	im->weekly = im->o.kind == IMPORT_WEEKLY ||
		     (im->o.kind == IMPORT_DETECT && header_is_weekly(&row));
	im->what = im->weekly ? IM_WEEKLY
		   : im->o.kind == IMPORT_OTHER ? IM_OTHER
		   : im->o.kind == IMPORT_TARGET ||
				   (im->o.kind == IMPORT_DETECT && header_is_target(&row))
			   ? IM_TARGET
			   : IM_PROJECT;
	im->kind = im->what == IM_WEEKLY   ? REC_KIND_WEEKLY
		   : im->what == IM_TARGET ? REC_KIND_TARGET
		   : im->what == IM_OTHER  ? im->o.other_kind
					   : REC_KIND_PROJECT;
	if (!im->kind || !records_kind(im->kind))
		return BS_E_INVAL;
	im->desc = records_kind(im->kind)->desc;
	im->st.what = (enum import_kind)im->what;
	im->st.kind = im->kind;
	return map_header(im, &row);
}

/* Fill the validation context for this device. */
static void use_device(struct import *im, struct app *a, const struct app_server *srv)
{
	im->a = a;
	im->srv = *srv;
	im->now = bs_now_ms();
	im->lk.project = import_lookup_project;
	im->lk.unit = NULL; /* set once the unit records are loaded, if any */
	im->lk.ctx = im;
	im->rc.now_ms = im->now;
	im->rc.unit_id = im->srv.unit_id;
	im->rc.role = im->srv.role;
	im->rc.any_unit = im->srv.role == REC_ROLE_ADMIN;
	im->rc.lookup = &im->lk;
}

/* The records on this device the rows are checked against. */
static int load_device(struct import *im)
{
	char def[4200 + 32];
	int rv;

	snprintf(def, sizeof def, "%s/unit_aliases.csv", im->a->dir);
	if ((rv = unit_names_aliases(im->unames, im->o.aliases ? im->o.aliases : def,
				     !im->o.aliases, &im->sink)) != BS_OK)
		return rv;
	if ((rv = localdb_record_each(im->a->db, REC_KIND_PROJECT, 0, load_project, im)) < 0 ||
	    (im->what == IM_TARGET &&
	     (rv = localdb_record_each(im->a->db, REC_KIND_TARGET, 0, im_load_target, im)) < 0) ||
	    (rv = localdb_record_each(im->a->db, REC_KIND_UNIT, 0, load_unit, im)) < 0 ||
	    (im->weekly &&
	     (rv = localdb_record_each(im->a->db, REC_KIND_WEEKLY, 0, load_report, im)) < 0)) {
		im_say(im, IMPORT_SAY_ERROR, "读取本地数据失败 cannot read the local database: %s",
		       bs_strerror(rv));
		return rv;
	}
	if (im->have_units)
		im->lk.unit = lookup_unit;
	return BS_OK;
}

/* Tell sink->row what became of row (its cells as read, in copy). */
static void tell_row(struct import *im, unsigned line, const char *const *cells, size_t n,
		     const unsigned before[3])
{
	struct import_row r = {line, IMPORT_ROW_GOOD, n, cells};
	if (im->st.bad != before[2])
		r.state = IMPORT_ROW_BAD;
	else if (im->st.skipped != before[1])
		r.state = IMPORT_ROW_SKIPPED;
	else if (im->st.good == before[0])
		r.state = IMPORT_ROW_BAD; /* neither queued nor skipped: not imported */
	im->sink.row(im->sink.ctx, &r);
}

/* The trimmed cells of row, copied (the row's checks change them in
 * place), or NULL when out of memory. */
static char **copy_cells(const struct csv_row *row)
{
	char **c = calloc(row->n + 1, sizeof *c);
	size_t i;
	for (i = 0; c && i < row->n; i++) {
		if (!(c[i] = strdup(cell_trim(row->cells[i])))) {
			while (i--)
				free(c[i]);
			free(c);
			return NULL;
		}
	}
	return c;
}

static void free_cells(char **c, size_t n)
{
	size_t i;
	for (i = 0; c && i < n; i++)
		free(c[i]);
	free(c);
}

int import_run(struct import *im, struct app *a, const struct app_server *srv)
{
	struct csv_row row;
	struct csv_error cerr;
	int in_tx = 0, rv, r;

	assert(im->rd && im->cols && a && a->db && srv);
	memset(&cerr, 0, sizeof cerr);
	use_device(im, a, srv);
	/* One transaction from the first read to the last write: what is
	 * checked against is what is written to, and a failure undoes all. */
	if ((rv = localdb_begin(im->a->db)) != BS_OK) {
		im_say(im, IMPORT_SAY_ERROR, "本地数据库忙 the local database is busy: %s",
		       bs_strerror(rv));
		return rv;
	}
	in_tx = 1;
	if ((rv = load_device(im)) != BS_OK)
		goto out;
	for (;;) {
		unsigned before[3] = {im->st.good, im->st.skipped, im->st.bad};
		char **cells = NULL;
		r = csv_next(im->rd, &row, &cerr);
		if (r == 0)
			break;
		if (r < 0) {
			im->st.read++;
			im_row_error(im, cerr.line, "csv", cerr.msg, NULL);
			if (im->sink.row)
				tell_row(im, cerr.line, NULL, 0, before);
			if (cerr.fatal) {
				rv = r;
				goto stopped;
			}
			continue;
		}
		if (row_blank(&row))
			continue;
		im->st.read++;
		if (im->sink.row && !(cells = copy_cells(&row))) {
			rv = BS_E_NOMEM;
			goto stopped;
		}
		rv = im->what == IM_WEEKLY   ? weekly_row(im, &row)
		     : im->what == IM_TARGET ? im_target_row(im, &row)
		     : im->what == IM_OTHER  ? im_kind_row(im, &row)
					     : project_row(im, &row);
		if (rv == BS_OK && cells)
			tell_row(im, row.line, (const char *const *)cells, row.n, before);
		free_cells(cells, row.n);
		if (rv != BS_OK)
			goto stopped;
	}
	im->st.checked = 1;
	if (im->st.bad > ERRORS_SHOWN)
		im_say(im, IMPORT_SAY_MORE, "（另有 %u 行有误未列出 %u more bad rows not listed）",
		       im->st.bad - ERRORS_SHOWN, im->st.bad - ERRORS_SHOWN);
	if (!im->o.dry_run && im->st.good && (!im->st.bad || im->o.partial)) {
		if ((rv = localdb_commit(im->a->db)) != BS_OK) {
			im_say(im, IMPORT_SAY_ERROR, "保存失败 cannot save: %s", bs_strerror(rv));
			goto stopped;
		}
		in_tx = 0;
		im->st.committed = 1;
	}
	rv = im->st.bad ? BS_E_INVAL : BS_OK;
	goto out;
stopped:
	im->st.stopped = 1;
out:
	if (in_tx)
		localdb_rollback(im->a->db);
	return rv;
}
