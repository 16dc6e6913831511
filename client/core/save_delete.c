/* save_delete.c - deleting a record a person chose, the same way for every
 * front end (see save.h). */
#include "save.h"

#include <assert.h>
#include <stdio.h>

#include "err.h"

int save_delete(struct localdb *db, const struct lrecord *old, int role, int64_t now_ms,
		char *msg, size_t cap, uint64_t *seq)
{
	int rv;

	assert(db && old && msg && cap > 0 && seq);
	msg[0] = '\0';
	if ((rv = save_check_role(old->kind, save_role(role), msg, cap)) != BS_OK ||
	    (rv = save_check_unlocked(old, msg, cap)) != BS_OK)
		return rv;
	rv = localdb_change(db, old->kind, old->uid, old->unit_id, old->data, old->data_len, NULL,
			    0, 1, now_ms, seq);
	if (rv != BS_OK)
		snprintf(msg, cap, "保存失败 cannot save: %s", bs_strerror(rv));
	return rv;
}
