/* period.c - civil-date arithmetic (days <-> y/m/d after the well-known
 * era-based method) and ISO weeks, all in Asia/Shanghai. */
#include "period.h"

#include <stdio.h>
#include <string.h>

#include "err.h"

int64_t period_days_from_civil(int y, unsigned m, unsigned d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;                                   /* [0, 399] */
	int64_t mp = (int64_t)m + (m > 2 ? -3 : 9);                     /* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;              /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

void period_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp, yy;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static int digits(const char *s, int n, int *out)
{
	int v = 0, i;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return BS_E_INVAL;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return BS_OK;
}

int period_parse_date(const char *s, int64_t *days)
{
	int y, m, d, yy;
	unsigned mm, dd;
	int64_t z;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) ||
	    digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
		return BS_E_INVAL;
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
		return BS_E_INVAL;
	z = period_days_from_civil(y, (unsigned)m, (unsigned)d);
	period_civil_from_days(z, &yy, &mm, &dd);
	if (yy != y || mm != (unsigned)m || dd != (unsigned)d) /* e.g. 02-30 */
		return BS_E_INVAL;
	*days = z;
	return BS_OK;
}

void period_format_date(int64_t days, char out[11])
{
	int y;
	unsigned m, d;
	period_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 0; /* outside what any record can hold */
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, m % 100u, d % 100u);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t period_local_days(int64_t utc_ms)
{
	return floor_div(utc_ms + SHANGHAI_OFFSET_MS, DAY_MS);
}

int64_t period_local_midnight_ms(int64_t days)
{
	return days * DAY_MS - SHANGHAI_OFFSET_MS;
}

/* 1970-01-01 was a Thursday: ISO weekday 1..7 (Monday = 1). */
static int iso_weekday(int64_t days)
{
	int64_t w = (days + 3) % 7;
	if (w < 0)
		w += 7;
	return (int)w + 1;
}

/* Monday of ISO week 1 of ISO year y: the week with January 4th. */
static int64_t week1_monday(int y)
{
	int64_t jan4 = period_days_from_civil(y, 1, 4);
	return jan4 - (iso_weekday(jan4) - 1);
}

int period_parse_week(const char *s, int64_t *monday)
{
	int y, w;
	int64_t start, next;
	if (strlen(s) != 8 || s[4] != '-' || s[5] != 'W' || digits(s, 4, &y) ||
	    digits(s + 6, 2, &w))
		return BS_E_INVAL;
	if (y < 1900 || y > 2200 || w < 1)
		return BS_E_INVAL;
	start = week1_monday(y) + 7 * (int64_t)(w - 1);
	next = week1_monday(y + 1);
	if (start >= next) /* week 53 in a 52-week year */
		return BS_E_INVAL;
	*monday = start;
	return BS_OK;
}

void period_format_week(int64_t days, char out[9])
{
	int64_t monday = days - (iso_weekday(days) - 1);
	int y;
	unsigned m, d;
	/* The ISO year is the year of the week's Thursday. */
	period_civil_from_days(monday + 3, &y, &m, &d);
	snprintf(out, 9, "%04u-W%02u", (unsigned)(y < 0 || y > 9999 ? 0 : y),
		 (unsigned)((monday - week1_monday(y)) / 7 + 1) % 100u);
}

int64_t period_weekly_deadline_ms(int64_t monday)
{
	return period_local_midnight_ms(monday + 4) + 12LL * 3600 * 1000;
}

int period_parse_local_time(const char *s, int day_end, int64_t *ms)
{
	char date[11];
	int64_t days;
	int h, m, sec = 0;
	size_t len = strlen(s);
	if (len < 10)
		return BS_E_INVAL;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (period_parse_date(date, &days) != BS_OK)
		return BS_E_INVAL;
	if (!s[10]) {
		if (!day_end)
			return BS_E_INVAL;
		*ms = period_local_midnight_ms(days + 1) - 1;
		return BS_OK;
	}
	if (s[10] != ' ' && s[10] != 'T')
		return BS_E_INVAL;
	/* Exactly HH:MM or HH:MM:SS, digits only. */
	if (len != 16 && len != 19)
		return BS_E_INVAL;
	for (size_t i = 11; i < len; i++)
		if ((i == 13 || i == 16) ? s[i] != ':' : (s[i] < '0' || s[i] > '9'))
			return BS_E_INVAL;
	h = (s[11] - '0') * 10 + (s[12] - '0');
	m = (s[14] - '0') * 10 + (s[15] - '0');
	if (len == 19)
		sec = (s[17] - '0') * 10 + (s[18] - '0');
	if (h > 23 || m > 59 || sec > 59)
		return BS_E_INVAL;
	*ms = period_local_midnight_ms(days) + (((int64_t)h * 60 + m) * 60 + sec) * 1000;
	return BS_OK;
}

int64_t period_elapsed_bp(unsigned n, unsigned per_year)
{
	if (per_year == 0)
		return -1;
	if (n >= per_year)
		return 10000;
	return ((int64_t)n * 20000 + per_year) / (2 * (int64_t)per_year);
}
