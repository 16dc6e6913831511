/* keys.h - X25519 key files and human-readable fingerprints.
 *
 * Private key file (mode 0600):    "baosong-private-key-v1 <base64>\n"
 * Public key file (any mode):      "baosong-public-key-v1 <base64> [comment]\n"
 * Fingerprint: BLAKE2b with a 20-byte output (outlen 20, which is not the
 * same as cutting BLAKE2b-512 short) of "baosong-fp-v1" || public key,
 * in Crockford base32, eight groups of four: "7KQ2-M9XD-...".  Parsing
 * ignores case, spaces and dashes, and reads O as 0 and I, L as 1, so it can
 * be dictated over the phone. */
#ifndef BS_KEYS_H
#define BS_KEYS_H

#include <stddef.h>
#include <stdint.h>

#define KEY_LEN 32
#define FP_BYTES 20
#define FP_STRLEN 39 /* 32 characters + 7 dashes */

struct keypair {
	uint8_t priv[KEY_LEN];
	uint8_t pub[KEY_LEN];
};

/* Fresh random key pair. */
int keys_generate(struct keypair *kp);
void keys_wipe(struct keypair *kp);

/* Write path (mode 0600, refuses to overwrite unless force) and path.pub.
 * comment may be NULL.  Returns 0 or BS_E_IO (errno kept). */
int keys_write(const struct keypair *kp, const char *path, const char *comment, int force);

/* Read a private key file, refusing one that group or others may read
 * (BS_E_KEYPERM) or that is malformed (BS_E_INVAL).  Fills kp->pub too. */
int keys_read_private(const char *path, struct keypair *kp);

/* Read a public key file. */
int keys_read_public(const char *path, uint8_t pub[KEY_LEN]);

/* Parse one line "baosong-public-key-v1 <base64> [comment]" or a bare base64
 * key.  comment (may be NULL) receives a pointer into line or "" . */
int keys_parse_public_line(const char *line, uint8_t pub[KEY_LEN], const char **comment);

/* Base64 (standard, padded) of a public key into out[45]. */
void keys_pub_to_base64(const uint8_t pub[KEY_LEN], char out[45]);

/* Fingerprint of a public key. */
void keys_fingerprint_bytes(const uint8_t pub[KEY_LEN], uint8_t fp[FP_BYTES]);
void keys_fingerprint(const uint8_t pub[KEY_LEN], char out[FP_STRLEN + 1]);
/* Parse a fingerprint as dictated; 0 or BS_E_INVAL. */
int keys_parse_fingerprint(const char *s, uint8_t fp[FP_BYTES]);
/* Whether pub matches fp (constant time).  1 or 0. */
int keys_match_fingerprint(const uint8_t pub[KEY_LEN], const uint8_t fp[FP_BYTES]);

#endif
