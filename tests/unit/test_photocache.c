/* test_photocache.c - photos by hash on this device (client/core/photocache.c)
 * and the /photo address's hash (client/ui/page_photo.c): a file is found
 * in the store (DIR/files) or the cache (DIR/cache) only under its own
 * hash's hex; a copy that no longer hashes to its name is not served;
 * an address that is not exactly 64 hex digits names nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "pages.h"
#include "photocache.h"
#include "recid.h"

static char dir[64];

static void put(const char *sub, const uint8_t hash[LDB_HASH_LEN], const void *p, size_t n)
{
	char hex[2 * LDB_HASH_LEN + 1], path[256];
	FILE *f;

	recid_hex(hash, LDB_HASH_LEN, hex);
	snprintf(path, sizeof path, "%s/%s", dir, sub);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/%s/%s", dir, sub, hex);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/bs-photocache-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_found_and_checked(void **state)
{
	static const char a[] = "\x89PNG\r\n\x1a\n a photo in the store";
	static const char b[] = "\xff\xd8\xff\xe0 a photo fetched into the cache";
	uint8_t ha[LDB_HASH_LEN], hb[LDB_HASH_LEN], hc[LDB_HASH_LEN], *data = NULL;
	char path[4200];
	size_t len = 0;

	(void)state;
	crypto_generichash(ha, sizeof ha, (const uint8_t *)a, sizeof a, NULL, 0);
	crypto_generichash(hb, sizeof hb, (const uint8_t *)b, sizeof b, NULL, 0);
	memset(hc, 0x5a, sizeof hc);
	put("files", ha, a, sizeof a);
	put("cache", hb, b, sizeof b);
	assert_int_equal(photocache_path(dir, ha, path, sizeof path), BS_OK);
	assert_non_null(strstr(path, "/files/"));
	assert_int_equal(photocache_path(dir, hb, path, sizeof path), BS_OK);
	assert_non_null(strstr(path, "/cache/"));
	assert_int_equal(photocache_path(dir, hc, path, sizeof path), BS_E_NOTFOUND);
	assert_int_equal(photocache_path(dir, ha, path, 10), BS_E_TOOBIG);

	assert_int_equal(photocache_read(dir, hb, &data, &len), BS_OK);
	assert_int_equal(len, sizeof b);
	assert_memory_equal(data, b, sizeof b);
	free(data);
	assert_int_equal(photocache_read(dir, hc, &data, &len), BS_E_NOTFOUND);
	assert_null(data);

	/* A damaged copy (other bytes under the hash's name) is not served. */
	put("cache", hc, a, sizeof a);
	assert_int_equal(photocache_read(dir, hc, &data, &len), BS_E_CORRUPT);
	assert_null(data);
	assert_int_equal(len, 0);
}

static void test_address(void **state)
{
	uint8_t h[LDB_HASH_LEN], want[LDB_HASH_LEN];
	char hex[2 * LDB_HASH_LEN + 2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof want; i++)
		want[i] = (uint8_t)(i * 37 + 1);
	recid_hex(want, LDB_HASH_LEN, hex);
	assert_int_equal(photo_parse_hash(hex, h), BS_OK);
	assert_memory_equal(h, want, sizeof h);
	for (i = 0; hex[i]; i++)
		if (hex[i] >= 'a' && hex[i] <= 'f')
			hex[i] = (char)(hex[i] - 'a' + 'A');
	assert_int_equal(photo_parse_hash(hex, h), BS_OK); /* upper case too */
	assert_memory_equal(h, want, sizeof h);
	assert_int_equal(photo_parse_hash(NULL, h), BS_E_INVAL);
	assert_int_equal(photo_parse_hash("", h), BS_E_INVAL);
	assert_int_equal(photo_parse_hash("../../client.key", h), BS_E_INVAL);
	hex[63] = '\0';
	assert_int_equal(photo_parse_hash(hex, h), BS_E_INVAL); /* 63 digits */
	hex[63] = '0';
	hex[64] = '0';
	hex[65] = '\0';
	assert_int_equal(photo_parse_hash(hex, h), BS_E_INVAL); /* 65 */
	hex[64] = '\0';
	hex[10] = '/';
	assert_int_equal(photo_parse_hash(hex, h), BS_E_INVAL);
	hex[10] = 'g';
	assert_int_equal(photo_parse_hash(hex, h), BS_E_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_found_and_checked, setup, teardown),
		cmocka_unit_test(test_address),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
