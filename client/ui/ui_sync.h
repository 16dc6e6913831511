/* ui_sync.h - the 同步 button: one sync at a time on a thread of its own,
 * with its own handle on the data directory and the run lock (so it never
 * overlaps a `baosong sync` of the command line or the timer), and its
 * progress for the page to poll: photo bytes sent of those to send, the
 * time left at the rate so far, and at the end the summary. */
#ifndef BS_UI_SYNC_H
#define BS_UI_SYNC_H
#include <stdint.h>

#include "sync.h"

struct ui;

struct ui_sync_state {
	int started;          /* a sync was started in this launch */
	int running;
	int rv;               /* its outcome (BS_E_*), when it has finished */
	uint64_t bytes_done, bytes_total; /* photos and evidence files */
	uint64_t bytes_sent;  /* of bytes_done, sent by this sync (the rate) */
	int64_t started_ms, finished_ms;
	struct sync_stats st;
	unsigned pending, refused, conflicts; /* after it */
	char text[800];       /* what it is doing, or why it failed */
};

/* Start a sync unless one runs: 0, BS_E_BUSY (one runs), or BS_E_NOMEM. */
int ui_sync_start(struct ui *ui);
/* A copy of the state now. */
void ui_sync_state(struct ui *ui, struct ui_sync_state *out);
/* Wait for a running sync to finish and free it (at exit). */
void ui_sync_stop(struct ui *ui);
#endif
