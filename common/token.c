/* token.c - enrolment tokens in Crockford base32 (see token.h). */
#include "token.h"

#include <sodium.h>
#include <string.h>

#include "err.h"

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void token_generate(uint8_t tok[TOKEN_BYTES])
{
	randombytes_buf(tok, TOKEN_BYTES);
}

/* Bit i (0 = most significant bit of tok[0]); bits past the end are 0. */
static unsigned bit_at(const uint8_t *tok, size_t i)
{
	if (i >= TOKEN_BYTES * 8)
		return 0;
	return ((unsigned)tok[i / 8] >> (7 - i % 8)) & 1u;
}

void token_encode(const uint8_t tok[TOKEN_BYTES], char out[TOKEN_STRLEN + 1])
{
	size_t sym, o = 0;
	for (sym = 0; sym < TOKEN_SYMBOLS; sym++) {
		unsigned v = 0, b;
		for (b = 0; b < 5; b++)
			v = (v << 1) | bit_at(tok, sym * 5 + b);
		if (sym > 0 && sym % 4 == 0)
			out[o++] = '-';
		out[o++] = alphabet[v];
	}
	out[o] = '\0';
}

/* Value of one typed symbol, or -1. */
static int symbol_value(char c)
{
	const char *p;
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == 'O')
		c = '0';
	else if (c == 'I' || c == 'L')
		c = '1';
	if (c == '\0')
		return -1;
	p = strchr(alphabet, c);
	return p ? (int)(p - alphabet) : -1;
}

int token_parse(const char *s, uint8_t tok[TOKEN_BYTES])
{
	uint8_t buf[TOKEN_BYTES + 1]; /* room for the two padding bits */
	size_t bit = 0;
	int rv = BS_E_INVAL;

	memset(buf, 0, sizeof buf);
	if (!s)
		goto out;
	for (; *s; s++) {
		int v, b;
		if (*s == '-' || *s == ' ' || *s == '\t')
			continue;
		v = symbol_value(*s);
		if (v < 0 || bit >= TOKEN_SYMBOLS * 5)
			goto out;
		for (b = 4; b >= 0; b--, bit++)
			if ((v >> b) & 1)
				buf[bit / 8] = (uint8_t)(buf[bit / 8] | (1u << (7 - bit % 8)));
	}
	if (bit != TOKEN_SYMBOLS * 5 || buf[TOKEN_BYTES] != 0)
		goto out;
	memcpy(tok, buf, TOKEN_BYTES);
	rv = BS_OK;
out:
	sodium_memzero(buf, sizeof buf);
	return rv;
}

void token_hash(const uint8_t tok[TOKEN_BYTES], uint8_t hash[TOKEN_HASH_LEN])
{
	crypto_generichash(hash, TOKEN_HASH_LEN, tok, TOKEN_BYTES, NULL, 0);
}
