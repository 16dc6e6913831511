/* report_out.h - the forms people read: CSV (UTF-8 with a BOM so Excel and
 * WPS show Chinese), XLSX (libxlsxwriter: each ranking and the plan table
 * 《重点建设项目计划表》) and one self-contained HTML page with SVG charts
 * (no script, no network).
 *
 * A publication comes with the inputs it was computed from (unit names,
 * targets, late and missing reports).  pubs[i] and ins[i] belong together;
 * ins[i] may be NULL (then names fall back to unit codes and the charts that
 * need inputs are left out). */
#ifndef BS_REPORT_OUT_H
#define BS_REPORT_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "baosong.pb-c.h"

/* One row of the plan table. */
struct plan_row {
	const Baosong__V1__Project *p;
	const char *uid;
	const char *unit_name;     /* the owning unit (牵头单位) */
	int64_t ytd_fen;           /* 本年累计完成投资 from the latest report, or -1 */
	const char *ytd_period;    /* the report's period, or NULL */
};

/* The ranking of p as CSV: a BOM, a header row, one row per unit. */
int report_csv(FILE *f, const Baosong__V1__Publication *p, const Baosong__V1__AssessInputs *in);

/* An .xlsx at path (refuses to overwrite unless overwrite) with one sheet
 * per publication and, when plan is not NULL, the plan table.  0 or a
 * BS_E_* code (BS_E_CONFLICT if the file exists and overwrite is 0, BS_E_IO). */
int report_xlsx(const char *path, int overwrite, const Baosong__V1__Publication *const *pubs,
		const Baosong__V1__AssessInputs *const *ins, size_t n,
		const struct plan_row *plan, size_t n_plan, int plan_year);

/* A self-contained HTML page at path with every publication: its table and
 * SVG charts (completion against target with the time-elapsed line,
 * ranking bars, late and missing reports per unit). */
int report_html(const char *path, int overwrite, const Baosong__V1__Publication *const *pubs,
		const Baosong__V1__AssessInputs *const *ins, size_t n, const char *county_name);

#endif
