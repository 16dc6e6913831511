/* test_store.c - the server's SQLite store: migrations, units, tokens,
 * devices, exactly-once ops, records and their change feed, savepoints,
 * blobs, uploads, backup, and WAL snapshots seen by read-only handles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

static char dir[64];
static char dbpath[128];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/bs-store-XXXXXX");
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

static struct store *open_rw(void)
{
	struct store *st = NULL;
	assert_int_equal(store_open(dbpath, 0, &st), BS_OK);
	assert_non_null(st);
	return st;
}

static struct store *open_ro(void)
{
	struct store *st = NULL;
	assert_int_equal(store_open(dbpath, 1, &st), BS_OK);
	assert_non_null(st);
	return st;
}

static int unit_try(struct store *st, const char *code, const char *name, int type,
		    const char *region, int64_t *id)
{
	struct unit u;
	memset(&u, 0, sizeof u);
	snprintf(u.code, sizeof u.code, "%s", code);
	snprintf(u.name, sizeof u.name, "%s", name);
	snprintf(u.region, sizeof u.region, "%s", region);
	u.type = type;
	return store_unit_add(st, &u, id);
}

static int64_t unit_new(struct store *st, const char *code, const char *name)
{
	int64_t id = 0;
	assert_int_equal(unit_try(st, code, name, UNIT_TOWNSHIP, "610123", &id), BS_OK);
	assert_true(id > 0);
	return id;
}

static void key_fill(uint8_t key[STORE_KEY_LEN], uint8_t v)
{
	memset(key, v, STORE_KEY_LEN);
}

static int64_t device_new(struct store *st, int64_t unit_id, uint8_t keybyte)
{
	uint8_t key[STORE_KEY_LEN];
	int64_t id = 0;
	key_fill(key, keybyte);
	assert_int_equal(store_device_add(st, key, unit_id, ROLE_REPORTER, "pc", T0, &id), BS_OK);
	return id;
}

static int sql_int(const char *path, const char *q)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int v;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void sql_exec(const char *path, const char *q)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* ---- open and migrations ---- */

static void test_migrations(void **state)
{
	struct store *st;
	char other[160];
	(void)state;

	assert_true(store_schema_version() >= 1);
	st = open_rw();
	unit_new(st, "xinzhen", "新镇");
	store_close(st);
	assert_int_equal(sql_int(dbpath, "PRAGMA user_version"), store_schema_version());
	assert_int_equal(sql_int(dbpath, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"),
			 1);

	/* Reopening applies nothing twice and keeps the data. */
	st = open_rw();
	store_close(st);
	st = open_rw();
	store_close(st);
	assert_int_equal(sql_int(dbpath, "PRAGMA user_version"), store_schema_version());
	assert_int_equal(sql_int(dbpath, "SELECT count(*) FROM unit"), 1);
	assert_int_equal(sql_int(dbpath, "SELECT count(*) FROM meta"), 1);

	/* A read-only handle opens a current database. */
	st = open_ro();
	store_close(st);

	/* A file from a newer program is refused either way. */
	sql_exec(dbpath, "PRAGMA user_version = 999");
	st = NULL;
	assert_int_equal(store_open(dbpath, 0, &st), BS_E_VERSION);
	assert_null(st);
	assert_int_equal(store_open(dbpath, 1, &st), BS_E_VERSION);
	assert_null(st);

	/* A read-only handle refuses a database nobody has migrated. */
	snprintf(other, sizeof other, "%s/empty.db", dir);
	sql_exec(other, "CREATE TABLE x(y)");
	assert_int_equal(store_open(other, 1, &st), BS_E_VERSION);
	assert_null(st);
}

static void test_readonly_missing(void **state)
{
	struct store *st = NULL;
	char path[160];
	struct stat sb;
	(void)state;
	snprintf(path, sizeof path, "%s/missing.db", dir);
	assert_int_equal(store_open(path, 1, &st), BS_E_NOTFOUND);
	assert_null(st);
	assert_int_not_equal(stat(path, &sb), 0); /* not created either */
	assert_int_equal(store_open("", 0, &st), BS_E_INVAL);
}

/* ---- units ---- */

struct collect {
	char codes[8][STORE_CODE_MAX + 1];
	int n;
	int stop_after;
};

static int collect_unit(void *ctx, const struct unit *u)
{
	struct collect *c = ctx;
	if (c->n < 8)
		snprintf(c->codes[c->n], sizeof c->codes[0], "%s", u->code);
	c->n++;
	return c->stop_after && c->n == c->stop_after ? 42 : 0;
}

static void test_units(void **state)
{
	struct store *st = open_rw();
	struct unit u;
	struct collect c;
	char longname[STORE_NAME_MAX + 2];
	int64_t id = 0, id2 = 0;
	(void)state;

	assert_int_equal(unit_try(st, "xinzhen", "新镇人民政府", UNIT_TOWNSHIP, "610123", &id),
			 BS_OK);
	assert_int_equal(unit_try(st, "fgj", "县发展和改革局", UNIT_BUREAU, "610100", &id2), BS_OK);
	assert_int_not_equal(id, id2);

	/* Chinese names round-trip, by id and by code. */
	assert_int_equal(store_unit_get(st, id, &u), BS_OK);
	assert_string_equal(u.name, "新镇人民政府");
	assert_string_equal(u.code, "xinzhen");
	assert_string_equal(u.region, "610123");
	assert_int_equal(u.type, UNIT_TOWNSHIP);
	assert_int_equal(store_unit_by_code(st, "fgj", &u), BS_OK);
	assert_int_equal(u.id, id2);
	assert_string_equal(u.name, "县发展和改革局");
	assert_int_equal(u.type, UNIT_BUREAU);

	/* Duplicate code. */
	assert_int_equal(unit_try(st, "xinzhen", "另一个", UNIT_SOE, "610123", NULL), BS_E_CONFLICT);

	/* Region: exactly six ASCII digits. */
	assert_int_equal(unit_try(st, "a1", "甲", UNIT_SOE, "61012", NULL), BS_E_INVAL);
	assert_int_equal(unit_try(st, "a2", "甲", UNIT_SOE, "61012a", NULL), BS_E_INVAL);
	assert_int_equal(unit_try(st, "a3", "甲", UNIT_SOE, "", NULL), BS_E_INVAL);
	assert_int_equal(unit_try(st, "a4", "甲", UNIT_SOE, "６１", NULL), BS_E_INVAL);
	/* Type and name. */
	assert_int_equal(unit_try(st, "a5", "甲", 0, "610123", NULL), BS_E_INVAL);
	assert_int_equal(unit_try(st, "a6", "甲", 5, "610123", NULL), BS_E_INVAL);
	assert_int_equal(unit_try(st, "a7", "", UNIT_SOE, "610123", NULL), BS_E_INVAL);
	assert_int_equal(unit_try(st, "a8", "two\nlines", UNIT_SOE, "610123", NULL), BS_E_INVAL);
	assert_int_equal(unit_try(st, "a9", "bad \xff utf8", UNIT_SOE, "610123", NULL), BS_E_INVAL);
	assert_int_equal(unit_try(st, "aa", "overlong \xc0\xaf", UNIT_SOE, "610123", NULL),
			 BS_E_INVAL);
	assert_int_equal(unit_try(st, "ab", "cut \xe6\x96", UNIT_SOE, "610123", NULL), BS_E_INVAL);
	/* Code. */
	assert_int_equal(unit_try(st, "Upper", "甲", UNIT_SOE, "610123", NULL), BS_E_INVAL);
	assert_int_equal(unit_try(st, "a b", "甲", UNIT_SOE, "610123", NULL), BS_E_INVAL);
	assert_int_equal(unit_try(st, "-x", "甲", UNIT_SOE, "610123", NULL), BS_E_INVAL);
	assert_int_equal(unit_try(st, "", "甲", UNIT_SOE, "610123", NULL), BS_E_INVAL);

	/* Over-long strings are refused, never cut (the struct cannot hold them,
	 * so build the unit by hand). */
	memset(&u, 0, sizeof u);
	memset(u.code, 'a', sizeof u.code); /* no terminator within the limit */
	snprintf(u.name, sizeof u.name, "x");
	snprintf(u.region, sizeof u.region, "610123");
	u.type = UNIT_SOE;
	assert_int_equal(store_unit_add(st, &u, NULL), BS_E_TOOBIG);
	memset(longname, 'n', sizeof longname);
	longname[sizeof longname - 1] = '\0'; /* STORE_NAME_MAX + 1 bytes */
	memset(&u, 0, sizeof u);
	snprintf(u.code, sizeof u.code, "long");
	memcpy(u.name, longname, sizeof u.name); /* fills it without a terminator */
	snprintf(u.region, sizeof u.region, "610123");
	u.type = UNIT_SOE;
	assert_int_equal(store_unit_add(st, &u, NULL), BS_E_TOOBIG);
	/* Exactly the maximum is fine. */
	memset(u.name, 'n', STORE_NAME_MAX);
	u.name[STORE_NAME_MAX] = '\0';
	assert_int_equal(store_unit_add(st, &u, NULL), BS_OK);

	assert_int_equal(store_unit_get(st, 9999, &u), BS_E_NOTFOUND);
	assert_int_equal(store_unit_by_code(st, "nope", &u), BS_E_NOTFOUND);

	/* Ordered by code; a non-zero callback value stops and is returned. */
	memset(&c, 0, sizeof c);
	assert_int_equal(store_unit_each(st, collect_unit, &c), BS_OK);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.codes[0], "fgj");
	assert_string_equal(c.codes[1], "long");
	assert_string_equal(c.codes[2], "xinzhen");
	memset(&c, 0, sizeof c);
	c.stop_after = 2;
	assert_int_equal(store_unit_each(st, collect_unit, &c), 42);
	assert_int_equal(c.n, 2);
	store_close(st);
}

/* ---- tokens and devices ---- */

static void test_tokens(void **state)
{
	struct store *st = open_rw();
	struct device d, d2;
	uint8_t h1[STORE_HASH_LEN], h2[STORE_HASH_LEN], h3[STORE_HASH_LEN], hx[STORE_HASH_LEN];
	uint8_t k1[STORE_KEY_LEN], k2[STORE_KEY_LEN], k3[STORE_KEY_LEN];
	int64_t unit = unit_new(st, "xinzhen", "新镇");
	(void)state;

	memset(h1, 1, sizeof h1);
	memset(h2, 2, sizeof h2);
	memset(h3, 3, sizeof h3);
	memset(hx, 9, sizeof hx);
	key_fill(k1, 0xa1);
	key_fill(k2, 0xa2);
	key_fill(k3, 0xa3);

	assert_int_equal(store_token_add(st, h1, unit, ROLE_REPORTER, T0 + 1000, T0), BS_OK);
	assert_int_equal(store_token_add(st, h2, unit, ROLE_REVIEWER, T0 + 1000, T0), BS_OK);
	assert_int_equal(store_token_add(st, h3, unit, ROLE_LEADER, T0 + 1000, T0), BS_OK);
	assert_int_equal(store_token_add(st, h1, unit, ROLE_REPORTER, T0 + 1000, T0),
			 BS_E_CONFLICT);
	assert_int_equal(store_token_add(st, hx, unit, 0, T0 + 1000, T0), BS_E_INVAL);
	assert_int_equal(store_token_add(st, hx, unit, 6, T0 + 1000, T0), BS_E_INVAL);
	assert_int_equal(store_token_add(st, hx, 9999, ROLE_REPORTER, T0 + 1000, T0),
			 BS_E_NOTFOUND);

	/* Redeem: a device of the token's unit and role. */
	assert_int_equal(store_token_redeem(st, h1, T0 + 10, k1, "新镇办公室", &d), BS_OK);
	assert_true(d.id > 0);
	assert_int_equal(d.unit_id, unit);
	assert_int_equal(d.role, ROLE_REPORTER);
	assert_string_equal(d.label, "新镇办公室");
	assert_memory_equal(d.pubkey, k1, STORE_KEY_LEN);
	assert_int_equal(d.enrolled_at, T0 + 10);
	assert_int_equal(d.revoked_at, 0);
	assert_int_equal(d.applied_seq, 0);
	assert_int_equal(store_device_by_key(st, k1, &d2), BS_OK);
	assert_int_equal(d2.id, d.id);
	assert_int_equal(sql_int(dbpath, "SELECT count(*) FROM token WHERE used_by NOT NULL"), 1);

	/* Used, unknown, expired (expires_at <= now). */
	assert_int_equal(store_token_redeem(st, h1, T0 + 20, k2, "", &d2), BS_E_TOKEN);
	assert_int_equal(store_token_redeem(st, hx, T0 + 20, k2, "", &d2), BS_E_TOKEN);
	assert_int_equal(store_token_redeem(st, h2, T0 + 1000, k2, "", &d2), BS_E_TOKEN);
	assert_int_equal(store_device_by_key(st, k2, &d2), BS_E_NOTFOUND);

	/* A key enrolled already: refused, and the token is not burnt. */
	assert_int_equal(store_token_redeem(st, h3, T0 + 30, k1, "", &d2), BS_E_CONFLICT);
	assert_int_equal(store_token_redeem(st, h3, T0 + 31, k3, NULL, &d2), BS_OK);
	assert_int_equal(d2.role, ROLE_LEADER);
	assert_string_equal(d2.label, "");

	/* A label too long is refused, not cut. */
	{
		char label[STORE_NAME_MAX + 2];
		memset(label, 'x', sizeof label - 1);
		label[sizeof label - 1] = '\0';
		assert_int_equal(store_token_redeem(st, h2, T0 + 40, k2, label, &d2), BS_E_TOOBIG);
	}

	/* Inside the caller's transaction, a rollback undoes the redemption. */
	assert_int_equal(store_begin(st), BS_OK);
	assert_int_equal(store_token_redeem(st, h2, T0 + 50, k2, "x", &d2), BS_OK);
	assert_int_equal(store_rollback(st), BS_OK);
	assert_int_equal(store_device_by_key(st, k2, &d2), BS_E_NOTFOUND);
	assert_int_equal(store_token_redeem(st, h2, T0 + 60, k2, "x", &d2), BS_OK);
	store_close(st);
}

struct count {
	int n;
	int64_t last_id;
};

static int count_device(void *ctx, const struct device *d)
{
	struct count *c = ctx;
	assert_true(d->id > c->last_id);
	c->last_id = d->id;
	c->n++;
	return 0;
}

static void test_devices(void **state)
{
	struct store *st = open_rw();
	struct device d;
	struct count c = {0, 0};
	uint8_t key[STORE_KEY_LEN];
	int64_t unit = unit_new(st, "fgj", "发改局"), id = 0, id2;
	(void)state;

	key_fill(key, 7);
	assert_int_equal(store_device_add(st, key, unit, ROLE_ADMIN, "管理员电脑", T0, &id), BS_OK);
	assert_int_equal(store_device_add(st, key, unit, ROLE_ADMIN, "again", T0, NULL),
			 BS_E_CONFLICT);
	key_fill(key, 8);
	assert_int_equal(store_device_add(st, key, 9999, ROLE_ADMIN, "", T0, NULL), BS_E_NOTFOUND);
	assert_int_equal(store_device_add(st, key, unit, 0, "", T0, NULL), BS_E_INVAL);
	assert_int_equal(store_device_add(st, key, unit, 6, "", T0, NULL), BS_E_INVAL);
	assert_int_equal(store_device_add(st, key, unit, ROLE_ADMIN, "a\x01", T0, NULL),
			 BS_E_INVAL);
	id2 = device_new(st, unit, 9);

	assert_int_equal(store_device_get(st, id, &d), BS_OK);
	assert_string_equal(d.label, "管理员电脑");
	assert_int_equal(d.role, ROLE_ADMIN);
	assert_int_equal(store_device_get(st, 9999, &d), BS_E_NOTFOUND);

	/* Revoke: once; revoking again keeps the first time. */
	assert_int_equal(store_device_revoke(st, id, T0 + 5), BS_OK);
	assert_int_equal(store_device_get(st, id, &d), BS_OK);
	assert_int_equal(d.revoked_at, T0 + 5);
	assert_int_equal(store_device_revoke(st, id, T0 + 9), BS_OK);
	assert_int_equal(store_device_get(st, id, &d), BS_OK);
	assert_int_equal(d.revoked_at, T0 + 5);
	assert_int_equal(store_device_revoke(st, 9999, T0), BS_E_NOTFOUND);
	assert_int_equal(store_device_get(st, id2, &d), BS_OK);
	assert_int_equal(d.revoked_at, 0);

	/* last_hello_ns only rises. */
	assert_int_equal(store_device_set_hello(st, id2, 1000), BS_OK);
	assert_int_equal(store_device_set_hello(st, id2, 500), BS_OK);
	assert_int_equal(store_device_get(st, id2, &d), BS_OK);
	assert_int_equal(d.last_hello_ns, 1000);
	assert_int_equal(store_device_set_hello(st, id2, 2000), BS_OK);
	assert_int_equal(store_device_get(st, id2, &d), BS_OK);
	assert_int_equal(d.last_hello_ns, 2000);
	assert_int_equal(store_device_set_hello(st, 9999, 1), BS_E_NOTFOUND);
	assert_int_equal(store_device_set_hello(st, id2, UINT64_MAX), BS_E_INVAL);

	assert_int_equal(store_device_each(st, count_device, &c), BS_OK);
	assert_int_equal(c.n, 2);
	store_close(st);
}

/* ---- operations ---- */

static void test_ops(void **state)
{
	struct store *st = open_rw();
	struct device d;
	uint8_t *r = NULL;
	size_t len = 0;
	static const uint8_t rc1[] = "receipt one";
	uint8_t dg[STORE_HASH_LEN], got[STORE_HASH_LEN];
	int has = -1;
	int64_t unit = unit_new(st, "xinzhen", "新镇"), dev = device_new(st, unit, 1);
	(void)state;

	assert_int_equal(store_op_receipt(st, dev, 1, &r, &len, NULL, NULL), BS_E_NOTFOUND);
	assert_int_equal(store_op_add(st, dev, 1, 1, rc1, sizeof rc1, NULL, T0), BS_OK);
	assert_int_equal(store_op_receipt(st, dev, 1, &r, &len, NULL, NULL), BS_OK);
	assert_int_equal(len, sizeof rc1);
	assert_memory_equal(r, rc1, sizeof rc1);
	free(r);
	r = NULL;
	assert_int_equal(store_device_get(st, dev, &d), BS_OK);
	assert_int_equal(d.applied_seq, 1);

	/* Gaps and repeats are refused; nothing changes. */
	assert_int_equal(store_op_add(st, dev, 3, 1, rc1, sizeof rc1, NULL, T0), BS_E_SEQ);
	assert_int_equal(store_op_add(st, dev, 1, 1, rc1, sizeof rc1, NULL, T0), BS_E_SEQ);
	assert_int_equal(store_op_add(st, dev, 0, 1, rc1, sizeof rc1, NULL, T0), BS_E_SEQ);
	assert_int_equal(store_op_add(st, 9999, 1, 1, rc1, sizeof rc1, NULL, T0), BS_E_NOTFOUND);
	assert_int_equal(store_device_get(st, dev, &d), BS_OK);
	assert_int_equal(d.applied_seq, 1);
	assert_int_equal(store_op_receipt(st, dev, 3, &r, &len, NULL, NULL), BS_E_NOTFOUND);

	/* An empty receipt is a receipt. */
	assert_int_equal(store_op_add(st, dev, 2, 3, NULL, 0, NULL, T0), BS_OK);
	assert_int_equal(store_op_receipt(st, dev, 2, &r, &len, NULL, NULL), BS_OK);
	assert_int_equal(len, 0);
	free(r);
	r = NULL;
	assert_int_equal(store_op_add(st, dev, 3, 1, NULL, STORE_RECEIPT_MAX + 1, NULL, T0),
			 BS_E_TOOBIG);

	/* Inside a transaction that rolls back, applied_seq goes back too. */
	assert_int_equal(store_begin(st), BS_OK);
	assert_int_equal(store_op_add(st, dev, 3, 1, rc1, sizeof rc1, NULL, T0), BS_OK);
	assert_int_equal(store_rollback(st), BS_OK);
	assert_int_equal(store_device_get(st, dev, &d), BS_OK);
	assert_int_equal(d.applied_seq, 2);
	assert_int_equal(store_op_receipt(st, dev, 3, &r, &len, NULL, NULL), BS_E_NOTFOUND);

	/* The op's digest is kept with its receipt; ops stored without one say so. */
	memset(dg, 0xa5, sizeof dg);
	assert_int_equal(store_op_add(st, dev, 3, 1, rc1, sizeof rc1, dg, T0), BS_OK);
	assert_int_equal(store_op_receipt(st, dev, 3, &r, &len, got, &has), BS_OK);
	assert_int_equal(has, 1);
	assert_memory_equal(got, dg, sizeof dg);
	free(r);
	r = NULL;
	assert_int_equal(store_op_receipt(st, dev, 2, &r, &len, got, &has), BS_OK);
	assert_int_equal(has, 0);
	free(r);
	store_close(st);
}

/* ---- records ---- */

static void rec_init(struct record *r, const char *uid, int64_t unit, const char *data)
{
	memset(r, 0, sizeof *r);
	snprintf(r->kind, sizeof r->kind, "project");
	snprintf(r->uid, sizeof r->uid, "%s", uid);
	r->unit_id = unit;
	r->data = (uint8_t *)(uintptr_t)data;
	r->data_len = strlen(data);
}

static void test_records(void **state)
{
	struct store *st = open_rw();
	struct record r, got;
	uint8_t att[3][STORE_HASH_LEN];
	uint8_t *big;
	int64_t unit = unit_new(st, "xinzhen", "新镇"), dev = device_new(st, unit, 1);
	uint64_t prev;
	(void)state;

	assert_int_equal(store_record_get(st, "u1", &got), BS_E_NOTFOUND);
	rec_init(&r, "u1", unit, "项目一");
	memset(att[0], 0x11, STORE_HASH_LEN);
	memset(att[1], 0x22, STORE_HASH_LEN);
	memset(att[2], 0x33, STORE_HASH_LEN);
	r.attachments = att;
	r.n_attachments = 3;
	assert_int_equal(store_record_put(st, &r, dev, T0), BS_OK);
	assert_int_equal(r.rev, 1);
	assert_true(r.change_seq >= 1);
	prev = r.change_seq;

	assert_int_equal(store_record_get(st, "u1", &got), BS_OK);
	assert_string_equal(got.kind, "project");
	assert_string_equal(got.uid, "u1");
	assert_int_equal(got.unit_id, unit);
	assert_int_equal(got.rev, 1);
	assert_int_equal(got.deleted, 0);
	assert_int_equal(got.updated_at, T0);
	assert_int_equal(got.device_id, dev);
	assert_int_equal(got.change_seq, prev);
	assert_int_equal(got.data_len, strlen("项目一"));
	assert_memory_equal(got.data, "项目一", got.data_len);
	assert_int_equal(got.n_attachments, 3);
	assert_memory_equal(got.attachments, att, sizeof att);
	store_record_free(&got);
	store_record_free(&got); /* safe twice */

	/* Each put: rev + 1, and a change_seq above every earlier one. */
	rec_init(&r, "u2", unit, "项目二");
	assert_int_equal(store_record_put(st, &r, dev, T0 + 1), BS_OK);
	assert_int_equal(r.rev, 1);
	assert_true(r.change_seq > prev);
	prev = r.change_seq;
	rec_init(&r, "u1", unit, "项目一 (改)");
	r.deleted = 1;
	assert_int_equal(store_record_put(st, &r, 0, T0 + 2), BS_OK);
	assert_int_equal(r.rev, 2);
	assert_true(r.change_seq > prev);
	prev = r.change_seq;
	rec_init(&r, "u1", unit, "");
	assert_int_equal(store_record_put(st, &r, dev, T0 + 3), BS_OK);
	assert_int_equal(r.rev, 3);
	assert_true(r.change_seq > prev);

	assert_int_equal(store_record_get(st, "u1", &got), BS_OK);
	assert_int_equal(got.rev, 3);
	assert_int_equal(got.deleted, 0);
	assert_int_equal(got.data_len, 0);
	assert_int_equal(got.n_attachments, 0);
	assert_null(got.attachments);
	store_record_free(&got);
	rec_init(&r, "u1", unit, "x");
	r.deleted = 1;
	assert_int_equal(store_record_put(st, &r, 0, T0 + 4), BS_OK);
	assert_int_equal(store_record_get(st, "u1", &got), BS_OK);
	assert_int_equal(got.deleted, 1);
	assert_int_equal(got.device_id, 0); /* no device: a server-side change */
	store_record_free(&got);

	/* Limits and bad input. */
	big = calloc(1, STORE_DATA_MAX + 1);
	assert_non_null(big);
	rec_init(&r, "u3", unit, "");
	r.data = big;
	r.data_len = STORE_DATA_MAX + 1;
	assert_int_equal(store_record_put(st, &r, dev, T0), BS_E_TOOBIG);
	r.data_len = STORE_DATA_MAX;
	assert_int_equal(store_record_put(st, &r, dev, T0), BS_OK);
	assert_int_equal(store_record_get(st, "u3", &got), BS_OK);
	assert_int_equal(got.data_len, STORE_DATA_MAX);
	store_record_free(&got);
	free(big);
	rec_init(&r, "u4", unit, "x");
	r.attachments = att;
	r.n_attachments = STORE_ATTACH_MAX + 1;
	assert_int_equal(store_record_put(st, &r, dev, T0), BS_E_TOOBIG);
	rec_init(&r, "u4", unit, "x");
	snprintf(r.kind, sizeof r.kind, "Bad Kind");
	assert_int_equal(store_record_put(st, &r, dev, T0), BS_E_INVAL);
	rec_init(&r, "", unit, "x");
	assert_int_equal(store_record_put(st, &r, dev, T0), BS_E_INVAL);
	rec_init(&r, "u4", 9999, "x");
	assert_int_equal(store_record_put(st, &r, dev, T0), BS_E_NOTFOUND);
	rec_init(&r, "u4", unit, "x");
	assert_int_equal(store_record_put(st, &r, 9999, T0), BS_E_NOTFOUND);
	memset(r.uid, 'u', sizeof r.uid); /* no terminator within STORE_UID_MAX */
	assert_int_equal(store_record_put(st, &r, dev, T0), BS_E_TOOBIG);
	assert_int_equal(store_record_get(st, "u4", &got), BS_E_NOTFOUND);
	store_close(st);
}

struct feed {
	char uids[16][STORE_UID_MAX + 1];
	uint64_t seqs[16];
	int n;
};

static int feed_add(void *ctx, const struct record *r)
{
	struct feed *f = ctx;
	assert_true(f->n < 16);
	snprintf(f->uids[f->n], sizeof f->uids[0], "%s", r->uid);
	f->seqs[f->n] = r->change_seq;
	f->n++;
	return 0;
}

static int feed_stop(void *ctx, const struct record *r)
{
	(void)ctx;
	(void)r;
	return 7;
}

static void test_changes(void **state)
{
	struct store *st = open_rw();
	struct record r;
	struct feed f;
	int64_t a = unit_new(st, "a", "甲镇"), b = unit_new(st, "b", "乙镇");
	uint64_t cursor;
	int i;
	(void)state;

	/* a1 b1 a2 b2 a3, then a1 again: the feed holds each record once, at
	 * its latest change. */
	rec_init(&r, "a1", a, "1");
	assert_int_equal(store_record_put(st, &r, 0, T0), BS_OK);
	rec_init(&r, "b1", b, "1");
	assert_int_equal(store_record_put(st, &r, 0, T0), BS_OK);
	rec_init(&r, "a2", a, "1");
	assert_int_equal(store_record_put(st, &r, 0, T0), BS_OK);
	rec_init(&r, "b2", b, "1");
	assert_int_equal(store_record_put(st, &r, 0, T0), BS_OK);
	rec_init(&r, "a3", a, "1");
	assert_int_equal(store_record_put(st, &r, 0, T0), BS_OK);
	rec_init(&r, "a1", a, "2");
	assert_int_equal(store_record_put(st, &r, 0, T0), BS_OK);

	memset(&f, 0, sizeof f);
	assert_int_equal(store_record_changes(st, 0, 0, 100, feed_add, &f), BS_OK);
	assert_int_equal(f.n, 5);
	assert_string_equal(f.uids[0], "b1");
	assert_string_equal(f.uids[1], "a2");
	assert_string_equal(f.uids[2], "b2");
	assert_string_equal(f.uids[3], "a3");
	assert_string_equal(f.uids[4], "a1");
	for (i = 1; i < f.n; i++)
		assert_true(f.seqs[i] > f.seqs[i - 1]);

	/* Scoped to one unit. */
	memset(&f, 0, sizeof f);
	assert_int_equal(store_record_changes(st, 0, b, 100, feed_add, &f), BS_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.uids[0], "b1");
	assert_string_equal(f.uids[1], "b2");

	/* Paging by cursor, two at a time, unit a. */
	cursor = 0;
	memset(&f, 0, sizeof f);
	assert_int_equal(store_record_changes(st, cursor, a, 2, feed_add, &f), BS_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.uids[0], "a2");
	assert_string_equal(f.uids[1], "a3");
	cursor = f.seqs[1];
	memset(&f, 0, sizeof f);
	assert_int_equal(store_record_changes(st, cursor, a, 2, feed_add, &f), BS_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.uids[0], "a1");
	cursor = f.seqs[0];
	memset(&f, 0, sizeof f);
	assert_int_equal(store_record_changes(st, cursor, a, 2, feed_add, &f), BS_OK);
	assert_int_equal(f.n, 0);
	assert_int_equal(store_record_changes(st, UINT64_MAX, 0, 2, feed_add, &f), BS_OK);
	assert_int_equal(f.n, 0);

	/* The callback's non-zero value stops the walk and comes back. */
	assert_int_equal(store_record_changes(st, 0, 0, 100, feed_stop, NULL), 7);
	store_close(st);
}

static void test_savepoints(void **state)
{
	struct store *st = open_rw();
	struct record r, got;
	int64_t unit = unit_new(st, "xinzhen", "新镇");
	uint64_t seq_a;
	(void)state;

	assert_int_equal(store_release(st), BS_E_STATE);
	assert_int_equal(store_commit(st), BS_E_STATE);

	assert_int_equal(store_begin(st), BS_OK);
	assert_int_equal(store_begin(st), BS_E_STATE);
	rec_init(&r, "keep", unit, "1");
	assert_int_equal(store_record_put(st, &r, 0, T0), BS_OK);
	seq_a = r.change_seq;

	/* One op: undone by rollback_to, which also releases the savepoint. */
	assert_int_equal(store_savepoint(st), BS_OK);
	rec_init(&r, "undone", unit, "1");
	assert_int_equal(store_record_put(st, &r, 0, T0), BS_OK);
	rec_init(&r, "keep", unit, "2");
	assert_int_equal(store_record_put(st, &r, 0, T0), BS_OK);
	assert_int_equal(r.rev, 2);
	assert_int_equal(store_rollback_to(st), BS_OK);
	assert_int_equal(store_rollback_to(st), BS_E_STATE);

	/* The next op: kept by release. */
	assert_int_equal(store_savepoint(st), BS_OK);
	rec_init(&r, "second", unit, "1");
	assert_int_equal(store_record_put(st, &r, 0, T0), BS_OK);
	/* the counter went back with the undone op */
	assert_int_equal(r.change_seq, seq_a + 1);
	assert_int_equal(store_release(st), BS_OK);
	assert_int_equal(store_commit(st), BS_OK);

	assert_int_equal(store_record_get(st, "undone", &got), BS_E_NOTFOUND);
	assert_int_equal(store_record_get(st, "keep", &got), BS_OK);
	assert_int_equal(got.rev, 1);
	assert_memory_equal(got.data, "1", 1);
	store_record_free(&got);
	assert_int_equal(store_record_get(st, "second", &got), BS_OK);
	store_record_free(&got);

	/* A whole transaction rolled back. */
	assert_int_equal(store_begin(st), BS_OK);
	rec_init(&r, "gone", unit, "1");
	assert_int_equal(store_record_put(st, &r, 0, T0), BS_OK);
	assert_int_equal(store_rollback(st), BS_OK);
	assert_int_equal(store_record_get(st, "gone", &got), BS_E_NOTFOUND);
	assert_int_equal(store_rollback(st), BS_OK); /* nothing open: fine */
	store_close(st);
}

/* ---- attachments ---- */

static void test_blobs(void **state)
{
	struct store *st = open_rw();
	struct record r;
	uint8_t h1[STORE_HASH_LEN], h2[STORE_HASH_LEN], h3[STORE_HASH_LEN];
	uint8_t att[2][STORE_HASH_LEN];
	uint64_t size = 0, used = 0;
	int64_t a = unit_new(st, "a", "甲"), b = unit_new(st, "b", "乙");
	(void)state;

	memset(h1, 0xb1, sizeof h1);
	memset(h2, 0xb2, sizeof h2);
	memset(h3, 0xb3, sizeof h3);
	assert_int_equal(store_blob_get(st, h1, &size), BS_E_NOTFOUND);
	assert_int_equal(store_blob_ref_has(st, h1, a), 0);
	assert_int_equal(store_unit_usage(st, a, &used), BS_OK);
	assert_int_equal(used, 0);

	assert_int_equal(store_blob_add(st, h1, 100, a, T0), BS_OK);
	assert_int_equal(store_blob_add(st, h1, 100, a, T0), BS_OK); /* idempotent */
	assert_int_equal(store_blob_get(st, h1, &size), BS_OK);
	assert_int_equal(size, 100);
	assert_int_equal(store_blob_ref_has(st, h1, a), 1);
	assert_int_equal(store_blob_ref_has(st, h1, b), 0);
	assert_int_equal(store_blob_add(st, h1, 101, b, T0), BS_E_CORRUPT);
	assert_int_equal(store_blob_ref_has(st, h1, b), 0);
	assert_int_equal(store_blob_add(st, h2, 50, a, T0), BS_OK);
	assert_int_equal(store_unit_usage(st, a, &used), BS_OK);
	assert_int_equal(used, 150);
	assert_int_equal(store_blob_add(st, h2, 50, 9999, T0), BS_E_NOTFOUND);

	/* Unit b attaches h1 (stored) and h3 (not): a ref for h1 only. */
	rec_init(&r, "rb", b, "x");
	memcpy(att[0], h1, STORE_HASH_LEN);
	memcpy(att[1], h3, STORE_HASH_LEN);
	r.attachments = att;
	r.n_attachments = 2;
	assert_int_equal(store_record_put(st, &r, 0, T0), BS_OK);
	assert_int_equal(store_blob_ref_has(st, h1, b), 1);
	assert_int_equal(store_blob_ref_has(st, h3, b), 0);
	assert_int_equal(store_unit_usage(st, b, &used), BS_OK);
	assert_int_equal(used, 100);
	assert_int_equal(store_unit_usage(st, a, &used), BS_OK);
	assert_int_equal(used, 150);
	store_close(st);
}

static void test_uploads(void **state)
{
	struct store *st = open_rw();
	uint8_t h[STORE_HASH_LEN];
	uint64_t size = 0, off = 0;
	int64_t a = unit_new(st, "a", "甲"), b = unit_new(st, "b", "乙");
	(void)state;

	memset(h, 0xcc, sizeof h);
	assert_int_equal(store_upload_get(st, h, a, &size, &off), BS_E_NOTFOUND);
	assert_int_equal(store_upload_set(st, h, a, 1000, 0, T0), BS_OK);
	assert_int_equal(store_upload_get(st, h, a, &size, &off), BS_OK);
	assert_int_equal(size, 1000);
	assert_int_equal(off, 0);
	assert_int_equal(store_upload_set(st, h, a, 1000, 500, T0 + 1), BS_OK);
	assert_int_equal(store_upload_get(st, h, a, &size, &off), BS_OK);
	assert_int_equal(off, 500);
	assert_int_equal(store_upload_get(st, h, b, &size, &off), BS_E_NOTFOUND);
	assert_int_equal(store_upload_set(st, h, a, 1000, 1001, T0), BS_E_INVAL);
	assert_int_equal(store_upload_set(st, h, a, UINT64_MAX, 0, T0), BS_E_TOOBIG);
	assert_int_equal(store_upload_get(st, h, a, &size, &off), BS_OK);
	assert_int_equal(off, 500);
	assert_int_equal(store_upload_delete(st, h, a), BS_OK);
	assert_int_equal(store_upload_get(st, h, a, &size, &off), BS_E_NOTFOUND);
	assert_int_equal(store_upload_delete(st, h, a), BS_OK);
	store_close(st);
}

/* ---- backup and readers ---- */

static void test_backup(void **state)
{
	struct store *st = open_rw(), *bk = NULL;
	struct record r, got;
	struct unit u;
	char path[160], bad[160];
	struct stat sb;
	int64_t unit = unit_new(st, "xinzhen", "新镇人民政府");
	(void)state;

	rec_init(&r, "rec1", unit, "数据");
	assert_int_equal(store_record_put(st, &r, 0, T0), BS_OK);
	snprintf(path, sizeof path, "%s/backup.db", dir);
	assert_int_equal(store_backup(st, path), BS_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size > 0);
	/* Never over an existing file, which stays as it was. */
	assert_int_equal(store_backup(st, path), BS_E_INVAL);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size > 0);
	snprintf(bad, sizeof bad, "%s/no/such/dir.db", dir);
	assert_int_equal(store_backup(st, bad), BS_E_IO);
	store_close(st);

	assert_int_equal(store_open(path, 1, &bk), BS_OK);
	assert_int_equal(store_unit_by_code(bk, "xinzhen", &u), BS_OK);
	assert_string_equal(u.name, "新镇人民政府");
	assert_int_equal(store_record_get(bk, "rec1", &got), BS_OK);
	assert_int_equal(got.data_len, strlen("数据"));
	assert_memory_equal(got.data, "数据", got.data_len);
	store_record_free(&got);
	store_close(bk);

	/* Online: a read-only handle (as `baosongd backup` uses) copies the
	 * committed state while the writer holds an open transaction. */
	st = open_rw();
	assert_int_equal(store_begin(st), BS_OK);
	unit_new(st, "pending", "未提交");
	assert_int_equal(store_open(dbpath, 1, &bk), BS_OK);
	snprintf(bad, sizeof bad, "%s/backup2.db", dir);
	assert_int_equal(store_backup(bk, bad), BS_OK);
	store_close(bk);
	assert_int_equal(store_commit(st), BS_OK);
	store_close(st);
	assert_int_equal(sql_int(bad, "SELECT count(*) FROM record"), 1);
	assert_int_equal(sql_int(bad, "SELECT count(*) FROM unit"), 1);
	assert_int_equal(sql_int(dbpath, "SELECT count(*) FROM unit"), 2);
}

static void test_reader_snapshot(void **state)
{
	struct store *w = open_rw(), *rd = open_ro();
	struct unit u;
	uint8_t h[STORE_HASH_LEN];
	int64_t a, b, c = 0;
	(void)state;

	/* Committed writes are seen by a reader outside a transaction. */
	a = unit_new(w, "a", "甲");
	assert_int_equal(store_unit_get(rd, a, &u), BS_OK);
	assert_string_equal(u.name, "甲");

	/* A read transaction keeps its snapshot until it ends. */
	assert_int_equal(store_begin(rd), BS_OK);
	assert_int_equal(store_unit_get(rd, a, &u), BS_OK);
	b = unit_new(w, "b", "乙");
	assert_int_equal(store_unit_get(rd, b, &u), BS_E_NOTFOUND);
	assert_int_equal(store_rollback(rd), BS_OK);
	assert_int_equal(store_unit_get(rd, b, &u), BS_OK);

	/* Uncommitted writes are invisible. */
	assert_int_equal(store_begin(w), BS_OK);
	assert_int_equal(unit_try(w, "c", "丙", UNIT_SOE, "610000", &c), BS_OK);
	assert_int_equal(store_unit_get(rd, c, &u), BS_E_NOTFOUND);
	assert_int_equal(store_commit(w), BS_OK);
	assert_int_equal(store_unit_get(rd, c, &u), BS_OK);

	/* A read-only handle refuses writes. */
	memset(h, 1, sizeof h);
	assert_int_equal(unit_try(rd, "d", "丁", UNIT_SOE, "610000", NULL), BS_E_STATE);
	assert_int_equal(store_blob_add(rd, h, 1, a, T0), BS_E_STATE);
	store_close(rd);
	store_close(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_savepoints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blobs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uploads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_snapshot, setup, teardown),
	};
	log_setup("test_store", LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
