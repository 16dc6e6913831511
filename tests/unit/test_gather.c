/* test_gather.c - assess_gather (projects, then one pass over every other
 * record on a second thread, digests of the later kinds added after it)
 * gives byte for byte the inputs of assess_gather_by_kind, which reads one
 * kind at a time in the order records_digest is defined by
 * (docs/ASSESSMENT.md).
 *
 * The store holds every kind the gather reads, written in random uid order
 * so that kinds interleave in the one pass: deleted records, undecodable
 * data, reports of another unit's project, two reports of one week,
 * returned reports, last year's monthly reports, yearly and quarterly
 * targets, adjustments for known and unknown items, stats evidence approved
 * by statistics and by reporter devices, and kinds the gather does not
 * read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assess.h"
#include "err.h"
#include "gather.h"
#include "period.h"
#include "records.h"
#include "store.h"

#define UNITS 6
#define PROJECTS 60
#define YEAR 2025

static char dir[64];
static char dbpath[128];
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32) % n;
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/bs-gather-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/baosong.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* One record to write: its kind, unit and encoded data. */
struct item {
	char uid[REC_UID_LEN + 1];
	const char *kind;
	int64_t unit_id;
	uint8_t data[512];
	size_t len;
	int deleted;
	struct review_state rs;
};

static struct item *items;
static size_t n_items, cap_items;

static struct item *add(const char *kind, int64_t unit_id, const ProtobufCMessage *m)
{
	struct item *it;
	if (n_items == cap_items) {
		cap_items = cap_items ? cap_items * 2 : 256;
		items = realloc(items, cap_items * sizeof *items);
		assert_non_null(items);
	}
	it = &items[n_items++];
	memset(it, 0, sizeof *it);
	records_new_uid(it->uid);
	it->kind = kind;
	it->unit_id = unit_id;
	if (m) {
		it->len = protobuf_c_message_get_packed_size(m);
		assert_true(it->len <= sizeof it->data);
		protobuf_c_message_pack(m, it->data);
	}
	it->deleted = rnd(40) == 0;
	return it;
}

static int64_t ms_of(int y, unsigned mo, unsigned d, int hour)
{
	return period_local_midnight_ms(period_days_from_civil(y, mo, d)) + hour * 3600000LL;
}

static void week_text(int64_t monday, char out[9])
{
	period_format_week(monday, out);
}

static void fill(struct store *st, int64_t unit_ids[UNITS + 1], int64_t dev_stats,
		 int64_t dev_reporter)
{
	char puid[PROJECTS][REC_UID_LEN + 1];
	int64_t punit[PROJECTS];
	int64_t first_monday = period_days_from_civil(YEAR, 9, 29); /* 2025-W40 */
	size_t i;
	int p, w, u;

	for (p = 0; p < PROJECTS; p++) {
		Baosong__V1__Project m = BAOSONG__V1__PROJECT__INIT;
		char start[32];
		struct item *it;
		m.name = "项目";
		m.stage = (Baosong__V1__ProjectStage)(1 + rnd(5));
		m.total_investment_fen = (int64_t)rnd(2000) * 1000000;
		snprintf(start, sizeof start, "%d-%02u-15", YEAR - (int)rnd(2), 1 + rnd(12));
		m.start_date = start;
		punit[p] = unit_ids[rnd(UNITS)];
		it = add(REC_KIND_PROJECT, punit[p], &m.base);
		memcpy(puid[p], it->uid, sizeof puid[p]);
	}
	for (p = 0; p < PROJECTS; p++)
		for (w = -2; w < 13; w++) {
			Baosong__V1__WeeklyReport m = BAOSONG__V1__WEEKLY_REPORT__INIT;
			char period[32];
			int64_t monday = first_monday + 7 * w, deadline;
			int copies = rnd(10) == 0 ? 2 : rnd(12) == 0 ? 0 : 1, c;
			week_text(monday, period);
			deadline = records_weekly_deadline_ms(monday);
			for (c = 0; c < copies; c++) {
				struct item *it;
				m.project_uid = puid[p];
				m.period = period;
				m.invested_ytd_fen = (int64_t)(w + 3) * 100000 + rnd(1000);
				/* now and then a report filed under another unit */
				it = add(REC_KIND_WEEKLY, rnd(30) ? punit[p] : unit_ids[rnd(UNITS)],
					 &m.base);
				it->rs.created_at = deadline - 3600000LL + (int64_t)rnd(3) * 3600000LL;
				it->rs.complete_at = rnd(8) ? it->rs.created_at +
								   (int64_t)rnd(3) * 1800000LL
							    : 0;
				it->rs.status = rnd(25) == 0 ? BAOSONG__V1__REVIEW_STATUS__REVIEW_RETURNED
							     : (int)rnd(3);
			}
		}
	for (p = 0; p < PROJECTS; p++)
		for (u = 1; u <= 12; u += 1 + (int)rnd(3)) {
			Baosong__V1__MonthlyReport m = BAOSONG__V1__MONTHLY_REPORT__INIT;
			char period[32];
			struct item *it;
			int y = rnd(3) ? YEAR - 1 : YEAR;
			snprintf(period, sizeof period, "%d-%02d", y, u);
			m.project_uid = puid[p];
			m.period = period;
			m.invested_ytd_fen = (int64_t)u * 300000 + rnd(1000);
			it = add(REC_KIND_MONTHLY, punit[p], &m.base);
			it->rs.created_at = ms_of(y + (u == 12), u == 12 ? 1 : (unsigned)u + 1,
						  3 + rnd(5), 10);
			it->rs.complete_at = it->rs.created_at;
		}
	for (p = 0; p < PROJECTS; p++) {
		Baosong__V1__StatsEvidence m = BAOSONG__V1__STATS_EVIDENCE__INIT;
		struct item *it;
		m.project_uid = puid[p];
		m.status = (Baosong__V1__StatsStatus)rnd(4);
		it = add(REC_KIND_STATS, punit[p], &m.base);
		if (rnd(2)) {
			it->rs.status = BAOSONG__V1__REVIEW_STATUS__REVIEW_APPROVED;
			it->rs.reviewed_by = rnd(2) ? dev_stats : dev_reporter;
			it->rs.reviewed_at = ms_of(YEAR, 11, 1, 9);
		}
	}
	for (u = 0; u < UNITS; u++) {
		char code[32], period[32];
		for (i = 0; i < 6; i++) {
			Baosong__V1__ApprovalItem a = BAOSONG__V1__APPROVAL_ITEM__INIT;
			Baosong__V1__FundingApplication f = BAOSONG__V1__FUNDING_APPLICATION__INIT;
			Baosong__V1__Deal d = BAOSONG__V1__DEAL__INIT;
			Baosong__V1__FundsInPlace fu[3], *fp[3];
			Baosong__V1__Acceptance ac = BAOSONG__V1__ACCEPTANCE__INIT;
			char dl[32], done[32], ad[32], months[3][32];
			size_t k;
			snprintf(dl, sizeof dl, "%d-%02u-10", YEAR, 1 + rnd(12));
			snprintf(done, sizeof done, "%d-%02u-05", YEAR, 1 + rnd(12));
			a.item = "环评";
			a.deadline = dl;
			a.status = (Baosong__V1__ItemStatus)rnd(4);
			a.done_date = done;
			add(REC_KIND_APPROVAL, unit_ids[u], &a.base);
			snprintf(ad, sizeof ad, "%d-%02u-20", YEAR - (int)rnd(2), 1 + rnd(12));
			f.status = (Baosong__V1__FundingStatus)rnd(5);
			f.applied_date = ad;
			f.approved_fen = (int64_t)rnd(100000) * 100;
			add(REC_KIND_FUNDING, unit_ids[u], &f.base);
			for (k = 0; k < 3; k++) {
				baosong__v1__funds_in_place__init(&fu[k]);
				snprintf(months[k], sizeof months[k], "%d-%02u", YEAR - (int)rnd(2),
					 1 + rnd(12));
				fu[k].month = months[k];
				fu[k].amount_fen = (int64_t)rnd(50000) * 100;
				fp[k] = &fu[k];
			}
			d.funds = fp;
			d.n_funds = 3;
			add(REC_KIND_DEAL, unit_ids[u], &d.base);
			ac.year = (uint32_t)(YEAR - (int)rnd(2));
			ac.result = (Baosong__V1__AcceptanceResult)rnd(3);
			add(REC_KIND_ACCEPTANCE, unit_ids[u], &ac.base);
		}
		/* targets and adjustments: written by the bureau, naming the unit */
		snprintf(code, sizeof code, "u%d", u + 1);
		for (i = 0; i < 6; i++) {
			Baosong__V1__Target t = BAOSONG__V1__TARGET__INIT;
			Baosong__V1__Adjustment aj = BAOSONG__V1__ADJUSTMENT__INIT;
			t.unit_code = code;
			if (i == 0)
				snprintf(period, sizeof period, "%d", YEAR);
			else
				snprintf(period, sizeof period, "%d-Q%u", YEAR, (unsigned)i % 4 + 1);
			t.period = period;
			t.fai_fen = (int64_t)(1 + rnd(1000)) * 1000000;
			t.growth_bp = (int32_t)rnd(2000);
			t.new_starts = rnd(10);
			t.attraction_fen = (int64_t)rnd(1000) * 10000;
			t.upward_fen = (int64_t)rnd(1000) * 10000;
			add(REC_KIND_TARGET, unit_ids[UNITS], &t.base);
			aj.unit_code = code;
			aj.period = i % 3 == 0 ? "2025-Q4" : i % 3 == 1 ? "2025-11" : "2025";
			aj.item = i % 2 ? "bonus" : "unknown_item";
			aj.count = rnd(3);
			add(REC_KIND_ADJUSTMENT, unit_ids[UNITS], &aj.base);
		}
	}
	/* not decodable, and kinds the gather does not read */
	for (i = 0; i < 5; i++) {
		struct item *it = add(i % 2 ? REC_KIND_WEEKLY : REC_KIND_DEAL, unit_ids[rnd(UNITS)],
				      NULL);
		memset(it->data, 0xff, 7);
		it->len = 7;
		add(REC_KIND_PROBLEM, unit_ids[rnd(UNITS)], NULL);
	}

	assert_int_equal(store_begin(st), BS_OK);
	for (i = 0; i < n_items; i++) {
		struct item *it = &items[rnd((uint32_t)(n_items - i)) + (uint32_t)i], tmp;
		struct record r;
		/* a random order of writing (uids are random anyway) */
		tmp = items[i];
		items[i] = *it;
		*it = tmp;
		it = &items[i];
		memset(&r, 0, sizeof r);
		snprintf(r.kind, sizeof r.kind, "%s", it->kind);
		memcpy(r.uid, it->uid, sizeof it->uid);
		r.unit_id = it->unit_id;
		r.data = it->data;
		r.data_len = it->len;
		r.deleted = it->deleted;
		assert_int_equal(store_record_put(st, &r, 0, ms_of(YEAR, 12, 1, 0)), BS_OK);
		if (it->rs.created_at || it->rs.status)
			assert_int_equal(store_review_set(st, it->uid, &it->rs), BS_OK);
	}
	assert_int_equal(store_commit(st), BS_OK);
}

static Baosong__V1__Scheme *scheme(void)
{
	Baosong__V1__Scheme *s = NULL;
	char err[256], *text;
	const char *ex = assess_scheme_example(), *at = strstr(ex, "reports = weekly\n");
	static const char extra[] = "\n[adjust bonus]\nlabel = 加分\npoints = 2\ncap = 6\n";
	size_t n = strlen(ex);
	assert_non_null(at);
	text = malloc(n + sizeof extra + 16);
	assert_non_null(text);
	/* weekly and monthly reports, and one adjustment item */
	memcpy(text, ex, (size_t)(at - ex));
	strcpy(text + (at - ex), "reports = weekly,monthly\n");
	strcat(text, at + strlen("reports = weekly\n"));
	strcat(text, extra);
	assert_int_equal(assess_scheme_parse(text, strlen(text), &s, err, sizeof err), BS_OK);
	free(text);
	s->year = YEAR;
	s->version = 1;
	return s;
}

static uint8_t *encode(const Baosong__V1__AssessInputs *in, size_t *len)
{
	uint8_t *b;
	*len = baosong__v1__assess_inputs__get_packed_size(in);
	b = malloc(*len + 1);
	assert_non_null(b);
	baosong__v1__assess_inputs__pack(in, b);
	return b;
}

static void same_both_ways(struct store *st, const Baosong__V1__Scheme *s, int scope,
			   const char *period, int64_t as_of, unsigned *reports_due)
{
	Baosong__V1__AssessInputs *a = NULL, *b = NULL;
	uint8_t *ea, *eb;
	size_t la, lb, i;

	assert_int_equal(store_begin(st), BS_OK);
	assert_int_equal(assess_gather(st, s, scope, period, as_of, &a), BS_OK);
	assert_int_equal(assess_gather_by_kind(st, s, scope, period, as_of, &b), BS_OK);
	assert_int_equal(store_commit(st), BS_OK);
	ea = encode(a, &la);
	eb = encode(b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(ea, eb, la);
	assert_int_equal(a->n_units, UNITS);
	for (i = 0; i < a->n_units; i++) {
		assert_int_equal(a->units[i]->records_digest.len, 32);
		*reports_due += a->units[i]->reports_due;
	}
	free(ea);
	free(eb);
	protobuf_c_message_free_unpacked(&a->base, NULL);
	protobuf_c_message_free_unpacked(&b->base, NULL);
}

static void test_one_pass_equals_by_kind(void **state)
{
	struct store *st = NULL;
	struct unit un;
	int64_t ids[UNITS + 1], dev_stats, dev_rep;
	uint8_t key[32];
	Baosong__V1__Scheme *s = scheme();
	unsigned due = 0;
	int u;
	(void)state;

	assert_int_equal(store_open(dbpath, 0, &st), BS_OK);
	assert_int_equal(store_begin(st), BS_OK);
	for (u = 0; u <= UNITS; u++) {
		memset(&un, 0, sizeof un);
		snprintf(un.code, sizeof un.code, u < UNITS ? "u%d" : "fgj", u + 1);
		snprintf(un.name, sizeof un.name, "单位%d", u + 1);
		un.type = u < UNITS ? 1 : 3; /* townships, and the bureau (not ranked) */
		strcpy(un.region, "610000");
		assert_int_equal(store_unit_add(st, &un, &ids[u]), BS_OK);
	}
	randombytes_buf(key, sizeof key);
	assert_int_equal(store_device_add(st, key, ids[UNITS], ROLE_STATISTICS, "统计局", 1,
					  &dev_stats), BS_OK);
	randombytes_buf(key, sizeof key);
	assert_int_equal(store_device_add(st, key, ids[0], ROLE_REPORTER, "填报", 1, &dev_rep),
			 BS_OK);
	assert_int_equal(store_commit(st), BS_OK);
	fill(st, ids, dev_stats, dev_rep);
	store_close(st);

	/* read-only, as the server's readers and the publish command do */
	assert_int_equal(store_open(dbpath, 1, &st), BS_OK);
	same_both_ways(st, s, BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER, "2025-Q4",
		       ms_of(YEAR + 1, 1, 15, 0), &due);
	same_both_ways(st, s, BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER, "2025-Q4",
		       ms_of(YEAR, 11, 20, 12), &due);
	same_both_ways(st, s, BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH, "2025-11",
		       ms_of(YEAR + 1, 1, 15, 0), &due);
	same_both_ways(st, s, BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR, "2025",
		       ms_of(YEAR + 1, 1, 15, 0), &due);
	same_both_ways(st, s, BAOSONG__V1__ASSESS_SCOPE__ASSESS_WEEK, "2025-W45",
		       ms_of(YEAR, 12, 1, 0), &due);
	assert_true(due > 0); /* the reports counted: the comparison is not empty */
	store_close(st);
	protobuf_c_message_free_unpacked(&s->base, NULL);
	free(items);
}

/* The digest follows the records: a changed revision changes it, in both
 * ways of reading (so the comparison above compares something). */
static void test_digest_sees_a_change(void **state)
{
	struct store *st = NULL;
	Baosong__V1__Scheme *s = scheme();
	Baosong__V1__AssessInputs *a = NULL, *b = NULL, *c = NULL;
	int64_t as_of = ms_of(YEAR + 1, 1, 15, 0);
	struct unit un;
	struct record r;
	int64_t id;
	size_t i;
	(void)state;

	assert_int_equal(store_open(dbpath, 0, &st), BS_OK);
	assert_int_equal(store_begin(st), BS_OK);
	memset(&un, 0, sizeof un);
	strcpy(un.code, "u1");
	strcpy(un.name, "单位1");
	un.type = 1;
	strcpy(un.region, "610000");
	assert_int_equal(store_unit_add(st, &un, &id), BS_OK);
	memset(&r, 0, sizeof r);
	strcpy(r.kind, REC_KIND_MONTHLY);
	records_new_uid(r.uid);
	r.unit_id = id;
	r.data = (uint8_t *)"";
	assert_int_equal(store_record_put(st, &r, 0, 1), BS_OK);
	assert_int_equal(store_commit(st), BS_OK);
	assert_int_equal(store_begin(st), BS_OK);
	assert_int_equal(assess_gather(st, s, BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR, "2025",
				       as_of, &a), BS_OK);
	assert_int_equal(store_commit(st), BS_OK);
	assert_int_equal(store_begin(st), BS_OK);
	assert_int_equal(store_record_put(st, &r, 0, 2), BS_OK); /* rev 2 */
	assert_int_equal(store_commit(st), BS_OK);
	assert_int_equal(store_begin(st), BS_OK);
	assert_int_equal(assess_gather(st, s, BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR, "2025",
				       as_of, &b), BS_OK);
	assert_int_equal(assess_gather_by_kind(st, s, BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR,
					       "2025", as_of, &c), BS_OK);
	assert_int_equal(store_commit(st), BS_OK);
	assert_int_equal(a->n_units, 1);
	assert_int_equal(b->n_units, 1);
	assert_memory_not_equal(a->units[0]->records_digest.data, b->units[0]->records_digest.data,
				32);
	for (i = 0; i < 32; i++)
		assert_int_equal(b->units[0]->records_digest.data[i],
				 c->units[0]->records_digest.data[i]);
	protobuf_c_message_free_unpacked(&a->base, NULL);
	protobuf_c_message_free_unpacked(&b->base, NULL);
	protobuf_c_message_free_unpacked(&c->base, NULL);
	protobuf_c_message_free_unpacked(&s->base, NULL);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_pass_equals_by_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_digest_sees_a_change, setup, teardown),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
