/* test_upload.c - uploads in flushed groups (PROTOCOL.md section 15.2,
 * BlobPut.more) against a real baosongd:
 *
 * - the client's grouped upload (client/core/upload.c) stores the file,
 *   with groups, windows and chunks small enough to make many groups; a
 *   client that never sends `more` (as before it) still uploads;
 * - a chunk with `more` into an upload begun is written, not recorded:
 *   blob_query still reports the last flushed offset; the next chunk
 *   without `more` starts past it and makes it durable;
 * - the first chunk of a new upload is flushed and recorded even with
 *   `more`; `more` on the chunk that ends the file is refused; a chunk
 *   without `more` past the recorded offset with no bytes before it, or a
 *   `more` chunk before the recorded offset, gets BS_E_OFFSET;
 * - with grouped_uploads = 1 (the default) one upload at a time goes in
 *   groups;
 * - uploads yield to pushes: while a device pushes, attachment bytes go at
 *   upload_pace_mb (server/upload_pace.h), and arrive whole; the device's
 *   repeated sessions reuse the static-static DH the server kept. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"
#include "floodkit.h"
#include "net.h"
#include "upload.h"
#include "wire.h"

#ifndef BAOSONGD_BIN
#define BAOSONGD_BIN "baosongd"
#endif

#define WATCHDOG_S 60u

static struct fk_server g_srv;

static void on_watchdog(int sig)
{
	(void)sig;
	(void)!write(2, "test_upload: watchdog\n", 22);
	_exit(1);
}

static int setup(void **state)
{
	(void)state;
	signal(SIGALRM, on_watchdog);
	alarm(WATCHDOG_S);
	return fk_server_start(&g_srv, BAOSONGD_BIN, 2, "", 0);
}

/* A server that lets attachments through at 1 MB/s while pushes arrive. */
static int setup_paced(void **state)
{
	(void)state;
	signal(SIGALRM, on_watchdog);
	alarm(WATCHDOG_S);
	return fk_server_start(&g_srv, BAOSONGD_BIN, 2, "upload_pace_mb = 1\n", 0);
}

static int teardown(void **state)
{
	(void)state;
	fk_server_stop(&g_srv);
	fk_server_cleanup(&g_srv, 0);
	alarm(0);
	return 0;
}

static void open_session(struct session *s, unsigned dev)
{
	assert_int_equal(session_open(s, g_srv.addr, &g_srv.dev[dev], g_srv.server_pub,
				      wire_now_ns(), 10000),
			 BS_OK);
}

/* One blob_put: BS_OK with the answer, or the Error's code. */
static int put(struct session *s, const uint8_t hash[32], uint64_t size, uint64_t off,
	       const uint8_t *data, size_t len, int more, uint64_t *held, int *complete,
	       int *unflushed)
{
	Envelope req = BAOSONG__V1__ENVELOPE__INIT, *resp = NULL;
	Baosong__V1__BlobPut bp = BAOSONG__V1__BLOB_PUT__INIT;
	struct wire_arena a;
	int rv;
	bp.hash.data = (uint8_t *)hash;
	bp.hash.len = 32;
	bp.size = size;
	bp.offset = off;
	bp.data.data = (uint8_t *)data;
	bp.data.len = len;
	bp.more = more != 0;
	req.body_case = BAOSONG__V1__ENVELOPE__BODY_BLOB_PUT;
	req.blob_put = &bp;
	wire_arena_init(&a, WIRE_DECODE_MEM_MAX);
	assert_int_equal(session_call(s, &req, &a, &resp), BS_OK);
	if (resp->body_case == BAOSONG__V1__ENVELOPE__BODY_ERROR) {
		rv = wire_error_code(resp->error);
	} else {
		assert_int_equal(resp->body_case, BAOSONG__V1__ENVELOPE__BODY_BLOB_PUT_RESPONSE);
		*held = resp->blob_put_response->offset;
		*complete = resp->blob_put_response->complete;
		*unflushed = resp->blob_put_response->unflushed;
		rv = BS_OK;
	}
	wire_envelope_free(resp, &a);
	return rv;
}

/* blob_query: 1 if present, else 0 with *held the offset the server holds. */
static int query(struct session *s, const uint8_t hash[32], uint64_t *held)
{
	Envelope req = BAOSONG__V1__ENVELOPE__INIT, *resp = NULL;
	Baosong__V1__BlobQuery q = BAOSONG__V1__BLOB_QUERY__INIT;
	ProtobufCBinaryData h = {32, (uint8_t *)hash};
	struct wire_arena a;
	int present;
	q.hashes = &h;
	q.n_hashes = 1;
	req.body_case = BAOSONG__V1__ENVELOPE__BODY_BLOB_QUERY;
	req.blob_query = &q;
	wire_arena_init(&a, WIRE_DECODE_MEM_MAX);
	assert_int_equal(session_call(s, &req, &a, &resp), BS_OK);
	assert_int_equal(resp->body_case, BAOSONG__V1__ENVELOPE__BODY_BLOB_QUERY_RESPONSE);
	assert_int_equal(resp->blob_query_response->n_states, 1);
	present = resp->blob_query_response->states[0]->present;
	*held = resp->blob_query_response->states[0]->offset;
	wire_envelope_free(resp, &a);
	return present;
}

/* The stored file, read back with blob_get, equals buf. */
static void fetch_equals(struct session *s, const uint8_t hash[32], const uint8_t *buf,
			 size_t len)
{
	uint64_t off = 0;
	while (off < len) {
		Envelope req = BAOSONG__V1__ENVELOPE__INIT, *resp = NULL;
		Baosong__V1__BlobGet g = BAOSONG__V1__BLOB_GET__INIT;
		struct wire_arena a;
		size_t n;
		g.hash.data = (uint8_t *)hash;
		g.hash.len = 32;
		g.offset = off;
		req.body_case = BAOSONG__V1__ENVELOPE__BODY_BLOB_GET;
		req.blob_get = &g;
		wire_arena_init(&a, WIRE_DECODE_MEM_MAX);
		assert_int_equal(session_call(s, &req, &a, &resp), BS_OK);
		assert_int_equal(resp->body_case, BAOSONG__V1__ENVELOPE__BODY_BLOB_GET_RESPONSE);
		assert_int_equal(resp->blob_get_response->size, len);
		n = resp->blob_get_response->data.len;
		assert_true(n > 0 && n <= len - off);
		assert_memory_equal(resp->blob_get_response->data.data, buf + off, n);
		off += n;
		wire_envelope_free(resp, &a);
	}
}

static void random_file(uint8_t *buf, size_t len, uint8_t hash[32])
{
	randombytes_buf(buf, len);
	crypto_generichash(hash, 32, buf, len, NULL, 0);
}

static void test_grouped_and_single(void **state)
{
	struct session s;
	size_t len = 700 * 1000 + 17;
	uint8_t *buf = malloc(len), hash[32];
	struct upload_mem m = {NULL, 0};
	struct upload_src src = {upload_mem_read, &m};
	struct upload_opts o;
	uint64_t sent = 0, held = 0;
	int grouped = -1;
	(void)state;

	assert_non_null(buf);
	open_session(&s, 0);
	/* small chunks and groups: many groups, a window always full */
	random_file(buf, len, hash);
	m.buf = buf;
	m.len = len;
	memset(&o, 0, sizeof o);
	o.chunk = 4000;
	o.group = 20;
	o.window = 7;
	assert_int_equal(upload_run(&s, hash, len, 0, &src, &o, &sent, &grouped), BS_OK);
	assert_int_equal(grouped, 1);
	assert_int_equal(sent, len);
	assert_int_equal(query(&s, hash, &held), 1);
	fetch_equals(&s, hash, buf, len);

	/* a client that never sends `more` */
	random_file(buf, len, hash);
	o.single = 1;
	o.chunk = 0;
	assert_int_equal(upload_run(&s, hash, len, 0, &src, &o, &sent, &grouped), BS_OK);
	assert_int_equal(grouped, 0);
	assert_int_equal(query(&s, hash, &held), 1);
	fetch_equals(&s, hash, buf, len);

	/* the defaults (48 KiB chunks, 128 a group), resumed from the middle */
	random_file(buf, len, hash);
	memset(&o, 0, sizeof o);
	o.budget = 300000; /* a cut line */
	assert_int_equal(upload_run(&s, hash, len, 0, &src, &o, &sent, &grouped), BS_E_CLOSED);
	session_close(&s);
	open_session(&s, 0);
	assert_int_equal(query(&s, hash, &held), 0);
	/* only the first chunk was flushed: the group after it was cut */
	assert_int_equal(held, UPLOAD_CHUNK_MAX);
	o.budget = 0;
	assert_int_equal(upload_run(&s, hash, len, held, &src, &o, &sent, &grouped), BS_OK);
	assert_int_equal(sent, len - held);
	assert_int_equal(grouped, 1);
	fetch_equals(&s, hash, buf, len);
	session_close(&s);
	free(buf);
}

static void test_more_rules(void **state)
{
	enum { C = 1000 };
	struct session s;
	uint8_t buf[3 * C], hash[32], buf2[3 * C], hash2[32];
	uint64_t held = 0;
	int complete = 0, unflushed = 0;
	(void)state;

	open_session(&s, 1);
	random_file(buf, sizeof buf, hash);
	/* the first chunk of a new upload is flushed and recorded, `more` or not */
	assert_int_equal(put(&s, hash, sizeof buf, 0, buf, C, 1, &held, &complete, &unflushed),
			 BS_OK);
	assert_int_equal(held, C);
	assert_false(unflushed);
	assert_false(complete);
	/* into an upload begun: written, not recorded */
	assert_int_equal(put(&s, hash, sizeof buf, C, buf + C, C, 1, &held, &complete,
			     &unflushed), BS_OK);
	assert_int_equal(held, 2 * C);
	assert_true(unflushed);
	assert_int_equal(query(&s, hash, &held), 0);
	assert_int_equal(held, C); /* what is durable */
	/* a `more` chunk before the recorded offset */
	assert_int_equal(put(&s, hash, sizeof buf, 0, buf, C, 1, &held, &complete, &unflushed),
			 BS_E_OFFSET);
	/* never on the chunk that ends the file */
	assert_int_equal(put(&s, hash, sizeof buf, 2 * C, buf + 2 * C, C, 1, &held, &complete,
			     &unflushed), BS_E_INVAL);
	/* the last chunk, without `more`, past the recorded offset: the part
	 * file reaches its start, so it is flushed, verified and stored */
	assert_int_equal(put(&s, hash, sizeof buf, 2 * C, buf + 2 * C, C, 0, &held, &complete,
			     &unflushed), BS_OK);
	assert_true(complete);
	assert_int_equal(held, sizeof buf);
	fetch_equals(&s, hash, buf, sizeof buf);

	/* a chunk without `more` past the recorded offset with nothing before it */
	random_file(buf2, sizeof buf2, hash2);
	assert_int_equal(put(&s, hash2, sizeof buf2, 0, buf2, C, 0, &held, &complete, &unflushed),
			 BS_OK);
	assert_int_equal(put(&s, hash2, sizeof buf2, 2 * C, buf2 + 2 * C, C, 0, &held, &complete,
			     &unflushed), BS_E_OFFSET);
	/* ... and a flushed group in the middle: recorded */
	assert_int_equal(put(&s, hash2, sizeof buf2, C, buf2 + C, C / 2, 1, &held, &complete,
			     &unflushed), BS_OK);
	assert_true(unflushed);
	assert_int_equal(put(&s, hash2, sizeof buf2, C + C / 2, buf2 + C + C / 2, C / 2, 0, &held,
			     &complete, &unflushed), BS_OK);
	assert_false(unflushed);
	assert_int_equal(held, 2 * C);
	assert_int_equal(query(&s, hash2, &held), 0);
	assert_int_equal(held, 2 * C);
	assert_int_equal(put(&s, hash2, sizeof buf2, 2 * C, buf2 + 2 * C, C, 0, &held, &complete,
			     &unflushed), BS_OK);
	assert_true(complete);
	fetch_equals(&s, hash2, buf2, sizeof buf2);
	session_close(&s);
}

/* grouped_uploads = 1 (the default): while one upload goes in groups, the
 * `more` of another is not honoured (flushed and recorded, as before it);
 * once the first upload ends, it is. */
static void test_one_grouped_at_a_time(void **state)
{
	enum { C = 1000 };
	struct session a, b;
	uint8_t fa[3 * C], ha[32], fb[4 * C], hb[32];
	uint64_t held = 0;
	int complete = 0, unflushed = 0;
	(void)state;

	open_session(&a, 0);
	open_session(&b, 1);
	random_file(fa, sizeof fa, ha);
	random_file(fb, sizeof fb, hb);
	assert_int_equal(put(&a, ha, sizeof fa, 0, fa, C, 0, &held, &complete, &unflushed), BS_OK);
	assert_int_equal(put(&a, ha, sizeof fa, C, fa + C, C, 1, &held, &complete, &unflushed),
			 BS_OK);
	assert_true(unflushed); /* a holds the one place */
	assert_int_equal(put(&b, hb, sizeof fb, 0, fb, C, 0, &held, &complete, &unflushed), BS_OK);
	assert_int_equal(put(&b, hb, sizeof fb, C, fb + C, C, 1, &held, &complete, &unflushed),
			 BS_OK);
	assert_false(unflushed); /* flushed and recorded */
	assert_int_equal(query(&b, hb, &held), 0);
	assert_int_equal(held, 2 * C);
	/* a ends: the place is free */
	assert_int_equal(put(&a, ha, sizeof fa, 2 * C, fa + 2 * C, C, 0, &held, &complete,
			     &unflushed), BS_OK);
	assert_true(complete);
	assert_int_equal(put(&b, hb, sizeof fb, 2 * C, fb + 2 * C, C, 1, &held, &complete,
			     &unflushed), BS_OK);
	assert_true(unflushed);
	assert_int_equal(put(&b, hb, sizeof fb, 3 * C, fb + 3 * C, C, 0, &held, &complete,
			     &unflushed), BS_OK);
	assert_true(complete);
	fetch_equals(&b, hb, fb, sizeof fb);
	session_close(&a);
	session_close(&b);
}

struct pusher {
	pthread_t th;
	_Atomic int stop;
	unsigned applied, failed; /* over every round */
};

static void *pusher_main(void *arg)
{
	struct pusher *p = arg;
	while (!p->stop) {
		struct fk_push_result r;
		fk_push(&g_srv, 1, 1, 1, 1, &r); /* device 1: one session, one op */
		p->applied += r.applied;
		p->failed += r.failed + r.refused;
		fk_sleep_ms(100);
	}
	return NULL;
}

static void pusher_start(struct pusher *p)
{
	struct fk_push_result first;
	memset(p, 0, sizeof *p);
	fk_push(&g_srv, 1, 1, 1, 1, &first); /* pushes are arriving */
	assert_int_equal(first.applied, 1);
	assert_int_equal(pthread_create(&p->th, NULL, pusher_main, p), 0);
}

static void pusher_stop(struct pusher *p)
{
	p->stop = 1;
	pthread_join(p->th, NULL);
}

/* The number N of the "uploads: N chunk(s) waited for the upload pace"
 * line the server writes at stop, or -1. */
static long long paced_chunks(void)
{
	char line[512];
	long long n = -1;
	FILE *f = fopen(g_srv.log, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		const char *at = strstr(line, "uploads: ");
		if (at && strstr(at, "chunk(s) waited for the upload pace"))
			n = strtoll(at + 9, NULL, 10);
	}
	fclose(f);
	return n;
}

/* upload_pace_mb = 1: 2.6 MB uploaded while device 1 pushes every ~100 ms
 * arrive whole and every push is acknowledged; the server says chunks
 * waited for the pace (a server that does not pace says 0, and this
 * fails: checked by running it with upload_pace_mb = 0).  Device 1's
 * repeated sessions reuse the static-static DH the server kept. */
static void test_paced_while_pushing(void **state)
{
	struct session s;
	size_t len = 2600 * 1000;
	uint8_t *buf = malloc(len), hash[32];
	struct upload_mem m = {NULL, 0};
	struct upload_src src = {upload_mem_read, &m};
	struct upload_opts o;
	struct pusher p;
	uint64_t sent = 0;
	int rv;
	(void)state;

	assert_non_null(buf);
	random_file(buf, len, hash);
	m.buf = buf;
	m.len = len;
	pusher_start(&p);
	open_session(&s, 0);
	memset(&o, 0, sizeof o);
	rv = upload_run(&s, hash, len, 0, &src, &o, &sent, NULL);
	pusher_stop(&p);
	if (rv == BS_OK && sent == len)
		fetch_equals(&s, hash, buf, len);
	session_close(&s);
	free(buf);
	assert_int_equal(rv, BS_OK);
	assert_int_equal(sent, len);
	assert_true(p.applied >= 1);
	assert_int_equal(p.failed, 0);
	assert_int_equal(fk_server_stop(&g_srv), 0);
	assert_true(paced_chunks() > 0);
	assert_int_equal(fk_log_count(&g_srv, "static-static DH of known devices reused"), 1);
	assert_int_equal(fk_log_count(&g_srv, "static-static DH of known devices reused 0 "), 0);
}

struct cut_upload {
	pthread_t th;
	const uint8_t *buf;
	size_t len;
	uint8_t hash[32];
	int rv;
};

static void *cut_upload_main(void *arg)
{
	struct cut_upload *u = arg;
	struct session s;
	struct upload_mem m = {u->buf, u->len};
	struct upload_src src = {upload_mem_read, &m};
	struct upload_opts o;
	memset(&o, 0, sizeof o);
	if (session_open(&s, g_srv.addr, &g_srv.dev[0], g_srv.server_pub, wire_now_ns(), 10000) !=
	    BS_OK) {
		u->rv = BS_E_IO;
		return NULL;
	}
	u->rv = upload_run(&s, u->hash, u->len, 0, &src, &o, NULL, NULL);
	session_close(&s);
	return NULL;
}

/* Chunks waiting for the pace when their client goes away, and when the
 * server stops: a client cut after 1.8 MB leaves chunks waiting; a new
 * session resumes from what the server holds and the file arrives whole;
 * then, with another upload's chunks waiting, SIGTERM stops the server
 * cleanly (exit 0, within fk_server_stop's 10 s). */
static void test_paced_drop_and_stop(void **state)
{
	struct session s;
	size_t len = 3000 * 1000;
	uint8_t *buf = malloc(len), *buf2 = malloc(len), hash[32];
	struct upload_mem m = {NULL, 0};
	struct upload_src src = {upload_mem_read, &m};
	struct upload_opts o;
	struct pusher p;
	struct cut_upload u;
	uint64_t held = 0;
	(void)state;

	assert_non_null(buf);
	assert_non_null(buf2);
	random_file(buf, len, hash);
	m.buf = buf;
	m.len = len;
	pusher_start(&p);
	open_session(&s, 0);
	memset(&o, 0, sizeof o);
	o.budget = 1800 * 1000; /* the line is cut with chunks waiting */
	assert_int_equal(upload_run(&s, hash, len, 0, &src, &o, NULL, NULL), BS_E_CLOSED);
	session_close(&s);
	open_session(&s, 0);
	assert_int_equal(query(&s, hash, &held), 0);
	assert_true(held < len);
	o.budget = 0;
	assert_int_equal(upload_run(&s, hash, len, held, &src, &o, NULL, NULL), BS_OK);
	fetch_equals(&s, hash, buf, len);
	session_close(&s);

	/* another upload in flight, paced, when the server is told to stop */
	memset(&u, 0, sizeof u);
	u.buf = buf2;
	u.len = len;
	random_file(buf2, len, u.hash);
	assert_int_equal(pthread_create(&u.th, NULL, cut_upload_main, &u), 0);
	fk_sleep_ms(1500);
	assert_int_equal(fk_server_stop(&g_srv), 0);
	pthread_join(u.th, NULL);
	pusher_stop(&p);
	assert_int_not_equal(u.rv, BS_OK); /* 3 MB at 1 MB/s cannot have finished */
	assert_true(paced_chunks() > 0);
	free(buf);
	free(buf2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_grouped_and_single, setup, teardown),
		cmocka_unit_test_setup_teardown(test_more_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_grouped_at_a_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paced_while_pushing, setup_paced, teardown),
		cmocka_unit_test_setup_teardown(test_paced_drop_and_stop, setup_paced, teardown),
	};
	if (sodium_init() < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
