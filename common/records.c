/* records.c - record kinds and validation. */
#include "records.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "baosong.pb-c.h"
#include "err.h"
#include "money.h"
#include "period.h"
#include "wire.h"

int records_kind_known(const char *kind)
{
	return strcmp(kind, REC_KIND_PROJECT) == 0 || strcmp(kind, REC_KIND_WEEKLY) == 0;
}

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

static int fail(struct rec_error *err, const char *field, const char *msg)
{
	snprintf(err->field, sizeof err->field, "%s", field);
	snprintf(err->msg, sizeof err->msg, "%s", msg);
	return BS_E_INVAL;
}

void records_error_text(const struct rec_error *err, char *out, size_t cap)
{
	snprintf(out, cap, "%s: %s", err->field, err->msg);
}

/* Valid UTF-8 without control characters (tab and newline allowed in
 * free text), at most max bytes. */
static int text_ok(const char *s, size_t max, int multiline)
{
	size_t n = strlen(s), i = 0;
	if (n > max)
		return 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t len, k;
		uint32_t cp;
		if (c < 0x80) {
			if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) ||
			    c == 0x7f)
				return 0;
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			len = 2;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			unsigned char cc = (unsigned char)s[i + k];
			if ((cc & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (cc & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

static int check_text(struct rec_error *err, const char *field, const char *s, size_t max,
		      int required, int multiline)
{
	if (!s || !*s) {
		if (required)
			return fail(err, field, "必须填写");
		return BS_OK;
	}
	if (!text_ok(s, max, multiline))
		return fail(err, field, strlen(s) > max ? "内容过长" : "含有无效字符（须为 UTF-8 文本）");
	return BS_OK;
}

static int check_money(struct rec_error *err, const char *field, int64_t fen)
{
	if (fen < 0)
		return fail(err, field, "金额不能为负数");
	if (fen > MONEY_MAX_FEN)
		return fail(err, field, "金额超出范围");
	return BS_OK;
}

static int validate_project(const Baosong__V1__Project *p, int64_t now_ms,
			    struct rec_error *err)
{
	int64_t start = 0, end = 0;
	int rv;
	(void)now_ms;
	if ((rv = check_text(err, "name", p->name, REC_NAME_MAX, 1, 0)) ||
	    (rv = check_text(err, "code", p->code, 64, 0, 0)) ||
	    (rv = check_text(err, "category", p->category, 64, 0, 0)) ||
	    (rv = check_text(err, "industry_chain", p->industry_chain, 100, 0, 0)) ||
	    (rv = check_text(err, "investment_type", p->investment_type, 64, 0, 0)) ||
	    (rv = check_text(err, "level", p->level, 64, 0, 0)) ||
	    (rv = check_text(err, "township", p->township, REC_NAME_MAX, 0, 0)) ||
	    (rv = check_text(err, "leader", p->leader, 100, 0, 0)) ||
	    (rv = check_text(err, "owner", p->owner, REC_NAME_MAX, 0, 0)) ||
	    (rv = check_text(err, "lead_unit", p->lead_unit, REC_NAME_MAX, 0, 0)) ||
	    (rv = check_text(err, "contents", p->contents, REC_TEXT_MAX, 0, 1)))
		return rv;
	if (p->plan_year < 2000 || p->plan_year > 2100)
		return fail(err, "plan_year", "计划年度须在 2000 至 2100 之间");
	if ((rv = check_money(err, "total_investment", p->total_investment_fen)) ||
	    (rv = check_money(err, "annual_plan", p->annual_plan_fen)))
		return rv;
	if (p->annual_plan_fen > p->total_investment_fen)
		return fail(err, "annual_plan", "年度计划投资不能超过总投资");
	if (p->start_date && *p->start_date && period_parse_date(p->start_date, &start))
		return fail(err, "start_date", "日期格式应为 YYYY-MM-DD");
	if (p->end_date && *p->end_date && period_parse_date(p->end_date, &end))
		return fail(err, "end_date", "日期格式应为 YYYY-MM-DD");
	if (start && end && end < start)
		return fail(err, "end_date", "计划竣工日期早于计划开工日期");
	if (p->stage == BAOSONG__V1__PROJECT_STAGE__STAGE_UNSPECIFIED ||
	    (int)p->stage > BAOSONG__V1__PROJECT_STAGE__STAGE_SUSPENDED)
		return fail(err, "stage", "项目阶段无效");
	return BS_OK;
}

static int validate_weekly(const Baosong__V1__WeeklyReport *w, int64_t now_ms, int64_t unit_id,
			   int any_unit, const struct rec_lookup *lookup, struct rec_error *err)
{
	int64_t monday, punit = 0, total = 0;
	int rv;
	if (!w->project_uid || !records_uid_valid(w->project_uid))
		return fail(err, "project_uid", "项目标识无效");
	if (!w->period || period_parse_week(w->period, &monday))
		return fail(err, "period", "周期格式应为 YYYY-Www（ISO 周）");
	if (period_local_midnight_ms(monday) > now_ms)
		return fail(err, "period", "该报告周期尚未开始");
	if ((rv = check_money(err, "invested_period", w->invested_period_fen)) ||
	    (rv = check_money(err, "invested_ytd", w->invested_ytd_fen)) ||
	    (rv = check_money(err, "invested_total", w->invested_total_fen)))
		return rv;
	if (w->invested_period_fen > w->invested_ytd_fen)
		return fail(err, "invested_period", "本期完成投资不能超过本年累计");
	if (w->invested_ytd_fen > w->invested_total_fen)
		return fail(err, "invested_ytd", "本年累计完成投资不能超过开工累计");
	if (w->progress_percent > 100)
		return fail(err, "progress_percent", "形象进度百分比须在 0 至 100 之间");
	if ((rv = check_text(err, "progress", w->progress, REC_TEXT_MAX, 0, 1)) ||
	    (rv = check_text(err, "problems", w->problems, REC_TEXT_MAX, 0, 1)))
		return rv;
	if (lookup && lookup->project) {
		rv = lookup->project(lookup->ctx, w->project_uid, &punit, &total);
		if (rv == BS_E_NOTFOUND)
			return fail(err, "project_uid", "项目不存在");
		if (rv != BS_OK)
			return rv;
		if (!any_unit && punit != unit_id) {
			fail(err, "project_uid", "不能为其他单位的项目填报");
			return BS_E_FORBIDDEN;
		}
		if (total > 0 && w->invested_total_fen > total)
			return fail(err, "invested_total", "累计完成投资超过项目总投资");
	}
	return BS_OK;
}

int records_validate(const char *kind, const uint8_t *data, size_t len, int64_t now_ms,
		     int64_t unit_id, int any_unit, const struct rec_lookup *lookup,
		     struct rec_error *err)
{
	struct wire_arena a;
	int rv;

	memset(err, 0, sizeof *err);
	if (len > REC_DATA_MAX) {
		fail(err, "data", "记录过大");
		return BS_E_TOOBIG;
	}
	wire_arena_init(&a, 256 * 1024);
	if (strcmp(kind, REC_KIND_PROJECT) == 0) {
		Baosong__V1__Project *p = baosong__v1__project__unpack(&a.alloc, len, data);
		if (!p)
			return fail(err, "data", "无法解析项目数据");
		rv = validate_project(p, now_ms, err);
		baosong__v1__project__free_unpacked(p, &a.alloc);
		return rv;
	}
	if (strcmp(kind, REC_KIND_WEEKLY) == 0) {
		Baosong__V1__WeeklyReport *w =
			baosong__v1__weekly_report__unpack(&a.alloc, len, data);
		if (!w)
			return fail(err, "data", "无法解析周报数据");
		rv = validate_weekly(w, now_ms, unit_id, any_unit, lookup, err);
		baosong__v1__weekly_report__free_unpacked(w, &a.alloc);
		return rv;
	}
	fail(err, "kind", "未知的记录类型");
	return BS_E_UNSUPPORTED;
}
