/* csv.h - a small RFC 4180 reader for the spreadsheets people import
 * (Excel and WPS "save as CSV").
 *
 * Input is one buffer of UTF-8 (already converted from GB18030 if need
 * be); a UTF-8 byte order mark at its start is skipped.  Records end in
 * CRLF, LF or a lone CR; fields are separated by commas; a field in double
 * quotes may hold commas, quotes written "" and line breaks (kept as they
 * are).  A last line without a line break is a record; an empty line is a
 * record of one empty field (the caller decides what a blank row means).
 *
 * Malformed quoting in one record -- a quote inside an unquoted field,
 * text after a closing quote -- is reported for that record, which is
 * then skipped, and reading goes on.  A quote left open at the end of the
 * input, a NUL byte, or more records than the limit end the reading. */
#ifndef BS_CLIENT_CSV_H
#define BS_CLIENT_CSV_H

#include <stddef.h>

struct csv_limits {
	size_t field_max;          /* bytes of one field */
	size_t cols_max;           /* fields of one record */
	size_t rows_max;           /* records, blank ones included */
};

struct csv_error {
	unsigned line;             /* physical line (from 1) where the record starts */
	unsigned col;              /* field (from 1) at fault, 0 if none in particular */
	int fatal;                 /* no more records can be read */
	char msg[200];             /* Chinese, then English */
};

/* One record.  cells[i] is NUL-terminated and writable in place (up to
 * lens[i] bytes); everything is valid until the next csv_next or
 * csv_reader_free. */
struct csv_row {
	unsigned line;             /* physical line (from 1) where the record starts */
	unsigned end_line;         /* physical line where it ends */
	size_t n;                  /* fields, at least 1 */
	char **cells;
	size_t *lens;
};

struct csv_reader;

/* A reader over data[0..len).  data must stay valid and unchanged while
 * the reader is used; lim is copied.  0 or BS_E_NOMEM. */
int csv_reader_new(const char *data, size_t len, const struct csv_limits *lim,
		   struct csv_reader **out);
void csv_reader_free(struct csv_reader *r);

/* The next record: 1 with *row filled, 0 at the end of the input, or
 * BS_E_INVAL (malformed) / BS_E_TOOBIG (over a limit) / BS_E_NOMEM with
 * *err filled.  After an error that is not err->fatal the bad record has
 * been skipped and csv_next may be called again; after a fatal one it
 * returns the same error again. */
int csv_next(struct csv_reader *r, struct csv_row *row, struct csv_error *err);

#endif
