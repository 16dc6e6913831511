/* test_pages_core.c - what the record pages of `baosong ui` read from the
 * client core: one week's reports picked out of many by the encoding of
 * their period (localdb_record_each_with), whether a report was or will
 * be late (due_report_late), and the marks of the project list
 * (project_facts.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baosong.pb-c.h"
#include "due.h"
#include "err.h"
#include "localdb.h"
#include "period.h"
#include "project_facts.h"
#include "records.h"

static char dir[64], path[128];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/bs-pages-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/l.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char p[160];
	(void)state;
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	unlink(path);
	rmdir(dir);
	return 0;
}

static void put_report(struct localdb *db, const char *uid, const char *project,
		       const char *week, int deleted)
{
	Baosong__V1__WeeklyReport w = BAOSONG__V1__WEEKLY_REPORT__INIT;
	uint8_t buf[256];
	uint64_t seq;

	w.project_uid = (char *)project;
	w.period = (char *)week;
	w.invested_ytd_fen = 100;
	w.progress = (char *)"2026-W47 不是这一周"; /* the text holds another week */
	assert_int_equal(localdb_change(db, REC_KIND_WEEKLY, uid, 1, buf,
					protobuf_c_message_pack(&w.base, buf), NULL, 0, deleted,
					1000, &seq),
			 BS_OK);
}

struct seen {
	unsigned n;
	char uid[8][LDB_UID_MAX + 1];
	struct localdb *db;
	int nested_rv;
};

static int see(void *ctx, const struct lrecord *r)
{
	struct seen *s = ctx;
	if (s->n < 8)
		snprintf(s->uid[s->n++], sizeof s->uid[0], "%s", r->uid);
	return 0;
}

static int count(void *ctx, const struct lrecord *r)
{
	(void)r;
	(*(unsigned *)ctx)++;
	return 0;
}

static int see_nested(void *ctx, const struct lrecord *r)
{
	struct seen *s = ctx;
	unsigned n = 0;
	see(ctx, r);
	s->nested_rv = localdb_record_each(s->db, REC_KIND_PROJECT, 0, count, &n);
	return 0;
}

static size_t week_key(const char *week, uint8_t *out)
{
	Baosong__V1__WeeklyReport k = BAOSONG__V1__WEEKLY_REPORT__INIT;
	k.period = (char *)week;
	return protobuf_c_message_pack(&k.base, out);
}

static void test_each_with(void **state)
{
	struct localdb *db;
	struct seen s;
	uint8_t key[64];
	size_t n;
	(void)state;

	assert_int_equal(localdb_open(path, &db), BS_OK);
	put_report(db, "r1", "p1", "2026-W46", 0);
	put_report(db, "r2", "p2", "2026-W46", 0);
	put_report(db, "r3", "p1", "2026-W45", 0);
	put_report(db, "r4", "p3", "2026-W46", 1); /* deleted */
	put_report(db, "r5", "p1", "2026-W47", 0);

	memset(&s, 0, sizeof s);
	n = week_key("2026-W46", key);
	assert_int_equal(localdb_record_each_with(db, REC_KIND_WEEKLY, key, n, see, &s), BS_OK);
	assert_int_equal(s.n, 2);
	assert_true((!strcmp(s.uid[0], "r1") && !strcmp(s.uid[1], "r2")) ||
		    (!strcmp(s.uid[0], "r2") && !strcmp(s.uid[1], "r1")));

	/* the week's text elsewhere in the record (progress) is not its period */
	memset(&s, 0, sizeof s);
	n = week_key("2026-W47", key);
	assert_int_equal(localdb_record_each_with(db, REC_KIND_WEEKLY, key, n, see, &s), BS_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.uid[0], "r5");

	/* another kind, a week nobody has, no bytes */
	memset(&s, 0, sizeof s);
	assert_int_equal(localdb_record_each_with(db, REC_KIND_MONTHLY, key, n, see, &s), BS_OK);
	assert_int_equal(s.n, 0);
	n = week_key("2025-W01", key);
	assert_int_equal(localdb_record_each_with(db, REC_KIND_WEEKLY, key, n, see, &s), BS_OK);
	assert_int_equal(s.n, 0);
	assert_int_equal(localdb_record_each_with(db, REC_KIND_WEEKLY, key, 0, see, &s),
			 BS_E_INVAL);

	/* a plain walk may run inside it */
	memset(&s, 0, sizeof s);
	s.db = db;
	s.nested_rv = -99;
	n = week_key("2026-W45", key);
	assert_int_equal(localdb_record_each_with(db, REC_KIND_WEEKLY, key, n, see_nested, &s),
			 BS_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.nested_rv, BS_OK);
	localdb_close(db);
}

static void test_report_late(void **state)
{
	struct lrecord r;
	uint8_t att[1][LDB_HASH_LEN] = {{1}};
	int64_t monday, deadline, got = -1;
	(void)state;

	assert_int_equal(period_parse_week("2026-W47", &monday), BS_OK);
	deadline = period_weekly_deadline_ms(monday);
	memset(&r, 0, sizeof r);
	/* not on the server yet: late once now is past the deadline */
	assert_int_equal(due_report_late(&r, deadline, deadline - 1, &got), 0);
	assert_int_equal(got, 0);
	assert_int_equal(due_report_late(&r, deadline, deadline + 1, &got), 1);
	/* on the server complete before the deadline: on time, whenever asked */
	r.created_at = deadline - 1000;
	r.complete_at = deadline - 1000;
	assert_int_equal(due_report_late(&r, deadline, deadline + 86400000, &got), 0);
	assert_int_equal(got, deadline - 1000);
	/* complete only after it (the photo came late): late */
	r.complete_at = deadline + 1;
	assert_int_equal(due_report_late(&r, deadline, deadline + 2, &got), 1);
	/* on the server, never complete: missing, not late */
	r.complete_at = 0;
	assert_int_equal(due_report_late(&r, deadline, deadline + 2, &got), 0);
	/* pulled before the server said so: its arrival counts when it has a photo */
	r.attachments = att;
	r.n_attachments = 1;
	r.created_at = deadline + 5;
	assert_int_equal(due_report_late(&r, deadline, deadline + 10, &got), 1);
	assert_int_equal(got, deadline + 5);
}

static void test_project_flags(void **state)
{
	struct project_flags fl;
	char t[64];
	(void)state;

	/* no facts: every started project at or over 500万 lacks evidence */
	project_flags_of(NULL, "p", 12500LL * 1000000, BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START,
			 &fl);
	assert_true(fl.major && fl.over_stats && fl.no_evidence && !fl.overdue);
	project_flags_text(&fl, t, sizeof t);
	assert_string_equal(t, "≥1亿 缺佐证");
	project_flags_of(NULL, "p", 600LL * 1000000, BAOSONG__V1__PROJECT_STAGE__STAGE_RESERVE,
			 &fl);
	project_flags_text(&fl, t, sizeof t);
	assert_string_equal(t, "≥500万");
	project_flags_of(NULL, "p", 100LL * 1000000, BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING,
			 &fl);
	project_flags_text(&fl, t, sizeof t);
	assert_string_equal(t, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_each_with, setup, teardown),
		cmocka_unit_test(test_report_late),
		cmocka_unit_test(test_project_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
