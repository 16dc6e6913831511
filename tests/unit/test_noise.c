/* test_noise.c - Noise IK against the published vectors, HMAC-BLAKE2b,
 * bit flips, low-order points and rekeying. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_limits.h"
#include "channel.h"
#include "err.h"
#include "frame.h"
#include "noise.h"

#ifndef VECTORS_PATH
#define VECTORS_PATH "../shared/test-vectors/noise/noise-25519-chachapoly-blake2b.json"
#endif

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2, i;
	assert_true(n <= cap);
	for (i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static size_t field(json_t *o, const char *key, uint8_t *out, size_t cap)
{
	json_t *v = json_object_get(o, key);
	assert_non_null(v);
	return unhex(json_string_value(v), out, cap);
}

static json_t *load_vectors(void)
{
	json_error_t err;
	const char *path = getenv("BS_NOISE_VECTORS");
	json_t *root = json_load_file(path ? path : VECTORS_PATH, 0, &err);
	return root;
}

/* Run one IK vector: both handshake messages, the handshake hash when
 * given, then every transport message in both directions. */
static void run_ik_vector(json_t *v)
{
	uint8_t prologue[256], is[32], ie[32], irs[32], rs_[32], re[32], hh[64];
	uint8_t buf[1024], exp[1024], pay[1024], got[1024];
	size_t plen, ilen, elen, n = 0, m = 0;
	struct noise_hs ini, res;
	struct channel ci, cr;
	json_t *msgs = json_object_get(v, "messages");
	size_t i;

	plen = field(v, "init_prologue", prologue, sizeof prologue);
	field(v, "init_static", is, 32);
	field(v, "init_ephemeral", ie, 32);
	field(v, "init_remote_static", irs, 32);
	field(v, "resp_static", rs_, 32);
	field(v, "resp_ephemeral", re, 32);

	assert_int_equal(noise_hs_init(&ini, NOISE_INITIATOR, prologue, plen, is, NULL, irs), BS_OK);
	assert_int_equal(noise_hs_init(&res, NOISE_RESPONDER, prologue, plen, rs_, NULL, NULL), BS_OK);
	assert_int_equal(noise_hs_set_ephemeral(&ini, ie), BS_OK);
	assert_int_equal(noise_hs_set_ephemeral(&res, re), BS_OK);

	/* message 1: initiator -> responder */
	ilen = field(json_array_get(msgs, 0), "payload", pay, sizeof pay);
	elen = field(json_array_get(msgs, 0), "ciphertext", exp, sizeof exp);
	assert_int_equal(noise_hs_write_msg1(&ini, pay, ilen, buf, sizeof buf, &n), BS_OK);
	assert_int_equal(n, elen);
	assert_memory_equal(buf, exp, elen);
	assert_int_equal(noise_hs_read_msg1(&res, buf, n, got, sizeof got, &m), BS_OK);
	assert_int_equal(m, ilen);
	assert_memory_equal(got, pay, ilen);

	/* message 2: responder -> initiator */
	ilen = field(json_array_get(msgs, 1), "payload", pay, sizeof pay);
	elen = field(json_array_get(msgs, 1), "ciphertext", exp, sizeof exp);
	assert_int_equal(noise_hs_write_msg2(&res, pay, ilen, buf, sizeof buf, &n), BS_OK);
	assert_int_equal(n, elen);
	assert_memory_equal(buf, exp, elen);
	assert_int_equal(noise_hs_read_msg2(&ini, buf, n, got, sizeof got, &m), BS_OK);
	assert_int_equal(m, ilen);
	assert_memory_equal(got, pay, ilen);

	assert_int_equal(channel_from_handshake(&ci, &ini, UINT64_MAX), BS_OK);
	assert_int_equal(channel_from_handshake(&cr, &res, UINT64_MAX), BS_OK);
	assert_memory_equal(ci.hash, cr.hash, 64);
	if (json_object_get(v, "handshake_hash")) {
		field(v, "handshake_hash", hh, 64);
		assert_memory_equal(ci.hash, hh, 64);
	}

	/* transport: even index initiator -> responder, odd responder -> initiator */
	for (i = 2; i < json_array_size(msgs); i++) {
		struct channel *tx = (i % 2 == 0) ? &ci : &cr;
		struct channel *rx = (i % 2 == 0) ? &cr : &ci;
		ilen = field(json_array_get(msgs, i), "payload", pay, sizeof pay);
		elen = field(json_array_get(msgs, i), "ciphertext", exp, sizeof exp);
		assert_int_equal(channel_seal(tx, pay, ilen, buf, sizeof buf, &n), BS_OK);
		assert_int_equal(n, FRAME_HDR + elen);
		assert_memory_equal(buf + FRAME_HDR, exp, elen);
		assert_int_equal(channel_open(rx, buf + FRAME_HDR, elen, got, sizeof got, &m), BS_OK);
		assert_int_equal(m, ilen);
		assert_memory_equal(got, pay, ilen);
	}
	channel_wipe(&ci);
	channel_wipe(&cr);
}

static void test_ik_vectors(void **state)
{
	json_t *root = load_vectors(), *vecs;
	size_t i, ran = 0;
	(void)state;
	if (!root) {
		print_message("SKIPPED: Noise test vectors not found at %s "
			      "(set BS_NOISE_VECTORS)\n", VECTORS_PATH);
		skip();
		return;
	}
	vecs = json_object_get(root, "vectors");
	for (i = 0; i < json_array_size(vecs); i++) {
		json_t *v = json_array_get(vecs, i);
		const char *name = json_string_value(json_object_get(v, "protocol_name"));
		if (!name || strcmp(name, NOISE_PROTOCOL_NAME) != 0)
			continue;
		print_message("vector %zu (%s) ...\n", i,
			      json_string_value(json_object_get(v, "_from")));
		run_ik_vector(v);
		ran++;
	}
	json_decref(root);
	print_message("%zu IK vector(s) reproduced byte for byte\n", ran);
	assert_true(ran >= 2);
}

/* ---- HMAC-BLAKE2b (RFC 2104), expectations from an independent
 * implementation (Python's hmac with hashlib.blake2b) ---- */
static void test_hmac_blake2b(void **state)
{
	static const struct {
		const char *key_hex; /* "" or hex; NULL: bytes 0..keylen-1 */
		size_t keylen;
		const char *msg;
		const char *mac_hex;
	} v[] = {
		{"6b6579", 3, "The quick brown fox jumps over the lazy dog",
		 "92294f92c0dfb9b00ec9ae8bd94d7e7d8a036b885a499f149dfe2fd2199394aa"
		 "af6b8894a1730cccb2cd050f9bcf5062a38b51b0dab33207f8ef35ae2c9df51b"},
		{"", 0, "",
		 "198cd2006f66ff83fbbd913f78aca2251caf4f19fe9475aade8cf2091b99a684"
		 "66775177424f58286886cbae8229644cec747237d4b721735485e17372fdf59c"},
		{NULL, 200, "long key over one block",
		 "94217a17292d94ff8cb111cf13ddfa58b3492a93174ee562754526c4bf53b697"
		 "23da4aacb55ea62d7d0a8fe266042fe1f1f109c0bc6213803c13b5fb0e3ef0d6"},
		{NULL, 128, "exactly one block key",
		 "5ab8ef4c3cbe4a3059ce695fea82aa68ef62eadfe58e2df3eb4d100c7d345f37"
		 "0ea1efbb3345416402263c3e8944919fef396ab0fed01e4507788ec1bc0ea382"},
		{"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", 20, "Hi There",
		 "358a6a184924894fc34bee5680eedf57d84a37bb38832f288e3b27dc63a98cc8"
		 "c91e76da476b508bc6b2d408a248857452906e4a20b48c6b4b55d2df0fe1dd24"},
	};
	size_t i, j;
	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		uint8_t key[256], exp[64], mac[64];
		if (v[i].key_hex)
			unhex(v[i].key_hex, key, sizeof key);
		else
			for (j = 0; j < v[i].keylen; j++)
				key[j] = (uint8_t)j;
		unhex(v[i].mac_hex, exp, sizeof exp);
		noise_hmac_blake2b(mac, key, v[i].keylen, (const uint8_t *)v[i].msg,
				   strlen(v[i].msg));
		assert_memory_equal(mac, exp, 64);
	}
}

/* A fresh handshake with random keys, up to (not including) reading msg2. */
struct hs_pair {
	struct noise_hs ini, res;
	uint8_t m1[256], m2[256];
	size_t m1len, m2len;
};

static void make_pair(struct hs_pair *p)
{
	uint8_t is[32], rs_[32], rpub[32], pay[64];
	randombytes_buf(is, 32);
	randombytes_buf(rs_, 32);
	assert_int_equal(noise_pubkey(rpub, rs_), BS_OK);
	memset(pay, 'p', sizeof pay);
	assert_int_equal(noise_hs_init(&p->ini, NOISE_INITIATOR, (const uint8_t *)"pro", 3, is,
				       NULL, rpub), BS_OK);
	/* the responder given its public key (not derived again) */
	assert_int_equal(noise_hs_init(&p->res, NOISE_RESPONDER, (const uint8_t *)"pro", 3, rs_,
				       rpub, NULL), BS_OK);
	assert_int_equal(noise_hs_write_msg1(&p->ini, pay, 20, p->m1, sizeof p->m1, &p->m1len),
			 BS_OK);
}

/* Flipping any single bit of either handshake message, or of a transport
 * message, makes it fail to read. */
static void test_bitflips(void **state)
{
	struct hs_pair p;
	struct noise_hs res0, ini0, tmp;
	struct channel ci, cr, c2;
	uint8_t out[256], msg[256], pay[8] = "payload";
	size_t n = 0, bit;
	(void)state;

	make_pair(&p);
	res0 = p.res;
	for (bit = 0; bit < p.m1len * 8; bit++) {
		memcpy(msg, p.m1, p.m1len);
		msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		tmp = res0;
		assert_int_not_equal(noise_hs_read_msg1(&tmp, msg, p.m1len, out, sizeof out, &n),
				     BS_OK);
	}
	assert_int_equal(noise_hs_read_msg1(&p.res, p.m1, p.m1len, out, sizeof out, &n), BS_OK);
	assert_int_equal(noise_hs_write_msg2(&p.res, pay, sizeof pay, p.m2, sizeof p.m2,
					     &p.m2len), BS_OK);
	ini0 = p.ini;
	for (bit = 0; bit < p.m2len * 8; bit++) {
		memcpy(msg, p.m2, p.m2len);
		msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		tmp = ini0;
		assert_int_not_equal(noise_hs_read_msg2(&tmp, msg, p.m2len, out, sizeof out, &n),
				     BS_OK);
	}
	assert_int_equal(noise_hs_read_msg2(&p.ini, p.m2, p.m2len, out, sizeof out, &n), BS_OK);
	assert_int_equal(channel_from_handshake(&ci, &p.ini, 0), BS_OK);
	assert_int_equal(channel_from_handshake(&cr, &p.res, 0), BS_OK);

	assert_int_equal(channel_seal(&ci, pay, sizeof pay, msg, sizeof msg, &n), BS_OK);
	for (bit = 0; bit < (n - FRAME_HDR) * 8; bit++) {
		uint8_t f[256];
		size_t m = 0;
		memcpy(f, msg + FRAME_HDR, n - FRAME_HDR);
		f[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		c2 = cr;
		assert_int_equal(channel_open(&c2, f, n - FRAME_HDR, out, sizeof out, &m),
				 BS_E_CRYPTO);
		assert_int_equal(c2.rx.n, 0); /* a failure does not advance the nonce */
	}
	assert_int_equal(channel_open(&cr, msg + FRAME_HDR, n - FRAME_HDR, out, sizeof out, &n),
			 BS_OK);
	assert_memory_equal(out, pay, sizeof pay);
	/* The same transport message again (a replay) is refused too. */
	assert_int_equal(channel_open(&cr, msg + FRAME_HDR, sizeof pay + NOISE_TAGLEN, out,
				      sizeof out, &n), BS_E_CRYPTO);
	/* Truncated messages are refused. */
	assert_int_equal(channel_open(&cr, msg + FRAME_HDR, NOISE_TAGLEN - 1, out, sizeof out, &n),
			 BS_E_PROTO);
	channel_wipe(&ci);
	channel_wipe(&cr);
}

/* Low-order points give an all-zero DH result and must be refused. */
static void test_low_order(void **state)
{
	/* Curve25519 points of small order (u-coordinates, little-endian). */
	static const char *bad[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
		"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	};
	struct hs_pair p;
	uint8_t priv[32], pt[32], out[32], msg[256], pay[256];
	size_t i, n = 0;
	struct noise_hs hs;
	(void)state;
	randombytes_buf(priv, 32);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unhex(bad[i], pt, 32);
		assert_int_equal(noise_dh(out, priv, pt), BS_E_LOWORDER);
		/* as an initiator's pinned server key */
		assert_int_equal(noise_hs_init(&hs, NOISE_INITIATOR, NULL, 0, priv, NULL, pt), BS_OK);
		assert_int_equal(noise_hs_write_msg1(&hs, NULL, 0, msg, sizeof msg, &n),
				 BS_E_LOWORDER);
		noise_hs_wipe(&hs);
		/* as the ephemeral key in a message 1 */
		make_pair(&p);
		memcpy(msg, p.m1, p.m1len);
		memcpy(msg, pt, 32);
		assert_int_equal(noise_hs_read_msg1(&p.res, msg, p.m1len, pay, sizeof pay, &n),
				 BS_E_LOWORDER);
	}
}

/* Both ends rekey every `interval` messages and stay in step; a side that
 * does not rekey can no longer read. */
static void test_rekey(void **state)
{
	struct hs_pair p;
	struct channel ci, cr, stale;
	uint8_t out[128], buf[128], pay[16];
	size_t n = 0, m = 0;
	int i;
	(void)state;
	make_pair(&p);
	assert_int_equal(noise_hs_read_msg1(&p.res, p.m1, p.m1len, out, sizeof out, &n), BS_OK);
	assert_int_equal(noise_hs_write_msg2(&p.res, NULL, 0, p.m2, sizeof p.m2, &p.m2len), BS_OK);
	assert_int_equal(noise_hs_read_msg2(&p.ini, p.m2, p.m2len, out, sizeof out, &n), BS_OK);
	assert_int_equal(channel_from_handshake(&ci, &p.ini, 3), BS_OK);
	assert_int_equal(channel_from_handshake(&cr, &p.res, 3), BS_OK);
	stale = cr;
	stale.rekey_interval = UINT64_MAX;
	for (i = 0; i < 20; i++) {
		uint8_t k_before[32];
		memset(pay, i, sizeof pay);
		memcpy(k_before, ci.tx.k, 32);
		assert_int_equal(channel_seal(&ci, pay, sizeof pay, buf, sizeof buf, &n), BS_OK);
		if (i % 3 == 2)
			assert_memory_not_equal(k_before, ci.tx.k, 32);
		else
			assert_memory_equal(k_before, ci.tx.k, 32);
		assert_int_equal(channel_open(&cr, buf + FRAME_HDR, n - FRAME_HDR, out, sizeof out,
					      &m), BS_OK);
		assert_memory_equal(out, pay, sizeof pay);
		if (i < 3)
			assert_int_equal(channel_open(&stale, buf + FRAME_HDR, n - FRAME_HDR, out,
						      sizeof out, &m), BS_OK);
		else if (i == 3)
			assert_int_equal(channel_open(&stale, buf + FRAME_HDR, n - FRAME_HDR, out,
						      sizeof out, &m), BS_E_CRYPTO);
		/* and the other direction */
		assert_int_equal(channel_seal(&cr, pay, sizeof pay, buf, sizeof buf, &n), BS_OK);
		assert_int_equal(channel_open(&ci, buf + FRAME_HDR, n - FRAME_HDR, out, sizeof out,
					      &m), BS_OK);
	}
	/* The session ends rather than run near the nonce limit. */
	ci.tx.n = BS_NONCE_LIMIT;
	assert_int_equal(channel_seal(&ci, pay, sizeof pay, buf, sizeof buf, &n), BS_E_NONCE);
	cr.rx.n = BS_NONCE_LIMIT;
	assert_int_equal(channel_open(&cr, buf + FRAME_HDR, 32, out, sizeof out, &m), BS_E_NONCE);
	channel_wipe(&ci);
	channel_wipe(&cr);
}

/* Misuse of the handshake state machine is refused, not undefined. */
static void test_state_machine(void **state)
{
	struct hs_pair p;
	struct channel c;
	uint8_t out[256];
	size_t n = 0;
	(void)state;
	make_pair(&p);
	assert_int_equal(noise_hs_write_msg1(&p.ini, NULL, 0, out, sizeof out, &n), BS_E_STATE);
	assert_int_equal(noise_hs_write_msg2(&p.res, NULL, 0, out, sizeof out, &n), BS_E_STATE);
	assert_int_equal(noise_hs_read_msg2(&p.res, p.m1, p.m1len, out, sizeof out, &n),
			 BS_E_STATE);
	assert_int_equal(channel_from_handshake(&c, &p.ini, 0), BS_E_STATE);
	assert_int_equal(noise_hs_read_msg1(&p.res, p.m1, 10, out, sizeof out, &n), BS_E_INVAL);
	assert_int_equal(noise_hs_read_msg1(&p.res, p.m1, p.m1len, out, 4, &n), BS_E_TOOBIG);
	noise_hs_wipe(&p.ini);
	noise_hs_wipe(&p.res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ik_vectors),
		cmocka_unit_test(test_hmac_blake2b),
		cmocka_unit_test(test_bitflips),
		cmocka_unit_test(test_low_order),
		cmocka_unit_test(test_rekey),
		cmocka_unit_test(test_state_machine),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
