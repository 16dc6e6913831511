/* assess.h - the assessment engine (考核): schemes as data, the numbers of
 * every unit for a week, month, quarter or year, ranks, grades and the
 * consequence flags.
 *
 * The engine is pure: it reads an AssessInputs (what server/gather.c
 * collected from stored records) and a Scheme and produces a Publication's
 * results, with integer arithmetic only, so the same inputs always give the
 * same bytes.  The messages are the protocol's (proto/baosong.proto); the
 * ones built here are malloc'd and released with
 * protobuf_c_message_free_unpacked(msg, NULL).
 *
 * Units: money fen; ratios basis points (10000 = 100%), rounded half away
 * from zero; scores centi-points (100 = 1 分), rounded the same way.
 * docs/ASSESSMENT.md states every rule with worked examples. */
#ifndef BS_ASSESS_H
#define BS_ASSESS_H

#include <stddef.h>
#include <stdint.h>

#include "baosong.pb-c.h"

#define ASSESS_INDICATORS_MAX 16u
#define ASSESS_STEPS_MAX 8u
#define ASSESS_GRADES_MAX 6u
#define ASSESS_UNITS_MAX 10000u
#define ASSESS_SCHEME_TEXT_MAX (64u * 1024u)
#define ASSESS_DIGEST_LEN 32u
/* The version of the rules below; a publication records the one that
 * computed it.  A change of any rule must raise it (and keep the old rules
 * computable, or verification reports the old publications as not
 * recomputable by this version). */
#define ASSESS_ENGINE 2u
#define ASSESS_ADJUST_MAX 16u       /* bonus and deduction items of a scheme */
#define ASSESS_BOTTOM_MAX 8u        /* bottom-flag rules of a scheme */

/* Consequence and information flags of a UnitResult (bit values are part of
 * the protocol: docs/ASSESSMENT.md). */
enum assess_flag {
	ASSESS_FLAG_LAST_MONTH = 1u << 0,        /* 月度末位: 会上表态发言 */
	ASSESS_FLAG_LAST_QUARTER = 1u << 1,      /* 季度末位: 约谈 */
	ASSESS_FLAG_ANNUAL_FAIR = 1u << 2,       /* 年度“一般”: 提醒谈话/诫勉 */
	ASSESS_FLAG_ANNUAL_POOR = 1u << 3,       /* 年度“较差” */
	ASSESS_FLAG_ACCEPTANCE_FAILED = 1u << 4, /* 项目考核验收未通过: 取消奖励 */
	ASSESS_FLAG_NO_TARGET = 1u << 5,         /* 未下达投资目标 */
	ASSESS_FLAG_MISSING_REPORTS = 1u << 6,   /* 有缺报 */
	ASSESS_FLAG_LATE_REPORTS = 1u << 7,      /* 有迟报 */
	ASSESS_FLAG_BOTTOM = 1u << 8,            /* 末位 of a week or year by a bottom rule */
};
#define ASSESS_FLAG_COUNT 9u
/* The flags that carry a consequence (shown next to the rank). */
#define ASSESS_FLAGS_CONSEQUENCE                                                          \
	(ASSESS_FLAG_LAST_MONTH | ASSESS_FLAG_LAST_QUARTER | ASSESS_FLAG_ANNUAL_FAIR |       \
	 ASSESS_FLAG_ANNUAL_POOR | ASSESS_FLAG_ACCEPTANCE_FAILED | ASSESS_FLAG_BOTTOM)

/* The label (Chinese, with the consequence) of flag bit i (0-based), or NULL. */
const char *assess_flag_label(unsigned bit);

/* ---- periods ---- */

struct assess_span {
	int scope;               /* BAOSONG__V1__ASSESS_SCOPE__* */
	int year;
	int64_t first_day;       /* Shanghai day numbers (days since 1970-01-01) */
	int64_t last_day;        /* inclusive */
	int quarter;             /* 1..4 for a quarter, else 0 */
	int month;               /* 1..12 for a month, else 0 */
};

/* Parse period text for scope: week "2026-W14", month "2026-04", quarter
 * "2026-Q1", year "2026".  0 or BS_E_INVAL. */
int assess_span_parse(int scope, const char *period, struct assess_span *out);
/* The scope named by text ("week"/"周", "month"/"月", "quarter"/"季",
 * "year"/"年"), or 0. */
int assess_scope_parse(const char *text);
/* "week", "month", "quarter", "year" and the Chinese names of a scope. */
const char *assess_scope_name(int scope);
const char *assess_scope_label(int scope);   /* 周报通报 / 月通报 / 季评比 / 年考核 */

/* ---- schemes ---- */

/* Parse a scheme written as INI text (docs/ASSESSMENT.md has the format and
 * an example) into *out, then check it with assess_scheme_check.  version
 * and created_at_ms are left 0 (the store numbers versions).  0, or
 * BS_E_INVAL / BS_E_TOOBIG with a Chinese message in err. */
int assess_scheme_parse(const char *text, size_t len, Baosong__V1__Scheme **out, char *err,
			size_t errcap);
/* Whether s is usable: 1..16 indicators with unique codes and known
 * metrics, weights adding up to 100, a rule with sane parameters, 1..6 grade
 * bands with strictly falling minimums ending at 0, report kinds 1..3,
 * at least one ranked unit type.  0 or BS_E_INVAL with err. */
int assess_scheme_check(const Baosong__V1__Scheme *s, char *err, size_t errcap);
/* The scheme as INI text again (malloc'd, NUL-terminated), e.g. for
 * `baosongd scheme show`.  NULL if out of memory. */
char *assess_scheme_format(const Baosong__V1__Scheme *s);
/* The built-in example scheme for year (the one `scheme init` writes). */
const char *assess_scheme_example(void);

/* ---- computation ---- */

/* Compute the results for in under s into a new Publication (scope,
 * period, scheme year/version, indicators, grades, as_of and results set;
 * title, published_at, number and digest left for the publisher).
 * Results are ordered by rank, unranked units last, ties by unit code.
 * 0, BS_E_INVAL (inputs that break the engine's limits) or BS_E_NOMEM. */
int assess_compute(const Baosong__V1__Scheme *s, const Baosong__V1__AssessInputs *in,
		   Baosong__V1__Publication **out);
/* The same under the rules of engine version engine (1 .. ASSESS_ENGINE),
 * so that a publication made by an older baosongd still recomputes:
 * engine 1 ranked a unit without an FAI target by its total in a quarter
 * and a year, named units by code in explanations, had fixed bottom flags
 * and no bonus or deduction items.  BS_E_UNSUPPORTED for another engine. */
int assess_compute_engine(const Baosong__V1__Scheme *s, const Baosong__V1__AssessInputs *in,
			  uint32_t engine, Baosong__V1__Publication **out);

/* The day (Shanghai day number) scheme version s takes effect: its
 * effective_date (施行日期) when set; otherwise 1 January of its year for
 * version 1 and the day it was stored (created_at_ms) for a later one. */
int64_t assess_scheme_effective_day(const Baosong__V1__Scheme *s);
/* Of n versions of one year's scheme, the index of the one in force on day
 * (the latest 施行日期 on or before it; equal dates: the higher version);
 * when none has taken effect by then, the one taking effect first.  n > 0. */
size_t assess_scheme_in_force(const Baosong__V1__Scheme *const *v, size_t n, int64_t day);

/* The digest that binds a publication: BLAKE2b-256 of
 * "baosong-assess-v1" || u32be(len) || scheme || u32be(len) || inputs ||
 * u32be(len) || publication-with-digest-cleared, each the protobuf
 * encoding.  0 or BS_E_NOMEM. */
int assess_digest(const Baosong__V1__Scheme *s, const Baosong__V1__AssessInputs *in,
		  const Baosong__V1__Publication *p, uint8_t out[ASSESS_DIGEST_LEN]);

/* ratio num/den in basis points rounded half away from zero, without
 * overflow for any int64 num and den > 0. */
int64_t assess_ratio_bp(int64_t num, int64_t den);

#endif
