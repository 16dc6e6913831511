/* channel.h - the secure channel after a completed Noise handshake.
 *
 * Each direction has its own CipherState.  After every `rekey_interval`
 * messages in a direction, both ends apply Noise Rekey() to that direction,
 * so old keys are gone long before a nonce could run out; a nonce reaching
 * BS_NONCE_LIMIT ends the session instead of wrapping.
 *
 * The channel is a pure state machine (no I/O), so the server's libuv code,
 * the blocking client and the tests all share it. */
#ifndef BS_CHANNEL_H
#define BS_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#include "noise.h"

struct channel {
	struct noise_cipher tx, rx;
	uint64_t tx_count, rx_count; /* messages since the last rekey */
	uint64_t rekey_interval;
	uint8_t hash[NOISE_HASHLEN];      /* handshake hash: a session id both ends share */
	uint8_t remote_static[NOISE_DHLEN];
};

/* Split the finished handshake into ch (and wipe hs).  rekey_interval 0 means
 * BS_REKEY_INTERVAL. */
int channel_from_handshake(struct channel *ch, struct noise_hs *hs, uint64_t rekey_interval);

/* Encrypt pt into a complete frame at out (4-byte length + ciphertext).
 * out needs FRAME_HDR + ptlen + NOISE_TAGLEN bytes; ptlen <= BS_PAYLOAD_MAX. */
int channel_seal(struct channel *ch, const uint8_t *pt, size_t ptlen, uint8_t *out, size_t cap,
		 size_t *outlen);

/* Decrypt one frame body (without its length header) into out, which needs
 * ctlen - NOISE_TAGLEN bytes.  Any failure ends the session. */
int channel_open(struct channel *ch, const uint8_t *ct, size_t ctlen, uint8_t *out, size_t cap,
		 size_t *outlen);

void channel_wipe(struct channel *ch);

#endif
