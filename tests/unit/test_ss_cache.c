/* test_ss_cache.c - the static-static DH the server keeps per device
 * (server/net/ss_cache.c): what was put is got back, only for the same
 * whole key; a key sharing a slot replaces the one before; bad sizes are
 * refused; the counters count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "err.h"
#include "net/ss_cache.h"

static void test_put_get(void **state)
{
	struct ss_cache *c = NULL;
	uint8_t pub[32], other[32], ss[32], out[32];
	uint64_t hits = 0, misses = 0;
	(void)state;
	assert_int_equal(ss_cache_new(64, &c), BS_OK);
	randombytes_buf(pub, sizeof pub);
	randombytes_buf(ss, sizeof ss);
	assert_int_equal(ss_cache_get(c, pub, out), 0);
	ss_cache_put(c, pub, ss);
	memset(out, 0, sizeof out);
	assert_int_equal(ss_cache_get(c, pub, out), 1);
	assert_memory_equal(out, ss, 32);
	/* the same first bytes (the same slot), another key: not a hit */
	memcpy(other, pub, sizeof other);
	other[31] ^= 1;
	assert_int_equal(ss_cache_get(c, other, out), 0);
	/* put, it takes the slot; the first key is gone */
	ss_cache_put(c, other, ss);
	assert_int_equal(ss_cache_get(c, other, out), 1);
	assert_int_equal(ss_cache_get(c, pub, out), 0);
	ss_cache_stats(c, &hits, &misses);
	assert_int_equal(hits, 2);
	assert_int_equal(misses, 3);
	ss_cache_free(c);
	ss_cache_free(NULL);
}

static void test_many_keys(void **state)
{
	struct ss_cache *c = NULL;
	uint8_t pub[100][32], ss[100][32], out[32];
	unsigned i, kept = 0;
	(void)state;
	assert_int_equal(ss_cache_new(8192, &c), BS_OK);
	for (i = 0; i < 100; i++) {
		randombytes_buf(pub[i], 32);
		randombytes_buf(ss[i], 32);
		ss_cache_put(c, pub[i], ss[i]);
	}
	for (i = 0; i < 100; i++) {
		if (ss_cache_get(c, pub[i], out)) {
			assert_memory_equal(out, ss[i], 32); /* never another key's */
			kept++;
		}
	}
	assert_true(kept >= 95); /* 100 random keys in 8,192 slots: few collide */
	ss_cache_free(c);
}

static void test_sizes(void **state)
{
	struct ss_cache *c = (struct ss_cache *)1;
	(void)state;
	assert_int_equal(ss_cache_new(0, &c), BS_E_INVAL);
	assert_null(c);
	assert_int_equal(ss_cache_new((1u << 20) + 1, &c), BS_E_INVAL);
	assert_int_equal(ss_cache_new(1, &c), BS_OK);
	ss_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_sizes),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
