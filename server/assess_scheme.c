/* assess_scheme.c - assessment schemes as data: INI text <-> Scheme, the
 * checks a scheme must pass, and the built-in example.  The rules are in
 * docs/ASSESSMENT.md. */
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "assess_int.h"
#include "err.h"
#include "period.h"

typedef Baosong__V1__Scheme Scheme;
typedef Baosong__V1__Indicator Indicator;
typedef Baosong__V1__GradeBand GradeBand;
typedef Baosong__V1__ScoreStep ScoreStep;
typedef Baosong__V1__AdjustItem AdjustItem;
typedef Baosong__V1__BottomRule BottomRule;

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
		return assess__errf(err, cap, "year: 考核年度须在 2000 至 2200 之间"), BS_E_INVAL;
	/* Lengths keep every line of the formatted scheme readable again. */
	if (s->name && !text_ok(s->name))
		return assess__errf(err, cap, "name: 须为 UTF-8 文字，不含控制字符，不以空格、“;”或“#”开头"
				      "或结尾，不含“ ;”“ #”"), BS_E_INVAL;
	if (!s->name || !*s->name || strlen(s->name) > 180)
		return assess__errf(err, cap, "name: 须填写考核方案名称（至多 180 字节，约 60 个汉字）"),
		       BS_E_INVAL;
	if (s->n_indicators < 1 || s->n_indicators > ASSESS_INDICATORS_MAX)
		return assess__errf(err, cap, "indicator: 指标须有 1 至 %u 个", ASSESS_INDICATORS_MAX),
		       BS_E_INVAL;
	for (i = 0; i < s->n_indicators; i++) {
		const Indicator *ind = s->indicators[i];
		if (!code_ok(ind->code))
			return assess__errf(err, cap, "indicator %zu: 代码须为 1 至 32 个小写字母、数字或_",
				    i + 1), BS_E_INVAL;
		for (j = 0; j < i; j++)
			if (!strcmp(s->indicators[j]->code, ind->code))
				return assess__errf(err, cap, "indicator %s: 指标代码重复", ind->code),
				       BS_E_INVAL;
		if (!ind->label || !*ind->label || strlen(ind->label) > 100 || !text_ok(ind->label))
			return assess__errf(err, cap, "indicator %s: 须填写指标名称 label（至多 100 字节的"
					      " UTF-8 文字，首尾无空格，不含注释符）",
				    ind->code), BS_E_INVAL;
		if (!assess__metric_name((int)ind->metric))
			return assess__errf(err, cap, "indicator %s: 未知的 metric", ind->code), BS_E_INVAL;
		if (ind->weight < 1 || ind->weight > 100)
			return assess__errf(err, cap, "indicator %s: 权重须为 1 至 100 分", ind->code),
			       BS_E_INVAL;
		total += ind->weight;
		if (ind->rule == BAOSONG__V1__SCORE_RULE__SCORE_LINEAR) {
			if (ind->full_bp < 100 || ind->full_bp > 100 * BP_FULL || ind->n_steps)
				return assess__errf(err, cap, "indicator %s: linear 规则的 full 须在 1%% 至"
						      " 10000%% 之间，且不能有 steps", ind->code),
				       BS_E_INVAL;
		} else if (ind->rule == BAOSONG__V1__SCORE_RULE__SCORE_STEPS) {
			if (ind->n_steps < 1 || ind->n_steps > ASSESS_STEPS_MAX)
				return assess__errf(err, cap, "indicator %s: steps 须有 1 至 %u 档",
					    ind->code, ASSESS_STEPS_MAX), BS_E_INVAL;
			for (j = 0; j < ind->n_steps; j++) {
				const ScoreStep *st = ind->steps[j];
				if (st->percent > 100 || st->min_bp < -100 * BP_FULL ||
				    st->min_bp > 100 * BP_FULL)
					return assess__errf(err, cap, "indicator %s: 第 %zu 档无效（得分比例"
							      " 0 至 100）", ind->code, j + 1),
					       BS_E_INVAL;
				if (j && st->min_bp >= ind->steps[j - 1]->min_bp)
					return assess__errf(err, cap, "indicator %s: steps 须从高到低排列",
						    ind->code), BS_E_INVAL;
			}
		} else {
			return assess__errf(err, cap, "indicator %s: rule 须为 linear 或 steps", ind->code),
			       BS_E_INVAL;
		}
	}
	if (total != 100)
		return assess__errf(err, cap, "weight: 各指标权重之和须为 100 分，现为 %u 分", total),
		       BS_E_INVAL;
	if (s->n_grades < 1 || s->n_grades > ASSESS_GRADES_MAX)
		return assess__errf(err, cap, "grades: 等次须有 1 至 %u 档", ASSESS_GRADES_MAX), BS_E_INVAL;
	for (i = 0; i < s->n_grades; i++) {
		const GradeBand *g = s->grades[i];
		if (!g->label || !*g->label || strlen(g->label) > 30 || !text_ok(g->label) ||
		    strchr(g->label, '=') || strchr(g->label, ':') || strchr(g->label, '['))
			return assess__errf(err, cap, "grades: 第 %zu 档须有名称", i + 1), BS_E_INVAL;
		if (g->min_score_c < 0 || g->min_score_c > 10000 ||
		    (i && g->min_score_c >= s->grades[i - 1]->min_score_c))
			return assess__errf(err, cap, "grades: 分数线须在 0 至 100 之间且从高到低"),
			       BS_E_INVAL;
	}
	if (s->grades[s->n_grades - 1]->min_score_c != 0)
		return assess__errf(err, cap, "grades: 最后一档的分数线须为 0"), BS_E_INVAL;
	if (s->report_kinds < 1 || s->report_kinds > 3)
		return assess__errf(err, cap, "reports: 须为 weekly、monthly 或 weekly,monthly"), BS_E_INVAL;
	if (s->n_unit_types < 1 || s->n_unit_types > 4)
		return assess__errf(err, cap, "units: 须列出参加排名的单位类型"), BS_E_INVAL;
	for (i = 0; i < s->n_unit_types; i++)
		if (!unit_type_ok((int)s->unit_types[i]))
			return assess__errf(err, cap, "units: 未知的单位类型"), BS_E_INVAL;
	if (s->effective_date && *s->effective_date) {
		int64_t d;
		int ey;
		unsigned em, ed;
		if (period_parse_date(s->effective_date, &d) != BS_OK)
			return assess__errf(err, cap, "effective: 施行日期须写作 YYYY-MM-DD"), BS_E_INVAL;
		period_civil_from_days(d, &ey, &em, &ed);
		if (ey > (int)s->year)
			return assess__errf(err, cap, "effective: 施行日期不能晚于考核年度 %u 年", s->year),
			       BS_E_INVAL;
	}
	if (s->n_adjust_items > ASSESS_ADJUST_MAX)
		return assess__errf(err, cap, "adjust: 加分项和扣分项至多 %u 个", ASSESS_ADJUST_MAX),
		       BS_E_INVAL;
	for (i = 0; i < s->n_adjust_items; i++) {
		const AdjustItem *a = s->adjust_items[i];
		if (!code_ok(a->code))
			return assess__errf(err, cap, "adjust %zu: 代码须为 1 至 32 个小写字母、数字或_", i + 1),
			       BS_E_INVAL;
		for (j = 0; j < i; j++)
			if (!strcmp(s->adjust_items[j]->code, a->code))
				return assess__errf(err, cap, "adjust %s: 代码重复", a->code), BS_E_INVAL;
		if (!a->label || !*a->label || strlen(a->label) > 100 || !text_ok(a->label))
			return assess__errf(err, cap, "adjust %s: 须填写名称 label（至多 100 字节）", a->code),
			       BS_E_INVAL;
		if (a->points_c == 0 || a->points_c < -10000 || a->points_c > 10000)
			return assess__errf(err, cap, "adjust %s: points 须为 -100 至 100 分且不为 0（正数为"
					      "加分，负数为扣分）", a->code), BS_E_INVAL;
		if (a->cap_c <= 0 || a->cap_c > 10000)
			return assess__errf(err, cap, "adjust %s: cap（封顶分值）须在 0 至 100 分之间且大于 0",
				    a->code), BS_E_INVAL;
	}
	if (s->n_bottom_rules > ASSESS_BOTTOM_MAX)
		return assess__errf(err, cap, "bottom: 末位规则至多 %u 条", ASSESS_BOTTOM_MAX), BS_E_INVAL;
	for (i = 0; i < s->n_bottom_rules; i++) {
		const BottomRule *b = s->bottom_rules[i];
		if (b->scope < BAOSONG__V1__ASSESS_SCOPE__ASSESS_WEEK ||
		    b->scope > BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR)
			return assess__errf(err, cap, "bottom: 范围须为 week、month、quarter 或 year"),
			       BS_E_INVAL;
		if (b->last > 100 || (b->has_below && (b->below_c < 0 || b->below_c > 10000)))
			return assess__errf(err, cap, "bottom %s: last 至多 100，below 须在 0 至 100 分之间",
				    assess_scope_name((int)b->scope)), BS_E_INVAL;
		if (!b->consequence || strlen(b->consequence) > 100 ||
		    (*b->consequence && !text_ok(b->consequence)))
			return assess__errf(err, cap, "bottom %s: consequence 至多 100 字节的一行文字",
				    assess_scope_name((int)b->scope)), BS_E_INVAL;
	}
	for (i = 0; i < s->n_indicators; i++)
		if (s->indicators[i]->growth_full_bp &&
		    (s->indicators[i]->metric != BAOSONG__V1__METRIC__METRIC_FAI_GROWTH ||
		     s->indicators[i]->growth_full_bp < 1 || s->indicators[i]->growth_full_bp > 100 * BP_FULL))
			return assess__errf(err, cap, "indicator %s: growth_full 只用于 fai_growth，须在 0.01%% 至"
					      " 10000%% 之间", s->indicators[i]->code), BS_E_INVAL;
	if (s->note && (strlen(s->note) > 180 || !text_ok(s->note)))
		return assess__errf(err, cap, "note: 至多 180 字节（约 60 个汉字）的一行 UTF-8 文字，首尾无"
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
	BottomRule *cur_bottom;    /* the [bottom ...] being read */
};

#define PFAIL(pp, ...) (assess__errf((pp)->err, (pp)->cap, __VA_ARGS__), (pp)->failed = 1, 0)

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
		assess__set_str(&s->name, v);
	} else if (!strcmp(k, "note")) {
		assess__set_str(&s->note, v);
	} else if (!strcmp(k, "effective") || !strcmp(k, "施行日期")) {
		int64_t d;
		if (period_parse_date(v, &d) != BS_OK)
			return PFAIL(pp, "effective: 施行日期 “%s” 须写作 YYYY-MM-DD", v);
		assess__set_str(&s->effective_date, v);
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
	static const char *const keys[] = {"label", "metric", "weight", "rule",
					   "full",  "steps",  "growth_full"};
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
		assess__set_str(&ind->label, v);
	} else if (!strcmp(k, "metric")) {
		if (!(ind->metric = (Baosong__V1__Metric)assess__metric_by_name(v)))
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
	} else if (!strcmp(k, "growth_full")) {
		if (parse_pct(v, &ind->growth_full_bp))
			return PFAIL(pp, "indicator %s: growth_full 须写作百分数，如 15%%", ind->code);
	} else {
		return PFAIL(pp, "indicator %s: 未知的设置 “%s”", ind->code, k);
	}
	return 1;
}

/* [adjust CODE]: label, points (+2 / -3), cap (4). */
static int on_adjust_key(struct parse *pp, const char *code, const char *k, const char *v)
{
	Scheme *s = pp->s;
	AdjustItem *a = NULL;
	size_t i;
	int64_t c;
	int neg = 0;
	for (i = 0; i < s->n_adjust_items; i++)
		if (!strcmp(s->adjust_items[i]->code, code))
			a = s->adjust_items[i];
	if (!a) {
		if (!code_ok(code))
			return PFAIL(pp, "[adjust %s]: 代码须为小写字母、数字或_", code);
		if (!(a = malloc(sizeof *a)))
			return PFAIL(pp, "内存不足");
		baosong__v1__adjust_item__init(a);
		a->code = assess__strdup(code);
		if (grow((void ***)&s->adjust_items, &s->n_adjust_items, ASSESS_ADJUST_MAX, a)) {
			protobuf_c_message_free_unpacked(&a->base, NULL);
			return PFAIL(pp, "加分项和扣分项至多 %u 个", ASSESS_ADJUST_MAX);
		}
	}
	if (!strcmp(k, "label")) {
		assess__set_str(&a->label, v);
	} else if (!strcmp(k, "points") || !strcmp(k, "cap")) {
		const char *t = v;
		if (*t == '-' || *t == '+')
			neg = *t++ == '-';
		if (parse_hundredths(&t, 4, &c) || *t || (neg && !strcmp(k, "cap")))
			return PFAIL(pp, "[adjust %s] %s: 须为分数，如 2、-3、1.5", code, k);
		if (!strcmp(k, "points"))
			a->points_c = neg ? -c : c;
		else
			a->cap_c = c;
	} else {
		return PFAIL(pp, "[adjust %s]: 未知的设置 “%s”（label, points, cap）", code, k);
	}
	return 1;
}

/* [bottom SCOPE] or [bottom SCOPE NAME]: last, below, consequence. */
static int on_bottom_key(struct parse *pp, const char *name, const char *k, const char *v)
{
	Scheme *s = pp->s;
	BottomRule *b;
	char scope_s[32];
	size_t n = strcspn(name, " ");
	unsigned u;
	int scope;
	if (n >= sizeof scope_s)
		return PFAIL(pp, "[bottom %s]: 范围须为 week、month、quarter 或 year", name);
	memcpy(scope_s, name, n);
	scope_s[n] = '\0';
	if (!(scope = assess_scope_parse(scope_s)))
		return PFAIL(pp, "[bottom %s]: 范围须为 week、month、quarter 或 year", name);
	/* A new section starts a new rule (on_ini clears pp->cur_bottom). */
	if (!pp->cur_bottom) {
		if (!(b = malloc(sizeof *b)))
			return PFAIL(pp, "内存不足");
		baosong__v1__bottom_rule__init(b);
		b->scope = (Baosong__V1__AssessScope)scope;
		if (grow((void ***)&s->bottom_rules, &s->n_bottom_rules, ASSESS_BOTTOM_MAX, b)) {
			protobuf_c_message_free_unpacked(&b->base, NULL);
			return PFAIL(pp, "末位规则至多 %u 条", ASSESS_BOTTOM_MAX);
		}
		pp->cur_bottom = b;
	}
	b = pp->cur_bottom;
	if (!strcmp(k, "last")) {
		if (parse_uint(v, 100, &u))
			return PFAIL(pp, "[bottom %s] last: 须为 0 至 100 的整数（最后几名）", name);
		b->last = u;
	} else if (!strcmp(k, "below")) {
		if (parse_points(v, &b->below_c))
			return PFAIL(pp, "[bottom %s] below: 须为 0 至 100 的分数", name);
		b->has_below = 1;
	} else if (!strcmp(k, "consequence")) {
		assess__set_str(&b->consequence, v);
	} else {
		return PFAIL(pp, "[bottom %s]: 未知的设置 “%s”（last, below, consequence）", name, k);
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
		pp->cur_bottom = NULL;
		if (!strncmp(section, "adjust ", 7))
			for (i = 0; i < s->n_adjust_items; i++)
				if (!strcmp(s->adjust_items[i]->code, section + 7))
					return PFAIL(pp, "[adjust %s] 出现了两次", section + 7);
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
			ind->code = assess__strdup(code);
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
		g->label = assess__strdup(k);
		g->min_score_c = c;
		if (grow((void ***)&s->grades, &s->n_grades, ASSESS_GRADES_MAX, g)) {
			protobuf_c_message_free_unpacked(&g->base, NULL);
			return PFAIL(pp, "等次至多 %u 档", ASSESS_GRADES_MAX);
		}
		return 1;
	}
	if (!strncmp(section, "adjust ", 7))
		return on_adjust_key(pp, section + 7, k, v);
	if (!strncmp(section, "bottom ", 7))
		return on_bottom_key(pp, section + 7, k, v);
	return PFAIL(pp, "未知的节 [%s]（scheme, indicator 代码, adjust 代码, bottom 范围, grades）",
		     section);
}

int assess_scheme_parse(const char *text, size_t len, Scheme **out, char *err, size_t cap)
{
	struct parse pp;
	Scheme *s;
	char *copy;
	int rc;

	if (len > ASSESS_SCHEME_TEXT_MAX)
		return assess__errf(err, cap, "考核方案文件过大（至多 %u 字节）", ASSESS_SCHEME_TEXT_MAX),
		       BS_E_TOOBIG;
	if (memchr(text, '\0', len))
		return assess__errf(err, cap, "考核方案文件含有 NUL 字节"), BS_E_INVAL;
	if (!(copy = malloc(len + 1)) || !(s = malloc(sizeof *s))) {
		free(copy);
		return assess__errf(err, cap, "内存不足"), BS_E_NOMEM;
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
		assess__errf(err, cap, "第 %d 行无法解析", rc), pp.failed = 1;
	else if (!pp.failed && rc < 0)
		assess__errf(err, cap, "无法读取考核方案"), pp.failed = 1;
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
	if (s->effective_date && *s->effective_date)
		bprintf(&b, "effective = %s\n", s->effective_date);
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
			ind->label, assess__metric_name((int)ind->metric) ? assess__metric_name((int)ind->metric) : "?",
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
		if (ind->growth_full_bp) {
			bprintf(&b, "growth_full = ");
			bpct(&b, ind->growth_full_bp);
			bprintf(&b, "\n");
		}
	}
	for (i = 0; i < s->n_adjust_items; i++) {
		const AdjustItem *a = s->adjust_items[i];
		int64_t p = a->points_c < 0 ? -a->points_c : a->points_c;
		bprintf(&b, "\n[adjust %s]\nlabel = %s\npoints = %s%lld.%02lld\ncap = %lld.%02lld\n",
			a->code, a->label, a->points_c < 0 ? "-" : "", (long long)(p / 100),
			(long long)(p % 100), (long long)(a->cap_c / 100), (long long)(a->cap_c % 100));
	}
	for (i = 0; i < s->n_bottom_rules; i++) {
		const BottomRule *r = s->bottom_rules[i];
		bprintf(&b, "\n[bottom %s %zu]\nlast = %u\n", assess_scope_name((int)r->scope), i + 1,
			r->last);
		if (r->has_below)
			bprintf(&b, "below = %lld.%02lld\n", (long long)(r->below_c / 100),
				(long long)(r->below_c % 100));
		if (r->consequence && *r->consequence)
			bprintf(&b, "consequence = %s\n", r->consequence);
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


/* ---- which version is in force ---- */

int64_t assess_scheme_effective_day(const Scheme *s)
{
	int64_t d;
	if (s->effective_date && *s->effective_date &&
	    period_parse_date(s->effective_date, &d) == BS_OK)
		return d;
	if (s->version <= 1 || s->created_at_ms <= 0)
		return period_days_from_civil((int)s->year, 1, 1);
	/* The Shanghai day of the moment it was stored. */
	return (s->created_at_ms / 1000 + 8 * 3600) / 86400;
}

size_t assess_scheme_in_force(const Scheme *const *v, size_t n, int64_t day)
{
	size_t i, best = n, first = 0;
	for (i = 0; i < n; i++) {
		int64_t e = assess_scheme_effective_day(v[i]);
		int64_t f = assess_scheme_effective_day(v[first]);
		if (e < f || (e == f && v[i]->version > v[first]->version))
			first = i;
		if (e > day)
			continue;
		if (best == n) {
			best = i;
			continue;
		}
		int64_t b = assess_scheme_effective_day(v[best]);
		if (e > b || (e == b && v[i]->version > v[best]->version))
			best = i;
	}
	return best < n ? best : first;
}
