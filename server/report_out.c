/* report_out.c - the forms people read: a ranking as CSV, the rankings and
 * the plan table as XLSX (libxlsxwriter), all of them on one self-contained
 * HTML page with inline SVG charts.
 *
 * Numbers stay integers until the last moment: text is formatted from fen,
 * basis points and centi-points with integer arithmetic (money.h for 万元);
 * a spreadsheet cell gets a double made by one division of the integer,
 * which IEEE arithmetic rounds correctly.  Text from records is cleaned
 * (invalid UTF-8 becomes U+FFFD, control characters spaces) and escaped for
 * its format.  Files are written under a temporary name in the target's
 * directory, synced, then renamed into place (hard-linked when overwriting
 * is not allowed, so a file that appeared meanwhile is not replaced): a
 * failure leaves nothing half-made. */
#include "report_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "assess.h"
#include "err.h"
#include "money.h"
#include "period.h"
#include "records.h"

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

/* ---- text ---- */

/* Length of the valid UTF-8 sequence at s (n bytes there) and its code
 * point in *cp, or 0 for an invalid one (bad lead or continuation byte,
 * overlong, surrogate, above U+10FFFF, cut short). */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2;
		c = s[0] & 0x1Fu;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3;
		c = s[0] & 0x0Fu;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		c = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3Fu);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* s as valid UTF-8 that XML and HTML accept: a bad byte becomes U+FFFD, a
 * control character (tab and line breaks kept) a space, U+FFFE/U+FFFF
 * U+FFFD.  malloc'd; NULL when out of memory. */
static char *text_clean(const char *s)
{
	const unsigned char *u = (const unsigned char *)S(s);
	size_t n = strlen((const char *)u), i = 0, o = 0;
	char *out;

	if (n > (SIZE_MAX - 1) / 3)
		return NULL;
	if (!(out = malloc(n * 3 + 1)))         /* one bad byte grows to three */
		return NULL;
	while (i < n) {
		uint32_t cp = 0;
		size_t len = utf8_next(u + i, n - i, &cp);
		if (len == 0 || cp == 0xFFFE || cp == 0xFFFF) {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i += len ? len : 1;
		} else if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
			   (cp >= 0x7F && cp <= 0x9F)) {
			out[o++] = ' ';
			i += len;
		} else {
			memcpy(out + o, u + i, len);
			o += len;
			i += len;
		}
	}
	out[o] = '\0';
	return out;
}

/* Cut valid UTF-8 s (in a buffer of cap bytes) to at most max_chars
 * characters and max_bytes bytes, the last of them "…" when anything was
 * cut (max_chars >= 1). */
static void text_cut(char *s, size_t cap, size_t max_chars, size_t max_bytes)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, chars = 0, keep = 0;
	uint32_t cp;

	while (i < n) {
		size_t len = utf8_next(u + i, n - i, &cp);
		if (len == 0)
			len = 1;
		if (chars + 1 < max_chars && i + len + strlen("…") <= max_bytes)
			keep = i + len;         /* may stay, with "…" after it */
		chars++;
		i += len;
	}
	if (chars <= max_chars && n <= max_bytes)
		return;
	while (keep > 0 && keep + sizeof "…" > cap)
		do
			keep--;
		while (keep > 0 && (u[keep] & 0xC0) == 0x80);
	if (keep + sizeof "…" <= cap)
		memcpy(s + keep, "…", sizeof "…");
	else
		s[0] = '\0';
}

/* Length of valid UTF-8 s in UTF-16 units (what Excel counts). */
static size_t utf16_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, units = 0;
	uint32_t cp;

	while (i < n) {
		size_t len = utf8_next(u + i, n - i, &cp);
		units += len == 4 ? 2 : 1;
		i += len ? len : 1;
	}
	return units;
}

/* Cut valid UTF-8 s in place to at most max UTF-16 units. */
static void utf16_cut(char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, units = 0;
	uint32_t cp;

	while (i < n) {
		size_t len = utf8_next(u + i, n - i, &cp);
		size_t w = len == 4 ? 2 : 1;
		if (units + w > max)
			break;
		units += w;
		i += len ? len : 1;
	}
	s[i] = '\0';
}

/* v / 100 with two decimals: "24.04", "-12.50" (basis points as percent,
 * centi-points as points). */
static void fmt_c2(int64_t v, char *out, size_t cap)
{
	uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	snprintf(out, cap, "%s%llu.%02llu", v < 0 ? "-" : "", (unsigned long long)(a / 100),
		 (unsigned long long)(a % 100));
}

static void fmt_pct(int64_t bp, char *out, size_t cap)
{
	char t[32];
	fmt_c2(bp, t, sizeof t);
	snprintf(out, cap, "%s%%", t);
}

/* An instant as Shanghai local time "2026-05-06 09:30", or NA for 0. */
static void fmt_time(int64_t ms, char *out, size_t cap)
{
	int64_t days, min;
	char date[11];

	if (ms <= 0) {
		snprintf(out, cap, "%s", NA);
		return;
	}
	days = period_local_days(ms);
	min = (ms + SHANGHAI_OFFSET_MS - days * DAY_MS) / 60000;
	period_format_date(days, date);
	snprintf(out, cap, "%s %02d:%02d", date, (int)(min / 60), (int)(min % 60));
}

/* The first DIGEST_SHORT bytes of d as hex and "…" ("" for none); with
 * full set, every byte. */
static void fmt_digest(const ProtobufCBinaryData *d, int full, char *out, size_t cap)
{
	size_t i, n = full || d->len <= DIGEST_SHORT ? d->len : DIGEST_SHORT, o = 0;

	out[0] = '\0';
	for (i = 0; i < n && o + 3 <= cap; i++, o += 2)
		snprintf(out + o, cap - o, "%02x", d->data[i]);
	if (n < d->len && o + sizeof "…" <= cap)
		memcpy(out + o, "…", sizeof "…");
}

/* The flags as their labels joined by "；", "" for none. */
static void fmt_flags(uint32_t flags, char *out, size_t cap)
{
	size_t o = 0;
	unsigned bit;

	out[0] = '\0';
	for (bit = 0; bit < 32; bit++) {
		char unknown[32];
		const char *l;
		size_t need;
		if (!(flags & (1u << bit)))
			continue;
		if (!(l = assess_flag_label(bit))) {
			snprintf(unknown, sizeof unknown, "标记%u", bit);
			l = unknown;
		}
		need = (o ? strlen("；") : 0) + strlen(l);
		if (o + need >= cap)
			break;
		o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? "；" : "", l);
	}
}

/* "3", "3（并列）" or UNRANKED. */
static void fmt_rank(const UnitResult *r, char *out, size_t cap)
{
	if (r->rank == 0)
		snprintf(out, cap, "%s", UNRANKED);
	else if (r->tied > 1)
		snprintf(out, cap, "%u（并列）", r->rank);
	else
		snprintf(out, cap, "%u", r->rank);
}

/* ---- a publication with its inputs ---- */

struct view {
	const Publication *p;
	const AssessInputs *in;       /* may be NULL */
	const UnitInput **idx;        /* in's units sorted by code */
	size_t n_idx;
	int64_t elapsed_bp;           /* share of the year gone at the period's end, or -1 */
	char period[64];              /* "2026年4月" */
	char name[96];                /* "2026年4月通报": the sheet's and a missing title */
};

static int cmp_input(const void *a, const void *b)
{
	const UnitInput *const *x = a, *const *y = b;
	return strcmp(S((*x)->unit_code), S((*y)->unit_code));
}

/* The period for people, its usual name and the time-elapsed share of the
 * year (month M: M/12, quarter Q: Q/4, year: all, ISO week W: W/52). */
static void view_period(struct view *v)
{
	const Publication *p = v->p;
	const char *per = S(p->period), *w;
	struct assess_span sp;
	int week;

	v->elapsed_bp = -1;
	if (assess_span_parse((int)p->scope, per, &sp) != BS_OK) {
		snprintf(v->period, sizeof v->period, "%s", per);
		snprintf(v->name, sizeof v->name, "%s%s", per, assess_scope_label((int)p->scope));
		return;
	}
	switch (p->scope) {
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_WEEK:
		w = strchr(per, 'W');
		week = w ? atoi(w + 1) : 0;
		snprintf(v->period, sizeof v->period, "%d年第%d周", atoi(per), week);
		snprintf(v->name, sizeof v->name, "%s通报", v->period);
		v->elapsed_bp = week >= 52 ? BP_FULL : assess_ratio_bp(week, 52);
		break;
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH:
		snprintf(v->period, sizeof v->period, "%d年%d月", sp.year, sp.month);
		snprintf(v->name, sizeof v->name, "%s通报", v->period);
		v->elapsed_bp = assess_ratio_bp(sp.month, 12);
		break;
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER:
		snprintf(v->period, sizeof v->period, "%d年第%d季度", sp.year, sp.quarter);
		snprintf(v->name, sizeof v->name, "%s评比", v->period);
		v->elapsed_bp = assess_ratio_bp(sp.quarter, 4);
		break;
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR:
		snprintf(v->period, sizeof v->period, "%d年度", sp.year);
		snprintf(v->name, sizeof v->name, "%s考核", v->period);
		v->elapsed_bp = BP_FULL;
		break;
	default:
		snprintf(v->period, sizeof v->period, "%s", per);
		snprintf(v->name, sizeof v->name, "%s%s", per, assess_scope_label((int)p->scope));
		break;
	}
}

/* 0 or BS_E_NOMEM; release with view_free either way. */
static int view_init(struct view *v, const Publication *p, const AssessInputs *in)
{
	size_t i;

	memset(v, 0, sizeof *v);
	v->p = p;
	v->in = in;
	view_period(v);
	if (!in || in->n_units == 0)
		return BS_OK;
	if (!(v->idx = malloc(in->n_units * sizeof *v->idx)))
		return BS_E_NOMEM;
	for (i = 0; i < in->n_units; i++)
		if (in->units[i])
			v->idx[v->n_idx++] = in->units[i];
	qsort(v->idx, v->n_idx, sizeof *v->idx, cmp_input);
	return BS_OK;
}

static void view_free(struct view *v)
{
	free(v->idx);
	v->idx = NULL;
}

static const UnitInput *view_input(const struct view *v, const UnitResult *r)
{
	const char *code = S(r->unit_code);
	size_t lo = 0, hi = v->n_idx;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(code, S(v->idx[mid]->unit_code));
		if (c == 0)
			return v->idx[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static const char *view_name(const struct view *v, const UnitResult *r)
{
	const UnitInput *u = view_input(v, r);
	return u && u->unit_name && *u->unit_name ? u->unit_name : S(r->unit_code);
}

/* Whether the unit was given an investment target. */
static int view_has_target(const struct view *v, const UnitResult *r)
{
	const UnitInput *u = view_input(v, r);
	if (u)
		return u->has_fai_target;
	return r->has_completion || r->fai_target_fen > 0;
}

static const char *view_title(const struct view *v)
{
	return v->p->title && *v->p->title ? v->p->title : v->name;
}

/* ---- the ranking's columns (CSV, XLSX and HTML alike) ---- */

enum col {
	COL_RANK, COL_CODE, COL_NAME, COL_TOTAL, COL_GRADE, COL_COMPLETION, COL_YTD,
	COL_TARGET, COL_GROWTH, COL_SCORE, COL_DUE, COL_LATE, COL_MISSING, COL_FLAGS,
	COL_EXPLAIN
};
#define COLS_BEFORE 9u          /* columns before the scores of the indicators */
#define COLS_AFTER 5u

static const char *const heads_before[COLS_BEFORE] = {
	"排名", "单位代码", "单位名称", "总分", "等级", "投资完成率",
	"本年累计完成投资(万元)", "目标(万元)", "同比增速",
};
static const char *const heads_after[COLS_AFTER] = {"应报", "迟报", "缺报", "标记", "说明"};

static size_t col_count(const Publication *p)
{
	return COLS_BEFORE + p->n_indicators + COLS_AFTER;
}

/* The kind of column c and, for a score, the indicator's index in *ind. */
static enum col col_kind(const Publication *p, size_t c, size_t *ind)
{
	*ind = 0;
	if (c < COLS_BEFORE)
		return (enum col)c;
	if (c - COLS_BEFORE < p->n_indicators) {
		*ind = c - COLS_BEFORE;
		return COL_SCORE;
	}
	return (enum col)(COL_DUE + (c - COLS_BEFORE - p->n_indicators));
}

/* Whether column c holds numbers (right-aligned, never guarded in CSV). */
static int col_numeric(const Publication *p, size_t c)
{
	size_t ind;
	switch (col_kind(p, c, &ind)) {
	case COL_TOTAL: case COL_COMPLETION: case COL_YTD: case COL_TARGET: case COL_GROWTH:
	case COL_SCORE: case COL_DUE: case COL_LATE: case COL_MISSING:
		return 1;
	default:
		return 0;
	}
}

/* The header of column c (in buf for a score's "<label>得分"). */
static const char *col_head(const Publication *p, size_t c, char *buf, size_t cap)
{
	size_t ind;
	const Baosong__V1__Indicator *it;

	if (c < COLS_BEFORE)
		return heads_before[c];
	if (col_kind(p, c, &ind) != COL_SCORE)
		return heads_after[c - COLS_BEFORE - p->n_indicators];
	it = p->indicators[ind];
	snprintf(buf, cap, "%s得分", it && it->label && *it->label ? it->label
			: it ? S(it->code) : "");
	return buf;
}

/* Column c of unit r as text, in buf or in the messages (cap >= 32). */
static const char *cell_text(const struct view *v, const UnitResult *r, size_t c, char *buf,
			     size_t cap)
{
	size_t ind;

	buf[0] = '\0';
	switch (col_kind(v->p, c, &ind)) {
	case COL_RANK:
		fmt_rank(r, buf, cap);
		break;
	case COL_CODE:
		return S(r->unit_code);
	case COL_NAME:
		return view_name(v, r);
	case COL_TOTAL:
		if (!r->has_total)
			return NA;
		fmt_c2(r->total_c, buf, cap);
		break;
	case COL_GRADE:
		return r->grade && *r->grade ? r->grade : NA;
	case COL_COMPLETION:
		if (!r->has_completion)
			return NA;
		fmt_pct(r->completion_bp, buf, cap);
		break;
	case COL_YTD:
		money_format_wan(r->fai_ytd_fen, buf, cap);
		break;
	case COL_TARGET:
		if (!view_has_target(v, r))
			return NO_TARGET;
		money_format_wan(r->fai_target_fen, buf, cap);
		break;
	case COL_GROWTH:
		if (!r->has_growth)
			return NA;
		fmt_pct(r->growth_bp, buf, cap);
		break;
	case COL_SCORE:
		if (ind >= r->n_scores_c || r->scores_c[ind] < 0)
			return NA;
		fmt_c2(r->scores_c[ind], buf, cap);
		break;
	case COL_DUE:
		snprintf(buf, cap, "%u", r->reports_due);
		break;
	case COL_LATE:
		snprintf(buf, cap, "%u", r->reports_late);
		break;
	case COL_MISSING:
		snprintf(buf, cap, "%u", r->reports_missing);
		break;
	case COL_FLAGS:
		fmt_flags(r->flags, buf, cap);
		break;
	case COL_EXPLAIN:
		return S(r->explain);
	}
	return buf;
}

/* ---- writing to a FILE, the first error kept ---- */

struct out {
	FILE *f;
	int err;
};

static void out_fail(struct out *o, int err)
{
	if (!o->err)
		o->err = err;
}

static void out_bytes(struct out *o, const void *p, size_t n)
{
	if (o->err || n == 0)
		return;
	if (fwrite(p, 1, n, o->f) != n)
		out_fail(o, BS_E_IO);
}

static void out_str(struct out *o, const char *s)
{
	out_bytes(o, s, strlen(s));
}

static void out_fmt(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_fmt(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->err)
		return;
	va_start(ap, fmt);
	if (vfprintf(o->f, fmt, ap) < 0)
		out_fail(o, BS_E_IO);
	va_end(ap);
}

/* ---- CSV ---- */

/* One field: cleaned, a text that a spreadsheet would take for a formula
 * (= + - @ tab CR first) behind an apostrophe, quoted when it holds a
 * comma, a quote or a line break (RFC 4180, quotes doubled). */
static void csv_field(struct out *o, const char *s, int text)
{
	char *c = text_clean(s);
	const char *q, *span;
	int quote;

	if (!c) {
		out_fail(o, BS_E_NOMEM);
		return;
	}
	quote = strpbrk(c, ",\"\r\n") != NULL;
	if (quote)
		out_bytes(o, "\"", 1);
	if (text && c[0] && strchr("=+-@\t\r", c[0]))
		out_bytes(o, "'", 1);
	for (q = span = c; *q; q++) {
		if (*q != '"')
			continue;
		out_bytes(o, span, (size_t)(q - span) + 1);
		span = q;                       /* the quote again: doubled */
	}
	out_bytes(o, span, (size_t)(q - span));
	if (quote)
		out_bytes(o, "\"", 1);
	free(c);
}

int report_csv(FILE *f, const Publication *p, const AssessInputs *in)
{
	struct out o = {f, BS_OK};
	struct view v;
	char buf[CELL_MAX];
	size_t i, c, ncol;

	if (!f || !p)
		return BS_E_INVAL;
	if ((o.err = view_init(&v, p, in)) != BS_OK)
		goto out;
	ncol = col_count(p);
	out_bytes(&o, "\xEF\xBB\xBF", 3);
	for (c = 0; c < ncol; c++) {
		if (c)
			out_bytes(&o, ",", 1);
		csv_field(&o, col_head(p, c, buf, sizeof buf), 1);
	}
	out_bytes(&o, "\r\n", 2);
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		if (!r)
			continue;
		for (c = 0; c < ncol; c++) {
			if (c)
				out_bytes(&o, ",", 1);
			csv_field(&o, cell_text(&v, r, c, buf, sizeof buf), !col_numeric(p, c));
		}
		out_bytes(&o, "\r\n", 2);
	}
	if (!o.err && (fflush(f) != 0 || ferror(f)))
		o.err = BS_E_IO;
out:
	view_free(&v);
	return o.err;
}

/* ---- files: a temporary name, then into place ---- */

/* Refuse an existing path unless overwrite, then create a new empty file
 * next to it ("<path>.<pid>-<n>.tmp", mode 0666 less the umask) open for
 * writing.  0, BS_E_CONFLICT, BS_E_NOMEM or BS_E_IO. */
static int tmp_open(const char *path, int overwrite, char **tmp_out, int *fd_out)
{
	static atomic_uint counter;
	struct stat st;
	size_t cap = strlen(path) + 48;
	char *tmp;
	int tries, fd = -1;

	if (!overwrite && lstat(path, &st) == 0)
		return BS_E_CONFLICT;
	if (!(tmp = malloc(cap)))
		return BS_E_NOMEM;
	for (tries = 0; tries < 100; tries++) {
		snprintf(tmp, cap, "%s.%ld-%u.tmp", path, (long)getpid(),
			 atomic_fetch_add(&counter, 1u));
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		free(tmp);
		return BS_E_IO;
	}
	*tmp_out = tmp;
	*fd_out = fd;
	return BS_OK;
}

/* Sync the directory holding path (best effort: some file systems cannot). */
static void dir_sync(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		(void)close(fd);
	}
	free(dir);
}

/* Put the complete, synced file tmp at path: rename when overwrite, else
 * link (which fails on an existing path) and remove tmp.  tmp is gone
 * afterwards in every case.  0, BS_E_CONFLICT or BS_E_IO. */
static int tmp_commit(const char *tmp, const char *path, int overwrite)
{
	struct stat st;
	int rv = BS_OK;

	if (overwrite) {
		if (rename(tmp, path) != 0)
			rv = BS_E_IO;
	} else if (link(tmp, path) == 0) {
		(void)unlink(tmp);      /* the file is in place; a stray name is harmless */
		tmp = NULL;
	} else if (errno == EEXIST) {
		rv = BS_E_CONFLICT;
	} else if (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP ||
		   errno == ENOSYS || errno == EMLINK) {
		/* no hard links here: check, then rename */
		if (lstat(path, &st) == 0)
			rv = BS_E_CONFLICT;
		else if (rename(tmp, path) != 0)
			rv = BS_E_IO;
	} else {
		rv = BS_E_IO;
	}
	if (rv != BS_OK && tmp)
		(void)unlink(tmp);
	if (rv == BS_OK)
		dir_sync(path);
	return rv;
}

/* fsync a file written by someone else (libxlsxwriter) by its name. */
static int file_sync(const char *name)
{
	int fd = open(name, O_RDONLY | O_CLOEXEC), rv = BS_OK;

	if (fd < 0)
		return BS_E_IO;
	if (fsync(fd) != 0)
		rv = BS_E_IO;
	if (close(fd) != 0)
		rv = BS_E_IO;
	return rv;
}

/* ---- XLSX ---- */

struct xfmt {
	lxw_format *title, *sub, *head, *text, *wrap, *center, *num2, *pct, *count, *rank,
		*rank_tied, *note, *tot_label, *tot_num2, *tot_count, *tot_blank;
};

struct xw {
	lxw_workbook *wb;
	lxw_error err;                  /* the first libxlsxwriter error */
	int nomem;                      /* our own allocation failed */
	struct xfmt f;
	char (*names)[SHEET_CAP];       /* sheet names given so far */
	size_t n_names;
};

static int xw_ok(const struct xw *x)
{
	return x->err == LXW_NO_ERROR && !x->nomem;
}

static void xcheck(struct xw *x, lxw_error e)
{
	if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR)
		x->err = e;
}

/* Cleaned text, cut to fit a cell; NULL (and x->nomem) when out of memory. */
static char *xtext(struct xw *x, const char *s)
{
	char *t = text_clean(s);
	if (!t)
		x->nomem = 1;
	else if (strlen(t) > XLSX_TEXT_MAX)
		text_cut(t, strlen(t) + 1, SIZE_MAX, XLSX_TEXT_MAX);
	return t;
}

static void xstr(struct xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
		 lxw_format *f)
{
	char *t;
	if (!xw_ok(x) || !(t = xtext(x, s)))
		return;
	xcheck(x, worksheet_write_string(ws, r, c, t, f));
	free(t);
}

static void xnum(struct xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double d,
		 lxw_format *f)
{
	if (xw_ok(x))
		xcheck(x, worksheet_write_number(ws, r, c, d, f));
}

static void xmerge(struct xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c1, lxw_col_t c2,
		   const char *s, lxw_format *f)
{
	char *t;
	if (!xw_ok(x) || !(t = xtext(x, s)))
		return;
	xcheck(x, worksheet_merge_range(ws, r, c1, r, c2, t, f));
	free(t);
}

static void xwidth(struct xw *x, lxw_worksheet *ws, lxw_col_t c1, lxw_col_t c2, double w)
{
	if (xw_ok(x))
		xcheck(x, worksheet_set_column(ws, c1, c2, w, NULL));
}

static void xheight(struct xw *x, lxw_worksheet *ws, lxw_row_t r, double h)
{
	if (xw_ok(x))
		xcheck(x, worksheet_set_row(ws, r, h, NULL));
}

/* Integers made doubles only here, by one correctly rounded division. */
static double fen_to_wan(int64_t fen)
{
	return (double)fen / (double)FEN_PER_WAN;
}

static double c2_to_num(int64_t c)
{
	return (double)c / 100.0;
}

static double bp_to_ratio(int64_t bp)
{
	return (double)bp / (double)BP_FULL;
}

enum { XF_BOLD = 1, XF_BORDER = 2, XF_WRAP = 4, XF_CENTER = 8, XF_LEFT = 16, XF_FILL = 32 };

static lxw_format *xformat(struct xw *x, unsigned flags, double size, const char *num,
			   lxw_color_t color)
{
	lxw_format *f = workbook_add_format(x->wb);

	if (!f) {
		x->nomem = 1;
		return NULL;
	}
	if (flags & XF_BOLD)
		format_set_bold(f);
	if (flags & XF_BORDER)
		format_set_border(f, LXW_BORDER_THIN);
	if (flags & XF_WRAP)
		format_set_text_wrap(f);
	if (flags & XF_CENTER)
		format_set_align(f, LXW_ALIGN_CENTER);
	if (flags & XF_LEFT)
		format_set_align(f, LXW_ALIGN_LEFT);
	if (flags & XF_FILL)
		format_set_bg_color(f, 0xEDEDED);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	if (size > 0)
		format_set_font_size(f, size);
	if (num)
		format_set_num_format(f, num);
	if (color)
		format_set_font_color(f, color);
	return f;
}

static void xformats(struct xw *x)
{
	struct xfmt *f = &x->f;
	const unsigned B = XF_BORDER;

	f->title = xformat(x, XF_BOLD | XF_CENTER, 16, NULL, 0);
	f->sub = xformat(x, XF_LEFT, 10, NULL, 0x595959);
	f->head = xformat(x, XF_BOLD | B | XF_WRAP | XF_CENTER | XF_FILL, 0, NULL, 0);
	f->text = xformat(x, B, 0, NULL, 0);
	f->wrap = xformat(x, B | XF_WRAP, 0, NULL, 0);
	f->center = xformat(x, B | XF_CENTER, 0, NULL, 0);
	f->num2 = xformat(x, B, 0, "0.00", 0);
	f->pct = xformat(x, B, 0, "0.00%", 0);
	f->count = xformat(x, B, 0, "0", 0);
	f->rank = xformat(x, B | XF_CENTER, 0, "0", 0);
	f->rank_tied = xformat(x, B | XF_CENTER, 0, "0\"（并列）\"", 0);
	f->note = xformat(x, XF_LEFT | XF_WRAP, 9, NULL, 0x595959);
	f->tot_label = xformat(x, XF_BOLD | B | XF_CENTER | XF_FILL, 0, NULL, 0);
	f->tot_num2 = xformat(x, XF_BOLD | B | XF_FILL, 0, "0.00", 0);
	f->tot_count = xformat(x, XF_BOLD | B | XF_CENTER | XF_FILL, 0, "0\"个\"", 0);
	f->tot_blank = xformat(x, B | XF_FILL, 0, NULL, 0);
}

/* base without the characters Excel refuses in a sheet name ([]:*?/\ and
 * the apostrophe, which may not start or end one) and control characters,
 * cut to fit out on a character boundary. */
static void sheet_clean(const char *base, char *out, size_t cap)
{
	char *t = text_clean(base);
	const unsigned char *s = (const unsigned char *)(t ? t : "");
	size_t n = strlen((const char *)s), i = 0, o = 0;
	uint32_t cp;

	while (i < n) {
		size_t len = utf8_next(s + i, n - i, &cp);
		if (len == 0 || o + len >= cap)
			break;
		if (cp >= 0x80 || (cp >= 0x20 && !strchr("[]:*?/\\'", (int)cp))) {
			memcpy(out + o, s + i, len);
			o += len;
		}
		i += len;
	}
	out[o] = '\0';
	free(t);
}

/* A sheet name from base: cleaned, at most 31 characters, not one already
 * used (Excel compares without case); "（2）", "（3）" ... added to repeat. */
static void sheet_name(struct xw *x, const char *base, char out[SHEET_CAP])
{
	char clean[SHEET_CAP], suffix[24];
	unsigned k;
	size_t i;

	sheet_clean(base, clean, sizeof clean);
	if (!clean[0])
		snprintf(clean, sizeof clean, "通报");
	for (k = 1; k < 100000; k++) {
		suffix[0] = '\0';
		if (k > 1)
			snprintf(suffix, sizeof suffix, "（%u）", k);
		snprintf(out, SHEET_CAP, "%s", clean);
		utf16_cut(out, SHEET_CHARS - utf16_len(suffix));
		strcat(out, suffix);
		for (i = 0; i < x->n_names; i++)
			if (!strcasecmp(x->names[i], out))
				break;
		if (i == x->n_names && workbook_validate_sheet_name(x->wb, out) == LXW_NO_ERROR)
			break;
	}
	snprintf(x->names[x->n_names++], SHEET_CAP, "%s", out);
}

static lxw_worksheet *xsheet(struct xw *x, const char *base)
{
	char name[SHEET_CAP];
	lxw_worksheet *ws;

	if (!xw_ok(x))
		return NULL;
	sheet_name(x, base, name);
	if (!(ws = workbook_add_worksheet(x->wb, name)))
		x->nomem = 1;   /* the name was validated: only memory is left */
	return ws;
}

/* Column widths (in characters of the default font; a Chinese character
 * takes about two). */
static const double col_widths[] = {
	[COL_RANK] = 11, [COL_CODE] = 12, [COL_NAME] = 18, [COL_TOTAL] = 9, [COL_GRADE] = 8,
	[COL_COMPLETION] = 11, [COL_YTD] = 14, [COL_TARGET] = 13, [COL_GROWTH] = 10,
	[COL_SCORE] = 12, [COL_DUE] = 7, [COL_LATE] = 7, [COL_MISSING] = 7, [COL_FLAGS] = 30,
	[COL_EXPLAIN] = 48,
};

/* A ranking sheet: title, a line about the publication, the header (frozen
 * with the unit's rank, code and name), a row per unit, a note. */
static void xlsx_pub(struct xw *x, const Publication *p, const AssessInputs *in)
{
	struct xfmt *f = &x->f;
	lxw_worksheet *ws;
	struct view v;
	char buf[CELL_MAX], t1[48], t2[48], dig[40];
	size_t ncol = col_count(p), i, c, ind;
	lxw_col_t last;
	lxw_row_t row;

	if (view_init(&v, p, in) != BS_OK) {
		x->nomem = 1;
		goto out;
	}
	if (ncol > LXW_COL_MAX || p->n_results > LXW_ROW_MAX - 8) {
		xcheck(x, LXW_ERROR_PARAMETER_VALIDATION);
		goto out;
	}
	if (!(ws = xsheet(x, v.name)))
		goto out;
	last = (lxw_col_t)(ncol - 1);
	for (c = 0; c < ncol; c++)
		xwidth(x, ws, (lxw_col_t)c, (lxw_col_t)c, col_widths[col_kind(p, c, &ind)]);

	xmerge(x, ws, 0, 0, last, view_title(&v), f->title);
	xheight(x, ws, 0, 30);
	fmt_time(p->as_of_ms, t1, sizeof t1);
	fmt_time(p->published_at_ms, t2, sizeof t2);
	fmt_digest(&p->digest, 0, dig, sizeof dig);
	snprintf(buf, sizeof buf,
		 "%s　期间：%s（%s）　考核方案：%u年第%u版　数据截至：%s　发布时间：%s（北京时间）"
		 "　编号：%u　校验码：%s",
		 assess_scope_label((int)p->scope), v.period, S(p->period), p->scheme_year,
		 p->scheme_version, t1, t2, p->number, dig[0] ? dig : NA);
	xmerge(x, ws, 1, 0, last, buf, f->sub);
	xheight(x, ws, 1, 20);
	for (c = 0; c < ncol; c++)
		xstr(x, ws, 2, (lxw_col_t)c, col_head(p, c, buf, sizeof buf), f->head);
	xheight(x, ws, 2, 36);

	row = 3;
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		if (!r)
			continue;
		for (c = 0; c < ncol; c++) {
			lxw_col_t cc = (lxw_col_t)c;
			switch (col_kind(p, c, &ind)) {
			case COL_RANK:
				if (r->rank == 0)
					xstr(x, ws, row, cc, UNRANKED, f->center);
				else
					xnum(x, ws, row, cc, (double)r->rank,
					     r->tied > 1 ? f->rank_tied : f->rank);
				break;
			case COL_TOTAL:
				if (r->has_total)
					xnum(x, ws, row, cc, c2_to_num(r->total_c), f->num2);
				else
					xstr(x, ws, row, cc, NA, f->center);
				break;
			case COL_COMPLETION:
				if (r->has_completion)
					xnum(x, ws, row, cc, bp_to_ratio(r->completion_bp), f->pct);
				else
					xstr(x, ws, row, cc, NA, f->center);
				break;
			case COL_YTD:
				xnum(x, ws, row, cc, fen_to_wan(r->fai_ytd_fen), f->num2);
				break;
			case COL_TARGET:
				if (view_has_target(&v, r))
					xnum(x, ws, row, cc, fen_to_wan(r->fai_target_fen), f->num2);
				else
					xstr(x, ws, row, cc, NO_TARGET, f->center);
				break;
			case COL_GROWTH:
				if (r->has_growth)
					xnum(x, ws, row, cc, bp_to_ratio(r->growth_bp), f->pct);
				else
					xstr(x, ws, row, cc, NA, f->center);
				break;
			case COL_SCORE:
				if (ind < r->n_scores_c && r->scores_c[ind] >= 0)
					xnum(x, ws, row, cc, c2_to_num(r->scores_c[ind]), f->num2);
				else
					xstr(x, ws, row, cc, NA, f->center);
				break;
			case COL_DUE:
				xnum(x, ws, row, cc, (double)r->reports_due, f->count);
				break;
			case COL_LATE:
				xnum(x, ws, row, cc, (double)r->reports_late, f->count);
				break;
			case COL_MISSING:
				xnum(x, ws, row, cc, (double)r->reports_missing, f->count);
				break;
			case COL_FLAGS:
			case COL_EXPLAIN:
				xstr(x, ws, row, cc, cell_text(&v, r, c, buf, sizeof buf), f->wrap);
				break;
			case COL_GRADE:
				xstr(x, ws, row, cc, cell_text(&v, r, c, buf, sizeof buf), f->center);
				break;
			default:
				xstr(x, ws, row, cc, cell_text(&v, r, c, buf, sizeof buf), f->text);
				break;
			}
		}
		row++;
	}
	t1[0] = '\0';
	if (v.elapsed_bp >= 0)
		fmt_pct(v.elapsed_bp, t1, sizeof t1);
	snprintf(buf, sizeof buf,
		 "注：“%s”表示不适用；“并列”为名次相同；投资完成率 = 本年累计完成投资 ÷ "
		 "年度投资目标%s%s。", NA, t1[0] ? "；时序进度 " : "", t1);
	xmerge(x, ws, row + 1, 0, last, buf, f->note);
	if (xw_ok(x)) {
		worksheet_freeze_panes(ws, 3, 3);
		xcheck(x, worksheet_repeat_rows(ws, 2, 2));
		worksheet_set_landscape(ws);
		worksheet_set_paper(ws, 9);             /* A4 */
		worksheet_fit_to_pages(ws, 1, 0);
	}
out:
	view_free(&v);
}

/* The plan table 《重点建设项目计划表》 with a totals row (sums in fen). */
static void xlsx_plan(struct xw *x, const struct plan_row *plan, size_t n_plan, int year)
{
	static const char *const heads[] = {
		"序号", "项目名称", "全国投资项目代码", "牵头单位", "所在乡镇", "项目类别",
		"产业链", "投资类型", "重点级别", "包抓领导", "业主单位", "总投资(万元)",
		"年度计划投资(万元)", "本年累计完成(万元)", "计划开工", "计划竣工", "建设阶段",
		"500万以上", "亿元以上",
	};
	static const double widths[] = {6, 36, 26, 14, 12, 10, 14, 12, 10, 12, 24, 14, 16, 16,
					12, 12, 10, 10, 10};
	enum { NCOL = sizeof heads / sizeof heads[0], LAST = NCOL - 1 };
	struct xfmt *f = &x->f;
	lxw_worksheet *ws;
	char buf[160];
	i128 total = 0, annual = 0, ytd = 0;
	unsigned k = 0, over500 = 0, over_yi = 0;
	lxw_row_t row;
	size_t i;
	lxw_col_t c;

	if (n_plan > LXW_ROW_MAX - 8) {
		xcheck(x, LXW_ERROR_PARAMETER_VALIDATION);
		return;
	}
	if (!(ws = xsheet(x, PLAN_SHEET)))
		return;
	for (c = 0; c < NCOL; c++)
		xwidth(x, ws, c, c, widths[c]);
	snprintf(buf, sizeof buf, "%d年重点建设项目计划表", year);
	xmerge(x, ws, 0, 0, LAST, buf, f->title);
	xheight(x, ws, 0, 30);
	xmerge(x, ws, 1, 0, LAST,
	       "单位：万元。本年累计完成取各项目最近一期报送的数据；“—”为尚无报送。", f->sub);
	for (c = 0; c < NCOL; c++)
		xstr(x, ws, 2, c, heads[c], f->head);
	xheight(x, ws, 2, 32);

	row = 3;
	for (i = 0; i < n_plan; i++) {
		const Project *p = plan[i].p;
		const char *stage, *lead;
		int big500, big_yi;
		if (!p)
			continue;
		stage = records_enum_label(&baosong__v1__project_stage__descriptor, (int)p->stage);
		lead = plan[i].unit_name && *plan[i].unit_name ? plan[i].unit_name
				: S(p->lead_unit);
		big500 = p->total_investment_fen >= FEN_500WAN;
		big_yi = p->total_investment_fen >= FEN_PER_YI;
		xnum(x, ws, row, 0, (double)++k, f->rank);
		xstr(x, ws, row, 1, S(p->name), f->wrap);
		xstr(x, ws, row, 2, S(p->code), f->text);
		xstr(x, ws, row, 3, lead, f->text);
		xstr(x, ws, row, 4, S(p->township), f->text);
		xstr(x, ws, row, 5, S(p->category), f->text);
		xstr(x, ws, row, 6, S(p->industry_chain), f->text);
		xstr(x, ws, row, 7, S(p->investment_type), f->text);
		xstr(x, ws, row, 8, S(p->level), f->center);
		xstr(x, ws, row, 9, S(p->leader), f->text);
		xstr(x, ws, row, 10, S(p->owner), f->wrap);
		xnum(x, ws, row, 11, fen_to_wan(p->total_investment_fen), f->num2);
		xnum(x, ws, row, 12, fen_to_wan(p->annual_plan_fen), f->num2);
		if (plan[i].ytd_fen >= 0)
			xnum(x, ws, row, 13, fen_to_wan(plan[i].ytd_fen), f->num2);
		else
			xstr(x, ws, row, 13, NA, f->center);
		xstr(x, ws, row, 14, S(p->start_date), f->center);
		xstr(x, ws, row, 15, S(p->end_date), f->center);
		xstr(x, ws, row, 16, stage ? stage : "", f->center);
		xstr(x, ws, row, 17, big500 ? "是" : "否", f->center);
		xstr(x, ws, row, 18, big_yi ? "是" : "否", f->center);
		total += p->total_investment_fen;
		annual += p->annual_plan_fen;
		if (plan[i].ytd_fen >= 0)
			ytd += plan[i].ytd_fen;
		over500 += (unsigned)big500;
		over_yi += (unsigned)big_yi;
		row++;
	}
	snprintf(buf, sizeof buf, "合计（%u 个项目）", k);
	xmerge(x, ws, row, 0, 10, buf, f->tot_label);
	xnum(x, ws, row, 11, (double)total / (double)FEN_PER_WAN, f->tot_num2);
	xnum(x, ws, row, 12, (double)annual / (double)FEN_PER_WAN, f->tot_num2);
	xnum(x, ws, row, 13, (double)ytd / (double)FEN_PER_WAN, f->tot_num2);
	xmerge(x, ws, row, 14, 16, "", f->tot_blank);
	xnum(x, ws, row, 17, (double)over500, f->tot_count);
	xnum(x, ws, row, 18, (double)over_yi, f->tot_count);
	if (xw_ok(x)) {
		worksheet_freeze_panes(ws, 3, 2);
		xcheck(x, worksheet_repeat_rows(ws, 2, 2));
		worksheet_set_landscape(ws);
		worksheet_set_paper(ws, 9);
		worksheet_fit_to_pages(ws, 1, 0);
	}
}

int report_xlsx(const char *path, int overwrite, const Publication *const *pubs,
		const AssessInputs *const *ins, size_t n, const struct plan_row *plan,
		size_t n_plan, int plan_year)
{
	lxw_workbook_options opt = {.constant_memory = 0, .tmpdir = NULL, .use_zip64 = 1};
	struct xw x;
	char *tmp = NULL;
	int fd = -1, rv, with_plan = plan != NULL || n == 0;
	lxw_error closed;
	size_t i;

	if (!path || !*path || (n && !pubs) || (n_plan && !plan))
		return BS_E_INVAL;
	for (i = 0; i < n; i++)
		if (!pubs[i])
			return BS_E_INVAL;
	if ((rv = tmp_open(path, overwrite, &tmp, &fd)) != BS_OK)
		return rv;
	if (close(fd) != 0) {
		(void)unlink(tmp);
		free(tmp);
		return BS_E_IO;
	}
	memset(&x, 0, sizeof x);
	if (!(x.names = calloc(n + 1, sizeof *x.names)) ||
	    !(x.wb = workbook_new_opt(tmp, &opt))) {
		rv = BS_E_NOMEM;
		goto fail;
	}
	xformats(&x);
	if (with_plan)          /* keep its name from a publication's */
		snprintf(x.names[x.n_names++], SHEET_CAP, "%s", PLAN_SHEET);
	for (i = 0; i < n && xw_ok(&x); i++)
		xlsx_pub(&x, pubs[i], ins ? ins[i] : NULL);
	if (with_plan) {
		x.n_names--;
		memmove(x.names, x.names + 1, x.n_names * sizeof *x.names);
		xlsx_plan(&x, plan, plan ? n_plan : 0, plan_year);
	}
	closed = workbook_close(x.wb);  /* frees the workbook in every case */
	x.wb = NULL;
	if (x.nomem)
		rv = BS_E_NOMEM;
	else if (x.err != LXW_NO_ERROR)
		rv = x.err == LXW_ERROR_MEMORY_MALLOC_FAILED ? BS_E_NOMEM : BS_E_IO;
	else if (closed != LXW_NO_ERROR)
		rv = closed == LXW_ERROR_MEMORY_MALLOC_FAILED ? BS_E_NOMEM : BS_E_IO;
	else
		rv = file_sync(tmp);
	if (rv == BS_OK) {
		rv = tmp_commit(tmp, path, overwrite);
		goto out;
	}
fail:
	if (x.wb)
		(void)workbook_close(x.wb);
	(void)unlink(tmp);
out:
	free(x.names);
	free(tmp);
	return rv;
}

/* ---- HTML ---- */

/* s cleaned and escaped for text and attribute values; with max_chars,
 * cut after that many characters with "…". */
static void html_text(struct out *o, const char *s, size_t max_chars)
{
	char *c = text_clean(s);
	const char *q, *span;

	if (!c) {
		out_fail(o, BS_E_NOMEM);
		return;
	}
	if (max_chars)
		text_cut(c, strlen(c) + 1, max_chars, SIZE_MAX);
	for (q = span = c; *q; q++) {
		const char *e;
		switch (*q) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: continue;
		}
		out_bytes(o, span, (size_t)(q - span));
		out_str(o, e);
		span = q + 1;
	}
	out_bytes(o, span, (size_t)(q - span));
	free(c);
}

#define esc(o, s) html_text((o), (s), 0)

static const char html_style[] =
	":root{color-scheme:light}\n"
	"body{margin:24px auto;max-width:1240px;padding:0 16px;color:#1f2328;background:#fff;"
	"line-height:1.5;font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Noto Sans SC\","
	"\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",\"微软雅黑\","
	"\"WenQuanYi Micro Hei\",\"WenQuanYi Zen Hei\",\"SimHei\",\"SimSun\",\"宋体\",sans-serif}\n"
	"h1{font-size:26px;text-align:center;color:#b71c1c;margin:8px 0 16px}\n"
	"h2{font-size:21px;border-bottom:3px solid #b71c1c;padding-bottom:4px;margin-top:40px}\n"
	"h3{font-size:16px;margin:24px 0 4px}\n"
	"nav ol{columns:2;font-size:14px}\n"
	".meta{display:flex;flex-wrap:wrap;gap:2px 22px;font-size:13px;color:#444;margin:8px 0}\n"
	".meta div{display:flex;gap:6px}.meta dt{font-weight:bold}.meta dd{margin:0}\n"
	".table-wrap{overflow-x:auto}\n"
	"table.ranking{border-collapse:collapse;font-size:13px}\n"
	"table.ranking caption{text-align:left;font-weight:bold;padding:4px 0}\n"
	"table.ranking th,table.ranking td{border:1px solid #c8c8c8;padding:3px 6px;"
	"white-space:nowrap}\n"
	"table.ranking th{background:#f0f0f0;position:sticky;top:0}\n"
	"table.ranking td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	"table.ranking td.wide{white-space:normal;min-width:14em;max-width:32em}\n"
	"table.ranking tbody tr:nth-child(even){background:#fafafa}\n"
	"tr.tied td.rank{color:#a34700;font-weight:bold}\n"
	"tr.unranked td{color:#777}\n"
	"tr.flagged td.flags{color:#b71c1c}\n"
	".note{font-size:12px;color:#555}\n"
	"figure.chart-box{margin:16px 0}\n"
	"figure.chart-box figcaption{font-size:12px;color:#555}\n"
	"svg.chart{display:block;max-width:100%;height:auto}\n"
	"svg.chart text{font-family:inherit;font-size:12px;fill:#1f2328}\n"
	"svg.chart text.heading{font-size:14px;font-weight:bold}\n"
	"svg.chart text.na{fill:#888}\n"
	"svg.chart .grid{stroke:#e3e3e3;stroke-width:1}\n"
	"svg.chart .axis{stroke:#888;stroke-width:1}\n"
	"svg.chart .bar.ahead{fill:#2e7d32}\n"
	"svg.chart .bar.behind{fill:#ef6c00}\n"
	"svg.chart .bar.neutral,svg.chart .bar.score{fill:#1565c0}\n"
	"svg.chart .bar.tied{stroke:#111;stroke-width:1.5;stroke-dasharray:4 2}\n"
	"svg.chart text.tied{fill:#a34700;font-weight:bold}\n"
	"svg.chart .timeline{stroke:#c62828;stroke-width:2;stroke-dasharray:6 4}\n"
	"svg.chart text.timeline-label{fill:#c62828;font-weight:bold}\n"
	"svg.chart .late{fill:#f9a825}\n"
	"svg.chart .missing{fill:#c62828}\n"
	"footer{margin-top:40px;font-size:12px;color:#777;border-top:1px solid #ddd;"
	"padding-top:8px}\n"
	"@media print{section.publication{break-before:page}.table-wrap{overflow:visible}"
	"table.ranking th{position:static}}\n";

/* The geometry of a chart of horizontal bars, one row per unit. */
struct chart {
	struct out *o;
	int width, height;
	int top;                        /* y of the first row */
	int row_h;
	int label_x;                    /* right edge of the unit names */
	int plot_x, plot_w;
	int64_t axis;                   /* the value at the plot's right end */
	size_t rows;
};

#define CHART_W 960
#define CHART_ROW 24
#define CHART_NAME_CHARS 12

static void chart_geometry(struct chart *c, struct out *o, size_t rows, int top, int bottom,
			   int label_x, int right)
{
	memset(c, 0, sizeof *c);
	c->o = o;
	c->rows = rows ? rows : 1;
	c->top = top;
	c->row_h = CHART_ROW;
	c->label_x = label_x;
	c->plot_x = label_x + 10;
	c->plot_w = CHART_W - c->plot_x - right;
	c->width = CHART_W;
	c->height = top + (int)c->rows * CHART_ROW + bottom;
	c->axis = 1;
}

static int chart_x(const struct chart *c, int64_t v)
{
	if (v < 0)
		v = 0;
	if (v > c->axis)
		v = c->axis;
	return c->plot_x + (int)(v * c->plot_w / c->axis);
}

static int chart_row_y(const struct chart *c, size_t i)
{
	return c->top + (int)i * c->row_h;
}

/* A round step for about five ticks up to max (1, 2, 5, 10, 20, 50 ...
 * times unit), and the axis end: max rounded up to a step. */
static int64_t nice_step(int64_t max, int64_t unit, int64_t *axis)
{
	int64_t step = unit;
	static const int mult[] = {2, 5, 10};
	int64_t base = unit;
	size_t k = 0;

	if (max < unit)
		max = unit;
	while (max / step > 5) {
		step = base * mult[k];
		if (++k == 3) {
			k = 0;
			base *= 10;
		}
	}
	*axis = (max + step - 1) / step * step;
	return step;
}

/* "<figure><svg ...><title>...</title><desc>...</desc>" */
static void chart_open(struct chart *c, const char *kind, int n, const char *title,
		       const char *desc)
{
	struct out *o = c->o;

	out_str(o, "<figure class=\"chart-box\">\n");
	out_fmt(o, "<svg id=\"chart-%s-%d\" class=\"chart chart-%s\" role=\"img\" "
		"aria-labelledby=\"chart-%s-%d-title chart-%s-%d-desc\" aria-label=\"", kind, n,
		kind, kind, n, kind, n);
	esc(o, title);
	out_fmt(o, "\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
		"preserveAspectRatio=\"xMinYMin meet\">\n", c->width, c->height, c->width,
		c->height);
	out_fmt(o, "<title id=\"chart-%s-%d-title\">", kind, n);
	esc(o, title);
	out_fmt(o, "</title>\n<desc id=\"chart-%s-%d-desc\">", kind, n);
	esc(o, desc);
	out_str(o, "</desc>\n");
	out_str(o, "<text class=\"heading\" x=\"8\" y=\"20\">");
	esc(o, title);
	out_str(o, "</text>\n");
}

static void chart_close(struct chart *c, const char *caption)
{
	out_str(c->o, "</svg>\n<figcaption>");
	esc(c->o, caption);
	out_str(c->o, "</figcaption>\n</figure>\n");
}

enum tick_kind { TICK_PCT, TICK_POINTS, TICK_COUNT };

/* Grid lines and their labels above the plot, every step up to the axis. */
static void chart_ticks(struct chart *c, int64_t step, enum tick_kind kind)
{
	int bottom = chart_row_y(c, c->rows);
	int64_t v;

	out_str(c->o, "<g class=\"ticks\">\n");
	for (v = 0; v <= c->axis; v += step) {
		int x = chart_x(c, v);
		out_fmt(c->o, "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
			v ? "grid" : "axis", x, c->top - 4, x, bottom);
		if (kind == TICK_PCT)
			out_fmt(c->o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%lld%%</text>\n",
				x, c->top - 8, (long long)(v / 100));
		else if (kind == TICK_POINTS)
			out_fmt(c->o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%lld分</text>\n",
				x, c->top - 8, (long long)(v / 100));
		else
			out_fmt(c->o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%lld</text>\n",
				x, c->top - 8, (long long)v);
	}
	out_str(c->o, "</g>\n");
}

/* The unit's name left of row i, cut to fit (the full name in its title). */
static void chart_name(struct chart *c, size_t i, const char *name)
{
	out_fmt(c->o, "<text class=\"name\" x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		c->label_x, chart_row_y(c, i) + 16);
	html_text(c->o, name, CHART_NAME_CHARS);
	out_str(c->o, "</text>");
}

/* The axis end for percentages in bp: at least 100%, at most 300% (longer
 * bars are cut at the end, their values still written). */
static int64_t pct_axis(int64_t max_bp, int64_t *step)
{
	int64_t axis, m = max_bp < BP_FULL ? BP_FULL : max_bp;

	if (m > 3 * BP_FULL)
		m = 3 * BP_FULL;
	*step = m <= BP_FULL ? 2500 : m <= 2 * BP_FULL ? 5000 : BP_FULL;
	axis = (m + *step - 1) / *step * *step;
	return axis;
}

/* (a) completion against the target per unit, in the publication's order,
 * with the time-elapsed share of the year as a vertical line. */
static void chart_completion(struct out *o, const struct view *v, int n)
{
	const Publication *p = v->p;
	struct chart c;
	char title[256], desc[512], pct[32], el[32], ytd[32], tgt[32];
	int64_t max_bp = 0, step;
	size_t i;
	int ly;

	for (i = 0; i < p->n_results; i++)
		if (p->results[i] && p->results[i]->has_completion &&
		    p->results[i]->completion_bp > max_bp)
			max_bp = p->results[i]->completion_bp;
	chart_geometry(&c, o, p->n_results, 64, 40, 190, 110);
	c.axis = pct_axis(max_bp, &step);
	if (v->elapsed_bp >= 0)
		fmt_pct(v->elapsed_bp, el, sizeof el);
	else
		snprintf(el, sizeof el, "%s", NA);
	snprintf(title, sizeof title, "%s各单位固定资产投资完成率", v->period);
	snprintf(desc, sizeof desc,
		 "横条为各单位本年累计完成投资占年度目标的比例，竖虚线为时序进度 %s；"
		 "未下达投资目标的单位标注“未下达目标”。", el);
	chart_open(&c, "completion", n, title, desc);
	chart_ticks(&c, step, TICK_PCT);
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		const char *name;
		int y, x1;
		if (!r)
			continue;
		name = view_name(v, r);
		y = chart_row_y(&c, i);
		money_format_wan(r->fai_ytd_fen, ytd, sizeof ytd);
		money_format_wan(r->fai_target_fen, tgt, sizeof tgt);
		out_str(o, "<g class=\"unit\"><title>");
		esc(o, name);
		if (r->has_completion) {
			fmt_pct(r->completion_bp, pct, sizeof pct);
			out_fmt(o, "：完成率 %s（本年累计 %s 万元 / 目标 %s 万元）</title>", pct, ytd,
				tgt);
		} else {
			out_fmt(o, "：%s（本年累计 %s 万元）</title>",
				view_has_target(v, r) ? "无完成率" : "未下达目标", ytd);
		}
		chart_name(&c, i, name);
		if (r->has_completion) {
			const char *cls = v->elapsed_bp < 0 ? "neutral"
					: r->completion_bp >= v->elapsed_bp ? "ahead" : "behind";
			x1 = chart_x(&c, r->completion_bp);
			out_fmt(o, "<rect class=\"bar %s\" x=\"%d\" y=\"%d\" width=\"%d\" "
				"height=\"%d\"/><text class=\"value\" x=\"%d\" y=\"%d\">%s%s</text>",
				cls, c.plot_x, y + 4, x1 - c.plot_x, c.row_h - 8, x1 + 6, y + 16, pct,
				r->completion_bp > c.axis ? " ▶" : "");
		} else {
			out_fmt(o, "<text class=\"na\" x=\"%d\" y=\"%d\">%s</text>", c.plot_x + 6,
				y + 16, view_has_target(v, r) ? NA : "未下达目标");
		}
		out_str(o, "</g>\n");
	}
	if (v->elapsed_bp >= 0) {
		int x = chart_x(&c, v->elapsed_bp);
		out_fmt(o, "<line class=\"timeline\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
			"<text class=\"timeline-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
			"时序进度 %s</text>\n", x, c.top - 26, x, chart_row_y(&c, c.rows) + 4, x,
			c.top - 30, el);
	}
	ly = chart_row_y(&c, c.rows) + 24;
	out_fmt(o, "<g class=\"legend\"><rect class=\"bar ahead\" x=\"%d\" y=\"%d\" width=\"14\" "
		"height=\"12\"/><text x=\"%d\" y=\"%d\">达到时序进度</text>"
		"<rect class=\"bar behind\" x=\"%d\" y=\"%d\" width=\"14\" height=\"12\"/>"
		"<text x=\"%d\" y=\"%d\">落后于时序进度</text>"
		"<line class=\"timeline\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
		"<text x=\"%d\" y=\"%d\">时序进度 %s</text></g>\n",
		c.plot_x, ly - 11, c.plot_x + 20, ly, c.plot_x + 130, ly - 11, c.plot_x + 150, ly,
		c.plot_x + 280, ly - 13, c.plot_x + 280, ly + 1, c.plot_x + 290, ly, el);
	chart_close(&c, "图：投资完成率与时序进度（“时间过半、任务过半”）。");
}

struct rank_item {
	const UnitResult *r;
	size_t order;                   /* in the publication */
	int has;                        /* ranked: has a bar */
	int64_t value;
	unsigned pos, tied;
};

static int cmp_by_rank(const void *a, const void *b)
{
	const struct rank_item *x = a, *y = b;
	if (x->has != y->has)
		return y->has - x->has;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_by_value(const void *a, const void *b)
{
	const struct rank_item *x = a, *y = b;
	if (x->has != y->has)
		return y->has - x->has;
	if (x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* (b) the ranking, best first: total score for a quarter or a year (the
 * publication's ranks), completion for a month or a week (ranked here, equal
 * values sharing a place).  Ties get a dashed outline and "并列". */
static void chart_ranking(struct out *o, const struct view *v, int n)
{
	const Publication *p = v->p;
	int by_score = p->scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER ||
		       p->scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR;
	struct rank_item *it;
	struct chart c;
	char title[256], val[48];
	int64_t max = 0, step;
	size_t i, j, k, m = 0;

	if (!(it = calloc(p->n_results ? p->n_results : 1, sizeof *it))) {
		out_fail(o, BS_E_NOMEM);
		return;
	}
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		if (!r)
			continue;
		it[m].r = r;
		it[m].order = i;
		if (by_score) {
			it[m].has = r->rank > 0 && r->has_total;
			it[m].value = r->total_c;
			it[m].pos = r->rank;
			it[m].tied = r->tied;
		} else {
			it[m].has = r->has_completion;
			it[m].value = r->completion_bp;
		}
		if (it[m].has && it[m].value > max)
			max = it[m].value;
		m++;
	}
	qsort(it, m, sizeof *it, by_score ? cmp_by_rank : cmp_by_value);
	if (!by_score) {
		for (i = 0; i < m && it[i].has; i = k) {
			for (k = i; k < m && it[k].has && it[k].value == it[i].value; k++)
				;
			for (j = i; j < k; j++) {
				it[j].pos = (unsigned)(i + 1);
				it[j].tied = (unsigned)(k - i);
			}
		}
	}
	chart_geometry(&c, o, m, 48, 36, 250, 160);
	if (by_score)
		step = nice_step(max < 100 * 100 ? 100 * 100 : max, 100, &c.axis);
	else
		c.axis = pct_axis(max, &step);
	snprintf(title, sizeof title, "%s排名（%s）", v->name,
		 by_score ? "按总分" : "按投资完成率");
	chart_open(&c, "ranking", n, title,
		   by_score ? "各单位总分由高到低；并列者名次相同，以虚线框和“并列”标出。"
			    : "各单位投资完成率由高到低；完成率相同者并列，以虚线框和“并列”标出。");
	chart_ticks(&c, step, by_score ? TICK_POINTS : TICK_PCT);
	for (i = 0; i < m; i++) {
		const UnitResult *r = it[i].r;
		const char *name = view_name(v, r);
		int y = chart_row_y(&c, i), tied = it[i].has && it[i].tied > 1;
		if (by_score)
			fmt_c2(it[i].value, val, sizeof val);
		else
			fmt_pct(it[i].value, val, sizeof val);
		out_fmt(o, "<g class=\"unit%s\"><title>", tied ? " tied" : "");
		esc(o, name);
		if (it[i].has)
			out_fmt(o, "：第%u名%s，%s%s</title>", it[i].pos, tied ? "（并列）" : "", val,
				by_score ? "分" : "");
		else
			out_fmt(o, "：%s</title>", by_score ? UNRANKED : "未下达目标");
		out_fmt(o, "<text class=\"pos%s\" x=\"8\" y=\"%d\">", tied ? " tied" : "", y + 16);
		if (it[i].has)
			out_fmt(o, "%u%s", it[i].pos, tied ? "（并列）" : "");
		else
			out_str(o, NA);
		out_str(o, "</text>");
		chart_name(&c, i, name);
		if (it[i].has) {
			int x1 = chart_x(&c, it[i].value);
			out_fmt(o, "<rect class=\"bar %s%s\" x=\"%d\" y=\"%d\" width=\"%d\" "
				"height=\"%d\"/><text class=\"value%s\" x=\"%d\" y=\"%d\">%s%s",
				by_score ? "score" : "neutral", tied ? " tied" : "", c.plot_x, y + 4,
				x1 - c.plot_x, c.row_h - 8, tied ? " tied" : "", x1 + 6, y + 16, val,
				by_score ? "分" : "");
			if (by_score && r->grade && *r->grade) {
				out_str(o, " ");
				esc(o, r->grade);
			}
			out_fmt(o, "%s</text>", tied ? " 并列" : "");
		} else {
			out_fmt(o, "<text class=\"na\" x=\"%d\" y=\"%d\">%s</text>", c.plot_x + 6,
				y + 16, by_score ? UNRANKED : "未下达目标");
		}
		out_str(o, "</g>\n");
	}
	chart_close(&c, by_score ? "图：总分排名（虚线框为并列）。"
				 : "图：投资完成率排名（虚线框为并列）。");
	free(it);
}

struct report_item {
	const UnitResult *r;
	size_t order;
	unsigned due, late, missing;
};

static int cmp_reports(const void *a, const void *b)
{
	const struct report_item *x = a, *y = b;
	if (x->missing != y->missing)
		return x->missing > y->missing ? -1 : 1;
	if (x->late != y->late)
		return x->late > y->late ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* (c) late and missing reports per unit (from the inputs), stacked, the
 * most missing first. */
static void chart_reports(struct out *o, const struct view *v, int n)
{
	const Publication *p = v->p;
	struct report_item *it;
	struct chart c;
	char title[256];
	int64_t max = 0, step;
	size_t i, m = 0;
	int ly;

	if (!(it = calloc(p->n_results ? p->n_results : 1, sizeof *it))) {
		out_fail(o, BS_E_NOMEM);
		return;
	}
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		const UnitInput *u;
		if (!r)
			continue;
		u = view_input(v, r);
		it[m].r = r;
		it[m].order = i;
		it[m].due = u ? u->reports_due : r->reports_due;
		it[m].late = u ? u->reports_late : r->reports_late;
		it[m].missing = u ? u->reports_missing : r->reports_missing;
		if ((int64_t)it[m].late + it[m].missing > max)
			max = (int64_t)it[m].late + it[m].missing;
		m++;
	}
	qsort(it, m, sizeof *it, cmp_reports);
	chart_geometry(&c, o, m, 48, 40, 190, 230);
	step = nice_step(max, 1, &c.axis);
	snprintf(title, sizeof title, "%s各单位迟报、缺报情况", v->period);
	chart_open(&c, "reports", n, title,
		   "堆叠横条：迟报（期限后报送）与缺报（未报送或资料不全）的份数，缺报多者在前。");
	chart_ticks(&c, step, TICK_COUNT);
	for (i = 0; i < m; i++) {
		const char *name = view_name(v, it[i].r);
		int y = chart_row_y(&c, i);
		int x1 = chart_x(&c, it[i].late);
		int x2 = chart_x(&c, (int64_t)it[i].late + it[i].missing);
		out_str(o, "<g class=\"unit\"><title>");
		esc(o, name);
		out_fmt(o, "：应报 %u，迟报 %u，缺报 %u</title>", it[i].due, it[i].late,
			it[i].missing);
		chart_name(&c, i, name);
		if (it[i].late)
			out_fmt(o, "<rect class=\"late\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
				c.plot_x, y + 4, x1 - c.plot_x, c.row_h - 8);
		if (it[i].missing)
			out_fmt(o, "<rect class=\"missing\" x=\"%d\" y=\"%d\" width=\"%d\" "
				"height=\"%d\"/>", x1, y + 4, x2 - x1, c.row_h - 8);
		if (it[i].late || it[i].missing)
			out_fmt(o, "<text class=\"value\" x=\"%d\" y=\"%d\">迟报 %u · 缺报 %u（应报 %u）"
				"</text>", x2 + 6, y + 16, it[i].late, it[i].missing, it[i].due);
		else
			out_fmt(o, "<text class=\"na\" x=\"%d\" y=\"%d\">无迟报、缺报（应报 %u）</text>",
				c.plot_x + 6, y + 16, it[i].due);
		out_str(o, "</g>\n");
	}
	ly = chart_row_y(&c, c.rows) + 26;
	out_fmt(o, "<g class=\"legend\"><rect class=\"late\" x=\"%d\" y=\"%d\" width=\"14\" "
		"height=\"12\"/><text x=\"%d\" y=\"%d\">迟报</text><rect class=\"missing\" "
		"x=\"%d\" y=\"%d\" width=\"14\" height=\"12\"/><text x=\"%d\" y=\"%d\">缺报</text>"
		"</g>\n", c.plot_x, ly - 11, c.plot_x + 20, ly, c.plot_x + 80, ly - 11,
		c.plot_x + 100, ly);
	chart_close(&c, "图：报送情况（迟报、缺报）。");
	free(it);
}

static void html_meta(struct out *o, const char *term, const char *value)
{
	out_str(o, "<div><dt>");
	esc(o, term);
	out_str(o, "</dt><dd>");
	esc(o, value);
	out_str(o, "</dd></div>");
}

static void html_pub(struct out *o, const Publication *p, const AssessInputs *in, int n)
{
	struct view v;
	char buf[CELL_MAX], t[64];
	size_t ncol = col_count(p), i, c;

	if (view_init(&v, p, in) != BS_OK) {
		out_fail(o, BS_E_NOMEM);
		goto out;
	}
	out_fmt(o, "<section class=\"publication\" id=\"pub-%d\" aria-labelledby=\"pub-%d-title\">\n"
		"<h2 id=\"pub-%d-title\">", n, n, n);
	esc(o, view_title(&v));
	out_str(o, "</h2>\n<dl class=\"meta\">");
	html_meta(o, "类别", assess_scope_label((int)p->scope));
	snprintf(buf, sizeof buf, "%s（%s）", v.period, S(p->period));
	html_meta(o, "期间", buf);
	snprintf(buf, sizeof buf, "%u年第%u版", p->scheme_year, p->scheme_version);
	html_meta(o, "考核方案", buf);
	fmt_time(p->as_of_ms, t, sizeof t);
	html_meta(o, "数据截至", t);
	fmt_time(p->published_at_ms, t, sizeof t);
	snprintf(buf, sizeof buf, "%s（北京时间）", t);
	html_meta(o, "发布时间", p->published_at_ms > 0 ? buf : "未发布");
	if (p->number) {
		snprintf(buf, sizeof buf, "第%u号", p->number);
		html_meta(o, "编号", buf);
	}
	fmt_digest(&p->digest, 1, buf, sizeof buf);
	fmt_digest(&p->digest, 0, t, sizeof t);
	out_str(o, "<div><dt>校验码</dt><dd><code title=\"");
	esc(o, buf);
	out_str(o, "\">");
	esc(o, t[0] ? t : NA);
	out_str(o, "</code></dd></div></dl>\n");

	out_fmt(o, "<div class=\"table-wrap\"><table class=\"ranking\" id=\"table-%d\">"
		"<caption>", n);
	esc(o, v.name);
	out_str(o, "排名表</caption>\n<thead><tr>");
	for (c = 0; c < ncol; c++) {
		out_str(o, "<th scope=\"col\">");
		esc(o, col_head(p, c, buf, sizeof buf));
		out_str(o, "</th>");
	}
	out_str(o, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		if (!r)
			continue;
		out_fmt(o, "<tr class=\"unit%s%s%s\">", r->rank == 0 ? " unranked" : "",
			r->tied > 1 ? " tied" : "", r->flags ? " flagged" : "");
		for (c = 0; c < ncol; c++) {
			size_t ind;
			enum col k = col_kind(p, c, &ind);
			const char *cls = k == COL_RANK ? "rank" : k == COL_NAME ? "name"
					: k == COL_FLAGS ? "wide flags" : k == COL_EXPLAIN ? "wide"
					: col_numeric(p, c) ? "num" : "text";
			out_fmt(o, "<td class=\"%s\">", cls);
			esc(o, cell_text(&v, r, c, buf, sizeof buf));
			out_str(o, "</td>");
		}
		out_str(o, "</tr>\n");
	}
	out_str(o, "</tbody></table></div>\n");
	if (v.elapsed_bp >= 0)
		fmt_pct(v.elapsed_bp, t, sizeof t);
	out_str(o, "<p class=\"note\">注：“" NA "”表示不适用；“并列”为名次相同；"
		"投资完成率 = 本年累计完成投资 ÷ 年度投资目标");
	if (v.elapsed_bp >= 0)
		out_fmt(o, "；时序进度 %s", t);
	out_str(o, "。</p>\n");

	out_str(o, "<h3>图表</h3>\n");
	chart_completion(o, &v, n);
	chart_ranking(o, &v, n);
	if (in)
		chart_reports(o, &v, n);
	else
		out_str(o, "<p class=\"note\">（无考核输入数据，未绘制迟报、缺报图。）</p>\n");
	out_str(o, "</section>\n");
out:
	view_free(&v);
}

static void html_page(struct out *o, const Publication *const *pubs,
		      const AssessInputs *const *ins, size_t n, const char *county)
{
	char title[512];
	size_t i;

	if (n == 1 && pubs[0]->title && *pubs[0]->title)
		snprintf(title, sizeof title, "%s", pubs[0]->title);
	else
		snprintf(title, sizeof title, "%s重点项目考核通报", S(county));
	out_str(o, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<meta name=\"generator\" content=\"baosong\">\n<title>");
	esc(o, title);
	out_str(o, "</title>\n<style>\n");
	out_str(o, html_style);
	out_str(o, "</style>\n</head>\n<body>\n<header>\n<h1>");
	esc(o, title);
	out_str(o, "</h1>\n</header>\n<main>\n");
	if (n > 1) {
		out_str(o, "<nav aria-label=\"目录\"><ol>\n");
		for (i = 0; i < n; i++) {
			struct view v;
			if (view_init(&v, pubs[i], NULL) != BS_OK)
				out_fail(o, BS_E_NOMEM);
			out_fmt(o, "<li><a href=\"#pub-%zu\">", i + 1);
			esc(o, view_title(&v));
			out_str(o, "</a></li>\n");
			view_free(&v);
		}
		out_str(o, "</ol></nav>\n");
	}
	if (n == 0)
		out_str(o, "<p>（没有通报。）</p>\n");
	for (i = 0; i < n && !o->err; i++)
		html_pub(o, pubs[i], ins ? ins[i] : NULL, (int)(i + 1));
	out_str(o, "</main>\n<footer>本页由 baosong 生成，数据以各期通报的校验码为准。</footer>\n"
		"</body>\n</html>\n");
}

int report_html(const char *path, int overwrite, const Publication *const *pubs,
		const AssessInputs *const *ins, size_t n, const char *county_name)
{
	struct out o = {NULL, BS_OK};
	char *tmp = NULL;
	int fd = -1, rv;
	size_t i;

	if (!path || !*path || (n && !pubs) || n > INT32_MAX)
		return BS_E_INVAL;
	for (i = 0; i < n; i++)
		if (!pubs[i])
			return BS_E_INVAL;
	if ((rv = tmp_open(path, overwrite, &tmp, &fd)) != BS_OK)
		return rv;
	if (!(o.f = fdopen(fd, "w"))) {
		(void)close(fd);
		rv = BS_E_IO;
		goto fail;
	}
	html_page(&o, pubs, ins, n, county_name);
	rv = o.err;
	if (fflush(o.f) != 0 && rv == BS_OK)
		rv = BS_E_IO;
	if (rv == BS_OK && fsync(fileno(o.f)) != 0)
		rv = BS_E_IO;
	if (fclose(o.f) != 0 && rv == BS_OK)
		rv = BS_E_IO;
	if (rv == BS_OK) {
		rv = tmp_commit(tmp, path, overwrite);
		free(tmp);
		return rv;
	}
fail:
	(void)unlink(tmp);
	free(tmp);
	return rv;
}
