/* admin_export.c - `baosongd assess export` (publications as CSV, XLSX
 * and HTML) and `baosongd export plan` (the plan table 《重点建设项目计划表》). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "admin.h"
#include "admin_assess_int.h"
#include "assess.h"
#include "cli.h"
#include "err.h"
#include "period.h"
#include "records.h"
#include "report_out.h"
#include "store.h"

/* ---- export ---- */

/* The plan table: the year's projects with their unit's name and the
 * year-to-date figure of their latest report. */
struct plan_item {
	Baosong__V1__Project *msg;
	char *uid;
	const char *unit_name;     /* in plan.units */
	const char *lead_name;     /* the lead unit's name (in plan.units), or NULL */
	int64_t ytd_key, ytd_fen;  /* the latest report's end (day * 2 + monthly), -1: none */
	char ytd_period[12];
};

struct plan {
	int year;
	struct plan_item *items;   /* in uid order (the scan's) */
	struct plan_row *rows;     /* what report_xlsx takes, made at the end */
	size_t n, cap;
	struct unit *units;        /* every unit, by id: read once, not per project */
	size_t n_units, cap_units;
};

static int plan_unit(void *ctx, const struct unit *u)
{
	struct plan *pl = ctx;
	if (pl->n_units == pl->cap_units) {
		size_t nc = pl->cap_units ? pl->cap_units * 2 : 64;
		struct unit *nu = realloc(pl->units, nc * sizeof *nu);
		if (!nu)
			return BS_E_NOMEM;
		pl->units = nu;
		pl->cap_units = nc;
	}
	pl->units[pl->n_units++] = *u;
	return 0;
}

static int unit_id_cmp(const void *a, const void *b)
{
	const struct unit *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static int plan_project(void *ctx, const struct record *r, const struct review_state *rs)
{
	struct plan *pl = ctx;
	struct plan_item *it;
	Baosong__V1__Project *m;
	struct unit key;
	const struct unit *u;
	(void)rs;
	if (r->deleted)
		return 0;
	m = aa_unpack(&baosong__v1__project__descriptor, r->data, r->data_len);
	if (!m)
		return 0;
	if ((int)m->plan_year != pl->year) {
		aa_msg_free(m);
		return 0;
	}
	if (pl->n == pl->cap) {
		size_t nc = pl->cap ? pl->cap * 2 : 256;
		struct plan_item *ni = realloc(pl->items, nc * sizeof *ni);
		if (!ni) {
			aa_msg_free(m);
			return BS_E_NOMEM;
		}
		pl->items = ni;
		pl->cap = nc;
	}
	it = &pl->items[pl->n++];
	memset(it, 0, sizeof *it);
	it->msg = m;
	it->uid = strdup(r->uid);
	key.id = r->unit_id;
	u = pl->n_units ? bsearch(&key, pl->units, pl->n_units, sizeof key, unit_id_cmp) : NULL;
	it->unit_name = u ? u->name : "";
	/* 牵头单位: the project's lead unit by its code (a few hundred units). */
	it->lead_name = NULL;
	for (size_t k = 0; m->lead_unit && *m->lead_unit && k < pl->n_units; k++)
		if (!strcmp(pl->units[k].code, m->lead_unit))
			it->lead_name = pl->units[k].name;
	it->ytd_key = -1;
	return it->uid ? 0 : BS_E_NOMEM;
}

static struct plan_item *plan_find(const struct plan *pl, const char *uid)
{
	size_t lo = 0, hi = pl->n;
	while (uid && lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(pl->items[mid].uid, uid);
		if (!c)
			return &pl->items[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The year-to-date figure of the plan's projects from their latest report. */
static int plan_report(struct plan *pl, const struct record *r, int monthly)
{
	ProtobufCMessage *m;
	struct plan_item *it;
	const char *period, *uid;
	int64_t ytd, key, first;
	if (r->deleted)
		return 0;
	m = aa_unpack(monthly ? &baosong__v1__monthly_report__descriptor
			   : &baosong__v1__weekly_report__descriptor, r->data, r->data_len);
	if (!m)
		return 0;
	if (monthly) {
		Baosong__V1__MonthlyReport *x = (Baosong__V1__MonthlyReport *)m;
		period = x->period, uid = x->project_uid, ytd = x->invested_ytd_fen;
	} else {
		Baosong__V1__WeeklyReport *x = (Baosong__V1__WeeklyReport *)m;
		period = x->period, uid = x->project_uid, ytd = x->invested_ytd_fen;
	}
	it = plan_find(pl, uid);
	if (it && period && strlen(period) >= 7 && atoi(period) == pl->year) {
		if (monthly) {
			int mo = atoi(period + 5);
			key = (mo >= 1 && mo <= 12 ? period_days_from_civil(pl->year, (unsigned)mo, 28)
						   : -1) * 2 + 1;
		} else {
			key = period_parse_week(period, &first) == BS_OK ? (first + 6) * 2 : -1;
		}
		if (key > it->ytd_key) {
			it->ytd_key = key;
			it->ytd_fen = ytd;
			snprintf(it->ytd_period, sizeof it->ytd_period, "%s", period);
		}
	}
	aa_msg_free(m);
	return 0;
}

static int plan_weekly(void *ctx, const struct record *r, const struct review_state *rs)
{
	(void)rs;
	return plan_report(ctx, r, 0);
}

static int plan_monthly(void *ctx, const struct record *r, const struct review_state *rs)
{
	(void)rs;
	return plan_report(ctx, r, 1);
}

static void plan_free(struct plan *pl)
{
	size_t i;
	for (i = 0; i < pl->n; i++) {
		aa_msg_free(pl->items[i].msg);
		free(pl->items[i].uid);
	}
	free(pl->items);
	free(pl->rows);
	free(pl->units);
}

static int plan_load(struct store *st, int year, struct plan *pl)
{
	size_t i;
	int rv;
	memset(pl, 0, sizeof *pl);
	pl->year = year;
	if ((rv = store_unit_each(st, plan_unit, pl)) != BS_OK)
		return rv;
	if (pl->n_units)
		qsort(pl->units, pl->n_units, sizeof *pl->units, unit_id_cmp);
	if ((rv = store_record_scan(st, REC_KIND_PROJECT, plan_project, pl)) != BS_OK ||
	    (rv = store_record_scan(st, REC_KIND_WEEKLY, plan_weekly, pl)) != BS_OK ||
	    (rv = store_record_scan(st, REC_KIND_MONTHLY, plan_monthly, pl)) != BS_OK)
		return rv;
	if (!(pl->rows = calloc(pl->n + 1, sizeof *pl->rows)))
		return BS_E_NOMEM;
	for (i = 0; i < pl->n; i++) {
		const struct plan_item *it = &pl->items[i];
		pl->rows[i].p = it->msg;
		pl->rows[i].uid = it->uid;
		pl->rows[i].unit_name = it->unit_name;
		pl->rows[i].lead_name = it->lead_name;
		pl->rows[i].ytd_fen = it->ytd_key >= 0 ? it->ytd_fen : -1;
		pl->rows[i].ytd_period = it->ytd_key >= 0 ? it->ytd_period : NULL;
	}
	return BS_OK;
}

static int write_fail(int rv, const char *path)
{
	if (rv == BS_E_CONFLICT)
		return admin_fail(rv, "%s exists; choose another name or add --force", path);
	return admin_fail(rv, "cannot write %s", path);
}

int admin_cmd_assess_export(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"html", required_argument, 0, 'H'},
					     {"xlsx", required_argument, 0, 'x'},
					     {"csv", required_argument, 0, 'c'},
					     {"plan", no_argument, 0, 'p'},
					     {"force", no_argument, 0, 'f'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *db = DEFAULT_DB, *html = NULL, *xlsx = NULL, *csv = NULL;
	struct store *st = NULL;
	Publication **pubs = NULL;
	AssessInputs **ins = NULL;
	struct plan pl;
	size_t n = 0, i;
	int plan = 0, force = 0, c, rv = BS_OK, ex = 0;

	memset(&pl, 0, sizeof pl);
	while ((c = getopt_long(argc, argv, "d:H:x:c:pfh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'H': html = optarg; break;
		case 'x': xlsx = optarg; break;
		case 'c': csv = optarg; break;
		case 'p': plan = 1; break;
		case 'f': force = 1; break;
		case 'h': aa_usage(stdout); return 0;
		default: aa_usage(stderr); return EX_USAGE_;
		}
	}
	if (optind == argc)
		return admin_usage_error("assess export needs publication numbers (baosongd assess "
					 "list)");
	if (!html && !xlsx && !csv)
		return admin_usage_error("assess export needs --html, --xlsx and/or --csv");
	if (csv && argc - optind != 1)
		return admin_usage_error("--csv writes one publication; give one number");
	if (plan && !xlsx)
		return admin_usage_error("--plan adds the plan table to the --xlsx workbook");
	if (argc - optind > 64)
		return admin_usage_error("at most 64 publications at once");
	n = (size_t)(argc - optind);
	pubs = calloc(n, sizeof *pubs);
	ins = calloc(n, sizeof *ins);
	if (!pubs || !ins) {
		free(pubs);
		free(ins);
		return admin_fail(BS_E_NOMEM, "export");
	}
	for (i = 0; i < n; i++) {
		int64_t num = 0;
		if ((ex = aa_parse_number(argv[optind + (int)i], &num)) != 0)
			goto out;
		if (i == 0 && (ex = admin_open_db(db, 1, &st)) != 0)
			goto out;
		if ((rv = aa_load_pub(st, num, &pubs[i], &ins[i])) != BS_OK) {
			ex = rv == BS_E_NOTFOUND ? 66 : admin_fail(rv, "cannot read publication");
			goto out;
		}
	}
	if (plan && (rv = store_begin(st)) == BS_OK) {
		rv = plan_load(st, (int)pubs[0]->scheme_year, &pl);
		store_rollback(st);
	}
	if (rv != BS_OK) {
		ex = admin_fail(rv, "cannot read the projects for the plan table");
		goto out;
	}
	if (csv) {
		FILE *f;
		struct stat sb;
		if (!force && stat(csv, &sb) == 0) {
			ex = write_fail(BS_E_CONFLICT, csv);
			goto out;
		}
		if (!(f = fopen(csv, "wb"))) {
			ex = write_fail(BS_E_IO, csv);
			goto out;
		}
		rv = report_csv(f, pubs[0], ins[0]);
		if (fclose(f) != 0 && rv == BS_OK)
			rv = BS_E_IO;
		if (rv != BS_OK) {
			ex = write_fail(rv, csv);
			goto out;
		}
		printf("CSV:  %s\n", csv);
	}
	if (xlsx) {
		rv = report_xlsx(xlsx, force, (const Publication *const *)pubs,
				 (const AssessInputs *const *)ins, n, plan ? pl.rows : NULL, pl.n,
				 (int)pubs[0]->scheme_year);
		if (rv != BS_OK) {
			ex = write_fail(rv, xlsx);
			goto out;
		}
		printf("XLSX: %s%s\n", xlsx, plan ? "（含重点建设项目计划表 with the plan table）" : "");
	}
	if (html) {
		rv = report_html(html, force, (const Publication *const *)pubs,
				 (const AssessInputs *const *)ins, n, NULL);
		if (rv != BS_OK) {
			ex = write_fail(rv, html);
			goto out;
		}
		printf("HTML: %s\n", html);
	}
out:
	for (i = 0; i < n; i++) {
		aa_msg_free(pubs[i]);
		aa_msg_free(ins[i]);
	}
	free(pubs);
	free(ins);
	plan_free(&pl);
	store_close(st);
	return ex;
}

int admin_cmd_export_plan(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"xlsx", required_argument, 0, 'x'},
					     {"year", required_argument, 0, 'y'},
					     {"force", no_argument, 0, 'f'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *db = DEFAULT_DB, *xlsx = NULL;
	struct store *st = NULL;
	struct plan pl;
	int year = 0, force = 0, c, rv, ex;

	while ((c = getopt_long(argc, argv, "d:x:y:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'x': xlsx = optarg; break;
		case 'y':
			if ((year = (int)aa_arg_num(optarg, 2000, 2200)) < 0)
				return admin_usage_error("--year must be a year 2000..2200, got '%s'",
							 optarg);
			break;
		case 'f': force = 1; break;
		case 'h': aa_usage(stdout); return 0;
		default: aa_usage(stderr); return EX_USAGE_;
		}
	}
	if (!xlsx || optind != argc)
		return admin_usage_error("export plan --xlsx FILE [--year Y]");
	if (!year) {
		unsigned m, d;
		period_civil_from_days(period_local_days(admin_now_ms()), &year, &m, &d);
	}
	if (year < 2000 || year > 2200)
		return admin_usage_error("--year must be 2000..2200");
	if ((ex = admin_open_db(db, 1, &st)) != 0)
		return ex;
	rv = store_begin(st);
	if (rv == BS_OK) {
		rv = plan_load(st, year, &pl);
		store_rollback(st);
	} else {
		memset(&pl, 0, sizeof pl);
	}
	if (rv == BS_OK)
		rv = report_xlsx(xlsx, force, NULL, NULL, 0, pl.rows, pl.n, year);
	if (rv == BS_OK)
		printf("XLSX: %s（%d年重点建设项目计划表，%zu 个项目）\n", xlsx, year, pl.n);
	else
		ex = write_fail(rv, xlsx);
	plan_free(&pl);
	store_close(st);
	return ex;
}

