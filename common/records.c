/* records.c - the record kinds, their validation, and what follows from
 * them: thresholds, deadlines, and enum values in words people use.
 *
 * Every kind's data is decoded with a capped allocator and checked by its
 * validator; the first rule broken is reported with the proto field's name
 * and a Chinese message. */
#include "records.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "money.h"
#include "period.h"
#include "utf8.h"
#include "wire.h"

#define DECODE_MEM (256u * 1024u) /* protobuf-c memory for one record */
#define SHORT_TEXT_MAX 100u       /* an approval item, a sector, a leader's name ... */
#define PROJECT_CODE_MAX 64u      /* 全国投资项目代码 */
#define UNIT_CODE_MAX 32u
#define PHONE_MAX 32u
#define REGION_LEN 6u
#define EVIDENCE_HASH_LEN 32u     /* BLAKE2b-256 */
#define YEAR_MIN 2000             /* plan years and target years */
#define YEAR_MAX 2100
#define GROWTH_BP_MIN (-10000)    /* -100% */
#define GROWTH_BP_MAX 100000      /* +1000% */

/* What a validator gets: who writes, and where to say what is wrong. */
struct vctx {
	const struct rec_ctx *c;
	struct rec_error *err;
	int check_role;           /* values reserved to a role are checked */
};

typedef int (*validate_fn)(const ProtobufCMessage *m, const struct vctx *v);

/* ---- errors ---- */

static int fail(struct rec_error *err, const char *field, const char *msg)
{
	snprintf(err->field, sizeof err->field, "%s", field);
	snprintf(err->msg, sizeof err->msg, "%s", msg);
	return BS_E_INVAL;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int failf(struct rec_error *err, const char *field, const char *fmt, ...)
{
	va_list ap;
	snprintf(err->field, sizeof err->field, "%s", field);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return BS_E_INVAL;
}

static int forbid(struct rec_error *err, const char *field, const char *msg)
{
	fail(err, field, msg);
	return BS_E_FORBIDDEN;
}

void records_error_text(const struct rec_error *err, char *out, size_t cap)
{
	snprintf(out, cap, "%s: %s", err->field, err->msg);
}

/* ---- uids ---- */

int records_uid_valid(const char *uid)
{
	size_t i;
	for (i = 0; i < REC_UID_LEN; i++) {
		char c = uid[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	return uid[REC_UID_LEN] == '\0';
}

void records_new_uid(char out[REC_UID_LEN + 1])
{
	uint8_t r[REC_UID_LEN / 2];
	randombytes_buf(r, sizeof r);
	sodium_bin2hex(out, REC_UID_LEN + 1, r, sizeof r);
}

/* ---- field checks ---- */

static int is_set(const char *s)
{
	return s && *s;
}

/* Valid UTF-8 without control characters (tab, newline and carriage
 * return allowed in free text), at most max bytes. */
static int text_ok(const char *s, size_t max, int multiline)
{
	size_t n = strlen(s), i = 0;
	if (n > max)
		return 0;
	while (i < n) {
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		if (len == 0 || cp == 0x7f ||
		    (cp < 0x20 && !(multiline && (cp == '\n' || cp == '\t' || cp == '\r'))))
			return 0;
		i += len;
	}
	return 1;
}

/* What is wrong with text s, or NULL. */
static const char *text_problem(const char *s, size_t max, int required, int multiline)
{
	if (!is_set(s))
		return required ? "必须填写" : NULL;
	if (!text_ok(s, max, multiline))
		return strlen(s) > max ? "内容过长" : "含有无效字符（须为 UTF-8 文本）";
	return NULL;
}

static int check_text(struct rec_error *err, const char *field, const char *s, size_t max,
		      int required, int multiline)
{
	const char *msg = text_problem(s, max, required, multiline);
	return msg ? fail(err, field, msg) : BS_OK;
}

static int check_money(struct rec_error *err, const char *field, int64_t fen)
{
	if (fen < 0)
		return fail(err, field, "金额不能为负数");
	if (fen > MONEY_MAX_FEN)
		return fail(err, field, "金额超出范围");
	return BS_OK;
}

/* sum + fen for amounts already checked to be in [0, MONEY_MAX_FEN]:
 * saturates just above MONEY_MAX_FEN, so it never overflows and still
 * compares greater than any valid amount. */
static int64_t money_add(int64_t sum, int64_t fen)
{
	sum += fen;
	return sum > MONEY_MAX_FEN ? MONEY_MAX_FEN + 1 : sum;
}

/* value is one of d's values other than 0 (unspecified). */
static int check_enum(struct rec_error *err, const char *field, const ProtobufCEnumDescriptor *d,
		      int value, const char *what)
{
	if (value == 0)
		return failf(err, field, "请选择%s", what);
	if (!protobuf_c_enum_descriptor_get_value(d, value))
		return failf(err, field, "%s无效", what);
	return BS_OK;
}

/* A "YYYY-MM-DD" date, if given (or required); its day number into *days
 * (if days is not NULL). */
static int check_date(struct rec_error *err, const char *field, const char *s, int required,
		      int64_t *days)
{
	int64_t d;
	if (!is_set(s))
		return required ? fail(err, field, "必须填写") : BS_OK;
	if (period_parse_date(s, &d) != BS_OK)
		return fail(err, field, "日期格式应为 YYYY-MM-DD");
	if (days)
		*days = d;
	return BS_OK;
}

static int all_digits(const char *s, size_t n, int *out)
{
	int v = 0;
	size_t i;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	if (out)
		*out = v;
	return 1;
}

/* "YYYY-MM" -> day numbers of the month's first day and of the next
 * month's first day.  Years as for dates (1900..2200). */
static int parse_month(const char *s, int64_t *first, int64_t *next)
{
	int y, m;
	if (!s || strlen(s) != 7 || s[4] != '-' || !all_digits(s, 4, &y) ||
	    !all_digits(s + 5, 2, &m))
		return BS_E_INVAL;
	if (y < 1900 || y > 2200 || m < 1 || m > 12)
		return BS_E_INVAL;
	*first = period_days_from_civil(y, (unsigned)m, 1);
	if (next)
		*next = m == 12 ? period_days_from_civil(y + 1, 1, 1)
				: period_days_from_civil(y, (unsigned)m + 1, 1);
	return BS_OK;
}

/* "YYYY" or "YYYY-Q1" .. "YYYY-Q4". */
static int target_period_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	int y;
	if ((n != 4 && n != 7) || !all_digits(s, 4, &y) || y < YEAR_MIN || y > YEAR_MAX)
		return 0;
	return n == 4 || (s[4] == '-' && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4');
}

/* 全国投资项目代码: 1..64 of [0-9A-Za-z-]. */
static int project_code_ok(const char *s)
{
	size_t n = strlen(s), i;
	if (n < 1 || n > PROJECT_CODE_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '-'))
			return 0;
	}
	return 1;
}

/* A unit's own code: 1..32 of [a-z0-9_.-]. */
static int unit_code_ok(const char *s)
{
	size_t n = strlen(s), i;
	if (n < 1 || n > UNIT_CODE_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '_' || c == '.' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

/* At most 32 of digits, blanks, '-' and '+'. */
static int phone_ok(const char *s)
{
	size_t n = strlen(s), i;
	if (n > PHONE_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || c == ' ' || c == '-' || c == '+'))
			return 0;
	}
	return 1;
}

/* The day (Shanghai) of now. */
static int64_t today(const struct vctx *v)
{
	return period_local_days(v->c->now_ms);
}

/* ---- references to other records ---- */

/* A project named by uid: well formed, existing (when a lookup is given)
 * and, unless any or the writer may reference any unit, the owning unit's.
 * The project's total investment into *total_fen (if not NULL; 0 if not
 * looked up).  A failing lookup is returned as is with err left blank. */
static int check_project_ref(const struct vctx *v, const char *field, const char *uid,
			     int required, int any, int64_t *total_fen)
{
	const struct rec_lookup *lk = v->c->lookup;
	int64_t unit = 0, total = 0;
	int stage = 0, rv;

	if (total_fen)
		*total_fen = 0;
	if (!is_set(uid))
		return required ? fail(v->err, field, "项目标识无效") : BS_OK;
	if (!records_uid_valid(uid))
		return fail(v->err, field, "项目标识无效");
	if (!lk || !lk->project)
		return BS_OK;
	rv = lk->project(lk->ctx, uid, &unit, &total, &stage);
	if (rv == BS_E_NOTFOUND)
		return fail(v->err, field, "项目不存在");
	if (rv != BS_OK)
		return rv;
	if (!any && !v->c->any_unit && unit != v->c->unit_id)
		return forbid(v->err, field, "不能为其他单位的项目填报");
	if (total_fen)
		*total_fen = total;
	return BS_OK;
}

/* Whether unit code exists (when a lookup is given): 0, BS_E_NOTFOUND, or
 * the lookup's error. */
static int unit_exists(const struct vctx *v, const char *code)
{
	const struct rec_lookup *lk = v->c->lookup;
	int64_t id = 0;
	if (!lk || !lk->unit)
		return BS_OK;
	return lk->unit(lk->ctx, code, &id);
}

/* A unit named by code, if given (or required). */
static int check_unit_ref(const struct vctx *v, const char *field, const char *code,
			  int required)
{
	int rv;
	if ((rv = check_text(v->err, field, code, REC_NAME_MAX, required, 0)) != BS_OK ||
	    !is_set(code))
		return rv;
	rv = unit_exists(v, code);
	if (rv == BS_E_NOTFOUND)
		return fail(v->err, field, "单位不存在");
	return rv;
}

/* ---- project ---- */

static int validate_funding_sources(const Baosong__V1__Project *p, const struct vctx *v)
{
	int64_t sum = 0;
	size_t i;
	for (i = 0; i < p->n_funding; i++) {
		const Baosong__V1__FundingSource *f = p->funding[i];
		const char *msg = text_problem(f->source, SHORT_TEXT_MAX, 1, 0);
		if (msg)
			return failf(v->err, "funding", "第 %zu 项资金来源：%s", i + 1, msg);
		if (f->amount_fen < 0)
			return failf(v->err, "funding", "第 %zu 项资金来源：金额不能为负数", i + 1);
		if (f->amount_fen > MONEY_MAX_FEN)
			return failf(v->err, "funding", "第 %zu 项资金来源：金额超出范围", i + 1);
		sum = money_add(sum, f->amount_fen);
	}
	if (sum > p->total_investment_fen)
		return fail(v->err, "funding", "资金来源合计超过总投资");
	return BS_OK;
}

static int validate_responsible_units(const Baosong__V1__Project *p, const struct vctx *v)
{
	size_t i, j;
	int rv;
	for (i = 0; i < p->n_responsible_units; i++) {
		const char *u = p->responsible_units[i];
		const char *msg = text_problem(u, REC_NAME_MAX, 1, 0);
		if (msg)
			return failf(v->err, "responsible_units", "第 %zu 个责任单位：%s", i + 1, msg);
		for (j = 0; j < i; j++)
			if (strcmp(p->responsible_units[j], u) == 0)
				return failf(v->err, "responsible_units", "第 %zu 个责任单位重复",
					     i + 1);
		rv = unit_exists(v, u);
		if (rv == BS_E_NOTFOUND)
			return failf(v->err, "responsible_units", "第 %zu 个责任单位不存在", i + 1);
		if (rv != BS_OK)
			return rv;
	}
	return BS_OK;
}

static int validate_project(const ProtobufCMessage *m, const struct vctx *v)
{
	const Baosong__V1__Project *p = (const Baosong__V1__Project *)m;
	struct rec_error *err = v->err;
	int64_t start = 0, end = 0;
	int rv;

	if ((rv = check_text(err, "name", p->name, REC_NAME_MAX, 1, 0)) ||
	    (rv = check_text(err, "category", p->category, 64, 0, 0)) ||
	    (rv = check_text(err, "industry_chain", p->industry_chain, 100, 0, 0)) ||
	    (rv = check_text(err, "investment_type", p->investment_type, 64, 0, 0)) ||
	    (rv = check_text(err, "level", p->level, 64, 0, 0)) ||
	    (rv = check_text(err, "township", p->township, REC_NAME_MAX, 0, 0)) ||
	    (rv = check_text(err, "leader", p->leader, 100, 0, 0)) ||
	    (rv = check_text(err, "owner", p->owner, REC_NAME_MAX, 0, 0)) ||
	    (rv = check_text(err, "contents", p->contents, REC_TEXT_MAX, 0, 1)) ||
	    (rv = check_text(err, "nature", p->nature, 64, 0, 0)) ||
	    (rv = check_text(err, "location", p->location, REC_NAME_MAX, 0, 0)))
		return rv;
	if (is_set(p->code) && !project_code_ok(p->code))
		return fail(err, "code", "项目代码只能由字母、数字和“-”组成，最长 64 个字符");
	if (p->plan_year < YEAR_MIN || p->plan_year > YEAR_MAX)
		return fail(err, "plan_year", "计划年度须在 2000 至 2100 之间");
	if ((rv = check_money(err, "total_investment", p->total_investment_fen)) ||
	    (rv = check_money(err, "annual_plan", p->annual_plan_fen)))
		return rv;
	if (p->annual_plan_fen > p->total_investment_fen)
		return fail(err, "annual_plan", "年度计划投资不能超过总投资");
	if ((rv = check_date(err, "start_date", p->start_date, 0, &start)) ||
	    (rv = check_date(err, "end_date", p->end_date, 0, &end)))
		return rv;
	if (is_set(p->start_date) && is_set(p->end_date) && end < start)
		return fail(err, "end_date", "计划竣工日期早于计划开工日期");
	if (p->stage == BAOSONG__V1__PROJECT_STAGE__STAGE_UNSPECIFIED ||
	    !protobuf_c_enum_descriptor_get_value(&baosong__v1__project_stage__descriptor,
						  (int)p->stage))
		return fail(err, "stage", "项目阶段无效");
	if ((rv = validate_funding_sources(p, v)) ||
	    (rv = check_unit_ref(v, "lead_unit", p->lead_unit, 0)) ||
	    (rv = validate_responsible_units(p, v)))
		return rv;
	return BS_OK;
}

/* ---- weekly and monthly reports ---- */

/* The fields weekly and monthly reports share, and the names their money
 * fields go by in errors. */
struct report {
	const char *project_uid;
	int64_t period_fen, ytd_fen, total_fen;
	const char *progress, *problems;
	uint32_t percent;
	const char *const *money_names;   /* period, ytd, total */
};

/* Weekly reports keep the names of version 1, which clients know; every
 * later kind names its fields exactly as the proto does. */
static const char *const weekly_money[] = {"invested_period", "invested_ytd", "invested_total"};
static const char *const monthly_money[] = {"invested_period_fen", "invested_ytd_fen",
					    "invested_total_fen"};

/* Everything but the period, which the caller has checked. */
static int validate_report(const struct report *r, const struct vctx *v)
{
	struct rec_error *err = v->err;
	const char *const *name = r->money_names;
	int64_t total = 0;
	int rv;

	if ((rv = check_money(err, name[0], r->period_fen)) ||
	    (rv = check_money(err, name[1], r->ytd_fen)) ||
	    (rv = check_money(err, name[2], r->total_fen)))
		return rv;
	if (r->period_fen > r->ytd_fen)
		return fail(err, name[0], "本期完成投资不能超过本年累计");
	if (r->ytd_fen > r->total_fen)
		return fail(err, name[1], "本年累计完成投资不能超过开工累计");
	if (r->percent > 100)
		return fail(err, "progress_percent", "形象进度百分比须在 0 至 100 之间");
	if ((rv = check_text(err, "progress", r->progress, REC_TEXT_MAX, 0, 1)) ||
	    (rv = check_text(err, "problems", r->problems, REC_TEXT_MAX, 0, 1)))
		return rv;
	if ((rv = check_project_ref(v, "project_uid", r->project_uid, 1, 0, &total)) != BS_OK)
		return rv;
	if (total > 0 && r->total_fen > total)
		return fail(err, name[2], "累计完成投资超过项目总投资");
	return BS_OK;
}

static int validate_weekly(const ProtobufCMessage *m, const struct vctx *v)
{
	const Baosong__V1__WeeklyReport *w = (const Baosong__V1__WeeklyReport *)m;
	struct report r = {w->project_uid, w->invested_period_fen, w->invested_ytd_fen,
			   w->invested_total_fen, w->progress, w->problems, w->progress_percent,
			   weekly_money};
	int64_t monday;

	if (!is_set(w->project_uid) || !records_uid_valid(w->project_uid))
		return fail(v->err, "project_uid", "项目标识无效");
	if (!w->period || period_parse_week(w->period, &monday) != BS_OK)
		return fail(v->err, "period", "周期格式应为 YYYY-Www（ISO 周）");
	if (period_local_midnight_ms(monday) > v->c->now_ms)
		return fail(v->err, "period", "该报告周期尚未开始");
	return validate_report(&r, v);
}

static int validate_monthly(const ProtobufCMessage *m, const struct vctx *v)
{
	const Baosong__V1__MonthlyReport *mr = (const Baosong__V1__MonthlyReport *)m;
	struct report r = {mr->project_uid, mr->invested_period_fen, mr->invested_ytd_fen,
			   mr->invested_total_fen, mr->progress, mr->problems,
			   mr->progress_percent, monthly_money};
	int64_t first;

	if (!is_set(mr->project_uid) || !records_uid_valid(mr->project_uid))
		return fail(v->err, "project_uid", "项目标识无效");
	if (parse_month(mr->period, &first, NULL) != BS_OK)
		return fail(v->err, "period", "周期格式应为 YYYY-MM");
	if (period_local_midnight_ms(first) > v->c->now_ms)
		return fail(v->err, "period", "该报告周期尚未开始");
	return validate_report(&r, v);
}

/* ---- approval procedures ---- */

static int validate_approval(const ProtobufCMessage *m, const struct vctx *v)
{
	const Baosong__V1__ApprovalItem *a = (const Baosong__V1__ApprovalItem *)m;
	struct rec_error *err = v->err;
	int64_t done = 0;
	int rv;

	if ((rv = check_text(err, "item", a->item, SHORT_TEXT_MAX, 1, 0)) ||
	    (rv = check_enum(err, "level", &baosong__v1__approval_level__descriptor,
			     (int)a->level, "审批层级")) ||
	    (rv = check_date(err, "deadline", a->deadline, 1, NULL)) ||
	    (rv = check_enum(err, "status", &baosong__v1__item_status__descriptor,
			     (int)a->status, "办理状态")) ||
	    (rv = check_text(err, "note", a->note, REC_TEXT_MAX, 0, 1)))
		return rv;
	if (a->status == BAOSONG__V1__ITEM_STATUS__ITEM_DONE) {
		if (!is_set(a->done_date))
			return fail(err, "done_date", "已办结的事项须填写办结日期");
		if ((rv = check_date(err, "done_date", a->done_date, 1, &done)) != BS_OK)
			return rv;
		if (done > today(v))
			return fail(err, "done_date", "办结日期不能晚于今天");
	} else if (is_set(a->done_date)) {
		return fail(err, "done_date", "未办结的事项不能填写办结日期");
	}
	return check_project_ref(v, "project_uid", a->project_uid, 1, 0, NULL);
}

/* ---- statistics registration ---- */

static int validate_stats(const ProtobufCMessage *m, const struct vctx *v)
{
	const Baosong__V1__StatsEvidence *s = (const Baosong__V1__StatsEvidence *)m;
	struct rec_error *err = v->err;
	int role = v->c->role, rv;
	size_t i;

	if ((rv = check_enum(err, "status", &baosong__v1__stats_status__descriptor,
			     (int)s->status, "入库状态")) != BS_OK)
		return rv;
	if (v->check_role &&
	    (s->status == BAOSONG__V1__STATS_STATUS__STATS_REGISTERED ||
	     s->status == BAOSONG__V1__STATS_STATUS__STATS_RETURNED) &&
	    role != REC_ROLE_STATISTICS && role != REC_ROLE_ADMIN)
		return forbid(err, "status", "入库状态只能由统计部门变更");
	for (i = 0; i < s->n_evidence; i++) {
		const Baosong__V1__Evidence *e = s->evidence[i];
		const char *msg;
		if (e->kind == 0)
			return failf(err, "evidence", "第 %zu 份佐证：请选择佐证类型", i + 1);
		if (!protobuf_c_enum_descriptor_get_value(&baosong__v1__evidence_kind__descriptor,
							  (int)e->kind))
			return failf(err, "evidence", "第 %zu 份佐证：佐证类型无效", i + 1);
		if (e->hash.len != EVIDENCE_HASH_LEN)
			return failf(err, "evidence", "第 %zu 份佐证：文件摘要应为 32 字节", i + 1);
		if ((msg = text_problem(e->name, REC_NAME_MAX, 0, 0)) != NULL)
			return failf(err, "evidence", "第 %zu 份佐证的文件名：%s", i + 1, msg);
	}
	if (s->status == BAOSONG__V1__STATS_STATUS__STATS_SUBMITTED && s->n_evidence == 0)
		return fail(err, "evidence", "提交佐证时至少需要一份佐证材料");
	if ((rv = check_text(err, "note", s->note, REC_TEXT_MAX, 0, 1)) != BS_OK)
		return rv;
	/* The Statistics Bureau registers every unit's projects. */
	return check_project_ref(v, "project_uid", s->project_uid, 1,
				 v->check_role && role == REC_ROLE_STATISTICS, NULL);
}

/* ---- investment attraction ---- */

static int validate_funds(const Baosong__V1__Deal *d, const struct vctx *v)
{
	int64_t sum = 0, now_day = today(v);
	size_t i, j;

	for (i = 0; i < d->n_funds; i++) {
		const Baosong__V1__FundsInPlace *f = d->funds[i];
		int64_t first;
		if (parse_month(f->month, &first, NULL) != BS_OK)
			return failf(v->err, "funds", "第 %zu 项到位资金：月份格式应为 YYYY-MM", i + 1);
		if (first > now_day)
			return failf(v->err, "funds", "第 %zu 项到位资金：月份尚未到来", i + 1);
		for (j = 0; j < i; j++)
			if (strcmp(d->funds[j]->month, f->month) == 0)
				return failf(v->err, "funds", "第 %zu 项到位资金：月份重复", i + 1);
		if (f->amount_fen < 0)
			return failf(v->err, "funds", "第 %zu 项到位资金：金额不能为负数", i + 1);
		if (f->amount_fen > MONEY_MAX_FEN)
			return failf(v->err, "funds", "第 %zu 项到位资金：金额超出范围", i + 1);
		sum = money_add(sum, f->amount_fen);
	}
	if (d->contract_fen > 0 && sum > d->contract_fen)
		return fail(v->err, "funds", "到位资金合计超过签约金额");
	return BS_OK;
}

static int validate_deal(const ProtobufCMessage *m, const struct vctx *v)
{
	const Baosong__V1__Deal *d = (const Baosong__V1__Deal *)m;
	struct rec_error *err = v->err;
	int rv;

	if ((rv = check_text(err, "partner", d->partner, REC_NAME_MAX, 1, 0)) ||
	    (rv = check_text(err, "sector", d->sector, SHORT_TEXT_MAX, 0, 0)) ||
	    (rv = check_money(err, "contract_fen", d->contract_fen)) ||
	    (rv = check_enum(err, "stage", &baosong__v1__deal_stage__descriptor, (int)d->stage,
			     "招商阶段")))
		return rv;
	if (d->stage >= BAOSONG__V1__DEAL_STAGE__DEAL_SIGNED && !is_set(d->signed_date))
		return fail(err, "signed_date", "已签约的项目须填写签约日期");
	if ((rv = check_date(err, "signed_date", d->signed_date, 0, NULL)) ||
	    (rv = validate_funds(d, v)) ||
	    (rv = check_text(err, "note", d->note, REC_TEXT_MAX, 0, 1)))
		return rv;
	return check_project_ref(v, "project_uid", d->project_uid, 0, 0, NULL);
}

/* ---- upward funding ---- */

static int validate_funding(const ProtobufCMessage *m, const struct vctx *v)
{
	const Baosong__V1__FundingApplication *f = (const Baosong__V1__FundingApplication *)m;
	struct rec_error *err = v->err;
	int rv;

	if ((rv = check_enum(err, "channel", &baosong__v1__funding_channel__descriptor,
			     (int)f->channel, "资金渠道")) ||
	    (rv = check_text(err, "title", f->title, REC_NAME_MAX, 1, 0)) ||
	    (rv = check_money(err, "applied_fen", f->applied_fen)) ||
	    (rv = check_money(err, "approved_fen", f->approved_fen)) ||
	    (rv = check_money(err, "arrived_fen", f->arrived_fen)))
		return rv;
	if (f->approved_fen > f->applied_fen)
		return fail(err, "approved_fen", "下达金额不能超过申报金额");
	if (f->arrived_fen > f->approved_fen)
		return fail(err, "arrived_fen", "到位金额不能超过下达金额");
	if ((rv = check_enum(err, "status", &baosong__v1__funding_status__descriptor,
			     (int)f->status, "申报状态")) != BS_OK)
		return rv;
	if (f->status == BAOSONG__V1__FUNDING_STATUS__FUNDING_APPROVED && f->approved_fen == 0)
		return fail(err, "approved_fen", "已下达的须填写下达金额");
	if (f->status == BAOSONG__V1__FUNDING_STATUS__FUNDING_ARRIVED && f->arrived_fen == 0)
		return fail(err, "arrived_fen", "已到位的须填写到位金额");
	if ((rv = check_date(err, "applied_date", f->applied_date, 0, NULL)) ||
	    (rv = check_text(err, "note", f->note, REC_TEXT_MAX, 0, 1)))
		return rv;
	return check_project_ref(v, "project_uid", f->project_uid, 0, 0, NULL);
}

/* ---- problem lists ---- */

static int validate_problem(const ProtobufCMessage *m, const struct vctx *v)
{
	const Baosong__V1__Problem *p = (const Baosong__V1__Problem *)m;
	struct rec_error *err = v->err;
	int64_t resolved = 0;
	int rv;

	if ((rv = check_enum(err, "category", &baosong__v1__problem_category__descriptor,
			     (int)p->category, "问题类别")) ||
	    (rv = check_text(err, "description", p->description, REC_TEXT_MAX, 1, 1)) ||
	    (rv = check_text(err, "raised_by", p->raised_by, SHORT_TEXT_MAX, 0, 0)) ||
	    (rv = check_date(err, "deadline", p->deadline, 0, NULL)) ||
	    (rv = check_enum(err, "status", &baosong__v1__problem_status__descriptor,
			     (int)p->status, "问题状态")) ||
	    (rv = check_text(err, "resolution", p->resolution, REC_TEXT_MAX, 0, 1)) ||
	    (rv = check_date(err, "resolved_date", p->resolved_date, 0, &resolved)))
		return rv;
	if (p->status == BAOSONG__V1__PROBLEM_STATUS__PROBLEM_RESOLVED) {
		if (!is_set(p->resolution))
			return fail(err, "resolution", "已解决的问题须填写解决情况");
		if (!is_set(p->resolved_date))
			return fail(err, "resolved_date", "已解决的问题须填写解决日期");
	}
	if (is_set(p->resolved_date) && resolved > today(v))
		return fail(err, "resolved_date", "解决日期不能晚于今天");
	if ((rv = check_unit_ref(v, "assigned_unit", p->assigned_unit, 0)) != BS_OK)
		return rv;
	/* The bureau's reviewers issue problem lists for every unit's projects. */
	return check_project_ref(v, "project_uid", p->project_uid, 0,
				 v->check_role && v->c->role == REC_ROLE_REVIEWER, NULL);
}

/* ---- targets, leaders, units ---- */

static int validate_target(const ProtobufCMessage *m, const struct vctx *v)
{
	const Baosong__V1__Target *t = (const Baosong__V1__Target *)m;
	struct rec_error *err = v->err;
	int rv;

	if ((rv = check_unit_ref(v, "unit_code", t->unit_code, 1)) != BS_OK)
		return rv;
	if (!target_period_ok(t->period))
		return fail(err, "period", "周期格式应为 YYYY 或 YYYY-Q1 至 YYYY-Q4");
	if ((rv = check_money(err, "fai_fen", t->fai_fen)) ||
	    (rv = check_money(err, "attraction_fen", t->attraction_fen)) ||
	    (rv = check_money(err, "upward_fen", t->upward_fen)))
		return rv;
	if (t->growth_bp < GROWTH_BP_MIN || t->growth_bp > GROWTH_BP_MAX)
		return fail(err, "growth_bp", "同比增长目标须在 -100% 至 1000% 之间");
	return BS_OK;
}

static int validate_leader(const ProtobufCMessage *m, const struct vctx *v)
{
	const Baosong__V1__Leader *l = (const Baosong__V1__Leader *)m;
	int rv;

	if ((rv = check_text(v->err, "name", l->name, SHORT_TEXT_MAX, 1, 0)) ||
	    (rv = check_text(v->err, "title", l->title, SHORT_TEXT_MAX, 0, 0)))
		return rv;
	if (is_set(l->phone) && !phone_ok(l->phone))
		return fail(v->err, "phone", "电话只能由数字、空格、“-”和“+”组成，最长 32 个字符");
	return BS_OK;
}

static int validate_unit(const ProtobufCMessage *m, const struct vctx *v)
{
	const Baosong__V1__UnitInfo *u = (const Baosong__V1__UnitInfo *)m;
	struct rec_error *err = v->err;
	int rv;

	if (!u->code || !unit_code_ok(u->code))
		return fail(err, "code", "单位代码须为 1 至 32 个小写字母、数字或“_.-”");
	if ((rv = check_text(err, "name", u->name, REC_NAME_MAX, 1, 0)) ||
	    (rv = check_enum(err, "type", &baosong__v1__unit_type__descriptor, (int)u->type,
			     "单位类型")))
		return rv;
	if (!u->region || strlen(u->region) != REGION_LEN ||
	    !all_digits(u->region, REGION_LEN, NULL))
		return fail(err, "region", "行政区划代码须为 6 位数字");
	return BS_OK;
}

/* ---- bonus and deduction items (加分项 / 扣分项) ---- */

/* "YYYY", "YYYY-Qn" or "YYYY-MM". */
static int adjustment_period_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	int y, m;
	if (target_period_ok(s))
		return 1;
	return n == 7 && all_digits(s, 4, &y) && y >= YEAR_MIN && y <= YEAR_MAX && s[4] == '-' &&
	       all_digits(s + 5, 2, &m) && m >= 1 && m <= 12;
}

static int item_code_ok(const char *s)
{
	size_t i, n = s ? strlen(s) : 0;
	if (n < 1 || n > 32)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int validate_adjustment(const ProtobufCMessage *m, const struct vctx *v)
{
	const Baosong__V1__Adjustment *a = (const Baosong__V1__Adjustment *)m;
	struct rec_error *err = v->err;
	size_t i;
	int rv;

	if ((rv = check_unit_ref(v, "unit_code", a->unit_code, 1)) != BS_OK)
		return rv;
	if (!adjustment_period_ok(a->period))
		return fail(err, "period", "期间格式应为 YYYY、YYYY-Q1 至 YYYY-Q4 或 YYYY-MM");
	if (!item_code_ok(a->item))
		return fail(err, "item", "须填写考核方案中加分项或扣分项的代码（小写字母、数字或_）");
	if (a->count > 1000)
		return fail(err, "count", "次数至多 1000");
	if ((rv = check_text(err, "reason", a->reason, REC_TEXT_MAX, 1, 1)) != BS_OK)
		return rv;
	if (a->n_evidence == 0)
		return fail(err, "evidence", "至少需要一份佐证材料（文件、通报等）");
	for (i = 0; i < a->n_evidence; i++) {
		const Baosong__V1__Evidence *e = a->evidence[i];
		const char *msg;
		if (!protobuf_c_enum_descriptor_get_value(&baosong__v1__evidence_kind__descriptor,
							  (int)e->kind) || e->kind == 0)
			return failf(err, "evidence", "第 %zu 份佐证：佐证类型无效", i + 1);
		if (e->hash.len != EVIDENCE_HASH_LEN)
			return failf(err, "evidence", "第 %zu 份佐证：文件摘要应为 32 字节", i + 1);
		if ((msg = text_problem(e->name, REC_NAME_MAX, 0, 0)) != NULL)
			return failf(err, "evidence", "第 %zu 份佐证的文件名：%s", i + 1, msg);
	}
	return BS_OK;
}

/* ---- acceptance checks and publications ---- */

static int validate_acceptance(const ProtobufCMessage *m, const struct vctx *v)
{
	const Baosong__V1__Acceptance *a = (const Baosong__V1__Acceptance *)m;
	const struct rec_lookup *lk = v->c->lookup;
	struct rec_error *err = v->err;
	int64_t unit = 0, total = 0;
	int stage = 0, rv;

	if (!is_set(a->project_uid) || !records_uid_valid(a->project_uid))
		return fail(err, "project_uid", "项目标识无效");
	if (a->year < 2000 || a->year > 2200)
		return fail(err, "year", "考核年度须在 2000 至 2200 之间");
	if ((rv = check_enum(err, "result", &baosong__v1__acceptance_result__descriptor,
			     (int)a->result, "验收结果")) ||
	    (rv = check_date(err, "date", a->date, 0, NULL)) ||
	    (rv = check_text(err, "note", a->note, REC_TEXT_MAX, 0, 1)))
		return rv;
	if (a->result == BAOSONG__V1__ACCEPTANCE_RESULT__ACCEPTANCE_RESULT_UNSPECIFIED)
		return fail(err, "result", "须填写验收结果（通过或未通过）");
	if (!lk || !lk->project)
		return BS_OK;
	rv = lk->project(lk->ctx, a->project_uid, &unit, &total, &stage);
	if (rv == BS_E_NOTFOUND)
		return fail(err, "project_uid", "项目不存在");
	if (rv != BS_OK)
		return rv;
	/* It counts against the project's own unit, whoever records it. */
	if (unit != v->c->unit_id)
		return forbid(err, "project_uid", "验收记录须属于项目所属单位");
	return BS_OK;
}

static int validate_publication(const ProtobufCMessage *m, const struct vctx *v)
{
	const Baosong__V1__Publication *p = (const Baosong__V1__Publication *)m;
	struct rec_error *err = v->err;
	size_t i;
	int rv;

	if ((rv = check_enum(err, "scope", &baosong__v1__assess_scope__descriptor, (int)p->scope,
			     "考核周期")))
		return rv;
	if (p->scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_SCOPE_UNSPECIFIED)
		return fail(err, "scope", "须指明周期类型");
	if ((rv = check_text(err, "period", p->period, 16, 1, 0)) ||
	    (rv = check_text(err, "title", p->title, REC_NAME_MAX, 1, 0)))
		return rv;
	for (i = 0; i < p->n_results; i++)
		if (!p->results[i]->unit_code || !unit_code_ok(p->results[i]->unit_code) ||
		    p->results[i]->n_scores_c != p->n_indicators)
			return failf(err, "results", "第 %zu 个结果无效", i + 1);
	return BS_OK;
}

/* ---- the kinds ---- */

#define W(role) REC_ROLE_BIT(REC_ROLE_##role)

static const struct rec_kind kinds[] = {
	{REC_KIND_PROJECT, "项目", &baosong__v1__project__descriptor, W(REPORTER) | W(ADMIN), 0,
	 1, NULL},
	{REC_KIND_APPROVAL, "前期手续", &baosong__v1__approval_item__descriptor,
	 W(REPORTER) | W(ADMIN), 0, 0, NULL},
	{REC_KIND_WEEKLY, "周报", &baosong__v1__weekly_report__descriptor, W(REPORTER) | W(ADMIN),
	 0, 1, "period"},
	{REC_KIND_MONTHLY, "月报", &baosong__v1__monthly_report__descriptor,
	 W(REPORTER) | W(ADMIN), 0, 1, "period"},
	{REC_KIND_STATS, "入库纳统佐证", &baosong__v1__stats_evidence__descriptor,
	 W(REPORTER) | W(STATISTICS) | W(ADMIN), 0, 1, NULL},
	{REC_KIND_DEAL, "招商引资项目", &baosong__v1__deal__descriptor, W(REPORTER) | W(ADMIN), 0,
	 1, NULL},
	{REC_KIND_FUNDING, "向上争取资金", &baosong__v1__funding_application__descriptor,
	 W(REPORTER) | W(ADMIN), 0, 1, NULL},
	{REC_KIND_PROBLEM, "问题清单", &baosong__v1__problem__descriptor,
	 W(REPORTER) | W(REVIEWER) | W(ADMIN), 0, 0, NULL},
	{REC_KIND_TARGET, "目标任务", &baosong__v1__target__descriptor, W(ADMIN), 0, 0, NULL},
	{REC_KIND_LEADER, "包抓领导", &baosong__v1__leader__descriptor, W(ADMIN), 1, 0, NULL},
	{REC_KIND_UNIT, "单位", &baosong__v1__unit_info__descriptor, 0, 1, 0, NULL},
	{REC_KIND_ACCEPTANCE, "考核验收", &baosong__v1__acceptance__descriptor,
	 W(REVIEWER) | W(ADMIN), 0, 0, NULL},
	{REC_KIND_PUBLICATION, "考核结果", &baosong__v1__publication__descriptor, 0, 1, 0, NULL},
	{REC_KIND_ADJUSTMENT, "加减分", &baosong__v1__adjustment__descriptor, W(ADMIN), 0, 0, NULL},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

/* kinds[i]'s rules. */
static const validate_fn validators[] = {
	validate_project, validate_approval, validate_weekly, validate_monthly,
	validate_stats,   validate_deal,     validate_funding, validate_problem,
	validate_target,  validate_leader,   validate_unit,   validate_acceptance,
	validate_publication, validate_adjustment,
};
_Static_assert(sizeof validators / sizeof validators[0] == N_KINDS, "a validator per kind");

static size_t kind_index(const char *name)
{
	size_t i;
	for (i = 0; name && i < N_KINDS; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return i;
	return N_KINDS;
}

const struct rec_kind *records_kind(const char *name)
{
	size_t i = kind_index(name);
	return i < N_KINDS ? &kinds[i] : NULL;
}

const struct rec_kind *records_kinds(size_t *n)
{
	*n = N_KINDS;
	return kinds;
}

int records_kind_known(const char *kind)
{
	return kind_index(kind) < N_KINDS;
}

static int role_may_write(const struct rec_kind *k, int role)
{
	return role > 0 && role < 32 && (k->writers & REC_ROLE_BIT(role)) != 0;
}

static int validate(const char *kind, const uint8_t *data, size_t len, const struct rec_ctx *c,
		    struct rec_error *err, int check_role)
{
	struct vctx v = {c, err, check_role};
	struct wire_arena a;
	ProtobufCMessage *m;
	size_t i;
	int rv;

	memset(err, 0, sizeof *err);
	i = kind_index(kind);
	if (i == N_KINDS) {
		fail(err, "kind", "未知的记录类型");
		return BS_E_UNSUPPORTED;
	}
	if (check_role && !role_may_write(&kinds[i], c->role))
		return forbid(err, "kind", "此角色不能填报该类记录");
	if (len > (strcmp(kind, REC_KIND_PUBLICATION) ? REC_DATA_MAX : REC_PUB_DATA_MAX)) {
		fail(err, "data", "记录过大");
		return BS_E_TOOBIG;
	}
	wire_arena_init(&a, DECODE_MEM);
	m = protobuf_c_message_unpack(kinds[i].desc, &a.alloc, len, data);
	if (!m)
		return failf(err, "data", "无法解析%s数据", kinds[i].label_zh);
	rv = validators[i](m, &v);
	protobuf_c_message_free_unpacked(m, &a.alloc);
	return rv;
}

int records_validate(const char *kind, const uint8_t *data, size_t len, const struct rec_ctx *c,
		     struct rec_error *err)
{
	return validate(kind, data, len, c, err, 1);
}

int records_validate_data(const char *kind, const uint8_t *data, size_t len,
			  const struct rec_ctx *c, struct rec_error *err)
{
	return validate(kind, data, len, c, err, 0);
}

/* ---- derived ---- */

void records_project_flags(int64_t total_fen, int *over_stats, int *major)
{
	if (over_stats)
		*over_stats = total_fen >= REC_STATS_THRESHOLD_FEN;
	if (major)
		*major = total_fen >= REC_MAJOR_THRESHOLD_FEN;
}

int records_project_needs_stats(int64_t total_fen, int stage)
{
	switch (stage) {
	case BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START:
	case BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING:
	case BAOSONG__V1__PROJECT_STAGE__STAGE_COMPLETED:
	case BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING:
		return total_fen >= REC_STATS_THRESHOLD_FEN;
	default:
		return 0;
	}
}

int records_stats_complete(const Baosong__V1__StatsEvidence *s)
{
	unsigned seen = 0, all = 0;
	int k;
	size_t i;
	for (k = BAOSONG__V1__EVIDENCE_KIND__EVIDENCE_FILING;
	     k <= BAOSONG__V1__EVIDENCE_KIND__EVIDENCE_SITE_PHOTO; k++)
		all |= 1u << k;
	for (i = 0; i < s->n_evidence; i++) {
		int kind = (int)s->evidence[i]->kind;
		if (kind >= BAOSONG__V1__EVIDENCE_KIND__EVIDENCE_FILING &&
		    kind <= BAOSONG__V1__EVIDENCE_KIND__EVIDENCE_SITE_PHOTO)
			seen |= 1u << kind;
	}
	return seen == all;
}

int64_t records_weekly_deadline_ms(int64_t monday_days)
{
	return period_weekly_deadline_ms(monday_days);
}

int records_monthly_deadline(const char *period, int64_t *deadline_ms)
{
	int64_t first, next;
	if (parse_month(period, &first, &next) != BS_OK)
		return BS_E_INVAL;
	*deadline_ms = period_local_midnight_ms(next + 4) + 12LL * 3600 * 1000;
	return BS_OK;
}

int records_approval_overdue(const Baosong__V1__ApprovalItem *a, int64_t now_ms)
{
	int64_t deadline;
	if (a->status == BAOSONG__V1__ITEM_STATUS__ITEM_DONE || !is_set(a->deadline) ||
	    period_parse_date(a->deadline, &deadline) != BS_OK)
		return 0;
	return deadline < period_local_days(now_ms);
}

/* ---- enum labels ---- */

/* Chinese labels by value (the enums below run 0..n-1 without gaps). */
static const char *const role_zh[] = {"未指定", "填报", "审核", "统计", "领导", "管理员"};
static const char *const unit_type_zh[] = {"未指定", "乡镇", "部门", "局", "国有企业"};
static const char *const review_status_zh[] = {"不需审核", "已报送", "退回", "审核通过"};
static const char *const op_status_zh[] = {"未指定", "已保存", "冲突", "拒收"};
static const char *const review_action_zh[] = {"未指定", "审核通过", "退回", "重新打开"};
static const char *const stage_zh[] = {"未指定", "谋划储备", "前期", "新开工",
				       "续建",   "竣工",     "投产/运营", "停缓建"};
static const char *const approval_level_zh[] = {"未指定", "县级", "市级", "省级", "国家级"};
static const char *const item_status_zh[] = {"未指定", "未启动", "办理中", "已办结"};
static const char *const evidence_zh[] = {"未指定",   "备案文件",   "概算表",
					  "施工合同", "施工许可证", "现场照片", "文件"};
static const char *const stats_status_zh[] = {"未指定", "未入库", "已提交佐证", "已入库",
					      "退回补正"};
static const char *const deal_stage_zh[] = {"未指定", "意向", "签约", "开工", "投产"};
static const char *const channel_zh[] = {"未指定",   "中央预算内投资", "专项债券",
					 "特别国债", "转移支付",       "部委专项资金",
					 "省级专项资金", "其他"};
static const char *const funding_status_zh[] = {"未指定", "谋划",   "已申报", "已下达",
						"已到位", "未获批"};
static const char *const problem_category_zh[] = {"未指定", "用地", "资金", "审批",
						  "环评",   "融资", "施工", "其他"};
static const char *const problem_status_zh[] = {"未指定", "待解决", "推进中", "已解决"};
static const char *const acceptance_result_zh[] = {"未指定", "通过", "未通过"};
static const char *const assess_scope_zh[] = {"未指定", "周通报", "月通报", "季评比", "年考核"};

struct enum_names {
	const ProtobufCEnumDescriptor *d;
	const char *prefix;            /* taken off a value's name for its short name */
	const char *const *zh;
	size_t n;
};

#define ENUM_NAMES(desc, prefix, zh) {&desc, prefix, zh, sizeof zh / sizeof zh[0]}

static const struct enum_names enum_names[] = {
	ENUM_NAMES(baosong__v1__role__descriptor, "ROLE_", role_zh),
	ENUM_NAMES(baosong__v1__unit_type__descriptor, "UNIT_", unit_type_zh),
	ENUM_NAMES(baosong__v1__review_status__descriptor, "REVIEW_", review_status_zh),
	ENUM_NAMES(baosong__v1__op_status__descriptor, "OP_", op_status_zh),
	ENUM_NAMES(baosong__v1__review_action__descriptor, "REVIEW_", review_action_zh),
	ENUM_NAMES(baosong__v1__project_stage__descriptor, "STAGE_", stage_zh),
	ENUM_NAMES(baosong__v1__approval_level__descriptor, "APPROVAL_", approval_level_zh),
	ENUM_NAMES(baosong__v1__item_status__descriptor, "ITEM_", item_status_zh),
	ENUM_NAMES(baosong__v1__evidence_kind__descriptor, "EVIDENCE_", evidence_zh),
	ENUM_NAMES(baosong__v1__stats_status__descriptor, "STATS_", stats_status_zh),
	ENUM_NAMES(baosong__v1__deal_stage__descriptor, "DEAL_", deal_stage_zh),
	ENUM_NAMES(baosong__v1__funding_channel__descriptor, "CHANNEL_", channel_zh),
	ENUM_NAMES(baosong__v1__funding_status__descriptor, "FUNDING_", funding_status_zh),
	ENUM_NAMES(baosong__v1__problem_category__descriptor, "PROBLEM_", problem_category_zh),
	ENUM_NAMES(baosong__v1__problem_status__descriptor, "PROBLEM_", problem_status_zh),
	ENUM_NAMES(baosong__v1__acceptance_result__descriptor, "ACCEPTANCE_",
		   acceptance_result_zh),
	ENUM_NAMES(baosong__v1__assess_scope__descriptor, "ASSESS_", assess_scope_zh),
};

/* Other words people use for a value. */
static const struct enum_alias {
	const ProtobufCEnumDescriptor *d;
	int value;
	const char *zh;
} enum_aliases[] = {
	{&baosong__v1__unit_type__descriptor, BAOSONG__V1__UNIT_TYPE__UNIT_TOWNSHIP, "街道"},
	{&baosong__v1__unit_type__descriptor, BAOSONG__V1__UNIT_TYPE__UNIT_TOWNSHIP, "乡镇/街道"},
	{&baosong__v1__unit_type__descriptor, BAOSONG__V1__UNIT_TYPE__UNIT_SOE, "县属国有企业"},
	{&baosong__v1__unit_type__descriptor, BAOSONG__V1__UNIT_TYPE__UNIT_SOE, "国企"},
	{&baosong__v1__project_stage__descriptor, BAOSONG__V1__PROJECT_STAGE__STAGE_RESERVE,
	 "储备"},
	{&baosong__v1__project_stage__descriptor, BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING,
	 "投产"},
	{&baosong__v1__project_stage__descriptor, BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING,
	 "运营"},
	{&baosong__v1__funding_channel__descriptor,
	 BAOSONG__V1__FUNDING_CHANNEL__CHANNEL_SPECIAL_BONDS, "地方政府专项债券"},
	{&baosong__v1__funding_channel__descriptor,
	 BAOSONG__V1__FUNDING_CHANNEL__CHANNEL_TREASURY_BONDS, "超长期特别国债"},
	{&baosong__v1__review_status__descriptor, BAOSONG__V1__REVIEW_STATUS__REVIEW_RETURNED,
	 "已退回"},
};

static const struct enum_names *enum_find(const ProtobufCEnumDescriptor *d)
{
	size_t i;
	for (i = 0; i < sizeof enum_names / sizeof enum_names[0]; i++)
		if (enum_names[i].d == d)
			return &enum_names[i];
	return NULL;
}

const char *records_enum_label(const ProtobufCEnumDescriptor *d, int value)
{
	const struct enum_names *e = enum_find(d);
	if (!e || value < 0 || (size_t)value >= e->n ||
	    !protobuf_c_enum_descriptor_get_value(d, value))
		return NULL;
	return e->zh[value];
}

/* Whether text (of n bytes) names enum value ev by its full or short name. */
static int name_matches(const struct enum_names *e, const ProtobufCEnumValue *ev,
			const char *text, size_t n)
{
	static const char unspecified[] = "_UNSPECIFIED";
	size_t len = strlen(ev->name), plen = strlen(e->prefix), ulen = sizeof unspecified - 1;
	if (n == len && strncasecmp(text, ev->name, n) == 0)
		return 1;
	if (len > ulen && strcmp(ev->name + len - ulen, unspecified) == 0)
		return n == ulen - 1 && strncasecmp(text, unspecified + 1, n) == 0;
	return len > plen && strncmp(ev->name, e->prefix, plen) == 0 && n == len - plen &&
	       strncasecmp(text, ev->name + plen, n) == 0;
}

int records_enum_parse(const ProtobufCEnumDescriptor *d, const char *text, int *value)
{
	const struct enum_names *e = enum_find(d);
	size_t i, n;

	if (!e || !text)
		return BS_E_INVAL;
	while (*text == ' ' || *text == '\t')
		text++;
	n = strlen(text);
	while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r' ||
			 text[n - 1] == '\n'))
		n--;
	if (n == 0)
		return BS_E_INVAL;
	for (i = 0; i < d->n_values; i++) {
		const ProtobufCEnumValue *ev = &d->values[i];
		const char *zh = records_enum_label(d, ev->value);
		if ((zh && strlen(zh) == n && memcmp(zh, text, n) == 0) ||
		    name_matches(e, ev, text, n)) {
			*value = ev->value;
			return BS_OK;
		}
	}
	for (i = 0; i < sizeof enum_aliases / sizeof enum_aliases[0]; i++) {
		const struct enum_alias *al = &enum_aliases[i];
		if (al->d == d && strlen(al->zh) == n && memcmp(al->zh, text, n) == 0) {
			*value = al->value;
			return BS_OK;
		}
	}
	return BS_E_INVAL;
}
