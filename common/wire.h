/* wire.h - protobuf helpers: the Envelope and the handshake payloads.
 *
 * Decoding uses an allocator with a hard cap, so a hostile message cannot
 * make protobuf-c allocate more than WIRE_DECODE_MEM_MAX bytes. */
#ifndef BS_WIRE_H
#define BS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "baosong.pb-c.h"

#define BS_PROTOCOL_VERSION 1u
#define BS_PROLOGUE "baosong/1 Noise_IK_25519_ChaChaPoly_BLAKE2b"
#define BS_VERSION_STRING "0.1.0"
#define WIRE_DECODE_MEM_MAX (4u * 1024u * 1024u)
#define WIRE_PING_DATA_MAX 1024u

typedef Baosong__V1__Envelope Envelope;
typedef Baosong__V1__Error WireError;

/* Allocator with a cap, for protobuf-c unpacking.  Free messages with
 * wire_free_* so the same allocator releases them. */
struct wire_arena {
	ProtobufCAllocator alloc;
	size_t used;
	size_t max;
};
void wire_arena_init(struct wire_arena *a, size_t max);
/* What the arena counts against max for each block besides its size (its
 * header): an allocator that must refuse exactly what wire_arena refuses
 * (server/gather_arena.c) charges the same. */
size_t wire_arena_block_charge(void);

/* Decode an Envelope from plaintext; NULL if malformed or over the cap.
 * Free with wire_envelope_free(env, a). */
Envelope *wire_envelope_decode(struct wire_arena *a, const uint8_t *buf, size_t len);
void wire_envelope_free(Envelope *env, struct wire_arena *a);

/* Encode env into buf; returns 0 or BS_E_TOOBIG. */
int wire_envelope_encode(const Envelope *env, uint8_t *buf, size_t cap, size_t *len);

/* Fill an Error (strings point to static text) for a BS_E_* code. */
void wire_error_set(WireError *e, int err, const char *detail);

/* Map a wire Error code back to a BS_E_* code (unknown -> BS_E_INTERNAL). */
int wire_error_code(const WireError *e);

/* Now (common/clock.h: the real clock, or BAOSONG_NOW in tests). */
int64_t wire_now_ms(void);
uint64_t wire_now_ns(void);

#endif
