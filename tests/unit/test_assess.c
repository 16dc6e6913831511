/* test_assess.c - the assessment engine (server/assess.c) against
 * hand-computed worked examples: ratios in basis points (the 24.04% of
 * docs/ASSESSMENT.md, rounding, province-sized numbers), indicator scores
 * (linear and steps), indicators that do not apply and the rescaled total,
 * growth with a zero base, ranks with ties, grades, the consequence flags,
 * inputs that are refused, two scheme versions over the same inputs,
 * determinism and the digest, the INI scheme text (errors, round trip) and
 * the period texts.
 *
 * Every expected number has its arithmetic next to it.  Units: money fen
 * (1亿元 = 10^8 元 = 10^10 fen), ratios bp (10000 = 100%), scores
 * centi-points (100 = 1 分).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "err.h"
#include "period.h"

typedef Baosong__V1__Scheme Scheme;
typedef Baosong__V1__AssessInputs AssessInputs;
typedef Baosong__V1__UnitInput UnitInput;
typedef Baosong__V1__UnitResult UnitResult;
typedef Baosong__V1__Publication Publication;

#define WEEK BAOSONG__V1__ASSESS_SCOPE__ASSESS_WEEK
#define MONTH BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH
#define QUARTER BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER
#define YEAR BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR

#define YI(x) ((int64_t)(x) * INT64_C(10000000000)) /* x 亿元 in fen */
#define WAN(x) ((int64_t)(x) * INT64_C(1000000))    /* x 万元 in fen */

/* Indicator positions in the example scheme (and in scheme_text below). */
enum { I_FAI, I_GROWTH, I_STARTS, I_ATTR, I_UP, I_TIME, I_APPR, I_STATS, N_EX };

/* ---- helpers ---- */

static Scheme *scheme_ok(const char *text)
{
	Scheme *s = NULL;
	char err[512] = "";
	int rc = assess_scheme_parse(text, strlen(text), &s, err, sizeof err);
	if (rc != BS_OK)
		print_message("scheme refused: %s\n", err);
	assert_int_equal(rc, BS_OK);
	assert_non_null(s);
	return s;
}

/* Parse text that must be refused; err gets the message. */
static int scheme_bad(const char *text, char *err, size_t cap)
{
	Scheme *s = NULL;
	int rc;
	err[0] = '\0';
	rc = assess_scheme_parse(text, strlen(text), &s, err, cap);
	assert_int_not_equal(rc, BS_OK);
	assert_null(s);
	assert_true(err[0] != '\0');
	return rc;
}

static void scheme_free(Scheme *s)
{
	if (s)
		protobuf_c_message_free_unpacked(&s->base, NULL);
}

static void pub_free(Publication *p)
{
	if (p)
		protobuf_c_message_free_unpacked(&p->base, NULL);
}

/* The example scheme's shape with chosen weights (fai, growth, starts,
 * attraction, upward, timeliness, approvals, stats); timeliness by steps
 * 100%:100, 95%:80, 90%:60, 80%:40, 0%:0, the rest linear to 100%. */
static char *scheme_text(unsigned w_fai, unsigned w_growth, unsigned w_starts, unsigned w_attr,
			 unsigned w_up, unsigned w_time, unsigned w_appr, unsigned w_stats)
{
	static char buf[4096];
	snprintf(buf, sizeof buf,
		 "[scheme]\nyear = 2026\nname = 测试考核办法\nreports = weekly\n"
		 "units = township,department,soe\n"
		 "[indicator fai]\nlabel = 固定资产投资完成率\nmetric = fai_completion\n"
		 "weight = %u\nrule = linear\nfull = 100%%\n"
		 "[indicator growth]\nlabel = 同比增速\nmetric = fai_growth\nweight = %u\n"
		 "rule = linear\nfull = 100%%\n"
		 "[indicator starts]\nlabel = 新开工项目\nmetric = new_starts\nweight = %u\n"
		 "[indicator attraction]\nlabel = 招商引资\nmetric = attraction\nweight = %u\n"
		 "[indicator upward]\nlabel = 向上争取\nmetric = upward\nweight = %u\n"
		 "[indicator timeliness]\nlabel = 按时报送\nmetric = timeliness\nweight = %u\n"
		 "rule = steps\nsteps = 100%%:100, 95%%:80, 90%%:60, 80%%:40, 0%%:0\n"
		 "[indicator approvals]\nlabel = 前期手续\nmetric = approvals\nweight = %u\n"
		 "[indicator stats]\nlabel = 入库纳统\nmetric = stats\nweight = %u\n"
		 "[grades]\n优秀 = 90\n良好 = 80\n一般 = 60\n较差 = 0\n",
		 w_fai, w_growth, w_starts, w_attr, w_up, w_time, w_appr, w_stats);
	return buf;
}

/* One indicator, FAI completion, weight 100: the total equals the
 * completion rate capped at 100% (100 * 100 * bp / 10000 = bp). */
static const char fai_only[] = "[scheme]\nyear = 2026\nname = 投资完成率考核\n"
			       "[indicator fai]\nlabel = 完成率\nmetric = fai_completion\n"
			       "weight = 100\nrule = linear\nfull = 100%\n"
			       "[grades]\n优秀 = 90\n良好 = 80\n一般 = 60\n较差 = 0\n";

#define NU_MAX 8

/* Inputs built on the stack (never freed): n units with the given codes. */
struct fx {
	AssessInputs in;
	UnitInput u[NU_MAX];
	UnitInput *up[NU_MAX];
	char period[16];
	char code[NU_MAX][33];
};

static void fx_init(struct fx *f, int scope, const char *period, size_t n, ...)
{
	va_list ap;
	size_t i;
	assert_true(n <= NU_MAX);
	memset(f, 0, sizeof *f);
	baosong__v1__assess_inputs__init(&f->in);
	f->in.scope = (Baosong__V1__AssessScope)scope;
	snprintf(f->period, sizeof f->period, "%s", period);
	f->in.period = f->period;
	f->in.as_of_ms = INT64_C(1777593600000); /* 2026-05-01T00:00:00Z */
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		baosong__v1__unit_input__init(&f->u[i]);
		snprintf(f->code[i], sizeof f->code[i], "%s", va_arg(ap, const char *));
		f->u[i].unit_code = f->code[i];
		f->up[i] = &f->u[i];
	}
	va_end(ap);
	f->in.units = f->up;
	f->in.n_units = n;
}

/* A unit that attains exactly 100% on every indicator of the example
 * scheme: FAI 100亿 of 100亿; growth (100-80)/80 = 25% against 25%; 2 of 2
 * new starts; 1亿 of 1亿 attraction and upward; 13 of 13 reports on time;
 * 2 of 2 approvals; 3 of 3 registered.  Total 10000 (100 分). */
static void unit_full(UnitInput *u)
{
	u->fai_ytd_fen = YI(100);
	u->fai_target_fen = YI(100);
	u->has_fai_target = 1;
	u->fai_base_fen = YI(80);
	u->has_base = 1;
	u->growth_target_bp = 2500;
	u->has_growth_target = 1;
	u->new_starts = 2;
	u->new_starts_target = 2;
	u->has_new_starts_target = 1;
	u->attraction_fen = YI(1);
	u->attraction_target_fen = YI(1);
	u->has_attraction_target = 1;
	u->upward_fen = YI(1);
	u->upward_target_fen = YI(1);
	u->has_upward_target = 1;
	u->reports_due = 13;
	u->reports_on_time = 13;
	u->approvals_due = 2;
	u->approvals_on_time = 2;
	u->stats_needed = 3;
	u->stats_registered = 3;
}

/* A unit that only reports FAI: ytd of target (fen). */
static void unit_fai(UnitInput *u, int64_t ytd, int64_t target)
{
	u->fai_ytd_fen = ytd;
	u->fai_target_fen = target;
	u->has_fai_target = 1;
}

static Publication *compute_ok(const Scheme *s, const AssessInputs *in)
{
	Publication *p = NULL;
	assert_int_equal(assess_compute(s, in, &p), BS_OK);
	assert_non_null(p);
	assert_int_equal(p->n_results, in->n_units);
	return p;
}

static const UnitResult *res(const Publication *p, const char *code)
{
	size_t i;
	for (i = 0; i < p->n_results; i++)
		if (!strcmp(p->results[i]->unit_code, code))
			return p->results[i];
	fail_msg("no result for %s", code);
	return NULL;
}

static uint8_t *pack(const ProtobufCMessage *m, size_t *n)
{
	uint8_t *b;
	*n = protobuf_c_message_get_packed_size(m);
	b = malloc(*n ? *n : 1);
	assert_non_null(b);
	assert_int_equal(protobuf_c_message_pack(m, b), *n);
	return b;
}

static int same_bytes(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
	size_t na, nb;
	uint8_t *pa = pack(a, &na), *pb = pack(b, &nb);
	int same = na == nb && !memcmp(pa, pb, na);
	free(pa);
	free(pb);
	return same;
}

/* Whether s is well-formed UTF-8 (protobuf `string` fields must be). */
static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2
			: (*p & 0xF8) == 0xF0 ? 3 : -1;
		if (n < 0)
			return 0;
		for (p++; n > 0; n--, p++)
			if ((*p & 0xC0) != 0x80)
				return 0;
	}
	return 1;
}

/* ---- ratios ---- */

static void test_ratio_bp(void **state)
{
	const int64_t max = INT64_MAX;
	(void)state;
	/* 69.97亿 of 291亿: 699,700,000,000 * 10000 / 2,910,000,000,000
	 * = 2404.467... -> 2404 bp = 24.04% */
	assert_int_equal(assess_ratio_bp(INT64_C(699700000000), INT64_C(2910000000000)), 2404);
	/* NOTE (reported): docs/ASSESSMENT.md and the brief write 291亿 as
	 * 29,100,000,000,000 fen; that is 2910亿, and the ratio is then
	 * 6,997,000,000,000,000 / 29,100,000,000,000 = 240.44... -> 240 bp. */
	assert_int_equal(assess_ratio_bp(INT64_C(699700000000), INT64_C(29100000000000)), 240);
	/* half away from zero: 1/20000 = 0.5 bp -> 1; -0.5 -> -1; 1.5 -> 2 */
	assert_int_equal(assess_ratio_bp(1, 20000), 1);
	assert_int_equal(assess_ratio_bp(-1, 20000), -1);
	assert_int_equal(assess_ratio_bp(3, 20000), 2);
	assert_int_equal(assess_ratio_bp(-3, 20000), -2);
	/* 1/20001 = 0.49997... -> 0; -1/20001 -> 0 */
	assert_int_equal(assess_ratio_bp(1, 20001), 0);
	assert_int_equal(assess_ratio_bp(-1, 20001), 0);
	/* 1/3 = 3333.33 -> 3333; 2/3 = 6666.67 -> 6667; -2/3 -> -6667 */
	assert_int_equal(assess_ratio_bp(1, 3), 3333);
	assert_int_equal(assess_ratio_bp(2, 3), 6667);
	assert_int_equal(assess_ratio_bp(-2, 3), -6667);
	/* 0 and no denominator */
	assert_int_equal(assess_ratio_bp(0, 7), 0);
	assert_int_equal(assess_ratio_bp(5, 0), 0);
	assert_int_equal(assess_ratio_bp(5, -5), 0);
	/* province-sized: 75e15 / 1e17 = 0.75 -> 7500;
	 * (1e17 - 1) / 1e17 = 9999.9999999999999 bp -> 10000 */
	assert_int_equal(assess_ratio_bp(INT64_C(75000000000000000), INT64_C(100000000000000000)),
			 7500);
	assert_int_equal(assess_ratio_bp(INT64_C(99999999999999999), INT64_C(100000000000000000)),
			 10000);
	/* 98,765,432,109,876,543 / 123,456,789,012,345,678 = 0.8000000073 -> 8000 */
	assert_int_equal(assess_ratio_bp(INT64_C(98765432109876543), INT64_C(123456789012345678)),
			 8000);
	/* the int64 extremes (num * 10000 needs 128 bits):
	 * max/max = 10000; (max/2)/max = 4611686018427387903 / 9223372036854775807
	 * = 0.49999999999999999995 -> 4999.9999... -> 5000; (max/3)/max -> 3333.33 -> 3333;
	 * -max/max = -10000; min/max = -1.0000000000000000001 -> -10000 */
	assert_int_equal(assess_ratio_bp(max, max), 10000);
	assert_int_equal(assess_ratio_bp(max / 2, max), 5000);
	assert_int_equal(assess_ratio_bp(max / 3, max), 3333);
	assert_int_equal(assess_ratio_bp(-max, max), -10000);
	assert_int_equal(assess_ratio_bp(INT64_MIN, max), -10000);
	/* 1e17 fen / 1e13 fen = 10000 times = 1e8 bp: large results are exact as
	 * long as they fit in int64 (they do not for num/den > ~9.2e14: see
	 * test_ratio_overflow). */
	assert_int_equal(assess_ratio_bp(INT64_C(100000000000000000), INT64_C(10000000000000)),
			 INT64_C(100000000));
}

/* The worked example through the engine: 24.04%. */
static void test_worked_2404(void **state)
{
	Scheme *s = scheme_ok(fai_only);
	Publication *p;
	struct fx f;
	const UnitResult *r;
	(void)state;
	fx_init(&f, MONTH, "2026-04", 1, "chengguan");
	/* 69.97亿 = 699,700,000,000 fen done; 291亿 = 2,910,000,000,000 fen target */
	unit_fai(&f.u[0], INT64_C(699700000000), YI(291));
	p = compute_ok(s, &f.in);
	r = p->results[0];
	assert_string_equal(r->unit_code, "chengguan");
	assert_true(r->has_completion);
	/* 699,700,000,000 * 10000 / 2,910,000,000,000 = 2404.467 -> 2404 */
	assert_int_equal(r->completion_bp, 2404);
	assert_int_equal(r->fai_ytd_fen, INT64_C(699700000000));
	assert_int_equal(r->fai_target_fen, INT64_C(2910000000000));
	/* the only indicator, weight 100, linear to 100%:
	 * 100 * 100 * 2404 / 10000 = 2404 centi-points = 24.04 分 */
	assert_int_equal(r->n_scores_c, 1);
	assert_int_equal(r->scores_c[0], 2404);
	assert_true(r->has_total);
	assert_int_equal(r->total_c, 2404);
	/* alone: rank 1 of 1, not last (needs 2 ranked), no grade in a month */
	assert_int_equal(r->rank, 1);
	assert_int_equal(r->tied, 1);
	assert_int_equal(r->flags, 0);
	assert_string_equal(r->grade, "");
	/* the publication's frame */
	assert_int_equal(p->scope, MONTH);
	assert_string_equal(p->period, "2026-04");
	assert_int_equal(p->scheme_year, 2026);
	assert_int_equal(p->n_indicators, 1);
	assert_int_equal(p->n_grades, 4);
	assert_int_equal(p->as_of_ms, f.in.as_of_ms);
	assert_int_equal(p->digest.len, 0);
	pub_free(p);
	scheme_free(s);
}

/* Province totals near 10^17 fen through the engine.  assess.c refuses
 * amounts beyond +-10^17 fen (SUM_MAX_FEN) in inputs_ok. */
static void test_large_values(void **state)
{
	const int64_t max = INT64_C(100000000000000000); /* 10^17 fen = 10^13 万元 */
	Scheme *s = scheme_ok(scheme_text(40, 10, 10, 10, 10, 10, 5, 5));
	Publication *p = NULL;
	struct fx f;
	const UnitResult *r;
	size_t i;
	(void)state;
	fx_init(&f, QUARTER, "2026-Q4", 3, "province", "giant", "minus");
	unit_full(&f.u[0]);
	/* 7.5e16 done of 1e17: 0.75 -> 7500 bp; 40 * 100 * 7500 / 10000 = 3000 */
	f.u[0].fai_ytd_fen = INT64_C(75000000000000000);
	f.u[0].fai_target_fen = max;
	/* base 6e16: growth (7.5e16 - 6e16) / 6e16 = 0.25 -> 2500 bp;
	 * target 5000: 2500 / 5000 = 5000 bp -> 10 * 100 * 0.5 = 500 */
	f.u[0].fai_base_fen = INT64_C(60000000000000000);
	f.u[0].growth_target_bp = 5000;
	/* attraction 3e16 of 4e16 -> 7500 -> 10 * 100 * 0.75 = 750;
	 * upward 1e17 of 1e17 -> 10000 -> 1000 */
	f.u[0].attraction_fen = INT64_C(30000000000000000);
	f.u[0].attraction_target_fen = INT64_C(40000000000000000);
	f.u[0].upward_fen = max;
	f.u[0].upward_target_fen = max;
	/* giant: 1e17 of 1e17 -> 10000; base 5e16: growth 100% = 10000 bp,
	 * / 2500 = 40000 bp -> capped: 1000; total 10000 */
	unit_full(&f.u[1]);
	f.u[1].fai_ytd_fen = max;
	f.u[1].fai_target_fen = max;
	f.u[1].fai_base_fen = max / 2;
	/* minus: -1e17 (corrections) of 1e17 -> -10000 bp -> FAI score 0;
	 * base 1e17: growth (-1e17 - 1e17) / 1e17 = -20000 bp -> score 0;
	 * total 10000 - 4000 - 1000 = 5000 */
	unit_full(&f.u[2]);
	f.u[2].fai_ytd_fen = -max;
	f.u[2].fai_target_fen = max;
	f.u[2].fai_base_fen = max;
	p = compute_ok(s, &f.in);
	r = res(p, "province");
	assert_int_equal(r->completion_bp, 7500);
	assert_int_equal(r->growth_bp, 2500);
	assert_int_equal(r->scores_c[I_FAI], 3000);
	assert_int_equal(r->scores_c[I_GROWTH], 500);
	assert_int_equal(r->scores_c[I_ATTR], 750);
	assert_int_equal(r->scores_c[I_UP], 1000);
	/* 3000 + 500 + 1000 + 750 + 1000 + 1000 + 500 + 500 = 8250 */
	assert_int_equal(r->total_c, 8250);
	assert_int_equal(r->fai_ytd_fen, INT64_C(75000000000000000));
	assert_int_equal(r->rank, 2);
	r = res(p, "giant");
	assert_int_equal(r->completion_bp, 10000);
	assert_int_equal(r->growth_bp, 10000);
	assert_int_equal(r->total_c, 10000);
	assert_int_equal(r->rank, 1);
	r = res(p, "minus");
	assert_int_equal(r->completion_bp, -10000);
	assert_int_equal(r->growth_bp, -20000);
	assert_int_equal(r->scores_c[I_FAI], 0);
	assert_int_equal(r->scores_c[I_GROWTH], 0);
	assert_int_equal(r->total_c, 5000);
	assert_int_equal(r->rank, 3);
	pub_free(p);

	/* one fen beyond 10^17 (either sign) in any amount is refused */
	for (i = 0; i < 14; i++) {
		int64_t v = i % 2 ? -max - 1 : max + 1;
		UnitInput *u = &f.u[0];
		int64_t *field[7] = {&u->fai_ytd_fen,    &u->fai_base_fen,   &u->fai_target_fen,
				     &u->attraction_fen, &u->attraction_target_fen,
				     &u->upward_fen,     &u->upward_target_fen};
		int64_t keep = *field[i / 2];
		*field[i / 2] = v;
		p = NULL;
		assert_int_equal(assess_compute(s, &f.in, &p), BS_E_INVAL);
		assert_null(p);
		*field[i / 2] = keep;
	}
	p = compute_ok(s, &f.in);
	pub_free(p);
	scheme_free(s);
}

/* A ratio too big for int64 (10^17 fen done against a target of 36 fen:
 * 10^21 / 36 bp) is held at the cap of 10^15 bp instead of wrapping
 * around, so the best unit stays first and is not flagged last. */
static void test_ratio_overflow(void **state)
{
	Scheme *s = scheme_ok(fai_only);
	Publication *p;
	struct fx f;
	(void)state;
	assert_int_equal(assess_ratio_bp(INT64_C(100000000000000000), 36),
			 INT64_C(1000000000000000));
	assert_int_equal(assess_ratio_bp(INT64_C(-100000000000000000), 36),
			 INT64_C(-1000000000000000));
	fx_init(&f, MONTH, "2026-04", 2, "big", "small");
	unit_fai(&f.u[0], INT64_C(100000000000000000), 36);
	unit_fai(&f.u[1], 1, 100); /* 100 bp = 1.00% */
	p = compute_ok(s, &f.in);
	assert_int_equal(res(p, "big")->completion_bp, INT64_C(1000000000000000));
	assert_int_equal(res(p, "big")->rank, 1);
	assert_int_equal(res(p, "big")->flags, 0);
	assert_int_equal(res(p, "small")->rank, 2);
	assert_int_equal(res(p, "small")->flags, ASSESS_FLAG_LAST_MONTH);
	pub_free(p);
	scheme_free(s);
}

/* ---- scores ---- */

static void test_linear_scores(void **state)
{
	static const char text[] =
		"[scheme]\nyear = 2026\nname = 线性\n"
		"[indicator fai]\nlabel = 完成率\nmetric = fai_completion\nweight = 40\n"
		"rule = linear\nfull = 120%\n"
		"[indicator approvals]\nlabel = 手续\nmetric = approvals\nweight = 5\n"
		"[indicator starts]\nlabel = 新开工\nmetric = new_starts\nweight = 55\n"
		"full = 50%\n"
		"[grades]\n合格 = 60\n不合格 = 0\n";
	Scheme *s = scheme_ok(text);
	Publication *p;
	struct fx f;
	const UnitResult *r;
	(void)state;
	/* the default rule is linear, the default full 100% */
	assert_int_equal(s->indicators[1]->rule, BAOSONG__V1__SCORE_RULE__SCORE_LINEAR);
	assert_int_equal(s->indicators[1]->full_bp, 10000);
	assert_int_equal(s->indicators[0]->full_bp, 12000);
	assert_int_equal(s->indicators[2]->full_bp, 5000);
	fx_init(&f, QUARTER, "2026-Q2", 4, "a1", "a2", "a3", "a4");
	/* a1: FAI 110% against full 120%: 40 * 100 * 11000 / 12000 = 3666.67 -> 3667;
	 * approvals 2 of 3 = 6666.67 -> 6667 bp: 5 * 100 * 6667 / 10000 = 333.35 -> 333;
	 * starts 1 of 4 = 2500 bp against full 50%: 55 * 100 * 2500 / 5000 = 2750;
	 * total 3667 + 333 + 2750 = 6750 */
	unit_fai(&f.u[0], YI(110), YI(100));
	f.u[0].approvals_due = 3, f.u[0].approvals_on_time = 2;
	f.u[0].new_starts = 1, f.u[0].new_starts_target = 4, f.u[0].has_new_starts_target = 1;
	/* a2: FAI 150% capped at full: 4000; approvals 1 of 8 = 1250 bp:
	 * 5 * 100 * 1250 / 10000 = 62.5 -> 63 (half away from zero);
	 * starts 3 of 2 = 15000 capped at 5000: 5500; total 4000 + 63 + 5500 = 9563 */
	unit_fai(&f.u[1], YI(150), YI(100));
	f.u[1].approvals_due = 8, f.u[1].approvals_on_time = 1;
	f.u[1].new_starts = 3, f.u[1].new_starts_target = 2, f.u[1].has_new_starts_target = 1;
	/* a3: negative FAI (a correction) -5% -> clamped to 0: 0; approvals 0 of 4: 0;
	 * starts 0 of 1: 0; total 0 */
	unit_fai(&f.u[2], -YI(5), YI(100));
	f.u[2].approvals_due = 4;
	f.u[2].new_starts_target = 1, f.u[2].has_new_starts_target = 1;
	/* a4: FAI 60% -> 40 * 100 * 6000 / 12000 = 2000; approvals none due: -1;
	 * starts target set but 0: not applicable: -1;
	 * total 2000 * 100 / 40 = 5000 */
	unit_fai(&f.u[3], YI(60), YI(100));
	f.u[3].new_starts = 5, f.u[3].new_starts_target = 0, f.u[3].has_new_starts_target = 1;
	p = compute_ok(s, &f.in);
	r = res(p, "a1");
	assert_int_equal(r->scores_c[0], 3667);
	assert_int_equal(r->scores_c[1], 333);
	assert_int_equal(r->scores_c[2], 2750);
	assert_int_equal(r->total_c, 6750);
	assert_string_equal(r->grade, "合格");
	r = res(p, "a2");
	assert_int_equal(r->completion_bp, 15000);
	assert_int_equal(r->scores_c[0], 4000);
	assert_int_equal(r->scores_c[1], 63);
	assert_int_equal(r->scores_c[2], 5500);
	assert_int_equal(r->total_c, 9563);
	r = res(p, "a3");
	assert_int_equal(r->completion_bp, -500);
	assert_int_equal(r->scores_c[0], 0);
	assert_int_equal(r->scores_c[1], 0);
	assert_int_equal(r->scores_c[2], 0);
	assert_true(r->has_total);
	assert_int_equal(r->total_c, 0);
	assert_string_equal(r->grade, "不合格");
	r = res(p, "a4");
	assert_int_equal(r->scores_c[0], 2000);
	assert_int_equal(r->scores_c[1], -1);
	assert_int_equal(r->scores_c[2], -1);
	assert_int_equal(r->total_c, 5000);
	assert_string_equal(r->grade, "不合格");
	/* ranks by total: a2 9563, a1 6750, a4 5000, a3 0 (last of a quarter) */
	assert_string_equal(p->results[0]->unit_code, "a2");
	assert_string_equal(p->results[1]->unit_code, "a1");
	assert_string_equal(p->results[2]->unit_code, "a4");
	assert_string_equal(p->results[3]->unit_code, "a3");
	assert_int_equal(res(p, "a3")->rank, 4);
	assert_int_equal(res(p, "a3")->flags, ASSESS_FLAG_LAST_QUARTER);
	pub_free(p);
	scheme_free(s);
}

/* A period with a missing report: timeliness by steps. */
static void test_missing_report_steps(void **state)
{
	/* on time of 20 -> attainment -> step percent -> score of weight 10:
	 * 20 -> 10000 -> 100% -> 1000; 19 -> 9500 -> 80% -> 800;
	 * 18 -> 9000 -> 60% -> 600;    17 -> 8500 -> 40% -> 400 (80% step);
	 * 16 -> 8000 -> 40% -> 400;    15 -> 7500 -> 0% step -> 0;  0 -> 0 -> 0 */
	static const struct {
		uint32_t on_time;
		int64_t score;
	} cases[] = {{20, 1000}, {19, 800}, {18, 600}, {17, 400}, {16, 400}, {15, 0}, {0, 0}};
	Scheme *s = scheme_ok(assess_scheme_example());
	Publication *p;
	struct fx f;
	const UnitResult *r;
	size_t i;
	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fx_init(&f, MONTH, "2026-04", 1, "chengguan");
		unit_full(&f.u[0]);
		f.u[0].reports_due = 20;
		f.u[0].reports_on_time = cases[i].on_time;
		f.u[0].reports_missing = 20 - cases[i].on_time;
		p = compute_ok(s, &f.in);
		r = p->results[0];
		assert_int_equal(r->scores_c[I_TIME], cases[i].score);
		/* every other indicator full: 10000 - 1000 + score */
		assert_int_equal(r->total_c, 9000 + cases[i].score);
		assert_int_equal(r->reports_due, 20);
		assert_int_equal(r->reports_missing, 20 - cases[i].on_time);
		assert_int_equal(r->reports_late, 0);
		assert_int_equal(r->flags,
				 cases[i].on_time < 20 ? ASSESS_FLAG_MISSING_REPORTS : 0u);
		pub_free(p);
	}
	/* the worked example: 19 of 20 on time, 1 missing = 95% -> 80% of 10 = 8 分;
	 * total 100 - 10 + 8 = 98 分 = 9800 */
	fx_init(&f, MONTH, "2026-04", 1, "chengguan");
	unit_full(&f.u[0]);
	f.u[0].reports_due = 20, f.u[0].reports_on_time = 19, f.u[0].reports_missing = 1;
	p = compute_ok(s, &f.in);
	assert_int_equal(p->results[0]->scores_c[I_TIME], 800);
	assert_int_equal(p->results[0]->total_c, 9800);
	assert_true(p->results[0]->flags & ASSESS_FLAG_MISSING_REPORTS);
	assert_false(p->results[0]->flags & ASSESS_FLAG_LATE_REPORTS);
	pub_free(p);
	/* no report due at all: timeliness does not apply (-1), the total is
	 * 9000 (the other 90 points, all full) * 100 / 90 = 10000 */
	fx_init(&f, MONTH, "2026-04", 1, "chengguan");
	unit_full(&f.u[0]);
	f.u[0].reports_due = 0, f.u[0].reports_on_time = 0;
	p = compute_ok(s, &f.in);
	assert_int_equal(p->results[0]->scores_c[I_TIME], -1);
	assert_int_equal(p->results[0]->total_c, 10000);
	assert_non_null(strstr(p->results[0]->explain, "（无应报）"));
	pub_free(p);
	scheme_free(s);
}

/* A report that arrived complete after the deadline is late, not on time. */
static void test_late_report(void **state)
{
	static const char linear_time[] =
		"[scheme]\nyear = 2026\nname = 报送\n"
		"[indicator fai]\nlabel = 完成率\nmetric = fai_completion\nweight = 90\n"
		"[indicator timeliness]\nlabel = 按时报送\nmetric = timeliness\nweight = 10\n"
		"[grades]\n合格 = 60\n不合格 = 0\n";
	Scheme *steps = scheme_ok(assess_scheme_example());
	Scheme *lin = scheme_ok(linear_time);
	Publication *p = NULL;
	struct fx f;
	const UnitResult *r;
	(void)state;
	fx_init(&f, MONTH, "2026-04", 1, "chengguan");
	unit_full(&f.u[0]);
	/* 10 due, 9 on time, 1 late: 9 / 10 = 9000 bp = 90% */
	f.u[0].reports_due = 10, f.u[0].reports_on_time = 9, f.u[0].reports_late = 1;
	p = compute_ok(steps, &f.in);
	r = p->results[0];
	/* steps: 90% reaches the 90% step: 60% of 10 = 600 */
	assert_int_equal(r->scores_c[I_TIME], 600);
	/* 9000 (other indicators full) + 600 = 9600 */
	assert_int_equal(r->total_c, 9600);
	assert_int_equal(r->reports_late, 1);
	assert_int_equal(r->reports_missing, 0);
	assert_int_equal(r->flags, ASSESS_FLAG_LATE_REPORTS);
	pub_free(p);
	/* linear: 10 * 100 * 9000 / 10000 = 900; FAI 100%: 90 * 100 = 9000; total 9900 */
	p = compute_ok(lin, &f.in);
	assert_int_equal(p->results[0]->scores_c[1], 900);
	assert_int_equal(p->results[0]->total_c, 9900);
	pub_free(p);
	/* counting the late one as on time too (10 + 1 != 10 due) is refused */
	f.u[0].reports_on_time = 10;
	p = NULL;
	assert_int_equal(assess_compute(steps, &f.in, &p), BS_E_INVAL);
	assert_null(p);
	scheme_free(steps);
	scheme_free(lin);
}

/* ---- ties ---- */

static void test_ties(void **state)
{
	Scheme *s = scheme_ok(fai_only);
	Publication *p;
	struct fx f;
	const UnitResult *r;
	(void)state;
	/* listed in reverse to show the order comes from the engine */
	fx_init(&f, MONTH, "2026-04", 4, "nanhu", "xicheng", "dongcheng", "beiguan");
	unit_fai(&f.u[3], YI(60), YI(100)); /* beiguan 60.00% */
	unit_fai(&f.u[2], YI(50), YI(100)); /* dongcheng 50.00% */
	unit_fai(&f.u[1], YI(1), YI(2));    /* xicheng 1亿 of 2亿 = 50.00% too */
	unit_fai(&f.u[0], YI(40), YI(100)); /* nanhu 40.00% */
	p = compute_ok(s, &f.in);
	/* 6000 > 5000 = 5000 > 4000: ranks 1, 2, 2, 4 (3 is skipped) */
	assert_string_equal(p->results[0]->unit_code, "beiguan");
	assert_string_equal(p->results[1]->unit_code, "dongcheng"); /* "d" < "x" */
	assert_string_equal(p->results[2]->unit_code, "xicheng");
	assert_string_equal(p->results[3]->unit_code, "nanhu");
	r = res(p, "beiguan");
	assert_int_equal(r->rank, 1);
	assert_int_equal(r->tied, 1);
	assert_int_equal(r->flags, 0);
	assert_null(strstr(r->explain, "并列"));
	r = res(p, "dongcheng");
	assert_int_equal(r->rank, 2);
	assert_int_equal(r->tied, 2);
	assert_int_equal(r->flags, 0);
	assert_non_null(strstr(r->explain, "并列"));
	assert_non_null(strstr(r->explain, "xicheng"));
	assert_non_null(strstr(r->explain, "50.00%"));
	r = res(p, "xicheng");
	assert_int_equal(r->rank, 2);
	assert_int_equal(r->tied, 2);
	assert_non_null(strstr(r->explain, "并列"));
	assert_non_null(strstr(r->explain, "dongcheng"));
	r = res(p, "nanhu");
	assert_int_equal(r->rank, 4);
	assert_int_equal(r->tied, 1);
	/* the last of a month */
	assert_int_equal(r->flags, ASSESS_FLAG_LAST_MONTH);
	assert_non_null(strstr(r->explain, "月度末位"));
	pub_free(p);
	scheme_free(s);
}

/* Ties compare the published (rounded) value: 1/3 = 3333.33 bp and
 * 3333/10000 = 3333 bp are the same 33.33%. */
static void test_tie_after_rounding(void **state)
{
	Scheme *s = scheme_ok(fai_only);
	Publication *p;
	struct fx f;
	(void)state;
	fx_init(&f, MONTH, "2026-04", 3, "aa", "bb", "cc");
	unit_fai(&f.u[0], YI(1), YI(3));        /* 3333.33 -> 3333 */
	unit_fai(&f.u[1], 3333, 10000);         /* 3333 */
	unit_fai(&f.u[2], YI(1), YI(2));        /* 5000 */
	p = compute_ok(s, &f.in);
	assert_int_equal(res(p, "aa")->completion_bp, 3333);
	assert_int_equal(res(p, "bb")->completion_bp, 3333);
	assert_int_equal(res(p, "cc")->rank, 1);
	assert_int_equal(res(p, "aa")->rank, 2);
	assert_int_equal(res(p, "bb")->rank, 2);
	/* tied at the last rank: both flagged */
	assert_int_equal(res(p, "aa")->flags, ASSESS_FLAG_LAST_MONTH);
	assert_int_equal(res(p, "bb")->flags, ASSESS_FLAG_LAST_MONTH);
	pub_free(p);
	scheme_free(s);
}

/* A tie at the last place flags every unit there; all tied first: nobody. */
static void test_tie_last_place(void **state)
{
	Scheme *s = scheme_ok(fai_only);
	Publication *p;
	struct fx f;
	const UnitResult *r;
	(void)state;
	fx_init(&f, MONTH, "2026-04", 3, "aa", "bb", "cc");
	unit_fai(&f.u[0], YI(60), YI(100)); /* 6000 */
	unit_fai(&f.u[1], YI(40), YI(100)); /* 4000 */
	unit_fai(&f.u[2], YI(20), YI(50));  /* 4000 */
	p = compute_ok(s, &f.in);
	/* ranks 1, 2, 2; the last rank is 2 > 1 with 3 ranked: bb and cc flagged */
	assert_int_equal(res(p, "aa")->rank, 1);
	assert_int_equal(res(p, "aa")->flags, 0);
	r = res(p, "bb");
	assert_int_equal(r->rank, 2);
	assert_int_equal(r->tied, 2);
	assert_int_equal(r->flags, ASSESS_FLAG_LAST_MONTH);
	assert_non_null(strstr(r->explain, "cc"));
	assert_non_null(strstr(r->explain, "月度末位"));
	r = res(p, "cc");
	assert_int_equal(r->rank, 2);
	assert_int_equal(r->flags, ASSESS_FLAG_LAST_MONTH);
	assert_non_null(strstr(r->explain, "bb"));
	pub_free(p);

	/* the same in a quarter (by total = completion here): LAST_QUARTER */
	f.in.scope = QUARTER;
	snprintf(f.period, sizeof f.period, "2026-Q2");
	p = compute_ok(s, &f.in);
	assert_int_equal(res(p, "bb")->flags, ASSESS_FLAG_LAST_QUARTER);
	assert_int_equal(res(p, "cc")->flags, ASSESS_FLAG_LAST_QUARTER);
	assert_non_null(strstr(res(p, "bb")->explain, "季度末位"));
	/* by total: "总分 ... 40.00 分" */
	assert_non_null(strstr(res(p, "bb")->explain, "40.00 分"));
	assert_int_equal(res(p, "aa")->flags, 0);
	pub_free(p);

	/* a week is ranked by completion too, but has no last-place flag */
	f.in.scope = WEEK;
	snprintf(f.period, sizeof f.period, "2026-W14");
	p = compute_ok(s, &f.in);
	assert_int_equal(res(p, "bb")->rank, 2);
	assert_int_equal(res(p, "bb")->flags, 0);
	assert_int_equal(res(p, "cc")->flags, 0);
	assert_string_equal(res(p, "aa")->grade, "");
	pub_free(p);

	/* everybody tied for first: the last rank is 1, nobody is last */
	f.in.scope = MONTH;
	snprintf(f.period, sizeof f.period, "2026-04");
	unit_fai(&f.u[0], YI(40), YI(100));
	p = compute_ok(s, &f.in);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(p->results[i]->rank, 1);
		assert_int_equal(p->results[i]->tied, 3);
		assert_int_equal(p->results[i]->flags, 0);
	}
	/* explain names the two others */
	assert_non_null(strstr(res(p, "aa")->explain, "bb"));
	assert_non_null(strstr(res(p, "aa")->explain, "cc"));
	pub_free(p);

	/* one unit alone: rank 1, not last */
	fx_init(&f, MONTH, "2026-04", 1, "aa");
	unit_fai(&f.u[0], 0, YI(100));
	p = compute_ok(s, &f.in);
	assert_int_equal(p->results[0]->rank, 1);
	assert_int_equal(p->results[0]->flags, 0);
	pub_free(p);

	/* two ranked, one unranked: the ranked second is last */
	fx_init(&f, MONTH, "2026-04", 3, "aa", "bb", "cc");
	unit_fai(&f.u[0], YI(10), YI(100));
	unit_fai(&f.u[1], YI(20), YI(100));
	p = compute_ok(s, &f.in);
	assert_int_equal(res(p, "bb")->rank, 1);
	assert_int_equal(res(p, "aa")->rank, 2);
	assert_int_equal(res(p, "aa")->flags, ASSESS_FLAG_LAST_MONTH);
	assert_int_equal(res(p, "cc")->rank, 0);
	assert_int_equal(res(p, "cc")->flags, ASSESS_FLAG_NO_TARGET);
	pub_free(p);
	scheme_free(s);
}

/* ---- not applicable ---- */

/* A unit without an FAI target: unranked in a month, NO_TARGET. */
static void test_no_target_month(void **state)
{
	Scheme *s = scheme_ok(assess_scheme_example());
	Publication *p;
	struct fx f;
	const UnitResult *r;
	(void)state;
	fx_init(&f, MONTH, "2026-04", 4, "dd", "cc", "bb", "aa");
	unit_full(&f.u[3]); /* aa: 100亿 of 100亿 = 10000 */
	unit_full(&f.u[2]); /* bb: no FAI target */
	f.u[2].has_fai_target = 0;
	f.u[2].fai_target_fen = 0;
	unit_full(&f.u[1]); /* cc: 30亿 of 100亿 = 3000 */
	f.u[1].fai_ytd_fen = YI(30);
	f.u[1].fai_base_fen = YI(24); /* growth 6/24 = 2500: full */
	unit_full(&f.u[0]); /* dd: a target record of 0 fen counts as none */
	f.u[0].fai_target_fen = 0;
	p = compute_ok(s, &f.in);
	/* ranked first, then the unranked by code */
	assert_string_equal(p->results[0]->unit_code, "aa");
	assert_string_equal(p->results[1]->unit_code, "cc");
	assert_string_equal(p->results[2]->unit_code, "bb");
	assert_string_equal(p->results[3]->unit_code, "dd");
	r = res(p, "aa");
	assert_int_equal(r->rank, 1);
	assert_int_equal(r->flags, 0);
	r = res(p, "cc");
	assert_int_equal(r->rank, 2);
	assert_int_equal(r->completion_bp, 3000);
	/* 2 ranked, last rank 2: 月度末位 */
	assert_int_equal(r->flags, ASSESS_FLAG_LAST_MONTH);
	r = res(p, "bb");
	assert_int_equal(r->rank, 0);
	assert_int_equal(r->tied, 0);
	assert_false(r->has_completion);
	assert_int_equal(r->fai_target_fen, 0);
	assert_int_equal(r->flags, ASSESS_FLAG_NO_TARGET);
	assert_int_equal(r->scores_c[I_FAI], -1);
	assert_non_null(strstr(r->explain, "不参与排名"));
	/* its total is still computed (over 60 points: 6000 * 100 / 60 = 10000) */
	assert_true(r->has_total);
	assert_int_equal(r->total_c, 10000);
	r = res(p, "dd");
	assert_int_equal(r->rank, 0);
	assert_false(r->has_completion);
	assert_int_equal(r->flags, ASSESS_FLAG_NO_TARGET);
	/* the target is reported as given (0) */
	assert_int_equal(r->fai_target_fen, 0);
	pub_free(p);
	scheme_free(s);
}

/* The same unit in a quarter: the FAI indicator scores -1 and the total is
 * rescaled over the other 60 points. */
static void test_no_target_quarter(void **state)
{
	Scheme *s = scheme_ok(assess_scheme_example());
	Publication *p;
	struct fx f;
	const UnitResult *r;
	(void)state;
	fx_init(&f, QUARTER, "2026-Q2", 3, "nt", "wt", "lo");
	unit_full(&f.u[1]); /* wt: 10000 */
	/* lo: a target, 10% done, nothing else: 40 * 0.1 = 4.00 of 40 -> 10.00 */
	unit_fai(&f.u[2], YI(1), YI(10));
	UnitInput *u = &f.u[0];
	u->fai_ytd_fen = YI(50); /* no FAI target */
	/* growth (50 - 40) / 40 = 2500 bp against 50%: 2500 * 10000 / 5000 = 5000 bp
	 * -> 10 * 100 * 5000 / 10000 = 500 */
	u->fai_base_fen = YI(40), u->has_base = 1;
	u->growth_target_bp = 5000, u->has_growth_target = 1;
	/* new starts 3 of 4 = 7500 -> 10 * 100 * 0.75 = 750 */
	u->new_starts = 3, u->new_starts_target = 4, u->has_new_starts_target = 1;
	/* attraction 1.2亿 of 2亿 = 6000 -> 600 */
	u->attraction_fen = INT64_C(12000000000);
	u->attraction_target_fen = YI(2), u->has_attraction_target = 1;
	/* upward 0.5亿 of 1亿 = 5000 -> 500 */
	u->upward_fen = INT64_C(5000000000);
	u->upward_target_fen = YI(1), u->has_upward_target = 1;
	/* reports 19 of 20 on time, 1 missing = 9500 -> step 95%: 80% of 10 = 800 */
	u->reports_due = 20, u->reports_on_time = 19, u->reports_missing = 1;
	/* approvals 2 of 3 = 6666.67 -> 6667 bp -> 5 * 100 * 6667 / 10000 = 333.35 -> 333 */
	u->approvals_due = 3, u->approvals_on_time = 2;
	/* stats 4 of 4 -> 500 */
	u->stats_needed = 4, u->stats_registered = 4;
	p = compute_ok(s, &f.in);
	r = res(p, "nt");
	assert_int_equal(r->scores_c[I_FAI], -1);
	assert_int_equal(r->scores_c[I_GROWTH], 500);
	assert_int_equal(r->scores_c[I_STARTS], 750);
	assert_int_equal(r->scores_c[I_ATTR], 600);
	assert_int_equal(r->scores_c[I_UP], 500);
	assert_int_equal(r->scores_c[I_TIME], 800);
	assert_int_equal(r->scores_c[I_APPR], 333);
	assert_int_equal(r->scores_c[I_STATS], 500);
	/* sum 500 + 750 + 600 + 500 + 800 + 333 + 500 = 3983 over 100 - 40 = 60
	 * applicable points: 3983 * 100 / 60 = 6638.33 -> 6638 (66.38 分) */
	assert_true(r->has_total);
	assert_int_equal(r->total_c, 6638);
	/* 60 <= 66.38 < 80 */
	assert_string_equal(r->grade, "一般");
	assert_true(r->has_growth);
	assert_int_equal(r->growth_bp, 2500);
	assert_false(r->has_completion);
	/* Never ranked without a target, listed after the ranked units with
	 * why; the bottom flag goes to the last ranked unit. */
	assert_int_equal(r->rank, 0);
	assert_int_equal(r->flags, ASSESS_FLAG_NO_TARGET | ASSESS_FLAG_MISSING_REPORTS);
	assert_non_null(strstr(r->explain, "不计分：固定资产投资完成率（无目标）"));
	assert_non_null(strstr(r->explain, "未下达投资目标，不参与排名"));
	assert_null(strstr(r->explain, "末位"));
	assert_string_equal(p->results[2]->unit_code, "nt");
	r = res(p, "wt");
	assert_int_equal(r->rank, 1);
	assert_int_equal(r->total_c, 10000);
	assert_string_equal(r->grade, "优秀");
	assert_int_equal(r->flags, 0);
	r = res(p, "lo");
	assert_int_equal(r->rank, 2);
	assert_int_equal(r->total_c, 1000);
	assert_int_equal(r->flags, ASSESS_FLAG_LAST_QUARTER);
	assert_non_null(strstr(r->explain, "季度末位：约谈"));
	assert_string_equal(r->bottom, "季度末位：约谈");
	pub_free(p);

	/* Engine 1 (publications made before) ranked it by total: 2nd of 3. */
	assert_int_equal(assess_compute_engine(s, &f.in, 1, &p), BS_OK);
	assert_int_equal(p->engine, 1);
	assert_int_equal(res(p, "nt")->rank, 2);
	assert_int_equal(res(p, "lo")->rank, 3);
	assert_int_equal(res(p, "lo")->flags, ASSESS_FLAG_LAST_QUARTER);
	assert_string_equal(res(p, "lo")->bottom, "");
	assert_non_null(strstr(res(p, "nt")->explain, "不计分：fai（无目标）"));
	pub_free(p);
	assert_int_equal(assess_compute_engine(s, &f.in, ASSESS_ENGINE + 1, &p), BS_E_UNSUPPORTED);

	/* The year: the same (a grade still follows from the total). */
	f.in.scope = YEAR;
	snprintf(f.period, sizeof f.period, "2026");
	p = compute_ok(s, &f.in);
	assert_int_equal(res(p, "nt")->rank, 0);
	assert_non_null(strstr(res(p, "nt")->explain, "未下达投资目标，不参与排名"));
	assert_int_equal(res(p, "wt")->rank, 1);
	assert_int_equal(res(p, "lo")->rank, 2);
	assert_string_equal(p->results[2]->unit_code, "nt");
	pub_free(p);
	scheme_free(s);
}

/* Growth: applicable, negative, and the zero base. */
static void test_growth(void **state)
{
	Scheme *s = scheme_ok(assess_scheme_example());
	Publication *p;
	struct fx f;
	const UnitResult *r;
	(void)state;
	fx_init(&f, MONTH, "2026-04", 4, "g1", "g2", "g3", "g4");
	/* g1: base 40亿, ytd 46亿: (46 - 40) / 40 = 1500 bp; target 2000:
	 * 1500 / 2000 = 7500 bp -> 10 * 100 * 0.75 = 750 */
	unit_full(&f.u[0]);
	f.u[0].fai_ytd_fen = YI(46), f.u[0].fai_base_fen = YI(40);
	f.u[0].growth_target_bp = 2000;
	/* g2: base 50亿, ytd 45亿: -1000 bp; -1000 / 2000 = -5000 bp -> clamped 0 */
	unit_full(&f.u[1]);
	f.u[1].fai_ytd_fen = YI(45), f.u[1].fai_base_fen = YI(50);
	f.u[1].growth_target_bp = 2000;
	/* g3: base 3 fen, ytd 4 fen: 1/3 = 3333.33 -> 3333 bp; target 10000:
	 * 3333 * 10000 / 10000 = 3333 -> 10 * 100 * 3333 / 10000 = 333.3 -> 333
	 * (the rounded growth is what is compared with the target) */
	unit_full(&f.u[2]);
	f.u[2].fai_ytd_fen = 4, f.u[2].fai_base_fen = 3;
	f.u[2].growth_target_bp = 10000;
	/* g4: base known but no growth target: not applicable, growth still shown */
	unit_full(&f.u[3]);
	f.u[3].has_growth_target = 0;
	f.u[3].growth_target_bp = 0;
	p = compute_ok(s, &f.in);
	r = res(p, "g1");
	assert_int_equal(r->growth_bp, 1500);
	assert_int_equal(r->scores_c[I_GROWTH], 750);
	r = res(p, "g2");
	assert_int_equal(r->growth_bp, -1000);
	assert_int_equal(r->scores_c[I_GROWTH], 0);
	r = res(p, "g3");
	assert_int_equal(r->growth_bp, 3333);
	assert_int_equal(r->scores_c[I_GROWTH], 333);
	r = res(p, "g4");
	assert_true(r->has_growth);
	assert_int_equal(r->growth_bp, 2500); /* (100 - 80) / 80 */
	assert_int_equal(r->scores_c[I_GROWTH], -1);
	assert_non_null(strstr(r->explain, "（无增速目标）"));
	/* 9000 * 100 / 90 = 10000 */
	assert_int_equal(r->total_c, 10000);
	pub_free(p);
	scheme_free(s);
}

/* Zero base: growth does not apply, has_growth false, total rescaled. */
static void test_zero_base(void **state)
{
	Scheme *s = scheme_ok(assess_scheme_example());
	Publication *p;
	struct fx f;
	const UnitResult *r;
	size_t i;
	(void)state;
	fx_init(&f, QUARTER, "2026-Q1", 3, "zb_absent", "zb_zero", "zb_neg");
	for (i = 0; i < 3; i++) {
		UnitInput *u = &f.u[i];
		unit_full(u);
		/* FAI 80亿 of 100亿 = 8000 -> 40 * 100 * 0.8 = 3200 */
		u->fai_ytd_fen = YI(80);
		/* attraction 0.9亿 of 1亿 = 9000 -> 900 */
		u->attraction_fen = INT64_C(9000000000);
		/* stats 1 of 2 = 5000 -> 5 * 100 * 0.5 = 250 */
		u->stats_needed = 2, u->stats_registered = 1;
		u->growth_target_bp = 1000;
	}
	f.u[0].has_base = 0, f.u[0].fai_base_fen = 0; /* no report last year */
	f.u[1].has_base = 1, f.u[1].fai_base_fen = 0; /* reported 0 last year */
	f.u[2].has_base = 1, f.u[2].fai_base_fen = -5; /* nonsense base */
	p = compute_ok(s, &f.in);
	for (i = 0; i < 3; i++) {
		r = res(p, f.code[i]);
		assert_false(r->has_growth);
		assert_int_equal(r->growth_bp, 0);
		assert_int_equal(r->scores_c[I_FAI], 3200);
		assert_int_equal(r->scores_c[I_GROWTH], -1);
		assert_int_equal(r->scores_c[I_ATTR], 900);
		assert_int_equal(r->scores_c[I_STATS], 250);
		/* 3200 + 1000 (starts) + 900 + 1000 (upward) + 1000 (timeliness)
		 * + 500 (approvals) + 250 = 7850 over 90 points:
		 * 7850 * 100 / 90 = 8722.22 -> 8722 */
		assert_int_equal(r->total_c, 8722);
		assert_string_equal(r->grade, "良好"); /* 80 <= 87.22 < 90 */
		assert_non_null(strstr(r->explain, "（基数为零）"));
		/* all three tied at 87.22: rank 1, nobody last */
		assert_int_equal(r->rank, 1);
		assert_int_equal(r->tied, 3);
		assert_int_equal(r->flags, 0);
	}
	pub_free(p);
	scheme_free(s);
}

/* Nothing applies: no total, not ranked, no grade. */
static void test_nothing_applies(void **state)
{
	Scheme *s = scheme_ok(fai_only);
	Publication *p;
	struct fx f;
	const UnitResult *r;
	(void)state;
	fx_init(&f, YEAR, "2026", 2, "bureau", "town");
	unit_fai(&f.u[1], YI(1), YI(1));
	p = compute_ok(s, &f.in);
	r = res(p, "bureau");
	assert_false(r->has_total);
	assert_int_equal(r->rank, 0);
	assert_string_equal(r->grade, "");
	/* no annual grade flag without a grade; NO_TARGET only */
	assert_int_equal(r->flags, ASSESS_FLAG_NO_TARGET);
	assert_non_null(strstr(r->explain, "未下达投资目标，不参与排名"));
	assert_string_equal(p->results[1]->unit_code, "bureau");
	/* one ranked unit: first, not last */
	assert_int_equal(res(p, "town")->rank, 1);
	assert_int_equal(res(p, "town")->flags, 0);
	pub_free(p);
	scheme_free(s);
}

/* explain is a protobuf string: it must stay valid UTF-8 however many
 * indicators do not apply, and keep saying 并列 when a unit is tied. */
static void test_explain_long(void **state)
{
	Scheme *s = scheme_ok(assess_scheme_example());
	Publication *p;
	struct fx f;
	const UnitResult *r;
	size_t i;
	(void)state;
	/* two departments with nothing but reports (13 of 13 on time): 7 of the
	 * 8 indicators do not apply; both total 1000 * 100 / 10 = 10000, tied */
	fx_init(&f, QUARTER, "2026-Q1", 2, "fgj", "tjj");
	for (i = 0; i < 2; i++) {
		f.u[i].reports_due = 13, f.u[i].reports_on_time = 13;
		unit_fai(&f.u[i], YI(1), YI(1)); /* 40 + 10 of 50 points: 10000 */
	}
	p = compute_ok(s, &f.in);
	for (i = 0; i < 2; i++) {
		r = p->results[i];
		assert_int_equal(r->total_c, 10000);
		assert_int_equal(r->rank, 1);
		assert_int_equal(r->tied, 2);
		assert_true(utf8_ok(r->explain));
		/* The tie comes first, then the one "不计分：…" note. */
		assert_non_null(strstr(r->explain, "并列"));
		assert_non_null(strstr(r->explain, i ? "fgj" : "tjj"));
		assert_non_null(strstr(r->explain, "按其余指标折算"));
	}
	pub_free(p);
	scheme_free(s);

	/* Five indicators, none applicable: the explanation stays whole UTF-8
	 * and ends by saying the unit is not ranked. */
	s = scheme_ok("[scheme]\nyear = 2026\nname = x\n"
		      "[indicator fai]\nlabel = 1号手续\nmetric = approvals\nweight = 40\n"
		      "[indicator growth]\nlabel = 2号增速\nmetric = fai_growth\nweight = 20\n"
		      "[indicator starts]\nlabel = 3号新开工\nmetric = new_starts\nweight = 20\n"
		      "[indicator attraction]\nlabel = 4号招商\nmetric = attraction\nweight = 10\n"
		      "[indicator upward]\nlabel = 5号争取\nmetric = upward\nweight = 10\n"
		      "[grades]\n合格 = 60\n不合格 = 0\n");
	fx_init(&f, QUARTER, "2026-Q1", 1, "fgj");
	unit_fai(&f.u[0], YI(1), YI(1)); /* a target, but no indicator measures it */
	p = compute_ok(s, &f.in);
	r = p->results[0];
	assert_false(r->has_total);
	assert_int_equal(r->rank, 0);
	assert_true(utf8_ok(r->explain));
	assert_non_null(strstr(r->explain, "无可计分指标，不参与排名"));
	pub_free(p);
	scheme_free(s);
}

/* A shared value between -1 and -99 bp keeps its sign in the tie note:
 * two units at -5亿 of 1000亿 = -0.50%. */
static void test_tie_negative_explain(void **state)
{
	Scheme *s = scheme_ok(fai_only);
	Publication *p;
	struct fx f;
	(void)state;
	fx_init(&f, MONTH, "2026-04", 3, "aa", "bb", "cc");
	unit_fai(&f.u[0], -YI(5), YI(1000)); /* -5 / 1000 = -50 bp */
	unit_fai(&f.u[1], -YI(5), YI(1000));
	unit_fai(&f.u[2], -YI(15), YI(1000)); /* -150 bp: "-1.50%" */
	p = compute_ok(s, &f.in);
	assert_int_equal(res(p, "aa")->completion_bp, -50);
	assert_int_equal(res(p, "aa")->rank, 1);
	assert_int_equal(res(p, "bb")->rank, 1);
	assert_int_equal(res(p, "cc")->rank, 3);
	assert_non_null(strstr(res(p, "aa")->explain, "均为 -0.50%"));
	pub_free(p);
	/* below -1%: the sign is there */
	unit_fai(&f.u[0], -YI(15), YI(1000));
	p = compute_ok(s, &f.in);
	assert_non_null(strstr(res(p, "aa")->explain, "-1.50%"));
	pub_free(p);
	scheme_free(s);
}

/* ---- grades and the annual flags ---- */

static void test_annual(void **state)
{
	Scheme *s = scheme_ok(fai_only);
	Publication *p;
	struct fx f;
	const UnitResult *r;
	(void)state;
	fx_init(&f, YEAR, "2026", 6, "u1", "u2", "u3", "u4", "u5", "u6");
	/* with one FAI indicator of weight 100 the total is the completion:
	 * 100 * 100 * bp / 10000 = bp */
	unit_fai(&f.u[0], YI(95), YI(100)); /* 9500: 优秀 (>= 90) */
	f.u[0].acceptance_failed = 1;        /* ... but its acceptance failed */
	unit_fai(&f.u[1], YI(85), YI(100)); /* 8500: 良好 */
	unit_fai(&f.u[2], YI(60), YI(100)); /* 6000: 一般 exactly at the line */
	/* 11999 / 20000 = 5999.5 bp -> 6000 (half away from zero): 一般, tied with u3 */
	unit_fai(&f.u[3], 11999, 20000);
	unit_fai(&f.u[4], 5999, 10000);     /* 5999: 较差 (below 60.00) */
	unit_fai(&f.u[5], 0, YI(100));      /* 0: 较差 (the last band's 0 line) */
	p = compute_ok(s, &f.in);
	r = res(p, "u1");
	assert_int_equal(r->total_c, 9500);
	assert_string_equal(r->grade, "优秀");
	assert_int_equal(r->rank, 1);
	assert_int_equal(r->flags, ASSESS_FLAG_ACCEPTANCE_FAILED);
	assert_non_null(strstr(r->explain, "验收未通过"));
	r = res(p, "u2");
	assert_string_equal(r->grade, "良好");
	assert_int_equal(r->flags, 0);
	r = res(p, "u3");
	assert_int_equal(r->total_c, 6000);
	assert_string_equal(r->grade, "一般");
	assert_int_equal(r->rank, 3);
	assert_int_equal(r->tied, 2);
	assert_int_equal(r->flags, ASSESS_FLAG_ANNUAL_FAIR);
	assert_non_null(strstr(r->explain, "提醒谈话"));
	r = res(p, "u4");
	assert_int_equal(r->completion_bp, 6000);
	assert_int_equal(r->total_c, 6000);
	assert_string_equal(r->grade, "一般");
	assert_int_equal(r->rank, 3);
	assert_int_equal(r->flags, ASSESS_FLAG_ANNUAL_FAIR);
	r = res(p, "u5");
	assert_int_equal(r->total_c, 5999);
	assert_string_equal(r->grade, "较差");
	assert_int_equal(r->rank, 5);
	assert_int_equal(r->flags, ASSESS_FLAG_ANNUAL_POOR);
	assert_non_null(strstr(r->explain, "诫勉谈话"));
	/* the last of a year is not 月度/季度末位 */
	r = res(p, "u6");
	assert_int_equal(r->total_c, 0);
	assert_string_equal(r->grade, "较差");
	assert_int_equal(r->rank, 6);
	assert_int_equal(r->flags, ASSESS_FLAG_ANNUAL_POOR);
	/* order: 1 u1, 2 u2, 3 u3, 3 u4, 5 u5, 6 u6 */
	assert_string_equal(p->results[2]->unit_code, "u3");
	assert_string_equal(p->results[3]->unit_code, "u4");
	pub_free(p);

	/* a failed acceptance is flagged in any scope; 一般 in a quarter is not an
	 * annual flag */
	f.in.scope = QUARTER;
	snprintf(f.period, sizeof f.period, "2026-Q4");
	p = compute_ok(s, &f.in);
	assert_int_equal(res(p, "u1")->flags, ASSESS_FLAG_ACCEPTANCE_FAILED);
	assert_string_equal(res(p, "u3")->grade, "一般");
	assert_int_equal(res(p, "u3")->flags, 0);
	assert_int_equal(res(p, "u6")->flags, ASSESS_FLAG_LAST_QUARTER);
	pub_free(p);
	f.in.scope = MONTH;
	snprintf(f.period, sizeof f.period, "2026-12");
	p = compute_ok(s, &f.in);
	assert_int_equal(res(p, "u1")->flags, ASSESS_FLAG_ACCEPTANCE_FAILED);
	/* grades belong to the quarter and the year: a month has none */
	assert_string_equal(res(p, "u1")->grade, "");
	assert_int_equal(res(p, "u6")->flags, ASSESS_FLAG_LAST_MONTH);
	pub_free(p);
	scheme_free(s);
}

/* ---- two versions of a scheme ---- */

static void test_weights_changed(void **state)
{
	Scheme *v1 = scheme_ok(scheme_text(40, 10, 10, 10, 10, 10, 5, 5));
	Scheme *v2 = scheme_ok(scheme_text(30, 10, 10, 10, 10, 20, 5, 5));
	Publication *p1, *p2, *p1again;
	struct fx f;
	const UnitResult *r;
	(void)state;
	v1->version = 1;
	v2->version = 2;
	fx_init(&f, QUARTER, "2026-Q2", 2, "xx", "yy");
	/* xx: FAI 50亿 of 100亿 = 5000 bp; growth (50 - 40) / 40 = 2500 against
	 * 2500: full; new starts 1 of 2 = 5000; reports 13 of 13; the rest full */
	unit_full(&f.u[0]);
	f.u[0].fai_ytd_fen = YI(50), f.u[0].fai_base_fen = YI(40);
	f.u[0].new_starts = 1;
	/* yy: FAI 80亿 of 100亿 = 8000 bp; growth (80 - 64) / 64 = 2500: full;
	 * reports 10 of 13 on time, 3 late: 7692.3 -> 7692 bp, under the 80% step: 0 */
	unit_full(&f.u[1]);
	f.u[1].fai_ytd_fen = YI(80), f.u[1].fai_base_fen = YI(64);
	f.u[1].reports_on_time = 10, f.u[1].reports_late = 3;

	p1 = compute_ok(v1, &f.in);
	assert_int_equal(p1->scheme_version, 1);
	/* v1 xx: 40*100*0.5 = 2000, growth 1000, starts 10*100*0.5 = 500,
	 * attraction 1000, upward 1000, timeliness 1000, approvals 500, stats 500
	 * = 7500 (75.00: 一般) */
	r = res(p1, "xx");
	assert_int_equal(r->scores_c[I_FAI], 2000);
	assert_int_equal(r->scores_c[I_STARTS], 500);
	assert_int_equal(r->scores_c[I_TIME], 1000);
	assert_int_equal(r->total_c, 7500);
	assert_string_equal(r->grade, "一般");
	assert_int_equal(r->rank, 2);
	assert_int_equal(r->flags, ASSESS_FLAG_LAST_QUARTER);
	/* v1 yy: 40*100*0.8 = 3200 + 1000 + 1000 + 1000 + 1000 + 0 + 500 + 500
	 * = 8200 (82.00: 良好) */
	r = res(p1, "yy");
	assert_int_equal(r->scores_c[I_FAI], 3200);
	assert_int_equal(r->scores_c[I_TIME], 0);
	assert_int_equal(r->total_c, 8200);
	assert_string_equal(r->grade, "良好");
	assert_int_equal(r->rank, 1);
	assert_int_equal(r->flags, ASSESS_FLAG_LATE_REPORTS);

	p2 = compute_ok(v2, &f.in);
	assert_int_equal(p2->scheme_version, 2);
	assert_int_equal(p2->indicators[I_FAI]->weight, 30);
	assert_int_equal(p2->indicators[I_TIME]->weight, 20);
	/* v2 xx: 30*100*0.5 = 1500 + 1000 + 500 + 1000 + 1000 + 20*100 = 2000
	 * + 500 + 500 = 8000 (80.00: 良好, exactly at the line) */
	r = res(p2, "xx");
	assert_int_equal(r->scores_c[I_FAI], 1500);
	assert_int_equal(r->scores_c[I_TIME], 2000);
	assert_int_equal(r->total_c, 8000);
	assert_string_equal(r->grade, "良好");
	assert_int_equal(r->rank, 1);
	assert_int_equal(r->flags, 0);
	/* v2 yy: 30*100*0.8 = 2400 + 1000 + 1000 + 1000 + 1000 + 0 + 500 + 500
	 * = 7400 (74.00: 一般), now last */
	r = res(p2, "yy");
	assert_int_equal(r->scores_c[I_FAI], 2400);
	assert_int_equal(r->total_c, 7400);
	assert_string_equal(r->grade, "一般");
	assert_int_equal(r->rank, 2);
	assert_int_equal(r->flags, ASSESS_FLAG_LATE_REPORTS | ASSESS_FLAG_LAST_QUARTER);
	assert_false(same_bytes(&p1->base, &p2->base));

	/* v1 again after v2 existed: byte for byte the first result */
	p1again = compute_ok(v1, &f.in);
	assert_true(same_bytes(&p1->base, &p1again->base));
	pub_free(p1);
	pub_free(p2);
	pub_free(p1again);
	scheme_free(v1);
	scheme_free(v2);
}

/* ---- determinism and the digest ---- */

static void test_determinism_digest(void **state)
{
	Scheme *s = scheme_ok(assess_scheme_example());
	Scheme *s2 = scheme_ok(scheme_text(30, 10, 10, 10, 10, 20, 5, 5));
	Publication *a, *b, *c;
	struct fx f;
	uint8_t da[ASSESS_DIGEST_LEN], db[ASSESS_DIGEST_LEN], dc[ASSESS_DIGEST_LEN];
	uint8_t mark[3] = {1, 2, 3};
	(void)state;
	fx_init(&f, QUARTER, "2026-Q2", 3, "cc", "aa", "bb");
	unit_full(&f.u[0]);
	unit_full(&f.u[1]);
	f.u[1].fai_ytd_fen = YI(77);
	unit_full(&f.u[2]);
	f.u[2].reports_on_time = 12, f.u[2].reports_missing = 1;

	a = compute_ok(s, &f.in);
	b = compute_ok(s, &f.in);
	assert_true(same_bytes(&a->base, &b->base));
	assert_int_equal(assess_digest(s, &f.in, a, da), BS_OK);
	assert_int_equal(assess_digest(s, &f.in, b, db), BS_OK);
	assert_memory_equal(da, db, ASSESS_DIGEST_LEN);

	/* the digest field itself is not hashed */
	b->digest.data = mark;
	b->digest.len = sizeof mark;
	assert_int_equal(assess_digest(s, &f.in, b, db), BS_OK);
	assert_memory_equal(da, db, ASSESS_DIGEST_LEN);
	b->digest.data = NULL;
	b->digest.len = 0;

	/* one fen more attraction for aa: (10^10 + 1) * 10000 / 10^10 = 10000.000001
	 * rounds to 10000 bp and scores the same 1000, and the amount is not
	 * part of a result: the results are the same bytes, but the inputs are
	 * bound by the digest too */
	f.u[1].attraction_fen += 1;
	c = compute_ok(s, &f.in);
	assert_true(same_bytes(&a->base, &c->base));
	assert_int_equal(assess_digest(s, &f.in, c, dc), BS_OK);
	assert_memory_not_equal(da, dc, ASSESS_DIGEST_LEN);
	pub_free(c);
	f.u[1].attraction_fen -= 1;

	/* one fen more FAI for aa: (77 * 10^10 + 1) * 10000 / 10^12 = 7700.00000001
	 * -> 7700 bp, the same scores, but fai_ytd_fen is shown in the result */
	f.u[1].fai_ytd_fen += 1;
	c = compute_ok(s, &f.in);
	assert_int_equal(res(c, "aa")->completion_bp, 7700);
	assert_int_equal(res(c, "aa")->total_c, res(a, "aa")->total_c);
	assert_false(same_bytes(&a->base, &c->base));
	assert_int_equal(assess_digest(s, &f.in, c, dc), BS_OK);
	assert_memory_not_equal(da, dc, ASSESS_DIGEST_LEN);
	pub_free(c);
	f.u[1].fai_ytd_fen -= 1;

	/* one report less on time (and one more missing) changes results and digest */
	f.u[0].reports_on_time = 12, f.u[0].reports_missing = 1;
	c = compute_ok(s, &f.in);
	assert_false(same_bytes(&a->base, &c->base));
	assert_int_equal(assess_digest(s, &f.in, c, dc), BS_OK);
	assert_memory_not_equal(da, dc, ASSESS_DIGEST_LEN);
	pub_free(c);
	f.u[0].reports_on_time = 13, f.u[0].reports_missing = 0;

	/* another as-of time */
	f.in.as_of_ms += 1;
	c = compute_ok(s, &f.in);
	assert_int_equal(assess_digest(s, &f.in, c, dc), BS_OK);
	assert_memory_not_equal(da, dc, ASSESS_DIGEST_LEN);
	pub_free(c);
	f.in.as_of_ms -= 1;

	/* another scheme */
	c = compute_ok(s2, &f.in);
	assert_int_equal(assess_digest(s2, &f.in, c, dc), BS_OK);
	assert_memory_not_equal(da, dc, ASSESS_DIGEST_LEN);
	pub_free(c);

	/* back to the first inputs: the first digest again */
	c = compute_ok(s, &f.in);
	assert_int_equal(assess_digest(s, &f.in, c, dc), BS_OK);
	assert_memory_equal(da, dc, ASSESS_DIGEST_LEN);
	pub_free(c);

	pub_free(a);
	pub_free(b);
	scheme_free(s);
	scheme_free(s2);
}

/* ---- inputs refused ---- */

static void test_inputs_refused(void **state)
{
	Scheme *s = scheme_ok(assess_scheme_example());
	Publication *p = NULL;
	struct fx f;
	(void)state;
#define REFUSED()                                                                  \
	do {                                                                       \
		p = NULL;                                                          \
		assert_int_equal(assess_compute(s, &f.in, &p), BS_E_INVAL);         \
		assert_null(p);                                                    \
	} while (0)
	fx_init(&f, MONTH, "2026-04", 1, "aa");
	unit_full(&f.u[0]);
	p = compute_ok(s, &f.in);
	pub_free(p);
	/* 13 due: 12 + 0 + 0 */
	f.u[0].reports_on_time = 12;
	REFUSED();
	/* 12 + 0 + 2 = 14 */
	f.u[0].reports_missing = 2;
	REFUSED();
	/* 12 + 0 + 1 = 13: fine */
	f.u[0].reports_missing = 1;
	p = compute_ok(s, &f.in);
	pub_free(p);
	/* a huge late count does not wrap around: 12 + 2^32-1 + 1 != 13 */
	f.u[0].reports_late = UINT32_MAX;
	REFUSED();
	f.u[0].reports_late = 0;
	/* approvals 3 on time of 2 due */
	f.u[0].approvals_on_time = 3;
	REFUSED();
	f.u[0].approvals_on_time = 2;
	/* stats 4 registered of 3 */
	f.u[0].stats_registered = 4;
	REFUSED();
	f.u[0].stats_registered = 3;
	/* a period that does not parse for the scope */
	snprintf(f.period, sizeof f.period, "2026-Q2");
	REFUSED();
	f.in.scope = QUARTER;
	p = compute_ok(s, &f.in);
	pub_free(p);
	snprintf(f.period, sizeof f.period, "2026-13");
	f.in.scope = MONTH;
	REFUSED();
	snprintf(f.period, sizeof f.period, "2026-04");
	f.in.scope = BAOSONG__V1__ASSESS_SCOPE__ASSESS_SCOPE_UNSPECIFIED;
	REFUSED();
	f.in.scope = MONTH;
	/* a unit without a code */
	f.code[0][0] = '\0';
	REFUSED();
	snprintf(f.code[0], sizeof f.code[0], "aa");
	p = compute_ok(s, &f.in);
	pub_free(p);
#undef REFUSED
	scheme_free(s);
}

/* ---- scheme text ---- */

static void test_scheme_example(void **state)
{
	Scheme *s = scheme_ok(assess_scheme_example());
	static const unsigned weights[N_EX] = {40, 10, 10, 10, 10, 10, 5, 5};
	char err[256];
	size_t i;
	(void)state;
	assert_int_equal(s->year, 2026);
	assert_int_equal(s->version, 0);
	assert_int_equal(s->created_at_ms, 0);
	assert_true(s->report_photo_required);
	assert_int_equal(s->report_kinds, 1);
	assert_int_equal(s->n_unit_types, 3);
	assert_int_equal(s->unit_types[0], BAOSONG__V1__UNIT_TYPE__UNIT_TOWNSHIP);
	assert_int_equal(s->unit_types[1], BAOSONG__V1__UNIT_TYPE__UNIT_DEPARTMENT);
	assert_int_equal(s->unit_types[2], BAOSONG__V1__UNIT_TYPE__UNIT_SOE);
	assert_int_equal(s->n_indicators, N_EX);
	for (i = 0; i < N_EX; i++)
		assert_int_equal(s->indicators[i]->weight, weights[i]);
	assert_string_equal(s->indicators[I_FAI]->code, "fai");
	assert_int_equal(s->indicators[I_FAI]->metric, BAOSONG__V1__METRIC__METRIC_FAI_COMPLETION);
	assert_int_equal(s->indicators[I_TIME]->rule, BAOSONG__V1__SCORE_RULE__SCORE_STEPS);
	assert_int_equal(s->indicators[I_TIME]->n_steps, 5);
	/* 100%:100, 95%:80, 90%:60, 80%:40, 0%:0 */
	assert_int_equal(s->indicators[I_TIME]->steps[1]->min_bp, 9500);
	assert_int_equal(s->indicators[I_TIME]->steps[1]->percent, 80);
	assert_int_equal(s->indicators[I_TIME]->steps[4]->min_bp, 0);
	assert_int_equal(s->n_grades, 4);
	assert_string_equal(s->grades[0]->label, "优秀");
	assert_int_equal(s->grades[0]->min_score_c, 9000);
	assert_int_equal(s->grades[3]->min_score_c, 0);
	assert_int_equal(assess_scheme_check(s, err, sizeof err), BS_OK);
	/* the check on a message changed by hand */
	s->indicators[I_APPR]->weight = 6; /* 101 */
	assert_int_equal(assess_scheme_check(s, err, sizeof err), BS_E_INVAL);
	assert_non_null(strstr(err, "100"));
	assert_non_null(strstr(err, "101"));
	s->indicators[I_APPR]->weight = 5;
	s->grades[3]->min_score_c = 100;
	assert_int_equal(assess_scheme_check(s, err, sizeof err), BS_E_INVAL);
	assert_non_null(strstr(err, "0"));
	scheme_free(s);
}

/* A small valid scheme; the error tests change one line of it. */
#define BASE_HEAD "[scheme]\nyear = 2026\nname = 测试\n"
#define BASE_FAI                                                                   \
	"[indicator fai]\nlabel = 完成率\nmetric = fai_completion\nweight = 60\n"      \
	"rule = linear\nfull = 100%\n"
#define BASE_TIME                                                                  \
	"[indicator timeliness]\nlabel = 按时报送\nmetric = timeliness\nweight = 40\n"  \
	"rule = steps\nsteps = 100%:100, 90%:50, 0%:0\n"
#define BASE_GRADES "[grades]\n优秀 = 90\n较差 = 0\n"

static void test_scheme_errors(void **state)
{
	char err[512];
	Scheme *s;
	(void)state;
	s = scheme_ok(BASE_HEAD BASE_FAI BASE_TIME BASE_GRADES);
	scheme_free(s);

	/* weights 60 + 30 = 90 */
	assert_int_equal(scheme_bad(BASE_HEAD BASE_FAI
				    "[indicator timeliness]\nlabel = 按时报送\nmetric = timeliness\n"
				    "weight = 30\n" BASE_GRADES, err, sizeof err),
			 BS_E_INVAL);
	assert_non_null(strstr(err, "100"));
	assert_non_null(strstr(err, "90"));
	/* 60 + 50 = 110 */
	scheme_bad(BASE_HEAD BASE_FAI
		   "[indicator timeliness]\nlabel = 按时报送\nmetric = timeliness\n"
		   "weight = 50\n" BASE_GRADES, err, sizeof err);
	assert_non_null(strstr(err, "100"));
	assert_non_null(strstr(err, "110"));

	/* unknown metric */
	assert_int_equal(scheme_bad(BASE_HEAD
				    "[indicator fai]\nlabel = 完成率\nmetric = fai_complete\n"
				    "weight = 60\n" BASE_TIME BASE_GRADES, err, sizeof err),
			 BS_E_INVAL);
	assert_non_null(strstr(err, "metric"));
	assert_non_null(strstr(err, "fai_complete"));
	/* no metric at all */
	scheme_bad(BASE_HEAD "[indicator fai]\nlabel = 完成率\nweight = 60\n" BASE_TIME
			     BASE_GRADES, err, sizeof err);
	assert_non_null(strstr(err, "metric"));

	/* steps not descending */
	assert_int_equal(scheme_bad(BASE_HEAD BASE_FAI
				    "[indicator timeliness]\nlabel = 按时报送\nmetric = timeliness\n"
				    "weight = 40\nrule = steps\nsteps = 90%:50, 100%:100, 0%:0\n"
				    BASE_GRADES, err, sizeof err),
			 BS_E_INVAL);
	assert_non_null(strstr(err, "从高到低"));
	/* equal steps are not descending either */
	scheme_bad(BASE_HEAD BASE_FAI
		   "[indicator timeliness]\nlabel = 按时报送\nmetric = timeliness\n"
		   "weight = 40\nrule = steps\nsteps = 90%:50, 90%:40\n" BASE_GRADES,
		   err, sizeof err);
	assert_non_null(strstr(err, "从高到低"));
	/* a step percent over 100 */
	scheme_bad(BASE_HEAD BASE_FAI
		   "[indicator timeliness]\nlabel = 按时报送\nmetric = timeliness\n"
		   "weight = 40\nrule = steps\nsteps = 100%:120, 0%:0\n" BASE_GRADES,
		   err, sizeof err);
	/* steps under rule linear */
	scheme_bad(BASE_HEAD BASE_FAI
		   "[indicator timeliness]\nlabel = 按时报送\nmetric = timeliness\n"
		   "weight = 40\nsteps = 100%:100, 0%:0\n" BASE_GRADES, err, sizeof err);
	assert_non_null(strstr(err, "linear"));
	/* rule steps without steps */
	scheme_bad(BASE_HEAD BASE_FAI
		   "[indicator timeliness]\nlabel = 按时报送\nmetric = timeliness\n"
		   "weight = 40\nrule = steps\n" BASE_GRADES, err, sizeof err);
	assert_non_null(strstr(err, "steps"));

	/* grades not ending at 0 */
	assert_int_equal(scheme_bad(BASE_HEAD BASE_FAI BASE_TIME
				    "[grades]\n优秀 = 90\n较差 = 10\n", err, sizeof err),
			 BS_E_INVAL);
	assert_non_null(strstr(err, "0"));
	assert_non_null(strstr(err, "最后一档"));
	/* grades not falling */
	scheme_bad(BASE_HEAD BASE_FAI BASE_TIME "[grades]\n良好 = 80\n优秀 = 90\n较差 = 0\n",
		   err, sizeof err);
	assert_non_null(strstr(err, "grades"));
	/* no grades */
	scheme_bad(BASE_HEAD BASE_FAI BASE_TIME, err, sizeof err);
	assert_non_null(strstr(err, "grades"));

	/* a duplicate indicator (another one between the two) */
	assert_int_equal(scheme_bad(BASE_HEAD BASE_FAI BASE_TIME
				    "[indicator fai]\nweight = 10\n" BASE_GRADES, err, sizeof err),
			 BS_E_INVAL);
	assert_non_null(strstr(err, "fai"));
	assert_non_null(strstr(err, "两次"));

	/* other mistakes */
	scheme_bad(BASE_HEAD BASE_FAI BASE_TIME BASE_GRADES "[extra]\na = b\n", err, sizeof err);
	assert_non_null(strstr(err, "extra"));
	scheme_bad(BASE_HEAD "colour = red\n" BASE_FAI BASE_TIME BASE_GRADES, err, sizeof err);
	assert_non_null(strstr(err, "colour"));
	scheme_bad("[scheme]\nyear = 1999\nname = 测试\n" BASE_FAI BASE_TIME BASE_GRADES, err,
		   sizeof err);
	assert_non_null(strstr(err, "year"));
	scheme_bad("[scheme]\nyear = 2026\n" BASE_FAI BASE_TIME BASE_GRADES, err, sizeof err);
	assert_non_null(strstr(err, "name"));
	scheme_bad(BASE_HEAD "[indicator fai]\nlabel = 完成率\nmetric = fai_completion\n"
			     "weight = 60\nfull = 100\n" BASE_TIME BASE_GRADES, err, sizeof err);
	assert_non_null(strstr(err, "full"));
	scheme_bad(BASE_HEAD "[indicator Fai]\nlabel = 完成率\nmetric = fai_completion\n"
			     "weight = 60\n" BASE_TIME BASE_GRADES, err, sizeof err);
	scheme_bad(BASE_HEAD "[indicator fai]\nlabel = 完成率\nmetric = fai_completion\n"
			     "weight = 0\n[indicator t2]\nlabel = 报送\nmetric = timeliness\n"
			     "weight = 100\n" BASE_GRADES, err, sizeof err);
	assert_non_null(strstr(err, "1 至 100"));
	scheme_bad(BASE_HEAD BASE_FAI BASE_TIME "[grades]\n优秀 = 九十\n较差 = 0\n", err,
		   sizeof err);
	scheme_bad(BASE_HEAD BASE_FAI BASE_TIME BASE_GRADES "no equals sign here\n", err,
		   sizeof err);
	assert_non_null(strstr(err, "行"));
	scheme_bad(BASE_HEAD "units = township,castle\n" BASE_FAI BASE_TIME BASE_GRADES, err,
		   sizeof err);
	assert_non_null(strstr(err, "castle"));
	{
		/* a NUL byte inside the text */
		static const char nul[] = "[scheme]\nyear = 2026\0\nname = x\n";
		Scheme *t = NULL;
		assert_int_equal(assess_scheme_parse(nul, sizeof nul - 1, &t, err, sizeof err),
				 BS_E_INVAL);
		assert_null(t);
	}
	{
		/* over the size limit */
		size_t n = ASSESS_SCHEME_TEXT_MAX + 1;
		char *big = malloc(n);
		Scheme *t = NULL;
		assert_non_null(big);
		memset(big, ';', n);
		assert_int_equal(assess_scheme_parse(big, n, &t, err, sizeof err), BS_E_TOOBIG);
		assert_null(t);
		free(big);
	}
}

/* A duplicate [indicator X] is refused also directly after the first one
 * or with another section in between. */
static void test_scheme_duplicate_adjacent(void **state)
{
	char err[256];
	(void)state;
	assert_int_equal(scheme_bad(BASE_HEAD BASE_FAI "[indicator fai]\nlabel = 另一个完成率\n"
				    "weight = 60\n" BASE_TIME BASE_GRADES, err, sizeof err),
			 BS_E_INVAL);
	assert_non_null(strstr(err, "两次"));
	assert_int_equal(scheme_bad(BASE_HEAD BASE_FAI BASE_GRADES "[indicator fai]\nlabel = 又一个\n"
				    BASE_TIME, err, sizeof err),
			 BS_E_INVAL);
	assert_non_null(strstr(err, "两次"));
}

static void round_trip(const char *text)
{
	Scheme *a = scheme_ok(text), *b;
	char *t1 = assess_scheme_format(a), *t2;
	assert_non_null(t1);
	b = scheme_ok(t1);
	assert_true(same_bytes(&a->base, &b->base));
	/* and the text is stable */
	t2 = assess_scheme_format(b);
	assert_non_null(t2);
	assert_string_equal(t1, t2);
	free(t1);
	free(t2);
	scheme_free(a);
	scheme_free(b);
}

static void test_scheme_round_trip(void **state)
{
	Scheme *s;
	char *t;
	(void)state;
	round_trip(assess_scheme_example());
	round_trip(scheme_text(30, 10, 10, 10, 10, 20, 5, 5));
	round_trip(fai_only);
	/* fractions, a negative step, a note, another unit list, both report kinds,
	 * photos not required, a BOM */
	round_trip("\xEF\xBB\xBF[scheme]\nyear = 2027\nname = 二〇二七年办法\n"
		   "note = 提高常态化督导权重\nreport_photo_required = no\n"
		   "reports = weekly,monthly\nunits = bureau,soe\n"
		   "[indicator growth]\nlabel = 增速\nmetric = fai_growth\nweight = 33\n"
		   "rule = steps\nsteps = 100%:100, 55.5%:70, 0%:20, -10.25%:5\n"
		   "[indicator fai]\nlabel = 完成率\nmetric = fai_completion\nweight = 67\n"
		   "full = 95.5%\n"
		   "[grades]\n优秀 = 92.5\n合格 = 60.05\n不合格 = 0\n");
	/* what format writes */
	s = scheme_ok(assess_scheme_example());
	t = assess_scheme_format(s);
	assert_non_null(t);
	assert_non_null(strstr(t, "[indicator fai]\n"));
	assert_non_null(strstr(t, "weight = 40\n"));
	assert_non_null(strstr(t, "steps = 100%:100, 95%:80, 90%:60, 80%:40, 0%:0\n"));
	assert_non_null(strstr(t, "一般 = 60\n"));
	assert_non_null(strstr(t, "units = township,department,soe\n"));
	free(t);
	scheme_free(s);
	s = scheme_ok("[scheme]\nyear = 2027\nname = x\n"
		      "[indicator g]\nlabel = g\nmetric = fai_growth\nweight = 100\n"
		      "rule = steps\nsteps = 55.5%:70, -10.25%:5\n[grades]\n合格 = 60.05\n不合格 = 0\n");
	assert_int_equal(s->indicators[0]->steps[0]->min_bp, 5550);
	assert_int_equal(s->indicators[0]->steps[1]->min_bp, -1025);
	assert_int_equal(s->grades[0]->min_score_c, 6005);
	t = assess_scheme_format(s);
	assert_non_null(strstr(t, "steps = 55.50%:70, -10.25%:5\n"));
	assert_non_null(strstr(t, "合格 = 60.05\n"));
	free(t);
	scheme_free(s);
}

/* A note or name too long for one INI line is refused by the check, so
 * every scheme that is stored formats to text that reads back. */
static void test_scheme_long_line(void **state)
{
	char text[2048], note[601], err[256];
	Scheme *s, *t = NULL;
	char *f;
	size_t i;
	(void)state;
	for (i = 0; i < 200; i++)
		memcpy(note + 3 * i, "说", 3); /* 600 bytes, 200 characters */
	note[600] = '\0';
	s = scheme_ok(fai_only);
	free(s->note == protobuf_c_empty_string ? NULL : s->note);
	s->note = strdup(note);
	assert_non_null(s->note);
	assert_int_equal(assess_scheme_check(s, err, sizeof err), BS_E_INVAL);
	assert_non_null(strstr(err, "note"));
	note[180] = '\0'; /* 60 characters: the longest allowed */
	free(s->note);
	s->note = strdup(note);
	assert_int_equal(assess_scheme_check(s, err, sizeof err), BS_OK);
	f = assess_scheme_format(s);
	assert_non_null(f);
	assert_true(strlen(f) < sizeof text);
	snprintf(text, sizeof text, "%s", f);
	assert_int_equal(assess_scheme_parse(text, strlen(text), &t, err, sizeof err), BS_OK);
	assert_string_equal(t->note, note);
	free(f);
	scheme_free(t);
	scheme_free(s);
}

/* ---- periods ---- */

static void test_span(void **state)
{
	struct assess_span sp;
	static const struct {
		int scope;
		const char *text;
	} bad[] = {
		{MONTH, "2026-13"}, {MONTH, "2026-00"}, {MONTH, "2026-4"}, {MONTH, "2026-04 "},
		{MONTH, "2026/04"}, {MONTH, "2026-Q1"}, {MONTH, "2026"}, {MONTH, "1999-12"},
		{QUARTER, "2026-Q5"}, {QUARTER, "2026-Q0"}, {QUARTER, "2026-q1"},
		{QUARTER, "2026-04"}, {QUARTER, "2026-Q12"},
		{WEEK, "2026-W54"}, {WEEK, "2026-W00"}, {WEEK, "2025-W53"}, {WEEK, "2026-W1"},
		{WEEK, "2026-w14"}, {WEEK, "2026-04"},
		{YEAR, "20266"}, {YEAR, "26"}, {YEAR, "1999"}, {YEAR, "2201"}, {YEAR, "2026-"},
		{YEAR, ""}, {YEAR, "abcd"},
		{0, "2026"}, {5, "2026"},
	};
	size_t i;
	(void)state;
	/* 2026-01-01 is day 20454: 56 years * 365 + 14 leap days (1972 ... 2024) */
	assert_int_equal(assess_span_parse(YEAR, "2026", &sp), BS_OK);
	assert_int_equal(sp.scope, YEAR);
	assert_int_equal(sp.year, 2026);
	assert_int_equal(sp.first_day, 20454);
	assert_int_equal(sp.last_day, 20454 + 364); /* 2026-12-31 = 20818 */
	assert_int_equal(sp.month, 0);
	assert_int_equal(sp.quarter, 0);
	/* April: 20454 + 31 + 28 + 31 = 20544 (04-01) to 20544 + 29 = 20573 (04-30) */
	assert_int_equal(assess_span_parse(MONTH, "2026-04", &sp), BS_OK);
	assert_int_equal(sp.month, 4);
	assert_int_equal(sp.first_day, 20544);
	assert_int_equal(sp.last_day, 20573);
	/* December: 12-01 = 20818 - 30 = 20788 to 20818 */
	assert_int_equal(assess_span_parse(MONTH, "2026-12", &sp), BS_OK);
	assert_int_equal(sp.first_day, 20788);
	assert_int_equal(sp.last_day, 20818);
	/* February of the leap year 2028: 2028-01-01 = 20454 + 365 + 365 = 21184;
	 * 02-01 = 21215, 02-29 = 21243 */
	assert_int_equal(assess_span_parse(MONTH, "2028-02", &sp), BS_OK);
	assert_int_equal(sp.first_day, 21215);
	assert_int_equal(sp.last_day, 21243);
	/* Q1: 01-01 = 20454 to 03-31 = 20454 + 31 + 28 + 31 - 1 = 20543 */
	assert_int_equal(assess_span_parse(QUARTER, "2026-Q1", &sp), BS_OK);
	assert_int_equal(sp.quarter, 1);
	assert_int_equal(sp.month, 0);
	assert_int_equal(sp.first_day, 20454);
	assert_int_equal(sp.last_day, 20543);
	/* Q4: 10-01 = 20454 + 273 = 20727 to 12-31 = 20818 */
	assert_int_equal(assess_span_parse(QUARTER, "2026-Q4", &sp), BS_OK);
	assert_int_equal(sp.quarter, 4);
	assert_int_equal(sp.first_day, 20727);
	assert_int_equal(sp.last_day, 20818);
	/* 2026-01-01 (20454, 20454 % 7 = 0: a Thursday like 1970-01-01) is in
	 * week 1, whose Monday is 2025-12-29 = 20451; W14's Monday is
	 * 20451 + 13 * 7 = 20542 (2026-03-30), its Sunday 20548 */
	assert_int_equal(assess_span_parse(WEEK, "2026-W14", &sp), BS_OK);
	assert_int_equal(sp.year, 2026);
	assert_int_equal(sp.first_day, 20542);
	assert_int_equal(sp.last_day, 20548);
	assert_int_equal(assess_span_parse(WEEK, "2026-W01", &sp), BS_OK);
	assert_int_equal(sp.first_day, 20451);
	/* 2026 starts on a Thursday, so it has 53 ISO weeks: W53's Monday is
	 * 20451 + 52 * 7 = 20815 (2026-12-28) */
	assert_int_equal(assess_span_parse(WEEK, "2026-W53", &sp), BS_OK);
	assert_int_equal(sp.first_day, 20815);
	assert_int_equal(sp.last_day, 20821);
	/* refused, and *out untouched */
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&sp, 0x5a, sizeof sp);
		if (assess_span_parse(bad[i].scope, bad[i].text, &sp) != BS_E_INVAL)
			fail_msg("scope %d \"%s\" accepted", bad[i].scope, bad[i].text);
		assert_int_equal(sp.year, 0x5a5a5a5a);
	}
	assert_int_equal(assess_span_parse(MONTH, NULL, &sp), BS_E_INVAL);
}

static void test_names(void **state)
{
	unsigned b;
	(void)state;
	assert_int_equal(assess_scope_parse("month"), MONTH);
	assert_int_equal(assess_scope_parse("月"), MONTH);
	assert_int_equal(assess_scope_parse("季"), QUARTER);
	assert_int_equal(assess_scope_parse("year"), YEAR);
	assert_int_equal(assess_scope_parse("week"), WEEK);
	assert_int_equal(assess_scope_parse("day"), 0);
	assert_int_equal(assess_scope_parse(NULL), 0);
	assert_string_equal(assess_scope_name(QUARTER), "quarter");
	assert_string_equal(assess_scope_label(YEAR), "年考核");
	for (b = 0; b < ASSESS_FLAG_COUNT; b++)
		assert_non_null(assess_flag_label(b));
	assert_null(assess_flag_label(ASSESS_FLAG_COUNT));
	assert_non_null(strstr(assess_flag_label(1), "约谈"));
}

/* ---- 加分项 / 扣分项, bottom rules, growth "full at", 施行日期 (engine 2) ---- */

static const char fai_adjust[] =
	"[scheme]\nyear = 2026\nname = 加减分考核\neffective = 2026-01-01\n"
	"[indicator fai]\nlabel = 完成率\nmetric = fai_completion\nweight = 100\n"
	"[adjust central_budget]\nlabel = 争取中央预算内资金\npoints = 2\ncap = 4\n"
	"[adjust criticized]\nlabel = 通报批评\npoints = -3\ncap = 5\n"
	"[grades]\n优秀 = 90\n良好 = 80\n一般 = 60\n较差 = 0\n";

static Baosong__V1__AdjustCount adj_store[8];
static Baosong__V1__AdjustCount *adj_ptr[NU_MAX][4];

static void give(struct fx *f, size_t u, size_t slot, const char *item, uint32_t count)
{
	static size_t used;
	Baosong__V1__AdjustCount *c = &adj_store[used++ % 8];
	baosong__v1__adjust_count__init(c);
	c->item = (char *)item;
	c->count = count;
	adj_ptr[u][slot] = c;
	f->u[u].adjustments = adj_ptr[u];
	f->u[u].n_adjustments = slot + 1;
}

/* +2 each up to 4, -3 each up to 5: counted into the total, held within
 * the caps, said in the explanation; a quarterly ranking ranks by it. */
static void test_adjustments_capped(void **state)
{
	Scheme *s = scheme_ok(fai_adjust);
	Publication *p;
	struct fx f;
	const UnitResult *r;
	(void)state;
	fx_init(&f, QUARTER, "2026-Q2", 3, "aa", "bb", "cc");
	unit_fai(&f.u[0], YI(80), YI(100)); /* 80.00 */
	unit_fai(&f.u[1], YI(80), YI(100)); /* 80.00 + 3 x 2 = +6 capped at +4 -> 84.00 */
	unit_fai(&f.u[2], YI(90), YI(100)); /* 90.00 - 2 x 3 = -6 capped at -5 -> 85.00, +2 -> 87 */
	give(&f, 1, 0, "central_budget", 3);
	give(&f, 2, 0, "criticized", 2);
	give(&f, 2, 1, "central_budget", 0); /* 0 counts as one occurrence */
	p = compute_ok(s, &f.in);
	r = res(p, "bb");
	assert_int_equal(r->adjust_c, 400);
	assert_int_equal(r->total_c, 8400);
	assert_non_null(strstr(r->explain, "加分：争取中央预算内资金 3 次 +4.00 分（封顶 4.00 分）"));
	r = res(p, "cc");
	assert_int_equal(r->adjust_c, -300);
	assert_int_equal(r->total_c, 8700);
	assert_non_null(strstr(r->explain, "扣分：通报批评 2 次 -5.00 分（封顶 5.00 分）"));
	assert_non_null(strstr(r->explain, "加分：争取中央预算内资金 1 次 +2.00 分"));
	assert_int_equal(r->rank, 1);
	assert_int_equal(res(p, "bb")->rank, 2);
	r = res(p, "aa");
	assert_int_equal(r->adjust_c, 0);
	assert_int_equal(r->total_c, 8000);
	assert_int_equal(r->rank, 3);
	/* the items travel with the publication */
	assert_int_equal(p->n_adjust_items, 2);
	assert_string_equal(p->adjust_items[1]->label, "通报批评");
	pub_free(p);
	/* an item the scheme does not have counts nothing */
	give(&f, 0, 0, "unknown_item", 5);
	p = compute_ok(s, &f.in);
	assert_int_equal(res(p, "aa")->total_c, 8000);
	pub_free(p);
	scheme_free(s);

	/* a cap must be given and positive, points not 0 */
	{
		char err[256];
		scheme_bad("[scheme]\nyear = 2026\nname = x\n[indicator fai]\nlabel = 完成率\n"
			   "metric = fai_completion\nweight = 100\n[adjust a]\nlabel = 加\npoints = 2\n"
			   "[grades]\n合格 = 0\n", err, sizeof err);
		assert_non_null(strstr(err, "cap"));
		scheme_bad("[scheme]\nyear = 2026\nname = x\n[indicator fai]\nlabel = 完成率\n"
			   "metric = fai_completion\nweight = 100\n[adjust a]\nlabel = 加\npoints = 0\n"
			   "cap = 2\n[grades]\n合格 = 0\n", err, sizeof err);
		assert_non_null(strstr(err, "points"));
	}
}

/* Bottom rules from the scheme: the last 2 of a quarter, anyone below 60
 * in a year, per scope, with the consequence text; none for the month
 * once the scheme has rules of its own. */
static void test_bottom_rules(void **state)
{
	Scheme *s = scheme_ok("[scheme]\nyear = 2026\nname = 末位规则\n"
			      "[indicator fai]\nlabel = 完成率\nmetric = fai_completion\nweight = 100\n"
			      "[bottom quarter]\nlast = 2\nconsequence = 约谈\n"
			      "[bottom year]\nbelow = 60\nconsequence = 诫勉谈话\n"
			      "[grades]\n优秀 = 90\n良好 = 80\n一般 = 60\n较差 = 0\n");
	Publication *p;
	struct fx f;
	(void)state;
	assert_int_equal(s->n_bottom_rules, 2);
	fx_init(&f, QUARTER, "2026-Q2", 5, "a1", "a2", "a3", "a4", "nt");
	unit_fai(&f.u[0], YI(95), YI(100));
	unit_fai(&f.u[1], YI(70), YI(100));
	unit_fai(&f.u[2], YI(50), YI(100));
	unit_fai(&f.u[3], YI(50), YI(100)); /* ties a3: both in the last two */
	f.u[4].fai_ytd_fen = YI(1);         /* no target: never flagged */
	p = compute_ok(s, &f.in);
	assert_int_equal(res(p, "a1")->flags, 0);
	assert_int_equal(res(p, "a2")->flags, 0);
	assert_int_equal(res(p, "a3")->flags, ASSESS_FLAG_LAST_QUARTER);
	assert_int_equal(res(p, "a4")->flags, ASSESS_FLAG_LAST_QUARTER);
	assert_string_equal(res(p, "a3")->bottom, "约谈");
	assert_non_null(strstr(res(p, "a4")->explain, "季评比末位：约谈"));
	assert_int_equal(res(p, "nt")->flags & ASSESS_FLAG_LAST_QUARTER, 0);
	pub_free(p);
	/* without the tie: the last two are a2 (70) and a3 (50)... a4 better */
	unit_fai(&f.u[3], YI(99), YI(100));
	p = compute_ok(s, &f.in);
	assert_int_equal(res(p, "a2")->flags, ASSESS_FLAG_LAST_QUARTER);
	assert_int_equal(res(p, "a3")->flags, ASSESS_FLAG_LAST_QUARTER);
	assert_int_equal(res(p, "a1")->flags, 0);
	pub_free(p);
	/* the year: below 60 (a3 at 50) */
	f.in.scope = YEAR;
	snprintf(f.period, sizeof f.period, "2026");
	p = compute_ok(s, &f.in);
	assert_int_equal(res(p, "a3")->flags, ASSESS_FLAG_BOTTOM | ASSESS_FLAG_ANNUAL_POOR);
	assert_string_equal(res(p, "a3")->bottom, "诫勉谈话");
	assert_int_equal(res(p, "a2")->flags & ASSESS_FLAG_BOTTOM, 0);
	pub_free(p);
	/* the month: the scheme has rules, none for months: nobody */
	f.in.scope = MONTH;
	snprintf(f.period, sizeof f.period, "2026-04");
	p = compute_ok(s, &f.in);
	assert_int_equal(res(p, "a3")->flags & ASSESS_FLAG_LAST_MONTH, 0);
	pub_free(p);
	round_trip("[scheme]\nyear = 2026\nname = 末位规则\neffective = 2026-07-01\n"
		   "[indicator fai]\nlabel = 完成率\nmetric = fai_completion\nweight = 50\n"
		   "[indicator growth]\nlabel = 增速\nmetric = fai_growth\nweight = 50\n"
		   "growth_full = 15%\n"
		   "[adjust central_budget]\nlabel = 争取中央预算内资金\npoints = 2\ncap = 4\n"
		   "[adjust criticized]\nlabel = 通报批评\npoints = -3.5\ncap = 7\n"
		   "[bottom quarter]\nlast = 1\nconsequence = 约谈\n"
		   "[bottom year]\nlast = 0\nbelow = 60.5\nconsequence = 诫勉谈话\n"
		   "[grades]\n优秀 = 90\n较差 = 0\n");
	scheme_free(s);
}

/* Growth against a county-wide "full at 15%" when a unit has no growth
 * target; a unit's own target wins. */
static void test_growth_full(void **state)
{
	Scheme *s = scheme_ok("[scheme]\nyear = 2026\nname = 增速\n"
			      "[indicator growth]\nlabel = 同比增速\nmetric = fai_growth\n"
			      "weight = 100\ngrowth_full = 15%\n[grades]\n合格 = 0\n");
	Publication *p;
	struct fx f;
	(void)state;
	fx_init(&f, QUARTER, "2026-Q2", 2, "a", "b");
	/* a: growth (115 - 100) / 100 = 15% of 15% -> 100.00 */
	unit_fai(&f.u[0], YI(115), YI(200));
	f.u[0].fai_base_fen = YI(100), f.u[0].has_base = 1;
	/* b: 7.5% of its own 30% -> 25.00 */
	unit_fai(&f.u[1], INT64_C(1075000000000), YI(200));
	f.u[1].fai_base_fen = YI(100), f.u[1].has_base = 1;
	f.u[1].growth_target_bp = 3000, f.u[1].has_growth_target = 1;
	p = compute_ok(s, &f.in);
	assert_int_equal(res(p, "a")->total_c, 10000);
	assert_int_equal(res(p, "b")->total_c, 2500);
	pub_free(p);
	scheme_free(s);
}

/* Attraction funds: completion rate and year on year. */
static void test_attraction_rates(void **state)
{
	Scheme *s = scheme_ok(assess_scheme_example());
	Publication *p;
	struct fx f;
	const UnitResult *r;
	(void)state;
	fx_init(&f, QUARTER, "2026-Q2", 1, "a");
	unit_full(&f.u[0]);
	f.u[0].attraction_fen = INT64_C(6000000000);      /* 0.6亿 of 1亿 */
	f.u[0].attraction_base_fen = INT64_C(4000000000); /* 0.4亿 last year: +50% */
	p = compute_ok(s, &f.in);
	r = res(p, "a");
	assert_true(r->has_attraction);
	assert_int_equal(r->attraction_bp, 6000);
	assert_true(r->has_attraction_growth);
	assert_int_equal(r->attraction_growth_bp, 5000);
	pub_free(p);
	scheme_free(s);
}

static Scheme *version(const char *eff, uint32_t v, int64_t created_ms)
{
	char text[1024];
	Scheme *s;
	snprintf(text, sizeof text, "[scheme]\nyear = 2026\nname = v\n%s%s%s"
		 "[indicator fai]\nlabel = 完成率\nmetric = fai_completion\nweight = 100\n"
		 "[grades]\n合格 = 0\n", eff ? "effective = " : "", eff ? eff : "", eff ? "\n" : "");
	s = scheme_ok(text);
	s->version = v;
	s->created_at_ms = created_ms;
	return s;
}

/* Which version is in force on a day. */
static void test_scheme_in_force(void **state)
{
	/* v1 (no date: 1 January), v2 from 2026-07-01, v3 stored 2026-05-20
	 * 10:00 Beijing without a date (in force from that day), v4 again
	 * from 2026-07-01 (a correction of v2). */
	Scheme *v[4];
	int64_t d;
	(void)state;
	v[0] = version(NULL, 1, 0);
	v[1] = version("2026-07-01", 2, INT64_C(1778000000000));
	v[2] = version(NULL, 3, INT64_C(1779242400000)); /* 2026-05-20T02:00:00Z */
	v[3] = version("2026-07-01", 4, INT64_C(1779300000000));
	assert_int_equal(period_parse_date("2026-04-01", &d), BS_OK);
	assert_int_equal(assess_scheme_in_force((const Scheme *const *)v, 4, d), 0);
	assert_int_equal(period_parse_date("2026-05-20", &d), BS_OK);
	assert_int_equal(assess_scheme_in_force((const Scheme *const *)v, 4, d), 2);
	assert_int_equal(period_parse_date("2026-07-01", &d), BS_OK);
	assert_int_equal(assess_scheme_in_force((const Scheme *const *)v, 4, d), 3);
	assert_int_equal(assess_scheme_in_force((const Scheme *const *)v, 2, d), 1);
	/* before every version took effect: the first to take effect */
	assert_int_equal(period_parse_date("2026-01-01", &d), BS_OK);
	assert_int_equal(assess_scheme_in_force((const Scheme *const *)&v[1], 3, d), 1);
	for (d = 0; d < 4; d++)
		scheme_free(v[d]);
	{
		char err[256];
		scheme_bad("[scheme]\nyear = 2026\nname = x\neffective = 2027-01-01\n"
			   "[indicator fai]\nlabel = 完成率\nmetric = fai_completion\nweight = 100\n"
			   "[grades]\n合格 = 0\n", err, sizeof err);
		assert_non_null(strstr(err, "施行日期"));
		scheme_bad("[scheme]\nyear = 2026\nname = x\neffective = 7月1日\n"
			   "[indicator fai]\nlabel = 完成率\nmetric = fai_completion\nweight = 100\n"
			   "[grades]\n合格 = 0\n", err, sizeof err);
		assert_non_null(strstr(err, "effective"));
	}
}

/* Explanations name units by their names (engine 2), by code only when a
 * unit has no name; engine 1 named them by code. */
static void test_explain_names(void **state)
{
	Scheme *s = scheme_ok(fai_only);
	Publication *p;
	struct fx f;
	(void)state;
	fx_init(&f, QUARTER, "2026-Q2", 3, "xinzhen", "dongguan", "jtj");
	unit_fai(&f.u[0], YI(50), YI(100));
	unit_fai(&f.u[1], YI(50), YI(100));
	unit_fai(&f.u[2], YI(50), YI(100));
	f.u[0].unit_name = "新镇";
	f.u[1].unit_name = "东关街道";
	p = compute_ok(s, &f.in);
	assert_non_null(strstr(res(p, "xinzhen")->explain, "与 东关街道、jtj 并列第 1 名"));
	assert_non_null(strstr(res(p, "jtj")->explain, "与 东关街道、新镇 并列第 1 名"));
	assert_null(strstr(res(p, "jtj")->explain, "xinzhen"));
	pub_free(p);
	assert_int_equal(assess_compute_engine(s, &f.in, 1, &p), BS_OK);
	assert_non_null(strstr(res(p, "xinzhen")->explain, "与 dongguan、jtj 并列第 1 名"));
	pub_free(p);
	scheme_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ratio_bp),
		cmocka_unit_test(test_worked_2404),
		cmocka_unit_test(test_large_values),
		cmocka_unit_test(test_ratio_overflow),
		cmocka_unit_test(test_linear_scores),
		cmocka_unit_test(test_missing_report_steps),
		cmocka_unit_test(test_late_report),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_tie_after_rounding),
		cmocka_unit_test(test_tie_last_place),
		cmocka_unit_test(test_no_target_month),
		cmocka_unit_test(test_no_target_quarter),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_zero_base),
		cmocka_unit_test(test_nothing_applies),
		cmocka_unit_test(test_explain_long),
		cmocka_unit_test(test_tie_negative_explain),
		cmocka_unit_test(test_annual),
		cmocka_unit_test(test_weights_changed),
		cmocka_unit_test(test_determinism_digest),
		cmocka_unit_test(test_inputs_refused),
		cmocka_unit_test(test_scheme_example),
		cmocka_unit_test(test_scheme_errors),
		cmocka_unit_test(test_scheme_duplicate_adjacent),
		cmocka_unit_test(test_scheme_round_trip),
		cmocka_unit_test(test_scheme_long_line),
		cmocka_unit_test(test_span),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_adjustments_capped),
		cmocka_unit_test(test_bottom_rules),
		cmocka_unit_test(test_growth_full),
		cmocka_unit_test(test_attraction_rates),
		cmocka_unit_test(test_scheme_in_force),
		cmocka_unit_test(test_explain_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
