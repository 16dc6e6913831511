/* table.h - text for people: terminal tables padded by display width
 * (a CJK character takes two columns), and CSV for Excel/WPS.
 *
 * Every string written here may come from another device through the
 * server, so nothing is written raw: invalid UTF-8 and control characters
 * are replaced before they reach a terminal, and CSV cells that a
 * spreadsheet would run as a formula are defused. */
#ifndef BS_CLIENT_TABLE_H
#define BS_CLIENT_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Terminal columns of one code point: 2 for the East Asian wide ranges,
 * 1 otherwise. */
unsigned table_cp_width(uint32_t cp);

/* Terminal columns of s as table_cell would show it. */
size_t table_width(const char *s);

/* Write s in exactly `width` columns: cut by display width (ending in
 * ".." when cut), padded with spaces on the right (or on the left if
 * right_align).  Control characters show as a space, invalid bytes as '?'.
 * s may be NULL (empty). */
void table_cell(FILE *f, const char *s, unsigned width, int right_align);

/* Write s whole, sanitised as above; if multiline, newlines are kept and
 * each following line starts with `indent`. */
void table_text(FILE *f, const char *s, int multiline, const char *indent);

/* Write s sanitised as table_text, starting at column start, broken
 * before a character that would pass column width (and at newlines);
 * each following line starts with indent (NULL: none). */
void table_wrap(FILE *f, const char *s, size_t start, size_t width, const char *indent);

/* CSV (RFC 4180): csv_begin writes the UTF-8 byte order mark Excel needs
 * to read UTF-8.  csv_field writes one field, preceded by a comma unless
 * first; fields with a comma, quote, CR or LF are quoted, quotes doubled.
 * For text (not numbers), a leading = + - @ or tab gets a ' so that a
 * spreadsheet shows it instead of evaluating it.  Invalid UTF-8 and
 * control characters other than tab, CR and LF become '?'.  csv_end_row ends the record with CRLF. */
void csv_begin(FILE *f);
void csv_field(FILE *f, const char *s, int first, int text);
void csv_end_row(FILE *f);

#endif
