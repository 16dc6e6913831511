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

void op_digest(const Baosong__V1__Op *op, uint8_t out[OP_DIGEST_LEN])
{
	static const char tag[] = "baosong-op-v1";
	crypto_generichash_state h;
	size_t i;

	assert(op && out);
	crypto_generichash_init(&h, NULL, 0, OP_DIGEST_LEN);
	put_str(&h, tag, sizeof tag - 1);
	put_str(&h, op->kind ? op->kind : "", op->kind ? strlen(op->kind) : 0);
	put_str(&h, op->uid ? op->uid : "", op->uid ? strlen(op->uid) : 0);
	put_int(&h, op->base_rev);
	put_int(&h, op->deleted ? 1 : 0);
	put_int(&h, op->withdrawn ? 1 : 0);
	put_str(&h, op->data.data, op->data.len);
	put_int(&h, op->n_attachments);
	for (i = 0; i < op->n_attachments; i++)
		put_str(&h, op->attachments[i].data, op->attachments[i].len);
	crypto_generichash_final(&h, out, OP_DIGEST_LEN);
}
