/* bench_push.c - acknowledged pushes per second with many concurrent
 * clients, side by side with raw SQLite inserts of the same rows, measured
 * in the same run on the same disk (targets 1 and 2 of docs/PERFORMANCE.md).
 *
 * Each client thread opens its own secure session to a real baosongd and
 * pushes, waiting for the receipts (which the server only sends after the
 * ops are durable):
 *   - one op a request (target 2), against raw SQLite in 100-row
 *     transactions;
 *   - --batch ops a request, as `baosong sync` sends them (target 1),
 *     against raw SQLite in 10,000-row transactions.
 * The raw baselines insert the same rows with the same durability (WAL,
 * synchronous=FULL).  Beside them, the floor: the rows an op itself must
 * write, in plain SQL on the server's schema (raw_server_rows).  Server
 * runs and baselines alternate, --rounds times,
 * each server run on a fresh database; the medians are compared.
 *
 *   bench_push [--clients N] [--ops M] [--batch B] [--batched-ops M]
 *              [--rounds R] [--baosongd PATH]
 */
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchlib.h"
#include "err.h"
#include "store.h"
#include "store_int.h"
#include "wire.h"

#define ROWS 1000

struct client {
	pthread_t th;
	struct keypair kp;
	unsigned ops, batch;
	int rv;
	unsigned applied;
};

static const char *g_addr;
static const uint8_t *g_server_pub;
static pthread_barrier_t g_start;
static uint8_t (*g_rows)[REC_DATA_MAX];
static size_t *g_row_len;

static void *client_main(void *arg)
{
	struct client *c = arg;
	struct session s;
	unsigned done = 0;

	c->rv = session_open(&s, g_addr, &c->kp, g_server_pub, wire_now_ns(), 60000);
	pthread_barrier_wait(&g_start);
	if (c->rv != BS_OK)
		return NULL;
	while (done < c->ops) {
		unsigned n = c->ops - done < c->batch ? c->ops - done : c->batch;
		unsigned row = done % ROWS;
		c->rv = bench_push(&s, done + 1, n, g_rows[row], g_row_len[row]);
		if (c->rv != BS_OK)
			break;
		done += n;
		c->applied += n;
	}
	session_close(&s);
	return NULL;
}

/* One server run on a fresh database: acknowledged ops per second, or -1. */
static double server_run(const char *bin, unsigned nclients, unsigned ops, unsigned batch)
{
	struct bench_server bs;
	struct keypair *keys = calloc(nclients, sizeof *keys);
	struct client *cl = calloc(nclients, sizeof *cl);
	unsigned i, applied = 0, failed = 0;
	double t0, t1, rate = -1;

	if (!keys || !cl || bench_server_init(&bs, keys, nclients) != 0)
		goto out;
	if (bench_server_start(&bs, bin, nclients + 100) != 0) {
		bench_server_stop(&bs);
		goto out;
	}
	g_addr = bs.addr;
	g_server_pub = bs.pub;
	pthread_barrier_init(&g_start, NULL, nclients + 1);
	for (i = 0; i < nclients; i++) {
		cl[i].kp = keys[i];
		cl[i].ops = ops;
		cl[i].batch = batch;
		pthread_create(&cl[i].th, NULL, client_main, &cl[i]);
	}
	pthread_barrier_wait(&g_start);
	t0 = bench_now();
	for (i = 0; i < nclients; i++) {
		pthread_join(cl[i].th, NULL);
		applied += cl[i].applied;
		if (cl[i].rv != BS_OK)
			failed++;
	}
	t1 = bench_now();
	pthread_barrier_destroy(&g_start);
	if (bench_server_stop(&bs) != 0)
		fprintf(stderr, "bench: baosongd did not exit cleanly\n");
	if (failed || applied != nclients * ops)
		fprintf(stderr, "bench: %u client(s) failed, %u of %u ops acknowledged\n", failed,
			applied, nclients * ops);
	else
		rate = (double)applied / (t1 - t0);
out:
	for (i = 0; keys && i < nclients; i++)
		keys_wipe(&keys[i]);
	free(keys);
	free(cl);
	return rate;
}

static int sql(sqlite3 *db, const char *q)
{
	char *err = NULL;
	if (sqlite3_exec(db, q, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "sqlite: %s: %s\n", q, err);
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* Raw SQLite: the same rows, same durability, txn_rows rows a transaction. */
static double raw_sqlite(unsigned total, unsigned txn_rows)
{
	char path[] = "/tmp/bs-bench-raw-XXXXXX";
	sqlite3 *db;
	sqlite3_stmt *st;
	double t0, t1;
	unsigned i;
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	close(fd);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	sql(db, "PRAGMA journal_mode=WAL");
	sql(db, "PRAGMA synchronous=FULL");
	sql(db, "CREATE TABLE record(uid TEXT PRIMARY KEY, kind TEXT, unit_id INTEGER, rev "
		"INTEGER, data BLOB, updated_at INTEGER, change_seq INTEGER)");
	sqlite3_prepare_v2(db, "INSERT INTO record VALUES(?,?,?,?,?,?,?)", -1, &st, NULL);
	t0 = bench_now();
	for (i = 0; i < total; i++) {
		char uid[REC_UID_LEN + 1];
		if (i % txn_rows == 0)
			sql(db, "BEGIN");
		records_new_uid(uid);
		sqlite3_bind_text(st, 1, uid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, REC_KIND_PROJECT, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, 1 + i % 100);
		sqlite3_bind_int64(st, 4, 1);
		sqlite3_bind_blob(st, 5, g_rows[i % ROWS], (int)g_row_len[i % ROWS], SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, wire_now_ms());
		sqlite3_bind_int64(st, 7, i + 1);
		if (sqlite3_step(st) != SQLITE_DONE)
			fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db));
		sqlite3_reset(st);
		if (i % txn_rows == txn_rows - 1 || i == total - 1)
			sql(db, "COMMIT");
	}
	t1 = bench_now();
	sqlite3_finalize(st);
	sqlite3_close(db);
	bench_remove_db(path);
	return (double)total / (t1 - t0);
}

/* The floor under targets 1-2, measured: the rows an acknowledged op must
 * write, in plain SQL on the server's own schema (a database made by
 * store_open), txn_rows ops a transaction, same durability.  Per op, as
 * the server writes them for a new record (docs/PERFORMANCE.md): the next
 * change_seq, the record (its rowid, uid, change_seq, unit and kind
 * B-trees), its review state, the audit row (with the data, as the chain
 * keeps it), the receipt and the device's applied_seq.  Nothing else: no
 * checks, no savepoints, no MAC or digest computed, no protobuf, no
 * network.  ops/s. */
static double raw_server_rows(unsigned total, unsigned txn_rows)
{
	enum { CHANGE, RECORD, META, AUDIT, RECEIPT, DEVICE, N_STMT };
	static const char *const q[N_STMT] = {
		"UPDATE meta SET value = value + 1 WHERE key = 'change_seq' RETURNING value",
		"INSERT INTO record(uid, kind, unit_id, rev, deleted, data, attachments, updated_at,"
		" device_id, change_seq) VALUES (?1, ?2, ?3, 1, 0, ?4, x'', ?5, ?6, ?7)",
		"INSERT INTO record_meta(uid, created_at) VALUES (?1, ?2)",
		"INSERT INTO audit(seq, at, unit_id, device_id, role, action, kind, subject, rev,"
		" after, prev_mac, mac, owner) VALUES (?1, ?2, ?3, ?4, 1, 'record.put', ?5, ?6, 1,"
		" ?7, ?8, ?8, ?3)",
		"INSERT INTO op(device_id, seq, status, receipt, received_at, digest)"
		" VALUES (?1, ?2, 1, ?3, ?4, ?5)",
		"UPDATE device SET applied_seq = ?2 WHERE id = ?1 AND applied_seq = ?2 - 1",
	};
	char dir[] = "/tmp/bs-bench-floor-XXXXXX", path[64], *key;
	sqlite3 *db = NULL;
	sqlite3_stmt *st[N_STMT] = {0};
	struct store *store = NULL;
	uint8_t mac[32], receipt[40];
	double t0, t1, rate = -1;
	unsigned i, k;

	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/floor.db", dir);
	if (store_open(path, 0, &store) != BS_OK)
		goto out;
	store_close(store);
	if (sqlite3_open(path, &db) != SQLITE_OK || sql(db, "PRAGMA journal_mode=WAL") ||
	    sql(db, "PRAGMA synchronous=FULL") ||
	    sql(db, "PRAGMA cache_size=-65536") || /* the server writer's page cache */
	    sql(db, "INSERT INTO unit(id, code, name, type, region) VALUES (1, 'u', 'u', 1, "
		    "'000000')") ||
	    sql(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)"
		    " INSERT INTO device(id, pubkey, unit_id, role, enrolled_at)"
		    " SELECT i, randomblob(32), 1, 1, 0 FROM n"))
		goto out;
	for (k = 0; k < N_STMT; k++)
		if (sqlite3_prepare_v2(db, q[k], -1, &st[k], NULL) != SQLITE_OK) {
			fprintf(stderr, "sqlite: %s: %s\n", q[k], sqlite3_errmsg(db));
			goto out;
		}
	randombytes_buf(mac, sizeof mac);
	randombytes_buf(receipt, sizeof receipt);
	t0 = bench_now();
	for (i = 0; i < total; i++) {
		char uid[REC_UID_LEN + 1];
		sqlite3_int64 now = (sqlite3_int64)wire_now_ms(), seq = 0;
		int dev = (int)(1 + i % 100), bad = 0;
		if (i % txn_rows == 0 && sql(db, "BEGIN"))
			goto out;
		records_new_uid(uid);
		bad |= sqlite3_step(st[CHANGE]) != SQLITE_ROW;
		seq = sqlite3_column_int64(st[CHANGE], 0);
		sqlite3_reset(st[CHANGE]);
		sqlite3_bind_text(st[RECORD], 1, uid, -1, SQLITE_STATIC);
		sqlite3_bind_text(st[RECORD], 2, REC_KIND_PROJECT, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st[RECORD], 3, 1);
		sqlite3_bind_blob(st[RECORD], 4, g_rows[i % ROWS], (int)g_row_len[i % ROWS],
				  SQLITE_STATIC);
		sqlite3_bind_int64(st[RECORD], 5, now);
		sqlite3_bind_int64(st[RECORD], 6, dev);
		sqlite3_bind_int64(st[RECORD], 7, seq);
		sqlite3_bind_text(st[META], 1, uid, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st[META], 2, now);
		sqlite3_bind_int64(st[AUDIT], 1, (sqlite3_int64)i + 1);
		sqlite3_bind_int64(st[AUDIT], 2, now);
		sqlite3_bind_int64(st[AUDIT], 3, 1);
		sqlite3_bind_int64(st[AUDIT], 4, dev);
		sqlite3_bind_text(st[AUDIT], 5, REC_KIND_PROJECT, -1, SQLITE_STATIC);
		sqlite3_bind_text(st[AUDIT], 6, uid, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st[AUDIT], 7, g_rows[i % ROWS], (int)g_row_len[i % ROWS],
				  SQLITE_STATIC);
		sqlite3_bind_blob(st[AUDIT], 8, mac, sizeof mac, SQLITE_STATIC);
		sqlite3_bind_int64(st[RECEIPT], 1, dev);
		sqlite3_bind_int64(st[RECEIPT], 2, (sqlite3_int64)(i / 100) + 1);
		sqlite3_bind_blob(st[RECEIPT], 3, receipt, sizeof receipt, SQLITE_STATIC);
		sqlite3_bind_int64(st[RECEIPT], 4, now);
		sqlite3_bind_blob(st[RECEIPT], 5, mac, sizeof mac, SQLITE_STATIC);
		sqlite3_bind_int64(st[DEVICE], 1, dev);
		sqlite3_bind_int64(st[DEVICE], 2, (sqlite3_int64)(i / 100) + 1);
		for (k = RECORD; k < N_STMT; k++) {
			bad |= sqlite3_step(st[k]) != SQLITE_DONE;
			sqlite3_reset(st[k]);
		}
		if (bad) {
			fprintf(stderr, "bench_push: floor insert: %s\n", sqlite3_errmsg(db));
			goto out;
		}
		if ((i % txn_rows == txn_rows - 1 || i == total - 1) && sql(db, "COMMIT"))
			goto out;
	}
	t1 = bench_now();
	rate = (double)total / (t1 - t0);
out:
	for (k = 0; k < N_STMT; k++)
		sqlite3_finalize(st[k]);
	sqlite3_close(db);
	bench_remove_db(path);
	if ((key = store__audit_key_path(path)) != NULL) /* store_open made it */
		unlink(key);
	free(key);
	rmdir(dir);
	return rate;
}

static unsigned arg_uint(const char *v, unsigned lo, unsigned hi, const char *name)
{
	char *end;
	unsigned long x = strtoul(v, &end, 10);
	if (*v == 0 || *end || x < lo || x > hi) {
		fprintf(stderr, "bench_push: %s must be %u..%u\n", name, lo, hi);
		exit(64);
	}
	return (unsigned)x;
}

int main(int argc, char **argv)
{
	unsigned nclients = 100, ops = 100, batch = 64, bops = 640, rounds = 3, i;
	const char *bin = NULL;
	double *one, *many, *raw100, *raw10k, *fl100, *fl10k, m1, mb, r100, r10k, f100, f10k;
	int bad = 0;

	for (i = 1; i + 1 < (unsigned)argc; i += 2) {
		if (!strcmp(argv[i], "--clients"))
			nclients = arg_uint(argv[i + 1], 1, 1000, "--clients");
		else if (!strcmp(argv[i], "--ops"))
			ops = arg_uint(argv[i + 1], 1, 100000, "--ops");
		else if (!strcmp(argv[i], "--batch"))
			batch = arg_uint(argv[i + 1], 1, 256, "--batch");
		else if (!strcmp(argv[i], "--batched-ops"))
			bops = arg_uint(argv[i + 1], 1, 1000000, "--batched-ops");
		else if (!strcmp(argv[i], "--rounds"))
			rounds = arg_uint(argv[i + 1], 1, 20, "--rounds");
		else if (!strcmp(argv[i], "--baosongd"))
			bin = argv[i + 1];
		else {
			fprintf(stderr, "usage: bench_push [--clients N] [--ops M] [--batch B]"
				" [--batched-ops M] [--rounds R] [--baosongd PATH]\n");
			return 64;
		}
	}
	if (sodium_init() < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	g_rows = malloc(ROWS * sizeof *g_rows);
	g_row_len = malloc(ROWS * sizeof *g_row_len);
	one = calloc(rounds, sizeof *one);
	many = calloc(rounds, sizeof *many);
	raw100 = calloc(rounds, sizeof *raw100);
	raw10k = calloc(rounds, sizeof *raw10k);
	fl100 = calloc(rounds, sizeof *fl100);
	fl10k = calloc(rounds, sizeof *fl10k);
	if (!g_rows || !g_row_len || !one || !many || !raw100 || !raw10k || !fl100 || !fl10k)
		return 1;
	for (i = 0; i < ROWS; i++)
		g_row_len[i] = bench_project(i, g_rows[i], REC_DATA_MAX);

	for (i = 0; i < rounds; i++) {
		one[i] = server_run(bin, nclients, ops, 1);
		raw100[i] = raw_sqlite(nclients * ops, 100);
		many[i] = server_run(bin, nclients, bops, batch);
		raw10k[i] = raw_sqlite(nclients * bops, 10000);
		fl100[i] = raw_server_rows(nclients * ops, 100);
		fl10k[i] = raw_server_rows(nclients * bops, 10000);
		printf("  round %u: 1 op/request %.0f/s, raw 100-row txn %.0f rows/s, %u ops/request"
		       " %.0f/s, raw 10,000-row txn %.0f rows/s; an op's rows in raw SQL %.0f"
		       " (100 a txn) and %.0f (10,000) ops/s\n", i + 1, one[i], raw100[i], batch,
		       many[i], raw10k[i], fl100[i], fl10k[i]);
		fflush(stdout);
		if (one[i] < 0 || many[i] < 0 || fl100[i] < 0 || fl10k[i] < 0)
			bad = 1;
	}
	m1 = bench_median(one, rounds);
	mb = bench_median(many, rounds);
	r100 = bench_median(raw100, rounds);
	r10k = bench_median(raw10k, rounds);
	f100 = bench_median(fl100, rounds);
	f10k = bench_median(fl10k, rounds);

	printf("baosong push benchmark (same machine, same disk, same run; medians of %u)\n",
	       rounds);
	printf("  clients                          %u (one secure session each)\n", nclients);
	printf("  baosongd, 1 op a request         %10.0f acked ops/s\n", m1);
	printf("  raw SQLite, 100 rows/txn         %10.0f rows/s (WAL, synchronous=FULL)\n", r100);
	printf("  baosongd, %3u ops a request      %10.0f acked ops/s\n", batch, mb);
	printf("  raw SQLite, 10,000 rows/txn      %10.0f rows/s (WAL, synchronous=FULL)\n", r10k);
	printf("  the floor: the rows an op writes, in plain SQL on the server's schema (no checks,\n"
	       "  no savepoints, no MAC, no network), same durability:\n");
	printf("    100 ops a transaction          %10.0f ops/s = %.3f of raw; baosongd 1 op a"
	       " request reaches %.3f of it\n", f100, f100 / r100, m1 / f100);
	printf("    10,000 ops a transaction       %10.0f ops/s = %.3f of raw; baosongd %u ops a"
	       " request reaches %.3f of it\n", f10k, f10k / r10k, batch, mb / f10k);
	bench_result("1 batched ingest", "acked ops/s, 64 ops a request", mb, r10k, mb / r10k,
		     ">= 0.5x raw 10k-row txn", mb / r10k >= 0.5);
	bench_result("2 one op a request", "acked ops/s, 1 op a request", m1, r100, m1 / r100,
		     ">= 0.5x raw 100-row txn", m1 / r100 >= 0.5);
	free(one);
	free(many);
	free(raw100);
	free(raw10k);
	free(fl100);
	free(fl10k);
	free(g_rows);
	free(g_row_len);
	return bad ? 1 : 0;
}
