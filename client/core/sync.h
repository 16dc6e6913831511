/* sync.h - the client's sync engine: push the outbox (attachments first,
 * then operations in order), then pull the change feed.
 *
 * Exactly once: an op leaves the outbox only when its receipt is stored in
 * the same local transaction; a receipt lost on the way (cut line, crash)
 * means the op is sent again, and the server answers with the receipt it
 * kept.  Permanent refusals quarantine that op and the rest go on;
 * conflicts move to the conflict list; retryable errors end the run with a
 * retryable code so the caller can back off and try again. */
#ifndef BS_SYNC_H
#define BS_SYNC_H

#include <stdint.h>

#include "localdb.h"
#include "net.h"

struct sync_stats {
	unsigned applied, replayed, conflicts, rejected;
	unsigned merged;           /* conflicts merged by field without a conflict left */
	unsigned repaired;         /* local copies put back to the server's version */
	unsigned pulled;
	unsigned files_uploaded;
	uint64_t bytes_uploaded;
};

struct sync_opts {
	int progress;              /* draw a progress bar on stderr */
	/* Called as an attachment uploads (done of total bytes of the file at
	 * path), from the thread running the sync; NULL: none. */
	void (*on_upload)(void *ctx, const char *path, uint64_t done, uint64_t total);
	void *upload_ctx;
	unsigned chunk;            /* upload chunk size (default 49152) */
	uint64_t stop_after_bytes; /* tests: stop uploading after this many bytes */
	int upload_single;         /* tests: one chunk a request, never `more`
				    * (as clients before it did) */
	int renumber;              /* a person confirmed: renumber ops the server
				    * refused as BS_E_SEQ_REUSED, then send them */
};

/* Upload the attachments pending ops need, resuming interrupted uploads
 * from the server's offset. */
int sync_upload(struct session *s, struct localdb *db, const struct sync_opts *o,
		struct sync_stats *st);
/* Push every pending op.  When the server already holds other ops under this
 * device's numbers (BS_E_SEQ_REUSED: a restored or copied data directory),
 * nothing is dropped: the ops stay, the local meta key "seq_reused" records
 * the first refused seq, and the result is BS_E_SEQ_REUSED - unless
 * o->renumber, which first lets the server answer the ops it did apply
 * (same content, same receipt), then renumbers the rest after the server's
 * applied_seq (localdb_outbox_renumber) and sends them. */
int sync_push(struct session *s, struct localdb *db, const struct sync_opts *o,
	      struct sync_stats *st);
/* Pull every change since the stored cursor. */
int sync_pull(struct session *s, struct localdb *db, struct sync_stats *st);

/* Ask the server who this device is (Identity); 0 or an error. */
int sync_whoami(struct session *s, Baosong__V1__Identity **out, struct wire_arena *a,
		Envelope **env);

/* Download a stored attachment to path (written via path.part, then renamed). */
int sync_download(struct session *s, const uint8_t hash[32], const char *path);

#endif
