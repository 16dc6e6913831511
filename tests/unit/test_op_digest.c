/* test_op_digest.c - the op digest against values computed independently
 * from the encoding documented in docs/PROTOCOL.md 13.3 (Python hashlib:
 * blake2b(STR("baosong-op-v2") + STR(kind) + STR(uid) + INT(base_rev) +
 * INT(deleted) + INT(withdrawn) + STR(data) + INT(n) + STR(att)... +
 * INT(owner), digest_size=32); version 1 the same without INT(owner) under
 * "baosong-op-v1"), and what it leaves out. */
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

static void test_vectors_v1(void **state)
{
	Baosong__V1__Op op;
	ProtobufCBinaryData atts[2];
	uint8_t h[2][32], d[OP_DIGEST_LEN];
	char hex[2 * OP_DIGEST_LEN + 1];
	(void)state;

	sample(&op, atts, h);
	op_digest_v1(&op, d);
	hex_of(d, hex);
	assert_string_equal(hex, "cb51528a172e3d62a20a05b3f3fc6a8e7f4bfd7bcf8d8ee8a3b3912a0dda2e15");

	/* A withdrawn op: kind and uid only. */
	baosong__v1__op__init(&op);
	op.seq = 1;
	op.kind = (char *)"project";
	op.uid = (char *)"0123456789abcdef0123456789abcdef";
	op.withdrawn = 1;
	op_digest_v1(&op, d);
	hex_of(d, hex);
	assert_string_equal(hex, "a77e8b94a0291803bc10ca884305f208fe557dab87bb0cbd2ad7015e6f9bac35");

	/* Absent strings are empty. */
	baosong__v1__op__init(&op);
	op_digest_v1(&op, d);
	hex_of(d, hex);
	assert_string_equal(hex, "09950673566a162dc895d89892b86f30d8faa22e064051a2dc91fee15b23658d");
}

static void test_vectors_v2(void **state)
{
	Baosong__V1__Op op;
	ProtobufCBinaryData atts[2];
	uint8_t h[2][32], d[OP_DIGEST_LEN];
	char hex[2 * OP_DIGEST_LEN + 1];
	(void)state;

	/* A change (base_rev 3): the owner is 0 whatever unit_id says. */
	sample(&op, atts, h);
	op.unit_id = 42;
	op_digest(&op, 5, d);
	hex_of(d, hex);
	assert_string_equal(hex, "0eb4e17f7b888ea827b9033fbb8d9f291d00d23877c56d340678b56256ebd1b7");

	/* A new record: the device's own unit (5) ... */
	sample(&op, atts, h);
	op.base_rev = 0;
	op_digest(&op, 5, d);
	hex_of(d, hex);
	assert_string_equal(hex, "93a264eb90c0f3bf56ba130ae852078c29be4fd0e95be6409dacb34eb0895695");
	/* ... or another unit (42). */
	op.unit_id = 42;
	op_digest(&op, 5, d);
	hex_of(d, hex);
	assert_string_equal(hex, "b61a684f53b2de325039d178b43fb95c8926e62c23509a4b15f571f30712e675");

	/* A withdrawn op: owner 0. */
	baosong__v1__op__init(&op);
	op.seq = 1;
	op.kind = (char *)"project";
	op.uid = (char *)"0123456789abcdef0123456789abcdef";
	op.withdrawn = 1;
	op.unit_id = 42;
	op_digest(&op, 5, d);
	hex_of(d, hex);
	assert_string_equal(hex, "8fcb1c9076390daaa66d63cf8c962010348f437d8c02b65de90bda1a1a13449d");

	/* Absent strings are empty. */
	baosong__v1__op__init(&op);
	op_digest(&op, 0, d);
	hex_of(d, hex);
	assert_string_equal(hex, "957d52abf413527d002cf2f43881f964d63cb4a22a1dcebb11b665ee592e7956");
}

/* The owner of a new record is covered: a reused seq that differs only in
 * unit_id does not match (review finding 5); unit_id 0 and the device's
 * own unit mean the same and match; version 1 never equals version 2. */
static void test_owner(void **state)
{
	Baosong__V1__Op op;
	ProtobufCBinaryData atts[2];
	uint8_t h[2][32], base[OP_DIGEST_LEN], d[OP_DIGEST_LEN];
	(void)state;

	sample(&op, atts, h);
	op.base_rev = 0;
	op.unit_id = 42;
	op_digest(&op, 5, base);
	op.unit_id = 43;
	op_digest(&op, 5, d);
	assert_memory_not_equal(d, base, sizeof d);
	op.unit_id = 5;
	op_digest(&op, 5, d);
	assert_memory_not_equal(d, base, sizeof d);

	op.unit_id = 0;
	op_digest(&op, 5, base);
	op.unit_id = 5;
	op_digest(&op, 5, d);
	assert_memory_equal(d, base, sizeof d);
	op.unit_id = 0; /* another device's unit */
	op_digest(&op, 6, d);
	assert_memory_not_equal(d, base, sizeof d);

	/* Version 1 left unit_id out: a digest stored then still matches
	 * its op, whatever unit_id the retry carries. */
	op.unit_id = 42;
	op_digest_v1(&op, base);
	op.unit_id = 43;
	op_digest_v1(&op, d);
	assert_memory_equal(d, base, sizeof d);
	op_digest(&op, 5, d);
	assert_memory_not_equal(d, base, sizeof d);
}

/* seq, created_at_ms, and unit_id of a change (base_rev > 0), are not
 * covered; every other field is. */
static void test_coverage(void **state)
{
	Baosong__V1__Op op;
	ProtobufCBinaryData atts[2];
	uint8_t h[2][32], base[OP_DIGEST_LEN], d[OP_DIGEST_LEN];
	(void)state;

	sample(&op, atts, h);
	op_digest(&op, 5, base);
	op.seq = 8;
	op.created_at_ms = 1767225600000LL;
	op.unit_id = 42;
	op_digest(&op, 5, d);
	assert_memory_equal(d, base, sizeof d);

#define CHANGED(stmt)                                                                  \
	do {                                                                           \
		sample(&op, atts, h);                                                  \
		stmt;                                                                  \
		op_digest(&op, 5, d);                                                  \
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
		cmocka_unit_test(test_vectors_v1),
		cmocka_unit_test(test_vectors_v2),
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_coverage),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
