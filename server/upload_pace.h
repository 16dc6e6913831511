/* upload_pace.h - uploads yield to pushes: attachment bytes paced to a rate
 * while pushes are arriving.
 *
 * On a small server the CPU an upload takes (the secure channel's open on
 * the server, the copies through the kernel, the file writes, and on a
 * shared machine the clients' seal and hash) is the CPU the pushes' acks
 * need: with 20 uploads running, every core busy, the pushes' p99 grew
 * 5x (docs/PERFORMANCE.md, target 6b).  So while pushes arrive (one seen in
 * the last `active_ms`), BlobPut chunks of every session together are let
 * through at `rate` bytes a second, from a bucket of `burst` bytes; the
 * others wait, in order, with their connection not read meanwhile.  With no
 * push in sight an upload goes at full speed.
 *
 * A plain value, used by the event loop only (no lock); time is the
 * caller's, in milliseconds, never read here. */
#ifndef BS_UPLOAD_PACE_H
#define BS_UPLOAD_PACE_H

#include <stdint.h>

struct upload_pace {
	uint64_t rate;      /* bytes a second while pushes arrive; 0: never paced */
	int64_t burst;      /* bucket size, bytes */
	int64_t tokens;     /* may run below 0: a chunk larger than what is left */
	uint64_t refill_ms; /* when tokens were last topped up */
	uint64_t push_ms;   /* the newest push seen */
	int seen_push;
	unsigned active_ms;
};

/* rate in bytes a second (0: off), at most 1 TB/s; burst >= 1. */
void upload_pace_init(struct upload_pace *p, uint64_t rate, int64_t burst, unsigned active_ms);

/* A push request arrived at now_ms. */
void upload_pace_push(struct upload_pace *p, uint64_t now_ms);

/* May a chunk of `bytes` go at now_ms?  0: yes, and it is counted; else
 * the milliseconds to wait before asking again (>= 1). */
uint64_t upload_pace_ask(struct upload_pace *p, uint64_t bytes, uint64_t now_ms);

#endif
