/* cookie.h - the cookie reply: a cheap, stateless check the server can ask
 * for before it does any Diffie-Hellman work (after WireGuard's cookie).
 *
 * When the server is under load it answers an IK message 1 that carries no
 * valid proof with a cookie reply instead of message 2, and closes:
 *
 *   reply body (64 bytes) = "BSCOOKIE" || nonce (24) || sealed cookie (32)
 *     sealed cookie = XChaCha20-Poly1305-IETF(key = cookie_key(server_pub),
 *                       nonce, plaintext = cookie (16 bytes),
 *                       ad = the first 32 bytes of message 1)
 *     cookie_key(pub) = BLAKE2b-256(unkeyed, "baosong cookie key v1" || pub)
 *
 * The client opens a new connection and sends, before the same message 1,
 * a proof frame:
 *
 *   proof body (24 bytes) = "BSCKMAC1" || mac
 *     mac = BLAKE2b-128(key = cookie, message = the whole message 1 body)
 *
 * The server makes the cookie from the client's address and a secret it
 * changes every two minutes (server/net/cookie_secret.h), so a cookie is
 * worth nothing from another address or after about four minutes.
 * docs/PROTOCOL.md section 6.8 describes the exchange for other clients. */
#ifndef BS_COOKIE_H
#define BS_COOKIE_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

#define COOKIE_LEN 16u
#define COOKIE_MAC_LEN 16u
#define COOKIE_NONCE_LEN 24u
#define COOKIE_MAGIC "BSCOOKIE"
#define COOKIE_PROOF_MAGIC "BSCKMAC1"
#define COOKIE_MAGIC_LEN 8u
/* Body lengths: neither is a possible IK message 1 (>= 128 bytes) nor the
 * 8-byte key request, so a receiver tells them apart by length and magic. */
#define COOKIE_REPLY_LEN (COOKIE_MAGIC_LEN + COOKIE_NONCE_LEN + COOKIE_LEN + 16u)
#define COOKIE_PROOF_LEN (COOKIE_MAGIC_LEN + COOKIE_MAC_LEN)
/* Bytes of message 1 bound into the reply (the client's ephemeral key). */
#define COOKIE_AD_LEN 32u

/* Is this frame body a cookie reply / a proof frame (by length and magic)? */
int cookie_is_reply(const uint8_t *body, size_t len);
int cookie_is_proof(const uint8_t *body, size_t len);

/* Server: seal cookie into a reply body (COOKIE_REPLY_LEN bytes) for the
 * message 1 msg1 (at least COOKIE_AD_LEN bytes). */
int cookie_reply_seal(const uint8_t server_pub[KEY_LEN], const uint8_t cookie[COOKIE_LEN],
		      const uint8_t *msg1, size_t msg1_len, uint8_t out[COOKIE_REPLY_LEN]);

/* Client: open a reply for the message 1 it sent.  Returns 0, or
 * BS_E_PROTO (not a reply) / BS_E_CRYPTO (does not authenticate). */
int cookie_reply_open(const uint8_t server_pub[KEY_LEN], const uint8_t *msg1, size_t msg1_len,
		      const uint8_t *reply, size_t reply_len, uint8_t cookie[COOKIE_LEN]);

/* Both: the proof's mac over message 1, and the whole proof body. */
void cookie_mac(const uint8_t cookie[COOKIE_LEN], const uint8_t *msg1, size_t msg1_len,
		uint8_t mac[COOKIE_MAC_LEN]);
void cookie_proof_build(const uint8_t cookie[COOKIE_LEN], const uint8_t *msg1, size_t msg1_len,
			uint8_t out[COOKIE_PROOF_LEN]);

#endif
