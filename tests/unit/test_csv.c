/* test_csv.c - the CSV reader behind `baosong import`: RFC 4180 quoting,
 * line breaks inside fields, CRLF, empty fields, the byte order mark, line
 * numbers, malformed input and limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "err.h"

static const struct csv_limits lim = {1024, 64, 1000};

struct reader {
	struct csv_reader *r;
	struct csv_row row;
	struct csv_error err;
};

static void open_reader(struct reader *t, const char *s, size_t len,
			const struct csv_limits *l)
{
	memset(t, 0, sizeof *t);
	assert_int_equal(csv_reader_new(s, len, l ? l : &lim, &t->r), BS_OK);
}

/* The next record must be a row of exactly the n cells given. */
static void expect_row(struct reader *t, unsigned line, size_t n, ...)
{
	va_list ap;
	size_t i;
	assert_int_equal(csv_next(t->r, &t->row, &t->err), 1);
	assert_int_equal(t->row.line, line);
	assert_int_equal(t->row.n, n);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		const char *want = va_arg(ap, const char *);
		assert_string_equal(t->row.cells[i], want);
		assert_int_equal(t->row.lens[i], strlen(want));
	}
	va_end(ap);
}

static void expect_end(struct reader *t)
{
	assert_int_equal(csv_next(t->r, &t->row, &t->err), 0);
	assert_int_equal(csv_next(t->r, &t->row, &t->err), 0);
	csv_reader_free(t->r);
	t->r = NULL;
}

#define OPEN(t, lit) open_reader((t), (lit), sizeof(lit) - 1, NULL)

static void test_simple(void **state)
{
	struct reader t;
	(void)state;
	OPEN(&t, "a,b,c\n1,2,3\n");
	expect_row(&t, 1, 3, "a", "b", "c");
	expect_row(&t, 2, 3, "1", "2", "3");
	expect_end(&t);

	/* No line break at the end: the last line is still a record. */
	OPEN(&t, "项目名称,总投资\n城关镇污水厂,12500");
	expect_row(&t, 1, 2, "项目名称", "总投资");
	expect_row(&t, 2, 2, "城关镇污水厂", "12500");
	expect_end(&t);

	/* Empty input, and a BOM alone. */
	OPEN(&t, "");
	expect_end(&t);
	OPEN(&t, "\xef\xbb\xbf");
	expect_end(&t);
}

static void test_quoting(void **state)
{
	struct reader t;
	(void)state;
	OPEN(&t, "\"a,b\",\"say \"\"hi\"\"\",\"\",plain\n");
	expect_row(&t, 1, 4, "a,b", "say \"hi\"", "", "plain");
	expect_end(&t);

	/* Thousands separators in a quoted number, as Excel writes them. */
	OPEN(&t, "x,\"12,500.00\"\r\n");
	expect_row(&t, 1, 2, "x", "12,500.00");
	expect_end(&t);

	/* Spaces before an opening quote and after a closing one are
	 * dropped; spaces in unquoted fields are kept. */
	OPEN(&t, "a, \"b, c\" , d \n");
	expect_row(&t, 1, 3, "a", "b, c", " d ");
	expect_end(&t);

	/* Only quotes. */
	OPEN(&t, "\"\"\"\"\n");
	expect_row(&t, 1, 1, "\"");
	expect_end(&t);
}

static void test_embedded_newlines(void **state)
{
	struct reader t;
	(void)state;
	/* Line numbers are physical lines: the second record starts on 2 and
	 * runs to 4; the third starts on 5. */
	OPEN(&t, "name,contents\n"
		 "p1,\"新建管网\n扩建泵站\r\n三期\"\n"
		 "p2,x\n");
	expect_row(&t, 1, 2, "name", "contents");
	expect_row(&t, 2, 2, "p1", "新建管网\n扩建泵站\r\n三期");
	assert_int_equal(t.row.end_line, 4);
	expect_row(&t, 5, 2, "p2", "x");
	assert_int_equal(t.row.end_line, 5);
	expect_end(&t);
}

static void test_crlf_and_cr(void **state)
{
	struct reader t;
	(void)state;
	OPEN(&t, "a,b\r\nc,d\r\n\r\ne,f\r\n");
	expect_row(&t, 1, 2, "a", "b");
	expect_row(&t, 2, 2, "c", "d");
	expect_row(&t, 3, 1, ""); /* a blank line is one empty field */
	expect_row(&t, 4, 2, "e", "f");
	expect_end(&t);

	/* Old Macintosh line ends (lone CR). */
	OPEN(&t, "a\rb\r");
	expect_row(&t, 1, 1, "a");
	expect_row(&t, 2, 1, "b");
	expect_end(&t);

	/* Mixed. */
	OPEN(&t, "a\nb\r\nc");
	expect_row(&t, 1, 1, "a");
	expect_row(&t, 2, 1, "b");
	expect_row(&t, 3, 1, "c");
	expect_end(&t);
}

static void test_empty_fields(void **state)
{
	struct reader t;
	(void)state;
	OPEN(&t, ",,\na,,c,\n,\n");
	expect_row(&t, 1, 3, "", "", "");
	expect_row(&t, 2, 4, "a", "", "c", "");
	expect_row(&t, 3, 2, "", "");
	expect_end(&t);

	/* A trailing comma at the very end: one more empty field. */
	OPEN(&t, "a,");
	expect_row(&t, 1, 2, "a", "");
	expect_end(&t);
}

static void test_bom(void **state)
{
	struct reader t;
	(void)state;
	OPEN(&t, "\xef\xbb\xbf项目名称,周次\r\nx,2026-W10\r\n");
	expect_row(&t, 1, 2, "项目名称", "周次");
	expect_row(&t, 2, 2, "x", "2026-W10");
	expect_end(&t);

	/* A BOM anywhere else is data. */
	OPEN(&t, "a\n\xef\xbb\xbf" "b\n");
	expect_row(&t, 1, 1, "a");
	expect_row(&t, 2, 1, "\xef\xbb\xbf" "b");
	expect_end(&t);

	/* A BOM before a quoted field. */
	OPEN(&t, "\xef\xbb\xbf\"a\",b\n");
	expect_row(&t, 1, 2, "a", "b");
	expect_end(&t);
}

static void test_malformed(void **state)
{
	struct reader t;
	(void)state;
	/* A quote inside an unquoted field: that record is reported with its
	 * line and skipped; the next one is read. */
	OPEN(&t, "a,b\nx,ab\"c\ny,z\n");
	expect_row(&t, 1, 2, "a", "b");
	assert_int_equal(csv_next(t.r, &t.row, &t.err), BS_E_INVAL);
	assert_int_equal(t.err.line, 2);
	assert_int_equal(t.err.col, 2);
	assert_int_equal(t.err.fatal, 0);
	assert_non_null(strstr(t.err.msg, "quote"));
	expect_row(&t, 3, 2, "y", "z");
	expect_end(&t);

	/* Text after a closing quote, in a record that spans two lines. */
	OPEN(&t, "\"a\nb\"c,d\ne\n");
	assert_int_equal(csv_next(t.r, &t.row, &t.err), BS_E_INVAL);
	assert_int_equal(t.err.line, 1);
	assert_int_equal(t.err.col, 1);
	assert_int_equal(t.err.fatal, 0);
	expect_row(&t, 3, 1, "e");
	expect_end(&t);

	/* A quote never closed: fatal, naming the line it opened on. */
	OPEN(&t, "a\nb,\"open\nc\nd\n");
	expect_row(&t, 1, 1, "a");
	assert_int_equal(csv_next(t.r, &t.row, &t.err), BS_E_INVAL);
	assert_int_equal(t.err.line, 2);
	assert_int_equal(t.err.fatal, 1);
	assert_non_null(strstr(t.err.msg, "line 2"));
	assert_int_equal(csv_next(t.r, &t.row, &t.err), BS_E_INVAL); /* stays dead */
	csv_reader_free(t.r);

	/* NUL bytes (UTF-16 saved as .csv): fatal. */
	open_reader(&t, "a\0,b\n", 5, NULL);
	assert_int_equal(csv_next(t.r, &t.row, &t.err), BS_E_INVAL);
	assert_int_equal(t.err.fatal, 1);
	assert_non_null(strstr(t.err.msg, "NUL"));
	csv_reader_free(t.r);
	open_reader(&t, "\"a\0\"\n", 5, NULL);
	assert_int_equal(csv_next(t.r, &t.row, &t.err), BS_E_INVAL);
	assert_int_equal(t.err.fatal, 1);
	csv_reader_free(t.r);
}

static void test_limits(void **state)
{
	static const struct csv_limits small = {4, 3, 4};
	static const char in[] = "abcd,x\nabcde,x\n\"ab\ncde\",y\na,b,c,d\n";
	struct reader t;
	(void)state;
	/* A field over 4 bytes, quoted or not, and a 4th column: those records
	 * are skipped (the quoted one with its line break intact), the rest
	 * read. */
	open_reader(&t, in, sizeof in - 1, &small);
	expect_row(&t, 1, 2, "abcd", "x");
	assert_int_equal(csv_next(t.r, &t.row, &t.err), BS_E_TOOBIG);
	assert_int_equal(t.err.line, 2);
	assert_int_equal(t.err.col, 1);
	assert_int_equal(t.err.fatal, 0);
	assert_int_equal(csv_next(t.r, &t.row, &t.err), BS_E_TOOBIG);
	assert_int_equal(t.err.line, 3);
	assert_int_equal(csv_next(t.r, &t.row, &t.err), BS_E_TOOBIG);
	assert_int_equal(t.err.line, 5);
	assert_int_equal(t.err.col, 4);
	assert_non_null(strstr(t.err.msg, "columns"));
	/* Four records in all, the limit: the end. */
	assert_int_equal(csv_next(t.r, &t.row, &t.err), 0);
	csv_reader_free(t.r);

	open_reader(&t, "a\nb\nc\nd\ne\nf\n", 12, &small);
	expect_row(&t, 1, 1, "a");
	expect_row(&t, 2, 1, "b");
	expect_row(&t, 3, 1, "c");
	expect_row(&t, 4, 1, "d");
	assert_int_equal(csv_next(t.r, &t.row, &t.err), BS_E_TOOBIG);
	assert_int_equal(t.err.fatal, 1);
	assert_non_null(strstr(t.err.msg, "rows"));
	csv_reader_free(t.r);
}

/* Cells can be changed in place (import trims them). */
static void test_writable(void **state)
{
	struct reader t;
	(void)state;
	OPEN(&t, " a ,b\n");
	assert_int_equal(csv_next(t.r, &t.row, &t.err), 1);
	t.row.cells[0][2] = '\0';
	assert_string_equal(t.row.cells[0] + 1, "a");
	assert_string_equal(t.row.cells[1], "b");
	expect_end(&t);
}

/* Every prefix of a tricky input, and every byte value, is handled
 * without a crash (ASan checks the bounds). */
static void test_robust(void **state)
{
	static const char tricky[] = "\xef\xbb\xbf\"a\"\"b\",\"c\nd\"\r\ne\"f,,\"g\"h\r\"";
	struct reader t;
	char buf[64];
	size_t n, i;
	int rv, rows;
	(void)state;
	for (n = 0; n < sizeof tricky; n++) {
		open_reader(&t, tricky, n, NULL);
		rows = 0;
		while ((rv = csv_next(t.r, &t.row, &t.err)) != 0 && rows < 100) {
			rows++;
			if (rv < 0 && t.err.fatal)
				break;
		}
		assert_true(rows < 100);
		csv_reader_free(t.r);
	}
	for (i = 0; i < 256; i++) {
		snprintf(buf, sizeof buf, "x%c,\"%c\"\n", (char)i, (char)i);
		open_reader(&t, buf, 7, NULL);
		while ((rv = csv_next(t.r, &t.row, &t.err)) != 0)
			if (rv < 0 && t.err.fatal)
				break;
		csv_reader_free(t.r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_embedded_newlines),
		cmocka_unit_test(test_crlf_and_cr),
		cmocka_unit_test(test_empty_fields),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_writable),
		cmocka_unit_test(test_robust),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
