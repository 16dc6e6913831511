/* kinds.c - what the other record kinds tell the other commands (see
 * kinds.h): the late and missing period reports, and the review state
 * for `baosong status`. */
#include "kinds.h"
#include "cliutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "field.h"
#include "period.h"
#include "records.h"
#include "table.h"
#include "wire.h"

#define UID_SHOW 8
#define WEEKS_DEFAULT 4u
#define MONTHS_DEFAULT 3u
#define PERIODS_MAX 104u /* periods a query looks back at most */

static void sep(void)
{
	fputs("  ", stdout);
}

/* "2天3小时" for a positive duration. */
static void fmt_duration(int64_t ms, char *out, size_t cap)
{
	int64_t min = ms / 60000, d = min / 1440, h = (min % 1440) / 60, m = min % 60;
	if (d > 0)
		snprintf(out, cap, "%lld天%lld小时", (long long)d, (long long)h);
	else if (h > 0)
		snprintf(out, cap, "%lld小时%lld分", (long long)h, (long long)m);
	else
		snprintf(out, cap, "%lld分钟", (long long)(m > 0 ? m : 1));
}

/* Whole minutes late, rounded up: what the table and the CSV both show. */
static int64_t late_minutes(int64_t ms)
{
	return ms <= 0 ? 0 : (ms + 59999) / 60000;
}

/* When the server first held report r complete (with its photo): the
 * assessment's on-time rule (docs/ASSESSMENT.md).  0: never complete, or
 * not on the server.  A record pulled before the server said so counts
 * from its arrival when it has attachments. */
static int64_t complete_time(const struct lrecord *r)
{
	if (r->complete_at > 0)
		return r->complete_at;
	return r->created_at > 0 && r->n_attachments ? r->created_at : 0;
}

/* ---- late and missing reports (kinds.h) -------------------------------------------------- */

/* A period as a number: a week by its Monday's day, a month as
 * year * 12 + month - 1. */
struct periodic {
	const char *kind;
	int weekly;
	const ProtobufCMessageDescriptor *desc;
	const ProtobufCFieldDescriptor *pf, *uf; /* period, project_uid */
};

static int month_parse(const char *s, int64_t *key)
{
	int64_t dl;
	if (!s || strlen(s) != 7 || records_monthly_deadline(s, &dl) != BS_OK)
		return BS_E_INVAL;
	*key = (int64_t)(s[0] - '0') * 12000 + (s[1] - '0') * 1200 + (s[2] - '0') * 120 +
	       (s[3] - '0') * 12 + ((s[5] - '0') * 10 + (s[6] - '0')) - 1;
	return BS_OK;
}

static int period_key(const struct periodic *p, const char *s, int64_t *key)
{
	return p->weekly ? period_parse_week(s ? s : "", key) : month_parse(s, key);
}

static void period_text(const struct periodic *p, int64_t key, char out[16])
{
	if (p->weekly) {
		char w[9];
		period_format_week(key, w);
		snprintf(out, 16, "%s", w);
	} else {
		snprintf(out, 16, "%04d-%02d", (int)(key / 12) % 10000, (int)(key % 12) + 1);
	}
}

static int64_t period_deadline(const struct periodic *p, int64_t key)
{
	char text[16];
	int64_t dl = 0;
	if (p->weekly)
		return records_weekly_deadline_ms(key);
	period_text(p, key, text);
	records_monthly_deadline(text, &dl);
	return dl;
}

struct report_key {
	char uid[REC_UID_LEN + 1];
	int64_t period;
};

static int report_key_cmp(const void *a, const void *b)
{
	const struct report_key *x = a, *y = b;
	int c = strcmp(x->uid, y->uid);
	return c ? c : (x->period > y->period) - (x->period < y->period);
}

struct query {
	struct localdb *db;
	struct periodic p;
	int64_t now;
	int csv;
	unsigned count, unreadable;
	struct report_key *keys;
	size_t nkeys, capkeys;
	int64_t periods[PERIODS_MAX];
	unsigned nperiods;
};

static void late_header(const struct query *q)
{
	const char *per = q->p.weekly ? "周次" : "月份";
	if (q->csv) {
		csv_begin(stdout);
		csv_field(stdout, q->p.weekly ? "周报标识" : "月报标识", 1, 1);
		csv_field(stdout, "项目标识", 0, 1);
		csv_field(stdout, "项目名称", 0, 1);
		csv_field(stdout, per, 0, 1);
		csv_field(stdout, "截止时间", 0, 1);
		csv_field(stdout, "送达时间", 0, 1);
		csv_field(stdout, "迟报时长(分钟)", 0, 1);
		csv_end_row(stdout);
		return;
	}
	table_cell(stdout, "标识", UID_SHOW, 0);
	sep();
	table_cell(stdout, "项目名称", 24, 0);
	sep();
	table_cell(stdout, per, 8, 0);
	sep();
	table_cell(stdout, "截止时间", 16, 0);
	sep();
	table_cell(stdout, "送达时间", 16, 0);
	sep();
	fputs("迟报\n", stdout);
}

static int late_row(void *ctx, const struct lrecord *r)
{
	struct query *q = ctx;
	struct wire_arena a;
	ProtobufCMessage *m = field_unpack(q->p.desc, r, &a);
	char name[REC_NAME_MAX + 1], per[16], dl[32], got[48], late[48];
	int64_t key, deadline, received;

	if (!m) {
		q->unreadable++;
		return 0;
	}
	if (period_key(&q->p, field_text(m, q->p.pf), &key) != BS_OK)
		goto out;
	deadline = period_deadline(&q->p, key);
	/* On the server but never complete: missing (the missing list), not late. */
	if (r->created_at > 0 && !complete_time(r))
		goto out;
	received = r->created_at > 0 ? complete_time(r) : q->now;
	if (received <= deadline)
		goto out;
	q->count++;
	field_project_name(q->db, field_text(m, q->p.uf), name, sizeof name);
	period_text(&q->p, key, per);
	field_format_time(deadline, dl, sizeof dl);
	if (r->created_at > 0)
		field_format_time(received, got, sizeof got);
	else
		snprintf(got, sizeof got, "未送达 not sent");
	if (q->csv) {
		csv_field(stdout, r->uid, 1, 0);
		csv_field(stdout, field_text(m, q->p.uf), 0, 0);
		csv_field(stdout, name, 0, 1);
		csv_field(stdout, per, 0, 1);
		csv_field(stdout, dl, 0, 0);
		csv_field(stdout, r->created_at > 0 ? got : "", 0, 0);
		snprintf(late, sizeof late, "%lld", (long long)late_minutes(received - deadline));
		csv_field(stdout, late, 0, 0);
		csv_end_row(stdout);
		goto out;
	}
	fmt_duration(late_minutes(received - deadline) * 60000, late, sizeof late);
	printf("%-*.*s", UID_SHOW, UID_SHOW, r->uid);
	sep();
	table_cell(stdout, name[0] ? name : "(未知项目 unknown)", 24, 0);
	sep();
	table_cell(stdout, per, 8, 0);
	sep();
	table_cell(stdout, dl, 16, 0);
	sep();
	table_cell(stdout, got, 16, 0);
	sep();
	printf("%s%s\n", r->created_at > 0 ? "迟 " : "已超 ", late);
out:
	protobuf_c_message_free_unpacked(m, &a.alloc);
	return 0;
}

static int collect_key(void *ctx, const struct lrecord *r)
{
	struct query *q = ctx;
	struct wire_arena a;
	ProtobufCMessage *m = field_unpack(q->p.desc, r, &a);
	int64_t key;
	int rv = 0;
	if (!m) {
		q->unreadable++;
		return 0;
	}
	/* A report the server holds but never complete (no photo) is missing. */
	if (r->created_at > 0 && !complete_time(r))
		goto out;
	if (period_key(&q->p, field_text(m, q->p.pf), &key) == BS_OK &&
	    strlen(field_text(m, q->p.uf)) <= REC_UID_LEN) {
		if (q->nkeys == q->capkeys) {
			size_t nc = q->capkeys ? q->capkeys * 2 : 256;
			struct report_key *nk = realloc(q->keys, nc * sizeof *nk);
			if (!nk) {
				rv = BS_E_NOMEM;
				goto out;
			}
			q->keys = nk;
			q->capkeys = nc;
		}
		snprintf(q->keys[q->nkeys].uid, sizeof q->keys[0].uid, "%s",
			 field_text(m, q->p.uf));
		q->keys[q->nkeys].period = key;
		q->nkeys++;
	}
out:
	protobuf_c_message_free_unpacked(m, &a.alloc);
	return rv;
}

static void missing_header(const struct query *q)
{
	const char *per = q->p.weekly ? "周次" : "月份";
	if (q->csv) {
		csv_begin(stdout);
		csv_field(stdout, "项目标识", 1, 1);
		csv_field(stdout, "项目名称", 0, 1);
		csv_field(stdout, "所在乡镇", 0, 1);
		csv_field(stdout, "阶段", 0, 1);
		csv_field(stdout, per, 0, 1);
		csv_field(stdout, "截止时间", 0, 1);
		csv_end_row(stdout);
		return;
	}
	table_cell(stdout, "标识", UID_SHOW, 0);
	sep();
	table_cell(stdout, "项目名称", 28, 0);
	sep();
	table_cell(stdout, "所在乡镇", 12, 0);
	sep();
	table_cell(stdout, "阶段", 6, 0);
	sep();
	table_cell(stdout, per, 8, 0);
	sep();
	fputs("截止时间\n", stdout);
}

static int missing_row(void *ctx, const struct lrecord *r)
{
	struct query *q = ctx;
	struct wire_arena a;
	Baosong__V1__Project *p;
	const char *stage;
	unsigned i;

	p = (Baosong__V1__Project *)field_unpack(&baosong__v1__project__descriptor, r, &a);
	if (!p) {
		q->unreadable++;
		return 0;
	}
	if (p->stage != BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START &&
	    p->stage != BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING)
		goto out;
	stage = records_enum_label(&baosong__v1__project_stage__descriptor, (int)p->stage);
	for (i = q->nperiods; i-- > 0;) {
		struct report_key key;
		char per[16], dl[32];
		size_t n = strlen(r->uid);
		if (n > REC_UID_LEN)
			break;
		memcpy(key.uid, r->uid, n + 1);
		key.period = q->periods[i];
		if (q->nkeys && bsearch(&key, q->keys, q->nkeys, sizeof *q->keys, report_key_cmp))
			continue;
		q->count++;
		period_text(&q->p, q->periods[i], per);
		field_format_time(period_deadline(&q->p, q->periods[i]), dl, sizeof dl);
		if (q->csv) {
			csv_field(stdout, r->uid, 1, 0);
			csv_field(stdout, p->name, 0, 1);
			csv_field(stdout, p->township, 0, 1);
			csv_field(stdout, stage, 0, 1);
			csv_field(stdout, per, 0, 1);
			csv_field(stdout, dl, 0, 0);
			csv_end_row(stdout);
			continue;
		}
		printf("%-*.*s", UID_SHOW, UID_SHOW, r->uid);
		sep();
		table_cell(stdout, p->name, 28, 0);
		sep();
		table_cell(stdout, p->township, 12, 0);
		sep();
		table_cell(stdout, stage, 6, 0);
		sep();
		table_cell(stdout, per, 8, 0);
		sep();
		printf("%s\n", dl);
	}
out:
	protobuf_c_message_free_unpacked(&p->base, &a.alloc);
	return 0;
}

/* The last n periods whose deadline has passed at now, newest first. */
static void past_periods(struct query *q, unsigned n)
{
	int64_t days = period_local_days(q->now), key;
	unsigned guard;
	if (q->p.weekly) {
		key = days - (((days + 3) % 7) + 7) % 7; /* this week's Monday */
	} else {
		int y;
		unsigned mo, d;
		period_civil_from_days(days, &y, &mo, &d);
		key = (int64_t)y * 12 + (int64_t)mo - 1;
	}
	q->nperiods = 0;
	for (guard = 0; q->nperiods < n && guard < n + 2; guard++) {
		if (period_deadline(&q->p, key) <= q->now)
			q->periods[q->nperiods++] = key;
		key -= q->p.weekly ? 7 : 1;
	}
}

int kinds_report_query(struct localdb *db, const char *kind, enum kinds_query qk, unsigned n,
		       int csv, int64_t now_ms)
{
	const struct rec_kind *rk = records_kind(kind);
	struct query q;
	int rv;

	memset(&q, 0, sizeof q);
	if (!rk || !rk->period_field)
		return BS_E_INVAL;
	q.db = db;
	q.now = now_ms;
	q.csv = csv;
	q.p.kind = kind;
	q.p.weekly = strcmp(kind, REC_KIND_WEEKLY) == 0;
	q.p.desc = rk->desc;
	q.p.pf = field_named(rk->desc, rk->period_field);
	q.p.uf = field_named(rk->desc, "project_uid");
	if (!q.p.pf || !q.p.uf)
		return BS_E_INVAL;
	if (qk == KINDS_LATE) {
		late_header(&q);
		if ((rv = localdb_record_each(db, kind, 0, late_row, &q)) != BS_OK)
			return cli_db_error(rv);
		if (!csv)
			printf("共 %u 份迟报 %u late report%s (截止 deadline: %s)\n", q.count,
			       q.count, q.count == 1 ? "" : "s",
			       q.p.weekly ? "每周五 12:00 Fridays 12:00"
					  : "次月5日 12:00 the 5th of the next month, 12:00");
	} else {
		if (n == 0 || n > PERIODS_MAX)
			n = q.p.weekly ? WEEKS_DEFAULT : MONTHS_DEFAULT;
		past_periods(&q, n);
		if ((rv = localdb_record_each(db, kind, 0, collect_key, &q)) != BS_OK) {
			free(q.keys);
			return cli_db_error(rv);
		}
		if (q.nkeys)
			qsort(q.keys, q.nkeys, sizeof *q.keys, report_key_cmp);
		missing_header(&q);
		rv = localdb_record_each(db, REC_KIND_PROJECT, 0, missing_row, &q);
		free(q.keys);
		if (rv != BS_OK)
			return cli_db_error(rv);
		if (!csv) {
			char first[16] = "", last[16] = "";
			if (q.nperiods) {
				period_text(&q.p, q.periods[q.nperiods - 1], first);
				period_text(&q.p, q.periods[0], last);
			}
			printf("共 %u 项缺报 %u missing report%s (新开工、续建项目, %s %s 至 %s)\n",
			       q.count, q.count, q.count == 1 ? "" : "s",
			       q.p.weekly ? "周次 weeks" : "月份 months", first, last);
		}
	}
	if (q.unreadable)
		fprintf(stderr, "baosong: %u 条记录无法解析 stored records could not be read\n",
			q.unreadable);
	return cli_write_error();
}

/* ---- review state for `baosong status` (kinds.h) ---------------------------------------- */

struct review_walk {
	struct localdb *db;
	unsigned returned, waiting;
};

static int review_row(void *ctx, const struct lrecord *r)
{
	struct review_walk *rw = ctx;
	const struct rec_kind *rk = records_kind(r->kind);
	struct wire_arena a;
	ProtobufCMessage *m = NULL;
	char what[600], when[32] = "";

	if (r->review_status == BAOSONG__V1__REVIEW_STATUS__REVIEW_SUBMITTED && !r->locked)
		rw->waiting++;
	if (r->review_status != BAOSONG__V1__REVIEW_STATUS__REVIEW_RETURNED)
		return 0;
	if (rw->returned++ == 0)
		printf("退回待修改 returned for correction (改好后 `baosong sync` 重新报送; fix "
		       "with `baosong KIND edit ID`, then sync):\n");
	if (rk)
		m = field_unpack(rk->desc, r, &a);
	field_describe(rw->db, r, m, what, sizeof what);
	printf("  ");
	table_text(stdout, what, 0, NULL);
	if (r->reviewed_at > 0) {
		field_format_time(r->reviewed_at, when, sizeof when);
		printf(" (%s)", when);
	}
	printf("\n    退回意见 comment: ");
	table_text(stdout, r->review_comment[0] ? r->review_comment : "(无 none)", 1, "      ");
	if (r->pending)
		printf("\n    已修改，待发送 corrected; the next sync sends it");
	putchar('\n');
	if (m)
		protobuf_c_message_free_unpacked(m, &a.alloc);
	return 0;
}

int kinds_print_review(struct localdb *db)
{
	struct review_walk rw = {db, 0, 0};
	int rv = localdb_record_each(db, NULL, 0, review_row, &rw);
	if (rv != BS_OK)
		return rv;
	if (rw.waiting)
		printf("待审核 awaiting review: %u 条 record%s\n", rw.waiting,
		       rw.waiting == 1 ? "" : "s");
	return kinds_print_ranking(db);
}
