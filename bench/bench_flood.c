/* bench_flood.c - enrolled devices' push throughput while one address
 * attacks the server, against the same pushes with no attacker, measured in
 * the same run (issue 9 section 2; docs/PERFORMANCE.md).
 *
 * Each phase starts a fresh baosongd with the shipped defaults
 * (dist/baosongd.ini values), runs the devices' workload - N devices on
 * 127.0.0.1, each opening S sessions one after the other and pushing M ops
 * one a request, waiting for each durable receipt - and stops the server,
 * which logs its handshake counters.  The attacks, each from its own
 * address (127.0.0.2 ...), start half a second before the devices:
 *
 *   idle       2000 silent TCP connections, reopened as soon as closed
 *   slow       2000 connections trickling a frame header a byte at a time
 *   enrol      handshakes with fresh keys, holding enrolment-only sessions
 *   handshake  one recorded message 1 replayed on 2 x 64 connections as fast
 *              as they go (cookie-aware: it answers cookie replies)
 *
 * Rounds interleave baseline and attacks; the ratio reported is the median
 * over rounds of (ops/s under attack) / (ops/s of that round's baseline).
 * The attacker runs on the same cores as the server and the devices.
 *
 *   bench_flood [--devices N] [--sessions S] [--ops M] [--rounds R]
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

#define ROUNDS_MAX 15u

enum phase { PH_BASE, PH_IDLE, PH_SLOW, PH_ENROL, PH_HANDSHAKE, PH_COUNT };

static const char *const ph_name[PH_COUNT] = {"no attacker", "idle TCP", "slow bytes",
					      "enrolment-only", "handshake flood"};
static const double ph_target[PH_COUNT] = {0, 0.90, 0.90, 0.90, 0.70};

struct result {
	double rate;               /* device ops acknowledged per second */
	double secs;
	double server_cpu;         /* server CPU seconds during the devices' pushes */
	struct fk_push_result push;
	struct fk_hs_stats hs;
	uint64_t atk_opened, atk_msg1, atk_cookies, atk_sessions;
	int ok;
};

static unsigned g_devices = 10, g_sessions = 4, g_ops = 200;

static int run_phase(enum phase ph, struct result *out)
{
	struct fk_server srv;
	struct fk_attack atk[2];
	unsigned natk = 0, i;
	int rv = -1;

	memset(out, 0, sizeof *out);
	memset(atk, 0, sizeof atk);
	if (fk_server_start(&srv, BAOSONGD_BIN, g_devices, "", 0) != 0)
		goto out;
	switch (ph) {
	case PH_BASE:
		break;
	case PH_IDLE:
		natk = fk_attack_start(&atk[0], &srv, FK_IDLE, "127.0.0.2", 2000, 0, 0) == 0;
		break;
	case PH_SLOW:
		natk = fk_attack_start(&atk[0], &srv, FK_SLOW, "127.0.0.3", 2000, 0, 0) == 0;
		break;
	case PH_ENROL:
		natk = fk_attack_start(&atk[0], &srv, FK_ENROL, "127.0.0.4", 256, 0, 100) == 0;
		break;
	case PH_HANDSHAKE:
		natk = fk_attack_start(&atk[0], &srv, FK_REPLAY, "127.0.0.5", 64, 0, 100) == 0;
		natk += fk_attack_start(&atk[1], &srv, FK_REPLAY, "127.0.0.5", 64, 0, 100) == 0;
		break;
	default:
		break;
	}
	if (ph != PH_BASE)
		fk_sleep_ms(500);
	out->server_cpu = fk_server_cpu_s(&srv);
	out->secs = fk_push(&srv, 0, g_devices, g_sessions, g_ops, &out->push);
	out->server_cpu = fk_server_cpu_s(&srv) - out->server_cpu;
	for (i = 0; i < natk; i++) {
		fk_attack_stop(&atk[i]);
		out->atk_opened += atk[i].opened;
		out->atk_msg1 += atk[i].msg1_sent;
		out->atk_cookies += atk[i].cookie_replies;
		out->atk_sessions += atk[i].sessions;
	}
	out->rate = out->secs > 0 ? out->push.applied / out->secs : 0;
	if (fk_server_stop(&srv) != 0 || fk_log_hs_stats(&srv, &out->hs) != 0) {
		fprintf(stderr, "bench_flood: the server did not stop cleanly; log %s\n", srv.log);
		fk_server_cleanup(&srv, 1);
		return -1;
	}
	out->ok = out->push.refused == 0 && out->push.failed == 0 &&
		  out->push.applied == g_devices * g_sessions * g_ops;
	rv = 0;
out:
	fk_server_cleanup(&srv, rv != 0);
	return rv;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static struct result res[ROUNDS_MAX][PH_COUNT];
	unsigned rounds = 3, r, i;
	int p, all_ok = 1;

	for (i = 1; i + 1 < (unsigned)argc; i += 2) {
		if (!strcmp(argv[i], "--devices"))
			g_devices = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--sessions"))
			g_sessions = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--ops"))
			g_ops = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--rounds"))
			rounds = (unsigned)atoi(argv[i + 1]);
	}
	if (g_devices == 0 || g_devices > FK_DEVICES_MAX || g_sessions == 0 || g_sessions > 100 ||
	    g_ops == 0 || g_ops > 100000 || rounds == 0 || rounds > ROUNDS_MAX) {
		fprintf(stderr, "usage: bench_flood [--devices 1..%u] [--sessions 1..100] "
				"[--ops 1..100000] [--rounds 1..%u]\n",
			FK_DEVICES_MAX, ROUNDS_MAX);
		return 64;
	}
	if (sodium_init() < 0)
		return 1;
	log_setup("bench_flood", LOG_WARN);
	signal(SIGPIPE, SIG_IGN);

	for (r = 0; r < rounds; r++)
		for (p = 0; p < PH_COUNT; p++) {
			if (run_phase((enum phase)p, &res[r][p]) != 0)
				return 1;
			fprintf(stderr, "round %u %-16s %8.0f ops/s, server CPU %3.0f%%%s\n", r + 1,
				ph_name[p], res[r][p].rate,
				100.0 * res[r][p].server_cpu / res[r][p].secs,
				res[r][p].ok ? "" : "  (devices refused or failed)");
		}

	printf("baosong under attack from one address (same machine, same run; %u round(s))\n",
	       rounds);
	printf("  devices: %u on 127.0.0.1, %u session(s) each, %u op(s) per session, one op "
	       "a request\n", g_devices, g_sessions, g_ops);
	printf("  server: shipped defaults: 64 unauthenticated connections and 50 handshakes/s "
	       "(burst 100) per address, cookies when under load\n\n");
	printf("  %-16s %10s %8s %8s %9s %12s %12s %10s\n", "attack", "ops/s", "ratio", "target",
	       "refused", "atk conns/s", "atk msg1/s", "DH/s");
	for (p = 0; p < PH_COUNT; p++) {
		double ratios[ROUNDS_MAX], rate = 0, secs = 0, ratio;
		uint64_t refused = 0, opened = 0, msg1 = 0, dh = 0;
		for (r = 0; r < rounds; r++) {
			const struct result *x = &res[r][p];
			ratios[r] = res[r][PH_BASE].rate > 0 ? x->rate / res[r][PH_BASE].rate : 0;
			rate += x->rate;
			secs += x->secs;
			refused += x->push.refused + x->push.failed;
			opened += x->atk_opened;
			msg1 += x->atk_msg1;
			dh += x->hs.decrypted;
			if (!x->ok)
				all_ok = 0;
		}
		qsort(ratios, rounds, sizeof ratios[0], cmp_double);
		ratio = ratios[rounds / 2];
		if (p == PH_BASE)
			printf("  %-16s %10.0f %8s %8s %9llu %12s %12s %10.1f\n", ph_name[p],
			       rate / rounds, "1.00", "", (unsigned long long)refused, "-", "-",
			       (double)dh / secs);
		else
			printf("  %-16s %10.0f %8.2f %7.0f%% %9llu %12.0f %12.0f %10.1f  %s\n",
			       ph_name[p], rate / rounds, ratio, ph_target[p] * 100,
			       (unsigned long long)refused, (double)opened / secs, (double)msg1 / secs,
			       (double)dh / secs,
			       ratio >= ph_target[p] ? "met" : "NOT MET");
	}
	printf("\n  ratio: median over rounds of ops/s under attack / ops/s of the round's "
	       "baseline\n");
	printf("  DH/s: message 1s the server decrypted per second of the phase, devices' "
	       "included (%u a phase);\n        the cap for one address is 50/s after a burst "
	       "of 100 (handshakes_per_second, handshake_burst)\n", g_devices * g_sessions);
	printf("  refused: device sessions refused plus pushes failed (must be 0)\n");
	return all_ok ? 0 : 1;
}
