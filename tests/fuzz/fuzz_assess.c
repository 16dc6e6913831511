/* fuzz_assess.c - the assessment engine's parsers and its arithmetic: the
 * first byte picks
 *   's'  the rest is scheme text (INI): parse, check, format, parse again
 *        and require the same scheme;
 *   'p'  the rest is a period: every scope's span;
 *   else the rest is an encoded AssessInputs (as stored with a publication),
 *        computed under the example scheme twice: both results must encode
 *        to the same bytes and give the same digest. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "err.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static Baosong__V1__Scheme *example;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *t;
	char err[256];
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		return 1;
	t = assess_scheme_example();
	return assess_scheme_parse(t, strlen(t), &example, err, sizeof err) != BS_OK;
}

static uint8_t *pack(const ProtobufCMessage *m, size_t *n)
{
	uint8_t *b;
	*n = protobuf_c_message_get_packed_size(m);
	b = malloc(*n ? *n : 1);
	if (b)
		protobuf_c_message_pack(m, b);
	return b;
}

static void fuzz_scheme(const uint8_t *data, size_t size)
{
	Baosong__V1__Scheme *s = NULL, *again = NULL;
	char err[512], *text;
	uint8_t *a, *b;
	size_t na, nb;

	if (assess_scheme_parse((const char *)data, size, &s, err, sizeof err) != BS_OK)
		return;
	text = assess_scheme_format(s);
	if (!text)
		abort();
	if (assess_scheme_parse(text, strlen(text), &again, err, sizeof err) != BS_OK)
		abort(); /* what we write we must read */
	a = pack(&s->base, &na);
	b = pack(&again->base, &nb);
	if (!a || !b || na != nb || memcmp(a, b, na))
		abort();
	free(a);
	free(b);
	free(text);
	protobuf_c_message_free_unpacked(&s->base, NULL);
	protobuf_c_message_free_unpacked(&again->base, NULL);
}

static void fuzz_period(const uint8_t *data, size_t size)
{
	char p[32];
	struct assess_span sp;
	int scope;
	if (size >= sizeof p)
		return;
	memcpy(p, data, size);
	p[size] = '\0';
	for (scope = 0; scope <= 5; scope++)
		if (assess_span_parse(scope, p, &sp) == BS_OK &&
		    (sp.last_day < sp.first_day || sp.last_day - sp.first_day > 366))
			abort();
}

static void fuzz_compute(const uint8_t *data, size_t size)
{
	Baosong__V1__AssessInputs *in;
	Baosong__V1__Publication *p1 = NULL, *p2 = NULL;
	uint8_t d1[ASSESS_DIGEST_LEN], d2[ASSESS_DIGEST_LEN], *a, *b;
	size_t na, nb;

	in = baosong__v1__assess_inputs__unpack(NULL, size, data);
	if (!in)
		return;
	if (assess_compute(example, in, &p1) == BS_OK) {
		if (assess_compute(example, in, &p2) != BS_OK)
			abort();
		a = pack(&p1->base, &na);
		b = pack(&p2->base, &nb);
		if (!a || !b || na != nb || memcmp(a, b, na))
			abort();
		if (assess_digest(example, in, p1, d1) != BS_OK ||
		    assess_digest(example, in, p2, d2) != BS_OK || memcmp(d1, d2, sizeof d1))
			abort();
		if (p1->n_results != in->n_units)
			abort();
		free(a);
		free(b);
		protobuf_c_message_free_unpacked(&p1->base, NULL);
		protobuf_c_message_free_unpacked(&p2->base, NULL);
	}
	baosong__v1__assess_inputs__free_unpacked(in, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] == 's')
		fuzz_scheme(data + 1, size - 1);
	else if (data[0] == 'p')
		fuzz_period(data + 1, size - 1);
	else
		fuzz_compute(data + 1, size - 1);
	return 0;
}
