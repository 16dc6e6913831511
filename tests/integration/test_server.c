/* test_server.c - integration tests: the real baosongd on loopback, driven by
 * the real baosong CLI and, for the low-level cases, by the client's own
 * session code (client/core/net.c) and common/.
 *
 * Every test gets a fresh temporary directory with a server key, client keys
 * (made by the real keygen commands), a database DIR/data/baosong.db made by
 * the real administrator commands (`baosongd init`, `unit add`, `device add`
 * for every client key but MALLORY's) and its own baosongd process (`serve
 * --listen 127.0.0.1:0 --port-file ... --data DIR/data`, stderr to
 * DIR/server.log).  The teardown stops the server with SIGTERM, requires exit
 * status 0 within 5 s (SIGKILL and failure otherwise), and removes the
 * directory unless the test failed, in which case it says where the log is.
 *
 * Nothing is left running: teardown runs after a failed assertion, an atexit
 * handler kills a server still recorded, a SIGALRM watchdog bounds each test,
 * and the children get PR_SET_PDEATHSIG so they die with this process.
 *
 * BAOSONGD_BIN and BAOSONG_BIN (compile definitions) name the binaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bs_limits.h"
#include "channel.h"
#include "err.h"
#include "frame.h"
#include "handshake.h"
#include "keys.h"
#include "net.h"
#include "op_digest.h"
#include "wire.h"

#ifndef BAOSONGD_BIN
#error "BAOSONGD_BIN must name the baosongd binary"
#endif
#ifndef BAOSONG_BIN
#error "BAOSONG_BIN must name the baosong binary"
#endif

#define PORT_WAIT_MS 10000u     /* server start-up: port file must appear */
#define STOP_WAIT_MS 5000u      /* SIGTERM to exit, then SIGKILL and fail */
#define CMD_WAIT_MS 20000u      /* a CLI run */
#define CLIENT_TIMEOUT_MS 5000u /* every client-side network wait */
#define WATCHDOG_S 90u          /* a whole test, setup and teardown included */
#define SHORT_HS_MS 300u        /* --handshake-timeout for the silent-client test */
#define MANY_SESSIONS 50
#define MANY_PINGS 10
#define TEXT_MAX 16384
#define UNIT_CODE "xinzhen"
#define UNIT_NAME "新镇"

enum { ALICE, BOB, MALLORY, NCLIENTS }; /* MALLORY is never registered */
static const char *const client_names[NCLIENTS] = {"alice", "bob", "mallory"};

struct cfg {
	unsigned handshake_timeout_ms; /* 0: server default */
	unsigned nmany;                /* extra in-process keys, registered */
};

struct env {
	char dir[256];
	char server_key[320], server_pub_path[320], data[320], db[320], port_file[320],
		log[320], cli_out[320], cli_err[320];
	char client_key[NCLIENTS][320];
	long long device_id[NCLIENTS]; /* from `device add`; 0 for MALLORY */
	struct keypair kp[NCLIENTS];
	struct keypair many[MANY_SESSIONS];
	unsigned nmany;
	uint8_t server_pub[KEY_LEN];
	char server_fp[FP_STRLEN + 1];
	char hostport[64];
	int port;
	pid_t pid;        /* running server, or 0 */
	int exit_status;  /* of the last server stopped (-1: did not stop) */
	int passed;       /* set as the last statement of a test */
	char out[TEXT_MAX], err[TEXT_MAX]; /* last CLI run */
};

/* For the safeguards: the signal handler and atexit only read these. */
static volatile sig_atomic_t g_server_pid;
static volatile sig_atomic_t g_child_pid;

/* ---- small helpers ------------------------------------------------------------ */

#define assert_bs(got, want)                                                              \
	do {                                                                              \
		int got_ = (got), want_ = (want);                                         \
		if (got_ != want_)                                                        \
			fail_msg("%s: got %s (%d), want %s (%d)", #got, bs_errname(got_),  \
				 got_, bs_errname(want_), want_);                         \
	} while (0)

#define assert_contains(hay, needle)                                                      \
	do {                                                                              \
		if (!strstr((hay), (needle)))                                             \
			fail_msg("'%s' not found in:\n%s", (needle), (hay));              \
	} while (0)

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000u, .tv_nsec = (long)(ms % 1000u) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void path_in(const struct env *e, char *out, size_t cap, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", e->dir, name);
	assert_true(n > 0 && (size_t)n < cap);
}

/* Whole file as a string (truncated to cap - 1); "" if missing. */
static void read_text(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "re");
	size_t n = 0;
	buf[0] = '\0';
	if (!f)
		return;
	n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static unsigned count_in_file(const char *path, const char *needle)
{
	static char buf[1 << 20];
	unsigned n = 0;
	const char *p;
	read_text(path, buf, sizeof buf);
	for (p = strstr(buf, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Wait (bounded) until the server log holds at least n copies of needle. */
static void wait_log_count(const struct env *e, const char *needle, unsigned n,
			   unsigned timeout_ms)
{
	uint64_t deadline = mono_ms() + timeout_ms;
	while (count_in_file(e->log, needle) < n) {
		if (mono_ms() > deadline)
			fail_msg("server log %s: fewer than %u '%s' after %u ms", e->log, n,
				 needle, timeout_ms);
		sleep_ms(10);
	}
}

/* In the child, before exec: die with the test process. */
static void child_common(int out_fd, int err_fd)
{
	int nul = open("/dev/null", O_RDONLY);
	if (nul < 0 || dup2(nul, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(127);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/* Run a command (NULL-terminated arguments) with stdout and stderr captured
 * into e->out and e->err; returns its exit status.  Bounded by CMD_WAIT_MS. */
static int run(struct env *e, const char *prog, ...)
{
	char *argv[40];
	size_t argc = 0;
	va_list ap;
	uint64_t deadline;
	int status = 0;
	pid_t pid;

	argv[argc++] = (char *)prog;
	va_start(ap, prog);
	for (;;) {
		const char *a = va_arg(ap, const char *);
		assert_true(argc < sizeof argv / sizeof argv[0]);
		argv[argc++] = (char *)a;
		if (!a)
			break;
	}
	va_end(ap);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int out = open(e->cli_out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open(e->cli_err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (out < 0 || err < 0)
			_exit(127);
		child_common(out, err);
		execv(prog, argv);
		_exit(127);
	}
	g_child_pid = pid;
	deadline = mono_ms() + CMD_WAIT_MS;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			fail_msg("waitpid: %s", strerror(errno));
		if (mono_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			g_child_pid = 0;
			fail_msg("%s %s did not finish in %u ms", prog, argv[1], CMD_WAIT_MS);
		}
		sleep_ms(2);
	}
	g_child_pid = 0;
	read_text(e->cli_out, e->out, sizeof e->out);
	read_text(e->cli_err, e->err, sizeof e->err);
	if (!WIFEXITED(status))
		fail_msg("%s %s killed by signal %d; stderr:\n%s", prog, argv[1],
			 WTERMSIG(status), e->err);
	return WEXITSTATUS(status);
}

/* baosong ping as client c against the test server. */
static int cli_ping(struct env *e, int c, const char *server_key, const char *count)
{
	return run(e, BAOSONG_BIN, "ping", "--key", e->client_key[c], "--server", e->hostport,
		   "--server-key", server_key, "--count", count, "--timeout", "5", (char *)NULL);
}

/* ---- the server process -------------------------------------------------------- */

/* Fork and exec `baosongd serve` for e, stderr to e->log. */
static void srv_spawn(struct env *e, unsigned handshake_timeout_ms)
{
	char hs_ms[32];
	char *argv[16];
	size_t argc = 0;
	pid_t pid;

	unlink(e->port_file);
	snprintf(hs_ms, sizeof hs_ms, "%u", handshake_timeout_ms);
	argv[argc++] = (char *)BAOSONGD_BIN;
	argv[argc++] = (char *)"serve";
	argv[argc++] = (char *)"--listen";
	argv[argc++] = (char *)"127.0.0.1:0";
	argv[argc++] = (char *)"--key";
	argv[argc++] = e->server_key;
	argv[argc++] = (char *)"--data";
	argv[argc++] = e->data;
	argv[argc++] = (char *)"--port-file";
	argv[argc++] = e->port_file;
	if (handshake_timeout_ms) {
		argv[argc++] = (char *)"--handshake-timeout";
		argv[argc++] = hs_ms;
	}
	argv[argc] = NULL;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int log = open(e->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (log < 0)
			_exit(127);
		child_common(log, log);
		execv(BAOSONGD_BIN, argv);
		_exit(127);
	}
	e->pid = pid;
	g_server_pid = pid;
}

/* Start baosongd and wait (bounded) for its port file. */
static void srv_start(struct env *e, unsigned handshake_timeout_ms)
{
	uint64_t deadline;
	char portbuf[32];
	pid_t pid;

	srv_spawn(e, handshake_timeout_ms);
	pid = e->pid;
	deadline = mono_ms() + PORT_WAIT_MS;
	for (;;) {
		int status;
		read_text(e->port_file, portbuf, sizeof portbuf);
		if (portbuf[0])
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			e->pid = 0;
			g_server_pid = 0;
			e->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
			fail_msg("baosongd exited (status %d) before listening; log: %s",
				 e->exit_status, e->log);
		}
		if (mono_ms() > deadline) {
			/* cmocka skips the teardown when a setup fails: clean up here. */
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			e->pid = 0;
			g_server_pid = 0;
			e->exit_status = -1;
			fail_msg("baosongd wrote no port file %s within %u ms; log: %s",
				 e->port_file, PORT_WAIT_MS, e->log);
		}
		sleep_ms(10);
	}
	e->port = atoi(portbuf);
	assert_true(e->port > 0 && e->port < 65536);
	snprintf(e->hostport, sizeof e->hostport, "127.0.0.1:%d", e->port);
}

/* SIGTERM, wait (bounded), SIGKILL if needed.  Returns the exit status, or -1
 * if the server had to be killed or died by a signal.  Idempotent. */
static int srv_stop(struct env *e)
{
	uint64_t deadline;
	int status = 0;

	if (e->pid <= 0)
		return e->exit_status;
	kill(e->pid, SIGTERM);
	deadline = mono_ms() + STOP_WAIT_MS;
	for (;;) {
		pid_t r = waitpid(e->pid, &status, WNOHANG);
		if (r == e->pid)
			break;
		if (r < 0 && errno != EINTR) {
			status = -1;
			break;
		}
		if (mono_ms() > deadline) {
			fprintf(stderr, "baosongd (pid %d) ignored SIGTERM for %u ms: SIGKILL\n",
				(int)e->pid, STOP_WAIT_MS);
			kill(e->pid, SIGKILL);
			waitpid(e->pid, &status, 0);
			status = -1;
			break;
		}
		sleep_ms(5);
	}
	e->pid = 0;
	g_server_pid = 0;
	if (status == -1 || !WIFEXITED(status))
		e->exit_status = -1;
	else
		e->exit_status = WEXITSTATUS(status);
	return e->exit_status;
}

/* ---- safeguards ------------------------------------------------------------------ */

static void kill_leftovers(void)
{
	pid_t p = (pid_t)g_server_pid;
	if (p > 0) {
		kill(p, SIGKILL);
		waitpid(p, NULL, 0);
		g_server_pid = 0;
	}
	p = (pid_t)g_child_pid;
	if (p > 0) {
		kill(p, SIGKILL);
		waitpid(p, NULL, 0);
		g_child_pid = 0;
	}
}

static void on_watchdog(int sig)
{
	static const char msg[] = "test_server: watchdog expired: killing baosongd, giving up\n";
	(void)sig;
	if (g_server_pid > 0)
		kill((pid_t)g_server_pid, SIGKILL);
	if (g_child_pid > 0)
		kill((pid_t)g_child_pid, SIGKILL);
	if (write(2, msg, sizeof msg - 1) < 0)
		_exit(3);
	_exit(3);
}

/* ---- the database: unit and devices, by the real administrator commands -------------- */

/* The device ID printed by `baosongd device add` ("... added device N: ..."). */
static long long parse_device_id(const char *out)
{
	const char *p = strstr(out, "added device ");
	long long id;
	if (!p || sscanf(p, "added device %lld:", &id) != 1 || id <= 0)
		fail_msg("no device ID in the output of device add:\n%s", out);
	return id;
}

/* Register the public key file pub for the test unit; returns the device ID. */
static long long device_add(struct env *e, const char *pub, const char *label)
{
	int st = run(e, BAOSONGD_BIN, "device", "add", "--db", e->db, "--key", pub, "--unit",
		     UNIT_CODE, "--role", "reporter", "--label", label, (char *)NULL);
	if (st != 0)
		fail_msg("baosongd device add %s: exit %d\n%s%s", pub, st, e->out, e->err);
	assert_contains(e->out, UNIT_NAME);
	return parse_device_id(e->out);
}

/* The database of e: created, one township, ALICE and BOB and the extra
 * keys registered; MALLORY not. */
static void make_db(struct env *e)
{
	unsigned i;

	assert_int_equal(mkdir(e->data, 0700), 0);
	assert_int_equal(run(e, BAOSONGD_BIN, "init", "--db", e->db, (char *)NULL), 0);
	assert_int_equal(run(e, BAOSONGD_BIN, "unit", "add", "--db", e->db, "--code", UNIT_CODE,
			     "--name", UNIT_NAME, "--type", "township", "--region", "620421",
			     (char *)NULL), 0);
	assert_contains(e->out, UNIT_NAME);
	for (i = 0; i < NCLIENTS; i++) {
		char pub[400];
		if (i == MALLORY)
			continue;
		snprintf(pub, sizeof pub, "%s.pub", e->client_key[i]);
		e->device_id[i] = device_add(e, pub, client_names[i]);
	}
	for (i = 0; i < e->nmany; i++) {
		char key[320], pub[400], label[32];
		snprintf(label, sizeof label, "thread-%u", i);
		path_in(e, key, sizeof key, label);
		assert_bs(keys_write(&e->many[i], key, label, 0), BS_OK);
		snprintf(pub, sizeof pub, "%s.pub", key);
		device_add(e, pub, label);
	}
}

/* Remove dir and everything under it (the server makes data/blobs/). */
static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char p[1024];
		struct stat sb;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(p, sizeof p, "%s/%s", dir, de->d_name) >= sizeof p)
			continue;
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			rm_tree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static void dump_log_tail(const char *path)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "re");
	long size;
	size_t n;
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, size > (long)sizeof buf - 1 ? size - (long)sizeof buf + 1 : 0, SEEK_SET);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	fprintf(stderr, "---- %s (tail) ----\n%s---- end ----\n", path, buf);
}

/* ---- setup / teardown ------------------------------------------------------------ */

static int setup(void **state)
{
	const struct cfg *cfg = *state;
	const char *tmp = getenv("TMPDIR");
	struct env *e = calloc(1, sizeof *e);
	char fp_line[128];
	unsigned i;

	assert_non_null(e);
	*state = e;
	kill_leftovers(); /* from a setup that failed half-way */
	alarm(WATCHDOG_S);
	snprintf(e->dir, sizeof e->dir, "%s/bs-it-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(e->dir));
	path_in(e, e->server_key, sizeof e->server_key, "server.key");
	path_in(e, e->server_pub_path, sizeof e->server_pub_path, "server.key.pub");
	path_in(e, e->data, sizeof e->data, "data");
	assert_true((size_t)snprintf(e->db, sizeof e->db, "%s/baosong.db", e->data) <
		    sizeof e->db);
	path_in(e, e->port_file, sizeof e->port_file, "port");
	path_in(e, e->log, sizeof e->log, "server.log");
	path_in(e, e->cli_out, sizeof e->cli_out, "cli.out");
	path_in(e, e->cli_err, sizeof e->cli_err, "cli.err");

	/* The server key, made by the real command; its printed fingerprint
	 * must be the one of the public key file. */
	assert_int_equal(run(e, BAOSONGD_BIN, "keygen", "--out", e->server_key, (char *)NULL), 0);
	assert_bs(keys_read_public(e->server_pub_path, e->server_pub), BS_OK);
	keys_fingerprint(e->server_pub, e->server_fp);
	snprintf(fp_line, sizeof fp_line, "server key fingerprint: %s", e->server_fp);
	assert_contains(e->out, fp_line);

	for (i = 0; i < NCLIENTS; i++) {
		char name[64];
		snprintf(name, sizeof name, "%s.key", client_names[i]);
		path_in(e, e->client_key[i], sizeof e->client_key[i], name);
		assert_int_equal(run(e, BAOSONG_BIN, "keygen", "--key", e->client_key[i],
				     (char *)NULL), 0);
		assert_bs(keys_read_private(e->client_key[i], &e->kp[i]), BS_OK);
	}
	e->nmany = cfg ? cfg->nmany : 0;
	assert_true(e->nmany <= MANY_SESSIONS);
	for (i = 0; i < e->nmany; i++)
		assert_bs(keys_generate(&e->many[i]), BS_OK);
	make_db(e);
	srv_start(e, cfg ? cfg->handshake_timeout_ms : 0);
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	int status;
	unsigned i;

	if (!e)
		return 0;
	status = srv_stop(e);
	if (status != 0)
		fprintf(stderr, "baosongd exit status %d after SIGTERM, want 0\n", status);
	if (!e->passed || status != 0) {
		dump_log_tail(e->log);
		fprintf(stderr, "test failed: files kept in %s, server log %s\n", e->dir, e->log);
	} else {
		rm_tree(e->dir);
	}
	for (i = 0; i < NCLIENTS; i++)
		keys_wipe(&e->kp[i]);
	for (i = 0; i < MANY_SESSIONS; i++)
		keys_wipe(&e->many[i]);
	free(e);
	*state = NULL;
	alarm(0);
	return status == 0 ? 0 : -1;
}

/* ---- client side, low level -------------------------------------------------------- */

/* A plain TCP connection to the server, non-blocking (client/core/net.c waits
 * with poll, so every read below is bounded). */
static int raw_connect(const struct env *e)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)e->port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		fail_msg("connect 127.0.0.1:%d: %s", e->port, strerror(errno));
	assert_int_equal(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
	return fd;
}

/* A struct session around a raw connection, before the handshake. */
static void raw_session(const struct env *e, struct session *s)
{
	memset(s, 0, sizeof *s);
	s->fd = raw_connect(e);
	s->timeout_ms = CLIENT_TIMEOUT_MS;
	s->next_id = 1;
	frame_decoder_init(&s->dec, BS_FRAME_MAX_PREAUTH);
}

/* Read the server's handshake reply with hs and, if accepted, make s a
 * working session.  Returns hs_client_finish's result. */
static int raw_finish(struct session *s, struct noise_hs *hs)
{
	uint8_t buf[BS_FRAME_MAX_PREAUTH];
	size_t len = 0;
	int rv;

	assert_bs(session_read_frame(s, buf, sizeof buf, &len), BS_OK);
	rv = hs_client_finish(hs, buf, len, &s->server, &s->ch);
	noise_hs_wipe(hs);
	if (rv == BS_OK)
		frame_decoder_set_max(&s->dec, BS_FRAME_MAX);
	return rv;
}

/* One ping through session_call; 0 if the pong echoes the data.  No cmocka
 * assertions: threads use it. */
static int ping(struct session *s)
{
	Envelope req = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__Ping p = BAOSONG__V1__PING__INIT;
	struct wire_arena arena;
	Envelope *resp = NULL;
	uint8_t data[16];
	int rv;

	randombytes_buf(data, sizeof data);
	p.data.data = data;
	p.data.len = sizeof data;
	req.body_case = BAOSONG__V1__ENVELOPE__BODY_PING;
	req.ping = &p;
	wire_arena_init(&arena, WIRE_DECODE_MEM_MAX);
	rv = session_call(s, &req, &arena, &resp);
	if (rv != BS_OK)
		return rv;
	if (resp->body_case == BAOSONG__V1__ENVELOPE__BODY_ERROR)
		rv = wire_error_code(resp->error);
	else if (resp->body_case != BAOSONG__V1__ENVELOPE__BODY_PONG ||
		 resp->pong->data.len != sizeof data ||
		 memcmp(resp->pong->data.data, data, sizeof data) != 0)
		rv = BS_E_PROTO;
	wire_envelope_free(resp, &arena);
	return rv;
}

/* One WhoAmI (a request that goes to the database, unlike Ping): BS_OK if the
 * server answers with the Identity of device want_id in the test unit, the
 * error code if it answers with an Error, BS_E_PROTO for anything else. */
static int whoami(struct session *s, long long want_id)
{
	Envelope req = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__WhoAmI w = BAOSONG__V1__WHO_AM_I__INIT;
	struct wire_arena arena;
	Envelope *resp = NULL;
	int rv;

	req.body_case = BAOSONG__V1__ENVELOPE__BODY_WHOAMI;
	req.whoami = &w;
	wire_arena_init(&arena, WIRE_DECODE_MEM_MAX);
	rv = session_call(s, &req, &arena, &resp);
	if (rv != BS_OK)
		return rv;
	if (resp->body_case == BAOSONG__V1__ENVELOPE__BODY_ERROR)
		rv = wire_error_code(resp->error);
	else if (resp->body_case != BAOSONG__V1__ENVELOPE__BODY_IDENTITY ||
		 resp->identity->device_id != want_id || !resp->identity->unit_code ||
		 strcmp(resp->identity->unit_code, UNIT_CODE) != 0 ||
		 !resp->identity->unit_name || strcmp(resp->identity->unit_name, UNIT_NAME) != 0)
		rv = BS_E_PROTO;
	wire_envelope_free(resp, &arena);
	return rv;
}

static void open_session(const struct env *e, const struct keypair *kp, struct session *s)
{
	int rv = session_open(s, e->hostport, kp, e->server_pub, wire_now_ns(), CLIENT_TIMEOUT_MS);
	if (rv != BS_OK)
		fail_msg("session_open: %s (%s)", bs_errname(rv), s->server.error_message);
}

/* The server must close s (orderly, no frame first) within max_ms.
 * Returns the time it took. */
static uint64_t assert_closed_within(struct session *s, unsigned max_ms)
{
	static uint8_t buf[BS_FRAME_MAX];
	unsigned saved = s->timeout_ms;
	uint64_t t0 = mono_ms(), dt;
	size_t len = 0;
	int rv;

	s->timeout_ms = max_ms;
	rv = session_read_frame(s, buf, sizeof buf, &len);
	s->timeout_ms = saved;
	dt = mono_ms() - t0;
	if (rv == BS_OK)
		fail_msg("expected the server to close the connection, got a %zu-byte frame", len);
	if (rv != BS_E_CLOSED)
		fail_msg("expected BS_E_CLOSED within %u ms, got %s after %llu ms", max_ms,
			 bs_errname(rv), (unsigned long long)dt);
	return dt;
}

/* Seal plaintext on s's channel and send it as one frame. */
static void send_sealed(struct session *s, const uint8_t *pt, size_t len)
{
	static uint8_t out[BS_FRAME_MAX + FRAME_HDR];
	size_t olen = 0;
	assert_bs(channel_seal(&s->ch, pt, len, out, sizeof out, &olen), BS_OK);
	assert_bs(session_send_raw(s, out, olen), BS_OK);
}

/* Read one transport frame and decode its Envelope (free with arena). */
static Envelope *read_envelope(struct session *s, struct wire_arena *arena)
{
	static uint8_t buf[BS_FRAME_MAX], plain[BS_FRAME_MAX];
	size_t len = 0, plen = 0;
	Envelope *env;

	assert_bs(session_read_frame(s, buf, sizeof buf, &len), BS_OK);
	assert_bs(channel_open(&s->ch, buf, len, plain, sizeof plain, &plen), BS_OK);
	env = wire_envelope_decode(arena, plain, plen);
	assert_non_null(env);
	return env;
}

static void assert_error_envelope(const Envelope *env, int want)
{
	assert_int_equal(env->body_case, BAOSONG__V1__ENVELOPE__BODY_ERROR);
	assert_non_null(env->error);
	assert_int_equal(env->error->code, (uint32_t)-want);
	assert_bs(wire_error_code(env->error), want);
}

static void send_header(struct session *s, uint32_t len)
{
	uint8_t hdr[FRAME_HDR];
	frame_put_header(hdr, len);
	assert_bs(session_send_raw(s, hdr, sizeof hdr), BS_OK);
}

/* ---- 1. ping with the CLI ---------------------------------------------------------- */

static void test_cli_ping(void **state)
{
	struct env *e = *state;

	assert_int_equal(cli_ping(e, ALICE, e->server_fp, "3"), 0);
	assert_contains(e->out, "connected to ");
	assert_contains(e->out, "pong 1");
	assert_contains(e->out, "pong 3");
	assert_contains(e->out, e->server_fp);

	/* The same with the public key file instead of the fingerprint. */
	assert_int_equal(cli_ping(e, BOB, e->server_pub_path, "3"), 0);
	assert_contains(e->out, "pong 3");

	/* A fingerprint as dictated: lower case, no dashes. */
	{
		char fp[FP_STRLEN + 1];
		size_t i, o = 0;
		for (i = 0; e->server_fp[i]; i++)
			if (e->server_fp[i] != '-')
				fp[o++] = (char)(e->server_fp[i] | 0x20);
		fp[o] = '\0';
		assert_int_equal(cli_ping(e, ALICE, fp, "1"), 0);
		assert_contains(e->out, "pong 1");
	}
	wait_log_count(e, "session open", 3, 2000);
	e->passed = 1;
}

/* ---- 2. unknown client key ------------------------------------------------------------ */

/* A key the server does not know completes the handshake, but the session
 * may only enrol: anything else is answered with BS_E_UNKNOWN_KEY ("enrol
 * first"), then the server closes the connection. */
static void expect_enrol_first(struct session *s, Envelope *req)
{
	struct wire_arena arena;
	Envelope *resp = NULL;
	uint64_t id = s->next_id;

	wire_arena_init(&arena, WIRE_DECODE_MEM_MAX);
	assert_bs(session_call(s, req, &arena, &resp), BS_OK);
	assert_int_equal(resp->request_id, id);
	assert_error_envelope(resp, BS_E_UNKNOWN_KEY);
	assert_int_equal(resp->error->code, 12);
	assert_false(resp->error->retryable);
	assert_non_null(resp->error->detail);
	assert_contains(resp->error->detail, "enrol first");
	wire_envelope_free(resp, &arena);
	assert_closed_within(s, 3000);
}

static void enrol_first_ping(struct session *s)
{
	Envelope req = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__Ping p = BAOSONG__V1__PING__INIT;
	req.body_case = BAOSONG__V1__ENVELOPE__BODY_PING;
	req.ping = &p;
	expect_enrol_first(s, &req);
}

static void test_unknown_key(void **state)
{
	struct env *e = *state;
	struct session s;
	char fp[FP_STRLEN + 1];

	/* The CLI gets through the handshake, then prints the server's refusal. */
	assert_int_equal(cli_ping(e, MALLORY, e->server_fp, "1"), 77);
	assert_contains(e->err, bs_strerror_zh(BS_E_UNKNOWN_KEY));
	assert_contains(e->err, bs_strerror(BS_E_UNKNOWN_KEY));
	assert_true(strstr(e->out, "pong") == NULL);

	/* A ping... */
	open_session(e, &e->kp[MALLORY], &s);
	assert_bs(s.server.error, BS_OK);
	enrol_first_ping(&s);
	session_close(&s);

	/* ...and a request that would go to the database. */
	open_session(e, &e->kp[MALLORY], &s);
	{
		Envelope req = BAOSONG__V1__ENVELOPE__INIT;
		Baosong__V1__WhoAmI w = BAOSONG__V1__WHO_AM_I__INIT;
		req.body_case = BAOSONG__V1__ENVELOPE__BODY_WHOAMI;
		req.whoami = &w;
		expect_enrol_first(&s, &req);
	}
	session_close(&s);

	/* The registered keys are unaffected. */
	open_session(e, &e->kp[ALICE], &s);
	assert_bs(ping(&s), BS_OK);
	assert_bs(whoami(&s, e->device_id[ALICE]), BS_OK);
	session_close(&s);

	keys_fingerprint(e->kp[MALLORY].pub, fp);
	wait_log_count(e, fp, 3, 2000); /* the log names the unknown key */
	assert_int_equal(count_in_file(e->log, "session open"), 1);
	e->passed = 1;
}

/* ---- 3. wrong server fingerprint --------------------------------------------------- */

static void test_wrong_fingerprint(void **state)
{
	struct env *e = *state;
	char other[FP_STRLEN + 1];

	/* A well-formed fingerprint, of another key. */
	keys_fingerprint(e->kp[BOB].pub, other);
	assert_int_equal(cli_ping(e, ALICE, other, "1"), 77);
	assert_contains(e->err, "does NOT match");
	assert_true(strstr(e->out, "connected") == NULL);

	/* Stop first, so the log is complete. */
	assert_int_equal(srv_stop(e), 0);
	assert_int_equal(count_in_file(e->log, "asked for the server key"), 1);
	assert_int_equal(count_in_file(e->log, "session open"), 0);
	e->passed = 1;
}

/* ---- 4. private key readable by others ------------------------------------------------ */

static void test_key_mode(void **state)
{
	struct env *e = *state;

	assert_int_equal(chmod(e->client_key[ALICE], 0644), 0);
	assert_int_equal(cli_ping(e, ALICE, e->server_fp, "1"), 78);
	assert_contains(e->err, "chmod 600");
	assert_int_equal(chmod(e->client_key[ALICE], 0640), 0);
	assert_int_equal(cli_ping(e, ALICE, e->server_fp, "1"), 78);
	assert_int_equal(chmod(e->client_key[ALICE], 0600), 0);
	assert_int_equal(cli_ping(e, ALICE, e->server_fp, "1"), 0);
	e->passed = 1;
}

/* ---- 5. replayed and stale handshakes ------------------------------------------------- */

/* Send client k's message 1 on connection A (accepted), then the same bytes
 * on connection B: refused with BS_E_REPLAY, A unharmed.  A is left open. */
static void replay_once(struct env *e, int k, struct session *a)
{
	struct noise_hs hs, hs_copy;
	struct session b;
	struct hs_server_info info;
	struct channel ch;
	uint8_t msg1[HS_FRAME_MAX], reply[BS_FRAME_MAX_PREAUTH];
	size_t msg1_len = 0, len = 0;

	assert_bs(hs_client_start(&hs, &e->kp[k], e->server_pub, wire_now_ns(), msg1,
				  sizeof msg1, &msg1_len), BS_OK);
	memcpy(&hs_copy, &hs, sizeof hs);

	/* Connection A: the genuine session. */
	raw_session(e, a);
	assert_bs(session_send_raw(a, msg1, msg1_len), BS_OK);
	assert_bs(raw_finish(a, &hs), BS_OK);

	/* Connection B: the byte-identical first frame again. */
	raw_session(e, &b);
	assert_bs(session_send_raw(&b, msg1, msg1_len), BS_OK);
	assert_bs(session_read_frame(&b, reply, sizeof reply, &len), BS_OK);
	assert_bs(hs_client_finish(&hs_copy, reply, len, &info, &ch), BS_E_REPLAY);
	assert_bs(info.error, BS_E_REPLAY);
	noise_hs_wipe(&hs_copy);
	assert_closed_within(&b, 3000);
	session_close(&b);
}

static void test_replay(void **state)
{
	struct env *e = *state;
	struct session a;

	replay_once(e, ALICE, &a);
	/* The genuine session is unharmed. */
	assert_bs(ping(&a), BS_OK);
	assert_bs(whoami(&a, e->device_id[ALICE]), BS_OK);
	session_close(&a);

	/* A key that is not registered is remembered (in memory) as well. */
	replay_once(e, MALLORY, &a);
	enrol_first_ping(&a);
	session_close(&a);

	wait_log_count(e, "replayed handshake", 2, 2000);
	assert_int_equal(count_in_file(e->log, "session open"), 1);
	e->passed = 1;
}

/* Message 1 with a timestamp off by 10 minutes, either way: BS_E_CLOCK. */
static void try_skewed(struct env *e, int k, int64_t offset_ns)
{
	struct noise_hs hs;
	struct session s;
	uint8_t msg1[HS_FRAME_MAX];
	size_t msg1_len = 0;
	uint64_t ts = (uint64_t)((int64_t)wire_now_ns() + offset_ns);

	assert_bs(hs_client_start(&hs, &e->kp[k], e->server_pub, ts, msg1, sizeof msg1,
				  &msg1_len), BS_OK);
	raw_session(e, &s);
	assert_bs(session_send_raw(&s, msg1, msg1_len), BS_OK);
	assert_bs(raw_finish(&s, &hs), BS_E_CLOCK);
	assert_bs(s.server.error, BS_E_CLOCK);
	assert_closed_within(&s, 3000);
	session_close(&s);
}

static void test_clock_skew(void **state)
{
	struct env *e = *state;
	struct session s;
	const int64_t ten_min = 600LL * 1000000000LL;

	try_skewed(e, BOB, -ten_min);
	try_skewed(e, BOB, ten_min);
	/* Neither refusal moved the key's replay watermark. */
	open_session(e, &e->kp[BOB], &s);
	assert_bs(ping(&s), BS_OK);
	session_close(&s);

	/* The same for a key that is not registered. */
	try_skewed(e, MALLORY, -ten_min);
	try_skewed(e, MALLORY, ten_min);
	open_session(e, &e->kp[MALLORY], &s);
	enrol_first_ping(&s);
	session_close(&s);
	wait_log_count(e, "clock skew too large", 4, 2000);
	e->passed = 1;
}

/* ---- 6. oversized length prefix ----------------------------------------------------- */

static void test_oversized_prefix(void **state)
{
	static const uint32_t bad[] = {0x00010000u, 0xFFFFFFFFu, BS_FRAME_MAX_PREAUTH + 1u, 0u};
	struct env *e = *state;
	struct session live, s;
	struct wire_arena arena;
	Envelope *env;
	size_t i;

	open_session(e, &e->kp[ALICE], &live);
	assert_bs(ping(&live), BS_OK);

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		raw_session(e, &s);
		send_header(&s, bad[i]);
		assert_closed_within(&s, 3000);
		session_close(&s);
		assert_bs(ping(&live), BS_OK);
	}

	/* After the handshake the limit is BS_FRAME_MAX; over it the server
	 * says so on the channel, then closes. */
	open_session(e, &e->kp[BOB], &s);
	send_header(&s, BS_FRAME_MAX + 1u);
	wire_arena_init(&arena, WIRE_DECODE_MEM_MAX);
	env = read_envelope(&s, &arena);
	assert_error_envelope(env, BS_E_TOOBIG);
	wire_envelope_free(env, &arena);
	assert_closed_within(&s, 3000);
	session_close(&s);

	assert_bs(ping(&live), BS_OK);
	open_session(e, &e->kp[BOB], &s);
	assert_bs(ping(&s), BS_OK);
	session_close(&s);
	session_close(&live);
	e->passed = 1;
}

/* ---- 7. garbage after the handshake ---------------------------------------------------- */

static void test_garbage_transport(void **state)
{
	struct env *e = *state;
	struct session live, s;
	uint8_t frame[FRAME_HDR + 64];

	open_session(e, &e->kp[ALICE], &live);
	open_session(e, &e->kp[BOB], &s);
	assert_bs(ping(&s), BS_OK);

	/* A frame of the right shape whose bytes are no transport message. */
	frame_put_header(frame, 64);
	randombytes_buf(frame + FRAME_HDR, 64);
	assert_bs(session_send_raw(&s, frame, sizeof frame), BS_OK);
	assert_closed_within(&s, 3000);
	session_close(&s);

	/* One shorter than a tag. */
	open_session(e, &e->kp[BOB], &s);
	frame_put_header(frame, NOISE_TAGLEN - 1);
	assert_bs(session_send_raw(&s, frame, FRAME_HDR + NOISE_TAGLEN - 1), BS_OK);
	assert_closed_within(&s, 3000);
	session_close(&s);

	assert_bs(ping(&live), BS_OK);
	open_session(e, &e->kp[BOB], &s);
	assert_bs(ping(&s), BS_OK);
	session_close(&s);
	session_close(&live);
	e->passed = 1;
}

static void test_bad_envelope(void **state)
{
	struct env *e = *state;
	struct session live, s;
	struct wire_arena arena;
	Envelope *env;
	uint8_t junk[48];

	open_session(e, &e->kp[ALICE], &live);

	/* Authentic, but not an Envelope: wire type 7 in the first tag makes
	 * sure random bytes cannot happen to decode. */
	open_session(e, &e->kp[BOB], &s);
	randombytes_buf(junk, sizeof junk);
	junk[0] = 0x0f;
	send_sealed(&s, junk, sizeof junk);
	wire_arena_init(&arena, WIRE_DECODE_MEM_MAX);
	env = read_envelope(&s, &arena);
	assert_error_envelope(env, BS_E_PROTO);
	assert_int_equal(env->error->code, 3);
	wire_envelope_free(env, &arena);
	assert_closed_within(&s, 3000);
	session_close(&s);

	/* An Envelope of another protocol version: BS_E_VERSION, then closed. */
	{
		Envelope req = BAOSONG__V1__ENVELOPE__INIT;
		Baosong__V1__Ping p = BAOSONG__V1__PING__INIT;
		uint8_t plain[256];
		size_t plen = 0;

		open_session(e, &e->kp[BOB], &s);
		req.version = BS_PROTOCOL_VERSION + 1;
		req.request_id = 7;
		req.body_case = BAOSONG__V1__ENVELOPE__BODY_PING;
		req.ping = &p;
		assert_bs(wire_envelope_encode(&req, plain, sizeof plain, &plen), BS_OK);
		send_sealed(&s, plain, plen);
		wire_arena_init(&arena, WIRE_DECODE_MEM_MAX);
		env = read_envelope(&s, &arena);
		assert_error_envelope(env, BS_E_VERSION);
		assert_int_equal(env->request_id, 7);
		wire_envelope_free(env, &arena);
		assert_closed_within(&s, 3000);
		session_close(&s);
	}

	assert_bs(ping(&live), BS_OK);
	session_close(&live);
	e->passed = 1;
}

/* ---- 8. silent and stalled clients ----------------------------------------------------- */

static void test_silent_client(void **state)
{
	struct env *e = *state;
	struct session silent, half, partial, live;
	uint64_t t0, dt;
	const uint8_t half_hdr[2] = {0, 0};
	uint8_t part[FRAME_HDR + 10];

	t0 = mono_ms();
	raw_session(e, &silent);
	raw_session(e, &half);
	assert_bs(session_send_raw(&half, half_hdr, sizeof half_hdr), BS_OK);
	raw_session(e, &partial);
	frame_put_header(part, 100); /* announces 100 bytes, sends 10 */
	memset(part + FRAME_HDR, 0x5a, 10);
	assert_bs(session_send_raw(&partial, part, sizeof part), BS_OK);

	/* Meanwhile another client works. */
	open_session(e, &e->kp[ALICE], &live);
	assert_bs(ping(&live), BS_OK);

	assert_closed_within(&silent, 3000);
	dt = mono_ms() - t0;
	if (dt > 2000 || dt + 50 < SHORT_HS_MS)
		fail_msg("silent client closed after %llu ms, want about %u",
			 (unsigned long long)dt, SHORT_HS_MS);
	assert_closed_within(&half, 2000);
	assert_closed_within(&partial, 2000);
	dt = mono_ms() - t0;
	assert_true(dt <= 2000);
	session_close(&silent);
	session_close(&half);
	session_close(&partial);

	/* The handshake timeout does not apply to an open session. */
	sleep_ms(2 * SHORT_HS_MS);
	assert_bs(ping(&live), BS_OK);
	session_close(&live);
	wait_log_count(e, "no handshake", 3, 2000);
	e->passed = 1;
}

/* ---- 9. request without a body -------------------------------------------------------- */

static void test_unknown_body(void **state)
{
	struct env *e = *state;
	Envelope req = BAOSONG__V1__ENVELOPE__INIT;
	struct wire_arena arena;
	Envelope *resp = NULL;
	struct session s;
	uint64_t id;

	open_session(e, &e->kp[ALICE], &s);
	assert_int_equal(req.body_case, BAOSONG__V1__ENVELOPE__BODY__NOT_SET);
	id = s.next_id;
	wire_arena_init(&arena, WIRE_DECODE_MEM_MAX);
	assert_bs(session_call(&s, &req, &arena, &resp), BS_OK);
	assert_int_equal(resp->request_id, id);
	assert_error_envelope(resp, BS_E_UNSUPPORTED);
	assert_int_equal(resp->error->code, 18);
	assert_false(resp->error->retryable);
	wire_envelope_free(resp, &arena);

	/* The session carries on. */
	assert_bs(ping(&s), BS_OK);
	assert_bs(ping(&s), BS_OK);
	session_close(&s);
	e->passed = 1;
}

/* ---- 10. revocation and SIGHUP ---------------------------------------------------------- */

/* Field n (from 0) of the row of device id in `device list --csv` output
 * (the test's labels hold no commas or quotes). */
static const char *csv_field_of(const char *csv, long long id, unsigned n)
{
	static char field[256];
	char start[32];
	const char *p, *end;
	size_t len;
	unsigned i;

	snprintf(start, sizeof start, "\n%lld,", id);
	p = strstr(csv, start);
	if (!p)
		fail_msg("device %lld not listed:\n%s", id, csv);
	p++;
	for (i = 0; i < n; i++) {
		p = strpbrk(p, ",\n");
		if (!p || *p == '\n')
			fail_msg("device %lld: fewer than %u fields:\n%s", id, n + 1, csv);
		p++;
	}
	end = p + strcspn(p, ",\n");
	len = (size_t)(end - p);
	assert_true(len < sizeof field);
	memcpy(field, p, len);
	field[len] = '\0';
	return field;
}

/* `baosongd device revoke`, run while the server runs (another process on the
 * same database file): the device's open session is refused on its next
 * request that reads the database and closed; its new handshakes are
 * refused with BS_E_REVOKED.  Other devices carry on. */
static void test_revocation(void **state)
{
	struct env *e = *state;
	struct session alice, bob, bob2, bob_pinging;
	char id[24], fp[FP_STRLEN + 1];

	open_session(e, &e->kp[ALICE], &alice);
	open_session(e, &e->kp[BOB], &bob);
	open_session(e, &e->kp[BOB], &bob_pinging);
	assert_bs(ping(&bob), BS_OK);
	assert_bs(ping(&bob_pinging), BS_OK);
	assert_bs(whoami(&bob, e->device_id[BOB]), BS_OK);
	assert_bs(whoami(&alice, e->device_id[ALICE]), BS_OK);

	snprintf(id, sizeof id, "%lld", e->device_id[BOB]);
	assert_int_equal(run(e, BAOSONGD_BIN, "device", "revoke", "--db", e->db, id,
			     (char *)NULL), 0);
	assert_contains(e->out, "revoked device");

	/* The open session: refused on its next database request, then closed. */
	{
		Envelope req = BAOSONG__V1__ENVELOPE__INIT;
		Baosong__V1__WhoAmI w = BAOSONG__V1__WHO_AM_I__INIT;
		struct wire_arena arena;
		Envelope *resp = NULL;
		uint64_t rid = bob.next_id;

		req.body_case = BAOSONG__V1__ENVELOPE__BODY_WHOAMI;
		req.whoami = &w;
		wire_arena_init(&arena, WIRE_DECODE_MEM_MAX);
		assert_bs(session_call(&bob, &req, &arena, &resp), BS_OK);
		assert_int_equal(resp->request_id, rid);
		assert_error_envelope(resp, BS_E_REVOKED);
		assert_int_equal(resp->error->code, 30);
		assert_false(resp->error->retryable);
		wire_envelope_free(resp, &arena);
	}
	assert_closed_within(&bob, 3000);
	session_close(&bob);

	/* Any message, a Ping included: error 30, then the session is closed. */
	assert_bs(ping(&bob_pinging), BS_E_REVOKED);
	assert_closed_within(&bob_pinging, 3000);
	session_close(&bob_pinging);

	/* A new handshake: refused in message 2. */
	assert_bs(session_open(&bob2, e->hostport, &e->kp[BOB], e->server_pub, wire_now_ns(),
			       CLIENT_TIMEOUT_MS), BS_E_REVOKED);
	assert_bs(bob2.server.error, BS_E_REVOKED);
	assert_true(bob2.fd < 0);
	assert_int_equal(cli_ping(e, BOB, e->server_fp, "1"), 77);
	assert_contains(e->err, "BS_E_REVOKED");
	assert_true(strstr(e->out, "pong") == NULL);
	keys_fingerprint(e->kp[BOB].pub, fp);
	wait_log_count(e, fp, 2, 2000); /* the log names the refused key */
	wait_log_count(e, "refused: device key revoked", 2, 2000);

	/* Alice is unaffected, on her open session and on a new one. */
	assert_bs(ping(&alice), BS_OK);
	assert_bs(whoami(&alice, e->device_id[ALICE]), BS_OK);
	session_close(&alice);
	assert_int_equal(cli_ping(e, ALICE, e->server_fp, "1"), 0);

	/* The administrator sees it: Bob's row has a revocation time, Alice's not. */
	assert_int_equal(run(e, BAOSONGD_BIN, "device", "list", "--db", e->db, "--csv",
			     (char *)NULL), 0);
	assert_true(strlen(csv_field_of(e->out, e->device_id[BOB], 4)) > 0);
	assert_true(strlen(csv_field_of(e->out, e->device_id[ALICE], 4)) == 0);
	e->passed = 1;
}

/* ---- the op digest: a used seq with other content is refused ---------------------- */

/* Push one withdrawn op (kind and uid only: recorded as REJECTED, applies
 * nothing).  Returns the PushResponse's stopped code (BS_OK if none) and
 * fills *receipts, *replayed and *applied. */
static int push_one(struct session *s, Baosong__V1__Op *op, size_t *receipts, int *replayed,
		    uint64_t *applied, char *detail, size_t cap)
{
	Envelope req = BAOSONG__V1__ENVELOPE__INIT, *resp = NULL;
	Baosong__V1__PushRequest pr = BAOSONG__V1__PUSH_REQUEST__INIT;
	Baosong__V1__Op *ops[1] = {op};
	struct wire_arena arena;
	int rv;

	pr.ops = ops;
	pr.n_ops = 1;
	req.body_case = BAOSONG__V1__ENVELOPE__BODY_PUSH;
	req.push = &pr;
	wire_arena_init(&arena, WIRE_DECODE_MEM_MAX);
	assert_bs(session_call(s, &req, &arena, &resp), BS_OK);
	assert_int_equal(resp->body_case, BAOSONG__V1__ENVELOPE__BODY_PUSH_RESPONSE);
	*receipts = resp->push_response->n_receipts;
	*replayed = *receipts ? resp->push_response->receipts[0]->replayed : 0;
	*applied = resp->push_response->applied_seq;
	rv = resp->push_response->stopped ? wire_error_code(resp->push_response->stopped) : BS_OK;
	if (detail)
		snprintf(detail, cap, "%s", resp->push_response->stopped &&
				     resp->push_response->stopped->detail
				     ? resp->push_response->stopped->detail : "");
	wire_envelope_free(resp, &arena);
	return rv;
}

static int push_withdrawn(struct session *s, uint64_t seq, const char *uid, size_t *receipts,
			  int *replayed, uint64_t *applied, char *detail, size_t cap)
{
	Baosong__V1__Op op = BAOSONG__V1__OP__INIT;
	op.seq = seq;
	op.kind = (char *)"project";
	op.uid = (char *)uid;
	op.withdrawn = 1;
	return push_one(s, &op, receipts, replayed, applied, detail, cap);
}

static void test_seq_reused(void **state)
{
	struct env *e = *state;
	static const char uid_a[] = "0123456789abcdef0123456789abcdef";
	static const char uid_b[] = "fedcba9876543210fedcba9876543210";
	struct session s;
	size_t n = 0;
	int replayed = 0;
	uint64_t applied = 0;
	char detail[256];

	open_session(e, &e->kp[ALICE], &s);
	assert_bs(push_withdrawn(&s, 1, uid_a, &n, &replayed, &applied, NULL, 0), BS_OK);
	assert_int_equal(n, 1);
	assert_false(replayed);
	assert_int_equal(applied, 1);
	/* The same op again: its receipt, marked replayed. */
	assert_bs(push_withdrawn(&s, 1, uid_a, &n, &replayed, &applied, NULL, 0), BS_OK);
	assert_int_equal(n, 1);
	assert_true(replayed);
	/* Other content under seq 1 (a copied data directory): refused, no receipt. */
	assert_bs(push_withdrawn(&s, 1, uid_b, &n, &replayed, &applied, detail, sizeof detail),
		  BS_E_SEQ_REUSED);
	assert_int_equal(n, 0);
	assert_int_equal(applied, 1);
	assert_contains(detail, "seq 1");
	/* The session goes on; the next number is still free. */
	assert_bs(push_withdrawn(&s, 2, uid_b, &n, &replayed, &applied, NULL, 0), BS_OK);
	assert_int_equal(n, 1);
	assert_int_equal(applied, 2);
	session_close(&s);
	wait_log_count(e, "op 1 differs from the one applied under that number", 1, 2000);
	e->passed = 1;
}

/* Store a version-1 digest for (device, seq), as a server before version 2
 * did (docs/PROTOCOL.md 13.3). */
static void store_v1_digest(const struct env *e, long long device, uint64_t seq,
			    const Baosong__V1__Op *op)
{
	uint8_t d[OP_DIGEST_LEN];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	op_digest_v1(op, d);
	assert_int_equal(sqlite3_open_v2(e->db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE op SET digest = ?1 WHERE device_id = ?2"
						" AND seq = ?3", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, d, sizeof d, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, device);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)seq);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* The owner asked for by a new record (Op.unit_id) is part of the op: a
 * used seq that differs only in it is refused (not answered with the other
 * op's receipt); a digest stored before version 2 still matches its op. */
static void test_seq_reused_unit(void **state)
{
	struct env *e = *state;
	Baosong__V1__Op op = BAOSONG__V1__OP__INIT;
	struct session s;
	size_t n = 0;
	int replayed = 0;
	uint64_t applied = 0;
	char detail[256];

	open_session(e, &e->kp[ALICE], &s);
	/* A reporter creating for unit 99: REJECTED 23, a receipt all the same. */
	op.seq = 1;
	op.kind = (char *)"project";
	op.uid = (char *)"00112233445566778899aabbccddeeff";
	op.unit_id = 99;
	assert_bs(push_one(&s, &op, &n, &replayed, &applied, NULL, 0), BS_OK);
	assert_int_equal(n, 1);
	assert_false(replayed);
	assert_int_equal(applied, 1);
	assert_bs(push_one(&s, &op, &n, &replayed, &applied, NULL, 0), BS_OK);
	assert_int_equal(n, 1);
	assert_true(replayed);
	/* Only unit_id differs: refused, no receipt. */
	op.unit_id = 98;
	assert_bs(push_one(&s, &op, &n, &replayed, &applied, detail, sizeof detail),
		  BS_E_SEQ_REUSED);
	assert_int_equal(n, 0);
	assert_int_equal(applied, 1);
	assert_contains(detail, "seq 1");

	/* A digest kept before version 2 (without the owner): its op still
	 * gets its receipt; other content is still refused. */
	op.unit_id = 99;
	store_v1_digest(e, e->device_id[ALICE], 1, &op);
	assert_bs(push_one(&s, &op, &n, &replayed, &applied, NULL, 0), BS_OK);
	assert_int_equal(n, 1);
	assert_true(replayed);
	op.uid = (char *)"ffeeddccbbaa99887766554433221100";
	assert_bs(push_one(&s, &op, &n, &replayed, &applied, NULL, 0), BS_E_SEQ_REUSED);
	assert_int_equal(n, 0);
	session_close(&s);
	e->passed = 1;
}

/* SIGHUP reloads nothing and stops nothing: open sessions and new ones work. */
static void test_sighup_keeps_running(void **state)
{
	struct env *e = *state;
	struct session s;
	int i;

	open_session(e, &e->kp[BOB], &s);
	for (i = 1; i <= 3; i++) {
		assert_int_equal(kill(e->pid, SIGHUP), 0);
		wait_log_count(e, "nothing to reload", (unsigned)i, CLIENT_TIMEOUT_MS);
		assert_bs(ping(&s), BS_OK);
		assert_bs(whoami(&s, e->device_id[BOB]), BS_OK);
	}
	session_close(&s);
	assert_int_equal(cli_ping(e, ALICE, e->server_fp, "1"), 0);
	assert_contains(e->out, "pong 1");
	assert_int_equal(count_in_file(e->log, "stopping:"), 0);
	e->passed = 1;
}

/* ---- 11. many sessions ----------------------------------------------------------------- */

/* 50 sessions open at once in one thread, pinged round-robin: each session
 * keeps its own receive buffer (struct session.pending), so interleaving
 * sessions in one thread is fine. */
static void test_many_interleaved(void **state)
{
	struct env *e = *state;
	struct session *s = calloc(MANY_SESSIONS, sizeof *s);
	unsigned seen[MANY_SESSIONS];
	int i, round;

	assert_non_null(s);
	for (i = 0; i < MANY_SESSIONS; i++)
		open_session(e, &e->kp[i % 2 ? ALICE : BOB], &s[i]);
	for (round = 0; round < MANY_PINGS; round++)
		for (i = 0; i < MANY_SESSIONS; i++)
			if (ping(&s[i]) != BS_OK)
				fail_msg("session %d, round %d: ping failed", i, round);
	/* Two requests in flight on each session before reading any reply. */
	for (i = 0; i < MANY_SESSIONS; i++) {
		Envelope req = BAOSONG__V1__ENVELOPE__INIT;
		Baosong__V1__Ping p = BAOSONG__V1__PING__INIT;
		uint8_t plain[64];
		size_t plen = 0;
		int k;
		req.version = BS_PROTOCOL_VERSION;
		req.body_case = BAOSONG__V1__ENVELOPE__BODY_PING;
		req.ping = &p;
		for (k = 0; k < 2; k++) {
			req.request_id = 1000u + (uint64_t)k;
			assert_bs(wire_envelope_encode(&req, plain, sizeof plain, &plen), BS_OK);
			send_sealed(&s[i], plain, plen);
		}
	}
	/* Let both replies arrive, so that reading the first one leaves the
	 * second in the session's receive buffer while the other sessions are
	 * read: a buffer shared between sessions would mix their frames. */
	sleep_ms(100);
	/* Pings run on reader threads like every request, so the two replies of
	 * a session may come in either order (matched by request_id). */
	memset(seen, 0, sizeof seen);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < MANY_SESSIONS; i++) {
			struct wire_arena arena;
			Envelope *env;
			unsigned bit;
			wire_arena_init(&arena, WIRE_DECODE_MEM_MAX);
			env = read_envelope(&s[i], &arena);
			assert_int_equal(env->body_case, BAOSONG__V1__ENVELOPE__BODY_PONG);
			assert_true(env->request_id == 1000u || env->request_id == 1001u);
			bit = 1u << (env->request_id - 1000u);
			assert_false(seen[i] & bit);
			seen[i] |= bit;
			wire_envelope_free(env, &arena);
		}
	}
	for (i = 0; i < MANY_SESSIONS; i++)
		assert_int_equal(seen[i], 3);
	for (i = 0; i < MANY_SESSIONS; i++)
		assert_bs(ping(&s[i]), BS_OK);
	for (i = 0; i < MANY_SESSIONS; i++)
		session_close(&s[i]);
	free(s);
	wait_log_count(e, "session open", MANY_SESSIONS, 2000);
	e->passed = 1;
}

struct worker {
	const struct env *e;
	const struct keypair *kp;
	pthread_barrier_t *barrier;
	int open_rv;
	int ping_rv;
	int pings_ok;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct session s;
	int i;

	w->open_rv = session_open(&s, w->e->hostport, w->kp, w->e->server_pub, wire_now_ns(), 20000u);
	/* Everyone waits here, so all sessions are open at the same time. */
	pthread_barrier_wait(w->barrier);
	if (w->open_rv != BS_OK)
		return NULL;
	for (i = 0; i < MANY_PINGS; i++) {
		w->ping_rv = ping(&s);
		if (w->ping_rv != BS_OK)
			break;
		w->pings_ok++;
	}
	session_close(&s);
	return NULL;
}

/* 50 threads, one session each, with its own key (a key's handshakes must
 * reach the server in timestamp order, see the replay rule). */
static void test_many_threads(void **state)
{
	struct env *e = *state;
	struct worker w[MANY_SESSIONS];
	pthread_t th[MANY_SESSIONS];
	pthread_barrier_t barrier;
	uint64_t t0 = mono_ms();
	int i;

	assert_int_equal(e->nmany, MANY_SESSIONS);
	assert_int_equal(pthread_barrier_init(&barrier, NULL, MANY_SESSIONS), 0);
	for (i = 0; i < MANY_SESSIONS; i++) {
		w[i] = (struct worker){.e = e, .kp = &e->many[i], .barrier = &barrier};
		assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	}
	for (i = 0; i < MANY_SESSIONS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&barrier);
	for (i = 0; i < MANY_SESSIONS; i++) {
		if (w[i].open_rv != BS_OK)
			fail_msg("thread %d: session_open: %s", i, bs_errname(w[i].open_rv));
		if (w[i].pings_ok != MANY_PINGS)
			fail_msg("thread %d: %d pings ok, then %s", i, w[i].pings_ok,
				 bs_errname(w[i].ping_rv));
	}
	print_message("%d sessions x %d pings in %llu ms\n", MANY_SESSIONS, MANY_PINGS,
		      (unsigned long long)(mono_ms() - t0));
	e->passed = 1;
}

/* ---- stopping -------------------------------------------------------------------------- */

/* SIGTERM with sessions open and handshakes pending: exit 0, everyone's
 * connection closed in an orderly way. */
static void test_sigterm_with_sessions(void **state)
{
	struct env *e = *state;
	struct session a, b, silent;

	open_session(e, &e->kp[ALICE], &a);
	open_session(e, &e->kp[BOB], &b);
	assert_bs(ping(&a), BS_OK);
	raw_session(e, &silent);
	assert_int_equal(srv_stop(e), 0);
	assert_closed_within(&a, 1000);
	assert_closed_within(&b, 1000);
	assert_closed_within(&silent, 1000);
	session_close(&a);
	session_close(&b);
	session_close(&silent);
	assert_int_equal(count_in_file(e->log, "stopping:"), 1);
	assert_int_equal(count_in_file(e->log, "stopped"), 1);
	e->passed = 1;
}

/* A signal sent the moment the port file appears must find the handlers
 * installed (it used to kill the server: the port file was written before
 * the handlers were).  inotify reports the rename within microseconds.
 * Even rounds: SIGTERM at once, exit 0.  Odd rounds: SIGHUP at once, which
 * must not stop it, then SIGTERM. */
static void test_signal_at_start(void **state)
{
	struct env *e = *state;
	int i;

	assert_int_equal(srv_stop(e), 0);
	for (i = 0; i < 20; i++) {
		_Alignas(struct inotify_event) char buf[4096];
		uint64_t deadline = mono_ms() + PORT_WAIT_MS;
		int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK), seen = 0;

		assert_true(fd >= 0);
		unlink(e->port_file);
		assert_true(inotify_add_watch(fd, e->dir, IN_MOVED_TO) >= 0);
		srv_spawn(e, 0);
		while (!seen) {
			struct pollfd p = {.fd = fd, .events = POLLIN};
			ssize_t r;
			char *q;
			if (mono_ms() > deadline) {
				close(fd);
				fail_msg("no port file within %u ms", PORT_WAIT_MS);
			}
			if (poll(&p, 1, 100) <= 0)
				continue;
			r = read(fd, buf, sizeof buf);
			for (q = buf; r > 0 && q < buf + r;) {
				const struct inotify_event *ev = (const struct inotify_event *)q;
				if (ev->len && !strcmp(ev->name, "port"))
					seen = 1;
				q += sizeof *ev + ev->len;
			}
		}
		/* Signal first: closing an inotify descriptor can take a while. */
		if (i % 2) {
			int status;
			assert_int_equal(kill(e->pid, SIGHUP), 0);
			close(fd);
			sleep_ms(20);
			if (waitpid(e->pid, &status, WNOHANG) == e->pid) {
				e->pid = 0;
				g_server_pid = 0;
				e->exit_status = -1;
				fail_msg("round %d: SIGHUP right after start stopped the server "
					 "(%s %d)", i, WIFSIGNALED(status) ? "signal" : "exit status",
					 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
			}
			if (srv_stop(e) != 0)
				fail_msg("round %d: SIGTERM after SIGHUP: exit status %d", i,
					 e->exit_status);
		} else {
			if (srv_stop(e) != 0)
				fail_msg("round %d: SIGTERM right after start: exit status %d", i,
					 e->exit_status);
			close(fd);
		}
	}
	/* Every SIGHUP was handled (logged), none stopped the server. */
	assert_int_equal(count_in_file(e->log, "nothing to reload"), 10);
	e->passed = 1;
}

int main(void)
{
	static struct cfg cfg_short_hs = {.handshake_timeout_ms = SHORT_HS_MS};
	static struct cfg cfg_many = {.nmany = MANY_SESSIONS};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cli_ping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_fingerprint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_skew, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_transport, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_envelope, setup, teardown),
		cmocka_unit_test_prestate_setup_teardown(test_silent_client, setup, teardown,
							 &cfg_short_hs),
		cmocka_unit_test_setup_teardown(test_unknown_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revocation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_reused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_reused_unit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sighup_keeps_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_interleaved, setup, teardown),
		cmocka_unit_test_prestate_setup_teardown(test_many_threads, setup, teardown,
							 &cfg_many),
		cmocka_unit_test_setup_teardown(test_sigterm_with_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_at_start, setup, teardown),
	};
	struct sigaction sa;

	if (sodium_init() < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_watchdog;
	sigaction(SIGALRM, &sa, NULL);
	atexit(kill_leftovers);
	return cmocka_run_group_tests_name("integration: baosongd on loopback", tests, NULL,
					   NULL);
}
