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
#include "sync.h"
#include "table.h"
#include "wire.h"

/* ---- report add -------------------------------------------------------------------- */

struct photo {
	char *path;                /* absolute, malloc'd */
	uint64_t size;
	uint8_t hash[LDB_HASH_LEN];
};

/* Hash the photo at arg into ph (cli_file_hash explains failures). */
static int photo_hash(const char *arg, struct photo *ph)
{
	return cli_file_hash(arg, "照片", "photo", &ph->path, &ph->size, ph->hash);
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

/* The figures given on the command line into w. */
static int report_figures(const char *period, const char *ytd, const char *total,
			  const char *percent, Baosong__V1__WeeklyReport *w, struct rec_error *err)
{
	unsigned long long pct;
	int rv;
	if ((period &&
	     (rv = parse_money(err, "invested_period", period, &w->invested_period_fen))) ||
	    (rv = parse_money(err, "invested_ytd", ytd, &w->invested_ytd_fen)) ||
	    (rv = parse_money(err, "invested_total", total, &w->invested_total_fen)))
		return rv;
	if (percent) {
		if (cli_parse_uint(percent, 0, UINT32_MAX, &pct) != BS_OK)
			return field_error(err, "progress_percent", "应为 0 至 100 的整数");
		w->progress_percent = (uint32_t)pct;
	}
	return BS_OK;
}

/* The report's attachment list: the photos' hashes, each once; a
 * correction (old) without photos keeps the photos it had. */
static void report_attachments(const struct photo *photos, size_t nphoto,
			       const struct lrecord *old, uint8_t att[][LDB_HASH_LEN],
			       size_t *natt)
{
	size_t i, k, n = 0;
	for (i = 0; i < nphoto; i++) {
		for (k = 0; k < n && memcmp(att[k], photos[i].hash, LDB_HASH_LEN) != 0; k++)
			;
		if (k == n)
			memcpy(att[n++], photos[i].hash, LDB_HASH_LEN);
	}
	if (n == 0 && old)
		for (k = 0; k < old->n_attachments && k < REC_ATTACH_MAX; k++)
			memcpy(att[n++], old->attachments[k], LDB_HASH_LEN);
	*natt = n;
}

/* In one transaction: remember where each photo is, and queue the report. */
static int report_save(struct localdb *db, const char *uid, int64_t unit_id,
		       const uint8_t *data, size_t len, const struct photo *photos,
		       size_t nphoto, const uint8_t (*att)[LDB_HASH_LEN], size_t natt,
		       int64_t now, uint64_t *seq)
{
	size_t i;
	int rv = localdb_begin(db);
	if (rv != BS_OK)
		return rv;
	for (i = 0; i < nphoto && rv == BS_OK; i++)
		rv = localdb_file_add(db, photos[i].hash, photos[i].path, photos[i].size);
	if (rv == BS_OK)
		rv = localdb_change(db, REC_KIND_WEEKLY, uid, unit_id, data, len, att, natt, 0,
				    now, seq);
	if (rv == BS_OK && (rv = localdb_commit(db)) == BS_OK)
		return BS_OK;
	localdb_rollback(db);
	return rv;
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
	       "  --photo FILE       现场照片 site photo (repeat, at most %u, each up to "
	       "%llu MiB)\n"
	       "  --replace          this project's report for the week exists already: "
	       "send these\n                     figures as its correction (same report; "
	       "photos given\n                     replace the earlier ones, without "
	       "--photo they stay)\n"
	       "  --dir DIR          data directory\n"
	       "Example:\n"
	       "  baosong report add --project 3fa1c2 --period 120 --ytd 860.5 --total 2300 \\\n"
	       "      --progress '主体结构完成80%%' --percent 45 --photo site1.jpg "
	       "--photo site2.jpg\n",
	       UID_PREFIX_MIN, REC_ATTACH_MAX, (unsigned long long)(BS_MAX_FILE_BYTES >> 20));
}

static int report_add(int argc, char **argv)
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
					     {"dir", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dir = NULL, *project = NULL, *week = NULL, *period = NULL, *ytd = NULL;
	const char *total = NULL, *percent = NULL;
	const char *photo_args[REC_ATTACH_MAX];
	struct photo photos[REC_ATTACH_MAX];
	uint8_t att[REC_ATTACH_MAX][LDB_HASH_LEN];
	size_t nphoto = 0, natt = 0, i;
	Baosong__V1__WeeklyReport w = BAOSONG__V1__WEEKLY_REPORT__INIT;
	struct same_week sw;
	struct rec_error err;
	struct app a;
	struct app_server srv;
	struct lrecord proj, old;
	int have_proj = 0, have_old = 0, replace = 0, c, rv;
	char uid[LDB_UID_MAX + 1], weekbuf[9], hex[LDB_HASH_LEN * 2 + 1];
	char name[REC_NAME_MAX + 1];
	int64_t now = wire_now_ms(), monday;
	uint8_t *data = NULL;
	size_t len = 0;
	uint64_t seq = 0;

	memset(photos, 0, sizeof photos);
	memset(&err, 0, sizeof err);
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case O_PROJECT: project = optarg; break;
		case O_WEEK: week = optarg; break;
		case O_PERIOD: period = optarg; break;
		case O_YTD: ytd = optarg; break;
		case O_TOTAL: total = optarg; break;
		case O_PROGRESS: w.progress = optarg; break;
		case O_PERCENT: percent = optarg; break;
		case O_PROBLEMS: w.problems = optarg; break;
		case O_PHOTO:
			if (nphoto == REC_ATTACH_MAX) {
				fprintf(stderr, "baosong: 照片过多 at most %u photos per report\n",
					REC_ATTACH_MAX);
				return cli_exit_code(BS_E_TOOBIG);
			}
			photo_args[nphoto++] = optarg;
			break;
		case O_REPLACE: replace = 1; break;
		case 'd': dir = optarg; break;
		case 'h': report_add_help(); return 0;
		default: return EX_USAGE_;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "baosong report add: unexpected argument (values go after their "
				"option; quote text with spaces)\n");
		return EX_USAGE_;
	}
	if (!project || !ytd || !total) {
		fprintf(stderr, "baosong report add: 缺少必填项 needs --project, --ytd and --total "
				"(see --help)\n");
		return EX_USAGE_;
	}
	if ((rv = report_figures(period, ytd, total, percent, &w, &err)) != BS_OK) {
		print_rec_error(&err);
		return cli_exit_code(rv);
	}
	/* The week, in its canonical spelling; a malformed one is left for
	 * records_validate to name. */
	if (!week) {
		period_format_week(period_local_days(now), weekbuf);
		week = weekbuf;
	} else if (period_parse_week(week, &monday) == BS_OK) {
		period_format_week(monday, weekbuf);
		week = weekbuf;
	}
	w.period = (char *)week;

	app_blank(&a);
	if ((rv = app_open_cli(dir, &a, &srv)) != BS_OK ||
	    (rv = find_record(a.db, REC_KIND_PROJECT, project, &proj)) != BS_OK)
		goto out;
	have_proj = 1;
	w.project_uid = proj.uid;
	if ((rv = pack_msg(&w.base, &data, &len)) != BS_OK)
		goto out;
	{
		struct rec_lookup lk;
		struct rec_ctx rc;
		rec_ctx_init(&rc, &lk, a.db, &srv, now);
		rv = records_validate(REC_KIND_WEEKLY, data, len, &rc, &err);
		if (rv != BS_OK) {
			print_rec_error(&err);
			goto out;
		}
	}

	/* One report per project and week: a second one is a correction. */
	memset(&sw, 0, sizeof sw);
	sw.project_uid = proj.uid;
	if (period_parse_week(week, &sw.monday) != BS_OK) {
		rv = BS_E_INVAL;
		goto out;
	}
	rv = localdb_record_each(a.db, REC_KIND_WEEKLY, 0, find_same_week, &sw);
	if (rv < 0)
		goto dberr;
	rv = BS_OK;
	if (sw.uid[0] && !replace) {
		fprintf(stderr, "baosong: 该项目 %s 周的周报已存在 this project's report for %s "
				"exists already: %s\n  (give --replace to send these figures as "
				"its correction)\n", week, week, sw.uid);
		rv = BS_E_INVAL;
		goto out;
	}
	if (sw.uid[0]) {
		if ((rv = localdb_record_get(a.db, sw.uid, &old)) != BS_OK)
			goto dberr;
		have_old = 1;
		snprintf(uid, sizeof uid, "%s", sw.uid);
	} else {
		records_new_uid(uid);
	}

	for (i = 0; i < nphoto; i++)
		if ((rv = photo_hash(photo_args[i], &photos[i])) != BS_OK)
			goto out;
	report_attachments(photos, nphoto, have_old ? &old : NULL, att, &natt);
	rv = report_save(a.db, uid, proj.unit_id, data, len, photos, nphoto,
			 (const uint8_t(*)[LDB_HASH_LEN])att, natt, now, &seq);
	if (rv != BS_OK)
		goto dberr;
	printf("%s\n", uid);
	for (i = 0; i < nphoto; i++) {
		sodium_bin2hex(hex, sizeof hex, photos[i].hash, LDB_HASH_LEN);
		printf("photo %.16s ", hex);
		table_text(stdout, photos[i].path, 0, NULL);
		printf(" (%llu bytes)\n", (unsigned long long)photos[i].size);
	}
	project_name(a.db, proj.uid, name, sizeof name);
	fprintf(stderr, "%s周报 %s report for %s «", have_old ? "已更正" : "已保存",
		have_old ? "corrected the" : "saved the", week);
	table_text(stderr, name, 0, NULL);
	fprintf(stderr, "», %zu 张照片 photo%s (待发送 queued as #%llu)\n", natt,
		natt == 1 ? "" : "s", (unsigned long long)seq);
	goto out;
dberr:
	fprintf(stderr, "baosong: 保存失败 cannot save: %s\n", bs_strerror(rv));
out:
	for (i = 0; i < nphoto; i++)
		free(photos[i].path);
	if (have_old)
		lrecord_free(&old);
	if (have_proj)
		lrecord_free(&proj);
	free(data);
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
	fputs(r->pending ? "  *\n" : "\n", stdout);
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
	fprintf(f, "baosong report add|list ... [--dir DIR]\n"
		   "  Weekly progress reports (周报), due every Friday by 12:00 Beijing time.\n"
		   "  baosong report add --project ID --ytd WAN --total WAN [--period WAN] "
		   "[--photo FILE]...\n"
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
	if (!strcmp(sub, "list"))
		return report_list(argc - 1, cli_name_argv(argv + 1, "baosong report list"));
	if (!strcmp(sub, "show"))
		return cmd_report_show(argc - 1, cli_name_argv(argv + 1, "baosong report show"));
	fprintf(stderr, "baosong report: unknown subcommand (add, list, show)\n");
	return EX_USAGE_;
}

