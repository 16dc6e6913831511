/* test_report_out.c - the output writers: the CSV bytes (BOM, header, ties,
 * "—" for not applicable, percent and score formatting, formula injection,
 * RFC 4180 quoting, CRLF), the XLSX file (a zip, never overwritten unless
 * asked, nothing left behind on failure) and the HTML page (its three
 * charts, escaping, no script and no URL). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assess.h"
#include "err.h"
#include "report_out.h"

typedef Baosong__V1__Publication Publication;
typedef Baosong__V1__AssessInputs AssessInputs;
typedef Baosong__V1__UnitInput UnitInput;
typedef Baosong__V1__UnitResult UnitResult;
typedef Baosong__V1__Indicator Indicator;

#define WAN 1000000LL
#define EVIL_NAME "=SUM(1,2)"
#define ODD_NAME "南关<街道>&\"社区'"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/bs-report-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- a month's publication built by hand ---- */

struct sample {
	Publication pub;
	AssessInputs in;
	Indicator ind[2], *indp[2];
	UnitResult res[5], *resp[5];
	UnitInput inp[5], *inpp[5];
	int64_t scores[5][2];
	uint8_t digest[32];
};

static void unit(struct sample *s, size_t i, const char *code, const char *name, uint32_t rank,
		 uint32_t tied, int64_t total_c, int64_t completion_bp, int64_t ytd_fen,
		 int64_t target_fen, int64_t s0, int64_t s1)
{
	UnitResult *r = &s->res[i];
	UnitInput *u = &s->inp[i];

	baosong__v1__unit_result__init(r);
	baosong__v1__unit_input__init(u);
	r->unit_code = (char *)code;
	r->rank = rank;
	r->tied = tied;
	r->has_total = total_c >= 0;
	r->total_c = total_c >= 0 ? total_c : 0;
	r->has_completion = completion_bp >= 0;
	r->completion_bp = completion_bp >= 0 ? completion_bp : 0;
	r->fai_ytd_fen = ytd_fen;
	r->fai_target_fen = target_fen;
	s->scores[i][0] = s0;
	s->scores[i][1] = s1;
	r->scores_c = s->scores[i];
	r->n_scores_c = 2;
	r->reports_due = 12;
	s->resp[i] = r;

	u->unit_code = (char *)code;
	u->unit_name = (char *)name;
	u->unit_type = BAOSONG__V1__UNIT_TYPE__UNIT_TOWNSHIP;
	u->fai_ytd_fen = ytd_fen;
	u->fai_target_fen = target_fen;
	u->has_fai_target = target_fen > 0;
	u->reports_due = 12;
	s->inpp[i] = u;
}

static void sample(struct sample *s)
{
	size_t i;

	memset(s, 0, sizeof *s);
	baosong__v1__publication__init(&s->pub);
	baosong__v1__assess_inputs__init(&s->in);
	for (i = 0; i < 2; i++) {
		baosong__v1__indicator__init(&s->ind[i]);
		s->indp[i] = &s->ind[i];
	}
	s->ind[0].code = "fai";
	s->ind[0].label = "固定资产投资完成率";
	s->ind[0].metric = BAOSONG__V1__METRIC__METRIC_FAI_COMPLETION;
	s->ind[0].weight = 70;
	s->ind[1].code = "timely";
	s->ind[1].label = "按时报送率";
	s->ind[1].metric = BAOSONG__V1__METRIC__METRIC_TIMELINESS;
	s->ind[1].weight = 30;

	/* by rank: a unit alone, two tied, one after the tie, one not ranked
	 * (no target: completion and its score not applicable) */
	unit(s, 0, "xinzhen", "新镇", 1, 1, 9520, 2404, 1202 * WAN, 5000 * WAN, 7000, 2520);
	unit(s, 1, "dongxiang", "东乡", 2, 2, 8000, 1800, 900 * WAN, 5000 * WAN, 5000, 3000);
	unit(s, 2, "evil", EVIL_NAME, 2, 2, 8000, 1800, 540 * WAN, 3000 * WAN, 5000, 3000);
	unit(s, 3, "nanguan", ODD_NAME, 4, 1, 6050, 1000, 123456789, 1234567890, 3050, 3000);
	unit(s, 4, "zhujian", "县住建局", 0, 0, -1, -1, 35 * WAN, 0, -1, 3000);
	s->res[0].has_growth = 1;
	s->res[0].growth_bp = -1250;
	s->res[0].grade = "优秀";
	s->res[1].grade = "良好";
	s->res[2].grade = "良好";
	s->res[3].grade = "一般";
	s->res[1].flags = ASSESS_FLAG_LATE_REPORTS;
	s->res[1].reports_late = 3;
	s->inp[1].reports_late = 3;
	s->res[2].explain = "与东乡并列, 按\"单位代码\"排序";
	s->res[4].flags = ASSESS_FLAG_NO_TARGET | ASSESS_FLAG_MISSING_REPORTS;
	s->res[4].reports_missing = 2;
	s->inp[4].reports_missing = 2;
	s->inp[4].unit_type = BAOSONG__V1__UNIT_TYPE__UNIT_DEPARTMENT;

	s->pub.scope = BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH;
	s->pub.period = "2026-04";
	s->pub.title = "2026年4月全县重点项目建设月通报";
	s->pub.scheme_year = 2026;
	s->pub.scheme_version = 1;
	s->pub.n_indicators = 2;
	s->pub.indicators = s->indp;
	s->pub.published_at_ms = 1778031000000LL;     /* 2026-05-06 01:30Z = 09:30 Shanghai */
	s->pub.as_of_ms = 1778025600000LL;
	s->pub.n_results = 5;
	s->pub.results = s->resp;
	for (i = 0; i < sizeof s->digest; i++)
		s->digest[i] = (uint8_t)(0xA0 + i);
	s->pub.digest.data = s->digest;
	s->pub.digest.len = sizeof s->digest;
	s->pub.number = 7;

	s->in.scope = s->pub.scope;
	s->in.period = s->pub.period;
	s->in.as_of_ms = s->pub.as_of_ms;
	/* in another order than the results: looked up by code */
	s->in.n_units = 5;
	s->in.units = s->inpp;
	{
		UnitInput *t = s->inpp[0];
		s->inpp[0] = s->inpp[4];
		s->inpp[4] = t;
	}
}

/* ---- helpers ---- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

static char *csv_of(const Publication *p, const AssessInputs *in, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	assert_non_null(f);
	assert_int_equal(report_csv(f, p, in), BS_OK);
	assert_int_equal(fclose(f), 0);
	*len = n;
	return buf;
}

/* The line of the CSV starting with prefix (CRLF included), or fail. */
static void has_line(const char *csv, const char *line)
{
	const char *p = csv;
	size_t n = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == csv || p[-1] == '\n') && p[n - 2] == '\r' && p[n - 1] == '\n')
			return;
		p++;
	}
	fail_msg("CSV lacks the line: %s", line);
}

static size_t dir_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* ---- CSV ---- */

static void test_csv(void **state)
{
	struct sample s;
	char *csv, line[1024], flags[256];
	size_t len, i;
	(void)state;

	sample(&s);
	csv = csv_of(&s.pub, &s.in, &len);
	assert_true(len > 3);
	assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
	has_line(csv + 3, "排名,单位代码,单位名称,总分,等级,投资完成率,本年累计完成投资(万元),"
		 "目标(万元),同比增速,招商引资完成率,招商引资同比,加减分,固定资产投资完成率得分,按时报送率得分,应报,迟报,缺报,标记,"
		 "说明\r\n");
	assert_memory_equal(csv + 3, "排名,", strlen("排名,"));
	/* a negative percentage is a number: no apostrophe */
	has_line(csv, "1,xinzhen,新镇,95.20,优秀,24.04%,1202.00,5000.00,-12.50%,—,—,—,70.00,25.20,12,0,"
		 "0,,\r\n");
	snprintf(line, sizeof line, "2（并列）,dongxiang,东乡,80.00,良好,18.00%%,900.00,5000.00,"
		 "—,—,—,—,50.00,30.00,12,3,0,%s,\r\n", assess_flag_label(7));
	has_line(csv, line);
	/* formula injection: apostrophe first, quoted for the comma; quotes
	 * doubled */
	has_line(csv, "2（并列）,evil,\"'=SUM(1,2)\",80.00,良好,18.00%,540.00,3000.00,—,—,—,—,50.00,"
		 "30.00,12,0,0,,\"与东乡并列, 按\"\"单位代码\"\"排序\"\r\n");
	/* money that was not entered in 万元 rounds to the hundredth */
	has_line(csv, "4,nanguan,\"南关<街道>&\"\"社区'\",60.50,一般,10.00%,123.46,1234.57,—,—,—,—,"
		 "30.50,30.00,12,0,0,,\r\n");
	/* not ranked, no target, scores not applicable, two flags */
	snprintf(flags, sizeof flags, "%s；%s", assess_flag_label(5), assess_flag_label(6));
	snprintf(line, sizeof line, "不参与排名,zhujian,县住建局,—,—,—,35.00,未下达,—,—,—,—,—,30.00,12,"
		 "0,2,%s,\r\n", flags);
	has_line(csv, line);
	/* CRLF only: every LF follows a CR */
	for (i = 0; i < len; i++)
		if (csv[i] == '\n')
			assert_int_equal(csv[i - 1], '\r');
	assert_int_equal(csv[len - 1], '\n');
	free(csv);

	/* without inputs: names fall back to the codes */
	csv = csv_of(&s.pub, NULL, &len);
	has_line(csv, "1,xinzhen,xinzhen,95.20,优秀,24.04%,1202.00,5000.00,-12.50%,—,—,—,70.00,25.20,"
		 "12,0,0,,\r\n");
	free(csv);
}

static void test_csv_text(void **state)
{
	struct sample s;
	char *csv;
	size_t len;
	(void)state;

	sample(&s);
	s.inp[0].unit_name = "+1 @x";          /* results[0] is xinzhen */
	s.inp[1].unit_name = "-东乡\t";         /* text that looks like a formula */
	s.inp[3].unit_name = "坏\xff字节\x01";   /* invalid UTF-8 and a control byte */
	s.res[4].explain = "两行\n说明";
	s.res[3].grade = "@A1";
	csv = csv_of(&s.pub, &s.in, &len);
	assert_non_null(strstr(csv, ",'+1 @x,"));
	assert_non_null(strstr(csv, ",'-东乡\t,"));
	assert_non_null(strstr(csv, ",坏\xEF\xBF\xBD字节 ,"));
	assert_non_null(strstr(csv, ",'@A1,"));
	assert_non_null(strstr(csv, ",\"两行\n说明\"\r\n"));
	free(csv);
	assert_int_equal(report_csv(NULL, &s.pub, NULL), BS_E_INVAL);

	/* a full disk is an I/O error, not success */
	{
		FILE *f = fopen("/dev/full", "w");
		if (f) {
			assert_int_equal(report_csv(f, &s.pub, &s.in), BS_E_IO);
			fclose(f);
		}
	}
}

/* ---- XLSX ---- */

static void test_xlsx(void **state)
{
	struct sample s, q;
	const Publication *pubs[2];
	const AssessInputs *ins[2];
	Baosong__V1__Project pr;
	struct plan_row row = {0};
	char path[128], *buf;
	size_t len;
	(void)state;

	sample(&s);
	sample(&q);
	q.pub.scope = BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER;
	q.pub.period = "2026-Q1";
	q.in.scope = q.pub.scope;
	q.in.period = q.pub.period;
	pubs[0] = &s.pub;
	pubs[1] = &q.pub;
	ins[0] = &s.in;
	ins[1] = NULL;
	baosong__v1__project__init(&pr);
	pr.name = "县城供水管网改造工程";
	pr.plan_year = 2026;
	pr.total_investment_fen = 12345 * WAN + 600000;
	pr.annual_plan_fen = 3000 * WAN;
	pr.stage = BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING;
	row.p = &pr;
	row.uid = "3fa9c1";
	row.unit_name = "新镇";
	row.ytd_fen = 300 * WAN;
	row.ytd_period = "2026-W16";

	snprintf(path, sizeof path, "%s/通报.xlsx", dir);
	assert_int_equal(report_xlsx(path, 0, pubs, ins, 2, &row, 1, 2026), BS_OK);
	buf = slurp(path, &len);
	assert_true(len > 1000);
	assert_memory_equal(buf, "PK\x03\x04", 4);
	free(buf);
	assert_int_equal(dir_entries(), 1);     /* no temporary file left */

	/* never overwritten unless asked */
	assert_int_equal(report_xlsx(path, 0, pubs, ins, 1, NULL, 0, 2026), BS_E_CONFLICT);
	assert_int_equal(dir_entries(), 1);
	assert_int_equal(report_xlsx(path, 1, pubs, ins, 1, NULL, 0, 2026), BS_OK);
	assert_int_equal(dir_entries(), 1);

	/* the plan table alone (export plan), even an empty one */
	snprintf(path, sizeof path, "%s/plan.xlsx", dir);
	assert_int_equal(report_xlsx(path, 0, NULL, NULL, 0, NULL, 0, 2026), BS_OK);
	assert_int_equal(dir_entries(), 2);

	/* a directory that is not there: an I/O error, nothing made */
	snprintf(path, sizeof path, "%s/no/such.xlsx", dir);
	assert_int_equal(report_xlsx(path, 0, pubs, ins, 1, NULL, 0, 2026), BS_E_IO);
	assert_int_equal(dir_entries(), 2);
}

/* ---- HTML ---- */

static void test_html(void **state)
{
	struct sample s, y;
	const Publication *pubs[2];
	const AssessInputs *ins[2];
	char path[128], *html, *p;
	(void)state;

	sample(&s);
	sample(&y);
	y.pub.scope = BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR;
	y.pub.period = "2026";
	y.pub.title = "";
	pubs[0] = &s.pub;
	pubs[1] = &y.pub;
	ins[0] = &s.in;
	ins[1] = NULL;

	snprintf(path, sizeof path, "%s/通报.html", dir);
	assert_int_equal(report_html(path, 0, pubs, ins, 2, "示例县<>"), BS_OK);
	html = slurp(path, NULL);
	assert_memory_equal(html, "<!DOCTYPE html>", strlen("<!DOCTYPE html>"));
	assert_non_null(strstr(html, "<html lang=\"zh-CN\">"));
	assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(html, "示例县&lt;&gt;"));
	assert_non_null(strstr(html, "id=\"chart-completion-1\""));
	assert_non_null(strstr(html, "id=\"chart-ranking-1\""));
	assert_non_null(strstr(html, "id=\"chart-reports-1\""));
	assert_non_null(strstr(html, "id=\"chart-completion-2\""));
	assert_non_null(strstr(html, "id=\"chart-ranking-2\""));
	assert_null(strstr(html, "id=\"chart-reports-2\""));      /* no inputs */
	assert_non_null(strstr(html, "南关&lt;街道&gt;&amp;&quot;社区&#39;"));
	assert_null(strstr(html, ODD_NAME));
	assert_non_null(strstr(html, "=SUM(1,2)"));
	/* the time-elapsed line of April, the unit without a target, a tie,
	 * the published time in Shanghai, the digest shortened */
	assert_non_null(strstr(html, "时序进度 33.33%"));
	assert_non_null(strstr(html, "未下达目标"));
	assert_non_null(strstr(html, "2（并列）"));
	assert_non_null(strstr(html, "2026-05-06 09:30"));
	assert_non_null(strstr(html, ">a0a1a2a3a4a5a6a7…<"));
	assert_non_null(strstr(html, "2026年度考核"));           /* the year's title */
	assert_non_null(strstr(html, "24.04%"));
	assert_non_null(strstr(html, "<title>"));
	assert_non_null(strstr(html, "aria-label="));
	/* self-contained: no script, no URL */
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "http://"));
	assert_null(strstr(html, "https://"));
	assert_null(strstr(html, "url("));
	assert_null(strstr(html, "@import"));
	/* every chart's height grows with the units */
	p = strstr(html, "id=\"chart-completion-1\"");
	assert_non_null(p = strstr(p, "height=\""));
	assert_true(atoi(p + 8) >= 5 * 24);
	free(html);

	assert_int_equal(report_html(path, 0, pubs, ins, 1, NULL), BS_E_CONFLICT);
	assert_int_equal(report_html(path, 1, pubs, ins, 1, NULL), BS_OK);
	assert_int_equal(dir_entries(), 1);
	html = slurp(path, NULL);
	assert_null(strstr(html, "chart-ranking-2"));
	free(html);

	snprintf(path, sizeof path, "%s/no/such.html", dir);
	assert_int_equal(report_html(path, 0, pubs, ins, 1, NULL), BS_E_IO);
	assert_int_equal(report_html("", 0, pubs, ins, 1, NULL), BS_E_INVAL);
	assert_int_equal(dir_entries(), 1);
}

/* The charts scale: 120 units make a taller chart than 5. */
static void test_html_scale(void **state)
{
	enum { N = 120 };
	struct sample s;
	UnitResult res[N], *resp[N];
	char codes[N][16], path[128], *html, *p;
	const Publication *pubs[1];
	size_t i;
	(void)state;

	sample(&s);
	for (i = 0; i < N; i++) {
		res[i] = s.res[i % 5];
		snprintf(codes[i], sizeof codes[i], "u%03zu", i);
		res[i].unit_code = codes[i];
		resp[i] = &res[i];
	}
	s.pub.results = resp;
	s.pub.n_results = N;
	pubs[0] = &s.pub;
	snprintf(path, sizeof path, "%s/big.html", dir);
	assert_int_equal(report_html(path, 0, pubs, NULL, 1, NULL), BS_OK);
	html = slurp(path, NULL);
	p = strstr(html, "id=\"chart-ranking-1\"");
	assert_non_null(p);
	assert_non_null(p = strstr(p, "height=\""));
	assert_true(atoi(p + 8) >= N * 24);
	free(html);
}

/* Monthly bulletins of two months: the trend chart, the county's line at
 * each month's completion (sums of year-to-date over sums of targets),
 * the later of two publications of a month; one month: no chart.  And the
 * 通报 sections with places for the bureau's text. */
static void test_html_trend(void **state)
{
	struct sample a, b, c;
	const Publication *pubs[3];
	char path[128], *html;
	(void)state;

	sample(&a);
	sample(&b);
	sample(&c);
	b.pub.period = "2026-05";
	b.pub.number = 9;
	c.pub.period = "2026-05";
	c.pub.number = 10;
	pubs[0] = &c.pub;
	pubs[1] = &a.pub;
	pubs[2] = &b.pub;
	snprintf(path, sizeof path, "%s/trend.html", dir);
	assert_int_equal(report_html(path, 0, pubs, NULL, 3, NULL), BS_OK);
	html = slurp(path, NULL);
	assert_non_null(strstr(html, "id=\"chart-trend\""));
	assert_non_null(strstr(html, "2026年4月</text>"));
	assert_non_null(strstr(html, "2026年5月</text>"));
	assert_null(strstr(html, "2026年6月</text>"));
	assert_non_null(strstr(html, "<title>全县</title>"));
	for (const char *h = "一、总体情况\0二、排名\0三、存在问题\0四、下步工作\0"; *h; h += strlen(h) + 1)
		assert_non_null(strstr(html, h));
	assert_non_null(strstr(html, "id=\"bureau-summary-1\" contenteditable=\"true\""));
	assert_non_null(strstr(html, "id=\"bureau-next-3\""));
	assert_non_null(strstr(html, "id=\"detail-1\""));
	free(html);
	snprintf(path, sizeof path, "%s/one-month.html", dir);
	assert_int_equal(report_html(path, 0, pubs, NULL, 1, NULL), BS_OK);
	html = slurp(path, NULL);
	assert_null(strstr(html, "chart-trend"));
	free(html);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_csv_text),
		cmocka_unit_test_setup_teardown(test_xlsx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_scale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_trend, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
