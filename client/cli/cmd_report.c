/* cmd_report.c - baosong report add | edit | list: weekly progress reports
 * (周报), entered and read offline.  An edit changes only the fields it
 * names; photos are copied into this device's attachment store when they
 * are attached (attach.h); warnings at entry come from entry.h. */
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
#include "bs_limits.h"
#include "cli.h"
#include "cliutil.h"
#include "commands.h"
#include "entry.h"
#include "err.h"
#include "kinds.h"
#include "merge.h"
#include "money.h"
#include "net.h"
#include "period.h"
#include "reconcile.h"
#include "records.h"
#include "records_cli.h"
#include "form.h"
#include "save.h"
#include "sync.h"
#include "table.h"
#include "wire.h"

/* ---- report add / edit ------------------------------------------------------------ */

/* Hash the photo at arg into ph and check that it is an image (JPEG, PNG,
 * HEIC); failures are explained on stderr. */
static int photo_hash(const char *arg, struct form_file *ph)
{
	int rv = cli_file_hash(arg, "照片", "photo", &ph->path, &ph->size, ph->hash), type;
	if (rv != BS_OK)
		return rv;
	type = attach_image_type(ph->path);
	if (type == ATTACH_NOT_IMAGE) {
		fprintf(stderr, "baosong: 照片不是图片 the photo %s is not an image: a site photo "
				"must be a JPEG, PNG or HEIC file (照片须为 JPEG、PNG 或 HEIC 格式)\n",
			arg);
		return BS_E_INVAL;
	}
	if (type < 0) {
		fprintf(stderr, "baosong: 无法读取照片 cannot read the photo %s: %s\n", arg,
			bs_strerror(type));
		return type;
	}
	return BS_OK;
}

/* Copy each photo into this device's attachment store (save_keep_files):
 * the report owns them from now on.  Explains failures. */
static int photos_keep(struct app *a, struct form_file *photos, size_t n)
{
	size_t failed = 0;
	int rv = save_keep_files(a->dir, photos, n, &failed);
	if (rv == BS_E_CORRUPT)
		fprintf(stderr, "baosong: 照片在读取时被修改 the photo %s changed while it was "
				"being attached; attach it again\n", photos[failed].path);
	else if (rv != BS_OK)
		fprintf(stderr, "baosong: 无法保存照片副本 cannot keep a copy of %s in %s/files: "
				"%s (%s)\n", photos[failed].path, a->dir, bs_strerror_zh(rv),
			bs_strerror(rv));
	return rv;
}

/* An existing report of the same project and week. */
struct same_week {
	const char *project_uid;
	int64_t monday;
	const char *skip_uid;
	char uid[LDB_UID_MAX + 1];
};

static int find_same_week(void *ctx, const struct lrecord *r)
{
	struct same_week *sw = ctx;
	struct wire_arena a;
	Baosong__V1__WeeklyReport *w = weekly_unpack(&a, r->data, r->data_len);
	int64_t monday;
	int found = 0;
	if (!w)
		return 0;
	if (w->project_uid && strcmp(w->project_uid, sw->project_uid) == 0 && w->period &&
	    period_parse_week(w->period, &monday) == BS_OK && monday == sw->monday) {
		snprintf(sw->uid, sizeof sw->uid, "%s", r->uid);
		found = 1;
	}
	baosong__v1__weekly_report__free_unpacked(w, &a.alloc);
	return found;
}

/* The options of add and edit (NULL: not given). */
struct report_opts {
	const char *dir, *project, *week, *period, *ytd, *total, *progress, *percent, *problems;
	const char *photo_args[REC_ATTACH_MAX];
	size_t nphoto;
	int replace;
	unsigned clear;            /* CLEAR_* */
};

enum {
	CLEAR_PERIOD = 1u << 0,
	CLEAR_PROGRESS = 1u << 1,
	CLEAR_PERCENT = 1u << 2,
	CLEAR_PROBLEMS = 1u << 3,
	CLEAR_PHOTOS = 1u << 4,
};

static const struct clear_name {
	const char *name;
	unsigned bit;
} clear_names[] = {
	{"period", CLEAR_PERIOD},     {"progress", CLEAR_PROGRESS},
	{"percent", CLEAR_PERCENT},   {"problems", CLEAR_PROBLEMS},
	{"photos", CLEAR_PHOTOS},     {"photo", CLEAR_PHOTOS},
};

/* Parse the options; -1 to go on, else an exit status. */
static int report_opts_parse(int argc, char **argv, struct report_opts *o, int edit,
			     void (*help)(void))
{
	static const struct option opts[] = {{"project", required_argument, 0, O_PROJECT},
					     {"week", required_argument, 0, O_WEEK},
					     {"period", required_argument, 0, O_PERIOD},
					     {"ytd", required_argument, 0, O_YTD},
					     {"total", required_argument, 0, O_TOTAL},
					     {"progress", required_argument, 0, O_PROGRESS},
					     {"percent", required_argument, 0, O_PERCENT},
					     {"problems", required_argument, 0, O_PROBLEMS},
					     {"photo", required_argument, 0, O_PHOTO},
					     {"replace", no_argument, 0, O_REPLACE},
					     {"clear", required_argument, 0, O_CLEAR},
					     {"dir", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	size_t i;
	int c;
	memset(o, 0, sizeof *o);
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case O_PROJECT: o->project = optarg; break;
		case O_WEEK: o->week = optarg; break;
		case O_PERIOD: o->period = optarg; break;
		case O_YTD: o->ytd = optarg; break;
		case O_TOTAL: o->total = optarg; break;
		case O_PROGRESS: o->progress = optarg; break;
		case O_PERCENT: o->percent = optarg; break;
		case O_PROBLEMS: o->problems = optarg; break;
		case O_PHOTO:
			if (o->nphoto == REC_ATTACH_MAX) {
				fprintf(stderr, "baosong: 照片过多 at most %u photos per report\n",
					REC_ATTACH_MAX);
				return cli_exit_code(BS_E_TOOBIG);
			}
			o->photo_args[o->nphoto++] = optarg;
			break;
		case O_REPLACE: o->replace = 1; break;
		case O_CLEAR:
			for (i = 0; i < sizeof clear_names / sizeof clear_names[0]; i++)
				if (strcmp(optarg, clear_names[i].name) == 0)
					break;
			if (!edit || i == sizeof clear_names / sizeof clear_names[0]) {
				fprintf(stderr, "baosong report edit: --clear takes one of period, "
						"progress, percent, problems, photos\n");
				return EX_USAGE_;
			}
			o->clear |= clear_names[i].bit;
			break;
		case 'd': o->dir = optarg; break;
		case 'h': help(); return 0;
		default: return EX_USAGE_;
		}
	}
	if (o->replace) {
		/* It used to reset every field not given (a 62% progress became
		 * 0%): gone, so nothing is cleared without being named. */
		fprintf(stderr, "baosong: --replace 已取消 was removed: it cleared every field not "
				"given.  改用 use `baosong report edit ID --ytd WAN ...`: only the "
				"fields named change (--clear FIELD empties one)\n");
		return EX_USAGE_;
	}
	return -1;
}

/* Put the figures given into w, through the client core's form (form.h;
 * the strings live in fm).  A refused amount is named without "_fen", as
 * the rules name it. */
static int report_apply(struct form *fm, const struct report_opts *o,
			Baosong__V1__WeeklyReport *w, struct rec_error *err)
{
	const struct {
		const char *field, *value;
	} given[] = {
		{"invested_period_fen", o->period}, {"invested_ytd_fen", o->ytd},
		{"invested_total_fen", o->total},   {"progress_percent", o->percent},
		{"progress", o->progress},          {"problems", o->problems},
	};
	size_t i, n;
	int rv;
	if (o->clear & CLEAR_PERIOD)
		w->invested_period_fen = 0;
	if (o->clear & CLEAR_PROGRESS)
		w->progress = (char *)"";
	if (o->clear & CLEAR_PERCENT)
		w->progress_percent = 0;
	if (o->clear & CLEAR_PROBLEMS)
		w->problems = (char *)"";
	for (i = 0; i < sizeof given / sizeof given[0]; i++) {
		if (!given[i].value)
			continue;
		if ((rv = form_set(fm, &w->base, given[i].field, given[i].value, err)) != BS_OK) {
			n = strlen(err->field);
			if (n > 4 && strcmp(err->field + n - 4, "_fen") == 0)
				err->field[n - 4] = '\0';
			return rv;
		}
	}
	return BS_OK;
}

/* The attachment list: those kept from before (keep), then the photos
 * given, each once. */
static void report_attachments(const struct form_file *photos, size_t nphoto,
			       const struct lrecord *keep, uint8_t att[][LDB_HASH_LEN],
			       size_t *natt)
{
	size_t i, k, n = 0;
	for (i = 0; keep && i < keep->n_attachments && n < REC_ATTACH_MAX; i++)
		memcpy(att[n++], keep->attachments[i], LDB_HASH_LEN);
	for (i = 0; i < nphoto && n < REC_ATTACH_MAX; i++) {
		for (k = 0; k < n && memcmp(att[k], photos[i].hash, LDB_HASH_LEN) != 0; k++)
			;
		if (k == n)
			memcpy(att[n++], photos[i].hash, LDB_HASH_LEN);
	}
	*natt = n;
}

static void report_add_help(void)
{
	printf("baosong report add --project ID --ytd WAN --total WAN [options]\n"
	       "  Record a weekly progress report (周报; due Fridays 12:00) for a project on "
	       "this device;\n  the next `baosong sync` sends it with its photos.  Prints "
	       "the report's id.\n"
	       "  --project ID       the project (its id or first %u+ characters)\n"
	       "  --week YYYY-Www    ISO week (default: this week, Beijing time)\n"
	       "  --period WAN       本期完成投资 invested this week, 万元 (default 0)\n"
	       "  --ytd WAN          本年累计完成投资 invested this year so far, 万元\n"
	       "  --total WAN        开工累计完成投资 invested since the start, 万元\n"
	       "  --progress TEXT    形象进度 physical progress\n"
	       "  --percent N        形象进度百分比 0-100\n"
	       "  --problems TEXT    存在问题 problems met\n"
	       "  --photo FILE       现场照片 site photo, JPEG/PNG/HEIC (repeat, at most %u, "
	       "each up to %llu MiB);\n                     a copy is kept in the data "
	       "directory, so the file may go afterwards\n"
	       "  --dir DIR          data directory\n"
	       "  The week's report exists already?  Correct it with `baosong report edit "
	       "ID`.\n"
	       "  Warns (提醒) when the report is late, has no photo, or a cumulative figure "
	       "is\n  lower than the previous week's.\n"
	       "Example:\n"
	       "  baosong report add --project 3fa1c2 --period 120 --ytd 860.5 --total 2300 \\\n"
	       "      --progress '主体结构完成80%%' --percent 45 --photo site1.jpg "
	       "--photo site2.jpg\n",
	       UID_PREFIX_MIN, REC_ATTACH_MAX, (unsigned long long)(BS_MAX_FILE_BYTES >> 20));
}

static void report_edit_help(void)
{
	printf("baosong report edit ID [options]\n"
	       "  Correct a weekly report (更正周报): only the fields named change; every "
	       "other\n  field keeps its value.  ID is the report's id or its first %u+ "
	       "characters.\n"
	       "  --period WAN --ytd WAN --total WAN --progress TEXT --percent N "
	       "--problems TEXT\n                     as for `report add`\n"
	       "  --photo FILE       add a site photo (the report's photos stay)\n"
	       "  --clear FIELD      empty a field: period, progress, percent, problems, "
	       "or photos\n                     (nothing is cleared unless named)\n"
	       "  --dir DIR          data directory\n"
	       "Example:\n"
	       "  baosong report edit 9b0e1f --ytd 160\n",
	       UID_PREFIX_MIN);
}

/* Everything add and edit share once the new data is known: validate,
 * warn, keep the photos, save, tell.  old is the record corrected (NULL
 * for a new one). */
static int report_commit(struct app *a, const struct app_server *srv, const char *uid,
			 int64_t unit_id, const Baosong__V1__WeeklyReport *w,
			 const struct lrecord *old, const struct report_opts *o, int64_t now)
{
	struct form_file photos[REC_ATTACH_MAX];
	uint8_t att[REC_ATTACH_MAX][LDB_HASH_LEN];
	struct entry_warnings warn;
	struct rec_error err;
	char name[REC_NAME_MAX + 1], hex[LDB_HASH_LEN * 2 + 1];
	uint8_t *data = NULL;
	size_t len = 0, natt = 0, i;
	uint64_t seq = 0;
	int rv;

	memset(photos, 0, sizeof photos);
	memset(&warn, 0, sizeof warn);
	if ((rv = pack_msg(&w->base, &data, &len)) != BS_OK)
		goto out;
	{
		struct rec_lookup lk;
		struct rec_ctx rc;
		rec_ctx_init(&rc, &lk, a->db, srv, now);
		if ((rv = records_validate(REC_KIND_WEEKLY, data, len, &rc, &err)) != BS_OK) {
			print_rec_error(&err);
			goto out;
		}
	}
	for (i = 0; i < o->nphoto; i++)
		if ((rv = photo_hash(o->photo_args[i], &photos[i])) != BS_OK)
			goto out;
	report_attachments(photos, o->nphoto, (o->clear & CLEAR_PHOTOS) ? NULL : old, att,
			   &natt);
	if (old && len == old->data_len && (len == 0 || !memcmp(data, old->data, len)) &&
	    natt == old->n_attachments &&
	    (natt == 0 || !memcmp(att, old->attachments, natt * LDB_HASH_LEN))) {
		fprintf(stderr, "没有变化 nothing changed; nothing queued\n");
		printf("%s\n", uid);
		goto out;
	}
	if ((rv = photos_keep(a, photos, o->nphoto)) != BS_OK)
		goto out;
	if (save_warnings(a->db, REC_KIND_WEEKLY, old ? uid : NULL, unit_id, &w->base, data, len,
			  natt, now, &warn) == BS_OK)
		print_warnings(&warn);
	rv = save_queue(a->db, REC_KIND_WEEKLY, uid, unit_id, data, len,
			(const uint8_t(*)[LDB_HASH_LEN])att, natt, photos, o->nphoto, now, &seq);
	if (rv != BS_OK) {
		fprintf(stderr, "baosong: 保存失败 cannot save: %s\n", bs_strerror(rv));
		goto out;
	}
	printf("%s\n", uid);
	for (i = 0; i < o->nphoto; i++) {
		sodium_bin2hex(hex, sizeof hex, photos[i].hash, LDB_HASH_LEN);
		printf("photo %.16s %s (%llu bytes)\n", hex, o->photo_args[i],
		       (unsigned long long)photos[i].size);
	}
	project_name(a->db, w->project_uid, name, sizeof name);
	fprintf(stderr, "%s周报 %s report for %s «", old ? "已更正" : "已保存",
		old ? "corrected the" : "saved the", w->period);
	table_text(stderr, name, 0, NULL);
	fprintf(stderr, "», %zu 张照片 photo%s (待发送 queued as #%llu)\n", natt,
		natt == 1 ? "" : "s", (unsigned long long)seq);
out:
	for (i = 0; i < REC_ATTACH_MAX; i++) {
		free(photos[i].path);
		free(photos[i].stored);
	}
	free(data);
	return rv;
}

static int report_add(int argc, char **argv)
{
	struct report_opts o;
	Baosong__V1__WeeklyReport w = BAOSONG__V1__WEEKLY_REPORT__INIT;
	struct same_week sw;
	struct rec_error err;
	struct app a;
	struct app_server srv;
	struct lrecord proj;
	struct form fm;
	int have_proj = 0, rv;
	char uid[LDB_UID_MAX + 1], weekbuf[9];
	int64_t now = wire_now_ms(), monday;

	if ((rv = report_opts_parse(argc, argv, &o, 0, report_add_help)) >= 0)
		return rv;
	if (optind < argc) {
		fprintf(stderr, "baosong report add: unexpected argument (values go after their "
				"option; quote text with spaces)\n");
		return EX_USAGE_;
	}
	if (!o.project || !o.ytd || !o.total) {
		fprintf(stderr, "baosong report add: 缺少必填项 needs --project, --ytd and --total "
				"(see --help)\n");
		return EX_USAGE_;
	}
	memset(&err, 0, sizeof err);
	form_init(&fm, REC_KIND_WEEKLY, NULL);
	if ((rv = report_apply(&fm, &o, &w, &err)) != BS_OK) {
		print_rec_error(&err);
		form_free(&fm);
		return cli_exit_code(rv);
	}
	/* The week, in its canonical spelling; a malformed one is left for
	 * records_validate to name. */
	if (!o.week) {
		period_format_week(period_local_days(now), weekbuf);
		o.week = weekbuf;
	} else if (period_parse_week(o.week, &monday) == BS_OK) {
		period_format_week(monday, weekbuf);
		o.week = weekbuf;
	}
	w.period = (char *)o.week;

	app_blank(&a);
	if ((rv = app_open_cli(o.dir, &a, &srv)) != BS_OK ||
	    (rv = find_record(a.db, REC_KIND_PROJECT, o.project, &proj)) != BS_OK)
		goto out;
	have_proj = 1;
	w.project_uid = proj.uid;

	/* One report per project and week: a second one is a correction. */
	memset(&sw, 0, sizeof sw);
	sw.project_uid = proj.uid;
	if (period_parse_week(o.week, &sw.monday) == BS_OK) {
		rv = localdb_record_each(a.db, REC_KIND_WEEKLY, 0, find_same_week, &sw);
		if (rv < 0) {
			fprintf(stderr, "baosong: 读取本地数据失败 cannot read the local database: "
					"%s\n", bs_strerror(rv));
			goto out;
		}
		rv = BS_OK;
	}
	if (sw.uid[0]) {
		fprintf(stderr, "baosong: 该项目 %s 周的周报已存在 this project's report for %s "
				"exists already: %s\n  更正请用 correct it with `baosong report edit "
				"%.8s --ytd WAN ...` (only the fields named change)\n",
			o.week, o.week, sw.uid, sw.uid);
		rv = BS_E_INVAL;
		goto out;
	}
	records_new_uid(uid);
	rv = report_commit(&a, &srv, uid, proj.unit_id, &w, NULL, &o, now);
out:
	if (have_proj)
		lrecord_free(&proj);
	form_free(&fm);
	app_close(&a);
	return cli_exit_code(rv);
}

static int report_edit(int argc, char **argv)
{
	struct report_opts o;
	Baosong__V1__WeeklyReport *w = NULL, q;
	struct wire_arena arena;
	struct rec_error err;
	struct app a;
	struct app_server srv;
	struct lrecord r;
	struct form fm;
	int have_r = 0, rv;
	int64_t now = wire_now_ms();

	if ((rv = report_opts_parse(argc, argv, &o, 1, report_edit_help)) >= 0)
		return rv;
	if (argc - optind != 1) {
		fprintf(stderr, "baosong report edit: give one report id (see --help)\n");
		return EX_USAGE_;
	}
	if (o.project || o.week) {
		fprintf(stderr, "baosong report edit: a report's project and week do not change; "
				"add a report for the other week with `baosong report add`\n");
		return EX_USAGE_;
	}
	if (!o.period && !o.ytd && !o.total && !o.progress && !o.percent && !o.problems &&
	    !o.nphoto && !o.clear) {
		fprintf(stderr, "baosong report edit: 没有要修改的内容 nothing to change: name the "
				"fields to change, e.g. --ytd 160\n");
		return EX_USAGE_;
	}
	app_blank(&a);
	form_init(&fm, REC_KIND_WEEKLY, NULL);
	if ((rv = app_open_cli(o.dir, &a, &srv)) != BS_OK ||
	    (rv = find_record(a.db, REC_KIND_WEEKLY, argv[optind], &r)) != BS_OK)
		goto out;
	have_r = 1;
	{
		char msg[SAVE_MSG_LEN];
		if ((rv = save_check_unlocked(&r, msg, sizeof msg)) != BS_OK) {
			fprintf(stderr, "baosong: %s\n", msg);
			goto out;
		}
	}
	if (!(w = weekly_unpack(&arena, r.data, r.data_len))) {
		fprintf(stderr, "baosong: 本地记录无法解析 the stored report %s cannot be read\n",
			r.uid);
		rv = BS_E_INVAL;
		goto out;
	}
	q = *w; /* shares w's strings: packed before w is freed */
	memset(&err, 0, sizeof err);
	if ((rv = report_apply(&fm, &o, &q, &err)) != BS_OK) {
		print_rec_error(&err);
		goto out;
	}
	rv = report_commit(&a, &srv, r.uid, r.unit_id, &q, &r, &o, now);
out:
	if (w)
		baosong__v1__weekly_report__free_unpacked(w, &arena.alloc);
	if (have_r)
		lrecord_free(&r);
	form_free(&fm);
	app_close(&a);
	return cli_exit_code(rv);
}

/* ---- report list -------------------------------------------------------------------- */

#define RL_NAME_W 24u
#define RL_MONEY_W 12u

struct report_list {
	struct localdb *db;
	const char *project_uid;   /* NULL: all */
	int64_t monday;
	int by_week, csv;
	unsigned count, unreadable;
};

static void report_list_header(const struct report_list *rl)
{
	static const char *const csv_head[] = {
		"周报标识", "项目标识", "项目名称", "周次", "本期完成投资(万元)",
		"本年累计完成投资(万元)", "开工累计完成投资(万元)", "形象进度",
		"形象进度(%)", "存在问题", "照片数", "服务器版本", "待发送修改"};
	size_t i;
	if (rl->csv) {
		csv_begin(stdout);
		for (i = 0; i < sizeof csv_head / sizeof csv_head[0]; i++)
			csv_field(stdout, csv_head[i], i == 0, 1);
		csv_end_row(stdout);
		return;
	}
	table_cell(stdout, "标识", UID_SHOW, 0);
	fputs("  ", stdout);
	table_cell(stdout, "项目名称", RL_NAME_W, 0);
	fputs("  ", stdout);
	table_cell(stdout, "周次", 8, 0);
	fputs("  ", stdout);
	table_cell(stdout, "本期(万元)", RL_MONEY_W, 1);
	fputs("  ", stdout);
	table_cell(stdout, "本年累计", RL_MONEY_W, 1);
	fputs("  ", stdout);
	table_cell(stdout, "开工累计", RL_MONEY_W, 1);
	fputs("  ", stdout);
	table_cell(stdout, "进度", 5, 1);
	fputs("  ", stdout);
	table_cell(stdout, "照片", 4, 1);
	fputs("  待发\n", stdout);
}

static int report_list_row(void *ctx, const struct lrecord *r)
{
	struct report_list *rl = ctx;
	struct wire_arena a;
	Baosong__V1__WeeklyReport *w = weekly_unpack(&a, r->data, r->data_len);
	char name[REC_NAME_MAX + 1], m1[32], m2[32], m3[32], num[32];
	int64_t monday;

	if (!w) {
		rl->unreadable++;
		return 0;
	}
	if ((rl->project_uid && strcmp(str_or_empty(w->project_uid), rl->project_uid) != 0) ||
	    (rl->by_week && (period_parse_week(str_or_empty(w->period), &monday) != BS_OK ||
			     monday != rl->monday)))
		goto out;
	rl->count++;
	project_name(rl->db, w->project_uid, name, sizeof name);
	money_format_wan(w->invested_period_fen, m1, sizeof m1);
	money_format_wan(w->invested_ytd_fen, m2, sizeof m2);
	money_format_wan(w->invested_total_fen, m3, sizeof m3);
	if (rl->csv) {
		csv_field(stdout, r->uid, 1, 0);
		csv_field(stdout, w->project_uid, 0, 1);
		csv_field(stdout, name, 0, 1);
		csv_field(stdout, w->period, 0, 1);
		csv_field(stdout, m1, 0, 0);
		csv_field(stdout, m2, 0, 0);
		csv_field(stdout, m3, 0, 0);
		csv_field(stdout, w->progress, 0, 1);
		snprintf(num, sizeof num, "%u", w->progress_percent);
		csv_field(stdout, num, 0, 0);
		csv_field(stdout, w->problems, 0, 1);
		snprintf(num, sizeof num, "%zu", r->n_attachments);
		csv_field(stdout, num, 0, 0);
		snprintf(num, sizeof num, "%llu", (unsigned long long)r->rev);
		csv_field(stdout, num, 0, 0);
		snprintf(num, sizeof num, "%u", r->pending);
		csv_field(stdout, num, 0, 0);
		csv_end_row(stdout);
		goto out;
	}
	printf("%-*.*s  ", UID_SHOW, UID_SHOW, r->uid);
	table_cell(stdout, name[0] ? name : "(未知项目 unknown)", RL_NAME_W, 0);
	fputs("  ", stdout);
	table_cell(stdout, w->period, 8, 0);
	fputs("  ", stdout);
	table_cell(stdout, m1, RL_MONEY_W, 1);
	fputs("  ", stdout);
	table_cell(stdout, m2, RL_MONEY_W, 1);
	fputs("  ", stdout);
	table_cell(stdout, m3, RL_MONEY_W, 1);
	fputs("  ", stdout);
	snprintf(num, sizeof num, "%u%%", w->progress_percent);
	table_cell(stdout, num, 5, 1);
	fputs("  ", stdout);
	snprintf(num, sizeof num, "%zu", r->n_attachments);
	table_cell(stdout, num, 4, 1);
	printf("%s%s\n", *pending_mark(r) ? "  " : "", pending_mark(r));
out:
	baosong__v1__weekly_report__free_unpacked(w, &a.alloc);
	return 0;
}

static int report_list(int argc, char **argv)
{
	static const struct option opts[] = {{"project", required_argument, 0, O_PROJECT},
					     {"week", required_argument, 0, O_WEEK},
					     {"late", no_argument, 0, O_LATE},
					     {"missing", no_argument, 0, O_MISSING},
					     {"weeks", required_argument, 0, O_WEEKS},
					     {"csv", no_argument, 0, O_CSV},
					     {"dir", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	struct report_list rl;
	const char *dir = NULL, *project = NULL, *week = NULL;
	struct lrecord proj;
	struct app a;
	unsigned long long weeks = 4;
	int have_proj = 0, late = 0, missing = 0, weeks_given = 0, c, rv;

	memset(&rl, 0, sizeof rl);
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case O_PROJECT: project = optarg; break;
		case O_WEEK: week = optarg; break;
		case O_LATE: late = 1; break;
		case O_MISSING: missing = 1; break;
		case O_WEEKS:
			if (cli_parse_uint(optarg, 1, 104, &weeks) != BS_OK) {
				fprintf(stderr, "baosong: --weeks must be 1..104\n");
				return EX_USAGE_;
			}
			weeks_given = 1;
			break;
		case O_CSV: rl.csv = 1; break;
		case 'd': dir = optarg; break;
		case 'h':
			printf("baosong report list [--project ID] [--week YYYY-Www] [--csv] "
			       "[--dir DIR]\n"
			       "baosong report list --late | --missing [--weeks N] [--csv]\n"
			       "  The weekly reports on this device: amounts in 万元, progress, "
			       "number of photos,\n  and * for those not sent yet.  --csv writes "
			       "UTF-8 CSV with a byte order mark\n  for Excel and WPS.\n"
			       "  --late     reports the server received after their "
			       "deadline (Friday 12:00,\n             Beijing time); one not sent "
			       "yet counts as arriving now\n"
			       "  --missing  projects in 新开工 or 续建 without a report for "
			       "one of the last N\n             weeks whose deadline has passed "
			       "(--weeks N, default 4): project,\n             week and "
			       "deadline\n"
			       "Example:\n"
			       "  baosong report list --week 2026-W47\n"
			       "  baosong report list --project 3fa1c2 --csv > 周报.csv\n"
			       "  baosong report list --missing --weeks 2\n");
			return 0;
		default: return EX_USAGE_;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "baosong report list: unexpected argument (see --help)\n");
		return EX_USAGE_;
	}
	if ((late && missing) || (weeks_given && !missing) ||
	    ((late || missing) && (project || week))) {
		fprintf(stderr, "baosong report list: --late, --missing [--weeks N] and "
				"--project/--week do not go together (see --help)\n");
		return EX_USAGE_;
	}
	if (late || missing) {
		app_blank(&a);
		if ((rv = app_open_cli(dir, &a, NULL)) == BS_OK)
			rv = kinds_report_query(a.db, REC_KIND_WEEKLY,
						late ? KINDS_LATE : KINDS_MISSING, (unsigned)weeks,
						rl.csv, wire_now_ms());
		app_close(&a);
		return cli_exit_code(rv);
	}
	if (week) {
		if (period_parse_week(week, &rl.monday) != BS_OK) {
			fprintf(stderr, "baosong: 周次格式应为 YYYY-Www --week must be an ISO week "
					"like 2026-W47\n");
			return cli_exit_code(BS_E_INVAL);
		}
		rl.by_week = 1;
	}
	app_blank(&a);
	if ((rv = app_open_cli(dir, &a, NULL)) != BS_OK)
		goto out;
	rl.db = a.db;
	if (project) {
		if ((rv = find_record(a.db, REC_KIND_PROJECT, project, &proj)) != BS_OK)
			goto out;
		have_proj = 1;
		rl.project_uid = proj.uid;
	}
	report_list_header(&rl);
	rv = localdb_record_each(a.db, REC_KIND_WEEKLY, 0, report_list_row, &rl);
	if (rv != BS_OK) {
		fprintf(stderr, "baosong: 读取本地数据失败 cannot read the local database: %s\n",
			bs_strerror(rv));
		goto out;
	}
	if (!rl.csv)
		printf("共 %u 份周报 %u report%s; * = 未发送 not sent yet\n", rl.count, rl.count,
		       rl.count == 1 ? "" : "s");
	if (rl.unreadable)
		fprintf(stderr, "baosong: %u 条记录无法解析 stored records could not be read\n",
			rl.unreadable);
	rv = cli_write_error();
out:
	if (have_proj)
		lrecord_free(&proj);
	app_close(&a);
	return cli_exit_code(rv);
}

static void report_usage(FILE *f)
{
	fprintf(f, "baosong report add|edit|list|show ... [--dir DIR]\n"
		   "  Weekly progress reports (周报), due every Friday by 12:00 Beijing time.\n"
		   "  baosong report add --project ID --ytd WAN --total WAN [--period WAN] "
		   "[--photo FILE]...\n"
		   "  baosong report edit ID [--ytd WAN] [--percent N] ... (only what is named "
		   "changes)\n"
		   "  baosong report list [--project ID] [--week YYYY-Www] [--csv]\n"
		   "  baosong report list --late | --missing [--weeks N]\n"
		   "  baosong report show ID    one report, its photos by full hash\n"
		   "  `baosong report SUBCOMMAND --help` explains each.\n");
}

int cmd_report(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;
	if (!sub) {
		report_usage(stderr);
		return EX_USAGE_;
	}
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
		report_usage(stdout);
		return 0;
	}
	if (!strcmp(sub, "add"))
		return report_add(argc - 1, cli_name_argv(argv + 1, "baosong report add"));
	if (!strcmp(sub, "edit"))
		return report_edit(argc - 1, cli_name_argv(argv + 1, "baosong report edit"));
	if (!strcmp(sub, "list"))
		return report_list(argc - 1, cli_name_argv(argv + 1, "baosong report list"));
	if (!strcmp(sub, "show"))
		return cmd_report_show(argc - 1, cli_name_argv(argv + 1, "baosong report show"));
	fprintf(stderr, "baosong report: unknown subcommand (add, edit, list, show)\n");
	return EX_USAGE_;
}

