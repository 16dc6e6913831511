/* cookie_secret.c - rotating cookie secret (see cookie_secret.h). */
#include "cookie_secret.h"

#include <sodium.h>
#include <string.h>

void cookie_secret_init(struct cookie_secret *cs, uint64_t now_ms)
{
	memset(cs, 0, sizeof *cs);
	randombytes_buf(cs->cur, sizeof cs->cur);
	cs->cur_since_ms = now_ms;
}

void cookie_secret_wipe(struct cookie_secret *cs)
{
	sodium_memzero(cs, sizeof *cs);
}

static void rotate_if_due(struct cookie_secret *cs, uint64_t now_ms)
{
	if (now_ms - cs->cur_since_ms < COOKIE_ROTATE_MS)
		return;
	if (now_ms - cs->cur_since_ms < 2u * COOKIE_ROTATE_MS) {
		memcpy(cs->prev, cs->cur, sizeof cs->prev);
		cs->has_prev = 1;
	} else {
		/* Both secrets are too old: nothing made with them is valid. */
		sodium_memzero(cs->prev, sizeof cs->prev);
		cs->has_prev = 0;
	}
	randombytes_buf(cs->cur, sizeof cs->cur);
	cs->cur_since_ms = now_ms;
}

static void make(const uint8_t secret[32], const struct net_addr *addr,
		 uint8_t cookie[COOKIE_LEN])
{
	crypto_generichash(cookie, COOKIE_LEN, addr->b, addr->len, secret, 32);
}

void cookie_for(struct cookie_secret *cs, const struct net_addr *addr, uint64_t now_ms,
		uint8_t cookie[COOKIE_LEN])
{
	rotate_if_due(cs, now_ms);
	make(cs->cur, addr, cookie);
}

static int check_one(const uint8_t secret[32], const struct net_addr *addr,
		     const uint8_t mac[COOKIE_MAC_LEN], const uint8_t *msg1, size_t msg1_len)
{
	uint8_t cookie[COOKIE_LEN], want[COOKIE_MAC_LEN];
	int ok;
	make(secret, addr, cookie);
	cookie_mac(cookie, msg1, msg1_len, want);
	ok = sodium_memcmp(want, mac, COOKIE_MAC_LEN) == 0;
	sodium_memzero(cookie, sizeof cookie);
	return ok;
}

int cookie_check(struct cookie_secret *cs, const struct net_addr *addr, uint64_t now_ms,
		 const uint8_t mac[COOKIE_MAC_LEN], const uint8_t *msg1, size_t msg1_len)
{
	int ok;
	rotate_if_due(cs, now_ms);
	ok = check_one(cs->cur, addr, mac, msg1, msg1_len);
	/* Both checked whatever the first said: the time taken says nothing. */
	if (cs->has_prev)
		ok |= check_one(cs->prev, addr, mac, msg1, msg1_len);
	return ok;
}
