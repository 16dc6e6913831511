/* import.h - the parts of `baosong import` (client/cli/import*.c). */
#ifndef BS_CLI_IMPORT_H
#define BS_CLI_IMPORT_H

#include <stddef.h>
#include <stdint.h>

enum { IMPORT_ENC_AUTO, IMPORT_ENC_UTF8, IMPORT_ENC_GB18030 };

/* The file at path as UTF-8 CSV text in *text (malloc'd, NUL-terminated):
 * an .xlsx workbook (by its ZIP signature) as its first sheet, else CSV
 * in UTF-8 or GB18030 as enc (IMPORT_ENC_*) says; *enc_used names what
 * was read ("UTF-8 (BOM)", "GB18030", "XLSX").  Explains failures on
 * stderr.  0 or a BS_E_* code. */
int import_read_file(const char *path, int enc, char **text, size_t *tlen,
		     const char **enc_used);

/* ---- values (import_values.c) ---- */

/* A target's period: "2026", "2026年", "2026年度" -> "2026"; "2026-Q2",
 * "2026Q2", "2026年第二季度", "2026年2季度" -> "2026-Q2".  0 or BS_E_INVAL. */
int import_cell_tperiod(const char *v, char out[16]);
/* "15", "15%", "7.5%", "-3%" as basis points (1500, 750, -300).  0 or
 * BS_E_INVAL. */
int import_cell_growth(const char *v, int32_t *bp);
/* `baosong import --help`. */
void import_help(void);

/* ---- unit names (import_units.c) ---- */

struct unit_names;

/* A unit table for matching names as people write them: codes, names,
 * lenient keys (blanks, a leading 县/区/市 and a trailing 人民政府 dropped,
 * so 县交通运输局 = 交通运输局) and an alias table (CSV: 别名,单位代码, one
 * a line) the bureau keeps and hands out.  NULL when out of memory. */
struct unit_names *unit_names_new(void);
void unit_names_free(struct unit_names *u);
/* Add a unit (code, name). 0 or BS_E_NOMEM. */
int unit_names_add(struct unit_names *u, const char *code, const char *name);
/* Read an alias file; a missing file is fine when optional.  Bad lines are
 * explained on stderr and refused (BS_E_INVAL); 0 otherwise. */
int unit_names_aliases(struct unit_names *u, const char *path, int optional);
/* The code of the unit text names (a code, a name, an alias or a lenient
 * match), or NULL; *ambiguous set when several units match leniently. */
const char *unit_names_find(const struct unit_names *u, const char *text, int *ambiguous);
/* Units known. */
size_t unit_names_count(const struct unit_names *u);

#endif
