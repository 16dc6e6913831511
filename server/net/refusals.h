/* refusals.h - rate-limited, aggregated log lines for refused and failed
 * connections, so that a flood cannot flood the log.
 *
 * For each reason, the first `burst` events of a log interval are logged in
 * full by the caller; later ones are only counted, and at the end of the
 * interval one WARN line per reason says how many more there were:
 *
 *   refused in the last 10 s: 1234 more: address over its connection limit
 *
 * Loop thread only. */
#ifndef BS_NET_REFUSALS_H
#define BS_NET_REFUSALS_H

#include <stdint.h>

enum refusal {
	REF_POOL_FULL,     /* the pool of unauthenticated connections is full */
	REF_ADDR_CONNS,    /* the address has its most unauthenticated connections */
	REF_ADDR_RATE,     /* the address is over its handshake rate: message 1 waits */
	REF_ADDR_TABLE,    /* no room in the address table */
	REF_SESSIONS_FULL, /* max_connections device sessions open */
	REF_ACCEPT,        /* accept() failed (descriptors, memory) */
	REF_COOKIE,        /* a cookie reply was sent instead of a handshake */
	REF_UNAUTH_CLOSED, /* a connection closed before it authenticated */
	REF_HANDSHAKE,     /* a handshake refused, or an enrolment-only session */
	REF_COUNT
};

struct refusals {
	unsigned burst;
	struct {
		uint32_t in_interval;
		uint64_t total;
	} r[REF_COUNT];
};

void refusals_init(struct refusals *rf, unsigned burst);

/* Count one event; returns 1 if the caller should log it in full. */
int refusal_note(struct refusals *rf, enum refusal why);

/* End of an interval: one line per reason with suppressed events, naming
 * the address refused most (may be NULL); then start a new interval. */
void refusals_flush(struct refusals *rf, unsigned interval_s, const char *top_addr,
		    uint32_t top_count);

/* Events of a reason since start (for tests and stop-time statistics). */
uint64_t refusals_total(const struct refusals *rf, enum refusal why);

/* What the reason means, for the log. */
const char *refusal_name(enum refusal why);

#endif
