/* cookie.c - cookie reply and proof frames (format in cookie.h). */
#include "cookie.h"

#include <assert.h>
#include <sodium.h>
#include <string.h>

#include "err.h"

#define COOKIE_KEY_LABEL "baosong cookie key v1"

static void cookie_key(const uint8_t server_pub[KEY_LEN],
		       uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
	crypto_generichash_update(&st, (const uint8_t *)COOKIE_KEY_LABEL,
				  sizeof COOKIE_KEY_LABEL - 1);
	crypto_generichash_update(&st, server_pub, KEY_LEN);
	crypto_generichash_final(&st, key, crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
}

int cookie_is_reply(const uint8_t *body, size_t len)
{
	return len == COOKIE_REPLY_LEN && memcmp(body, COOKIE_MAGIC, COOKIE_MAGIC_LEN) == 0;
}

int cookie_is_proof(const uint8_t *body, size_t len)
{
	return len == COOKIE_PROOF_LEN && memcmp(body, COOKIE_PROOF_MAGIC, COOKIE_MAGIC_LEN) == 0;
}

int cookie_reply_seal(const uint8_t server_pub[KEY_LEN], const uint8_t cookie[COOKIE_LEN],
		      const uint8_t *msg1, size_t msg1_len, uint8_t out[COOKIE_REPLY_LEN])
{
	uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	uint8_t *nonce = out + COOKIE_MAGIC_LEN;
	unsigned long long clen = 0;

	if (msg1_len < COOKIE_AD_LEN)
		return BS_E_PROTO;
	memcpy(out, COOKIE_MAGIC, COOKIE_MAGIC_LEN);
	randombytes_buf(nonce, COOKIE_NONCE_LEN);
	cookie_key(server_pub, key);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + COOKIE_MAGIC_LEN + COOKIE_NONCE_LEN, &clen,
						   cookie, COOKIE_LEN, msg1, COOKIE_AD_LEN, NULL,
						   nonce, key);
	sodium_memzero(key, sizeof key);
	assert(clen == COOKIE_LEN + 16u);
	return BS_OK;
}

int cookie_reply_open(const uint8_t server_pub[KEY_LEN], const uint8_t *msg1, size_t msg1_len,
		      const uint8_t *reply, size_t reply_len, uint8_t cookie[COOKIE_LEN])
{
	uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned long long plen = 0;
	int rv;

	if (!cookie_is_reply(reply, reply_len) || msg1_len < COOKIE_AD_LEN)
		return BS_E_PROTO;
	cookie_key(server_pub, key);
	rv = crypto_aead_xchacha20poly1305_ietf_decrypt(
		cookie, &plen, NULL, reply + COOKIE_MAGIC_LEN + COOKIE_NONCE_LEN, COOKIE_LEN + 16u,
		msg1, COOKIE_AD_LEN, reply + COOKIE_MAGIC_LEN, key);
	sodium_memzero(key, sizeof key);
	if (rv != 0 || plen != COOKIE_LEN) {
		sodium_memzero(cookie, COOKIE_LEN);
		return BS_E_CRYPTO;
	}
	return BS_OK;
}

void cookie_mac(const uint8_t cookie[COOKIE_LEN], const uint8_t *msg1, size_t msg1_len,
		uint8_t mac[COOKIE_MAC_LEN])
{
	crypto_generichash(mac, COOKIE_MAC_LEN, msg1, msg1_len, cookie, COOKIE_LEN);
}

void cookie_proof_build(const uint8_t cookie[COOKIE_LEN], const uint8_t *msg1, size_t msg1_len,
			uint8_t out[COOKIE_PROOF_LEN])
{
	memcpy(out, COOKIE_PROOF_MAGIC, COOKIE_MAGIC_LEN);
	cookie_mac(cookie, msg1, msg1_len, out + COOKIE_MAGIC_LEN);
}
