/* noise.h - Noise_IK_25519_ChaChaPoly_BLAKE2b (Noise Protocol Framework rev 34).
 *
 * Built on libsodium: X25519 (crypto_scalarmult), ChaCha20-Poly1305 IETF and
 * BLAKE2b.  HMAC is RFC 2104 over BLAKE2b (block 128 bytes, output 64), which
 * libsodium does not provide.
 *
 * IK:   <- s
 *       ...
 *       -> e, es, s, ss
 *       <- e, ee, se
 *
 * Call sodium_init() before anything here.  Every object that holds key
 * material must be released with its *_wipe function on every path. */
#ifndef BS_NOISE_H
#define BS_NOISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NOISE_DHLEN 32
#define NOISE_KEYLEN 32
#define NOISE_HASHLEN 64
#define NOISE_BLOCKLEN 128
#define NOISE_TAGLEN 16
#define NOISE_MAX_MSG 65535u
#define NOISE_PROTOCOL_NAME "Noise_IK_25519_ChaChaPoly_BLAKE2b"
/* Overhead of the two IK handshake messages around their payloads. */
#define NOISE_IK_MSG1_OVERHEAD (NOISE_DHLEN + NOISE_DHLEN + NOISE_TAGLEN + NOISE_TAGLEN)
#define NOISE_IK_MSG2_OVERHEAD (NOISE_DHLEN + NOISE_TAGLEN)

/* RFC 2104 HMAC with BLAKE2b-512.  out receives NOISE_HASHLEN bytes. */
void noise_hmac_blake2b(uint8_t out[NOISE_HASHLEN], const uint8_t *key, size_t keylen,
			const uint8_t *data, size_t datalen);

/* Noise HKDF with two outputs (num_outputs == 2); ikm may be NULL when ikmlen == 0. */
void noise_hkdf2(const uint8_t ck[NOISE_HASHLEN], const uint8_t *ikm, size_t ikmlen,
		 uint8_t out1[NOISE_HASHLEN], uint8_t out2[NOISE_HASHLEN]);

/* X25519 with a refusal of low-order points.  Returns 0 or BS_E_LOWORDER. */
int noise_dh(uint8_t out[NOISE_DHLEN], const uint8_t priv[NOISE_DHLEN],
	     const uint8_t pub[NOISE_DHLEN]);

/* Derive a public key from a private key.  Returns 0 or BS_E_CRYPTO. */
int noise_pubkey(uint8_t pub[NOISE_DHLEN], const uint8_t priv[NOISE_DHLEN]);

/* CipherState. */
struct noise_cipher {
	uint8_t k[NOISE_KEYLEN];
	uint64_t n;
	bool has_key;
};

void noise_cipher_init(struct noise_cipher *c, const uint8_t k[NOISE_KEYLEN]);
/* EncryptWithAd: out must hold ptlen + NOISE_TAGLEN bytes (ptlen if no key yet);
 * *outlen receives the length.  out may equal pt.  Returns 0, BS_E_NONCE. */
int noise_cipher_encrypt(struct noise_cipher *c, const uint8_t *ad, size_t adlen,
			 const uint8_t *pt, size_t ptlen, uint8_t *out, size_t *outlen);
/* DecryptWithAd: out must hold ctlen - NOISE_TAGLEN bytes.  On failure the
 * nonce is not advanced.  Returns 0, BS_E_CRYPTO, BS_E_INVAL, BS_E_NONCE. */
int noise_cipher_decrypt(struct noise_cipher *c, const uint8_t *ad, size_t adlen,
			 const uint8_t *ct, size_t ctlen, uint8_t *out, size_t *outlen);
/* Rekey(): k = first 32 bytes of ENCRYPT(k, 2^64-1, empty, zeros). Nonce unchanged. */
void noise_cipher_rekey(struct noise_cipher *c);
void noise_cipher_wipe(struct noise_cipher *c);

enum noise_role { NOISE_INITIATOR = 1, NOISE_RESPONDER = 2 };

/* HandshakeState for IK.  Opaque in spirit; fields visible for stack allocation. */
struct noise_hs {
	enum noise_role role;
	int step; /* 0: nothing done, 1: msg1 done, 2: msg2 done (split allowed) */
	uint8_t h[NOISE_HASHLEN];
	uint8_t ck[NOISE_HASHLEN];
	struct noise_cipher cs;
	uint8_t s_priv[NOISE_DHLEN], s_pub[NOISE_DHLEN];
	uint8_t e_priv[NOISE_DHLEN], e_pub[NOISE_DHLEN];
	uint8_t rs[NOISE_DHLEN], re[NOISE_DHLEN];
	bool has_e;
	/* Responder, optional (set after noise_hs_init): the static-static DH
	 * of an initiator key seen before, kept by the caller as WireGuard
	 * keeps it per peer.  ss_get returns 1 and fills out when it knows
	 * rs; noise_hs_read_msg1 then skips that DH.  Either way ss holds the
	 * value mixed in, and ss_computed says whether it was computed here
	 * (for the caller to keep once the initiator is known to be a peer). */
	int (*ss_get)(void *ctx, const uint8_t rs[NOISE_DHLEN], uint8_t out[NOISE_DHLEN]);
	void *ss_ctx;
	uint8_t ss[NOISE_DHLEN];
	bool ss_computed;
};

/* Initialize.  s_priv is the local static private key, s_pub its public
 * key (the caller vouches that it is; NULL: derived from s_priv, an X25519
 * operation).  rs, the responder's static public key, is required for the
 * initiator and must be NULL for the responder.  Returns 0 or a BS_E_*
 * code. */
int noise_hs_init(struct noise_hs *hs, enum noise_role role, const uint8_t *prologue,
		  size_t prologue_len, const uint8_t s_priv[NOISE_DHLEN], const uint8_t *s_pub,
		  const uint8_t *rs);

/* Fix the ephemeral key instead of generating one (test vectors only). */
int noise_hs_set_ephemeral(struct noise_hs *hs, const uint8_t e_priv[NOISE_DHLEN]);

/* Initiator: -> e, es, s, ss, payload.  out must hold plen + NOISE_IK_MSG1_OVERHEAD. */
int noise_hs_write_msg1(struct noise_hs *hs, const uint8_t *payload, size_t plen,
			uint8_t *out, size_t outcap, size_t *outlen);
/* Responder: reads msg1; payload receives len - NOISE_IK_MSG1_OVERHEAD bytes.
 * On success the initiator's static key is in hs->rs.  On any failure the
 * handshake must be abandoned. */
int noise_hs_read_msg1(struct noise_hs *hs, const uint8_t *msg, size_t len, uint8_t *payload,
		       size_t paycap, size_t *plen);
/* Responder: <- e, ee, se, payload.  out must hold plen + NOISE_IK_MSG2_OVERHEAD. */
int noise_hs_write_msg2(struct noise_hs *hs, const uint8_t *payload, size_t plen,
			uint8_t *out, size_t outcap, size_t *outlen);
/* Initiator: reads msg2. */
int noise_hs_read_msg2(struct noise_hs *hs, const uint8_t *msg, size_t len, uint8_t *payload,
		       size_t paycap, size_t *plen);

/* Split() after msg2: tx is for messages this side sends, rx for those it
 * receives.  hash (may be NULL) receives the handshake hash.  The handshake
 * state is wiped. */
int noise_hs_split(struct noise_hs *hs, struct noise_cipher *tx, struct noise_cipher *rx,
		   uint8_t hash[NOISE_HASHLEN]);

void noise_hs_wipe(struct noise_hs *hs);

#endif
