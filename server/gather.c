/* gather.c - what the assessment engine reads, collected from the stored
 * records (docs/ASSESSMENT.md, "What is counted").
 *
 * Projects are read first (reports and evidence refer to them), then every
 * other record in one pass in uid order, each handed to its kind's
 * function.  records_digest is defined over the records in kind order
 * (projects, weekly reports, monthly reports, ...), each kind in uid order:
 * projects and weekly reports go into the unit's digest as they are read,
 * the (uid, rev, deleted) of the other kinds are kept in a list per kind
 * and added after the pass, in that order.  assess_gather_by_kind reads
 * one kind at a time instead, as the definition says; the tests check that
 * both give the same bytes. */
#include "gather.h"

#include <assert.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "err.h"
#include "gather_arena.h"
#include "gather_pipe.h"
#include "period.h"
#include "records.h"
#include "wire.h"

typedef Baosong__V1__UnitInput UnitInput;

#define DECODE_MEM (256u * 1024u)
#define WEEKS_MAX 54
#define MONTHS_MAX 12

/* Report state of one due period of a project, worst first: when a project
 * has two reports for one period (two devices), the better one counts. */
enum { R_NONE = 0, R_INCOMPLETE, R_LATE, R_ON_TIME };

/* Sums of many records stay within what the engine accepts (assess.c
 * refuses inputs beyond ±10^17 fen): a unit's absurd figures cannot block
 * the county's publication or overflow. */
#define SUM_LIMIT 100000000000000000LL

static int64_t sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > SUM_LIMIT - b)
		return SUM_LIMIT;
	if (b < 0 && a < -SUM_LIMIT - b)
		return -SUM_LIMIT;
	return a + b;
}

/* The kinds the gather reads, in the order of records_digest. */
enum gkind {
	GK_PROJECT,
	GK_WEEKLY,
	GK_MONTHLY,
	GK_APPROVAL,
	GK_STATS,
	GK_DEAL,
	GK_FUNDING,
	GK_ACCEPTANCE,
	GK_TARGET,
	GK_ADJUSTMENT,
	GK_COUNT
};

/* (unit, uid, rev, deleted) of records whose digest waits for the end of
 * the pass: u32 unit index, u8 uid length, the uid, u64 rev, u8 deleted. */
struct later {
	uint8_t *b;
	size_t len, cap;
};

struct gunit {
	int64_t id;
	UnitInput *in;
	crypto_generichash_state *digest; /* of (uid, rev, deleted) of every record
					   * read, in the gather's order (kind, then uid) */
};

struct gproject {
	char uid[REC_UID_LEN + 1];
	struct gunit *u;
	int stage;
	int64_t total_fen;
	int owes;                  /* new start / continuing: owes progress reports */
	int stats_registered;
	/* latest year-to-date figure this year and last year */
	int64_t ytd_end, ytd_fen, base_end, base_fen;
	uint8_t week[WEEKS_MAX], month[MONTHS_MAX];
};

struct gather {
	struct store *st;
	const Baosong__V1__Scheme *s;
	struct dev_role {          /* every device's role, in id order (read before the
				    * pass: the pass must not use the store) */
		int64_t id;
		int role;
	} *roles;
	size_t n_roles, cap_roles;
	struct assess_span sp;
	int64_t as_of, base_last_day, year_first_day;
	int64_t last_day;          /* the period's last day within its year (a week 53
				    * may reach into January) */
	struct gunit *units;
	size_t n_units, cap_units;
	struct gproject *projects;
	size_t n_projects, cap_projects;
	crypto_generichash_state *states; /* the units' digests (aligned as libsodium wants) */
	uint32_t *slots;           /* open-addressing index of projects by uid: index + 1 */
	uint32_t *by_id;           /* units by id: index + 1, 0 for none (or NULL) */
	size_t n_by_id;
	size_t n_slots;            /* a power of two, at least twice the projects */
	/* due periods inside the span: weeks by Monday, months 1..12 */
	int64_t weeks[WEEKS_MAX];
	int n_weeks;
	int months[MONTHS_MAX];
	int n_months;
	struct gtarget *targets;   /* by unit, same order as units */
	int rv;
	int one_pass;              /* 1: digests of kinds after weekly wait in later[] */
	enum gkind kind;           /* of the record being read */
	struct later later[GK_COUNT];
	struct gather_arena arena; /* decodes every record */
};

/* The numbers of one target record (its strings die with the decode). */
struct tnum {
	int64_t fai_fen, attraction_fen, upward_fen;
	int32_t growth_bp;
	uint32_t new_starts;
};

struct gtarget {
	int have_year, have_q[4];
	struct tnum year, q[4];
};

static int unit_id_cmp(const void *a, const void *b)
{
	const struct gunit *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static struct gunit *unit_find(struct gather *g, int64_t id)
{
	struct gunit key;
	if (g->by_id)
		return id >= 0 && (uint64_t)id < g->n_by_id && g->by_id[id]
			       ? &g->units[g->by_id[id] - 1]
			       : NULL;
	key.id = id;
	return bsearch(&key, g->units, g->n_units, sizeof key, unit_id_cmp);
}

/* A direct index of the units by id, when their ids are small (as the
 * store assigns them: 1, 2, 3 ...); otherwise unit_find searches. */
static int index_units(struct gather *g)
{
	size_t i;
	int64_t max = 0;
	for (i = 0; i < g->n_units; i++)
		if (g->units[i].id > max)
			max = g->units[i].id;
	if (max >= 1 << 20 || g->n_units == 0)
		return BS_OK;
	if (!(g->by_id = calloc((size_t)max + 1, sizeof *g->by_id)))
		return BS_E_NOMEM;
	g->n_by_id = (size_t)max + 1;
	for (i = 0; i < g->n_units; i++)
		if (g->units[i].id >= 0)
			g->by_id[g->units[i].id] = (uint32_t)i + 1;
	return BS_OK;
}

/* A uid's slot: its first 16 characters as a number (uids are random hex;
 * anything else still works, only slower). */
static size_t uid_hash(const char *uid)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;
	for (i = 0; i < 16 && uid[i]; i++)
		h = (h ^ (uint8_t)uid[i]) * 1099511628211ULL;
	return (size_t)h;
}

static int index_projects(struct gather *g)
{
	size_t n = 64, i;
	while (n < 2 * g->n_projects + 2)
		n *= 2;
	if (g->n_projects > UINT32_MAX / 2 || !(g->slots = calloc(n, sizeof *g->slots)))
		return BS_E_NOMEM;
	g->n_slots = n;
	for (i = 0; i < g->n_projects; i++) {
		size_t k = uid_hash(g->projects[i].uid) & (n - 1);
		while (g->slots[k])
			k = (k + 1) & (n - 1);
		g->slots[k] = (uint32_t)i + 1;
	}
	return BS_OK;
}

static struct gproject *project_find(struct gather *g, const char *uid)
{
	size_t k;
	if (!uid || !g->n_slots)
		return NULL;
	for (k = uid_hash(uid) & (g->n_slots - 1); g->slots[k]; k = (k + 1) & (g->n_slots - 1)) {
		struct gproject *p = &g->projects[g->slots[k] - 1];
		if (!strcmp(p->uid, uid))
			return p;
	}
	return NULL;
}

static void digest_fold(struct gunit *u, const char *uid, size_t uid_len, uint64_t rev,
			int deleted)
{
	/* uid with its NUL, rev big-endian, deleted: one update */
	uint8_t b[STORE_UID_MAX + 1 + 9];
	size_t i;
	assert(uid_len <= STORE_UID_MAX);
	memcpy(b, uid, uid_len);
	b[uid_len] = 0;
	for (i = 0; i < 8; i++)
		b[uid_len + 1 + i] = (uint8_t)(rev >> (56 - 8 * i));
	b[uid_len + 9] = (uint8_t)deleted;
	crypto_generichash_update(u->digest, b, uid_len + 10);
}

/* Fold (uid, rev, deleted) into the unit's record digest: now, or (one
 * pass, a kind after weekly reports) after the pass, by later_replay. */
static void digest_add(struct gather *g, struct gunit *u, const struct record *r)
{
	size_t n = strlen(r->uid), need = 4 + 1 + n + 8 + 1, i;
	uint32_t ui = (uint32_t)(u - g->units);
	struct later *l = &g->later[g->kind];
	uint8_t *p;

	if (!g->one_pass || g->kind <= GK_WEEKLY) {
		digest_fold(u, r->uid, n, r->rev, r->deleted);
		return;
	}
	assert(n <= UINT8_MAX && u >= g->units && u < g->units + g->n_units);
	if (g->rv)
		return;
	if (l->cap - l->len < need) {
		size_t nc = l->cap ? l->cap * 2 : 64 * 1024;
		uint8_t *nb;
		while (nc - l->len < need)
			nc *= 2;
		if (!(nb = realloc(l->b, nc))) {
			g->rv = BS_E_NOMEM;
			return;
		}
		l->b = nb;
		l->cap = nc;
	}
	p = l->b + l->len;
	for (i = 0; i < 4; i++)
		*p++ = (uint8_t)(ui >> (24 - 8 * i));
	*p++ = (uint8_t)n;
	memcpy(p, r->uid, n);
	p += n;
	for (i = 0; i < 8; i++)
		*p++ = (uint8_t)(r->rev >> (56 - 8 * i));
	*p++ = (uint8_t)r->deleted;
	l->len += need;
}

/* The waiting digests, kind after kind, each in the order read. */
static void later_replay(struct gather *g)
{
	char uid[STORE_UID_MAX + 1];
	int k;
	for (k = 0; k < GK_COUNT; k++) {
		const uint8_t *p = g->later[k].b, *end = p + g->later[k].len;
		while (p && p < end) {
			uint32_t ui = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
				      (uint32_t)p[2] << 8 | p[3];
			size_t n = p[4], i;
			uint64_t rev = 0;
			memcpy(uid, p + 5, n);
			uid[n] = '\0';
			p += 5 + n;
			for (i = 0; i < 8; i++)
				rev = rev << 8 | p[i];
			digest_fold(&g->units[ui], uid, n, rev, p[8]);
			p += 9;
		}
	}
}

static int add_role(void *ctx, const struct device *d)
{
	struct gather *g = ctx;
	if (g->n_roles == g->cap_roles) {
		size_t nc = g->cap_roles ? 2 * g->cap_roles : 64;
		struct dev_role *nr = realloc(g->roles, nc * sizeof *nr);
		if (!nr)
			return BS_E_NOMEM;
		g->roles = nr;
		g->cap_roles = nc;
	}
	g->roles[g->n_roles].id = d->id;
	g->roles[g->n_roles].role = d->role;
	g->n_roles++;
	return 0;
}

static int role_cmp(const void *a, const void *b)
{
	const struct dev_role *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* The role of device id (0 if there is no such device). */
static int role_of(const struct gather *g, int64_t id)
{
	struct dev_role key = {id, 0};
	const struct dev_role *d = bsearch(&key, g->roles, g->n_roles, sizeof *g->roles, role_cmp);
	return d ? d->role : 0;
}

static int add_unit(void *ctx, const struct unit *un)
{
	struct gather *g = ctx;
	struct gunit *gu;
	UnitInput *in;
	size_t i;
	int ranked = 0;

	for (i = 0; i < g->s->n_unit_types; i++)
		if ((int)g->s->unit_types[i] == un->type)
			ranked = 1;
	if (!ranked)
		return 0;
	if (g->n_units == g->cap_units) {
		size_t nc = g->cap_units ? g->cap_units * 2 : 64;
		struct gunit *nu;
		if (nc > ASSESS_UNITS_MAX || !(nu = realloc(g->units, nc * sizeof *nu)))
			return BS_E_NOMEM;
		g->units = nu;
		g->cap_units = nc;
	}
	if (!(in = malloc(sizeof *in)))
		return BS_E_NOMEM;
	baosong__v1__unit_input__init(in);
	in->unit_code = strdup(un->code);
	in->unit_name = strdup(un->name);
	in->unit_type = (Baosong__V1__UnitType)un->type;
	gu = &g->units[g->n_units++];
	memset(gu, 0, sizeof *gu);
	gu->id = un->id;
	gu->in = in;
	return in->unit_code && in->unit_name ? 0 : BS_E_NOMEM;
}

/* Decode r with the gather's arena; free with unpacked_free. */
static ProtobufCMessage *unpack(struct gather *g, const ProtobufCMessageDescriptor *d,
				const struct record *r)
{
	gather_arena_reset(&g->arena);
	return protobuf_c_message_unpack(d, &g->arena.alloc, r->data_len, r->data);
}

static void unpacked_free(struct gather *g, ProtobufCMessage *m)
{
	protobuf_c_message_free_unpacked(m, &g->arena.alloc);
}

/* ---- projects ---- */

static int is_started(int stage)
{
	return stage == BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START ||
	       stage == BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING ||
	       stage == BAOSONG__V1__PROJECT_STAGE__STAGE_COMPLETED ||
	       stage == BAOSONG__V1__PROJECT_STAGE__STAGE_OPERATING;
}

static int on_project(void *ctx, const struct record *r, const struct review_state *rs)
{
	struct gather *g = ctx;
	struct gunit *u = unit_find(g, r->unit_id);
	struct gproject *p;
	Baosong__V1__Project *m;
	int64_t start;
	(void)rs;

	if (!u)
		return 0;
	digest_add(g, u, r);
	if (r->deleted)
		return 0;
	if (!(m = (Baosong__V1__Project *)unpack(g, &baosong__v1__project__descriptor, r)))
		return 0; /* unreadable: audit verify reports it; it counts for nothing */
	if (g->n_projects == g->cap_projects) {
		size_t nc = g->cap_projects ? g->cap_projects * 2 : 1024;
		struct gproject *np = realloc(g->projects, nc * sizeof *np);
		if (!np) {
			unpacked_free(g, &m->base);
			return BS_E_NOMEM;
		}
		g->projects = np;
		g->cap_projects = nc;
	}
	if (strlen(r->uid) > REC_UID_LEN) {
		unpacked_free(g, &m->base);
		return 0;
	}
	p = &g->projects[g->n_projects++]; /* the scan is in uid order */
	memset(p, 0, sizeof *p);
	memcpy(p->uid, r->uid, strlen(r->uid) + 1);
	p->u = u;
	p->stage = (int)m->stage;
	p->total_fen = m->total_investment_fen;
	p->owes = m->stage == BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START ||
		  m->stage == BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING;
	p->ytd_end = p->base_end = -1;
	u->in->projects++;
	if (is_started((int)m->stage) && m->start_date &&
	    period_parse_date(m->start_date, &start) == BS_OK && start >= g->year_first_day &&
	    start <= g->last_day)
		u->in->new_starts++;
	unpacked_free(g, &m->base);
	return 0;
}

/* ---- progress reports ---- */

/* The year of a period that starts "YYYY", at least min_len long; 0 if not. */
static int period_year(const char *period, size_t min_len)
{
	int y = 0, i;
	if (!period || strlen(period) < min_len || min_len < 4)
		return 0;
	for (i = 0; i < 4; i++) {
		if (period[i] < '0' || period[i] > '9')
			return 0;
		y = y * 10 + (period[i] - '0');
	}
	return y;
}

static int on_report(struct gather *g, const struct record *r, const struct review_state *rs,
		     int monthly)
{
	struct gunit *u = unit_find(g, r->unit_id);
	struct gproject *p;
	ProtobufCMessage *m;
	const char *period, *project_uid;
	int64_t ytd, end, deadline, first;
	int y, i, state;

	if (!u)
		return 0;
	digest_add(g, u, r);
	if (r->deleted)
		return 0;
	m = unpack(g, monthly ? &baosong__v1__monthly_report__descriptor
			      : &baosong__v1__weekly_report__descriptor, r);
	if (!m)
		return 0;
	if (monthly) {
		Baosong__V1__MonthlyReport *mr = (Baosong__V1__MonthlyReport *)m;
		period = mr->period;
		project_uid = mr->project_uid;
		ytd = mr->invested_ytd_fen;
	} else {
		Baosong__V1__WeeklyReport *wr = (Baosong__V1__WeeklyReport *)m;
		period = wr->period;
		project_uid = wr->project_uid;
		ytd = wr->invested_ytd_fen;
	}
	p = project_find(g, project_uid);
	y = period_year(period, monthly ? 7 : 8);
	if (!p || p->u != u || !y)
		goto out;
	if (monthly) {
		int mo = (period[5] - '0') * 10 + (period[6] - '0');
		if (period[4] != '-' || mo < 1 || mo > 12 ||
		    records_monthly_deadline(period, &deadline) != BS_OK)
			goto out;
		first = period_days_from_civil(y, (unsigned)mo, 1);
		end = (mo == 12 ? period_days_from_civil(y + 1, 1, 1)
				: period_days_from_civil(y, (unsigned)mo + 1, 1)) - 1;
	} else {
		if (period_parse_week(period, &first) != BS_OK)
			goto out;
		end = first + 6;
		deadline = records_weekly_deadline_ms(first);
	}
	/* A report that reached the server after the as-of time did not exist
	 * then. */
	if (rs->created_at > g->as_of)
		goto out;
	/* Year-to-date: the latest report of the year up to the period's end;
	 * a monthly report wins over a weekly one ending the same day.  A
	 * returned report (退回) does not count until it is sent again. */
	if (rs->status != BAOSONG__V1__REVIEW_STATUS__REVIEW_RETURNED) {
		int64_t key = end * 2 + monthly;
		if (y == g->sp.year && end <= g->sp.last_day && key > p->ytd_end) {
			p->ytd_end = key;
			p->ytd_fen = ytd;
		} else if (y == g->sp.year - 1 && end <= g->base_last_day && key > p->base_end) {
			p->base_end = key;
			p->base_fen = ytd;
		}
	}
	/* Timeliness: complete (with its photo, when the scheme asks for one)
	 * by the deadline. */
	if (!(g->s->report_kinds & (monthly ? 2u : 1u)))
		goto out;
	{
		int64_t done = g->s->report_photo_required ? rs->complete_at : rs->created_at;
		state = done <= 0 || done > g->as_of ? R_INCOMPLETE
			: done <= deadline	    ? R_ON_TIME
						    : R_LATE;
	}
	if (monthly) {
		for (i = 0; i < g->n_months; i++)
			if (period_days_from_civil(g->sp.year, (unsigned)g->months[i], 1) == first &&
			    y == g->sp.year && state > p->month[i])
				p->month[i] = (uint8_t)state;
	} else {
		for (i = 0; i < g->n_weeks; i++)
			if (g->weeks[i] == first && state > p->week[i])
				p->week[i] = (uint8_t)state;
	}
out:
	unpacked_free(g, m);
	return 0;
}

static int on_weekly(void *ctx, const struct record *r, const struct review_state *rs)
{
	return on_report(ctx, r, rs, 0);
}

static int on_monthly(void *ctx, const struct record *r, const struct review_state *rs)
{
	return on_report(ctx, r, rs, 1);
}

/* ---- the other kinds ---- */

static int on_approval(void *ctx, const struct record *r, const struct review_state *rs)
{
	struct gather *g = ctx;
	struct gunit *u = unit_find(g, r->unit_id);
	Baosong__V1__ApprovalItem *m;
	int64_t dl, done;
	(void)rs;

	if (!u)
		return 0;
	digest_add(g, u, r);
	if (r->deleted ||
	    !(m = (Baosong__V1__ApprovalItem *)unpack(g, &baosong__v1__approval_item__descriptor, r)))
		return 0;
	/* Due: a deadline in the year up to the period's end that has passed. */
	if (m->deadline && period_parse_date(m->deadline, &dl) == BS_OK &&
	    dl >= g->year_first_day && dl <= g->last_day &&
	    period_local_midnight_ms(dl + 1) <= g->as_of) {
		u->in->approvals_due++;
		if (m->status == BAOSONG__V1__ITEM_STATUS__ITEM_DONE && m->done_date &&
		    period_parse_date(m->done_date, &done) == BS_OK && done <= dl)
			u->in->approvals_on_time++;
	}
	unpacked_free(g, &m->base);
	return 0;
}

static int on_stats(void *ctx, const struct record *r, const struct review_state *rs)
{
	struct gather *g = ctx;
	struct gunit *u = unit_find(g, r->unit_id);
	struct gproject *p;
	Baosong__V1__StatsEvidence *m;

	if (!u)
		return 0;
	digest_add(g, u, r);
	if (r->deleted ||
	    !(m = (Baosong__V1__StatsEvidence *)unpack(g, &baosong__v1__stats_evidence__descriptor, r)))
		return 0;
	p = project_find(g, m->project_uid);
	/* Registered: the statistics bureau set it so, or a statistics (or
	 * administrator) device approved the evidence in review. */
	if (p && p->u == u && m->status == BAOSONG__V1__STATS_STATUS__STATS_REGISTERED)
		p->stats_registered = 1;
	if (p && p->u == u && rs->status == BAOSONG__V1__REVIEW_STATUS__REVIEW_APPROVED &&
	    rs->reviewed_by > 0) {
		int role = role_of(g, rs->reviewed_by);
		if (role == ROLE_STATISTICS || role == ROLE_ADMIN)
			p->stats_registered = 1;
	}
	unpacked_free(g, &m->base);
	return 0;
}

static int on_deal(void *ctx, const struct record *r, const struct review_state *rs)
{
	struct gather *g = ctx;
	struct gunit *u = unit_find(g, r->unit_id);
	Baosong__V1__Deal *m;
	char lo[16], hi[16];
	unsigned em;
	unsigned ed;
	int ey;
	size_t i;
	(void)rs;

	if (!u)
		return 0;
	digest_add(g, u, r);
	if (r->deleted || !(m = (Baosong__V1__Deal *)unpack(g, &baosong__v1__deal__descriptor, r)))
		return 0;
	period_civil_from_days(g->last_day, &ey, &em, &ed);
	snprintf(lo, sizeof lo, "%04d-01", g->sp.year % 10000);
	snprintf(hi, sizeof hi, "%04d-%02u", ey % 10000, em % 100u);
	for (i = 0; i < m->n_funds; i++) {
		const char *mo = m->funds[i]->month;
		if (mo && strlen(mo) == 7 && strcmp(mo, lo) >= 0 && strcmp(mo, hi) <= 0)
			u->in->attraction_fen = sat_add(u->in->attraction_fen,
							m->funds[i]->amount_fen);
	}
	/* The same months of last year (同比). */
	snprintf(lo, sizeof lo, "%04d-01", (g->sp.year - 1) % 10000);
	snprintf(hi, sizeof hi, "%04d-%02u", (ey - 1) % 10000, em % 100u);
	for (i = 0; i < m->n_funds; i++) {
		const char *mo = m->funds[i]->month;
		if (mo && strlen(mo) == 7 && strcmp(mo, lo) >= 0 && strcmp(mo, hi) <= 0)
			u->in->attraction_base_fen = sat_add(u->in->attraction_base_fen,
							     m->funds[i]->amount_fen);
	}
	unpacked_free(g, &m->base);
	return 0;
}

static int on_funding(void *ctx, const struct record *r, const struct review_state *rs)
{
	struct gather *g = ctx;
	struct gunit *u = unit_find(g, r->unit_id);
	Baosong__V1__FundingApplication *m;
	int64_t day;
	(void)rs;

	if (!u)
		return 0;
	digest_add(g, u, r);
	if (r->deleted || !(m = (Baosong__V1__FundingApplication *)unpack(
				    g, &baosong__v1__funding_application__descriptor, r)))
		return 0;
	/* Secured (下达 or 到位), applied for this year up to the period's end. */
	if ((m->status == BAOSONG__V1__FUNDING_STATUS__FUNDING_APPROVED ||
	     m->status == BAOSONG__V1__FUNDING_STATUS__FUNDING_ARRIVED) &&
	    m->applied_date && period_parse_date(m->applied_date, &day) == BS_OK &&
	    day >= g->year_first_day && day <= g->last_day)
		u->in->upward_fen = sat_add(u->in->upward_fen, m->approved_fen);
	unpacked_free(g, &m->base);
	return 0;
}

static int on_acceptance(void *ctx, const struct record *r, const struct review_state *rs)
{
	struct gather *g = ctx;
	struct gunit *u = unit_find(g, r->unit_id);
	Baosong__V1__Acceptance *m;
	(void)rs;

	if (!u)
		return 0;
	digest_add(g, u, r);
	if (r->deleted ||
	    !(m = (Baosong__V1__Acceptance *)unpack(g, &baosong__v1__acceptance__descriptor, r)))
		return 0;
	if ((int)m->year == g->sp.year &&
	    m->result == BAOSONG__V1__ACCEPTANCE_RESULT__ACCEPTANCE_FAILED)
		u->in->acceptance_failed++;
	unpacked_free(g, &m->base);
	return 0;
}

static int on_target(void *ctx, const struct record *r, const struct review_state *rs)
{
	struct gather *g = ctx;
	Baosong__V1__Target *m;
	size_t i;
	int y;
	(void)rs;

	if (r->deleted ||
	    !(m = (Baosong__V1__Target *)unpack(g, &baosong__v1__target__descriptor, r)))
		return 0;
	/* "YYYY" or "YYYY-Qn" (validated when written; checked again here). */
	y = m->period && (strlen(m->period) == 4 ||
			  (strlen(m->period) == 7 && m->period[4] == '-' && m->period[5] == 'Q' &&
			   m->period[6] >= '1' && m->period[6] <= '4'))
		    ? period_year(m->period, 4)
		    : 0;
	for (i = 0; y == g->sp.year && m->unit_code && i < g->n_units; i++) {
		struct gtarget *t = &g->targets[i];
		struct tnum n = {m->fai_fen, m->attraction_fen, m->upward_fen, m->growth_bp,
				 m->new_starts};
		if (strcmp(g->units[i].in->unit_code, m->unit_code) != 0)
			continue;
		digest_add(g, &g->units[i], r);
		if (strlen(m->period) == 4) {
			t->have_year = 1;
			t->year = n;
		} else {
			t->have_q[m->period[6] - '1'] = 1;
			t->q[m->period[6] - '1'] = n;
		}
		break;
	}
	unpacked_free(g, &m->base);
	return 0;
}

/* Bonus and deduction items: an adjustment record whose period lies inside
 * the span (a month, quarter or year of it), by the unit it names, for an
 * item of the scheme. */
static int on_adjustment(void *ctx, const struct record *r, const struct review_state *rs)
{
	struct gather *g = ctx;
	Baosong__V1__Adjustment *m;
	struct assess_span ap;
	size_t i, j;
	int scope = 0, known = 0;
	(void)rs;

	if (r->deleted ||
	    !(m = (Baosong__V1__Adjustment *)unpack(g, &baosong__v1__adjustment__descriptor, r)))
		return 0;
	if (m->period && strlen(m->period) == 4)
		scope = BAOSONG__V1__ASSESS_SCOPE__ASSESS_YEAR;
	else if (m->period && strlen(m->period) == 7 && m->period[5] == 'Q')
		scope = BAOSONG__V1__ASSESS_SCOPE__ASSESS_QUARTER;
	else if (m->period && strlen(m->period) == 7)
		scope = BAOSONG__V1__ASSESS_SCOPE__ASSESS_MONTH;
	for (i = 0; m->item && i < g->s->n_adjust_items; i++)
		known |= !strcmp(g->s->adjust_items[i]->code, m->item);
	if (known && scope && m->unit_code && assess_span_parse(scope, m->period, &ap) == BS_OK &&
	    g->sp.scope != BAOSONG__V1__ASSESS_SCOPE__ASSESS_WEEK &&
	    ap.first_day >= g->sp.first_day && ap.last_day <= g->sp.last_day) {
		for (i = 0; i < g->n_units; i++) {
			UnitInput *in = g->units[i].in;
			Baosong__V1__AdjustCount *c = NULL, **nc;
			if (strcmp(in->unit_code, m->unit_code) != 0)
				continue;
			digest_add(g, &g->units[i], r);
			for (j = 0; j < in->n_adjustments; j++)
				if (!strcmp(in->adjustments[j]->item, m->item))
					c = in->adjustments[j];
			if (!c) {
				if (in->n_adjustments >= ASSESS_ADJUST_MAX ||
				    !(c = malloc(sizeof *c)))
					break;
				baosong__v1__adjust_count__init(c);
				if (!(c->item = strdup(m->item)) ||
				    !(nc = realloc(in->adjustments,
						   (in->n_adjustments + 1) * sizeof *nc))) {
					free(c->item == protobuf_c_empty_string ? NULL : c->item);
					free(c);
					g->rv = BS_E_NOMEM;
					break;
				}
				in->adjustments = nc;
				in->adjustments[in->n_adjustments++] = c;
			}
			{
				uint64_t n = (uint64_t)c->count + (m->count ? m->count : 1);
				c->count = n > 10000 ? 10000 : (uint32_t)n;
			}
			break;
		}
	}
	unpacked_free(g, &m->base);
	return g->rv;
}

static void apply_targets(struct gather *g, const struct gtarget *t, UnitInput *in)
{
	int q = g->sp.quarter, i, all = 1, sum_all = 1;
	int64_t cum = 0, year_sum = 0;

	for (i = 0; i < 4; i++) {
		if (!t->have_q[i])
			sum_all = 0;
		else
			year_sum += t->q[i].fai_fen;
	}
	if (q) {
		for (i = 0; i < q; i++) {
			if (!t->have_q[i])
				all = 0;
			else
				cum += t->q[i].fai_fen;
		}
	}
	/* FAI: a quarter against the quarters' targets up to it when all are
	 * set, else against the year; any other period against the year (or
	 * the four quarters' sum when no yearly target exists). */
	if (q && all) {
		in->fai_target_fen = cum;
		in->has_fai_target = cum > 0;
	} else if (t->have_year && t->year.fai_fen > 0) {
		in->fai_target_fen = t->year.fai_fen;
		in->has_fai_target = 1;
	} else if (sum_all && year_sum > 0) {
		in->fai_target_fen = year_sum;
		in->has_fai_target = 1;
	}
	if (q && t->have_q[q - 1] && t->q[q - 1].growth_bp) {
		in->growth_target_bp = t->q[q - 1].growth_bp;
		in->has_growth_target = 1;
	} else if (t->have_year && t->year.growth_bp) {
		in->growth_target_bp = t->year.growth_bp;
		in->has_growth_target = 1;
	}
	if (t->have_year) {
		in->new_starts_target = t->year.new_starts;
		in->has_new_starts_target = t->year.new_starts > 0;
		in->attraction_target_fen = t->year.attraction_fen;
		in->has_attraction_target = t->year.attraction_fen > 0;
		in->upward_target_fen = t->year.upward_fen;
		in->has_upward_target = t->year.upward_fen > 0;
	}
}

/* ---- putting it together ---- */

static int input_code_cmp(const void *a, const void *b)
{
	const UnitInput *const *x = a, *const *y = b;
	return strcmp((*x)->unit_code, (*y)->unit_code);
}

/* ---- reading the records ---- */

/* The kinds the ranking reads, in the order of records_digest, and what
 * reads each. */
static const struct {
	const char *kind;
	int (*fn)(void *, const struct record *, const struct review_state *);
} READS[GK_COUNT] = {
	[GK_PROJECT] = {REC_KIND_PROJECT, on_project},
	[GK_WEEKLY] = {REC_KIND_WEEKLY, on_weekly},
	[GK_MONTHLY] = {REC_KIND_MONTHLY, on_monthly},
	[GK_APPROVAL] = {REC_KIND_APPROVAL, on_approval},
	[GK_STATS] = {REC_KIND_STATS, on_stats},
	[GK_DEAL] = {REC_KIND_DEAL, on_deal},
	[GK_FUNDING] = {REC_KIND_FUNDING, on_funding},
	[GK_ACCEPTANCE] = {REC_KIND_ACCEPTANCE, on_acceptance},
	[GK_TARGET] = {REC_KIND_TARGET, on_target},
	[GK_ADJUSTMENT] = {REC_KIND_ADJUSTMENT, on_adjustment},
};

/* The kind's place in READS, or -1 for a kind the ranking does not read. */
static int read_of(const char *kind)
{
	int i;
	for (i = 0; i < GK_COUNT; i++)
		if (!strcmp(kind, READS[i].kind))
			return i;
	return -1;
}

/* One kind at a time, in the order of records_digest. */
static int read_by_kind(struct gather *g)
{
	int i, rv;
	for (i = 0; i < GK_COUNT; i++) {
		if (i == GK_ADJUSTMENT && !g->s->n_adjust_items)
			continue;
		g->kind = (enum gkind)i;
		if ((rv = store_record_scan_assess(g->st, READS[i].kind, READS[i].fn, g)) != BS_OK)
			return rv;
		if (i == GK_PROJECT && (rv = index_projects(g)) != BS_OK)
			return rv;
	}
	return BS_OK;
}

/* Every kind but projects (read before), in one pass: dispatch on the kind. */
static int on_any(void *ctx, const struct record *r, const struct review_state *rs)
{
	struct gather *g = ctx;
	int i = read_of(r->kind), rv;

	if (i < 0 || i == GK_PROJECT || (i == GK_ADJUSTMENT && !g->s->n_adjust_items))
		return 0;
	g->kind = (enum gkind)i;
	rv = READS[i].fn(g, r, rs);
	return rv ? rv : g->rv;
}

/* On the reading thread: the kinds on_any reads. */
static int pipe_keep(const struct record *r)
{
	int i = read_of(r->kind);
	return i >= 0 && i != GK_PROJECT;
}

static int read_one_pass(struct gather *g)
{
	static const struct gather_pipe_fns fns = {pipe_keep, on_any};
	int rv;
	g->kind = GK_PROJECT;
	if ((rv = store_record_scan_assess(g->st, REC_KIND_PROJECT, on_project, g)) != BS_OK ||
	    (rv = index_projects(g)) != BS_OK)
		return rv;
	rv = gather_pipe_scan(g->st, &fns, g);
	if (rv != BS_OK)
		return rv;
	if (g->rv)
		return g->rv;
	later_replay(g);
	return BS_OK;
}

static void free_gather(struct gather *g)
{
	size_t i;
	int k;
	for (k = 0; k < GK_COUNT; k++)
		free(g->later[k].b);
	free(g->roles);
	free(g->targets);
	gather_arena_free(&g->arena);
	for (i = 0; i < g->n_units; i++)
		if (g->units[i].in)
			protobuf_c_message_free_unpacked(&g->units[i].in->base, NULL);
	free(g->units);
	free(g->projects);
	free(g->slots);
	free(g->by_id);
	free(g->states);
}

static int gather_run(struct store *st, const Baosong__V1__Scheme *s, int scope,
		      const char *period, int64_t as_of_ms, int one_pass,
		      Baosong__V1__AssessInputs **out)
{
	struct gather g;
	Baosong__V1__AssessInputs *res = NULL;
	int64_t d, year_last;
	int y, rv, i;
	unsigned m, dd;
	size_t k;

	memset(&g, 0, sizeof g);
	g.st = st;
	g.s = s;
	g.as_of = as_of_ms;
	g.one_pass = one_pass;
	if (assess_span_parse(scope, period, &g.sp) != BS_OK)
		return BS_E_INVAL;
	if (gather_arena_init(&g.arena, 64 * 1024, DECODE_MEM) != BS_OK)
		return BS_E_NOMEM;
	g.year_first_day = period_days_from_civil(g.sp.year, 1, 1);
	year_last = period_days_from_civil(g.sp.year + 1, 1, 1) - 1;
	g.last_day = g.sp.last_day < year_last ? g.sp.last_day : year_last;
	/* The base (同比): last year up to the same day (29 February: the
	 * 28th); for a week, the same ISO week's Sunday 52 weeks before. */
	if (scope == BAOSONG__V1__ASSESS_SCOPE__ASSESS_WEEK) {
		g.base_last_day = g.sp.last_day - 364;
	} else {
		period_civil_from_days(g.sp.last_day, &y, &m, &dd);
		if (m == 2 && dd == 29)
			dd = 28;
		g.base_last_day = period_days_from_civil(y - 1, m, dd);
	}

	/* Due periods: weeks whose Friday falls in the span, months inside it,
	 * each only once its deadline has passed at as_of. */
	for (d = g.sp.first_day; d <= g.sp.last_day && g.n_weeks < WEEKS_MAX; d++) {
		int64_t monday;
		char w[9];
		period_format_week(d, w);
		if (period_parse_week(w, &monday) != BS_OK || monday + 4 != d)
			continue;
		if (records_weekly_deadline_ms(monday) <= as_of_ms)
			g.weeks[g.n_weeks++] = monday;
	}
	for (i = 1; i <= 12; i++) {
		char mp[16];
		int64_t first = period_days_from_civil(g.sp.year, (unsigned)i, 1), dl;
		if (first < g.sp.first_day || first > g.sp.last_day)
			continue;
		snprintf(mp, sizeof mp, "%04d-%02d", g.sp.year % 10000, i);
		if (records_monthly_deadline(mp, &dl) == BS_OK && dl <= as_of_ms)
			g.months[g.n_months++] = i;
	}

	if ((rv = store_unit_each(st, add_unit, &g)) != BS_OK ||
	    (rv = store_device_each(st, add_role, &g)) != BS_OK)
		goto out;
	qsort(g.units, g.n_units, sizeof *g.units, unit_id_cmp); /* roles: in id order */
	if ((rv = index_units(&g)) != BS_OK)
		goto out;
	/* The units stay where they are from here on. */
	g.states = aligned_alloc(64, (g.n_units + 1) * sizeof *g.states);
	if (!g.states) {
		rv = BS_E_NOMEM;
		goto out;
	}
	for (k = 0; k < g.n_units; k++) {
		g.units[k].digest = &g.states[k];
		crypto_generichash_init(g.units[k].digest, NULL, 0, 32);
	}
	if (!(g.targets = calloc(g.n_units + 1, sizeof *g.targets))) {
		rv = BS_E_NOMEM;
		goto out;
	}
	if ((rv = one_pass ? read_one_pass(&g) : read_by_kind(&g)) != BS_OK)
		goto out;

	/* Per project: figures and reports into its unit. */
	for (k = 0; k < g.n_projects; k++) {
		struct gproject *p = &g.projects[k];
		UnitInput *in = p->u->in;
		if (p->ytd_end >= 0)
			in->fai_ytd_fen = sat_add(in->fai_ytd_fen, p->ytd_fen);
		if (p->base_end >= 0) {
			in->fai_base_fen = sat_add(in->fai_base_fen, p->base_fen);
			in->has_base = 1;
		}
		if (records_project_needs_stats(p->total_fen, p->stage)) {
			in->stats_needed++;
			in->stats_registered += (uint32_t)p->stats_registered;
		}
		if (!p->owes)
			continue;
		if (s->report_kinds & 1u)
			for (i = 0; i < g.n_weeks; i++) {
				in->reports_due++;
				in->reports_on_time += p->week[i] == R_ON_TIME;
				in->reports_late += p->week[i] == R_LATE;
				in->reports_missing += p->week[i] == R_NONE ||
						       p->week[i] == R_INCOMPLETE;
			}
		if (s->report_kinds & 2u)
			for (i = 0; i < g.n_months; i++) {
				in->reports_due++;
				in->reports_on_time += p->month[i] == R_ON_TIME;
				in->reports_late += p->month[i] == R_LATE;
				in->reports_missing += p->month[i] == R_NONE ||
						       p->month[i] == R_INCOMPLETE;
			}
	}

	if (!(res = malloc(sizeof *res))) {
		rv = BS_E_NOMEM;
		goto out;
	}
	baosong__v1__assess_inputs__init(res);
	res->scope = (Baosong__V1__AssessScope)scope;
	res->period = strdup(period);
	res->as_of_ms = as_of_ms;
	res->units = calloc(g.n_units + 1, sizeof *res->units);
	if (!res->period || !res->units) {
		rv = BS_E_NOMEM;
		goto out;
	}
	/* Back in unit-code order. */
	for (k = 0; k < g.n_units; k++) {
		struct gunit *gu = &g.units[k];
		uint8_t dg[32];
		apply_targets(&g, &g.targets[k], gu->in);
		crypto_generichash_final(gu->digest, dg, sizeof dg);
		if (!(gu->in->records_digest.data = malloc(sizeof dg))) {
			rv = BS_E_NOMEM;
			goto out;
		}
		memcpy(gu->in->records_digest.data, dg, sizeof dg);
		gu->in->records_digest.len = sizeof dg;
		res->units[res->n_units++] = gu->in;
		gu->in = NULL;
	}
	qsort(res->units, res->n_units, sizeof *res->units, input_code_cmp);
	*out = res;
	res = NULL;
	rv = BS_OK;
out:
	if (res)
		protobuf_c_message_free_unpacked(&res->base, NULL);
	free_gather(&g);
	return rv;
}

int assess_gather(struct store *st, const Baosong__V1__Scheme *s, int scope, const char *period,
		  int64_t as_of_ms, Baosong__V1__AssessInputs **out)
{
	return gather_run(st, s, scope, period, as_of_ms, 1, out);
}

int assess_gather_by_kind(struct store *st, const Baosong__V1__Scheme *s, int scope,
			  const char *period, int64_t as_of_ms, Baosong__V1__AssessInputs **out)
{
	return gather_run(st, s, scope, period, as_of_ms, 0, out);
}
