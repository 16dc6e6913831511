/* test_form.c - the client core's record form (client/core/form.h): fields
 * set from typed text for any kind (money in 万元, enums by label or name,
 * percentages, bools, KEY=VALUE entries, project references by id prefix),
 * refusals that name the field with the command line's message, and the
 * field list a front end draws, whose "required" marks agree with
 * records_validate. */
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
#include "err.h"
#include "field.h"
#include "form.h"
#include "localdb.h"
#include "money.h"
#include "records.h"

static char dir[64];
static char path[128];
static struct localdb *db;

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/bs-form-XXXXXX");
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
	db = NULL;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A project of unit 7 stored on this device under uid. */
static void put_project(const char *uid)
{
	Baosong__V1__Project p = BAOSONG__V1__PROJECT__INIT;
	uint8_t buf[512];
	size_t len;
	uint64_t seq = 0;
	p.name = (char *)"城关镇污水处理厂扩建";
	p.plan_year = 2026;
	p.stage = BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START;
	p.total_investment_fen = 12500 * FEN_PER_WAN;
	len = baosong__v1__project__pack(&p, buf);
	assert_int_equal(localdb_change(db, REC_KIND_PROJECT, uid, 7, buf, len, NULL, 0, 0,
					1000, &seq),
			 BS_OK);
}

static void test_money(void **state)
{
	struct form fm;
	struct rec_error err;
	ProtobufCMessage *m;
	Baosong__V1__FundingApplication *f;
	(void)state;
	assert_int_equal(form_init(&fm, REC_KIND_FUNDING, NULL), BS_OK);
	assert_non_null(m = form_message(&fm, NULL));
	f = (Baosong__V1__FundingApplication *)m;
	/* By the field's name, or without its "_fen". */
	assert_int_equal(form_set(&fm, m, "applied", "1200.5", &err), BS_OK);
	assert_int_equal(f->applied_fen, 12005 * FEN_PER_WAN / 10);
	assert_int_equal(form_set(&fm, m, "approved_fen", "0.01", &err), BS_OK);
	assert_int_equal(f->approved_fen, FEN_PER_WAN / 100);

	/* Three decimals, a comma, a letter: refused, naming the field. */
	assert_int_equal(form_set(&fm, m, "applied", "12.345", &err), BS_E_INVAL);
	assert_string_equal(err.field, "applied_fen");
	assert_non_null(strstr(err.msg, "金额应为万元"));
	assert_int_equal(f->applied_fen, 12005 * FEN_PER_WAN / 10); /* unchanged */
	assert_int_equal(form_set(&fm, m, "arrived", "12a", &err), BS_E_INVAL);
	assert_string_equal(err.field, "arrived_fen");
	{
		char text[600];
		form_error_text(REC_KIND_FUNDING, &err, text, sizeof text);
		assert_non_null(strstr(text, "数据有误 invalid data: arrived_fen"));
		assert_non_null(strstr(text, "(--arrived)"));
	}
	/* A field the kind does not have. */
	assert_int_equal(form_set(&fm, m, "no_such", "1", &err), BS_E_INVAL);
	assert_string_equal(err.field, "no_such");
	form_free(&fm);
}

static void test_enum(void **state)
{
	struct form fm;
	struct rec_error err;
	ProtobufCMessage *m;
	Baosong__V1__ApprovalItem *a;
	char text[800];
	(void)state;
	assert_int_equal(form_init(&fm, REC_KIND_APPROVAL, NULL), BS_OK);
	assert_non_null(m = form_message(&fm, NULL));
	a = (Baosong__V1__ApprovalItem *)m;
	assert_int_equal(form_set(&fm, m, "level", "市级", &err), BS_OK);
	assert_int_equal(a->level, BAOSONG__V1__APPROVAL_LEVEL__APPROVAL_CITY);
	assert_int_equal(form_set(&fm, m, "level", "province", &err), BS_OK);
	assert_int_equal(a->level, BAOSONG__V1__APPROVAL_LEVEL__APPROVAL_PROVINCE);

	assert_int_equal(form_set(&fm, m, "level", "火星级", &err), BS_E_INVAL);
	assert_string_equal(err.field, "level");
	assert_non_null(strstr(err.msg, "未知的"));
	assert_non_null(strstr(err.msg, "火星级"));
	assert_int_equal(a->level, BAOSONG__V1__APPROVAL_LEVEL__APPROVAL_PROVINCE);
	form_error_text(REC_KIND_APPROVAL, &err, text, sizeof text);
	assert_non_null(strstr(text, "可选 choices: "));
	assert_non_null(strstr(text, "市级"));
	form_free(&fm);

	/* A project's stage takes the names the command line always took. */
	assert_int_equal(form_init(&fm, REC_KIND_PROJECT, NULL), BS_OK);
	assert_non_null(m = form_message(&fm, NULL));
	assert_int_equal(form_set(&fm, m, "stage", "投产", &err), BS_OK);
	assert_int_equal(((Baosong__V1__Project *)m)->stage,
			 BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING);
	assert_int_equal(form_set(&fm, m, "stage", "continuing", &err), BS_OK);
	assert_int_equal(((Baosong__V1__Project *)m)->stage,
			 BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING);
	assert_int_equal(form_set(&fm, m, "stage", "快完了", &err), BS_E_INVAL);
	assert_string_equal(err.field, "stage");
	assert_string_equal(err.msg, "未知的项目阶段");
	assert_int_equal(form_set(&fm, m, "plan_year", "明年", &err), BS_E_INVAL);
	assert_string_equal(err.msg, "应为年份，如 2026");
	form_free(&fm);
}

static void test_numbers_items(void **state)
{
	struct form fm;
	struct rec_error err;
	ProtobufCMessage *m;
	Baosong__V1__Target *t;
	Baosong__V1__Deal *d;
	struct form_assign as[3];
	(void)state;
	assert_int_equal(form_init(&fm, REC_KIND_TARGET, NULL), BS_OK);
	assert_non_null(m = form_message(&fm, NULL));
	t = (Baosong__V1__Target *)m;
	assert_int_equal(form_set(&fm, m, "growth_bp", "15%", &err), BS_OK);
	assert_int_equal(t->growth_bp, 1500);
	assert_int_equal(form_set(&fm, m, "growth_bp", "-250", &err), BS_OK);
	assert_int_equal(t->growth_bp, -250);
	assert_int_equal(form_set(&fm, m, "growth_bp", "15.555%", &err), BS_E_INVAL);
	assert_int_equal(form_set(&fm, m, "new_starts", "-1", &err), BS_E_INVAL);
	assert_string_equal(err.msg, "应为非负整数");
	assert_int_equal(form_set(&fm, m, "new_starts", "6", &err), BS_OK);
	assert_int_equal(t->new_starts, 6);
	form_free(&fm);

	/* Entries: appended, replaced by key, removed with KEY=. */
	assert_int_equal(form_init(&fm, REC_KIND_DEAL, NULL), BS_OK);
	assert_non_null(m = form_message(&fm, NULL));
	d = (Baosong__V1__Deal *)m;
	as[0] = (struct form_assign){field_named(fm.desc, "funds"), "2026-10=120.5"};
	as[1] = (struct form_assign){as[0].f, "2026-11=80"};
	as[2] = (struct form_assign){as[0].f, "2026-10=130"};
	assert_int_equal(form_apply(&fm, m, as, 3, &err), BS_OK);
	assert_int_equal(d->n_funds, 2);
	assert_string_equal(d->funds[0]->month, "2026-10");
	assert_int_equal(d->funds[0]->amount_fen, 130 * FEN_PER_WAN);
	assert_int_equal(form_set(&fm, m, "funds", "2026-10=", &err), BS_OK);
	assert_int_equal(d->n_funds, 1);
	assert_string_equal(d->funds[0]->month, "2026-11");
	assert_int_equal(form_set(&fm, m, "funds", "120.5", &err), BS_E_INVAL);
	assert_string_equal(err.field, "funds");
	assert_int_equal(form_set(&fm, m, "funds", "2026-12=abc", &err), BS_E_INVAL);
	assert_string_equal(err.field, "funds");
	assert_non_null(strstr(err.msg, "金额应为万元"));
	form_free(&fm);
}

static void test_project_reference(void **state)
{
	struct form fm;
	struct rec_error err;
	ProtobufCMessage *m;
	const char *uid = "3fa1c2d4e5f60718293a4b5c6d7e8f90";
	(void)state;
	put_project(uid);
	assert_int_equal(form_init(&fm, REC_KIND_APPROVAL, db), BS_OK);
	assert_non_null(m = form_message(&fm, NULL));
	assert_int_equal(form_set(&fm, m, "project_uid", "3fa1c2", &err), BS_OK);
	assert_string_equal(((Baosong__V1__ApprovalItem *)m)->project_uid, uid);
	assert_int_equal(form_set(&fm, m, "project_uid", "3FA1C2D4", &err), BS_OK);
	assert_string_equal(((Baosong__V1__ApprovalItem *)m)->project_uid, uid);
	assert_int_equal(form_set(&fm, m, "project_uid", "abcdef", &err), BS_E_NOTFOUND);
	assert_string_equal(err.field, "project_uid");
	assert_non_null(strstr(err.msg, "本机没有这个"));
	assert_int_equal(form_set(&fm, m, "project_uid", "3fa", &err), BS_E_INVAL);
	assert_non_null(strstr(err.msg, "标识无效"));
	form_free(&fm);
}

static void test_fields(void **state)
{
	struct form_field ff[FORM_FIELDS_MAX];
	size_t n = 0, i;
	int seen_money = 0, seen_enum = 0, seen_ref = 0, seen_date = 0;
	(void)state;
	assert_int_equal(form_fields(REC_KIND_FUNDING, ff, FORM_FIELDS_MAX, &n), BS_OK);
	assert_true(n >= 6);
	for (i = 0; i < n; i++) {
		assert_non_null(ff[i].label);
		if (!strcmp(ff[i].name, "applied_fen")) {
			seen_money = 1;
			assert_int_equal(ff[i].input, FORM_MONEY);
			assert_string_equal(ff[i].opt, "applied");
			assert_string_not_equal(ff[i].label, "applied_fen");
		}
		if (!strcmp(ff[i].name, "channel")) {
			seen_enum = 1;
			assert_int_equal(ff[i].input, FORM_ENUM);
			assert_true(ff[i].required);
			assert_true(strlen(ff[i].choices) > 0);
		}
		if (!strcmp(ff[i].name, "project_uid")) {
			seen_ref = 1;
			assert_int_equal(ff[i].input, FORM_PROJECT);
			assert_false(ff[i].required);
		}
		if (!strcmp(ff[i].name, "applied_date")) {
			seen_date = 1;
			assert_int_equal(ff[i].input, FORM_DATE);
		}
	}
	assert_true(seen_money && seen_enum && seen_ref && seen_date);
	assert_int_equal(form_fields(REC_KIND_WEEKLY, ff, FORM_FIELDS_MAX, &n), BS_OK);
	for (i = 0; i < n; i++)
		if (!strcmp(ff[i].name, "period"))
			assert_int_equal(ff[i].input, FORM_WEEK);
	assert_int_equal(form_fields(REC_KIND_STATS, ff, FORM_FIELDS_MAX, &n), BS_OK);
	for (i = 0; i < n; i++)
		if (!strcmp(ff[i].name, "evidence")) {
			assert_int_equal(ff[i].input, FORM_ITEMS);
			assert_true(ff[i].item_file);
			assert_true(strlen(ff[i].choices) > 0);
		}
	assert_int_equal(form_fields("no_such_kind", ff, FORM_FIELDS_MAX, &n), BS_E_UNSUPPORTED);
	assert_int_equal(form_fields(REC_KIND_FUNDING, ff, 2, &n), BS_E_TOOBIG);
}

static int lookup_project(void *ctx, const char *uid, int64_t *unit_id, int64_t *total_fen,
			  int *stage)
{
	(void)ctx;
	(void)uid;
	*unit_id = 7;
	*total_fen = 12500 * FEN_PER_WAN;
	*stage = BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START;
	return BS_OK;
}

/* Fill an approval item, leaving out skip; validate it. */
static int approval_without(const char *skip, struct rec_error *err)
{
	static const char *const fields[][2] = {
		{"project_uid", "3fa1c2d4e5f60718293a4b5c6d7e8f90"},
		{"item", "环评"},
		{"level", "市级"},
		{"deadline", "2026-02-20"},
		{"status", "办理中"},
	};
	struct rec_lookup lk = {lookup_project, NULL, NULL};
	struct rec_ctx ctx = {1000, 7, REC_ROLE_REPORTER, 0, &lk};
	struct form fm;
	ProtobufCMessage *m;
	uint8_t buf[1024];
	size_t i, len;
	int rv;
	assert_int_equal(form_init(&fm, REC_KIND_APPROVAL, NULL), BS_OK);
	assert_non_null(m = form_message(&fm, NULL));
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (skip && !strcmp(skip, fields[i][0]))
			continue;
		/* project_uid is set directly: no database here. */
		if (!strcmp(fields[i][0], "project_uid"))
			((Baosong__V1__ApprovalItem *)m)->project_uid = (char *)fields[i][1];
		else
			assert_int_equal(form_set(&fm, m, fields[i][0], fields[i][1], err), BS_OK);
	}
	len = protobuf_c_message_pack(m, buf);
	rv = records_validate(REC_KIND_APPROVAL, buf, len, &ctx, err);
	form_free(&fm);
	return rv;
}

/* What form_fields calls required, records_validate refuses when missing. */
static void test_required_agrees(void **state)
{
	struct form_field ff[FORM_FIELDS_MAX];
	struct rec_error err;
	size_t n = 0, i, required = 0;
	(void)state;
	assert_int_equal(approval_without(NULL, &err), BS_OK);
	assert_int_equal(form_fields(REC_KIND_APPROVAL, ff, FORM_FIELDS_MAX, &n), BS_OK);
	for (i = 0; i < n; i++) {
		if (!ff[i].required)
			continue;
		required++;
		memset(&err, 0, sizeof err);
		assert_int_not_equal(approval_without(ff[i].name, &err), BS_OK);
		assert_string_equal(err.field, ff[i].name);
	}
	assert_int_equal(required, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_numbers_items),
		cmocka_unit_test_setup_teardown(test_project_reference, setup, teardown),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_required_agrees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
