/* clock.h - the one place every component of baosong and baosongd reads
 * "now" from.
 *
 * By default it is the system's real-time clock.  Tests and the demo set
 * BAOSONG_NOW to a local (Asia/Shanghai) time, "YYYY-MM-DD HH:MM[:SS]" (or
 * "@" and Unix seconds).  With BAOSONG_NOW_SINCE, the system clock's Unix
 * time (seconds, with a fraction) at which that instant was "now", every
 * process shares one clock: BAOSONG_NOW plus the real time elapsed since.
 * Without it, the process's clock starts at that instant on its first
 * reading and advances with the monotonic clock.  So a test can run a
 * whole county on Friday 11:59, on 31 December or in week 53 whatever the
 * calendar says.  Deadlines, periods, token expiry, audit times
 * and the handshake's timestamp all come from here; only intervals (time
 * outs, benchmarks) use CLOCK_MONOTONIC directly. */
#ifndef BS_CLOCK_H
#define BS_CLOCK_H

#include <stdint.h>

#define BS_CLOCK_ENV "BAOSONG_NOW"
#define BS_CLOCK_SINCE_ENV "BAOSONG_NOW_SINCE"

/* Read BAOSONG_NOW (and BAOSONG_NOW_SINCE) once.  0, or BS_E_INVAL for a value that does not parse
 * (the caller says so and stops: a test must never run on the real clock
 * by accident).  Idempotent; the readers below call it on first use and
 * abort on a malformed value. */
int bs_clock_init(void);

/* Parse the two variables' values (since may be NULL or empty): the
 * instant now names, and the real time at which it was now (0 if none).
 * 0 or BS_E_INVAL.  What bs_clock_init does with the environment. */
int bs_clock_parse(const char *now, const char *since, int64_t *start_ns, int64_t *since_ns);

/* Non-zero when BAOSONG_NOW is in force (programs say so in their log). */
int bs_clock_overridden(void);

/* Now, as Unix time in milliseconds and nanoseconds. */
int64_t bs_now_ms(void);
uint64_t bs_now_ns(void);

#endif
