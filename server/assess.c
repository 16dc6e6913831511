/* assess.c - the assessment engine: schemes as data (INI text <-> Scheme),
 * scores, totals, ranks, grades and flags, with integer arithmetic only.
 * The rules are written out with worked examples in docs/ASSESSMENT.md. */
#include "assess.h"
#include "assess_int.h"

#include <ini.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "period.h"

__extension__ typedef __int128 i128;

typedef Baosong__V1__Scheme Scheme;
typedef Baosong__V1__Indicator Indicator;
typedef Baosong__V1__GradeBand GradeBand;
typedef Baosong__V1__ScoreStep ScoreStep;
typedef Baosong__V1__AssessInputs AssessInputs;
typedef Baosong__V1__UnitInput UnitInput;
typedef Baosong__V1__UnitResult UnitResult;
typedef Baosong__V1__Publication Publication;
typedef Baosong__V1__AdjustItem AdjustItem;
typedef Baosong__V1__BottomRule BottomRule;

#define EXPLAIN_MAX 1024
#define BP_CAP 1000000000000000LL   /* ratios are kept within ±10^15 bp */

/* ---- small things ---- */

static const char *const flag_labels[ASSESS_FLAG_COUNT] = {
	"月度末位：会上表态发言",
	"季度末位：约谈",
	"年度考核“一般”：提醒谈话",
	"年度考核“较差”：诫勉谈话",
	"项目考核验收未通过：取消评优奖励",
	"未下达投资目标",
	"有缺报",
	"有迟报",
	"末位（按考核办法）",
};

const char *assess_flag_label(unsigned bit)
{
	return bit < ASSESS_FLAG_COUNT ? flag_labels[bit] : NULL;
}

static const struct {
	const char *en, *zh, *label;
} scopes[] = {
	[BAOSONG__V1__ASSESS_SCOPE__ASSESS_WEEK] = {"week", "周", "周通报"},
	[BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH] = {"month", "月", "月通报"},
	[BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER] = {"quarter", "季", "季评比"},
	[BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR] = {"year", "年", "年考核"},
};
#define N_SCOPES ((int)(sizeof scopes / sizeof scopes[0]))

int assess_scope_parse(const char *text)
{
	int i;
	for (i = 1; text && i < N_SCOPES; i++)
		if (!strcmp(text, scopes[i].en) || !strcmp(text, scopes[i].zh) ||
		    !strcmp(text, scopes[i].label))
			return i;
	return 0;
}

const char *assess_scope_name(int scope)
{
	return scope > 0 && scope < N_SCOPES ? scopes[scope].en : "?";
}

const char *assess_scope_label(int scope)
{
	return scope > 0 && scope < N_SCOPES ? scopes[scope].label : "?";
}

static int digits(const char *s, size_t n, int *out)
{
	int v = 0;
	size_t i;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int assess_span_parse(int scope, const char *p, struct assess_span *out)
{
	struct assess_span sp;
	size_t n = p ? strlen(p) : 0;
	int y = 0, m = 0;

	memset(&sp, 0, sizeof sp);
	sp.scope = scope;
	if (n < 4 || digits(p, 4, &y) || y < 2000 || y > 2200)
		return BS_E_INVAL;
	sp.year = y;
	switch (scope) {
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_WEEK:
		if (period_parse_week(p, &sp.first_day) != BS_OK)
			return BS_E_INVAL;
		sp.last_day = sp.first_day + 6;
		break;
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH:
		if (n != 7 || p[4] != '-' || digits(p + 5, 2, &m) || m < 1 || m > 12)
			return BS_E_INVAL;
		sp.month = m;
		sp.first_day = period_days_from_civil(y, (unsigned)m, 1);
		sp.last_day = (m == 12 ? period_days_from_civil(y + 1, 1, 1)
				       : period_days_from_civil(y, (unsigned)m + 1, 1)) - 1;
		break;
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER:
		if (n != 7 || p[4] != '-' || p[5] != 'Q' || p[6] < '1' || p[6] > '4')
			return BS_E_INVAL;
		sp.quarter = p[6] - '0';
		sp.first_day = period_days_from_civil(y, (unsigned)(sp.quarter * 3 - 2), 1);
		sp.last_day = (sp.quarter == 4
				       ? period_days_from_civil(y + 1, 1, 1)
				       : period_days_from_civil(y, (unsigned)(sp.quarter * 3 + 1), 1)) - 1;
		break;
	case BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR:
		if (n != 4)
			return BS_E_INVAL;
		sp.first_day = period_days_from_civil(y, 1, 1);
		sp.last_day = period_days_from_civil(y + 1, 1, 1) - 1;
		break;
	default:
		return BS_E_INVAL;
	}
	*out = sp;
	return BS_OK;
}

/* n / d rounded half away from zero; d > 0. */
static int64_t div_round(i128 n, i128 d)
{
	if (n >= 0)
		return (int64_t)((2 * n + d) / (2 * d));
	return -(int64_t)((-2 * n + d) / (2 * d));
}

/* num/den in bp, held within ±BP_CAP (a tiny denominator cannot wrap the
 * result around; the order of values is kept). */
int64_t assess_ratio_bp(int64_t num, int64_t den)
{
	i128 n = (i128)num * BP_FULL, q;
	if (den <= 0)
		return 0;
	q = n >= 0 ? (2 * n + den) / (2 * (i128)den) : -((-2 * n + den) / (2 * (i128)den));
	if (q > BP_CAP)
		return BP_CAP;
	if (q < -BP_CAP)
		return -BP_CAP;
	return (int64_t)q;
}

void assess__errf(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;
	if (!err || !cap)
		return;
	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
}

char *assess__strdup(const char *s)
{
	size_t n = strlen(s ? s : "");
	char *d = malloc(n + 1);
	if (d)
		memcpy(d, s ? s : "", n + 1);
	return d;
}

/* Replace a string field of a message built here: the initial value is
 * protobuf-c's shared empty string, which must not be freed. */
void assess__set_str(char **field, const char *v)
{
	if (*field && *field != protobuf_c_empty_string)
		free(*field);
	*field = assess__strdup(v);
}

/* A deep copy of m made with malloc (pack, then unpack without allocator). */
static void *msg_copy(const ProtobufCMessage *m)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(n ? n : 1);
	void *c;
	if (!buf)
		return NULL;
	protobuf_c_message_pack(m, buf);
	c = protobuf_c_message_unpack(m->descriptor, NULL, n, buf);
	free(buf);
	return c;
}

/* ---- metrics ---- */

static const struct {
	int metric;
	const char *name;
	const char *label;
} metrics[] = {
	{BAOSONG__V1__METRIC__METRIC_FAI_COMPLETION, "fai_completion", "固定资产投资完成率"},
	{BAOSONG__V1__METRIC__METRIC_FAI_GROWTH, "fai_growth", "固定资产投资同比增速"},
	{BAOSONG__V1__METRIC__METRIC_NEW_STARTS, "new_starts", "新开工项目"},
	{BAOSONG__V1__METRIC__METRIC_ATTRACTION, "attraction", "招商引资到位资金"},
	{BAOSONG__V1__METRIC__METRIC_UPWARD, "upward", "向上争取资金"},
	{BAOSONG__V1__METRIC__METRIC_TIMELINESS, "timeliness", "按时报送率"},
	{BAOSONG__V1__METRIC__METRIC_APPROVALS, "approvals", "前期手续按期办结率"},
	{BAOSONG__V1__METRIC__METRIC_STATS, "stats", "入库纳统率"},
};
#define N_METRICS (sizeof metrics / sizeof metrics[0])

int assess__metric_by_name(const char *s)
{
	size_t i;
	for (i = 0; i < N_METRICS; i++)
		if (!strcmp(s, metrics[i].name))
			return metrics[i].metric;
	return 0;
}

const char *assess__metric_name(int m)
{
	size_t i;
	for (i = 0; i < N_METRICS; i++)
		if (metrics[i].metric == m)
			return metrics[i].name;
	return NULL;
}

/* What a unit attained on metric m, in basis points: 1 and *bp, or 0 when
 * the indicator does not apply to the unit (why: a short Chinese reason). */
static int attainment(const Indicator *ind, uint32_t engine, const UnitInput *u, int64_t *bp,
		      const char **why)
{
	switch ((int)ind->metric) {
	case BAOSONG__V1__METRIC__METRIC_FAI_COMPLETION:
		if (!u->has_fai_target || u->fai_target_fen <= 0)
			return *why = "无目标", 0;
		*bp = assess_ratio_bp(u->fai_ytd_fen, u->fai_target_fen);
		return 1;
	case BAOSONG__V1__METRIC__METRIC_FAI_GROWTH: {
		int64_t g;
		if (!u->has_base || u->fai_base_fen <= 0)
			return *why = "基数为零", 0;
		g = assess_ratio_bp(u->fai_ytd_fen - u->fai_base_fen, u->fai_base_fen);
		/* The unit's own growth target; without one (engine 2) the
		 * scheme's county-wide "full at X %". */
		if (u->has_growth_target && u->growth_target_bp > 0)
			*bp = assess_ratio_bp(g, u->growth_target_bp);
		else if (engine >= 2 && ind->growth_full_bp > 0)
			*bp = assess_ratio_bp(g, ind->growth_full_bp);
		else
			return *why = "无增速目标", 0;
		return 1;
	}
	case BAOSONG__V1__METRIC__METRIC_NEW_STARTS:
		if (!u->has_new_starts_target || u->new_starts_target == 0)
			return *why = "无目标", 0;
		*bp = assess_ratio_bp(u->new_starts, u->new_starts_target);
		return 1;
	case BAOSONG__V1__METRIC__METRIC_ATTRACTION:
		if (!u->has_attraction_target || u->attraction_target_fen <= 0)
			return *why = "无目标", 0;
		*bp = assess_ratio_bp(u->attraction_fen, u->attraction_target_fen);
		return 1;
	case BAOSONG__V1__METRIC__METRIC_UPWARD:
		if (!u->has_upward_target || u->upward_target_fen <= 0)
			return *why = "无目标", 0;
		*bp = assess_ratio_bp(u->upward_fen, u->upward_target_fen);
		return 1;
	case BAOSONG__V1__METRIC__METRIC_TIMELINESS:
		if (!u->reports_due)
			return *why = "无应报", 0;
		*bp = assess_ratio_bp(u->reports_on_time, u->reports_due);
		return 1;
	case BAOSONG__V1__METRIC__METRIC_APPROVALS:
		if (!u->approvals_due)
			return *why = "无到期", 0;
		*bp = assess_ratio_bp(u->approvals_on_time, u->approvals_due);
		return 1;
	case BAOSONG__V1__METRIC__METRIC_STATS:
		if (!u->stats_needed)
			return *why = "无须入库", 0;
		*bp = assess_ratio_bp(u->stats_registered, u->stats_needed);
		return 1;
	default:
		return *why = "未知", 0;
	}
}

/* The indicator's score in centi-points for attainment bp. */
static int64_t score(const Indicator *ind, int64_t bp)
{
	int64_t full = ind->full_bp > 0 ? ind->full_bp : BP_FULL;
	size_t i;
	if (ind->rule == BAOSONG__V1__SCORE_RULE__SCORE_STEPS) {
		for (i = 0; i < ind->n_steps; i++)
			if (bp >= ind->steps[i]->min_bp)
				return (int64_t)ind->weight * ind->steps[i]->percent;
		return 0;
	}
	if (bp < 0)
		bp = 0;
	if (bp > full)
		bp = full;
	return div_round((i128)ind->weight * 100 * bp, full);
}

/* ---- computation ---- */

struct row {
	const UnitInput *in;
	UnitResult *out;
	int has_key;
	int64_t key;
	size_t index;              /* position in the inputs */
};

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->has_key != y->has_key)
		return y->has_key - x->has_key;
	if (x->has_key && x->key != y->key)
		return x->key < y->key ? 1 : -1;
	return strcmp(x->in->unit_code, y->in->unit_code);
}

static void append(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t cap, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;
	if (n + 1 >= cap)
		return;
	if (n) {
		snprintf(buf + n, cap - n, "；");
		n = strlen(buf);
	}
	va_start(ap, fmt);
	vsnprintf(buf + n, cap - n, fmt, ap);
	va_end(ap);
	/* Cut short: never in the middle of a character. */
	n = strlen(buf);
	if (n + 1 >= cap) {
		while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0xC0)
			n--;
		buf[n] = '\0';
	}
}

/* The unit's name for explanations (engine 2), else its code. */
static const char *who(const UnitInput *u, uint32_t engine)
{
	return engine >= 2 && u->unit_name && *u->unit_name ? u->unit_name : u->unit_code;
}

static void fmt_points(char *out, size_t cap, int64_t c, int sign)
{
	int64_t a = c < 0 ? -c : c;
	snprintf(out, cap, "%s%lld.%02lld", c < 0 ? "-" : sign ? "+" : "", (long long)(a / 100),
		 (long long)(a % 100));
}

/* Bonus and deduction items (engine 2): each item's points times its
 * occurrences, held within its cap; the sum into *adj, what happened into
 * explain. */
static int64_t adjustments(const Scheme *s, const UnitInput *u, char *explain, size_t cap)
{
	int64_t sum = 0;
	size_t i, j;
	for (i = 0; i < s->n_adjust_items; i++) {
		const AdjustItem *it = s->adjust_items[i];
		uint64_t count = 0;
		int64_t pts, limit = it->cap_c > 0 ? it->cap_c : 0;
		char a[32], c[32];
		for (j = 0; j < u->n_adjustments; j++)
			if (!strcmp(u->adjustments[j]->item, it->code))
				count += u->adjustments[j]->count ? u->adjustments[j]->count : 1;
		if (!count)
			continue;
		if (count > 10000)
			count = 10000;
		pts = it->points_c * (int64_t)count;
		if (pts > limit)
			pts = limit;
		if (pts < -limit)
			pts = -limit;
		sum += pts;
		fmt_points(a, sizeof a, pts, 1);
		fmt_points(c, sizeof c, limit, 0);
		if (pts == it->points_c * (int64_t)count)
			append(explain, cap, "%s%s %llu 次 %s 分", it->points_c > 0 ? "加分：" : "扣分：",
			       it->label, (unsigned long long)count, a);
		else
			append(explain, cap, "%s%s %llu 次 %s 分（封顶 %s 分）",
			       it->points_c > 0 ? "加分：" : "扣分：", it->label,
			       (unsigned long long)count, a, c);
	}
	return sum;
}

/* Score one unit: scores, total, completion, growth, grade, flags that do
 * not depend on the others. */
static int score_unit(const Scheme *s, const UnitInput *u, int graded, uint32_t engine,
		      UnitResult *r, char *explain, size_t cap)
{
	int64_t sum = 0;
	unsigned wsum = 0;
	size_t i, na_len = 0;
	char na[400] = "";

	r->unit_code = assess__strdup(u->unit_code);
	r->scores_c = calloc(s->n_indicators ? s->n_indicators : 1, sizeof *r->scores_c);
	if (!r->unit_code || !r->scores_c)
		return BS_E_NOMEM;
	r->n_scores_c = s->n_indicators;
	for (i = 0; i < s->n_indicators; i++) {
		const Indicator *ind = s->indicators[i];
		const char *why = "";
		int64_t bp = 0;
		if (!attainment(ind, engine, u, &bp, &why)) {
			r->scores_c[i] = -1;
			/* Short (indicator name and a few characters of reason):
			 * a county's publication carries every unit's
			 * explanation; docs/ASSESSMENT.md has the rules. */
			const char *nm = engine >= 2 ? ind->label : ind->code;
			if (na_len + strlen(nm) + strlen(why) + 8 < sizeof na) {
				int w = snprintf(na + na_len, sizeof na - na_len, "%s%s（%s）",
						 na_len ? "、" : "", nm, why);
				na_len = w > 0 ? strlen(na) : na_len;
			}
			continue;
		}
		r->scores_c[i] = score(ind, bp);
		sum += r->scores_c[i];
		wsum += ind->weight;
	}
	if (na_len)
		append(explain, cap, "不计分：%s%s", na, wsum ? "，按其余指标折算" : "");
	if (wsum) {
		r->has_total = 1;
		/* Scores out of the applicable weights, scaled to 100 points. */
		r->total_c = wsum == 100 ? sum : div_round((i128)sum * 100, wsum);
		if (engine >= 2) {
			r->adjust_c = adjustments(s, u, explain, cap);
			r->total_c += r->adjust_c;
		}
	}
	if (u->has_fai_target && u->fai_target_fen > 0) {
		r->has_completion = 1;
		r->completion_bp = assess_ratio_bp(u->fai_ytd_fen, u->fai_target_fen);
	} else {
		r->flags |= ASSESS_FLAG_NO_TARGET;
	}
	if (u->has_base && u->fai_base_fen > 0) {
		r->has_growth = 1;
		r->growth_bp = assess_ratio_bp(u->fai_ytd_fen - u->fai_base_fen, u->fai_base_fen);
	}
	if (engine >= 2) {
		if (u->has_attraction_target && u->attraction_target_fen > 0) {
			r->has_attraction = 1;
			r->attraction_bp = assess_ratio_bp(u->attraction_fen, u->attraction_target_fen);
		}
		if (u->attraction_base_fen > 0) {
			r->has_attraction_growth = 1;
			r->attraction_growth_bp = assess_ratio_bp(
				u->attraction_fen - u->attraction_base_fen, u->attraction_base_fen);
		}
	}
	r->fai_ytd_fen = u->fai_ytd_fen;
	r->fai_target_fen = u->has_fai_target ? u->fai_target_fen : 0;
	r->reports_due = u->reports_due;
	r->reports_late = u->reports_late;
	r->reports_missing = u->reports_missing;
	if (u->reports_missing)
		r->flags |= ASSESS_FLAG_MISSING_REPORTS;
	if (u->reports_late)
		r->flags |= ASSESS_FLAG_LATE_REPORTS;
	if (u->acceptance_failed)
		r->flags |= ASSESS_FLAG_ACCEPTANCE_FAILED;
	/* Grades belong to the quarterly ranking and the annual assessment;
	 * a weekly or monthly bulletin is about completion and rank. */
	if (r->has_total && graded) {
		for (i = 0; i < s->n_grades; i++)
			if (r->total_c >= s->grades[i]->min_score_c)
				break;
		r->grade = assess__strdup(i < s->n_grades ? s->grades[i]->label : "");
	} else {
		r->grade = assess__strdup("");
	}
	return r->grade ? BS_OK : BS_E_NOMEM;
}

/* Sums of many projects' figures stay far inside this; it keeps every
 * difference and product in range. */
#define SUM_MAX_FEN 100000000000000000LL   /* 10^17 fen = 10^13 万元 */

static int money_ok(int64_t v)
{
	return v >= -SUM_MAX_FEN && v <= SUM_MAX_FEN;
}

static int code_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether two rows of in name the same unit. */
static int codes_repeat(const AssessInputs *in)
{
	const char **codes;
	size_t i;
	int rep = 0;
	if (in->n_units < 2)
		return 0;
	if (!(codes = malloc(in->n_units * sizeof *codes)))
		return 1;
	for (i = 0; i < in->n_units; i++)
		codes[i] = in->units[i]->unit_code;
	qsort(codes, in->n_units, sizeof *codes, code_cmp);
	for (i = 1; i < in->n_units && !rep; i++)
		rep = !strcmp(codes[i - 1], codes[i]);
	free(codes);
	return rep;
}

/* Whether the engine can take in: the limits, a parsable period, counts
 * that add up, amounts in range.  Inputs come from storage and are checked
 * like anything else read from disk. */
static int inputs_ok(const Scheme *s, const AssessInputs *in)
{
	struct assess_span sp;
	size_t i;
	if (in->n_units > ASSESS_UNITS_MAX || s->n_indicators > ASSESS_INDICATORS_MAX ||
	    assess_span_parse((int)in->scope, in->period, &sp) != BS_OK)
		return 0;
	for (i = 0; i < in->n_units; i++) {
		const UnitInput *u = in->units[i];
		if (!money_ok(u->fai_ytd_fen) || !money_ok(u->fai_base_fen) ||
		    !money_ok(u->fai_target_fen) || !money_ok(u->attraction_fen) ||
		    !money_ok(u->attraction_target_fen) || !money_ok(u->upward_fen) ||
		    !money_ok(u->upward_target_fen) || !money_ok(u->attraction_base_fen) ||
		    u->n_adjustments > ASSESS_ADJUST_MAX * 4)
			return 0;
		for (size_t j = 0; j < u->n_adjustments; j++)
			if (!u->adjustments[j]->item || u->adjustments[j]->count > 10000)
				return 0;
		if (!u->unit_code || !*u->unit_code || strlen(u->unit_code) > 32 ||
		    u->reports_on_time + (uint64_t)u->reports_late + u->reports_missing !=
			    u->reports_due ||
		    u->approvals_on_time > u->approvals_due ||
		    u->stats_registered > u->stats_needed)
			return 0;
	}
	return !codes_repeat(in);
}

/* The bottom rules of scope under s: its own, or (a scheme without any,
 * and engine 1) the built-in ones: the last of a monthly bulletin
 * (会上表态发言) and of a quarterly ranking (约谈). */
static size_t bottom_rules(const Scheme *s, int scope, uint32_t engine, const BottomRule **out,
			   BottomRule builtin[1])
{
	size_t i, n = 0;
	if (engine >= 2 && s->n_bottom_rules) {
		for (i = 0; i < s->n_bottom_rules && n < ASSESS_BOTTOM_MAX; i++)
			if ((int)s->bottom_rules[i]->scope == scope)
				out[n++] = s->bottom_rules[i];
		return n;
	}
	if (scope != BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH &&
	    scope != BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER)
		return 0;
	baosong__v1__bottom_rule__init(&builtin[0]);
	builtin[0].scope = (Baosong__V1__AssessScope)scope;
	builtin[0].last = 1;
	builtin[0].consequence = (char *)(scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH
						  ? flag_labels[0]
						  : flag_labels[1]);
	out[0] = &builtin[0];
	return 1;
}

static uint32_t bottom_flag(int scope)
{
	return scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH     ? ASSESS_FLAG_LAST_MONTH
	       : scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER ? ASSESS_FLAG_LAST_QUARTER
								    : ASSESS_FLAG_BOTTOM;
}

int assess_compute(const Scheme *s, const AssessInputs *in, Publication **out)
{
	return assess_compute_engine(s, in, ASSESS_ENGINE, out);
}

int assess_compute_engine(const Scheme *s, const AssessInputs *in, uint32_t engine,
			  Publication **out)
{
	Publication *p;
	struct row *rows = NULL;
	char explain[EXPLAIN_MAX];
	size_t i, j, n = in->n_units, n_ranked = 0, n_rules;
	int scope = (int)in->scope, rv = BS_E_NOMEM;
	int by_total = scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER ||
		       scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR;
	const BottomRule *rules[ASSESS_BOTTOM_MAX];
	BottomRule builtin[1];

	if (engine < 1 || engine > ASSESS_ENGINE)
		return BS_E_UNSUPPORTED;
	if (!inputs_ok(s, in))
		return BS_E_INVAL;
	if (!(p = malloc(sizeof *p)))
		return BS_E_NOMEM;
	baosong__v1__publication__init(p);
	p->scope = in->scope;
	p->period = assess__strdup(in->period);
	p->title = assess__strdup("");
	p->scheme_year = s->year;
	p->scheme_version = s->version;
	p->as_of_ms = in->as_of_ms;
	p->engine = engine;
	p->indicators = calloc(s->n_indicators + 1, sizeof *p->indicators);
	p->grades = calloc(s->n_grades + 1, sizeof *p->grades);
	p->results = calloc(n + 1, sizeof *p->results);
	rows = calloc(n + 1, sizeof *rows);
	if (!p->period || !p->title || !p->indicators || !p->grades || !p->results || !rows)
		goto out;
	for (i = 0; i < s->n_indicators; i++, p->n_indicators++)
		if (!(p->indicators[i] = msg_copy(&s->indicators[i]->base)))
			goto out;
	for (i = 0; i < s->n_grades; i++, p->n_grades++)
		if (!(p->grades[i] = msg_copy(&s->grades[i]->base)))
			goto out;
	if (engine >= 2 && s->n_adjust_items) {
		if (!(p->adjust_items = calloc(s->n_adjust_items, sizeof *p->adjust_items)))
			goto out;
		for (i = 0; i < s->n_adjust_items; i++, p->n_adjust_items++)
			if (!(p->adjust_items[i] = msg_copy(&s->adjust_items[i]->base)))
				goto out;
	}

	/* Each unit on its own. */
	for (i = 0; i < n; i++) {
		UnitResult *r = malloc(sizeof *r);
		int targeted;
		if (!r)
			goto out;
		baosong__v1__unit_result__init(r);
		p->results[p->n_results++] = r;
		explain[0] = '\0';
		if ((rv = score_unit(s, in->units[i], by_total, engine, r, explain,
				     sizeof explain)) != BS_OK)
			goto out;
		rv = BS_E_NOMEM;
		rows[i].in = in->units[i];
		rows[i].out = r;
		rows[i].index = i;
		/* Engine 2: a unit without an FAI target (目标责任书) is never
		 * ranked, in any scope; engine 1 ranked it by total in a
		 * quarter and a year. */
		targeted = !(r->flags & ASSESS_FLAG_NO_TARGET);
		rows[i].has_key = by_total ? r->has_total && (engine < 2 || targeted)
					   : r->has_completion;
		rows[i].key = by_total ? r->total_c : r->completion_bp;
		if (!rows[i].has_key)
			append(explain, sizeof explain, "%s",
			       !targeted ? "未下达投资目标，不参与排名"
					 : "无可计分指标，不参与排名");
		if (!(r->explain = assess__strdup(explain)))
			goto out;
	}

	/* Ranks: best first; equal keys share the rank (1, 2, 2, 4). */
	qsort(rows, n, sizeof *rows, row_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && rows[j].has_key == rows[i].has_key &&
				rows[j].key == rows[i].key && rows[i].has_key;
		     j++)
			;
		if (!rows[i].has_key) {
			j = i + 1;
			continue;
		}
		for (size_t k = i; k < j; k++) {
			UnitResult *r = rows[k].out;
			r->rank = (uint32_t)i + 1;
			r->tied = (uint32_t)(j - i);
			n_ranked++;
			if (j - i > 1) {
				char others[300] = "";
				size_t shown = 0, m;
				for (m = i; m < j; m++) {
					size_t len = strlen(others);
					if (m == k)
						continue;
					if (shown == 3) {
						snprintf(others + len, sizeof others - len, "等");
						break;
					}
					snprintf(others + len, sizeof others - len, "%s%s",
						 shown ? "、" : "", who(rows[m].in, engine));
					shown++;
				}
				{
					int64_t key = rows[k].key, a = key < 0 ? -key : key;
					/* The tie first: it matters more than the notes. */
					snprintf(explain, sizeof explain,
						 "与 %s 并列第 %u 名（%s相同，均为 %s%lld.%02lld%s）",
						 others, r->rank, by_total ? "总分" : "完成率",
						 key < 0 ? "-" : "", (long long)(a / 100),
						 (long long)(a % 100), by_total ? " 分" : "%");
					if (*r->explain)
						append(explain, sizeof explain, "%s", r->explain);
				}
				free(r->explain);
				if (!(r->explain = assess__strdup(explain)))
					goto out;
			}
		}
	}

	/* Consequences: the bottom rules of the scope (ranked units only; the
	 * last N ranks need at least two ranked units not all tied, and every
	 * unit sharing the threshold rank is flagged), the annual grades. */
	n_rules = bottom_rules(s, scope, engine, rules, builtin);
	for (i = 0; i < n; i++) {
		UnitResult *r = rows[i].out;
		uint32_t flag = 0;
		char bottom[600] = "";
		size_t q;
		for (q = 0; r->rank && q < n_rules; q++) {
			const BottomRule *br = rules[q];
			int hit = 0;
			if (br->last && n_ranked >= 2) {
				size_t at = br->last >= n_ranked ? 0 : n_ranked - br->last;
				uint32_t threshold = rows[at].out->rank;
				hit = threshold > 1 && r->rank >= threshold;
			}
			if (br->has_below && r->has_total && r->total_c < br->below_c)
				hit = 1;
			if (!hit)
				continue;
			flag |= bottom_flag(scope);
			if (engine >= 2 && br->consequence && *br->consequence &&
			    !strstr(bottom, br->consequence))
				append(bottom, sizeof bottom, "%s", br->consequence);
		}
		if (scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR && r->grade) {
			if (!strcmp(r->grade, "一般"))
				flag |= ASSESS_FLAG_ANNUAL_FAIR;
			else if (!strcmp(r->grade, "较差"))
				flag |= ASSESS_FLAG_ANNUAL_POOR;
		}
		r->flags |= flag;
		if (engine >= 2 && bottom[0] && !(r->bottom = assess__strdup(bottom)))
			goto out;
		if (r->flags & ASSESS_FLAGS_CONSEQUENCE) {
			unsigned b;
			snprintf(explain, sizeof explain, "%s", r->explain);
			for (b = 0; b < ASSESS_FLAG_COUNT; b++) {
				if (!(r->flags & (1u << b)) || !(ASSESS_FLAGS_CONSEQUENCE & (1u << b)))
					continue;
				if (engine >= 2 && (1u << b) == bottom_flag(scope) && bottom[0])
					append(explain, sizeof explain, "%s%s%s",
					       strstr(bottom, "末位") ? "" : assess_scope_label(scope),
					       strstr(bottom, "末位") ? "" : "末位：", bottom);
				else
					append(explain, sizeof explain, "%s", flag_labels[b]);
			}
			free(r->explain);
			if (!(r->explain = assess__strdup(explain)))
				goto out;
		}
	}
	/* Results in rank order. */
	for (i = 0; i < n; i++)
		p->results[i] = rows[i].out;
	rv = BS_OK;
out:
	free(rows);
	if (rv != BS_OK) {
		protobuf_c_message_free_unpacked(&p->base, NULL);
		return rv;
	}
	*out = p;
	return BS_OK;
}

/* ---- digest ---- */

static int hash_msg(crypto_generichash_state *h, const ProtobufCMessage *m)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t len[4], *buf;
	if (n > UINT32_MAX || !(buf = malloc(n ? n : 1)))
		return BS_E_NOMEM;
	protobuf_c_message_pack(m, buf);
	len[0] = (uint8_t)(n >> 24);
	len[1] = (uint8_t)(n >> 16);
	len[2] = (uint8_t)(n >> 8);
	len[3] = (uint8_t)n;
	crypto_generichash_update(h, len, 4);
	crypto_generichash_update(h, buf, n);
	free(buf);
	return BS_OK;
}

int assess_digest(const Scheme *s, const AssessInputs *in, const Publication *p,
		  uint8_t out[ASSESS_DIGEST_LEN])
{
	static const char tag[] = "baosong-assess-v1";
	crypto_generichash_state h;
	Publication copy = *p;
	int rv;

	copy.digest.data = NULL;
	copy.digest.len = 0;
	crypto_generichash_init(&h, NULL, 0, ASSESS_DIGEST_LEN);
	crypto_generichash_update(&h, (const uint8_t *)tag, sizeof tag - 1);
	if ((rv = hash_msg(&h, &s->base)) != BS_OK || (rv = hash_msg(&h, &in->base)) != BS_OK ||
	    (rv = hash_msg(&h, &copy.base)) != BS_OK)
		return rv;
	crypto_generichash_final(&h, out, ASSESS_DIGEST_LEN);
	return BS_OK;
}
