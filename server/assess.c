/* assess.c - the assessment engine: schemes as data (INI text <-> Scheme),
 * scores, totals, ranks, grades and flags, with integer arithmetic only.
 * The rules are written out with worked examples in docs/ASSESSMENT.md. */
#include "assess.h"

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

#define BP_FULL 10000
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

static void errf(char *err, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;
	if (!err || !cap)
		return;
	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s ? s : "");
	char *d = malloc(n + 1);
	if (d)
		memcpy(d, s ? s : "", n + 1);
	return d;
}

/* Replace a string field of a message built here: the initial value is
 * protobuf-c's shared empty string, which must not be freed. */
static void set_str(char **field, const char *v)
{
	if (*field && *field != protobuf_c_empty_string)
		free(*field);
	*field = xstrdup(v);
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

static int metric_by_name(const char *s)
{
	size_t i;
	for (i = 0; i < N_METRICS; i++)
		if (!strcmp(s, metrics[i].name))
			return metrics[i].metric;
	return 0;
}

static const char *metric_name(int m)
{
	size_t i;
	for (i = 0; i < N_METRICS; i++)
		if (metrics[i].metric == m)
			return metrics[i].name;
	return NULL;
}

/* What a unit attained on metric m, in basis points: 1 and *bp, or 0 when
 * the indicator does not apply to the unit (why: a short Chinese reason). */
static int attainment(int m, const UnitInput *u, int64_t *bp, const char **why)
{
	switch (m) {
	case BAOSONG__V1__METRIC__METRIC_FAI_COMPLETION:
		if (!u->has_fai_target || u->fai_target_fen <= 0)
			return *why = "无目标", 0;
		*bp = assess_ratio_bp(u->fai_ytd_fen, u->fai_target_fen);
		return 1;
	case BAOSONG__V1__METRIC__METRIC_FAI_GROWTH: {
		int64_t g;
		if (!u->has_base || u->fai_base_fen <= 0)
			return *why = "基数为零", 0;
		if (!u->has_growth_target || u->growth_target_bp <= 0)
			return *why = "无增速目标", 0;
		g = assess_ratio_bp(u->fai_ytd_fen - u->fai_base_fen, u->fai_base_fen);
		*bp = assess_ratio_bp(g, u->growth_target_bp);
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

/* ---- schemes ---- */

static int unit_type_ok(int t)
{
	return t >= BAOSONG__V1__UNIT_TYPE__UNIT_TOWNSHIP && t <= BAOSONG__V1__UNIT_TYPE__UNIT_SOE;
}

static int code_ok(const char *s)
{
	size_t i, n = s ? strlen(s) : 0;
	if (n < 1 || n > 32)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* Whether text can stand as an INI value and a protobuf string: valid UTF-8
 * without control characters, no blanks at either end, nothing inih would
 * take for a comment (a leading ';' or '#', or one after a blank). */
static int text_ok(const char *t)
{
	const unsigned char *p = (const unsigned char *)t;
	size_t n = strlen(t);
	if (n && (t[0] == ' ' || t[n - 1] == ' ' || t[0] == ';' || t[0] == '#'))
		return 0;
	if (strstr(t, " ;") || strstr(t, " #"))
		return 0;
	while (*p) {
		int len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3
				     : (*p & 0xF8) == 0xF0 ? 4 : 0;
		int i;
		if (!len || *p < 0x20 || *p == 0x7F || (len == 2 && *p < 0xC2) ||
		    (len == 4 && *p > 0xF4))
			return 0;
		for (i = 1; i < len; i++)
			if ((p[i] & 0xC0) != 0x80)
				return 0;
		if ((len == 3 && *p == 0xE0 && p[1] < 0xA0) || (len == 3 && *p == 0xED && p[1] >= 0xA0) ||
		    (len == 4 && *p == 0xF0 && p[1] < 0x90) || (len == 4 && *p == 0xF4 && p[1] >= 0x90))
			return 0;
		p += len;
	}
	return 1;
}

int assess_scheme_check(const Scheme *s, char *err, size_t cap)
{
	size_t i, j;
	unsigned total = 0;

	if (s->year < 2000 || s->year > 2200)
		return errf(err, cap, "year: 考核年度须在 2000 至 2200 之间"), BS_E_INVAL;
	/* Lengths keep every line of the formatted scheme readable again. */
	if (s->name && !text_ok(s->name))
		return errf(err, cap, "name: 须为 UTF-8 文字，不含控制字符，不以空格、“;”或“#”开头"
				      "或结尾，不含“ ;”“ #”"), BS_E_INVAL;
	if (!s->name || !*s->name || strlen(s->name) > 180)
		return errf(err, cap, "name: 须填写考核方案名称（至多 180 字节，约 60 个汉字）"),
		       BS_E_INVAL;
	if (s->n_indicators < 1 || s->n_indicators > ASSESS_INDICATORS_MAX)
		return errf(err, cap, "indicator: 指标须有 1 至 %u 个", ASSESS_INDICATORS_MAX),
		       BS_E_INVAL;
	for (i = 0; i < s->n_indicators; i++) {
		const Indicator *ind = s->indicators[i];
		if (!code_ok(ind->code))
			return errf(err, cap, "indicator %zu: 代码须为 1 至 32 个小写字母、数字或_",
				    i + 1), BS_E_INVAL;
		for (j = 0; j < i; j++)
			if (!strcmp(s->indicators[j]->code, ind->code))
				return errf(err, cap, "indicator %s: 指标代码重复", ind->code),
				       BS_E_INVAL;
		if (!ind->label || !*ind->label || strlen(ind->label) > 100 || !text_ok(ind->label))
			return errf(err, cap, "indicator %s: 须填写指标名称 label（至多 100 字节的"
					      " UTF-8 文字，首尾无空格，不含注释符）",
				    ind->code), BS_E_INVAL;
		if (!metric_name((int)ind->metric))
			return errf(err, cap, "indicator %s: 未知的 metric", ind->code), BS_E_INVAL;
		if (ind->weight < 1 || ind->weight > 100)
			return errf(err, cap, "indicator %s: 权重须为 1 至 100 分", ind->code),
			       BS_E_INVAL;
		total += ind->weight;
		if (ind->rule == BAOSONG__V1__SCORE_RULE__SCORE_LINEAR) {
			if (ind->full_bp < 100 || ind->full_bp > 100 * BP_FULL || ind->n_steps)
				return errf(err, cap, "indicator %s: linear 规则的 full 须在 1%% 至"
						      " 10000%% 之间，且不能有 steps", ind->code),
				       BS_E_INVAL;
		} else if (ind->rule == BAOSONG__V1__SCORE_RULE__SCORE_STEPS) {
			if (ind->n_steps < 1 || ind->n_steps > ASSESS_STEPS_MAX)
				return errf(err, cap, "indicator %s: steps 须有 1 至 %u 档",
					    ind->code, ASSESS_STEPS_MAX), BS_E_INVAL;
			for (j = 0; j < ind->n_steps; j++) {
				const ScoreStep *st = ind->steps[j];
				if (st->percent > 100 || st->min_bp < -100 * BP_FULL ||
				    st->min_bp > 100 * BP_FULL)
					return errf(err, cap, "indicator %s: 第 %zu 档无效（得分比例"
							      " 0 至 100）", ind->code, j + 1),
					       BS_E_INVAL;
				if (j && st->min_bp >= ind->steps[j - 1]->min_bp)
					return errf(err, cap, "indicator %s: steps 须从高到低排列",
						    ind->code), BS_E_INVAL;
			}
		} else {
			return errf(err, cap, "indicator %s: rule 须为 linear 或 steps", ind->code),
			       BS_E_INVAL;
		}
	}
	if (total != 100)
		return errf(err, cap, "weight: 各指标权重之和须为 100 分，现为 %u 分", total),
		       BS_E_INVAL;
	if (s->n_grades < 1 || s->n_grades > ASSESS_GRADES_MAX)
		return errf(err, cap, "grades: 等次须有 1 至 %u 档", ASSESS_GRADES_MAX), BS_E_INVAL;
	for (i = 0; i < s->n_grades; i++) {
		const GradeBand *g = s->grades[i];
		if (!g->label || !*g->label || strlen(g->label) > 30 || !text_ok(g->label) ||
		    strchr(g->label, '=') || strchr(g->label, ':') || strchr(g->label, '['))
			return errf(err, cap, "grades: 第 %zu 档须有名称", i + 1), BS_E_INVAL;
		if (g->min_score_c < 0 || g->min_score_c > 10000 ||
		    (i && g->min_score_c >= s->grades[i - 1]->min_score_c))
			return errf(err, cap, "grades: 分数线须在 0 至 100 之间且从高到低"),
			       BS_E_INVAL;
	}
	if (s->grades[s->n_grades - 1]->min_score_c != 0)
		return errf(err, cap, "grades: 最后一档的分数线须为 0"), BS_E_INVAL;
	if (s->report_kinds < 1 || s->report_kinds > 3)
		return errf(err, cap, "reports: 须为 weekly、monthly 或 weekly,monthly"), BS_E_INVAL;
	if (s->n_unit_types < 1 || s->n_unit_types > 4)
		return errf(err, cap, "units: 须列出参加排名的单位类型"), BS_E_INVAL;
	for (i = 0; i < s->n_unit_types; i++)
		if (!unit_type_ok((int)s->unit_types[i]))
			return errf(err, cap, "units: 未知的单位类型"), BS_E_INVAL;
	if (s->note && (strlen(s->note) > 180 || !text_ok(s->note)))
		return errf(err, cap, "note: 至多 180 字节（约 60 个汉字）的一行 UTF-8 文字，首尾无"
				      "空格，不含注释符"), BS_E_INVAL;
	return BS_OK;
}

/* Digits with at most two decimals at *s ("95", "100.5") as hundredths;
 * *s moves past them.  0, or -1 if there is no number there. */
static int parse_hundredths(const char **s, int max_digits, int64_t *out)
{
	const char *p = *s;
	int64_t v = 0, frac = 0;
	int nd = 0, nf = 0;
	while (*p >= '0' && *p <= '9' && nd < max_digits)
		v = v * 10 + (*p++ - '0'), nd++;
	if (!nd)
		return -1;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9' && nf < 2)
			frac = frac * 10 + (*p++ - '0'), nf++;
		if (!nf)
			return -1;
		if (nf == 1)
			frac *= 10;
	}
	*out = v * 100 + frac;
	*s = p;
	return 0;
}

/* Parse "95%", "100.5%", "-10%" into basis points. */
static int parse_pct(const char *s, int64_t *bp)
{
	int64_t v;
	int neg = 0;
	while (*s == ' ')
		s++;
	if (*s == '-')
		neg = 1, s++;
	if (parse_hundredths(&s, 7, &v) || *s++ != '%')
		return -1;
	while (*s == ' ')
		s++;
	if (*s)
		return -1;
	*bp = neg ? -v : v;
	return 0;
}

/* Parse "90" or "85.5" points into centi-points. */
static int parse_points(const char *s, int64_t *c)
{
	return parse_hundredths(&s, 4, c) || *s ? -1 : 0;
}

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
	unsigned long v = 0;
	int n = 0;
	for (; *s >= '0' && *s <= '9' && n < 9; s++, n++)
		v = v * 10 + (unsigned long)(*s - '0');
	if (!n || *s || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

struct parse {
	Scheme *s;
	char *err;
	size_t cap;
	int failed;
	Indicator *cur;            /* the [indicator X] being read */
	char section[128];         /* the section of the previous line */
	unsigned seen;             /* keys of pp->cur already set */
};

#define PFAIL(pp, ...) (errf((pp)->err, (pp)->cap, __VA_ARGS__), (pp)->failed = 1, 0)

static int grow(void ***arr, size_t *n, size_t max, void *item)
{
	void **na;
	if (*n >= max)
		return -1;
	na = realloc(*arr, (*n + 1) * sizeof *na);
	if (!na)
		return -1;
	na[(*n)++] = item;
	*arr = na;
	return 0;
}

static int parse_steps(struct parse *pp, Indicator *ind, const char *v)
{
	char buf[512], *save = NULL, *tok;
	if (strlen(v) >= sizeof buf)
		return PFAIL(pp, "indicator %s: steps 过长", ind->code);
	memcpy(buf, v, strlen(v) + 1);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');
		ScoreStep *st;
		unsigned pct;
		int64_t bp;
		if (!colon)
			return PFAIL(pp, "indicator %s: steps 的每一档写作 “完成率%%:得分比例”",
				     ind->code);
		*colon = '\0';
		while (*tok == ' ')
			tok++;
		while (colon[1] == ' ')
			colon++;
		if (parse_pct(tok, &bp) || parse_uint(colon + 1, 100, &pct))
			return PFAIL(pp, "indicator %s: steps 中 “%s” 无效", ind->code, tok);
		if (!(st = malloc(sizeof *st)))
			return PFAIL(pp, "内存不足");
		baosong__v1__score_step__init(st);
		st->min_bp = bp;
		st->percent = pct;
		if (grow((void ***)&ind->steps, &ind->n_steps, ASSESS_STEPS_MAX, st)) {
			free(st);
			return PFAIL(pp, "indicator %s: steps 至多 %u 档", ind->code,
				     ASSESS_STEPS_MAX);
		}
	}
	return 1;
}

static const struct {
	const char *en, *zh;
	int type;
} type_names[] = {
	{"township", "乡镇", BAOSONG__V1__UNIT_TYPE__UNIT_TOWNSHIP},
	{"department", "部门", BAOSONG__V1__UNIT_TYPE__UNIT_DEPARTMENT},
	{"bureau", "局", BAOSONG__V1__UNIT_TYPE__UNIT_BUREAU},
	{"soe", "国企", BAOSONG__V1__UNIT_TYPE__UNIT_SOE},
};

static int on_scheme_key(struct parse *pp, const char *k, const char *v)
{
	Scheme *s = pp->s;
	unsigned u;
	if (!strcmp(k, "year")) {
		if (parse_uint(v, 9999, &u))
			return PFAIL(pp, "year: “%s” 不是年份", v);
		s->year = u;
	} else if (!strcmp(k, "name")) {
		set_str(&s->name, v);
	} else if (!strcmp(k, "note")) {
		set_str(&s->note, v);
	} else if (!strcmp(k, "report_photo_required")) {
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "是"))
			s->report_photo_required = 1;
		else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0") ||
			 !strcmp(v, "否"))
			s->report_photo_required = 0;
		else
			return PFAIL(pp, "report_photo_required: 须为 yes 或 no");
	} else if (!strcmp(k, "reports")) {
		s->report_kinds = 0;
		if (strstr(v, "weekly"))
			s->report_kinds |= 1;
		if (strstr(v, "monthly"))
			s->report_kinds |= 2;
		if (!s->report_kinds)
			return PFAIL(pp, "reports: 须为 weekly、monthly 或 weekly,monthly");
	} else if (!strcmp(k, "units")) {
		char buf[256], *save = NULL, *tok;
		size_t i;
		free(s->unit_types);
		s->unit_types = NULL;
		s->n_unit_types = 0;
		if (strlen(v) >= sizeof buf)
			return PFAIL(pp, "units: 过长");
		memcpy(buf, v, strlen(v) + 1);
		for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
			Baosong__V1__UnitType *nt;
			for (i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
				if (!strcmp(tok, type_names[i].en) || !strcmp(tok, type_names[i].zh))
					break;
			if (i == sizeof type_names / sizeof type_names[0])
				return PFAIL(pp, "units: 未知的单位类型 “%s”（township, department, "
						 "bureau, soe）", tok);
			if (s->n_unit_types >= 4)
				return PFAIL(pp, "units: 类型重复");
			nt = realloc(s->unit_types, (s->n_unit_types + 1) * sizeof *nt);
			if (!nt)
				return PFAIL(pp, "内存不足");
			s->unit_types = nt;
			s->unit_types[s->n_unit_types++] = (Baosong__V1__UnitType)type_names[i].type;
		}
	} else {
		return PFAIL(pp, "[scheme]: 未知的设置 “%s”", k);
	}
	return 1;
}

static int on_indicator_key(struct parse *pp, Indicator *ind, const char *k, const char *v)
{
	static const char *const keys[] = {"label", "metric", "weight", "rule", "full", "steps"};
	unsigned u, i;

	/* Two sections of the same name in a row read like one: a key given
	 * twice shows it (and is a mistake anyway). */
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!strcmp(k, keys[i])) {
			if (pp->seen & (1u << i))
				return PFAIL(pp, "[indicator %s]: %s 写了两次（或该指标出现了两次）",
					     ind->code, k);
			pp->seen |= 1u << i;
		}
	if (!strcmp(k, "label")) {
		set_str(&ind->label, v);
	} else if (!strcmp(k, "metric")) {
		if (!(ind->metric = (Baosong__V1__Metric)metric_by_name(v)))
			return PFAIL(pp, "indicator %s: 未知的 metric “%s”（fai_completion, "
					 "fai_growth, new_starts, attraction, upward, timeliness, "
					 "approvals, stats）", ind->code, v);
	} else if (!strcmp(k, "weight")) {
		if (parse_uint(v, 100, &u))
			return PFAIL(pp, "indicator %s: 权重 “%s” 须为 1 至 100 的整数分",
				     ind->code, v);
		ind->weight = u;
	} else if (!strcmp(k, "rule")) {
		if (!strcmp(v, "linear"))
			ind->rule = BAOSONG__V1__SCORE_RULE__SCORE_LINEAR;
		else if (!strcmp(v, "steps"))
			ind->rule = BAOSONG__V1__SCORE_RULE__SCORE_STEPS;
		else
			return PFAIL(pp, "indicator %s: rule 须为 linear 或 steps", ind->code);
	} else if (!strcmp(k, "full")) {
		if (parse_pct(v, &ind->full_bp))
			return PFAIL(pp, "indicator %s: full 须写作百分数，如 100%%", ind->code);
	} else if (!strcmp(k, "steps")) {
		return parse_steps(pp, ind, v);
	} else {
		return PFAIL(pp, "indicator %s: 未知的设置 “%s”", ind->code, k);
	}
	return 1;
}

static int on_ini(void *ctx, const char *section, const char *k, const char *v)
{
	struct parse *pp = ctx;
	Scheme *s = pp->s;
	if (pp->failed)
		return 0;
	if (strcmp(section, pp->section) != 0) {
		/* A new section starts: an indicator section must be new. */
		size_t i;
		if (strlen(section) >= sizeof pp->section)
			return PFAIL(pp, "节名过长 [%.40s…]", section);
		memcpy(pp->section, section, strlen(section) + 1);
		pp->cur = NULL;
		if (!strncmp(section, "indicator ", 10))
			for (i = 0; i < s->n_indicators; i++)
				if (!strcmp(s->indicators[i]->code, section + 10))
					return PFAIL(pp, "[indicator %s] 出现了两次", section + 10);
	}
	if (!strcmp(section, "scheme"))
		return on_scheme_key(pp, k, v);
	if (!strncmp(section, "indicator ", 10)) {
		const char *code = section + 10;
		if (!pp->cur || strcmp(pp->cur->code, code) != 0) {
			size_t i;
			Indicator *ind;
			for (i = 0; i < s->n_indicators; i++)
				if (!strcmp(s->indicators[i]->code, code))
					return PFAIL(pp, "[indicator %s] 出现了两次", code);
			if (!code_ok(code))
				return PFAIL(pp, "[indicator %s]: 代码须为小写字母、数字或_", code);
			if (!(ind = malloc(sizeof *ind)))
				return PFAIL(pp, "内存不足");
			baosong__v1__indicator__init(ind);
			ind->code = xstrdup(code);
			ind->rule = BAOSONG__V1__SCORE_RULE__SCORE_LINEAR;
			ind->full_bp = BP_FULL;
			if (grow((void ***)&s->indicators, &s->n_indicators, ASSESS_INDICATORS_MAX,
				 ind)) {
				protobuf_c_message_free_unpacked(&ind->base, NULL);
				return PFAIL(pp, "指标至多 %u 个", ASSESS_INDICATORS_MAX);
			}
			pp->cur = ind;
			pp->seen = 0;
		}
		return on_indicator_key(pp, pp->cur, k, v);
	}
	if (!strcmp(section, "grades")) {
		GradeBand *g;
		int64_t c;
		if (parse_points(v, &c))
			return PFAIL(pp, "[grades] %s: 分数线须为 0 至 100 的分数", k);
		if (!(g = malloc(sizeof *g)))
			return PFAIL(pp, "内存不足");
		baosong__v1__grade_band__init(g);
		g->label = xstrdup(k);
		g->min_score_c = c;
		if (grow((void ***)&s->grades, &s->n_grades, ASSESS_GRADES_MAX, g)) {
			protobuf_c_message_free_unpacked(&g->base, NULL);
			return PFAIL(pp, "等次至多 %u 档", ASSESS_GRADES_MAX);
		}
		return 1;
	}
	return PFAIL(pp, "未知的节 [%s]（scheme, indicator 代码, grades）", section);
}

int assess_scheme_parse(const char *text, size_t len, Scheme **out, char *err, size_t cap)
{
	struct parse pp;
	Scheme *s;
	char *copy;
	int rc;

	if (len > ASSESS_SCHEME_TEXT_MAX)
		return errf(err, cap, "考核方案文件过大（至多 %u 字节）", ASSESS_SCHEME_TEXT_MAX),
		       BS_E_TOOBIG;
	if (memchr(text, '\0', len))
		return errf(err, cap, "考核方案文件含有 NUL 字节"), BS_E_INVAL;
	if (!(copy = malloc(len + 1)) || !(s = malloc(sizeof *s))) {
		free(copy);
		return errf(err, cap, "内存不足"), BS_E_NOMEM;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	baosong__v1__scheme__init(s);
	s->report_photo_required = 1;
	s->report_kinds = 1;
	memset(&pp, 0, sizeof pp);
	pp.s = s;
	pp.err = err;
	pp.cap = cap;
	/* A UTF-8 BOM (Windows editors) is not part of the first section name. */
	rc = ini_parse_string(!strncmp(copy, "\xEF\xBB\xBF", 3) ? copy + 3 : copy, on_ini, &pp);
	free(copy);
	if (!pp.failed && rc > 0)
		errf(err, cap, "第 %d 行无法解析", rc), pp.failed = 1;
	else if (!pp.failed && rc < 0)
		errf(err, cap, "无法读取考核方案"), pp.failed = 1;
	if (!pp.failed && !s->n_unit_types) {
		static const Baosong__V1__UnitType def[] = {
			BAOSONG__V1__UNIT_TYPE__UNIT_TOWNSHIP, BAOSONG__V1__UNIT_TYPE__UNIT_DEPARTMENT,
			BAOSONG__V1__UNIT_TYPE__UNIT_SOE};
		if ((s->unit_types = malloc(sizeof def))) {
			memcpy(s->unit_types, def, sizeof def);
			s->n_unit_types = 3;
		}
	}
	if (!pp.failed && assess_scheme_check(s, err, cap) != BS_OK)
		pp.failed = 1;
	if (pp.failed) {
		protobuf_c_message_free_unpacked(&s->base, NULL);
		return BS_E_INVAL;
	}
	*out = s;
	return BS_OK;
}

/* ---- INI text from a scheme ---- */

struct buf {
	char *p;
	size_t n, cap;
	int oom;
};

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = 1;
			return;
		}
		if (b->p && b->n + (size_t)n < b->cap) {
			b->n += (size_t)n;
			return;
		}
		{
			size_t nc = (b->cap ? b->cap * 2 : 1024) + (size_t)n;
			char *np = realloc(b->p, nc);
			if (!np) {
				b->oom = 1;
				return;
			}
			b->p = np;
			b->cap = nc;
		}
	}
}

static void bpct(struct buf *b, int64_t bp)
{
	int64_t a = bp < 0 ? -bp : bp;
	if (a % 100)
		bprintf(b, "%s%lld.%02lld%%", bp < 0 ? "-" : "", (long long)(a / 100),
			(long long)(a % 100));
	else
		bprintf(b, "%s%lld%%", bp < 0 ? "-" : "", (long long)(a / 100));
}

char *assess_scheme_format(const Scheme *s)
{
	struct buf b = {NULL, 0, 0, 0};
	size_t i, j;

	bprintf(&b, "[scheme]\nyear = %u\nname = %s\n", s->year, s->name ? s->name : "");
	if (s->note && *s->note)
		bprintf(&b, "note = %s\n", s->note);
	bprintf(&b, "report_photo_required = %s\nreports = %s\nunits = ",
		s->report_photo_required ? "yes" : "no",
		s->report_kinds == 3 ? "weekly,monthly" : s->report_kinds == 2 ? "monthly" : "weekly");
	for (i = 0; i < s->n_unit_types; i++)
		for (j = 0; j < sizeof type_names / sizeof type_names[0]; j++)
			if (type_names[j].type == (int)s->unit_types[i])
				bprintf(&b, "%s%s", i ? "," : "", type_names[j].en);
	bprintf(&b, "\n");
	for (i = 0; i < s->n_indicators; i++) {
		const Indicator *ind = s->indicators[i];
		bprintf(&b, "\n[indicator %s]\nlabel = %s\nmetric = %s\nweight = %u\n", ind->code,
			ind->label, metric_name((int)ind->metric) ? metric_name((int)ind->metric) : "?",
			ind->weight);
		if (ind->rule == BAOSONG__V1__SCORE_RULE__SCORE_STEPS) {
			bprintf(&b, "rule = steps\nsteps = ");
			for (j = 0; j < ind->n_steps; j++) {
				bprintf(&b, "%s", j ? ", " : "");
				bpct(&b, ind->steps[j]->min_bp);
				bprintf(&b, ":%u", ind->steps[j]->percent);
			}
			bprintf(&b, "\n");
		} else {
			bprintf(&b, "rule = linear\nfull = ");
			bpct(&b, ind->full_bp);
			bprintf(&b, "\n");
		}
	}
	bprintf(&b, "\n[grades]\n");
	for (i = 0; i < s->n_grades; i++) {
		int64_t c = s->grades[i]->min_score_c;
		if (c % 100)
			bprintf(&b, "%s = %lld.%02lld\n", s->grades[i]->label, (long long)(c / 100),
				(long long)(c % 100));
		else
			bprintf(&b, "%s = %lld\n", s->grades[i]->label, (long long)(c / 100));
	}
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

const char *assess_scheme_example(void)
{
	return "; 考核方案 assessment scheme (docs/ASSESSMENT.md).  Weights add up to 100.\n"
	       "[scheme]\n"
	       "year = 2026\n"
	       "name = 2026年度重点项目建设目标责任考核办法\n"
	       "report_photo_required = yes\n"
	       "reports = weekly\n"
	       "units = township,department,soe\n"
	       "\n"
	       "[indicator fai]\n"
	       "label = 固定资产投资完成率\n"
	       "metric = fai_completion\n"
	       "weight = 40\n"
	       "rule = linear\n"
	       "full = 100%\n"
	       "\n"
	       "[indicator growth]\n"
	       "label = 同比增速\n"
	       "metric = fai_growth\n"
	       "weight = 10\n"
	       "rule = linear\n"
	       "full = 100%\n"
	       "\n"
	       "[indicator starts]\n"
	       "label = 新开工项目\n"
	       "metric = new_starts\n"
	       "weight = 10\n"
	       "rule = linear\n"
	       "full = 100%\n"
	       "\n"
	       "[indicator attraction]\n"
	       "label = 招商引资到位资金\n"
	       "metric = attraction\n"
	       "weight = 10\n"
	       "rule = linear\n"
	       "full = 100%\n"
	       "\n"
	       "[indicator upward]\n"
	       "label = 向上争取资金\n"
	       "metric = upward\n"
	       "weight = 10\n"
	       "rule = linear\n"
	       "full = 100%\n"
	       "\n"
	       "[indicator timeliness]\n"
	       "label = 按时报送（常态化督导）\n"
	       "metric = timeliness\n"
	       "weight = 10\n"
	       "rule = steps\n"
	       "steps = 100%:100, 95%:80, 90%:60, 80%:40, 0%:0\n"
	       "\n"
	       "[indicator approvals]\n"
	       "label = 前期手续按期办结\n"
	       "metric = approvals\n"
	       "weight = 5\n"
	       "rule = linear\n"
	       "full = 100%\n"
	       "\n"
	       "[indicator stats]\n"
	       "label = 入库纳统\n"
	       "metric = stats\n"
	       "weight = 5\n"
	       "rule = linear\n"
	       "full = 100%\n"
	       "\n"
	       "[grades]\n"
	       "优秀 = 90\n"
	       "良好 = 80\n"
	       "一般 = 60\n"
	       "较差 = 0\n";
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

/* Score one unit: scores, total, completion, growth, grade, flags that do
 * not depend on the others. */
static int score_unit(const Scheme *s, const UnitInput *u, int graded, UnitResult *r,
		      char *explain, size_t cap)
{
	int64_t sum = 0;
	unsigned wsum = 0;
	size_t i, na_len = 0;
	char na[400] = "";

	r->unit_code = xstrdup(u->unit_code);
	r->scores_c = calloc(s->n_indicators ? s->n_indicators : 1, sizeof *r->scores_c);
	if (!r->unit_code || !r->scores_c)
		return BS_E_NOMEM;
	r->n_scores_c = s->n_indicators;
	for (i = 0; i < s->n_indicators; i++) {
		const Indicator *ind = s->indicators[i];
		const char *why = "";
		int64_t bp = 0;
		if (!attainment((int)ind->metric, u, &bp, &why)) {
			r->scores_c[i] = -1;
			/* Short (indicator code and a few characters of reason):
			 * a county's publication carries every unit's
			 * explanation; docs/ASSESSMENT.md has the rules. */
			if (na_len + strlen(ind->code) + strlen(why) + 8 < sizeof na) {
				snprintf(na + na_len, sizeof na - na_len, "%s%s（%s）",
					 na_len ? "、" : "", ind->code, why);
				na_len = strlen(na);
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
		r->grade = xstrdup(i < s->n_grades ? s->grades[i]->label : "");
	} else {
		r->grade = xstrdup("");
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
		    !money_ok(u->upward_target_fen))
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

int assess_compute(const Scheme *s, const AssessInputs *in, Publication **out)
{
	Publication *p;
	struct row *rows = NULL;
	char explain[EXPLAIN_MAX];
	size_t i, j, n = in->n_units;
	int scope = (int)in->scope, rv = BS_E_NOMEM;
	int by_total = scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER ||
		       scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR;
	uint32_t last_rank = 0, n_ranked = 0;

	if (!inputs_ok(s, in))
		return BS_E_INVAL;
	if (!(p = malloc(sizeof *p)))
		return BS_E_NOMEM;
	baosong__v1__publication__init(p);
	p->scope = in->scope;
	p->period = xstrdup(in->period);
	p->title = xstrdup("");
	p->scheme_year = s->year;
	p->scheme_version = s->version;
	p->as_of_ms = in->as_of_ms;
	p->engine = ASSESS_ENGINE;
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

	/* Each unit on its own. */
	for (i = 0; i < n; i++) {
		UnitResult *r = malloc(sizeof *r);
		if (!r)
			goto out;
		baosong__v1__unit_result__init(r);
		p->results[p->n_results++] = r;
		explain[0] = '\0';
		if ((rv = score_unit(s, in->units[i], by_total, r, explain, sizeof explain)) != BS_OK)
			goto out;
		rv = BS_E_NOMEM;
		rows[i].in = in->units[i];
		rows[i].out = r;
		rows[i].index = i;
		rows[i].has_key = by_total ? r->has_total : r->has_completion;
		rows[i].key = by_total ? r->total_c : r->completion_bp;
		if (!rows[i].has_key)
			append(explain, sizeof explain, "%s", by_total ? "无可计分指标，不参与排名"
							: "未下达投资目标，不参与排名");
		if (!(r->explain = xstrdup(explain)))
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
				char others[200] = "";
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
						 shown ? "、" : "", rows[m].in->unit_code);
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
				if (!(r->explain = xstrdup(explain)))
					goto out;
			}
		}
		last_rank = (uint32_t)i + 1;
	}

	/* Consequences: the last place (when there is a real last: at least two
	 * ranked units not all tied), the annual grades. */
	for (i = 0; i < n; i++) {
		UnitResult *r = rows[i].out;
		uint32_t flag = 0;
		if (r->rank && r->rank == last_rank && last_rank > 1 && n_ranked >= 2) {
			if (scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH)
				flag = ASSESS_FLAG_LAST_MONTH;
			else if (scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER)
				flag = ASSESS_FLAG_LAST_QUARTER;
		}
		if (scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR && r->grade) {
			if (!strcmp(r->grade, "一般"))
				flag |= ASSESS_FLAG_ANNUAL_FAIR;
			else if (!strcmp(r->grade, "较差"))
				flag |= ASSESS_FLAG_ANNUAL_POOR;
		}
		r->flags |= flag;
		if (r->flags & (ASSESS_FLAG_LAST_MONTH | ASSESS_FLAG_LAST_QUARTER |
				ASSESS_FLAG_ANNUAL_FAIR | ASSESS_FLAG_ANNUAL_POOR |
				ASSESS_FLAG_ACCEPTANCE_FAILED)) {
			unsigned b;
			snprintf(explain, sizeof explain, "%s", r->explain);
			for (b = 0; b < 5; b++)
				if (r->flags & (1u << b))
					append(explain, sizeof explain, "%s", flag_labels[b]);
			free(r->explain);
			if (!(r->explain = xstrdup(explain)))
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
