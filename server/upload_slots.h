/* upload_slots.h - how many uploads may go in flushed groups at once
 * (BlobPut.more, PROTOCOL.md section 15.2).
 *
 * A grouped upload runs at the speed of the crypto on both ends: a few of
 * them take both cores of a small server from everyone's pushes.  The
 * server therefore honours `more` for at most `max` uploads at a time (the
 * configuration's grouped_uploads); the others get their chunks flushed and
 * recorded one by one, as before `more`, which waits on the disk, not the
 * CPU.  A client learns which from the answer to its probe (its second
 * chunk: `unflushed` or not) and keeps to it for the rest of that upload.
 * Used from the reader threads: every function takes the lock. */
#ifndef BS_UPLOAD_SLOTS_H
#define BS_UPLOAD_SLOTS_H

#include <stdint.h>

struct upload_slots;

/* max 0: never honour `more`.  An upload that sent no `more` chunk for
 * idle_ms loses its slot.  BS_OK or BS_E_NOMEM. */
int upload_slots_new(unsigned max, int64_t idle_ms, struct upload_slots **out);
void upload_slots_free(struct upload_slots *s);

/* Whether the upload (unit, hash) may go on in groups at now_ms: 1 if it
 * holds a slot (kept fresh) or took a free one, 0 if all are taken. */
int upload_slots_take(struct upload_slots *s, int64_t unit, const uint8_t hash[32],
		      int64_t now_ms);
/* The upload ended (its last chunk arrived): its slot, if any, is free. */
void upload_slots_release(struct upload_slots *s, int64_t unit, const uint8_t hash[32]);

#endif
