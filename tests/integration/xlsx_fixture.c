/* xlsx_fixture.c - write the plan table of tests/data/import_plan_real.csv
 * as an Excel workbook the way Excel saves one: a merged title row, text
 * in shared strings, money as numbers, dates as date cells (two formats),
 * the year as a number, a formula with its cached value, blank cells.
 * For tests/integration/test_import.sh.
 *
 * Usage: xlsx_fixture OUT.xlsx */
#include <stdio.h>
#include <xlsxwriter.h>

int main(int argc, char **argv)
{
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *ymd, *cn;
	static const char *const head[] = {
		"序号", "项目名称", "建设性质", "建设地点", "建设规模及主要内容", "总投资（万元）",
		"2026年计划投资（万元）", "计划投资", "1-10月完成投资（万元）", "计划开工时间",
		"计划竣工时间", "责任领导", "牵头单位/责任单位", "项目阶段", "计划年度", "资金来源",
		"备注"};
	lxw_datetime d1 = {2026, 3, 1, 0, 0, 0}, d2 = {2027, 6, 30, 0, 0, 0};
	lxw_datetime d3 = {2026, 4, 15, 0, 0, 0}, d4 = {2027, 12, 31, 0, 0, 0};
	lxw_col_t c;

	if (argc != 2) {
		fprintf(stderr, "usage: xlsx_fixture OUT.xlsx\n");
		return 64;
	}
	wb = workbook_new(argv[1]);
	ws = workbook_add_worksheet(wb, "计划表");
	ymd = workbook_add_format(wb);
	format_set_num_format(ymd, "yyyy-mm-dd");
	cn = workbook_add_format(wb);
	format_set_num_format(cn, "yyyy\"年\"m\"月\"d\"日\"");
	worksheet_merge_range(ws, 0, 0, 0, 16, "2026年县重点建设项目计划表", NULL);
	for (c = 0; c < 17; c++)
		worksheet_write_string(ws, 1, c, head[c], NULL);
	worksheet_write_number(ws, 2, 0, 1, NULL);
	worksheet_write_string(ws, 2, 1, "县城供水管网改造工程", NULL);
	worksheet_write_string(ws, 2, 2, "改建", NULL);
	worksheet_write_string(ws, 2, 3, "城关镇东关街", NULL);
	worksheet_write_string(ws, 2, 4, "改造供水管网12公里,新建加压泵站1座", NULL);
	worksheet_write_number(ws, 2, 5, 12500, NULL);
	worksheet_write_number(ws, 2, 6, 4000.5, NULL);
	worksheet_write_formula_num(ws, 2, 7, "=G3", NULL, 4000.5);
	worksheet_write_number(ws, 2, 8, 3200, NULL);
	worksheet_write_datetime(ws, 2, 9, &d1, cn);
	worksheet_write_datetime(ws, 2, 10, &d2, ymd);
	worksheet_write_string(ws, 2, 11, "张伟", NULL);
	worksheet_write_string(ws, 2, 12, "交通运输局、城关镇", NULL);
	worksheet_write_string(ws, 2, 13, "续建", NULL);
	worksheet_write_number(ws, 2, 14, 2026, NULL);
	worksheet_write_string(ws, 2, 15, "县级财政", NULL);
	worksheet_write_number(ws, 3, 0, 2, NULL);
	worksheet_write_string(ws, 3, 1, "现代农业产业园", NULL);
	worksheet_write_string(ws, 3, 2, "新建", NULL);
	worksheet_write_string(ws, 3, 3, "新镇", NULL);
	worksheet_write_string(ws, 3, 4, "建设标准化厂房3万平方米", NULL);
	worksheet_write_number(ws, 3, 5, 8000, NULL);
	worksheet_write_number(ws, 3, 6, 3000, NULL);
	worksheet_write_number(ws, 3, 7, 3000, NULL);
	worksheet_write_datetime(ws, 3, 9, &d3, ymd);
	worksheet_write_datetime(ws, 3, 10, &d4, ymd);
	worksheet_write_string(ws, 3, 11, "李明", NULL);
	worksheet_write_string(ws, 3, 12, "县发改局,新镇", NULL);
	worksheet_write_string(ws, 3, 13, "新开工", NULL);
	worksheet_write_number(ws, 3, 14, 2026, NULL);
	worksheet_write_string(ws, 3, 16, "重点", NULL);
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}
