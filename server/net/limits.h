/* limits.h - per-address limits: how many connections one address may have
 * that have not (yet) authenticated as an enrolled device, and how many
 * handshakes per second it may start (a token bucket).
 *
 * The table is allocated once, at start, with a fixed number of slots; it
 * never grows.  An entry is reused for another address once it is idle (no
 * unauthenticated connections and a full bucket).  If no slot is free within
 * a bounded probe, the address is refused: an attacker with very many
 * addresses fills the table and new addresses wait, enrolled sessions are
 * not affected.  Slots are placed by a keyed hash (SipHash, random key), so
 * addresses cannot be chosen to collide.  Loop thread only. */
#ifndef BS_NET_LIMITS_H
#define BS_NET_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct addr_limits_cfg {
	unsigned max_unauth;   /* unauthenticated connections per address */
	unsigned hs_per_s;     /* handshakes per second per address (refill rate) */
	unsigned hs_burst;     /* bucket size */
};

struct addr_entry {
	struct net_addr key;
	uint32_t unauth;        /* connections not authenticated as a device */
	uint32_t refused;       /* refusals since the last log summary */
	uint64_t tokens_milli;  /* handshake tokens x 1000 */
	uint64_t refill_ms;     /* monotonic time of the last refill */
	uint8_t used;
};

struct addr_table;

/* slots > 0; returns 0 or BS_E_NOMEM. */
int addr_table_new(const struct addr_limits_cfg *cfg, size_t slots, struct addr_table **out);
void addr_table_free(struct addr_table *t);

/* The entry of a's limit key (net_addr_limit_key), created if needed.
 * NULL when the table has no room.  The pointer stays valid while the
 * entry's unauth count is above zero. */
struct addr_entry *addr_table_get(struct addr_table *t, const struct net_addr *a,
				  uint64_t now_ms);

/* Refill e's bucket to now; then: is a handshake token there (peek), or
 * take one (returns 1 if taken, 0 if the address is over its rate). */
int addr_hs_available(struct addr_table *t, struct addr_entry *e, uint64_t now_ms);
int addr_hs_take(struct addr_table *t, struct addr_entry *e, uint64_t now_ms);

const struct addr_limits_cfg *addr_table_cfg(const struct addr_table *t);

/* The entry refused most often since the last call (NULL if none), then
 * every entry's refusal count is reset. */
const struct addr_entry *addr_table_top_refused(struct addr_table *t, uint32_t *count);

#endif
