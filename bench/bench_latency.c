/* bench_latency.c - push->ack latency with many concurrent sessions, one
 * request in flight each (target 3 of docs/PERFORMANCE.md).
 *
 * --sessions client threads each open a secure session to a real baosongd
 * and push one op a request, waiting for its receipt (sent after the op is
 * durable), for --seconds.  Closed loop: every session always has one
 * request in flight, so the server runs at the highest rate it sustains.
 * p50, p99 and p99.9 of push->ack are printed.  The baseline, measured in
 * the same run on the same disk, is the latency of one durable raw SQLite
 * commit of one row (WAL, synchronous=FULL): no acknowledged push can be
 * faster than that.
 *
 *   bench_latency [--sessions N] [--seconds S] [--baosongd PATH]
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
#include "wire.h"

struct client {
	pthread_t th;
	struct keypair kp;
	double *lat; /* ms */
	size_t n, cap;
	int rv;
};

static struct bench_server g_bs;
static pthread_barrier_t g_start;
static double g_deadline;
static uint8_t g_row[REC_DATA_MAX];
static size_t g_row_len;

static void *client_main(void *arg)
{
	struct client *c = arg;
	struct session s;
	uint64_t seq = 1;

	c->rv = session_open(&s, g_bs.addr, &c->kp, g_bs.pub, wire_now_ns(), 120000);
	pthread_barrier_wait(&g_start);
	if (c->rv != BS_OK)
		return NULL;
	for (;;) {
		double t0 = bench_now(), t1;
		if (t0 >= g_deadline)
			break;
		if ((c->rv = bench_push(&s, seq++, 1, g_row, g_row_len)) != BS_OK)
			break;
		t1 = bench_now();
		if (c->n == c->cap) {
			size_t nc = c->cap ? c->cap * 2 : 256;
			double *nl = realloc(c->lat, nc * sizeof *nl);
			if (!nl) {
				c->rv = BS_E_NOMEM;
				break;
			}
			c->lat = nl;
			c->cap = nc;
		}
		c->lat[c->n++] = (t1 - t0) * 1000.0;
	}
	session_close(&s);
	return NULL;
}

/* Latencies (ms) of n one-row durable commits into a fresh raw SQLite file. */
static int raw_commits(unsigned n, double *lat)
{
	char path[] = "/tmp/bs-bench-raw-XXXXXX";
	sqlite3 *db;
	sqlite3_stmt *st;
	unsigned i;
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
		     " CREATE TABLE record(uid TEXT PRIMARY KEY, data BLOB)", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO record VALUES(?,?)", -1, &st, NULL);
	for (i = 0; i < n; i++) {
		char uid[REC_UID_LEN + 1];
		double t0 = bench_now();
		records_new_uid(uid);
		sqlite3_bind_text(st, 1, uid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(st, 2, g_row, (int)g_row_len, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_reset(st);
		lat[i] = (bench_now() - t0) * 1000.0;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	bench_remove_db(path);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned nsess = 1000, seconds = 20, i, failed = 0, nraw = 300;
	const char *bin = NULL;
	struct client *cl;
	struct keypair *keys;
	double *all, *raw, t0, t1, p50, p99, p999, rawp50, rawp99;
	size_t total = 0, k = 0;
	pthread_attr_t attr;

	for (i = 1; i + 1 < (unsigned)argc; i += 2) {
		if (!strcmp(argv[i], "--sessions"))
			nsess = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--baosongd"))
			bin = argv[i + 1];
	}
	if (nsess == 0 || nsess > 5000 || seconds == 0 || seconds > 600) {
		fprintf(stderr, "usage: bench_latency [--sessions 1..5000] [--seconds 1..600]\n");
		return 64;
	}
	if (sodium_init() < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	bench_raise_nofile(nsess + 256);
	g_row_len = bench_project(1, g_row, sizeof g_row);
	cl = calloc(nsess, sizeof *cl);
	keys = calloc(nsess, sizeof *keys);
	raw = calloc(nraw, sizeof *raw);
	if (!cl || !keys || !raw)
		return 1;
	if (bench_server_init(&g_bs, keys, nsess) != 0 ||
	    bench_server_start(&g_bs, bin, nsess + 100) != 0) {
		bench_server_stop(&g_bs);
		return 1;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_barrier_init(&g_start, NULL, nsess + 1);
	g_deadline = 1e300;
	for (i = 0; i < nsess; i++) {
		cl[i].kp = keys[i];
		if (pthread_create(&cl[i].th, &attr, client_main, &cl[i]) != 0) {
			fprintf(stderr, "bench: thread %u\n", i);
			return 1;
		}
	}
	/* Every session is open (or failed) before the clock starts. */
	g_deadline = bench_now() + 3600;
	pthread_barrier_wait(&g_start);
	t0 = bench_now();
	g_deadline = t0 + seconds;
	for (i = 0; i < nsess; i++) {
		pthread_join(cl[i].th, NULL);
		total += cl[i].n;
		if (cl[i].rv != BS_OK)
			failed++;
	}
	t1 = bench_now();
	bench_server_stop(&g_bs);
	raw_commits(nraw, raw);

	all = malloc((total ? total : 1) * sizeof *all);
	if (!all)
		return 1;
	for (i = 0; i < nsess; i++) {
		memcpy(all + k, cl[i].lat, cl[i].n * sizeof *all);
		k += cl[i].n;
		free(cl[i].lat);
	}
	p50 = bench_percentile(all, total, 50);
	p99 = bench_percentile(all, total, 99);
	p999 = bench_percentile(all, total, 99.9);
	rawp50 = bench_percentile(raw, nraw, 50);
	rawp99 = bench_percentile(raw, nraw, 99);

	printf("baosong push->ack latency (same machine, same disk, same run)\n");
	printf("  sessions, one request in flight  %u (%u failed)\n", nsess, failed);
	printf("  acknowledged pushes              %zu in %.1f s: %.0f/s\n", total, t1 - t0,
	       (double)total / (t1 - t0));
	printf("  push->ack p50 / p99 / p99.9      %.2f / %.2f / %.2f ms\n", p50, p99, p999);
	printf("  raw SQLite 1-row commit p50/p99  %.2f / %.2f ms\n", rawp50, rawp99);
	printf("  Little's law: %u in flight at %.0f/s means a mean of %.1f ms\n", nsess,
	       (double)total / (t1 - t0), (double)nsess / ((double)total / (t1 - t0)) * 1000.0);
	bench_result("3 latency p99", "push->ack p99 ms (p50/p99.9 above)", p99, rawp99,
		     p99 / rawp99, "p99 <= 10 ms", p99 <= 10.0);
	free(all);
	free(raw);
	free(keys);
	free(cl);
	return failed || total == 0 ? 1 : 0;
}
