/* benchlib.c - see benchlib.h. */
#include "benchlib.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "store.h"
#include "wire.h"

#ifndef BAOSONGD_BIN
#define BAOSONGD_BIN "baosongd"
#endif

double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int bench_server_init(struct bench_server *bs, struct keypair *keys, unsigned ndev)
{
	struct keypair skp;
	struct store *st;
	int64_t uids[10];
	char path[512];
	unsigned i;

	memset(bs, 0, sizeof *bs);
	log_setup("bench", LOG_WARN); /* not the migrations of every fresh database */
	snprintf(bs->dir, sizeof bs->dir, "%s/bs-bench-XXXXXX", getenv("BSB") ? getenv("BSB") : "/tmp");
	if (!mkdtemp(bs->dir)) {
		perror("bench: mkdtemp");
		return -1;
	}
	keys_generate(&skp);
	snprintf(path, sizeof path, "%s/server.key", bs->dir);
	if (keys_write(&skp, path, "bench", 0) != BS_OK)
		return -1;
	memcpy(bs->pub, skp.pub, KEY_LEN);
	keys_wipe(&skp);
	snprintf(path, sizeof path, "%s/baosong.db", bs->dir);
	if (store_open(path, 0, &st) != BS_OK)
		return -1;
	store_begin(st);
	for (i = 0; i < 10; i++) {
		struct unit u;
		memset(&u, 0, sizeof u);
		snprintf(u.code, sizeof u.code, "town%u", i);
		snprintf(u.name, sizeof u.name, "第%u乡镇", i);
		u.type = UNIT_TOWNSHIP;
		strcpy(u.region, "620421");
		if (store_unit_add(st, &u, &uids[i]) != BS_OK)
			goto fail;
	}
	for (i = 0; i < ndev; i++) {
		int64_t did;
		keys_generate(&keys[i]);
		if (store_device_add(st, keys[i].pub, uids[i % 10], ROLE_REPORTER, "bench",
				     wire_now_ms(), &did) != BS_OK)
			goto fail;
	}
	if (store_commit(st) != BS_OK)
		goto fail;
	store_close(st);
	return 0;
fail:
	fprintf(stderr, "bench: could not set up the database\n");
	store_close(st);
	return -1;
}

int bench_server_start(struct bench_server *bs, const char *bin, unsigned max_conns)
{
	char portfile[512], ini[512];
	unsigned unauth = max_conns > 512 ? max_conns : 512;
	int port = 0, i;
	FILE *f;

	if (!bin)
		bin = BAOSONGD_BIN;
	snprintf(portfile, sizeof portfile, "%s/port", bs->dir);
	snprintf(ini, sizeof ini, "%s/baosongd.ini", bs->dir);
	/* Every client of a benchmark comes from 127.0.0.1, like a county's
	 * offices behind one NAT address: the per-address limits are raised
	 * as docs/OPERATIONS.md says for that case; everything else is the
	 * default. */
	if (!(f = fopen(ini, "w")))
		return -1;
	fprintf(f, "[server]\nlisten = 127.0.0.1:0\ndata = %s\nkey = %s/server.key\n"
		"port_file = %s\nmax_connections = %u\nmax_unauth_connections = %u\n"
		"max_unauth_per_address = %u\nhandshakes_per_second = 1000000\n"
		"handshake_burst = 1000000\n%s", bs->dir, bs->dir, portfile, max_conns, unauth, unauth,
		bs->extra);
	if (fclose(f) != 0)
		return -1;
	bs->pid = fork();
	if (bs->pid < 0)
		return -1;
	if (bs->pid == 0) {
		if (!getenv("BENCH_SERVER_LOG") && !freopen("/dev/null", "w", stderr))
			_exit(127);
		execl(bin, bin, "serve", "--config", ini, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 400 && port == 0; i++) {
		f = fopen(portfile, "r");
		if (f) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
		}
		if (!port)
			usleep(50000);
	}
	if (!port) {
		fprintf(stderr, "bench: baosongd did not start (%s)\n", bin);
		kill(bs->pid, SIGKILL);
		waitpid(bs->pid, NULL, 0);
		bs->pid = 0;
		return -1;
	}
	snprintf(bs->addr, sizeof bs->addr, "127.0.0.1:%d", port);
	return 0;
}

int bench_server_stop(struct bench_server *bs)
{
	int status = 0, rv = -1;
	char cmd[128];
	if (bs->pid > 0) {
		kill(bs->pid, SIGTERM);
		if (waitpid(bs->pid, &status, 0) == bs->pid && WIFEXITED(status))
			rv = WEXITSTATUS(status);
		bs->pid = 0;
	}
	if (bs->dir[0]) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", bs->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench: could not remove %s\n", bs->dir);
		bs->dir[0] = 0;
	}
	return rv;
}

long bench_rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

size_t bench_project(unsigned i, uint8_t *out, size_t cap)
{
	Baosong__V1__Project p = BAOSONG__V1__PROJECT__INIT;
	char name[96];
	snprintf(name, sizeof name, "第%u号 县城供水管网改造工程（二期）", i);
	p.name = name;
	p.plan_year = 2026;
	p.category = (char *)"基础设施";
	p.industry_chain = (char *)"清洁能源及装备制造";
	p.investment_type = (char *)"政府投资";
	p.level = (char *)"县级重点";
	p.township = (char *)"新镇";
	p.leader = (char *)"张三";
	p.owner = (char *)"县水务投资有限公司";
	p.total_investment_fen = 123456LL * 1000000;
	p.annual_plan_fen = 50000LL * 1000000;
	p.start_date = (char *)"2026-03-01";
	p.end_date = (char *)"2027-10-31";
	p.stage = BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING;
	p.contents = (char *)"新建供水管网 12.5 公里，改造加压泵站 2 座。";
	if (baosong__v1__project__get_packed_size(&p) > cap)
		return 0;
	return baosong__v1__project__pack(&p, out);
}

#define BENCH_BATCH_MAX 256

int bench_push(struct session *s, uint64_t seq, unsigned n, const uint8_t *row, size_t row_len)
{
	Envelope req = BAOSONG__V1__ENVELOPE__INIT, *resp = NULL;
	Baosong__V1__PushRequest pr = BAOSONG__V1__PUSH_REQUEST__INIT;
	static __thread Baosong__V1__Op ops[BENCH_BATCH_MAX];
	static __thread Baosong__V1__Op *ptrs[BENCH_BATCH_MAX];
	static __thread char uids[BENCH_BATCH_MAX][REC_UID_LEN + 1];
	struct wire_arena a;
	unsigned i;
	int rv = BS_OK;

	if (n == 0 || n > BENCH_BATCH_MAX)
		return BS_E_INVAL;
	for (i = 0; i < n; i++) {
		Baosong__V1__Op init = BAOSONG__V1__OP__INIT;
		ops[i] = init;
		records_new_uid(uids[i]);
		ops[i].seq = seq + i;
		ops[i].kind = (char *)REC_KIND_PROJECT;
		ops[i].uid = uids[i];
		ops[i].data.data = (uint8_t *)row;
		ops[i].data.len = row_len;
		ptrs[i] = &ops[i];
	}
	pr.ops = ptrs;
	pr.n_ops = n;
	req.body_case = BAOSONG__V1__ENVELOPE__BODY_PUSH;
	req.push = &pr;
	wire_arena_init(&a, WIRE_DECODE_MEM_MAX);
	if ((rv = session_call(s, &req, &a, &resp)) != BS_OK)
		return rv;
	if (resp->body_case != BAOSONG__V1__ENVELOPE__BODY_PUSH_RESPONSE ||
	    resp->push_response->n_receipts != n) {
		rv = BS_E_PROTO;
	} else {
		for (i = 0; i < n; i++)
			if (resp->push_response->receipts[i]->status !=
			    BAOSONG__V1__OP_STATUS__OP_APPLIED)
				rv = BS_E_PROTO;
	}
	wire_envelope_free(resp, &a);
	return rv;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double bench_percentile(double *v, size_t n, double p)
{
	size_t i;
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

double bench_median(double *v, size_t n)
{
	return bench_percentile(v, n, 50);
}

void bench_result(const char *target, const char *measure, double value, double baseline,
		  double ratio, const char *goal, int met)
{
	printf("RESULT|%s|%s|%.6g|%.6g|%.3f|%s|%s\n", target, measure, value, baseline, ratio, goal,
	       met ? "met" : "NOT met");
	fflush(stdout);
}

unsigned long bench_raise_nofile(unsigned long want)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			perror("bench: setrlimit");
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	return (unsigned long)rl.rlim_cur;
}

void bench_remove_db(const char *path)
{
	char side[4096];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}
