/* fuzz_common.h - what the fuzz targets and the seed generator share: the
 * fixed keys and clock of fuzz_handshake, the layout of fuzz_frame inputs,
 * and a check that aborts (so libFuzzer keeps the input) with a message. */
#ifndef BS_FUZZ_COMMON_H
#define BS_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "keys.h"
#include "noise.h"

/* Seeds of the fixed key pairs (see fuzz_keypair). */
#define FUZZ_SERVER_KEY 0x10u /* the server fuzz_handshake plays */
#define FUZZ_CLIENT_KEY 0x60u /* the client of the valid seeds */
#define FUZZ_OTHER_KEY 0xb0u  /* a server nobody fuzzes */

/* fuzz_handshake's clock (2023-11-14 22:13:20 UTC). */
#define FUZZ_NOW_NS 1700000000000000000ull

/* fuzz_frame inputs: a mode byte, four chunk sizes, then the byte stream. */
#define FUZZ_FRAME_CTL 5u

#define FUZZ_CHECK(cond)                                           \
	do {                                                       \
		if (!(cond))                                       \
			fuzz_fail(__FILE__, __LINE__, #cond);      \
	} while (0)

_Noreturn static inline void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	abort();
}

/* A fixed key pair whose private key is seed, seed + 1, ... (X25519 clamps
 * it).  Returns 0 or BS_E_CRYPTO. */
static inline int fuzz_keypair(struct keypair *kp, unsigned seed)
{
	size_t i;

	for (i = 0; i < KEY_LEN; i++)
		kp->priv[i] = (uint8_t)(seed + i);
	return noise_pubkey(kp->pub, kp->priv);
}

static inline uint32_t fuzz_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
	       (uint32_t)p[3];
}

#endif
