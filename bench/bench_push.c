/* bench_push.c - acknowledged pushes per second with many concurrent
 * clients, side by side with raw SQLite inserts of the same rows, measured
 * in the same run on the same disk.
 *
 * Each client thread opens its own secure session to a real baosongd and
 * pushes one op per request, waiting for the receipt (which the server only
 * sends after the op is durable).  The raw SQLite baselines insert the same
 * rows with the same durability (WAL, synchronous=FULL): one row per
 * transaction (what a server without group commit pays), and in
 * transactions of 100 rows.
 *
 *   bench_push [--clients N] [--ops M] [--baosongd PATH]
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "keys.h"
#include "net.h"
#include "records.h"
#include "store.h"
#include "wire.h"

#ifndef BAOSONGD_BIN
#define BAOSONGD_BIN "baosongd"
#endif

struct client {
	pthread_t th;
	struct keypair kp;
	unsigned ops;
	int64_t unit_id;
	int rv;
	unsigned applied;
};

static const char *g_addr;
static uint8_t g_server_pub[KEY_LEN];
static pthread_barrier_t g_start;
static uint8_t (*g_rows)[REC_DATA_MAX];
static size_t *g_row_len;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A realistic project record, ~250 bytes encoded. */
static size_t make_project(unsigned i, uint8_t *out)
{
	Baosong__V1__Project p = BAOSONG__V1__PROJECT__INIT;
	char name[96];
	snprintf(name, sizeof name, "第%u号 县城供水管网改造工程（二期）", i);
	p.name = name;
	p.plan_year = 2026;
	p.category = (char *)"基础设施";
	p.industry_chain = (char *)"清洁能源及装备制造";
	p.investment_type = (char *)"政府投资";
	p.level = (char *)"县级重点";
	p.township = (char *)"新镇";
	p.leader = (char *)"张三";
	p.owner = (char *)"县水务投资有限公司";
	p.total_investment_fen = 123456LL * 1000000;
	p.annual_plan_fen = 50000LL * 1000000;
	p.start_date = (char *)"2026-03-01";
	p.end_date = (char *)"2027-10-31";
	p.stage = BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING;
	p.contents = (char *)"新建供水管网 12.5 公里，改造加压泵站 2 座。";
	return baosong__v1__project__pack(&p, out);
}

static void *client_main(void *arg)
{
	struct client *c = arg;
	struct session s;
	unsigned i;

	c->rv = session_open(&s, g_addr, &c->kp, g_server_pub, wire_now_ns(), 30000);
	pthread_barrier_wait(&g_start);
	if (c->rv != BS_OK)
		return NULL;
	for (i = 0; i < c->ops; i++) {
		Envelope req = BAOSONG__V1__ENVELOPE__INIT, *resp = NULL;
		Baosong__V1__PushRequest pr = BAOSONG__V1__PUSH_REQUEST__INIT;
		Baosong__V1__Op op = BAOSONG__V1__OP__INIT, *ops[1] = {&op};
		struct wire_arena a;
		char uid[REC_UID_LEN + 1];
		unsigned row = i % 1000;

		records_new_uid(uid);
		op.seq = i + 1;
		op.kind = (char *)REC_KIND_PROJECT;
		op.uid = uid;
		op.data.data = g_rows[row];
		op.data.len = g_row_len[row];
		pr.ops = ops;
		pr.n_ops = 1;
		req.body_case = BAOSONG__V1__ENVELOPE__BODY_PUSH;
		req.push = &pr;
		wire_arena_init(&a, WIRE_DECODE_MEM_MAX);
		c->rv = session_call(&s, &req, &a, &resp);
		if (c->rv != BS_OK)
			break;
		if (resp->body_case != BAOSONG__V1__ENVELOPE__BODY_PUSH_RESPONSE ||
		    resp->push_response->n_receipts != 1 ||
		    resp->push_response->receipts[0]->status != BAOSONG__V1__OP_STATUS__OP_APPLIED) {
			c->rv = BS_E_PROTO;
			wire_envelope_free(resp, &a);
			break;
		}
		c->applied++;
		wire_envelope_free(resp, &a);
	}
	session_close(&s);
	return NULL;
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
static double raw_sqlite(const char *path, unsigned total, unsigned txn_rows)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	double t0, t1;
	unsigned i;

	unlink(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	sql(db, "PRAGMA journal_mode=WAL");
	sql(db, "PRAGMA synchronous=FULL");
	sql(db, "CREATE TABLE record(uid TEXT PRIMARY KEY, kind TEXT, unit_id INTEGER, rev "
		"INTEGER, data BLOB, updated_at INTEGER, change_seq INTEGER)");
	sqlite3_prepare_v2(db, "INSERT INTO record VALUES(?,?,?,?,?,?,?)", -1, &st, NULL);
	t0 = now_s();
	for (i = 0; i < total; i++) {
		char uid[REC_UID_LEN + 1];
		if (i % txn_rows == 0)
			sql(db, "BEGIN");
		records_new_uid(uid);
		sqlite3_bind_text(st, 1, uid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, REC_KIND_PROJECT, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, 1 + i % 100);
		sqlite3_bind_int64(st, 4, 1);
		sqlite3_bind_blob(st, 5, g_rows[i % 1000], (int)g_row_len[i % 1000], SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, wire_now_ms());
		sqlite3_bind_int64(st, 7, i + 1);
		if (sqlite3_step(st) != SQLITE_DONE)
			fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db));
		sqlite3_reset(st);
		if (i % txn_rows == txn_rows - 1 || i == total - 1)
			sql(db, "COMMIT");
	}
	t1 = now_s();
	sqlite3_finalize(st);
	sqlite3_close(db);
	return (double)total / (t1 - t0);
}

int main(int argc, char **argv)
{
	unsigned nclients = 100, ops = 100, i;
	const char *bin = BAOSONGD_BIN;
	char dir[] = "/tmp/bs-bench-XXXXXX", path[512], portfile[512], addr[64];
	struct client *cl;
	struct store *st;
	pid_t pid;
	double t0, t1, rate, raw1, raw100;
	unsigned applied = 0, failed = 0;
	int port = 0, status = 0;

	for (i = 1; i + 1 < (unsigned)argc; i += 2) {
		if (!strcmp(argv[i], "--clients"))
			nclients = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--ops"))
			ops = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--baosongd"))
			bin = argv[i + 1];
	}
	if (nclients == 0 || nclients > 1000 || ops == 0 || ops > 100000) {
		fprintf(stderr, "usage: bench_push [--clients 1..1000] [--ops 1..100000]\n");
		return 64;
	}
	if (sodium_init() < 0 || !mkdtemp(dir))
		return 1;
	signal(SIGPIPE, SIG_IGN);
	g_rows = malloc(1000 * sizeof *g_rows);
	g_row_len = malloc(1000 * sizeof *g_row_len);
	cl = calloc(nclients, sizeof *cl);
	if (!g_rows || !g_row_len || !cl)
		return 1;
	for (i = 0; i < 1000; i++)
		g_row_len[i] = make_project(i, g_rows[i]);

	/* Server: key, database with 10 townships and one device per client. */
	{
		struct keypair skp;
		struct unit u;
		int64_t uids[10];
		keys_generate(&skp);
		snprintf(path, sizeof path, "%s/server.key", dir);
		if (keys_write(&skp, path, "bench", 0) != BS_OK)
			return 1;
		memcpy(g_server_pub, skp.pub, KEY_LEN);
		keys_wipe(&skp);
		snprintf(path, sizeof path, "%s/baosong.db", dir);
		if (store_open(path, 0, &st) != BS_OK)
			return 1;
		store_begin(st);
		for (i = 0; i < 10; i++) {
			memset(&u, 0, sizeof u);
			snprintf(u.code, sizeof u.code, "town%u", i);
			snprintf(u.name, sizeof u.name, "第%u乡镇", i);
			u.type = UNIT_TOWNSHIP;
			strcpy(u.region, "620421");
			if (store_unit_add(st, &u, &uids[i]) != BS_OK)
				return 1;
		}
		for (i = 0; i < nclients; i++) {
			int64_t did;
			keys_generate(&cl[i].kp);
			cl[i].ops = ops;
			cl[i].unit_id = uids[i % 10];
			if (store_device_add(st, cl[i].kp.pub, cl[i].unit_id, ROLE_REPORTER, "bench",
					     wire_now_ms(), &did) != BS_OK)
				return 1;
		}
		store_commit(st);
		store_close(st);
	}
	snprintf(portfile, sizeof portfile, "%s/port", dir);
	pid = fork();
	if (pid == 0) {
		char keyp[512];
		snprintf(keyp, sizeof keyp, "%s/server.key", dir);
		if (!getenv("BENCH_SERVER_LOG"))
			freopen("/dev/null", "w", stderr);
		execl(bin, bin, "serve", "--listen", "127.0.0.1:0", "--data", dir, "--key", keyp,
		      "--port-file", portfile, "--max-connections", "2000", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200 && port == 0; i++) {
		FILE *f = fopen(portfile, "r");
		if (f) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
		}
		if (!port)
			usleep(50000);
	}
	if (!port) {
		fprintf(stderr, "bench: baosongd did not start (%s)\n", bin);
		kill(pid, SIGKILL);
		return 1;
	}
	snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
	g_addr = addr;

	pthread_barrier_init(&g_start, NULL, nclients + 1);
	for (i = 0; i < nclients; i++)
		pthread_create(&cl[i].th, NULL, client_main, &cl[i]);
	pthread_barrier_wait(&g_start);
	t0 = now_s();
	for (i = 0; i < nclients; i++) {
		pthread_join(cl[i].th, NULL);
		applied += cl[i].applied;
		if (cl[i].rv != BS_OK)
			failed++;
	}
	t1 = now_s();
	rate = (double)applied / (t1 - t0);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);

	snprintf(path, sizeof path, "%s/raw.db", dir);
	raw1 = raw_sqlite(path, applied < 3000 ? applied : 3000, 1);
	raw100 = raw_sqlite(path, applied, 100);

	printf("baosong push benchmark (same machine, same disk, same run)\n");
	printf("  clients                         %u (one secure session each)\n", nclients);
	printf("  ops acknowledged                %u of %u (%u client(s) failed)\n", applied,
	       nclients * ops, failed);
	printf("  baosongd acked pushes/s         %10.0f   (1 op a request, reply after durable "
	       "commit)\n", rate);
	printf("  raw SQLite, 1 row/transaction   %10.0f   rows/s (WAL, synchronous=FULL)\n",
	       raw1);
	printf("  raw SQLite, 100 rows/txn        %10.0f   rows/s (WAL, synchronous=FULL)\n",
	       raw100);
	printf("  ratio baosongd / raw 1-row txn  %10.2f\n", rate / raw1);
	printf("  ratio baosongd / raw 100-row    %10.2f\n", rate / raw100);
	printf("  server exit status              %d\n", WIFEXITED(status) ? WEXITSTATUS(status)
								  : -1);
	{
		char cmd[600];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return (failed || applied != nclients * ops) ? 1 : 0;
}
