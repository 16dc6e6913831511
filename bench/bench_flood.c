/* bench_flood.c - enrolled devices' push throughput while one address
 * attacks the server, against the same pushes with no attacker, measured in
 * the same run on the same server (issue 9 section 2; docs/PERFORMANCE.md).
 *
 * For each attack a fresh baosongd starts with the shipped defaults
 * (dist/baosongd.ini).  Then windows alternate: the devices' workload with
 * no attacker (B), the same workload while the attacker runs (A), B, A, ...,
 * B.  The workload: N devices on 127.0.0.1, each opening S sessions one
 * after the other and pushing M ops in each, one op a request, each waiting
 * for its durable receipt.  Each A is compared with the mean of the B on
 * either side, so slow drifts of a shared machine (disk, other work) cancel
 * out; the ratio reported is the median over the A windows.  The attacks,
 * each from its own address, start 300 ms before their window:
 *
 *   idle       2000 silent TCP connections, reopened as soon as closed
 *   slow       2000 connections trickling a frame header a byte at a time
 *   enrol      256 connections doing handshakes with fresh keys and holding
 *              the enrolment-only sessions, reconnecting whatever is closed
 *   handshake  one recorded message 1 replayed on 2 x 64 connections as fast
 *              as they go (answering cookie replies), abandoning a
 *              connection with no answer in 100 ms
 *
 * The attacker runs on the same cores as the server and the devices.
 *
 *   bench_flood [--devices N] [--sessions S] [--ops M] [--windows K]
 */
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "floodkit.h"
#include "log.h"

#ifndef BAOSONGD_BIN
#define BAOSONGD_BIN "baosongd"
#endif

#define WINDOWS_MAX 20u

enum attack { AT_IDLE, AT_SLOW, AT_ENROL, AT_HANDSHAKE, AT_COUNT };

static const char *const at_name[AT_COUNT] = {"idle TCP", "slow bytes", "enrolment-only",
					      "handshake flood"};
static const double at_target[AT_COUNT] = {0.90, 0.90, 0.90, 0.70};

static unsigned g_devices = 10, g_sessions = 2, g_ops = 100, g_windows = 7;
/* The shipped per-address handshake rate and burst (dist/baosongd.ini). */
#define HS_RATE 50.0
#define HS_BURST 100.0

struct summary {
	double base_rate, atk_rate, ratio;      /* means; median ratio */
	double base_cpu, atk_cpu;               /* server CPU share in the windows */
	double atk_secs;                        /* devices' time in attacked windows */
	double atk_wall;                        /* attacker running, all windows */
	unsigned long long refused;             /* device sessions refused + pushes failed */
	unsigned long long atk_opened, atk_msg1, atk_cookies, atk_sessions;
	struct fk_hs_stats hs;
	unsigned long long device_handshakes;
};

static int start_attack(struct fk_attack *atk, const struct fk_server *srv, enum attack at)
{
	switch (at) {
	case AT_IDLE:
		return fk_attack_start(&atk[0], srv, FK_IDLE, "127.0.0.2", 2000, 0, 0) == 0;
	case AT_SLOW:
		return fk_attack_start(&atk[0], srv, FK_SLOW, "127.0.0.3", 2000, 0, 0) == 0;
	case AT_ENROL:
		return fk_attack_start(&atk[0], srv, FK_ENROL, "127.0.0.4", 256, 0, 0) == 0;
	case AT_HANDSHAKE:
		return (fk_attack_start(&atk[0], srv, FK_REPLAY, "127.0.0.5", 64, 0, 100) == 0) +
		       (fk_attack_start(&atk[1], srv, FK_REPLAY, "127.0.0.5", 64, 0, 100) == 0);
	default:
		return 0;
	}
}

/* One window of the devices' workload: ops/s; adds failures to *refused. */
static double window(struct fk_server *srv, unsigned long long *refused, double *cpu,
		     double *secs)
{
	struct fk_push_result r;
	double c0 = fk_server_cpu_s(srv), t;
	t = fk_push(srv, 0, g_devices, g_sessions, g_ops, &r);
	*cpu = t > 0 ? (fk_server_cpu_s(srv) - c0) / t : 0;
	*refused += r.refused + r.failed;
	if (r.refused + r.failed)
		fprintf(stderr, "  devices: %u refused, %u failed (%s)\n", r.refused, r.failed,
			bs_strerror(r.last_err));
	if (secs)
		*secs = t;
	return t > 0 ? r.applied / t : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int run_attack(enum attack at, struct summary *out)
{
	struct fk_server srv;
	double base[WINDOWS_MAX + 1], atk[WINDOWS_MAX], ratio[WINDOWS_MAX], cpu, secs;
	unsigned k, i;

	memset(out, 0, sizeof *out);
	if (fk_server_start(&srv, BAOSONGD_BIN, g_devices, "", 0) != 0)
		return -1;
	base[0] = window(&srv, &out->refused, &cpu, NULL);
	out->base_cpu += cpu;
	for (k = 0; k < g_windows; k++) {
		struct fk_attack a[2];
		unsigned n;
		memset(a, 0, sizeof a);
		double t0 = fk_now_s();
		n = (unsigned)start_attack(a, &srv, at);
		fk_sleep_ms(300);
		atk[k] = window(&srv, &out->refused, &cpu, &secs);
		out->atk_cpu += cpu;
		out->atk_secs += secs;
		for (i = 0; i < n; i++) {
			fk_attack_stop(&a[i]);
			out->atk_opened += a[i].opened;
			out->atk_msg1 += a[i].msg1_sent;
			out->atk_cookies += a[i].cookie_replies;
			out->atk_sessions += a[i].sessions;
		}
		out->atk_wall += fk_now_s() - t0;
		fk_sleep_ms(200);
		base[k + 1] = window(&srv, &out->refused, &cpu, NULL);
		out->base_cpu += cpu;
		ratio[k] = atk[k] / ((base[k] + base[k + 1]) / 2);
		fprintf(stderr, "%-16s window %u: %6.0f ops/s attacked, %6.0f / %6.0f around: %.2f\n",
			at_name[at], k + 1, atk[k], base[k], base[k + 1], ratio[k]);
	}
	if (fk_server_stop(&srv) != 0 || fk_log_hs_stats(&srv, &out->hs) != 0) {
		fprintf(stderr, "bench_flood: the server did not stop cleanly; log %s\n", srv.log);
		fk_server_cleanup(&srv, 1);
		return -1;
	}
	fk_server_cleanup(&srv, 0);
	for (k = 0; k <= g_windows; k++)
		out->base_rate += base[k] / (g_windows + 1);
	for (k = 0; k < g_windows; k++)
		out->atk_rate += atk[k] / g_windows;
	out->base_cpu /= g_windows + 1;
	out->atk_cpu /= g_windows;
	qsort(ratio, g_windows, sizeof ratio[0], cmp_double);
	out->ratio = g_windows % 2 ? ratio[g_windows / 2]
				   : (ratio[g_windows / 2 - 1] + ratio[g_windows / 2]) / 2;
	out->device_handshakes = (unsigned long long)g_devices * g_sessions * (2 * g_windows + 1);
	return 0;
}

int main(int argc, char **argv)
{
	struct summary res[AT_COUNT];
	unsigned i;
	int a, ok = 1;

	for (i = 1; i + 1 < (unsigned)argc; i += 2) {
		if (!strcmp(argv[i], "--devices"))
			g_devices = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--sessions"))
			g_sessions = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--ops"))
			g_ops = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--windows"))
			g_windows = (unsigned)atoi(argv[i + 1]);
	}
	if (g_devices == 0 || g_devices > FK_DEVICES_MAX || g_sessions == 0 || g_sessions > 100 ||
	    g_ops == 0 || g_ops > 100000 || g_windows == 0 || g_windows > WINDOWS_MAX) {
		fprintf(stderr, "usage: bench_flood [--devices 1..%u] [--sessions 1..100] "
				"[--ops 1..100000] [--windows 1..%u]\n",
			FK_DEVICES_MAX, WINDOWS_MAX);
		return 64;
	}
	if (sodium_init() < 0)
		return 1;
	log_setup("bench_flood", LOG_WARN);
	signal(SIGPIPE, SIG_IGN);
	for (a = 0; a < AT_COUNT; a++)
		if (run_attack((enum attack)a, &res[a]) != 0)
			return 1;

	printf("baosong under attack from one address (same machine, same server, same run)\n");
	printf("  devices: %u on 127.0.0.1, %u session(s) each per window, %u op(s) a session, "
	       "one op a request\n", g_devices, g_sessions, g_ops);
	printf("  server: shipped defaults: 64 unauthenticated connections and 50 handshakes/s "
	       "(burst 100) per address,\n          refused connections held unread 5 s, "
	       "cookies when under load\n");
	printf("  windows: %u attacked, each between two without attacker\n\n", g_windows);
	printf("  %-16s %8s %8s %6s %7s %7s %8s %10s %10s %7s %7s\n", "attack", "base/s",
	       "attack/s", "ratio", "target", "refused", "srv CPU", "atk conn/s", "atk msg1/s",
	       "atk DH", "DH cap");
	for (a = 0; a < AT_COUNT; a++) {
		const struct summary *x = &res[a];
		double secs = x->atk_secs > 0 ? x->atk_secs : 1;
		/* DH work for the attacker: every message 1 decrypted but the
		 * devices' own.  Its cap: a full bucket at each attacked window
		 * (the bucket refills in between) plus the rate while it runs. */
		unsigned long long dh = x->hs.decrypted > x->device_handshakes
						? x->hs.decrypted - x->device_handshakes
						: 0;
		double cap = g_windows * HS_BURST + HS_RATE * x->atk_wall;
		int met = x->ratio >= at_target[a] && x->refused == 0 && (double)dh <= cap;
		printf("  %-16s %8.0f %8.0f %6.2f %6.0f%% %7llu %3.0f/%3.0f%% %10.0f %10.0f %7llu "
		       "%7.0f  %s\n",
		       at_name[a], x->base_rate, x->atk_rate, x->ratio, at_target[a] * 100, x->refused,
		       x->base_cpu * 100, x->atk_cpu * 100, (double)x->atk_opened / secs,
		       (double)x->atk_msg1 / secs, dh, cap, met ? "met" : "NOT MET");
		if (!met)
			ok = 0;
	}
	printf("\n  ratio: median over the attacked windows of ops/s / mean ops/s of the two "
	       "windows around it\n");
	printf("  refused: device sessions refused plus pushes failed, all windows (must be 0)\n");
	printf("  srv CPU: server process CPU share without / with the attacker\n");
	printf("  atk conn/s, atk msg1/s: connections the attacker opened, message 1s it sent, "
	       "per second of the devices' attacked time\n");
	printf("  atk DH: the attacker's message 1s the server decrypted (each costs two DH, and "
	       "two more for message 2),\n          all windows; DH cap: what the address rate "
	       "allows: %u x burst 100 + 50/s x %.1f s of attack\n",
	       g_windows, res[AT_HANDSHAKE].atk_wall);
	printf("  handshake flood: %llu message 1s received, %llu decrypted (devices' %llu "
	       "included), %llu delayed by the address rate, %llu cookie replies\n",
	       res[AT_HANDSHAKE].hs.received, res[AT_HANDSHAKE].hs.decrypted,
	       res[AT_HANDSHAKE].device_handshakes, res[AT_HANDSHAKE].hs.rate_delayed,
	       res[AT_HANDSHAKE].hs.cookies);
	return ok ? 0 : 1;
}
