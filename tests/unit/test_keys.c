/* test_keys.c - key files, permissions and fingerprints. */
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
#include "keys.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/bs-keys-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_write_read(void **state)
{
	struct keypair kp, back;
	uint8_t pub[KEY_LEN];
	char path[128], pubpath[160];
	struct stat st;
	(void)state;
	snprintf(path, sizeof path, "%s/a.key", dir);
	snprintf(pubpath, sizeof pubpath, "%s.pub", path);
	assert_int_equal(keys_generate(&kp), BS_OK);
	assert_int_equal(keys_write(&kp, path, "乡镇 office", 0), BS_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(keys_read_private(path, &back), BS_OK);
	assert_memory_equal(back.priv, kp.priv, KEY_LEN);
	assert_memory_equal(back.pub, kp.pub, KEY_LEN);
	assert_int_equal(keys_read_public(pubpath, pub), BS_OK);
	assert_memory_equal(pub, kp.pub, KEY_LEN);
	/* no silent overwrite */
	assert_int_equal(keys_write(&kp, path, NULL, 0), BS_E_IO);
	assert_int_equal(keys_write(&kp, path, NULL, 1), BS_OK);
	/* a comment cannot smuggle in a second line */
	assert_int_equal(keys_write(&kp, path, "x\nbaosong-public-key-v1 AAAA", 1), BS_E_INVAL);
	keys_wipe(&kp);
	keys_wipe(&back);
}

static void test_permissions(void **state)
{
	struct keypair kp;
	char path[128];
	static const mode_t modes[] = {0640, 0604, 0644, 0660, 0602};
	size_t i;
	(void)state;
	snprintf(path, sizeof path, "%s/p.key", dir);
	assert_int_equal(keys_generate(&kp), BS_OK);
	assert_int_equal(keys_write(&kp, path, NULL, 1), BS_OK);
	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		assert_int_equal(chmod(path, modes[i]), 0);
		assert_int_equal(keys_read_private(path, &kp), BS_E_KEYPERM);
	}
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(keys_read_private(path, &kp), BS_OK);
	/* --force tightens an existing file's mode */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(keys_write(&kp, path, NULL, 1), BS_OK);
	{
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	assert_int_equal(keys_read_private(path, &kp), BS_OK);
	keys_wipe(&kp);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_malformed(void **state)
{
	static const char *bad[] = {
		"",
		"baosong-private-key-v1\n",
		"baosong-private-key-v1 AAAA\n",
		"baosong-private-key-v1 !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n",
		"baosong-public-key-v1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"baosong-private-key-v1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= trailing\n",
		"baosong-private-key-v1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	};
	struct keypair kp;
	char path[128];
	size_t i;
	(void)state;
	snprintf(path, sizeof path, "%s/m.key", dir);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_text(path, bad[i], 0600);
		assert_int_equal(keys_read_private(path, &kp), BS_E_INVAL);
	}
	write_text(path, "baosong-private-key-v1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		   0600);
	assert_int_equal(keys_read_private(path, &kp), BS_OK);
	snprintf(path, sizeof path, "%s/missing.key", dir);
	assert_int_equal(keys_read_private(path, &kp), BS_E_NOTFOUND);
}

static void test_fingerprint(void **state)
{
	uint8_t pub[KEY_LEN], fp[FP_BYTES], fp2[FP_BYTES];
	char s[FP_STRLEN + 1], lenient[64];
	size_t i, o = 0;
	(void)state;
	for (i = 0; i < KEY_LEN; i++)
		pub[i] = (uint8_t)i;
	keys_fingerprint(pub, s);
	assert_int_equal(strlen(s), FP_STRLEN);
	for (i = 0; i < FP_STRLEN; i++) {
		if (i % 5 == 4)
			assert_int_equal(s[i], '-');
		else
			assert_non_null(strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ", s[i]));
	}
	assert_int_equal(keys_parse_fingerprint(s, fp), BS_OK);
	keys_fingerprint_bytes(pub, fp2);
	assert_memory_equal(fp, fp2, FP_BYTES);
	assert_true(keys_match_fingerprint(pub, fp));
	/* as dictated: lower case, spaces, O for 0, l for 1 */
	for (i = 0; s[i]; i++) {
		char c = s[i];
		if (c == '-') {
			lenient[o++] = ' ';
			continue;
		}
		if (c == '0')
			c = 'o';
		else if (c == '1')
			c = 'l';
		else if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		lenient[o++] = c;
	}
	lenient[o] = '\0';
	assert_int_equal(keys_parse_fingerprint(lenient, fp2), BS_OK);
	assert_memory_equal(fp, fp2, FP_BYTES);
	/* wrong length, bad characters */
	assert_int_equal(keys_parse_fingerprint("ABCD-EFGH", fp2), BS_E_INVAL);
	s[3] = 'U';
	assert_int_equal(keys_parse_fingerprint(s, fp2), BS_E_INVAL);
	strcpy(lenient, s);
	strcat(lenient, "A");
	assert_int_equal(keys_parse_fingerprint(lenient, fp2), BS_E_INVAL);
	/* another key does not match */
	pub[0] ^= 1;
	assert_false(keys_match_fingerprint(pub, fp));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_read),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_fingerprint),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
