/* handlers.h - what baosongd does with each request, run in a worker thread
 * against that thread's store handle.
 *
 * Every request is authorised against the session's device, unit and role,
 * re-read from the database at the start of the request (so a revocation
 * takes effect on the next request); nothing in the message can widen
 * what the session may see or write. */
#ifndef BS_HANDLERS_H
#define BS_HANDLERS_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "wire.h"
#include "worker.h"

struct store;

/* Server-wide settings the handlers need. */
struct handler_cfg {
	char blob_dir[4096];
	uint64_t max_file_bytes;   /* largest attachment */
	uint64_t unit_quota_bytes; /* attachment bytes per unit */
	struct upload_slots *slots; /* uploads honoured in flushed groups (NULL: all) */
};

/* Who is on the other end of a session. */
struct session_who {
	int64_t device_id;         /* 0 until enrolled */
	int64_t unit_id;
	int role;
	uint8_t pubkey[KEY_LEN];
};

/* One request travelling to a worker and back. */
struct req_job {
	struct job job;            /* first: the pool sees this */
	struct session_who who;
	const struct handler_cfg *cfg;
	Envelope *req;             /* decoded request; freed with arena */
	struct wire_arena arena;
	uint64_t request_id;
	/* set by the handler */
	uint8_t *resp;             /* encoded response Envelope (malloc'd) */
	size_t resp_len;
	int end_session;           /* the session must close after the reply */
	int enrolled;              /* enrolment succeeded: adopt new_who */
	struct session_who new_who;
	/* blob_put: what its reader part found and did on disk, for its
	 * writer part to record (handlers.c) */
	struct {
		int what;          /* 1 progress, 2 complete, 3 corrupt */
		int db_found;      /* the upload's row existed ... */
		uint64_t db_off;   /* ... with this offset */
		uint64_t size, to; /* whole size; offset now on disk */
		uint64_t token;    /* complete: names the verified file (blobs.h) */
	} put;
};

/* Whether a request body goes to the writer (1) or a reader (0).  A
 * blob_put goes to a reader, which checks it and writes the file, then on
 * to the writer, which records the progress (job.then_write). */
int handler_is_write(const Envelope *req);

/* The job function for both pools (job.run).  Every request of a full
 * session, Ping and bodies that are not requests included, first re-reads
 * the device: revoked or gone ends the session (BS_E_REVOKED /
 * BS_E_UNKNOWN_KEY).  A push answers an op whose seq was applied before with
 * the stored receipt only if the op's digest matches; otherwise the push
 * stops with BS_E_SEQ_REUSED. */
int handler_run(struct job *j, struct store *st, void *user);

/* Encode an Error reply for request_id into a malloc'd buffer. */
int handler_error_reply(uint64_t request_id, int err, const char *detail, uint8_t **out,
			size_t *len);

/* Handshake look-up of a client key (reader job). */
enum key_status { KEY_UNKNOWN = 0, KEY_ACTIVE = 1, KEY_REVOKED = 2 };
struct key_job {
	struct job job;
	uint8_t pubkey[KEY_LEN];
	/* results */
	enum key_status status;
	struct session_who who;
	uint64_t last_hello_ns;
};
int handler_key_lookup(struct job *j, struct store *st, void *user);

/* Persist a device's newest handshake timestamp (writer job, no reply). */
struct hello_job {
	struct job job;
	int64_t device_id;
	uint64_t ts_ns;
};
int handler_hello_save(struct job *j, struct store *st, void *user);

#endif
