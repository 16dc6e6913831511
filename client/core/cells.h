/* cells.h - values as people type them into Excel and WPS cells, read
 * leniently but never guessed: dates in the usual Chinese spellings, ISO
 * weeks, amounts in 万元 with thousands separators, project stages in
 * Chinese or English, and header texts compared loosely.  For `baosong
 * import`.
 *
 * Functions that take a char * change it in place (it only gets shorter).
 * Errors are BS_E_* codes; nothing is printed. */
#ifndef BS_CLIENT_CELLS_H
#define BS_CLIENT_CELLS_H

#include <stddef.h>
#include <stdint.h>

/* s without leading and trailing white space (ASCII, no-break space,
 * ideographic space U+3000): a pointer into s, cut in place. */
char *cell_trim(char *s);

/* Whether s ends with suffix; if so it is cut off. */
int cell_cut_suffix(char *s, const char *suffix);

/* Text compared loosely (headers, keywords): white space dropped,
 * full-width （）％ as ( ) %, ASCII letters in lower case, '-' as '_'.  out
 * holds cap bytes; what does not fit is cut. */
void cell_norm(const char *in, char *out, size_t cap);

/* A date: 2026-03-01, 2026/3/1, 2026.03.01, 2026年3月1日 (号 for 日),
 * 20260301, or a month alone (2026-03, 2026/3, 2026年3月) meaning its 1st;
 * a time after a space ("2026/3/1 0:00", as Excel writes) is ignored.
 * Days since 1970-01-01 in *days.  BS_E_INVAL if it is none of these
 * spellings, BS_E_NOTFOUND if it is but the day does not exist
 * (2026-02-30). */
int cell_date(const char *s, int64_t *days);

/* An ISO week: 2026-W47, 2026W47, 2026-w7, 2026年第47周, or any date
 * cell_date reads, meaning the week that contains it.  out receives the
 * canonical "2026-W47".  0 or BS_E_INVAL. */
int cell_week(const char *s, char out[9]);

/* A project stage (the protocol's ProjectStage): 谋划储备 前期 新开工 续建
 * 竣工 投产/运营 停缓建, a few common variants (储备, 投产, 运营, 停建 ...),
 * or the English names (new_start ...).  0 or BS_E_INVAL. */
int cell_stage(const char *s, int *stage);

/* An amount in 万元 as integer fen: "12500", "12,500.00", "12500万元"
 * (or 万).
 * BS_E_UNSUPPORTED if it names another unit (元, 亿元), BS_E_INVAL if it
 * is not an amount (see money_parse_wan; a '-' is read, validation refuses
 * it). */
int cell_money(const char *s, int64_t *fen);

/* A whole number, optionally followed by %/％ (percent) or 年 (year).
 * 0 or BS_E_INVAL. */
int cell_uint(const char *s, uint32_t *v);

/* s without the ' a spreadsheet needs before text starting with = + - @
 * or tab to show it rather than run it (as `baosong ... --csv` writes). */
const char *cell_undefuse(const char *s);

/* CRLF and lone CR as LF, in place. */
void cell_unix_newlines(char *s);

#endif
