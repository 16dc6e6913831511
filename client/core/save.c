/* save.c - checking, warning about and queueing a record a person entered:
 * see save.h. */
#include "save.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "baosong.pb-c.h"
#include "err.h"
#include "field.h"
#include "wire.h"

#define DECODE_MAX (256u * 1024u) /* protobuf-c memory for one record */

/* ---- look-ups for records_validate ------------------------------------------------- */

int local_lookup_project(void *ctx, const char *uid, int64_t *unit_id, int64_t *total_fen,
			 int *stage)
{
	struct localdb *db = ctx;
	struct lrecord r;
	struct wire_arena a;
	Baosong__V1__Project *p;
	int rv = localdb_record_get(db, uid, &r);
	if (rv != BS_OK)
		return rv;
	if (strcmp(r.kind, REC_KIND_PROJECT) != 0 || r.deleted) {
		lrecord_free(&r);
		return BS_E_NOTFOUND;
	}
	wire_arena_init(&a, DECODE_MAX);
	p = baosong__v1__project__unpack(&a.alloc, r.data_len, r.data);
	if (p) {
		*unit_id = r.unit_id;
		*total_fen = p->total_investment_fen;
		*stage = (int)p->stage;
		baosong__v1__project__free_unpacked(p, &a.alloc);
	} else {
		rv = BS_E_INVAL;
	}
	lrecord_free(&r);
	return rv;
}

struct unit_walk {
	const char *code;
	int64_t unit_id;
	int found;
};

static int unit_match(void *ctx, const struct lrecord *r)
{
	struct unit_walk *uw = ctx;
	struct wire_arena a;
	Baosong__V1__UnitInfo *u;
	wire_arena_init(&a, DECODE_MAX);
	u = baosong__v1__unit_info__unpack(&a.alloc, r->data_len, r->data);
	if (!u)
		return 0;
	if (u->code && strcmp(u->code, uw->code) == 0) {
		uw->unit_id = r->unit_id;
		uw->found = 1;
	}
	baosong__v1__unit_info__free_unpacked(u, &a.alloc);
	return uw->found;
}

int local_lookup_unit(void *ctx, const char *code, int64_t *unit_id)
{
	struct localdb *db = ctx;
	struct unit_walk uw = {code, 0, 0};
	char mine[256];
	int rv = localdb_record_each(db, REC_KIND_UNIT, 0, unit_match, &uw);
	if (rv < 0)
		return rv;
	if (uw.found) {
		*unit_id = uw.unit_id;
		return BS_OK;
	}
	if (localdb_meta_get(db, "unit_code", mine, sizeof mine) == BS_OK && mine[0] &&
	    strcmp(mine, code) == 0)
		return localdb_meta_get_int(db, "unit_id", unit_id);
	return BS_E_NOTFOUND;
}

static int any_record(void *ctx, const struct lrecord *r)
{
	(void)r;
	*(int *)ctx = 1;
	return 1;
}

void save_ctx_init(struct rec_ctx *c, struct rec_lookup *lk, struct localdb *db,
		   int64_t unit_id, int role, int64_t now_ms)
{
	int have_units = 0;
	assert(c && lk && db);
	lk->project = local_lookup_project;
	lk->unit = NULL;
	lk->ctx = db;
	if (localdb_record_each(db, REC_KIND_UNIT, 0, any_record, &have_units) >= 0 &&
	    have_units)
		lk->unit = local_lookup_unit;
	c->now_ms = now_ms;
	c->unit_id = unit_id;
	c->role = role;
	c->any_unit = role == REC_ROLE_ADMIN;
	c->lookup = lk;
}

/* ---- who may write what ----------------------------------------------------------- */

int save_role(int role)
{
	return role > 0 ? role : REC_ROLE_REPORTER;
}

/* The role's Chinese and English name. */
static void role_names(int role, char *out, size_t cap)
{
	static const char *const en[] = {"unknown", "reporter", "reviewer", "statistics",
					 "leader", "admin"};
	const char *zh = records_enum_label(&baosong__v1__role__descriptor, role);
	snprintf(out, cap, "%s %s", zh ? zh : "?",
		 role >= 0 && role <= REC_ROLE_ADMIN ? en[role] : "unknown");
}

int save_check_role(const char *kind, int role, char *msg, size_t cap)
{
	const struct rec_kind *rk = records_kind(kind);
	char mine[64], who[200] = "", r[64];
	int i;
	assert(kind && msg && cap > 0);
	msg[0] = '\0';
	if (!rk) {
		snprintf(msg, cap, "此版本不支持%s records of kind %s are not supported by this "
			 "version", field_kind_zh(kind), kind);
		return BS_E_UNSUPPORTED;
	}
	if (role > 0 && role < 32 && (rk->writers & REC_ROLE_BIT(role)))
		return BS_OK;
	for (i = 1; i <= REC_ROLE_ADMIN; i++) {
		if (!(rk->writers & REC_ROLE_BIT(i)))
			continue;
		role_names(i, r, sizeof r);
		snprintf(who + strlen(who), sizeof who - strlen(who), "%s%s", who[0] ? "、" : "", r);
	}
	role_names(role, mine, sizeof mine);
	if (who[0])
		snprintf(msg, cap, "无权填写%s this device (role %s) may not write %s records; "
			 "only %s may", rk->label_zh, mine, kind, who);
	else
		snprintf(msg, cap, "%s由服务器发布 %s records are published by the server; no "
			 "device writes them", rk->label_zh, kind);
	return BS_E_FORBIDDEN;
}

int save_check_unlocked(const struct lrecord *r, char *msg, size_t cap)
{
	int approved = r->review_status == BAOSONG__V1__REVIEW_STATUS__REVIEW_APPROVED;
	assert(r && msg && cap > 0);
	msg[0] = '\0';
	if (strcmp(r->kind, REC_KIND_WEEKLY) == 0) {
		if (!r->locked)
			return BS_OK;
		snprintf(msg, cap, "这份周报已锁定（已审核通过或周期已关闭） the report %.8s is "
			 "locked (approved, or its week is closed): the server would refuse the "
			 "change; ask the reviewer to reopen it first", r->uid);
		return BS_E_INVAL;
	}
	if (!r->locked && !approved)
		return BS_OK;
	snprintf(msg, cap, "记录%s，不能修改 %s is %s; changes are refused (%s)",
		 approved ? "已审核通过" : "已锁定", r->uid,
		 approved ? "approved" : "locked: its period is closed",
		 approved ? "a reviewer can reopen it" : "the bureau can reopen the period");
	return BS_E_INVAL;
}

int64_t save_owner_unit(struct localdb *db, const ProtobufCMessage *m, int64_t own_unit,
			int any_unit)
{
	const ProtobufCFieldDescriptor *pf = field_named(m->descriptor, "project_uid");
	const ProtobufCFieldDescriptor *uf = field_named(m->descriptor, "unit_code");
	int64_t unit = 0, total = 0;
	int stage = 0;
	if (!any_unit)
		return own_unit;
	if (pf && field_text(m, pf)[0] &&
	    local_lookup_project(db, field_text(m, pf), &unit, &total, &stage) == BS_OK)
		return unit;
	if (uf && field_text(m, uf)[0] && local_lookup_unit(db, field_text(m, uf), &unit) == BS_OK)
		return unit;
	return own_unit;
}

/* ---- one record per key -------------------------------------------------------------- */

static const struct unique {
	const char *kind;
	const char *const fields[3];
} uniques[] = {
	{REC_KIND_APPROVAL, {"project_uid", "item", NULL}},
	{REC_KIND_MONTHLY, {"project_uid", "period", NULL}},
	{REC_KIND_STATS, {"project_uid", NULL, NULL}},
	{REC_KIND_TARGET, {"unit_code", "period", NULL}},
	{REC_KIND_ACCEPTANCE, {"project_uid", "year", NULL}},
};

const char *const *save_unique_fields(const char *kind)
{
	size_t i;
	for (i = 0; i < sizeof uniques / sizeof uniques[0]; i++)
		if (strcmp(uniques[i].kind, kind) == 0)
			return uniques[i].fields;
	return NULL;
}

struct dup_walk {
	const ProtobufCMessage *m;
	const char *const *fields;
	const char *skip_uid;
	char *dup;
};

static int dup_match(void *ctx, const struct lrecord *r)
{
	struct dup_walk *dw = ctx;
	const char *const *u;
	struct wire_arena a;
	ProtobufCMessage *o;
	int same = 1;
	if (dw->skip_uid && strcmp(r->uid, dw->skip_uid) == 0)
		return 0;
	if (!(o = field_unpack(dw->m->descriptor, r, &a)))
		return 0;
	for (u = dw->fields; *u && same; u++) {
		const ProtobufCFieldDescriptor *f = field_named(dw->m->descriptor, *u);
		char x[2048], y[2048];
		if (!f)
			continue;
		field_format("", o, f, FMT_CSV, x, sizeof x);
		field_format("", dw->m, f, FMT_CSV, y, sizeof y);
		same = strcmp(x, y) == 0;
	}
	protobuf_c_message_free_unpacked(o, &a.alloc);
	if (same)
		snprintf(dw->dup, LDB_UID_MAX + 1, "%s", r->uid);
	return same;
}

int save_find_duplicate(struct localdb *db, const char *kind, const ProtobufCMessage *m,
			const char *skip_uid, char *dup)
{
	struct dup_walk dw = {m, save_unique_fields(kind), skip_uid, dup};
	int rv;
	assert(db && kind && m && dup);
	dup[0] = '\0';
	if (!dw.fields)
		return BS_OK;
	rv = localdb_record_each(db, kind, 0, dup_match, &dw);
	return rv < 0 ? rv : BS_OK;
}

/* ---- warnings, files, the queue ------------------------------------------------------ */

int save_warnings(struct localdb *db, const char *kind, const char *uid, int64_t unit_id,
		  const ProtobufCMessage *m, const uint8_t *data, size_t len, size_t natt,
		  int64_t now_ms, struct entry_warnings *w)
{
	assert(db && kind && w);
	memset(w, 0, sizeof *w);
	if (strcmp(kind, REC_KIND_WEEKLY) == 0)
		return entry_warn_weekly(db, uid, data, len, natt, now_ms, w);
	if (strcmp(kind, REC_KIND_PROJECT) == 0 && m) {
		const ProtobufCFieldDescriptor *nf = field_named(m->descriptor, "name");
		return entry_warn_project(db, uid, unit_id, nf ? field_text(m, nf) : "", w);
	}
	return BS_OK;
}

int save_keep_files(const char *dir, struct form_file *files, size_t n, size_t *failed)
{
	char stored[4400];
	size_t i;
	int rv;
	for (i = 0; i < n; i++) {
		*failed = i;
		rv = attach_store(dir, files[i].path, files[i].hash, files[i].size, stored,
				  sizeof stored);
		if (rv != BS_OK)
			return rv;
		free(files[i].stored);
		if (!(files[i].stored = strdup(stored)))
			return BS_E_NOMEM;
	}
	return BS_OK;
}

int save_queue(struct localdb *db, const char *kind, const char *uid, int64_t unit_id,
	       const uint8_t *data, size_t len, const uint8_t (*att)[LDB_HASH_LEN], size_t natt,
	       const struct form_file *files, size_t nfiles, int64_t now_ms, uint64_t *seq)
{
	size_t i;
	int rv;
	assert(db && kind && uid && (files || nfiles == 0));
	for (i = 0; i < nfiles; i++)
		if (!files[i].stored)
			return BS_E_INVAL; /* save_keep_files first */
	if ((rv = localdb_begin(db)) != BS_OK)
		return rv;
	for (i = 0; i < nfiles && rv == BS_OK; i++)
		rv = localdb_file_add(db, files[i].hash, files[i].stored, files[i].size);
	if (rv == BS_OK)
		rv = localdb_change(db, kind, uid, unit_id, data, len, att, natt, 0, now_ms, seq);
	if (rv == BS_OK && (rv = localdb_commit(db)) == BS_OK)
		return BS_OK;
	localdb_rollback(db);
	return rv;
}

/* ---- all of it ------------------------------------------------------------------------- */

int save_record(const struct save_req *q, struct save_result *res)
{
	uint8_t att[REC_ATTACH_MAX][LDB_HASH_LEN];
	struct rec_lookup lk;
	struct rec_ctx ctx;
	uint8_t *data = NULL;
	size_t len, natt = 0, i, k, failed = 0;
	int role, rv;

	assert(q && res && q->db && q->dir && q->kind && q->m);
	memset(res, 0, sizeof *res);
	role = save_role(q->role);
	if ((rv = save_check_role(q->kind, role, res->msg, sizeof res->msg)) != BS_OK)
		return rv;
	if (q->old && (rv = save_check_unlocked(q->old, res->msg, sizeof res->msg)) != BS_OK)
		return rv;
	len = protobuf_c_message_get_packed_size(q->m);
	if (len > REC_DATA_MAX) {
		snprintf(res->msg, sizeof res->msg, "记录过大 the record is over %u bytes; shorten "
			 "the text", REC_DATA_MAX);
		return BS_E_TOOBIG;
	}
	if (!(data = malloc(len ? len : 1)))
		return BS_E_NOMEM;
	len = protobuf_c_message_pack(q->m, data);
	form_attachments(q->m, q->old, att, &natt);
	for (i = 0; q->add_files && q->drop && i < natt;) {
		for (k = 0; k < q->ndrop && memcmp(att[i], q->drop[k], LDB_HASH_LEN) != 0; k++)
			;
		if (k < q->ndrop)
			memmove(att[i], att[i + 1], (--natt - i) * LDB_HASH_LEN);
		else
			i++;
	}
	for (i = 0; q->add_files && i < q->nfiles && natt < REC_ATTACH_MAX; i++) {
		for (k = 0; k < natt && memcmp(att[k], q->files[i].hash, LDB_HASH_LEN) != 0; k++)
			;
		if (k == natt)
			memcpy(att[natt++], q->files[i].hash, LDB_HASH_LEN);
	}
	res->natt = natt;
	if (q->old) {
		snprintf(res->uid, sizeof res->uid, "%s", q->old->uid);
		res->unit_id = q->old->unit_id;
		if (len == q->old->data_len && (len == 0 || memcmp(data, q->old->data, len) == 0) &&
		    natt == q->old->n_attachments &&
		    (natt == 0 || memcmp(att, q->old->attachments, natt * LDB_HASH_LEN) == 0)) {
			res->unchanged = 1;
			goto out;
		}
	} else {
		records_new_uid(res->uid);
		res->unit_id = save_owner_unit(q->db, q->m, q->unit_id, role != REC_ROLE_REPORTER);
	}
	save_ctx_init(&ctx, &lk, q->db, res->unit_id, role, q->now_ms);
	rv = records_validate(q->kind, data, len, &ctx, &res->err);
	if (rv != BS_OK) {
		if (rv == BS_E_FORBIDDEN)
			snprintf(res->msg, sizeof res->msg, "无权填写 not allowed: %s%s%s",
				 res->err.field, res->err.field[0] ? ": " : "", res->err.msg);
		else if (!res->err.field[0])
			form_error_text(q->kind, &res->err, res->msg, sizeof res->msg);
		goto out;
	}
	if ((rv = save_find_duplicate(q->db, q->kind, q->m, q->old ? q->old->uid : NULL,
				      res->dup)) != BS_OK) {
		snprintf(res->msg, sizeof res->msg, "读取本地数据失败 cannot read the local "
			 "database: %s", bs_strerror(rv));
		goto out;
	}
	if (res->dup[0]) {
		snprintf(res->msg, sizeof res->msg, "已有相同的%s a record of kind %s with the same "
			 "key exists already: %s", field_kind_zh(q->kind), q->kind, res->dup);
		rv = BS_E_INVAL;
		goto out;
	}
	save_warnings(q->db, q->kind, q->old ? res->uid : NULL, res->unit_id, q->m, data, len,
		      natt, q->now_ms, &res->warn);
	if ((rv = save_keep_files(q->dir, q->files, q->nfiles, &failed)) != BS_OK) {
		snprintf(res->msg, sizeof res->msg, "无法保存文件副本 cannot keep a copy of %.200s "
			 "in %.200s/files: %s (%s)", q->files[failed].path, q->dir,
			 bs_strerror_zh(rv), bs_strerror(rv));
		goto out;
	}
	rv = save_queue(q->db, q->kind, res->uid, res->unit_id, data, len,
			(const uint8_t(*)[LDB_HASH_LEN])att, natt, q->files, q->nfiles, q->now_ms,
			&res->seq);
	if (rv != BS_OK)
		snprintf(res->msg, sizeof res->msg, "保存失败 cannot save: %s", bs_strerror(rv));
out:
	free(data);
	return rv;
}
