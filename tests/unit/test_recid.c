/* test_recid.c - records and attachments by the short ids lists print
 * (client/core/recid.c): a unique prefix of 6+ characters finds its
 * record, an ambiguous one is refused with its candidates, a short or
 * non-hex one is refused, kinds are kept apart, and attachment hashes are
 * found by prefix among the records on the device. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "localdb.h"
#include "recid.h"
#include "records.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/bs-recid-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/local.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void put(struct localdb *db, const char *kind, const char *uid,
		const uint8_t (*att)[LDB_HASH_LEN], size_t natt)
{
	uint64_t seq = 0;
	assert_int_equal(localdb_change(db, kind, uid, 7, (const uint8_t *)"x", 1, att, natt, 0,
					1000, &seq),
			 BS_OK);
}

static void prefixes(void **state)
{
	struct localdb *db = NULL;
	struct recid_found f;
	(void)state;
	assert_int_equal(localdb_open(path, &db), BS_OK);
	put(db, REC_KIND_WEEKLY, "abcdef0011111111111111111111111a", NULL, 0);
	put(db, REC_KIND_WEEKLY, "abcdef0022222222222222222222222b", NULL, 0);
	put(db, REC_KIND_PROJECT, "abcdef0033333333333333333333333c", NULL, 0);

	/* unique prefixes, any case */
	assert_int_equal(recid_record(db, NULL, "ABCDEF001", &f), BS_OK);
	assert_string_equal(f.uid, "abcdef0011111111111111111111111a");
	assert_int_equal(recid_record(db, REC_KIND_PROJECT, "abcdef", &f), BS_OK);
	assert_string_equal(f.uid, "abcdef0033333333333333333333333c");
	/* ambiguous: every candidate named, with its kind */
	assert_int_equal(recid_record(db, NULL, "abcdef", &f), BS_E_INVAL);
	assert_int_equal(f.count, 3);
	assert_int_equal(f.ncand, 3);
	assert_int_equal(recid_record(db, REC_KIND_WEEKLY, "abcdef00", &f), BS_E_INVAL);
	assert_int_equal(f.count, 2);
	assert_true(!strcmp(f.cand[0], "abcdef0011111111111111111111111a") ||
		    !strcmp(f.cand[1], "abcdef0011111111111111111111111a"));
	assert_string_equal(f.cand_kind[0], REC_KIND_WEEKLY);
	/* too short, not hex, too long, absent */
	assert_int_equal(recid_record(db, NULL, "abcde", &f), BS_E_INVAL);
	assert_int_equal(f.count, 0);
	assert_int_equal(recid_record(db, NULL, "abcdeg", &f), BS_E_INVAL);
	assert_int_equal(recid_record(db, NULL, "abcdef0011111111111111111111111a0", &f),
			 BS_E_INVAL);
	assert_int_equal(recid_record(db, NULL, "012345", &f), BS_E_NOTFOUND);
	assert_int_equal(recid_record(db, REC_KIND_MONTHLY, "abcdef", &f), BS_E_NOTFOUND);
	localdb_close(db);
}

static void hashes(void **state)
{
	struct localdb *db = NULL;
	struct recid_found f;
	uint8_t att[2][LDB_HASH_LEN];
	char hex[2 * LDB_HASH_LEN + 1];
	(void)state;
	memset(att[0], 0x11, LDB_HASH_LEN);
	memset(att[1], 0x11, LDB_HASH_LEN);
	att[1][LDB_HASH_LEN - 1] = 0x22;
	assert_int_equal(localdb_open(path, &db), BS_OK);
	put(db, REC_KIND_WEEKLY, "0123456789abcdef0123456789abcdef",
	    (const uint8_t(*)[LDB_HASH_LEN])att, 2);
	/* the same photo on a second record is still one file */
	put(db, REC_KIND_WEEKLY, "fedcba9876543210fedcba9876543210",
	    (const uint8_t(*)[LDB_HASH_LEN])att, 1);

	recid_hex(att[1], LDB_HASH_LEN, hex);
	assert_int_equal(recid_hash(db, "111111", &f), BS_E_INVAL);
	assert_int_equal(f.count, 2);
	hex[2 * LDB_HASH_LEN - 1] = '\0'; /* 63 characters: still one */
	assert_int_equal(recid_hash(db, hex, &f), BS_OK);
	assert_memory_equal(f.hash, att[1], LDB_HASH_LEN);
	recid_hex(att[0], LDB_HASH_LEN, hex);
	assert_int_equal(recid_hash(db, hex, &f), BS_OK);
	assert_memory_equal(f.hash, att[0], LDB_HASH_LEN);
	/* a full hash no record names is taken as given */
	memset(hex, 'e', 2 * LDB_HASH_LEN);
	assert_int_equal(recid_hash(db, hex, &f), BS_OK);
	assert_int_equal(f.hash[0], 0xee);
	assert_int_equal(recid_hash(db, "eeeeee", &f), BS_E_NOTFOUND);
	localdb_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(prefixes, setup, teardown),
		cmocka_unit_test_setup_teardown(hashes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
