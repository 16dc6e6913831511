/* pubs.c - see pubs.h. */
#include "pubs.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "field.h"
#include "money.h"
#include "records.h"

typedef Baosong__V1__Publication Publication;
typedef Baosong__V1__UnitResult UnitResult;

#define FLAG_BITS 8u

/* ---- the consequence flags (UnitResult.flags, docs/ASSESSMENT.md) ------------------------ */

static const struct {
	const char *brief; /* table column */
	const char *full;  /* with its consequence */
} flags[FLAG_BITS] = {
	{"月度末位", "月度末位：会上表态发言"},
	{"季度末位", "季度末位：约谈"},
	{"年度一般", "年度考核「一般」：提醒谈话"},
	{"年度较差", "年度考核「较差」：诫勉谈话"},
	{"验收未通过", "项目考核验收未通过：取消评优奖励"},
	{"未下达目标", "未下达投资目标"},
	{"有缺报", "有缺报"},
	{"有迟报", "有迟报"},
};
#define FLAG_MISSING 64u
#define FLAG_LATE 128u

const char *pubs_flag_full(unsigned bit)
{
	return bit < FLAG_BITS ? flags[bit].full : NULL;
}

/* The flags of f as labels joined by "、" (brief: without 缺报/迟报, which
 * the table counts in their own columns). */
void pubs_flag_text(uint32_t f, int brief, char *out, size_t cap)
{
	size_t used = 0;
	unsigned b;
	out[0] = '\0';
	for (b = 0; b < 32 && used < cap; b++) {
		char other[24];
		const char *l;
		if (!(f & (1u << b)) || (brief && ((1u << b) & (FLAG_MISSING | FLAG_LATE))))
			continue;
		if (b < FLAG_BITS) {
			l = brief ? flags[b].brief : flags[b].full;
		} else {
			snprintf(other, sizeof other, "标记%u", b);
			l = other;
		}
		used += (size_t)snprintf(out + used, cap - used, "%s%s", used ? "、" : "", l);
	}
}

/* ---- numbers --------------------------------------------------------------------------- */

/* Hundredths with two decimals: basis points as percent, centi-points as 分. */
void pubs_fmt_hundredths(int64_t v, const char *suffix, char *out, size_t cap)
{
	uint64_t a = v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
	snprintf(out, cap, "%s%llu.%02llu%s", v < 0 ? "-" : "", (unsigned long long)(a / 100),
		 (unsigned long long)(a % 100), suffix);
}

void pubs_fmt_total(const UnitResult *r, char *out, size_t cap)
{
	if (r->has_total)
		pubs_fmt_hundredths(r->total_c, "", out, cap);
	else
		snprintf(out, cap, "-");
}

void pubs_fmt_completion(const UnitResult *r, char *out, size_t cap)
{
	if (r->has_completion)
		pubs_fmt_hundredths(r->completion_bp, "%", out, cap);
	else
		snprintf(out, cap, "-");
}

void pubs_fmt_growth(const UnitResult *r, char *out, size_t cap)
{
	if (r->has_growth)
		pubs_fmt_hundredths(r->growth_bp, "%", out, cap);
	else
		snprintf(out, cap, "-");
}

void pubs_fmt_target(const UnitResult *r, char *out, size_t cap)
{
	if (r->fai_target_fen > 0)
		money_format_wan(r->fai_target_fen, out, cap);
	else
		snprintf(out, cap, "-");
}

/* Indicator j's score ("" when the result has none for it). */
void pubs_fmt_score(const UnitResult *r, size_t j, char *out, size_t cap)
{
	if (j >= r->n_scores_c)
		out[0] = '\0';
	else if (r->scores_c[j] < 0)
		snprintf(out, cap, "-");
	else
		pubs_fmt_hundredths(r->scores_c[j], "", out, cap);
}

/* "3", "3（并列）" or "-" (not ranked). */
void pubs_fmt_rank(const UnitResult *r, char *out, size_t cap)
{
	if (r->rank == 0)
		snprintf(out, cap, "-");
	else
		snprintf(out, cap, "%u%s", r->rank, r->tied > 1 ? "（并列）" : "");
}

const char *pubs_scope_label(int scope)
{
	const char *l = field_enum_label(&baosong__v1__assess_scope__descriptor, scope);
	return l && scope != 0 ? l : "考核";
}
/* ---- what this device holds ------------------------------------------------------------ */

static int pub_collect(void *ctx, const struct lrecord *r)
{
	struct pubs *d = ctx;
	struct pub *pb;
	if (d->n == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 16;
		struct pub **nv = realloc(d->pubs, nc * sizeof *nv);
		if (!nv)
			return BS_E_NOMEM;
		d->pubs = nv;
		d->cap = nc;
	}
	if (!(pb = calloc(1, sizeof *pb)))
		return BS_E_NOMEM;
	pb->p = (Publication *)field_unpack(&baosong__v1__publication__descriptor, r, &pb->a);
	if (!pb->p) {
		free(pb);
		d->unreadable++;
		return 0;
	}
	snprintf(pb->uid, sizeof pb->uid, "%s", r->uid);
	d->pubs[d->n++] = pb;
	return 0;
}

/* Newest first: by publication time, then number. */
static int pub_cmp(const void *x, const void *y)
{
	const Publication *a = (*(struct pub *const *)x)->p, *b = (*(struct pub *const *)y)->p;
	if (a->published_at_ms != b->published_at_ms)
		return a->published_at_ms < b->published_at_ms ? 1 : -1;
	if (a->number != b->number)
		return a->number < b->number ? 1 : -1;
	return 0;
}

void pubs_free(struct pubs *d)
{
	size_t i;
	for (i = 0; i < d->n; i++) {
		protobuf_c_message_free_unpacked(&d->pubs[i]->p->base, &d->pubs[i]->a.alloc);
		free(d->pubs[i]);
	}
	free(d->pubs);
	free(d->units);
	memset(d, 0, sizeof *d);
}

int pubs_load(struct localdb *db, struct pubs *d)
{
	int rv;

	assert(db != NULL && d != NULL);
	memset(d, 0, sizeof *d);
	if ((rv = localdb_record_each(db, REC_KIND_PUBLICATION, 0, pub_collect, d)) != BS_OK ||
	    (rv = unitdir_load(db, &d->units, &d->nunits)) != BS_OK) {
		pubs_free(d);
		return rv;
	}
	if (d->n > 1)
		qsort(d->pubs, d->n, sizeof *d->pubs, pub_cmp);
	if (localdb_meta_get(db, "unit_code", d->own_code, sizeof d->own_code) != BS_OK)
		d->own_code[0] = '\0';
	if (localdb_meta_get(db, "unit_name", d->own_name, sizeof d->own_name) != BS_OK)
		d->own_name[0] = '\0';
	return BS_OK;
}

/* A unit's name: the directory's, this device's own, else the code. */
const char *pubs_unit_label(const struct pubs *d, const char *code)
{
	size_t i;
	if (!code)
		return "";
	for (i = 0; i < d->nunits; i++) /* a record without a name has its code as one */
		if (!strcmp(d->units[i].code, code) && strcmp(d->units[i].name, code) != 0)
			return d->units[i].name;
	if (d->own_code[0] && d->own_name[0] && !strcmp(code, d->own_code))
		return d->own_name;
	return code;
}

int pubs_is_own(const struct pubs *d, const UnitResult *r)
{
	return d->own_code[0] && r->unit_code && !strcmp(r->unit_code, d->own_code);
}

const UnitResult *pubs_own_result(const struct pubs *d, const Publication *p)
{
	size_t i;
	for (i = 0; i < p->n_results; i++)
		if (pubs_is_own(d, p->results[i]))
			return p->results[i];
	return NULL;
}

unsigned pubs_ranked_count(const Publication *p)
{
	unsigned n = 0;
	size_t i;
	for (i = 0; i < p->n_results; i++)
		n += p->results[i]->rank > 0;
	return n;
}

const char *pubs_title(const Publication *p)
{
	return p->title && p->title[0] ? p->title : pubs_scope_label((int)p->scope);
}

/* "第3名/32（并列） 良好", "不参与排名", or "" (not in p). */
void pubs_own_brief(const Publication *p, const UnitResult *r, char *out, size_t cap)
{
	if (!r)
		snprintf(out, cap, "-");
	else if (r->rank == 0)
		snprintf(out, cap, "不参与排名");
	else
		snprintf(out, cap, "第%u名/%u%s%s%s", r->rank, pubs_ranked_count(p),
			 r->tied > 1 ? "（并列）" : "", r->grade && r->grade[0] ? " " : "",
			 r->grade ? r->grade : "");
}