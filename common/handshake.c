/* handshake.c - ClientHello / ServerHello over the IK handshake. */
#include "handshake.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "frame.h"
#include "bs_limits.h"
#include "wire.h"

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strlen(src) : 0;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

int hs_client_start(struct noise_hs *hs, const struct keypair *kp,
		    const uint8_t server_pub[KEY_LEN], uint64_t now_ns, uint8_t *out,
		    size_t cap, size_t *outlen)
{
	Baosong__V1__ClientHello hello = BAOSONG__V1__CLIENT_HELLO__INIT;
	uint8_t payload[BS_HELLO_MAX];
	size_t plen, mlen = 0;
	int rv;

	hello.protocol_version = BS_PROTOCOL_VERSION;
	hello.timestamp_ns = now_ns;
	hello.client_version = (char *)"baosong " BS_VERSION_STRING;
	plen = baosong__v1__client_hello__get_packed_size(&hello);
	if (plen > sizeof payload)
		return BS_E_TOOBIG;
	baosong__v1__client_hello__pack(&hello, payload);

	if (cap < FRAME_HDR)
		return BS_E_TOOBIG;
	rv = noise_hs_init(hs, NOISE_INITIATOR, (const uint8_t *)BS_PROLOGUE,
			   sizeof BS_PROLOGUE - 1, kp->priv, kp->pub, server_pub);
	if (rv != BS_OK)
		return rv;
	rv = noise_hs_write_msg1(hs, payload, plen, out + FRAME_HDR, cap - FRAME_HDR, &mlen);
	if (rv != BS_OK)
		return rv;
	frame_put_header(out, (uint32_t)mlen);
	*outlen = FRAME_HDR + mlen;
	return BS_OK;
}

int hs_client_finish(struct noise_hs *hs, const uint8_t *msg, size_t len,
		     struct hs_server_info *info, struct channel *ch)
{
	uint8_t payload[BS_FRAME_MAX_PREAUTH];
	size_t plen = 0;
	Baosong__V1__ServerHello *sh;
	struct wire_arena a;
	int rv;

	memset(info, 0, sizeof *info);
	if (len > BS_FRAME_MAX_PREAUTH)
		return BS_E_TOOBIG;
	rv = noise_hs_read_msg2(hs, msg, len, payload, sizeof payload, &plen);
	if (rv != BS_OK)
		return rv;
	wire_arena_init(&a, 64 * 1024);
	sh = baosong__v1__server_hello__unpack(&a.alloc, plen, payload);
	if (!sh)
		return BS_E_PROTO;
	info->protocol_version = sh->protocol_version;
	info->server_time_ms = sh->server_time_ms;
	copy_str(info->server_version, sizeof info->server_version, sh->server_version);
	if (sh->error) {
		info->error = wire_error_code(sh->error);
		copy_str(info->error_message, sizeof info->error_message, sh->error->message);
		rv = info->error;
	} else if (sh->protocol_version != BS_PROTOCOL_VERSION) {
		rv = BS_E_VERSION;
	}
	baosong__v1__server_hello__free_unpacked(sh, &a.alloc);
	if (rv == BS_OK)
		rv = channel_from_handshake(ch, hs, 0);
	return rv;
}

int hs_server_read(struct noise_hs *hs, const struct keypair *kp, const uint8_t *msg,
		   size_t len, struct hs_client_info *info)
{
	int rv = hs_server_read_cached(hs, kp, msg, len, info, NULL, NULL);
	/* Its caller keeps nothing: the secret does not stay in info. */
	sodium_memzero(info->ss, sizeof info->ss);
	return rv;
}

int hs_server_read_cached(struct noise_hs *hs, const struct keypair *kp, const uint8_t *msg,
			  size_t len, struct hs_client_info *info,
			  int (*ss_get)(void *ctx, const uint8_t rs[KEY_LEN], uint8_t out[KEY_LEN]),
			  void *ss_ctx)
{
	uint8_t payload[BS_FRAME_MAX_PREAUTH];
	size_t plen = 0;
	Baosong__V1__ClientHello *ch;
	struct wire_arena a;
	int rv;

	memset(info, 0, sizeof *info);
	if (len > BS_FRAME_MAX_PREAUTH)
		return BS_E_TOOBIG;
	rv = noise_hs_init(hs, NOISE_RESPONDER, (const uint8_t *)BS_PROLOGUE,
			   sizeof BS_PROLOGUE - 1, kp->priv, kp->pub, NULL);
	if (rv != BS_OK)
		return rv;
	hs->ss_get = ss_get;
	hs->ss_ctx = ss_ctx;
	rv = noise_hs_read_msg1(hs, msg, len, payload, sizeof payload, &plen);
	if (rv != BS_OK) {
		noise_hs_wipe(hs);
		return rv;
	}
	memcpy(info->static_pub, hs->rs, KEY_LEN);
	wire_arena_init(&a, 64 * 1024);
	ch = baosong__v1__client_hello__unpack(&a.alloc, plen, payload);
	sodium_memzero(payload, sizeof payload);
	if (!ch) {
		noise_hs_wipe(hs);
		return BS_E_PROTO;
	}
	if (plen > BS_HELLO_MAX) {
		baosong__v1__client_hello__free_unpacked(ch, &a.alloc);
		noise_hs_wipe(hs);
		return BS_E_TOOBIG;
	}
	info->timestamp_ns = ch->timestamp_ns;
	info->protocol_version = ch->protocol_version;
	copy_str(info->client_version, sizeof info->client_version, ch->client_version);
	baosong__v1__client_hello__free_unpacked(ch, &a.alloc);
	memcpy(info->ss, hs->ss, KEY_LEN);
	info->ss_computed = hs->ss_computed;
	sodium_memzero(hs->ss, sizeof hs->ss);
	return BS_OK;
}

int hs_server_reply(struct noise_hs *hs, int err, uint8_t *out, size_t cap, size_t *outlen,
		    struct channel *ch)
{
	Baosong__V1__ServerHello sh = BAOSONG__V1__SERVER_HELLO__INIT;
	WireError e;
	uint8_t payload[BS_HELLO_MAX];
	size_t plen, mlen = 0;
	int rv;

	sh.protocol_version = BS_PROTOCOL_VERSION;
	sh.server_version = (char *)"baosongd " BS_VERSION_STRING;
	sh.server_time_ms = wire_now_ms();
	if (err != BS_OK) {
		wire_error_set(&e, err, NULL);
		sh.error = &e;
	}
	plen = baosong__v1__server_hello__get_packed_size(&sh);
	if (plen > sizeof payload || cap < FRAME_HDR)
		return BS_E_TOOBIG;
	baosong__v1__server_hello__pack(&sh, payload);
	rv = noise_hs_write_msg2(hs, payload, plen, out + FRAME_HDR, cap - FRAME_HDR, &mlen);
	if (rv != BS_OK) {
		noise_hs_wipe(hs);
		return rv;
	}
	frame_put_header(out, (uint32_t)mlen);
	*outlen = FRAME_HDR + mlen;
	if (err != BS_OK) {
		noise_hs_wipe(hs);
		return BS_OK;
	}
	return channel_from_handshake(ch, hs, 0);
}

int hs_check_timestamp(uint64_t *last, uint64_t ts_ns, uint64_t now_ns, uint64_t skew_ms)
{
	/* Saturating arithmetic: no configured skew can wrap the window. */
	uint64_t skew_ns = skew_ms > UINT64_MAX / 1000000ull ? UINT64_MAX : skew_ms * 1000000ull;
	uint64_t lo = now_ns > skew_ns ? now_ns - skew_ns : 0;
	uint64_t hi = now_ns > UINT64_MAX - skew_ns ? UINT64_MAX : now_ns + skew_ns;
	/* The clock first: a client whose clock fell behind should be told to
	 * fix it (retryable), not that it replays. */
	if (ts_ns < lo || ts_ns > hi)
		return BS_E_CLOCK;
	if (ts_ns <= *last)
		return BS_E_REPLAY;
	*last = ts_ns;
	return BS_OK;
}
