/* test_flood.c - nobody can lock the county out: a real baosongd under the
 * attacks of issue 9 section 2, each from its own loopback address
 * (127.0.0.2 ...), while enrolled devices on 127.0.0.1 push.
 *
 * For each attack: no device session is refused, every op is acknowledged,
 * the attacker is held to its address's limits, and the log says so in a
 * bounded number of lines.  The throughput ratios are measured by
 * bench/bench_flood (docs/PERFORMANCE.md); this test is quick (~15 s). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cookie.h"
#include "err.h"
#include "floodkit.h"
#include "frame.h"
#include "handshake.h"
#include "log.h"
#include "wire.h"

#ifndef BAOSONGD_BIN
#define BAOSONGD_BIN "baosongd"
#endif

#define NDEV 4u
#define SESSIONS 3u
#define OPS 20u
#define WATCHDOG_S 60u

/* Small limits so that the attacks reach them quickly. */
#define BASE_CONFIG                                                                         \
	"handshake_timeout_ms = 1500\n"                                                     \
	"enrol_timeout_ms = 1500\n"                                                         \
	"max_connections = 64\n"                                                            \
	"max_unauth_connections = 64\n"                                                     \
	"max_unauth_per_address = 16\n"                                                     \
	"handshakes_per_second = 20\n"                                                      \
	"handshake_burst = 40\n"                                                            \
	"refusal_log_interval_s = 1\n"

struct env {
	struct fk_server srv;
	struct fk_attack atk;
	int passed;
};

static void on_watchdog(int sig)
{
	(void)sig;
	static const char msg[] = "test_flood: watchdog expired\n";
	if (write(2, msg, sizeof msg - 1) < 0)
		_exit(124);
	_exit(124);
}

static int setup_with(void **state, const char *config, unsigned nofile)
{
	static struct env e;
	memset(&e, 0, sizeof e);
	alarm(WATCHDOG_S);
	if (fk_server_start(&e.srv, BAOSONGD_BIN, NDEV, config, nofile) != 0)
		return -1;
	*state = &e;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, BASE_CONFIG "cookie = never\n", 0);
}

static int setup_cookie(void **state)
{
	return setup_with(state, BASE_CONFIG "cookie = always\n", 0);
}

static int setup_fds(void **state)
{
	/* Room for a few connections only, and limits far above it. */
	return setup_with(state,
			  "max_unauth_connections = 1000\nmax_unauth_per_address = 1000\n"
			  "handshakes_per_second = 1000\nhandshake_burst = 1000\n"
			  "refusal_log_interval_s = 1\ncookie = never\n",
			  48);
}

static int teardown(void **state)
{
	struct env *e = *state;
	fk_attack_stop(&e->atk);
	if (e->srv.pid > 0 && fk_server_stop(&e->srv) != 0 && e->passed) {
		fprintf(stderr, "baosongd did not stop cleanly; log %s\n", e->srv.log);
		e->passed = 0;
	}
	if (!e->passed)
		fprintf(stderr, "test failed: files kept in %s (server log %s)\n", e->srv.dir,
			e->srv.log);
	fk_server_cleanup(&e->srv, !e->passed);
	alarm(0);
	return e->passed ? 0 : -1;
}

/* Every device session opens and every op is acknowledged. */
static void devices_unhurt(struct env *e, const char *what, struct fk_push_result *out)
{
	struct fk_push_result r;
	double t = fk_push(&e->srv, 0, NDEV, SESSIONS, OPS, &r);
	printf("  %s: %u sessions, %u refused, %u ops acknowledged in %.2f s (%.0f/s)\n", what,
	       r.sessions, r.refused, r.applied, t, t > 0 ? r.applied / t : 0.0);
	if (r.refused || r.failed)
		fail_msg("%s: %u session(s) refused, %u push(es) failed, last error %s", what,
			 r.refused, r.failed, bs_strerror(r.last_err));
	assert_int_equal(r.sessions, NDEV * SESSIONS);
	assert_int_equal(r.applied, NDEV * SESSIONS * OPS);
	if (out)
		*out = r;
}

/* Wait until the attacker's count reaches want (bounded). */
static void wait_for(volatile uint64_t *counter, uint64_t want, unsigned ms)
{
	unsigned i;
	for (i = 0; i < ms / 10 && *counter < want; i++)
		fk_sleep_ms(10);
	if (*counter < want)
		fail_msg("attacker reached %llu of %llu within %u ms", (unsigned long long)*counter,
			 (unsigned long long)want, ms);
}

/* The log line count of a refusal reason stays bounded: at most ten lines
 * one by one a second (refusal_log_interval_s = 1), plus summaries. */
static void log_bounded(struct env *e, const char *line, double seconds)
{
	unsigned n = fk_log_count(&e->srv, line);
	unsigned max = 10u * (unsigned)(seconds + 2.0);
	printf("  log: %u line(s) '%s', %u summary line(s)\n", n, line,
	       fk_log_count(&e->srv, "more not logged one by one"));
	if (n > max)
		fail_msg("%u log lines '%s' in %.1f s, want at most %u", n, line, seconds, max);
}

/* ---- 1. silent TCP connections -------------------------------------------------------- */

static void test_idle_connections(void **state)
{
	struct env *e = *state;
	double t0 = fk_now_s();
	assert_int_equal(fk_attack_start(&e->atk, &e->srv, FK_IDLE, "127.0.0.2", 300, 3000, 0), 0);
	wait_for(&e->atk.opened, 300, 5000);
	devices_unhurt(e, "idle TCP from 127.0.0.2", NULL);
	/* Beyond the address's 16, refused: held unread, then closed after
	 * the handshake timeout (1.5 s here), so reconnecting gains nothing. */
	wait_for(&e->atk.closed, 1, 4000);
	fk_attack_stop(&e->atk);
	printf("  attacker: %llu connections opened, %llu closed by the server\n",
	       (unsigned long long)e->atk.opened, (unsigned long long)e->atk.closed);
	assert_int_equal(fk_server_stop(&e->srv), 0);
	assert_true(fk_log_count(&e->srv, "refused: address at max_unauth_per_address") > 0);
	log_bounded(e, "refused: address at max_unauth_per_address", fk_now_s() - t0);
	e->passed = 1;
}

/* ---- 2. slow bytes -------------------------------------------------------------------- */

static void test_slow_bytes(void **state)
{
	struct env *e = *state;
	double t0 = fk_now_s();
	assert_int_equal(fk_attack_start(&e->atk, &e->srv, FK_SLOW, "127.0.0.3", 200, 2000, 0), 0);
	wait_for(&e->atk.opened, 200, 5000);
	devices_unhurt(e, "slow bytes from 127.0.0.3", NULL);
	/* The handshake timeout (1.5 s here) ends each slow connection,
	 * however many bytes it trickles. */
	{
		unsigned i;
		for (i = 0; i < 400 && fk_log_count(&e->srv, "no handshake") == 0; i++)
			fk_sleep_ms(10);
	}
	fk_attack_stop(&e->atk);
	assert_int_equal(fk_server_stop(&e->srv), 0);
	assert_true(fk_log_count(&e->srv, "no handshake") > 0);
	log_bounded(e, "closed peer=127.0.0.3", fk_now_s() - t0);
	e->passed = 1;
}

/* ---- 3. enrolment-only sessions ---------------------------------------------------- */

static void test_enrolment_sessions(void **state)
{
	struct env *e = *state;
	double t0 = fk_now_s();
	assert_int_equal(fk_attack_start(&e->atk, &e->srv, FK_ENROL, "127.0.0.4", 200, 0, 0), 0);
	wait_for(&e->atk.sessions, 16, 5000);
	devices_unhurt(e, "enrolment-only sessions from 127.0.0.4", NULL);
	/* Held sessions end after enrol_timeout_ms (1.5 s here). */
	wait_for(&e->atk.closed, 16, 4000);
	fk_attack_stop(&e->atk);
	printf("  attacker: %llu enrolment-only sessions, at most %u connections open at once\n",
	       (unsigned long long)e->atk.sessions, e->atk.held_max);
	assert_int_equal(fk_server_stop(&e->srv), 0);
	log_bounded(e, "not enrolled: enrolment-only session", fk_now_s() - t0);
	e->passed = 1;
}

/* ---- 4. handshake flood: one recorded message 1, replayed --------------------------- */

static void test_handshake_flood(void **state)
{
	struct env *e = *state;
	struct fk_hs_stats hs;
	double t0 = fk_now_s(), dt;
	unsigned long long cap;
	assert_int_equal(fk_attack_start(&e->atk, &e->srv, FK_REPLAY, "127.0.0.5", 16, 0, 50), 0);
	wait_for(&e->atk.msg1_sent, 100, 5000);
	devices_unhurt(e, "replayed handshakes from 127.0.0.5", NULL);
	fk_attack_stop(&e->atk);
	dt = fk_now_s() - t0;
	assert_int_equal(fk_server_stop(&e->srv), 0);
	assert_int_equal(fk_log_hs_stats(&e->srv, &hs), 0);
	/* DH work: the attacker's burst and rate, and the devices' own. */
	cap = 40ull + (unsigned long long)(20.0 * (dt + 1.0)) + NDEV * SESSIONS;
	printf("  attacker sent %llu message 1s in %.1f s; server decrypted %llu (cap %llu), "
	       "%llu delayed by the rate\n",
	       (unsigned long long)e->atk.msg1_sent, dt, hs.decrypted, cap, hs.rate_delayed);
	assert_true(e->atk.msg1_sent > cap);
	assert_true(hs.decrypted <= cap);
	assert_true(hs.rate_delayed > 0);
	log_bounded(e, "address over handshakes_per_second", dt);
	e->passed = 1;
}

/* ---- 5. the cookie reply ----------------------------------------------------------- */

/* Connect from src, send data, read one frame (body into buf).  Returns the
 * body length, or -1 if the server closed first or nothing came. */
static long raw_exchange(const struct env *e, const char *src, const uint8_t *data, size_t len,
			 uint8_t *buf, size_t cap)
{
	struct sockaddr_in a, b;
	struct pollfd pf;
	size_t have = 0, need = 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	inet_pton(AF_INET, src, &a.sin_addr);
	memset(&b, 0, sizeof b);
	b.sin_family = AF_INET;
	b.sin_port = htons((uint16_t)e->srv.port);
	inet_pton(AF_INET, "127.0.0.1", &b.sin_addr);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&b, sizeof b), 0);
	assert_int_equal(send(fd, data, len, MSG_NOSIGNAL), (ssize_t)len);
	pf.fd = fd;
	pf.events = POLLIN;
	for (;;) {
		ssize_t r;
		if (poll(&pf, 1, 3000) != 1)
			break;
		r = recv(fd, buf + have, cap - have, 0);
		if (r <= 0)
			break;
		have += (size_t)r;
		if (have >= FRAME_HDR) {
			need = ((size_t)buf[0] << 24) | ((size_t)buf[1] << 16) |
			       ((size_t)buf[2] << 8) | buf[3];
			if (have >= FRAME_HDR + need) {
				memmove(buf, buf + FRAME_HDR, need);
				close(fd);
				return (long)need;
			}
		}
	}
	close(fd);
	return -1;
}

static void test_cookie_reply(void **state)
{
	struct env *e = *state;
	struct fk_push_result r;
	struct keypair kp;
	struct noise_hs hs;
	uint8_t m1[HS_FRAME_MAX], buf[1024], cookie[COOKIE_LEN];
	uint8_t retry[FRAME_HDR + COOKIE_PROOF_LEN + HS_FRAME_MAX];
	size_t m1len = 0;
	long n;

	/* The C client retries with the proof by itself. */
	devices_unhurt(e, "cookie = always", &r);
	assert_int_equal(r.cookie_retries, NDEV * SESSIONS);

	/* A message 1 without a proof gets a cookie reply and no message 2. */
	assert_int_equal(keys_generate(&kp), BS_OK);
	assert_int_equal(hs_client_start(&hs, &kp, e->srv.server_pub, wire_now_ns(), m1, sizeof m1,
					 &m1len),
			 BS_OK);
	n = raw_exchange(e, "127.0.0.6", m1, m1len, buf, sizeof buf);
	assert_int_equal(n, COOKIE_REPLY_LEN);
	assert_true(cookie_is_reply(buf, (size_t)n));
	/* Sealed to that message 1 and this server: another message's bytes
	 * do not open it. */
	{
		uint8_t other[COOKIE_AD_LEN + 1];
		memset(other, 7, sizeof other);
		assert_int_not_equal(cookie_reply_open(e->srv.server_pub, other, sizeof other, buf,
						       (size_t)n, cookie),
				     BS_OK);
	}
	assert_int_equal(cookie_reply_open(e->srv.server_pub, m1 + FRAME_HDR, m1len - FRAME_HDR,
					   buf, (size_t)n, cookie),
			 BS_OK);
	frame_put_header(retry, COOKIE_PROOF_LEN);
	cookie_proof_build(cookie, m1 + FRAME_HDR, m1len - FRAME_HDR, retry + FRAME_HDR);
	memcpy(retry + FRAME_HDR + COOKIE_PROOF_LEN, m1, m1len);

	/* The proof from another address is worth nothing: a cookie again. */
	n = raw_exchange(e, "127.0.0.7", retry, FRAME_HDR + COOKIE_PROOF_LEN + m1len, buf,
			 sizeof buf);
	assert_int_equal(n, COOKIE_REPLY_LEN);
	/* A wrong mac neither. */
	retry[FRAME_HDR + COOKIE_MAGIC_LEN] ^= 1;
	n = raw_exchange(e, "127.0.0.6", retry, FRAME_HDR + COOKIE_PROOF_LEN + m1len, buf,
			 sizeof buf);
	assert_int_equal(n, COOKIE_REPLY_LEN);
	retry[FRAME_HDR + COOKIE_MAGIC_LEN] ^= 1;
	/* From its own address the proof gets the handshake: message 2 (an
	 * enrolment-only session for this unknown key). */
	n = raw_exchange(e, "127.0.0.6", retry, FRAME_HDR + COOKIE_PROOF_LEN + m1len, buf,
			 sizeof buf);
	assert_true(n > 0 && !cookie_is_reply(buf, (size_t)n));
	{
		struct hs_server_info info;
		struct channel ch;
		assert_int_equal(hs_client_finish(&hs, buf, (size_t)n, &info, &ch), BS_OK);
		channel_wipe(&ch);
	}
	noise_hs_wipe(&hs);
	keys_wipe(&kp);
	sodium_memzero(cookie, sizeof cookie);
	assert_int_equal(fk_server_stop(&e->srv), 0);
	{
		struct fk_hs_stats st;
		assert_int_equal(fk_log_hs_stats(&e->srv, &st), 0);
		printf("  cookies sent %llu, proofs good %llu, bad %llu\n", st.cookies, st.proofs_ok,
		       st.proofs_bad);
		assert_int_equal(st.proofs_bad, 2);
		assert_int_equal(st.proofs_ok, NDEV * SESSIONS + 1);
	}
	e->passed = 1;
}

/* ---- 6. out of file descriptors -------------------------------------------------- */

static void test_out_of_descriptors(void **state)
{
	struct env *e = *state;
	struct fk_push_result r;
	unsigned i;

	/* The start-up warning: 48 descriptors, limits that need far more. */
	assert_true(fk_log_count(&e->srv, "file descriptor limit 48 is below") == 1);
	assert_int_equal(fk_attack_start(&e->atk, &e->srv, FK_IDLE, "127.0.0.8", 100, 0, 0), 0);
	for (i = 0; i < 300 && fk_log_count(&e->srv, "out of file descriptors") == 0; i++)
		fk_sleep_ms(10);
	assert_true(fk_log_count(&e->srv, "out of file descriptors") > 0);
	/* While they are held, connections are closed, not left hanging... */
	fk_attack_stop(&e->atk);
	fk_sleep_ms(300);
	/* ...and once descriptors are free the server accepts again. */
	fk_push(&e->srv, 0, 1, 1, 5, &r);
	if (r.refused || r.applied != 5)
		fail_msg("after the flood: %u refused, %u applied (%s)", r.refused, r.applied,
			 bs_strerror(r.last_err));
	assert_int_equal(fk_server_stop(&e->srv), 0);
	log_bounded(e, "out of file descriptors", 5.0);
	e->passed = 1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_idle_connections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slow_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enrolment_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handshake_flood, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookie_reply, setup_cookie, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_descriptors, setup_fds, teardown),
	};
	if (sodium_init() < 0)
		return 1;
	log_setup("test_flood", LOG_WARN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_watchdog);
	setvbuf(stdout, NULL, _IONBF, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
