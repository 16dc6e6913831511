/* cookie_secret.h - the server's side of the cookie reply (common/cookie.h):
 * a random secret replaced every COOKIE_ROTATE_MS, a cookie per source
 * address, and the check of a client's proof before any Diffie-Hellman.
 *
 *   cookie(addr) = BLAKE2b-128(key = secret, message = addr bytes)
 *
 * with addr the 4 (IPv4) or 16 (IPv6) bytes of the peer's address.  A proof
 * is accepted if it was made with the cookie of the current or the
 * previous secret, so a cookie lasts between 2 and 4 minutes.  The mac is
 * compared in constant time.  Loop thread only. */
#ifndef BS_NET_COOKIE_SECRET_H
#define BS_NET_COOKIE_SECRET_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "cookie.h"

#define COOKIE_ROTATE_MS 120000u

struct cookie_secret {
	uint8_t cur[32], prev[32];
	uint64_t cur_since_ms; /* monotonic */
	int has_prev;
};

void cookie_secret_init(struct cookie_secret *cs, uint64_t now_ms);
void cookie_secret_wipe(struct cookie_secret *cs);

/* The cookie for addr under the current secret (rotating first if due). */
void cookie_for(struct cookie_secret *cs, const struct net_addr *addr, uint64_t now_ms,
		uint8_t cookie[COOKIE_LEN]);

/* Does mac (from a proof frame) fit msg1 from addr?  1 yes, 0 no. */
int cookie_check(struct cookie_secret *cs, const struct net_addr *addr, uint64_t now_ms,
		 const uint8_t mac[COOKIE_MAC_LEN], const uint8_t *msg1, size_t msg1_len);

#endif
