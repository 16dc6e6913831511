/* settle.c - refused changes given up, whole-record conflicts settled (see
 * settle.h). */
#include "settle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "save.h"

struct find_op {
	uint64_t seq;
	struct settle_discarded *d;
};

static int find_quarantined(void *ctx, const struct lop *op)
{
	struct find_op *f = ctx;
	struct settle_discarded *d = f->d;
	if (op->seq != f->seq)
		return 0;
	d->found = 1;
	snprintf(d->kind, sizeof d->kind, "%s", op->kind);
	snprintf(d->uid, sizeof d->uid, "%s", op->uid);
	snprintf(d->msg, sizeof d->msg, "%s", op->error_msg);
	d->code = op->error_code;
	if (op->data_len && (d->data = malloc(op->data_len)) != NULL) {
		memcpy(d->data, op->data, op->data_len);
		d->len = op->data_len;
	}
	return 1;
}

int settle_discard(struct localdb *db, uint64_t seq, struct settle_discarded *out)
{
	struct find_op f = {seq, out};
	int rv;

	memset(out, 0, sizeof *out);
	if ((rv = localdb_quarantine_each(db, find_quarantined, &f)) < 0)
		return rv;
	if ((rv = localdb_begin(db)) != BS_OK)
		return rv;
	rv = localdb_outbox_discard(db, seq);
	if (rv == BS_OK && out->found)
		rv = localdb_record_restore(db, out->uid, &out->how);
	if (rv == BS_E_NOTFOUND && out->found) /* the record itself is gone: nothing to put back */
		rv = BS_OK;
	if (rv == BS_OK)
		rv = localdb_commit(db);
	else
		localdb_rollback(db);
	return rv;
}

void settle_discarded_free(struct settle_discarded *d)
{
	if (!d)
		return;
	free(d->data);
	d->data = NULL;
	d->len = 0;
}

int settle_keep_mine(struct localdb *db, const struct app_server *srv,
		     const struct lconflict *cf, int64_t now, uint64_t *seq,
		     struct settle_why *why)
{
	struct lrecord r;
	struct rec_lookup lk;
	struct rec_ctx rc;
	const uint8_t(*att)[LDB_HASH_LEN] = NULL;
	size_t n_att = 0;
	int64_t unit_id = srv->unit_id;
	int have_r = 0, deleted = cf->mine_len == 0, rv;

	memset(why, 0, sizeof *why);
	rv = localdb_record_get(db, cf->uid, &r);
	if (rv == BS_OK) {
		have_r = 1;
		if (r.pending) {
			why->pending = r.pending;
			rv = BS_E_STATE;
			goto out;
		}
		unit_id = r.unit_id;
		att = (const uint8_t(*)[LDB_HASH_LEN])r.attachments;
		n_att = r.n_attachments;
	} else if (rv != BS_E_NOTFOUND) {
		goto out;
	}
	if (!records_kind_known(cf->kind)) {
		rv = BS_E_UNSUPPORTED;
		goto out;
	}
	save_ctx_init(&rc, &lk, db, srv->unit_id, srv->role, now);
	if (!deleted &&
	    (rv = records_validate(cf->kind, cf->mine, cf->mine_len, &rc, &why->err)) != BS_OK) {
		why->invalid = 1;
		goto out;
	}
	if ((rv = localdb_begin(db)) != BS_OK)
		goto out;
	rv = localdb_change(db, cf->kind, cf->uid, unit_id, cf->mine, cf->mine_len, att, n_att,
			    deleted, now, seq);
	if (rv == BS_OK)
		rv = localdb_conflict_delete(db, cf->seq);
	if (rv == BS_OK && (rv = localdb_commit(db)) == BS_OK)
		goto out;
	localdb_rollback(db);
out:
	if (have_r)
		lrecord_free(&r);
	return rv;
}

int settle_keep_theirs(struct localdb *db, uint64_t seq)
{
	return localdb_conflict_delete(db, seq);
}
