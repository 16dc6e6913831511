/* frame.c - streaming decoder for length-prefixed frames. */
#include "frame.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

void frame_decoder_init(struct frame_decoder *d, size_t max)
{
	memset(d, 0, sizeof *d);
	d->max = max;
}

void frame_decoder_set_max(struct frame_decoder *d, size_t max)
{
	d->max = max;
}

void frame_decoder_free(struct frame_decoder *d)
{
	if (d->buf) {
		sodium_memzero(d->buf, d->bufcap);
		free(d->buf);
	}
	d->buf = NULL;
	d->bufcap = 0;
}

void frame_put_header(uint8_t hdr[FRAME_HDR], uint32_t len)
{
	hdr[0] = (uint8_t)(len >> 24);
	hdr[1] = (uint8_t)(len >> 16);
	hdr[2] = (uint8_t)(len >> 8);
	hdr[3] = (uint8_t)len;
}

int frame_decoder_feed(struct frame_decoder *d, const uint8_t *data, size_t len, size_t *used,
		       const uint8_t **frame, size_t *frame_len)
{
	size_t off = 0;

	*used = 0;
	if (d->failed)
		return d->failed;
	/* A frame returned last time is finished now. */
	if (d->hdr_have == FRAME_HDR && d->have == d->need) {
		d->hdr_have = 0;
		d->have = 0;
		d->need = 0;
	}
	while (d->hdr_have < FRAME_HDR) {
		if (off == len) {
			*used = off;
			return 0;
		}
		d->hdr[d->hdr_have++] = data[off++];
	}
	if (d->need == 0) {
		uint32_t n = ((uint32_t)d->hdr[0] << 24) | ((uint32_t)d->hdr[1] << 16) |
			     ((uint32_t)d->hdr[2] << 8) | (uint32_t)d->hdr[3];
		if (n == 0) {
			d->failed = BS_E_PROTO;
			*used = off;
			return d->failed;
		}
		if (n > d->max) {
			d->failed = BS_E_TOOBIG;
			*used = off;
			return d->failed;
		}
		if (n > d->bufcap) {
			uint8_t *nb = malloc(n);
			if (!nb) {
				d->failed = BS_E_NOMEM;
				*used = off;
				return d->failed;
			}
			frame_decoder_free(d);
			d->buf = nb;
			d->bufcap = n;
		}
		d->need = n;
		d->have = 0;
	}
	{
		size_t take = d->need - d->have;
		if (take > len - off)
			take = len - off;
		if (take > 0)
			memcpy(d->buf + d->have, data + off, take);
		d->have += take;
		off += take;
	}
	*used = off;
	if (d->have < d->need)
		return 0;
	*frame = d->buf;
	*frame_len = d->need;
	return 1;
}
