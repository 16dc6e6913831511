/* test_handshake.c - ClientHello/ServerHello over IK, replay and clock
 * refusal, refusals carried to the client. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "bs_limits.h"
#include "err.h"
#include "frame.h"
#include "handshake.h"
#include "noise.h"
#include "wire.h"

struct world {
	struct keypair server, client;
	uint8_t m1[HS_FRAME_MAX], m2[HS_FRAME_MAX];
	size_t m1len, m2len;
};

static void make_world(struct world *w)
{
	assert_int_equal(keys_generate(&w->server), BS_OK);
	assert_int_equal(keys_generate(&w->client), BS_OK);
}

/* One full handshake with a server-side replay memory `last`. */
static int run(struct world *w, uint64_t ts, uint64_t *last, uint64_t now, int refuse,
	       struct channel *cc, struct channel *sc, struct hs_server_info *si)
{
	struct noise_hs ch, sh;
	struct hs_client_info ci;
	int verdict, rv;

	assert_int_equal(hs_client_start(&ch, &w->client, w->server.pub, ts, w->m1, sizeof w->m1,
					 &w->m1len), BS_OK);
	rv = hs_server_read(&sh, &w->server, w->m1 + FRAME_HDR, w->m1len - FRAME_HDR, &ci);
	if (rv != BS_OK)
		return rv;
	assert_memory_equal(ci.static_pub, w->client.pub, KEY_LEN);
	assert_int_equal(ci.timestamp_ns, ts);
	assert_int_equal(ci.protocol_version, BS_PROTOCOL_VERSION);
	assert_string_equal(ci.client_version, "baosong " BS_VERSION_STRING);
	verdict = refuse ? refuse : hs_check_timestamp(last, ci.timestamp_ns, now, BS_CLOCK_SKEW_MS);
	assert_int_equal(hs_server_reply(&sh, verdict, w->m2, sizeof w->m2, &w->m2len, sc), BS_OK);
	rv = hs_client_finish(&ch, w->m2 + FRAME_HDR, w->m2len - FRAME_HDR, si, cc);
	noise_hs_wipe(&ch);
	assert_int_equal(rv, verdict);
	return rv;
}

static void test_accept_and_talk(void **state)
{
	struct world w;
	struct channel cc, sc;
	struct hs_server_info si;
	uint64_t last = 0, now = wire_now_ns();
	uint8_t buf[128], out[128];
	size_t n = 0, m = 0;
	(void)state;
	make_world(&w);
	assert_int_equal(run(&w, now, &last, now, 0, &cc, &sc, &si), BS_OK);
	assert_int_equal(si.error, 0);
	assert_string_equal(si.server_version, "baosongd " BS_VERSION_STRING);
	assert_memory_equal(cc.hash, sc.hash, 64);
	assert_memory_equal(sc.remote_static, w.client.pub, KEY_LEN);
	assert_int_equal(channel_seal(&cc, (const uint8_t *)"hello", 5, buf, sizeof buf, &n), BS_OK);
	assert_int_equal(channel_open(&sc, buf + FRAME_HDR, n - FRAME_HDR, out, sizeof out, &m),
			 BS_OK);
	assert_memory_equal(out, "hello", 5);
	channel_wipe(&cc);
	channel_wipe(&sc);
}

/* The same first message presented again is refused, whoever sends it. */
static void test_replay_refused(void **state)
{
	struct world w;
	struct noise_hs sh;
	struct hs_client_info ci;
	struct channel cc, sc;
	struct hs_server_info si;
	uint64_t last = 0, now = wire_now_ns();
	uint8_t saved[HS_FRAME_MAX];
	size_t savedlen;
	(void)state;
	make_world(&w);
	assert_int_equal(run(&w, now, &last, now, 0, &cc, &sc, &si), BS_OK);
	memcpy(saved, w.m1, w.m1len);
	savedlen = w.m1len;
	/* the replayer's copy decrypts (it is a genuine message) ... */
	assert_int_equal(hs_server_read(&sh, &w.server, saved + FRAME_HDR, savedlen - FRAME_HDR,
					 &ci), BS_OK);
	/* ... but its timestamp is not newer than the last accepted one */
	assert_int_equal(hs_check_timestamp(&last, ci.timestamp_ns, now + 1000, BS_CLOCK_SKEW_MS),
			 BS_E_REPLAY);
	noise_hs_wipe(&sh);
	/* an older timestamp, still inside the clock window, is refused as well */
	assert_int_equal(run(&w, now - 1000, &last, now, 0, &cc, &sc, &si), BS_E_REPLAY);
	assert_int_equal(si.error, BS_E_REPLAY);
	/* a newer one is fine */
	assert_int_equal(run(&w, now + 1, &last, now, 0, &cc, &sc, &si), BS_OK);
	channel_wipe(&cc);
	channel_wipe(&sc);
}

static void test_clock_window(void **state)
{
	uint64_t now = 1800000000ull * 1000000000ull, skew = BS_CLOCK_SKEW_MS * 1000000ull;
	uint64_t last = 0;
	(void)state;
	assert_int_equal(hs_check_timestamp(&last, now - skew - 1, now, BS_CLOCK_SKEW_MS),
			 BS_E_CLOCK);
	assert_int_equal(hs_check_timestamp(&last, now + skew + 1, now, BS_CLOCK_SKEW_MS),
			 BS_E_CLOCK);
	assert_int_equal(last, 0); /* refusals change nothing */
	assert_int_equal(hs_check_timestamp(&last, now - skew, now, BS_CLOCK_SKEW_MS), BS_OK);
	assert_int_equal(hs_check_timestamp(&last, now + skew, now, BS_CLOCK_SKEW_MS), BS_OK);
	assert_int_equal(last, now + skew);
	assert_int_equal(hs_check_timestamp(&last, now, now, BS_CLOCK_SKEW_MS), BS_E_REPLAY);
}

/* A refusal reaches the client with its code and the Chinese message. */
static void test_refusal_reaches_client(void **state)
{
	struct world w;
	struct channel cc, sc;
	struct hs_server_info si;
	uint64_t last = 0, now = wire_now_ns();
	(void)state;
	make_world(&w);
	assert_int_equal(run(&w, now, &last, now, BS_E_UNKNOWN_KEY, &cc, &sc, &si),
			 BS_E_UNKNOWN_KEY);
	assert_int_equal(si.error, BS_E_UNKNOWN_KEY);
	assert_string_equal(si.error_message, bs_strerror_zh(BS_E_UNKNOWN_KEY));
	assert_false(bs_err_retryable(BS_E_UNKNOWN_KEY));
}

/* A first message made for another server key does not decrypt. */
static void test_wrong_server_key(void **state)
{
	struct world w;
	struct keypair other;
	struct noise_hs ch, sh;
	struct hs_client_info ci;
	(void)state;
	make_world(&w);
	assert_int_equal(keys_generate(&other), BS_OK);
	assert_int_equal(hs_client_start(&ch, &w.client, other.pub, wire_now_ns(), w.m1,
					 sizeof w.m1, &w.m1len), BS_OK);
	assert_int_equal(hs_server_read(&sh, &w.server, w.m1 + FRAME_HDR, w.m1len - FRAME_HDR, &ci),
			 BS_E_CRYPTO);
	noise_hs_wipe(&ch);
	noise_hs_wipe(&sh);
	/* and a first message over the pre-handshake limit is refused unread */
	assert_int_equal(hs_server_read(&sh, &w.server, w.m1, BS_FRAME_MAX_PREAUTH + 1, &ci),
			 BS_E_TOOBIG);
}

/* Error codes are stable and every one has text. */
static void test_error_table(void **state)
{
	int e;
	WireError we;
	(void)state;
	for (e = BS_E__LAST + 1; e < 0; e++) {
		assert_string_not_equal(bs_errname(e), "BS_E_UNKNOWN");
		assert_true(strlen(bs_strerror(e)) > 0);
		assert_true(strlen(bs_strerror_zh(e)) > 0);
		wire_error_set(&we, e, NULL);
		assert_int_equal(we.code, (uint32_t)-e);
		assert_int_equal(wire_error_code(&we), e);
	}
	assert_int_equal(BS_E_REPLAY, -10);
	assert_int_equal(BS_E_UNKNOWN_KEY, -12);
	assert_int_equal(BS_E_UNSUPPORTED, -18);
	we.code = 9999;
	assert_int_equal(wire_error_code(&we), BS_E_INTERNAL);
}

/* The server's static-static DH kept from an earlier handshake (as
 * server/net/ss_cache.c keeps it): the first handshake computes it and
 * hands it out; the next one takes it from ss_get and works the same; a
 * wrong value makes message 1 fail to decrypt, so a kept value can never
 * open a session the keys would not. */
struct kept {
	uint8_t pub[KEY_LEN], ss[KEY_LEN];
	int have, asked;
};

static int kept_get(void *ctx, const uint8_t rs[KEY_LEN], uint8_t out[KEY_LEN])
{
	struct kept *k = ctx;
	k->asked++;
	if (!k->have || memcmp(k->pub, rs, KEY_LEN) != 0)
		return 0;
	memcpy(out, k->ss, KEY_LEN);
	return 1;
}

static void test_kept_static_dh(void **state)
{
	struct world w;
	struct noise_hs ch, sh;
	struct hs_client_info ci;
	struct hs_server_info si;
	struct channel cc, sc;
	struct kept k;
	uint8_t expect[KEY_LEN];
	uint64_t now = wire_now_ns();
	int round;
	(void)state;
	make_world(&w);
	memset(&k, 0, sizeof k);
	assert_int_equal(noise_dh(expect, w.server.priv, w.client.pub), BS_OK);
	for (round = 0; round < 2; round++) {
		assert_int_equal(hs_client_start(&ch, &w.client, w.server.pub, now + (uint64_t)round,
						 w.m1, sizeof w.m1, &w.m1len), BS_OK);
		assert_int_equal(hs_server_read_cached(&sh, &w.server, w.m1 + FRAME_HDR,
						       w.m1len - FRAME_HDR, &ci, kept_get, &k),
				 BS_OK);
		assert_int_equal(ci.ss_computed, round == 0);
		assert_memory_equal(ci.ss, expect, KEY_LEN);
		assert_int_equal(hs_server_reply(&sh, BS_OK, w.m2, sizeof w.m2, &w.m2len, &sc), BS_OK);
		assert_int_equal(hs_client_finish(&ch, w.m2 + FRAME_HDR, w.m2len - FRAME_HDR, &si, &cc),
				 BS_OK);
		assert_memory_equal(cc.hash, sc.hash, 64);
		channel_wipe(&cc);
		channel_wipe(&sc);
		noise_hs_wipe(&ch);
		/* what the server keeps once the device is known to be active */
		memcpy(k.pub, ci.static_pub, KEY_LEN);
		memcpy(k.ss, ci.ss, KEY_LEN);
		k.have = 1;
	}
	assert_int_equal(k.asked, 2);
	/* a wrong kept value: message 1 does not decrypt */
	k.ss[0] ^= 1;
	assert_int_equal(hs_client_start(&ch, &w.client, w.server.pub, now + 5, w.m1, sizeof w.m1,
					 &w.m1len), BS_OK);
	assert_int_not_equal(hs_server_read_cached(&sh, &w.server, w.m1 + FRAME_HDR,
						   w.m1len - FRAME_HDR, &ci, kept_get, &k),
			     BS_OK);
	noise_hs_wipe(&ch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_and_talk),
		cmocka_unit_test(test_replay_refused),
		cmocka_unit_test(test_clock_window),
		cmocka_unit_test(test_refusal_reaches_client),
		cmocka_unit_test(test_wrong_server_key),
		cmocka_unit_test(test_error_table),
		cmocka_unit_test(test_kept_static_dh),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
