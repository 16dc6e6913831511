/* form.c - what a person typed into a record of any kind: see form.h. */
#include "form.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baosong.pb-c.h"
#include "bs_limits.h"
#include "cli.h"
#include "err.h"
#include "field.h"
#include "filehash.h"
#include "money.h"
#include "recid.h"

#define CELL_MAX 2048u

/* ---- memory that lives as long as the form ------------------------------------------ */

void *form_alloc(struct form *fm, size_t size)
{
	struct form_pool *p = &fm->pool;
	void *b;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		void **nb = realloc(p->blocks, cap * sizeof *nb);
		if (!nb)
			return NULL;
		p->blocks = nb;
		p->cap = cap;
	}
	if (!(b = calloc(1, size ? size : 1)))
		return NULL;
	p->blocks[p->n++] = b;
	return b;
}

static char *form_strndup(struct form *fm, const char *s, size_t n)
{
	char *c = form_alloc(fm, n + 1);
	if (c)
		memcpy(c, s, n);
	return c;
}

char *form_strdup(struct form *fm, const char *s)
{
	return form_strndup(fm, s, strlen(s));
}

int form_init(struct form *fm, const char *kind, struct localdb *db)
{
	assert(fm && kind);
	memset(fm, 0, sizeof *fm);
	fm->kind = kind;
	fm->db = db;
	fm->rk = records_kind(kind);
	fm->ref = form_find_record;
	fm->file = form_hash_file;
	if (!fm->rk || !fm->rk->desc || fm->rk->desc->n_fields > FORM_FIELDS_MAX)
		return BS_E_UNSUPPORTED;
	fm->desc = fm->rk->desc;
	return BS_OK;
}

void form_free(struct form *fm)
{
	size_t i;
	if (!fm)
		return;
	for (i = 0; i < fm->pool.n; i++)
		free(fm->pool.blocks[i]);
	free(fm->pool.blocks);
	for (i = 0; i < fm->nfiles; i++) {
		free(fm->files[i].path);
		free(fm->files[i].stored);
	}
	memset(&fm->pool, 0, sizeof fm->pool);
	fm->nfiles = 0;
}

ProtobufCMessage *form_message(struct form *fm, const ProtobufCMessage *prev)
{
	ProtobufCMessage *m;
	assert(fm->desc && (!prev || prev->descriptor == fm->desc));
	if (!(m = form_alloc(fm, fm->desc->sizeof_message)))
		return NULL;
	if (prev)
		memcpy(m, prev, fm->desc->sizeof_message);
	else
		protobuf_c_message_init(fm->desc, m);
	return m;
}

/* ---- errors ----------------------------------------------------------------------- */

static int set_error(struct rec_error *err, const char *field, const char *msg)
{
	snprintf(err->field, sizeof err->field, "%s", field);
	snprintf(err->msg, sizeof err->msg, "%s", msg);
	return BS_E_INVAL;
}

const ProtobufCFieldDescriptor *form_error_field(const ProtobufCMessageDescriptor *d,
						 const char *name)
{
	char base[64];
	size_t n = strcspn(name, "[.");
	const ProtobufCFieldDescriptor *f;
	if (n >= sizeof base - 4)
		return NULL;
	memcpy(base, name, n);
	base[n] = '\0';
	if ((f = field_named(d, base)) != NULL)
		return f;
	memcpy(base + n, "_fen", 5);
	return field_named(d, base);
}

void form_error_text(const char *kind, const struct rec_error *err, char *out, size_t cap)
{
	const struct rec_kind *rk = records_kind(kind);
	const ProtobufCFieldDescriptor *f = NULL;
	char opt[48], choices[FORM_CHOICES_LEN];
	size_t used;

	assert(out && cap > 0);
	if (!err->field[0]) {
		snprintf(out, cap, "数据有误 invalid data (a record it refers to cannot be read)");
		return;
	}
	/* Named by the message's field (the rules may name applied_fen as
	 * "applied"), or as given for an entry ("funds[2]"). */
	if (rk && rk->desc)
		f = form_error_field(rk->desc, err->field);
	used = (size_t)snprintf(out, cap, "数据有误 invalid data: %s",
				f && !strchr(err->field, '[') ? f->name : err->field);
	if (f && used < cap) {
		field_opt(f, opt, sizeof opt);
		used += (size_t)snprintf(out + used, cap - used, " %s (--%s)",
					 field_zh(kind, f->name), opt);
	}
	if (used < cap)
		used += (size_t)snprintf(out + used, cap - used, ": %s", err->msg);
	if (f && f->type == PROTOBUF_C_TYPE_ENUM && used < cap) {
		field_enum_choices(f->descriptor, choices, sizeof choices);
		snprintf(out + used, cap - used, "\n  可选 choices: %s", choices);
	}
}

/* ---- single values -------------------------------------------------------------------- */

int form_parse_money(const char *s, int64_t *fen)
{
	return money_parse_wan(s, fen);
}

int form_parse_sint(const char *s, int64_t min, int64_t max, int64_t *v)
{
	char *end = NULL;
	long long x;
	if (!*s)
		return BS_E_INVAL;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || x < min || x > max)
		return BS_E_INVAL;
	*v = (int64_t)x;
	return BS_OK;
}

int form_parse_bp(const char *s, int64_t *bp)
{
	size_t n = strlen(s);
	char buf[40];
	int64_t fen;
	if (n == 0 || s[n - 1] != '%')
		return form_parse_sint(s, INT32_MIN, INT32_MAX, bp);
	if (n - 1 >= sizeof buf || strchr(s, ','))
		return BS_E_INVAL;
	memcpy(buf, s, n - 1);
	buf[n - 1] = '\0';
	/* 万元 and percent both have two decimals: 1 万元 = FEN_PER_WAN fen = 100 bp. */
	if (money_parse_wan(buf, &fen) != BS_OK || fen % (FEN_PER_WAN / 100) != 0)
		return BS_E_INVAL;
	fen /= FEN_PER_WAN / 100;
	if (fen < INT32_MIN || fen > INT32_MAX)
		return BS_E_INVAL;
	*bp = fen;
	return BS_OK;
}

int form_parse_bool(const char *s, int *v)
{
	static const char *const yes[] = {"是", "yes", "true", "1", "y"};
	static const char *const no[] = {"否", "no", "false", "0", "n"};
	size_t i;
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*v = 1;
			return BS_OK;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*v = 0;
			return BS_OK;
		}
	}
	return BS_E_INVAL;
}

static const struct stage_name {
	int stage;
	const char *zh, *en;
} stage_names[] = {
	{BAOSONG__V1__PROJECT_STAGE__STAGE_RESERVE, "谋划储备", "reserve"},
	{BAOSONG__V1__PROJECT_STAGE__STAGE_PREPARATION, "前期", "preparation"},
	{BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START, "新开工", "new_start"},
	{BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING, "续建", "continuing"},
	{BAOSONG__V1__PROJECT_STAGE__STAGE_COMPLETED, "竣工", "completed"},
	{BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING, "投产/运营", "operating"},
	{BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING, "投产", "operating"},
	{BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING, "运营", "operating"},
	{BAOSONG__V1__PROJECT_STAGE__STAGE_SUSPENDED, "停缓建", "suspended"},
};
#define N_STAGE_NAMES (sizeof stage_names / sizeof stage_names[0])

const char *form_stage_zh(int stage)
{
	size_t i;
	for (i = 0; i < N_STAGE_NAMES; i++)
		if (stage_names[i].stage == stage)
			return stage_names[i].zh;
	return "未定";
}

const char *form_stage_en(int stage)
{
	size_t i;
	for (i = 0; i < N_STAGE_NAMES; i++)
		if (stage_names[i].stage == stage)
			return stage_names[i].en;
	return "unknown";
}

int form_stage_parse(const char *s, int *stage)
{
	size_t i;
	for (i = 0; i < N_STAGE_NAMES; i++) {
		if (strcmp(s, stage_names[i].zh) == 0 || strcasecmp(s, stage_names[i].en) == 0) {
			*stage = stage_names[i].stage;
			return BS_OK;
		}
	}
	return BS_E_INVAL;
}

/* ---- finding records and files ------------------------------------------------------ */

static const char *kind_en(const char *kind)
{
	return strcmp(kind, REC_KIND_PROJECT) == 0 ? "project" : kind;
}

int form_find_record(void *ctx, struct localdb *db, const char *kind, const char *text,
		     char *uid, struct rec_error *err)
{
	struct recid_found f;
	char msg[sizeof err->msg];
	int rv;
	(void)ctx;
	assert(db && kind && text && uid);
	memset(&f, 0, sizeof f);
	rv = recid_record(db, kind, text, &f);
	if (rv == BS_OK) {
		snprintf(uid, LDB_UID_MAX + 1, "%s", f.uid);
		return BS_OK;
	}
	if (rv == BS_E_INVAL && f.count > 1)
		snprintf(msg, sizeof msg, "标识 %.32s 不唯一 the id prefix matches %u %s records; "
			 "give more characters", text, f.count, kind_en(kind));
	else if (rv == BS_E_INVAL)
		snprintf(msg, sizeof msg, "标识无效 not a record id: give the id, or at least its "
			 "first %u characters (0-9, a-f)", FORM_PREFIX_MIN);
	else if (rv == BS_E_NOTFOUND)
		snprintf(msg, sizeof msg, "本机没有这个%s no %s record %.32s on this device",
			 field_kind_zh(kind), kind_en(kind), text);
	else
		snprintf(msg, sizeof msg, "读取本地数据失败 cannot read the local database: %s",
			 bs_strerror(rv));
	set_error(err, "", msg);
	return rv;
}

int form_hash_file(void *ctx, const char *text, struct form_file *out, struct rec_error *err)
{
	struct stat st;
	char *real = NULL, msg[sizeof err->msg];
	uint64_t total = 0;
	int fd, rv;
	(void)ctx;

	memset(out, 0, sizeof *out);
	msg[0] = '\0';
	if (strlen(text) >= PATH_MAX) {
		set_error(err, "", "文件路径过长 file path too long");
		return BS_E_TOOBIG;
	}
	/* O_NONBLOCK: a FIFO named by mistake must not hang. */
	fd = open(text, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		snprintf(msg, sizeof msg, "无法打开文件 cannot open file %.80s: %s", text,
			 strerror(errno));
		set_error(err, "", msg);
		return BS_E_NOTFOUND;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(msg, sizeof msg, "文件不是普通文件 file %.80s is not a regular file", text);
		rv = BS_E_INVAL;
	} else if ((uint64_t)st.st_size > BS_MAX_FILE_BYTES) {
		snprintf(msg, sizeof msg, "文件过大 file %.80s is %llu MiB; the limit is %llu MiB",
			 text, (unsigned long long)st.st_size >> 20,
			 (unsigned long long)(BS_MAX_FILE_BYTES >> 20));
		rv = BS_E_TOOBIG;
	} else if (!(real = realpath(text, NULL)) || strlen(real) >= 4096) {
		snprintf(msg, sizeof msg, "无法确定文件路径 cannot resolve the path of %.80s", text);
		rv = BS_E_NOTFOUND;
	} else {
		rv = filehash_fd(fd, BS_MAX_FILE_BYTES, out->hash, &total);
		if (rv == BS_E_TOOBIG)
			snprintf(msg, sizeof msg, "文件过大 file %.80s grew over the %llu MiB limit",
				 text, (unsigned long long)(BS_MAX_FILE_BYTES >> 20));
		else if (rv == BS_E_IO)
			snprintf(msg, sizeof msg, "读取文件失败 cannot read file %.80s: %s", text,
				 strerror(errno));
		else if (rv == BS_OK && total == 0) {
			snprintf(msg, sizeof msg, "文件是空文件 file %.80s is empty", text);
			rv = BS_E_INVAL;
		}
	}
	close(fd);
	if (rv != BS_OK) {
		free(real);
		set_error(err, "", msg[0] ? msg : bs_strerror(rv));
		return rv;
	}
	out->path = real;
	out->size = total;
	out->arg = text;
	return BS_OK;
}

/* ---- setting fields ------------------------------------------------------------------- */

/* The message for a number a kind's field wants, where it says more than
 * "a number". */
static const char *uint_message(const char *kind, const ProtobufCFieldDescriptor *f)
{
	if (strcmp(kind, REC_KIND_PROJECT) == 0 && strcmp(f->name, "plan_year") == 0)
		return "应为年份，如 2026";
	if (strcmp(kind, REC_KIND_WEEKLY) == 0 && strcmp(f->name, "progress_percent") == 0)
		return "应为 0 至 100 的整数";
	return "应为非负整数";
}

/* Set the single field f of m from text s (kept alive by the caller or the
 * pool).  err names `name` (the field, or the repeated field an entry
 * belongs to). */
static int set_scalar(struct form *fm, void *m, const ProtobufCFieldDescriptor *f,
		      const char *s, const char *name, struct rec_error *err)
{
	int64_t v = 0;
	int e = 0, rv;
	char msg[sizeof err->msg];

	switch (field_kind(f)) {
	case FK_TEXT: {
		const char *kind = field_ref_kind(f);
		if (kind && *s) {
			char uid[LDB_UID_MAX + 1];
			if (!fm->db)
				return set_error(err, name, "无法查找记录 no records to look in");
			if ((rv = fm->ref(fm->cb_ctx, fm->db, kind, s, uid, err)) != BS_OK) {
				if (err->msg[0] && !err->field[0])
					snprintf(err->field, sizeof err->field, "%s", name);
				return rv;
			}
			if (!(s = form_strdup(fm, uid)))
				return BS_E_NOMEM;
		}
		*(const char **)field_ptr(m, f) = s;
		return BS_OK;
	}
	case FK_MONEY:
		if (money_parse_wan(s, &v) != BS_OK)
			return set_error(err, name, "金额应为万元，最多两位小数，如 1234.56");
		break;
	case FK_BP:
		if (form_parse_bp(s, &v) != BS_OK)
			return set_error(err, name, "应为基点整数（1500 即 15%）或百分数，如 15%");
		break;
	case FK_SINT:
		if (form_parse_sint(s, field_is_64(f) ? INT64_MIN : INT32_MIN,
				    field_is_64(f) ? INT64_MAX : INT32_MAX, &v) != BS_OK)
			return set_error(err, name, "应为整数");
		break;
	case FK_UINT: {
		unsigned long long u;
		if (cli_parse_uint(s, 0, field_is_64(f) ? UINT64_MAX : UINT32_MAX, &u) != BS_OK)
			return set_error(err, name, uint_message(fm->kind, f));
		if (field_is_64(f))
			*(uint64_t *)field_ptr(m, f) = u;
		else
			*(uint32_t *)field_ptr(m, f) = (uint32_t)u;
		field_mark_has(m, f);
		return BS_OK;
	}
	case FK_BOOL:
		if (form_parse_bool(s, &e) != BS_OK)
			return set_error(err, name, "应为 是 或 否");
		*(protobuf_c_boolean *)field_ptr(m, f) = e;
		field_mark_has(m, f);
		return BS_OK;
	case FK_ENUM:
		if (!*s) {
			e = 0;
		} else if (f->descriptor == &baosong__v1__project_stage__descriptor) {
			if (form_stage_parse(s, &e) != BS_OK)
				return set_error(err, name, "未知的项目阶段");
		} else if (field_enum_parse(f->descriptor, s, &e) != BS_OK) {
			snprintf(msg, sizeof msg, "未知的%s“%.40s”", field_zh(fm->kind, f->name), s);
			return set_error(err, name, msg);
		}
		*(int *)field_ptr(m, f) = e;
		field_mark_has(m, f);
		return BS_OK;
	case FK_HASH: {
		struct form_file *ff;
		ProtobufCBinaryData *b = field_ptr(m, f);
		if (fm->nfiles == REC_ATTACH_MAX) {
			snprintf(msg, sizeof msg, "文件过多，每条记录最多 %u 个", REC_ATTACH_MAX);
			set_error(err, name, msg);
			return BS_E_TOOBIG;
		}
		ff = &fm->files[fm->nfiles];
		if ((rv = fm->file(fm->cb_ctx, s, ff, err)) != BS_OK) {
			if (err->msg[0] && !err->field[0])
				snprintf(err->field, sizeof err->field, "%s", name);
			return rv;
		}
		fm->nfiles++;
		b->data = ff->hash;
		b->len = LDB_HASH_LEN;
		field_mark_has(m, f);
		return BS_OK;
	}
	default:
		return set_error(err, name, "不能在命令行填写 cannot be given on the command line");
	}
	if (field_is_64(f))
		*(int64_t *)field_ptr(m, f) = v;
	else
		*(int32_t *)field_ptr(m, f) = (int32_t)v;
	field_mark_has(m, f);
	return BS_OK;
}

/* Whether entries a and b have the same key (their first field). */
static int same_key(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
	const ProtobufCFieldDescriptor *kf = &a->descriptor->fields[0];
	char x[CELL_MAX], y[CELL_MAX];
	field_format("", a, kf, FMT_CSV, x, sizeof x);
	field_format("", b, kf, FMT_CSV, y, sizeof y);
	return strcmp(x, y) == 0;
}

/* Parse "KEY=VALUE" into a new entry of repeated field f; with nothing
 * after '=', *remove is set and the entry holds only its key. */
static int item_parse(struct form *fm, const ProtobufCFieldDescriptor *f, const char *s,
		      ProtobufCMessage **out, int *remove, struct rec_error *err)
{
	const ProtobufCMessageDescriptor *d = f->descriptor;
	const ProtobufCFieldDescriptor *kf = &d->fields[0], *vf = &d->fields[1];
	const ProtobufCFieldDescriptor *nf = field_named(d, "name");
	const char *eq = strchr(s, '=');
	ProtobufCMessage *e;
	char *key, *val, msg[sizeof err->msg];
	int rv;

	if (!eq || eq == s) {
		snprintf(msg, sizeof msg, "格式应为 %s=%s，如 %s", field_zh("", kf->name),
			 field_zh("", vf->name),
			 strcmp(f->name, "funds") == 0      ? "2026-10=120.5"
			 : strcmp(f->name, "evidence") == 0 ? "permit=许可证.pdf"
							    : "专项债券=500");
		return set_error(err, f->name, msg);
	}
	if (!(e = form_alloc(fm, d->sizeof_message)) ||
	    !(key = form_strndup(fm, s, (size_t)(eq - s))))
		return BS_E_NOMEM;
	protobuf_c_message_init(d, e);
	if ((rv = set_scalar(fm, e, kf, key, f->name, err)) != BS_OK)
		return rv;
	*remove = eq[1] == '\0';
	if (!*remove) {
		if (!(val = form_strdup(fm, eq + 1)))
			return BS_E_NOMEM;
		if ((rv = set_scalar(fm, e, vf, val, f->name, err)) != BS_OK)
			return rv;
		/* A file keeps the name the unit knows it by. */
		if (field_kind(vf) == FK_HASH && nf && nf != kf && field_kind(nf) == FK_TEXT) {
			const char *base = strrchr(val, '/');
			base = base ? base + 1 : val;
			*(const char **)field_ptr(e, nf) = base;
		}
	}
	*out = e;
	return BS_OK;
}

/* Apply the values given for repeated message field f: replace entries
 * with the same key, remove those given as KEY=, append the rest. */
static int apply_items(struct form *fm, void *m, const ProtobufCFieldDescriptor *f,
		       const struct form_assign *as, size_t nas, struct rec_error *err)
{
	ProtobufCMessage **old = *(ProtobufCMessage ***)field_ptr(m, f), **arr;
	size_t n = *field_count(m, f), given = 0, i, k;
	int rv;

	for (i = 0; i < nas; i++)
		given += as[i].f == f;
	if (!(arr = form_alloc(fm, (n + given) * sizeof *arr)))
		return BS_E_NOMEM;
	for (i = 0; i < n; i++)
		arr[i] = old[i];
	for (i = 0; i < nas; i++) {
		ProtobufCMessage *e = NULL;
		int remove = 0;
		if (as[i].f != f)
			continue;
		if ((rv = item_parse(fm, f, as[i].value, &e, &remove, err)) != BS_OK)
			return rv;
		for (k = 0; k < n && !same_key(arr[k], e); k++)
			;
		if (remove) {
			if (k < n) {
				memmove(&arr[k], &arr[k + 1], (n - k - 1) * sizeof *arr);
				n--;
			}
		} else if (k < n) {
			arr[k] = e;
		} else {
			arr[n++] = e;
		}
	}
	*(ProtobufCMessage ***)field_ptr(m, f) = arr;
	*field_count(m, f) = n;
	return BS_OK;
}

/* Repeated strings given replace the list; a single empty value clears it. */
static int apply_texts(struct form *fm, void *m, const ProtobufCFieldDescriptor *f,
		       const struct form_assign *as, size_t nas)
{
	const char **arr;
	size_t given = 0, n = 0, i;
	for (i = 0; i < nas; i++)
		given += as[i].f == f;
	if (!(arr = form_alloc(fm, given * sizeof *arr)))
		return BS_E_NOMEM;
	for (i = 0; i < nas; i++)
		if (as[i].f == f && as[i].value[0])
			arr[n++] = as[i].value;
	*(const char ***)field_ptr(m, f) = arr;
	*field_count(m, f) = n;
	return BS_OK;
}

int form_apply(struct form *fm, ProtobufCMessage *m, const struct form_assign *as, size_t nas,
	       struct rec_error *err)
{
	size_t i, j;
	int rv;

	assert(fm && fm->desc && m && m->descriptor == fm->desc && (as || nas == 0) && err);
	memset(err, 0, sizeof *err);
	for (i = 0; i < fm->desc->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &fm->desc->fields[i];
		enum fk k = field_kind(f);
		if (k == FK_ITEMS || k == FK_TEXTS) {
			for (j = 0; j < nas && as[j].f != f; j++)
				;
			if (j == nas)
				continue;
			rv = k == FK_ITEMS ? apply_items(fm, m, f, as, nas, err)
					   : apply_texts(fm, m, f, as, nas);
			if (rv != BS_OK)
				return rv;
			continue;
		}
		for (j = 0; j < nas; j++)
			if (as[j].f == f &&
			    (rv = set_scalar(fm, m, f, as[j].value, f->name, err)) != BS_OK)
				return rv;
	}
	return BS_OK;
}

int form_set(struct form *fm, ProtobufCMessage *m, const char *field, const char *text,
	     struct rec_error *err)
{
	struct form_assign a;
	char *copy;
	assert(fm && fm->desc && field && text && err);
	memset(err, 0, sizeof *err);
	a.f = form_error_field(fm->desc, field);
	if (!a.f || field_kind(a.f) == FK_NONE || field_kind(a.f) == FK_HASH)
		return set_error(err, field, "没有这一项 no such field");
	if (!(copy = form_strdup(fm, text)))
		return BS_E_NOMEM;
	a.value = copy;
	return form_apply(fm, m, &a, 1, err);
}

void form_attachments(const ProtobufCMessage *m, const struct lrecord *old,
		      uint8_t att[][LDB_HASH_LEN], size_t *natt)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	size_t i, j, k, n = 0;
	int has_files = 0;

	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		ProtobufCMessage **v;
		const ProtobufCFieldDescriptor *vf;
		if (field_kind(f) != FK_ITEMS)
			continue;
		vf = &((const ProtobufCMessageDescriptor *)f->descriptor)->fields[1];
		if (field_kind(vf) != FK_HASH)
			continue;
		has_files = 1;
		v = *(ProtobufCMessage ***)field_ptr(m, f);
		for (j = 0; j < *field_count(m, f); j++) {
			const ProtobufCBinaryData *b = field_ptr(v[j], vf);
			if (b->len != LDB_HASH_LEN)
				continue;
			for (k = 0; k < n && memcmp(att[k], b->data, LDB_HASH_LEN) != 0; k++)
				;
			if (k == n && n < REC_ATTACH_MAX)
				memcpy(att[n++], b->data, LDB_HASH_LEN);
		}
	}
	if (!has_files && old)
		for (k = 0; k < old->n_attachments && n < REC_ATTACH_MAX; k++)
			memcpy(att[n++], old->attachments[k], LDB_HASH_LEN);
	*natt = n;
}
