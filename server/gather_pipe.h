/* gather_pipe.h - every record read on a second thread and handed to the
 * calling thread in batches, in uid order, so that SQLite's stepping and the
 * assessment's decoding run at the same time (docs/PERFORMANCE.md, target 7).
 *
 * The second thread is the only one that uses the store until the scan
 * ends: the caller's fn must not call the store (what it needs besides the
 * rows it reads before). */
#ifndef BS_GATHER_PIPE_H
#define BS_GATHER_PIPE_H

#include "store.h"

struct gather_pipe_fns {
	/* On the reading thread, a pure function of the row: 0 skips it. */
	int (*keep)(const struct record *r);
	/* On the calling thread, for every kept row in uid order.  Non-zero
	 * stops the scan and is returned. */
	int (*fn)(void *ctx, const struct record *r, const struct review_state *rs);
};

/* Every current record (store_record_scan_assess(st, NULL, ...)), in the
 * caller's read transaction.  BS_OK, what fn returned, a store error, or
 * BS_E_NOMEM / BS_E_INTERNAL (no thread). */
int gather_pipe_scan(struct store *st, const struct gather_pipe_fns *f, void *ctx);

#endif
