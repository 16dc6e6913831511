/* benchlib.h - what the network benchmarks share: a real baosongd on
 * 127.0.0.1 with a fresh database and registered device keys, a realistic
 * project record, one acknowledged push, percentiles, and the one result
 * line scripts/bench gathers into its table.
 *
 * Every benchmark prints, besides its own report, one line per target:
 *   RESULT|target|measure|value|baseline|ratio|goal|met
 * measured against a baseline taken in the same run (docs/PERFORMANCE.md). */
#ifndef BS_BENCHLIB_H
#define BS_BENCHLIB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "keys.h"
#include "net.h"
#include "records.h"

struct bench_server {
	char dir[64];        /* temporary data directory, removed by stop */
	char addr[64];       /* 127.0.0.1:PORT */
	uint8_t pub[KEY_LEN];
	pid_t pid;
	char extra[256];     /* lines added to [server] of its configuration (set
			      * between bench_server_init and _start; "" none) */
};

/* Seconds on the monotonic clock. */
double bench_now(void);

/* Create a data directory with a server key and a database holding 10
 * townships and one reporter device per key in keys[0..ndev) (generated
 * here).  Returns 0 or -1 (message on stderr). */
int bench_server_init(struct bench_server *bs, struct keypair *keys, unsigned ndev);
/* Start baosongd (bin, or the one built beside the benchmark when NULL)
 * on that directory with max_conns device sessions and the per-address
 * limits raised (every client is 127.0.0.1); waits for its port.
 * Returns 0 or -1. */
int bench_server_start(struct bench_server *bs, const char *bin, unsigned max_conns);
/* SIGTERM, wait, remove the directory.  Returns the exit status or -1. */
int bench_server_stop(struct bench_server *bs);
/* Resident set of the server in KiB (VmRSS), or -1. */
long bench_rss_kib(pid_t pid);

/* A ~250-byte encoded project record, varied by i. */
size_t bench_project(unsigned i, uint8_t *out, size_t cap);

/* Push n ops (seqs seq..seq+n-1, new uids, payload row) in one request
 * and check every receipt says applied.  Returns BS_OK or an error. */
int bench_push(struct session *s, uint64_t seq, unsigned n, const uint8_t *row, size_t row_len);

/* The p-th percentile (0..100) of v[0..n), sorting v. */
double bench_percentile(double *v, size_t n, double p);
/* Median of v[0..n) (sorts v). */
double bench_median(double *v, size_t n);
/* Remove a SQLite database file and its -wal and -shm files (a baseline's
 * scratch database). */
void bench_remove_db(const char *path);

/* One result line (see the top of this file). */
void bench_result(const char *target, const char *measure, double value, double baseline,
		  double ratio, const char *goal, int met);

/* Raise RLIMIT_NOFILE to at least want (up to the hard limit); returns the
 * soft limit now in force. */
unsigned long bench_raise_nofile(unsigned long want);

#endif
