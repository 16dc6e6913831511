/* bench_handshake.c - new secure sessions a second against the X25519
 * operations the machine does a second (target 5 of docs/PERFORMANCE.md).
 *
 * An IK responder handshake costs 5 X25519 operations: es and ss reading
 * message 1, its ephemeral key pair, ee and se writing message 2
 * (common/noise.c).  The server keeps ss for devices it has seen
 * (server/net/ss_cache.c), so their later handshakes cost it 4; the bound
 * still divides by 5, as target 5 defines it.  The baseline, measured in the same run, interleaved
 * with the handshake runs, is single-thread crypto_scalarmult calls a
 * second; the bound is that divided by 5.  --threads client threads (16
 * unless told) each open and close sessions with their own device key for
 * --seconds.  The clients share the machine's cores and do as many X25519
 * operations as the server: there must be enough of them to keep the
 * cores busy while each waits for its answers (on the 2-core VM, 8 threads
 * gave 0.48-0.49 of the bound, 16 gave 0.53-0.56).  The machine's idle
 * share is printed with each round.
 *
 *   bench_handshake [--threads T] [--seconds S] [--rounds R] [--baosongd PATH]
 */
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchlib.h"
#include "err.h"
#include "wire.h"

#define DH_PER_RESPONDER_HANDSHAKE 5

struct client {
	pthread_t th;
	struct keypair kp;
	unsigned ok, failed;
};

static struct bench_server g_bs;
static volatile double g_deadline;

static void *client_main(void *arg)
{
	struct client *c = arg;
	while (bench_now() < g_deadline) {
		struct session s;
		if (session_open(&s, g_bs.addr, &c->kp, g_bs.pub, wire_now_ns(), 30000) == BS_OK) {
			c->ok++;
			session_close(&s);
		} else {
			c->failed++;
		}
	}
	return NULL;
}

/* The machine's CPU time so far, all cores, from /proc/stat: busy and
 * idle (idle + iowait) jiffies.  0 when it cannot be read. */
static int cpu_times(unsigned long long *busy, unsigned long long *idle)
{
	unsigned long long v[8] = {0};
	FILE *f = fopen("/proc/stat", "r");
	int n;
	if (!f)
		return -1;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 5)
		return -1;
	*idle = v[3] + v[4];
	*busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
	return 0;
}

/* X25519 operations a second on one thread, for about `seconds`. */
static double x25519_rate(double seconds)
{
	uint8_t sk[32], pk[32], out[32];
	double t0 = bench_now(), t;
	unsigned n = 0;
	randombytes_buf(sk, sizeof sk);
	crypto_scalarmult_base(pk, sk);
	do {
		unsigned k;
		for (k = 0; k < 100; k++) {
			if (crypto_scalarmult(out, sk, pk) != 0)
				return -1;
			pk[0] ^= out[0];
		}
		n += 100;
		t = bench_now();
	} while (t - t0 < seconds);
	return (double)n / (t - t0);
}

int main(int argc, char **argv)
{
	unsigned nth = 16, seconds = 5, rounds = 3, i, r, failed = 0;
	const char *bin = NULL;
	struct client *cl;
	struct keypair *keys;
	double *hs, *dh, *idle, mhs, mdh, bound;

	for (i = 1; i + 1 < (unsigned)argc; i += 2) {
		if (!strcmp(argv[i], "--threads"))
			nth = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--rounds"))
			rounds = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--baosongd"))
			bin = argv[i + 1];
	}
	if (nth == 0 || nth > 256 || seconds == 0 || seconds > 600 || rounds == 0 || rounds > 20) {
		fprintf(stderr, "usage: bench_handshake [--threads 1..256] [--seconds 1..600]"
			" [--rounds 1..20]\n");
		return 64;
	}
	if (sodium_init() < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	cl = calloc(nth, sizeof *cl);
	keys = calloc(nth, sizeof *keys);
	hs = calloc(rounds, sizeof *hs);
	dh = calloc(rounds * 2, sizeof *dh);
	idle = calloc(rounds, sizeof *idle);
	if (!cl || !keys || !hs || !dh || !idle)
		return 1;
	if (bench_server_init(&g_bs, keys, nth) != 0 ||
	    bench_server_start(&g_bs, bin, nth + 100) != 0) {
		bench_server_stop(&g_bs);
		return 1;
	}
	for (r = 0; r < rounds; r++) {
		unsigned ok = 0;
		double t0, t1;
		unsigned long long b0 = 0, i0 = 0, b1 = 0, i1 = 0;
		dh[2 * r] = x25519_rate(1.0);
		memset(cl, 0, nth * sizeof *cl);
		g_deadline = bench_now() + seconds;
		t0 = bench_now();
		cpu_times(&b0, &i0);
		for (i = 0; i < nth; i++) {
			cl[i].kp = keys[i];
			pthread_create(&cl[i].th, NULL, client_main, &cl[i]);
		}
		for (i = 0; i < nth; i++) {
			pthread_join(cl[i].th, NULL);
			ok += cl[i].ok;
			failed += cl[i].failed;
		}
		t1 = bench_now();
		idle[r] = cpu_times(&b1, &i1) == 0 && b1 + i1 > b0 + i0
				  ? 100.0 * (double)(i1 - i0) / (double)(b1 + i1 - b0 - i0)
				  : -1;
		hs[r] = (double)ok / (t1 - t0);
		dh[2 * r + 1] = x25519_rate(1.0);
		printf("  round %u: %.0f handshakes/s; X25519 %.0f and %.0f ops/s around it;"
		       " CPU idle meanwhile %.0f %%\n",
		       r + 1, hs[r], dh[2 * r], dh[2 * r + 1], idle[r]);
		fflush(stdout);
	}
	bench_server_stop(&g_bs);
	mhs = bench_median(hs, rounds);
	mdh = bench_median(dh, rounds * 2);
	bound = mdh / DH_PER_RESPONDER_HANDSHAKE;

	printf("baosong handshakes (same machine, same run; medians of %u)\n", rounds);
	printf("  client threads                   %u (%u handshake(s) failed)\n", nth, failed);
	printf("  CPU idle while they ran          %.0f %% (median; every core of the machine)\n",
	       bench_median(idle, rounds));
	printf("  new sessions a second            %.0f\n", mhs);
	printf("  X25519 operations a second       %.0f (one thread)\n", mdh);
	printf("  bound: X25519/s / %d             %.0f handshakes/s\n", DH_PER_RESPONDER_HANDSHAKE,
	       bound);
	bench_result("5 handshakes", "new sessions/s", mhs, bound, mhs / bound,
		     ">= 0.5x (X25519/s / 5)", mhs / bound >= 0.5);
	for (i = 0; i < nth; i++)
		keys_wipe(&keys[i]);
	free(cl);
	free(keys);
	free(hs);
	free(dh);
	free(idle);
	return failed ? 1 : 0;
}
