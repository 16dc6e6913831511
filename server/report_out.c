/* report_out.c - what the forms people read share (report_int.h: text,
 * numbers, a publication with its inputs, the columns of a ranking, files
 * written under a temporary name) and the ranking as CSV.  The workbook is
 * report_xlsx.c, the HTML page report_html.c.
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
#include "report_int.h"
#include "utf8.h"

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



/* ---- text ---- */

/* s as valid UTF-8 that XML and HTML accept: a bad byte becomes U+FFFD, a
 * control character (tab and line breaks kept) a space, U+FFFE/U+FFFF
 * U+FFFD.  malloc'd; NULL when out of memory. */
char *ro_text_clean(const char *s)
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
		size_t len = utf8_decode((const char *)u + i, n - i, &cp);
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
void ro_text_cut(char *s, size_t cap, size_t max_chars, size_t max_bytes)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, chars = 0, keep = 0;
	uint32_t cp;

	while (i < n) {
		size_t len = utf8_decode((const char *)u + i, n - i, &cp);
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
size_t ro_utf16_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, units = 0;
	uint32_t cp;

	while (i < n) {
		size_t len = utf8_decode((const char *)u + i, n - i, &cp);
		units += len == 4 ? 2 : 1;
		i += len ? len : 1;
	}
	return units;
}

/* Cut valid UTF-8 s in place to at most max UTF-16 units. */
void ro_utf16_cut(char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, units = 0;
	uint32_t cp;

	while (i < n) {
		size_t len = utf8_decode((const char *)u + i, n - i, &cp);
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
void ro_fmt_c2(int64_t v, char *out, size_t cap)
{
	uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	snprintf(out, cap, "%s%llu.%02llu", v < 0 ? "-" : "", (unsigned long long)(a / 100),
		 (unsigned long long)(a % 100));
}

void ro_fmt_pct(int64_t bp, char *out, size_t cap)
{
	char t[32];
	ro_fmt_c2(bp, t, sizeof t);
	snprintf(out, cap, "%s%%", t);
}

/* An instant as Shanghai local time "2026-05-06 09:30", or NA for 0. */
void ro_fmt_time(int64_t ms, char *out, size_t cap)
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
void ro_fmt_digest(const ProtobufCBinaryData *d, int full, char *out, size_t cap)
{
	size_t i, n = full || d->len <= DIGEST_SHORT ? d->len : DIGEST_SHORT, o = 0;

	out[0] = '\0';
	for (i = 0; i < n && o + 3 <= cap; i++, o += 2)
		snprintf(out + o, cap - o, "%02x", d->data[i]);
	if (n < d->len && o + sizeof "…" <= cap)
		memcpy(out + o, "…", sizeof "…");
}

/* The flags as their labels joined by "；", "" for none. */
void ro_fmt_flags(const UnitResult *r, char *out, size_t cap)
{
	uint32_t flags = r->flags;
	size_t o = 0;
	unsigned bit;
	char bottom[300];

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
		/* A bottom rule's own consequence (engine 2) instead of the label. */
		if ((1u << bit) & (ASSESS_FLAG_LAST_MONTH | ASSESS_FLAG_LAST_QUARTER |
				   ASSESS_FLAG_BOTTOM) && r->bottom && *r->bottom) {
			snprintf(bottom, sizeof bottom, "%s%.250s", strstr(r->bottom, "末位") ? "" : "末位：",
				 r->bottom);
			l = bottom;
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


static int cmp_input(const void *a, const void *b)
{
	const UnitInput *const *x = a, *const *y = b;
	return strcmp(S((*x)->unit_code), S((*y)->unit_code));
}

/* The period for people, its usual name and the time-elapsed share of the
 * year (month M: M/12, quarter Q: Q/4, year: all, ISO week W: W/52;
 * common/period.c, the rule the web page's 看板 draws too). */
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
		v->elapsed_bp = week > 0 ? period_elapsed_bp((unsigned)week, 52) : 0;
		break;
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH:
		snprintf(v->period, sizeof v->period, "%d年%d月", sp.year, sp.month);
		snprintf(v->name, sizeof v->name, "%s通报", v->period);
		v->elapsed_bp = period_elapsed_bp((unsigned)sp.month, 12);
		break;
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER:
		snprintf(v->period, sizeof v->period, "%d年第%d季度", sp.year, sp.quarter);
		snprintf(v->name, sizeof v->name, "%s评比", v->period);
		v->elapsed_bp = period_elapsed_bp((unsigned)sp.quarter, 4);
		break;
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR:
		snprintf(v->period, sizeof v->period, "%d年度", sp.year);
		snprintf(v->name, sizeof v->name, "%s考核", v->period);
		v->elapsed_bp = period_elapsed_bp(1, 1);
		break;
	default:
		snprintf(v->period, sizeof v->period, "%s", per);
		snprintf(v->name, sizeof v->name, "%s%s", per, assess_scope_label((int)p->scope));
		break;
	}
}

/* 0 or BS_E_NOMEM; release with ro_view_free either way. */
int ro_view_init(struct view *v, const Publication *p, const AssessInputs *in)
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

void ro_view_free(struct view *v)
{
	free(v->idx);
	v->idx = NULL;
}

const UnitInput *ro_view_input(const struct view *v, const UnitResult *r)
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

const char *ro_view_name(const struct view *v, const UnitResult *r)
{
	const UnitInput *u = ro_view_input(v, r);
	return u && u->unit_name && *u->unit_name ? u->unit_name : S(r->unit_code);
}

/* Whether the unit was given an investment target. */
int ro_view_has_target(const struct view *v, const UnitResult *r)
{
	const UnitInput *u = ro_view_input(v, r);
	if (u)
		return u->has_fai_target;
	return r->has_completion || r->fai_target_fen > 0;
}

const char *ro_view_title(const struct view *v)
{
	return v->p->title && *v->p->title ? v->p->title : v->name;
}

/* ---- the ranking's columns (CSV, XLSX and HTML alike) ---- */


static const char *const heads_before[COLS_BEFORE] = {
	"排名", "单位代码", "单位名称", "总分", "等级", "投资完成率",
	"本年累计完成投资(万元)", "目标(万元)", "同比增速", "招商引资完成率", "招商引资同比",
	"加减分",
};
static const char *const heads_after[COLS_AFTER] = {"应报", "迟报", "缺报", "标记", "说明"};

size_t ro_col_count(const Publication *p)
{
	return COLS_BEFORE + p->n_indicators + COLS_AFTER;
}

/* The kind of column c and, for a score, the indicator's index in *ind. */
enum col ro_col_kind(const Publication *p, size_t c, size_t *ind)
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
int ro_col_numeric(const Publication *p, size_t c)
{
	size_t ind;
	switch (ro_col_kind(p, c, &ind)) {
	case COL_TOTAL: case COL_COMPLETION: case COL_YTD: case COL_TARGET: case COL_GROWTH:
	case COL_ATTR: case COL_ATTR_GROWTH: case COL_ADJUST:
	case COL_SCORE: case COL_DUE: case COL_LATE: case COL_MISSING:
		return 1;
	default:
		return 0;
	}
}

/* The header of column c (in buf for a score's "<label>得分"). */
const char *ro_col_head(const Publication *p, size_t c, char *buf, size_t cap)
{
	size_t ind;
	const Baosong__V1__Indicator *it;

	if (c < COLS_BEFORE)
		return heads_before[c];
	if (ro_col_kind(p, c, &ind) != COL_SCORE)
		return heads_after[c - COLS_BEFORE - p->n_indicators];
	it = p->indicators[ind];
	snprintf(buf, cap, "%s得分", it && it->label && *it->label ? it->label
			: it ? S(it->code) : "");
	return buf;
}

/* Column c of unit r as text, in buf or in the messages (cap >= 32). */
const char *ro_cell_text(const struct view *v, const UnitResult *r, size_t c, char *buf,
			     size_t cap)
{
	size_t ind;

	buf[0] = '\0';
	switch (ro_col_kind(v->p, c, &ind)) {
	case COL_RANK:
		fmt_rank(r, buf, cap);
		break;
	case COL_CODE:
		return S(r->unit_code);
	case COL_NAME:
		return ro_view_name(v, r);
	case COL_TOTAL:
		if (!r->has_total)
			return NA;
		ro_fmt_c2(r->total_c, buf, cap);
		break;
	case COL_GRADE:
		return r->grade && *r->grade ? r->grade : NA;
	case COL_COMPLETION:
		if (!r->has_completion)
			return NA;
		ro_fmt_pct(r->completion_bp, buf, cap);
		break;
	case COL_YTD:
		money_format_wan(r->fai_ytd_fen, buf, cap);
		break;
	case COL_TARGET:
		if (!ro_view_has_target(v, r))
			return NO_TARGET;
		money_format_wan(r->fai_target_fen, buf, cap);
		break;
	case COL_GROWTH:
		if (!r->has_growth)
			return NA;
		ro_fmt_pct(r->growth_bp, buf, cap);
		break;
	case COL_ATTR:
		if (!r->has_attraction)
			return NA;
		ro_fmt_pct(r->attraction_bp, buf, cap);
		break;
	case COL_ATTR_GROWTH:
		if (!r->has_attraction_growth)
			return NA;
		ro_fmt_pct(r->attraction_growth_bp, buf, cap);
		break;
	case COL_ADJUST:
		if (!r->adjust_c)
			return NA;
		ro_fmt_c2(r->adjust_c, buf, cap);
		break;
	case COL_SCORE:
		if (ind >= r->n_scores_c || r->scores_c[ind] < 0)
			return NA;
		ro_fmt_c2(r->scores_c[ind], buf, cap);
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
		ro_fmt_flags(r, buf, cap);
		break;
	case COL_EXPLAIN:
		return S(r->explain);
	}
	return buf;
}

/* ---- writing to a FILE, the first error kept ---- */


void ro_out_fail(struct out *o, int err)
{
	if (!o->err)
		o->err = err;
}

void ro_out_bytes(struct out *o, const void *p, size_t n)
{
	if (o->err || n == 0)
		return;
	if (fwrite(p, 1, n, o->f) != n)
		ro_out_fail(o, BS_E_IO);
}

void ro_out_str(struct out *o, const char *s)
{
	ro_out_bytes(o, s, strlen(s));
}

void ro_out_fmt(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ro_out_fmt(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->err)
		return;
	va_start(ap, fmt);
	if (vfprintf(o->f, fmt, ap) < 0)
		ro_out_fail(o, BS_E_IO);
	va_end(ap);
}

/* ---- CSV ---- */

/* One field: cleaned, a text that a spreadsheet would take for a formula
 * (= + - @ tab CR first) behind an apostrophe, quoted when it holds a
 * comma, a quote or a line break (RFC 4180, quotes doubled). */
static void csv_field(struct out *o, const char *s, int text)
{
	char *c = ro_text_clean(s);
	const char *q, *span;
	int quote;

	if (!c) {
		ro_out_fail(o, BS_E_NOMEM);
		return;
	}
	quote = strpbrk(c, ",\"\r\n") != NULL;
	if (quote)
		ro_out_bytes(o, "\"", 1);
	if (text && c[0] && strchr("=+-@\t\r", c[0]))
		ro_out_bytes(o, "'", 1);
	for (q = span = c; *q; q++) {
		if (*q != '"')
			continue;
		ro_out_bytes(o, span, (size_t)(q - span) + 1);
		span = q;                       /* the quote again: doubled */
	}
	ro_out_bytes(o, span, (size_t)(q - span));
	if (quote)
		ro_out_bytes(o, "\"", 1);
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
	if ((o.err = ro_view_init(&v, p, in)) != BS_OK)
		goto out;
	ncol = ro_col_count(p);
	ro_out_bytes(&o, "\xEF\xBB\xBF", 3);
	for (c = 0; c < ncol; c++) {
		if (c)
			ro_out_bytes(&o, ",", 1);
		csv_field(&o, ro_col_head(p, c, buf, sizeof buf), 1);
	}
	ro_out_bytes(&o, "\r\n", 2);
	for (i = 0; i < p->n_results; i++) {
		const UnitResult *r = p->results[i];
		if (!r)
			continue;
		for (c = 0; c < ncol; c++) {
			if (c)
				ro_out_bytes(&o, ",", 1);
			csv_field(&o, ro_cell_text(&v, r, c, buf, sizeof buf), !ro_col_numeric(p, c));
		}
		ro_out_bytes(&o, "\r\n", 2);
	}
	if (!o.err && (fflush(f) != 0 || ferror(f)))
		o.err = BS_E_IO;
out:
	ro_view_free(&v);
	return o.err;
}

/* ---- files: a temporary name, then into place ---- */

/* Refuse an existing path unless overwrite, then create a new empty file
 * next to it ("<path>.<pid>-<n>.tmp", mode 0666 less the umask) open for
 * writing.  0, BS_E_CONFLICT, BS_E_NOMEM or BS_E_IO. */
int ro_tmp_open(const char *path, int overwrite, char **tmp_out, int *fd_out)
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
int ro_tmp_commit(const char *tmp, const char *path, int overwrite)
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
int ro_file_sync(const char *name)
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

