/* money.c - integer money parsing and formatting. */
#include "money.h"

#include <stdio.h>
#include <string.h>

#include "err.h"

int money_parse_wan(const char *s, int64_t *fen)
{
	int neg = 0, ndec = -1, ndig = 0;
	int64_t v = 0; /* in 0.01 万元 */
	const char *p = s;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (*p < '0' || *p > '9')
		return BS_E_INVAL;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (ndec >= 0 && ++ndec > 2)
				return BS_E_INVAL;
			if (v > (MONEY_MAX_FEN / 10000) / 10)
				return BS_E_INVAL;
			v = v * 10 + (*p - '0');
			ndig++;
		} else if (*p == '.' && ndec < 0 && p[1] != '\0') {
			ndec = 0;
		} else if (*p == ',' && ndec < 0 && p[1] >= '0' && p[1] <= '9') {
			continue;
		} else {
			return BS_E_INVAL;
		}
	}
	if (ndig == 0)
		return BS_E_INVAL;
	if (ndec < 0)
		ndec = 0;
	for (; ndec < 2; ndec++)
		v *= 10;
	v *= 10000; /* 0.01 万元 = 100 yuan = 10,000 fen */
	if (v > MONEY_MAX_FEN)
		return BS_E_INVAL;
	*fen = neg ? -v : v;
	return BS_OK;
}

static void format_scaled(int64_t fen, int64_t unit, char *out, size_t cap)
{
	/* hundredths of the unit, rounded half away from zero */
	int64_t step = unit / 100;
	int neg = fen < 0;
	uint64_t a = neg ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	uint64_t h = (a + (uint64_t)step / 2) / (uint64_t)step;
	snprintf(out, cap, "%s%llu.%02llu", (neg && h) ? "-" : "", (unsigned long long)(h / 100),
		 (unsigned long long)(h % 100));
}

void money_format_wan(int64_t fen, char *out, size_t cap)
{
	format_scaled(fen, FEN_PER_WAN, out, cap);
}

void money_format_yi(int64_t fen, char *out, size_t cap)
{
	format_scaled(fen, FEN_PER_YI, out, cap);
}
