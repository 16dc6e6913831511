/* upload.c - one attachment in resumable chunks, in flushed groups when the
 * server honours `more` (upload.h). */
#include "upload.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "bs_limits.h"
#include "err.h"
#include "log.h"
#include "wire.h"

struct up {
	struct session *s;
	const uint8_t *hash;
	uint64_t size;
	const struct upload_src *src;
	const struct upload_opts *o;
	unsigned chunk, group, window;
	uint64_t sent;
	uint8_t buf[UPLOAD_CHUNK_MAX];
};

/* The answer to a blob_put: BS_OK with *offset, *complete, *unflushed, or
 * the Error's code. */
static int put_answer(Envelope *env, uint64_t *offset, int *complete, int *unflushed)
{
	if (env->body_case == BAOSONG__V1__ENVELOPE__BODY_ERROR) {
		int rv = wire_error_code(env->error);
		log_warn("server: %s%s%s", env->error->message,
			 env->error->detail && *env->error->detail ? " - " : "",
			 env->error->detail ? env->error->detail : "");
		return rv;
	}
	if (env->body_case != BAOSONG__V1__ENVELOPE__BODY_BLOB_PUT_RESPONSE)
		return BS_E_PROTO;
	*offset = env->blob_put_response->offset;
	*complete = env->blob_put_response->complete;
	*unflushed = env->blob_put_response->unflushed;
	return BS_OK;
}

/* Read and send the chunk [off, off + len); *id its request id. */
static int send_chunk(struct up *u, uint64_t off, size_t len, int more, uint64_t *id)
{
	Envelope req = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__BlobPut bp = BAOSONG__V1__BLOB_PUT__INIT;
	int rv;

	assert(len <= sizeof u->buf);
	if (u->o->budget && u->sent + len > u->o->budget)
		return BS_E_CLOSED; /* tests: a cut line */
	if ((rv = u->src->read(u->src->ctx, off, u->buf, len)) != BS_OK)
		return rv;
	bp.hash.data = (uint8_t *)u->hash;
	bp.hash.len = 32;
	bp.size = u->size;
	bp.offset = off;
	bp.data.data = u->buf;
	bp.data.len = len;
	bp.more = more != 0;
	req.body_case = BAOSONG__V1__ENVELOPE__BODY_BLOB_PUT;
	req.blob_put = &bp;
	rv = session_send(u->s, &req, id);
	if (rv == BS_OK)
		u->sent += len;
	return rv;
}

/* Wait for the answer to request id (answers to others are skipped). */
static int wait_answer(struct up *u, uint64_t id, uint64_t *offset, int *complete,
		       int *unflushed)
{
	for (;;) {
		struct wire_arena a;
		Envelope *env = NULL;
		int rv;
		wire_arena_init(&a, WIRE_DECODE_MEM_MAX);
		if ((rv = session_recv(u->s, &a, &env)) != BS_OK)
			return rv;
		if (env->request_id == id || env->request_id == 0) {
			rv = env->request_id == 0 && env->body_case != BAOSONG__V1__ENVELOPE__BODY_ERROR
				     ? BS_E_PROTO
				     : put_answer(env, offset, complete, unflushed);
			wire_envelope_free(env, &a);
			return rv;
		}
		wire_envelope_free(env, &a);
	}
}

/* One chunk, one answer. */
static int one(struct up *u, uint64_t off, size_t len, int more, uint64_t *offset,
	       int *complete, int *unflushed)
{
	uint64_t id = 0;
	int rv = send_chunk(u, off, len, more, &id);
	return rv != BS_OK ? rv : wait_answer(u, id, offset, complete, unflushed);
}

/* A group from *offset: its chunks but the last with `more`, every answer,
 * then the last chunk, flushed.  *offset: the durable offset after it. */
static int group(struct up *u, uint64_t *offset, int *complete)
{
	uint64_t start = *offset, end = start + (uint64_t)u->group * u->chunk, last, next;
	uint64_t first_id = 0, off = 0;
	unsigned out = 0, answered = 0, sent = 0;
	int rv = BS_OK, c = 0, unf = 0;

	if (end > u->size)
		end = u->size;
	/* the group's last chunk starts at the last chunk boundary before end */
	last = start + (end - start - 1) / u->chunk * u->chunk;
	for (next = start; next < last || out > 0;) {
		while (rv == BS_OK && next < last && out < u->window) {
			uint64_t id = 0;
			size_t len = (size_t)(last - next < u->chunk ? last - next : u->chunk);
			if ((rv = send_chunk(u, next, len, 1, &id)) != BS_OK)
				break;
			if (sent++ == 0)
				first_id = id;
			next += len;
			out++;
		}
		if (out == 0)
			break;
		{
			/* the next answer: ids of this group run first_id .. */
			struct wire_arena a;
			Envelope *env = NULL;
			int r;
			wire_arena_init(&a, WIRE_DECODE_MEM_MAX);
			if ((r = session_recv(u->s, &a, &env)) != BS_OK)
				return r; /* the connection is gone: nothing to wait for */
			if (env->request_id == 0) {
				r = env->body_case == BAOSONG__V1__ENVELOPE__BODY_ERROR
					    ? put_answer(env, &off, &c, &unf)
					    : BS_E_PROTO;
				wire_envelope_free(env, &a);
				return r;
			}
			if (env->request_id >= first_id && env->request_id < first_id + sent) {
				out--;
				answered++;
				r = put_answer(env, &off, &c, &unf);
				if (r == BS_OK && c) {
					*complete = 1; /* stored meanwhile (another session) */
					*offset = u->size;
				} else if (r != BS_OK && rv == BS_OK) {
					rv = r; /* sending stops; the answers still come */
				}
			}
			wire_envelope_free(env, &a);
		}
	}
	if (rv != BS_OK || *complete)
		return rv;
	assert(answered == sent);
	rv = one(u, last, (size_t)(end - last), 0, &off, &c, &unf);
	if (rv != BS_OK)
		return rv;
	*offset = off;
	*complete = c;
	return BS_OK;
}

int upload_run(struct session *s, const uint8_t hash[32], uint64_t size, uint64_t offset,
	       const struct upload_src *src, const struct upload_opts *o, uint64_t *sent,
	       int *grouped)
{
	static const struct upload_opts defaults;
	struct up *u;
	enum { PROBE, SINGLE, GROUPS } mode;
	int rv = BS_OK, first = 1, complete = 0;

	assert(s && hash && src && src->read);
	if (!o)
		o = &defaults;
	if (!(u = calloc(1, sizeof *u)))
		return BS_E_NOMEM;
	u->s = s;
	u->hash = hash;
	u->size = size;
	u->src = src;
	u->o = o;
	u->chunk = o->chunk && o->chunk <= UPLOAD_CHUNK_MAX ? o->chunk : UPLOAD_CHUNK_MAX;
	u->group = o->group ? o->group : UPLOAD_GROUP;
	u->window = o->window && o->window <= BS_MAX_INFLIGHT ? o->window : UPLOAD_WINDOW;
	mode = o->single ? SINGLE : PROBE;
	while (offset < size && !complete) {
		uint64_t off = 0;
		int unflushed = 0;
		if (mode == GROUPS) {
			rv = group(u, &offset, &complete);
		} else {
			size_t len = (size_t)(size - offset < u->chunk ? size - offset : u->chunk);
			/* the first chunk sent in a session is never `more`: its
			 * answer has the offset the server holds */
			int more = mode == PROBE && !first && offset + len < size;
			rv = one(u, offset, len, more, &off, &complete, &unflushed);
			if (rv == BS_OK) {
				first = 0;
				if (more)
					mode = unflushed ? GROUPS : SINGLE;
				offset = complete ? size : off;
			}
		}
		if (rv != BS_OK)
			break;
		if (o->progress && (mode != GROUPS || !unflushed))
			o->progress(o->progress_ctx, offset, size);
	}
	if (sent)
		*sent = u->sent;
	if (grouped)
		*grouped = mode == GROUPS;
	free(u);
	return rv;
}

int upload_mem_read(void *ctx, uint64_t off, uint8_t *buf, size_t len)
{
	const struct upload_mem *m = ctx;
	if (off > m->len || len > m->len - off)
		return BS_E_INVAL;
	memcpy(buf, m->buf + off, len);
	return BS_OK;
}
