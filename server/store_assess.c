/* store_assess.c - the store's side of assessment: scans of current records
 * with their server-side state, scheme versions and publications (tables
 * scheme and publication, migration 4). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "store.h"
#include "store_int.h"

static void col_copy(sqlite3_stmt *s, int i, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	size_t n = (size_t)sqlite3_column_bytes(s, i);
	if (!t)
		n = 0;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(out, t, n);
	out[n] = '\0';
}

int store_record_scan(struct store *st, const char *kind,
		      int (*fn)(void *ctx, const struct record *r, const struct review_state *rs),
		      void *ctx)
{
	static const char cols[] =
		"SELECT r.kind, r.uid, r.unit_id, r.rev, r.deleted, r.updated_at, r.device_id,"
		" r.change_seq, r.data, r.attachments, coalesce(m.created_at, 0),"
		" coalesce(m.review_status, 0), coalesce(m.reviewed_at, 0),"
		" coalesce(m.locked, 0), coalesce(m.complete_at, 0), coalesce(m.reviewed_by, 0)"
		" FROM record r LEFT JOIN record_meta m ON m.uid = r.uid";
	char sql[sizeof cols + 64];
	sqlite3_stmt *s = NULL;
	int rc, rv;

	snprintf(sql, sizeof sql, "%s%s ORDER BY r.uid", cols, kind ? " WHERE r.kind = ?1" : "");
	if ((rv = store__prepare(st, sql, &s)) != BS_OK)
		return rv;
	if (kind)
		sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct record r;
		struct review_state rs;
		int dn, an;

		memset(&r, 0, sizeof r);
		memset(&rs, 0, sizeof rs);
		col_copy(s, 0, r.kind, sizeof r.kind);
		col_copy(s, 1, r.uid, sizeof r.uid);
		r.unit_id = sqlite3_column_int64(s, 2);
		r.rev = (uint64_t)sqlite3_column_int64(s, 3);
		r.deleted = sqlite3_column_int(s, 4) != 0;
		r.updated_at = sqlite3_column_int64(s, 5);
		r.device_id = sqlite3_column_int64(s, 6);
		r.change_seq = (uint64_t)sqlite3_column_int64(s, 7);
		/* Pointers into SQLite's row: valid until the next step. */
		r.data = (uint8_t *)(uintptr_t)sqlite3_column_blob(s, 8);
		dn = sqlite3_column_bytes(s, 8);
		r.attachments = (uint8_t(*)[STORE_HASH_LEN])(uintptr_t)sqlite3_column_blob(s, 9);
		an = sqlite3_column_bytes(s, 9);
		if (dn < 0 || (size_t)dn > STORE_DATA_MAX || an < 0 || an % STORE_HASH_LEN) {
			rv = BS_E_DB;
			break;
		}
		r.data_len = (size_t)dn;
		r.n_attachments = (size_t)an / STORE_HASH_LEN;
		rs.created_at = sqlite3_column_int64(s, 10);
		rs.status = sqlite3_column_int(s, 11);
		rs.reviewed_at = sqlite3_column_int64(s, 12);
		rs.locked = sqlite3_column_int(s, 13) != 0;
		rs.complete_at = sqlite3_column_int64(s, 14);
		rs.reviewed_by = sqlite3_column_int64(s, 15);
		if ((rv = fn(ctx, &r, &rs)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rv = store__fail(st, rc, "record scan");
	sqlite3_finalize(s);
	return rv;
}

/* SQLite's BINARY order of two texts. */
static int text_cmp(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : (an > bn) - (an < bn);
}

/* The record columns the assessment reads, in this order: kind, uid,
 * unit_id, rev, deleted, data.  data points into SQLite's row (valid until
 * the next step).  BS_E_DB for data no record can hold. */
static int lean_record(sqlite3_stmt *s, struct record *r)
{
	int dn;
	col_copy(s, 0, r->kind, sizeof r->kind);
	col_copy(s, 1, r->uid, sizeof r->uid);
	r->unit_id = sqlite3_column_int64(s, 2);
	r->rev = (uint64_t)sqlite3_column_int64(s, 3);
	r->deleted = sqlite3_column_int(s, 4) != 0;
	r->data = (uint8_t *)(uintptr_t)sqlite3_column_blob(s, 5);
	dn = sqlite3_column_bytes(s, 5);
	if (dn < 0 || (size_t)dn > STORE_DATA_MAX)
		return BS_E_DB;
	r->data_len = (size_t)dn;
	return BS_OK;
}

/* Every record, merged in uid order with record_meta read in the same order
 * (record through its uid index since migration 7, record_meta by its uid
 * key): one step a row on each side instead of one B-tree search a row for
 * a join.  Measured on schema 7 it still pays: the ranking is 1.1-1.3x
 * the raw pass (docs/PERFORMANCE.md, target 7). */
static int scan_all_merged(struct store *st,
			   int (*fn)(void *ctx, const struct record *r,
				     const struct review_state *rs),
			   void *ctx)
{
	sqlite3_stmt *s = NULL, *m = NULL;
	struct record r;
	struct review_state rs;
	int rc, mrc, rv;

	if ((rv = store__prepare(st, "SELECT kind, uid, unit_id, rev, deleted, data FROM record"
				     " ORDER BY uid", &s)) != BS_OK)
		return rv;
	if ((rv = store__prepare(st, "SELECT uid, created_at, review_status, complete_at,"
				     " reviewed_by FROM record_meta ORDER BY uid", &m)) != BS_OK) {
		sqlite3_finalize(s);
		return rv;
	}
	memset(&r, 0, sizeof r);
	mrc = sqlite3_step(m);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *uid = sqlite3_column_text(s, 1);
		size_t un = (size_t)sqlite3_column_bytes(s, 1);
		int c = 1;
		if (!uid)
			un = 0;
		/* record_meta rows with no record (none are written) are passed over. */
		while (mrc == SQLITE_ROW) {
			const unsigned char *mu = sqlite3_column_text(m, 0);
			c = text_cmp(mu ? mu : (const unsigned char *)"",
				     mu ? (size_t)sqlite3_column_bytes(m, 0) : 0,
				     uid ? uid : (const unsigned char *)"", un);
			if (c >= 0)
				break;
			mrc = sqlite3_step(m);
		}
		memset(&rs, 0, sizeof rs);
		if (mrc == SQLITE_ROW && c == 0) {
			rs.created_at = sqlite3_column_int64(m, 1);
			rs.status = sqlite3_column_int(m, 2);
			rs.complete_at = sqlite3_column_int64(m, 3);
			rs.reviewed_by = sqlite3_column_int64(m, 4);
		}
		if ((rv = lean_record(s, &r)) != BS_OK || (rv = fn(ctx, &r, &rs)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rv = store__fail(st, rc, "record scan");
	else if (mrc != SQLITE_ROW && mrc != SQLITE_DONE)
		rv = store__fail(st, mrc, "record_meta scan");
	sqlite3_finalize(s);
	sqlite3_finalize(m);
	return rv;
}

int store_record_scan_assess(struct store *st, const char *kind,
			     int (*fn)(void *ctx, const struct record *r,
				       const struct review_state *rs),
			     void *ctx)
{
	/* Only what the assessment reads; a NULL of the LEFT JOIN reads as 0. */
	static const char sql[] =
		"SELECT r.kind, r.uid, r.unit_id, r.rev, r.deleted, r.data, m.created_at,"
		" m.review_status, m.complete_at, m.reviewed_by"
		" FROM record r LEFT JOIN record_meta m ON m.uid = r.uid"
		" WHERE r.kind = ?1 ORDER BY r.uid";
	sqlite3_stmt *s = NULL;
	struct record r;
	struct review_state rs;
	int rc, rv;

	if (!kind)
		return scan_all_merged(st, fn, ctx);
	if ((rv = store__prepare(st, sql, &s)) != BS_OK)
		return rv;
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	memset(&r, 0, sizeof r);
	memset(&rs, 0, sizeof rs);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((rv = lean_record(s, &r)) != BS_OK)
			break;
		rs.created_at = sqlite3_column_int64(s, 6);
		rs.status = sqlite3_column_int(s, 7);
		rs.complete_at = sqlite3_column_int64(s, 8);
		rs.reviewed_by = sqlite3_column_int64(s, 9);
		if ((rv = fn(ctx, &r, &rs)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rv = store__fail(st, rc, "record scan");
	sqlite3_finalize(s);
	return rv;
}

/* ---- scheme versions ---- */

int store_scheme_next(struct store *st, int year, uint32_t *version)
{
	sqlite3_stmt *s = NULL;
	int rc, rv;
	if ((rv = store__prepare(st, "SELECT coalesce(max(version), 0) + 1 FROM scheme WHERE year = ?1",
			  &s)) != BS_OK)
		return rv;
	sqlite3_bind_int(s, 1, year);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*version = (uint32_t)sqlite3_column_int64(s, 0);
	else
		rv = store__fail(st, rc, "scheme next");
	sqlite3_finalize(s);
	return rv;
}

int store_scheme_add(struct store *st, int year, uint32_t version, const uint8_t *data,
		     size_t len, int64_t now)
{
	sqlite3_stmt *s = NULL;
	int rc, rv;
	if (len > STORE_DATA_MAX)
		return BS_E_TOOBIG;
	if ((rv = store__prepare(st, "INSERT INTO scheme(year, version, created_at, data)"
			      " VALUES (?1, ?2, ?3, ?4)", &s)) != BS_OK)
		return rv;
	sqlite3_bind_int(s, 1, year);
	sqlite3_bind_int64(s, 2, version);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_blob(s, 4, data, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_CONSTRAINT)
		rv = BS_E_CONFLICT;
	else if (rc != SQLITE_DONE)
		rv = store__fail(st, rc, "scheme add");
	sqlite3_finalize(s);
	return rv;
}

int store_scheme_get(struct store *st, int year, uint32_t version, uint8_t **data,
		     size_t *len, uint32_t *version_out)
{
	sqlite3_stmt *s = NULL;
	int rc, rv;
	if ((rv = store__prepare(st, version ? "SELECT version, data FROM scheme WHERE year = ?1 AND"
					" version = ?2"
				      : "SELECT version, data FROM scheme WHERE year = ?1"
					" ORDER BY version DESC LIMIT 1", &s)) != BS_OK)
		return rv;
	sqlite3_bind_int(s, 1, year);
	if (version)
		sqlite3_bind_int64(s, 2, version);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		int n = sqlite3_column_bytes(s, 1);
		const void *b = sqlite3_column_blob(s, 1);
		uint8_t *copy = malloc(n > 0 ? (size_t)n : 1);
		if (!copy) {
			rv = BS_E_NOMEM;
		} else {
			if (n > 0)
				memcpy(copy, b, (size_t)n);
			*data = copy;
			*len = (size_t)(n > 0 ? n : 0);
			if (version_out)
				*version_out = (uint32_t)sqlite3_column_int64(s, 0);
		}
	} else if (rc == SQLITE_DONE) {
		rv = BS_E_NOTFOUND;
	} else {
		rv = store__fail(st, rc, "scheme get");
	}
	sqlite3_finalize(s);
	return rv;
}

int store_scheme_each(struct store *st,
		      int (*fn)(void *ctx, int year, uint32_t version, int64_t created_at,
				const uint8_t *data, size_t len),
		      void *ctx)
{
	sqlite3_stmt *s = NULL;
	int rc, rv;
	if ((rv = store__prepare(st, "SELECT year, version, created_at, data FROM scheme"
			      " ORDER BY year, version", &s)) != BS_OK)
		return rv;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int n = sqlite3_column_bytes(s, 3);
		rv = fn(ctx, sqlite3_column_int(s, 0), (uint32_t)sqlite3_column_int64(s, 1),
			sqlite3_column_int64(s, 2), sqlite3_column_blob(s, 3),
			(size_t)(n > 0 ? n : 0));
		if (rv)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rv = store__fail(st, rc, "scheme each");
	sqlite3_finalize(s);
	return rv;
}

/* ---- publications ---- */

void store_publication_free(struct publication_row *p)
{
	free(p->inputs);
	free(p->results);
	p->inputs = p->results = NULL;
	p->inputs_len = p->results_len = 0;
}

int store_publication_next(struct store *st, int64_t *number)
{
	sqlite3_stmt *s = NULL;
	int rc, rv;
	if ((rv = store__prepare(st, "SELECT coalesce(max(number), 0) + 1 FROM publication", &s)) != BS_OK)
		return rv;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*number = sqlite3_column_int64(s, 0);
	else
		rv = store__fail(st, rc, "publication next");
	sqlite3_finalize(s);
	return rv;
}

int store_publication_add(struct store *st, const struct publication_row *p)
{
	sqlite3_stmt *s = NULL;
	int rc, rv;
	if (p->inputs_len > STORE_DATA_MAX * 64 || p->results_len > STORE_DATA_MAX)
		return BS_E_TOOBIG;
	if ((rv = store__prepare(st, "INSERT INTO publication(number, scope, period, scheme_year,"
			      " scheme_version, published_at, record_uid, inputs, results, digest)"
			      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", &s)) != BS_OK)
		return rv;
	sqlite3_bind_int64(s, 1, p->number);
	sqlite3_bind_int(s, 2, p->scope);
	sqlite3_bind_text(s, 3, p->period, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, p->scheme_year);
	sqlite3_bind_int64(s, 5, p->scheme_version);
	sqlite3_bind_int64(s, 6, p->published_at);
	sqlite3_bind_text(s, 7, p->record_uid, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(s, 8, p->inputs, p->inputs_len, SQLITE_STATIC);
	sqlite3_bind_blob64(s, 9, p->results, p->results_len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 10, p->digest, STORE_HASH_LEN, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_CONSTRAINT)
		rv = BS_E_CONFLICT;
	else if (rc != SQLITE_DONE)
		rv = store__fail(st, rc, "publication add");
	sqlite3_finalize(s);
	return rv;
}

static int publication_row(sqlite3_stmt *s, struct publication_row *out)
{
	struct publication_row p;
	int in = sqlite3_column_bytes(s, 7), rn = sqlite3_column_bytes(s, 8);

	memset(&p, 0, sizeof p);
	p.number = sqlite3_column_int64(s, 0);
	p.scope = sqlite3_column_int(s, 1);
	col_copy(s, 2, p.period, sizeof p.period);
	p.scheme_year = sqlite3_column_int(s, 3);
	p.scheme_version = (uint32_t)sqlite3_column_int64(s, 4);
	p.published_at = sqlite3_column_int64(s, 5);
	col_copy(s, 6, p.record_uid, sizeof p.record_uid);
	if (sqlite3_column_bytes(s, 9) != STORE_HASH_LEN || in < 0 || rn < 0)
		return BS_E_DB;
	memcpy(p.digest, sqlite3_column_blob(s, 9), STORE_HASH_LEN);
	p.inputs = malloc(in > 0 ? (size_t)in : 1);
	p.results = malloc(rn > 0 ? (size_t)rn : 1);
	if (!p.inputs || !p.results) {
		store_publication_free(&p);
		return BS_E_NOMEM;
	}
	if (in > 0)
		memcpy(p.inputs, sqlite3_column_blob(s, 7), (size_t)in);
	if (rn > 0)
		memcpy(p.results, sqlite3_column_blob(s, 8), (size_t)rn);
	p.inputs_len = (size_t)in;
	p.results_len = (size_t)rn;
	*out = p;
	return BS_OK;
}

#define PUB_COLS \
	"SELECT number, scope, period, scheme_year, scheme_version, published_at, record_uid," \
	" inputs, results, digest FROM publication"

int store_publication_get(struct store *st, int64_t number, struct publication_row *out)
{
	sqlite3_stmt *s = NULL;
	int rc, rv;
	if ((rv = store__prepare(st, PUB_COLS " WHERE number = ?1", &s)) != BS_OK)
		return rv;
	sqlite3_bind_int64(s, 1, number);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rv = publication_row(s, out);
	else if (rc == SQLITE_DONE)
		rv = BS_E_NOTFOUND;
	else
		rv = store__fail(st, rc, "publication get");
	sqlite3_finalize(s);
	return rv;
}

int store_publication_each(struct store *st,
			   int (*fn)(void *ctx, const struct publication_row *p), void *ctx)
{
	sqlite3_stmt *s = NULL;
	int rc, rv;
	if ((rv = store__prepare(st, PUB_COLS " ORDER BY number", &s)) != BS_OK)
		return rv;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct publication_row p;
		if ((rv = publication_row(s, &p)) != BS_OK)
			break;
		rv = fn(ctx, &p);
		store_publication_free(&p);
		if (rv)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rv = store__fail(st, rc, "publication each");
	sqlite3_finalize(s);
	return rv;
}
