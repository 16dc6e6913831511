/* admin_assess.c - `baosongd scheme | assess | export`: assessment schemes
 * (a new version per change, audited), computing and publishing the
 * monthly bulletin (月通报), quarterly ranking (季评比) and annual
 * assessment (年考核), checking published results, and the files people
 * read (CSV, XLSX, HTML).  docs/ASSESSMENT.md explains the rules. */
#include <getopt.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "admin.h"
#include "admin_assess_int.h"
#include "assess.h"
#include "cli.h"
#include "err.h"
#include "gather.h"
#include "money.h"
#include "period.h"
#include "records.h"
#include "report_out.h"
#include "store.h"

#define SUBJECT_LEN 48


void aa_usage(FILE *f)
{
	fprintf(f,
		"usage:\n"
		"  baosongd scheme example\n"
		"      Print an example assessment scheme (考核方案) to start from.\n"
		"  baosongd scheme set FILE [--note TEXT] [--db FILE]\n"
		"      Store FILE (INI, UTF-8) as the next version of its year's scheme.\n"
		"      Versions never change: published results keep the version they\n"
		"      were computed with.  Audited (action scheme.set, before/after).\n"
		"  baosongd scheme show [--year Y] [--version V] [--db FILE]\n"
		"  baosongd scheme list [--db FILE]\n"
		"  baosongd assess compute --scope S --period P [--version V] [--as-of T]\n"
		"                          [--csv] [--db FILE]\n"
		"      Compute every ranked unit's numbers without publishing.  The scheme\n"
		"      is the version in force at the period's start (施行日期; --version V\n"
		"      chooses another); which one is said on stderr.\n"
		"      S: week|month|quarter|year (周|月|季|年); P: 2026-W14, 2026-04,\n"
		"      2026-Q1, 2026.  T: \"YYYY-MM-DD HH:MM\" Asia/Shanghai (default now):\n"
		"      report deadlines after T have not passed yet.\n"
		"  baosongd assess publish --scope S --period P [--title TEXT] [--as-of T]\n"
		"                          [--version V] [--allow-empty] [--db FILE]\n"
		"      Compute and publish: the inputs, scheme version and results are\n"
		"      stored, chained into the audit trail (assess.publish) and sent to\n"
		"      every device as a record of kind publication.  Prints its number.\n"
		"      Refused (exit 65) when no unit has a target or none would be\n"
		"      ranked, unless --allow-empty.\n"
		"  baosongd assess list [--db FILE]\n"
		"  baosongd assess show N [--csv] [--db FILE]\n"
		"  baosongd assess verify [N] [--db FILE]\n"
		"      Recompute publication N (all without N) from its stored inputs and\n"
		"      scheme version, check its digest and audit row, and gather the\n"
		"      inputs again from today's records: units whose records changed\n"
		"      since are listed.  Exit 65 if a stored result does not recompute.\n"
		"  baosongd assess export N [N ...] [--html F] [--xlsx F] [--csv F]\n"
		"                         [--plan] [--force] [--db FILE]\n"
		"      Write publications as a self-contained HTML page with charts, an\n"
		"      Excel workbook (one sheet each; --plan adds the plan table) and/or\n"
		"      CSV (UTF-8 with BOM; one publication).  --force overwrites.\n"
		"  baosongd export plan --xlsx F [--year Y] [--force] [--db FILE]\n"
		"      The plan table 《重点建设项目计划表》 of year Y as an Excel workbook.\n"
		"Default FILE: " DEFAULT_DB "\n");
}

/* ---- small helpers ---- */

/* A whole number in [lo, hi], or -1. */
long aa_arg_num(const char *s, long lo, long hi)
{
	char *end;
	long v;
	if (!s || !*s)
		return -1;
	v = strtol(s, &end, 10);
	return *end || v < lo || v > hi ? -1 : v;
}

static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	if (!f)
		return BS_E_NOTFOUND;
	buf = malloc(ASSESS_SCHEME_TEXT_MAX + 2);
	if (!buf) {
		fclose(f);
		return BS_E_NOMEM;
	}
	n = fread(buf, 1, ASSESS_SCHEME_TEXT_MAX + 1, f);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return BS_E_IO;
	}
	fclose(f);
	if (n > ASSESS_SCHEME_TEXT_MAX) {
		free(buf);
		return BS_E_TOOBIG;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return BS_OK;
}

static uint8_t *pack(const ProtobufCMessage *m, size_t *len)
{
	uint8_t *b;
	*len = protobuf_c_message_get_packed_size(m);
	if ((b = malloc(*len ? *len : 1)))
		protobuf_c_message_pack(m, b);
	return b;
}

void *aa_unpack(const ProtobufCMessageDescriptor *d, const uint8_t *b, size_t n)
{
	return protobuf_c_message_unpack(d, NULL, n, b);
}

void aa_msg_free(void *m)
{
	if (m)
		protobuf_c_message_free_unpacked(m, NULL);
}

static int load_scheme(struct store *st, int year, uint32_t version, Scheme **out)
{
	uint8_t *data = NULL;
	size_t len = 0;
	uint32_t v = 0;
	int rv = store_scheme_get(st, year, version, &data, &len, &v);
	if (rv != BS_OK)
		return rv;
	*out = aa_unpack(&baosong__v1__scheme__descriptor, data, len);
	free(data);
	if (!*out)
		return BS_E_DB;
	/* Stored data is checked like anything read from disk. */
	{
		char err[256];
		if (assess_scheme_check(*out, err, sizeof err) != BS_OK || (*out)->version != v ||
		    (int)(*out)->year != year) {
			fprintf(stderr, "baosongd: stored scheme %d v%u is not valid: %s\n", year, v,
				(*out)->version != v || (int)(*out)->year != year
					? "its year or version differs from its row"
					: err);
			aa_msg_free(*out);
			*out = NULL;
			return BS_E_DB;
		}
	}
	return BS_OK;
}

struct versions {
	int year;
	Scheme **v;
	size_t n;
	int bad;
};

static int collect_version(void *ctx, int year, uint32_t version, int64_t at, const uint8_t *d,
			   size_t n)
{
	struct versions *vs = ctx;
	Scheme *s, **nv;
	(void)version;
	(void)at;
	if (year != vs->year)
		return 0;
	if (!(s = aa_unpack(&baosong__v1__scheme__descriptor, d, n))) {
		vs->bad = 1;
		return 0;
	}
	if (!(nv = realloc(vs->v, (vs->n + 1) * sizeof *nv))) {
		aa_msg_free(s);
		return BS_E_NOMEM;
	}
	vs->v = nv;
	vs->v[vs->n++] = s;
	return 0;
}

/* The version of year's scheme in force on day (assess_scheme_in_force),
 * loaded and checked; *why says how it was chosen. */
static int load_scheme_in_force(struct store *st, int year, int64_t day, Scheme **out,
				char *why, size_t cap)
{
	struct versions vs = {year, NULL, 0, 0};
	size_t i, k;
	uint32_t version;
	int64_t eff;
	char d1[16], d2[16];
	int rv = store_scheme_each(st, collect_version, &vs);
	if (rv == BS_OK && !vs.n)
		rv = BS_E_NOTFOUND;
	if (rv != BS_OK) {
		for (i = 0; i < vs.n; i++)
			aa_msg_free(vs.v[i]);
		free(vs.v);
		return rv;
	}
	k = assess_scheme_in_force((const Scheme *const *)vs.v, vs.n, day);
	version = vs.v[k]->version;
	eff = assess_scheme_effective_day(vs.v[k]);
	period_format_date(eff, d1);
	period_format_date(day, d2);
	snprintf(why, cap, "考核方案 %d 版本 %u（施行日期 %s%s；期初 %s%s）", year, version, d1,
		 vs.v[k]->effective_date && *vs.v[k]->effective_date ? "" : "，未写明",
		 d2, eff > day ? "，该日尚无施行的版本，用最早施行的版本" : "");
	for (i = 0; i < vs.n; i++)
		aa_msg_free(vs.v[i]);
	free(vs.v);
	return load_scheme(st, year, version, out);
}

static void scheme_subject(int year, uint32_t version, char out[SUBJECT_LEN])
{
	snprintf(out, SUBJECT_LEN, "scheme/%d/v%u", year, version);
}

static void pub_subject(int64_t number, char out[SUBJECT_LEN])
{
	snprintf(out, SUBJECT_LEN, "publication/%lld", (long long)number);
}

static int scope_period(const char *scope_s, const char *period, int *scope,
			struct assess_span *sp)
{
	if (!scope_s || !period)
		return admin_usage_error("needs --scope week|month|quarter|year and --period "
					 "(baosongd assess --help)");
	if (!(*scope = assess_scope_parse(scope_s)))
		return admin_usage_error("--scope must be week, month, quarter or year "
					 "(周|月|季|年), got '%s'", scope_s);
	if (assess_span_parse(*scope, period, sp) != BS_OK)
		return admin_usage_error("--period '%s' is not a %s: write 2026-W14, 2026-04, "
					 "2026-Q1 or 2026", period, assess_scope_name(*scope));
	return 0;
}

static void default_title(const struct assess_span *sp, char *out, size_t cap)
{
	switch (sp->scope) {
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_WEEK: {
		char w[9];
		period_format_week(sp->first_day, w);
		snprintf(out, cap, "%d年第%s周重点项目建设周通报", sp->year, w + 6);
		break;
	}
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH:
		snprintf(out, cap, "%d年%d月重点项目建设月通报", sp->year, sp->month);
		break;
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER:
		snprintf(out, cap, "%d年第%d季度重点项目建设评比", sp->year, sp->quarter);
		break;
	default:
		snprintf(out, cap, "%d年度重点项目建设目标责任考核结果", sp->year);
	}
}

/* ---- scheme ---- */

static int cmd_scheme_set(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"note", required_argument, 0, 'n'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *db = DEFAULT_DB, *note = NULL;
	struct store *st = NULL;
	Scheme *s = NULL, *prev = NULL;
	uint8_t *data = NULL, *before = NULL;
	size_t len = 0, before_len = 0, tlen = 0;
	char *text = NULL, err[512], subject[SUBJECT_LEN], detail[256];
	uint32_t version = 0;
	int c, rv, ex = 0;
	int64_t now = admin_now_ms();

	while ((c = getopt_long(argc, argv, "d:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'n': note = optarg; break;
		case 'h': aa_usage(stdout); return 0;
		default: aa_usage(stderr); return EX_USAGE_;
		}
	}
	if (optind + 1 != argc)
		return admin_usage_error("scheme set needs exactly one FILE (baosongd scheme "
					 "example > scheme.ini to start one)");
	if ((rv = read_file(argv[optind], &text, &tlen)) != BS_OK)
		return admin_fail(rv, "cannot read %s", argv[optind]);
	rv = assess_scheme_parse(text, tlen, &s, err, sizeof err);
	free(text);
	if (rv != BS_OK) {
		fprintf(stderr, "baosongd: %s: 考核方案无效 invalid scheme: %s\n", argv[optind], err);
		return 65;
	}
	if (note) {
		if (s->note != protobuf_c_empty_string)
			free(s->note);
		s->note = strdup(note);
		if (!s->note || assess_scheme_check(s, err, sizeof err) != BS_OK) {
			aa_msg_free(s);
			return admin_usage_error("--note: one line of at most 180 bytes (about 60 "
						 "Chinese characters)");
		}
	}
	if ((ex = admin_open_db(db, 0, &st)) != 0) {
		aa_msg_free(s);
		return ex;
	}
	if ((rv = store_begin(st)) != BS_OK)
		goto fail;
	if ((rv = store_scheme_next(st, (int)s->year, &version)) != BS_OK)
		goto rollback;
	if (version > 1 && load_scheme(st, (int)s->year, version - 1, &prev) == BS_OK)
		before = pack(&prev->base, &before_len);
	s->version = version;
	s->created_at_ms = now;
	if (!(data = pack(&s->base, &len))) {
		rv = BS_E_NOMEM;
		goto rollback;
	}
	scheme_subject((int)s->year, version, subject);
	snprintf(detail, sizeof detail, "%s", s->note ? s->note : "");
	if ((rv = store_scheme_add(st, (int)s->year, version, data, len, now)) != BS_OK)
		goto rollback;
	{
		struct audit_entry e;
		memset(&e, 0, sizeof e);
		e.at = now;
		e.action = "scheme.set";
		e.kind = "";
		e.subject = subject;
		e.rev = version;
		e.before = before;
		e.before_len = before_len;
		e.after = data;
		e.after_len = len;
		e.detail = detail[0] ? detail : NULL;
		if ((rv = store_audit_append(st, &e)) != BS_OK)
			goto rollback;
	}
	rv = admin_finish(st, BS_OK);
	if (rv != BS_OK)
		goto fail;
	{
		char eff[11];
		period_format_date(assess_scheme_effective_day(s), eff);
		printf("已保存考核方案 saved scheme %u version %u: %s (%zu indicators), 施行日期 in "
		       "force from %s%s\n", s->year, version, s->name, s->n_indicators, eff,
		       s->effective_date && *s->effective_date ? ""
		       : version == 1 ? " (version 1 without effective =: from 1 January)"
				      : " (without effective =: from the day it was stored)");
	}
	goto out;
rollback:
	admin_finish(st, rv);
fail:
	ex = admin_fail(rv, "cannot save the scheme");
out:
	free(data);
	free(before);
	aa_msg_free(prev);
	aa_msg_free(s);
	store_close(st);
	return ex;
}

static int cmd_scheme_show(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"year", required_argument, 0, 'y'},
					     {"version", required_argument, 0, 'v'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *db = DEFAULT_DB;
	struct store *st = NULL;
	Scheme *s = NULL;
	int year = 0, c, rv, ex;
	unsigned version = 0;
	char *text;

	while ((c = getopt_long(argc, argv, "d:y:v:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'y':
			if ((year = (int)aa_arg_num(optarg, 2000, 2200)) < 0)
				return admin_usage_error("--year must be a year 2000..2200, got '%s'",
							 optarg);
			break;
		case 'v':
			if (aa_arg_num(optarg, 1, 1000000) < 0)
				return admin_usage_error("--version must be a number from 1, got '%s'",
							 optarg);
			version = (unsigned)aa_arg_num(optarg, 1, 1000000);
			break;
		case 'h': aa_usage(stdout); return 0;
		default: aa_usage(stderr); return EX_USAGE_;
		}
	}
	if (!year) {
		int y;
		unsigned m, d;
		period_civil_from_days(period_local_days(admin_now_ms()), &y, &m, &d);
		year = y;
	}
	if ((ex = admin_open_db(db, 1, &st)) != 0)
		return ex;
	rv = load_scheme(st, year, version, &s);
	store_close(st);
	if (rv == BS_E_NOTFOUND)
		return admin_fail(rv, "no scheme for %d%s (baosongd scheme set FILE)", year,
				  version ? " at that version" : "");
	if (rv != BS_OK)
		return admin_fail(rv, "cannot read the scheme");
	text = assess_scheme_format(s);
	printf("; version %u\n%s", s->version, text ? text : "");
	free(text);
	aa_msg_free(s);
	return 0;
}

static int print_scheme(void *ctx, int year, uint32_t version, int64_t at, const uint8_t *d,
			size_t n)
{
	Scheme *s = aa_unpack(&baosong__v1__scheme__descriptor, d, n);
	char when[ADMIN_WHEN_LEN];
	size_t i;
	(void)ctx;
	admin_format_local(at, 0, when);
	{
		char eff[16] = "?";
		if (s)
			period_format_date(assess_scheme_effective_day(s), eff);
		printf("%d  v%-3u  %s  施行 %s  %s", year, version, when, eff,
		       s ? s->name : "(unreadable)");
	}
	for (i = 0; s && i < s->n_indicators; i++)
		printf("%s%s %u", i ? ", " : "  [", s->indicators[i]->label,
		       s->indicators[i]->weight);
	printf("%s%s%s\n", s && s->n_indicators ? "]" : "", s && s->note && *s->note ? "  " : "",
	       s && s->note ? s->note : "");
	aa_msg_free(s);
	return 0;
}

static int cmd_scheme_list(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *db = DEFAULT_DB;
	struct store *st = NULL;
	int c, rv, ex;
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'h': aa_usage(stdout); return 0;
		default: aa_usage(stderr); return EX_USAGE_;
		}
	}
	if ((ex = admin_open_db(db, 1, &st)) != 0)
		return ex;
	printf("年度  版本  保存时间          方案 [指标 权重]\n");
	rv = store_scheme_each(st, print_scheme, NULL);
	store_close(st);
	return rv == BS_OK ? 0 : admin_fail(rv, "cannot list schemes");
}

/* ---- showing results ---- */

/* Columns of text whose width counts CJK characters as two. */
static int disp_width(const char *s)
{
	int w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p < 0x80) {
			w++;
			p++;
		} else {
			int n = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
			w += n >= 3 ? 2 : 1;
			while (n-- && *p)
				p++;
		}
	}
	return w;
}

static void cell(const char *s, int width, int right)
{
	int pad = width - disp_width(s);
	if (right)
		while (pad-- > 0)
			putchar(' ');
	fputs(s, stdout);
	if (!right)
		while (pad-- > 0)
			putchar(' ');
	putchar(' ');
}

static void fmt_c(int64_t c, char *out, size_t cap)
{
	int64_t a = c < 0 ? -c : c;
	snprintf(out, cap, "%s%lld.%02lld", c < 0 ? "-" : "", (long long)(a / 100),
		 (long long)(a % 100));
}

static const char *unit_name(const AssessInputs *in, const char *code)
{
	size_t i;
	for (i = 0; in && i < in->n_units; i++)
		if (!strcmp(in->units[i]->unit_code, code))
			return in->units[i]->unit_name;
	return code;
}

static void print_table(const Publication *p, const AssessInputs *in)
{
	size_t i, j;
	char when[ADMIN_WHEN_LEN], b[64];

	admin_format_local(p->published_at_ms ? p->published_at_ms : p->as_of_ms, 0, when);
	printf("%s（%s %s，考核方案 %u 版本 %u）\n", p->title && *p->title ? p->title : "试算 computed",
	       assess_scope_label((int)p->scope), p->period, p->scheme_year, p->scheme_version);
	cell("排名", 8, 0);
	cell("单位", 20, 0);
	cell("总分", 7, 1);
	cell("等级", 4, 0);
	cell("完成率", 8, 1);
	cell("累计(万元)", 14, 1);
	cell("同比", 8, 1);
	for (j = 0; j < p->n_indicators; j++) {
		/* the indicator's name (first four characters), not its code */
		char lab[16];
		const char *l = p->indicators[j]->label ? p->indicators[j]->label : "";
		size_t k = 0, chars = 0;
		while (l[k] && chars < 4 && k + 4 < sizeof lab) {
			k++;
			while (((unsigned char)l[k] & 0xC0) == 0x80)
				k++;
			chars++;
		}
		memcpy(lab, l, k);
		lab[k] = '\0';
		cell(*lab ? lab : p->indicators[j]->code, 8, 1);
	}
	cell("迟报", 4, 1);
	cell("缺报", 4, 1);
	puts("标记");
	for (i = 0; i < p->n_results; i++) {
		const Baosong__V1__UnitResult *r = p->results[i];
		if (r->rank)
			snprintf(b, sizeof b, "%u%s", r->rank, r->tied > 1 ? "(并列)" : "");
		else
			snprintf(b, sizeof b, "—");
		cell(b, 8, 0);
		cell(unit_name(in, r->unit_code), 20, 0);
		if (r->has_total)
			fmt_c(r->total_c, b, sizeof b);
		else
			snprintf(b, sizeof b, "—");
		cell(b, 7, 1);
		cell(r->grade && *r->grade ? r->grade : "—", 4, 0);
		if (r->has_completion) {
			fmt_c(r->completion_bp, b, sizeof b);
			strcat(b, "%");
		} else {
			snprintf(b, sizeof b, "无目标");
		}
		cell(b, 8, 1);
		money_format_wan(r->fai_ytd_fen, b, sizeof b);
		cell(b, 14, 1);
		if (r->has_growth) {
			fmt_c(r->growth_bp, b, sizeof b);
			strcat(b, "%");
		} else {
			snprintf(b, sizeof b, "—");
		}
		cell(b, 8, 1);
		for (j = 0; j < r->n_scores_c; j++) {
			if (r->scores_c[j] < 0)
				snprintf(b, sizeof b, "—");
			else
				fmt_c(r->scores_c[j], b, sizeof b);
			cell(b, 8, 1);
		}
		snprintf(b, sizeof b, "%u", r->reports_late);
		cell(b, 4, 1);
		snprintf(b, sizeof b, "%u", r->reports_missing);
		cell(b, 4, 1);
		for (j = 0; j < ASSESS_FLAG_COUNT; j++)
			if (r->flags & (1u << j) & ASSESS_FLAGS_CONSEQUENCE) {
				if (r->bottom && *r->bottom &&
				    ((1u << j) & (ASSESS_FLAG_LAST_MONTH | ASSESS_FLAG_LAST_QUARTER |
						  ASSESS_FLAG_BOTTOM)))
					printf("%s%s ", strstr(r->bottom, "末位") ? "" : "末位：",
					       r->bottom);
				else
					printf("%s ", assess_flag_label((unsigned)j));
			}
		putchar('\n');
	}
	printf("指标: ");
	for (j = 0; j < p->n_indicators; j++)
		printf("%s%s(%u分)", j ? "，" : "", p->indicators[j]->label, p->indicators[j]->weight);
	for (j = 0; j < p->n_adjust_items; j++)
		printf("%s%s(%s%lld.%02lld分/次，封顶%lld.%02lld)", j ? "，" : "；加减分: ",
		       p->adjust_items[j]->label, p->adjust_items[j]->points_c > 0 ? "+" : "-",
		       (long long)(llabs(p->adjust_items[j]->points_c) / 100),
		       (long long)(llabs(p->adjust_items[j]->points_c) % 100),
		       (long long)(p->adjust_items[j]->cap_c / 100),
		       (long long)(p->adjust_items[j]->cap_c % 100));
	printf("\n");
	for (i = 0; i < p->n_results; i++)
		if (p->results[i]->explain && *p->results[i]->explain)
			printf("  %s: %s\n", unit_name(in, p->results[i]->unit_code),
			       p->results[i]->explain);
	if (p->digest.len == ASSESS_DIGEST_LEN) {
		char hex[2 * ASSESS_DIGEST_LEN + 1];
		sodium_bin2hex(hex, sizeof hex, p->digest.data, p->digest.len);
		printf("发布 published %s, 摘要 digest %s\n", when, hex);
	}
}

/* ---- compute and publish ---- */

struct calc {
	const char *db, *scope_s, *period, *title, *as_of_s;
	unsigned version;
	int csv, allow_empty;
	int64_t as_of;
	int scope;
	struct assess_span sp;
};

static int parse_calc(int argc, char **argv, struct calc *k, int publish)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"scope", required_argument, 0, 's'},
					     {"period", required_argument, 0, 'p'},
					     {"title", required_argument, 0, 't'},
					     {"as-of", required_argument, 0, 'a'},
					     {"version", required_argument, 0, 'v'},
					     {"csv", no_argument, 0, 'c'},
					     {"allow-empty", no_argument, 0, 'E'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	int c;
	memset(k, 0, sizeof *k);
	k->db = DEFAULT_DB;
	while ((c = getopt_long(argc, argv, "d:s:p:t:a:v:ch", opts, NULL)) != -1) {
		switch (c) {
		case 'd': k->db = optarg; break;
		case 's': k->scope_s = optarg; break;
		case 'p': k->period = optarg; break;
		case 't': k->title = optarg; break;
		case 'a': k->as_of_s = optarg; break;
		case 'v':
			if (aa_arg_num(optarg, 1, 1000000) < 0)
				return admin_usage_error("--version must be a number from 1, got '%s'",
							 optarg);
			k->version = (unsigned)aa_arg_num(optarg, 1, 1000000);
			break;
		case 'c': k->csv = 1; break;
		case 'E':
			if (!publish)
				return admin_usage_error("--allow-empty is for assess publish");
			k->allow_empty = 1;
			break;
		case 'h': aa_usage(stdout); return -1;
		default: aa_usage(stderr); return EX_USAGE_;
		}
	}
	if (optind != argc)
		return admin_usage_error("unexpected argument '%s'", argv[optind]);
	if ((c = scope_period(k->scope_s, k->period, &k->scope, &k->sp)) != 0)
		return c;
	if (publish && k->csv)
		return admin_usage_error("publish prints a summary; use assess show --csv afterwards");
	if (k->title && (!*k->title || strlen(k->title) > REC_NAME_MAX))
		return admin_usage_error("--title must be 1 to %u bytes", REC_NAME_MAX);
	k->as_of = admin_now_ms();
	if (k->as_of_s && period_parse_local_time(k->as_of_s, 1, &k->as_of) != BS_OK)
		return admin_usage_error("--as-of must be \"YYYY-MM-DD HH:MM\" (Asia/Shanghai)");
	return 0;
}

/* Gather and compute in the caller's transaction. */
static int calculate(struct store *st, const struct calc *k, Scheme **s, AssessInputs **in,
		     Publication **p)
{
	char why[256];
	int rv;
	if (k->version) {
		rv = load_scheme(st, k->sp.year, k->version, s);
		snprintf(why, sizeof why, "考核方案 %d 版本 %u（--version）", k->sp.year, k->version);
	} else {
		rv = load_scheme_in_force(st, k->sp.year, k->sp.first_day, s, why, sizeof why);
	}
	if (rv == BS_OK)
		fprintf(stderr, "baosongd: 使用 uses %s\n", why);
	if (rv == BS_E_NOTFOUND) {
		fprintf(stderr, "baosongd: 没有 %d 年的考核方案 no assessment scheme for %d%s: "
			"baosongd scheme example > scheme.ini; edit it; baosongd scheme set "
			"scheme.ini\n", k->sp.year, k->sp.year, k->version ? " at that version" : "");
		return rv;
	}
	if (rv != BS_OK)
		return rv;
	if ((rv = assess_gather(st, *s, k->scope, k->period, k->as_of, in)) != BS_OK)
		return rv;
	return assess_compute(*s, *in, p);
}

static int cmd_assess_compute(int argc, char **argv)
{
	struct calc k;
	struct store *st = NULL;
	Scheme *s = NULL;
	AssessInputs *in = NULL;
	Publication *p = NULL;
	int rv, ex;

	if ((ex = parse_calc(argc, argv, &k, 0)) != 0)
		return ex < 0 ? 0 : ex;
	if ((ex = admin_open_db(k.db, 1, &st)) != 0)
		return ex;
	rv = store_begin(st);
	if (rv == BS_OK) {
		rv = calculate(st, &k, &s, &in, &p);
		store_rollback(st);
	}
	if (rv == BS_OK) {
		if (k.csv)
			rv = report_csv(stdout, p, in);
		else
			print_table(p, in);
	} else if (rv != BS_E_NOTFOUND) {
		ex = admin_fail(rv, "cannot compute %s %s", assess_scope_name(k.scope), k.period);
	} else {
		ex = 66;
	}
	aa_msg_free(p);
	aa_msg_free(in);
	aa_msg_free(s);
	store_close(st);
	return ex;
}

/* The unit that owns publications: the bureau (the first of type bureau),
 * else the first unit. */
static int owner_unit(void *ctx, const struct unit *u)
{
	int64_t *o = ctx;
	if (u->type == UNIT_BUREAU && (o[1] == 0 || u->id < o[0]))
		o[0] = u->id, o[1] = 1;
	else if (!o[1] && (o[0] == 0 || u->id < o[0]))
		o[0] = u->id;
	return 0;
}

static int cmd_assess_publish(int argc, char **argv)
{
	struct calc k;
	struct store *st = NULL;
	Scheme *s = NULL;
	AssessInputs *in = NULL;
	Publication *p = NULL;
	struct publication_row row;
	struct record r;
	uint8_t *data = NULL, *inputs = NULL, digest[ASSESS_DIGEST_LEN];
	size_t len = 0, inputs_len = 0;
	char title[256], subject[SUBJECT_LEN], detail[640], hex[2 * ASSESS_DIGEST_LEN + 1];
	int64_t owner[2] = {0, 0}, number = 0, now;
	int rv, ex;

	if ((ex = parse_calc(argc, argv, &k, 1)) != 0)
		return ex < 0 ? 0 : ex;
	now = admin_now_ms();
	if (!k.as_of_s)
		k.as_of = now;
	/* Both are allowed (a bulletin prepared for issue at a set time), but
	 * said: reports not yet sent at publication count as missing. */
	if (k.as_of > now + 60000)
		fprintf(stderr, "baosongd: 注意 note: --as-of is in the future: reports that are "
			"due by then but not here now count as missing\n");
	if (k.as_of < period_local_midnight_ms(k.sp.last_day + 1))
		fprintf(stderr, "baosongd: 注意 note: %s %s has not ended at the as-of time; reports "
			"due later are not counted\n", assess_scope_name(k.scope), k.period);
	/* Gather and compute on a read snapshot, so that the server's writer is
	 * not held up for the seconds a large county takes; then write. */
	if ((ex = admin_open_db(k.db, 1, &st)) != 0)
		return ex;
	if ((rv = store_begin(st)) == BS_OK) {
		rv = calculate(st, &k, &s, &in, &p);
		store_rollback(st);
	}
	store_close(st);
	st = NULL;
	if (rv != BS_OK) {
		ex = rv == BS_E_NOTFOUND ? 66 : admin_fail(rv, "cannot compute %s %s",
							   assess_scope_name(k.scope), k.period);
		goto out;
	}
	if (!p->n_results) {
		fprintf(stderr, "baosongd: no unit of a ranked type (scheme units = ...) exists\n");
		ex = 66;
		goto out;
	}
	{
		size_t i, ranked = 0, targets = 0;
		for (i = 0; i < p->n_results; i++) {
			ranked += p->results[i]->rank != 0;
			targets += !(p->results[i]->flags & ASSESS_FLAG_NO_TARGET);
		}
		if ((!ranked || !targets) && !k.allow_empty) {
			fprintf(stderr, "baosongd: 未发布 not published: %s. 请先为各单位下达目标"
				"任务（管理员 baosong target add --unit-code CODE --period %d --fai "
				"WAN），并确认单位已报送，然后重试；确需发布空结果请加 --allow-empty.  "
				"Set the units' targets first (an admin desk: baosong target add), "
				"check that reports arrived, and publish again; --allow-empty "
				"publishes it anyway\n",
				!targets ? "没有单位下达了目标 no unit has a target"
					 : "没有单位可以排名 no unit would be ranked",
				k.sp.year);
			ex = 65;
			goto out;
		}
	}
	if ((ex = admin_open_db(k.db, 0, &st)) != 0)
		goto out;
	if ((rv = store_begin(st)) != BS_OK)
		goto fail;
	if ((rv = store_publication_next(st, &number)) != BS_OK ||
	    (rv = store_unit_each(st, owner_unit, owner)) != BS_OK)
		goto rollback;
	if (k.title)
		snprintf(title, sizeof title, "%s", k.title);
	else
		default_title(&k.sp, title, sizeof title);
	if (p->title != protobuf_c_empty_string)
		free(p->title);
	p->title = strdup(title);
	p->published_at_ms = now;
	p->number = (uint32_t)number;
	if (!p->title || assess_digest(s, in, p, digest) != BS_OK) {
		rv = BS_E_NOMEM;
		goto rollback;
	}
	p->digest.data = digest;
	p->digest.len = sizeof digest;
	data = pack(&p->base, &len);
	inputs = pack(&in->base, &inputs_len);
	p->digest.data = NULL; /* not malloc'd: keep msg_free off it */
	p->digest.len = 0;
	if (!data || !inputs) {
		rv = BS_E_NOMEM;
		goto rollback;
	}
	if (len > REC_PUB_DATA_MAX) {
		rv = BS_E_TOOBIG;
		fprintf(stderr, "baosongd: the results of %zu units take %zu bytes, more than a "
			"publication record may (%u)\n", p->n_results, len, REC_PUB_DATA_MAX);
		goto rollback;
	}
	memset(&row, 0, sizeof row);
	row.number = number;
	row.scope = k.scope;
	snprintf(row.period, sizeof row.period, "%s", k.period);
	row.scheme_year = (int)s->year;
	row.scheme_version = s->version;
	row.published_at = now;
	admin_record_uid(row.record_uid); /* random: no device can claim it first */
	row.inputs = inputs;
	row.inputs_len = inputs_len;
	row.results = data;
	row.results_len = len;
	memcpy(row.digest, digest, sizeof digest);
	if ((rv = store_publication_add(st, &row)) != BS_OK)
		goto rollback;
	memset(&r, 0, sizeof r);
	snprintf(r.kind, sizeof r.kind, "%s", REC_KIND_PUBLICATION);
	snprintf(r.uid, sizeof r.uid, "%s", row.record_uid);
	r.unit_id = owner[0];
	r.data = data;
	r.data_len = len;
	pub_subject(number, subject);
	snprintf(detail, sizeof detail, "%s %s scheme %u v%u: %s", assess_scope_name(k.scope),
		 k.period, s->year, s->version, title);
	if ((rv = admin_audit(st, now, "assess.publish", "", subject, 0, digest, sizeof digest,
			      detail)) != BS_OK ||
	    (rv = store_record_put(st, &r, 0, now)) != BS_OK ||
	    (rv = admin_audit_record(st, now, &r)) != BS_OK)
		goto rollback;
	if ((rv = admin_finish(st, BS_OK)) != BS_OK)
		goto fail;
	sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
	printf("已发布 published %lld: %s（%s %s，%zu 个单位，考核方案 %u 版本 %u）\n"
	       "digest %s; sent to every device as record %s (kind publication)\n",
	       (long long)number, title, assess_scope_label(k.scope), k.period, p->n_results,
	       s->year, s->version, hex, row.record_uid);
	ex = 0;
	goto out;
rollback:
	admin_finish(st, rv == BS_OK ? BS_E_INVAL : rv);
	if (rv == BS_E_NOTFOUND) {
		ex = 66;
		goto out;
	}
fail:
	ex = admin_fail(rv, "cannot publish %s %s", assess_scope_name(k.scope), k.period);
out:
	free(data);
	free(inputs);
	aa_msg_free(p);
	aa_msg_free(in);
	aa_msg_free(s);
	store_close(st);
	return ex;
}

/* ---- list, show ---- */

static int print_pub_line(void *ctx, const struct publication_row *row)
{
	Publication *p = aa_unpack(&baosong__v1__publication__descriptor, row->results,
				row->results_len);
	char when[ADMIN_WHEN_LEN];
	(void)ctx;
	admin_format_local(row->published_at, 0, when);
	printf("%4lld  %-6s  %-8s  %s  v%-3u  %3zu  %s\n", (long long)row->number,
	       assess_scope_label(row->scope), row->period, when, row->scheme_version,
	       p ? p->n_results : 0, p && p->title ? p->title : "(unreadable)");
	aa_msg_free(p);
	return 0;
}

static int simple_opts(int argc, char **argv, const char **db, int *csv, int *force)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"csv", no_argument, 0, 'c'},
					     {"force", no_argument, 0, 'f'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "d:cfh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': *db = optarg; break;
		case 'c':
			if (!csv)
				return admin_usage_error("--csv is not an option here");
			*csv = 1;
			break;
		case 'f':
			if (!force)
				return admin_usage_error("--force is not an option here");
			*force = 1;
			break;
		case 'h': aa_usage(stdout); return -1;
		default: aa_usage(stderr); return EX_USAGE_;
		}
	}
	return 0;
}

static int cmd_assess_list(int argc, char **argv)
{
	const char *db = DEFAULT_DB;
	struct store *st = NULL;
	int rv, ex;
	if ((ex = simple_opts(argc, argv, &db, NULL, NULL)) != 0)
		return ex < 0 ? 0 : ex;
	if (optind != argc)
		return admin_usage_error("unexpected argument '%s'", argv[optind]);
	if ((ex = admin_open_db(db, 1, &st)) != 0)
		return ex;
	printf("编号  类别    周期      发布时间          方案  单位  标题\n");
	rv = store_publication_each(st, print_pub_line, NULL);
	store_close(st);
	return rv == BS_OK ? 0 : admin_fail(rv, "cannot list publications");
}

int aa_parse_number(const char *s, int64_t *n)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end || v < 1)
		return admin_usage_error("'%s' is not a publication number (baosongd assess list)",
					 s);
	*n = v;
	return 0;
}

int aa_load_pub(struct store *st, int64_t number, Publication **p, AssessInputs **in)
{
	struct publication_row row;
	int rv = store_publication_get(st, number, &row);
	if (rv == BS_E_NOTFOUND) {
		fprintf(stderr, "baosongd: no publication %lld (baosongd assess list)\n",
			(long long)number);
		return rv;
	}
	if (rv != BS_OK)
		return rv;
	*p = aa_unpack(&baosong__v1__publication__descriptor, row.results, row.results_len);
	*in = aa_unpack(&baosong__v1__assess_inputs__descriptor, row.inputs, row.inputs_len);
	store_publication_free(&row);
	if (!*p || !*in) {
		aa_msg_free(*p);
		aa_msg_free(*in);
		*p = NULL;
		*in = NULL;
		return BS_E_DB;
	}
	return BS_OK;
}

static int cmd_assess_show(int argc, char **argv)
{
	const char *db = DEFAULT_DB;
	struct store *st = NULL;
	Publication *p = NULL;
	AssessInputs *in = NULL;
	int64_t number = 0;
	int csv = 0, rv, ex;

	if ((ex = simple_opts(argc, argv, &db, &csv, NULL)) != 0)
		return ex < 0 ? 0 : ex;
	if (optind + 1 != argc)
		return admin_usage_error("assess show needs one publication number");
	if ((ex = aa_parse_number(argv[optind], &number)) != 0)
		return ex;
	if ((ex = admin_open_db(db, 1, &st)) != 0)
		return ex;
	rv = aa_load_pub(st, number, &p, &in);
	store_close(st);
	if (rv == BS_E_NOTFOUND)
		return 66;
	if (rv != BS_OK)
		return admin_fail(rv, "cannot read publication %lld", (long long)number);
	if (csv)
		rv = report_csv(stdout, p, in);
	else
		print_table(p, in);
	aa_msg_free(p);
	aa_msg_free(in);
	return rv == BS_OK ? 0 : admin_fail(rv, "cannot write the CSV");
}

/* ---- verify ---- */

struct vstate {
	struct store *st;
	uint64_t *problems;
	void (*bad)(void *ctx, uint64_t seq, const char *why);
	void *ctx;
	int64_t only;              /* one publication, or 0 */
	int gather;                /* also gather again from today's records */
	unsigned checked, drifted;
};

static void vbad(struct vstate *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vbad(struct vstate *v, const char *fmt, ...)
{
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	(*v->problems)++;
	if (v->bad)
		v->bad(v->ctx, 0, why);
}

struct audit_find {
	const uint8_t *want;
	size_t want_len;
	const char *action;
	int found;
};

static int find_audit(void *ctx, uint64_t seq, const struct audit_entry *e)
{
	struct audit_find *f = ctx;
	(void)seq;
	if (!strcmp(e->action, f->action) && e->after && e->after_len == f->want_len &&
	    !memcmp(e->after, f->want, f->want_len)) {
		f->found = 1;
		return 1;
	}
	return 0;
}

static int audited(struct store *st, const char *subject, const char *action,
		   const uint8_t *data, size_t len)
{
	struct audit_find f = {data, len, action, 0};
	int rv = store_audit_each(st, subject, 0, find_audit, &f);
	return rv < 0 ? rv : f.found;
}

/* Field-by-field differences of two units' inputs (the ones people read). */
static void input_diff(const Baosong__V1__UnitInput *a, const Baosong__V1__UnitInput *b,
		       char *out, size_t cap)
{
	out[0] = '\0';
#define D(f, what)                                                                        \
	if (a->f != b->f)                                                                 \
	snprintf(out + strlen(out), cap - strlen(out), "%s%s %lld→%lld", *out ? ", " : "", \
		 what, (long long)a->f, (long long)b->f)
	D(fai_ytd_fen, "累计完成(分)");
	D(fai_base_fen, "上年同期(分)");
	D(fai_target_fen, "目标(分)");
	D(reports_due, "应报");
	D(reports_on_time, "按时");
	D(reports_late, "迟报");
	D(reports_missing, "缺报");
	D(approvals_due, "到期手续");
	D(approvals_on_time, "按期办结");
	D(stats_needed, "须入库");
	D(stats_registered, "已入库");
	D(new_starts, "新开工");
	D(attraction_fen, "招商到位(分)");
	D(upward_fen, "向上争取(分)");
	D(acceptance_failed, "验收未通过");
	D(attraction_base_fen, "招商上年同期(分)");
	D(n_adjustments, "加减分项");
#undef D
	if (!*out)
		snprintf(out, cap, "记录有改动，数字未变 records changed, numbers did not");
}

static int verify_one(void *ctx, const struct publication_row *row)
{
	struct vstate *v = ctx;
	Publication *p = NULL, *again = NULL;
	AssessInputs *in = NULL, *now_in = NULL;
	Scheme *s = NULL;
	uint8_t digest[ASSESS_DIGEST_LEN], *re = NULL;
	size_t re_len = 0, i;
	char subject[SUBJECT_LEN];
	struct record rec;
	int rv;

	if (v->only && row->number != v->only)
		return 0;
	v->checked++;
	p = aa_unpack(&baosong__v1__publication__descriptor, row->results, row->results_len);
	in = aa_unpack(&baosong__v1__assess_inputs__descriptor, row->inputs, row->inputs_len);
	if (!p || !in) {
		vbad(v, "publication %lld: stored results or inputs cannot be read",
		     (long long)row->number);
		goto out;
	}
	/* The row's own columns (what `assess list` shows, what verify gathers
	 * with) must say what the message says. */
	if (row->scope != (int)p->scope || strcmp(row->period, p->period ? p->period : "") ||
	    row->published_at != p->published_at_ms || row->number != (int64_t)p->number ||
	    row->scheme_year != (int)p->scheme_year || row->scheme_version != p->scheme_version ||
	    (int)in->scope != (int)p->scope || strcmp(in->period ? in->period : "", row->period))
		vbad(v, "publication %lld: its columns (scope, period, time, number, scheme) "
			"differ from its stored results", (long long)row->number);
	if ((rv = load_scheme(v->st, row->scheme_year, row->scheme_version, &s)) != BS_OK) {
		vbad(v, "publication %lld: its scheme %d v%u is missing or unreadable",
		     (long long)row->number, row->scheme_year, row->scheme_version);
		goto out;
	}
	/* Computed by other rules: the digest still binds scheme, inputs and
	 * results; recomputing needs the baosongd of that engine version. */
	if (p->engine < 1 || p->engine > ASSESS_ENGINE) {
		if (assess_digest(s, in, p, digest) != BS_OK)
			goto out;
		if (sodium_memcmp(digest, row->digest, sizeof digest) != 0 ||
		    p->digest.len != sizeof digest ||
		    sodium_memcmp(p->digest.data, digest, sizeof digest))
			vbad(v, "publication %lld: digest does not match its scheme, inputs and "
				"results", (long long)row->number);
		printf("  publication %lld: computed by engine version %u, this baosongd has %u: "
		       "digest checked, not recomputed\n", (long long)row->number, p->engine,
		       ASSESS_ENGINE);
		goto audit;
	}
	/* Recompute from the stored inputs under the stored scheme version. */
	if (assess_compute_engine(s, in, p->engine, &again) != BS_OK) {
		vbad(v, "publication %lld: its stored inputs do not compute", (long long)row->number);
		goto out;
	}
	if (again->title != protobuf_c_empty_string)
		free(again->title);
	again->title = strdup(p->title ? p->title : "");
	again->published_at_ms = p->published_at_ms;
	again->number = p->number;
	if (!again->title || assess_digest(s, in, again, digest) != BS_OK) {
		rv = BS_E_NOMEM;
		aa_msg_free(again);
		again = NULL;
		goto out;
	}
	again->digest.data = digest;
	again->digest.len = sizeof digest;
	re = pack(&again->base, &re_len);
	again->digest.data = NULL;
	again->digest.len = 0;
	if (!re || re_len != row->results_len || memcmp(re, row->results, re_len))
		vbad(v, "publication %lld (%s %s): stored results differ from a recomputation "
			"from its inputs and scheme v%u", (long long)row->number,
		     assess_scope_label(row->scope), row->period, row->scheme_version);
	if (sodium_memcmp(digest, row->digest, sizeof digest) != 0 ||
	    p->digest.len != sizeof digest || sodium_memcmp(p->digest.data, digest, sizeof digest))
		vbad(v, "publication %lld: digest does not match its scheme, inputs and results",
		     (long long)row->number);
audit:
	pub_subject(row->number, subject);
	rv = audited(v->st, subject, "assess.publish", row->digest, sizeof row->digest);
	if (rv == 0)
		vbad(v, "publication %lld: no audit row assess.publish carries its digest",
		     (long long)row->number);
	/* The copy every device received. */
	if (store_record_get(v->st, row->record_uid, &rec) == BS_OK) {
		if (rec.data_len != row->results_len || memcmp(rec.data, row->results, rec.data_len))
			vbad(v, "publication %lld: record %s differs from the stored results",
			     (long long)row->number, row->record_uid);
		store_record_free(&rec);
	} else {
		vbad(v, "publication %lld: record %s is missing", (long long)row->number,
		     row->record_uid);
	}
	if (!v->gather)
		goto out;
	/* Gather again from today's records with the same as-of time. */
	if (assess_gather(v->st, s, row->scope, row->period, in->as_of_ms, &now_in) != BS_OK) {
		vbad(v, "publication %lld: cannot gather its inputs again", (long long)row->number);
		goto out;
	}
	/* Engine 1 gathered no attraction base (engine 2 does): not a change. */
	for (i = 0; p->engine < 2 && i < now_in->n_units; i++)
		now_in->units[i]->attraction_base_fen = 0;
	{
		unsigned changed = 0;
		for (i = 0; i < in->n_units || i < now_in->n_units; i++) {
			const Baosong__V1__UnitInput *a = i < in->n_units ? in->units[i] : NULL;
			const Baosong__V1__UnitInput *b = i < now_in->n_units ? now_in->units[i]
									       : NULL;
			size_t la, lb;
			uint8_t *pa, *pb;
			char diff[512];
			if (!a || !b || strcmp(a->unit_code, b->unit_code)) {
				printf("  publication %lld: the set of units changed since\n",
				       (long long)row->number);
				changed++;
				break;
			}
			pa = pack(&a->base, &la);
			pb = pack(&b->base, &lb);
			if (pa && pb && (la != lb || memcmp(pa, pb, la))) {
				input_diff(a, b, diff, sizeof diff);
				printf("  publication %lld: %s %s: 记录已变 records changed since: %s\n",
				       (long long)row->number, a->unit_code, a->unit_name, diff);
				changed++;
			}
			free(pa);
			free(pb);
		}
		if (changed)
			v->drifted++;
		else
			printf("  publication %lld (%s %s): today's records give the same inputs "
			       "(%zu units); 与发布时一致\n", (long long)row->number,
			       assess_scope_label(row->scope), row->period, in->n_units);
	}
out:
	free(re);
	aa_msg_free(again);
	aa_msg_free(now_in);
	aa_msg_free(p);
	aa_msg_free(in);
	aa_msg_free(s);
	return 0;
}

static int scheme_audited(void *ctx, int year, uint32_t version, int64_t at,
			  const uint8_t *data, size_t len)
{
	struct vstate *v = ctx;
	char subject[SUBJECT_LEN];
	int rv;
	(void)at;
	scheme_subject(year, version, subject);
	rv = audited(v->st, subject, "scheme.set", data, len);
	if (rv < 0)
		return rv;
	if (rv == 0)
		vbad(v, "scheme %d v%u: differs from its audit row scheme.set", year, version);
	return 0;
}

/* Every publication and scheme version the audit trail says was made must
 * still be there (the tables refuse deletes; someone with the file can
 * drop the trigger). */
static int audit_rows_present(void *ctx, uint64_t seq, const struct audit_entry *e)
{
	struct vstate *v = ctx;
	(void)seq;
	if (!strcmp(e->action, "assess.publish")) {
		struct publication_row row;
		long long n = 0;
		int rv;
		if (sscanf(e->subject, "publication/%lld", &n) != 1 || n < 1)
			return 0;
		rv = store_publication_get(v->st, n, &row);
		if (rv == BS_E_NOTFOUND)
			vbad(v, "publication %lld: published (audit row %llu) but gone from the "
				"publication table", n, (unsigned long long)seq);
		else if (rv == BS_OK)
			store_publication_free(&row);
		else
			return rv;
	} else if (!strcmp(e->action, "scheme.set")) {
		uint8_t *data = NULL;
		size_t len = 0;
		int year = 0, rv;
		unsigned ver = 0;
		if (sscanf(e->subject, "scheme/%d/v%u", &year, &ver) != 2 || ver < 1)
			return 0;
		rv = store_scheme_get(v->st, year, ver, &data, &len, NULL);
		free(data);
		if (rv == BS_E_NOTFOUND)
			vbad(v, "scheme %d v%u: set (audit row %llu) but gone from the scheme table",
			     year, ver, (unsigned long long)seq);
		else if (rv != BS_OK)
			return rv;
	}
	return 0;
}

int admin_assess_verify_all(struct store *st, uint64_t *problems,
			    void (*bad)(void *ctx, uint64_t seq, const char *why), void *ctx)
{
	struct vstate v;
	int rv;
	memset(&v, 0, sizeof v);
	v.st = st;
	v.problems = problems;
	v.bad = bad;
	v.ctx = ctx;
	if ((rv = store_scheme_each(st, scheme_audited, &v)) != BS_OK ||
	    (rv = store_audit_each(st, NULL, 0, audit_rows_present, &v)) != BS_OK)
		return rv;
	return store_publication_each(st, verify_one, &v);
}

static void print_bad(void *ctx, uint64_t seq, const char *why)
{
	(void)ctx;
	(void)seq;
	printf("  FAILED: %s\n", why);
}

static int cmd_assess_verify(int argc, char **argv)
{
	const char *db = DEFAULT_DB;
	struct store *st = NULL;
	struct vstate v;
	uint64_t problems = 0;
	int rv, ex;

	if ((ex = simple_opts(argc, argv, &db, NULL, NULL)) != 0)
		return ex < 0 ? 0 : ex;
	memset(&v, 0, sizeof v);
	if (optind + 1 == argc) {
		if ((ex = aa_parse_number(argv[optind], &v.only)) != 0)
			return ex;
	} else if (optind != argc) {
		return admin_usage_error("assess verify takes at most one publication number");
	}
	if ((ex = admin_open_db(db, 1, &st)) != 0)
		return ex;
	v.st = st;
	v.problems = &problems;
	v.bad = print_bad;
	v.gather = 1;
	rv = store_begin(st);
	if (rv == BS_OK)
		rv = store_scheme_each(st, scheme_audited, &v);
	if (rv == BS_OK)
		rv = store_audit_each(st, NULL, 0, audit_rows_present, &v);
	if (rv == BS_OK)
		rv = store_publication_each(st, verify_one, &v);
	store_rollback(st);
	store_close(st);
	if (rv != BS_OK)
		return admin_fail(rv, "cannot verify publications");
	if (v.only && !v.checked) {
		fprintf(stderr, "baosongd: no publication %lld\n", (long long)v.only);
		return 66;
	}
	if (problems) {
		printf("考核结果校验失败 FAILED: %llu problem(s) in %u publication(s)\n",
		       (unsigned long long)problems, v.checked);
		return 65;
	}
	printf("考核结果校验通过 verified: %u publication(s) recompute exactly from their stored "
	       "inputs and scheme versions; %u with records changed since\n", v.checked,
	       v.drifted);
	return 0;
}

/* ---- dispatch ---- */

int admin_assess_main(int argc, char **argv)
{
	static const struct {
		const char *group, *name;
		int (*run)(int, char **);
	} cmds[] = {
		{"scheme", "set", cmd_scheme_set},      {"scheme", "show", cmd_scheme_show},
		{"scheme", "list", cmd_scheme_list},    {"assess", "compute", cmd_assess_compute},
		{"assess", "publish", cmd_assess_publish}, {"assess", "list", cmd_assess_list},
		{"assess", "show", cmd_assess_show},    {"assess", "verify", cmd_assess_verify},
		{"assess", "export", admin_cmd_assess_export},
		{"export", "plan", admin_cmd_export_plan},
	};
	size_t i;
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		aa_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EX_USAGE_ : 0;
	}
	if (!strcmp(argv[0], "scheme") && !strcmp(argv[1], "example")) {
		fputs(assess_scheme_example(), stdout);
		return 0;
	}
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (!strcmp(argv[0], cmds[i].group) && !strcmp(argv[1], cmds[i].name))
			return cmds[i].run(argc - 1, argv + 1);
	aa_usage(stderr);
	return admin_usage_error("unknown command '%s %s'", argv[0], argv[1]);
}
