/* test_frame.c - the streaming frame decoder: every length, every split,
 * limits enforced before allocation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bs_limits.h"
#include "err.h"
#include "frame.h"

static uint8_t pattern[BS_FRAME_MAX];

static void fill_pattern(void)
{
	size_t i;
	for (i = 0; i < sizeof pattern; i++)
		pattern[i] = (uint8_t)(i * 131u + (i >> 8) * 7u + 1u);
}

/* Feed data[0..len) in pieces of the given sizes (cycled); expect exactly one
 * frame equal to pattern[0..flen) at the very end. */
static void feed_expect_one(struct frame_decoder *d, const uint8_t *data, size_t len,
			    size_t flen, const size_t *cuts, size_t ncuts)
{
	size_t off = 0, k = 0;
	int got = 0;
	while (off < len) {
		size_t piece = cuts[k++ % ncuts], used = 0, fl = 0;
		const uint8_t *f = NULL;
		int rv;
		if (piece == 0 || piece > len - off)
			piece = len - off;
		while (piece > 0) {
			rv = frame_decoder_feed(d, data + off, piece, &used, &f, &fl);
			assert_true(rv >= 0);
			assert_true(used <= piece);
			off += used;
			piece -= used;
			if (rv == 1) {
				assert_int_equal(off, len); /* the frame ends where the data ends */
				assert_int_equal(fl, flen);
				assert_true(memcmp(f, pattern, flen) == 0);
				got++;
			} else {
				assert_int_equal(piece, 0);
			}
		}
	}
	assert_int_equal(got, 1);
}

/* Every length from 1 to 1024, split into two pieces at every offset. */
static void test_every_split_small(void **state)
{
	static uint8_t stream[FRAME_HDR + 1024];
	size_t len, cut;
	(void)state;
	for (len = 1; len <= 1024; len++) {
		struct frame_decoder d;
		frame_decoder_init(&d, BS_FRAME_MAX);
		frame_put_header(stream, (uint32_t)len);
		memcpy(stream + FRAME_HDR, pattern, len);
		for (cut = 0; cut <= FRAME_HDR + len; cut++) {
			size_t cuts[2];
			cuts[0] = cut;
			cuts[1] = FRAME_HDR + len - cut;
			feed_expect_one(&d, stream, FRAME_HDR + len, len, cuts, 2);
		}
		frame_decoder_free(&d);
	}
}

/* Every length up to the maximum, each split at two offsets that vary with
 * the length (one in the header, one in the body), reusing one decoder. */
static void test_every_length(void **state)
{
	static uint8_t stream[FRAME_HDR + BS_FRAME_MAX];
	struct frame_decoder d;
	size_t len;
	(void)state;
	frame_decoder_init(&d, BS_FRAME_MAX);
	memcpy(stream + FRAME_HDR, pattern, BS_FRAME_MAX);
	for (len = 1; len <= BS_FRAME_MAX; len++) {
		size_t cuts[3];
		frame_put_header(stream, (uint32_t)len);
		cuts[0] = len % 4 + 1;
		cuts[1] = (len * 7919u) % len + 1;
		cuts[2] = 0;
		feed_expect_one(&d, stream, FRAME_HDR + len, len, cuts, 3);
	}
	frame_decoder_free(&d);
}

/* The largest frame fed one byte at a time, and then many frames back to
 * back in random chunkings. */
static void test_bytewise_and_streams(void **state)
{
	static uint8_t stream[200 * (FRAME_HDR + 700)];
	size_t lens[200], n = 0, off = 0, i, round;
	struct frame_decoder d;
	size_t one = 1;
	(void)state;

	frame_decoder_init(&d, BS_FRAME_MAX);
	{
		static uint8_t big[FRAME_HDR + BS_FRAME_MAX];
		frame_put_header(big, BS_FRAME_MAX);
		memcpy(big + FRAME_HDR, pattern, BS_FRAME_MAX);
		feed_expect_one(&d, big, sizeof big, BS_FRAME_MAX, &one, 1);
	}
	srand(7);
	for (i = 0; i < 200; i++) {
		lens[i] = (size_t)(rand() % 700) + 1;
		frame_put_header(stream + off, (uint32_t)lens[i]);
		memcpy(stream + off + FRAME_HDR, pattern, lens[i]);
		off += FRAME_HDR + lens[i];
	}
	for (round = 0; round < 50; round++) {
		size_t pos = 0;
		n = 0;
		while (pos < off) {
			size_t piece = (size_t)(rand() % 3000) + 1;
			if (piece > off - pos)
				piece = off - pos;
			while (piece > 0) {
				const uint8_t *f = NULL;
				size_t used = 0, fl = 0;
				int rv = frame_decoder_feed(&d, stream + pos, piece, &used, &f, &fl);
				assert_true(rv >= 0);
				pos += used;
				piece -= used;
				if (rv == 1) {
					assert_true(n < 200);
					assert_int_equal(fl, lens[n]);
					assert_true(memcmp(f, pattern, fl) == 0);
					n++;
				}
			}
		}
		assert_int_equal(n, 200);
	}
	frame_decoder_free(&d);
}

/* Oversized and zero lengths are refused as soon as the header is complete,
 * before any allocation, and the decoder stays refused. */
static void test_limits(void **state)
{
	static const uint32_t bad[] = {BS_FRAME_MAX_PREAUTH + 1, 65536, 0x7fffffffu, 0xffffffffu};
	struct frame_decoder d;
	uint8_t hdr[FRAME_HDR + 1];
	const uint8_t *f = NULL;
	size_t used = 0, fl = 0, i;
	(void)state;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		frame_decoder_init(&d, BS_FRAME_MAX_PREAUTH);
		frame_put_header(hdr, bad[i]);
		hdr[4] = 0xaa;
		/* three header bytes: nothing decided yet */
		assert_int_equal(frame_decoder_feed(&d, hdr, 3, &used, &f, &fl), 0);
		assert_int_equal(used, 3);
		assert_int_equal(frame_decoder_feed(&d, hdr + 3, 2, &used, &f, &fl), BS_E_TOOBIG);
		assert_int_equal(used, 1); /* stopped right after the length */
		assert_null(d.buf);        /* nothing was allocated for it */
		assert_int_equal(frame_decoder_feed(&d, hdr, 1, &used, &f, &fl), BS_E_TOOBIG);
		assert_int_equal(used, 0);
		frame_decoder_free(&d);
	}
	/* exactly the maximum is fine */
	frame_decoder_init(&d, 16);
	frame_put_header(hdr, 16);
	assert_int_equal(frame_decoder_feed(&d, hdr, FRAME_HDR, &used, &f, &fl), 0);
	assert_int_equal(frame_decoder_feed(&d, pattern, 16, &used, &f, &fl), 1);
	assert_int_equal(fl, 16);
	/* after it, a frame one byte over is refused */
	frame_put_header(hdr, 17);
	assert_int_equal(frame_decoder_feed(&d, hdr, FRAME_HDR, &used, &f, &fl), BS_E_TOOBIG);
	frame_decoder_free(&d);
	/* zero length is a protocol error */
	frame_decoder_init(&d, 16);
	frame_put_header(hdr, 0);
	assert_int_equal(frame_decoder_feed(&d, hdr, FRAME_HDR, &used, &f, &fl), BS_E_PROTO);
	frame_decoder_free(&d);
	/* raising the limit between frames (after the handshake) works */
	frame_decoder_init(&d, BS_FRAME_MAX_PREAUTH);
	frame_put_header(hdr, 8);
	assert_int_equal(frame_decoder_feed(&d, hdr, FRAME_HDR, &used, &f, &fl), 0);
	assert_int_equal(frame_decoder_feed(&d, pattern, 8, &used, &f, &fl), 1);
	frame_decoder_set_max(&d, BS_FRAME_MAX);
	frame_put_header(hdr, BS_FRAME_MAX);
	assert_int_equal(frame_decoder_feed(&d, hdr, FRAME_HDR, &used, &f, &fl), 0);
	frame_decoder_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_every_split_small),
		cmocka_unit_test(test_every_length),
		cmocka_unit_test(test_bytewise_and_streams),
	};
	fill_pattern();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
