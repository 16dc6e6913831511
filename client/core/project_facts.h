/* project_facts.h - what the other record kinds on this device say about
 * each project, and the marks a project list shows: ≥500万 (统计起报点),
 * ≥1亿 (重大项目), 缺佐证 (started, at or over the threshold, and its 入库纳统
 * evidence missing or incomplete), 手续逾期 (an approval item overdue).
 * One rule for every front end (`baosong project list`, the 项目库 page).
 *
 * The facts are read once, before a walk of the projects (a walk cannot
 * read other records with localdb_record_each while it runs).  0 or a
 * negative BS_E_* code. */
#ifndef BS_CLIENT_PROJECT_FACTS_H
#define BS_CLIENT_PROJECT_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "localdb.h"

struct project_facts;

/* Load the facts as of now_ms (overdue is judged at that time).  Free
 * *out with project_facts_free. */
int project_facts_load(struct localdb *db, int64_t now_ms, struct project_facts **out);
void project_facts_free(struct project_facts *f); /* NULL-safe */
/* 1 if project_uid has an approval item overdue (records_approval_overdue). */
int project_facts_overdue(const struct project_facts *f, const char *project_uid);
/* 1 if project_uid has a stats_evidence record holding every kind of
 * evidence (records_stats_complete); 0 if it has none or an incomplete one. */
int project_facts_stats_complete(const struct project_facts *f, const char *project_uid);

/* The marks of one project (uid, its total investment and stage). */
struct project_flags {
	int over_stats, major, no_evidence, overdue;
};
void project_flags_of(const struct project_facts *f, const char *uid, int64_t total_fen,
		      int stage, struct project_flags *out);
/* The marks as words, "≥500万 缺佐证", "≥1亿 缺佐证 手续逾期" (≥1亿 implies
 * ≥500万 and is shown alone), "" for none. */
void project_flags_text(const struct project_flags *fl, char *out, size_t cap);

#endif
