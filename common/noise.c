/* noise.c - Noise_IK_25519_ChaChaPoly_BLAKE2b on libsodium primitives.
 *
 * Follows the Noise specification revision 34; comments name its functions
 * (MixHash, MixKey, EncryptAndHash, ...) and message tokens (e, es, s, ss ...). */
#include "noise.h"

#include <sodium.h>
#include <string.h>

#include "err.h"

/* ---- HASH, HMAC, HKDF ---------------------------------------------------- */

static void hash2(uint8_t out[NOISE_HASHLEN], const uint8_t *a, size_t alen, const uint8_t *b,
		  size_t blen)
{
	crypto_generichash_blake2b_state st;
	crypto_generichash_blake2b_init(&st, NULL, 0, NOISE_HASHLEN);
	crypto_generichash_blake2b_update(&st, a, alen);
	if (blen > 0)
		crypto_generichash_blake2b_update(&st, b, blen);
	crypto_generichash_blake2b_final(&st, out, NOISE_HASHLEN);
	sodium_memzero(&st, sizeof st);
}

void noise_hmac_blake2b(uint8_t out[NOISE_HASHLEN], const uint8_t *key, size_t keylen,
			const uint8_t *data, size_t datalen)
{
	uint8_t k[NOISE_BLOCKLEN];
	uint8_t pad[NOISE_BLOCKLEN];
	uint8_t inner[NOISE_HASHLEN];
	size_t i;

	memset(k, 0, sizeof k);
	if (keylen > NOISE_BLOCKLEN)
		crypto_generichash_blake2b(k, NOISE_HASHLEN, key, keylen, NULL, 0);
	else if (keylen > 0)
		memcpy(k, key, keylen);

	for (i = 0; i < NOISE_BLOCKLEN; i++)
		pad[i] = (uint8_t)(k[i] ^ 0x36);
	hash2(inner, pad, sizeof pad, data, datalen);
	for (i = 0; i < NOISE_BLOCKLEN; i++)
		pad[i] = (uint8_t)(k[i] ^ 0x5c);
	hash2(out, pad, sizeof pad, inner, sizeof inner);

	sodium_memzero(k, sizeof k);
	sodium_memzero(pad, sizeof pad);
	sodium_memzero(inner, sizeof inner);
}

void noise_hkdf2(const uint8_t ck[NOISE_HASHLEN], const uint8_t *ikm, size_t ikmlen,
		 uint8_t out1[NOISE_HASHLEN], uint8_t out2[NOISE_HASHLEN])
{
	uint8_t temp[NOISE_HASHLEN];
	uint8_t buf[NOISE_HASHLEN + 1];

	noise_hmac_blake2b(temp, ck, NOISE_HASHLEN, ikm, ikmlen);
	buf[0] = 0x01;
	noise_hmac_blake2b(out1, temp, sizeof temp, buf, 1);
	memcpy(buf, out1, NOISE_HASHLEN);
	buf[NOISE_HASHLEN] = 0x02;
	noise_hmac_blake2b(out2, temp, sizeof temp, buf, sizeof buf);

	sodium_memzero(temp, sizeof temp);
	sodium_memzero(buf, sizeof buf);
}

/* ---- DH ------------------------------------------------------------------ */

int noise_dh(uint8_t out[NOISE_DHLEN], const uint8_t priv[NOISE_DHLEN],
	     const uint8_t pub[NOISE_DHLEN])
{
	/* libsodium's crypto_scalarmult fails when the result is all zero, which
	 * is exactly the low-order-point case. */
	if (crypto_scalarmult(out, priv, pub) != 0) {
		sodium_memzero(out, NOISE_DHLEN);
		return BS_E_LOWORDER;
	}
	return BS_OK;
}

int noise_pubkey(uint8_t pub[NOISE_DHLEN], const uint8_t priv[NOISE_DHLEN])
{
	return crypto_scalarmult_base(pub, priv) == 0 ? BS_OK : BS_E_CRYPTO;
}

/* ---- CipherState ----------------------------------------------------------- */

static void make_nonce(uint8_t nonce[12], uint64_t n)
{
	int i;
	memset(nonce, 0, 4);
	for (i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(n >> (8 * i)); /* little-endian */
}

void noise_cipher_init(struct noise_cipher *c, const uint8_t k[NOISE_KEYLEN])
{
	memcpy(c->k, k, NOISE_KEYLEN);
	c->n = 0;
	c->has_key = true;
}

int noise_cipher_encrypt(struct noise_cipher *c, const uint8_t *ad, size_t adlen,
			 const uint8_t *pt, size_t ptlen, uint8_t *out, size_t *outlen)
{
	uint8_t nonce[12];
	unsigned long long clen = 0;

	if (!c->has_key) {
		if (out != pt && ptlen > 0)
			memmove(out, pt, ptlen);
		*outlen = ptlen;
		return BS_OK;
	}
	if (c->n == UINT64_MAX) /* 2^64-1 is reserved */
		return BS_E_NONCE;
	make_nonce(nonce, c->n);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, &clen, pt, ptlen, ad, adlen, NULL, nonce,
						  c->k);
	c->n++;
	*outlen = (size_t)clen;
	return BS_OK;
}

int noise_cipher_decrypt(struct noise_cipher *c, const uint8_t *ad, size_t adlen,
			 const uint8_t *ct, size_t ctlen, uint8_t *out, size_t *outlen)
{
	uint8_t nonce[12];
	unsigned long long plen = 0;

	if (!c->has_key) {
		if (out != ct && ctlen > 0)
			memmove(out, ct, ctlen);
		*outlen = ctlen;
		return BS_OK;
	}
	if (ctlen < NOISE_TAGLEN)
		return BS_E_INVAL;
	if (c->n == UINT64_MAX)
		return BS_E_NONCE;
	make_nonce(nonce, c->n);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(out, &plen, NULL, ct, ctlen, ad, adlen, nonce,
						      c->k) != 0)
		return BS_E_CRYPTO;
	c->n++;
	*outlen = (size_t)plen;
	return BS_OK;
}

void noise_cipher_rekey(struct noise_cipher *c)
{
	uint8_t nonce[12];
	uint8_t zeros[NOISE_KEYLEN];
	uint8_t out[NOISE_KEYLEN + NOISE_TAGLEN];
	unsigned long long clen = 0;

	memset(zeros, 0, sizeof zeros);
	make_nonce(nonce, UINT64_MAX);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, &clen, zeros, sizeof zeros, NULL, 0, NULL,
						  nonce, c->k);
	memcpy(c->k, out, NOISE_KEYLEN);
	sodium_memzero(out, sizeof out);
}

void noise_cipher_wipe(struct noise_cipher *c)
{
	sodium_memzero(c, sizeof *c);
}

/* ---- SymmetricState -------------------------------------------------------- */

static void mix_hash(struct noise_hs *hs, const uint8_t *data, size_t len)
{
	hash2(hs->h, hs->h, NOISE_HASHLEN, data, len);
}

static void mix_key(struct noise_hs *hs, const uint8_t *ikm, size_t len)
{
	uint8_t tk[NOISE_HASHLEN];
	noise_hkdf2(hs->ck, ikm, len, hs->ck, tk);
	noise_cipher_init(&hs->cs, tk); /* truncated to 32 bytes: HASHLEN is 64 */
	sodium_memzero(tk, sizeof tk);
}

static int mix_dh(struct noise_hs *hs, const uint8_t priv[NOISE_DHLEN],
		  const uint8_t pub[NOISE_DHLEN])
{
	uint8_t dh[NOISE_DHLEN];
	int rv = noise_dh(dh, priv, pub);
	if (rv == BS_OK)
		mix_key(hs, dh, sizeof dh);
	sodium_memzero(dh, sizeof dh);
	return rv;
}

static int encrypt_and_hash(struct noise_hs *hs, const uint8_t *pt, size_t ptlen, uint8_t *out,
			    size_t *outlen)
{
	int rv = noise_cipher_encrypt(&hs->cs, hs->h, NOISE_HASHLEN, pt, ptlen, out, outlen);
	if (rv == BS_OK)
		mix_hash(hs, out, *outlen);
	return rv;
}

static int decrypt_and_hash(struct noise_hs *hs, const uint8_t *ct, size_t ctlen, uint8_t *out,
			    size_t *outlen)
{
	uint8_t h[NOISE_HASHLEN];
	int rv;
	/* h must be mixed with the ciphertext, which may alias out. */
	hash2(h, hs->h, NOISE_HASHLEN, ct, ctlen);
	rv = noise_cipher_decrypt(&hs->cs, hs->h, NOISE_HASHLEN, ct, ctlen, out, outlen);
	if (rv == BS_OK)
		memcpy(hs->h, h, NOISE_HASHLEN);
	sodium_memzero(h, sizeof h);
	return rv;
}

/* ---- HandshakeState (IK) ------------------------------------------------- */

int noise_hs_init(struct noise_hs *hs, enum noise_role role, const uint8_t *prologue,
		  size_t prologue_len, const uint8_t s_priv[NOISE_DHLEN], const uint8_t *s_pub,
		  const uint8_t *rs)
{
	static const char name[] = NOISE_PROTOCOL_NAME;

	memset(hs, 0, sizeof *hs);
	if ((role == NOISE_INITIATOR) != (rs != NULL))
		return BS_E_INVAL;
	hs->role = role;
	/* InitializeSymmetric: name fits in HASHLEN, so h = name padded with zeros. */
	memcpy(hs->h, name, sizeof name - 1);
	memcpy(hs->ck, hs->h, NOISE_HASHLEN);
	mix_hash(hs, prologue, prologue_len);

	memcpy(hs->s_priv, s_priv, NOISE_DHLEN);
	if (s_pub)
		memcpy(hs->s_pub, s_pub, NOISE_DHLEN);
	else if (noise_pubkey(hs->s_pub, s_priv) != BS_OK) {
		noise_hs_wipe(hs);
		return BS_E_CRYPTO;
	}
	/* Pre-message pattern "<- s": both sides hash the responder's static key. */
	if (role == NOISE_INITIATOR) {
		memcpy(hs->rs, rs, NOISE_DHLEN);
		mix_hash(hs, hs->rs, NOISE_DHLEN);
	} else {
		mix_hash(hs, hs->s_pub, NOISE_DHLEN);
	}
	return BS_OK;
}

int noise_hs_set_ephemeral(struct noise_hs *hs, const uint8_t e_priv[NOISE_DHLEN])
{
	memcpy(hs->e_priv, e_priv, NOISE_DHLEN);
	if (noise_pubkey(hs->e_pub, e_priv) != BS_OK)
		return BS_E_CRYPTO;
	hs->has_e = true;
	return BS_OK;
}

static int write_e(struct noise_hs *hs, uint8_t *out)
{
	if (!hs->has_e) {
		randombytes_buf(hs->e_priv, NOISE_DHLEN);
		if (noise_pubkey(hs->e_pub, hs->e_priv) != BS_OK)
			return BS_E_CRYPTO;
		hs->has_e = true;
	}
	memcpy(out, hs->e_pub, NOISE_DHLEN);
	mix_hash(hs, hs->e_pub, NOISE_DHLEN);
	return BS_OK;
}

int noise_hs_write_msg1(struct noise_hs *hs, const uint8_t *payload, size_t plen,
			uint8_t *out, size_t outcap, size_t *outlen)
{
	size_t off = 0, n = 0;
	int rv;

	if (hs->role != NOISE_INITIATOR || hs->step != 0)
		return BS_E_STATE;
	if (plen > NOISE_MAX_MSG - NOISE_IK_MSG1_OVERHEAD || outcap < plen + NOISE_IK_MSG1_OVERHEAD)
		return BS_E_TOOBIG;
	/* e */
	if ((rv = write_e(hs, out)) != BS_OK)
		return rv;
	off += NOISE_DHLEN;
	/* es */
	if ((rv = mix_dh(hs, hs->e_priv, hs->rs)) != BS_OK)
		return rv;
	/* s */
	if ((rv = encrypt_and_hash(hs, hs->s_pub, NOISE_DHLEN, out + off, &n)) != BS_OK)
		return rv;
	off += n;
	/* ss */
	if ((rv = mix_dh(hs, hs->s_priv, hs->rs)) != BS_OK)
		return rv;
	/* payload */
	if ((rv = encrypt_and_hash(hs, payload, plen, out + off, &n)) != BS_OK)
		return rv;
	off += n;
	hs->step = 1;
	*outlen = off;
	return BS_OK;
}

int noise_hs_read_msg1(struct noise_hs *hs, const uint8_t *msg, size_t len, uint8_t *payload,
		       size_t paycap, size_t *plen)
{
	size_t off = 0, n = 0;
	int rv;

	if (hs->role != NOISE_RESPONDER || hs->step != 0)
		return BS_E_STATE;
	if (len < NOISE_IK_MSG1_OVERHEAD || len > NOISE_MAX_MSG)
		return BS_E_INVAL;
	if (paycap < len - NOISE_IK_MSG1_OVERHEAD)
		return BS_E_TOOBIG;
	/* e */
	memcpy(hs->re, msg, NOISE_DHLEN);
	mix_hash(hs, hs->re, NOISE_DHLEN);
	off += NOISE_DHLEN;
	/* es */
	if ((rv = mix_dh(hs, hs->s_priv, hs->re)) != BS_OK)
		return rv;
	/* s */
	if ((rv = decrypt_and_hash(hs, msg + off, NOISE_DHLEN + NOISE_TAGLEN, hs->rs, &n)) !=
	    BS_OK)
		return rv;
	off += NOISE_DHLEN + NOISE_TAGLEN;
	/* ss: known from an earlier handshake of this initiator, or computed */
	hs->ss_computed = !(hs->ss_get && hs->ss_get(hs->ss_ctx, hs->rs, hs->ss) == 1);
	if (hs->ss_computed && (rv = noise_dh(hs->ss, hs->s_priv, hs->rs)) != BS_OK)
		return rv;
	mix_key(hs, hs->ss, sizeof hs->ss);
	/* payload */
	if ((rv = decrypt_and_hash(hs, msg + off, len - off, payload, plen)) != BS_OK)
		return rv;
	hs->step = 1;
	return BS_OK;
}

int noise_hs_write_msg2(struct noise_hs *hs, const uint8_t *payload, size_t plen,
			uint8_t *out, size_t outcap, size_t *outlen)
{
	size_t off = 0, n = 0;
	int rv;

	if (hs->role != NOISE_RESPONDER || hs->step != 1)
		return BS_E_STATE;
	if (plen > NOISE_MAX_MSG - NOISE_IK_MSG2_OVERHEAD || outcap < plen + NOISE_IK_MSG2_OVERHEAD)
		return BS_E_TOOBIG;
	/* e */
	if ((rv = write_e(hs, out)) != BS_OK)
		return rv;
	off += NOISE_DHLEN;
	/* ee */
	if ((rv = mix_dh(hs, hs->e_priv, hs->re)) != BS_OK)
		return rv;
	/* se: responder uses DH(e, rs) */
	if ((rv = mix_dh(hs, hs->e_priv, hs->rs)) != BS_OK)
		return rv;
	/* payload */
	if ((rv = encrypt_and_hash(hs, payload, plen, out + off, &n)) != BS_OK)
		return rv;
	off += n;
	hs->step = 2;
	*outlen = off;
	return BS_OK;
}

int noise_hs_read_msg2(struct noise_hs *hs, const uint8_t *msg, size_t len, uint8_t *payload,
		       size_t paycap, size_t *plen)
{
	int rv;

	if (hs->role != NOISE_INITIATOR || hs->step != 1)
		return BS_E_STATE;
	if (len < NOISE_IK_MSG2_OVERHEAD || len > NOISE_MAX_MSG)
		return BS_E_INVAL;
	if (paycap < len - NOISE_IK_MSG2_OVERHEAD)
		return BS_E_TOOBIG;
	/* e */
	memcpy(hs->re, msg, NOISE_DHLEN);
	mix_hash(hs, hs->re, NOISE_DHLEN);
	/* ee */
	if ((rv = mix_dh(hs, hs->e_priv, hs->re)) != BS_OK)
		return rv;
	/* se: initiator uses DH(s, re) */
	if ((rv = mix_dh(hs, hs->s_priv, hs->re)) != BS_OK)
		return rv;
	/* payload */
	if ((rv = decrypt_and_hash(hs, msg + NOISE_DHLEN, len - NOISE_DHLEN, payload, plen)) !=
	    BS_OK)
		return rv;
	hs->step = 2;
	return BS_OK;
}

int noise_hs_split(struct noise_hs *hs, struct noise_cipher *tx, struct noise_cipher *rx,
		   uint8_t hash[NOISE_HASHLEN])
{
	uint8_t k1[NOISE_HASHLEN], k2[NOISE_HASHLEN];

	if (hs->step != 2)
		return BS_E_STATE;
	noise_hkdf2(hs->ck, NULL, 0, k1, k2);
	/* c1 carries initiator -> responder, c2 responder -> initiator. */
	if (hs->role == NOISE_INITIATOR) {
		noise_cipher_init(tx, k1);
		noise_cipher_init(rx, k2);
	} else {
		noise_cipher_init(tx, k2);
		noise_cipher_init(rx, k1);
	}
	if (hash)
		memcpy(hash, hs->h, NOISE_HASHLEN);
	sodium_memzero(k1, sizeof k1);
	sodium_memzero(k2, sizeof k2);
	noise_hs_wipe(hs);
	return BS_OK;
}

void noise_hs_wipe(struct noise_hs *hs)
{
	sodium_memzero(hs, sizeof *hs);
}
