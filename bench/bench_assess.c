/* bench_assess.c - time and memory of a full quarterly ranking (季评比) for a
 * province-sized dataset, side by side with raw SQLite reading the same rows,
 * measured in the same run on the same file.
 *
 * The dataset (default: 100 counties, 40,000 projects, a year of weekly
 * reports, about 2.2 million records) is written straight through the store
 * API in large transactions and kept in --db for later runs.  Every number
 * in it follows from a fixed seed, so the benchmark also knows what the
 * gathered inputs must be and checks them unit by unit.
 *
 * Measured, each --runs times (best and median of wall and CPU time), alternating:
 *   baseline  sqlite3 read-only: one ordered pass over record LEFT JOIN
 *             record_meta, reading data, attachments, created_at and
 *             complete_at of every row (the I/O floor of any ranking);
 *   ranking   store_open (read-only) + read transaction + assess_gather
 *             (quarter) + assess_compute + close.
 * Then once each, to show where the time goes: the per-kind scans exactly as
 * store_record_scan issues them, and the baseline pass plus protobuf
 * decoding of every row.
 *
 *   bench_assess [--db FILE] [--rebuild] [--units N] [--projects N]
 *                [--weeks N] [--quarter Q] [--year Y] [--runs N] [--dump FILE]
 */
#include <errno.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "assess.h"
#include "err.h"
#include "gather.h"
#include "period.h"
#include "records.h"
#include "store.h"

#define FORMAT_VERSION 1       /* bump when the generator changes */
#define SEED 0x62616f736f6e67ULL
#define COMMIT_EVERY 50000u
#define WEEKS_MAX 54
#define UNITS_MAX 9999u
#define PROJECTS_MAX 1000000u
#define DEALS_PER_UNIT 5u
#define FUNDING_PER_UNIT 6u
#define APPROVALS_PER_UNIT 20u
#define RUNS_MAX 20

/* ---- options ---- */

struct opts {
	const char *db, *dump;
	int rebuild;
	unsigned units, projects, weeks, quarter, runs;
	int year;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench_assess [--db FILE] [--rebuild] [--units N] [--projects N]\n"
		"                    [--weeks N] [--quarter Q] [--year Y] [--runs N] [--dump FILE]\n"
		"  --db FILE      dataset (default /tmp/bench_assess.db); reused when it holds the\n"
		"                 same parameters, else rebuilt\n"
		"  --rebuild      build the dataset again even if it matches\n"
		"  --units N      ranked units, \"counties\" c001.. (default 100)\n"
		"  --projects N   projects, spread evenly over the units (default 40000)\n"
		"  --weeks N      weekly reports per project: the N weeks ending with the last\n"
		"                 week of --quarter (default 52, the whole year)\n"
		"  --quarter Q    quarter ranked, 1..4 (default 4)\n"
		"  --year Y       year of the data (default 2025, past: every deadline passed)\n"
		"  --runs N       repetitions of each measurement (default 3)\n"
		"  --dump FILE    write the first run's encoded AssessInputs and Publication to\n"
		"                 FILE (u32be length before each), to compare two builds byte by byte\n");
}

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int i;
	unsigned y = 2025;
	o->db = "/tmp/bench_assess.db";
	o->dump = NULL;
	o->rebuild = 0;
	o->units = 100;
	o->projects = 40000;
	o->weeks = 52;
	o->quarter = 4;
	o->runs = 3;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = 0;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--rebuild")) {
			o->rebuild = 1;
			continue;
		} else if (!v) {
			bad = 1;
		} else if (!strcmp(a, "--db")) {
			o->db = v;
		} else if (!strcmp(a, "--dump")) {
			o->dump = v;
		} else if (!strcmp(a, "--units")) {
			bad = parse_uint(v, 1, UNITS_MAX, &o->units);
		} else if (!strcmp(a, "--projects")) {
			bad = parse_uint(v, 1, PROJECTS_MAX, &o->projects);
		} else if (!strcmp(a, "--weeks")) {
			bad = parse_uint(v, 1, 53, &o->weeks);
		} else if (!strcmp(a, "--quarter")) {
			bad = parse_uint(v, 1, 4, &o->quarter);
		} else if (!strcmp(a, "--year")) {
			bad = parse_uint(v, 2001, 2199, &y);
		} else if (!strcmp(a, "--runs")) {
			bad = parse_uint(v, 1, RUNS_MAX, &o->runs);
		} else {
			bad = 1;
		}
		if (bad) {
			fprintf(stderr, "bench_assess: bad option or value: %s\n", a);
			usage(stderr);
			return -1;
		}
		i++;
	}
	o->year = (int)y;
	return 0;
}

/* ---- small helpers ---- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident set size now, in MB (/proc/self/statm). */
static double rss_mb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, res = 0;
	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &res) != 2)
		res = 0;
	fclose(f);
	return (double)res * (double)sysconf(_SC_PAGESIZE) / 1048576.0;
}

/* Peak resident set size of this process so far, in MB. */
/* CPU seconds of the process so far, every thread, user and system. */
static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double maxrss_mb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

static double file_mb(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (double)sb.st_size / 1048576.0 : 0;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void best_median(const double *v, unsigned n, double *best, double *median)
{
	double s[RUNS_MAX];
	memcpy(s, v, n * sizeof *v);
	qsort(s, n, sizeof *s, dbl_cmp);
	*best = s[0];
	*median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* Thousands separators for counts. */
static const char *grp(uint64_t v, char *buf, size_t cap)
{
	char t[32];
	size_t n, i, o = 0;
	snprintf(t, sizeof t, "%llu", (unsigned long long)v);
	n = strlen(t);
	for (i = 0; i < n && o + 2 < cap; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = t[i];
	}
	buf[o] = '\0';
	return buf;
}

/* ---- deterministic randomness: every value is a hash of what it is for ---- */

enum tag {
	T_UNIT = 1, T_PROJECT, T_WEEK, T_MONTH, T_STATS, T_APPROVAL, T_DEAL, T_FUNDING,
	T_TARGET, T_ATTACH,
};

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Draw number k of the value (tag, a, b). */
static uint64_t draw(enum tag t, uint64_t a, uint64_t b, unsigned k)
{
	return mix(mix(mix(mix(SEED ^ (uint64_t)t) ^ a) ^ b) ^ k);
}

static double u01(uint64_t h)
{
	return (double)(h >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in lo..hi inclusive. */
static int64_t between(uint64_t h, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(h % (uint64_t)(hi - lo + 1));
}

/* ---- the dataset model ---- */

enum item_kind {
	K_TARGET, K_PROJECT, K_WEEKLY, K_MONTHLY, K_STATS, K_APPROVAL, K_DEAL, K_FUNDING,
	K_ACCEPTANCE, K_COUNT
};

static const char *const kind_name[K_COUNT] = {
	REC_KIND_TARGET, REC_KIND_PROJECT, REC_KIND_WEEKLY, REC_KIND_MONTHLY, REC_KIND_STATS,
	REC_KIND_APPROVAL, REC_KIND_DEAL, REC_KIND_FUNDING, REC_KIND_ACCEPTANCE,
};

struct munit {
	char code[8];
	char name[32];
	int64_t id;                /* store id (set by the build, or looked up) */
	uint32_t pace;             /* investment pace, permille of plan */
	uint32_t base;             /* last year's pace, permille */
	double punctual;           /* share of reports complete on time */
	double approvals_done;     /* share of approval items done */
	int quarter_targets;       /* also has Q1..Q4 targets */
	uint32_t new_starts;       /* new-start projects */
	int64_t plan_fen;          /* sum of annual plans of its active projects */
};

struct mproject {
	char uid[REC_UID_LEN + 1];
	uint32_t unit;
	int stage;
	int64_t total_fen, annual_fen;
	int64_t start_day;
	int start_week;            /* new starts: first week index with investment */
	uint32_t pace;             /* permille */
	int stats;                 /* 0 no stats_evidence record, else its status */
};

struct model {
	int year;
	unsigned n_units, n_projects, quarter;
	int n_weeks;               /* ISO weeks whose Friday falls in the year */
	int64_t monday[WEEKS_MAX];
	int wfirst, wlast;         /* weeks that carry reports */
	int64_t year_first_day;
	struct munit *u;
	struct mproject *p;
};

static int owes(int stage)
{
	return stage == BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START ||
	       stage == BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING;
}

static int started(int stage)
{
	return owes(stage) || stage == BAOSONG__V1__PROJECT_STAGE__STAGE_COMPLETED ||
	       stage == BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING;
}

static int64_t quarter_first(int y, unsigned q)
{
	return period_days_from_civil(y, 3 * q - 2, 1);
}

static int64_t quarter_last(int y, unsigned q)
{
	return (q == 4 ? period_days_from_civil(y + 1, 1, 1)
		       : period_days_from_civil(y, 3 * q + 1, 1)) - 1;
}

static int weekday(int64_t days) /* 0 Sunday .. 6 Saturday; 1970-01-01 was a Thursday */
{
	return (int)(((days % 7) + 7 + 4) % 7);
}

static void model_free(struct model *m)
{
	free(m->u);
	free(m->p);
	m->u = NULL;
	m->p = NULL;
}

static int model_init(struct model *m, const struct opts *o)
{
	int64_t d, qlast;
	unsigned i;
	int qend = -1;

	memset(m, 0, sizeof *m);
	m->year = o->year;
	m->n_units = o->units;
	m->n_projects = o->projects;
	m->quarter = o->quarter;
	m->year_first_day = period_days_from_civil(o->year, 1, 1);
	for (d = m->year_first_day; weekday(d) != 5; d++)
		;
	for (; d < period_days_from_civil(o->year + 1, 1, 1) && m->n_weeks < WEEKS_MAX; d += 7)
		m->monday[m->n_weeks++] = d - 4;
	qlast = quarter_last(o->year, o->quarter);
	for (i = 0; i < (unsigned)m->n_weeks; i++)
		if (m->monday[i] + 4 <= qlast)
			qend = (int)i;
	m->wfirst = qend + 1 - (int)o->weeks;
	if (m->wfirst < 0)
		m->wfirst = 0;
	m->wlast = m->wfirst + (int)o->weeks - 1;
	if (m->wlast > m->n_weeks - 1)
		m->wlast = m->n_weeks - 1;

	m->u = calloc(m->n_units, sizeof *m->u);
	m->p = calloc(m->n_projects, sizeof *m->p);
	if (!m->u || !m->p)
		return BS_E_NOMEM;
	for (i = 0; i < m->n_units; i++) {
		struct munit *u = &m->u[i];
		snprintf(u->code, sizeof u->code, m->n_units > 999 ? "c%04u" : "c%03u", (i + 1) % 10000u);
		snprintf(u->name, sizeof u->name, m->n_units > 999 ? "第%04u县" : "第%03u县", (i + 1) % 10000u);
		u->pace = (uint32_t)between(draw(T_UNIT, i, 0, 0), 600, 1200);
		u->base = (uint32_t)between(draw(T_UNIT, i, 0, 1), 500, 1100);
		u->punctual = 0.80 + 0.195 * u01(draw(T_UNIT, i, 0, 2));
		u->approvals_done = 0.70 + 0.25 * u01(draw(T_UNIT, i, 0, 3));
		u->quarter_targets = i % 2 == 0;
	}
	for (i = 0; i < m->n_projects; i++) {
		struct mproject *p = &m->p[i];
		double s = u01(draw(T_PROJECT, i, 0, 0));
		p->unit = i % m->n_units;
		p->stage = s < 0.12   ? BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START
			   : s < 0.95 ? BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING
			   : s < 0.98 ? BAOSONG__V1__PROJECT_STAGE__STAGE_COMPLETED
				      : BAOSONG__V1__PROJECT_STAGE__STAGE_PREPARATION;
		/* 30% below the statistics threshold (100万..500万), the rest up to 5亿. */
		p->total_fen = u01(draw(T_PROJECT, i, 0, 1)) < 0.3
				       ? between(draw(T_PROJECT, i, 0, 2), 100000000LL, 499999999LL)
				       : between(draw(T_PROJECT, i, 0, 2), 500000000LL, 50000000000LL);
		p->annual_fen = p->total_fen * between(draw(T_PROJECT, i, 0, 3), 20, 60) / 100;
		p->pace = (uint32_t)((int64_t)m->u[p->unit].pace *
				     between(draw(T_PROJECT, i, 0, 4), 800, 1200) / 1000);
		if (p->stage == BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START) {
			int w;
			p->start_day = m->year_first_day + between(draw(T_PROJECT, i, 0, 5), 0, 300);
			for (w = 0; w < m->n_weeks && m->monday[w] + 6 < p->start_day; w++)
				;
			p->start_week = w;
			m->u[p->unit].new_starts++;
		} else if (p->stage == BAOSONG__V1__PROJECT_STAGE__STAGE_PREPARATION) {
			p->start_day = m->year_first_day + 400 + between(draw(T_PROJECT, i, 0, 5), 0, 300);
		} else {
			p->start_day = m->year_first_day - between(draw(T_PROJECT, i, 0, 5), 30, 1000);
		}
		if (owes(p->stage))
			m->u[p->unit].plan_fen += p->annual_fen;
		if (records_project_needs_stats(p->total_fen, p->stage) &&
		    u01(draw(T_STATS, i, 0, 0)) < 0.7)
			p->stats = u01(draw(T_STATS, i, 0, 1)) < 0.8
					   ? BAOSONG__V1__STATS_STATUS__STATS_REGISTERED
					   : BAOSONG__V1__STATS_STATUS__STATS_SUBMITTED;
	}
	return BS_OK;
}

/* Year-to-date investment of project p reported for week index w. */
static int64_t week_ytd(const struct model *m, const struct mproject *p, int w)
{
	int64_t k = p->stage == BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START ? w - p->start_week + 1
									     : w + 1;
	if (k <= 0)
		return 0;
	return p->annual_fen * (int64_t)p->pace * k / (1000LL * m->n_weeks);
}

/* The weekly report of project pi for week index w, as generated. */
struct wrep {
	int exists, complete, returned;
	int64_t created_at, complete_at, deadline;
};

static void week_report(const struct model *m, uint32_t pi, int w, struct wrep *r)
{
	const struct mproject *p = &m->p[pi];
	double late;
	memset(r, 0, sizeof *r);
	r->deadline = records_weekly_deadline_ms(m->monday[w]);
	if (!owes(p->stage) || w < m->wfirst || w > m->wlast ||
	    u01(draw(T_WEEK, pi, (uint64_t)w, 0)) < 0.03)
		return;
	r->exists = 1;
	r->returned = u01(draw(T_WEEK, pi, (uint64_t)w, 1)) < 0.005;
	r->complete = u01(draw(T_WEEK, pi, (uint64_t)w, 2)) >= 0.05;
	late = u01(draw(T_WEEK, pi, (uint64_t)w, 3));
	if (late < m->u[p->unit].punctual) {
		/* On time: up to four days before the deadline. */
		r->created_at = r->deadline - between(draw(T_WEEK, pi, (uint64_t)w, 4), 60000,
						      96LL * 3600000);
		r->complete_at = r->created_at;
	} else {
		int64_t after = between(draw(T_WEEK, pi, (uint64_t)w, 4), 600000, 6LL * 86400000);
		r->complete_at = r->deadline + after;
		/* Half of the late ones arrived in time but without the photo. */
		r->created_at = u01(draw(T_WEEK, pi, (uint64_t)w, 5)) < 0.5
					? r->deadline - 3600000
					: r->complete_at;
	}
	if (!r->complete)
		r->complete_at = 0;
}

/* Last year's monthly report (month 3, 6, 9 or 12) of project pi: exists? */
static int base_exists(const struct model *m, uint32_t pi, unsigned month)
{
	return m->p[pi].stage == BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING && month % 3 == 0 &&
	       u01(draw(T_MONTH, pi, month, 0)) < 0.95;
}

static int64_t base_ytd(const struct model *m, uint32_t pi, unsigned month)
{
	return m->p[pi].annual_fen * (int64_t)m->u[m->p[pi].unit].base * (int64_t)month / 12000;
}

static int64_t year_target(const struct model *m, unsigned ui)
{
	return m->u[ui].plan_fen * between(draw(T_TARGET, ui, 0, 0), 950, 1050) / 1000;
}

static int64_t quarter_target(const struct model *m, unsigned ui, unsigned q)
{
	static const int pct[4] = {15, 25, 30, 30};
	return year_target(m, ui) * pct[q - 1] / 100;
}

static int64_t deal_funds(unsigned ui, unsigned j, unsigned month) /* month 0: last December */
{
	return between(draw(T_DEAL, ui, j, month), 0, 2000000000LL);
}

struct funding_gen {
	int status;
	int64_t applied_day, applied_fen, approved_fen;
};

static void funding_app(const struct model *m, unsigned ui, unsigned j, struct funding_gen *f)
{
	double s = u01(draw(T_FUNDING, ui, j, 0));
	f->status = s < 0.4   ? BAOSONG__V1__FUNDING_STATUS__FUNDING_APPROVED
		    : s < 0.7 ? BAOSONG__V1__FUNDING_STATUS__FUNDING_ARRIVED
		    : s < 0.9 ? BAOSONG__V1__FUNDING_STATUS__FUNDING_SUBMITTED
			      : BAOSONG__V1__FUNDING_STATUS__FUNDING_REJECTED;
	f->applied_day = m->year_first_day + between(draw(T_FUNDING, ui, j, 1), -60, 364);
	f->applied_fen = between(draw(T_FUNDING, ui, j, 2), 100000000LL, 20000000000LL);
	f->approved_fen = f->status == BAOSONG__V1__FUNDING_STATUS__FUNDING_APPROVED ||
				  f->status == BAOSONG__V1__FUNDING_STATUS__FUNDING_ARRIVED
			  ? f->applied_fen * between(draw(T_FUNDING, ui, j, 3), 50, 100) / 100
			  : 0;
}

struct approval_gen {
	int64_t deadline, done_day;  /* done_day < 0: not done */
};

static void approval_item(const struct model *m, unsigned ui, unsigned j, struct approval_gen *a)
{
	a->deadline = m->year_first_day + between(draw(T_APPROVAL, ui, j, 0), 0, 364);
	a->done_day = -1;
	if (u01(draw(T_APPROVAL, ui, j, 1)) < m->u[ui].approvals_done)
		a->done_day = u01(draw(T_APPROVAL, ui, j, 2)) < 0.8
				      ? a->deadline - between(draw(T_APPROVAL, ui, j, 3), 0, 40)
				      : a->deadline + between(draw(T_APPROVAL, ui, j, 3), 1, 30);
	/* Nothing is done after the end of the data (mid-January). */
	if (a->done_day > m->year_first_day + 370)
		a->done_day = m->year_first_day + 370;
}

/* Targets of the attraction and upward indicators: last year's level, so
 * completion lands around 100% at year end. */
static int64_t attraction_target(unsigned ui)
{
	int64_t sum = 0;
	unsigned j, mo;
	for (j = 0; j < DEALS_PER_UNIT; j++)
		for (mo = 1; mo <= 12; mo++)
			sum += deal_funds(ui, j, mo);
	return sum * between(draw(T_TARGET, ui, 0, 1), 80, 130) / 100;
}

static int64_t upward_target(const struct model *m, unsigned ui)
{
	int64_t sum = 0;
	unsigned j;
	for (j = 0; j < FUNDING_PER_UNIT; j++) {
		struct funding_gen f;
		funding_app(m, ui, j, &f);
		sum += f.applied_fen;
	}
	return sum * between(draw(T_TARGET, ui, 0, 2), 40, 90) / 100;
}

static uint32_t new_starts_target(const struct model *m, unsigned ui)
{
	int64_t t = (int64_t)m->u[ui].new_starts * between(draw(T_TARGET, ui, 0, 3), 80, 130) / 100;
	return t < 1 ? 1u : (uint32_t)t;
}

static int acceptance_failed(const struct model *m, unsigned ui)
{
	return m->n_units >= 10 && (ui == 2 || ui == 6);
}

/* ---- what the gathered inputs must be (docs/ASSESSMENT.md, "What is counted") ---- */

struct expect {
	uint32_t projects, new_starts, due, on_time, late, missing, stats_needed, stats_registered;
	uint32_t approvals_due, approvals_on_time, acceptance_failed;
	int64_t ytd, base, fai_target, attraction, upward, growth_target;
	int has_base;
};

static int iso_year(int64_t monday)
{
	char w[9];
	period_format_week(monday, w);
	return atoi(w);
}

static void expect_compute(const struct model *m, int64_t as_of, struct expect *e)
{
	int64_t first = quarter_first(m->year, m->quarter), last = quarter_last(m->year, m->quarter);
	int64_t base_last;
	int y;
	unsigned i, j, mo, dm, dd, last_month;
	int w;

	period_civil_from_days(last, &y, &last_month, &dd);
	period_civil_from_days(last, &y, &dm, &dd);
	if (dm == 2 && dd == 29)
		dd = 28;
	base_last = period_days_from_civil(y - 1, dm, dd);
	memset(e, 0, m->n_units * sizeof *e);
	for (i = 0; i < m->n_projects; i++) {
		const struct mproject *p = &m->p[i];
		struct expect *x = &e[p->unit];
		int64_t ytd = 0;
		int have = 0;
		x->projects++;
		if (started(p->stage) && p->start_day >= m->year_first_day && p->start_day <= last)
			x->new_starts++;
		if (records_project_needs_stats(p->total_fen, p->stage)) {
			x->stats_needed++;
			x->stats_registered += p->stats == BAOSONG__V1__STATS_STATUS__STATS_REGISTERED;
		}
		for (w = 0; w < m->n_weeks; w++) {
			struct wrep r;
			int due = m->monday[w] + 4 >= first && m->monday[w] + 4 <= last &&
				  records_weekly_deadline_ms(m->monday[w]) <= as_of;
			week_report(m, i, w, &r);
			if (r.exists && !r.returned && iso_year(m->monday[w]) == m->year &&
			    m->monday[w] + 6 <= last) {
				ytd = week_ytd(m, p, w);
				have = 1;
			}
			if (!due || !owes(p->stage))
				continue;
			x->due++;
			if (!r.exists || !r.complete)
				x->missing++;
			else if (r.complete_at <= r.deadline)
				x->on_time++;
			else
				x->late++;
		}
		if (have)
			x->ytd += ytd;
		for (mo = 12; mo >= 3; mo -= 3)
			if (base_exists(m, i, mo) &&
			    (mo == 12 ? period_days_from_civil(m->year, 1, 1)
				      : period_days_from_civil(m->year - 1, mo + 1, 1)) - 1 <=
				    base_last) {
				x->base += base_ytd(m, i, mo);
				x->has_base = 1;
				break;
			}
	}
	for (i = 0; i < m->n_units; i++) {
		struct expect *x = &e[i];
		unsigned q;
		if (m->u[i].quarter_targets)
			for (q = 1; q <= m->quarter; q++)
				x->fai_target += quarter_target(m, i, q);
		else
			x->fai_target = year_target(m, i);
		x->growth_target = m->u[i].quarter_targets ? 800 : 1000;
		for (j = 0; j < DEALS_PER_UNIT; j++)
			for (mo = 1; mo <= last_month; mo++)
				x->attraction += deal_funds(i, j, mo);
		for (j = 0; j < FUNDING_PER_UNIT; j++) {
			struct funding_gen f;
			funding_app(m, i, j, &f);
			if (f.applied_day >= m->year_first_day && f.applied_day <= last)
				x->upward += f.approved_fen;
		}
		for (j = 0; j < APPROVALS_PER_UNIT; j++) {
			struct approval_gen a;
			approval_item(m, i, j, &a);
			if (a.deadline >= m->year_first_day && a.deadline <= last &&
			    period_local_midnight_ms(a.deadline + 1) <= as_of) {
				x->approvals_due++;
				x->approvals_on_time += a.done_day >= 0 && a.done_day <= a.deadline;
			}
		}
		x->acceptance_failed = (uint32_t)acceptance_failed(m, i);
	}
}

/* ---- building the dataset ---- */

struct item {
	char uid[REC_UID_LEN + 1];
	uint8_t kind;
	uint32_t a, b;
};

static int item_uid_cmp(const void *x, const void *y)
{
	return memcmp(((const struct item *)x)->uid, ((const struct item *)y)->uid, REC_UID_LEN);
}

static void date_text(int64_t day, char out[11])
{
	period_format_date(day, out);
}

/* Encode the record of item it into buf (cap REC_DATA_MAX); fills r and rs. */
static int make_record(const struct model *m, const struct item *it, uint8_t *buf,
		       struct record *r, struct review_state *rs, uint8_t att[STORE_HASH_LEN],
		       int64_t bureau_id)
{
	char t1[128], t2[128], t3[16], t4[16];
	const int64_t year_ms = period_local_midnight_ms(m->year_first_day);
	size_t n = 0;
	uint64_t h;
	unsigned i;

	memset(rs, 0, sizeof *rs);
	memcpy(r->uid, it->uid, sizeof it->uid);
	snprintf(r->kind, sizeof r->kind, "%s", kind_name[it->kind]);
	r->n_attachments = 0;
	r->attachments = NULL;
	rs->status = BAOSONG__V1__REVIEW_STATUS__REVIEW_SUBMITTED;
	h = draw(T_ATTACH, it->kind, (uint64_t)it->a << 8 | it->b, 0);
	for (i = 0; i < STORE_HASH_LEN; i++)
		att[i] = (uint8_t)(mix(h + i) >> 17);

	switch ((enum item_kind)it->kind) {
	case K_TARGET: {
		Baosong__V1__Target t = BAOSONG__V1__TARGET__INIT;
		unsigned ui = it->a;
		t.unit_code = (char *)m->u[ui].code;
		if (it->b == 0) {
			snprintf(t1, sizeof t1, "%04d", m->year);
			t.fai_fen = year_target(m, ui);
			t.growth_bp = 1000;
			t.new_starts = new_starts_target(m, ui);
			t.attraction_fen = attraction_target(ui);
			t.upward_fen = upward_target(m, ui);
		} else {
			snprintf(t1, sizeof t1, "%04d-Q%u", m->year, it->b);
			t.fai_fen = quarter_target(m, ui, it->b);
			t.growth_bp = 800;
		}
		t.period = t1;
		r->unit_id = bureau_id;
		rs->created_at = year_ms - 20 * DAY_MS;
		rs->status = 0;
		n = baosong__v1__target__pack(&t, buf);
		break;
	}
	case K_PROJECT: {
		Baosong__V1__Project p = BAOSONG__V1__PROJECT__INIT;
		const struct mproject *mp = &m->p[it->a];
		static const char *const what[] = {"县城供水管网改造工程", "工业园区标准化厂房",
						   "农村公路提质改造", "中学教学综合楼",
						   "光伏发电项目", "冷链物流中心"};
		snprintf(t1, sizeof t1, "第%05u号 %s（%s）", it->a + 1, what[it->a % 6],
			 m->u[mp->unit].name);
		p.name = t1;
		p.plan_year = (uint32_t)m->year;
		p.category = (char *)(it->a % 3 == 0 ? "产业" : it->a % 3 == 1 ? "基础设施" : "民生");
		p.investment_type = (char *)(it->a % 4 == 0 ? "政府投资" : "企业投资");
		p.level = (char *)"县级重点";
		p.township = (char *)m->u[mp->unit].name;
		p.leader = (char *)"张三";
		p.owner = (char *)"县城市建设投资有限公司";
		p.total_investment_fen = mp->total_fen;
		p.annual_plan_fen = mp->annual_fen;
		date_text(mp->start_day, t3);
		date_text(mp->start_day + 700, t4);
		p.start_date = t3;
		p.end_date = t4;
		p.stage = (Baosong__V1__ProjectStage)mp->stage;
		p.lead_unit = (char *)m->u[mp->unit].code;
		p.contents = (char *)"新建主体工程及配套设施，完善道路、管网等基础设施。";
		r->unit_id = m->u[mp->unit].id;
		rs->created_at = year_ms - 40 * DAY_MS + (int64_t)(it->a % 1000) * 60000;
		rs->status = BAOSONG__V1__REVIEW_STATUS__REVIEW_APPROVED;
		n = baosong__v1__project__pack(&p, buf);
		break;
	}
	case K_WEEKLY: {
		Baosong__V1__WeeklyReport w = BAOSONG__V1__WEEKLY_REPORT__INIT;
		const struct mproject *mp = &m->p[it->a];
		struct wrep wr;
		int wi = (int)it->b;
		int64_t ytd = week_ytd(m, mp, wi);
		week_report(m, it->a, wi, &wr);
		period_format_week(m->monday[wi], t3);
		w.project_uid = (char *)mp->uid;
		w.period = t3;
		w.invested_period_fen = ytd - (wi ? week_ytd(m, mp, wi - 1) : 0);
		w.invested_ytd_fen = ytd;
		w.invested_total_fen = ytd + mp->total_fen / 4;
		w.progress = (char *)(ytd ? "主体结构施工" : "施工准备");
		w.progress_percent = (uint32_t)(ytd * 100 / (mp->total_fen ? mp->total_fen : 1));
		if (w.progress_percent > 100)
			w.progress_percent = 100;
		if (wi % 7 == 3)
			w.problems = (char *)"征地拆迁协调中";
		r->unit_id = m->u[mp->unit].id;
		if (wr.complete) {
			r->attachments = (uint8_t(*)[STORE_HASH_LEN])att;
			r->n_attachments = 1;
		}
		rs->created_at = wr.created_at;
		rs->complete_at = wr.complete_at;
		rs->status = wr.returned ? BAOSONG__V1__REVIEW_STATUS__REVIEW_RETURNED
			     : wi % 3  ? BAOSONG__V1__REVIEW_STATUS__REVIEW_APPROVED
				       : BAOSONG__V1__REVIEW_STATUS__REVIEW_SUBMITTED;
		n = baosong__v1__weekly_report__pack(&w, buf);
		break;
	}
	case K_MONTHLY: {
		Baosong__V1__MonthlyReport mr = BAOSONG__V1__MONTHLY_REPORT__INIT;
		const struct mproject *mp = &m->p[it->a];
		int64_t ytd = base_ytd(m, it->a, it->b), dl;
		snprintf(t3, sizeof t3, "%04d-%02u", m->year - 1, it->b);
		mr.project_uid = (char *)mp->uid;
		mr.period = t3;
		mr.invested_period_fen = ytd - base_ytd(m, it->a, it->b - 1);
		mr.invested_ytd_fen = ytd;
		mr.invested_total_fen = ytd;
		mr.progress = (char *)"主体结构施工";
		mr.progress_percent = 40;
		if (records_monthly_deadline(t3, &dl) != BS_OK)
			return BS_E_INVAL;
		r->unit_id = m->u[mp->unit].id;
		r->attachments = (uint8_t(*)[STORE_HASH_LEN])att;
		r->n_attachments = 1;
		rs->created_at = rs->complete_at = dl - 86400000;
		rs->status = BAOSONG__V1__REVIEW_STATUS__REVIEW_APPROVED;
		n = baosong__v1__monthly_report__pack(&mr, buf);
		break;
	}
	case K_STATS: {
		Baosong__V1__StatsEvidence s = BAOSONG__V1__STATS_EVIDENCE__INIT;
		Baosong__V1__Evidence ev = BAOSONG__V1__EVIDENCE__INIT, *evp[1] = {&ev};
		const struct mproject *mp = &m->p[it->a];
		s.project_uid = (char *)mp->uid;
		s.status = (Baosong__V1__StatsStatus)mp->stats;
		s.note = (char *)"佐证材料已上传";
		ev.kind = BAOSONG__V1__EVIDENCE_KIND__EVIDENCE_FILING;
		ev.hash.data = att;
		ev.hash.len = STORE_HASH_LEN;
		ev.name = (char *)"备案文件.pdf";
		s.evidence = evp;
		s.n_evidence = 1;
		r->attachments = (uint8_t(*)[STORE_HASH_LEN])att;
		r->n_attachments = 1;
		r->unit_id = m->u[mp->unit].id;
		rs->created_at = year_ms + 30 * DAY_MS;
		n = baosong__v1__stats_evidence__pack(&s, buf);
		break;
	}
	case K_APPROVAL: {
		Baosong__V1__ApprovalItem a = BAOSONG__V1__APPROVAL_ITEM__INIT;
		struct approval_gen g;
		unsigned ui = it->a, pj = ui + (it->b % 4) * m->n_units;
		approval_item(m, ui, it->b, &g);
		a.project_uid = (char *)m->p[pj < m->n_projects ? pj : ui % m->n_projects].uid;
		a.item = (char *)(it->b % 2 ? "用地预审" : "施工许可证");
		a.level = BAOSONG__V1__APPROVAL_LEVEL__APPROVAL_COUNTY;
		date_text(g.deadline, t3);
		a.deadline = t3;
		if (g.done_day >= 0) {
			a.status = BAOSONG__V1__ITEM_STATUS__ITEM_DONE;
			date_text(g.done_day, t4);
			a.done_date = t4;
		} else {
			a.status = BAOSONG__V1__ITEM_STATUS__ITEM_IN_PROGRESS;
		}
		r->unit_id = m->u[ui].id;
		rs->created_at = year_ms;
		n = baosong__v1__approval_item__pack(&a, buf);
		break;
	}
	case K_DEAL: {
		Baosong__V1__Deal d = BAOSONG__V1__DEAL__INIT;
		Baosong__V1__FundsInPlace f[13], *fp[13];
		char months[13][8];
		unsigned mo;
		for (mo = 0; mo <= 12; mo++) {
			baosong__v1__funds_in_place__init(&f[mo]);
			snprintf(months[mo], sizeof months[mo], "%04d-%02u",
				 mo ? m->year : m->year - 1, mo ? mo : 12u);
			f[mo].month = months[mo];
			f[mo].amount_fen = deal_funds(it->a, it->b, mo);
			fp[mo] = &f[mo];
		}
		snprintf(t1, sizeof t1, "招商企业%u-%u有限公司", it->a + 1, it->b + 1);
		d.partner = t1;
		d.sector = (char *)"新能源";
		d.contract_fen = 100000000000LL;
		d.stage = BAOSONG__V1__DEAL_STAGE__DEAL_STARTED;
		date_text(m->year_first_day - 90, t3);
		d.signed_date = t3;
		d.funds = fp;
		d.n_funds = 13;
		r->unit_id = m->u[it->a].id;
		rs->created_at = year_ms;
		n = baosong__v1__deal__pack(&d, buf);
		break;
	}
	case K_FUNDING: {
		Baosong__V1__FundingApplication fa = BAOSONG__V1__FUNDING_APPLICATION__INIT;
		struct funding_gen g;
		funding_app(m, it->a, it->b, &g);
		snprintf(t2, sizeof t2, "中央预算内投资申报%u-%u", it->a + 1, it->b + 1);
		fa.project_uid = (char *)m->p[it->a % m->n_projects].uid;
		fa.channel = BAOSONG__V1__FUNDING_CHANNEL__CHANNEL_CENTRAL_BUDGET;
		fa.title = t2;
		fa.applied_fen = g.applied_fen;
		fa.approved_fen = g.approved_fen;
		fa.arrived_fen = g.status == BAOSONG__V1__FUNDING_STATUS__FUNDING_ARRIVED
					 ? g.approved_fen
					 : 0;
		fa.status = (Baosong__V1__FundingStatus)g.status;
		date_text(g.applied_day, t3);
		fa.applied_date = t3;
		r->unit_id = m->u[it->a].id;
		rs->created_at = year_ms;
		n = baosong__v1__funding_application__pack(&fa, buf);
		break;
	}
	case K_ACCEPTANCE: {
		Baosong__V1__Acceptance ac = BAOSONG__V1__ACCEPTANCE__INIT;
		ac.project_uid = (char *)m->p[it->a % m->n_projects].uid;
		ac.year = (uint32_t)m->year;
		ac.result = BAOSONG__V1__ACCEPTANCE_RESULT__ACCEPTANCE_FAILED;
		date_text(m->year_first_day + 200, t3);
		ac.date = t3;
		ac.note = (char *)"建设进度未达要求";
		/* Written by the bureau's reviewer for the unit (op.unit_id). */
		r->unit_id = m->u[it->a].id;
		rs->created_at = year_ms + 200 * DAY_MS;
		n = baosong__v1__acceptance__pack(&ac, buf);
		break;
	}
	default:
		return BS_E_INVAL;
	}
	if (n > REC_DATA_MAX)
		return BS_E_TOOBIG;
	r->data = buf;
	r->data_len = n;
	r->deleted = 0;
	return BS_OK;
}

static int sql_exec(sqlite3 *db, const char *q)
{
	char *err = NULL;
	if (sqlite3_exec(db, q, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "bench_assess: sqlite: %s: %s\n", q, err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

static int params_set(sqlite3 *db, const char *key, int64_t v)
{
	char q[256];
	snprintf(q, sizeof q,
		 "INSERT INTO bench_assess_params(key, value) VALUES ('%s', %lld)"
		 " ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, (long long)v);
	return sql_exec(db, q);
}

/* Keys whose values must match for a dataset to be reused. */
static void params_expected(const struct opts *o, const struct model *m, const char **keys,
			    int64_t *vals, size_t *n)
{
	size_t k = 0;
	keys[k] = "format", vals[k++] = FORMAT_VERSION;
	keys[k] = "units", vals[k++] = o->units;
	keys[k] = "projects", vals[k++] = o->projects;
	keys[k] = "year", vals[k++] = o->year;
	keys[k] = "wfirst", vals[k++] = m->wfirst;
	keys[k] = "wlast", vals[k++] = m->wlast;
	keys[k] = "complete", vals[k++] = 1;
	*n = k;
}

static int64_t params_get(sqlite3 *db, const char *key, int64_t def)
{
	sqlite3_stmt *s = NULL;
	int64_t v = def;
	if (sqlite3_prepare_v2(db, "SELECT value FROM bench_assess_params WHERE key = ?1", -1, &s,
			       NULL) != SQLITE_OK)
		return def;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* 1 if path holds a complete dataset for these parameters, 0 if it holds
 * another (or an unfinished) one of ours, -1 if it is not ours. */
static int dataset_matches(const char *path, const struct opts *o, const struct model *m)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	const char *keys[16];
	int64_t vals[16];
	size_t n, i;
	int ours = 0, match = 1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE name = 'bench_assess_params'",
			       -1, &s, NULL) == SQLITE_OK)
		ours = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	if (ours) {
		params_expected(o, m, keys, vals, &n);
		for (i = 0; i < n; i++)
			if (params_get(db, keys[i], -1) != vals[i])
				match = 0;
		/* A dataset of an older schema: the store opens it read-only only
		 * at its own version, so it is built again. */
		if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK ||
		    sqlite3_step(s) != SQLITE_ROW ||
		    sqlite3_column_int(s, 0) != store_schema_version())
			match = 0;
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return ours ? match : -1;
}

static void remove_db(const char *path)
{
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal", ".audit-key"};
	char p[4096];
	size_t i;
	for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, sfx[i]);
		unlink(p);
	}
}

static Baosong__V1__Scheme *example_scheme(int year)
{
	Baosong__V1__Scheme *s = NULL;
	char err[256];
	const char *text = assess_scheme_example();
	if (assess_scheme_parse(text, strlen(text), &s, err, sizeof err) != BS_OK) {
		fprintf(stderr, "bench_assess: example scheme: %s\n", err);
		return NULL;
	}
	s->year = (uint32_t)year;
	s->version = 1;
	return s;
}

/* Build the dataset at path (runs in a child process, so that its memory
 * does not count in the measurements' peak RSS). */
static int build(const struct opts *o, struct model *m, const Baosong__V1__Scheme *scheme)
{
	struct store *st = NULL;
	struct item *items = NULL;
	size_t n_items = 0, cap = 0, k;
	uint64_t per_kind[K_COUNT], validated[K_COUNT];
	uint8_t *buf = NULL;
	int64_t bureau_id = 0;
	sqlite3 *db = NULL;
	double t0 = now_s(), t_gen, t_end;
	unsigned i, j;
	int rv = BS_OK, w;
	char g1[32], g2[32];

	memset(per_kind, 0, sizeof per_kind);
	memset(validated, 0, sizeof validated);
	/* Mark the file as ours (and unfinished) before the store creates it. */
	if (sqlite3_open(o->db, &db) != SQLITE_OK ||
	    sql_exec(db, "CREATE TABLE bench_assess_params(key TEXT PRIMARY KEY, value INTEGER)") ||
	    params_set(db, "complete", 0)) {
		sqlite3_close(db);
		return BS_E_DB;
	}
	sqlite3_close(db);
	db = NULL;

	/* Every record as (kind, a, b), with a fresh uid. */
	cap = (size_t)m->n_units * 8 + (size_t)m->n_projects * (size_t)(m->wlast - m->wfirst + 8) +
	      (size_t)m->n_units * (DEALS_PER_UNIT + FUNDING_PER_UNIT + APPROVALS_PER_UNIT);
	if (!(items = malloc(cap * sizeof *items)) || !(buf = malloc(REC_DATA_MAX))) {
		rv = BS_E_NOMEM;
		goto out;
	}
#define ADD(K, A, B)                                                                              \
	do {                                                                                      \
		struct item *it_ = &items[n_items++];                                             \
		records_new_uid(it_->uid);                                                        \
		it_->kind = (uint8_t)(K);                                                         \
		it_->a = (uint32_t)(A);                                                           \
		it_->b = (uint32_t)(B);                                                           \
		per_kind[K]++;                                                                    \
	} while (0)
	for (i = 0; i < m->n_units; i++) {
		ADD(K_TARGET, i, 0);
		if (m->u[i].quarter_targets)
			for (j = 1; j <= 4; j++)
				ADD(K_TARGET, i, j);
		for (j = 0; j < APPROVALS_PER_UNIT; j++)
			ADD(K_APPROVAL, i, j);
		for (j = 0; j < DEALS_PER_UNIT; j++)
			ADD(K_DEAL, i, j);
		for (j = 0; j < FUNDING_PER_UNIT; j++)
			ADD(K_FUNDING, i, j);
		if (acceptance_failed(m, i))
			ADD(K_ACCEPTANCE, i, 0);
	}
	for (i = 0; i < m->n_projects; i++) {
		ADD(K_PROJECT, i, 0);
		memcpy(m->p[i].uid, items[n_items - 1].uid, sizeof m->p[i].uid);
		for (w = m->wfirst; w <= m->wlast; w++) {
			struct wrep r;
			week_report(m, i, w, &r);
			if (r.exists)
				ADD(K_WEEKLY, i, w);
		}
		for (j = 3; j <= 12; j += 3)
			if (base_exists(m, i, j))
				ADD(K_MONTHLY, i, j);
		if (m->p[i].stats)
			ADD(K_STATS, i, 0);
	}
#undef ADD
	/* Written in uid order, so every B-tree grows at its end and the build
	 * stays fast (a server inserts in random uid order, which leaves the
	 * pages less full: docs/PERFORMANCE.md). */
	qsort(items, n_items, sizeof *items, item_uid_cmp);
	t_gen = now_s();
	printf("  generated %s records in %.1f s; writing them through the store API ...\n",
	       grp(n_items, g1, sizeof g1), t_gen - t0);
	fflush(stdout);

	if ((rv = store_open(o->db, 0, &st)) != BS_OK || (rv = store_begin(st)) != BS_OK)
		goto out;
	{
		struct unit u;
		memset(&u, 0, sizeof u);
		snprintf(u.code, sizeof u.code, "fgj");
		snprintf(u.name, sizeof u.name, "发展和改革局");
		u.type = UNIT_BUREAU;
		snprintf(u.region, sizeof u.region, "620000");
		if ((rv = store_unit_add(st, &u, &bureau_id)) != BS_OK)
			goto out;
		for (i = 0; i < m->n_units; i++) {
			memset(&u, 0, sizeof u);
			snprintf(u.code, sizeof u.code, "%s", m->u[i].code);
			snprintf(u.name, sizeof u.name, "%s", m->u[i].name);
			u.type = UNIT_TOWNSHIP;
			snprintf(u.region, sizeof u.region, "62%04u", (i + 1) % 10000);
			if ((rv = store_unit_add(st, &u, &m->u[i].id)) != BS_OK)
				goto out;
		}
	}
	{
		size_t sl = baosong__v1__scheme__get_packed_size(scheme);
		uint8_t *sb = malloc(sl ? sl : 1);
		if (!sb) {
			rv = BS_E_NOMEM;
			goto out;
		}
		baosong__v1__scheme__pack(scheme, sb);
		rv = store_scheme_add(st, m->year, 1, sb, sl,
				      period_local_midnight_ms(m->year_first_day) - DAY_MS);
		free(sb);
		if (rv != BS_OK)
			goto out;
	}
	for (k = 0; k < n_items; k++) {
		struct record r;
		struct review_state rs;
		uint8_t att[STORE_HASH_LEN];
		memset(&r, 0, sizeof r);
		if ((rv = make_record(m, &items[k], buf, &r, &rs, att, bureau_id)) != BS_OK)
			goto out;
		/* The first records of each kind also pass the records' own
		 * validation, so the data is what a real server would hold. */
		if (validated[items[k].kind]++ < 200) {
			struct rec_ctx c;
			struct rec_error e;
			memset(&c, 0, sizeof c);
			/* As the data stands at the end of the year. */
			c.now_ms = period_local_midnight_ms(period_days_from_civil(m->year + 1, 1, 15));
			c.unit_id = r.unit_id;
			c.any_unit = 1;
			if (records_validate_data(r.kind, r.data, r.data_len, &c, &e) != BS_OK) {
				char msg[512];
				records_error_text(&e, msg, sizeof msg);
				fprintf(stderr, "bench_assess: generated %s is invalid: %s\n", r.kind,
					msg);
				rv = BS_E_INVAL;
				goto out;
			}
		}
		if ((rv = store_record_put(st, &r, 0, rs.created_at)) != BS_OK ||
		    (rv = store_review_set(st, r.uid, &rs)) != BS_OK)
			goto out;
		if ((k + 1) % COMMIT_EVERY == 0) {
			if ((rv = store_commit(st)) != BS_OK || (rv = store_begin(st)) != BS_OK)
				goto out;
			if ((k + 1) % (COMMIT_EVERY * 10) == 0) {
				printf("  ... %s of %s records, %.0f s\n", grp(k + 1, g1, sizeof g1),
				       grp(n_items, g2, sizeof g2), now_s() - t0);
				fflush(stdout);
			}
		}
	}
	if ((rv = store_commit(st)) != BS_OK)
		goto out;
	store_close(st);
	st = NULL;
	t_end = now_s();

	if (sqlite3_open(o->db, &db) != SQLITE_OK) {
		rv = BS_E_DB;
		goto out;
	}
	{
		const char *keys[16];
		int64_t vals[16];
		size_t n, q;
		char key[48];
		params_expected(o, m, keys, vals, &n);
		sql_exec(db, "BEGIN");
		for (q = 0; q < n; q++)
			if (strcmp(keys[q], "complete") != 0)
				params_set(db, keys[q], vals[q]);
		for (q = 0; q < K_COUNT; q++) {
			snprintf(key, sizeof key, "n.%s", kind_name[q]);
			params_set(db, key, (int64_t)per_kind[q]);
		}
		params_set(db, "n.records", (int64_t)n_items);
		params_set(db, "build_ms", (int64_t)((t_end - t0) * 1000));
		params_set(db, "write_ms", (int64_t)((t_end - t_gen) * 1000));
		if (params_set(db, "complete", 1) || sql_exec(db, "COMMIT"))
			rv = BS_E_DB;
	}
	/* Fold the WAL back into the file, so every measurement starts alike. */
	sql_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	sqlite3_close(db);
	db = NULL;
out:
	if (st) {
		store_rollback(st);
		store_close(st);
	}
	free(items);
	free(buf);
	return rv;
}

/* ---- measurements ---- */

struct scan_sum {
	uint64_t rows, bytes, decoded;
	int64_t tsum;
};

static const ProtobufCMessageDescriptor *kind_desc(const char *kind)
{
	const struct rec_kind *k = kind ? records_kind(kind) : NULL;
	return k ? k->desc : NULL;
}

/* The baseline: one ordered pass over the rows the ranking reads, with
 * sqlite3 alone.  decode: also unpack every record's protobuf. */
static int raw_scan(const char *path, int decode, struct scan_sum *o, double *secs)
{
	static const char q[] =
		"SELECT r.data, r.attachments, m.created_at, m.complete_at, r.kind"
		" FROM record r LEFT JOIN record_meta m ON m.uid = r.uid ORDER BY r.uid";
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	double t0 = now_s();
	int rc;

	memset(o, 0, sizeof *o);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sql_exec(db, "BEGIN") || sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_assess: raw scan: %s\n", sqlite3_errmsg(db));
		sqlite3_finalize(s);
		sqlite3_close(db);
		return -1;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const void *data = sqlite3_column_blob(s, 0);
		int n = sqlite3_column_bytes(s, 0);
		o->rows++;
		o->bytes += (uint64_t)n + (uint64_t)sqlite3_column_bytes(s, 1);
		o->tsum += sqlite3_column_int64(s, 2) + sqlite3_column_int64(s, 3);
		if (decode) {
			const ProtobufCMessageDescriptor *d =
				kind_desc((const char *)sqlite3_column_text(s, 4));
			ProtobufCMessage *msg =
				d ? protobuf_c_message_unpack(d, NULL, (size_t)n, data) : NULL;
			if (msg) {
				o->decoded++;
				protobuf_c_message_free_unpacked(msg, NULL);
			}
		}
	}
	sqlite3_finalize(s);
	sql_exec(db, "COMMIT");
	sqlite3_close(db);
	*secs = now_s() - t0;
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The scans assess_gather makes, as store_record_scan issues them: one
 * statement per kind, WHERE r.kind = ?, same columns, same order. */
static int raw_kind_scans(const char *path, struct scan_sum *o, double *secs)
{
	static const char q[] =
		"SELECT r.kind, r.uid, r.unit_id, r.rev, r.deleted, r.updated_at, r.device_id,"
		" r.change_seq, r.data, r.attachments, coalesce(m.created_at, 0),"
		" coalesce(m.review_status, 0), coalesce(m.reviewed_at, 0),"
		" coalesce(m.locked, 0), coalesce(m.complete_at, 0)"
		" FROM record r LEFT JOIN record_meta m ON m.uid = r.uid WHERE r.kind = ?1"
		" ORDER BY r.uid";
	static const char *const kinds[] = {
		REC_KIND_PROJECT, REC_KIND_WEEKLY, REC_KIND_MONTHLY, REC_KIND_APPROVAL,
		REC_KIND_STATS,   REC_KIND_DEAL,   REC_KIND_FUNDING, REC_KIND_ACCEPTANCE,
		REC_KIND_TARGET,
	};
	sqlite3 *db = NULL;
	double t0 = now_s();
	size_t i;
	int rc = SQLITE_DONE;

	memset(o, 0, sizeof *o);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sql_exec(db, "BEGIN")) {
		sqlite3_close(db);
		return -1;
	}
	for (i = 0; i < sizeof kinds / sizeof kinds[0] && rc == SQLITE_DONE; i++) {
		sqlite3_stmt *s = NULL;
		if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK) {
			rc = SQLITE_ERROR;
			break;
		}
		sqlite3_bind_text(s, 1, kinds[i], -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			o->rows++;
			o->bytes += (uint64_t)sqlite3_column_bytes(s, 8) +
				    (uint64_t)sqlite3_column_bytes(s, 9);
			o->tsum += sqlite3_column_int64(s, 10) + sqlite3_column_int64(s, 14);
		}
		sqlite3_finalize(s);
	}
	sql_exec(db, "COMMIT");
	sqlite3_close(db);
	*secs = now_s() - t0;
	return rc == SQLITE_DONE ? 0 : -1;
}

struct ranking {
	Baosong__V1__AssessInputs *in;
	Baosong__V1__Publication *pub;
	double secs, gather_secs, rss_before, rss_after;
};

static int run_ranking(const char *path, const Baosong__V1__Scheme *scheme, const char *period,
		       int64_t as_of, struct ranking *out)
{
	struct store *st = NULL;
	double t0, t1;
	int rv;

	memset(out, 0, sizeof *out);
	out->rss_before = rss_mb();
	t0 = now_s();
	if ((rv = store_open(path, 1, &st)) != BS_OK)
		return rv;
	if ((rv = store_begin(st)) == BS_OK) {
		rv = assess_gather(st, scheme, BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER, period,
				   as_of, &out->in);
		t1 = now_s();
		if (rv == BS_OK)
			rv = assess_compute(scheme, out->in, &out->pub);
		out->rss_after = rss_mb();
		store_commit(st);
		out->gather_secs = t1 - t0;
	}
	store_close(st);
	out->secs = now_s() - t0;
	return rv;
}

static void ranking_free(struct ranking *r)
{
	if (r->in)
		protobuf_c_message_free_unpacked(&r->in->base, NULL);
	if (r->pub)
		protobuf_c_message_free_unpacked(&r->pub->base, NULL);
	r->in = NULL;
	r->pub = NULL;
}

/* Write in and pub, each after its length (u32 big-endian), to path. */
static int dump_write(const char *path, const Baosong__V1__AssessInputs *in,
		      const Baosong__V1__Publication *pub)
{
	size_t n[2] = {baosong__v1__assess_inputs__get_packed_size(in),
		       baosong__v1__publication__get_packed_size(pub)};
	uint8_t *b[2] = {malloc(n[0] + 1), malloc(n[1] + 1)};
	FILE *f = NULL;
	int i, rv = -1;

	if (b[0] && b[1] && (f = fopen(path, "wb"))) {
		baosong__v1__assess_inputs__pack(in, b[0]);
		baosong__v1__publication__pack(pub, b[1]);
		rv = 0;
		for (i = 0; i < 2; i++) {
			uint8_t len[4] = {(uint8_t)(n[i] >> 24), (uint8_t)(n[i] >> 16),
					  (uint8_t)(n[i] >> 8), (uint8_t)n[i]};
			if (fwrite(len, 1, 4, f) != 4 || fwrite(b[i], 1, n[i], f) != n[i])
				rv = -1;
		}
		if (fclose(f) != 0)
			rv = -1;
	}
	free(b[0]);
	free(b[1]);
	if (rv)
		fprintf(stderr, "bench_assess: cannot write %s\n", path);
	return rv;
}

/* ---- checks of the result ---- */

static const Baosong__V1__UnitInput *input_of(const Baosong__V1__AssessInputs *in,
					      const char *code)
{
	size_t i;
	for (i = 0; i < in->n_units; i++)
		if (!strcmp(in->units[i]->unit_code, code))
			return in->units[i];
	return NULL;
}

/* Compare the gathered inputs with what the generator wrote.  Returns the
 * number of units that differ (each printed, at most a few). */
static unsigned check_inputs(const struct model *m, const Baosong__V1__AssessInputs *in,
			     int64_t as_of)
{
	struct expect *e = calloc(m->n_units, sizeof *e);
	unsigned i, bad = 0, shown = 0;

	if (!e)
		return m->n_units;
	expect_compute(m, as_of, e);
	for (i = 0; i < m->n_units; i++) {
		const Baosong__V1__UnitInput *u = input_of(in, m->u[i].code);
		const struct expect *x = &e[i];
		char what[512];
		size_t o = 0;
		what[0] = '\0';
#define CMP(field, want)                                                                          \
	do {                                                                                      \
		if ((int64_t)(u->field) != (int64_t)(want) && o < sizeof what - 80)               \
			o += (size_t)snprintf(what + o, sizeof what - o, " %s=%lld (want %lld)",  \
					      #field, (long long)(u->field), (long long)(want));  \
	} while (0)
		if (!u) {
			snprintf(what, sizeof what, " missing from the inputs");
		} else {
			CMP(projects, x->projects);
			CMP(fai_ytd_fen, x->ytd);
			CMP(fai_base_fen, x->base);
			CMP(has_base, x->has_base);
			CMP(fai_target_fen, x->fai_target);
			CMP(growth_target_bp, x->growth_target);
			CMP(new_starts, x->new_starts);
			CMP(attraction_fen, x->attraction);
			CMP(upward_fen, x->upward);
			CMP(reports_due, x->due);
			CMP(reports_on_time, x->on_time);
			CMP(reports_late, x->late);
			CMP(reports_missing, x->missing);
			CMP(approvals_due, x->approvals_due);
			CMP(approvals_on_time, x->approvals_on_time);
			CMP(stats_needed, x->stats_needed);
			CMP(stats_registered, x->stats_registered);
			CMP(acceptance_failed, x->acceptance_failed);
		}
#undef CMP
		if (what[0]) {
			bad++;
			if (shown++ < 5)
				printf("  MISMATCH %s:%s\n", m->u[i].code, what);
		}
	}
	free(e);
	return bad;
}

/* Ranks 1.. in order, unranked last, every unit once.  0 if sane. */
static int check_ranks(const Baosong__V1__Publication *p, unsigned n_units, unsigned *ranked)
{
	size_t i, j;
	uint32_t prev = 0;
	int unranked_seen = 0;

	*ranked = 0;
	if (p->n_results != n_units) {
		printf("  BAD: %zu results for %u units\n", p->n_results, n_units);
		return -1;
	}
	for (i = 0; i < p->n_results; i++) {
		const Baosong__V1__UnitResult *r = p->results[i];
		if (r->rank == 0) {
			unranked_seen = 1;
			continue;
		}
		(*ranked)++;
		if (unranked_seen || (i == 0 && r->rank != 1) ||
		    (i > 0 && r->rank != prev && r->rank != i + 1)) {
			printf("  BAD: rank %u at position %zu\n", r->rank, i + 1);
			return -1;
		}
		prev = r->rank;
	}
	for (i = 0; i < p->n_results; i++)
		for (j = i + 1; j < p->n_results && j < i + 64; j++)
			if (!strcmp(p->results[i]->unit_code, p->results[j]->unit_code)) {
				printf("  BAD: %s listed twice\n", p->results[i]->unit_code);
				return -1;
			}
	return 0;
}

static void print_result(const Baosong__V1__Publication *p, const Baosong__V1__AssessInputs *in,
			 size_t i)
{
	const Baosong__V1__UnitResult *r = p->results[i];
	const Baosong__V1__UnitInput *u = input_of(in, r->unit_code);
	char due[32];
	printf("  %4u  %-5s %-10s %7.2f 分  %-4s 完成率 %6.2f%%  报送 %s 迟 %u 缺 %u  flags %u\n",
	       r->rank, r->unit_code, u ? u->unit_name : "?", (double)r->total_c / 100.0,
	       r->grade ? r->grade : "", (double)r->completion_bp / 100.0,
	       grp(r->reports_due, due, sizeof due), r->reports_late, r->reports_missing,
	       r->flags);
}

/* ---- main ---- */

int main(int argc, char **argv)
{
	struct opts o;
	struct model m;
	Baosong__V1__Scheme *scheme = NULL;
	struct ranking rk;
	struct scan_sum base_sum = {0, 0, 0, 0}, sum;
	double t_base[RUNS_MAX], t_rank[RUNS_MAX], t_gather[RUNS_MAX];
	double c_base[RUNS_MAX], c_rank[RUNS_MAX], c0, cb_best, cb_med, cr_best, cr_med;
	double b_best, b_med, r_best, r_med, g_best, g_med, kinds_s = 0, decode_s = 0;
	double peak_before, rss_growth = 0, build_s;
	uint8_t *first_pub = NULL;
	size_t first_len = 0;
	int64_t as_of, n_records = 0, n_weekly = 0, kinds_ok;
	char period[16], g1[32], g2[32], g3[32], g4[32];
	unsigned run, bad_inputs = 0, ranked = 0, differ = 0;
	int status, built = 0, rv, fails = 0;

	if (parse_opts(argc, argv, &o) != 0)
		return 64;
	if (sodium_init() < 0)
		return 1;
	if (model_init(&m, &o) != BS_OK || !(scheme = example_scheme(o.year)))
		return 1;
	snprintf(period, sizeof period, "%04d-Q%u", o.year, o.quarter);
	/* Mid-January of the next year: every deadline of the year has passed. */
	as_of = period_local_midnight_ms(period_days_from_civil(o.year + 1, 1, 15));

	printf("bench_assess: quarterly ranking %s of %u units, %u projects, weeks %d..%d of %d\n",
	       period, o.units, o.projects, m.wfirst + 1, m.wlast + 1, m.n_weeks);
	printf("  database %s\n", o.db);

	/* ---- the dataset ---- */
	status = access(o.db, F_OK) == 0 ? dataset_matches(o.db, &o, &m) : 0;
	if (status < 0 && !o.rebuild) {
		fprintf(stderr, "bench_assess: %s exists and is not a bench_assess dataset; remove it "
				"or pass --rebuild\n", o.db);
		return 1;
	}
	if (status != 1 || o.rebuild) {
		pid_t pid;
		int ws = 0;
		printf("  building the dataset (%s) ...\n",
		       access(o.db, F_OK) != 0 ? "none yet"
		       : status == 1	       ? "--rebuild"
		       : status == 0	       ? "it holds other parameters"
					       : "--rebuild over a foreign file");
		remove_db(o.db);
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			rv = build(&o, &m, scheme);
			if (rv != BS_OK)
				fprintf(stderr, "bench_assess: build failed: %s\n", bs_strerror(rv));
			fflush(stdout);
			_exit(rv == BS_OK ? 0 : 1);
		}
		if (waitpid(pid, &ws, 0) < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
			fprintf(stderr, "bench_assess: building the dataset failed\n");
			return 1;
		}
		built = 1;
	}
	/* What was built (the counts are kept in the file). */
	{
		sqlite3 *db = NULL;
		if (sqlite3_open_v2(o.db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
			sqlite3_close(db);
			return 1;
		}
		n_records = params_get(db, "n.records", 0);
		n_weekly = params_get(db, "n." REC_KIND_WEEKLY, 0);
		build_s = (double)params_get(db, "build_ms", 0) / 1000.0;
		int64_t n_monthly = params_get(db, "n." REC_KIND_MONTHLY, 0);
		printf("  %s dataset: %s records: %s weekly reports, %s projects, %s monthly "
		       "reports of last year,\n    %lld targets, %lld others (stats evidence, approval "
		       "items, deals, funding, acceptance)\n", built ? "built" : "reused",
		       grp((uint64_t)n_records, g1, sizeof g1), grp((uint64_t)n_weekly, g2, sizeof g2),
		       grp(o.projects, g3, sizeof g3), grp((uint64_t)n_monthly, g4, sizeof g4),
		       (long long)params_get(db, "n." REC_KIND_TARGET, 0),
		       (long long)(n_records - n_weekly - o.projects - n_monthly -
				   params_get(db, "n." REC_KIND_TARGET, 0)));
		printf("  database file %.1f MB; build time %.1f s (%.0f records/s through "
		       "store_record_put + store_review_set)%s\n", file_mb(o.db), build_s,
		       build_s > 0 ? (double)n_records / build_s : 0, built ? "" : ", earlier run");
		sqlite3_close(db);
	}

	/* ---- measurements, alternating baseline and ranking ---- */
	printf("measuring, %u run(s) each, alternating ...\n", o.runs);
	fflush(stdout);
	peak_before = maxrss_mb();
	for (run = 0; run < o.runs; run++) {
		c0 = cpu_s();
		if (raw_scan(o.db, 0, &sum, &t_base[run]) != 0)
			return 1;
		c_base[run] = cpu_s() - c0;
		c0 = cpu_s();
		if (run == 0)
			base_sum = sum;
		if (run == 0)
			peak_before = maxrss_mb();
		rv = run_ranking(o.db, scheme, period, as_of, &rk);
		if (rv != BS_OK) {
			fprintf(stderr, "bench_assess: ranking failed: %s\n", bs_strerror(rv));
			return 1;
		}
		c_rank[run] = cpu_s() - c0;
		t_rank[run] = rk.secs;
		t_gather[run] = rk.gather_secs;
		if (rk.rss_after - rk.rss_before > rss_growth)
			rss_growth = rk.rss_after - rk.rss_before;
		{
			size_t len = baosong__v1__publication__get_packed_size(rk.pub);
			uint8_t *b = malloc(len ? len : 1);
			if (!b)
				return 1;
			baosong__v1__publication__pack(rk.pub, b);
			if (run == 0) {
				first_pub = b;
				first_len = len;
				if (o.dump && dump_write(o.dump, rk.in, rk.pub) != 0)
					return 1;
			} else {
				differ += len != first_len || memcmp(b, first_pub, len) != 0;
				free(b);
			}
		}
		printf("  run %u: raw scan %.3f s (CPU %.3f s), ranking %.3f s (gather %.3f s; CPU "
		       "%.3f s, both threads)\n", run + 1, t_base[run], c_base[run], t_rank[run],
		       t_gather[run], c_rank[run]);
		fflush(stdout);
		if (run + 1 < o.runs)
			ranking_free(&rk);
	}
	best_median(t_base, o.runs, &b_best, &b_med);
	best_median(t_rank, o.runs, &r_best, &r_med);
	best_median(t_gather, o.runs, &g_best, &g_med);
	best_median(c_base, o.runs, &cb_best, &cb_med);
	best_median(c_rank, o.runs, &cr_best, &cr_med);

	/* ---- where the time goes (once each) ---- */
	{
		struct scan_sum ks, ds;
		kinds_ok = raw_kind_scans(o.db, &ks, &kinds_s) == 0;
		if (raw_scan(o.db, 1, &ds, &decode_s) != 0)
			decode_s = 0;
		printf("\nresults (wall clock, best / median of %u)\n", o.runs);
		printf("  raw SQLite, one pass record LEFT JOIN record_meta   %7.3f s / %7.3f s  "
		       "%6.2f M rows/s  (%s rows, %.0f MB of data)\n", b_best, b_med,
		       (double)base_sum.rows / b_best / 1e6, grp(base_sum.rows, g1, sizeof g1),
		       (double)base_sum.bytes / 1048576.0);
		printf("  quarterly ranking (open, gather, compute, close)     %7.3f s / %7.3f s  "
		       "%6.2f M rows/s\n", r_best, r_med, (double)base_sum.rows / r_best / 1e6);
		printf("    of which assess_gather (incl. open)               %7.3f s / %7.3f s\n",
		       g_best, g_med);
		printf("  ratio ranking / raw scan                             %7.2fx   / %7.2fx\n",
		       r_best / b_best, r_med / b_med);
		printf("  CPU time (user + system, every thread): raw scan %.3f s / %.3f s, ranking "
		       "%.3f s / %.3f s, ratio %.2fx / %.2fx\n", cb_best, cb_med, cr_best, cr_med,
		       cr_best / cb_best, cr_med / cb_med);
		printf("breakdown (one run each)\n");
		if (kinds_ok)
			printf("  raw SQLite, the 9 per-kind scans store_record_scan issues  %7.2f s  "
			       "(%.2fx the one pass; %s rows)\n", kinds_s, kinds_s / b_best,
			       grp(ks.rows, g1, sizeof g1));
		printf("  raw SQLite one pass + protobuf-c decode of every record    %7.2f s  "
		       "(decode ~ %.2f s; %s decoded)\n", decode_s, decode_s - b_best,
		       grp(ds.decoded, g1, sizeof g1));
		printf("  ranking minus the per-kind scans (decode, digest, logic)   %7.2f s\n",
		       r_best - kinds_s);
	}
	printf("memory\n");
	printf("  peak RSS of the process %.1f MB (%.1f MB before the first ranking); RSS growth "
	       "during a ranking %.1f MB\n", maxrss_mb(), peak_before, rss_growth);
	printf("  AssessInputs %zu bytes, Publication %zu bytes (encoded)\n",
	       baosong__v1__assess_inputs__get_packed_size(rk.in), first_len);

	/* ---- is it real? ---- */
	printf("checks\n");
	bad_inputs = check_inputs(&m, rk.in, as_of);
	printf("  gathered inputs: %u of %u units as the generator wrote them\n",
	       o.units - bad_inputs, o.units);
	if (check_ranks(rk.pub, o.units, &ranked) == 0)
		printf("  ranking: %zu results, %u ranked, ranks 1..%u in order\n", rk.pub->n_results,
		       ranked, rk.pub->n_results ? rk.pub->results[ranked ? ranked - 1 : 0]->rank : 0);
	else
		fails++;
	printf("  the %u runs gave %s publications\n", o.runs,
	       differ ? "DIFFERENT" : "byte-identical");
	fails += bad_inputs != 0 || differ != 0;
	if (rk.pub->n_results) {
		size_t i;
		printf("  rank  unit  name        total  grade\n");
		for (i = 0; i < 3 && i < rk.pub->n_results; i++)
			print_result(rk.pub, rk.in, i);
		if (rk.pub->n_results > 3) {
			printf("   ...\n");
			print_result(rk.pub, rk.in, rk.pub->n_results - 1);
		}
	}
	printf("\nquarterly ranking of %u units, %u projects, %s weekly reports: %.2f s (best of "
	       "%u), peak RSS %.0f MB; raw SQLite scan of the same rows %.2f s: ratio %.1fx\n",
	       o.units, o.projects, grp((uint64_t)n_weekly, g1, sizeof g1), r_best, o.runs,
	       maxrss_mb(), b_best, r_best / b_best);
	/* The line scripts/bench gathers (bench/benchlib.h), medians. */
	printf("RESULT|7a ranking time|ranking s (median of %u)|%.6g|%.6g|%.3f|<= 1.5x raw SQLite "
	       "pass|%s\n", o.runs, r_med, b_med, r_med / b_med,
	       r_med / b_med <= 1.5 ? "met" : "NOT met");
	printf("RESULT|7b ranking memory|peak RSS MB|%.6g|%.6g|%.3f|<= 64 MB|%s\n", maxrss_mb(),
	       64.0, maxrss_mb() / 64.0, maxrss_mb() <= 64.0 ? "met" : "NOT met");
	ranking_free(&rk);
	free(first_pub);
	protobuf_c_message_free_unpacked(&scheme->base, NULL);
	model_free(&m);
	return fails ? 2 : 0;
}
