/* clock.h - the one place every component of baosong and baosongd reads
 * "now" from.
 *
 * By default it is the system's real-time clock.  Tests and the demo set
 * BAOSONG_NOW to a local (Asia/Shanghai) time, "YYYY-MM-DD HH:MM[:SS]" (or
 * "@" and Unix seconds): the process's clock then starts at that instant on
 * its first reading and advances with the monotonic clock from there, so a
 * test can run a whole county on Friday 11:59, on 31 December or in week 53
 * whatever the calendar says.  Deadlines, periods, token expiry, audit times
 * and the handshake's timestamp all come from here; only intervals (time
 * outs, benchmarks) use CLOCK_MONOTONIC directly. */
#ifndef BS_CLOCK_H
#define BS_CLOCK_H

#include <stdint.h>

#define BS_CLOCK_ENV "BAOSONG_NOW"

/* Read BAOSONG_NOW once.  0, or BS_E_INVAL for a value that does not parse
 * (the caller says so and stops: a test must never run on the real clock
 * by accident).  Idempotent; the readers below call it on first use and
 * abort on a malformed value. */
int bs_clock_init(void);

/* Non-zero when BAOSONG_NOW is in force (programs say so in their log). */
int bs_clock_overridden(void);

/* Now, as Unix time in milliseconds and nanoseconds. */
int64_t bs_now_ms(void);
uint64_t bs_now_ns(void);

#endif
