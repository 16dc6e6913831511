/* cmd_kinds_read.c - baosong KIND list and KIND show for the record kinds
 * of cmd_kinds.c: tables, CSV and one record in full, read from the local
 * database alone (filters by field, review state, overdue, late and
 * missing reports). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "bs_limits.h"
#include "cli.h"
#include "cliutil.h"
#include "csv.h"
#include "err.h"
#include "field.h"
#include "form.h"
#include "kinds.h"
#include "kinds_int.h"
#include "money.h"
#include "period.h"
#include "records.h"
#include "table.h"
#include "wire.h"

/* ---- list ----------------------------------------------------------------------------- */

/* A filter: a field and the value wanted (text: any part). */
struct filter {
	const ProtobufCFieldDescriptor *f;
	const char *text;
	int64_t sint;
	uint64_t uint;
	int e;
	char uid[LDB_UID_MAX + 1];
};

struct list_state {
	struct kwork *w;
	struct filter *filters;
	size_t nf;
	int csv, overdue, review;  /* review: 0 any, else REVIEW_* or -1 locked */
	unsigned count, unreadable;
};

static int filter_prepare(struct kwork *w, struct filter *fl, const struct form_assign *as)
{
	struct rec_error err;
	int rv;
	memset(fl, 0, sizeof *fl);
	fl->f = as->f;
	fl->text = as->value;
	memset(&err, 0, sizeof err);
	switch (field_kind(as->f)) {
	case FK_TEXT:
		if (strlen(as->value) > FILTER_MAX) {
			fprintf(stderr, "baosong: 筛选条件过长 a filter is at most %u bytes\n",
				FILTER_MAX);
			return BS_E_INVAL;
		}
		if (field_ref_kind(as->f)) {
			struct lrecord r;
			if ((rv = kw_kfind(w->a.db, field_ref_kind(as->f), as->value, &r)) != BS_OK)
				return rv;
			snprintf(fl->uid, sizeof fl->uid, "%s", r.uid);
			lrecord_free(&r);
		}
		return BS_OK;
	case FK_ENUM: {
		if (field_enum_parse(as->f->descriptor, as->value, &fl->e) != BS_OK) {
			char choices[400];
			field_enum_choices(as->f->descriptor, choices, sizeof choices);
			fprintf(stderr, "baosong: 未知的%s unknown value '%s'; choices: %s\n",
				field_zh(w->kc->kind, as->f->name), as->value, choices);
			return BS_E_INVAL;
		}
		return BS_OK;
	}
	case FK_MONEY:
		rv = money_parse_wan(as->value, &fl->sint);
		break;
	case FK_BP:
		rv = form_parse_bp(as->value, &fl->sint);
		break;
	case FK_SINT:
		rv = form_parse_sint(as->value, INT64_MIN, INT64_MAX, &fl->sint);
		break;
	case FK_UINT: {
		unsigned long long u = 0;
		rv = cli_parse_uint(as->value, 0, UINT64_MAX, &u);
		fl->uint = u;
		break;
	}
	case FK_BOOL:
		rv = form_parse_bool(as->value, &fl->e);
		break;
	default:
		rv = BS_E_INVAL;
		break;
	}
	if (rv != BS_OK) {
		char opt[48];
		field_opt(as->f, opt, sizeof opt);
		fprintf(stderr, "baosong: --%s: 值无效 not a valid %s\n", opt,
			field_zh(w->kc->kind, as->f->name));
	}
	return rv;
}

static int filter_match(const struct filter *fl, const ProtobufCMessage *m)
{
	switch (field_kind(fl->f)) {
	case FK_TEXT:
		if (fl->uid[0])
			return strcmp(field_text(m, fl->f), fl->uid) == 0;
		return strstr(field_text(m, fl->f), fl->text) != NULL;
	case FK_ENUM: return field_enum(m, fl->f) == fl->e;
	case FK_MONEY:
	case FK_BP:
	case FK_SINT: return field_sint(m, fl->f) == fl->sint;
	case FK_UINT: return field_uint(m, fl->f) == fl->uint;
	case FK_BOOL: return (*(protobuf_c_boolean *)field_ptr(m, fl->f) != 0) == (fl->e != 0);
	default: return 1;
	}
}

/* Derived column values. */
static void fmt_derived(struct kwork *w, const ProtobufCMessage *m, const char *col, int csv,
			char *out, size_t cap)
{
	out[0] = '\0';
	if (strcmp(col, "@project") == 0) {
		const ProtobufCFieldDescriptor *pf = field_named(w->desc, "project_uid");
		if (pf && field_text(m, pf)[0]) {
			field_project_name(w->a.db, field_text(m, pf), out, cap);
			if (!out[0])
				snprintf(out, cap, "(未知项目 unknown)");
		}
	} else if (strcmp(col, "@overdue") == 0 &&
		   m->descriptor == &baosong__v1__approval_item__descriptor) {
		int od = records_approval_overdue((const Baosong__V1__ApprovalItem *)m, w->now);
		snprintf(out, cap, "%s", od ? "逾期" : csv ? "否" : "");
	} else if (strcmp(col, "@complete") == 0 &&
		   m->descriptor == &baosong__v1__stats_evidence__descriptor) {
		const Baosong__V1__StatsEvidence *s = (const Baosong__V1__StatsEvidence *)m;
		const ProtobufCEnumDescriptor *d = &baosong__v1__evidence_kind__descriptor;
		size_t i, k, used;
		if (records_stats_complete(s)) {
			snprintf(out, cap, "齐全");
			return;
		}
		used = (size_t)snprintf(out, cap, "缺");
		for (i = 0; i < d->n_values && used < cap; i++) {
			int v = d->values[i].value, seen = 0;
			if (v == 0)
				continue;
			for (k = 0; k < s->n_evidence; k++)
				seen |= (int)s->evidence[k]->kind == v;
			if (!seen)
				used += (size_t)snprintf(out + used, cap - used, " %s",
							 records_enum_label(d, v));
		}
	}
}

/* Whether f is shown in 万元: money, or entries whose value is money. */
static int in_wan(const ProtobufCFieldDescriptor *f)
{
	if (field_kind(f) == FK_ITEMS)
		f = &((const ProtobufCMessageDescriptor *)f->descriptor)->fields[1];
	return field_kind(f) == FK_MONEY;
}

static void list_header(struct list_state *ls)
{
	struct kwork *w = ls->w;
	const struct kcol *col;
	size_t i;
	if (ls->csv) {
		char h[128];
		csv_begin(stdout);
		snprintf(h, sizeof h, "%s标识", w->rk->label_zh);
		csv_field(stdout, h, 1, 1);
		for (i = 0; i < w->desc->n_fields; i++) {
			const ProtobufCFieldDescriptor *f = &w->desc->fields[i];
			const char *zh = field_zh(w->kc->kind, f->name);
			if (field_kind(f) == FK_NONE)
				continue;
			if (field_ref_kind(f)) {
				snprintf(h, sizeof h, "%s标识", zh);
				csv_field(stdout, h, 0, 1);
				csv_field(stdout, field_zh("", "@project"), 0, 1);
				continue;
			}
			snprintf(h, sizeof h, "%s%s", zh, in_wan(f) ? "(万元)" : "");
			csv_field(stdout, h, 0, 1);
		}
		for (col = w->kc->cols; col->field; col++)
			if (col->field[0] == '@' && strcmp(col->field, "@project") != 0)
				csv_field(stdout, field_zh("", col->field), 0, 1);
		if (w->rk->reviewed) {
			csv_field(stdout, "审核状态", 0, 1);
			csv_field(stdout, "退回意见", 0, 1);
		}
		csv_field(stdout, "服务器收到时间", 0, 1);
		csv_field(stdout, "服务器版本", 0, 1);
		csv_field(stdout, "待发送修改", 0, 1);
		csv_end_row(stdout);
		return;
	}
	table_cell(stdout, "标识", UID_SHOW, 0);
	for (col = w->kc->cols; col->field; col++) {
		const ProtobufCFieldDescriptor *f = field_named(w->desc, col->field);
		int right = f && (field_kind(f) == FK_MONEY || field_kind(f) == FK_BP ||
				  field_kind(f) == FK_UINT || field_kind(f) == FK_SINT ||
				  field_kind(f) == FK_ITEMS);
		kw_sep();
		table_cell(stdout, field_brief(w->kc->kind, col->field), col->width, right);
	}
	if (w->rk->reviewed) {
		kw_sep();
		table_cell(stdout, "审核", REVIEW_W, 0);
	}
	fputs("  待发\n", stdout);
}

static int list_row(void *ctx, const struct lrecord *r)
{
	struct list_state *ls = ctx;
	struct kwork *w = ls->w;
	const struct kcol *col;
	struct wire_arena a;
	ProtobufCMessage *m = field_unpack(w->desc, r, &a);
	char cell[CELL_MAX], num[32];
	size_t i;

	if (!m) {
		ls->unreadable++;
		return 0;
	}
	for (i = 0; i < ls->nf; i++)
		if (!filter_match(&ls->filters[i], m))
			goto out;
	if (ls->overdue &&
	    (m->descriptor != &baosong__v1__approval_item__descriptor ||
	     !records_approval_overdue((const Baosong__V1__ApprovalItem *)m, w->now)))
		goto out;
	if (ls->review == -1 ? !r->locked
			     : ls->review > 0 && (r->review_status != ls->review ||
						  (ls->review == 1 && r->locked)))
		goto out;
	ls->count++;
	if (ls->csv) {
		csv_field(stdout, r->uid, 1, 0);
		for (i = 0; i < w->desc->n_fields; i++) {
			const ProtobufCFieldDescriptor *f = &w->desc->fields[i];
			enum fk k = field_kind(f);
			if (k == FK_NONE)
				continue;
			field_format(w->kc->kind, m, f, FMT_CSV, cell, sizeof cell);
			csv_field(stdout, cell, 0, k == FK_TEXT || k == FK_ENUM || k == FK_TEXTS ||
							k == FK_ITEMS);
			if (field_ref_kind(f)) {
				fmt_derived(w, m, "@project", 1, cell, sizeof cell);
				csv_field(stdout, cell, 0, 1);
			}
		}
		for (col = w->kc->cols; col->field; col++) {
			if (col->field[0] != '@' || strcmp(col->field, "@project") == 0)
				continue;
			fmt_derived(w, m, col->field, 1, cell, sizeof cell);
			csv_field(stdout, cell, 0, 1);
		}
		if (w->rk->reviewed) {
			csv_field(stdout, field_review_word(r), 0, 1);
			csv_field(stdout,
				  r->review_status == BAOSONG__V1__REVIEW_STATUS__REVIEW_RETURNED
					  ? r->review_comment
					  : "",
				  0, 1);
		}
		cell[0] = '\0';
		if (r->created_at > 0)
			field_format_time(r->created_at, cell, sizeof cell);
		csv_field(stdout, cell, 0, 0);
		snprintf(num, sizeof num, "%llu", (unsigned long long)r->rev);
		csv_field(stdout, num, 0, 0);
		snprintf(num, sizeof num, "%u", r->pending);
		csv_field(stdout, num, 0, 0);
		csv_end_row(stdout);
		goto out;
	}
	printf("%-*.*s", UID_SHOW, UID_SHOW, r->uid);
	for (col = w->kc->cols; col->field; col++) {
		const ProtobufCFieldDescriptor *f = NULL;
		int right = 0;
		if (col->field[0] == '@') {
			fmt_derived(w, m, col->field, 0, cell, sizeof cell);
		} else if ((f = field_named(w->desc, col->field)) != NULL) {
			enum fk k = field_kind(f);
			field_format(w->kc->kind, m, f, FMT_TABLE, cell, sizeof cell);
			right = k == FK_MONEY || k == FK_BP || k == FK_UINT || k == FK_SINT ||
				k == FK_ITEMS;
			if (strcmp(f->name, "progress_percent") == 0)
				snprintf(cell + strlen(cell), sizeof cell - strlen(cell), "%%");
		} else {
			cell[0] = '\0';
		}
		kw_sep();
		table_cell(stdout, cell, col->width, right);
	}
	if (w->rk->reviewed) {
		kw_sep();
		table_cell(stdout, field_review_word(r), REVIEW_W, 0);
	}
	fputs(r->pending ? "  *\n" : "\n", stdout);
out:
	protobuf_c_message_free_unpacked(m, &a.alloc);
	return 0;
}

static int parse_review_filter(const char *s, int *review)
{
	static const struct {
		const char *zh, *en;
		int v;
	} words[] = {{"待审", "submitted", BAOSONG__V1__REVIEW_STATUS__REVIEW_SUBMITTED},
		     {"退回", "returned", BAOSONG__V1__REVIEW_STATUS__REVIEW_RETURNED},
		     {"已通过", "approved", BAOSONG__V1__REVIEW_STATUS__REVIEW_APPROVED},
		     {"锁定", "locked", -1}};
	size_t i;
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strcmp(s, words[i].zh) == 0 || strcasecmp(s, words[i].en) == 0) {
			*review = words[i].v;
			return BS_OK;
		}
	}
	return BS_E_INVAL;
}

static void list_help(const struct kwork *w)
{
	size_t i;
	int monthly = strcmp(w->kc->kind, REC_KIND_MONTHLY) == 0;
	printf("baosong %s list [--FIELD VALUE]... [--review R] [--csv]%s\n"
	       "  The %s records (%s) on this device, newest change last: enums in Chinese,\n"
	       "  amounts in 万元, the review state (待审 awaiting review, 退回 returned, "
	       "已通过 approved,\n  锁定 locked) and * for changes not sent yet.  Each --FIELD "
	       "keeps the records\n  whose field is VALUE (text: contains it).  --csv writes "
	       "UTF-8 CSV with a byte\n  order mark, which Excel and WPS open directly.\n",
	       w->kc->cmd,
	       strcmp(w->kc->kind, REC_KIND_APPROVAL) == 0 ? " [--overdue]"
	       : monthly ? " [--late | --missing [--months N]]"
			 : "",
	       w->kc->en, w->rk->label_zh);
	for (i = 0; i < w->desc->n_fields; i++) {
		enum fk k = field_kind(&w->desc->fields[i]);
		if (k != FK_NONE && k != FK_HASH && k != FK_TEXTS && k != FK_ITEMS &&
		    !field_ends_with(w->desc->fields[i].name, "_ms"))
			kw_print_field_help(w, &w->desc->fields[i], 1);
	}
	printf("  --review R                        待审|退回|已通过|锁定 "
	       "(submitted returned approved locked)\n");
	if (strcmp(w->kc->kind, REC_KIND_APPROVAL) == 0)
		printf("  --overdue                         only items overdue: not done and past "
		       "their deadline\n");
	if (monthly)
		printf("  --late                            reports the server received after "
		       "their deadline\n                                    (12:00 on the 5th "
		       "of the next month, Beijing time)\n"
		       "  --missing                         projects in 新开工 or 续建 without a "
		       "report for one of the\n                                    last N months "
		       "whose deadline has passed\n"
		       "  --months N                        N for --missing (default %u)\n",
		       MONTHS_DEFAULT);
	printf("  --csv                             CSV for Excel/WPS\n"
	       "Example:\n  baosong %s list --csv > %s.csv\n", w->kc->cmd, w->rk->label_zh);
	if (strcmp(w->kc->kind, REC_KIND_APPROVAL) == 0)
		printf("  baosong approval list --overdue\n");
	if (monthly)
		printf("  baosong monthly list --missing --months 2\n");
}

int kw_kind_list(const struct kcmd *kc, int argc, char **argv)
{
	static const struct option extra[] = {{"csv", no_argument, 0, O_CSV},
					      {"review", required_argument, 0, O_REVIEW},
					      {"overdue", no_argument, 0, O_OVERDUE},
					      {"late", no_argument, 0, O_LATE},
					      {"missing", no_argument, 0, O_MISSING},
					      {"months", required_argument, 0, O_MONTHS},
					      {0, 0, 0, 0}};
	struct kwork w;
	struct list_state ls;
	unsigned long long months = MONTHS_DEFAULT;
	int monthly = strcmp(kc->kind, REC_KIND_MONTHLY) == 0;
	int late = 0, missing = 0, months_given = 0, c, rv;
	size_t i;

	memset(&ls, 0, sizeof ls);
	if ((rv = kw_kwork_init(&w, kc, argc)) != BS_OK)
		goto out;
	ls.w = &w;
	kw_build_opts(&w, 1, extra);
	while ((c = getopt_long(argc, argv, "d:h", w.opts, NULL)) != -1) {
		if (kw_take_field(&w, c))
			continue;
		switch (c) {
		case O_CSV: ls.csv = 1; break;
		case O_REVIEW:
			if (parse_review_filter(optarg, &ls.review) != BS_OK) {
				fprintf(stderr, "baosong: --review wants 待审 退回 已通过 锁定 "
						"(submitted returned approved locked)\n");
				rv = EX_USAGE_;
				goto usage;
			}
			break;
		case O_OVERDUE: ls.overdue = 1; break;
		case O_LATE: late = 1; break;
		case O_MISSING: missing = 1; break;
		case O_MONTHS:
			if (cli_parse_uint(optarg, 1, PERIODS_MAX, &months) != BS_OK) {
				fprintf(stderr, "baosong: --months must be 1..%u\n", PERIODS_MAX);
				rv = EX_USAGE_;
				goto usage;
			}
			months_given = 1;
			break;
		case 'd': w.dir = optarg; break;
		case 'h': list_help(&w); goto out;
		default: rv = EX_USAGE_; goto usage;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "baosong %s list: unexpected argument (see --help)\n", kc->cmd);
		rv = EX_USAGE_;
		goto usage;
	}
	if ((ls.overdue && strcmp(kc->kind, REC_KIND_APPROVAL) != 0) ||
	    ((late || missing || months_given) && !monthly) || (late && missing) ||
	    (months_given && !missing) || ((late || missing) && (w.nas || ls.review))) {
		fprintf(stderr, "baosong %s list: these options do not go together (see --help)\n",
			kc->cmd);
		rv = EX_USAGE_;
		goto usage;
	}
	if ((rv = app_open_cli(w.dir, &w.a, NULL)) != BS_OK)
		goto out;
	if (late || missing) {
		rv = kinds_report_query(w.a.db, kc->kind, late ? KINDS_LATE : KINDS_MISSING,
					(unsigned)months, ls.csv, w.now);
		goto out;
	}
	if (w.nas && !(ls.filters = calloc(w.nas, sizeof *ls.filters))) {
		rv = BS_E_NOMEM;
		goto out;
	}
	for (i = 0; i < w.nas; i++)
		if ((rv = filter_prepare(&w, &ls.filters[ls.nf++], &w.as[i])) != BS_OK)
			goto out;
	list_header(&ls);
	if ((rv = localdb_record_each(w.a.db, kc->kind, 0, list_row, &ls)) != BS_OK) {
		cli_db_error(rv);
		goto out;
	}
	if (!ls.csv)
		printf("共 %u 条%s %u %s record%s; * = 有未发送的修改 changes not sent yet\n",
		       ls.count, w.rk->label_zh, ls.count, kc->en, ls.count == 1 ? "" : "s");
	if (ls.unreadable)
		fprintf(stderr, "baosong: %u 条记录无法解析 stored records could not be read\n",
			ls.unreadable);
	rv = cli_write_error();
out:
	free(ls.filters);
	kw_kwork_free(&w);
	return cli_exit_code(rv);
usage:
	free(ls.filters);
	kw_kwork_free(&w);
	return rv;
}

/* ---- show ----------------------------------------------------------------------------- */

static void show_line(const char *label, const char *value, int multiline)
{
	static const char indent[LABEL_W + 1] = "                                  ";
	table_cell(stdout, label, LABEL_W, 0);
	table_text(stdout, value, multiline, indent);
	fputc('\n', stdout);
}

/* An entry naming a file: "施工许可证=许可证.pdf  9f86d081884c7d65", and
 * whether this device has the file. */
static void evidence_line(struct kwork *w, const ProtobufCMessage *e, const char *text,
			  char *out, size_t cap)
{
	const ProtobufCBinaryData *b = field_ptr(e, &e->descriptor->fields[1]);
	char hex[LDB_HASH_LEN * 2 + 1] = "", path[4200];
	int here = 0;
	if (b->len == LDB_HASH_LEN) {
		sodium_bin2hex(hex, sizeof hex, b->data, b->len);
		here = localdb_file_get(w->a.db, b->data, path, sizeof path, NULL) == BS_OK;
	}
	snprintf(out, cap, "%s  %.16s%s", text, hex, here ? " (本机有文件 file on this device)" : "");
}

static void show_record(struct kwork *w, const struct lrecord *r, const ProtobufCMessage *m)
{
	char label[160], cell[CELL_MAX], buf[CELL_MAX + 200], opt[48];
	const struct kcol *col;
	size_t i, j;

	show_line("标识 id", r->uid, 0);
	for (i = 0; i < w->desc->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &w->desc->fields[i];
		enum fk k = field_kind(f);
		if (k == FK_NONE)
			continue;
		field_opt(f, opt, sizeof opt);
		snprintf(label, sizeof label, "%s %s", field_zh(w->kc->kind, f->name), opt);
		if (k == FK_ITEMS) {
			ProtobufCMessage **v = *(ProtobufCMessage ***)field_ptr(m, f);
			size_t n = *field_count(m, f);
			show_line(label, n ? "" : "无 none", 0);
			for (j = 0; j < n; j++) {
				const ProtobufCMessageDescriptor *d = v[j]->descriptor;
				field_format_item(w->kc->kind, v[j], FMT_SHOW, cell, sizeof cell);
				if (field_kind(&d->fields[1]) == FK_HASH)
					evidence_line(w, v[j], cell, buf, sizeof buf);
				else
					snprintf(buf, sizeof buf, "%s%s", cell,
						 in_wan(f) ? " 万元" : "");
				show_line("", buf, 0);
			}
			continue;
		}
		field_format(w->kc->kind, m, f, FMT_SHOW, cell, sizeof cell);
		if (k == FK_MONEY)
			snprintf(cell + strlen(cell), sizeof cell - strlen(cell), " 万元");
		show_line(label, cell, k == FK_TEXT);
		if (field_ref_kind(f) && field_text(m, f)[0]) {
			fmt_derived(w, m, "@project", 0, cell, sizeof cell);
			show_line("项目名称 project", cell, 0);
		}
	}
	for (col = w->kc->cols; col->field; col++) {
		if (col->field[0] != '@' || strcmp(col->field, "@project") == 0)
			continue;
		fmt_derived(w, m, col->field, 1, cell, sizeof cell);
		snprintf(label, sizeof label, "%s", field_zh("", col->field));
		show_line(label, cell, 0);
	}
	snprintf(buf, sizeof buf, "%lld", (long long)r->unit_id);
	show_line("填报单位 unit", buf, 0);
	if (w->rk->reviewed || r->review_status || r->locked) {
		const char *word = field_review_word(r);
		snprintf(buf, sizeof buf, "%s", word[0] ? word : "未报送 not on the server yet");
		if (r->reviewed_at > 0) {
			char when[32];
			field_format_time(r->reviewed_at, when, sizeof when);
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " (%s)", when);
		}
		show_line("审核状态 review", buf, 0);
		if (r->review_status == BAOSONG__V1__REVIEW_STATUS__REVIEW_RETURNED)
			show_line("退回意见 comment", r->review_comment, 1);
	}
	if (r->created_at > 0) {
		field_format_time(r->created_at, buf, sizeof buf);
		show_line("服务器收到 received", buf, 0);
	}
	if (r->rev)
		snprintf(buf, sizeof buf, "%llu", (unsigned long long)r->rev);
	else
		snprintf(buf, sizeof buf, "0 (服务器尚未收到 not on the server yet)");
	show_line("服务器版本 server revision", buf, 0);
	if (r->pending)
		snprintf(buf, sizeof buf, "%u 项修改待发送 change%s not sent yet", r->pending,
			 r->pending == 1 ? "" : "s");
	else
		snprintf(buf, sizeof buf, "无 none (与服务器一致 in step with the server)");
	show_line("待发送 pending", buf, 0);
	field_format_time(r->updated_at, buf, sizeof buf);
	show_line("最后修改 last change", buf, 0);
}

int kw_kind_show(const struct kcmd *kc, int argc, char **argv)
{
	struct kwork w;
	struct lrecord r;
	struct wire_arena a;
	ProtobufCMessage *m = NULL;
	int have_r = 0, c, rv;

	if ((rv = kw_kwork_init(&w, kc, argc)) != BS_OK)
		goto out;
	w.opts[0] = (struct option){"dir", required_argument, 0, 'd'};
	w.opts[1] = (struct option){"help", no_argument, 0, 'h'};
	w.opts[2] = (struct option){0, 0, 0, 0};
	while ((c = getopt_long(argc, argv, "d:h", w.opts, NULL)) != -1) {
		switch (c) {
		case 'd': w.dir = optarg; break;
		case 'h':
			printf("baosong %s show ID [--dir DIR]\n"
			       "  Every field of one %s record (%s), its review state and "
			       "the reviewer's\n  comment, and whether the server has it yet.  "
			       "ID is "
			       "its id or its first %u\n  or more characters.\n"
			       "Example:\n  baosong %s show 9b0e1f\n",
			       kc->cmd, kc->en, w.rk->label_zh, UID_PREFIX_MIN, kc->cmd);
			goto out;
		default: rv = EX_USAGE_; goto usage;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "baosong %s show: give one record id (see --help)\n", kc->cmd);
		rv = EX_USAGE_;
		goto usage;
	}
	if ((rv = app_open_cli(w.dir, &w.a, NULL)) != BS_OK ||
	    (rv = kw_kfind(w.a.db, kc->kind, argv[optind], &r)) != BS_OK)
		goto out;
	have_r = 1;
	if (!(m = field_unpack(w.desc, &r, &a))) {
		fprintf(stderr, "baosong: 本地记录无法解析 the stored record %s cannot be read\n",
			r.uid);
		rv = BS_E_INVAL;
		goto out;
	}
	show_record(&w, &r, m);
	rv = cli_write_error();
out:
	if (m)
		protobuf_c_message_free_unpacked(m, &a.alloc);
	if (have_r)
		lrecord_free(&r);
	kw_kwork_free(&w);
	return cli_exit_code(rv);
usage:
	kw_kwork_free(&w);
	return rv;
}

