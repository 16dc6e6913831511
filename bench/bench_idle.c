/* bench_idle.c - server memory per authenticated idle session (target 4 of
 * docs/PERFORMANCE.md).
 *
 * Raises this process's file-descriptor limit (the server it starts
 * inherits it), starts a real baosongd with one registered device per
 * session, opens --warm sessions, reads the server's resident set, opens
 * the other sessions (handshake done, nothing in flight), lets the server
 * settle and reads it again.  The growth divided by the sessions added is
 * the cost of one idle session.  The baseline, measured in the same run, is
 * the server's resident set with the warm sessions only.
 *
 *   bench_idle [--sessions N] [--threads T] [--baosongd PATH]
 */
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchlib.h"
#include "err.h"
#include "wire.h"

#define WARM 64u

static struct bench_server g_bs;
static struct keypair *g_keys;
static struct session *g_sess;
static int *g_rv;

struct range {
	pthread_t th;
	unsigned from, to;
};

static void *opener(void *arg)
{
	struct range *r = arg;
	unsigned i;
	for (i = r->from; i < r->to; i++)
		g_rv[i] = session_open(&g_sess[i], g_bs.addr, &g_keys[i], g_bs.pub, wire_now_ns(),
				       60000);
	return NULL;
}

/* Open sessions [from, to) with nth threads; returns how many failed. */
static unsigned open_range(unsigned from, unsigned to, unsigned nth)
{
	struct range r[64];
	unsigned i, failed = 0, per = (to - from + nth - 1) / nth;
	for (i = 0; i < nth; i++) {
		r[i].from = from + i * per < to ? from + i * per : to;
		r[i].to = r[i].from + per < to ? r[i].from + per : to;
		pthread_create(&r[i].th, NULL, opener, &r[i]);
	}
	for (i = 0; i < nth; i++)
		pthread_join(r[i].th, NULL);
	for (i = from; i < to; i++)
		if (g_rv[i] != BS_OK)
			failed++;
	return failed;
}

int main(int argc, char **argv)
{
	unsigned n = 10000, nth = 4, i, failed;
	unsigned long lim;
	const char *bin = NULL;
	long rss0, rss1;
	double t0, t1, per;

	for (i = 1; i + 1 < (unsigned)argc; i += 2) {
		if (!strcmp(argv[i], "--sessions"))
			n = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--threads"))
			nth = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--baosongd"))
			bin = argv[i + 1];
	}
	if (n <= WARM || n > 100000 || nth == 0 || nth > 64) {
		fprintf(stderr, "usage: bench_idle [--sessions 65..100000] [--threads 1..64]\n");
		return 64;
	}
	if (sodium_init() < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	lim = bench_raise_nofile((unsigned long)n + 512);
	if (lim < (unsigned long)n + 512) {
		fprintf(stderr, "bench_idle: file-descriptor limit %lu, %u sessions need %u\n", lim,
			n, n + 512);
		return 1;
	}
	g_keys = calloc(n, sizeof *g_keys);
	g_sess = calloc(n, sizeof *g_sess);
	g_rv = calloc(n, sizeof *g_rv);
	if (!g_keys || !g_sess || !g_rv)
		return 1;
	if (bench_server_init(&g_bs, g_keys, n) != 0 ||
	    bench_server_start(&g_bs, bin, n + 100) != 0) {
		bench_server_stop(&g_bs);
		return 1;
	}
	failed = open_range(0, WARM, 1);
	sleep(1);
	rss0 = bench_rss_kib(g_bs.pid);
	t0 = bench_now();
	failed += open_range(WARM, n, nth);
	t1 = bench_now();
	sleep(2);
	rss1 = bench_rss_kib(g_bs.pid);
	per = (double)(rss1 - rss0) / (double)(n - WARM);

	printf("baosong idle sessions (same run)\n");
	printf("  file-descriptor limit raised to  %lu\n", lim);
	printf("  sessions opened                  %u (%u failed) in %.1f s: %.0f handshakes/s\n",
	       n, failed, t1 - t0, (double)(n - WARM) / (t1 - t0));
	printf("  server RSS with %u sessions      %ld KiB\n", WARM, rss0);
	printf("  server RSS with %u sessions   %ld KiB\n", n, rss1);
	printf("  growth per idle session          %.2f KiB\n", per);
	bench_result("4 idle sessions", "server RSS KiB per idle session", per, (double)rss0,
		     per / 4.0, "<= 4 KiB a session", per <= 4.0);
	for (i = 0; i < n; i++)
		if (g_rv[i] == BS_OK)
			session_close(&g_sess[i]);
	bench_server_stop(&g_bs);
	for (i = 0; i < n; i++)
		keys_wipe(&g_keys[i]);
	free(g_keys);
	free(g_sess);
	free(g_rv);
	return failed ? 1 : 0;
}
