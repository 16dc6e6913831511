/* test_save.c - saving a record through the client core (client/core/
 * save.h): a role that may not write the kind is refused and told who may,
 * an approved or locked record is not changed, a missing required field
 * comes back named, a second record of the same key is refused, warnings
 * come back as data, a record with a file is queued with the file kept in
 * the attachment store, in one step, and a photo taken off a report is
 * left out of the change queued. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baosong.pb-c.h"
#include "err.h"
#include "form.h"
#include "localdb.h"
#include "money.h"
#include "records.h"
#include "save.h"

#define NOW_MS 1764900000000LL /* 2025-12-05, a Friday morning in Beijing */

static char dir[64];
static char path[128];
static struct localdb *db;

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/bs-save-XXXXXX");
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

static struct save_req request(const char *kind, const ProtobufCMessage *m, int role)
{
	struct save_req q;
	memset(&q, 0, sizeof q);
	q.db = db;
	q.dir = dir;
	q.kind = kind;
	q.m = m;
	q.role = role;
	q.unit_id = 7;
	q.now_ms = NOW_MS;
	return q;
}

/* A project typed into a form and saved; its uid into uid. */
static int save_project(const char *name, const char *total, struct save_result *res)
{
	struct form fm;
	struct rec_error err;
	ProtobufCMessage *m;
	struct save_req q;
	int rv;
	assert_int_equal(form_init(&fm, REC_KIND_PROJECT, db), BS_OK);
	assert_non_null(m = form_message(&fm, NULL));
	assert_int_equal(form_set(&fm, m, "name", name, &err), BS_OK);
	assert_int_equal(form_set(&fm, m, "plan_year", "2026", &err), BS_OK);
	assert_int_equal(form_set(&fm, m, "stage", "新开工", &err), BS_OK);
	assert_int_equal(form_set(&fm, m, "total_investment", total, &err), BS_OK);
	q = request(REC_KIND_PROJECT, m, 0);
	rv = save_record(&q, res);
	form_free(&fm);
	return rv;
}

static void test_role(void **state)
{
	char msg[SAVE_MSG_LEN];
	struct form fm;
	struct rec_error err;
	struct save_result res;
	struct save_req q;
	ProtobufCMessage *m;
	(void)state;
	assert_int_equal(save_check_role(REC_KIND_PROJECT, REC_ROLE_REPORTER, msg, sizeof msg),
			 BS_OK);
	/* Targets are the administrator's. */
	assert_int_equal(save_check_role(REC_KIND_TARGET, REC_ROLE_REPORTER, msg, sizeof msg),
			 BS_E_FORBIDDEN);
	assert_non_null(strstr(msg, "无权填写目标任务"));
	assert_non_null(strstr(msg, "admin"));
	/* Units are the server's. */
	assert_int_equal(save_check_role(REC_KIND_UNIT, REC_ROLE_ADMIN, msg, sizeof msg),
			 BS_E_FORBIDDEN);
	assert_non_null(strstr(msg, "由服务器发布"));
	assert_int_equal(save_check_role("nonsense", REC_ROLE_ADMIN, msg, sizeof msg),
			 BS_E_UNSUPPORTED);

	/* save_record refuses before anything is queued; role 0 is a reporter. */
	assert_int_equal(form_init(&fm, REC_KIND_TARGET, db), BS_OK);
	assert_non_null(m = form_message(&fm, NULL));
	assert_int_equal(form_set(&fm, m, "unit_code", "chengguan", &err), BS_OK);
	assert_int_equal(form_set(&fm, m, "period", "2026", &err), BS_OK);
	q = request(REC_KIND_TARGET, m, 0);
	assert_int_equal(save_record(&q, &res), BS_E_FORBIDDEN);
	assert_non_null(strstr(res.msg, "无权填写"));
	assert_int_equal(res.seq, 0);
	form_free(&fm);
	{
		unsigned pending = 1, quarantined = 1, conflicts = 1;
		assert_int_equal(localdb_counts(db, &pending, &quarantined, &conflicts), BS_OK);
		assert_int_equal(pending, 0);
	}
}

static void test_locked(void **state)
{
	struct lrecord r;
	char msg[SAVE_MSG_LEN];
	struct save_result res;
	struct save_req q;
	Baosong__V1__Project p = BAOSONG__V1__PROJECT__INIT;
	(void)state;
	memset(&r, 0, sizeof r);
	snprintf(r.kind, sizeof r.kind, "%s", REC_KIND_PROJECT);
	snprintf(r.uid, sizeof r.uid, "%s", "9b0e1f2a3b4c5d6e7f8091a2b3c4d5e6");
	assert_int_equal(save_check_unlocked(&r, msg, sizeof msg), BS_OK);
	r.review_status = BAOSONG__V1__REVIEW_STATUS__REVIEW_APPROVED;
	assert_int_equal(save_check_unlocked(&r, msg, sizeof msg), BS_E_INVAL);
	assert_non_null(strstr(msg, "已审核通过，不能修改"));
	r.review_status = 0;
	r.locked = 1;
	assert_int_equal(save_check_unlocked(&r, msg, sizeof msg), BS_E_INVAL);
	assert_non_null(strstr(msg, "已锁定"));
	snprintf(r.kind, sizeof r.kind, "%s", REC_KIND_WEEKLY);
	assert_int_equal(save_check_unlocked(&r, msg, sizeof msg), BS_E_INVAL);
	assert_non_null(strstr(msg, "这份周报已锁定"));

	/* An edit of a locked record through save_record. */
	snprintf(r.kind, sizeof r.kind, "%s", REC_KIND_PROJECT);
	p.name = (char *)"改名";
	q = request(REC_KIND_PROJECT, &p.base, REC_ROLE_REPORTER);
	q.old = &r;
	assert_int_equal(save_record(&q, &res), BS_E_INVAL);
	assert_non_null(strstr(res.msg, "不能修改"));
	assert_int_equal(res.seq, 0);
}

static void test_required_and_saved(void **state)
{
	struct save_result res, again;
	struct form fm;
	struct rec_error err;
	ProtobufCMessage *m;
	struct save_req q;
	struct lrecord r;
	(void)state;

	/* A project without a name: refused, the field named. */
	assert_int_equal(form_init(&fm, REC_KIND_PROJECT, db), BS_OK);
	assert_non_null(m = form_message(&fm, NULL));
	assert_int_equal(form_set(&fm, m, "plan_year", "2026", &err), BS_OK);
	assert_int_equal(form_set(&fm, m, "stage", "新开工", &err), BS_OK);
	q = request(REC_KIND_PROJECT, m, REC_ROLE_REPORTER);
	assert_int_equal(save_record(&q, &res), BS_E_INVAL);
	assert_string_equal(res.err.field, "name");
	assert_non_null(strstr(res.err.msg, "必须填写"));
	form_free(&fm);

	/* Complete: queued, owned by this device's unit. */
	assert_int_equal(save_project("城关镇污水处理厂扩建", "12500", &res), BS_OK);
	assert_true(res.seq > 0);
	assert_int_equal(res.unit_id, 7);
	assert_int_equal(res.warn.n, 0);
	assert_int_equal(localdb_record_get(db, res.uid, &r), BS_OK);
	assert_string_equal(r.kind, REC_KIND_PROJECT);
	assert_true(r.pending);
	lrecord_free(&r);

	/* The same name again: saved, with a warning as data. */
	assert_int_equal(save_project("城关镇污水处理厂扩建", "300", &again), BS_OK);
	assert_true(again.seq > res.seq);
	assert_int_equal(again.warn.n, 1);
	assert_true(strlen(again.warn.text[0]) > 0);

	/* An edit that changes nothing queues nothing. */
	assert_int_equal(localdb_record_get(db, res.uid, &r), BS_OK);
	{
		Baosong__V1__Project *p =
			baosong__v1__project__unpack(NULL, r.data_len, r.data);
		struct save_result same;
		assert_non_null(p);
		q = request(REC_KIND_PROJECT, &p->base, REC_ROLE_REPORTER);
		q.old = &r;
		assert_int_equal(save_record(&q, &same), BS_OK);
		assert_true(same.unchanged);
		assert_int_equal(same.seq, 0);
		baosong__v1__project__free_unpacked(p, NULL);
	}
	lrecord_free(&r);
}

static void test_file_attached(void **state)
{
	struct save_result proj, res;
	struct form fm;
	struct rec_error err;
	ProtobufCMessage *m;
	struct save_req q;
	struct lrecord r;
	char file[128], entry[160], stored[4400];
	uint64_t size = 0;
	FILE *f;
	(void)state;

	assert_int_equal(save_project("县城供热管网改造", "800", &proj), BS_OK);
	snprintf(file, sizeof file, "%s/备案.pdf", dir);
	assert_non_null(f = fopen(file, "wb"));
	fputs("%PDF-1.4 a filing document\n", f);
	fclose(f);

	assert_int_equal(form_init(&fm, REC_KIND_STATS, db), BS_OK);
	assert_non_null(m = form_message(&fm, NULL));
	assert_int_equal(form_set(&fm, m, "project_uid", proj.uid, &err), BS_OK);
	assert_int_equal(form_set(&fm, m, "status", "已提交佐证", &err), BS_OK);
	/* A file that is not there: refused, named. */
	assert_int_equal(form_set(&fm, m, "evidence", "备案文件=/nonexistent/x.pdf", &err),
			 BS_E_NOTFOUND);
	assert_string_equal(err.field, "evidence");
	assert_non_null(strstr(err.msg, "无法打开文件"));
	snprintf(entry, sizeof entry, "备案文件=%s", file);
	assert_int_equal(form_set(&fm, m, "evidence", entry, &err), BS_OK);
	assert_int_equal(fm.nfiles, 1);
	assert_string_equal(((Baosong__V1__StatsEvidence *)m)->evidence[0]->name, "备案.pdf");

	q = request(REC_KIND_STATS, m, REC_ROLE_REPORTER);
	q.files = fm.files;
	q.nfiles = fm.nfiles;
	assert_int_equal(save_record(&q, &res), BS_OK);
	assert_true(res.seq > 0);
	assert_int_equal(res.natt, 1);
	/* The copy is in the store, where the sync finds it. */
	assert_non_null(fm.files[0].stored);
	assert_int_equal(localdb_file_get(db, fm.files[0].hash, stored, sizeof stored, &size),
			 BS_OK);
	assert_int_equal(size, fm.files[0].size);
	assert_string_equal(stored, fm.files[0].stored);
	assert_int_equal(access(stored, R_OK), 0);
	assert_int_equal(localdb_record_get(db, res.uid, &r), BS_OK);
	assert_int_equal(r.n_attachments, 1);
	assert_memory_equal(r.attachments[0], fm.files[0].hash, LDB_HASH_LEN);
	lrecord_free(&r);
	form_free(&fm);

	/* A second statistics record of the same project: refused, naming the first. */
	{
		struct save_result dup;
		assert_int_equal(form_init(&fm, REC_KIND_STATS, db), BS_OK);
		assert_non_null(m = form_message(&fm, NULL));
		assert_int_equal(form_set(&fm, m, "project_uid", proj.uid, &err), BS_OK);
		assert_int_equal(form_set(&fm, m, "status", "未入库", &err), BS_OK);
		q = request(REC_KIND_STATS, m, REC_ROLE_REPORTER);
		assert_int_equal(save_record(&q, &dup), BS_E_INVAL);
		assert_string_equal(dup.dup, res.uid);
		assert_non_null(strstr(dup.msg, "已有相同的"));
		assert_int_equal(dup.seq, 0);
		form_free(&fm);
	}
}

/* Photos added to a weekly report (add_files), then one taken off (drop):
 * the change is queued with the other photo only. */
static void test_photos_dropped(void **state)
{
	struct save_result proj, res, again;
	struct form_file ph[2];
	struct form fm;
	struct rec_error err;
	ProtobufCMessage *m;
	struct save_req q;
	struct lrecord r;
	char file[2][128];
	int i;
	FILE *f;
	(void)state;

	assert_int_equal(save_project("新镇中学教学楼", "3000", &proj), BS_OK);
	memset(ph, 0, sizeof ph);
	for (i = 0; i < 2; i++) {
		snprintf(file[i], sizeof file[i], "%s/site%d.png", dir, i);
		assert_non_null(f = fopen(file[i], "wb"));
		fprintf(f, "\x89PNG\r\n\x1a\n photo %d", i);
		fclose(f);
		assert_int_equal(form_hash_file(NULL, file[i], &ph[i], &err), BS_OK);
	}
	assert_int_equal(form_init(&fm, REC_KIND_WEEKLY, db), BS_OK);
	assert_non_null(m = form_message(&fm, NULL));
	assert_int_equal(form_set(&fm, m, "project_uid", proj.uid, &err), BS_OK);
	assert_int_equal(form_set(&fm, m, "period", "2025-W49", &err), BS_OK);
	assert_int_equal(form_set(&fm, m, "invested_ytd", "100", &err), BS_OK);
	assert_int_equal(form_set(&fm, m, "invested_total", "200", &err), BS_OK);
	q = request(REC_KIND_WEEKLY, m, REC_ROLE_REPORTER);
	q.files = ph;
	q.nfiles = 2;
	q.add_files = 1;
	assert_int_equal(save_record(&q, &res), BS_OK);
	assert_int_equal(res.natt, 2);

	/* The same report, the first photo taken off. */
	assert_int_equal(localdb_record_get(db, res.uid, &r), BS_OK);
	assert_int_equal(r.n_attachments, 2);
	q = request(REC_KIND_WEEKLY, m, REC_ROLE_REPORTER);
	q.old = &r;
	q.add_files = 1;
	q.drop = (const uint8_t(*)[LDB_HASH_LEN])ph[0].hash;
	q.ndrop = 1;
	assert_int_equal(save_record(&q, &again), BS_OK);
	assert_false(again.unchanged);
	assert_true(again.seq > res.seq);
	assert_int_equal(again.natt, 1);
	lrecord_free(&r);
	assert_int_equal(localdb_record_get(db, res.uid, &r), BS_OK);
	assert_int_equal(r.n_attachments, 1);
	assert_memory_equal(r.attachments[0], ph[1].hash, LDB_HASH_LEN);

	/* Nothing taken off, nothing added: unchanged. */
	q = request(REC_KIND_WEEKLY, m, REC_ROLE_REPORTER);
	q.old = &r;
	q.add_files = 1;
	assert_int_equal(save_record(&q, &again), BS_OK);
	assert_true(again.unchanged);
	lrecord_free(&r);
	form_free(&fm);
	for (i = 0; i < 2; i++) {
		free(ph[i].path);
		free(ph[i].stored);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_role, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_required_and_saved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_attached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_photos_dropped, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
