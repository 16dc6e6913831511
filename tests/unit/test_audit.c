/* test_audit.c - the store's audit trail: the key file, appends, the MAC
 * chain recomputed here from the documented encoding, and store_audit_verify
 * against a database tampered with through a second SQLite handle (edited,
 * deleted, reordered and forged rows, records changed behind the trail's
 * back, a wrong key). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "store.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define MANY 3000          /* rows of the big trail */

static char dir[64];
static char dbpath[128];
static char keypath[160];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/bs-audit-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/baosong.db", dir);
	snprintf(keypath, sizeof keypath, "%s.audit-key", dbpath);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct store *open_rw(void)
{
	struct store *st = NULL;
	assert_int_equal(store_open(dbpath, 0, &st), BS_OK);
	return st;
}

static struct store *open_ro(void)
{
	struct store *st = NULL;
	assert_int_equal(store_open(dbpath, 1, &st), BS_OK);
	return st;
}

static int64_t unit_new(struct store *st, const char *code)
{
	struct unit u;
	int64_t id = 0;
	memset(&u, 0, sizeof u);
	snprintf(u.code, sizeof u.code, "%s", code);
	snprintf(u.name, sizeof u.name, "单位 %s", code);
	snprintf(u.region, sizeof u.region, "610123");
	u.type = UNIT_TOWNSHIP;
	assert_int_equal(store_unit_add(st, &u, &id), BS_OK);
	return id;
}

/* Put a record and its "record.put" audit row, as the handlers do. */
static void put_audited(struct store *st, const char *uid, int64_t unit, const char *data,
			int64_t at)
{
	struct record r, old;
	struct audit_entry e;
	int had;

	memset(&r, 0, sizeof r);
	snprintf(r.kind, sizeof r.kind, "project");
	snprintf(r.uid, sizeof r.uid, "%s", uid);
	r.unit_id = unit;
	r.data = (uint8_t *)(uintptr_t)data;
	r.data_len = strlen(data);
	had = store_record_get(st, uid, &old) == BS_OK;
	assert_int_equal(store_begin(st), BS_OK);
	assert_int_equal(store_record_put(st, &r, 0, at), BS_OK);
	memset(&e, 0, sizeof e);
	e.at = at;
	e.unit_id = unit;
	e.device_id = 0;
	e.role = ROLE_REPORTER;
	e.action = "record.put";
	e.kind = "project";
	e.subject = uid;
	e.rev = r.rev;
	e.before = had ? old.data : NULL;
	e.before_len = had ? old.data_len : 0;
	e.after = r.data;
	e.after_len = r.data_len;
	e.owner = unit;
	assert_int_equal(store_audit_append(st, &e), BS_OK);
	assert_int_equal(store_commit(st), BS_OK);
	if (had)
		store_record_free(&old);
}

static void append_simple(struct store *st, const char *action, const char *subject,
			  const char *detail)
{
	struct audit_entry e;
	memset(&e, 0, sizeof e);
	e.at = T0;
	e.action = action;
	e.kind = "";
	e.subject = subject;
	e.detail = detail;
	assert_int_equal(store_audit_append(st, &e), BS_OK);
}

/* ---- problems reported by verify ---- */

struct problems {
	int n;
	uint64_t seq[64];
	char why[64][512];
};

static void on_bad(void *ctx, uint64_t seq, const char *why)
{
	struct problems *p = ctx;
	if (p->n < 64) {
		p->seq[p->n] = seq;
		snprintf(p->why[p->n], sizeof p->why[0], "%s", why);
	}
	p->n++;
}

/* Whether a problem at seq mentions text. */
static int reported(const struct problems *p, uint64_t seq, const char *text)
{
	int i;
	for (i = 0; i < p->n && i < 64; i++)
		if (p->seq[i] == seq && strstr(p->why[i], text))
			return 1;
	return 0;
}

static void dump(const struct problems *p)
{
	int i;
	for (i = 0; i < p->n && i < 64; i++)
		print_message("  problem seq %llu: %s\n", (unsigned long long)p->seq[i], p->why[i]);
}

/* Verify with a fresh read-only handle; returns the problem count. */
static uint64_t verify(struct problems *p, uint64_t *rows)
{
	struct store *st = open_ro();
	uint64_t n = 0, bad = 0;
	memset(p, 0, sizeof *p);
	assert_int_equal(store_audit_verify(st, &n, &bad, on_bad, p), BS_OK);
	store_close(st);
	assert_int_equal(bad, (uint64_t)p->n);
	if (rows)
		*rows = n;
	return bad;
}

/* Run SQL through a second handle, as someone with the file could. */
static void tamper(const char *q)
{
	sqlite3 *db = NULL;
	char *err = NULL;
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	if (sqlite3_exec(db, q, NULL, NULL, &err) != SQLITE_OK) {
		print_message("tamper: %s: %s\n", q, err ? err : "?");
		sqlite3_free(err);
		fail();
	}
	sqlite3_close(db);
}

static int sql_try(const char *q)
{
	sqlite3 *db = NULL;
	int rc;
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	rc = sqlite3_exec(db, q, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static int64_t sql_int(const char *q)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int64_t v;
	assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static const char unlock[] = "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;";

/* A small trail: 2 units' worth of admin rows and record puts. */
static int64_t small_trail(void)
{
	struct store *st = open_rw();
	int64_t u = unit_new(st, "xinzhen");
	append_simple(st, "unit.add", "xinzhen", NULL);               /* 1 */
	put_audited(st, "rec-a", u, "甲 v1", T0 + 1);                 /* 2 */
	put_audited(st, "rec-b", u, "乙 v1", T0 + 2);                 /* 3 */
	append_simple(st, "token.create", "xinzhen", "role reporter"); /* 4 */
	put_audited(st, "rec-a", u, "甲 v2", T0 + 3);                 /* 5 */
	put_audited(st, "rec-c", u, "丙 v1", T0 + 4);                 /* 6 */
	append_simple(st, "device.add", "1", "unit xinzhen");          /* 7 */
	put_audited(st, "rec-b", u, "乙 v2", T0 + 5);                 /* 8 */
	store_close(st);
	return u;
}

/* ---- the documented encoding, written again here ---- */

static void enc_int(crypto_generichash_state *h, uint64_t v)
{
	uint8_t b[8];
	int i;
	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
	crypto_generichash_update(h, b, 8);
}

static void enc_col(crypto_generichash_state *h, sqlite3_stmt *s, int i, int optional)
{
	const void *p;
	int n;
	if (sqlite3_column_type(s, i) == SQLITE_NULL) {
		assert_true(optional);
		enc_int(h, UINT64_MAX);
		return;
	}
	p = sqlite3_column_blob(s, i);
	n = sqlite3_column_bytes(s, i);
	enc_int(h, (uint64_t)n);
	if (n > 0)
		crypto_generichash_update(h, p, (unsigned long long)n);
}

/* Recompute every mac from the table and the key file alone. */
static void independent_check(uint64_t expect_rows)
{
	uint8_t key[32], prev[32], mac[32];
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	crypto_generichash_state h;
	uint64_t n = 0;
	FILE *f = fopen(keypath, "rb");
	int i;

	assert_non_null(f);
	assert_int_equal(fread(key, 1, sizeof key, f), sizeof key);
	fclose(f);
	memset(prev, 0, sizeof prev);
	assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT seq, at, unit_id, device_id, role, action, kind,"
					    " subject, rev, before, after, detail, prev_mac, mac, owner"
					    " FROM audit ORDER BY seq",
					    -1, &s, NULL),
			 SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		n++;
		assert_int_equal(sqlite3_column_int64(s, 0), (int64_t)n);
		assert_int_equal(sqlite3_column_bytes(s, 12), 32);
		assert_memory_equal(sqlite3_column_blob(s, 12), prev, 32);
		int has_owner = sqlite3_column_type(s, 14) != SQLITE_NULL;
		crypto_generichash_init(&h, key, sizeof key, sizeof mac);
		crypto_generichash_update(&h, prev, sizeof prev);
		enc_int(&h, 16);
		/* v2: a row naming its record's owner, which then comes last. */
		crypto_generichash_update(&h, (const uint8_t *)(has_owner ? "baosong-audit-v2"
									 : "baosong-audit-v1"), 16);
		for (i = 0; i <= 4; i++)
			enc_int(&h, (uint64_t)sqlite3_column_int64(s, i));
		for (i = 5; i <= 7; i++)
			enc_col(&h, s, i, 0);
		enc_int(&h, (uint64_t)sqlite3_column_int64(s, 8));
		for (i = 9; i <= 11; i++)
			enc_col(&h, s, i, 1);
		if (has_owner)
			enc_int(&h, (uint64_t)sqlite3_column_int64(s, 14));
		crypto_generichash_final(&h, mac, sizeof mac);
		assert_memory_equal(sqlite3_column_blob(s, 13), mac, 32);
		memcpy(prev, mac, sizeof prev);
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_int_equal(n, expect_rows);
}

/* ---- tests ---- */

static void test_key_file(void **state)
{
	struct store *st = NULL;
	struct stat sb;
	uint8_t key1[32];
	char aside[128];
	FILE *f;
	(void)state;

	/* The first read-write open makes a 32-byte key, mode 0600. */
	st = open_rw();
	store_close(st);
	assert_int_equal(stat(keypath, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, 32);
	f = fopen(keypath, "rb");
	assert_non_null(f);
	assert_int_equal(fread(key1, 1, 32, f), 32);
	fclose(f);

	/* Opening again keeps it; no temporary file is left. */
	st = open_rw();
	store_close(st);
	st = open_ro();
	store_close(st);
	assert_int_equal(sql_int("SELECT count(*) FROM audit"), 0);
	{
		char tmp[200];
		snprintf(tmp, sizeof tmp, "%s.tmp.%ld", keypath, (long)getpid());
		assert_int_not_equal(stat(tmp, &sb), 0);
	}

	/* Open to others: refused, read-only and read-write. */
	assert_int_equal(chmod(keypath, 0640), 0);
	assert_int_equal(store_open(dbpath, 1, &st), BS_E_KEYPERM);
	assert_int_equal(store_open(dbpath, 0, &st), BS_E_KEYPERM);
	assert_int_equal(chmod(keypath, 0604), 0);
	assert_int_equal(store_open(dbpath, 1, &st), BS_E_KEYPERM);
	assert_int_equal(chmod(keypath, 0600), 0);

	/* Missing: a read-only open cannot go on ... */
	snprintf(aside, sizeof aside, "%s/key-aside", dir);
	assert_int_equal(rename(keypath, aside), 0);
	st = NULL;
	assert_int_equal(store_open(dbpath, 1, &st), BS_E_NOTFOUND);
	assert_null(st);
	/* ... a read-write open of an empty trail makes a new one ... */
	st = open_rw();
	append_simple(st, "unit.add", "x", NULL);
	store_close(st);
	/* ... but never once the trail has rows. */
	assert_int_equal(unlink(keypath), 0);
	assert_int_equal(store_open(dbpath, 0, &st), BS_E_NOTFOUND);
	assert_int_not_equal(stat(keypath, &sb), 0);

	/* A key of the wrong size. */
	f = fopen(keypath, "wb");
	assert_non_null(f);
	fputs("short", f);
	fclose(f);
	assert_int_equal(chmod(keypath, 0600), 0);
	assert_int_equal(store_open(dbpath, 1, &st), BS_E_INVAL);
	assert_int_equal(store_open(dbpath, 0, &st), BS_E_INVAL);
}

static void test_append_many_verify_clean(void **state)
{
	struct store *st = open_rw();
	struct problems p;
	struct audit_entry e;
	char uid[32], data[64], detail[64];
	uint64_t rows = 0, head = 0;
	uint8_t mac[32];
	int64_t u = unit_new(st, "xinzhen");
	int i;
	(void)state;

	/* Empty trail: clean, head 0. */
	assert_int_equal(store_audit_head(st, &head, mac), BS_OK);
	assert_int_equal(head, 0);
	store_close(st);
	assert_int_equal(verify(&p, &rows), 0);
	assert_int_equal(rows, 0);

	st = open_rw();
	assert_int_equal(store_begin(st), BS_OK);
	for (i = 0; i < MANY; i++) {
		memset(&e, 0, sizeof e);
		e.at = T0 + i;
		e.unit_id = i % 3 ? u : 0;
		e.device_id = i % 5;
		e.role = i % 6;
		e.action = i % 2 ? "period.close" : "device.add";
		e.kind = i % 2 ? "weekly_report" : "";
		snprintf(uid, sizeof uid, "s%d", i);
		e.subject = uid;
		snprintf(detail, sizeof detail, "第 %d 行\r\n第二行\t制表", i);
		e.detail = i % 4 ? detail : NULL;
		/* NULL, empty and non-empty states all occur. */
		e.before = i % 3 == 0 ? NULL : (const uint8_t *)"";
		e.before_len = 0;
		snprintf(data, sizeof data, "after %d", i);
		e.after = i % 7 ? (const uint8_t *)data : NULL;
		e.after_len = i % 7 ? strlen(data) : 0;
		assert_int_equal(store_audit_append(st, &e), BS_OK);
	}
	assert_int_equal(store_commit(st), BS_OK);
	for (i = 0; i < 50; i++) {
		snprintf(uid, sizeof uid, "rec-%d", i % 20);
		snprintf(data, sizeof data, "记录 %d 版本 %d", i % 20, i / 20);
		put_audited(st, uid, u, data, T0 + MANY + i);
	}
	assert_int_equal(store_audit_head(st, &head, mac), BS_OK);
	assert_int_equal(head, MANY + 50);
	store_close(st);

	if (verify(&p, &rows) != 0)
		dump(&p);
	assert_int_equal(p.n, 0);
	assert_int_equal(rows, MANY + 50);
	assert_int_equal(sql_int("SELECT max(seq) FROM audit"), MANY + 50);
	assert_int_equal(sql_int("SELECT count(*) FROM audit WHERE before IS NULL"),
			 (MANY + 2) / 3 + 20);
	assert_int_equal(sql_int("SELECT count(*) FROM audit WHERE detail IS NULL"),
			 MANY / 4 + 50);
	independent_check(MANY + 50);

	/* Verify inside the writer's own (read-write) handle too. */
	st = open_rw();
	memset(&p, 0, sizeof p);
	assert_int_equal(store_audit_verify(st, &rows, NULL, on_bad, &p), BS_OK);
	assert_int_equal(p.n, 0);
	store_close(st);
}

static void test_append_rules(void **state)
{
	struct store *st = open_rw(), *ro;
	struct audit_entry e;
	struct problems p;
	char big[STORE_AUDIT_DETAIL_MAX + 2];
	(void)state;

	memset(&e, 0, sizeof e);
	e.at = T0;
	e.kind = "";
	e.subject = "x";
	e.action = NULL;
	assert_int_equal(store_audit_append(st, &e), BS_E_INVAL);
	e.action = "";
	assert_int_equal(store_audit_append(st, &e), BS_E_INVAL);
	e.action = "Record.Put";
	assert_int_equal(store_audit_append(st, &e), BS_E_INVAL);
	e.action = "record put";
	assert_int_equal(store_audit_append(st, &e), BS_E_INVAL);
	e.action = "a.very.long.action.name.over.32.bytes";
	assert_int_equal(store_audit_append(st, &e), BS_E_TOOBIG);
	e.action = "unit.add";
	e.kind = "Bad Kind";
	assert_int_equal(store_audit_append(st, &e), BS_E_INVAL);
	e.kind = NULL; /* same as "" */
	e.subject = "bad\x01subject";
	assert_int_equal(store_audit_append(st, &e), BS_E_INVAL);
	e.subject = NULL;
	e.detail = "bad \xff utf-8";
	assert_int_equal(store_audit_append(st, &e), BS_E_INVAL);
	e.detail = "bell \a";
	assert_int_equal(store_audit_append(st, &e), BS_E_INVAL);
	memset(big, 'd', sizeof big);
	big[sizeof big - 1] = '\0';
	e.detail = big;
	assert_int_equal(store_audit_append(st, &e), BS_E_TOOBIG);
	e.detail = "多行\n说明";
	e.role = 6;
	assert_int_equal(store_audit_append(st, &e), BS_E_INVAL);
	e.role = 0;
	e.unit_id = -1;
	assert_int_equal(store_audit_append(st, &e), BS_E_INVAL);
	e.unit_id = 0;
	e.after_len = 3; /* and no bytes */
	assert_int_equal(store_audit_append(st, &e), BS_E_INVAL);
	e.after_len = 0;
	e.rev = (uint64_t)INT64_MAX + 1;
	assert_int_equal(store_audit_append(st, &e), BS_E_INVAL);
	e.rev = 0;
	assert_int_equal(sql_int("SELECT count(*) FROM audit"), 0);
	assert_int_equal(store_audit_append(st, &e), BS_OK);

	/* Rolled back with its transaction: the chain continues from row 1. */
	assert_int_equal(store_begin(st), BS_OK);
	append_simple(st, "unit.add", "gone", NULL);
	append_simple(st, "unit.add", "gone2", NULL);
	assert_int_equal(store_rollback(st), BS_OK);
	append_simple(st, "unit.add", "kept", NULL);
	/* Inside a savepoint that is undone. */
	assert_int_equal(store_begin(st), BS_OK);
	assert_int_equal(store_savepoint(st), BS_OK);
	append_simple(st, "unit.add", "undone", NULL);
	assert_int_equal(store_rollback_to(st), BS_OK);
	append_simple(st, "unit.add", "kept2", NULL);
	assert_int_equal(store_commit(st), BS_OK);
	assert_int_equal(sql_int("SELECT count(*) FROM audit"), 3);
	assert_int_equal(sql_int("SELECT max(seq) FROM audit"), 3);

	/* A read-only handle cannot append. */
	ro = open_ro();
	assert_int_equal(store_audit_append(ro, &e), BS_E_STATE);
	store_close(ro);

	/* The program's own SQL cannot rewrite history: the triggers refuse. */
	assert_int_not_equal(sql_try("UPDATE audit SET detail = 'x' WHERE seq = 1"), SQLITE_OK);
	assert_int_not_equal(sql_try("DELETE FROM audit WHERE seq = 1"), SQLITE_OK);
	store_close(st);
	assert_int_equal(verify(&p, NULL), 0);
	independent_check(3);
}

struct listed {
	int n;
	uint64_t seq[16];
	char subject[16][64];
	char detail[16][64];
	int after_null[16];
};

static int on_row(void *ctx, uint64_t seq, const struct audit_entry *e)
{
	struct listed *l = ctx;
	if (l->n < 16) {
		l->seq[l->n] = seq;
		snprintf(l->subject[l->n], sizeof l->subject[0], "%s", e->subject);
		snprintf(l->detail[l->n], sizeof l->detail[0], "%s",
			 e->detail ? e->detail : "<null>");
		l->after_null[l->n] = e->after == NULL;
		assert_non_null(e->kind);
		assert_non_null(e->action);
	}
	l->n++;
	return 0;
}

static void test_each(void **state)
{
	struct store *st;
	struct listed l;
	(void)state;

	small_trail();
	st = open_ro();
	memset(&l, 0, sizeof l);
	assert_int_equal(store_audit_each(st, NULL, 0, on_row, &l), BS_OK);
	assert_int_equal(l.n, 8);
	assert_int_equal(l.seq[0], 8); /* newest first */
	assert_int_equal(l.seq[7], 1);
	assert_string_equal(l.subject[1], "1");
	assert_string_equal(l.detail[1], "unit xinzhen");
	assert_string_equal(l.detail[0], "<null>");
	assert_true(l.after_null[1]);
	assert_false(l.after_null[0]);

	memset(&l, 0, sizeof l);
	assert_int_equal(store_audit_each(st, "rec-a", 0, on_row, &l), BS_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.seq[0], 5);
	assert_int_equal(l.seq[1], 2);

	memset(&l, 0, sizeof l);
	assert_int_equal(store_audit_each(st, NULL, 3, on_row, &l), BS_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.seq[2], 6);

	memset(&l, 0, sizeof l);
	assert_int_equal(store_audit_each(st, "nobody", 0, on_row, &l), BS_OK);
	assert_int_equal(l.n, 0);
	store_close(st);
}

/* Migration 6 on a trail written before it: schema 5 is schema 6 plus the
 * index audit_subject, so put it back and mark the file version 5, as a
 * database made by the release before looks.  The read-write open drops
 * the index; the chain, the records' check and the listing by subject give
 * what they gave with it. */
static void test_migration_6(void **state)
{
	struct store *st = NULL;
	struct problems p;
	struct listed l;
	uint64_t rows = 0;
	(void)state;

	small_trail();
	tamper("CREATE INDEX audit_subject ON audit(subject, seq); PRAGMA user_version = 5;");
	assert_int_equal(sql_int("PRAGMA user_version"), 5);
	assert_int_equal(store_open(dbpath, 1, &st), BS_E_VERSION);

	st = open_rw();
	store_close(st);
	assert_int_equal(sql_int("PRAGMA user_version"), store_schema_version());
	assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master WHERE name = 'audit_subject'"),
			 0);
	assert_int_equal(verify(&p, &rows), 0);
	assert_int_equal(rows, 8);

	st = open_ro();
	memset(&l, 0, sizeof l);
	assert_int_equal(store_audit_each(st, "rec-a", 0, on_row, &l), BS_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.seq[0], 5);
	assert_int_equal(l.seq[1], 2);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_audit_each(st, "rec-b", 1, on_row, &l), BS_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.seq[0], 8);
	store_close(st);

	/* Still checked after the migration: a record edited behind the trail. */
	tamper("UPDATE record SET data = CAST('甲 v9' AS BLOB) WHERE uid = 'rec-a'");
	assert_int_equal(verify(&p, NULL), 1);
	assert_true(reported(&p, 0, "record rec-a: its data differs from its newest audit row "
				    "(seq 5)"));
}

/* ---- a database made by the release before (schema 5) ---- */

struct seen {
	int n;
	uint64_t last_seq;
	int in_order;
};

static int on_change(void *ctx, const struct record *r)
{
	struct seen *s = ctx;
	if (r->change_seq <= s->last_seq)
		s->in_order = 0;
	s->last_seq = r->change_seq;
	s->n++;
	return 0;
}

/* Load tests/data/store_schema5.sql into dbpath and write its audit key. */
static void load_schema5(void)
{
	FILE *f = fopen(DATA_DIR "/store_schema5.sql", "r");
	char *text, *k;
	uint8_t key[STORE_AUDIT_KEY_LEN];
	size_t n;
	long len;
	int fd;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0 && len < 1 << 20);
	rewind(f);
	text = malloc((size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	text[len] = '\0';
	fclose(f);
	k = strstr(text, "AUDIT-KEY ");
	assert_non_null(k);
	assert_int_equal(sodium_hex2bin(key, sizeof key, k + 10, 64, NULL, &n, NULL), 0);
	assert_int_equal(n, sizeof key);
	fd = open(keypath, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, key, sizeof key), (ssize_t)sizeof key);
	close(fd);
	tamper(text);
	free(text);
}

/* Migrations 6 and 7 on a database baosongd wrote at schema 5 (main
 * before them, tests/data/store_schema5.sql): the read-write open drops
 * audit_subject and rebuilds record on an appending INTEGER key, keeping
 * every row, the change feed's order, the trail's MACs and the foreign
 * keys; the store then reads, updates and adds records as before. */
static void test_migrate_schema5(void **state)
{
	struct store *st = NULL;
	struct problems p;
	struct record r, got;
	struct seen s = {0, 0, 1};
	struct listed l;
	uint64_t rows = 0;
	(void)state;

	load_schema5();
	assert_int_equal(sql_int("PRAGMA user_version"), 5);
	assert_int_equal(sql_int("SELECT instr(sql, 'WITHOUT ROWID') > 0 FROM sqlite_master"
				 " WHERE name = 'record'"), 1);
	assert_int_equal(store_open(dbpath, 1, &st), BS_E_VERSION);

	st = open_rw();
	store_close(st);
	assert_int_equal(sql_int("PRAGMA user_version"), store_schema_version());
	assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master WHERE name = 'audit_subject'"),
			 0);
	assert_int_equal(sql_int("SELECT instr(sql, 'WITHOUT ROWID') FROM sqlite_master"
				 " WHERE name = 'record'"), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM pragma_table_info('record')"
				 " WHERE name = 'id' AND pk = 1"), 1);
	assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master WHERE type = 'index'"
				 " AND name IN ('record_kind', 'record_unit_change')"), 2);
	assert_int_equal(sql_int("SELECT count(*) FROM record"), 7);
	assert_int_equal(sql_int("SELECT count(*) FROM record_meta"), 5);
	/* ids follow the change feed's order */
	assert_int_equal(sql_int("SELECT count(*) FROM record a JOIN record b"
				 " ON a.id < b.id AND a.change_seq > b.change_seq"), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM pragma_foreign_key_check"), 0);
	assert_int_equal(verify(&p, &rows), 0);
	assert_int_equal(rows, 11);

	st = open_rw();
	assert_int_equal(store_record_get(st, "06da65e091ab97b1ad17bc0cbdd60658", &got), BS_OK);
	assert_string_equal(got.kind, "project");
	assert_int_equal(got.unit_id, 1);
	assert_int_equal(got.rev, 1);
	store_record_free(&got);
	assert_int_equal(store_record_changes(st, 0, 0, 100, on_change, &s), BS_OK);
	assert_int_equal(s.n, 7);
	assert_true(s.in_order);

	/* An update keeps the row; a new record appends (id 8); foreign keys
	 * are enforced again after the migration (unit 99 does not exist). */
	put_audited(st, "06da65e091ab97b1ad17bc0cbdd60658", 1, "甲 v2", T0);
	put_audited(st, "rec-new", 2, "新 v1", T0 + 1);
	memset(&r, 0, sizeof r);
	snprintf(r.kind, sizeof r.kind, "project");
	snprintf(r.uid, sizeof r.uid, "rec-orphan");
	r.unit_id = 99;
	assert_int_equal(store_record_put(st, &r, 0, T0 + 2), BS_E_NOTFOUND);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_audit_each(st, "06da65e091ab97b1ad17bc0cbdd60658", 0, on_row, &l),
			 BS_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.seq[0], 12);
	store_close(st);
	assert_int_equal(sql_int("SELECT rev FROM record"
				 " WHERE uid = '06da65e091ab97b1ad17bc0cbdd60658'"), 2);
	assert_int_equal(sql_int("SELECT id FROM record WHERE uid = 'rec-new'"), 8);
	assert_int_equal(verify(&p, &rows), 0);
	assert_int_equal(rows, 13);
}

/* (a) an edited row. */
static void test_tamper_edit(void **state)
{
	struct problems p;
	uint64_t rows = 0;
	(void)state;

	small_trail();
	assert_int_equal(verify(&p, &rows), 0);
	assert_int_equal(rows, 8);
	tamper(unlock);
	tamper("UPDATE audit SET detail = 'role admin' WHERE seq = 4");
	verify(&p, NULL);
	dump(&p);
	assert_int_equal(p.n, 1);
	assert_true(reported(&p, 4, "altered"));

	/* The before/after of a record row: the record check still agrees
	 * with row 8 (untouched), row 3's mac does not. */
	tamper("UPDATE audit SET after = CAST('乙 v0' AS BLOB) WHERE seq = 3");
	verify(&p, NULL);
	assert_true(reported(&p, 3, "altered"));
	assert_true(reported(&p, 4, "altered"));
	assert_int_equal(p.n, 2);

	/* NULL for an empty value is a change too. */
	tamper("UPDATE audit SET detail = NULL WHERE seq = 7");
	verify(&p, NULL);
	assert_true(reported(&p, 7, "altered"));
}

/* (b) a deleted middle row. */
static void test_tamper_delete(void **state)
{
	struct problems p;
	uint64_t rows = 0;
	(void)state;

	small_trail();
	tamper(unlock);
	tamper("DELETE FROM audit WHERE seq = 4");
	verify(&p, &rows);
	dump(&p);
	assert_int_equal(rows, 7);
	assert_true(reported(&p, 5, "row 4 is missing"));
	assert_true(reported(&p, 5, "chain broken"));
	assert_int_equal(p.n, 2);

	/* The first rows gone: seq gap and a non-zero first prev_mac. */
	tamper("DELETE FROM audit WHERE seq IN (1, 2)");
	verify(&p, NULL);
	assert_true(reported(&p, 3, "rows 1..2 are missing"));
	assert_true(reported(&p, 3, "first row"));

	/* Renumbering to hide the gap breaks the macs. */
	tamper("UPDATE audit SET seq = seq - 2 WHERE seq < 4;"
	       "UPDATE audit SET seq = seq - 3 WHERE seq > 4;");
	verify(&p, NULL);
	dump(&p);
	assert_true(reported(&p, 1, "altered"));
	assert_true(reported(&p, 2, "altered"));
	assert_false(reported(&p, 0, "not the key")); /* the links are broken too */
}

/* (c) two rows' contents swapped (a reorder). */
static void test_tamper_reorder(void **state)
{
	struct problems p;
	(void)state;

	small_trail();
	tamper(unlock);
	tamper("CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (4, 7);"
	       "UPDATE audit SET (at, unit_id, device_id, role, action, kind, subject, rev,"
	       "  before, after, detail, prev_mac, mac) = (SELECT at, unit_id, device_id, role,"
	       "  action, kind, subject, rev, before, after, detail, prev_mac, mac FROM t"
	       "  WHERE t.seq = CASE audit.seq WHEN 4 THEN 7 ELSE 4 END)"
	       " WHERE seq IN (4, 7);");
	verify(&p, NULL);
	dump(&p);
	assert_true(reported(&p, 4, "altered"));
	assert_true(reported(&p, 7, "altered"));
	assert_true(reported(&p, 4, "chain broken"));
	assert_true(reported(&p, 5, "chain broken"));
	assert_true(reported(&p, 7, "chain broken"));
	assert_true(reported(&p, 8, "chain broken"));
}

/* (d) a record changed behind the trail's back. */
static void test_tamper_record(void **state)
{
	struct store *st;
	struct problems p;
	struct record r;
	int64_t u;
	(void)state;

	u = small_trail();
	tamper("UPDATE record SET data = CAST('乙 v3' AS BLOB) WHERE uid = 'rec-b'");
	verify(&p, NULL);
	dump(&p);
	assert_int_equal(p.n, 1);
	assert_true(reported(&p, 0, "record rec-b: its data differs from its newest audit row "
				    "(seq 8)"));

	tamper("UPDATE record SET rev = 5 WHERE uid = 'rec-c'");
	verify(&p, NULL);
	assert_int_equal(p.n, 2);
	assert_true(reported(&p, 0, "record rec-c is at rev 5 but its newest audit row (seq 6)"));

	/* A record without any audit row: SQL, or the store without append. */
	tamper("INSERT INTO record(uid, kind, unit_id, rev, deleted, data, attachments,"
	       " updated_at, change_seq) VALUES ('rec-x', 'project', 1, 1, 0, X'00', X'', 0,"
	       " 1000)");
	st = open_rw();
	memset(&r, 0, sizeof r);
	snprintf(r.kind, sizeof r.kind, "project");
	snprintf(r.uid, sizeof r.uid, "rec-y");
	r.unit_id = u;
	assert_int_equal(store_record_put(st, &r, 0, T0), BS_OK);
	store_close(st);
	verify(&p, NULL);
	dump(&p);
	assert_int_equal(p.n, 4);
	assert_true(reported(&p, 0, "record rec-x (rev 1) has no audit row"));
	assert_true(reported(&p, 0, "record rec-y (rev 1) has no audit row"));
}

/* (f) a record's kind and owner never change: the store refuses, a change
 * behind the trail is caught, and so is a history (MAC'd rows) that shows
 * a record turning into another kind or changing hands. */
static void test_kind_owner(void **state)
{
	struct audit_entry e;
	struct problems p;
	struct record r;
	struct store *st;
	int64_t u, other;
	(void)state;

	u = small_trail();
	st = open_rw();
	other = unit_new(st, "laozhen");
	/* The store: no write turns a record into another kind or unit. */
	memset(&r, 0, sizeof r);
	snprintf(r.kind, sizeof r.kind, "unit");
	snprintf(r.uid, sizeof r.uid, "rec-a");
	r.unit_id = u;
	assert_int_equal(store_record_put(st, &r, 0, T0), BS_E_FORBIDDEN);
	snprintf(r.kind, sizeof r.kind, "project");
	r.unit_id = other;
	assert_int_equal(store_record_put(st, &r, 0, T0), BS_E_FORBIDDEN);
	assert_int_equal(store_record_get(st, "rec-a", &r), BS_OK);
	assert_string_equal(r.kind, "project");
	assert_int_equal(r.unit_id, u);
	assert_int_equal(r.rev, 2);
	store_record_free(&r);
	store_close(st);
	verify(&p, NULL);
	dump(&p);
	assert_int_equal(p.n, 0);

	/* Behind the trail: SQL on the file. */
	{
		char q[160];
		snprintf(q, sizeof q, "UPDATE record SET kind = 'unit', unit_id = %lld"
			 " WHERE uid = 'rec-a'", (long long)other);
		tamper(q);
	}
	verify(&p, NULL);
	dump(&p);
	assert_int_equal(p.n, 2);
	assert_true(reported(&p, 0, "record rec-a is a unit but its newest audit row (seq 5) "
				    "says project"));
	assert_true(reported(&p, 0, "record rec-a belongs to unit 2 but its newest audit row "
				    "(seq 5) says unit 1"));
	tamper("UPDATE record SET kind = 'project', unit_id = 1 WHERE uid = 'rec-a'");
	verify(&p, NULL);
	assert_int_equal(p.n, 0);

	/* A history that shows the change (rows a faulty writer appended with
	 * the key, so the chain holds). */
	st = open_rw();
	memset(&e, 0, sizeof e);
	e.at = T0 + 10;
	e.action = "record.put";
	e.kind = "unit";
	e.subject = "rec-c";
	e.rev = 2;
	e.owner = other;
	assert_int_equal(store_audit_append(st, &e), BS_OK); /* seq 9 */
	e.kind = "project";
	e.owner = u;
	e.rev = 1;
	e.after = (const uint8_t *)"丙 v1";
	e.after_len = strlen("丙 v1");
	assert_int_equal(store_audit_append(st, &e), BS_OK); /* seq 10: back as it was */
	store_close(st);
	verify(&p, NULL);
	dump(&p);
	assert_int_equal(p.n, 2);
	assert_true(reported(&p, 10, "record rec-c changed kind over its history"));
	assert_true(reported(&p, 10, "record rec-c changed owner over its history"));
	independent_check(10);
}

/* (e) a row appended with a mac made without the key. */
static void test_tamper_forged(void **state)
{
	uint8_t fake[32], mac[32], prev[32];
	struct problems p;
	struct store *st;
	uint64_t head = 0;
	char q[512], hex[65];
	int i;
	(void)state;

	small_trail();
	st = open_ro();
	assert_int_equal(store_audit_head(st, &head, prev), BS_OK);
	store_close(st);
	assert_int_equal(head, 8);
	/* The forger knows the format and the previous mac, not the key. */
	memset(fake, 0x5a, sizeof fake);
	crypto_generichash(mac, sizeof mac, prev, sizeof prev, fake, sizeof fake);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", prev[i]);
	snprintf(q, sizeof q,
		 "INSERT INTO audit(seq, at, unit_id, device_id, role, action, kind, subject, rev,"
		 " prev_mac, mac) VALUES (9, 0, 0, 0, 0, 'device.revoke', '', '1', 0, X'%s', ",
		 hex);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	snprintf(q + strlen(q), sizeof q - strlen(q), "X'%s')", hex);
	tamper(q);
	verify(&p, NULL);
	dump(&p);
	assert_int_equal(p.n, 1);
	assert_true(reported(&p, 9, "altered"));
}

/* A wrong key file: every row is reported, and the summary says why. */
static void test_wrong_key(void **state)
{
	uint8_t other[32];
	struct problems p;
	uint64_t rows = 0, n;
	FILE *f;
	int i;
	(void)state;

	small_trail();
	randombytes_buf(other, sizeof other);
	f = fopen(keypath, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(other, 1, sizeof other, f), sizeof other);
	fclose(f);
	n = verify(&p, &rows);
	assert_int_equal(rows, 8);
	assert_int_equal(n, 9);
	for (i = 1; i <= 8; i++)
		assert_true(reported(&p, (uint64_t)i, "altered"));
	assert_true(reported(&p, 0, "not the key the trail was written with"));
}

/* A backup carries its key and verifies on its own. */
static void test_backup_key(void **state)
{
	struct store *st, *bk = NULL;
	struct problems p;
	uint64_t rows = 0, bad = 0;
	char path[192], kp[224];
	struct stat sb;
	(void)state;

	small_trail();
	st = open_ro();
	snprintf(path, sizeof path, "%s/copy.db", dir);
	snprintf(kp, sizeof kp, "%s.audit-key", path);
	assert_int_equal(store_backup(st, path), BS_OK);
	store_close(st);
	assert_int_equal(stat(kp, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(store_open(path, 1, &bk), BS_OK);
	memset(&p, 0, sizeof p);
	assert_int_equal(store_audit_verify(bk, &rows, &bad, on_bad, &p), BS_OK);
	assert_int_equal(rows, 8);
	assert_int_equal(bad, 0);
	store_close(bk);

	/* A key file already at the target name: the backup is refused and
	 * leaves nothing behind. */
	snprintf(path, sizeof path, "%s/copy2.db", dir);
	snprintf(kp, sizeof kp, "%s.audit-key", path);
	fclose(fopen(kp, "wb"));
	st = open_ro();
	assert_int_equal(store_backup(st, path), BS_E_INVAL);
	store_close(st);
	assert_int_not_equal(stat(path, &sb), 0);
	assert_int_equal(stat(kp, &sb), 0);
	assert_int_equal(sb.st_size, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_many_verify_clean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_edit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_reorder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_forged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kind_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_schema5, setup, teardown),
	};
	if (sodium_init() < 0)
		return 1;
	log_setup("test_audit", LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
