/* test_op_digest.c - the op digest against values computed independently
 * from the encoding documented in docs/PROTOCOL.md 13.3 (Python hashlib:
 * blake2b(STR("baosong-op-v1") + STR(kind) + STR(uid) + INT(base_rev) +
 * INT(deleted) + INT(withdrawn) + STR(data) + INT(n) + STR(att)...,
 * digest_size=32)), and what it leaves out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "op_digest.h"

static void hex_of(const uint8_t d[OP_DIGEST_LEN], char out[2 * OP_DIGEST_LEN + 1])
{
	sodium_bin2hex(out, 2 * OP_DIGEST_LEN + 1, d, OP_DIGEST_LEN);
}

static const char data_text[] = "新镇项目";

/* A change with data and two attachments, base_rev 3. */
static void sample(Baosong__V1__Op *op, ProtobufCBinaryData atts[2], uint8_t h[2][32])
{
	baosong__v1__op__init(op);
	memset(h[0], 0x11, 32);
	memset(h[1], 0x22, 32);
	atts[0].data = h[0];
	atts[0].len = 32;
	atts[1].data = h[1];
	atts[1].len = 32;
	op->seq = 7;
	op->kind = (char *)"project";
	op->uid = (char *)"0123456789abcdef0123456789abcdef";
	op->base_rev = 3;
	op->data.data = (uint8_t *)(uintptr_t)data_text;
	op->data.len = strlen(data_text);
	op->attachments = atts;
	op->n_attachments = 2;
}

static void test_vectors(void **state)
{
	Baosong__V1__Op op;
	ProtobufCBinaryData atts[2];
	uint8_t h[2][32], d[OP_DIGEST_LEN];
	char hex[2 * OP_DIGEST_LEN + 1];
	(void)state;

	sample(&op, atts, h);
	op_digest(&op, d);
	hex_of(d, hex);
	assert_string_equal(hex, "cb51528a172e3d62a20a05b3f3fc6a8e7f4bfd7bcf8d8ee8a3b3912a0dda2e15");

	/* A withdrawn op: kind and uid only. */
	baosong__v1__op__init(&op);
	op.seq = 1;
	op.kind = (char *)"project";
	op.uid = (char *)"0123456789abcdef0123456789abcdef";
	op.withdrawn = 1;
	op_digest(&op, d);
	hex_of(d, hex);
	assert_string_equal(hex, "a77e8b94a0291803bc10ca884305f208fe557dab87bb0cbd2ad7015e6f9bac35");

	/* Absent strings are empty. */
	baosong__v1__op__init(&op);
	op_digest(&op, d);
	hex_of(d, hex);
	assert_string_equal(hex, "09950673566a162dc895d89892b86f30d8faa22e064051a2dc91fee15b23658d");
}

/* seq, created_at_ms and unit_id are not covered; every other field is. */
static void test_coverage(void **state)
{
	Baosong__V1__Op op;
	ProtobufCBinaryData atts[2];
	uint8_t h[2][32], base[OP_DIGEST_LEN], d[OP_DIGEST_LEN];
	(void)state;

	sample(&op, atts, h);
	op_digest(&op, base);
	op.seq = 8;
	op.created_at_ms = 1767225600000LL;
	op.unit_id = 42;
	op_digest(&op, d);
	assert_memory_equal(d, base, sizeof d);

#define CHANGED(stmt)                                                                  \
	do {                                                                           \
		sample(&op, atts, h);                                                  \
		stmt;                                                                  \
		op_digest(&op, d);                                                     \
		assert_memory_not_equal(d, base, sizeof d);                            \
	} while (0)
	CHANGED(op.kind = (char *)"deal");
	CHANGED(op.uid = (char *)"fedcba9876543210fedcba9876543210");
	CHANGED(op.base_rev = 4);
	CHANGED(op.deleted = 1);
	CHANGED(op.withdrawn = 1);
	CHANGED(op.data.len -= 1);
	CHANGED(op.n_attachments = 1);
	CHANGED(h[1][31] ^= 1);
	/* The same bytes split differently between fields differ too. */
	CHANGED((op.kind = (char *)"projec", op.uid = (char *)"t0123456789abcdef0123456789abcdef"));
#undef CHANGED
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_coverage),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
