/* test_token.c - enrolment tokens: encoding, lenient parsing, hashing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "token.h"

#define SYMBOLS "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

static void test_round_trip(void **state)
{
	uint8_t tok[TOKEN_BYTES], back[TOKEN_BYTES];
	char text[TOKEN_STRLEN + 1];
	int i, j;
	(void)state;

	for (i = 0; i < 1000; i++) {
		token_generate(tok);
		token_encode(tok, text);
		assert_int_equal(strlen(text), TOKEN_STRLEN);
		for (j = 0; j < TOKEN_STRLEN; j++) {
			if (j % 5 == 4)
				assert_int_equal(text[j], '-');
			else
				assert_non_null(strchr(SYMBOLS, text[j]));
		}
		assert_int_equal(token_parse(text, back), BS_OK);
		assert_memory_equal(tok, back, TOKEN_BYTES);
	}
	/* Fixed values: all zero bits and all one bits (padding stays zero). */
	memset(tok, 0, sizeof tok);
	token_encode(tok, text);
	assert_string_equal(text, "0000-0000-0000-0000-0000-0000-00");
	memset(tok, 0xff, sizeof tok);
	token_encode(tok, text);
	assert_string_equal(text, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZW");
	assert_int_equal(token_parse(text, back), BS_OK);
	assert_memory_equal(tok, back, TOKEN_BYTES);
}

static void test_lenient(void **state)
{
	uint8_t tok[TOKEN_BYTES], back[TOKEN_BYTES];
	char text[TOKEN_STRLEN + 1], typed[128];
	size_t i, o;
	(void)state;

	/* A token with 0 and 1 in it, typed in lower case, without dashes, with
	 * spaces, and with O for 0 and I / L for 1. */
	memset(tok, 0, sizeof tok);
	tok[0] = 0x08; /* 00001 000.. -> "1..." */
	tok[7] = 0xa5;
	tok[15] = 0x3c;
	token_encode(tok, text);
	assert_non_null(strchr(text, '0'));
	assert_non_null(strchr(text, '1'));

	for (i = 0, o = 0; text[i]; i++) {
		char c = text[i];
		if (c == '-')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c == '0')
			c = (i % 2) ? 'O' : 'o';
		else if (c == '1')
			c = (i % 3 == 0) ? 'I' : (i % 3 == 1) ? 'l' : 'L';
		typed[o++] = c;
		if (i % 3 == 2)
			typed[o++] = ' ';
	}
	typed[o] = '\0';
	assert_int_equal(token_parse(typed, back), BS_OK);
	assert_memory_equal(tok, back, TOKEN_BYTES);

	snprintf(typed, sizeof typed, "  %s\t", text);
	assert_int_equal(token_parse(typed, back), BS_OK);
	assert_memory_equal(tok, back, TOKEN_BYTES);
	snprintf(typed, sizeof typed, "--%s--", text);
	assert_int_equal(token_parse(typed, back), BS_OK);
}

static void test_refused(void **state)
{
	uint8_t tok[TOKEN_BYTES], back[TOKEN_BYTES], keep[TOKEN_BYTES];
	char text[TOKEN_STRLEN + 1], bad[128];
	(void)state;

	token_generate(tok);
	token_encode(tok, text);
	memset(back, 0x5a, sizeof back);
	memcpy(keep, back, sizeof keep);

	/* One symbol short, one too many. */
	snprintf(bad, sizeof bad, "%.*s", TOKEN_STRLEN - 1, text);
	assert_int_equal(token_parse(bad, back), BS_E_INVAL);
	snprintf(bad, sizeof bad, "%s0", text);
	assert_int_equal(token_parse(bad, back), BS_E_INVAL);
	assert_int_equal(token_parse("", back), BS_E_INVAL);
	assert_int_equal(token_parse(NULL, back), BS_E_INVAL);
	/* Symbols outside the alphabet: U, punctuation, non-ASCII. */
	snprintf(bad, sizeof bad, "%s", text);
	bad[0] = 'U';
	assert_int_equal(token_parse(bad, back), BS_E_INVAL);
	bad[0] = '*';
	assert_int_equal(token_parse(bad, back), BS_E_INVAL);
	snprintf(bad, sizeof bad, "%.*s口令", TOKEN_STRLEN - 2, text);
	assert_int_equal(token_parse(bad, back), BS_E_INVAL);
	/* Non-zero padding bits in the last symbol (a typo there). */
	snprintf(bad, sizeof bad, "%s", text);
	bad[TOKEN_STRLEN - 1] = bad[TOKEN_STRLEN - 1] == 'Z' ? 'Y' : 'Z'; /* 11110 / 11111 */
	assert_int_equal(token_parse(bad, back), BS_E_INVAL);
	snprintf(bad, sizeof bad, "%.*s3", TOKEN_STRLEN - 1, text); /* 3 = 00011 */
	assert_int_equal(token_parse(bad, back), BS_E_INVAL);
	/* A very long input is refused without trouble. */
	{
		char big[4096];
		memset(big, 'A', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		assert_int_equal(token_parse(big, back), BS_E_INVAL);
	}
	/* Nothing written on failure. */
	assert_memory_equal(back, keep, sizeof keep);
}

static void test_hash(void **state)
{
	uint8_t tok[TOKEN_BYTES], h[TOKEN_HASH_LEN], want[TOKEN_HASH_LEN], h2[TOKEN_HASH_LEN];
	(void)state;
	token_generate(tok);
	token_hash(tok, h);
	crypto_generichash(want, sizeof want, tok, sizeof tok, NULL, 0);
	assert_memory_equal(h, want, sizeof h);
	tok[0] ^= 1;
	token_hash(tok, h2);
	assert_memory_not_equal(h, h2, sizeof h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_hash),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
