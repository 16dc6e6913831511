/* test_clock.c - time as an input: BAOSONG_NOW / BAOSONG_NOW_SINCE
 * (common/clock.c) and the local times and deadlines they are read with
 * (common/period.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "clock.h"
#include "err.h"
#include "period.h"

/* 2026-12-04 (a Friday) 12:00 Beijing time = 04:00 UTC. */
#define FRI_NOON_MS 1796356800000LL

static void test_local_time(void **state)
{
	int64_t ms;
	(void)state;
	assert_int_equal(period_parse_local_time("2026-12-04 12:00", 0, &ms), BS_OK);
	assert_int_equal(ms, FRI_NOON_MS);
	assert_int_equal(period_parse_local_time("2026-12-04T11:59:30", 0, &ms), BS_OK);
	assert_int_equal(ms, FRI_NOON_MS - 30000);
	/* A bare date: only as the end of that day. */
	assert_int_equal(period_parse_local_time("2026-12-04", 0, &ms), BS_E_INVAL);
	assert_int_equal(period_parse_local_time("2026-12-04", 1, &ms), BS_OK);
	assert_int_equal(ms, FRI_NOON_MS + 12 * 3600000LL - 1);
	/* A leap day exists in 2028, not in 2027. */
	assert_int_equal(period_parse_local_time("2028-02-29 10:00", 0, &ms), BS_OK);
	assert_int_equal(period_parse_local_time("2027-02-29 10:00", 0, &ms), BS_E_INVAL);
	assert_int_equal(period_parse_local_time("2026-12-04 24:00", 0, &ms), BS_E_INVAL);
	assert_int_equal(period_parse_local_time("2026-12-04 12:60", 0, &ms), BS_E_INVAL);
	assert_int_equal(period_parse_local_time("2026-12-04 9:05", 0, &ms), BS_E_INVAL);
	assert_int_equal(period_parse_local_time("2026-12-04 12:00:5x", 0, &ms), BS_E_INVAL);
	assert_int_equal(period_parse_local_time("2026-12-04 12:00 ", 0, &ms), BS_E_INVAL);
	assert_int_equal(period_parse_local_time("2026-12-04x12:00", 0, &ms), BS_E_INVAL);
}

static void test_parse(void **state)
{
	int64_t start, since;
	(void)state;
	assert_int_equal(bs_clock_parse("2026-12-04 12:00", NULL, &start, &since), BS_OK);
	assert_int_equal(start, FRI_NOON_MS * 1000000LL);
	assert_int_equal(since, 0);
	assert_int_equal(bs_clock_parse("@1796356800", "1700000000.25", &start, &since), BS_OK);
	assert_int_equal(start, FRI_NOON_MS * 1000000LL);
	assert_int_equal(since, 1700000000250000000LL);
	assert_int_equal(bs_clock_parse("2026-12-04 12:00", "", &start, &since), BS_OK);
	assert_int_equal(bs_clock_parse("tomorrow", NULL, &start, &since), BS_E_INVAL);
	assert_int_equal(bs_clock_parse("@", NULL, &start, &since), BS_E_INVAL);
	assert_int_equal(bs_clock_parse("@-5", NULL, &start, &since), BS_E_INVAL);
	assert_int_equal(bs_clock_parse("@99999999999", NULL, &start, &since), BS_E_INVAL);
	assert_int_equal(bs_clock_parse("2026-12-04 12:00", "soon", &start, &since), BS_E_INVAL);
	assert_int_equal(bs_clock_parse("2026-12-04 12:00", "1.2.3", &start, &since), BS_E_INVAL);
	assert_int_equal(bs_clock_parse(NULL, NULL, &start, &since), BS_E_INVAL);
}

/* The deadline of week 49 of 2026 sits between Friday 11:59 and 12:01;
 * week 53 of 2026 exists and ends in 2027. */
static void test_deadlines(void **state)
{
	int64_t monday, before, after;
	char w[9];
	(void)state;
	assert_int_equal(period_parse_week("2026-W49", &monday), BS_OK);
	assert_int_equal(period_weekly_deadline_ms(monday), FRI_NOON_MS);
	assert_int_equal(period_parse_local_time("2026-12-04 11:59", 0, &before), BS_OK);
	assert_int_equal(period_parse_local_time("2026-12-04 12:01", 0, &after), BS_OK);
	assert_true(before < period_weekly_deadline_ms(monday));
	assert_true(after > period_weekly_deadline_ms(monday));
	assert_int_equal(period_parse_week("2026-W53", &monday), BS_OK);
	period_format_week(period_local_days(FRI_NOON_MS + 27 * 86400000LL), w); /* 31 Dec */
	assert_string_equal(w, "2026-W53");
	period_format_week(period_local_days(FRI_NOON_MS + 28 * 86400000LL), w); /* 1 Jan 2027 */
	assert_string_equal(w, "2026-W53");
	assert_int_equal(period_parse_week("2025-W53", &monday), BS_E_INVAL);
}

/* The process's clock follows the environment: the instant named, plus the
 * real time elapsed since BAOSONG_NOW_SINCE. */
/* 时序进度 by the assessment's rule: worked by hand (basis points, half up). */
static void test_elapsed(void **state)
{
	(void)state;
	assert_int_equal(period_elapsed_bp(11, 12), 9167);  /* 11/12 = 0.91666.. */
	assert_int_equal(period_elapsed_bp(1, 12), 833);    /* 0.08333.. */
	assert_int_equal(period_elapsed_bp(2, 4), 5000);
	assert_int_equal(period_elapsed_bp(47, 52), 9038);  /* 0.903846.. */
	assert_int_equal(period_elapsed_bp(1, 52), 192);    /* 0.019230.. */
	assert_int_equal(period_elapsed_bp(52, 52), 10000);
	assert_int_equal(period_elapsed_bp(53, 52), 10000); /* week 53: the whole year */
	assert_int_equal(period_elapsed_bp(1, 1), 10000);
	assert_int_equal(period_elapsed_bp(0, 12), 0);
	assert_int_equal(period_elapsed_bp(3, 0), -1);
}

static void test_env(void **state)
{
	char since[32];
	struct timespec ts;
	int64_t now;
	(void)state;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* It became Friday 11:59 Beijing time two seconds ago. */
	snprintf(since, sizeof since, "%lld.%09ld", (long long)ts.tv_sec - 2, ts.tv_nsec);
	setenv(BS_CLOCK_ENV, "2026-12-04 11:59", 1);
	setenv(BS_CLOCK_SINCE_ENV, since, 1);
	assert_int_equal(bs_clock_init(), BS_OK);
	assert_true(bs_clock_overridden());
	now = bs_now_ms();
	assert_true(now >= FRI_NOON_MS - 60000 + 2000);
	assert_true(now < FRI_NOON_MS - 60000 + 2000 + 30000); /* a slow machine: 30 s */
	assert_true(bs_now_ns() / 1000000u >= (uint64_t)now);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local_time),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_deadlines),
		cmocka_unit_test(test_elapsed),
		cmocka_unit_test(test_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
