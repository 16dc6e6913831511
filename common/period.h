/* period.h - calendar arithmetic in Asia/Shanghai (UTC+8, no daylight
 * saving), without the system's time-zone database: dates, ISO weeks,
 * months, quarters, and the deadlines that hang on them. */
#ifndef BS_PERIOD_H
#define BS_PERIOD_H

#include <stdint.h>

#define SHANGHAI_OFFSET_MS (8LL * 3600 * 1000)
#define DAY_MS (86400LL * 1000)

/* Days since 1970-01-01 of a proleptic Gregorian date (no validation). */
int64_t period_days_from_civil(int y, unsigned m, unsigned d);
void period_civil_from_days(int64_t days, int *y, unsigned *m, unsigned *d);

/* Parse "YYYY-MM-DD" (a real calendar date, year 1900..2200) into days
 * since 1970-01-01.  0 or BS_E_INVAL. */
int period_parse_date(const char *s, int64_t *days);
/* Format days as "YYYY-MM-DD" into out[11]. */
void period_format_date(int64_t days, char out[11]);

/* The local (Shanghai) day number of an instant. */
int64_t period_local_days(int64_t utc_ms);
/* The UTC instant of local midnight starting `days`. */
int64_t period_local_midnight_ms(int64_t days);

/* ISO 8601 week "YYYY-Www" -> day number of its Monday.  0 or BS_E_INVAL. */
int period_parse_week(const char *s, int64_t *monday);
/* The ISO week containing day `days`, as "YYYY-Www" in out[9]. */
void period_format_week(int64_t days, char out[9]);

/* Deadline of a weekly report for the week starting on Monday `monday`:
 * Friday of that week at 12:00 Shanghai time, as UTC ms. */
int64_t period_weekly_deadline_ms(int64_t monday);

/* 时序进度, the share of the year gone that completion is measured against
 * (docs/ASSESSMENT.md): at the end of the n-th of per_year equal periods
 * of the year - ISO week W of 52 (week 52 and 53 count the whole year),
 * month M of 12, quarter Q of 4, the year 1 of 1 - in basis points
 * (10000 = the whole year), rounded half up.  -1 when per_year is 0. */
int64_t period_elapsed_bp(unsigned n, unsigned per_year);

/* Parse a local (Shanghai) time "YYYY-MM-DD HH:MM[:SS]" (a 'T' may stand
 * for the space) into UTC ms.  A bare "YYYY-MM-DD" is accepted only when
 * day_end is non-zero and means the last millisecond of that day.
 * 0 or BS_E_INVAL. */
int period_parse_local_time(const char *s, int day_end, int64_t *ms);

#endif
