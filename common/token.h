/* token.h - enrolment tokens: 128 random bits that an administrator hands
 * to a unit once, so a new device can bind its key to that unit and role.
 *
 * Shown as Crockford base32 in groups of four: 26 symbols (the last two
 * padding bits are zero), "7KQ2-M9XD-3FHA-0RTB-VW5C-8NPE-4G".  Parsing is
 * lenient with what people type: any case, spaces, tabs and dashes
 * anywhere, O read as 0, I and L read as 1.  The server keeps only
 * token_hash() of the raw bytes, never the token. */
#ifndef BS_TOKEN_H
#define BS_TOKEN_H

#include <stdint.h>

#define TOKEN_BYTES 16
#define TOKEN_SYMBOLS 26   /* ceil(128 / 5) */
#define TOKEN_STRLEN 32    /* 26 symbols + 6 dashes */
#define TOKEN_HASH_LEN 32  /* BLAKE2b-256 */

/* Fresh random token (randombytes_buf); the caller wipes it after use. */
void token_generate(uint8_t tok[TOKEN_BYTES]);

/* Canonical form: upper case, dashes between groups of four, NUL-terminated. */
void token_encode(const uint8_t tok[TOKEN_BYTES], char out[TOKEN_STRLEN + 1]);

/* Parse what a person typed.  0, or BS_E_INVAL for a symbol outside the
 * alphabet, too few or too many symbols, or non-zero padding bits (a
 * mistyped last symbol).  tok is written only on success; s may be any
 * length (it is not copied). */
int token_parse(const char *s, uint8_t tok[TOKEN_BYTES]);

/* What the server stores: BLAKE2b-256 of the 16 raw bytes. */
void token_hash(const uint8_t tok[TOKEN_BYTES], uint8_t hash[TOKEN_HASH_LEN]);

#endif
