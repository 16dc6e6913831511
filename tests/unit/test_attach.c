/* test_attach.c - the attachment store (attach_store): a copy already
 * stored is trusted only after it hashes to its name again, and the
 * temporary copy is a file of this call's own (never another process's
 * .tmp file truncated or renamed into place). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach.h"
#include "err.h"

struct fx {
	char dir[64];          /* the data directory */
	char src[128];         /* the photo to attach */
	uint8_t data[100000];  /* its bytes (more than one read buffer) */
	uint8_t hash[LDB_HASH_LEN];
	char hex[LDB_HASH_LEN * 2 + 1];
};

static void write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* The whole file at path into *out (malloc'd); its length. */
static size_t read_file(const char *path, uint8_t **out)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	assert_non_null(f);
	assert_int_equal(fstat(fileno(f), &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	*out = buf;
	return (size_t)st.st_size;
}

/* Entries of dir/files whose name starts with prefix. */
static unsigned count_prefixed(const char *dir, const char *prefix)
{
	char files[128];
	struct dirent *e;
	unsigned n = 0;
	DIR *d;
	snprintf(files, sizeof files, "%s/files", dir);
	assert_non_null(d = opendir(files));
	while ((e = readdir(d)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

static void remove_tree(const char *dir)
{
	char files[128], p[512];
	struct dirent *e;
	DIR *d;
	snprintf(files, sizeof files, "%s/files", dir);
	if ((d = opendir(files))) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				snprintf(p, sizeof p, "%s/%s", files, e->d_name);
				unlink(p);
			}
		closedir(d);
		rmdir(files);
	}
	snprintf(p, sizeof p, "%s/photo.jpg", dir);
	unlink(p);
	rmdir(dir);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	size_t i;
	assert_non_null(f);
	strcpy(f->dir, "/tmp/test_attach.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->src, sizeof f->src, "%s/photo.jpg", f->dir);
	f->data[0] = 0xff;
	f->data[1] = 0xd8;
	f->data[2] = 0xff;
	for (i = 3; i < sizeof f->data; i++)
		f->data[i] = (uint8_t)(i * 31u + 7u);
	write_file(f->src, f->data, sizeof f->data);
	crypto_generichash(f->hash, LDB_HASH_LEN, f->data, sizeof f->data, NULL, 0);
	sodium_bin2hex(f->hex, sizeof f->hex, f->hash, LDB_HASH_LEN);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	remove_tree(f->dir);
	free(f);
	return 0;
}

static void expect_stored_whole(const struct fx *f, const char *stored)
{
	uint8_t *got;
	size_t n = read_file(stored, &got);
	assert_int_equal(n, sizeof f->data);
	assert_memory_equal(got, f->data, n);
	free(got);
}

static void test_store_and_reuse(void **state)
{
	struct fx *f = *state;
	char stored[4400], want[256];
	struct stat st;
	assert_int_equal(attach_store(f->dir, f->src, f->hash, sizeof f->data, stored,
				      sizeof stored),
			 BS_OK);
	snprintf(want, sizeof want, "%s/files/%s", f->dir, f->hex);
	assert_string_equal(stored, want);
	expect_stored_whole(f, stored);
	assert_int_equal(stat(stored, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(count_prefixed(f->dir, ".tmp-"), 0);
	/* the same photo again: kept, the original may be gone by now */
	assert_int_equal(unlink(f->src), 0);
	assert_int_equal(attach_store(f->dir, f->src, f->hash, sizeof f->data, stored,
				      sizeof stored),
			 BS_OK);
	expect_stored_whole(f, stored);
}

/* Finding 8: a stored copy of the right size but wrong bytes (a disk
 * error, an edited file) was reused as it was. */
static void test_damaged_copy_replaced(void **state)
{
	struct fx *f = *state;
	char stored[4400];
	uint8_t *bad;
	assert_int_equal(attach_store(f->dir, f->src, f->hash, sizeof f->data, stored,
				      sizeof stored),
			 BS_OK);
	bad = malloc(sizeof f->data);
	assert_non_null(bad);
	memcpy(bad, f->data, sizeof f->data);
	bad[sizeof f->data / 2] ^= 0x40; /* same size, one bit off */
	assert_int_equal(chmod(stored, 0600), 0);
	write_file(stored, bad, sizeof f->data);
	free(bad);
	assert_int_equal(attach_store(f->dir, f->src, f->hash, sizeof f->data, stored,
				      sizeof stored),
			 BS_OK);
	expect_stored_whole(f, stored);
	assert_int_equal(count_prefixed(f->dir, ".tmp-"), 0);
	/* a damaged copy with the original gone: not reused, not hidden */
	write_file(stored, f->data, sizeof f->data - 1);
	assert_int_equal(unlink(f->src), 0);
	assert_int_equal(attach_store(f->dir, f->src, f->hash, sizeof f->data, stored,
				      sizeof stored),
			 BS_E_NOTFOUND);
}

/* Finding 8: the temporary copy had a fixed name opened with O_TRUNC, so
 * a second process attaching the same photo truncated (and renamed away)
 * the first one's copy in progress. */
static void test_tmp_of_another_untouched(void **state)
{
	struct fx *f = *state;
	char files[128], other[256], stored[4400];
	static const uint8_t partial[] = "half of a copy another process is writing";
	uint8_t *got;
	size_t n;
	snprintf(files, sizeof files, "%s/files", f->dir);
	assert_int_equal(mkdir(files, 0700), 0);
	snprintf(other, sizeof other, "%s/.tmp-%s", files, f->hex);
	write_file(other, partial, sizeof partial);
	assert_int_equal(attach_store(f->dir, f->src, f->hash, sizeof f->data, stored,
				      sizeof stored),
			 BS_OK);
	expect_stored_whole(f, stored);
	n = read_file(other, &got); /* the other's file, as it left it */
	assert_int_equal(n, sizeof partial);
	assert_memory_equal(got, partial, n);
	free(got);
	assert_int_equal(count_prefixed(f->dir, ".tmp-"), 1);
}

/* A source that no longer matches its hash: refused, no copy, no
 * temporary file left behind. */
static void test_changed_source_refused(void **state)
{
	struct fx *f = *state;
	char stored[4400];
	uint8_t wrong[LDB_HASH_LEN];
	memcpy(wrong, f->hash, sizeof wrong);
	wrong[0] ^= 1;
	assert_int_equal(attach_store(f->dir, f->src, wrong, sizeof f->data, stored,
				      sizeof stored),
			 BS_E_CORRUPT);
	assert_int_equal(access(stored, F_OK), -1);
	assert_int_equal(count_prefixed(f->dir, ".tmp-"), 0);
	/* grew since it was hashed */
	assert_int_equal(attach_store(f->dir, f->src, f->hash, sizeof f->data - 1, stored,
				      sizeof stored),
			 BS_E_CORRUPT);
	assert_int_equal(count_prefixed(f->dir, ".tmp-"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_and_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_copy_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tmp_of_another_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_source_refused, setup, teardown),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
