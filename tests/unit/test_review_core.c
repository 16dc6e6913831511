/* test_review_core.c - what the reviewer's and the leader's pages read
 * from the local database (client/core): the same project's report of
 * the period before (review_previous: the ISO week before, across a
 * 53-week year; the month before, across a year), and the county at a
 * glance per unit (county_load: projects, this week's reports owed and
 * missing, late reports, overdue approval steps, open problems). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "county.h"
#include "err.h"
#include "localdb.h"
#include "period.h"
#include "records.h"
#include "review.h"

static char dir[64], path[128];
static struct localdb *db;

/* A record as the server sends it: kind, uid, unit, the message packed. */
static void put_status(const char *kind, const char *uid, int64_t unit,
		       const ProtobufCMessage *m, int64_t created_at, int status);

static void put(const char *kind, const char *uid, int64_t unit, const ProtobufCMessage *m,
		int64_t created_at)
{
	put_status(kind, uid, unit, m, created_at, 0);
}

/* The same, in review state status (the protocol's ReviewStatus). */
static void put_status(const char *kind, const char *uid, int64_t unit,
		       const ProtobufCMessage *m, int64_t created_at, int status)
{
	struct lrecord r;
	uint8_t buf[4096];
	size_t n = protobuf_c_message_get_packed_size(m);

	assert_true(n <= sizeof buf);
	protobuf_c_message_pack(m, buf);
	memset(&r, 0, sizeof r);
	snprintf(r.kind, sizeof r.kind, "%s", kind);
	snprintf(r.uid, sizeof r.uid, "%s", uid);
	r.unit_id = unit;
	r.rev = 1;
	r.updated_at = created_at;
	r.created_at = created_at;
	r.complete_at = created_at;
	r.review_status = status;
	r.data = buf;
	r.data_len = n;
	assert_int_equal(localdb_apply_remote(db, &r), BS_OK);
}

static void unit(const char *uid, int64_t id, const char *code, const char *name)
{
	Baosong__V1__UnitInfo u = BAOSONG__V1__UNIT_INFO__INIT;
	u.code = (char *)code;
	u.name = (char *)name;
	u.type = BAOSONG__V1__UNIT_TYPE__UNIT_TOWNSHIP;
	put(REC_KIND_UNIT, uid, id, &u.base, 1);
}

static void project(const char *uid, int64_t unit_id, int stage)
{
	Baosong__V1__Project p = BAOSONG__V1__PROJECT__INIT;
	p.name = (char *)"项目";
	p.stage = (Baosong__V1__ProjectStage)stage;
	put(REC_KIND_PROJECT, uid, unit_id, &p.base, 1);
}

static void weekly(const char *uid, int64_t unit_id, const char *proj, const char *week,
		   int64_t received)
{
	Baosong__V1__WeeklyReport w = BAOSONG__V1__WEEKLY_REPORT__INIT;
	w.project_uid = (char *)proj;
	w.period = (char *)week;
	put(REC_KIND_WEEKLY, uid, unit_id, &w.base, received);
}

static void monthly(const char *uid, const char *proj, const char *month)
{
	Baosong__V1__MonthlyReport m = BAOSONG__V1__MONTHLY_REPORT__INIT;
	m.project_uid = (char *)proj;
	m.period = (char *)month;
	put(REC_KIND_MONTHLY, uid, 5, &m.base, 1);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/bs-reviewcore-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/local.db", dir);
	return localdb_open(path, &db) == BS_OK ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	localdb_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#define P1 "11111111111111111111111111111111"
#define P2 "22222222222222222222222222222222"

static void test_previous(void **state)
{
	char prev[REC_UID_LEN + 1];

	(void)state;
	project(P1, 5, BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING);
	project(P2, 5, BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING);
	weekly("a0000000000000000000000000000001", 5, P1, "2026-W52", 1);
	weekly("a0000000000000000000000000000002", 5, P1, "2026-W53", 1);
	weekly("a0000000000000000000000000000003", 5, P1, "2027-W01", 1);
	weekly("a0000000000000000000000000000004", 5, P2, "2026-W53", 1); /* another project */
	weekly("a0000000000000000000000000000005", 5, P2, "2027-W02", 1); /* W01 missing */
	monthly("b0000000000000000000000000000001", P1, "2026-12");
	monthly("b0000000000000000000000000000002", P1, "2027-01");

	/* 2027-W01 follows 2026-W53 (2026 has 53 ISO weeks), of its own project. */
	assert_int_equal(review_previous(db, "a0000000000000000000000000000003", prev), BS_OK);
	assert_string_equal(prev, "a0000000000000000000000000000002");
	assert_int_equal(review_previous(db, "a0000000000000000000000000000002", prev), BS_OK);
	assert_string_equal(prev, "a0000000000000000000000000000001");
	/* The week before 2027-W02 has no report of P2: none, not another week's. */
	assert_int_equal(review_previous(db, "a0000000000000000000000000000005", prev),
			 BS_E_NOTFOUND);
	assert_string_equal(prev, "");
	/* January follows December of the year before. */
	assert_int_equal(review_previous(db, "b0000000000000000000000000000002", prev), BS_OK);
	assert_string_equal(prev, "b0000000000000000000000000000001");
	assert_int_equal(review_previous(db, "b0000000000000000000000000000001", prev),
			 BS_E_NOTFOUND);
	/* Not a report; not here. */
	assert_int_equal(review_previous(db, P1, prev), BS_E_NOTFOUND);
	assert_int_equal(review_previous(db, "ffffffffffffffffffffffffffffffff", prev),
			 BS_E_NOTFOUND);
}

static void test_county(void **state)
{
	Baosong__V1__ApprovalItem ap = BAOSONG__V1__APPROVAL_ITEM__INIT;
	Baosong__V1__Problem pr = BAOSONG__V1__PROBLEM__INIT;
	struct county c;
	int64_t now, monday, last_deadline;
	char week[9], lastweek[9];

	(void)state;
	/* Wednesday 2026-11-18 10:00 Beijing: this week 2026-W47, due Friday 12:00. */
	assert_int_equal(period_parse_local_time("2026-11-18 10:00", 0, &now), BS_OK);
	period_format_week(period_local_days(now), week);
	assert_string_equal(week, "2026-W47");
	assert_int_equal(period_parse_week(week, &monday), BS_OK);
	period_format_week(monday - 7, lastweek);
	last_deadline = period_weekly_deadline_ms(monday - 7);

	unit("c0000000000000000000000000000001", 5, "xinzhen", "新镇");
	unit("c0000000000000000000000000000002", 6, "dongguan", "东关街道");
	unit("c0000000000000000000000000000003", 7, "nothing", "没有项目的单位");
	project(P1, 5, BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING);
	project(P2, 5, BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START);
	project("33333333333333333333333333333333", 5, BAOSONG__V1__PROJECT_STAGE__STAGE_RESERVE);
	project("44444444444444444444444444444444", 6, BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING);
	/* 新镇: P1 reported this week; last week's came a minute late. */
	weekly("d0000000000000000000000000000001", 5, P1, week, now);
	weekly("d0000000000000000000000000000002", 5, P1, lastweek, last_deadline + 60000);
	/* 东关: last week's on time, nothing this week yet. */
	weekly("d0000000000000000000000000000003", 6, "44444444444444444444444444444444", lastweek,
	       last_deadline - 60000);
	/* 新镇: one approval step overdue, one not yet due, one done late. */
	ap.project_uid = (char *)P1;
	ap.item = (char *)"用地预审";
	ap.status = BAOSONG__V1__ITEM_STATUS__ITEM_IN_PROGRESS;
	ap.deadline = (char *)"2026-11-10";
	put(REC_KIND_APPROVAL, "e0000000000000000000000000000001", 5, &ap.base, 1);
	ap.deadline = (char *)"2026-12-10";
	put(REC_KIND_APPROVAL, "e0000000000000000000000000000002", 5, &ap.base, 1);
	ap.deadline = (char *)"2026-11-10";
	ap.status = BAOSONG__V1__ITEM_STATUS__ITEM_DONE;
	ap.done_date = (char *)"2026-11-12";
	put(REC_KIND_APPROVAL, "e0000000000000000000000000000003", 5, &ap.base, 1);
	/* 东关: one problem open, one in progress, one resolved. */
	pr.project_uid = (char *)"44444444444444444444444444444444";
	pr.description = (char *)"征地拆迁";
	pr.status = BAOSONG__V1__PROBLEM_STATUS__PROBLEM_OPEN;
	put(REC_KIND_PROBLEM, "f0000000000000000000000000000001", 6, &pr.base, 1);
	pr.status = BAOSONG__V1__PROBLEM_STATUS__PROBLEM_IN_PROGRESS;
	put(REC_KIND_PROBLEM, "f0000000000000000000000000000002", 6, &pr.base, 1);
	pr.status = BAOSONG__V1__PROBLEM_STATUS__PROBLEM_RESOLVED;
	pr.resolution = (char *)"已解决";
	put(REC_KIND_PROBLEM, "f0000000000000000000000000000003", 6, &pr.base, 1);

	assert_int_equal(county_load(db, now, &c), BS_OK);
	assert_string_equal(c.week, "2026-W47");
	assert_int_equal(c.deadline_passed, 0);
	assert_int_equal(c.n, 2); /* the unit without anything is left out; by code */
	assert_string_equal(c.units[0].u.code, "dongguan");
	assert_string_equal(c.units[1].u.code, "xinzhen");
	/* 东关: 1 project owing, none reported, nothing late, 2 problems open. */
	assert_int_equal(c.units[0].projects, 1);
	assert_int_equal(c.units[0].owed, 1);
	assert_int_equal(c.units[0].done, 0);
	assert_int_equal(c.units[0].missing, 1);
	assert_int_equal(c.units[0].late, 0);
	assert_int_equal(c.units[0].approvals_overdue, 0);
	assert_int_equal(c.units[0].problems_open, 2);
	/* 新镇: 3 projects, 2 owing (P1 reported), last week's late, 1 step overdue. */
	assert_int_equal(c.units[1].projects, 3);
	assert_int_equal(c.units[1].owed, 2);
	assert_int_equal(c.units[1].done, 1);
	assert_int_equal(c.units[1].missing, 1);
	assert_int_equal(c.units[1].late, 1);
	assert_int_equal(c.units[1].approvals_overdue, 1);
	assert_int_equal(c.units[1].problems_open, 0);
	county_free(&c);
	assert_null(c.units);
}

/* review_count (the start page's number) agrees with review_collect for
 * every state, and counts only reviewed kinds. */
static void test_count(void **state)
{
	static const int states[] = {REVIEW_PENDING, REVIEW_RETURNED, REVIEW_APPROVED};
	char uid[REC_UID_LEN + 1];
	size_t i, n, c;
	(void)state;
	project(P1, 5, BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING);
	for (i = 0; i < 7; i++) {
		Baosong__V1__WeeklyReport w = BAOSONG__V1__WEEKLY_REPORT__INIT;
		char week[16];
		snprintf(uid, sizeof uid, "c%031zu", i);
		snprintf(week, sizeof week, "2026-W%02zu", i + 10);
		w.project_uid = (char *)P1;
		w.period = week;
		put_status(REC_KIND_WEEKLY, uid, 5, &w.base, 1, (int)(i % 3) + 1);
	}
	for (i = 0; i < sizeof states / sizeof states[0]; i++) {
		struct review_filter f = {.state = states[i]};
		struct review_item *items = NULL;
		assert_int_equal(review_collect(db, &f, &items, &n), BS_OK);
		free(items);
		assert_int_equal(review_count(db, states[i], &c), BS_OK);
		assert_int_equal(c, n);
		assert_int_equal(c, states[i] == REVIEW_PENDING ? 3 : 2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_previous, setup, teardown),
		cmocka_unit_test_setup_teardown(test_county, setup, teardown),
		cmocka_unit_test_setup_teardown(test_count, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
