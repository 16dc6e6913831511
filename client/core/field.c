/* field.c - the record kinds' fields, read and written through their
 * protobuf-c descriptors (see field.h). */
#include "field.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "money.h"
#include "period.h"
#include "records.h"
#include "wire.h"

#define UID_SHOW 8
#define DECODE_MAX (256u * 1024u) /* protobuf-c memory for one record, at least */
#define DECODE_RATIO 40u          /* ... or this many times its encoded size */

/* ---- labels -------------------------------------------------------------------- */

/* Chinese names of fields: the full one (help, show, CSV) and a short one
 * for table headers.  kind NULL: any kind (after the kind's own). */
static const struct flabel {
	const char *kind, *field, *zh, *brief;
} flabels[] = {
	{NULL, "project_uid", "所属项目", "项目"},
	{NULL, "note", "备注", "备注"},
	{REC_KIND_APPROVAL, "item", "手续事项", "事项"},
	{REC_KIND_APPROVAL, "level", "审批层级", "层级"},
	{REC_KIND_APPROVAL, "deadline", "办结时限", "时限"},
	{REC_KIND_APPROVAL, "status", "办理状态", "状态"},
	{REC_KIND_APPROVAL, "done_date", "办结日期", "办结日期"},
	{REC_KIND_MONTHLY, "period", "月份", "月份"},
	{NULL, "invested_period_fen", "本期完成投资", "本期(万元)"},
	{NULL, "invested_ytd_fen", "本年累计完成投资", "本年累计"},
	{NULL, "invested_total_fen", "开工累计完成投资", "开工累计"},
	{NULL, "progress", "形象进度", "形象进度"},
	{NULL, "progress_percent", "形象进度百分比", "进度"},
	{NULL, "problems", "存在问题", "存在问题"},
	{REC_KIND_STATS, "status", "入库状态", "入库状态"},
	{NULL, "evidence", "佐证材料", "佐证"},
	{NULL, "partner", "签约企业", "签约企业"},
	{NULL, "sector", "所属行业", "行业"},
	{NULL, "contract_fen", "签约金额", "签约(万元)"},
	{REC_KIND_DEAL, "stage", "推进阶段", "阶段"},
	{NULL, "signed_date", "签约日期", "签约日期"},
	{NULL, "funds", "到位资金", "到位(万元)"},
	{NULL, "channel", "争取渠道", "渠道"},
	{REC_KIND_FUNDING, "title", "申报事项", "申报事项"},
	{NULL, "applied_fen", "申报金额", "申报(万元)"},
	{NULL, "approved_fen", "下达金额", "下达"},
	{NULL, "arrived_fen", "到位金额", "到位"},
	{REC_KIND_FUNDING, "status", "申报状态", "状态"},
	{NULL, "applied_date", "申报日期", "申报日期"},
	{REC_KIND_PROBLEM, "category", "问题类别", "类别"},
	{NULL, "description", "问题描述", "问题"},
	{NULL, "raised_by", "提出人", "提出人"},
	{NULL, "assigned_unit", "责任单位", "责任单位"},
	{REC_KIND_PROBLEM, "deadline", "解决时限", "时限"},
	{REC_KIND_PROBLEM, "status", "问题状态", "状态"},
	{NULL, "resolution", "解决情况", "解决情况"},
	{NULL, "resolved_date", "解决日期", "解决日期"},
	{NULL, "unit_code", "单位代码", "单位"},
	{REC_KIND_TARGET, "period", "考核期间", "期间"},
	{NULL, "fai_fen", "固定资产投资任务", "固投任务"},
	{NULL, "growth_bp", "同比增长目标", "同比"},
	{NULL, "new_starts", "新开工项目数", "新开工"},
	{NULL, "attraction_fen", "招商引资到位资金", "招商到位"},
	{NULL, "upward_fen", "向上争取资金", "向上争取"},
	{REC_KIND_LEADER, "name", "姓名", "姓名"},
	{REC_KIND_LEADER, "title", "职务", "职务"},
	{NULL, "phone", "联系电话", "电话"},
	{REC_KIND_UNIT, "code", "单位代码", "代码"},
	{REC_KIND_UNIT, "name", "单位名称", "单位名称"},
	{REC_KIND_UNIT, "type", "单位类型", "类型"},
	{REC_KIND_UNIT, "region", "行政区划代码", "区划"},
	{REC_KIND_ACCEPTANCE, "project_uid", "项目", "项目"},
	{REC_KIND_ACCEPTANCE, "year", "考核年度", "年度"},
	{REC_KIND_ACCEPTANCE, "result", "验收结果", "结果"},
	{REC_KIND_ACCEPTANCE, "date", "验收日期", "验收日期"},
	{REC_KIND_PROJECT, "responsible_units", "责任单位", "责任单位"},
	{REC_KIND_PROJECT, "funding", "资金来源", "资金来源"},
	{REC_KIND_PROJECT, "nature", "建设性质", "性质"},
	{REC_KIND_PROJECT, "location", "建设地点", "地点"},
	{REC_KIND_ADJUSTMENT, "period", "考核期间", "期间"},
	{REC_KIND_ADJUSTMENT, "item", "加减分项", "项目"},
	{REC_KIND_ADJUSTMENT, "count", "次数", "次数"},
	{REC_KIND_ADJUSTMENT, "reason", "事由", "事由"},
	{REC_KIND_ADJUSTMENT, "evidence", "佐证材料", "佐证"},
	{REC_KIND_PUBLICATION, "scope", "考核类别", "类别"},
	{REC_KIND_PUBLICATION, "period", "考核期间", "期间"},
	{REC_KIND_PUBLICATION, "title", "标题", "标题"},
	{REC_KIND_PUBLICATION, "scheme_year", "考核方案年度", "方案年度"},
	{REC_KIND_PUBLICATION, "scheme_version", "考核方案版本", "方案版本"},
	{REC_KIND_PUBLICATION, "indicators", "考核指标", "指标"},
	{REC_KIND_PUBLICATION, "grades", "等级划分(分)", "等级"},
	{REC_KIND_PUBLICATION, "published_at_ms", "发布时间", "发布时间"},
	{REC_KIND_PUBLICATION, "as_of_ms", "统计截至", "统计截至"},
	{REC_KIND_PUBLICATION, "results", "各单位名次", "单位数"},
	{REC_KIND_PUBLICATION, "digest", "摘要", "摘要"},
	{REC_KIND_PUBLICATION, "number", "发布编号", "编号"},
	/* fields of repeated entries */
	{NULL, "month", "月份", "月份"},
	{NULL, "amount_fen", "金额", "金额"},
	{NULL, "source", "资金来源", "来源"},
	{NULL, "kind", "材料类别", "类别"},
	{NULL, "hash", "文件摘要", "摘要"},
	{NULL, "name", "名称", "名称"},
	/* derived columns */
	{NULL, "@project", "项目名称", "项目名称"},
	{NULL, "@overdue", "是否逾期", "逾期"},
	{NULL, "@complete", "佐证是否齐全", "佐证齐全"},
};

static const struct flabel *flabel_find(const char *kind, const char *field)
{
	size_t i;
	for (i = 0; i < sizeof flabels / sizeof flabels[0]; i++)
		if (flabels[i].kind && strcmp(flabels[i].kind, kind) == 0 &&
		    strcmp(flabels[i].field, field) == 0)
			return &flabels[i];
	for (i = 0; i < sizeof flabels / sizeof flabels[0]; i++)
		if (!flabels[i].kind && strcmp(flabels[i].field, field) == 0)
			return &flabels[i];
	return NULL;
}

const char *field_zh(const char *kind, const char *field)
{
	const struct flabel *l = flabel_find(kind, field);
	const char *zh, *opt;
	if (l && l->kind)
		return l->zh;
	/* project and weekly report fields: the labels their commands use */
	if (record_field_label(kind, field, &zh, &opt))
		return zh;
	return l ? l->zh : field;
}

const char *field_brief(const char *kind, const char *field)
{
	const struct flabel *l = flabel_find(kind, field);
	return l ? l->brief : field;
}

const char *field_kind_zh(const char *kind)
{
	const struct rec_kind *k = records_kind(kind);
	return k ? k->label_zh : "记录";
}

/* What to show of a record to name it in messages: its fields, "@project"
 * for the name of the project it names. */
static const struct summary {
	const char *kind;
	const char *fields[3];
} summaries[] = {
	{REC_KIND_PROJECT, {"name", NULL, NULL}},
	{REC_KIND_WEEKLY, {"period", "@project", NULL}},
	{REC_KIND_MONTHLY, {"period", "@project", NULL}},
	{REC_KIND_APPROVAL, {"item", "@project", NULL}},
	{REC_KIND_STATS, {"@project", NULL, NULL}},
	{REC_KIND_DEAL, {"partner", NULL, NULL}},
	{REC_KIND_FUNDING, {"title", NULL, NULL}},
	{REC_KIND_PROBLEM, {"description", "@project", NULL}},
	{REC_KIND_TARGET, {"unit_code", "period", NULL}},
	{REC_KIND_LEADER, {"name", NULL, NULL}},
	{REC_KIND_UNIT, {"name", NULL, NULL}},
	{REC_KIND_ACCEPTANCE, {"year", "result", "@project"}},
	{REC_KIND_PUBLICATION, {"title", "period", NULL}},
	{REC_KIND_ADJUSTMENT, {"unit_code", "period", "item"}},
};

/* The review state in a word: 待审 / 退回 / 已通过 / 锁定, "" for none. */
const char *field_review_word(const struct lrecord *r)
{
	/* What this device must act on comes first. */
	if (r->refused)
		return "被拒";
	if (r->conflicted)
		return "冲突";
	if (r->review_status == BAOSONG__V1__REVIEW_STATUS__REVIEW_APPROVED)
		return "已通过";
	if (r->locked)
		return "锁定";
	if (r->review_status == BAOSONG__V1__REVIEW_STATUS__REVIEW_RETURNED)
		return "退回";
	if (r->review_status == BAOSONG__V1__REVIEW_STATUS__REVIEW_SUBMITTED)
		return "待审";
	return "";
}

int field_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* "2026-11-23 17:03" in Shanghai time. */
void field_format_time(int64_t ms, char *out, size_t cap)
{
	int64_t days = period_local_days(ms);
	int64_t min = (ms + SHANGHAI_OFFSET_MS - days * DAY_MS) / 60000;
	char date[11];
	period_format_date(days, date);
	snprintf(out, cap, "%s %02d:%02d", date, (int)(min / 60), (int)(min % 60));
}

/* ---- fields, generically ---------------------------------------------------------- */

int field_is_64(const ProtobufCFieldDescriptor *f)
{
	return f->type == PROTOBUF_C_TYPE_INT64 || f->type == PROTOBUF_C_TYPE_SINT64 ||
	       f->type == PROTOBUF_C_TYPE_SFIXED64 || f->type == PROTOBUF_C_TYPE_UINT64 ||
	       f->type == PROTOBUF_C_TYPE_FIXED64;
}

enum fk field_kind(const ProtobufCFieldDescriptor *f)
{
	int rep = f->label == PROTOBUF_C_LABEL_REPEATED;
	if (f->type == PROTOBUF_C_TYPE_STRING)
		return rep ? FK_TEXTS : FK_TEXT;
	if (f->type == PROTOBUF_C_TYPE_MESSAGE)
		return rep && f->descriptor &&
			       ((const ProtobufCMessageDescriptor *)f->descriptor)->n_fields >= 2
			       ? FK_ITEMS
			       : FK_NONE;
	if (rep)
		return FK_NONE;
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return field_ends_with(f->name, "_fen") ? FK_MONEY : FK_SINT;
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return field_ends_with(f->name, "_bp") ? FK_BP : FK_SINT;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return FK_UINT;
	case PROTOBUF_C_TYPE_BOOL:
		return FK_BOOL;
	case PROTOBUF_C_TYPE_ENUM:
		return FK_ENUM;
	case PROTOBUF_C_TYPE_BYTES:
		return FK_HASH;
	default:
		return FK_NONE;
	}
}

/* The option for f: "applied_fen" -> "applied", "done_date" -> "done-date". */
void field_opt(const ProtobufCFieldDescriptor *f, char *out, size_t cap)
{
	size_t n = strlen(f->name), i;
	if (field_kind(f) == FK_MONEY)
		n -= 4;
	if (n >= cap)
		n = cap - 1;
	for (i = 0; i < n; i++)
		out[i] = f->name[i] == '_' ? '-' : f->name[i];
	out[n] = '\0';
}

/* The kind a field *_uid refers to ("project_uid" -> project), or NULL. */
const char *field_ref_kind(const ProtobufCFieldDescriptor *f)
{
	char k[LDB_KIND_MAX + 1];
	size_t n = strlen(f->name);
	const struct rec_kind *rk;
	if (f->type != PROTOBUF_C_TYPE_STRING || !field_ends_with(f->name, "_uid") ||
	    n - 4 > LDB_KIND_MAX)
		return NULL;
	memcpy(k, f->name, n - 4);
	k[n - 4] = '\0';
	rk = records_kind(k);
	return rk ? rk->name : NULL;
}

void *field_ptr(const void *m, const ProtobufCFieldDescriptor *f)
{
	return (char *)(uintptr_t)m + f->offset;
}

size_t *field_count(const void *m, const ProtobufCFieldDescriptor *f)
{
	return (size_t *)(void *)((char *)(uintptr_t)m + f->quantifier_offset);
}

/* proto2-style optional fields carry a has_ flag. */
void field_mark_has(void *m, const ProtobufCFieldDescriptor *f)
{
	if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset &&
	    f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)
		*(protobuf_c_boolean *)(void *)((char *)m + f->quantifier_offset) = 1;
}

const char *field_text(const void *m, const ProtobufCFieldDescriptor *f)
{
	const char *s = *(char **)field_ptr(m, f);
	return s ? s : "";
}

int64_t field_sint(const void *m, const ProtobufCFieldDescriptor *f)
{
	if (field_is_64(f))
		return *(int64_t *)field_ptr(m, f);
	return *(int32_t *)field_ptr(m, f);
}

uint64_t field_uint(const void *m, const ProtobufCFieldDescriptor *f)
{
	if (field_is_64(f))
		return *(uint64_t *)field_ptr(m, f);
	return *(uint32_t *)field_ptr(m, f);
}

int field_enum(const void *m, const ProtobufCFieldDescriptor *f)
{
	return *(int *)field_ptr(m, f);
}

const ProtobufCFieldDescriptor *field_named(const ProtobufCMessageDescriptor *d,
					    const char *name)
{
	return protobuf_c_message_descriptor_get_field_by_name(d, name);
}

/* The English short names of an enum's values come after a prefix all its
 * named values share ("APPROVAL_" of APPROVAL_COUNTY, APPROVAL_CITY ...). */
static size_t enum_prefix_len(const ProtobufCEnumDescriptor *d)
{
	const char *first = NULL;
	size_t n = 0, i, k;
	for (i = 0; i < d->n_values; i++) {
		const char *name = d->values[i].name;
		if (d->values[i].value == 0)
			continue;
		if (!first) {
			first = name;
			n = strlen(name);
			continue;
		}
		for (k = 0; k < n && name[k] == first[k]; k++)
			;
		n = k;
	}
	while (first && n > 0 && first[n - 1] != '_')
		n--;
	return n;
}

/* The enums' labels and words live in common/records.c (shared with the
 * server); these keep the client's call sites short. */
const char *field_enum_label(const ProtobufCEnumDescriptor *d, int value)
{
	return records_enum_label(d, value);
}

int field_enum_parse(const ProtobufCEnumDescriptor *d, const char *text, int *value)
{
	return records_enum_parse(d, text, value);
}

/* "县级 市级 省级 国家级 (county city province national)" */
void field_enum_choices(const ProtobufCEnumDescriptor *d, char *out, size_t cap)
{
	size_t plen = enum_prefix_len(d), i, k, used = 0;
	int pass;
	out[0] = '\0';
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && used + 2 < cap)
			used += (size_t)snprintf(out + used, cap - used, " (");
		for (i = 0; i < d->n_values && used < cap; i++) {
			const ProtobufCEnumValue *v = &d->values[i];
			const char *zh = field_enum_label(d, v->value);
			char en[64];
			if (v->value == 0)
				continue;
			if (pass == 0) {
				used += (size_t)snprintf(out + used, cap - used, "%s%s",
							 used ? " " : "", zh ? zh : v->name);
				continue;
			}
			for (k = 0; v->name[plen + k] && k + 1 < sizeof en; k++) {
				char c = v->name[plen + k];
				en[k] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
			}
			en[k] = '\0';
			used += (size_t)snprintf(out + used, cap - used, "%s%s",
						 out[used - 1] == '(' ? "" : " ", en);
		}
		if (used >= cap)
			break;
	}
	if (used + 1 < cap)
		snprintf(out + used, cap - used, ")");
}

/* ---- formatting a field ---------------------------------------------------------- */

static void fmt_bp(int64_t bp, char *out, size_t cap)
{
	int64_t a = bp < 0 ? -bp : bp;
	snprintf(out, cap, "%s%lld.%02lld%%", bp < 0 ? "-" : "", (long long)(a / 100),
		 (long long)(a % 100));
}

/* Centi-points (scores: 8520 = 85.20 分) with two decimals. */
static void fmt_centi(int64_t c, char *out, size_t cap)
{
	uint64_t a = c < 0 ? 0u - (uint64_t)c : (uint64_t)c;
	snprintf(out, cap, "%s%llu.%02llu", c < 0 ? "-" : "", (unsigned long long)(a / 100),
		 (unsigned long long)(a % 100));
}

/* One entry of a repeated message: "KEY=VALUE" with labels and 万元; a
 * file shows its name (or the start of its hash). */
void field_format_item(const char *kind, const ProtobufCMessage *e, enum field_fmt mode,
		       char *out, size_t cap)
{
	const ProtobufCMessageDescriptor *d = e->descriptor;
	const ProtobufCFieldDescriptor *kf = &d->fields[0], *vf = &d->fields[1];
	const ProtobufCFieldDescriptor *nf = field_named(d, "name");
	char key[256], val[512];
	field_format(kind, e, kf, mode, key, sizeof key);
	if (field_kind(vf) == FK_HASH) {
		const ProtobufCBinaryData *b = field_ptr(e, vf);
		char hex[LDB_HASH_LEN * 2 + 1] = "";
		if (b->len == LDB_HASH_LEN)
			sodium_bin2hex(hex, sizeof hex, b->data, b->len);
		if (nf && nf != vf && field_text(e, nf)[0])
			snprintf(val, sizeof val, "%s", field_text(e, nf));
		else
			snprintf(val, sizeof val, "%.16s", hex);
	} else {
		field_format(kind, e, vf, mode, val, sizeof val);
	}
	snprintf(out, cap, "%s=%s", key, val);
}

/* Field f of m as text: enums by their Chinese label, money in 万元 with
 * two decimals.  A repeated message in a table is its sum (money) or its
 * count; elsewhere its entries joined by "；". */
void field_format(const char *kind, const void *m, const ProtobufCFieldDescriptor *f,
		  enum field_fmt mode, char *out, size_t cap)
{
	size_t i, n, used = 0;
	out[0] = '\0';
	switch (field_kind(f)) {
	case FK_TEXT:
		snprintf(out, cap, "%s", field_text(m, f));
		break;
	case FK_MONEY:
		money_format_wan(field_sint(m, f), out, cap);
		break;
	case FK_BP:
		fmt_bp(field_sint(m, f), out, cap);
		break;
	case FK_SINT:
		if (field_ends_with(f->name, "_ms") && field_sint(m, f) > 0)
			field_format_time(field_sint(m, f), out, cap);
		else if (field_ends_with(f->name, "_c"))
			fmt_centi(field_sint(m, f), out, cap);
		else
			snprintf(out, cap, "%lld", (long long)field_sint(m, f));
		break;
	case FK_UINT:
		snprintf(out, cap, "%llu", (unsigned long long)field_uint(m, f));
		break;
	case FK_BOOL:
		snprintf(out, cap, "%s", *(protobuf_c_boolean *)field_ptr(m, f) ? "是" : "否");
		break;
	case FK_ENUM: {
		int v = field_enum(m, f);
		const char *zh = field_enum_label(f->descriptor, v);
		if (v == 0)
			break; /* not given: blank, not 未指定 */
		if (zh)
			snprintf(out, cap, "%s", zh);
		else
			snprintf(out, cap, "%d", v);
		break;
	}
	case FK_TEXTS: {
		char **v = *(char ***)field_ptr(m, f);
		n = *field_count(m, f);
		for (i = 0; i < n && used < cap; i++)
			used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? "、" : "",
						 v[i] ? v[i] : "");
		break;
	}
	case FK_ITEMS: {
		ProtobufCMessage **v = *(ProtobufCMessage ***)field_ptr(m, f);
		const ProtobufCMessageDescriptor *d = f->descriptor;
		n = *field_count(m, f);
		if (mode == FMT_TABLE) {
			if (field_kind(&d->fields[1]) == FK_MONEY) {
				int64_t sum = 0;
				for (i = 0; i < n; i++) {
					int64_t x = field_sint(v[i], &d->fields[1]);
					if (x > 0 && sum <= MONEY_MAX_FEN)
						sum += x;
				}
				money_format_wan(sum, out, cap);
			} else {
				snprintf(out, cap, "%zu", n);
			}
			break;
		}
		for (i = 0; i < n && used < cap; i++) {
			char item[600];
			field_format_item(kind, v[i], mode, item, sizeof item);
			used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? "；" : "",
						 item);
		}
		break;
	}
	case FK_HASH: {
		const ProtobufCBinaryData *b = field_ptr(m, f);
		if (b->len > 0 && b->len <= 64 && cap > b->len * 2)
			sodium_bin2hex(out, cap, b->data, b->len);
		break;
	}
	default:
		break;
	}
}

/* ---- records ------------------------------------------------------------------- */

/* Memory protobuf-c may use for data of len bytes: a publication (up to
 * REC_PUB_DATA_MAX, hundreds of units) takes more than one record. */
static size_t decode_cap(size_t len)
{
	return len > DECODE_MAX / DECODE_RATIO ? len * DECODE_RATIO : DECODE_MAX;
}

/* A record of kind uid, unpacked; NULL if absent, deleted or unreadable.
 * Free with protobuf_c_message_free_unpacked(m, &a->alloc). */
ProtobufCMessage *field_load(struct localdb *db, const char *kind, const char *uid,
			     struct wire_arena *a, struct lrecord *rec)
{
	const struct rec_kind *rk = records_kind(kind);
	ProtobufCMessage *m = NULL;
	struct lrecord r;
	if (!rk || !uid || !uid[0] || localdb_record_get(db, uid, &r) != BS_OK)
		return NULL;
	if (strcmp(r.kind, kind) == 0 && !r.deleted) {
		wire_arena_init(a, decode_cap(r.data_len));
		m = protobuf_c_message_unpack(rk->desc, &a->alloc, r.data_len, r.data);
	}
	if (m && rec) {
		*rec = r;
		return m;
	}
	lrecord_free(&r);
	return m;
}

ProtobufCMessage *field_unpack(const ProtobufCMessageDescriptor *d, const struct lrecord *r,
			       struct wire_arena *a)
{
	wire_arena_init(a, decode_cap(r->data_len));
	return protobuf_c_message_unpack(d, &a->alloc, r->data_len, r->data);
}

/* The name of project uid into out ("" if unknown). */
void field_project_name(struct localdb *db, const char *uid, char *out, size_t cap)
{
	struct wire_arena a;
	Baosong__V1__Project *p;
	out[0] = '\0';
	p = (Baosong__V1__Project *)field_load(db, REC_KIND_PROJECT, uid, &a, NULL);
	if (p) {
		snprintf(out, cap, "%s", p->name ? p->name : "");
		protobuf_c_message_free_unpacked(&p->base, &a.alloc);
	}
}

/* "月报 monthly_report 9b0e1f2a 2026-10 «城关镇污水处理厂»": the name in «» is
 * the project's, or the first summary field's for kinds without one.  m
 * may be NULL (unreadable). */
void field_describe(struct localdb *db, const struct lrecord *r, const ProtobufCMessage *m,
		    char *out, size_t cap)
{
	const struct summary *s = NULL;
	char name[REC_NAME_MAX + 1] = "", plain[REC_NAME_MAX + 64] = "";
	int by_project = 0;
	size_t i;

	for (i = 0; i < sizeof summaries / sizeof summaries[0]; i++)
		if (strcmp(summaries[i].kind, r->kind) == 0)
			s = &summaries[i];
	for (i = 0; s && i < 3 && s->fields[i]; i++)
		by_project |= strcmp(s->fields[i], "@project") == 0;
	for (i = 0; s && m && i < 3 && s->fields[i]; i++) {
		const ProtobufCFieldDescriptor *f;
		char v[REC_NAME_MAX + 1];
		if (strcmp(s->fields[i], "@project") == 0) {
			if ((f = field_named(m->descriptor, "project_uid")) != NULL)
				field_project_name(db, field_text(m, f), name, sizeof name);
			continue;
		}
		if (!(f = field_named(m->descriptor, s->fields[i])))
			continue;
		field_format(r->kind, m, f, FMT_TABLE, v, sizeof v);
		if (!v[0])
			continue;
		if (!by_project && !name[0])
			snprintf(name, sizeof name, "%s", v);
		else
			snprintf(plain + strlen(plain), sizeof plain - strlen(plain), "%s%.60s",
				 plain[0] ? " " : "", v);
	}
	snprintf(out, cap, "%s %s %.*s%s%s%s%s%s", field_kind_zh(r->kind), r->kind, UID_SHOW,
		 r->uid, plain[0] ? " " : "", plain, name[0] ? " «" : "", name, name[0] ? "»" : "");
}

/* ---- the labels of project and weekly report fields ---- */

static const struct field_label {
	const char *field, *zh, *opt;
} field_labels[] = {
	{"name", "项目名称", "--name"},
	{"code", "项目代码", "--code"},
	{"plan_year", "计划年度", "--year"},
	{"category", "项目类别", "--category"},
	{"industry_chain", "产业链", "--chain"},
	{"investment_type", "投资类型", "--investment-type"},
	{"level", "重点级别", "--level"},
	{"township", "所在乡镇", "--township"},
	{"leader", "包抓领导", "--leader"},
	{"owner", "业主单位", "--owner"},
	{"lead_unit", "牵头单位", "--lead-unit"},
	{"contents", "建设内容", "--contents"},
	{"total_investment", "总投资", "--total"},
	{"annual_plan", "年度计划投资", "--annual"},
	{"start_date", "计划开工", "--start"},
	{"end_date", "计划竣工", "--end"},
	{"stage", "项目阶段", "--stage"},
	{"project_uid", "所属项目", "--project"},
	{"period", "周次", "--week"},
	{"invested_period", "本期完成投资", "--period"},
	{"invested_ytd", "本年累计完成投资", "--ytd"},
	{"invested_total", "开工累计完成投资", "--total"},
	{"progress", "形象进度", "--progress"},
	{"progress_percent", "形象进度百分比", "--percent"},
	{"problems", "存在问题", "--problems"},
	{"photo", "现场照片", "--photo"},
};

int record_field_label(const char *kind, const char *field, const char **zh, const char **opt)
{
	char name[64];
	size_t i, n = strlen(field);
	if (strcmp(kind, REC_KIND_PROJECT) != 0 && strcmp(kind, REC_KIND_WEEKLY) != 0)
		return 0;
	if (n > 4 && strcmp(field + n - 4, "_fen") == 0)
		n -= 4;
	if (n >= sizeof name)
		return 0;
	memcpy(name, field, n);
	name[n] = '\0';
	for (i = 0; i < sizeof field_labels / sizeof field_labels[0]; i++)
		if (strcmp(field_labels[i].field, name) == 0) {
			*zh = field_labels[i].zh;
			*opt = field_labels[i].opt + 2; /* without "--" */
			return 1;
		}
	return 0;
}

int field_label_exact(const char *field, const char **zh, const char **opt)
{
	const struct field_label *l = NULL;
	size_t i;
	for (i = 0; i < sizeof field_labels / sizeof field_labels[0]; i++)
		if (strcmp(field_labels[i].field, field) == 0)
			l = &field_labels[i];
	if (!l)
		return 0;
	*zh = l->zh;
	*opt = l->opt;
	return 1;
}
