/* gen_seeds.c - writes the seed corpora of the fuzz targets.
 *
 * Usage: fuzz_gen_seeds DIR   (normally DIR = tests/fuzz/corpus)
 * Creates DIR/fuzz_frame, DIR/fuzz_handshake and DIR/fuzz_envelope and
 * writes a few small inputs into each, replacing files of the same name.
 * The handshake seeds use the fixed keys and clock of fuzz_common.h; the
 * ephemeral keys are random, so every run writes different (equally valid)
 * message 1 bytes. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bs_limits.h"
#include "err.h"
#include "frame.h"
#include "fuzz_common.h"
#include "handshake.h"
#include "wire.h"

static const char *g_dir;

static int write_seed(const char *target, const char *name, const uint8_t *p, size_t len)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof path, "%s/%s", g_dir, target);
	if (mkdir(path, 0777) != 0 && errno != EEXIST) {
		perror(path);
		return BS_E_IO;
	}
	snprintf(path, sizeof path, "%s/%s/%s", g_dir, target, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		return BS_E_IO;
	}
	ok = fwrite(p, 1, len, f) == len;
	ok = fclose(f) == 0 && ok;
	if (!ok) {
		perror(path);
		return BS_E_IO;
	}
	printf("%s (%zu bytes)\n", path, len);
	return BS_OK;
}

/* A whole first frame (length header included) from the fixed client to the
 * server with key seed server_key, dated ts_ns. */
static int make_msg1(unsigned server_key, uint64_t ts_ns, uint8_t *out, size_t cap,
		     size_t *len)
{
	struct keypair client, server;
	struct noise_hs hs;
	int rv;

	if ((rv = fuzz_keypair(&client, FUZZ_CLIENT_KEY)) != BS_OK ||
	    (rv = fuzz_keypair(&server, server_key)) != BS_OK)
		goto out;
	rv = hs_client_start(&hs, &client, server.pub, ts_ns, out, cap, len);
out:
	noise_hs_wipe(&hs);
	keys_wipe(&client);
	keys_wipe(&server);
	return rv;
}

static int handshake_seeds(void)
{
	uint8_t m[HS_FRAME_MAX];
	size_t n = 0;
	int rv;

	if ((rv = write_seed("fuzz_handshake", "keyreq", (const uint8_t *)HS_KEYREQ,
			     HS_KEYREQ_LEN)) != BS_OK)
		return rv;
	/* Valid for the fuzzed server and accepted at its clock. */
	if ((rv = make_msg1(FUZZ_SERVER_KEY, FUZZ_NOW_NS, m, sizeof m, &n)) != BS_OK ||
	    (rv = write_seed("fuzz_handshake", "msg1-valid", m + FRAME_HDR,
			     n - FRAME_HDR)) != BS_OK ||
	    (rv = write_seed("fuzz_handshake", "msg1-truncated", m + FRAME_HDR,
			     NOISE_IK_MSG1_OVERHEAD - 1)) != BS_OK)
		return rv;
	/* Valid but a day old: refused with BS_E_CLOCK. */
	if ((rv = make_msg1(FUZZ_SERVER_KEY, FUZZ_NOW_NS - 86400ull * 1000000000ull, m, sizeof m,
			    &n)) != BS_OK ||
	    (rv = write_seed("fuzz_handshake", "msg1-stale", m + FRAME_HDR, n - FRAME_HDR)) !=
		    BS_OK)
		return rv;
	/* Made for another server: fails to decrypt. */
	if ((rv = make_msg1(FUZZ_OTHER_KEY, FUZZ_NOW_NS, m, sizeof m, &n)) != BS_OK)
		return rv;
	return write_seed("fuzz_handshake", "msg1-other-server", m + FRAME_HDR, n - FRAME_HDR);
}

/* Appends a frame with body p (or len bytes of filler if p is NULL). */
static size_t put_frame(uint8_t *out, size_t off, const uint8_t *p, size_t len)
{
	frame_put_header(out + off, (uint32_t)len);
	if (p)
		memcpy(out + off + FRAME_HDR, p, len);
	else
		memset(out + off + FRAME_HDR, 0xa5, len);
	return off + FRAME_HDR + len;
}

static int frame_seeds(void)
{
	uint8_t s[1024], m[HS_FRAME_MAX];
	size_t n = 0, off;
	int rv;

	/* Mode 0 (server), whole reads: a handshake frame, a transport frame,
	 * then the header of one larger than allowed before auth (fine after). */
	if ((rv = make_msg1(FUZZ_SERVER_KEY, FUZZ_NOW_NS, m, sizeof m, &n)) != BS_OK)
		return rv;
	memcpy(s, "\x00\x00\x00\x00\x00", FUZZ_FRAME_CTL);
	memcpy(s + FUZZ_FRAME_CTL, m, n);
	off = put_frame(s, FUZZ_FRAME_CTL + n, NULL, 40);
	frame_put_header(s + off, BS_FRAME_MAX_PREAUTH + 8);
	off += FRAME_HDR;
	if ((rv = write_seed("fuzz_frame", "server-session", s, off)) != BS_OK)
		return rv;

	/* Mode 0, reads of 1, 3, 7 and the rest: a key request. */
	memcpy(s, "\x00\x01\x03\x07\x00", FUZZ_FRAME_CTL);
	off = put_frame(s, FUZZ_FRAME_CTL, (const uint8_t *)HS_KEYREQ, HS_KEYREQ_LEN);
	if ((rv = write_seed("fuzz_frame", "keyreq-split", s, off)) != BS_OK)
		return rv;

	/* Mode 1, reads of 5, 200, 13, 2: three frames, the last cut short. */
	memcpy(s, "\x01\x05\xc8\x0d\x02", FUZZ_FRAME_CTL);
	off = put_frame(s, FUZZ_FRAME_CTL, NULL, 1);
	off = put_frame(s, off, NULL, 300);
	off = put_frame(s, off, NULL, 60);
	if ((rv = write_seed("fuzz_frame", "three-frames-cut", s, off - 20)) != BS_OK)
		return rv;

	/* Mode 2: a header over BS_FRAME_MAX_PREAUTH, nothing after it. */
	memcpy(s, "\x02\x02\x02\x02\x02", FUZZ_FRAME_CTL);
	frame_put_header(s + FUZZ_FRAME_CTL, BS_FRAME_MAX_PREAUTH + 1);
	if ((rv = write_seed("fuzz_frame", "too-big-preauth", s, FUZZ_FRAME_CTL + FRAME_HDR)) !=
	    BS_OK)
		return rv;

	/* Mode 3 with a maximum of 16: a frame of 16, then a zero length. */
	memcpy(s, "\x43\x00\x00\x00\x00", FUZZ_FRAME_CTL);
	off = put_frame(s, FUZZ_FRAME_CTL, NULL, 16);
	memset(s + off, 0, FRAME_HDR);
	return write_seed("fuzz_frame", "zero-length", s, off + FRAME_HDR);
}

static int write_envelope(const char *name, const Envelope *env)
{
	uint8_t buf[1024];
	size_t n = 0;
	int rv;

	if ((rv = wire_envelope_encode(env, buf, sizeof buf, &n)) != BS_OK)
		return rv;
	return write_seed("fuzz_envelope", name, buf, n);
}

static int envelope_seeds(void)
{
	static const char hello[] = "hello, baosong";
	Envelope env = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__Ping ping = BAOSONG__V1__PING__INIT;
	Baosong__V1__Pong pong = BAOSONG__V1__PONG__INIT;
	Baosong__V1__ClientHello ch = BAOSONG__V1__CLIENT_HELLO__INIT;
	Baosong__V1__ServerHello sh = BAOSONG__V1__SERVER_HELLO__INIT;
	WireError e;
	uint8_t buf[1024];
	size_t n;
	int rv;

	env.version = BS_PROTOCOL_VERSION;
	env.request_id = 7;
	env.body_case = BAOSONG__V1__ENVELOPE__BODY_PING;
	ping.data.data = (uint8_t *)(uintptr_t)hello;
	ping.data.len = sizeof hello - 1;
	env.ping = &ping;
	if ((rv = write_envelope("ping", &env)) != BS_OK)
		return rv;

	env.request_id = 8;
	env.body_case = BAOSONG__V1__ENVELOPE__BODY_ERROR;
	wire_error_set(&e, BS_E_UNSUPPORTED, "request body");
	env.error = &e;
	if ((rv = write_envelope("error", &env)) != BS_OK)
		return rv;

	env.request_id = 7;
	env.body_case = BAOSONG__V1__ENVELOPE__BODY_PONG;
	pong.server_time_ms = (int64_t)(FUZZ_NOW_NS / 1000000u);
	pong.server_version = (char *)"baosongd " BS_VERSION_STRING;
	pong.data = ping.data;
	pong.timezone = (char *)"Asia/Shanghai";
	env.pong = &pong;
	if ((rv = write_envelope("pong", &env)) != BS_OK)
		return rv;

	ch.protocol_version = BS_PROTOCOL_VERSION;
	ch.timestamp_ns = FUZZ_NOW_NS;
	ch.client_version = (char *)"baosong " BS_VERSION_STRING;
	if (baosong__v1__client_hello__get_packed_size(&ch) > sizeof buf)
		return BS_E_TOOBIG;
	n = baosong__v1__client_hello__pack(&ch, buf);
	if ((rv = write_seed("fuzz_envelope", "client-hello", buf, n)) != BS_OK)
		return rv;

	sh.protocol_version = BS_PROTOCOL_VERSION;
	sh.server_version = (char *)"baosongd " BS_VERSION_STRING;
	sh.server_time_ms = (int64_t)(FUZZ_NOW_NS / 1000000u);
	wire_error_set(&e, BS_E_CLOCK, NULL);
	sh.error = &e;
	if (baosong__v1__server_hello__get_packed_size(&sh) > sizeof buf)
		return BS_E_TOOBIG;
	n = baosong__v1__server_hello__pack(&sh, buf);
	return write_seed("fuzz_envelope", "server-hello-refused", buf, n);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	g_dir = argv[1];
	if (sodium_init() < 0) {
		fprintf(stderr, "sodium_init failed\n");
		return 1;
	}
	if (mkdir(g_dir, 0777) != 0 && errno != EEXIST) {
		perror(g_dir);
		return 1;
	}
	if (handshake_seeds() != BS_OK || frame_seeds() != BS_OK || envelope_seeds() != BS_OK) {
		fprintf(stderr, "%s: failed\n", argv[0]);
		return 1;
	}
	return 0;
}
