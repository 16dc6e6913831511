/* xlsx.c - the first worksheet of an .xlsx workbook as CSV text (xlsx.h),
 * with minizip for the archive and expat for the XML. */
#include "xlsx.h"

#include <assert.h>
#include <errno.h>
#include <expat.h>
#include <minizip/unzip.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "period.h"

#define CELL_MAX (64u * 1024u)   /* bytes of one cell's text */
#define NAME_MAX_ 512u           /* bytes of a part name */
#define FMTS_MAX 4096u           /* custom number formats, cell formats */

static void errf(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;
	if (!err || !cap)
		return;
	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
}

int xlsx_magic(const unsigned char *head, size_t n)
{
	return n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
}

/* ---- a growing buffer with a limit ---- */

struct buf {
	char *p;
	size_t n, cap, max;
	int oom, toobig;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->oom || b->toobig)
		return;
	if (n > b->max - b->n) {
		b->toobig = 1;
		return;
	}
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 256;
		char *np;
		while (nc < b->n + n + 1)
			nc *= 2;
		if (!(np = realloc(b->p, nc))) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void buf_reset(struct buf *b)
{
	b->n = 0;
	if (b->p)
		b->p[0] = '\0';
	b->toobig = 0;
}

/* ---- parts of the archive ---- */

/* The uncompressed part name into *out (malloc'd), at most XLSX_PART_MAX
 * bytes whatever the archive says.  BS_E_NOTFOUND when there is none.  An
 * xlsx_part_fn on the archive ctx. */
static int read_part(void *ctx, const char *name, char **out, size_t *len, char *err, size_t cap)
{
	unzFile z = ctx;
	struct buf b = {NULL, 0, 0, XLSX_PART_MAX, 0, 0};
	char chunk[16384];
	int got, rc;

	if (unzLocateFile(z, name, 2) != UNZ_OK)
		return BS_E_NOTFOUND;
	if (unzOpenCurrentFile(z) != UNZ_OK) {
		errf(err, cap, "工作簿中的 %s 无法读取 cannot read %s in the workbook", name, name);
		return BS_E_INVAL;
	}
	while ((got = unzReadCurrentFile(z, chunk, sizeof chunk)) > 0) {
		buf_add(&b, chunk, (size_t)got);
		if (b.oom || b.toobig)
			break;
	}
	rc = unzCloseCurrentFile(z);
	if (b.oom) {
		free(b.p);
		return BS_E_NOMEM;
	}
	if (b.toobig) {
		free(b.p);
		errf(err, cap, "工作簿中的 %s 过大（解压后超过 %u MiB） %s is too large", name,
		     XLSX_PART_MAX >> 20, name);
		return BS_E_TOOBIG;
	}
	if (got < 0 || rc != UNZ_OK) {
		free(b.p);
		errf(err, cap, "工作簿中的 %s 已损坏 %s is damaged (ZIP data or checksum)", name,
		     name);
		return BS_E_INVAL;
	}
	if (!b.p && !(b.p = calloc(1, 1)))
		return BS_E_NOMEM;
	*out = b.p;
	*len = b.n;
	return BS_OK;
}

/* ---- XML helpers ---- */

/* An element or attribute name without its namespace prefix. */
static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	size_t i;
	for (i = 0; atts && atts[i]; i += 2)
		if (!strcmp(local(atts[i]), name))
			return atts[i + 1];
	return NULL;
}

/* Parse text with handlers on ctx.  BS_E_INVAL (message) when expat
 * refuses it or a handler stopped it (*failed set by the handler). */
static int parse_xml(const char *text, size_t len, const char *part, void *ctx,
		     XML_StartElementHandler start, XML_EndElementHandler end,
		     XML_CharacterDataHandler chars, const int *failed, char *err, size_t cap)
{
	XML_Parser x = XML_ParserCreate("UTF-8");
	int ok;
	if (!x)
		return BS_E_NOMEM;
	XML_SetUserData(x, ctx);
	XML_SetElementHandler(x, start, end);
	if (chars)
		XML_SetCharacterDataHandler(x, chars);
	ok = len <= INT32_MAX && XML_Parse(x, text, (int)len, 1) == XML_STATUS_OK;
	if (!ok && (!failed || !*failed))
		errf(err, cap, "工作簿中的 %s 不是有效的 XML %s is not valid XML (line %lu: %s)",
		     part, part, (unsigned long)XML_GetCurrentLineNumber(x),
		     XML_ErrorString(XML_GetErrorCode(x)));
	XML_ParserFree(x);
	return ok ? BS_OK : BS_E_INVAL;
}

/* ---- the workbook: the first sheet's relationship id, the date system ---- */

struct book {
	char rid[128];
	int date1904;
	char target[NAME_MAX_];
	int failed;
};

static void book_start(void *ctx, const char *name, const char **atts)
{
	struct book *b = ctx;
	const char *n = local(name), *v;
	if (!strcmp(n, "sheet") && !b->rid[0] && (v = attr(atts, "id")))
		snprintf(b->rid, sizeof b->rid, "%s", v);
	else if (!strcmp(n, "workbookPr") && (v = attr(atts, "date1904")))
		b->date1904 = !strcmp(v, "1") || !strcasecmp(v, "true");
}

static void rels_start(void *ctx, const char *name, const char **atts)
{
	struct book *b = ctx;
	const char *id, *t;
	if (strcmp(local(name), "Relationship") != 0 || b->target[0])
		return;
	id = attr(atts, "Id");
	t = attr(atts, "Target");
	if (!id || !t || strcmp(id, b->rid) != 0)
		return;
	if (t[0] == '/')
		snprintf(b->target, sizeof b->target, "%s", t + 1);
	else
		snprintf(b->target, sizeof b->target, "xl/%s", t);
}

static void no_end(void *ctx, const char *name)
{
	(void)ctx;
	(void)name;
}

/* ---- shared strings ---- */

struct strings {
	struct buf text;           /* every string, each followed by a NUL */
	size_t *at;                /* offsets */
	size_t n, cap;
	struct buf cur;
	int in_si, in_t, in_rph;
	int failed;                /* 2: a string over CELL_MAX (sticky) */
	size_t toobig_at;          /* which string, from 1 */
};

static void ss_start(void *ctx, const char *name, const char **atts)
{
	struct strings *s = ctx;
	const char *n = local(name);
	(void)atts;
	if (!strcmp(n, "si")) {
		s->in_si = 1;
		buf_reset(&s->cur);
	} else if (!strcmp(n, "rPh")) {
		s->in_rph = 1;         /* phonetic guide: not the cell's text */
	} else if (!strcmp(n, "t") && s->in_si && !s->in_rph) {
		s->in_t = 1;
	}
}

static void ss_end(void *ctx, const char *name)
{
	struct strings *s = ctx;
	const char *n = local(name);
	if (!strcmp(n, "t")) {
		s->in_t = 0;
	} else if (!strcmp(n, "rPh")) {
		s->in_rph = 0;
	} else if (!strcmp(n, "si") && s->in_si) {
		s->in_si = 0;
		if (s->cur.toobig && !s->failed) {
			/* buf_reset on the next <si> forgets it: remember it here */
			s->failed = 2;
			s->toobig_at = s->n + 1;
		}
		if (s->n == s->cap) {
			size_t nc = s->cap ? s->cap * 2 : 256;
			size_t *na = realloc(s->at, nc * sizeof *na);
			if (!na) {
				s->text.oom = 1;
				return;
			}
			s->at = na;
			s->cap = nc;
		}
		s->at[s->n++] = s->text.n;
		buf_add(&s->text, s->cur.p ? s->cur.p : "", s->cur.n);
		buf_add(&s->text, "", 1);
	}
}

static void ss_chars(void *ctx, const char *t, int len)
{
	struct strings *s = ctx;
	if (s->in_t && len > 0)
		buf_add(&s->cur, t, (size_t)len);
}

/* ---- styles: which cell formats are dates ---- */

struct styles {
	int custom_id[FMTS_MAX];   /* custom number formats that are dates */
	size_t n_custom;
	unsigned char *xf_date;    /* per cell format: 1 if a date */
	size_t n_xf, cap_xf;
	int in_xfs;
	int failed;
};

/* Whether a number format code shows a date: y or d (or 年/日) outside
 * quoted text and [..] sections. */
static int code_is_date(const char *code)
{
	const char *c;
	int q = 0, br = 0;
	for (c = code; *c; c++) {
		if (*c == '"')
			q = !q;
		else if (!q && *c == '[')
			br = 1;
		else if (!q && *c == ']')
			br = 0;
		else if (!q && !br && (*c == 'y' || *c == 'Y' || *c == 'd' || *c == 'D'))
			return 1;
		else if (*c == '\\' && c[1])
			c++;
	}
	return strstr(code, "年") != NULL || strstr(code, "日") != NULL;
}

static int builtin_date(long id)
{
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) ||
	       (id >= 50 && id <= 58);
}

static void st_start(void *ctx, const char *name, const char **atts)
{
	struct styles *s = ctx;
	const char *n = local(name), *id, *code;
	if (!strcmp(n, "numFmt")) {
		id = attr(atts, "numFmtId");
		code = attr(atts, "formatCode");
		if (id && code && code_is_date(code) && s->n_custom < FMTS_MAX)
			s->custom_id[s->n_custom++] = atoi(id);
	} else if (!strcmp(n, "cellXfs")) {
		s->in_xfs = 1;
	} else if (!strcmp(n, "xf") && s->in_xfs) {
		long fid = (id = attr(atts, "numFmtId")) ? strtol(id, NULL, 10) : 0;
		int date = builtin_date(fid);
		size_t i;
		for (i = 0; !date && i < s->n_custom; i++)
			date = s->custom_id[i] == fid;
		if (s->n_xf >= FMTS_MAX)
			return;
		if (s->n_xf == s->cap_xf) {
			size_t nc = s->cap_xf ? s->cap_xf * 2 : 64;
			unsigned char *na = realloc(s->xf_date, nc);
			if (!na) {
				s->failed = 1;
				return;
			}
			s->xf_date = na;
			s->cap_xf = nc;
		}
		s->xf_date[s->n_xf++] = (unsigned char)date;
	}
}

static void st_end(void *ctx, const char *name)
{
	struct styles *s = ctx;
	if (!strcmp(local(name), "cellXfs"))
		s->in_xfs = 0;
}

/* ---- the sheet ---- */

struct sheet {
	const struct strings *ss;
	const struct styles *st;
	int date1904;
	struct buf out;            /* the CSV */
	char **cells;              /* this row's, by column */
	size_t ncells;             /* columns used in this row */
	unsigned long row, last_row;
	size_t col;                /* the next cell's column when it has no r */
	size_t cell_col;           /* the open <c>'s own column */
	char type[16];
	long style;
	struct buf val;
	int in_v, in_row, in_cell; /* in_cell: inside a <c>, kept or not */
	int failed;
	char *err;
	size_t errcap;
};

/* "B12" -> column 1 (from 0) and row 12; 0 or -1. */
static int cell_ref(const char *r, size_t *col, unsigned long *row)
{
	size_t c = 0;
	unsigned long rw = 0;
	int letters = 0, digits = 0;
	for (; *r >= 'A' && *r <= 'Z' && letters < 4; r++, letters++)
		c = c * 26 + (size_t)(*r - 'A' + 1);
	for (; *r >= '0' && *r <= '9' && digits < 8; r++, digits++)
		rw = rw * 10 + (unsigned long)(*r - '0');
	if (!letters || *r)
		return -1;
	*col = c - 1;
	if (digits)
		*row = rw;
	return 0;
}

static void sh_fail(struct sheet *s, int code_toobig, const char *msg)
{
	if (!s->failed)
		errf(s->err, s->errcap, "%s", msg);
	s->failed = code_toobig ? 2 : 1;
}

static void csv_cell(struct buf *b, const char *v)
{
	if (strpbrk(v, ",\"\r\n")) {
		const char *p;
		buf_add(b, "\"", 1);
		for (p = v; *p; p++) {
			buf_add(b, p, 1);
			if (*p == '"')
				buf_add(b, "\"", 1);
		}
		buf_add(b, "\"", 1);
	} else {
		buf_add(b, v, strlen(v));
	}
}

static void emit_row(struct sheet *s)
{
	size_t i;
	/* Empty rows in between, so that record N is row N. */
	while (s->last_row + 1 < s->row && !s->out.toobig) {
		buf_add(&s->out, "\r\n", 2);
		s->last_row++;
	}
	for (i = 0; i < s->ncells; i++) {
		if (i)
			buf_add(&s->out, ",", 1);
		if (s->cells[i])
			csv_cell(&s->out, s->cells[i]);
	}
	buf_add(&s->out, "\r\n", 2);
	s->last_row = s->row;
	for (i = 0; i < s->ncells; i++) {
		free(s->cells[i]);
		s->cells[i] = NULL;
	}
	s->ncells = 0;
	if (s->out.toobig)
		sh_fail(s, 1, "工作表转换后过大 the worksheet is too large to import; split it");
	if (s->out.oom)
		sh_fail(s, 0, "内存不足 out of memory");
}

/* The value of the cell just read, as people see it. */
static char *cell_value(struct sheet *s)
{
	const char *v = s->val.p ? s->val.p : "";
	char tmp[64];
	if (!strcmp(s->type, "s")) {
		char *end;
		unsigned long k = strtoul(v, &end, 10);
		if (end == v || *end || k >= s->ss->n) {
			sh_fail(s, 0, "工作表引用了不存在的共享字符串 the sheet refers to a shared "
				      "string that does not exist");
			return NULL;
		}
		return strdup(s->ss->text.p + s->ss->at[k]);
	}
	if (!strcmp(s->type, "b"))
		return strdup(!strcmp(v, "1") ? "TRUE" : "FALSE");
	if (!strcmp(s->type, "inlineStr") || !strcmp(s->type, "str") || !strcmp(s->type, "e"))
		return strdup(v);
	/* A number: a date when its format is one, else at most 15 digits. */
	if (*v) {
		char *end;
		double d;
		errno = 0;
		d = strtod(v, &end);
		if (end != v && !*end && errno == 0) {
			if (s->style >= 0 && (size_t)s->style < s->st->n_xf &&
			    s->st->xf_date[s->style] && d >= 1 && d < 2958466) {
				long serial = (long)d;
				int64_t days = s->date1904
						       ? period_days_from_civil(1904, 1, 1) + serial
						       : serial < 61
								 ? period_days_from_civil(1899, 12, 31) + serial
								 : period_days_from_civil(1899, 12, 30) + serial;
				char date[11];
				period_format_date(days, date);
				return strdup(date);
			}
			if (strpbrk(v, ".eE")) {
				snprintf(tmp, sizeof tmp, "%.15g", d);
				return strdup(tmp);
			}
		}
	}
	return strdup(v);
}

static void sh_start(void *ctx, const char *name, const char **atts)
{
	struct sheet *s = ctx;
	const char *n = local(name), *v;
	if (s->failed)
		return;
	if (!strcmp(n, "row")) {
		unsigned long r = s->last_row + 1;
		if (s->in_row || s->in_cell) {
			sh_fail(s, 0, "工作表已损坏：行中又有行 the worksheet is malformed (a row inside a "
				      "row or a cell); open it in Excel or WPS and save it again");
			return;
		}
		if ((v = attr(atts, "r"))) {
			char *end;
			unsigned long x = strtoul(v, &end, 10);
			if (end != v && !*end && x > s->last_row && x <= XLSX_ROWS_MAX)
				r = x;
		}
		s->row = r;
		s->col = 0;
		s->in_row = 1;
	} else if (!strcmp(n, "c") && s->in_row) {
		size_t col = s->col;
		unsigned long rw = s->row;
		if (s->in_cell) {
			sh_fail(s, 0, "工作表已损坏：单元格中又有单元格 the worksheet is malformed (a "
				      "cell inside a cell); open it in Excel or WPS and save it again");
			return;
		}
		if ((v = attr(atts, "r")) && cell_ref(v, &col, &rw) != 0)
			col = s->col;
		s->col = col + 1;
		snprintf(s->type, sizeof s->type, "%s", (v = attr(atts, "t")) ? v : "n");
		s->style = (v = attr(atts, "s")) ? strtol(v, NULL, 10) : -1;
		buf_reset(&s->val);
		(void)rw;
		s->in_cell = 1;
		s->cell_col = col;     /* columns from XLSX_COLS_MAX on are skipped */
		if (col < XLSX_COLS_MAX && col >= s->ncells)
			s->ncells = col + 1;
	} else if (s->in_cell && s->cell_col < XLSX_COLS_MAX &&
		   (!strcmp(n, "v") || (!strcmp(n, "t")))) {
		if (!strcmp(n, "v"))
			buf_reset(&s->val);
		s->in_v = 1;
	}
}

static void sh_end(void *ctx, const char *name)
{
	struct sheet *s = ctx;
	const char *n = local(name);
	if (s->failed)
		return;
	if (!strcmp(n, "v") || !strcmp(n, "t")) {
		s->in_v = 0;
	} else if (!strcmp(n, "c") && s->in_cell) {
		size_t col = s->cell_col;
		s->in_cell = 0;
		s->in_v = 0;
		if (col >= XLSX_COLS_MAX)
			return;
		if (s->val.toobig) {
			sh_fail(s, 1, "单元格内容过长 a cell holds too much text (64 KiB at most)");
			return;
		}
		free(s->cells[col]);
		if (!(s->cells[col] = cell_value(s)) && !s->failed)
			sh_fail(s, 0, "内存不足 out of memory");
	} else if (!strcmp(n, "row") && s->in_row) {
		s->in_row = 0;
		emit_row(s);
	}
}

static void sh_chars(void *ctx, const char *t, int len)
{
	struct sheet *s = ctx;
	if (s->in_v && len > 0 && !s->failed)
		buf_add(&s->val, t, (size_t)len);
}

/* ---- putting it together ---- */

int xlsx_parts_to_csv(xlsx_part_fn get, void *ctx, const char *path, size_t max, char **csv,
		      size_t *len, char *err, size_t cap)
{
	struct book bk;
	struct strings ss;
	struct styles *st = NULL;
	struct sheet sh;
	char *part = NULL;
	size_t plen = 0;
	int rv;

	assert(get && path && csv && len);
	memset(&bk, 0, sizeof bk);
	memset(&ss, 0, sizeof ss);
	memset(&sh, 0, sizeof sh);
	ss.text.max = XLSX_PART_MAX;
	ss.cur.max = CELL_MAX;
	sh.out.max = max;
	sh.val.max = CELL_MAX;
	if (!(st = calloc(1, sizeof *st)) ||
	    !(sh.cells = calloc(XLSX_COLS_MAX + 1, sizeof *sh.cells))) {
		rv = BS_E_NOMEM;
		goto out;
	}

	/* Which part is the first sheet. */
	if ((rv = get(ctx, "xl/workbook.xml", &part, &plen, err, cap)) != BS_OK) {
		if (rv == BS_E_NOTFOUND)
			errf(err, cap, "%s 中没有 xl/workbook.xml：不是 Excel 工作簿 is not an Excel "
				       "workbook (save it as .xlsx, or as CSV)", path);
		rv = rv == BS_E_NOTFOUND ? BS_E_INVAL : rv;
		goto out;
	}
	if ((rv = parse_xml(part, plen, "xl/workbook.xml", &bk, book_start, no_end, NULL,
			    &bk.failed, err, cap)) != BS_OK)
		goto out;
	free(part);
	part = NULL;
	if (bk.rid[0] && get(ctx, "xl/_rels/workbook.xml.rels", &part, &plen, err, cap) ==
				 BS_OK) {
		if ((rv = parse_xml(part, plen, "xl/_rels/workbook.xml.rels", &bk, rels_start,
				    no_end, NULL, &bk.failed, err, cap)) != BS_OK)
			goto out;
		free(part);
		part = NULL;
	}
	if (!bk.target[0])
		snprintf(bk.target, sizeof bk.target, "xl/worksheets/sheet1.xml");
	sh.date1904 = bk.date1904;

	/* Text cells and date formats (either part may be absent). */
	rv = get(ctx, "xl/sharedStrings.xml", &part, &plen, err, cap);
	if (rv == BS_OK) {
		rv = parse_xml(part, plen, "xl/sharedStrings.xml", &ss, ss_start, ss_end, ss_chars,
			       &ss.failed, err, cap);
		free(part);
		part = NULL;
		if (rv == BS_OK && (ss.text.oom || ss.cur.oom))
			rv = BS_E_NOMEM;
		else if (rv == BS_OK && ss.failed == 2) {
			errf(err, cap, "第 %zu 个共享字符串（文本单元格）超过 64 KiB，请缩短该单元格后再导入 "
				       "shared string %zu (a text cell) holds more than 64 KiB; shorten "
				       "that cell and import again", ss.toobig_at, ss.toobig_at);
			rv = BS_E_TOOBIG;
		} else if (rv == BS_OK && (ss.text.toobig || ss.cur.toobig)) {
			errf(err, cap, "共享字符串过大 the shared strings are too large");
			rv = BS_E_TOOBIG;
		}
	}
	if (rv != BS_OK && rv != BS_E_NOTFOUND)
		goto out;
	rv = get(ctx, "xl/styles.xml", &part, &plen, err, cap);
	if (rv == BS_OK) {
		rv = parse_xml(part, plen, "xl/styles.xml", st, st_start, st_end, NULL, &st->failed,
			       err, cap);
		free(part);
		part = NULL;
		if (rv == BS_OK && st->failed)
			rv = BS_E_NOMEM;
	}
	if (rv != BS_OK && rv != BS_E_NOTFOUND)
		goto out;

	/* The sheet itself. */
	if ((rv = get(ctx, bk.target, &part, &plen, err, cap)) != BS_OK) {
		if (rv == BS_E_NOTFOUND)
			errf(err, cap, "工作簿中没有第一个工作表 %s the first worksheet is missing",
			     bk.target);
		rv = rv == BS_E_NOTFOUND ? BS_E_INVAL : rv;
		goto out;
	}
	sh.ss = &ss;
	sh.st = st;
	sh.err = err;
	sh.errcap = cap;
	rv = parse_xml(part, plen, bk.target, &sh, sh_start, sh_end, sh_chars, &sh.failed, err,
		       cap);
	if (sh.failed)
		rv = sh.failed == 2 ? BS_E_TOOBIG : BS_E_INVAL;
	if (rv == BS_OK && (sh.out.oom || sh.val.oom))
		rv = BS_E_NOMEM;
	if (rv != BS_OK)
		goto out;
	if (!sh.out.p && !(sh.out.p = calloc(1, 1))) {
		rv = BS_E_NOMEM;
		goto out;
	}
	*csv = sh.out.p;
	*len = sh.out.n;
	sh.out.p = NULL;
out:
	if (sh.cells) {
		size_t i;
		for (i = 0; i < XLSX_COLS_MAX + 1; i++)
			free(sh.cells[i]);
	}
	free(sh.cells);
	free(sh.out.p);
	free(sh.val.p);
	free(ss.text.p);
	free(ss.cur.p);
	free(ss.at);
	if (st)
		free(st->xf_date);
	free(st);
	free(part);
	if (rv == BS_E_NOMEM)
		errf(err, cap, "内存不足 out of memory");
	return rv;
}

int xlsx_to_csv(const char *path, size_t max, char **csv, size_t *len, char *err, size_t cap)
{
	unzFile z;
	FILE *f;
	int rv;

	if (!(f = fopen(path, "rb"))) {
		errf(err, cap, "无法打开文件 cannot open %s: %s", path, strerror(errno));
		return errno == ENOENT || errno == ENOTDIR ? BS_E_NOTFOUND : BS_E_IO;
	}
	fclose(f);
	if (!(z = unzOpen64(path))) {
		errf(err, cap, "%s 不是有效的 .xlsx 工作簿 is not a valid .xlsx workbook (ZIP)", path);
		return BS_E_INVAL;
	}
	rv = xlsx_parts_to_csv(read_part, z, path, max, csv, len, err, cap);
	unzClose(z);
	return rv;
}
