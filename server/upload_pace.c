/* upload_pace.c - attachment bytes paced while pushes arrive (see the
 * header). */
#include "upload_pace.h"

#include <assert.h>

#define RATE_MAX 1000000000000ull /* 1 TB/s: rate * 10 s fits in int64 */
#define REFILL_SPAN_MS 10000u     /* longer gaps refill no more than this */

void upload_pace_init(struct upload_pace *p, uint64_t rate, int64_t burst, unsigned active_ms)
{
	assert(p && rate <= RATE_MAX && burst >= 1);
	p->rate = rate;
	p->burst = burst;
	p->tokens = burst;
	p->refill_ms = 0;
	p->push_ms = 0;
	p->seen_push = 0;
	p->active_ms = active_ms;
}

void upload_pace_push(struct upload_pace *p, uint64_t now_ms)
{
	assert(p);
	p->push_ms = now_ms;
	p->seen_push = 1;
}

static void refill(struct upload_pace *p, uint64_t now_ms)
{
	uint64_t dt;
	if (now_ms <= p->refill_ms)
		return; /* the same millisecond, or a clock that went back */
	dt = now_ms - p->refill_ms;
	if (dt > REFILL_SPAN_MS)
		dt = REFILL_SPAN_MS;
	p->refill_ms = now_ms;
	p->tokens += (int64_t)(p->rate * dt / 1000u);
	if (p->tokens > p->burst)
		p->tokens = p->burst;
}

uint64_t upload_pace_ask(struct upload_pace *p, uint64_t bytes, uint64_t now_ms)
{
	uint64_t wait;
	assert(p);
	if (p->rate == 0)
		return 0;
	refill(p, now_ms);
	if (!p->seen_push || now_ms - p->push_ms >= p->active_ms || now_ms < p->push_ms) {
		/* No push in sight: full speed, and a full bucket for the next. */
		p->tokens = p->burst;
		return 0;
	}
	if (p->tokens >= 0) {
		if (bytes > (uint64_t)INT64_MAX / 2)
			bytes = (uint64_t)INT64_MAX / 2;
		p->tokens -= (int64_t)bytes;
		return 0;
	}
	/* In debt: wait until the bucket is back at zero. */
	wait = ((uint64_t)(-p->tokens) * 1000u + p->rate - 1) / p->rate;
	return wait ? wait : 1;
}
