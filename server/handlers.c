/* handlers.c - request handling in the worker threads. */
#include "handlers.h"
#include "upload_slots.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blobs.h"
#include "bs_limits.h"
#include "err.h"
#include "log.h"
#include "op_digest.h"
#include "period.h"
#include "records.h"
#include "store.h"
#include "token.h"

/* Replies must fit one transport message, with room for the Envelope. */
#define REPLY_BUDGET (BS_PAYLOAD_MAX - 1024u)
#define PUSH_MAX_OPS 256u
#define PULL_MAX 500u
#define PULL_DEFAULT 100u
#define BLOB_QUERY_MAX 256u

_Static_assert(OP_DIGEST_LEN == STORE_HASH_LEN, "the store keeps op digests as hashes");

typedef Baosong__V1__Receipt Receipt;
typedef Baosong__V1__Record Record;

/* ---- replies ---------------------------------------------------------------- */

static int pack_reply(Envelope *env, uint64_t request_id, uint8_t **out, size_t *len)
{
	size_t n;
	uint8_t *buf;
	env->version = BS_PROTOCOL_VERSION;
	env->request_id = request_id;
	n = baosong__v1__envelope__get_packed_size(env);
	if (n > BS_PAYLOAD_MAX)
		return BS_E_TOOBIG;
	buf = malloc(n ? n : 1);
	if (!buf)
		return BS_E_NOMEM;
	*len = baosong__v1__envelope__pack(env, buf);
	*out = buf;
	return BS_OK;
}

int handler_error_reply(uint64_t request_id, int err, const char *detail, uint8_t **out,
			size_t *len)
{
	Envelope env = BAOSONG__V1__ENVELOPE__INIT;
	WireError e;
	wire_error_set(&e, err, detail);
	env.body_case = BAOSONG__V1__ENVELOPE__BODY_ERROR;
	env.error = &e;
	return pack_reply(&env, request_id, out, len);
}

static int reply_error(struct req_job *rj, int err, const char *detail)
{
	free(rj->resp);
	rj->resp = NULL;
	if (handler_error_reply(rj->request_id, err, detail, &rj->resp, &rj->resp_len) != BS_OK)
		rj->resp_len = 0;
	return err;
}

static int64_t now_ms(void)
{
	return wire_now_ms();
}

static int role_reads_all(int role)
{
	return role == ROLE_REVIEWER || role == ROLE_STATISTICS || role == ROLE_LEADER ||
	       role == ROLE_ADMIN;
}

/* ---- session check ----------------------------------------------------------- */

/* Re-read the device: revoked or gone ends the session. */
static int check_device(struct req_job *rj, struct store *st, struct device *dev)
{
	int rv = store_device_get(st, rj->who.device_id, dev);
	if (rv == BS_E_NOTFOUND) {
		rj->end_session = 1;
		return reply_error(rj, BS_E_UNKNOWN_KEY, NULL);
	}
	if (rv != BS_OK)
		return reply_error(rj, rv, NULL);
	if (dev->revoked_at != 0) {
		rj->end_session = 1;
		return reply_error(rj, BS_E_REVOKED, NULL);
	}
	/* Role and unit come from the database, not from the session's memory. */
	rj->who.unit_id = dev->unit_id;
	rj->who.role = dev->role;
	return BS_OK;
}

/* ---- identity ------------------------------------------------------------------ */

static int reply_identity(struct req_job *rj, struct store *st, const struct device *dev)
{
	Envelope env = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__Identity id = BAOSONG__V1__IDENTITY__INIT;
	struct unit u;
	int rv = store_unit_get(st, dev->unit_id, &u);
	if (rv != BS_OK)
		return reply_error(rj, rv, "unit");
	id.device_id = dev->id;
	id.unit_id = u.id;
	id.unit_code = u.code;
	id.unit_name = u.name;
	id.unit_type = (Baosong__V1__UnitType)u.type;
	id.region = u.region;
	id.role = (Baosong__V1__Role)dev->role;
	id.applied_seq = dev->applied_seq;
	env.body_case = BAOSONG__V1__ENVELOPE__BODY_IDENTITY;
	env.identity = &id;
	return pack_reply(&env, rj->request_id, &rj->resp, &rj->resp_len);
}

static int do_enroll(struct req_job *rj, struct store *st)
{
	const Baosong__V1__EnrollRequest *er = rj->req->enroll;
	uint8_t raw[TOKEN_BYTES], hash[STORE_HASH_LEN];
	struct device dev;
	const char *label = er->label ? er->label : "";
	int rv;

	if (rj->who.device_id != 0)
		return reply_error(rj, BS_E_STATE, "already enrolled");
	if (strlen(label) > STORE_NAME_MAX)
		return reply_error(rj, BS_E_TOOBIG, "label");
	if (!er->token || token_parse(er->token, raw) != BS_OK) {
		rj->end_session = 1;
		return reply_error(rj, BS_E_TOKEN, "token format");
	}
	token_hash(raw, hash);
	sodium_memzero(raw, sizeof raw);
	rv = store_token_redeem(st, hash, now_ms(), rj->who.pubkey, label, &dev);
	if (rv != BS_OK) {
		/* A wrong token ends the session: guessing costs a handshake each. */
		rj->end_session = 1;
		return reply_error(rj, rv == BS_E_CONFLICT ? BS_E_STATE : rv,
				   rv == BS_E_CONFLICT ? "key already enrolled" : NULL);
	}
	rv = reply_identity(rj, st, &dev);
	if (rv != BS_OK)
		return rv;
	rj->enrolled = 1;
	rj->new_who = rj->who;
	rj->new_who.device_id = dev.id;
	rj->new_who.unit_id = dev.unit_id;
	rj->new_who.role = dev.role;
	log_info("device %lld enrolled for unit %lld role %d (%s)", (long long)dev.id,
		 (long long)dev.unit_id, dev.role, label);
	return BS_OK;
}

/* ---- records ------------------------------------------------------------------- */

static int copy_record_out(Record *out, const struct record *r, ProtobufCBinaryData *atts,
			   const struct review_state *rs)
{
	size_t i;
	baosong__v1__record__init(out);
	if (rs) {
		out->review_status = (Baosong__V1__ReviewStatus)rs->status;
		out->created_at_ms = rs->created_at;
		out->reviewed_at_ms = rs->reviewed_at;
		out->complete_at_ms = rs->complete_at;
		out->locked = rs->locked != 0;
		if (rs->comment[0]) {
			out->review_comment = strdup(rs->comment);
			if (!out->review_comment)
				return BS_E_NOMEM;
		}
	}
	out->kind = strdup(r->kind);
	out->uid = strdup(r->uid);
	if (!out->kind || !out->uid)
		return BS_E_NOMEM;
	out->unit_id = r->unit_id;
	out->rev = r->rev;
	out->deleted = r->deleted != 0;
	out->updated_at_ms = r->updated_at;
	out->device_id = r->device_id;
	out->change_seq = r->change_seq;
	if (r->data_len) {
		out->data.data = malloc(r->data_len);
		if (!out->data.data)
			return BS_E_NOMEM;
		memcpy(out->data.data, r->data, r->data_len);
		out->data.len = r->data_len;
	}
	if (r->n_attachments) {
		out->attachments = calloc(r->n_attachments, sizeof *out->attachments);
		if (!out->attachments)
			return BS_E_NOMEM;
		for (i = 0; i < r->n_attachments; i++) {
			atts[i].data = malloc(STORE_HASH_LEN);
			if (!atts[i].data)
				return BS_E_NOMEM;
			memcpy(atts[i].data, r->attachments[i], STORE_HASH_LEN);
			atts[i].len = STORE_HASH_LEN;
			out->attachments[i] = atts[i];
		}
		out->n_attachments = r->n_attachments;
	}
	return BS_OK;
}

/* Frees what copy_record_out allocated; _init leaves the strings pointing
 * at protobuf-c's shared empty string, which is not ours to free. */
static void free_record_out(Record *r)
{
	size_t i;
	if (r->kind != protobuf_c_empty_string)
		free(r->kind);
	if (r->uid != protobuf_c_empty_string)
		free(r->uid);
	if (r->review_comment != protobuf_c_empty_string)
		free(r->review_comment);
	r->review_comment = NULL;
	free(r->data.data);
	for (i = 0; i < r->n_attachments; i++)
		free(r->attachments[i].data);
	free(r->attachments);
	r->kind = r->uid = NULL;
	r->data.data = NULL;
	r->attachments = NULL;
	r->n_attachments = 0;
}

struct lookup_ctx {
	struct store *st;
};

static int lookup_project(void *ctx, const char *uid, int64_t *unit_id, int64_t *total_fen,
			  int *stage)
{
	struct lookup_ctx *lc = ctx;
	struct record r;
	struct wire_arena a;
	Baosong__V1__Project *p;
	int rv = store_record_get(lc->st, uid, &r);
	if (rv != BS_OK)
		return rv;
	if (strcmp(r.kind, REC_KIND_PROJECT) != 0 || r.deleted) {
		store_record_free(&r);
		return BS_E_NOTFOUND;
	}
	wire_arena_init(&a, 256 * 1024);
	p = baosong__v1__project__unpack(&a.alloc, r.data_len, r.data);
	*unit_id = r.unit_id;
	*total_fen = p ? p->total_investment_fen : 0;
	*stage = p ? (int)p->stage : 0;
	if (p)
		baosong__v1__project__free_unpacked(p, &a.alloc);
	store_record_free(&r);
	return BS_OK;
}

static int lookup_unit(void *ctx, const char *code, int64_t *unit_id)
{
	struct lookup_ctx *lc = ctx;
	struct unit u;
	int rv = store_unit_by_code(lc->st, code, &u);
	if (rv == BS_OK)
		*unit_id = u.id;
	return rv;
}

/* The reporting period a record's data names ("2026-W47", "2026-11"), for
 * kinds that have one; "" otherwise. */
static void record_period(const char *kind, const uint8_t *data, size_t len, char *out,
			  size_t cap)
{
	const struct rec_kind *k = records_kind(kind);
	struct wire_arena a;
	ProtobufCMessage *m;
	const ProtobufCFieldDescriptor *f;
	out[0] = '\0';
	if (!k || !k->period_field || !data)
		return;
	f = protobuf_c_message_descriptor_get_field_by_name(k->desc, k->period_field);
	if (!f || f->type != PROTOBUF_C_TYPE_STRING)
		return;
	wire_arena_init(&a, 256 * 1024);
	m = protobuf_c_message_unpack(k->desc, &a.alloc, len, data);
	if (!m)
		return;
	snprintf(out, cap, "%s", *(char **)((char *)m + f->offset));
	protobuf_c_message_free_unpacked(m, &a.alloc);
}

/* Append an audit row for a change to record r (after) made by who. */
static int audit_record(struct store *st, const struct session_who *who, const char *action,
			const struct record *r, const uint8_t *before, size_t before_len,
			const char *detail)
{
	struct audit_entry e;
	memset(&e, 0, sizeof e);
	e.at = now_ms();
	e.unit_id = who->unit_id;
	e.device_id = who->device_id;
	e.role = who->role;
	e.action = action;
	e.kind = r->kind;
	e.subject = r->uid;
	e.rev = r->rev;
	e.before = before;
	e.before_len = before_len;
	e.after = r->data;
	e.after_len = r->data_len;
	e.detail = detail;
	e.owner = r->unit_id;
	return store_audit_append(st, &e);
}

/* Outcome of one op, before it is encoded. */
struct op_outcome {
	int status;                /* BAOSONG__V1__OP_STATUS__* */
	uint64_t rev;
	int err;                   /* for REJECTED */
	char detail[256];
	struct record current;     /* for CONFLICT */
	struct review_state current_rs;
	int has_current;
};

static int reject(struct op_outcome *o, int err, const char *detail)
{
	o->status = BAOSONG__V1__OP_STATUS__OP_REJECTED;
	o->err = err;
	snprintf(o->detail, sizeof o->detail, "%s", detail ? detail : "");
	return BS_OK;
}

/* Kinds the bureau's reviewers write for any unit: problem lists (问题清单)
 * and acceptance checks (考核验收). */
static int reviewer_kind(const char *kind)
{
	return !strcmp(kind, REC_KIND_PROBLEM) || !strcmp(kind, REC_KIND_ACCEPTANCE);
}

/* Apply one op.  Returns 0 with *o filled (applied, conflict or rejected),
 * or a retryable error that stops the batch without recording the op. */
static int apply_op(struct store *st, const struct session_who *who, const Baosong__V1__Op *op,
		    const struct handler_cfg *cfg, struct op_outcome *o)
{
	struct record existing, r;
	struct rec_error verr;
	struct lookup_ctx lc = {st};
	struct rec_lookup lookup = {lookup_project, lookup_unit, &lc};
	uint8_t(*atts)[STORE_HASH_LEN] = NULL;
	struct review_state rs;
	const uint8_t *before = NULL;
	size_t before_len = 0;
	char period[24];
	int have_existing = 0;
	int64_t owner;
	int found, rv;
	size_t i;

	(void)cfg;
	memset(o, 0, sizeof *o);
	memset(&rs, 0, sizeof rs);
	if (op->withdrawn)
		return reject(o, BS_E_STATE, "withdrawn: 设备已撤回该操作");
	if (!op->kind || !records_kind_known(op->kind))
		return reject(o, BS_E_UNSUPPORTED, "kind");
	if (!op->uid || !records_uid_valid(op->uid))
		return reject(o, BS_E_INVAL, "uid: 须为 32 位小写十六进制");
	if (op->n_attachments > REC_ATTACH_MAX)
		return reject(o, BS_E_TOOBIG, "attachments: 附件过多");
	for (i = 0; i < op->n_attachments; i++)
		if (op->attachments[i].len != STORE_HASH_LEN)
			return reject(o, BS_E_INVAL, "attachments: 校验值长度应为 32 字节");
	if (op->data.len > REC_DATA_MAX)
		return reject(o, BS_E_TOOBIG, "data");
	if (!(records_kind(op->kind)->writers & REC_ROLE_BIT(who->role)))
		return reject(o, BS_E_FORBIDDEN, "kind: 此角色不能填报该类记录");

	rv = store_record_get(st, op->uid, &existing);
	if (rv != BS_OK && rv != BS_E_NOTFOUND)
		return rv;
	found = rv == BS_OK;
	if (found) {
		if (who->role != ROLE_ADMIN && existing.unit_id != who->unit_id &&
		    !(who->role == ROLE_REVIEWER && reviewer_kind(op->kind)) &&
		    !(who->role == ROLE_STATISTICS && !strcmp(op->kind, REC_KIND_STATS))) {
			/* Do not reveal anything about another unit's record. */
			store_record_free(&existing);
			return reject(o, BS_E_FORBIDDEN, "uid: 不能修改其他单位的记录");
		}
		if (strcmp(existing.kind, op->kind) != 0) {
			store_record_free(&existing);
			return reject(o, BS_E_INVAL, "kind: 与已有记录类型不符");
		}
		if (op->base_rev != existing.rev) {
			o->status = BAOSONG__V1__OP_STATUS__OP_CONFLICT;
			o->current = existing;
			o->has_current = 1;
			return store_review_get(st, op->uid, &o->current_rs);
		}
		if ((rv = store_review_get(st, op->uid, &rs)) != BS_OK) {
			store_record_free(&existing);
			return rv;
		}
		if (rs.locked) {
			store_record_free(&existing);
			return reject(o, BS_E_RECORD_LOCKED, "uid: 记录已审核通过，已锁定");
		}
		owner = existing.unit_id;
		before = existing.data;
		before_len = existing.data_len;
		have_existing = 1;
	} else {
		if (op->base_rev != 0 || op->deleted)
			return reject(o, BS_E_NOTFOUND, "uid: 服务器上没有这条记录");
		owner = who->unit_id;
		if (op->unit_id != 0 && op->unit_id != who->unit_id) {
			struct unit u;
			/* The bureau creates for other units: administrators any
			 * kind, reviewers problem lists, the statistics bureau
			 * registration evidence. */
			if (who->role != ROLE_ADMIN &&
			    !(who->role == ROLE_REVIEWER && reviewer_kind(op->kind)) &&
			    !(who->role == ROLE_STATISTICS && !strcmp(op->kind, REC_KIND_STATS)))
				return reject(o, BS_E_FORBIDDEN, "unit_id: 不能为其他单位创建记录");
			rv = store_unit_get(st, op->unit_id, &u);
			if (rv == BS_E_NOTFOUND)
				return reject(o, BS_E_INVAL, "unit_id: 单位不存在");
			if (rv != BS_OK)
				return rv;
			owner = op->unit_id;
		}
	}
	/* A closed reporting period refuses new and changed reports. */
	record_period(op->kind, op->data.data, op->data.len, period, sizeof period);
	if (!period[0] && have_existing)
		record_period(op->kind, before, before_len, period, sizeof period);
	if (period[0]) {
		rv = store_period_closed(st, op->kind, period);
		if (rv < 0)
			goto out;
		if (rv == 1) {
			rv = BS_OK;
			reject(o, BS_E_RECORD_LOCKED, "period: 该报告周期已关闭");
			goto out;
		}
	}
	if (!op->deleted) {
		struct rec_ctx rc;
		memset(&rc, 0, sizeof rc);
		rc.now_ms = now_ms();
		rc.unit_id = owner;
		rc.role = who->role;
		rc.any_unit = who->role == ROLE_ADMIN ||
			      (who->role == ROLE_REVIEWER && reviewer_kind(op->kind)) ||
			      (who->role == ROLE_STATISTICS && !strcmp(op->kind, REC_KIND_STATS));
		rc.lookup = &lookup;
		rv = records_validate(op->kind, op->data.data, op->data.len, &rc, &verr);
		if (rv == BS_E_INVAL || rv == BS_E_FORBIDDEN || rv == BS_E_TOOBIG ||
		    rv == BS_E_UNSUPPORTED) {
			char text[256];
			records_error_text(&verr, text, sizeof text);
			reject(o, rv, text);
			rv = BS_OK;
			goto out;
		}
		if (rv != BS_OK)
			goto out;
	}
	if (op->n_attachments) {
		atts = calloc(op->n_attachments, sizeof *atts);
		if (!atts) {
			rv = BS_E_NOMEM;
			goto out;
		}
		for (i = 0; i < op->n_attachments; i++) {
			size_t j;
			int held = 0;
			memcpy(atts[i], op->attachments[i].data, STORE_HASH_LEN);
			/* Already on the record (an edit keeping its photos)? */
			for (j = 0; have_existing && j < existing.n_attachments; j++)
				if (!memcmp(existing.attachments[j], atts[i], STORE_HASH_LEN))
					held = 1;
			if (!held) {
				/* Uploaded by the writer's unit or the owner's. */
				rv = store_blob_ref_has(st, atts[i], who->unit_id);
				if (rv == 0 && owner != who->unit_id)
					rv = store_blob_ref_has(st, atts[i], owner);
				if (rv < 0)
					goto out;
				if (rv == 0) {
					rv = BS_E_MISSING_BLOB;
					goto out;
				}
			}
		}
	}
	memset(&r, 0, sizeof r);
	snprintf(r.kind, sizeof r.kind, "%s", op->kind);
	snprintf(r.uid, sizeof r.uid, "%s", op->uid);
	r.unit_id = owner;
	r.deleted = op->deleted ? 1 : 0;
	r.data = op->data.data;
	r.data_len = op->data.len;
	r.attachments = atts;
	r.n_attachments = op->n_attachments;
	rv = store_record_put(st, &r, who->device_id, now_ms());
	if (rv != BS_OK)
		goto out;
	/* Server-side state: when it first arrived, and (for reviewed kinds) back
	 * to "submitted" - a returned record sent again is resubmitted. */
	if (!have_existing || rs.created_at == 0)
		rs.created_at = now_ms();
	/* A report is complete when a revision arrives with its site photo
	 * (every attachment is stored and hash-verified by now); the first
	 * such moment decides whether it was on time (docs/ASSESSMENT.md). */
	if (records_kind(op->kind)->period_field && !op->deleted && op->n_attachments &&
	    rs.complete_at == 0)
		rs.complete_at = now_ms();
	if (records_kind(op->kind)->reviewed && !op->deleted) {
		rs.status = BAOSONG__V1__REVIEW_STATUS__REVIEW_SUBMITTED;
		rs.comment[0] = '\0';
	}
	if ((rv = store_review_set(st, op->uid, &rs)) != BS_OK)
		goto out;
	rv = audit_record(st, who, "record.put", &r, before, before_len,
			  op->deleted ? "deleted" : NULL);
	if (rv != BS_OK)
		goto out;
	o->status = BAOSONG__V1__OP_STATUS__OP_APPLIED;
	o->rev = r.rev;
out:
	if (have_existing)
		store_record_free(&existing);
	free(atts);
	return rv;
}

/* Encode the outcome of op seq as a Receipt. */
static int encode_receipt(uint64_t seq, struct op_outcome *o, uint8_t **out, size_t *len)
{
	Receipt rc = BAOSONG__V1__RECEIPT__INIT;
	WireError e;
	Record cur;
	ProtobufCBinaryData atts[REC_ATTACH_MAX];
	int rv = BS_OK;

	rc.seq = seq;
	rc.status = (Baosong__V1__OpStatus)o->status;
	rc.rev = o->rev;
	baosong__v1__record__init(&cur);
	if (o->status == BAOSONG__V1__OP_STATUS__OP_REJECTED) {
		wire_error_set(&e, o->err, o->detail);
		rc.error = &e;
	}
	if (o->has_current) {
		if (o->current.n_attachments > REC_ATTACH_MAX) {
			rv = BS_E_TOOBIG;
			goto out;
		}
		if ((rv = copy_record_out(&cur, &o->current, atts, &o->current_rs)) != BS_OK)
			goto out;
		rc.current = &cur;
		rc.rev = o->current.rev;
	}
	*len = baosong__v1__receipt__get_packed_size(&rc);
	*out = malloc(*len ? *len : 1);
	if (!*out) {
		rv = BS_E_NOMEM;
		goto out;
	}
	baosong__v1__receipt__pack(&rc, *out);
out:
	free_record_out(&cur);
	return rv;
}

static int do_push(struct req_job *rj, struct store *st, const struct device *dev)
{
	const Baosong__V1__PushRequest *pr = rj->req->push;
	Envelope env = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__PushResponse resp = BAOSONG__V1__PUSH_RESPONSE__INIT;
	Receipt **rcs = NULL;
	WireError stopped;
	char stop_detail[160] = "";
	uint64_t applied = dev->applied_seq;
	size_t i, n = 0, used = 0;
	int rv = BS_OK, stop = BS_OK;

	if (pr->n_ops > PUSH_MAX_OPS)
		return reply_error(rj, BS_E_TOOBIG, "push: at most 256 ops");
	rcs = calloc(pr->n_ops ? pr->n_ops : 1, sizeof *rcs);
	if (!rcs)
		return reply_error(rj, BS_E_NOMEM, NULL);

	for (i = 0; i < pr->n_ops; i++) {
		const Baosong__V1__Op *op = pr->ops[i];
		struct op_outcome o;
		uint8_t *bytes = NULL, digest[OP_DIGEST_LEN], kept[STORE_HASH_LEN];
		size_t blen = 0;
		int has_kept = 0, reused;

		if (op->seq == 0) {
			stop = BS_E_INVAL;
			break;
		}
		op_digest(op, dev->unit_id, digest);
		if (op->seq <= applied) {
			/* Applied before: answer with the very same receipt - if it
			 * is the same op.  Other content under a used seq comes from
			 * a restored or copied data directory: refuse it, so the
			 * device keeps those changes instead of taking this receipt. */
			rv = store_op_receipt(st, dev->id, op->seq, &bytes, &blen, kept, &has_kept);
			if (rv != BS_OK) {
				stop = rv;
				break;
			}
			reused = has_kept && sodium_memcmp(kept, digest, sizeof kept) != 0;
			if (reused) {
				/* Or the same op, kept before version 2 (op_digest.h). */
				op_digest_v1(op, digest);
				reused = sodium_memcmp(kept, digest, sizeof kept) != 0;
			}
			if (reused) {
				free(bytes);
				stop = BS_E_SEQ_REUSED;
				snprintf(stop_detail, sizeof stop_detail,
					 "seq %llu: the server applied other changes under this number "
					 "(applied_seq %llu)", (unsigned long long)op->seq,
					 (unsigned long long)dev->applied_seq);
				log_warn("device %lld: op %llu differs from the one applied under that "
					 "number (restored or copied data directory); refused",
					 (long long)dev->id, (unsigned long long)op->seq);
				break;
			}
			if (used + blen > REPLY_BUDGET) {
				free(bytes);
				break;
			}
			rcs[n] = baosong__v1__receipt__unpack(NULL, blen, bytes);
			free(bytes);
			if (!rcs[n]) {
				stop = BS_E_DB;
				break;
			}
			rcs[n]->replayed = 1;
			used += blen + 8;
			n++;
			continue;
		}
		if (op->seq != applied + 1) {
			stop = BS_E_SEQ;
			break;
		}
		if ((rv = store_savepoint(st)) != BS_OK) {
			stop = rv;
			break;
		}
		rv = apply_op(st, &rj->who, op, rj->cfg, &o);
		if (rv == BS_OK)
			rv = encode_receipt(op->seq, &o, &bytes, &blen);
		if (o.has_current)
			store_record_free(&o.current);
		if (rv == BS_OK && used + blen > REPLY_BUDGET) {
			/* Not this op: the client sends it again in its next push. */
			free(bytes);
			store_rollback_to(st);
			break;
		}
		if (rv == BS_OK)
			rv = store_op_add(st, dev->id, op->seq, o.status, bytes, blen, digest,
					  now_ms());
		if (rv != BS_OK) {
			free(bytes);
			store_rollback_to(st);
			stop = rv;
			break;
		}
		if ((rv = store_release(st)) != BS_OK) {
			free(bytes);
			stop = rv;
			break;
		}
		rcs[n] = baosong__v1__receipt__unpack(NULL, blen, bytes);
		free(bytes);
		if (!rcs[n]) {
			stop = BS_E_NOMEM;
			break;
		}
		used += blen + 8;
		n++;
		applied = op->seq;
	}

	resp.receipts = rcs;
	resp.n_receipts = n;
	resp.applied_seq = applied;
	if (stop != BS_OK) {
		wire_error_set(&stopped, stop, stop_detail[0] ? stop_detail : NULL);
		resp.stopped = &stopped;
	}
	env.body_case = BAOSONG__V1__ENVELOPE__BODY_PUSH_RESPONSE;
	env.push_response = &resp;
	rv = pack_reply(&env, rj->request_id, &rj->resp, &rj->resp_len);
	for (i = 0; i < n; i++)
		baosong__v1__receipt__free_unpacked(rcs[i], NULL);
	free(rcs);
	if (rv != BS_OK)
		return reply_error(rj, rv, NULL);
	return BS_OK;
}

struct pull_ctx {
	struct store *st;
	Record **recs;
	ProtobufCBinaryData *atts; /* REC_ATTACH_MAX per record */
	size_t n, cap;
	size_t used;
	uint64_t last_seq;
	int full;
};

static int pull_one(void *ctx, const struct record *r)
{
	struct pull_ctx *pc = ctx;
	/* Encoded size bound: data, hashes, the review comment (<= 511), fields. */
	size_t need = r->data_len + r->n_attachments * (STORE_HASH_LEN + 2) + 512 + 200;
	Record *out;
	struct review_state rs;
	if (pc->n == pc->cap || pc->used + need > REPLY_BUDGET ||
	    r->n_attachments > REC_ATTACH_MAX) {
		pc->full = 1;
		return 1;
	}
	out = calloc(1, sizeof *out);
	if (!out)
		return BS_E_NOMEM;
	pc->recs[pc->n] = out;
	if (store_review_get(pc->st, r->uid, &rs) != BS_OK)
		memset(&rs, 0, sizeof rs);
	if (copy_record_out(out, r, pc->atts + pc->n * REC_ATTACH_MAX, &rs) != BS_OK) {
		pc->n++;
		return BS_E_NOMEM;
	}
	pc->n++;
	pc->used += need;
	pc->last_seq = r->change_seq;
	return 0;
}

static int do_pull(struct req_job *rj, struct store *st)
{
	const Baosong__V1__PullRequest *pr = rj->req->pull;
	Envelope env = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__PullResponse resp = BAOSONG__V1__PULL_RESPONSE__INIT;
	struct pull_ctx pc;
	unsigned limit = pr->limit ? pr->limit : PULL_DEFAULT;
	int64_t scope = role_reads_all(rj->who.role) ? 0 : rj->who.unit_id;
	size_t i;
	int rv;

	if (limit > PULL_MAX)
		limit = PULL_MAX;
	memset(&pc, 0, sizeof pc);
	pc.st = st;
	pc.cap = limit;
	pc.recs = calloc(limit, sizeof *pc.recs);
	pc.atts = calloc((size_t)limit * REC_ATTACH_MAX, sizeof *pc.atts);
	pc.last_seq = pr->cursor;
	if (!pc.recs || !pc.atts) {
		rv = BS_E_NOMEM;
		goto out;
	}
	/* One more than wanted tells whether more remain. */
	rv = store_record_changes(st, pr->cursor, scope, limit + 1, pull_one, &pc);
	if (rv < 0)
		goto out;
	resp.records = pc.recs;
	resp.n_records = pc.n;
	resp.cursor = pc.last_seq;
	resp.more = pc.full;
	env.body_case = BAOSONG__V1__ENVELOPE__BODY_PULL_RESPONSE;
	env.pull_response = &resp;
	rv = pack_reply(&env, rj->request_id, &rj->resp, &rj->resp_len);
out:
	for (i = 0; i < pc.n; i++) {
		free_record_out(pc.recs[i]);
		free(pc.recs[i]);
	}
	free(pc.recs);
	free(pc.atts);
	if (rv != BS_OK)
		return reply_error(rj, rv, NULL);
	return BS_OK;
}

/* ---- attachments ------------------------------------------------------------------ */

/* Offset a resumed upload may continue from: what the database recorded,
 * but never more than the part file holds. */
/* The offset held of an upload whose recorded offset is `recorded`: that,
 * if the part file reaches it, else 0.  *fsize: the part file's size (0 if
 * there is none). */
static uint64_t part_held(const struct handler_cfg *cfg, const uint8_t *hash, int64_t unit,
			  uint64_t recorded, uint64_t *fsize)
{
	*fsize = 0;
	if (blobs_part_size(cfg->blob_dir, hash, unit, fsize) != BS_OK) {
		*fsize = 0;
		return 0;
	}
	return *fsize < recorded ? 0 : recorded;
}

static int upload_offset(struct store *st, const struct handler_cfg *cfg, const uint8_t *hash,
			 int64_t unit, uint64_t *size, uint64_t *offset)
{
	uint64_t fsize;
	int rv = store_upload_get(st, hash, unit, size, offset);
	if (rv == BS_OK)
		*offset = part_held(cfg, hash, unit, *offset, &fsize);
	return rv;
}

static int do_blob_query(struct req_job *rj, struct store *st)
{
	const Baosong__V1__BlobQuery *q = rj->req->blob_query;
	Envelope env = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__BlobQueryResponse resp = BAOSONG__V1__BLOB_QUERY_RESPONSE__INIT;
	Baosong__V1__BlobState *states = NULL, **ptrs = NULL;
	size_t i;
	int rv = BS_OK;

	if (q->n_hashes > BLOB_QUERY_MAX)
		return reply_error(rj, BS_E_TOOBIG, "blob_query: at most 256 hashes");
	states = calloc(q->n_hashes + 1, sizeof *states);
	ptrs = calloc(q->n_hashes + 1, sizeof *ptrs);
	if (!states || !ptrs) {
		rv = BS_E_NOMEM;
		goto out;
	}
	for (i = 0; i < q->n_hashes; i++) {
		const uint8_t *h = q->hashes[i].data;
		uint64_t size = 0, off = 0;
		baosong__v1__blob_state__init(&states[i]);
		ptrs[i] = &states[i];
		states[i].hash = q->hashes[i];
		if (q->hashes[i].len != STORE_HASH_LEN) {
			rv = BS_E_INVAL;
			goto out;
		}
		rv = store_blob_ref_has(st, h, rj->who.unit_id);
		if (rv < 0)
			goto out;
		states[i].present = rv == 1;
		rv = BS_OK;
		if (!states[i].present) {
			rv = upload_offset(st, rj->cfg, h, rj->who.unit_id, &size, &off);
			if (rv != BS_OK && rv != BS_E_NOTFOUND)
				goto out;
			rv = BS_OK;
			states[i].offset = off;
		}
	}
	resp.states = ptrs;
	resp.n_states = q->n_hashes;
	env.body_case = BAOSONG__V1__ENVELOPE__BODY_BLOB_QUERY_RESPONSE;
	env.blob_query_response = &resp;
	rv = pack_reply(&env, rj->request_id, &rj->resp, &rj->resp_len);
out:
	free(states);
	free(ptrs);
	if (rv != BS_OK)
		return reply_error(rj, rv, NULL);
	return BS_OK;
}

static int reply_put_as(struct req_job *rj, uint64_t offset, int complete, int unflushed)
{
	Envelope env = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__BlobPutResponse resp = BAOSONG__V1__BLOB_PUT_RESPONSE__INIT;
	resp.offset = offset;
	resp.complete = complete != 0;
	resp.unflushed = unflushed != 0;
	env.body_case = BAOSONG__V1__ENVELOPE__BODY_BLOB_PUT_RESPONSE;
	env.blob_put_response = &resp;
	return pack_reply(&env, rj->request_id, &rj->resp, &rj->resp_len);
}

static int reply_put(struct req_job *rj, uint64_t offset, int complete)
{
	return reply_put_as(rj, offset, complete, 0);
}

enum { PUT_PROGRESS = 1, PUT_COMPLETE = 2, PUT_CORRUPT = 3 };

/* The upload of this chunk ended or starts over: a place it held among
 * the grouped uploads (upload_slots.h) is free at once, not after the
 * idle time. */
static void slot_free(const struct req_job *rj)
{
	if (rj->cfg->slots)
		upload_slots_release(rj->cfg->slots, rj->who.unit_id, rj->req->blob_put->hash.data);
}

/* The writer part of blob_put: record what the reader part did, unless the
 * upload moved in between (another session of the unit): then the client
 * is told the offset the server now holds and resumes from there. */
static int blob_put_check_record(struct job *j, struct store *st, void *user)
{
	struct req_job *rj = (struct req_job *)j;
	const Baosong__V1__BlobPut *bp = rj->req->blob_put;
	const struct handler_cfg *cfg = rj->cfg;
	int64_t unit = rj->who.unit_id;
	uint64_t size = 0, off = 0, used = 0;
	char detail[64];
	int rv;

	(void)user;
	rv = store_blob_ref_has(st, bp->hash.data, unit);
	if (rv < 0)
		return reply_error(rj, rv, NULL);
	if (rv == 1) { /* completed meanwhile by another session */
		slot_free(rj);
		return reply_put(rj, bp->size, 1);
	}
	rv = store_upload_get(st, bp->hash.data, unit, &size, &off);
	if (rv != BS_OK && rv != BS_E_NOTFOUND)
		return reply_error(rj, rv, NULL);
	if ((rv == BS_OK) != rj->put.db_found || (rv == BS_OK && off != rj->put.db_off)) {
		snprintf(detail, sizeof detail, "offset: server holds %llu",
			 (unsigned long long)(rv == BS_OK ? off : 0));
		return reply_error(rj, BS_E_OFFSET, detail);
	}
	if (!rj->put.db_found && rj->put.what != PUT_CORRUPT) {
		/* A new upload: the quota again, now that nothing else can write. */
		if ((rv = store_unit_usage(st, unit, &used)) != BS_OK)
			return reply_error(rj, rv, NULL);
		if (used + rj->put.size > cfg->unit_quota_bytes) {
			/* No upload row refers to the part file: drop it. */
			blobs_part_remove(cfg->blob_dir, bp->hash.data, unit);
			return reply_error(rj, BS_E_QUOTA, NULL);
		}
	}
	switch (rj->put.what) {
	case PUT_PROGRESS:
		rv = store_upload_set(st, bp->hash.data, unit, rj->put.size, rj->put.to, now_ms());
		if (rv != BS_OK)
			return reply_error(rj, rv, NULL);
		return reply_put(rj, rj->put.to, 0);
	case PUT_COMPLETE: {
		/* Only now, every check passed, does the verified file take
		 * its final place: a blob file always has its row. */
		int placed = 0;
		rv = blobs_verified_place(cfg->blob_dir, bp->hash.data, unit, rj->put.token,
					  rj->put.size, &placed);
		if (rv != BS_OK)
			return reply_error(rj, rv, NULL);
		if ((rv = store_blob_add(st, bp->hash.data, rj->put.size, unit, now_ms())) !=
			    BS_OK ||
		    (rv = store_upload_delete(st, bp->hash.data, unit)) != BS_OK) {
			if (placed) /* the rows roll back with this job */
				blobs_remove(cfg->blob_dir, bp->hash.data);
			return reply_error(rj, rv, NULL);
		}
		return reply_put(rj, rj->put.size, 1);
	}
	default:
		/* Start over: forget the progress (commits with this job). */
		store_upload_delete(st, bp->hash.data, unit);
		reply_error(rj, BS_E_CORRUPT, "hash: 文件内容与校验值不符，已丢弃");
		return BS_OK;
	}
}

/* The writer part of blob_put, then: a verified file the checks refused
 * (or found stored meanwhile) is deleted, not left behind (review
 * finding 4). */
static int blob_put_record(struct job *j, struct store *st, void *user)
{
	struct req_job *rj = (struct req_job *)j;
	int rv = blob_put_check_record(j, st, user);
	if (rj->put.what == PUT_COMPLETE)
		blobs_verified_remove(rj->cfg->blob_dir, rj->req->blob_put->hash.data,
				      rj->who.unit_id, rj->put.token);
	return rv;
}

/* The reader part of blob_put: every check, then the file work (the chunk
 * written and flushed, or the whole file verified), off the
 * writer thread; the writer then records it (blob_put_record).
 *
 * A chunk sent with `more` (PROTOCOL.md 15.2) into an upload already
 * begun is only written, here, unflushed; nothing is recorded and the
 * writer never sees it.  The next chunk without `more` flushes the part
 * file, these bytes with it, and its offset is recorded: it may start past
 * the recorded offset when the part file reaches its start. */
static int do_blob_put(struct req_job *rj, struct store *st)
{
	const Baosong__V1__BlobPut *bp = rj->req->blob_put;
	const struct handler_cfg *cfg = rj->cfg;
	int64_t unit = rj->who.unit_id;
	uint64_t size = 0, off = 0, used = 0, fsize = 0;
	char detail[64];
	int rv;

	if (rj->who.role == ROLE_LEADER)
		return reply_error(rj, BS_E_FORBIDDEN, "role: 领导账号只读");
	if (bp->hash.len != STORE_HASH_LEN)
		return reply_error(rj, BS_E_INVAL, "hash");
	if (bp->data.len > BLOB_CHUNK_MAX)
		return reply_error(rj, BS_E_TOOBIG, "data: at most 49152 bytes a chunk");
	if (bp->size == 0 || bp->size > cfg->max_file_bytes)
		return reply_error(rj, BS_E_TOOBIG, "size: file too large");
	if (bp->offset > bp->size || bp->data.len > bp->size - bp->offset ||
	    (bp->data.len == 0 && bp->offset != bp->size))
		return reply_error(rj, BS_E_INVAL, "offset");
	if (bp->more && (bp->data.len == 0 || bp->offset + bp->data.len == bp->size))
		return reply_error(rj, BS_E_INVAL, "more: not on the chunk that ends the file");
	rv = store_blob_ref_has(st, bp->hash.data, unit);
	if (rv < 0)
		return reply_error(rj, rv, NULL);
	if (rv == 1) { /* already here for this unit: a grouped place it held is free */
		slot_free(rj);
		return reply_put(rj, bp->size, 1);
	}

	rv = store_upload_get(st, bp->hash.data, unit, &size, &rj->put.db_off);
	rj->put.db_found = rv == BS_OK;
	if (rv == BS_OK)
		off = part_held(cfg, bp->hash.data, unit, rj->put.db_off, &fsize);
	if (rv == BS_E_NOTFOUND) {
		/* A new upload: the quota is checked once, before any byte lands. */
		rv = store_unit_usage(st, unit, &used);
		if (rv != BS_OK)
			return reply_error(rj, rv, NULL);
		if (used + bp->size > cfg->unit_quota_bytes)
			return reply_error(rj, BS_E_QUOTA, NULL);
		size = bp->size;
		off = 0;
	} else if (rv != BS_OK) {
		return reply_error(rj, rv, NULL);
	}
	if (size != bp->size)
		return reply_error(rj, BS_E_INVAL, "size: differs from the upload begun earlier");
	if (bp->more && rj->put.db_found && bp->offset >= off &&
	    (!cfg->slots || upload_slots_take(cfg->slots, unit, bp->hash.data, now_ms()))) {
		/* Written, not flushed, not recorded: the client sends a chunk
		 * without `more` after it (and after every answer). */
		rv = blobs_part_put(cfg->blob_dir, bp->hash.data, unit, bp->offset, bp->data.data,
				    bp->data.len);
		if (rv != BS_OK) /* the client starts this upload over: its place is free */
			slot_free(rj);
		if (rv == BS_E_NOTFOUND) /* discarded or completed meanwhile */
			return reply_error(rj, BS_E_OFFSET, "offset: server holds 0");
		if (rv != BS_OK)
			return reply_error(rj, rv, NULL);
		return reply_put_as(rj, bp->offset + bp->data.len, 0, 1);
	}
	if (bp->offset != off) {
		/* Past the recorded offset only when chunks sent with `more`
		 * since reach this one's start (what they wrote is flushed with
		 * this chunk; the hash check at the end catches anything else). */
		if (!rj->put.db_found || bp->offset < off || fsize < bp->offset) {
			snprintf(detail, sizeof detail, "offset: server holds %llu",
				 (unsigned long long)off);
			return reply_error(rj, BS_E_OFFSET, detail);
		}
	}
	off = bp->offset;
	if (bp->data.len) {
		rv = blobs_part_write(cfg->blob_dir, bp->hash.data, unit, off, bp->data.data,
				      bp->data.len);
		if (rv != BS_OK)
			return reply_error(rj, rv, NULL);
		off += bp->data.len;
	}
	rj->put.size = size;
	rj->put.to = off;
	if (off < size) {
		rj->put.what = PUT_PROGRESS;
	} else {
		/* Last chunk: verify the whole file before accepting it (the
		 * writer moves it into place, blob_put_record). */
		slot_free(rj);
		randombytes_buf(&rj->put.token, sizeof rj->put.token);
		rv = blobs_part_verify(cfg->blob_dir, bp->hash.data, unit, size, rj->put.token);
		if (rv != BS_OK && rv != BS_E_CORRUPT)
			return reply_error(rj, rv, NULL);
		rj->put.what = rv == BS_E_CORRUPT ? PUT_CORRUPT : PUT_COMPLETE;
	}
	rj->job.then_write = blob_put_record;
	return BS_OK;
}

static int do_blob_get(struct req_job *rj, struct store *st)
{
	const Baosong__V1__BlobGet *bg = rj->req->blob_get;
	Envelope env = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__BlobGetResponse resp = BAOSONG__V1__BLOB_GET_RESPONSE__INIT;
	uint8_t *buf = NULL;
	uint64_t size = 0;
	size_t len = bg->length ? bg->length : BLOB_CHUNK_MAX, got = 0;
	int rv;

	if (bg->hash.len != STORE_HASH_LEN)
		return reply_error(rj, BS_E_INVAL, "hash");
	if (len > BLOB_CHUNK_MAX)
		len = BLOB_CHUNK_MAX;
	if (!role_reads_all(rj->who.role)) {
		rv = store_blob_ref_has(st, bg->hash.data, rj->who.unit_id);
		if (rv < 0)
			return reply_error(rj, rv, NULL);
		if (rv == 0) /* the same answer whether it exists or not */
			return reply_error(rj, BS_E_NOTFOUND, "hash");
	}
	rv = store_blob_get(st, bg->hash.data, &size);
	if (rv != BS_OK)
		return reply_error(rj, rv, "hash");
	if (bg->offset > size)
		return reply_error(rj, BS_E_INVAL, "offset");
	if (len > size - bg->offset)
		len = (size_t)(size - bg->offset);
	buf = malloc(len ? len : 1);
	if (!buf)
		return reply_error(rj, BS_E_NOMEM, NULL);
	rv = blobs_read(rj->cfg->blob_dir, bg->hash.data, bg->offset, buf, len, &got);
	if (rv == BS_OK) {
		resp.size = size;
		resp.offset = bg->offset;
		resp.data.data = buf;
		resp.data.len = got;
		env.body_case = BAOSONG__V1__ENVELOPE__BODY_BLOB_GET_RESPONSE;
		env.blob_get_response = &resp;
		rv = pack_reply(&env, rj->request_id, &rj->resp, &rj->resp_len);
	}
	free(buf);
	if (rv != BS_OK)
		return reply_error(rj, rv, NULL);
	return BS_OK;
}

/* ---- review ------------------------------------------------------------------------ */

/* Who may review a kind: reviewers and admins; the statistics bureau for
 * statistics-registration evidence. */
static int may_review(int role, const char *kind)
{
	if (role == ROLE_REVIEWER || role == ROLE_ADMIN)
		return 1;
	return role == ROLE_STATISTICS && strcmp(kind, REC_KIND_STATS) == 0;
}

static int do_review(struct req_job *rj, struct store *st)
{
	const Baosong__V1__ReviewRequest *rq = rj->req->review;
	Envelope env = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__ReviewResponse resp = BAOSONG__V1__REVIEW_RESPONSE__INIT;
	Record out;
	ProtobufCBinaryData atts[REC_ATTACH_MAX];
	struct review_state rs;
	struct record r;
	const struct rec_kind *k;
	const char *action;
	char detail[600];
	int rv;

	if (!rq->uid || !records_uid_valid(rq->uid))
		return reply_error(rj, BS_E_INVAL, "uid");
	if (rq->comment && strlen(rq->comment) >= sizeof rs.comment)
		return reply_error(rj, BS_E_TOOBIG, "comment");
	rv = store_record_get(st, rq->uid, &r);
	if (rv != BS_OK)
		return reply_error(rj, rv, "uid");
	baosong__v1__record__init(&out);
	k = records_kind(r.kind);
	if (!k || !k->reviewed) {
		rv = reply_error(rj, BS_E_UNSUPPORTED, "kind: 该类记录不需要审核");
		goto out;
	}
	if (!may_review(rj->who.role, r.kind)) {
		rv = reply_error(rj, BS_E_FORBIDDEN, "role: 此角色不能审核该类记录");
		goto out;
	}
	if (rq->base_rev != r.rev) {
		rv = reply_error(rj, BS_E_CONFLICT, "base_rev: 记录已被修改，请刷新后再审核");
		goto out;
	}
	if ((rv = store_review_get(st, r.uid, &rs)) != BS_OK) {
		rv = reply_error(rj, rv, NULL);
		goto out;
	}
	switch (rq->action) {
	case BAOSONG__V1__REVIEW_ACTION__REVIEW_APPROVE:
		if (rs.status == BAOSONG__V1__REVIEW_STATUS__REVIEW_APPROVED) {
			rv = reply_error(rj, BS_E_STATE, "已审核通过");
			goto out;
		}
		rs.status = BAOSONG__V1__REVIEW_STATUS__REVIEW_APPROVED;
		rs.locked = 1;
		rs.comment[0] = '\0';
		action = "approve";
		break;
	case BAOSONG__V1__REVIEW_ACTION__REVIEW_RETURN:
		if (!rq->comment || !*rq->comment) {
			rv = reply_error(rj, BS_E_INVAL, "comment: 退回时须填写意见");
			goto out;
		}
		if (rs.locked) {
			rv = reply_error(rj, BS_E_RECORD_LOCKED, "已审核通过，请先重新开放");
			goto out;
		}
		rs.status = BAOSONG__V1__REVIEW_STATUS__REVIEW_RETURNED;
		rs.locked = 0;
		snprintf(rs.comment, sizeof rs.comment, "%s", rq->comment);
		action = "return";
		break;
	case BAOSONG__V1__REVIEW_ACTION__REVIEW_REOPEN:
		if (!rs.locked) {
			rv = reply_error(rj, BS_E_STATE, "记录未锁定");
			goto out;
		}
		rs.status = BAOSONG__V1__REVIEW_STATUS__REVIEW_SUBMITTED;
		rs.locked = 0;
		snprintf(rs.comment, sizeof rs.comment, "%s", rq->comment ? rq->comment : "");
		action = "reopen";
		break;
	default:
		rv = reply_error(rj, BS_E_INVAL, "action");
		goto out;
	}
	rs.reviewed_at = now_ms();
	rs.reviewed_by = rj->who.device_id;
	/* A new revision with the same data, so every device pulls the state. */
	if ((rv = store_record_put(st, &r, rj->who.device_id, now_ms())) != BS_OK ||
	    (rv = store_review_set(st, r.uid, &rs)) != BS_OK) {
		rv = reply_error(rj, rv, NULL);
		goto out;
	}
	snprintf(detail, sizeof detail, "%s%s%s", action, rs.comment[0] ? ": " : "", rs.comment);
	if ((rv = audit_record(st, &rj->who, "record.review", &r, r.data, r.data_len, detail)) !=
	    BS_OK) {
		rv = reply_error(rj, rv, NULL);
		goto out;
	}
	if (r.n_attachments > REC_ATTACH_MAX ||
	    (rv = copy_record_out(&out, &r, atts, &rs)) != BS_OK) {
		rv = reply_error(rj, BS_E_NOMEM, NULL);
		goto out;
	}
	resp.record = &out;
	env.body_case = BAOSONG__V1__ENVELOPE__BODY_REVIEW_RESPONSE;
	env.review_response = &resp;
	rv = pack_reply(&env, rj->request_id, &rj->resp, &rj->resp_len);
	if (rv != BS_OK)
		rv = reply_error(rj, rv, NULL);
	else
		log_info("device %lld %s %s %s rev %llu", (long long)rj->who.device_id, action,
			 r.kind, r.uid, (unsigned long long)r.rev);
out:
	free_record_out(&out);
	store_record_free(&r);
	return rv;
}

/* "YYYY-MM" -> the day number of its first day. */
static int parse_month(const char *s, int64_t *day)
{
	char buf[16];
	if (strlen(s) != 7)
		return BS_E_INVAL;
	snprintf(buf, sizeof buf, "%s-01", s);
	return period_parse_date(buf, day);
}

static int do_period(struct req_job *rj, struct store *st)
{
	const Baosong__V1__PeriodRequest *pq = rj->req->period;
	Envelope env = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__PeriodResponse resp = BAOSONG__V1__PERIOD_RESPONSE__INIT;
	struct audit_entry e;
	int64_t day;
	int rv;

	if (rj->who.role != ROLE_REVIEWER && rj->who.role != ROLE_ADMIN)
		return reply_error(rj, BS_E_FORBIDDEN, "role: 只有审核人员可以关闭或开放周期");
	if (!pq->kind || !pq->period)
		return reply_error(rj, BS_E_INVAL, "kind");
	if (!strcmp(pq->kind, REC_KIND_WEEKLY))
		rv = period_parse_week(pq->period, &day);
	else if (!strcmp(pq->kind, REC_KIND_MONTHLY))
		rv = parse_month(pq->period, &day);
	else
		return reply_error(rj, BS_E_INVAL, "kind: weekly_report 或 monthly_report");
	if (rv != BS_OK)
		return reply_error(rj, BS_E_INVAL, "period");
	rv = store_period_set(st, pq->kind, pq->period, pq->close, now_ms(), rj->who.device_id);
	if (rv != BS_OK)
		return reply_error(rj, rv, NULL);
	memset(&e, 0, sizeof e);
	e.at = now_ms();
	e.unit_id = rj->who.unit_id;
	e.device_id = rj->who.device_id;
	e.role = rj->who.role;
	e.action = pq->close ? "period.close" : "period.reopen";
	e.kind = pq->kind;
	e.subject = pq->period;
	if ((rv = store_audit_append(st, &e)) != BS_OK)
		return reply_error(rj, rv, NULL);
	resp.kind = pq->kind;
	resp.period = pq->period;
	resp.closed = pq->close;
	env.body_case = BAOSONG__V1__ENVELOPE__BODY_PERIOD_RESPONSE;
	env.period_response = &resp;
	rv = pack_reply(&env, rj->request_id, &rj->resp, &rj->resp_len);
	if (rv != BS_OK)
		return reply_error(rj, rv, NULL);
	log_info("device %lld %s %s %s", (long long)rj->who.device_id, e.action, pq->kind,
		 pq->period);
	return BS_OK;
}

/* ---- dispatch --------------------------------------------------------------------- */

/* ---- ping ---------------------------------------------------------------------- */

static int do_ping(struct req_job *rj)
{
	Envelope env = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__Pong pong = BAOSONG__V1__PONG__INIT;

	if (rj->req->ping->data.len > WIRE_PING_DATA_MAX)
		return reply_error(rj, BS_E_TOOBIG, "ping.data");
	pong.server_time_ms = now_ms();
	pong.server_version = (char *)"baosongd " BS_VERSION_STRING;
	pong.data = rj->req->ping->data;
	pong.timezone = (char *)"Asia/Shanghai";
	env.body_case = BAOSONG__V1__ENVELOPE__BODY_PONG;
	env.pong = &pong;
	return pack_reply(&env, rj->request_id, &rj->resp, &rj->resp_len);
}

int handler_is_write(const Envelope *req)
{
	switch (req->body_case) {
	case BAOSONG__V1__ENVELOPE__BODY_ENROLL:
	case BAOSONG__V1__ENVELOPE__BODY_PUSH:
	case BAOSONG__V1__ENVELOPE__BODY_REVIEW:
	case BAOSONG__V1__ENVELOPE__BODY_PERIOD:
		return 1;
	default:
		return 0;
	}
}

int handler_run(struct job *j, struct store *st, void *user)
{
	struct req_job *rj = (struct req_job *)j;
	struct device dev;
	int rv;

	(void)user;
	if (rj->req->body_case == BAOSONG__V1__ENVELOPE__BODY_ENROLL)
		return do_enroll(rj, st);
	if (rj->who.device_id == 0) {
		/* A key the server does not know may only enrol. */
		rj->end_session = 1;
		return reply_error(rj, BS_E_UNKNOWN_KEY, "enrol first (baosong init)");
	}
	if ((rv = check_device(rj, st, &dev)) != BS_OK)
		return rv;
	switch (rj->req->body_case) {
	case BAOSONG__V1__ENVELOPE__BODY_PING:
		rv = do_ping(rj);
		return rv == BS_OK ? rv : reply_error(rj, rv, NULL);
	case BAOSONG__V1__ENVELOPE__BODY_WHOAMI:
		rv = reply_identity(rj, st, &dev);
		return rv == BS_OK ? rv : reply_error(rj, rv, NULL);
	case BAOSONG__V1__ENVELOPE__BODY_PUSH:
		return do_push(rj, st, &dev);
	case BAOSONG__V1__ENVELOPE__BODY_PULL:
		return do_pull(rj, st);
	case BAOSONG__V1__ENVELOPE__BODY_BLOB_QUERY:
		return do_blob_query(rj, st);
	case BAOSONG__V1__ENVELOPE__BODY_BLOB_PUT:
		return do_blob_put(rj, st);
	case BAOSONG__V1__ENVELOPE__BODY_BLOB_GET:
		return do_blob_get(rj, st);
	case BAOSONG__V1__ENVELOPE__BODY_REVIEW:
		return do_review(rj, st);
	case BAOSONG__V1__ENVELOPE__BODY_PERIOD:
		return do_period(rj, st);
	default:
		return reply_error(rj, BS_E_UNSUPPORTED, "request body");
	}
}

int handler_key_lookup(struct job *j, struct store *st, void *user)
{
	struct key_job *kj = (struct key_job *)j;
	struct device dev;
	int rv;
	(void)user;
	kj->status = KEY_UNKNOWN;
	rv = store_device_by_key(st, kj->pubkey, &dev);
	if (rv == BS_E_NOTFOUND)
		return BS_OK;
	if (rv != BS_OK)
		return rv;
	kj->status = dev.revoked_at ? KEY_REVOKED : KEY_ACTIVE;
	kj->who.device_id = dev.id;
	kj->who.unit_id = dev.unit_id;
	kj->who.role = dev.role;
	memcpy(kj->who.pubkey, kj->pubkey, KEY_LEN);
	kj->last_hello_ns = dev.last_hello_ns;
	return BS_OK;
}

int handler_hello_save(struct job *j, struct store *st, void *user)
{
	struct hello_job *hj = (struct hello_job *)j;
	(void)user;
	return store_device_set_hello(st, hj->device_id, hj->ts_ns);
}
