/* import.h - a table people keep in Excel or WPS -- the plan table
 * 《重点建设项目计划表》, a batch of weekly reports, a target table, or
 * another record kind's table -- read into records on this device, each
 * built and checked exactly as `project add` and `report add` do
 * (records_validate, the rules the server applies).  The one engine
 * behind `baosong import` (client/cli/cmd_import.c) and the 导入 page
 * (client/ui/page_import.c).
 *
 * Conventions:
 *   - Nothing is printed.  Every message for a person goes to the caller's
 *     sink as data (struct import_msg): a refused row with its line, field,
 *     reason, column and cell; a note; a file-level error.  Texts are
 *     Chinese first, then English, and may hold anything the file held:
 *     the front end escapes them for its medium.
 *   - Lines are the physical lines of the file a row starts on (a quoted
 *     cell may span several).
 *   - Errors: 0 (BS_OK) or a negative BS_E_* code (err.h); BS_E_INVAL for a
 *     file or rows people must fix (explained through the sink first).
 *   - All the rows are queued in one local transaction: without partial,
 *     one bad row means nothing is queued; with dry_run nothing ever is. */
#ifndef BS_CORE_IMPORT_H
#define BS_CORE_IMPORT_H

#include <stddef.h>
#include <stdint.h>

struct app;
struct app_server;

enum { IMPORT_ENC_AUTO, IMPORT_ENC_UTF8, IMPORT_ENC_GB18030 };

/* What the table holds: found from its header (IMPORT_DETECT) or chosen. */
enum import_kind { IMPORT_DETECT, IMPORT_PROJECT, IMPORT_WEEKLY, IMPORT_TARGET, IMPORT_OTHER };

/* What a message is. */
enum import_say {
	IMPORT_SAY_ROW,   /* a refused row: line, field, text, column, value */
	IMPORT_SAY_NOTE,  /* something done on the reader's behalf (a column ignored ...) */
	IMPORT_SAY_ERROR, /* the file or the device cannot be imported from/into */
	IMPORT_SAY_MORE   /* more about the message before it */
};

struct import_msg {
	enum import_say what;
	unsigned line;          /* ROW: the line the row starts on; else 0 */
	const char *field;      /* ROW: the field ("total_investment", "csv" ...) */
	const char *text;       /* the message (ROW: the reason) */
	const char *column;     /* ROW: the header of the column at fault, or NULL */
	const char *value;      /* ROW with column: its cell, cut at IMPORT_VALUE_SHOWN
				 * bytes ("..." added), "" when empty */
};

/* What became of one data row. */
enum import_row_state { IMPORT_ROW_GOOD, IMPORT_ROW_SKIPPED, IMPORT_ROW_BAD };

struct import_row {
	unsigned line;
	enum import_row_state state;
	size_t n;               /* cells: one per column of the header (0 for a row
				 * the CSV reader could not read) */
	const char *const *cells; /* trimmed, as in the file */
};

/* Where messages and rows go.  Pointers in them live for the call only. */
struct import_sink {
	void (*say)(void *ctx, const struct import_msg *m); /* required */
	void (*row)(void *ctx, const struct import_row *r); /* NULL: not wanted */
	void *ctx;
};

struct import_opts {
	int enc;                /* IMPORT_ENC_* (a .xlsx workbook is found by itself) */
	enum import_kind kind;
	const char *other_kind; /* IMPORT_OTHER: the record kind (records_kind name) */
	const char *aliases;    /* a unit alias table, else DIR/unit_aliases.csv if any */
	int partial;            /* queue the good rows even if some are bad */
	int dry_run;            /* check every row, queue nothing */
};

struct import_stats {
	unsigned read, good, skipped, bad;
	unsigned updated;       /* targets that replace one already here */
	enum import_kind what;  /* what the table was read as */
	const char *kind;       /* its record kind (REC_KIND_*) */
	const char *enc_used;   /* "UTF-8", "UTF-8 (BOM)", "GB18030", "XLSX" */
	int checked;            /* every row was read and checked */
	int committed;          /* the good rows are queued */
	int stopped;            /* an error ended the import: nothing queued */
};

#define IMPORT_VALUE_SHOWN 60u    /* bytes of a cell quoted in a message */
#define IMPORT_ERRORS_SHOWN 300u  /* rows explained; the rest only counted */

struct import;

/* A new import with options o (copied; the strings must outlive it) and
 * messages to sink (copied).  NULL when out of memory. */
struct import *import_new(const struct import_opts *o, const struct import_sink *sink);
void import_free(struct import *im); /* NULL-safe */

/* The file's bytes (raw, n bytes, at most BS_IMPORT_FILE_MAX) as UTF-8 CSV
 * text: an .xlsx workbook (by its ZIP signature) as its first sheet, read
 * through a private, already unlinked temporary file in tmpdir; else CSV in
 * UTF-8 or GB18030 as the options' enc says.  name is how messages call the
 * file.  Failures are explained through the sink. */
int import_load(struct import *im, const uint8_t *raw, size_t n, const char *name,
		const char *tmpdir);
/* The same from the file at path (an .xlsx workbook read in place). */
int import_load_file(struct import *im, const char *path);

/* Find the header (the first row with more than one cell filled; title
 * rows above it are skipped), decide what the table holds and map its
 * columns to fields.  A header that cannot work is explained. */
int import_header(struct import *im);

/* Check every data row against this device's records (a: its data
 * directory, database open; srv: its unit and role) and queue the good
 * ones in one transaction, unless dry_run, or bad rows without partial.
 * Each refused row is said; each row goes to sink->row if set.  0 when
 * every row was good or skipped, BS_E_INVAL when some were bad, another
 * code when the import stopped (stats->stopped, nothing queued). */
int import_run(struct import *im, struct app *a, const struct app_server *srv);

const struct import_stats *import_stats(const struct import *im);
/* The header's columns: n, then each one's title and whether it is used. */
size_t import_columns(const struct import *im);
const char *import_column(const struct import *im, size_t i, int *used);

/* ---- values (import_values.c) ---- */

/* A target's period: "2026", "2026年", "2026年度" -> "2026"; "2026-Q2",
 * "2026Q2", "2026年第二季度", "2026年2季度" -> "2026-Q2".  0 or BS_E_INVAL. */
int import_cell_tperiod(const char *v, char out[16]);
/* "15", "15%", "7.5%", "-3%" as basis points (1500, 750, -300).  0 or
 * BS_E_INVAL. */
int import_cell_growth(const char *v, int32_t *bp);

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
 * explained through sink and refused (BS_E_INVAL); 0 otherwise. */
int unit_names_aliases(struct unit_names *u, const char *path, int optional,
		       const struct import_sink *sink);
/* The code of the unit text names (a code, a name, an alias or a lenient
 * match), or NULL; *ambiguous set when several units match leniently. */
const char *unit_names_find(const struct unit_names *u, const char *text, int *ambiguous);
/* Units known. */
size_t unit_names_count(const struct unit_names *u);

/* Say one message (what, line 0) to sink: printf-style text. */
void import_say(const struct import_sink *sink, enum import_say what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
