/* fuzz_parsers.c - every parser of text or bytes that comes from a person,
 * a file or a peer and is not covered by the frame, handshake and envelope
 * targets: record validation (project, weekly report), enrolment tokens,
 * money in 万元, dates and ISO weeks, key lines and fingerprints, and the
 * sync messages inside an Envelope (push, pull, blobs).  The first input
 * byte picks the parser; the rest is its input. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "keys.h"
#include "money.h"
#include "period.h"
#include "records.h"
#include "token.h"
#include "wire.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return sodium_init() < 0 ? 1 : 0;
}

static int lookup(void *ctx, const char *uid, int64_t *unit_id, int64_t *total_fen)
{
	(void)ctx;
	if (uid[0] == '0')
		return BS_E_NOTFOUND;
	*unit_id = uid[0] == '1' ? 2 : 1;
	*total_fen = 100000000;
	return BS_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	uint8_t sel;
	struct rec_error err;
	struct rec_lookup lk = {lookup, NULL};

	if (size < 1 || size > 20000)
		return 0;
	sel = data[0];
	data++;
	size--;
	/* Text parsers get a NUL-terminated copy. */
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	switch (sel % 8) {
	case 0:
		records_validate(REC_KIND_PROJECT, data, size, 1790000000000LL, 1, sel & 8, &lk, &err);
		break;
	case 1:
		records_validate(REC_KIND_WEEKLY, data, size, 1790000000000LL, 1, sel & 8, &lk, &err);
		break;
	case 2: {
		uint8_t tok[TOKEN_BYTES], tok2[TOKEN_BYTES];
		char enc[TOKEN_STRLEN + 1];
		if (token_parse(s, tok) == BS_OK) {
			token_encode(tok, enc);
			if (token_parse(enc, tok2) != BS_OK || memcmp(tok, tok2, TOKEN_BYTES) != 0)
				abort(); /* canonical form must round-trip */
		}
		break;
	}
	case 3: {
		int64_t fen = 0, back = 0;
		char out[48];
		if (money_parse_wan(s, &fen) == BS_OK) {
			if (fen > MONEY_MAX_FEN || fen < -MONEY_MAX_FEN)
				abort();
			money_format_wan(fen, out, sizeof out);
			/* whole hundredths of a 万元 format and parse back exactly */
			if (money_parse_wan(out, &back) != BS_OK || back != fen)
				abort();
		}
		break;
	}
	case 4: {
		int64_t d = 0;
		char out[11], wk[9];
		if (period_parse_date(s, &d) == BS_OK) {
			period_format_date(d, out);
			if (strcmp(out, s) != 0)
				abort();
		}
		if (period_parse_week(s, &d) == BS_OK) {
			period_format_week(d, wk);
			if (strcmp(wk, s) != 0)
				abort();
		}
		break;
	}
	case 5: {
		uint8_t pub[KEY_LEN], fp[FP_BYTES];
		const char *comment = NULL;
		keys_parse_public_line(s, pub, &comment);
		keys_parse_fingerprint(s, fp);
		break;
	}
	default: {
		/* Sync messages inside an Envelope, then validate what they carry. */
		struct wire_arena a;
		Envelope *env;
		wire_arena_init(&a, WIRE_DECODE_MEM_MAX);
		env = wire_envelope_decode(&a, data, size);
		if (env && env->body_case == BAOSONG__V1__ENVELOPE__BODY_PUSH) {
			size_t i;
			for (i = 0; i < env->push->n_ops && i < 16; i++) {
				const Baosong__V1__Op *op = env->push->ops[i];
				if (op->kind && records_kind_known(op->kind))
					records_validate(op->kind, op->data.data, op->data.len,
							 1790000000000LL, 1, 0, &lk, &err);
				if (op->uid)
					records_uid_valid(op->uid);
			}
		}
		wire_envelope_free(env, &a);
		if (a.used != 0)
			abort();
		break;
	}
	}
	free(s);
	return 0;
}
