/* op_digest.c - the digest of an op (op_digest.h). */
#include "op_digest.h"

#include <assert.h>
#include <sodium.h>
#include <string.h>

static void put_int(crypto_generichash_state *h, uint64_t v)
{
	uint8_t b[8];
	int i;
	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
	crypto_generichash_update(h, b, sizeof b);
}

static void put_str(crypto_generichash_state *h, const void *p, size_t n)
{
	put_int(h, (uint64_t)n);
	if (n > 0)
		crypto_generichash_update(h, p, n);
}

/* The fields both versions cover, after the tag. */
static void put_fields(crypto_generichash_state *h, const Baosong__V1__Op *op)
{
	size_t i;
	put_str(h, op->kind ? op->kind : "", op->kind ? strlen(op->kind) : 0);
	put_str(h, op->uid ? op->uid : "", op->uid ? strlen(op->uid) : 0);
	put_int(h, op->base_rev);
	put_int(h, op->deleted ? 1 : 0);
	put_int(h, op->withdrawn ? 1 : 0);
	put_str(h, op->data.data, op->data.len);
	put_int(h, op->n_attachments);
	for (i = 0; i < op->n_attachments; i++)
		put_str(h, op->attachments[i].data, op->attachments[i].len);
}

int64_t op_digest_owner(const Baosong__V1__Op *op, int64_t own_unit)
{
	assert(op);
	if (op->base_rev != 0 || op->withdrawn)
		return 0;
	return op->unit_id != 0 ? op->unit_id : own_unit;
}

void op_digest(const Baosong__V1__Op *op, int64_t own_unit, uint8_t out[OP_DIGEST_LEN])
{
	static const char tag[] = "baosong-op-v2";
	crypto_generichash_state h;

	assert(op && out);
	crypto_generichash_init(&h, NULL, 0, OP_DIGEST_LEN);
	put_str(&h, tag, sizeof tag - 1);
	put_fields(&h, op);
	put_int(&h, (uint64_t)op_digest_owner(op, own_unit));
	crypto_generichash_final(&h, out, OP_DIGEST_LEN);
}

void op_digest_v1(const Baosong__V1__Op *op, uint8_t out[OP_DIGEST_LEN])
{
	static const char tag[] = "baosong-op-v1";
	crypto_generichash_state h;

	assert(op && out);
	crypto_generichash_init(&h, NULL, 0, OP_DIGEST_LEN);
	put_str(&h, tag, sizeof tag - 1);
	put_fields(&h, op);
	crypto_generichash_final(&h, out, OP_DIGEST_LEN);
}
