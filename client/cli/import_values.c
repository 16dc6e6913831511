/* import_values.c - cell values only a target table has (a year or a
 * quarter, a growth percentage), and `baosong import --help`. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cells.h"
#include "err.h"
#include "import.h"

/* "2026", "2026年", "2026年度" -> "2026"; "2026-Q2", "2026Q2", "2026年第二季度",
 * "2026年2季度" -> "2026-Q2" (cell_norm's spelling: '-' is '_'). */
int import_cell_tperiod(const char *v, char out[16])
{
	static const char *const cn[] = {"一", "二", "三", "四"};
	char norm[64];
	const char *p;
	int y = 0, i, q = 0;
	cell_norm(v, norm, sizeof norm);
	for (i = 0; i < 4; i++) {
		if (norm[i] < '0' || norm[i] > '9')
			return BS_E_INVAL;
		y = y * 10 + (norm[i] - '0');
	}
	p = norm + 4;
	if (!strncmp(p, "年", 3))
		p += 3;
	if (!strcmp(p, "") || !strcmp(p, "度")) {
		snprintf(out, 16, "%04d", y % 10000);
		return BS_OK;
	}
	if (*p == '_')
		p++;
	if (!strncmp(p, "第", 3))
		p += 3;
	if (*p == 'q' && p[1] >= '1' && p[1] <= '4' && !p[2]) {
		q = p[1] - '0';
	} else if (*p >= '1' && *p <= '4' && (!strcmp(p + 1, "季度") || !strcmp(p + 1, "季"))) {
		q = *p - '0';
	} else {
		for (i = 0; i < 4; i++)
			if (!strncmp(p, cn[i], 3) && (!strcmp(p + 3, "季度") || !strcmp(p + 3, "季")))
				q = i + 1;
	}
	if (!q)
		return BS_E_INVAL;
	snprintf(out, 16, "%04d-Q%c", y % 10000, (char)('0' + q));
	return BS_OK;
}

/* "15", "15%", "7.5%", "-3%" as basis points (1500, 750, -300). */
int import_cell_growth(const char *v, int32_t *bp)
{
	int64_t whole = 0, frac = 0;
	int neg = 0, nd = 0, nf = 0;
	while (*v == ' ')
		v++;
	if (*v == '-')
		neg = 1, v++;
	for (; *v >= '0' && *v <= '9' && nd < 5; v++, nd++)
		whole = whole * 10 + (*v - '0');
	if (!nd)
		return BS_E_INVAL;
	if (*v == '.')
		for (v++; *v >= '0' && *v <= '9' && nf < 2; v++, nf++)
			frac = frac * 10 + (*v - '0');
	if (nf == 1)
		frac *= 10;
	if (!strcmp(v, "%") || !strcmp(v, "％"))
		v += strlen(v);
	if (*v)
		return BS_E_INVAL;
	*bp = (int32_t)((neg ? -1 : 1) * (whole * 100 + frac));
	return BS_OK;
}

void import_help(void)
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
