/* import_values.c - cell values only a target table has (a year or a
 * quarter, a growth percentage). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cells.h"
#include "err.h"
#include "import.h"

/* "2026", "2026年", "2026年度" -> "2026"; "2026-Q2", "2026Q2", "2026年第二季度",
 * "2026年2季度" -> "2026-Q2" (cell_norm's spelling: '-' is '_'). */
int import_cell_tperiod(const char *v, char out[16])
{
	static const char *const cn[] = {"一", "二", "三", "四"};
	char norm[64];
	const char *p;
	int y = 0, i, q = 0;
	cell_norm(v, norm, sizeof norm);
	for (i = 0; i < 4; i++) {
		if (norm[i] < '0' || norm[i] > '9')
			return BS_E_INVAL;
		y = y * 10 + (norm[i] - '0');
	}
	p = norm + 4;
	if (!strncmp(p, "年", 3))
		p += 3;
	if (!strcmp(p, "") || !strcmp(p, "度")) {
		snprintf(out, 16, "%04d", y % 10000);
		return BS_OK;
	}
	if (*p == '_')
		p++;
	if (!strncmp(p, "第", 3))
		p += 3;
	if (*p == 'q' && p[1] >= '1' && p[1] <= '4' && !p[2]) {
		q = p[1] - '0';
	} else if (*p >= '1' && *p <= '4' && (!strcmp(p + 1, "季度") || !strcmp(p + 1, "季"))) {
		q = *p - '0';
	} else {
		for (i = 0; i < 4; i++)
			if (!strncmp(p, cn[i], 3) && (!strcmp(p + 3, "季度") || !strcmp(p + 3, "季")))
				q = i + 1;
	}
	if (!q)
		return BS_E_INVAL;
	snprintf(out, 16, "%04d-Q%c", y % 10000, (char)('0' + q));
	return BS_OK;
}

/* "15", "15%", "7.5%", "-3%" as basis points (1500, 750, -300). */
int import_cell_growth(const char *v, int32_t *bp)
{
	int64_t whole = 0, frac = 0;
	int neg = 0, nd = 0, nf = 0;
	while (*v == ' ')
		v++;
	if (*v == '-')
		neg = 1, v++;
	for (; *v >= '0' && *v <= '9' && nd < 5; v++, nd++)
		whole = whole * 10 + (*v - '0');
	if (!nd)
		return BS_E_INVAL;
	if (*v == '.')
		for (v++; *v >= '0' && *v <= '9' && nf < 2; v++, nf++)
			frac = frac * 10 + (*v - '0');
	if (nf == 1)
		frac *= 10;
	if (!strcmp(v, "%") || !strcmp(v, "％"))
		v += strlen(v);
	if (*v)
		return BS_E_INVAL;
	*bp = (int32_t)((neg ? -1 : 1) * (whole * 100 + frac));
	return BS_OK;
}
