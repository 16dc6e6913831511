/* test_upload_pace.c - uploads yield to pushes (server/upload_pace.c): the
 * bucket, the window in which pushes count as arriving, debt and waits,
 * a clock that goes back.  Time is an input here, never read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "upload_pace.h"

#define MB 1000000u
#define CHUNK 49152u

/* No push in sight: every chunk goes at once, however many. */
static void test_unpaced_without_pushes(void **state)
{
	struct upload_pace p;
	unsigned i;
	(void)state;
	upload_pace_init(&p, 16 * MB, 1024 * 1024, 1000);
	for (i = 0; i < 10000; i++)
		assert_int_equal(upload_pace_ask(&p, CHUNK, 5000), 0);
	/* A push 2 s ago is out of the window. */
	upload_pace_push(&p, 3000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(upload_pace_ask(&p, CHUNK, 5000), 0);
}

/* While pushes arrive, the bytes let through in a second are the burst and
 * the rate, not more; a waiting chunk is told how long. */
static void test_paced_while_pushing(void **state)
{
	struct upload_pace p;
	uint64_t now = 100000, end = now + 1000, sent = 0, wait;
	unsigned refused = 0;
	(void)state;
	upload_pace_init(&p, 16 * MB, 1024 * 1024, 1000);
	assert_int_equal(upload_pace_ask(&p, CHUNK, now - 10), 0); /* the clock starts */
	while (now < end) {
		upload_pace_push(&p, now);
		wait = upload_pace_ask(&p, CHUNK, now);
		if (wait == 0) {
			sent += CHUNK;
			continue;
		}
		refused++;
		assert_true(wait >= 1 && wait <= 4); /* one chunk's debt at 16 MB/s */
		now += wait;
	}
	assert_true(refused > 0);
	/* burst + rate * 1 s, plus at most the one chunk that ran into debt */
	assert_true(sent >= 16 * MB);
	assert_true(sent <= 16 * MB + 1024 * 1024 + 2 * CHUNK);
}

/* A chunk larger than the bucket still goes (into debt), and the next
 * waits for the whole debt. */
static void test_debt(void **state)
{
	struct upload_pace p;
	(void)state;
	upload_pace_init(&p, 1 * MB, 100000, 1000);
	upload_pace_push(&p, 10);
	assert_int_equal(upload_pace_ask(&p, 600000, 10), 0);
	assert_int_equal(upload_pace_ask(&p, 1, 10), 500); /* 500,000 bytes at 1 MB/s */
	assert_int_equal(upload_pace_ask(&p, 1, 260), 250);
	upload_pace_push(&p, 500);
	assert_int_equal(upload_pace_ask(&p, 1, 510), 0);
}

/* rate 0 is off; a clock that goes back neither refills nor breaks. */
static void test_off_and_clock_back(void **state)
{
	struct upload_pace p;
	unsigned i;
	(void)state;
	upload_pace_init(&p, 0, 1, 1000);
	upload_pace_push(&p, 50);
	for (i = 0; i < 100; i++)
		assert_int_equal(upload_pace_ask(&p, CHUNK, 50), 0);

	upload_pace_init(&p, 1 * MB, 1000, 1000);
	upload_pace_push(&p, 5000);
	assert_int_equal(upload_pace_ask(&p, 2000, 5000), 0);
	assert_true(upload_pace_ask(&p, 1, 5000) > 0);
	/* Back in time: before the newest push, so not "within the window" by
	 * subtraction gone wrong; unpaced rather than stuck. */
	assert_int_equal(upload_pace_ask(&p, 1, 4000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unpaced_without_pushes),
		cmocka_unit_test(test_paced_while_pushing),
		cmocka_unit_test(test_debt),
		cmocka_unit_test(test_off_and_clock_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
