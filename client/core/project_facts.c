/* project_facts.c - see project_facts.h. */
#include "project_facts.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "field.h"
#include "records.h"
#include "wire.h"


struct uid_flag {
	char uid[REC_UID_LEN + 1];
	int flag;
};

struct project_facts {
	int64_t now;
	struct uid_flag *overdue;  /* project uids with an overdue item, sorted */
	size_t n_overdue, cap_overdue;
	struct uid_flag *stats;    /* project uid -> evidence complete, sorted */
	size_t n_stats, cap_stats;
};

static int uid_flag_cmp(const void *a, const void *b)
{
	return strcmp(((const struct uid_flag *)a)->uid, ((const struct uid_flag *)b)->uid);
}

static int uid_flag_push(struct uid_flag **arr, size_t *n, size_t *cap, const char *uid,
			 int flag)
{
	if (strlen(uid) > REC_UID_LEN)
		return BS_OK;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct uid_flag *na = realloc(*arr, nc * sizeof *na);
		if (!na)
			return BS_E_NOMEM;
		*arr = na;
		*cap = nc;
	}
	snprintf((*arr)[*n].uid, sizeof (*arr)[*n].uid, "%s", uid);
	(*arr)[*n].flag = flag;
	(*n)++;
	return BS_OK;
}

static const struct uid_flag *uid_flag_find(const struct uid_flag *arr, size_t n,
					    const char *uid)
{
	struct uid_flag key;
	if (!arr || strlen(uid) > REC_UID_LEN)
		return NULL;
	snprintf(key.uid, sizeof key.uid, "%s", uid);
	return bsearch(&key, arr, n, sizeof *arr, uid_flag_cmp);
}

static int facts_approval(void *ctx, const struct lrecord *r)
{
	struct project_facts *f = ctx;
	struct wire_arena a;
	Baosong__V1__ApprovalItem *it;
	int rv = BS_OK;
	it = (Baosong__V1__ApprovalItem *)field_unpack(&baosong__v1__approval_item__descriptor, r,
						       &a);
	if (!it)
		return 0;
	if (it->project_uid && records_approval_overdue(it, f->now))
		rv = uid_flag_push(&f->overdue, &f->n_overdue, &f->cap_overdue, it->project_uid, 1);
	protobuf_c_message_free_unpacked(&it->base, &a.alloc);
	return rv;
}

static int facts_stats(void *ctx, const struct lrecord *r)
{
	struct project_facts *f = ctx;
	struct wire_arena a;
	Baosong__V1__StatsEvidence *s;
	int rv = BS_OK;
	s = (Baosong__V1__StatsEvidence *)field_unpack(&baosong__v1__stats_evidence__descriptor, r,
						       &a);
	if (!s)
		return 0;
	if (s->project_uid)
		rv = uid_flag_push(&f->stats, &f->n_stats, &f->cap_stats, s->project_uid,
				   records_stats_complete(s));
	protobuf_c_message_free_unpacked(&s->base, &a.alloc);
	return rv;
}

int project_facts_load(struct localdb *db, int64_t now_ms, struct project_facts **out)
{
	struct project_facts *f = calloc(1, sizeof *f);
	size_t i, k;
	int rv;
	if (!f)
		return BS_E_NOMEM;
	f->now = now_ms;
	if ((rv = localdb_record_each(db, REC_KIND_APPROVAL, 0, facts_approval, f)) != BS_OK ||
	    (rv = localdb_record_each(db, REC_KIND_STATS, 0, facts_stats, f)) != BS_OK) {
		project_facts_free(f);
		return rv;
	}
	if (f->n_overdue)
		qsort(f->overdue, f->n_overdue, sizeof *f->overdue, uid_flag_cmp);
	if (f->n_stats)
		qsort(f->stats, f->n_stats, sizeof *f->stats, uid_flag_cmp);
	/* Two evidence records for one project: complete if either is. */
	for (i = 0, k = 0; i < f->n_stats; i++) {
		if (k > 0 && strcmp(f->stats[k - 1].uid, f->stats[i].uid) == 0)
			f->stats[k - 1].flag |= f->stats[i].flag;
		else
			f->stats[k++] = f->stats[i];
	}
	f->n_stats = k;
	*out = f;
	return BS_OK;
}

void project_facts_free(struct project_facts *f)
{
	if (!f)
		return;
	free(f->overdue);
	free(f->stats);
	free(f);
}

int project_facts_overdue(const struct project_facts *f, const char *project_uid)
{
	return f && uid_flag_find(f->overdue, f->n_overdue, project_uid) != NULL;
}

int project_facts_stats_complete(const struct project_facts *f, const char *project_uid)
{
	const struct uid_flag *e = f ? uid_flag_find(f->stats, f->n_stats, project_uid) : NULL;
	return e && e->flag;
}

void project_flags_of(const struct project_facts *f, const char *uid, int64_t total_fen,
		      int stage, struct project_flags *out)
{
	assert(uid != NULL && out != NULL);
	memset(out, 0, sizeof *out);
	records_project_flags(total_fen, &out->over_stats, &out->major);
	out->no_evidence = records_project_needs_stats(total_fen, stage) &&
			   !project_facts_stats_complete(f, uid);
	out->overdue = project_facts_overdue(f, uid);
}

void project_flags_text(const struct project_flags *fl, char *out, size_t cap)
{
	const char *words[4];
	size_t n = 0, i, used = 0;

	assert(cap > 0);
	if (fl->over_stats && !fl->major)
		words[n++] = "≥500万";
	if (fl->major)
		words[n++] = "≥1亿";
	if (fl->no_evidence)
		words[n++] = "缺佐证";
	if (fl->overdue)
		words[n++] = "手续逾期";
	out[0] = '\0';
	for (i = 0; i < n && used < cap; i++)
		used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? " " : "", words[i]);
}
