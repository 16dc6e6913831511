/* pubs.h - the assessment results the bureau published, as this device
 * holds them (record kind publication, pulled like units: 月通报 monthly
 * bulletins, 季评比 quarterly rankings, 年考核 annual assessments, 周通报
 * weekly ones), with the unit directory to name the units and this
 * device's own unit to mark its row.  Shared by `baosong ranking` and the
 * web page's 排名 and 看板.
 *
 * Numbers as published (docs/ASSESSMENT.md): ratios in basis points
 * (2404 = 24.04%), scores in centi-points (8520 = 85.20 分), money in fen
 * (shown in 万元).  A score of -1 is not applicable ("-"); rank 0 is not
 * ranked; tied > 1 shares the rank with others.  Reads the local database
 * only; nothing here prints. */
#ifndef BS_CLIENT_PUBS_H
#define BS_CLIENT_PUBS_H

#include <stddef.h>
#include <stdint.h>

#include "localdb.h"
#include "unitdir.h"
#include "wire.h"

struct pub {
	char uid[LDB_UID_MAX + 1];
	Baosong__V1__Publication *p;
	struct wire_arena a; /* p's memory; its allocator points here */
};

struct pubs {
	struct pub **pubs;           /* newest first (publication time, then number) */
	size_t n, cap;
	unsigned unreadable;         /* publications that could not be read (skipped) */
	struct unitdir_entry *units; /* the unit directory (unitdir.h) */
	size_t nunits;
	char own_code[256], own_name[256]; /* this device's unit ("" unknown) */
};

/* The publications, the unit directory and this device's unit.  0 or a
 * BS_E_* code (d is then empty); release with pubs_free either way. */
int pubs_load(struct localdb *db, struct pubs *d);
void pubs_free(struct pubs *d);

/* A unit's name: the directory's, this device's own, else the code. */
const char *pubs_unit_label(const struct pubs *d, const char *code);
/* Whether r is this device's unit's row; its row in p, or NULL. */
int pubs_is_own(const struct pubs *d, const Baosong__V1__UnitResult *r);
const Baosong__V1__UnitResult *pubs_own_result(const struct pubs *d,
					       const Baosong__V1__Publication *p);
/* How many units p ranks (rank > 0). */
unsigned pubs_ranked_count(const Baosong__V1__Publication *p);
/* p's title, else its scope's label. */
const char *pubs_title(const Baosong__V1__Publication *p);
/* "月通报", "季评比", ... for an AssessScope; "考核" for none. */
const char *pubs_scope_label(int scope);
/* "第3名/32（并列） 良好", "不参与排名", or "-" (r NULL: not in p). */
void pubs_own_brief(const Baosong__V1__Publication *p, const Baosong__V1__UnitResult *r,
		    char *out, size_t cap);

/* The consequence flags (UnitResult.flags) as labels joined by "、";
 * brief: short labels, without 缺报/迟报 (counted in their own columns). */
void pubs_flag_text(uint32_t flags, int brief, char *out, size_t cap);
/* Flag bit's label with its consequence ("季度末位：约谈"), or NULL for a bit
 * without a known meaning. */
const char *pubs_flag_full(unsigned bit);

/* Formatted values ("-" when not applicable): hundredths with two
 * decimals and suffix; total score; completion and growth as percent;
 * the FAI target in 万元; indicator j's score ("" when r has none for j);
 * the rank ("3", "3（并列）"). */
void pubs_fmt_hundredths(int64_t v, const char *suffix, char *out, size_t cap);
void pubs_fmt_total(const Baosong__V1__UnitResult *r, char *out, size_t cap);
void pubs_fmt_completion(const Baosong__V1__UnitResult *r, char *out, size_t cap);
void pubs_fmt_growth(const Baosong__V1__UnitResult *r, char *out, size_t cap);
void pubs_fmt_target(const Baosong__V1__UnitResult *r, char *out, size_t cap);
void pubs_fmt_score(const Baosong__V1__UnitResult *r, size_t j, char *out, size_t cap);
void pubs_fmt_rank(const Baosong__V1__UnitResult *r, char *out, size_t cap);

#endif
