/* fuzz_frame.c - libFuzzer target for the frame decoder (common/frame.c).
 *
 * Input: FUZZ_FRAME_CTL control bytes, then the byte stream a peer sends.
 *   ctl[0] & 3   how the maximum changes between frames:
 *                0  as the server does: BS_FRAME_MAX_PREAUTH for the first
 *                   frame, BS_FRAME_MAX after it
 *                1  BS_FRAME_MAX throughout
 *                2  BS_FRAME_MAX_PREAUTH throughout
 *                3  alternately ctl[0] >> 2 (0..63) and BS_FRAME_MAX_PREAUTH
 *   ctl[1..4]    chunk sizes, used in turn; 0 means all that is left
 * The stream is fed to frame_decoder_feed in those chunks, as reads would
 * deliver it, and checked against a one-pass parse of the whole stream: the
 * same frames with the same bytes, the same error just after the same
 * header, and every byte consumed unless an error happened. */
#include <stdint.h>
#include <string.h>

#include "bs_limits.h"
#include "err.h"
#include "frame.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The whole stream parsed in one pass: what the decoder must report. */
struct expect {
	const uint8_t *s;
	size_t len;
	size_t off;    /* start of the next frame's header */
	size_t frames; /* frames completed */
	uint8_t mode;
};

static size_t max_for_frame(uint8_t mode, size_t frames)
{
	switch (mode & 3u) {
	case 0:
		return frames == 0 ? BS_FRAME_MAX_PREAUTH : BS_FRAME_MAX;
	case 1:
		return BS_FRAME_MAX;
	case 2:
		return BS_FRAME_MAX_PREAUTH;
	default:
		return frames % 2 == 0 ? (size_t)(mode >> 2) : BS_FRAME_MAX_PREAUTH;
	}
}

/* Next event of the stream: 1 with the frame's body, 0 if the stream ends
 * before another whole frame, or the error with *end just past the header
 * that caused it. */
static int expect_next(struct expect *e, const uint8_t **body, size_t *len, size_t *end)
{
	size_t left = e->len - e->off;
	uint32_t n;

	if (left < FRAME_HDR)
		return 0;
	n = fuzz_be32(e->s + e->off);
	if (n == 0) {
		*end = e->off + FRAME_HDR;
		return BS_E_PROTO;
	}
	if (n > max_for_frame(e->mode, e->frames)) {
		*end = e->off + FRAME_HDR;
		return BS_E_TOOBIG;
	}
	if (left - FRAME_HDR < n)
		return 0;
	*body = e->s + e->off + FRAME_HDR;
	*len = n;
	e->off += FRAME_HDR + n;
	e->frames++;
	return 1;
}

/* A frame the decoder returned, ending at stream offset pos. */
static void check_frame(struct expect *e, const uint8_t *frame, size_t flen, size_t pos)
{
	const uint8_t *body = NULL;
	uint8_t hdr[FRAME_HDR];
	size_t blen = 0, end = 0;
	size_t max = max_for_frame(e->mode, e->frames);

	FUZZ_CHECK(expect_next(e, &body, &blen, &end) == 1);
	FUZZ_CHECK(frame != NULL);
	FUZZ_CHECK(flen > 0 && flen <= max);
	FUZZ_CHECK(flen == blen);
	FUZZ_CHECK(memcmp(frame, body, flen) == 0);
	FUZZ_CHECK(pos == e->off);
	frame_put_header(hdr, (uint32_t)flen);
	FUZZ_CHECK(memcmp(hdr, body - FRAME_HDR, FRAME_HDR) == 0);
}

/* The decoder failed with err once stream offset pos was consumed. */
static void check_error(struct expect *e, struct frame_decoder *d, int err, size_t pos)
{
	const uint8_t *body = NULL, *frame = NULL;
	size_t blen = 0, end = 0, used = 1, flen = 0;

	FUZZ_CHECK(expect_next(e, &body, &blen, &end) == err);
	FUZZ_CHECK(pos == end);
	/* The error is sticky and consumes nothing more. */
	FUZZ_CHECK(frame_decoder_feed(d, e->s + pos, e->len - pos, &used, &frame, &flen) == err);
	FUZZ_CHECK(used == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame_decoder d;
	struct expect e;
	const uint8_t *frame, *body = NULL;
	size_t pos = 0, turn = 0, used, flen, blen = 0, end = 0;
	int rv;

	if (size < FUZZ_FRAME_CTL)
		return 0;
	memset(&e, 0, sizeof e);
	e.mode = data[0];
	e.s = data + FUZZ_FRAME_CTL;
	e.len = size - FUZZ_FRAME_CTL;
	frame_decoder_init(&d, max_for_frame(e.mode, 0));

	while (pos < e.len) {
		size_t chunk = data[1 + turn++ % 4];
		size_t done = 0;

		if (chunk == 0 || chunk > e.len - pos)
			chunk = e.len - pos;
		/* One read: feed until the decoder has taken all of it. */
		for (;;) {
			used = (size_t)-1;
			frame = NULL;
			flen = 0;
			rv = frame_decoder_feed(&d, e.s + pos + done, chunk - done, &used, &frame,
						&flen);
			FUZZ_CHECK(used <= chunk - done);
			done += used;
			if (rv < 0) {
				check_error(&e, &d, rv, pos + done);
				goto out;
			}
			if (rv == 0) {
				FUZZ_CHECK(done == chunk);
				break;
			}
			FUZZ_CHECK(rv == 1);
			check_frame(&e, frame, flen, pos + done);
			frame_decoder_set_max(&d, max_for_frame(e.mode, e.frames));
			if (done == chunk)
				break;
		}
		pos += chunk;
	}
	/* All input consumed: nothing whole may be left behind, and an empty
	 * read changes nothing. */
	FUZZ_CHECK(expect_next(&e, &body, &blen, &end) == 0);
	used = (size_t)-1;
	FUZZ_CHECK(frame_decoder_feed(&d, e.s + e.len, 0, &used, &frame, &flen) == 0);
	FUZZ_CHECK(used == 0);
out:
	frame_decoder_free(&d);
	FUZZ_CHECK(d.buf == NULL && d.bufcap == 0);
	return 0;
}
