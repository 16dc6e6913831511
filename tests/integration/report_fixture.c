/* report_fixture.c - writes the output forms for tests/integration/
 * test_reports.sh from publications made up here (no database, no server):
 *
 *   report_fixture DIR [UNITS]
 *
 * DIR/ranking.csv (the month), DIR/report.xlsx (the month, the quarter, the
 * month published again, the plan table) and DIR/report.html (the same
 * three publications), for UNITS units (default 100: a county's count).
 * Unit names are Chinese; one needs escaping, one is very long; ties, units
 * without a target and unranked departments are in.  Exits 0, or 1 saying
 * what failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "err.h"
#include "report_out.h"

typedef Baosong__V1__Publication Publication;
typedef Baosong__V1__AssessInputs AssessInputs;
typedef Baosong__V1__UnitInput UnitInput;
typedef Baosong__V1__UnitResult UnitResult;
typedef Baosong__V1__Indicator Indicator;
typedef Baosong__V1__Project Project;

#define WAN 1000000LL
#define UNITS_MAX 400
#define ODD_UNIT 5
#define LONG_UNIT 9
#define N_IND 2

static const char *const prefixes[] = {
	"城关", "新城", "东关", "西华", "南湖", "北山", "柳泉", "石门", "清水", "红星",
	"青龙", "白马", "金鸡", "凤凰", "龙泉", "太平", "安乐", "永丰", "和平", "长宁",
};
static const char *const suffixes[] = {"镇", "乡", "街道", "工业园区", "社区"};

struct pubset {
	Publication pub;
	AssessInputs in;
	Indicator ind[N_IND], *indp[N_IND];
	UnitResult *res, **resp;
	UnitInput *inp, **inpp;
	int64_t (*scores)[N_IND];
	uint8_t digest[32];
	char (*codes)[16];
	char (*names)[96];
	size_t n;
};

static const struct pubset *sorting;

/* By rank (unranked last), then by code. */
static int cmp_rank(const void *a, const void *b)
{
	const UnitResult *x = &sorting->res[*(const size_t *)a];
	const UnitResult *y = &sorting->res[*(const size_t *)b];
	unsigned rx = x->rank ? x->rank : UINT32_MAX, ry = y->rank ? y->rank : UINT32_MAX;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x->unit_code, y->unit_code);
}

static int cmp_total(const void *a, const void *b)
{
	const UnitResult *x = &sorting->res[*(const size_t *)a];
	const UnitResult *y = &sorting->res[*(const size_t *)b];
	if (x->total_c != y->total_c)
		return x->total_c > y->total_c ? -1 : 1;
	return strcmp(x->unit_code, y->unit_code);
}

/* Ranks by total among the ranked (competition ranking: 1, 2, 2, 4), then
 * the results in the publication's order. */
static int rank_and_order(struct pubset *ps, const int *ranked)
{
	size_t *ix = calloc(ps->n, sizeof *ix), m = 0, i, k, j;

	if (!ix)
		return -1;
	for (i = 0; i < ps->n; i++)
		if (ranked[i])
			ix[m++] = i;
	sorting = ps;
	qsort(ix, m, sizeof *ix, cmp_total);
	for (i = 0; i < m; i = k) {
		for (k = i; k < m && ps->res[ix[k]].total_c == ps->res[ix[i]].total_c; k++)
			;
		for (j = i; j < k; j++) {
			ps->res[ix[j]].rank = (uint32_t)(i + 1);
			ps->res[ix[j]].tied = (uint32_t)(k - i);
		}
	}
	for (i = 0; i < ps->n; i++)
		ix[i] = i;
	qsort(ix, ps->n, sizeof *ix, cmp_rank);
	for (i = 0; i < ps->n; i++)
		ps->resp[i] = &ps->res[ix[i]];
	free(ix);
	return 0;
}

static int build(struct pubset *ps, size_t n, int scope, const char *period, const char *title,
		 uint32_t number)
{
	int *ranked;
	size_t i;

	memset(ps, 0, sizeof *ps);
	ps->n = n;
	ps->res = calloc(n, sizeof *ps->res);
	ps->resp = calloc(n, sizeof *ps->resp);
	ps->inp = calloc(n, sizeof *ps->inp);
	ps->inpp = calloc(n, sizeof *ps->inpp);
	ps->scores = calloc(n, sizeof *ps->scores);
	ps->codes = calloc(n, sizeof *ps->codes);
	ps->names = calloc(n, sizeof *ps->names);
	ranked = calloc(n, sizeof *ranked);
	if (!ps->res || !ps->resp || !ps->inp || !ps->inpp || !ps->scores || !ps->codes ||
	    !ps->names || !ranked) {
		free(ranked);
		return -1;
	}
	baosong__v1__publication__init(&ps->pub);
	baosong__v1__assess_inputs__init(&ps->in);
	for (i = 0; i < N_IND; i++) {
		baosong__v1__indicator__init(&ps->ind[i]);
		ps->indp[i] = &ps->ind[i];
	}
	ps->ind[0].code = "fai";
	ps->ind[0].label = "固定资产投资完成率";
	ps->ind[0].metric = BAOSONG__V1__METRIC__METRIC_FAI_COMPLETION;
	ps->ind[0].weight = 70;
	ps->ind[1].code = "timely";
	ps->ind[1].label = "按时报送率";
	ps->ind[1].metric = BAOSONG__V1__METRIC__METRIC_TIMELINESS;
	ps->ind[1].weight = 30;

	for (i = 0; i < n; i++) {
		UnitResult *r = &ps->res[i];
		UnitInput *u = &ps->inp[i];
		int department = i % 10 == 9;
		int no_target = department || i % 17 == 16;
		int64_t target = (2000 + (int64_t)(i * 131 % 8000)) * WAN;
		int64_t bp = 300 + (int64_t)(i * 613 % 9500);
		uint32_t late = (uint32_t)(i * 7 % 4), missing = i % 3 == 0 ? (uint32_t)(i % 4) : 0;

		if (i == 3)
			bp = 300 + 2 * 613;             /* the same completion as unit 2 */
		snprintf(ps->codes[i], sizeof ps->codes[i], "u%03u", (unsigned)(i % 1000u));
		if (i == ODD_UNIT)
			snprintf(ps->names[i], sizeof ps->names[i], "南关<街道>&\"社区'");
		else if (i == LONG_UNIT)
			snprintf(ps->names[i], sizeof ps->names[i],
				 "县发展和改革局重点项目建设服务中心");
		else
			snprintf(ps->names[i], sizeof ps->names[i], "%s%s",
				 prefixes[i % 20], suffixes[i / 20 % 5]);
		if (i >= 100)   /* past the name table: keep names unique */
			snprintf(ps->names[i], sizeof ps->names[i], "%s%s%zu", prefixes[i % 20],
				 suffixes[i / 20 % 5], i);

		baosong__v1__unit_input__init(u);
		u->unit_code = ps->codes[i];
		u->unit_name = ps->names[i];
		u->unit_type = department ? BAOSONG__V1__UNIT_TYPE__UNIT_DEPARTMENT
				: BAOSONG__V1__UNIT_TYPE__UNIT_TOWNSHIP;
		u->has_fai_target = !no_target;
		u->fai_target_fen = no_target ? 0 : target;
		u->fai_ytd_fen = no_target ? 150 * WAN : target / 10000 * bp;
		u->reports_due = scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH ? 4 : 13;
		u->reports_late = late;
		u->reports_missing = missing;
		u->reports_on_time = u->reports_due - late - missing;
		ps->inpp[i] = u;

		baosong__v1__unit_result__init(r);
		r->unit_code = ps->codes[i];
		r->fai_ytd_fen = u->fai_ytd_fen;
		r->fai_target_fen = u->fai_target_fen;
		r->has_completion = !no_target;
		r->completion_bp = no_target ? 0 : bp;
		r->has_growth = i % 4 != 0;
		r->growth_bp = (int64_t)(i * 389 % 6000) - 2000;
		ps->scores[i][0] = no_target ? -1 : (bp >= 10000 ? 7000 : bp * 7000 / 10000);
		ps->scores[i][1] = 3000 * (int64_t)u->reports_on_time / u->reports_due;
		r->scores_c = ps->scores[i];
		r->n_scores_c = N_IND;
		r->has_total = !department;
		r->total_c = (no_target ? 0 : ps->scores[i][0]) + ps->scores[i][1];
		if (scope != BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH && (i == 7 || i == 8))
			r->total_c = 6000;          /* a tie in the quarter */
		r->reports_due = u->reports_due;
		r->reports_late = late;
		r->reports_missing = missing;
		r->grade = r->total_c >= 8000 ? "优秀" : r->total_c >= 6000 ? "良好"
			 : r->total_c >= 4000 ? "一般" : "较差";
		if (department)
			r->grade = "";
		r->flags = (no_target ? ASSESS_FLAG_NO_TARGET : 0) |
			   (late ? ASSESS_FLAG_LATE_REPORTS : 0) |
			   (missing ? ASSESS_FLAG_MISSING_REPORTS : 0);
		if (no_target)
			r->explain = department ? "部门不参与排名" : "未下达投资目标，完成率不适用";
		ranked[i] = !department;
	}
	if (rank_and_order(ps, ranked) != 0) {
		free(ranked);
		return -1;
	}
	free(ranked);

	ps->pub.scope = (Baosong__V1__AssessScope)scope;
	ps->pub.period = (char *)period;
	ps->pub.title = (char *)title;
	ps->pub.scheme_year = 2026;
	ps->pub.scheme_version = 2;
	ps->pub.n_indicators = N_IND;
	ps->pub.indicators = ps->indp;
	ps->pub.grades = NULL;
	ps->pub.published_at_ms = 1778031000000LL + (int64_t)number * 60000;
	ps->pub.as_of_ms = 1778025600000LL;
	ps->pub.n_results = n;
	ps->pub.results = ps->resp;
	for (i = 0; i < sizeof ps->digest; i++)
		ps->digest[i] = (uint8_t)(i * 37 + number);
	ps->pub.digest.data = ps->digest;
	ps->pub.digest.len = sizeof ps->digest;
	ps->pub.number = number;
	ps->in.scope = ps->pub.scope;
	ps->in.period = ps->pub.period;
	ps->in.as_of_ms = ps->pub.as_of_ms;
	ps->in.n_units = n;
	ps->in.units = ps->inpp;
	return 0;
}

static void drop(struct pubset *ps)
{
	free(ps->res);
	free(ps->resp);
	free(ps->inp);
	free(ps->inpp);
	free(ps->scores);
	free(ps->codes);
	free(ps->names);
}

static int fail(const char *what, const char *path, int rv)
{
	fprintf(stderr, "report_fixture: %s %s: %s\n", what, path, bs_strerror(rv));
	return 1;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name, *code, *town, *cat;
		int64_t total_wan, plan_wan, ytd_wan;
		int stage;
	} projects[] = {
		{"县城供水管网改造工程", "2401-620421-04-01-123456", "城关镇", "基础设施",
		 12345, 3000, 1200, BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING},
		{"新能源装备制造产业园（一期）", "2402-620421-04-01-654321", "新城镇", "产业",
		 56000, 20000, 8600, BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START},
		{"农村人居环境整治提升项目", "", "东关街道", "民生", 480, 480, -1,
		 BAOSONG__V1__PROJECT_STAGE__STAGE_PREPARATION},
		{"县人民医院门诊综合楼", "2312-620421-04-01-000777", "城关镇", "民生",
		 9800, 4000, 3900, BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING},
		{"\"=HYPERLINK\" 测试<项目>", "", "西华乡", "产业", 600, 300, 0,
		 BAOSONG__V1__PROJECT_STAGE__STAGE_RESERVE},
	};
	enum { NP = sizeof projects / sizeof projects[0] };
	struct pubset month, quarter, again;
	const Publication *pubs[3];
	const AssessInputs *ins[3];
	Project pr[NP];
	struct plan_row plan[NP];
	char path[4096];
	size_t n = 100, i;
	FILE *f;
	int rv, ret = 1;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: report_fixture DIR [UNITS]\n");
		return 2;
	}
	if (argc == 3) {
		n = (size_t)strtoul(argv[2], NULL, 10);
		if (n < 10 || n > UNITS_MAX) {
			fprintf(stderr, "report_fixture: UNITS must be 10..%d\n", UNITS_MAX);
			return 2;
		}
	}
	memset(&month, 0, sizeof month);
	memset(&quarter, 0, sizeof quarter);
	memset(&again, 0, sizeof again);
	if (build(&month, n, BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH, "2026-04",
		  "2026年4月全县重点项目建设月通报", 11) != 0 ||
	    build(&quarter, n, BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER, "2026-Q1",
		  "2026年第一季度重点项目建设评比", 12) != 0 ||
	    build(&again, n, BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH, "2026-04",
		  "2026年4月全县重点项目建设月通报（更正）", 13) != 0) {
		fprintf(stderr, "report_fixture: out of memory\n");
		goto out;
	}
	/* The quarter's last rank: 季度末位, with its consequence (engine 2). */
	{
		uint32_t last = 0;
		for (i = 0; i < quarter.n; i++)
			if (quarter.res[i].rank > last)
				last = quarter.res[i].rank;
		for (i = 0; i < quarter.n; i++)
			if (last > 1 && quarter.res[i].rank == last) {
				quarter.res[i].flags |= ASSESS_FLAG_LAST_QUARTER;
				quarter.res[i].bottom = "约谈";
			}
	}
	pubs[0] = &month.pub;
	pubs[1] = &quarter.pub;
	pubs[2] = &again.pub;
	ins[0] = &month.in;
	ins[1] = &quarter.in;
	ins[2] = NULL;          /* without inputs: codes for names, no reports chart */

	for (i = 0; i < NP; i++) {
		baosong__v1__project__init(&pr[i]);
		pr[i].name = (char *)projects[i].name;
		pr[i].code = (char *)projects[i].code;
		pr[i].plan_year = 2026;
		pr[i].township = (char *)projects[i].town;
		pr[i].category = (char *)projects[i].cat;
		pr[i].industry_chain = i == 1 ? "新能源装备" : "";
		pr[i].investment_type = i == 1 ? "招商引资" : "政府投资";
		pr[i].level = i < 2 ? "省级" : "县级";
		pr[i].leader = "王副县长";
		pr[i].owner = "县城市建设投资有限公司";
		pr[i].total_investment_fen = projects[i].total_wan * WAN;
		pr[i].annual_plan_fen = projects[i].plan_wan * WAN;
		pr[i].start_date = "2026-03-01";
		pr[i].end_date = "2027-12-31";
		pr[i].stage = (Baosong__V1__ProjectStage)projects[i].stage;
		pr[i].lead_unit = month.codes[i];
		plan[i].p = &pr[i];
		plan[i].uid = month.codes[i];
		plan[i].unit_name = month.names[i];
		/* 牵头单位: the lead unit by name (project 0), else the code as stored */
		plan[i].lead_name = i == 0 ? "县水务局" : NULL;
		plan[i].ytd_fen = projects[i].ytd_wan < 0 ? -1 : projects[i].ytd_wan * WAN;
		plan[i].ytd_period = projects[i].ytd_wan < 0 ? NULL : "2026-W16";
	}

	snprintf(path, sizeof path, "%s/ranking.csv", argv[1]);
	if (!(f = fopen(path, "wb"))) {
		perror(path);
		goto out;
	}
	rv = report_csv(f, &month.pub, &month.in);
	if (fclose(f) != 0 && rv == BS_OK)
		rv = BS_E_IO;
	if (rv != BS_OK) {
		ret = fail("cannot write", path, rv);
		goto out;
	}
	snprintf(path, sizeof path, "%s/report.xlsx", argv[1]);
	if ((rv = report_xlsx(path, 0, pubs, ins, 3, plan, NP, 2026)) != BS_OK) {
		ret = fail("cannot write", path, rv);
		goto out;
	}
	if ((rv = report_xlsx(path, 0, pubs, ins, 3, plan, NP, 2026)) != BS_E_CONFLICT) {
		ret = fail("overwrote without being asked", path, rv);
		goto out;
	}
	snprintf(path, sizeof path, "%s/report.html", argv[1]);
	if ((rv = report_html(path, 0, pubs, ins, 3, "示例县")) != BS_OK) {
		ret = fail("cannot write", path, rv);
		goto out;
	}
	/* The quarterly ranking alone, to print, and its CSV to check it by. */
	snprintf(path, sizeof path, "%s/quarter.html", argv[1]);
	if ((rv = report_html(path, 0, &pubs[1], &ins[1], 1, "示例县")) != BS_OK) {
		ret = fail("cannot write", path, rv);
		goto out;
	}
	snprintf(path, sizeof path, "%s/quarter.csv", argv[1]);
	if (!(f = fopen(path, "wb"))) {
		perror(path);
		goto out;
	}
	rv = report_csv(f, &quarter.pub, &quarter.in);
	if (fclose(f) != 0 && rv == BS_OK)
		rv = BS_E_IO;
	if (rv != BS_OK) {
		ret = fail("cannot write", path, rv);
		goto out;
	}
	ret = 0;
out:
	drop(&month);
	drop(&quarter);
	drop(&again);
	return ret;
}
