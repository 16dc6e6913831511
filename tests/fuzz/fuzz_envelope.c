/* fuzz_envelope.c - libFuzzer target for the protobuf decoding of peer data
 * (common/wire.c and the protobuf-c code generated from proto/).
 *
 * Every input is decoded three ways, as each message a peer can send:
 *   Envelope     (transport plaintext; the server's and the client's
 *                 wire_envelope_decode with a WIRE_DECODE_MEM_MAX arena, and
 *                 again with small caps so allocations fail midway),
 *   ClientHello  (handshake payload the server unpacks),
 *   ServerHello  (handshake payload the client unpacks).
 * What decodes must encode again, decode again to the same thing, and give
 * every byte back to its arena when freed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bs_limits.h"
#include "err.h"
#include "fuzz_common.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The arena handshake.c unpacks hellos with. */
#define HELLO_MEM_MAX (64u * 1024u)

static uint8_t g_buf1[BS_PAYLOAD_MAX], g_buf2[BS_PAYLOAD_MAX];

/* protobuf-c refuses field number 0 only when the tag is one byte long: with
 * a longer varint it keeps field 0 as an unknown field, re-encodes it in one
 * byte and then refuses its own encoding.  Harmless (unknown fields are
 * ignored), but such a message does not survive a round trip.  Whether m or
 * any message inside it holds such a field: */
static int has_field_zero(const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d;
	unsigned i;
	size_t j;

	if (!m)
		return 0;
	for (j = 0; j < m->n_unknown_fields; j++)
		if (m->unknown_fields[j].tag == 0)
			return 1;
	d = m->descriptor;
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char *base = (const char *)m;
		const void *member = base + f->offset;

		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)(const void *)(base + f->quantifier_offset) != f->id)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)(const void *)(base + f->quantifier_offset);
			ProtobufCMessage *const *v = *(ProtobufCMessage *const *const *)member;
			for (j = 0; j < n; j++)
				if (has_field_zero(v[j]))
					return 1;
		} else if (has_field_zero(*(const ProtobufCMessage *const *)member)) {
			return 1;
		}
	}
	return 0;
}

static void check_error_body(const WireError *e)
{
	int code;

	FUZZ_CHECK(e != NULL && e->message != NULL && e->detail != NULL);
	code = wire_error_code(e);
	FUZZ_CHECK(code < 0 && code > BS_E__LAST);
	FUZZ_CHECK(bs_strerror(code) != NULL && bs_errname(code) != NULL);
}

static void check_envelope(const Envelope *env)
{
	switch (env->body_case) {
	case BAOSONG__V1__ENVELOPE__BODY_PING:
		FUZZ_CHECK(env->ping != NULL);
		FUZZ_CHECK(env->ping->data.len == 0 || env->ping->data.data != NULL);
		break;
	case BAOSONG__V1__ENVELOPE__BODY_PONG:
		FUZZ_CHECK(env->pong != NULL);
		FUZZ_CHECK(env->pong->server_version != NULL && env->pong->timezone != NULL);
		break;
	case BAOSONG__V1__ENVELOPE__BODY_ERROR:
		check_error_body(env->error);
		break;
	default:
		/* Not set, or a body this target does not look into. */
		break;
	}
}

/* The server's answer to a Ping must always fit. */
static void answer_ping(const Envelope *req)
{
	Envelope env = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__Pong pong = BAOSONG__V1__PONG__INIT;
	size_t n = 0;

	if (req->ping->data.len > WIRE_PING_DATA_MAX)
		return;
	pong.server_time_ms = INT64_MAX;
	pong.server_version = (char *)"baosongd " BS_VERSION_STRING;
	pong.data = req->ping->data;
	pong.timezone = (char *)"Asia/Shanghai";
	env.version = BS_PROTOCOL_VERSION;
	env.request_id = req->request_id;
	env.body_case = BAOSONG__V1__ENVELOPE__BODY_PONG;
	env.pong = &pong;
	FUZZ_CHECK(wire_envelope_encode(&env, g_buf2, sizeof g_buf2, &n) == BS_OK);
	FUZZ_CHECK(n > 0 && n <= sizeof g_buf2);
}

static void envelope_roundtrip(const uint8_t *data, size_t size)
{
	struct wire_arena a, b;
	Envelope *env, *again;
	size_t n1 = 0, n2 = 0;
	int rv;

	wire_arena_init(&a, WIRE_DECODE_MEM_MAX);
	env = wire_envelope_decode(&a, data, size);
	if (!env) {
		FUZZ_CHECK(a.used == 0);
		return;
	}
	FUZZ_CHECK(a.used > 0 && a.used <= WIRE_DECODE_MEM_MAX);
	check_envelope(env);
	if (env->body_case == BAOSONG__V1__ENVELOPE__BODY_PING)
		answer_ping(env);

	/* Re-encoding drops defaults, overlong varints and fields given twice;
	 * only packing a lone unpacked repeated number makes it longer, by at
	 * most half. */
	rv = wire_envelope_encode(env, g_buf1, sizeof g_buf1, &n1);
	if (size <= sizeof g_buf1 / 2)
		FUZZ_CHECK(rv == BS_OK);
	if (rv != BS_OK) {
		FUZZ_CHECK(rv == BS_E_TOOBIG);
		goto out;
	}
	FUZZ_CHECK(n1 == baosong__v1__envelope__get_packed_size(env));

	wire_arena_init(&b, WIRE_DECODE_MEM_MAX);
	again = wire_envelope_decode(&b, g_buf1, n1);
	if (!again && has_field_zero(&env->base))
		goto out;
	FUZZ_CHECK(again != NULL);
	FUZZ_CHECK(again->version == env->version && again->request_id == env->request_id);
	FUZZ_CHECK(again->body_case == env->body_case);
	check_envelope(again);
	/* A decoded encoding encodes to itself. */
	FUZZ_CHECK(wire_envelope_encode(again, g_buf2, sizeof g_buf2, &n2) == BS_OK);
	FUZZ_CHECK(n2 == n1 && memcmp(g_buf1, g_buf2, n1) == 0);
	wire_envelope_free(again, &b);
	FUZZ_CHECK(b.used == 0);
out:
	wire_envelope_free(env, &a);
	FUZZ_CHECK(a.used == 0);
}

/* Caps small enough that protobuf-c runs out partway: it must fail cleanly
 * and give back what it had taken. */
static void envelope_capped(const uint8_t *data, size_t size)
{
	const size_t caps[] = { 0, size / 2, size, 2 * size + 64 };
	struct wire_arena a;
	Envelope *env;
	size_t i;

	for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		wire_arena_init(&a, caps[i]);
		env = wire_envelope_decode(&a, data, size);
		FUZZ_CHECK(a.used <= caps[i]);
		wire_envelope_free(env, &a);
		FUZZ_CHECK(a.used == 0);
	}
}

static void client_hello(const uint8_t *data, size_t size)
{
	Baosong__V1__ClientHello *m, *again;
	struct wire_arena a, b;
	uint8_t *buf;
	size_t n;

	wire_arena_init(&a, HELLO_MEM_MAX);
	m = baosong__v1__client_hello__unpack(&a.alloc, size, data);
	if (!m) {
		FUZZ_CHECK(a.used == 0);
		return;
	}
	FUZZ_CHECK(m->client_version != NULL);
	n = baosong__v1__client_hello__get_packed_size(m);
	buf = malloc(n ? n : 1);
	FUZZ_CHECK(buf != NULL);
	FUZZ_CHECK(baosong__v1__client_hello__pack(m, buf) == n);
	/* Its own arena: the cap is per decode, and m still holds its share
	 * (many unknown fields make many small blocks). */
	wire_arena_init(&b, HELLO_MEM_MAX);
	again = baosong__v1__client_hello__unpack(&b.alloc, n, buf);
	if (!again && has_field_zero(&m->base))
		goto out;
	FUZZ_CHECK(again != NULL);
	FUZZ_CHECK(again->protocol_version == m->protocol_version);
	FUZZ_CHECK(again->timestamp_ns == m->timestamp_ns);
	FUZZ_CHECK(strcmp(again->client_version, m->client_version) == 0);
	baosong__v1__client_hello__free_unpacked(again, &b.alloc);
	FUZZ_CHECK(b.used == 0);
out:
	baosong__v1__client_hello__free_unpacked(m, &a.alloc);
	free(buf);
	FUZZ_CHECK(a.used == 0);
}

static void server_hello(const uint8_t *data, size_t size)
{
	Baosong__V1__ServerHello *m, *again;
	struct wire_arena a, b;
	uint8_t *buf;
	size_t n;

	wire_arena_init(&a, HELLO_MEM_MAX);
	m = baosong__v1__server_hello__unpack(&a.alloc, size, data);
	if (!m) {
		FUZZ_CHECK(a.used == 0);
		return;
	}
	FUZZ_CHECK(m->server_version != NULL);
	if (m->error)
		check_error_body(m->error);
	n = baosong__v1__server_hello__get_packed_size(m);
	buf = malloc(n ? n : 1);
	FUZZ_CHECK(buf != NULL);
	FUZZ_CHECK(baosong__v1__server_hello__pack(m, buf) == n);
	wire_arena_init(&b, HELLO_MEM_MAX); /* its own cap, as in client_hello */
	again = baosong__v1__server_hello__unpack(&b.alloc, n, buf);
	if (!again && has_field_zero(&m->base))
		goto out;
	FUZZ_CHECK(again != NULL);
	FUZZ_CHECK(again->protocol_version == m->protocol_version);
	FUZZ_CHECK(again->server_time_ms == m->server_time_ms);
	FUZZ_CHECK(strcmp(again->server_version, m->server_version) == 0);
	FUZZ_CHECK((again->error == NULL) == (m->error == NULL));
	if (m->error)
		FUZZ_CHECK(wire_error_code(again->error) == wire_error_code(m->error));
	baosong__v1__server_hello__free_unpacked(again, &b.alloc);
	FUZZ_CHECK(b.used == 0);
out:
	baosong__v1__server_hello__free_unpacked(m, &a.alloc);
	free(buf);
	FUZZ_CHECK(a.used == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	envelope_roundtrip(data, size);
	envelope_capped(data, size);
	client_hello(data, size);
	server_hello(data, size);
	return 0;
}
