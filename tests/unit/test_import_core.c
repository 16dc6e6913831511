/* test_import_core.c - the import engine as the 导入 page drives it
 * (client/core/import.h): bytes from memory, refused rows and every row's
 * outcome as data, a dry run that queues nothing, all-or-nothing without
 * partial, only the valid rows with it, the same bytes twice agreeing. */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app.h"
#include "err.h"
#include "import.h"
#include "localdb.h"
#include "records.h"

/* Line 2 good; line 3 a negative total; line 4 good, its 建设内容 spanning
 * two lines (so line 6 starts the next row); line 6 an unknown stage. */
static const char PLAN[] =
	"项目名称,计划年度,总投资(万元),年度计划投资(万元),项目阶段,建设内容,备注\n"
	"城关镇污水处理厂,2026,12500,4000.5,新开工,新建管网,甲\n"
	"负投资项目,2026,-500,0,前期,,乙\n"
	"文旅古镇一期,2026,\"25,000\",6000,前期,\"修缮古建筑\n新建游客中心\",丙\n"
	"开挖项目,2026,100,50,开挖,,丁\n";

struct seen {
	unsigned rows, good, skipped, bad;
	unsigned row_lines[16];
	int row_states[16];
	unsigned bad_lines[16];
	char fields[16][64];
	char columns[16][128];
	unsigned n_bad_msgs, notes, errors;
	char note[512];
};

static void say(void *ctx, const struct import_msg *m)
{
	struct seen *s = ctx;
	if (m->what == IMPORT_SAY_ROW) {
		assert_true(s->n_bad_msgs < 16);
		s->bad_lines[s->n_bad_msgs] = m->line;
		snprintf(s->fields[s->n_bad_msgs], sizeof s->fields[0], "%s", m->field);
		snprintf(s->columns[s->n_bad_msgs], sizeof s->columns[0], "%s",
			 m->column ? m->column : "");
		s->n_bad_msgs++;
	} else if (m->what == IMPORT_SAY_NOTE) {
		s->notes++;
		snprintf(s->note, sizeof s->note, "%s", m->text);
	} else if (m->what == IMPORT_SAY_ERROR) {
		s->errors++;
	}
}

static void row(void *ctx, const struct import_row *r)
{
	struct seen *s = ctx;
	assert_true(s->rows < 16);
	s->row_lines[s->rows] = r->line;
	s->row_states[s->rows] = (int)r->state;
	s->rows++;
	if (r->n)
		assert_non_null(r->cells[0]);
}

struct fix {
	char dir[64];
	struct app a;
	struct app_server srv;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/test_import_core-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	app_blank(&f->a);
	assert_int_equal(app_init(&f->a, f->dir, 1), BS_OK);
	assert_int_equal(app_open_db(&f->a), BS_OK);
	f->srv.unit_id = 7;
	f->srv.role = REC_ROLE_REPORTER;
	snprintf(f->srv.unit_name, sizeof f->srv.unit_name, "新镇");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	char cmd[128];
	app_close(&f->a);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static unsigned pending(struct fix *f)
{
	unsigned p = 0, q = 0, c = 0;
	assert_int_equal(localdb_counts(f->a.db, &p, &q, &c), BS_OK);
	return p;
}

/* Run one import of data over f's device. */
static int run(struct fix *f, const char *data, size_t len, int dry_run, int partial,
	       struct seen *s, struct import_stats *st)
{
	struct import_opts o = {IMPORT_ENC_AUTO, IMPORT_DETECT, NULL, NULL, partial, dry_run};
	struct import_sink sink = {say, row, s};
	struct import *im = import_new(&o, &sink);
	int rv;

	assert_non_null(im);
	memset(s, 0, sizeof *s);
	rv = import_load(im, (const uint8_t *)data, len, "计划表.csv", f->dir);
	if (rv == BS_OK)
		rv = import_header(im);
	if (rv == BS_OK)
		rv = import_run(im, &f->a, &f->srv);
	*st = *import_stats(im);
	import_free(im);
	return rv;
}

static void check_outcome(const struct seen *s, const struct import_stats *st)
{
	assert_int_equal(st->read, 4);
	assert_int_equal(st->good, 2);
	assert_int_equal(st->bad, 2);
	assert_int_equal(s->rows, 4);
	/* Rows by the line they start on, each with its outcome. */
	assert_int_equal(s->row_lines[0], 2);
	assert_int_equal(s->row_states[0], IMPORT_ROW_GOOD);
	assert_int_equal(s->row_lines[1], 3);
	assert_int_equal(s->row_states[1], IMPORT_ROW_BAD);
	assert_int_equal(s->row_lines[2], 4);
	assert_int_equal(s->row_states[2], IMPORT_ROW_GOOD);
	assert_int_equal(s->row_lines[3], 6);
	assert_int_equal(s->row_states[3], IMPORT_ROW_BAD);
	/* The refusals name line, field and column. */
	assert_int_equal(s->n_bad_msgs, 2);
	assert_int_equal(s->bad_lines[0], 3);
	assert_string_equal(s->fields[0], "total_investment");
	assert_string_equal(s->columns[0], "总投资(万元)");
	assert_int_equal(s->bad_lines[1], 6);
	assert_string_equal(s->fields[1], "stage");
	/* The column nobody maps is named in a note. */
	assert_true(s->notes >= 1);
	assert_non_null(strstr(s->note, "备注"));
}

/* A dry run explains every row and queues nothing. */
static void test_preview_queues_nothing(void **state)
{
	struct fix *f = *state;
	struct seen s;
	struct import_stats st;

	assert_int_equal(run(f, PLAN, strlen(PLAN), 1, 0, &s, &st), BS_E_INVAL);
	check_outcome(&s, &st);
	assert_false(st.committed);
	assert_int_equal(pending(f), 0);
	assert_string_equal(st.enc_used, "UTF-8");
}

/* Without partial a bad row means nothing; with it the valid rows are
 * queued, and the same bytes again are skipped as already here. */
static void test_all_or_valid(void **state)
{
	struct fix *f = *state;
	struct seen s;
	struct import_stats st;

	assert_int_equal(run(f, PLAN, strlen(PLAN), 0, 0, &s, &st), BS_E_INVAL);
	assert_false(st.committed);
	assert_int_equal(pending(f), 0);

	assert_int_equal(run(f, PLAN, strlen(PLAN), 0, 1, &s, &st), BS_E_INVAL);
	check_outcome(&s, &st);
	assert_true(st.committed);
	assert_int_equal(pending(f), 2);

	assert_int_equal(run(f, PLAN, strlen(PLAN), 1, 1, &s, &st), BS_E_INVAL);
	assert_int_equal(st.good, 0);
	assert_int_equal(st.skipped, 2);
	assert_int_equal(s.row_states[0], IMPORT_ROW_SKIPPED);
	assert_int_equal(pending(f), 2);
}

/* The same table saved by Chinese Windows (GB18030) reads the same. */
static void test_gb18030(void **state)
{
	struct fix *f = *state;
	struct seen s;
	struct import_stats st;
	char gb[2048], *in = (char *)PLAN, *out = gb;
	size_t il = strlen(PLAN), ol = sizeof gb;
	iconv_t cd = iconv_open("GB18030", "UTF-8");

	assert_true(cd != (iconv_t)-1);
	assert_true(iconv(cd, &in, &il, &out, &ol) != (size_t)-1);
	iconv_close(cd);
	assert_int_equal(run(f, gb, (size_t)(out - gb), 1, 0, &s, &st), BS_E_INVAL);
	check_outcome(&s, &st);
	assert_string_equal(st.enc_used, "GB18030");
	assert_int_equal(pending(f), 0);
}

/* A file that is neither text encoding, or has no header, is explained as
 * an error, not as rows. */
static void test_bad_files(void **state)
{
	struct fix *f = *state;
	struct seen s;
	struct import_stats st;
	static const char utf16[] = "\xff\xfe\x61\x00";

	assert_int_equal(run(f, utf16, sizeof utf16 - 1, 1, 0, &s, &st), BS_E_INVAL);
	assert_int_equal(s.errors, 1);
	assert_int_equal(s.rows, 0);
	assert_int_equal(run(f, "\n\n", 2, 1, 0, &s, &st), BS_E_INVAL);
	assert_int_equal(s.errors, 1);
	assert_false(st.checked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_preview_queues_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_or_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gb18030, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
