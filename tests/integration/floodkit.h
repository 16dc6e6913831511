/* floodkit.h - a real baosongd with enrolled devices, attackers that hold or
 * flood connections from their own loopback address, and devices that
 * push; shared by tests/integration/test_flood.c and bench/bench_flood.c.
 *
 * Linux routes all of 127.0.0.0/8 to loopback, so an attacker binds to
 * 127.0.0.2 (or any 127.x) and the server's per-address limits see it apart
 * from the devices on 127.0.0.1. */
#ifndef BS_FLOODKIT_H
#define BS_FLOODKIT_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "keys.h"

#define FK_DEVICES_MAX 64u

struct fk_server {
	char dir[256];
	char log[320];
	char addr[64];           /* 127.0.0.1:PORT */
	int port;
	pid_t pid;
	uint8_t server_pub[KEY_LEN];
	struct keypair dev[FK_DEVICES_MAX];
	uint64_t next_seq[FK_DEVICES_MAX];
	unsigned ndev;
};

/* Make a data directory with one unit and ndev enrolled devices, write an
 * INI file with `extra` lines appended to [server] and start baosongd on
 * 127.0.0.1:0.  nofile > 0: the server runs under that descriptor limit
 * (soft and hard).  Returns 0, or -1 with a message on stderr. */
int fk_server_start(struct fk_server *s, const char *baosongd, unsigned ndev,
		    const char *extra, unsigned nofile);

/* SIGTERM, wait (bounded, then SIGKILL).  Returns the exit status, or -1.
 * keep: leave the directory (to read the log); else it is removed. */
int fk_server_stop(struct fk_server *s);
void fk_server_cleanup(struct fk_server *s, int keep);

/* CPU seconds (user + system) the server process has used so far. */
double fk_server_cpu_s(const struct fk_server *s);

/* Lines of the server log containing needle. */
unsigned fk_log_count(const struct fk_server *s, const char *needle);
/* The numbers of the "handshakes: ..." line written at stop. */
struct fk_hs_stats {
	unsigned long long received, decrypted, rate_delayed, cookies, proofs_ok, proofs_bad;
};
int fk_log_hs_stats(const struct fk_server *s, struct fk_hs_stats *out);

/* ---- attackers ---- */

enum fk_kind {
	FK_IDLE,    /* connect and say nothing */
	FK_SLOW,    /* connect and send one byte of a frame header every 200 ms */
	FK_ENROL,   /* handshake with a fresh key: hold the enrolment-only session */
	FK_REPLAY,  /* send one recorded message 1 again and again (cookie-aware) */
};

struct fk_attack {
	pthread_t th;
	volatile int stop;
	int started;
	enum fk_kind kind;
	char src[32];             /* source address, e.g. 127.0.0.2 */
	unsigned conns;           /* connections kept open or in flight at once */
	unsigned max_new_per_s;   /* 0: as fast as it can */
	unsigned give_up_ms;      /* FK_REPLAY, FK_ENROL: abandon a connection with no
				   * reply after this long and open another (0: wait) */
	const struct fk_server *srv;
	/* results */
	uint64_t opened;          /* connections the kernel completed */
	uint64_t closed;          /* connections the server closed */
	uint64_t msg1_sent;
	uint64_t replies;         /* message 2s received */
	uint64_t cookie_replies;
	uint64_t sessions;        /* enrolment-only sessions opened */
	uint64_t errors;
	uint64_t abandoned;       /* connections given up on (give_up_ms) */
	unsigned held_max;        /* most connections open at once */
};

int fk_attack_start(struct fk_attack *a, const struct fk_server *srv, enum fk_kind kind,
		    const char *src, unsigned conns, unsigned max_new_per_s, unsigned give_up_ms);
void fk_attack_stop(struct fk_attack *a);

/* ---- devices ---- */

struct fk_push_result {
	unsigned sessions, refused;   /* sessions opened; session_open failures */
	unsigned applied, failed;     /* ops acknowledged; requests that failed */
	unsigned cookie_retries;
	int last_err;
};

/* Devices first..first+n-1, each in its own thread, each opening `sessions`
 * sessions one after the other and pushing `ops` ops (one a request) in
 * each.  Sums into *r; returns the elapsed seconds. */
double fk_push(struct fk_server *s, unsigned first, unsigned n, unsigned sessions,
	       unsigned ops, struct fk_push_result *r);

double fk_now_s(void);
void fk_sleep_ms(unsigned ms);

#endif
