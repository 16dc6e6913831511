/* test_cookie.c - the cookie reply and proof (common/cookie.c), the
 * server's rotating secret (server/net/cookie_secret.c), the per-address
 * limits table (server/net/limits.c) and the refusal log budget
 * (server/net/refusals.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <string.h>

#include "cookie.h"
#include "err.h"
#include "net/cookie_secret.h"
#include "net/limits.h"
#include "net/refusals.h"

static void addr4(struct net_addr *a, const char *text)
{
	struct sockaddr_in in;
	memset(&in, 0, sizeof in);
	in.sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, text, &in.sin_addr), 1);
	assert_int_equal(net_addr_from_sockaddr(a, (struct sockaddr *)&in), 0);
}

static void addr6(struct net_addr *a, const char *text)
{
	struct sockaddr_in6 in;
	memset(&in, 0, sizeof in);
	in.sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, text, &in.sin6_addr), 1);
	assert_int_equal(net_addr_from_sockaddr(a, (struct sockaddr *)&in), 0);
}

static void test_reply_round_trip(void **state)
{
	uint8_t pub[KEY_LEN], other_pub[KEY_LEN], msg1[160], cookie[COOKIE_LEN], got[COOKIE_LEN];
	uint8_t reply[COOKIE_REPLY_LEN];
	(void)state;
	randombytes_buf(pub, sizeof pub);
	randombytes_buf(other_pub, sizeof other_pub);
	randombytes_buf(msg1, sizeof msg1);
	randombytes_buf(cookie, sizeof cookie);

	assert_int_equal(cookie_reply_seal(pub, cookie, msg1, sizeof msg1, reply), BS_OK);
	assert_true(cookie_is_reply(reply, sizeof reply));
	assert_false(cookie_is_reply(reply, sizeof reply - 1));
	assert_int_equal(memcmp(reply, "BSCOOKIE", 8), 0);
	assert_int_equal(cookie_reply_open(pub, msg1, sizeof msg1, reply, sizeof reply, got), BS_OK);
	assert_memory_equal(got, cookie, COOKIE_LEN);
	/* Another server key, another message 1, or a changed byte: refused. */
	assert_int_equal(cookie_reply_open(other_pub, msg1, sizeof msg1, reply, sizeof reply, got),
			 BS_E_CRYPTO);
	msg1[0] ^= 1;
	assert_int_equal(cookie_reply_open(pub, msg1, sizeof msg1, reply, sizeof reply, got),
			 BS_E_CRYPTO);
	msg1[0] ^= 1;
	reply[40] ^= 1;
	assert_int_equal(cookie_reply_open(pub, msg1, sizeof msg1, reply, sizeof reply, got),
			 BS_E_CRYPTO);
	/* Too short a message 1 to bind. */
	assert_int_equal(cookie_reply_seal(pub, cookie, msg1, COOKIE_AD_LEN - 1, reply), BS_E_PROTO);
}

/* The documented construction, recomputed from its parts. */
static void test_proof_format(void **state)
{
	uint8_t cookie[COOKIE_LEN], msg1[150], proof[COOKIE_PROOF_LEN], mac[COOKIE_MAC_LEN];
	(void)state;
	randombytes_buf(cookie, sizeof cookie);
	randombytes_buf(msg1, sizeof msg1);
	cookie_proof_build(cookie, msg1, sizeof msg1, proof);
	assert_true(cookie_is_proof(proof, sizeof proof));
	assert_int_equal(memcmp(proof, "BSCKMAC1", 8), 0);
	crypto_generichash(mac, sizeof mac, msg1, sizeof msg1, cookie, sizeof cookie);
	assert_memory_equal(proof + 8, mac, COOKIE_MAC_LEN);
}

static void test_secret_binds_address_and_time(void **state)
{
	struct cookie_secret cs;
	struct net_addr a, b;
	uint8_t cookie[COOKIE_LEN], mac[COOKIE_MAC_LEN], msg1[140];
	uint64_t t = 1000;
	(void)state;
	addr4(&a, "127.0.0.2");
	addr4(&b, "127.0.0.3");
	randombytes_buf(msg1, sizeof msg1);
	cookie_secret_init(&cs, t);
	cookie_for(&cs, &a, t, cookie);
	cookie_mac(cookie, msg1, sizeof msg1, mac);
	assert_true(cookie_check(&cs, &a, t, mac, msg1, sizeof msg1));
	assert_false(cookie_check(&cs, &b, t, mac, msg1, sizeof msg1));
	msg1[100] ^= 1;
	assert_false(cookie_check(&cs, &a, t, mac, msg1, sizeof msg1));
	msg1[100] ^= 1;
	/* Still good after one rotation, not after two. */
	t += COOKIE_ROTATE_MS;
	assert_true(cookie_check(&cs, &a, t, mac, msg1, sizeof msg1));
	t += COOKIE_ROTATE_MS;
	assert_false(cookie_check(&cs, &a, t, mac, msg1, sizeof msg1));
	/* A long quiet spell forgets both secrets at once. */
	cookie_for(&cs, &a, t, cookie);
	cookie_mac(cookie, msg1, sizeof msg1, mac);
	t += 10u * COOKIE_ROTATE_MS;
	assert_false(cookie_check(&cs, &a, t, mac, msg1, sizeof msg1));
	cookie_secret_wipe(&cs);
}

static void test_limits_table(void **state)
{
	struct addr_limits_cfg cfg = {2, 10, 3}; /* 2 conns, 10/s, burst 3 */
	struct addr_table *t;
	struct addr_entry *e, *e2;
	struct net_addr a, a6, a6b;
	uint64_t now = 5000;
	(void)state;
	assert_int_equal(addr_table_new(&cfg, 64, &t), BS_OK);
	addr4(&a, "127.0.0.2");
	e = addr_table_get(t, &a, now);
	assert_non_null(e);
	assert_ptr_equal(addr_table_get(t, &a, now), e);
	/* Burst 3, then one more every 100 ms. */
	assert_true(addr_hs_take(t, e, now));
	assert_true(addr_hs_take(t, e, now));
	assert_true(addr_hs_take(t, e, now));
	assert_false(addr_hs_take(t, e, now));
	assert_false(addr_hs_take(t, e, now + 99));
	assert_true(addr_hs_take(t, e, now + 100));
	assert_false(addr_hs_available(t, e, now + 150));
	/* The bucket never holds more than the burst. */
	assert_true(addr_hs_take(t, e, now + 100000));
	assert_true(addr_hs_take(t, e, now + 100000));
	assert_true(addr_hs_take(t, e, now + 100000));
	assert_false(addr_hs_take(t, e, now + 100000));
	/* IPv6 addresses of one /64 share an entry. */
	addr6(&a6, "2001:db8:1:2::1");
	addr6(&a6b, "2001:db8:1:2:ffff::9");
	e2 = addr_table_get(t, &a6, now);
	assert_non_null(e2);
	assert_ptr_equal(addr_table_get(t, &a6b, now), e2);
	assert_ptr_not_equal(e2, e);
	addr_table_free(t);
}

static void test_limits_table_full(void **state)
{
	struct addr_limits_cfg cfg = {2, 10, 3};
	struct addr_table *t;
	struct net_addr a;
	unsigned i, got = 0;
	char text[32];
	(void)state;
	assert_int_equal(addr_table_new(&cfg, 8, &t), BS_OK);
	/* Eight busy addresses fill it: the ninth is refused (NULL). */
	for (i = 0; i < 9; i++) {
		struct addr_entry *e;
		snprintf(text, sizeof text, "10.0.0.%u", i + 1);
		addr4(&a, text);
		e = addr_table_get(t, &a, 0);
		if (e) {
			e->unauth = 1;
			got++;
		}
	}
	assert_int_equal(got, 8);
	/* An idle entry (no connections, full bucket) is reused. */
	addr4(&a, "10.0.0.1");
	addr_table_get(t, &a, 0)->unauth = 0;
	addr4(&a, "10.0.0.200");
	assert_non_null(addr_table_get(t, &a, 0));
	addr_table_free(t);
}

/* The first `burst` events of a reason in an interval are logged one by
 * one, the rest counted; each reason has its own budget. */
static void test_refusal_burst(void **state)
{
	struct refusals rf;
	unsigned i, logged = 0;
	(void)state;
	refusals_init(&rf, 10);
	for (i = 0; i < 1000; i++)
		logged += (unsigned)refusal_note(&rf, REF_ADDR_CONNS);
	assert_int_equal(logged, 10);
	assert_true(refusal_note(&rf, REF_COOKIE));
	assert_int_equal(refusals_total(&rf, REF_ADDR_CONNS), 1000);
	refusals_flush(&rf, 10, "127.0.0.2", 1000);
	/* A new interval: ten more one by one. */
	for (i = 0, logged = 0; i < 50; i++)
		logged += (unsigned)refusal_note(&rf, REF_ADDR_CONNS);
	assert_int_equal(logged, 10);
	assert_int_equal(refusals_total(&rf, REF_ADDR_CONNS), 1050);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_round_trip),
		cmocka_unit_test(test_proof_format),
		cmocka_unit_test(test_secret_binds_address_and_time),
		cmocka_unit_test(test_limits_table),
		cmocka_unit_test(test_limits_table_full),
		cmocka_unit_test(test_refusal_burst),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
