/* cmd_import.c - `baosong import FILE`: the command line of the import
 * engine (client/core/import.h).  Messages for people (bad rows, notes)
 * go to stderr; the summary goes to stdout.  Exit status: 0, 64 usage,
 * 65 bad rows or a bad file, 66 no such file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "cli.h"
#include "cliutil.h"
#include "commands.h"
#include "err.h"
#include "import.h"
#include "records.h"
#include "table.h"

static void import_help(void)
{
	printf("baosong import FILE.csv|FILE.xlsx [--kind project|weekly_report|target]\n"
	       "               [--encoding auto|utf-8|gb18030] [--aliases FILE] [--partial] "
	       "[--dry-run] [--dir DIR]\n"
	       "  Read a spreadsheet -- an Excel/WPS workbook (.xlsx, its first sheet) or a "
	       "CSV file --\n  and queue its rows as projects (the plan table 重点建设项目计划表), "
	       "weekly reports or\n  targets (目标责任书, administrators); the next `baosong "
	       "sync` sends them.\n"
	       "  Every row is checked as `project add` / `report add` / `target add` check it; "
	       "bad rows\n  are listed with their line in the file (for .xlsx: the row).  "
	       "Without --partial nothing\n  is queued if any row is bad.  Refused counts rows.\n"
	       "  A project already on this device (same 项目代码, or same name without one) "
	       "is skipped\n  if the file says the same about it, else refused; likewise a "
	       "project's report\n  for a week it has one.  A target for a unit and period "
	       "already here is replaced.\n"
	       "Options:\n"
	       "  --kind K          project, weekly_report or target (default: weekly_report if "
	       "the header\n                    has 周次 / 本期完成投资 / 本年累计完成投资; "
	       "target if it has 单位 and a\n                    task such as 固定资产投资任务; "
	       "else project)\n"
	       "  --encoding E      CSV: auto (default: UTF-8 with or without BOM, else "
	       "GB18030), utf-8,\n                    or gb18030 (also reads GBK and GB2312)\n"
	       "  --aliases FILE    unit alias table (CSV: 别名,单位代码), default "
	       "unit_aliases.csv in the\n                    data directory; the bureau keeps "
	       "it and hands it out\n"
	       "  --partial         queue the good rows even if some are bad\n"
	       "  --dry-run         check everything, queue nothing\n"
	       "Columns (the header is the first row with more than one cell; spaces, "
	       "（）and\n(万元) are allowed in it; unknown columns are ignored and named; when "
	       "two columns give\none field the first is used and the choice said):\n"
	       "  projects: 项目名称* 项目代码 计划年度* 项目类别 建设性质(新建/扩建/改建/续建) "
	       "产业链 投资类型\n    重点级别 所在乡镇 建设地点 包抓领导(责任领导) 业主单位 "
	       "牵头单位 责任单位 (or one\n    牵头单位/责任单位 column: the first unit leads) "
	       "总投资(万元)* 年度计划投资(万元)\n    (also 2026年计划投资) 计划开工时间 "
	       "计划竣工时间 项目阶段* 建设内容(建设规模及主要内容);\n    1-N月完成投资 is "
	       "recognised as progress and not imported with projects\n"
	       "  weekly reports: 项目代码 or 项目名称* 周次* 本期完成投资 本年累计完成投资* "
	       "\n    开工累计完成投资* 形象进度 进度百分比 存在问题\n"
	       "  targets: 单位* 考核期间* (2026, 2026-Q2, 2026年第二季度) 固定资产投资任务(万元) "
	       "同比增长目标(%%)\n    新开工项目数 招商引资到位资金(万元) 向上争取资金(万元)\n"
	       "  other kinds (--kind approval, monthly_report, funding, problem, acceptance, "
	       "leader,\n    deal, stats_evidence, adjustment): each field by its name, its "
	       "option or its Chinese\n    label as `baosong KIND show` prints it (手续事项, "
	       "审批层级, 办结时限 ...); the project\n    by 项目代码 or 项目名称; entries of "
	       "repeated fields (funds, evidence) are not imported\n"
	       "  (* required; English names work too: name, code, year, stage, total, "
	       "annual ...)\n"
	       "  Units by code, name, alias or leniently (县交通运输局 = 交通运输局, 城关镇 = "
	       "城关镇人民政府).\n"
	       "  Money in 万元 (12,500.00 and 12500万元 are fine); dates as 2026-03-01, "
	       "2026/3/1,\n  2026.3.1, 2026年3月1日, 2026-03 or an Excel date cell; weeks as "
	       "2026-W47 or a date in the week.\n"
	       "Example:\n"
	       "  baosong import 2026年重点项目计划表.xlsx --dry-run\n"
	       "  baosong import 周报-第47周.csv --partial\n"
	       "  baosong import 目标责任书.csv --kind target\n");
}

/* The engine's messages, as the command has always worded them. */
static void say_stderr(void *ctx, const struct import_msg *m)
{
	(void)ctx;
	switch (m->what) {
	case IMPORT_SAY_ROW:
		fprintf(stderr, "第 %u 行 line %u: %s: ", m->line, m->line, m->field);
		table_text(stderr, m->text, 0, NULL);
		if (m->column) {
			fputs(" (", stderr);
			table_text(stderr, m->column, 0, NULL);
			if (m->value && *m->value) {
				fputs(": «", stderr);
				table_text(stderr, m->value, 0, NULL);
				fputs("»", stderr);
			} else {
				fputs(": 空 empty", stderr);
			}
			fputs(")", stderr);
		}
		break;
	case IMPORT_SAY_NOTE:
		fputs("baosong: 注意 note: ", stderr);
		table_text(stderr, m->text, 0, NULL);
		break;
	case IMPORT_SAY_ERROR:
		fputs("baosong: ", stderr);
		table_text(stderr, m->text, 0, NULL);
		break;
	case IMPORT_SAY_MORE:
		table_text(stderr, m->text, 0, NULL);
		break;
	}
	fputc('\n', stderr);
}

static int parse_args(int argc, char **argv, struct import_opts *o, const char **path,
		      const char **dir)
{
	static const struct option opts[] = {{"kind", required_argument, 0, 'k'},
					     {"encoding", required_argument, 0, 'e'},
					     {"partial", no_argument, 0, 'p'},
					     {"dry-run", no_argument, 0, 'n'},
					     {"dir", required_argument, 0, 'd'},
					     {"aliases", required_argument, 0, 'a'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	int c;
	argv[0] = (char *)"baosong import";
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (!strcmp(optarg, "project") || !strcmp(optarg, "项目")) {
				o->kind = IMPORT_PROJECT;
			} else if (!strcmp(optarg, REC_KIND_WEEKLY) || !strcmp(optarg, "weekly") ||
				   !strcmp(optarg, "周报")) {
				o->kind = IMPORT_WEEKLY;
			} else if (!strcmp(optarg, REC_KIND_TARGET) || !strcmp(optarg, "目标") ||
				   !strcmp(optarg, "目标责任书")) {
				o->kind = IMPORT_TARGET;
			} else if (records_kind(optarg) && records_kind(optarg)->writers &&
				   strcmp(optarg, REC_KIND_UNIT) && strcmp(optarg, REC_KIND_PUBLICATION)) {
				o->kind = IMPORT_OTHER;
				o->other_kind = records_kind(optarg)->name;
			} else {
				fprintf(stderr, "baosong import: --kind is project, weekly_report, target "
						"or another record kind (approval, monthly_report, funding, "
						"problem, acceptance, leader, deal, stats_evidence, "
						"adjustment)\n");
				return EX_USAGE_;
			}
			break;
		case 'e':
			if (!strcasecmp(optarg, "auto")) {
				o->enc = IMPORT_ENC_AUTO;
			} else if (!strcasecmp(optarg, "utf-8") || !strcasecmp(optarg, "utf8")) {
				o->enc = IMPORT_ENC_UTF8;
			} else if (!strcasecmp(optarg, "gb18030") || !strcasecmp(optarg, "gbk") ||
				   !strcasecmp(optarg, "gb2312")) {
				o->enc = IMPORT_ENC_GB18030;
			} else {
				fprintf(stderr, "baosong import: --encoding is auto, utf-8 or "
						"gb18030\n");
				return EX_USAGE_;
			}
			break;
		case 'p': o->partial = 1; break;
		case 'n': o->dry_run = 1; break;
		case 'd': *dir = optarg; break;
		case 'a': o->aliases = optarg; break;
		case 'h': import_help(); return 0;
		default: return EX_USAGE_;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "baosong import: give one CSV file (see --help)\n");
		return EX_USAGE_;
	}
	*path = argv[optind];
	return -1;
}

static int open_device(struct app *a, struct app_server *srv, const char *dir)
{
	int rv = app_init(a, dir, 0);
	if (rv != BS_OK) {
		fprintf(stderr, "baosong: 数据目录无效 bad data directory: %s\n", bs_strerror(rv));
		return rv;
	}
	if ((rv = app_open_db(a)) != BS_OK) {
		fprintf(stderr, "baosong: 无法打开本地数据库 cannot open the local database %s: %s\n",
			a->db_path, bs_strerror(rv));
		return rv;
	}
	if ((rv = app_server(a, srv)) != BS_OK) {
		if (rv != BS_E_NOTFOUND)
			fprintf(stderr, "baosong: 本机设置已损坏 this device's settings are damaged: "
					"%s\n", bs_strerror(rv));
		return rv;
	}
	return BS_OK;
}

static void print_summary(const struct import *im, const struct import_opts *o,
			  const char *path)
{
	const struct import_stats *st = import_stats(im);
	size_t i;
	int any = 0, used;
	if (st->what == IMPORT_OTHER)
		printf("%s %s «", records_kind(st->kind)->label_zh, st->kind);
	else
		printf("%s «", st->what == IMPORT_WEEKLY   ? "周报 weekly reports"
			       : st->what == IMPORT_TARGET ? "目标任务 targets"
							   : "项目 projects");
	table_text(stdout, path, 0, NULL);
	printf("» (%s): 读取 read %u, 入队 queued %u, 跳过 skipped %u, 拒绝 refused %u\n",
	       st->enc_used ? st->enc_used : "?", st->read, st->committed ? st->good : 0,
	       st->skipped, st->bad);
	for (i = 0; i < import_columns(im); i++) {
		const char *title = import_column(im, i, &used);
		if (used || !title[0])
			continue;
		fputs(any ? ", " : "忽略的列 ignored columns: ", stdout);
		table_text(stdout, title, 0, NULL);
		any = 1;
	}
	if (any)
		fputc('\n', stdout);
	if (st->updated)
		printf("其中 %u 个目标更新了本机已有的同单位同期间目标 %u replace targets already "
		       "here for the same unit and period\n", st->updated, st->updated);
	if (st->skipped)
		printf("跳过的行与本机已有记录相同 skipped rows match records already on this "
		       "device\n");
	if (o->dry_run && st->bad && !o->partial)
		printf("试运行，未保存 dry run: nothing queued; as it is, nothing would be: %u "
		       "row%s bad (--partial would queue the %u good one%s)\n", st->bad,
		       st->bad == 1 ? " is" : "s are", st->good, st->good == 1 ? "" : "s");
	else if (o->dry_run)
		printf("试运行，未保存 dry run: nothing queued (%u would be)\n", st->good);
	else if (st->bad && !o->partial)
		printf("未保存 nothing queued: %u row%s bad; fix %s and import again, or give "
		       "--partial to queue the %u good one%s\n", st->bad,
		       st->bad == 1 ? " is" : "s are", st->bad == 1 ? "it" : "them", st->good,
		       st->good == 1 ? "" : "s");
	else if (st->committed && st->good)
		printf("已保存 saved: `baosong sync` sends them\n");
}

int cmd_import(int argc, char **argv)
{
	struct import_opts o = {IMPORT_ENC_AUTO, IMPORT_DETECT, NULL, NULL, 0, 0};
	struct import_sink sink = {say_stderr, NULL, NULL};
	struct import *im = NULL;
	struct app a;
	struct app_server srv;
	const char *dir = NULL, *path = NULL;
	int rv;

	memset(&a, 0, sizeof a);
	a.lock_fd = -1;
	if ((rv = parse_args(argc, argv, &o, &path, &dir)) >= 0)
		return rv;
	if (!(im = import_new(&o, &sink))) {
		fprintf(stderr, "baosong: 内存不足 out of memory\n");
		return cli_exit_code(BS_E_NOMEM);
	}
	if ((rv = import_load_file(im, path)) != BS_OK || (rv = import_header(im)) != BS_OK ||
	    (rv = open_device(&a, &srv, dir)) != BS_OK)
		goto out;
	rv = import_run(im, &a, &srv);
	if (import_stats(im)->stopped) {
		fprintf(stderr, "baosong: 导入中止，未保存任何记录 import stopped; nothing queued\n");
		goto out;
	}
	if (import_stats(im)->checked)
		print_summary(im, &o, path);
out:
	import_free(im);
	app_close(&a);
	return cli_exit_code(rv);
}
