/* sync.c - push (attachments, then ops), pull. */
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bs_limits.h"
#include "err.h"
#include "filehash.h"
#include "log.h"
#include "reconcile.h"
#include "records.h"
#include "upload.h"

#define CHUNK_MAX 49152u
#define PUSH_OPS_MAX 64u
#define PUSH_BYTES_MAX (40u * 1024u)
#define PULL_PAGE 200u
#define QUERY_MAX 256u

/* One request, one reply; an Error reply becomes its code. */
static int call(struct session *s, Envelope *req, struct wire_arena *a, Envelope **resp,
		int want)
{
	int rv;
	wire_arena_init(a, WIRE_DECODE_MEM_MAX);
	rv = session_call(s, req, a, resp);
	if (rv != BS_OK)
		return rv;
	if ((*resp)->body_case == BAOSONG__V1__ENVELOPE__BODY_ERROR) {
		rv = wire_error_code((*resp)->error);
		log_warn("server: %s%s%s", (*resp)->error->message,
			 (*resp)->error->detail && *(*resp)->error->detail ? " - " : "",
			 (*resp)->error->detail ? (*resp)->error->detail : "");
		wire_envelope_free(*resp, a);
		*resp = NULL;
		return rv;
	}
	if ((int)(*resp)->body_case != want) {
		wire_envelope_free(*resp, a);
		*resp = NULL;
		return BS_E_PROTO;
	}
	return BS_OK;
}

int sync_whoami(struct session *s, Baosong__V1__Identity **out, struct wire_arena *a,
		Envelope **env)
{
	Envelope req = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__WhoAmI w = BAOSONG__V1__WHO_AM_I__INIT;
	int rv;
	req.body_case = BAOSONG__V1__ENVELOPE__BODY_WHOAMI;
	req.whoami = &w;
	rv = call(s, &req, a, env, BAOSONG__V1__ENVELOPE__BODY_IDENTITY);
	if (rv == BS_OK)
		*out = (*env)->identity;
	return rv;
}

/* ---- attachments ------------------------------------------------------------- */

struct pending_file {
	uint8_t hash[32];
	char path[4096];
	uint64_t size;
};

struct file_list {
	struct pending_file *v;
	size_t n, cap;
};

static int collect_file(void *ctx, const uint8_t hash[LDB_HASH_LEN], const char *path,
			uint64_t size)
{
	struct file_list *fl = ctx;
	if (fl->n == fl->cap) {
		size_t ncap = fl->cap ? fl->cap * 2 : 16;
		struct pending_file *nv = realloc(fl->v, ncap * sizeof *nv);
		if (!nv)
			return BS_E_NOMEM;
		fl->v = nv;
		fl->cap = ncap;
	}
	memcpy(fl->v[fl->n].hash, hash, 32);
	snprintf(fl->v[fl->n].path, sizeof fl->v[fl->n].path, "%s", path);
	fl->v[fl->n].size = size;
	fl->n++;
	return 0;
}

static void progress(const struct sync_opts *o, const char *path, uint64_t done, uint64_t total)
{
	const char *name;
	unsigned pct, bars, i;
	char bar[31];
	if (o->on_upload != NULL)
		o->on_upload(o->upload_ctx, path, done, total);
	if (!o->progress || total == 0)
		return;
	name = strrchr(path, '/');
	name = name ? name + 1 : path;
	pct = (unsigned)(done * 100u / total);
	bars = pct * 30u / 100u;
	for (i = 0; i < 30; i++)
		bar[i] = i < bars ? '#' : ' ';
	bar[30] = '\0';
	fprintf(stderr, "\r上传 %-24.24s [%s] %3u%% %.1f/%.1f MB", name, bar, pct,
		(double)done / 1048576.0, (double)total / 1048576.0);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

struct file_src {
	int fd;
};

static int file_read(void *ctx, uint64_t off, uint8_t *buf, size_t len)
{
	struct file_src *f = ctx;
	ssize_t r = pread(f->fd, buf, len, (off_t)off);
	return r == (ssize_t)len ? BS_OK : BS_E_IO;
}

struct progress_ctx {
	const struct sync_opts *o;
	const char *path;
};

static void upload_progress(void *ctx, uint64_t held, uint64_t size)
{
	struct progress_ctx *p = ctx;
	progress(p->o, p->path, held, size);
}

static int upload_one(struct session *s, struct localdb *db, const struct pending_file *f,
		      uint64_t offset, const struct sync_opts *o, struct sync_stats *st)
{
	struct file_src src = {-1};
	struct upload_src us = {file_read, &src};
	struct progress_ctx pc = {o, f->path};
	struct upload_opts uo;
	uint64_t sent_here = 0;
	int rv = BS_OK, grouped = 0;
	struct stat sb;

	src.fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (src.fd < 0) {
		log_error("attachment %s: %s", f->path, strerror(errno));
		return BS_E_NOTFOUND;
	}
	/* The file must still be what was attached. */
	if (fstat(src.fd, &sb) != 0 || (uint64_t)sb.st_size != f->size) {
		log_error("attachment %s changed since it was attached", f->path);
		rv = BS_E_CORRUPT;
		goto out;
	}
	memset(&uo, 0, sizeof uo);
	uo.chunk = o->chunk && o->chunk <= CHUNK_MAX ? o->chunk : CHUNK_MAX;
	uo.single = o->upload_single;
	if (o->stop_after_bytes) { /* tests: a cut line */
		if (o->stop_after_bytes <= st->bytes_uploaded) {
			rv = BS_E_CLOSED;
			goto out;
		}
		uo.budget = o->stop_after_bytes - st->bytes_uploaded;
	}
	uo.progress = upload_progress;
	uo.progress_ctx = &pc;
	rv = upload_run(s, f->hash, f->size, offset, &us, &uo, &sent_here, &grouped);
	st->bytes_uploaded += sent_here;
	if (rv != BS_OK)
		goto out;
	progress(o, f->path, f->size, f->size);
	rv = localdb_file_set_uploaded(db, f->hash);
	if (rv == BS_OK)
		st->files_uploaded++;
	log_debug("uploaded %s (%llu bytes sent)%s", f->path, (unsigned long long)sent_here,
		  grouped ? " in flushed groups" : "");
out:
	close(src.fd);
	return rv;
}

struct quarantine_ctx {
	const uint8_t *hash;
	uint64_t seqs[256];
	size_t n;
};

static int find_users(void *ctx, const struct lop *op)
{
	struct quarantine_ctx *q = ctx;
	size_t i;
	for (i = 0; i < op->n_attachments; i++)
		if (!memcmp(op->attachments[i], q->hash, LDB_HASH_LEN) && q->n < 256) {
			q->seqs[q->n++] = op->seq;
			break;
		}
	return 0;
}

/* A file an op needs is gone or no longer what was attached: set those ops
 * aside (quarantine, with the reason) so everything else still syncs. */
static int quarantine_users(struct localdb *db, const struct pending_file *f, int code)
{
	struct quarantine_ctx q;
	char msg[256];
	size_t i;
	int rv;
	memset(&q, 0, sizeof q);
	q.hash = f->hash;
	rv = localdb_outbox_each(db, 0, 100000, find_users, &q);
	if (rv < 0)
		return rv;
	snprintf(msg, sizeof msg, "%s: %.180s",
		 code == BS_E_NOTFOUND ? "附件文件已丢失 attachment file missing"
				       : "附件文件已被修改 attachment file changed since attached",
		 f->path);
	log_error("%s", msg);
	for (i = 0; i < q.n; i++)
		if ((rv = localdb_outbox_quarantine(db, q.seqs[i], code, msg)) != BS_OK)
			return rv;
	return BS_OK;
}

/* Whether f is still the file that was attached. */
static int check_file(const struct pending_file *f)
{
	uint8_t h[32];
	uint64_t size = 0;
	int rv;
	if (getenv("BAOSONG_TEST_NO_PRECHECK"))
		return BS_OK; /* tests: let the server see a changed file */
	{
		int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			return BS_E_NOTFOUND;
		/* Read no more than was attached: a file that grew has changed. */
		rv = filehash_fd(fd, f->size, h, &size);
		close(fd);
	}
	if (rv == BS_E_TOOBIG)
		return BS_E_CORRUPT;
	if (rv != BS_OK)
		return rv;
	if (size != f->size || sodium_memcmp(h, f->hash, 32) != 0)
		return BS_E_CORRUPT;
	return BS_OK;
}

int sync_upload(struct session *s, struct localdb *db, const struct sync_opts *o,
		struct sync_stats *st)
{
	struct file_list fl = {0};
	size_t i, base;
	int rv;

	rv = localdb_file_each_unsent(db, collect_file, &fl);
	if (rv < 0)
		goto out;
	rv = BS_OK;
	for (base = 0; base < fl.n && rv == BS_OK; base += QUERY_MAX) {
		size_t n = fl.n - base < QUERY_MAX ? fl.n - base : QUERY_MAX;
		Envelope req = BAOSONG__V1__ENVELOPE__INIT, *resp = NULL;
		Baosong__V1__BlobQuery q = BAOSONG__V1__BLOB_QUERY__INIT;
		ProtobufCBinaryData hashes[QUERY_MAX];
		struct wire_arena a;
		for (i = 0; i < n; i++) {
			hashes[i].data = fl.v[base + i].hash;
			hashes[i].len = 32;
		}
		q.hashes = hashes;
		q.n_hashes = n;
		req.body_case = BAOSONG__V1__ENVELOPE__BODY_BLOB_QUERY;
		req.blob_query = &q;
		rv = call(s, &req, &a, &resp, BAOSONG__V1__ENVELOPE__BODY_BLOB_QUERY_RESPONSE);
		if (rv != BS_OK)
			break;
		if (resp->blob_query_response->n_states != n) {
			wire_envelope_free(resp, &a);
			rv = BS_E_PROTO;
			break;
		}
		for (i = 0; i < n && rv == BS_OK; i++) {
			const Baosong__V1__BlobState *bs = resp->blob_query_response->states[i];
			if (bs->present) {
				rv = localdb_file_set_uploaded(db, fl.v[base + i].hash);
				continue;
			}
			rv = check_file(&fl.v[base + i]);
			if (rv == BS_E_NOTFOUND || rv == BS_E_CORRUPT) {
				rv = quarantine_users(db, &fl.v[base + i], rv);
				continue;
			}
			if (rv != BS_OK)
				break;
			/* Resume from where the server's copy ends; BS_E_OFFSET
			 * (the server moved on meanwhile) is retryable: the next
			 * run asks again. */
			rv = upload_one(s, db, &fl.v[base + i], bs->offset, o, st);
			if (rv == BS_E_CORRUPT) /* the server's verdict on the bytes */
				rv = quarantine_users(db, &fl.v[base + i], rv);
		}
		wire_envelope_free(resp, &a);
	}
out:
	free(fl.v);
	return rv;
}

/* ---- ops ----------------------------------------------------------------------------- */

struct batch {
	Baosong__V1__Op *ops;
	Baosong__V1__Op **ptrs;
	ProtobufCBinaryData *atts;
	struct lop *lops;
	size_t n, cap, bytes;
};

static int take_op(void *ctx, const struct lop *op)
{
	struct batch *b = ctx;
	size_t need = op->data_len + op->n_attachments * 34 + 64;
	struct lop *dst;
	size_t i;
	if (b->n == b->cap || (b->n > 0 && b->bytes + need > PUSH_BYTES_MAX))
		return 1;
	/* One op per record per round: a later change on the same record is
	 * sent only after the earlier one's receipt, so a conflict can rebase
	 * it before the server sees it (reconcile.h). */
	for (i = 0; i < b->n; i++)
		if (strcmp(b->lops[i].uid, op->uid) == 0)
			return 1;
	dst = &b->lops[b->n];
	*dst = *op;
	/* Own copies: the callback's buffers do not outlive it. */
	dst->data = NULL;
	dst->attachments = NULL;
	if (op->data_len) {
		dst->data = malloc(op->data_len);
		if (!dst->data)
			return BS_E_NOMEM;
		memcpy(dst->data, op->data, op->data_len);
	}
	if (op->n_attachments) {
		dst->attachments = malloc(op->n_attachments * LDB_HASH_LEN);
		if (!dst->attachments) {
			free(dst->data);
			return BS_E_NOMEM;
		}
		memcpy(dst->attachments, op->attachments, op->n_attachments * LDB_HASH_LEN);
	}
	b->bytes += need;
	b->n++;
	return 0;
}

static void batch_free(struct batch *b)
{
	size_t i;
	for (i = 0; i < b->n; i++) {
		free(b->lops[i].data);
		free(b->lops[i].attachments);
	}
	free(b->ops);
	free(b->ptrs);
	free(b->atts);
	free(b->lops);
	memset(b, 0, sizeof *b);
}

static void record_to_lrecord(const Baosong__V1__Record *r, struct lrecord *out,
			      uint8_t (*atts)[LDB_HASH_LEN])
{
	size_t i, n = 0;
	memset(out, 0, sizeof *out);
	snprintf(out->kind, sizeof out->kind, "%s", r->kind ? r->kind : "");
	snprintf(out->uid, sizeof out->uid, "%s", r->uid ? r->uid : "");
	out->unit_id = r->unit_id;
	out->rev = r->rev;
	out->deleted = r->deleted;
	out->updated_at = r->updated_at_ms;
	out->data = r->data.data;
	out->data_len = r->data.len;
	out->review_status = (int)r->review_status;
	snprintf(out->review_comment, sizeof out->review_comment, "%s",
		 r->review_comment ? r->review_comment : "");
	out->created_at = r->created_at_ms;
	out->reviewed_at = r->reviewed_at_ms;
	out->complete_at = r->complete_at_ms;
	out->locked = r->locked;
	for (i = 0; i < r->n_attachments && i < REC_ATTACH_MAX; i++) {
		if (r->attachments[i].len != LDB_HASH_LEN)
			continue;
		memcpy(atts[n++], r->attachments[i].data, LDB_HASH_LEN);
	}
	out->attachments = n ? atts : NULL;
	out->n_attachments = n;
}

/* Apply the receipts of one push in one local transaction. */
static int apply_receipts(struct localdb *db, const Baosong__V1__PushResponse *pr,
			  struct sync_stats *st)
{
	static uint8_t atts[REC_ATTACH_MAX][LDB_HASH_LEN];
	size_t i;
	int rv = localdb_begin(db);
	if (rv != BS_OK)
		return rv;
	for (i = 0; i < pr->n_receipts && rv == BS_OK; i++) {
		const Baosong__V1__Receipt *rc = pr->receipts[i];
		if (rc->replayed)
			st->replayed++;
		switch (rc->status) {
		case BAOSONG__V1__OP_STATUS__OP_APPLIED:
			rv = localdb_outbox_ack(db, rc->seq, rc->rev);
			st->applied++;
			break;
		case BAOSONG__V1__OP_STATUS__OP_CONFLICT:
			if (rc->current) {
				struct lrecord lr;
				struct reconcile_outcome ro;
				record_to_lrecord(rc->current, &lr, atts);
				rv = reconcile_conflict(db, rc->seq, &lr, &ro);
				if (rv == BS_OK && ro.merged && ro.n_conflicts == 0)
					st->merged++;
				else
					st->conflicts++;
			} else {
				rv = localdb_outbox_quarantine(db, rc->seq, BS_E_CONFLICT,
							       "conflict");
				st->conflicts++;
			}
			break;
		case BAOSONG__V1__OP_STATUS__OP_REJECTED: {
			char msg[256];
			int code = rc->error ? wire_error_code(rc->error) : BS_E_INVAL;
			snprintf(msg, sizeof msg, "%s%s%s",
				 rc->error && rc->error->message ? rc->error->message : "",
				 rc->error && rc->error->detail && *rc->error->detail ? " - " : "",
				 rc->error && rc->error->detail ? rc->error->detail : "");
			rv = localdb_outbox_quarantine(db, rc->seq, code, msg);
			st->rejected++;
			break;
		}
		default:
			rv = BS_E_PROTO;
		}
	}
	if (rv == BS_OK)
		rv = localdb_commit(db);
	else
		localdb_rollback(db);
	return rv;
}

struct withdraw_ctx {
	uint64_t lo, hi;           /* seqs in (lo, hi) */
	uint64_t seqs[PUSH_OPS_MAX];
	char kinds[PUSH_OPS_MAX][LDB_KIND_MAX + 1];
	char uids[PUSH_OPS_MAX][LDB_UID_MAX + 1];
	size_t n;
};

static int take_withdrawn(void *ctx, const struct lop *op)
{
	struct withdraw_ctx *w = ctx;
	if (op->seq <= w->lo || op->seq >= w->hi || w->n == PUSH_OPS_MAX)
		return 0;
	w->seqs[w->n] = op->seq;
	snprintf(w->kinds[w->n], sizeof w->kinds[w->n], "%s", op->kind);
	snprintf(w->uids[w->n], sizeof w->uids[w->n], "%s", op->uid);
	w->n++;
	return 0;
}

/* The server stopped at applied + 1, a seq this device set aside before
 * sending (quarantined locally): send those ops as withdrawn so the server
 * records them and the numbering goes on.  Returns 1 if any were sent. */
static int send_withdrawn(struct session *s, struct localdb *db, uint64_t applied,
			  struct sync_stats *st)
{
	struct withdraw_ctx w;
	Baosong__V1__Op ops[PUSH_OPS_MAX], *ptrs[PUSH_OPS_MAX];
	Envelope req = BAOSONG__V1__ENVELOPE__INIT, *resp = NULL;
	Baosong__V1__PushRequest preq = BAOSONG__V1__PUSH_REQUEST__INIT;
	struct wire_arena a;
	size_t i;
	int rv;

	memset(&w, 0, sizeof w);
	w.lo = applied;
	w.hi = UINT64_MAX;
	if ((rv = localdb_quarantine_each(db, take_withdrawn, &w)) < 0)
		return rv;
	/* Only a run starting right at applied + 1 can be sent. */
	if (w.n == 0 || w.seqs[0] != applied + 1)
		return 0;
	for (i = 0; i < w.n; i++) {
		if (i > 0 && w.seqs[i] != w.seqs[i - 1] + 1)
			break;
		baosong__v1__op__init(&ops[i]);
		ops[i].seq = w.seqs[i];
		ops[i].kind = w.kinds[i];
		ops[i].uid = w.uids[i];
		ops[i].withdrawn = 1;
		ptrs[i] = &ops[i];
	}
	preq.ops = ptrs;
	preq.n_ops = i;
	req.body_case = BAOSONG__V1__ENVELOPE__BODY_PUSH;
	req.push = &preq;
	rv = call(s, &req, &a, &resp, BAOSONG__V1__ENVELOPE__BODY_PUSH_RESPONSE);
	if (rv != BS_OK)
		return rv;
	/* The ops stay quarantined here with the device's own reason. */
	st->rejected += (unsigned)resp->push_response->n_receipts;
	wire_envelope_free(resp, &a);
	return 1;
}

/* The outbox is sent.  With --renumber, also move next_seq past the server's
 * applied_seq (a restored copy numbered below it), and clear the mark. */
static int push_done(struct localdb *db, const struct sync_opts *o, uint64_t known_applied)
{
	char mark[64];
	int rv = BS_OK;
	if (o->renumber && known_applied > 0)
		rv = localdb_outbox_renumber(db, known_applied + 1, known_applied + 1, NULL);
	if (rv == BS_OK && localdb_meta_get(db, "seq_reused", mark, sizeof mark) == BS_OK &&
	    mark[0])
		rv = localdb_meta_set(db, "seq_reused", "");
	return rv;
}

/* The server refused this device's ops from seq `from` on as BS_E_SEQ_REUSED:
 * mark them (meta "seq_reused") and tell the person what happened and what
 * to do.  Nothing leaves the outbox. */
static int refuse_reused(struct localdb *db, uint64_t from, uint64_t server_applied)
{
	unsigned pending = 0, quarantined = 0;
	char mark[64];
	int rv;

	snprintf(mark, sizeof mark, "%llu %llu", (unsigned long long)from,
		 (unsigned long long)server_applied);
	if ((rv = localdb_meta_set(db, "seq_reused", mark)) != BS_OK)
		return rv;
	localdb_counts(db, &pending, &quarantined, NULL);
	log_error("服务器已用本设备第 %llu 号起的操作编号收下了另外的修改：本数据目录是恢复或复制来的，"
		  "与另一个目录共用同一设备密钥。本机 %u 条修改没有发送，全部保留在本机。"
		  "请核对（baosong status），确认无误后运行 baosong sync --renumber 重新编号并发送；"
		  "以后每台电脑请各自登记（baosong init --token）。 "
		  "The server already holds other changes under this device's operation numbers "
		  "from %llu on (its last is %llu): this data directory was restored or copied and "
		  "shares its key with another. The %u changes here were NOT sent and are all kept. "
		  "Check them (baosong status), then run `baosong sync --renumber` to renumber and "
		  "send them; enrol each computer with its own token from now on. "
		  "[BS_E_SEQ_REUSED]",
		  (unsigned long long)from, pending, (unsigned long long)from,
		  (unsigned long long)server_applied, pending);
	return BS_E_SEQ_REUSED;
}

int sync_push(struct session *s, struct localdb *db, const struct sync_opts *o,
	      struct sync_stats *st)
{
	uint64_t after = 0, known_applied = 0;
	int uploaded_again = 0, renumbered = 0;
	int rv = BS_OK;

	/* The server must not already hold ops numbered where this device will
	 * number its next ones: that happens when a device's key is used with a
	 * new or restored data directory.  Pushing would get the old ops'
	 * receipts back for new changes, which would then be lost. */
	{
		Baosong__V1__Identity *id = NULL;
		Envelope *env = NULL;
		struct wire_arena a;
		int64_t next = 1;
		rv = sync_whoami(s, &id, &a, &env);
		if (rv != BS_OK)
			return rv;
		if (localdb_meta_get_int(db, "next_seq", &next) != BS_OK)
			next = 1;
		known_applied = id->applied_seq;
		wire_envelope_free(env, &a);
		if (known_applied >= (uint64_t)next && !o->renumber) {
			log_error("本机数据比服务器旧：服务器已收到本设备 %llu 个操作，本机只编号到 %lld。"
				  "this device's data is older than the server's record of it (a "
				  "restored copy, or the key used with a new data directory).",
				  (unsigned long long)known_applied, (long long)(next - 1));
			return refuse_reused(db, (uint64_t)next, known_applied);
		}
	}
	rv = sync_upload(s, db, o, st);
	if (rv != BS_OK)
		return rv;
	for (;;) {
		struct batch b;
		Envelope req = BAOSONG__V1__ENVELOPE__INIT, *resp = NULL;
		Baosong__V1__PushRequest preq = BAOSONG__V1__PUSH_REQUEST__INIT;
		const Baosong__V1__PushResponse *pr;
		struct wire_arena a;
		size_t i, k = 0;
		uint64_t server_applied, refused;
		int stop;

		memset(&b, 0, sizeof b);
		b.cap = PUSH_OPS_MAX;
		b.ops = calloc(b.cap, sizeof *b.ops);
		b.ptrs = calloc(b.cap, sizeof *b.ptrs);
		b.lops = calloc(b.cap, sizeof *b.lops);
		b.atts = calloc(b.cap * REC_ATTACH_MAX, sizeof *b.atts);
		if (!b.ops || !b.ptrs || !b.lops || !b.atts) {
			batch_free(&b);
			return BS_E_NOMEM;
		}
		rv = localdb_outbox_each(db, after, PUSH_OPS_MAX, take_op, &b);
		if (rv < 0 || b.n == 0) {
			batch_free(&b);
			if (rv < 0)
				return rv;
			return push_done(db, o, known_applied);
		}
		for (i = 0; i < b.n; i++) {
			Baosong__V1__Op *op = &b.ops[i];
			const struct lop *l = &b.lops[i];
			size_t j;
			baosong__v1__op__init(op);
			op->seq = l->seq;
			op->kind = (char *)l->kind;
			op->uid = (char *)l->uid;
			op->base_rev = l->base_rev;
			op->deleted = l->deleted != 0;
			op->data.data = l->data;
			op->data.len = l->data_len;
			op->created_at_ms = l->created_at;
			if (l->base_rev == 0) {
				/* A new record names its owner (the bureau creates
				 * targets and problems for units). */
				struct lrecord lr;
				if (localdb_record_get(db, l->uid, &lr) == BS_OK) {
					op->unit_id = lr.unit_id;
					lrecord_free(&lr);
				}
			}
			op->attachments = &b.atts[k];
			for (j = 0; j < l->n_attachments && j < REC_ATTACH_MAX; j++) {
				b.atts[k].data = (uint8_t *)l->attachments[j];
				b.atts[k].len = LDB_HASH_LEN;
				k++;
			}
			op->n_attachments = j;
			b.ptrs[i] = op;
		}
		preq.ops = b.ptrs;
		preq.n_ops = b.n;
		req.body_case = BAOSONG__V1__ENVELOPE__BODY_PUSH;
		req.push = &preq;
		rv = call(s, &req, &a, &resp, BAOSONG__V1__ENVELOPE__BODY_PUSH_RESPONSE);
		if (rv != BS_OK) {
			batch_free(&b);
			return rv;
		}
		pr = resp->push_response;
		rv = apply_receipts(db, pr, st);
		stop = pr->stopped ? wire_error_code(pr->stopped) : BS_OK;
		server_applied = pr->applied_seq;
		if (server_applied > known_applied)
			known_applied = server_applied;
		/* The server handles the batch in order and stops at the op after
		 * the last receipt. */
		refused = pr->n_receipts < b.n ? b.lops[pr->n_receipts].seq : 0;
		/* Quarantined and conflicting ops leave the pending list, so the
		 * next round starts after the last one handled. */
		if (pr->n_receipts > 0)
			after = pr->receipts[pr->n_receipts - 1]->seq;
		wire_envelope_free(resp, &a);
		batch_free(&b);
		if (rv != BS_OK)
			return rv;
		if (stop == BS_E_MISSING_BLOB && !uploaded_again) {
			/* The server lost or never got a file: upload and go on. */
			uploaded_again = 1;
			rv = sync_upload(s, db, o, st);
			if (rv != BS_OK)
				return rv;
			continue;
		}
		if (stop == BS_E_SEQ) {
			uint64_t applied = server_applied;
			rv = send_withdrawn(s, db, applied, st);
			if (rv < 0)
				return rv;
			if (rv == 1) {
				after = 0; /* start over from the oldest pending op */
				continue;
			}
			log_error("the server expects operations from seq %llu; this device's outbox "
				  "does not continue there (restored from an old copy?)",
				  (unsigned long long)(applied + 1));
			return BS_E_SEQ;
		}
		if (stop == BS_E_SEQ_REUSED && refused > 0) {
			unsigned moved = 0;
			if (!o->renumber || renumbered)
				return refuse_reused(db, refused, server_applied);
			/* A person confirmed: the ops the server did apply were
			 * answered above; the rest go after its last. */
			rv = localdb_outbox_renumber(db, refused, server_applied + 1, &moved);
			if (rv != BS_OK)
				return rv;
			log_warn("renumbered %u operation(s) from seq %llu to %llu on "
				 "已重新编号 %u 条修改", moved, (unsigned long long)refused,
				 (unsigned long long)(server_applied + 1), moved);
			renumbered = 1;
			after = 0;
			continue;
		}
		if (stop != BS_OK)
			return stop;
	}
}

/* ---- pull ----------------------------------------------------------------------------- */

int sync_pull(struct session *s, struct localdb *db, struct sync_stats *st)
{
	static uint8_t atts[REC_ATTACH_MAX][LDB_HASH_LEN];
	int64_t cursor = 0;
	int rv;

	if (localdb_meta_get_int(db, "pull_cursor", &cursor) != BS_OK)
		cursor = 0;
	for (;;) {
		Envelope req = BAOSONG__V1__ENVELOPE__INIT, *resp = NULL;
		Baosong__V1__PullRequest pq = BAOSONG__V1__PULL_REQUEST__INIT;
		const Baosong__V1__PullResponse *pr;
		struct wire_arena a;
		size_t i;
		int more;

		pq.cursor = (uint64_t)cursor;
		pq.limit = PULL_PAGE;
		req.body_case = BAOSONG__V1__ENVELOPE__BODY_PULL;
		req.pull = &pq;
		rv = call(s, &req, &a, &resp, BAOSONG__V1__ENVELOPE__BODY_PULL_RESPONSE);
		if (rv != BS_OK)
			return rv;
		pr = resp->pull_response;
		rv = localdb_begin(db);
		for (i = 0; i < pr->n_records && rv == BS_OK; i++) {
			struct lrecord lr;
			record_to_lrecord(pr->records[i], &lr, atts);
			rv = localdb_apply_remote(db, &lr);
			st->pulled++;
		}
		if (rv == BS_OK && pr->cursor > (uint64_t)cursor)
			rv = localdb_meta_set_int(db, "pull_cursor", (int64_t)pr->cursor);
		if (rv == BS_OK)
			rv = localdb_commit(db);
		else
			localdb_rollback(db);
		if (pr->cursor > (uint64_t)cursor)
			cursor = (int64_t)pr->cursor;
		more = pr->more && pr->n_records > 0;
		wire_envelope_free(resp, &a);
		if (rv != BS_OK)
			return rv;
		if (!more) {
			/* A local copy that differs from the server's with nothing
			 * of this device waiting on it is put right. */
			unsigned n = 0;
			rv = localdb_repair(db, &n);
			st->repaired += n;
			if (n)
				log_info("repaired %u record%s to the server's version", n,
					 n == 1 ? "" : "s");
			return rv;
		}
	}
}

/* ---- download ------------------------------------------------------------------------- */

int sync_download(struct session *s, const uint8_t hash[32], const char *path)
{
	char part[4200];
	uint64_t offset = 0, size = 1;
	crypto_generichash_blake2b_state hs;
	uint8_t got[32];
	int fd, rv = BS_OK;

	if ((size_t)snprintf(part, sizeof part, "%s.part", path) >= sizeof part)
		return BS_E_TOOBIG;
	fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return BS_E_IO;
	crypto_generichash_blake2b_init(&hs, NULL, 0, 32);
	while (offset < size) {
		Envelope req = BAOSONG__V1__ENVELOPE__INIT, *resp = NULL;
		Baosong__V1__BlobGet bg = BAOSONG__V1__BLOB_GET__INIT;
		const Baosong__V1__BlobGetResponse *gr;
		struct wire_arena a;
		bg.hash.data = (uint8_t *)hash;
		bg.hash.len = 32;
		bg.offset = offset;
		bg.length = CHUNK_MAX;
		req.body_case = BAOSONG__V1__ENVELOPE__BODY_BLOB_GET;
		req.blob_get = &bg;
		rv = call(s, &req, &a, &resp, BAOSONG__V1__ENVELOPE__BODY_BLOB_GET_RESPONSE);
		if (rv != BS_OK)
			break;
		gr = resp->blob_get_response;
		size = gr->size;
		if (gr->offset != offset || (gr->data.len == 0 && offset < size) ||
		    write(fd, gr->data.data, gr->data.len) != (ssize_t)gr->data.len) {
			wire_envelope_free(resp, &a);
			rv = BS_E_IO;
			break;
		}
		crypto_generichash_blake2b_update(&hs, gr->data.data, gr->data.len);
		offset += gr->data.len;
		wire_envelope_free(resp, &a);
	}
	if (rv == BS_OK) {
		crypto_generichash_blake2b_final(&hs, got, 32);
		if (sodium_memcmp(got, hash, 32) != 0)
			rv = BS_E_CORRUPT;
	}
	if (fsync(fd) != 0 && rv == BS_OK)
		rv = BS_E_IO;
	close(fd);
	if (rv == BS_OK && rename(part, path) != 0)
		rv = BS_E_IO;
	if (rv != BS_OK)
		unlink(part);
	return rv;
}
