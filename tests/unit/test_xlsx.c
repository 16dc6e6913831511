/* test_xlsx.c - the .xlsx reader behind `baosong import`: a workbook's XML
 * parts given from memory (xlsx_parts_to_csv) -- shared strings, inline
 * strings, hostile nesting of rows and cells, oversize cells -- and one
 * workbook written with libxlsxwriter read back from disk (xlsx_to_csv). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "err.h"
#include "xlsx.h"

/* The parts of a workbook in memory; NULL: the part is absent. */
struct parts {
	const char *workbook, *strings, *sheet;
};

static int mem_part(void *ctx, const char *name, char **out, size_t *len, char *err,
		    size_t errcap)
{
	const struct parts *p = ctx;
	const char *t = NULL;
	(void)err;
	(void)errcap;
	if (!strcmp(name, "xl/workbook.xml"))
		t = p->workbook;
	else if (!strcmp(name, "xl/sharedStrings.xml"))
		t = p->strings;
	else if (!strcmp(name, "xl/worksheets/sheet1.xml"))
		t = p->sheet;
	if (!t)
		return BS_E_NOTFOUND;
	*len = strlen(t);
	*out = malloc(*len + 1);
	assert_non_null(*out);
	memcpy(*out, t, *len + 1);
	return BS_OK;
}

#define WORKBOOK "<workbook><sheets><sheet name=\"s\" sheetId=\"1\"/></sheets></workbook>"
#define SHEET(rows) "<worksheet><sheetData>" rows "</sheetData></worksheet>"

/* Convert; the CSV (or NULL on an error, with the message in err). */
static int convert(const char *strings, const char *sheet, char **csv, char *err, size_t cap)
{
	struct parts p = {WORKBOOK, strings, sheet};
	size_t len = 0;
	int rv;
	*csv = NULL;
	err[0] = '\0';
	rv = xlsx_parts_to_csv(mem_part, &p, "t.xlsx", 1u << 20, csv, &len, err, cap);
	if (rv == BS_OK) {
		assert_non_null(*csv);
		assert_int_equal(strlen(*csv), len);
	} else {
		assert_null(*csv);
		assert_true(err[0] != '\0');
	}
	return rv;
}

static void test_plain(void **state)
{
	char err[512], *csv;
	(void)state;
	assert_int_equal(
		convert("<sst><si><t>名称</t></si><si><r><t>a,</t></r><r><t>b</t></r></si></sst>",
			SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
			      "<c r=\"C1\" t=\"s\"><v>1</v></c></row>"
			      "<row r=\"3\"><c t=\"inlineStr\"><is><t>x</t></is></c>"
			      "<c><v>12.5</v></c></row>"),
			&csv, err, sizeof err),
		BS_OK);
	assert_string_equal(csv, "名称,,\"a,b\"\r\n\r\nx,12.5\r\n");
	free(csv);
}

/* Review finding 1: a <row> inside an open <c> reset the next column to 0,
 * and the closing </c> then stored the cell at column -1 (heap corruption). */
static void test_row_inside_cell(void **state)
{
	char err[512], *csv;
	(void)state;
	assert_int_equal(convert(NULL,
				 SHEET("<row><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is>"
				       "<row r=\"2\"></row></c></row>"),
				 &csv, err, sizeof err),
			 BS_E_INVAL);
	assert_non_null(strstr(err, "malformed"));
	/* The same without r attributes, and with the cell's value after. */
	assert_int_equal(convert(NULL,
				 SHEET("<row><c><row></row><v>1</v></c></row>"), &csv, err,
				 sizeof err),
			 BS_E_INVAL);
}

static void test_nesting(void **state)
{
	char err[512], *csv;
	(void)state;
	assert_int_equal(convert(NULL, SHEET("<row><c><c><v>1</v></c><v>2</v></c></row>"), &csv,
				 err, sizeof err),
			 BS_E_INVAL);
	assert_non_null(strstr(err, "a cell inside a cell"));
	assert_int_equal(convert(NULL, SHEET("<row><row><c><v>1</v></c></row></row>"), &csv, err,
				 sizeof err),
			 BS_E_INVAL);
	/* A column past the limit is skipped, not stored. */
	assert_int_equal(convert(NULL,
				 SHEET("<row><c r=\"ZZZZ1\"><v>1</v></c><c r=\"B1\"><v>2</v></c>"
				       "</row>"),
				 &csv, err, sizeof err),
			 BS_OK);
	assert_string_equal(csv, ",2\r\n");
	free(csv);
}

/* "<sst>" + n strings "s0", "s1", ... each in <si><t>..</t></si>, but the
 * one at big (from 0) is bigsz bytes of 'x'. */
static char *strings_with_big(size_t n, size_t big, size_t bigsz)
{
	size_t cap = 70 * 1024 + n * 32, i, at;
	char *s = malloc(cap);
	assert_non_null(s);
	at = (size_t)snprintf(s, cap, "<sst>");
	for (i = 0; i < n; i++) {
		at += (size_t)snprintf(s + at, cap - at, "<si><t>");
		if (i == big) {
			memset(s + at, 'x', bigsz);
			at += bigsz;
		} else {
			at += (size_t)snprintf(s + at, cap - at, "s%zu", i);
		}
		at += (size_t)snprintf(s + at, cap - at, "</t></si>");
	}
	snprintf(s + at, cap - at, "</sst>");
	return s;
}

/* Review finding 2: a shared string over 64 KiB followed by another one was
 * imported as an empty cell (the next <si> forgot it was too long). */
static void test_big_shared_string(void **state)
{
	char err[512], *csv, *ss;
	const char *sheet = SHEET("<row><c t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c></row>");
	(void)state;
	ss = strings_with_big(2, 0, 64 * 1024 + 1);
	assert_int_equal(convert(ss, sheet, &csv, err, sizeof err), BS_E_TOOBIG);
	assert_non_null(strstr(err, "shared string 1 "));
	assert_non_null(strstr(err, "64 KiB"));
	free(ss);
	/* The last one over the limit (refused before the fix too). */
	ss = strings_with_big(2, 1, 64 * 1024 + 1);
	assert_int_equal(convert(ss, sheet, &csv, err, sizeof err), BS_E_TOOBIG);
	assert_non_null(strstr(err, "shared string 2 "));
	free(ss);
	/* Exactly 64 KiB is fine. */
	ss = strings_with_big(2, 0, 64 * 1024);
	assert_int_equal(convert(ss, sheet, &csv, err, sizeof err), BS_OK);
	assert_int_equal(strlen(csv), 64 * 1024 + strlen(",s1\r\n"));
	assert_string_equal(csv + 64 * 1024, ",s1\r\n");
	free(csv);
	free(ss);
}

static void test_big_inline_cell(void **state)
{
	char err[512], *csv, *sheet;
	size_t n = 64 * 1024 + 1, at;
	(void)state;
	sheet = malloc(n + 256);
	assert_non_null(sheet);
	at = (size_t)sprintf(sheet, "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>");
	memset(sheet + at, 'y', n);
	sprintf(sheet + at + n, "</t></is></c><c><v>1</v></c></row></sheetData></worksheet>");
	assert_int_equal(convert(NULL, sheet, &csv, err, sizeof err), BS_E_TOOBIG);
	assert_non_null(strstr(err, "64 KiB"));
	free(sheet);
}

/* The archive path: a workbook as libxlsxwriter writes it, from disk. */
static void test_file(void **state)
{
	char path[] = "/tmp/test_xlsx.XXXXXX", err[512], *csv = NULL;
	size_t len = 0;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	int fd;
	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	wb = workbook_new(path);
	assert_non_null(wb);
	ws = workbook_add_worksheet(wb, NULL);
	worksheet_write_string(ws, 0, 0, "县", NULL);
	worksheet_write_number(ws, 0, 1, 4000.5, NULL);
	worksheet_write_string(ws, 2, 2, "q\"", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	assert_int_equal(xlsx_to_csv(path, 1u << 20, &csv, &len, err, sizeof err), BS_OK);
	assert_string_equal(csv, "县,4000.5\r\n\r\n,,\"q\"\"\"\r\n");
	free(csv);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_row_inside_cell),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_big_shared_string),
		cmocka_unit_test(test_big_inline_cell),
		cmocka_unit_test(test_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
