/* fuzz_form.c - what a person types into the web page (or the command
 * line) before anything is validated: the record form (client/core/form.c:
 * the text of any field of any kind - money in 万元, enums in words, dates,
 * weeks, percentages, KEY=VALUE entries - into a message), and the 导入
 * page's uploaded table (client/core/import.c: a CSV in UTF-8 or GB18030
 * decoded and its header found).
 *
 * Input: the first byte picks what (even: a form, odd: an import); for a
 * form the next byte picks the kind, then lines "I<text>" where I (a byte)
 * picks the field; for an import the next byte picks the encoding and the
 * rest is the file.  References to other records are answered "not here"
 * and files are refused, without touching the disk. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "form.h"
#include "import.h"
#include "records.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const KINDS[] = {
	REC_KIND_PROJECT, REC_KIND_WEEKLY,  REC_KIND_MONTHLY,    REC_KIND_APPROVAL,
	REC_KIND_STATS,   REC_KIND_DEAL,    REC_KIND_FUNDING,    REC_KIND_PROBLEM,
	REC_KIND_TARGET,  REC_KIND_LEADER,  REC_KIND_ACCEPTANCE, REC_KIND_ADJUSTMENT,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return sodium_init() < 0 ? 1 : 0;
}

static int no_ref(void *ctx, struct localdb *db, const char *kind, const char *text, char *uid,
		  struct rec_error *err)
{
	(void)ctx;
	(void)db;
	(void)kind;
	(void)text;
	(void)uid;
	(void)err;
	return BS_E_NOTFOUND;
}

static int no_file(void *ctx, const char *text, struct form_file *out, struct rec_error *err)
{
	(void)ctx;
	(void)text;
	(void)out;
	(void)err;
	return BS_E_NOTFOUND;
}

static void fuzz_one_form(const uint8_t *data, size_t size)
{
	struct form_field fields[FORM_FIELDS_MAX];
	struct form fm;
	struct rec_error err;
	ProtobufCMessage *m;
	size_t nf = 0, i = 1;
	const char *kind;
	char *text;

	if (size < 1)
		return;
	kind = KINDS[data[0] % (sizeof KINDS / sizeof KINDS[0])];
	if (form_fields(kind, fields, FORM_FIELDS_MAX, &nf) != BS_OK || nf == 0)
		return;
	if (form_init(&fm, kind, NULL) != BS_OK)
		return;
	fm.ref = no_ref;
	fm.file = no_file;
	if ((m = form_message(&fm, NULL)) == NULL || (text = malloc(size + 1)) == NULL) {
		form_free(&fm);
		return;
	}
	/* lines: one byte picking the field, then its text up to '\n' */
	while (i < size) {
		const struct form_field *f = &fields[data[i] % nf];
		const uint8_t *end = memchr(data + i + 1, '\n', size - i - 1);
		size_t n = end ? (size_t)(end - (data + i + 1)) : size - i - 1;

		memcpy(text, data + i + 1, n);
		text[n] = '\0';
		memset(&err, 0, sizeof err);
		if (form_set(&fm, m, f->name, text, &err) != BS_OK) {
			char msg[1024];

			form_error_text(kind, &err, msg, sizeof msg);
		}
		i += n + 2;
	}
	{
		size_t len = protobuf_c_message_get_packed_size(m);
		uint8_t *buf = malloc(len ? len : 1);

		if (buf != NULL)
			protobuf_c_message_pack(m, buf);
		free(buf);
	}
	free(text);
	form_free(&fm);
}

static void say(void *ctx, const struct import_msg *msg)
{
	(void)ctx;
	(void)msg;
}

static void fuzz_one_import(const uint8_t *data, size_t size)
{
	struct import_opts o;
	struct import_sink sink = {say, NULL, NULL};
	struct import *im;

	if (size < 1)
		return;
	memset(&o, 0, sizeof o);
	o.enc = data[0] % 3;
	o.dry_run = 1;
	if ((im = import_new(&o, &sink)) == NULL)
		return;
	/* Not a workbook: the .xlsx reader has its own target (fuzz_xlsx),
	 * and import_load would write one to a temporary file. */
	if (!(size >= 3 && data[1] == 'P' && data[2] == 'K') &&
	    import_load(im, data + 1, size - 1, "fuzz.csv", "/nonexistent") == BS_OK)
		import_header(im);
	import_free(im);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] % 2 == 0)
		fuzz_one_form(data + 1, size - 1);
	else
		fuzz_one_import(data + 1, size - 1);
	return 0;
}
