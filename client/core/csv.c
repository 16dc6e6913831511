/* csv.c - RFC 4180 records from one buffer, within limits, with the line
 * each record starts on so that people can find it in their spreadsheet. */
#include "csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

struct csv_reader {
	const char *data;
	size_t len, pos;
	unsigned line;             /* physical line at pos, from 1 */
	size_t rows;               /* records started */
	struct csv_limits lim;

	char *buf;                 /* the current record's fields, NUL-terminated */
	size_t used, cap;
	size_t *offs, *lens;       /* per field */
	char **cells;
	size_t ncap;

	/* The current record's first problem (0: none). */
	int pend;
	struct csv_error perr;

	int dead;                  /* a fatal error happened: repeat it */
	int dead_rv;
	struct csv_error dead_err;
};

int csv_reader_new(const char *data, size_t len, const struct csv_limits *lim,
		   struct csv_reader **out)
{
	struct csv_reader *r = calloc(1, sizeof *r);
	if (!r)
		return BS_E_NOMEM;
	r->data = data;
	r->len = len;
	r->line = 1;
	r->lim = *lim;
	if (r->lim.field_max == 0)
		r->lim.field_max = 1;
	if (r->lim.cols_max == 0)
		r->lim.cols_max = 1;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		r->pos = 3;
	*out = r;
	return BS_OK;
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r->offs);
	free(r->lens);
	free(r->cells);
	free(r);
}

static void set_error(struct csv_error *e, unsigned line, unsigned col, int fatal,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void set_error(struct csv_error *e, unsigned line, unsigned col, int fatal,
		      const char *fmt, ...)
{
	va_list ap;
	e->line = line;
	e->col = col;
	e->fatal = fatal;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

/* Remember the record's first problem; the record is skipped at its end. */
#define PROBLEM(r, rv, col, ...)                                                   \
	do {                                                                       \
		if (!(r)->pend) {                                                  \
			(r)->pend = (rv);                                          \
			set_error(&(r)->perr, 0, (unsigned)(col), 0, __VA_ARGS__); \
		}                                                                  \
	} while (0)

static int die(struct csv_reader *r, int rv, unsigned line, unsigned col,
	       struct csv_error *err, const char *msg)
{
	r->dead = 1;
	r->dead_rv = rv;
	set_error(&r->dead_err, line, col, 1, "%s", msg);
	*err = r->dead_err;
	return rv;
}

static int reserve(struct csv_reader *r, size_t more)
{
	size_t cap = r->cap ? r->cap : 256;
	char *nb;
	if (r->cap - r->used >= more)
		return BS_OK;
	while (cap - r->used < more)
		cap *= 2;
	if (!(nb = realloc(r->buf, cap)))
		return BS_E_NOMEM;
	r->buf = nb;
	r->cap = cap;
	return BS_OK;
}

static int reserve_fields(struct csv_reader *r, size_t n)
{
	size_t cap = r->ncap ? r->ncap : 16;
	size_t *o, *l;
	char **c;
	if (n <= r->ncap)
		return BS_OK;
	while (cap < n)
		cap *= 2;
	o = realloc(r->offs, cap * sizeof *o);
	if (o)
		r->offs = o;
	l = realloc(r->lens, cap * sizeof *l);
	if (l)
		r->lens = l;
	c = realloc(r->cells, cap * sizeof *c);
	if (c)
		r->cells = c;
	if (!o || !l || !c)
		return BS_E_NOMEM;
	r->ncap = cap;
	return BS_OK;
}

/* Append byte c to the field being read (keep: it is within the column
 * limit; *flen: its length so far). */
static int put(struct csv_reader *r, char c, int keep, size_t *flen, unsigned col)
{
	if (!keep)
		return BS_OK;
	if (*flen >= r->lim.field_max) {
		PROBLEM(r, BS_E_TOOBIG, col, "第 %u 列超过 %zu 字节 field %u is longer than %zu bytes",
			col, r->lim.field_max, col, r->lim.field_max);
		return BS_OK;
	}
	if (reserve(r, 1) != BS_OK)
		return BS_E_NOMEM;
	r->buf[r->used++] = c;
	(*flen)++;
	return BS_OK;
}

static int is_field_end(char c)
{
	return c == ',' || c == '\r' || c == '\n';
}

static const char nul_msg[] = "含有空字符，不是文本文件（UTF-16？请另存为 CSV UTF-8）"
			      " contains a NUL byte: not a text file (UTF-16? save as CSV UTF-8)";

int csv_next(struct csv_reader *r, struct csv_row *row, struct csv_error *err)
{
	const char *d = r->data;
	size_t nf = 0, i;
	unsigned start;
	int ended_nl = 0;

	if (r->dead) {
		*err = r->dead_err;
		return r->dead_rv;
	}
	if (r->pos >= r->len)
		return 0;
	if (r->rows >= r->lim.rows_max) {
		char msg[160];
		snprintf(msg, sizeof msg, "超过 %zu 行 more than %zu rows; split the file",
			 r->lim.rows_max, r->lim.rows_max);
		return die(r, BS_E_TOOBIG, r->line, 0, err, msg);
	}
	r->rows++;
	start = r->line;
	r->used = 0;
	r->pend = 0;

	for (;;) { /* one field */
		unsigned col = (unsigned)(nf + 1);
		int keep = nf < r->lim.cols_max;
		size_t flen = 0, p;

		if (!keep)
			PROBLEM(r, BS_E_TOOBIG, col, "超过 %zu 列 more than %zu columns",
				r->lim.cols_max, r->lim.cols_max);
		if (keep) {
			if (reserve_fields(r, nf + 1) != BS_OK)
				goto nomem;
			r->offs[nf] = r->used;
		}
		/* Spaces before an opening quote are not part of the field. */
		for (p = r->pos; p < r->len && (d[p] == ' ' || d[p] == '\t'); p++)
			;
		if (p < r->len && d[p] == '"') {
			unsigned open_line = r->line;
			r->pos = p + 1;
			for (;;) {
				char c;
				if (r->pos >= r->len) {
					char msg[200];
					snprintf(msg, sizeof msg,
						 "第 %u 行第 %u 列的引号没有结束 the quote opened "
						 "on line %u (field %u) is never closed",
						 open_line, col, open_line, col);
					return die(r, BS_E_INVAL, start, col, err, msg);
				}
				c = d[r->pos];
				if (c == '"') {
					if (r->pos + 1 < r->len && d[r->pos + 1] == '"') {
						if (put(r, '"', keep, &flen, col) != BS_OK)
							goto nomem;
						r->pos += 2;
						continue;
					}
					r->pos++;
					break;
				}
				if (c == '\0')
					return die(r, BS_E_INVAL, r->line, col, err, nul_msg);
				if (c == '\n' ||
				    (c == '\r' && !(r->pos + 1 < r->len && d[r->pos + 1] == '\n')))
					r->line++;
				if (put(r, c, keep, &flen, col) != BS_OK)
					goto nomem;
				r->pos++;
			}
			while (r->pos < r->len && (d[r->pos] == ' ' || d[r->pos] == '\t'))
				r->pos++;
			if (r->pos < r->len && !is_field_end(d[r->pos]))
				PROBLEM(r, BS_E_INVAL, col,
					"第 %u 列的引号后还有内容 text after the closing quote of "
					"field %u (a quote inside a field is written \"\")",
					col, col);
		}
		/* Unquoted text (or what follows a bad closing quote). */
		while (r->pos < r->len && !is_field_end(d[r->pos])) {
			char c = d[r->pos];
			if (c == '"')
				PROBLEM(r, BS_E_INVAL, col,
					"第 %u 列中间有引号 a quote inside unquoted field %u (put "
					"the field in quotes and write each quote as \"\")",
					col, col);
			else if (c == '\0')
				return die(r, BS_E_INVAL, r->line, col, err, nul_msg);
			if (put(r, c, keep, &flen, col) != BS_OK)
				goto nomem;
			r->pos++;
		}
		if (keep) {
			if (reserve(r, 1) != BS_OK)
				goto nomem;
			r->buf[r->used++] = '\0';
			r->lens[nf] = flen;
		}
		nf++;
		if (r->pos >= r->len)
			break;
		if (d[r->pos] == ',') {
			r->pos++;
			continue;
		}
		if (d[r->pos] == '\r' && r->pos + 1 < r->len && d[r->pos + 1] == '\n')
			r->pos++;
		r->pos++;
		r->line++;
		ended_nl = 1;
		break;
	}

	if (r->pend) {
		*err = r->perr;
		err->line = start;
		return r->pend;
	}
	for (i = 0; i < nf; i++)
		r->cells[i] = r->buf + r->offs[i];
	row->line = start;
	row->end_line = ended_nl ? r->line - 1 : r->line;
	row->n = nf;
	row->cells = r->cells;
	row->lens = r->lens;
	return 1;
nomem:
	return die(r, BS_E_NOMEM, start, 0, err, "内存不足 out of memory");
}
