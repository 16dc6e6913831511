/* cmd_sync.c - baosong init, sync, push, pull, status. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "bs_limits.h"
#include "cli.h"
#include "commands.h"
#include "due.h"
#include "err.h"
#include "explain.h"
#include "kinds.h"
#include "log.h"
#include "net.h"
#include "sync.h"
#include "syncrun.h"
#include "cliutil.h"
#include "table.h"

#define DEFAULT_TIMEOUT_S 30u
#define DEFAULT_BUDGET_S 1800u
#define BACKOFF_CAP_S 300u

static int64_t now_ms(void)
{
	return wire_now_ms();
}

/* "2026-11-23 17:03" in Shanghai time. */
static void fmt_local(int64_t ms, char *out, size_t cap)
{
	time_t t = (time_t)(ms / 1000) + 8 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm);
}

/* ---- init ----------------------------------------------------------------------- */

static const char *role_name(int role)
{
	static const char *names[] = {"?", "填报 reporter", "审核 reviewer", "统计 statistics",
				      "领导 leader", "管理员 admin"};
	return role >= 1 && role <= 5 ? names[role] : names[0];
}

static int save_identity(struct app *a, const char *server, const uint8_t pub[KEY_LEN],
			 const Baosong__V1__Identity *id)
{
	char b64[64];
	int rv;
	keys_pub_to_base64(pub, b64);
	rv = localdb_begin(a->db);
	if (rv == BS_OK)
		rv = localdb_meta_set(a->db, "server", server);
	if (rv == BS_OK)
		rv = localdb_meta_set(a->db, "server_key", b64);
	if (rv == BS_OK)
		rv = localdb_meta_set_int(a->db, "device_id", id->device_id);
	if (rv == BS_OK)
		rv = localdb_meta_set_int(a->db, "unit_id", id->unit_id);
	if (rv == BS_OK)
		rv = localdb_meta_set_int(a->db, "role", id->role);
	if (rv == BS_OK)
		rv = localdb_meta_set(a->db, "unit_name", id->unit_name ? id->unit_name : "");
	if (rv == BS_OK)
		rv = localdb_meta_set(a->db, "unit_code", id->unit_code ? id->unit_code : "");
	if (rv == BS_OK)
		rv = localdb_commit(a->db);
	else
		localdb_rollback(a->db);
	return rv;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
					     {"server", required_argument, 0, 's'},
					     {"server-key", required_argument, 0, 'S'},
					     {"token", required_argument, 0, 't'},
					     {"label", required_argument, 0, 'l'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dir = NULL, *server = NULL, *server_key = NULL, *token = NULL;
	const char *label = NULL;
	char host[256] = "", fp[FP_STRLEN + 1];
	struct app a;
	struct keypair kp;
	struct session s;
	uint64_t hello = 0;
	uint8_t spub[KEY_LEN];
	Envelope req = BAOSONG__V1__ENVELOPE__INIT, *resp = NULL;
	Baosong__V1__EnrollRequest er = BAOSONG__V1__ENROLL_REQUEST__INIT;
	Baosong__V1__WhoAmI w = BAOSONG__V1__WHO_AM_I__INIT;
	struct wire_arena arena;
	char msg[768];
	int c, rv, reported = 0;

	while ((c = getopt_long(argc, argv, "d:s:S:t:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 's': server = optarg; break;
		case 'S': server_key = optarg; break;
		case 't': token = optarg; break;
		case 'l': label = optarg; break;
		case 'h':
			printf("baosong init --server HOST:PORT --server-key FINGERPRINT|FILE "
			       "--token TOKEN [--label TEXT] [--dir DIR]\n"
			       "  设置本机（每台电脑一次）：生成本机密钥，核对县服务器密钥指纹后记住它，\n"
			       "  再用发改局给的一次性登记口令登记。已登记的电脑再运行只检查连接。\n"
			       "  Set this PC up once: make its key (if there is none), pin the "
			       "server's key after\n  checking its fingerprint, and enrol with the "
			       "one-time token from the bureau.\n  Running it again on an enrolled "
			       "device just checks the connection.\n"
			       "  --server HOST:PORT   县服务器地址 the county server\n"
			       "  --server-key FP      发改局电话告知的指纹 the fingerprint the bureau "
			       "read out\n"
			       "  --token TOKEN        一次性登记口令（7天内有效） the one-time "
			       "enrolment token\n"
			       "  --label TEXT         本机名称 a name for this PC (shown to the "
			       "bureau)\n"
			       "  --dir DIR            数据目录 data directory (default "
			       "$BAOSONG_DIR or ~/.baosong)\n"
			       "Example:\n  baosong init --server county.example:7400 --server-key "
			       "F9TN-2QS7-... --token 1KZ5-ASFK-...\n");
			return 0;
		default: return EX_USAGE_;
		}
	}
	if (!server || !server_key) {
		fprintf(stderr, "baosong init: needs --server HOST:PORT and --server-key "
				"FINGERPRINT|FILE (and --token TOKEN the first time)\n");
		return EX_USAGE_;
	}
	if ((rv = app_init(&a, dir, 1)) != BS_OK) {
		fprintf(stderr, "baosong: %s\n",
			client_explain(rv, EXPLAIN_LOCAL, NULL, dir ? dir : "~/.baosong", msg,
				       sizeof msg));
		return cli_exit_code(rv);
	}
	rv = keys_read_private(a.key_path, &kp);
	if (rv == BS_E_NOTFOUND) {
		if ((rv = keys_generate(&kp)) == BS_OK)
			rv = keys_write(&kp, a.key_path, label ? label : "baosong-device", 0);
		if (rv == BS_OK) {
			keys_fingerprint(kp.pub, fp);
			printf("made this device's key %s (fingerprint %s)\n", a.key_path, fp);
		}
	}
	if (rv != BS_OK) {
		fprintf(stderr, "baosong: %s\n",
			client_explain(rv == BS_E_NOTFOUND ? BS_E_IO : rv, EXPLAIN_LOCAL, NULL,
				       a.key_path, msg, sizeof msg));
		keys_wipe(&kp);
		return cli_exit_code(rv);
	}
	{
		char h[256], pt[16];
		if (net_split_hostport(server, h, sizeof h, pt, sizeof pt) != BS_OK) {
			fprintf(stderr, "baosong init: --server wants HOST:PORT (如 "
					"county.example:7400), got '%s'\n", server);
			keys_wipe(&kp);
			return EX_USAGE_;
		}
	}
	rv = net_resolve_server_key(server, server_key, DEFAULT_TIMEOUT_S * 1000u, spub);
	if (rv != BS_OK) {
		if (rv == BS_E_INVAL)
			fprintf(stderr, "baosong init: --server-key '%s' 既不是指纹也不是密钥文件 is "
					"neither a fingerprint (XXXX-XXXX-...) nor a key file\n",
				server_key);
		else
			fprintf(stderr, "baosong: %s\n",
				client_explain(rv, EXPLAIN_CONNECT, server, server_key, msg,
					       sizeof msg));
		keys_wipe(&kp);
		return cli_exit_code(rv);
	}
	(void)host;
	if ((rv = app_hello_ns(&a, &hello)) != BS_OK) {
		fprintf(stderr, "baosong: %s\n",
			client_explain(rv, EXPLAIN_LOCAL, NULL, a.db_path, msg, sizeof msg));
		keys_wipe(&kp);
		return cli_exit_code(rv);
	}
	rv = session_open(&s, server, &kp, spub, hello, DEFAULT_TIMEOUT_S * 1000u);
	keys_wipe(&kp);
	if (rv != BS_OK) {
		fprintf(stderr, "baosong: %s\n",
			client_explain(rv, EXPLAIN_CONNECT, server,
				       s.server.error ? s.server.error_message : NULL, msg,
				       sizeof msg));
		return cli_exit_code(rv);
	}
	/* Already enrolled?  Then WhoAmI answers; otherwise enrol. */
	req.body_case = BAOSONG__V1__ENVELOPE__BODY_WHOAMI;
	req.whoami = &w;
	if (token) {
		er.token = (char *)token;
		er.label = (char *)(label ? label : "");
		req.body_case = BAOSONG__V1__ENVELOPE__BODY_ENROLL;
		req.enroll = &er;
	}
	wire_arena_init(&arena, WIRE_DECODE_MEM_MAX);
	rv = session_call(&s, &req, &arena, &resp);
	if (rv == BS_OK && resp->body_case == BAOSONG__V1__ENVELOPE__BODY_ERROR &&
	    wire_error_code(resp->error) == BS_E_STATE && token) {
		/* The key was enrolled before: fine, ask who we are. */
		wire_envelope_free(resp, &arena);
		resp = NULL;
		req.body_case = BAOSONG__V1__ENVELOPE__BODY_WHOAMI;
		req.whoami = &w;
		wire_arena_init(&arena, WIRE_DECODE_MEM_MAX);
		rv = session_call(&s, &req, &arena, &resp);
	}
	if (rv == BS_OK && resp->body_case == BAOSONG__V1__ENVELOPE__BODY_ERROR) {
		rv = wire_error_code(resp->error);
		fprintf(stderr, "baosong: %s\n",
			client_explain(rv, EXPLAIN_ENROL, server, resp->error->message, msg,
				       sizeof msg));
		reported = 1;
	} else if (rv == BS_OK && resp->body_case != BAOSONG__V1__ENVELOPE__BODY_IDENTITY) {
		rv = BS_E_PROTO;
	}
	if (rv == BS_OK) {
		const Baosong__V1__Identity *id = resp->identity;
		if ((rv = app_open_db(&a)) == BS_OK)
			rv = save_identity(&a, server, spub, id);
		if (rv == BS_OK) {
			/* Fetch the unit directory and what the device may see now, so
			 * imports and --lead-unit checks work before the first sync. */
			struct sync_stats st;
			memset(&st, 0, sizeof st);
			if (sync_pull(&s, a.db, &st) != BS_OK)
				fprintf(stderr, "baosong: 首次拉取失败，稍后运行 baosong sync first pull "
						"failed; run baosong sync later\n");
			keys_fingerprint(spub, fp);
			printf("enrolled: device %lld of %s (%s), role %s\nserver %s, key %s\n",
			       (long long)id->device_id, id->unit_name, id->unit_code,
			       role_name(id->role), server, fp);
		}
	}
	if (resp)
		wire_envelope_free(resp, &arena);
	session_close(&s);
	app_close(&a);
	if (rv != BS_OK && !reported)
		fprintf(stderr, "baosong init: %s\n",
			client_explain(rv, EXPLAIN_ENROL, server, NULL, msg, sizeof msg));
	return cli_exit_code(rv);
}

/* ---- sync ------------------------------------------------------------------------ */

/* Whether an unattended run should try again after rv.  A handshake refused
 * as a replay (the server holds a newer stamp for this key: a clock stepped
 * back, or a copied data directory) clears once this device's clock passes
 * that stamp, which the server accepted at most the allowed skew ahead of its
 * own clock: so it is retried for that long after the first refusal, with
 * a little to spare, and is permanent after. */
static int worth_retrying(int rv, int64_t *replay_since)
{
	if (rv == BS_E_REPLAY) {
		if (*replay_since == 0)
			*replay_since = now_ms();
		return now_ms() - *replay_since <= (int64_t)BS_CLOCK_SKEW_MS + 60000;
	}
	return bs_err_retryable(rv);
}

static int run_sync(int argc, char **argv, enum sync_mode mode)
{
	static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
					     {"unattended", no_argument, 0, 'u'},
					     {"budget", required_argument, 0, 'b'},
					     {"timeout", required_argument, 0, 't'},
					     {"quiet", no_argument, 0, 'q'},
					     {"verbose", no_argument, 0, 'v'},
					     {"renumber", no_argument, 0, 'R'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dir = NULL;
	unsigned long long budget = 0, timeout_s = DEFAULT_TIMEOUT_S;
	int unattended = 0, quiet = 0, c, rv, attempt = 0;
	struct sync_opts so;
	struct sync_stats st;
	struct app a;
	int64_t deadline, replay_since = 0;
	enum explain_step step = EXPLAIN_LOCAL;
	char addr[300] = "", why[768] = "";

	memset(&so, 0, sizeof so);
	while ((c = getopt_long(argc, argv, "d:ub:t:qvh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'u': unattended = 1; break;
		case 'b':
			if (cli_parse_uint(optarg, 1, 86400, &budget) != BS_OK) {
				fprintf(stderr, "baosong: --budget must be 1..86400 seconds\n");
				return EX_USAGE_;
			}
			break;
		case 't':
			if (cli_parse_uint(optarg, 1, 3600, &timeout_s) != BS_OK) {
				fprintf(stderr, "baosong: --timeout must be 1..3600 seconds\n");
				return EX_USAGE_;
			}
			break;
		case 'q': quiet = 1; break;
		case 'v': log_setup("baosong", LOG_DEBUG); break;
		case 'R': so.renumber = 1; break;
		case 'h':
			printf("baosong %s [--unattended] [--budget SECONDS] [--timeout SECONDS] "
			       "[--quiet] [--dir DIR]\n"
			       "  同步 = 先发送（附件，再按顺序发送待发修改），再拉取服务器上的变化。\n"
			       "  sync = push, then pull.  push sends attachments then the outbox "
			       "in order;\n  pull fetches what changed on the server.\n"
			       "  --unattended  无人值守（定时任务）for cron/systemd: never overlaps "
			       "another run,\n                retries retryable errors with "
			       "exponential backoff and jitter\n                until --budget "
			       "(default %u s) runs out.\n"
			       "  --renumber    服务器拒收了本目录按已用编号发送的修改（BS_E_SEQ_REUSED：数据\n"
			       "                目录是恢复或复制来的），核对后重新编号发送 after you "
			       "checked them:\n                renumber and send them.\n"
			       "  --quiet       只报告问题 print only problems: failures, and one "
			       "line when\n                changes were refused or conflict\n"
			       "Exit status 退出码: 0 done; %d done, but changes were refused or "
			       "conflict\n(被拒或冲突，需要人工处理: see baosong status); 75 try later "
			       "(cannot reach the\nserver, busy, another run); 77 refused (revoked "
			       "key, not enrolled, wrong\nserver key); 66 not set up (run baosong "
			       "init); 65 bad data; 70 internal.\n",
			       mode == SYNC_MODE_SYNC ? "sync" : mode == SYNC_MODE_PUSH ? "push" : "pull",
			       DEFAULT_BUDGET_S, EX_ATTENTION);
			return 0;
		default: return EX_USAGE_;
		}
	}
	if (unattended && budget == 0)
		budget = DEFAULT_BUDGET_S;
	so.progress = !unattended && !quiet && isatty(STDERR_FILENO);
	/* Unattended runs log retries (warnings) for the journal; --quiet only errors. */
	if (quiet)
		log_setup("baosong", LOG_ERROR);
	else if (unattended)
		log_setup("baosong", LOG_WARN);
	if (getenv("BAOSONG_TEST_STOP_AFTER_BYTES"))
		so.stop_after_bytes = strtoull(getenv("BAOSONG_TEST_STOP_AFTER_BYTES"), NULL, 10);
	if (getenv("BAOSONG_TEST_CHUNK"))
		so.chunk = (unsigned)strtoul(getenv("BAOSONG_TEST_CHUNK"), NULL, 10);
	if (getenv("BAOSONG_TEST_UPLOAD_SINGLE")) /* as clients before `more` upload */
		so.upload_single = 1;

	app_blank(&a);
	if ((rv = app_open_cli(dir, &a, NULL)) != BS_OK) {
		app_close(&a);
		return cli_exit_code(rv);
	}
	if ((rv = app_lock(&a)) != BS_OK) {
		if (!quiet || rv != BS_E_LOCKED)
			fprintf(stderr, "baosong: %s\n",
				client_explain(rv, EXPLAIN_LOCAL, NULL, a.lock_path, why,
					       sizeof why));
		app_close(&a);
		return cli_exit_code(rv);
	}
	deadline = now_ms() + (int64_t)budget * 1000;
	for (;;) {
		memset(&st, 0, sizeof st);
		rv = sync_round(&a, mode, (unsigned)timeout_s * 1000u, &so, &st, &step, addr);
		if (rv != BS_OK)
			client_explain(rv, step, addr, step == EXPLAIN_LOCAL ? a.db_path : NULL, why,
				       sizeof why);
		sync_note_result(&a, rv, why);
		if (rv == BS_OK || !unattended || !worth_retrying(rv, &replay_since))
			break;
		{
			/* Exponential backoff with jitter, within the budget: the
			 * wait is uniform between half the cap and the whole cap. */
			unsigned cap = attempt < 8 ? (1u << attempt) : BACKOFF_CAP_S;
			unsigned delay_ms;
			if (cap > BACKOFF_CAP_S)
				cap = BACKOFF_CAP_S;
			delay_ms = cap * 500u + randombytes_uniform(cap * 500u + 1);
			if (now_ms() + delay_ms >= deadline)
				break;
			log_warn("attempt %d failed (%s); retrying in %.1f s", attempt + 1,
				 bs_strerror(rv), delay_ms / 1000.0);
			usleep(delay_ms * 1000u);
			attempt++;
		}
	}
	if (rv == BS_OK) {
		unsigned pend = 0, quar = 0, conf = 0;
		localdb_counts(a.db, &pend, &quar, &conf);
		if (!quiet)
			printf("同步完成 sync done: 已确认 %u 条（重放 %u），冲突 %u，被拒 %u；拉取 %u "
			       "条；上传 %u 个文件 %.1f MB；待发 %u，隔离 %u，待解决冲突 %u\n",
			       st.applied, st.replayed, st.conflicts, st.rejected, st.pulled,
			       st.files_uploaded, (double)st.bytes_uploaded / 1048576.0, pend, quar,
			       conf);
		if (!quiet && (st.merged || st.repaired))
			printf("  按字段合并 merged field by field: %u 项修改与他人的修改 change%s "
			       "merged with someone else's; 恢复 %u 条本机记录为服务器版本 local "
			       "record%s put back to the server's version\n",
			       st.merged, st.merged == 1 ? "" : "s", st.repaired,
			       st.repaired == 1 ? "" : "s");
		if (st.rejected || st.conflicts) {
			/* Never hidden, not even by --quiet: a person must act. */
			fflush(stdout);
			fprintf(stderr, "baosong: 需要处理 needs attention: %u 项修改被服务器拒绝 "
					"refused, %u 项冲突 in conflict (本次 this run: %u refused, %u "
					"conflicts); see baosong status\n",
				quar, conf, st.rejected, st.conflicts);
			app_close(&a);
			return EX_ATTENTION;
		}
	} else if (!(step == EXPLAIN_LOCAL && rv == BS_E_NOTFOUND)) {
		/* (not set up: app_server said so already) */
		fprintf(stderr, "baosong: 同步失败 sync failed: %s%s\n", why,
			bs_err_retryable(rv) && step != EXPLAIN_CONNECT
				? "; 数据未丢失，下次运行继续 nothing is lost, the next run "
				  "continues"
				: "");
	}
	app_close(&a);
	return cli_exit_code(rv);
}

int cmd_sync(int argc, char **argv)
{
	return run_sync(argc, argv, SYNC_MODE_SYNC);
}

int cmd_push(int argc, char **argv)
{
	return run_sync(argc, argv, SYNC_MODE_PUSH);
}

int cmd_pull(int argc, char **argv)
{
	return run_sync(argc, argv, SYNC_MODE_PULL);
}

/* ---- status ---------------------------------------------------------------------- */

static int print_quarantined(void *ctx, const struct lop *op)
{
	(void)ctx;
	printf("  #%llu %s %s: %s [%s]\n", (unsigned long long)op->seq, op->kind, op->uid,
	       op->error_msg, bs_errname(op->error_code));
	return 0;
}

static int print_conflict(void *ctx, const struct lconflict *cf)
{
	char when[32];
	(void)ctx;
	fmt_local(cf->created_at, when, sizeof when);
	printf("  #%llu %s %s: server revision %llu differs from yours (%s)\n",
	       (unsigned long long)cf->seq, cf->kind, cf->uid,
	       (unsigned long long)cf->server_rev, when);
	return 0;
}

/* "2026-11-20 (周五 Fri) 12:00". */
static void fmt_deadline(int64_t ms, char *out, size_t cap)
{
	static const char *wd[] = {"周日 Sun", "周一 Mon", "周二 Tue", "周三 Wed",
				   "周四 Thu", "周五 Fri", "周六 Sat"};
	time_t t = (time_t)(ms / 1000) + 8 * 3600;
	struct tm tm;
	char day[16], hm[8];
	gmtime_r(&t, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	strftime(hm, sizeof hm, "%H:%M", &tm);
	snprintf(out, cap, "%s (%s) %s", day, wd[tm.tm_wday % 7], hm);
}

static int print_unsent(void *ctx, const uint8_t hash[LDB_HASH_LEN], const char *path,
			uint64_t size)
{
	char hex[17];
	unsigned *shown = ctx;
	size_t i;
	if ((*shown)++ >= 10)
		return 0;
	for (i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", hash[i]);
	printf("  %s  %s (%llu bytes)\n", hex, path, (unsigned long long)size);
	return 0;
}

/* What is due, first: this week's reports, late ones, photos not sent. */
static void print_due(struct app *a, const struct app_server *srv)
{
	struct due_summary d;
	char when[64];
	size_t i;
	int64_t now = now_ms();

	if (due_load(a->db, srv->unit_id, now, &d) != BS_OK) {
		due_free(&d);
		fprintf(stderr, "baosong: 读取本地数据失败 cannot read the local database\n");
		return;
	}
	fmt_deadline(d.deadline_ms, when, sizeof when);
	printf("本周周报 this week's reports %s，截止 due %s 北京时间%s\n", d.week, when,
	       d.deadline_passed ? "（已过 passed: a report sent now is late 迟报）" : "");
	if (d.owed == 0)
		printf("  本单位没有在建项目需要报送 no project of this unit (新开工/续建) owes a "
		       "report\n");
	else if (d.n_missing == 0)
		printf("  已全部填报 all %u reported\n", d.owed);
	else {
		printf("  已报 %u / %u reported; 未报 still missing %zu (baosong report add "
		       "--project ID ...):\n", d.done, d.owed, d.n_missing);
		for (i = 0; i < d.n_missing; i++) {
			printf("  %.8s  ", d.missing[i].uid);
			table_text(stdout, d.missing[i].name, 0, "");
			putchar('\n');
		}
	}
	if (d.n_late) {
		printf("迟报 late reports (%zu):\n", d.n_late);
		for (i = 0; i < d.n_late && i < 10; i++) {
			char got[32];
			if (d.late[i].received_ms)
				fmt_local(d.late[i].received_ms, got, sizeof got);
			printf("  %.8s  %-8s  ", d.late[i].uid, d.late[i].period);
			table_text(stdout, d.late[i].name, 0, "");
			printf("  %s%s\n", d.late[i].received_ms ? "收到 received " : "尚未发送 not sent yet",
			       d.late[i].received_ms ? got : "");
		}
		if (d.n_late > 10)
			printf("  ... (baosong report list --late)\n");
	}
	if (d.photos_unsent) {
		unsigned shown = 0;
		printf("未上传的照片 photos not uploaded yet: %u (%.1f MB); baosong sync sends "
		       "them:\n", d.photos_unsent, (double)d.photo_bytes_unsent / 1048576.0);
		localdb_file_each_unsent(a->db, print_unsent, &shown);
	}
	due_free(&d);
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dir = NULL;
	struct app a;
	struct app_server srv;
	unsigned pend = 0, quar = 0, conf = 0;
	int64_t ok = 0;
	char buf[800], when[32];
	int c, rv;

	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'h':
			printf("baosong status [--dir DIR]\n"
			       "  本机状况：先列出应报事项（本周周报截止周五12:00北京时间及未报项目、迟报），\n"
			       "  再列出被退回的记录及审核意见、被服务器拒绝的修改、冲突、未上传的照片、\n"
			       "  最近一次同步。\n"
			       "  What is due first (this week's reports, due Friday 12:00 Beijing "
			       "time, and\n  which are missing; late ones), then records returned "
			       "with the reviewer's\n  comment, changes the server refused, "
			       "conflicts, photos not uploaded yet,\n  and the last sync.\n");
			return 0;
		default: return EX_USAGE_;
		}
	}
	app_blank(&a);
	if ((rv = app_open_cli(dir, &a, &srv)) != BS_OK) {
		app_close(&a);
		return cli_exit_code(rv);
	}
	print_due(&a, &srv);
	kinds_print_review(a.db);
	localdb_counts(a.db, &pend, &quar, &conf);
	if (quar) {
		printf("被服务器拒绝、需要修改的操作 refused by the server (fix, then "
		       "`baosong discard SEQ`):\n");
		localdb_quarantine_each(a.db, print_quarantined, NULL);
	}
	if (conf) {
		printf("冲突 conflicts (resolve with `baosong resolve SEQ --mine|--theirs`):\n");
		localdb_conflict_each(a.db, print_conflict, NULL);
	}
	printf("单位 unit: %s   设备 device: %lld   服务器 server: %s\n", srv.unit_name,
	       (long long)srv.device_id, srv.addr);
	printf("待发送 pending: %u   已隔离 quarantined: %u   冲突 conflicts: %u\n", pend, quar,
	       conf);
	if (localdb_meta_get_int(a.db, "last_sync_ok", &ok) == BS_OK && ok > 0) {
		fmt_local(ok, when, sizeof when);
		printf("上次成功同步 last successful sync: %s (北京时间)\n", when);
	} else {
		printf("上次成功同步 last successful sync: never\n");
	}
	{
		char why[SYNC_NOTE_MAX];
		int64_t t;

		if (sync_last_failure(a.db, &t, why, sizeof why)) {
			fmt_local(t, when, sizeof when);
			printf("上次同步失败 last failure: %s %s\n", when, why);
		}
	}
	if (localdb_meta_get(a.db, "seq_reused", buf, sizeof buf) == BS_OK && buf[0])
		printf("未发送：服务器已用本设备第 %llu 号起的编号收下了别的修改（数据目录是恢复或复制来的），"
		       "本机修改已保留；核对后运行 baosong sync --renumber\n"
		       "NOT SENT: the server holds other changes under this device's numbers from "
		       "%llu on (restored or copied data directory); your changes are kept - check "
		       "them, then run `baosong sync --renumber`\n",
		       strtoull(buf, NULL, 10), strtoull(buf, NULL, 10));
	app_close(&a);
	return cli_exit_code(cli_write_error());
}
