/* cmd_kinds.c - baosong approval, monthly, stats, deal, funding, problem,
 * target, leader, acceptance, unit and publication: every record kind
 * beyond projects and weekly reports, by one implementation driven by the
 * kinds' protobuf-c descriptors (records_kind()->desc).  Each has add,
 * edit, delete, list and show; the kinds the server publishes (unit,
 * publication) list and show only.
 *
 * A field FOO_BAR is the option --foo-bar.  Money (an int64 field named
 * *_fen) drops the suffix and is written in 万元 with up to two decimals
 * (--applied 1200.5); an enum takes its Chinese label or English short name
 * (field_enum_parse); a repeated string is given once per value; a
 * repeated message is given once per entry as KEY=VALUE, keyed by its first
 * field: --funds 2026-10=120.5 (万元), --evidence permit=FILE (the file is
 * hashed with BLAKE2b-256 and becomes one of the record's attachments, sent
 * by the next sync), --funding 专项债券=500.  On edit an entry replaces the
 * one with the same key, and KEY= with nothing after it removes it.  A
 * field naming a project (project_uid, also --project) takes the project's
 * id or a unique prefix of it.
 *
 * The rules are the client core's, shared with the web page: the text of
 * each option is turned into the field by client/core/form.c (form_apply),
 * and the role, the lock, the owner unit, one record per key, the files and
 * the queue are client/core/save.c's; this file parses the options and
 * prints.  The fields are read, formatted and labelled by
 * client/core/field.c; the queries other commands use (project flags, late
 * and missing reports, review state) are in client/cli/kinds.c.
 *
 * Every change is checked with records_validate, as the server will, for
 * this device's role and unit before it is queued.  A record a county role
 * creates for a project (problem, acceptance ...) belongs to the project's
 * unit, and the create names that unit (Op.unit_id).  Exit status: 64 usage,
 * 65 bad data (the field named), 66 no such record or file, 77 this
 * device's role may not write the kind. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "attach.h"
#include "cliutil.h"
#include "bs_limits.h"
#include "cli.h"
#include "commands.h"
#include "err.h"
#include "field.h"
#include "kinds.h"
#include "money.h"
#include "period.h"
#include "records.h"
#include "save.h"
#include "table.h"
#include "wire.h"
#include "kinds_int.h"

/* ---- the commands ------------------------------------------------------------- */

static const struct kcol approval_cols[] = {
	{"@project", 20}, {"item", 12}, {"level", 6}, {"deadline", 10}, {"status", 6},
	{"done_date", 10}, {"@overdue", 4}, {NULL, 0}};
static const struct kcol monthly_cols[] = {
	{"@project", 22}, {"period", 7}, {"invested_period_fen", 12}, {"invested_ytd_fen", 12},
	{"invested_total_fen", 12}, {"progress_percent", 4}, {NULL, 0}};
static const struct kcol stats_cols[] = {
	{"@project", 22}, {"status", 10}, {"evidence", 4}, {"@complete", 30}, {NULL, 0}};
static const struct kcol deal_cols[] = {
	{"partner", 22}, {"sector", 10}, {"contract_fen", 12}, {"stage", 4},
	{"signed_date", 10}, {"funds", 12}, {NULL, 0}};
static const struct kcol funding_cols[] = {
	{"@project", 16}, {"channel", 14}, {"title", 18}, {"applied_fen", 10},
	{"approved_fen", 10}, {"arrived_fen", 10}, {"status", 6}, {NULL, 0}};
static const struct kcol problem_cols[] = {
	{"@project", 16}, {"category", 4}, {"description", 24}, {"assigned_unit", 10},
	{"deadline", 10}, {"status", 6}, {NULL, 0}};
static const struct kcol target_cols[] = {
	{"unit_code", 12}, {"period", 7}, {"fai_fen", 12}, {"growth_bp", 8}, {"new_starts", 6},
	{"attraction_fen", 12}, {"upward_fen", 12}, {NULL, 0}};
static const struct kcol leader_cols[] = {
	{"name", 12}, {"title", 14}, {"phone", 16}, {NULL, 0}};
static const struct kcol unit_cols[] = {
	{"code", 14}, {"name", 28}, {"type", 8}, {"region", 6}, {NULL, 0}};
static const struct kcol acceptance_cols[] = {
	{"@project", 22}, {"year", 4}, {"result", 6}, {"date", 10}, {"note", 24}, {NULL, 0}};
static const struct kcol adjustment_cols[] = {
	{"unit_code", 12}, {"period", 7}, {"item", 14}, {"count", 4}, {"reason", 30},
	{"evidence", 4}, {NULL, 0}};
static const struct kcol publication_cols[] = {
	{"number", 4}, {"scope", 6}, {"period", 8}, {"title", 30}, {"results", 6},
	{"published_at_ms", 16}, {NULL, 0}};



const struct kcmd kcmds[] = {
	[K_APPROVAL] = {"approval", REC_KIND_APPROVAL, "approval item",
			"前期手续: one approval item of a project, its level, deadline and status",
			approval_cols,
			"baosong approval add --project 3fa1c2 --item 环评 --level 市级 "
			"--deadline 2026-02-20 --status 办理中", 0},
	[K_MONTHLY] = {"monthly", REC_KIND_MONTHLY, "monthly report",
		       "月报: a project's monthly progress, due by 12:00 on the 5th of the "
		       "next month",
		       monthly_cols,
		       "baosong monthly add --project 3fa1c2 --period 2026-10 "
		       "--invested-period 300 \\\n      --invested-ytd 2100 --invested-total 5200 "
		       "--progress 主体封顶 --progress-percent 60", 0},
	[K_STATS] = {"stats", REC_KIND_STATS, "statistics evidence",
		     "入库纳统: the evidence a started project needs to count in the statistics",
		     stats_cols,
		     "baosong stats add --project 3fa1c2 --status 已提交佐证 "
		     "--evidence 备案文件=备案.pdf \\\n      --evidence permit=施工许可证.jpg", 0},
	[K_DEAL] = {"deal", REC_KIND_DEAL, "investment deal",
		    "招商引资: a deal with a company, its stage and the funds in place each month",
		    deal_cols,
		    "baosong deal add --partner 某新能源有限公司 --sector 新能源 --contract 50000 "
		    "\\\n      --stage 签约 --signed-date 2026-03-18 --funds 2026-10=1200.5", 0},
	[K_FUNDING] = {"funding", REC_KIND_FUNDING, "funding application",
		       "向上争取: money applied for from higher levels: applied, approved, arrived",
		       funding_cols,
		       "baosong funding add --project 3fa1c2 --channel 专项债券 --title "
		       "污水管网改造 \\\n      --applied 1200.5 --status 已申报 "
		       "--applied-date 2026-03-01", 0},
	[K_PROBLEM] = {"problem", REC_KIND_PROBLEM, "problem",
		       "问题清单: a problem blocking a project, who solves it and by when",
		       problem_cols,
		       "baosong problem add --project 3fa1c2 --category 用地 --description "
		       "征地拆迁未完成 \\\n      --deadline 2026-04-30 --status 待解决", 0},
	[K_TARGET] = {"target", REC_KIND_TARGET, "target",
		      "目标任务: a unit's tasks for a year or quarter (administrator only)",
		      target_cols,
		      "baosong target add --unit-code chengguan --period 2026-Q2 --fai 84500 "
		      "--growth-bp 15% --new-starts 6", 0},
	[K_LEADER] = {"leader", REC_KIND_LEADER, "leader",
		      "包抓领导: the county leaders projects name (administrator only)",
		      leader_cols,
		      "baosong leader add --name 张伟 --title 副县长 --phone 0931-1234567", 0},
	[K_UNIT] = {"unit", REC_KIND_UNIT, "unit",
		    "单位: the reporting units, as the server publishes them", unit_cols,
		    NULL, 1, "baosongd unit add"},
	[K_ACCEPTANCE] = {"acceptance", REC_KIND_ACCEPTANCE, "acceptance check",
			  "考核验收: the bureau's acceptance check of a project for a year "
			  "(reviewers and\n  administrators); 未通过 costs the project's unit its "
			  "reward in that year's assessment",
			  acceptance_cols,
			  "baosong acceptance add --project 3fa1c2 --year 2026 --result 未通过 "
			  "--date 2026-11-20 \\\n      --note 配套设施未按期建成", 0, NULL},
	[K_PUBLICATION] = {"publication", REC_KIND_PUBLICATION, "published assessment",
			   "考核结果: the bulletins, rankings and assessments the bureau "
			   "published\n  (`baosong ranking` shows them as tables)",
			   publication_cols, NULL, 1, "baosongd assess publish"},
	[K_ADJUSTMENT] = {"adjustment", REC_KIND_ADJUSTMENT, "bonus or deduction",
			  "加分项/扣分项: an item of the year's scheme for a unit in a period, with "
			  "the reason\n  and the document as evidence (administrator only)",
			  adjustment_cols,
			  "baosong adjustment add --unit-code xinzhen --period 2026-Q2 --item "
			  "central_budget \\\n      --reason 争取中央预算内资金1.2亿元 --evidence "
			  "文件=下达文件.pdf", 0, NULL},
};

/* ---- small helpers --------------------------------------------------------------- */

void kw_sep(void)
{
	fputs("  ", stdout);
}

/* ---- the command's state ------------------------------------------------------------ */

int kw_kwork_init(struct kwork *w, const struct kcmd *kc, int argc)
{
	memset(w, 0, sizeof *w);
	app_blank(&w->a);
	w->kc = kc;
	w->rk = records_kind(kc->kind);
	w->now = wire_now_ms();
	if (form_init(&w->fm, kc->kind, NULL) != BS_OK || w->rk->desc->n_fields > FIELDS_MAX) {
		fprintf(stderr, "baosong: 此版本不支持%s records of kind %s are not supported by "
				"this version\n", field_kind_zh(kc->kind), kc->kind);
		return BS_E_UNSUPPORTED;
	}
	w->desc = w->rk->desc;
	w->as = calloc((size_t)argc + 1, sizeof *w->as);
	return w->as ? BS_OK : BS_E_NOMEM;
}

void kw_kwork_free(struct kwork *w)
{
	form_free(&w->fm);
	free(w->as);
	app_close(&w->a);
}

/* The getopt table: a field option for each field that can be written
 * (list: each single field, as a filter), --project for project_uid, and
 * extra (terminated by a zero entry). */
void kw_build_opts(struct kwork *w, int list, const struct option *extra)
{
	size_t i, n = 0;
	for (i = 0; i < w->desc->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &w->desc->fields[i];
		enum fk k = field_kind(f);
		if (k == FK_NONE || k == FK_HASH ||
		    (list && (k == FK_TEXTS || k == FK_ITEMS || field_ends_with(f->name, "_ms"))))
			continue;
		field_opt(f, w->optname[i], sizeof w->optname[i]);
		w->opts[n++] = (struct option){w->optname[i], required_argument, 0,
					       OPT_FIELD + (int)i};
		if (strcmp(f->name, "project_uid") == 0)
			w->opts[n++] = (struct option){"project", required_argument, 0,
						       OPT_FIELD + (int)i};
	}
	for (; extra && extra->name; extra++)
		w->opts[n++] = *extra;
	w->opts[n++] = (struct option){"dir", required_argument, 0, 'd'};
	w->opts[n++] = (struct option){"help", no_argument, 0, 'h'};
	w->opts[n] = (struct option){0, 0, 0, 0};
}

/* If c is a field option, remember it and return 1. */
int kw_take_field(struct kwork *w, int c)
{
	if (c < OPT_FIELD || c >= OPT_FIELD + (int)w->desc->n_fields)
		return 0;
	w->as[w->nas].f = &w->desc->fields[c - OPT_FIELD];
	w->as[w->nas].value = optarg;
	w->nas++;
	return 1;
}

/* ---- finding records ------------------------------------------------------------------ */

struct prefix_walk {
	char prefix[REC_UID_LEN + 1];
	size_t len;
	unsigned count;
	char uid[LDB_UID_MAX + 1];
};

static int prefix_match(void *ctx, const struct lrecord *r)
{
	struct prefix_walk *pw = ctx;
	if (strncmp(r->uid, pw->prefix, pw->len) == 0 && pw->count++ == 0)
		snprintf(pw->uid, sizeof pw->uid, "%s", r->uid);
	return 0;
}

/* The live record of kind named by arg: its uid or a prefix of at least
 * UID_PREFIX_MIN characters only one record of the kind has.  Explains
 * failures: BS_E_INVAL (not an id, ambiguous), BS_E_NOTFOUND. */
int kw_kfind(struct localdb *db, const char *kind, const char *arg, struct lrecord *out)
{
	struct prefix_walk pw;
	struct lrecord r;
	size_t n = strlen(arg), i;
	int rv;

	memset(&pw, 0, sizeof pw);
	if (n < UID_PREFIX_MIN || n > REC_UID_LEN) {
		fprintf(stderr, "baosong: 标识无效 not a record id: give the id, or at least its "
				"first %u characters\n", UID_PREFIX_MIN);
		return BS_E_INVAL;
	}
	for (i = 0; i < n; i++) {
		char c = arg[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			fprintf(stderr, "baosong: 标识无效 not a record id: ids are hexadecimal "
					"(0-9, a-f)\n");
			return BS_E_INVAL;
		}
		pw.prefix[i] = c;
	}
	pw.len = n;
	if ((rv = localdb_record_each(db, kind, 0, prefix_match, &pw)) != BS_OK)
		return cli_db_error(rv);
	if (pw.count > 1) {
		fprintf(stderr, "baosong: 标识 %s 不唯一 the id prefix %s matches %u %s records; "
				"give more characters:\n", pw.prefix, pw.prefix, pw.count, kind);
		cli_print_candidates(db, kind, pw.prefix);
		return BS_E_INVAL;
	}
	if (pw.count == 0) {
		fprintf(stderr, "baosong: 本机没有这个%s no %s record %s on this device "
				"(`baosong pull` fetches the server's)\n",
			field_kind_zh(kind), kind, pw.prefix);
		return BS_E_NOTFOUND;
	}
	if ((rv = localdb_record_get(db, pw.uid, &r)) != BS_OK)
		return cli_db_error(rv);
	*out = r;
	return BS_OK;
}

/* "baosong: 数据有误 invalid data: deadline 办结时限 (--deadline): 日期格式应为 YYYY-MM-DD" */
static void print_rec_error(const struct kwork *w, const struct rec_error *err)
{
	char text[1000];
	form_error_text(w->kc->kind, err, text, sizeof text);
	fprintf(stderr, "baosong: %s\n", text);
}

/* ---- the core's callbacks: failures explained on stderr, as before ------------- */

static int cli_ref(void *ctx, struct localdb *db, const char *kind, const char *text, char *uid,
		   struct rec_error *err)
{
	struct lrecord r;
	int rv;
	(void)ctx;
	(void)err;
	if ((rv = kw_kfind(db, kind, text, &r)) != BS_OK)
		return rv;
	snprintf(uid, LDB_UID_MAX + 1, "%s", r.uid);
	lrecord_free(&r);
	return BS_OK;
}

static int cli_file(void *ctx, const char *text, struct form_file *out, struct rec_error *err)
{
	int rv;
	(void)ctx;
	(void)err;
	memset(out, 0, sizeof *out);
	rv = cli_file_hash(text, "文件", "file", &out->path, &out->size, out->hash);
	if (rv == BS_OK)
		out->arg = text;
	return rv;
}

/* ---- help ------------------------------------------------------------------------------ */

/* What an option takes, for help: "WAN", "YYYY-MM-DD", "KIND=FILE" ... */
static void field_hint(const char *kind, const ProtobufCFieldDescriptor *f, char *out,
		       size_t cap)
{
	switch (field_kind(f)) {
	case FK_MONEY: snprintf(out, cap, "WAN"); return;
	case FK_BP: snprintf(out, cap, "BP|N%%"); return;
	case FK_SINT:
	case FK_UINT:
		snprintf(out, cap, "%s", strcmp(f->name, "year") == 0 ? "YYYY" : "N");
		return;
	case FK_BOOL: snprintf(out, cap, "是|否"); return;
	case FK_ENUM:
		snprintf(out, cap, "%s", strcmp(f->name, "kind") == 0 ? "KIND" : "VALUE");
		return;
	case FK_HASH: snprintf(out, cap, "FILE"); return;
	case FK_ITEMS: {
		const ProtobufCMessageDescriptor *d = f->descriptor;
		char k[32], v[32];
		field_hint(kind, &d->fields[0], k, sizeof k);
		field_hint(kind, &d->fields[1], v, sizeof v);
		snprintf(out, cap, "%.15s=%.15s", k, v);
		return;
	}
	default: break;
	}
	if (field_ref_kind(f))
		snprintf(out, cap, "ID");
	else if (field_ends_with(f->name, "_date") || strcmp(f->name, "deadline") == 0 ||
		 strcmp(f->name, "date") == 0)
		snprintf(out, cap, "YYYY-MM-DD");
	else if (strcmp(f->name, "month") == 0 ||
		 (strcmp(f->name, "period") == 0 && strcmp(kind, REC_KIND_MONTHLY) == 0))
		snprintf(out, cap, "YYYY-MM");
	else if (strcmp(f->name, "period") == 0 && strcmp(kind, REC_KIND_TARGET) == 0)
		snprintf(out, cap, "YYYY|YYYY-Qn");
	else if (strcmp(f->name, "source") == 0)
		snprintf(out, cap, "SOURCE");
	else
		snprintf(out, cap, "TEXT");
}

void kw_print_field_help(const struct kwork *w, const ProtobufCFieldDescriptor *f, int list)
{
	char opt[48], hint[48], left[120], choices[400];
	enum fk k = field_kind(f);
	field_opt(f, opt, sizeof opt);
	field_hint(w->kc->kind, f, hint, sizeof hint);
	snprintf(left, sizeof left, "  --%s %s%s", opt, hint,
		 field_ref_kind(f) ? " (--project)" : "");
	printf("%-36s%s", left, field_zh(w->kc->kind, f->name));
	switch (k) {
	case FK_MONEY: printf("，万元"); break;
	case FK_ENUM:
		field_enum_choices(f->descriptor, choices, sizeof choices);
		printf(": %s", choices);
		break;
	case FK_TEXTS: printf(" (repeat the option for each)"); break;
	case FK_ITEMS: {
		const ProtobufCMessageDescriptor *d = f->descriptor;
		printf(" (repeat; %s=%s", field_zh("", d->fields[0].name),
		       field_zh("", d->fields[1].name));
		if (field_kind(&d->fields[1]) == FK_MONEY)
			printf(" 万元");
		if (field_kind(&d->fields[1]) == FK_HASH)
			printf(": the file is hashed and sent by sync");
		if (field_kind(&d->fields[0]) == FK_ENUM) {
			field_enum_choices(d->fields[0].descriptor, choices, sizeof choices);
			printf(";\n%36s%s: %s", "", field_zh("", d->fields[0].name), choices);
		}
		printf(")");
		break;
	}
	default: break;
	}
	if (field_ref_kind(f))
		printf(" (id or first %u+ characters)", UID_PREFIX_MIN);
	if (list && k == FK_TEXT && !field_ref_kind(f))
		printf(" (any part)");
	putchar('\n');
}

static void write_help(const struct kwork *w, int edit)
{
	size_t i;
	if (edit)
		printf("baosong %s edit ID --FIELD VALUE ...\n"
		       "  Change a %s record (%s): only the fields given change.  ID is its id "
		       "or its\n  first %u or more characters.  An entry of a list (KEY=VALUE) "
		       "replaces the one\n  with the same key; KEY= removes it.  Approved "
		       "(已通过) or locked (锁定) records\n  cannot be changed.\n",
		       w->kc->cmd, w->kc->en, w->rk->label_zh, UID_PREFIX_MIN);
	else
		printf("baosong %s add --FIELD VALUE ...\n"
		       "  Record a new %s (%s) on this device; the next `baosong sync` sends "
		       "it.\n  Everything is checked first, as the server will; nothing is "
		       "queued if a field\n  is wrong.  Prints the new record's id.\n",
		       w->kc->cmd, w->kc->en, w->rk->label_zh);
	for (i = 0; i < w->desc->n_fields; i++) {
		enum fk k = field_kind(&w->desc->fields[i]);
		if (k != FK_NONE && k != FK_HASH)
			kw_print_field_help(w, &w->desc->fields[i], 0);
	}
	printf("  --dir DIR                         data directory (default $BAOSONG_DIR or "
	       "~/.baosong)\n");
	if (w->kc->example)
		printf("Example:\n  %s\n", w->kc->example);
	if (edit)
		printf("  baosong %s edit 9b0e1f --note '已协调解决'\n", w->kc->cmd);
}

/* ---- add / edit ------------------------------------------------------------------------- */

static int kind_write(const struct kcmd *kc, int argc, char **argv, int edit)
{
	struct kwork w;
	struct lrecord old;
	struct wire_arena arena;
	ProtobufCMessage *prev = NULL, *m = NULL;
	struct rec_error err;
	struct rec_lookup lk;
	struct rec_ctx ctx;
	uint8_t att[REC_ATTACH_MAX][LDB_HASH_LEN];
	char uid[LDB_UID_MAX + 1], what[600], hex[LDB_HASH_LEN * 2 + 1];
	uint8_t *data = NULL;
	size_t len = 0, natt = 0, i;
	uint64_t seq = 0;
	char msg[SAVE_MSG_LEN];
	const char *const *unique;
	size_t failed = 0;
	int have_old = 0, role, any_unit, c, rv;

	memset(&err, 0, sizeof err);
	if ((rv = kw_kwork_init(&w, kc, argc)) != BS_OK)
		goto out;
	kw_build_opts(&w, 0, NULL);
	while ((c = getopt_long(argc, argv, "d:h", w.opts, NULL)) != -1) {
		if (kw_take_field(&w, c))
			continue;
		switch (c) {
		case 'd': w.dir = optarg; break;
		case 'h': write_help(&w, edit); goto out;
		default: rv = EX_USAGE_; goto usage;
		}
	}
	if (argc - optind != (edit ? 1 : 0)) {
		fprintf(stderr, "baosong %s %s: %s (values go after their option; quote text "
				"with spaces; see --help)\n", kc->cmd, edit ? "edit" : "add",
			edit ? "give one record id" : "unexpected argument");
		rv = EX_USAGE_;
		goto usage;
	}
	if (w.nas == 0) {
		fprintf(stderr, "baosong %s %s: 没有填写内容 give the fields, e.g. --%s VALUE "
				"(see --help)\n", kc->cmd, edit ? "edit" : "add", w.opts[0].name);
		rv = EX_USAGE_;
		goto usage;
	}
	if ((rv = app_open_cli(w.dir, &w.a, &w.srv)) != BS_OK)
		goto out;
	w.fm.db = w.a.db;
	w.fm.ref = cli_ref;
	w.fm.file = cli_file;
	/* A device enrolled before roles existed writes as a reporter. */
	role = save_role(w.srv.role);
	any_unit = role != REC_ROLE_REPORTER;
	if ((rv = save_check_role(kc->kind, role, msg, sizeof msg)) != BS_OK) {
		fprintf(stderr, "baosong: %s\n", msg);
		goto out;
	}

	if (edit) {
		if ((rv = kw_kfind(w.a.db, kc->kind, argv[optind], &old)) != BS_OK)
			goto out;
		have_old = 1;
		if ((rv = save_check_unlocked(&old, msg, sizeof msg)) != BS_OK) {
			fprintf(stderr, "baosong: %s\n", msg);
			goto out;
		}
		if (!(prev = field_unpack(w.desc, &old, &arena))) {
			fprintf(stderr, "baosong: 本地记录无法解析 the stored record %s cannot be "
					"read\n", old.uid);
			rv = BS_E_INVAL;
			goto out;
		}
		/* A shallow copy: it shares prev's strings and entries until packed. */
		if (!(m = form_message(&w.fm, prev))) {
			rv = BS_E_NOMEM;
			goto out;
		}
		snprintf(uid, sizeof uid, "%s", old.uid);
	} else {
		if (!(m = form_message(&w.fm, NULL))) {
			rv = BS_E_NOMEM;
			goto out;
		}
		records_new_uid(uid);
	}
	if ((rv = form_apply(&w.fm, m, w.as, w.nas, &err)) != BS_OK) {
		if (err.field[0])
			print_rec_error(&w, &err);
		goto out;
	}
	len = protobuf_c_message_get_packed_size(m);
	if (len > REC_DATA_MAX) {
		fprintf(stderr, "baosong: 记录过大 the record is over %u bytes; shorten the text\n",
			REC_DATA_MAX);
		rv = BS_E_TOOBIG;
		goto out;
	}
	if (!(data = malloc(len ? len : 1))) {
		rv = BS_E_NOMEM;
		goto out;
	}
	len = protobuf_c_message_pack(m, data);
	form_attachments(m, have_old ? &old : NULL, att, &natt);
	if (edit && len == old.data_len && (len == 0 || memcmp(data, old.data, len) == 0) &&
	    natt == old.n_attachments &&
	    (natt == 0 || memcmp(att, old.attachments, natt * LDB_HASH_LEN) == 0)) {
		fprintf(stderr, "没有变化 nothing changed; nothing queued\n");
		goto out;
	}

	/* Unit codes are checked once the server's unit records are here. */
	save_ctx_init(&ctx, &lk, w.a.db,
		      edit ? old.unit_id : save_owner_unit(w.a.db, m, w.srv.unit_id, any_unit), role,
		      w.now);
	rv = records_validate(kc->kind, data, len, &ctx, &err);
	if (rv == BS_E_FORBIDDEN) {
		fprintf(stderr, "baosong: 无权填写 not allowed: %s%s%s\n", err.field,
			err.field[0] ? ": " : "", err.msg);
		goto out;
	}
	if (rv == BS_E_UNSUPPORTED) {
		fprintf(stderr, "baosong: 此版本不支持 this version cannot check %s records\n",
			kc->kind);
		goto out;
	}
	if (rv != BS_OK) {
		print_rec_error(&w, &err);
		goto out;
	}
	if ((unique = save_unique_fields(kc->kind)) != NULL) {
		char dup[LDB_UID_MAX + 1];
		if ((rv = save_find_duplicate(w.a.db, kc->kind, m, edit ? old.uid : NULL, dup)) !=
		    BS_OK) {
			cli_db_error(rv);
			goto out;
		}
		if (dup[0]) {
			fprintf(stderr, "baosong: 已有相同的%s a record of kind %s with the same ",
				w.rk->label_zh, kc->cmd);
			for (i = 0; unique[i]; i++)
				fprintf(stderr, "%s%s", i ? " and " : "",
					field_zh(kc->kind, unique[i]));
			fprintf(stderr, " exists already: %s\n  (change it with `baosong %s edit "
					"%.8s ...`)\n", dup, kc->cmd, dup);
			rv = BS_E_INVAL;
			goto out;
		}
	}
	if ((rv = save_keep_files(w.a.dir, w.fm.files, w.fm.nfiles, &failed)) != BS_OK) {
		fprintf(stderr, "baosong: 无法保存文件副本 cannot keep a copy of %s in %s/files: "
				"%s (%s)\n", w.fm.files[failed].path, w.a.dir, bs_strerror_zh(rv),
			bs_strerror(rv));
		goto out;
	}
	rv = save_queue(w.a.db, kc->kind, uid, ctx.unit_id, data, len,
			(const uint8_t(*)[LDB_HASH_LEN])att, natt, w.fm.files, w.fm.nfiles, w.now,
			&seq);
	if (rv != BS_OK) {
		fprintf(stderr, "baosong: 保存失败 cannot save: %s\n", bs_strerror(rv));
		goto out;
	}
	printf("%s\n", uid);
	for (i = 0; i < w.fm.nfiles; i++) {
		sodium_bin2hex(hex, sizeof hex, w.fm.files[i].hash, LDB_HASH_LEN);
		printf("file %.16s ", hex);
		table_text(stdout, w.fm.files[i].path, 0, NULL);
		printf(" (%llu bytes)\n", (unsigned long long)w.fm.files[i].size);
	}
	{
		struct lrecord shown;
		memset(&shown, 0, sizeof shown);
		snprintf(shown.kind, sizeof shown.kind, "%s", kc->kind);
		snprintf(shown.uid, sizeof shown.uid, "%s", uid);
		field_describe(w.a.db, &shown, m, what, sizeof what);
	}
	fprintf(stderr, "%s ", edit ? "已修改 changed" : "已保存 saved");
	table_text(stderr, what, 0, NULL);
	fprintf(stderr, " (待发送 queued as #%llu; `baosong sync` sends it)\n",
		(unsigned long long)seq);
	rv = cli_write_error();
out:
	if (prev)
		protobuf_c_message_free_unpacked(prev, &arena.alloc);
	if (have_old)
		lrecord_free(&old);
	free(data);
	kw_kwork_free(&w);
	return cli_exit_code(rv);
usage:
	kw_kwork_free(&w);
	return rv;
}

/* ---- delete --------------------------------------------------------------------------- */

static void delete_help(const struct kwork *w)
{
	printf("baosong %s delete ID [--dir DIR]\n"
	       "  Delete one %s record (%s): the next `baosong sync` sends the deletion, "
	       "and the\n  server keeps the record's history in its audit trail.  ID is "
	       "its id or its\n  first %u or more characters.  Approved (已通过) or locked "
	       "(锁定) records cannot\n  be deleted; only a role that may write %s "
	       "records may delete one.\n"
	       "Example:\n  baosong %s delete 9b0e1f\n",
	       w->kc->cmd, w->kc->en, w->rk->label_zh, UID_PREFIX_MIN, w->kc->cmd, w->kc->cmd);
}

static int kind_delete(const struct kcmd *kc, int argc, char **argv)
{
	struct kwork w;
	struct lrecord old;
	struct wire_arena a;
	ProtobufCMessage *m = NULL;
	char what[600], msg[SAVE_MSG_LEN];
	uint64_t seq = 0;
	int have_old = 0, role, c, rv;

	if ((rv = kw_kwork_init(&w, kc, argc)) != BS_OK)
		goto out;
	w.opts[0] = (struct option){"dir", required_argument, 0, 'd'};
	w.opts[1] = (struct option){"help", no_argument, 0, 'h'};
	w.opts[2] = (struct option){0, 0, 0, 0};
	while ((c = getopt_long(argc, argv, "d:h", w.opts, NULL)) != -1) {
		switch (c) {
		case 'd': w.dir = optarg; break;
		case 'h': delete_help(&w); goto out;
		default: rv = EX_USAGE_; goto usage;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "baosong %s delete: give one record id (see --help)\n", kc->cmd);
		rv = EX_USAGE_;
		goto usage;
	}
	if ((rv = app_open_cli(w.dir, &w.a, &w.srv)) != BS_OK)
		goto out;
	role = save_role(w.srv.role);
	if ((rv = save_check_role(kc->kind, role, msg, sizeof msg)) != BS_OK) {
		fprintf(stderr, "baosong: %s\n", msg);
		goto out;
	}
	if ((rv = kw_kfind(w.a.db, kc->kind, argv[optind], &old)) != BS_OK)
		goto out;
	have_old = 1;
	if ((rv = save_delete(w.a.db, &old, role, w.now, msg, sizeof msg, &seq)) != BS_OK) {
		fprintf(stderr, "baosong: %s\n", msg);
		goto out;
	}
	m = field_unpack(w.desc, &old, &a);
	field_describe(w.a.db, &old, m, what, sizeof what);
	printf("%s\n", old.uid);
	fprintf(stderr, "已删除 deleted ");
	table_text(stderr, what, 0, NULL);
	fprintf(stderr, " (待发送 queued as #%llu; `baosong sync` sends it)\n",
		(unsigned long long)seq);
	rv = cli_write_error();
out:
	if (m)
		protobuf_c_message_free_unpacked(m, &a.alloc);
	if (have_old)
		lrecord_free(&old);
	kw_kwork_free(&w);
	return cli_exit_code(rv);
usage:
	kw_kwork_free(&w);
	return rv;
}

/* ---- dispatch -------------------------------------------------------------------------- */

static void kind_usage(const struct kcmd *kc, FILE *f)
{
	if (kc->read_only)
		fprintf(f, "baosong %s list|show ... [--dir DIR]\n  %s\n"
			   "  baosong %s list [--FIELD VALUE]... [--csv]\n"
			   "  baosong %s show ID\n",
			kc->cmd, kc->about, kc->cmd, kc->cmd);
	else
		fprintf(f, "baosong %s add|edit|delete|list|show ... [--dir DIR]\n  %s\n"
			   "  baosong %s add --FIELD VALUE ...\n"
			   "  baosong %s edit ID --FIELD VALUE ...\n"
			   "  baosong %s delete ID\n"
			   "  baosong %s list [--FIELD VALUE]... [--csv]\n"
			   "  baosong %s show ID\n",
			kc->cmd, kc->about, kc->cmd, kc->cmd, kc->cmd, kc->cmd, kc->cmd);
	fprintf(f, "  `baosong %s SUBCOMMAND --help` lists the fields.\n", kc->cmd);
}

static int kind_main(const struct kcmd *kc, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;
	char name[64];
	if (!sub) {
		kind_usage(kc, stderr);
		return EX_USAGE_;
	}
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
		kind_usage(kc, stdout);
		return 0;
	}
	snprintf(name, sizeof name, "baosong %s %s", kc->cmd, sub);
	if (!kc->read_only && !strcmp(sub, "add"))
		return kind_write(kc, argc - 1, cli_name_argv(argv + 1, name), 0);
	if (!kc->read_only && !strcmp(sub, "edit"))
		return kind_write(kc, argc - 1, cli_name_argv(argv + 1, name), 1);
	if (!kc->read_only && !strcmp(sub, "delete"))
		return kind_delete(kc, argc - 1, cli_name_argv(argv + 1, name));
	if (!strcmp(sub, "list"))
		return kw_kind_list(kc, argc - 1, cli_name_argv(argv + 1, name));
	if (!strcmp(sub, "show"))
		return kw_kind_show(kc, argc - 1, cli_name_argv(argv + 1, name));
	if (kc->read_only &&
	    (!strcmp(sub, "add") || !strcmp(sub, "edit") || !strcmp(sub, "delete"))) {
		fprintf(stderr, "baosong %s: %s由服务器发布 %s records are published by the "
				"server (%s); `baosong pull` fetches them\n",
			kc->cmd, field_kind_zh(kc->kind), kc->kind, kc->source);
		return cli_exit_code(BS_E_FORBIDDEN);
	}
	fprintf(stderr, "baosong %s: unknown subcommand (%s)\n", kc->cmd,
		kc->read_only ? "list, show" : "add, edit, delete, list, show");
	return EX_USAGE_;
}

int cmd_approval(int argc, char **argv) { return kind_main(&kcmds[K_APPROVAL], argc, argv); }
int cmd_monthly(int argc, char **argv) { return kind_main(&kcmds[K_MONTHLY], argc, argv); }
int cmd_stats(int argc, char **argv) { return kind_main(&kcmds[K_STATS], argc, argv); }
int cmd_deal(int argc, char **argv) { return kind_main(&kcmds[K_DEAL], argc, argv); }
int cmd_funding(int argc, char **argv) { return kind_main(&kcmds[K_FUNDING], argc, argv); }
int cmd_problem(int argc, char **argv) { return kind_main(&kcmds[K_PROBLEM], argc, argv); }
int cmd_target(int argc, char **argv) { return kind_main(&kcmds[K_TARGET], argc, argv); }
int cmd_leader(int argc, char **argv) { return kind_main(&kcmds[K_LEADER], argc, argv); }
int cmd_unit(int argc, char **argv) { return kind_main(&kcmds[K_UNIT], argc, argv); }
int cmd_acceptance(int argc, char **argv) { return kind_main(&kcmds[K_ACCEPTANCE], argc, argv); }
int cmd_adjustment(int argc, char **argv) { return kind_main(&kcmds[K_ADJUSTMENT], argc, argv); }
int cmd_publication(int argc, char **argv)
{
	return kind_main(&kcmds[K_PUBLICATION], argc, argv);
}

