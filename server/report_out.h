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
	const char *unit_name;     /* the owning unit (the one that reports it) */
	const char *lead_name;     /* the project's 牵头单位 (lead_unit) by name, NULL: as coded */
	int64_t ytd_fen;           /* 本年累计完成投资 from the latest report, or -1 */
	const char *ytd_period;    /* the report's period, or NULL */
};

/* The ranking of p as CSV: a UTF-8 BOM, a header row, one row per unit in
 * the publication's order, CRLF line ends, RFC 4180 quoting; a text cell
 * that a spreadsheet would take for a formula (= + - @ first) gets a
 * leading apostrophe, numbers ("-12.50%") never do.  Percentages and scores
 * have two decimals, money is 万元 (money_format_wan), "—" is not
 * applicable.  Flushes f but leaves it open.  0, BS_E_INVAL (f or p NULL),
 * BS_E_NOMEM or BS_E_IO. */
int report_csv(FILE *f, const Baosong__V1__Publication *p, const Baosong__V1__AssessInputs *in);

/* An .xlsx at path (refuses to overwrite unless overwrite) with one sheet
 * per publication ("2026年4月通报", "2026年第1季度评比"; a repeated name gets
 * "（2）"), each with a 全县 row of SUM formulas (completion = the sums'
 * ratio), and, when plan is not NULL or n is 0, the plan table
 * "重点建设项目计划表" of plan_year in a stable order (reporting unit, then
 * project code, name, id) with 牵头单位 from the project's lead unit, dates
 * as date cells and a totals row of SUM formulas.  Numbers are numbers
 * (万元 "0.00", rates "0.00%"); a number that does not apply is a blank
 * cell, never text.  Written to a temporary file in the same
 * directory and renamed into place: a failure leaves nothing behind.  0,
 * BS_E_INVAL, BS_E_CONFLICT (path exists and overwrite is 0), BS_E_NOMEM or
 * BS_E_IO (any other libxlsxwriter or file system failure). */
int report_xlsx(const char *path, int overwrite, const Baosong__V1__Publication *const *pubs,
		const Baosong__V1__AssessInputs *const *ins, size_t n,
		const struct plan_row *plan, size_t n_plan, int plan_year);

/* A self-contained HTML page at path (UTF-8, no script, no URL; county_name
 * may be NULL) with every publication: its facts, its table (the CSV's
 * columns) and inline SVG charts whose height grows with the units, with
 * ids "chart-completion-<k>", "chart-ranking-<k>", "chart-reports-<k>" for
 * the k-th publication (from 1): completion against target with the
 * time-elapsed line (时序进度), the ranking bars (total score for a quarter
 * or a year, completion for a month or a week; ties marked), and late and
 * missing reports per unit (only when ins[k-1] is there).  Same file rules
 * and codes as report_xlsx. */
int report_html(const char *path, int overwrite, const Baosong__V1__Publication *const *pubs,
		const Baosong__V1__AssessInputs *const *ins, size_t n, const char *county_name);

#endif
