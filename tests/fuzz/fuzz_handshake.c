/* fuzz_handshake.c - libFuzzer target for the server's side of the handshake
 * (common/handshake.c over common/noise.c).
 *
 * The input is the body of a client's first frame, handled the way
 * server/server.c handles it: a key request ("BSKEYREQ") is answered with
 * the key; anything else goes to hs_server_read for a fixed server key pair
 * (FUZZ_SERVER_KEY).  A message that decrypts gets the timestamp check and
 * both replies, an acceptance and a refusal, from copies of the same state.
 *
 * Only mutations of a valid message 1 (see the corpus) get past the AEAD, so
 * most inputs exercise the length checks, the DH and the decryption
 * failures; the ClientHello parser itself is fuzzed by fuzz_envelope. */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "bs_limits.h"
#include "channel.h"
#include "err.h"
#include "frame.h"
#include "fuzz_common.h"
#include "handshake.h"
#include "wire.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct keypair g_server;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0 || fuzz_keypair(&g_server, FUZZ_SERVER_KEY) != BS_OK)
		abort();
	return 0;
}

/* Whether ts_ns is within skew_ms of now_ns, without overflow. */
static int within_skew(uint64_t ts_ns, uint64_t now_ns, uint64_t skew_ms)
{
	uint64_t d = ts_ns > now_ns ? ts_ns - now_ns : now_ns - ts_ns;

	if (skew_ms > UINT64_MAX / 1000000u)
		return 1;
	return d <= skew_ms * 1000000u;
}

/* hs_check_timestamp against its contract; returns its verdict. */
static int check_timestamp(uint64_t last, uint64_t ts_ns, uint64_t now_ns, uint64_t skew_ms)
{
	uint64_t was = last;
	int rv = hs_check_timestamp(&last, ts_ns, now_ns, skew_ms);

	if (rv == BS_OK) {
		FUZZ_CHECK(ts_ns > was && last == ts_ns);
		FUZZ_CHECK(within_skew(ts_ns, now_ns, skew_ms));
		/* The same message again is a replay. */
		FUZZ_CHECK(hs_check_timestamp(&last, ts_ns, now_ns, skew_ms) == BS_E_REPLAY);
		FUZZ_CHECK(last == ts_ns);
	} else {
		FUZZ_CHECK(rv == BS_E_REPLAY || rv == BS_E_CLOCK);
		FUZZ_CHECK(rv != BS_E_REPLAY || ts_ns <= was);
		FUZZ_CHECK(last == was);
	}
	return rv;
}

/* Answer a message 1 that hs_server_read accepted, with verdict err. */
static void reply(struct noise_hs *hs, int err, const struct hs_client_info *info)
{
	uint8_t out[HS_FRAME_MAX];
	struct channel ch;
	size_t outlen = 0;
	int rv;

	memset(&ch, 0, sizeof ch);
	rv = hs_server_reply(hs, err, out, sizeof out, &outlen, &ch);
	FUZZ_CHECK(rv == BS_OK);
	FUZZ_CHECK(outlen > FRAME_HDR + NOISE_IK_MSG2_OVERHEAD && outlen <= sizeof out);
	FUZZ_CHECK(fuzz_be32(out) == outlen - FRAME_HDR);
	FUZZ_CHECK(outlen - FRAME_HDR <= BS_FRAME_MAX_PREAUTH);
	/* Either way the handshake state is gone. */
	FUZZ_CHECK(sodium_is_zero((const unsigned char *)hs, sizeof *hs));
	if (err == BS_OK)
		FUZZ_CHECK(memcmp(ch.remote_static, info->static_pub, KEY_LEN) == 0);
	else
		FUZZ_CHECK(sodium_is_zero((const unsigned char *)&ch, sizeof ch));
	channel_wipe(&ch);
}

static void handshake(const uint8_t *msg, size_t len)
{
	struct hs_client_info info;
	struct noise_hs hs, copy;
	int rv, verdict;

	rv = hs_server_read(&hs, &g_server, msg, len, &info);
	if (rv != BS_OK) {
		FUZZ_CHECK(rv < 0 && rv > BS_E__LAST);
		FUZZ_CHECK(len <= BS_FRAME_MAX_PREAUTH || rv == BS_E_TOOBIG);
		noise_hs_wipe(&hs);
		return;
	}
	FUZZ_CHECK(len >= NOISE_IK_MSG1_OVERHEAD && len <= BS_FRAME_MAX_PREAUTH);
	FUZZ_CHECK(memcmp(info.static_pub, hs.rs, KEY_LEN) == 0);
	FUZZ_CHECK(memchr(info.client_version, '\0', sizeof info.client_version) != NULL);

	verdict = check_timestamp(0, info.timestamp_ns, FUZZ_NOW_NS, BS_CLOCK_SKEW_MS);
	if (info.protocol_version != BS_PROTOCOL_VERSION)
		verdict = BS_E_VERSION;
	memcpy(&copy, &hs, sizeof hs);
	reply(&hs, BS_OK, &info);
	reply(&copy, verdict != BS_OK ? verdict : BS_E_UNKNOWN_KEY, &info);
	sodium_memzero(&info, sizeof info);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t v[3];

	if (size == HS_KEYREQ_LEN && memcmp(data, HS_KEYREQ, HS_KEYREQ_LEN) == 0) {
		/* The server answers with its key and never reads this as a
		 * handshake; it must not be one either. */
		struct hs_client_info info;
		struct noise_hs hs;
		FUZZ_CHECK(hs_server_read(&hs, &g_server, data, size, &info) != BS_OK);
		noise_hs_wipe(&hs);
		return 0;
	}
	handshake(data, size);

	/* The timestamp check is pure arithmetic: also give it the input's
	 * first bytes directly (last, ts, now; the skew from the fourth). */
	if (size >= sizeof v + 4) {
		uint32_t skew;
		memcpy(v, data, sizeof v);
		memcpy(&skew, data + sizeof v, sizeof skew);
		check_timestamp(v[0], v[1], v[2], BS_CLOCK_SKEW_MS);
		check_timestamp(v[0], v[1], v[2], skew);
	}
	return 0;
}
