/* review.c - the reviewer's queue and what each entry shows. */
#include "review.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "field.h"
#include "period.h"
#include "unitdir.h"


struct walk {
	const struct review_filter *f;
	const char *kind;         /* parsed f->kind */
	struct unitdir_entry *units; /* the unit directory (unitdir.h) */
	size_t nunits;
	int64_t unit_id;          /* f->unit resolved; 0 any */
	struct review_item *items;
	char (*proj)[REC_UID_LEN + 1];
	size_t n, cap;
	int rv;
};

static const struct {
	const char *alias, *kind;
} kind_aliases[] = {
	{"report", REC_KIND_WEEKLY}, {"weekly", REC_KIND_WEEKLY},
	{"monthly", REC_KIND_MONTHLY}, {"stats", REC_KIND_STATS},
	{"funding", REC_KIND_FUNDING}, {"deal", REC_KIND_DEAL},
};

const char *review_kind_parse(const char *text)
{
	size_t i, n;
	const struct rec_kind *k = records_kinds(&n);
	for (i = 0; i < n; i++)
		if (k[i].reviewed && (!strcmp(text, k[i].name) || !strcmp(text, k[i].label_zh)))
			return k[i].name;
	for (i = 0; i < sizeof kind_aliases / sizeof kind_aliases[0]; i++)
		if (!strcmp(text, kind_aliases[i].alias))
			return kind_aliases[i].kind;
	return NULL;
}

int review_state_parse(const char *text)
{
	if (!strcmp(text, "pending") || !strcmp(text, "待审核") || !strcmp(text, "submitted"))
		return REVIEW_PENDING;
	if (!strcmp(text, "returned") || !strcmp(text, "已退回") || !strcmp(text, "退回"))
		return REVIEW_RETURNED;
	if (!strcmp(text, "approved") || !strcmp(text, "已通过") || !strcmp(text, "通过"))
		return REVIEW_APPROVED;
	if (!strcmp(text, "all") || !strcmp(text, "全部"))
		return REVIEW_ANY;
	return -1;
}

const char *review_state_zh(int status, int locked)
{
	if (locked && status == REVIEW_APPROVED)
		return "已通过";
	if (locked)
		return "已锁定";
	switch (status) {
	case REVIEW_PENDING: return "待审核";
	case REVIEW_RETURNED: return "已退回";
	case REVIEW_APPROVED: return "已通过";
	default: return "-";
	}
}

static const struct unitdir_entry *unit_of(const struct walk *w, int64_t id)
{
	return unitdir_by_id(w->units, w->nunits, id);
}

static const struct {
	const char *field, *label;
} fig_labels[] = {
	{"invested_period_fen", "本期"},    {"invested_ytd_fen", "本年"},
	{"invested_total_fen", "累计"},     {"total_investment_fen", "总投资"},
	{"annual_plan_fen", "年度计划"},    {"contract_fen", "签约"},
	{"applied_fen", "申请"},            {"approved_fen", "批复"},
	{"arrived_fen", "到位"},
};

static const char *fig_label(const char *kind, const char *field)
{
	size_t i;
	for (i = 0; i < sizeof fig_labels / sizeof fig_labels[0]; i++)
		if (!strcmp(fig_labels[i].field, field))
			return fig_labels[i].label;
	return field_zh(kind, field);
}

/* The key figures of a record: its money fields (at most three), by their
 * short labels, in 万元. */
static void figures(const char *kind, const ProtobufCMessage *m, char *out, size_t cap)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	unsigned i, shown = 0;
	size_t len = 0;
	out[0] = '\0';
	for (i = 0; i < d->n_fields && shown < 3; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		char v[64];
		if (f->label == PROTOBUF_C_LABEL_REPEATED || field_kind(f) != FK_MONEY)
			continue;
		field_format(kind, m, f, FMT_TABLE, v, sizeof v);
		if (!v[0])
			continue;
		len += (size_t)snprintf(out + len, len < cap ? cap - len : 0, "%s%s %s",
					shown ? " " : "", fig_label(kind, f->name), v);
		if (len >= cap)
			break;
		shown++;
	}
}

static void fill(struct walk *w, const struct lrecord *r, const ProtobufCMessage *m,
		 struct review_item *it, char proj[REC_UID_LEN + 1])
{
	const struct rec_kind *k = records_kind(r->kind);
	const struct unitdir_entry *u = unit_of(w, r->unit_id);
	const ProtobufCFieldDescriptor *f;

	memset(it, 0, sizeof *it);
	proj[0] = '\0';
	memcpy(it->uid, r->uid, strlen(r->uid) + 1);
	snprintf(it->kind, sizeof it->kind, "%s", r->kind);
	it->kind_zh = k ? k->label_zh : r->kind;
	it->rev = r->rev;
	it->unit_id = r->unit_id;
	if (u) {
		snprintf(it->unit_code, sizeof it->unit_code, "%s", u->code);
		snprintf(it->unit_name, sizeof it->unit_name, "%s", u->name);
	} else {
		snprintf(it->unit_name, sizeof it->unit_name, "单位 %lld", (long long)r->unit_id);
	}
	it->photos = (unsigned)r->n_attachments;
	it->status = r->review_status;
	it->locked = r->locked;
	snprintf(it->comment, sizeof it->comment, "%s", r->review_comment);
	if (!m)
		return;
	if (!strcmp(r->kind, REC_KIND_PROJECT)) {
		const Baosong__V1__Project *p = (const Baosong__V1__Project *)m;
		snprintf(it->project, sizeof it->project, "%s", p->name ? p->name : "");
		if (p->plan_year)
			snprintf(it->period, sizeof it->period, "%u", p->plan_year);
	} else {
		if ((f = field_named(m->descriptor, "project_uid")) != NULL) {
			const char *pu = field_text(m, f);
			if (strlen(pu) <= REC_UID_LEN)
				memcpy(proj, pu, strlen(pu) + 1);
		}
		for (f = m->descriptor->fields; f < m->descriptor->fields + m->descriptor->n_fields;
		     f++)
			if (field_kind(f) == FK_TEXT && strcmp(f->name, "project_uid") != 0) {
				/* the record's own name until its project's is known */
				snprintf(it->project, sizeof it->project, "%s", field_text(m, f));
				break;
			}
		if (k && k->period_field && (f = field_named(m->descriptor, k->period_field)))
			snprintf(it->period, sizeof it->period, "%s", field_text(m, f));
	}
	figures(r->kind, m, it->figures, sizeof it->figures);
}

static int take_record(void *ctx, const struct lrecord *r)
{
	struct walk *w = ctx;
	const struct rec_kind *k = records_kind(r->kind);
	struct wire_arena a;
	ProtobufCMessage *m;
	struct review_item *it;

	if (!k || !k->reviewed || strlen(r->uid) > REC_UID_LEN)
		return 0;
	if (w->kind && strcmp(w->kind, r->kind) != 0)
		return 0;
	if (w->unit_id && r->unit_id != w->unit_id)
		return 0;
	if (w->f->state && r->review_status != w->f->state)
		return 0;
	if (w->n == w->cap) {
		size_t nc = w->cap ? 2 * w->cap : 32;
		struct review_item *ni = realloc(w->items, nc * sizeof *ni);
		char(*np)[REC_UID_LEN + 1];
		if (!ni) {
			w->rv = BS_E_NOMEM;
			return 1;
		}
		w->items = ni;
		np = realloc(w->proj, nc * sizeof *np);
		if (!np) {
			w->rv = BS_E_NOMEM;
			return 1;
		}
		w->proj = np;
		w->cap = nc;
	}
	it = &w->items[w->n];
	m = field_unpack(k->desc, r, &a);
	fill(w, r, m, it, w->proj[w->n]);
	if (m)
		protobuf_c_message_free_unpacked(m, &a.alloc);
	if (w->f->period && strcmp(w->f->period, it->period) != 0)
		return 0;
	w->n++;
	return 0;
}

static int item_cmp(const void *x, const void *y)
{
	const struct review_item *a = x, *b = y;
	int c;
	if ((c = strcmp(a->unit_code, b->unit_code)) != 0)
		return c;
	if ((c = strcmp(a->kind, b->kind)) != 0)
		return c;
	if ((c = strcmp(a->period, b->period)) != 0)
		return c;
	return strcmp(a->uid, b->uid);
}

static int load_units(struct localdb *db, struct walk *w)
{
	return unitdir_load(db, &w->units, &w->nunits);
}

/* Project names, looked up after the walk (no record reads inside one). */
static void name_projects(struct localdb *db, struct walk *w)
{
	size_t i;
	for (i = 0; i < w->n; i++) {
		char name[REC_NAME_MAX + 1];
		if (!w->proj[i][0])
			continue;
		field_project_name(db, w->proj[i], name, sizeof name);
		if (name[0])
			snprintf(w->items[i].project, sizeof w->items[i].project, "%s", name);
	}
}

int review_collect(struct localdb *db, const struct review_filter *f, struct review_item **out,
		   size_t *n)
{
	static const struct review_filter none = {NULL, NULL, NULL, REVIEW_ANY};
	struct walk w;
	size_t i;
	int rv;

	assert(db && out && n);
	*out = NULL;
	*n = 0;
	memset(&w, 0, sizeof w);
	w.f = f ? f : &none;
	if (w.f->kind && !(w.kind = review_kind_parse(w.f->kind)))
		return BS_E_INVAL;
	if ((rv = load_units(db, &w)) != BS_OK)
		goto out;
	if (w.f->unit) {
		for (i = 0; i < w.nunits; i++)
			if (!strcmp(w.units[i].code, w.f->unit) || !strcmp(w.units[i].name, w.f->unit))
				w.unit_id = w.units[i].id;
		if (!w.unit_id) {
			rv = BS_E_NOTFOUND;
			goto out;
		}
	}
	rv = localdb_record_each(db, NULL, 0, take_record, &w);
	if (rv == BS_OK)
		rv = w.rv;
	if (rv != BS_OK)
		goto out;
	name_projects(db, &w);
	if (w.n)
		qsort(w.items, w.n, sizeof *w.items, item_cmp);
	*out = w.items;
	*n = w.n;
	w.items = NULL;
out:
	free(w.items);
	free(w.proj);
	free(w.units);
	return rv;
}

struct counting {
	int state;
	size_t n;
};

static int count_record(void *ctx, const struct lrecord *r)
{
	struct counting *c = ctx;
	const struct rec_kind *k = records_kind(r->kind);
	if (k && k->reviewed && r->review_status == c->state && strlen(r->uid) <= REC_UID_LEN)
		c->n++;
	return 0;
}

int review_count(struct localdb *db, int state, size_t *n)
{
	struct counting c = {state, 0};
	int rv;
	assert(db && n && state != REVIEW_ANY);
	rv = localdb_record_each(db, NULL, 0, count_record, &c);
	*n = rv == BS_OK ? c.n : 0;
	return rv;
}

int review_item_of(struct localdb *db, const char *uid, struct review_item *out)
{
	static const struct review_filter none = {NULL, NULL, NULL, REVIEW_ANY};
	struct walk w;
	struct lrecord r;
	const struct rec_kind *k;
	struct wire_arena a;
	ProtobufCMessage *m;
	char proj[REC_UID_LEN + 1];
	int rv;

	memset(&w, 0, sizeof w);
	w.f = &none;
	if ((rv = load_units(db, &w)) != BS_OK) {
		free(w.units);
		return rv;
	}
	if ((rv = localdb_record_get(db, uid, &r)) != BS_OK) {
		free(w.units);
		return rv;
	}
	k = records_kind(r.kind);
	if (!k || !k->reviewed) {
		lrecord_free(&r);
		free(w.units);
		return BS_E_INVAL;
	}
	m = field_unpack(k->desc, &r, &a);
	fill(&w, &r, m, out, proj);
	if (m)
		protobuf_c_message_free_unpacked(m, &a.alloc);
	lrecord_free(&r);
	free(w.units);
	if (proj[0]) {
		char name[REC_NAME_MAX + 1];
		field_project_name(db, proj, name, sizeof name);
		if (name[0])
			snprintf(out->project, sizeof out->project, "%s", name);
	}
	return BS_OK;
}

/* ---- the report of the period before ---------------------------------------------------- */

struct prev_walk {
	const struct rec_kind *k;
	char project[REC_UID_LEN + 1];
	char period[32];
	char uid[REC_UID_LEN + 1];
};

/* The period before p of kind: "2026-W47" -> "2026-W46", "2026-01" ->
 * "2025-12".  0 or BS_E_INVAL. */
static int period_before(const char *kind, const char *p, char *out, size_t cap)
{
	if (!strcmp(kind, REC_KIND_WEEKLY)) {
		int64_t monday;
		char w[9];
		if (period_parse_week(p, &monday) != BS_OK)
			return BS_E_INVAL;
		period_format_week(monday - 7, w);
		snprintf(out, cap, "%s", w);
		return BS_OK;
	}
	if (!strcmp(kind, REC_KIND_MONTHLY)) {
		int y, m;
		char tail;
		if (strlen(p) != 7 || sscanf(p, "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 ||
		    m > 12 || y < 1900 || y > 2200)
			return BS_E_INVAL;
		if (--m == 0) {
			m = 12;
			y--;
		}
		snprintf(out, cap, "%04d-%02d", y, m);
		return BS_OK;
	}
	return BS_E_INVAL;
}

/* project_uid and the period of r (a report of kind k), "" when absent. */
static void report_keys(const struct rec_kind *k, const struct lrecord *r, char *proj,
			size_t pcap, char *period, size_t percap)
{
	const ProtobufCFieldDescriptor *f;
	struct wire_arena a;
	ProtobufCMessage *m = field_unpack(k->desc, r, &a);

	proj[0] = period[0] = '\0';
	if (!m)
		return;
	if ((f = field_named(m->descriptor, "project_uid")) != NULL)
		snprintf(proj, pcap, "%s", field_text(m, f));
	if (k->period_field && (f = field_named(m->descriptor, k->period_field)) != NULL)
		snprintf(period, percap, "%s", field_text(m, f));
	protobuf_c_message_free_unpacked(m, &a.alloc);
}

static int prev_take(void *ctx, const struct lrecord *r)
{
	struct prev_walk *w = ctx;
	char proj[REC_UID_LEN + 8], period[32];

	if (r->deleted || strlen(r->uid) > REC_UID_LEN)
		return 0;
	report_keys(w->k, r, proj, sizeof proj, period, sizeof period);
	if (!strcmp(proj, w->project) && !strcmp(period, w->period))
		memcpy(w->uid, r->uid, strlen(r->uid) + 1);
	return 0;
}

int review_previous(struct localdb *db, const char *uid, char prev[REC_UID_LEN + 1])
{
	struct prev_walk w;
	struct lrecord r;
	char period[32];
	int rv;

	assert(db && uid && prev);
	prev[0] = '\0';
	memset(&w, 0, sizeof w);
	if ((rv = localdb_record_get(db, uid, &r)) != BS_OK)
		return rv;
	w.k = records_kind(r.kind);
	if (!w.k || (strcmp(r.kind, REC_KIND_WEEKLY) && strcmp(r.kind, REC_KIND_MONTHLY))) {
		lrecord_free(&r);
		return BS_E_NOTFOUND;
	}
	report_keys(w.k, &r, w.project, sizeof w.project, period, sizeof period);
	lrecord_free(&r);
	if (!w.project[0] || period_before(w.k->name, period, w.period, sizeof w.period) != BS_OK)
		return BS_E_NOTFOUND;
	if ((rv = localdb_record_each(db, w.k->name, 0, prev_take, &w)) != BS_OK)
		return rv;
	if (!w.uid[0])
		return BS_E_NOTFOUND;
	memcpy(prev, w.uid, sizeof w.uid);
	return BS_OK;
}
