/* fuzz_parsers.c - every parser of text or bytes that comes from a person,
 * a file or a peer and is not covered by the frame, handshake and envelope
 * targets: record validation (every kind, as every role), enum values in
 * words, enrolment tokens, money in 万元, dates and ISO weeks, key lines and
 * fingerprints, and the sync messages inside an Envelope (push, pull,
 * blobs).  The first input byte picks the parser; the rest is its input
 * (for records, its first byte picks the kind and the writer's role). */
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

static int lookup(void *ctx, const char *uid, int64_t *unit_id, int64_t *total_fen, int *stage)
{
	(void)ctx;
	if (uid[0] == '0')
		return BS_E_NOTFOUND;
	*unit_id = uid[0] == '1' ? 2 : 1;
	*total_fen = 100000000;
	*stage = uid[1] - '0';
	return BS_OK;
}

static int lookup_unit(void *ctx, const char *code, int64_t *unit_id)
{
	(void)ctx;
	if (code[0] == 'x')
		return BS_E_NOTFOUND;
	*unit_id = code[0] == 'o' ? 2 : 1;
	return BS_OK;
}

/* Validate data as the kind and role picked by byte b, as records_validate
 * and records_validate_data, and use what the kind derives. */
static void fuzz_record(uint8_t b, int any_unit, const uint8_t *data, size_t size)
{
	struct rec_lookup lk = {lookup, lookup_unit, NULL};
	struct rec_ctx c = {1790000000000LL, 1, 0, any_unit, &lk};
	struct rec_error err;
	const struct rec_kind *kinds;
	size_t n;
	int rv;

	kinds = records_kinds(&n);
	c.role = (int)(b / n) % 7; /* 0..6: also roles that do not exist */
	rv = records_validate(kinds[b % n].name, data, size, &c, &err);
	if (rv != BS_OK && (!err.field[0] || !err.msg[0]))
		abort(); /* every refusal names its field */
	records_validate_data(kinds[b % n].name, data, size, &c, &err);
	if (rv == BS_OK && strcmp(kinds[b % n].name, REC_KIND_STATS) == 0) {
		struct wire_arena a;
		Baosong__V1__StatsEvidence *s;
		wire_arena_init(&a, WIRE_DECODE_MEM_MAX);
		s = baosong__v1__stats_evidence__unpack(&a.alloc, size, data);
		if (!s)
			abort(); /* validated, so it decodes */
		records_stats_complete(s);
		baosong__v1__stats_evidence__free_unpacked(s, &a.alloc);
	}
}

/* Enum values typed by people: whatever parses has a label that parses
 * back to the same value. */
static void fuzz_enum(const char *s)
{
	static const ProtobufCEnumDescriptor *const enums[] = {
		&baosong__v1__role__descriptor,
		&baosong__v1__unit_type__descriptor,
		&baosong__v1__project_stage__descriptor,
		&baosong__v1__approval_level__descriptor,
		&baosong__v1__stats_status__descriptor,
		&baosong__v1__funding_channel__descriptor,
		&baosong__v1__problem_category__descriptor,
	};
	size_t i;
	for (i = 0; i < sizeof enums / sizeof enums[0]; i++) {
		int v = -1, back = -1;
		const char *label;
		if (records_enum_parse(enums[i], s, &v) != BS_OK)
			continue;
		label = records_enum_label(enums[i], v);
		if (!label || records_enum_parse(enums[i], label, &back) != BS_OK || back != v)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	uint8_t sel;
	struct rec_error err;
	struct rec_lookup lk = {lookup, lookup_unit, NULL};
	struct rec_ctx rc = {1790000000000LL, 1, REC_ROLE_REPORTER, 0, &lk};

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
		/* The next byte picks the kind and the writer's role. */
		if (size >= 1)
			fuzz_record(data[0], sel & 8, data + 1, size - 1);
		break;
	case 1:
		fuzz_enum(s);
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
					records_validate(op->kind, op->data.data, op->data.len, &rc,
							 &err);
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
