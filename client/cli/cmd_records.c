/* cmd_records.c - baosong project, report, resolve, discard, fetch: the
 * records a reporting unit keeps, entered and read offline.
 *
 * Every change is checked with records_validate (the rules the server
 * applies) before it is queued, so a mistake is caught at the desk and not
 * by the server during the night's sync.  A record is named by its uid or
 * by a unique prefix of at least UID_PREFIX_MIN characters.  Amounts are
 * read and shown in 万元 with two decimals and kept as integer fen.
 *
 * Messages for people go to stderr in Chinese and English; what a script
 * may want (a new uid, a table, CSV) goes to stdout.  Exit status through
 * cli_exit_code: 64 usage, 65 bad data, 66 no such record or file. */
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
#include "cliutil.h"
#include "bs_limits.h"
#include "cli.h"
#include "commands.h"
#include "err.h"
#include "kinds.h"
#include "money.h"
#include "net.h"
#include "period.h"
#include "project_facts.h"
#include "records.h"
#include "sync.h"
#include "table.h"
#include "wire.h"
#include "records_cli.h"
#include "form.h"
#include "save.h"
#include "entry.h"


/* ---- small helpers ------------------------------------------------------------ */

/* "2026-11-23 17:03" in Shanghai time. */
void fmt_local(int64_t ms, char *out, size_t cap)
{
	int64_t days = period_local_days(ms);
	int64_t min = (ms + SHANGHAI_OFFSET_MS - days * DAY_MS) / 60000;
	char date[11];
	period_format_date(days, date);
	snprintf(out, cap, "%s %02d:%02d", date, (int)(min / 60), (int)(min % 60));
}

/* Pack m into a fresh buffer (the caller frees *out). */
int pack_msg(const ProtobufCMessage *m, uint8_t **out, size_t *len)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *buf;
	if (n > REC_DATA_MAX) {
		fprintf(stderr, "baosong: 记录过大 the record is over %u bytes; shorten the text\n",
			REC_DATA_MAX);
		return BS_E_TOOBIG;
	}
	if (!(buf = malloc(n ? n : 1)))
		return BS_E_NOMEM;
	*len = protobuf_c_message_pack(m, buf);
	*out = buf;
	return BS_OK;
}

Baosong__V1__Project *project_unpack(struct wire_arena *a, const uint8_t *data,
					    size_t len)
{
	wire_arena_init(a, DECODE_MAX);
	return baosong__v1__project__unpack(&a->alloc, len, data);
}

Baosong__V1__WeeklyReport *weekly_unpack(struct wire_arena *a, const uint8_t *data,
						size_t len)
{
	wire_arena_init(a, DECODE_MAX);
	return baosong__v1__weekly_report__unpack(&a->alloc, len, data);
}

const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/* ---- validation errors ----------------------------------------------------------- */

int field_error(struct rec_error *err, const char *field, const char *msg)
{
	snprintf(err->field, sizeof err->field, "%s", field);
	snprintf(err->msg, sizeof err->msg, "%s", msg);
	return BS_E_INVAL;
}

/* "baosong: 数据有误 invalid data: total_investment 总投资 (--total): 金额不能为负数" */
void print_rec_error(const struct rec_error *err)
{
	const char *zh = NULL, *opt = NULL;
	if (!err->field[0]) {
		fprintf(stderr, "baosong: 数据有误 invalid data (a record it refers to cannot be "
				"read)\n");
		return;
	}
	fprintf(stderr, "baosong: 数据有误 invalid data: %s", err->field);
	if (field_label_exact(err->field, &zh, &opt))
		fprintf(stderr, " %s (%s)", zh, opt);
	fprintf(stderr, ": %s\n", err->msg);
	if (strcmp(err->field, "stage") == 0)
		fprintf(stderr, "  可用的阶段 stages: " FORM_STAGE_CHOICES "\n");
}

const char *pending_mark(const struct lrecord *r)
{
	if (r->refused)
		return "被拒";
	if (r->conflicted)
		return "冲突";
	return r->pending ? "*" : "";
}

void print_warnings(const struct entry_warnings *w)
{
	unsigned i;
	for (i = 0; i < w->n; i++)
		fprintf(stderr, "提醒 warning: %s\n", w->text[i]);
}

/* ---- finding records ------------------------------------------------------------- */

struct prefix_walk {
	char prefix[REC_UID_LEN + 1];
	size_t len;
	unsigned count;
	char uid[LDB_UID_MAX + 1];
};

static int prefix_match(void *ctx, const struct lrecord *r)
{
	struct prefix_walk *w = ctx;
	if (strncmp(r->uid, w->prefix, w->len) == 0) {
		if (w->count++ == 0)
			snprintf(w->uid, sizeof w->uid, "%s", r->uid);
	}
	return 0;
}

static const char *kind_zh(const char *kind)
{
	if (strcmp(kind, REC_KIND_PROJECT) == 0)
		return "项目";
	if (strcmp(kind, REC_KIND_WEEKLY) == 0)
		return "周报";
	return "记录";
}

static const char *kind_en(const char *kind)
{
	if (strcmp(kind, REC_KIND_WEEKLY) == 0)
		return "weekly report";
	return kind;
}

/* The live record of kind named by arg: a uid, or a prefix of at least
 * UID_PREFIX_MIN characters that only one record of that kind has.
 * Errors are explained on stderr: BS_E_INVAL (not an id, ambiguous),
 * BS_E_NOTFOUND.  On success free *out with lrecord_free. */
int find_record(struct localdb *db, const char *kind, const char *arg,
		       struct lrecord *out)
{
	struct prefix_walk w;
	struct lrecord r;
	size_t n = strlen(arg), i;
	int rv;

	memset(&w, 0, sizeof w);
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
		w.prefix[i] = c;
	}
	w.len = n;
	if (n < REC_UID_LEN) {
		if ((rv = localdb_record_each(db, kind, 0, prefix_match, &w)) != BS_OK) {
			fprintf(stderr, "baosong: 读取本地数据失败 cannot read the local database: "
					"%s\n", bs_strerror(rv));
			return rv;
		}
		if (w.count > 1) {
			fprintf(stderr, "baosong: 标识 %s 不唯一 the id prefix %s matches %u %s "
					"records; give more characters:\n",
				w.prefix, w.prefix, w.count, kind_en(kind));
			cli_print_candidates(db, kind, w.prefix);
			return BS_E_INVAL;
		}
		if (w.count == 0)
			goto notfound;
	} else {
		snprintf(w.uid, sizeof w.uid, "%s", w.prefix);
	}
	rv = localdb_record_get(db, w.uid, &r);
	if (rv == BS_E_NOTFOUND)
		goto notfound;
	if (rv != BS_OK) {
		fprintf(stderr, "baosong: 读取本地数据失败 cannot read the local database: %s\n",
			bs_strerror(rv));
		return rv;
	}
	if (strcmp(r.kind, kind) != 0 || r.deleted) {
		fprintf(stderr, "baosong: %s 不是%s %s is not a %s%s\n", w.uid, kind_zh(kind),
			w.uid, kind_en(kind), r.deleted ? " (it was deleted)" : "");
		lrecord_free(&r);
		return BS_E_NOTFOUND;
	}
	*out = r;
	return BS_OK;
notfound:
	fprintf(stderr, "baosong: 本机没有这个%s no %s %s on this device (baosong %s list "
			"shows them; baosong pull fetches the server's)\n",
		kind_zh(kind), kind_en(kind), w.prefix,
		strcmp(kind, REC_KIND_PROJECT) == 0 ? "project" : "report");
	return BS_E_NOTFOUND;
}

/* Who writes what, for records_validate: this device's unit and role
 * (save_ctx_init). */
void rec_ctx_init(struct rec_ctx *c, struct rec_lookup *lk, struct localdb *db,
		  const struct app_server *srv, int64_t now)
{
	save_ctx_init(c, lk, db, srv->unit_id, srv->role, now);
}

/* Name of the project uid into out ("" if unknown). */
void project_name(struct localdb *db, const char *uid, char *out, size_t cap)
{
	struct lrecord r;
	struct wire_arena a;
	Baosong__V1__Project *p;
	out[0] = '\0';
	if (!uid || localdb_record_get(db, uid, &r) != BS_OK)
		return;
	if (strcmp(r.kind, REC_KIND_PROJECT) == 0 &&
	    (p = project_unpack(&a, r.data, r.data_len)) != NULL) {
		snprintf(out, cap, "%s", str_or_empty(p->name));
		baosong__v1__project__free_unpacked(p, &a.alloc);
	}
	lrecord_free(&r);
}

/* "项目 project 3fa1c2d4 «name»" / "周报 weekly report 9b0e1f2a 2026-W47 «name»". */
void describe_record(struct localdb *db, const char *kind, const char *uid,
			    const uint8_t *data, size_t len, char *out, size_t cap)
{
	struct wire_arena a;
	char name[REC_NAME_MAX + 1] = "";
	const char *week = "";
	Baosong__V1__WeeklyReport *w = NULL;
	if (strcmp(kind, REC_KIND_PROJECT) == 0) {
		Baosong__V1__Project *p = project_unpack(&a, data, len);
		if (p) {
			snprintf(name, sizeof name, "%s", str_or_empty(p->name));
			baosong__v1__project__free_unpacked(p, &a.alloc);
		}
	} else if (strcmp(kind, REC_KIND_WEEKLY) == 0 && (w = weekly_unpack(&a, data, len))) {
		project_name(db, w->project_uid, name, sizeof name);
		week = str_or_empty(w->period);
	}
	snprintf(out, cap, "%s %s %.*s %s%s«%s»", kind_zh(kind), kind_en(kind), UID_SHOW, uid,
		 week, *week ? " " : "", name);
	if (w)
		baosong__v1__weekly_report__free_unpacked(w, &a.alloc);
}

/* ---- project options --------------------------------------------------------------- */


/* The options given (NULL: not given). */
struct project_opts {
	const char *name, *code, *year, *stage, *total, *annual, *category, *chain, *itype,
		*level, *township, *leader, *owner, *lead_unit, *start, *end, *contents;
};

static const struct option project_options[] = {
	{"name", required_argument, 0, O_NAME},
	{"code", required_argument, 0, O_CODE},
	{"year", required_argument, 0, O_YEAR},
	{"stage", required_argument, 0, O_STAGE},
	{"total", required_argument, 0, O_TOTAL},
	{"annual", required_argument, 0, O_ANNUAL},
	{"category", required_argument, 0, O_CATEGORY},
	{"chain", required_argument, 0, O_CHAIN},
	{"investment-type", required_argument, 0, O_ITYPE},
	{"level", required_argument, 0, O_LEVEL},
	{"township", required_argument, 0, O_TOWNSHIP},
	{"leader", required_argument, 0, O_LEADER},
	{"owner", required_argument, 0, O_OWNER},
	{"lead-unit", required_argument, 0, O_LEAD_UNIT},
	{"start", required_argument, 0, O_START},
	{"end", required_argument, 0, O_END},
	{"contents", required_argument, 0, O_CONTENTS},
	{"dir", required_argument, 0, 'd'},
	{"help", no_argument, 0, 'h'},
	{0, 0, 0, 0}};

static const char project_fields_help[] =
	"  --name NAME           项目名称\n"
	"  --year YEAR           计划年度 plan year (2000-2100)\n"
	"  --stage STAGE         项目阶段: " FORM_STAGE_CHOICES "\n"
	"  --total WAN           总投资 total investment, 万元 (up to two decimals)\n"
	"  --annual WAN          年度计划投资 annual planned investment, 万元\n"
	"  --code CODE           全国投资项目代码 national project code\n"
	"  --category C          项目类别 (产业 基础设施 民生 生态 城建 乡村振兴 ...)\n"
	"  --chain C             产业链 industry chain\n"
	"  --investment-type T   投资类型 (政府投资 企业投资 招商引资)\n"
	"  --level L             重点级别 (县级 市级 省级)\n"
	"  --township T          所在乡镇 township\n"
	"  --leader NAME         包抓领导 responsible county leader\n"
	"  --owner O             业主单位 owner\n"
	"  --lead-unit U         牵头单位 lead unit\n"
	"  --start YYYY-MM-DD    计划开工 planned start\n"
	"  --end YYYY-MM-DD      计划竣工 planned completion\n"
	"  --contents TEXT       建设内容 what is built\n"
	"  --dir DIR             data directory (default $BAOSONG_DIR or ~/.baosong)\n";

static void project_add_help(void)
{
	printf("baosong project add --name NAME --year YEAR --stage STAGE --total WAN "
	       "[options]\n"
	       "  Record a new project (新增项目) on this device; the next `baosong sync` "
	       "sends it.\n  Everything is checked first; nothing is queued if a field is "
	       "wrong.\n  Prints the new project's id.\n%s"
	       "Example:\n"
	       "  baosong project add --name '城关镇污水处理厂扩建' --year 2026 "
	       "--stage 新开工 \\\n"
	       "      --total 12500 --annual 4000.50 --township 城关镇 --leader 张伟\n",
	       project_fields_help);
}

static void project_edit_help(void)
{
	printf("baosong project edit ID [options]\n"
	       "  Change a project (修改项目): only the fields given change.  ID is the "
	       "project's id\n  or its first %u or more characters.\n%s"
	       "Example:\n"
	       "  baosong project edit 3fa1c2 --stage 续建 --annual 5200\n",
	       UID_PREFIX_MIN, project_fields_help);
}

/* Parse add/edit options.  Returns -1 to go on, else an exit status. */
static int project_opts_parse(int argc, char **argv, struct project_opts *o,
			      const char **dir, void (*help)(void))
{
	int c;
	memset(o, 0, sizeof *o);
	while ((c = getopt_long(argc, argv, "d:h", project_options, NULL)) != -1) {
		switch (c) {
		case O_NAME: o->name = optarg; break;
		case O_CODE: o->code = optarg; break;
		case O_YEAR: o->year = optarg; break;
		case O_STAGE: o->stage = optarg; break;
		case O_TOTAL: o->total = optarg; break;
		case O_ANNUAL: o->annual = optarg; break;
		case O_CATEGORY: o->category = optarg; break;
		case O_CHAIN: o->chain = optarg; break;
		case O_ITYPE: o->itype = optarg; break;
		case O_LEVEL: o->level = optarg; break;
		case O_TOWNSHIP: o->township = optarg; break;
		case O_LEADER: o->leader = optarg; break;
		case O_OWNER: o->owner = optarg; break;
		case O_LEAD_UNIT: o->lead_unit = optarg; break;
		case O_START: o->start = optarg; break;
		case O_END: o->end = optarg; break;
		case O_CONTENTS: o->contents = optarg; break;
		case 'd': *dir = optarg; break;
		case 'h': help(); return 0;
		default: return EX_USAGE_;
		}
	}
	return -1;
}

static int project_opts_any(const struct project_opts *o)
{
	return o->name || o->code || o->year || o->stage || o->total || o->annual ||
	       o->category || o->chain || o->itype || o->level || o->township || o->leader ||
	       o->owner || o->lead_unit || o->start || o->end || o->contents;
}

int parse_money(struct rec_error *err, const char *field, const char *s, int64_t *fen)
{
	if (form_parse_money(s, fen) != BS_OK)
		return field_error(err, field, "金额应为万元，最多两位小数，如 1234.56");
	return BS_OK;
}

/* Put the options given into p through the client core's form (form.h);
 * the strings live in fm.  A refused amount is named without "_fen", as
 * the rules name it. */
static int project_apply(struct form *fm, const struct project_opts *o,
			 Baosong__V1__Project *p, struct rec_error *err)
{
	const struct {
		const char *field, *value;
	} given[] = {
		{"name", o->name},         {"code", o->code},
		{"plan_year", o->year},    {"stage", o->stage},
		{"total_investment_fen", o->total}, {"annual_plan_fen", o->annual},
		{"category", o->category}, {"industry_chain", o->chain},
		{"investment_type", o->itype}, {"level", o->level},
		{"township", o->township}, {"leader", o->leader},
		{"owner", o->owner},       {"lead_unit", o->lead_unit},
		{"start_date", o->start},  {"end_date", o->end},
		{"contents", o->contents},
	};
	size_t i, n;
	int rv;

	memset(err, 0, sizeof *err);
	for (i = 0; i < sizeof given / sizeof given[0]; i++) {
		if (!given[i].value)
			continue;
		if ((rv = form_set(fm, &p->base, given[i].field, given[i].value, err)) != BS_OK) {
			n = strlen(err->field);
			if (n > 4 && strcmp(err->field + n - 4, "_fen") == 0)
				err->field[n - 4] = '\0';
			return rv;
		}
	}
	return BS_OK;
}

/* Validate data and queue it as a change of uid.  Explains failures. */
int queue_change(struct app *a, const char *kind, const char *uid, int64_t unit_id,
			const uint8_t *data, size_t len, const uint8_t (*att)[LDB_HASH_LEN],
			size_t n_att, int64_t now, const struct app_server *srv, uint64_t *seq)
{
	struct rec_error err;
	struct rec_lookup lk;
	struct rec_ctx rc;
	int rv;
	rec_ctx_init(&rc, &lk, a->db, srv, now);
	rv = records_validate(kind, data, len, &rc, &err);
	if (rv != BS_OK) {
		print_rec_error(&err);
		return rv;
	}
	rv = localdb_change(a->db, kind, uid, unit_id, data, len, att, n_att, 0, now, seq);
	if (rv != BS_OK)
		fprintf(stderr, "baosong: 保存失败 cannot save: %s\n", bs_strerror(rv));
	return rv;
}

/* ---- project add / edit ------------------------------------------------------------ */

static int project_add(int argc, char **argv)
{
	struct project_opts o;
	const char *dir = NULL;
	Baosong__V1__Project p = BAOSONG__V1__PROJECT__INIT;
	struct rec_error err;
	struct app a;
	struct app_server srv;
	char uid[REC_UID_LEN + 1];
	uint8_t *data = NULL;
	size_t len = 0;
	uint64_t seq = 0;
	struct form fm;
	int rv;

	if ((rv = project_opts_parse(argc, argv, &o, &dir, project_add_help)) >= 0)
		return rv;
	if (optind < argc) {
		fprintf(stderr, "baosong project add: unexpected argument (values go after "
				"their option; quote text with spaces)\n");
		return EX_USAGE_;
	}
	if (!o.name || !o.year || !o.stage || !o.total) {
		fprintf(stderr, "baosong project add: 缺少必填项 needs --name, --year, --stage "
				"and --total (see --help)\n");
		return EX_USAGE_;
	}
	form_init(&fm, REC_KIND_PROJECT, NULL);
	if ((rv = project_apply(&fm, &o, &p, &err)) != BS_OK) {
		print_rec_error(&err);
		form_free(&fm);
		return cli_exit_code(rv);
	}
	app_blank(&a);
	if ((rv = pack_msg(&p.base, &data, &len)) != BS_OK ||
	    (rv = app_open_cli(dir, &a, &srv)) != BS_OK)
		goto out;
	records_new_uid(uid);
	{
		struct entry_warnings warn;
		memset(&warn, 0, sizeof warn);
		if (save_warnings(a.db, REC_KIND_PROJECT, NULL, srv.unit_id, &p.base, data, len, 0,
				  wire_now_ms(), &warn) == BS_OK)
			print_warnings(&warn);
	}
	rv = queue_change(&a, REC_KIND_PROJECT, uid, srv.unit_id, data, len, NULL, 0,
			  wire_now_ms(), &srv, &seq);
	if (rv != BS_OK)
		goto out;
	printf("%s\n", uid);
	fprintf(stderr, "已保存项目 saved project «");
	table_text(stderr, p.name, 0, NULL);
	fprintf(stderr, "» (待发送 queued as #%llu; `baosong sync` sends it)\n",
		(unsigned long long)seq);
out:
	free(data);
	form_free(&fm);
	app_close(&a);
	return cli_exit_code(rv);
}

static int project_edit(int argc, char **argv)
{
	struct project_opts o;
	const char *dir = NULL;
	Baosong__V1__Project *p = NULL, q;
	struct wire_arena arena;
	struct rec_error err;
	struct app a;
	struct app_server srv;
	struct lrecord r;
	int have_r = 0;
	uint8_t *data = NULL;
	size_t len = 0;
	uint64_t seq = 0;
	struct form fm;
	int rv;

	if ((rv = project_opts_parse(argc, argv, &o, &dir, project_edit_help)) >= 0)
		return rv;
	if (argc - optind != 1) {
		fprintf(stderr, "baosong project edit: give one project id (see --help)\n");
		return EX_USAGE_;
	}
	if (!project_opts_any(&o)) {
		fprintf(stderr, "baosong project edit: 没有要修改的内容 nothing to change: give "
				"the fields to change, e.g. --stage 续建\n");
		return EX_USAGE_;
	}
	app_blank(&a);
	form_init(&fm, REC_KIND_PROJECT, NULL);
	if ((rv = app_open_cli(dir, &a, &srv)) != BS_OK ||
	    (rv = find_record(a.db, REC_KIND_PROJECT, argv[optind], &r)) != BS_OK)
		goto out;
	have_r = 1;
	if (!(p = project_unpack(&arena, r.data, r.data_len))) {
		fprintf(stderr, "baosong: 本地记录无法解析 the stored project %s cannot be read\n",
			r.uid);
		rv = BS_E_INVAL;
		goto out;
	}
	q = *p; /* shares p's strings: pack before p is freed */
	if ((rv = project_apply(&fm, &o, &q, &err)) != BS_OK) {
		print_rec_error(&err);
		goto out;
	}
	if ((rv = pack_msg(&q.base, &data, &len)) != BS_OK)
		goto out;
	if (len == r.data_len && (len == 0 || memcmp(data, r.data, len) == 0)) {
		fprintf(stderr, "没有变化 nothing changed; nothing queued\n");
		goto out;
	}
	if (o.name) {
		struct entry_warnings warn;
		memset(&warn, 0, sizeof warn);
		if (save_warnings(a.db, REC_KIND_PROJECT, r.uid, r.unit_id, &q.base, data, len, 0,
				  wire_now_ms(), &warn) == BS_OK)
			print_warnings(&warn);
	}
	rv = queue_change(&a, REC_KIND_PROJECT, r.uid, r.unit_id, data, len,
			  (const uint8_t(*)[LDB_HASH_LEN])r.attachments, r.n_attachments,
			  wire_now_ms(), &srv, &seq);
	if (rv != BS_OK)
		goto out;
	printf("%s\n", r.uid);
	fprintf(stderr, "已修改项目 changed project «");
	table_text(stderr, q.name, 0, NULL);
	fprintf(stderr, "» (待发送 queued as #%llu)\n", (unsigned long long)seq);
out:
	if (p)
		baosong__v1__project__free_unpacked(p, &arena.alloc);
	if (have_r)
		lrecord_free(&r);
	free(data);
	form_free(&fm);
	app_close(&a);
	return cli_exit_code(rv);
}

/* ---- project list ----------------------------------------------------------------- */

#define PL_NAME_W 30u
#define PL_STAGE_W 9u
#define PL_TOWN_W 12u
#define PL_LEADER_W 10u
#define PL_MONEY_W 14u

#define PL_FLAGS_W 20u

struct project_list {
	int stage;                   /* 0: any */
	const char *township, *leader;
	int csv, overdue, no_evidence;
	struct project_facts *facts; /* approvals and statistics evidence */
	unsigned count, unreadable;
};

static void money_cell(int64_t fen, char *out, size_t cap)
{
	money_format_wan(fen, out, cap);
}

static void project_list_header(const struct project_list *pl)
{
	static const char *const csv_head[] = {
		"项目标识", "项目名称", "项目代码", "计划年度", "阶段", "所在乡镇", "包抓领导",
		"总投资(万元)", "年度计划投资(万元)", "项目类别", "产业链", "投资类型",
		"重点级别", "业主单位", "牵头单位", "计划开工", "计划竣工", "建设内容",
		"≥500万", "≥1亿", "缺佐证", "手续逾期", "服务器版本", "待发送修改"};
	size_t i;
	if (pl->csv) {
		csv_begin(stdout);
		for (i = 0; i < sizeof csv_head / sizeof csv_head[0]; i++)
			csv_field(stdout, csv_head[i], i == 0, 1);
		csv_end_row(stdout);
		return;
	}
	table_cell(stdout, "标识", UID_SHOW, 0);
	fputs("  ", stdout);
	table_cell(stdout, "项目名称", PL_NAME_W, 0);
	fputs("  ", stdout);
	table_cell(stdout, "阶段", PL_STAGE_W, 0);
	fputs("  ", stdout);
	table_cell(stdout, "所在乡镇", PL_TOWN_W, 0);
	fputs("  ", stdout);
	table_cell(stdout, "包抓领导", PL_LEADER_W, 0);
	fputs("  ", stdout);
	table_cell(stdout, "标记", PL_FLAGS_W, 0);
	fputs("  ", stdout);
	table_cell(stdout, "总投资(万元)", PL_MONEY_W, 1);
	fputs("  ", stdout);
	table_cell(stdout, "年度计划(万元)", PL_MONEY_W, 1);
	fputs("  待发\n", stdout);
}

static int project_list_row(void *ctx, const struct lrecord *r)
{
	struct project_list *pl = ctx;
	struct wire_arena a;
	Baosong__V1__Project *p = project_unpack(&a, r->data, r->data_len);
	struct project_flags fl;
	char total[32], annual[32], num[32], flags[64];

	if (!p) {
		pl->unreadable++;
		return 0;
	}
	project_flags_of(pl->facts, r->uid, p->total_investment_fen, (int)p->stage, &fl);
	if ((pl->stage && (int)p->stage != pl->stage) ||
	    (pl->township && !strstr(str_or_empty(p->township), pl->township)) ||
	    (pl->leader && !strstr(str_or_empty(p->leader), pl->leader)) ||
	    (pl->overdue && !fl.overdue) || (pl->no_evidence && !fl.no_evidence))
		goto out;
	pl->count++;
	money_cell(p->total_investment_fen, total, sizeof total);
	money_cell(p->annual_plan_fen, annual, sizeof annual);
	if (pl->csv) {
		csv_field(stdout, r->uid, 1, 0);
		csv_field(stdout, p->name, 0, 1);
		csv_field(stdout, p->code, 0, 1);
		snprintf(num, sizeof num, "%u", p->plan_year);
		csv_field(stdout, num, 0, 0);
		csv_field(stdout, form_stage_zh((int)p->stage), 0, 1);
		csv_field(stdout, p->township, 0, 1);
		csv_field(stdout, p->leader, 0, 1);
		csv_field(stdout, total, 0, 0);
		csv_field(stdout, annual, 0, 0);
		csv_field(stdout, p->category, 0, 1);
		csv_field(stdout, p->industry_chain, 0, 1);
		csv_field(stdout, p->investment_type, 0, 1);
		csv_field(stdout, p->level, 0, 1);
		csv_field(stdout, p->owner, 0, 1);
		csv_field(stdout, p->lead_unit, 0, 1);
		csv_field(stdout, p->start_date, 0, 1);
		csv_field(stdout, p->end_date, 0, 1);
		csv_field(stdout, p->contents, 0, 1);
		csv_field(stdout, fl.over_stats ? "是" : "否", 0, 1);
		csv_field(stdout, fl.major ? "是" : "否", 0, 1);
		csv_field(stdout, fl.no_evidence ? "是" : "否", 0, 1);
		csv_field(stdout, fl.overdue ? "是" : "否", 0, 1);
		snprintf(num, sizeof num, "%llu", (unsigned long long)r->rev);
		csv_field(stdout, num, 0, 0);
		snprintf(num, sizeof num, "%u", r->pending);
		csv_field(stdout, num, 0, 0);
		csv_end_row(stdout);
		goto out;
	}
	printf("%-*.*s  ", UID_SHOW, UID_SHOW, r->uid);
	table_cell(stdout, p->name, PL_NAME_W, 0);
	fputs("  ", stdout);
	table_cell(stdout, form_stage_zh((int)p->stage), PL_STAGE_W, 0);
	fputs("  ", stdout);
	table_cell(stdout, p->township, PL_TOWN_W, 0);
	fputs("  ", stdout);
	table_cell(stdout, p->leader, PL_LEADER_W, 0);
	fputs("  ", stdout);
	project_flags_text(&fl, flags, sizeof flags);
	table_cell(stdout, flags, PL_FLAGS_W, 0);
	fputs("  ", stdout);
	table_cell(stdout, total, PL_MONEY_W, 1);
	fputs("  ", stdout);
	table_cell(stdout, annual, PL_MONEY_W, 1);
	printf("%s%s\n", *pending_mark(r) ? "  " : "", pending_mark(r));
out:
	baosong__v1__project__free_unpacked(p, &a.alloc);
	return 0;
}

static int check_filter(const char *opt, const char *s)
{
	if (strlen(s) > FILTER_MAX) {
		fprintf(stderr, "baosong: %s 过长 is too long (at most %u bytes)\n", opt,
			FILTER_MAX);
		return BS_E_INVAL;
	}
	return BS_OK;
}

static int project_list(int argc, char **argv)
{
	static const struct option opts[] = {{"stage", required_argument, 0, O_STAGE},
					     {"township", required_argument, 0, O_TOWNSHIP},
					     {"leader", required_argument, 0, O_LEADER},
					     {"overdue", no_argument, 0, O_OVERDUE},
					     {"no-evidence", no_argument, 0, O_NO_EVIDENCE},
					     {"csv", no_argument, 0, O_CSV},
					     {"dir", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	struct project_list pl;
	const char *dir = NULL, *stage = NULL;
	struct app a;
	int c, rv;

	memset(&pl, 0, sizeof pl);
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case O_STAGE: stage = optarg; break;
		case O_TOWNSHIP: pl.township = optarg; break;
		case O_LEADER: pl.leader = optarg; break;
		case O_OVERDUE: pl.overdue = 1; break;
		case O_NO_EVIDENCE: pl.no_evidence = 1; break;
		case O_CSV: pl.csv = 1; break;
		case 'd': dir = optarg; break;
		case 'h':
			printf("baosong project list [--stage STAGE] [--township T] [--leader L] "
			       "[--overdue]\n                     [--no-evidence] [--csv] "
			       "[--dir DIR]\n"
			       "  The projects this device holds (项目库), with the ones whose "
			       "changes are not sent\n  yet marked *.  --township and --leader "
			       "match any part of the name.\n"
			       "  标记 flags: ≥500万 (统计起报点 statistics threshold), ≥1亿 (重大项目 "
			       "major),\n  缺佐证 (started, ≥500万, and its 入库纳统 evidence is missing "
			       "or incomplete),\n  手续逾期 (an approval item is overdue).\n"
			       "  --overdue      only projects with an overdue approval item\n"
			       "  --no-evidence  only projects marked 缺佐证\n"
			       "  --csv writes UTF-8 CSV with a byte order mark, which Excel and WPS "
			       "open directly.\n"
			       "Example:\n"
			       "  baosong project list --stage 新开工 --township 城关镇\n"
			       "  baosong project list --leader 张伟 --overdue\n"
			       "  baosong project list --csv > 项目库.csv\n");
			return 0;
		default: return EX_USAGE_;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "baosong project list: unexpected argument (see --help)\n");
		return EX_USAGE_;
	}
	if (stage && form_stage_parse(stage, &pl.stage) != BS_OK) {
		fprintf(stderr, "baosong: 未知的项目阶段 unknown stage; stages: " FORM_STAGE_CHOICES
				"\n");
		return cli_exit_code(BS_E_INVAL);
	}
	if ((pl.township && check_filter("--township", pl.township) != BS_OK) ||
	    (pl.leader && check_filter("--leader", pl.leader) != BS_OK))
		return cli_exit_code(BS_E_INVAL);
	app_blank(&a);
	if ((rv = app_open_cli(dir, &a, NULL)) != BS_OK)
		goto out;
	if ((rv = project_facts_load(a.db, wire_now_ms(), &pl.facts)) != BS_OK) {
		fprintf(stderr, "baosong: 读取本地数据失败 cannot read the local database: %s\n",
			bs_strerror(rv));
		goto out;
	}
	project_list_header(&pl);
	rv = localdb_record_each(a.db, REC_KIND_PROJECT, 0, project_list_row, &pl);
	if (rv != BS_OK) {
		fprintf(stderr, "baosong: 读取本地数据失败 cannot read the local database: %s\n",
			bs_strerror(rv));
		goto out;
	}
	if (!pl.csv)
		printf("共 %u 个项目 %u project%s; * = 有未发送的修改 changes not sent yet\n",
		       pl.count, pl.count, pl.count == 1 ? "" : "s");
	if (pl.unreadable)
		fprintf(stderr, "baosong: %u 条记录无法解析 stored records could not be read\n",
			pl.unreadable);
	rv = cli_write_error();
out:
	project_facts_free(pl.facts);
	app_close(&a);
	return cli_exit_code(rv);
}

/* ---- project show ----------------------------------------------------------------- */

static void show_line(const char *label, const char *value, int multiline)
{
	static const char indent[LABEL_W + 1] = "                              ";
	table_cell(stdout, label, LABEL_W, 0);
	table_text(stdout, value, multiline, indent);
	fputc('\n', stdout);
}

static void show_money(const char *label, int64_t fen)
{
	char num[32], buf[48];
	money_format_wan(fen, num, sizeof num);
	snprintf(buf, sizeof buf, "%s 万元", num);
	show_line(label, buf, 0);
}

struct report_stats {
	const char *project_uid;
	unsigned count;
	int64_t latest;            /* Monday of the latest week, or INT64_MIN */
};

static int count_reports(void *ctx, const struct lrecord *r)
{
	struct report_stats *rs = ctx;
	struct wire_arena a;
	Baosong__V1__WeeklyReport *w = weekly_unpack(&a, r->data, r->data_len);
	int64_t monday;
	if (!w)
		return 0;
	if (w->project_uid && strcmp(w->project_uid, rs->project_uid) == 0) {
		rs->count++;
		if (w->period && period_parse_week(w->period, &monday) == BS_OK &&
		    monday > rs->latest)
			rs->latest = monday;
	}
	baosong__v1__weekly_report__free_unpacked(w, &a.alloc);
	return 0;
}

static void show_project(struct localdb *db, const struct lrecord *r,
			 const Baosong__V1__Project *p)
{
	struct report_stats rs = {r->uid, 0, INT64_MIN};
	char buf[160], when[32];

	show_line("项目标识 id", r->uid, 0);
	show_line("项目名称 name", p->name, 0);
	show_line("项目代码 code", p->code, 0);
	snprintf(buf, sizeof buf, "%u", p->plan_year);
	show_line("计划年度 plan year", buf, 0);
	{
		snprintf(buf, sizeof buf, "%s %s", form_stage_zh((int)p->stage),
			 form_stage_en((int)p->stage));
		show_line("项目阶段 stage", buf, 0);
	}
	show_line("项目类别 category", p->category, 0);
	show_line("产业链 industry chain", p->industry_chain, 0);
	show_line("投资类型 investment type", p->investment_type, 0);
	show_line("重点级别 level", p->level, 0);
	show_line("所在乡镇 township", p->township, 0);
	show_line("包抓领导 leader", p->leader, 0);
	show_line("业主单位 owner", p->owner, 0);
	show_line("牵头单位 lead unit", p->lead_unit, 0);
	show_money("总投资 total investment", p->total_investment_fen);
	show_money("年度计划投资 annual plan", p->annual_plan_fen);
	snprintf(buf, sizeof buf, "%s%s",
		 p->total_investment_fen >= 500 * FEN_PER_WAN ? "达到统计起报点 ≥500万元"
							      : "未达统计起报点 <500万元",
		 p->total_investment_fen >= FEN_PER_YI ? "；亿元以上重大项目 ≥1亿元" : "");
	show_line("规模 scale", buf, 0);
	show_line("计划开工 planned start", p->start_date, 0);
	show_line("计划竣工 planned end", p->end_date, 0);
	show_line("建设内容 contents", p->contents, 1);
	snprintf(buf, sizeof buf, "%lld", (long long)r->unit_id);
	show_line("填报单位 unit", buf, 0);
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
	if (r->refused)
		show_line("被拒 refused", "服务器拒收了本机的修改，本机显示的不是县里的数据；"
					  "`baosong status` 列出原因，`baosong discard SEQ` 恢复服务器版本 "
					  "the server refused a change made here: this device does not "
					  "show what the county holds", 1);
	if (r->conflicted)
		show_line("冲突 conflict", "有字段与他人的修改冲突：`baosong resolve SEQ` "
					   "a field conflicts with someone else's change", 1);
	fmt_local(r->updated_at, when, sizeof when);
	show_line("最后修改 last change", when, 0);
	if (localdb_record_each(db, REC_KIND_WEEKLY, 0, count_reports, &rs) == BS_OK) {
		char week[9] = "";
		if (rs.count)
			period_format_week(rs.latest, week);
		snprintf(buf, sizeof buf, "%u%s%s%s", rs.count, rs.count ? " (最近 latest " : "",
			 week, rs.count ? ")" : "");
		show_line("周报 weekly reports", buf, 0);
	}
}

static int project_show(int argc, char **argv)
{
	static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dir = NULL;
	struct app a;
	struct lrecord r;
	struct wire_arena arena;
	Baosong__V1__Project *p = NULL;
	int have_r = 0, c, rv;

	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'h':
			printf("baosong project show ID [--dir DIR]\n"
			       "  Every field of one project, its scale, and whether the server "
			       "has it yet.\n  ID is the project's id or its first %u or more "
			       "characters.\n"
			       "Example:\n  baosong project show 3fa1c2\n",
			       UID_PREFIX_MIN);
			return 0;
		default: return EX_USAGE_;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "baosong project show: give one project id (see --help)\n");
		return EX_USAGE_;
	}
	app_blank(&a);
	if ((rv = app_open_cli(dir, &a, NULL)) != BS_OK ||
	    (rv = find_record(a.db, REC_KIND_PROJECT, argv[optind], &r)) != BS_OK)
		goto out;
	have_r = 1;
	if (!(p = project_unpack(&arena, r.data, r.data_len))) {
		fprintf(stderr, "baosong: 本地记录无法解析 the stored project %s cannot be read\n",
			r.uid);
		rv = BS_E_INVAL;
		goto out;
	}
	show_project(a.db, &r, p);
	rv = cli_write_error();
out:
	if (p)
		baosong__v1__project__free_unpacked(p, &arena.alloc);
	if (have_r)
		lrecord_free(&r);
	app_close(&a);
	return cli_exit_code(rv);
}

static void project_usage(FILE *f)
{
	fprintf(f, "baosong project add|edit|list|show ... [--dir DIR]\n"
		   "  The project library (项目库) of this unit, kept on this device and sent "
		   "by sync.\n"
		   "  baosong project add --name NAME --year YEAR --stage STAGE --total WAN ...\n"
		   "  baosong project edit ID [--stage STAGE] [--annual WAN] ...\n"
		   "  baosong project list [--stage S] [--township T] [--leader L] [--overdue] "
		   "[--csv]\n"
		   "  baosong project show ID\n"
		   "  `baosong project SUBCOMMAND --help` explains each.\n");
}

int cmd_project(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;
	if (!sub) {
		project_usage(stderr);
		return EX_USAGE_;
	}
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
		project_usage(stdout);
		return 0;
	}
	if (!strcmp(sub, "add"))
		return project_add(argc - 1, cli_name_argv(argv + 1, "baosong project add"));
	if (!strcmp(sub, "edit"))
		return project_edit(argc - 1, cli_name_argv(argv + 1, "baosong project edit"));
	if (!strcmp(sub, "list"))
		return project_list(argc - 1, cli_name_argv(argv + 1, "baosong project list"));
	if (!strcmp(sub, "show"))
		return project_show(argc - 1, cli_name_argv(argv + 1, "baosong project show"));
	fprintf(stderr, "baosong project: unknown subcommand (add, edit, list, show)\n");
	return EX_USAGE_;
}

