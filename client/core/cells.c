/* cells.c - spreadsheet cell values (see cells.h). */
#include "cells.h"

#include <stdio.h>
#include <string.h>

#include "baosong.pb-c.h"
#include "err.h"
#include "money.h"
#include "period.h"

char *cell_trim(char *s)
{
	size_t n;
	for (;;) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		else if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0)
			s += 2;
		else if (!strncmp(s, "\xe3\x80\x80", 3))
			s += 3;
		else
			break;
	}
	n = strlen(s);
	for (;;) {
		if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
			  s[n - 1] == '\n'))
			n--;
		else if (n >= 2 && !strncmp(s + n - 2, "\xc2\xa0", 2))
			n -= 2;
		else if (n >= 3 && !strncmp(s + n - 3, "\xe3\x80\x80", 3))
			n -= 3;
		else
			break;
	}
	s[n] = '\0';
	return s;
}

int cell_cut_suffix(char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	if (n < k || strcmp(s + n - k, suffix) != 0)
		return 0;
	s[n - k] = '\0';
	return 1;
}

void cell_norm(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	while (*in && o + 1 < cap) {
		unsigned char c = (unsigned char)*in;
		const char *rep = NULL;
		size_t skip = 1;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			in++;
			continue;
		}
		if (!strncmp(in, "\xe3\x80\x80", 3) || !strncmp(in, "\xc2\xa0", 2)) {
			in += c == 0xc2 ? 2 : 3;
			continue;
		}
		if (!strncmp(in, "（", 3)) {
			rep = "(";
			skip = 3;
		} else if (!strncmp(in, "）", 3)) {
			rep = ")";
			skip = 3;
		} else if (!strncmp(in, "％", 3)) {
			rep = "%";
			skip = 3;
		}
		if (rep) {
			out[o++] = *rep;
		} else if (c >= 'A' && c <= 'Z') {
			out[o++] = (char)(c - 'A' + 'a');
		} else if (c == '-') {
			out[o++] = '_';
		} else {
			out[o++] = (char)c;
		}
		in += skip;
	}
	out[o] = '\0';
}


static const struct stage_alias {
	const char *word;          /* as cell_norm leaves it */
	int stage;
} stage_aliases[] = {
	{"谋划储备", BAOSONG__V1__PROJECT_STAGE__STAGE_RESERVE},
	{"储备", BAOSONG__V1__PROJECT_STAGE__STAGE_RESERVE},
	{"谋划", BAOSONG__V1__PROJECT_STAGE__STAGE_RESERVE},
	{"reserve", BAOSONG__V1__PROJECT_STAGE__STAGE_RESERVE},
	{"前期", BAOSONG__V1__PROJECT_STAGE__STAGE_PREPARATION},
	{"前期工作", BAOSONG__V1__PROJECT_STAGE__STAGE_PREPARATION},
	{"preparation", BAOSONG__V1__PROJECT_STAGE__STAGE_PREPARATION},
	{"新开工", BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START},
	{"new_start", BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START},
	{"newstart", BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START},
	{"续建", BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING},
	{"continuing", BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING},
	{"竣工", BAOSONG__V1__PROJECT_STAGE__STAGE_COMPLETED},
	{"已竣工", BAOSONG__V1__PROJECT_STAGE__STAGE_COMPLETED},
	{"completed", BAOSONG__V1__PROJECT_STAGE__STAGE_COMPLETED},
	{"投产/运营", BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING},
	{"投产运营", BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING},
	{"投产", BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING},
	{"运营", BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING},
	{"已投产", BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING},
	{"operating", BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING},
	{"停缓建", BAOSONG__V1__PROJECT_STAGE__STAGE_SUSPENDED},
	{"停建", BAOSONG__V1__PROJECT_STAGE__STAGE_SUSPENDED},
	{"缓建", BAOSONG__V1__PROJECT_STAGE__STAGE_SUSPENDED},
	{"suspended", BAOSONG__V1__PROJECT_STAGE__STAGE_SUSPENDED},
};

int cell_stage(const char *s, int *stage)
{
	char w[64];
	size_t i;
	cell_norm(s, w, sizeof w);
	for (i = 0; i < sizeof stage_aliases / sizeof stage_aliases[0]; i++) {
		if (strcmp(w, stage_aliases[i].word) == 0) {
			*stage = stage_aliases[i].stage;
			return BS_OK;
		}
	}
	return BS_E_INVAL;
}

/* n decimal digits at *p (min..max of them); advances *p. */
static int take_digits(const char **p, unsigned min, unsigned max, unsigned *v)
{
	unsigned n = 0, x = 0;
	while (n < max && **p >= '0' && **p <= '9') {
		x = x * 10u + (unsigned)(**p - '0');
		(*p)++;
		n++;
	}
	if (n < min || (**p >= '0' && **p <= '9'))
		return BS_E_INVAL;
	*v = x;
	return BS_OK;
}

static int take(const char **p, const char *word)
{
	size_t n = strlen(word);
	if (strncmp(*p, word, n) != 0)
		return 0;
	*p += n;
	return 1;
}

int cell_date(const char *s, int64_t *days)
{
	const char *p = s;
	unsigned y, m, d = 1;
	char sep = 0, buf[11];
	if (strlen(s) >= 8 && take_digits(&p, 8, 8, &y) == BS_OK && *p == '\0') {
		d = y % 100u;
		m = y / 100u % 100u;
		y /= 10000u;
		goto check;
	}
	p = s;
	if (take_digits(&p, 4, 4, &y) != BS_OK)
		return BS_E_INVAL;
	if (take(&p, "年")) {
		if (take_digits(&p, 1, 2, &m) != BS_OK || !take(&p, "月"))
			return BS_E_INVAL;
		if (*p && (take_digits(&p, 1, 2, &d) != BS_OK ||
			   !(take(&p, "日") || take(&p, "号"))))
			return BS_E_INVAL;
	} else {
		if (*p != '-' && *p != '/' && *p != '.')
			return BS_E_INVAL;
		sep = *p++;
		if (take_digits(&p, 1, 2, &m) != BS_OK)
			return BS_E_INVAL;
		if (*p == sep) {
			p++;
			if (take_digits(&p, 1, 2, &d) != BS_OK)
				return BS_E_INVAL;
		}
	}
	if (*p == ' ' || *p == 'T') {
		for (p++; *p; p++)
			if (!((*p >= '0' && *p <= '9') || *p == ':' || *p == '.'))
				return BS_E_INVAL;
	}
	if (*p)
		return BS_E_INVAL;
check:
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return BS_E_NOTFOUND;
	snprintf(buf, sizeof buf, "%04u-%02u-%02u", y, m, d);
	return period_parse_date(buf, days) == BS_OK ? BS_OK : BS_E_NOTFOUND;
}

int cell_week(const char *s, char out[9])
{
	const char *p = s;
	unsigned y, w;
	int64_t days;
	char buf[16];
	if (take_digits(&p, 4, 4, &y) == BS_OK) {
		int ok = 0;
		if (take(&p, "年第")) {
			ok = take_digits(&p, 1, 2, &w) == BS_OK && take(&p, "周") && !*p;
		} else {
			if (*p == '-')
				p++;
			if (*p == 'W' || *p == 'w') {
				p++;
				ok = take_digits(&p, 1, 2, &w) == BS_OK && !*p;
			}
		}
		if (ok) {
			snprintf(buf, sizeof buf, "%04u-W%02u", y, w);
			if (period_parse_week(buf, &days) != BS_OK)
				return BS_E_INVAL;
			memcpy(out, buf, 9);
			return BS_OK;
		}
	}
	if (cell_date(s, &days) != BS_OK)
		return BS_E_INVAL;
	period_format_week(days, out);
	return BS_OK;
}

const char *cell_undefuse(const char *s)
{
	if (s[0] == '\'' && s[1] && strchr("=+-@\t", s[1]))
		return s + 1;
	return s;
}

void cell_unix_newlines(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (*s == '\r') {
			*o++ = '\n';
			if (s[1] == '\n')
				s++;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* A short cell into buf[cap], trimmed: NULL if it does not fit (no number
 * is that long). */
static char *short_copy(const char *s, char *buf, size_t cap)
{
	size_t n = strlen(s);
	if (n >= cap)
		return NULL;
	memcpy(buf, s, n + 1);
	return cell_trim(buf);
}

int cell_money(const char *cell, int64_t *fen)
{
	char buf[64], *s = short_copy(cell, buf, sizeof buf);
	if (!s)
		return BS_E_INVAL;
	if (cell_cut_suffix(s, "万元") || cell_cut_suffix(s, "万"))
		s = cell_trim(s);
	else if (strstr(s, "元"))
		return BS_E_UNSUPPORTED;
	return money_parse_wan(s, fen);
}

int cell_uint(const char *cell, uint32_t *v)
{
	char buf[64], *s = short_copy(cell, buf, sizeof buf);
	unsigned long long x = 0;
	size_t i;
	if (!s)
		return BS_E_INVAL;
	if (!(cell_cut_suffix(s, "%") || cell_cut_suffix(s, "％")))
		cell_cut_suffix(s, "年");
	s = cell_trim(s);
	if (!*s)
		return BS_E_INVAL;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return BS_E_INVAL;
		x = x * 10u + (unsigned)(s[i] - '0');
		if (x > UINT32_MAX)
			return BS_E_INVAL;
	}
	*v = (uint32_t)x;
	return BS_OK;
}
