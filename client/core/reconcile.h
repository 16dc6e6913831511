/* reconcile.h - what this device does when the server answers one of its
 * changes with a conflict (the record moved on since the change was made):
 * merge field by field (merge.h) against the data the change was based on.
 *
 *   - fields only one side changed merge by themselves: the merged record
 *     is queued again on top of the server's revision (later changes of
 *     this device on the record, never sent yet, are rebased instead);
 *   - fields both sides changed go to the conflict list with base, mine
 *     and theirs; the device shows the server's value until a person picks
 *     (`baosong resolve`);
 *   - attachments the change added are kept; if the server's and the
 *     added ones together exceed REC_ATTACH_MAX, none is dropped: the
 *     record conflicts as a whole (attach_overflow set, warning logged);
 *   - a delete on either side, or a change kept before bases were stored,
 *     conflicts as a whole record (localdb_outbox_conflict).
 *
 * Call inside a transaction of the caller's (localdb_begin). */
#ifndef BS_RECONCILE_H
#define BS_RECONCILE_H

#include <stdint.h>

#include "localdb.h"

struct reconcile_outcome {
	int merged;            /* merged by field (0: the whole record conflicts) */
	unsigned n_conflicts;  /* fields left in the conflict list (0: none) */
	uint64_t requeued;     /* the op that carries the merged record, 0 if none */
	int attach_overflow;   /* whole record: merged attachments over REC_ATTACH_MAX */
};

int reconcile_conflict(struct localdb *db, uint64_t seq, const struct lrecord *server,
		       struct reconcile_outcome *out);

/* For `baosong resolve`: settle conflict cf on the record as it stands
 * (cur), taking mine for each field whose pick (merge.h, one entry per
 * field of the kind) is MERGE_MINE.  The result is queued as a change if
 * it differs from cur; the conflict is dropped.  *seq receives the new
 * op's seq or 0.  BS_E_INVAL for a conflict without a base. */
int reconcile_resolve(struct localdb *db, const struct lconflict *cf, const struct lrecord *cur,
		      const unsigned char *pick, int64_t now, uint64_t *seq);

#endif
