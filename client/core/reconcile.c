/* reconcile.c - conflicts merged by field (see reconcile.h). */
#include "reconcile.h"

#include <stdlib.h>
#include <string.h>

#include "bs_limits.h"
#include "clock.h"
#include "err.h"
#include "log.h"
#include "merge.h"
#include "records.h"

#define LATER_MAX 64u

struct later {
	uint64_t after;
	const char *uid;
	struct lop ops[LATER_MAX];
	size_t n;
	int overflow;
};

/* Pending ops on the same record after the conflicting one. */
static int take_later(void *ctx, const struct lop *op)
{
	struct later *l = ctx;
	struct lop *dst;
	if (strcmp(op->uid, l->uid) != 0)
		return 0;
	if (l->n == LATER_MAX) {
		l->overflow = 1;
		return 1;
	}
	dst = &l->ops[l->n];
	memset(dst, 0, sizeof *dst);
	dst->seq = op->seq;
	dst->deleted = op->deleted;
	if (op->data_len) {
		if (!(dst->data = malloc(op->data_len)))
			return BS_E_NOMEM;
		memcpy(dst->data, op->data, op->data_len);
	}
	dst->data_len = op->data_len;
	if (op->n_attachments) {
		if (!(dst->attachments = malloc(op->n_attachments * LDB_HASH_LEN)))
			return BS_E_NOMEM;
		memcpy(dst->attachments, op->attachments, op->n_attachments * LDB_HASH_LEN);
	}
	dst->n_attachments = op->n_attachments;
	l->n++;
	return 0;
}

static int same_atts(const uint8_t (*a)[LDB_HASH_LEN], size_t na,
		     const uint8_t (*b)[LDB_HASH_LEN], size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * LDB_HASH_LEN) == 0);
}

/* Whether merging the attachments of op (or of each later op, which are
 * merged one by one) with the server's would exceed REC_ATTACH_MAX. */
static int attach_overflow(const struct lop *op, const struct later *later,
			   const struct lrecord *server)
{
	static uint8_t scratch[REC_ATTACH_MAX][LDB_HASH_LEN];
	size_t j, n = 0;
	for (j = 0; j < (later->n ? later->n : 1); j++) {
		const struct lop *o = later->n ? &later->ops[j] : op;
		if (merge_attachments((const uint8_t(*)[LDB_HASH_LEN])op->base_attachments,
				      op->n_base_attachments,
				      (const uint8_t(*)[LDB_HASH_LEN])o->attachments,
				      o->n_attachments,
				      (const uint8_t(*)[LDB_HASH_LEN])server->attachments,
				      server->n_attachments, scratch, REC_ATTACH_MAX,
				      &n) != BS_OK)
			return 1;
	}
	return 0;
}

int reconcile_conflict(struct localdb *db, uint64_t seq, const struct lrecord *server,
		       struct reconcile_outcome *out)
{
	static uint8_t atts[REC_ATTACH_MAX][LDB_HASH_LEN];
	struct later later;
	struct lop op;
	struct merge_result last;
	const uint8_t *mine;
	size_t mine_len, natt = 0, i;
	int rv, whole = 0;

	memset(out, 0, sizeof *out);
	memset(&later, 0, sizeof later);
	memset(&last, 0, sizeof last);
	rv = localdb_op_get(db, seq, &op);
	if (rv == BS_E_NOTFOUND) /* a replayed receipt: handled already */
		return localdb_outbox_conflict(db, seq, server);
	if (rv != BS_OK)
		return rv;
	later.uid = op.uid;
	if (op.deleted || server->deleted || !op.has_base || op.state != LOP_PENDING)
		whole = 1;
	if (!whole && (rv = localdb_outbox_each(db, seq, 100000, take_later, &later)) < 0)
		goto out;
	rv = BS_OK;
	for (i = 0; i < later.n && !whole; i++)
		whole = later.ops[i].deleted;
	if (later.overflow)
		whole = 1;
	/* Photos are never dropped: if the union of the server's attachments
	 * and those this device added needs more than a record holds, a
	 * person decides (whole-record conflict). */
	if (!whole && attach_overflow(&op, &later, server)) {
		whole = 1;
		out->attach_overflow = 1;
		log_warn("记录 %s（#%llu）：服务器上的照片加上本机新加的照片超过每条记录 %u 个，"
			 "未自动合并，已转为整条记录冲突；请用 baosong status 查看，"
			 "baosong resolve %llu 处理，删去多余照片后再重新添加 / record %s "
			 "(#%llu): the server's photos plus those added here exceed %u per "
			 "record, so the change was not merged automatically and the whole "
			 "record conflicts; see baosong status, settle with baosong resolve "
			 "%llu, remove photos to make room, then add yours again",
			 op.uid, (unsigned long long)seq, REC_ATTACH_MAX,
			 (unsigned long long)seq, op.uid, (unsigned long long)seq, REC_ATTACH_MAX,
			 (unsigned long long)seq);
	}
	mine = later.n ? later.ops[later.n - 1].data : op.data;
	mine_len = later.n ? later.ops[later.n - 1].data_len : op.data_len;
	if (!whole) {
		rv = merge3(op.kind, op.base_data, op.base_len, mine, mine_len, server->data,
			    server->data_len, NULL, &last);
		if (rv == BS_E_UNSUPPORTED || rv == BS_E_INVAL) {
			whole = 1;
			rv = BS_OK;
		} else if (rv != BS_OK) {
			goto out;
		}
	}
	if (whole) {
		out->n_conflicts = 1;
		rv = localdb_outbox_conflict(db, seq, server);
		goto out;
	}
	out->merged = 1;
	out->n_conflicts = last.n_conflicts;
	rv = localdb_outbox_merged(db, seq, server, op.base_data, op.base_len,
				   last.n_conflicts > 0, mine, mine_len);
	if (rv != BS_OK)
		goto out;
	if (later.n == 0) {
		rv = merge_attachments((const uint8_t(*)[LDB_HASH_LEN])op.base_attachments,
				       op.n_base_attachments,
				       (const uint8_t(*)[LDB_HASH_LEN])op.attachments,
				       op.n_attachments,
				       (const uint8_t(*)[LDB_HASH_LEN])server->attachments,
				       server->n_attachments, atts, REC_ATTACH_MAX, &natt);
		if (rv != BS_OK) /* checked above (attach_overflow) */
			goto out;
		if ((last.len != server->data_len ||
		     (last.len && memcmp(last.data, server->data, last.len) != 0)) ||
		    !same_atts((const uint8_t(*)[LDB_HASH_LEN])atts, natt,
			       (const uint8_t(*)[LDB_HASH_LEN])server->attachments,
			       server->n_attachments))
			rv = localdb_change(db, op.kind, op.uid, server->unit_id, last.data, last.len,
					    (const uint8_t(*)[LDB_HASH_LEN])atts, natt, 0,
					    bs_now_ms(), &out->requeued);
		goto out;
	}
	/* Later changes were never sent (one op per record per round): each
	 * becomes its own merge, on top of the server's revision. */
	{
		const uint8_t *prev = server->data;
		size_t prev_len = server->data_len;
		struct merge_result m[LATER_MAX];
		size_t j;
		memset(m, 0, sizeof m);
		for (j = 0; j < later.n && rv == BS_OK; j++) {
			rv = merge3(op.kind, op.base_data, op.base_len, later.ops[j].data,
				    later.ops[j].data_len, server->data, server->data_len, NULL,
				    &m[j]);
			if (rv != BS_OK)
				break;
			rv = merge_attachments(
				(const uint8_t(*)[LDB_HASH_LEN])op.base_attachments,
				op.n_base_attachments,
				(const uint8_t(*)[LDB_HASH_LEN])later.ops[j].attachments,
				later.ops[j].n_attachments,
				(const uint8_t(*)[LDB_HASH_LEN])server->attachments,
				server->n_attachments, atts, REC_ATTACH_MAX, &natt);
			if (rv != BS_OK) /* checked above (attach_overflow) */
				break;
			rv = localdb_op_rebase(db, later.ops[j].seq, server->rev + j, m[j].data,
					       m[j].len, (const uint8_t(*)[LDB_HASH_LEN])atts, natt,
					       prev, prev_len);
			prev = m[j].data;
			prev_len = m[j].len;
			if (rv == BS_OK && j + 1 == later.n) {
				rv = localdb_record_set_local(db, op.uid, m[j].data, m[j].len,
							      (const uint8_t(*)[LDB_HASH_LEN])atts,
							      natt);
				out->requeued = later.ops[j].seq;
			}
		}
		for (j = 0; j < later.n; j++)
			merge_result_free(&m[j]);
	}
out:
	if (rv == BS_OK)
		log_info("conflict on %s (#%llu): %s, %u field%s in conflict", op.uid,
			 (unsigned long long)seq, out->merged ? "merged by field" : "whole record",
			 out->n_conflicts, out->n_conflicts == 1 ? "" : "s");
	merge_result_free(&last);
	for (i = 0; i < later.n; i++)
		lop_free(&later.ops[i]);
	lop_free(&op);
	return rv;
}

int reconcile_resolve(struct localdb *db, const struct lconflict *cf, const struct lrecord *cur,
		      const unsigned char *pick, int64_t now, uint64_t *seq)
{
	struct merge_result m;
	int rv, nested_ok;

	*seq = 0;
	if (!cf->has_base)
		return BS_E_INVAL;
	memset(&m, 0, sizeof m);
	/* Against the record as it stands: fields this device did not touch
	 * keep what the server (or a merged change) holds. */
	rv = merge3(cf->kind, cf->base, cf->base_len, cf->mine, cf->mine_len, cur->data,
		    cur->data_len, pick, &m);
	if (rv != BS_OK)
		return rv;
	if ((rv = localdb_begin(db)) != BS_OK)
		goto out;
	nested_ok = 1;
	if (m.len != cur->data_len || (m.len && memcmp(m.data, cur->data, m.len) != 0))
		rv = localdb_change(db, cf->kind, cf->uid, cur->unit_id, m.data, m.len,
				    (const uint8_t(*)[LDB_HASH_LEN])cur->attachments,
				    cur->n_attachments, 0, now, seq);
	if (rv == BS_OK)
		rv = localdb_conflict_delete(db, cf->seq);
	if (rv == BS_OK)
		rv = localdb_commit(db);
	else if (nested_ok)
		localdb_rollback(db);
out:
	merge_result_free(&m);
	return rv;
}
