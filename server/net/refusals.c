/* refusals.c - aggregated refusal log lines (see refusals.h). */
#include "refusals.h"

#include <assert.h>
#include <string.h>

#include "log.h"

static const char *const names[REF_COUNT] = {
	[REF_POOL_FULL] = "unauthenticated connections at max_unauth_connections",
	[REF_ADDR_CONNS] = "address at max_unauth_per_address",
	[REF_ADDR_RATE] = "address over handshakes_per_second: handshake waits",
	[REF_ADDR_TABLE] = "address table full",
	[REF_SESSIONS_FULL] = "device sessions at max_connections",
	[REF_ACCEPT] = "accept failed",
	[REF_COOKIE] = "cookie reply sent (server under load)",
	[REF_UNAUTH_CLOSED] = "closed before authenticating (timeout, bad handshake, left)",
	[REF_HANDSHAKE] = "handshake refused or enrolment-only session",
};

void refusals_init(struct refusals *rf, unsigned burst)
{
	memset(rf, 0, sizeof *rf);
	rf->burst = burst;
}

int refusal_note(struct refusals *rf, enum refusal why)
{
	assert(why < REF_COUNT);
	rf->r[why].total++;
	if (rf->r[why].in_interval < UINT32_MAX)
		rf->r[why].in_interval++;
	return rf->r[why].in_interval <= rf->burst;
}

void refusals_flush(struct refusals *rf, unsigned interval_s, const char *top_addr,
		    uint32_t top_count)
{
	int i, any = 0;
	for (i = 0; i < REF_COUNT; i++) {
		uint32_t n = rf->r[i].in_interval;
		if (n > rf->burst) {
			log_warn("refused in the last %u s: %u more not logged one by one "
				 "(%u in all): %s",
				 interval_s, n - rf->burst, n, names[i]);
			any = 1;
		}
		rf->r[i].in_interval = 0;
	}
	if (any && top_addr)
		log_warn("refused in the last %u s: most from %s (%u refusals); "
			 "see docs/OPERATIONS.md 'Connection limits'",
			 interval_s, top_addr, top_count);
}

uint64_t refusals_total(const struct refusals *rf, enum refusal why)
{
	assert(why < REF_COUNT);
	return rf->r[why].total;
}

const char *refusal_name(enum refusal why)
{
	assert(why < REF_COUNT);
	return names[why];
}
