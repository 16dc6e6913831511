/* test_cells.c - cell values as people type them in Excel/WPS (the
 * spellings `baosong import` accepts, and what it refuses). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "baosong.pb-c.h"
#include "cells.h"
#include "err.h"
#include "money.h"
#include "period.h"

static void expect_date(const char *in, const char *want)
{
	int64_t days = 0;
	char out[11];
	assert_int_equal(cell_date(in, &days), BS_OK);
	period_format_date(days, out);
	assert_string_equal(out, want);
}

static void test_date(void **state)
{
	static const char *const bad[] = {
		"", "2026", "26-3-1", "2026-3/1x", "2026/3-1", "2026年3", "2026年3月1",
		"2026-003-01", "2026-03-001", "3/1/2026", "46082", "2026-03-01x",
		"2026-03-01 noon", "二〇二六年三月", "2026 - 03 - 01", "202603011"};
	int64_t days;
	size_t i;
	(void)state;
	expect_date("2026-03-01", "2026-03-01");
	expect_date("2026/3/1", "2026-03-01");
	expect_date("2026/03/01", "2026-03-01");
	expect_date("2026.3.1", "2026-03-01");
	expect_date("2026-3-9", "2026-03-09");
	expect_date("2026年3月1日", "2026-03-01");
	expect_date("2026年12月31号", "2026-12-31");
	expect_date("20260301", "2026-03-01");
	/* A month alone: its first day. */
	expect_date("2026-03", "2026-03-01");
	expect_date("2026/7", "2026-07-01");
	expect_date("2026年7月", "2026-07-01");
	/* Excel's date-time. */
	expect_date("2026/3/1 0:00", "2026-03-01");
	expect_date("2026-03-01 08:30:00", "2026-03-01");
	expect_date("2024-02-29", "2024-02-29");

	/* Real spellings of days that do not exist. */
	assert_int_equal(cell_date("2026-02-30", &days), BS_E_NOTFOUND);
	assert_int_equal(cell_date("2025-02-29", &days), BS_E_NOTFOUND);
	assert_int_equal(cell_date("2026-13-01", &days), BS_E_NOTFOUND);
	assert_int_equal(cell_date("2026-00", &days), BS_E_NOTFOUND);
	assert_int_equal(cell_date("20261301", &days), BS_E_NOTFOUND);

	/* Not dates. */
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rv = cell_date(bad[i], &days);
		if (rv != BS_E_INVAL)
			fail_msg("cell_date(\"%s\") = %d, want BS_E_INVAL", bad[i], rv);
	}
}

static void test_week(void **state)
{
	char w[9];
	(void)state;
	assert_int_equal(cell_week("2026-W47", w), BS_OK);
	assert_string_equal(w, "2026-W47");
	assert_int_equal(cell_week("2026W7", w), BS_OK);
	assert_string_equal(w, "2026-W07");
	assert_int_equal(cell_week("2026-w07", w), BS_OK);
	assert_string_equal(w, "2026-W07");
	assert_int_equal(cell_week("2026年第3周", w), BS_OK);
	assert_string_equal(w, "2026-W03");
	/* A date: the ISO week containing it, across a year end too. */
	assert_int_equal(cell_week("2025/3/5", w), BS_OK);
	assert_string_equal(w, "2025-W10");
	assert_int_equal(cell_week("2027-01-01", w), BS_OK);
	assert_string_equal(w, "2026-W53");
	assert_int_equal(cell_week("2024-12-30", w), BS_OK);
	assert_string_equal(w, "2025-W01");

	assert_int_equal(cell_week("2025-W53", w), BS_E_INVAL); /* 2025 has 52 */
	assert_int_equal(cell_week("2026-W00", w), BS_E_INVAL);
	assert_int_equal(cell_week("2026-W100", w), BS_E_INVAL);
	assert_int_equal(cell_week("W47", w), BS_E_INVAL);
	assert_int_equal(cell_week("2026-W47 ", w), BS_E_INVAL);
	assert_int_equal(cell_week("第47周", w), BS_E_INVAL);
	assert_int_equal(cell_week("", w), BS_E_INVAL);
}

static void test_money(void **state)
{
	int64_t fen;
	(void)state;
	assert_int_equal(cell_money("12500", &fen), BS_OK);
	assert_int_equal(fen, 12500 * FEN_PER_WAN);
	assert_int_equal(cell_money("1,200,000.50", &fen), BS_OK);
	assert_int_equal(fen, 1200000 * FEN_PER_WAN + FEN_PER_WAN / 2);
	assert_int_equal(cell_money("800万元", &fen), BS_OK);
	assert_int_equal(fen, 800 * FEN_PER_WAN);
	assert_int_equal(cell_money(" 2,350.5 万元 ", &fen), BS_OK);
	assert_int_equal(fen, 235050 * (FEN_PER_WAN / 100));
	assert_int_equal(cell_money("36万", &fen), BS_OK);
	assert_int_equal(fen, 36 * FEN_PER_WAN);
	/* Read; validation refuses it with its own message. */
	assert_int_equal(cell_money("-5", &fen), BS_OK);
	assert_int_equal(fen, -5 * FEN_PER_WAN);

	assert_int_equal(cell_money("125000000元", &fen), BS_E_UNSUPPORTED);
	assert_int_equal(cell_money("1.2亿元", &fen), BS_E_UNSUPPORTED);
	assert_int_equal(cell_money("12.345", &fen), BS_E_INVAL);
	assert_int_equal(cell_money("1.25E+04", &fen), BS_E_INVAL);
	assert_int_equal(cell_money("万元", &fen), BS_E_INVAL);
	assert_int_equal(cell_money("abc", &fen), BS_E_INVAL);
	assert_int_equal(cell_money("1111111111111111111111111111111111111111111111111111111111111111111",
				    &fen), BS_E_INVAL);
}

static void test_uint(void **state)
{
	uint32_t v;
	(void)state;
	assert_int_equal(cell_uint("45", &v), BS_OK);
	assert_int_equal(v, 45);
	assert_int_equal(cell_uint("45%", &v), BS_OK);
	assert_int_equal(v, 45);
	assert_int_equal(cell_uint("60 ％", &v), BS_OK);
	assert_int_equal(v, 60);
	assert_int_equal(cell_uint("2026年", &v), BS_OK);
	assert_int_equal(v, 2026);
	assert_int_equal(cell_uint("4294967295", &v), BS_OK);
	assert_int_equal(cell_uint("4294967296", &v), BS_E_INVAL);
	assert_int_equal(cell_uint("45.5", &v), BS_E_INVAL);
	assert_int_equal(cell_uint("-1", &v), BS_E_INVAL);
	assert_int_equal(cell_uint("%", &v), BS_E_INVAL);
	assert_int_equal(cell_uint("一百", &v), BS_E_INVAL);
}

static void test_stage(void **state)
{
	int st = 0;
	(void)state;
	assert_int_equal(cell_stage("新开工", &st), BS_OK);
	assert_int_equal(st, BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START);
	assert_int_equal(cell_stage(" 续 建 ", &st), BS_OK);
	assert_int_equal(st, BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING);
	assert_int_equal(cell_stage("投产/运营", &st), BS_OK);
	assert_int_equal(st, BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING);
	assert_int_equal(cell_stage("运营", &st), BS_OK);
	assert_int_equal(st, BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING);
	assert_int_equal(cell_stage("New-Start", &st), BS_OK);
	assert_int_equal(st, BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START);
	assert_int_equal(cell_stage("停缓建", &st), BS_OK);
	assert_int_equal(st, BAOSONG__V1__PROJECT_STAGE__STAGE_SUSPENDED);
	assert_int_equal(cell_stage("开挖", &st), BS_E_INVAL);
	assert_int_equal(cell_stage("", &st), BS_E_INVAL);
	assert_int_equal(cell_stage("3", &st), BS_E_INVAL);
}

static void test_text(void **state)
{
	char a[] = "\xe3\x80\x80 城关镇\xc2\xa0\t\r\n", b[] = "x\r\ny\rz\n",
	     c[] = "总投资（万元）", n[64];
	(void)state;
	assert_string_equal(cell_trim(a), "城关镇");
	cell_unix_newlines(b);
	assert_string_equal(b, "x\ny\nz\n");
	assert_true(cell_cut_suffix(c, "（万元）"));
	assert_string_equal(c, "总投资");
	assert_false(cell_cut_suffix(c, "万元"));

	cell_norm(" 总投资\n（万元） ", n, sizeof n);
	assert_string_equal(n, "总投资(万元)");
	cell_norm("Total-Investment", n, sizeof n);
	assert_string_equal(n, "total_investment");
	cell_norm("形象进度（％）", n, sizeof n);
	assert_string_equal(n, "形象进度(%)");
	cell_norm("abcdef", n, 4);
	assert_string_equal(n, "abc");

	assert_string_equal(cell_undefuse("'=SUM(A1)"), "=SUM(A1)");
	assert_string_equal(cell_undefuse("'-5"), "-5");
	assert_string_equal(cell_undefuse("'abc"), "'abc");
	assert_string_equal(cell_undefuse("'"), "'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date),  cmocka_unit_test(test_week),
		cmocka_unit_test(test_money), cmocka_unit_test(test_uint),
		cmocka_unit_test(test_stage), cmocka_unit_test(test_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
