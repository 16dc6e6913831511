/* records.h - the record kinds and their validation, shared by the client
 * (checked before anything is queued) and the server (authoritative).
 *
 * A record's `data` is its kind's protobuf message (proto/baosong.proto).
 * Validation says which field is wrong, in Chinese for people, with a
 * stable code for programs (BS_E_INVAL, detail "field: message"). */
#ifndef BS_RECORDS_H
#define BS_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "baosong.pb-c.h"

#define REC_KIND_PROJECT "project"
#define REC_KIND_WEEKLY "weekly_report"
#define REC_KIND_MONTHLY "monthly_report"
#define REC_KIND_APPROVAL "approval"
#define REC_KIND_STATS "stats_evidence"
#define REC_KIND_DEAL "deal"
#define REC_KIND_FUNDING "funding"
#define REC_KIND_PROBLEM "problem"
#define REC_KIND_TARGET "target"
#define REC_KIND_LEADER "leader"
#define REC_KIND_UNIT "unit"
#define REC_KIND_ACCEPTANCE "acceptance"     /* 考核验收, by the bureau */
#define REC_KIND_PUBLICATION "publication"   /* published assessment, by the server */
#define REC_KIND_ADJUSTMENT "adjustment"     /* 加分项 / 扣分项 for a unit, by the bureau */
#define REC_UID_LEN 32
#define REC_DATA_MAX (16u * 1024u)   /* encoded record data */
#define REC_PUB_DATA_MAX (48u * 1024u) /* a publication (server-written; fits a pull page) */
#define REC_ATTACH_MAX 32u           /* attachments per record */
#define REC_TEXT_MAX 2000u           /* bytes of one free-text field */
#define REC_NAME_MAX 200u            /* bytes of a name */

/* Thresholds derived from a project's total investment. */
#define REC_STATS_THRESHOLD_FEN 500000000LL     /* 500万元: statistics 起报点 */
#define REC_MAJOR_THRESHOLD_FEN 10000000000LL   /* 1亿元: major project */

/* Roles, as in the protocol's Role enum. */
#define REC_ROLE_REPORTER 1
#define REC_ROLE_REVIEWER 2
#define REC_ROLE_STATISTICS 3
#define REC_ROLE_LEADER 4
#define REC_ROLE_ADMIN 5
#define REC_ROLE_BIT(r) (1u << (r))

struct rec_error {
	char field[48];
	char msg[200];
};

/* What this version knows about each record kind. */
struct rec_kind {
	const char *name;            /* "project" */
	const char *label_zh;        /* "项目" */
	const ProtobufCMessageDescriptor *desc;
	unsigned writers;            /* REC_ROLE_BIT()s that may write it */
	int public_kind;             /* every device sees it (units, leaders) */
	int reviewed;                /* goes through review: submitted -> approved */
	const char *period_field;    /* reports: the field naming the period, else NULL */
};

/* The kind called name, or NULL. */
const struct rec_kind *records_kind(const char *name);
/* All kinds, in a fixed order. */
const struct rec_kind *records_kinds(size_t *n);

/* Whether kind is one this version knows. */
int records_kind_known(const char *kind);
/* Whether uid is REC_UID_LEN lowercase hex characters. */
int records_uid_valid(const char *uid);
/* A fresh random uid. */
void records_new_uid(char out[REC_UID_LEN + 1]);

/* What validation may need to know about other records.  Callbacks return
 * 0 and fill their outputs, or BS_E_NOTFOUND; any may be NULL (then the
 * check that needs it is skipped). */
struct rec_lookup {
	/* A project (not deleted): its owning unit, total investment, stage. */
	int (*project)(void *ctx, const char *uid, int64_t *unit_id, int64_t *total_fen,
		       int *stage);
	/* A unit by code. */
	int (*unit)(void *ctx, const char *code, int64_t *unit_id);
	void *ctx;
};

/* Who writes, when, for whom. */
struct rec_ctx {
	int64_t now_ms;
	int64_t unit_id;           /* the unit that will own the record */
	int role;                  /* REC_ROLE_* of the writer */
	int any_unit;              /* may reference other units' records (admin) */
	const struct rec_lookup *lookup;
};

/* Validate data of kind written by c->role for c->unit_id at c->now_ms.
 * Returns 0, BS_E_UNSUPPORTED (unknown kind), BS_E_INVAL (err says which
 * field and why, in Chinese), BS_E_FORBIDDEN (this role may not write this
 * kind or this value, or it references another unit's record) or
 * BS_E_TOOBIG.  The same function runs on the client before anything is
 * queued and on the server, which is authoritative.  err->field is the
 * proto field's name ("funding" for an entry of a repeated field, the
 * message saying which), except that the money fields of project and
 * weekly_report keep their version-1 names: total_investment, annual_plan,
 * invested_period, invested_ytd, invested_total.  When a lookup callback
 * fails with anything but BS_E_NOTFOUND, its code is returned and err is
 * left blank. */
int records_validate(const char *kind, const uint8_t *data, size_t len,
		     const struct rec_ctx *c, struct rec_error *err);

/* records_validate without the writer's role: neither the kind's writers
 * nor values reserved to a role (a registered stats_evidence) are checked,
 * and c->role is ignored; every other rule is.  For records no device wrote:
 * what the server publishes (units) and records read back from storage. */
int records_validate_data(const char *kind, const uint8_t *data, size_t len,
			  const struct rec_ctx *c, struct rec_error *err);

/* ---- derived from records ---- */

/* Flags that follow from a project's total investment: *over_stats when it
 * is at least REC_STATS_THRESHOLD_FEN (500万元, the statistics 起报点),
 * *major when at least REC_MAJOR_THRESHOLD_FEN (1亿元).  Either pointer may
 * be NULL. */
void records_project_flags(int64_t total_fen, int *over_stats, int *major);
/* 1 if a project must be registered in the statistics (入库纳统): started
 * (stage, a ProjectStage, is new start, continuing, completed or operating)
 * and total_fen at least REC_STATS_THRESHOLD_FEN; else 0. */
int records_project_needs_stats(int64_t total_fen, int stage);
/* 1 if s holds evidence of all five kinds (filing, budget estimate, contract,
 * construction permit, site photo), else 0.  Does not look at the hashes. */
int records_stats_complete(const Baosong__V1__StatsEvidence *s);

/* Deadline of the weekly report for the ISO week whose Monday is day
 * monday_days (days since 1970-01-01): Friday 12:00 Asia/Shanghai, as UTC
 * ms. */
int64_t records_weekly_deadline_ms(int64_t monday_days);
/* Deadline of the monthly report for period "YYYY-MM": 12:00 Asia/Shanghai
 * on the 5th of the following month, as UTC ms in *deadline_ms.  0, or
 * BS_E_INVAL for a malformed period (*deadline_ms untouched). */
int records_monthly_deadline(const char *period, int64_t *deadline_ms);
/* 1 if approval item a is not done and its deadline day is before today
 * (Asia/Shanghai) at now_ms; 0 otherwise, also for a missing or malformed
 * deadline. */
int records_approval_overdue(const Baosong__V1__ApprovalItem *a, int64_t now_ms);

/* ---- enum values for people ---- */

/* The Chinese label of value in enum d, e.g. "续建" for STAGE_CONTINUING,
 * "县级" for APPROVAL_COUNTY, "未指定" for a *_UNSPECIFIED value; static
 * storage.  Knows the enums of proto/baosong.proto that people see (roles,
 * unit types, review and op states, and every enum of the record kinds).
 * NULL for another enum or a value d does not have. */
const char *records_enum_label(const ProtobufCEnumDescriptor *d, int value);
/* Parse text as a value of enum d: its Chinese label (or a common variant:
 * "投产" and "运营" for 投产/运营), its full name ("STAGE_CONTINUING") or its
 * short name, the full name without the enum's prefix in lower case
 * ("continuing", "county", "special_bonds"; "unspecified" for 0).  Names
 * are matched case-insensitively; blanks around text are ignored.  0 and
 * *value, or BS_E_INVAL (*value untouched).  For the client's command line
 * and CSV import. */
int records_enum_parse(const ProtobufCEnumDescriptor *d, const char *text, int *value);

/* Format "field: message" into out. */
void records_error_text(const struct rec_error *err, char *out, size_t cap);

#endif
