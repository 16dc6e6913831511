/* pubrec.c - print a packed Publication (what the server publishes as a
 * record of kind "publication") as hex, for tests that put it straight into
 * a client's local database (tests/integration/test_client_kinds.sh).
 *
 * Usage: pubrec quarter | month
 *   quarter  no. 3, 季评比 2026-Q1, published 2026-04-08 10:00 (Beijing):
 *            xinzhen 1st; chengguan and dongguan share 2nd (the last
 *            rank: 约谈), chengguan's acceptance check failed and a report
 *            was late; dongguan's growth score is not applicable (zero
 *            base) and two reports are missing; jtj has no target and is
 *            not ranked.
 *   month    no. 2, 月通报 2026-03, published 2026-04-06 09:30: xinzhen,
 *            dongguan, chengguan (last: 会上表态发言); no grades.
 * No unit names: a client shows the names its unit records give, else the
 * codes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baosong.pb-c.h"

typedef Baosong__V1__UnitResult UnitResult;

#define N_IND 2
#define MAX_UNITS 4

struct row {
	const char *code;
	uint32_t rank, tied;
	int has_total;
	int64_t total_c;
	const char *grade;
	int has_completion;
	int64_t completion_bp;
	int has_growth;
	int64_t growth_bp;
	int64_t scores[N_IND];
	uint32_t flags;
	int64_t ytd_fen, target_fen;
	uint32_t due, late, missing;
	const char *explain;
};

#define WAN 1000000LL /* fen */

static const struct row quarter[MAX_UNITS] = {
	{"xinzhen", 1, 1, 1, 9800, "优秀", 1, 2600, 1, 1800, {6000, 3800}, 0, 7566 * WAN,
	 29100 * WAN, 13, 0, 0, ""},
	{"chengguan", 2, 2, 1, 8520, "良好", 1, 2404, 1, 1230, {5120, 3400}, 2 | 16 | 128,
	 6997 * WAN, 29100 * WAN, 13, 1, 0,
	 "与 dongguan 并列第2名；项目考核验收未通过，取消评优奖励"},
	{"dongguan", 2, 2, 1, 8520, "良好", 1, 2404, 0, 0, {5112, -1}, 2 | 64, 4808 * WAN,
	 20000 * WAN, 13, 0, 2, "同比增速不计分（上年同期基数为零），按其余指标折算；与 "
				"chengguan 并列第2名"},
	{"jtj", 0, 1, 0, 0, "", 0, 0, 0, 0, {-1, -1}, 32, 1200 * WAN, 0, 0, 0, 0,
	 "未下达投资目标，不参与排名"},
};

static const struct row month[MAX_UNITS] = {
	{"xinzhen", 1, 1, 1, 9500, "", 1, 2500, 1, 1500, {5700, 3800}, 0, 7275 * WAN,
	 29100 * WAN, 4, 0, 0, ""},
	{"dongguan", 2, 1, 1, 7000, "", 1, 2100, 0, 0, {4200, -1}, 0, 4200 * WAN, 20000 * WAN,
	 4, 0, 0, ""},
	{"chengguan", 3, 1, 1, 6500, "", 1, 1800, 1, 500, {4000, 2500}, 1 | 128, 5238 * WAN,
	 29100 * WAN, 4, 1, 0, "月度末位"},
	{NULL, 0, 0, 0, 0, NULL, 0, 0, 0, 0, {0, 0}, 0, 0, 0, 0, 0, 0, NULL},
};

int main(int argc, char **argv)
{
	Baosong__V1__Publication p = BAOSONG__V1__PUBLICATION__INIT;
	Baosong__V1__Indicator ind[N_IND], *indp[N_IND];
	Baosong__V1__GradeBand gb[4], *gbp[4];
	UnitResult res[MAX_UNITS], *resp[MAX_UNITS];
	int64_t scores[MAX_UNITS][N_IND];
	static const char *const grades[4] = {"优秀", "良好", "一般", "较差"};
	static const int64_t mins[4] = {9000, 8000, 6000, 0};
	static uint8_t digest[32];
	const struct row *rows;
	uint8_t *buf;
	size_t len, i, j;
	int q;

	if (argc != 2 || (strcmp(argv[1], "quarter") != 0 && strcmp(argv[1], "month") != 0)) {
		fprintf(stderr, "usage: pubrec quarter|month\n");
		return 64;
	}
	q = strcmp(argv[1], "quarter") == 0;
	rows = q ? quarter : month;

	for (i = 0; i < N_IND; i++) {
		baosong__v1__indicator__init(&ind[i]);
		indp[i] = &ind[i];
	}
	ind[0].code = "fai";
	ind[0].label = "固定资产投资完成率";
	ind[0].metric = BAOSONG__V1__METRIC__METRIC_FAI_COMPLETION;
	ind[0].weight = 60;
	ind[0].rule = BAOSONG__V1__SCORE_RULE__SCORE_LINEAR;
	ind[0].full_bp = 10000;
	ind[1].code = "growth";
	ind[1].label = "同比增速";
	ind[1].metric = BAOSONG__V1__METRIC__METRIC_FAI_GROWTH;
	ind[1].weight = 40;
	ind[1].rule = BAOSONG__V1__SCORE_RULE__SCORE_LINEAR;
	ind[1].full_bp = 10000;
	for (i = 0; i < 4; i++) {
		baosong__v1__grade_band__init(&gb[i]);
		gb[i].label = (char *)grades[i];
		gb[i].min_score_c = mins[i];
		gbp[i] = &gb[i];
	}
	for (i = 0; i < sizeof digest; i++)
		digest[i] = (uint8_t)(0xa0 + i);

	p.scope = q ? BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER
		    : BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH;
	p.period = q ? "2026-Q1" : "2026-03";
	p.title = q ? "2026年第1季度重点项目建设评比" : "2026年3月重点项目建设月通报";
	p.scheme_year = 2026;
	p.scheme_version = 2;
	p.n_indicators = N_IND;
	p.indicators = indp;
	if (q) {
		p.n_grades = 4;
		p.grades = gbp;
	}
	p.published_at_ms = q ? 1775613600000LL : 1775439000000LL;
	p.as_of_ms = q ? 1774972800000LL : 1774929600000LL;
	p.number = q ? 3 : 2;
	p.digest.data = digest;
	p.digest.len = sizeof digest;
	for (i = 0; i < MAX_UNITS && rows[i].code; i++) {
		const struct row *r = &rows[i];
		UnitResult *u = &res[i];
		baosong__v1__unit_result__init(u);
		u->unit_code = (char *)r->code;
		u->rank = r->rank;
		u->tied = r->tied;
		u->has_total = r->has_total;
		u->total_c = r->total_c;
		u->grade = (char *)r->grade;
		u->has_completion = r->has_completion;
		u->completion_bp = r->completion_bp;
		u->has_growth = r->has_growth;
		u->growth_bp = r->growth_bp;
		for (j = 0; j < N_IND; j++)
			scores[i][j] = r->scores[j];
		u->n_scores_c = N_IND;
		u->scores_c = scores[i];
		u->flags = r->flags;
		u->fai_ytd_fen = r->ytd_fen;
		u->fai_target_fen = r->target_fen;
		u->reports_due = r->due;
		u->reports_late = r->late;
		u->reports_missing = r->missing;
		u->explain = (char *)r->explain;
		resp[i] = u;
	}
	p.n_results = i;
	p.results = resp;

	len = baosong__v1__publication__get_packed_size(&p);
	if (!(buf = malloc(len ? len : 1)))
		return 70;
	baosong__v1__publication__pack(&p, buf);
	for (i = 0; i < len; i++)
		printf("%02x", buf[i]);
	putchar('\n');
	free(buf);
	return 0;
}
