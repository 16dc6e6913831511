/* xlsx.h - the first worksheet of an Excel workbook (.xlsx, as Excel and
 * WPS save it) as CSV text, so that `baosong import` reads a plan table as
 * it was saved, without "save as CSV".
 *
 * The workbook is a ZIP archive (read with minizip) of XML parts (parsed
 * with expat): xl/workbook.xml names the sheets, its relationships say
 * which part holds the first, xl/sharedStrings.xml holds the text cells,
 * xl/styles.xml says which number formats are dates.  The result is UTF-8
 * CSV (RFC 4180, CRLF line ends), one record per worksheet row from row 1,
 * empty rows kept as empty records so that the Nth record is row N (a cell
 * with a line break aside).  Cells: shared and inline strings as text;
 * numbers as Excel shows them (at most 15 significant digits); numbers in a
 * date format as YYYY-MM-DD (the 1900 and 1904 date systems); TRUE/FALSE;
 * formula cells by their cached value.
 *
 * Everything in the file is hostile: every part is limited in size before
 * it is read (the archive's sizes are not trusted either), cells and rows
 * are bounded, and a malformed part is an error with a message. */
#ifndef BS_CLIENT_XLSX_H
#define BS_CLIENT_XLSX_H

#include <stddef.h>

#define XLSX_PART_MAX (64u * 1024u * 1024u)  /* bytes of one XML part, uncompressed */
#define XLSX_COLS_MAX 1024u                  /* columns read (A .. AMJ) */
#define XLSX_ROWS_MAX 1048576u               /* Excel's own limit */

/* Whether the first bytes of a file (n >= 4) are a ZIP archive's. */
int xlsx_magic(const unsigned char *head, size_t n);

/* Read the first worksheet of the workbook at path into *csv (malloc'd,
 * NUL-terminated, *len bytes without the NUL), at most max bytes of CSV.
 * 0; or BS_E_NOTFOUND (no such file), BS_E_INVAL (not a workbook, or a
 * part is malformed), BS_E_TOOBIG (a part or the result over its limit),
 * BS_E_NOMEM, BS_E_IO -- with a message (Chinese, then English) in err. */
int xlsx_to_csv(const char *path, size_t max, char **csv, size_t *len, char *err,
		size_t errcap);

/* Where xlsx_parts_to_csv gets a part ("xl/workbook.xml", ...): the part's
 * bytes into *out (malloc'd; the caller frees it) and *len, at most
 * XLSX_PART_MAX of them; BS_E_NOTFOUND (no message) when there is no such
 * part, another error with a message in err. */
typedef int (*xlsx_part_fn)(void *ctx, const char *name, char **out, size_t *len, char *err,
			    size_t errcap);

/* What xlsx_to_csv does once the archive is open, with the parts from get
 * (on ctx); path only names the workbook in messages.  Same results as
 * xlsx_to_csv.  The tests and the fuzz target give the XML parts from
 * memory. */
int xlsx_parts_to_csv(xlsx_part_fn get, void *ctx, const char *path, size_t max, char **csv,
		      size_t *len, char *err, size_t errcap);

#endif
