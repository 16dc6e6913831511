/* report_int.h - what the writers of report_out.h share (report_out.c:
 * text, numbers, a publication with its inputs, the ranking's columns,
 * files; report_csv in report_out.c, report_xlsx.c, report_html.c). */
#ifndef BS_REPORT_INT_H
#define BS_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "baosong.pb-c.h"
#include "money.h"

__extension__ typedef __int128 i128;

typedef Baosong__V1__Publication Publication;
typedef Baosong__V1__AssessInputs AssessInputs;
typedef Baosong__V1__UnitInput UnitInput;
typedef Baosong__V1__UnitResult UnitResult;
typedef Baosong__V1__Project Project;

#define S(x) ((x) ? (x) : "")
#define NA "—"                  /* not applicable */
#define NO_TARGET "未下达"
#define UNRANKED "不参与排名"
#define CELL_MAX 1024           /* one formatted cell; the flags are the longest */
#define BP_FULL 10000
#define FEN_500WAN (500LL * FEN_PER_WAN)
#define XLSX_TEXT_MAX 32000     /* bytes; Excel holds 32767 characters in a cell */
#define SHEET_CAP 128           /* 31 characters of UTF-8 and a NUL */
#define SHEET_CHARS 31          /* Excel's limit, in UTF-16 units */
#define PLAN_SHEET "重点建设项目计划表"
#define DIGEST_SHORT 8          /* bytes of the digest shown (16 hex digits) */

struct view {
	const Publication *p;
	const AssessInputs *in;       /* may be NULL */
	const UnitInput **idx;        /* in's units sorted by code */
	size_t n_idx;
	int64_t elapsed_bp;           /* share of the year gone at the period's end, or -1 */
	char period[64];              /* "2026年4月" */
	char name[96];                /* "2026年4月通报": the sheet's and a missing title */
};

enum col {
	COL_RANK, COL_CODE, COL_NAME, COL_TOTAL, COL_GRADE, COL_COMPLETION, COL_YTD,
	COL_TARGET, COL_GROWTH, COL_ATTR, COL_ATTR_GROWTH, COL_ADJUST, COL_SCORE, COL_DUE, COL_LATE, COL_MISSING, COL_FLAGS,
	COL_EXPLAIN
};
#define COLS_BEFORE 12u          /* columns before the scores of the indicators */
#define COLS_AFTER 5u

struct out {
	FILE *f;
	int err;
};

char *ro_text_clean(const char *s);
void ro_text_cut(char *s, size_t cap, size_t max_chars, size_t max_bytes);
size_t ro_utf16_len(const char *s);
void ro_utf16_cut(char *s, size_t max);
void ro_fmt_c2(int64_t v, char *out, size_t cap);
void ro_fmt_pct(int64_t bp, char *out, size_t cap);
void ro_fmt_time(int64_t ms, char *out, size_t cap);
void ro_fmt_digest(const ProtobufCBinaryData *d, int full, char *out, size_t cap);
int ro_view_init(struct view *v, const Publication *p, const AssessInputs *in);
void ro_view_free(struct view *v);
const UnitInput *ro_view_input(const struct view *v, const UnitResult *r);
const char *ro_view_name(const struct view *v, const UnitResult *r);
int ro_view_has_target(const struct view *v, const UnitResult *r);
const char *ro_view_title(const struct view *v);
size_t ro_col_count(const Publication *p);
enum col ro_col_kind(const Publication *p, size_t c, size_t *ind);
int ro_col_numeric(const Publication *p, size_t c);
const char *ro_col_head(const Publication *p, size_t c, char *buf, size_t cap);
const char *ro_cell_text(const struct view *v, const UnitResult *r, size_t c, char *buf,
			     size_t cap);
void ro_out_fail(struct out *o, int err);
void ro_out_bytes(struct out *o, const void *p, size_t n);
void ro_out_str(struct out *o, const char *s);
void ro_out_fmt(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ro_tmp_open(const char *path, int overwrite, char **tmp_out, int *fd_out);
int ro_tmp_commit(const char *tmp, const char *path, int overwrite);
int ro_file_sync(const char *name);

/* The flags of r in Chinese, "；" between them; a bottom rule's consequence
 * (UnitResult.bottom) stands for the bottom flag's label. */
void ro_fmt_flags(const UnitResult *r, char *out, size_t cap);

#endif
