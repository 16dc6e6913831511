/* frame.h - length-prefixed frames: a 4-byte big-endian length, then that
 * many bytes (one Noise message).
 *
 * The decoder takes bytes in any chunking and refuses a length over its
 * current maximum (or zero) before allocating anything for it.  The maximum
 * can be changed between frames (tighter before the handshake). */
#ifndef BS_FRAME_H
#define BS_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_HDR 4u

struct frame_decoder {
	uint8_t hdr[FRAME_HDR];
	size_t hdr_have;
	uint8_t *buf;   /* body being collected; owned */
	size_t bufcap;
	size_t need;    /* body length announced by the header */
	size_t have;    /* body bytes collected */
	size_t max;     /* largest body accepted */
	int failed;     /* sticky error */
};

void frame_decoder_init(struct frame_decoder *d, size_t max);
void frame_decoder_set_max(struct frame_decoder *d, size_t max);
/* Frees the buffer (wiping it: it may hold ciphertext or plaintext). */
void frame_decoder_free(struct frame_decoder *d);

/* Feed up to len bytes.  Sets *used to the bytes consumed.  Returns 1 when a
 * whole frame is ready: *frame and *frame_len describe it, valid until the
 * next call.  Returns 0 when all input was consumed without completing a
 * frame, or a negative BS_E_* (BS_E_TOOBIG, BS_E_PROTO for length 0,
 * BS_E_NOMEM); after an error the decoder refuses everything. */
int frame_decoder_feed(struct frame_decoder *d, const uint8_t *data, size_t len, size_t *used,
		       const uint8_t **frame, size_t *frame_len);

/* Write a 4-byte big-endian length header. */
void frame_put_header(uint8_t hdr[FRAME_HDR], uint32_t len);

#endif
