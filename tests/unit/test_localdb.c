/* test_localdb.c - the client's local database: schema and migrations, the
 * outbox numbering and base revisions, acknowledgements, quarantine,
 * conflicts, pulled records, attachment files, checks on what is read
 * back, and a kill -9 at a random moment never leaving a record without
 * its op or a gap in the op numbers.  And what rests on them: the server's
 * copy (restore, repair) and conflicts merged by field (merge.h,
 * reconcile.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "baosong.pb-c.h"
#include "err.h"
#include "localdb.h"
#include "log.h"
#include "merge.h"
#include "reconcile.h"
#include "records.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/bs-localdb-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/local.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct localdb *open_db(void)
{
	struct localdb *db = NULL;
	assert_int_equal(localdb_open(path, &db), BS_OK);
	assert_non_null(db);
	return db;
}

/* A change of a record with text data; returns the seq. */
static uint64_t change(struct localdb *db, const char *kind, const char *uid, const char *text,
		       int64_t now)
{
	uint64_t seq = 0;
	assert_int_equal(localdb_change(db, kind, uid, 7, (const uint8_t *)text, strlen(text), NULL,
					0, 0, now, &seq),
			 BS_OK);
	assert_true(seq > 0);
	return seq;
}

/* Run one SQL statement on the file directly (to inspect or corrupt it). */
static void raw_exec(const char *sql)
{
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static int64_t raw_int(const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* ---- collecting ops ---- */

#define MAX_OPS 64

struct ops {
	size_t n;
	uint64_t seq[MAX_OPS];
	uint64_t base_rev[MAX_OPS];
	int state[MAX_OPS];
	int code[MAX_OPS];
	char msg[MAX_OPS][256];
	char uid[MAX_OPS][LDB_UID_MAX + 1];
	struct localdb *ack_db; /* if set, acknowledge each op while walking */
	int stop_after;         /* if > 0, return 42 after this many */
};

static int collect_op(void *ctx, const struct lop *op)
{
	struct ops *o = ctx;
	if (o->n >= MAX_OPS)
		return -1;
	o->seq[o->n] = op->seq;
	o->base_rev[o->n] = op->base_rev;
	o->state[o->n] = op->state;
	o->code[o->n] = op->error_code;
	strcpy(o->msg[o->n], op->error_msg);
	strcpy(o->uid[o->n], op->uid);
	o->n++;
	if (o->ack_db && localdb_outbox_ack(o->ack_db, op->seq, 100 + op->seq) != BS_OK)
		return -1;
	if (o->stop_after > 0 && o->n == (size_t)o->stop_after)
		return 42;
	return 0;
}

static void pending_ops(struct localdb *db, struct ops *o)
{
	memset(o, 0, sizeof *o);
	assert_int_equal(localdb_outbox_each(db, 0, UINT_MAX, collect_op, o), BS_OK);
}

static void counts(struct localdb *db, unsigned p, unsigned q, unsigned c)
{
	unsigned gp = 99, gq = 99, gc = 99;
	assert_int_equal(localdb_counts(db, &gp, &gq, &gc), BS_OK);
	assert_int_equal(gp, p);
	assert_int_equal(gq, q);
	assert_int_equal(gc, c);
}

/* ---- tests ---- */

static void test_open_reopen(void **state)
{
	struct localdb *db;
	struct stat st;
	char wal[160];
	(void)state;

	db = open_db();
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(localdb_meta_set(db, "server", "127.0.0.1:7443"), BS_OK);
	snprintf(wal, sizeof wal, "%s-wal", path);
	if (stat(wal, &st) == 0)
		assert_int_equal(st.st_mode & 0777, 0600);
	localdb_close(db);

	/* migrations are not applied twice; data survives */
	db = open_db();
	{
		char buf[64];
		assert_int_equal(localdb_meta_get(db, "server", buf, sizeof buf), BS_OK);
		assert_string_equal(buf, "127.0.0.1:7443");
	}
	localdb_close(db);
	db = open_db();
	localdb_close(db);
	assert_int_equal(raw_int("PRAGMA user_version"), 4);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM meta WHERE key = 'next_seq'"), 1);
	assert_int_equal(raw_int("SELECT COUNT(*) FROM sqlite_master WHERE name = 'outbox'"), 1);
	{
		sqlite3 *h = NULL;
		sqlite3_stmt *s = NULL;
		assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &s, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
		sqlite3_finalize(s);
		sqlite3_close(h);
	}

	/* a database from a newer program is refused, not damaged */
	raw_exec("PRAGMA user_version = 99");
	db = NULL;
	assert_int_equal(localdb_open(path, &db), BS_E_VERSION);
	assert_null(db);
	raw_exec("PRAGMA user_version = 2");

	/* an existing file others could read is tightened */
	{
		char other[160];
		FILE *f;
		snprintf(other, sizeof other, "%s/loose.db", dir);
		f = fopen(other, "w");
		assert_non_null(f);
		fclose(f);
		assert_int_equal(chmod(other, 0644), 0);
		assert_int_equal(localdb_open(other, &db), BS_OK);
		localdb_close(db);
		assert_int_equal(stat(other, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}

	assert_int_equal(localdb_open(NULL, &db), BS_E_INVAL);
	localdb_close(NULL);
}

static void test_meta(void **state)
{
	struct localdb *db = open_db();
	char buf[128], small[4];
	int64_t v = 0;
	(void)state;

	assert_int_equal(localdb_meta_get(db, "unit", buf, sizeof buf), BS_E_NOTFOUND);
	assert_int_equal(localdb_meta_set(db, "unit", "城关镇人民政府"), BS_OK);
	assert_int_equal(localdb_meta_get(db, "unit", buf, sizeof buf), BS_OK);
	assert_string_equal(buf, "城关镇人民政府");
	assert_int_equal(localdb_meta_set(db, "unit", "黄土岭乡"), BS_OK);
	assert_int_equal(localdb_meta_get(db, "unit", buf, sizeof buf), BS_OK);
	assert_string_equal(buf, "黄土岭乡");
	/* never silently cut short */
	strcpy(small, "xy");
	assert_int_equal(localdb_meta_get(db, "unit", small, sizeof small), BS_E_TOOBIG);
	assert_string_equal(small, "xy");

	assert_int_equal(localdb_meta_get_int(db, "cursor", &v), BS_E_NOTFOUND);
	assert_int_equal(localdb_meta_set_int(db, "cursor", 9007199254740993LL), BS_OK);
	assert_int_equal(localdb_meta_get_int(db, "cursor", &v), BS_OK);
	assert_true(v == 9007199254740993LL);
	assert_int_equal(localdb_meta_set_int(db, "neg", -12), BS_OK);
	assert_int_equal(localdb_meta_get_int(db, "neg", &v), BS_OK);
	assert_true(v == -12);
	v = 5;
	assert_int_equal(localdb_meta_get_int(db, "unit", &v), BS_E_INVAL);
	assert_true(v == 5);
	assert_int_equal(localdb_meta_set(db, "empty", ""), BS_OK);
	assert_int_equal(localdb_meta_get_int(db, "empty", &v), BS_E_INVAL);
	assert_int_equal(localdb_meta_get(db, "empty", buf, sizeof buf), BS_OK);
	assert_string_equal(buf, "");

	assert_int_equal(localdb_meta_set(db, "", "x"), BS_E_INVAL);
	assert_int_equal(localdb_meta_set(db, NULL, "x"), BS_E_INVAL);
	assert_int_equal(localdb_meta_set(db, "k", NULL), BS_E_INVAL);
	localdb_close(db);
}

/* One byte more than LDB_UID_MAX. */
#define UID_65 "0123456789012345678901234567890123456789012345678901234567890123X"

static void test_change_and_ack(void **state)
{
	struct localdb *db = open_db();
	struct lrecord r;
	struct ops o;
	uint64_t seq = 0;
	uint8_t big[1];
	(void)state;

	assert_int_equal(change(db, "project", "p-1", "v1", 1000), 1);
	assert_int_equal(change(db, "project", "p-1", "v2", 2000), 2);
	assert_int_equal(change(db, "project", "p-1", "v3", 3000), 3);
	pending_ops(db, &o);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.seq[0], 1);
	assert_int_equal(o.seq[1], 2);
	assert_int_equal(o.seq[2], 3);
	assert_int_equal(o.base_rev[0], 0);
	assert_int_equal(o.base_rev[1], 1);
	assert_int_equal(o.base_rev[2], 2);

	assert_int_equal(localdb_record_get(db, "p-1", &r), BS_OK);
	assert_string_equal(r.kind, "project");
	assert_string_equal(r.uid, "p-1");
	assert_int_equal(r.rev, 0);
	assert_int_equal(r.pending, 3);
	assert_int_equal(r.unit_id, 7);
	assert_int_equal(r.updated_at, 3000);
	assert_int_equal(r.data_len, 2);
	assert_memory_equal(r.data, "v3", 2);
	assert_int_equal(r.n_attachments, 0);
	assert_null(r.attachments);
	lrecord_free(&r);
	lrecord_free(&r); /* twice is harmless */
	lrecord_free(NULL);

	/* the server applied op 1 as rev 1 */
	assert_int_equal(localdb_outbox_ack(db, 1, 1), BS_OK);
	assert_int_equal(localdb_record_get(db, "p-1", &r), BS_OK);
	assert_int_equal(r.rev, 1);
	assert_int_equal(r.pending, 2);
	lrecord_free(&r);
	assert_int_equal(change(db, "project", "p-1", "v4", 4000), 4);
	pending_ops(db, &o);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.seq[2], 4);
	assert_int_equal(o.base_rev[2], 1 + 2);

	/* replayed and unknown receipts are fine and change nothing */
	assert_int_equal(localdb_outbox_ack(db, 1, 1), BS_OK);
	assert_int_equal(localdb_outbox_ack(db, 999, 50), BS_OK);
	assert_int_equal(localdb_outbox_ack(db, UINT64_MAX, 50), BS_OK);
	/* a rev is never lowered */
	assert_int_equal(localdb_outbox_ack(db, 2, 9), BS_OK);
	assert_int_equal(localdb_outbox_ack(db, 3, 4), BS_OK);
	assert_int_equal(localdb_record_get(db, "p-1", &r), BS_OK);
	assert_int_equal(r.rev, 9);
	assert_int_equal(r.pending, 1);
	assert_memory_equal(r.data, "v4", 2);
	lrecord_free(&r);
	counts(db, 1, 0, 0);

	/* bad input is refused and uses no seq */
	assert_int_equal(localdb_change(db, "", "p-2", 7, NULL, 0, NULL, 0, 0, 1, &seq),
			 BS_E_INVAL);
	assert_int_equal(localdb_change(db, "project", "", 7, NULL, 0, NULL, 0, 0, 1, &seq),
			 BS_E_INVAL);
	assert_int_equal(localdb_change(db, NULL, "p-2", 7, NULL, 0, NULL, 0, 0, 1, &seq),
			 BS_E_INVAL);
	assert_int_equal(localdb_change(db, "project", UID_65, 7, NULL, 0, NULL, 0, 0, 1, &seq),
			 BS_E_TOOBIG);
	assert_int_equal(localdb_change(db, "012345678901234567890123456789012", "p-2", 7, NULL, 0,
					NULL, 0, 0, 1, &seq),
			 BS_E_TOOBIG);
	assert_int_equal(localdb_change(db, "project", "p-2", 7, NULL, 5, NULL, 0, 0, 1, &seq),
			 BS_E_INVAL);
	assert_int_equal(localdb_change(db, "project", "p-2", 7, big, 1024 * 1024 + 1, NULL, 0, 0,
					1, &seq),
			 BS_E_TOOBIG);
	assert_int_equal(localdb_change(db, "project", "p-2", 7, NULL, 0, NULL, 2, 0, 1, &seq),
			 BS_E_INVAL);
	/* a uid keeps its kind */
	assert_int_equal(localdb_change(db, "money", "p-1", 7, NULL, 0, NULL, 0, 0, 1, &seq),
			 BS_E_INVAL);
	assert_int_equal(seq, 0);
	/* an empty body and a delete are fine */
	assert_int_equal(localdb_change(db, "project", "p-1", 7, NULL, 0, NULL, 0, 1, 5000, &seq),
			 BS_OK);
	assert_int_equal(seq, 5);
	assert_int_equal(localdb_record_get(db, "p-1", &r), BS_OK);
	assert_int_equal(r.deleted, 1);
	assert_int_equal(r.data_len, 0);
	assert_int_equal(r.rev, 9);
	lrecord_free(&r);
	assert_int_equal(localdb_record_get(db, "nope", &r), BS_E_NOTFOUND);
	localdb_close(db);
}

static void test_quarantine_discard(void **state)
{
	struct localdb *db = open_db();
	struct lrecord r;
	struct ops o;
	char longmsg[400];
	size_t i;
	(void)state;

	change(db, "project", "a", "a1", 1);
	change(db, "project", "b", "b1", 2);
	assert_int_equal(localdb_outbox_quarantine(db, 1, BS_E_FORBIDDEN, "不是本乡镇的项目"), BS_OK);
	pending_ops(db, &o);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.seq[0], 2);
	counts(db, 1, 1, 0);
	assert_int_equal(localdb_record_get(db, "a", &r), BS_OK);
	assert_int_equal(r.pending, 0);
	lrecord_free(&r);

	memset(&o, 0, sizeof o);
	assert_int_equal(localdb_quarantine_each(db, collect_op, &o), BS_OK);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.seq[0], 1);
	assert_int_equal(o.state[0], LOP_QUARANTINED);
	assert_int_equal(o.code[0], BS_E_FORBIDDEN);
	assert_string_equal(o.msg[0], "不是本乡镇的项目");
	assert_string_equal(o.uid[0], "a");

	/* a long message is cut at a character boundary */
	strcpy(longmsg, "x");
	for (i = 0; i < 100; i++)
		strcat(longmsg, "报");
	change(db, "project", "c", "c1", 3);
	assert_int_equal(localdb_outbox_quarantine(db, 3, BS_E_INVAL, longmsg), BS_OK);
	memset(&o, 0, sizeof o);
	assert_int_equal(localdb_quarantine_each(db, collect_op, &o), BS_OK);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.seq[1], 3);
	assert_int_equal(strlen(o.msg[1]), 1 + 84 * 3);
	assert_int_equal(strncmp(o.msg[1], longmsg, 1 + 84 * 3), 0);

	assert_int_equal(localdb_outbox_quarantine(db, 77, BS_E_INVAL, "x"), BS_E_NOTFOUND);
	/* only a quarantined op can be discarded */
	assert_int_equal(localdb_outbox_discard(db, 2), BS_E_STATE);
	assert_int_equal(localdb_outbox_discard(db, 1), BS_OK);
	assert_int_equal(localdb_outbox_discard(db, 1), BS_E_NOTFOUND);
	assert_int_equal(localdb_outbox_discard(db, 3), BS_OK);
	counts(db, 1, 0, 0);
	/* the next op still follows on */
	assert_int_equal(change(db, "project", "d", "d1", 4), 4);
	localdb_close(db);
}

/* After BS_E_SEQ_REUSED: ops from a seq on move up in order, their
 * attachment rows with them; next_seq follows; earlier ops stay. */
static void test_renumber(void **state)
{
	struct localdb *db = open_db();
	uint8_t h[2][LDB_HASH_LEN];
	struct ops o;
	unsigned moved = 99;
	uint64_t seq = 0;
	(void)state;

	memset(h[0], 0x11, LDB_HASH_LEN);
	memset(h[1], 0x22, LDB_HASH_LEN);
	change(db, "project", "a", "a1", 1);                     /* 1: refused by the server */
	assert_int_equal(localdb_outbox_quarantine(db, 1, BS_E_FORBIDDEN, "x"), BS_OK);
	change(db, "project", "b", "b1", 2);                     /* 2 */
	assert_int_equal(localdb_change(db, "weekly_report", "c", 7, (const uint8_t *)"c1", 2,
					(const uint8_t(*)[LDB_HASH_LEN])h, 2, 0, 3, &seq),
			 BS_OK);                                   /* 3, two photos */
	change(db, "project", "b", "b2", 4);                     /* 4 */

	/* The server holds 5 ops of this key; ours from 2 on are other changes. */
	assert_int_equal(localdb_outbox_renumber(db, 2, 6, &moved), BS_OK);
	assert_int_equal(moved, 3);
	pending_ops(db, &o);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.seq[0], 6);
	assert_string_equal(o.uid[0], "b");
	assert_int_equal(o.seq[1], 7);
	assert_string_equal(o.uid[1], "c");
	assert_int_equal(o.seq[2], 8);
	assert_int_equal(o.base_rev[2], 1); /* b's second change still follows its first */
	assert_int_equal(raw_int("SELECT length(attachments) FROM outbox WHERE seq = 7"),
			 2 * LDB_HASH_LEN);
	assert_int_equal(raw_int("SELECT count(*) FROM outbox_attachment WHERE seq = 7"), 2);
	assert_int_equal(raw_int("SELECT count(*) FROM outbox_attachment WHERE seq <> 7"), 0);
	counts(db, 3, 1, 0);
	memset(&o, 0, sizeof o);
	assert_int_equal(localdb_quarantine_each(db, collect_op, &o), BS_OK);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.seq[0], 1);
	assert_int_equal(change(db, "project", "d", "d1", 5), 9);

	/* Nothing at or after from: only next_seq moves (never down). */
	assert_int_equal(localdb_outbox_renumber(db, 20, 20, &moved), BS_OK);
	assert_int_equal(moved, 0);
	assert_int_equal(change(db, "project", "e", "e1", 6), 20);
	assert_int_equal(localdb_outbox_renumber(db, 3, 3, &moved), BS_OK);
	assert_int_equal(moved, 0);
	assert_int_equal(change(db, "project", "f", "f1", 7), 21);
	assert_int_equal(localdb_outbox_renumber(db, 0, 3, &moved), BS_E_INVAL);
	assert_int_equal(raw_int("SELECT count(*) FROM pragma_foreign_key_check"), 0);
	localdb_close(db);
}

static struct lrecord server_rec(const char *kind, const char *uid, uint64_t rev, const char *text,
				 int deleted)
{
	struct lrecord r;
	memset(&r, 0, sizeof r);
	strcpy(r.kind, kind);
	strcpy(r.uid, uid);
	r.unit_id = 12;
	r.rev = rev;
	r.deleted = deleted;
	r.updated_at = 777;
	r.data = (uint8_t *)(uintptr_t)text;
	r.data_len = strlen(text);
	return r;
}

struct conflicts {
	size_t n;
	uint64_t seq[8];
};

static int collect_conflict(void *ctx, const struct lconflict *c)
{
	struct conflicts *cs = ctx;
	if (cs->n < 8)
		cs->seq[cs->n++] = c->seq;
	return 0;
}

static void test_conflict(void **state)
{
	struct localdb *db = open_db();
	struct lrecord r, srv;
	struct lconflict c;
	struct conflicts cs;
	uint8_t att[2][LDB_HASH_LEN];
	(void)state;

	memset(att, 0xab, sizeof att);
	att[1][0] = 1;
	change(db, "project", "a", "mine", 10);
	srv = server_rec("project", "a", 5, "theirs", 0);
	srv.attachments = att;
	srv.n_attachments = 2;
	assert_int_equal(localdb_outbox_conflict(db, 1, &srv), BS_OK);
	counts(db, 0, 0, 1);
	assert_int_equal(localdb_conflict_get(db, 1, &c), BS_OK);
	assert_int_equal(c.seq, 1);
	assert_string_equal(c.kind, "project");
	assert_string_equal(c.uid, "a");
	assert_int_equal(c.mine_len, 4);
	assert_memory_equal(c.mine, "mine", 4);
	assert_int_equal(c.server_rev, 5);
	assert_int_equal(c.theirs_len, 6);
	assert_memory_equal(c.theirs, "theirs", 6);
	assert_true(c.created_at > 0);
	lconflict_free(&c);
	lconflict_free(&c);
	/* the device now shows the server's version */
	assert_int_equal(localdb_record_get(db, "a", &r), BS_OK);
	assert_int_equal(r.rev, 5);
	assert_int_equal(r.unit_id, 12);
	assert_int_equal(r.pending, 0);
	assert_int_equal(r.data_len, 6);
	assert_memory_equal(r.data, "theirs", 6);
	assert_int_equal(r.n_attachments, 2);
	assert_memory_equal(r.attachments, att, sizeof att);
	lrecord_free(&r);
	/* a replayed conflict is fine; an unknown op is not */
	assert_int_equal(localdb_outbox_conflict(db, 1, &srv), BS_OK);
	assert_int_equal(localdb_outbox_conflict(db, 50, &srv), BS_E_NOTFOUND);
	counts(db, 0, 0, 1);

	/* with a later op still pending, its local data stays; rev is raised */
	change(db, "project", "b", "b1", 20);
	change(db, "project", "b", "b2", 21);
	srv = server_rec("project", "b", 8, "server-b", 1);
	assert_int_equal(localdb_outbox_conflict(db, 2, &srv), BS_OK);
	assert_int_equal(localdb_record_get(db, "b", &r), BS_OK);
	assert_int_equal(r.rev, 8);
	assert_int_equal(r.deleted, 0);
	assert_int_equal(r.pending, 1);
	assert_memory_equal(r.data, "b2", 2);
	lrecord_free(&r);
	/* the server's uid must be the op's */
	change(db, "project", "c", "c1", 30);
	srv = server_rec("project", "other", 8, "x", 0);
	assert_int_equal(localdb_outbox_conflict(db, 4, &srv), BS_E_INVAL);
	counts(db, 2, 0, 2);

	memset(&cs, 0, sizeof cs);
	assert_int_equal(localdb_conflict_each(db, collect_conflict, &cs), BS_OK);
	assert_int_equal(cs.n, 2);
	assert_int_equal(cs.seq[0], 1);
	assert_int_equal(cs.seq[1], 2);
	assert_int_equal(localdb_conflict_delete(db, 1), BS_OK);
	assert_int_equal(localdb_conflict_delete(db, 1), BS_E_NOTFOUND);
	assert_int_equal(localdb_conflict_get(db, 1, &c), BS_E_NOTFOUND);
	counts(db, 2, 0, 1);
	localdb_close(db);
}

static void test_apply_remote(void **state)
{
	struct localdb *db = open_db();
	struct lrecord r, srv;
	(void)state;

	/* a new record */
	srv = server_rec("project", "x", 3, "s3", 0);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	assert_int_equal(localdb_record_get(db, "x", &r), BS_OK);
	assert_int_equal(r.rev, 3);
	assert_int_equal(r.unit_id, 12);
	assert_int_equal(r.updated_at, 777);
	assert_memory_equal(r.data, "s3", 2);
	lrecord_free(&r);
	/* older: ignored */
	srv = server_rec("project", "x", 2, "s2", 0);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	assert_int_equal(localdb_record_get(db, "x", &r), BS_OK);
	assert_int_equal(r.rev, 3);
	assert_memory_equal(r.data, "s3", 2);
	lrecord_free(&r);
	/* the same revision with other data, nothing of this device waiting:
	 * the device shows what the server holds (a wrong local copy repaired) */
	srv = server_rec("project", "x", 3, "zz", 0);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	assert_int_equal(localdb_record_get(db, "x", &r), BS_OK);
	assert_int_equal(r.rev, 3);
	assert_memory_equal(r.data, "zz", 2);
	lrecord_free(&r);
	srv = server_rec("project", "x", 3, "s3", 0);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	/* newer: replaces, deletes too */
	srv = server_rec("project", "x", 4, "s4!", 1);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	assert_int_equal(localdb_record_get(db, "x", &r), BS_OK);
	assert_int_equal(r.rev, 4);
	assert_int_equal(r.deleted, 1);
	assert_int_equal(r.data_len, 3);
	lrecord_free(&r);
	/* local pending change: keep local data, raise rev */
	assert_int_equal(change(db, "project", "x", "local", 900), 1);
	srv = server_rec("project", "x", 6, "s6", 0);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	assert_int_equal(localdb_record_get(db, "x", &r), BS_OK);
	assert_int_equal(r.rev, 6);
	assert_int_equal(r.deleted, 0);
	assert_int_equal(r.pending, 1);
	assert_int_equal(r.data_len, 5);
	assert_memory_equal(r.data, "local", 5);
	lrecord_free(&r);
	/* a refused (quarantined) op: the record stays marked with the
	 * refused data until a person acts; the server's copy is kept */
	assert_int_equal(localdb_outbox_quarantine(db, 1, BS_E_INVAL, "bad"), BS_OK);
	srv = server_rec("project", "x", 7, "s7", 0);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	assert_int_equal(localdb_record_get(db, "x", &r), BS_OK);
	assert_int_equal(r.rev, 7);
	assert_int_equal(r.refused, 1);
	assert_int_equal(r.pending, 0);
	assert_memory_equal(r.data, "local", 5);
	lrecord_free(&r);
	{
		unsigned n = 9;
		int how = 0;
		/* a repair leaves a record with a refused change alone */
		assert_int_equal(localdb_repair(db, &n), BS_OK);
		assert_int_equal(n, 0);
		/* discard: the server's version is back */
		assert_int_equal(localdb_outbox_discard(db, 1), BS_OK);
		assert_int_equal(localdb_record_restore(db, "x", &how), BS_OK);
		assert_int_equal(how, LDB_RESTORED);
		assert_int_equal(localdb_record_get(db, "x", &r), BS_OK);
		assert_int_equal(r.refused, 0);
		assert_int_equal(r.rev, 7);
		assert_memory_equal(r.data, "s7", 2);
		lrecord_free(&r);
		/* a local copy that differs with nothing waiting is repaired */
		raw_exec("UPDATE record SET data = x'7878' WHERE uid = 'x'");
		assert_int_equal(localdb_repair(db, &n), BS_OK);
		assert_int_equal(n, 1);
		assert_int_equal(localdb_record_get(db, "x", &r), BS_OK);
		assert_memory_equal(r.data, "s7", 2);
		lrecord_free(&r);
		/* a change that was created here and refused: discard removes it */
		assert_int_equal(change(db, "project", "new", "n1", 901), 2);
		assert_int_equal(localdb_outbox_quarantine(db, 2, BS_E_INVAL, "bad"), BS_OK);
		assert_int_equal(localdb_outbox_discard(db, 2), BS_OK);
		assert_int_equal(localdb_record_restore(db, "new", &how), BS_OK);
		assert_int_equal(how, LDB_REMOVED);
		assert_int_equal(localdb_record_get(db, "new", &r), BS_E_NOTFOUND);
	}

	srv = server_rec("project", "", 7, "s7", 0);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_E_INVAL);
	srv = server_rec("project", "y", 7, "s7", 0);
	srv.data_len = 1024 * 1024 + 1;
	assert_int_equal(localdb_apply_remote(db, &srv), BS_E_TOOBIG);
	assert_int_equal(localdb_apply_remote(db, NULL), BS_E_INVAL);
	localdb_close(db);
}

/* A server record carrying a review state. */
static struct lrecord reviewed_rec(const char *uid, uint64_t rev, const char *text, int status,
				   const char *comment, int locked)
{
	struct lrecord r = server_rec("weekly_report", uid, rev, text, 0);
	r.review_status = status;
	snprintf(r.review_comment, sizeof r.review_comment, "%s", comment);
	r.created_at = 1000 + (int64_t)rev;
	r.reviewed_at = status >= 2 ? 2000 + (int64_t)rev : 0;
	r.locked = locked;
	return r;
}

static void assert_review(struct localdb *db, const char *uid, uint64_t rev, int status,
			  const char *comment, int64_t created, int locked)
{
	struct lrecord r;
	assert_int_equal(localdb_record_get(db, uid, &r), BS_OK);
	assert_int_equal(r.rev, rev);
	assert_int_equal(r.review_status, status);
	assert_string_equal(r.review_comment, comment);
	assert_int_equal(r.created_at, created);
	assert_int_equal(r.locked, locked);
	lrecord_free(&r);
}

struct review_walk {
	size_t n;
	int status[8];
	char comment[8][sizeof(((struct lrecord *)0)->review_comment)];
};

static int collect_review(void *ctx, const struct lrecord *r)
{
	struct review_walk *w = ctx;
	if (w->n >= 8)
		return -1;
	w->status[w->n] = r->review_status;
	snprintf(w->comment[w->n], sizeof w->comment[0], "%s", r->review_comment);
	w->n++;
	return 0;
}

/* The server's review state (migration 2): stored by apply_remote, kept
 * by local changes, taken alongside pending local data, read by get and
 * each, stored by a conflict. */
static void test_review_fields(void **state)
{
	struct localdb *db = open_db();
	struct lrecord r, srv;
	struct review_walk w;
	char longc[sizeof r.review_comment];
	size_t i;
	(void)state;

	/* a new record never from the server has none */
	change(db, "weekly_report", "local", "l1", 5);
	assert_review(db, "local", 0, 0, "", 0, 0);

	/* submitted, then returned at the same revision */
	srv = reviewed_rec("w", 3, "s3", 1, "", 0);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	assert_review(db, "w", 3, 1, "", 1003, 0);
	srv = reviewed_rec("w", 3, "s3", 2, "本年累计投资与上周不符，请核实", 0);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	assert_review(db, "w", 3, 2, "本年累计投资与上周不符，请核实", 1003, 0);
	assert_int_equal(localdb_record_get(db, "w", &r), BS_OK);
	assert_memory_equal(r.data, "s3", 2);
	assert_int_equal(r.reviewed_at, 2003);
	lrecord_free(&r);

	/* a local correction keeps the server's review state until it answers */
	assert_int_equal(change(db, "weekly_report", "w", "fixed", 10), 2);
	assert_review(db, "w", 3, 2, "本年累计投资与上周不符，请核实", 1003, 0);
	/* a newer revision while the correction is pending: local data stays,
	 * rev and review state are the server's */
	srv = reviewed_rec("w", 4, "s4", 3, "", 1);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	assert_review(db, "w", 4, 3, "", 1004, 1);
	assert_int_equal(localdb_record_get(db, "w", &r), BS_OK);
	assert_int_equal(r.pending, 1);
	assert_memory_equal(r.data, "fixed", 5);
	lrecord_free(&r);
	/* an older version changes nothing */
	srv = reviewed_rec("w", 2, "s2", 2, "old", 0);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	assert_review(db, "w", 4, 3, "", 1004, 1);

	/* a newer version without pending ops replaces everything */
	srv = reviewed_rec("x", 1, "x1", 2, "缺少现场照片", 0);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	srv = reviewed_rec("x", 2, "x2", 1, "", 0);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	assert_review(db, "x", 2, 1, "", 1002, 0);

	/* each reads them too */
	srv = reviewed_rec("y", 1, "y1", 2, "退回", 0);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	memset(&w, 0, sizeof w);
	assert_int_equal(localdb_record_each(db, "weekly_report", 0, collect_review, &w), BS_OK);
	assert_int_equal(w.n, 4);
	for (i = 0; i < w.n && strcmp(w.comment[i], "退回") != 0; i++)
		;
	assert_true(i < w.n);
	assert_int_equal(w.status[i], 2);

	/* a comment filling the whole array, unterminated, ending in a cut
	 * character: stored without the partial character */
	for (i = 0; i + 3 <= sizeof longc; i += 3)
		memcpy(longc + i, "退", 3);
	memcpy(longc + i, "退", sizeof longc - i);
	srv = reviewed_rec("z", 1, "z1", 2, "", 0);
	memcpy(srv.review_comment, longc, sizeof longc);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	assert_int_equal(localdb_record_get(db, "z", &r), BS_OK);
	assert_int_equal(strlen(r.review_comment), 510); /* 170 whole characters */
	lrecord_free(&r);
	/* and one terminated right after a cut character */
	srv = reviewed_rec("z", 1, "z1", 2, "退回", 0);
	srv.review_comment[4] = '\0';
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	assert_review(db, "z", 1, 2, "退", 1001, 0);

	/* a conflict stores the server's review state with its data ... */
	change(db, "weekly_report", "c", "mine", 20);
	srv = reviewed_rec("c", 5, "theirs", 3, "", 1);
	assert_int_equal(localdb_outbox_conflict(db, 3, &srv), BS_OK);
	assert_review(db, "c", 5, 3, "", 1005, 1);
	/* ... and, with a later op pending, alongside the local data */
	change(db, "weekly_report", "d", "d1", 30);
	change(db, "weekly_report", "d", "d2", 31);
	srv = reviewed_rec("d", 6, "server-d", 2, "请补充说明", 0);
	assert_int_equal(localdb_outbox_conflict(db, 4, &srv), BS_OK);
	assert_review(db, "d", 6, 2, "请补充说明", 1006, 0);
	assert_int_equal(localdb_record_get(db, "d", &r), BS_OK);
	assert_memory_equal(r.data, "d2", 2);
	lrecord_free(&r);
	localdb_close(db);
}

/* A version 1 database gains the review columns, its records keep their
 * data and read back with no review state. */
static void test_migration_2(void **state)
{
	struct localdb *db = open_db();
	(void)state;

	change(db, "project", "old", "v1 data", 1);
	localdb_close(db);
	raw_exec("ALTER TABLE record DROP COLUMN review_status;"
		 "ALTER TABLE record DROP COLUMN review_comment;"
		 "ALTER TABLE record DROP COLUMN created_at;"
		 "ALTER TABLE record DROP COLUMN reviewed_at;"
		 "ALTER TABLE record DROP COLUMN locked;"
		 "ALTER TABLE record DROP COLUMN srv_rev;"
		 "ALTER TABLE record DROP COLUMN srv_deleted;"
		 "ALTER TABLE record DROP COLUMN srv_data;"
		 "ALTER TABLE record DROP COLUMN srv_attachments;"
		 "ALTER TABLE outbox DROP COLUMN base_data;"
		 "ALTER TABLE outbox DROP COLUMN base_attachments;"
		 "ALTER TABLE conflict DROP COLUMN base;"
		 "ALTER TABLE record DROP COLUMN complete_at;"
		 "PRAGMA user_version = 1;");
	db = open_db();
	assert_int_equal(raw_int("PRAGMA user_version"), 4);
	assert_review(db, "old", 0, 0, "", 0, 0);
	{
		struct lrecord r;
		assert_int_equal(localdb_record_get(db, "old", &r), BS_OK);
		assert_int_equal(r.data_len, 7);
		assert_memory_equal(r.data, "v1 data", 7);
		assert_int_equal(r.pending, 1);
		lrecord_free(&r);
	}
	localdb_close(db);
	/* a damaged review column is refused, not trusted */
	raw_exec("UPDATE record SET review_comment = x'00ff' WHERE uid = 'old'");
	db = open_db();
	{
		struct lrecord r;
		assert_int_equal(localdb_record_get(db, "old", &r), BS_E_INVAL);
	}
	localdb_close(db);
}

static void test_outbox_paging(void **state)
{
	struct localdb *db = open_db();
	struct ops o;
	char uid[16];
	int i;
	(void)state;

	for (i = 0; i < 10; i++) {
		snprintf(uid, sizeof uid, "r%d", i % 3);
		assert_int_equal(change(db, "project", uid, "d", i), (uint64_t)i + 1);
	}
	memset(&o, 0, sizeof o);
	assert_int_equal(localdb_outbox_each(db, 0, 4, collect_op, &o), BS_OK);
	assert_int_equal(o.n, 4);
	assert_int_equal(o.seq[0], 1);
	assert_int_equal(o.seq[3], 4);
	memset(&o, 0, sizeof o);
	assert_int_equal(localdb_outbox_each(db, 4, 4, collect_op, &o), BS_OK);
	assert_int_equal(o.n, 4);
	assert_int_equal(o.seq[0], 5);
	assert_int_equal(o.seq[3], 8);
	memset(&o, 0, sizeof o);
	assert_int_equal(localdb_outbox_each(db, 8, 4, collect_op, &o), BS_OK);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.seq[1], 10);
	memset(&o, 0, sizeof o);
	assert_int_equal(localdb_outbox_each(db, 10, 4, collect_op, &o), BS_OK);
	assert_int_equal(o.n, 0);
	assert_int_equal(localdb_outbox_each(db, 0, 0, collect_op, &o), BS_OK);
	assert_int_equal(o.n, 0);
	/* base revs per uid: r0 has ops 1,4,7,10 */
	pending_ops(db, &o);
	assert_int_equal(o.base_rev[0], 0);
	assert_int_equal(o.base_rev[3], 1);
	assert_int_equal(o.base_rev[6], 2);
	assert_int_equal(o.base_rev[9], 3);

	/* a non-zero return stops the walk and is passed back */
	memset(&o, 0, sizeof o);
	o.stop_after = 3;
	assert_int_equal(localdb_outbox_each(db, 0, 100, collect_op, &o), 42);
	assert_int_equal(o.n, 3);
	/* and the iterator is usable again afterwards */
	memset(&o, 0, sizeof o);
	assert_int_equal(localdb_outbox_each(db, 0, 100, collect_op, &o), BS_OK);
	assert_int_equal(o.n, 10);

	/* acknowledging from inside the walk (what the sync engine does) */
	memset(&o, 0, sizeof o);
	o.ack_db = db;
	assert_int_equal(localdb_outbox_each(db, 0, 5, collect_op, &o), BS_OK);
	assert_int_equal(o.n, 5);
	counts(db, 5, 0, 0);
	pending_ops(db, &o);
	assert_int_equal(o.seq[0], 6);
	localdb_close(db);
}

struct recs {
	size_t n;
	char uid[16][LDB_UID_MAX + 1];
};

static int collect_rec(void *ctx, const struct lrecord *r)
{
	struct recs *rs = ctx;
	if (rs->n >= 16)
		return -1;
	strcpy(rs->uid[rs->n++], r->uid);
	return 0;
}

static void test_record_each(void **state)
{
	struct localdb *db = open_db();
	struct recs rs;
	uint64_t seq;
	(void)state;

	change(db, "project", "p-b", "x", 300);
	change(db, "project", "p-a", "x", 300);
	change(db, "project", "p-c", "x", 100);
	change(db, "money", "m-1", "x", 999);
	assert_int_equal(localdb_change(db, "project", "p-dead", 7, NULL, 0, NULL, 0, 1, 50, &seq),
			 BS_OK);

	memset(&rs, 0, sizeof rs);
	assert_int_equal(localdb_record_each(db, NULL, 0, collect_rec, &rs), BS_OK);
	assert_int_equal(rs.n, 4);
	assert_string_equal(rs.uid[0], "m-1");
	assert_string_equal(rs.uid[1], "p-c");
	assert_string_equal(rs.uid[2], "p-a");
	assert_string_equal(rs.uid[3], "p-b");

	memset(&rs, 0, sizeof rs);
	assert_int_equal(localdb_record_each(db, "project", 1, collect_rec, &rs), BS_OK);
	assert_int_equal(rs.n, 4);
	assert_string_equal(rs.uid[0], "p-dead");
	assert_string_equal(rs.uid[1], "p-c");

	memset(&rs, 0, sizeof rs);
	assert_int_equal(localdb_record_each(db, "money", 1, collect_rec, &rs), BS_OK);
	assert_int_equal(rs.n, 1);
	memset(&rs, 0, sizeof rs);
	assert_int_equal(localdb_record_each(db, "none", 1, collect_rec, &rs), BS_OK);
	assert_int_equal(rs.n, 0);
	localdb_close(db);
}

struct files {
	size_t n;
	uint8_t hash[8][LDB_HASH_LEN];
	char path[8][64];
	uint64_t size[8];
};

static int collect_file(void *ctx, const uint8_t hash[LDB_HASH_LEN], const char *p,
			uint64_t size)
{
	struct files *fs = ctx;
	if (fs->n >= 8)
		return -1;
	memcpy(fs->hash[fs->n], hash, LDB_HASH_LEN);
	snprintf(fs->path[fs->n], sizeof fs->path[0], "%s", p);
	fs->size[fs->n] = size;
	fs->n++;
	return 0;
}

static void test_files(void **state)
{
	struct localdb *db = open_db();
	uint8_t h[4][LDB_HASH_LEN];
	uint8_t att[3][LDB_HASH_LEN];
	struct files fs;
	struct lrecord r;
	char p[64], tiny[4];
	uint64_t size = 0, seq = 0;
	int i;
	(void)state;

	for (i = 0; i < 4; i++)
		memset(h[i], 0x10 * (i + 1), LDB_HASH_LEN);
	assert_int_equal(localdb_file_get(db, h[0], p, sizeof p, &size), BS_E_NOTFOUND);
	assert_int_equal(localdb_file_add(db, h[0], "/data/附件/合同.pdf", 1234), BS_OK);
	assert_int_equal(localdb_file_add(db, h[1], "/data/b.jpg", 99), BS_OK);
	assert_int_equal(localdb_file_add(db, h[2], "/data/c.xlsx", 5), BS_OK);
	assert_int_equal(localdb_file_get(db, h[0], p, sizeof p, &size), BS_OK);
	assert_string_equal(p, "/data/附件/合同.pdf");
	assert_int_equal(size, 1234);
	strcpy(tiny, "no");
	assert_int_equal(localdb_file_get(db, h[0], tiny, sizeof tiny, &size), BS_E_TOOBIG);
	assert_string_equal(tiny, "no");
	assert_int_equal(localdb_file_add(db, h[3], "", 1), BS_E_INVAL);

	/* an op referring to h0, h1 and h3 (h3 has no file here), h1 twice */
	memcpy(att[0], h[1], LDB_HASH_LEN);
	memcpy(att[1], h[0], LDB_HASH_LEN);
	memcpy(att[2], h[3], LDB_HASH_LEN);
	assert_int_equal(localdb_change(db, "project", "p", 1, (const uint8_t *)"d", 1,
					(const uint8_t(*)[LDB_HASH_LEN])att, 3, 0, 1, &seq),
			 BS_OK);
	memcpy(att[2], h[1], LDB_HASH_LEN);
	assert_int_equal(localdb_change(db, "project", "p", 1, (const uint8_t *)"d", 1,
					(const uint8_t(*)[LDB_HASH_LEN])att, 3, 0, 2, &seq),
			 BS_OK);
	assert_int_equal(localdb_record_get(db, "p", &r), BS_OK);
	assert_int_equal(r.n_attachments, 3);
	assert_memory_equal(r.attachments, att, sizeof att);
	lrecord_free(&r);

	memset(&fs, 0, sizeof fs);
	assert_int_equal(localdb_file_each_unsent(db, collect_file, &fs), BS_OK);
	assert_int_equal(fs.n, 2);
	assert_memory_equal(fs.hash[0], h[0], LDB_HASH_LEN);
	assert_string_equal(fs.path[0], "/data/附件/合同.pdf");
	assert_int_equal(fs.size[0], 1234);
	assert_memory_equal(fs.hash[1], h[1], LDB_HASH_LEN);

	assert_int_equal(localdb_file_set_uploaded(db, h[0]), BS_OK);
	assert_int_equal(localdb_file_set_uploaded(db, h[0]), BS_OK);
	assert_int_equal(localdb_file_set_uploaded(db, h[3]), BS_E_NOTFOUND);
	memset(&fs, 0, sizeof fs);
	assert_int_equal(localdb_file_each_unsent(db, collect_file, &fs), BS_OK);
	assert_int_equal(fs.n, 1);
	assert_memory_equal(fs.hash[0], h[1], LDB_HASH_LEN);

	/* once no pending op refers to a file it is not sent */
	assert_int_equal(localdb_outbox_quarantine(db, 1, BS_E_INVAL, "x"), BS_OK);
	assert_int_equal(localdb_outbox_ack(db, 2, 1), BS_OK);
	memset(&fs, 0, sizeof fs);
	assert_int_equal(localdb_file_each_unsent(db, collect_file, &fs), BS_OK);
	assert_int_equal(fs.n, 0);
	localdb_close(db);
}

/* What is read back is checked, not trusted. */
static void test_corrupt_readback(void **state)
{
	struct localdb *db = open_db();
	struct lrecord r;
	struct ops o;
	(void)state;

	change(db, "project", "a", "x", 1);
	change(db, "project", "b", "x", 2);
	change(db, "project", "c", "x", 3);
	localdb_close(db);
	raw_exec("UPDATE record SET attachments = zeroblob(31) WHERE uid = 'a';"
		 "UPDATE record SET data = zeroblob(1048577) WHERE uid = 'b';"
		 "UPDATE record SET kind = 'k0123456789012345678901234567890123' WHERE uid = 'c';"
		 "UPDATE outbox SET data = 'text, not a blob' WHERE seq = 2;");
	db = open_db();
	assert_int_equal(localdb_record_get(db, "a", &r), BS_E_INVAL);
	assert_int_equal(localdb_record_get(db, "b", &r), BS_E_INVAL);
	assert_int_equal(localdb_record_get(db, "c", &r), BS_E_INVAL);
	memset(&o, 0, sizeof o);
	assert_int_equal(localdb_outbox_each(db, 0, 10, collect_op, &o), BS_E_INVAL);
	assert_int_equal(o.n, 1);
	localdb_close(db);
}

/* The caller's transaction groups changes; a change refused inside it does
 * not undo the others. */
static void test_transactions(void **state)
{
	struct localdb *db = open_db();
	struct lrecord r;
	uint64_t seq = 0;
	(void)state;

	assert_int_equal(localdb_begin(db), BS_OK);
	change(db, "project", "a", "x", 1);
	change(db, "project", "b", "x", 1);
	assert_int_equal(localdb_rollback(db), BS_OK);
	counts(db, 0, 0, 0);
	assert_int_equal(localdb_record_get(db, "a", &r), BS_E_NOTFOUND);
	assert_int_equal(localdb_rollback(db), BS_OK); /* none open: no-op */

	assert_int_equal(localdb_begin(db), BS_OK);
	assert_int_equal(change(db, "project", "a", "x", 1), 1);
	assert_int_equal(localdb_change(db, "money", "a", 7, NULL, 0, NULL, 0, 0, 1, &seq),
			 BS_E_INVAL);
	assert_int_equal(change(db, "project", "c", "x", 1), 2);
	assert_int_equal(localdb_commit(db), BS_OK);
	counts(db, 2, 0, 0);
	assert_int_equal(localdb_commit(db), BS_E_DB); /* none open */
	localdb_close(db);
}

/* ---- kill -9 at a random moment ---- */

#define CRASH_UIDS 5

/* In the child: change records until killed.  Writes one byte to fd after
 * the first change.  Never returns. */
static void crash_child(int fd)
{
	struct localdb *db = NULL;
	uint8_t buf[3000];
	uint8_t att[2][LDB_HASH_LEN];
	unsigned i;

	if (localdb_open(path, &db) != BS_OK)
		_exit(2);
	memset(att, 0x5a, sizeof att);
	for (i = 0; i < 1000000; i++) {
		char uid[16];
		size_t len = 1 + (i * 977u) % sizeof buf;
		uint64_t seq;
		memset(buf, (int)(i & 0xff), len);
		att[0][0] = (uint8_t)i;
		snprintf(uid, sizeof uid, "u%u", i % CRASH_UIDS);
		if (localdb_change(db, "project", uid, 3, buf, len,
				   (const uint8_t(*)[LDB_HASH_LEN])att, i % 3, (i % 11) == 10,
				   (int64_t)i, &seq) != BS_OK)
			_exit(3);
		if (i == 0 && write(fd, "x", 1) != 1)
			_exit(4);
	}
	_exit(0);
}

struct crash_check {
	uint64_t expect_seq;
	/* per uid: ops seen, and the last op's data */
	uint64_t nops[CRASH_UIDS];
	uint8_t last[CRASH_UIDS][3000];
	size_t last_len[CRASH_UIDS];
	int last_deleted[CRASH_UIDS];
	int bad;
};

static int crash_op(void *ctx, const struct lop *op)
{
	struct crash_check *cc = ctx;
	unsigned u;
	if (op->seq != cc->expect_seq || sscanf(op->uid, "u%u", &u) != 1 || u >= CRASH_UIDS ||
	    op->data_len > sizeof cc->last[0]) {
		cc->bad = 1;
		return -1;
	}
	/* nothing was acknowledged: the k-th op on a record is based on k - 1 */
	if (op->base_rev != cc->nops[u])
		cc->bad = 2;
	cc->nops[u]++;
	memcpy(cc->last[u], op->data, op->data_len);
	cc->last_len[u] = op->data_len;
	cc->last_deleted[u] = op->deleted;
	cc->expect_seq++;
	return 0;
}

static int crash_rec(void *ctx, const struct lrecord *r)
{
	struct crash_check *cc = ctx;
	unsigned u;
	if (sscanf(r->uid, "u%u", &u) != 1 || u >= CRASH_UIDS) {
		cc->bad = 3;
		return -1;
	}
	/* every record has its ops, and shows the last one's data */
	if (r->pending == 0 || r->pending != cc->nops[u] || r->data_len != cc->last_len[u] ||
	    memcmp(r->data, cc->last[u], r->data_len) != 0 || r->deleted != cc->last_deleted[u])
		cc->bad = 4;
	return 0;
}

static void check_after_crash(uint64_t *total)
{
	struct localdb *db = open_db();
	struct crash_check *cc = calloc(1, sizeof *cc);
	unsigned p = 0, u, held = 0;
	int64_t next = 0;

	assert_non_null(cc);
	cc->expect_seq = 1;
	assert_int_equal(localdb_outbox_each(db, 0, UINT_MAX, crash_op, cc), BS_OK);
	assert_int_equal(cc->bad, 0);
	assert_int_equal(localdb_record_each(db, NULL, 1, crash_rec, cc), BS_OK);
	assert_int_equal(cc->bad, 0);
	/* gap-free from 1, and the next seq follows the last */
	assert_int_equal(localdb_meta_get_int(db, "next_seq", &next), BS_OK);
	assert_int_equal((uint64_t)next, cc->expect_seq);
	assert_int_equal(localdb_counts(db, &p, NULL, NULL), BS_OK);
	assert_int_equal(p, cc->expect_seq - 1);
	for (u = 0; u < CRASH_UIDS; u++)
		held += cc->nops[u] > 0;
	assert_int_equal(raw_int("SELECT COUNT(*) FROM record"), held);
	/* the attachment side table matches the ops */
	assert_int_equal(raw_int("SELECT COUNT(*) FROM outbox_attachment a "
				 "LEFT JOIN outbox o ON o.seq = a.seq WHERE o.seq IS NULL"),
			 0);
	assert_true(cc->expect_seq - 1 >= *total);
	*total = cc->expect_seq - 1;
	free(cc);
	localdb_close(db);
}

static void test_crash_kill9(void **state)
{
	uint64_t total = 0;
	int round;
	(void)state;

	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	for (round = 0; round < 6; round++) {
		int fds[2], status = 0;
		char c;
		pid_t pid;

		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			crash_child(fds[1]);
		}
		close(fds[1]);
		assert_int_equal(read(fds[0], &c, 1), 1);
		close(fds[0]);
		usleep((useconds_t)(rand() % 40000));
		assert_int_equal(kill(pid, SIGKILL), 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		check_after_crash(&total);
	}
	assert_true(total >= 6);
}


/* ---- conflicts merged by field ---- */

/* A packed Project (name, leader, annual plan); the caller frees it. */
static uint8_t *proj(const char *name, const char *leader, int64_t annual, size_t *len)
{
	Baosong__V1__Project p = BAOSONG__V1__PROJECT__INIT;
	uint8_t *buf;
	p.name = (char *)name;
	p.leader = (char *)leader;
	p.annual_plan_fen = annual;
	*len = baosong__v1__project__get_packed_size(&p);
	buf = malloc(*len ? *len : 1);
	assert_non_null(buf);
	baosong__v1__project__pack(&p, buf);
	return buf;
}

static Baosong__V1__Project *unproj(const uint8_t *data, size_t len)
{
	Baosong__V1__Project *p = baosong__v1__project__unpack(NULL, len, data);
	assert_non_null(p);
	return p;
}

static void test_merge3(void **state)
{
	size_t lb, lm, lt;
	uint8_t *b = proj("厂房", "王五", 100, &lb);
	uint8_t *m = proj("厂房", "张三", 100, &lm);  /* mine: the leader */
	uint8_t *t = proj("厂房", "王五", 200, &lt);  /* theirs: the annual plan */
	uint8_t *t2 = proj("厂房", "李四", 300, &lt); /* theirs: both */
	unsigned char pick[MERGE_FIELDS_MAX];
	struct merge_result r;
	Baosong__V1__Project *p;
	(void)state;

	/* different fields: both kept, no conflict */
	free(t);
	t = proj("厂房", "王五", 200, &lt);
	assert_int_equal(merge3("project", b, lb, m, lm, t, lt, NULL, &r), BS_OK);
	assert_int_equal(r.n_conflicts, 0);
	assert_int_equal(r.n_mine, 1);
	p = unproj(r.data, r.len);
	assert_string_equal(p->leader, "张三");
	assert_int_equal(p->annual_plan_fen, 200);
	assert_string_equal(p->name, "厂房");
	baosong__v1__project__free_unpacked(p, NULL);
	merge_result_free(&r);

	/* the same field: a conflict, theirs shown until picked */
	{
		size_t l2;
		uint8_t *m2 = proj("厂房", "张三", 150, &l2);
		size_t lt2 = 0;
		free(t2);
		t2 = proj("厂房", "王五", 300, &lt2);
		assert_int_equal(merge3("project", b, lb, m2, l2, t2, lt2, NULL, &r), BS_OK);
		assert_int_equal(r.n_conflicts, 1);
		assert_string_equal(r.conflicts[0]->name, "annual_plan_fen");
		p = unproj(r.data, r.len);
		assert_string_equal(p->leader, "张三");         /* only mine changed it */
		assert_int_equal(p->annual_plan_fen, 300);     /* open: theirs */
		baosong__v1__project__free_unpacked(p, NULL);
		merge_result_free(&r);
		memset(pick, 0, sizeof pick);
		pick[r.conflicts[0] - baosong__v1__project__descriptor.fields] = MERGE_MINE;
		assert_int_equal(merge3("project", b, lb, m2, l2, t2, lt2, pick, &r), BS_OK);
		assert_int_equal(r.n_conflicts, 1);
		p = unproj(r.data, r.len);
		assert_int_equal(p->annual_plan_fen, 150);
		assert_string_equal(p->leader, "张三");
		baosong__v1__project__free_unpacked(p, NULL);
		merge_result_free(&r);
		/* both changed it to the same value: no conflict */
		assert_int_equal(merge3("project", b, lb, t2, lt2, t2, lt2, NULL, &r), BS_OK);
		assert_int_equal(r.n_conflicts, 0);
		merge_result_free(&r);
		free(m2);
	}
	/* an unknown kind, unreadable data */
	assert_int_equal(merge3("no_such_kind", b, lb, m, lm, t, lt, NULL, &r), BS_E_UNSUPPORTED);
	assert_int_equal(merge3("project", b, lb, (const uint8_t *)"\xff\xff", 2, t, lt, NULL, &r),
			 BS_E_INVAL);
	free(b);
	free(m);
	free(t);
	free(t2);
}

static void test_merge_attachments(void **state)
{
	uint8_t base[2][LDB_HASH_LEN], mine[3][LDB_HASH_LEN], theirs[1][LDB_HASH_LEN];
	uint8_t out[8][LDB_HASH_LEN];
	size_t n = 0;
	(void)state;
	memset(base, 1, sizeof base);
	memset(mine, 1, sizeof mine);
	memset(mine[2], 7, LDB_HASH_LEN);  /* added by the change */
	memset(theirs, 9, sizeof theirs);  /* the server replaced the photos */
	merge_attachments((const uint8_t(*)[LDB_HASH_LEN])base, 2,
			  (const uint8_t(*)[LDB_HASH_LEN])mine, 3,
			  (const uint8_t(*)[LDB_HASH_LEN])theirs, 1, out, 8, &n);
	assert_int_equal(merge_attachments((const uint8_t(*)[LDB_HASH_LEN])base, 2,
					   (const uint8_t(*)[LDB_HASH_LEN])mine, 3,
					   (const uint8_t(*)[LDB_HASH_LEN])theirs, 1, out, 8, &n),
			 BS_OK);
	assert_int_equal(n, 2);
	assert_memory_equal(out[0], theirs[0], LDB_HASH_LEN);
	assert_memory_equal(out[1], mine[2], LDB_HASH_LEN);
	/* exactly full is fine; one more than max never drops a photo */
	assert_int_equal(merge_attachments((const uint8_t(*)[LDB_HASH_LEN])base, 2,
					   (const uint8_t(*)[LDB_HASH_LEN])mine, 3,
					   (const uint8_t(*)[LDB_HASH_LEN])theirs, 1, out, 2, &n),
			 BS_OK);
	assert_int_equal(n, 2);
	assert_int_equal(merge_attachments((const uint8_t(*)[LDB_HASH_LEN])base, 2,
					   (const uint8_t(*)[LDB_HASH_LEN])mine, 3,
					   (const uint8_t(*)[LDB_HASH_LEN])theirs, 1, out, 1, &n),
			 BS_E_TOOBIG);
	assert_int_equal(n, 0);
	assert_int_equal(merge_attachments((const uint8_t(*)[LDB_HASH_LEN])base, 2,
					   (const uint8_t(*)[LDB_HASH_LEN])mine, 3,
					   (const uint8_t(*)[LDB_HASH_LEN])theirs, 1, out, 0, &n),
			 BS_E_TOOBIG);
}

static size_t field_index(const char *name)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field_by_name(&baosong__v1__project__descriptor, name);
	assert_non_null(f);
	return (size_t)(f - baosong__v1__project__descriptor.fields);
}

/* The server's version of "p" at rev with data. */
static struct lrecord srv_proj(uint64_t rev, uint8_t *data, size_t len)
{
	struct lrecord r;
	memset(&r, 0, sizeof r);
	strcpy(r.kind, "project");
	strcpy(r.uid, "p");
	r.unit_id = 7;
	r.rev = rev;
	r.data = data;
	r.data_len = len;
	return r;
}

static void test_reconcile(void **state)
{
	struct localdb *db = open_db();
	struct reconcile_outcome ro;
	struct lrecord srv, r;
	struct ops o;
	size_t l0, l1, l2, l3;
	uint8_t *v0 = proj("厂房", "王五", 100, &l0);
	uint8_t *mine = proj("厂房", "张三", 100, &l1);
	uint8_t *theirs = proj("厂房", "王五", 200, &l2);
	uint64_t seq = 0;
	Baosong__V1__Project *p;
	(void)state;

	/* the record as pulled (rev 1), then changed here: the op keeps its base */
	srv = srv_proj(1, v0, l0);
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	assert_int_equal(localdb_change(db, "project", "p", 7, mine, l1, NULL, 0, 0, 5, &seq), BS_OK);
	{
		struct lop op;
		assert_int_equal(localdb_op_get(db, seq, &op), BS_OK);
		assert_int_equal(op.has_base, 1);
		assert_int_equal(op.base_len, l0);
		assert_memory_equal(op.base_data, v0, l0);
		assert_int_equal(op.base_rev, 1);
		lop_free(&op);
	}
	/* the server moved on (another device changed the annual plan) */
	srv = srv_proj(2, theirs, l2);
	assert_int_equal(localdb_begin(db), BS_OK);
	assert_int_equal(reconcile_conflict(db, seq, &srv, &ro), BS_OK);
	assert_int_equal(localdb_commit(db), BS_OK);
	assert_int_equal(ro.merged, 1);
	assert_int_equal(ro.n_conflicts, 0);
	assert_true(ro.requeued > seq);
	memset(&o, 0, sizeof o);
	assert_int_equal(localdb_outbox_each(db, 0, 100, collect_op, &o), BS_OK);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.seq[0], ro.requeued);
	assert_int_equal(o.base_rev[0], 2);       /* on top of the server's revision */
	assert_int_equal(localdb_record_get(db, "p", &r), BS_OK);
	p = unproj(r.data, r.data_len);
	assert_string_equal(p->leader, "张三");
	assert_int_equal(p->annual_plan_fen, 200);
	baosong__v1__project__free_unpacked(p, NULL);
	assert_int_equal(r.conflicted, 0);
	lrecord_free(&r);
	assert_int_equal(localdb_outbox_ack(db, ro.requeued, 3), BS_OK);

	/* the same field on both sides, and two changes of this device waiting:
	 * the conflict is listed; the later change is rebased, never sent stale */
	{
		uint8_t *c1 = proj("厂房", "张三", 300, &l1);   /* annual: conflicts */
		uint8_t *c2 = proj("厂房二期", "张三", 300, &l3); /* then the name */
		uint8_t *t3 = proj("厂房", "赵六", 400, &l2);   /* theirs: leader, annual */
		uint64_t s1 = 0, s2 = 0;
		struct lconflict cf;
		struct lrecord cur;
		unsigned char pick[MERGE_FIELDS_MAX];
		uint64_t s3 = 0;
		assert_int_equal(localdb_change(db, "project", "p", 7, c1, l1, NULL, 0, 0, 6, &s1), BS_OK);
		assert_int_equal(localdb_change(db, "project", "p", 7, c2, l3, NULL, 0, 0, 7, &s2), BS_OK);
		srv = srv_proj(4, t3, l2);
		assert_int_equal(localdb_begin(db), BS_OK);
		assert_int_equal(reconcile_conflict(db, s1, &srv, &ro), BS_OK);
		assert_int_equal(localdb_commit(db), BS_OK);
		assert_int_equal(ro.merged, 1);
		assert_int_equal(ro.n_conflicts, 1);
		assert_int_equal(ro.requeued, s2);
		memset(&o, 0, sizeof o);
		assert_int_equal(localdb_outbox_each(db, 0, 100, collect_op, &o), BS_OK);
		assert_int_equal(o.n, 1);
		assert_int_equal(o.seq[0], s2);
		assert_int_equal(o.base_rev[0], 4);
		assert_int_equal(localdb_record_get(db, "p", &cur), BS_OK);
		p = unproj(cur.data, cur.data_len);
		assert_string_equal(p->name, "厂房二期"); /* mine alone changed it */
		assert_string_equal(p->leader, "赵六");   /* theirs alone */
		assert_int_equal(p->annual_plan_fen, 400); /* in conflict: theirs for now */
		baosong__v1__project__free_unpacked(p, NULL);
		assert_int_equal(cur.conflicted, 1);
		assert_int_equal(localdb_conflict_get(db, s1, &cf), BS_OK);
		assert_int_equal(cf.has_base, 1);
		/* resolve: mine for the field in conflict, nothing else reverted */
		memset(pick, 0, sizeof pick);
		pick[field_index("annual_plan_fen")] = MERGE_MINE;
		assert_int_equal(reconcile_resolve(db, &cf, &cur, pick, 8, &s3), BS_OK);
		assert_true(s3 > s2);
		lrecord_free(&cur);
		lconflict_free(&cf);
		assert_int_equal(localdb_conflict_get(db, s1, &cf), BS_E_NOTFOUND);
		assert_int_equal(localdb_record_get(db, "p", &cur), BS_OK);
		p = unproj(cur.data, cur.data_len);
		assert_int_equal(p->annual_plan_fen, 300);
		assert_string_equal(p->leader, "赵六");
		assert_string_equal(p->name, "厂房二期");
		baosong__v1__project__free_unpacked(p, NULL);
		lrecord_free(&cur);
		free(c1);
		free(c2);
		free(t3);
	}
	free(v0);
	free(mine);
	free(theirs);
	localdb_close(db);
}

/* Finding 3: the server holds 31 photos of the record, this device added
 * 3 (in the conflicting change, or in a later change not sent yet): the
 * union (34) is over REC_ATTACH_MAX.  No photo may be dropped by a silent
 * merge: the whole record goes to the conflict list. */
static void reconcile_overflow(int later)
{
	enum { N_BASE = 2, N_ADDED = 3, N_SRV = 31 };
	struct localdb *db = open_db();
	struct reconcile_outcome ro;
	struct lrecord srv, r;
	struct lconflict cf;
	struct ops o;
	uint8_t base[N_BASE][LDB_HASH_LEN], mine[N_BASE + N_ADDED][LDB_HASH_LEN];
	uint8_t theirs[N_SRV][LDB_HASH_LEN];
	size_t l0, l1, l2, l3, i;
	uint8_t *v0 = proj("厂房", "王五", 100, &l0);
	uint8_t *m1 = proj("厂房", "张三", 100, &l1);
	uint8_t *m2 = proj("厂房二期", "张三", 100, &l3);
	uint8_t *t = proj("厂房", "王五", 200, &l2);
	uint64_t s1 = 0, s2 = 0, conflicted;

	for (i = 0; i < N_BASE; i++)
		memset(base[i], (int)(1 + i), LDB_HASH_LEN);
	for (i = 0; i < N_BASE + N_ADDED; i++)
		memset(mine[i], (int)(1 + (i < N_BASE ? i : 100 + i)), LDB_HASH_LEN);
	for (i = 0; i < N_SRV; i++) /* keeps the base photos, adds 29 */
		memset(theirs[i], (int)(1 + (i < N_BASE ? i : 200 + i - N_BASE)), LDB_HASH_LEN);
	assert_true(N_SRV + N_ADDED > REC_ATTACH_MAX);

	srv = srv_proj(1, v0, l0);
	srv.attachments = base;
	srv.n_attachments = N_BASE;
	assert_int_equal(localdb_apply_remote(db, &srv), BS_OK);
	if (!later) {
		assert_int_equal(localdb_change(db, "project", "p", 7, m1, l1,
						(const uint8_t(*)[LDB_HASH_LEN])mine,
						N_BASE + N_ADDED, 0, 5, &s1),
				 BS_OK);
	} else {
		/* the conflicting change keeps the photos; the next one adds */
		assert_int_equal(localdb_change(db, "project", "p", 7, m1, l1,
						(const uint8_t(*)[LDB_HASH_LEN])base, N_BASE, 0,
						5, &s1),
				 BS_OK);
		assert_int_equal(localdb_change(db, "project", "p", 7, m2, l3,
						(const uint8_t(*)[LDB_HASH_LEN])mine,
						N_BASE + N_ADDED, 0, 6, &s2),
				 BS_OK);
	}
	srv = srv_proj(2, t, l2);
	srv.attachments = theirs;
	srv.n_attachments = N_SRV;
	assert_int_equal(localdb_begin(db), BS_OK);
	assert_int_equal(reconcile_conflict(db, s1, &srv, &ro), BS_OK);
	assert_int_equal(localdb_commit(db), BS_OK);
	assert_int_equal(ro.merged, 0);
	assert_int_equal(ro.attach_overflow, 1);
	assert_int_equal(ro.n_conflicts, 1);
	assert_int_equal(ro.requeued, 0);
	/* listed for a person, with this device's data */
	assert_int_equal(localdb_conflict_get(db, s1, &cf), BS_OK);
	assert_int_equal(cf.has_base, 0);
	assert_int_equal(cf.mine_len, l1);
	assert_memory_equal(cf.mine, m1, l1);
	lconflict_free(&cf);
	/* nothing merged and queued with a photo cut off */
	memset(&o, 0, sizeof o);
	assert_int_equal(localdb_outbox_each(db, 0, 100, collect_op, &o), BS_OK);
	assert_int_equal(o.n, later ? 1 : 0);
	if (later)
		assert_int_equal(o.seq[0], s2); /* kept as it was, not rebased */
	assert_int_equal(localdb_record_get(db, "p", &r), BS_OK);
	conflicted = r.conflicted;
	assert_int_equal(conflicted, 1);
	if (!later) { /* the server's version, all 31 photos */
		assert_int_equal(r.n_attachments, N_SRV);
		assert_memory_equal(r.attachments, theirs, sizeof theirs);
	} else { /* the later change's local data, all 5 photos */
		assert_int_equal(r.n_attachments, N_BASE + N_ADDED);
		assert_memory_equal(r.attachments, mine, sizeof mine);
	}
	lrecord_free(&r);
	free(v0);
	free(m1);
	free(m2);
	free(t);
	localdb_close(db);
}

static void test_reconcile_attach_overflow(void **state)
{
	(void)state;
	reconcile_overflow(0);
}

static void test_reconcile_attach_overflow_later(void **state)
{
	(void)state;
	reconcile_overflow(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meta, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_and_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quarantine_discard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renumber, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_remote, setup, teardown),
		cmocka_unit_test_setup_teardown(test_review_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_readback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_kill9, setup, teardown),
		cmocka_unit_test(test_merge3),
		cmocka_unit_test(test_merge_attachments),
		cmocka_unit_test_setup_teardown(test_reconcile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconcile_attach_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconcile_attach_overflow_later, setup,
						teardown),
	};
	log_setup("test_localdb", LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
