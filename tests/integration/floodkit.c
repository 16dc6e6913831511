/* floodkit.c - server, attackers and devices for the flood test and
 * benchmark (see floodkit.h). */
#include "floodkit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bs_limits.h"
#include "cookie.h"
#include "err.h"
#include "frame.h"
#include "handshake.h"
#include "net.h"
#include "records.h"
#include "store.h"
#include "wire.h"

double fk_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void fk_sleep_ms(unsigned ms)
{
	struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- the server ---------------------------------------------------------------- */

static int make_data(struct fk_server *s, unsigned ndev)
{
	char path[400];
	struct keypair skp;
	struct store *st;
	struct unit u;
	int64_t unit_id, did;
	unsigned i;

	if (keys_generate(&skp) != BS_OK)
		return -1;
	snprintf(path, sizeof path, "%s/server.key", s->dir);
	if (keys_write(&skp, path, "flood", 0) != BS_OK)
		return -1;
	memcpy(s->server_pub, skp.pub, KEY_LEN);
	keys_wipe(&skp);
	snprintf(path, sizeof path, "%s/baosong.db", s->dir);
	if (store_open(path, 0, &st) != BS_OK)
		return -1;
	store_begin(st);
	memset(&u, 0, sizeof u);
	strcpy(u.code, "xinzhen");
	strcpy(u.name, "新镇");
	u.type = UNIT_TOWNSHIP;
	strcpy(u.region, "620421");
	if (store_unit_add(st, &u, &unit_id) != BS_OK)
		return -1;
	for (i = 0; i < ndev; i++) {
		if (keys_generate(&s->dev[i]) != BS_OK ||
		    store_device_add(st, s->dev[i].pub, unit_id, ROLE_REPORTER, "flood",
				     wire_now_ms(), &did) != BS_OK)
			return -1;
		s->next_seq[i] = 1;
	}
	s->ndev = ndev;
	if (store_commit(st) != BS_OK)
		return -1;
	store_close(st);
	return 0;
}

int fk_server_start(struct fk_server *s, const char *baosongd, unsigned ndev,
		    const char *extra, unsigned nofile)
{
	char ini[400], portfile[400];
	FILE *f;
	unsigned i;

	memset(s, 0, sizeof *s);
	s->pid = -1;
	if (ndev > FK_DEVICES_MAX)
		return -1;
	strcpy(s->dir, "/tmp/bs-flood-XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	if (make_data(s, ndev) != 0) {
		fprintf(stderr, "floodkit: could not make the data directory %s\n", s->dir);
		return -1;
	}
	snprintf(ini, sizeof ini, "%s/baosongd.ini", s->dir);
	snprintf(portfile, sizeof portfile, "%s/port", s->dir);
	snprintf(s->log, sizeof s->log, "%s/server.log", s->dir);
	f = fopen(ini, "w");
	if (!f)
		return -1;
	fprintf(f, "[server]\nlisten = 127.0.0.1:0\ndata = %s\nkey = %s/server.key\nport_file = %s\n%s\n",
		s->dir, s->dir, portfile, extra ? extra : "");
	if (fclose(f) != 0)
		return -1;
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		int fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd < 0)
			_exit(127);
		dup2(fd, 2);
		dup2(fd, 1);
		close(fd);
		if (nofile > 0) {
			struct rlimit rl = {nofile, nofile};
			if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
				_exit(126);
		}
		execl(baosongd, baosongd, "serve", "--config", ini, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 400 && s->port == 0; i++) {
		int status;
		f = fopen(portfile, "r");
		if (f) {
			if (fscanf(f, "%d", &s->port) != 1)
				s->port = 0;
			fclose(f);
		}
		if (s->port)
			break;
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			fprintf(stderr, "floodkit: baosongd exited before listening; log %s\n", s->log);
			s->pid = -1;
			return -1;
		}
		fk_sleep_ms(25);
	}
	if (!s->port) {
		fprintf(stderr, "floodkit: baosongd did not start; log %s\n", s->log);
		return -1;
	}
	snprintf(s->addr, sizeof s->addr, "127.0.0.1:%d", s->port);
	return 0;
}

int fk_server_stop(struct fk_server *s)
{
	int status = 0;
	unsigned i;
	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGTERM);
	for (i = 0; i < 1000; i++) {
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			s->pid = -1;
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		}
		fk_sleep_ms(10);
	}
	kill(s->pid, SIGKILL);
	waitpid(s->pid, &status, 0);
	s->pid = -1;
	return -1;
}

void fk_server_cleanup(struct fk_server *s, int keep)
{
	char cmd[400];
	unsigned i;
	if (s->pid > 0)
		fk_server_stop(s);
	for (i = 0; i < s->ndev; i++)
		keys_wipe(&s->dev[i]);
	if (keep || !s->dir[0])
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "floodkit: could not remove %s\n", s->dir);
}

double fk_server_cpu_s(const struct fk_server *s)
{
	char path[64], buf[2048], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;
	size_t n;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)s->pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* after "pid (comm)": state is field 3; utime and stime are 14 and 15 */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
			 &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

unsigned fk_log_count(const struct fk_server *s, const char *needle)
{
	char line[2048];
	unsigned n = 0;
	FILE *f = fopen(s->log, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (strstr(line, needle))
			n++;
	fclose(f);
	return n;
}

int fk_log_hs_stats(const struct fk_server *s, struct fk_hs_stats *o)
{
	char line[2048];
	int found = -1;
	FILE *f = fopen(s->log, "r");
	if (!f)
		return -1;
	memset(o, 0, sizeof *o);
	while (fgets(line, sizeof line, f)) {
		const char *p = strstr(line, "handshakes: ");
		if (p && sscanf(p,
				"handshakes: %llu message 1 received, %llu decrypted (DH), %llu "
				"delayed by the address rate, %llu cookie replies, %llu/%llu",
				&o->received, &o->decrypted, &o->rate_delayed, &o->cookies,
				&o->proofs_ok, &o->proofs_bad) == 6)
			found = 0;
	}
	fclose(f);
	return found;
}

/* ---- attackers ---------------------------------------------------------------- */

enum slot_phase { SLOT_EMPTY, SLOT_CONNECTING, SLOT_OPEN, SLOT_WAIT_REPLY, SLOT_HELD };

struct slot {
	int fd;
	enum slot_phase phase;
	double next_byte;          /* FK_SLOW */
	double waiting_since;      /* SLOT_WAIT_REPLY: when message 1 went */
	unsigned sent;             /* FK_SLOW: bytes sent */
	struct noise_hs hs;        /* FK_ENROL */
	uint8_t msg1[HS_FRAME_MAX];
	size_t msg1_len;
	uint8_t in[HS_FRAME_MAX + FRAME_HDR];
	size_t in_len;
};

struct attack_state {
	struct fk_attack *a;
	struct slot *slots;
	struct keypair kp;                  /* FK_REPLAY: the one key */
	uint8_t replay[HS_FRAME_MAX];       /* FK_REPLAY: the recorded message 1 frame */
	size_t replay_len;
	uint8_t cookie[COOKIE_LEN];
	int has_cookie;
	double window;
	unsigned window_new;
};

static void slot_close(struct slot *sl)
{
	if (sl->fd >= 0)
		close(sl->fd);
	sl->fd = -1;
	noise_hs_wipe(&sl->hs);
	sl->phase = SLOT_EMPTY;
	sl->in_len = 0;
	sl->sent = 0;
}

static int slot_connect(struct attack_state *st, struct slot *sl)
{
	struct fk_attack *a = st->a;
	struct sockaddr_in src, dst;
	int one = 1;
	memset(&src, 0, sizeof src);
	src.sin_family = AF_INET;
	inet_pton(AF_INET, a->src, &src.sin_addr);
	memset(&dst, 0, sizeof dst);
	dst.sin_family = AF_INET;
	dst.sin_port = htons((uint16_t)a->srv->port);
	inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
	sl->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (sl->fd < 0)
		return -1;
	setsockopt(sl->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(sl->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (bind(sl->fd, (struct sockaddr *)&src, sizeof src) != 0 ||
	    (connect(sl->fd, (struct sockaddr *)&dst, sizeof dst) != 0 && errno != EINPROGRESS)) {
		close(sl->fd);
		sl->fd = -1;
		return -1;
	}
	sl->phase = SLOT_CONNECTING;
	return 0;
}

static int send_now(int fd, const uint8_t *p, size_t n)
{
	ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
	return w == (ssize_t)n ? 0 : -1;
}

/* Connected: do what the kind does first. */
static void slot_opened(struct attack_state *st, struct slot *sl)
{
	struct fk_attack *a = st->a;
	a->opened++;
	sl->phase = SLOT_OPEN;
	if (a->kind == FK_SLOW) {
		sl->next_byte = fk_now_s();
	} else if (a->kind == FK_REPLAY) {
		uint8_t buf[FRAME_HDR + COOKIE_PROOF_LEN + HS_FRAME_MAX];
		size_t n = 0;
		if (st->has_cookie) {
			frame_put_header(buf, COOKIE_PROOF_LEN);
			cookie_proof_build(st->cookie, st->replay + FRAME_HDR,
					   st->replay_len - FRAME_HDR, buf + FRAME_HDR);
			n = FRAME_HDR + COOKIE_PROOF_LEN;
		}
		memcpy(buf + n, st->replay, st->replay_len);
		n += st->replay_len;
		a->msg1_sent++;
		if (send_now(sl->fd, buf, n) != 0) {
			a->errors++;
			slot_close(sl);
			return;
		}
		sl->phase = SLOT_WAIT_REPLY;
		sl->waiting_since = fk_now_s();
	} else if (a->kind == FK_ENROL) {
		struct keypair kp;
		uint8_t buf[FRAME_HDR + COOKIE_PROOF_LEN + HS_FRAME_MAX];
		size_t n = 0;
		keys_generate(&kp);
		if (hs_client_start(&sl->hs, &kp, a->srv->server_pub, wire_now_ns(), sl->msg1,
				    sizeof sl->msg1, &sl->msg1_len) != BS_OK) {
			keys_wipe(&kp);
			a->errors++;
			slot_close(sl);
			return;
		}
		keys_wipe(&kp);
		if (st->has_cookie) {
			frame_put_header(buf, COOKIE_PROOF_LEN);
			cookie_proof_build(st->cookie, sl->msg1 + FRAME_HDR, sl->msg1_len - FRAME_HDR,
					   buf + FRAME_HDR);
			n = FRAME_HDR + COOKIE_PROOF_LEN;
		}
		memcpy(buf + n, sl->msg1, sl->msg1_len);
		n += sl->msg1_len;
		a->msg1_sent++;
		if (send_now(sl->fd, buf, n) != 0) {
			a->errors++;
			slot_close(sl);
			return;
		}
		sl->phase = SLOT_WAIT_REPLY;
		sl->waiting_since = fk_now_s();
	}
}

/* A whole frame arrived in sl->in: cookie reply, message 2, or other. */
static void slot_frame(struct attack_state *st, struct slot *sl, const uint8_t *body, size_t len)
{
	struct fk_attack *a = st->a;
	const uint8_t *m1 = a->kind == FK_REPLAY ? st->replay : sl->msg1;
	size_t m1len = a->kind == FK_REPLAY ? st->replay_len : sl->msg1_len;
	if (cookie_is_reply(body, len)) {
		a->cookie_replies++;
		if (cookie_reply_open(a->srv->server_pub, m1 + FRAME_HDR, m1len - FRAME_HDR, body,
				      len, st->cookie) == BS_OK)
			st->has_cookie = 1;
		slot_close(sl);
		return;
	}
	a->replies++;
	if (a->kind == FK_ENROL) {
		struct hs_server_info info;
		struct channel ch;
		memset(&ch, 0, sizeof ch);
		if (hs_client_finish(&sl->hs, body, len, &info, &ch) == BS_OK) {
			channel_wipe(&ch);
			noise_hs_wipe(&sl->hs);
			a->sessions++;
			sl->phase = SLOT_HELD;
			sl->in_len = 0;
			return;
		}
	}
	slot_close(sl);
}

static void slot_readable(struct attack_state *st, struct slot *sl)
{
	struct fk_attack *a = st->a;
	ssize_t r;
	if (sl->in_len >= sizeof sl->in)
		sl->in_len = 0; /* not a handshake frame: drop it */
	r = recv(sl->fd, sl->in + sl->in_len, sizeof sl->in - sl->in_len, 0);
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
		a->closed++;
		slot_close(sl);
		return;
	}
	if (r < 0)
		return;
	sl->in_len += (size_t)r;
	if (sl->phase == SLOT_WAIT_REPLY && sl->in_len >= FRAME_HDR) {
		size_t len = ((size_t)sl->in[0] << 24) | ((size_t)sl->in[1] << 16) |
			     ((size_t)sl->in[2] << 8) | sl->in[3];
		if (len > HS_FRAME_MAX) {
			slot_close(sl);
			return;
		}
		if (sl->in_len >= FRAME_HDR + len)
			slot_frame(st, sl, sl->in + FRAME_HDR, len);
	} else if (sl->phase != SLOT_WAIT_REPLY) {
		sl->in_len = 0; /* a held session ignores what comes */
	}
}

static void *attack_main(void *arg)
{
	struct attack_state st;
	struct fk_attack *a = arg;
	struct pollfd *pf;
	unsigned i, *idx;

	memset(&st, 0, sizeof st);
	st.a = a;
	st.slots = calloc(a->conns, sizeof *st.slots);
	pf = calloc(a->conns, sizeof *pf);
	idx = calloc(a->conns, sizeof *idx);
	if (!st.slots || !pf || !idx)
		goto out;
	for (i = 0; i < a->conns; i++)
		st.slots[i].fd = -1;
	if (a->kind == FK_REPLAY) {
		struct noise_hs hs;
		keys_generate(&st.kp);
		hs_client_start(&hs, &st.kp, a->srv->server_pub, wire_now_ns(), st.replay,
				sizeof st.replay, &st.replay_len);
		noise_hs_wipe(&hs);
	}
	st.window = fk_now_s();
	while (!a->stop) {
		unsigned n = 0, held = 0;
		double now = fk_now_s();
		if (now - st.window >= 1.0) {
			st.window = now;
			st.window_new = 0;
		}
		for (i = 0; i < a->conns; i++) {
			struct slot *sl = &st.slots[i];
			if (sl->phase == SLOT_EMPTY &&
			    (a->max_new_per_s == 0 || st.window_new < a->max_new_per_s)) {
				st.window_new++;
				if (slot_connect(&st, sl) != 0)
					a->errors++;
			}
			if (sl->phase == SLOT_EMPTY)
				continue;
			if (sl->phase == SLOT_OPEN && a->kind == FK_SLOW && now >= sl->next_byte) {
				static const uint8_t hdr[4] = {0, 0, 1, 0};
				uint8_t b = sl->sent < 4 ? hdr[sl->sent] : 0x5a;
				if (send_now(sl->fd, &b, 1) != 0) {
					a->closed++;
					slot_close(sl);
					continue;
				}
				sl->sent++;
				sl->next_byte = now + 0.2;
			}
			if (sl->phase == SLOT_WAIT_REPLY && a->give_up_ms &&
			    now - sl->waiting_since > a->give_up_ms / 1000.0) {
				a->abandoned++;
				slot_close(sl);
				continue;
			}
			if (sl->phase == SLOT_OPEN || sl->phase == SLOT_HELD)
				held++;
			pf[n].fd = sl->fd;
			pf[n].events = sl->phase == SLOT_CONNECTING ? POLLOUT : POLLIN;
			pf[n].revents = 0;
			idx[n++] = i;
		}
		if (held > a->held_max)
			a->held_max = held;
		if (n == 0) {
			fk_sleep_ms(5);
			continue;
		}
		if (poll(pf, n, 10) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			struct slot *sl = &st.slots[idx[i]];
			if (!pf[i].revents)
				continue;
			if (sl->phase == SLOT_CONNECTING) {
				int err = 0;
				socklen_t el = sizeof err;
				getsockopt(sl->fd, SOL_SOCKET, SO_ERROR, &err, &el);
				if (err != 0 || (pf[i].revents & (POLLERR | POLLHUP))) {
					a->errors++;
					slot_close(sl);
					continue;
				}
				slot_opened(&st, sl);
				continue;
			}
			slot_readable(&st, sl);
		}
	}
out:
	if (st.slots)
		for (i = 0; i < a->conns; i++)
			slot_close(&st.slots[i]);
	keys_wipe(&st.kp);
	sodium_memzero(st.cookie, sizeof st.cookie);
	free(st.slots);
	free(pf);
	free(idx);
	return NULL;
}

int fk_attack_start(struct fk_attack *a, const struct fk_server *srv, enum fk_kind kind,
		    const char *src, unsigned conns, unsigned max_new_per_s, unsigned give_up_ms)
{
	memset(a, 0, sizeof *a);
	a->kind = kind;
	a->srv = srv;
	a->conns = conns;
	a->max_new_per_s = max_new_per_s;
	a->give_up_ms = give_up_ms;
	snprintf(a->src, sizeof a->src, "%s", src);
	if (pthread_create(&a->th, NULL, attack_main, a) != 0)
		return -1;
	a->started = 1;
	return 0;
}

void fk_attack_stop(struct fk_attack *a)
{
	if (!a->started)
		return;
	a->stop = 1;
	pthread_join(a->th, NULL);
	a->started = 0;
}

/* ---- devices ---------------------------------------------------------------- */

struct dev_arg {
	pthread_t th;
	struct fk_server *s;
	unsigned i, sessions, ops;
	struct fk_push_result r;
};

static int push_one(struct session *ss, uint64_t seq, unsigned i)
{
	Envelope req = BAOSONG__V1__ENVELOPE__INIT, *resp = NULL;
	Baosong__V1__PushRequest pr = BAOSONG__V1__PUSH_REQUEST__INIT;
	Baosong__V1__Op op = BAOSONG__V1__OP__INIT, *ops[1] = {&op};
	Baosong__V1__Project p = BAOSONG__V1__PROJECT__INIT;
	uint8_t data[1024];
	char uid[REC_UID_LEN + 1], name[96];
	struct wire_arena a;
	int rv;

	snprintf(name, sizeof name, "第%u号 县城供水管网改造工程", i);
	p.name = name;
	p.plan_year = 2026;
	p.category = (char *)"基础设施";
	p.township = (char *)"新镇";
	p.total_investment_fen = 123456LL * 1000000;
	p.stage = BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING;
	records_new_uid(uid);
	op.seq = seq;
	op.kind = (char *)REC_KIND_PROJECT;
	op.uid = uid;
	op.data.data = data;
	op.data.len = baosong__v1__project__pack(&p, data);
	pr.ops = ops;
	pr.n_ops = 1;
	req.body_case = BAOSONG__V1__ENVELOPE__BODY_PUSH;
	req.push = &pr;
	wire_arena_init(&a, WIRE_DECODE_MEM_MAX);
	rv = session_call(ss, &req, &a, &resp);
	if (rv != BS_OK)
		return rv;
	if (resp->body_case != BAOSONG__V1__ENVELOPE__BODY_PUSH_RESPONSE ||
	    resp->push_response->n_receipts != 1 ||
	    resp->push_response->receipts[0]->status != BAOSONG__V1__OP_STATUS__OP_APPLIED)
		rv = BS_E_PROTO;
	wire_envelope_free(resp, &a);
	return rv;
}

static void *dev_main(void *arg)
{
	struct dev_arg *d = arg;
	unsigned k, j;
	for (k = 0; k < d->sessions; k++) {
		struct session ss;
		int rv = session_open(&ss, d->s->addr, &d->s->dev[d->i], d->s->server_pub,
				      wire_now_ns(), 10000);
		if (rv != BS_OK) {
			d->r.refused++;
			d->r.last_err = rv;
			continue;
		}
		d->r.sessions++;
		d->r.cookie_retries += ss.cookie_retries;
		for (j = 0; j < d->ops; j++) {
			rv = push_one(&ss, d->s->next_seq[d->i], j);
			if (rv != BS_OK) {
				d->r.failed++;
				d->r.last_err = rv;
				break;
			}
			d->s->next_seq[d->i]++;
			d->r.applied++;
		}
		session_close(&ss);
	}
	return NULL;
}

double fk_push(struct fk_server *s, unsigned first, unsigned n, unsigned sessions,
	       unsigned ops, struct fk_push_result *r)
{
	struct dev_arg *d = calloc(n, sizeof *d);
	double t0, t1;
	unsigned i;

	memset(r, 0, sizeof *r);
	if (!d || first + n > s->ndev) {
		free(d);
		r->last_err = BS_E_INVAL;
		return 0;
	}
	t0 = fk_now_s();
	for (i = 0; i < n; i++) {
		d[i].s = s;
		d[i].i = first + i;
		d[i].sessions = sessions;
		d[i].ops = ops;
		pthread_create(&d[i].th, NULL, dev_main, &d[i]);
	}
	for (i = 0; i < n; i++) {
		pthread_join(d[i].th, NULL);
		r->sessions += d[i].r.sessions;
		r->refused += d[i].r.refused;
		r->applied += d[i].r.applied;
		r->failed += d[i].r.failed;
		r->cookie_retries += d[i].r.cookie_retries;
		if (d[i].r.last_err)
			r->last_err = d[i].r.last_err;
	}
	t1 = fk_now_s();
	free(d);
	return t1 - t0;
}
