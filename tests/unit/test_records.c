/* test_records.c - the record kinds and their rules: for every rule one
 * record accepted and one refused (with the field named), who may write
 * which kind and value, references to other units' projects and to unit
 * codes, periods that have not begun, money limits, Chinese text, the
 * deadlines, overdue approvals, the derived flags, and enum values in
 * words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "money.h"
#include "period.h"
#include "records.h"
#include "wire.h"

#define HOUR_MS (3600LL * 1000)
#define WAN(x) ((int64_t)(x) * FEN_PER_WAN)

/* Two projects of two units, and three unit codes. */
#define UID_MINE "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"   /* unit 1, total 1000万 */
#define UID_OTHER "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"  /* unit 2 */
#define UID_BROKEN "cccccccccccccccccccccccccccccccc" /* the lookup fails */
#define UID_NONE "dddddddddddddddddddddddddddddddd"   /* no such project */
#define UNIT_MINE 1
#define PROJECT_TOTAL WAN(1000)

static int lookup_project(void *ctx, const char *uid, int64_t *unit_id, int64_t *total_fen,
			  int *stage)
{
	(void)ctx;
	if (strcmp(uid, UID_BROKEN) == 0)
		return BS_E_DB;
	if (strcmp(uid, UID_MINE) != 0 && strcmp(uid, UID_OTHER) != 0)
		return BS_E_NOTFOUND;
	*unit_id = strcmp(uid, UID_MINE) == 0 ? UNIT_MINE : 2;
	*total_fen = PROJECT_TOTAL;
	*stage = BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING;
	return BS_OK;
}

static int lookup_unit(void *ctx, const char *code, int64_t *unit_id)
{
	static const char *const codes[] = {"chengguan", "fgj", "tjj"};
	size_t i;
	(void)ctx;
	for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		if (strcmp(code, codes[i]) == 0) {
			*unit_id = (int64_t)i + 1;
			return BS_OK;
		}
	}
	return BS_E_NOTFOUND;
}

static const struct rec_lookup lookup = {lookup_project, lookup_unit, NULL};

/* The writing context of every check; tests change it, setup resets it.
 * Now: Wednesday 2026-06-10 10:00 Shanghai, in ISO week 2026-W24. */
static struct rec_ctx wc;
static int64_t now_ms;
static struct rec_error err;

static int64_t local_ms(int y, unsigned m, unsigned d, int hour)
{
	return period_local_midnight_ms(period_days_from_civil(y, m, d)) + hour * HOUR_MS;
}

static int reset(void **state)
{
	(void)state;
	now_ms = local_ms(2026, 6, 10, 10);
	wc.now_ms = now_ms;
	wc.unit_id = UNIT_MINE;
	wc.role = REC_ROLE_REPORTER;
	wc.any_unit = 0;
	wc.lookup = &lookup;
	return 0;
}

/* Encode m and validate it as kind, written by role (an admin may
 * reference any unit's records, as the server says). */
static int check_as(const char *kind, const ProtobufCMessage *m, int role)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(n + 1);
	int rv;
	assert_non_null(buf);
	assert_int_equal(protobuf_c_message_pack(m, buf), n);
	wc.role = role;
	wc.any_unit = role == REC_ROLE_ADMIN;
	rv = records_validate(kind, buf, n, &wc, &err);
	free(buf);
	return rv;
}

static int check_data(const char *kind, const ProtobufCMessage *m)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(n + 1);
	int rv;
	assert_non_null(buf);
	assert_int_equal(protobuf_c_message_pack(m, buf), n);
	rv = records_validate_data(kind, buf, n, &wc, &err);
	free(buf);
	return rv;
}

static void expect_ok(int rv, int line)
{
	if (rv != BS_OK)
		print_error("line %d: refused with %s, %s: %s\n", line, bs_errname(rv), err.field,
			    err.msg);
	assert_int_equal(rv, BS_OK);
}

static void expect_refused(int rv, int code, const char *field, int line)
{
	if (rv != code || strcmp(err.field, field) != 0)
		print_error("line %d: wanted %s on %s, got %s on '%s': %s\n", line,
			    bs_errname(code), field, bs_errname(rv), err.field, err.msg);
	assert_int_equal(rv, code);
	assert_string_equal(err.field, field);
	assert_true(err.msg[0] != '\0');
}

#define ACCEPT_AS(kind, msg, role) expect_ok(check_as(kind, &(msg).base, role), __LINE__)
#define REFUSE_AS(kind, msg, role, code, field)                                      \
	expect_refused(check_as(kind, &(msg).base, role), code, field, __LINE__)
#define ACCEPT(kind, msg) ACCEPT_AS(kind, msg, REC_ROLE_REPORTER)
#define REFUSE(kind, msg, field) REFUSE_AS(kind, msg, REC_ROLE_REPORTER, BS_E_INVAL, field)

/* ---- valid records of every kind, for the rules to break one by one ---- */

static Baosong__V1__Project project;
static Baosong__V1__FundingSource fsrc[2];
static Baosong__V1__FundingSource *fsrcp[2] = {&fsrc[0], &fsrc[1]};
static char *resp_units[2];

static void project_init(void)
{
	Baosong__V1__Project p = BAOSONG__V1__PROJECT__INIT;
	Baosong__V1__FundingSource f = BAOSONG__V1__FUNDING_SOURCE__INIT;
	p.name = "城关镇污水处理厂提标改造";
	p.code = "2601-610123-04-01-123456";
	p.plan_year = 2026;
	p.category = "基础设施";
	p.township = "城关镇";
	p.leader = "张伟";
	p.total_investment_fen = PROJECT_TOTAL;
	p.annual_plan_fen = WAN(400);
	p.start_date = "2026-03-01";
	p.end_date = "2027-06-30";
	p.stage = BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING;
	p.lead_unit = "fgj";
	p.contents = "新建污水管网12公里\n提标改造";
	resp_units[0] = "chengguan";
	resp_units[1] = "tjj";
	p.responsible_units = resp_units;
	p.n_responsible_units = 2;
	fsrc[0] = f;
	fsrc[0].source = "专项债券";
	fsrc[0].amount_fen = WAN(600);
	fsrc[1] = f;
	fsrc[1].source = "地方财政";
	fsrc[1].amount_fen = WAN(400);
	p.funding = fsrcp;
	p.n_funding = 2;
	project = p;
}

static Baosong__V1__WeeklyReport weekly;

static void weekly_init(void)
{
	Baosong__V1__WeeklyReport w = BAOSONG__V1__WEEKLY_REPORT__INIT;
	w.project_uid = UID_MINE;
	w.period = "2026-W24";
	w.invested_period_fen = WAN(20);
	w.invested_ytd_fen = WAN(180);
	w.invested_total_fen = WAN(300);
	w.progress = "主体结构完成 60%";
	w.progress_percent = 60;
	w.problems = "用地手续待批";
	weekly = w;
}

static Baosong__V1__MonthlyReport monthly;

static void monthly_init(void)
{
	Baosong__V1__MonthlyReport m = BAOSONG__V1__MONTHLY_REPORT__INIT;
	m.project_uid = UID_MINE;
	m.period = "2026-06";
	m.invested_period_fen = WAN(80);
	m.invested_ytd_fen = WAN(180);
	m.invested_total_fen = WAN(300);
	m.progress_percent = 60;
	monthly = m;
}

static Baosong__V1__ApprovalItem approval;

static void approval_init(void)
{
	Baosong__V1__ApprovalItem a = BAOSONG__V1__APPROVAL_ITEM__INIT;
	a.project_uid = UID_MINE;
	a.item = "用地预审";
	a.level = BAOSONG__V1__APPROVAL_LEVEL__APPROVAL_CITY;
	a.deadline = "2026-02-20";
	a.status = BAOSONG__V1__ITEM_STATUS__ITEM_IN_PROGRESS;
	approval = a;
}

static Baosong__V1__StatsEvidence stats;
static Baosong__V1__Evidence evid[5];
static Baosong__V1__Evidence *evidp[5] = {&evid[0], &evid[1], &evid[2], &evid[3], &evid[4]};
static uint8_t hashes[5][32];

static void stats_init(void)
{
	Baosong__V1__StatsEvidence s = BAOSONG__V1__STATS_EVIDENCE__INIT;
	Baosong__V1__Evidence e = BAOSONG__V1__EVIDENCE__INIT;
	static const char *const names[5] = {"备案文件.pdf", "概算表.xlsx", "施工合同.pdf",
					     "施工许可证.jpg", "现场照片.jpg"};
	int i;
	for (i = 0; i < 5; i++) {
		memset(hashes[i], 0x11 * (i + 1), sizeof hashes[i]);
		evid[i] = e;
		evid[i].kind = (Baosong__V1__EvidenceKind)(i + 1);
		evid[i].hash.data = hashes[i];
		evid[i].hash.len = 32;
		evid[i].name = (char *)names[i];
	}
	s.project_uid = UID_MINE;
	s.status = BAOSONG__V1__STATS_STATUS__STATS_SUBMITTED;
	s.evidence = evidp;
	s.n_evidence = 5;
	stats = s;
}

static Baosong__V1__Deal deal;
static Baosong__V1__FundsInPlace funds[2];
static Baosong__V1__FundsInPlace *fundsp[2] = {&funds[0], &funds[1]};

static void deal_init(void)
{
	Baosong__V1__Deal d = BAOSONG__V1__DEAL__INIT;
	Baosong__V1__FundsInPlace f = BAOSONG__V1__FUNDS_IN_PLACE__INIT;
	d.partner = "陕西某新能源装备有限公司";
	d.sector = "清洁能源及装备制造";
	d.contract_fen = WAN(50000);
	d.stage = BAOSONG__V1__DEAL_STAGE__DEAL_STARTED;
	d.signed_date = "2026-01-15";
	funds[0] = f;
	funds[0].month = "2026-04";
	funds[0].amount_fen = WAN(3000);
	funds[1] = f;
	funds[1].month = "2026-06";
	funds[1].amount_fen = WAN(2000);
	d.funds = fundsp;
	d.n_funds = 2;
	deal = d;
}

static Baosong__V1__FundingApplication funding;

static void funding_init(void)
{
	Baosong__V1__FundingApplication f = BAOSONG__V1__FUNDING_APPLICATION__INIT;
	f.project_uid = UID_MINE;
	f.channel = BAOSONG__V1__FUNDING_CHANNEL__CHANNEL_SPECIAL_BONDS;
	f.title = "2026 年第二批专项债券";
	f.applied_fen = WAN(5000);
	f.approved_fen = WAN(3000);
	f.arrived_fen = WAN(1000);
	f.status = BAOSONG__V1__FUNDING_STATUS__FUNDING_ARRIVED;
	f.applied_date = "2026-03-10";
	funding = f;
}

static Baosong__V1__Problem problem;

static void problem_init(void)
{
	Baosong__V1__Problem p = BAOSONG__V1__PROBLEM__INIT;
	p.project_uid = UID_MINE;
	p.category = BAOSONG__V1__PROBLEM_CATEGORY__PROBLEM_LAND;
	p.description = "项目用地指标不足 12 亩";
	p.raised_by = "发改局";
	p.assigned_unit = "chengguan";
	p.deadline = "2026-06-30";
	p.status = BAOSONG__V1__PROBLEM_STATUS__PROBLEM_OPEN;
	problem = p;
}

static Baosong__V1__Target target;

static void target_init(void)
{
	Baosong__V1__Target t = BAOSONG__V1__TARGET__INIT;
	t.unit_code = "chengguan";
	t.period = "2026-Q2";
	t.fai_fen = WAN(845000);
	t.growth_bp = 1500;
	t.new_starts = 12;
	t.attraction_fen = WAN(20000);
	t.upward_fen = WAN(5000);
	target = t;
}

static Baosong__V1__Leader leader;

static void leader_init(void)
{
	Baosong__V1__Leader l = BAOSONG__V1__LEADER__INIT;
	l.name = "王建国";
	l.title = "副县长";
	l.phone = "+86 139-1234-5678";
	leader = l;
}

static Baosong__V1__UnitInfo unit;

static void unit_init(void)
{
	Baosong__V1__UnitInfo u = BAOSONG__V1__UNIT_INFO__INIT;
	u.code = "chengguan";
	u.name = "城关镇人民政府";
	u.type = BAOSONG__V1__UNIT_TYPE__UNIT_TOWNSHIP;
	u.region = "610123";
	unit = u;
}

static Baosong__V1__Acceptance acceptance;

static void acceptance_init(void)
{
	Baosong__V1__Acceptance a = BAOSONG__V1__ACCEPTANCE__INIT;
	a.project_uid = UID_MINE;
	a.year = 2026;
	a.result = BAOSONG__V1__ACCEPTANCE_RESULT__ACCEPTANCE_FAILED;
	a.date = "2026-06-01";
	a.note = "配套设施未按期建成";
	acceptance = a;
}

static Baosong__V1__Adjustment adjustment;
static Baosong__V1__Evidence adj_ev;
static Baosong__V1__Evidence *adj_evs[1];
static uint8_t adj_hash[32];

static void adjustment_init(void)
{
	Baosong__V1__Adjustment a = BAOSONG__V1__ADJUSTMENT__INIT;
	Baosong__V1__Evidence e = BAOSONG__V1__EVIDENCE__INIT;
	memset(adj_hash, 0xab, sizeof adj_hash);
	e.kind = BAOSONG__V1__EVIDENCE_KIND__EVIDENCE_DOCUMENT;
	e.hash.data = adj_hash;
	e.hash.len = sizeof adj_hash;
	e.name = "下达文件.pdf";
	adj_ev = e;
	adj_evs[0] = &adj_ev;
	a.unit_code = "chengguan";
	a.period = "2026-Q2";
	a.item = "central_budget";
	a.count = 1;
	a.reason = "争取中央预算内资金1.2亿元";
	a.n_evidence = 1;
	a.evidence = adj_evs;
	adjustment = a;
}

static Baosong__V1__UnitResult pub_result;
static Baosong__V1__UnitResult *pub_results[1];
static Baosong__V1__Indicator pub_ind;
static Baosong__V1__Indicator *pub_inds[1];
static int64_t pub_scores[1];
static Baosong__V1__Publication publication;

static void publication_init(void)
{
	Baosong__V1__Publication p = BAOSONG__V1__PUBLICATION__INIT;
	Baosong__V1__UnitResult r = BAOSONG__V1__UNIT_RESULT__INIT;
	Baosong__V1__Indicator ind = BAOSONG__V1__INDICATOR__INIT;
	ind.code = "fai";
	ind.label = "固定资产投资完成率";
	ind.weight = 100;
	pub_ind = ind;
	pub_inds[0] = &pub_ind;
	pub_scores[0] = 2404;
	r.unit_code = "chengguan";
	r.rank = 1;
	r.tied = 1;
	r.n_scores_c = 1;
	r.scores_c = pub_scores;
	pub_result = r;
	pub_results[0] = &pub_result;
	p.scope = BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH;
	p.period = "2026-04";
	p.title = "2026年4月重点项目建设月通报";
	p.n_indicators = 1;
	p.indicators = pub_inds;
	p.n_results = 1;
	p.results = pub_results;
	publication = p;
}

static int setup(void **state)
{
	acceptance_init();
	adjustment_init();
	publication_init();
	reset(state);
	project_init();
	weekly_init();
	monthly_init();
	approval_init();
	stats_init();
	deal_init();
	funding_init();
	problem_init();
	target_init();
	leader_init();
	unit_init();
	return 0;
}

/* The valid record of kind. */
static const ProtobufCMessage *valid(const char *kind)
{
	static const struct {
		const char *kind;
		const ProtobufCMessage *m;
	} all[] = {
		{REC_KIND_PROJECT, &project.base}, {REC_KIND_WEEKLY, &weekly.base},
		{REC_KIND_MONTHLY, &monthly.base}, {REC_KIND_APPROVAL, &approval.base},
		{REC_KIND_STATS, &stats.base},     {REC_KIND_DEAL, &deal.base},
		{REC_KIND_FUNDING, &funding.base}, {REC_KIND_PROBLEM, &problem.base},
		{REC_KIND_TARGET, &target.base},   {REC_KIND_LEADER, &leader.base},
		{REC_KIND_UNIT, &unit.base},       {REC_KIND_ACCEPTANCE, &acceptance.base},
		{REC_KIND_PUBLICATION, &publication.base}, {REC_KIND_ADJUSTMENT, &adjustment.base},
	};
	size_t i;
	for (i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(all[i].kind, kind) == 0)
			return all[i].m;
	fail_msg("no valid %s", kind);
	return NULL;
}

/* ---- the kind table ---- */

static void test_kinds(void **state)
{
	static const struct {
		const char *name, *zh;
		const ProtobufCMessageDescriptor *desc;
		unsigned writers;
		int public_kind, reviewed;
		const char *period_field;
	} want[] = {
#define R(x) REC_ROLE_BIT(REC_ROLE_##x)
		{"project", "项目", &baosong__v1__project__descriptor, R(REPORTER) | R(ADMIN), 0, 1,
		 NULL},
		{"approval", "前期手续", &baosong__v1__approval_item__descriptor,
		 R(REPORTER) | R(ADMIN), 0, 0, NULL},
		{"weekly_report", "周报", &baosong__v1__weekly_report__descriptor,
		 R(REPORTER) | R(ADMIN), 0, 1, "period"},
		{"monthly_report", "月报", &baosong__v1__monthly_report__descriptor,
		 R(REPORTER) | R(ADMIN), 0, 1, "period"},
		{"stats_evidence", "入库纳统佐证", &baosong__v1__stats_evidence__descriptor,
		 R(REPORTER) | R(STATISTICS) | R(ADMIN), 0, 1, NULL},
		{"deal", "招商引资项目", &baosong__v1__deal__descriptor, R(REPORTER) | R(ADMIN), 0, 1,
		 NULL},
		{"funding", "向上争取资金", &baosong__v1__funding_application__descriptor,
		 R(REPORTER) | R(ADMIN), 0, 1, NULL},
		{"problem", "问题清单", &baosong__v1__problem__descriptor,
		 R(REPORTER) | R(REVIEWER) | R(ADMIN), 0, 0, NULL},
		{"target", "目标任务", &baosong__v1__target__descriptor, R(ADMIN), 0, 0, NULL},
		{"leader", "包抓领导", &baosong__v1__leader__descriptor, R(ADMIN), 1, 0, NULL},
		{"unit", "单位", &baosong__v1__unit_info__descriptor, 0, 1, 0, NULL},
		{"acceptance", "考核验收", &baosong__v1__acceptance__descriptor,
		 R(REVIEWER) | R(ADMIN), 0, 0, NULL},
		{"publication", "考核结果", &baosong__v1__publication__descriptor, 0, 1, 0, NULL},
		{"adjustment", "加减分", &baosong__v1__adjustment__descriptor, R(ADMIN), 0, 0, NULL},
#undef R
	};
	const struct rec_kind *kinds;
	size_t n, i;
	(void)state;

	kinds = records_kinds(&n);
	assert_int_equal(n, sizeof want / sizeof want[0]);
	for (i = 0; i < n; i++) {
		const struct rec_kind *k = records_kind(want[i].name);
		assert_non_null(k);
		assert_ptr_equal(k, &kinds[i]);
		assert_string_equal(k->name, want[i].name);
		assert_string_equal(k->label_zh, want[i].zh);
		assert_ptr_equal(k->desc, want[i].desc);
		assert_int_equal(k->writers, want[i].writers);
		assert_int_equal(k->public_kind, want[i].public_kind);
		assert_int_equal(k->reviewed, want[i].reviewed);
		if (want[i].period_field) {
			assert_non_null(k->period_field);
			assert_string_equal(k->period_field, want[i].period_field);
			assert_non_null(
				protobuf_c_message_descriptor_get_field_by_name(k->desc, "period"));
		} else {
			assert_null(k->period_field);
		}
		assert_true(records_kind_known(want[i].name));
	}
	assert_null(records_kind("projects"));
	assert_null(records_kind(""));
	assert_null(records_kind(NULL));
	assert_false(records_kind_known("Project"));
	assert_false(records_kind_known(""));
}

static void test_every_kind_valid(void **state)
{
	const struct rec_kind *kinds;
	size_t n, i;
	(void)state;
	kinds = records_kinds(&n);
	for (i = 0; i < n; i++) {
		int rv = check_data(kinds[i].name, valid(kinds[i].name));
		if (rv != BS_OK)
			print_error("%s: %s: %s\n", kinds[i].name, err.field, err.msg);
		assert_int_equal(rv, BS_OK);
	}
}

/* ---- who may write what ---- */

static void test_roles(void **state)
{
	const struct rec_kind *kinds;
	size_t n, i;
	int role;
	(void)state;

	kinds = records_kinds(&n);
	for (i = 0; i < n; i++) {
		const ProtobufCMessage *m = valid(kinds[i].name);
		for (role = -1; role <= 40; role++) {
			int rv = check_as(kinds[i].name, m, role);
			int may = role > 0 && role < 32 && (kinds[i].writers & REC_ROLE_BIT(role));
			if (may) {
				expect_ok(rv, __LINE__);
			} else {
				expect_refused(rv, BS_E_FORBIDDEN, "kind", __LINE__);
				assert_string_equal(err.msg, "此角色不能填报该类记录");
			}
		}
	}
	/* Nobody writes units; a leader writes nothing. */
	for (role = 0; role <= REC_ROLE_ADMIN; role++)
		REFUSE_AS(REC_KIND_UNIT, unit, role, BS_E_FORBIDDEN, "kind");
	for (i = 0; i < n; i++)
		expect_refused(check_as(kinds[i].name, valid(kinds[i].name), REC_ROLE_LEADER),
			       BS_E_FORBIDDEN, "kind", __LINE__);
	/* Acceptance checks: the bureau's, counted against the project's unit. */
	REFUSE_AS(REC_KIND_ACCEPTANCE, acceptance, REC_ROLE_REPORTER, BS_E_FORBIDDEN, "kind");
	ACCEPT_AS(REC_KIND_ACCEPTANCE, acceptance, REC_ROLE_REVIEWER);
	acceptance.project_uid = UID_OTHER;
	REFUSE_AS(REC_KIND_ACCEPTANCE, acceptance, REC_ROLE_REVIEWER, BS_E_FORBIDDEN, "project_uid");
	acceptance.project_uid = UID_MINE;
	acceptance.year = 1999;
	REFUSE_AS(REC_KIND_ACCEPTANCE, acceptance, REC_ROLE_ADMIN, BS_E_INVAL, "year");
	acceptance.year = 2026;
	acceptance.result = BAOSONG__V1__ACCEPTANCE_RESULT__ACCEPTANCE_RESULT_UNSPECIFIED;
	REFUSE_AS(REC_KIND_ACCEPTANCE, acceptance, REC_ROLE_ADMIN, BS_E_INVAL, "result");
	acceptance.result = BAOSONG__V1__ACCEPTANCE_RESULT__ACCEPTANCE_PASSED;
	acceptance.date = "2026-02-30";
	REFUSE_AS(REC_KIND_ACCEPTANCE, acceptance, REC_ROLE_ADMIN, BS_E_INVAL, "date");
	acceptance_init();
	/* Publications: the server's only; a result needs a score per indicator. */
	for (role = 0; role <= REC_ROLE_ADMIN; role++)
		REFUSE_AS(REC_KIND_PUBLICATION, publication, role, BS_E_FORBIDDEN, "kind");
	pub_result.n_scores_c = 0;
	assert_int_equal(check_data(REC_KIND_PUBLICATION, &publication.base), BS_E_INVAL);
	assert_string_equal(err.field, "results");
	publication_init();
	/* The brief's cases by name. */
	REFUSE_AS(REC_KIND_TARGET, target, REC_ROLE_REPORTER, BS_E_FORBIDDEN, "kind");
	ACCEPT_AS(REC_KIND_TARGET, target, REC_ROLE_ADMIN);
	REFUSE_AS(REC_KIND_LEADER, leader, REC_ROLE_REVIEWER, BS_E_FORBIDDEN, "kind");
	ACCEPT_AS(REC_KIND_PROBLEM, problem, REC_ROLE_REVIEWER);
	REFUSE_AS(REC_KIND_PROJECT, project, REC_ROLE_STATISTICS, BS_E_FORBIDDEN, "kind");
	ACCEPT_AS(REC_KIND_STATS, stats, REC_ROLE_STATISTICS);
	/* The role is checked before anything else: even undecodable data. */
	{
		static const uint8_t junk[] = {0xff, 0xff, 0xff};
		wc.role = REC_ROLE_REPORTER;
		assert_int_equal(records_validate(REC_KIND_TARGET, junk, sizeof junk, &wc, &err),
				 BS_E_FORBIDDEN);
		assert_int_equal(records_validate_data(REC_KIND_TARGET, junk, sizeof junk, &wc,
						       &err),
				 BS_E_INVAL);
		assert_string_equal(err.field, "data");
	}
}

static void test_kind_size_decode(void **state)
{
	static const uint8_t junk[] = {0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f};
	uint8_t *big;
	(void)state;

	wc.role = REC_ROLE_ADMIN;
	assert_int_equal(records_validate("report", junk, sizeof junk, &wc, &err),
			 BS_E_UNSUPPORTED);
	assert_string_equal(err.field, "kind");
	assert_int_equal(records_validate_data("", junk, sizeof junk, &wc, &err),
			 BS_E_UNSUPPORTED);

	big = calloc(1, REC_DATA_MAX + 1);
	assert_non_null(big);
	assert_int_equal(records_validate(REC_KIND_PROJECT, big, REC_DATA_MAX + 1, &wc, &err),
			 BS_E_TOOBIG);
	assert_string_equal(err.field, "data");
	free(big);

	assert_int_equal(records_validate(REC_KIND_PROJECT, junk, sizeof junk, &wc, &err),
			 BS_E_INVAL);
	assert_string_equal(err.field, "data");
	assert_string_equal(err.msg, "无法解析项目数据");
	assert_int_equal(records_validate(REC_KIND_DEAL, junk, sizeof junk, &wc, &err),
			 BS_E_INVAL);
	assert_string_equal(err.msg, "无法解析招商引资项目数据");
	/* Empty data decodes to all defaults, which break a rule. */
	assert_int_equal(records_validate(REC_KIND_PROJECT, NULL, 0, &wc, &err), BS_E_INVAL);
	assert_string_equal(err.field, "name");
}

/* ---- project ---- */

static void test_project_text(void **state)
{
	char longname[REC_NAME_MAX + 2];
	(void)state;

	ACCEPT(REC_KIND_PROJECT, project);
	project.name = "";
	REFUSE(REC_KIND_PROJECT, project, "name");
	assert_string_equal(err.msg, "必须填写");
	project.name = "道路\x01改造";
	REFUSE(REC_KIND_PROJECT, project, "name");
	project.name = "bad \xc3\x28 utf-8";
	REFUSE(REC_KIND_PROJECT, project, "name");
	project.name = "overlong \xc0\xaf";
	REFUSE(REC_KIND_PROJECT, project, "name");
	project.name = "surrogate \xed\xa0\x80";
	REFUSE(REC_KIND_PROJECT, project, "name");
	project.name = "两行\n名称";
	REFUSE(REC_KIND_PROJECT, project, "name");
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	project.name = longname;
	REFUSE(REC_KIND_PROJECT, project, "name");
	assert_string_equal(err.msg, "内容过长");
	longname[REC_NAME_MAX] = '\0';
	ACCEPT(REC_KIND_PROJECT, project);
	project.name = "emoji 🚧 ok";
	ACCEPT(REC_KIND_PROJECT, project);

	/* Free text may have lines and tabs. */
	project.contents = "一、管网\r\n\t二、泵站";
	ACCEPT(REC_KIND_PROJECT, project);
	project.contents = "bell \a";
	REFUSE(REC_KIND_PROJECT, project, "contents");
	project_init();
	project.township = "del \x7f";
	REFUSE(REC_KIND_PROJECT, project, "township");
}

static void test_project_code(void **state)
{
	char code[80];
	(void)state;

	project.code = "";
	ACCEPT(REC_KIND_PROJECT, project);
	project.code = "2601-610123-04-01-123456";
	ACCEPT(REC_KIND_PROJECT, project);
	project.code = "ABC-abc-09";
	ACCEPT(REC_KIND_PROJECT, project);
	project.code = "2601 610123";
	REFUSE(REC_KIND_PROJECT, project, "code");
	project.code = "2601_610123";
	REFUSE(REC_KIND_PROJECT, project, "code");
	project.code = "代码-1";
	REFUSE(REC_KIND_PROJECT, project, "code");
	memset(code, '7', 64);
	code[64] = '\0';
	project.code = code;
	ACCEPT(REC_KIND_PROJECT, project);
	code[64] = '7';
	code[65] = '\0';
	REFUSE(REC_KIND_PROJECT, project, "code");
}

static void test_project_numbers_dates(void **state)
{
	(void)state;

	project.plan_year = 1999;
	REFUSE(REC_KIND_PROJECT, project, "plan_year");
	project.plan_year = 2101;
	REFUSE(REC_KIND_PROJECT, project, "plan_year");
	project.plan_year = 2000;
	ACCEPT(REC_KIND_PROJECT, project);
	project.plan_year = 2100;
	ACCEPT(REC_KIND_PROJECT, project);
	project_init();

	/* Money: negative, over the limit, the limit itself. */
	project.total_investment_fen = -1;
	REFUSE(REC_KIND_PROJECT, project, "total_investment");
	assert_string_equal(err.msg, "金额不能为负数");
	project.total_investment_fen = INT64_MIN;
	REFUSE(REC_KIND_PROJECT, project, "total_investment");
	project.total_investment_fen = MONEY_MAX_FEN + 1;
	REFUSE(REC_KIND_PROJECT, project, "total_investment");
	assert_string_equal(err.msg, "金额超出范围");
	project.total_investment_fen = INT64_MAX;
	REFUSE(REC_KIND_PROJECT, project, "total_investment");
	project.total_investment_fen = MONEY_MAX_FEN;
	ACCEPT(REC_KIND_PROJECT, project);
	project.annual_plan_fen = -5;
	REFUSE(REC_KIND_PROJECT, project, "annual_plan");
	project.annual_plan_fen = MONEY_MAX_FEN + 1;
	REFUSE(REC_KIND_PROJECT, project, "annual_plan");
	project_init();
	project.annual_plan_fen = project.total_investment_fen + 1;
	REFUSE(REC_KIND_PROJECT, project, "annual_plan");
	project.annual_plan_fen = project.total_investment_fen;
	ACCEPT(REC_KIND_PROJECT, project);

	/* Dates. */
	project.start_date = "2026-02-30";
	REFUSE(REC_KIND_PROJECT, project, "start_date");
	project.start_date = "2026/03/01";
	REFUSE(REC_KIND_PROJECT, project, "start_date");
	project.start_date = "";
	ACCEPT(REC_KIND_PROJECT, project);
	project.start_date = "2028-02-29";
	project.end_date = "2028-02-28";
	REFUSE(REC_KIND_PROJECT, project, "end_date");
	project.end_date = "2028-02-29";
	ACCEPT(REC_KIND_PROJECT, project);
	project.end_date = "2027-02-29";
	REFUSE(REC_KIND_PROJECT, project, "end_date");
	/* 1970-01-01 is day 0 and still a date. */
	project.start_date = "1970-01-02";
	project.end_date = "1970-01-01";
	REFUSE(REC_KIND_PROJECT, project, "end_date");
	project_init();

	/* Stage. */
	project.stage = BAOSONG__V1__PROJECT_STAGE__STAGE_UNSPECIFIED;
	REFUSE(REC_KIND_PROJECT, project, "stage");
	project.stage = (Baosong__V1__ProjectStage)8;
	REFUSE(REC_KIND_PROJECT, project, "stage");
	project.stage = (Baosong__V1__ProjectStage)-1;
	REFUSE(REC_KIND_PROJECT, project, "stage");
	project.stage = BAOSONG__V1__PROJECT_STAGE__STAGE_SUSPENDED;
	ACCEPT(REC_KIND_PROJECT, project);
}

static void test_project_funding_units(void **state)
{
	(void)state;

	/* Funding sources. */
	fsrc[0].source = "";
	REFUSE(REC_KIND_PROJECT, project, "funding");
	fsrc[0].source = "专项\x02债券";
	REFUSE(REC_KIND_PROJECT, project, "funding");
	project_init();
	fsrc[1].amount_fen = -1;
	REFUSE(REC_KIND_PROJECT, project, "funding");
	fsrc[1].amount_fen = MONEY_MAX_FEN + 1;
	REFUSE(REC_KIND_PROJECT, project, "funding");
	fsrc[1].amount_fen = 0;
	ACCEPT(REC_KIND_PROJECT, project);
	/* The sources may reach the total, not exceed it. */
	fsrc[1].amount_fen = PROJECT_TOTAL - fsrc[0].amount_fen;
	ACCEPT(REC_KIND_PROJECT, project);
	fsrc[1].amount_fen++;
	REFUSE(REC_KIND_PROJECT, project, "funding");
	assert_string_equal(err.msg, "资金来源合计超过总投资");
	/* Large amounts do not overflow the sum. */
	project.total_investment_fen = MONEY_MAX_FEN;
	fsrc[0].amount_fen = MONEY_MAX_FEN;
	fsrc[1].amount_fen = MONEY_MAX_FEN;
	REFUSE(REC_KIND_PROJECT, project, "funding");
	project.n_funding = 1;
	ACCEPT(REC_KIND_PROJECT, project);
	project_init();
	project.n_funding = 0;
	ACCEPT(REC_KIND_PROJECT, project);
	project_init();

	/* Responsible units and the lead unit: known codes only. */
	resp_units[1] = "nosuchunit";
	REFUSE(REC_KIND_PROJECT, project, "responsible_units");
	resp_units[1] = "chengguan";
	REFUSE(REC_KIND_PROJECT, project, "responsible_units"); /* twice */
	resp_units[1] = "";
	REFUSE(REC_KIND_PROJECT, project, "responsible_units");
	resp_units[1] = "fgj";
	ACCEPT(REC_KIND_PROJECT, project);
	project.lead_unit = "nosuchunit";
	REFUSE(REC_KIND_PROJECT, project, "lead_unit");
	assert_string_equal(err.msg, "单位不存在");
	project.lead_unit = "";
	ACCEPT(REC_KIND_PROJECT, project);
	/* Without a unit lookup the codes are not checked. */
	{
		struct rec_lookup no_units = {lookup_project, NULL, NULL};
		wc.lookup = &no_units;
		project.lead_unit = "nosuchunit";
		resp_units[0] = "alsonot";
		ACCEPT(REC_KIND_PROJECT, project);
		wc.lookup = NULL;
		ACCEPT(REC_KIND_PROJECT, project);
	}
}

static void test_chinese_round_trip(void **state)
{
	uint8_t buf[4096];
	size_t n;
	Baosong__V1__Project *back;
	Baosong__V1__Problem *pb;
	struct wire_arena a;
	(void)state;

	project.name = "“秦创原”清洁能源装备产业园（一期）";
	project.contents = "建设标准化厂房 12 万㎡，配套道路、管网；\n总投资 1000 万元";
	project.owner = "县城投集团有限公司";
	n = protobuf_c_message_pack(&project.base, buf);
	assert_true(n < sizeof buf);
	wc.role = REC_ROLE_REPORTER;
	assert_int_equal(records_validate(REC_KIND_PROJECT, buf, n, &wc, &err), BS_OK);
	wire_arena_init(&a, 256 * 1024);
	back = baosong__v1__project__unpack(&a.alloc, n, buf);
	assert_non_null(back);
	assert_string_equal(back->name, project.name);
	assert_string_equal(back->contents, project.contents);
	assert_string_equal(back->owner, project.owner);
	assert_int_equal(back->n_funding, 2);
	assert_string_equal(back->funding[0]->source, "专项债券");
	assert_string_equal(back->responsible_units[1], "tjj");
	baosong__v1__project__free_unpacked(back, &a.alloc);

	problem.description = "征地拆迁：涉及 3 户，\t协调中";
	n = protobuf_c_message_pack(&problem.base, buf);
	assert_int_equal(records_validate(REC_KIND_PROBLEM, buf, n, &wc, &err), BS_OK);
	pb = baosong__v1__problem__unpack(&a.alloc, n, buf);
	assert_non_null(pb);
	assert_string_equal(pb->description, problem.description);
	baosong__v1__problem__free_unpacked(pb, &a.alloc);
	assert_int_equal(a.used, 0);

	/* Error messages are Chinese too. */
	project.name = "";
	REFUSE(REC_KIND_PROJECT, project, "name");
	assert_string_equal(err.msg, "必须填写");
	{
		char text[300];
		records_error_text(&err, text, sizeof text);
		assert_string_equal(text, "name: 必须填写");
	}
}

/* ---- references ---- */

static void test_project_references(void **state)
{
	(void)state;

	/* My unit's project; another unit's; none; a lookup that fails. */
	ACCEPT(REC_KIND_WEEKLY, weekly);
	weekly.project_uid = UID_OTHER;
	REFUSE_AS(REC_KIND_WEEKLY, weekly, REC_ROLE_REPORTER, BS_E_FORBIDDEN, "project_uid");
	assert_string_equal(err.msg, "不能为其他单位的项目填报");
	ACCEPT_AS(REC_KIND_WEEKLY, weekly, REC_ROLE_ADMIN); /* any_unit */
	weekly.project_uid = UID_NONE;
	REFUSE(REC_KIND_WEEKLY, weekly, "project_uid");
	assert_string_equal(err.msg, "项目不存在");
	weekly.project_uid = UID_BROKEN;
	assert_int_equal(check_as(REC_KIND_WEEKLY, &weekly.base, REC_ROLE_REPORTER), BS_E_DB);
	assert_string_equal(err.field, "");
	weekly.project_uid = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	REFUSE(REC_KIND_WEEKLY, weekly, "project_uid");
	weekly.project_uid = "aaaa";
	REFUSE(REC_KIND_WEEKLY, weekly, "project_uid");
	weekly.project_uid = UID_MINE "a";
	REFUSE(REC_KIND_WEEKLY, weekly, "project_uid");
	weekly.project_uid = "";
	REFUSE(REC_KIND_WEEKLY, weekly, "project_uid");
	/* Without a project lookup only the form is checked. */
	weekly.project_uid = UID_NONE;
	wc.lookup = NULL;
	ACCEPT(REC_KIND_WEEKLY, weekly);
	wc.lookup = &lookup;

	/* Every kind that names a project. */
	monthly.project_uid = UID_OTHER;
	REFUSE_AS(REC_KIND_MONTHLY, monthly, REC_ROLE_REPORTER, BS_E_FORBIDDEN, "project_uid");
	approval.project_uid = UID_OTHER;
	REFUSE_AS(REC_KIND_APPROVAL, approval, REC_ROLE_REPORTER, BS_E_FORBIDDEN, "project_uid");
	ACCEPT_AS(REC_KIND_APPROVAL, approval, REC_ROLE_ADMIN);
	approval.project_uid = "";
	REFUSE(REC_KIND_APPROVAL, approval, "project_uid");
	stats.project_uid = UID_OTHER;
	REFUSE_AS(REC_KIND_STATS, stats, REC_ROLE_REPORTER, BS_E_FORBIDDEN, "project_uid");
	ACCEPT_AS(REC_KIND_STATS, stats, REC_ROLE_STATISTICS); /* registers every unit's */
	stats.project_uid = "";
	REFUSE(REC_KIND_STATS, stats, "project_uid");
	deal.project_uid = UID_OTHER;
	REFUSE_AS(REC_KIND_DEAL, deal, REC_ROLE_REPORTER, BS_E_FORBIDDEN, "project_uid");
	deal.project_uid = UID_NONE;
	REFUSE(REC_KIND_DEAL, deal, "project_uid");
	deal.project_uid = ""; /* optional: not yet a project */
	ACCEPT(REC_KIND_DEAL, deal);
	funding.project_uid = UID_OTHER;
	REFUSE_AS(REC_KIND_FUNDING, funding, REC_ROLE_REPORTER, BS_E_FORBIDDEN, "project_uid");
	funding.project_uid = "";
	ACCEPT(REC_KIND_FUNDING, funding);
	problem.project_uid = UID_OTHER;
	REFUSE_AS(REC_KIND_PROBLEM, problem, REC_ROLE_REPORTER, BS_E_FORBIDDEN, "project_uid");
	ACCEPT_AS(REC_KIND_PROBLEM, problem, REC_ROLE_REVIEWER); /* the bureau's lists */
	problem.project_uid = "xyz";
	REFUSE_AS(REC_KIND_PROBLEM, problem, REC_ROLE_REVIEWER, BS_E_INVAL, "project_uid");
}

/* ---- weekly and monthly reports ---- */

static void test_weekly(void **state)
{
	int64_t monday;
	char wk[9];
	(void)state;

	ACCEPT(REC_KIND_WEEKLY, weekly);
	weekly.period = "2026-W25"; /* next week */
	REFUSE(REC_KIND_WEEKLY, weekly, "period");
	assert_string_equal(err.msg, "该报告周期尚未开始");
	weekly.period = "2026-W23";
	ACCEPT(REC_KIND_WEEKLY, weekly);
	weekly.period = "2026-W53"; /* 2026 has 53 weeks; still in the future */
	REFUSE(REC_KIND_WEEKLY, weekly, "period");
	weekly.period = "2025-W53"; /* 2025 has 52 */
	REFUSE(REC_KIND_WEEKLY, weekly, "period");
	assert_string_equal(err.msg, "周期格式应为 YYYY-Www（ISO 周）");
	weekly.period = "2026-24";
	REFUSE(REC_KIND_WEEKLY, weekly, "period");
	weekly.period = "";
	REFUSE(REC_KIND_WEEKLY, weekly, "period");

	/* The week begins Monday 00:00 Shanghai, not UTC. */
	assert_int_equal(period_parse_week("2026-W25", &monday), BS_OK);
	weekly.period = "2026-W25";
	wc.now_ms = period_local_midnight_ms(monday);
	ACCEPT(REC_KIND_WEEKLY, weekly);
	wc.now_ms = period_local_midnight_ms(monday) - 1;
	REFUSE(REC_KIND_WEEKLY, weekly, "period");
	period_format_week(period_local_days(wc.now_ms), wk);
	assert_string_equal(wk, "2026-W24");
	reset(state);
	weekly_init();

	/* Figures. */
	weekly.invested_period_fen = weekly.invested_ytd_fen + 1;
	REFUSE(REC_KIND_WEEKLY, weekly, "invested_period");
	weekly.invested_period_fen = weekly.invested_ytd_fen;
	ACCEPT(REC_KIND_WEEKLY, weekly);
	weekly.invested_ytd_fen = weekly.invested_total_fen + 1;
	REFUSE(REC_KIND_WEEKLY, weekly, "invested_ytd");
	weekly_init();
	weekly.invested_period_fen = -1;
	REFUSE(REC_KIND_WEEKLY, weekly, "invested_period");
	weekly_init();
	weekly.invested_total_fen = MONEY_MAX_FEN + 1;
	REFUSE(REC_KIND_WEEKLY, weekly, "invested_total");
	weekly_init();
	weekly.progress_percent = 101;
	REFUSE(REC_KIND_WEEKLY, weekly, "progress_percent");
	weekly.progress_percent = 100;
	ACCEPT(REC_KIND_WEEKLY, weekly);
	weekly.progress = "进度\x1b[31m";
	REFUSE(REC_KIND_WEEKLY, weekly, "progress");
	weekly_init();
	weekly.problems = "资金\x00"; /* a NUL ends the text */
	ACCEPT(REC_KIND_WEEKLY, weekly);
	weekly.problems = "\xff";
	REFUSE(REC_KIND_WEEKLY, weekly, "problems");
	weekly_init();

	/* At most the project's total investment. */
	weekly.invested_total_fen = PROJECT_TOTAL;
	ACCEPT(REC_KIND_WEEKLY, weekly);
	weekly.invested_total_fen = PROJECT_TOTAL + 1;
	REFUSE(REC_KIND_WEEKLY, weekly, "invested_total");
	assert_string_equal(err.msg, "累计完成投资超过项目总投资");
}

static void test_monthly(void **state)
{
	(void)state;

	ACCEPT(REC_KIND_MONTHLY, monthly);
	monthly.period = "2026-07";
	REFUSE(REC_KIND_MONTHLY, monthly, "period");
	assert_string_equal(err.msg, "该报告周期尚未开始");
	monthly.period = "2025-12";
	ACCEPT(REC_KIND_MONTHLY, monthly);
	monthly.period = "2026-13";
	REFUSE(REC_KIND_MONTHLY, monthly, "period");
	monthly.period = "2026-00";
	REFUSE(REC_KIND_MONTHLY, monthly, "period");
	monthly.period = "2026-6";
	REFUSE(REC_KIND_MONTHLY, monthly, "period");
	monthly.period = "2026-W24";
	REFUSE(REC_KIND_MONTHLY, monthly, "period");
	monthly.period = "2026-06-01";
	REFUSE(REC_KIND_MONTHLY, monthly, "period");

	/* July begins 1 July 00:00 Shanghai = 30 June 16:00 UTC. */
	monthly.period = "2026-07";
	wc.now_ms = local_ms(2026, 7, 1, 0);
	ACCEPT(REC_KIND_MONTHLY, monthly);
	wc.now_ms--;
	REFUSE(REC_KIND_MONTHLY, monthly, "period");
	reset(state);
	monthly_init();

	monthly.invested_period_fen = monthly.invested_ytd_fen + 1;
	REFUSE(REC_KIND_MONTHLY, monthly, "invested_period_fen");
	monthly_init();
	monthly.invested_ytd_fen = monthly.invested_total_fen + 1;
	REFUSE(REC_KIND_MONTHLY, monthly, "invested_ytd_fen");
	monthly_init();
	monthly.invested_ytd_fen = -1;
	REFUSE(REC_KIND_MONTHLY, monthly, "invested_ytd_fen");
	monthly_init();
	monthly.progress_percent = 1000;
	REFUSE(REC_KIND_MONTHLY, monthly, "progress_percent");
	monthly_init();
	monthly.invested_total_fen = PROJECT_TOTAL + 1;
	REFUSE(REC_KIND_MONTHLY, monthly, "invested_total_fen");
	monthly.project_uid = "";
	REFUSE(REC_KIND_MONTHLY, monthly, "project_uid");
}

/* ---- approval procedures ---- */

static void test_approval(void **state)
{
	char today[11], tomorrow[11];
	(void)state;

	period_format_date(period_local_days(now_ms), today);
	period_format_date(period_local_days(now_ms) + 1, tomorrow);

	ACCEPT(REC_KIND_APPROVAL, approval);
	approval.item = "";
	REFUSE(REC_KIND_APPROVAL, approval, "item");
	/* 100 bytes: 33 Chinese characters and one letter. */
	approval.item = "环评环评环评环评环评环评环评环评环评环评环评环评环评环评环评环评环a";
	assert_int_equal(strlen(approval.item), 100);
	ACCEPT(REC_KIND_APPROVAL, approval);
	approval.item = "环评环评环评环评环评环评环评环评环评环评环评环评环评环评环评环评环ab";
	REFUSE(REC_KIND_APPROVAL, approval, "item");
	approval_init();

	approval.level = BAOSONG__V1__APPROVAL_LEVEL__APPROVAL_LEVEL_UNSPECIFIED;
	REFUSE(REC_KIND_APPROVAL, approval, "level");
	approval.level = (Baosong__V1__ApprovalLevel)5;
	REFUSE(REC_KIND_APPROVAL, approval, "level");
	approval.level = BAOSONG__V1__APPROVAL_LEVEL__APPROVAL_NATIONAL;
	ACCEPT(REC_KIND_APPROVAL, approval);

	approval.deadline = "";
	REFUSE(REC_KIND_APPROVAL, approval, "deadline");
	approval.deadline = "2026-02-29";
	REFUSE(REC_KIND_APPROVAL, approval, "deadline");
	approval.deadline = "2027-03-10"; /* a deadline may lie ahead */
	ACCEPT(REC_KIND_APPROVAL, approval);
	approval_init();

	approval.status = BAOSONG__V1__ITEM_STATUS__ITEM_STATUS_UNSPECIFIED;
	REFUSE(REC_KIND_APPROVAL, approval, "status");
	approval.status = (Baosong__V1__ItemStatus)4;
	REFUSE(REC_KIND_APPROVAL, approval, "status");

	/* Done needs the day it was done, not after today. */
	approval.status = BAOSONG__V1__ITEM_STATUS__ITEM_DONE;
	REFUSE(REC_KIND_APPROVAL, approval, "done_date");
	approval.done_date = "2026-02-18";
	ACCEPT(REC_KIND_APPROVAL, approval);
	approval.done_date = today;
	ACCEPT(REC_KIND_APPROVAL, approval);
	approval.done_date = tomorrow;
	REFUSE(REC_KIND_APPROVAL, approval, "done_date");
	assert_string_equal(err.msg, "办结日期不能晚于今天");
	approval.done_date = "2026-2-18";
	REFUSE(REC_KIND_APPROVAL, approval, "done_date");
	/* ... and only done items have one. */
	approval.done_date = "2026-02-18";
	approval.status = BAOSONG__V1__ITEM_STATUS__ITEM_IN_PROGRESS;
	REFUSE(REC_KIND_APPROVAL, approval, "done_date");
	approval.status = BAOSONG__V1__ITEM_STATUS__ITEM_NOT_STARTED;
	REFUSE(REC_KIND_APPROVAL, approval, "done_date");
	approval.done_date = "";
	ACCEPT(REC_KIND_APPROVAL, approval);
	approval.note = "市局\x03";
	REFUSE(REC_KIND_APPROVAL, approval, "note");
}

/* ---- statistics registration ---- */

static void test_stats(void **state)
{
	(void)state;

	ACCEPT(REC_KIND_STATS, stats);
	stats.status = BAOSONG__V1__STATS_STATUS__STATS_STATUS_UNSPECIFIED;
	REFUSE(REC_KIND_STATS, stats, "status");
	stats.status = (Baosong__V1__StatsStatus)5;
	REFUSE(REC_KIND_STATS, stats, "status");

	/* Registered and returned are the Statistics Bureau's word. */
	stats.status = BAOSONG__V1__STATS_STATUS__STATS_REGISTERED;
	REFUSE_AS(REC_KIND_STATS, stats, REC_ROLE_REPORTER, BS_E_FORBIDDEN, "status");
	assert_string_equal(err.msg, "入库状态只能由统计部门变更");
	ACCEPT_AS(REC_KIND_STATS, stats, REC_ROLE_STATISTICS);
	ACCEPT_AS(REC_KIND_STATS, stats, REC_ROLE_ADMIN);
	assert_int_equal(check_data(REC_KIND_STATS, &stats.base), BS_OK);
	stats.status = BAOSONG__V1__STATS_STATUS__STATS_RETURNED;
	REFUSE_AS(REC_KIND_STATS, stats, REC_ROLE_REPORTER, BS_E_FORBIDDEN, "status");
	ACCEPT_AS(REC_KIND_STATS, stats, REC_ROLE_STATISTICS);
	stats.status = BAOSONG__V1__STATS_STATUS__STATS_NOT_REGISTERED;
	ACCEPT_AS(REC_KIND_STATS, stats, REC_ROLE_REPORTER);
	ACCEPT_AS(REC_KIND_STATS, stats, REC_ROLE_STATISTICS);

	/* Submitted needs evidence; not registered does not. */
	stats.n_evidence = 0;
	ACCEPT(REC_KIND_STATS, stats);
	stats.status = BAOSONG__V1__STATS_STATUS__STATS_SUBMITTED;
	REFUSE(REC_KIND_STATS, stats, "evidence");
	stats.n_evidence = 1;
	ACCEPT(REC_KIND_STATS, stats);
	stats_init();

	/* Each item: a kind and a 32-byte hash. */
	evid[2].kind = BAOSONG__V1__EVIDENCE_KIND__EVIDENCE_KIND_UNSPECIFIED;
	REFUSE(REC_KIND_STATS, stats, "evidence");
	evid[2].kind = (Baosong__V1__EvidenceKind)99;
	REFUSE(REC_KIND_STATS, stats, "evidence");
	stats_init();
	evid[4].hash.len = 31;
	REFUSE(REC_KIND_STATS, stats, "evidence");
	evid[4].hash.len = 0;
	REFUSE(REC_KIND_STATS, stats, "evidence");
	stats_init();
	evid[0].name = "文件\x01.pdf";
	REFUSE(REC_KIND_STATS, stats, "evidence");
	evid[0].name = "";
	ACCEPT(REC_KIND_STATS, stats);
	stats_init();
	stats.note = "补正：\n施工合同缺页";
	ACCEPT(REC_KIND_STATS, stats);
}

static void test_stats_complete(void **state)
{
	(void)state;

	assert_int_equal(records_stats_complete(&stats), 1);
	stats.n_evidence = 4;
	assert_int_equal(records_stats_complete(&stats), 0);
	/* Four kinds, one of them twice: still missing the photo. */
	stats.n_evidence = 5;
	evid[4].kind = BAOSONG__V1__EVIDENCE_KIND__EVIDENCE_PERMIT;
	assert_int_equal(records_stats_complete(&stats), 0);
	evid[4].kind = (Baosong__V1__EvidenceKind)9;
	assert_int_equal(records_stats_complete(&stats), 0);
	/* Order does not matter; extra items do not hurt. */
	stats_init();
	evidp[0] = &evid[4];
	evidp[4] = &evid[0];
	assert_int_equal(records_stats_complete(&stats), 1);
	evidp[0] = &evid[0];
	evidp[4] = &evid[4];
	stats.n_evidence = 0;
	assert_int_equal(records_stats_complete(&stats), 0);
}

/* ---- investment attraction ---- */

static void test_deal(void **state)
{
	(void)state;

	ACCEPT(REC_KIND_DEAL, deal);
	deal.partner = "";
	REFUSE(REC_KIND_DEAL, deal, "partner");
	deal_init();
	deal.sector = "能源\x7f";
	REFUSE(REC_KIND_DEAL, deal, "sector");
	deal_init();
	deal.contract_fen = -1;
	REFUSE(REC_KIND_DEAL, deal, "contract_fen");
	deal.contract_fen = MONEY_MAX_FEN + 1;
	REFUSE(REC_KIND_DEAL, deal, "contract_fen");
	deal_init();
	deal.stage = BAOSONG__V1__DEAL_STAGE__DEAL_STAGE_UNSPECIFIED;
	REFUSE(REC_KIND_DEAL, deal, "stage");
	deal.stage = (Baosong__V1__DealStage)5;
	REFUSE(REC_KIND_DEAL, deal, "stage");

	/* The signing date, from signed on. */
	deal.stage = BAOSONG__V1__DEAL_STAGE__DEAL_INTENTION;
	deal.signed_date = "";
	ACCEPT(REC_KIND_DEAL, deal);
	deal.stage = BAOSONG__V1__DEAL_STAGE__DEAL_SIGNED;
	REFUSE(REC_KIND_DEAL, deal, "signed_date");
	deal.stage = BAOSONG__V1__DEAL_STAGE__DEAL_PRODUCTION;
	REFUSE(REC_KIND_DEAL, deal, "signed_date");
	deal.signed_date = "2026-01-32";
	REFUSE(REC_KIND_DEAL, deal, "signed_date");
	deal.signed_date = "2026-01-31";
	ACCEPT(REC_KIND_DEAL, deal);
	deal_init();

	/* Funds in place, month by month. */
	funds[1].month = "2026-13";
	REFUSE(REC_KIND_DEAL, deal, "funds");
	funds[1].month = "202606";
	REFUSE(REC_KIND_DEAL, deal, "funds");
	funds[1].month = "2026-04"; /* the same month twice */
	REFUSE(REC_KIND_DEAL, deal, "funds");
	funds[1].month = "2026-07"; /* not yet */
	REFUSE(REC_KIND_DEAL, deal, "funds");
	funds[1].month = "2026-06"; /* this month */
	ACCEPT(REC_KIND_DEAL, deal);
	funds[1].amount_fen = -1;
	REFUSE(REC_KIND_DEAL, deal, "funds");
	funds[1].amount_fen = MONEY_MAX_FEN + 1;
	REFUSE(REC_KIND_DEAL, deal, "funds");
	funds[1].amount_fen = 0;
	ACCEPT(REC_KIND_DEAL, deal);
	/* At most the contract amount in all. */
	funds[1].amount_fen = deal.contract_fen - funds[0].amount_fen;
	ACCEPT(REC_KIND_DEAL, deal);
	funds[1].amount_fen++;
	REFUSE(REC_KIND_DEAL, deal, "funds");
	assert_string_equal(err.msg, "到位资金合计超过签约金额");
	deal.contract_fen = 0; /* amount not known: no cap */
	ACCEPT(REC_KIND_DEAL, deal);
	deal_init();
	deal.note = "履约\x02";
	REFUSE(REC_KIND_DEAL, deal, "note");
}

/* ---- upward funding ---- */

static void test_funding(void **state)
{
	(void)state;

	ACCEPT(REC_KIND_FUNDING, funding);
	funding.channel = BAOSONG__V1__FUNDING_CHANNEL__FUNDING_CHANNEL_UNSPECIFIED;
	REFUSE(REC_KIND_FUNDING, funding, "channel");
	funding.channel = (Baosong__V1__FundingChannel)8;
	REFUSE(REC_KIND_FUNDING, funding, "channel");
	funding_init();
	funding.title = "";
	REFUSE(REC_KIND_FUNDING, funding, "title");
	funding_init();
	funding.applied_fen = -1;
	REFUSE(REC_KIND_FUNDING, funding, "applied_fen");
	funding_init();
	funding.arrived_fen = MONEY_MAX_FEN + 1;
	REFUSE(REC_KIND_FUNDING, funding, "arrived_fen");
	funding_init();

	funding.approved_fen = funding.applied_fen + 1;
	REFUSE(REC_KIND_FUNDING, funding, "approved_fen");
	funding.approved_fen = funding.applied_fen;
	ACCEPT(REC_KIND_FUNDING, funding);
	funding.arrived_fen = funding.approved_fen + 1;
	REFUSE(REC_KIND_FUNDING, funding, "arrived_fen");
	funding.arrived_fen = funding.approved_fen;
	ACCEPT(REC_KIND_FUNDING, funding);
	funding_init();

	funding.status = BAOSONG__V1__FUNDING_STATUS__FUNDING_STATUS_UNSPECIFIED;
	REFUSE(REC_KIND_FUNDING, funding, "status");
	funding.status = (Baosong__V1__FundingStatus)6;
	REFUSE(REC_KIND_FUNDING, funding, "status");
	/* Approved needs an approved amount, arrived an arrived one. */
	funding.status = BAOSONG__V1__FUNDING_STATUS__FUNDING_APPROVED;
	funding.arrived_fen = 0;
	ACCEPT(REC_KIND_FUNDING, funding);
	funding.approved_fen = 0;
	REFUSE(REC_KIND_FUNDING, funding, "approved_fen");
	funding_init();
	funding.arrived_fen = 0;
	REFUSE(REC_KIND_FUNDING, funding, "arrived_fen");
	funding.status = BAOSONG__V1__FUNDING_STATUS__FUNDING_SUBMITTED;
	funding.approved_fen = 0;
	ACCEPT(REC_KIND_FUNDING, funding);
	funding_init();

	funding.applied_date = "2026-04-31";
	REFUSE(REC_KIND_FUNDING, funding, "applied_date");
	funding.applied_date = "";
	ACCEPT(REC_KIND_FUNDING, funding);
}

/* ---- problem lists ---- */

static void test_problem(void **state)
{
	char tomorrow[11];
	(void)state;

	period_format_date(period_local_days(now_ms) + 1, tomorrow);
	ACCEPT(REC_KIND_PROBLEM, problem);
	problem.category = BAOSONG__V1__PROBLEM_CATEGORY__PROBLEM_CATEGORY_UNSPECIFIED;
	REFUSE(REC_KIND_PROBLEM, problem, "category");
	problem.category = (Baosong__V1__ProblemCategory)8;
	REFUSE(REC_KIND_PROBLEM, problem, "category");
	problem_init();
	problem.status = BAOSONG__V1__PROBLEM_STATUS__PROBLEM_STATUS_UNSPECIFIED;
	REFUSE(REC_KIND_PROBLEM, problem, "status");
	problem_init();
	problem.description = "";
	REFUSE(REC_KIND_PROBLEM, problem, "description");
	problem.description = "一、用地\n二、资金";
	ACCEPT(REC_KIND_PROBLEM, problem);
	problem_init();
	problem.deadline = "2026-06-31";
	REFUSE(REC_KIND_PROBLEM, problem, "deadline");
	problem.deadline = "";
	ACCEPT(REC_KIND_PROBLEM, problem);
	problem_init();

	/* Resolved needs how and when. */
	problem.status = BAOSONG__V1__PROBLEM_STATUS__PROBLEM_RESOLVED;
	REFUSE(REC_KIND_PROBLEM, problem, "resolution");
	problem.resolution = "县自然资源局调剂用地指标";
	REFUSE(REC_KIND_PROBLEM, problem, "resolved_date");
	problem.resolved_date = "2026-06-01";
	ACCEPT(REC_KIND_PROBLEM, problem);
	problem.resolved_date = "2026-6-1";
	REFUSE(REC_KIND_PROBLEM, problem, "resolved_date");
	problem.resolved_date = tomorrow;
	REFUSE(REC_KIND_PROBLEM, problem, "resolved_date");
	problem_init();

	/* The assigned unit must exist. */
	problem.assigned_unit = "nosuchunit";
	REFUSE(REC_KIND_PROBLEM, problem, "assigned_unit");
	assert_string_equal(err.msg, "单位不存在");
	problem.assigned_unit = "";
	ACCEPT(REC_KIND_PROBLEM, problem);
	problem.project_uid = ""; /* a problem of no one project */
	ACCEPT(REC_KIND_PROBLEM, problem);
}

/* ---- targets, leaders, units ---- */

static void test_target(void **state)
{
	static const char *const good[] = {"2026", "2026-Q1", "2026-Q4", "2000", "2100"};
	static const char *const bad[] = {"",        "26",       "2026-Q0", "2026-Q5", "2026-06",
					  "2026Q2",  "2026-q2",  "1999",    "2101",    "2026-Q2 ",
					  "2026-H1", "２０２６"};
	size_t i;
	(void)state;

	REFUSE_AS(REC_KIND_TARGET, target, REC_ROLE_REPORTER, BS_E_FORBIDDEN, "kind");
	ACCEPT_AS(REC_KIND_TARGET, target, REC_ROLE_ADMIN);
	target.unit_code = "";
	REFUSE_AS(REC_KIND_TARGET, target, REC_ROLE_ADMIN, BS_E_INVAL, "unit_code");
	target.unit_code = "nosuchunit";
	REFUSE_AS(REC_KIND_TARGET, target, REC_ROLE_ADMIN, BS_E_INVAL, "unit_code");
	assert_string_equal(err.msg, "单位不存在");
	target_init();

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		target.period = (char *)good[i];
		ACCEPT_AS(REC_KIND_TARGET, target, REC_ROLE_ADMIN);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		target.period = (char *)bad[i];
		REFUSE_AS(REC_KIND_TARGET, target, REC_ROLE_ADMIN, BS_E_INVAL, "period");
	}
	target_init();

	target.fai_fen = -1;
	REFUSE_AS(REC_KIND_TARGET, target, REC_ROLE_ADMIN, BS_E_INVAL, "fai_fen");
	target_init();
	target.attraction_fen = MONEY_MAX_FEN + 1;
	REFUSE_AS(REC_KIND_TARGET, target, REC_ROLE_ADMIN, BS_E_INVAL, "attraction_fen");
	target_init();
	target.upward_fen = -1;
	REFUSE_AS(REC_KIND_TARGET, target, REC_ROLE_ADMIN, BS_E_INVAL, "upward_fen");
	target_init();

	target.growth_bp = -10000;
	ACCEPT_AS(REC_KIND_TARGET, target, REC_ROLE_ADMIN);
	target.growth_bp = -10001;
	REFUSE_AS(REC_KIND_TARGET, target, REC_ROLE_ADMIN, BS_E_INVAL, "growth_bp");
	target.growth_bp = 100000;
	ACCEPT_AS(REC_KIND_TARGET, target, REC_ROLE_ADMIN);
	target.growth_bp = 100001;
	REFUSE_AS(REC_KIND_TARGET, target, REC_ROLE_ADMIN, BS_E_INVAL, "growth_bp");
}

static void test_leader(void **state)
{
	(void)state;

	ACCEPT_AS(REC_KIND_LEADER, leader, REC_ROLE_ADMIN);
	leader.name = "";
	REFUSE_AS(REC_KIND_LEADER, leader, REC_ROLE_ADMIN, BS_E_INVAL, "name");
	leader_init();
	leader.title = "";
	leader.phone = "";
	ACCEPT_AS(REC_KIND_LEADER, leader, REC_ROLE_ADMIN);
	leader.title = "副县长\t";
	REFUSE_AS(REC_KIND_LEADER, leader, REC_ROLE_ADMIN, BS_E_INVAL, "title");
	leader_init();
	leader.phone = "029-8888 1234";
	ACCEPT_AS(REC_KIND_LEADER, leader, REC_ROLE_ADMIN);
	leader.phone = "12345678901234567890123456789012"; /* 32 */
	ACCEPT_AS(REC_KIND_LEADER, leader, REC_ROLE_ADMIN);
	leader.phone = "123456789012345678901234567890123"; /* 33 */
	REFUSE_AS(REC_KIND_LEADER, leader, REC_ROLE_ADMIN, BS_E_INVAL, "phone");
	leader.phone = "139 1234 5678 ext 5";
	REFUSE_AS(REC_KIND_LEADER, leader, REC_ROLE_ADMIN, BS_E_INVAL, "phone");
	leader.phone = "１３９";
	REFUSE_AS(REC_KIND_LEADER, leader, REC_ROLE_ADMIN, BS_E_INVAL, "phone");
}

static int check_unit(void)
{
	return check_data(REC_KIND_UNIT, &unit.base);
}

static void test_unit(void **state)
{
	static const char *const good[] = {"chengguan", "fgj", "a.b_c-1", "0",
					   "abcdefghijklmnopqrstuvwxyz012345"};
	static const char *const bad[] = {"", "Chengguan", "城关", "cheng guan", "a/b",
					  "abcdefghijklmnopqrstuvwxyz0123456"};
	size_t i;
	(void)state;

	assert_int_equal(check_unit(), BS_OK);
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		unit.code = (char *)good[i];
		expect_ok(check_unit(), __LINE__);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unit.code = (char *)bad[i];
		expect_refused(check_unit(), BS_E_INVAL, "code", __LINE__);
	}
	unit_init();
	unit.name = "";
	expect_refused(check_unit(), BS_E_INVAL, "name", __LINE__);
	unit_init();
	unit.type = BAOSONG__V1__UNIT_TYPE__UNIT_TYPE_UNSPECIFIED;
	expect_refused(check_unit(), BS_E_INVAL, "type", __LINE__);
	unit.type = (Baosong__V1__UnitType)5;
	expect_refused(check_unit(), BS_E_INVAL, "type", __LINE__);
	unit.type = BAOSONG__V1__UNIT_TYPE__UNIT_SOE;
	expect_ok(check_unit(), __LINE__);
	unit.region = "61012";
	expect_refused(check_unit(), BS_E_INVAL, "region", __LINE__);
	unit.region = "6101234";
	expect_refused(check_unit(), BS_E_INVAL, "region", __LINE__);
	unit.region = "61012a";
	expect_refused(check_unit(), BS_E_INVAL, "region", __LINE__);
	unit.region = "";
	expect_refused(check_unit(), BS_E_INVAL, "region", __LINE__);
	unit.region = "000000";
	expect_ok(check_unit(), __LINE__);
}

/* ---- derived: flags, deadlines, overdue ---- */

static void test_flags(void **state)
{
	static const int started[] = {
		BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START,
		BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING,
		BAOSONG__V1__PROJECT_STAGE__STAGE_COMPLETED,
		BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING,
	};
	static const int not_started[] = {
		BAOSONG__V1__PROJECT_STAGE__STAGE_UNSPECIFIED,
		BAOSONG__V1__PROJECT_STAGE__STAGE_RESERVE,
		BAOSONG__V1__PROJECT_STAGE__STAGE_PREPARATION,
		BAOSONG__V1__PROJECT_STAGE__STAGE_SUSPENDED,
		8,
		-1,
	};
	int over = -1, major = -1;
	size_t i;
	(void)state;

	assert_int_equal(REC_STATS_THRESHOLD_FEN, WAN(500));
	assert_int_equal(REC_MAJOR_THRESHOLD_FEN, FEN_PER_YI);
	records_project_flags(WAN(500) - 1, &over, &major);
	assert_int_equal(over, 0);
	assert_int_equal(major, 0);
	records_project_flags(WAN(500), &over, &major);
	assert_int_equal(over, 1);
	assert_int_equal(major, 0);
	records_project_flags(FEN_PER_YI - 1, &over, &major);
	assert_int_equal(over, 1);
	assert_int_equal(major, 0);
	records_project_flags(FEN_PER_YI, &over, &major);
	assert_int_equal(over, 1);
	assert_int_equal(major, 1);
	records_project_flags(0, &over, NULL);
	assert_int_equal(over, 0);
	records_project_flags(MONEY_MAX_FEN, NULL, &major);
	assert_int_equal(major, 1);

	for (i = 0; i < sizeof started / sizeof started[0]; i++) {
		assert_int_equal(records_project_needs_stats(WAN(500), started[i]), 1);
		assert_int_equal(records_project_needs_stats(FEN_PER_YI * 3, started[i]), 1);
		assert_int_equal(records_project_needs_stats(WAN(500) - 1, started[i]), 0);
	}
	for (i = 0; i < sizeof not_started / sizeof not_started[0]; i++)
		assert_int_equal(records_project_needs_stats(FEN_PER_YI, not_started[i]), 0);
}

static void test_deadlines(void **state)
{
	int64_t monday, d = 12345;
	char day[11];
	(void)state;

	/* 2026-W24: Monday 8 June; Friday 12 June 12:00 Shanghai = 04:00 UTC. */
	assert_int_equal(period_parse_week("2026-W24", &monday), BS_OK);
	period_format_date(monday, day);
	assert_string_equal(day, "2026-06-08");
	assert_int_equal(records_weekly_deadline_ms(monday), local_ms(2026, 6, 12, 12));
	assert_int_equal(records_weekly_deadline_ms(monday),
			 period_days_from_civil(2026, 6, 12) * DAY_MS + 4 * HOUR_MS);
	/* A week across the new year: 2026-W01 is 29 Dec 2025 .. 4 Jan 2026. */
	assert_int_equal(period_parse_week("2026-W01", &monday), BS_OK);
	assert_int_equal(records_weekly_deadline_ms(monday), local_ms(2026, 1, 2, 12));

	/* Monthly: 12:00 on the 5th of the next month. */
	assert_int_equal(records_monthly_deadline("2026-06", &d), BS_OK);
	assert_int_equal(d, local_ms(2026, 7, 5, 12));
	assert_int_equal(records_monthly_deadline("2026-01", &d), BS_OK); /* 31 days */
	assert_int_equal(d, local_ms(2026, 2, 5, 12));
	assert_int_equal(records_monthly_deadline("2024-02", &d), BS_OK); /* leap February */
	assert_int_equal(d, local_ms(2024, 3, 5, 12));
	assert_int_equal(records_monthly_deadline("2025-12", &d), BS_OK); /* December */
	assert_int_equal(d, local_ms(2026, 1, 5, 12));
	assert_int_equal(d, period_days_from_civil(2026, 1, 5) * DAY_MS + 4 * HOUR_MS);
	d = 12345;
	assert_int_equal(records_monthly_deadline("2025-13", &d), BS_E_INVAL);
	assert_int_equal(records_monthly_deadline("2025-1", &d), BS_E_INVAL);
	assert_int_equal(records_monthly_deadline("", &d), BS_E_INVAL);
	assert_int_equal(records_monthly_deadline(NULL, &d), BS_E_INVAL);
	assert_int_equal(d, 12345);
}

static void test_overdue(void **state)
{
	int64_t t = local_ms(2026, 2, 20, 0);
	(void)state;

	approval.deadline = "2026-02-20";
	approval.status = BAOSONG__V1__ITEM_STATUS__ITEM_IN_PROGRESS;
	/* Overdue from the day after the deadline, Shanghai time. */
	assert_int_equal(records_approval_overdue(&approval, t), 0);
	assert_int_equal(records_approval_overdue(&approval, t + DAY_MS - 1), 0);
	assert_int_equal(records_approval_overdue(&approval, t + DAY_MS), 1);
	assert_int_equal(records_approval_overdue(&approval, t - 1), 0);
	assert_int_equal(records_approval_overdue(&approval, now_ms), 1);
	approval.status = BAOSONG__V1__ITEM_STATUS__ITEM_NOT_STARTED;
	assert_int_equal(records_approval_overdue(&approval, now_ms), 1);
	/* Done is never overdue. */
	approval.status = BAOSONG__V1__ITEM_STATUS__ITEM_DONE;
	approval.done_date = "2026-03-01";
	assert_int_equal(records_approval_overdue(&approval, now_ms), 0);
	/* No usable deadline: nothing to chase. */
	approval.status = BAOSONG__V1__ITEM_STATUS__ITEM_IN_PROGRESS;
	approval.deadline = "";
	assert_int_equal(records_approval_overdue(&approval, now_ms), 0);
	approval.deadline = "2026-02-30";
	assert_int_equal(records_approval_overdue(&approval, now_ms), 0);
}

/* ---- enum values in words ---- */

static const struct enum_case {
	const ProtobufCEnumDescriptor *d;
	const char *prefix;
} enums[] = {
	{&baosong__v1__role__descriptor, "ROLE_"},
	{&baosong__v1__unit_type__descriptor, "UNIT_"},
	{&baosong__v1__review_status__descriptor, "REVIEW_"},
	{&baosong__v1__op_status__descriptor, "OP_"},
	{&baosong__v1__review_action__descriptor, "REVIEW_"},
	{&baosong__v1__project_stage__descriptor, "STAGE_"},
	{&baosong__v1__approval_level__descriptor, "APPROVAL_"},
	{&baosong__v1__item_status__descriptor, "ITEM_"},
	{&baosong__v1__evidence_kind__descriptor, "EVIDENCE_"},
	{&baosong__v1__stats_status__descriptor, "STATS_"},
	{&baosong__v1__deal_stage__descriptor, "DEAL_"},
	{&baosong__v1__funding_channel__descriptor, "CHANNEL_"},
	{&baosong__v1__funding_status__descriptor, "FUNDING_"},
	{&baosong__v1__problem_category__descriptor, "PROBLEM_"},
	{&baosong__v1__problem_status__descriptor, "PROBLEM_"},
};

static int parse(const ProtobufCEnumDescriptor *d, const char *text)
{
	int v = -12345;
	if (records_enum_parse(d, text, &v) != BS_OK)
		return -1;
	return v;
}

static void test_enum_round_trip(void **state)
{
	size_t i, j, k;
	(void)state;

	for (i = 0; i < sizeof enums / sizeof enums[0]; i++) {
		const ProtobufCEnumDescriptor *d = enums[i].d;
		for (j = 0; j < d->n_values; j++) {
			const ProtobufCEnumValue *ev = &d->values[j];
			const char *label = records_enum_label(d, ev->value);
			char lower[64], shortname[64];
			size_t plen = strlen(enums[i].prefix), n = strlen(ev->name);

			/* A Chinese label, distinct within the enum. */
			assert_non_null(label);
			assert_true((unsigned char)label[0] >= 0x80);
			for (k = 0; k < j; k++)
				assert_string_not_equal(label,
							records_enum_label(d, d->values[k].value));
			assert_int_equal(parse(d, label), ev->value);

			/* The full name, in any case. */
			assert_int_equal(parse(d, ev->name), ev->value);
			assert_true(n < sizeof lower);
			for (k = 0; k <= n; k++)
				lower[k] = (char)tolower((unsigned char)ev->name[k]);
			assert_int_equal(parse(d, lower), ev->value);

			/* The short name. */
			if (n > 12 && strcmp(ev->name + n - 12, "_UNSPECIFIED") == 0) {
				snprintf(shortname, sizeof shortname, "unspecified");
			} else {
				assert_memory_equal(ev->name, enums[i].prefix, plen);
				snprintf(shortname, sizeof shortname, "%s", lower + plen);
			}
			if (parse(d, shortname) != ev->value)
				print_error("%s: short name %s\n", ev->name, shortname);
			assert_int_equal(parse(d, shortname), ev->value);
		}
		/* Values the enum does not have. */
		assert_null(records_enum_label(d, (int)d->n_values));
		assert_null(records_enum_label(d, -1));
		assert_int_equal(parse(d, ""), -1);
		assert_int_equal(parse(d, "   "), -1);
		assert_int_equal(parse(d, "nonsense"), -1);
		assert_int_equal(parse(d, "1"), -1);
	}
	assert_null(records_enum_label(NULL, 1));
	assert_int_equal(parse(NULL, "county"), -1);
}

static void test_enum_examples(void **state)
{
	static const struct {
		const ProtobufCEnumDescriptor *d;
		int value;
		const char *zh, *shortname;
	} ex[] = {
		{&baosong__v1__project_stage__descriptor,
		 BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING, "续建", "continuing"},
		{&baosong__v1__project_stage__descriptor, BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START,
		 "新开工", "new_start"},
		{&baosong__v1__approval_level__descriptor,
		 BAOSONG__V1__APPROVAL_LEVEL__APPROVAL_COUNTY, "县级", "county"},
		{&baosong__v1__evidence_kind__descriptor,
		 BAOSONG__V1__EVIDENCE_KIND__EVIDENCE_PERMIT, "施工许可证", "permit"},
		{&baosong__v1__deal_stage__descriptor, BAOSONG__V1__DEAL_STAGE__DEAL_SIGNED, "签约",
		 "signed"},
		{&baosong__v1__funding_channel__descriptor,
		 BAOSONG__V1__FUNDING_CHANNEL__CHANNEL_SPECIAL_BONDS, "专项债券", "special_bonds"},
		{&baosong__v1__problem_category__descriptor,
		 BAOSONG__V1__PROBLEM_CATEGORY__PROBLEM_LAND, "用地", "land"},
		{&baosong__v1__funding_status__descriptor,
		 BAOSONG__V1__FUNDING_STATUS__FUNDING_ARRIVED, "已到位", "arrived"},
		{&baosong__v1__stats_status__descriptor,
		 BAOSONG__V1__STATS_STATUS__STATS_REGISTERED, "已入库", "registered"},
		{&baosong__v1__item_status__descriptor, BAOSONG__V1__ITEM_STATUS__ITEM_DONE, "已办结",
		 "done"},
		{&baosong__v1__review_status__descriptor,
		 BAOSONG__V1__REVIEW_STATUS__REVIEW_RETURNED, "退回", "returned"},
		{&baosong__v1__unit_type__descriptor, BAOSONG__V1__UNIT_TYPE__UNIT_TOWNSHIP, "乡镇",
		 "township"},
		{&baosong__v1__role__descriptor, BAOSONG__V1__ROLE__ROLE_STATISTICS, "统计",
		 "statistics"},
	};
	size_t i;
	(void)state;

	for (i = 0; i < sizeof ex / sizeof ex[0]; i++) {
		assert_string_equal(records_enum_label(ex[i].d, ex[i].value), ex[i].zh);
		assert_int_equal(parse(ex[i].d, ex[i].zh), ex[i].value);
		assert_int_equal(parse(ex[i].d, ex[i].shortname), ex[i].value);
	}
	/* Variants people write, blanks around, mixed case. */
	assert_int_equal(parse(&baosong__v1__project_stage__descriptor, "投产"),
			 BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING);
	assert_int_equal(parse(&baosong__v1__project_stage__descriptor, "运营"),
			 BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING);
	assert_int_equal(parse(&baosong__v1__project_stage__descriptor, "投产/运营"),
			 BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING);
	assert_int_equal(parse(&baosong__v1__unit_type__descriptor, "街道"),
			 BAOSONG__V1__UNIT_TYPE__UNIT_TOWNSHIP);
	assert_int_equal(parse(&baosong__v1__funding_channel__descriptor, "超长期特别国债"),
			 BAOSONG__V1__FUNDING_CHANNEL__CHANNEL_TREASURY_BONDS);
	assert_int_equal(parse(&baosong__v1__project_stage__descriptor, "  续建\r\n"),
			 BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING);
	assert_int_equal(parse(&baosong__v1__approval_level__descriptor, "\tCounty "),
			 BAOSONG__V1__APPROVAL_LEVEL__APPROVAL_COUNTY);
	assert_int_equal(parse(&baosong__v1__approval_level__descriptor, "Approval_Province"),
			 BAOSONG__V1__APPROVAL_LEVEL__APPROVAL_PROVINCE);
	/* A word of another enum, a prefix, a name with its prefix half off. */
	assert_int_equal(parse(&baosong__v1__approval_level__descriptor, "续建"), -1);
	assert_int_equal(parse(&baosong__v1__deal_stage__descriptor, "continuing"), -1);
	assert_int_equal(parse(&baosong__v1__project_stage__descriptor, "续"), -1);
	assert_int_equal(parse(&baosong__v1__project_stage__descriptor, "contin"), -1);
	assert_int_equal(parse(&baosong__v1__project_stage__descriptor, "GE_CONTINUING"), -1);
	assert_int_equal(parse(&baosong__v1__approval_level__descriptor, "level_unspecified"),
			 -1);
	assert_int_equal(parse(&baosong__v1__approval_level__descriptor, "unspecified"), 0);
	/* The value is left alone when parsing fails. */
	{
		int v = 77;
		assert_int_equal(records_enum_parse(&baosong__v1__deal_stage__descriptor, "x", &v),
				 BS_E_INVAL);
		assert_int_equal(v, 77);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_kinds, setup),
		cmocka_unit_test_setup(test_every_kind_valid, setup),
		cmocka_unit_test_setup(test_roles, setup),
		cmocka_unit_test_setup(test_kind_size_decode, setup),
		cmocka_unit_test_setup(test_project_text, setup),
		cmocka_unit_test_setup(test_project_code, setup),
		cmocka_unit_test_setup(test_project_numbers_dates, setup),
		cmocka_unit_test_setup(test_project_funding_units, setup),
		cmocka_unit_test_setup(test_chinese_round_trip, setup),
		cmocka_unit_test_setup(test_project_references, setup),
		cmocka_unit_test_setup(test_weekly, setup),
		cmocka_unit_test_setup(test_monthly, setup),
		cmocka_unit_test_setup(test_approval, setup),
		cmocka_unit_test_setup(test_stats, setup),
		cmocka_unit_test_setup(test_stats_complete, setup),
		cmocka_unit_test_setup(test_deal, setup),
		cmocka_unit_test_setup(test_funding, setup),
		cmocka_unit_test_setup(test_problem, setup),
		cmocka_unit_test_setup(test_target, setup),
		cmocka_unit_test_setup(test_leader, setup),
		cmocka_unit_test_setup(test_unit, setup),
		cmocka_unit_test_setup(test_flags, setup),
		cmocka_unit_test_setup(test_deadlines, setup),
		cmocka_unit_test_setup(test_overdue, setup),
		cmocka_unit_test_setup(test_enum_round_trip, setup),
		cmocka_unit_test_setup(test_enum_examples, setup),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
