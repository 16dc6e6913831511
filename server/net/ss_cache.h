/* ss_cache.h - the static-static DH of enrolled devices, kept between
 * their handshakes.
 *
 * In an IK handshake the responder computes DH(server static, device
 * static): the same value every time the same device connects.  WireGuard
 * computes it once per peer; this keeps it for the devices that completed
 * a handshake as enrolled, active devices, so their next handshakes cost
 * the server four X25519 operations instead of five.  Whether a key is
 * allowed is still decided by the database on every handshake: a revoked
 * device's entry only saves a DH before its refusal.
 *
 * A fixed table (slots chosen by the key's first bytes, a newer key
 * replacing an older one in its slot) in memory libsodium guards and
 * locks, wiped when freed.  Keys are only put after the device was found
 * active, so an unknown key cannot push entries out.  Thread-safe: read
 * from the handshake thread pool, written from the event loop. */
#ifndef BS_SS_CACHE_H
#define BS_SS_CACHE_H

#include <stdint.h>

struct ss_cache;

/* slots: 1 .. 1,048,576.  BS_OK, BS_E_INVAL or BS_E_NOMEM. */
int ss_cache_new(unsigned slots, struct ss_cache **out);
void ss_cache_free(struct ss_cache *c); /* wipes; NULL is fine */

/* 1 and out filled if pub is kept, else 0 (noise_hs.ss_get). */
int ss_cache_get(void *c, const uint8_t pub[32], uint8_t out[32]);
/* Keep ss for pub. */
void ss_cache_put(struct ss_cache *c, const uint8_t pub[32], const uint8_t ss[32]);

/* Counters (for the log at stop): hits and misses of ss_cache_get. */
void ss_cache_stats(struct ss_cache *c, uint64_t *hits, uint64_t *misses);

#endif
