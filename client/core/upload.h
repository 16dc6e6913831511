/* upload.h - one attachment uploaded in resumable chunks (PROTOCOL.md
 * section 15.2).
 *
 * The first chunk goes alone; the second is sent with `more`.  A server
 * that honours it (its answer says `unflushed`) then gets the rest in
 * groups: up to `group` chunks, all but the last sent with `more` and up to
 * `window` of them in flight, then, once every one is answered, the group's
 * last chunk without `more`, which the server flushes (the whole group with
 * it) and records.  Only that answer's offset is durable.  A server that
 * does not know `more` (it flushed and recorded the probe like any chunk)
 * gets one chunk a request, each after the answer to the one before. */
#ifndef BS_UPLOAD_H
#define BS_UPLOAD_H

#include <stdint.h>

#include "net.h"

#define UPLOAD_CHUNK_MAX 49152u    /* BLOB_CHUNK_MAX of the server */
#define UPLOAD_GROUP 128u          /* chunks between two flushes: 6 MiB */
#define UPLOAD_WINDOW 32u          /* chunks in flight (the server takes 64) */

struct upload_src {
	/* Read len bytes at off into buf: BS_OK, or an error (the upload stops). */
	int (*read)(void *ctx, uint64_t off, uint8_t *buf, size_t len);
	void *ctx;
};

/* Bytes already in memory as a source: {upload_mem_read, &m}. */
struct upload_mem {
	const uint8_t *buf;
	size_t len;
};
int upload_mem_read(void *ctx, uint64_t off, uint8_t *buf, size_t len);

struct upload_opts {
	unsigned chunk;            /* bytes a chunk, 1..UPLOAD_CHUNK_MAX (0: the maximum) */
	unsigned group;            /* chunks a group (0: UPLOAD_GROUP) */
	unsigned window;           /* chunks in flight, 1..64 (0: UPLOAD_WINDOW) */
	int single;                /* 1: one chunk a request, never `more` */
	uint64_t budget;           /* tests, a cut line: BS_E_CLOSED before sending
				    * past this many bytes (0: no limit) */
	void (*progress)(void *ctx, uint64_t held, uint64_t size);
	void *progress_ctx;
};

/* Upload bytes [offset, size) of the file whose BLAKE2b-256 is hash
 * (offset: what the server holds, from blob_query).  BS_OK once the server
 * says it is complete; an Error's code (BS_E_OFFSET: ask again and resume,
 * BS_E_CORRUPT: the bytes do not match the hash, ...), or a network error.
 * *sent: the bytes sent (may be NULL); *grouped: 1 if the server honoured
 * `more` (may be NULL). */
int upload_run(struct session *s, const uint8_t hash[32], uint64_t size, uint64_t offset,
	       const struct upload_src *src, const struct upload_opts *o, uint64_t *sent,
	       int *grouped);

#endif
