/* test_blobs.c - the last chunk of an upload: verified under its own name,
 * moved into place only by the writer (blobs_verified_place) and deleted
 * when the writer refuses it, so no blob file is left without its row
 * (review finding 4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blobs.h"
#include "err.h"

#define UNIT 7
#define TOKEN 0x1234u

struct fx {
	char dir[256];
	uint8_t data[1000];
	uint8_t hash[BLOB_HASH_LEN];
};

static int setup(void **state)
{
	static struct fx f;
	const char *tmp = getenv("TMPDIR");
	size_t i;

	snprintf(f.dir, sizeof f.dir, "%s/bs-blobs-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f.dir) || blobs_init(f.dir) != BS_OK)
		return -1;
	for (i = 0; i < sizeof f.data; i++)
		f.data[i] = (uint8_t)(i * 7u);
	crypto_generichash(f.hash, sizeof f.hash, f.data, sizeof f.data, NULL, 0);
	*state = &f;
	return 0;
}

/* Files in DIR/sub, "." and ".." left out. */
static unsigned count_in(const char *dir, const char *sub)
{
	char p[512];
	DIR *d;
	struct dirent *de;
	unsigned n = 0;

	snprintf(p, sizeof p, "%s/%s", dir, sub);
	d = opendir(p);
	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void rm_rf(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char p[512];
		struct stat sb;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(p, sizeof p, "%s/%s", dir, de->d_name) >= sizeof p)
			continue;
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			rm_rf(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	rm_rf(f->dir);
	return 0;
}

static void upload(struct fx *f, int64_t unit)
{
	assert_int_equal(blobs_part_write(f->dir, f->hash, unit, 0, f->data, 600), BS_OK);
	assert_int_equal(blobs_part_write(f->dir, f->hash, unit, 600, f->data + 600, 400),
			 BS_OK);
}

/* Verified, then refused by the writer: nothing stays, in tmp/ or as a blob. */
static void test_refused(void **state)
{
	struct fx *f = *state;

	upload(f, UNIT);
	assert_int_equal(blobs_part_verify(f->dir, f->hash, UNIT, sizeof f->data, TOKEN), BS_OK);
	assert_false(blobs_exists(f->dir, f->hash, sizeof f->data));
	assert_int_equal(count_in(f->dir, "tmp"), 1);
	assert_int_equal(blobs_verified_remove(f->dir, f->hash, UNIT, TOKEN), BS_OK);
	assert_int_equal(count_in(f->dir, "tmp"), 0);
	assert_false(blobs_exists(f->dir, f->hash, sizeof f->data));
}

/* Accepted: moved into place; a write to the part file after the
 * verification (another session) does not reach the stored blob. */
static void test_placed(void **state)
{
	struct fx *f = *state;
	uint8_t junk[600], back[1000];
	size_t got = 0;
	int placed = 0;

	upload(f, UNIT);
	assert_int_equal(blobs_part_verify(f->dir, f->hash, UNIT, sizeof f->data, TOKEN), BS_OK);
	memset(junk, 0xee, sizeof junk);
	assert_int_equal(blobs_part_write(f->dir, f->hash, UNIT, 0, junk, sizeof junk), BS_OK);
	assert_int_equal(blobs_verified_place(f->dir, f->hash, UNIT, TOKEN, sizeof f->data,
					      &placed), BS_OK);
	assert_int_equal(placed, 1);
	assert_true(blobs_exists(f->dir, f->hash, sizeof f->data));
	assert_int_equal(blobs_read(f->dir, f->hash, 0, back, sizeof back, &got), BS_OK);
	assert_int_equal(got, sizeof back);
	assert_memory_equal(back, f->data, sizeof back);
	/* Removing what the writer refused afterwards touches nothing stored. */
	assert_int_equal(blobs_verified_remove(f->dir, f->hash, UNIT, TOKEN), BS_OK);
	assert_true(blobs_exists(f->dir, f->hash, sizeof f->data));

	/* The same blob from another unit: stored once, its copy dropped. */
	upload(f, UNIT + 1);
	assert_int_equal(blobs_part_verify(f->dir, f->hash, UNIT + 1, sizeof f->data, TOKEN + 1),
			 BS_OK);
	assert_int_equal(blobs_verified_place(f->dir, f->hash, UNIT + 1, TOKEN + 1,
					      sizeof f->data, &placed), BS_OK);
	assert_int_equal(placed, 0);
	assert_true(blobs_exists(f->dir, f->hash, sizeof f->data));
	/* Only the junk part file of UNIT is left in tmp/. */
	assert_int_equal(count_in(f->dir, "tmp"), 1);

	/* A placed file whose row rolled back is deleted. */
	assert_int_equal(blobs_remove(f->dir, f->hash), BS_OK);
	assert_false(blobs_exists(f->dir, f->hash, sizeof f->data));
}

/* Other bytes than the hash says: deleted at once. */
static void test_corrupt(void **state)
{
	struct fx *f = *state;
	int placed = 0;

	f->data[999] ^= 1;
	upload(f, UNIT);
	assert_int_equal(blobs_part_verify(f->dir, f->hash, UNIT, sizeof f->data, TOKEN),
			 BS_E_CORRUPT);
	assert_int_equal(count_in(f->dir, "tmp"), 0);
	assert_int_equal(blobs_verified_place(f->dir, f->hash, UNIT, TOKEN, sizeof f->data,
					      &placed), BS_E_NOTFOUND);
	assert_int_equal(placed, 0);
	assert_false(blobs_exists(f->dir, f->hash, sizeof f->data));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_placed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
