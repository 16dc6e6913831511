/* fuzz_xlsx.c - the .xlsx reader behind `baosong import` (client/core/xlsx.c).
 * Input:
 *   starting "PK\3\4"  a whole workbook: written to a scratch file and read
 *                      with xlsx_to_csv (minizip, then the XML parts);
 *   else               the XML parts themselves, separated by NUL bytes, in
 *                      the order xl/workbook.xml, xl/_rels/workbook.xml.rels,
 *                      xl/sharedStrings.xml, xl/styles.xml, then the sheet
 *                      (whatever name the relationships give it); an empty
 *                      or missing section is an absent part.  Read with
 *                      xlsx_parts_to_csv.
 * Invariants: an error comes with a message; a result is NUL-terminated, of
 * the length given (XML cannot hold a NUL, so no NUL inside) and within the
 * limit; the same parts with the limit one byte under that length give
 * BS_E_TOOBIG, and with the limit exactly that length the same bytes. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "fuzz_common.h"
#include "xlsx.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LIMIT (1u << 20) /* bytes of CSV in the first conversion */
#define NPARTS 5

/* The scratch file, unlinked at once (libFuzzer may end without atexit
 * handlers) and reached by its descriptor's name in /proc. */
static char scratch[64];
static int scratch_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char tmpl[] = "/tmp/fuzz_xlsx.XXXXXX";
	(void)argc;
	(void)argv;
	if ((scratch_fd = mkstemp(tmpl)) < 0) {
		perror("fuzz_xlsx: mkstemp");
		return 1;
	}
	unlink(tmpl);
	snprintf(scratch, sizeof scratch, "/proc/self/fd/%d", scratch_fd);
	return 0;
}

struct parts {
	const uint8_t *p[NPARTS];
	size_t n[NPARTS];
};

static int mem_part(void *ctx, const char *name, char **out, size_t *len, char *err,
		    size_t errcap)
{
	static const char *const names[NPARTS - 1] = {
		"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml",
		"xl/styles.xml"};
	const struct parts *ps = ctx;
	size_t i;
	(void)err;
	(void)errcap;
	for (i = 0; i < NPARTS - 1 && strcmp(name, names[i]) != 0; i++)
		;
	if (!ps->p[i] || !ps->n[i])
		return BS_E_NOTFOUND;
	FUZZ_CHECK(ps->n[i] <= XLSX_PART_MAX);
	if (!(*out = malloc(ps->n[i])))
		return BS_E_NOMEM;
	memcpy(*out, ps->p[i], ps->n[i]);
	*len = ps->n[i];
	return BS_OK;
}

/* A result must be what the contract says. */
static void check(int rv, const char *csv, size_t len, size_t max, const char *err)
{
	if (rv != BS_OK) {
		FUZZ_CHECK(csv == NULL);
		FUZZ_CHECK(err[0] != '\0');
		return;
	}
	FUZZ_CHECK(csv != NULL);
	FUZZ_CHECK(len <= max);
	FUZZ_CHECK(csv[len] == '\0');
	FUZZ_CHECK(strlen(csv) == len);
}

static void fuzz_parts(const uint8_t *data, size_t size)
{
	struct parts ps;
	char err[512], *csv = NULL, *again = NULL;
	size_t len = 0, len2 = 0, i, at = 0;
	int rv;

	memset(&ps, 0, sizeof ps);
	for (i = 0; i < NPARTS && at <= size; i++) {
		const uint8_t *end = memchr(data + at, 0, size - at);
		size_t n = end ? (size_t)(end - (data + at)) : size - at;
		ps.p[i] = data + at;
		ps.n[i] = n;
		at += n + 1;
	}

	err[0] = '\0';
	rv = xlsx_parts_to_csv(mem_part, &ps, "fuzz.xlsx", LIMIT, &csv, &len, err, sizeof err);
	check(rv, csv, len, LIMIT, err);
	if (rv != BS_OK)
		return;
	/* The limit exactly met: the same CSV. */
	err[0] = '\0';
	rv = xlsx_parts_to_csv(mem_part, &ps, "fuzz.xlsx", len, &again, &len2, err, sizeof err);
	check(rv, again, len2, len, err);
	FUZZ_CHECK(rv == BS_OK && len2 == len && memcmp(again, csv, len) == 0);
	free(again);
	again = NULL;
	/* One byte under it: refused as too big. */
	if (len > 0) {
		err[0] = '\0';
		rv = xlsx_parts_to_csv(mem_part, &ps, "fuzz.xlsx", len - 1, &again, &len2, err,
				       sizeof err);
		check(rv, again, len2, len - 1, err);
		FUZZ_CHECK(rv == BS_E_TOOBIG);
	}
	free(csv);
}

static void fuzz_file(const uint8_t *data, size_t size)
{
	char err[512], *csv = NULL;
	size_t len = 0, off = 0;
	int rv;

	FUZZ_CHECK(ftruncate(scratch_fd, 0) == 0);
	while (off < size) {
		ssize_t w = pwrite(scratch_fd, data + off, size - off, (off_t)off);
		FUZZ_CHECK(w > 0);
		off += (size_t)w;
	}
	err[0] = '\0';
	rv = xlsx_to_csv(scratch, LIMIT, &csv, &len, err, sizeof err);
	check(rv, csv, len, LIMIT, err);
	free(csv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 4 && xlsx_magic(data, size))
		fuzz_file(data, size);
	else
		fuzz_parts(data, size);
	return 0;
}
