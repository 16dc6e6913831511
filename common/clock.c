/* clock.c - real time, or a start instant from BAOSONG_NOW plus the
 * monotonic time elapsed since the process first asked. */
#include "clock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "period.h"

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_status;           /* BS_OK or BS_E_INVAL, set once */
static int g_fixed;            /* BAOSONG_NOW in force */
static int64_t g_start_ns;     /* the instant it names, Unix ns */
static int64_t g_mono0_ns;     /* CLOCK_MONOTONIC when it was read */
static int g_since;            /* BAOSONG_NOW_SINCE given */
static int64_t g_since_ns;     /* CLOCK_REALTIME at which it was now */

static int64_t ts_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* "@SECONDS" or a local time; 0 or BS_E_INVAL. */
static int parse_now(const char *s, int64_t *ns)
{
	int64_t ms;
	if (s[0] == '@') {
		char *end;
		long long v;
		if (!s[1] || strlen(s) > 12)
			return BS_E_INVAL;
		v = strtoll(s + 1, &end, 10);
		if (*end || v < 0 || v > 7258118400LL) /* up to 2200-01-01 */
			return BS_E_INVAL;
		*ns = (int64_t)v * 1000000000LL;
		return BS_OK;
	}
	if (period_parse_local_time(s, 0, &ms) != BS_OK || ms < 0)
		return BS_E_INVAL;
	*ns = ms * 1000000LL;
	return BS_OK;
}

/* "SECONDS[.FRACTION]" of the system clock; 0 or BS_E_INVAL. */
static int parse_since(const char *s, int64_t *ns)
{
	int64_t sec = 0, frac = 0, scale = 1000000000LL;
	const char *p = s;
	if (!*p)
		return BS_E_INVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (sec > 7258118400LL)
			return BS_E_INVAL;
		sec = sec * 10 + (*p - '0');
	}
	if (p == s || sec > 7258118400LL)
		return BS_E_INVAL;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
	}
	if (*p)
		return BS_E_INVAL;
	*ns = sec * 1000000000LL + frac;
	return BS_OK;
}

int bs_clock_parse(const char *now, const char *since, int64_t *start_ns, int64_t *since_ns)
{
	*since_ns = 0;
	if (!now || parse_now(now, start_ns) != BS_OK)
		return BS_E_INVAL;
	if (since && *since && parse_since(since, since_ns) != BS_OK)
		return BS_E_INVAL;
	return BS_OK;
}

static void read_env(void)
{
	const char *since = getenv(BS_CLOCK_SINCE_ENV);
	const char *s = getenv(BS_CLOCK_ENV);
	if (!s || !*s) {
		g_status = BS_OK;
		return;
	}
	g_status = bs_clock_parse(s, since, &g_start_ns, &g_since_ns);
	g_since = g_status == BS_OK && since && *since;
	if (g_status == BS_OK) {
		g_fixed = 1;
		g_mono0_ns = ts_ns(CLOCK_MONOTONIC);
	}
}

int bs_clock_init(void)
{
	pthread_once(&g_once, read_env);
	return g_status;
}

int bs_clock_overridden(void)
{
	return bs_clock_init() == BS_OK && g_fixed;
}

uint64_t bs_now_ns(void)
{
	if (bs_clock_init() != BS_OK) {
		fprintf(stderr, "%s must be \"YYYY-MM-DD HH:MM[:SS]\" (Asia/Shanghai) or @SECONDS, "
			"%s Unix seconds\n", BS_CLOCK_ENV, BS_CLOCK_SINCE_ENV);
		abort();
	}
	if (g_fixed && g_since)
		return (uint64_t)(g_start_ns + (ts_ns(CLOCK_REALTIME) - g_since_ns));
	if (g_fixed)
		return (uint64_t)(g_start_ns + (ts_ns(CLOCK_MONOTONIC) - g_mono0_ns));
	return (uint64_t)ts_ns(CLOCK_REALTIME);
}

int64_t bs_now_ms(void)
{
	return (int64_t)(bs_now_ns() / 1000000u);
}
