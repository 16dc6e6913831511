/* import_kinds.c - `baosong import` for the tables that are not plan
 * tables or weekly batches: targets (目标责任书) by unit and period, and any
 * other record kind (--kind approval, monthly_report, funding, problem,
 * acceptance, leader ...) by its fields' names and Chinese labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdint.h>

#include "cells.h"
#include "err.h"
#include "field.h"
#include "import_int.h"
#include "localdb.h"
#include "money.h"
#include "period.h"
#include "records.h"
#include "wire.h"

/* Targets on this device by unit and period: one record per pair. */
int im_load_target(void *ctx, const struct lrecord *r)
{
	struct import *im = ctx;
	struct wire_arena a;
	Baosong__V1__Target *t;
	int rv = BS_OK;
	wire_arena_init(&a, DECODE_MAX);
	if (!(t = baosong__v1__target__unpack(&a.alloc, r->data_len, r->data)))
		return 0;
	if (t->unit_code && t->period)
		rv = im_ix_add2(&im->targets, t->unit_code, t->period, r->uid, r->unit_id, 0);
	baosong__v1__target__free_unpacked(t, &a.alloc);
	return rv;
}

/* One row of a target table (目标责任书): a unit's tasks for a year or a
 * quarter.  One already here for the unit and period is replaced (the
 * table is the bureau's latest word) unless it says the same. */
int im_target_row(struct import *im, const struct csv_row *row)
{
	Baosong__V1__Target t = BAOSONG__V1__TARGET__INIT;
	const struct ix_entry *e;
	char uid[REC_UID_LEN + 1];
	size_t len;
	int rv;

	if (im_fill_cells(im, row, &t.base) != BS_OK)
		return BS_OK;
	if ((rv = im_pack_validate(im, row, &t.base, &len)) != BS_OK)
		return rv == BS_E_INVAL ? BS_OK : rv;
	if ((e = im_ix_find2(&im->targets, t.unit_code, t.period)) != NULL) {
		struct lrecord r;
		if (e->line) {
			char msg[200];
			snprintf(msg, sizeof msg, "与第 %u 行重复 same unit and period as line %u",
				 e->line, e->line);
			im_row_error(im, row->line, "period", msg, im_column_of(im, "period"));
			return BS_OK;
		}
		if ((rv = localdb_record_get(im->a->db, e->uid, &r)) != BS_OK)
			return rv;
		rv = r.data_len == len && !memcmp(r.data, im->pack, len);
		lrecord_free(&r);
		if (rv) {
			im->st.skipped++;
			return BS_OK;
		}
		snprintf(uid, sizeof uid, "%s", e->uid);
		if ((rv = im_queue(im, uid, e->unit_id, len)) != BS_OK)
			return rv;
		im->st.updated++;
		im->st.good++;
		return BS_OK;
	}
	records_new_uid(uid);
	if ((rv = im_queue(im, uid, im->srv.unit_id, len)) != BS_OK ||
	    (rv = im_ix_add2(&im->targets, t.unit_code, t.period, uid, im->srv.unit_id, row->line)) !=
		    BS_OK)
		return rv;
	im->st.good++;
	return BS_OK;
}


/* ---- any other kind, by its fields ---- */

/* a header without blanks, case, （）and a trailing "(万元)"-like unit */
static void header_base(const char *in, char *out, size_t cap)
{
	size_t n;
	char *open;
	cell_norm(in, out, cap);
	n = strlen(out);
	if (n && out[n - 1] == ')' && (open = strrchr(out, '(')) != NULL)
		*open = '\0';
	cell_cut_suffix(out, "万元");
}

const ProtobufCFieldDescriptor *im_kind_field(const char *kind, const char *header, int *proj)
{
	const struct rec_kind *rk = records_kind(kind);
	const ProtobufCMessageDescriptor *d = rk ? rk->desc : NULL;
	char h[HEADER_NORM_MAX], t[HEADER_NORM_MAX], opt[64];
	unsigned i;

	*proj = 0;
	if (!d)
		return NULL;
	header_base(header, h, sizeof h);
	if (!*h)
		return NULL;
	if (field_named(d, "project_uid")) {
		if (!strcmp(h, "项目代码") || !strcmp(h, "全国投资项目代码") || !strcmp(h, "project_code")) {
			*proj = 1;
			return field_named(d, "project_uid");
		}
		if (!strcmp(h, "项目名称") || !strcmp(h, "项目") || !strcmp(h, "project_name") ||
		    !strcmp(h, "project")) {
			*proj = 2;
			return field_named(d, "project_uid");
		}
	}
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char *labels[2] = {field_zh(kind, f->name), field_brief(kind, f->name)};
		size_t k;
		if (field_kind(f) == FK_NONE || field_kind(f) == FK_ITEMS || field_kind(f) == FK_HASH)
			continue;
		field_opt(f, opt, sizeof opt);
		cell_norm(opt, t, sizeof t);
		if (!strcmp(h, f->name) || !strcmp(h, t))
			return f;
		for (k = 0; k < 2; k++) {
			header_base(labels[k], t, sizeof t);
			if (*t && !strcmp(h, t))
				return f;
		}
	}
	return NULL;
}

/* Whether a text field holds a date (YYYY-MM-DD) or a month (YYYY-MM). */
static int date_field(const char *name)
{
	return field_ends_with(name, "date") || !strcmp(name, "deadline");
}

/* Cell v into field f of m; NULL or what is wrong. */
static const char *kind_cell(struct import *im, struct column *c, ProtobufCMessage *m, char *v)
{
	const ProtobufCFieldDescriptor *f = c->fd;
	int64_t x;
	uint32_t u;
	int e;

	switch (field_kind(f)) {
	case FK_TEXT:
		if (c->proj) {
			const struct ix_entry *p = im_ix_find2(&im->projects, c->proj == 1 ? "c" : "n", v);
			if (!p || p->count != 1)
				return p ? "有多个同名项目，请用项目代码 several projects have this name"
					 : "本机没有这个项目 no such project on this device";
			*(const char **)field_ptr(m, f) = p->uid;
			im->row_unit = p->unit_id;
			return NULL;
		}
		if (!strcmp(f->name, "unit_code") || !strcmp(f->name, "assigned_unit")) {
			int amb = 0;
			const char *code = unit_names_count(im->unames)
						   ? unit_names_find(im->unames, v, &amb) : v;
			if (!code)
				return amb ? "有多个单位与之对应 several units match"
					   : "找不到单位；在单位别名表 unit_aliases.csv 中加一行 no such unit";
			*(const char **)field_ptr(m, f) = code;
			return NULL;
		}
		if (date_field(f->name)) {
			int rv = cell_date(v, &x);
			if (rv != BS_OK)
				return "日期应为 2026-03-01、2026/3/1 或 2026年3月1日 a date";
			period_format_date(x, c->scratch);
			*(const char **)field_ptr(m, f) = c->scratch;
			return NULL;
		}
		if (!strcmp(f->name, "period") && !strcmp(im->kind, REC_KIND_MONTHLY)) {
			int rv = cell_date(v, &x);
			int y;
			unsigned mo, d;
			if (rv != BS_OK)
				return "月份应为 2026-04 或 2026年4月 a month";
			period_civil_from_days(x, &y, &mo, &d);
			snprintf(c->scratch, sizeof c->scratch, "%04d-%02u", y % 10000, mo % 100u);
			*(const char **)field_ptr(m, f) = c->scratch;
			return NULL;
		}
		*(const char **)field_ptr(m, f) = cell_undefuse(v);
		return NULL;
	case FK_MONEY:
		if (cell_money(v, &x) != BS_OK)
			return "金额应为万元，最多两位小数 an amount in 万元";
		*(int64_t *)field_ptr(m, f) = x;
		return NULL;
	case FK_BP: {
		int32_t bp;
		if (import_cell_growth(v, &bp) != BS_OK)
			return "应为百分数，如 15% a percentage";
		*(int32_t *)field_ptr(m, f) = bp;
		return NULL;
	}
	case FK_UINT:
		if (cell_uint(v, &u) != BS_OK)
			return "应为非负整数 a whole number";
		if (field_is_64(f))
			*(uint64_t *)field_ptr(m, f) = u;
		else
			*(uint32_t *)field_ptr(m, f) = u;
		field_mark_has(m, f);
		return NULL;
	case FK_SINT: {
		char *end;
		long long ll = strtoll(v, &end, 10);
		if (end == v || *end || ll < INT32_MIN || ll > INT32_MAX)
			return "应为整数 a whole number";
		if (field_is_64(f))
			*(int64_t *)field_ptr(m, f) = ll;
		else
			*(int32_t *)field_ptr(m, f) = (int32_t)ll;
		field_mark_has(m, f);
		return NULL;
	}
	case FK_BOOL:
		if (!strcmp(v, "是") || !strcasecmp(v, "yes") || !strcmp(v, "1"))
			*(protobuf_c_boolean *)field_ptr(m, f) = 1;
		else if (!strcmp(v, "否") || !strcasecmp(v, "no") || !strcmp(v, "0"))
			*(protobuf_c_boolean *)field_ptr(m, f) = 0;
		else
			return "应为 是 或 否 yes or no";
		field_mark_has(m, f);
		return NULL;
	case FK_ENUM:
		if (field_enum_parse(f->descriptor, v, &e) != BS_OK)
			return "不是可选的值之一 not one of the choices (`baosong KIND add --help` lists them)";
		*(int *)field_ptr(m, f) = e;
		field_mark_has(m, f);
		return NULL;
	default:
		return NULL;
	}
}

int im_kind_row(struct import *im, const struct csv_row *row)
{
	const ProtobufCMessageDescriptor *d = im->desc;
	ProtobufCMessage *m;
	char uid[REC_UID_LEN + 1];
	size_t i, len;
	int bad = 0, rv;

	if (!(m = calloc(1, d->sizeof_message)))
		return BS_E_NOMEM;
	d->message_init(m);
	im->row_unit = im->srv.unit_id;
	for (i = 0; i < im->ncols; i++) {
		struct column *c = &im->cols[i];
		char *v;
		const char *msg;
		c->value = "";
		if (!c->fd || c->spec)
			continue;
		v = i < row->n ? cell_trim(row->cells[i]) : NULL;
		c->value = v ? v : "";
		if (!v || !*v)
			continue;
		if ((msg = kind_cell(im, c, m, v)) != NULL) {
			im_row_error(im, row->line, c->fd->name, msg, c);
			bad = 1;
		}
	}
	if (bad) {
		rv = BS_OK;
		goto out;
	}
	if ((rv = im_pack_validate(im, row, m, &len)) != BS_OK) {
		rv = rv == BS_E_INVAL ? BS_OK : rv;
		goto out;
	}
	records_new_uid(uid);
	if ((rv = im_queue(im, uid, im->row_unit, len)) == BS_OK)
		im->st.good++;
out:
	/* strings point into the row and the columns: only the shell is ours */
	free(m);
	return rv;
}
