/* bench_ui.c - how long the 项目库 (/projects) and 周报 (/weekly) pages of
 * `baosong ui` take for a unit with 500 projects and a year of weekly
 * reports, side by side with the same query on the command line
 * (`baosong project list`, `baosong report list --week W`) and with a bare
 * read of the same records through the local database (the floor),
 * measured in the same run on the same data directory.
 *
 * The data directory is enrolled as a township's reporter and filled
 * through the client core as records pulled from the server (each project
 * with a weekly report for each of the last --weeks weeks, approvals and
 * statistics evidence for some).  The pages are served by the real HTTP
 * server of `baosong ui` (client/ui/http.c) in this process and fetched
 * over a loopback socket with the session cookie, so a time is what a
 * browser waits for: request, checks, database, HTML.  The command line is
 * run as its own process each time (what a person typing it waits for).
 *
 *   bench_ui [--projects N] [--weeks N] [--runs N] [--baosong PATH]
 *
 * Goal (issue 11): each page under 50 ms (the median of --runs).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "baosong.pb-c.h"
#include "benchlib.h"
#include "clock.h"
#include "err.h"
#include "http.h"
#include "localdb.h"
#include "period.h"
#include "records.h"
#include "ui.h"

#define RUNS_MAX 101
#define GOAL_MS 50.0
#define RESP_MAX (32u * 1024u * 1024u)

struct opts {
	unsigned projects, weeks, runs;
	const char *baosong;
};

static const char *const TOWNS[] = {"城关镇", "新镇", "东乡", "西川镇", "南山乡"};
static const char *const LEADERS[] = {"张伟", "李娜", "王强", "赵敏"};

static int put_record(struct localdb *db, const char *kind, const ProtobufCMessage *m,
		      int64_t created, int n_att, unsigned i)
{
	uint8_t buf[4096], att[2][LDB_HASH_LEN];
	struct lrecord r;
	size_t len = protobuf_c_message_get_packed_size(m);

	if (len > sizeof buf)
		return BS_E_TOOBIG;
	memset(&r, 0, sizeof r);
	snprintf(r.kind, sizeof r.kind, "%s", kind);
	records_new_uid(r.uid);
	r.unit_id = 42;
	r.rev = 1;
	r.data = buf;
	r.data_len = protobuf_c_message_pack(m, buf);
	r.created_at = created;
	r.complete_at = n_att ? created : 0;
	r.updated_at = created;
	r.review_status = BAOSONG__V1__REVIEW_STATUS__REVIEW_SUBMITTED;
	if (n_att) {
		memset(att, 0, sizeof att);
		memcpy(att[0], &i, sizeof i);
		att[0][31] = 1;
		memcpy(att[1], &i, sizeof i);
		att[1][31] = 2;
		r.attachments = att;
		r.n_attachments = (size_t)n_att;
	}
	return localdb_apply_remote(db, &r);
}

/* The projects (uids read back afterwards). */
static int fill(struct localdb *db, const struct opts *o, int64_t now)
{
	char name[64], code[32];
	unsigned i;
	int rv;

	if ((rv = localdb_begin(db)) != BS_OK)
		return rv;
	for (i = 0; i < o->projects; i++) {
		Baosong__V1__Project p = BAOSONG__V1__PROJECT__INIT;

		snprintf(name, sizeof name, "重点项目第%u号（基础设施提升工程）", i + 1);
		snprintf(code, sizeof code, "2026-620421-48-01-%06u", i);
		p.name = name;
		p.code = code;
		p.plan_year = 2026;
		p.category = (char *)(i % 3 ? "基础设施" : "产业");
		p.township = (char *)TOWNS[i % 5];
		p.leader = (char *)LEADERS[i % 4];
		p.owner = (char *)"县城投公司";
		p.total_investment_fen = (int64_t)(300 + (i * 37) % 20000) * 1000000;
		p.annual_plan_fen = p.total_investment_fen / 3;
		p.stage = i % 10 == 0 ? BAOSONG__V1__PROJECT_STAGE__STAGE_PREPARATION
				      : (i % 2 ? BAOSONG__V1__PROJECT_STAGE__STAGE_CONTINUING
					       : BAOSONG__V1__PROJECT_STAGE__STAGE_NEW_START);
		p.contents = (char *)"新建道路3.2公里，配套管网及附属设施";
		if ((rv = put_record(db, REC_KIND_PROJECT, &p.base, now - 400 * DAY_MS, 0, i)) !=
		    BS_OK) {
			localdb_rollback(db);
			return rv;
		}
	}
	return localdb_commit(db);
}

struct collect {
	char (*uids)[REC_UID_LEN + 1];
	unsigned n, cap;
};

static int collect_uid(void *ctx, const struct lrecord *r)
{
	struct collect *c = ctx;

	if (c->n < c->cap)
		snprintf(c->uids[c->n++], REC_UID_LEN + 1, "%.32s", r->uid);
	return 0;
}

static int fill_reports(struct localdb *db, const struct opts *o, int64_t now,
			char uids[][REC_UID_LEN + 1], unsigned n)
{
	int64_t this_monday;
	char week[16], progress[64];
	unsigned i, w;
	int rv;

	period_format_week(period_local_days(now), week);
	period_parse_week(week, &this_monday);
	if ((rv = localdb_begin(db)) != BS_OK)
		return rv;
	for (i = 0; i < n; i++) {
		for (w = 0; w < o->weeks; w++) {
			Baosong__V1__WeeklyReport r = BAOSONG__V1__WEEKLY_REPORT__INIT;
			int64_t monday = this_monday - (int64_t)(o->weeks - 1 - w) * 7;
			int64_t deadline = period_weekly_deadline_ms(monday);

			if (deadline > now && w + 1 == o->weeks && i % 3 == 0)
				continue; /* this week: a third not in yet */
			period_format_week(monday, week);
			snprintf(progress, sizeof progress, "第%u周：主体施工，完成%u%%", w + 1,
				 (w * 100) / (o->weeks ? o->weeks : 1));
			r.project_uid = uids[i];
			r.period = week;
			r.invested_period_fen = 1000000 + (int64_t)i * 100;
			r.invested_ytd_fen = r.invested_period_fen * (int64_t)(w + 1);
			r.invested_total_fen = r.invested_ytd_fen + 50000000;
			r.progress = progress;
			r.progress_percent = (w * 100) / (o->weeks ? o->weeks : 1);
			if ((rv = put_record(db, REC_KIND_WEEKLY, &r.base,
					     deadline - (i % 7 == 0 ? -3600000 : 86400000), 2,
					     i * 100 + w)) != BS_OK)
				goto fail;
		}
		if (i % 4 == 0) {
			Baosong__V1__ApprovalItem a = BAOSONG__V1__APPROVAL_ITEM__INIT;

			a.project_uid = uids[i];
			a.item = (char *)"环评";
			a.level = BAOSONG__V1__APPROVAL_LEVEL__APPROVAL_CITY;
			a.deadline = (char *)(i % 8 == 0 ? "2026-01-31" : "2027-06-30");
			a.status = BAOSONG__V1__ITEM_STATUS__ITEM_IN_PROGRESS;
			if ((rv = put_record(db, REC_KIND_APPROVAL, &a.base, now - DAY_MS, 0, i)) !=
			    BS_OK)
				goto fail;
		}
	}
	return localdb_commit(db);
fail:
	localdb_rollback(db);
	return rv;
}

/* ---- fetching a page ---- */

static double fetch(uint16_t port, const char *cookie, const char *path, size_t *bytes, int *ok)
{
	struct sockaddr_in sa;
	char req[1024];
	static char resp[65536];
	double t0 = bench_now();
	size_t got = 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), n;

	*ok = 0;
	*bytes = 0;
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	n = snprintf(req, sizeof req,
		     "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nCookie: %s\r\n"
		     "Connection: close\r\n\r\n",
		     path, port, cookie);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    write(fd, req, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	for (;;) {
		ssize_t k = read(fd, resp + (got < 64 ? got : 64), sizeof resp - 64);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		if (got < 64 && (size_t)k + got >= 13)
			*ok = !strncmp(resp, "HTTP/1.1 200", 12);
		got += (size_t)k;
		if (got > RESP_MAX)
			break;
	}
	close(fd);
	*bytes = got;
	return (bench_now() - t0) * 1000.0;
}

/* Run argv with stdout and stderr to /dev/null; ms, or -1. */
static double run_cli(char *const argv[])
{
	double t0 = bench_now();
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return (bench_now() - t0) * 1000.0;
}

static int count_each(void *ctx, const struct lrecord *r)
{
	(void)r;
	(*(unsigned *)ctx)++;
	return 0;
}

/* The floor: every record of kind read through the local database (with
 * week: only that week's reports, as the page reads them). */
static double read_all(struct localdb *db, const char *kind, const char *week)
{
	Baosong__V1__WeeklyReport key = BAOSONG__V1__WEEKLY_REPORT__INIT;
	uint8_t needle[64];
	double t0 = bench_now();
	unsigned n = 0;
	int rv;

	if (week) {
		key.period = (char *)week;
		rv = localdb_record_each_with(db, kind, needle,
					      protobuf_c_message_pack(&key.base, needle),
					      count_each, &n);
	} else {
		rv = localdb_record_each(db, kind, 0, count_each, &n);
	}
	return rv == BS_OK ? (bench_now() - t0) * 1000.0 : -1;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	o->projects = 500;
	o->weeks = 52;
	o->runs = 15;
	o->baosong = BAOSONG_BIN;
	for (i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--projects"))
			o->projects = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && !strcmp(argv[i], "--weeks"))
			o->weeks = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && !strcmp(argv[i], "--runs"))
			o->runs = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && !strcmp(argv[i], "--baosong"))
			o->baosong = argv[++i];
		else {
			fprintf(stderr, "usage: bench_ui [--projects N] [--weeks N] [--runs N] "
					"[--baosong PATH]\n");
			return -1;
		}
	}
	if (o->projects < 1 || o->projects > 100000 || o->weeks < 1 || o->weeks > 104 ||
	    o->runs < 1 || o->runs > RUNS_MAX) {
		fprintf(stderr, "bench_ui: --projects 1..100000, --weeks 1..104, --runs 1..%d\n",
			RUNS_MAX);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	char tmpl[] = "/tmp/bs-benchui-XXXXXX", week[16], cookie[128], secret[HTTP_SECRET_HEX + 1];
	uint8_t rnd[32];
	static struct ui ui;
	struct http_server *srv = NULL;
	struct collect c = {0};
	double page_p[RUNS_MAX], page_w[RUNS_MAX], cli_p[RUNS_MAX], cli_w[RUNS_MAX];
	double floor_p[RUNS_MAX], floor_w[RUNS_MAX], floor_ww[RUNS_MAX];
	double mp, mw, cp, cw, fp, fw, fww;
	size_t bytes_p = 0, bytes_w = 0;
	int64_t now;
	unsigned r;
	int ok = 1, okp, okw, rv;

	if (parse_opts(argc, argv, &o) != 0)
		return 64;
	if (sodium_init() < 0 || bs_clock_init() != BS_OK)
		return 70;
	if (!mkdtemp(tmpl)) {
		perror("bench_ui: mkdtemp");
		return 73;
	}
	now = bs_now_ms();
	app_blank(&ui.app);
	if ((rv = app_init(&ui.app, tmpl, 1)) != BS_OK || (rv = app_open_db(&ui.app)) != BS_OK) {
		fprintf(stderr, "bench_ui: cannot open %s: %s\n", tmpl, bs_strerror(rv));
		return 73;
	}
	localdb_meta_set(ui.app.db, "server", "127.0.0.1:9");
	localdb_meta_set(ui.app.db, "server_key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	localdb_meta_set(ui.app.db, "device_id", "5");
	localdb_meta_set(ui.app.db, "unit_id", "42");
	localdb_meta_set(ui.app.db, "role", "1");
	localdb_meta_set(ui.app.db, "unit_name", "城关镇人民政府");
	localdb_meta_set(ui.app.db, "unit_code", "chengguan");
	printf("filling %s: %u projects, %u weeks of reports ...\n", tmpl, o.projects, o.weeks);
	fflush(stdout);
	c.cap = o.projects;
	c.uids = calloc(o.projects, sizeof *c.uids);
	if (!c.uids || (rv = fill(ui.app.db, &o, now)) != BS_OK ||
	    (rv = localdb_record_each(ui.app.db, REC_KIND_PROJECT, 0, collect_uid, &c)) != BS_OK ||
	    (rv = fill_reports(ui.app.db, &o, now, c.uids, c.n)) != BS_OK ||
	    (rv = app_server(&ui.app, &ui.srv)) != BS_OK) {
		fprintf(stderr, "bench_ui: cannot fill the database: %s\n", bs_strerror(rv));
		return 70;
	}
	snprintf(ui.dir, sizeof ui.dir, "%s", ui.app.dir);
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(secret, sizeof secret, rnd, sizeof rnd);
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(ui.csrf, sizeof ui.csrf, rnd, sizeof rnd);
	if ((rv = http_start(&srv, "127.0.0.1", 0, secret, ui.csrf, &ui, ui_route)) != BS_OK) {
		fprintf(stderr, "bench_ui: cannot start the HTTP server: %s\n", bs_strerror(rv));
		return 70;
	}
	snprintf(cookie, sizeof cookie, "baosong_ui_%u=%s", http_port(srv), secret);
	period_format_week(period_local_days(now), week);
	{
		char wpath[64];
		char *cli_pa[] = {(char *)o.baosong, (char *)"project", (char *)"list",
				  (char *)"--dir", tmpl, NULL};
		char *cli_wa[] = {(char *)o.baosong, (char *)"report", (char *)"list",
				  (char *)"--week", week, (char *)"--dir", tmpl, NULL};

		snprintf(wpath, sizeof wpath, "/weekly?week=%s", week);
		/* warm the page cache and the code once */
		fetch(http_port(srv), cookie, "/projects", &bytes_p, &okp);
		fetch(http_port(srv), cookie, wpath, &bytes_w, &okw);
		for (r = 0; r < o.runs; r++) {
			page_p[r] = fetch(http_port(srv), cookie, "/projects", &bytes_p, &okp);
			page_w[r] = fetch(http_port(srv), cookie, wpath, &bytes_w, &okw);
			cli_p[r] = run_cli(cli_pa);
			cli_w[r] = run_cli(cli_wa);
			floor_p[r] = read_all(ui.app.db, REC_KIND_PROJECT, NULL);
			floor_w[r] = read_all(ui.app.db, REC_KIND_WEEKLY, NULL);
			floor_ww[r] = read_all(ui.app.db, REC_KIND_WEEKLY, week);
			if (!okp || !okw || page_p[r] < 0 || page_w[r] < 0 || cli_p[r] < 0 ||
			    cli_w[r] < 0 || floor_p[r] < 0 || floor_w[r] < 0 ||
			    floor_ww[r] < 0) {
				fprintf(stderr, "bench_ui: a request or command failed (run %u)\n", r);
				ok = 0;
				break;
			}
		}
	}
	http_stop(srv);
	app_close(&ui.app);
	{
		char cmd[200];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_ui: could not remove %s\n", tmpl);
	}
	free(c.uids);
	if (!ok)
		return 1;
	mp = bench_median(page_p, o.runs);
	mw = bench_median(page_w, o.runs);
	cp = bench_median(cli_p, o.runs);
	cw = bench_median(cli_w, o.runs);
	fp = bench_median(floor_p, o.runs);
	fw = bench_median(floor_w, o.runs);
	fww = bench_median(floor_ww, o.runs);
	printf("%u projects, %u weeks of weekly reports; medians of %u runs (ms)\n", c.n, o.weeks,
	       o.runs);
	printf("  %-34s %9s %9s %9s\n", "", "page", "CLI", "read all");
	printf("  %-34s %9.2f %9.2f %9.2f   page %zu KiB\n", "项目库 /projects | project list", mp,
	       cp, fp, bytes_p / 1024);
	printf("  %-34s %9.2f %9.2f %9.2f   page %zu KiB\n", "周报 /weekly | report list --week", mw,
	       cw, fw, bytes_w / 1024);
	printf("  %-34s %9s %9s %9.2f\n", "  the week's reports only", "", "", fww);
	printf("  the CLI times include starting the process; \"read all\" is every record of the "
	       "kind read through the local database, nothing decoded\n");
	bench_result("11 ui 项目库 page", "GET /projects ms (baseline: CLI)", mp, cp, mp / cp,
		     "< 50 ms", mp < GOAL_MS);
	bench_result("11 ui 周报 page", "GET /weekly ms (baseline: CLI)", mw, cw, mw / cw, "< 50 ms",
		     mw < GOAL_MS);
	return 0;
}
