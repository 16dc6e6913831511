/* cmd_rank.c - baosong ranking: the assessment results the bureau published
 * (record kind publication, pulled like units: 月通报 monthly bulletins,
 * 季评比 quarterly rankings, 年考核 annual assessments, 周通报 weekly ones),
 * shown for people: which were received, and one as a ranked table with
 * this device's own unit marked and its position, grade and consequence
 * flags spelled out.  What this device holds and how each value reads is
 * client/core/pubs.c (the web page's 排名 and 看板 read the same).
 *
 * Numbers as published (docs/ASSESSMENT.md): ratios in basis points
 * (2404 = 24.04%), scores in centi-points (8520 = 85.20 分), money in fen
 * (shown in 万元).  A score of -1 is not applicable ("-"); rank 0 is not
 * ranked; tied > 1 shares the rank with others.  Unit names come from the
 * unit records the server publishes (the code when there is none).
 *
 * Everything reads the local database only.  Exit status: 64 usage, 66
 * nothing published (yet) or no such publication. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "cli.h"
#include "cliutil.h"
#include "err.h"
#include "field.h"
#include "kinds.h"
#include "money.h"
#include "pubs.h"
#include "records.h"
#include "table.h"
#include "wire.h"

typedef Baosong__V1__Publication Publication;
typedef Baosong__V1__UnitResult UnitResult;

#define NAME_W_MIN 4u   /* the unit column: between these, as wide as the names */
#define NAME_W_MAX 24u
#define NAME_W_COMPACT 14u /* the compact table fits 80 columns */
#define FLAGS_W_COMPACT 12u
#define LINE_W 78u         /* prose lines under the table are wrapped here */
#define IND_W_MIN 6u    /* an indicator's column: as wide as its label, within these */
#define IND_W_MAX 14u
#define CELL_MAX 1024u  /* one formatted value */

enum { O_SCOPE = 900, O_CSV, O_WIDE };


/* week|month|quarter|year, 周|月|季|年, or the label (月通报 ...). */
static int scope_parse(const char *s)
{
	static const struct {
		const char *en, *zh;
		int v;
	} words[] = {{"week", "周", BAOSONG__V1__ASSESS_SCOPE__ASSESS_WEEK},
		     {"month", "月", BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH},
		     {"quarter", "季", BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER},
		     {"year", "年", BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR}};
	size_t i;
	int v;
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (!strcmp(s, words[i].en) || !strcmp(s, words[i].zh))
			return words[i].v;
	if (field_enum_parse(&baosong__v1__assess_scope__descriptor, s, &v) == BS_OK && v > 0)
		return v;
	return 0;
}


/* pubs_load, explaining a failure and unreadable publications. */
static int rank_db_load(struct localdb *db, struct pubs *d)
{
	int rv = pubs_load(db, d);
	if (rv != BS_OK)
		return rv == BS_E_NOMEM ? rv : cli_db_error(rv);
	if (d->unreadable)
		fprintf(stderr, "baosong: %u 条考核结果无法解析 published results could not be "
				"read\n", d->unreadable);
	return BS_OK;
}

static void nothing_yet(int scope)
{
	static const char *const en[] = {"result", "weekly bulletin", "monthly bulletin",
					 "quarterly ranking", "annual assessment"};
	if (scope)
		fprintf(stderr, "baosong: 尚未收到%s no %s published yet: run `baosong sync` "
				"(`baosong ranking list` shows what was received)\n",
			pubs_scope_label(scope),
			scope > 0 && scope < (int)(sizeof en / sizeof en[0]) ? en[scope] : en[0]);
	else
		fprintf(stderr, "baosong: 尚未收到任何考核结果 no published results yet: run "
				"`baosong sync`\n");
}

/* ---- baosong ranking list ------------------------------------------------------------------ */

static void sep(void)
{
	fputs("  ", stdout);
}

static void list_help(void)
{
	printf("baosong ranking [list] [--scope month|quarter|year|week] [--csv] [--dir DIR]\n"
	       "  The assessment results the bureau published and this device has pulled, "
	       "newest\n  first: the publication number, what it is (月通报 monthly bulletin, "
	       "季评比\n  quarterly ranking, 年考核 annual assessment, 周通报 weekly), its "
	       "period and\n  title, how many units were ranked, when it was published "
	       "(Beijing time), and\n  this unit's place: rank/units ranked, （并列） when "
	       "shared, and the grade.\n"
	       "  `baosong sync` fetches new ones; `baosong ranking show` shows one in full.\n"
	       "  --scope S    only bulletins (month), rankings (quarter), assessments (year) "
	       "or\n               weekly ones (week); 月 季 年 周 work too\n"
	       "  --csv        CSV for Excel/WPS (UTF-8 with a byte order mark)\n"
	       "Example:\n  baosong ranking\n  baosong ranking list --scope quarter\n");
}

static int rank_list(struct pubs *d, int scope, int csv)
{
	char when[32], own[128], num[32];
	unsigned count = 0;
	size_t i;

	for (i = 0; i < d->n; i++)
		count += !scope || (int)d->pubs[i]->p->scope == scope;
	if (count == 0) {
		nothing_yet(scope);
		return BS_E_NOTFOUND;
	}
	if (csv) {
		csv_begin(stdout);
		csv_field(stdout, "编号", 1, 1);
		csv_field(stdout, "类别", 0, 1);
		csv_field(stdout, "期间", 0, 1);
		csv_field(stdout, "标题", 0, 1);
		csv_field(stdout, "参评单位", 0, 1);
		csv_field(stdout, "排名单位", 0, 1);
		csv_field(stdout, "发布时间", 0, 1);
		csv_field(stdout, "本单位排名", 0, 1);
		csv_field(stdout, "本单位等级", 0, 1);
		csv_end_row(stdout);
	} else {
		table_cell(stdout, "编号", 4, 1);
		sep();
		table_cell(stdout, "类别", 6, 0);
		sep();
		table_cell(stdout, "期间", 8, 0);
		sep();
		table_cell(stdout, "标题", 34, 0);
		sep();
		table_cell(stdout, "排名单位", 8, 1);
		sep();
		table_cell(stdout, "发布时间", 16, 0);
		sep();
		fputs("本单位\n", stdout);
	}
	for (i = 0; i < d->n; i++) {
		const Publication *p = d->pubs[i]->p;
		const UnitResult *r = pubs_own_result(d, p);
		if (scope && (int)p->scope != scope)
			continue;
		when[0] = '\0';
		if (p->published_at_ms > 0)
			field_format_time(p->published_at_ms, when, sizeof when);
		if (csv) {
			snprintf(num, sizeof num, "%u", p->number);
			csv_field(stdout, num, 1, 0);
			csv_field(stdout, pubs_scope_label((int)p->scope), 0, 1);
			csv_field(stdout, p->period, 0, 1);
			csv_field(stdout, pubs_title(p), 0, 1);
			snprintf(num, sizeof num, "%zu", p->n_results);
			csv_field(stdout, num, 0, 0);
			snprintf(num, sizeof num, "%u", pubs_ranked_count(p));
			csv_field(stdout, num, 0, 0);
			csv_field(stdout, when, 0, 0);
			own[0] = '\0';
			if (r && r->rank)
				snprintf(own, sizeof own, "%u%s", r->rank,
					 r->tied > 1 ? "（并列）" : "");
			else if (r)
				snprintf(own, sizeof own, "不参与排名");
			csv_field(stdout, own, 0, 1);
			csv_field(stdout, r && r->grade ? r->grade : "", 0, 1);
			csv_end_row(stdout);
			continue;
		}
		snprintf(num, sizeof num, "%u", p->number);
		table_cell(stdout, num, 4, 1);
		sep();
		table_cell(stdout, pubs_scope_label((int)p->scope), 6, 0);
		sep();
		table_cell(stdout, p->period, 8, 0);
		sep();
		table_cell(stdout, pubs_title(p), 34, 0);
		sep();
		snprintf(num, sizeof num, "%u", pubs_ranked_count(p));
		table_cell(stdout, num, 8, 1);
		sep();
		table_cell(stdout, when, 16, 0);
		sep();
		pubs_own_brief(p, r, own, sizeof own);
		table_text(stdout, own, 0, NULL);
		fputc('\n', stdout);
	}
	if (!csv)
		printf("共 %u 期考核结果 %u publication%s; `baosong ranking show [期间|编号]` "
		       "shows one (the newest without)\n",
		       count, count, count == 1 ? "" : "s");
	return cli_write_error();
}

/* ---- baosong ranking show ------------------------------------------------------------------ */

static void show_help(void)
{
	printf("baosong ranking show [PERIOD|NUMBER] [--scope month|quarter|year|week] [--wide] "
	       "[--csv] [--dir DIR]\n"
	       "  一期考核结果：默认为适合 80 列终端的简表（排名、单位、总分、等级、完成率、迟报、\n"
	       "  缺报、标记）；--wide 显示含各指标得分的完整表格。\n"
	       "  By default a compact table that fits an 80-column terminal (rank, unit, "
	       "total,\n  grade, completion, late, missing, flags); --wide the full table "
	       "below.\n"
	       "  One published result in full (the newest without PERIOD or NUMBER): every "
	       "unit's\n  排名 rank (（并列） shared, - not ranked), 单位 unit, 总分 total "
	       "score, 等级 grade,\n  完成率 completion of the investment target, 本年累计 "
	       "investment this year and\n  目标 the target (万元), 同比 growth on the same "
	       "period last year, the score of\n  each indicator (- not applicable), 迟报 "
	       "late and 缺报 missing reports, and 标记\n  the consequences (月度末位 → 会上"
	       "表态发言, 季度末位 → 约谈, 年度一般 → 提醒谈话,\n  验收未通过 → 取消评优奖励 "
	       "...).  This unit's row is marked >; below the table its\n  place, score, "
	       "grade, flags with what follows from them, and the bureau's note.\n"
	       "  PERIOD       2026-04 (month), 2026-Q1 (quarter), 2026 (year), 2026-W14 "
	       "(week)\n"
	       "  NUMBER       the publication number (`baosong ranking list`)\n"
	       "  --scope S    month, quarter, year or week (月 季 年 周): the newest of that "
	       "kind\n"
	       "  --wide       the full table, with every indicator's score\n"
	       "  --csv        the table as CSV for Excel/WPS (UTF-8 with a byte order "
	       "mark)\n"
	       "Example:\n  baosong ranking show\n  baosong ranking show 2026-Q1\n"
	       "  baosong ranking show --scope month --csv > 月通报.csv\n");
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* The publication arg names (a period, else a number), the newest if
 * several; the newest of all without arg.  NULL if none. */
static const Publication *pick(const struct pubs *d, const char *arg, int scope)
{
	size_t i;
	for (i = 0; i < d->n; i++) {
		const Publication *p = d->pubs[i]->p;
		if (scope && (int)p->scope != scope)
			continue;
		if (!arg || (p->period && !strcmp(p->period, arg)))
			return p;
	}
	if (!arg || !all_digits(arg) || strlen(arg) > 9)
		return NULL;
	for (i = 0; i < d->n; i++) {
		const Publication *p = d->pubs[i]->p;
		if ((!scope || (int)p->scope == scope) && p->number == (uint32_t)atol(arg))
			return p;
	}
	return NULL;
}

static unsigned ind_width(const Publication *p, size_t j)
{
	size_t w = table_width(p->indicators[j]->label);
	return (unsigned)(w < IND_W_MIN ? IND_W_MIN : w > IND_W_MAX ? IND_W_MAX : w);
}

static const char *ind_label(const Publication *p, size_t j)
{
	const Baosong__V1__Indicator *ind = p->indicators[j];
	return ind->label && ind->label[0] ? ind->label : ind->code ? ind->code : "";
}

static void show_csv(const struct pubs *d, const Publication *p)
{
	char b[CELL_MAX];
	size_t i, j;

	csv_begin(stdout);
	csv_field(stdout, "排名", 1, 1);
	csv_field(stdout, "排名说明", 0, 1);
	csv_field(stdout, "单位代码", 0, 1);
	csv_field(stdout, "单位名称", 0, 1);
	csv_field(stdout, "总分", 0, 1);
	csv_field(stdout, "等级", 0, 1);
	csv_field(stdout, "完成率", 0, 1);
	csv_field(stdout, "本年累计完成投资(万元)", 0, 1);
	csv_field(stdout, "投资目标(万元)", 0, 1);
	csv_field(stdout, "同比增速", 0, 1);
	for (j = 0; j < p->n_indicators; j++)
		csv_field(stdout, ind_label(p, j), 0, 1);
	csv_field(stdout, "应报", 0, 1);
	csv_field(stdout, "迟报", 0, 1);
	csv_field(stdout, "缺报", 0, 1);
	csv_field(stdout, "标记", 0, 1);
	csv_field(stdout, "说明", 0, 1);
	csv_field(stdout, "本单位", 0, 1);
	csv_end_row(stdout);
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		b[0] = '\0';
		if (r->rank)
			snprintf(b, sizeof b, "%u", r->rank);
		csv_field(stdout, b, 1, 0);
		csv_field(stdout, r->rank == 0 ? "不参与排名" : r->tied > 1 ? "并列" : "", 0, 1);
		csv_field(stdout, r->unit_code, 0, 1);
		csv_field(stdout, pubs_unit_label(d, r->unit_code), 0, 1);
		if (r->has_total)
			pubs_fmt_total(r, b, sizeof b);
		else
			b[0] = '\0';
		csv_field(stdout, b, 0, 0);
		csv_field(stdout, r->grade, 0, 1);
		if (r->has_completion)
			pubs_fmt_completion(r, b, sizeof b);
		else
			b[0] = '\0';
		csv_field(stdout, b, 0, 0);
		money_format_wan(r->fai_ytd_fen, b, sizeof b);
		csv_field(stdout, b, 0, 0);
		if (r->fai_target_fen > 0)
			money_format_wan(r->fai_target_fen, b, sizeof b);
		else
			b[0] = '\0';
		csv_field(stdout, b, 0, 0);
		if (r->has_growth)
			pubs_fmt_growth(r, b, sizeof b);
		else
			b[0] = '\0';
		csv_field(stdout, b, 0, 0);
		for (j = 0; j < p->n_indicators; j++) {
			pubs_fmt_score(r, j, b, sizeof b);
			/* not applicable: a dash a spreadsheet shows as text */
			csv_field(stdout, strcmp(b, "-") ? b : "—", 0, 1);
		}
		snprintf(b, sizeof b, "%u", r->reports_due);
		csv_field(stdout, b, 0, 0);
		snprintf(b, sizeof b, "%u", r->reports_late);
		csv_field(stdout, b, 0, 0);
		snprintf(b, sizeof b, "%u", r->reports_missing);
		csv_field(stdout, b, 0, 0);
		pubs_flag_text(r->flags, 0, b, sizeof b);
		csv_field(stdout, b, 0, 1);
		csv_field(stdout, r->explain, 0, 1);
		csv_field(stdout, pubs_is_own(d, r) ? "是" : "", 0, 1);
		csv_end_row(stdout);
	}
}

/* The own unit's place, score, grade, flags with their consequences and
 * the bureau's explanation, below the table. */
static void show_own(const struct pubs *d, const Publication *p)
{
	const UnitResult *r = pubs_own_result(d, p);
	const char *name = pubs_unit_label(d, d->own_code);
	char line[1024], b[64];
	size_t used;
	unsigned bit;

	if (!d->own_code[0])
		return;
	if (!r) {
		printf("本单位 ");
		table_text(stdout, name, 0, NULL);
		printf(" 不在本期考核名单中 (not among the units assessed)\n");
		return;
	}
	if (r->rank)
		used = (size_t)snprintf(line, sizeof line, "第%u名/共%u个单位%s", r->rank,
					pubs_ranked_count(p), r->tied > 1 ? "（并列）" : "");
	else
		used = (size_t)snprintf(line, sizeof line, "不参与排名 not ranked");
	if (r->has_total && used < sizeof line) {
		pubs_fmt_total(r, b, sizeof b);
		used += (size_t)snprintf(line + used, sizeof line - used, "，总分 %s", b);
	}
	if (r->grade && r->grade[0] && used < sizeof line)
		used += (size_t)snprintf(line + used, sizeof line - used, "，%s", r->grade);
	if (r->has_completion && used < sizeof line) {
		pubs_fmt_completion(r, b, sizeof b);
		snprintf(line + used, sizeof line - used, "，完成率 %s", b);
	}
	printf("本单位 ");
	table_text(stdout, name, 0, NULL);
	printf(": ");
	table_wrap(stdout, line, 9 + table_width(name), LINE_W, "  ");
	fputc('\n', stdout);
	for (bit = 0; bit < 32; bit++) {
		if (!(r->flags & (1u << bit)))
			continue;
		if (pubs_flag_full(bit))
			printf("  ！%s\n", pubs_flag_full(bit));
		else
			printf("  ！标记%u\n", bit);
	}
	if (r->explain && r->explain[0]) {
		printf("  说明: ");
		table_wrap(stdout, r->explain, 8, LINE_W, "        ");
		fputc('\n', stdout);
	}
}

/* Print lead, then the items (each already formatted) joined by "；",
 * wrapped at LINE_W columns (following lines indented by two spaces). */
static void wrapped(const char *lead, const char *const *items, size_t n)
{
	size_t col = table_width(lead) + 1, i;
	fputs(lead, stdout);
	fputc(' ', stdout);
	for (i = 0; i < n; i++) {
		size_t w = table_width(items[i]) + (i + 1 < n ? 2 : 0);
		if (i && col + w > LINE_W) {
			fputs("\n  ", stdout);
			col = 2;
		}
		table_text(stdout, items[i], 0, NULL);
		if (i + 1 < n)
			fputs("；", stdout);
		col += w;
	}
	fputc('\n', stdout);
}

/* The ranking table.  Compact: rank, unit, total, grade, completion, late,
 * missing and the flags in 78 columns (an 80-column terminal); wide adds
 * the year-to-date figure, the target, the growth and each indicator's
 * score between completion and late. */
static void rank_rows(const struct pubs *d, const Publication *p, unsigned name_w, int tty,
		      int wide)
{
	char b[CELL_MAX];
	size_t i, j;
	fputs("  ", stdout);
	table_cell(stdout, "排名", 10, 0);
	sep();
	table_cell(stdout, "单位", name_w, 0);
	sep();
	table_cell(stdout, "总分", 6, 1);
	sep();
	table_cell(stdout, "等级", 4, 0);
	sep();
	table_cell(stdout, "完成率", 8, 1);
	if (wide) {
		sep();
		table_cell(stdout, "本年累计(万元)", 14, 1);
		sep();
		table_cell(stdout, "目标(万元)", 12, 1);
		sep();
		table_cell(stdout, "同比", 8, 1);
		for (j = 0; j < p->n_indicators; j++) {
			sep();
			table_cell(stdout, ind_label(p, j), ind_width(p, j), 1);
		}
	}
	sep();
	table_cell(stdout, "迟报", 4, 1);
	sep();
	table_cell(stdout, "缺报", 4, 1);
	sep();
	fputs("标记\n", stdout);
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		int own = pubs_is_own(d, r);
		if (own && tty)
			fputs("\033[1m", stdout);
		fputs(own ? "> " : "  ", stdout);
		pubs_fmt_rank(r, b, sizeof b);
		table_cell(stdout, b, 10, 0);
		sep();
		table_cell(stdout, pubs_unit_label(d, r->unit_code), name_w, 0);
		sep();
		pubs_fmt_total(r, b, sizeof b);
		table_cell(stdout, b, 6, 1);
		sep();
		table_cell(stdout, r->grade && r->grade[0] ? r->grade : "-", 4, 0);
		sep();
		pubs_fmt_completion(r, b, sizeof b);
		table_cell(stdout, b, 8, 1);
		if (wide) {
			sep();
			money_format_wan(r->fai_ytd_fen, b, sizeof b);
			table_cell(stdout, b, 14, 1);
			sep();
			pubs_fmt_target(r, b, sizeof b);
			table_cell(stdout, b, 12, 1);
			sep();
			pubs_fmt_growth(r, b, sizeof b);
			table_cell(stdout, b, 8, 1);
			for (j = 0; j < p->n_indicators; j++) {
				sep();
				pubs_fmt_score(r, j, b, sizeof b);
				table_cell(stdout, b, ind_width(p, j), 1);
			}
		}
		sep();
		snprintf(b, sizeof b, "%u", r->reports_late);
		table_cell(stdout, b, 4, 1);
		sep();
		snprintf(b, sizeof b, "%u", r->reports_missing);
		table_cell(stdout, b, 4, 1);
		sep();
		pubs_flag_text(r->flags, 1, b, sizeof b);
		if (!wide && table_width(b) > FLAGS_W_COMPACT)
			table_cell(stdout, b, FLAGS_W_COMPACT, 0);
		else
			table_text(stdout, b, 0, NULL);
		if (own && tty)
			fputs("\033[0m", stdout);
		fputc('\n', stdout);
	}
}

static void show_table(const struct pubs *d, const Publication *p, int wide)
{
	int tty = isatty(STDOUT_FILENO);
	char b[CELL_MAX], when[32];
	unsigned name_w = NAME_W_MIN, name_max = wide ? NAME_W_MAX : NAME_W_COMPACT;
	size_t i, j;

	for (i = 0; i < p->n_results; i++) {
		size_t w = table_width(pubs_unit_label(d, p->results[i]->unit_code));
		if (w > name_w)
			name_w = (unsigned)(w > name_max ? name_max : w);
	}
	table_text(stdout, pubs_title(p), 0, NULL);
	fputc('\n', stdout);
	printf("%s ", pubs_scope_label((int)p->scope));
	table_text(stdout, p->period, 0, NULL);
	printf("  第 %u 期 no. %u  考核方案 %u 版本 %u\n", p->number, p->number, p->scheme_year,
	       p->scheme_version);
	if (p->published_at_ms > 0) {
		field_format_time(p->published_at_ms, when, sizeof when);
		printf("发布 published %s", when);
	}
	if (p->as_of_ms > 0 && p->as_of_ms != p->published_at_ms) {
		field_format_time(p->as_of_ms, when, sizeof when);
		printf("  统计截至 as of %s", when);
	}
	printf(" (北京时间)\n");
	rank_rows(d, p, name_w, tty, wide);
	printf("共 %zu 个单位，排名 %u 个 %zu units, %u ranked%s\n", p->n_results,
	       pubs_ranked_count(p), p->n_results, pubs_ranked_count(p),
	       wide ? "" : "; 各指标得分 scores by indicator: --wide");
	if (p->n_indicators) {
		char(*items)[160] = calloc(p->n_indicators, sizeof *items);
		const char **ptrs = calloc(p->n_indicators, sizeof *ptrs);
		if (items && ptrs) {
			for (j = 0; j < p->n_indicators; j++) {
				snprintf(items[j], sizeof items[j], "%.120s %u分", ind_label(p, j),
					 p->indicators[j]->weight);
				ptrs[j] = items[j];
			}
			wrapped("指标 indicators:", ptrs, p->n_indicators);
		}
		free(items);
		free(ptrs);
	}
	if (p->n_grades) {
		char(*items)[160] = calloc(p->n_grades, sizeof *items);
		const char **ptrs = calloc(p->n_grades, sizeof *ptrs);
		if (items && ptrs) {
			for (j = 0; j < p->n_grades; j++) {
				pubs_fmt_hundredths(p->grades[j]->min_score_c, "", b, sizeof b);
				snprintf(items[j], sizeof items[j], "%.100s >=%.40s",
					 p->grades[j]->label ? p->grades[j]->label : "", b);
				ptrs[j] = items[j];
			}
			wrapped("等级 grades:", ptrs, p->n_grades);
		}
		free(items);
		free(ptrs);
	}
	show_own(d, p);
	if (p->digest.len > 0 && p->digest.len <= 64) {
		printf("摘要 digest: ");
		for (j = 0; j < p->digest.len && j < 8; j++)
			printf("%02x", p->digest.data[j]);
		printf("... (与县发改局核对 compare: baosongd assess show)\n");
	}
}

/* ---- dispatch -------------------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f, "baosong ranking [list|show] ... [--dir DIR]\n"
		   "  考核结果: the bulletins (月通报), rankings (季评比) and assessments "
		   "(年考核)\n  the bureau published, and this unit's place in them.\n"
		   "  baosong ranking [list] [--scope S] [--csv]      what was received, "
		   "newest first\n"
		   "  baosong ranking show [PERIOD|NUMBER] [--scope S] [--csv]   one in full\n"
		   "  `baosong ranking SUBCOMMAND --help` says more.\n");
}

int cmd_ranking(int argc, char **argv)
{
	static const struct option opts[] = {{"scope", required_argument, 0, O_SCOPE},
					     {"csv", no_argument, 0, O_CSV},
					     {"wide", no_argument, 0, O_WIDE},
					     {"dir", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *sub = "list", *dir = NULL, *arg = NULL;
	struct pubs d;
	struct app a;
	int show, scope = 0, csv = 0, wide = 0, c, rv;

	memset(&d, 0, sizeof d);
	app_blank(&a);
	if (argc > 1 && argv[1][0] != '-') {
		sub = argv[1];
		argc--;
		argv++;
	}
	if (!strcmp(sub, "help")) {
		usage(stdout);
		return 0;
	}
	if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0) {
		fprintf(stderr, "baosong ranking: unknown subcommand '%s' (list, show)\n", sub);
		usage(stderr);
		return EX_USAGE_;
	}
	show = !strcmp(sub, "show");
	argv = cli_name_argv(argv, show ? "baosong ranking show" : "baosong ranking list");
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case O_SCOPE:
			if (!(scope = scope_parse(optarg))) {
				fprintf(stderr, "baosong ranking: --scope wants month, quarter, year "
						"or week (月 季 年 周), not '%s'\n", optarg);
				return EX_USAGE_;
			}
			break;
		case O_CSV: csv = 1; break;
		case O_WIDE: wide = 1; break;
		case 'd': dir = optarg; break;
		case 'h':
			if (show)
				show_help();
			else
				list_help();
			return 0;
		default: return EX_USAGE_;
		}
	}
	if (optind < argc && show)
		arg = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "baosong ranking %s: unexpected argument '%s' (see --help)\n", sub,
			argv[optind]);
		return EX_USAGE_;
	}
	if ((rv = app_open_cli(dir, &a, NULL)) != BS_OK)
		goto out;
	if ((rv = rank_db_load(a.db, &d)) != BS_OK)
		goto out;
	if (!show) {
		rv = rank_list(&d, scope, csv);
		goto out;
	}
	{
		const Publication *p = pick(&d, arg, scope);
		if (!p) {
			if (!arg)
				nothing_yet(scope);
			else
				fprintf(stderr, "baosong: 本机没有%s“%s”的考核结果 no publication %s "
						"on this device (`baosong ranking list` shows those "
						"received; `baosong sync` fetches new ones)\n",
					all_digits(arg) ? "编号或期间" : "期间", arg, arg);
			rv = BS_E_NOTFOUND;
			goto out;
		}
		if (csv)
			show_csv(&d, p);
		else
			show_table(&d, p, wide);
		rv = cli_write_error();
	}
out:
	pubs_free(&d);
	app_close(&a);
	return cli_exit_code(rv);
}

/* ---- for `baosong status` (kinds.h) ------------------------------------------------------ */

int kinds_print_ranking(struct localdb *db)
{
	struct pubs d;
	char own[128];
	const Publication *p;
	int rv = rank_db_load(db, &d);
	if (rv != BS_OK)
		return rv;
	if (d.n == 0) {
		pubs_free(&d);
		return BS_OK;
	}
	p = d.pubs[0]->p;
	pubs_own_brief(p, pubs_own_result(&d, p), own, sizeof own);
	printf("最新考核结果 latest result: %s ", pubs_scope_label((int)p->scope));
	table_text(stdout, p->period, 0, NULL);
	printf(" 本单位 ");
	table_text(stdout, strcmp(own, "-") ? own : "不在名单 not listed", 0, NULL);
	printf(" (`baosong ranking show`)\n");
	pubs_free(&d);
	return BS_OK;
}
